/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sealed blob's format as uapi/linux/kvault.h ("Sealing") documents it,
 * parsed independently of the module: the header, the TPMKey DER and, in
 * it, the TPM2B_PUBLIC (with its authPolicy) and TPM2B_PRIVATE, as offsets
 * into the blob. Shared by seal_test.c and bench/seal_bench.c.
 * Header-only, like key_util.h.
 */
#ifndef KVAULT_SEAL_UTIL_H
#define KVAULT_SEAL_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvault.h>

#define TAG_LEN		32
#define TPMKEY_OID	"\x06\x06\x67\x81\x05\x0a\x01\x05"	/* 2.23.133.10.1.5 */

struct blob {
	uint32_t len;
	uint8_t b[KVAULT_BLOB_MAX];
};

/* What parse_blob() found, as offsets into the blob. */
struct parsed {
	uint16_t version, hdr_len, bank, digest_size;
	uint32_t alg, mat_len, usage, attrs, key_version, policy_flags, mask;
	size_t values_off, nvalues;
	size_t tpmkey_off, tpmkey_len;
	size_t pub_off, pub_len, priv_off, priv_len;	/* TPM2B, size included */
	size_t authpol_off, authpol_len;
	size_t tag_off;
	uint32_t parent;
	int empty_auth;		/* -1: absent */
	char err[128];
};

/* Write @len bytes to @path; 0 or -1. */
static inline int write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	size_t n;

	if (!f)
		return -1;
	n = fwrite(p, 1, len, f);
	return (fclose(f) || n != len) ? -1 : 0;
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline int popcount(uint32_t v)
{
	return __builtin_popcount(v);
}

/* DER: tag and length at @p (within @end); returns the header size or 0. */
static inline size_t der_hdr(const uint8_t *p, const uint8_t *end,
			     uint8_t *tag, size_t *len)
{
	size_t n, i, l = 0;

	if (end - p < 2)
		return 0;
	*tag = p[0];
	if (p[1] < 0x80) {
		*len = p[1];
		n = 2;
	} else {
		n = p[1] & 0x7f;
		if (n < 1 || n > 2 || (size_t)(end - p) < 2 + n)
			return 0;
		for (i = 0; i < n; i++)
			l = l << 8 | p[2 + i];
		*len = l;
		n += 2;
	}
	if ((size_t)(end - p) - n < *len)
		return 0;
	return n;
}

static inline int parse_fail(struct parsed *p, const char *what)
{
	snprintf(p->err, sizeof(p->err), "%s", what);
	return -1;
}

static inline int parse_tpmkey(const uint8_t *b, struct parsed *p)
{
	const uint8_t *q = b + p->tpmkey_off, *end = q + p->tpmkey_len, *seq_end;
	uint8_t tag;
	size_t len, h, i;
	int octets = 0;

	h = der_hdr(q, end, &tag, &len);
	if (!h || tag != 0x30 || h + len != p->tpmkey_len)
		return parse_fail(p, "TPMKey is not one DER SEQUENCE");
	q += h;
	seq_end = q + len;
	if (seq_end - q < 8 || memcmp(q, TPMKEY_OID, 8))
		return parse_fail(p, "TPMKey type is not OID 2.23.133.10.1.5");
	q += 8;
	p->empty_auth = -1;
	while (q < seq_end) {
		h = der_hdr(q, seq_end, &tag, &len);
		if (!h)
			return parse_fail(p, "bad DER in TPMKey");
		if (tag == 0xa0) {	/* [0] EXPLICIT BOOLEAN emptyAuth */
			if (len != 3 || q[h] != 0x01 || q[h + 1] != 1)
				return parse_fail(p, "bad emptyAuth");
			p->empty_auth = q[h + 2] ? 1 : 0;
		} else if (tag == 0x02) {	/* parent INTEGER */
			if (len < 1 || len > 5)
				return parse_fail(p, "bad parent");
			p->parent = 0;
			for (i = 0; i < len; i++)
				p->parent = p->parent << 8 | q[h + i];
		} else if (tag == 0x04) {	/* pubkey, then privkey */
			if (octets == 0) {
				p->pub_off = (size_t)(q + h - b);
				p->pub_len = len;
			} else if (octets == 1) {
				p->priv_off = (size_t)(q + h - b);
				p->priv_len = len;
			}
			octets++;
		}
		q += h + len;
	}
	if (octets != 2)
		return parse_fail(p, "TPMKey lacks pubkey and privkey");
	/* TPM2B_PUBLIC: size, type, nameAlg, objectAttributes, authPolicy */
	if (p->pub_len < 12 || be16(b + p->pub_off) != p->pub_len - 2)
		return parse_fail(p, "pubkey is not a TPM2B_PUBLIC");
	if (be16(b + p->pub_off + 2) != 0x0008)	/* TPM_ALG_KEYEDHASH */
		return parse_fail(p, "sealed object is not a keyedhash");
	p->authpol_len = be16(b + p->pub_off + 10);
	p->authpol_off = p->pub_off + 12;
	if (p->authpol_off + p->authpol_len > p->pub_off + p->pub_len)
		return parse_fail(p, "authPolicy overruns the public area");
	if (p->priv_len < 2 || be16(b + p->priv_off) != p->priv_len - 2)
		return parse_fail(p, "privkey is not a TPM2B_PRIVATE");
	return 0;
}

/* Parse a blob as uapi/linux/kvault.h documents it; 0 or -1 (p->err). */
static inline int parse_blob(const uint8_t *b, size_t len, struct parsed *p)
{
	size_t off;

	memset(p, 0, sizeof(*p));
	if (len < 42 + 2 + TAG_LEN)
		return parse_fail(p, "shorter than a header");
	if (memcmp(b, "KVB1", 4))
		return parse_fail(p, "magic is not KVB1");
	p->version = be16(b + 4);
	p->hdr_len = be16(b + 6);
	p->alg = be32(b + 8);
	p->mat_len = be32(b + 12);
	p->usage = be32(b + 16);
	p->attrs = be32(b + 20);
	p->key_version = be32(b + 24);
	p->policy_flags = be32(b + 28);
	p->bank = be16(b + 32);
	p->digest_size = be16(b + 34);
	p->mask = be32(b + 36);
	p->values_off = 40;
	p->nvalues = (size_t)popcount(p->mask);
	off = 40 + p->nvalues * p->digest_size;
	if (off + 2 + TAG_LEN > len)
		return parse_fail(p, "PCR values overrun the blob");
	p->tpmkey_len = be16(b + off);
	p->tpmkey_off = off + 2;
	p->tag_off = p->tpmkey_off + p->tpmkey_len;
	if (p->tag_off + TAG_LEN != len)
		return parse_fail(p, "TPMKey length + tag is not the blob's end");
	return parse_tpmkey(b, p);
}

#endif
