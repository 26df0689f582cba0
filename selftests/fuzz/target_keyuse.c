// SPDX-License-Identifier: GPL-2.0
/*
 * Target "keys-use": using a key without reading it. keyctl's public-key
 * operations (KEYCTL_PKEY_QUERY, _ENCRYPT, _DECRYPT, _SIGN, _VERIFY) and
 * the logon mirror (KVAULT_IOC_KEY_PUBLISH, _UNPUBLISH) on the worker's own
 * "use keys", plus races of those with revoke and destroy of one key.
 *
 * The use keys ("fzu-w<tid>-<kind>-<gen>", one per kind of
 * algorithm/usage) live in the worker's thread keyring and only this
 * target changes them (rotate, disable, enable, set-min-version, revoke,
 * destroy: the "life" op), so the model knows each exactly: state,
 * versions, revocation, its mirror. A destroyed or revoked key is
 * replaced by a new generation on the next use; its stale ID stays for
 * stale-ID requests. genl's KEY_GET model reads them too (keyuse_find()).
 *
 * One thing happens behind the model's back: the keyring core collects a
 * revoked key key_gc_delay seconds (/proc/sys/kernel/keys/gc_delay, 300
 * by default) after its revocation (security/keys/gc.c), and its .destroy
 * takes it out of the vault. From then on keyctl finds no such key
 * (ENOKEY) and kvault's ID and name lookups none either (ENOENT), so for
 * a revoked key either answer is right at any time; once seen, the key is
 * gone for good (u_exec()). A live key is never collected.
 *
 * pkey oracle (uapi "Using a key"): the keyring core parses the info
 * string (EINVAL), looks the key up (EKEYREVOKED, ENOKEY), checks the
 * sizes against what query reports (EINVAL: the core's rule differs
 * between kernels, so a size that either rule refuses may give EINVAL);
 * kvault then refuses a bad encoding or hash (EINVAL), an algorithm
 * without the operation (EOPNOTSUPP), a usage the key lacks
 * (EKEYREJECTED), a short ciphertext (EINVAL), version 0 or a version
 * that is not live or a key that is not enabled (ENOKEY), and a failed
 * authentication (EBADMSG). A success must write no more than out_len
 * bytes, and decrypt(encrypt(x)) == x, verify(sign(x)) == 0; a mutated
 * ciphertext or signature that is accepted is a finding.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

#include "kvault_fuzz.h"

#define KP_SIZE		((uint32_t)sizeof(struct kvault_key_publish))
#define PK_DATA_MAX	KVAULT_PKEY_MAX_DATA
#define PK_BUF		(PK_DATA_MAX + 4096)
#define MAC_MAX		64

/* ---- the worker's use keys ------------------------------------------------ */

struct uk_kind {
	const char *payload;
	uint32_t alg, len, usage;
	const char *hash;	/* its "hash=", HMAC only */
	uint32_t mac;
};

static const struct uk_kind uk_kinds[KEYUSE_KINDS] = {
	{ "new aes-128 usage=encrypt,decrypt", KVAULT_ALG_AES_128, 16, 0x03, NULL, 0 },
	{ "new aes-256", KVAULT_ALG_AES_256, 32, 0x4f, NULL, 0 },
	{ "new aes-128 usage=encrypt,crypto-api", KVAULT_ALG_AES_128, 16, 0x41, NULL, 0 },
	{ "new hmac-sha256 usage=sign,verify", KVAULT_ALG_HMAC_SHA256, 32, 0x30, "sha256", 32 },
	{ "new hmac-sha384 usage=sign", KVAULT_ALG_HMAC_SHA384, 48, 0x10, "sha384", 48 },
	{ "new hmac-sha512", KVAULT_ALG_HMAC_SHA512, 64, 0x70, "sha512", 64 },
	{ "new aes-xts-256", KVAULT_ALG_AES_XTS_256, 32, 0x43, NULL, 0 },
	{ "new secret-32 usage=crypto-api", KVAULT_ALG_SECRET, 32, 0x40, NULL, 0 },
};

struct ukey {
	int32_t id;		/* 0: none yet (made on next use) */
	int32_t stale_id;	/* the last destroyed or revoked generation's */
	uint32_t gen;
	bool revoked;
	uint32_t state, version, min_version;
	int32_t mirror_id;	/* the live mirror, 0: none */
	uint32_t mirror_ver;
	/* a real output of this key (ciphertext or signature) and its input */
	uint32_t ct_len, pt_len;
	uint8_t ct[64 + KVAULT_CIPHERTEXT_OVERHEAD];
	uint8_t pt[64];
};

static __thread struct ukey uk[KEYUSE_KINDS];
static __thread uint32_t uk_race_gen;

static long kc(int op, unsigned long a, unsigned long b, unsigned long c,
	       unsigned long d)
{
	return syscall(SYS_keyctl, op, a, b, c, d);
}

static void uk_name(const struct worker *w, unsigned int k, uint32_t gen,
		    char *buf, size_t len)
{
	snprintf(buf, len, "fzu-w%u-%u-%u", w->tid, k, gen);
}

/* Kind @k's key, created if there is none: its ID or 0. */
static int32_t uk_key(struct worker *w, unsigned int k)
{
	struct ukey *u = &uk[k];
	char name[48];
	long id;

	if (w->role != ROLE_PRIV)
		return 0;
	if (u->id)
		return u->id;
	u->gen++;
	uk_name(w, k, u->gen, name, sizeof(name));
	id = syscall(SYS_add_key, KVAULT_KEY_TYPE, name, uk_kinds[k].payload,
		     strlen(uk_kinds[k].payload), KEY_SPEC_THREAD_KEYRING);
	if (id <= 0)
		return 0;
	u->id = (int32_t)id;
	u->revoked = false;
	u->state = KVAULT_KEY_STATE_ENABLED;
	u->version = u->min_version = 1;
	u->mirror_id = 0;
	u->mirror_ver = 0;
	u->ct_len = 0;
	return u->id;
}

bool keyuse_find(struct worker *w, int32_t id, const char *name,
		 struct keys_view *v, char *vname, size_t len)
{
	unsigned int k;
	char n[48];

	if (w->role != ROLE_PRIV)
		return false;
	for (k = 0; k < KEYUSE_KINDS; k++) {
		const struct ukey *u = &uk[k];

		uk_name(w, k, u->gen, n, sizeof(n));
		if (!u->gen || (id ? id != u->id && id != u->stale_id : strcmp(n, name)))
			continue;
		memset(v, 0, sizeof(*v));
		snprintf(vname, len, "%s", n);
		if (id && id == u->stale_id && id != u->id) {
			v->x = KX_DEAD;	/* destroyed or revoked: maybe collected */
			v->id = id;
			return true;
		}
		v->x = u->id ? KX_LIVE : KX_DEAD;
		v->id = u->id;
		v->alg = uk_kinds[k].alg;
		v->len = uk_kinds[k].len;
		v->usage = uk_kinds[k].usage;
		v->attrs = u->revoked ? KVAULT_KEY_REVOKED : 0;
		v->state = u->state;
		v->version = u->version;
		v->min_version = u->min_version;
		v->revoked = u->revoked;
		v->mirror_id = u->mirror_id;
		v->quiet = v->x == KX_LIVE;
		return true;
	}
	return false;
}

int32_t keyuse_id(struct worker *w, unsigned int k, bool stale, char *name,
		  size_t len)
{
	const struct ukey *u = &uk[k % KEYUSE_KINDS];

	uk_name(w, k % KEYUSE_KINDS, u->gen, name, len);
	return stale ? u->stale_id : u->id;
}

/* The key is gone for good: its next use makes a new generation. */
static void uk_gone(struct ukey *u)
{
	u->stale_id = u->id;
	u->id = 0;
	u->mirror_id = 0;
}

/* Is a mirror key alive? (a live logon key can be described) */
static int mirror_describe(int32_t mid, char *buf, size_t len)
{
	long n = kc(KEYCTL_DESCRIBE, (unsigned long)mid, (unsigned long)buf, len, 0);

	if (n < 0)
		return -errno;
	buf[len - 1] = '\0';
	return 0;
}

/* ---- input ------------------------------------------------------------------- */

enum { U_QUERY, U_ENC, U_DEC, U_SIGN, U_VERIFY, U_PUBLISH, U_UNPUBLISH,
       U_LIFE, U_RACE, U_NR };
static const char *const u_names[U_NR] = {
	"PKEY_QUERY", "PKEY_ENCRYPT", "PKEY_DECRYPT", "PKEY_SIGN", "PKEY_VERIFY",
	"KEY_PUBLISH", "KEY_UNPUBLISH", "life", "race",
};
static const enum fuzz_cmd u_fc[U_NR] = {
	FC_PKEY_QUERY, FC_PKEY_ENCRYPT, FC_PKEY_DECRYPT, FC_PKEY_SIGN,
	FC_PKEY_VERIFY, FC_KEY_PUBLISH, FC_KEY_UNPUBLISH, FC_KEYUSE_LIFE,
	FC_KEYUSE_RACE,
};

enum { L_ROTATE, L_DISABLE, L_ENABLE, L_SET_MIN, L_REVOKE, L_DESTROY, L_NR };

/* How an input departs from a valid request. */
enum { M_NONE, M_INFO_CORE, M_INFO_KVAULT, M_SIZES, M_SHORT_OUT, M_CT, M_VERSION,
       M_STALE, M_BADID, M_NR };

#define INFO_MAX 96

struct u_in {
	uint8_t op, kind, mut, sub;
	uint8_t by_id;		/* publish: by ID (1) or name (0) */
	uint8_t ct_mut;		/* M_CT: how the ciphertext/signature is changed */
	uint32_t in_len, out_len, data_len;
	uint32_t mut_at, mut_val, ver;
	int32_t bad_id;
	char info[INFO_MAX];
	uint8_t info_null;
	/* publish */
	uint32_t blen;
	struct loc loc;
	uint8_t bytes[4096 + 64];
	char mut_s[80];
	uint32_t race_delay_us;
};

struct u_out {
	int rc;
	struct expect ex;
	bool indeterminate;
	char bad[240];
	long ret;		/* pkey: bytes written */
	int32_t id;
	int collected;		/* the answer that says revoked key @id was collected */
	/* race */
	unsigned int race_ops, race_bad;
	char race_what[160];
};

static const char *const core_bad_info[] = {
	"foo", "enc=", "hash=", "enc=raw enc=raw", "hash=sha256 hash=sha256",
	"=raw", "enc", "raw", "enc=raw,hash=sha256", "enc=raw\nhash=sha256",
};

static void gen_info(struct rng *r, const struct uk_kind *kd, struct u_in *in)
{
	static const char *const hashes[] = { "sha1", "sha256", "sha384", "sha512", "md5", "sha256x" };
	const char *h = hashes[rng_below(r, 6)];

	in->info[0] = '\0';
	if (in->mut == M_INFO_CORE) {
		unsigned int p = rng_below(r, 100);

		if (p < 10) {
			in->info_null = 1;
		} else if (p < 60) {
			snprintf(in->info, sizeof(in->info), "%s",
				 core_bad_info[rng_below(r, sizeof(core_bad_info) / sizeof(core_bad_info[0]))]);
		} else {	/* random printable words */
			size_t n = rng_range(r, 1, INFO_MAX - 1), i;

			for (i = 0; i < n; i++)
				in->info[i] = (char)rng_range(r, 0x20, 0x7e);
			in->info[n] = '\0';
		}
		return;
	}
	if (in->mut == M_INFO_KVAULT) {	/* the core takes it, kvault must not */
		switch (rng_below(r, 3)) {
		case 0:
			snprintf(in->info, sizeof(in->info), "enc=%s",
				 rng_pct(r, 50) ? "pkcs1" : "oaep");
			break;
		case 1:
			if (kd->hash && !strcmp(h, kd->hash))
				h = "md5";
			snprintf(in->info, sizeof(in->info), "hash=%s", h);
			break;
		default:
			snprintf(in->info, sizeof(in->info), "enc=RAW%s", kd->hash ? " hash=sha256" : "");
			break;
		}
		return;
	}
	switch (rng_below(r, 5)) {
	case 0:
		break;
	case 1:
		snprintf(in->info, sizeof(in->info), "enc=raw");
		break;
	case 2:
		snprintf(in->info, sizeof(in->info), " \tenc=raw  ");
		break;
	default:
		if (kd->hash)
			snprintf(in->info, sizeof(in->info), "%shash=%s",
				 rng_pct(r, 50) ? "enc=raw " : "", kd->hash);
		break;
	}
}

static void gen_publish(struct worker *w, struct rng *r, struct u_in *in)
{
	struct kvault_key_publish p;

	(void)w;
	if (rng_pct(r, 40)) {
		in->blen = gen_ext_struct(r, in->bytes, &in->loc, KP_SIZE,
					  KVAULT_KEY_PUBLISH_SIZE_VER0);
		bprintf(in->mut_s, sizeof(in->mut_s), strlen(in->mut_s), " struct");
	} else {
		uint32_t ks = KP_SIZE;

		memcpy(in->bytes, &ks, 4);
		in->blen = KP_SIZE;
		loc_gen(r, &in->loc, KP_SIZE, 95);
	}
	memcpy(&p, in->bytes, sizeof(p));
	in->by_id = rng_pct(r, 50);
	if (rng_pct(r, 35)) {
		switch (rng_below(r, 8)) {
		case 0:
			p.flags = 1U << rng_below(r, 32);
			break;
		case 1:
			p.mirror_id = (int32_t)(rng_u32(r) | 1);
			break;
		case 2:
			p.version = rng_u32(r) | 1;
			break;
		case 3:
			p.reserved0 = rng_u32(r) | 1;
			break;
		case 4:
			p.reserved[rng_below(r, 4)] = rng_next(r) | 1;
			break;
		case 5:	/* both: the ID goes in at run time, the name now */
			in->by_id = 2;
			break;
		case 6:	/* neither */
			in->by_id = 3;
			break;
		default:	/* a name field with junk after the NUL */
			in->by_id = 4;
			break;
		}
		bprintf(in->mut_s, sizeof(in->mut_s), strlen(in->mut_s), " field%u", in->by_id);
	}
	memcpy(in->bytes, &p, sizeof(p));
}

static void u_gen(struct worker *w, struct rng *r, void *vin)
{
	static const unsigned int ow[U_NR] = { 10, 22, 22, 14, 14, 12, 6, 6, 2 };
	struct u_in *in = vin;
	const struct uk_kind *kd;

	in->op = (uint8_t)rng_weighted(r, ow, U_NR);
	in->kind = (uint8_t)rng_below(r, KEYUSE_KINDS);
	/* aim encrypt/decrypt mostly at AES keys and sign/verify at HMAC ones */
	if ((in->op == U_ENC || in->op == U_DEC) && rng_pct(r, 75))
		in->kind = (uint8_t)rng_below(r, 3);
	else if ((in->op == U_SIGN || in->op == U_VERIFY) && rng_pct(r, 75))
		in->kind = (uint8_t)rng_range(r, 3, 5);
	kd = &uk_kinds[in->kind];
	in->sub = (uint8_t)rng_below(r, L_NR);
	in->race_delay_us = rng_below(r, 3000);
	in->mut = M_NONE;
	if (in->op <= U_VERIFY && rng_pct(r, 45)) {
		static const unsigned int mw[M_NR] = { 0, 12, 10, 14, 6, 18, 8, 6, 4 };

		in->mut = (uint8_t)rng_weighted(r, mw, M_NR);
	} else if ((in->op == U_PUBLISH || in->op == U_UNPUBLISH) && rng_pct(r, 12)) {
		in->mut = rng_pct(r, 50) ? M_STALE : M_BADID;
	}
	gen_info(r, kd, in);
	in->data_len = rng_pct(r, 70) ? rng_range(r, 0, 64) :
		       rng_pct(r, 70) ? rng_range(r, 65, 4096) : rng_range(r, 4096, PK_DATA_MAX);
	if (in->mut == M_SIZES || in->mut == M_SHORT_OUT) {
		static const uint32_t odd[] = { 0, 1, 3, 4, 31, 32, 33, 36, 52, 68,
			PK_DATA_MAX - 1, PK_DATA_MAX, PK_DATA_MAX + 1,
			PK_DATA_MAX + KVAULT_CIPHERTEXT_OVERHEAD,
			PK_DATA_MAX + KVAULT_CIPHERTEXT_OVERHEAD + 1, PK_DATA_MAX + 4096,
			0x7fffffffU, 0xffffffffU };
		uint32_t n = (uint32_t)(sizeof(odd) / sizeof(odd[0]));

		in->in_len = rng_pct(r, 50) ? odd[rng_below(r, n)] : 0xffffffffU;
		in->out_len = rng_pct(r, 50) ? odd[rng_below(r, n)] : 0xffffffffU;
		if (in->mut == M_SHORT_OUT) {	/* a valid input, too small an output */
			in->in_len = 0xffffffffU;
			in->out_len = rng_below(r, 40);
		}
	}
	in->ct_mut = (uint8_t)rng_below(r, 6);
	in->mut_at = rng_u32(r);
	in->mut_val = rng_range(r, 1, 255);
	in->ver = rng_pct(r, 40) ? 0 : rng_pct(r, 50) ? rng_range(r, 1, 4) : rng_u32(r);
	in->bad_id = (int32_t)(rng_u32(r) >> 1) | 1;
	if (in->op == U_PUBLISH || in->op == U_UNPUBLISH)
		gen_publish(w, r, in);
}

static void u_describe(struct worker *w, const void *vin, char *buf, size_t len,
		       bool verbose)
{
	const struct u_in *in = vin;
	size_t off;

	(void)w;
	off = bprintf(buf, len, 0, "keys-use %s kind %u (%s) mut %u sub %u in_len %#x out_len %#x data %u info%s\"%s\" ct_mut %u at %u ver %u%s",
		      u_names[in->op % U_NR], in->kind, uk_kinds[in->kind % KEYUSE_KINDS].payload,
		      in->mut, in->sub, in->in_len, in->out_len, in->data_len,
		      in->info_null ? "=NULL " : "=", in->info, in->ct_mut, in->mut_at,
		      in->ver, in->mut_s);
	if (verbose && (in->op == U_PUBLISH || in->op == U_UNPUBLISH)) {
		off = bprintf(buf, len, off, "\n  struct at %s+%u, %u bytes:",
			      loc_name(in->loc.kind), in->loc.off, in->blen);
		hexdump(buf, len, off, in->bytes, in->blen, 512);
	}
}

/*
 * A key revoked before this op may have been collected by now (see the
 * top): @collected (ENOKEY from keyctl, ENOENT from kvault's lookups) is
 * then right too, and says it was.
 */
static void allow_collected(bool revoked, int collected, struct u_out *o)
{
	if (!revoked)
		return;
	expect_add(&o->ex, collected);
	o->collected = collected;
}

/* ---- pkey ----------------------------------------------------------------- */

/* The keyring core's parse of the info string: 0, or EINVAL/EFAULT. */
static int info_parse(const struct u_in *in, char *enc, char *hash, size_t len)
{
	char buf[INFO_MAX], *c = buf, *p;
	bool seen_e = false, seen_h = false;

	if (in->info_null)
		return -EFAULT;
	snprintf(enc, len, "raw");
	hash[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", in->info);
	while ((p = strsep(&c, " \t"))) {
		bool *seen;
		char *dst;

		if (!*p)
			continue;
		if (!strncmp(p, "enc=", 4)) {
			seen = &seen_e;
			dst = enc;
		} else if (!strncmp(p, "hash=", 5)) {
			seen = &seen_h;
			dst = hash;
		} else {
			return -EINVAL;
		}
		if (*seen || !p[dst == enc ? 4 : 5])
			return -EINVAL;
		*seen = true;
		snprintf(dst, len, "%s", p + (dst == enc ? 4 : 5));
	}
	return 0;
}

static bool has_ops(const struct uk_kind *kd)
{
	return kd->alg == KVAULT_ALG_AES_128 || kd->alg == KVAULT_ALG_AES_256 || kd->mac;
}

struct pk_call {
	int op;			/* KEYCTL_PKEY_* */
	int32_t id;
	const char *info;
	uint32_t in_len, out_len;
	const uint8_t *in, *in2;
	uint8_t *out;
};

static long pk_do(const struct pk_call *c)
{
	struct keyctl_pkey_params p;
	long rc;

	memset(&p, 0, sizeof(p));
	p.key_id = c->id;
	p.in_len = c->in_len;
	p.out_len = c->out_len;
	if (c->op == KEYCTL_PKEY_VERIFY)
		rc = kc(c->op, (unsigned long)&p, (unsigned long)c->info,
			(unsigned long)c->in, (unsigned long)c->in2);
	else
		rc = kc(c->op, (unsigned long)&p, (unsigned long)c->info,
			(unsigned long)c->in, (unsigned long)c->out);
	return rc < 0 ? -errno : rc;
}

static int pk_query(int32_t id, const char *info, struct keyctl_pkey_query *q)
{
	memset(q, 0, sizeof(*q));
	return kc(KEYCTL_PKEY_QUERY, (unsigned long)id, 0, (unsigned long)info,
		  (unsigned long)q) < 0 ? -errno : 0;
}

static __thread uint8_t *pk_inbuf, *pk_outbuf;

static void pk_bufs(void)
{
	if (!pk_inbuf) {
		pk_inbuf = malloc(PK_BUF);
		pk_outbuf = malloc(PK_BUF);
		if (!pk_inbuf || !pk_outbuf)
			abort();
	}
}

/* The KEYCTL_PKEY_* number of an op. */
static int pk_op(unsigned int op)
{
	static const int n[] = { KEYCTL_PKEY_QUERY, KEYCTL_PKEY_ENCRYPT, KEYCTL_PKEY_DECRYPT,
				 KEYCTL_PKEY_SIGN, KEYCTL_PKEY_VERIFY };

	return n[op];
}

/*
 * Does either keyring core rule refuse these sizes? Older kernels check
 * encrypt in<=max_dec, out<=max_enc; decrypt in<=max_enc, out<=max_dec;
 * sign and verify in<=max_data, out<=max_sig. Newer ones check encrypt and
 * decrypt in<=max_enc, out<=max_dec, sign and verify in<=max_sig,
 * out<=max_data.
 */
static void core_sizes(unsigned int op, const struct keyctl_pkey_query *q,
		       uint32_t in, uint32_t out, bool *old_ok, bool *new_ok)
{
	if (op == U_ENC) {
		*old_ok = in <= q->max_dec_size && out <= q->max_enc_size;
		*new_ok = in <= q->max_enc_size && out <= q->max_dec_size;
	} else if (op == U_DEC) {
		*old_ok = in <= q->max_enc_size && out <= q->max_dec_size;
		*new_ok = *old_ok;
	} else {
		*old_ok = in <= q->max_data_size && out <= q->max_sig_size;
		*new_ok = in <= q->max_sig_size && out <= q->max_data_size;
	}
}

/* Mutate a ciphertext/signature (or its data) so that it must not pass. */
static void ct_mutate(const struct u_in *in, uint8_t *ct, uint32_t *len,
		      uint8_t *data, uint32_t dlen)
{
	switch (in->ct_mut) {
	case 0:	/* flip a byte anywhere past the version */
	case 1:
		if (*len > 4)
			ct[4 + in->mut_at % (*len - 4)] ^= (uint8_t)in->mut_val;
		break;
	case 2:	/* cut */
		if (*len)
			*len = in->mut_at % *len;
		break;
	case 3:	/* extend */
		ct[*len] = (uint8_t)in->mut_val;
		*len += 1 + in->mut_at % 4;
		break;
	case 4:	/* change the data (verify) or a tag byte (decrypt) */
		if (dlen)
			data[in->mut_at % dlen] ^= (uint8_t)in->mut_val;
		else if (*len)
			ct[*len - 1] ^= (uint8_t)in->mut_val;
		break;
	default:	/* another version number */
		{
			uint32_t v = in->ver ? in->ver : 2;
			uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
					  (uint8_t)(v >> 8), (uint8_t)v };

			if (!memcmp(ct, be, 4))
				be[3] ^= 1;
			memcpy(ct, be, 4);
		}
		break;
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Keep a real output of key @u (a ciphertext of, or a signature over,
 * @len bytes of @data) to decrypt or verify, mutated or not, later.
 */
static void make_real(struct ukey *u, int32_t id, int op, const uint8_t *data,
		      uint32_t len, uint32_t out_len)
{
	struct pk_call c = {
		.op = op, .id = id, .info = "", .in = data, .in_len = len,
		.out_len = out_len, .out = pk_outbuf,
	};
	long n;

	if (u->state != KVAULT_KEY_STATE_ENABLED || u->revoked)
		return;
	n = pk_do(&c);
	if (n <= 0 || (size_t)n > sizeof(u->ct) || n > (long)out_len)
		return;
	memcpy(u->ct, pk_outbuf, (size_t)n);
	u->ct_len = (uint32_t)n;
	memcpy(u->pt, data, len);
	u->pt_len = len;
}

/* Fill @o->ex with what a pkey op on live key @u must give (up to the crypto). */
static void pk_predict(const struct u_in *in, const struct ukey *u,
		       const struct uk_kind *kd, int parse, const char *enc,
		       const char *hash, bool sizes_bad, uint32_t ver,
		       uint32_t in_len, uint32_t out_len, struct expect *e)
{
	unsigned int op = in->op;
	uint32_t need = op == U_ENC ? KVAULT_USAGE_ENCRYPT : op == U_DEC ? KVAULT_USAGE_DECRYPT :
			op == U_SIGN ? KVAULT_USAGE_SIGN : KVAULT_USAGE_VERIFY;
	bool aes = kd->alg == KVAULT_ALG_AES_128 || kd->alg == KVAULT_ALG_AES_256;
	int rc;

	if (parse) {
		expect_set(e, parse, ST_NONE);
		return;
	}
	if (u->revoked) {
		expect_set(e, -EKEYREVOKED, ST_NONE);
		return;
	}
	if (!has_ops(kd)) {
		expect_set(e, -EOPNOTSUPP, ST_NONE);
		return;
	}
	if (strcmp(enc, "raw") || (hash[0] && (!kd->hash || strcmp(hash, kd->hash)))) {
		expect_set(e, -EINVAL, ST_NONE);
		return;
	}
	expect_set(e, -EINVAL, ST_HANDLER);
	e->n = 0;
	if (op == U_QUERY) {
		expect_add(e, 0);
		return;
	}
	if (sizes_bad)
		expect_add(e, -EINVAL);
	rc = 0;
	if (aes != (op == U_ENC || op == U_DEC))
		rc = -EOPNOTSUPP;
	else if (!(kd->usage & need))
		rc = -EKEYREJECTED;
	else if (op == U_DEC ? in_len < KVAULT_CIPHERTEXT_OVERHEAD ||
				  in_len > PK_DATA_MAX + KVAULT_CIPHERTEXT_OVERHEAD :
		 op != U_VERIFY && in_len > PK_DATA_MAX)
		rc = -EINVAL;	/* kvault's own input limits */
	if (!rc) {
		uint32_t res = op == U_ENC ? in_len + KVAULT_CIPHERTEXT_OVERHEAD :
			       op == U_DEC ? in_len - KVAULT_CIPHERTEXT_OVERHEAD : 4 + kd->mac;

		/*
		 * Cores that pass out_len and in2_len through: EMSGSIZE for an
		 * out_len below the result, EBADMSG for a signature of another
		 * length. Newer ones hand kvault the query's maximum (uapi).
		 */
		if (op != U_VERIFY && res > out_len)
			expect_add(e, -EMSGSIZE);
		if (op == U_VERIFY && out_len != 4 + kd->mac)
			expect_add(e, -EBADMSG);
		if ((op == U_DEC || op == U_VERIFY) && !ver)
			rc = -ENOKEY;
		else if (u->state != KVAULT_KEY_STATE_ENABLED)
			rc = -ENOKEY;
		else if ((op == U_DEC || op == U_VERIFY) &&
			 (ver < u->min_version || ver > u->version))
			rc = -ENOKEY;
	}
	expect_add(e, rc);
	e->stage = rc == 0 || rc == -ENOKEY ? ST_HANDLER : ST_NONE;
}

/*
 * A stale generation or no key: ENOKEY once collected; before that
 * revoked (EKEYREVOKED), or unlinked by its destruction and so no longer
 * possessed through the thread keyring (EACCES: no search permission).
 */
static void stale_expect(int parse, struct expect *e)
{
	expect_set(e, parse ? parse : -ENOKEY, ST_NONE);
	if (parse)
		return;
	expect_add(e, -EKEYREVOKED);
	expect_add(e, -EACCES);
}

static void u_pkey(struct worker *w, struct u_in *in, struct u_out *o)
{
	const struct uk_kind *kd = &uk_kinds[in->kind];
	struct ukey *u = &uk[in->kind];
	struct keyctl_pkey_query q, vq;
	char enc[INFO_MAX], hash[INFO_MAX];
	uint8_t data[64], work[64 + KVAULT_CIPHERTEXT_OVERHEAD + 8];
	struct pk_call c;
	uint32_t in_len, out_len, ver = 0, dlen;
	bool old_ok, new_ok, valid_ct = false, mutated = false;
	int parse;
	size_t i;

	pk_bufs();
	memset(work, 0, sizeof(work));
	o->id = uk_key(w, in->kind);
	if (!o->id) {
		expect_set(&o->ex, 1, ST_NONE);
		o->indeterminate = true;
		snprintf(o->bad, sizeof(o->bad), "could not create the use key");
		return;
	}
	parse = info_parse(in, enc, hash, sizeof(enc));
	memset(&c, 0, sizeof(c));
	c.op = pk_op(in->op);
	c.id = in->mut == M_STALE && u->stale_id ? u->stale_id :
	       in->mut == M_BADID ? in->bad_id : o->id;
	c.info = in->info_null ? NULL : in->info;

	/* the sizes a correct caller uses, from query with a clean info string */
	if (pk_query(o->id, kd->hash ? "" : "enc=raw", &vq) && has_ops(kd) && !u->revoked) {
		snprintf(o->bad, sizeof(o->bad), "query of a live key failed");
		expect_set(&o->ex, 0, ST_NONE);
		o->rc = 1;
		return;
	}
	if (in->op == U_QUERY) {
		long rc = kc(KEYCTL_PKEY_QUERY, (unsigned long)c.id, in->mut == M_SIZES ? 1 : 0,
			     (unsigned long)c.info, (unsigned long)&q);

		o->rc = rc < 0 ? -errno : 0;
		if (c.id != o->id) {
			stale_expect(parse, &o->ex);
			return;
		}
		if (in->mut == M_SIZES) {	/* the reserved argument */
			expect_set(&o->ex, -EINVAL, ST_NONE);
			return;
		}
		pk_predict(in, u, kd, parse, enc, hash, false, 0, 0, 0, &o->ex);
		if (!parse)
			allow_collected(u->revoked, -ENOKEY, o);
		if (o->rc == 0) {
			uint32_t ops = 0;

			if (kd->mac)
				ops = (kd->usage & KVAULT_USAGE_SIGN ? KEYCTL_SUPPORTS_SIGN : 0) |
				      (kd->usage & KVAULT_USAGE_VERIFY ? KEYCTL_SUPPORTS_VERIFY : 0);
			else
				ops = (kd->usage & KVAULT_USAGE_ENCRYPT ? KEYCTL_SUPPORTS_ENCRYPT : 0) |
				      (kd->usage & KVAULT_USAGE_DECRYPT ? KEYCTL_SUPPORTS_DECRYPT : 0);
			if (q.supported_ops != ops || q.key_size != kd->len * 8 ||
			    (kd->mac ? q.max_data_size != PK_DATA_MAX || q.max_sig_size != 4 + kd->mac ||
				       q.max_enc_size || q.max_dec_size :
				       q.max_enc_size != PK_DATA_MAX + KVAULT_CIPHERTEXT_OVERHEAD ||
				       (q.max_dec_size != PK_DATA_MAX &&
					q.max_dec_size != q.max_enc_size) ||
				       q.max_data_size || q.max_sig_size))
				snprintf(o->bad, sizeof(o->bad),
					 "query: ops %#x key_size %u data %u sig %u enc %u dec %u (want ops %#x)",
					 q.supported_ops, q.key_size, q.max_data_size, q.max_sig_size,
					 q.max_enc_size, q.max_dec_size, ops);
		}
		return;
	}

	/* the input (the whole buffer set: past in_len too, for replays) */
	memset(pk_inbuf, 0x5a, PK_BUF);
	dlen = in->data_len;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(in->mut_at + i * 7);
	if (in->op == U_ENC || in->op == U_SIGN) {
		in_len = dlen;
		memcpy(pk_inbuf, data, dlen < sizeof(data) ? dlen : sizeof(data));
		out_len = in->op == U_ENC ? dlen + KVAULT_CIPHERTEXT_OVERHEAD : 4 + kd->mac;
		if (in->op == U_ENC && vq.max_enc_size)
			out_len = vq.max_enc_size;
	} else if (in->op == U_DEC) {
		/* a real ciphertext of this key, maybe mutated */
		if (!u->ct_len && (kd->usage & KVAULT_USAGE_ENCRYPT) && !kd->mac && has_ops(kd))
			make_real(u, o->id, KEYCTL_PKEY_ENCRYPT, data, 48, vq.max_enc_size);
		in_len = u->ct_len;
		memcpy(work, u->ct, u->ct_len);
		valid_ct = u->ct_len > 0;
		if (!u->ct_len) {	/* no real one: random bytes */
			in_len = in->mut_at % 80;
			for (i = 0; i < in_len; i++)
				work[i] = (uint8_t)(in->mut_val + i);
		}
		if (in->mut == M_CT) {
			ct_mutate(in, work, &in_len, NULL, 0);
			mutated = true;
		} else if (in->mut == M_VERSION && in_len >= 4) {
			put_be32(work, in->ver);
			mutated = true;
		}
		memcpy(pk_inbuf, work, in_len);
		ver = in_len >= 4 ? be32(work) : 0;
		out_len = vq.max_dec_size ? vq.max_dec_size : PK_DATA_MAX;
	} else {	/* verify: a real signature of this key over u->pt */
		if (!u->ct_len && (kd->usage & KVAULT_USAGE_SIGN) && kd->mac)
			make_real(u, o->id, KEYCTL_PKEY_SIGN, data, 40, 4 + kd->mac);
		memcpy(work, u->ct, u->ct_len);
		out_len = u->ct_len ? u->ct_len : 4 + (kd->mac ? kd->mac : 32);
		if (!u->ct_len)
			for (i = 0; i < out_len; i++)
				work[i] = (uint8_t)(in->mut_val + i);
		valid_ct = u->ct_len > 0;
		memcpy(data, u->pt, u->pt_len);
		in_len = u->ct_len ? u->pt_len : 40;
		if (in->mut == M_CT) {
			uint32_t sl = out_len;

			ct_mutate(in, work, &sl, data, in->ct_mut == 4 ? in_len : 0);
			out_len = sl;
			mutated = true;
		} else if (in->mut == M_VERSION && out_len >= 4) {
			put_be32(work, in->ver);
			mutated = true;
		}
		memcpy(pk_inbuf, data, in_len);
		ver = out_len >= 4 ? be32(work) : 0;
	}
	if (in->in_len != 0xffffffffU && in->mut == M_SIZES && in_len != in->in_len) {
		/* a ciphertext cut or extended, data that is not what was signed */
		mutated = true;
		in_len = in->in_len;
	}
	if (in->out_len != 0xffffffffU && (in->mut == M_SIZES || in->mut == M_SHORT_OUT))
		out_len = in->out_len;
	/* in_len beyond the buffer: the kernel may fault (EFAULT) first */
	c.in_len = in_len;
	c.out_len = out_len;
	c.in = pk_inbuf;
	c.out = pk_outbuf;
	c.in2 = work;
	memset(pk_outbuf, 0, PK_BUF);

	core_sizes(in->op, &vq, in_len, out_len, &old_ok, &new_ok);
	if (c.id != o->id) {
		o->ret = pk_do(&c);
		o->rc = o->ret < 0 ? (int)o->ret : 0;
		stale_expect(parse, &o->ex);
		return;
	}
	if (in->op == U_VERIFY && out_len < sizeof(work))	/* nothing of it past in2_len */
		memset(work + out_len, 0, sizeof(work) - out_len);
	pk_predict(in, u, kd, parse, enc, hash, !old_ok || !new_ok, ver, in_len, out_len,
		   &o->ex);
	if (!parse)
		allow_collected(u->revoked, -ENOKEY, o);
	if (in->op == U_VERIFY && expect_has(&o->ex, 0) && (mutated || !valid_ct)) {
		/* the signature or data changed: only the crypto can refuse it */
		o->ex.v[o->ex.n - 1] = -EBADMSG;
		if (valid_ct && in->mut == M_VERSION && in->ver == be32(u->ct))
			expect_add(&o->ex, 0);	/* the same version again: still valid */
	}
	/*
	 * A signature shorter than the version and MAC: kvault does not check
	 * its length (uapi: "exactly max_sig_size bytes", no errno named), so
	 * whatever lies past it decides; refused it must be.
	 */
	if (in->op == U_VERIFY && out_len < 4 + kd->mac && kd->mac) {
		expect_add(&o->ex, -EBADMSG);
		expect_add(&o->ex, -ENOKEY);
		expect_add(&o->ex, -EINVAL);
	}
	if (in->op == U_DEC && expect_has(&o->ex, 0) && (mutated || !valid_ct)) {
		o->ex.v[o->ex.n - 1] = -EBADMSG;
		if (in->mut == M_VERSION && in->ver == be32(u->ct))
			expect_add(&o->ex, 0);
	}
	if (in_len > PK_BUF)
		expect_add(&o->ex, -EFAULT);
	if (in->op == U_DEC && in_len < KVAULT_CIPHERTEXT_OVERHEAD && expect_has(&o->ex, -EBADMSG))
		expect_add(&o->ex, -EINVAL);

	o->ret = pk_do(&c);
	o->rc = o->ret < 0 ? (int)o->ret : 0;
	if (o->ret <= 0)
		return;
	/* a success: how much it wrote, and what */
	/*
	 * Newer keyring cores hand kvault a buffer of the query's maximum and
	 * copy the whole result back whatever out_len says (uapi "Sizes"): a
	 * result above out_len is theirs, one above that maximum overflowed it.
	 */
	if ((uint64_t)o->ret > (in->op == U_SIGN ? vq.max_sig_size :
				vq.max_enc_size > vq.max_dec_size ? vq.max_enc_size : vq.max_dec_size)) {
		snprintf(o->bad, sizeof(o->bad),
			 "returned %ld bytes, more than query's maximum: the kernel wrote past its buffer",
			 o->ret);
		return;
	}
	if (leak_scan(pk_outbuf, (size_t)o->ret, &i)) {
		snprintf(o->bad, sizeof(o->bad), "key material pattern in the output at %zu", i);
		return;
	}
	if (in->op == U_ENC) {
		uint8_t *ct = malloc((size_t)o->ret);
		long n;

		if (o->ret != (long)in_len + KVAULT_CIPHERTEXT_OVERHEAD ||
		    be32(pk_outbuf) != u->version) {
			snprintf(o->bad, sizeof(o->bad), "encrypt gave %ld bytes, version %u (key at %u)",
				 o->ret, be32(pk_outbuf), u->version);
			free(ct);
			return;
		}
		if (!ct)
			return;
		memcpy(ct, pk_outbuf, (size_t)o->ret);
		if (o->ret <= (long)sizeof(u->ct) && (size_t)in_len <= sizeof(u->pt)) {
			memcpy(u->ct, ct, (size_t)o->ret);
			u->ct_len = (uint32_t)o->ret;
			memcpy(u->pt, pk_inbuf, in_len);
			u->pt_len = in_len;
		}
		if (kd->usage & KVAULT_USAGE_DECRYPT) {	/* the round trip */
			memset(&c, 0, sizeof(c));
			c.op = KEYCTL_PKEY_DECRYPT;
			c.id = o->id;
			c.info = "";
			c.in = ct;
			c.in_len = (uint32_t)o->ret;
			c.out_len = vq.max_dec_size;
			c.out = pk_outbuf;
			n = pk_do(&c);
			if (n != (long)in_len || memcmp(pk_outbuf, pk_inbuf, in_len))
				snprintf(o->bad, sizeof(o->bad),
					 "decrypt(encrypt(%u bytes)) gave %s%ld bytes%s", in_len,
					 n < 0 ? "error " : "", n < 0 ? -n : n,
					 n == (long)in_len ? " that differ" : "");
		}
		free(ct);
	} else if (in->op == U_DEC) {
		if (mutated && !(in->mut == M_VERSION && in->ver == be32(u->ct)))
			snprintf(o->bad, sizeof(o->bad), "a mutated ciphertext decrypted (%ld bytes)", o->ret);
		else if (o->ret != (long)u->pt_len || memcmp(pk_outbuf, u->pt, u->pt_len))
			snprintf(o->bad, sizeof(o->bad), "decrypt of a real ciphertext gave %ld bytes, not the %u-byte plaintext",
				 o->ret, u->pt_len);
	} else if (in->op == U_SIGN) {
		uint8_t sig[4 + MAC_MAX];
		long n;

		if (o->ret != 4 + (long)kd->mac || be32(pk_outbuf) != u->version) {
			snprintf(o->bad, sizeof(o->bad), "sign gave %ld bytes, version %u (key at %u)",
				 o->ret, be32(pk_outbuf), u->version);
			return;
		}
		memcpy(sig, pk_outbuf, (size_t)o->ret);
		if (kd->usage & KVAULT_USAGE_VERIFY) {
			memset(&c, 0, sizeof(c));
			c.op = KEYCTL_PKEY_VERIFY;
			c.id = o->id;
			c.info = "";
			c.in = pk_inbuf;
			c.in_len = in_len;
			c.out_len = (uint32_t)o->ret;
			c.in2 = sig;
			n = pk_do(&c);
			if (n && !(n == -EINVAL && in_len > vq.max_sig_size))
				snprintf(o->bad, sizeof(o->bad), "verify(sign(%u bytes)) gave %s",
					 in_len, errname((int)n));
		}
	}
}

/* ---- publish ------------------------------------------------------------- */

static void u_publish(struct worker *w, struct u_in *in, struct u_out *o)
{
	const struct uk_kind *kd = &uk_kinds[in->kind];
	struct ukey *u = &uk[in->kind];
	bool publish = in->op == U_PUBLISH;
	uint8_t k[KP_SIZE];
	struct kvault_key_publish p, got;
	char name[48], desc[160];
	uint32_t n = 0;
	int32_t old_mirror = u->mirror_id;
	uint64_t a;
	int rc;

	o->id = uk_key(w, in->kind);
	if (!o->id) {
		o->indeterminate = true;
		return;
	}
	uk_name(w, in->kind, u->gen, name, sizeof(name));
	memcpy(&p, in->bytes, sizeof(p));
	memset(p.name, 0, sizeof(p.name));
	p.id = 0;
	switch (in->by_id) {
	case 1:
		p.id = in->mut == M_STALE && u->stale_id ? u->stale_id :
		       in->mut == M_BADID ? in->bad_id : o->id;
		break;
	case 2:
		p.id = o->id;
		/* fall through */
	case 0:
		snprintf(p.name, sizeof(p.name), "%s", in->mut == M_BADID ? "fzu-none" : name);
		break;
	case 4:
		snprintf(p.name, sizeof(p.name), "%s", name);
		p.name[sizeof(p.name) - 1] = 'x';
		break;
	}
	memcpy(in->bytes, &p, sizeof(p));
	arena_reset(&w->mem.a[0]);
	arena_reset(&w->mem.a[1]);
	mem_check_holes(&w->mem);
	a = loc_addr(&w->mem.a[0], &in->loc, in->blen);
	mem_place(&w->mem, a, in->bytes, in->blen);
	rc = predict_copy_in(&w->mem, a, KP_SIZE, KVAULT_KEY_PUBLISH_SIZE_VER0, k, &n);
	o->indeterminate = w->mem.hole_mapped;
	o->rc = ioctl(w->devfd, publish ? KVAULT_IOC_KEY_PUBLISH : KVAULT_IOC_KEY_UNPUBLISH,
		      (unsigned long)a) < 0 ? -errno : 0;
	if (rc) {
		expect_set(&o->ex, rc, ST_NONE);
		return;
	}
	memcpy(&p, k, sizeof(p));
	if (p.flags || p.mirror_id || p.version || p.reserved0 || p.reserved[0] ||
	    p.reserved[1] || p.reserved[2] || p.reserved[3]) {
		expect_set(&o->ex, -EINVAL, ST_NONE);
		return;
	}
	{
		size_t l = strnlen(p.name, sizeof(p.name)), i;
		bool junk = l == sizeof(p.name);

		for (i = l; i < sizeof(p.name); i++)
			junk |= p.name[i] != 0;
		if (junk || p.id < 0 || (p.id && p.name[0]) || (!p.id && !p.name[0])) {
			expect_set(&o->ex, -EINVAL, ST_NONE);
			return;
		}
	}
	/* the argument is written back before anything is done (uapi order) */
	if (!mem_writable(&w->mem, a, n)) {
		expect_set(&o->ex, -EFAULT, ST_NONE);
		return;
	}
	if (p.id ? p.id != o->id : strcmp(p.name, name)) {
		/* a stale generation (ENOENT once collected) or no key at all */
		expect_set(&o->ex, -ENOENT, ST_HANDLER);
		if (publish && p.id && p.id == u->stale_id) {
			expect_add(&o->ex, -ENOKEY);
			expect_add(&o->ex, -EKEYREVOKED);
			expect_add(&o->ex, -EACCES);	/* destroyed: unlinked, not possessed */
		}
		return;
	}
	/* the key itself, in setkey's order */
	if (!publish) {
		expect_set(&o->ex, u->mirror_id ? 0 : -ENOENT, ST_HANDLER);
		if (!o->rc)
			u->mirror_id = 0;
	} else if (u->revoked) {
		expect_set(&o->ex, -EKEYREVOKED, ST_HANDLER);
		allow_collected(true, -ENOENT, o);
	} else if (!(kd->usage & KVAULT_USAGE_CRYPTO_API)) {
		expect_set(&o->ex, -EKEYREJECTED, ST_HANDLER);
	} else if (u->state != KVAULT_KEY_STATE_ENABLED) {
		expect_set(&o->ex, -ENOKEY, ST_HANDLER);
	} else {
		expect_set(&o->ex, 0, ST_HANDLER);
	}
	if (o->rc || !expect_has(&o->ex, 0))
		return;
	memset(&got, 0, sizeof(got));
	{
		uint32_t i;

		for (i = 0; i < n && i < sizeof(got); i++)
			mem_byte(&w->mem, a + i, (uint8_t *)&got + i);
	}
	if (got.size != (n < KP_SIZE ? n : KP_SIZE) || got.id != o->id || got.flags ||
	    got.reserved0 || (n >= KP_SIZE && (got.reserved[0] || got.reserved[3]))) {
		snprintf(o->bad, sizeof(o->bad), "reply: size %u id %d (key %d) flags %#x",
			 got.size, got.id, o->id, got.flags);
		return;
	}
	if (!publish) {
		if (got.mirror_id || got.version)
			snprintf(o->bad, sizeof(o->bad), "unpublish reply: mirror_id %d version %u",
				 got.mirror_id, got.version);
		else if (old_mirror > 0 && !mirror_describe(old_mirror, desc, sizeof(desc)))
			snprintf(o->bad, sizeof(o->bad), "mirror %d is alive after unpublish: %.100s",
				 old_mirror, desc);
		return;
	}
	if (got.mirror_id <= 0 || got.version != u->version) {
		snprintf(o->bad, sizeof(o->bad), "publish reply: mirror_id %d version %u (key at %u)",
			 got.mirror_id, got.version, u->version);
		return;
	}
	if (old_mirror > 0 && u->mirror_ver == u->version && got.mirror_id != old_mirror)
		snprintf(o->bad, sizeof(o->bad), "publish again gave mirror %d, not the live %d",
			 got.mirror_id, old_mirror);
	else if (old_mirror > 0 && got.mirror_id != old_mirror &&
		 !mirror_describe(old_mirror, desc, sizeof(desc)))
		snprintf(o->bad, sizeof(o->bad), "the replaced mirror %d is alive: %.100s", old_mirror, desc);
	else if (mirror_describe(got.mirror_id, desc, sizeof(desc)))
		snprintf(o->bad, sizeof(o->bad), "the new mirror %d cannot be described", got.mirror_id);
	else {
		char want[160];

		snprintf(want, sizeof(want), "logon;0;0;19190000;" KVAULT_MIRROR_PREFIX "%s", name);
		if (strcmp(desc, want))
			snprintf(o->bad, sizeof(o->bad), "mirror is \"%.100s\", want \"%.100s\"", desc, want);
		else if (kc(KEYCTL_READ, (unsigned long)got.mirror_id, (unsigned long)desc,
			    sizeof(desc), 0) >= 0)
			snprintf(o->bad, sizeof(o->bad), "the mirror's material can be read");
	}
	u->mirror_id = got.mirror_id;
	u->mirror_ver = got.version;
}

/* ---- lifecycle ------------------------------------------------------------ */

static int key_ioctl(struct worker *w, unsigned long cmd, int32_t id, uint32_t arg,
		     struct kvault_key_op *op)
{
	memset(op, 0, sizeof(*op));
	op->size = (uint32_t)sizeof(*op);
	op->id = id;
	op->arg = arg;
	return ioctl(w->devfd, cmd, op) < 0 ? -errno : 0;
}

/* Does the mirror @mid still live? It must iff @alive. */
static void mirror_expect(int32_t mid, bool alive, const char *after, struct u_out *o)
{
	char desc[160];
	int rc;

	if (mid <= 0 || o->bad[0])
		return;
	rc = mirror_describe(mid, desc, sizeof(desc));
	if (alive && rc)
		snprintf(o->bad, sizeof(o->bad), "mirror %d died after %s (%s)", mid, after,
			 errname(rc));
	else if (!alive && !rc)
		snprintf(o->bad, sizeof(o->bad), "mirror %d survived %s: %.100s", mid, after, desc);
	else if (!alive && rc != -EKEYREVOKED && rc != -ENOKEY)
		snprintf(o->bad, sizeof(o->bad), "dead mirror %d described as %s", mid, errname(rc));
}

static void u_life(struct worker *w, struct u_in *in, struct u_out *o)
{
	struct ukey *u = &uk[in->kind];
	struct kvault_key_op op;
	int32_t mid;
	bool mirror_dies = false, was_revoked;
	int want = 0;

	o->id = uk_key(w, in->kind);
	if (!o->id) {
		o->indeterminate = true;
		return;
	}
	mid = u->mirror_id;
	was_revoked = u->revoked;
	switch (in->sub) {
	case L_ROTATE:
		want = u->revoked ? -EKEYREVOKED :
		       u->version - u->min_version + 1 >= KVAULT_KEY_MAX_VERSIONS ? -ENOSPC : 0;
		o->rc = key_ioctl(w, KVAULT_IOC_KEY_ROTATE, o->id, 0, &op);
		if (!o->rc)
			u->version++;
		break;
	case L_DISABLE:
	case L_ENABLE: {
		uint32_t to = in->sub == L_ENABLE ? KVAULT_KEY_STATE_ENABLED : KVAULT_KEY_STATE_DISABLED;

		want = u->revoked ? -EKEYREVOKED : u->state == to ? -EALREADY : 0;
		o->rc = key_ioctl(w, in->sub == L_ENABLE ? KVAULT_IOC_KEY_ENABLE :
				  KVAULT_IOC_KEY_DISABLE, o->id, 0, &op);
		if (!o->rc)
			u->state = to;
		break;
	}
	case L_SET_MIN: {
		uint32_t m = u->version > u->min_version ? u->min_version + 1 +
			     in->mut_at % (u->version - u->min_version) : u->version;

		want = u->revoked ? -EKEYREVOKED : 0;
		o->rc = key_ioctl(w, KVAULT_IOC_KEY_SET_MIN_VERSION, o->id, m, &op);
		if (!o->rc) {
			u->min_version = m;
			if (u->ct_len && be32(u->ct) < m)
				u->ct_len = 0;
			if (mid && u->mirror_ver < m) {
				mirror_dies = true;
				u->mirror_id = 0;
			}
		}
		break;
	}
	case L_REVOKE:
		want = 0;
		o->rc = kc(KEYCTL_REVOKE, (unsigned long)o->id, 0, 0, 0) < 0 ? -errno : 0;
		if (u->revoked)
			want = -EKEYREVOKED;
		if (!o->rc) {
			u->revoked = true;
			mirror_dies = true;
			u->mirror_id = 0;
		}
		break;
	default:
		want = 0;
		o->rc = key_ioctl(w, KVAULT_IOC_KEY_DESTROY, o->id, 0, &op);
		if (!o->rc) {
			mirror_dies = true;
			uk_gone(u);
		}
		break;
	}
	expect_set(&o->ex, want, ST_HANDLER);
	allow_collected(was_revoked, in->sub == L_REVOKE ? -ENOKEY : -ENOENT, o);
	if (o->rc != want)
		return;
	if (mid > 0)
		mirror_expect(mid, !mirror_dies, u_names[U_LIFE], o);
	/* a revoked key is of no more use: the next op makes a new one */
	if (u->revoked && in->sub == L_REVOKE && !o->rc && in->mut_at % 2)
		uk_gone(u);
}

/* ---- race: publish, use, info against revoke or destroy ------------------ */

#define RACE_MIRRORS 64

struct race {
	struct worker *w;
	int32_t id;
	volatile int stop;
	unsigned int ops, bad;
	int32_t mirrors[RACE_MIRRORS];
	unsigned int nmirror;
	char what[160];
};

static void race_note(struct race *rc, const char *op, long got)
{
	rc->bad++;
	if (!rc->what[0])
		snprintf(rc->what, sizeof(rc->what), "%s gave %s during the race", op,
			 errname((int)got));
}

static void *race_user(void *arg)
{
	struct race *rc = arg;
	uint8_t buf[128], out[256];
	struct pk_call c;
	unsigned int i = 0;

	memset(buf, 0x11, sizeof(buf));
	while (!rc->stop && i < 4000) {
		struct kvault_key_publish p;
		long r;

		switch (i++ % 4) {
		case 0:
		case 2:
			memset(&p, 0, sizeof(p));
			p.size = KP_SIZE;
			p.id = rc->id;
			r = ioctl(rc->w->devfd, i % 8 == 1 ? KVAULT_IOC_KEY_UNPUBLISH :
				  KVAULT_IOC_KEY_PUBLISH, &p) < 0 ? -errno : 0;
			if (!r && p.mirror_id > 0 && rc->nmirror < RACE_MIRRORS)
				rc->mirrors[rc->nmirror++] = p.mirror_id;
			if (r && r != -EKEYREVOKED && r != -ENOKEY && r != -ENOENT &&
			    r != -EACCES)
				race_note(rc, "publish/unpublish", r);
			break;
		case 1:
			memset(&c, 0, sizeof(c));
			c.op = KEYCTL_PKEY_ENCRYPT;
			c.id = rc->id;
			c.info = "";
			c.in = buf;
			c.in_len = 64;
			c.out_len = 64 + KVAULT_CIPHERTEXT_OVERHEAD;
			c.out = out;
			r = pk_do(&c);
			/* EACCES: destroyed or invalidated, so unlinked: not possessed */
			if (r != 64 + KVAULT_CIPHERTEXT_OVERHEAD && r != -EKEYREVOKED &&
			    r != -ENOKEY && r != -EINVAL && r != -EACCES)
				race_note(rc, "encrypt", r);
			break;
		default: {
			struct kvault_key_op op;

			r = key_ioctl(rc->w, KVAULT_IOC_KEY_INFO, rc->id, 0, &op);
			if (r && r != -EKEYREVOKED && r != -ENOKEY && r != -ENOENT)
				race_note(rc, "KEY_INFO", r);
			break;
		}
		}
		rc->ops++;
	}
	return NULL;
}

static void u_race(struct worker *w, struct u_in *in, struct u_out *o)
{
	static const char *const payload = "new aes-256";
	struct race rc;
	struct kvault_key_publish p;
	struct kvault_key_op op;
	pthread_t th;
	char name[64];
	long id;
	unsigned int i;
	int r;

	expect_set(&o->ex, 0, ST_HANDLER);
	if (w->role != ROLE_PRIV) {
		o->indeterminate = true;
		return;
	}
	snprintf(name, sizeof(name), "fzu-w%u-race-%u", w->tid, ++uk_race_gen);
	id = syscall(SYS_add_key, KVAULT_KEY_TYPE, name, payload, strlen(payload),
		     KEY_SPEC_THREAD_KEYRING);
	if (id <= 0) {
		o->rc = -errno;
		snprintf(o->bad, sizeof(o->bad), "add_key of the race key: %s", errname(o->rc));
		return;
	}
	memset(&rc, 0, sizeof(rc));
	rc.w = w;
	rc.id = (int32_t)id;
	o->id = rc.id;
	if (pthread_create(&th, NULL, race_user, &rc)) {
		o->indeterminate = true;
		kc(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0);
		return;
	}
	usleep(in->race_delay_us);
	switch (in->sub % 3) {
	case 0:
		o->rc = kc(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0) < 0 ? -errno : 0;
		break;
	case 1:
		o->rc = key_ioctl(w, KVAULT_IOC_KEY_DESTROY, rc.id, 0, &op);
		break;
	default:
		o->rc = kc(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0) < 0 ? -errno : 0;
		break;
	}
	usleep(500);
	rc.stop = 1;
	pthread_join(th, NULL);
	o->race_ops = rc.ops;
	o->race_bad = rc.bad;
	snprintf(o->race_what, sizeof(o->race_what), "%s", rc.what);
	if (o->rc)
		return;
	/* afterwards: no use, no publish, and every mirror it ever had is dead */
	memset(&p, 0, sizeof(p));
	p.size = KP_SIZE;
	p.id = rc.id;
	r = ioctl(w->devfd, KVAULT_IOC_KEY_PUBLISH, &p) < 0 ? -errno : 0;
	if (r != -EKEYREVOKED && r != -ENOKEY && r != -ENOENT && r != -EACCES)
		snprintf(o->bad, sizeof(o->bad), "publish after %s gave %s",
			 in->sub % 3 == 0 ? "revoke" : in->sub % 3 == 1 ? "destroy" : "invalidate",
			 errname(r));
	/* revoke and destroy kill the mirror at once; invalidation when collected */
	for (i = 0; i < rc.nmirror && !o->bad[0]; i++) {
		char desc[160];
		int t;

		for (t = 0; in->sub % 3 == 2 && t < 300 &&
		     !mirror_describe(rc.mirrors[i], desc, sizeof(desc)); t++)
			usleep(10000);
		mirror_expect(rc.mirrors[i], false, "the race's revoke/destroy/invalidate", o);
	}
	if (in->sub % 3 != 1)	/* drop what is left of it */
		key_ioctl(w, KVAULT_IOC_KEY_DESTROY, rc.id, 0, &op);
}

/* ---- exec / check ------------------------------------------------------------ */

static void u_exec(struct worker *w, void *vin, void *vout)
{
	struct u_in *in = vin;
	struct u_out *o = vout;

	if (w->role != ROLE_PRIV) {
		o->indeterminate = true;
		return;
	}
	switch (in->op) {
	case U_PUBLISH:
	case U_UNPUBLISH:
		u_publish(w, in, o);
		break;
	case U_LIFE:
		u_life(w, in, o);
		break;
	case U_RACE:
		u_race(w, in, o);
		break;
	default:
		u_pkey(w, in, o);
		break;
	}
	/* the revoked key was collected: its next use makes a new one */
	if (o->collected && o->rc == o->collected && !o->indeterminate &&
	    uk[in->kind].id == o->id)
		uk_gone(&uk[in->kind]);
}

static void u_check(struct worker *w, const void *vin, const void *vout,
		    struct opctx *op)
{
	const struct u_in *in = vin;
	const struct u_out *o = vout;
	enum fuzz_cmd fc = u_fc[in->op % U_NR];
	bool match = expect_has(&o->ex, o->rc);
	char exp[96], sig[160];

	op->cmd = fc;
	op->result = o->rc;
	fuzz_account(w, fc, o->rc, match && !o->indeterminate ? o->ex.stage : ST_NONE);
	if (o->indeterminate)
		return;
	if (in->op == U_RACE && o->race_bad)
		fuzz_finding(w, op, "keys-use:race:errno", "%u of %u racing ops: %s", o->race_bad,
			     o->race_ops, o->race_what);
	if (!match) {
		expect_str(&o->ex, exp, sizeof(exp));
		snprintf(sig, sizeof(sig), "keys-use:%s:errno:%s!=%s", u_names[in->op % U_NR],
			 errname(o->rc), exp);
		fuzz_finding(w, op, sig, "%s on key %d gave %s, the model says %s",
			     u_names[in->op % U_NR], o->id, errname(o->rc), exp);
		return;
	}
	if (o->bad[0]) {
		snprintf(sig, sizeof(sig), "keys-use:%s:%s", u_names[in->op % U_NR],
			 strstr(o->bad, "wrote past") ? "overflow" :
			 strstr(o->bad, "mutated") ? "mutated-accepted" :
			 strstr(o->bad, "mirror") ? "mirror" : "reply");
		fuzz_finding(w, op, sig, "%s", o->bad);
	}
}

const struct fuzz_target target_keyuse = {
	.name = "keys-use",
	.weight = { [ROLE_PRIV] = 30 },
	.in_size = sizeof(struct u_in),
	.out_size = sizeof(struct u_out),
	.gen = u_gen,
	.describe = u_describe,
	.exec = u_exec,
	.check = u_check,
};
