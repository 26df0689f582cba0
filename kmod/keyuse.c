// SPDX-License-Identifier: GPL-2.0
/*
 * Using a vault key without seeing it: keyctl's public-key operations
 * (KEYCTL_PKEY_QUERY, _ENCRYPT, _DECRYPT, _SIGN, _VERIFY) on a "kvault"
 * key. The keyring core has looked the key up with search permission;
 * kvault_key_use() checks usage and state and hands the material to a
 * crypto API transform under the key's lock. Transforms are freed with
 * kfree_sensitive() by the crypto API, so no copy of the material
 * outlives the operation. Formats and errors: uapi/linux/kvault.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "kvault.h"

#define KVAULT_VERSION_LEN	4
#define KVAULT_GCM_AAD_LEN	(KVAULT_VERSION_LEN + KVAULT_GCM_NONCE_LEN)

struct kvault_use_alg {
	u32 ops;		/* KEYCTL_SUPPORTS_* the algorithm has */
	const char *tfm;	/* crypto API name */
	const char *hash;	/* "hash=" it accepts, if any */
	u16 mac_len;
};

static const struct kvault_use_alg *kvault_use_alg(u32 alg)
{
	static const struct kvault_use_alg gcm = {
		KEYCTL_SUPPORTS_ENCRYPT | KEYCTL_SUPPORTS_DECRYPT, "gcm(aes)", NULL, 0,
	};
	static const struct kvault_use_alg hmac[] = {
		{ KEYCTL_SUPPORTS_SIGN | KEYCTL_SUPPORTS_VERIFY, "hmac(sha256)", "sha256", 32 },
		{ KEYCTL_SUPPORTS_SIGN | KEYCTL_SUPPORTS_VERIFY, "hmac(sha384)", "sha384", 48 },
		{ KEYCTL_SUPPORTS_SIGN | KEYCTL_SUPPORTS_VERIFY, "hmac(sha512)", "sha512", 64 },
	};

	switch (alg) {
	case KVAULT_ALG_AES_128:
	case KVAULT_ALG_AES_256:
		return &gcm;
	case KVAULT_ALG_HMAC_SHA256:
		return &hmac[0];
	case KVAULT_ALG_HMAC_SHA384:
		return &hmac[1];
	case KVAULT_ALG_HMAC_SHA512:
		return &hmac[2];
	default:
		return NULL;
	}
}

static u32 kvault_use_usage(u32 keyctl_op)
{
	switch (keyctl_op) {
	case KEYCTL_SUPPORTS_ENCRYPT:
		return KVAULT_USAGE_ENCRYPT;
	case KEYCTL_SUPPORTS_DECRYPT:
		return KVAULT_USAGE_DECRYPT;
	case KEYCTL_SUPPORTS_SIGN:
		return KVAULT_USAGE_SIGN;
	default:
		return KVAULT_USAGE_VERIFY;
	}
}

/* The key behind @params and its algorithm, after checking the info string. */
static int kvault_use_params(const struct kernel_pkey_params *params,
			     struct kvault_key **kk,
			     const struct kvault_use_alg **ua)
{
	*kk = params->key->payload.data[0];
	if (!*kk)
		return -EKEYREVOKED;
	*ua = kvault_use_alg((*kk)->alg);
	if (!*ua)
		return -EOPNOTSUPP;
	if (strcmp(params->encoding, "raw"))
		return -EINVAL;
	if (params->hash_algo &&
	    (!(*ua)->hash || strcmp(params->hash_algo, (*ua)->hash)))
		return -EINVAL;
	return 0;
}

int kvault_use_query(const struct kernel_pkey_params *params,
		     struct kernel_pkey_query *info)
{
	const struct kvault_use_alg *ua;
	struct kvault_key *kk;
	u32 op;
	int rc;

	rc = kvault_use_params(params, &kk, &ua);
	if (rc)
		return rc;
	memset(info, 0, sizeof(*info));
	for (op = KEYCTL_SUPPORTS_ENCRYPT; op <= KEYCTL_SUPPORTS_VERIFY; op <<= 1)
		if ((ua->ops & op) && (kk->usage & kvault_use_usage(op)))
			info->supported_ops |= op;
	info->key_size = kk->len * 8;
	if (ua->mac_len) {
		info->max_data_size = KVAULT_PKEY_MAX_DATA;
		info->max_sig_size = KVAULT_VERSION_LEN + ua->mac_len;
	} else {
		/*
		 * keyctl(1) hands decrypt a max_enc_size buffer (and encrypt a
		 * max_dec_size one), which the keyring core refuses unless the
		 * two are equal; kvault_use_out_len() keeps encrypt's input to
		 * KVAULT_PKEY_MAX_DATA, which max_dec_size no longer says.
		 */
		info->max_enc_size = KVAULT_PKEY_MAX_DATA +
				     KVAULT_CIPHERTEXT_OVERHEAD;
		info->max_dec_size = info->max_enc_size;
	}
	return 0;
}

static int kvault_use_setkey_aead(void *tfm, const u8 *material, u32 len)
{
	return crypto_aead_setkey(tfm, material, len);
}

static int kvault_use_setkey_shash(void *tfm, const u8 *material, u32 len)
{
	return crypto_shash_setkey(tfm, material, len);
}

/*
 * AES-GCM in place over @buf: version || nonce (associated data), then
 * @len bytes of text, then room for (or the) tag.
 */
static int kvault_use_gcm(struct kvault_key *kk, const struct kvault_use_alg *ua,
			  u32 usage, u8 *buf, u32 len)
{
	u8 iv[KVAULT_GCM_NONCE_LEN];
	struct aead_request *req;
	struct crypto_aead *tfm;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u32 used;
	int rc;

	tfm = crypto_alloc_aead(ua->tfm, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	rc = crypto_aead_setauthsize(tfm, KVAULT_GCM_TAG_LEN);
	if (!rc)
		rc = kvault_key_use(kk, usage, get_unaligned_be32(buf),
				    kvault_use_setkey_aead, tfm, &used);
	if (rc)
		goto out;
	put_unaligned_be32(used, buf);
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(iv, buf + KVAULT_VERSION_LEN, sizeof(iv));
	sg_init_one(&sg, buf, KVAULT_GCM_AAD_LEN + len + KVAULT_GCM_TAG_LEN);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				  CRYPTO_TFM_REQ_MAY_BACKLOG, crypto_req_done, &wait);
	aead_request_set_ad(req, KVAULT_GCM_AAD_LEN);
	if (usage == KVAULT_USAGE_ENCRYPT) {
		aead_request_set_crypt(req, &sg, &sg, len, iv);
		rc = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	} else {
		aead_request_set_crypt(req, &sg, &sg, len + KVAULT_GCM_TAG_LEN, iv);
		rc = crypto_wait_req(crypto_aead_decrypt(req), &wait);
	}
	aead_request_free(req);
out:
	crypto_free_aead(tfm);
	return rc;
}

/* HMAC of @in into @mac with version @version (0: newest); sets @version. */
static int kvault_use_hmac(struct kvault_key *kk, const struct kvault_use_alg *ua,
			   u32 usage, u32 *version, const void *in, u32 in_len,
			   u8 *mac)
{
	struct crypto_shash *tfm;
	int rc;

	tfm = crypto_alloc_shash(ua->tfm, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	rc = kvault_key_use(kk, usage, *version, kvault_use_setkey_shash, tfm,
			    version);
	if (!rc)
		rc = crypto_shash_tfm_digest(tfm, in, in_len, mac);
	crypto_free_shash(tfm);
	return rc;
}

static int kvault_use_usage_check(struct kvault_key *kk,
				  const struct kvault_use_alg *ua, u32 op)
{
	if (!(ua->ops & op))
		return -EOPNOTSUPP;
	if (!(kk->usage & kvault_use_usage(op)))
		return -EKEYREJECTED;
	return 0;
}

/*
 * The bytes @op writes for @in_len bytes of input, or -EINVAL for an input
 * beyond the operation's maximum. The keyring core's own check against
 * query's sizes lets an encrypt input reach max_dec_size, which is
 * KVAULT_CIPHERTEXT_OVERHEAD more than encrypt takes.
 */
static int kvault_use_out_len(u32 op, const struct kvault_use_alg *ua,
			      u32 in_len)
{
	switch (op) {
	case KEYCTL_SUPPORTS_SIGN:
		if (in_len > KVAULT_PKEY_MAX_DATA)
			return -EINVAL;
		return KVAULT_VERSION_LEN + ua->mac_len;
	case KEYCTL_SUPPORTS_ENCRYPT:
		if (in_len > KVAULT_PKEY_MAX_DATA)
			return -EINVAL;
		return (int)in_len + KVAULT_CIPHERTEXT_OVERHEAD;
	default:
		if (in_len < KVAULT_CIPHERTEXT_OVERHEAD ||
		    in_len > KVAULT_PKEY_MAX_DATA + KVAULT_CIPHERTEXT_OVERHEAD)
			return -EINVAL;
		return (int)in_len - KVAULT_CIPHERTEXT_OVERHEAD;
	}
}

/* Encrypt, decrypt or sign; returns the bytes written to @out. */
int kvault_use_eds(struct kernel_pkey_params *params, const void *in,
		   void *out)
{
	const struct kvault_use_alg *ua;
	struct kvault_key *kk;
	u32 op, version = 0;
	int rc, out_len;
	u8 *buf;

	rc = kvault_use_params(params, &kk, &ua);
	if (rc)
		return rc;
	op = params->op == kernel_pkey_encrypt ? KEYCTL_SUPPORTS_ENCRYPT :
	     params->op == kernel_pkey_decrypt ? KEYCTL_SUPPORTS_DECRYPT :
	     KEYCTL_SUPPORTS_SIGN;
	rc = kvault_use_usage_check(kk, ua, op);
	if (rc)
		return rc;
	out_len = kvault_use_out_len(op, ua, params->in_len);
	if (out_len < 0)
		return out_len;
	/*
	 * @out has params->out_len bytes: the query maximum on kernels whose
	 * keyring core allocates that, the caller's out_len on older ones.
	 */
	if ((u32)out_len > params->out_len)
		return -EMSGSIZE;

	switch (op) {
	case KEYCTL_SUPPORTS_SIGN:
		rc = kvault_use_hmac(kk, ua, KVAULT_USAGE_SIGN, &version, in,
				     params->in_len, (u8 *)out + KVAULT_VERSION_LEN);
		if (rc)
			return rc;
		put_unaligned_be32(version, out);
		return out_len;
	case KEYCTL_SUPPORTS_ENCRYPT:
		buf = out;
		put_unaligned_be32(0, buf);
		get_random_bytes(buf + KVAULT_VERSION_LEN, KVAULT_GCM_NONCE_LEN);
		memcpy(buf + KVAULT_GCM_AAD_LEN, in, params->in_len);
		rc = kvault_use_gcm(kk, ua, KVAULT_USAGE_ENCRYPT, buf,
				    params->in_len);
		if (rc) {
			memzero_explicit(buf, out_len);
			return rc;
		}
		return out_len;
	default:
		if (!get_unaligned_be32(in))
			return -ENOKEY;		/* no version 0 */
		buf = kmemdup(in, params->in_len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		rc = kvault_use_gcm(kk, ua, KVAULT_USAGE_DECRYPT, buf, out_len);
		if (!rc) {
			memcpy(out, buf + KVAULT_GCM_AAD_LEN, out_len);
			rc = out_len;
		}
		kfree_sensitive(buf);
		return rc;
	}
}

int kvault_use_verify(struct kernel_pkey_params *params, const void *in,
		      const void *sig)
{
	const struct kvault_use_alg *ua;
	u8 mac[HASH_MAX_DIGESTSIZE];
	struct kvault_key *kk;
	u32 version;
	int rc;

	rc = kvault_use_params(params, &kk, &ua);
	if (rc)
		return rc;
	rc = kvault_use_usage_check(kk, ua, KEYCTL_SUPPORTS_VERIFY);
	if (rc)
		return rc;
	/* a core that passes the caller's in2_len may hand a short one */
	if (params->in2_len != KVAULT_VERSION_LEN + ua->mac_len)
		return -EBADMSG;
	version = get_unaligned_be32(sig);
	if (!version)
		return -ENOKEY;
	rc = kvault_use_hmac(kk, ua, KVAULT_USAGE_VERIFY, &version, in,
			     params->in_len, mac);
	if (!rc && crypto_memneq(mac, (const u8 *)sig + KVAULT_VERSION_LEN,
				 ua->mac_len))
		rc = -EBADMSG;
	memzero_explicit(mac, sizeof(mac));
	return rc;
}
