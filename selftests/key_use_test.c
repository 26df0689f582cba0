// SPDX-License-Identifier: GPL-2.0
/*
 * Using vault keys through keyctl's public-key operations (KEYCTL_PKEY_*):
 * AES-GCM encrypt/decrypt and HMAC sign/verify, checked against libkcapi
 * (AF_ALG) on imported known keys; usage flags (EKEYREJECTED), states,
 * versions, use counters, hostile parameters, sizes at and past every
 * limit, use without read by another user, and keyutils' keyctl(1) round
 * trips. Needs the module loaded; turns allow_plaintext_import on only
 * around the imports.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kcapi.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"
#include "crypto_util.h"
#include "seal_util.h"

#define NOBODY 65534
#define SIG256 (4 + 32)
#define ENC_MAX (KVAULT_PKEY_MAX_DATA + KVAULT_CIPHERTEXT_OVERHEAD)
#define CANARY 0xa5
#define KEYCTL_TOOL "/usr/bin/keyctl"	/* Debian's keyutils */

static const char msg[] = "kvault: use a key you cannot read";
#define MSGLEN ((long)sizeof(msg))

static long pk_query(key_serial_t id, const char *info,
		     struct keyctl_pkey_query *q)
{
	memset(q, 0, sizeof(*q));
	return kt_keyctl(KEYCTL_PKEY_QUERY, (unsigned long)id, 0,
			 (unsigned long)info, (unsigned long)q);
}

/* encrypt, decrypt or sign: returns bytes out or -errno */
static long pk_op(int op, key_serial_t id, const char *info, const void *in,
		  size_t in_len, void *out, size_t out_len)
{
	struct keyctl_pkey_params p;

	memset(&p, 0, sizeof(p));
	p.key_id = id;
	p.in_len = (uint32_t)in_len;
	p.out_len = (uint32_t)out_len;
	return kt_keyctl(op, (unsigned long)&p, (unsigned long)info,
			 (unsigned long)in, (unsigned long)out);
}

static long pk_verify(key_serial_t id, const char *info, const void *in,
		      size_t in_len, const void *sig, size_t sig_len)
{
	struct keyctl_pkey_params p;

	memset(&p, 0, sizeof(p));
	p.key_id = id;
	p.in_len = (uint32_t)in_len;
	p.in2_len = (uint32_t)sig_len;
	return kt_keyctl(KEYCTL_PKEY_VERIFY, (unsigned long)&p,
			 (unsigned long)info, (unsigned long)in,
			 (unsigned long)sig);
}

static long encrypt(key_serial_t id, const void *in, size_t len, uint8_t *out)
{
	return pk_op(KEYCTL_PKEY_ENCRYPT, id, "", in, len, out, ENC_MAX);
}

static long decrypt(key_serial_t id, const void *in, size_t len, uint8_t *out)
{
	return pk_op(KEYCTL_PKEY_DECRYPT, id, "", in, len, out,
		     KVAULT_PKEY_MAX_DATA);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static uint64_t use_count(key_serial_t id, uint64_t *last_use)
{
	char reply[4096];
	size_t rlen = sizeof(reply);
	struct genl_raw g;
	uint64_t n = UINT64_MAX;

	if (genl_raw_open(&g))
		return n;
	if (!kn_get(&g, id, NULL, reply, &rlen)) {
		n = nla_u64(reply, rlen, KVAULT_A_KEY_USE_COUNT);
		if (last_use)
			*last_use = nla_u64(reply, rlen, KVAULT_A_KEY_LAST_USE);
	}
	genl_raw_close(&g);
	return n;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

TEST(hmac_known_answer)
{
	uint8_t key[32], sig[SIG256], want[32], bad[SIG256];
	struct keyctl_pkey_query q;
	key_serial_t id;

	fill(key, sizeof(key), 0x11);
	id = cu_import("use-hmac", "hmac-sha256", key, sizeof(key), NULL,
		       KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, id);

	ASSERT_EQ(0, pk_query(id, "", &q));
	EXPECT_EQ((uint32_t)(KEYCTL_SUPPORTS_SIGN | KEYCTL_SUPPORTS_VERIFY),
		  q.supported_ops);
	EXPECT_EQ(256u, q.key_size);
	EXPECT_EQ(KVAULT_PKEY_MAX_DATA, q.max_data_size);
	EXPECT_EQ(SIG256, q.max_sig_size);
	EXPECT_EQ(0, q.max_enc_size);

	ASSERT_EQ(SIG256, pk_op(KEYCTL_PKEY_SIGN, id, "", msg, sizeof(msg),
				sig, sizeof(sig)));
	EXPECT_EQ(1u, be32(sig));
	ASSERT_EQ(32, kcapi_md_hmac_sha256(key, sizeof(key), (const uint8_t *)msg,
					   sizeof(msg), want, sizeof(want)));
	EXPECT_EQ(0, memcmp(sig + 4, want, sizeof(want)));
	/* the same with the hash named */
	ASSERT_EQ(SIG256, pk_op(KEYCTL_PKEY_SIGN, id, "enc=raw hash=sha256",
				msg, sizeof(msg), sig, sizeof(sig)));
	EXPECT_EQ(0, memcmp(sig + 4, want, sizeof(want)));

	EXPECT_EQ(0, pk_verify(id, "", msg, sizeof(msg), sig, sizeof(sig)));
	memcpy(bad, sig, sizeof(bad));
	bad[SIG256 - 1] ^= 1;
	EXPECT_EQ(-EBADMSG, pk_verify(id, "", msg, sizeof(msg), bad, sizeof(bad)));
	EXPECT_EQ(-EBADMSG, pk_verify(id, "", msg, sizeof(msg) - 1, sig, sizeof(sig)));
	bad[SIG256 - 1] ^= 1;
	bad[3] = 2;	/* a version that does not exist */
	EXPECT_EQ(-ENOKEY, pk_verify(id, "", msg, sizeof(msg), bad, sizeof(bad)));
	bad[3] = 0;
	EXPECT_EQ(-ENOKEY, pk_verify(id, "", msg, sizeof(msg), bad, sizeof(bad)));
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

TEST(gcm_known_answer)
{
	uint8_t key[32], ct[256], ct2[256], pt[256], out[256], iv[12];
	struct kcapi_handle *h;
	key_serial_t id;
	long n;

	fill(key, sizeof(key), 0x42);
	id = cu_import("use-gcm", "aes-256", key, sizeof(key), NULL,
		       KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, id);

	n = encrypt(id, msg, sizeof(msg), ct);
	ASSERT_EQ((long)(sizeof(msg) + KVAULT_CIPHERTEXT_OVERHEAD), n);
	EXPECT_EQ(1u, be32(ct));
	/* a fresh nonce each time */
	ASSERT_EQ(n, encrypt(id, msg, sizeof(msg), ct2));
	EXPECT_NE(0, memcmp(ct + 4, ct2 + 4, (size_t)n - 4));

	/* AF_ALG's gcm(aes) with the known key opens it: aad = version || nonce */
	ASSERT_EQ(0, kcapi_aead_init(&h, "gcm(aes)", 0));
	ASSERT_EQ(0, kcapi_aead_setkey(h, key, sizeof(key)));
	ASSERT_EQ(0, kcapi_aead_settaglen(h, KVAULT_GCM_TAG_LEN));
	kcapi_aead_setassoclen(h, 16);
	memcpy(iv, ct + 4, sizeof(iv));
	ASSERT_LE(0, kcapi_aead_decrypt(h, ct, (size_t)n, iv, out,
					16 + sizeof(msg), KCAPI_ACCESS_HEURISTIC));
	EXPECT_EQ(0, memcmp(out + 16, msg, sizeof(msg)));
	kcapi_aead_destroy(h);

	ASSERT_EQ(MSGLEN, decrypt(id, ct, (size_t)n, pt));
	EXPECT_EQ(0, memcmp(pt, msg, sizeof(msg)));
	ct[n - 1] ^= 1;		/* tag */
	EXPECT_EQ(-EBADMSG, decrypt(id, ct, (size_t)n, pt));
	ct[n - 1] ^= 1;
	ct[6] ^= 1;		/* nonce: authenticated */
	EXPECT_EQ(-EBADMSG, decrypt(id, ct, (size_t)n, pt));
	ct[6] ^= 1;
	ct[3] = 7;		/* no such version */
	EXPECT_EQ(-ENOKEY, decrypt(id, ct, (size_t)n, pt));
	ct[3] = 1;
	EXPECT_EQ(-EINVAL, decrypt(id, ct, KVAULT_CIPHERTEXT_OVERHEAD - 1, pt));
	/* the empty message */
	ASSERT_EQ(KVAULT_CIPHERTEXT_OVERHEAD, encrypt(id, msg, 0, ct));
	EXPECT_EQ(0, decrypt(id, ct, KVAULT_CIPHERTEXT_OVERHEAD, pt));
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

/* Are @buf's bytes from @from up to @len all still CANARY? */
static int canary_intact(const uint8_t *buf, size_t from, size_t len)
{
	for (; from < len; from++)
		if (buf[from] != CANARY)
			return 0;
	return 1;
}

/*
 * @op on @in_len bytes with an out_len below its @result bytes: the
 * keyring core writes the whole result (its buffer is the query's maximum)
 * or, where it passes out_len through, kvault refuses with EMSGSIZE.
 * Either way nothing lands past the result.
 */
static void short_out_len(struct __test_metadata *_metadata, int op,
			  key_serial_t id, const void *in, size_t in_len,
			  long result)
{
	static uint8_t out[ENC_MAX + 64];
	size_t out_len[] = { 0, 1, (size_t)result - 1 };
	size_t i;
	long n;

	for (i = 0; i < sizeof(out_len) / sizeof(out_len[0]); i++) {
		memset(out, CANARY, sizeof(out));
		n = pk_op(op, id, "", in, in_len, out, out_len[i]);
		EXPECT_TRUE(n == result || n == -EMSGSIZE)
			TH_LOG("out_len %zu: %ld", out_len[i], n);
		EXPECT_TRUE(canary_intact(out, n > 0 ? (size_t)n : 0, sizeof(out)));
	}
}

TEST(query_sizes_suit_keyctl_tool)
{
	struct keyctl_pkey_query q;
	key_serial_t id = kt_add("use-query", "new aes-128", KEY_SPEC_PROCESS_KEYRING);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, pk_query(id, "enc=raw", &q));
	EXPECT_EQ(ENC_MAX, q.max_enc_size);
	/* keyctl(1) passes max_enc_size as decrypt's out_len */
	EXPECT_EQ(q.max_enc_size, q.max_dec_size);
	EXPECT_EQ(0, q.max_data_size);
	EXPECT_EQ(0, q.max_sig_size);
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

TEST(encrypt_size_limits)
{
	static uint8_t in[ENC_MAX + 1], out[ENC_MAX + 64], pt[KVAULT_PKEY_MAX_DATA];
	static const size_t too_long[] = {
		KVAULT_PKEY_MAX_DATA + 1, ENC_MAX - 1, ENC_MAX, ENC_MAX + 1,
	};
	key_serial_t id = kt_add("use-enc-sizes", "new aes-256", KEY_SPEC_PROCESS_KEYRING);
	size_t i;

	ASSERT_LT(0, id);
	fill(in, sizeof(in), 5);
	/* the largest input, with keyctl(1)'s out_len (max_dec_size) */
	memset(out, CANARY, sizeof(out));
	ASSERT_EQ(ENC_MAX, pk_op(KEYCTL_PKEY_ENCRYPT, id, "enc=raw", in,
				 KVAULT_PKEY_MAX_DATA, out, ENC_MAX));
	EXPECT_TRUE(canary_intact(out, ENC_MAX, sizeof(out)));
	ASSERT_EQ(KVAULT_PKEY_MAX_DATA, decrypt(id, out, ENC_MAX, pt));
	EXPECT_EQ(0, memcmp(in, pt, sizeof(pt)));
	/*
	 * Longer: kvault refuses what the core lets through (up to
	 * max_dec_size), the core the rest; nothing is written.
	 */
	for (i = 0; i < sizeof(too_long) / sizeof(too_long[0]); i++) {
		memset(out, CANARY, sizeof(out));
		EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_ENCRYPT, id, "", in,
					 too_long[i], out, ENC_MAX))
			TH_LOG("in_len %zu", too_long[i]);
		EXPECT_TRUE(canary_intact(out, 0, sizeof(out)));
	}
	EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_ENCRYPT, id, "", in, 16, out,
				 ENC_MAX + 1));
	short_out_len(_metadata, KEYCTL_PKEY_ENCRYPT, id, in, 16,
		      16 + KVAULT_CIPHERTEXT_OVERHEAD);
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

TEST(decrypt_size_limits)
{
	static uint8_t in[KVAULT_PKEY_MAX_DATA], ct[ENC_MAX + 1], out[ENC_MAX + 64];
	key_serial_t id = kt_add("use-dec-sizes", "new aes-128", KEY_SPEC_PROCESS_KEYRING);

	ASSERT_LT(0, id);
	fill(in, sizeof(in), 6);
	ASSERT_EQ(ENC_MAX, encrypt(id, in, sizeof(in), ct));
	/* keyctl(1)'s out_len for decrypt is max_enc_size */
	memset(out, CANARY, sizeof(out));
	ASSERT_EQ(KVAULT_PKEY_MAX_DATA, pk_op(KEYCTL_PKEY_DECRYPT, id, "enc=raw",
					      ct, ENC_MAX, out, ENC_MAX));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	EXPECT_TRUE(canary_intact(out, KVAULT_PKEY_MAX_DATA, sizeof(out)));
	EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_DECRYPT, id, "", ct, ENC_MAX + 1,
				 out, ENC_MAX));
	EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_DECRYPT, id, "", ct, ENC_MAX, out,
				 ENC_MAX + 1));
	ASSERT_EQ(16 + KVAULT_CIPHERTEXT_OVERHEAD, encrypt(id, in, 16, ct));
	short_out_len(_metadata, KEYCTL_PKEY_DECRYPT, id, ct,
		      16 + KVAULT_CIPHERTEXT_OVERHEAD, 16);
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

TEST(sign_verify_size_limits)
{
	static uint8_t in[KVAULT_PKEY_MAX_DATA + 1];
	uint8_t sig[SIG256];
	key_serial_t id = kt_add("use-sig-sizes", "new hmac-sha256", KEY_SPEC_PROCESS_KEYRING);
	long n;

	ASSERT_LT(0, id);
	fill(in, sizeof(in), 7);
	ASSERT_EQ(SIG256, pk_op(KEYCTL_PKEY_SIGN, id, "", in, KVAULT_PKEY_MAX_DATA,
				sig, sizeof(sig)));
	EXPECT_EQ(0, pk_verify(id, "", in, KVAULT_PKEY_MAX_DATA, sig, sizeof(sig)));
	EXPECT_EQ(-EINVAL, pk_verify(id, "", in, KVAULT_PKEY_MAX_DATA + 1, sig,
				     sizeof(sig)));
	EXPECT_EQ(-EINVAL, pk_verify(id, "", in, KVAULT_PKEY_MAX_DATA, sig,
				     sizeof(sig) + 1));
	short_out_len(_metadata, KEYCTL_PKEY_SIGN, id, in, 16, SIG256);
	/*
	 * A short in2_len: the core reads max_sig_size bytes whatever it says
	 * (so the whole signature in the buffer verifies), or hands it to
	 * kvault, which refuses it. No signature at all: the core's EFAULT
	 * reading max_sig_size bytes at NULL, or kvault's EBADMSG.
	 */
	n = pk_verify(id, "", in, KVAULT_PKEY_MAX_DATA, sig, sizeof(sig) - 1);
	EXPECT_TRUE(n == 0 || n == -EBADMSG) TH_LOG("in2_len %zu: %ld", sizeof(sig) - 1, n);
	n = pk_verify(id, "", in, KVAULT_PKEY_MAX_DATA, NULL, 0);
	EXPECT_TRUE(n == -EFAULT || n == -EBADMSG) TH_LOG("in2_len 0: %ld", n);
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

/* Run keyctl(1) with arguments @fmt in @dir: exit code; stderr in @err. */
static int keyctl_tool(char *err, size_t len, const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int keyctl_tool(char *err, size_t len, const char *dir, const char *fmt, ...)
{
	char args[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return run_capture(err, len, "cd %s && exec 2>&1 && " KEYCTL_TOOL " %s", dir, args);
}

static int write_in(const char *dir, const char *name, const void *p, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return write_file(path, p, len);
}

/*
 * keyutils' keyctl(1), which sizes its buffers from the query (decrypt's
 * output by max_enc_size, encrypt's by max_dec_size), round trips kvault
 * keys: the largest message too, and one byte more is refused rather than
 * overflowing its buffer.
 */
TEST(keyctl_tool_round_trip)
{
	static uint8_t data[KVAULT_PKEY_MAX_DATA + 1];
	char dir[] = "/tmp/kvault-keyctl-XXXXXX", err[512];
	static const struct {
		const char *name;
		size_t len;
	} plain[] = { { "msg", sizeof(msg) }, { "max", KVAULT_PKEY_MAX_DATA } };
	uint8_t sig[SIG256];
	key_serial_t aes, mac;
	size_t i;

	if (access(KEYCTL_TOOL, X_OK))
		SKIP(return, "%s (Debian's keyutils) is not installed", KEYCTL_TOOL);
	/* keyctl(1) runs as a child, which inherits a session keyring */
	ASSERT_LT(0, kt_keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0));
	aes = kt_add("use-tool-aes", "new aes-256", KEY_SPEC_SESSION_KEYRING);
	mac = kt_add("use-tool-mac", "new hmac-sha256", KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, aes);
	ASSERT_LT(0, mac);
	ASSERT_NE(NULL, mkdtemp(dir));
	fill(data, sizeof(data), 8);
	ASSERT_EQ(0, write_in(dir, "msg", msg, sizeof(msg)));
	ASSERT_EQ(0, write_in(dir, "max", data, KVAULT_PKEY_MAX_DATA));
	ASSERT_EQ(0, write_in(dir, "over", data, sizeof(data)));

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		/* braces: EXPECT_EQ() and its TH_LOG() are two statements */
		EXPECT_EQ(0, keyctl_tool(err, sizeof(err), dir,
					 "pkey_encrypt %d 0 %s enc=raw >ct && test $(stat -c %%s ct) = %zu && "
					 KEYCTL_TOOL " pkey_decrypt %d 0 ct enc=raw | cmp - %s",
					 aes, plain[i].name,
					 plain[i].len + KVAULT_CIPHERTEXT_OVERHEAD, aes,
					 plain[i].name))
			TH_LOG("%s: %s", plain[i].name, err);
	}
	EXPECT_EQ(1, keyctl_tool(err, sizeof(err), dir,
				 "pkey_encrypt %d 0 over enc=raw >/dev/null", aes));
	EXPECT_NE(NULL, strstr(err, "Invalid argument")) TH_LOG("%s", err);

	/* a signature is deterministic: keyctl(1)'s is the syscall's */
	EXPECT_EQ(0, keyctl_tool(err, sizeof(err), dir, "pkey_sign %d 0 msg >msg.sig", mac))
		TH_LOG("%s", err);
	ASSERT_EQ(SIG256, pk_op(KEYCTL_PKEY_SIGN, mac, "", msg, sizeof(msg), sig,
				sizeof(sig)));
	ASSERT_EQ(0, write_in(dir, "ref.sig", sig, sizeof(sig)));
	EXPECT_EQ(0, keyctl_tool(err, sizeof(err), dir,
				 "pkey_verify %d 0 msg msg.sig enc=raw hash=sha256 && cmp msg.sig ref.sig",
				 mac))
		TH_LOG("%s", err);
	sig[SIG256 - 1] ^= 1;
	ASSERT_EQ(0, write_in(dir, "bad.sig", sig, sizeof(sig)));
	EXPECT_EQ(1, keyctl_tool(err, sizeof(err), dir, "pkey_verify %d 0 msg bad.sig", mac));
	EXPECT_NE(NULL, strstr(err, "Bad message")) TH_LOG("%s", err);

	EXPECT_EQ(0, run_capture(err, sizeof(err), "rm -r %s 2>&1", dir)) TH_LOG("%s", err);
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)aes, 0, 0, 0));
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)mac, 0, 0, 0));
}

TEST(usage_is_enforced)
{
	uint8_t buf[ENC_MAX], sig[4 + 64];
	struct keyctl_pkey_query q;
	key_serial_t enc, ver, xts, sec;

	enc = kt_add("use-enc-only", "new aes-256 usage=encrypt", KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, enc);
	ASSERT_EQ(0, pk_query(enc, "", &q));
	EXPECT_EQ((uint32_t)KEYCTL_SUPPORTS_ENCRYPT, q.supported_ops);
	ASSERT_LT(0, encrypt(enc, msg, sizeof(msg), buf));
	EXPECT_EQ(-EKEYREJECTED, decrypt(enc, buf, sizeof(msg) + KVAULT_CIPHERTEXT_OVERHEAD,
					 buf));
	/* an AES key has no signature sizes: keyctl's size check refuses */
	EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_SIGN, enc, "", msg, sizeof(msg), sig, 4));

	ver = kt_add("use-verify-only", "new hmac-sha512 usage=verify",
		     KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, ver);
	ASSERT_EQ(0, pk_query(ver, "hash=sha512", &q));
	EXPECT_EQ((uint32_t)KEYCTL_SUPPORTS_VERIFY, q.supported_ops);
	EXPECT_EQ(-EKEYREJECTED, pk_op(KEYCTL_PKEY_SIGN, ver, "", msg, sizeof(msg),
				       sig, sizeof(sig)));

	/* no keyctl operation for XTS keys and raw secrets */
	xts = kt_add("use-xts", "new aes-xts-512", KEY_SPEC_PROCESS_KEYRING);
	sec = kt_add("use-secret", "new secret-32", KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, xts);
	ASSERT_LT(0, sec);
	EXPECT_EQ(-EOPNOTSUPP, pk_query(xts, "", &q));
	EXPECT_EQ(-EOPNOTSUPP, pk_query(sec, "", &q));
	EXPECT_EQ(-EOPNOTSUPP, encrypt(sec, msg, 0, buf));
	EXPECT_EQ(1u, use_count(enc, NULL));	/* only the encryption counted */
	EXPECT_EQ(0u, use_count(ver, NULL));
}

TEST(hostile_parameters)
{
	uint8_t sig[4 + 48];
	struct keyctl_pkey_query q;
	key_serial_t id = kt_add("use-hostile", "new hmac-sha384", KEY_SPEC_PROCESS_KEYRING);
	static const char *const bad_info[] = {
		"enc=pkcs1", "enc=oaep", "hash=sha256", "hash=sha1", "hash=",
		"enc=raw enc=raw", "nonsense", "hash=sha384x",
	};
	size_t i;

	ASSERT_LT(0, id);
	for (i = 0; i < sizeof(bad_info) / sizeof(bad_info[0]); i++) {
		EXPECT_EQ(-EINVAL, pk_query(id, bad_info[i], &q)) TH_LOG("%s", bad_info[i]);
		EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_SIGN, id, bad_info[i], msg,
					 sizeof(msg), sig, sizeof(sig)))
			TH_LOG("%s", bad_info[i]);
	}
	EXPECT_EQ(0, pk_query(id, " enc=raw\thash=sha384 ", &q));
	/* an output buffer larger than the maximum, data beyond it */
	EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_SIGN, id, "", msg, sizeof(msg), sig,
				 sizeof(sig) + 1));
	EXPECT_EQ(-EINVAL, pk_op(KEYCTL_PKEY_SIGN, id, "", msg,
				 KVAULT_PKEY_MAX_DATA + 1, sig, sizeof(sig)));
	/* hostile pointers */
	EXPECT_EQ(-EFAULT, pk_op(KEYCTL_PKEY_SIGN, id, "", (void *)8, 16, sig,
				 sizeof(sig)));
	EXPECT_EQ(-EFAULT, pk_op(KEYCTL_PKEY_SIGN, id, "", msg, sizeof(msg),
				 (void *)8, sizeof(sig)));
	EXPECT_EQ(-EFAULT, pk_verify(id, "", msg, sizeof(msg), (void *)8, sizeof(sig)));
	EXPECT_EQ(-EFAULT, pk_query(id, (const char *)8, &q));
	EXPECT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
}

TEST(states_versions_and_counters)
{
	uint8_t ct1[128], ct2[128], pt[128];
	uint64_t t0, last = 0;
	key_serial_t id = kt_add("use-life", "new aes-128", KEY_SPEC_PROCESS_KEYRING);
	long n;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	ASSERT_LT(0, id);
	EXPECT_EQ(0u, use_count(id, &last));
	EXPECT_EQ(0u, last);
	t0 = now_ns();
	n = encrypt(id, msg, sizeof(msg), ct1);
	ASSERT_LT(0, n);
	EXPECT_EQ(1u, use_count(id, &last));
	EXPECT_LE(t0, last);
	EXPECT_GE(now_ns(), last);

	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(n, encrypt(id, msg, sizeof(msg), ct2));
	EXPECT_EQ(2u, be32(ct2));
	EXPECT_EQ(MSGLEN, decrypt(id, ct1, (size_t)n, pt));	/* old data */
	EXPECT_EQ(MSGLEN, decrypt(id, ct2, (size_t)n, pt));

	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, encrypt(id, msg, sizeof(msg), pt));
	EXPECT_EQ(-ENOKEY, decrypt(id, ct2, (size_t)n, pt));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, NULL));
	EXPECT_EQ(MSGLEN, decrypt(id, ct2, (size_t)n, pt));

	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SET_MIN_VERSION, id, NULL, 2, NULL));
	EXPECT_EQ(-ENOKEY, decrypt(id, ct1, (size_t)n, pt));	/* retired, wiped */
	EXPECT_EQ(MSGLEN, decrypt(id, ct2, (size_t)n, pt));

	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id, NULL, 3600, NULL));
	EXPECT_EQ(-ENOKEY, decrypt(id, ct2, (size_t)n, pt));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_CANCEL_DESTROY, id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, decrypt(id, ct2, (size_t)n, pt));	/* disabled now */
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, NULL));
	/* 1 + 1 + 2 + 1 + 1 successful operations */
	EXPECT_EQ(6u, use_count(id, NULL));

	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, decrypt(id, ct2, (size_t)n, pt));
	EXPECT_EQ(-EKEYREVOKED, encrypt(id, msg, sizeof(msg), pt));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL));
	close(fd);
}

TEST(expired_key_is_unusable)
{
	uint8_t ct[128];
	key_serial_t id = kt_add("use-expire", "new aes-128", KEY_SPEC_PROCESS_KEYRING);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id, 1, 0, 0));
	sleep(2);
	EXPECT_EQ(-EKEYEXPIRED, encrypt(id, msg, sizeof(msg), ct));
}

/* Another user may use (search) a key it can neither read nor manage. */
static int nobody_uses(key_serial_t id, int expect)
{
	uint8_t sig[SIG256], buf[64];

	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	if (pk_op(KEYCTL_PKEY_SIGN, id, "", msg, sizeof(msg), sig, sizeof(sig)) !=
	    (expect ? -expect : SIG256))
		return 1;
	if (kt_keyctl(KEYCTL_READ, (unsigned long)id, (unsigned long)buf,
		      sizeof(buf), 0) >= 0)
		return 2;
	if (kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x3f3f3f3f, 0, 0) != -EACCES)
		return 3;
	return 0;
}

/* ... and, by the keyring core's rule, invalidate it: search suffices. */
static int nobody_invalidates(key_serial_t id, int unused)
{
	(void)unused;
	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	return kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0) ? 1 : 0;
}

static int in_child(int (*fn)(key_serial_t, int), key_serial_t id, int expect)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(id, expect));
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST(use_needs_search_permission)
{
	key_serial_t id = kt_add("use-shared", "new hmac-sha256", KEY_SPEC_PROCESS_KEYRING);

	ASSERT_LT(0, id);
	/* default permissions: other users have none */
	EXPECT_EQ(0, in_child(nobody_uses, id, EACCES));
	/* possessor: all; others: view + search, which is use */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x3f000009, 0, 0));
	EXPECT_EQ(0, in_child(nobody_uses, id, 0));
	EXPECT_EQ(1u, use_count(id, NULL));
	/* the README's warning: whoever may use a key may also invalidate it */
	EXPECT_EQ(0, in_child(nobody_invalidates, id, 0));
	EXPECT_GT(0, kt_describe(id, (char[64]){ 0 }, 64));
}

/* A key made over /dev/kvault is usable and shareable by its creator. */
TEST(device_key_is_usable_by_its_creator)
{
	uint8_t sig[SIG256];
	key_serial_t id;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kv_create(fd, "use-dev", KVAULT_ALG_HMAC_SHA256, 0, 0, 0, &id));
	EXPECT_EQ(SIG256, pk_op(KEYCTL_PKEY_SIGN, id, "", msg, sizeof(msg), sig,
				sizeof(sig)));
	EXPECT_EQ(0, kt_keyctl(KEYCTL_LINK, (unsigned long)id,
			       (unsigned long)KEY_SPEC_PROCESS_KEYRING, 0, 0));
	EXPECT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x3f0b0000, 0, 0));
	EXPECT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL));
	close(fd);
}

TEST_HARNESS_MAIN
