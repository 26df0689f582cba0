// SPDX-License-Identifier: GPL-2.0
/*
 * The "kvault" crypto template through AF_ALG (libkcapi): known answers of
 * kvault(xts(aes)), kvault(cbc(aes)), kvault(gcm(aes)) and
 * kvault(hmac(sha256)) on imported published keys; byte-identical output
 * to the plain algorithm keyed with the same bytes over random lengths for
 * every supported inner algorithm; the setkey checks of the uapi
 * ("Crypto API templates: keys used by reference") with their errnos
 * (EINVAL, ENOENT, EACCES, EKEYREJECTED, EMEDIUMTYPE, ENOKEY); live
 * revocation of a keyed socket (revoke, disable/enable, destroy, expiry,
 * minimum version); usage accounting per consumer kind and the transform
 * count; the logon mirror (KVAULT_IOC_KEY_PUBLISH, _UNPUBLISH), and each
 * hostile argument to them refused with the uapi's errno: no mirror is
 * left by a refused PUBLISH, none removed by a refused UNPUBLISH; and the
 * templates used from kernel code (kernel-user/kvault_kernel_user.ko).
 *
 * Random lengths come from a seeded generator: the seed is printed, and
 * KVAULT_SEED=N replays it. Needs the module loaded; turns
 * allow_plaintext_import on only around the imports.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/if_alg.h>
#include <kcapi.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"
#include "crypto_util.h"

#define RING KEY_SPEC_PROCESS_KEYRING

/* ---- the supported inner algorithms ------------------------------------ */

static const struct cu_alg A_XTS = { "xts(aes)", CU_SKCIPHER, "aes-xts-512", 64, 16, 0, 1, 16, 0 };
static const struct cu_alg A_XTS256 = { "xts(aes)", CU_SKCIPHER, "aes-xts-256", 32, 16, 0, 1, 16, 0 };
static const struct cu_alg A_CBC = { "cbc(aes)", CU_SKCIPHER, "aes-256", 32, 16, 0, 16, 16, 0 };
static const struct cu_alg A_CBC128 = { "cbc(aes)", CU_SKCIPHER, "aes-128", 16, 16, 0, 16, 16, 0 };
static const struct cu_alg A_CTR = { "ctr(aes)", CU_SKCIPHER, "aes-256", 32, 16, 0, 1, 1, 0 };
static const struct cu_alg A_ECB = { "ecb(aes)", CU_SKCIPHER, "aes-256", 32, 0, 0, 16, 16, 0 };
static const struct cu_alg A_CTS = { "cts(cbc(aes))", CU_SKCIPHER, "aes-128", 16, 16, 0, 1, 17, 0 };
static const struct cu_alg A_GCM = { "gcm(aes)", CU_AEAD, "aes-256", 32, 12, 0, 1, 0, 0 };
static const struct cu_alg A_RFC4106 = { "rfc4106(gcm(aes))", CU_AEAD, "aes-256", 32, 8, 4, 1, 0, 0 };
static const struct cu_alg A_HS256 = { "hmac(sha256)", CU_HASH, "hmac-sha256", 32, 0, 0, 1, 0, 32 };
static const struct cu_alg A_HS384 = { "hmac(sha384)", CU_HASH, "hmac-sha384", 48, 0, 0, 1, 0, 48 };
static const struct cu_alg A_HS512 = { "hmac(sha512)", CU_HASH, "hmac-sha512", 64, 0, 0, 1, 0, 64 };
static const struct cu_alg A_HS384_SECRET = { "hmac(sha384)", CU_HASH, "secret-100", 100, 0, 0, 1, 0, 48 };

/* ---- seeded randomness --------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void rnd_fill(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

/* The seed for this test: KVAULT_SEED, else the time; printed. */
static uint64_t seed_rng(struct __test_metadata *_metadata, const char *what)
{
	const char *s = getenv("KVAULT_SEED");
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	rng_state = s ? strtoull(s, NULL, 0) :
		(uint64_t)ts.tv_sec * 1000000007ULL + (uint64_t)ts.tv_nsec;
	TH_LOG("%s: seed %llu (replay: KVAULT_SEED=%llu)", what,
	       (unsigned long long)rng_state, (unsigned long long)rng_state);
	return rng_state;
}

static void unhex(const char *hex, uint8_t *out, size_t len)
{
	if (strlen(hex) != 2 * len || hex_decode(hex, out, len))
		abort();
}

/* A unique key name for this process. */
static const char *kname(const char *tag)
{
	static char buf[8][64];
	static unsigned int n;
	char *b = buf[n++ % 8];

	snprintf(b, 64, "cr-%s-%d", tag, (int)getpid());
	return b;
}

static int vault_fd(void)
{
	return kvault_dev_open();
}

/* Import @a's key kind with random material; its ID. */
static key_serial_t new_key(const char *name, const struct cu_alg *a,
			    uint8_t *material, const char *usage)
{
	rnd_fill(material, a->klen);
	return cu_import(name, a->kalg, material, a->klen,
			 usage ? usage : "crypto-api", RING);
}

/* A kvault(@a) handle keyed with @id (plus @tail); setkey's result. */
static int open_ref(struct kcapi_handle **h, const struct cu_alg *a,
		    key_serial_t id, uint32_t ver, const uint8_t *tail)
{
	uint8_t ref[CU_REF_BUF];
	size_t n = cu_ref_id(ref, id, ver);
	int rc = cu_open(h, a, 1);

	if (rc)
		return rc;
	if (a->tail)
		memcpy(ref + n, tail, a->tail);
	rc = cu_setkey(*h, a->cls, ref, n + a->tail);
	if (rc) {
		cu_close(*h, a->cls);
		*h = NULL;
	}
	return rc;
}

/* One encryption (or MAC) of @len bytes of a fixed pattern: its result. */
static long one_op(struct kcapi_handle *h, const struct cu_alg *a, size_t len)
{
	static uint8_t in[8192], out[8192 + 64];
	uint8_t iv[16] = { 1 };
	size_t i;

	for (i = 0; i < len; i++)
		in[i] = (uint8_t)i;
	return cu_run(h, a, 1, iv, NULL, 0, in, len, out,
		      a->cls == CU_HASH ? a->dlen :
		      a->cls == CU_AEAD ? len + CU_TAG : len);
}

/* ---- known answers ------------------------------------------------------- */

/*
 * IEEE Std 1619-2007, Annex B, XTS-AES-256 test vector 10 (Key1 and Key2
 * are the 64-byte key, data unit sequence number 0xff as the tweak, data
 * unit 512 bytes: 00..ff twice).
 */
static const char xts10_key[] =
	"2718281828459045235360287471352662497757247093699959574966967627"
	"3141592653589793238462643383279502884197169399375105820974944592";
static const char xts10_ct[] =
	"1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b"
	"5d31e276f8fe4a8d66b317f9ac683f44680a86ac35adfc3345befecb4bb188fd"
	"5776926c49a3095eb108fd1098baec70aaa66999a72a82f27d848b21d4a741b0"
	"c5cd4d5fff9dac89aeba122961d03a757123e9870f8acf1000020887891429ca"
	"2a3e7a7d7df7b10355165c8b9a6d0a7de8b062c4500dc4cd120c0f7418dae3d0"
	"b5781c34803fa75421c790dfe1de1834f280d7667b327f6c8cd7557e12ac3a0f"
	"93ec05c52e0493ef31a12d3d9260f79a289d6a379bc70c50841473d1a8cc81ec"
	"583e9645e07b8d9670655ba5bbcfecc6dc3966380ad8fecb17b6ba02469a020a"
	"84e18e8f84252070c13e9f1f289be54fbc481457778f616015e1327a02b140f1"
	"505eb309326d68378f8374595c849d84f4c333ec4423885143cb47bd71c5edae"
	"9be69a2ffeceb1bec9de244fbe15992b11b77c040f12bd8f6a975a44a0f90c29"
	"a9abc3d4d893927284c58754cce294529f8614dcd2aba991925fedc4ae74ffac"
	"6e333b93eb4aff0479da9a410e4450e0dd7ae4c6e2910900575da401fc07059f"
	"645e8b7e9bfdef33943054ff84011493c27b3429eaedb4ed5376441a77ed4385"
	"1ad77f16f541dfd269d50d6a5f14fb0aab1cbb4c1550be97f7ab4066193c4caa"
	"773dad38014bd2092fa755c824bb5e54c4f36ffda9fcea70b9c6e693e148c151";

TEST(kat_xts_aes256_ieee1619_vector10)
{
	uint8_t key[64], pt[512], ct[512], want[512], back[512], iv[16] = { 0xff };
	uint8_t ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id;
	size_t i;

	unhex(xts10_key, key, sizeof(key));
	unhex(xts10_ct, want, sizeof(want));
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)i;
	id = cu_import(kname("xts10"), "aes-xts-512", key, sizeof(key),
		       "crypto-api", RING);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
	ASSERT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	ASSERT_EQ((long)sizeof(pt), kcapi_cipher_encrypt(h, pt, sizeof(pt), iv, ct,
				sizeof(ct), KCAPI_ACCESS_HEURISTIC));
	EXPECT_EQ(0, memcmp(ct, want, sizeof(want)));
	ASSERT_EQ((long)sizeof(ct), kcapi_cipher_decrypt(h, want, sizeof(want), iv,
				back, sizeof(back), KCAPI_ACCESS_HEURISTIC));
	EXPECT_EQ(0, memcmp(back, pt, sizeof(pt)));
	kcapi_cipher_destroy(h);
}

/* NIST SP 800-38A, F.2.5 CBC-AES256.Encrypt (four blocks) */
TEST(kat_cbc_aes256_sp800_38a_f25)
{
	uint8_t key[32], iv[16], pt[64], want[64], ct[64], back[64];
	uint8_t ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id;

	unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	      key, sizeof(key));
	unhex("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	      pt, sizeof(pt));
	unhex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	      "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
	      want, sizeof(want));
	id = cu_import(kname("cbc"), "aes-256", key, sizeof(key), "crypto-api", RING);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&h, &A_CBC, 1));
	/* by name this time */
	ASSERT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_name(ref, kname("cbc"), 0)));
	ASSERT_EQ(64, kcapi_cipher_encrypt(h, pt, sizeof(pt), iv, ct, sizeof(ct),
					   KCAPI_ACCESS_HEURISTIC));
	EXPECT_EQ(0, memcmp(ct, want, sizeof(want)));
	ASSERT_EQ(64, kcapi_cipher_decrypt(h, want, sizeof(want), iv, back,
					   sizeof(back), KCAPI_ACCESS_HEURISTIC));
	EXPECT_EQ(0, memcmp(back, pt, sizeof(pt)));
	kcapi_cipher_destroy(h);
}

/*
 * McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test case
 * 16: AES-256, 96-bit IV, 20 bytes of AAD, 60 bytes of plaintext.
 */
TEST(kat_gcm_aes256_mcgrew_viega_16)
{
	uint8_t key[32], iv[12], aad[20], pt[60], want[76], out[20 + 76], back[20 + 60];
	uint8_t ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id;

	unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	      key, sizeof(key));
	unhex("cafebabefacedbaddecaf888", iv, sizeof(iv));
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, sizeof(aad));
	unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	      pt, sizeof(pt));
	unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
	      "76fc6ece0f4e1768cddf8853bb2d551b", want, sizeof(want));
	id = cu_import(kname("gcm"), "aes-256", key, sizeof(key), "crypto-api", RING);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&h, &A_GCM, 1));
	ASSERT_EQ(0, kcapi_aead_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	ASSERT_EQ((long)sizeof(out), cu_run(h, &A_GCM, 1, iv, aad, sizeof(aad), pt,
					    sizeof(pt), out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out + sizeof(aad), want, sizeof(want)));
	/* and it opens the published ciphertext; a flipped tag bit fails */
	ASSERT_LE((long)sizeof(pt), cu_run(h, &A_GCM, 0, iv, aad, sizeof(aad), want,
					   sizeof(want), back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back + sizeof(aad), pt, sizeof(pt)));
	want[sizeof(want) - 1] ^= 1;
	EXPECT_EQ(-EBADMSG, cu_run(h, &A_GCM, 0, iv, aad, sizeof(aad), want,
				   sizeof(want), back, sizeof(back)));
	kcapi_aead_destroy(h);
}

/*
 * RFC 4231 test cases 1, 3 and 4 (HMAC-SHA-256). Their keys are 20 and 25
 * bytes, so they are imported as secret-N keys (hmac-sha256 keys are 32
 * bytes); test case 2's 4-byte key is below secret-N's minimum and 6/7's
 * 131-byte keys above its maximum.
 */
TEST(kat_hmac_sha256_rfc4231)
{
	static const struct {
		const char *key, *data, *mac;
	} tc[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "dddddddddddddddddddddddddddddddddddddddddddddddddd"
		  "dddddddddddddddddddddddddddddddddddddddddddddddddd",
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	};
	uint8_t key[64], data[64], want[32], mac[32], ref[CU_REF_BUF];
	struct kcapi_handle *h;
	char alg[32], name[64];
	size_t i, kl, dl;
	key_serial_t id;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		kl = strlen(tc[i].key) / 2;
		dl = strlen(tc[i].data) / 2;
		unhex(tc[i].key, key, kl);
		unhex(tc[i].data, data, dl);
		unhex(tc[i].mac, want, sizeof(want));
		snprintf(alg, sizeof(alg), "secret-%zu", kl);
		snprintf(name, sizeof(name), "%s-%zu", kname("rfc4231"), i);
		id = cu_import(name, alg, key, kl, "crypto-api", RING);
		ASSERT_LT(0, id) TH_LOG("import %s", alg);
		ASSERT_EQ(0, kcapi_md_init(&h, "kvault(hmac(sha256))", 0));
		ASSERT_EQ(0, kcapi_md_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
		ASSERT_EQ(32, kcapi_md_digest(h, data, dl, mac, sizeof(mac)));
		EXPECT_EQ(0, memcmp(mac, want, sizeof(want))) TH_LOG("RFC 4231 case %zu", i);
		kcapi_md_destroy(h);
	}
}

/* ---- byte-identical output to the plain algorithm ------------------------ */

FIXTURE(same) {
	struct kcapi_handle *plain, *kv;
	uint8_t key[128 + 4];
	key_serial_t id;
};

FIXTURE_VARIANT(same) {
	const struct cu_alg *a;
	int by_name;
};

FIXTURE_VARIANT_ADD(same, xts_aes512) { .a = &A_XTS };
FIXTURE_VARIANT_ADD(same, xts_aes256) { .a = &A_XTS256, .by_name = 1 };
FIXTURE_VARIANT_ADD(same, cbc_aes256) { .a = &A_CBC };
FIXTURE_VARIANT_ADD(same, cbc_aes128) { .a = &A_CBC128, .by_name = 1 };
FIXTURE_VARIANT_ADD(same, ctr_aes256) { .a = &A_CTR };
FIXTURE_VARIANT_ADD(same, ecb_aes256) { .a = &A_ECB };
FIXTURE_VARIANT_ADD(same, cts_cbc_aes128) { .a = &A_CTS };
FIXTURE_VARIANT_ADD(same, gcm_aes256) { .a = &A_GCM };
FIXTURE_VARIANT_ADD(same, rfc4106_gcm_aes256) { .a = &A_RFC4106 };
FIXTURE_VARIANT_ADD(same, hmac_sha256) { .a = &A_HS256 };
FIXTURE_VARIANT_ADD(same, hmac_sha384) { .a = &A_HS384 };
FIXTURE_VARIANT_ADD(same, hmac_sha512) { .a = &A_HS512, .by_name = 1 };
FIXTURE_VARIANT_ADD(same, hmac_sha384_secret100) { .a = &A_HS384_SECRET };

/* A key for @a, the plain algorithm keyed with its bytes, kvault(@a) by reference. */
static void same_open(struct __test_metadata *_metadata, FIXTURE_DATA(same) *self,
		      const struct cu_alg *a, int by_name)
{
	uint8_t ref[CU_REF_BUF + 4];
	const char *name = kname("same");
	size_t n;
	int rc;

	seed_rng(_metadata, a->name);
	self->id = new_key(name, a, self->key, NULL);
	ASSERT_LT(0, self->id);
	rnd_fill(self->key + a->klen, a->tail);		/* the rfc4106 salt */
	rc = cu_open(&self->plain, a, 0);
	if (rc == -ENOENT)
		SKIP(return, "this kernel has no %s (CONFIG_CRYPTO_* off)", a->name);
	ASSERT_EQ(0, rc);
	ASSERT_EQ(0, cu_setkey(self->plain, a->cls, self->key, a->klen + a->tail));
	ASSERT_EQ(0, cu_open(&self->kv, a, 1));
	n = by_name ? cu_ref_name(ref, name, 0) : cu_ref_id(ref, self->id, 0);
	memcpy(ref + n, self->key + a->klen, a->tail);
	ASSERT_EQ(0, cu_setkey(self->kv, a->cls, ref, n + a->tail));
}

static void same_close(struct __test_metadata *_metadata, FIXTURE_DATA(same) *self,
		       const struct cu_alg *a)
{
	if (_metadata->skip)
		return;
	if (self->plain)
		cu_close(self->plain, a->cls);
	if (self->kv)
		cu_close(self->kv, a->cls);
}

FIXTURE_SETUP(same)
{
	same_open(_metadata, self, variant->a, variant->by_name);
}

FIXTURE_TEARDOWN(same)
{
	same_close(_metadata, self, variant->a);
}

#define SAME_ROUNDS 48
#define SAME_SECONDS 12
#define SAME_MAX 8192

TEST_F(same, random_lengths)
{
	static uint8_t in[SAME_MAX], aad[64], o1[SAME_MAX + 128], o2[SAME_MAX + 128],
		back[SAME_MAX + 128];
	const struct cu_alg *a = variant->a;
	size_t len, alen, outlen;
	time_t t0 = time(NULL);
	uint8_t iv[16];
	long r1, r2, r3;
	int i;

	if (!self->kv)
		return;		/* skipped in setup */

	/* SAME_ROUNDS, or fewer (at least 8) on a slow (debug) kernel */
	for (i = 0; i < SAME_ROUNDS && (i < 8 || time(NULL) - t0 < SAME_SECONDS); i++) {
		len = a->minlen + rnd_below(SAME_MAX - a->minlen);
		if (i == 0)
			len = a->minlen;	/* the edges: shortest... */
		if (i == 1)
			len = SAME_MAX;		/* ...and longest */
		len -= len % a->blk;
		alen = a->cls == CU_AEAD ? rnd_below(sizeof(aad) + 1) : 0;
		if (a == &A_RFC4106)
			alen = rnd_below(2) ? 20 : 16;	/* ESP: SPI, seq (+ext), IV */
		rnd_fill(in, len);
		rnd_fill(aad, sizeof(aad));
		rnd_fill(iv, sizeof(iv));
		outlen = a->cls == CU_HASH ? a->dlen :
			 a->cls == CU_AEAD ? alen + len + CU_TAG : len;
		r1 = cu_run(self->plain, a, 1, iv, aad, alen, in, len, o1, outlen);
		r2 = cu_run(self->kv, a, 1, iv, aad, alen, in, len, o2, outlen);
		ASSERT_EQ((long)outlen, r1) TH_LOG("plain %s, %zu bytes", a->name, len);
		ASSERT_EQ(r1, r2) TH_LOG("%s, %zu bytes (aad %zu)", a->name, len, alen);
		ASSERT_EQ(0, memcmp(o1, o2, outlen))
			TH_LOG("%s differs at %zu bytes (aad %zu)", a->name, len, alen);
		/*
		 * An empty decryption's result is 0 bytes, and read() of 0
		 * bytes never reaches AF_ALG: the tag would stay queued and
		 * the socket refuse the next send (EINVAL). aead_empty
		 * checks empty messages with AAD, whose result is not empty.
		 */
		if (a->cls == CU_HASH || alen + len == 0)
			continue;
		/* and kvault decrypts it back */
		r3 = cu_run(self->kv, a, 0, iv, o2, alen, o2 + alen,
			    outlen - alen, back, alen + len);
		ASSERT_LE((long)(alen + len), r3) TH_LOG("decrypt %zu bytes", len);
		ASSERT_EQ(0, memcmp(back + alen, in, len));
	}
	TH_LOG("%s: %d lengths compared", a->name, i);
}

/*
 * Empty plaintexts: the tag alone, equal to the plain algorithm's; with AAD
 * the decryption checks it (a changed tag is EBADMSG); and the socket takes
 * the next operation (a regression test: the empty decryption of
 * same.random_lengths once left its tag queued and the next send failed).
 */
FIXTURE(aead_empty) {
	FIXTURE_DATA(same) s;
};

FIXTURE_VARIANT(aead_empty) {
	const struct cu_alg *a;
};

FIXTURE_VARIANT_ADD(aead_empty, gcm_aes256) { .a = &A_GCM };
FIXTURE_VARIANT_ADD(aead_empty, rfc4106_gcm_aes256) { .a = &A_RFC4106 };

FIXTURE_SETUP(aead_empty)
{
	same_open(_metadata, &self->s, variant->a, 0);
}

FIXTURE_TEARDOWN(aead_empty)
{
	same_close(_metadata, &self->s, variant->a);
}

TEST_F(aead_empty, tag_only)
{
	static uint8_t aad[64], o1[64 + CU_TAG], o2[64 + CU_TAG], back[64 + CU_TAG],
		in[SAME_MAX], big[16 + SAME_MAX + CU_TAG];
	const struct cu_alg *a = variant->a;
	size_t alen, first = a == &A_RFC4106 ? 16 : 0;
	uint8_t iv[16];

	if (!self->s.kv)
		return;		/* skipped in setup */
	rnd_fill(aad, sizeof(aad));
	rnd_fill(iv, sizeof(iv));
	for (alen = first; alen <= (first ? 20 : 64); alen += first ? 4 : 1) {
		ASSERT_EQ((long)(alen + CU_TAG),
			  cu_run(self->s.plain, a, 1, iv, aad, alen, NULL, 0, o1,
				 alen + CU_TAG));
		ASSERT_EQ((long)(alen + CU_TAG),
			  cu_run(self->s.kv, a, 1, iv, aad, alen, NULL, 0, o2,
				 alen + CU_TAG)) TH_LOG("aad %zu", alen);
		ASSERT_EQ(0, memcmp(o1, o2, alen + CU_TAG)) TH_LOG("aad %zu", alen);
		if (!alen)
			continue;
		EXPECT_EQ((long)alen, cu_run(self->s.kv, a, 0, iv, o2, alen, o2 + alen,
					     CU_TAG, back, alen)) TH_LOG("aad %zu", alen);
		EXPECT_EQ(0, memcmp(back, aad, alen));
		o2[alen] ^= 1;
		EXPECT_EQ(-EBADMSG, cu_run(self->s.kv, a, 0, iv, o2, alen, o2 + alen,
					   CU_TAG, back, alen)) TH_LOG("aad %zu", alen);
	}
	/* the kvault socket is clean: a long operation follows */
	rnd_fill(in, sizeof(in));
	EXPECT_EQ((long)(first + SAME_MAX + CU_TAG),
		  cu_run(self->s.kv, a, 1, iv, aad, first, in, SAME_MAX, big,
			 first + SAME_MAX + CU_TAG));
}

/* ---- other kernel code: the crypto API from a kernel module -------------- */

/*
 * selftests/kernel-user/kvault_kernel_user.ko (`make test-module`, built
 * into kmod/<release>/ next to this binary) allocates kvault(ALG) through
 * the crypto API, sets a reference and runs one request on a fixed input,
 * when its "run" parameter is written; see its header.
 */
#define KU_MOD "kvault_kernel_user"
#define KU_PARAMS "/sys/module/" KU_MOD "/parameters/"
#define KU_LEN 64
#define KU_AAD 16

static int ku_load(char *path, size_t len)
{
	char self[PATH_MAX], *slash;
	struct utsname u;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd, rc;

	if (n < 0 || uname(&u))
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(path, len, "%s/kmod/%s/%s.ko", self, u.release,
			     KU_MOD) >= len)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST ? -errno : 0;
	close(fd);
	return rc;
}

static int ku_unload(void)
{
	return syscall(SYS_delete_module, KU_MOD, O_NONBLOCK) ? -errno : 0;
}

/* Write a command to the module's "run": 0 or the errno it returned. */
static int ku_cmd(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int fd, rc = 0;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fd = open(KU_PARAMS "run", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The module's last result ("out", hex) into @out: its length, or -errno. */
static long ku_result(uint8_t *out, size_t max)
{
	char hex[512];
	int fd = open(KU_PARAMS "out", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\0'))
		n--;
	hex[n] = '\0';
	if (n % 2 || (size_t)n / 2 > max || hex_decode(hex, out, (size_t)n / 2))
		return -EBADMSG;
	return n / 2;
}

FIXTURE(kernel_user) {
	FIXTURE_DATA(same) s;
	char ko[PATH_MAX];
};

FIXTURE_VARIANT(kernel_user) {
	const struct cu_alg *a;
	const char *api;		/* the module's CLASS */
};

FIXTURE_VARIANT_ADD(kernel_user, cbc_aes256_skcipher) { .a = &A_CBC, .api = "skcipher" };
FIXTURE_VARIANT_ADD(kernel_user, xts_aes512_skcipher) { .a = &A_XTS, .api = "skcipher" };
FIXTURE_VARIANT_ADD(kernel_user, gcm_aes256_aead) { .a = &A_GCM, .api = "aead" };
FIXTURE_VARIANT_ADD(kernel_user, hmac_sha256_shash) { .a = &A_HS256, .api = "shash" };
FIXTURE_VARIANT_ADD(kernel_user, hmac_sha512_ahash) { .a = &A_HS512, .api = "ahash" };

FIXTURE_SETUP(kernel_user)
{
	int rc;

	same_open(_metadata, &self->s, variant->a, 0);
	if (_metadata->skip)
		return;
	rc = ku_load(self->ko, sizeof(self->ko));
	ASSERT_EQ(0, rc) TH_LOG("loading %s: %s (make test-module builds it)",
				self->ko, strerror(-rc));
}

FIXTURE_TEARDOWN(kernel_user)
{
	if (_metadata->skip)
		return;
	ku_cmd("free");
	EXPECT_EQ(0, ku_unload());
	same_close(_metadata, &self->s, variant->a);
}

/*
 * What the plain algorithm, keyed with the key's bytes, makes of the
 * module's fixed input (into @out, 128 bytes): its length.
 */
static long ku_expected(struct kcapi_handle *plain, const struct cu_alg *a,
			uint8_t *out)
{
	uint8_t in[KU_LEN], aad[KU_AAD], iv[16] = { 0 };
	size_t i;

	for (i = 0; i < KU_LEN; i++)
		in[i] = (uint8_t)i;
	for (i = 0; i < KU_AAD; i++)
		aad[i] = (uint8_t)(0x80 + i);
	switch (a->cls) {
	case CU_SKCIPHER:
		return cu_run(plain, a, 1, iv, NULL, 0, in, KU_LEN, out, KU_LEN);
	case CU_AEAD:
		return cu_run(plain, a, 1, iv, aad, KU_AAD, in, KU_LEN, out,
			      KU_AAD + KU_LEN + CU_TAG);
	default:
		return cu_run(plain, a, 1, iv, NULL, 0, in, KU_LEN, out, a->dlen);
	}
}

/*
 * Kernel code that sets a reference gets the plain algorithm's output, its
 * requests count as another kernel user's (not AF_ALG's), its transform is
 * counted while it lives, and revocation stops it at the next request.
 */
TEST_F(kernel_user, same_as_plain_counted_and_revoked)
{
	const struct cu_alg *a = variant->a;
	uint8_t want[128], got[128];
	struct cu_usage u0, u;
	long n;

	if (_metadata->skip)
		return;
	n = ku_expected(self->s.plain, a, want);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, cu_usage_get(self->s.id, &u0));

	ASSERT_EQ(0, ku_cmd("%s %s %d", variant->api, a->name, self->s.id));
	ASSERT_EQ(n, ku_result(got, sizeof(got)));
	EXPECT_EQ(0, memcmp(want, got, (size_t)n));
	ASSERT_EQ(0, cu_usage_get(self->s.id, &u));
	EXPECT_EQ(u0.ops[KVAULT_CONSUMER_KERNEL] + 1, u.ops[KVAULT_CONSUMER_KERNEL]);
	EXPECT_EQ(u0.bytes[KVAULT_CONSUMER_KERNEL] + KU_LEN, u.bytes[KVAULT_CONSUMER_KERNEL]);
	EXPECT_EQ(u0.ops[KVAULT_CONSUMER_AF_ALG], u.ops[KVAULT_CONSUMER_AF_ALG]);
	EXPECT_EQ(u0.transforms + 1, u.transforms);

	ASSERT_EQ(0, ku_cmd("again"));
	ASSERT_EQ(n, ku_result(got, sizeof(got)));
	EXPECT_EQ(0, memcmp(want, got, (size_t)n));

	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)self->s.id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, ku_cmd("again"));
	EXPECT_EQ(0, ku_cmd("free"));
}

/* A kernel user's setkey is refused as AF_ALG's is, with the same errno. */
TEST_F(kernel_user, refused_as_af_alg_is)
{
	const struct cu_alg *a = variant->a;
	const struct cu_alg *other = a->cls == CU_HASH ? &A_CBC : &A_HS256;
	static const uint8_t tail[4];
	struct kcapi_handle *h = NULL;
	uint8_t mat[128];
	key_serial_t id;
	int rc;

	if (_metadata->skip)
		return;
	/* no such key; no such version; a key of another algorithm */
	rc = open_ref(&h, a, 0x7ffffff0, 0, tail);
	EXPECT_NE(0, rc);
	EXPECT_EQ(rc, ku_cmd("%s %s %d", variant->api, a->name, 0x7ffffff0));
	rc = open_ref(&h, a, self->s.id, 99, tail);
	EXPECT_NE(0, rc);
	EXPECT_EQ(rc, ku_cmd("%s %s %d 99", variant->api, a->name, self->s.id));
	id = new_key(kname("ku-other"), other, mat, NULL);
	ASSERT_LT(0, id);
	rc = open_ref(&h, a, id, 0, tail);
	EXPECT_NE(0, rc);
	EXPECT_EQ(rc, ku_cmd("%s %s %d", variant->api, a->name, id));
	/* and a key without crypto-api usage */
	id = new_key(kname("ku-usage"), a, mat, a->cls == CU_HASH ? "sign" : "encrypt");
	ASSERT_LT(0, id);
	rc = open_ref(&h, a, id, 0, tail);
	EXPECT_EQ(-EKEYREJECTED, rc);
	EXPECT_EQ(rc, ku_cmd("%s %s %d", variant->api, a->name, id));
	EXPECT_EQ(-ENOENT, ku_cmd("again"));	/* nothing was kept */
}

/* ---- setkey: permissions, forged and stale references, usage, fit ------- */

/* Run @fn in a child that is nobody (uid/gid 65534, no caps); its status. */
static int as_nobody(int (*fn)(key_serial_t, const char *), key_serial_t id,
		     const char *name)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		if (drop_privileges(NOBODY, NOBODY))
			_exit(100);
		_exit(fn(id, name));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* In the child: the errno of setkey (id and name) as an exit code. */
static int nobody_setkey(key_serial_t id, const char *name)
{
	uint8_t ref[CU_REF_BUF];
	struct kcapi_handle *h;
	int e1, e2;

	if (cu_open(&h, &A_CBC, 1))
		return 101;
	e1 = -kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0));
	e2 = -kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_name(ref, name, 0));
	kcapi_cipher_destroy(h);
	if (e1 != e2)
		return 102;
	return e1 > 99 ? 103 : e1;
}

TEST(unprivileged_process_cannot_set_root_key)
{
	const char *name = kname("perm");
	uint8_t key[32];
	key_serial_t id = new_key(name, &A_CBC, key, NULL);

	ASSERT_LT(0, id);
	/* not possessed by the child, no "other" permission: EACCES */
	EXPECT_EQ(EACCES, as_nobody(nobody_setkey, id, name));
	/* the check is the key's own mask: other=search lets nobody use it */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x3f3f0008, 0, 0));
	EXPECT_EQ(0, as_nobody(nobody_setkey, id, name));
}

TEST(setperm_without_search_is_refused)
{
	uint8_t key[32], ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id = new_key(kname("noperm"), &A_CBC, key, NULL);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&h, &A_CBC, 1));
	/* possessor and owner: everything but search */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x37370000, 0, 0));
	EXPECT_EQ(-EACCES, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	EXPECT_EQ(-EACCES, kcapi_cipher_setkey(h, ref,
			(uint32_t)cu_ref_name(ref, kname("noperm"), 0)));
	/* search back: it works */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x3f3f0000, 0, 0));
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	EXPECT_EQ(16, one_op(h, &A_CBC, 16));
	kcapi_cipher_destroy(h);
}

TEST(forged_references)
{
	uint8_t ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t user;
	char longname[KVAULT_KEY_NAME_MAX];

	user = kt_add_key("user", kname("user"), "0123456789abcdef0123456789abcdef",
			  32, RING);
	ASSERT_LT(0, user);
	ASSERT_EQ(0, cu_open(&h, &A_CBC, 1));
	/* the ID of a key that is not a vault key */
	EXPECT_EQ(-ENOENT, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, user, 0)));
	/* the ID of a keyring */
	EXPECT_EQ(-ENOENT, kcapi_cipher_setkey(h, ref,
			(uint32_t)cu_ref_id(ref, (key_serial_t)kt_keyctl(KEYCTL_GET_KEYRING_ID,
				(unsigned long)RING, 0, 0, 0), 0)));
	/* an ID no key has */
	EXPECT_EQ(-ENOENT, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, 0x7ffffff0, 0)));
	/* names the vault does not hold: one, the longest valid one, the user key's */
	EXPECT_EQ(-ENOENT, kcapi_cipher_setkey(h, ref,
			(uint32_t)cu_ref_name(ref, "cr-no-such-key", 0)));
	memset(longname, 'z', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	EXPECT_EQ(-ENOENT, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_name(ref, longname, 0)));
	EXPECT_EQ(-ENOENT, kcapi_cipher_setkey(h, ref,
			(uint32_t)cu_ref_name(ref, kname("user"), 0)));
	kcapi_cipher_destroy(h);
}

TEST(stale_references)
{
	uint8_t key[32], ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id, gone;
	int fd = vault_fd(), rc;

	ASSERT_LE(0, fd);
	id = new_key(kname("stale"), &A_CBC, key, NULL);
	gone = new_key(kname("gone"), &A_CBC, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_LT(0, gone);
	ASSERT_EQ(0, cu_open(&h, &A_CBC, 1));
	/* versions that never existed */
	EXPECT_EQ(-ENOKEY, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 2)));
	EXPECT_EQ(-ENOKEY, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0xffffffff)));
	/* version 1 retired by the minimum version */
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 1)));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SET_MIN_VERSION, id, NULL, 2, NULL));
	EXPECT_EQ(-ENOKEY, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 1)));
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 2)));
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	/* a destroyed key: ENOKEY until the keyring core collects it, then ENOENT */
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, gone, NULL, 0, NULL));
	rc = kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, gone, 0));
	EXPECT_TRUE(rc == -ENOKEY || rc == -ENOENT) TH_LOG("destroyed: %d", rc);
	rc = kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_name(ref, kname("gone"), 0));
	EXPECT_TRUE(rc == -ENOKEY || rc == -ENOENT) TH_LOG("destroyed by name: %d", rc);
	/* a disabled key */
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, NULL));
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	/* revoked, expired */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	id = new_key(kname("stale-exp"), &A_CBC, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id, 1, 0, 0));
	sleep(2);
	EXPECT_EQ(-EKEYEXPIRED, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	kcapi_cipher_destroy(h);
	close(fd);
}

TEST(key_without_crypto_api_usage)
{
	uint8_t key[64], ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t aes, mac, xts;

	aes = new_key(kname("nousage"), &A_CBC, key, "encrypt,decrypt");
	mac = new_key(kname("nousage-mac"), &A_HS256, key, "sign,verify");
	xts = new_key(kname("nousage-xts"), &A_XTS, key, "encrypt,decrypt");
	ASSERT_LT(0, aes);
	ASSERT_LT(0, mac);
	ASSERT_LT(0, xts);
	ASSERT_EQ(0, cu_open(&h, &A_CBC, 1));
	EXPECT_EQ(-EKEYREJECTED, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, aes, 0)));
	kcapi_cipher_destroy(h);
	ASSERT_EQ(0, cu_open(&h, &A_HS256, 1));
	EXPECT_EQ(-EKEYREJECTED, kcapi_md_setkey(h, ref, (uint32_t)cu_ref_id(ref, mac, 0)));
	kcapi_md_destroy(h);
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
	EXPECT_EQ(-EKEYREJECTED, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, xts, 0)));
	kcapi_cipher_destroy(h);
}

TEST(algorithm_mismatch)
{
	static const struct {
		const struct cu_alg *key;	/* the key's kind */
		const struct cu_alg *tfm;	/* the transform it is set on */
	} bad[] = {
		{ &A_CBC, &A_XTS },		/* aes-256 with xts */
		{ &A_CBC128, &A_XTS },		/* aes-128 with xts */
		{ &A_XTS, &A_CBC },		/* aes-xts-512 with cbc */
		{ &A_XTS256, &A_GCM },		/* aes-xts-256 with gcm */
		{ &A_XTS, &A_ECB },
		{ &A_HS384, &A_HS256 },		/* hmac-sha384 with hmac(sha256) */
		{ &A_HS256, &A_HS512 },
		{ &A_HS512, &A_CBC },		/* an hmac key with a cipher */
		{ &A_CBC, &A_HS256 },		/* an aes key with hmac */
		{ &A_HS256, &A_RFC4106 },
	};
	uint8_t key[128], ref[CU_REF_BUF + 4] = { 0 };
	struct kcapi_handle *h;
	char name[64];
	key_serial_t id;
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "%s-%zu", kname("fit"), i);
		id = new_key(name, bad[i].key, key, NULL);
		ASSERT_LT(0, id);
		ASSERT_EQ(0, cu_open(&h, bad[i].tfm, 1));
		n = cu_ref_id(ref, id, 0) + bad[i].tfm->tail;
		EXPECT_EQ(-EMEDIUMTYPE, cu_setkey(h, bad[i].tfm->cls, ref, n))
			TH_LOG("%s key on kvault(%s)", bad[i].key->kalg, bad[i].tfm->name);
		cu_close(h, bad[i].tfm->cls);
	}
}

/* The uapi's order: EACCES, then revoked, usage, fit, and ENOKEY last. */
TEST(checks_in_documented_order)
{
	uint8_t key[64], ref[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id;
	int fd = vault_fd();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
	/* a disabled aes-256 key without crypto-api on xts: EKEYREJECTED */
	id = new_key(kname("ord1"), &A_CBC, key, "encrypt");
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-EKEYREJECTED, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	/* a disabled aes-256 key with crypto-api on xts: EMEDIUMTYPE */
	id = new_key(kname("ord2"), &A_CBC, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-EMEDIUMTYPE, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	/* revoked beats usage */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	/* a malformed reference beats everything */
	ref[0] ^= 1;
	EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, ref, KVAULT_KEY_REF_HDR_SIZE));
	kcapi_cipher_destroy(h);
	close(fd);
}

/* ---- malformed tokens ----------------------------------------------------- */

/* Header fields (native byte order) and wrong values for them. */
static const struct {
	size_t off, width;
	uint32_t v;
} bad_hdr[] = {
	{ offsetof(struct kvault_key_ref, version), 2, 0 },
	{ offsetof(struct kvault_key_ref, version), 2, 2 },
	{ offsetof(struct kvault_key_ref, version), 2, 0xffff },
	{ offsetof(struct kvault_key_ref, size), 2, KVAULT_KEY_REF_HDR_SIZE - 1 },
	{ offsetof(struct kvault_key_ref, size), 2, 0 },
	{ offsetof(struct kvault_key_ref, size), 2, KVAULT_KEY_REF_HDR_SIZE + 8 },
	{ offsetof(struct kvault_key_ref, size), 2, 0xffff },
	{ offsetof(struct kvault_key_ref, reserved), 4, 1 },
	{ offsetof(struct kvault_key_ref, reserved), 4, 0x80000000 },
};

TEST(malformed_references)
{
	static uint8_t ref[4096];
	uint8_t key[64], raw[64];
	struct kvault_key_ref *r = (struct kvault_key_ref *)ref;
	struct kcapi_handle *h;
	const char *name = kname("tok");
	key_serial_t id;
	size_t n, i;

	id = new_key(name, &A_XTS, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
#define BAD(len) EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, ref, (uint32_t)(len)))
	/* short: every length below the header, and a name cut short */
	for (i = 1; i < KVAULT_KEY_REF_HDR_SIZE; i++) {
		cu_ref_id(ref, id, 0);
		BAD(i) TH_LOG("short %zu", i);
	}
	n = cu_ref_name(ref, name, 0);
	BAD(n - 1);
	/* long: a byte past size, a salt on an ALG without one, 4 KiB */
	n = cu_ref_id(ref, id, 0);
	ref[n] = 0;
	BAD(n + 1);
	BAD(n + 4);
	memset(ref + n, 0, 4096 - n);
	BAD(4096);
	/* wrong magic, each byte */
	for (i = 0; i < 4; i++) {
		cu_ref_id(ref, id, 0);
		ref[i] ^= 0x20;
		BAD(KVAULT_KEY_REF_HDR_SIZE) TH_LOG("magic byte %zu", i);
	}
	/* one header field set to a wrong value: version, size, reserved */
	for (i = 0; i < sizeof(bad_hdr) / sizeof(bad_hdr[0]); i++) {
		uint16_t v16 = (uint16_t)bad_hdr[i].v;

		cu_ref_id(ref, id, 0);
		memcpy(ref + bad_hdr[i].off, bad_hdr[i].width == 2 ?
		       (const void *)&v16 : (const void *)&bad_hdr[i].v, bad_hdr[i].width);
		BAD(KVAULT_KEY_REF_HDR_SIZE) TH_LOG("header field at %zu = %#x",
						     bad_hdr[i].off, bad_hdr[i].v);
	}
	/* non-zero flags, each bit */
	for (i = 0; i < 32; i++) {
		cu_ref_id(ref, id, 0);
		r->flags = 1u << i;
		BAD(KVAULT_KEY_REF_HDR_SIZE) TH_LOG("flag bit %zu", i);
	}
	/* both an ID and a name; neither */
	n = cu_ref_name(ref, name, 0);
	r->id = id;
	BAD(n);
	cu_ref_id(ref, 0, 0);
	BAD(KVAULT_KEY_REF_HDR_SIZE);
	/* names: empty, not NUL-terminated at size, NUL early, too long, bad bytes */
	n = cu_ref_name(ref, "", 0);
	BAD(n);
	n = cu_ref_name(ref, name, 0);
	ref[n - 1] = 'x';
	BAD(n);
	n = cu_ref_name(ref, name, 0);
	ref[KVAULT_KEY_REF_HDR_SIZE + 2] = 0;	/* the name ends before size */
	BAD(n);
	memset(ref + KVAULT_KEY_REF_HDR_SIZE, 'a', 300);
	ref[KVAULT_KEY_REF_HDR_SIZE + 300] = 0;
	r->size = KVAULT_KEY_REF_HDR_SIZE + 301;	/* a huge name */
	BAD(KVAULT_KEY_REF_HDR_SIZE + 301);
	memset(ref + KVAULT_KEY_REF_HDR_SIZE, 'a', KVAULT_KEY_NAME_MAX);
	ref[KVAULT_KEY_REF_HDR_SIZE + KVAULT_KEY_NAME_MAX] = 0;	/* one too long */
	r->size = KVAULT_KEY_REF_HDR_SIZE + KVAULT_KEY_NAME_MAX + 1;
	BAD(r->size);
	n = cu_ref_name(ref, "cr tok", 0);
	BAD(n);
	n = cu_ref_name(ref, "cr\x01tok", 0);
	BAD(n);
	n = cu_ref_name(ref, "cr\x80tok", 0);
	BAD(n);
	/* raw key bytes, of the right length for xts(aes) and others */
	rnd_fill(raw, sizeof(raw));
	EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, raw, 64));
	EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, raw, 32));
	EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, key, 64)) TH_LOG("the key's own bytes");
	/* after all that, a valid reference by ID and by name still works */
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_id(ref, id, 0)));
	EXPECT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)cu_ref_name(ref, name, 0)));
#undef BAD
	kcapi_cipher_destroy(h);
}

TEST(rfc4106_needs_exactly_the_salt)
{
	uint8_t key[32], ref[CU_REF_BUF + 8] = { 0 };
	struct kcapi_handle *h;
	key_serial_t id = new_key(kname("salt"), &A_RFC4106, key, NULL);
	size_t n;

	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&h, &A_RFC4106, 1));
	n = cu_ref_id(ref, id, 0);
	EXPECT_EQ(-EINVAL, kcapi_aead_setkey(h, ref, (uint32_t)n));
	EXPECT_EQ(-EINVAL, kcapi_aead_setkey(h, ref, (uint32_t)n + 3));
	EXPECT_EQ(-EINVAL, kcapi_aead_setkey(h, ref, (uint32_t)n + 5));
	EXPECT_EQ(0, kcapi_aead_setkey(h, ref, (uint32_t)n + 4));
	n = cu_ref_name(ref, kname("salt"), 0);
	EXPECT_EQ(0, kcapi_aead_setkey(h, ref, (uint32_t)n + 4));
	kcapi_aead_destroy(h);
}

/* Binding unknown names makes the crypto core try modprobe for each: slow under TCG. */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, unsupported_inner_algorithms, 300)
{
	static const struct {
		enum cu_class cls;
		const char *name;
	} bad[] = {
		{ CU_SKCIPHER, "kvault(xts(nosuchcipher))" },
		{ CU_SKCIPHER, "kvault(nosuchmode(aes))" },
		{ CU_SKCIPHER, "kvault(cbc(des3_ede))" },
		{ CU_SKCIPHER, "kvault(cbc(serpent))" },
		{ CU_SKCIPHER, "kvault(ctr(sm4))" },
		{ CU_SKCIPHER, "kvault(aes)" },
		{ CU_SKCIPHER, "kvault(kvault(cbc(aes)))" },
		{ CU_AEAD, "kvault(ccm(aes))" },
		{ CU_AEAD, "kvault(rfc4106(gcm(nosuchcipher)))" },
		{ CU_HASH, "kvault(sha256)" },
		{ CU_HASH, "kvault(hmac(md5))" },
		{ CU_HASH, "kvault(hmac(sha1))" },
		{ CU_HASH, "kvault(hmac(nosuchhash))" },
		{ CU_HASH, "kvault(cmac(aes))" },
		{ CU_HASH, "kvault()" },
	};
	struct kcapi_handle *h;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t0 = time(NULL);

		rc = cu_init(&h, bad[i].cls, bad[i].name);
		if (!rc)
			cu_close(h, bad[i].cls);
		EXPECT_EQ(-ENOENT, rc) TH_LOG("%s", bad[i].name);
		if (time(NULL) - t0 > 2)
			TH_LOG("%s: bind took %lds", bad[i].name, (long)(time(NULL) - t0));
	}
	/*
	 * A supported one asked for as the wrong class does not bind either:
	 * as the plain algorithm does not (the kernel's errno for that).
	 */
	rc = cu_init(&h, CU_HASH, "cbc(aes)");
	EXPECT_GT(0, rc);
	EXPECT_EQ(rc, cu_init(&h, CU_HASH, "kvault(cbc(aes))"));
	rc = cu_init(&h, CU_SKCIPHER, "hmac(sha256)");
	EXPECT_GT(0, rc);
	EXPECT_EQ(rc, cu_init(&h, CU_SKCIPHER, "kvault(hmac(sha256))"));
}

/*
 * A failed setkey leaves no key: requests fail until a valid one is set.
 * (AF_ALG refuses setkey with EBUSY once an operation socket is open, so
 * each round keys a fresh socket before its first operation.)
 */
TEST(failed_setkey_wipes_the_key)
{
	uint8_t key[64], ref[CU_REF_BUF], junk[64], wrong[CU_REF_BUF];
	struct kcapi_handle *h;
	key_serial_t id = new_key(kname("wipe"), &A_XTS, key, NULL), other;
	size_t n = cu_ref_id(ref, id, 0);

	ASSERT_LT(0, id);
	/* what dm-crypt's "key wipe" does: random bytes after a valid ref */
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
	ASSERT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)n));
	rnd_fill(junk, sizeof(junk));
	EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, junk, sizeof(junk)));
	EXPECT_EQ(-ENOKEY, one_op(h, &A_XTS, 512));
	/* a valid reference restores it */
	ASSERT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)n));
	EXPECT_EQ(512, one_op(h, &A_XTS, 512));
	kcapi_cipher_destroy(h);
	/* a reference with a flipped magic byte (malformed) wipes it too */
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
	ASSERT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)n));
	ref[0] ^= 1;
	EXPECT_EQ(-EINVAL, kcapi_cipher_setkey(h, ref, (uint32_t)n));
	EXPECT_EQ(-ENOKEY, one_op(h, &A_XTS, 512));
	kcapi_cipher_destroy(h);
	/* and so does a well-formed reference to the wrong kind of key */
	ref[0] ^= 1;
	other = new_key(kname("wipe-cbc"), &A_CBC, key, NULL);
	ASSERT_LT(0, other);
	ASSERT_EQ(0, cu_open(&h, &A_XTS, 1));
	ASSERT_EQ(0, kcapi_cipher_setkey(h, ref, (uint32_t)n));
	EXPECT_EQ(-EMEDIUMTYPE, kcapi_cipher_setkey(h, wrong, (uint32_t)cu_ref_id(wrong, other, 0)));
	EXPECT_EQ(-ENOKEY, one_op(h, &A_XTS, 512));
	kcapi_cipher_destroy(h);
}

/*
 * A setkey of any length reaches kvault and wipes the key: the crypto core
 * refuses an skcipher key longer than the instance's max keysize itself,
 * without marking the transform as needing one, so the old key would live
 * on. Each kind, a reference followed by junk up to 4097 and 8192 bytes.
 */
TEST(oversized_setkey_wipes_the_key)
{
	static const struct cu_alg *const kinds[] = { &A_XTS, &A_GCM, &A_HS256 };
	static const uint32_t lens[] = { 4097, 8192 };
	static uint8_t big[8192];
	uint8_t key[64], ref[CU_REF_BUF];
	struct kcapi_handle *h;
	size_t k, l, n;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const struct cu_alg *a = kinds[k];
		char tag[16];
		key_serial_t id;

		snprintf(tag, sizeof(tag), "big%zu", k);
		id = new_key(kname(tag), a, key, NULL);

		ASSERT_LT(0, id);
		n = cu_ref_id(ref, id, 0);
		for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			rnd_fill(big, sizeof(big));
			memcpy(big, ref, n);
			ASSERT_EQ(0, cu_open(&h, a, 1));
			ASSERT_EQ(0, cu_setkey(h, a->cls, ref, n));
			EXPECT_EQ(-EINVAL, cu_setkey(h, a->cls, big, lens[l]))
				TH_LOG("kvault(%s), %u bytes", a->name, lens[l]);
			EXPECT_EQ(-ENOKEY, one_op(h, a, 64))
				TH_LOG("kvault(%s) after %u bytes", a->name, lens[l]);
			/* a valid reference restores it */
			ASSERT_EQ(0, cu_setkey(h, a->cls, ref, n));
			EXPECT_LT(0, one_op(h, a, 64)) TH_LOG("kvault(%s)", a->name);
			cu_close(h, a->cls);
		}
	}
}

/* ---- what an instance takes from its inner algorithm --------------------- */

#define PROC_FIELDS 24

/* One /proc/crypto entry: its "field : value" lines, trimmed. */
struct proc_alg {
	int n;
	char field[PROC_FIELDS][32];
	char value[PROC_FIELDS][64];
};

static const char *proc_field(const struct proc_alg *e, const char *field)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->field[i], field))
			return e->value[i];
	return NULL;
}

/* The /proc/crypto entry whose @field is @value, into @e: 0, or -ENOENT. */
static int proc_crypto_find(const char *field, const char *value,
			    struct proc_alg *e)
{
	FILE *f = fopen("/proc/crypto", "re");
	char line[256], *colon, *v, *end;
	int found = 0;

	if (!f)
		return -errno;
	e->n = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (line[0] == '\n') {
			found = proc_field(e, field) && !strcmp(proc_field(e, field), value);
			if (!found)
				e->n = 0;
			continue;
		}
		colon = strchr(line, ':');
		if (!colon || e->n == PROC_FIELDS)
			continue;
		for (end = colon; end > line && end[-1] == ' '; end--)
			;
		*end = 0;
		for (v = colon + 1; *v == ' '; v++)
			;
		v[strcspn(v, "\n")] = 0;
		snprintf(e->field[e->n], sizeof(e->field[0]), "%.*s",
			 (int)sizeof(e->field[0]) - 1, line);
		snprintf(e->value[e->n], sizeof(e->value[0]), "%.*s",
			 (int)sizeof(e->value[0]) - 1, v);
		e->n++;
	}
	if (!found)
		found = proc_field(e, field) && !strcmp(proc_field(e, field), value);
	fclose(f);
	return found ? 0 : -ENOENT;
}

FIXTURE(inherit) {
	struct kcapi_handle *plain, *wrapped;
};

FIXTURE_VARIANT(inherit) {
	const struct cu_alg *a;
};

FIXTURE_VARIANT_ADD(inherit, xts_aes) { .a = &A_XTS };
FIXTURE_VARIANT_ADD(inherit, gcm_aes) { .a = &A_GCM };
FIXTURE_VARIANT_ADD(inherit, hmac_sha256) { .a = &A_HS256 };

/* Both allocated: the kvault instance exists, and so does its inner one. */
FIXTURE_SETUP(inherit)
{
	ASSERT_EQ(0, cu_open(&self->plain, variant->a, 0));
	ASSERT_EQ(0, cu_open(&self->wrapped, variant->a, 1));
}

FIXTURE_TEARDOWN(inherit)
{
	if (self->wrapped)
		cu_close(self->wrapped, variant->a->cls);
	if (self->plain)
		cu_close(self->plain, variant->a->cls);
}

/*
 * /proc/crypto: kvault(ALG)'s entry says what its inner driver's says
 * (priority, type, async, block, IV, tag, digest, chunk and walk sizes,
 * internal, self-test), except for what is its own: name, driver, module,
 * reference count, and an skcipher's key sizes (a reference of any length).
 */
TEST_F(inherit, proc_crypto_matches_the_inner_driver)
{
	static const char *const own[] = {
		"name", "driver", "module", "refcnt", "min keysize", "max keysize",
	};
	struct proc_alg k, in;
	char name[128], inner[64];
	const char *drv, *v;
	size_t len, j;
	int i;

	snprintf(name, sizeof(name), "kvault(%s)", variant->a->name);
	ASSERT_EQ(0, proc_crypto_find("name", name, &k)) TH_LOG("%s", name);
	drv = proc_field(&k, "driver");
	ASSERT_NE(NULL, drv);
	len = strlen(drv);
	ASSERT_TRUE(len > 8 && !strncmp(drv, "kvault(", 7) && drv[len - 1] == ')')
		TH_LOG("driver %s", drv);
	snprintf(inner, sizeof(inner), "%.*s", (int)(len - 8), drv + 7);
	ASSERT_EQ(0, proc_crypto_find("driver", inner, &in)) TH_LOG("inner %s", inner);
	EXPECT_STREQ(variant->a->name, proc_field(&in, "name"));
	TH_LOG("%s over %s: priority %s, type %s", name, inner,
	       proc_field(&k, "priority"), proc_field(&k, "type"));
	for (i = 0; i < in.n; i++) {
		for (j = 0; j < sizeof(own) / sizeof(own[0]); j++)
			if (!strcmp(in.field[i], own[j]))
				break;
		if (j < sizeof(own) / sizeof(own[0]))
			continue;
		v = proc_field(&k, in.field[i]);
		EXPECT_NE(NULL, v) TH_LOG("%s: no %s", name, in.field[i]);
		if (v)
			EXPECT_STREQ(in.value[i], v) TH_LOG("%s: %s", name, in.field[i]);
	}
	/* and nothing the inner entry lacks */
	for (i = 0; i < k.n; i++)
		EXPECT_NE(NULL, proc_field(&in, k.field[i])) TH_LOG("%s: %s", name, k.field[i]);
	if (variant->a->cls == CU_SKCIPHER) {
		EXPECT_STREQ("0", proc_field(&k, "min keysize"));
		EXPECT_STREQ("4294967295", proc_field(&k, "max keysize"));
	}
}

/* What libkcapi reports (crypto_user) of a kvault handle and a plain one. */
TEST_F(inherit, kcapi_sizes_match_the_plain_handle)
{
	struct kcapi_handle *p = self->plain, *w = self->wrapped;

	switch (variant->a->cls) {
	case CU_SKCIPHER:
		if (!kcapi_cipher_blocksize(p))
			SKIP(return, "libkcapi reports no sizes: crypto_user (CONFIG_CRYPTO_USER) unavailable");
		EXPECT_EQ(kcapi_cipher_blocksize(p), kcapi_cipher_blocksize(w));
		EXPECT_EQ(kcapi_cipher_ivsize(p), kcapi_cipher_ivsize(w));
		EXPECT_EQ(variant->a->ivlen, kcapi_cipher_ivsize(w));
		break;
	case CU_AEAD:
		if (!kcapi_aead_blocksize(p))
			SKIP(return, "libkcapi reports no sizes: crypto_user (CONFIG_CRYPTO_USER) unavailable");
		EXPECT_EQ(kcapi_aead_blocksize(p), kcapi_aead_blocksize(w));
		EXPECT_EQ(kcapi_aead_ivsize(p), kcapi_aead_ivsize(w));
		EXPECT_EQ(kcapi_aead_authsize(p), kcapi_aead_authsize(w));
		EXPECT_EQ(variant->a->ivlen, kcapi_aead_ivsize(w));
		EXPECT_EQ(CU_TAG, kcapi_aead_authsize(w));
		break;
	default:
		if (!kcapi_md_blocksize(p))
			SKIP(return, "libkcapi reports no sizes: crypto_user (CONFIG_CRYPTO_USER) unavailable");
		EXPECT_EQ(kcapi_md_blocksize(p), kcapi_md_blocksize(w));
		EXPECT_EQ(kcapi_md_digestsize(p), kcapi_md_digestsize(w));
		EXPECT_EQ(variant->a->dlen, kcapi_md_digestsize(w));
	}
}

/* ---- live revocation on a keyed socket ----------------------------------- */

FIXTURE(live) {
	struct kcapi_handle *h;
	key_serial_t id;
	int fd;
};

FIXTURE_VARIANT(live) {
	const struct cu_alg *a;
};

FIXTURE_VARIANT_ADD(live, xts) { .a = &A_XTS };
FIXTURE_VARIANT_ADD(live, gcm) { .a = &A_GCM };
FIXTURE_VARIANT_ADD(live, hmac_sha256) { .a = &A_HS256 };

FIXTURE_SETUP(live)
{
	uint8_t key[128], salt[4] = { 1, 2, 3, 4 };

	self->fd = vault_fd();
	ASSERT_LE(0, self->fd);
	self->id = new_key(kname("live"), variant->a, key, NULL);
	ASSERT_LT(0, self->id);
	ASSERT_EQ(0, open_ref(&self->h, variant->a, self->id, 0, salt));
}

FIXTURE_TEARDOWN(live)
{
	if (self->h)
		cu_close(self->h, variant->a->cls);
	close(self->fd);
}

static long live_op(struct kcapi_handle *h, const struct cu_alg *a)
{
	long rc = one_op(h, a, 64);

	if (rc < 0)
		return rc;
	return rc == (long)(a->cls == CU_HASH ? a->dlen :
			    a->cls == CU_AEAD ? 64 + CU_TAG : 64) ? 0 : -EPROTO;
}

TEST_F(live, revoke)
{
	ASSERT_EQ(0, live_op(self->h, variant->a));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)self->id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, live_op(self->h, variant->a));
	EXPECT_EQ(-EKEYREVOKED, live_op(self->h, variant->a));
}

TEST_F(live, invalidate)
{
	ASSERT_EQ(0, live_op(self->h, variant->a));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)self->id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, live_op(self->h, variant->a));
}

TEST_F(live, disable_then_enable)
{
	ASSERT_EQ(0, live_op(self->h, variant->a));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, live_op(self->h, variant->a));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, self->id, NULL, 0, NULL));
	EXPECT_EQ(0, live_op(self->h, variant->a));
}

TEST_F(live, schedule_destroy_and_cancel)
{
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL,
			   3600, NULL));
	EXPECT_EQ(-ENOKEY, live_op(self->h, variant->a));
	/* cancel leaves it disabled */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, self->id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, live_op(self->h, variant->a));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, self->id, NULL, 0, NULL));
	EXPECT_EQ(0, live_op(self->h, variant->a));
}

TEST_F(live, destroy)
{
	ASSERT_EQ(0, live_op(self->h, variant->a));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, live_op(self->h, variant->a));
	EXPECT_EQ(-ENOKEY, live_op(self->h, variant->a));
}

TEST_F(live, expire)
{
	ASSERT_EQ(0, live_op(self->h, variant->a));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)self->id, 1, 0, 0));
	sleep(2);
	EXPECT_EQ(-EKEYEXPIRED, live_op(self->h, variant->a));
}

TEST_F(live, min_version_past_the_keyed_version)
{
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, NULL));
	/* keyed with version 1 (the newest at setkey): still live */
	EXPECT_EQ(0, live_op(self->h, variant->a));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 2, NULL));
	EXPECT_EQ(-ENOKEY, live_op(self->h, variant->a));
}

TEST_F(live, unlinked_key_keeps_working)
{
	/* the transform's reference keeps a merely unlinked key alive */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_UNLINK, (unsigned long)self->id,
			       (unsigned long)RING, 0, 0));
	EXPECT_EQ(0, live_op(self->h, variant->a));
}

/* A key version pins the material: v1 keeps the imported key's output. */
TEST(version_pinning)
{
	uint8_t key[32], iv[16] = { 0 }, pt[64] = { 0 }, c1[64], c2[64], c3[64];
	struct kcapi_handle *plain, *v1, *newest;
	int fd = vault_fd();
	key_serial_t id;

	ASSERT_LE(0, fd);
	id = new_key(kname("pin"), &A_CBC, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, cu_open(&plain, &A_CBC, 0));
	ASSERT_EQ(0, kcapi_cipher_setkey(plain, key, sizeof(key)));
	ASSERT_EQ(0, open_ref(&v1, &A_CBC, id, 1, NULL));
	ASSERT_EQ(0, open_ref(&newest, &A_CBC, id, 0, NULL));
	ASSERT_EQ(64, kcapi_cipher_encrypt(plain, pt, 64, iv, c1, 64, KCAPI_ACCESS_HEURISTIC));
	ASSERT_EQ(64, kcapi_cipher_encrypt(v1, pt, 64, iv, c2, 64, KCAPI_ACCESS_HEURISTIC));
	ASSERT_EQ(64, kcapi_cipher_encrypt(newest, pt, 64, iv, c3, 64, KCAPI_ACCESS_HEURISTIC));
	EXPECT_EQ(0, memcmp(c1, c2, 64));
	EXPECT_NE(0, memcmp(c1, c3, 64));	/* version 2 is new material */
	kcapi_cipher_destroy(plain);
	kcapi_cipher_destroy(v1);
	kcapi_cipher_destroy(newest);
	close(fd);
}

/* Revoking while another thread encrypts in a loop: it fails from then on. */
struct spin {
	struct kcapi_handle *h;
	volatile int stop, ok_before, first_err, ok_after;
	volatile long ops;
};

static void *spinner(void *arg)
{
	struct spin *s = arg;
	long rc;

	while (!s->stop) {
		rc = one_op(s->h, &A_XTS, 4096);
		s->ops++;
		if (rc == 4096) {
			if (s->first_err)
				s->ok_after++;
			else
				s->ok_before++;
		} else if (!s->first_err) {
			s->first_err = (int)-rc;
		}
	}
	return NULL;
}

TEST(revoke_while_in_use)
{
	struct spin s = { 0 };
	uint8_t key[64];
	pthread_t t;
	key_serial_t id = new_key(kname("spin"), &A_XTS, key, NULL);
	int i;
	long after;

	ASSERT_LT(0, id);
	ASSERT_EQ(0, open_ref(&s.h, &A_XTS, id, 0, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, spinner, &s));
	for (i = 0; i < WAIT_ROUNDS && s.ok_before < 20; i++)
		usleep(WAIT_STEP_US);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	after = s.ops;
	for (i = 0; i < WAIT_ROUNDS && s.ops < after + 50; i++)
		usleep(WAIT_STEP_US);
	s.stop = 1;
	pthread_join(t, NULL);
	TH_LOG("%d ops before the revocation, %ld in all", s.ok_before, s.ops);
	EXPECT_LT(0, s.ok_before);
	EXPECT_EQ(EKEYREVOKED, s.first_err);
	EXPECT_EQ(0, s.ok_after);
	kcapi_cipher_destroy(s.h);
}

/* ---- usage accounting ----------------------------------------------------- */

TEST(af_alg_accounting)
{
	const struct cu_alg *algs[] = { &A_CBC, &A_GCM, &A_HS256 };
	struct kcapi_handle *h, *h2;
	struct cu_usage u;
	uint8_t key[64];
	key_serial_t id;
	size_t i;
	int k, n = 10;
	const size_t L = 4096;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s-%zu", kname("acct"), i);
		id = new_key(name, algs[i], key, NULL);
		ASSERT_LT(0, id);
		ASSERT_EQ(0, cu_usage_get(id, &u));
		EXPECT_EQ(0u, u.transforms);
		EXPECT_EQ(KVAULT_CONSUMER_MAX, u.kinds) TH_LOG("every kind, zeros included");
		EXPECT_EQ(0u, u.ops[KVAULT_CONSUMER_AF_ALG]);

		ASSERT_EQ(0, open_ref(&h, algs[i], id, 0, NULL));
		ASSERT_EQ(0, cu_usage_get(id, &u));
		EXPECT_EQ(1u, u.transforms) TH_LOG("%s", algs[i]->name);
		ASSERT_EQ(0, open_ref(&h2, algs[i], id, 0, NULL));
		ASSERT_EQ(0, cu_usage_get(id, &u));
		EXPECT_EQ(2u, u.transforms);
		cu_close(h2, algs[i]->cls);

		for (k = 0; k < n; k++)
			ASSERT_LT(0, one_op(h, algs[i], L));
		ASSERT_EQ(0, cu_usage_get(id, &u));
		if (algs[i]->cls == CU_HASH) {	/* init/update/final may count apart */
			EXPECT_LE((uint64_t)n, u.ops[KVAULT_CONSUMER_AF_ALG]);
		} else {
			EXPECT_EQ((uint64_t)n, u.ops[KVAULT_CONSUMER_AF_ALG])
				TH_LOG("%s", algs[i]->name);
		}
		EXPECT_EQ((uint64_t)n * L, u.bytes[KVAULT_CONSUMER_AF_ALG])
			TH_LOG("%s", algs[i]->name);
		EXPECT_EQ(0u, u.ops[KVAULT_CONSUMER_DM_CRYPT]);
		EXPECT_EQ(0u, u.ops[KVAULT_CONSUMER_KERNEL]);
		EXPECT_EQ(1u, u.transforms);
		cu_close(h, algs[i]->cls);
		for (k = 0; k < WAIT_ROUNDS; k++) {
			ASSERT_EQ(0, cu_usage_get(id, &u));
			if (!u.transforms)
				break;
			usleep(WAIT_STEP_US);
		}
		EXPECT_EQ(0u, u.transforms) TH_LOG("after close, %s", algs[i]->name);
		/* the counts stay */
		EXPECT_EQ((uint64_t)n * L, u.bytes[KVAULT_CONSUMER_AF_ALG]);
	}
}

/* A refused request is not counted. */
TEST(refused_requests_are_not_counted)
{
	struct kcapi_handle *h;
	struct cu_usage u;
	uint8_t key[32];
	int fd = vault_fd();
	key_serial_t id = new_key(kname("acct-ref"), &A_CBC, key, NULL);

	ASSERT_LE(0, fd);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, open_ref(&h, &A_CBC, id, 0, NULL));
	ASSERT_EQ(64, one_op(h, &A_CBC, 64));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, one_op(h, &A_CBC, 64));
	ASSERT_EQ(0, cu_usage_get(id, &u));
	EXPECT_EQ(1u, u.ops[KVAULT_CONSUMER_AF_ALG]);
	EXPECT_EQ(64u, u.bytes[KVAULT_CONSUMER_AF_ALG]);
	kcapi_cipher_destroy(h);
	close(fd);
}

/* ---- the logon mirror ------------------------------------------------------ */

static int publish(int fd, unsigned long cmd, key_serial_t id, const char *name,
		   struct kvault_key_publish *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->id = id;
	if (!id && name)
		snprintf(p->name, sizeof(p->name), "%s", name);
	return ioctl_errno(fd, cmd, p);
}

static int kernel_has_key_serial(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &maj, &min);
	return maj > 6 || (maj == 6 && min >= 2);
}

#ifndef ALG_SET_KEY_BY_KEY_SERIAL
#define ALG_SET_KEY_BY_KEY_SERIAL 7
#endif

/* A raw AF_ALG skcipher socket for @name, bound; its fd or -errno. */
static int raw_alg(const char *name)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "skcipher" };
	int fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Encrypt @len bytes on the keyed tfm socket @tfm; bytes out or -errno. */
static long raw_encrypt(int tfm, const uint8_t *iv, size_t ivlen,
			const uint8_t *in, size_t len, uint8_t *out)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(struct af_alg_iv) + 16)];
	struct iovec io = { (void *)in, len };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	struct af_alg_iv *aiv;
	uint32_t op = ALG_OP_ENCRYPT;
	long rc;
	int fd = accept(tfm, NULL, 0);

	if (fd < 0)
		return -errno;
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	msg.msg_iov = &io;
	msg.msg_iovlen = 1;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(op));
	memcpy(CMSG_DATA(c), &op, sizeof(op));
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*aiv) + ivlen);
	aiv = (struct af_alg_iv *)(void *)CMSG_DATA(c);
	aiv->ivlen = (uint32_t)ivlen;
	memcpy(aiv->iv, iv, ivlen);
	rc = sendmsg(fd, &msg, 0);
	if (rc >= 0)
		rc = read(fd, out, len);
	if (rc < 0)
		rc = -errno;
	close(fd);
	return rc;
}

TEST(logon_mirror)
{
	uint8_t key[64], buf[256], iv[16] = { 9 }, pt[64] = { 7 }, c1[64], c2[64];
	struct kvault_key_publish p, p2;
	struct kcapi_handle *plain;
	const char *name = kname("mirror");
	char desc[256], want[200];
	int fd = vault_fd();
	key_serial_t id, mirror;
	long rc;

	ASSERT_LE(0, fd);
	id = new_key(name, &A_XTS, key, NULL);
	ASSERT_LT(0, id);
	EXPECT_EQ(-ENOENT, publish(fd, KVAULT_IOC_KEY_UNPUBLISH, id, NULL, &p));
	ASSERT_EQ(0, publish(fd, KVAULT_IOC_KEY_PUBLISH, 0, name, &p));
	EXPECT_EQ(id, p.id);
	EXPECT_EQ(1u, p.version);
	mirror = p.mirror_id;
	ASSERT_LT(0, mirror);
	/* publishing again gives the same mirror */
	ASSERT_EQ(0, publish(fd, KVAULT_IOC_KEY_PUBLISH, id, NULL, &p2));
	EXPECT_EQ(mirror, p2.mirror_id);

	ASSERT_LT(0, kt_describe(mirror, desc, sizeof(desc)));
	snprintf(want, sizeof(want), ";%s%s", KVAULT_MIRROR_PREFIX, name);
	EXPECT_EQ(0, strncmp(desc, "logon;", 6)) TH_LOG("%s", desc);
	EXPECT_NE(NULL, strstr(desc, want)) TH_LOG("%s", desc);
	/* no one reads, updates or re-permissions it */
	EXPECT_GT(0, kt_keyctl(KEYCTL_READ, (unsigned long)mirror, (unsigned long)buf,
			       sizeof(buf), 0));
	EXPECT_GT(0, kt_keyctl(KEYCTL_UPDATE, (unsigned long)mirror, (unsigned long)key,
			       64, 0));
	EXPECT_EQ(-EACCES, kt_keyctl(KEYCTL_SETPERM, (unsigned long)mirror,
				     0x3f3f3f3f, 0, 0));
	/* linked where a consumer searches */
	EXPECT_EQ(0, kt_keyctl(KEYCTL_LINK, (unsigned long)mirror,
			       (unsigned long)KEY_SPEC_USER_KEYRING, 0, 0));

	/* netlink names it */
	{
		struct cu_usage u;

		ASSERT_EQ(0, cu_usage_get(id, &u));
		EXPECT_EQ((uint32_t)mirror, u.mirror_id);
	}

	/* AF_ALG by key serial (6.2+): the plain algorithm gets the material */
	ASSERT_EQ(0, cu_open(&plain, &A_XTS, 0));
	ASSERT_EQ(0, kcapi_cipher_setkey(plain, key, 64));
	ASSERT_EQ(64, kcapi_cipher_encrypt(plain, pt, 64, iv, c1, 64, KCAPI_ACCESS_HEURISTIC));
	if (kernel_has_key_serial()) {
		int t = raw_alg("xts(aes)");

		ASSERT_LE(0, t);
		rc = setsockopt(t, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &mirror,
				sizeof(mirror));
		EXPECT_EQ(0, rc) TH_LOG("ALG_SET_KEY_BY_KEY_SERIAL: %s", strerror(errno));
		if (!rc) {
			ASSERT_EQ(64, raw_encrypt(t, iv, 16, pt, 64, c2));
			EXPECT_EQ(0, memcmp(c1, c2, 64));
		}
		close(t);
	} else {
		TH_LOG("ALG_SET_KEY_BY_KEY_SERIAL part skipped: AF_ALG has it from Linux 6.2, this kernel is older");
	}
	kcapi_cipher_destroy(plain);

	/* revoking the vault key removes the mirror */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	rc = kt_describe(mirror, desc, sizeof(desc));
	EXPECT_TRUE(rc == -EKEYREVOKED || rc == -ENOKEY) TH_LOG("describe after revoke: %ld", rc);
	close(fd);
}

TEST(logon_mirror_by_key_serial)
{
	uint8_t key[32], iv[16] = { 3 }, pt[32] = { 5 }, c1[32], c2[32];
	struct kvault_key_publish p;
	struct kcapi_handle *plain;
	int fd = vault_fd(), rc, t;
	key_serial_t id, mirror;

	if (!kernel_has_key_serial())
		SKIP(return, "AF_ALG's ALG_SET_KEY_BY_KEY_SERIAL is Linux 6.2+; this kernel is older");
	ASSERT_LE(0, fd);
	id = new_key(kname("mserial"), &A_CBC, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, publish(fd, KVAULT_IOC_KEY_PUBLISH, id, NULL, &p));
	ASSERT_EQ(0, cu_open(&plain, &A_CBC, 0));
	ASSERT_EQ(0, kcapi_cipher_setkey(plain, key, 32));
	ASSERT_EQ(32, kcapi_cipher_encrypt(plain, pt, 32, iv, c1, 32, KCAPI_ACCESS_HEURISTIC));
	t = raw_alg("cbc(aes)");
	ASSERT_LE(0, t);
	ASSERT_EQ(0, setsockopt(t, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL,
				&p.mirror_id, sizeof(p.mirror_id)));
	ASSERT_EQ(32, raw_encrypt(t, iv, 16, pt, 32, c2));
	EXPECT_EQ(0, memcmp(c1, c2, 32));
	close(t);
	/* unpublished: a new setkey by the old mirror's serial fails */
	mirror = p.mirror_id;
	ASSERT_EQ(0, publish(fd, KVAULT_IOC_KEY_UNPUBLISH, id, NULL, &p));
	EXPECT_EQ(0, p.mirror_id);
	t = raw_alg("cbc(aes)");
	ASSERT_LE(0, t);
	rc = setsockopt(t, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &mirror, sizeof(mirror));
	EXPECT_EQ(-1, rc);
	EXPECT_TRUE(errno == EKEYREVOKED || errno == ENOKEY)
		TH_LOG("the unpublished mirror: %s", strerror(errno));
	/* nor is a vault key's own serial an AF_ALG key */
	rc = setsockopt(t, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &id, sizeof(id));
	EXPECT_NE(0, rc);
	close(t);
	kcapi_cipher_destroy(plain);
	close(fd);
}

TEST(publish_checks)
{
	struct kvault_key_publish p;
	uint8_t key[64];
	int fd = vault_fd();
	key_serial_t id;

	ASSERT_LE(0, fd);
	id = new_key(kname("pub-nouse"), &A_CBC, key, "encrypt,decrypt");
	ASSERT_LT(0, id);
	EXPECT_EQ(-EKEYREJECTED, publish(fd, KVAULT_IOC_KEY_PUBLISH, id, NULL, &p));
	id = new_key(kname("pub-dis"), &A_CBC, key, NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(-ENOKEY, publish(fd, KVAULT_IOC_KEY_PUBLISH, id, NULL, &p));
	EXPECT_EQ(-ENOENT, publish(fd, KVAULT_IOC_KEY_PUBLISH, 0, "cr-no-such-key", &p));
	/* flags, mirror_id in, reserved */
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, NULL));
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.id = id;
	p.flags = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_PUBLISH, &p));
	p.flags = 0;
	p.mirror_id = 5;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_PUBLISH, &p));
	p.mirror_id = 0;
	p.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_PUBLISH, &p));
	/* rotating past the mirrored version: the mirror goes with it */
	ASSERT_EQ(0, publish(fd, KVAULT_IOC_KEY_PUBLISH, id, NULL, &p));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SET_MIN_VERSION, id, NULL, 2, NULL));
	{
		char desc[256];
		long rc = kt_describe(p.mirror_id, desc, sizeof(desc));

		EXPECT_TRUE(rc == -EKEYREVOKED || rc == -ENOKEY)
			TH_LOG("mirror of v1 after min-version 2: %ld", rc);
	}
	close(fd);
}

/* ---- the logon mirror: hostile arguments ---------------------------------- */

/* Room for an argument larger than a page (size checks) */
#define PUB_BUF 8192

/* The vault's keyring (KVAULT_IOC_STATUS), where mirrors are linked; 0 on error. */
static key_serial_t vault_keyring(int fd)
{
	struct kvault_status st;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	return ioctl_errno(fd, KVAULT_IOC_STATUS, &st) ? 0 : st.keyring_id;
}

/*
 * Does the key @id named @name have a live mirror? 1 if the keyring core
 * finds a logon "kvault:@name" in the vault's keyring @ring, or KEY_GET
 * names a mirror; 0 if neither; -errno if the search itself failed.
 */
static int live_mirror(key_serial_t ring, key_serial_t id, const char *name)
{
	char desc[sizeof(KVAULT_MIRROR_PREFIX) + KVAULT_KEY_NAME_MAX];
	struct cu_usage u;
	long rc;

	snprintf(desc, sizeof(desc), KVAULT_MIRROR_PREFIX "%s", name);
	rc = kt_keyctl(KEYCTL_SEARCH, (unsigned long)ring, (unsigned long)"logon",
		       (unsigned long)desc, 0);
	if (rc > 0)
		return 1;
	/* a killed mirror stays in the keyring, revoked, until the gc runs */
	if (rc != -ENOKEY && rc != -EKEYREVOKED)
		return (int)rc;
	return id > 0 && !cu_usage_get(id, &u) && u.mirror_id;
}

/* A valid argument in @b (PUB_BUF bytes, zeroed): the key @id, or @name. */
static struct kvault_key_publish *pub_arg(uint8_t *b, key_serial_t id,
					  const char *name)
{
	struct kvault_key_publish *p = (struct kvault_key_publish *)b;

	memset(b, 0, PUB_BUF);
	p->size = sizeof(*p);
	p->id = id;
	if (!id && name)
		snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* One field of a valid argument set to a wrong value, and its errno. */
#define PUB_FIELD(f) offsetof(struct kvault_key_publish, f), \
	sizeof(((struct kvault_key_publish *)0)->f)
static const struct {
	const char *what;
	size_t off, width;
	uint64_t v;
	int err;
} bad_pub_field[] = {
	{ "size 0", PUB_FIELD(size), 0, EINVAL },
	{ "size 4 (the size field alone)", PUB_FIELD(size), 4, EINVAL },
	{ "size one below the first version", PUB_FIELD(size),
	  KVAULT_KEY_PUBLISH_SIZE_VER0 - 1, EINVAL },
	{ "size UINT32_MAX", PUB_FIELD(size), UINT32_MAX, E2BIG },
	{ "mirror_id set on input", PUB_FIELD(mirror_id), 1, EINVAL },
	{ "mirror_id -1 on input", PUB_FIELD(mirror_id), UINT32_MAX, EINVAL },
	{ "version set on input", PUB_FIELD(version), 1, EINVAL },
	{ "reserved0", PUB_FIELD(reserved0), 0x80000000u, EINVAL },
	{ "reserved[0]", PUB_FIELD(reserved[0]), 1, EINVAL },
	{ "reserved[1]", PUB_FIELD(reserved[1]), 1ull << 32, EINVAL },
	{ "reserved[2]", PUB_FIELD(reserved[2]), 1ull << 63, EINVAL },
	{ "reserved[3]", PUB_FIELD(reserved[3]), 0x100, EINVAL },
	{ "ID 0 and no name", PUB_FIELD(id), 0, EINVAL },
	{ "ID -1", PUB_FIELD(id), UINT32_MAX, EINVAL },
	{ "ID INT32_MIN", PUB_FIELD(id), 0x80000000u, EINVAL },
	{ "ID KEY_SPEC_PROCESS_KEYRING (no special IDs)", PUB_FIELD(id),
	  (uint32_t)KEY_SPEC_PROCESS_KEYRING, EINVAL },
	{ "ID INT32_MAX (no such key)", PUB_FIELD(id), INT32_MAX, ENOENT },
};
#undef PUB_FIELD

#define N_BAD_PUB_FIELD (int)(sizeof(bad_pub_field) / sizeof(bad_pub_field[0]))

/*
 * Hostile argument number @i about the key @id named @name, written to
 * @b: its errno (uapi/linux/kvault.h), or 0 past the last one. @what
 * says which it is.
 */
static int hostile_arg(int i, uint8_t *b, key_serial_t id, const char *name,
		       const char **what)
{
	struct kvault_key_publish *p = pub_arg(b, id, NULL);
	uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE);

	if (i < N_BAD_PUB_FIELD) {
		uint32_t v32 = (uint32_t)bad_pub_field[i].v;

		*what = bad_pub_field[i].what;
		memcpy(b + bad_pub_field[i].off, bad_pub_field[i].width == 4 ?
		       (const void *)&v32 : (const void *)&bad_pub_field[i].v,
		       bad_pub_field[i].width);
		return bad_pub_field[i].err;
	}
	/* the rest: a larger struct, and names */
	switch (i - N_BAD_PUB_FIELD) {
	case 0:
		*what = "larger struct, non-zero last tail byte";
		p->size = sizeof(*p) + 8;
		b[sizeof(*p) + 7] = 1;
		return E2BIG;
	case 1:
		*what = "larger struct, non-zero first tail byte";
		p->size = sizeof(*p) + 1;
		b[sizeof(*p)] = 0x80;
		return E2BIG;
	case 2:
		*what = "a page and a byte, zero tail";
		p->size = page + 1;
		return E2BIG;
	case 3:
		*what = "both an ID and a name";
		snprintf(p->name, sizeof(p->name), "%s", name);
		return EINVAL;
	}
	/* the rest name the key by a name field, with no ID */
	p->id = 0;
	switch (i - N_BAD_PUB_FIELD) {
	case 4:
		*what = "a name filling the field, no NUL";
		memset(p->name, 'a', sizeof(p->name));
		return EINVAL;
	case 5:
		*what = "the key's name, a byte after its NUL";
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->name[strlen(name) + 1] = 'x';
		return EINVAL;
	case 6:
		*what = "the key's name, the field's last byte set";
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->name[sizeof(p->name) - 1] = 'x';
		return EINVAL;
	case 7:
		*what = "a name with a space (no key can have it)";
		snprintf(p->name, sizeof(p->name), "%s x", name);
		return ENOENT;
	case 8:
		*what = "a name with a control byte";
		snprintf(p->name, sizeof(p->name), "%s\x01", name);
		return ENOENT;
	case 9:
		*what = "a valid name no key has";
		snprintf(p->name, sizeof(p->name), "%s-none", name);
		return ENOENT;
	case 10:
		*what = "the mirror's own description as the name";
		snprintf(p->name, sizeof(p->name), KVAULT_MIRROR_PREFIX "%s", name);
		return ENOENT;
	default:
		return 0;
	}
}

FIXTURE(pub) {
	int fd;
	key_serial_t ring, id;
	char name[64];
	uint8_t *buf;	/* PUB_BUF bytes */
};

FIXTURE_SETUP(pub)
{
	uint8_t key[32];

	self->buf = calloc(1, PUB_BUF);
	ASSERT_NE(NULL, self->buf);
	self->fd = vault_fd();
	ASSERT_LE(0, self->fd);
	self->ring = vault_keyring(self->fd);
	ASSERT_LT(0, self->ring);
	snprintf(self->name, sizeof(self->name), "%s", kname("hostile"));
	self->id = new_key(self->name, &A_CBC, key, NULL);
	ASSERT_LT(0, self->id);
}

FIXTURE_TEARDOWN(pub)
{
	close(self->fd);
	free(self->buf);
}

/* Every hostile argument is refused with its errno, and leaves no mirror. */
TEST_F(pub, hostile_publish_leaves_no_mirror)
{
	struct kvault_key_publish *p;
	const char *what = "";
	int i, err;
	unsigned int bit;

	for (i = 0; (err = hostile_arg(i, self->buf, self->id, self->name, &what)); i++) {
		EXPECT_EQ(-err, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, self->buf))
			TH_LOG("case %d: %s", i, what);
		EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name))
			TH_LOG("mirror after case %d: %s", i, what);
	}
	TH_LOG("%d hostile arguments", i);
	for (bit = 0; bit < 32; bit++) {
		p = pub_arg(self->buf, self->id, NULL);
		p->flags = 1u << bit;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p))
			TH_LOG("flag bit %u", bit);
	}
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
	/* the control: asked properly, it publishes, and live_mirror() sees it */
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(1, live_mirror(self->ring, self->id, self->name));
	EXPECT_EQ(1, live_mirror(self->ring, 0, self->name)) TH_LOG("keyctl search");
}

/* The same arguments to UNPUBLISH are refused, and the mirror stays. */
TEST_F(pub, hostile_unpublish_keeps_the_mirror)
{
	struct kvault_key_publish *p = pub_arg(self->buf, self->id, NULL);
	const char *what = "";
	key_serial_t mirror;
	char desc[256];
	int i, err;
	unsigned int bit;

	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	mirror = p->mirror_id;
	ASSERT_LT(0, mirror);
	for (i = 0; (err = hostile_arg(i, self->buf, self->id, self->name, &what)); i++) {
		EXPECT_EQ(-err, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, self->buf))
			TH_LOG("case %d: %s", i, what);
		EXPECT_EQ(1, live_mirror(self->ring, self->id, self->name))
			TH_LOG("no mirror after case %d: %s", i, what);
	}
	for (bit = 0; bit < 32; bit++) {
		p = pub_arg(self->buf, self->id, NULL);
		p->flags = 1u << bit;
		EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p))
			TH_LOG("flag bit %u", bit);
	}
	EXPECT_LT(0, kt_describe(mirror, desc, sizeof(desc)));
	/* and it is still the mirror PUBLISH returns */
	p = pub_arg(self->buf, 0, self->name);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(mirror, p->mirror_id);
}

/* As copy_struct_from_user(): a larger struct with a zero tail is fine. */
TEST_F(pub, larger_struct_with_zero_tail_is_accepted)
{
	struct kvault_key_publish *p = pub_arg(self->buf, 0, self->name);
	uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE);
	key_serial_t mirror;
	size_t i;

	p->size = sizeof(*p) + 64;
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	/* it wrote back its own struct only, and said so */
	EXPECT_EQ(sizeof(*p), p->size);
	EXPECT_EQ(self->id, p->id);
	EXPECT_EQ(1u, p->version);
	mirror = p->mirror_id;
	EXPECT_LT(0, mirror);
	for (i = sizeof(*p); i < sizeof(*p) + 64; i++)
		EXPECT_EQ(0, self->buf[i]) TH_LOG("tail byte %zu written", i);
	EXPECT_EQ(1, live_mirror(self->ring, self->id, self->name));
	/* a whole page, the largest size taken */
	p = pub_arg(self->buf, self->id, NULL);
	p->size = page;
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(mirror, p->mirror_id);
	p = pub_arg(self->buf, self->id, NULL);
	p->size = page;
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p));
	EXPECT_EQ(0, p->mirror_id);
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
	/* exactly the first version */
	p = pub_arg(self->buf, self->id, NULL);
	p->size = KVAULT_KEY_PUBLISH_SIZE_VER0;
	EXPECT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(KVAULT_KEY_PUBLISH_SIZE_VER0, p->size);
}

/*
 * Bad pointers: EFAULT, and nothing done. Four pages: read-write, no
 * access, read-only, unmapped.
 */
TEST_F(pub, bad_pointers_change_nothing)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct kvault_key_publish *p;
	uint8_t *map, *ro;
	key_serial_t mirror;

	map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	ASSERT_EQ(0, munmap(map + 3 * page, page));
	ro = map + 2 * page;
	pub_arg(self->buf, self->id, NULL);
	memcpy(ro, self->buf, sizeof(*p));
	ASSERT_EQ(0, mprotect(ro, page, PROT_READ));

	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, NULL));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, map + page));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, map + 3 * page));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH,
				       (void *)(uintptr_t)-4096));
	/* the struct runs into the no-access page */
	memcpy(map + page - 100, self->buf, 100);
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, map + page - 100));
	/* a page-sized struct whose zero tail runs into it */
	p = (struct kvault_key_publish *)(void *)(map + 8);
	memcpy(p, self->buf, sizeof(*p));
	memset(map + 8 + sizeof(*p), 0, page - 8 - sizeof(*p));
	p->size = (uint32_t)page;
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	/* read-only: read in, but the result cannot be written back */
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, ro));
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));

	/* UNPUBLISH: the same, and the mirror stays */
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	mirror = p->mirror_id;
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, NULL));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, map + page));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, map + 3 * page));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, ro));
	EXPECT_EQ(1, live_mirror(self->ring, self->id, self->name));
	/* PUBLISH read-only when the mirror exists: EFAULT, the mirror stays */
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, ro));
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(mirror, p->mirror_id);
	/*
	 * Read-only and malformed (both an ID and a name): EINVAL, which the
	 * uapi puts before the write-back's EFAULT (the fuzzer found EFAULT)
	 */
	ASSERT_EQ(0, mprotect(ro, page, PROT_READ | PROT_WRITE));
	p = pub_arg(self->buf, self->id, NULL);
	snprintf(p->name, sizeof(p->name), "%s", self->name);
	memcpy(ro, p, sizeof(*p));
	ASSERT_EQ(0, mprotect(ro, page, PROT_READ));
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, ro));
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, ro));
	EXPECT_EQ(1, live_mirror(self->ring, self->id, self->name));
	munmap(map, 3 * page);
}

/* PUBLISH twice, after a rotation, UNPUBLISH twice, and again. */
TEST_F(pub, publish_twice_rotate_unpublish_twice)
{
	struct kvault_key_publish *p = pub_arg(self->buf, self->id, NULL);
	key_serial_t m1, m2;
	char desc[256];
	long rc;

	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	m1 = p->mirror_id;
	/* again, by name: the same mirror, nothing new */
	p = pub_arg(self->buf, 0, self->name);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(m1, p->mirror_id);
	EXPECT_EQ(self->id, p->id);
	EXPECT_EQ(1u, p->version);
	/* after a rotation: a mirror of version 2 replaces version 1's */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, NULL));
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	m2 = p->mirror_id;
	EXPECT_EQ(2u, p->version);
	EXPECT_NE(m1, m2);
	rc = kt_describe(m1, desc, sizeof(desc));
	EXPECT_TRUE(rc == -EKEYREVOKED || rc == -ENOKEY) TH_LOG("the v1 mirror: %ld", rc);
	EXPECT_EQ(1, live_mirror(self->ring, self->id, self->name));
	/* UNPUBLISH by name; the out fields say what is left */
	p = pub_arg(self->buf, 0, self->name);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p));
	EXPECT_EQ(self->id, p->id);
	EXPECT_EQ(0, p->mirror_id);
	EXPECT_EQ(0u, p->version);
	EXPECT_EQ(sizeof(*p), p->size);
	rc = kt_describe(m2, desc, sizeof(desc));
	EXPECT_TRUE(rc == -EKEYREVOKED || rc == -ENOKEY) TH_LOG("after unpublish: %ld", rc);
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
	/* twice: ENOENT */
	p = pub_arg(self->buf, self->id, NULL);
	EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p));
	/* published again: a new mirror */
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_NE(m2, p->mirror_id);
	EXPECT_LT(0, p->mirror_id);
	/* UNPUBLISH does not care about the key's state: disabled */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, NULL));
	p = pub_arg(self->buf, self->id, NULL);
	EXPECT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p));
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
}

/* UNPUBLISH of keys that never had a mirror, by ID and by name: ENOENT. */
TEST_F(pub, unpublish_never_published)
{
	struct kvault_key_publish *p = pub_arg(self->buf, self->id, NULL);

	EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p));
	p = pub_arg(self->buf, 0, self->name);
	EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p));
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
}

/* IDs of things that are not vault keys: ENOENT, no mirror. */
TEST_F(pub, ids_of_other_keys_are_enoent)
{
	struct kvault_key_publish *p = pub_arg(self->buf, self->id, NULL);
	key_serial_t other[4];
	size_t i;

	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	other[0] = p->mirror_id;	/* the logon mirror itself */
	other[1] = self->ring;		/* the vault's keyring */
	other[2] = kt_new_ring(kname("pub-ring"));
	other[3] = kt_add_key("user", kname("pub-user"), "x", 1, RING);
	ASSERT_LT(0, other[2]);
	ASSERT_LT(0, other[3]);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		p = pub_arg(self->buf, other[i], NULL);
		EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p))
			TH_LOG("ID %zu", i);
		p = pub_arg(self->buf, other[i], NULL);
		EXPECT_EQ(-ENOENT, ioctl_errno(self->fd, KVAULT_IOC_KEY_UNPUBLISH, p))
			TH_LOG("ID %zu", i);
	}
	/* the key's own mirror is untouched */
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(other[0], p->mirror_id);
}

/* PUBLISH's errno for the key @id and, by name, @name; they must agree. */
static int publish_both(int fd, key_serial_t id, const char *name)
{
	struct kvault_key_publish p;
	int e1 = publish(fd, KVAULT_IOC_KEY_PUBLISH, id, NULL, &p);
	int e2 = publish(fd, KVAULT_IOC_KEY_PUBLISH, 0, name, &p);

	return e1 == e2 ? e1 : -1000;
}

/* Keys that may not be published, each with its errno; no mirror. */
TEST_F(pub, unusable_keys_leave_no_mirror)
{
	static const struct {
		const char *tag, *usage;
		int err;
	} bad[] = {
		{ "pub-encrypt", "encrypt,decrypt", EKEYREJECTED },
		{ "pub-wrap", "wrap,unwrap", EKEYREJECTED },
		{ "pub-dis", NULL, ENOKEY },
		{ "pub-pending", NULL, ENOKEY },
		{ "pub-revoked", NULL, EKEYREVOKED },
		{ "pub-revoked-enc", "encrypt", EKEYREVOKED },	/* revoked beats usage */
		{ "pub-expired", NULL, EKEYEXPIRED },
	};
	enum { N = sizeof(bad) / sizeof(bad[0]) };
	uint8_t key[32];
	key_serial_t id[N];
	const char *name[N];
	size_t i;

	for (i = 0; i < N; i++) {
		name[i] = kname(bad[i].tag);
		id[i] = new_key(name[i], &A_CBC, key, bad[i].usage);
		ASSERT_LT(0, id[i]) TH_LOG("%s", bad[i].tag);
	}
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, id[2], NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id[3], NULL,
			   3600, NULL));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id[4], 0, 0, 0));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id[5], 0, 0, 0));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id[6], 1, 0, 0));
	sleep(2);
	for (i = 0; i < N; i++) {
		EXPECT_EQ(-bad[i].err, publish_both(self->fd, id[i], name[i]))
			TH_LOG("%s", bad[i].tag);
		EXPECT_EQ(0, live_mirror(self->ring, id[i], name[i]))
			TH_LOG("%s", bad[i].tag);
	}
}

/* A destroyed key: ENOKEY until the keyring core collects it, then ENOENT. */
TEST_F(pub, destroyed_key_then_stale_id)
{
	struct kvault_key_publish p;
	int rc, tries;

	ASSERT_EQ(0, publish(self->fd, KVAULT_IOC_KEY_PUBLISH, self->id, NULL, &p));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, NULL));
	EXPECT_EQ(0, live_mirror(self->ring, 0, self->name));
	for (tries = 0; tries < WAIT_ROUNDS; tries++) {
		rc = publish(self->fd, KVAULT_IOC_KEY_PUBLISH, self->id, NULL, &p);
		if (rc != -ENOKEY)
			break;
		usleep(WAIT_STEP_US);
	}
	EXPECT_EQ(-ENOENT, rc) TH_LOG("after %d tries", tries);
	EXPECT_EQ(-ENOENT, publish(self->fd, KVAULT_IOC_KEY_PUBLISH, 0, self->name, &p));
	EXPECT_EQ(-ENOENT, publish(self->fd, KVAULT_IOC_KEY_UNPUBLISH, self->id, NULL, &p));
	EXPECT_EQ(0, live_mirror(self->ring, 0, self->name));
}

/*
 * The mirror of @name (@mirror) as the keyring core sees it, without
 * touching the vault key (which would make the vault notice its expiry):
 * 0 if describe and a search of the vault's keyring @ring find it, else
 * describe's errno, checked to be the search's too.
 */
static long mirror_state(struct __test_metadata *_metadata, key_serial_t ring,
			 key_serial_t mirror, const char *name)
{
	char desc[sizeof(KVAULT_MIRROR_PREFIX) + KVAULT_KEY_NAME_MAX], buf[256];
	long d, f;

	snprintf(desc, sizeof(desc), KVAULT_MIRROR_PREFIX "%s", name);
	d = kt_describe(mirror, buf, sizeof(buf));
	f = kt_keyctl(KEYCTL_SEARCH, (unsigned long)ring, (unsigned long)"logon",
		      (unsigned long)desc, 0);
	if (d > 0 && f == mirror)
		return 0;
	EXPECT_EQ(d, f) TH_LOG("describe %ld, search %ld", d, f);
	return d;
}

/* The mirror expires with the vault key, noticed or not. */
TEST_F(pub, expiry_removes_mirror)
{
	struct kvault_key_publish *p = pub_arg(self->buf, self->id, NULL);
	key_serial_t mirror;
	char desc[256];
	long rc;

	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)self->id, 2, 0, 0));
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	mirror = p->mirror_id;
	EXPECT_EQ(0, mirror_state(_metadata, self->ring, mirror, self->name));
	sleep(3);
	EXPECT_EQ(-EKEYEXPIRED, mirror_state(_metadata, self->ring, mirror, self->name));
	/* PUBLISH is refused by the keyring core's own check of the key */
	p = pub_arg(self->buf, self->id, NULL);
	EXPECT_EQ(-EKEYEXPIRED, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	/* a key ioctl makes the vault notice, and it revokes the mirror */
	EXPECT_EQ(-EKEYEXPIRED, kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, NULL));
	rc = kt_describe(mirror, desc, sizeof(desc));
	EXPECT_TRUE(rc == -EKEYREVOKED || rc == -ENOKEY) TH_LOG("noticed: %ld", rc);
}

/* A timeout set after PUBLISH reaches the mirror at the next PUBLISH. */
TEST_F(pub, publish_again_takes_a_new_timeout)
{
	struct kvault_key_publish *p = pub_arg(self->buf, self->id, NULL);
	key_serial_t mirror;

	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	mirror = p->mirror_id;
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)self->id, 2, 0, 0));
	p = pub_arg(self->buf, self->id, NULL);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_KEY_PUBLISH, p));
	EXPECT_EQ(mirror, p->mirror_id);
	sleep(3);
	EXPECT_EQ(-EKEYEXPIRED, mirror_state(_metadata, self->ring, mirror, self->name));
}

/*
 * An unprivileged process: cannot open /dev/kvault; with a descriptor root
 * opened (inherited), PUBLISH still needs the key's search permission in
 * the caller's own credentials, and UNPUBLISH needs only the descriptor.
 */
static int pub_fd = -1;

/* In the child: PUBLISH's errno (by ID and by name) as an exit code. */
static int nobody_publish(key_serial_t id, const char *name)
{
	int e;

	if (kvault_dev_open() != -EACCES)
		return 104;
	e = -publish_both(pub_fd, id, name);
	return e < 0 || e > 99 ? 103 : e;
}

/* In the child: UNPUBLISH's errno by ID. */
static int nobody_unpublish(key_serial_t id, const char *name)
{
	struct kvault_key_publish p;
	int e = -publish(pub_fd, KVAULT_IOC_KEY_UNPUBLISH, id, NULL, &p);

	(void)name;
	return e < 0 || e > 99 ? 103 : e;
}

TEST_F(pub, unprivileged_caller)
{
	uint8_t key[32];
	const char *enc = kname("pub-nobody-enc");
	key_serial_t enc_id = new_key(enc, &A_CBC, key, "encrypt");
	struct cu_usage u;

	ASSERT_LT(0, enc_id);
	pub_fd = self->fd;
	/* no "other" permission on root's key: EACCES, no mirror */
	EXPECT_EQ(EACCES, as_nobody(nobody_publish, self->id, self->name));
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
	/* EACCES before the usage check: nothing learnt about the key */
	EXPECT_EQ(EACCES, as_nobody(nobody_publish, enc_id, enc));
	/* other=search: the key's own mask is what counts */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)self->id, 0x3f3f0008, 0, 0));
	EXPECT_EQ(0, as_nobody(nobody_publish, self->id, self->name));
	ASSERT_EQ(0, cu_usage_get(self->id, &u));
	EXPECT_NE(0u, u.mirror_id);
	/* UNPUBLISH through the descriptor, without any key permission */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)self->id, 0x3f3f0000, 0, 0));
	EXPECT_EQ(0, as_nobody(nobody_unpublish, self->id, self->name));
	EXPECT_EQ(0, live_mirror(self->ring, self->id, self->name));
	pub_fd = -1;
}

TEST_HARNESS_MAIN
