// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "args.h"
#include "libkvault.h"
#include "pcrsel.h"

#define MAX_WORDS	3	/* "pcr" "read" PCRS */

static int usage_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int usage_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int kvaultctl_args_parse(int argc, char *const argv[],
			 struct kvaultctl_args *args, char *err, size_t errlen)
{
	const char *words[MAX_WORDS];
	const char *bank = NULL, *pcrs = NULL;
	bool opts_done = false;
	int nwords = 0, i;
	char why[128];

	memset(args, 0, sizeof(*args));
	args->bank = KVAULT_TPM_ALG_SHA256;
	args->pcr_mask = KVAULT_PCR_MASK_ALL;
	if (err && errlen)
		err[0] = '\0';

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (nwords == MAX_WORDS)
				return usage_error(err, errlen,
						   "unexpected argument '%s'", a);
			words[nwords++] = a;
		} else if (!strcmp(a, "--")) {
			opts_done = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			args->cmd = KVAULTCTL_CMD_HELP;
			return 0;
		} else if (!strcmp(a, "--version")) {
			args->cmd = KVAULTCTL_CMD_VERSION;
			return 0;
		} else if (!strcmp(a, "--json")) {
			args->json = true;
		} else if (!strcmp(a, "--netlink")) {
			args->netlink = true;
		} else if (!strcmp(a, "--bank")) {
			if (i + 1 >= argc)
				return usage_error(err, errlen,
						   "option '--bank' needs an argument");
			bank = argv[++i];
		} else if (!strncmp(a, "--bank=", 7)) {
			bank = a + 7;
		} else {
			return usage_error(err, errlen, "unknown option '%s'", a);
		}
	}

	if (nwords == 0)
		return usage_error(err, errlen,
				   "missing command ('status' or 'pcr read')");
	if (!strcmp(words[0], "status")) {
		if (nwords > 1)
			return usage_error(err, errlen,
					   "unexpected argument '%s' after 'status'",
					   words[1]);
		if (bank)
			return usage_error(err, errlen,
					   "option '--bank' only applies to 'pcr read'");
		args->cmd = KVAULTCTL_CMD_STATUS;
		return 0;
	}
	if (strcmp(words[0], "pcr"))
		return usage_error(err, errlen, "unknown command '%s'", words[0]);
	if (nwords < 2)
		return usage_error(err, errlen,
				   "missing subcommand after 'pcr' ('pcr read')");
	if (strcmp(words[1], "read"))
		return usage_error(err, errlen, "unknown command 'pcr %s'",
				   words[1]);
	if (nwords > 2)
		pcrs = words[2];

	if (bank && kvault_bank_from_name(bank, &args->bank))
		return usage_error(err, errlen,
				   "unknown PCR bank '%s' (use sha1, sha256, sha384, sha512, sm3_256, sha3_256, sha3_384, sha3_512 or a TCG algorithm number such as 0x000b)",
				   bank);
	if (pcrs && kvault_pcrsel_parse_msg(pcrs, &args->pcr_mask, why, sizeof(why)))
		return usage_error(err, errlen, "invalid PCR selection '%.40s%s': %s",
				   pcrs, strlen(pcrs) > 40 ? "..." : "", why);
	args->cmd = KVAULTCTL_CMD_PCR_READ;
	return 0;
}

void kvaultctl_usage(FILE *f)
{
	fputs("Usage: kvaultctl [OPTIONS] status\n"
	      "       kvaultctl [OPTIONS] pcr read [--bank BANK] [PCRS]\n"
	      "\n"
	      "Query the kvault kernel key vault.\n"
	      "\n"
	      "Commands:\n"
	      "  status            show the kvault module and its TPM\n"
	      "  pcr read          read PCR values from one bank of the TPM\n"
	      "\n"
	      "Options (anywhere on the command line):\n"
	      "  --json            print one JSON object instead of text\n"
	      "  --netlink         use the generic netlink family 'kvault'\n"
	      "                    instead of /dev/kvault\n"
	      "  --bank BANK       PCR bank: sha1, sha256 (default), sha384,\n"
	      "                    sha512, sm3_256, sha3_256, sha3_384,\n"
	      "                    sha3_512, or a TCG algorithm id like 0x000b\n"
	      "  -h, --help        show this help and exit\n"
	      "  --version         show the version and exit\n"
	      "\n"
	      "PCRS selects PCRs 0-23: numbers and ranges separated by commas,\n"
	      "e.g. 0,2,7 or 0-7 or 0-3,16,23. Default: all.\n"
	      "\n"
	      "Environment: KVAULT_DEVICE overrides the path /dev/kvault.\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n", f);
}
