// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_fuzz targets on /dev/kvault: KVAULT_IOC_STATUS and
 * KVAULT_IOC_PCR_READ with mutated structs and hostile pointers, unknown
 * ioctl numbers, open/ioctl/close cycles racing the other threads, and (for
 * the unprivileged children) open() attempts.
 *
 * The oracle is a model of uapi/linux/kvault.h's rules, applied to the
 * memory exactly as the kernel will see it: copy_struct_from_user()
 * semantics (EINVAL below VER0, E2BIG past a page or for a non-zero tail,
 * EFAULT where a byte cannot be read), EINVAL for flags and reserved
 * fields, the PCR selection rules, ENOSPC/EFAULT for the output buffer and
 * EFAULT when the struct cannot be written back. Beyond the errno it checks
 * what came back (STATUS equals the startup STATUS, digest_size and
 * digests_len are right, PCR values match the reference) and that the
 * kernel wrote nothing outside the struct and the digests it was given.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kvault_fuzz.h"

#define IOC_MAT_MAX	(4096 + 64)
#define KS_STATUS	sizeof(struct kvault_status)
#define KS_PCR		sizeof(struct kvault_pcr_read)
#define KS_MAX		(KS_STATUS > KS_PCR ? KS_STATUS : KS_PCR)

enum { DG_ZERO, DG_LOC, DG_RAW };

struct ioc_in {
	uint8_t which;		/* FC_IOC_STATUS, FC_IOC_PCR_READ, FC_IOC_UNKNOWN */
	uint8_t shared_fd;	/* use the fd all threads share */
	unsigned int cmd;
	uint32_t blen;		/* bytes materialised at the argument */
	struct loc arg;
	uint8_t dkind;		/* PCR_READ .digests: DG_* */
	struct loc dloc;
	uint64_t draw;		/* DG_RAW: the raw pointer value */
	uint32_t dext;		/* extent of the digests buffer, for placement */
	uint8_t bytes[IOC_MAT_MAX];
};

struct ioc_out {
	int rc;
	struct expect ex;
	uint64_t arg, dig;	/* absolute addresses used */
	uint32_t needed;	/* predicted digests bytes */
	uint16_t bank;
	uint32_t mask;
	bool pcr;		/* the model took the PCR_READ path */
	bool status;		/* ...the STATUS path */
	uint32_t n;		/* struct bytes the kernel copies in and out */
	uint8_t back[KS_MAX];	/* the struct as the kernel left it */
	bool back_ok;
	bool dig_ok;		/* digests copied out of the buffer */
	uint8_t digests[KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];
	char stray[200];	/* unexpected write, if any */
};

static const uint8_t vfs_ioctl_types[] = { 0x00, 'T', 'X', 'f', 0x94, 0x15 };

/*
 * ioctls that another target models (KVAULT_IOC_KEY_*: target_keys.c, whose
 * answers depend on the keys that exist): never generated as "unknown", and
 * no errno oracle here if a random command hits one.
 */
static const unsigned int ioc_unmodelled[] = {
#ifdef KVAULT_IOC_KEY_CREATE
	KVAULT_IOC_KEY_CREATE,
#endif
#ifdef KVAULT_IOC_KEY_ROTATE
	KVAULT_IOC_KEY_ROTATE,
#endif
#ifdef KVAULT_IOC_KEY_SET_MIN_VERSION
	KVAULT_IOC_KEY_SET_MIN_VERSION,
#endif
#ifdef KVAULT_IOC_KEY_ENABLE
	KVAULT_IOC_KEY_ENABLE,
#endif
#ifdef KVAULT_IOC_KEY_DISABLE
	KVAULT_IOC_KEY_DISABLE,
#endif
#ifdef KVAULT_IOC_KEY_SCHEDULE_DESTROY
	KVAULT_IOC_KEY_SCHEDULE_DESTROY,
#endif
#ifdef KVAULT_IOC_KEY_CANCEL_DESTROY
	KVAULT_IOC_KEY_CANCEL_DESTROY,
#endif
#ifdef KVAULT_IOC_KEY_DESTROY
	KVAULT_IOC_KEY_DESTROY,
#endif
#ifdef KVAULT_IOC_KEY_INFO
	KVAULT_IOC_KEY_INFO,
#endif
#ifdef KVAULT_IOC_KEY_TIGHTEN
	KVAULT_IOC_KEY_TIGHTEN,
#endif
	/* the logon mirror (crypto_ref_test covers them; no model here yet) */
	KVAULT_IOC_KEY_PUBLISH,
	KVAULT_IOC_KEY_UNPUBLISH,
	/* target_seal.c: sealing, and the boot lock (never valid) */
	KVAULT_IOC_PCR_EXTEND,
	KVAULT_IOC_KEY_SEAL,
	KVAULT_IOC_KEY_RESEAL,
	KVAULT_IOC_KEY_LOAD,
	KVAULT_IOC_KEY_CHECK,
	0,
};

static bool ioc_is_unmodelled(unsigned int cmd)
{
	size_t i;

	if (_IOC_TYPE(cmd) != KVAULT_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return false;
	for (i = 0; ioc_unmodelled[i]; i++)
		if (_IOC_NR(cmd) == _IOC_NR(ioc_unmodelled[i]))
			return true;
	return false;
}

/* ---- generation ---------------------------------------------------------- */

static uint32_t gen_mask(struct rng *r)
{
	uint32_t k = rng_below(r, 100), m, lo, hi;

	if (k < 70) {
		switch (rng_below(r, 5)) {
		case 0:
			return 1U << rng_below(r, KVAULT_PCR_COUNT);
		case 1:
			return KVAULT_PCR_MASK_ALL;
		case 2:
			lo = rng_below(r, KVAULT_PCR_COUNT);
			hi = rng_range(r, lo, KVAULT_PCR_COUNT - 1);
			return (uint32_t)(((1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1));
		default:
			m = rng_u32(r) & KVAULT_PCR_MASK_ALL;
			return m ? m : 1;
		}
	}
	if (k < 80)
		return 0;
	if (k < 90)
		return (rng_u32(r) & KVAULT_PCR_MASK_ALL) | (1U << rng_range(r, 24, 31));
	return rng_u32(r);
}

/* The struct part common to STATUS and PCR_READ: size, tail, placement. */
static void gen_struct(struct rng *r, struct ioc_in *in, uint32_t ksize,
		       uint32_t ver0)
{
	in->blen = gen_ext_struct(r, in->bytes, &in->arg, ksize, ver0);
	in->shared_fd = rng_pct(r, 50);
}

static unsigned int gen_cmd(struct rng *r, unsigned int real)
{
	if (rng_pct(r, 85))
		return real;
	/* the size bits are ignored: any value must work */
	return _IOC(_IOC_READ | _IOC_WRITE, KVAULT_IOC_MAGIC, _IOC_NR(real),
		    rng_below(r, 1U << _IOC_SIZEBITS));
}

static void gen_status(struct rng *r, struct ioc_in *in)
{
	struct kvault_status st;

	in->which = FC_IOC_STATUS;
	in->cmd = gen_cmd(r, KVAULT_IOC_STATUS);
	gen_struct(r, in, KS_STATUS, KVAULT_STATUS_SIZE_VER0);
	memcpy(&st, in->bytes, sizeof(st));
	if (rng_pct(r, 30))	/* output fields hold junk on input */
		rng_fill(r, &st.abi_version,
			 offsetof(struct kvault_status, reserved0) -
			 offsetof(struct kvault_status, abi_version));
	if (rng_pct(r, 8))
		st.flags = rng_pct(r, 50) ? 1U << rng_below(r, 32) : rng_u32(r);
	if (rng_pct(r, 5))
		st.reserved0 = rng_u32(r) | 1;
	if (rng_pct(r, 5))
		st.reserved[rng_below(r, 4)] = rng_next(r) | 1;
	memcpy(in->bytes, &st, sizeof(st));
}

static void gen_pcr_read(struct rng *r, struct ioc_in *in)
{
	struct kvault_pcr_read rq;
	uint32_t needed, k;
	int ds;

	in->which = FC_IOC_PCR_READ;
	in->cmd = gen_cmd(r, KVAULT_IOC_PCR_READ);
	gen_struct(r, in, KS_PCR, KVAULT_PCR_READ_SIZE_VER0);
	memcpy(&rq, in->bytes, sizeof(rq));
	if (rng_pct(r, 8))
		rq.flags = rng_pct(r, 50) ? 1U << rng_below(r, 32) : rng_u32(r);
	rq.bank = world_random_bank(r);
	if (rng_pct(r, 30))
		rq.digest_size = (uint16_t)rng_u32(r);
	rq.pcr_mask = gen_mask(r);
	if (rng_pct(r, 30))
		rq.update_counter = rng_u32(r);
	if (rng_pct(r, 5))
		rq.reserved0 = rng_u32(r) | 1;
	if (rng_pct(r, 5))
		rq.reserved1 = rng_u32(r) | 1;
	if (rng_pct(r, 5))
		rq.reserved[rng_below(r, 2)] = rng_next(r) | 1;

	ds = world_digest_size(rq.bank);
	needed = (uint32_t)__builtin_popcount(rq.pcr_mask & KVAULT_PCR_MASK_ALL) *
		 (uint32_t)(ds > 0 ? ds : KVAULT_MAX_DIGEST_SIZE);
	k = rng_below(r, 100);
	if (k < 45)
		rq.digests_len = needed;
	else if (k < 65)
		rq.digests_len = needed + rng_range(r, 1, 256);
	else if (k < 80)
		rq.digests_len = needed ? rng_below(r, needed) : 0;
	else if (k < 85)
		rq.digests_len = 0;
	else
		rq.digests_len = rng_u32(r);

	k = rng_below(r, 100);
	in->dkind = k < 20 ? DG_ZERO : k < 90 ? DG_LOC : DG_RAW;
	in->dext = needed ? needed : 1;
	if (in->dkind == DG_LOC)
		loc_gen(r, &in->dloc, in->dext, 70);
	else if (in->dkind == DG_RAW)
		in->draw = rng_pct(r, 50) ? rng_next(r) : rng_below(r, 1U << 16);
	rq.digests = 0;		/* filled in by exec from dkind */
	memcpy(in->bytes, &rq, sizeof(rq));
}

static void ioc_gen(struct worker *w, struct rng *r, void *vin)
{
	struct ioc_in *in = vin;

	(void)w;
	if (rng_pct(r, 35))
		gen_status(r, in);
	else
		gen_pcr_read(r, in);
}

static void ioc_unknown_gen(struct worker *w, struct rng *r, void *vin)
{
	struct ioc_in *in = vin;
	unsigned int dir, type, nr, size, k = rng_below(r, 100);
	size_t i;

	(void)w;
	in->which = FC_IOC_UNKNOWN;
	dir = rng_below(r, 4);
	type = KVAULT_IOC_MAGIC;
	nr = rng_below(r, 256);
	size = rng_below(r, 1U << _IOC_SIZEBITS);
	if (k < 40) {
		dir = _IOC_READ | _IOC_WRITE;
		while (nr == 1 || nr == 2 || ioc_is_unmodelled(_IOC(dir, type, nr, 0)))
			nr = rng_below(r, 256);
	} else if (k < 65) {
		dir = rng_below(r, 3);	/* none, write or read: not both */
		nr = rng_range(r, 1, 2);
	} else if (k < 90) {
		type = rng_below(r, 256);
	} else {
		unsigned int c = rng_u32(r);

		dir = _IOC_DIR(c);
		type = _IOC_TYPE(c);
		nr = _IOC_NR(c);
		size = _IOC_SIZE(c);
	}
	/* never a command the VFS handles itself (FIOCLEX, FIONBIO, ...) */
	for (i = 0; i < sizeof(vfs_ioctl_types); i++)
		if (type == vfs_ioctl_types[i])
			type = KVAULT_IOC_MAGIC;
	in->cmd = _IOC(dir, type, nr, size);
	in->blen = rng_below(r, 257);
	rng_fill(r, in->bytes, in->blen);
	if (in->blen >= 4 && rng_pct(r, 50)) {
		uint32_t s = rng_pct(r, 50) ? (uint32_t)KS_STATUS : (uint32_t)KS_PCR;

		memcpy(in->bytes, &s, 4);
	}
	loc_gen(r, &in->arg, in->blen ? in->blen : 1, 60);
	in->shared_fd = rng_pct(r, 50);
}

/* ---- description --------------------------------------------------------- */

static size_t describe_loc(char *buf, size_t len, size_t off, const char *what,
			   const struct loc *l)
{
	return bprintf(buf, len, off, " %s=%s%s%u", what, loc_name(l->kind),
		       l->kind == LOC_KERNEL ? "#" : "+", l->off);
}

static const char *cmd_name(unsigned int cmd)
{
	if (_IOC_TYPE(cmd) != KVAULT_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return "unknown";
	return _IOC_NR(cmd) == 1 ? "STATUS" : _IOC_NR(cmd) == 2 ? "PCR_READ" : "unknown";
}

static size_t ioc_describe_into(const struct ioc_in *in, char *buf, size_t len,
				size_t off, bool verbose)
{
	static const char *const dk[] = { "0", "buf", "raw" };
	uint32_t usize;

	memcpy(&usize, in->bytes, 4);
	off = bprintf(buf, len, off, "ioctl %s cmd=%#x fd=%s", cmd_name(in->cmd),
		      in->cmd, in->shared_fd ? "shared" : "own");
	off = describe_loc(buf, len, off, "arg", &in->arg);
	off = bprintf(buf, len, off, " size=%u blen=%u", usize, in->blen);
	if (in->which == FC_IOC_STATUS) {
		struct kvault_status st;

		memcpy(&st, in->bytes, sizeof(st));
		off = bprintf(buf, len, off,
			      " flags=%#x reserved0=%#x reserved=%#llx,%#llx,%#llx,%#llx",
			      st.flags, st.reserved0,
			      (unsigned long long)st.reserved[0],
			      (unsigned long long)st.reserved[1],
			      (unsigned long long)st.reserved[2],
			      (unsigned long long)st.reserved[3]);
	} else if (in->which == FC_IOC_PCR_READ) {
		struct kvault_pcr_read rq;

		memcpy(&rq, in->bytes, sizeof(rq));
		off = bprintf(buf, len, off,
			      " flags=%#x bank=%#06x mask=%#010x digests_len=%u reserved0=%#x reserved1=%#x reserved=%#llx,%#llx digests=%s",
			      rq.flags, rq.bank, rq.pcr_mask, rq.digests_len,
			      rq.reserved0, rq.reserved1,
			      (unsigned long long)rq.reserved[0],
			      (unsigned long long)rq.reserved[1], dk[in->dkind % 3]);
		if (in->dkind == DG_LOC)
			off = describe_loc(buf, len, off, "at", &in->dloc);
		else if (in->dkind == DG_RAW)
			off = bprintf(buf, len, off, "(%#llx)",
				      (unsigned long long)in->draw);
	}
	if (verbose) {
		off = bprintf(buf, len, off, "\n  argument bytes (.digests as last run):");
		off = hexdump(buf, len, off, in->bytes, in->blen, 512);
	}
	return off;
}

static void ioc_describe(struct worker *w, const void *in, char *buf,
			 size_t len, bool verbose)
{
	(void)w;
	ioc_describe_into(in, buf, len, 0, verbose);
}

/* ---- model ---------------------------------------------------------------- */

/* What the kernel must answer, given the memory as it is now. */
static void ioc_predict(struct worker *w, const struct ioc_in *in,
			struct ioc_out *o)
{
	const struct mem *m = &w->mem;
	struct expect *e = &o->ex;
	unsigned int cmd = in->cmd;
	uint32_t ksize, ver0, n;
	uint8_t k[KS_MAX];
	uint64_t a = o->arg;
	int rc;

	if (ioc_is_unmodelled(cmd)) {
		expect_set(e, -ENOTTY, ST_NONE);
		e->indeterminate = true;
		return;
	}
	if (_IOC_TYPE(cmd) != KVAULT_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE) ||
	    (_IOC_NR(cmd) != 1 && _IOC_NR(cmd) != 2)) {
		expect_set(e, -ENOTTY, ST_NONE);
		return;
	}
	o->status = _IOC_NR(cmd) == 1;
	o->pcr = !o->status;
	ksize = o->status ? (uint32_t)KS_STATUS : (uint32_t)KS_PCR;
	ver0 = o->status ? KVAULT_STATUS_SIZE_VER0 : KVAULT_PCR_READ_SIZE_VER0;

	rc = predict_copy_in(m, a, ksize, ver0, k, &n);
	if (rc) {
		expect_set(e, rc, ST_NONE);
		return;
	}
	o->n = n;

	if (o->status) {
		struct kvault_status st;

		memcpy(&st, k, sizeof(st));
		if (st.flags || st.reserved0 || st.reserved[0] || st.reserved[1] ||
		    st.reserved[2] || st.reserved[3]) {
			expect_set(e, -EINVAL, ST_NONE);
			return;
		}
		expect_set(e, mem_writable(m, a, n) ? 0 : -EFAULT, ST_TPM);
		if (g_world.tpm2)
			expect_add(e, -EIO);	/* the TPM may fail GetCapability */
		return;
	} else {
		struct kvault_pcr_read rq;
		int ds;

		memcpy(&rq, k, sizeof(rq));
		if (rq.flags || rq.reserved0 || rq.reserved1 || rq.reserved[0] ||
		    rq.reserved[1]) {
			expect_set(e, -EINVAL, ST_NONE);
			return;
		}
		o->bank = rq.bank;
		o->mask = rq.pcr_mask;
		expect_set(e, -EINVAL, ST_HANDLER);
		expect_add(e, -ENOMEM);
		if (!rq.pcr_mask || (rq.pcr_mask & ~KVAULT_PCR_MASK_ALL))
			return;
		if (!g_world.tpm2) {
			e->v[0] = -ENODEV;
			return;
		}
		ds = world_digest_size(rq.bank);
		if (ds < 0)
			return;		/* EINVAL: bank not allocated */
		if (ds > KVAULT_MAX_DIGEST_SIZE) {
			e->v[0] = -EOPNOTSUPP;
			return;
		}
		o->needed = (uint32_t)__builtin_popcount(rq.pcr_mask) * (uint32_t)ds;
		rc = 0;
		if (rq.digests && rq.digests_len < o->needed)
			rc = -ENOSPC;
		else if (rq.digests && !mem_writable(m, rq.digests, o->needed))
			rc = -EFAULT;
		if (rc != -EFAULT && !mem_writable(m, a, n))
			rc = -EFAULT;
		expect_set(e, rc, ST_TPM);
		expect_add(e, -ENOMEM);
		/* documented TPM failures; never expected from swtpm (counted) */
		expect_add(e, -EIO);
		expect_add(e, -EAGAIN);
	}
}

/* ---- execution ------------------------------------------------------------- */

static void ioc_exec_fd(struct worker *w, struct ioc_in *in,
			struct ioc_out *o, int fd)
{
	uint64_t dig = 0;

	arena_reset(&w->mem.a[0]);
	arena_reset(&w->mem.a[1]);
	mem_check_holes(&w->mem);
	o->arg = loc_addr(&w->mem.a[0], &in->arg, in->blen);
	if (in->which == FC_IOC_PCR_READ) {
		if (in->dkind == DG_LOC)
			dig = loc_addr(&w->mem.a[1], &in->dloc, in->dext);
		else if (in->dkind == DG_RAW)
			dig = in->draw;
		memcpy(in->bytes + offsetof(struct kvault_pcr_read, digests),
		       &dig, sizeof(dig));
	}
	o->dig = dig;
	mem_place(&w->mem, o->arg, in->bytes, in->blen);
	ioc_predict(w, in, o);
	if (w->mem.hole_mapped)
		o->ex.indeterminate = true;
	snap_take(w);

	/* a random command may be PCR_EXTEND's: never send a valid one */
	if (pcr_extend_unsafe(&w->mem, in->cmd, o->arg)) {
		o->ex.indeterminate = true;
		o->rc = -ENOTTY;
		return;
	}
	o->rc = ioctl(fd, in->cmd, (unsigned long)o->arg) < 0 ? -errno : 0;

	if ((o->status || o->pcr) && !o->ex.indeterminate) {
		size_t i;

		/* copy what came back now: a later op resets the arenas */
		o->back_ok = o->n && mem_readable(&w->mem, o->arg, o->n);
		for (i = 0; o->back_ok && i < o->n; i++)
			mem_byte(&w->mem, o->arg + i, &o->back[i]);
		o->dig_ok = o->pcr && dig && o->needed <= sizeof(o->digests) &&
			    mem_readable(&w->mem, dig, o->needed);
		for (i = 0; o->dig_ok && i < o->needed; i++)
			mem_byte(&w->mem, dig + i, &o->digests[i]);
		snap_compare(w, o->arg, o->n, dig, o->pcr ? o->needed : 0,
			     o->stray, sizeof(o->stray));
	} else if (!o->ex.indeterminate) {
		snap_compare(w, 0, 0, 0, 0, o->stray, sizeof(o->stray));
	}
}

static void ioc_exec(struct worker *w, void *in, void *out)
{
	const struct ioc_in *i = in;

	ioc_exec_fd(w, in, out, i->shared_fd ? g_devfd : w->devfd);
}

/* ---- checks ------------------------------------------------------------------ */

static const char *ioc_sig_name(const struct ioc_out *o)
{
	return o->status ? "STATUS" : o->pcr ? "PCR_READ" : "unknown";
}

static void ioc_check_status_reply(struct worker *w, const struct ioc_out *o,
				   struct opctx *op)
{
	struct kvault_status st;

	memcpy(&st, o->back, sizeof(st));
	/* nr_keys counts the vault's keys, which the key targets create and
	 * destroy all the time; every other field must stay as at startup */
	if (o->n > offsetof(struct kvault_status, nr_keys))
		memcpy(&st.nr_keys, &g_world.st.nr_keys,
		       o->n - offsetof(struct kvault_status, nr_keys));
	if (st.size != o->n)
		fuzz_finding(w, op, "ioctl:STATUS:reply:size",
			     "size written back is %u, expected %u", st.size, o->n);
	else if (memcmp((uint8_t *)&st + 4, (uint8_t *)&g_world.st + 4, o->n - 4)) {
		size_t i;

		for (i = 4; i < o->n; i++)
			if (((uint8_t *)&st)[i] != ((uint8_t *)&g_world.st)[i])
				break;
		fuzz_finding(w, op, "ioctl:STATUS:reply:content",
			     "STATUS reply differs from the startup STATUS at byte %zu", i);
	}
}

static void ioc_check_pcr_reply(struct worker *w, const struct ioc_in *in,
				const struct ioc_out *o, struct opctx *op)
{
	struct kvault_pcr_read rq, sent;
	int ds = world_digest_size(o->bank);
	char why[200];

	memcpy(&rq, o->back, sizeof(rq));
	memcpy(&sent, in->bytes, sizeof(sent));
	if (rq.size != o->n || rq.flags || rq.bank != o->bank ||
	    rq.pcr_mask != o->mask || rq.digest_size != ds ||
	    rq.digests_len != o->needed || rq.digests != o->dig ||
	    rq.reserved0 || rq.reserved1 || rq.reserved[0] || rq.reserved[1]) {
		fuzz_finding(w, op, "ioctl:PCR_READ:reply:fields",
			     "malformed reply: size %u flags %#x bank %#x mask %#x digest_size %u (bank has %d) digests_len %u (need %u) reserved %#x %#x %#llx %#llx",
			     rq.size, rq.flags, rq.bank, rq.pcr_mask, rq.digest_size,
			     ds, rq.digests_len, o->needed, rq.reserved0, rq.reserved1,
			     (unsigned long long)rq.reserved[0],
			     (unsigned long long)rq.reserved[1]);
		return;
	}
	if (o->rc == 0 && o->dig_ok &&
	    pcr_ref_check(o->bank, o->mask, rq.update_counter, o->digests,
			  why, sizeof(why)))
		fuzz_finding(w, op, "ioctl:PCR_READ:reply:values", "%s", why);
}

static void ioc_check_out(struct worker *w, const struct ioc_in *in,
			  const struct ioc_out *o, struct opctx *op,
			  enum fuzz_cmd cmd)
{
	const struct expect *e = &o->ex;
	char exp[96];
	bool match = expect_has(e, o->rc);

	op->cmd = cmd;
	op->result = o->rc;
	fuzz_account(w, cmd, o->rc, match && !e->indeterminate ? e->stage : ST_NONE);
	if (o->stray[0])
		fuzz_finding(w, op, "ioctl:stray-write", "%s (result %s)", o->stray,
			     errname(o->rc));
	if (e->indeterminate)
		return;
	if (!match) {
		char sig[224];

		expect_str(e, exp, sizeof(exp));
		snprintf(sig, sizeof(sig), "ioctl:%s:errno:%s!=%s",
			 ioc_sig_name(o), errname(o->rc), exp);
		fuzz_finding(w, op, sig, "ioctl returned %s, the ABI says %s",
			     errname(o->rc), exp);
		return;
	}
	if (o->status && o->rc == 0 && o->back_ok)
		ioc_check_status_reply(w, o, op);
	if (o->pcr && (o->rc == 0 || o->rc == -ENOSPC) && o->back_ok)
		ioc_check_pcr_reply(w, in, o, op);
}

static void ioc_check(struct worker *w, const void *in, const void *out,
		      struct opctx *op)
{
	const struct ioc_out *o = out;
	enum fuzz_cmd cmd = o->status ? FC_IOC_STATUS :
			    o->pcr ? FC_IOC_PCR_READ : FC_IOC_UNKNOWN;

	ioc_check_out(w, in, o, op, cmd);
}

const struct fuzz_target target_ioctl = {
	.name = "ioctl",
	.weight = { [ROLE_PRIV] = 45 },
	.in_size = sizeof(struct ioc_in),
	.out_size = sizeof(struct ioc_out),
	.gen = ioc_gen,
	.describe = ioc_describe,
	.exec = ioc_exec,
	.check = ioc_check,
};

const struct fuzz_target target_ioctl_unknown = {
	.name = "ioctl-unknown",
	.weight = { [ROLE_PRIV] = 6 },
	.in_size = sizeof(struct ioc_in),
	.out_size = sizeof(struct ioc_out),
	.gen = ioc_unknown_gen,
	.describe = ioc_describe,
	.exec = ioc_exec,
	.check = ioc_check,
};

/* ---- open / use / close, racing the other threads ---------------------------- */

#define DEV_SUB 3
enum { FOP_READ, FOP_WRITE, FOP_LSEEK, FOP_MMAP, FOP_POLL, FOP_NR };

struct dev_in {
	int oflags;
	uint8_t nsub, nfops, storm;
	uint8_t fops[4];
	struct ioc_in sub[DEV_SUB];
};

struct dev_out {
	int open_rc, close_rc, storm_bad;
	int fop_rc[4];
	struct ioc_out sub[DEV_SUB];
};

static int gen_oflags(struct rng *r)
{
	static const int acc[] = { O_RDWR, O_RDONLY, O_WRONLY };
	int f = acc[rng_below(r, 3)];

	if (rng_pct(r, 30))
		f |= O_NONBLOCK;
	if (rng_pct(r, 50))
		f |= O_CLOEXEC;
	return f;
}

static void dev_gen(struct worker *w, struct rng *r, void *vin)
{
	struct dev_in *in = vin;
	unsigned int i;

	in->oflags = gen_oflags(r);
	in->nsub = (uint8_t)rng_below(r, DEV_SUB + 1);
	for (i = 0; i < in->nsub; i++) {
		if (rng_pct(r, 85))
			ioc_gen(w, r, &in->sub[i]);
		else
			ioc_unknown_gen(w, r, &in->sub[i]);
	}
	in->nfops = (uint8_t)rng_below(r, 3);
	for (i = 0; i < in->nfops; i++)
		in->fops[i] = (uint8_t)rng_below(r, FOP_NR);
	in->storm = rng_pct(r, 15) ? (uint8_t)rng_range(r, 4, 32) : 0;
}

static void dev_describe(struct worker *w, const void *vin, char *buf,
			 size_t len, bool verbose)
{
	static const char *const fn[] = { "read", "write", "lseek", "mmap", "poll" };
	const struct dev_in *in = vin;
	size_t off = 0;
	unsigned int i;

	(void)w;
	off = bprintf(buf, len, off, "open(/dev/kvault, %#x)", in->oflags);
	for (i = 0; i < in->nfops; i++)
		off = bprintf(buf, len, off, " %s", fn[in->fops[i] % FOP_NR]);
	for (i = 0; i < in->nsub; i++) {
		off = bprintf(buf, len, off, verbose ? "\n  [%u] " : "; [%u] ", i);
		off = ioc_describe_into(&in->sub[i], buf, len, off, verbose);
	}
	off = bprintf(buf, len, off, "; close");
	if (in->storm)
		bprintf(buf, len, off, "; then %u open+close", in->storm);
}

static int fop_run(int fd, int op)
{
	char b[16] = { 0 };
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	void *p;

	switch (op) {
	case FOP_READ:
		return read(fd, b, sizeof(b)) < 0 ? -errno : 0;
	case FOP_WRITE:
		return write(fd, b, sizeof(b)) < 0 ? -errno : 0;
	case FOP_LSEEK:
		return lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0;
	case FOP_MMAP:
		p = mmap(NULL, g_page, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		munmap(p, g_page);
		return 0;
	case FOP_POLL:
		return poll(&pfd, 1, 0) < 0 ? -errno : 0;
	}
	return 0;
}

/* Documented-by-the-VFS answers for a device with only ioctl. */
static bool fop_ok(int oflags, int op, int rc)
{
	int acc = oflags & O_ACCMODE;

	switch (op) {
	case FOP_READ:
		return rc == (acc == O_WRONLY ? -EBADF : -EINVAL);
	case FOP_WRITE:
		return rc == (acc == O_RDONLY ? -EBADF : -EINVAL);
	case FOP_LSEEK:
		return rc == -ESPIPE;
	case FOP_MMAP:
		return rc == -ENODEV || (acc == O_WRONLY && rc == -EACCES);
	case FOP_POLL:
		return rc == 0;
	}
	return false;
}

static void dev_exec(struct worker *w, void *vin, void *vout)
{
	struct dev_in *in = vin;
	struct dev_out *o = vout;
	unsigned int i;
	int fd;

	fd = open(KVAULT_DEV, in->oflags);
	o->open_rc = fd < 0 ? -errno : 0;
	if (fd >= 0) {
		for (i = 0; i < in->nfops; i++)
			o->fop_rc[i] = fop_run(fd, in->fops[i]);
		for (i = 0; i < in->nsub; i++)
			ioc_exec_fd(w, &in->sub[i], &o->sub[i], fd);
		o->close_rc = close(fd) < 0 ? -errno : 0;
	}
	for (i = 0; i < in->storm; i++) {
		fd = open(KVAULT_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0 || close(fd))
			o->storm_bad = -errno;
	}
}

static void dev_check(struct worker *w, const void *vin, const void *vout,
		      struct opctx *op)
{
	const struct dev_in *in = vin;
	const struct dev_out *o = vout;
	unsigned int i;

	op->cmd = FC_DEV_OPEN;
	op->result = o->open_rc;
	fuzz_account(w, FC_DEV_OPEN, o->open_rc, ST_HANDLER);
	if (o->open_rc) {
		fuzz_finding(w, op, "dev:open", "root open(%#x) failed: %s",
			     in->oflags, errname(o->open_rc));
		return;
	}
	for (i = 0; i < in->nfops; i++) {
		fuzz_account(w, FC_DEV_FILE, o->fop_rc[i], ST_NONE);
		if (!fop_ok(in->oflags, in->fops[i], o->fop_rc[i]))
			fuzz_finding(w, op, "dev:fileop",
				     "file op %u on fd opened %#x returned %s",
				     in->fops[i], in->oflags, errname(o->fop_rc[i]));
	}
	for (i = 0; i < in->nsub; i++)
		ioc_check(w, &in->sub[i], &o->sub[i], op);
	op->cmd = FC_DEV_OPEN;
	fuzz_account(w, FC_DEV_FILE, o->close_rc, ST_NONE);
	if (o->close_rc)
		fuzz_finding(w, op, "dev:close", "close returned %s",
			     errname(o->close_rc));
	if (o->storm_bad)
		fuzz_finding(w, op, "dev:storm", "open/close cycle failed: %s",
			     errname(o->storm_bad));
}

const struct fuzz_target target_dev_lifecycle = {
	.name = "dev-lifecycle",
	.weight = { [ROLE_PRIV] = 6 },
	.in_size = sizeof(struct dev_in),
	.out_size = sizeof(struct dev_out),
	.gen = dev_gen,
	.describe = dev_describe,
	.exec = dev_exec,
	.check = dev_check,
};

/* ---- unprivileged open ---------------------------------------------------------- */

struct uopen_in {
	int oflags;
};

struct uopen_out {
	int rc;
};

static void uopen_gen(struct worker *w, struct rng *r, void *vin)
{
	struct uopen_in *in = vin;

	(void)w;
	in->oflags = gen_oflags(r);
}

static void uopen_describe(struct worker *w, const void *vin, char *buf,
			   size_t len, bool verbose)
{
	const struct uopen_in *in = vin;

	(void)verbose;
	snprintf(buf, len, "open(/dev/kvault, %#x) as %s", in->oflags,
		 w->role == ROLE_NOBODY ? "uid 65534" : "root without CAP_SYS_ADMIN");
}

static void uopen_exec(struct worker *w, void *vin, void *vout)
{
	struct uopen_in *in = vin;
	struct uopen_out *o = vout;
	int fd = open(KVAULT_DEV, in->oflags);

	(void)w;
	o->rc = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
}

static void uopen_check(struct worker *w, const void *vin, const void *vout,
			struct opctx *op)
{
	const struct uopen_out *o = vout;
	/* DAC refuses uid 65534 (0600 root); kvault_open() refuses the other */
	int want = w->role == ROLE_NOBODY ? -EACCES : -EPERM;

	(void)vin;
	op->cmd = FC_DEV_OPEN;
	op->result = o->rc;
	fuzz_account(w, FC_DEV_OPEN, o->rc, ST_NONE);
	if (o->rc != want && !(w->role == ROLE_NOBODY && o->rc == -EPERM))
		fuzz_finding(w, op, w->role == ROLE_NOBODY ? "unpriv:open:nobody" :
			     "unpriv:open:nocap",
			     "unprivileged open returned %s, expected %s",
			     errname(o->rc), errname(want));
}

const struct fuzz_target target_dev_open_unpriv = {
	.name = "dev-open-unpriv",
	.weight = { [ROLE_NOBODY] = 15, [ROLE_NOCAP] = 15 },
	.in_size = sizeof(struct uopen_in),
	.out_size = sizeof(struct uopen_out),
	.gen = uopen_gen,
	.describe = uopen_describe,
	.exec = uopen_exec,
	.check = uopen_check,
};
