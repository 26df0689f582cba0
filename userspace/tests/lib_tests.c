// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of libkvault's internals: the ioctl transport against a fake
 * kernel, the checks on netlink replies (status, PCRs, a key's metadata
 * with its crypto API usage), the extended-ACK parser, and
 * request/reply exchanges with the kernel's real generic netlink controller.
 *
 * libkvault.c and keys.c are included here so that their static functions
 * can be reached,
 * with ioctl() renamed to fake_ioctl() below.
 */
#define ioctl fake_ioctl
#include "../lib/libkvault.c"
#include "../lib/keys.c"
#undef ioctl

#include <stdarg.h>
#include <sys/stat.h>
#include <linux/genetlink.h>

#include "kselftest_harness.h"

#define BIT(n)	(1U << (n))

/* ------------------------------------------------------------------ */
/* a fake kvault.ko behind ioctl()                                    */
/* ------------------------------------------------------------------ */

enum fake_mode {
	FAKE_OK,
	FAKE_ERRNO,		/* fail with fake.err */
	FAKE_EINTR_ONCE,	/* EINTR, then OK */
	FAKE_STATUS_SIZE_SMALL,
	FAKE_STATUS_SIZE_BIG,
	FAKE_STATUS_BANKS_17,
	FAKE_STATUS_VERSION_UNTERMINATED,
	FAKE_STATUS_VENDOR_UNTERMINATED,
	FAKE_PCR_DS_ZERO,
	FAKE_PCR_DS_65,
	FAKE_PCR_LEN_SHORT,
	FAKE_PCR_LEN_LONG,
	FAKE_PCR_BANK_CHANGED,
	FAKE_PCR_MASK_CHANGED,
	FAKE_PCR_SIZE_SMALL,
	FAKE_PCR_ENOSPC,
};

static struct {
	enum fake_mode mode;
	int err;
	int calls;
	unsigned long last_request;
	struct kvault_pcr_read last_pcr;	/* as the caller sent it */
} fake;

/* PCR i of a bank, byte j: recognisable and different everywhere */
static uint8_t pcr_byte(uint16_t bank, unsigned int i, unsigned int j)
{
	return (uint8_t)(bank * 7 + i * 16 + j);
}

static unsigned int fake_digest_size(uint16_t bank)
{
	switch (bank) {
	case KVAULT_TPM_ALG_SHA1:	return 20;
	case KVAULT_TPM_ALG_SHA256:	return 32;
	case KVAULT_TPM_ALG_SHA512:	return 64;
	default:			return 0;
	}
}

static int fake_status(struct kvault_status *st)
{
	if (st->size != sizeof(*st) || st->flags || st->reserved0) {
		errno = EINVAL;
		return -1;
	}
	st->abi_version = KVAULT_ABI_VERSION;
	st->tpm_flags = KVAULT_TPM_PRESENT | KVAULT_TPM_VERSION_2;
	st->tpm_manufacturer = 0x49424d00;
	st->tpm_fw_version_1 = 0x20191023;
	st->tpm_fw_version_2 = 0x00163636;
	st->nr_pcr_banks = 2;
	st->pcr_banks[0] = (struct kvault_pcr_bank){ KVAULT_TPM_ALG_SHA1, 20 };
	st->pcr_banks[1] = (struct kvault_pcr_bank){ KVAULT_TPM_ALG_SHA256, 32 };
	strcpy(st->module_version, "0.1.0");
	strcpy(st->tpm_vendor, "SW   TPM");

	switch (fake.mode) {
	case FAKE_STATUS_SIZE_SMALL:
		st->size = KVAULT_STATUS_SIZE_VER0 - 8;
		break;
	case FAKE_STATUS_SIZE_BIG:
		st->size = sizeof(*st) + 8;
		break;
	case FAKE_STATUS_BANKS_17:
		st->nr_pcr_banks = KVAULT_MAX_PCR_BANKS + 1;
		break;
	case FAKE_STATUS_VERSION_UNTERMINATED:
		memset(st->module_version, 'x', sizeof(st->module_version));
		break;
	case FAKE_STATUS_VENDOR_UNTERMINATED:
		memset(st->tpm_vendor, 'x', sizeof(st->tpm_vendor));
		break;
	default:
		break;
	}
	return 0;
}

static int fake_pcr_read(struct kvault_pcr_read *r)
{
	uint8_t *buf = (uint8_t *)(uintptr_t)r->digests;
	unsigned int ds = fake_digest_size(r->bank), i, j;
	uint32_t need;
	size_t off = 0;

	fake.last_pcr = *r;
	if (r->size != sizeof(*r) || r->flags || r->reserved0 || r->reserved1 ||
	    r->reserved[0] || r->reserved[1] || !r->pcr_mask ||
	    (r->pcr_mask & ~KVAULT_PCR_MASK_ALL) || !ds) {
		errno = EINVAL;
		return -1;
	}
	need = ds * (uint32_t)__builtin_popcount(r->pcr_mask);
	r->digest_size = (uint16_t)ds;
	r->digests_len = need;
	r->update_counter = 1234;
	if (fake.mode == FAKE_PCR_ENOSPC) {
		errno = ENOSPC;
		return -1;
	}
	if (!r->digests)
		return 0;
	if (r->digests_len < need) {
		errno = ENOSPC;
		return -1;
	}
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(r->pcr_mask & BIT(i)))
			continue;
		for (j = 0; j < ds; j++)
			buf[off + j] = pcr_byte(r->bank, i, j);
		off += ds;
	}

	switch (fake.mode) {
	case FAKE_PCR_DS_ZERO:
		r->digest_size = 0;
		break;
	case FAKE_PCR_DS_65:
		r->digest_size = 65;
		r->digests_len = 65 * (uint32_t)__builtin_popcount(r->pcr_mask);
		break;
	case FAKE_PCR_LEN_SHORT:
		r->digests_len -= 1;
		break;
	case FAKE_PCR_LEN_LONG:
		r->digests_len += ds;
		break;
	case FAKE_PCR_BANK_CHANGED:
		r->bank = KVAULT_TPM_ALG_SHA1;
		break;
	case FAKE_PCR_MASK_CHANGED:
		r->pcr_mask |= BIT(23);
		break;
	case FAKE_PCR_SIZE_SMALL:
		r->size = KVAULT_PCR_READ_SIZE_VER0 - 1;
		break;
	default:
		break;
	}
	return 0;
}

int fake_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	fake.calls++;
	fake.last_request = request;
	if (fake.mode == FAKE_ERRNO) {
		errno = fake.err;
		return -1;
	}
	if (fake.mode == FAKE_EINTR_ONCE && fake.calls == 1) {
		errno = EINTR;
		return -1;
	}
	switch (request) {
	case KVAULT_IOC_STATUS:
		return fake_status(arg);
	case KVAULT_IOC_PCR_READ:
		return fake_pcr_read(arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* A handle on /dev/null: opens like a device; ioctl() is the fake. */
FIXTURE(ioctl) {
	struct kvault *kv;
};

FIXTURE_SETUP(ioctl)
{
	memset(&fake, 0, sizeof(fake));
	setenv("KVAULT_DEVICE", "/dev/null", 1);
	ASSERT_EQ(0, kvault_open(&self->kv, KVAULT_TRANSPORT_IOCTL));
	ASSERT_NE(NULL, self->kv);
	ASSERT_LE(0, self->kv->fd);
}

FIXTURE_TEARDOWN(ioctl)
{
	kvault_close(self->kv);
}

TEST_F(ioctl, status)
{
	struct kvault_status st;

	memset(&st, 0xa5, sizeof(st));
	ASSERT_EQ(0, kvault_status_get(self->kv, &st));
	EXPECT_EQ(1, fake.calls);
	EXPECT_EQ(KVAULT_IOC_STATUS, fake.last_request);
	EXPECT_EQ(sizeof(st), st.size);
	EXPECT_EQ(0, st.flags);
	EXPECT_EQ(KVAULT_ABI_VERSION, st.abi_version);
	EXPECT_EQ(KVAULT_TPM_PRESENT | KVAULT_TPM_VERSION_2, st.tpm_flags);
	EXPECT_EQ(0x49424d00, st.tpm_manufacturer);
	EXPECT_EQ(0x20191023, st.tpm_fw_version_1);
	EXPECT_EQ(0x00163636, st.tpm_fw_version_2);
	EXPECT_EQ(2, st.nr_pcr_banks);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, st.pcr_banks[1].alg_id);
	EXPECT_EQ(32, st.pcr_banks[1].digest_size);
	EXPECT_EQ(0, st.pcr_banks[2].alg_id);
	EXPECT_STREQ("0.1.0", st.module_version);
	EXPECT_STREQ("SW   TPM", st.tpm_vendor);
	EXPECT_EQ(0, st.reserved[3]);
	EXPECT_STREQ("", kvault_errmsg(self->kv));
}

TEST_F(ioctl, status_malformed_replies)
{
	static const enum fake_mode modes[] = {
		FAKE_STATUS_SIZE_SMALL, FAKE_STATUS_SIZE_BIG, FAKE_STATUS_BANKS_17,
		FAKE_STATUS_VERSION_UNTERMINATED, FAKE_STATUS_VENDOR_UNTERMINATED,
	};
	static const struct kvault_status zero;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct kvault_status st;

		fake.mode = modes[i];
		memset(&st, 0xa5, sizeof(st));
		EXPECT_EQ(-EPROTO, kvault_status_get(self->kv, &st))
			TH_LOG("mode %d", modes[i]);
		EXPECT_EQ(0, memcmp(&st, &zero, sizeof(st)));
	}
}

TEST_F(ioctl, errors_pass_through)
{
	struct kvault_status st;
	struct kvault_pcr_values v;

	fake.mode = FAKE_ERRNO;
	fake.err = ENOTTY;
	EXPECT_EQ(-ENOTTY, kvault_status_get(self->kv, &st));
	fake.err = ENODEV;
	EXPECT_EQ(-ENODEV, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256, 1, &v));
	fake.err = EIO;
	EXPECT_EQ(-EIO, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256, 1, &v));
	EXPECT_STREQ("", kvault_errmsg(self->kv));
}

TEST_F(ioctl, eintr_is_retried)
{
	struct kvault_status st;

	fake.mode = FAKE_EINTR_ONCE;
	EXPECT_EQ(0, kvault_status_get(self->kv, &st));
	EXPECT_EQ(2, fake.calls);
}

static void expect_digests(struct __test_metadata *_metadata,
			   const struct kvault_pcr_values *v, uint16_t bank,
			   unsigned int ds, uint32_t mask)
{
	unsigned int i, j;

	EXPECT_EQ(bank, v->bank);
	EXPECT_EQ(ds, v->digest_size);
	EXPECT_EQ(mask, v->pcr_mask);
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		for (j = 0; j < KVAULT_MAX_DIGEST_SIZE; j++) {
			uint8_t want = ((mask & BIT(i)) && j < ds) ?
				pcr_byte(bank, i, j) : 0;

			if (v->digest[i][j] != want) {
				EXPECT_EQ(want, v->digest[i][j])
					TH_LOG("PCR %u byte %u", i, j);
				return;
			}
		}
	}
}

TEST_F(ioctl, pcr_read_unpacks)
{
	static const struct {
		uint16_t bank;
		unsigned int ds;
		uint32_t mask;
	} cases[] = {
		{ KVAULT_TPM_ALG_SHA256, 32, BIT(0) | BIT(7) | BIT(16) | BIT(23) },
		{ KVAULT_TPM_ALG_SHA256, 32, KVAULT_PCR_MASK_ALL },
		{ KVAULT_TPM_ALG_SHA1, 20, KVAULT_PCR_MASK_ALL },
		{ KVAULT_TPM_ALG_SHA1, 20, BIT(23) },
		{ KVAULT_TPM_ALG_SHA512, 64, KVAULT_PCR_MASK_ALL },
		{ KVAULT_TPM_ALG_SHA512, 64, BIT(0) | BIT(1) },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kvault_pcr_values v;

		memset(&v, 0xa5, sizeof(v));
		fake.calls = 0;
		ASSERT_EQ(0, kvault_pcr_read(self->kv, cases[i].bank,
					     cases[i].mask, &v));
		EXPECT_EQ(1, fake.calls);
		EXPECT_EQ(KVAULT_IOC_PCR_READ, fake.last_request);
		/* one call, with room for the largest digest of each PCR */
		EXPECT_NE(0, fake.last_pcr.digests);
		EXPECT_EQ(KVAULT_MAX_DIGEST_SIZE *
			  (unsigned int)__builtin_popcount(cases[i].mask),
			  fake.last_pcr.digests_len);
		EXPECT_EQ(sizeof(struct kvault_pcr_read), fake.last_pcr.size);
		EXPECT_EQ(1234, v.update_counter);
		expect_digests(_metadata, &v, cases[i].bank, cases[i].ds,
			       cases[i].mask);
	}
}

TEST_F(ioctl, pcr_read_bad_mask_never_reaches_kernel)
{
	struct kvault_pcr_values v;

	EXPECT_EQ(-EINVAL, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256, 0, &v));
	EXPECT_EQ(-EINVAL, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256, BIT(24), &v));
	EXPECT_EQ(-EINVAL, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256, 0xffffffff, &v));
	EXPECT_EQ(-EINVAL, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256, 1, NULL));
	EXPECT_EQ(0, fake.calls);
	/* an unknown bank is for the kernel to refuse */
	EXPECT_EQ(-EINVAL, kvault_pcr_read(self->kv, 0x1234, 1, &v));
	EXPECT_EQ(1, fake.calls);
}

TEST_F(ioctl, pcr_read_malformed_replies)
{
	static const enum fake_mode modes[] = {
		FAKE_PCR_DS_ZERO, FAKE_PCR_DS_65, FAKE_PCR_LEN_SHORT,
		FAKE_PCR_LEN_LONG, FAKE_PCR_BANK_CHANGED, FAKE_PCR_MASK_CHANGED,
		FAKE_PCR_SIZE_SMALL, FAKE_PCR_ENOSPC,
	};
	static const struct kvault_pcr_values zero;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct kvault_pcr_values v;

		fake.mode = modes[i];
		memset(&v, 0xa5, sizeof(v));
		EXPECT_EQ(-EPROTO, kvault_pcr_read(self->kv, KVAULT_TPM_ALG_SHA256,
						   BIT(3) | BIT(4), &v))
			TH_LOG("mode %d", modes[i]);
		EXPECT_EQ(0, memcmp(&v, &zero, sizeof(v)));
	}
}

/* ------------------------------------------------------------------ */
/* opening and the public edges                                       */
/* ------------------------------------------------------------------ */

TEST(open_arguments)
{
	struct kvault *kv = (struct kvault *)&kv;

	EXPECT_EQ(-EINVAL, kvault_open(NULL, KVAULT_TRANSPORT_IOCTL));
	EXPECT_EQ(-EINVAL, kvault_open(&kv, (enum kvault_transport)7));
	EXPECT_EQ(NULL, kv);
	kvault_close(NULL);
	EXPECT_STREQ("", kvault_errmsg(NULL));
	EXPECT_EQ(-EINVAL, kvault_status_get(NULL, &(struct kvault_status){ 0 }));
	EXPECT_EQ(-EINVAL, kvault_pcr_read(NULL, 11, 1, &(struct kvault_pcr_values){ 0 }));
}

TEST(open_missing_device)
{
	struct kvault *kv = (struct kvault *)&kv;

	setenv("KVAULT_DEVICE", "/nonexistent/kvault", 1);
	EXPECT_EQ(-ENOENT, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
	EXPECT_EQ(NULL, kv);
	setenv("KVAULT_DEVICE", "/proc/self/nonexistent", 1);
	EXPECT_EQ(-ENOENT, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
	/* a directory cannot be opened read-write */
	setenv("KVAULT_DEVICE", "/", 1);
	EXPECT_EQ(-EISDIR, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
}

TEST(open_default_device)
{
	struct kvault *kv;
	struct stat sb;

	if (!stat(KVAULT_DEFAULT_DEVICE, &sb))
		SKIP(return, "%s exists here", KVAULT_DEFAULT_DEVICE);
	EXPECT_STREQ("/dev/kvault", KVAULT_DEFAULT_DEVICE);
	unsetenv("KVAULT_DEVICE");
	EXPECT_EQ(-ENOENT, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
	setenv("KVAULT_DEVICE", "", 1);
	EXPECT_EQ(-ENOENT, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
}

TEST(open_sets_cloexec)
{
	struct kvault *kv;

	setenv("KVAULT_DEVICE", "/dev/null", 1);
	ASSERT_EQ(0, kvault_open(&kv, KVAULT_TRANSPORT_IOCTL));
	EXPECT_EQ(FD_CLOEXEC, fcntl(kv->fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(kv->fd, F_GETFL) & O_ACCMODE);
	kvault_close(kv);
}

TEST(open_netlink_family_missing)
{
	struct kvault *kv = (struct kvault *)&kv;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int ret;

	if (fd < 0)
		SKIP(return, "no generic netlink here");
	close(fd);
	ret = kvault_open(&kv, KVAULT_TRANSPORT_NETLINK);
	if (ret == 0) {
		kvault_close(kv);
		SKIP(return, "a kvault netlink family exists here");
	}
	EXPECT_EQ(-ENOENT, ret);
	EXPECT_EQ(NULL, kv);
}

TEST(errmsg_is_sanitised_and_bounded)
{
	struct kvault kv = { .fd = -1 };
	char longmsg[600];

	errmsg_set(&kv, "bad\nbank\x7f\x1b[0m", 13);
	EXPECT_STREQ("bad?bank??[0m", kvault_errmsg(&kv));
	errmsg_set(&kv, "abc\0def", 7);
	EXPECT_STREQ("abc", kvault_errmsg(&kv));
	errmsg_set(&kv, "abcdef", 3);
	EXPECT_STREQ("abc", kvault_errmsg(&kv));
	memset(longmsg, 'm', sizeof(longmsg));
	errmsg_set(&kv, longmsg, sizeof(longmsg));
	EXPECT_EQ(KVAULT_ERRMSG_LEN - 1, strlen(kvault_errmsg(&kv)));
	errmsg_clear(&kv);
	EXPECT_STREQ("", kvault_errmsg(&kv));
}

TEST(nle_mapping)
{
	EXPECT_EQ(-ENOENT, nle_to_errno(-NLE_OBJ_NOTFOUND));
	EXPECT_EQ(-ENOENT, nle_to_errno(NLE_OBJ_NOTFOUND));
	EXPECT_EQ(-EPERM, nle_to_errno(-NLE_PERM));
	EXPECT_EQ(-EACCES, nle_to_errno(-NLE_NOACCESS));
	EXPECT_EQ(-ENOMEM, nle_to_errno(-NLE_NOMEM));
	EXPECT_EQ(-EPROTO, nle_to_errno(-NLE_SEQ_MISMATCH));
	EXPECT_EQ(-EIO, nle_to_errno(-NLE_FAILURE));
	EXPECT_EQ(0, nle_to_errno(0));
}

/* ------------------------------------------------------------------ */
/* netlink replies                                                    */
/* ------------------------------------------------------------------ */

/* A genl reply being built; parse it with one of the genl_parse_*(). */
static struct nl_msg *reply_new(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	if (m && !genlmsg_put(m, 0, 0, 0x20, 0, 0, cmd, KVAULT_GENL_VERSION)) {
		nlmsg_free(m);
		m = NULL;
	}
	return m;
}

static int reply_parse(struct nl_msg *m,
		       int (*parse)(const struct nlattr *, int, void *),
		       void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));
	int ret = parse(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), arg);

	nlmsg_free(m);
	return ret;
}

enum status_defect {
	ST_GOOD,
	ST_NO_ABI,
	ST_NO_MODULE_VERSION,
	ST_NO_TPM_FLAGS,
	ST_ABI_SHORT,
	ST_FLAGS_LONG,
	ST_VERSION_UNTERMINATED,
	ST_VERSION_TOO_LONG,
	ST_VENDOR_TOO_LONG,
	ST_FW_SHORT,
	ST_DUPLICATE_FLAGS,
	ST_17_BANKS,
	ST_BANK_NO_SIZE,
	ST_BANK_WRONG_TYPE,
	ST_BANK_SIZE_LONG,
	ST_GARBAGE_IN_BANKS,
	ST_NO_TPM,		/* valid: flags 0 and nothing else */
	ST_UNKNOWN_ATTR,	/* valid: a newer kernel's extra attribute */
	ST_MAX,
};

static struct nl_msg *status_reply(enum status_defect d)
{
	struct nl_msg *m = reply_new(KVAULT_CMD_STATUS);
	struct nlattr *banks, *b;
	int i, nbanks = d == ST_17_BANKS ? 17 : 4;
	static const uint16_t ids[] = { 4, 11, 12, 13 }, sizes[] = { 20, 32, 48, 64 };

	if (!m)
		return NULL;
	if (d == ST_ABI_SHORT)
		nla_put_u16(m, KVAULT_A_ABI_VERSION, 1);
	else if (d != ST_NO_ABI)
		nla_put_u32(m, KVAULT_A_ABI_VERSION, 1);
	if (d == ST_VERSION_UNTERMINATED)
		nla_put(m, KVAULT_A_MODULE_VERSION, 5, "0.1.0");
	else if (d == ST_VERSION_TOO_LONG)
		nla_put_string(m, KVAULT_A_MODULE_VERSION,
			       "0123456789012345678901234567890123456789");
	else if (d != ST_NO_MODULE_VERSION)
		nla_put_string(m, KVAULT_A_MODULE_VERSION, "0.1.0");
	if (d == ST_FLAGS_LONG)
		nla_put_u64(m, KVAULT_A_TPM_FLAGS, 3);
	else if (d == ST_NO_TPM)
		nla_put_u32(m, KVAULT_A_TPM_FLAGS, 0);
	else if (d != ST_NO_TPM_FLAGS)
		nla_put_u32(m, KVAULT_A_TPM_FLAGS, 3);
	if (d == ST_DUPLICATE_FLAGS)
		nla_put_u32(m, KVAULT_A_TPM_FLAGS, 3);
	if (d == ST_UNKNOWN_ATTR)
		nla_put_u32(m, KVAULT_A_MAX + 5, 0xdead);
	if (d == ST_NO_TPM)
		return m;

	nla_put_u32(m, KVAULT_A_TPM_MANUFACTURER, 0x49424d00);
	if (d == ST_VENDOR_TOO_LONG)
		nla_put_string(m, KVAULT_A_TPM_VENDOR, "01234567890123456789");
	else
		nla_put_string(m, KVAULT_A_TPM_VENDOR, "SW   TPM");
	if (d == ST_FW_SHORT)
		nla_put_u32(m, KVAULT_A_TPM_FW_VERSION, 0x20191023);
	else
		nla_put_u64(m, KVAULT_A_TPM_FW_VERSION, 0x2019102300163636ULL);

	banks = nla_nest_start(m, KVAULT_A_PCR_BANKS);
	for (i = 0; i < nbanks; i++) {
		b = nla_nest_start(m, d == ST_BANK_WRONG_TYPE && i == 2 ?
				   KVAULT_A_PCR_VALUE : KVAULT_A_PCR_BANK_INFO);
		nla_put_u16(m, KVAULT_A_PCR_BANK, ids[i % 4]);
		if (d == ST_BANK_SIZE_LONG && i == 1)
			nla_put_u32(m, KVAULT_A_PCR_DIGEST_SIZE, sizes[i % 4]);
		else if (!(d == ST_BANK_NO_SIZE && i == 3))
			nla_put_u16(m, KVAULT_A_PCR_DIGEST_SIZE, sizes[i % 4]);
		nla_nest_end(m, b);
	}
	if (d == ST_GARBAGE_IN_BANKS) {
		/* two bytes that are not an attribute, inside the nest */
		void *p = nlmsg_reserve(m, 2, 1);

		if (p)
			memset(p, 0xee, 2);
	}
	nla_nest_end(m, banks);
	return m;
}

TEST(genl_status_matches_ioctl_layout)
{
	struct kvault_status st, want;
	struct nl_msg *m = status_reply(ST_GOOD);

	ASSERT_NE(NULL, m);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, reply_parse(m, genl_parse_status, &st));

	memset(&want, 0, sizeof(want));
	want.size = sizeof(want);
	want.abi_version = 1;
	want.tpm_flags = 3;
	want.tpm_manufacturer = 0x49424d00;
	want.tpm_fw_version_1 = 0x20191023;
	want.tpm_fw_version_2 = 0x00163636;
	want.nr_pcr_banks = 4;
	want.pcr_banks[0] = (struct kvault_pcr_bank){ 4, 20 };
	want.pcr_banks[1] = (struct kvault_pcr_bank){ 11, 32 };
	want.pcr_banks[2] = (struct kvault_pcr_bank){ 12, 48 };
	want.pcr_banks[3] = (struct kvault_pcr_bank){ 13, 64 };
	strcpy(want.module_version, "0.1.0");
	strcpy(want.tpm_vendor, "SW   TPM");
	EXPECT_EQ(0, memcmp(&want, &st, sizeof(st)));
	EXPECT_EQ(0x20191023, st.tpm_fw_version_1);
	EXPECT_EQ(0x00163636, st.tpm_fw_version_2);
	EXPECT_STREQ("SW   TPM", st.tpm_vendor);
}

TEST(genl_status_no_tpm_and_unknown_attrs)
{
	struct kvault_status st;

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, reply_parse(status_reply(ST_NO_TPM), genl_parse_status, &st));
	EXPECT_EQ(0, st.tpm_flags);
	EXPECT_EQ(0, st.nr_pcr_banks);
	EXPECT_EQ(0, st.tpm_manufacturer);
	EXPECT_STREQ("", st.tpm_vendor);
	EXPECT_STREQ("0.1.0", st.module_version);

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, reply_parse(status_reply(ST_UNKNOWN_ATTR), genl_parse_status, &st));
	EXPECT_EQ(4, st.nr_pcr_banks);
}

TEST(genl_status_malformed)
{
	int d;

	for (d = ST_NO_ABI; d < ST_NO_TPM; d++) {
		struct kvault_status st;
		struct nl_msg *m = status_reply(d);

		ASSERT_NE(NULL, m);
		memset(&st, 0, sizeof(st));
		EXPECT_EQ(-EPROTO, reply_parse(m, genl_parse_status, &st))
			TH_LOG("defect %d accepted", d);
	}
}

enum pcr_defect {
	PV_GOOD,
	PV_NO_BANK,
	PV_BANK_OTHER,
	PV_NO_MASK,
	PV_MASK_OTHER,
	PV_NO_DIGEST_SIZE,
	PV_DIGEST_SIZE_0,
	PV_DIGEST_SIZE_65,
	PV_NO_COUNTER,
	PV_NO_VALUES,
	PV_DESCENDING,
	PV_DUPLICATE,
	PV_INDEX_24,
	PV_INDEX_NOT_ASKED,
	PV_MISSING_ONE,
	PV_DIGEST_SHORT,
	PV_DIGEST_LONG,
	PV_NO_DIGEST,
	PV_NO_INDEX,
	PV_INDEX_U16,
	PV_WRONG_NEST_TYPE,
	PV_MAX,
};

#define PV_BANK	KVAULT_TPM_ALG_SHA256
#define PV_DS	32
#define PV_MASK	(BIT(0) | BIT(7) | BIT(23))

static void put_value(struct nl_msg *m, int type, uint32_t idx, size_t len,
		      bool index_u16, bool no_index, bool no_digest)
{
	uint8_t d[KVAULT_MAX_DIGEST_SIZE + 8];
	struct nlattr *v = nla_nest_start(m, type);
	size_t j;

	for (j = 0; j < sizeof(d); j++)
		d[j] = pcr_byte(PV_BANK, idx, (unsigned int)j);
	if (index_u16)
		nla_put_u16(m, KVAULT_A_PCR_INDEX, (uint16_t)idx);
	else if (!no_index)
		nla_put_u32(m, KVAULT_A_PCR_INDEX, idx);
	if (!no_digest)
		nla_put(m, KVAULT_A_PCR_DIGEST, (int)len, d);
	nla_nest_end(m, v);
}

static struct nl_msg *pcr_reply(enum pcr_defect d)
{
	struct nl_msg *m = reply_new(KVAULT_CMD_PCR_READ);
	uint32_t order[4] = { 0, 7, 23 };
	int n = 3, i;
	struct nlattr *values;

	if (!m)
		return NULL;
	if (d == PV_BANK_OTHER)
		nla_put_u16(m, KVAULT_A_PCR_BANK, KVAULT_TPM_ALG_SHA1);
	else if (d != PV_NO_BANK)
		nla_put_u16(m, KVAULT_A_PCR_BANK, PV_BANK);
	if (d == PV_MASK_OTHER)
		nla_put_u32(m, KVAULT_A_PCR_MASK, PV_MASK | BIT(1));
	else if (d != PV_NO_MASK)
		nla_put_u32(m, KVAULT_A_PCR_MASK, PV_MASK);
	if (d == PV_DIGEST_SIZE_0)
		nla_put_u16(m, KVAULT_A_PCR_DIGEST_SIZE, 0);
	else if (d == PV_DIGEST_SIZE_65)
		nla_put_u16(m, KVAULT_A_PCR_DIGEST_SIZE, 65);
	else if (d != PV_NO_DIGEST_SIZE)
		nla_put_u16(m, KVAULT_A_PCR_DIGEST_SIZE, PV_DS);
	if (d != PV_NO_COUNTER)
		nla_put_u32(m, KVAULT_A_PCR_UPDATE_COUNTER, 77);
	if (d == PV_NO_VALUES)
		return m;

	switch (d) {
	case PV_DESCENDING:
		order[0] = 7; order[1] = 0;
		break;
	case PV_DUPLICATE:
		order[3] = 23; n = 4;
		break;
	case PV_INDEX_24:
		order[3] = 24; n = 4;
		break;
	case PV_INDEX_NOT_ASKED:
		order[1] = 5;
		break;
	case PV_MISSING_ONE:
		n = 2;
		break;
	default:
		break;
	}
	values = nla_nest_start(m, KVAULT_A_PCR_VALUES);
	for (i = 0; i < n; i++) {
		size_t len = PV_DS;

		if (i == 1 && d == PV_DIGEST_SHORT)
			len = PV_DS - 1;
		if (i == 1 && d == PV_DIGEST_LONG)
			len = PV_DS + 1;
		put_value(m, (i == 2 && d == PV_WRONG_NEST_TYPE) ?
			  KVAULT_A_PCR_BANK_INFO : KVAULT_A_PCR_VALUE,
			  order[i], len, i == 0 && d == PV_INDEX_U16,
			  i == 2 && d == PV_NO_INDEX, i == 2 && d == PV_NO_DIGEST);
	}
	nla_nest_end(m, values);
	return m;
}

TEST(genl_pcr_reply)
{
	struct kvault_pcr_values v;
	struct genl_pcr_ctx ctx = { PV_BANK, PV_MASK, &v };
	unsigned int i, j;

	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, reply_parse(pcr_reply(PV_GOOD), genl_parse_pcr, &ctx));
	EXPECT_EQ(PV_BANK, v.bank);
	EXPECT_EQ(PV_DS, v.digest_size);
	EXPECT_EQ(PV_MASK, v.pcr_mask);
	EXPECT_EQ(77, v.update_counter);
	for (i = 0; i < KVAULT_PCR_COUNT; i++)
		for (j = 0; j < KVAULT_MAX_DIGEST_SIZE; j++) {
			uint8_t want = ((PV_MASK & BIT(i)) && j < PV_DS) ?
				pcr_byte(PV_BANK, i, j) : 0;

			ASSERT_EQ(want, v.digest[i][j]) TH_LOG("PCR %u byte %u", i, j);
		}
}

TEST(genl_pcr_reply_malformed)
{
	int d;

	for (d = PV_NO_BANK; d < PV_MAX; d++) {
		struct kvault_pcr_values v;
		struct genl_pcr_ctx ctx = { PV_BANK, PV_MASK, &v };
		struct nl_msg *m = pcr_reply(d);

		ASSERT_NE(NULL, m);
		memset(&v, 0, sizeof(v));
		EXPECT_EQ(-EPROTO, reply_parse(m, genl_parse_pcr, &ctx))
			TH_LOG("defect %d accepted", d);
	}
}

/* ------------------------------------------------------------------ */
/* extended ACK                                                       */
/* ------------------------------------------------------------------ */

/*
 * NLA_ALIGN() and NLA_HDRLEN of <linux/netlink.h> in size_t: the uapi macros
 * mask with the negative int ~(NLA_ALIGNTO - 1), which -Wconversion flags.
 */
static size_t nla_align_size(size_t len)
{
	return (len + NLA_ALIGNTO - 1) & ~(size_t)(NLA_ALIGNTO - 1);
}
#define NLA_HDRLEN_SIZE nla_align_size(sizeof(struct nlattr))

/*
 * An NLMSG_ERROR for a request of @req_payload bytes, as the kernel builds
 * it: the request itself unless @capped, then the TLVs.
 */
static size_t build_error(uint8_t *buf, size_t size, int error, bool capped,
			  size_t req_payload, const char *msg, bool tlvs)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off;
	struct nlattr *a;

	memset(buf, 0, size);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0);
	e->error = error;
	e->msg.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + req_payload);
	e->msg.nlmsg_type = 0x20;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!capped) {
		memset(buf + off, 0x77, req_payload);	/* the request's body */
		off += NLMSG_ALIGN(req_payload);
	}
	/* an attribute before the message, as the kernel may send */
	a = (struct nlattr *)(buf + off);
	a->nla_type = NLMSGERR_ATTR_OFFS;
	a->nla_len = (uint16_t)(NLA_HDRLEN_SIZE + 4);
	off += nla_align_size(a->nla_len);
	if (msg) {
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN_SIZE + strlen(msg) + 1);
		memcpy(buf + off + NLA_HDRLEN_SIZE, msg, strlen(msg) + 1);
		off += nla_align_size(a->nla_len);
	}
	nlh->nlmsg_len = (uint32_t)off;
	return off;
}

static char *extack(const uint8_t *buf, char *out, size_t outlen)
{
	const char *msg;
	size_t len;

	if (genl_extack_msg((const struct nlmsghdr *)buf, &msg, &len))
		return NULL;
	snprintf(out, outlen, "%.*s", (int)len, msg);
	return out;
}

TEST(extack_layouts)
{
	static const size_t payloads[] = { 4, 8, 10, 13, 64 };
	uint8_t buf[512];
	char out[128];
	size_t i;

	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		build_error(buf, sizeof(buf), -EINVAL, false, payloads[i],
			    "PCR bank not allocated", true);
		ASSERT_NE(NULL, extack(buf, out, sizeof(out)))
			TH_LOG("uncapped, payload %zu", payloads[i]);
		EXPECT_STREQ("PCR bank not allocated", out);

		build_error(buf, sizeof(buf), -EINVAL, true, payloads[i],
			    "PCR bank not allocated", true);
		ASSERT_NE(NULL, extack(buf, out, sizeof(out)))
			TH_LOG("capped, payload %zu", payloads[i]);
		EXPECT_STREQ("PCR bank not allocated", out);
	}
}

TEST(extack_absent_or_broken)
{
	uint8_t buf[512];
	char out[128];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t len;

	/* no NLM_F_ACK_TLVS */
	build_error(buf, sizeof(buf), -EINVAL, false, 8, "msg", false);
	EXPECT_EQ(NULL, extack(buf, out, sizeof(out)));
	/* TLVs, but no message among them */
	build_error(buf, sizeof(buf), -EINVAL, true, 8, NULL, true);
	EXPECT_EQ(NULL, extack(buf, out, sizeof(out)));
	/* the echoed request claims to be longer than the whole message */
	build_error(buf, sizeof(buf), -EINVAL, false, 8, "msg", true);
	e->msg.nlmsg_len = 0xfffffff0;
	EXPECT_EQ(NULL, extack(buf, out, sizeof(out)));
	e->msg.nlmsg_len = 3;		/* shorter than a header */
	EXPECT_EQ(NULL, extack(buf, out, sizeof(out)));
	/* the message attribute runs past the end */
	len = build_error(buf, sizeof(buf), -EINVAL, true, 8, "a message", true);
	nlh->nlmsg_len = (uint32_t)(len - 4);
	EXPECT_EQ(NULL, extack(buf, out, sizeof(out)));
	/* too short to hold a struct nlmsgerr */
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	EXPECT_EQ(NULL, extack(buf, out, sizeof(out)));
}

TEST(err_cb_records_errno_and_message)
{
	struct kvault kv = { .fd = -1 };
	struct genl_txn t = { .kv = &kv };
	uint8_t buf[512];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	build_error(buf, sizeof(buf), -ENODEV, false, 12, "no TPM\tchip", true);
	EXPECT_EQ(NL_STOP, genl_err_cb(NULL, NLMSG_DATA(nlh), &t));
	EXPECT_TRUE(t.done);
	EXPECT_EQ(-ENODEV, t.err);
	EXPECT_STREQ("no TPM?chip", kvault_errmsg(&kv));

	/* a positive or absurd error is not an errno */
	memset(&t, 0, sizeof(t));
	t.kv = &kv;
	errmsg_clear(&kv);
	build_error(buf, sizeof(buf), -100000, true, 0, NULL, false);
	EXPECT_EQ(NL_STOP, genl_err_cb(NULL, NLMSG_DATA(nlh), &t));
	EXPECT_EQ(-EPROTO, t.err);
	EXPECT_STREQ("", kvault_errmsg(&kv));
}

/* ------------------------------------------------------------------ */
/* exchanges with the kernel's generic netlink controller             */
/* ------------------------------------------------------------------ */

/*
 * genl_transact() is the same for every family, so point a handle at
 * "nlctrl", which every kernel has, and ask it real questions.
 */
FIXTURE(nlctrl) {
	struct kvault *kv;
};

FIXTURE_SETUP(nlctrl)
{
	int one = 1;

	self->kv = calloc(1, sizeof(*self->kv));
	ASSERT_NE(NULL, self->kv);
	self->kv->fd = -1;
	self->kv->transport = KVAULT_TRANSPORT_NETLINK;
	self->kv->sk = nl_socket_alloc();
	ASSERT_NE(NULL, self->kv->sk);
	if (genl_connect(self->kv->sk) < 0)
		SKIP(return, "no generic netlink here");
	ASSERT_EQ(0, setsockopt(nl_socket_get_fd(self->kv->sk), SOL_NETLINK,
				NETLINK_EXT_ACK, &one, sizeof(one)));
	self->kv->family = GENL_ID_CTRL;
}

FIXTURE_TEARDOWN(nlctrl)
{
	kvault_close(self->kv);
}

struct family_info {
	uint16_t id;
	char name[GENL_NAMSIZ];
};

static int parse_family(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_info *fi = arg;
	const struct nlattr *nla;
	int rem = len;

	memset(tb, 0, sizeof(tb));
	for (nla = attrs; nla_ok(nla, rem); nla = nla_next(nla, &rem))
		if (nla_type(nla) <= CTRL_ATTR_MAX)
			tb[nla_type(nla)] = nla;
	if (attr_u16(tb[CTRL_ATTR_FAMILY_ID], &fi->id) ||
	    attr_str(tb[CTRL_ATTR_FAMILY_NAME], fi->name, sizeof(fi->name)))
		return -EPROTO;
	return 0;
}

static int parse_reject(const struct nlattr *attrs, int len, void *arg)
{
	(void)attrs;
	(void)len;
	(void)arg;
	return -EPROTO;
}

static struct nl_msg *getfamily(const char *name, int extra_attr)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			       CTRL_CMD_GETFAMILY, 1))
		return NULL;
	if (name)
		nla_put_string(m, CTRL_ATTR_FAMILY_NAME, name);
	if (extra_attr)
		nla_put_u32(m, extra_attr, 0);
	return m;
}

TEST_F(nlctrl, reply_then_ack)
{
	struct family_info fi;
	int i;

	/* several in a row: the socket must stay in step */
	for (i = 0; i < 3; i++) {
		memset(&fi, 0, sizeof(fi));
		ASSERT_EQ(0, genl_transact(self->kv, getfamily("nlctrl", 0),
					   parse_family, &fi));
		EXPECT_EQ(GENL_ID_CTRL, fi.id);
		EXPECT_STREQ("nlctrl", fi.name);
	}
}

TEST_F(nlctrl, kernel_errno)
{
	struct family_info fi;

	EXPECT_EQ(-ENOENT, genl_transact(self->kv, getfamily("kvault-nosuch", 0),
					 parse_family, &fi));
	EXPECT_STREQ("", self->kv->errmsg);
	/* and the next exchange still works */
	ASSERT_EQ(0, genl_transact(self->kv, getfamily("nlctrl", 0),
				   parse_family, &fi));
}

TEST_F(nlctrl, kernel_extack_message)
{
	struct family_info fi;
	int ret;

	/* a family name longer than GENL_NAMSIZ fails policy validation */
	ret = genl_transact(self->kv,
			    getfamily("a-family-name-far-too-long-for-genl", 0),
			    parse_family, &fi);
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_STRNE("", self->kv->errmsg);
	TH_LOG("kernel said: %s", self->kv->errmsg);
	ASSERT_EQ(0, genl_transact(self->kv, getfamily("nlctrl", 0),
				   parse_family, &fi));
}

TEST_F(nlctrl, parse_failure_keeps_socket_in_step)
{
	struct family_info fi;

	EXPECT_EQ(-EPROTO, genl_transact(self->kv, getfamily("nlctrl", 0),
					 parse_reject, NULL));
	ASSERT_EQ(0, genl_transact(self->kv, getfamily("nlctrl", 0),
				   parse_family, &fi));
	EXPECT_STREQ("nlctrl", fi.name);
}

TEST_F(nlctrl, reply_of_another_family_is_rejected)
{
	struct family_info fi;

	self->kv->family = GENL_ID_CTRL + 1;	/* we expect some other id */
	EXPECT_EQ(-EPROTO, genl_transact(self->kv, getfamily("nlctrl", 0),
					 parse_family, &fi));
	self->kv->family = GENL_ID_CTRL;
	ASSERT_EQ(0, genl_transact(self->kv, getfamily("nlctrl", 0),
				   parse_family, &fi));
}

/* ------------------------------------------------------------------ */
/* KVAULT_CMD_KEY_GET: a key's crypto API usage                       */
/* ------------------------------------------------------------------ */

enum usage_variant {
	KU_GOOD,
	KU_NO_CRYPTO,		/* valid: a module without the templates */
	KU_UNKNOWN_KIND,	/* valid: a kind beyond the library's slots */
	KU_NO_MIRROR,		/* valid: not published */
	KU_DUP_KIND,		/* the rest are malformed */
	KU_KIND_ZERO,
	KU_NO_OPS,
	KU_BYTES_SHORT,
	KU_NOT_A_CONSUMER,
	KU_TRANSFORMS_ALONE,
	KU_CONSUMERS_ALONE,
	KU_TRANSFORMS_LONG,
	KU_MIRROR_ZERO,
	KU_MAX,
};

static void put_consumer(struct nl_msg *m, uint32_t kind, uint64_t ops,
			 enum usage_variant v)
{
	struct nlattr *c = nla_nest_start(m, KVAULT_A_CONSUMER);

	nla_put_u32(m, KVAULT_A_CONSUMER_KIND, kind);
	if (v != KU_NO_OPS)
		nla_put_u64(m, KVAULT_A_CONSUMER_OPS, ops);
	if (v == KU_BYTES_SHORT)
		nla_put_u32(m, KVAULT_A_CONSUMER_BYTES, 1);
	else
		nla_put_u64(m, KVAULT_A_CONSUMER_BYTES, ops * 512);
	nla_nest_end(m, c);
}

static struct nl_msg *key_reply(enum usage_variant v)
{
	struct nl_msg *m = reply_new(KVAULT_CMD_KEY_GET);
	struct nlattr *cons;

	if (!m)
		return NULL;
	nla_put_u32(m, KVAULT_A_KEY_ID, 5);
	nla_put_string(m, KVAULT_A_KEY_NAME, "disk");
	nla_put_u32(m, KVAULT_A_KEY_ALG, KVAULT_ALG_AES_XTS_512);
	nla_put_u32(m, KVAULT_A_KEY_LEN, 64);
	nla_put_u32(m, KVAULT_A_KEY_USAGE, KVAULT_USAGE_CRYPTO_API);
	nla_put_u32(m, KVAULT_A_KEY_ATTRS, 0);
	nla_put_u32(m, KVAULT_A_KEY_STATE, KVAULT_KEY_STATE_ENABLED);
	nla_put_u32(m, KVAULT_A_KEY_VERSION, 2);
	nla_put_u32(m, KVAULT_A_KEY_MIN_VERSION, 1);
	nla_put_u64(m, KVAULT_A_KEY_CTIME, 1000);
	nla_put_u64(m, KVAULT_A_KEY_USE_COUNT, 3);
	nla_put_u64(m, KVAULT_A_KEY_LAST_USE, 2000);
	if (v == KU_NO_CRYPTO)
		return m;
	if (v == KU_TRANSFORMS_LONG)
		nla_put_u64(m, KVAULT_A_KEY_TRANSFORMS, 2);
	else if (v != KU_CONSUMERS_ALONE)
		nla_put_u32(m, KVAULT_A_KEY_TRANSFORMS, 2);
	if (v != KU_TRANSFORMS_ALONE) {
		cons = nla_nest_start(m, KVAULT_A_KEY_CONSUMERS);
		put_consumer(m, KVAULT_CONSUMER_DM_CRYPT, 10, v);
		put_consumer(m, v == KU_DUP_KIND ? KVAULT_CONSUMER_DM_CRYPT :
			     v == KU_KIND_ZERO ? 0 : KVAULT_CONSUMER_AF_ALG, 1, v);
		put_consumer(m, KVAULT_CONSUMER_KERNEL, 0, v);
		if (v == KU_UNKNOWN_KIND)
			put_consumer(m, 9, 4, v);
		if (v == KU_NOT_A_CONSUMER)
			nla_put_u32(m, KVAULT_A_CONSUMER_KIND, 1);
		nla_nest_end(m, cons);
	}
	if (v != KU_NO_MIRROR)
		nla_put_u32(m, KVAULT_A_KEY_MIRROR_ID, v == KU_MIRROR_ZERO ? 0 : 77);
	return m;
}

static int parse_with_usage(enum usage_variant v, struct kvault_key_info *info,
			    struct kvault_key_usage *u)
{
	struct key_get_ctx ctx = { .id = 5, .info = info, .usage = u };

	return reply_parse(key_reply(v), genl_parse_key_get, &ctx);
}

TEST(genl_key_usage)
{
	struct kvault_key_usage u;
	struct kvault_key_info info;

	ASSERT_EQ(0, parse_with_usage(KU_GOOD, &info, &u));
	EXPECT_STREQ("disk", info.name);
	EXPECT_EQ(2U, info.version);
	EXPECT_EQ(KVAULT_KEY_USAGE_REPORTED, u.flags);
	EXPECT_EQ(2U, u.transforms);
	EXPECT_EQ(77, u.mirror_id);
	EXPECT_EQ(10U, u.consumer[KVAULT_CONSUMER_DM_CRYPT].ops);
	EXPECT_EQ(5120U, u.consumer[KVAULT_CONSUMER_DM_CRYPT].bytes);
	EXPECT_EQ(1U, u.consumer[KVAULT_CONSUMER_AF_ALG].ops);
	EXPECT_EQ(0U, u.consumer[KVAULT_CONSUMER_KERNEL].ops);

	ASSERT_EQ(0, parse_with_usage(KU_NO_CRYPTO, &info, &u));
	EXPECT_EQ(0U, u.flags);
	EXPECT_EQ(0U, u.transforms);
	EXPECT_EQ(0, u.mirror_id);
	EXPECT_STREQ("disk", info.name);

	ASSERT_EQ(0, parse_with_usage(KU_UNKNOWN_KIND, &info, &u));
	EXPECT_EQ(10U, u.consumer[KVAULT_CONSUMER_DM_CRYPT].ops);

	ASSERT_EQ(0, parse_with_usage(KU_NO_MIRROR, &info, &u));
	EXPECT_EQ(0, u.mirror_id);
	EXPECT_EQ(2U, u.transforms);
}

TEST(genl_key_usage_malformed)
{
	int v;

	for (v = KU_DUP_KIND; v < KU_MAX; v++) {
		struct kvault_key_usage u;
		struct kvault_key_info info;

		memset(&u, 0xee, sizeof(u));
		EXPECT_EQ(-EPROTO, parse_with_usage(v, &info, &u))
			TH_LOG("variant %d", v);
		EXPECT_EQ(0U, u.flags) TH_LOG("variant %d", v);
		EXPECT_EQ(0, info.id) TH_LOG("variant %d", v);
	}
}

TEST(key_get_usage_arguments)
{
	struct kvault_key_usage u;
	struct kvault_key_info info;

	memset(&info, 0xee, sizeof(info));
	EXPECT_EQ(-EINVAL, kvault_key_get_usage(NULL, 5, NULL, &info, &u));
	EXPECT_EQ(0, info.id);
	memset(&info, 0xee, sizeof(info));
	EXPECT_EQ(-EINVAL, kvault_key_get_usage(NULL, 5, NULL, &info, NULL));
	EXPECT_EQ(0, info.id);
	EXPECT_EQ(-EINVAL, kvault_key_get_usage(NULL, 5, NULL, NULL, &u));
}

TEST_HARNESS_MAIN
