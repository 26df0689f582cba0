// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvaultctl - command-line client of the kvault kernel key vault
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "format.h"
#include "key.h"
#include "libkvault.h"
#include "report.h"

#ifndef KVAULTCTL_VERSION
#define KVAULTCTL_VERSION "0.1.0"
#endif

static int cmd_status(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct kvault_status st;
	int ret;

	ret = kvault_status_get(kv, &st);
	if (ret) {
		kvaultctl_report_error(stderr, "reading the status", ret,
				       kvault_errmsg(kv), a->netlink, NULL);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (a->json)
		kvaultctl_print_status_json(stdout, &st);
	else
		kvaultctl_print_status(stdout, &st);
	ret = kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	if (ret)
		return ret;

	if (!(st.tpm_flags & KVAULT_TPM_PRESENT) ||
	    !(st.tpm_flags & KVAULT_TPM_VERSION_2)) {
		fputs("kvaultctl: no TPM 2.0 device found\n", stderr);
		return KVAULTCTL_EXIT_FAIL;
	}
	return KVAULTCTL_EXIT_OK;
}

static int cmd_pcr_read(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct kvault_pcr_values v;
	char hint[128];
	const char *name;
	int ret;

	ret = kvault_pcr_read(kv, a->bank, a->pcr_mask, &v);
	if (ret) {
		name = kvault_bank_name(a->bank);
		if (name)
			snprintf(hint, sizeof(hint),
				 "has the TPM allocated the %s bank? see 'kvaultctl status'",
				 name);
		else
			snprintf(hint, sizeof(hint),
				 "has the TPM allocated bank 0x%04x? see 'kvaultctl status'",
				 a->bank);
		kvaultctl_report_error(stderr, "reading PCRs", ret,
				       kvault_errmsg(kv), a->netlink, hint);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (a->json)
		kvaultctl_print_pcrs_json(stdout, &v);
	else
		kvaultctl_print_pcrs(stdout, &v);
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

int main(int argc, char **argv)
{
	struct kvaultctl_args a;
	struct kvault *kv;
	char err[512];
	int ret;

	if (kvaultctl_args_parse(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "kvaultctl: %s\nTry 'kvaultctl --help' for more information.\n",
			err);
		return KVAULTCTL_EXIT_USAGE;
	}

	switch (a.cmd) {
	case KVAULTCTL_CMD_HELP:
		kvaultctl_usage(stdout);
		return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	case KVAULTCTL_CMD_VERSION:
		printf("kvaultctl %s\n", KVAULTCTL_VERSION);
		return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	case KVAULTCTL_CMD_STATUS:
	case KVAULTCTL_CMD_PCR_READ:
		break;
	case KVAULTCTL_CMD_MONITOR:
		return kvaultctl_monitor_run(&a);
	case KVAULTCTL_CMD_KEY_SEAL:
	case KVAULTCTL_CMD_KEY_RESEAL:
	case KVAULTCTL_CMD_KEY_LOAD:
	case KVAULTCTL_CMD_KEY_CHECK:
	case KVAULTCTL_CMD_LOAD_ALL:
	case KVAULTCTL_CMD_PCR_EXTEND:
		return kvaultctl_seal_run(&a);
	case KVAULTCTL_CMD_VOLUME_OPEN:
	case KVAULTCTL_CMD_VOLUME_CLOSE:
	case KVAULTCTL_CMD_VOLUME_STATUS:
	case KVAULTCTL_CMD_VOLUME_OPEN_ALL:
	case KVAULTCTL_CMD_VOLUME_CLOSE_ALL:
		return kvaultctl_volume_run(&a);
	default:
		return kvaultctl_key_run(&a);
	}

	ret = kvaultctl_open(&kv, a.netlink);
	if (ret)
		return ret;
	if (a.cmd == KVAULTCTL_CMD_STATUS)
		ret = cmd_status(kv, &a);
	else
		ret = cmd_pcr_read(kv, &a);
	kvault_close(kv);
	return ret;
}
