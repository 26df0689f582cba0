/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kvault crypto template selftests (crypto_*_test.c):
 * key references (struct kvault_key_ref), plaintext import of known keys,
 * AF_ALG handles through libkcapi for the three classes the template
 * wraps (skcipher, aead, hash) with one "run" call each, and the usage
 * counts of KVAULT_CMD_KEY_GET.
 *
 * Header-only (static inline), as key_util.h, because the selftests
 * Makefile links every test with test_util.o only.
 */
#ifndef KVAULT_CRYPTO_UTIL_H
#define KVAULT_CRYPTO_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kcapi.h>

#include "test_util.h"
#include "key_util.h"

#define CU_REF_BUF	(KVAULT_KEY_REF_MAX_SIZE + 64)

/* A reference by ID into @buf; returns its length. */
static inline size_t cu_ref_id(uint8_t *buf, key_serial_t id, uint32_t ver)
{
	struct kvault_key_ref r;

	memset(&r, 0, sizeof(r));
	r.magic = KVAULT_KEY_REF_MAGIC;
	r.version = KVAULT_KEY_REF_VERSION;
	r.size = KVAULT_KEY_REF_HDR_SIZE;
	r.id = id;
	r.key_version = ver;
	memcpy(buf, &r, KVAULT_KEY_REF_HDR_SIZE);
	return KVAULT_KEY_REF_HDR_SIZE;
}

/* A reference by name into @buf (at least CU_REF_BUF); its length. */
static inline size_t cu_ref_name(uint8_t *buf, const char *name, uint32_t ver)
{
	size_t n = strlen(name) + 1, len = KVAULT_KEY_REF_HDR_SIZE + n;
	struct kvault_key_ref r;

	if (len > CU_REF_BUF)
		abort();
	memset(&r, 0, sizeof(r));
	r.magic = KVAULT_KEY_REF_MAGIC;
	r.version = KVAULT_KEY_REF_VERSION;
	r.size = (uint16_t)len;
	r.key_version = ver;
	memcpy(buf, &r, KVAULT_KEY_REF_HDR_SIZE);
	memcpy(buf + KVAULT_KEY_REF_HDR_SIZE, name, n);
	return len;
}

/*
 * Import @key as @alg ("aes-256", "secret-20"...) with @usage ("crypto-api"
 * or NULL for the algorithm's default) into @ring; plaintext import is on
 * only around the add. The key's ID or -errno.
 */
static inline key_serial_t cu_import(const char *name, const char *alg,
				     const uint8_t *key, size_t len,
				     const char *usage, key_serial_t ring)
{
	char hex[2 * KVAULT_SECRET_MAX_LEN + 1], payload[512];
	key_serial_t id;

	if (len > KVAULT_SECRET_MAX_LEN)
		return -E2BIG;
	hex_encode(key, len, hex);
	snprintf(payload, sizeof(payload), "import %s %s%s%s", alg, hex,
		 usage ? " usage=" : "", usage ? usage : "");
	if (kt_set_import(1))
		return -EIO;
	id = kt_add(name, payload, ring);
	kt_set_import(0);
	return id;
}

/* ---- AF_ALG through libkcapi: one handle type for the three classes ---- */

enum cu_class { CU_SKCIPHER, CU_AEAD, CU_HASH };

struct cu_alg {
	const char *name;	/* the inner algorithm, e.g. "xts(aes)" */
	enum cu_class cls;
	const char *kalg;	/* vault algorithm of a fitting key */
	size_t klen;		/* its material length */
	size_t ivlen;
	size_t tail;		/* non-secret bytes after the key (rfc4106) */
	size_t blk;		/* data must be a multiple of this (1: any) */
	size_t minlen;		/* shortest data */
	size_t dlen;		/* digest length (hash) */
};

#define CU_TAG 16

static inline int cu_init(struct kcapi_handle **h, enum cu_class cls,
			  const char *name)
{
	switch (cls) {
	case CU_SKCIPHER:
		return kcapi_cipher_init(h, name, 0);
	case CU_AEAD:
		return kcapi_aead_init(h, name, 0);
	default:
		return kcapi_md_init(h, name, 0);
	}
}

/* A handle for "kvault(@inner)" (@wrap) or @inner itself. */
static inline int cu_open(struct kcapi_handle **h, const struct cu_alg *a,
			  int wrap)
{
	char name[128];
	int rc;

	snprintf(name, sizeof(name), wrap ? "kvault(%s)" : "%s", a->name);
	rc = cu_init(h, a->cls, name);
	if (!rc && a->cls == CU_AEAD) {
		rc = kcapi_aead_settaglen(*h, CU_TAG);
		if (rc)
			kcapi_aead_destroy(*h);
	}
	return rc;
}

static inline int cu_setkey(struct kcapi_handle *h, enum cu_class cls,
			    const uint8_t *key, size_t len)
{
	switch (cls) {
	case CU_SKCIPHER:
		return kcapi_cipher_setkey(h, key, (uint32_t)len);
	case CU_AEAD:
		return kcapi_aead_setkey(h, key, (uint32_t)len);
	default:
		return kcapi_md_setkey(h, key, (uint32_t)len);
	}
}

static inline void cu_close(struct kcapi_handle *h, enum cu_class cls)
{
	switch (cls) {
	case CU_SKCIPHER:
		kcapi_cipher_destroy(h);
		break;
	case CU_AEAD:
		kcapi_aead_destroy(h);
		break;
	default:
		kcapi_md_destroy(h);
	}
}

/*
 * One operation: skcipher encrypt (@enc) or decrypt of @len bytes; aead
 * encrypt or decrypt of @aad (@alen) || @in (@len, with the tag when
 * decrypting) into @out (aad || ciphertext || tag); hash of @in. Returns
 * the output length or -errno.
 */
static inline long cu_run(struct kcapi_handle *h, const struct cu_alg *a,
			  int enc, const uint8_t *iv, const uint8_t *aad,
			  size_t alen, const uint8_t *in, size_t len,
			  uint8_t *out, size_t outlen)
{
	uint8_t *buf;
	long rc;

	switch (a->cls) {
	case CU_SKCIPHER:
		if (enc)
			return kcapi_cipher_encrypt(h, in, len, iv, out, outlen,
						    KCAPI_ACCESS_HEURISTIC);
		return kcapi_cipher_decrypt(h, in, len, iv, out, outlen,
					    KCAPI_ACCESS_HEURISTIC);
	case CU_AEAD:
		buf = malloc(alen + len + 1);
		if (!buf)
			return -ENOMEM;
		if (alen)
			memcpy(buf, aad, alen);
		if (len)
			memcpy(buf + alen, in, len);
		kcapi_aead_setassoclen(h, alen);
		if (enc)
			rc = kcapi_aead_encrypt(h, buf, alen + len, iv, out,
						outlen, KCAPI_ACCESS_HEURISTIC);
		else
			rc = kcapi_aead_decrypt(h, buf, alen + len, iv, out,
						outlen, KCAPI_ACCESS_HEURISTIC);
		free(buf);
		return rc;
	default:
		/* libkcapi turns a failed send() into -1 or -EIO: take errno */
		errno = 0;
		rc = kcapi_md_digest(h, in, len, out, outlen);
		if (rc < 0 && errno)
			rc = -errno;
		return rc;
	}
}

/* ---- usage accounting (KVAULT_CMD_KEY_GET) ----------------------------- */

struct cu_usage {
	uint32_t transforms;		/* UINT32_MAX: not reported */
	uint32_t mirror_id;		/* 0: not reported */
	int kinds;			/* KVAULT_A_CONSUMER nests seen */
	uint64_t ops[KVAULT_CONSUMER_MAX + 1];
	uint64_t bytes[KVAULT_CONSUMER_MAX + 1];
};

/* GET the key @id; 0 with @u filled in, or -errno. */
static inline int cu_usage_get(key_serial_t id, struct cu_usage *u)
{
	char reply[8192];
	size_t rlen = sizeof(reply), off;
	struct genl_raw g;
	const char *nest;
	uint16_t plen;
	int rc;

	memset(u, 0, sizeof(*u));
	rc = genl_raw_open(&g);
	if (rc)
		return rc;
	rc = kn_get(&g, id, NULL, reply, &rlen);
	genl_raw_close(&g);
	if (rc)
		return rc;
	u->transforms = nla_u32(reply, rlen, KVAULT_A_KEY_TRANSFORMS, UINT32_MAX);
	u->mirror_id = nla_u32(reply, rlen, KVAULT_A_KEY_MIRROR_ID, 0);
	nest = attr_find(reply, rlen, KVAULT_A_KEY_CONSUMERS, &plen);
	if (!nest)
		return 0;
	for (off = 0; off + NLA_HDRLEN_SIZE <= plen;) {
		const struct nlattr *c = (const void *)(nest + off);
		size_t clen;
		uint32_t kind;

		if (c->nla_len < NLA_HDRLEN_SIZE || off + c->nla_len > plen)
			break;
		clen = c->nla_len - NLA_HDRLEN_SIZE;
		if ((c->nla_type & NLA_TYPE_MASK) == KVAULT_A_CONSUMER) {
			const char *p = (const char *)c + NLA_HDRLEN_SIZE;

			kind = nla_u32(p, clen, KVAULT_A_CONSUMER_KIND, 0);
			if (kind >= 1 && kind <= KVAULT_CONSUMER_MAX) {
				u->ops[kind] = nla_u64(p, clen, KVAULT_A_CONSUMER_OPS);
				u->bytes[kind] = nla_u64(p, clen, KVAULT_A_CONSUMER_BYTES);
				u->kinds++;
			}
		}
		off += nla_align_size(c->nla_len);
	}
	return 0;
}

/* The module is loaded and has the "kvault" template (a probe bind). */
static inline int cu_have_template(void)
{
	struct kcapi_handle *h;

	if (kcapi_cipher_init(&h, "kvault(cbc(aes))", 0))
		return 0;
	kcapi_cipher_destroy(h);
	return 1;
}

#endif
