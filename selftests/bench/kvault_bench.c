// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_bench: how the vault's key registry behaves at 100,000 keys.
 *
 * A benchmark, not a test: it measures and prints figures and ratios taken
 * side by side in one run, and never fails on a speed threshold. It exits
 * non-zero only when it cannot run (no module, an ioctl or netlink request
 * that fails, bad arguments). Runs as root in the guest (scripts/bench.sh,
 * `make bench`), with kvault.ko loaded and the vault otherwise empty.
 *
 * What it does, in this order:
 *
 *  1. settles the kernel (sync, drop_caches, a pause for RCU) and reads
 *     /proc/meminfo and /proc/slabinfo;
 *  2. creates --small keys (default 100) and measures lookups on them:
 *     KVAULT_IOC_KEY_INFO by ID and by name, netlink KVAULT_CMD_KEY_GET by
 *     ID and by name, each --rounds times --lookups calls on keys drawn at
 *     random from the population, plus a netlink dump;
 *  3. creates the rest up to --keys, timing every call (rate per tenth of
 *     the population, so a slowdown with size shows);
 *  4. settles and reads the memory counters again: slab delta per key;
 *  5. measures lookups again at the full population, interleaving two
 *     workloads in every round: random keys from all of them, and random
 *     keys from the first --small only (the same keys as in step 2), which
 *     separates the cost of the bigger structures from cache misses;
 *     then dumps every key over netlink, --rounds times, and runs
 *     `kvaultctl key list` (text and --json; also at --small keys): its
 *     time and peak RSS;
 *  6. destroys every key but the first --small (KVAULT_IOC_KEY_DESTROY),
 *     waits for the keyring's garbage collector to free them, measures
 *     the small population once more (drift check), and destroys the rest.
 *
 * Latencies are per call (CLOCK_MONOTONIC around the syscall, so the same
 * constant overhead is in every figure); each round gives a median (p50),
 * mean and p99; the report gives the median over rounds. The random key
 * sequence is the same for every measurement (--seed), reduced modulo the
 * population. Within a round all methods (and both workloads of step 5)
 * take turns in blocks of 100 calls, and two control calls that the module
 * rejects before any lookup show how much the host's load drifted between
 * steps 2, 5 and 6 (the host is shared; the guest is TCG-emulated).
 *
 * usage: kvault_bench [--keys N] [--small N] [--rounds N] [--lookups N]
 *                     [--seed S] [--prefix P] [--json FILE] [--no-cleanup]
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "test_util.h"
#include "key_util.h"

#define BUCKETS		10
#define NAME_DIGITS	7
#define MAX_KEYS	9999999UL	/* NAME_DIGITS */
#define KEY_ALG		KVAULT_ALG_AES_256
#define KEY_ALG_NAME	"aes-256"
#define KEY_LEN		32U		/* material bytes of KEY_ALG */
#define DUMP_BUF	(256U << 10)
#define GC_TIMEOUT_S	3600

/*
 * The two "null" methods are controls: the same calls, rejected with
 * EINVAL by the module before any lookup (a KEY_INFO with an unknown flag,
 * a KEY_GET without a key attribute). Their ratio between two populations
 * shows how much the host's load changed between the measurements.
 */
enum method { M_IOCTL_ID, M_IOCTL_NAME, M_GENL_ID, M_GENL_NAME,
	      M_NULL_IOCTL, M_NULL_GENL, NMETHODS };
static const char *const method_names[NMETHODS] = {
	"ioctl KEY_INFO by id", "ioctl KEY_INFO by name",
	"genl KEY_GET by id", "genl KEY_GET by name",
	"control: ioctl, no lookup", "control: genl, no lookup",
};

/* Lookup workloads ("phases"). */
enum phase { P_SMALL, P_FULL, P_HOT, P_AFTER, NPHASES };

struct lat {
	double p50, mean, p99;	/* ns */
};

struct cache {
	char name[64];
	unsigned long objs, objsize, pages;
};

struct memsnap {
	long meminfo[8];	/* kB, in the order of meminfo_keys */
	struct cache *caches;
	size_t ncaches;
	int have_slabinfo;
};

static const char *const meminfo_keys[8] = {
	"MemFree", "MemAvailable", "Slab", "SReclaimable", "SUnreclaim",
	"VmallocUsed", "Percpu", "KernelStack",
};
enum { MI_FREE, MI_AVAIL, MI_SLAB, MI_SRECL, MI_SUNRECL, MI_VMALLOC, MI_PERCPU };

/* One `kvaultctl key list` run: wall time and the child's peak RSS. */
struct cli_list {
	double secs;
	long maxrss_kib;
};

struct bench {
	/* options */
	unsigned long keys, small, lookups;
	unsigned int rounds;
	uint64_t seed;
	const char *prefix, *json;
	int cleanup;

	int fd;
	struct genl_raw g;	/* GET doit */
	struct genl_raw gd;	/* dumps */
	char *dumpbuf;
	key_serial_t *ids;
	unsigned long *seq;	/* random numbers, reduced per population */
	uint32_t *lat, *lat2;	/* per-call ns of a round, [method][call] (two populations) */
	uint32_t *create_ns;	/* per-key creation ns */
	struct lat *res;	/* [phase][method][round] */
	uint32_t base_keys;	/* vault keys before we started */

	/* figures for the JSON summary */
	double create_s, create_rate[BUCKETS];
	double dump_s_small, dump_s_all;
	struct cli_list list_small[2], list_all[2];	/* text, --json */
	double slab_per_key, sunrecl_per_key, per_key_excl;
	double destroy_s, gc_s;
	unsigned long destroyed;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("kvault_bench: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime: %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* A progress line on stderr, stamped with CLOCK_MONOTONIC seconds. */
static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# [%.3f] ", secs(now_ns()));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* xorshift64*: a reproducible sequence from --seed. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile @p (0-100) of @n sorted values, nearest rank. */
static double pct_sorted(const uint32_t *v, size_t n, unsigned int p)
{
	size_t i = (n * p + 99) / 100;

	return (double)v[i ? i - 1 : 0];
}

static struct lat lat_stats(uint32_t *v, size_t n)
{
	struct lat l = { 0, 0, 0 };
	double sum = 0;
	size_t i;

	if (!n)
		return l;
	for (i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_u32);
	l.p50 = pct_sorted(v, n, 50);
	l.p99 = pct_sorted(v, n, 99);
	l.mean = sum / (double)n;
	return l;
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

/* Printable ASCII other than space, as the vault wants names. */
static int name_ok(const char *s)
{
	for (; *s; s++)
		if (*s <= 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

static void key_name(const struct bench *b, unsigned long i, char *buf,
		     size_t len)
{
	snprintf(buf, len, "%s%0*lu", b->prefix, NAME_DIGITS, i);
}

/* "10k" for multiples of 1000, else the number. */
static const char *kfmt(unsigned long v, char *buf, size_t len)
{
	if (v && v % 1000 == 0)
		snprintf(buf, len, "%luk", v / 1000);
	else
		snprintf(buf, len, "%lu", v);
	return buf;
}

/* ---- /proc and /sys ----------------------------------------------------- */

static int read_ulong(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f)
		return -errno;
	if (fputs(s, f) < 0)
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

/* Root's quota use from /proc/key-users ("0: usage n/ni keys/max bytes/max"). */
static int root_key_use(unsigned long *nkeys, unsigned long *nbytes)
{
	FILE *f = fopen("/proc/key-users", "r");
	unsigned long uid, usage, n, ni, qk, mk, qb, mb;
	char line[256];
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %lu: %lu %lu/%lu %lu/%lu %lu/%lu", &uid, &usage,
			   &n, &ni, &qk, &mk, &qb, &mb) == 8 && uid == 0) {
			*nkeys = qk;
			*nbytes = qb;
			found = 0;
		}
	}
	fclose(f);
	return found;
}

struct quota {
	const char *path;
	unsigned long orig, set;
	int raised;
};

static struct quota quotas[2] = {
	{ "/proc/sys/kernel/keys/root_maxkeys", 0, 0, 0 },
	{ "/proc/sys/kernel/keys/root_maxbytes", 0, 0, 0 },
};

/* Make root's key quota hold our keys; print what was found and done. */
static void quota_check(struct bench *b)
{
	unsigned long used[2] = { 0, 0 }, need[2];
	char buf[32];
	int i, rc;

	rc = root_key_use(&used[0], &used[1]);
	if (rc)
		printf("note: /proc/key-users has no line for uid 0 (%s); assuming root holds no keys\n",
		       strerror(-rc));
	/*
	 * Each key is charged its description with the NUL plus its
	 * material length; 10% and 1000 keys of slack for everything else.
	 */
	need[0] = used[0] + b->keys + b->keys / 10 + 1000;
	need[1] = used[1] + (b->keys + b->keys / 10 + 1000) *
		  (strlen(b->prefix) + NAME_DIGITS + 1 + KEY_LEN);
	for (i = 0; i < 2; i++) {
		struct quota *q = &quotas[i];

		rc = read_ulong(q->path, &q->orig);
		if (rc)
			die("cannot read %s: %s", q->path, strerror(-rc));
		if (q->orig >= need[i]) {
			printf("quota: %s = %lu (root uses %lu; enough for %lu more keys' worth)\n",
			       q->path, q->orig, used[i], b->keys);
			continue;
		}
		q->set = need[i];
		snprintf(buf, sizeof(buf), "%lu", q->set);
		rc = write_str(q->path, buf);
		if (rc)
			die("%s is %lu, too low for %lu keys, and cannot be raised to %lu: %s",
			    q->path, q->orig, b->keys, q->set, strerror(-rc));
		q->raised = 1;
		printf("quota: RAISED %s from %lu to %lu (in this guest) for %lu keys; restored at the end\n",
		       q->path, q->orig, q->set, b->keys);
	}
}

static void quota_restore(void)
{
	char buf[32];
	int i, rc;

	for (i = 0; i < 2; i++) {
		if (!quotas[i].raised)
			continue;
		snprintf(buf, sizeof(buf), "%lu", quotas[i].orig);
		rc = write_str(quotas[i].path, buf);
		if (rc)
			printf("warning: cannot restore %s to %lu: %s\n",
			       quotas[i].path, quotas[i].orig, strerror(-rc));
		else
			printf("quota: restored %s to %lu\n", quotas[i].path,
			       quotas[i].orig);
		quotas[i].raised = 0;
	}
}

/*
 * Let the kernel settle before a memory reading: write back and drop the
 * page cache, dentries and inodes (reclaimable slab), and wait a few RCU
 * grace periods for kfree_rcu() to finish.
 */
static void settle(void)
{
	int rc;

	sync();
	rc = write_str("/proc/sys/vm/drop_caches", "3");
	if (rc)
		printf("warning: cannot drop caches: %s\n", strerror(-rc));
	sleep(2);
	sync();
	write_str("/proc/sys/vm/drop_caches", "3");
	sleep(1);
}

static void mem_free(struct memsnap *m)
{
	free(m->caches);
	memset(m, 0, sizeof(*m));
}

static void mem_read(struct memsnap *m)
{
	unsigned long a, n, sz, ops, pps, as, ns;
	char line[512], name[64];
	size_t cap = 0;
	long pagesz = sysconf(_SC_PAGESIZE);
	FILE *f;
	int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < 8; i++)
		m->meminfo[i] = -1;
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("cannot open /proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		long v;

		if (sscanf(line, "%63[^:]: %ld", name, &v) != 2)
			continue;
		for (i = 0; i < 8; i++)
			if (!strcmp(name, meminfo_keys[i]))
				m->meminfo[i] = v;
	}
	fclose(f);

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return;
	m->have_slabinfo = 1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu",
			   name, &a, &n, &sz, &ops, &pps, &as, &ns) != 8)
			continue;
		if (m->ncaches == cap) {
			struct cache *c;

			cap = cap ? 2 * cap : 256;
			c = realloc(m->caches, cap * sizeof(*c));
			if (!c)
				die("out of memory reading /proc/slabinfo");
			m->caches = c;
		}
		snprintf(m->caches[m->ncaches].name, sizeof(m->caches[0].name),
			 "%s", name);
		m->caches[m->ncaches].objs = a;
		m->caches[m->ncaches].objsize = sz;
		m->caches[m->ncaches].pages = ns * pps * (unsigned long)pagesz / 4096;
		m->ncaches++;
	}
	fclose(f);
	(void)n;
	(void)ops;
	(void)as;
}

static const struct cache *cache_find(const struct memsnap *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->ncaches; i++)
		if (!strcmp(m->caches[i].name, name))
			return &m->caches[i];
	return NULL;
}

/* Bytes kmalloc() really takes for @len (SLUB's kmalloc-N caches). */
static unsigned long kmalloc_size(unsigned long len)
{
	static const unsigned long sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256 };
	unsigned long s = 512;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (len <= sizes[i])
			return sizes[i];
	while (s < len)
		s *= 2;
	return s;
}

struct cache_delta {
	const char *name;
	double objs_per_key, bytes_per_key;	/* objects, slab pages */
	unsigned long objsize;
};

static int cmp_delta(const void *a, const void *b)
{
	double x = ((const struct cache_delta *)a)->bytes_per_key;
	double y = ((const struct cache_delta *)b)->bytes_per_key;

	return x > y ? -1 : x < y;
}

/* ---- kvault calls --------------------------------------------------------- */

static void status(struct bench *b, struct kvault_status *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	rc = ioctl_errno(b->fd, KVAULT_IOC_STATUS, st);
	if (rc)
		die("KVAULT_IOC_STATUS: %s", strerror(-rc));
	if (st->size < KVAULT_STATUS_SIZE_VER1)
		die("the module's status has no key count (size %u): it predates vault keys",
		    st->size);
}

static uint32_t nr_keys(struct bench *b)
{
	struct kvault_status st;

	status(b, &st);
	return st.nr_keys;
}

/* Poll until the vault holds @want keys (the keyring GC is asynchronous). */
static double wait_keys(struct bench *b, uint32_t want)
{
	uint64_t t0 = now_ns();
	uint32_t n;

	while ((n = nr_keys(b)) != want) {
		if (now_ns() - t0 > (uint64_t)GC_TIMEOUT_S * 1000000000ULL)
			die("the vault still holds %u keys after %d s (waiting for %u)",
			    n, GC_TIMEOUT_S, want);
		usleep(10000);
	}
	return secs(now_ns() - t0);
}

static void create_keys(struct bench *b, unsigned long from, unsigned long to)
{
	char name[KVAULT_KEY_NAME_MAX];
	unsigned long i;
	uint64_t t0, t1;
	int rc;

	for (i = from; i < to; i++) {
		key_name(b, i, name, sizeof(name));
		t0 = now_ns();
		rc = kv_create(b->fd, name, KEY_ALG, 0, 0, 0, &b->ids[i]);
		t1 = now_ns();
		if (rc == -EDQUOT)
			die("creating key %lu (%s): %s: root's key quota is full (see /proc/key-users)",
			    i, name, strerror(-rc));
		if (rc == -EEXIST)
			die("creating key %lu: a key named %s exists already; start with an empty vault (rmmod kvault) or use --prefix",
			    i, name);
		if (rc)
			die("creating key %lu (%s): KVAULT_IOC_KEY_CREATE: %s", i,
			    name, strerror(-rc));
		b->create_ns[i] = t1 - t0 > UINT32_MAX ? UINT32_MAX :
				  (uint32_t)(t1 - t0);
	}
}

/* One lookup of key @k by method @m; dies on any failure. */
static void lookup(struct bench *b, enum method m, unsigned long k,
		   uint32_t *ns)
{
	char name[KVAULT_KEY_NAME_MAX], reply[2048];
	key_serial_t id = b->ids[k];
	struct kvault_key_op o;
	size_t rlen = sizeof(reply);
	uint64_t t0, t1;
	uint32_t got = 0;
	int rc;

	key_name(b, k, name, sizeof(name));
	t0 = now_ns();
	switch (m) {
	case M_IOCTL_ID:
		rc = kv_op(b->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o);
		break;
	case M_IOCTL_NAME:
		rc = kv_op(b->fd, KVAULT_IOC_KEY_INFO, 0, name, 0, &o);
		break;
	case M_GENL_ID:
		rc = kn_get(&b->g, id, NULL, reply, &rlen);
		break;
	case M_GENL_NAME:
		rc = kn_get(&b->g, 0, name, reply, &rlen);
		break;
	case M_NULL_IOCTL:
		memset(&o, 0, sizeof(o));
		o.size = sizeof(o);
		o.flags = 1;
		rc = ioctl_errno(b->fd, KVAULT_IOC_KEY_INFO, &o);
		break;
	default:
		rc = genl_raw_call(&b->g, KVAULT_CMD_KEY_GET, NULL, 0, reply, &rlen);
		break;
	}
	t1 = now_ns();
	if (m == M_NULL_IOCTL || m == M_NULL_GENL) {
		if (rc != -EINVAL)
			die("%s: %s, expected EINVAL", method_names[m], strerror(-rc));
		*ns = t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
		return;
	}
	if (rc)
		die("%s of key %s (id %d): %s%s%s", method_names[m], name, id,
		    strerror(-rc), b->g.errmsg[0] ? ": " : "", b->g.errmsg);
	if (m == M_IOCTL_ID || m == M_IOCTL_NAME)
		got = (uint32_t)o.id;
	else
		got = nla_u32(reply, rlen, KVAULT_A_KEY_ID, 0);
	if (got != (uint32_t)id)
		die("%s of key %s answered id %u, expected %d", method_names[m],
		    name, got, id);
	*ns = t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
}

static struct lat *res(struct bench *b, enum phase p, enum method m,
		       unsigned int r)
{
	return &b->res[((size_t)p * NMETHODS + (size_t)m) * b->rounds + r];
}

/*
 * One round: --lookups calls of every method on random keys among
 * [0, @pop) for phase @p and, unless @p2 is NPHASES, as many on [0, @pop2)
 * for phase @p2, after a tenth as many untimed ones to warm up. Methods
 * and populations take turns in blocks of BLOCK calls, so that every
 * figure of the round sees the same moments of a busy host.
 */
#define BLOCK 100
static void lookup_round(struct bench *b, enum phase p, unsigned long pop,
			 enum phase p2, unsigned long pop2, unsigned int r)
{
	unsigned long i, j, n = b->lookups, warm = n / 10;
	uint32_t dummy;
	int m;

	for (m = 0; m < NMETHODS; m++)
		for (i = 0; i < warm; i++) {
			lookup(b, (enum method)m, b->seq[n - 1 - i] % pop, &dummy);
			if (p2 < NPHASES)
				lookup(b, (enum method)m, b->seq[n - 1 - i] % pop2, &dummy);
		}
	for (i = 0; i < n; i += BLOCK) {
		unsigned long end = i + BLOCK < n ? i + BLOCK : n;

		for (m = 0; m < NMETHODS; m++) {
			uint32_t *l = b->lat + (size_t)m * n, *l2 = b->lat2 + (size_t)m * n;

			for (j = i; j < end; j++)
				lookup(b, (enum method)m, b->seq[j] % pop, &l[j]);
			for (j = i; p2 < NPHASES && j < end; j++)
				lookup(b, (enum method)m, b->seq[j] % pop2, &l2[j]);
		}
	}
	for (m = 0; m < NMETHODS; m++) {
		*res(b, p, (enum method)m, r) = lat_stats(b->lat + (size_t)m * n, n);
		if (p2 < NPHASES)
			*res(b, p2, (enum method)m, r) =
				lat_stats(b->lat2 + (size_t)m * n, n);
	}
}

/* Median over rounds (and over several phases) of one statistic. */
static double med(struct bench *b, const enum phase *ps, size_t nps,
		  enum method m, int which)
{
	double *v = xcalloc(nps * b->rounds, sizeof(*v)), x;
	size_t i, n = 0;
	unsigned int r;

	for (i = 0; i < nps; i++)
		for (r = 0; r < b->rounds; r++) {
			const struct lat *l = res(b, ps[i], m, r);

			v[n++] = which == 0 ? l->p50 : which == 1 ? l->mean : l->p99;
		}
	x = median(v, n);
	free(v);
	return x;
}

static void dump_cb(void *ctx, const void *a, size_t len)
{
	uint32_t *last = ctx, id = nla_u32(a, len, KVAULT_A_KEY_ID, 0);

	if (!id || id <= *last)
		die("dump: key ids out of order (%u after %u)", id, *last);
	*last = id;
}

/* Dump every key --rounds times; the median time in seconds. */
static double dump_all(struct bench *b, uint32_t expect)
{
	double *t = xcalloc(b->rounds, sizeof(*t)), x;
	unsigned int r;

	for (r = 0; r < b->rounds; r++) {
		uint32_t last = 0;
		uint64_t t0 = now_ns();
		long n = kn_dump_buf(&b->gd, b->dumpbuf, DUMP_BUF, NULL, 0,
				     dump_cb, &last);

		t[r] = secs(now_ns() - t0);
		if (n < 0)
			die("netlink dump (KVAULT_CMD_KEY_GET, NLM_F_DUMP): %s",
			    strerror((int)-n));
		if ((unsigned long)n != expect)
			die("netlink dump returned %ld keys, the vault holds %u",
			    n, expect);
	}
	x = median(t, b->rounds);
	free(t);
	return x;
}

/*
 * `kvaultctl key list` (and --json) with its output to /dev/null: the
 * time, and the peak RSS from wait4(), which stays flat if it streams.
 */
static void cli_list(struct cli_list out[2])
{
	static const char *const argv[2][5] = {
		{ "kvaultctl", "key", "list", NULL },
		{ "kvaultctl", "--json", "key", "list", NULL },
	};
	struct rusage ru;
	uint64_t t0;
	int j, st;
	pid_t pid;

	for (j = 0; j < 2; j++) {
		t0 = now_ns();
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(126);
			execvp(argv[j][0], (char *const *)argv[j]);
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) != pid)
			die("wait4: %s", strerror(errno));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die("%s %s failed (status %#x): is kvaultctl on PATH?",
			    argv[j][0], j ? "--json key list" : "key list", st);
		out[j].secs = secs(now_ns() - t0);
		out[j].maxrss_kib = ru.ru_maxrss;
	}
}

static void destroy_range(struct bench *b, unsigned long from, unsigned long to)
{
	unsigned long i;
	int rc;

	for (i = from; i < to; i++) {
		rc = kv_op(b->fd, KVAULT_IOC_KEY_DESTROY, b->ids[i], NULL, 0, NULL);
		if (rc)
			die("KVAULT_IOC_KEY_DESTROY of key %lu (id %d): %s", i,
			    b->ids[i], strerror(-rc));
	}
}

/* ---- report ----------------------------------------------------------------- */

static void print_creation(struct bench *b)
{
	unsigned long per = b->keys / BUCKETS, i, from, to;
	char k1[24], k2[24], range[56];
	double total = 0;
	int bk;

	printf("\n1. Key creation: KVAULT_IOC_KEY_CREATE, %s, one thread\n",
	       KEY_ALG_NAME);
	printf("   %-15s %10s %10s %10s %10s\n", "keys", "keys/s", "p50 us",
	       "p99 us", "mean us");
	for (bk = 0; bk < BUCKETS; bk++) {
		uint32_t *v;
		struct lat l;
		double sum = 0;

		from = (unsigned long)bk * per;
		to = bk == BUCKETS - 1 ? b->keys : from + per;
		v = xcalloc(to - from, sizeof(*v));
		for (i = from; i < to; i++) {
			v[i - from] = b->create_ns[i];
			sum += b->create_ns[i];
		}
		l = lat_stats(v, to - from);
		free(v);
		total += sum;
		b->create_rate[bk] = (double)(to - from) / (sum / 1e9);
		kfmt(from, k1, sizeof(k1));
		kfmt(to, k2, sizeof(k2));
		snprintf(range, sizeof(range), "%s-%s", k1, k2);
		printf("   %-15s %10.0f %10.1f %10.1f %10.1f\n", range,
		       b->create_rate[bk], l.p50 / 1e3, l.p99 / 1e3, l.mean / 1e3);
	}
	b->create_s = total / 1e9;
	printf("   total: %lu keys in %.1f s of ioctl time = %.0f keys/s\n",
	       b->keys, b->create_s, (double)b->keys / b->create_s);
	printf("   rate of the last tenth / the first tenth: %.2f (1.00 = no slowdown with size)\n",
	       b->create_rate[BUCKETS - 1] / b->create_rate[0]);
}

struct figs {
	double before, after, small, all, hot;
};

/* Medians over rounds of statistic @which (0 p50, 1 mean, 2 p99) of @m. */
static struct figs figures(struct bench *b, enum method m, int which)
{
	static const enum phase small[] = { P_SMALL, P_AFTER };
	static const enum phase ph[NPHASES] = { P_SMALL, P_FULL, P_HOT, P_AFTER };
	struct figs f;

	f.small = med(b, small, b->cleanup ? 2 : 1, m, which);
	f.before = med(b, &ph[P_SMALL], 1, m, which);
	f.after = b->cleanup ? med(b, &ph[P_AFTER], 1, m, which) : 0;
	f.all = med(b, &ph[P_FULL], 1, m, which);
	f.hot = med(b, &ph[P_HOT], 1, m, which);
	return f;
}

static void print_lookups(struct bench *b)
{
	int have_after = b->cleanup, m, which;
	char kn[24];

	kfmt(b->keys, kn, sizeof(kn));
	printf("\n2. Lookup latency, us per call (median over %u rounds of %lu calls on random keys)\n",
	       b->rounds, b->lookups);
	printf("   before = population of %lu keys, before growing%s;\n", b->small,
	       have_after ? "; after = the same, after shrinking back" : "");
	printf("   %s = population of %lu keys, random keys among all; hot = the same population,\n",
	       kn, b->keys);
	printf("   random keys among the first %lu only (the keys of \"before\"). In a round, all\n",
	       b->small);
	printf("   methods (and %s and hot) take turns in blocks of %d calls.\n", kn, BLOCK);
	printf("   ratio = %s / %lu keys (%s; goal <= 1.5: lookups stay flat)\n", kn, b->small,
	       have_after ? "median of before and after" : "before");
	printf("   struct = hot / %lu keys: the cost of the bigger indexes alone, caches warm\n",
	       b->small);
	printf("   cache = %s / hot: cache and TLB misses of a big working set (TCG's software TLB\n", kn);
	printf("   makes these dearer than real hardware does)\n");
	printf("   norm = ratio / the control's ratio: ratio corrected for the host's load drift\n");
	for (which = 0; which < 2; which++) {
		printf("\n   %s\n", which == 0 ? "median call (p50):" : "mean call:");
		printf("   %-26s %7s %7s %7s %7s %6s %6s %6s %6s  %s\n", "method",
		       "before", have_after ? "after" : "-", kn, "hot", "ratio",
		       "struct", "cache", "norm", "goal <= 1.5");
		for (m = 0; m < NMETHODS; m++) {
			struct figs f = figures(b, (enum method)m, which), c;
			int ctl = m >= M_NULL_IOCTL;
			char norm[16];

			c = figures(b, m == M_IOCTL_ID || m == M_IOCTL_NAME ?
				    M_NULL_IOCTL : M_NULL_GENL, which);
			snprintf(norm, sizeof(norm), "%6.2f",
				 (f.all / f.small) / (c.all / c.small));
			printf("   %-26s %7.2f %7.2f %7.2f %7.2f %6.2f %6.2f %6.2f %6s  %s\n",
			       method_names[m], f.before / 1e3, f.after / 1e3,
			       f.all / 1e3, f.hot / 1e3, f.all / f.small,
			       f.hot / f.small, f.all / f.hot, ctl ? "-" : norm,
			       ctl ? "(host drift)" :
			       f.all / f.small <= 1.5 ? "meets" : "ABOVE");
		}
	}
	printf("\n   p99 (median over rounds):\n");
	printf("   %-26s %7s %7s %7s\n", "method", "before", kn, "hot");
	for (m = 0; m < M_NULL_IOCTL; m++) {
		struct figs f = figures(b, (enum method)m, 2);

		printf("   %-26s %7.1f %7.1f %7.1f\n", method_names[m],
		       f.before / 1e3, f.all / 1e3, f.hot / 1e3);
	}
}

/*
 * The other names SLUB merged into cache @name: in /sys/kernel/slab a
 * merged cache is a symlink to a shared ":flags-size" directory.
 */
static void cache_aliases(const char *name, char *out, size_t len)
{
	char path[512], target[256], t2[256];
	size_t used = 0;
	struct dirent *e;
	ssize_t n;
	DIR *d;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s", name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	d = opendir("/sys/kernel/slab");
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_name[0] == ':' ||
		    !strcmp(e->d_name, name))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s", e->d_name);
		n = readlink(path, t2, sizeof(t2) - 1);
		if (n < 0)
			continue;
		t2[n] = '\0';
		if (strcmp(t2, target))
			continue;
		if (used + strlen(e->d_name) + 8 >= len) {
			snprintf(out + used, len - used, ", ...");
			break;
		}
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 used ? ", " : "", e->d_name);
	}
	closedir(d);
}

static void print_memory(struct bench *b, const struct memsnap *m0,
			 const struct memsnap *m1)
{
	double k = (double)b->keys, d[8];
	unsigned long mat = kmalloc_size(KEY_LEN);
	struct cache_delta *cd;
	char alias[80];
	size_t i, n = 0;
	int j;

	for (j = 0; j < 8; j++)
		d[j] = (double)(m1->meminfo[j] - m0->meminfo[j]) * 1024.0;
	b->slab_per_key = d[MI_SLAB] / k;
	b->sunrecl_per_key = d[MI_SUNRECL] / k;
	b->per_key_excl = b->slab_per_key - (double)mat;
	printf("\n4. Kernel memory for %lu keys (settled: sync, drop_caches, 3 s; before and after creating them)\n",
	       b->keys);
	printf("   /proc/meminfo delta: Slab %+.1f MiB (SUnreclaim %+.1f, SReclaimable %+.1f), VmallocUsed %+.1f,\n",
	       d[MI_SLAB] / 1048576, d[MI_SUNRECL] / 1048576,
	       d[MI_SRECL] / 1048576, d[MI_VMALLOC] / 1048576);
	printf("   Percpu %+.1f, MemAvailable %+.1f MiB\n", d[MI_PERCPU] / 1048576,
	       d[MI_AVAIL] / 1048576);
	printf("   per key: Slab %.0f B (SUnreclaim %.0f B, SReclaimable %.0f B)\n",
	       b->slab_per_key, b->sunrecl_per_key, d[MI_SRECL] / k);
	printf("   per key without key material: %.0f B  (= Slab delta / keys - %lu B)\n",
	       b->per_key_excl, mat);
	printf("   Material: each version's %u bytes (%s) are a kmalloc(%u) of their own, taking\n",
	       KEY_LEN, KEY_ALG_NAME, KEY_LEN);
	printf("   %lu bytes in kmalloc-%lu; that is what is subtracted (one version per key here).\n",
	       mat, mat);
	printf("   Included: all other slab memory the keys cost: struct key (key_jar), its\n");
	printf("   description, struct kvault_key, the version record, the ID-ordered maple tree's\n");
	printf("   nodes (maple_node), the keyring's assoc_array nodes, the ID and name\n");
	printf("   rhashtables' bucket tables (kvmalloc: a large kmalloc is pages that SUnreclaim\n");
	printf("   counts; if it falls back to vmalloc, it is in VmallocUsed instead), and slab\n");
	printf("   fragmentation. Not included: VmallocUsed, per-CPU memory, page tables; noise from\n");
	printf("   dentries and inodes (SReclaimable) is reduced by dropping caches before both readings.\n");
	if (!m0->have_slabinfo || !m1->have_slabinfo) {
		printf("   (/proc/slabinfo is not readable: no per-cache breakdown)\n");
		return;
	}
	cd = xcalloc(m1->ncaches, sizeof(*cd));
	for (i = 0; i < m1->ncaches; i++) {
		const struct cache *c1 = &m1->caches[i], *c0 = cache_find(m0, c1->name);
		double dobjs = (double)c1->objs - (c0 ? (double)c0->objs : 0);
		double dpages = (double)c1->pages - (c0 ? (double)c0->pages : 0);

		if (dpages * 4096 / k < 2 && dobjs / k < 0.05)
			continue;
		cd[n].name = c1->name;
		cd[n].objs_per_key = dobjs / k;
		cd[n].bytes_per_key = dpages * 4096 / k;
		cd[n].objsize = c1->objsize;
		n++;
	}
	qsort(cd, n, sizeof(*cd), cmp_delta);
	printf("   By slab cache (/proc/slabinfo delta of active objects and of slab pages; SLUB\n");
	printf("   merges caches of like size and flags, listed from /sys/kernel/slab):\n");
	printf("   %-24s %8s %12s %10s\n", "cache", "objsize", "objects/key",
	       "bytes/key");
	for (i = 0; i < n && i < 10; i++) {
		printf("   %-24s %8lu %12.2f %10.0f\n", cd[i].name, cd[i].objsize,
		       cd[i].objs_per_key, cd[i].bytes_per_key);
		cache_aliases(cd[i].name, alias, sizeof(alias));
		if (alias[0])
			printf("   %-24s also: %s\n", "", alias);
	}
	free(cd);
}

static void write_json(struct bench *b, double lat[NPHASES][NMETHODS])
{
	FILE *f = fopen(b->json, "w");
	int m;

	if (!f)
		die("cannot write %s: %s", b->json, strerror(errno));
	fprintf(f, "{\n  \"keys\": %lu, \"small\": %lu, \"rounds\": %u, \"lookups\": %lu,\n",
		b->keys, b->small, b->rounds, b->lookups);
	fprintf(f, "  \"create_seconds\": %.3f, \"create_keys_per_s\": %.1f,\n",
		b->create_s, (double)b->keys / b->create_s);
	fprintf(f, "  \"create_rate_first_tenth\": %.1f, \"create_rate_last_tenth\": %.1f,\n",
		b->create_rate[0], b->create_rate[BUCKETS - 1]);
	fprintf(f, "  \"lookup_p50_ns\": {\n");
	for (m = 0; m < NMETHODS; m++)
		fprintf(f, "    \"%s\": {\"small\": %.0f, \"all\": %.0f, \"hot\": %.0f, \"ratio\": %.3f}%s\n",
			method_names[m], lat[P_SMALL][m], lat[P_FULL][m],
			lat[P_HOT][m], lat[P_FULL][m] / lat[P_SMALL][m],
			m == NMETHODS - 1 ? "" : ",");
	fprintf(f, "  },\n  \"dump_seconds\": %.4f, \"dump_keys_per_s\": %.1f,\n",
		b->dump_s_all, (double)b->keys / b->dump_s_all);
	fprintf(f, "  \"slab_bytes_per_key\": %.1f, \"sunreclaim_bytes_per_key\": %.1f,\n",
		b->slab_per_key, b->sunrecl_per_key);
	fprintf(f, "  \"bytes_per_key_without_material\": %.1f,", b->per_key_excl);
	fprintf(f, "  \"destroyed\": %lu, \"destroy_seconds\": %.3f, \"gc_seconds\": %.3f\n}\n",
		b->destroyed, b->destroy_s, b->gc_s);
	if (fclose(f))
		die("cannot write %s: %s", b->json, strerror(errno));
}

/* ---- main ------------------------------------------------------------------- */

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: kvault_bench [--keys N (100000)] [--small N (100)] [--rounds N (5)]\n"
		"                    [--lookups N (20000)] [--seed S (1)] [--prefix P (kvb-)]\n"
		"                    [--json FILE] [--no-cleanup]\n");
	exit(rc);
}

static unsigned long parse_num(const char *opt, const char *s, unsigned long min,
			       unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "kvault_bench: %s wants a number from %lu to %lu, not '%s'\n",
			opt, min, max, s);
		exit(2);
	}
	return v;
}

static void parse_args(struct bench *b, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "small", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "lookups", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 'S' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "no-cleanup", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	b->keys = 100000;
	b->small = 100;
	b->rounds = 5;
	b->lookups = 20000;
	b->seed = 1;
	b->prefix = "kvb-";
	b->cleanup = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'k': b->keys = parse_num("--keys", optarg, 1, MAX_KEYS); break;
		case 's': b->small = parse_num("--small", optarg, 1, MAX_KEYS); break;
		case 'r': b->rounds = (unsigned int)parse_num("--rounds", optarg, 1, 1000); break;
		case 'l': b->lookups = parse_num("--lookups", optarg, 10, 100000000); break;
		case 'S': b->seed = parse_num("--seed", optarg, 1, ~0UL); break;
		case 'p': b->prefix = optarg; break;
		case 'j': b->json = optarg; break;
		case 'n': b->cleanup = 0; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kvault_bench: unexpected argument '%s'", argv[optind]);
		usage(2);
	}
	if (b->keys < 10 * b->small) {
		fprintf(stderr, "kvault_bench: --keys (%lu) must be at least 10 x --small (%lu)\n",
			b->keys, b->small);
		exit(2);
	}
	if (strlen(b->prefix) + NAME_DIGITS >= KVAULT_KEY_NAME_MAX ||
	    !name_ok(b->prefix)) {
		fprintf(stderr, "kvault_bench: --prefix must be printable ASCII without spaces, at most %d bytes\n",
			KVAULT_KEY_NAME_MAX - NAME_DIGITS - 1);
		exit(2);
	}
}

static void print_dump(struct bench *b, uint32_t small_n, uint32_t all_n)
{
	printf("\n3. Netlink dump: KVAULT_CMD_KEY_GET with NLM_F_DUMP, %u KiB receive buffer (median of %u)\n",
	       DUMP_BUF >> 10, b->rounds);
	printf("   %u keys in %.3f s = %.0f keys/s\n", all_n, b->dump_s_all,
	       (double)all_n / b->dump_s_all);
	printf("   %u keys in %.4f s = %.0f keys/s (per-key time at %u / at %u: %.2f)\n",
	       small_n, b->dump_s_small, (double)small_n / b->dump_s_small,
	       all_n, small_n,
	       (b->dump_s_all / all_n) / (b->dump_s_small / small_n));
	printf("   kvaultctl key list, output to /dev/null (one run each; peak RSS from wait4):\n");
	printf("     text:   %u keys in %.2f s, %ld KiB; %u keys in %.3f s, %ld KiB\n",
	       all_n, b->list_all[0].secs, b->list_all[0].maxrss_kib,
	       small_n, b->list_small[0].secs, b->list_small[0].maxrss_kib);
	printf("     --json: %u keys in %.2f s, %ld KiB; %u keys in %.3f s, %ld KiB\n",
	       all_n, b->list_all[1].secs, b->list_all[1].maxrss_kib,
	       small_n, b->list_small[1].secs, b->list_small[1].maxrss_kib);
}

static void print_cleanup(struct bench *b, double rest_s, const struct memsnap *m0,
			  const struct memsnap *m2)
{
	unsigned long rest = b->keys - b->destroyed;

	printf("\n5. Cleanup: KVAULT_IOC_KEY_DESTROY by ID (wipes, invalidates; the keyring GC frees)\n");
	printf("   %lu keys destroyed in %.1f s = %.0f keys/s; the keyring GC freed them %.1f s later\n",
	       b->destroyed, b->destroy_s, (double)b->destroyed / b->destroy_s,
	       b->gc_s);
	printf("   (%.0f keys/s from the first destroy to the last free)\n",
	       (double)b->destroyed / (b->destroy_s + b->gc_s));
	printf("   the last %lu keys: destroyed and freed in %.2f s\n", rest, rest_s);
	printf("   after cleanup (settled): SUnreclaim %+.1f KiB, Slab %+.1f KiB against the start\n",
	       (double)(m2->meminfo[MI_SUNRECL] - m0->meminfo[MI_SUNRECL]),
	       (double)(m2->meminfo[MI_SLAB] - m0->meminfo[MI_SLAB]));
}

int main(int argc, char **argv)
{
	struct memsnap m0, m1, m2;
	struct kvault_status st;
	struct bench b;
	struct utsname u;
	double lat[NPHASES][NMETHODS], rest_s = 0;
	uint32_t small_n, all_n;
	uint64_t s, t0;
	unsigned long i;
	unsigned int r;
	int rc, bufsz = 8 << 20, m;

	memset(&b, 0, sizeof(b));
	memset(&m2, 0, sizeof(m2));
	parse_args(&b, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	b.fd = kvault_dev_open();
	if (b.fd < 0)
		die("cannot open %s: %s (is kvault.ko loaded, are we root?)",
		    KVAULT_DEV, strerror(-b.fd));
	status(&b, &st);
	b.base_keys = st.nr_keys;
	rc = genl_raw_open(&b.g);
	if (!rc)
		rc = genl_raw_open(&b.gd);
	if (rc)
		die("cannot open the \"%s\" generic netlink family: %s",
		    KVAULT_GENL_NAME, strerror(-rc));
	if (setsockopt(b.gd.fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) &&
	    setsockopt(b.gd.fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz)))
		die("setsockopt SO_RCVBUF: %s", strerror(errno));
	b.dumpbuf = xcalloc(1, DUMP_BUF);
	b.ids = xcalloc(b.keys, sizeof(*b.ids));
	b.create_ns = xcalloc(b.keys, sizeof(*b.create_ns));
	b.seq = xcalloc(b.lookups, sizeof(*b.seq));
	b.lat = xcalloc((size_t)NMETHODS * b.lookups, sizeof(*b.lat));
	b.lat2 = xcalloc((size_t)NMETHODS * b.lookups, sizeof(*b.lat2));
	b.res = xcalloc((size_t)NPHASES * NMETHODS * b.rounds, sizeof(*b.res));
	for (s = b.seed, i = 0; i < b.lookups; i++)
		b.seq[i] = (unsigned long)(rng_next(&s) >> 1);

	if (uname(&u))
		die("uname: %s", strerror(errno));
	printf("kvault benchmark: kernel %s, kvault %s (ABI %u), TPM %s\n",
	       u.release, st.module_version, st.abi_version,
	       st.tpm_flags & KVAULT_TPM_PRESENT ? "present (key material mixes in TPM2_GetRandom)" : "absent");
	printf("keys: %lu (%s); lookups: %u rounds x %lu calls per method and population, seed %llu\n",
	       b.keys, KEY_ALG_NAME, b.rounds, b.lookups, (unsigned long long)b.seed);
	if (b.base_keys)
		printf("note: the vault held %u keys before the benchmark; they are counted in dumps\n",
		       b.base_keys);
	quota_check(&b);

	progress("settling, reading memory counters");
	settle();
	mem_read(&m0);

	progress("creating %lu keys, lookups at %lu keys", b.small, b.small);
	create_keys(&b, 0, b.small);
	small_n = b.base_keys + (uint32_t)b.small;
	if (nr_keys(&b) != small_n)
		die("the vault holds %u keys, expected %u", nr_keys(&b), small_n);
	for (r = 0; r < b.rounds; r++)
		lookup_round(&b, P_SMALL, b.small, NPHASES, 0, r);
	b.dump_s_small = dump_all(&b, small_n);
	cli_list(b.list_small);

	progress("creating keys %lu-%lu", b.small, b.keys);
	t0 = now_ns();
	for (i = b.small; i < b.keys; ) {
		unsigned long to = i + b.keys / BUCKETS;

		to = to > b.keys ? b.keys : to;
		create_keys(&b, i, to);
		i = to;
		progress("%lu keys, %.0f s", i, secs(now_ns() - t0));
	}
	all_n = b.base_keys + (uint32_t)b.keys;
	if (nr_keys(&b) != all_n)
		die("the vault holds %u keys, expected %u", nr_keys(&b), all_n);
	progress("settling, reading memory counters");
	settle();
	mem_read(&m1);

	progress("lookups at %lu keys", b.keys);
	for (r = 0; r < b.rounds; r++) {
		lookup_round(&b, P_FULL, b.keys, P_HOT, b.small, r);
		progress("round %u done", r + 1);
	}
	progress("dumps at %lu keys", b.keys);
	b.dump_s_all = dump_all(&b, all_n);
	progress("kvaultctl key list at %lu keys", b.keys);
	cli_list(b.list_all);

	if (b.cleanup) {
		progress("destroying %lu keys", b.keys - b.small);
		t0 = now_ns();
		destroy_range(&b, b.small, b.keys);
		b.destroy_s = secs(now_ns() - t0);
		b.destroyed = b.keys - b.small;
		b.gc_s = wait_keys(&b, small_n);
		progress("lookups at %lu keys again", b.small);
		for (r = 0; r < b.rounds; r++)
			lookup_round(&b, P_AFTER, b.small, NPHASES, 0, r);
		t0 = now_ns();
		destroy_range(&b, 0, b.small);
		wait_keys(&b, b.base_keys);
		rest_s = secs(now_ns() - t0);
		settle();
		mem_read(&m2);
	}

	for (m = 0; m < NMETHODS; m++) {
		struct figs f = figures(&b, (enum method)m, 0);

		lat[P_SMALL][m] = f.small;
		lat[P_FULL][m] = f.all;
		lat[P_HOT][m] = f.hot;
		lat[P_AFTER][m] = f.after;
	}
	print_creation(&b);
	print_lookups(&b);
	print_dump(&b, small_n, all_n);
	print_memory(&b, &m0, &m1);
	if (b.cleanup) {
		print_cleanup(&b, rest_s, &m0, &m2);
		quota_restore();
	} else {
		printf("\n5. Cleanup: skipped (--no-cleanup); %lu keys stay until rmmod\n", b.keys);
	}
	if (b.json)
		write_json(&b, lat);
	mem_free(&m0);
	mem_free(&m1);
	mem_free(&m2);
	genl_raw_close(&b.g);
	genl_raw_close(&b.gd);
	close(b.fd);
	free(b.dumpbuf);
	free(b.ids);
	free(b.create_ns);
	free(b.seq);
	free(b.lat);
	free(b.lat2);
	free(b.res);
	return 0;
}
