/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvaultctl's command line. */
#ifndef KVAULTCTL_ARGS_H
#define KVAULTCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"
#include "volconf.h"

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
	KVAULTCTL_CMD_KEY_SEAL,
	KVAULTCTL_CMD_KEY_RESEAL,
	KVAULTCTL_CMD_KEY_LOAD,
	KVAULTCTL_CMD_KEY_CHECK,
	KVAULTCTL_CMD_LOAD_ALL,
	KVAULTCTL_CMD_PCR_EXTEND,
	KVAULTCTL_CMD_KEY_PUBLISH,
	KVAULTCTL_CMD_KEY_UNPUBLISH,
	KVAULTCTL_CMD_VOLUME_OPEN,
	KVAULTCTL_CMD_VOLUME_CLOSE,
	KVAULTCTL_CMD_VOLUME_STATUS,
	KVAULTCTL_CMD_VOLUME_OPEN_ALL,
	KVAULTCTL_CMD_VOLUME_CLOSE_ALL,
};

/* Room for the expected values of every PCR in the largest bank. */
#define KVAULTCTL_PCR_VALUES_MAX	(KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE)

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
	bool use_keyring;	/* key create, publish: --keyring given */
	int32_t keyring;	/* ... its serial or KEY_SPEC_* */
	const char *keyring_arg;	/* ... as given */
	bool destroy_later;	/* key destroy: --after given */
	uint32_t after;		/* ... in seconds */
	uint32_t min_version;	/* key set-min-version: N */
	uint64_t count;		/* monitor: --count, 0 for no limit */
	/* sealing */
	const char *store;	/* --store DIR, NULL: $KVAULT_STORE or default */
	bool pcrs_given;	/* seal, reseal: --pcrs given (seal: default
				 * sha256:7; reseal: keep the key's) */
	uint16_t seal_bank;	/* ... its bank */
	uint32_t seal_mask;	/* ... its PCRs */
	bool pcr_values_given;	/* --pcr-values HEX, decoded here */
	uint8_t pcr_values[KVAULTCTL_PCR_VALUES_MAX];
	size_t pcr_values_len;
	const char *pcr_values_file;	/* --pcr-values-file F, read later */
	const char *pin_file;	/* --pin-file F, read later */
	bool pin_stdin;		/* --pin-stdin */
	const char *blob_path;	/* load, check: --blob FILE */
	uint32_t pcr;		/* pcr extend: PCR */
	/* volumes */
	struct kvaultctl_volume vol;	/* open: DEVICE NAME and --key,
					 * --cipher, --sector-size,
					 * --key-version; close, status: NAME */
	const char *config;	/* open-all, close-all: --config FILE */
};

/* Default PCR set of 'key seal' without --pcrs: sha256:7 (Secure Boot). */
#define KVAULTCTL_SEAL_DEFAULT_BANK	KVAULT_TPM_ALG_SHA256
#define KVAULTCTL_SEAL_DEFAULT_MASK	(1U << 7)

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
