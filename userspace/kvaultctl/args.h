/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvaultctl's command line. */
#ifndef KVAULTCTL_ARGS_H
#define KVAULTCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

enum kvaultctl_cmd {
	KVAULTCTL_CMD_NONE = 0,
	KVAULTCTL_CMD_HELP,
	KVAULTCTL_CMD_VERSION,
	KVAULTCTL_CMD_STATUS,
	KVAULTCTL_CMD_PCR_READ,
	KVAULTCTL_CMD_KEY_CREATE,
	KVAULTCTL_CMD_KEY_LIST,
	KVAULTCTL_CMD_KEY_SHOW,
	KVAULTCTL_CMD_KEY_ROTATE,
	KVAULTCTL_CMD_KEY_ENABLE,
	KVAULTCTL_CMD_KEY_DISABLE,
	KVAULTCTL_CMD_KEY_REVOKE,
	KVAULTCTL_CMD_KEY_DESTROY,
	KVAULTCTL_CMD_KEY_CANCEL_DESTROY,
	KVAULTCTL_CMD_KEY_SET_MIN_VERSION,
	KVAULTCTL_CMD_KEY_TIGHTEN,
	KVAULTCTL_CMD_MONITOR,
};

struct kvaultctl_args {
	enum kvaultctl_cmd cmd;
	bool json;		/* --json */
	bool netlink;		/* --netlink, else ioctl */
	uint16_t bank;		/* pcr read: --bank, default sha256 */
	uint32_t pcr_mask;	/* pcr read: PCRS, default all */
	struct kvaultctl_key_ref key;	/* key commands but list: NAME */
	const char *key_arg;	/* ... NAME as given */
	uint32_t alg, alg_len;	/* key create: --alg */
	uint32_t usage;		/* key create: --usage, 0 for the default */
	bool exportable;	/* key create: --exportable */
	bool use_keyring;	/* key create: --keyring given */
	int32_t keyring;	/* ... its serial or KEY_SPEC_* */
	bool destroy_later;	/* key destroy: --after given */
	uint32_t after;		/* ... in seconds */
	uint32_t min_version;	/* key set-min-version: N */
	uint64_t count;		/* monitor: --count, 0 for no limit */
};

/**
 * kvaultctl_args_parse() - parse kvaultctl's arguments
 * @argc, @argv: as given to main(); argv[0] is skipped
 * @args:        receives the result
 * @err, @errlen: on error, receives a message (without "kvaultctl: ")
 *
 * Options may come before or after the command words. "--" ends the
 * options. -h/--help and --version end parsing at once. An option given
 * twice takes its last value.
 *
 * Return: 0, or -EINVAL on a usage error.
 */
int kvaultctl_args_parse(int argc, char *const argv[],
			 struct kvaultctl_args *args, char *err, size_t errlen);

void kvaultctl_usage(FILE *f);

#endif
