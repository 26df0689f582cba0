// SPDX-License-Identifier: GPL-2.0
/*
 * Target "keyref-setkey": key references (struct kvault_key_ref) through
 * AF_ALG's setkey on kvault(ALG) transforms, then one request.
 *
 * Inputs are valid references to the worker's own keys (by ID or by name,
 * of every kind: fitting, of another algorithm, without crypto-api usage),
 * mutated or not: bytes flipped, fields set to random values, cut short,
 * extended, names garbled, random IDs and versions, or random bytes of a
 * random length (raw key bytes among them).
 *
 * Model (uapi "Crypto API templates"): the shape checks come first, so a
 * reference whose shape is wrong (length, magic, version, size, flags,
 * reserved, name, id/name) gets exactly EINVAL. A well-formed one naming
 * one of the worker's keys gets exactly the errno of the fit table (usage,
 * then algorithm, then version); any other well-formed one may only get
 * one of the documented setkey errnos, or 0 for a key it may use. After a
 * successful setkey a request succeeds; after a failed one it fails with
 * ENOKEY (the transform holds no key). Unprivileged workers aim at the
 * first root worker's keys: never 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/if_alg.h>
#include <linux/keyctl.h>

#include "kvault_fuzz.h"

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

/* ---- algorithms and the worker's keys ----------------------------------- */

enum kr_fit { FIT_AES, FIT_XTS, FIT_H256, FIT_H512 };

struct kr_alg {
	const char *type, *name;
	unsigned int fit, tail, ivlen, outextra;	/* outextra: tag or digest */
};

static const struct kr_alg kr_algs[] = {
	{ "skcipher", "kvault(xts(aes))", FIT_XTS, 0, 16, 0 },
	{ "skcipher", "kvault(cbc(aes))", FIT_AES, 0, 16, 0 },
	{ "skcipher", "kvault(ctr(aes))", FIT_AES, 0, 16, 0 },
	{ "skcipher", "kvault(ecb(aes))", FIT_AES, 0, 0, 0 },
	{ "aead", "kvault(gcm(aes))", FIT_AES, 0, 12, 16 },
	{ "aead", "kvault(rfc4106(gcm(aes)))", FIT_AES, 4, 8, 16 },
	{ "hash", "kvault(hmac(sha256))", FIT_H256, 0, 0, 32 },
	{ "hash", "kvault(hmac(sha512))", FIT_H512, 0, 0, 64 },
};
#define KR_NALG (sizeof(kr_algs) / sizeof(kr_algs[0]))

struct kr_kind {
	const char *payload;
	bool crypto_api;
	int fits[4];		/* per enum kr_fit: 1 if the key fits */
};

static const struct kr_kind kr_kinds[] = {
	{ "new aes-256 usage=crypto-api", true, { 1, 0, 0, 0 } },
	{ "new aes-xts-512 usage=crypto-api", true, { 0, 1, 0, 0 } },
	{ "new hmac-sha256 usage=crypto-api", true, { 0, 0, 1, 0 } },
	{ "new hmac-sha512", true, { 0, 0, 0, 1 } },
	{ "new aes-128 usage=encrypt,decrypt", false, { 1, 0, 0, 0 } },
	{ "new secret-48 usage=crypto-api", true, { 0, 0, 1, 1 } },
};
#define KR_NKIND (sizeof(kr_kinds) / sizeof(kr_kinds[0]))

static __thread int32_t kr_ids[KR_NKIND];
static __thread int kr_tfm[KR_NALG];	/* bound sockets, 0: none yet */

static void kr_name(unsigned int tid, unsigned int kind, char *buf, size_t len)
{
	snprintf(buf, len, "fzr-w%u-%u", tid, kind);
}

/* The worker's key of @kind (created on first use): its ID, or 0. */
static int32_t kr_key(struct worker *w, unsigned int kind)
{
	char name[32];
	long id;

	if (w->role != ROLE_PRIV)
		return 0;
	if (kr_ids[kind])
		return kr_ids[kind];
	kr_name(w->tid, kind, name, sizeof(name));
	id = syscall(SYS_add_key, KVAULT_KEY_TYPE, name, kr_kinds[kind].payload,
		     strlen(kr_kinds[kind].payload), KEY_SPEC_THREAD_KEYRING);
	if (id < 0 && errno == EEXIST)	/* a replay in the same module load */
		id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_THREAD_KEYRING,
			     KVAULT_KEY_TYPE, name, 0);
	kr_ids[kind] = id > 0 ? (int32_t)id : 0;
	return kr_ids[kind];
}

static int kr_socket(unsigned int a)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int fd;

	if (kr_tfm[a] > 0)
		return kr_tfm[a];
	fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf((char *)sa.salg_type, sizeof(sa.salg_type), "%s", kr_algs[a].type);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", kr_algs[a].name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (kr_algs[a].outextra && !strcmp(kr_algs[a].type, "aead"))
		setsockopt(fd, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, 16);
	kr_tfm[a] = fd;
	return fd;
}

/* ---- input -------------------------------------------------------------- */

enum kr_mut {
	MUT_NONE, MUT_FLIP, MUT_FIELD, MUT_CUT, MUT_EXTEND, MUT_RANDOM,
	MUT_NAME, MUT_ID, MUT_VERSION, MUT_NR
};

#define KR_MAX 1024

struct kr_in {
	uint8_t alg, kind, by_name, mut;
	uint32_t len;
	uint8_t buf[KR_MAX];
	uint32_t target_tid;	/* whose key the reference names */
};

struct kr_out {
	int bind_rc, rc, op_rc;
	int32_t id;		/* the key the valid reference named */
	bool shape_ok, own;
	int want;		/* exact prediction, or 1: none */
};

static size_t kr_build(uint8_t *buf, int32_t id, const char *name, uint32_t ver)
{
	struct kvault_key_ref r;
	size_t n = name ? strlen(name) + 1 : 0;

	memset(&r, 0, sizeof(r));
	r.magic = KVAULT_KEY_REF_MAGIC;
	r.version = KVAULT_KEY_REF_VERSION;
	r.size = (uint16_t)(KVAULT_KEY_REF_HDR_SIZE + n);
	r.id = name ? 0 : id;
	r.key_version = ver;
	memcpy(buf, &r, KVAULT_KEY_REF_HDR_SIZE);
	if (n)
		memcpy(buf + KVAULT_KEY_REF_HDR_SIZE, name, n);
	return KVAULT_KEY_REF_HDR_SIZE + n;
}

static void kr_gen(struct worker *w, struct rng *r, void *vin)
{
	struct kr_in *in = vin;
	char name[KVAULT_KEY_NAME_MAX];
	struct kvault_key_ref *h = (struct kvault_key_ref *)in->buf;
	size_t n, i;

	in->alg = (uint8_t)rng_below(r, KR_NALG);
	in->kind = (uint8_t)rng_below(r, KR_NKIND);
	in->by_name = rng_pct(r, 40);
	in->mut = rng_pct(r, 30) ? MUT_NONE : (uint8_t)rng_range(r, 1, MUT_NR - 1);
	in->target_tid = w->role == ROLE_PRIV ? w->tid : 0;
	kr_name(in->target_tid, in->kind, name, sizeof(name));
	/* the ID is filled in at exec (keys are created on first use) */
	n = kr_build(in->buf, 0, in->by_name ? name : NULL,
		     rng_pct(r, 80) ? 0 : rng_range(r, 1, 3));
	switch (in->mut) {
	case MUT_FLIP:
		for (i = rng_range(r, 1, 3); i; i--)
			in->buf[rng_below(r, (uint32_t)n)] ^= (uint8_t)(1u << rng_below(r, 8));
		break;
	case MUT_FIELD:
		switch (rng_below(r, 5)) {
		case 0: h->magic = rng_pct(r, 50) ? rng_u32(r) : __builtin_bswap32(KVAULT_KEY_REF_MAGIC); break;
		case 1: h->version = (uint16_t)rng_below(r, 4); break;
		case 2: h->size = (uint16_t)(rng_pct(r, 50) ? rng_below(r, 0x10000) :
					     n + rng_range(r, 0, 8) - 4); break;
		case 3: h->flags = rng_pct(r, 50) ? 1u << rng_below(r, 32) : rng_u32(r); break;
		default: h->reserved = rng_u32(r) | 1; break;
		}
		break;
	case MUT_CUT:
		n = rng_below(r, (uint32_t)n);
		break;
	case MUT_EXTEND:
		i = rng_range(r, 1, 64);
		rng_fill(r, in->buf + n, i);
		n += i;
		break;
	case MUT_RANDOM:
		n = rng_pct(r, 30) ? (rng_pct(r, 50) ? 32 : 64) : rng_range(r, 1, KR_MAX);
		rng_fill(r, in->buf, n);
		break;
	case MUT_NAME:
		if (!in->by_name)
			n = kr_build(in->buf, 0, name, 0);
		switch (rng_below(r, 4)) {
		case 0:	/* no NUL at size */
			in->buf[n - 1] = (uint8_t)rng_range(r, 0x21, 0x7e);
			break;
		case 1:	/* a byte outside 0x21-0x7e */
			in->buf[KVAULT_KEY_REF_HDR_SIZE + rng_below(r, (uint32_t)strlen(name))] =
				(uint8_t)(rng_pct(r, 50) ? rng_below(r, 0x21) : rng_range(r, 0x7f, 0xff));
			break;
		case 2:	/* a long or huge name */
			i = rng_range(r, KVAULT_KEY_NAME_MAX - 8, KVAULT_KEY_NAME_MAX + 300);
			memset(in->buf + KVAULT_KEY_REF_HDR_SIZE, 'q', i);
			in->buf[KVAULT_KEY_REF_HDR_SIZE + i] = 0;
			n = KVAULT_KEY_REF_HDR_SIZE + i + 1;
			h->size = (uint16_t)n;
			break;
		default:	/* an ID as well */
			h->id = (int32_t)rng_u32(r);
		}
		break;
	case MUT_ID:
		if (in->by_name)
			n = kr_build(in->buf, 0, NULL, 0);
		h->id = (int32_t)(rng_pct(r, 50) ? rng_u32(r) : rng_below(r, 1000));
		in->by_name = 2;	/* the ID is this one */
		break;
	case MUT_VERSION:
		h->key_version = rng_pct(r, 50) ? rng_u32(r) : rng_range(r, 0, 4);
		break;
	}
	/* the ALG's non-secret tail (rfc4106's salt) */
	if (kr_algs[in->alg].tail && rng_pct(r, 90) && n + 4 <= KR_MAX) {
		rng_fill(r, in->buf + n, 4);
		n += 4;
	}
	in->len = (uint32_t)n;
}

static void kr_describe(struct worker *w, const void *vin, char *buf, size_t len,
			bool verbose)
{
	static const char *const muts[MUT_NR] = {
		"valid", "bytes flipped", "a field", "cut", "extended", "random bytes",
		"name garbled", "random id", "version",
	};
	const struct kr_in *in = vin;
	size_t off;

	(void)w;
	off = bprintf(buf, len, 0, "setkey %s: %u-byte reference (%s, %s) to key kind %u of worker %u",
		      kr_algs[in->alg].name, in->len, in->by_name ? "by name" : "by id",
		      muts[in->mut], in->kind, in->target_tid);
	if (verbose)
		hexdump(buf, len, off, in->buf, in->len, 256);
}

/* ---- model ---------------------------------------------------------------- */

/* Is @b (@len bytes) a well-formed reference for an ALG with @tail? */
static bool kr_shape_ok(const uint8_t *b, size_t len, unsigned int tail)
{
	struct kvault_key_ref h;
	size_t nlen, i;

	if (len < KVAULT_KEY_REF_HDR_SIZE)
		return false;
	memcpy(&h, b, KVAULT_KEY_REF_HDR_SIZE);
	if (h.magic != KVAULT_KEY_REF_MAGIC || h.version != KVAULT_KEY_REF_VERSION ||
	    h.flags || h.reserved || h.size < KVAULT_KEY_REF_HDR_SIZE ||
	    h.size > KVAULT_KEY_REF_MAX_SIZE || len != (size_t)h.size + tail)
		return false;
	if (h.size == KVAULT_KEY_REF_HDR_SIZE)
		return h.id != 0;
	if (h.id)
		return false;
	nlen = h.size - KVAULT_KEY_REF_HDR_SIZE - 1u;	/* without the NUL */
	if (!nlen || nlen >= KVAULT_KEY_NAME_MAX || b[h.size - 1])
		return false;
	for (i = 0; i < nlen; i++)
		if (b[KVAULT_KEY_REF_HDR_SIZE + i] < 0x21 || b[KVAULT_KEY_REF_HDR_SIZE + i] > 0x7e)
			return false;
	return true;
}

/* The exact answer for a well-formed reference to own key @kind, version @v. */
static int kr_predict(unsigned int alg, unsigned int kind, uint32_t v)
{
	if (!kr_kinds[kind].crypto_api)
		return -EKEYREJECTED;
	if (!kr_kinds[kind].fits[kr_algs[alg].fit])
		return -EMEDIUMTYPE;
	if (v > 1)
		return -ENOKEY;
	return 0;
}

/* One request on the keyed socket: 0 or -errno. */
static int kr_request(int tfm, const struct kr_alg *a)
{
	char cbuf[CMSG_SPACE(4) + CMSG_SPACE(sizeof(struct af_alg_iv) + 16) + CMSG_SPACE(4)];
	uint8_t data[64] = { 0 }, out[64 + 64];
	struct iovec io = { data, sizeof(data) };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	bool hash = !strcmp(a->type, "hash"), aead = !strcmp(a->type, "aead");
	uint32_t v = ALG_OP_ENCRYPT;
	ssize_t n;
	int fd = accept(tfm, NULL, 0), rc = 0;

	if (fd < 0)
		return -errno;
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &io;
	msg.msg_iovlen = 1;
	if (!hash) {
		struct af_alg_iv *iv;

		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_OP;
		c->cmsg_len = CMSG_LEN(4);
		memcpy(CMSG_DATA(c), &v, 4);
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_IV;
		c->cmsg_len = CMSG_LEN(sizeof(*iv) + 16);
		iv = (struct af_alg_iv *)(void *)CMSG_DATA(c);
		iv->ivlen = a->ivlen;
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
		c->cmsg_len = CMSG_LEN(4);
		v = aead && a->tail ? 16 : 0;	/* rfc4106: 16 or 20 */
		memcpy(CMSG_DATA(c), &v, 4);
	}
	if (sendmsg(fd, &msg, 0) < 0) {
		rc = -errno;
	} else {
		n = read(fd, out, hash ? a->outextra : sizeof(data) + a->outextra);
		if (n < 0)
			rc = -errno;
		else if ((size_t)n != (hash ? a->outextra : sizeof(data) + a->outextra))
			rc = -EPROTO;
	}
	close(fd);
	return rc;
}

static void kr_exec(struct worker *w, void *vin, void *vout)
{
	struct kr_in *in = vin;
	struct kr_out *o = vout;
	const struct kr_alg *a = &kr_algs[in->alg];
	struct kvault_key_ref h;
	int tfm, i;

	o->want = 1;
	o->id = kr_key(w, in->kind);
	/* by ID: the worker's own key's ID goes in now (keys live per run) */
	if (!in->by_name && in->len >= 12) {
		memset(&h, 0, sizeof(h));
		memcpy(&h, in->buf, sizeof(h) < in->len ? sizeof(h) : in->len);
		if (in->mut != MUT_RANDOM && in->mut != MUT_CUT && !h.id && h.size == KVAULT_KEY_REF_HDR_SIZE) {
			h.id = o->id;
			memcpy(in->buf + 8, &h.id, 4);
		}
	}
	o->shape_ok = kr_shape_ok(in->buf, in->len, a->tail);
	if (o->shape_ok && in->by_name != 2 && w->role == ROLE_PRIV && o->id) {
		memcpy(&h, in->buf, KVAULT_KEY_REF_HDR_SIZE);
		if (h.id == o->id || (!h.id && !memcmp(in->buf + KVAULT_KEY_REF_HDR_SIZE, "fzr-w", 5))) {
			char name[32];

			kr_name(w->tid, in->kind, name, sizeof(name));
			if (h.id == o->id || !strcmp((const char *)in->buf + KVAULT_KEY_REF_HDR_SIZE, name)) {
				o->own = true;
				o->want = kr_predict(in->alg, in->kind, h.key_version);
			}
		}
	}
	if (!o->shape_ok)
		o->want = -EINVAL;
	tfm = kr_socket(in->alg);
	o->bind_rc = tfm < 0 ? tfm : 0;
	if (tfm < 0)
		return;
	for (i = 0; i < 20; i++) {
		o->rc = setsockopt(tfm, SOL_ALG, ALG_SET_KEY, in->buf, in->len) ? -errno : 0;
		if (o->rc != -EBUSY)	/* the last request's socket not released yet */
			break;
		usleep(1000);
	}
	o->op_rc = kr_request(tfm, a);
	/* someone unlinked the worker's key (keyctl targets): no exact model */
	if (o->own && o->rc != o->want &&
	    syscall(SYS_keyctl, KEYCTL_DESCRIBE, o->id, NULL, 0) < 0) {
		kr_ids[in->kind] = 0;
		o->own = false;
		o->want = 1;
	}
}

static void kr_check(struct worker *w, const void *vin, const void *vout,
		     struct opctx *op)
{
	static const int documented[] = {
		0, -EINVAL, -ENOENT, -EACCES, -EKEYREVOKED, -EKEYEXPIRED,
		-EKEYREJECTED, -EMEDIUMTYPE, -ENOKEY,
	};
	const struct kr_in *in = vin;
	const struct kr_out *o = vout;
	bool known = false;
	size_t i;

	op->cmd = FC_KEYREF_SETKEY;
	op->result = o->bind_rc ? o->bind_rc : o->rc;
	if (o->bind_rc) {
		fuzz_account(w, FC_KEYREF_SETKEY, o->bind_rc, ST_NONE);
		fuzz_finding(w, op, "keyref:bind", "bind(%s) failed: %s",
			     kr_algs[in->alg].name, errname(o->bind_rc));
		return;
	}
	fuzz_account(w, FC_KEYREF_SETKEY, o->rc, o->shape_ok ? ST_HANDLER : ST_NONE);
	for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		known |= o->rc == documented[i];
	if (!known)
		fuzz_finding(w, op, "keyref:setkey:undocumented-errno",
			     "setkey gave %s, not one of the documented errnos", errname(o->rc));
	else if (o->want != 1 && o->rc != o->want)
		fuzz_finding(w, op, "keyref:setkey:errno",
			     "setkey gave %s, the model says %s (%s reference%s)",
			     errname(o->rc), errname(o->want),
			     o->shape_ok ? "well-formed" : "malformed",
			     o->own ? " to the worker's own key" : "");
	else if (w->role == ROLE_NOBODY && !o->rc)
		fuzz_finding(w, op, "keyref:setkey:nobody",
			     "uid 65534 keyed a transform with root's key");
	if (!o->rc && o->op_rc)
		fuzz_finding(w, op, "keyref:request-after-setkey",
			     "setkey succeeded, the request gave %s", errname(o->op_rc));
	if (o->rc && o->op_rc != -ENOKEY)
		fuzz_finding(w, op, "keyref:request-after-failed-setkey",
			     "setkey failed (%s), the request gave %s, not ENOKEY",
			     errname(o->rc), errname(o->op_rc));
}

const struct fuzz_target target_keyref = {
	.name = "keyref-setkey",
	.weight = { [ROLE_PRIV] = 12, [ROLE_NOBODY] = 4, [ROLE_NOCAP] = 4 },
	.in_size = sizeof(struct kr_in),
	.out_size = sizeof(struct kr_out),
	.gen = kr_gen,
	.describe = kr_describe,
	.exec = kr_exec,
	.check = kr_check,
};
