// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_kernel_user.ko: a test-only module that uses kvault's crypto
 * templates as other kernel code does, through the crypto API: it
 * allocates "kvault(ALG)" as an skcipher, aead, shash or ahash, keys it
 * with a struct kvault_key_ref and runs a request. crypto_ref_test drives
 * it; it is never installed.
 *
 * The "run" parameter (root only, write-only) takes one command:
 *   CLASS ALG ID [KEY-VERSION]  allocate kvault(ALG) of CLASS (skcipher,
 *                               aead, shash or ahash), set the reference to
 *                               key ID, then process the fixed input
 *   again                       process it again with the kept transform
 *   free                        free the transform
 * The write returns 0 or the errno of the step that failed; "out" then
 * holds the result in hex. The input is bytes 0, 1, ..., 63 with an
 * all-zero IV (skcipher, aead) and 16 bytes of AAD 0x80, ..., 0x8f before
 * it (aead, whose result is AAD || ciphertext || 16-byte tag).
 *
 * The write runs in the writer's system call, so kvault resolves the
 * reference with the writer's credentials and keyrings, and counts the
 * requests as another kernel user's. The module's parameter lock
 * serializes every access to the state below.
 */
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/kvault.h>

#define KU_LEN		64
#define KU_AAD		16
#define KU_TAG		16
#define KU_BUF		(KU_AAD + KU_LEN + KU_TAG)	/* then a digest */

enum ku_class { KU_NONE, KU_SKCIPHER, KU_AEAD, KU_SHASH, KU_AHASH };

static enum ku_class ku_class;
static union {
	struct crypto_skcipher *skcipher;
	struct crypto_aead *aead;
	struct crypto_shash *shash;
	struct crypto_ahash *ahash;
} ku_tfm;

static char ku_out[2 * KU_BUF + 1];
module_param_string(out, ku_out, sizeof(ku_out), 0444);
MODULE_PARM_DESC(out, "the last result, in hex");

static void ku_free(void)
{
	switch (ku_class) {
	case KU_SKCIPHER:
		crypto_free_skcipher(ku_tfm.skcipher);
		break;
	case KU_AEAD:
		crypto_free_aead(ku_tfm.aead);
		break;
	case KU_SHASH:
		crypto_free_shash(ku_tfm.shash);
		break;
	case KU_AHASH:
		crypto_free_ahash(ku_tfm.ahash);
		break;
	case KU_NONE:
		break;
	}
	ku_class = KU_NONE;
}

/* Allocate kvault(@alg) of @cls and set @ref on it. */
static int ku_alloc(enum ku_class cls, const char *alg, const u8 *ref,
		    unsigned int len)
{
	char name[CRYPTO_MAX_ALG_NAME];
	int rc;

	if (snprintf(name, sizeof(name), "kvault(%s)", alg) >= sizeof(name))
		return -ENAMETOOLONG;
	switch (cls) {
	case KU_SKCIPHER:
		ku_tfm.skcipher = crypto_alloc_skcipher(name, 0, 0);
		rc = PTR_ERR_OR_ZERO(ku_tfm.skcipher);
		break;
	case KU_AEAD:
		ku_tfm.aead = crypto_alloc_aead(name, 0, 0);
		rc = PTR_ERR_OR_ZERO(ku_tfm.aead);
		break;
	case KU_SHASH:
		ku_tfm.shash = crypto_alloc_shash(name, 0, 0);
		rc = PTR_ERR_OR_ZERO(ku_tfm.shash);
		break;
	default:
		ku_tfm.ahash = crypto_alloc_ahash(name, 0, 0);
		rc = PTR_ERR_OR_ZERO(ku_tfm.ahash);
		break;
	}
	if (rc)
		return rc;
	ku_class = cls;

	switch (cls) {
	case KU_SKCIPHER:
		return crypto_skcipher_setkey(ku_tfm.skcipher, ref, len);
	case KU_AEAD:
		rc = crypto_aead_setkey(ku_tfm.aead, ref, len);
		return rc ?: crypto_aead_setauthsize(ku_tfm.aead, KU_TAG);
	case KU_SHASH:
		return crypto_shash_setkey(ku_tfm.shash, ref, len);
	default:
		return crypto_ahash_setkey(ku_tfm.ahash, ref, len);
	}
}

/*
 * One request of the kept transform on the fixed input in @buf (KU_BUF and
 * room for a digest); the result is @outlen bytes at *@out.
 */
static int ku_process(u8 *buf, u8 **out, unsigned int *outlen)
{
	u8 iv[16] = { 0 };
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	unsigned int i;
	int rc;

	for (i = 0; i < KU_AAD; i++)
		buf[i] = 0x80 + i;
	for (i = 0; i < KU_LEN; i++)
		buf[KU_AAD + i] = i;

	switch (ku_class) {
	case KU_SKCIPHER: {
		struct skcipher_request *req;

		req = skcipher_request_alloc(ku_tfm.skcipher, GFP_KERNEL);
		if (!req)
			return -ENOMEM;
		sg_init_one(&sg, buf + KU_AAD, KU_LEN);
		skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
					      crypto_req_done, &wait);
		skcipher_request_set_crypt(req, &sg, &sg, KU_LEN, iv);
		rc = crypto_wait_req(crypto_skcipher_encrypt(req), &wait);
		skcipher_request_free(req);
		*out = buf + KU_AAD;
		*outlen = KU_LEN;
		return rc;
	}
	case KU_AEAD: {
		struct aead_request *req;

		req = aead_request_alloc(ku_tfm.aead, GFP_KERNEL);
		if (!req)
			return -ENOMEM;
		sg_init_one(&sg, buf, KU_BUF);
		aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
					  crypto_req_done, &wait);
		aead_request_set_ad(req, KU_AAD);
		aead_request_set_crypt(req, &sg, &sg, KU_LEN, iv);
		rc = crypto_wait_req(crypto_aead_encrypt(req), &wait);
		aead_request_free(req);
		*out = buf;
		*outlen = KU_BUF;
		return rc;
	}
	case KU_SHASH: {
		SHASH_DESC_ON_STACK(desc, ku_tfm.shash);

		desc->tfm = ku_tfm.shash;
		*out = buf + KU_BUF;
		*outlen = crypto_shash_digestsize(ku_tfm.shash);
		rc = crypto_shash_digest(desc, buf + KU_AAD, KU_LEN, *out);
		shash_desc_zero(desc);
		return rc;
	}
	case KU_AHASH: {
		struct ahash_request *req;

		req = ahash_request_alloc(ku_tfm.ahash, GFP_KERNEL);
		if (!req)
			return -ENOMEM;
		sg_init_one(&sg, buf + KU_AAD, KU_LEN);
		ahash_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
					   crypto_req_done, &wait);
		*out = buf + KU_BUF;
		ahash_request_set_crypt(req, &sg, *out, KU_LEN);
		*outlen = crypto_ahash_digestsize(ku_tfm.ahash);
		rc = crypto_wait_req(crypto_ahash_digest(req), &wait);
		ahash_request_free(req);
		return rc;
	}
	default:
		return -ENOENT;
	}
}

static int ku_parse_class(const char *s, enum ku_class *cls)
{
	static const char *const names[] = {
		[KU_SKCIPHER] = "skcipher", [KU_AEAD] = "aead",
		[KU_SHASH] = "shash", [KU_AHASH] = "ahash",
	};
	unsigned int i;

	for (i = KU_SKCIPHER; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*cls = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int ku_run(const char *val, const struct kernel_param *kp)
{
	char cls_s[16], alg[CRYPTO_MAX_ALG_NAME];
	struct kvault_key_ref ref = {
		.magic = KVAULT_KEY_REF_MAGIC,
		.version = KVAULT_KEY_REF_VERSION,
		.size = KVAULT_KEY_REF_HDR_SIZE,
	};
	unsigned int outlen = 0;
	enum ku_class cls;
	u8 *buf, *out;
	int n, rc;

	ku_out[0] = '\0';
	if (sysfs_streq(val, "free")) {
		ku_free();
		return 0;
	}
	if (!sysfs_streq(val, "again")) {
		ku_free();
		n = sscanf(val, "%15s %127s %d %u", cls_s, alg, &ref.id,
			   &ref.key_version);
		if (n < 3 || ku_parse_class(cls_s, &cls))
			return -EINVAL;
		rc = ku_alloc(cls, alg, (const u8 *)&ref, sizeof(ref));
		if (rc) {
			ku_free();	/* keep no transform without a key */
			return rc;
		}
	}
	buf = kzalloc(KU_BUF + HASH_MAX_DIGESTSIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rc = ku_process(buf, &out, &outlen);
	if (!rc)
		bin2hex(ku_out, out, outlen)[0] = '\0';
	kfree(buf);
	return rc;
}

static const struct kernel_param_ops ku_run_ops = {
	.set = ku_run,
};
module_param_cb(run, &ku_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "CLASS ALG ID [KEY-VERSION] | again | free");

static void __exit ku_exit(void)
{
	ku_free();
}
module_exit(ku_exit);

MODULE_DESCRIPTION("kvault selftests: a kernel user of the kvault crypto templates");
MODULE_LICENSE("GPL");
