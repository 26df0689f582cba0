// SPDX-License-Identifier: GPL-2.0
/*
 * PCR READ against two independent readers of the same TPM: the kernel's
 * sysfs files and tpm2-tools talking to /dev/tpmrm0.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kcapi.h>

#include "kselftest_harness.h"
#include "libkvault.h"
#include "test_util.h"

#define SHA256_LEN 32

static void read_pcrs(struct __test_metadata *_metadata,
		      enum kvault_transport t, uint16_t bank, uint32_t mask,
		      struct kvault_pcr_values *v)
{
	struct kvault *kv;

	ASSERT_EQ(0, kvault_open(&kv, t));
	memset(v, 0, sizeof(*v));
	ASSERT_EQ(0, kvault_pcr_read(kv, bank, mask, v)) {
		TH_LOG("pcr read: %s", kvault_errmsg(kv));
	}
	kvault_close(kv);
	ASSERT_EQ(mask, v->pcr_mask);
}

TEST(sha256_matches_sysfs)
{
	struct kvault_pcr_values v;
	uint8_t want[64];
	int i;

	read_pcrs(_metadata, KVAULT_TRANSPORT_IOCTL, KVAULT_TPM_ALG_SHA256,
		  KVAULT_PCR_MASK_ALL, &v);
	ASSERT_EQ(SHA256_LEN, v.digest_size);
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		ASSERT_EQ(SHA256_LEN, sysfs_pcr("sha256", i, want, sizeof(want)));
		EXPECT_EQ(0, memcmp(want, v.digest[i], SHA256_LEN)) {
			TH_LOG("PCR %d differs from sysfs", i);
		}
	}
}

TEST(sha256_matches_tpm2_pcrread)
{
	const char *out = "/tmp/kvault-pcrread.bin";
	uint8_t want[KVAULT_PCR_COUNT * SHA256_LEN];
	struct kvault_pcr_values v;
	char log[4096];
	FILE *f;
	int i;

	read_pcrs(_metadata, KVAULT_TRANSPORT_IOCTL, KVAULT_TPM_ALG_SHA256,
		  KVAULT_PCR_MASK_ALL, &v);
	/* tpm2-tools caps one selection at 8 PCRs per command on its own */
	ASSERT_EQ(0, run_capture(log, sizeof(log),
		  "TPM2TOOLS_TCTI=device:/dev/tpmrm0 tpm2_pcrread -o %s "
		  "sha256:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23 2>&1",
		  out)) {
		TH_LOG("tpm2_pcrread: %s", log);
	}
	f = fopen(out, "rb");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(sizeof(want), fread(want, 1, sizeof(want), f));
	fclose(f);
	unlink(out);
	for (i = 0; i < KVAULT_PCR_COUNT; i++)
		EXPECT_EQ(0, memcmp(want + i * SHA256_LEN, v.digest[i], SHA256_LEN)) {
			TH_LOG("PCR %d differs from tpm2_pcrread", i);
		}
}

TEST(every_bank_matches_sysfs_on_both_interfaces)
{
	struct kvault_pcr_values a, b;
	struct kvault_status st;
	struct kvault *kv;
	uint8_t want[64];
	unsigned int n;
	int i;

	ASSERT_EQ(0, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
	ASSERT_EQ(0, kvault_status_get(kv, &st));
	kvault_close(kv);
	ASSERT_LE(2, st.nr_pcr_banks);

	for (n = 0; n < st.nr_pcr_banks; n++) {
		uint16_t alg = st.pcr_banks[n].alg_id;
		const char *name = kvault_bank_name(alg);

		ASSERT_NE(NULL, name);
		read_pcrs(_metadata, KVAULT_TRANSPORT_IOCTL, alg,
			  KVAULT_PCR_MASK_ALL, &a);
		read_pcrs(_metadata, KVAULT_TRANSPORT_NETLINK, alg,
			  KVAULT_PCR_MASK_ALL, &b);
		ASSERT_EQ(st.pcr_banks[n].digest_size, a.digest_size);
		ASSERT_EQ(a.digest_size, b.digest_size);
		for (i = 0; i < KVAULT_PCR_COUNT; i++) {
			ASSERT_EQ(a.digest_size, sysfs_pcr(name, i, want, sizeof(want)));
			EXPECT_EQ(0, memcmp(want, a.digest[i], a.digest_size)) {
				TH_LOG("%s PCR %d: ioctl differs from sysfs", name, i);
			}
			EXPECT_EQ(0, memcmp(want, b.digest[i], b.digest_size)) {
				TH_LOG("%s PCR %d: netlink differs from sysfs", name, i);
			}
		}
	}
}

TEST(sparse_selection_is_packed_in_pcr_order)
{
	uint32_t mask = (1u << 23) | (1u << 0) | (1u << 7) | (1u << 16);
	struct kvault_pcr_read req = { .size = sizeof(req) };
	uint8_t buf[4 * SHA256_LEN], want[64];
	const int pcrs[] = { 0, 7, 16, 23 };
	int fd, i;

	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	req.bank = KVAULT_TPM_ALG_SHA256;
	req.pcr_mask = mask;
	req.digests = (uintptr_t)buf;
	req.digests_len = sizeof(buf);
	ASSERT_EQ(0, ioctl_errno(fd, KVAULT_IOC_PCR_READ, &req));
	EXPECT_EQ(sizeof(req), req.size);
	EXPECT_EQ(SHA256_LEN, req.digest_size);
	EXPECT_EQ(sizeof(buf), req.digests_len);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(SHA256_LEN, sysfs_pcr("sha256", pcrs[i], want, sizeof(want)));
		EXPECT_EQ(0, memcmp(want, buf + i * SHA256_LEN, SHA256_LEN));
	}
	close(fd);
}

TEST(size_query_and_short_buffer)
{
	struct kvault_pcr_read req = { .size = sizeof(req) };
	uint8_t buf[SHA256_LEN];
	int fd;

	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	req.bank = KVAULT_TPM_ALG_SHA256;
	req.pcr_mask = 0xff;
	ASSERT_EQ(0, ioctl_errno(fd, KVAULT_IOC_PCR_READ, &req));
	EXPECT_EQ(SHA256_LEN, req.digest_size);
	EXPECT_EQ(8 * SHA256_LEN, req.digests_len);

	req.digests = (uintptr_t)buf;
	req.digests_len = sizeof(buf);
	EXPECT_EQ(-ENOSPC, ioctl_errno(fd, KVAULT_IOC_PCR_READ, &req));
	EXPECT_EQ(8 * SHA256_LEN, req.digests_len);
	close(fd);
}

TEST(extend_pcr16_is_seen)
{
	struct kvault_pcr_values before, after, nl;
	uint8_t data[SHA256_LEN], concat[2 * SHA256_LEN], want[SHA256_LEN];
	uint8_t sys[64];
	char hex[2 * SHA256_LEN + 1], log[4096];
	FILE *r;

	r = fopen("/dev/urandom", "rb");
	ASSERT_NE(NULL, r);
	ASSERT_EQ(sizeof(data), fread(data, 1, sizeof(data), r));
	fclose(r);
	hex_encode(data, sizeof(data), hex);

	read_pcrs(_metadata, KVAULT_TRANSPORT_IOCTL, KVAULT_TPM_ALG_SHA256,
		  1u << 16, &before);
	ASSERT_EQ(0, run_capture(log, sizeof(log),
		  "TPM2TOOLS_TCTI=device:/dev/tpmrm0 tpm2_pcrextend 16:sha256=%s 2>&1",
		  hex)) {
		TH_LOG("tpm2_pcrextend: %s", log);
	}
	read_pcrs(_metadata, KVAULT_TRANSPORT_IOCTL, KVAULT_TPM_ALG_SHA256,
		  1u << 16, &after);
	read_pcrs(_metadata, KVAULT_TRANSPORT_NETLINK, KVAULT_TPM_ALG_SHA256,
		  1u << 16, &nl);

	/* PCR_new = SHA-256(PCR_old || data), computed independently */
	memcpy(concat, before.digest[16], SHA256_LEN);
	memcpy(concat + SHA256_LEN, data, SHA256_LEN);
	ASSERT_EQ(SHA256_LEN, kcapi_md_sha256(concat, sizeof(concat), want,
					      sizeof(want)));
	EXPECT_NE(0, memcmp(before.digest[16], after.digest[16], SHA256_LEN));
	EXPECT_EQ(0, memcmp(want, after.digest[16], SHA256_LEN));
	EXPECT_EQ(0, memcmp(want, nl.digest[16], SHA256_LEN));
	ASSERT_EQ(SHA256_LEN, sysfs_pcr("sha256", 16, sys, sizeof(sys)));
	EXPECT_EQ(0, memcmp(want, sys, SHA256_LEN));
}

/*
 * kvault passes on the TPM's pcrUpdateCounter. PCR 8 counts (PCRs 16 and
 * 23 are TPMA_PCR_NO_INCREMENT in the PC Client profile, so they do not).
 */
TEST(update_counter_follows_extends)
{
	struct kvault_pcr_values before, after;
	char log[4096];

	read_pcrs(_metadata, KVAULT_TRANSPORT_IOCTL, KVAULT_TPM_ALG_SHA256, 1, &before);
	ASSERT_EQ(0, run_capture(log, sizeof(log),
		  "TPM2TOOLS_TCTI=device:/dev/tpmrm0 tpm2_pcrextend 8:sha256=%064x 2>&1", 1)) {
		TH_LOG("tpm2_pcrextend: %s", log);
	}
	read_pcrs(_metadata, KVAULT_TRANSPORT_NETLINK, KVAULT_TPM_ALG_SHA256, 1, &after);
	EXPECT_EQ(before.update_counter + 1, after.update_counter);
}

TEST_HARNESS_MAIN
