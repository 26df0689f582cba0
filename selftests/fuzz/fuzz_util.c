// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_fuzz: PRNG, the startup view of the module (STATUS, reference PCR
 * values), memory arenas with their access model, and small helpers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kvault_fuzz.h"

/* ---- PRNG ------------------------------------------------------------- */

uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

uint32_t rng_u32(struct rng *r)
{
	return (uint32_t)(rng_next(r) >> 32);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (uint32_t)(rng_next(r) % ((uint64_t)hi - lo + 1));
}

bool rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

void rng_fill(struct rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t v = rng_next(r);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

unsigned int rng_weighted(struct rng *r, const unsigned int *w, unsigned int n)
{
	uint32_t total = 0, pick;
	unsigned int i;

	for (i = 0; i < n; i++)
		total += w[i];
	pick = rng_below(r, total);
	for (i = 0; i < n; i++) {
		if (pick < w[i])
			return i;
		pick -= w[i];
	}
	return 0;
}

/* Op @op of worker @tid depends on nothing else. */
void rng_for_op(struct rng *r, uint64_t seed, unsigned int tid, uint64_t op)
{
	r->s = mix64(mix64(mix64(seed) + tid + 1) + op);
}

/* ---- helpers ------------------------------------------------------------ */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *errname(int err)
{
	const char *n;

	if (err == 0)
		return "0";
	if (err == FUZZ_HIST_NOREPLY || err == -FUZZ_HIST_NOREPLY)
		return "noreply";
	if (err == FUZZ_HIST_IGNORED || err == -FUZZ_HIST_IGNORED)
		return "ignored";
	n = strerrorname_np(err < 0 ? -err : err);
	return n ? n : "E?";
}

size_t bprintf(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off >= len)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return off;
	off += (size_t)n;
	return off < len ? off : len - 1;
}

size_t hexdump(char *buf, size_t len, size_t off, const void *data, size_t n,
	       size_t max)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < n && i < max; i++) {
		if (i % 32 == 0)
			off = bprintf(buf, len, off, "\n    %04zx:", i);
		off = bprintf(buf, len, off, "%s%02x", i % 4 ? "" : " ", p[i]);
	}
	if (n > max)
		off = bprintf(buf, len, off, "\n    ... (%zu bytes in all)", n);
	return off;
}

void expect_set(struct expect *e, int v, enum fuzz_stage stage)
{
	e->n = 1;
	e->v[0] = v;
	e->stage = stage;
	e->indeterminate = false;
}

void expect_add(struct expect *e, int v)
{
	if (!expect_has(e, v) && e->n < (int)(sizeof(e->v) / sizeof(e->v[0])))
		e->v[e->n++] = v;
}

bool expect_has(const struct expect *e, int v)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (e->v[i] == v)
			return true;
	return false;
}

size_t expect_str(const struct expect *e, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < e->n; i++)
		off = bprintf(buf, len, off, "%s%s", i ? "|" : "", errname(e->v[i]));
	return off;
}

/* ---- the module's view ------------------------------------------------- */

struct fuzz_world g_world;

int world_probe(int fd, char *err, size_t len)
{
	struct kvault_status *st = &g_world.st;
	int rc;

	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	rc = ioctl_errno(fd, KVAULT_IOC_STATUS, st);
	if (rc) {
		snprintf(err, len, "KVAULT_IOC_STATUS: %s", strerror(-rc));
		return rc;
	}
	if (st->nr_pcr_banks > KVAULT_MAX_PCR_BANKS) {
		snprintf(err, len, "STATUS reports %u banks", st->nr_pcr_banks);
		return -EPROTO;
	}
	g_world.tpm2 = (st->tpm_flags & KVAULT_TPM_VERSION_2) != 0;
	return 0;
}

int world_digest_size(uint16_t bank)
{
	uint32_t i;

	for (i = 0; i < g_world.st.nr_pcr_banks; i++)
		if (g_world.st.pcr_banks[i].alg_id == bank)
			return g_world.st.pcr_banks[i].digest_size;
	return -1;
}

/* Mostly a bank the TPM has, sometimes one it may not, sometimes junk. */
uint16_t world_random_bank(struct rng *r)
{
	static const uint16_t known[] = {
		KVAULT_TPM_ALG_SHA1, KVAULT_TPM_ALG_SHA256, KVAULT_TPM_ALG_SHA384,
		KVAULT_TPM_ALG_SHA512, KVAULT_TPM_ALG_SM3_256,
		KVAULT_TPM_ALG_SHA3_256, KVAULT_TPM_ALG_SHA3_384,
		KVAULT_TPM_ALG_SHA3_512, 0x0000, 0x0010, 0xffff,
	};
	uint32_t n = g_world.st.nr_pcr_banks;

	if (n && rng_pct(r, 85))
		return g_world.st.pcr_banks[rng_below(r, n)].alg_id;
	if (rng_pct(r, 70))
		return known[rng_below(r, sizeof(known) / sizeof(known[0]))];
	return (uint16_t)rng_u32(r);
}

void world_describe(char *buf, size_t len)
{
	const struct kvault_status *st = &g_world.st;
	size_t off = 0;
	uint32_t i;

	off = bprintf(buf, len, off, "module %s abi %u tpm_flags %#x banks",
		      st->module_version, st->abi_version, st->tpm_flags);
	for (i = 0; i < st->nr_pcr_banks; i++)
		off = bprintf(buf, len, off, "%s%#06x/%u", i ? "," : " ",
			      st->pcr_banks[i].alg_id, st->pcr_banks[i].digest_size);
}

/* ---- reference PCR values ---------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	int fd;
	uint32_t counter;
	uint64_t moves;
	uint8_t d[KVAULT_MAX_PCR_BANKS][KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];
} ref = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

/* Read every bank; all with one counter or retry. Caller holds ref.lock. */
static int pcr_ref_load(char *err, size_t len)
{
	int attempt;

	for (attempt = 0; attempt < 8; attempt++) {
		uint32_t i, counter = 0;
		bool same = true;

		for (i = 0; i < g_world.st.nr_pcr_banks; i++) {
			struct kvault_pcr_read rq = {
				.size = sizeof(rq),
				.bank = g_world.st.pcr_banks[i].alg_id,
				.pcr_mask = KVAULT_PCR_MASK_ALL,
				.digests = (uintptr_t)ref.d[i],
				.digests_len = sizeof(ref.d[i]),
			};
			int rc = ioctl_errno(ref.fd, KVAULT_IOC_PCR_READ, &rq);

			if (rc) {
				snprintf(err, len, "reference read of bank %#x: %s",
					 rq.bank, strerror(-rc));
				return rc;
			}
			if (i == 0)
				counter = rq.update_counter;
			else if (rq.update_counter != counter)
				same = false;
		}
		if (same) {
			ref.counter = counter;
			return 0;
		}
	}
	snprintf(err, len, "PCR update counter keeps moving");
	return -EAGAIN;
}

int pcr_ref_init(int fd, char *err, size_t len)
{
	int rc;

	pthread_mutex_lock(&ref.lock);
	ref.fd = fd;
	rc = g_world.tpm2 ? pcr_ref_load(err, len) : 0;
	pthread_mutex_unlock(&ref.lock);
	return rc;
}

uint64_t pcr_ref_counter_moves(void)
{
	return ref.moves;
}

int pcr_ref_check(uint16_t bank, uint32_t mask, uint32_t counter,
		  const uint8_t *digests, char *why, size_t len)
{
	int ds = world_digest_size(bank), bi = -1, rc = 0;
	uint32_t i, k = 0;

	for (i = 0; i < g_world.st.nr_pcr_banks; i++)
		if (g_world.st.pcr_banks[i].alg_id == bank)
			bi = (int)i;
	if (ds <= 0 || bi < 0)
		return 0;

	pthread_mutex_lock(&ref.lock);
	if (counter != ref.counter) {
		/* Someone extended (not us): start from the new state. */
		char err[128];

		ref.moves++;
		if (pcr_ref_load(err, sizeof(err)) || counter != ref.counter)
			goto out;	/* cannot judge this read */
	}
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (memcmp(digests + (size_t)k * (size_t)ds,
			   ref.d[bi] + (size_t)i * (size_t)ds, (size_t)ds)) {
			snprintf(why, len,
				 "PCR %u of bank %#x differs from the reference read with the same update counter %u",
				 i, bank, counter);
			rc = -1;
			goto out;
		}
		k++;
	}
out:
	pthread_mutex_unlock(&ref.lock);
	return rc;
}

/* ---- arenas ------------------------------------------------------------- */

size_t g_page;

static const int arena_layout[ARENA_PAGES] = {
	PGS_RW, PGS_RW, PGS_NONE, PGS_RW, PGS_RO, PGS_RW, PGS_HOLE, PGS_RW,
};

/* Kernel-half and non-canonical addresses: always EFAULT for userspace. */
static const uint64_t kernel_addrs[] = {
	0xffffffff81000000ULL, 0xffff888000000000ULL, 0xfffffffffffff000ULL,
	0xffffffffff600000ULL, 0x0000800000000000ULL, 0x8000000000000000ULL,
	0xffffffffffffffc0ULL,
};

int arena_init(struct arena *a)
{
	size_t i;
	void *p;

	if (!g_page)
		g_page = (size_t)sysconf(_SC_PAGESIZE);
	p = mmap(NULL, ARENA_PAGES * g_page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a->base = p;
	for (i = 0; i < ARENA_PAGES; i++) {
		uint8_t *pg = a->base + i * g_page;

		switch (arena_layout[i]) {
		case PGS_NONE:
			if (mprotect(pg, g_page, PROT_NONE))
				return -errno;
			break;
		case PGS_RO:
			if (mprotect(pg, g_page, PROT_READ))
				return -errno;
			break;
		case PGS_HOLE:
			if (munmap(pg, g_page))
				return -errno;
			break;
		}
	}
	arena_reset(a);
	return 0;
}

/* Same starting content every op, so an op replays alone. */
void arena_reset(struct arena *a)
{
	size_t i;

	for (i = 0; i < ARENA_PAGES; i++)
		if (arena_layout[i] == PGS_RW)
			memset(a->base + i * g_page, 0xa5, g_page);
}

const char *loc_name(unsigned int kind)
{
	static const char *const names[LOC_NR] = {
		"rw", "end-of-rw-before-PROT_NONE", "end-of-rw-before-readonly",
		"readonly", "end-of-rw-before-unmapped", "PROT_NONE", "unmapped",
		"null", "kernel",
	};

	return kind < LOC_NR ? names[kind] : "?";
}

void loc_gen(struct rng *r, struct loc *l, size_t len, unsigned int good_pct)
{
	static const unsigned int w[LOC_NR] = { 0, 14, 14, 10, 14, 6, 6, 8, 8 };
	uint32_t page = (uint32_t)g_page;

	if (rng_pct(r, good_pct) && len <= 2 * g_page) {
		l->kind = LOC_RW;
		/* mostly aligned, sometimes not */
		l->off = rng_below(r, (uint32_t)(2 * g_page - len + 1));
		if (rng_pct(r, 75))
			l->off &= ~7U;
		return;
	}
	l->kind = (uint8_t)rng_weighted(r, w, LOC_NR);
	switch (l->kind) {
	case LOC_END_NONE:
	case LOC_END_RO:
	case LOC_END_HOLE:
		/* bytes before the boundary: < len straddles it */
		l->off = rng_pct(r, 70) ? rng_range(r, 1, (uint32_t)len + 8) :
					  rng_range(r, 0, (uint32_t)len);
		if (l->off > page)
			l->off = page;
		break;
	case LOC_IN_RO:
	case LOC_IN_NONE:
	case LOC_IN_HOLE:
		l->off = len < g_page ? rng_below(r, page - (uint32_t)len + 1) : 0;
		break;
	case LOC_NULL:
		l->off = rng_pct(r, 50) ? 0 : rng_below(r, 4096);
		break;
	case LOC_KERNEL:
		l->off = rng_below(r, sizeof(kernel_addrs) / sizeof(kernel_addrs[0]));
		break;
	default:
		l->kind = LOC_RW;
		l->off = 0;
	}
}

uint64_t loc_addr(const struct arena *a, const struct loc *l, size_t len)
{
	uintptr_t b = (uintptr_t)a->base;

	(void)len;
	switch (l->kind) {
	case LOC_RW:		return b + l->off;
	case LOC_END_NONE:	return b + 2 * g_page - l->off;
	case LOC_END_RO:	return b + 4 * g_page - l->off;
	case LOC_IN_RO:		return b + 4 * g_page + l->off;
	case LOC_END_HOLE:	return b + 6 * g_page - l->off;
	case LOC_IN_NONE:	return b + 2 * g_page + l->off;
	case LOC_IN_HOLE:	return b + 6 * g_page + l->off;
	case LOC_NULL:		return l->off;
	case LOC_KERNEL:	return kernel_addrs[l->off % (sizeof(kernel_addrs) /
							      sizeof(kernel_addrs[0]))];
	}
	return 0;
}

int mem_page_state(const struct mem *m, uint64_t addr)
{
	int i;

	for (i = 0; i < 2; i++) {
		uint64_t b = (uintptr_t)m->a[i].base;

		if (addr >= b && addr < b + ARENA_PAGES * g_page)
			return arena_layout[(addr - b) / g_page];
	}
	return -1;
}

static bool mem_access(const struct mem *m, uint64_t addr, size_t len, bool wr)
{
	uint64_t p;

	if (!len)
		return true;
	if (addr + len < addr)
		return false;
	for (p = addr & ~((uint64_t)g_page - 1); p < addr + len; p += g_page) {
		int s = mem_page_state(m, p);

		if (s == PGS_RW || (s == PGS_RO && !wr))
			continue;
		return false;
	}
	return true;
}

bool mem_readable(const struct mem *m, uint64_t addr, size_t len)
{
	return mem_access(m, addr, len, false);
}

bool mem_writable(const struct mem *m, uint64_t addr, size_t len)
{
	return mem_access(m, addr, len, true);
}

bool mem_byte(const struct mem *m, uint64_t addr, uint8_t *out)
{
	if (!mem_readable(m, addr, 1))
		return false;
	*out = *(const uint8_t *)(uintptr_t)addr;
	return true;
}

void mem_place(struct mem *m, uint64_t addr, const void *src, size_t len)
{
	const uint8_t *s = src;
	uint8_t *ro[2] = { NULL, NULL };
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		uint8_t *pg = m->a[k].base + 4 * g_page;
		uint64_t p = (uintptr_t)pg;

		if (addr < p + g_page && addr + len > p) {
			mprotect(pg, g_page, PROT_READ | PROT_WRITE);
			memset(pg, 0xa5, g_page);
			ro[k] = pg;
		}
	}
	for (i = 0; i < len; i++) {
		int st = mem_page_state(m, addr + i);

		if (st == PGS_RW || st == PGS_RO)
			*(uint8_t *)(uintptr_t)(addr + i) = s[i];
	}
	for (k = 0; k < 2; k++)
		if (ro[k])
			mprotect(ro[k], g_page, PROT_READ);
}

/* A hole that got mapped by someone else would fool the model. */
bool mem_check_holes(struct mem *m)
{
	unsigned char v;
	int k;

	m->hole_mapped = false;
	for (k = 0; k < 2; k++)
		if (mincore(m->a[k].base + 6 * g_page, g_page, &v) == 0)
			m->hole_mapped = true;
	return !m->hole_mapped;
}

/* ---- extensible structs (copy_struct_from_user semantics) ---------------- */

/* A "size" for a struct of @ksize bytes: mostly right, often hostile. */
static uint32_t gen_usize(struct rng *r, uint32_t ksize, uint32_t ver0,
			  bool *nonzero_tail)
{
	uint32_t k = rng_below(r, 100), usize;
	static const uint32_t huge[] = { 4097, 8192, 65536, 0x80000000U, 0xffffffffU };

	*nonzero_tail = false;
	if (k < 45)
		usize = ksize;
	else if (k < 60)
		usize = ksize + rng_range(r, 1, 64);
	else if (k < 70) {
		usize = ksize + rng_range(r, 1, 64);
		*nonzero_tail = true;
	} else if (k < 83)
		usize = rng_below(r, ksize + 65);
	else if (k < 88)
		usize = rng_below(r, ver0);
	else if (k < 95) {
		usize = rng_pct(r, 30) ? 4096 : ksize + rng_range(r, 65, 4096 - ksize);
		*nonzero_tail = rng_pct(r, 30);
	} else
		usize = rng_pct(r, 70) ? huge[rng_below(r, 5)] : rng_u32(r);
	return usize;
}

uint32_t gen_ext_struct(struct rng *r, uint8_t *bytes, struct loc *arg,
			uint32_t ksize, uint32_t ver0)
{
	bool nz;
	uint32_t usize = gen_usize(r, ksize, ver0, &nz);
	uint32_t blen = usize > ksize ? usize : ksize;

	if (blen > 4096)
		blen = usize > 4096 ? ksize : 4096;
	memcpy(bytes, &usize, 4);
	if (nz && usize > ksize && usize <= 4096)
		bytes[ksize + rng_below(r, usize - ksize)] = (uint8_t)rng_range(r, 1, 255);
	loc_gen(r, arg, blen, 70);
	return blen;
}

bool mem_u32(const struct mem *m, uint64_t a, uint32_t *v)
{
	uint8_t b[4];
	int i;

	for (i = 0; i < 4; i++)
		if (!mem_byte(m, a + (uint64_t)i, &b[i]))
			return false;
	memcpy(v, b, 4);
	return true;
}

int predict_copy_in(const struct mem *m, uint64_t a, uint32_t ksize,
		    uint32_t ver0, uint8_t *k, uint32_t *np)
{
	uint32_t usize, n;
	uint64_t p;
	size_t i;

	if (!mem_u32(m, a, &usize))
		return -EFAULT;		/* get_user() of the size */
	if (usize < ver0)
		return -EINVAL;
	if (usize > 4096)
		return -E2BIG;		/* kvault refuses sizes past a page */
	if (usize > ksize) {
		/* check_zeroed_user(): aligned words, first fault or non-zero */
		uint64_t from = a + ksize, to = a + usize;

		for (p = from & ~7ULL; p < to; p += 8) {
			if (!mem_readable(m, p, 8))
				return -EFAULT;
			for (i = 0; i < 8; i++) {
				uint8_t b = 0;

				if (p + i < from || p + i >= to)
					continue;
				mem_byte(m, p + i, &b);
				if (b)
					return -E2BIG;
			}
		}
	}
	/* the kernel copies min(usize, ksize) bytes; the rest reads as zero */
	n = usize < ksize ? usize : ksize;
	if (!mem_readable(m, a, n))
		return -EFAULT;
	memset(k, 0, ksize);
	for (i = 0; i < n; i++)
		mem_byte(m, a + i, &k[i]);
	*np = n;
	return 0;
}

/* ---- stray writes: snapshot of both arenas before a syscall -------------- */

void snap_take(struct worker *w)
{
	size_t k, i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < ARENA_PAGES; i++) {
			int st = mem_page_state(&w->mem,
						(uintptr_t)w->mem.a[k].base + i * g_page);

			if (st == PGS_RW || st == PGS_RO)
				memcpy(w->snap + (k * ARENA_PAGES + i) * g_page,
				       w->mem.a[k].base + i * g_page, g_page);
		}
}

void snap_compare(struct worker *w, uint64_t a1, size_t n1, uint64_t a2,
		  size_t n2, char *why, size_t len)
{
	size_t k, i, j;

	for (k = 0; k < 2; k++)
		for (i = 0; i < ARENA_PAGES; i++) {
			const uint8_t *now = w->mem.a[k].base + i * g_page;
			const uint8_t *was = w->snap + (k * ARENA_PAGES + i) * g_page;
			int st = mem_page_state(&w->mem, (uintptr_t)now);

			if ((st != PGS_RW && st != PGS_RO) || !memcmp(now, was, g_page))
				continue;
			for (j = 0; j < g_page; j++) {
				uint64_t a = (uintptr_t)now + j;

				if (now[j] == was[j] || (a >= a1 && a < a1 + n1) ||
				    (a >= a2 && a < a2 + n2))
					continue;
				snprintf(why, len,
					 "kernel wrote byte %#x over %#x at arena %zu page %zu offset %zu (argument at +%lld, second buffer at +%lld)",
					 now[j], was[j], k, i, j,
					 (long long)(a1 - (uintptr_t)w->mem.a[0].base),
					 (long long)(a2 - (uintptr_t)w->mem.a[1].base));
				return;
			}
		}
}

/* ---- state shared by all workers, children included (MAP_SHARED) --------- */

#define IMPORT_PARAM "/sys/module/kvault/parameters/allow_plaintext_import"
#define LEAK_SLOTS	(1U << 16)

static struct fuzz_xshared {
	volatile uint32_t import_epoch;	/* seqcount: odd while it changes */
	uint32_t import_flips;
	uint64_t win[LEAK_SLOTS];	/* 8-byte windows of every pattern */
} *xs;

static bool import_param_write(bool on)
{
	FILE *f = fopen(IMPORT_PARAM, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(on ? "1" : "0", f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Open addressing over a fixed table: filled before any worker runs. */
static void win_insert(uint64_t v)
{
	uint32_t h = (uint32_t)(mix64(v) & (LEAK_SLOTS - 1));

	if (!v)
		return;		/* 0 marks a free slot; 2^-64 per window */
	while (xs->win[h] && xs->win[h] != v)
		h = (h + 1) & (LEAK_SLOTS - 1);
	xs->win[h] = v;
}

static bool win_has(uint64_t v)
{
	uint32_t h = (uint32_t)(mix64(v) & (LEAK_SLOTS - 1));

	while (xs->win[h]) {
		if (xs->win[h] == v)
			return true;
		h = (h + 1) & (LEAK_SLOTS - 1);
	}
	return false;
}

void leak_pattern(uint64_t seed, unsigned int tid, unsigned int variant,
		  uint8_t out[KVAULT_SECRET_MAX_LEN])
{
	struct rng r = { mix64(seed ^ 0x6b7661756c74ULL) + tid * 131ULL + variant };

	rng_fill(&r, out, KVAULT_SECRET_MAX_LEN);
}

int fuzz_xshared_init(uint64_t seed, const unsigned int *tids, unsigned int n)
{
	uint8_t pat[KVAULT_SECRET_MAX_LEN];
	unsigned int i, v;
	size_t j;
	uint64_t w;

	xs = mmap(NULL, sizeof(*xs), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (xs == MAP_FAILED) {
		xs = NULL;
		return -errno;
	}
	for (i = 0; i < n; i++)
		for (v = 0; v < LEAK_VARIANTS; v++) {
			leak_pattern(seed, tids[i], v, pat);
			for (j = 0; j + 8 <= sizeof(pat); j++) {
				memcpy(&w, pat + j, 8);
				win_insert(w);
			}
		}
	/* the run starts with the module's default: import refused */
	import_param_write(false);
	return 0;
}

bool leak_scan(const void *buf, size_t len, size_t *at)
{
	const uint8_t *p = buf;
	uint64_t w;
	size_t i;

	if (!xs || len < 8)
		return false;
	for (i = 0; i + 8 <= len; i++) {
		memcpy(&w, p + i, 8);
		if (w && win_has(w)) {
			*at = i;
			return true;
		}
	}
	return false;
}

void import_param_flip(void)
{
	bool on;

	if (!xs)
		return;
	on = !((xs->import_epoch / 2) & 1);
	__atomic_add_fetch(&xs->import_epoch, 1, __ATOMIC_SEQ_CST);
	import_param_write(on);
	__atomic_add_fetch(&xs->import_epoch, 1, __ATOMIC_SEQ_CST);
	xs->import_flips++;
}

uint32_t import_epoch(void)
{
	return xs ? __atomic_load_n(&xs->import_epoch, __ATOMIC_SEQ_CST) : 0;
}

uint32_t import_param_flips(void)
{
	return xs ? xs->import_flips : 0;
}
