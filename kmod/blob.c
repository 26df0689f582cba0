// SPDX-License-Identifier: GPL-2.0
/*
 * The sealed blob: kvault's header (what the key is and the policy it is
 * sealed to), the TPM's part as a TPMKey DER structure, and a tag that
 * binds the two to the sealed material. The format is in
 * uapi/linux/kvault.h ("Sealing"). Nothing here talks to the TPM.
 *
 * Parsing is strict: every length is checked against what is left, DER
 * lengths must be minimal, and nothing may trail. The header's policy must
 * hash to the object's authPolicy before the TPM sees the blob, and the tag
 * is checked with the unsealed material before a key is made of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "tpm_cmd.h"

#define KVAULT_BLOB_MAGIC	"KVB1"
/* magic, version, header length, five key fields, flags, bank, size, mask */
#define KVAULT_BLOB_FIXED	(4 + 2 + 2 + 5 * 4 + 4 + 2 + 2 + 4)
#define KVAULT_BLOB_TAG_LEN	SHA256_DIGEST_SIZE

/* DER of OID 2.23.133.10.1.5, the TPMKey type of a sealed data object. */
static const u8 kvault_tpmkey_oid[] = {
	0x06, 0x06, 0x67, 0x81, 0x05, 0x0a, 0x01, 0x05,
};

#define KVAULT_DER_SEQUENCE	0x30
#define KVAULT_DER_BOOLEAN	0x01
#define KVAULT_DER_INTEGER	0x02
#define KVAULT_DER_OCTETS	0x04
#define KVAULT_DER_CTX0		0xa0	/* [0] EXPLICIT, constructed */

/* The PCR banks kvault seals to: their hash is in the kernel's crypto API. */
static const struct kvault_bank_info kvault_banks[] = {
	{ KVAULT_TPM_ALG_SHA1, 20, "sha1" },
	{ KVAULT_TPM_ALG_SHA256, 32, "sha256" },
	{ KVAULT_TPM_ALG_SHA384, 48, "sha384" },
	{ KVAULT_TPM_ALG_SHA512, 64, "sha512" },
};

/**
 * kvault_bank_info() - what kvault knows of a PCR bank
 * @bank: TCG algorithm identifier
 *
 * Return: its digest size and hash name, or NULL for a bank kvault cannot
 * seal to.
 */
const struct kvault_bank_info *kvault_bank_info(u16 bank)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(kvault_banks); i++)
		if (kvault_banks[i].bank == bank)
			return &kvault_banks[i];
	return NULL;
}

/**
 * kvault_bank_by_name() - a PCR bank by its hash's name
 * @name: "sha1", "sha256", "sha384" or "sha512"
 *
 * Return: the bank, or NULL.
 */
const struct kvault_bank_info *kvault_bank_by_name(const char *name)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(kvault_banks); i++)
		if (!strcmp(kvault_banks[i].name, name))
			return &kvault_banks[i];
	return NULL;
}

/* ---- writing ----------------------------------------------------------- */

struct kvault_wbuf {
	u8 *p;
	u32 len;
	u32 cap;
};

static void kvault_put(struct kvault_wbuf *w, const void *src, u32 n)
{
	if (w->len + n <= w->cap)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void kvault_put_u16(struct kvault_wbuf *w, u16 v)
{
	__be16 b = cpu_to_be16(v);

	kvault_put(w, &b, sizeof(b));
}

static void kvault_put_u32(struct kvault_wbuf *w, u32 v)
{
	__be32 b = cpu_to_be32(v);

	kvault_put(w, &b, sizeof(b));
}

/* A DER tag and minimal length (contents are at most 64 KiB here). */
static void kvault_der_head(struct kvault_wbuf *w, u8 tag, u32 len)
{
	u8 h[4] = { tag };
	u32 n = 2;

	if (len < 0x80) {
		h[1] = len;
	} else if (len < 0x100) {
		h[1] = 0x81;
		h[2] = len;
		n = 3;
	} else {
		h[1] = 0x82;
		h[2] = len >> 8;
		h[3] = len;
		n = 4;
	}
	kvault_put(w, h, n);
}

static u32 kvault_der_size(u32 len)
{
	return len + (len < 0x80 ? 2 : len < 0x100 ? 3 : 4);
}

/* The TPMKey SEQUENCE of @obj; emptyAuth TRUE when there is no PIN. */
static void kvault_tpmkey_write(struct kvault_wbuf *w,
				const struct kvault_tpm_object *obj, bool pin)
{
	/* INTEGER: a positive value needs a leading zero if its top bit is set */
	u32 int_len = obj->parent & 0x80000000 ? 5 : 4;
	u32 body = sizeof(kvault_tpmkey_oid) +
		   (pin ? 0 : kvault_der_size(kvault_der_size(1))) +
		   kvault_der_size(int_len) + kvault_der_size(obj->pub_len) +
		   kvault_der_size(obj->priv_len);

	kvault_der_head(w, KVAULT_DER_SEQUENCE, body);
	kvault_put(w, kvault_tpmkey_oid, sizeof(kvault_tpmkey_oid));
	if (!pin) {
		kvault_der_head(w, KVAULT_DER_CTX0, kvault_der_size(1));
		kvault_der_head(w, KVAULT_DER_BOOLEAN, 1);
		kvault_put(w, "\xff", 1);
	}
	kvault_der_head(w, KVAULT_DER_INTEGER, int_len);
	if (int_len == 5)
		kvault_put(w, "", 1);
	kvault_put_u32(w, obj->parent);
	kvault_der_head(w, KVAULT_DER_OCTETS, obj->pub_len);
	kvault_put(w, obj->pub, obj->pub_len);
	kvault_der_head(w, KVAULT_DER_OCTETS, obj->priv_len);
	kvault_put(w, obj->priv, obj->priv_len);
}

/*
 * The tag: HMAC-SHA256(HMAC-SHA256(material, label), @data). A key derived
 * from the material, so only someone who holds the material can make it.
 */
static int kvault_blob_tag(const u8 *material, u32 mlen, const u8 *data,
			   u32 len, u8 tag[KVAULT_BLOB_TAG_LEN])
{
	static const char label[] = "kvault blob tag v1";
	struct crypto_shash *tfm;
	u8 k[SHA256_DIGEST_SIZE];
	int rc;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	rc = crypto_shash_setkey(tfm, material, mlen);
	if (!rc)
		rc = crypto_shash_tfm_digest(tfm, label, sizeof(label) - 1, k);
	if (!rc)
		rc = crypto_shash_setkey(tfm, k, sizeof(k));
	if (!rc)
		rc = crypto_shash_tfm_digest(tfm, data, len, tag);
	memzero_explicit(k, sizeof(k));
	crypto_free_shash(tfm);
	return rc;
}

/* Everything but the tag; with @w->cap 0 it only counts. */
static void kvault_blob_write(struct kvault_wbuf *w,
			      const struct kvault_blob_meta *m)
{
	bool pin = m->flags & KVAULT_SEAL_PIN;
	u32 nvalues = hweight32(m->pol.mask) * m->pol.digest_size;
	struct kvault_wbuf count = { };

	kvault_put(w, KVAULT_BLOB_MAGIC, 4);
	kvault_put_u16(w, KVAULT_BLOB_VERSION);
	kvault_put_u16(w, KVAULT_BLOB_FIXED + nvalues);
	kvault_put_u32(w, m->alg);
	kvault_put_u32(w, m->len);
	kvault_put_u32(w, m->usage);
	kvault_put_u32(w, m->attrs);
	kvault_put_u32(w, m->version);
	kvault_put_u32(w, m->flags);
	kvault_put_u16(w, m->pol.bank);
	kvault_put_u16(w, m->pol.digest_size);
	kvault_put_u32(w, m->pol.mask);
	kvault_put(w, m->pol.values, nvalues);
	kvault_tpmkey_write(&count, &m->obj, pin);
	kvault_put_u16(w, count.len);
	kvault_tpmkey_write(w, &m->obj, pin);
}

/**
 * kvault_blob_build() - serialize a sealed key
 * @m:        what the key is, its policy and the TPM object
 * @material: the sealed material (keys the tag)
 * @blob:     receives a kmalloc'ed blob (the caller kfree()s it)
 * @blob_len: receives its length
 *
 * Return: 0, -EOVERFLOW if it would exceed KVAULT_BLOB_MAX, or -ENOMEM.
 */
int kvault_blob_build(const struct kvault_blob_meta *m, const u8 *material,
		      u8 **blob, u32 *blob_len)
{
	struct kvault_wbuf w = { };
	int rc;

	kvault_blob_write(&w, m);
	if (w.len + KVAULT_BLOB_TAG_LEN > KVAULT_BLOB_MAX)
		return -EOVERFLOW;
	w.cap = w.len;
	w.len = 0;
	w.p = kmalloc(w.cap + KVAULT_BLOB_TAG_LEN, GFP_KERNEL);
	if (!w.p)
		return -ENOMEM;
	kvault_blob_write(&w, m);
	rc = kvault_blob_tag(material, m->len, w.p, w.len, w.p + w.len);
	if (rc) {
		kfree(w.p);
		return rc;
	}
	*blob = w.p;
	*blob_len = w.len + KVAULT_BLOB_TAG_LEN;
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

/* One DER element with tag @tag and a minimal length; its contents. */
static const u8 *kvault_der_get(struct kvault_rsp *r, u8 tag, u32 *len)
{
	const u8 *h = kvault_rsp_bytes(r, 2);
	u32 n;

	if (!h || h[0] != tag) {
		r->bad = true;
		return NULL;
	}
	n = h[1];
	if (n == 0x81) {
		h = kvault_rsp_bytes(r, 1);
		n = h ? h[0] : 0;
		if (n < 0x80)
			r->bad = true;
	} else if (n == 0x82) {
		n = kvault_rsp_u16(r);
		if (n < 0x100)
			r->bad = true;
	} else if (n >= 0x80) {
		r->bad = true;
	}
	*len = n;
	return kvault_rsp_bytes(r, n);
}

/* Check that the object is a sealed keyedhash one whose policy is @m's. */
static int kvault_blob_check_public(const struct kvault_blob_meta *m)
{
	struct kvault_rsp r = { m->obj.pub, m->obj.pub_len };
	u8 want[SHA256_DIGEST_SIZE];
	const u8 *policy;
	u32 attrs;

	if (kvault_rsp_u16(&r) != m->obj.pub_len - 2 ||
	    kvault_rsp_u16(&r) != KVAULT_ALG_KEYEDHASH ||
	    kvault_rsp_u16(&r) != KVAULT_TPM_ALG_SHA256)
		return -EINVAL;
	attrs = kvault_rsp_u32(&r);
	if (kvault_rsp_u16(&r) != SHA256_DIGEST_SIZE)
		return -EBADMSG;
	policy = kvault_rsp_bytes(&r, SHA256_DIGEST_SIZE);
	if (!policy)
		return -EINVAL;
	/* without a PIN the object is noDA; with one, wrong PINs must count */
	if (!(attrs & KVAULT_OA_NO_DA) != !!(m->flags & KVAULT_SEAL_PIN))
		return -EBADMSG;
	kvault_tpm_policy_digest(&m->pol, m->flags & KVAULT_SEAL_PIN, want);
	return crypto_memneq(want, policy, sizeof(want)) ? -EBADMSG : 0;
}

static int kvault_tpmkey_parse(const u8 *der, u32 len,
			       struct kvault_blob_meta *m)
{
	struct kvault_rsp outer = { der, len }, r;
	const u8 *p, *oid;
	u32 n;

	p = kvault_der_get(&outer, KVAULT_DER_SEQUENCE, &n);
	if (!p || outer.left)
		return -EINVAL;
	r = (struct kvault_rsp){ p, n };
	oid = kvault_rsp_bytes(&r, sizeof(kvault_tpmkey_oid));
	if (!oid || memcmp(oid, kvault_tpmkey_oid, sizeof(kvault_tpmkey_oid)))
		return -EINVAL;
	/* emptyAuth [0]: present exactly when there is no PIN */
	if (r.left && r.pos[0] == KVAULT_DER_CTX0) {
		struct kvault_rsp b;

		p = kvault_der_get(&r, KVAULT_DER_CTX0, &n);
		b = (struct kvault_rsp){ p, p ? n : 0, !p };
		p = kvault_der_get(&b, KVAULT_DER_BOOLEAN, &n);
		if (!p || n != 1 || p[0] != 0xff || b.left ||
		    (m->flags & KVAULT_SEAL_PIN))
			return -EINVAL;
	} else if (!(m->flags & KVAULT_SEAL_PIN)) {
		return -EINVAL;
	}
	p = kvault_der_get(&r, KVAULT_DER_INTEGER, &n);
	if (!p)
		return -EINVAL;
	if (n == 5 && !p[0] && (p[1] & 0x80))
		m->obj.parent = get_unaligned_be32(p + 1);
	else if (n == 4 && !(p[0] & 0x80))
		m->obj.parent = get_unaligned_be32(p);
	else
		return -EINVAL;
	if (m->obj.parent != KVAULT_SRK_PERSISTENT &&
	    m->obj.parent != KVAULT_SRK_TEMPLATE)
		return -EINVAL;
	p = kvault_der_get(&r, KVAULT_DER_OCTETS, &n);
	if (!p || n < 2 || n > KVAULT_TPM_PUB_MAX ||
	    get_unaligned_be16(p) != n - 2)
		return -EINVAL;
	memcpy(m->obj.pub, p, n);
	m->obj.pub_len = n;
	p = kvault_der_get(&r, KVAULT_DER_OCTETS, &n);
	if (!p || n < 2 || n > KVAULT_TPM_PRIV_MAX ||
	    get_unaligned_be16(p) != n - 2 || r.left)
		return -EINVAL;
	memcpy(m->obj.priv, p, n);
	m->obj.priv_len = n;
	return 0;
}

/**
 * kvault_blob_parse() - check a blob's structure and policy
 * @blob: the blob
 * @len:  its length
 * @m:    receives its contents
 *
 * Everything that can be checked without the TPM: the format, the fields'
 * ranges, and that the header's policy is the object's authPolicy.
 *
 * Return: 0; -EINVAL for a malformed blob; -EBADMSG when the header and
 * the object disagree.
 */
int kvault_blob_parse(const u8 *blob, u32 len, struct kvault_blob_meta *m)
{
	struct kvault_rsp r = { blob, len };
	const u8 *p;
	const struct kvault_bank_info *bank;
	u32 nvalues, der_len, plen;

	memset(m, 0, sizeof(*m));
	if (len > KVAULT_BLOB_MAX || len < KVAULT_BLOB_FIXED + KVAULT_BLOB_TAG_LEN)
		return -EINVAL;
	p = kvault_rsp_bytes(&r, 4);
	if (memcmp(p, KVAULT_BLOB_MAGIC, 4) ||
	    kvault_rsp_u16(&r) != KVAULT_BLOB_VERSION)
		return -EINVAL;
	plen = kvault_rsp_u16(&r);
	m->alg = kvault_rsp_u32(&r);
	m->len = kvault_rsp_u32(&r);
	m->usage = kvault_rsp_u32(&r);
	m->attrs = kvault_rsp_u32(&r);
	m->version = kvault_rsp_u32(&r);
	m->flags = kvault_rsp_u32(&r);
	m->pol.bank = kvault_rsp_u16(&r);
	m->pol.digest_size = kvault_rsp_u16(&r);
	m->pol.mask = kvault_rsp_u32(&r);
	if (r.bad)
		return -EINVAL;

	/* the key's fields, as creation would check them */
	if (m->alg != KVAULT_ALG_SECRET) {
		u32 want = 0;

		if (kvault_alg_check(m->alg, &want) || want != m->len)
			return -EINVAL;
	} else if (kvault_alg_check(m->alg, &m->len)) {
		return -EINVAL;
	}
	if (!m->usage || kvault_usage_check(m->alg, &m->usage) ||
	    (m->attrs & ~(KVAULT_KEY_EXPORTABLE | KVAULT_KEY_IMPORTED)) ||
	    !m->version || (m->flags & ~KVAULT_SEAL_PIN))
		return -EINVAL;

	bank = kvault_bank_info(m->pol.bank);
	if (!bank || bank->size != m->pol.digest_size || !m->pol.mask ||
	    (m->pol.mask & ~KVAULT_PCR_MASK_ALL))
		return -EINVAL;
	nvalues = hweight32(m->pol.mask) * m->pol.digest_size;
	if (plen != KVAULT_BLOB_FIXED + nvalues)
		return -EINVAL;
	p = kvault_rsp_bytes(&r, nvalues);
	if (!p)
		return -EINVAL;
	memcpy(m->pol.values, p, nvalues);

	der_len = kvault_rsp_u16(&r);
	p = kvault_rsp_bytes(&r, der_len);
	if (!p || r.left != KVAULT_BLOB_TAG_LEN)
		return -EINVAL;
	if (kvault_tpmkey_parse(p, der_len, m))
		return -EINVAL;
	return kvault_blob_check_public(m);
}

/**
 * kvault_blob_verify() - check a blob's tag with the unsealed material
 * @blob:     the blob, already parsed by kvault_blob_parse()
 * @len:      its length
 * @material: what the TPM unsealed
 * @mlen:     its length
 *
 * Return: 0, or -EBADMSG when the blob was altered.
 */
int kvault_blob_verify(const u8 *blob, u32 len, const u8 *material, u32 mlen)
{
	u8 tag[KVAULT_BLOB_TAG_LEN];
	int rc;

	if (len < KVAULT_BLOB_TAG_LEN)
		return -EBADMSG;
	rc = kvault_blob_tag(material, mlen, blob, len - KVAULT_BLOB_TAG_LEN,
			     tag);
	if (!rc && crypto_memneq(tag, blob + len - KVAULT_BLOB_TAG_LEN,
				 sizeof(tag)))
		rc = -EBADMSG;
	memzero_explicit(tag, sizeof(tag));
	return rc;
}
