// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of kvaultctl and the pure parts of libkvault: PCR
 * selections, bank names, key names (algorithms, usages, states, events),
 * kvaultctl's values (numbers, durations, keys, keyrings) and keyctl
 * payloads, argument parsing, the JSON writer, the output formatters, the
 * error messages, and the kvaultctl binary end to end on a host without
 * kvault.ko.
 *
 * The binary under test is $KVAULTCTL, else the path compiled in.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <keyutils.h>

#include "kselftest_harness.h"

#include "args.h"
#include "capture.h"
#include "format.h"
#include "json.h"
#include "key_format.h"
#include "keyring.h"
#include "libkvault.h"
#include "parse.h"
#include "pcrsel.h"
#include "report.h"
#include "volconf.h"

#ifndef KVAULTCTL_PATH
#define KVAULTCTL_PATH "kvaultctl"
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define BIT(n)		(1U << (n))

/* ------------------------------------------------------------------ */
/* PCR selections                                                     */
/* ------------------------------------------------------------------ */

static const struct {
	const char *in;
	uint32_t mask;
} pcrsel_valid[] = {
	{ "0",			BIT(0) },
	{ "23",			BIT(23) },
	{ "7",			BIT(7) },
	{ "0,2,7",		BIT(0) | BIT(2) | BIT(7) },
	{ "0-7",		0xff },
	{ "0-3,16,23",		0xf | BIT(16) | BIT(23) },
	{ "0-23",		KVAULT_PCR_MASK_ALL },
	{ "23-23",		BIT(23) },
	{ "0-0",		BIT(0) },
	{ "22-23",		BIT(22) | BIT(23) },
	{ "1,1,1",		BIT(1) },
	{ "0-3,2-5",		0x3f },
	{ "16,0",		BIT(0) | BIT(16) },
	{ "07",			BIT(7) },
	{ "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
				KVAULT_PCR_MASK_ALL },
};

static const char *const pcrsel_invalid[] = {
	"", "24", "0-24", "24-25", "100", "99999999999", "4294967296",
	"4294967297", "18446744073709551617", "3-1", "23-0", "a", "1,,2",
	",", ",1", "1,", "-", "-1", "1-", "1--2", "1-2-3", "-1-2", " 1", "1 ",
	"1, 2", "\t1", "1\n", "+1", "0x1", "1;2", "1.5", "1,a", "0-a", "\xef\xbc\x91",
	"1e1",
};

TEST(pcrsel_valid_lists)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pcrsel_valid); i++) {
		uint32_t mask = 0xdeadbeef;
		char why[128] = "unchanged";

		EXPECT_EQ(0, kvault_pcrsel_parse(pcrsel_valid[i].in, &mask))
			TH_LOG("'%s' rejected", pcrsel_valid[i].in);
		EXPECT_EQ(pcrsel_valid[i].mask, mask)
			TH_LOG("'%s' gives 0x%x", pcrsel_valid[i].in, mask);
		EXPECT_EQ(0, kvault_pcrsel_parse_msg(pcrsel_valid[i].in, &mask,
						     why, sizeof(why)));
		EXPECT_STREQ("", why);
	}
}

TEST(pcrsel_invalid_lists)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pcrsel_invalid); i++) {
		uint32_t mask = 0xdeadbeef;
		char why[128] = "";

		EXPECT_EQ(-EINVAL, kvault_pcrsel_parse(pcrsel_invalid[i], &mask))
			TH_LOG("'%s' accepted as 0x%x", pcrsel_invalid[i], mask);
		EXPECT_EQ(0xdeadbeef, mask)
			TH_LOG("'%s' changed the mask", pcrsel_invalid[i]);
		EXPECT_EQ(-EINVAL, kvault_pcrsel_parse_msg(pcrsel_invalid[i],
							   &mask, why,
							   sizeof(why)));
		EXPECT_NE(0, why[0])
			TH_LOG("'%s' has no explanation", pcrsel_invalid[i]);
	}
}

TEST(pcrsel_null)
{
	uint32_t mask = 1;

	EXPECT_EQ(-EINVAL, kvault_pcrsel_parse(NULL, &mask));
	EXPECT_EQ(-EINVAL, kvault_pcrsel_parse("1", NULL));
	EXPECT_EQ(1, mask);
}

TEST(pcrsel_length_limit)
{
	char s[KVAULT_PCRSEL_MAX_LEN + 2];
	uint32_t mask = 0;
	size_t i;

	/* "0,0,0,...,0" of exactly the limit is fine ... */
	for (i = 0; i < KVAULT_PCRSEL_MAX_LEN; i++)
		s[i] = (i % 2) ? ',' : '0';
	s[KVAULT_PCRSEL_MAX_LEN - 1] = '0';	/* must not end in ',' */
	s[KVAULT_PCRSEL_MAX_LEN] = '\0';
	ASSERT_EQ(0, kvault_pcrsel_parse(s, &mask));
	EXPECT_EQ(BIT(0), mask);

	/* ... one more character is too long */
	s[KVAULT_PCRSEL_MAX_LEN] = '0';
	s[KVAULT_PCRSEL_MAX_LEN - 1] = ',';
	s[KVAULT_PCRSEL_MAX_LEN + 1] = '\0';
	EXPECT_EQ(-EINVAL, kvault_pcrsel_parse(s, &mask));
}

TEST(pcrsel_messages)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
		{ "24", "PCR 24 is out of range (PCRs are 0-23)" },
		{ "99999999999", "PCR 99999999999 is out of range (PCRs are 0-23)" },
		{ "3-1", "range 3-1 is reversed (write 1-3)" },
		{ "", "the PCR selection is empty" },
		{ "a", "unexpected character 'a' (only PCR numbers, ',' and '-' are allowed)" },
		{ " 1", "unexpected character \\x20 (only PCR numbers, ',' and '-' are allowed)" },
		{ "1,,2", "empty element (nothing between two ',' or at the start)" },
		{ "1,", "empty element after the last ','" },
		{ "1-", "range 1- has no upper end" },
		{ "-1", "a PCR number is missing before '-'" },
		{ "1-2-3", "a range has one '-' and two ends" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t mask;
		char why[128];

		EXPECT_EQ(-EINVAL, kvault_pcrsel_parse_msg(cases[i].in, &mask,
							   why, sizeof(why)));
		EXPECT_STREQ(cases[i].why, why);
	}
}

/* ------------------------------------------------------------------ */
/* bank names                                                         */
/* ------------------------------------------------------------------ */

static const struct {
	uint16_t id;
	const char *name;
} banks[] = {
	{ 0x0004, "sha1" },	{ 0x000b, "sha256" },	{ 0x000c, "sha384" },
	{ 0x000d, "sha512" },	{ 0x0012, "sm3_256" },	{ 0x0027, "sha3_256" },
	{ 0x0028, "sha3_384" },	{ 0x0029, "sha3_512" },
};

TEST(bank_names_both_ways)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(banks); i++) {
		uint16_t id = 0;

		ASSERT_NE(NULL, kvault_bank_name(banks[i].id));
		EXPECT_STREQ(banks[i].name, kvault_bank_name(banks[i].id));
		EXPECT_EQ(0, kvault_bank_from_name(banks[i].name, &id));
		EXPECT_EQ(banks[i].id, id);
	}
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, 0x000b);
	EXPECT_EQ(KVAULT_TPM_ALG_SM3_256, 0x0012);
}

TEST(bank_name_unknown)
{
	EXPECT_EQ(NULL, kvault_bank_name(0));
	EXPECT_EQ(NULL, kvault_bank_name(0x0001));
	EXPECT_EQ(NULL, kvault_bank_name(0x000e));
	EXPECT_EQ(NULL, kvault_bank_name(0xffff));
}

TEST(bank_from_name_forms)
{
	static const struct {
		const char *in;
		uint16_t id;
	} ok[] = {
		{ "SHA256", 0x000b }, { "Sha1", 0x0004 }, { "SM3_256", 0x0012 },
		{ "sha3_512", 0x0029 }, { "0x000b", 0x000b }, { "0X000B", 0x000b },
		{ "0xb", 0x000b }, { "0x0012", 0x0012 }, { "11", 0x000b },
		{ "0x1234", 0x1234 }, { "0xffff", 0xffff }, { "65535", 0xffff },
		{ "0x00000004", 0x0004 },
	};
	static const char *const bad[] = {
		"", "sha", "sha256 ", " sha256", "sha-256", "md5", "0x", "0x10000",
		"65536", "0", "0x0", "-1", "+11", "0xg", "0x-1", "11a",
		"99999999999999999999", "sha256\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		uint16_t id = 0;

		EXPECT_EQ(0, kvault_bank_from_name(ok[i].in, &id))
			TH_LOG("'%s' rejected", ok[i].in);
		EXPECT_EQ(ok[i].id, id) TH_LOG("'%s'", ok[i].in);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint16_t id = 0x4242;

		EXPECT_EQ(-EINVAL, kvault_bank_from_name(bad[i], &id))
			TH_LOG("'%s' accepted", bad[i]);
		EXPECT_EQ(0x4242, id);
	}
	EXPECT_EQ(-EINVAL, kvault_bank_from_name(NULL, &(uint16_t){ 0 }));
	EXPECT_EQ(-EINVAL, kvault_bank_from_name("sha1", NULL));
}

/* ------------------------------------------------------------------ */
/* arguments                                                          */
/* ------------------------------------------------------------------ */

/* Parse a NULL-terminated list of arguments (argv[0] is added). */
static int parse(struct kvaultctl_args *a, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	char *s;

	argv[argc++] = "kvaultctl";
	va_start(ap, errlen);
	while ((s = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;
	return kvaultctl_args_parse(argc, argv, a, err, errlen);
}

#define PARSE(a, err, ...) parse(a, err, sizeof(err), __VA_ARGS__, (char *)NULL)

/* Parse the first @n of @words, or those before a NULL (argv[0] is added). */
static int parse_words(struct kvaultctl_args *a, char *err, size_t errlen,
		       const char *const *words, size_t n)
{
	char *argv[16] = { "kvaultctl" };
	int argc = 1;

	while ((size_t)argc - 1 < n && argc < 15 && words[argc - 1]) {
		argv[argc] = (char *)words[argc - 1];
		argc++;
	}
	return kvaultctl_args_parse(argc, argv, a, err, errlen);
}

#define PARSE_WORDS(a, err, words) \
	parse_words(a, err, sizeof(err), words, ARRAY_SIZE(words))

TEST(args_status)
{
	struct kvaultctl_args a;
	char err[256];

	ASSERT_EQ(0, PARSE(&a, err, "status"));
	EXPECT_EQ(KVAULTCTL_CMD_STATUS, a.cmd);
	EXPECT_FALSE(a.json);
	EXPECT_FALSE(a.netlink);

	ASSERT_EQ(0, PARSE(&a, err, "--json", "--netlink", "status"));
	EXPECT_EQ(KVAULTCTL_CMD_STATUS, a.cmd);
	EXPECT_TRUE(a.json);
	EXPECT_TRUE(a.netlink);

	ASSERT_EQ(0, PARSE(&a, err, "status", "--netlink", "--json"));
	EXPECT_EQ(KVAULTCTL_CMD_STATUS, a.cmd);
	EXPECT_TRUE(a.json);
	EXPECT_TRUE(a.netlink);

	ASSERT_EQ(0, PARSE(&a, err, "--json", "status"));
	EXPECT_TRUE(a.json);
	EXPECT_FALSE(a.netlink);
}

TEST(args_pcr_read_defaults)
{
	struct kvaultctl_args a;
	char err[256];

	ASSERT_EQ(0, PARSE(&a, err, "pcr", "read"));
	EXPECT_EQ(KVAULTCTL_CMD_PCR_READ, a.cmd);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, a.bank);
	EXPECT_EQ(KVAULT_PCR_MASK_ALL, a.pcr_mask);
	EXPECT_FALSE(a.json);
	EXPECT_FALSE(a.netlink);
}

TEST(args_pcr_read_options_anywhere)
{
	struct kvaultctl_args a;
	char err[256];

	ASSERT_EQ(0, PARSE(&a, err, "pcr", "read", "--bank", "sha1", "--json", "0-7"));
	EXPECT_EQ(KVAULTCTL_CMD_PCR_READ, a.cmd);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA1, a.bank);
	EXPECT_EQ(0xff, a.pcr_mask);
	EXPECT_TRUE(a.json);

	ASSERT_EQ(0, PARSE(&a, err, "--netlink", "--bank=SHA384", "pcr", "read", "0-3,16,23"));
	EXPECT_EQ(KVAULT_TPM_ALG_SHA384, a.bank);
	EXPECT_EQ(0xf | BIT(16) | BIT(23), a.pcr_mask);
	EXPECT_TRUE(a.netlink);
	EXPECT_FALSE(a.json);

	ASSERT_EQ(0, PARSE(&a, err, "pcr", "--json", "read", "7", "--bank", "0x0012"));
	EXPECT_EQ(KVAULT_TPM_ALG_SM3_256, a.bank);
	EXPECT_EQ(BIT(7), a.pcr_mask);

	/* the last --bank wins */
	ASSERT_EQ(0, PARSE(&a, err, "pcr", "read", "--bank", "sha1", "--bank", "sha512"));
	EXPECT_EQ(KVAULT_TPM_ALG_SHA512, a.bank);

	/* after "--" nothing is an option */
	ASSERT_EQ(0, PARSE(&a, err, "--", "pcr", "read", "0"));
	EXPECT_EQ(BIT(0), a.pcr_mask);
	EXPECT_EQ(-EINVAL, PARSE(&a, err, "pcr", "read", "--", "--json"));
	EXPECT_STREQ("invalid PCR selection '--json': a PCR number is missing before '-'", err);
}

TEST(args_help_version)
{
	struct kvaultctl_args a;
	char err[256];

	ASSERT_EQ(0, PARSE(&a, err, "--help"));
	EXPECT_EQ(KVAULTCTL_CMD_HELP, a.cmd);
	ASSERT_EQ(0, PARSE(&a, err, "-h"));
	EXPECT_EQ(KVAULTCTL_CMD_HELP, a.cmd);
	ASSERT_EQ(0, PARSE(&a, err, "pcr", "read", "--help"));
	EXPECT_EQ(KVAULTCTL_CMD_HELP, a.cmd);
	ASSERT_EQ(0, PARSE(&a, err, "--version"));
	EXPECT_EQ(KVAULTCTL_CMD_VERSION, a.cmd);
	ASSERT_EQ(0, PARSE(&a, err, "status", "--version"));
	EXPECT_EQ(KVAULTCTL_CMD_VERSION, a.cmd);
}

TEST(args_errors)
{
	static const struct {
		const char *argv[6];
		const char *err;
	} cases[] = {
		{ { NULL }, "missing command ('status', 'pcr read', 'pcr extend', 'key ...', 'load-all', 'volume ...' or 'monitor')" },
		{ { "--json" }, "missing command ('status', 'pcr read', 'pcr extend', 'key ...', 'load-all', 'volume ...' or 'monitor')" },
		{ { "bogus" }, "unknown command 'bogus'" },
		{ { "--bogus", "status" }, "unknown option '--bogus'" },
		{ { "status", "-x" }, "unknown option '-x'" },
		{ { "-j", "status" }, "unknown option '-j'" },
		{ { "--JSON", "status" }, "unknown option '--JSON'" },
		{ { "status", "extra" }, "unexpected argument 'extra' after 'status'" },
		{ { "status", "--bank", "sha1" }, "option '--bank' only applies to 'pcr read'" },
		{ { "pcr" }, "missing subcommand after 'pcr' ('pcr read', 'pcr extend')" },
		{ { "pcr", "write" }, "unknown command 'pcr write' (use 'pcr read', 'pcr extend')" },
		{ { "pcr", "read", "--bank" }, "option '--bank' needs an argument" },
		{ { "pcr", "read", "--bank", "md5" },
		  "unknown PCR bank 'md5' (use sha1, sha256, sha384, sha512, sm3_256, sha3_256, sha3_384, sha3_512 or a TCG algorithm number such as 0x000b)" },
		{ { "pcr", "read", "--bank=" },
		  "unknown PCR bank '' (use sha1, sha256, sha384, sha512, sm3_256, sha3_256, sha3_384, sha3_512 or a TCG algorithm number such as 0x000b)" },
		{ { "pcr", "read", "24" },
		  "invalid PCR selection '24': PCR 24 is out of range (PCRs are 0-23)" },
		{ { "pcr", "read", "3-1" },
		  "invalid PCR selection '3-1': range 3-1 is reversed (write 1-3)" },
		{ { "pcr", "read", "" },
		  "invalid PCR selection '': the PCR selection is empty" },
		{ { "pcr", "read", "0", "1" }, "unexpected argument '1' after 'pcr read'" },
		{ { "pcr", "read", "-1" }, "unknown option '-1'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvaultctl_args a;
		char err[512];

		EXPECT_EQ(-EINVAL, PARSE_WORDS(&a, err, cases[i].argv))
			TH_LOG("case %zu accepted", i);
		EXPECT_STREQ(cases[i].err, err);
	}
}

TEST(args_long_pcr_selection_is_shortened)
{
	char sel[200], expect[256];
	struct kvaultctl_args a;
	char err[512];

	memset(sel, '1', sizeof(sel) - 1);
	sel[sizeof(sel) - 1] = '\0';
	ASSERT_EQ(-EINVAL, PARSE(&a, err, "pcr", "read", sel));
	snprintf(expect, sizeof(expect),
		 "invalid PCR selection '%.40s...': the PCR selection is too long (more than %d characters)",
		 sel, KVAULT_PCRSEL_MAX_LEN);
	EXPECT_STREQ(expect, err);
}

/* ------------------------------------------------------------------ */
/* JSON writer                                                        */
/* ------------------------------------------------------------------ */


static char *escape(const char *s, size_t len)
{
	struct capture c;

	if (!cap_open(&c))
		return NULL;
	json_write_string(c.f, s, len);
	cap_text(&c);
	return c.buf;
}

TEST(json_escaping)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "", 0, "\"\"" },
		{ "plain text 0.1.0", 16, "\"plain text 0.1.0\"" },
		{ "a\"b", 3, "\"a\\\"b\"" },
		{ "back\\slash", 10, "\"back\\\\slash\"" },
		{ "\\\"", 2, "\"\\\\\\\"\"" },
		{ "\n\t\r\b\f", 5, "\"\\u000a\\u0009\\u000d\\u0008\\u000c\"" },
		{ "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "\x7f", 1, "\"\\u007f\"" },
		{ "\xc3\xa9", 2, "\"\\u00c3\\u00a9\"" },
		{ "\x80\xff", 2, "\"\\u0080\\u00ff\"" },
		{ "/ <>&'", 6, "\"/ <>&'\"" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = escape(cases[i].in, cases[i].len);

		ASSERT_NE(NULL, out);
		EXPECT_STREQ(cases[i].out, out) TH_LOG("case %zu", i);
		free(out);
	}
}

TEST(json_structure)
{
	struct json_writer w;
	struct capture c;

	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	json_object_begin(&w);
	json_key(&w, "a");
	json_uint(&w, 1);
	json_key(&w, "b");
	json_array_begin(&w);
	json_bool(&w, true);
	json_bool(&w, false);
	json_null(&w);
	json_uint(&w, UINT64_MAX);
	json_string(&w, "x");
	json_array_end(&w);
	json_key(&w, "c");
	json_object_begin(&w);
	json_object_end(&w);
	json_key(&w, "d");
	json_array_begin(&w);
	json_array_begin(&w);
	json_array_end(&w);
	json_object_begin(&w);
	json_key(&w, "k\"");
	json_string(&w, "v");
	json_object_end(&w);
	json_array_end(&w);
	json_object_end(&w);
	fflush(c.f);
	EXPECT_EQ(0, json_finish(&w));
	EXPECT_STREQ("{\"a\":1,\"b\":[true,false,null,18446744073709551615,\"x\"],"
		     "\"c\":{},\"d\":[[],{\"k\\\"\":\"v\"}]}", cap_text(&c));
	cap_free(&c);
}

TEST(json_misuse_is_reported)
{
	struct json_writer w;
	struct capture c;
	int i;

	/* unbalanced */
	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	json_object_begin(&w);
	EXPECT_EQ(-EINVAL, json_finish(&w));
	cap_text(&c);
	cap_free(&c);

	/* a key without a value */
	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	json_object_begin(&w);
	json_key(&w, "k");
	json_object_end(&w);
	EXPECT_EQ(-EINVAL, json_finish(&w));
	cap_text(&c);
	cap_free(&c);

	/* closing what is not open */
	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	json_array_end(&w);
	EXPECT_EQ(-EINVAL, json_finish(&w));
	cap_text(&c);
	cap_free(&c);

	/* too deep */
	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	for (i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_array_begin(&w);
	for (i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_array_end(&w);
	EXPECT_EQ(-EINVAL, json_finish(&w));
	cap_text(&c);
	cap_free(&c);
}

/* ------------------------------------------------------------------ */
/* formatters                                                         */
/* ------------------------------------------------------------------ */

static void canned_status(struct kvault_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->abi_version = 1;
	st->tpm_flags = KVAULT_TPM_PRESENT | KVAULT_TPM_VERSION_2;
	st->tpm_manufacturer = 0x49424d00;
	st->tpm_fw_version_1 = 0x20191023;
	st->tpm_fw_version_2 = 0x00163636;
	st->nr_pcr_banks = 4;
	st->pcr_banks[0] = (struct kvault_pcr_bank){ KVAULT_TPM_ALG_SHA1, 20 };
	st->pcr_banks[1] = (struct kvault_pcr_bank){ KVAULT_TPM_ALG_SHA256, 32 };
	st->pcr_banks[2] = (struct kvault_pcr_bank){ KVAULT_TPM_ALG_SHA384, 48 };
	st->pcr_banks[3] = (struct kvault_pcr_bank){ KVAULT_TPM_ALG_SHA512, 64 };
	strcpy(st->module_version, "0.1.0");
	strcpy(st->tpm_vendor, "SW   TPM");
}

typedef int (*status_fmt)(FILE *, const struct kvault_status *);
typedef int (*pcr_fmt)(FILE *, const struct kvault_pcr_values *);

/* Format into a string the caller frees; NULL on failure. */
static char *fmt_status(status_fmt fn, const struct kvault_status *st)
{
	struct capture c;

	if (!cap_open(&c))
		return NULL;
	if (fn(c.f, st)) {
		cap_text(&c);
		cap_free(&c);
		return NULL;
	}
	cap_text(&c);
	return c.buf;
}

static char *fmt_pcrs(pcr_fmt fn, const struct kvault_pcr_values *v)
{
	struct capture c;

	if (!cap_open(&c))
		return NULL;
	if (fn(c.f, v)) {
		cap_text(&c);
		cap_free(&c);
		return NULL;
	}
	cap_text(&c);
	return c.buf;
}

TEST(format_status_human)
{
	struct kvault_status st;
	char *out;

	canned_status(&st);
	out = fmt_status(kvaultctl_print_status, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("kvault module 0.1.0 (ABI 1)\n"
		     "TPM: present, TPM 2.0\n"
		     "  manufacturer: IBM (0x49424d00)\n"
		     "  vendor:       SW   TPM\n"
		     "  firmware:     0x20191023.0x00163636\n"
		     "  PCR banks:    sha1 sha256 sha384 sha512\n", out);
	free(out);
}

TEST(format_status_json)
{
	struct kvault_status st;
	char *out;

	canned_status(&st);
	out = fmt_status(kvaultctl_print_status_json, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"module_version\":\"0.1.0\",\"abi_version\":1,\"tpm\":{"
		     "\"present\":true,\"version\":\"2.0\",\"manufacturer\":\"IBM\","
		     "\"manufacturer_id\":1229081856,\"vendor\":\"SW   TPM\","
		     "\"firmware_version\":\"0x20191023.0x00163636\",\"pcr_banks\":["
		     "{\"name\":\"sha1\",\"alg_id\":4,\"digest_size\":20},"
		     "{\"name\":\"sha256\",\"alg_id\":11,\"digest_size\":32},"
		     "{\"name\":\"sha384\",\"alg_id\":12,\"digest_size\":48},"
		     "{\"name\":\"sha512\",\"alg_id\":13,\"digest_size\":64}]}}\n", out);
	free(out);
}

TEST(format_status_no_tpm)
{
	struct kvault_status st;
	char *out;

	canned_status(&st);
	st.tpm_flags = 0;
	out = fmt_status(kvaultctl_print_status, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("kvault module 0.1.0 (ABI 1)\nTPM: not present\n", out);
	free(out);
	out = fmt_status(kvaultctl_print_status_json, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"module_version\":\"0.1.0\",\"abi_version\":1,"
		     "\"tpm\":{\"present\":false}}\n", out);
	free(out);
}

TEST(format_status_tpm12)
{
	struct kvault_status st;
	char *out;

	canned_status(&st);
	st.tpm_flags = KVAULT_TPM_PRESENT;
	out = fmt_status(kvaultctl_print_status, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("kvault module 0.1.0 (ABI 1)\n"
		     "TPM: present, TPM 1.2 (not supported)\n", out);
	free(out);
	out = fmt_status(kvaultctl_print_status_json, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"module_version\":\"0.1.0\",\"abi_version\":1,"
		     "\"tpm\":{\"present\":true,\"version\":\"1.2\"}}\n", out);
	free(out);
}

TEST(format_status_hostile_strings)
{
	struct kvault_status st;
	char *out;

	canned_status(&st);
	memcpy(st.tpm_vendor, "A\"B\\C\x01\xff\n", 9);
	st.tpm_manufacturer = 0x01414220;	/* \x01 'A' 'B' ' ' */
	st.nr_pcr_banks = 1;
	st.pcr_banks[0] = (struct kvault_pcr_bank){ 0x0099, 16 };
	/* module_version without NUL: must stop at the array's end */
	memset(st.module_version, 'v', sizeof(st.module_version));

	out = fmt_status(kvaultctl_print_status_json, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"module_version\":\"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\","
		     "\"abi_version\":1,\"tpm\":{\"present\":true,\"version\":\"2.0\","
		     "\"manufacturer\":\"?AB\",\"manufacturer_id\":21053984,"
		     "\"vendor\":\"A\\\"B\\\\C\\u0001\\u00ff\\u000a\","
		     "\"firmware_version\":\"0x20191023.0x00163636\",\"pcr_banks\":["
		     "{\"name\":null,\"alg_id\":153,\"digest_size\":16}]}}\n", out);
	free(out);

	out = fmt_status(kvaultctl_print_status, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("kvault module vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv (ABI 1)\n"
		     "TPM: present, TPM 2.0\n"
		     "  manufacturer: ?AB (0x01414220)\n"
		     "  vendor:       A\"B\\C\\x01\\xff\\x0a\n"
		     "  firmware:     0x20191023.0x00163636\n"
		     "  PCR banks:    0x0099\n", out);
	free(out);
}

TEST(format_status_no_banks_unknown_manufacturer)
{
	struct kvault_status st;
	char *out;

	canned_status(&st);
	st.nr_pcr_banks = 0;
	st.tpm_manufacturer = 0;
	out = fmt_status(kvaultctl_print_status, &st);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("kvault module 0.1.0 (ABI 1)\n"
		     "TPM: present, TPM 2.0\n"
		     "  manufacturer: unknown (0x00000000)\n"
		     "  vendor:       SW   TPM\n"
		     "  firmware:     0x20191023.0x00163636\n"
		     "  PCR banks:    (none)\n", out);
	free(out);
}

TEST(manufacturer_strings)
{
	static const struct {
		uint32_t id;
		const char *s;
	} cases[] = {
		{ 0x49424d00, "IBM" }, { 0x4d534654, "MSFT" }, { 0x53544d20, "STM" },
		{ 0x49465800, "IFX" }, { 0, "" }, { 0x20202020, "" },
		{ 0x00414200, "AB" }, { 0x7f80ff41, "???A" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[5];

		kvaultctl_manufacturer_str(cases[i].id, buf);
		EXPECT_STREQ(cases[i].s, buf) TH_LOG("0x%08x", cases[i].id);
	}
}

#define HEX_00_1F "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_ZERO32 "0000000000000000000000000000000000000000000000000000000000000000"
#define HEX_FF32 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static void canned_pcrs(struct kvault_pcr_values *v)
{
	int i;

	memset(v, 0, sizeof(*v));
	v->bank = KVAULT_TPM_ALG_SHA256;
	v->digest_size = 32;
	v->pcr_mask = BIT(0) | BIT(7) | BIT(16);
	v->update_counter = 42;
	for (i = 0; i < 32; i++)
		v->digest[7][i] = (uint8_t)i;
	memset(v->digest[16], 0xff, 32);
	/* not selected: must not appear */
	memset(v->digest[3], 0xaa, sizeof(v->digest[3]));
	/* beyond digest_size: must not appear */
	memset(v->digest[0] + 32, 0xee, 32);
}

TEST(format_pcrs_human)
{
	struct kvault_pcr_values v;
	char *out;

	canned_pcrs(&v);
	out = fmt_pcrs(kvaultctl_print_pcrs, &v);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("PCR bank sha256 (0x000b), update counter 42\n"
		     "  0: " HEX_ZERO32 "\n"
		     "  7: " HEX_00_1F "\n"
		     " 16: " HEX_FF32 "\n", out);
	free(out);
}

TEST(format_pcrs_json)
{
	struct kvault_pcr_values v;
	char *out;

	canned_pcrs(&v);
	out = fmt_pcrs(kvaultctl_print_pcrs_json, &v);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"bank\":\"sha256\",\"alg_id\":11,\"digest_size\":32,"
		     "\"update_counter\":42,\"pcrs\":{\"0\":\"" HEX_ZERO32 "\","
		     "\"7\":\"" HEX_00_1F "\",\"16\":\"" HEX_FF32 "\"}}\n", out);
	free(out);
}

TEST(format_pcrs_sha1_unknown_bank)
{
	struct kvault_pcr_values v;
	char *out;

	memset(&v, 0, sizeof(v));
	v.bank = KVAULT_TPM_ALG_SHA1;
	v.digest_size = 20;
	v.pcr_mask = BIT(23);
	v.update_counter = 4294967295U;
	memset(v.digest[23], 0x5a, sizeof(v.digest[23]));
	out = fmt_pcrs(kvaultctl_print_pcrs, &v);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("PCR bank sha1 (0x0004), update counter 4294967295\n"
		     " 23: 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\n", out);
	free(out);

	v.bank = 0x1234;
	out = fmt_pcrs(kvaultctl_print_pcrs_json, &v);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\"bank\":null,\"alg_id\":4660,\"digest_size\":20,"
		     "\"update_counter\":4294967295,\"pcrs\":{"
		     "\"23\":\"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\"}}\n", out);
	free(out);
	out = fmt_pcrs(kvaultctl_print_pcrs, &v);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("PCR bank 0x1234, update counter 4294967295\n"
		     " 23: 5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\n", out);
	free(out);
}

TEST(format_write_error)
{
	struct kvault_status st;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		SKIP(return, "no /dev/full");
	canned_status(&st);
	setvbuf(f, NULL, _IONBF, 0);
	EXPECT_EQ(-EIO, kvaultctl_print_status(f, &st));
	EXPECT_EQ(-EIO, kvaultctl_print_status_json(f, &st));
	fclose(f);
}

/* ------------------------------------------------------------------ */
/* error messages                                                     */
/* ------------------------------------------------------------------ */

static char *open_error(int err, bool netlink, const char *dev)
{
	struct capture c;

	if (!cap_open(&c))
		return NULL;
	kvaultctl_report_open_error(c.f, err, netlink, dev);
	cap_text(&c);
	return c.buf;
}

static char *op_error(const char *what, int err, const char *msg,
		      bool netlink, const char *hint)
{
	struct capture c;

	if (!cap_open(&c))
		return NULL;
	kvaultctl_report_error(c.f, what, err, msg, netlink, hint);
	cap_text(&c);
	return c.buf;
}

#define EXPECT_MSG(expected, call) do {			\
	char *__s = (call);				\
	ASSERT_NE(NULL, __s);				\
	EXPECT_STREQ(expected, __s);			\
	free(__s);					\
} while (0)

TEST(report_open_errors)
{
	EXPECT_MSG("kvaultctl: kvault module is not loaded (no /dev/kvault). Load it with: modprobe kvault\n",
		   open_error(-ENOENT, false, "/dev/kvault"));
	EXPECT_MSG("kvaultctl: kvault module is not loaded (generic netlink family 'kvault' not found). Load it with: modprobe kvault\n",
		   open_error(-ENOENT, true, "/dev/kvault"));
	EXPECT_MSG("kvaultctl: permission denied opening /dev/kvault: run as root or as a member of the group set by kvault's 'group' module parameter\n",
		   open_error(-EACCES, false, "/dev/kvault"));
	EXPECT_MSG("kvaultctl: permission denied opening /dev/kvault: run as root or as a member of the group set by kvault's 'group' module parameter\n",
		   open_error(-EPERM, false, "/dev/kvault"));
	EXPECT_MSG("kvaultctl: kvault module is not loaded (/dev/kvault has no driver). Load it with: modprobe kvault\n",
		   open_error(-ENXIO, false, "/dev/kvault"));
	EXPECT_MSG("kvaultctl: cannot open /x: Input/output error\n",
		   open_error(-EIO, false, "/x"));
	EXPECT_MSG("kvaultctl: cannot open generic netlink family 'kvault': Address family not supported by protocol\n",
		   open_error(-EAFNOSUPPORT, true, "/dev/kvault"));
}

TEST(report_op_errors)
{
	EXPECT_MSG("kvaultctl: no TPM 2.0 device found\n",
		   op_error("reading PCRs", -ENODEV, "", false, NULL));
	EXPECT_MSG("kvaultctl: no TPM 2.0 device found: TPM is gone\n",
		   op_error("reading PCRs", -ENODEV, "TPM is gone", true, NULL));
	EXPECT_MSG("kvaultctl: reading PCRs: Invalid argument: bank not allocated\n",
		   op_error("reading PCRs", -EINVAL, "bank not allocated", true, "hint"));
	EXPECT_MSG("kvaultctl: reading PCRs: Invalid argument (hint)\n",
		   op_error("reading PCRs", -EINVAL, "", false, "hint"));
	EXPECT_MSG("kvaultctl: reading the status: Invalid argument\n",
		   op_error("reading the status", -EINVAL, NULL, false, NULL));
	EXPECT_MSG("kvaultctl: reading the status: permission denied: kvault's netlink commands need CAP_SYS_ADMIN\n",
		   op_error("reading the status", -EPERM, "", true, NULL));
	EXPECT_MSG("kvaultctl: reading the status: Operation not permitted\n",
		   op_error("reading the status", -EPERM, "", false, NULL));
	EXPECT_MSG("kvaultctl: reading PCRs: malformed reply from the kernel (do kvaultctl and the kvault module match?)\n",
		   op_error("reading PCRs", -EPROTO, "", false, NULL));
	EXPECT_MSG("kvaultctl: reading PCRs: Input/output error: TPM2_PCR_Read failed\n",
		   op_error("reading PCRs", -EIO, "TPM2_PCR_Read failed", true, "hint"));
}

/* ------------------------------------------------------------------ */
/* the kvaultctl binary, on a host without kvault.ko                  */
/* ------------------------------------------------------------------ */

struct run {
	int status;		/* exit status, or -1 if it did not exit */
	char out[16384];
	char err[4096];
};

struct run_opts {
	const char *device;	/* KVAULT_DEVICE, NULL to unset */
	const char *stdout_path;/* redirect stdout there instead of capturing */
	uid_t uid;		/* run as this user if not 0 */
};

static const char *ctl_path(void)
{
	const char *p = getenv("KVAULTCTL");

	return p && *p ? p : KVAULTCTL_PATH;
}

/* Read back what a child wrote to @f, then close it. */
static void slurp(FILE *f, char *buf, size_t size)
{
	int fd = fileno(f);
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	fclose(f);
}

static int run_ctl(struct run *r, const struct run_opts *o, ...)
{
	char *argv[16];
	int argc = 0, status;
	FILE *out, *err;
	va_list ap;
	pid_t pid;
	char *s;

	argv[argc++] = (char *)ctl_path();
	va_start(ap, o);
	while ((s = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;

	out = tmpfile();
	err = tmpfile();
	if (!out || !err)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (o->stdout_path) {
			int fd = open(o->stdout_path, O_WRONLY);

			if (fd < 0)
				_exit(126);
			dup2(fd, 1);
		} else {
			dup2(fileno(out), 1);
		}
		dup2(fileno(err), 2);
		if (o->device)
			setenv("KVAULT_DEVICE", o->device, 1);
		else
			unsetenv("KVAULT_DEVICE");
		if (o->uid && (setgroups(0, NULL) || setgid(o->uid) ||
			       setuid(o->uid)))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
	return 0;
}

#define RUN(r, o, ...) run_ctl(r, o, __VA_ARGS__, (char *)NULL)

FIXTURE(cli) {
	struct run r;
	struct run_opts o;
};

FIXTURE_SETUP(cli)
{
	memset(&self->r, 0, sizeof(self->r));
	memset(&self->o, 0, sizeof(self->o));
	self->o.device = "/nonexistent/kvault";
	ASSERT_EQ(0, access(ctl_path(), X_OK))
		TH_LOG("kvaultctl binary %s is missing; set KVAULTCTL", ctl_path());
}

FIXTURE_TEARDOWN(cli)
{
}

TEST_F(cli, status_module_not_loaded)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "status"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (no /nonexistent/kvault). Load it with: modprobe kvault\n",
		     self->r.err);
}

TEST_F(cli, pcr_read_module_not_loaded)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "--json", "pcr", "read", "--bank", "sha1", "0-7"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (no /nonexistent/kvault). Load it with: modprobe kvault\n",
		     self->r.err);
}

TEST_F(cli, default_device_path)
{
	struct stat sb;

	if (!stat("/dev/kvault", &sb))
		SKIP(return, "/dev/kvault exists on this host");
	self->o.device = NULL;
	ASSERT_EQ(0, RUN(&self->r, &self->o, "status"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (no /dev/kvault). Load it with: modprobe kvault\n",
		     self->r.err);
	/* an empty KVAULT_DEVICE means the default too */
	self->o.device = "";
	ASSERT_EQ(0, RUN(&self->r, &self->o, "pcr", "read"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (no /dev/kvault). Load it with: modprobe kvault\n",
		     self->r.err);
}

TEST_F(cli, netlink_family_missing)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		SKIP(return, "no generic netlink here: %s", strerror(errno));
	close(fd);
	ASSERT_EQ(0, RUN(&self->r, &self->o, "--netlink", "status"));
	if (self->r.status == 0)
		SKIP(return, "a kvault netlink family exists on this host");
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (generic netlink family 'kvault' not found). Load it with: modprobe kvault\n",
		     self->r.err);
}

TEST_F(cli, not_a_kvault_device)
{
	/* /dev/null opens, but answers no kvault ioctl */
	self->o.device = "/dev/null";
	ASSERT_EQ(0, RUN(&self->r, &self->o, "status"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: reading the status: Inappropriate ioctl for device: is /dev/null the kvault device?\n",
		     self->r.err);
	ASSERT_EQ(0, RUN(&self->r, &self->o, "pcr", "read", "0"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("kvaultctl: reading PCRs: Inappropriate ioctl for device: is /dev/null the kvault device?\n",
		     self->r.err);
}

TEST_F(cli, permission_denied)
{
	char path[] = "/tmp/kvault-unit-XXXXXX";
	struct run_opts o = self->o;	/* not self's: it would outlive path */
	int fd;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to nobody");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, chmod(path, 0600));
	o.device = path;
	o.uid = 65534;
	ASSERT_EQ(0, RUN(&self->r, &o, "status"));
	unlink(path);
	if (self->r.status == 126 || self->r.status == 127)
		SKIP(return, "cannot run %s as nobody", ctl_path());
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	{
		char expect[256];

		snprintf(expect, sizeof(expect),
			 "kvaultctl: permission denied opening %s: run as root or as a member of the group set by kvault's 'group' module parameter\n",
			 path);
		EXPECT_STREQ(expect, self->r.err);
	}
}

TEST_F(cli, usage_errors_exit_2_before_opening)
{
	static const char *const bad_pcrs[] = { "24", "3-1", "a", "1,,2", "", "99999999999" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_pcrs); i++) {
		char expect[128];

		ASSERT_EQ(0, RUN(&self->r, &self->o, "pcr", "read", (char *)bad_pcrs[i]));
		EXPECT_EQ(2, self->r.status) TH_LOG("'%s'", bad_pcrs[i]);
		EXPECT_STREQ("", self->r.out);
		snprintf(expect, sizeof(expect),
			 "kvaultctl: invalid PCR selection '%s': ", bad_pcrs[i]);
		EXPECT_EQ(0, strncmp(expect, self->r.err, strlen(expect)))
			TH_LOG("stderr: %s", self->r.err);
		EXPECT_NE(NULL, strstr(self->r.err, "Try 'kvaultctl --help'"));
	}

	ASSERT_EQ(0, RUN(&self->r, &self->o, "pcr", "read", "--bank", "md5"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_EQ(0, strncmp("kvaultctl: unknown PCR bank 'md5'", self->r.err, 33));

	ASSERT_EQ(0, RUN(&self->r, &self->o, "frobnicate"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("kvaultctl: unknown command 'frobnicate'\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);

	ASSERT_EQ(0, RUN(&self->r, &self->o, "--frobnicate", "status"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("kvaultctl: unknown option '--frobnicate'\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);

	ASSERT_EQ(0, RUN(&self->r, &self->o, "--json"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("kvaultctl: missing command ('status', 'pcr read', 'pcr extend', 'key ...', 'load-all', 'volume ...' or 'monitor')\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);
}

TEST_F(cli, no_arguments)
{
	char *argv[] = { (char *)ctl_path(), NULL };
	FILE *err = tmpfile();
	int status;
	pid_t pid;

	ASSERT_NE(NULL, err);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(fileno(err), 2);
		execv(argv[0], argv);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(2, WEXITSTATUS(status));
	slurp(err, self->r.err, sizeof(self->r.err));
	EXPECT_EQ(0, strncmp("kvaultctl: missing command", self->r.err, 26));
}

TEST_F(cli, help_and_version)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "--help"));
	EXPECT_EQ(0, self->r.status);
	EXPECT_STREQ("", self->r.err);
	EXPECT_EQ(0, strncmp("Usage: kvaultctl", self->r.out, 16));
	EXPECT_NE(NULL, strstr(self->r.out, "pcr read [--bank BANK] [PCRS]"));

	ASSERT_EQ(0, RUN(&self->r, &self->o, "pcr", "read", "-h"));
	EXPECT_EQ(0, self->r.status);
	EXPECT_EQ(0, strncmp("Usage: kvaultctl", self->r.out, 16));

	ASSERT_EQ(0, RUN(&self->r, &self->o, "--version"));
	EXPECT_EQ(0, self->r.status);
	EXPECT_STREQ("kvaultctl 0.1.0\n", self->r.out);
	EXPECT_STREQ("", self->r.err);
}

TEST_F(cli, output_write_error)
{
	if (access("/dev/full", W_OK))
		SKIP(return, "no /dev/full");
	self->o.stdout_path = "/dev/full";
	ASSERT_EQ(0, RUN(&self->r, &self->o, "--help"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_EQ(0, strncmp("kvaultctl: error writing output: ", self->r.err, 33))
		TH_LOG("stderr: %s", self->r.err);
}

/* ------------------------------------------------------------------ */
/* key names (libkvault)                                              */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	uint32_t alg, alg_len, usage;
} algs[] = {
	{ "aes-128", KVAULT_ALG_AES_128, 0, 0x4f },
	{ "aes-256", KVAULT_ALG_AES_256, 0, 0x4f },
	{ "aes-xts-256", KVAULT_ALG_AES_XTS_256, 0, 0x43 },
	{ "aes-xts-512", KVAULT_ALG_AES_XTS_512, 0, 0x43 },
	{ "hmac-sha256", KVAULT_ALG_HMAC_SHA256, 0, 0x70 },
	{ "hmac-sha384", KVAULT_ALG_HMAC_SHA384, 0, 0x70 },
	{ "hmac-sha512", KVAULT_ALG_HMAC_SHA512, 0, 0x70 },
	{ "secret-16", KVAULT_ALG_SECRET, 16, KVAULT_USAGE_ALL },
	{ "secret-64", KVAULT_ALG_SECRET, 64, KVAULT_USAGE_ALL },
	{ "secret-128", KVAULT_ALG_SECRET, 128, KVAULT_USAGE_ALL },
};

TEST(alg_names_both_ways)
{
	char buf[KVAULT_KEY_ALG_NAME_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		uint32_t alg = 0, len = 99;

		EXPECT_EQ(0, kvault_key_alg_from_name(algs[i].name, &alg, &len))
			TH_LOG("%s", algs[i].name);
		EXPECT_EQ(algs[i].alg, alg);
		EXPECT_EQ(algs[i].alg_len, len);
		EXPECT_EQ(algs[i].usage, kvault_key_alg_usage(alg));
		ASSERT_EQ(0, kvault_key_alg_name(alg, len, buf, sizeof(buf)));
		EXPECT_STREQ(algs[i].name, buf);
	}
	/* the material length only matters for secret-N */
	ASSERT_EQ(0, kvault_key_alg_name(KVAULT_ALG_AES_256, 32, buf, sizeof(buf)));
	EXPECT_STREQ("aes-256", buf);
}

TEST(alg_names_invalid)
{
	static const char *const bad[] = {
		"", "AES-128", "Aes-256", "aes-128 ", " aes-128", "aes", "aes-512",
		"secret", "secret-", "secret-15", "secret-129", "secret-016",
		"secret-+16", "secret--16", "secret-16x", "secret-1e2",
		"secret-99999999999999999999", "hmac-sha1", "aes-128\n",
	};
	char buf[KVAULT_KEY_ALG_NAME_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t alg = 77, len = 77;

		EXPECT_EQ(-EINVAL, kvault_key_alg_from_name(bad[i], &alg, &len))
			TH_LOG("'%s' accepted", bad[i]);
		EXPECT_EQ(77, alg);
		EXPECT_EQ(77, len);
	}
	EXPECT_EQ(-EINVAL, kvault_key_alg_from_name(NULL, (uint32_t[1]){ 0 },
						    (uint32_t[1]){ 0 }));
	EXPECT_EQ(-EINVAL, kvault_key_alg_name(0, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_alg_name(9, 0, buf, sizeof(buf)));
	EXPECT_EQ(0, kvault_key_alg_usage(0));
	EXPECT_EQ(0, kvault_key_alg_usage(9));
	EXPECT_EQ(-ENOSPC, kvault_key_alg_name(KVAULT_ALG_AES_XTS_512, 0, buf, 11));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(0, kvault_key_alg_name(KVAULT_ALG_SECRET, 128, buf, 11));
	EXPECT_STREQ("secret-128", buf);
}

TEST(usage_lists_valid)
{
	static const struct {
		const char *in;
		uint32_t mask;
	} cases[] = {
		{ "encrypt", KVAULT_USAGE_ENCRYPT },
		{ "encrypt,decrypt", KVAULT_USAGE_ENCRYPT | KVAULT_USAGE_DECRYPT },
		{ "crypto-api,sign", KVAULT_USAGE_CRYPTO_API | KVAULT_USAGE_SIGN },
		{ "encrypt,decrypt,wrap,unwrap,sign,verify,crypto-api", KVAULT_USAGE_ALL },
		{ "verify,unwrap", KVAULT_USAGE_VERIFY | KVAULT_USAGE_UNWRAP },
	};
	char names[KVAULT_KEY_USAGE_NAMES_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t mask = 0;

		EXPECT_EQ(0, kvault_key_usage_from_names(cases[i].in, &mask, NULL))
			TH_LOG("'%s'", cases[i].in);
		EXPECT_EQ(cases[i].mask, mask);
	}
	ASSERT_EQ(0, kvault_key_usage_names(KVAULT_USAGE_ALL, names, sizeof(names)));
	EXPECT_STREQ("encrypt,decrypt,wrap,unwrap,sign,verify,crypto-api", names);
}

TEST(usage_lists_invalid)
{
	static const struct {
		const char *in;
		int err;
		size_t pos;
	} cases[] = {
		{ "", -EINVAL, 0 },
		{ ",", -EINVAL, 0 },
		{ ",encrypt", -EINVAL, 0 },
		{ "encrypt,", -EINVAL, 8 },
		{ "encrypt,,decrypt", -EINVAL, 8 },
		{ "encrypt,encrypt", -EEXIST, 8 },
		{ "sign,verify,sign", -EEXIST, 12 },
		{ "Encrypt", -EINVAL, 0 },
		{ "encrypt decrypt", -EINVAL, 0 },
		{ "encrypt, decrypt", -EINVAL, 8 },
		{ "foo", -EINVAL, 0 },
		{ "encrypt,foo", -EINVAL, 8 },
		{ "crypto_api", -EINVAL, 0 },
		{ "encryptdecrypt", -EINVAL, 0 },
		{ "encrypt;decrypt", -EINVAL, 0 },
		{ "all", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t mask = 0xdead;
		size_t pos = 999;

		EXPECT_EQ(cases[i].err, kvault_key_usage_from_names(cases[i].in,
								    &mask, &pos))
			TH_LOG("'%s'", cases[i].in);
		EXPECT_EQ(cases[i].pos, pos) TH_LOG("'%s'", cases[i].in);
		EXPECT_EQ(0xdead, mask);
	}
	EXPECT_EQ(-EINVAL, kvault_key_usage_from_names(NULL, (uint32_t[1]){ 0 }, NULL));
}

TEST(usage_names_formatting)
{
	char buf[KVAULT_KEY_USAGE_NAMES_MAX];

	ASSERT_EQ(0, kvault_key_usage_names(0, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_EQ(0, kvault_key_usage_names(KVAULT_USAGE_SIGN | 0x80, buf, sizeof(buf)));
	EXPECT_STREQ("sign,0x80", buf);
	ASSERT_EQ(0, kvault_key_usage_names(0xffffffff, buf, sizeof(buf)));
	EXPECT_STREQ("encrypt,decrypt,wrap,unwrap,sign,verify,crypto-api,0xffffff80", buf);
	ASSERT_EQ(0, kvault_key_usage_names(0x180, buf, sizeof(buf)));
	EXPECT_STREQ("0x180", buf);
	EXPECT_EQ(-ENOSPC, kvault_key_usage_names(KVAULT_USAGE_ALL, buf, 10));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(-ENOSPC, kvault_key_usage_names(0, buf, 0));

	EXPECT_STREQ("crypto-api", kvault_key_usage_name(KVAULT_USAGE_CRYPTO_API));
	EXPECT_EQ(NULL, kvault_key_usage_name(0));
	EXPECT_EQ(NULL, kvault_key_usage_name(3));
	EXPECT_EQ(NULL, kvault_key_usage_name(0x80));
}

TEST(attr_state_event_names)
{
	static const char *const states[] = {
		NULL, "enabled", "disabled", "destroy-pending", "destroyed", NULL,
	};
	static const char *const events[] = {
		NULL, "created", "rotated", "enabled", "disabled",
		"destroy-scheduled", "destroy-cancelled", "destroyed", "revoked",
		"expired", "min-version", "tightened", "sealed", NULL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		const char *n = kvault_key_state_name((uint32_t)i);

		if (states[i]) {
			EXPECT_STREQ(states[i], n);
		} else {
			EXPECT_EQ(NULL, n);
		}
	}
	for (i = 0; i < ARRAY_SIZE(events); i++) {
		const char *n = kvault_event_op_name((uint32_t)i);

		if (events[i]) {
			EXPECT_STREQ(events[i], n);
		} else {
			EXPECT_EQ(NULL, n);
		}
	}
	EXPECT_EQ(NULL, kvault_key_state_name(UINT32_MAX));
	EXPECT_EQ(NULL, kvault_event_op_name(UINT32_MAX));
	EXPECT_STREQ("exportable", kvault_key_attr_name(KVAULT_KEY_EXPORTABLE));
	EXPECT_STREQ("imported", kvault_key_attr_name(KVAULT_KEY_IMPORTED));
	EXPECT_STREQ("revoked", kvault_key_attr_name(KVAULT_KEY_REVOKED));
	EXPECT_STREQ("expired", kvault_key_attr_name(KVAULT_KEY_EXPIRED));
	EXPECT_STREQ("sealed", kvault_key_attr_name(KVAULT_KEY_SEALED));
	EXPECT_EQ(NULL, kvault_key_attr_name(0x20));
	EXPECT_EQ(NULL, kvault_key_attr_name(KVAULT_KEY_EXPORTABLE | KVAULT_KEY_REVOKED));
}

/* ------------------------------------------------------------------ */
/* kvaultctl's values: numbers, durations, keys, keyrings             */
/* ------------------------------------------------------------------ */

TEST(numbers)
{
	uint64_t v = 7;

	EXPECT_EQ(0, kvaultctl_parse_uint("18446744073709551615", 0, UINT64_MAX, &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-ERANGE, kvaultctl_parse_uint("18446744073709551616", 0, UINT64_MAX, &v));
	EXPECT_EQ(-ERANGE, kvaultctl_parse_uint("99999999999999999999999", 0, UINT64_MAX, &v));
	EXPECT_EQ(-ERANGE, kvaultctl_parse_uint("0", 1, 10, &v));
	EXPECT_EQ(-ERANGE, kvaultctl_parse_uint("11", 1, 10, &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(0, kvaultctl_parse_uint("010", 1, 10, &v));
	EXPECT_EQ(10, v);
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint("", 0, 10, &v));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint("-1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint("+1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint("1 ", 0, 10, &v));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint("0x1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint("99999999999999999999x", 0, 10, &v));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_uint(NULL, 0, 10, &v));
	EXPECT_EQ(10, v);
}

TEST(durations)
{
	static const struct {
		const char *in;
		int err;
		uint32_t seconds;
	} cases[] = {
		{ "0", 0, 0 }, { "30", 0, 30 }, { "30s", 0, 30 }, { "0s", 0, 0 },
		{ "10m", 0, 600 }, { "2h", 0, 7200 }, { "7d", 0, 604800 },
		{ "366d", 0, KVAULT_DESTROY_MAX_WINDOW },
		{ "31622400", 0, KVAULT_DESTROY_MAX_WINDOW }, { "007", 0, 7 },
		{ "367d", -ERANGE, 0 }, { "31622401", -ERANGE, 0 },
		{ "527041m", -ERANGE, 0 }, { "8785h", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "18446744073709551616s", -ERANGE, 0 },
		{ "4294967296", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "s", -EINVAL, 0 }, { "d", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { "1.5h", -EINVAL, 0 },
		{ "1 s", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "1ms", -EINVAL, 0 },
		{ "1S", -EINVAL, 0 }, { "1w", -EINVAL, 0 }, { "1y", -EINVAL, 0 },
		{ "1ss", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "1d2h", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 }, { "99999999999999999999x", -EINVAL, 0 },
		{ "1\n", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t s = 12345;

		EXPECT_EQ(cases[i].err, kvaultctl_parse_duration(cases[i].in, &s))
			TH_LOG("'%s'", cases[i].in);
		EXPECT_EQ(cases[i].err ? 12345 : cases[i].seconds, s)
			TH_LOG("'%s'", cases[i].in);
	}
	EXPECT_EQ(-EINVAL, kvaultctl_parse_duration(NULL, (uint32_t[1]){ 0 }));
}

TEST(key_references)
{
	static const struct {
		const char *in;
		int32_t id;
		const char *name;	/* NULL: by ID, or rejected if id is 0 */
	} ok[] = {
		{ "foo", 0, "foo" }, { "id:5", 5, NULL },
		{ "id:2147483647", INT32_MAX, NULL }, { "id:007", 7, NULL },
		{ "12345", 0, "12345" }, { "name:id:5", 0, "id:5" },
		{ "name:name:x", 0, "name:x" }, { "ID:5", 0, "ID:5" },
		{ "a\"b\\c", 0, "a\"b\\c" }, { "~!@#$%^&*()_+", 0, "~!@#$%^&*()_+" },
		{ "id5", 0, "id5" },
	};
	static const char *const bad[] = {
		"", "id:", "id:0", "id:-1", "id:+1", "id:2147483648", "id:5x",
		"id: 5", "id:99999999999999999999", "name:", "a b", "a\tb",
		"\x7f", "caf\xc3\xa9", " foo", "foo\n",
	};
	struct kvaultctl_key_ref ref;
	char name[KVAULT_KEY_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		memset(&ref, 0xff, sizeof(ref));
		ASSERT_EQ(0, kvaultctl_parse_key_ref(ok[i].in, &ref)) TH_LOG("'%s'", ok[i].in);
		EXPECT_EQ(ok[i].id, ref.id);
		if (ok[i].name) {
			EXPECT_STREQ(ok[i].name, ref.name);
		} else {
			EXPECT_EQ(NULL, ref.name);
		}
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ref.id = 99;
		EXPECT_EQ(-EINVAL, kvaultctl_parse_key_ref(bad[i], &ref))
			TH_LOG("'%s' accepted", bad[i]);
		EXPECT_EQ(99, ref.id);
	}
	EXPECT_EQ(-EINVAL, kvaultctl_parse_key_ref(NULL, &ref));

	/* the longest name fits KVAULT_KEY_NAME_MAX with its NUL */
	memset(name, 'n', sizeof(name));
	name[KVAULT_KEY_NAME_MAX - 1] = '\0';
	EXPECT_EQ(0, kvaultctl_parse_key_ref(name, &ref));
	name[KVAULT_KEY_NAME_MAX - 1] = 'n';
	name[KVAULT_KEY_NAME_MAX] = '\0';
	EXPECT_EQ(-EINVAL, kvaultctl_parse_key_ref(name, &ref));
}

TEST(keyrings)
{
	static const struct {
		const char *in;
		int32_t ring;
	} ok[] = {
		{ "@s", KEY_SPEC_SESSION_KEYRING }, { "@u", KEY_SPEC_USER_KEYRING },
		{ "@us", KEY_SPEC_USER_SESSION_KEYRING }, { "@g", KEY_SPEC_GROUP_KEYRING },
		{ "1", 1 }, { "2147483647", INT32_MAX }, { "123456789", 123456789 },
	};
	static const char *const bad[] = {
		"", "@", "@x", "@S", "@s ", "0", "-3", "2147483648", "0x10", "s",
		"%user:foo", "@a", "@t", "@p",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		int32_t ring = 0;

		EXPECT_EQ(0, kvaultctl_parse_keyring(ok[i].in, &ring)) TH_LOG("'%s'", ok[i].in);
		EXPECT_EQ(ok[i].ring, ring);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int32_t ring = 77;

		EXPECT_EQ(-EINVAL, kvaultctl_parse_keyring(bad[i], &ring)) TH_LOG("'%s'", bad[i]);
		EXPECT_EQ(77, ring);
	}
}

TEST(keyctl_payloads)
{
	char buf[KVAULT_KEY_PAYLOAD_MAX];

	ASSERT_EQ(0, kvaultctl_keyctl_payload(KVAULT_ALG_AES_256, 0, 0, false,
					      buf, sizeof(buf)));
	EXPECT_STREQ("new aes-256", buf);
	ASSERT_EQ(0, kvaultctl_keyctl_payload(KVAULT_ALG_SECRET, 32,
					      KVAULT_USAGE_ENCRYPT | KVAULT_USAGE_SIGN,
					      true, buf, sizeof(buf)));
	EXPECT_STREQ("new secret-32 usage=encrypt,sign exportable=1", buf);
	EXPECT_EQ(-ENOSPC, kvaultctl_keyctl_payload(KVAULT_ALG_AES_256, 0, 0,
						    false, buf, 11));
	EXPECT_EQ(-EINVAL, kvaultctl_keyctl_payload(42, 0, 0, false, buf,
						    sizeof(buf)));
}

/* ------------------------------------------------------------------ */
/* key command lines                                                  */
/* ------------------------------------------------------------------ */

TEST(args_key_commands)
{
	static const struct {
		const char *argv[4];
		enum kvaultctl_cmd cmd;
	} cases[] = {
		{ { "key", "list" }, KVAULTCTL_CMD_KEY_LIST },
		{ { "key", "show", "k" }, KVAULTCTL_CMD_KEY_SHOW },
		{ { "key", "rotate", "k" }, KVAULTCTL_CMD_KEY_ROTATE },
		{ { "key", "enable", "k" }, KVAULTCTL_CMD_KEY_ENABLE },
		{ { "key", "disable", "k" }, KVAULTCTL_CMD_KEY_DISABLE },
		{ { "key", "revoke", "k" }, KVAULTCTL_CMD_KEY_REVOKE },
		{ { "key", "destroy", "k" }, KVAULTCTL_CMD_KEY_DESTROY },
		{ { "key", "cancel-destroy", "k" }, KVAULTCTL_CMD_KEY_CANCEL_DESTROY },
		{ { "key", "set-min-version", "k", "3" }, KVAULTCTL_CMD_KEY_SET_MIN_VERSION },
		{ { "monitor" }, KVAULTCTL_CMD_MONITOR },
	};
	struct kvaultctl_args a;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, PARSE_WORDS(&a, err, cases[i].argv))
			TH_LOG("case %zu: %s", i, err);
		EXPECT_EQ(cases[i].cmd, a.cmd);
		if (cases[i].argv[2]) {
			EXPECT_STREQ("k", a.key.name);
			EXPECT_STREQ("k", a.key_arg);
			EXPECT_EQ(0, a.key.id);
		}
	}
	ASSERT_EQ(0, PARSE(&a, err, "key", "set-min-version", "id:42", "7"));
	EXPECT_EQ(42, a.key.id);
	EXPECT_EQ(NULL, a.key.name);
	EXPECT_STREQ("id:42", a.key_arg);
	EXPECT_EQ(7, a.min_version);
}

TEST(args_key_create_and_options)
{
	struct kvaultctl_args a;
	char err[256];

	ASSERT_EQ(0, PARSE(&a, err, "key", "create", "k1", "--alg", "aes-256"));
	EXPECT_EQ(KVAULTCTL_CMD_KEY_CREATE, a.cmd);
	EXPECT_STREQ("k1", a.key.name);
	EXPECT_EQ(KVAULT_ALG_AES_256, a.alg);
	EXPECT_EQ(0, a.alg_len);
	EXPECT_EQ(0, a.usage);		/* the kernel's default: all allowed */
	EXPECT_FALSE(a.exportable);
	EXPECT_FALSE(a.use_keyring);

	ASSERT_EQ(0, PARSE(&a, err, "--json", "key", "--usage=sign,verify",
			   "create", "--alg=secret-40", "--exportable", "k2",
			   "--keyring", "@us"));
	EXPECT_TRUE(a.json);
	EXPECT_EQ(KVAULT_ALG_SECRET, a.alg);
	EXPECT_EQ(40, a.alg_len);
	EXPECT_EQ(KVAULT_USAGE_SIGN | KVAULT_USAGE_VERIFY, a.usage);
	EXPECT_TRUE(a.exportable);
	EXPECT_TRUE(a.use_keyring);
	EXPECT_EQ(KEY_SPEC_USER_SESSION_KEYRING, a.keyring);

	/* the last value wins; "name:" names keys that look like IDs */
	ASSERT_EQ(0, PARSE(&a, err, "key", "create", "name:id:1", "--alg",
			   "aes-128", "--alg", "hmac-sha256"));
	EXPECT_EQ(KVAULT_ALG_HMAC_SHA256, a.alg);
	EXPECT_STREQ("id:1", a.key.name);

	ASSERT_EQ(0, PARSE(&a, err, "key", "destroy", "k"));
	EXPECT_FALSE(a.destroy_later);
	ASSERT_EQ(0, PARSE(&a, err, "key", "destroy", "k", "--after", "0"));
	EXPECT_TRUE(a.destroy_later);
	EXPECT_EQ(0, a.after);
	ASSERT_EQ(0, PARSE(&a, err, "key", "destroy", "--after=2h", "k"));
	EXPECT_EQ(7200, a.after);

	ASSERT_EQ(0, PARSE(&a, err, "key", "tighten", "k", "--no-exportable"));
	EXPECT_EQ(KVAULTCTL_CMD_KEY_TIGHTEN, a.cmd);
	ASSERT_EQ(0, PARSE(&a, err, "monitor"));
	EXPECT_EQ(0, a.count);
	ASSERT_EQ(0, PARSE(&a, err, "monitor", "--count", "3", "--json"));
	EXPECT_EQ(3, a.count);
	ASSERT_EQ(0, PARSE(&a, err, "--", "key", "show", "-k"));
	EXPECT_STREQ("-k", a.key.name);
	ASSERT_EQ(0, PARSE(&a, err, "key", "rotate", "--help"));
	EXPECT_EQ(KVAULTCTL_CMD_HELP, a.cmd);
}

TEST(args_key_errors)
{
	static const struct {
		const char *argv[10];
		const char *err;
	} cases[] = {
		{ { "key" }, "missing subcommand after 'key' ('key create', 'key list', 'key show', 'key rotate', 'key enable', 'key disable', 'key revoke', 'key destroy', 'key cancel-destroy', 'key set-min-version', 'key tighten', 'key seal', 'key reseal', 'key load', 'key check', 'key publish', 'key unpublish')" },
		{ { "key", "frob", "k" }, "unknown command 'key frob' (use 'key create', 'key list', 'key show', 'key rotate', 'key enable', 'key disable', 'key revoke', 'key destroy', 'key cancel-destroy', 'key set-min-version', 'key tighten', 'key seal', 'key reseal', 'key load', 'key check', 'key publish', 'key unpublish')" },
		{ { "key", "show" }, "missing key after 'key show'" },
		{ { "key", "create", "--alg", "aes-128" }, "missing key name after 'key create'" },
		{ { "key", "set-min-version", "k" }, "missing version after 'key set-min-version'" },
		{ { "key", "list", "k" }, "unexpected argument 'k' after 'key list'" },
		{ { "key", "rotate", "a", "b" }, "unexpected argument 'b' after 'key rotate'" },
		{ { "key", "set-min-version", "a", "1", "2", "3" }, "unexpected argument '2' after 'key set-min-version'" },
		{ { "monitor", "now" }, "unexpected argument 'now' after 'monitor'" },
		{ { "key", "create", "k" }, "'key create' needs --alg ALG" },
		{ { "key", "tighten", "k" }, "'key tighten' needs --no-exportable (the only attribute it can clear)" },
		{ { "key", "create", "k", "--alg" }, "option '--alg' needs an argument" },
		{ { "key", "create", "k", "--alg", "aes-128", "--usage" }, "option '--usage' needs an argument" },
		{ { "key", "destroy", "k", "--after" }, "option '--after' needs an argument" },
		{ { "monitor", "--count" }, "option '--count' needs an argument" },
		{ { "key", "create", "k", "--algo", "aes-128" }, "unknown option '--algo'" },
		{ { "key", "create", "k", "--exportable=1", "--alg", "aes-128" }, "unknown option '--exportable=1'" },
		{ { "key", "create", "k", "-a", "aes-128" }, "unknown option '-a'" },
		{ { "key", "show", "k", "--alg", "aes-128" }, "option '--alg' only applies to 'key create'" },
		{ { "key", "show", "k", "--usage", "sign" }, "option '--usage' only applies to 'key create'" },
		{ { "key", "show", "k", "--exportable" }, "option '--exportable' only applies to 'key create'" },
		{ { "key", "show", "k", "--keyring", "@s" }, "option '--keyring' only applies to 'key create' and 'key publish'" },
		{ { "key", "rotate", "k", "--after", "1" }, "option '--after' only applies to 'key destroy'" },
		{ { "key", "rotate", "k", "--no-exportable" }, "option '--no-exportable' only applies to 'key tighten'" },
		{ { "key", "list", "--count", "1" }, "option '--count' only applies to 'monitor'" },
		{ { "monitor", "--bank", "sha1" }, "option '--bank' only applies to 'pcr read'" },
		{ { "key", "create", "k", "--alg", "aes-512" }, "unknown algorithm 'aes-512' (use aes-128, aes-256, aes-xts-256, aes-xts-512, hmac-sha256, hmac-sha384, hmac-sha512 or secret-N, N = 16..128 bytes)" },
		{ { "key", "create", "k", "--alg", "secret-8" }, "unknown algorithm 'secret-8' (use aes-128, aes-256, aes-xts-256, aes-xts-512, hmac-sha256, hmac-sha384, hmac-sha512 or secret-N, N = 16..128 bytes)" },
		{ { "key", "create", "k", "--alg", "aes-128", "--usage", "" }, "invalid usage list '': empty element" },
		{ { "key", "create", "k", "--alg", "aes-128", "--usage", "encrypt,,wrap" }, "invalid usage list 'encrypt,,wrap': empty element" },
		{ { "key", "create", "k", "--alg", "aes-128", "--usage", "wrap,wrap" }, "invalid usage list: 'wrap' is listed twice" },
		{ { "key", "create", "k", "--alg", "aes-128", "--usage", "encrypt,bogus" }, "unknown usage 'bogus' (use encrypt, decrypt, wrap, unwrap, sign, verify, crypto-api, separated by ',')" },
		{ { "key", "create", "k", "--alg", "aes-128", "--usage", "encrypt,sign,verify" }, "usage 'sign,verify' is not allowed for aes-128 (it allows encrypt,decrypt,wrap,unwrap,crypto-api)" },
		{ { "key", "create", "k", "--alg", "hmac-sha512", "--usage", "wrap" }, "usage 'wrap' is not allowed for hmac-sha512 (it allows sign,verify,crypto-api)" },
		{ { "key", "create", "k", "--alg", "aes-128", "--keyring", "@x" }, "invalid keyring '@x' (use a keyring serial number, or @s, @u, @us or @g)" },
		{ { "key", "create", "id:5", "--alg", "aes-128" }, "a new key needs a name, not an ID ('id:5')" },
		{ { "key", "show", "id:0" }, "invalid key 'id:0' (a name of 1 to 127 printable characters without spaces, or id:N)" },
		{ { "key", "show", "a b" }, "invalid key 'a b' (a name of 1 to 127 printable characters without spaces, or id:N)" },
		{ { "key", "show", "" }, "invalid key '' (a name of 1 to 127 printable characters without spaces, or id:N)" },
		{ { "key", "destroy", "k", "--after", "5y" }, "invalid duration '5y' (seconds, or a number with a unit: 30s, 10m, 2h, 7d)" },
		{ { "key", "destroy", "k", "--after", "-1" }, "invalid duration '-1' (seconds, or a number with a unit: 30s, 10m, 2h, 7d)" },
		{ { "key", "destroy", "k", "--after", "367d" }, "duration '367d' is too long (at most 31622400 seconds, 366d)" },
		{ { "key", "set-min-version", "k", "0" }, "invalid version '0' (a number from 1 to 4294967295)" },
		{ { "key", "set-min-version", "k", "4294967296" }, "invalid version '4294967296' (a number from 1 to 4294967295)" },
		{ { "key", "set-min-version", "k", "two" }, "invalid version 'two' (a number from 1 to 4294967295)" },
		{ { "monitor", "--count", "0" }, "invalid count '0' (a number of events, at least 1)" },
		{ { "monitor", "--count", "x" }, "invalid count 'x' (a number of events, at least 1)" },
		{ { "monitor", "--count=" }, "invalid count '' (a number of events, at least 1)" },
		/* volumes, publish */
		{ { "volume" }, "missing subcommand after 'volume' ('volume open', 'volume close', 'volume status', 'volume open-all', 'volume close-all')" },
		{ { "volume", "mount" }, "unknown command 'volume mount' (use 'volume open', 'volume close', 'volume status', 'volume open-all', 'volume close-all')" },
		{ { "volume", "open", "/dev/loop0" }, "missing volume name after 'volume open'" },
		{ { "volume", "open" }, "missing device after 'volume open'" },
		{ { "volume", "open", "/dev/loop0", "data" }, "'volume open' needs --key KEY (an aes-xts key with the crypto-api usage)" },
		{ { "volume", "open", "/dev/loop0", "data", "x", "--key", "k" }, "unexpected argument 'x' after 'volume open'" },
		{ { "volume", "open", "/dev/loop0", "a/b", "--key", "k" }, "invalid volume name 'a/b' (1 to 127 printable characters without spaces or '/', not . or ..)" },
		{ { "volume", "open", "", "data", "--key", "k" }, "the device may not be empty" },
		{ { "volume", "open", "/dev/loop0", "data", "--key", "a b" }, "invalid key 'a b' (a name of 1 to 127 printable characters without spaces, or id:N)" },
		{ { "volume", "open", "/dev/loop0", "data", "--key", "k", "--cipher", "aes-cbc-essiv:sha256" }, "unsupported cipher 'aes-cbc-essiv:sha256' (kvault volumes use aes-xts-plain64 only)" },
		{ { "volume", "open", "/dev/loop0", "data", "--key", "k", "--sector-size", "100" }, "invalid sector size '100' (512, 1024, 2048 or 4096)" },
		{ { "volume", "open", "/dev/loop0", "data", "--key", "k", "--key-version", "0" }, "invalid key version '0' (a number from 1 to 4294967295)" },
		{ { "volume", "open", "/dev/loop0", "data", "--key" }, "option '--key' needs an argument" },
		{ { "volume", "close" }, "missing volume name after 'volume close'" },
		{ { "volume", "status", ".." }, "invalid volume name '..' (1 to 127 printable characters without spaces or '/', not . or ..)" },
		{ { "volume", "close", "data", "--key", "k" }, "option '--key' only applies to 'volume open'" },
		{ { "volume", "status", "data", "--config", "f" }, "option '--config' only applies to 'volume open-all' and 'volume close-all'" },
		{ { "volume", "open-all", "--config=" }, "option '--config' needs a file name" },
		{ { "volume", "open-all", "extra" }, "unexpected argument 'extra' after 'volume open-all'" },
		{ { "key", "publish", "k" }, "'key publish' needs --keyring RING (where the mirror is linked: @u, @s, @us, @g or a keyring serial)" },
		{ { "key", "publish", "k", "--keyring", "@t" }, "invalid keyring '@t' (use a keyring serial number, or @s, @u, @us or @g)" },
		{ { "key", "unpublish", "k", "--keyring", "@u" }, "option '--keyring' only applies to 'key create' and 'key publish'" },
		{ { "key", "unpublish" }, "missing key after 'key unpublish'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvaultctl_args a;
		char err[512];

		EXPECT_EQ(-EINVAL, PARSE_WORDS(&a, err, cases[i].argv))
			TH_LOG("case %zu accepted", i);
		EXPECT_STREQ(cases[i].err, err) TH_LOG("case %zu", i);
	}
}

TEST(args_hostile_values_are_shortened)
{
	char big[300], expect[512];
	struct kvaultctl_args a;
	char err[512];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_EQ(-EINVAL, PARSE(&a, err, "key", "show", big));
	snprintf(expect, sizeof(expect),
		 "invalid key '%.40s...' (a name of 1 to 127 printable characters without spaces, or id:N)",
		 big);
	EXPECT_STREQ(expect, err);
	ASSERT_EQ(-EINVAL, PARSE(&a, err, "key", big));
	EXPECT_EQ(0, strncmp("unknown command 'key xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (use", err, 62))
		TH_LOG("%s", err);
	ASSERT_EQ(-EINVAL, PARSE(&a, err, big));
	snprintf(expect, sizeof(expect), "unknown command '%.40s...'", big);
	EXPECT_STREQ(expect, err);
}

/* ------------------------------------------------------------------ */
/* key output                                                         */
/* ------------------------------------------------------------------ */

#define T0	1700000000123456789ULL	/* 2023-11-14T22:13:20.123456789Z */

static void canned_key(struct kvault_key_info *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	k->id = 123456;
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->alg = KVAULT_ALG_AES_256;
	k->len = 32;
	k->usage = KVAULT_USAGE_ENCRYPT | KVAULT_USAGE_DECRYPT;
	k->attrs = KVAULT_KEY_EXPORTABLE;
	k->state = KVAULT_KEY_STATE_DESTROY_PENDING;
	k->version = 3;
	k->min_version = 2;
	k->ctime = T0;
	k->destroy_time = T0 + 3600ULL * 1000000000ULL;
	k->use_count = 5;
}

TEST(iso_times)
{
	char t[KVAULTCTL_TIME_LEN];

	kvaultctl_iso_time(0, t);
	EXPECT_STREQ("1970-01-01T00:00:00.000000000Z", t);
	kvaultctl_iso_time(T0, t);
	EXPECT_STREQ("2023-11-14T22:13:20.123456789Z", t);
	kvaultctl_iso_time(UINT64_MAX, t);
	EXPECT_STREQ("2554-07-21T23:34:33.709551615Z", t);
}

TEST(format_key_human)
{
	struct kvault_key_info k;
	struct capture c;

	canned_key(&k, "disk-1");
	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_key(c.f, &k));
	EXPECT_STREQ("key disk-1 (id 123456)\n"
		     "  algorithm:    aes-256 (32 bytes)\n"
		     "  usage:        encrypt,decrypt\n"
		     "  attributes:   exportable\n"
		     "  state:        destroy-pending\n"
		     "  destroy at:   2023-11-14T23:13:20.123456789Z\n"
		     "  version:      3 (minimum 2)\n"
		     "  created:      2023-11-14T22:13:20.123456789Z\n"
		     "  uses:         5\n", cap_text(&c));
	cap_free(&c);

	ASSERT_NE(NULL, cap_open(&c));
	kvaultctl_print_key_header(c.f);
	kvaultctl_print_key_row(c.f, &k);
	EXPECT_STREQ("        ID  ALG          STATE            VERSION  NAME\n"
		     "    123456  aes-256      destroy-pending        3  disk-1\n",
		     cap_text(&c));
	cap_free(&c);
}

TEST(format_key_json_escapes_names)
{
	struct kvault_key_info k;
	struct json_writer w;
	struct capture c;

	canned_key(&k, "a\"b\\c{}[],:");
	k.state = 99;
	k.alg = 42;
	k.usage |= 0x100;
	k.attrs = 0;
	k.destroy_time = 0;
	k.last_use = T0;
	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	kvaultctl_json_key(&w, &k);
	EXPECT_EQ(0, json_finish(&w));
	EXPECT_STREQ("{\"id\":123456,\"name\":\"a\\\"b\\\\c{}[],:\",\"alg\":\"alg-42\","
		     "\"len\":32,\"usage\":[\"encrypt\",\"decrypt\",256],\"attrs\":[],"
		     "\"state\":\"state-99\",\"version\":3,\"min_version\":2,"
		     "\"ctime\":1700000000123456789,\"ctime_iso\":\"2023-11-14T22:13:20.123456789Z\","
		     "\"destroy_time\":0,\"destroy_time_iso\":null,\"use_count\":5,"
		     "\"last_use\":1700000000123456789,\"last_use_iso\":\"2023-11-14T22:13:20.123456789Z\"}",
		     cap_text(&c));
	cap_free(&c);
}

TEST(format_key_ops)
{
	struct kvault_key_state st = {
		.id = 7, .state = KVAULT_KEY_STATE_ENABLED, .version = 2,
		.min_version = 1, .attrs = KVAULT_KEY_REVOKED,
	};
	struct capture c;

	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_key_op(c.f, "rotate", "k\"1", 7, &st));
	EXPECT_EQ(0, kvaultctl_print_key_op(c.f, "create", "k2", 8, NULL));
	EXPECT_STREQ("rotate: key k\"1 (id 7): enabled, version 2 (minimum 1)\n"
		     "create: key k2 (id 8)\n", cap_text(&c));
	cap_free(&c);

	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_key_op_json(c.f, "rotate", 7, "k\"1", &st));
	EXPECT_EQ(0, kvaultctl_print_key_op_json(c.f, "revoke", 8, NULL, NULL));
	EXPECT_STREQ("{\"op\":\"rotate\",\"id\":7,\"name\":\"k\\\"1\",\"state\":\"enabled\","
		     "\"version\":2,\"min_version\":1,\"attrs\":[\"revoked\"],"
		     "\"destroy_time\":0,\"destroy_time_iso\":null}\n"
		     "{\"op\":\"revoke\",\"id\":8}\n", cap_text(&c));
	cap_free(&c);
}

TEST(format_events)
{
	struct kvault_event e = {
		.seq = 41, .op = KVAULT_EVENT_DESTROY_SCHEDULED, .id = 9,
		.name = "x\\y\"z", .version = 4, .uid = 0, .pid = 321,
		.time = T0,
	};
	struct capture c;

	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_event(c.f, &e));
	e.op = 200;
	EXPECT_EQ(0, kvaultctl_print_event_json(c.f, &e));
	EXPECT_STREQ("2023-11-14T22:13:20.123456789Z seq=41 destroy-scheduled key x\\y\"z id=9 version=4 uid=0 pid=321\n"
		     "{\"seq\":41,\"op\":\"event-200\",\"id\":9,\"name\":\"x\\\\y\\\"z\","
		     "\"version\":4,\"uid\":0,\"pid\":321,\"time\":1700000000123456789,"
		     "\"time_iso\":\"2023-11-14T22:13:20.123456789Z\"}\n", cap_text(&c));
	cap_free(&c);
}

TEST(report_key_errors)
{
	static const struct {
		int err;
		const char *msg;
	} cases[] = {
		{ -ENOENT, "kvaultctl: rotate key 'k': No such file or directory (the vault holds no such key)\n" },
		{ -ENOKEY, "kvaultctl: rotate key 'k': Required key not available (the key is destroyed)\n" },
		{ -EALREADY, "kvaultctl: rotate key 'k': Operation already in progress (the key is in that state already)\n" },
		{ -EBUSY, "kvaultctl: rotate key 'k': Device or resource busy (the key's destroy is pending: cancel it first)\n" },
		{ -EKEYREVOKED, "kvaultctl: rotate key 'k': Key has been revoked\n" },
		{ -EACCES, "kvaultctl: rotate key 'k': Permission denied (keyctl revoke needs write or setattr permission on the key)\n" },
		{ -EIO, "kvaultctl: rotate key 'k': Input/output error\n" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct capture c;

		ASSERT_NE(NULL, cap_open(&c));
		kvaultctl_report_key_error(c.f, "rotate key 'k'", cases[i].err, "", false);
		EXPECT_STREQ(cases[i].msg, cap_text(&c));
		cap_free(&c);
	}
}

/* ------------------------------------------------------------------ */
/* key commands of the kvaultctl binary, on a host without kvault.ko  */
/* ------------------------------------------------------------------ */

TEST_F(cli, key_commands_module_not_loaded)
{
	static const char *const ioctl_cmds[][4] = {
		{ "key", "rotate", "k" }, { "key", "revoke", "id:5" },
		{ "key", "create", "k" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ioctl_cmds); i++) {
		ASSERT_EQ(0, RUN(&self->r, &self->o, (char *)ioctl_cmds[i][0],
				 (char *)ioctl_cmds[i][1], (char *)ioctl_cmds[i][2],
				 "--alg", "aes-128"));
		if (i < 2)	/* --alg is for create only: a usage error */
			continue;
		EXPECT_EQ(1, self->r.status);
		EXPECT_STREQ("kvaultctl: kvault module is not loaded (no /nonexistent/kvault). Load it with: modprobe kvault\n",
			     self->r.err);
	}
	ASSERT_EQ(0, RUN(&self->r, &self->o, "key", "disable", "k"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (no /nonexistent/kvault). Load it with: modprobe kvault\n",
		     self->r.err);
}

TEST_F(cli, key_netlink_commands_module_not_loaded)
{
	static const char *const cmds[][3] = {
		{ "key", "list" }, { "key", "show", "k" }, { "monitor" },
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	size_t i;

	if (fd < 0)
		SKIP(return, "no generic netlink here: %s", strerror(errno));
	close(fd);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		ASSERT_EQ(0, RUN(&self->r, &self->o, (char *)cmds[i][0],
				 (char *)cmds[i][1], (char *)cmds[i][2]));
		if (self->r.status == 0)
			SKIP(return, "a kvault netlink family exists on this host");
		EXPECT_EQ(1, self->r.status);
		EXPECT_STREQ("", self->r.out);
		EXPECT_STREQ("kvaultctl: kvault module is not loaded (generic netlink family 'kvault' not found). Load it with: modprobe kvault\n",
			     self->r.err) TH_LOG("%s", cmds[i][0]);
	}
}

TEST_F(cli, key_create_in_keyring_without_the_key_type)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "key", "create", "k", "--alg",
			 "aes-128", "--keyring", "@u"));
	if (self->r.status == 0)
		SKIP(return, "the kvault key type exists on this host");
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: kvault module is not loaded (no key type 'kvault'). Load it with: modprobe kvault\n",
		     self->r.err);
}

TEST_F(cli, key_usage_errors_exit_2_before_opening)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "key", "create", "k", "--alg", "des"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_EQ(0, strncmp("kvaultctl: unknown algorithm 'des'", self->r.err, 34));
	EXPECT_NE(NULL, strstr(self->r.err, "Try 'kvaultctl --help'"));
	ASSERT_EQ(0, RUN(&self->r, &self->o, "key", "destroy", "k", "--after", "1 h"));
	EXPECT_EQ(2, self->r.status);
	ASSERT_EQ(0, RUN(&self->r, &self->o, "monitor", "--count"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("kvaultctl: option '--count' needs an argument\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);
	ASSERT_EQ(0, RUN(&self->r, &self->o, "key"));
	EXPECT_EQ(2, self->r.status);
	ASSERT_EQ(0, RUN(&self->r, &self->o, "--help"));
	EXPECT_NE(NULL, strstr(self->r.out, "key create NAME --alg ALG"));
	EXPECT_NE(NULL, strstr(self->r.out, "monitor [--count N]"));
	EXPECT_NE(NULL, strstr(self->r.out, "id:N"));
}

/* ------------------------------------------------------------------ */
/* key references, volumes, publish                                   */
/* ------------------------------------------------------------------ */

TEST(key_ref_build_sizes_and_fields)
{
	uint8_t buf[KVAULT_KEY_REF_MAX_SIZE + 8];
	struct kvault_key_ref ref;
	char name[KVAULT_KEY_NAME_MAX + 1];

	memset(buf, 0xaa, sizeof(buf));
	EXPECT_EQ(KVAULT_KEY_REF_HDR_SIZE, kvault_key_ref_build(42, NULL, 7, buf, sizeof(buf)));
	memcpy(&ref, buf, sizeof(ref));
	EXPECT_EQ(KVAULT_KEY_REF_MAGIC, ref.magic);
	EXPECT_EQ(KVAULT_KEY_REF_VERSION, ref.version);
	EXPECT_EQ(KVAULT_KEY_REF_HDR_SIZE, ref.size);
	EXPECT_EQ(42, ref.id);
	EXPECT_EQ(7U, ref.key_version);
	EXPECT_EQ(0U, ref.flags);
	EXPECT_EQ(0U, ref.reserved);
	EXPECT_EQ(0xaa, buf[KVAULT_KEY_REF_HDR_SIZE]);	/* nothing beyond */

	EXPECT_EQ(KVAULT_KEY_REF_HDR_SIZE + 5, kvault_key_ref_build(0, "disk", 0, buf, sizeof(buf)));
	memcpy(&ref, buf, sizeof(ref));
	EXPECT_EQ(0, ref.id);
	EXPECT_EQ(KVAULT_KEY_REF_HDR_SIZE + 5, ref.size);
	EXPECT_EQ(0U, ref.key_version);
	EXPECT_EQ(0, memcmp(buf + KVAULT_KEY_REF_HDR_SIZE, "disk", 5));

	/* the longest name fills KVAULT_KEY_REF_MAX_SIZE exactly */
	memset(name, 'n', KVAULT_KEY_NAME_MAX - 1);
	name[KVAULT_KEY_NAME_MAX - 1] = '\0';
	EXPECT_EQ(KVAULT_KEY_REF_MAX_SIZE, kvault_key_ref_build(0, name, 1, buf, KVAULT_KEY_REF_MAX_SIZE));
	EXPECT_EQ(-ENOSPC, kvault_key_ref_build(0, name, 1, buf, KVAULT_KEY_REF_MAX_SIZE - 1));
	name[KVAULT_KEY_NAME_MAX - 1] = 'n';
	name[KVAULT_KEY_NAME_MAX] = '\0';
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, name, 1, buf, sizeof(buf)));
}

TEST(key_ref_build_refuses)
{
	uint8_t buf[KVAULT_KEY_REF_MAX_SIZE];

	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(5, "k", 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(-1, NULL, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, "", 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, "a b", 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, "a\tb", 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, "caf\xc3\xa9", 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, kvault_key_ref_build(0, "del\x7f", 0, buf, sizeof(buf)));
	EXPECT_EQ(-ENOSPC, kvault_key_ref_build(1, NULL, 0, buf, KVAULT_KEY_REF_HDR_SIZE - 1));
	EXPECT_EQ(-ENOSPC, kvault_key_ref_build(0, "abc", 0, buf, KVAULT_KEY_REF_HDR_SIZE + 3));
	EXPECT_EQ(-ENOSPC, kvault_key_ref_build(1, NULL, 0, NULL, 0));
	EXPECT_EQ(0x55, buf[0]);	/* nothing written on failure */
}

TEST(key_ref_hex)
{
	char hex[KVAULT_KEY_REF_HEX_MAX];

	EXPECT_EQ(48, kvault_key_ref_hex(5, NULL, 2, hex, sizeof(hex)));
	EXPECT_STREQ("4b56524b" "0100" "1800" "05000000" "02000000"
		     "00000000" "00000000", hex);
	EXPECT_EQ(54, kvault_key_ref_hex(0, "ab", 0, hex, sizeof(hex)));
	EXPECT_STREQ("4b56524b" "0100" "1b00" "00000000" "00000000"
		     "00000000" "00000000" "616200", hex);
	EXPECT_EQ(-ENOSPC, kvault_key_ref_hex(0, "ab", 0, hex, 54));
	EXPECT_EQ(54, kvault_key_ref_hex(0, "ab", 0, hex, 55));
	EXPECT_EQ(-EINVAL, kvault_key_ref_hex(0, "a b", 0, hex, sizeof(hex)));
}

TEST(key_ref_parse_round_trip_and_malformed)
{
	uint8_t buf[KVAULT_KEY_REF_MAX_SIZE + 4];
	struct kvault_key_ref_info info;
	struct kvault_key_ref ref;
	int n;

	n = kvault_key_ref_build(0, "vol-key", 9, buf, sizeof(buf));
	ASSERT_EQ(KVAULT_KEY_REF_HDR_SIZE + 8, n);
	EXPECT_EQ(n, kvault_key_ref_parse(buf, (size_t)n, &info));
	EXPECT_EQ(0, info.id);
	EXPECT_STREQ("vol-key", info.name);
	EXPECT_EQ(9U, info.key_version);
	/* a tail (the rfc4106 salt) after the reference is not its */
	EXPECT_EQ(n, kvault_key_ref_parse(buf, (size_t)n + 4, &info));
	/* short */
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n - 1, &info));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, 10, &info));
	EXPECT_STREQ("", info.name);
	/* not NUL-terminated at its size */
	buf[n - 1] = 'x';
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));
	buf[n - 1] = '\0';
	/* NUL before its size */
	buf[KVAULT_KEY_REF_HDR_SIZE + 2] = '\0';
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));

	n = kvault_key_ref_build(77, NULL, 0, buf, sizeof(buf));
	EXPECT_EQ(n, kvault_key_ref_parse(buf, (size_t)n, &info));
	EXPECT_EQ(77, info.id);
	EXPECT_STREQ("", info.name);
	memcpy(&ref, buf, sizeof(ref));
	ref.magic ^= 1;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));
	ref.magic ^= 1;
	ref.version = 2;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));
	ref.version = KVAULT_KEY_REF_VERSION;
	ref.flags = 1;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));
	ref.flags = 0;
	ref.reserved = 1;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));
	ref.reserved = 0;
	ref.id = -3;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, (size_t)n, &info));
	/* an ID and a name */
	ref.id = 3;
	ref.size = KVAULT_KEY_REF_HDR_SIZE + 2;
	memcpy(buf, &ref, sizeof(ref));
	memcpy(buf + KVAULT_KEY_REF_HDR_SIZE, "a", 2);
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, sizeof(buf), &info));
	/* neither */
	ref.id = 0;
	ref.size = KVAULT_KEY_REF_HDR_SIZE;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, sizeof(buf), &info));
	/* huge */
	ref.size = KVAULT_KEY_REF_MAX_SIZE + 1;
	memcpy(buf, &ref, sizeof(ref));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, sizeof(buf), &info));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(NULL, 24, &info));
	EXPECT_EQ(-EINVAL, kvault_key_ref_parse(buf, 24, NULL));
}

TEST(consumer_names)
{
	EXPECT_STREQ("dm-crypt", kvault_consumer_name(KVAULT_CONSUMER_DM_CRYPT));
	EXPECT_STREQ("af-alg", kvault_consumer_name(KVAULT_CONSUMER_AF_ALG));
	EXPECT_STREQ("kernel", kvault_consumer_name(KVAULT_CONSUMER_KERNEL));
	EXPECT_EQ(NULL, kvault_consumer_name(0));
	EXPECT_EQ(NULL, kvault_consumer_name(KVAULT_CONSUMER_MAX + 1));
}

TEST(volume_option_values)
{
	uint32_t v = 99;

	EXPECT_EQ(0, kvaultctl_volume_cipher_check("aes-xts-plain64"));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_cipher_check("aes-cbc-essiv:sha256"));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_cipher_check("AES-XTS-PLAIN64"));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_cipher_check(NULL));
	EXPECT_EQ(0, kvaultctl_volume_sector_size("4096", &v));
	EXPECT_EQ(4096U, v);
	EXPECT_EQ(0, kvaultctl_volume_sector_size("512", &v));
	EXPECT_EQ(512U, v);
	EXPECT_EQ(-EINVAL, kvaultctl_volume_sector_size("256", &v));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_sector_size("8192", &v));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_sector_size("1536", &v));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_sector_size("4k", &v));
	EXPECT_EQ(512U, v);
	EXPECT_EQ(0, kvaultctl_volume_key_version("3", &v));
	EXPECT_EQ(3U, v);
	EXPECT_EQ(-EINVAL, kvaultctl_volume_key_version("0", &v));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_key_version("4294967296", &v));
	EXPECT_EQ(0, kvaultctl_volume_name_check("data_1.crypt"));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_name_check(""));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_name_check("."));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_name_check(".."));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_name_check("a/b"));
	EXPECT_EQ(-EINVAL, kvaultctl_volume_name_check("a b"));
}

TEST(volume_config_good_lines)
{
	static const struct {
		const char *line;
		int ret;
		const char *name, *device, *key;
		int32_t id;
		uint32_t sector_size, key_version;
	} cases[] = {
		{ "", 0, NULL, NULL, NULL, 0, 0, 0 },
		{ "\n", 0, NULL, NULL, NULL, 0, 0, 0 },
		{ "   \t \n", 0, NULL, NULL, NULL, 0, 0, 0 },
		{ "# a comment\n", 0, NULL, NULL, NULL, 0, 0, 0 },
		{ "   # indented comment", 0, NULL, NULL, NULL, 0, 0, 0 },
		{ "data /dev/loop0 disk\n", 1, "data", "/dev/loop0", "disk", 0, 0, 0 },
		{ "data\t/dev/vdb\tid:42\r\n", 1, "data", "/dev/vdb", NULL, 42, 0, 0 },
		{ "d /dev/sdb1 k sector-size=4096\n", 1, "d", "/dev/sdb1", "k", 0, 4096, 0 },
		{ "d /dev/sdb1 k cipher=aes-xts-plain64,key-version=3,sector-size=1024 # why",
		  1, "d", "/dev/sdb1", "k", 0, 1024, 3 },
		{ "d /dev/sdb1 k # a comment after the key", 1, "d", "/dev/sdb1", "k", 0, 0, 0 },
	};
	struct kvaultctl_volume vol;
	char line[256], why[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line), "%s", cases[i].line);
		EXPECT_EQ(cases[i].ret, kvaultctl_volume_line(line, &vol, why, sizeof(why)))
			TH_LOG("case %zu: %s", i, why);
		if (cases[i].ret != 1)
			continue;
		EXPECT_STREQ(cases[i].name, vol.name);
		EXPECT_STREQ(cases[i].device, vol.device);
		if (cases[i].key) {
			EXPECT_STREQ(cases[i].key, vol.key.name);
		} else {
			EXPECT_EQ(NULL, vol.key.name);
		}
		EXPECT_EQ(cases[i].id, vol.key.id);
		EXPECT_EQ(cases[i].sector_size, vol.sector_size);
		EXPECT_EQ(cases[i].key_version, vol.key_version);
	}
}

TEST(volume_config_bad_lines)
{
	static const struct {
		const char *line, *why;
	} cases[] = {
		{ "data", "expected NAME DEVICE KEY [OPTIONS], found 1 field" },
		{ "data /dev/loop0", "expected NAME DEVICE KEY [OPTIONS], found 2 fields" },
		{ "data /dev/loop0 k a=b extra", "unexpected field 'extra' (NAME DEVICE KEY [OPTIONS], options separated by ',' without blanks)" },
		{ "data /dev/loop0 k sector-size=4096, key-version=2", "unexpected field 'key-version=2' (NAME DEVICE KEY [OPTIONS], options separated by ',' without blanks)" },
		{ "a/b /dev/loop0 k", "invalid volume name 'a/b' (1 to 127 printable characters without spaces or '/')" },
		{ ".. /dev/loop0 k", "invalid volume name '..' (1 to 127 printable characters without spaces or '/')" },
		{ "data loop0 k", "device 'loop0' is not an absolute path" },
		{ "data /dev/loop0 id:0", "invalid key 'id:0' (a name of 1 to 127 printable characters without spaces, or id:N)" },
		{ "data /dev/loop0 k cipher=aes-cbc-essiv:sha256", "unsupported cipher 'aes-cbc-essiv:sha256' (only aes-xts-plain64)" },
		{ "data /dev/loop0 k sector-size=333", "invalid sector-size '333' (512, 1024, 2048 or 4096)" },
		{ "data /dev/loop0 k sector-size=", "invalid sector-size '' (512, 1024, 2048 or 4096)" },
		{ "data /dev/loop0 k key-version=0", "invalid key-version '0' (a number from 1 to 4294967295)" },
		{ "data /dev/loop0 k key-version=1,key-version=2", "option 'key-version' given twice" },
		{ "data /dev/loop0 k discard", "option 'discard' has no value (use cipher=, sector-size= or key-version=)" },
		{ "data /dev/loop0 k size=5", "unknown option 'size' (use cipher=, sector-size= or key-version=)" },
		{ "data /dev/loop0 k key-version=1,,sector-size=512", "empty option (options are separated by one ',')" },
		{ "data /dev/loop0 k key-version=1,", "empty option (options are separated by one ',')" },
	};
	struct kvaultctl_volume vol;
	char line[256], why[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line), "%s", cases[i].line);
		EXPECT_EQ(-EINVAL, kvaultctl_volume_line(line, &vol, why, sizeof(why)))
			TH_LOG("case %zu accepted", i);
		EXPECT_STREQ(cases[i].why, why) TH_LOG("case %zu", i);
	}
}

TEST(volume_file_stat_check)
{
	static const struct {
		mode_t mode;
		uid_t uid, euid;
		off_t size;
		const char *why;	/* NULL: accepted */
	} cases[] = {
		{ S_IFREG | 0644, 0, 0, 100, NULL },
		{ S_IFREG | 0600, 1000, 1000, 100, NULL },
		{ S_IFREG | 0644, 0, 1000, 100, NULL },
		{ S_IFREG | 0644, 0, 0, KVAULTCTL_VOLUMES_SIZE_MAX, NULL },
		{ S_IFIFO | 0600, 0, 0, 0, "not a regular file (a FIFO)" },
		{ S_IFCHR | 0666, 0, 0, 0, "not a regular file (a character device)" },
		{ S_IFDIR | 0755, 0, 0, 4096, "not a regular file (a directory)" },
		{ S_IFREG | 0644, 0, 0, KVAULTCTL_VOLUMES_SIZE_MAX + 1,
		  "larger than 1048576 bytes" },
		{ S_IFREG | 0644, 1000, 0, 100, "owned by uid 1000, not by root" },
		{ S_IFREG | 0644, 1000, 1001, 100,
		  "owned by uid 1000, not by root or the user running kvaultctl" },
		{ S_IFREG | 0664, 0, 0, 100,
		  "writable by its group or others (mode 0664; chmod go-w it)" },
		{ S_IFREG | 0602, 0, 0, 100,
		  "writable by its group or others (mode 0602; chmod go-w it)" },
		{ S_IFREG | 0620, 1000, 1000, 100,
		  "writable by its group or others (mode 0620; chmod go-w it)" },
	};
	struct stat st;
	char why[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&st, 0, sizeof(st));
		st.st_mode = cases[i].mode;
		st.st_uid = cases[i].uid;
		st.st_size = cases[i].size;
		why[0] = '\0';
		EXPECT_EQ(cases[i].why ? -EPERM : 0,
			  kvaultctl_volumes_stat_check(&st, cases[i].euid, why,
						       sizeof(why)))
			TH_LOG("case %zu: %s", i, why);
		if (cases[i].why) {
			EXPECT_STREQ(cases[i].why, why) TH_LOG("case %zu", i);
		}
	}
}

/* kvaultctl_volumes_open() of @path: its return, @why filled. */
static int volumes_open_why(const char *path, char *why, size_t len)
{
	struct kvaultctl_volumes_file vf;
	int ret;

	why[0] = '\0';
	ret = kvaultctl_volumes_open(&vf, path, why, len);
	if (!ret)
		kvaultctl_volumes_close(&vf);
	return ret;
}

TEST(volume_file_open_refuses_untrusted)
{
	char dir[] = "/tmp/kvault-volconf-XXXXXX", path[64], why[256];
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	/* a FIFO with no writer: refused at once, not waited for */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ASSERT_EQ(0, mkfifo(path, 0600));
	EXPECT_EQ(-EPERM, volumes_open_why(path, why, sizeof(why)));
	EXPECT_STREQ("not a regular file (a FIFO)", why);
	unlink(path);
	EXPECT_EQ(-EPERM, volumes_open_why("/dev/zero", why, sizeof(why)));
	EXPECT_STREQ("not a regular file (a character device)", why);
	EXPECT_EQ(-EPERM, volumes_open_why(dir, why, sizeof(why)));
	EXPECT_STREQ("not a regular file (a directory)", why);
	snprintf(path, sizeof(path), "%s/missing", dir);
	EXPECT_EQ(-ENOENT, volumes_open_why(path, why, sizeof(why)));
	EXPECT_STREQ("No such file or directory", why);

	snprintf(path, sizeof(path), "%s/volumes", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, volumes_open_why(path, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, chmod(path, 0666));
	EXPECT_EQ(-EPERM, volumes_open_why(path, why, sizeof(why)));
	EXPECT_STREQ("writable by its group or others (mode 0666; chmod go-w it)", why);
	ASSERT_EQ(0, chmod(path, 0644));
	if (geteuid() == 0) {
		ASSERT_EQ(0, chown(path, 1, 0));
		EXPECT_EQ(-EPERM, volumes_open_why(path, why, sizeof(why)));
		EXPECT_STREQ("owned by uid 1, not by root", why);
	} else {
		TH_LOG("not root: the owner check for root is not run");
	}
	unlink(path);
	rmdir(dir);
}

/* What kvaultctl_volumes_next() returned, with the line number and why. */
struct volumes_step {
	int ret;
	unsigned int line_no;
	const char *name_or_why;
};

static void volumes_expect(struct __test_metadata *_metadata, FILE *f,
			   const struct volumes_step *steps, size_t n)
{
	struct kvaultctl_volumes_file vf;
	struct kvaultctl_volume vol;
	char why[256];
	size_t i;
	int ret;

	ASSERT_NE(NULL, f);
	kvaultctl_volumes_init(&vf, f);
	for (i = 0; i < n; i++) {
		why[0] = '\0';
		ret = kvaultctl_volumes_next(&vf, &vol, why, sizeof(why));
		EXPECT_EQ(steps[i].ret, ret) TH_LOG("step %zu: %s", i, why);
		if (steps[i].ret > 0 && ret > 0) {
			EXPECT_STREQ(steps[i].name_or_why, vol.name);
		} else if (steps[i].ret < 0) {
			EXPECT_STREQ(steps[i].name_or_why, why) TH_LOG("step %zu", i);
		}
		if (steps[i].ret) {
			EXPECT_EQ(steps[i].line_no, vf.line_no) TH_LOG("step %zu", i);
		}
	}
	kvaultctl_volumes_close(&vf);
}

TEST(volume_file_bad_lines_reported_one_each)
{
	char buf[KVAULTCTL_VOLUMES_LINE_MAX + 512];
	const struct volumes_step steps[] = {
		{ 1, 2, "a" },
		{ -EINVAL, 3, "the line contains a NUL byte (the volumes file is text)" },
		{ 1, 4, "b" },
		{ -EINVAL, 5, "line too long (more than 4096 bytes)" },
		{ 1, 6, "c" },
		{ -EINVAL, 7, "volume name 'a' is used on line 2 already" },
		{ -EINVAL, 8, "expected NAME DEVICE KEY [OPTIONS], found 1 field" },
		{ 1, 10, "d" },
		{ 0, 0, NULL },
		{ 0, 0, NULL },
	};
	size_t n = 0;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			      "# volumes\na /dev/loop0 k\nx /dev/loop1");
	buf[n++] = '\0';	/* a NUL byte; the line goes on after it */
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, " k\nb /dev/loop1 k\n#");
	memset(buf + n, 'x', KVAULTCTL_VOLUMES_LINE_MAX);
	n += KVAULTCTL_VOLUMES_LINE_MAX;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			      "\nc /dev/loop2 k\na /dev/loop3 k\nbad\n\nd /dev/loop4 k");
	volumes_expect(_metadata, fmemopen(buf, n, "r"), steps,
		       ARRAY_SIZE(steps));
}

TEST(volume_file_line_at_the_cap_is_read)
{
	char buf[KVAULTCTL_VOLUMES_LINE_MAX + 64];
	const struct volumes_step steps[] = {
		{ 1, 1, "e" },
		{ 1, 2, "f" },
		{ 0, 0, NULL },
	};
	size_t n;

	/* 4096 bytes without the newline: the longest line allowed */
	n = (size_t)snprintf(buf, sizeof(buf), "e /dev/loop0 k ");
	memset(buf + n, ' ', KVAULTCTL_VOLUMES_LINE_MAX - n);
	n = KVAULTCTL_VOLUMES_LINE_MAX;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\nf /dev/loop1 k\n");
	volumes_expect(_metadata, fmemopen(buf, n, "r"), steps,
		       ARRAY_SIZE(steps));
}

/* A stream of 'x' that never ends: no newline, ever. */
static ssize_t endless_read(void *cookie, char *buf, size_t len)
{
	(void)cookie;
	memset(buf, 'x', len);
	return (ssize_t)len;
}

TEST(volume_file_caps_end_the_read)
{
	cookie_io_functions_t endless = { .read = endless_read };
	const struct volumes_step no_newline[] = {
		{ -EFBIG, 0, "the file is larger than 1048576 bytes; the rest is not read" },
	};
	const struct volumes_step many_lines[] = {
		{ 1, 1, "g" },
		{ -EFBIG, 10000, "the file has more than 10000 lines; the rest is not read" },
	};
	const struct volumes_step exactly_max[] = {
		{ 1, 1, "g" },
		{ 0, 0, NULL },
	};
	char *buf;
	size_t n;

	volumes_expect(_metadata, fopencookie(NULL, "r", endless), no_newline,
		       ARRAY_SIZE(no_newline));
	buf = malloc(KVAULTCTL_VOLUMES_LINES_MAX + 64);
	ASSERT_NE(NULL, buf);
	n = (size_t)sprintf(buf, "g /dev/loop0 k\n");
	memset(buf + n, '\n', KVAULTCTL_VOLUMES_LINES_MAX);	/* one too many */
	volumes_expect(_metadata, fmemopen(buf, n + KVAULTCTL_VOLUMES_LINES_MAX, "r"),
		       many_lines, ARRAY_SIZE(many_lines));
	volumes_expect(_metadata, fmemopen(buf, n + KVAULTCTL_VOLUMES_LINES_MAX - 1, "r"),
		       exactly_max, ARRAY_SIZE(exactly_max));
	free(buf);
}

TEST(volume_table_built_and_read_back)
{
	char hex[KVAULT_KEY_REF_HEX_MAX], params[KVAULTCTL_VOLUME_PARAMS_MAX];
	struct kvaultctl_crypt_table t;

	ASSERT_LT(0, kvault_key_ref_hex(0, "disk", 4, hex, sizeof(hex)));
	ASSERT_EQ(0, kvaultctl_volume_params(hex, "/dev/loop0", 0, params, sizeof(params)));
	EXPECT_EQ(0, strncmp("capi:kvault(xts(aes))-plain64 4b56524b", params, 38));
	EXPECT_EQ(0, strcmp(" 0 /dev/loop0 0", params + strlen(params) - 15));
	ASSERT_EQ(0, kvaultctl_volume_params(hex, "/dev/loop0", 4096, params, sizeof(params)));
	EXPECT_EQ(0, strcmp(" 0 /dev/loop0 0 1 sector_size:4096", params + strlen(params) - 34));
	EXPECT_EQ(-ENOSPC, kvaultctl_volume_params(hex, "/dev/loop0", 0, params, 40));

	/* as the kernel shows it: the device as MAJOR:MINOR */
	snprintf(params, sizeof(params), "capi:kvault(xts(aes))-plain64 %s 0 7:0 0 1 sector_size:4096", hex);
	ASSERT_EQ(0, kvaultctl_crypt_table_parse(params, &t));
	EXPECT_STREQ("capi:kvault(xts(aes))-plain64", t.cipher);
	EXPECT_TRUE(t.kvault);
	EXPECT_STREQ("disk", t.ref.name);
	EXPECT_EQ(4U, t.ref.key_version);
	EXPECT_STREQ("7:0", t.device);
	EXPECT_EQ(4096U, t.sector_size);

	snprintf(params, sizeof(params), "capi:kvault(xts(aes))-plain64 %s 0 7:0 0", hex);
	ASSERT_EQ(0, kvaultctl_crypt_table_parse(params, &t));
	EXPECT_EQ(512U, t.sector_size);

	ASSERT_EQ(0, kvaultctl_crypt_table_parse("aes-xts-plain64 :64:logon:kvault:disk 0 253:1 0", &t));
	EXPECT_FALSE(t.kvault);
	EXPECT_STREQ(":64:logon:kvault:disk", t.key_desc);
	ASSERT_EQ(0, kvaultctl_crypt_table_parse("aes-xts-plain64 0000000000000000 0 253:1 8 2 allow_discards sector_size:1024", &t));
	EXPECT_FALSE(t.kvault);
	EXPECT_EQ(8U, t.offset);
	EXPECT_EQ(1024U, t.sector_size);
	EXPECT_EQ(-EINVAL, kvaultctl_crypt_table_parse("aes-xts-plain64 00", &t));
	EXPECT_EQ(-EINVAL, kvaultctl_crypt_table_parse("", &t));
	EXPECT_EQ(-EINVAL, kvaultctl_crypt_table_parse("a b c d e 2 x", &t));

	EXPECT_EQ(2048U, kvaultctl_volume_sectors(1024 * 1024, 0));
	EXPECT_EQ(2048U, kvaultctl_volume_sectors(1024 * 1024 + 511, 512));
	EXPECT_EQ(2040U, kvaultctl_volume_sectors(1024 * 1024 - 1, 4096));
	EXPECT_EQ(0U, kvaultctl_volume_sectors(4095, 4096));
}

TEST(args_volume_commands)
{
	struct kvaultctl_args a;
	char err[512];

	ASSERT_EQ(0, PARSE(&a, err, "volume", "open", "/dev/loop0", "data", "--key", "disk"));
	EXPECT_EQ(KVAULTCTL_CMD_VOLUME_OPEN, a.cmd);
	EXPECT_STREQ("/dev/loop0", a.vol.device);
	EXPECT_STREQ("data", a.vol.name);
	EXPECT_STREQ("disk", a.vol.key.name);
	EXPECT_EQ(0U, a.vol.sector_size);
	EXPECT_EQ(0U, a.vol.key_version);

	ASSERT_EQ(0, PARSE(&a, err, "volume", "open", "--sector-size=4096", "/dev/loop0", "data",
			   "--key", "id:12", "--cipher", "aes-xts-plain64", "--key-version", "2"));
	EXPECT_EQ(12, a.vol.key.id);
	EXPECT_EQ(4096U, a.vol.sector_size);
	EXPECT_EQ(2U, a.vol.key_version);

	ASSERT_EQ(0, PARSE(&a, err, "volume", "status", "data", "--json"));
	EXPECT_EQ(KVAULTCTL_CMD_VOLUME_STATUS, a.cmd);
	EXPECT_STREQ("data", a.vol.name);
	EXPECT_TRUE(a.json);
	ASSERT_EQ(0, PARSE(&a, err, "volume", "close", "data"));
	EXPECT_EQ(KVAULTCTL_CMD_VOLUME_CLOSE, a.cmd);
	ASSERT_EQ(0, PARSE(&a, err, "volume", "open-all"));
	EXPECT_EQ(KVAULTCTL_CMD_VOLUME_OPEN_ALL, a.cmd);
	EXPECT_EQ(NULL, a.config);
	ASSERT_EQ(0, PARSE(&a, err, "volume", "close-all", "--config", "/x/volumes"));
	EXPECT_EQ(KVAULTCTL_CMD_VOLUME_CLOSE_ALL, a.cmd);
	EXPECT_STREQ("/x/volumes", a.config);

	ASSERT_EQ(0, PARSE(&a, err, "key", "publish", "disk", "--keyring", "@u"));
	EXPECT_EQ(KVAULTCTL_CMD_KEY_PUBLISH, a.cmd);
	EXPECT_EQ(KEY_SPEC_USER_KEYRING, a.keyring);
	EXPECT_STREQ("@u", a.keyring_arg);
	ASSERT_EQ(0, PARSE(&a, err, "key", "publish", "disk", "--keyring", "123"));
	EXPECT_EQ(123, a.keyring);
	ASSERT_EQ(0, PARSE(&a, err, "key", "unpublish", "id:3"));
	EXPECT_EQ(KVAULTCTL_CMD_KEY_UNPUBLISH, a.cmd);
	EXPECT_EQ(3, a.key.id);
}

TEST(format_key_usage)
{
	struct kvault_key_usage u;
	struct kvault_key_info k;
	struct json_writer w;
	struct capture c;

	canned_key(&k, "disk-1");
	memset(&u, 0, sizeof(u));
	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_key_usage(c.f, &k, &u));
	EXPECT_STREQ("  transforms:   not reported (kvault.ko without the crypto templates)\n"
		     "  mirror:       none (not published)\n", cap_text(&c));
	cap_free(&c);

	u.flags = KVAULT_KEY_USAGE_REPORTED;
	u.transforms = 2;
	u.mirror_id = 999;
	u.consumer[KVAULT_CONSUMER_DM_CRYPT].ops = 10;
	u.consumer[KVAULT_CONSUMER_DM_CRYPT].bytes = 40960;
	u.consumer[KVAULT_CONSUMER_AF_ALG].ops = 1;
	u.consumer[KVAULT_CONSUMER_AF_ALG].bytes = 16;
	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_key_usage(c.f, &k, &u));
	EXPECT_STREQ("  transforms:   2\n"
		     "  dm-crypt:     10 ops, 40960 bytes\n"
		     "  af-alg:       1 ops, 16 bytes\n"
		     "  kernel:       0 ops, 0 bytes\n"
		     "  mirror:       logon key 999, kvault:disk-1\n", cap_text(&c));
	cap_free(&c);

	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	kvaultctl_json_key_usage(&w, &k, &u);
	EXPECT_EQ(0, json_finish(&w));
	EXPECT_NE(NULL, strstr(cap_text(&c),
			       "\"transforms\":2,\"consumers\":{\"dm-crypt\":{\"ops\":10,\"bytes\":40960},\"af-alg\":{\"ops\":1,\"bytes\":16},\"kernel\":{\"ops\":0,\"bytes\":0}},\"mirror_id\":999}"))
		TH_LOG("%s", c.buf);
	cap_free(&c);

	u.flags = 0;
	u.mirror_id = 0;
	ASSERT_NE(NULL, cap_open(&c));
	json_init(&w, c.f);
	kvaultctl_json_key_usage(&w, &k, &u);
	EXPECT_EQ(0, json_finish(&w));
	EXPECT_NE(NULL, strstr(cap_text(&c),
			       "\"transforms\":null,\"consumers\":{},\"mirror_id\":null}"))
		TH_LOG("%s", c.buf);
	cap_free(&c);
}

TEST_F(cli, volume_usage_errors_exit_2_before_opening)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "volume", "open", "/dev/loop0", "data"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: 'volume open' needs --key KEY (an aes-xts key with the crypto-api usage)\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);

	ASSERT_EQ(0, RUN(&self->r, &self->o, "volume", "open", "/dev/loop0", "data", "--key", "k", "--cipher", "twofish-xts-plain64"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("kvaultctl: unsupported cipher 'twofish-xts-plain64' (kvault volumes use aes-xts-plain64 only)\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);

	ASSERT_EQ(0, RUN(&self->r, &self->o, "volume", "status"));
	EXPECT_EQ(2, self->r.status);

	ASSERT_EQ(0, RUN(&self->r, &self->o, "key", "publish", "k"));
	EXPECT_EQ(2, self->r.status);
	EXPECT_STREQ("kvaultctl: 'key publish' needs --keyring RING (where the mirror is linked: @u, @s, @us, @g or a keyring serial)\nTry 'kvaultctl --help' for more information.\n",
		     self->r.err);
}

TEST_F(cli, volume_open_all_missing_config)
{
	ASSERT_EQ(0, RUN(&self->r, &self->o, "volume", "close-all", "--config", "/nonexistent/volumes"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("kvaultctl: cannot read /nonexistent/volumes: No such file or directory\n",
		     self->r.err);

	ASSERT_EQ(0, RUN(&self->r, &self->o, "volume", "close-all", "--config", "/dev/zero"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_STREQ("", self->r.out);
	EXPECT_STREQ("kvaultctl: cannot read /dev/zero: not a regular file (a character device)\n",
		     self->r.err);
}

TEST_F(cli, volume_close_all_reports_each_bad_line)
{
	char path[] = "/tmp/kvault-volumes-XXXXXX";
	static const char text[] = "# only bad lines\nx /dev/loop0 k\0x\nnot-enough /dev/loop0\n";
	char *big = malloc(KVAULTCTL_VOLUMES_LINE_MAX + 2);
	char want[512];
	int fd;

	ASSERT_NE(NULL, big);
	memset(big, '#', KVAULTCTL_VOLUMES_LINE_MAX + 1);
	big[KVAULTCTL_VOLUMES_LINE_MAX + 1] = '\n';
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(text) - 1, write(fd, text, sizeof(text) - 1));
	ASSERT_EQ(KVAULTCTL_VOLUMES_LINE_MAX + 2,
		  write(fd, big, KVAULTCTL_VOLUMES_LINE_MAX + 2));
	close(fd);
	free(big);
	ASSERT_EQ(0, RUN(&self->r, &self->o, "volume", "close-all", "--config", path));
	EXPECT_EQ(1, self->r.status);
	snprintf(want, sizeof(want),
		 "kvaultctl: %s:2: the line contains a NUL byte (the volumes file is text)\n"
		 "kvaultctl: %s:3: expected NAME DEVICE KEY [OPTIONS], found 2 fields\n"
		 "kvaultctl: %s:4: line too long (more than 4096 bytes)\n",
		 path, path, path);
	EXPECT_STREQ(want, self->r.err);
	snprintf(want, sizeof(want), "%s: 0 closed, 0 not open, 3 failed\n", path);
	EXPECT_STREQ(want, self->r.out);
	unlink(path);
}

TEST_HARNESS_MAIN
