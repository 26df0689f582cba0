// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A sealed blob's header, read in userspace (the format is in
 * <linux/kvault.h>, "Blob format"): for display and a first check only.
 * Nothing here is trusted: the kernel checks the tag after unsealing.
 * Pure functions: no handle, no kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define BLOB_MAGIC	"KVB1"
#define BLOB_TAG_LEN	32
/* magic, version, header length, alg, material length, usage, attrs, key
 * version, policy flags, bank, digest size, PCR mask */
#define BLOB_FIXED_LEN	(4 + 2 + 2 + 6 * 4 + 2 + 2 + 4)
#define ASN1_SEQUENCE	0x30

static const struct {
	uint16_t alg_id;
	unsigned int size;
} digest_sizes[] = {
	{ KVAULT_TPM_ALG_SHA1,		20 },
	{ KVAULT_TPM_ALG_SHA256,	32 },
	{ KVAULT_TPM_ALG_SHA384,	48 },
	{ KVAULT_TPM_ALG_SHA512,	64 },
	{ KVAULT_TPM_ALG_SM3_256,	32 },
	{ KVAULT_TPM_ALG_SHA3_256,	32 },
	{ KVAULT_TPM_ALG_SHA3_384,	48 },
	{ KVAULT_TPM_ALG_SHA3_512,	64 },
};

KVAULT_EXPORT unsigned int kvault_bank_digest_size(uint16_t alg_id)
{
	size_t i;

	for (i = 0; i < KVAULT_ARRAY_SIZE(digest_sizes); i++)
		if (digest_sizes[i].alg_id == alg_id)
			return digest_sizes[i].size;
	return 0;
}

/* A cursor over the blob: reads fail (and stay failed) past its end. */
struct rd {
	const uint8_t *p;
	size_t len, off;
	bool short_read;
};

static uint32_t rd_be(struct rd *r, unsigned int n)
{
	uint32_t v = 0;
	unsigned int i;

	if (r->short_read || r->len - r->off < n) {
		r->short_read = true;
		return 0;
	}
	for (i = 0; i < n; i++)
		v = (v << 8) | r->p[r->off + i];
	r->off += n;
	return v;
}

static uint16_t rd_u16(struct rd *r)
{
	return (uint16_t)rd_be(r, 2);
}

static uint32_t rd_u32(struct rd *r)
{
	return rd_be(r, 4);
}

/*
 * The TPMKey is one DER SEQUENCE filling exactly @len bytes: its tag and a
 * definite length, short or long form (at most 2 length bytes).
 */
static bool der_sequence_ok(const uint8_t *p, size_t len)
{
	size_t hdr, body;

	if (len < 2 || p[0] != ASN1_SEQUENCE)
		return false;
	if (p[1] < 0x80) {
		hdr = 2;
		body = p[1];
	} else if (p[1] == 0x81 && len >= 3) {
		hdr = 3;
		body = p[2];
	} else if (p[1] == 0x82 && len >= 4) {
		hdr = 4;
		body = (size_t)p[2] << 8 | p[3];
	} else {
		return false;
	}
	return hdr + body == len;
}

static int popcount32(uint32_t v)
{
	return __builtin_popcount(v);
}

KVAULT_EXPORT int kvault_blob_parse(const void *blob, size_t len,
				    struct kvault_blob_info *info)
{
	struct rd r = { .p = blob, .len = len };
	struct kvault_blob_info b;
	unsigned int i, ds;
	size_t values, total;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	if (!blob || len == 0)
		return -EINVAL;
	if (len > KVAULT_BLOB_MAX)
		return -E2BIG;
	memset(&b, 0, sizeof(b));
	/* a prefix of the magic is a truncated blob, anything else garbage */
	if (memcmp(blob, BLOB_MAGIC, len < 4 ? len : 4))
		return -EINVAL;
	if (len < 4)
		return -EBADMSG;
	r.off = 4;
	b.version = rd_u16(&r);
	b.header_len = rd_u16(&r);
	b.alg = rd_u32(&r);
	b.material_len = rd_u32(&r);
	b.usage = rd_u32(&r);
	b.attrs = rd_u32(&r);
	b.key_version = rd_u32(&r);
	b.policy_flags = rd_u32(&r);
	b.bank = rd_u16(&r);
	b.digest_size = rd_u16(&r);
	b.pcr_mask = rd_u32(&r);
	if (r.short_read)
		return len >= 6 && b.version != KVAULT_BLOB_VERSION ?
			-EOPNOTSUPP : -EBADMSG;
	if (b.version != KVAULT_BLOB_VERSION)
		return -EOPNOTSUPP;

	ds = kvault_bank_digest_size(b.bank);
	if (b.digest_size == 0 || b.digest_size > KVAULT_MAX_DIGEST_SIZE ||
	    (ds && ds != b.digest_size) ||
	    b.pcr_mask == 0 || (b.pcr_mask & ~(uint32_t)KVAULT_PCR_MASK_ALL) ||
	    (b.policy_flags & ~(uint32_t)KVAULT_SEAL_PIN) ||
	    (b.attrs & ~(uint32_t)(KVAULT_KEY_EXPORTABLE | KVAULT_KEY_IMPORTED)) ||
	    b.material_len == 0 || b.usage == 0 || b.key_version == 0)
		return -EINVAL;
	values = (size_t)b.digest_size * (size_t)popcount32(b.pcr_mask);
	/* the header: the fixed part and the values (as kmod/blob.c) */
	if (b.header_len != BLOB_FIXED_LEN + values)
		return -EINVAL;
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(b.pcr_mask & (1U << i)))
			continue;
		if (len - r.off < b.digest_size)
			return -EBADMSG;
		memcpy(b.expected[i], r.p + r.off, b.digest_size);
		r.off += b.digest_size;
	}
	b.tpmkey_len = rd_u16(&r);
	if (r.short_read)
		return -EBADMSG;
	b.tpmkey_off = (uint32_t)r.off;
	total = r.off + b.tpmkey_len + BLOB_TAG_LEN;
	if (b.tpmkey_len == 0 || total > KVAULT_BLOB_MAX)
		return -EINVAL;
	if (len != total) {
		/* truncated, or trailing bytes: say what it should be */
		info->total_len = (uint32_t)total;
		return -EBADMSG;
	}
	if (!der_sequence_ok(r.p + r.off, b.tpmkey_len))
		return -EINVAL;
	b.total_len = (uint32_t)total;
	*info = b;
	return 0;
}
