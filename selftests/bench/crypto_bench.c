// SPDX-License-Identifier: GPL-2.0
/*
 * crypto_bench: what using a vault key by reference costs the kernel's
 * crypto (issue 6): kvault(ALG) against the plain ALG keyed with the same
 * bytes, side by side in one run.
 *
 * A benchmark, not a test: it prints figures and ratios and never fails on
 * speed. It exits non-zero only when it cannot run (no module, a missing
 * template, a call that fails) or when kvault(ALG) and ALG disagree on the
 * output for the same key bytes (then the comparison would mean nothing).
 * Runs as root in the guest with kvault.ko loaded (scripts/bench.sh,
 * `make bench`). It turns the module parameter allow_plaintext_import on
 * for the run (and restores it), so that it can import one random key
 * into the vault and give the same bytes to the plain algorithm.
 *
 *  1. dm-crypt: three mappings over three loop devices backed by tmpfs
 *     files (the disk is not the bottleneck): one
 *     "capi:kvault(xts(aes))-plain64 REF" and two "capi:xts(aes)-plain64
 *     HEXKEY" with the same aes-xts-512 material. First the ciphertext
 *     kvault's and a plain one write to their loop devices is compared (it
 *     must be equal); then, each round, sequential O_DIRECT writes and then
 *     reads of --mib MiB per mapping in 1 MiB requests, caches dropped
 *     before each.
 *  2. AF_ALG through libkcapi: kvault(cbc(aes)), kvault(gcm(aes)) and
 *     kvault(hmac(sha256)) against two sockets each of cbc(aes), gcm(aes)
 *     and hmac(sha256), each algorithm with its own imported key, one
 *     request per buffer of each of --sizes, --alg-mib MiB per socket and
 *     round. Outputs compared first.
 *
 * The three take turns chunk by chunk (1 MiB for dm-crypt, 256 KiB of
 * requests for AF_ALG; who goes first rotates), so that the host's load,
 * which moves a lot on a shared machine under TCG, hits all three alike.
 * A side's throughput in a round is the chunk size over its median chunk
 * time (a chunk that lost the CPU to another process does not count). A
 * round's ratio is kvault's throughput over the mean of the two plain
 * ones; its control is the second plain one over the first (the noise
 * floor of the ratio). The report gives the median over --rounds of each,
 * the range of the ratios, and the median throughput of each side.
 * As both sides run the same inner transform on the same bytes, what
 * separates the ratio from 1 is what kvault adds to every request: the
 * check that the key is still usable (revocation, expiry, state) and the
 * per-CPU usage accounting.
 *
 * usage: crypto_bench [--rounds N (9)] [--mib N (64)] [--alg-mib N (16)]
 *                     [--sizes LIST (4096,65536)] [--sector-size N (512)]
 *                     [--no-dm] [--no-afalg] [--keep]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <kcapi.h>

#include "test_util.h"
#include "key_util.h"
#include "crypto_util.h"

#define WORK		"/tmp/crypto-bench"
#define IO_BS		(1U << 20)
#define MAX_SIZES	8
#define MAX_ROUNDS	1000
#define MAX_CHUNKS	4096

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif
#ifndef KEY_SPEC_SESSION_KEYRING
#define KEY_SPEC_SESSION_KEYRING -3
#endif

static unsigned int rounds = 9, mib = 64, alg_mib = 16, sector_size = 512;
static size_t sizes[MAX_SIZES] = { 4096, 65536 };
static unsigned int nsizes = 2;
static int do_dm = 1, do_afalg = 1, keep;
static long old_import = -1;

/*
 * The three sides of every measurement: two plain instances (so that their
 * ratio shows the noise) and kvault's, taking turns chunk by chunk.
 */
enum side { S_PLAIN1, S_KVAULT, S_PLAIN2, NSIDES };

/* One measured workload: MB/s of each side, per round. */
struct series {
	double mbps[NSIDES][MAX_ROUNDS];
};

/* Does chunk @i of a round on side @s. */
typedef void (*step_fn)(void *ctx, enum side s, size_t i);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cleanup(void);

static void __attribute__((noreturn)) die(const char *what, long rc)
{
	fprintf(stderr, "crypto_bench: %s: %s\n", what, strerror((int)(rc < 0 ? -rc : rc)));
	cleanup();
	exit(1);
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	static double t[MAX_CHUNKS > 2 * MAX_ROUNDS ? MAX_CHUNKS : 2 * MAX_ROUNDS];

	memcpy(t, v, n * sizeof(*v));
	qsort(t, n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void fill_random(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0)
			die("getrandom", errno);
		p += r;
		n -= (size_t)r;
	}
}

/*
 * Import @len random bytes as vault key @name of algorithm @alg with usage
 * crypto-api into our session keyring; the bytes go to @material.
 */
static key_serial_t import_key(const char *name, const char *alg,
			       uint8_t *material, size_t len)
{
	char hex[2 * 128 + 1], payload[512];
	key_serial_t id;

	fill_random(material, len);
	hex_encode(material, len, hex);
	snprintf(payload, sizeof(payload), "import %s %s usage=crypto-api", alg, hex);
	id = kt_add(name, payload, KEY_SPEC_SESSION_KEYRING);
	memset(hex, 0, sizeof(hex));
	memset(payload, 0, sizeof(payload));
	if (id < 0)
		die("keyctl add kvault (import with allow_plaintext_import=1)", id);
	return id;
}

/* ---- report ------------------------------------------------------------ */

static void print_header(void)
{
	printf("%-22s %11s %11s %7s %15s %8s\n", "", "plain MB/s", "kvault MB/s",
	       "ratio", "(min..max)", "control");
}

static void print_series(const char *label, const struct series *s)
{
	double ratio[MAX_ROUNDS] = { 0 }, ctl[MAX_ROUNDS] = { 0 }, lo = 1e30, hi = 0;
	double plain[2 * MAX_ROUNDS] = { 0 };
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		double p1 = s->mbps[S_PLAIN1][i], p2 = s->mbps[S_PLAIN2][i];

		ratio[i] = s->mbps[S_KVAULT][i] / ((p1 + p2) / 2);
		ctl[i] = p2 / p1;
		lo = ratio[i] < lo ? ratio[i] : lo;
		hi = ratio[i] > hi ? ratio[i] : hi;
		plain[2 * i] = p1;
		plain[2 * i + 1] = p2;
	}
	printf("%-22s %11.1f %11.1f %7.3f %7.3f..%-6.3f %8.3f\n", label,
	       median(plain, 2 * rounds), median(s->mbps[S_KVAULT], rounds),
	       median(ratio, rounds), lo, hi, median(ctl, rounds));
	fflush(stdout);
}

/*
 * Round @r of @s: @n chunks of @chunk bytes per side, each chunk done by the
 * three sides in turn (who goes first rotates), so that a change in the
 * host's load hits all three alike. A side's throughput in the round is
 * @chunk over its median chunk time: a chunk that lost the CPU to another
 * process on the host (milliseconds, on a loaded machine) does not count.
 * @finish (if any) ends a side's pass, untimed.
 */
static void interleave(struct series *s, unsigned int r, size_t n, size_t chunk,
		       step_fn step, void (*finish)(void *ctx, enum side s), void *ctx)
{
	static double t[NSIDES][MAX_CHUNKS];
	double t0;
	size_t i;
	int k;

	if (n > MAX_CHUNKS)
		n = MAX_CHUNKS;
	for (i = 0; i < n; i++) {
		for (k = 0; k < NSIDES; k++) {
			enum side sd = (enum side)(((size_t)k + i) % NSIDES);

			t0 = now();
			step(ctx, sd, i);
			t[sd][i] = now() - t0;
		}
	}
	for (k = 0; k < NSIDES; k++) {
		if (finish)
			finish(ctx, (enum side)k);
		s->mbps[k][r] = (double)chunk / 1e6 / median(t[k], (unsigned int)n);
	}
}

/* ---- dm-crypt ---------------------------------------------------------- */

static const char *const dm_names[NSIDES] = { "kvb-plain", "kvb-kvault", "kvb-plain2" };
static char loops[NSIDES][64];
static int dm_made;

static void sh(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sh(const char *what, const char *fmt, ...)
{
	char cmd[1024], out[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = run_capture(out, sizeof(out), "%s 2>&1", cmd);
	if (rc) {
		fprintf(stderr, "crypto_bench: %s failed (exit %d): %s\n%s", what, rc, cmd, out);
		cleanup();
		exit(1);
	}
}

static void make_loop(const char *file, char *dev, size_t devlen)
{
	char out[256];
	size_t n;

	sh("truncate", "truncate -s %uM %s", mib, file);
	if (run_capture(out, sizeof(out), "losetup -f --show %s", file) || out[0] != '/')
		die("losetup", EIO);
	n = strcspn(out, "\n");
	if (n >= devlen)
		die("losetup: device name too long", EINVAL);
	memcpy(dev, out, n);
	dev[n] = 0;
}

static void drop_caches(void)
{
	sync();
	write_long_file("/proc/sys/vm/drop_caches", 3);
}

struct dm_pass {
	int fd[NSIDES];
	int wr;
	uint8_t *buf;
};

/* 1 MiB at offset @i MiB of side @sd's mapping, O_DIRECT. */
static void dm_step(void *ctx, enum side sd, size_t i)
{
	struct dm_pass *p = ctx;
	off_t off = (off_t)(i * IO_BS);
	ssize_t r = p->wr ? pwrite(p->fd[sd], p->buf, IO_BS, off)
			  : pread(p->fd[sd], p->buf, IO_BS, off);

	if (r != (ssize_t)IO_BS)
		die(p->wr ? "write to a mapping" : "read from a mapping", r < 0 ? errno : EIO);
}

static void dm_finish(void *ctx, enum side sd)
{
	struct dm_pass *p = ctx;

	if (p->wr && fdatasync(p->fd[sd]))
		die("fdatasync", errno);
}

/* One round's sequential pass over the three mappings, interleaved. */
static void dm_round(struct series *s, unsigned int r, int wr, uint8_t *buf)
{
	struct dm_pass p = { .wr = wr, .buf = buf };
	char dev[128];
	int k;

	drop_caches();
	for (k = 0; k < NSIDES; k++) {
		snprintf(dev, sizeof(dev), "/dev/mapper/%s", dm_names[k]);
		p.fd[k] = open(dev, (wr ? O_WRONLY : O_RDONLY) | O_DIRECT);
		if (p.fd[k] < 0)
			die(dev, errno);
	}
	interleave(s, r, mib, IO_BS, dm_step, dm_finish, &p);
	for (k = 0; k < NSIDES; k++)
		close(p.fd[k]);
}

/* The first MiB of @dev into @out. */
static void read_head(const char *dev, uint8_t *out)
{
	int fd = open(dev, O_RDONLY | O_DIRECT);

	if (fd < 0)
		die(dev, errno);
	if (pread(fd, out, IO_BS, 0) != (ssize_t)IO_BS)
		die("read the loop device", errno ? errno : EIO);
	close(fd);
}

static void bench_dm(void)
{
	static struct series wr, rd;
	uint8_t key[64], ref[KVAULT_KEY_REF_MAX_SIZE];
	char hexkey[129], hexref[2 * KVAULT_KEY_REF_MAX_SIZE + 1], file[64];
	uint8_t *buf, *a, *b;
	unsigned long sectors = (unsigned long)mib << 11;
	key_serial_t id;
	unsigned int i;
	size_t rlen;
	int k;

	sh("modprobe", "modprobe -a loop dm-crypt");
	dm_made = 1;
	sh("mkdir", "mkdir -p %s && (mountpoint -q %s || mount -t tmpfs -o size=%uM bench %s)",
	   WORK, WORK, NSIDES * mib + 8, WORK);
	for (k = 0; k < NSIDES; k++) {
		snprintf(file, sizeof(file), WORK "/%s.img", dm_names[k]);
		make_loop(file, loops[k], sizeof(loops[k]));
	}

	id = import_key("crypto-bench-xts", "aes-xts-512", key, sizeof(key));
	hex_encode(key, sizeof(key), hexkey);
	rlen = cu_ref_id(ref, id, 0);
	hex_encode(ref, rlen, hexref);
	for (k = 0; k < NSIDES; k++)
		sh("dmsetup create",
		   "dmsetup create %s --table '0 %lu crypt capi:%s-plain64 %s 0 %s 0 1 sector_size:%u'",
		   dm_names[k], sectors, k == S_KVAULT ? "kvault(xts(aes))" : "xts(aes)",
		   k == S_KVAULT ? hexref : hexkey, loops[k], sector_size);
	memset(hexkey, 0, sizeof(hexkey));
	memset(key, 0, sizeof(key));
	/* the guest has no udev: make the /dev/mapper nodes */
	sh("dmsetup mknodes", "dmsetup mknodes");
	progress("dm-crypt: %s on %s, %s on %s, %s on %s", dm_names[0], loops[0],
		 dm_names[1], loops[1], dm_names[2], loops[2]);

	if (posix_memalign((void **)&buf, 4096, IO_BS) ||
	    posix_memalign((void **)&a, 4096, IO_BS) ||
	    posix_memalign((void **)&b, 4096, IO_BS))
		die("posix_memalign", ENOMEM);
	fill_random(buf, IO_BS);

	/* Same key, same data, same sectors: the same ciphertext on disk. */
	dm_round(&wr, 0, 1, buf);
	read_head(loops[S_PLAIN1], a);
	read_head(loops[S_KVAULT], b);
	if (memcmp(a, b, IO_BS)) {
		fprintf(stderr, "crypto_bench: kvault(xts(aes)) and xts(aes) wrote different ciphertext with the same key bytes\n");
		cleanup();
		exit(1);
	}
	progress("dm-crypt: equal ciphertext on the loop devices");

	for (i = 0; i < rounds; i++) {
		dm_round(&wr, i, 1, buf);
		dm_round(&rd, i, 0, buf);
		progress("dm-crypt round %u: write %.1f/%.1f/%.1f read %.1f/%.1f/%.1f MB/s "
			 "(plain/kvault/plain)", i + 1,
			 wr.mbps[0][i], wr.mbps[1][i], wr.mbps[2][i],
			 rd.mbps[0][i], rd.mbps[1][i], rd.mbps[2][i]);
	}
	free(buf);
	free(a);
	free(b);

	printf("1. dm-crypt, sequential O_DIRECT I/O in 1 MiB requests, %u MiB per mapping and\n"
	       "   pass, %u-byte sectors, each mapping on a loop device over a tmpfs file;\n"
	       "   capi:kvault(xts(aes))-plain64 with a key reference against two\n"
	       "   capi:xts(aes)-plain64 with the same aes-xts-512 bytes (ciphertext checked equal),\n"
	       "   the three taking turns request by request\n",
	       mib, sector_size);
	print_header();
	print_series("   write", &wr);
	print_series("   read", &rd);
	printf("\n");
}

/* ---- AF_ALG ------------------------------------------------------------ */

enum kind { K_SKCIPHER, K_AEAD, K_HASH };

struct afalg {
	const char *alg;	/* the plain algorithm */
	const char *key_alg;	/* the vault key's algorithm */
	size_t keylen;
	enum kind kind;
	int optional;		/* a missing kvault(alg) is noted, not fatal */
};

static const struct afalg afalgs[] = {
	{ "cbc(aes)", "aes-256", 32, K_SKCIPHER, 0 },
	{ "gcm(aes)", "aes-256", 32, K_AEAD, 0 },
	{ "hmac(sha256)", "hmac-sha256", 32, K_HASH, 1 },
};

#define AEAD_ASSOC	16U
#define AEAD_TAG	16U

/* A bound and keyed handle; NULL if @name is optional and missing. */
static struct kcapi_handle *afalg_open(const struct afalg *a, const char *name,
				       const uint8_t *key, size_t keylen)
{
	struct kcapi_handle *h = NULL;
	char what[128];
	int rc;

	switch (a->kind) {
	case K_SKCIPHER:
		rc = kcapi_cipher_init(&h, name, 0);
		break;
	case K_AEAD:
		rc = kcapi_aead_init(&h, name, 0);
		break;
	default:
		rc = kcapi_md_init(&h, name, 0);
		break;
	}
	snprintf(what, sizeof(what), "AF_ALG bind %s", name);
	if (rc == -ENOENT && a->optional)
		return NULL;
	if (rc)
		die(what, rc);
	switch (a->kind) {
	case K_SKCIPHER:
		rc = kcapi_cipher_setkey(h, key, (uint32_t)keylen);
		break;
	case K_AEAD:
		rc = kcapi_aead_setkey(h, key, (uint32_t)keylen);
		if (!rc)
			rc = kcapi_aead_settaglen(h, AEAD_TAG);
		kcapi_aead_setassoclen(h, AEAD_ASSOC);
		break;
	default:
		rc = kcapi_md_setkey(h, key, (uint32_t)keylen);
		break;
	}
	snprintf(what, sizeof(what), "AF_ALG setkey %s", name);
	if (rc)
		die(what, rc);
	return h;
}

static void afalg_close(const struct afalg *a, struct kcapi_handle *h)
{
	if (a->kind == K_SKCIPHER)
		kcapi_cipher_destroy(h);
	else if (a->kind == K_AEAD)
		kcapi_aead_destroy(h);
	else
		kcapi_md_destroy(h);
}

/* One request of @len bytes; the output length. */
static ssize_t afalg_op(const struct afalg *a, struct kcapi_handle *h,
			const uint8_t *in, size_t len, uint8_t *out, size_t outlen)
{
	static const uint8_t iv[16];

	switch (a->kind) {
	case K_SKCIPHER:
		return kcapi_cipher_encrypt(h, in, len, iv, out, outlen,
					    KCAPI_ACCESS_HEURISTIC);
	case K_AEAD:
		return kcapi_aead_encrypt(h, in, AEAD_ASSOC + len, iv, out, outlen,
					  KCAPI_ACCESS_HEURISTIC);
	default:
		return kcapi_md_digest(h, in, len, out, outlen);
	}
}

/* Requests per chunk: about AFALG_CHUNK bytes between turns. */
#define AFALG_CHUNK	(256U << 10)

struct afalg_pass {
	const struct afalg *a;
	struct kcapi_handle *h[NSIDES];
	const uint8_t *in;
	uint8_t *out;
	size_t len, outlen, per_chunk;
};

static void afalg_step(void *ctx, enum side sd, size_t i)
{
	struct afalg_pass *p = ctx;
	size_t k;

	(void)i;
	for (k = 0; k < p->per_chunk; k++) {
		ssize_t r = afalg_op(p->a, p->h[sd], p->in, p->len, p->out, p->outlen);

		if (r < 0)
			die(p->a->alg, r);
	}
}

static void bench_afalg(void)
{
	static struct series s;
	struct afalg_pass p;
	uint8_t key[64], ref[KVAULT_KEY_REF_MAX_SIZE], *in, *o1, *o2;
	size_t maxlen = 0, outlen, olen;
	char name[64], label[64];
	unsigned int a, j, i;
	ssize_t r1, r2;
	int k;

	sh("modprobe", "modprobe -a algif_skcipher algif_aead algif_hash");
	for (j = 0; j < nsizes; j++)
		maxlen = sizes[j] > maxlen ? sizes[j] : maxlen;
	outlen = maxlen + AEAD_ASSOC + AEAD_TAG;
	if (posix_memalign((void **)&in, 4096, outlen) ||
	    posix_memalign((void **)&o1, 4096, outlen) ||
	    posix_memalign((void **)&o2, 4096, outlen))
		die("posix_memalign", ENOMEM);
	fill_random(in, outlen);

	printf("2. AF_ALG through libkcapi, one request per buffer, %u MiB per socket and\n"
	       "   round; kvault(ALG) with a key reference against two ALG sockets with the\n"
	       "   same bytes (outputs checked equal), the three taking turns every %u KiB\n",
	       alg_mib, AFALG_CHUNK >> 10);
	print_header();
	for (a = 0; a < sizeof(afalgs) / sizeof(afalgs[0]); a++) {
		const struct afalg *al = &afalgs[a];
		key_serial_t id;
		size_t rlen;

		snprintf(name, sizeof(name), "crypto-bench-%.*s", (int)strcspn(al->alg, "("),
			 al->alg);
		id = import_key(name, al->key_alg, key, al->keylen);
		rlen = cu_ref_id(ref, id, 0);
		p.a = al;
		p.h[S_PLAIN1] = afalg_open(al, al->alg, key, al->keylen);
		p.h[S_PLAIN2] = afalg_open(al, al->alg, key, al->keylen);
		memset(key, 0, sizeof(key));
		if (!p.h[S_PLAIN1] || !p.h[S_PLAIN2])
			die(al->alg, ENOENT);
		snprintf(name, sizeof(name), "kvault(%s)", al->alg);
		p.h[S_KVAULT] = afalg_open(al, name, ref, rlen);
		if (!p.h[S_KVAULT]) {
			printf("   %-19s not measured: the module has no %s (ENOENT)\n",
			       al->alg, name);
			afalg_close(al, p.h[S_PLAIN1]);
			afalg_close(al, p.h[S_PLAIN2]);
			continue;
		}

		for (j = 0; j < nsizes; j++) {
			olen = al->kind == K_HASH ? 32 :
			       al->kind == K_AEAD ? sizes[j] + AEAD_ASSOC + AEAD_TAG : sizes[j];
			r1 = afalg_op(al, p.h[S_PLAIN1], in, sizes[j], o1, olen);
			r2 = afalg_op(al, p.h[S_KVAULT], in, sizes[j], o2, olen);
			if (r1 < 0)
				die(al->alg, r1);
			if (r2 < 0)
				die(name, r2);
			if (r1 != r2 || memcmp(o1, o2, (size_t)r1)) {
				fprintf(stderr, "crypto_bench: %s and %s differ on the same key bytes\n",
					al->alg, name);
				cleanup();
				exit(1);
			}
			p.in = in;
			p.out = o1;
			p.len = sizes[j];
			p.outlen = olen;
			p.per_chunk = sizes[j] >= AFALG_CHUNK ? 1 : AFALG_CHUNK / sizes[j];
			for (i = 0; i < rounds; i++)
				interleave(&s, i, ((size_t)alg_mib << 20) / (p.per_chunk * sizes[j]),
					   p.per_chunk * sizes[j], afalg_step, NULL, &p);
			snprintf(label, sizeof(label), "   %s %zu KiB", al->alg, sizes[j] >> 10);
			progress("AF_ALG %s done", label + 3);
			print_series(label, &s);
		}
		for (k = 0; k < NSIDES; k++)
			afalg_close(al, p.h[k]);
	}
	free(in);
	free(o1);
	free(o2);
	printf("\n");
}

/* ---- main -------------------------------------------------------------- */

/* A bool module parameter ("Y"/"N"): 1, 0, or -1 if it cannot be read. */
static long read_bool_param(const char *path)
{
	char c = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == 'Y' || c == '1' ? 1 : c == 'N' || c == '0' ? 0 : -1;
}

static void cleanup(void)
{
	int k;

	if (keep)
		return;
	for (k = 0; k < NSIDES && dm_made; k++)
		run_capture(NULL, 0, "dmsetup remove %s 2>/dev/null", dm_names[k]);
	for (k = 0; k < NSIDES; k++) {
		if (loops[k][0])
			run_capture(NULL, 0, "losetup -d %s", loops[k]);
		loops[k][0] = 0;
	}
	if (dm_made)
		run_capture(NULL, 0, "umount %s; rmdir %s", WORK, WORK);
	dm_made = 0;
	if (old_import >= 0)
		kt_set_import((int)old_import);
}

static void parse_sizes(const char *s)
{
	char *end;

	nsizes = 0;
	while (*s && nsizes < MAX_SIZES) {
		unsigned long v = strtoul(s, &end, 0);

		if (end == s || v < 16 || v > (1UL << 20) || v % 16)
			goto bad;
		sizes[nsizes++] = v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			goto bad;
	}
	if (nsizes)
		return;
bad:
	fprintf(stderr, "crypto_bench: --sizes: sizes in bytes, multiples of 16, up to 1 MiB, comma-separated\n");
	exit(2);
}

static unsigned int num_arg(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || !v || v > max) {
		fprintf(stderr, "crypto_bench: %s: a number from 1 to %lu\n", opt, max);
		exit(2);
	}
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "mib", required_argument, NULL, 'm' },
		{ "alg-mib", required_argument, NULL, 'a' },
		{ "sizes", required_argument, NULL, 's' },
		{ "sector-size", required_argument, NULL, 'S' },
		{ "no-dm", no_argument, NULL, 'D' },
		{ "no-afalg", no_argument, NULL, 'A' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct utsname u;
	char out[4096];
	long rc;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rounds = num_arg("--rounds", optarg, MAX_ROUNDS); break;
		case 'm': mib = num_arg("--mib", optarg, 4096); break;
		case 'a': alg_mib = num_arg("--alg-mib", optarg, 4096); break;
		case 's': parse_sizes(optarg); break;
		case 'S': sector_size = num_arg("--sector-size", optarg, 4096); break;
		case 'D': do_dm = 0; break;
		case 'A': do_afalg = 0; break;
		case 'k': keep = 1; break;
		default:
			fprintf(stderr, "usage: crypto_bench [--rounds N] [--mib N] [--alg-mib N] [--sizes LIST]\n"
				"                    [--sector-size N] [--no-dm] [--no-afalg] [--keep]\n");
			return 2;
		}
	}
	if (sector_size & (sector_size - 1) || sector_size < 512) {
		fprintf(stderr, "crypto_bench: --sector-size: 512, 1024, 2048 or 4096\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	old_import = read_bool_param(KT_IMPORT_PARAM);
	if (old_import < 0)
		die("reading " KT_IMPORT_PARAM " (is kvault loaded?)", ENOENT);
	if (kt_set_import(1))
		die("setting allow_plaintext_import", errno);
	/* Our own session keyring: the keys are ours and dmsetup's to use. */
	rc = kt_keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
	if (rc < 0)
		die("keyctl join session keyring", rc);

	uname(&u);
	printf("kvault crypto benchmark: kernel %s, %u rounds\n", u.release, rounds);
	printf("ratio = kvault / plain throughput, the median over rounds of each round's\n"
	       "   kvault throughput over the mean of the two plain ones (goal >= 0.97).\n"
	       "   Both run the same inner transform on the same key bytes, so 1 - ratio is the\n"
	       "   cost of what kvault adds to every request: the revocation check (a key still\n"
	       "   usable?) and the per-CPU usage accounting.\n"
	       "control = the round's second plain throughput over its first: the noise floor.\n"
	       "MB/s = median over rounds of each side's chunk size / its median chunk time\n"
	       "   (1 MB = 10^6 bytes; a chunk that lost the CPU to the host does not count).\n\n");
	if (do_dm)
		bench_dm();
	if (do_afalg)
		bench_afalg();

	printf("3. Usage accounting after the run (kvaultctl key show)\n");
	if (run_capture(out, sizeof(out),
			"for k in crypto-bench-xts crypto-bench-cbc crypto-bench-gcm crypto-bench-hmac; do "
			"kvaultctl key show $k 2>/dev/null && echo; done") && !out[0])
		snprintf(out, sizeof(out), "(kvaultctl key show failed)\n");
	fputs(out, stdout);
	cleanup();
	return 0;
}
