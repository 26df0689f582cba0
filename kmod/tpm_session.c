// SPDX-License-Identifier: GPL-2.0
/*
 * The session crypto of kvault's TPM 2.0 commands (TPM 2.0 Part 1, 19 and
 * 21): sessions salted to the SRK with an ephemeral ECDH P-256 key, command
 * and response HMACs, and AES-128-CFB parameter encryption, so that no key
 * byte crosses the TPM interface in clear. The command sequences that use
 * them are in tpm_seal.c.
 *
 * Every secret here (the ECDH shared point, the salt, session keys, CFB
 * keys, HMAC pads) lives on the stack or in memory that is wiped before it
 * is freed or goes out of scope.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/ecdh.h>
#include <crypto/kpp.h>
#include <crypto/sha2.h>
#include <linux/err.h>
#include <linux/kmod.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "tpm_cmd.h"

#define KVAULT_DIGEST		SHA256_DIGEST_SIZE
#define KVAULT_AES_KEY		AES_KEYSIZE_128

/* A packed kpp ECDH secret without a key: the header and key_size 0. */
#define KVAULT_ECDH_NO_KEY	(sizeof(struct kpp_secret) + sizeof(unsigned short))

/* HMAC-SHA256 (RFC 2104) over lib/crypto's SHA-256. */
struct kvault_hmac {
	struct sha256_state inner;
	u8 opad[SHA256_BLOCK_SIZE];
};

static void kvault_hmac_init(struct kvault_hmac *h, const u8 *key, u32 len)
{
	u8 pad[SHA256_BLOCK_SIZE] = { 0 };
	int i;

	if (len > SHA256_BLOCK_SIZE)
		sha256(key, len, pad);
	else if (len)
		memcpy(pad, key, len);
	for (i = 0; i < SHA256_BLOCK_SIZE; i++) {
		h->opad[i] = pad[i] ^ 0x5c;
		pad[i] ^= 0x36;
	}
	sha256_init(&h->inner);
	sha256_update(&h->inner, pad, sizeof(pad));
	memzero_explicit(pad, sizeof(pad));
}

static void kvault_hmac_update(struct kvault_hmac *h, const void *p, u32 len)
{
	sha256_update(&h->inner, p, len);
}

/* sha256_final() wipes each state; the outer pad is wiped here. */
static void kvault_hmac_final(struct kvault_hmac *h, u8 out[KVAULT_DIGEST])
{
	struct sha256_state outer;
	u8 inner[KVAULT_DIGEST];

	sha256_final(&h->inner, inner);
	sha256_init(&outer);
	sha256_update(&outer, h->opad, sizeof(h->opad));
	sha256_update(&outer, inner, sizeof(inner));
	sha256_final(&outer, out);
	memzero_explicit(inner, sizeof(inner));
	memzero_explicit(h->opad, sizeof(h->opad));
}

/*
 * KDFa (Part 1, 11.4.10.2) with HMAC-SHA256: @bytes of
 * HMAC(key, counter || label || 0 || u || v || bits) blocks.
 */
static void kvault_kdfa(const u8 *key, u32 key_len, const char *label,
			const u8 *u, u32 u_len, const u8 *v, u32 v_len,
			u8 *out, u32 bytes)
{
	u8 block[KVAULT_DIGEST], be[4], bits[4];
	struct kvault_hmac h;
	u32 counter, n;

	put_unaligned_be32(bytes * 8, bits);
	for (counter = 1; bytes; counter++) {
		put_unaligned_be32(counter, be);
		kvault_hmac_init(&h, key, key_len);
		kvault_hmac_update(&h, be, sizeof(be));
		kvault_hmac_update(&h, label, strlen(label) + 1);
		kvault_hmac_update(&h, u, u_len);
		kvault_hmac_update(&h, v, v_len);
		kvault_hmac_update(&h, bits, sizeof(bits));
		kvault_hmac_final(&h, block);
		n = min_t(u32, bytes, KVAULT_DIGEST);
		memcpy(out, block, n);
		out += n;
		bytes -= n;
	}
	memzero_explicit(block, sizeof(block));
}

/*
 * KDFe (Part 1, 11.4.10.3) with SHA-256, for one block, which is all a
 * salt for a SHA-256 key needs: H(1 || Z || "SECRET" || 0 || U.x || V.x).
 */
static void kvault_kdfe(const u8 z[KVAULT_ECC_BYTES],
			const u8 u[KVAULT_ECC_BYTES],
			const u8 v[KVAULT_ECC_BYTES], u8 out[KVAULT_DIGEST])
{
	static const u8 one[4] = { 0, 0, 0, 1 };
	static const char use[] = "SECRET";
	struct sha256_state s;

	sha256_init(&s);
	sha256_update(&s, one, sizeof(one));
	sha256_update(&s, z, KVAULT_ECC_BYTES);
	sha256_update(&s, use, sizeof(use));	/* with its NUL */
	sha256_update(&s, u, KVAULT_ECC_BYTES);
	sha256_update(&s, v, KVAULT_ECC_BYTES);
	sha256_final(&s, out);
}

/* AES-128 in CFB mode with a full-block feedback, as TPM 2.0 uses it. */
static void kvault_cfb(const u8 key[KVAULT_AES_KEY], u8 iv[AES_BLOCK_SIZE],
		       u8 *buf, u32 len, bool encrypt)
{
	struct crypto_aes_ctx ctx;
	u8 stream[AES_BLOCK_SIZE];
	u32 i, n;

	/* A 128-bit key is always valid. */
	aes_expandkey(&ctx, key, KVAULT_AES_KEY);
	while (len) {
		n = min_t(u32, len, AES_BLOCK_SIZE);
		aes_encrypt(&ctx, stream, iv);
		for (i = 0; i < n; i++) {
			u8 c = encrypt ? buf[i] ^ stream[i] : buf[i];

			buf[i] ^= stream[i];
			iv[i] = c;
		}
		buf += n;
		len -= n;
	}
	memzero_explicit(&ctx, sizeof(ctx));
	memzero_explicit(stream, sizeof(stream));
}

/*
 * Parameter encryption (Part 1, 21.3): the key and IV are
 * KDFa(sessionKey || authValue, "CFB", nonceNewer, nonceOlder, 256).
 */
static void kvault_param_crypt(const struct kvault_session *sess,
			       const u8 *newer, const u8 *older, u8 *buf,
			       u32 len, bool encrypt)
{
	u8 kiv[KVAULT_AES_KEY + AES_BLOCK_SIZE];

	kvault_kdfa(sess->key, sess->key_len, "CFB", newer, KVAULT_DIGEST,
		    older, KVAULT_DIGEST, kiv, sizeof(kiv));
	kvault_cfb(kiv, kiv + KVAULT_AES_KEY, buf, len, encrypt);
	memzero_explicit(kiv, sizeof(kiv));
}

/**
 * kvault_name_of_public() - the TPM name of an object
 * @area: its marshalled TPMT_PUBLIC (without the TPM2B size)
 * @len:  bytes at @area
 * @name: receives nameAlg (SHA-256) || SHA-256(@area)
 */
void kvault_name_of_public(const u8 *area, u16 len, struct kvault_name *name)
{
	name->len = KVAULT_NAME_MAX;
	put_unaligned_be16(KVAULT_TPM_ALG_SHA256, name->b);
	sha256(area, len, name->b + 2);
}

/*
 * An ephemeral ECDH P-256 key pair: @eph receives its public point (x||y)
 * and @z the x coordinate of the shared point with (@x, @y). The private
 * key lives only in the transform, which the crypto API wipes on free.
 */
static int kvault_ecdh(const u8 x[KVAULT_ECC_BYTES],
		       const u8 y[KVAULT_ECC_BYTES],
		       u8 eph[2 * KVAULT_ECC_BYTES], u8 z[KVAULT_ECC_BYTES])
{
	struct scatterlist src, dst;
	DECLARE_CRYPTO_WAIT(wait);
	struct kpp_request *req;
	struct crypto_kpp *tfm;
	struct kpp_secret *secret;
	u8 *mem, *peer;
	int rc;

	tfm = crypto_alloc_kpp("ecdh-nist-p256", 0, 0);
	if (PTR_ERR(tfm) == -ENOENT) {
		/*
		 * ecdh_generic (a module in Debian's kernels) is aliased
		 * crypto-ecdh only, so looking up ecdh-nist-p256 cannot load
		 * it: load it by that alias, then look again.
		 */
		request_module("crypto-ecdh");
		tfm = crypto_alloc_kpp("ecdh-nist-p256", 0, 0);
	}
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	/* Heap, not stack: scatterlists must not point into the stack. */
	mem = kzalloc(4 * KVAULT_ECC_BYTES + KVAULT_ECDH_NO_KEY, GFP_KERNEL);
	req = kpp_request_alloc(tfm, GFP_KERNEL);
	if (!mem || !req) {
		rc = -ENOMEM;
		goto out;
	}
	peer = mem + 2 * KVAULT_ECC_BYTES;

	/*
	 * A packed ECDH secret with no key, so that the driver generates a
	 * random private key: what crypto_ecdh_encode_key() would pack, but
	 * that helper lives in the ecdh_generic module, and kvault must load
	 * without it (crypto_alloc_kpp() loads it when a session needs it).
	 */
	secret = (struct kpp_secret *)(peer + 2 * KVAULT_ECC_BYTES);
	secret->type = CRYPTO_KPP_SECRET_TYPE_ECDH;
	secret->len = KVAULT_ECDH_NO_KEY;
	rc = crypto_kpp_set_secret(tfm, secret, KVAULT_ECDH_NO_KEY);
	if (rc)
		goto out;

	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				 CRYPTO_TFM_REQ_MAY_BACKLOG,
				 crypto_req_done, &wait);
	sg_init_one(&dst, mem, 2 * KVAULT_ECC_BYTES);
	kpp_request_set_input(req, NULL, 0);
	kpp_request_set_output(req, &dst, 2 * KVAULT_ECC_BYTES);
	rc = crypto_wait_req(crypto_kpp_generate_public_key(req), &wait);
	if (rc)
		goto out;
	memcpy(eph, mem, 2 * KVAULT_ECC_BYTES);

	memcpy(peer, x, KVAULT_ECC_BYTES);
	memcpy(peer + KVAULT_ECC_BYTES, y, KVAULT_ECC_BYTES);
	sg_init_one(&src, peer, 2 * KVAULT_ECC_BYTES);
	sg_init_one(&dst, mem, KVAULT_ECC_BYTES);
	kpp_request_set_input(req, &src, 2 * KVAULT_ECC_BYTES);
	kpp_request_set_output(req, &dst, KVAULT_ECC_BYTES);
	rc = crypto_wait_req(crypto_kpp_compute_shared_secret(req), &wait);
	if (!rc)
		memcpy(z, mem, KVAULT_ECC_BYTES);
out:
	kpp_request_free(req);
	kfree_sensitive(mem);
	crypto_free_kpp(tfm);
	return rc;
}

/**
 * kvault_seq_send() - send the command in @seq->buf
 * @seq:      the sequence
 * @min_body: the least response body a success must carry
 *
 * After a transport failure, or a TPM in failure mode (or gone from
 * behind an emulated interface), the sequence is dead: nothing more is
 * sent.
 *
 * Return: the TPM's response code (0: success), or -EIO if the transport
 * or the TPM failed, now or earlier in the sequence.
 */
int kvault_seq_send(struct kvault_seq *seq, size_t min_body)
{
	int rc;

	if (seq->dead)
		return -EIO;
	if (seq->buf.flags & TPM_BUF_OVERFLOW)
		return -E2BIG;
	rc = kvault_tpm_send(seq->chip, &seq->buf, min_body);
	if (rc < 0) {
		pr_notice_ratelimited("TPM command failed in transport (%d)\n",
				      rc);
		seq->dead = true;
		seq->transport_rc = rc;
		return -EIO;
	}
	if (rc == KVAULT_RC_FAILURE || rc == KVAULT_RC_TPM_FAIL) {
		/* Failure mode, or the TPM behind the interface is gone. */
		pr_notice_ratelimited("the TPM failed (rc %#x)\n", rc);
		seq->dead = true;
		seq->transport_rc = -ENODEV;
		return -EIO;
	}
	return rc;
}

/**
 * kvault_seq_flush() - TPM2_FlushContext
 * @seq:    the sequence
 * @handle: a transient object or a session
 *
 * Return: as kvault_seq_send().
 */
int kvault_seq_flush(struct kvault_seq *seq, u32 handle)
{
	int rc;

	tpm_buf_reset(&seq->buf, KVAULT_ST_NO_SESSIONS, KVAULT_CC_FLUSH_CONTEXT);
	tpm_buf_append_u32(&seq->buf, handle);
	rc = kvault_seq_send(seq, 0);
	if (rc)
		pr_notice_ratelimited("could not flush TPM handle %#x (%d)\n",
				      handle, rc);
	return rc;
}

/**
 * kvault_session_start() - TPM2_StartAuthSession, salted to a key
 * @seq:     the sequence
 * @tpm_key: the salt's key (an ECC P-256 restricted decryption key)
 * @x:       its public point's x coordinate
 * @y:       and y coordinate
 * @type:    KVAULT_SE_HMAC or KVAULT_SE_POLICY
 * @sess:    receives the session (AES-128-CFB, SHA-256, unbound)
 *
 * The salt is KDFe(SHA-256, Z.x, "SECRET", ephemeral.x, key.x) for the
 * shared point Z of an ephemeral ECDH key and @tpm_key (Part 1, C.6.1);
 * the TPM gets the ephemeral public point. The session key is
 * KDFa(SHA-256, salt, "ATH", nonceTPM, nonceCaller, 256).
 *
 * Return: 0, a TPM response code, or a negative errno.
 */
int kvault_session_start(struct kvault_seq *seq, u32 tpm_key,
			 const u8 x[KVAULT_ECC_BYTES],
			 const u8 y[KVAULT_ECC_BYTES], u8 type,
			 struct kvault_session *sess)
{
	u8 eph[2 * KVAULT_ECC_BYTES], z[KVAULT_ECC_BYTES], salt[KVAULT_DIGEST];
	struct tpm_buf *buf = &seq->buf;
	struct kvault_rsp rsp;
	const u8 *nonce;
	u16 nonce_len;
	int rc;

	memset(sess, 0, sizeof(*sess));
	rc = kvault_ecdh(x, y, eph, z);
	if (rc) {
		pr_notice_ratelimited("ECDH P-256 failed (%d): no salted session\n",
				      rc);
		NL_SET_ERR_MSG(seq->extack,
			       "ECDH P-256 (ecdh_generic) is unavailable for the TPM session salt");
		return rc == -ENOMEM ? rc : -EOPNOTSUPP;
	}
	kvault_kdfe(z, eph, x, salt);
	memzero_explicit(z, sizeof(z));
	get_random_bytes(sess->nonce_caller, sizeof(sess->nonce_caller));

	tpm_buf_reset(buf, KVAULT_ST_NO_SESSIONS, KVAULT_CC_START_AUTH_SESSION);
	tpm_buf_append_u32(buf, tpm_key);
	tpm_buf_append_u32(buf, KVAULT_RH_NULL);		/* bind */
	tpm_buf_append_u16(buf, sizeof(sess->nonce_caller));
	tpm_buf_append(buf, sess->nonce_caller, sizeof(sess->nonce_caller));
	/* encryptedSalt: the marshalled TPMS_ECC_POINT */
	tpm_buf_append_u16(buf, 2 * (2 + KVAULT_ECC_BYTES));
	tpm_buf_append_u16(buf, KVAULT_ECC_BYTES);
	tpm_buf_append(buf, eph, KVAULT_ECC_BYTES);
	tpm_buf_append_u16(buf, KVAULT_ECC_BYTES);
	tpm_buf_append(buf, eph + KVAULT_ECC_BYTES, KVAULT_ECC_BYTES);
	tpm_buf_append_u8(buf, type);
	tpm_buf_append_u16(buf, KVAULT_ALG_AES);		/* symmetric */
	tpm_buf_append_u16(buf, 128);
	tpm_buf_append_u16(buf, KVAULT_ALG_CFB);
	tpm_buf_append_u16(buf, KVAULT_TPM_ALG_SHA256);		/* authHash */
	rc = kvault_seq_send(seq, 0);
	if (rc)
		goto out;

	kvault_rsp_init(&rsp, buf);
	sess->handle = kvault_rsp_u32(&rsp);
	if (!rsp.bad)
		sess->alive = true;
	nonce = kvault_rsp_tpm2b(&rsp, &nonce_len);
	if (!nonce || nonce_len != KVAULT_DIGEST || rsp.left) {
		NL_SET_ERR_MSG(seq->extack, "malformed TPM2_StartAuthSession response");
		rc = -EIO;
		goto out;
	}
	memcpy(sess->nonce_tpm, nonce, KVAULT_DIGEST);
	kvault_kdfa(salt, sizeof(salt), "ATH", sess->nonce_tpm, KVAULT_DIGEST,
		    sess->nonce_caller, KVAULT_DIGEST, sess->key, KVAULT_DIGEST);
	sess->key_len = KVAULT_DIGEST;
out:
	memzero_explicit(salt, sizeof(salt));
	return rc;
}

/**
 * kvault_session_set_auth() - add the authValue of the entity authorised
 * @sess: the session
 * @auth: the authValue (the PIN)
 * @len:  its length, at most KVAULT_PIN_MAX
 *
 * The key of the HMACs and of parameter encryption becomes sessionKey ||
 * authValue, with the authValue's trailing zeros stripped as the TPM does.
 */
void kvault_session_set_auth(struct kvault_session *sess, const u8 *auth,
			     u32 len)
{
	len = min_t(u32, len, KVAULT_PIN_MAX);
	while (len && !auth[len - 1])
		len--;
	memcpy(sess->key + KVAULT_DIGEST, auth, len);
	sess->key_len = KVAULT_DIGEST + len;
}

/**
 * kvault_session_end() - flush a session the TPM still holds; wipe it
 * @seq:  the sequence
 * @sess: the session (zeroed on return)
 */
void kvault_session_end(struct kvault_seq *seq, struct kvault_session *sess)
{
	if (sess->alive)
		kvault_seq_flush(seq, sess->handle);
	memzero_explicit(sess, sizeof(*sess));
}

/* HMAC(key, pHash || nonceNewer || nonceOlder || attributes) (Part 1, 19.6) */
static void kvault_session_hmac(const struct kvault_session *sess,
				const u8 *p_hash, const u8 *newer,
				const u8 *older, u8 attrs,
				u8 out[KVAULT_DIGEST])
{
	struct kvault_hmac h;

	kvault_hmac_init(&h, sess->key, sess->key_len);
	kvault_hmac_update(&h, p_hash, KVAULT_DIGEST);
	kvault_hmac_update(&h, newer, KVAULT_DIGEST);
	kvault_hmac_update(&h, older, KVAULT_DIGEST);
	kvault_hmac_update(&h, &attrs, 1);
	kvault_hmac_final(&h, out);
}

/**
 * kvault_auth_cmd() - send a command that needs one authorization
 * @seq:        the sequence
 * @sess:       an HMAC or policy session, with @sess->attrs the session
 *              attributes to send; NULL for a password session with an
 *              empty password
 * @cc:         the command code
 * @handles:    the command's handles
 * @names:      their names, for the cpHash (unused without @sess)
 * @nr_handles: how many
 * @params:     the marshalled parameters; with KVAULT_SA_DECRYPT, the
 *              first (a TPM2B) is encrypted in place
 * @plen:       their length
 * @rsp_handle: receives the response handle, for commands that return
 *              one; else NULL
 * @rsp:        on success, a cursor over the response parameters (the
 *              first decrypted in place with KVAULT_SA_ENCRYPT)
 *
 * The command HMAC covers cpHash = H(cc || names || parameters as sent);
 * the response's HMAC over rpHash = H(0 || cc || parameters as received)
 * is checked before anything in the response is used.
 *
 * Return: 0, the TPM's response code, or a negative errno (-EIO for a
 * response that fails authentication or is malformed).
 */
int kvault_auth_cmd(struct kvault_seq *seq, struct kvault_session *sess,
		    u32 cc, const u32 *handles, const struct kvault_name *names,
		    unsigned int nr_handles, u8 *params, u32 plen,
		    u32 *rsp_handle, struct kvault_rsp *rsp)
{
	u8 p_hash[KVAULT_DIGEST], mac[KVAULT_DIGEST], be[4];
	struct tpm_buf *buf = &seq->buf;
	const u8 *nonce, *rmac, *pstart;
	struct kvault_rsp r;
	struct sha256_state s;
	u16 nonce_len, mac_len, n;
	u32 psize;
	u8 rattrs;
	unsigned int i;
	int rc;

	tpm_buf_reset(buf, KVAULT_ST_SESSIONS, cc);
	for (i = 0; i < nr_handles; i++)
		tpm_buf_append_u32(buf, handles[i]);
	put_unaligned_be32(cc, be);
	if (!sess) {
		tpm_buf_append_u32(buf, 4 + 2 + 1 + 2);
		tpm_buf_append_u32(buf, KVAULT_RS_PW);
		tpm_buf_append_u16(buf, 0);
		tpm_buf_append_u8(buf, KVAULT_SA_CONTINUE);
		tpm_buf_append_u16(buf, 0);
	} else {
		get_random_bytes(sess->nonce_caller, sizeof(sess->nonce_caller));
		if (sess->attrs & KVAULT_SA_DECRYPT) {
			n = plen >= 2 ? get_unaligned_be16(params) : 0;
			if (plen < 2 || n > plen - 2)
				return -EINVAL;
			kvault_param_crypt(sess, sess->nonce_caller,
					   sess->nonce_tpm, params + 2, n, true);
		}
		sha256_init(&s);
		sha256_update(&s, be, sizeof(be));
		for (i = 0; i < nr_handles; i++)
			sha256_update(&s, names[i].b, names[i].len);
		sha256_update(&s, params, plen);
		sha256_final(&s, p_hash);
		kvault_session_hmac(sess, p_hash, sess->nonce_caller,
				    sess->nonce_tpm, sess->attrs, mac);

		tpm_buf_append_u32(buf, 4 + 2 + KVAULT_DIGEST + 1 + 2 +
				   KVAULT_DIGEST);
		tpm_buf_append_u32(buf, sess->handle);
		tpm_buf_append_u16(buf, KVAULT_DIGEST);
		tpm_buf_append(buf, sess->nonce_caller, KVAULT_DIGEST);
		tpm_buf_append_u8(buf, sess->attrs);
		tpm_buf_append_u16(buf, KVAULT_DIGEST);
		tpm_buf_append(buf, mac, KVAULT_DIGEST);
	}
	tpm_buf_append(buf, params, plen);
	rc = kvault_seq_send(seq, 0);
	if (rc)
		return rc;

	kvault_rsp_init(&r, buf);
	if (rsp_handle)
		*rsp_handle = kvault_rsp_u32(&r);
	psize = kvault_rsp_u32(&r);
	pstart = kvault_rsp_bytes(&r, psize);
	nonce = kvault_rsp_tpm2b(&r, &nonce_len);
	rattrs = kvault_rsp_u8(&r);
	rmac = kvault_rsp_tpm2b(&r, &mac_len);
	if (r.bad || r.left ||
	    get_unaligned_be16(buf->data) != KVAULT_ST_SESSIONS)
		goto malformed;

	if (sess) {
		if (nonce_len != KVAULT_DIGEST || mac_len != KVAULT_DIGEST ||
		    rattrs != sess->attrs)
			goto malformed;
		/* With continueSession clear, the TPM has ended the session. */
		if (!(rattrs & KVAULT_SA_CONTINUE))
			sess->alive = false;
		memcpy(sess->nonce_tpm, nonce, KVAULT_DIGEST);

		put_unaligned_be32(0, p_hash);	/* responseCode */
		sha256_init(&s);
		sha256_update(&s, p_hash, 4);
		sha256_update(&s, be, sizeof(be));
		sha256_update(&s, pstart, psize);
		sha256_final(&s, p_hash);
		kvault_session_hmac(sess, p_hash, sess->nonce_tpm,
				    sess->nonce_caller, rattrs, mac);
		if (crypto_memneq(mac, rmac, KVAULT_DIGEST)) {
			pr_notice_ratelimited("TPM response to command %#x failed authentication\n",
					      cc);
			NL_SET_ERR_MSG(seq->extack,
				       "TPM response failed authentication");
			return -EIO;
		}
		if (rattrs & KVAULT_SA_ENCRYPT) {
			u8 *p = buf->data + (pstart - buf->data);

			n = psize >= 2 ? get_unaligned_be16(p) : 0;
			if (psize < 2 || n > psize - 2)
				goto malformed;
			kvault_param_crypt(sess, sess->nonce_tpm,
					   sess->nonce_caller, p + 2, n, false);
		}
	}
	rsp->pos = pstart;
	rsp->left = psize;
	rsp->bad = false;
	return 0;

malformed:
	pr_notice_ratelimited("malformed TPM response to command %#x\n", cc);
	NL_SET_ERR_MSG(seq->extack, "malformed TPM response");
	return -EIO;
}
