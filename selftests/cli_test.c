// SPDX-License-Identifier: GPL-2.0
/* kvaultctl against the real module and TPM. */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kselftest_harness.h"
#include "test_util.h"

static char out[16384];

TEST(status_human_and_json)
{
	ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl status 2>&1")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "TPM 2.0")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "sha256")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl --json status")) TH_LOG("%s", out);
	EXPECT_EQ('{', out[0]);
	EXPECT_NE(NULL, strstr(out, "\"present\":true")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"abi_version\":1")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl --netlink --json status")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"present\":true")) TH_LOG("%s", out);
}

/* Every selected PCR's sysfs value appears in the output, and no other. */
static void check_pcrs(struct __test_metadata *_metadata, const char *bank,
		       unsigned int mask)
{
	uint8_t v[64];
	char hex[129];
	int i, n;

	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		char *p;

		n = sysfs_pcr(bank, i, v, sizeof(v));
		ASSERT_LT(0, n);
		hex_encode(v, (size_t)n, hex);
		p = strcasestr(out, hex);
		if (mask & (1u << i))
			EXPECT_NE(NULL, p) TH_LOG("%s PCR %d missing", bank, i);
	}
}

TEST(pcr_read_lists_and_ranges)
{
	ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl pcr read 0,2,7 2>&1")) TH_LOG("%s", out);
	check_pcrs(_metadata, "sha256", 0x85);
	ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl pcr read --bank sha1 0-7 2>&1")) TH_LOG("%s", out);
	check_pcrs(_metadata, "sha1", 0xff);
	ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl --json --netlink pcr read --bank sha384 2>&1")) TH_LOG("%s", out);
	check_pcrs(_metadata, "sha384", 0xffffff);
	EXPECT_NE(NULL, strstr(out, "\"bank\":\"sha384\"")) TH_LOG("%s", out);
}

TEST(bad_arguments_exit_2)
{
	EXPECT_EQ(2, run_capture(out, sizeof(out), "kvaultctl pcr read 24 2>&1")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_capture(out, sizeof(out), "kvaultctl pcr read 3-1 2>&1")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_capture(out, sizeof(out), "kvaultctl pcr read --bank md5 0 2>&1")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_capture(out, sizeof(out), "kvaultctl frobnicate 2>&1")) TH_LOG("%s", out);
}

TEST(unallocated_bank_is_a_clear_error)
{
	EXPECT_EQ(1, run_capture(out, sizeof(out), "kvaultctl --netlink pcr read --bank sha3_256 0 2>&1")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not allocated")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
