/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvaultctl's command line. */
#ifndef KVAULTCTL_ARGS_H
#define KVAULTCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum kvaultctl_cmd {
	KVAULTCTL_CMD_NONE = 0,
	KVAULTCTL_CMD_HELP,
	KVAULTCTL_CMD_VERSION,
	KVAULTCTL_CMD_STATUS,
	KVAULTCTL_CMD_PCR_READ,
};

struct kvaultctl_args {
	enum kvaultctl_cmd cmd;
	bool json;		/* --json */
	bool netlink;		/* --netlink, else ioctl */
	uint16_t bank;		/* pcr read: --bank, default sha256 */
	uint32_t pcr_mask;	/* pcr read: PCRS, default all */
};

/**
 * kvaultctl_args_parse() - parse kvaultctl's arguments
 * @argc, @argv: as given to main(); argv[0] is skipped
 * @args:        receives the result
 * @err, @errlen: on error, receives a message (without "kvaultctl: ")
 *
 * Options may come before or after the command words. "--" ends the
 * options. -h/--help and --version end parsing at once.
 *
 * Return: 0, or -EINVAL on a usage error.
 */
int kvaultctl_args_parse(int argc, char *const argv[],
			 struct kvaultctl_args *args, char *err, size_t errlen);

void kvaultctl_usage(FILE *f);

#endif
