// SPDX-License-Identifier: GPL-2.0
/* The module on a machine without a TPM: it loads, says so, and refuses PCRs. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libkvault.h"
#include "test_util.h"

TEST(no_tpm_registered)
{
	EXPECT_EQ(0, access("/sys/module/kvault", F_OK));
	EXPECT_EQ(-1, access("/sys/class/tpm/tpm0", F_OK));
}

TEST(status_says_no_tpm_on_both_interfaces)
{
	enum kvault_transport t[] = { KVAULT_TRANSPORT_IOCTL, KVAULT_TRANSPORT_NETLINK };
	struct kvault_status st;
	struct kvault *kv;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, kvault_open(&kv, t[i]));
		memset(&st, 0xaa, sizeof(st));
		ASSERT_EQ(0, kvault_status_get(kv, &st));
		kvault_close(kv);
		EXPECT_EQ(KVAULT_ABI_VERSION, st.abi_version);
		EXPECT_EQ(0, st.tpm_flags);
		EXPECT_EQ(0, st.nr_pcr_banks);
		EXPECT_EQ(0, st.tpm_manufacturer);
		EXPECT_STREQ("", st.tpm_vendor);
	}
}

TEST(pcr_read_is_enodev_with_message)
{
	struct kvault_pcr_values v;
	struct kvault *kv;

	ASSERT_EQ(0, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
	EXPECT_EQ(-ENODEV, kvault_pcr_read(kv, KVAULT_TPM_ALG_SHA256, 0xff, &v));
	kvault_close(kv);

	ASSERT_EQ(0, kvault_open(&kv, KVAULT_TRANSPORT_NETLINK));
	EXPECT_EQ(-ENODEV, kvault_pcr_read(kv, KVAULT_TPM_ALG_SHA256, 0xff, &v));
	EXPECT_STREQ("no TPM is present", kvault_errmsg(kv));
	/* input is still validated first */
	EXPECT_EQ(-EINVAL, kvault_pcr_read(kv, KVAULT_TPM_ALG_SHA256, 0, &v));
	kvault_close(kv);
}

TEST(kvaultctl_reports_missing_tpm)
{
	char out[2048];

	EXPECT_EQ(1, run_capture(out, sizeof(out), "kvaultctl status 2>&1"));
	EXPECT_NE(NULL, strstr(out, "no TPM")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(1, run_capture(out, sizeof(out), "kvaultctl pcr read 0-7 2>&1"));
	EXPECT_NE(NULL, strstr(out, "no TPM")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(1, run_capture(out, sizeof(out), "kvaultctl --netlink pcr read 0 2>&1"));
	EXPECT_NE(NULL, strstr(out, "no TPM")) {
		TH_LOG("%s", out);
	}
}

TEST_HARNESS_MAIN
