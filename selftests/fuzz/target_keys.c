// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_fuzz targets on vault keys: the KVAULT_IOC_KEY_* ioctls
 * ("keys-ioctl", root) and the keyring side of key type "kvault"
 * ("keys-keyctl", every role): add_key() with valid and hostile payloads
 * and descriptions, and keyctl read/describe/update/revoke/invalidate/
 * set_timeout/setperm/unlink on kvault keys.
 *
 * The model. Each worker owns KEYS_SLOTS names ("fzk-w<tid>-<slot>", the
 * last one 127 bytes long) that only it touches, so it knows each one's
 * life exactly: absent, live (with state, versions, attributes, keyring
 * permissions, revocation, a keyctl timeout, a pending destroy deadline),
 * dead (destroyed or invalidated: ENOKEY until the keyring core collects
 * it, ENOENT after). Two things happen behind its back: a scheduled
 * destroy runs from a work item at its deadline, and a keyctl timeout
 * expires at a second boundary. For an op near such an instant the model
 * evaluates both "worlds" and accepts either answer; the answer then tells
 * which world it was (or, if it cannot, the slot becomes "unsure" until a
 * lookup by name resynchronises it). Everything else is exact.
 *
 * KEYS_SHARED names ("fzk-shared-<n>") are hit by every root worker at
 * once with lifecycle ioctls; there the oracle accepts the union of the
 * answers legal in any state the key can be in (noted per op below), and
 * checks the reply's internal consistency on success.
 *
 * The oracle order follows kmod/ioctl_keys.c and vault.c, which implement
 * uapi/linux/kvault.h's "Keys" section: copy_struct_from_user() rules,
 * then EINVAL for fields (flags, reserved, out fields on input, @arg where
 * the op takes none, the name field, @id/@name both or neither; for create
 * also alg/alg_len/usage and name syntax), then ENOENT for a key the vault
 * does not hold (by ID or name: a well-formed but invalid name is simply
 * not found), then the keyring side (ENOKEY invalidated, EKEYREVOKED,
 * EKEYEXPIRED; destroy is allowed on revoked and expired keys), then the
 * state rules. The out fields are written back on failure too, so a
 * struct that cannot be written back gives EFAULT *after* the op took
 * effect.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

#include "kvault_fuzz.h"

#define KC_SIZE		((uint32_t)sizeof(struct kvault_key_create))
#define KO_SIZE		((uint32_t)sizeof(struct kvault_key_op))
#define KB_MAX		(4096 + 64)
#define NS		1000000000ULL
/* A destroy work may run this late after its deadline (TCG guests). */
#define DESTROY_SLACK_NS (30 * NS)
#define MAX_REP		72

/* Key ioctls by number - 0x10; FC_KEY_CREATE + K_* is the stats slot. */
enum { K_CREATE, K_ROTATE, K_SET_MIN, K_ENABLE, K_DISABLE, K_SCHEDULE,
       K_CANCEL, K_DESTROY, K_INFO, K_TIGHTEN, K_NR };

/* ---- keyring core constants (linux/key.h is not uapi) ------------------ */

#define KP_VIEW		0x01
#define KP_READ		0x02
#define KP_WRITE	0x04
#define KP_SEARCH	0x08
#define KP_LINK		0x10
#define KP_SETATTR	0x20
#define KP_ALL		0x3f
/*
 * Permissions setperm is given (the keyring core's own default for a key
 * added with KEY_PERM_UNDEF first). What a new key starts with is the
 * module's policy, not the ABI's: the model reads it back (learn_perm()).
 */
#define KPERM_DEFAULT	0x3b010000U

/* ---- the model --------------------------------------------------------- */

struct kslot {
	uint8_t x;		/* KX_* */
	bool keyctl;		/* added with add_key() to our thread keyring */
	bool revoked;
	int32_t id;		/* 0: not known; kept (stale) once absent */
	uint32_t alg, len, usage, attrs, state, version, min_version;
	uint64_t deadline;	/* destroy-pending: CLOCK_REALTIME ns */
	int64_t exp_lo, exp_hi;	/* keyctl timeout: expires in [lo, hi] (s) */
	uint32_t perm;
	bool perm_known;	/* @perm read back with keyctl describe */
};

struct keys_model {
	struct kslot s[KEYS_SLOTS];
	int32_t shared_id[KEYS_SHARED];
	bool ring_ok;
	int may_create;		/* add_key of a valid payload: 0 or -EPERM */
};

/* What may be true at the moment of an op: the unobservable events. */
struct kworld {
	bool gone;		/* the scheduled destroy has run */
	bool expired;		/* the keyctl timeout has passed */
};

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static long kc(int op, unsigned long a, unsigned long b, unsigned long c,
	       unsigned long d)
{
	return syscall(SYS_keyctl, op, a, b, c, d);
}

/*
 * May this worker create kvault keys through keyctl at all? kvault may
 * demand key management rights (CAP_SYS_ADMIN or the "group") in its
 * preparse, before anything else, or leave it to the keyring's write
 * permission; ask the running module once with a valid request under a
 * name outside the pool (and drop the key again).
 */
static int keys_probe_create(struct worker *w)
{
	char name[48];
	long id;

	if (w->role == ROLE_PRIV)
		return 0;
	snprintf(name, sizeof(name), "fzk-probe-w%u", w->tid);
	id = syscall(SYS_add_key, KVAULT_KEY_TYPE, name, "new aes-128", (size_t)11,
		     KEY_SPEC_THREAD_KEYRING);
	if (id < 0)
		return errno == EPERM ? -EPERM : 0;
	kc(KEYCTL_UNLINK, (unsigned long)id, (unsigned long)KEY_SPEC_THREAD_KEYRING, 0, 0);
	return 0;
}

static struct keys_model *model(struct worker *w)
{
	if (!w->keys) {
		w->keys = calloc(1, sizeof(*w->keys));
		if (!w->keys)
			abort();
		/* create the thread keyring now: unlink and add_key need it */
		w->keys->ring_ok = kc(KEYCTL_GET_KEYRING_ID, (unsigned long)KEY_SPEC_THREAD_KEYRING,
				      1, 0, 0) > 0;
		w->keys->may_create = keys_probe_create(w);
	}
	return w->keys;
}

void keys_teardown(struct worker *w)
{
	free(w->keys);
	w->keys = NULL;
	seal_teardown(w);
}

void keys_name(const struct worker *w, int kind, unsigned int n, char *buf,
	       size_t len)
{
	size_t k;

	if (kind == KN_SHARED) {
		snprintf(buf, len, "fzk-shared-%u", n);
		return;
	}
	if (kind == KN_NONE) {
		snprintf(buf, len, "fzk-none-%u-%x", w->tid, n);
		return;
	}
	snprintf(buf, len, "fzk-w%u-%u-", w->tid, n);
	/* the last slot's name is as long as a name can be: 127 bytes */
	if (n == KEYS_SLOTS - 1 && len >= KVAULT_KEY_NAME_MAX)
		for (k = strlen(buf); k < KVAULT_KEY_NAME_MAX - 1; k++) {
			buf[k] = (char)('!' + k % 94);
			buf[k + 1] = '\0';
		}
}


/*
 * Which worlds are possible for @s over [t0, t1]; returns how many. Before
 * its instant an event surely has not happened; after it, the model does
 * not insist that it has (a destroy work may run late, and runs on timers
 * the model cannot see): both answers are accepted until one is seen, and
 * seeing it settles the slot (an expiry, once seen, is for good: exp 1/1).
 */
static int worlds(const struct kslot *s, uint64_t t0, uint64_t t1,
		  struct kworld *wd)
{
	bool g1 = false, e0 = false, e1 = false;
	uint64_t hi = t0 < t1 ? t1 : t0;
	int n = 0, a, b;

	if (s->x == KX_LIVE || s->x == KX_ORPHAN) {
		if (s->state == KVAULT_KEY_STATE_DESTROY_PENDING)
			g1 = hi + NS >= s->deadline;
		if (s->exp_lo == 1 && s->exp_hi == 1)
			e0 = e1 = true;
		else if (s->exp_lo)
			e1 = (int64_t)(hi / NS) + 1 >= s->exp_lo;
	}
	for (a = 0; a <= (int)g1; a++)
		for (b = e0; b <= (int)e1; b++) {
			wd[n].gone = a;
			wd[n].expired = b;
			n++;
		}
	return n;
}

/* Usage bits each algorithm allows (uapi "Algorithms"). */
static uint32_t alg_usage(uint32_t alg)
{
	switch (alg) {
	case KVAULT_ALG_AES_128:
	case KVAULT_ALG_AES_256:
		return 0x4f;
	case KVAULT_ALG_AES_XTS_256:
	case KVAULT_ALG_AES_XTS_512:
		return 0x43;
	case KVAULT_ALG_HMAC_SHA256:
	case KVAULT_ALG_HMAC_SHA384:
	case KVAULT_ALG_HMAC_SHA512:
		return 0x70;
	case KVAULT_ALG_SECRET:
		return KVAULT_USAGE_ALL;
	}
	return 0;
}

static uint32_t alg_len(uint32_t alg)
{
	static const uint32_t l[] = { 0, 16, 32, 32, 64, 32, 48, 64, 0 };

	return alg < 9 ? l[alg] : 0;
}

static const char *const alg_names[] = {
	"?", "aes-128", "aes-256", "aes-xts-256", "aes-xts-512",
	"hmac-sha256", "hmac-sha384", "hmac-sha512", "secret",
};
static const char *const usage_names[] = {
	"encrypt", "decrypt", "wrap", "unwrap", "sign", "verify", "crypto-api",
};

static bool name_ok(const char *n)
{
	size_t i, l = strnlen(n, KVAULT_KEY_NAME_MAX);

	if (!l || l == KVAULT_KEY_NAME_MAX)
		return false;
	for (i = 0; i < l; i++)
		if ((unsigned char)n[i] <= 0x20 || (unsigned char)n[i] > 0x7e)
			return false;
	return true;
}

/* A name field that kvault_name_field_check() refuses: no NUL, or junk after it. */
static bool field_bad(const char *f)
{
	size_t i, n = strnlen(f, KVAULT_KEY_NAME_MAX);

	if (n == KVAULT_KEY_NAME_MAX)
		return true;
	for (i = n; i < KVAULT_KEY_NAME_MAX; i++)
		if (f[i])
			return true;
	return false;
}

static void slot_new(struct kslot *s, int32_t id, uint32_t alg, uint32_t len,
		     uint32_t usage, uint32_t attrs, bool keyctl)
{
	memset(s, 0, sizeof(*s));
	s->x = KX_LIVE;
	s->id = id;
	s->alg = alg;
	s->len = len;
	s->usage = usage;
	s->attrs = attrs;
	s->state = KVAULT_KEY_STATE_ENABLED;
	s->version = 1;
	s->min_version = 1;
	s->keyctl = keyctl;
}

/*
 * A new key's permissions, from "keyctl describe" (TYPE;UID;GID;PERM;DESC);
 * a key we may not view stays unknown, and keyctl ops on it unmodelled.
 */
static void learn_perm(struct kslot *s)
{
	char buf[KVAULT_KEY_NAME_MAX + 64];
	unsigned int perm;

	s->perm_known = false;
	if (s->id <= 0 ||
	    kc(KEYCTL_DESCRIBE, (unsigned long)s->id, (unsigned long)buf, sizeof(buf), 0) < 0)
		return;
	buf[sizeof(buf) - 1] = '\0';
	if (sscanf(buf, "%*[^;];%*u;%*u;%x;", &perm) == 1) {
		s->perm = perm;
		s->perm_known = true;
	}
}

/* The slot became dead (destroyed or invalidated); keep the stale ID. */
static void slot_dead(struct kslot *s)
{
	int32_t id = s->id;

	memset(s, 0, sizeof(*s));
	s->x = KX_DEAD;
	s->id = id;
}

static void slot_absent(struct kslot *s)
{
	int32_t id = s->id;

	memset(s, 0, sizeof(*s));
	s->x = KX_ABSENT;
	s->id = id;
}

/* KX_DEAD / KX_ORPHAN answers: not collected yet, or collected. */
static int gone_rc(const struct kslot *s, bool collected, struct kslot *ns)
{
	*ns = *s;
	if (collected) {
		slot_absent(ns);
		return -ENOENT;
	}
	slot_dead(ns);
	return -ENOKEY;
}

/* kvault_key_op() on a live key, in world @wd; @ns: the slot after. */
static int vault_op(const struct kslot *s, unsigned int op, uint32_t arg,
		    struct kworld wd, struct kslot *ns)
{
	*ns = *s;
	if (wd.gone) {
		/* the destroy work wiped and invalidated it */
		slot_dead(ns);
		return -ENOKEY;
	}
	if (wd.expired) {
		ns->exp_lo = ns->exp_hi = 1;	/* expired for good */
		/* noticed (and wiped, blob too) only if key_validate() said "expired" */
		if (!s->revoked) {
			ns->attrs |= KVAULT_KEY_EXPIRED;
			ns->attrs &= ~KVAULT_KEY_SEALED;
		}
	}
	if (op != K_DESTROY) {
		if (s->revoked)
			return -EKEYREVOKED;
		if (wd.expired)
			return -EKEYEXPIRED;
	}
	if (s->state == KVAULT_KEY_STATE_DESTROY_PENDING &&
	    op != K_CANCEL && op != K_DESTROY &&
	    op != K_INFO && op != K_SCHEDULE)
		return -EBUSY;
	switch (op) {
	case K_INFO:
		return 0;
	case K_ROTATE:
		if (s->version - s->min_version + 1 >= KVAULT_KEY_MAX_VERSIONS)
			return -ENOSPC;
		ns->version++;
		return 0;
	case K_SET_MIN:
		if (arg < s->min_version)
			return -EINVAL;
		if (arg > s->version)
			return -ERANGE;
		ns->min_version = arg;
		return 0;
	case K_ENABLE:
	case K_DISABLE: {
		uint32_t to = op == K_ENABLE ? KVAULT_KEY_STATE_ENABLED :
			      KVAULT_KEY_STATE_DISABLED;

		if (s->state == to)
			return -EALREADY;
		ns->state = to;
		return 0;
	}
	case K_SCHEDULE:
		if (s->state == KVAULT_KEY_STATE_DESTROY_PENDING)
			return -EALREADY;
		if (arg > KVAULT_DESTROY_MAX_WINDOW)
			return -EINVAL;
		ns->state = KVAULT_KEY_STATE_DESTROY_PENDING;
		ns->deadline = 0;	/* filled in from the reply's destroy_time */
		return 0;
	case K_CANCEL:
		if (s->state != KVAULT_KEY_STATE_DESTROY_PENDING)
			return -EINVAL;
		ns->state = KVAULT_KEY_STATE_DISABLED;
		return 0;
	case K_DESTROY:
		slot_dead(ns);
		return 0;
	case K_TIGHTEN:
		if (arg & ~KVAULT_KEY_EXPORTABLE)
			return -EINVAL;
		ns->attrs &= ~arg;
		return 0;
	}
	return -EINVAL;
}

static bool slot_eq(const struct kslot *a, const struct kslot *b)
{
	return a->x == b->x && a->keyctl == b->keyctl && a->revoked == b->revoked &&
	       a->alg == b->alg && a->len == b->len && a->usage == b->usage &&
	       a->attrs == b->attrs && a->state == b->state &&
	       a->version == b->version && a->min_version == b->min_version &&
	       a->exp_lo == b->exp_lo && a->exp_hi == b->exp_hi && a->perm == b->perm &&
	       a->perm_known == b->perm_known;
}

/* Possible outcomes of an op on an own slot. */
#define MAX_OUTC 12
struct outc {
	int rc;
	struct kslot ns;
};

typedef int (*live_fn)(const struct kslot *s, unsigned int op, uint32_t arg,
		       struct kworld wd, struct kslot *ns);

/*
 * A key that is going away: not collected yet (vault: ENOKEY) or collected
 * (ENOENT); keyctl, which cannot tell, passes its answer as @absent_rc.
 */
static int gone_pair(const struct kslot *s, int absent_rc, struct outc *o)
{
	o[0].rc = gone_rc(s, false, &o[0].ns);
	o[1].rc = gone_rc(s, true, &o[1].ns);
	if (absent_rc != -ENOENT)
		o[0].rc = o[1].rc = absent_rc;
	return 2;
}

/* Enumerate outcomes; -1: the model does not know the slot (unsure). */
static int outcomes(const struct kslot *s, unsigned int op, uint32_t arg,
		    uint64_t t0, uint64_t t1, live_fn fn, int absent_rc,
		    struct outc *o)
{
	struct kworld wd[4];
	bool may_expire = false;
	int n = 0, nw, i;

	switch (s->x) {
	case KX_UNSURE:
		return -1;
	case KX_ABSENT:
		o[0].ns = *s;
		o[0].rc = absent_rc;
		return 1;
	case KX_DEAD:
		return gone_pair(s, absent_rc, o);
	case KX_ORPHAN:
		/* unlinked from its last keyring: dying, collected, or not yet */
		n = gone_pair(s, absent_rc, o);
		break;
	}
	nw = worlds(s, t0, t1, wd);
	for (i = 0; i < nw && n + 2 <= MAX_OUTC; i++) {
		may_expire |= wd[i].expired;
		if (wd[i].gone) {
			n += gone_pair(s, absent_rc, o + n);
			continue;
		}
		o[n].rc = fn(s, op, arg, wd[i], &o[n].ns);
		n++;
	}
	/*
	 * A revoked or expired key is collected key_gc_delay seconds later
	 * (security/keys/gc.c), and its .destroy takes it out of the vault:
	 * from then on it is not found. (An orphan has that outcome already.)
	 */
	if (s->x == KX_LIVE && (s->revoked || may_expire) && n < MAX_OUTC) {
		o[n].rc = gone_rc(s, true, &o[n].ns);
		if (absent_rc != -ENOENT)
			o[n].rc = absent_rc;
		n++;
	}
	return n;
}

static void outc_expect(const struct outc *o, int n, struct expect *e,
			enum fuzz_stage stage)
{
	int i;

	expect_set(e, o[0].rc, stage);
	for (i = 1; i < n; i++)
		expect_add(e, o[i].rc);
}

/*
 * Adopt the outcome that @rc says happened. @map_found: the answer of any
 * outcome but ENOENT was replaced by this one (write-back EFAULT).
 */
static void outc_adopt(struct kslot *s, const struct outc *o, int n, int rc,
		       int map_found)
{
	const struct kslot *pick = NULL;
	int i;

	for (i = 0; i < n; i++) {
		int r = map_found && o[i].rc != -ENOENT ? map_found : o[i].rc;

		if (r != rc)
			continue;
		if (pick && !slot_eq(pick, &o[i].ns)) {
			s->x = KX_UNSURE;
			return;
		}
		pick = &o[i].ns;
	}
	if (pick)
		*s = *pick;
	else
		s->x = KX_UNSURE;	/* a finding was reported */
}

/* ---- the slots as target_seal.c sees them ----------------------------------- */

void keys_view(struct worker *w, unsigned int slot, struct keys_view *v)
{
	const struct kslot *s = &model(w)->s[slot % KEYS_SLOTS];

	memset(v, 0, sizeof(*v));
	v->x = s->x;
	v->id = s->id;
	v->alg = s->alg;
	v->len = s->len;
	v->usage = s->usage;
	v->attrs = s->attrs;
	v->state = s->state;
	v->version = s->version;
	v->min_version = s->min_version;
	v->revoked = s->revoked;
	/* no deadline and no keyctl timeout: nothing happens to it unseen */
	v->quiet = s->x == KX_LIVE && s->id > 0 &&
		   s->state != KVAULT_KEY_STATE_DESTROY_PENDING && !s->exp_lo;
}

void keys_mark_sealed(struct worker *w, unsigned int slot)
{
	struct kslot *s = &model(w)->s[slot % KEYS_SLOTS];

	if (s->x == KX_LIVE)
		s->attrs |= KVAULT_KEY_SEALED;
}

void keys_mark_unsure(struct worker *w, unsigned int slot)
{
	model(w)->s[slot % KEYS_SLOTS].x = KX_UNSURE;
}

/* ---- KVAULT_IOC_KEY_* ---------------------------------------------------- */

enum { ARG_ABS, ARG_MIN_PLUS, ARG_VER_MINUS };

struct kio_in {
	uint8_t k;		/* K_* */
	uint8_t kind;		/* KN_OWN, KN_SHARED, KN_NONE */
	uint8_t slot;
	uint8_t by_id;		/* @id from the model at run time */
	uint8_t arg_mode;	/* ARG_*: @arg relative to the model's key */
	uint8_t hostile;	/* struct mutated: validation model only */
	uint8_t shared_fd;
	uint8_t nrep;		/* the same request this many times (rotation bursts) */
	uint32_t arg_delta;
	unsigned int cmd;
	uint32_t blen;
	struct loc loc;
	char mut[120];
	uint8_t bytes[KB_MAX];
};

struct kio_one {
	int rc;
	struct expect ex;
	bool indeterminate;
	uint8_t back[KO_SIZE];
	bool back_ok;
	char bad[200];
	char stray[200];
};

struct kio_out {
	uint8_t nrun;
	struct kio_one r[MAX_REP];
};

static const char *const k_names[K_NR] = {
	"KEY_CREATE", "KEY_ROTATE", "KEY_SET_MIN_VERSION", "KEY_ENABLE",
	"KEY_DISABLE", "KEY_SCHEDULE_DESTROY", "KEY_CANCEL_DESTROY",
	"KEY_DESTROY", "KEY_INFO", "KEY_TIGHTEN",
};

static bool k_takes_arg(unsigned int k)
{
	return k == K_SET_MIN || k == K_SCHEDULE || k == K_TIGHTEN;
}

static void gen_usage(struct rng *r, uint32_t alg, uint32_t *usage)
{
	uint32_t allowed = alg_usage(alg);
	unsigned int p = rng_below(r, 100);

	if (p < 45)
		*usage = 0;
	else if (p < 90)
		*usage = (rng_u32(r) & allowed) ? (rng_u32(r) & allowed) : allowed;
	else
		*usage = rng_pct(r, 50) ? 1U << rng_below(r, 32) : rng_u32(r);
}

/* A name field: valid (the pool's) or one of the ways to get it wrong. */
static void gen_bad_name(struct rng *r, char *f, const char *good, char *mut,
			 size_t mlen)
{
	size_t l = strlen(good);

	switch (rng_below(r, 6)) {
	case 0:		/* empty */
		memset(f, 0, KVAULT_KEY_NAME_MAX);
		snprintf(mut, mlen, " name:empty");
		break;
	case 1:		/* no NUL in the field */
		memset(f, 'A' + (int)rng_below(r, 26), KVAULT_KEY_NAME_MAX);
		snprintf(mut, mlen, " name:unterminated");
		break;
	case 2:		/* a byte after the NUL */
		if (l + 2 > KVAULT_KEY_NAME_MAX) {
			f[0] = ' ';
			snprintf(mut, mlen, " name:space");
			break;
		}
		f[l + 1 + rng_below(r, (uint32_t)(KVAULT_KEY_NAME_MAX - l - 1))] =
			(char)rng_range(r, 1, 255);
		snprintf(mut, mlen, " name:tail");
		break;
	case 3:		/* non-printable or space inside */
		f[rng_below(r, (uint32_t)l)] =
			(char)(rng_pct(r, 30) ? ' ' : rng_pct(r, 50) ?
			       rng_below(r, 0x20) : rng_range(r, 0x7f, 0xff));
		snprintf(mut, mlen, " name:byte");
		break;
	case 4:		/* 127 printable bytes: valid, but no such key */
		memset(f, 0, KVAULT_KEY_NAME_MAX);
		memset(f, 'z', KVAULT_KEY_NAME_MAX - 1);
		memcpy(f, "fzk-none-", 9);
		snprintf(mut, mlen, " name:127-unknown");
		break;
	default:	/* exactly 128 bytes: no room for the NUL */
		memset(f, 'y', KVAULT_KEY_NAME_MAX);
		snprintf(mut, mlen, " name:128");
		break;
	}
}

static void kio_gen_create(struct worker *w, struct rng *r, struct kio_in *in,
			   struct kvault_key_create *c)
{
	char mut[64] = "";

	c->alg = rng_range(r, 1, KVAULT_ALG_SECRET);
	c->alg_len = c->alg == KVAULT_ALG_SECRET ?
		     rng_range(r, KVAULT_SECRET_MIN_LEN, KVAULT_SECRET_MAX_LEN) : 0;
	gen_usage(r, c->alg, &c->usage);
	c->flags = rng_pct(r, 50) ? KVAULT_KEY_EXPORTABLE : 0;
	keys_name(w, in->kind, in->slot, c->name, sizeof(c->name));
	if (!in->hostile)
		return;
	switch (rng_below(r, 9)) {
	case 0:
		c->flags |= rng_pct(r, 50) ? 1U << rng_range(r, 1, 31) : rng_u32(r);
		snprintf(mut, sizeof(mut), " flags");
		break;
	case 1:
		c->reserved[rng_below(r, 4)] = rng_next(r) | 1;
		snprintf(mut, sizeof(mut), " reserved");
		break;
	case 2:
		c->id = (int32_t)(rng_u32(r) | 1);
		snprintf(mut, sizeof(mut), " id");
		break;
	case 3:
		c->alg = rng_pct(r, 50) ? 0 : rng_pct(r, 50) ? KVAULT_ALG_SECRET + 1 : rng_u32(r);
		snprintf(mut, sizeof(mut), " alg");
		break;
	case 4:
		if (c->alg == KVAULT_ALG_SECRET)
			c->alg_len = rng_pct(r, 50) ? rng_below(r, KVAULT_SECRET_MIN_LEN) :
				     rng_range(r, KVAULT_SECRET_MAX_LEN + 1, 100000);
		else
			c->alg_len = rng_pct(r, 50) ? alg_len(c->alg) : rng_u32(r) | 1;
		snprintf(mut, sizeof(mut), " alg_len");
		break;
	case 5:
		c->usage = (c->usage | ~alg_usage(c->alg)) &
			   (rng_pct(r, 50) ? 0x7f : rng_u32(r));
		if (!(c->usage & ~alg_usage(c->alg)))
			c->usage |= 0x80;
		snprintf(mut, sizeof(mut), " usage");
		break;
	default:
		gen_bad_name(r, c->name, c->name, mut, sizeof(mut));
		/* a valid unknown name would create a key outside the pool */
		if (name_ok(c->name))
			c->name[0] = ' ';
		break;
	}
	bprintf(in->mut, sizeof(in->mut), strlen(in->mut), "%s", mut);
}

static void kio_gen_op(struct worker *w, struct rng *r, struct kio_in *in,
		       struct kvault_key_op *o)
{
	char mut[64] = "";
	unsigned int p;

	in->by_id = in->kind != KN_NONE && rng_pct(r, 35);
	if (!in->by_id)
		keys_name(w, in->kind, in->slot, o->name, sizeof(o->name));
	else if (in->kind == KN_NONE)
		o->id = (int32_t)(rng_u32(r) >> 1) | 1;
	p = rng_below(r, 100);
	switch (in->k) {
	case K_SET_MIN:
		in->arg_mode = p < 45 ? ARG_VER_MINUS : p < 75 ? ARG_MIN_PLUS : ARG_ABS;
		in->arg_delta = in->arg_mode == ARG_ABS ? (rng_pct(r, 50) ? 0 : rng_u32(r)) :
				rng_below(r, in->arg_mode == ARG_VER_MINUS ? 4 : 3);
		break;
	case K_SCHEDULE:
		o->arg = p < 25 ? 0 : p < 55 ? rng_range(r, 1, 3) :
			 p < 80 ? rng_range(r, 60, KVAULT_DESTROY_MAX_WINDOW) :
			 p < 88 ? KVAULT_DESTROY_MAX_WINDOW :
			 rng_range(r, KVAULT_DESTROY_MAX_WINDOW + 1, 0xffffffffU);
		break;
	case K_TIGHTEN:
		o->arg = p < 70 ? KVAULT_KEY_EXPORTABLE : p < 85 ? 0 : rng_u32(r) | 2;
		break;
	}
	if (!in->hostile)
		return;
	switch (rng_below(r, 8)) {
	case 0:
		o->flags = rng_pct(r, 50) ? 1U << rng_below(r, 32) : rng_u32(r) | 1;
		snprintf(mut, sizeof(mut), " flags");
		break;
	case 1:
		o->reserved[rng_below(r, 4)] = rng_next(r) | 1;
		snprintf(mut, sizeof(mut), " reserved");
		break;
	case 2:		/* an out field set on input */
		switch (rng_below(r, 5)) {
		case 0: o->state = rng_u32(r) | 1; break;
		case 1: o->version = rng_u32(r) | 1; break;
		case 2: o->min_version = rng_u32(r) | 1; break;
		case 3: o->attrs = rng_u32(r) | 1; break;
		default: o->destroy_time = rng_next(r) | 1; break;
		}
		snprintf(mut, sizeof(mut), " out-field");
		break;
	case 3:		/* @arg where the op takes none (or junk where it does) */
		o->arg = rng_u32(r) | 1;
		in->arg_mode = ARG_ABS;
		snprintf(mut, sizeof(mut), " arg");
		break;
	case 4:		/* id and name both, or neither */
		if (rng_pct(r, 50)) {
			keys_name(w, in->kind, in->slot, o->name, sizeof(o->name));
			if (!o->id)
				o->id = (int32_t)(rng_u32(r) >> 1) | 1;
			in->by_id = 0;
			snprintf(mut, sizeof(mut), " id+name");
		} else {
			memset(o->name, 0, sizeof(o->name));
			o->id = 0;
			in->by_id = 0;
			snprintf(mut, sizeof(mut), " no-key");
		}
		break;
	case 5:		/* negative id */
		o->id = (int32_t)(rng_u32(r) | 0x80000000U);
		memset(o->name, 0, sizeof(o->name));
		in->by_id = 0;
		snprintf(mut, sizeof(mut), " id<0");
		break;
	default:
		if (in->by_id) {
			keys_name(w, in->kind, in->slot, o->name, sizeof(o->name));
			in->by_id = 0;
		}
		gen_bad_name(r, o->name, o->name, mut, sizeof(mut));
		break;
	}
	bprintf(in->mut, sizeof(in->mut), strlen(in->mut), "%s", mut);
}

static void kio_gen(struct worker *w, struct rng *r, void *vin)
{
	static const unsigned int kw[K_NR] = { 14, 16, 10, 8, 8, 8, 6, 7, 10, 5 };
	struct kio_in *in = vin;
	uint32_t ksize;

	in->k = (uint8_t)rng_weighted(r, kw, K_NR);
	in->kind = (uint8_t)(rng_pct(r, 65) ? KN_OWN : rng_pct(r, 85) ? KN_SHARED : KN_NONE);
	if (in->k == K_CREATE && in->kind == KN_NONE)
		in->kind = KN_OWN;	/* never a key outside the pool */
	in->slot = (uint8_t)rng_below(r, in->kind == KN_SHARED ? KEYS_SHARED : KEYS_SLOTS);
	if (in->kind == KN_NONE)
		in->slot = (uint8_t)rng_below(r, 1U << 8);
	in->hostile = rng_pct(r, 30);
	in->nrep = 1;
	if (in->k == K_ROTATE && !in->hostile && rng_pct(r, 12))
		in->nrep = (uint8_t)rng_range(r, 8, MAX_REP);
	/* the size bits are ignored: sometimes junk there */
	in->cmd = (unsigned int)_IOC(_IOC_READ | _IOC_WRITE, KVAULT_IOC_MAGIC, 0x10U + in->k,
				     rng_pct(r, 10) ? rng_below(r, 1U << _IOC_SIZEBITS) :
				     (unsigned int)sizeof(struct kvault_key_op));
	in->shared_fd = rng_pct(r, 50);
	ksize = in->k == K_CREATE ? KC_SIZE : KO_SIZE;
	if (in->hostile && rng_pct(r, 50)) {
		in->blen = gen_ext_struct(r, in->bytes, &in->loc, ksize, ksize);
		snprintf(in->mut, sizeof(in->mut), " struct");
	} else {
		memcpy(in->bytes, &ksize, 4);
		in->blen = ksize;
		loc_gen(r, &in->loc, ksize, 92);
	}
	if (in->k == K_CREATE) {
		struct kvault_key_create c;

		memcpy(&c, in->bytes, sizeof(c));
		kio_gen_create(w, r, in, &c);
		memcpy(in->bytes, &c, sizeof(c));
	} else {
		struct kvault_key_op o;

		memcpy(&o, in->bytes, sizeof(o));
		kio_gen_op(w, r, in, &o);
		memcpy(in->bytes, &o, sizeof(o));
	}
}

static void kio_describe(struct worker *w, const void *vin, char *buf,
			 size_t len, bool verbose)
{
	const struct kio_in *in = vin;
	char name[KVAULT_KEY_NAME_MAX + 1];
	uint32_t usize;
	size_t off;

	(void)w;
	memcpy(&usize, in->bytes, 4);
	off = bprintf(buf, len, 0, "ioctl %s x%u cmd=%#x fd=%s arg=%s+%u size=%u blen=%u %s slot %u%s%s mutations:%s",
		      k_names[in->k % K_NR], in->nrep, in->cmd, in->shared_fd ? "shared" : "own",
		      loc_name(in->loc.kind), in->loc.off, usize, in->blen,
		      in->kind == KN_OWN ? "own" : in->kind == KN_SHARED ? "shared" : "none",
		      in->slot, in->by_id ? " by-id" : "",
		      in->arg_mode ? " arg-relative" : "", in->mut[0] ? in->mut : " none");
	if (in->k == K_CREATE) {
		struct kvault_key_create c;

		memcpy(&c, in->bytes, sizeof(c));
		memcpy(name, c.name, sizeof(c.name));
		name[sizeof(c.name)] = '\0';
		off = bprintf(buf, len, off, " flags=%#x alg=%u alg_len=%u usage=%#x id=%d name=\"%.40s\"",
			      c.flags, c.alg, c.alg_len, c.usage, c.id, name);
	} else {
		struct kvault_key_op o;

		memcpy(&o, in->bytes, sizeof(o));
		memcpy(name, o.name, sizeof(o.name));
		name[sizeof(o.name)] = '\0';
		off = bprintf(buf, len, off, " flags=%#x id=%d arg=%u name=\"%.40s\"",
			      o.flags, o.id, o.arg, name);
	}
	if (verbose) {
		off = bprintf(buf, len, off, "\n  argument bytes (id/arg as last run):");
		hexdump(buf, len, off, in->bytes, in->blen, 512);
	}
}

/* Which key the kernel will look up: kind and slot, from the bytes it sees. */
static int resolve(struct worker *w, const char *name, int32_t id,
		   unsigned int *slot)
{
	struct keys_model *m = model(w);
	char n[KVAULT_KEY_NAME_MAX + 8];
	unsigned int i;

	for (i = 0; i < KEYS_SLOTS; i++) {
		keys_name(w, KN_OWN, i, n, sizeof(n));
		if (id ? m->s[i].id == id : !strcmp(n, name)) {
			*slot = i;
			return KN_OWN;
		}
	}
	for (i = 0; i < KEYS_SHARED; i++) {
		keys_name(w, KN_SHARED, i, n, sizeof(n));
		if (id ? m->shared_id[i] == id : !strcmp(n, name)) {
			*slot = i;
			return KN_SHARED;
		}
	}
	return KN_NONE;
}

int keys_find(struct worker *w, const char *name, int32_t id, unsigned int *slot)
{
	return resolve(w, name, id, slot);
}

int32_t keys_shared_id(struct worker *w, unsigned int n)
{
	return model(w)->shared_id[n % KEYS_SHARED];
}

/* Shared keys: every answer some state of the key allows (see the top). */
static void shared_expect(unsigned int k, uint32_t arg, bool writable,
			  struct expect *e)
{
	expect_set(e, -ENOENT, ST_HANDLER);
	if (k == K_CREATE) {
		expect_add(e, writable ? 0 : -EFAULT);
		expect_add(e, -EEXIST);
		return;
	}
	if (!writable) {
		expect_add(e, -EFAULT);
		return;
	}
	expect_add(e, -ENOKEY);
	switch (k) {
	case K_ROTATE:
		expect_add(e, -ENOSPC);
		/* fall through */
	case K_ENABLE:
	case K_DISABLE:
		expect_add(e, -EBUSY);
		if (k != K_ROTATE)
			expect_add(e, -EALREADY);
		expect_add(e, 0);
		break;
	case K_SET_MIN:
		expect_add(e, 0);
		expect_add(e, -EINVAL);
		expect_add(e, -ERANGE);
		expect_add(e, -EBUSY);
		break;
	case K_SCHEDULE:
		expect_add(e, arg > KVAULT_DESTROY_MAX_WINDOW ? -EINVAL : 0);
		expect_add(e, -EALREADY);
		break;
	case K_CANCEL:
		expect_add(e, 0);
		expect_add(e, -EINVAL);
		break;
	case K_TIGHTEN:
		expect_add(e, arg & ~KVAULT_KEY_EXPORTABLE ? -EINVAL : 0);
		expect_add(e, -EBUSY);
		break;
	default:	/* destroy, info */
		expect_add(e, 0);
	}
}

/* The reply of a successful op: internally consistent, and as modelled. */
static void check_op_reply(const struct kvault_key_op *in, const struct kvault_key_op *o,
			   unsigned int k, const struct kslot *want, char *bad,
			   size_t blen)
{
	uint32_t want_state = k == K_ENABLE ? KVAULT_KEY_STATE_ENABLED :
			      k == K_DISABLE || k == K_CANCEL ? KVAULT_KEY_STATE_DISABLED :
			      k == K_SCHEDULE ? KVAULT_KEY_STATE_DESTROY_PENDING :
			      k == K_DESTROY ? KVAULT_KEY_STATE_DESTROYED : 0;
	uint32_t ign;

	if (o->size != KO_SIZE || o->flags != in->flags || o->arg != in->arg ||
	    memcmp(o->name, in->name, sizeof(o->name)) || o->id <= 0 ||
	    (in->id && o->id != in->id) || o->reserved[0] || o->reserved[1] ||
	    o->reserved[2] || o->reserved[3]) {
		snprintf(bad, blen, "reply: size %u id %d (asked %d), or flags/arg/name/reserved not as sent",
			 o->size, o->id, in->id);
		return;
	}
	if (o->state < KVAULT_KEY_STATE_ENABLED || o->state > KVAULT_KEY_STATE_DESTROYED ||
	    (want_state && o->state != want_state) ||
	    (k != K_DESTROY && o->state == KVAULT_KEY_STATE_DESTROYED) ||
	    o->min_version < 1 || o->version < o->min_version ||
	    o->version - o->min_version >= KVAULT_KEY_MAX_VERSIONS ||
	    (o->attrs & ~0x1fU) ||
	    !o->destroy_time != (o->state != KVAULT_KEY_STATE_DESTROY_PENDING)) {
		snprintf(bad, blen, "reply inconsistent: state %u (op wants %u) version %u min %u attrs %#x destroy_time %llu",
			 o->state, want_state, o->version, o->min_version, o->attrs,
			 (unsigned long long)o->destroy_time);
		return;
	}
	/*
	 * EXPIRED is set by whoever notices first (any worker's GET or DUMP),
	 * and that wipe drops the blob (SEALED) too
	 */
	ign = KVAULT_KEY_EXPIRED |
	      (o->attrs & KVAULT_KEY_EXPIRED || k == K_DESTROY ? KVAULT_KEY_SEALED : 0);
	if (want && (o->version != want->version || o->min_version != want->min_version ||
		     (o->attrs | ign) != (want->attrs | ign) ||
		     (k != K_DESTROY && o->state != want->state))) {
		snprintf(bad, blen, "reply differs from the model: state %u/%u version %u/%u min %u/%u attrs %#x/%#x (got/model)",
			 o->state, want->state, o->version, want->version, o->min_version,
			 want->min_version, o->attrs, want->attrs);
	}
}

static void kio_one(struct worker *w, struct kio_in *in, struct kio_one *res,
		    int fd)
{
	struct keys_model *m = model(w);
	uint8_t k[KO_SIZE > KC_SIZE ? KO_SIZE : KC_SIZE];
	uint64_t a, t0, t1;
	struct outc oc[MAX_OUTC];
	struct kslot *s = NULL, pre;
	struct expect *e = &res->ex;
	unsigned int slot = 0;
	uint32_t ksize = in->k == K_CREATE ? KC_SIZE : KO_SIZE, n = 0;
	size_t at;
	int32_t id = 0;
	int kind, rc, noc = 0;
	bool writable;

	arena_reset(&w->mem.a[0]);
	arena_reset(&w->mem.a[1]);
	mem_check_holes(&w->mem);
	a = loc_addr(&w->mem.a[0], &in->loc, in->blen);
	/* run-time fields: the key's ID, an @arg relative to its versions */
	if (in->k != K_CREATE) {
		struct kvault_key_op op;
		const struct kslot *ms = &m->s[in->slot % KEYS_SLOTS];

		memcpy(&op, in->bytes, sizeof(op));
		if (in->by_id)
			op.id = in->kind == KN_OWN ? ms->id : m->shared_id[in->slot % KEYS_SHARED];
		if (in->arg_mode == ARG_MIN_PLUS)
			op.arg = (in->kind == KN_OWN ? ms->min_version : 1) + in->arg_delta;
		else if (in->arg_mode == ARG_VER_MINUS)
			op.arg = in->kind == KN_OWN && ms->version > in->arg_delta ?
				 ms->version - in->arg_delta : 1 + in->arg_delta;
		else if (in->k == K_SET_MIN && !in->hostile)
			op.arg = in->arg_delta;
		memcpy(in->bytes, &op, sizeof(op));
	}
	mem_place(&w->mem, a, in->bytes, in->blen);

	/* the state-independent part: copy-in and field validation */
	rc = predict_copy_in(&w->mem, a, ksize, ksize, k, &n);
	res->indeterminate = w->mem.hole_mapped;
	writable = !rc && mem_writable(&w->mem, a, n);
	kind = KN_NONE;
	if (!rc && in->k == K_CREATE) {
		struct kvault_key_create c;

		memcpy(&c, k, sizeof(c));
		if ((c.flags & ~KVAULT_KEY_EXPORTABLE) || c.id || c.reserved[0] ||
		    c.reserved[1] || c.reserved[2] || c.reserved[3] ||
		    field_bad(c.name) || !name_ok(c.name) ||
		    !c.alg || c.alg > KVAULT_ALG_SECRET ||
		    (c.alg == KVAULT_ALG_SECRET ? c.alg_len < KVAULT_SECRET_MIN_LEN ||
		     c.alg_len > KVAULT_SECRET_MAX_LEN : c.alg_len != 0) ||
		    (c.usage & ~alg_usage(c.alg)))
			rc = -EINVAL;
		else
			kind = resolve(w, c.name, 0, &slot);
	} else if (!rc) {
		struct kvault_key_op op;

		memcpy(&op, k, sizeof(op));
		if (op.flags || op.state || op.version || op.min_version || op.attrs ||
		    op.destroy_time || op.reserved[0] || op.reserved[1] ||
		    op.reserved[2] || op.reserved[3] || (op.arg && !k_takes_arg(in->k)) ||
		    field_bad(op.name) || op.id < 0 ||
		    (op.id && op.name[0]) || (!op.id && !op.name[0]))
			rc = -EINVAL;
		else
			kind = resolve(w, op.name, op.id, &slot);
		id = op.id;
	}
	if (kind == KN_OWN) {
		s = &m->s[slot];
		pre = *s;
	}
	snap_take(w);
	t0 = real_ns();
	res->rc = ioctl(fd, in->cmd, (unsigned long)a) < 0 ? -errno : 0;
	t1 = real_ns();

	res->back_ok = !res->indeterminate && n && mem_readable(&w->mem, a, n);
	if (res->back_ok) {
		size_t i;

		for (i = 0; i < n && i < sizeof(res->back); i++)
			mem_byte(&w->mem, a + i, &res->back[i]);
	}
	if (!res->indeterminate)
		snap_compare(w, a, rc ? 0 : n, 0, 0, res->stray, sizeof(res->stray));
	if (res->back_ok && leak_scan(res->back, n, &at))
		snprintf(res->bad, sizeof(res->bad), "key material pattern in the reply at byte %zu", at);

	if (rc) {
		expect_set(e, rc, ST_NONE);
		return;
	}
	if (kind == KN_NONE) {
		expect_set(e, -ENOENT, ST_HANDLER);
		return;
	}
	if (kind == KN_SHARED) {
		struct kvault_key_op op;

		memcpy(&op, k, sizeof(op));
		shared_expect(in->k, in->k == K_CREATE ? 0 : op.arg, writable, e);
		if (res->rc == 0 && res->back_ok) {
			if (in->k == K_CREATE) {
				struct kvault_key_create c;

				memcpy(&c, res->back, sizeof(c));
				m->shared_id[slot] = c.id;
			} else {
				struct kvault_key_op o;

				memcpy(&o, res->back, sizeof(o));
				check_op_reply(&op, &o, in->k, NULL, res->bad, sizeof(res->bad));
				m->shared_id[slot] = o.id;
			}
		}
		return;
	}
	if (s->x == KX_UNSURE) {
		expect_set(e, res->rc, ST_HANDLER);
		res->indeterminate = true;
		return;
	}

	if (in->k == K_CREATE) {
		struct kvault_key_create c;
		struct kworld wd[4];
		bool free_ok, taken;
		int i, nw = worlds(s, t0, t1, wd);

		memcpy(&c, k, sizeof(c));
		/* the name is free once the old key was collected */
		free_ok = s->x == KX_ABSENT || s->x == KX_DEAD || s->x == KX_ORPHAN;
		taken = s->x != KX_ABSENT;
		for (i = 0; i < nw; i++)
			if (wd[i].gone)
				free_ok = true;
		if (s->x == KX_LIVE && nw == 1 && !wd[0].gone)
			free_ok = false;
		expect_set(e, -EEXIST, ST_HANDLER);
		e->n = 0;
		if (taken)
			expect_add(e, -EEXIST);
		if (free_ok)
			expect_add(e, writable ? 0 : -EFAULT);
		if (!expect_has(e, res->rc))
			return;
		if (res->rc == 0 || res->rc == -EFAULT) {
			int32_t nid = 0;

			if (res->rc == 0 && res->back_ok) {
				struct kvault_key_create got;

				memcpy(&got, res->back, sizeof(got));
				nid = got.id;
				got.id = c.id;
				if (nid <= 0 || got.size != KC_SIZE ||
				    memcmp((uint8_t *)&got + 4, (uint8_t *)&c + 4, KC_SIZE - 4))
					snprintf(res->bad, sizeof(res->bad),
						 "create reply: id %d size %u, other fields not as sent",
						 nid, got.size);
			}
			slot_new(s, nid, c.alg, c.alg == KVAULT_ALG_SECRET ? c.alg_len : alg_len(c.alg),
				 c.usage ? c.usage : alg_usage(c.alg),
				 c.flags & KVAULT_KEY_EXPORTABLE, false);
			learn_perm(s);
		} else if (s->x == KX_ORPHAN || (s->x == KX_LIVE && nw > 1)) {
			s->x = KX_UNSURE;	/* EEXIST: still there, in which state? */
		}
		return;
	}

	noc = outcomes(s, in->k, ((struct kvault_key_op *)(void *)k)->arg, t0, t1,
		       vault_op, -ENOENT, oc);
	if (noc <= 0) {
		expect_set(e, res->rc, ST_HANDLER);
		res->indeterminate = true;
		return;
	}
	{
		int i;

		for (i = 0; i < noc; i++)
			if (!writable && oc[i].rc != -ENOENT)
				oc[i].rc = -EFAULT;
	}
	outc_expect(oc, noc, e, ST_HANDLER);
	if (!expect_has(e, res->rc))
		return;
	outc_adopt(s, oc, noc, res->rc, 0);
	if (s->x == KX_LIVE && s->state == KVAULT_KEY_STATE_DESTROY_PENDING &&
	    !s->deadline && res->back_ok) {
		struct kvault_key_op o;

		memcpy(&o, res->back, sizeof(o));
		s->deadline = o.destroy_time;
		if (!s->deadline)	/* EFAULT: not known; say "now" */
			s->deadline = t0;
	} else if (s->x == KX_LIVE && s->state == KVAULT_KEY_STATE_DESTROY_PENDING &&
		   !s->deadline) {
		s->deadline = t0;
	}
	if (res->rc == 0 && res->back_ok) {
		struct kvault_key_op in_op, o;

		memcpy(&in_op, k, sizeof(in_op));
		memcpy(&o, res->back, sizeof(o));
		if (!pre.id || id == 0)
			s->id = o.id;
		check_op_reply(&in_op, &o, in->k, in->k == K_DESTROY ? &pre : s,
			       res->bad, sizeof(res->bad));
		if (in->k == K_SCHEDULE &&
		    (o.destroy_time + NS < t0 + (uint64_t)in_op.arg * NS ||
		     o.destroy_time > t1 + (uint64_t)in_op.arg * NS + NS))
			snprintf(res->bad, sizeof(res->bad),
				 "destroy_time %llu is not %u s after the call",
				 (unsigned long long)o.destroy_time, in_op.arg);
	}
}

static void kio_exec(struct worker *w, void *vin, void *vout)
{
	struct kio_in *in = vin;
	struct kio_out *o = vout;
	int fd = in->shared_fd ? g_devfd : w->devfd;
	unsigned int i;

	for (i = 0; i < in->nrep && i < MAX_REP; i++) {
		kio_one(w, in, &o->r[i], fd);
		o->nrun = (uint8_t)(i + 1);
	}
}

static void kio_check(struct worker *w, const void *vin, const void *vout,
		      struct opctx *op)
{
	const struct kio_in *in = vin;
	const struct kio_out *o = vout;
	enum fuzz_cmd fc = (enum fuzz_cmd)(FC_KEY_CREATE + in->k);
	char exp[96], sig[160];
	unsigned int i;

	op->cmd = fc;
	for (i = 0; i < o->nrun; i++) {
		const struct kio_one *r = &o->r[i];
		bool match = expect_has(&r->ex, r->rc);

		op->result = r->rc;
		fuzz_account(w, fc, r->rc, match && !r->indeterminate ? r->ex.stage : ST_NONE);
		if (r->stray[0])
			fuzz_finding(w, op, "ioctl:key:stray-write", "%s (result %s)",
				     r->stray, errname(r->rc));
		if (r->indeterminate)
			continue;
		if (!match) {
			expect_str(&r->ex, exp, sizeof(exp));
			snprintf(sig, sizeof(sig), "ioctl:%s:%s:errno:%s!=%s", k_names[in->k],
				 in->kind == KN_SHARED ? "shared" : "own", errname(r->rc), exp);
			fuzz_finding(w, op, sig, "repetition %u: ioctl returned %s, the model says %s",
				     i, errname(r->rc), exp);
			return;
		}
		if (r->bad[0]) {
			snprintf(sig, sizeof(sig), "ioctl:%s:reply", k_names[in->k]);
			fuzz_finding(w, op, sig, "repetition %u: %s", i, r->bad);
			return;
		}
	}
}

const struct fuzz_target target_keys_ioctl = {
	.name = "keys-ioctl",
	.weight = { [ROLE_PRIV] = 40 },
	.in_size = sizeof(struct kio_in),
	.out_size = sizeof(struct kio_out),
	.gen = kio_gen,
	.describe = kio_describe,
	.exec = kio_exec,
	.check = kio_check,
};

/* ---- keyctl: add_key() payloads and keyring operations ------------------- */

enum { KC_ADD, KC_READ, KC_DESCRIBE, KC_UPDATE, KC_REVOKE, KC_INVALIDATE,
       KC_TIMEOUT, KC_SETPERM, KC_UNLINK, KC_NR };

static const char *const kc_names[KC_NR] = {
	"add_key", "read", "describe", "update", "revoke", "invalidate",
	"set_timeout", "setperm", "unlink",
};

#define PAYLOAD_CAP	(KVAULT_KEY_PAYLOAD_MAX + 64)

struct kc_in {
	uint8_t op;		/* KC_* */
	uint8_t slot;
	uint8_t desc_null;	/* add_key(..., NULL description, ...) */
	uint8_t variant;	/* import: which known pattern */
	uint32_t arg;		/* timeout, permissions, read buffer size */
	uint32_t plen;
	char desc[KVAULT_KEY_NAME_MAX + 16];
	char payload[PAYLOAD_CAP];
	char mut[100];
};

struct kc_out {
	long rc;
	struct expect ex;
	bool indeterminate;
	bool skipped;		/* no key to name: nothing was sent */
	char buf[512];
	char bad[200];
};

/* What a payload asks for besides the key (uapi "Sealing", keyctl). */
enum { PK_NEW, PK_IMPORT, PK_LOAD, PK_UPDATE };
struct pay_seal {
	int kind;		/* PK_* */
	bool pcrs, values, pin;
	uint16_t bank;
	uint32_t mask, nvalues;
	bool bank_alloc;	/* the TPM has the bank (else sealing fails) */
	bool blob_magic;	/* load: the blob starts with "KVB1" */
};

static const struct { const char *name; uint16_t bank; uint32_t size; } seal_banks[] = {
	{ "sha1", KVAULT_TPM_ALG_SHA1, 20 }, { "sha256", KVAULT_TPM_ALG_SHA256, 32 },
	{ "sha384", KVAULT_TPM_ALG_SHA384, 48 }, { "sha512", KVAULT_TPM_ALG_SHA512, 64 },
};

static void pbuf(char *p, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pbuf(char *p, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= PAYLOAD_CAP)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p + *off, PAYLOAD_CAP - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = *off + (size_t)n < PAYLOAD_CAP ? *off + (size_t)n : PAYLOAD_CAP - 1;
}

/* An allocated bank kvault seals to (index into seal_banks[]), or -1. */
static int gen_bank(struct rng *r)
{
	int ok[4], n = 0, i;

	for (i = 0; i < 4; i++)
		if (world_digest_size(seal_banks[i].bank) == (int)seal_banks[i].size)
			ok[n++] = i;
	if (!n)
		return rng_pct(r, 50) ? -1 : (int)rng_below(r, 4);
	return rng_pct(r, 92) ? ok[rng_below(r, (uint32_t)n)] : (int)rng_below(r, 4);
}

/*
 * The sealing options of a payload: [pcrs=BANK:LIST] [pcrvalues=HEX]
 * [pin=PIN], valid (PCRs 0-15, which nothing extends) or with one fault.
 */
static void gen_seal_opts(struct rng *r, char *p, size_t *off, bool pcrs,
			  char *mut, size_t mlen, size_t *mo)
{
	static const char *const bad_list[] = {
		"24", "01", "3-1", "0,0", "", "0-", "-1", "1-2-3", "99999999999",
		"0,,1", "0-23,5", "4294967296", "+1", "1,", "0-24", "a",
	};
	static const char *const bad_bank[] = { "sha", "SHA256", "sm3_256", "", "sha256:" };
	int b = gen_bank(r);
	uint32_t mask = 0, size, i, nv;
	bool fault = rng_pct(r, 35);
	unsigned int which = rng_below(r, 9);

	if (b < 0)
		b = 1;
	size = seal_banks[b].size;
	while (!mask)
		mask = rng_u32(r) & rng_u32(r) & 0xffffU;
	if (pcrs) {
		if (fault && which == 0) {
			pbuf(p, off, " pcrs=%s:0", bad_bank[rng_below(r, 5)]);
			*mo = bprintf(mut, mlen, *mo, " pcrs-bank");
		} else if (fault && which == 1) {
			pbuf(p, off, " pcrs=%s:%s", seal_banks[b].name, bad_list[rng_below(r, 16)]);
			*mo = bprintf(mut, mlen, *mo, " pcrs-list");
		} else if (fault && which == 2) {
			pbuf(p, off, " pcrs=%s", seal_banks[b].name);
			*mo = bprintf(mut, mlen, *mo, " pcrs-colon");
		} else {
			char sep = ':';

			pbuf(p, off, " pcrs=%s", seal_banks[b].name);
			for (i = 0; i < 16; i++) {
				uint32_t j = i;

				if (!(mask & (1U << i)))
					continue;
				while (j + 1 < 16 && (mask & (1U << (j + 1))))
					j++;
				if (j > i && rng_pct(r, 70)) {
					pbuf(p, off, "%c%u-%u", sep, i, j);
					i = j;
				} else {
					pbuf(p, off, "%c%u", sep, i);
				}
				sep = ',';
			}
			if (fault && which == 3) {
				pbuf(p, off, " pcrs=sha256:16");
				*mo = bprintf(mut, mlen, *mo, " pcrs-again");
			}
		}
	}
	nv = (uint32_t)__builtin_popcount(mask) * size;
	if (rng_pct(r, 30) || (fault && which >= 4 && which <= 5)) {
		uint32_t n = 2 * nv;

		if (fault && which == 4) {
			n = rng_pct(r, 50) ? n + 2 * rng_range(r, 1, 8) : n - 1;
			*mo = bprintf(mut, mlen, *mo, " pcrvalues-len");
		}
		pbuf(p, off, " pcrvalues=");
		for (i = 0; i < n && *off < KVAULT_KEY_PAYLOAD_MAX; i++)
			pbuf(p, off, "%x", rng_below(r, 16));
		if (fault && which == 5) {
			pbuf(p, off, "%s", rng_pct(r, 50) ? "zz" : " pcrvalues=00");
			*mo = bprintf(mut, mlen, *mo, " pcrvalues-bad");
		}
	}
	if (rng_pct(r, 30) || (fault && which >= 6)) {
		uint32_t n = rng_range(r, 1, KVAULT_PIN_MAX);

		if (fault && which == 6) {
			n = rng_pct(r, 50) ? 0 : rng_range(r, KVAULT_PIN_MAX + 1, 64);
			*mo = bprintf(mut, mlen, *mo, " pin-len");
		}
		pbuf(p, off, " pin=");
		for (i = 0; i < n; i++)
			pbuf(p, off, "%c", (char)rng_range(r, 0x21, 0x7e));
		if (fault && which == 7) {
			pbuf(p, off, " pin=x");
			*mo = bprintf(mut, mlen, *mo, " pin-again");
		}
	}
}

static void gen_payload(struct worker *w, struct rng *r, struct kc_in *in)
{
	uint8_t pat[KVAULT_SECRET_MAX_LEN];
	uint32_t alg = rng_range(r, 1, KVAULT_ALG_SECRET), len, i, usage;
	bool import = rng_pct(r, 35), nul = rng_pct(r, 50);
	char *p = in->payload;
	size_t off = 0, mo = 0;
	unsigned int m = rng_pct(r, 55) ? 0 : rng_range(r, 1, 2);
	unsigned int form = rng_below(r, 100);

	if (form < 14) {
		/* "load HEX [pin=PIN]" (a blob that is not one) or "update ..." */
		if (form < 8) {
			uint32_t n = rng_pct(r, 80) ? rng_range(r, 1, 600) :
				     rng_range(r, 1, KVAULT_BLOB_MAX + 8);

			pbuf(p, &off, "load ");
			if (rng_pct(r, 10))
				n = 0;
			/* the first byte is never 'K': no "KVB1" magic */
			for (i = 0; i < n && off < KVAULT_KEY_PAYLOAD_MAX - 80; i++)
				pbuf(p, &off, i ? "%02x" : "%02X", i ? rng_below(r, 256) :
				     rng_below(r, 0x4b));
			if (rng_pct(r, 10)) {
				pbuf(p, &off, "%s", rng_pct(r, 50) ? "f" : "g0");
				mo = bprintf(in->mut, sizeof(in->mut), mo, " blob-hex");
			}
			if (rng_pct(r, 30))
				gen_seal_opts(r, p, &off, rng_pct(r, 15), in->mut,
					      sizeof(in->mut), &mo);
		} else {
			pbuf(p, &off, "update");
			gen_seal_opts(r, p, &off, rng_pct(r, 50), in->mut,
				      sizeof(in->mut), &mo);
		}
		goto mutate;
	}

	len = alg == KVAULT_ALG_SECRET ? rng_range(r, KVAULT_SECRET_MIN_LEN, KVAULT_SECRET_MAX_LEN) :
	      alg_len(alg);
	pbuf(p, &off, "%s %s", import ? "import" : "new", alg_names[alg]);
	if (alg == KVAULT_ALG_SECRET)
		pbuf(p, &off, "-%u", len);
	if (import) {
		in->variant = (uint8_t)rng_below(r, LEAK_VARIANTS);
		leak_pattern(w->seed, w->tid, in->variant, pat);
		pbuf(p, &off, " ");
		for (i = 0; i < len; i++)
			pbuf(p, &off, rng_pct(r, 90) ? "%02x" : "%02X", pat[i]);
	}
	if (rng_pct(r, 50)) {
		gen_usage(r, alg, &usage);
		usage &= 0x7f;
		if (usage) {
			pbuf(p, &off, " usage=");
			for (i = 0; i < 7; i++)
				if (usage & (1U << i)) {
					usage &= ~(1U << i);
					pbuf(p, &off, "%s%s", usage_names[i], usage ? "," : "");
				}
		}
	}
	if (rng_pct(r, 40))
		pbuf(p, &off, " exportable=%u", rng_below(r, 2));
	/* sealed at creation: a few TPM commands, so not too often */
	if (rng_pct(r, 12))
		gen_seal_opts(r, p, &off, rng_pct(r, 85), in->mut, sizeof(in->mut), &mo);
mutate:
	while (m--) {
		switch (rng_below(r, 14)) {
		case 0:		/* oversized: more options past the limit */
			while (off < KVAULT_KEY_PAYLOAD_MAX + rng_range(r, 1, 40))
				pbuf(p, &off, " exportable=1");
			mo = bprintf(in->mut, sizeof(in->mut), mo, " oversized");
			break;
		case 1:		/* embedded NUL */
			if (off > 2)
				p[rng_range(r, 1, (uint32_t)off - 2)] = '\0';
			mo = bprintf(in->mut, sizeof(in->mut), mo, " nul");
			break;
		case 2:
			pbuf(p, &off, " exportable=%u", rng_below(r, 3));
			mo = bprintf(in->mut, sizeof(in->mut), mo, " exportable-again");
			break;
		case 3:
			pbuf(p, &off, " usage=sign");
			mo = bprintf(in->mut, sizeof(in->mut), mo, " usage-again");
			break;
		case 4: {
			static const char *const words[] = {
				"foo", "usage", "usage=", "usage=encrypt,", "usage=,sign",
				"usage=encrypt,encrypt", "usage=bogus", "exportable=",
				"exportable=01", "exportable=2", "EXPORTABLE=1", "new",
			};
			pbuf(p, &off, " %s", words[rng_below(r, 12)]);
			mo = bprintf(in->mut, sizeof(in->mut), mo, " word");
			break;
		}
		case 5:		/* double space */
			if (off > 3) {
				size_t at = rng_range(r, 1, (uint32_t)off - 1);

				memmove(p + at + 1, p + at, off - at + 1);
				p[at] = ' ';
				off++;
			}
			mo = bprintf(in->mut, sizeof(in->mut), mo, " space");
			break;
		case 6: {	/* a hostile secret length */
			static const char *const sl[] = {
				"secret-0", "secret-15", "secret-129", "secret-016",
				"secret-+16", "secret-4294967312", "secret-99999999999999999999",
				"secret-", "secret-16x", "secret--16", "secret-128",
			};
			off = 0;
			pbuf(p, &off, "new %s", sl[rng_below(r, 11)]);
			mo = bprintf(in->mut, sizeof(in->mut), mo, " secret-len");
			break;
		}
		case 7:		/* a non-printable byte */
			if (off)
				p[rng_below(r, (uint32_t)off)] =
					(char)(rng_pct(r, 50) ? rng_range(r, 1, 0x1f) :
					       rng_range(r, 0x7f, 0xff));
			mo = bprintf(in->mut, sizeof(in->mut), mo, " byte");
			break;
		case 8:		/* truncated anywhere */
			off = rng_below(r, (uint32_t)off + 1);
			p[off] = '\0';
			mo = bprintf(in->mut, sizeof(in->mut), mo, " cut");
			break;
		case 9:		/* hex one digit short, or not hex */
			pbuf(p, &off, "%s", rng_pct(r, 50) ? "0" : "zz");
			mo = bprintf(in->mut, sizeof(in->mut), mo, " hex");
			break;
		case 10:	/* leading / trailing space */
			if (rng_pct(r, 50)) {
				memmove(p + 1, p, off + 1);
				p[0] = ' ';
				off++;
			} else {
				pbuf(p, &off, " ");
			}
			mo = bprintf(in->mut, sizeof(in->mut), mo, " edge-space");
			break;
		case 11:	/* unknown verb or algorithm */
			off = 0;
			pbuf(p, &off, "%s", rng_pct(r, 50) ? "generate aes-128" : "new aes-512");
			mo = bprintf(in->mut, sizeof(in->mut), mo, " verb");
			break;
		case 12:	/* usage the algorithm does not allow */
			pbuf(p, &off, " usage=%s", alg_usage(alg) & 0x10 ? "wrap" : "sign");
			mo = bprintf(in->mut, sizeof(in->mut), mo, " usage-not-allowed");
			break;
		default:	/* random bytes */
			off = rng_below(r, 64);
			rng_fill(r, p, off);
			mo = bprintf(in->mut, sizeof(in->mut), mo, " random");
			break;
		}
	}
	if (off >= PAYLOAD_CAP - 1)
		off = PAYLOAD_CAP - 2;
	p[off] = '\0';
	in->plen = (uint32_t)off + (nul ? 1 : 0);
	if (rng_pct(r, 3))
		in->plen = 0;
}

static void kc_gen(struct worker *w, struct rng *r, void *vin)
{
	static const unsigned int kw[KC_NR] = { 40, 8, 10, 4, 6, 5, 8, 6, 6 };
	static const uint32_t perms[] = {
		KPERM_DEFAULT, 0x3f010000, 0x1b010000, 0x3a000000, 0x39010000,
		0x3f3f0000, 0x08000000, 0x40000000, 0x3f0000c0, 0xffffffff,
	};
	struct kc_in *in = vin;

	in->op = (uint8_t)rng_weighted(r, kw, KC_NR);
	in->slot = (uint8_t)rng_below(r, KEYS_SLOTS);
	keys_name(w, KN_OWN, in->slot, in->desc, sizeof(in->desc));
	switch (in->op) {
	case KC_ADD:
		gen_payload(w, r, in);
		if (rng_pct(r, 10)) {	/* a bad description */
			char mut[40];

			switch (rng_below(r, 4)) {
			case 0:
				in->desc_null = 1;
				snprintf(mut, sizeof(mut), " desc:NULL");
				break;
			case 1:
				in->desc[0] = '\0';
				snprintf(mut, sizeof(mut), " desc:empty");
				break;
			case 2:
				memset(in->desc, 'q', KVAULT_KEY_NAME_MAX + 8);
				in->desc[KVAULT_KEY_NAME_MAX + 8] = '\0';
				snprintf(mut, sizeof(mut), " desc:long");
				break;
			default:
				in->desc[rng_below(r, (uint32_t)strlen(in->desc))] =
					rng_pct(r, 50) ? ' ' : (char)rng_range(r, 0x7f, 0xff);
				snprintf(mut, sizeof(mut), " desc:byte");
				break;
			}
			bprintf(in->mut, sizeof(in->mut), strlen(in->mut), "%s", mut);
		}
		break;
	case KC_READ:
		in->arg = rng_pct(r, 30) ? 0 : rng_range(r, 1, 512);
		break;
	case KC_UPDATE: {
		size_t off = 0, mo = 0;

		/* "update [pcrs=BANK:LIST] [pcrvalues=HEX] [pin=PIN]": reseal */
		pbuf(in->payload, &off, "update");
		if (rng_pct(r, 50))
			gen_seal_opts(r, in->payload, &off, rng_pct(r, 60), in->mut,
				      sizeof(in->mut), &mo);
		in->plen = (uint32_t)off;
		break;
	}
	case KC_TIMEOUT:
		in->arg = rng_pct(r, 25) ? 0 : rng_pct(r, 70) ? rng_range(r, 1, 3) :
			  rng_range(r, 100, 100000);
		break;
	case KC_SETPERM:
		in->arg = perms[rng_below(r, sizeof(perms) / sizeof(perms[0]))];
		break;
	}
}

static void kc_describe(struct worker *w, const void *vin, char *buf,
			size_t len, bool verbose)
{
	const struct kc_in *in = vin;
	size_t off;

	(void)w;
	off = bprintf(buf, len, 0, "keyctl %s slot %u arg %#x", kc_names[in->op % KC_NR],
		      in->slot, in->arg);
	if (in->op == KC_UPDATE)
		off = bprintf(buf, len, off, " payload=\"%.*s\" mutations:%s",
			      verbose ? 2000 : 60, in->payload, in->mut[0] ? in->mut : " none");
	if (in->op == KC_ADD) {
		off = bprintf(buf, len, off, " desc=%s\"%.48s\" plen=%u payload=\"%.*s\" mutations:%s",
			      in->desc_null ? "NULL " : "", in->desc, in->plen,
			      verbose ? 2000 : 60, in->payload, in->mut[0] ? in->mut : " none");
		if (verbose)
			hexdump(buf, len, off, in->payload, in->plen, 1100);
	}
}

static bool is_hex(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((w[i] >= '0' && w[i] <= '9') || (w[i] >= 'a' && w[i] <= 'f') ||
		      (w[i] >= 'A' && w[i] <= 'F')))
			return false;
	return true;
}

/* A decimal u32 as kvault_parse_pcr_list() takes it: digits, no leading 0. */
static int pcr_num(const char *d, uint32_t *v)
{
	unsigned long long x = 0;

	if (!*d || (d[0] == '0' && d[1]))
		return -1;
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return -1;
		x = x * 10 + (unsigned long long)(*d - '0');
		if (x > 0xffffffffULL)
			return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

/* "0,2,7" or "0-7,11": each PCR at most once, all below 24. */
static int pcr_list(char *list, uint32_t *mask)
{
	char *item;

	*mask = 0;
	while ((item = strsep(&list, ","))) {
		char *dash = strchr(item, '-');
		uint32_t lo, hi, bits;

		if (dash)
			*dash++ = '\0';
		if (pcr_num(item, &lo))
			return -EINVAL;
		hi = lo;
		if (dash && pcr_num(dash, &hi))
			return -EINVAL;
		if (lo > hi || hi >= KVAULT_PCR_COUNT)
			return -EINVAL;
		bits = (uint32_t)(((1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1));
		if (*mask & bits)
			return -EINVAL;
		*mask |= bits;
	}
	return 0;
}

/* kvault_parse_seal_option(): 0, -EINVAL, or 1 for "not a sealing option". */
static int seal_option(char *w, struct pay_seal *ps)
{
	size_t i, n;

	if (!strncmp(w, "pcrs=", 5)) {
		char *colon = strchr(w + 5, ':');

		if (ps->pcrs || !colon)
			return -EINVAL;
		*colon = '\0';
		for (i = 0; i < 4; i++)
			if (!strcmp(w + 5, seal_banks[i].name))
				break;
		if (i == 4 || pcr_list(colon + 1, &ps->mask))
			return -EINVAL;
		ps->pcrs = true;
		ps->bank = seal_banks[i].bank;
		ps->bank_alloc = world_digest_size(ps->bank) == (int)seal_banks[i].size;
		return 0;
	}
	if (!strncmp(w, "pcrvalues=", 10)) {
		n = strlen(w + 10);
		if (ps->values || !n || n % 2 ||
		    n > 2 * KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE || !is_hex(w + 10, n))
			return -EINVAL;
		ps->values = true;
		ps->nvalues = (uint32_t)n / 2;
		return 0;
	}
	if (!strncmp(w, "pin=", 4)) {
		n = strlen(w + 4);
		if (ps->pin || !n || n > KVAULT_PIN_MAX)
			return -EINVAL;
		ps->pin = true;
		return 0;
	}
	return 1;
}

static uint32_t bank_size(uint16_t bank)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (seal_banks[i].bank == bank)
			return seal_banks[i].size;
	return 0;
}

/*
 * kvault_parse_payload() as uapi/linux/kvault.h specifies it: 0, -EINVAL,
 * or -EPERM for a well-formed import (when imports are off); @alg..@attrs
 * get the key's parameters, @ps what it asks of sealing.
 */
static int payload_model(const char *data, size_t n, bool import_on,
			 uint32_t *alg, uint32_t *len, uint32_t *usage,
			 uint32_t *attrs, struct pay_seal *ps)
{
	char buf[PAYLOAD_CAP + 1], *cur, *word;
	bool imp, seen_u = false, seen_e = false;
	size_t i;
	int rc;

	*attrs = 0;
	*usage = 0;
	*alg = 0;
	*len = 0;
	memset(ps, 0, sizeof(*ps));
	if (!n || n > KVAULT_KEY_PAYLOAD_MAX)
		return -EINVAL;
	if (!data[n - 1])
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)data[i] < 0x20 || (unsigned char)data[i] > 0x7e)
			return -EINVAL;
	memcpy(buf, data, n);
	buf[n] = '\0';
	cur = buf;
	word = strsep(&cur, " ");
	imp = !strcmp(word, "import");
	ps->kind = imp ? PK_IMPORT : !strcmp(word, "load") ? PK_LOAD :
		   !strcmp(word, "update") ? PK_UPDATE : PK_NEW;
	if (ps->kind == PK_NEW && strcmp(word, "new"))
		return -EINVAL;
	if (ps->kind == PK_LOAD) {
		word = strsep(&cur, " ");
		if (!word || !*word || strlen(word) % 2 ||
		    strlen(word) > 2 * KVAULT_BLOB_MAX || !is_hex(word, strlen(word)))
			return -EINVAL;
		ps->blob_magic = !strncasecmp(word, "4b564231", 8);
	} else if (ps->kind != PK_UPDATE) {
		word = strsep(&cur, " ");
		if (!word)
			return -EINVAL;
		if (!strncmp(word, "secret-", 7)) {
			uint32_t v;

			if (pcr_num(word + 7, &v) || v < KVAULT_SECRET_MIN_LEN ||
			    v > KVAULT_SECRET_MAX_LEN)
				return -EINVAL;
			*alg = KVAULT_ALG_SECRET;
			*len = v;
		} else {
			for (i = 1; i < KVAULT_ALG_SECRET; i++)
				if (!strcmp(word, alg_names[i]))
					*alg = (uint32_t)i;
			if (!*alg)
				return -EINVAL;
			*len = alg_len(*alg);
		}
	}
	if (imp) {
		word = strsep(&cur, " ");
		if (!word || strlen(word) != 2 * *len || !is_hex(word, strlen(word)))
			return -EINVAL;
		*attrs |= KVAULT_KEY_IMPORTED;
	}
	while ((word = strsep(&cur, " "))) {
		rc = seal_option(word, ps);
		if (rc <= 0) {
			if (rc)
				return rc;
			continue;
		}
		/* "load" and "update" take nothing but the sealing options */
		if (ps->kind == PK_LOAD || ps->kind == PK_UPDATE)
			return -EINVAL;
		if (!strncmp(word, "usage=", 6) && !seen_u) {
			char *list = word + 6, *u;

			seen_u = true;
			while ((u = strsep(&list, ","))) {
				for (i = 0; i < 7; i++)
					if (!strcmp(u, usage_names[i]))
						break;
				if (i == 7 || (*usage & (1U << i)))
					return -EINVAL;
				*usage |= 1U << i;
			}
		} else if (!strncmp(word, "exportable=", 11) && !seen_e &&
			   (word[11] == '0' || word[11] == '1') && !word[12]) {
			seen_e = true;
			if (word[11] == '1')
				*attrs |= KVAULT_KEY_EXPORTABLE;
		} else {
			return -EINVAL;
		}
	}
	/* kvault_seal_params_check() */
	if (ps->kind == PK_LOAD && (ps->pcrs || ps->values))
		return -EINVAL;
	if ((ps->kind == PK_NEW || ps->kind == PK_IMPORT) && !ps->pcrs &&
	    (ps->values || ps->pin))
		return -EINVAL;
	if (ps->pcrs && ps->values &&
	    ps->nvalues != (uint32_t)__builtin_popcount(ps->mask) * bank_size(ps->bank))
		return -EINVAL;
	if (ps->kind == PK_LOAD || ps->kind == PK_UPDATE)
		return 0;
	if (!*usage)
		*usage = alg_usage(*alg);
	if (*usage & ~alg_usage(*alg))
		return -EINVAL;
	return imp && !import_on ? -EPERM : 0;
}

/*
 * Possession is found by searching our keyrings, and the search skips a key
 * without search permission (keyring_search_iterator()): a setperm that
 * drops it from the possessor and user bits leaves the key linked in our
 * thread keyring but no longer possessed.
 */
static bool slot_possessed(const struct kslot *s)
{
	return s->keyctl && ((s->perm >> 16 | s->perm >> 24) & KP_SEARCH);
}

/* This worker's keys_model.may_create, for kc_live() (an outcomes() callback). */
static __thread int kc_manage_rc;
/* KC_UPDATE: what payload_model() said of the update payload. */
static __thread int kc_upd_rc;
static __thread struct pay_seal kc_upd;

/* A keyctl op on a live key in world @wd (keyring core + kvault's type). */
static int kc_live(const struct kslot *s, unsigned int op, uint32_t arg,
		   struct kworld wd, struct kslot *ns)
{
	bool poss = slot_possessed(s);
	/* we own every key we made: user bits, plus possessor bits if possessed */
	uint32_t kp = ((s->perm >> 16) & KP_ALL) | (poss ? (s->perm >> 24) & KP_ALL : 0);
	int verr = s->revoked ? -EKEYREVOKED : wd.expired ? -EKEYEXPIRED : 0;

	*ns = *s;
	if (wd.expired)
		ns->exp_lo = ns->exp_hi = 1;
	switch (op) {
	case KC_READ:
		/* permission is deferred: read perm, or possession, then validate */
		if (!(kp & KP_READ) && !poss)
			return -EACCES;
		/* a sealed key gives its blob (in hex), any other EOPNOTSUPP */
		return verr ? verr : s->attrs & KVAULT_KEY_SEALED ? 0 : -EOPNOTSUPP;
	case KC_DESCRIBE:
		return verr ? verr : kp & KP_VIEW ? 0 : -EACCES;
	case KC_UPDATE:
		/*
		 * "update" reseals (kvault_seal_key()): the payload, then the
		 * PCR set (the blob's without pcrs=: EINVAL if not sealed), the
		 * values' length, then the key must be enabled. TPM failures
		 * are added by the caller.
		 */
		if (verr)
			return verr;
		if (!(kp & KP_WRITE))
			return -EACCES;
		if (kc_manage_rc)
			return kc_manage_rc;
		if (kc_upd_rc)
			return kc_upd_rc;
		if (!kc_upd.pcrs && !(s->attrs & KVAULT_KEY_SEALED))
			return -EINVAL;
		if (kc_upd.pcrs && !kc_upd.bank_alloc)
			return -EINVAL;
		if (s->state != KVAULT_KEY_STATE_ENABLED)
			return -ENOKEY;
		ns->attrs |= KVAULT_KEY_SEALED;
		return 0;
	case KC_REVOKE:
		if (verr)
			return verr;
		if (!(kp & (KP_WRITE | KP_SETATTR)))
			return -EACCES;
		ns->revoked = true;
		ns->attrs |= KVAULT_KEY_REVOKED;
		ns->attrs &= ~KVAULT_KEY_SEALED;	/* revoke wipes the blob too */
		if (ns->state == KVAULT_KEY_STATE_DESTROY_PENDING) {
			ns->state = KVAULT_KEY_STATE_DISABLED;
			ns->deadline = 0;
		}
		return 0;
	case KC_INVALIDATE:
		if (verr)
			return verr;
		if (!(kp & KP_SEARCH))
			return -EACCES;
		slot_dead(ns);
		return 0;
	case KC_TIMEOUT:
		if (verr)
			return verr;
		if (!(kp & KP_SETATTR))
			return -EACCES;
		ns->exp_lo = ns->exp_hi = arg ? -1 : 0;	/* set after the call */
		return 0;
	case KC_SETPERM:
		if (verr)
			return verr;
		if (!(kp & KP_SETATTR))
			return -EACCES;
		ns->perm = arg;
		ns->perm_known = true;
		return 0;
	case KC_UNLINK:
		/* unlink needs the link, not possession or any permission */
		if (!s->keyctl)
			return -ENOENT;
		ns->x = KX_ORPHAN;
		ns->keyctl = false;
		return 0;
	}
	return -EINVAL;
}

/*
 * keyctl_describe_key() prints "TYPE;UID;GID;PERM;DESCRIPTION" itself: the
 * type's .describe (ALG, state, version) only feeds /proc/keys.
 */
static void kc_check_describe(struct worker *w, const struct kslot *s,
			      const char *name, const char *got, long rc,
			      char *bad, size_t blen)
{
	char want[KVAULT_KEY_NAME_MAX + 64];
	unsigned int uid = w->role == ROLE_NOBODY ? NOBODY : 0;

	snprintf(want, sizeof(want), "kvault;%u;%u;%08x;%s", uid, uid, s->perm, name);
	if (rc != (long)strlen(got) + 1 || strcmp(got, want))
		snprintf(bad, blen, "describe gave \"%.70s\" (%ld), model \"%.70s\"",
			 got, rc, want);
}

static void kc_exec(struct worker *w, void *vin, void *vout)
{
	struct kc_in *in = vin;
	struct kc_out *o = vout;
	struct keys_model *m = model(w);
	struct kslot *s = &m->s[in->slot % KEYS_SLOTS], pre = *s;
	struct expect *e = &o->ex;
	struct outc oc[MAX_OUTC];
	struct kworld wd[4];
	char name[KVAULT_KEY_NAME_MAX + 8];
	uint64_t t0, t1;
	uint32_t ep0, ep1;
	int noc, i;
	size_t at;

	keys_name(w, KN_OWN, in->slot, name, sizeof(name));
	if (!m->ring_ok) {
		o->skipped = true;
		return;
	}
	if (in->op == KC_ADD) {
		uint32_t alg = 0, len = 0, usage = 0, attrs = 0;
		struct pay_seal ps;
		bool imp_on, imp_sure;
		int prc, prc2;

		ep0 = import_epoch();
		t0 = real_ns();
		o->rc = syscall(SYS_add_key, KVAULT_KEY_TYPE, in->desc_null ? NULL : in->desc,
				in->plen ? in->payload : NULL, (size_t)in->plen,
				KEY_SPEC_THREAD_KEYRING);
		if (o->rc < 0)
			o->rc = -errno;
		t1 = real_ns();
		ep1 = import_epoch();
		imp_sure = ep0 == ep1 && !(ep0 & 1);
		imp_on = (ep0 / 2) & 1;
		prc = payload_model(in->payload, in->plen, imp_on, &alg, &len, &usage, &attrs,
				    &ps);
		prc2 = payload_model(in->payload, in->plen, !imp_on, &alg, &len, &usage,
				     &attrs, &ps);
		/* preparse: management rights, the payload, no description, the name */
		if (m->may_create) {
			expect_set(e, m->may_create, ST_NONE);
			return;
		}
		expect_set(e, prc, ST_HANDLER);
		if (!imp_sure)
			expect_add(e, prc2);
		if (!expect_has(e, 0))
			return;
		if (ps.kind == PK_UPDATE) {
			/*
			 * Preparse keeps an update for later: a key of that
			 * name in our keyring (not revoked or invalidated) is
			 * resealed, else instantiating it fails (EINVAL).
			 */
			if (s->x == KX_UNSURE) {
				o->indeterminate = true;
				return;
			}
			expect_set(e, -EINVAL, ST_HANDLER);
			if (s->x == KX_LIVE && s->keyctl && !s->revoked && !in->desc_null &&
			    in->desc[0] && !strcmp(in->desc, name)) {
				static const int also[] = { -EACCES, -ENOKEY, -EKEYEXPIRED,
							    -EKEYREVOKED, -EIO, -EBUSY, 0 };

				for (i = 0; i < (int)(sizeof(also) / sizeof(also[0])); i++)
					expect_add(e, also[i]);
				if (o->rc > 0)
					s->attrs |= KVAULT_KEY_SEALED;
				else if (o->rc != -EINVAL && o->rc != -EACCES)
					s->x = KX_UNSURE;	/* which world was it? */
			}
			return;
		}
		if (in->desc_null || !in->desc[0]) {
			expect_set(e, -EINVAL, ST_NONE);
			return;
		}
		{
			struct kworld wd[4];
			int nw = worlds(s, t0, t1, wd);
			bool free_ok = s->x != KX_LIVE, taken = s->x != KX_ABSENT;
			/* load: the name first, then the blob, which is none */
			int ok = ps.kind == PK_LOAD ? -EINVAL : 0;

			for (i = 0; i < nw; i++)
				free_ok |= wd[i].gone;
			for (i = 0; i < e->n; i++)
				if (!e->v[i])
					e->v[i] = !name_ok(in->desc) ? -EINVAL :
						  free_ok ? ok : -EEXIST;
			if (s->x == KX_UNSURE && name_ok(in->desc)) {
				o->indeterminate = true;
			} else if (name_ok(in->desc)) {
				if (taken)
					expect_add(e, -EEXIST);
				/* uid 65534's quota: dead keys count until collected */
				if (free_ok && w->role == ROLE_NOBODY)
					expect_add(e, -EDQUOT);
			}
			if (ps.kind == PK_LOAD && ps.blob_magic)
				expect_add(e, -EBADMSG);
			/* sealed at creation: the TPM's answers */
			if (ps.pcrs && expect_has(e, 0)) {
				expect_add(e, -EIO);
				expect_add(e, -EBUSY);
				if (!ps.bank_alloc)
					expect_add(e, -EINVAL);
			}
			if (o->rc == -EEXIST && nw > 1)
				s->x = KX_UNSURE;	/* gone or not? */
		}
		if (o->rc > 0) {
			slot_new(s, (int32_t)o->rc, alg, len, usage,
				 attrs | (ps.pcrs ? KVAULT_KEY_SEALED : 0), true);
			learn_perm(s);
		}
		return;
	}

	/* keyctl update: what the payload asks for */
	if (in->op == KC_UPDATE) {
		uint32_t alg, len, usage, attrs;

		kc_upd_rc = payload_model(in->payload, in->plen, false, &alg, &len, &usage,
					  &attrs, &kc_upd);
		if (!kc_upd_rc && kc_upd.kind != PK_UPDATE)
			kc_upd_rc = -EINVAL;	/* never generated */
	}

	/* every other op names the key by its serial */
	if (!s->id || s->x == KX_UNSURE || s->x == KX_ORPHAN ||
	    (s->x == KX_LIVE && !s->perm_known)) {
		o->skipped = true;
		return;
	}
	t0 = real_ns();
	switch (in->op) {
	case KC_READ:
		o->rc = kc(KEYCTL_READ, (unsigned long)s->id,
			   in->arg ? (unsigned long)o->buf : 0, in->arg, 0);
		break;
	case KC_DESCRIBE:
		o->rc = kc(KEYCTL_DESCRIBE, (unsigned long)s->id, (unsigned long)o->buf,
			   sizeof(o->buf) - 1, 0);
		break;
	case KC_UPDATE:
		o->rc = kc(KEYCTL_UPDATE, (unsigned long)s->id, (unsigned long)in->payload,
			   in->plen, 0);
		break;
	case KC_REVOKE:
		o->rc = kc(KEYCTL_REVOKE, (unsigned long)s->id, 0, 0, 0);
		break;
	case KC_INVALIDATE:
		o->rc = kc(KEYCTL_INVALIDATE, (unsigned long)s->id, 0, 0, 0);
		break;
	case KC_TIMEOUT:
		o->rc = kc(KEYCTL_SET_TIMEOUT, (unsigned long)s->id, in->arg, 0, 0);
		break;
	case KC_SETPERM:
		o->rc = kc(KEYCTL_SETPERM, (unsigned long)s->id, in->arg, 0, 0);
		break;
	default:
		o->rc = kc(KEYCTL_UNLINK, (unsigned long)s->id,
			   (unsigned long)KEY_SPEC_THREAD_KEYRING, 0, 0);
		break;
	}
	if (o->rc < 0)
		o->rc = -errno;
	t1 = real_ns();
	if ((in->op == KC_READ || in->op == KC_DESCRIBE) &&
	    leak_scan(o->buf, sizeof(o->buf), &at))
		snprintf(o->bad, sizeof(o->bad), "key material pattern in the %s output at byte %zu",
			 kc_names[in->op], at);
	/* a sealed key's blob, in hex: the material must not be in it either */
	if (in->op == KC_READ && o->rc > 0 && o->rc <= (long)in->arg && !(o->rc % 2)) {
		uint8_t bin[sizeof(o->buf) / 2];
		size_t j;

		for (j = 0; j < (size_t)o->rc / 2 && j < sizeof(bin); j++) {
			unsigned int v;

			if (sscanf(o->buf + 2 * j, "%2x", &v) != 1)
				break;
			bin[j] = (uint8_t)v;
		}
		if (leak_scan(bin, j, &at))
			snprintf(o->bad, sizeof(o->bad),
				 "key material pattern in a sealed key's blob (keyctl read) at byte %zu",
				 at);
	}

	if (in->op == KC_SETPERM && (in->arg & ~0x3f3f3f3fU)) {
		expect_set(e, -EINVAL, ST_NONE);	/* checked before the lookup */
		return;
	}
	kc_manage_rc = m->may_create;
	noc = outcomes(s, in->op, in->arg, t0, t1, kc_live, -ENOKEY, oc);
	if (noc <= 0) {
		o->indeterminate = true;
		return;
	}
	outc_expect(oc, noc, e, ST_HANDLER);
	if (in->op == KC_UPDATE && !kc_upd_rc && !m->may_create) {
		/* a reseal: the TPM's failures; values for the blob's set */
		bool tpm = expect_has(e, 0);

		if (tpm) {
			expect_add(e, -EIO);
			expect_add(e, -EBUSY);
		}
		if (kc_upd.values && !kc_upd.pcrs && (s->attrs & KVAULT_KEY_SEALED))
			expect_add(e, -EINVAL);
		if (o->rc == -EIO || o->rc == -EBUSY ||
		    (o->rc == -EINVAL && kc_upd.values && !kc_upd.pcrs)) {
			if (!expect_has(e, (int)o->rc))
				return;
			*s = pre;	/* nothing changed */
			return;
		}
	}
	if (s->x == KX_DEAD || s->x == KX_LIVE) {
		/*
		 * Destroyed or invalidated but not collected: a read checks
		 * permission before it validates; unlink does not validate.
		 */
		for (i = 0; i < noc; i++)
			if (oc[i].ns.x == KX_DEAD || oc[i].ns.x == KX_ABSENT) {
				/*
				 * Not possessed, or possessed until the GC
				 * unlinked the dead key from our keyring (a
				 * race the CI's fuzz run met): either way a
				 * read without read permission is EACCES.
				 */
				if (in->op == KC_READ)
					expect_add(e, -EACCES);
				if (in->op == KC_UNLINK) {
					expect_add(e, 0);
					expect_add(e, -ENOENT);
				}
			}
	}
	if (!expect_has(e, o->rc > 0 ? 0 : (int)o->rc))
		return;
	outc_adopt(s, oc, noc, o->rc > 0 ? 0 : (int)o->rc, 0);
	if (in->op == KC_UNLINK && (pre.x == KX_DEAD || s->x == KX_ABSENT))
		*s = pre.x == KX_DEAD ? pre : *s;
	if (in->op == KC_TIMEOUT && !o->rc && s->x == KX_LIVE && in->arg) {
		s->exp_lo = (int64_t)(t0 / NS) + in->arg;
		s->exp_hi = (int64_t)(t1 / NS) + in->arg;
	}
	if (in->op == KC_DESCRIBE && o->rc > 0 && s->x == KX_LIVE &&
	    worlds(&pre, t0, t1, wd) == 1) {
		o->buf[sizeof(o->buf) - 1] = '\0';
		kc_check_describe(w, s, name, o->buf, o->rc, o->bad, sizeof(o->bad));
	}
}

static void kc_check(struct worker *w, const void *vin, const void *vout,
		     struct opctx *op)
{
	const struct kc_in *in = vin;
	const struct kc_out *o = vout;
	enum fuzz_cmd fc = in->op == KC_ADD ? FC_KEYCTL_ADD : FC_KEYCTL_OP;
	int rc = o->rc > 0 ? 0 : (int)o->rc;	/* add_key: the serial */
	bool match = expect_has(&o->ex, rc);
	char exp[96], sig[160];

	op->cmd = fc;
	op->result = rc;
	if (o->skipped) {	/* counted apart, not as a success */
		fuzz_account(w, fc, FUZZ_HIST_IGNORED, ST_NONE);
		return;
	}
	fuzz_account(w, fc, rc, match && !o->indeterminate ? o->ex.stage : ST_NONE);
	if (o->bad[0]) {
		snprintf(sig, sizeof(sig), "keyctl:%s:%s", kc_names[in->op],
			 strstr(o->bad, "material") ? "leak" : "reply");
		fuzz_finding(w, op, sig, "%s", o->bad);
	}
	if (o->indeterminate || match)
		return;
	expect_str(&o->ex, exp, sizeof(exp));
	snprintf(sig, sizeof(sig), "keyctl:%s:%s:errno:%s!=%s", kc_names[in->op],
		 w->role == ROLE_PRIV ? "root" : w->role == ROLE_NOBODY ? "nobody" : "nocap",
		 errname(rc), exp);
	fuzz_finding(w, op, sig, "returned %ld (%s), the model says %s", o->rc,
		     errname(rc), exp);
}

const struct fuzz_target target_keys_keyctl = {
	.name = "keys-keyctl",
	.weight = { [ROLE_PRIV] = 14, [ROLE_NOBODY] = 20, [ROLE_NOCAP] = 20 },
	.in_size = sizeof(struct kc_in),
	.out_size = sizeof(struct kc_out),
	.gen = kc_gen,
	.describe = kc_describe,
	.exec = kc_exec,
	.check = kc_check,
};
