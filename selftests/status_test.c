// SPDX-License-Identifier: GPL-2.0
/* STATUS on a machine with a TPM 2.0, over both interfaces. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libkvault.h"
#include "test_util.h"

static void get_status(struct __test_metadata *_metadata,
		       enum kvault_transport t, struct kvault_status *st)
{
	struct kvault *kv;

	ASSERT_EQ(0, kvault_open(&kv, t));
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, kvault_status_get(kv, st)) {
		TH_LOG("status: %s", kvault_errmsg(kv));
	}
	kvault_close(kv);
}

TEST(ioctl_and_netlink_agree)
{
	struct kvault_status a, b;
	unsigned int i;

	get_status(_metadata, KVAULT_TRANSPORT_IOCTL, &a);
	get_status(_metadata, KVAULT_TRANSPORT_NETLINK, &b);
	EXPECT_EQ(a.abi_version, b.abi_version);
	EXPECT_EQ(a.tpm_flags, b.tpm_flags);
	EXPECT_EQ(a.tpm_manufacturer, b.tpm_manufacturer);
	EXPECT_EQ(a.tpm_fw_version_1, b.tpm_fw_version_1);
	EXPECT_EQ(a.tpm_fw_version_2, b.tpm_fw_version_2);
	EXPECT_STREQ(a.module_version, b.module_version);
	EXPECT_STREQ(a.tpm_vendor, b.tpm_vendor);
	ASSERT_EQ(a.nr_pcr_banks, b.nr_pcr_banks);
	for (i = 0; i < a.nr_pcr_banks; i++) {
		EXPECT_EQ(a.pcr_banks[i].alg_id, b.pcr_banks[i].alg_id);
		EXPECT_EQ(a.pcr_banks[i].digest_size, b.pcr_banks[i].digest_size);
	}
}

TEST(reports_tpm2_and_banks)
{
	struct kvault_status st;
	int sha256 = 0;
	unsigned int i;

	get_status(_metadata, KVAULT_TRANSPORT_IOCTL, &st);
	EXPECT_EQ(KVAULT_ABI_VERSION, st.abi_version);
	EXPECT_EQ(KVAULT_TPM_PRESENT | KVAULT_TPM_VERSION_2, st.tpm_flags);
	/* swtpm reports IBM as its manufacturer */
	EXPECT_EQ(0x49424d00, st.tpm_manufacturer);
	EXPECT_NE(0, st.tpm_fw_version_1 | st.tpm_fw_version_2);
	EXPECT_NE(0, strlen(st.tpm_vendor));
	/* the harness allocates sha1, sha256, sha384 and sha512 */
	ASSERT_EQ(4, st.nr_pcr_banks);
	for (i = 0; i < st.nr_pcr_banks; i++) {
		const char *name = kvault_bank_name(st.pcr_banks[i].alg_id);

		ASSERT_NE(NULL, name);
		if (st.pcr_banks[i].alg_id == KVAULT_TPM_ALG_SHA256) {
			sha256 = 1;
			EXPECT_EQ(32, st.pcr_banks[i].digest_size);
		}
	}
	EXPECT_EQ(1, sha256);
}

TEST(module_version_matches_modinfo)
{
	struct kvault_status st;
	char ver[64] = "";
	FILE *f;

	get_status(_metadata, KVAULT_TRANSPORT_IOCTL, &st);
	f = fopen("/sys/module/kvault/version", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(ver, sizeof(ver), f));
	fclose(f);
	ver[strcspn(ver, "\n")] = '\0';
	EXPECT_STREQ(ver, st.module_version);
}

TEST_HARNESS_MAIN
