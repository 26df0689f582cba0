/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvault_fuzz: shared declarations.
 *
 * The fuzzer is a table of *targets* (fuzz_targets[] in kvault_fuzz.c).
 * Every operation i of worker t is derived from (seed, t, i) alone: the
 * worker seeds a splitmix64 generator with rng_for_op(), picks a target by
 * weight and hands the generator to the target's gen(), which draws the
 * whole input from it and from nothing else (besides g_world, what STATUS
 * said at startup). exec() then materialises the input, predicts with a
 * model of the documented ABI what the kernel must answer, and issues the
 * syscalls; check() compares and reports findings. That split is what makes
 * `kvault_fuzz --seed S --thread T --op I` replay an op exactly.
 */
#ifndef KVAULT_FUZZ_H
#define KVAULT_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "test_util.h"

#define FUZZ_MAX_THREADS	32
/* Worker ids of the unprivileged children (forked, not threads). */
#define FUZZ_TID_NOBODY		100	/* uid/gid 65534, no capabilities */
#define FUZZ_TID_NOCAP		101	/* root that dropped only CAP_SYS_ADMIN */
#define FUZZ_MAX_WORKERS	(FUZZ_MAX_THREADS + 2)

#define FUZZ_MAX_ERRNO		140
#define FUZZ_HIST_NOREPLY	(FUZZ_MAX_ERRNO + 1)	/* netlink: no answer at all */
/* netlink: not processed as a request (no NLM_F_REQUEST, bad nlmsg_len) */
#define FUZZ_HIST_IGNORED	(FUZZ_MAX_ERRNO + 2)
#define FUZZ_HIST_N		(FUZZ_MAX_ERRNO + 3)

enum fuzz_role { ROLE_PRIV, ROLE_NOBODY, ROLE_NOCAP, ROLE_NR };

/* What a request was aimed at, for the statistics. */
enum fuzz_cmd {
	FC_IOC_STATUS,
	FC_IOC_PCR_READ,
	FC_IOC_UNKNOWN,
	FC_DEV_FILE,		/* read/write/lseek/mmap/close on /dev/kvault */
	FC_DEV_OPEN,
	FC_GENL_STATUS,
	FC_GENL_PCR_READ,
	FC_GENL_UNKNOWN,
	FC_KEY_CREATE,		/* KVAULT_IOC_KEY_CREATE .. KEY_TIGHTEN, in order */
	FC_KEY_ROTATE,
	FC_KEY_SET_MIN_VERSION,
	FC_KEY_ENABLE,
	FC_KEY_DISABLE,
	FC_KEY_SCHEDULE_DESTROY,
	FC_KEY_CANCEL_DESTROY,
	FC_KEY_DESTROY,
	FC_KEY_INFO,
	FC_KEY_TIGHTEN,
	FC_KEYCTL_ADD,		/* add_key("kvault", ...) */
	FC_KEYCTL_OP,		/* keyctl read/describe/update/... on kvault keys */
	FC_KEY_SEAL,		/* KVAULT_IOC_KEY_SEAL .. KEY_CHECK, in order */
	FC_KEY_RESEAL,
	FC_KEY_LOAD,
	FC_KEY_CHECK,
	FC_PCR_EXTEND,		/* only ever invalid */
	FC_BLOB_LOAD,		/* KEY_LOAD / KEY_CHECK of a real (mutated) blob */
	FC_BLOB_CHECK,
	FC_KEYREF_SETKEY,	/* AF_ALG setkey of a key reference on kvault(ALG) */
	FC_GENL_KEY_GET,	/* KVAULT_CMD_KEY_GET doit */
	FC_GENL_KEY_DUMP,	/* KVAULT_CMD_KEY_GET with NLM_F_DUMP */
	FC_KEY_PUBLISH,		/* target_keyuse.c, in u_fc[] order */
	FC_KEY_UNPUBLISH,
	FC_PKEY_QUERY,
	FC_PKEY_ENCRYPT,
	FC_PKEY_DECRYPT,
	FC_PKEY_SIGN,
	FC_PKEY_VERIFY,
	FC_KEYUSE_LIFE,		/* lifecycle changes of the use keys */
	FC_KEYUSE_RACE,		/* publish/use/info against revoke/destroy */
	FC_NR
};

/* How deep an input got (predicted by the model, confirmed by the result). */
enum fuzz_stage { ST_NONE, ST_HANDLER, ST_TPM };

struct fuzz_cmd_stats {
	uint64_t ops;		/* requests aimed at this command */
	uint64_t handler;	/* ...that passed parsing/validation */
	uint64_t tpm;		/* ...that reached the TPM code */
	uint64_t ok;		/* ...that succeeded */
	uint64_t hist[FUZZ_HIST_N];
};

/* ---- PRNG: splitmix64 ------------------------------------------------ */

struct rng {
	uint64_t s;
};

uint64_t mix64(uint64_t z);
uint64_t rng_next(struct rng *r);
uint32_t rng_u32(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);		/* 0 .. n-1 */
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi);	/* lo .. hi */
bool rng_pct(struct rng *r, unsigned int pct);
void rng_fill(struct rng *r, void *buf, size_t len);
unsigned int rng_weighted(struct rng *r, const unsigned int *w, unsigned int n);
void rng_for_op(struct rng *r, uint64_t seed, unsigned int tid, uint64_t op);

/* ---- what the module said at startup ----------------------------------- */

struct fuzz_world {
	struct kvault_status st;	/* the STATUS reply */
	bool tpm2;
	char kernel[128];		/* uname -r */
};
extern struct fuzz_world g_world;

int world_probe(int fd, char *err, size_t len);
int world_digest_size(uint16_t bank);	/* -1: bank not allocated */
uint16_t world_random_bank(struct rng *r);
void world_describe(char *buf, size_t len);

/*
 * Reference PCR values: every bank read once at startup. The fuzzer never
 * extends, so a read with the same update counter must give the same values.
 */
int pcr_ref_init(int fd, char *err, size_t len);
/* 0: consistent (or the counter moved: reference refreshed), -1: mismatch. */
int pcr_ref_check(uint16_t bank, uint32_t mask, uint32_t counter,
		  const uint8_t *digests, char *why, size_t len);
uint64_t pcr_ref_counter_moves(void);

/* ---- memory arenas: where ioctl structs and buffers live -------------- */

/*
 * Eight pages: 0 RW | 1 RW | 2 PROT_NONE | 3 RW | 4 RO | 5 RW | 6 unmapped
 * | 7 RW. A buffer is placed by a struct loc (a kind and an offset), never by
 * absolute address, so that its description replays anywhere.
 */
#define ARENA_PAGES 8
enum pg_state { PGS_RW, PGS_RO, PGS_NONE, PGS_HOLE };

struct arena {
	uint8_t *base;
};

enum loc_kind {
	LOC_RW,		/* inside pages 0-1, off from their start */
	LOC_END_NONE,	/* ends off bytes before page 2 (PROT_NONE) */
	LOC_END_RO,	/* ends off bytes before page 4 (read-only) */
	LOC_IN_RO,	/* inside page 4 */
	LOC_END_HOLE,	/* ends off bytes before page 6 (unmapped) */
	LOC_IN_NONE,	/* inside page 2 */
	LOC_IN_HOLE,	/* inside page 6 */
	LOC_NULL,	/* address off (below mmap_min_addr) */
	LOC_KERNEL,	/* one of a few kernel / non-canonical addresses */
	LOC_NR
};

struct loc {
	uint8_t kind;
	uint32_t off;
};

extern size_t g_page;
int arena_init(struct arena *a);
void arena_reset(struct arena *a);
/* Draw a placement for a buffer of @len bytes; @good_pct: plain RW. */
void loc_gen(struct rng *r, struct loc *l, size_t len, unsigned int good_pct);
uint64_t loc_addr(const struct arena *a, const struct loc *l, size_t len);
const char *loc_name(unsigned int kind);

/* Access model over a worker's arenas; everything else is inaccessible. */
struct mem {
	struct arena a[2];	/* [0] ioctl structs, [1] output buffers */
	bool hole_mapped;	/* someone mapped into a hole: no oracle */
};
int mem_page_state(const struct mem *m, uint64_t addr);	/* pg_state or -1 */
bool mem_readable(const struct mem *m, uint64_t addr, size_t len);
bool mem_writable(const struct mem *m, uint64_t addr, size_t len);
/* Write @len bytes at @addr wherever our pages allow (RO made RW briefly). */
void mem_place(struct mem *m, uint64_t addr, const void *src, size_t len);
bool mem_byte(const struct mem *m, uint64_t addr, uint8_t *out);
bool mem_check_holes(struct mem *m);
bool mem_u32(const struct mem *m, uint64_t a, uint32_t *v);

/*
 * Extensible structs. gen_ext_struct() writes a (often hostile) size and
 * maybe a non-zero tail into @bytes and places the struct; it returns the
 * bytes to materialise. predict_copy_in() answers what kvault_copy_in()
 * must (0, EFAULT, EINVAL, E2BIG) for the memory as it is; on 0 @k holds
 * the @ksize bytes the kernel sees and *@n the bytes it copies in and out.
 */
uint32_t gen_ext_struct(struct rng *r, uint8_t *bytes, struct loc *arg,
			uint32_t ksize, uint32_t ver0);
int predict_copy_in(const struct mem *m, uint64_t a, uint32_t ksize,
		    uint32_t ver0, uint8_t *k, uint32_t *n);

/* ---- per-worker state -------------------------------------------------- */

struct shared_worker;
struct keys_model;
struct seal_model;

struct worker {
	unsigned int tid;
	enum fuzz_role role;
	uint64_t seed;
	uint64_t cur_op;
	int devfd;			/* this worker's own /dev/kvault fd */
	struct genl_raw g;		/* this worker's netlink socket */
	int sndbuf;			/* its SO_SNDBUF (sk_sndbuf) */
	struct mem mem;
	uint8_t *tx, *rx;		/* netlink buffers */
	size_t txcap, rxcap;
	uint8_t *snap;			/* arena snapshot (unexpected writes) */
	struct keys_model *keys;	/* target_keys.c: this worker's keys */
	struct seal_model *seal;	/* target_seal.c: its real blob */
	struct shared_worker *sh;
	bool verbose;
	bool replay;
};

/* Stray writes: snapshot both arenas, then name a change outside two ranges. */
void snap_take(struct worker *w);
void snap_compare(struct worker *w, uint64_t a1, size_t n1, uint64_t a2,
		  size_t n2, char *why, size_t len);

extern int g_devfd;		/* one fd shared by all threads */
extern const char *g_out;	/* output directory */

/* One operation being run: what check() reports into. */
struct fuzz_target;
struct opctx {
	uint64_t op;
	const struct fuzz_target *target;
	const void *in;			/* the target's input, for descriptions */
	enum fuzz_cmd cmd;
	int result;			/* summary errno for the ring log */
	unsigned int findings;
};

/* Statistics of one request. err: 0 or -errno, or a FUZZ_HIST_ pseudo-value. */
void fuzz_account(struct worker *w, enum fuzz_cmd cmd, int err,
		  enum fuzz_stage stage);
/*
 * Report a finding for the current op. @sig identifies the kind of bug (for
 * de-duplication, e.g. "ioctl:PCR_READ:errno:EINVAL!=0"); @fmt explains it.
 */
void fuzz_finding(struct worker *w, struct opctx *op, const char *sig,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void fuzz_log(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A target: one kind of input the fuzzer throws at kvault.
 *   gen()      draws the whole input from @r (and g_world) into @in;
 *   describe() prints it for humans (verbose: with hex dumps);
 *   exec()     materialises it, predicts the documented answer, runs it;
 *   check()    applies the oracles and accounts the op.
 * @in and @out are zeroed target-private buffers of in_size/out_size bytes.
 */
struct fuzz_target {
	const char *name;
	unsigned int weight[ROLE_NR];
	size_t in_size, out_size;
	void (*gen)(struct worker *w, struct rng *r, void *in);
	void (*describe)(struct worker *w, const void *in, char *buf,
			 size_t len, bool verbose);
	void (*exec)(struct worker *w, void *in, void *out);
	void (*check)(struct worker *w, const void *in, const void *out,
		      struct opctx *op);
};

extern const struct fuzz_target target_ioctl;
extern const struct fuzz_target target_ioctl_unknown;
extern const struct fuzz_target target_dev_lifecycle;
extern const struct fuzz_target target_dev_open_unpriv;
extern const struct fuzz_target target_genl;
extern const struct fuzz_target target_keys_ioctl;
extern const struct fuzz_target target_keys_keyctl;
extern const struct fuzz_target target_seal_ioctl;
extern const struct fuzz_target target_seal_blob;
extern const struct fuzz_target target_pcr_extend;
extern const struct fuzz_target target_keyref;
extern const struct fuzz_target target_keyuse;

/*
 * The boot lock: a valid KVAULT_IOC_PCR_EXTEND extends a PCR and refuses
 * every seal and load until the module is reloaded. Every path that sends
 * an ioctl whose command the kernel would take for PCR_EXTEND asks this
 * first and does not send it if the struct in memory could be accepted
 * (target_seal.c).
 */
bool pcr_extend_unsafe(const struct mem *m, unsigned int cmd, uint64_t a);

void genl_sock_tune(struct worker *w, int fd);

/* ---- small helpers ----------------------------------------------------- */

uint64_t now_ns(void);
const char *errname(int err);	/* "EINVAL", "0", "noreply", ... */
size_t bprintf(char *buf, size_t len, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
size_t hexdump(char *buf, size_t len, size_t off, const void *data,
	       size_t n, size_t max);

/* Allowed results: a small set of 0 / -errno values. */
struct expect {
	int n;
	int v[16];
	enum fuzz_stage stage;	/* how deep the input gets if it succeeds */
	bool indeterminate;	/* the model cannot say: no errno oracle */
};
void expect_set(struct expect *e, int v, enum fuzz_stage stage);
void expect_add(struct expect *e, int v);
bool expect_has(const struct expect *e, int v);
size_t expect_str(const struct expect *e, char *buf, size_t len);

/*
 * State shared by every worker, the unprivileged children included, set up
 * before they fork (fuzz_xshared_init()).
 *
 * Known material: each worker imports keys whose material is one of
 * LEAK_VARIANTS patterns (KVAULT_SECRET_MAX_LEN bytes, a pure function of
 * seed, worker and variant; a key uses their first len bytes). Every 8-byte
 * window of every pattern is in a table; leak_scan() looks for any of them
 * in a buffer the kernel filled. The fuzzer never puts those bytes in a
 * request (imports carry them as hex text), so a hit is material leaving
 * the kernel.
 *
 * allow_plaintext_import: the main thread flips the module parameter every
 * IMPORT_FLIP_S seconds so that both the EPERM path and real imports are
 * exercised. import_epoch() is a seqcount: odd while a flip is under way;
 * (epoch / 2) & 1 is the parameter's value; an op that saw the epoch change
 * cannot tell which value the kernel used.
 */
#define LEAK_VARIANTS	4
#define IMPORT_FLIP_S	20
int fuzz_xshared_init(uint64_t seed, const unsigned int *tids, unsigned int n);
void leak_pattern(uint64_t seed, unsigned int tid, unsigned int variant,
		  uint8_t out[KVAULT_SECRET_MAX_LEN]);
bool leak_scan(const void *buf, size_t len, size_t *at);
void import_param_flip(void);
uint32_t import_epoch(void);
uint32_t import_param_flips(void);

/*
 * Keys (target_keys.c). A worker's own keys are named "fzk-w<tid>-<slot>";
 * "fzk-shared-<n>" are used by every root worker at once; "fzk-none-..."
 * never exist.
 */
#define KEYS_SLOTS	6
#define KEYS_SHARED	3
enum { KN_OWN, KN_SHARED, KN_NONE };
void keys_teardown(struct worker *w);
void keys_name(const struct worker *w, int kind, unsigned int n, char *buf,
	       size_t len);

/* A slot as the keys model knows it (for target_seal.c). */
enum { KX_ABSENT, KX_LIVE, KX_DEAD, KX_ORPHAN, KX_UNSURE };
struct keys_view {
	int x;			/* KX_* */
	int32_t id;
	uint32_t alg, len, usage, attrs, state, version, min_version;
	int32_t mirror_id;	/* keys-use keys: the logon mirror, if known */
	bool revoked;
	bool quiet;		/* live, and nothing can happen to it unseen */
};
void keys_view(struct worker *w, unsigned int slot, struct keys_view *v);
/* The KN_* pool a key with @id (or, with @id 0, @name) belongs to, and its slot. */
int keys_find(struct worker *w, const char *name, int32_t id, unsigned int *slot);
int32_t keys_shared_id(struct worker *w, unsigned int n);

/*
 * target_keyuse.c's keys: KEYUSE_KINDS per root worker, modelled exactly.
 * keyuse_find(): is @id (or @name) one of them (or a stale generation)?
 * Fills @v (x: KX_LIVE or KX_DEAD) and the key's @vname.
 */
#define KEYUSE_KINDS	8
bool keyuse_find(struct worker *w, int32_t id, const char *name,
		 struct keys_view *v, char *vname, size_t len);
int32_t keyuse_id(struct worker *w, unsigned int k, bool stale, char *name,
		  size_t len);
/* The slot's key was sealed (KVAULT_KEY_SEALED), or the model lost it. */
void keys_mark_sealed(struct worker *w, unsigned int slot);
void keys_mark_unsure(struct worker *w, unsigned int slot);
void seal_teardown(struct worker *w);
/* The blob header's fields (big-endian, uapi "Blob format"). */
#define BLOB_FIXED	40
#define BLOB_TAG	32

#endif /* KVAULT_FUZZ_H */
