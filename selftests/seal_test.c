// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing vault keys to PCRs (issue 5), through the ioctls
 * (KVAULT_IOC_KEY_SEAL, _RESEAL, _LOAD, _CHECK, KVAULT_IOC_PCR_EXTEND) and
 * the keyctl grammar ("new ... pcrs=", "load HEX", "update", keyctl read),
 * checked against the swtpm TPM with tpm2-tools:
 *
 *  - round trips in every bank; the loaded key is the same key (HMAC sign
 *    gives the same bytes) with the same metadata; the blob's header is
 *    the documented format and names the current PCR values;
 *  - explicit (predicted) PCR values, PCR 16 extended after sealing, PINs,
 *    the TPM's dictionary-attack lockout, with pcr_mismatch,
 *    lockout_seconds and CHECK's status;
 *  - no transient object or session left in the TPM (tpm2_getcap on
 *    /dev/tpm0, which sees every user's handles) after any of them; a
 *    cached SRK that someone flushed is recreated;
 *  - malformed keyctl options, ioctl struct validation, a flip of every
 *    byte of a real blob and every truncation;
 *  - tpm2-tools cross-checks: kvault's authPolicy is what tpm2_policypcr
 *    computes, and tpm2_load + tpm2_unseal under a PolicyPCR session open
 *    a kvault blob of imported material and give exactly that material;
 *  - last, the boot lock (KVAULT_IOC_PCR_EXTEND), then a module reload
 *    (KVAULT_KO) so the tests after this one find an unlocked vault.
 *
 * Runs as root in the guest with kvault.ko loaded and a TPM 2.0 with the
 * sha1, sha256, sha384 and sha512 banks. PCR 16 is extended and reset
 * (it is resettable from locality 0); the DA parameters are changed for
 * the lockout test and restored after.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <kcapi.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"
#include "seal_util.h"

#define SHA256_LEN	32
#define SIG256		(4 + SHA256_LEN)
#define PIN		"kv-Pin_42!"
#define WRONG_PIN	"kv-Pin_43!"
#define TOOLS_RM	"TPM2TOOLS_TCTI=device:/dev/tpmrm0"
#define TOOLS_RAW	"TPM2TOOLS_TCTI=device:/dev/tpm0"
#define WORK		"/tmp/kvault-seal"
/* The TCG provisioning guidance's ECC P-256 SRK (kmod/tpm_seal.c). */
#define SRK_TEMPLATE	"-C o -g sha256 -G ecc256:aes128cfb -a " \
	"'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt'"

static const char msg[] = "kvault: the same key after a reboot";

/* ---- small helpers -------------------------------------------------------- */

static size_t digest_size(uint16_t bank)
{
	switch (bank) {
	case KVAULT_TPM_ALG_SHA1: return 20;
	case KVAULT_TPM_ALG_SHA256: return 32;
	case KVAULT_TPM_ALG_SHA384: return 48;
	case KVAULT_TPM_ALG_SHA512: return 64;
	}
	return 0;
}

static const char *bank_name(uint16_t bank)
{
	switch (bank) {
	case KVAULT_TPM_ALG_SHA1: return "sha1";
	case KVAULT_TPM_ALG_SHA256: return "sha256";
	case KVAULT_TPM_ALG_SHA384: return "sha384";
	case KVAULT_TPM_ALG_SHA512: return "sha512";
	}
	return "?";
}

/* "0,7,16" for a mask */
static char *mask_list(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < KVAULT_PCR_COUNT; i++)
		if (mask & (1U << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%d", n ? "," : "", i);
	return buf;
}

/* The current values of @mask in @bank from sysfs, ascending; bytes or -1. */
static long current_values(uint16_t bank, uint32_t mask, uint8_t *out)
{
	size_t ds = digest_size(bank), n = 0;
	int i;

	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (sysfs_pcr(bank_name(bank), i, out + n, ds) != (int)ds)
			return -1;
		n += ds;
	}
	return (long)n;
}

/* Run a shell command (any length) with output in @out; its exit status. */
static int sh(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int sh(char *out, size_t len, const char *fmt, ...)
{
	char *cmd;
	FILE *f;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	f = fopen(WORK "/cmd.sh", "w");
	if (!f) {
		free(cmd);
		return -1;
	}
	fprintf(f, "exec 2>&1\n%s\n", cmd);
	fclose(f);
	free(cmd);
	return run_capture(out, len, "sh " WORK "/cmd.sh");
}

static long read_file(const char *path, void *p, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(p, 1, len, f);
	fclose(f);
	return (long)n;
}

/* ---- the ioctls ---------------------------------------------------------- */

static void seal_init(struct kvault_key_seal *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
}

/*
 * SEAL or RESEAL key @id: @bank/@mask, optional PIN and explicit values.
 * The blob goes to @out (if set); the out struct to @res (if set).
 */
static int kv_seal(int fd, unsigned long cmd, key_serial_t id, uint16_t bank,
		   uint32_t mask, const char *pin, const uint8_t *values,
		   size_t values_len, struct blob *out,
		   struct kvault_key_seal *res)
{
	struct kvault_key_seal s = { 0 }, *r = res ? res : &s;
	static struct blob scratch;
	struct blob *b = out ? out : &scratch;
	int rc;

	seal_init(r);
	r->id = id;
	r->pcr_bank = bank;
	r->pcr_mask = mask;
	if (pin) {
		r->flags |= KVAULT_SEAL_PIN;
		r->pin = (uintptr_t)pin;
		r->pin_len = (uint32_t)strlen(pin);
	}
	if (values) {
		r->flags |= KVAULT_SEAL_PCR_VALUES;
		r->pcr_values = (uintptr_t)values;
		r->pcr_values_len = (uint32_t)values_len;
	}
	r->blob = (uintptr_t)b->b;
	r->blob_len = sizeof(b->b);
	rc = ioctl_errno(fd, cmd, r);
	b->len = rc ? 0 : r->blob_len;
	return rc;
}

static int kv_load(int fd, const uint8_t *blob, size_t len, const char *name,
		   const char *pin, key_serial_t *id, struct kvault_key_seal *res)
{
	struct kvault_key_seal s = { 0 }, *r = res ? res : &s;
	int rc;

	seal_init(r);
	if (pin) {
		r->flags = KVAULT_SEAL_PIN;
		r->pin = (uintptr_t)pin;
		r->pin_len = (uint32_t)strlen(pin);
	}
	r->blob = (uintptr_t)blob;
	r->blob_len = (uint32_t)len;
	snprintf(r->name, sizeof(r->name), "%s", name);
	rc = ioctl_errno(fd, KVAULT_IOC_KEY_LOAD, r);
	if (id)
		*id = rc ? 0 : r->id;
	return rc;
}

static int kv_check(int fd, const struct blob *b, struct kvault_key_seal *res)
{
	seal_init(res);
	res->blob = (uintptr_t)b->b;
	res->blob_len = b->len;
	return ioctl_errno(fd, KVAULT_IOC_KEY_CHECK, res);
}

static int pcr_extend_ioctl(int fd, uint32_t pcr, uint32_t flags,
			    uint32_t reserved0)
{
	struct kvault_pcr_extend e;

	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.flags = flags;
	e.pcr = pcr;
	e.reserved0 = reserved0;
	return ioctl_errno(fd, KVAULT_IOC_PCR_EXTEND, &e);
}

/* HMAC-sign msg with key @id through keyctl pkey_sign; bytes or -errno. */
static long sign(key_serial_t id, uint8_t *sig, size_t len)
{
	struct keyctl_pkey_params p;

	memset(&p, 0, sizeof(p));
	p.key_id = id;
	p.in_len = sizeof(msg);
	p.out_len = (uint32_t)len;
	return kt_keyctl(KEYCTL_PKEY_SIGN, (unsigned long)&p, (unsigned long)"",
			 (unsigned long)msg, (unsigned long)sig);
}

/* Key metadata through netlink GET. */
struct meta {
	uint32_t alg, len, usage, attrs, state, version, min_version;
};

static int key_meta(key_serial_t id, struct meta *m)
{
	char reply[4096];
	size_t rlen = sizeof(reply);
	struct genl_raw g;
	int rc;

	memset(m, 0, sizeof(*m));
	if (genl_raw_open(&g))
		return -EIO;
	rc = kn_get(&g, id, NULL, reply, &rlen);
	if (!rc) {
		m->alg = nla_u32(reply, rlen, KVAULT_A_KEY_ALG, 0);
		m->len = nla_u32(reply, rlen, KVAULT_A_KEY_LEN, 0);
		m->usage = nla_u32(reply, rlen, KVAULT_A_KEY_USAGE, 0);
		m->attrs = nla_u32(reply, rlen, KVAULT_A_KEY_ATTRS, 0);
		m->state = nla_u32(reply, rlen, KVAULT_A_KEY_STATE, 0);
		m->version = nla_u32(reply, rlen, KVAULT_A_KEY_VERSION, 0);
		m->min_version = nla_u32(reply, rlen, KVAULT_A_KEY_MIN_VERSION, 0);
	}
	genl_raw_close(&g);
	return rc;
}

/* keyctl read of a sealed key: the blob as hex text into @hex; length. */
static long key_read_hex(key_serial_t id, char *hex, size_t len)
{
	long n = kt_keyctl(KEYCTL_READ, (unsigned long)id, (unsigned long)hex,
			   len - 1, 0);

	if (n >= 0 && (size_t)n < len)
		hex[n] = '\0';
	return n;
}

static int hex_to_blob(const char *hex, struct blob *b)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > sizeof(b->b))
		return -1;
	for (i = 0; i < n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return -1;
	b->len = (uint32_t)(n / 2);
	return hex_decode(hex, b->b, b->len);
}

/* Add write permission for the possessor (keyctl update needs it). */
static int grant_write(key_serial_t id)
{
	char buf[512];
	unsigned int perm;

	if (kt_describe(id, buf, sizeof(buf)) < 0)
		return -1;
	/* "type;uid;gid;perm;description" */
	if (sscanf(buf, "%*[^;];%*[^;];%*[^;];%x;", &perm) != 1)
		return -1;
	return (int)kt_keyctl(KEYCTL_SETPERM, (unsigned long)id,
			      perm | 0x04000000 /* KEY_POS_WRITE */, 0, 0);
}

/* ---- TPM state checks ---------------------------------------------------- */

/* Count "0x..." lines of a tpm2_getcap capability on /dev/tpm0. */
static int tpm_handles(const char *cap, char *out, size_t len)
{
	char *p;
	int n = 0;

	if (sh(out, len, TOOLS_RAW " tpm2_getcap %s", cap))
		return -1;
	for (p = out; (p = strstr(p, "0x")); p += 2)
		n++;
	return n;
}

/*
 * No transient object but kvault's cached SRK, no loaded session: checked
 * through /dev/tpm0, which sees every user's handles.
 */
#define ASSERT_HANDLES_CLEAN(what) do {					\
	char _out[1024];						\
	int _n = tpm_handles("handles-transient", _out, sizeof(_out));	\
	ASSERT_LE(0, _n) TH_LOG("tpm2_getcap: %s", _out);		\
	EXPECT_GE(1, _n) TH_LOG("after %s: transient handles: %s", what, _out); \
	_n = tpm_handles("handles-loaded-session", _out, sizeof(_out));	\
	ASSERT_LE(0, _n) TH_LOG("tpm2_getcap: %s", _out);		\
	EXPECT_EQ(0, _n) TH_LOG("after %s: loaded sessions: %s", what, _out); \
} while (0)

static int pcr16_extend(void)
{
	char out[512];

	/* every bank, so that a policy in any of them sees the change */
	return sh(out, sizeof(out), TOOLS_RM " tpm2_pcrextend 16:"
		  "sha1=%040d,sha256=%064d,sha384=%096d,sha512=%0128d", 16, 16, 16, 16);
}

static int pcr16_reset(void)
{
	char out[512];

	return sh(out, sizeof(out), TOOLS_RM " tpm2_pcrreset 16");
}

/* ---- fixture --------------------------------------------------------------- */

FIXTURE(seal) {
	int fd;
	key_serial_t ring;
};

FIXTURE_SETUP(seal)
{
	struct kvault_status st;

	self->fd = kvault_dev_open();
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/kvault: %d", self->fd);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
	if (!(st.tpm_flags & KVAULT_TPM_VERSION_2))
		SKIP(return, "no TPM 2.0 in this guest: sealing needs one");
	self->ring = kt_new_ring("seal-ring");
	ASSERT_LT(0, self->ring);
	mkdir(WORK, 0700);
}

FIXTURE_TEARDOWN(seal)
{
	if (self->ring > 0)
		kt_keyctl(KEYCTL_CLEAR, (unsigned long)self->ring, 0, 0, 0);
	if (self->fd >= 0)
		close(self->fd);
}

/* Create an HMAC key over the ioctl, sign msg with it into @sig. */
static key_serial_t hmac_key(struct __test_metadata *_metadata, int fd,
			     const char *name, uint8_t sig[SIG256])
{
	key_serial_t id = 0;

	EXPECT_EQ(0, kv_create(fd, name, KVAULT_ALG_HMAC_SHA256, 0, 0,
			       KVAULT_KEY_EXPORTABLE, &id));
	if (id > 0)
		EXPECT_EQ(SIG256, sign(id, sig, SIG256));
	return id;
}

/* ---- round trips ----------------------------------------------------------- */

TEST_F_TIMEOUT(seal, ioctl_round_trip_same_key, 120)
{
	uint8_t sig[SIG256], sig2[SIG256], values[3 * SHA256_LEN];
	uint32_t mask = 1U << 0 | 1U << 7 | 1U << 16;
	struct kvault_key_seal r;
	struct kvault_key_op o;
	struct meta m1, m2;
	struct parsed p;
	struct blob b;
	key_serial_t id, id2;

	id = hmac_key(_metadata, self->fd, "sl-rt", sig);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(0u, o.attrs & KVAULT_KEY_SEALED);

	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id,
			     KVAULT_TPM_ALG_SHA256, mask, NULL, NULL, 0, &b, &r))
		TH_LOG("seal: tpm_rc %#x", r.tpm_rc);
	EXPECT_EQ(id, r.id);
	ASSERT_LT(0u, b.len);
	ASSERT_GE(KVAULT_BLOB_MAX, b.len);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_SEALED, o.attrs & KVAULT_KEY_SEALED);
	ASSERT_HANDLES_CLEAN("seal");

	/* the documented format, bound to the current PCR values */
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("blob: %s", p.err);
	EXPECT_EQ(KVAULT_BLOB_VERSION, p.version);
	/* the header: every byte before the TPMKey's length field */
	EXPECT_EQ(p.tpmkey_off - 2, p.hdr_len) TH_LOG("header length %u", p.hdr_len);
	EXPECT_EQ(KVAULT_ALG_HMAC_SHA256, p.alg);
	EXPECT_EQ(32u, p.mat_len);
	EXPECT_EQ(KVAULT_USAGE_SIGN | KVAULT_USAGE_VERIFY | KVAULT_USAGE_CRYPTO_API,
		  p.usage);
	EXPECT_EQ(KVAULT_KEY_EXPORTABLE, p.attrs);
	EXPECT_EQ(1u, p.key_version);
	EXPECT_EQ(0u, p.policy_flags);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, p.bank);
	EXPECT_EQ(SHA256_LEN, p.digest_size);
	EXPECT_EQ(mask, p.mask);
	ASSERT_EQ((long)sizeof(values), current_values(KVAULT_TPM_ALG_SHA256, mask, values));
	EXPECT_EQ(0, memcmp(values, b.b + p.values_off, sizeof(values)));
	EXPECT_EQ(1, p.empty_auth);
	EXPECT_TRUE(p.parent == 0x40000001 || p.parent == 0x81000001)
		TH_LOG("parent %#x", p.parent);
	EXPECT_EQ(SHA256_LEN, p.authpol_len);

	/* CHECK: would unseal, changes nothing */
	ASSERT_EQ(0, kv_check(self->fd, &b, &r));
	EXPECT_EQ(KVAULT_SEAL_ST_LOADABLE | KVAULT_SEAL_ST_WOULD_UNSEAL, r.status);
	EXPECT_EQ(0u, r.pcr_mismatch);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, r.pcr_bank);
	EXPECT_EQ(mask, r.pcr_mask);
	EXPECT_EQ(0, r.id);
	ASSERT_HANDLES_CLEAN("check");

	/* LOAD under a new name: the same key */
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-rt-loaded", NULL, &id2, &r))
		TH_LOG("load: tpm_rc %#x mismatch %#x", r.tpm_rc, r.pcr_mismatch);
	ASSERT_LT(0, id2);
	EXPECT_NE(id, id2);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, r.pcr_bank);
	EXPECT_EQ(mask, r.pcr_mask);
	EXPECT_EQ(0u, r.pcr_mismatch);
	EXPECT_EQ(0u, r.tpm_rc);
	ASSERT_HANDLES_CLEAN("load");
	ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
	EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig))) TH_LOG("the loaded key signs differently");

	ASSERT_EQ(0, key_meta(id, &m1));
	ASSERT_EQ(0, key_meta(id2, &m2));
	EXPECT_EQ(m1.alg, m2.alg);
	EXPECT_EQ(m1.len, m2.len);
	EXPECT_EQ(m1.usage, m2.usage);
	EXPECT_EQ(m1.attrs & KVAULT_KEY_EXPORTABLE, m2.attrs & KVAULT_KEY_EXPORTABLE);
	EXPECT_EQ(KVAULT_KEY_SEALED, m2.attrs & KVAULT_KEY_SEALED);
	EXPECT_EQ(KVAULT_KEY_STATE_ENABLED, m2.state);
	EXPECT_EQ(1u, m2.version);
	EXPECT_EQ(1u, m2.min_version);

	/* the name is taken; another load under it is EEXIST */
	EXPECT_EQ(-EEXIST, kv_load(self->fd, b.b, b.len, "sl-rt-loaded", NULL, NULL, NULL));
	EXPECT_EQ(-EEXIST, kv_load(self->fd, b.b, b.len, "sl-rt", NULL, NULL, NULL));
	ASSERT_HANDLES_CLEAN("load under a taken name");

}

/* SEAL names the key by @name when @id is 0, and returns its ID. */
TEST_F_TIMEOUT(seal, seal_by_name, 120)
{
	struct kvault_key_seal r;
	struct blob b;
	key_serial_t id;

	ASSERT_EQ(0, kv_create(self->fd, "sl-byname", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	seal_init(&r);
	snprintf(r.name, sizeof(r.name), "sl-byname");
	r.pcr_bank = KVAULT_TPM_ALG_SHA256;
	r.pcr_mask = 1U << 7;
	r.blob = (uintptr_t)b.b;
	r.blob_len = sizeof(b.b);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_SEAL, &r));
	EXPECT_EQ(id, r.id);
	EXPECT_LT(0u, r.blob_len);
	/* both ID and name: the name must be zero (as for the key ops) */
	r.id = id;
	r.blob_len = sizeof(b.b);
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_SEAL, &r));
	seal_init(&r);
	snprintf(r.name, sizeof(r.name), "sl-no-such-key");
	r.pcr_bank = KVAULT_TPM_ALG_SHA256;
	r.pcr_mask = 1U << 7;
	r.blob = (uintptr_t)b.b;
	r.blob_len = sizeof(b.b);
	EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, KVAULT_IOC_KEY_SEAL, &r));
}

TEST_F_TIMEOUT(seal, every_bank, 120)
{
	static const uint16_t banks[] = { KVAULT_TPM_ALG_SHA1, KVAULT_TPM_ALG_SHA256,
					  KVAULT_TPM_ALG_SHA384, KVAULT_TPM_ALG_SHA512 };
	uint8_t sig[SIG256], sig2[SIG256];
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b;
	char name[64];
	key_serial_t id, id2;
	size_t i;

	id = hmac_key(_metadata, self->fd, "sl-banks", sig);
	ASSERT_LT(0, id);
	for (i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
		uint8_t values[2 * 64];

		ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, banks[i],
				     1U << 0 | 1U << 7, NULL, NULL, 0, &b, &r))
			TH_LOG("%s: tpm_rc %#x", bank_name(banks[i]), r.tpm_rc);
		ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s: %s", bank_name(banks[i]), p.err);
		EXPECT_EQ(banks[i], p.bank);
		EXPECT_EQ(digest_size(banks[i]), p.digest_size);
		ASSERT_EQ((long)(2 * digest_size(banks[i])),
			  current_values(banks[i], 1U << 0 | 1U << 7, values));
		EXPECT_EQ(0, memcmp(values, b.b + p.values_off, 2 * digest_size(banks[i])))
			TH_LOG("%s: the blob's values are not the current ones", bank_name(banks[i]));
		snprintf(name, sizeof(name), "sl-banks-%s", bank_name(banks[i]));
		ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, name, NULL, &id2, &r))
			TH_LOG("%s: load tpm_rc %#x", bank_name(banks[i]), r.tpm_rc);
		EXPECT_EQ(banks[i], r.pcr_bank);
		ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
		EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
	}
	ASSERT_HANDLES_CLEAN("seal and load in every bank");
}

/* A rotated key: the blob holds the current version only. */
TEST_F_TIMEOUT(seal, rotated_key_loads_at_its_version, 120)
{
	uint8_t sig[SIG256], sig2[SIG256];
	struct kvault_key_seal r;
	struct parsed p;
	struct meta m;
	struct blob b;
	key_serial_t id, id2;

	ASSERT_EQ(0, kv_create(self->fd, "sl-rot", KVAULT_ALG_HMAC_SHA256, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(SIG256, sign(id, sig, sizeof(sig)));
	EXPECT_EQ(2u, be32(sig));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, &b, &r));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(2u, p.key_version);
	EXPECT_EQ(0u, p.attrs);
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-rot-loaded", NULL, &id2, &r));
	ASSERT_EQ(0, key_meta(id2, &m));
	EXPECT_EQ(2u, m.version);
	EXPECT_EQ(2u, m.min_version);
	EXPECT_EQ(0u, m.attrs & KVAULT_KEY_EXPORTABLE);
	ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
	EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
}

/* SEAL into a buffer too small: ENOSPC with the length, key sealed anyway. */
TEST_F_TIMEOUT(seal, small_buffer_enospc, 120)
{
	struct kvault_key_seal r;
	struct kvault_key_op o;
	uint8_t small[16];
	char hex[2 * KVAULT_BLOB_MAX + 2];
	key_serial_t id;

	ASSERT_EQ(0, kv_create(self->fd, "sl-small", KVAULT_ALG_AES_256, 0, 0, 0, &id));
	seal_init(&r);
	r.id = id;
	r.pcr_bank = KVAULT_TPM_ALG_SHA256;
	r.pcr_mask = 1U << 7;
	r.blob = (uintptr_t)small;
	r.blob_len = sizeof(small);
	ASSERT_EQ(-ENOSPC, ioctl_errno(self->fd, KVAULT_IOC_KEY_SEAL, &r));
	EXPECT_LT(sizeof(small), r.blob_len);
	EXPECT_GE(KVAULT_BLOB_MAX, r.blob_len);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_SEALED, o.attrs & KVAULT_KEY_SEALED);
	/* keyctl read gives it (the creator over /dev/kvault may read?) */
	if (key_read_hex(id, hex, sizeof(hex)) >= 0)
		EXPECT_EQ(2 * (long)r.blob_len, (long)strlen(hex));
	ASSERT_HANDLES_CLEAN("seal into a small buffer");
}

/* ---- keyctl ------------------------------------------------------------------ */

TEST_F_TIMEOUT(seal, keyctl_new_read_load_update, 120)
{
	static char hex[2 * KVAULT_BLOB_MAX + 2], hex2[2 * KVAULT_BLOB_MAX + 2];
	static char payload[2 * KVAULT_BLOB_MAX + 64];
	uint8_t sig[SIG256], sig2[SIG256];
	struct kvault_key_seal r;
	struct kvault_key_op o;
	struct parsed p;
	struct blob b;
	key_serial_t id, id2, plain;
	long n;

	/* an unsealed key still has nothing to read */
	plain = kt_add("sl-kc-plain", "new hmac-sha256", self->ring);
	ASSERT_LT(0, plain);
	EXPECT_EQ(-EOPNOTSUPP, key_read_hex(plain, hex, sizeof(hex)));

	id = kt_add("sl-kc", "new hmac-sha256 pcrs=sha256:7,16", self->ring);
	ASSERT_LT(0, id) TH_LOG("keyctl add new ... pcrs=: %d", id);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_SEALED, o.attrs & KVAULT_KEY_SEALED);
	ASSERT_EQ(SIG256, sign(id, sig, sizeof(sig)));

	/* size query, then the text: lower-case hex of the blob, nothing else */
	n = kt_keyctl(KEYCTL_READ, (unsigned long)id, 0, 0, 0);
	ASSERT_LT(0, n);
	ASSERT_EQ(n, key_read_hex(id, hex, sizeof(hex)));
	EXPECT_EQ(n, (long)strlen(hex));
	ASSERT_EQ(0, hex_to_blob(hex, &b)) TH_LOG("not lower-case hex: %.64s", hex);
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ((1U << 7 | 1U << 16), p.mask);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, p.bank);
	EXPECT_EQ(KVAULT_ALG_HMAC_SHA256, p.alg);

	/* what read gives, load takes */
	snprintf(payload, sizeof(payload), "load %s", hex);
	id2 = kt_add("sl-kc-loaded", payload, self->ring);
	ASSERT_LT(0, id2) TH_LOG("keyctl add load HEX: %d", id2);
	ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
	EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
	/* the loaded key holds the blob it came from */
	ASSERT_LT(0, key_read_hex(id2, hex2, sizeof(hex2)));
	EXPECT_EQ(0, strcmp(hex, hex2)) TH_LOG("keyctl read of a loaded key is not its blob");
	/* and the ioctl loads it too */
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-kc-loaded2", NULL, NULL, &r));
	/* with a trailing NUL, as the other payloads */
	ASSERT_LT(0, kt_add_key("kvault", "sl-kc-loaded3", payload, strlen(payload) + 1,
				self->ring));
	ASSERT_HANDLES_CLEAN("keyctl new, read, load");

	/* update reseals: to a new set, and to the same set with new values */
	ASSERT_EQ(0, grant_write(id));
	snprintf(payload, sizeof(payload), "update pcrs=sha384:0,16,23");
	ASSERT_EQ(0, kt_keyctl(KEYCTL_UPDATE, (unsigned long)id, (unsigned long)payload,
			       strlen(payload), 0));
	ASSERT_LT(0, key_read_hex(id, hex2, sizeof(hex2)));
	EXPECT_NE(0, strcmp(hex, hex2));
	ASSERT_EQ(0, hex_to_blob(hex2, &b));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA384, p.bank);
	EXPECT_EQ((1U << 0 | 1U << 16 | 1U << 23), p.mask);
	ASSERT_EQ(0, kv_check(self->fd, &b, &r));
	EXPECT_EQ(KVAULT_SEAL_ST_LOADABLE | KVAULT_SEAL_ST_WOULD_UNSEAL, r.status);

	/* "update" alone keeps the set, takes the current values */
	ASSERT_EQ(0, pcr16_extend());
	ASSERT_EQ(-EKEYREJECTED, kv_load(self->fd, b.b, b.len, "sl-kc-x", NULL, NULL, &r));
	EXPECT_EQ(1U << 16, r.pcr_mismatch);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_UPDATE, (unsigned long)id, (unsigned long)"update", 6, 0));
	ASSERT_LT(0, key_read_hex(id, hex2, sizeof(hex2)));
	ASSERT_EQ(0, hex_to_blob(hex2, &b));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA384, p.bank);
	EXPECT_EQ((1U << 0 | 1U << 16 | 1U << 23), p.mask);
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-kc-upd", NULL, &id2, &r))
		TH_LOG("reload after update: mismatch %#x", r.pcr_mismatch);
	ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
	EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
	ASSERT_EQ(0, pcr16_reset());

	/* only an enabled key is resealed */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, kt_keyctl(KEYCTL_UPDATE, (unsigned long)id,
				     (unsigned long)"update", 6, 0));
	EXPECT_EQ(-ENOKEY, kv_seal(self->fd, KVAULT_IOC_KEY_RESEAL, id, 0, 0, NULL,
				   NULL, 0, NULL, NULL));
	EXPECT_EQ(-ENOKEY, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
				   1U << 7, NULL, NULL, 0, NULL, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, NULL));
	ASSERT_HANDLES_CLEAN("keyctl update");
}

TEST_F_TIMEOUT(seal, reseal_ioctl, 120)
{
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b, b2;
	key_serial_t id;

	ASSERT_EQ(0, kv_create(self->fd, "sl-reseal", KVAULT_ALG_AES_256, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA1,
			     1U << 7 | 1U << 16, NULL, NULL, 0, &b, &r));
	/* bank 0 and mask 0 keep the key's */
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_RESEAL, id, 0, 0, NULL, NULL, 0,
			     &b2, &r));
	ASSERT_EQ(0, parse_blob(b2.b, b2.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA1, p.bank);
	EXPECT_EQ(1U << 7 | 1U << 16, p.mask);
	EXPECT_FALSE(b.len == b2.len && !memcmp(b.b, b2.b, b.len)) TH_LOG("reseal gave the same blob");
	/* a new set */
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_RESEAL, id, KVAULT_TPM_ALG_SHA512,
			     1U << 23, NULL, NULL, 0, &b2, &r));
	ASSERT_EQ(0, parse_blob(b2.b, b2.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA512, p.bank);
	EXPECT_EQ(1U << 23, p.mask);
	ASSERT_EQ(0, kv_load(self->fd, b2.b, b2.len, "sl-reseal-l", NULL, NULL, &r));
	/* the old blob still opens: the TPM object is unchanged */
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-reseal-old", NULL, NULL, &r));
	ASSERT_HANDLES_CLEAN("reseal");
}

/* ---- refusals: values, PCR changes, PINs, lockout -------------------------- */

TEST_F_TIMEOUT(seal, predicted_values, 120)
{
	uint8_t values[3 * SHA256_LEN], cur16[SHA256_LEN], ext[SHA256_LEN];
	uint8_t cat[2 * SHA256_LEN], next16[SHA256_LEN];
	uint32_t mask = 1U << 7 | 1U << 16 | 1U << 23;
	static char payload[1024];
	char hexv[2 * sizeof(values) + 1];
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b;
	key_serial_t id;

	ASSERT_EQ(0, pcr16_reset());
	ASSERT_EQ(0, kv_create(self->fd, "sl-pred", KVAULT_ALG_HMAC_SHA256, 0, 0, 0, &id));
	ASSERT_EQ((long)sizeof(values), current_values(KVAULT_TPM_ALG_SHA256, mask, values));
	/* 7 as it is; 16 and 23 as they are not */
	memset(values + SHA256_LEN, 0x5a, 2 * SHA256_LEN);
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     mask, NULL, values, sizeof(values), &b, &r));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(0, memcmp(values, b.b + p.values_off, sizeof(values)));

	memset(&r, 0xff, sizeof(r));
	ASSERT_EQ(-EKEYREJECTED, kv_load(self->fd, b.b, b.len, "sl-pred-l", NULL, NULL, &r));
	EXPECT_EQ(1U << 16 | 1U << 23, r.pcr_mismatch);
	EXPECT_EQ(0u, r.lockout_seconds);
	EXPECT_EQ(-ENOENT, kv_op(self->fd, KVAULT_IOC_KEY_INFO, 0, "sl-pred-l", 0, NULL));
	ASSERT_HANDLES_CLEAN("a PCR mismatch");
	/* CHECK says the same without unsealing, and is not an error */
	ASSERT_EQ(0, kv_check(self->fd, &b, &r));
	EXPECT_EQ(1U << 16 | 1U << 23, r.pcr_mismatch);
	EXPECT_EQ(KVAULT_SEAL_ST_LOADABLE, r.status & (KVAULT_SEAL_ST_LOADABLE |
						       KVAULT_SEAL_ST_WOULD_UNSEAL));
	EXPECT_EQ(0u, r.status & KVAULT_SEAL_ST_PIN);
	ASSERT_HANDLES_CLEAN("check of a mismatch");

	/* a predicted post-update value: PCR 16 after one known extend */
	ASSERT_EQ(SHA256_LEN, sysfs_pcr("sha256", 16, cur16, sizeof(cur16)));
	memset(ext, 0, sizeof(ext));
	ext[0] = 0x42;
	memcpy(cat, cur16, SHA256_LEN);
	memcpy(cat + SHA256_LEN, ext, SHA256_LEN);
	ASSERT_EQ(SHA256_LEN, kcapi_md_sha256(cat, sizeof(cat), next16, sizeof(next16)));
	hex_encode(next16, sizeof(next16), hexv);
	snprintf(payload, sizeof(payload), "new hmac-sha256 pcrs=sha256:16 pcrvalues=%s", hexv);
	id = kt_add("sl-pred-kc", payload, self->ring);
	ASSERT_LT(0, id) TH_LOG("keyctl add with pcrvalues=: %d", id);
	ASSERT_LT(0, key_read_hex(id, payload, sizeof(payload)));
	ASSERT_EQ(0, hex_to_blob(payload, &b));
	ASSERT_EQ(-EKEYREJECTED, kv_load(self->fd, b.b, b.len, "sl-pred-kc-l", NULL, NULL, &r));
	EXPECT_EQ(1U << 16, r.pcr_mismatch);
	ASSERT_EQ(0, run_capture(payload, sizeof(payload), TOOLS_RM
		  " tpm2_pcrextend 16:sha256=42%062d 2>&1", 0)) TH_LOG("%s", payload);
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-pred-kc-l", NULL, NULL, &r))
		TH_LOG("after the predicted extend: mismatch %#x", r.pcr_mismatch);
	ASSERT_EQ(0, pcr16_reset());
	ASSERT_HANDLES_CLEAN("predicted values");
}

TEST_F_TIMEOUT(seal, pcr16_extended_after_sealing, 120)
{
	uint8_t sig[SIG256], sig2[SIG256];
	struct kvault_key_seal r;
	struct blob b;
	key_serial_t id, id2;

	ASSERT_EQ(0, pcr16_reset());
	id = hmac_key(_metadata, self->fd, "sl-p16", sig);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7 | 1U << 16, NULL, NULL, 0, &b, &r));
	ASSERT_EQ(0, pcr16_extend());
	ASSERT_EQ(-EKEYREJECTED, kv_load(self->fd, b.b, b.len, "sl-p16-l", NULL, NULL, &r));
	EXPECT_EQ(1U << 16, r.pcr_mismatch);
	ASSERT_HANDLES_CLEAN("load after PCR 16 changed");
	ASSERT_EQ(0, kv_check(self->fd, &b, &r));
	EXPECT_EQ(1U << 16, r.pcr_mismatch);
	EXPECT_EQ(0u, r.status & KVAULT_SEAL_ST_WOULD_UNSEAL);
	/* keyctl load says the same: EKEYREJECTED */
	{
		static char payload[2 * KVAULT_BLOB_MAX + 16];
		size_t n = (size_t)snprintf(payload, sizeof(payload), "load ");

		hex_encode(b.b, b.len, payload + n);
		EXPECT_EQ(-EKEYREJECTED, kt_add("sl-p16-kc", payload, self->ring));
	}
	/* back to the sealed value: it opens again */
	ASSERT_EQ(0, pcr16_reset());
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-p16-l", NULL, &id2, &r))
		TH_LOG("after reset: mismatch %#x", r.pcr_mismatch);
	ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
	EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
	ASSERT_HANDLES_CLEAN("load after PCR 16 reset");
}

/* TPM2_PT_* values from tpm2_getcap properties-variable; -1 if absent. */
static long tpm_prop(const char *out, const char *name)
{
	const char *p = strstr(out, name);
	char *end;
	long v;

	if (!p)
		return -1;
	p += strlen(name);
	while (*p == ':' || *p == ' ')
		p++;
	v = strtol(p, &end, 0);
	return end == p ? -1 : v;
}

TEST_F_TIMEOUT(seal, pin_and_lockout, 240)
{
	uint8_t sig[SIG256], sig2[SIG256];
	static char payload[2 * KVAULT_BLOB_MAX + 64], out[16384];
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b;
	key_serial_t id, id2;
	long max_tries, interval, recovery;
	int i, rc = 0;

	id = hmac_key(_metadata, self->fd, "sl-pin", sig);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, PIN, NULL, 0, &b, &r));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_SEAL_PIN, p.policy_flags);
	EXPECT_NE(1, p.empty_auth);
	EXPECT_EQ(NULL, memmem(b.b, b.len, PIN, strlen(PIN))) TH_LOG("the PIN is in the blob");
	ASSERT_HANDLES_CLEAN("seal with a PIN");

	ASSERT_EQ(0, kv_check(self->fd, &b, &r));
	EXPECT_EQ(KVAULT_SEAL_ST_PIN, r.status & KVAULT_SEAL_ST_PIN);

	/* right PIN */
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-pin-ok", PIN, &id2, &r))
		TH_LOG("tpm_rc %#x", r.tpm_rc);
	ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
	EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
	hex_encode(b.b, b.len, payload + snprintf(payload, sizeof(payload), "load "));
	strcat(payload, " pin=" PIN);
	EXPECT_LT(0, kt_add("sl-pin-kc", payload, self->ring));
	ASSERT_HANDLES_CLEAN("load with the right PIN");

	/* wrong PIN: EACCES, the TPM's AUTH_FAIL; no key */
	ASSERT_EQ(0, sh(out, sizeof(out), TOOLS_RAW " tpm2_dictionarylockout -c"))
		TH_LOG("%s", out);
	ASSERT_EQ(-EACCES, kv_load(self->fd, b.b, b.len, "sl-pin-bad", WRONG_PIN, NULL, &r));
	EXPECT_EQ(0x8eu, r.tpm_rc & 0xbf) TH_LOG("tpm_rc %#x", r.tpm_rc);
	EXPECT_EQ(-ENOENT, kv_op(self->fd, KVAULT_IOC_KEY_INFO, 0, "sl-pin-bad", 0, NULL));
	ASSERT_HANDLES_CLEAN("a wrong PIN");
	/* counted: TPM2_PT_LOCKOUT_COUNTER went up */
	ASSERT_EQ(0, sh(out, sizeof(out), TOOLS_RM " tpm2_getcap properties-variable"));
	EXPECT_LE(1, tpm_prop(out, "TPM2_PT_LOCKOUT_COUNTER")) TH_LOG("%s", out);
	max_tries = tpm_prop(out, "TPM2_PT_MAX_AUTH_FAIL");
	interval = tpm_prop(out, "TPM2_PT_LOCKOUT_INTERVAL");
	recovery = tpm_prop(out, "TPM2_PT_LOCKOUT_RECOVERY");
	/* a missing PIN is not the right one either */
	rc = kv_load(self->fd, b.b, b.len, "sl-pin-none", NULL, NULL, &r);
	EXPECT_TRUE(rc == -EACCES || rc == -EINVAL) TH_LOG("no PIN: %d", rc);

	/* lockout: 3 tries, 60 s */
	ASSERT_EQ(0, sh(out, sizeof(out), TOOLS_RAW " tpm2_dictionarylockout -c && "
			TOOLS_RAW " tpm2_dictionarylockout -s -n 3 -t 60 -l 60")) TH_LOG("%s", out);
	for (i = 0; i < 10; i++) {
		rc = kv_load(self->fd, b.b, b.len, "sl-pin-bad", WRONG_PIN, NULL, &r);
		if (rc != -EACCES)
			break;
	}
	EXPECT_EQ(-EBUSY, rc) TH_LOG("after %d wrong PINs: %d", i, rc);
	EXPECT_LT(0u, r.lockout_seconds);
	EXPECT_GE(3u * 60u + 5u, r.lockout_seconds);
	EXPECT_GE(3, i);
	/* now even the right PIN is refused, with the time left */
	memset(&r, 0, sizeof(r));
	EXPECT_EQ(-EBUSY, kv_load(self->fd, b.b, b.len, "sl-pin-ok2", PIN, NULL, &r));
	EXPECT_LT(0u, r.lockout_seconds);
	ASSERT_EQ(0, kv_check(self->fd, &b, &r));
	EXPECT_EQ(KVAULT_SEAL_ST_LOCKOUT, r.status & KVAULT_SEAL_ST_LOCKOUT);
	EXPECT_EQ(0u, r.status & KVAULT_SEAL_ST_WOULD_UNSEAL);
	EXPECT_LT(0u, r.lockout_seconds);
	/* keyctl says EBUSY too */
	EXPECT_EQ(-EBUSY, kt_add("sl-pin-kc2", payload, self->ring));
	ASSERT_HANDLES_CLEAN("DA lockout");

	/* no-PIN (noDA) objects are not affected by the lockout */
	{
		struct blob nb;

		ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
				     1U << 7, NULL, NULL, 0, &nb, &r));
		EXPECT_EQ(0, kv_load(self->fd, nb.b, nb.len, "sl-pin-noda", NULL, NULL, &r))
			TH_LOG("a noDA object during lockout: tpm_rc %#x", r.tpm_rc);
	}

	/* reset, and restore the DA parameters */
	ASSERT_EQ(0, sh(out, sizeof(out), TOOLS_RAW " tpm2_dictionarylockout -c"))
		TH_LOG("%s", out);
	if (max_tries > 0 && interval >= 0 && recovery >= 0)
		EXPECT_EQ(0, sh(out, sizeof(out), TOOLS_RAW
				" tpm2_dictionarylockout -s -n %ld -t %ld -l %ld",
				max_tries, interval, recovery)) TH_LOG("%s", out);
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-pin-ok2", PIN, NULL, &r))
		TH_LOG("after the reset: %#x", r.tpm_rc);
	ASSERT_HANDLES_CLEAN("lockout reset");
}

/* ---- bad input --------------------------------------------------------------- */

TEST_F_TIMEOUT(seal, bad_keyctl_options, 120)
{
	static const char *const bad_new[] = {
		"new hmac-sha256 pcrs=", "new hmac-sha256 pcrs=sha256",
		"new hmac-sha256 pcrs=sha256:", "new hmac-sha256 pcrs=:7",
		"new hmac-sha256 pcrs=md5:7", "new hmac-sha256 pcrs=sm3_256:7",
		"new hmac-sha256 pcrs=sha256:24", "new hmac-sha256 pcrs=sha256:99999999999",
		"new hmac-sha256 pcrs=sha256:7-3", "new hmac-sha256 pcrs=sha256:0,,1",
		"new hmac-sha256 pcrs=sha256:0,", "new hmac-sha256 pcrs=sha256:,0",
		"new hmac-sha256 pcrs=sha256:-1", "new hmac-sha256 pcrs=sha256:0-",
		"new hmac-sha256 pcrs=sha256:a", "new hmac-sha256 pcrs=sha256:0x10",
		"new hmac-sha256 pcrs=sha256:7:8", "new hmac-sha256 pcrs=sha256:0-7-9",
		"new hmac-sha256 pcrs=sha256:7 pcrs=sha256:7",
		"new hmac-sha256 pcrs=sha256:7 pcrs=sha1:7",
		"new hmac-sha256 pcrs=sha256:23-24",
		/* pcrvalues: missing, empty, odd, not hex, short, long, no pcrs */
		"new hmac-sha256 pcrs=sha256:7 pcrvalues=",
		"new hmac-sha256 pcrs=sha256:7 pcrvalues=0",
		"new hmac-sha256 pcrs=sha256:7 pcrvalues=zz00000000000000000000000000000000000000000000000000000000000000",
		"new hmac-sha256 pcrs=sha256:7 pcrvalues=00000000000000000000000000000000000000000000000000000000000000",
		"new hmac-sha256 pcrs=sha256:7 pcrvalues=000000000000000000000000000000000000000000000000000000000000000000",
		"new hmac-sha256 pcrs=sha256:7,8 pcrvalues=0000000000000000000000000000000000000000000000000000000000000000",
		"new hmac-sha256 pcrvalues=0000000000000000000000000000000000000000000000000000000000000000",
		"new hmac-sha256 pcrs=sha256:7 pcrvalues=0000000000000000000000000000000000000000000000000000000000000000 pcrvalues=0000000000000000000000000000000000000000000000000000000000000000",
		/* PINs: empty, too long, repeated */
		"new hmac-sha256 pcrs=sha256:7 pin=",
		"new hmac-sha256 pcrs=sha256:7 pin=123456789012345678901234567890123",
		"new hmac-sha256 pcrs=sha256:7 pin=a pin=a",
		"new hmac-sha256 pcrs=sha256:7 pin=a\x01", "new hmac-sha256 pcrs=sha256:7 pin=\x7f",
		/* options that belong to other verbs; misplaced words */
		"new hmac-sha256 pcrs=sha256:7 blob=00", "new hmac-sha256 pcrs=sha256:7 load",
		"new pcrs=sha256:7 hmac-sha256", "new hmac-sha256 pcrs=sha256:7  pin=a",
		"new hmac-sha256 pcrs=sha256:7 ", "new hmac-sha256 pcr=sha256:7",
		"new hmac-sha256 PCRS=sha256:7",
		/* update is for keyctl update only */
		"update", "update pcrs=sha256:7",
	};
	static const char *const bad_load[] = {
		"load", "load ", "load 0", "load abc", "load zz", "load 4b564231",
		"load 4b5642", "load  4b564231", "load 4b564231 pin=", "load -",
		"load 4b564231 pcrs=sha256:7", "load 4b564231 extra",
		"load 4b564231 pin=a pin=a", "loadx 4b564231", "load pin=a",
	};
	static char big[KVAULT_KEY_PAYLOAD_MAX + 64];
	char name[32];
	size_t i;
	key_serial_t rc;

	/* the controls: the same grammar, well formed, works */
	ASSERT_LT(0, kt_add("sl-badn-ok", "new hmac-sha256 pcrs=sha256:0-2,7,16 "
			    "pin=" PIN, self->ring));
	ASSERT_LT(0, kt_add("sl-badn-ok2", "new aes-128 usage=encrypt pcrs=sha1:23 "
			    "pcrvalues=0000000000000000000000000000000000000000 exportable=1",
			    self->ring));
	for (i = 0; i < sizeof(bad_new) / sizeof(bad_new[0]); i++) {
		snprintf(name, sizeof(name), "sl-badn-%zu", i);
		rc = kt_add(name, bad_new[i], self->ring);
		EXPECT_EQ(-EINVAL, rc) TH_LOG("\"%s\": %d", bad_new[i], rc);
	}
	/* the same options on import */
	ASSERT_EQ(0, kt_set_import(1));
	rc = kt_add("sl-badi", "import hmac-sha256 "
		    "0000000000000000000000000000000000000000000000000000000000000000 "
		    "pcrs=sha256:24", self->ring);
	EXPECT_EQ(-EINVAL, rc);
	rc = kt_add("sl-badi", "import hmac-sha256 "
		    "0000000000000000000000000000000000000000000000000000000000000000 "
		    "pcrs=sha256:7 pin=", self->ring);
	EXPECT_EQ(-EINVAL, rc);
	kt_set_import(0);
	for (i = 0; i < sizeof(bad_load) / sizeof(bad_load[0]); i++) {
		snprintf(name, sizeof(name), "sl-badl-%zu", i);
		rc = kt_add(name, bad_load[i], self->ring);
		EXPECT_TRUE(rc == -EINVAL || rc == -EBADMSG) TH_LOG("\"%s\": %d", bad_load[i], rc);
	}
	/* a hex blob longer than KVAULT_BLOB_MAX */
	memcpy(big, "load ", 5);
	memset(big + 5, 'a', 2 * KVAULT_BLOB_MAX + 2);
	big[5 + 2 * KVAULT_BLOB_MAX + 2] = '\0';
	EXPECT_EQ(-EINVAL, kt_add("sl-badl-big", big, self->ring));
	/* a payload past KVAULT_KEY_PAYLOAD_MAX */
	memset(big + 5, 'a', KVAULT_KEY_PAYLOAD_MAX + 2);
	big[5 + KVAULT_KEY_PAYLOAD_MAX + 2] = '\0';
	EXPECT_EQ(-EINVAL, kt_add("sl-badl-big", big, self->ring));

	/* bad update payloads, on a sealed key with write permission */
	{
		static const char *const bad_upd[] = {
			"update pcrs=", "update pcrs=sha256:24", "update pin=",
			"update pcrvalues=00", "update x", "update  ", "new aes-128",
			"load 4b564231", "update pcrs=sha256:7 pcrs=sha256:7", "",
		};
		key_serial_t id = kt_add("sl-badu", "new aes-128 pcrs=sha256:7", self->ring);

		ASSERT_LT(0, id);
		ASSERT_EQ(0, grant_write(id));
		for (i = 0; i < sizeof(bad_upd) / sizeof(bad_upd[0]); i++) {
			long n = kt_keyctl(KEYCTL_UPDATE, (unsigned long)id,
					   (unsigned long)bad_upd[i], strlen(bad_upd[i]), 0);

			EXPECT_EQ(-EINVAL, n) TH_LOG("update \"%s\": %ld", bad_upd[i], n);
		}
	}
	ASSERT_HANDLES_CLEAN("bad keyctl options");
}

TEST_F_TIMEOUT(seal, bad_ioctl_structs, 120)
{
	struct kvault_key_seal s;
	struct blob b, good;
	uint8_t values[SHA256_LEN] = { 0 };
	uint8_t *page;
	static uint8_t big[KVAULT_BLOB_MAX + 64];
	char tail[sizeof(s) + 16];
	key_serial_t id;
	size_t i;
	static const unsigned long cmds[] = {
		KVAULT_IOC_KEY_SEAL, KVAULT_IOC_KEY_RESEAL,
		KVAULT_IOC_KEY_LOAD, KVAULT_IOC_KEY_CHECK,
	};

	ASSERT_EQ(0, kv_create(self->fd, "sl-badio", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, &good, NULL));

#define SEAL_REQ(cmd) do {						\
	seal_init(&s);							\
	if ((cmd) == KVAULT_IOC_KEY_SEAL || (cmd) == KVAULT_IOC_KEY_RESEAL) { \
		s.id = id;						\
		s.pcr_bank = KVAULT_TPM_ALG_SHA256;			\
		s.pcr_mask = 1U << 7;					\
		s.blob = (uintptr_t)b.b;				\
		s.blob_len = sizeof(b.b);				\
	} else {							\
		s.blob = (uintptr_t)good.b;				\
		s.blob_len = good.len;					\
		if ((cmd) == KVAULT_IOC_KEY_LOAD)			\
			snprintf(s.name, sizeof(s.name), "sl-badio-l"); \
	}								\
} while (0)

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		unsigned long cmd = cmds[i];

		/* sizes */
		SEAL_REQ(cmd);
		s.size = KVAULT_KEY_SEAL_SIZE_VER0 - 1;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: short", i);
		SEAL_REQ(cmd);
		s.size = 0;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: size 0", i);
		SEAL_REQ(cmd);
		memset(tail, 0, sizeof(tail));
		memcpy(tail, &s, sizeof(s));
		((struct kvault_key_seal *)tail)->size = sizeof(tail);
		tail[sizeof(s) + 3] = 1;
		EXPECT_EQ(-E2BIG, ioctl_errno(self->fd, cmd, tail)) TH_LOG("cmd %zu: tail", i);
		/* flags */
		SEAL_REQ(cmd);
		s.flags = 1U << 7;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: flag 7", i);
		SEAL_REQ(cmd);
		s.flags = 1U << 31;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: flag 31", i);
		/* reserved */
		SEAL_REQ(cmd);
		s.reserved0 = 1;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: reserved0", i);
		SEAL_REQ(cmd);
		s.reserved[3] = 1;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: reserved", i);
		/* PIN: length 0, too long, bad pointer */
		if (cmd != KVAULT_IOC_KEY_CHECK) {
			SEAL_REQ(cmd);
			s.flags |= KVAULT_SEAL_PIN;
			s.pin = (uintptr_t)PIN;
			s.pin_len = 0;
			EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: pin_len 0", i);
			s.pin_len = KVAULT_PIN_MAX + 1;
			s.pin = (uintptr_t)big;
			memset(big, 'a', KVAULT_PIN_MAX + 1);
			EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: pin_len 33", i);
			s.pin_len = 4;
			s.pin = 8;
			EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: pin ptr", i);
			s.pin = (uintptr_t)"a b\x01";
			EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: pin chars", i);
		} else {
			SEAL_REQ(cmd);
			s.flags = KVAULT_SEAL_PIN;
			s.pin = (uintptr_t)PIN;
			s.pin_len = 4;
			EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("CHECK with a PIN flag");
		}
	}

	/* SEAL and RESEAL: bank, mask, values */
	for (i = 0; i < 2; i++) {
		unsigned long cmd = cmds[i];

		SEAL_REQ(cmd);
		s.pcr_bank = 0x0001;	/* TPM_ALG_RSA: not a bank */
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: bank", i);
		SEAL_REQ(cmd);
		s.pcr_mask = 1U << 24;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: mask", i);
		SEAL_REQ(cmd);
		s.flags = KVAULT_SEAL_PCR_VALUES;
		s.pcr_values = (uintptr_t)values;
		s.pcr_values_len = SHA256_LEN - 1;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: values short", i);
		s.pcr_values_len = SHA256_LEN + 1;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: values long", i);
		s.pcr_values_len = 0;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: values 0", i);
		s.pcr_values_len = SHA256_LEN;
		s.pcr_values = 8;
		EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: values ptr", i);
		/* a bad blob buffer */
		SEAL_REQ(cmd);
		s.blob = 8;
		EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: blob ptr", i);
		SEAL_REQ(cmd);
		s.id = 0x7ffffff0;
		EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: no key", i);
	}
	/* the kernel struct's out fields on a good SEAL, size VER0 */
	SEAL_REQ(KVAULT_IOC_KEY_SEAL);
	s.size = KVAULT_KEY_SEAL_SIZE_VER0;
	EXPECT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_SEAL, &s));
	EXPECT_EQ(KVAULT_KEY_SEAL_SIZE_VER0, s.size);

	/* LOAD and CHECK: ids, names, blob lengths and pointers */
	SEAL_REQ(KVAULT_IOC_KEY_LOAD);
	s.id = id;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_LOAD, &s));
	SEAL_REQ(KVAULT_IOC_KEY_LOAD);
	s.name[0] = '\0';
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_LOAD, &s));
	SEAL_REQ(KVAULT_IOC_KEY_LOAD);
	s.name[sizeof(s.name) - 1] = 'x';	/* garbage after the NUL */
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_LOAD, &s));
	SEAL_REQ(KVAULT_IOC_KEY_LOAD);
	memset(s.name, 'n', sizeof(s.name));	/* no NUL */
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_LOAD, &s));
	SEAL_REQ(KVAULT_IOC_KEY_LOAD);
	snprintf(s.name, sizeof(s.name), "bad name");
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_LOAD, &s));
	SEAL_REQ(KVAULT_IOC_KEY_LOAD);
	s.flags = KVAULT_SEAL_PCR_VALUES;
	s.pcr_values = (uintptr_t)values;
	s.pcr_values_len = SHA256_LEN;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_LOAD, &s));
	SEAL_REQ(KVAULT_IOC_KEY_CHECK);
	s.id = id;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_CHECK, &s));
	SEAL_REQ(KVAULT_IOC_KEY_CHECK);
	snprintf(s.name, sizeof(s.name), "x");
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_CHECK, &s));

	for (i = 2; i < 4; i++) {
		unsigned long cmd = cmds[i];

		SEAL_REQ(cmd);
		s.blob_len = 0;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: blob_len 0", i);
		SEAL_REQ(cmd);
		memset(big, 0, sizeof(big));
		memcpy(big, good.b, good.len);
		s.blob = (uintptr_t)big;
		s.blob_len = KVAULT_BLOB_MAX + 1;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: blob_len MAX+1", i);
		s.blob_len = 0xffffffff;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: blob_len ~0", i);
		SEAL_REQ(cmd);
		s.blob = 8;
		EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: blob ptr", i);
		/* a blob that straddles into an unmapped page */
		page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, page);
		ASSERT_EQ(0, munmap(page + 4096, 4096));
		memcpy(page + 4096 - good.len / 2, good.b, good.len / 2);
		SEAL_REQ(cmd);
		s.blob = (uintptr_t)(page + 4096 - good.len / 2);
		EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: straddling blob", i);
		munmap(page, 4096);
		/* garbage of every kind */
		SEAL_REQ(cmd);
		memset(big, 0, sizeof(big));
		s.blob = (uintptr_t)big;
		s.blob_len = good.len;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: zeros", i);
		memset(big, 0xff, good.len);
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, cmd, &s)) TH_LOG("cmd %zu: 0xff", i);
	}
	EXPECT_EQ(-ENOENT, kv_op(self->fd, KVAULT_IOC_KEY_INFO, 0, "sl-badio-l", 0, NULL));
	ASSERT_HANDLES_CLEAN("bad ioctl structs");
#undef SEAL_REQ
}

/*
 * Flip every byte of a real blob, one at a time: LOAD fails, with EINVAL
 * or EBADMSG (EKEYREJECTED or EACCES only for a flip inside the TPM's own
 * public or private area), and never gives a key. Then every truncation.
 */
TEST_F_TIMEOUT(seal, corruption_every_offset, 1800)
{
	static const char *const region[] = { "header", "values", "tpmkey", "pub/priv", "tag" };
	unsigned int count[5][4] = { { 0 } };	/* EINVAL EBADMSG EKEYREJECTED|EACCES other */
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b, c;
	char name[48];
	key_serial_t id, got;
	size_t off, bad = 0;
	int rc, reg, k;

	ASSERT_EQ(0, kv_create(self->fd, "sl-corrupt", KVAULT_ALG_HMAC_SHA256, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7 | 1U << 16, NULL, NULL, 0, &b, &r));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	/* the unflipped blob loads (so a failure below is the flip's) */
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-corrupt-ok", NULL, NULL, &r));

	for (off = 0; off < b.len; off++) {
		c = b;
		c.b[off] ^= 0xff;
		snprintf(name, sizeof(name), "sl-c-%zu", off);
		rc = kv_load(self->fd, c.b, c.len, name, NULL, &got, &r);
		if (off < p.values_off)
			reg = 0;
		else if (off < p.tpmkey_off)
			reg = 1;
		else if ((off >= p.pub_off && off < p.pub_off + p.pub_len) ||
			 (off >= p.priv_off && off < p.priv_off + p.priv_len))
			reg = 3;
		else if (off < p.tag_off)
			reg = 2;
		else
			reg = 4;
		k = rc == -EINVAL ? 0 : rc == -EBADMSG ? 1 :
		    (rc == -EKEYREJECTED || rc == -EACCES) ? 2 : 3;
		count[reg][k]++;
		if (k == 3 || (k == 2 && reg != 3)) {
			bad++;
			EXPECT_EQ(-EBADMSG, rc) TH_LOG("flip at %zu (%s): %d", off, region[reg], rc);
			if (!rc && got > 0)
				kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, got, NULL, 0, NULL);
		}
		if (bad > 20)
			break;
	}
	for (reg = 0; reg < 5; reg++)
		TH_LOG("flips in %s: EINVAL %u, EBADMSG %u, EKEYREJECTED/EACCES %u, other %u",
		       region[reg], count[reg][0], count[reg][1], count[reg][2], count[reg][3]);
	EXPECT_EQ(0u, bad);
	ASSERT_HANDLES_CLEAN("every corrupt blob");

	/* every truncation */
	for (off = 1; off < b.len; off++) {
		snprintf(name, sizeof(name), "sl-t-%zu", off);
		rc = kv_load(self->fd, b.b, off, name, NULL, &got, &r);
		EXPECT_TRUE(rc == -EINVAL || rc == -EBADMSG)
			TH_LOG("truncated to %zu of %u: %d", off, b.len, rc);
		if (!rc && ++bad > 20)
			break;
	}
	/* one byte more */
	c = b;
	c.b[c.len++] = 0;
	rc = kv_load(self->fd, c.b, c.len, "sl-t-long", NULL, NULL, &r);
	EXPECT_TRUE(rc == -EINVAL || rc == -EBADMSG) TH_LOG("one byte appended: %d", rc);
	/* CHECK on a flipped TPMKey: an error (malformed) or not loadable */
	c = b;
	c.b[p.priv_off + p.priv_len / 2] ^= 0xff;
	rc = kv_check(self->fd, &c, &r);
	EXPECT_TRUE(rc == -EBADMSG || rc == -EINVAL || (!rc && !(r.status & KVAULT_SEAL_ST_LOADABLE)))
		TH_LOG("check of a corrupt private area: %d status %#x", rc, r.status);
	ASSERT_HANDLES_CLEAN("every truncation");
}

/* Editing the header (usage, exportable, algorithm) is caught. */
TEST_F_TIMEOUT(seal, edited_metadata_refused, 120)
{
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b, c;
	key_serial_t id;

	ASSERT_EQ(0, kv_create(self->fd, "sl-edit", KVAULT_ALG_AES_256,
			       0, KVAULT_USAGE_ENCRYPT, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, &b, &r));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_USAGE_ENCRYPT, p.usage);
	/* gain decrypt */
	c = b;
	c.b[19] |= KVAULT_USAGE_DECRYPT;
	EXPECT_EQ(-EBADMSG, kv_load(self->fd, c.b, c.len, "sl-edit-1", NULL, NULL, &r));
	/* become exportable */
	c = b;
	c.b[23] |= KVAULT_KEY_EXPORTABLE;
	EXPECT_EQ(-EBADMSG, kv_load(self->fd, c.b, c.len, "sl-edit-2", NULL, NULL, &r));
	/* another algorithm with the same length */
	c = b;
	c.b[11] = KVAULT_ALG_AES_XTS_256;
	EXPECT_EQ(-EBADMSG, kv_load(self->fd, c.b, c.len, "sl-edit-3", NULL, NULL, &r));
	/* drop the PCR policy's values for others: caught before the TPM */
	c = b;
	c.b[p.values_off] ^= 1;
	EXPECT_EQ(-EBADMSG, kv_load(self->fd, c.b, c.len, "sl-edit-4", NULL, NULL, &r));
	EXPECT_EQ(0u, r.tpm_rc);
	ASSERT_HANDLES_CLEAN("edited metadata");
}

/* ---- tpm2-tools cross-checks ------------------------------------------------- */

/* tpm2_policypcr (trial session) for @bank/@mask [+ policyauthvalue]. */
static int tools_policy(uint16_t bank, uint32_t mask, const uint8_t *values,
			size_t vlen, int pin, uint8_t *digest, char *out, size_t len)
{
	char list[96], fopt[64] = "";
	long n;

	if (values) {
		if (write_file(WORK "/values.bin", values, vlen))
			return -1;
		snprintf(fopt, sizeof(fopt), "-f %s/values.bin", WORK);
	}
	mask_list(mask, list, sizeof(list));
	if (sh(out, len, "set -e; export " TOOLS_RM "; cd " WORK "; rm -f pol.bin s.ctx\n"
	       "tpm2_startauthsession -S s.ctx\n"
	       "tpm2_policypcr -S s.ctx -l %s:%s %s -L pol.bin\n"
	       "%s"
	       "tpm2_flushcontext s.ctx\n",
	       bank_name(bank), list, fopt,
	       pin ? "tpm2_policyauthvalue -S s.ctx -L pol.bin\n" : ""))
		return -1;
	n = read_file(WORK "/pol.bin", digest, 64);
	return n == SHA256_LEN ? 0 : -1;
}

/*
 * PolicyPCR [+ PolicyAuthValue] computed here (TPM 2.0 part 3, 23.7 and
 * 23.18), for selections tpm2_policypcr refuses (more than 8 PCRs):
 * H(0^32 || TPM_CC_PolicyPCR || TPML_PCR_SELECTION || H(values)), then
 * H(that || TPM_CC_PolicyAuthValue); every hash SHA-256 (the nameAlg).
 */
static int policy_digest_c(uint16_t bank, uint32_t mask, const uint8_t *values,
			   size_t vlen, int pin, uint8_t out[SHA256_LEN])
{
	uint8_t buf[32 + 4 + 10 + SHA256_LEN];
	static const uint8_t cc_pcr[4] = { 0, 0, 0x01, 0x7f };
	static const uint8_t cc_auth[4] = { 0, 0, 0x01, 0x6b };

	memset(buf, 0, 32);
	memcpy(buf + 32, cc_pcr, 4);
	memcpy(buf + 36, "\0\0\0\1", 4);		/* count */
	buf[40] = (uint8_t)(bank >> 8);
	buf[41] = (uint8_t)bank;
	buf[42] = 3;				/* sizeofSelect */
	buf[43] = (uint8_t)mask;
	buf[44] = (uint8_t)(mask >> 8);
	buf[45] = (uint8_t)(mask >> 16);
	if (kcapi_md_sha256(values, vlen, buf + 46, SHA256_LEN) != SHA256_LEN ||
	    kcapi_md_sha256(buf, sizeof(buf), out, SHA256_LEN) != SHA256_LEN)
		return -1;
	if (!pin)
		return 0;
	memcpy(buf, out, SHA256_LEN);
	memcpy(buf + SHA256_LEN, cc_auth, 4);
	return kcapi_md_sha256(buf, SHA256_LEN + 4, out, SHA256_LEN) == SHA256_LEN ? 0 : -1;
}

TEST_F_TIMEOUT(seal, policy_digest_matches_tpm2_policypcr, 120)
{
	struct {
		uint16_t bank;
		uint32_t mask;
		int pin, explicit;
	} cases[] = {
		{ KVAULT_TPM_ALG_SHA256, 1U << 0 | 1U << 7 | 1U << 16, 0, 0 },
		{ KVAULT_TPM_ALG_SHA256, 1U << 7, 1, 0 },
		{ KVAULT_TPM_ALG_SHA1, 1U << 0 | 1U << 2 | 1U << 7, 0, 0 },
		{ KVAULT_TPM_ALG_SHA384, 0xff, 0, 0 },
		{ KVAULT_TPM_ALG_SHA512, 1U << 23, 1, 0 },
		{ KVAULT_TPM_ALG_SHA256, 1U << 16 | 1U << 23, 0, 1 },
		{ KVAULT_TPM_ALG_SHA256, KVAULT_PCR_MASK_ALL, 0, 0 },
	};
	uint8_t want[64], mine[SHA256_LEN], values[KVAULT_PCR_COUNT * 64];
	static char out[8192];
	struct kvault_key_seal r;
	struct parsed p;
	struct blob b;
	key_serial_t id;
	size_t i, vlen;

	ASSERT_EQ(0, kv_create(self->fd, "sl-pol", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vlen = digest_size(cases[i].bank) * (size_t)popcount(cases[i].mask);
		if (cases[i].explicit)
			memset(values, 0x3c, vlen);
		ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, cases[i].bank,
				     cases[i].mask, cases[i].pin ? PIN : NULL,
				     cases[i].explicit ? values : NULL, vlen, &b, &r))
			TH_LOG("case %zu: seal tpm_rc %#x", i, r.tpm_rc);
		ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
		ASSERT_EQ(SHA256_LEN, p.authpol_len);
		/* computed here, from the values the blob names */
		EXPECT_EQ(vlen, p.nvalues * p.digest_size);
		if (!cases[i].explicit)
			EXPECT_EQ((long)vlen, current_values(cases[i].bank, cases[i].mask, values));
		ASSERT_EQ(0, policy_digest_c(cases[i].bank, cases[i].mask, values, vlen,
					     cases[i].pin, mine));
		EXPECT_EQ(0, memcmp(mine, b.b + p.authpol_off, SHA256_LEN))
			TH_LOG("case %zu (%s, mask %#x, pin %d): authPolicy is not PolicyPCR%s",
			       i, bank_name(cases[i].bank), cases[i].mask, cases[i].pin,
			       cases[i].pin ? " + PolicyAuthValue" : "");
		/* tpm2_policypcr takes at most 8 PCRs */
		if (popcount(cases[i].mask) > 8)
			continue;
		ASSERT_EQ(0, tools_policy(cases[i].bank, cases[i].mask,
					  cases[i].explicit ? values : NULL, vlen,
					  cases[i].pin, want, out, sizeof(out)))
			TH_LOG("case %zu: %s", i, out);
		EXPECT_EQ(0, memcmp(want, b.b + p.authpol_off, SHA256_LEN))
			TH_LOG("case %zu (%s, mask %#x, pin %d): kvault's authPolicy differs from tpm2_policypcr's",
			       i, bank_name(cases[i].bank), cases[i].mask, cases[i].pin);
		EXPECT_EQ(0, memcmp(want, mine, SHA256_LEN));
	}
	ASSERT_HANDLES_CLEAN("policy digests");
}

/*
 * Known material, imported and sealed by kvault, opened by tpm2-tools
 * alone: tpm2_createprimary (the same SRK template) or the persistent
 * SRK, tpm2_load, a PolicyPCR [+ PolicyAuthValue] session, tpm2_unseal.
 */
static void tools_unseal(struct __test_metadata *_metadata, const struct blob *b,
			 const struct parsed *p, const char *pcrs, const char *pin,
			 uint8_t *outbuf, long *outlen)
{
	static char out[16384];
	char parent[32];
	int rc;

	ASSERT_EQ(0, write_file(WORK "/pub", b->b + p->pub_off, p->pub_len));
	ASSERT_EQ(0, write_file(WORK "/priv", b->b + p->priv_off, p->priv_len));
	if (p->parent == 0x81000001)
		snprintf(parent, sizeof(parent), "0x81000001");
	else
		snprintf(parent, sizeof(parent), "srk.ctx");
	rc = sh(out, sizeof(out), "set -e; export " TOOLS_RM "; cd " WORK "\n"
		"rm -f srk.ctx obj.ctx s.ctx secret\n"
		"%s"
		"tpm2_load -Q -C %s -u pub -r priv -c obj.ctx\n"
		"tpm2_startauthsession -Q --policy-session -S s.ctx\n"
		"tpm2_policypcr -Q -S s.ctx -l %s\n"
		"%s"
		"tpm2_unseal -c obj.ctx -p session:s.ctx%s%s -o secret\n"
		"tpm2_flushcontext s.ctx\n",
		p->parent == 0x81000001 ? "" :
		"tpm2_createprimary -Q " SRK_TEMPLATE " -c srk.ctx\n",
		parent, pcrs,
		pin ? "tpm2_policyauthvalue -Q -S s.ctx\n" : "",
		pin ? "+" : "", pin ? pin : "");
	ASSERT_EQ(0, rc) TH_LOG("tpm2-tools: %s", out);
	*outlen = read_file(WORK "/secret", outbuf, 256);
}

TEST_F_TIMEOUT(seal, tpm2_tools_unseal_imported_material, 120)
{
	/* "kvault-known-material-0123456789" */
	static const char hexkey[] =
		"6b7661756c742d6b6e6f776e2d6d6174657269616c2d30313233343536373839";
	static char payload[2 * KVAULT_BLOB_MAX + 256];
	uint8_t key[32], got[256];
	struct parsed p;
	struct blob b;
	key_serial_t id;
	long n;

	ASSERT_EQ(0, hex_decode(hexkey, key, sizeof(key)));
	ASSERT_EQ(0, kt_set_import(1));
	snprintf(payload, sizeof(payload), "import hmac-sha256 %s pcrs=sha256:0,7", hexkey);
	id = kt_add("sl-tools", payload, self->ring);
	kt_set_import(0);
	ASSERT_LT(0, id) TH_LOG("import ... pcrs=: %d", id);
	ASSERT_LT(0, key_read_hex(id, payload, sizeof(payload)));
	ASSERT_EQ(0, hex_to_blob(payload, &b));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	EXPECT_EQ(KVAULT_KEY_IMPORTED, p.attrs & KVAULT_KEY_IMPORTED);
	EXPECT_EQ(NULL, memmem(b.b, b.len, key, sizeof(key))) TH_LOG("material in the blob");
	tools_unseal(_metadata, &b, &p, "sha256:0,7", NULL, got, &n);
	ASSERT_EQ((long)sizeof(key), n);
	EXPECT_EQ(0, memcmp(key, got, sizeof(key))) TH_LOG("tpm2_unseal gave other bytes");

	/* with a PIN: PolicyPCR + PolicyAuthValue, the PIN as authValue */
	ASSERT_EQ(0, kt_set_import(1));
	snprintf(payload, sizeof(payload), "import hmac-sha256 %s pcrs=sha1:7 pin=" PIN, hexkey);
	id = kt_add("sl-tools-pin", payload, self->ring);
	kt_set_import(0);
	ASSERT_LT(0, id) TH_LOG("import ... pin=: %d", id);
	ASSERT_LT(0, key_read_hex(id, payload, sizeof(payload)));
	ASSERT_EQ(0, hex_to_blob(payload, &b));
	ASSERT_EQ(0, parse_blob(b.b, b.len, &p)) TH_LOG("%s", p.err);
	tools_unseal(_metadata, &b, &p, "sha1:7", PIN, got, &n);
	ASSERT_EQ((long)sizeof(key), n);
	EXPECT_EQ(0, memcmp(key, got, sizeof(key)));
	ASSERT_HANDLES_CLEAN("tpm2-tools unseal");
}

/* kvault's cached SRK is the template tpm2-tools makes. */
TEST_F_TIMEOUT(seal, srk_is_the_tcg_template, 120)
{
	static char out[16384];
	char handle[16];
	const char *h;
	key_serial_t id;

	ASSERT_EQ(0, kv_create(self->fd, "sl-srk", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, NULL, NULL));
	ASSERT_LE(0, tpm_handles("handles-persistent", out, sizeof(out)));
	if (strstr(out, "0x81000001"))
		SKIP(return, "a persistent SRK at 0x81000001 is in use: nothing cached");
	ASSERT_EQ(1, tpm_handles("handles-transient", out, sizeof(out)))
		TH_LOG("kvault caches its SRK: %s", out);
	h = strstr(out, "0x");
	ASSERT_NE(NULL, h);
	snprintf(handle, sizeof(handle), "%.10s", h);
	ASSERT_EQ(0, sh(out, sizeof(out), "set -e; cd " WORK "\n"
			TOOLS_RAW " tpm2_readpublic -c %s -n kv.name >/dev/null\n"
			TOOLS_RM " tpm2_createprimary -Q " SRK_TEMPLATE " -c srk.ctx\n"
			TOOLS_RM " tpm2_readpublic -c srk.ctx -n tools.name >/dev/null\n"
			"cmp kv.name tools.name", handle)) TH_LOG("%s", out);
}

/* Someone flushes kvault's cached SRK: the next seal and load recreate it. */
TEST_F_TIMEOUT(seal, flushed_srk_is_recreated, 120)
{
	static char out[4096];
	uint8_t sig[SIG256], sig2[SIG256];
	struct kvault_key_seal r;
	struct blob b;
	char handle[16];
	const char *h;
	key_serial_t id, id2;
	int round;

	id = hmac_key(_metadata, self->fd, "sl-flush", sig);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, &b, &r));
	ASSERT_LE(0, tpm_handles("handles-persistent", out, sizeof(out)));
	if (strstr(out, "0x81000001"))
		SKIP(return, "a persistent SRK at 0x81000001 is in use: nothing cached to flush");
	/* round 0: flush, then load; round 1: flush, then seal, then load */
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(1, tpm_handles("handles-transient", out, sizeof(out)))
			TH_LOG("round %d: %s", round, out);
		h = strstr(out, "0x");
		ASSERT_NE(NULL, h);
		snprintf(handle, sizeof(handle), "%.10s", h);
		ASSERT_EQ(0, sh(out, sizeof(out), TOOLS_RAW " tpm2_flushcontext %s", handle))
			TH_LOG("%s", out);
		ASSERT_EQ(0, tpm_handles("handles-transient", out, sizeof(out)));
		if (round)
			ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id,
					     KVAULT_TPM_ALG_SHA256, 1U << 7, NULL, NULL, 0,
					     &b, &r)) TH_LOG("seal after the flush: %#x", r.tpm_rc);
		ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, round ? "sl-flush-l1" : "sl-flush-l0",
				     NULL, &id2, &r))
			TH_LOG("round %d: load after the flush: tpm_rc %#x", round, r.tpm_rc);
		ASSERT_EQ(SIG256, sign(id2, sig2, sizeof(sig2)));
		EXPECT_EQ(0, memcmp(sig, sig2, sizeof(sig)));
		ASSERT_HANDLES_CLEAN("recreating a flushed SRK");
	}
}

/* ---- permissions ---------------------------------------------------------------- */

TEST_F_TIMEOUT(seal, unprivileged_refused, 120)
{
	static char payload[2 * KVAULT_BLOB_MAX + 16];
	struct blob b;
	key_serial_t id;
	pid_t pid;
	int st;

	ASSERT_EQ(0, kv_create(self->fd, "sl-perm", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, &b, NULL));
	hex_encode(b.b, b.len, payload + snprintf(payload, sizeof(payload), "load "));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		key_serial_t ring;

		if (drop_privileges(NOBODY, NOBODY))
			_exit(10);
		ring = kt_new_ring("sl-nobody");
		if (ring < 0)
			_exit(11);
		if (kt_add("sl-perm-1", "new aes-128 pcrs=sha256:7", ring) != -EPERM)
			_exit(12);
		if (kt_add("sl-perm-2", payload, ring) != -EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("12: new with pcrs=, 13: load, as nobody");
}

/* ---- last: the boot lock ---------------------------------------------------------- */

TEST_F_TIMEOUT(seal, zz_boot_lock_then_reload, 120)
{
	static const char lock[] = "kvault boot lock";
	static char payload[2 * KVAULT_BLOB_MAX + 16], buf[512];
	uint8_t before[64], after[64], h[64], cat[128];
	const char *ko = getenv("KVAULT_KO");
	struct kvault_key_seal r;
	struct kvault_pcr_extend e;
	struct blob b;
	key_serial_t id;
	int fd;

	ASSERT_EQ(0, pcr16_reset());
	ASSERT_EQ(0, kv_create(self->fd, "sl-lock", KVAULT_ALG_HMAC_SHA256, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
			     1U << 7, NULL, NULL, 0, &b, &r));
	id = kt_add("sl-lock-kc", "new aes-128 pcrs=sha256:7", self->ring);
	ASSERT_LT(0, id);

	/* malformed extends do not lock */
	EXPECT_EQ(-EINVAL, pcr_extend_ioctl(self->fd, 16, 1, 0));
	EXPECT_EQ(-EINVAL, pcr_extend_ioctl(self->fd, KVAULT_PCR_COUNT, 0, 0));
	EXPECT_EQ(-EINVAL, pcr_extend_ioctl(self->fd, 16, 0, 1));
	memset(&e, 0, sizeof(e));
	e.size = KVAULT_PCR_EXTEND_SIZE_VER0 - 1;
	e.pcr = 16;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_EXTEND, &e));
	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.pcr = 16;
	e.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_EXTEND, &e));
	ASSERT_EQ(0, kv_load(self->fd, b.b, b.len, "sl-lock-l0", NULL, NULL, &r))
		TH_LOG("a malformed extend locked the vault");

	/* the lock: PCR 16 extended with H("kvault boot lock") in every bank */
	ASSERT_EQ(SHA256_LEN, sysfs_pcr("sha256", 16, before, sizeof(before)));
	ASSERT_EQ(0, pcr_extend_ioctl(self->fd, 16, 0, 0));
	ASSERT_EQ(SHA256_LEN, sysfs_pcr("sha256", 16, after, sizeof(after)));
	ASSERT_EQ(SHA256_LEN, kcapi_md_sha256((const uint8_t *)lock, strlen(lock), h, 64));
	memcpy(cat, before, SHA256_LEN);
	memcpy(cat + SHA256_LEN, h, SHA256_LEN);
	ASSERT_EQ(SHA256_LEN, kcapi_md_sha256(cat, 2 * SHA256_LEN, h, 64));
	EXPECT_EQ(0, memcmp(h, after, SHA256_LEN)) TH_LOG("PCR 16 is not old || H(lock)");
	ASSERT_EQ(20, sysfs_pcr("sha1", 16, before, sizeof(before)));
	EXPECT_NE(0, memcmp(before, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20))
		TH_LOG("the sha1 bank's PCR 16 was not extended");

	EXPECT_EQ(-EPERM, kv_load(self->fd, b.b, b.len, "sl-lock-l1", NULL, NULL, &r));
	EXPECT_EQ(-EPERM, kv_seal(self->fd, KVAULT_IOC_KEY_SEAL, id, KVAULT_TPM_ALG_SHA256,
				  1U << 7, NULL, NULL, 0, NULL, NULL));
	EXPECT_EQ(-EPERM, kv_seal(self->fd, KVAULT_IOC_KEY_RESEAL, id, 0, 0, NULL, NULL,
				  0, NULL, NULL));
	EXPECT_EQ(-EPERM, kt_add("sl-lock-kc2", "new aes-128 pcrs=sha256:7", self->ring));
	hex_encode(b.b, b.len, payload + snprintf(payload, sizeof(payload), "load "));
	EXPECT_EQ(-EPERM, kt_add("sl-lock-kc3", payload, self->ring));
	EXPECT_EQ(0, grant_write(id));
	EXPECT_EQ(-EPERM, kt_keyctl(KEYCTL_UPDATE, (unsigned long)id, (unsigned long)"update", 6, 0));
	/* keys without sealing are untouched */
	EXPECT_EQ(0, kv_create(self->fd, "sl-lock-plain", KVAULT_ALG_AES_128, 0, 0, 0, NULL));
	ASSERT_HANDLES_CLEAN("the boot lock");
	ASSERT_EQ(0, pcr16_reset());

	/* until the module is loaded again */
	if (!ko)
		SKIP(return, "KVAULT_KO is not set: cannot reload kvault to unlock it");
	kt_keyctl(KEYCTL_CLEAR, (unsigned long)self->ring, 0, 0, 0);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "rmmod kvault 2>&1")) TH_LOG("%s", buf);
	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "insmod %s 2>&1", ko)) TH_LOG("%s", buf);
	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, kv_load(fd, b.b, b.len, "sl-lock-l2", NULL, NULL, &r))
		TH_LOG("after reload: %#x", r.tpm_rc);
	ASSERT_HANDLES_CLEAN("reload");
	close(fd);
}

TEST_HARNESS_MAIN
