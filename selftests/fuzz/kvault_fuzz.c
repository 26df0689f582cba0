// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_fuzz: a time-bounded, seeded, reproducible fuzzer for every kvault
 * interface (/dev/kvault ioctls, the "kvault" generic netlink family), run
 * in the test guest as root.
 *
 *   kvault_fuzz [--seed S] [--duration SECONDS] [--threads N] [--out DIR]
 *               [--no-unpriv] [--op-timeout SECONDS] [-v]
 *   kvault_fuzz --replay FILE [--prefix N] [-v]
 *   kvault_fuzz --seed S --thread T --op I [--prefix N] [-v]
 *
 * N privileged threads (default 4) and two unprivileged children (uid/gid
 * 65534, and root without CAP_SYS_ADMIN) run at once. Operation i of worker
 * t is a pure function of (seed, t, i) (see kvault_fuzz.h), so a finding is
 * saved as a reproducer file naming seed, worker and op, which --replay
 * re-executes (with --prefix N, also the N ops before it on that worker).
 * Concurrency itself is not replayed: the interleaving of workers is not.
 *
 * Findings: a result outside the documented set for that input, a malformed
 * reply, PCR values that changed under an unchanged update counter, a write
 * outside the buffers the kernel was given, an op taking longer than
 * --op-timeout, a kernel report on /dev/kmsg.
 *
 * Output in DIR (default $KVAULT_RESULTS, else ./fuzz-out):
 * fuzz-report.{txt,json}, fuzz.tap, fuzz-finding-*.txt (reproducers) and
 * fuzz-ring-<worker>.log (the last ops of each worker, fsync'ed twice a
 * second, so that a guest that dies mid-run still says what it was doing).
 * The last line on stdout is one TAP result.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/netlink.h>

#include "kvault_fuzz.h"

/*
 * The targets. Each is a generator + executor + checker (see struct
 * fuzz_target); sealing is target_seal.c's (seal ioctls, real blobs
 * mutated, PCR_EXTEND only ever invalid) and target_keys.c's payloads;
 * target_keyref.c's key references through AF_ALG setkey on kvault(ALG);
 * target_keyuse.c's keyctl pkey operations, logon mirrors and races.
 */
static const struct fuzz_target *const fuzz_targets[] = {
	&target_ioctl,
	&target_ioctl_unknown,
	&target_dev_lifecycle,
	&target_genl,
	&target_dev_open_unpriv,
	&target_keys_ioctl,
	&target_keys_keyctl,
	&target_seal_ioctl,
	&target_seal_blob,
	&target_pcr_extend,
	&target_keyref,
	&target_keyuse,
};
#define NR_TARGETS (sizeof(fuzz_targets) / sizeof(fuzz_targets[0]))

/* ---- state shared with the unprivileged children (MAP_SHARED) ---------- */

#define RING_N		64
#define RING_TEXT	232
#define FINDING_TEXT	6144
#define MAX_REC		24
#define MAX_SIGS	64
#define KEEP_PER_SIG	3

struct ring_rec {
	uint64_t op;
	uint64_t t_ns;
	int32_t result;
	int32_t done;
	char text[RING_TEXT];
};

struct shared_finding {
	uint64_t op;
	uint32_t tid;
	char sig[128];
	char text[FINDING_TEXT];
};

struct shared_worker {
	uint32_t tid;
	int32_t role;
	volatile int32_t active, finished;
	volatile uint64_t cur_op, op_start_ns;
	volatile int32_t busy;
	uint64_t hang_op;	/* op reported as hung, +1 */
	uint64_t ops;
	uint64_t target_ops[NR_TARGETS];
	struct fuzz_cmd_stats stats[FC_NR];
	uint64_t findings;
	volatile uint32_t nrec;
	uint32_t nsig;
	struct { uint64_t hash; uint32_t count; } sigs[MAX_SIGS];
	struct shared_finding rec[MAX_REC];
	volatile uint64_t ring_next;
	struct ring_rec ring[RING_N];
	char note[200];		/* setup problems */
};

struct shared {
	volatile int32_t stop;
	struct shared_worker w[FUZZ_MAX_WORKERS];
};

static struct shared *sh;

/* ---- options and globals -------------------------------------------------- */

int g_devfd = -1;
const char *g_out;
static uint64_t opt_seed;
static bool opt_seed_set;
static unsigned int opt_duration = 60, opt_threads = 4, opt_op_timeout = 30;
static bool opt_unpriv = true, opt_verbose;
static const char *opt_replay;
static long long opt_thread = -1, opt_op = -1;
static unsigned int opt_prefix;
static size_t max_in, max_out;

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- accounting, findings, logs ---------------------------------------------- */

void fuzz_account(struct worker *w, enum fuzz_cmd cmd, int err,
		  enum fuzz_stage stage)
{
	struct fuzz_cmd_stats *s = &w->sh->stats[cmd];
	int e = err < 0 ? -err : err;

	s->ops++;
	if (e >= FUZZ_HIST_N)
		e = FUZZ_HIST_NOREPLY;
	s->hist[e]++;
	if (stage >= ST_HANDLER)
		s->handler++;
	if (stage >= ST_TPM)
		s->tpm++;
	if (err == 0)
		s->ok++;	/* FUZZ_HIST_IGNORED is not a success */
}

void fuzz_log(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("# [w%u] ", w ? w->tid : 0);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return h;
}

void fuzz_finding(struct worker *w, struct opctx *op, const char *sig,
		  const char *fmt, ...)
{
	struct shared_worker *s = w->sh;
	uint64_t h = str_hash(sig);
	char msg[1024], world[256];
	struct shared_finding *f;
	uint32_t i, n;
	size_t off;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	op->findings++;
	s->findings++;

	if (w->replay) {
		char *d = malloc(FINDING_TEXT);

		if (d)
			op->target->describe(w, op->in, d, FINDING_TEXT, true);
		fuzz_log(w, "FINDING op %" PRIu64 " [%s]: %s\n#   input: %s", op->op,
			 sig, msg, d ? d : "?");
		free(d);
		return;
	}
	for (i = 0; i < s->nsig; i++)
		if (s->sigs[i].hash == h)
			break;
	if (i == s->nsig) {
		if (s->nsig == MAX_SIGS)
			return;
		s->sigs[s->nsig].hash = h;
		s->sigs[s->nsig].count = 0;
		s->nsig++;
	}
	if (++s->sigs[i].count > KEEP_PER_SIG || s->nrec >= MAX_REC)
		return;

	n = s->nrec;
	f = &s->rec[n];
	f->op = op->op;
	f->tid = w->tid;
	snprintf(f->sig, sizeof(f->sig), "%s", sig);
	world_describe(world, sizeof(world));
	off = bprintf(f->text, sizeof(f->text), 0,
		      "# kvault_fuzz reproducer\nseed=%" PRIu64 "\nthread=%u\nop=%" PRIu64
		      "\ntarget=%s\nsignature=%s\nkernel=%s\nworld=%s\n"
		      "replay: kvault_fuzz --replay THIS_FILE   (or --seed %" PRIu64
		      " --thread %u --op %" PRIu64 "; add --prefix N to run the N ops before it too)\n"
		      "what: %s\ninput: ",
		      w->seed, w->tid, op->op, op->target->name, sig, g_world.kernel,
		      world, w->seed, w->tid, op->op, msg);
	op->target->describe(w, op->in, f->text + off, sizeof(f->text) - off, true);
	__atomic_store_n(&s->nrec, n + 1, __ATOMIC_RELEASE);
}

static void ring_begin(struct worker *w, uint64_t op, const char *text)
{
	struct shared_worker *s = w->sh;
	struct ring_rec *r = &s->ring[s->ring_next % RING_N];

	r->op = op;
	r->t_ns = now_ns();
	r->done = 0;
	r->result = 0;
	snprintf(r->text, sizeof(r->text), "%s", text);
	__atomic_store_n(&s->ring_next, s->ring_next + 1, __ATOMIC_RELEASE);
}

static void ring_end(struct worker *w, int result)
{
	struct shared_worker *s = w->sh;
	struct ring_rec *r = &s->ring[(s->ring_next - 1) % RING_N];

	r->result = result;
	r->done = 1;
}

/* ---- one operation ------------------------------------------------------------ */

static void run_op(struct worker *w, uint64_t opn, void *in, void *out)
{
	unsigned int weights[NR_TARGETS], t, i;
	const struct fuzz_target *tg;
	struct opctx op = { .op = opn };
	char text[RING_TEXT];
	struct rng r;

	rng_for_op(&r, w->seed, w->tid, opn);
	for (i = 0; i < NR_TARGETS; i++)
		weights[i] = fuzz_targets[i]->weight[w->role];
	t = rng_weighted(&r, weights, NR_TARGETS);
	tg = fuzz_targets[t];
	memset(in, 0, tg->in_size);
	memset(out, 0, tg->out_size);
	w->cur_op = opn;
	tg->gen(w, &r, in);
	op.target = tg;
	op.in = in;

	tg->describe(w, in, text, sizeof(text), false);
	ring_begin(w, opn, text);
	w->sh->cur_op = opn;
	w->sh->op_start_ns = now_ns();
	__atomic_store_n(&w->sh->busy, 1, __ATOMIC_RELEASE);
	tg->exec(w, in, out);
	__atomic_store_n(&w->sh->busy, 0, __ATOMIC_RELEASE);
	tg->check(w, in, out, &op);
	ring_end(w, op.result);
	w->sh->ops++;
	w->sh->target_ops[t]++;

	if (w->verbose) {
		char *d = malloc(FINDING_TEXT);

		if (d) {
			tg->describe(w, in, d, FINDING_TEXT, w->replay);
			fuzz_log(w, "op %" PRIu64 " %s -> %s%s\n#   %s", opn, tg->name,
				 errname(op.result), op.findings ? " FINDING" : "", d);
			free(d);
		}
	}
}

/* ---- workers ------------------------------------------------------------------- */

static int worker_setup(struct worker *w, char *err, size_t len)
{
	int rc;

	w->devfd = -1;
	if (w->role == ROLE_PRIV) {
		w->devfd = kvault_dev_open();
		if (w->devfd < 0) {
			snprintf(err, len, "open %s: %s", KVAULT_DEV, strerror(-w->devfd));
			return w->devfd;
		}
	}
	rc = genl_raw_open(&w->g);
	if (rc) {
		snprintf(err, len, "generic netlink family %s: %s", KVAULT_GENL_NAME,
			 strerror(-rc));
		return rc;
	}
	genl_sock_tune(w, w->g.fd);
	w->txcap = (640 << 10);
	w->rxcap = (1 << 20);
	w->tx = calloc(1, w->txcap);
	w->rx = malloc(w->rxcap);
	w->snap = malloc(2 * ARENA_PAGES * g_page);
	if (!w->tx || !w->rx || !w->snap) {
		snprintf(err, len, "out of memory");
		rc = -ENOMEM;
	} else if ((rc = arena_init(&w->mem.a[0])) || (rc = arena_init(&w->mem.a[1]))) {
		snprintf(err, len, "arena: %s", strerror(-rc));
	}
	if (rc) {
		free(w->tx);
		free(w->rx);
		free(w->snap);
		w->tx = w->rx = w->snap = NULL;
	}
	return rc;
}

static void worker_teardown(struct worker *w)
{
	if (w->devfd >= 0)
		close(w->devfd);
	genl_raw_close(&w->g);
	keys_teardown(w);
	free(w->tx);
	free(w->rx);
	free(w->snap);
}

static enum fuzz_role role_of(unsigned int tid)
{
	return tid == FUZZ_TID_NOBODY ? ROLE_NOBODY :
	       tid == FUZZ_TID_NOCAP ? ROLE_NOCAP : ROLE_PRIV;
}

static const char *role_name(int role)
{
	return role == ROLE_NOBODY ? "unprivileged (uid 65534)" :
	       role == ROLE_NOCAP ? "root without CAP_SYS_ADMIN" : "root";
}

/* Become what the role says; only ever in a child. */
static int become(enum fuzz_role role, char *err, size_t len)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int rc;

	if (role == ROLE_NOBODY) {
		rc = drop_privileges(NOBODY, NOBODY);
		if (rc)
			snprintf(err, len, "dropping to uid %d: %s", NOBODY, strerror(-rc));
		return rc;
	}
	if (role != ROLE_NOCAP)
		return 0;
	prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data))
		goto fail;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].inheritable &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data) || syscall(SYS_capget, &hdr, data))
		goto fail;
	if (data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32))) {
		snprintf(err, len, "CAP_SYS_ADMIN still effective");
		return -EPERM;
	}
	return 0;
fail:
	rc = -errno;
	snprintf(err, len, "capset: %s", strerror(errno));
	return rc;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	void *in = malloc(max_in), *out = malloc(max_out);
	uint64_t op;
	char err[200];

	if (!in || !out || worker_setup(w, err, sizeof(err))) {
		snprintf(w->sh->note, sizeof(w->sh->note), "setup failed: %.180s",
			 in && out ? err : "out of memory");
		w->sh->finished = 1;
		return NULL;
	}
	w->sh->active = 1;
	for (op = 0; !__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE); op++)
		run_op(w, op, in, out);
	worker_teardown(w);
	free(in);
	free(out);
	w->sh->finished = 1;
	return NULL;
}

/* ---- the watchdog's view: kmsg, hangs, findings, ring logs ---------------------- */

/* The patterns of selftests/vm/dmesg-check.sh (keep in sync); the host
 * driver also runs that script over the whole guest dmesg. */
static const char kmsg_reports[] =
	"Oops|BUG:|WARNING:|kernel BUG|KASAN|UBSAN|general protection fault|"
	"Kernel panic|Call Trace|suspected memory leak|unreferenced object|"
	"refcount_t:|list_add corruption|list_del corruption|"
	"inconsistent lock state|possible circular locking|"
	"possible recursive locking|suspicious RCU usage|blocked for more than";

static struct {
	uint64_t total, unique, hangs, kreports;
	unsigned int files;
	uint32_t nsig;
	struct { uint64_t hash; uint32_t count; char sig[128]; } sigs[256];
} fnd;

static unsigned int nworkers;
static struct worker *workers;

static void in_flight(char *buf, size_t len)
{
	size_t off = strlen(buf);
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		struct shared_worker *s = &sh->w[i];

		if (!s->active || s->finished)
			continue;
		off = bprintf(buf, len, off, "\n  worker %u: %s op %" PRIu64 "%s", s->tid,
			      s->busy ? "in" : "after", s->cur_op,
			      s->busy ? "" : " (idle)");
		if (s->ring_next)
			off = bprintf(buf, len, off, ": %s",
				      s->ring[(s->ring_next - 1) % RING_N].text);
	}
}

/* Save one finding (main thread only); returns false when over the quota. */
static void save_finding(const char *sig, const char *text, unsigned int tid,
			 uint64_t op)
{
	uint64_t h = str_hash(sig);
	char path[512];
	uint32_t i;
	FILE *f;

	for (i = 0; i < fnd.nsig; i++)
		if (fnd.sigs[i].hash == h)
			break;
	if (i == fnd.nsig && fnd.nsig < 256) {
		fnd.sigs[i].hash = h;
		fnd.sigs[i].count = 0;
		snprintf(fnd.sigs[i].sig, sizeof(fnd.sigs[i].sig), "%s", sig);
		fnd.nsig++;
		fnd.unique++;
		fuzz_log(NULL, "FINDING [%s] worker %u op %" PRIu64, sig, tid, op);
	}
	if (i < 256 && ++fnd.sigs[i].count > KEEP_PER_SIG)
		return;
	snprintf(path, sizeof(path), "%s/fuzz-finding-%03u-w%u-op%" PRIu64 ".txt",
		 g_out, ++fnd.files, tid, op);
	f = fopen(path, "w");
	if (!f)
		return;
	fputs(text, f);
	fputc('\n', f);
	fflush(f);
	fsync(fileno(f));
	fclose(f);
}

static void drain_findings(void)
{
	static uint32_t taken[FUZZ_MAX_WORKERS];
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		struct shared_worker *s = &sh->w[i];
		uint32_t n = __atomic_load_n(&s->nrec, __ATOMIC_ACQUIRE);

		for (; taken[i] < n; taken[i]++)
			save_finding(s->rec[taken[i]].sig, s->rec[taken[i]].text,
				     s->rec[taken[i]].tid, s->rec[taken[i]].op);
	}
}

static void main_finding(const char *sig, unsigned int tid, uint64_t op,
			 const char *what)
{
	char *text = malloc(FINDING_TEXT);

	fnd.total++;
	if (!text)
		return;
	snprintf(text, FINDING_TEXT,
		 "# kvault_fuzz finding\nseed=%" PRIu64 "\nthread=%u\nop=%" PRIu64
		 "\nsignature=%s\nkernel=%s\n"
		 "replay: kvault_fuzz --seed %" PRIu64 " --thread %u --op %" PRIu64
		 " --prefix 64   (a kernel report or hang may need the ops before it, and other workers' ops)\n"
		 "what: %s\nworkers at that moment:",
		 opt_seed, tid, op, sig, g_world.kernel, opt_seed, tid, op, what);
	in_flight(text, FINDING_TEXT);
	save_finding(sig, text, tid, op);
	free(text);
}

static void check_hangs(void)
{
	uint64_t now = now_ns();
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		struct shared_worker *s = &sh->w[i];
		char what[160];

		if (!s->active || s->finished || !__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE))
			continue;
		/* a worker may have started an op after @now was taken */
		if (s->op_start_ns > now ||
		    now - s->op_start_ns < (uint64_t)opt_op_timeout * 1000000000ULL ||
		    s->hang_op == s->cur_op + 1)
			continue;
		s->hang_op = s->cur_op + 1;
		fnd.hangs++;
		snprintf(what, sizeof(what), "op has been running for more than %u s",
			 opt_op_timeout);
		main_finding("hang", s->tid, s->cur_op, what);
	}
}

static int kmsg_fd = -1;
static regex_t kmsg_re;

static void kmsg_open(void)
{
	if (regcomp(&kmsg_re, kmsg_reports, REG_EXTENDED | REG_NOSUB))
		return;
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

static void kmsg_poll(void)
{
	char rec[8192];

	while (kmsg_fd >= 0) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		char *text, *nl;

		if (n < 0) {
			if (errno == EPIPE || errno == EINTR)
				continue;	/* overwritten records: go on */
			return;
		}
		rec[n] = '\0';
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (regexec(&kmsg_re, text, 0, NULL, 0) == 0) {
			char sig[128], what[600];
			unsigned int i, t = 0;
			uint64_t op = 0;

			for (i = 0; i < FUZZ_MAX_WORKERS; i++)
				if (sh->w[i].active && sh->w[i].busy) {
					t = sh->w[i].tid;
					op = sh->w[i].cur_op;
					break;
				}
			fnd.kreports++;
			snprintf(sig, sizeof(sig), "kernel-report:%.60s", text);
			snprintf(what, sizeof(what), "kernel log: %.500s", text);
			main_finding(sig, t, op, what);
		}
	}
}

static void flush_rings(void)
{
	unsigned int i;

	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		struct shared_worker *s = &sh->w[i];
		uint64_t next = __atomic_load_n(&s->ring_next, __ATOMIC_ACQUIRE), k;
		char path[512];
		FILE *f;

		if (!s->active && !s->finished)
			continue;
		snprintf(path, sizeof(path), "%s/fuzz-ring-w%u.log", g_out, s->tid);
		f = fopen(path, "w");
		if (!f)
			continue;
		fprintf(f, "# kvault_fuzz: last ops of worker %u (%s), seed %" PRIu64
			", oldest first; replay one with --seed %" PRIu64 " --thread %u --op N\n",
			s->tid, role_name(s->role), opt_seed, opt_seed, s->tid);
		for (k = next > RING_N ? next - RING_N : 0; k < next; k++) {
			const struct ring_rec *r = &s->ring[k % RING_N];

			fprintf(f, "op=%" PRIu64 " result=%s %s\n", r->op,
				r->done ? errname(r->result) : "RUNNING", r->text);
		}
		fflush(f);
		fsync(fileno(f));
		fclose(f);
	}
}

/* ---- report -------------------------------------------------------------------- */

static const char *const fc_names[FC_NR] = {
	"ioctl:STATUS", "ioctl:PCR_READ", "ioctl:unknown", "dev:fileops",
	"dev:open", "genl:STATUS", "genl:PCR_READ", "genl:unknown",
	"ioctl:KEY_CREATE", "ioctl:KEY_ROTATE", "ioctl:KEY_SET_MIN_VERSION",
	"ioctl:KEY_ENABLE", "ioctl:KEY_DISABLE", "ioctl:KEY_SCHEDULE_DESTROY",
	"ioctl:KEY_CANCEL_DESTROY", "ioctl:KEY_DESTROY", "ioctl:KEY_INFO",
	"ioctl:KEY_TIGHTEN", "keyctl:add_key", "keyctl:op",
	"ioctl:KEY_SEAL", "ioctl:KEY_RESEAL", "ioctl:KEY_LOAD", "ioctl:KEY_CHECK",
	"ioctl:PCR_EXTEND", "blob:LOAD", "blob:CHECK", "af_alg:keyref-setkey",
	"genl:KEY_GET", "genl:KEY_GET-dump", "ioctl:KEY_PUBLISH",
	"ioctl:KEY_UNPUBLISH", "keyctl:PKEY_QUERY", "keyctl:PKEY_ENCRYPT",
	"keyctl:PKEY_DECRYPT", "keyctl:PKEY_SIGN", "keyctl:PKEY_VERIFY",
	"use-key:lifecycle", "use-key:race",
};

static void sum_stats(int role, struct fuzz_cmd_stats *out)
{
	unsigned int i, c, e;

	memset(out, 0, sizeof(*out) * FC_NR);
	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		struct shared_worker *s = &sh->w[i];

		if (s->role != role || (!s->active && !s->finished))
			continue;
		for (c = 0; c < FC_NR; c++) {
			out[c].ops += s->stats[c].ops;
			out[c].handler += s->stats[c].handler;
			out[c].tpm += s->stats[c].tpm;
			out[c].ok += s->stats[c].ok;
			for (e = 0; e < FUZZ_HIST_N; e++)
				out[c].hist[e] += s->stats[c].hist[e];
		}
	}
}

/* Occurrences of a signature: the workers count all, files are capped. */
static uint64_t sig_count(uint32_t k)
{
	uint64_t n = 0;
	unsigned int i, j;

	for (i = 0; i < FUZZ_MAX_WORKERS; i++)
		for (j = 0; j < sh->w[i].nsig; j++)
			if (sh->w[i].sigs[j].hash == fnd.sigs[k].hash)
				n += sh->w[i].sigs[j].count;
	return n ? n : fnd.sigs[k].count;
}

static void write_report(double secs, uint64_t total, const char *tap)
{
	struct fuzz_cmd_stats st[FC_NR];
	char path[512];
	FILE *txt, *js;
	unsigned int role, c, e, i;
	bool first = true;

	snprintf(path, sizeof(path), "%s/fuzz-report.txt", g_out);
	txt = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/fuzz-report.json", g_out);
	js = fopen(path, "w");

	printf("# ---- kvault_fuzz report ----\n");
	printf("# seed %" PRIu64 ", %.1f s, kernel %s, %" PRIu64 " ops, %" PRIu64
	       " findings (%" PRIu64 " unique), %" PRIu64 " hangs, %" PRIu64
	       " kernel reports, PCR counter moves %" PRIu64
	       ", allow_plaintext_import flips %u\n",
	       opt_seed, secs, g_world.kernel, total, fnd.total, fnd.unique,
	       fnd.hangs, fnd.kreports, pcr_ref_counter_moves(),
	       import_param_flips());
	if (txt)
		fprintf(txt, "seed %" PRIu64 "\nduration %.1f s\nkernel %s\nops %" PRIu64
			"\nfindings %" PRIu64 " (%" PRIu64 " unique)\nhangs %" PRIu64
			"\nkernel reports %" PRIu64 "\n", opt_seed, secs, g_world.kernel,
			total, fnd.total, fnd.unique, fnd.hangs, fnd.kreports);
	if (js)
		fprintf(js, "{\n  \"seed\": %" PRIu64 ",\n  \"duration_s\": %.1f,\n"
			"  \"kernel\": \"%s\",\n  \"threads\": %u,\n  \"ops\": %" PRIu64
			",\n  \"findings\": %" PRIu64 ",\n  \"unique_findings\": %" PRIu64
			",\n  \"hangs\": %" PRIu64 ",\n  \"kernel_reports\": %" PRIu64
			",\n  \"pcr_counter_moves\": %" PRIu64 ",\n  \"workers\": [",
			opt_seed, secs, g_world.kernel, opt_threads, total, fnd.total,
			fnd.unique, fnd.hangs, fnd.kreports, pcr_ref_counter_moves());
	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		struct shared_worker *s = &sh->w[i];
		unsigned int t;

		if (!s->active && !s->finished)
			continue;
		printf("# worker %u (%s): %" PRIu64 " ops%s%s\n", s->tid, role_name(s->role),
		       s->ops, s->note[0] ? "; " : "", s->note);
		if (txt)
			fprintf(txt, "worker %u (%s): %" PRIu64 " ops %s\n", s->tid,
				role_name(s->role), s->ops, s->note);
		if (js) {
			fprintf(js, "%s\n    {\"worker\": %u, \"role\": \"%s\", \"ops\": %" PRIu64
				", \"targets\": {", first ? "" : ",", s->tid,
				role_name(s->role), s->ops);
			for (t = 0; t < NR_TARGETS; t++)
				fprintf(js, "%s\"%s\": %" PRIu64, t ? ", " : "",
					fuzz_targets[t]->name, s->target_ops[t]);
			fprintf(js, "}}");
		}
		first = false;
	}
	if (js)
		fprintf(js, "\n  ],\n  \"commands\": [");
	first = true;
	for (role = 0; role < ROLE_NR; role++) {
		sum_stats((int)role, st);
		for (c = 0; c < FC_NR; c++) {
			char hist[1024];
			size_t off = 0;

			if (!st[c].ops)
				continue;
			hist[0] = '\0';
			for (e = 0; e < FUZZ_HIST_N; e++)
				if (st[c].hist[e])
					off = bprintf(hist, sizeof(hist), off, "%s%s=%" PRIu64,
						      off ? " " : "", errname((int)e),
						      st[c].hist[e]);
			printf("#   %-28s %-15s ops %8" PRIu64 " valid %8" PRIu64
			       " tpm %8" PRIu64 " ok %8" PRIu64 "  [%s]\n",
			       role == ROLE_PRIV ? "" : role_name((int)role), fc_names[c],
			       st[c].ops, st[c].handler, st[c].tpm, st[c].ok, hist);
			if (txt)
				fprintf(txt, "%s %s: ops %" PRIu64 " reached-handler %" PRIu64
					" reached-tpm %" PRIu64 " ok %" PRIu64 " errno [%s]\n",
					role_name((int)role), fc_names[c], st[c].ops,
					st[c].handler, st[c].tpm, st[c].ok, hist);
			if (js) {
				fprintf(js, "%s\n    {\"role\": \"%s\", \"command\": \"%s\", \"ops\": %" PRIu64
					", \"reached_handler\": %" PRIu64 ", \"reached_tpm\": %" PRIu64
					", \"ok\": %" PRIu64 ", \"errno\": {",
					first ? "" : ",", role_name((int)role), fc_names[c],
					st[c].ops, st[c].handler, st[c].tpm, st[c].ok);
				off = 0;
				for (e = 0; e < FUZZ_HIST_N; e++)
					if (st[c].hist[e]) {
						fprintf(js, "%s\"%s\": %" PRIu64, off ? ", " : "",
							errname((int)e), st[c].hist[e]);
						off = 1;
					}
				fprintf(js, "}}");
			}
			first = false;
		}
	}
	if (js) {
		fprintf(js, "\n  ],\n  \"finding_signatures\": [");
		for (i = 0; i < fnd.nsig; i++) {
			char esc[260];
			size_t k, o = 0;

			for (k = 0; fnd.sigs[i].sig[k] && o < sizeof(esc) - 3; k++) {
				char ch = fnd.sigs[i].sig[k];

				if (ch == '"' || ch == '\\')
					esc[o++] = '\\';
				esc[o++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
			}
			esc[o] = '\0';
			fprintf(js, "%s\n    {\"signature\": \"%s\", \"count\": %" PRIu64 "}",
				i ? "," : "", esc, sig_count(i));
		}
		fprintf(js, "\n  ],\n  \"tap\": \"%s\"\n}\n", tap);
	}
	for (i = 0; i < fnd.nsig; i++) {
		printf("# finding %s x%" PRIu64 "\n", fnd.sigs[i].sig, sig_count(i));
		if (txt)
			fprintf(txt, "finding %s x%" PRIu64 "\n", fnd.sigs[i].sig,
				sig_count(i));
	}
	if (txt) {
		fprintf(txt, "%s\n", tap);
		fclose(txt);
	}
	if (js)
		fclose(js);
	snprintf(path, sizeof(path), "%s/fuzz.tap", g_out);
	txt = fopen(path, "w");
	if (txt) {
		fprintf(txt, "TAP version 13\n1..1\n%s\n", tap);
		fclose(txt);
	}
}

/* ---- replay ------------------------------------------------------------------- */

static int parse_replay_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int got = 0;

	if (!f) {
		fprintf(stderr, "kvault_fuzz: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "seed=%llu", &v) == 1) {
			opt_seed = v;
			opt_seed_set = true;
			got |= 1;
		} else if (sscanf(line, "thread=%llu", &v) == 1) {
			opt_thread = (long long)v;
			got |= 2;
		} else if (sscanf(line, "op=%llu", &v) == 1) {
			opt_op = (long long)v;
			got |= 4;
		}
	}
	fclose(f);
	if (got != 7) {
		fprintf(stderr, "kvault_fuzz: %s has no seed=/thread=/op= lines\n", path);
		return -1;
	}
	return 0;
}

static int replay_run(struct worker *w)
{
	void *in = malloc(max_in), *out = malloc(max_out);
	uint64_t first = (uint64_t)opt_op > opt_prefix ? (uint64_t)opt_op - opt_prefix : 0;
	uint64_t op, before;
	char err[200];
	int rc = 2;

	if (!in || !out)
		goto out;
	if (w->role != ROLE_PRIV && become(w->role, err, sizeof(err))) {
		fprintf(stderr, "kvault_fuzz: %s\n", err);
		goto out;
	}
	if (worker_setup(w, err, sizeof(err))) {
		fprintf(stderr, "kvault_fuzz: %s\n", err);
		goto out;
	}
	w->sh->active = 1;
	rc = 0;
	for (op = first; op <= (uint64_t)opt_op; op++) {
		before = w->sh->findings;
		w->verbose = opt_verbose || op == (uint64_t)opt_op;
		run_op(w, op, in, out);
		if (op == (uint64_t)opt_op) {
			bool found = w->sh->findings != before;

			printf("%s replay seed %" PRIu64 " worker %u op %lld: %s\n",
			       found ? "not ok 1 -" : "ok 1 -", opt_seed, w->tid, opt_op,
			       found ? "the finding reproduces" : "no finding");
			rc = found ? 1 : 0;
			break;
		}
	}
	worker_teardown(w);
out:
	free(in);
	free(out);
	return rc;
}

static int replay(void)
{
	struct worker w = { 0 };
	int st;
	pid_t pid;

	w.tid = (unsigned int)opt_thread;
	w.role = role_of(w.tid);
	if (fuzz_xshared_init(opt_seed, &w.tid, 1))
		return 2;
	w.seed = opt_seed;
	w.replay = true;
	w.sh = &sh->w[0];
	w.sh->tid = w.tid;
	w.sh->role = w.role;
	printf("# replaying seed %" PRIu64 " worker %u (%s) ops %lld..%lld on %s\n",
	       opt_seed, w.tid, role_name(w.role),
	       opt_op > (long long)opt_prefix ? opt_op - (long long)opt_prefix : 0,
	       opt_op, g_world.kernel);
	fflush(stdout);
	if (w.role == ROLE_PRIV)
		return replay_run(&w);
	pid = fork();
	if (pid == 0) {
		close(g_devfd);
		_exit(replay_run(&w));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 2;
	return WEXITSTATUS(st);
}

/* ---- main ----------------------------------------------------------------------- */

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: kvault_fuzz [--seed S] [--duration SECONDS] [--threads N] [--out DIR]\n"
		"                   [--no-unpriv] [--op-timeout SECONDS] [-v]\n"
		"       kvault_fuzz --replay FILE [--prefix N] [-v]\n"
		"       kvault_fuzz --seed S --thread T --op I [--prefix N] [-v]\n");
	exit(rc);
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "replay", required_argument, NULL, 'r' },
		{ "thread", required_argument, NULL, 't' },
		{ "op", required_argument, NULL, 'i' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "op-timeout", required_argument, NULL, 'w' },
		{ "no-unpriv", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:d:j:o:r:t:i:p:w:nvh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			opt_seed = strtoull(optarg, NULL, 0);
			opt_seed_set = true;
			break;
		case 'd':
			opt_duration = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'j':
			opt_threads = (unsigned int)strtoul(optarg, NULL, 0);
			if (!opt_threads || opt_threads > FUZZ_MAX_THREADS)
				usage(2);
			break;
		case 'o':
			g_out = optarg;
			break;
		case 'r':
			opt_replay = optarg;
			break;
		case 't':
			opt_thread = strtoll(optarg, NULL, 0);
			break;
		case 'i':
			opt_op = strtoll(optarg, NULL, 0);
			break;
		case 'p':
			opt_prefix = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			opt_op_timeout = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			opt_unpriv = false;
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (opt_replay && parse_replay_file(opt_replay))
		exit(2);
	if ((opt_thread >= 0) != (opt_op >= 0) || (opt_op >= 0 && !opt_seed_set)) {
		fprintf(stderr, "kvault_fuzz: --thread and --op go together, with --seed\n");
		exit(2);
	}
	if (opt_thread >= 0 && opt_thread >= FUZZ_MAX_THREADS &&
	    opt_thread != FUZZ_TID_NOBODY && opt_thread != FUZZ_TID_NOCAP) {
		fprintf(stderr, "kvault_fuzz: no worker %lld\n", opt_thread);
		exit(2);
	}
}

static pid_t spawn_child(struct worker *w)
{
	pid_t pid = fork();
	char err[200];

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(g_devfd);
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	if (become(w->role, err, sizeof(err))) {
		snprintf(w->sh->note, sizeof(w->sh->note), "%s", err);
		w->sh->finished = 1;
		_exit(1);
	}
	worker_main(w);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct utsname un;
	char err[256], tap[512];
	pthread_t *th;
	pid_t kids[2] = { 0, 0 };
	uint64_t t0, deadline, last_flush = 0, total = 0, next_flip;
	unsigned int i, k;
	double secs;
	bool stuck = false;
	size_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	if (!g_out)
		g_out = getenv("KVAULT_RESULTS") ? getenv("KVAULT_RESULTS") : "./fuzz-out";
	if (!opt_seed_set)
		opt_seed = mix64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32)) & 0xffffffffffffULL;
	g_page = (size_t)sysconf(_SC_PAGESIZE);
	uname(&un);
	snprintf(g_world.kernel, sizeof(g_world.kernel), "%s", un.release);
	for (t = 0; t < NR_TARGETS; t++) {
		if (fuzz_targets[t]->in_size > max_in)
			max_in = fuzz_targets[t]->in_size;
		if (fuzz_targets[t]->out_size > max_out)
			max_out = fuzz_targets[t]->out_size;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));
	if (!opt_replay && opt_op < 0)
		mkdir(g_out, 0755);

	printf("# kvault_fuzz: seed %" PRIu64 ", kernel %s\n", opt_seed, g_world.kernel);
	g_devfd = kvault_dev_open();
	if (g_devfd < 0 || world_probe(g_devfd, err, sizeof(err)) ||
	    pcr_ref_init(g_devfd, err, sizeof(err))) {
		if (g_devfd < 0)
			snprintf(err, sizeof(err), "open %s: %s", KVAULT_DEV, strerror(-g_devfd));
		printf("not ok 1 fuzz: cannot start: %s (seed %" PRIu64 ", kernel %s)\n",
		       err, opt_seed, g_world.kernel);
		return 1;
	}
	world_describe(err, sizeof(err));
	printf("# %s\n", err);

	if (opt_replay || opt_op >= 0)
		return replay();

	printf("# %u threads%s, %u s, op timeout %u s, output in %s\n", opt_threads,
	       opt_unpriv ? " + 2 unprivileged children" : "", opt_duration,
	       opt_op_timeout, g_out);
	nworkers = opt_threads + (opt_unpriv ? 2 : 0);
	workers = calloc(nworkers, sizeof(*workers));
	th = calloc(opt_threads, sizeof(*th));
	if (!workers || !th)
		return 2;
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->tid = i < opt_threads ? i : i == opt_threads ? FUZZ_TID_NOBODY : FUZZ_TID_NOCAP;
		w->role = role_of(w->tid);
		w->seed = opt_seed;
		w->verbose = opt_verbose;
		w->sh = &sh->w[i];
		w->sh->tid = w->tid;
		w->sh->role = w->role;
	}

	{
		unsigned int tids[FUZZ_MAX_WORKERS];

		for (i = 0; i < nworkers; i++)
			tids[i] = workers[i].tid;
		if (fuzz_xshared_init(opt_seed, tids, nworkers)) {
			printf("not ok 1 fuzz: cannot map shared state\n");
			return 1;
		}
	}
	/* children first: fork before any thread exists */
	for (k = 0, i = opt_threads; i < nworkers; i++, k++)
		kids[k] = spawn_child(&workers[i]);
	kmsg_open();
	t0 = now_ns();
	deadline = t0 + (uint64_t)opt_duration * 1000000000ULL;
	for (i = 0; i < opt_threads; i++)
		pthread_create(&th[i], NULL, worker_main, &workers[i]);

	next_flip = t0 + IMPORT_FLIP_S * 1000000000ULL;
	while (now_ns() < deadline) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		if (now_ns() > next_flip) {
			import_param_flip();
			next_flip += IMPORT_FLIP_S * 1000000000ULL;
		}
		kmsg_poll();
		check_hangs();
		drain_findings();
		if (now_ns() - last_flush > 500 * 1000 * 1000ULL) {
			flush_rings();
			last_flush = now_ns();
		}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);

	/* let every op finish, but not forever: a hung op is a finding */
	deadline = now_ns() + ((uint64_t)opt_op_timeout + 5) * 1000000000ULL;
	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		bool all = true;

		for (i = 0; i < nworkers; i++)
			if (!sh->w[i].finished)
				all = false;
		if (all)
			break;
		if (now_ns() > deadline) {
			stuck = true;
			break;
		}
		nanosleep(&ts, NULL);
		check_hangs();
		kmsg_poll();
	}
	if (!stuck)
		for (i = 0; i < opt_threads; i++)
			pthread_join(th[i], NULL);
	for (k = 0; k < 2; k++) {
		int st;

		if (kids[k] <= 0)
			continue;
		if (stuck)
			kill(kids[k], SIGKILL);
		waitpid(kids[k], &st, 0);
	}
	secs = (double)(now_ns() - t0) / 1e9;
	kmsg_poll();
	drain_findings();
	flush_rings();

	for (i = 0; i < FUZZ_MAX_WORKERS; i++) {
		total += sh->w[i].ops;
		fnd.total += sh->w[i].findings;
		if (sh->w[i].note[0])
			fnd.total++, fnd.unique++;	/* a worker that could not run */
	}
	snprintf(tap, sizeof(tap), "%s 1 fuzz: %" PRIu64 " ops, %" PRIu64
		 " findings (seed %" PRIu64 ", %.0f s, kernel %s)",
		 fnd.total ? "not ok" : "ok", total, fnd.total, opt_seed, secs,
		 g_world.kernel);
	write_report(secs, total, tap);
	printf("TAP version 13\n1..1\n%s\n", tap);
	fflush(stdout);
	if (stuck)
		_exit(1);	/* a worker is stuck in the kernel */
	return fnd.total ? 1 : 0;
}
