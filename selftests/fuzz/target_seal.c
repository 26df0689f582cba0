// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_fuzz targets on sealing (uapi/linux/kvault.h, "Sealing"):
 *
 *  - "seal-ioctl" (root): KVAULT_IOC_KEY_SEAL, _RESEAL, _LOAD and _CHECK
 *    with random, truncated, oversized and hostile structs, bad pointers
 *    and out-of-range lengths. The model follows kmod/ioctl_seal.c, which
 *    implements the header: copy_struct_from_user() rules, then EINVAL for
 *    reserved and out fields and the name field, then each op's own
 *    fields, the PIN (EINVAL, EFAULT), the PCR values and blob buffers
 *    (EINVAL, EFAULT), then the key lookup (ENOENT) or, for LOAD, the name
 *    in use (EEXIST) and the blob (EINVAL: the hostile blobs here never
 *    carry the magic). All of that is decided before any TPM command. The
 *    out fields are written back on failure too (EFAULT if they cannot
 *    be), except after EINVAL and EFAULT. At a low rate a valid SEAL or RESEAL of one
 *    of the worker's pool keys (target_keys.c's slots) goes to the TPM;
 *    its answer is checked loosely (0 or a documented errno), and on
 *    success the blob's header is checked against the key and the blob is
 *    kept as the worker's real blob.
 *  - "seal-blob" (root): LOAD and CHECK of that real blob, as it is or
 *    mutated (bit flips, bytes set, header fields changed to other valid
 *    values, truncated, extended). A mutated blob must never load; an
 *    intact one must, as a key whose metadata and blob are the original's
 *    (then destroyed again).
 *  - "pcr-extend" (root): KVAULT_IOC_PCR_EXTEND, only ever invalid: a
 *    valid one would lock sealing for the module's life. The struct is
 *    checked against the model before it is sent (pcr_extend_unsafe()),
 *    here and in target_ioctl.c's unknown commands.
 *
 * Every struct, buffer and blob that comes back is scanned for the
 * imported material patterns (leak_scan()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

#include "kvault_fuzz.h"

#define KS_SIZE		((uint32_t)sizeof(struct kvault_key_seal))
#define KX_SIZE		((uint32_t)sizeof(struct kvault_pcr_extend))
#define SB_MAX		(4096 + 64)
#define VALUES_MAX	(KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE)

enum { S_SEAL, S_RESEAL, S_LOAD, S_CHECK, S_NR };
static const char *const s_names[S_NR] = { "KEY_SEAL", "KEY_RESEAL", "KEY_LOAD", "KEY_CHECK" };
static const unsigned int s_cmds[S_NR] = {
	KVAULT_IOC_KEY_SEAL, KVAULT_IOC_KEY_RESEAL, KVAULT_IOC_KEY_LOAD, KVAULT_IOC_KEY_CHECK,
};

/* The worker's real blob, from its last successful SEAL. */
struct seal_model {
	bool have;
	uint32_t len;
	uint8_t blob[KVAULT_BLOB_MAX];
	uint32_t pin_len;
	char pin[KVAULT_PIN_MAX + 1];
	uint32_t alg, klen, usage, attrs, version;
	uint16_t bank;
	uint32_t mask;
};

static struct seal_model *smodel(struct worker *w)
{
	if (!w->seal) {
		w->seal = calloc(1, sizeof(*w->seal));
		if (!w->seal)
			abort();
	}
	return w->seal;
}

void seal_teardown(struct worker *w)
{
	free(w->seal);
	w->seal = NULL;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t bank_digest(uint16_t bank)
{
	switch (bank) {
	case KVAULT_TPM_ALG_SHA1: return 20;
	case KVAULT_TPM_ALG_SHA256: return 32;
	case KVAULT_TPM_ALG_SHA384: return 48;
	case KVAULT_TPM_ALG_SHA512: return 64;
	}
	return 0;	/* not a bank kvault seals to */
}

/* An allocated bank kvault seals to, or 0. */
static uint16_t good_bank(struct rng *r)
{
	uint16_t ok[KVAULT_MAX_PCR_BANKS];
	uint32_t i, n = 0;

	for (i = 0; i < g_world.st.nr_pcr_banks && i < KVAULT_MAX_PCR_BANKS; i++) {
		uint16_t b = g_world.st.pcr_banks[i].alg_id;

		if (bank_digest(b) && bank_digest(b) == g_world.st.pcr_banks[i].digest_size)
			ok[n++] = b;
	}
	return n ? ok[rng_below(r, n)] : 0;
}

/* ---- PCR_EXTEND: the guard ------------------------------------------------ */

static int extend_fields(const struct kvault_pcr_extend *x)
{
	return x->flags || x->reserved0 || x->reserved[0] || x->reserved[1] ||
	       x->pcr >= KVAULT_PCR_COUNT ? -EINVAL : 0;
}

bool pcr_extend_unsafe(const struct mem *m, unsigned int cmd, uint64_t a)
{
	struct kvault_pcr_extend x;
	uint32_t n;

	if (_IOC_TYPE(cmd) != KVAULT_IOC_MAGIC || _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE) ||
	    _IOC_NR(cmd) != _IOC_NR(KVAULT_IOC_PCR_EXTEND))
		return false;
	if (m->hole_mapped)
		return true;	/* the model cannot see the memory: never send */
	if (predict_copy_in(m, a, KX_SIZE, KVAULT_PCR_EXTEND_SIZE_VER0, (uint8_t *)&x, &n))
		return false;
	return !extend_fields(&x);
}

struct px_in {
	unsigned int cmd;
	uint32_t blen;
	struct loc loc;
	char mut[64];
	uint8_t bytes[4096 + 64];
};

struct px_out {
	int rc;
	struct expect ex;
	bool skipped;
	char stray[200];
};

static void px_gen(struct worker *w, struct rng *r, void *vin)
{
	struct px_in *in = vin;
	struct kvault_pcr_extend x;
	unsigned int k;

	(void)w;
	in->cmd = rng_pct(r, 85) ? KVAULT_IOC_PCR_EXTEND :
		  (unsigned int)_IOC(_IOC_READ | _IOC_WRITE, KVAULT_IOC_MAGIC, 3,
				     rng_below(r, 1U << _IOC_SIZEBITS));
	in->blen = gen_ext_struct(r, in->bytes, &in->loc, KX_SIZE, KVAULT_PCR_EXTEND_SIZE_VER0);
	memcpy(&x, in->bytes, sizeof(x));
	x.pcr = rng_below(r, KVAULT_PCR_COUNT);
	/* at least one fault in the fields, whatever the size and placement */
	k = rng_below(r, 5);
	switch (k) {
	case 0:
		x.flags = rng_pct(r, 50) ? 1U << rng_below(r, 32) : rng_u32(r) | 1;
		snprintf(in->mut, sizeof(in->mut), " flags");
		break;
	case 1:
		x.reserved0 = rng_u32(r) | 1;
		snprintf(in->mut, sizeof(in->mut), " reserved0");
		break;
	case 2:
		x.reserved[rng_below(r, 2)] = rng_next(r) | 1;
		snprintf(in->mut, sizeof(in->mut), " reserved");
		break;
	default:
		x.pcr = rng_pct(r, 50) ? rng_range(r, KVAULT_PCR_COUNT, 31) : rng_u32(r) | 0x20;
		snprintf(in->mut, sizeof(in->mut), " pcr");
		break;
	}
	memcpy(in->bytes, &x, sizeof(x));
}

static void px_describe(struct worker *w, const void *vin, char *buf, size_t len,
			bool verbose)
{
	const struct px_in *in = vin;
	struct kvault_pcr_extend x;
	size_t off;

	(void)w;
	memcpy(&x, in->bytes, sizeof(x));
	off = bprintf(buf, len, 0, "ioctl PCR_EXTEND cmd=%#x arg=%s+%u size=%u blen=%u flags=%#x pcr=%u reserved0=%#x reserved=%#llx,%#llx mutations:%s",
		      in->cmd, loc_name(in->loc.kind), in->loc.off, x.size, in->blen, x.flags,
		      x.pcr, x.reserved0, (unsigned long long)x.reserved[0],
		      (unsigned long long)x.reserved[1], in->mut);
	if (verbose)
		hexdump(buf, len, off, in->bytes, in->blen, 256);
}

static void px_exec(struct worker *w, void *vin, void *vout)
{
	struct px_in *in = vin;
	struct px_out *o = vout;
	struct kvault_pcr_extend x;
	uint64_t a;
	uint32_t n;
	int rc;

	arena_reset(&w->mem.a[0]);
	arena_reset(&w->mem.a[1]);
	mem_check_holes(&w->mem);
	a = loc_addr(&w->mem.a[0], &in->loc, in->blen);
	mem_place(&w->mem, a, in->bytes, in->blen);
	if (pcr_extend_unsafe(&w->mem, in->cmd, a)) {
		o->skipped = true;	/* never: the generator always breaks a field */
		return;
	}
	rc = predict_copy_in(&w->mem, a, KX_SIZE, KVAULT_PCR_EXTEND_SIZE_VER0, (uint8_t *)&x, &n);
	if (!rc)
		rc = extend_fields(&x);
	/* refused before the TPM; nothing is written back */
	expect_set(&o->ex, rc, ST_NONE);
	snap_take(w);
	o->rc = ioctl(w->devfd, in->cmd, (unsigned long)a) < 0 ? -errno : 0;
	snap_compare(w, 0, 0, 0, 0, o->stray, sizeof(o->stray));
}

static void px_check(struct worker *w, const void *vin, const void *vout, struct opctx *op)
{
	const struct px_out *o = vout;
	char exp[96], sig[128];

	(void)vin;
	op->cmd = FC_PCR_EXTEND;
	op->result = o->rc;
	if (o->skipped) {
		fuzz_account(w, FC_PCR_EXTEND, FUZZ_HIST_IGNORED, ST_NONE);
		return;
	}
	fuzz_account(w, FC_PCR_EXTEND, o->rc, ST_NONE);
	if (o->stray[0])
		fuzz_finding(w, op, "ioctl:PCR_EXTEND:stray-write", "%s", o->stray);
	if (w->mem.hole_mapped || expect_has(&o->ex, o->rc))
		return;
	expect_str(&o->ex, exp, sizeof(exp));
	snprintf(sig, sizeof(sig), "ioctl:PCR_EXTEND:errno:%s!=%s", errname(o->rc), exp);
	fuzz_finding(w, op, sig, "ioctl returned %s, the model says %s", errname(o->rc), exp);
}

const struct fuzz_target target_pcr_extend = {
	.name = "pcr-extend",
	.weight = { [ROLE_PRIV] = 4 },
	.in_size = sizeof(struct px_in),
	.out_size = sizeof(struct px_out),
	.gen = px_gen,
	.describe = px_describe,
	.exec = px_exec,
	.check = px_check,
};

/* ---- the seal ioctls: model --------------------------------------------------- */

/* kvault_seal_name_ok(): NUL-terminated, nothing but zeroes after. */
static bool field_ok(const char *f)
{
	size_t i, n = strnlen(f, KVAULT_KEY_NAME_MAX);

	if (n == KVAULT_KEY_NAME_MAX)
		return false;
	for (i = n; i < KVAULT_KEY_NAME_MAX; i++)
		if (f[i])
			return false;
	return true;
}

/* kvault_name_check(): 1..127 bytes of 0x21..0x7e. */
static bool name_check(const char *n)
{
	size_t i, l = strnlen(n, KVAULT_KEY_NAME_MAX);

	if (!l || l == KVAULT_KEY_NAME_MAX)
		return false;
	for (i = 0; i < l; i++)
		if ((unsigned char)n[i] <= 0x20 || (unsigned char)n[i] > 0x7e)
			return false;
	return true;
}

static int pin_model(const struct mem *m, const struct kvault_key_seal *q)
{
	uint32_t i;
	uint8_t b;

	if (!(q->flags & KVAULT_SEAL_PIN))
		return q->pin || q->pin_len ? -EINVAL : 0;
	if (!q->pin_len || q->pin_len > KVAULT_PIN_MAX)
		return -EINVAL;
	if (!mem_readable(m, q->pin, q->pin_len))
		return -EFAULT;
	for (i = 0; i < q->pin_len; i++) {
		mem_byte(m, q->pin + i, &b);
		if (b <= 0x20 || b > 0x7e)
			return -EINVAL;
	}
	return 0;
}

static int blob_in_model(const struct mem *m, const struct kvault_key_seal *q)
{
	if (!q->blob_len || q->blob_len > KVAULT_BLOB_MAX)
		return -EINVAL;
	return mem_readable(m, q->blob, q->blob_len) ? 0 : -EFAULT;
}

/*
 * Everything kmod/ioctl_seal.c checks before it looks the key up, reads
 * the blob or asks the TPM: 0 when the request gets that far.
 */
/*
 * The fields every op shares (reserved, out fields, the name field): refused
 * before anything else, and then nothing is written back.
 */
static bool common_bad(const struct kvault_key_seal *q)
{
	return q->reserved0 || q->pcr_mismatch || q->lockout_seconds || q->tpm_rc ||
	       q->status || q->reserved[0] || q->reserved[1] || q->reserved[2] ||
	       q->reserved[3] || !field_ok(q->name);
}

static int fields_model(const struct mem *m, unsigned int op, const struct kvault_key_seal *q)
{
	int rc;

	switch (op) {
	case S_SEAL:
	case S_RESEAL:
		if ((q->flags & ~(KVAULT_SEAL_PIN | KVAULT_SEAL_PCR_VALUES)) || q->id < 0 ||
		    (q->id && q->name[0]) || (!q->id && !q->name[0]))
			return -EINVAL;
		if (!q->pcr_bank != !q->pcr_mask || (!q->pcr_bank && op == S_SEAL))
			return -EINVAL;
		if (q->pcr_bank && (!bank_digest(q->pcr_bank) ||
				    (q->pcr_mask & ~KVAULT_PCR_MASK_ALL)))
			return -EINVAL;
		if (q->flags & KVAULT_SEAL_PCR_VALUES) {
			if (!q->pcr_values_len || q->pcr_values_len > VALUES_MAX)
				return -EINVAL;
			if (!mem_readable(m, q->pcr_values, q->pcr_values_len))
				return -EFAULT;
		} else if (q->pcr_values || q->pcr_values_len) {
			return -EINVAL;
		}
		return pin_model(m, q);
	case S_LOAD:
		if ((q->flags & ~KVAULT_SEAL_PIN) || q->id || q->pcr_bank || q->pcr_mask ||
		    q->pcr_values || q->pcr_values_len || !name_check(q->name))
			return -EINVAL;
		rc = pin_model(m, q);
		return rc ? rc : blob_in_model(m, q);
	default:
		if (q->flags || q->id || q->pcr_bank || q->pcr_mask || q->pin || q->pin_len ||
		    q->pcr_values || q->pcr_values_len || q->name[0])
			return -EINVAL;
		return blob_in_model(m, q);
	}
}

/* ---- the seal ioctls: generation ----------------------------------------------- */

/* Buffers: where the PIN, the PCR values and the blob go (arena 1). */
enum { B_PIN, B_VALUES, B_BLOB, B_NR };
enum { BK_ZERO, BK_GOOD, BK_LOC, BK_RAW };
static const uint32_t b_good_off[B_NR] = { 0, 64, 2048 };

struct sio_in {
	uint8_t op;		/* S_* */
	uint8_t own;		/* SEAL/RESEAL: an own slot; LOAD: name an own slot */
	uint8_t slot;
	uint8_t valid;		/* a request meant to reach the TPM */
	uint8_t by_id;		/* @id from the model at run time */
	uint8_t bkind[B_NR];
	struct loc bloc[B_NR];
	uint64_t braw[B_NR];
	uint32_t bext[B_NR];	/* bytes to place */
	unsigned int cmd;
	uint32_t blen;
	struct loc loc;
	char mut[120];
	uint8_t bytes[SB_MAX];
	uint8_t pin[64];
	uint8_t values[VALUES_MAX];
	uint8_t blob[SB_MAX];
};

struct sio_out {
	int rc;
	struct expect ex;
	bool indeterminate;
	bool loose;		/* reached the TPM: documented errnos only */
	uint8_t back[KS_SIZE];
	bool back_ok;
	char bad[240];
	char stray[200];
};

static void gen_mask16(struct rng *r, uint32_t *mask)
{
	*mask = 0;
	while (!*mask)
		*mask = rng_u32(r) & rng_u32(r) & 0xffffU;
}

static void sio_gen_name(struct worker *w, struct rng *r, struct sio_in *in,
			 struct kvault_key_seal *q)
{
	if (in->op == S_CHECK)
		return;
	if (in->op == S_LOAD) {
		if (in->own)
			keys_name(w, KN_OWN, in->slot, q->name, sizeof(q->name));
		else
			snprintf(q->name, sizeof(q->name), "fzl-w%u-%llx", w->tid,
				 (unsigned long long)w->cur_op);
		return;
	}
	if (in->own) {
		in->by_id = rng_pct(r, 30);
		if (!in->by_id)
			keys_name(w, KN_OWN, in->slot, q->name, sizeof(q->name));
	} else if (rng_pct(r, 30)) {
		q->id = (int32_t)(rng_u32(r) >> 1) | 1;
	} else {
		keys_name(w, KN_NONE, rng_below(r, 256), q->name, sizeof(q->name));
	}
}

static void sio_mutate(struct worker *w, struct rng *r, struct sio_in *in,
		       struct kvault_key_seal *q)
{
	char mut[48] = "";
	size_t l;

	switch (rng_below(r, 16)) {
	case 0:
		q->flags |= rng_pct(r, 50) ? 1U << rng_range(r, 2, 31) : rng_u32(r);
		snprintf(mut, sizeof(mut), " flags");
		break;
	case 1:
		q->reserved0 = (uint16_t)(rng_u32(r) | 1);
		snprintf(mut, sizeof(mut), " reserved0");
		break;
	case 2:
		q->reserved[rng_below(r, 4)] = rng_next(r) | 1;
		snprintf(mut, sizeof(mut), " reserved");
		break;
	case 3:		/* an out field set on input */
		switch (rng_below(r, 4)) {
		case 0: q->pcr_mismatch = rng_u32(r) | 1; break;
		case 1: q->lockout_seconds = rng_u32(r) | 1; break;
		case 2: q->tpm_rc = rng_u32(r) | 1; break;
		default: q->status = rng_u32(r) | 1; break;
		}
		snprintf(mut, sizeof(mut), " out-field");
		break;
	case 4:		/* the name field */
		l = strnlen(q->name, sizeof(q->name));
		switch (rng_below(r, 4)) {
		case 0:
			memset(q->name, 'A' + (int)rng_below(r, 26), sizeof(q->name));
			break;
		case 1:
			if (l + 2 < sizeof(q->name))
				q->name[l + 1 + rng_below(r, (uint32_t)(sizeof(q->name) - l - 1))] =
					(char)rng_range(r, 1, 255);
			else
				q->name[0] = ' ';
			break;
		case 2:
			if (l)
				q->name[rng_below(r, (uint32_t)l)] =
					(char)(rng_pct(r, 40) ? ' ' : rng_range(r, 0x7f, 0xff));
			else
				q->name[0] = 1;
			break;
		default:
			memset(q->name, 0, sizeof(q->name));
			break;
		}
		snprintf(mut, sizeof(mut), " name");
		break;
	case 5:		/* id: negative, or with a name, or set where it must not be */
		q->id = rng_pct(r, 50) ? (int32_t)(rng_u32(r) | 0x80000000U) :
			(int32_t)(rng_u32(r) >> 1) | 1;
		snprintf(mut, sizeof(mut), " id");
		break;
	case 6:		/* bank */
		q->pcr_bank = rng_pct(r, 30) ? 0 : rng_pct(r, 50) ? (uint16_t)rng_u32(r) :
			      KVAULT_TPM_ALG_SM3_256;
		snprintf(mut, sizeof(mut), " bank");
		break;
	case 7:		/* mask */
		q->pcr_mask = rng_pct(r, 30) ? 0 : rng_u32(r) | (1U << rng_range(r, 24, 31));
		snprintf(mut, sizeof(mut), " mask");
		break;
	case 8:		/* pin_len */
		q->pin_len = rng_pct(r, 30) ? 0 : rng_pct(r, 50) ? KVAULT_PIN_MAX + 1 :
			     rng_u32(r);
		if (rng_pct(r, 50))
			q->flags |= KVAULT_SEAL_PIN;
		snprintf(mut, sizeof(mut), " pin_len");
		break;
	case 9:		/* pin bytes */
		in->pin[rng_below(r, KVAULT_PIN_MAX)] = (uint8_t)(rng_pct(r, 40) ? ' ' :
			rng_pct(r, 50) ? rng_below(r, 0x20) : rng_range(r, 0x7f, 0xff));
		q->flags |= KVAULT_SEAL_PIN;
		if (!q->pin_len)
			q->pin_len = KVAULT_PIN_MAX;
		snprintf(mut, sizeof(mut), " pin-byte");
		break;
	case 10:	/* a pointer without its flag, or a bad one */
		in->bkind[B_PIN] = rng_pct(r, 50) ? BK_LOC : BK_RAW;
		in->bkind[B_VALUES] = rng_pct(r, 50) ? BK_LOC : BK_RAW;
		snprintf(mut, sizeof(mut), " pointers");
		break;
	case 11:	/* pcr_values_len */
		q->pcr_values_len = rng_pct(r, 30) ? 0 : rng_pct(r, 50) ? VALUES_MAX + 1 :
				    rng_u32(r);
		if (rng_pct(r, 60))
			q->flags |= KVAULT_SEAL_PCR_VALUES;
		snprintf(mut, sizeof(mut), " values_len");
		break;
	case 12:	/* blob_len */
		q->blob_len = rng_pct(r, 30) ? 0 : rng_pct(r, 50) ? KVAULT_BLOB_MAX + 1 :
			      rng_u32(r);
		snprintf(mut, sizeof(mut), " blob_len");
		break;
	case 13:	/* the blob pointer */
		in->bkind[B_BLOB] = rng_pct(r, 60) ? BK_LOC : rng_pct(r, 50) ? BK_RAW : BK_ZERO;
		snprintf(mut, sizeof(mut), " blob-ptr");
		break;
	case 14:	/* flags another op takes */
		q->flags |= rng_pct(r, 50) ? KVAULT_SEAL_PCR_VALUES : KVAULT_SEAL_PIN;
		snprintf(mut, sizeof(mut), " flags-op");
		break;
	default:	/* fields another op takes */
		if (rng_pct(r, 50))
			q->pcr_bank = KVAULT_TPM_ALG_SHA256;
		else
			q->pcr_mask = 1;
		snprintf(mut, sizeof(mut), " fields-op");
		break;
	}
	(void)w;
	bprintf(in->mut, sizeof(in->mut), strlen(in->mut), "%s", mut);
}

static void sio_gen(struct worker *w, struct rng *r, void *vin)
{
	static const unsigned int ow[S_NR] = { 30, 20, 30, 20 };
	struct sio_in *in = vin;
	struct kvault_key_seal q;
	uint32_t i, ds, nv;
	unsigned int b;

	in->op = (uint8_t)rng_weighted(r, ow, S_NR);
	in->slot = (uint8_t)rng_below(r, KEYS_SLOTS);
	/* valid SEAL/RESEAL of a pool key: a few TPM commands each, so rare */
	in->valid = in->op <= S_RESEAL && rng_pct(r, 6);
	in->own = in->valid || (in->op == S_LOAD && rng_pct(r, 25));
	in->cmd = rng_pct(r, 90) ? s_cmds[in->op] :
		  (unsigned int)_IOC(_IOC_READ | _IOC_WRITE, KVAULT_IOC_MAGIC, _IOC_NR(s_cmds[in->op]),
				     rng_below(r, 1U << _IOC_SIZEBITS));
	if (!in->valid && rng_pct(r, 40)) {
		in->blen = gen_ext_struct(r, in->bytes, &in->loc, KS_SIZE, KVAULT_KEY_SEAL_SIZE_VER0);
		snprintf(in->mut, sizeof(in->mut), " struct");
	} else {
		uint32_t ks = KS_SIZE;

		memcpy(in->bytes, &ks, 4);
		in->blen = KS_SIZE;
		loc_gen(r, &in->loc, KS_SIZE, in->valid ? 100 : 92);
	}
	memcpy(&q, in->bytes, sizeof(q));
	sio_gen_name(w, r, in, &q);

	for (b = 0; b < B_NR; b++)
		in->bkind[b] = BK_ZERO;
	/* PIN: printable, no space */
	for (i = 0; i < KVAULT_PIN_MAX; i++)
		in->pin[i] = (uint8_t)rng_range(r, 0x21, 0x7e);
	if (in->op != S_CHECK && rng_pct(r, 25)) {
		q.flags |= KVAULT_SEAL_PIN;
		q.pin_len = rng_range(r, 1, KVAULT_PIN_MAX);
		in->bkind[B_PIN] = BK_GOOD;
		in->bext[B_PIN] = q.pin_len;
	}
	if (in->op <= S_RESEAL) {
		q.pcr_bank = good_bank(r);
		gen_mask16(r, &q.pcr_mask);
		if (in->op == S_RESEAL && rng_pct(r, 40))
			q.pcr_bank = 0, q.pcr_mask = 0;	/* keep the key's set */
		ds = bank_digest(q.pcr_bank);
		nv = (uint32_t)__builtin_popcount(q.pcr_mask) * ds;
		if (q.pcr_bank && rng_pct(r, 30)) {
			q.flags |= KVAULT_SEAL_PCR_VALUES;
			q.pcr_values_len = nv;
			rng_fill(r, in->values, nv);
			in->bkind[B_VALUES] = BK_GOOD;
			in->bext[B_VALUES] = nv;
		}
		q.blob_len = rng_pct(r, 85) ? KVAULT_BLOB_MAX : rng_below(r, 64);
		in->bkind[B_BLOB] = BK_GOOD;
		in->bext[B_BLOB] = q.blob_len;
	} else {
		/* a blob that is none: never the "KVB1" magic */
		q.blob_len = rng_pct(r, 80) ? rng_range(r, 1, 600) : rng_range(r, 1, KVAULT_BLOB_MAX);
		rng_fill(r, in->blob, q.blob_len);
		in->blob[0] = (uint8_t)rng_below(r, 'K');
		in->bkind[B_BLOB] = BK_GOOD;
		in->bext[B_BLOB] = q.blob_len;
	}
	if (!in->valid) {
		unsigned int n = rng_pct(r, 20) ? 0 : rng_range(r, 1, 2);

		while (n--)
			sio_mutate(w, r, in, &q);
	}
	for (b = 0; b < B_NR; b++) {
		uint32_t ext = in->bext[b] ? in->bext[b] : 1;

		if (in->bkind[b] == BK_LOC)
			loc_gen(r, &in->bloc[b], ext > SB_MAX ? SB_MAX : ext, 50);
		else if (in->bkind[b] == BK_RAW)
			in->braw[b] = rng_pct(r, 50) ? rng_next(r) : rng_below(r, 1U << 16);
	}
	memcpy(in->bytes, &q, sizeof(q));
}

static void sio_describe(struct worker *w, const void *vin, char *buf, size_t len,
			 bool verbose)
{
	static const char *const bk[] = { "0", "good", "loc", "raw" };
	const struct sio_in *in = vin;
	struct kvault_key_seal q;
	size_t off;

	(void)w;
	memcpy(&q, in->bytes, sizeof(q));
	off = bprintf(buf, len, 0, "ioctl %s cmd=%#x arg=%s+%u size=%u blen=%u%s%s slot %u flags=%#x id=%d bank=%#x mask=%#x pin_len=%u values_len=%u blob_len=%u name=\"%.40s\" bufs=%s,%s,%s mutations:%s",
		      s_names[in->op % S_NR], in->cmd, loc_name(in->loc.kind), in->loc.off,
		      q.size, in->blen, in->valid ? " valid" : "", in->own ? " own" : "",
		      in->slot, q.flags, q.id, q.pcr_bank, q.pcr_mask, q.pin_len,
		      q.pcr_values_len, q.blob_len, q.name, bk[in->bkind[0] % 4],
		      bk[in->bkind[1] % 4], bk[in->bkind[2] % 4], in->mut[0] ? in->mut : " none");
	if (verbose) {
		off = bprintf(buf, len, off, "\n  argument bytes (pointers as last run):");
		hexdump(buf, len, off, in->bytes, in->blen, 512);
	}
}

/* Place the buffers and write their addresses into the struct. */
static void place_bufs(struct worker *w, struct sio_in *in, struct kvault_key_seal *q)
{
	static const size_t field[B_NR] = {
		offsetof(struct kvault_key_seal, pin),
		offsetof(struct kvault_key_seal, pcr_values),
		offsetof(struct kvault_key_seal, blob),
	};
	const uint8_t *src[B_NR] = { in->pin, in->values, in->blob };
	unsigned int b;

	for (b = 0; b < B_NR; b++) {
		uint64_t a = 0;
		uint32_t ext = in->bext[b] > SB_MAX ? SB_MAX : in->bext[b];

		switch (in->bkind[b]) {
		case BK_GOOD:
			a = (uintptr_t)w->mem.a[1].base + b_good_off[b];
			break;
		case BK_LOC:
			a = loc_addr(&w->mem.a[1], &in->bloc[b], ext);
			break;
		case BK_RAW:
			a = in->braw[b];
			break;
		}
		if (in->bkind[b] == BK_ZERO)
			continue;
		memcpy((uint8_t *)q + field[b], &a, 8);
		if (in->bkind[b] != BK_RAW && b != B_BLOB)
			mem_place(&w->mem, a, src[b], b == B_PIN ? KVAULT_PIN_MAX : ext);
		else if (in->bkind[b] != BK_RAW && in->op >= S_LOAD)
			mem_place(&w->mem, a, src[b], ext);
	}
}

/* The blob a SEAL wrote, against the key it sealed and the request. */
static void check_sealed_blob(const uint8_t *b, uint32_t len, const struct keys_view *v,
			      const struct kvault_key_seal *q, const uint8_t *values,
			      char *bad, size_t blen)
{
	uint32_t nv, hl, dl;

	if (len < BLOB_FIXED + 2 + BLOB_TAG || memcmp(b, "KVB1", 4) ||
	    be16(b + 4) != KVAULT_BLOB_VERSION) {
		snprintf(bad, blen, "sealed blob of %u bytes: bad magic/version", len);
		return;
	}
	nv = (uint32_t)__builtin_popcount(be32(b + 36)) * be16(b + 34);
	hl = be16(b + 6);
	dl = hl + 2 <= len ? be16(b + hl) : 0;
	if (hl != BLOB_FIXED + nv || hl + 2 + dl + BLOB_TAG != len) {
		snprintf(bad, blen, "sealed blob: header length %u (values %u), TPMKey %u, total %u do not add up",
			 hl, nv, dl, len);
		return;
	}
	if (be32(b + 8) != v->alg || be32(b + 12) != v->len || be32(b + 16) != v->usage ||
	    be32(b + 20) != (v->attrs & (KVAULT_KEY_EXPORTABLE | KVAULT_KEY_IMPORTED)) ||
	    be32(b + 24) != v->version ||
	    be32(b + 28) != (q->flags & KVAULT_SEAL_PIN) ||
	    (q->pcr_bank && (be16(b + 32) != q->pcr_bank || be32(b + 36) != q->pcr_mask)) ||
	    be16(b + 34) != bank_digest(be16(b + 32))) {
		snprintf(bad, blen, "sealed blob header alg %u len %u usage %#x attrs %#x version %u flags %#x bank %#x/%u mask %#x; key alg %u len %u usage %#x attrs %#x version %u, asked flags %#x bank %#x mask %#x",
			 be32(b + 8), be32(b + 12), be32(b + 16), be32(b + 20), be32(b + 24),
			 be32(b + 28), be16(b + 32), be16(b + 34), be32(b + 36), v->alg, v->len,
			 v->usage, v->attrs, v->version, q->flags, q->pcr_bank, q->pcr_mask);
		return;
	}
	if ((q->flags & KVAULT_SEAL_PCR_VALUES) && memcmp(b + BLOB_FIXED, values, nv))
		snprintf(bad, blen, "sealed blob: expected PCR values are not the ones given");
}

/* The documented answers of a request that reached the key / the TPM. */
static void loose_seal(struct expect *e, bool writable_blob)
{
	static const int v[] = { -ENOENT, -ENOKEY, -EKEYREVOKED, -EKEYEXPIRED, -EINVAL,
				 -EIO, -EBUSY };
	size_t i;

	expect_set(e, 0, ST_TPM);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		expect_add(e, v[i]);
	(void)writable_blob;
}

static void sio_exec(struct worker *w, void *vin, void *vout)
{
	struct sio_in *in = vin;
	struct sio_out *o = vout;
	struct seal_model *sm = smodel(w);
	struct kvault_key_seal q, k, got;
	struct keys_view v;
	struct expect *e = &o->ex;
	uint64_t a;
	uint32_t n = 0;
	size_t at;
	bool writable;
	int rc;

	arena_reset(&w->mem.a[0]);
	arena_reset(&w->mem.a[1]);
	mem_check_holes(&w->mem);
	o->indeterminate = w->mem.hole_mapped;
	keys_view(w, in->slot, &v);
	memcpy(&q, in->bytes, sizeof(q));
	if (in->by_id)
		q.id = v.id > 0 ? v.id : 1;
	place_bufs(w, in, &q);
	memcpy(in->bytes, &q, sizeof(q));
	a = loc_addr(&w->mem.a[0], &in->loc, in->blen);
	mem_place(&w->mem, a, in->bytes, in->blen);

	rc = predict_copy_in(&w->mem, a, KS_SIZE, KVAULT_KEY_SEAL_SIZE_VER0, (uint8_t *)&k, &n);
	writable = !rc && mem_writable(&w->mem, a, n);
	if (!rc && common_bad(&k)) {
		rc = -EINVAL;
	} else if (!rc) {
		rc = fields_model(&w->mem, in->op, &k);
		if (!rc) {
			rc = 1;		/* gets to the key, the name or the blob */
		} else if (rc != -EFAULT && rc != -EINVAL && !writable) {
			rc = -EFAULT;	/* the out fields cannot be written back */
		}
	}
	if (rc == 1) {
		if (in->op >= S_LOAD) {
			/* LOAD: a name in use, else the blob (no magic); CHECK: the blob */
			expect_set(e, -EINVAL, ST_HANDLER);
			if (in->op == S_LOAD && in->own && name_check(k.name)) {
				char own[KVAULT_KEY_NAME_MAX + 8];

				keys_name(w, KN_OWN, in->slot, own, sizeof(own));
				if (!strcmp(own, k.name)) {
					if (v.quiet)
						expect_set(e, -EEXIST, ST_HANDLER);
					else if (v.x != KX_ABSENT)
						expect_add(e, -EEXIST);
				}
			}
			/* EINVAL is not written back; EEXIST is */
			if (!writable)
				for (rc = 0; rc < e->n; rc++)
					if (e->v[rc] != -EINVAL)
						e->v[rc] = -EFAULT;
		} else if (!in->own) {
			expect_set(e, writable ? -ENOENT : -EFAULT, ST_HANDLER);
		} else {
			/* a pool key: the TPM, or its state's errors (loosely) */
			o->loose = true;
			loose_seal(e, true);
			if (in->bkind[B_BLOB] == BK_GOOD && k.blob_len < 64)
				expect_add(e, -ENOSPC);
			if (!writable || in->bkind[B_BLOB] != BK_GOOD)
				expect_add(e, -EFAULT);
			if (in->op == S_RESEAL && !(v.attrs & KVAULT_KEY_SEALED) && v.quiet)
				expect_set(e, -EINVAL, ST_HANDLER);
		}
	} else {
		expect_set(e, rc, ST_NONE);
	}

	snap_take(w);
	if (pcr_extend_unsafe(&w->mem, in->cmd, a))
		abort();	/* cannot be: the number is a seal ioctl's */
	o->rc = ioctl(w->devfd, in->cmd, (unsigned long)a) < 0 ? -errno : 0;

	o->back_ok = !o->indeterminate && n && mem_readable(&w->mem, a, n);
	if (o->back_ok) {
		size_t i;

		for (i = 0; i < n && i < sizeof(o->back); i++)
			mem_byte(&w->mem, a + i, &o->back[i]);
		if (leak_scan(o->back, n, &at))
			snprintf(o->bad, sizeof(o->bad), "key material pattern in the reply at byte %zu",
				 at);
	}
	if (!o->indeterminate) {
		uint64_t ba = k.blob;
		size_t bl = in->op <= S_RESEAL && rc == 1 && in->own ? k.blob_len : 0;

		snap_compare(w, a, n, bl ? ba : 0, bl, o->stray, sizeof(o->stray));
	}
	/* a sealed pool key: the model, the blob's header, the leak scan */
	if (in->own && in->op <= S_RESEAL && rc == 1 &&
	    (o->rc == 0 || o->rc == -ENOSPC || (o->rc == -EFAULT && writable))) {
		keys_mark_sealed(w, in->slot);
		if (o->rc == 0 && o->back_ok && n == KS_SIZE) {
			memcpy(&got, o->back, sizeof(got));
			if (!got.blob_len || got.blob_len > KVAULT_BLOB_MAX ||
			    !mem_readable(&w->mem, k.blob, got.blob_len)) {
				snprintf(o->bad, sizeof(o->bad), "sealed: blob_len %u", got.blob_len);
			} else {
				uint8_t *b = sm->blob;
				uint32_t i;

				for (i = 0; i < got.blob_len; i++)
					mem_byte(&w->mem, k.blob + i, &b[i]);
				if (leak_scan(b, got.blob_len, &at))
					snprintf(o->bad, sizeof(o->bad),
						 "key material pattern in the sealed blob at byte %zu", at);
				else if (v.quiet)
					check_sealed_blob(b, got.blob_len, &v, &k, in->values,
							  o->bad, sizeof(o->bad));
				sm->have = !o->bad[0] && v.quiet && be16(b + 32) &&
					   be32(b + 36) && !(be32(b + 36) & 0xffff0000U);
				sm->len = got.blob_len;
				sm->pin_len = k.flags & KVAULT_SEAL_PIN ? k.pin_len : 0;
				memcpy(sm->pin, in->pin, sm->pin_len);
				sm->pin[sm->pin_len] = '\0';
				sm->alg = be32(b + 8);
				sm->klen = be32(b + 12);
				sm->usage = be32(b + 16);
				sm->attrs = be32(b + 20);
				sm->version = be32(b + 24);
				sm->bank = be16(b + 32);
				sm->mask = be32(b + 36);
				/* sealed to values that are not the PCRs': loads fail */
				if (k.flags & KVAULT_SEAL_PCR_VALUES)
					sm->have = false;
			}
		}
	} else if (in->own && in->op <= S_RESEAL && rc == 1 && o->rc != -EIO &&
		   o->rc != -EBUSY && !expect_has(e, o->rc)) {
		keys_mark_unsure(w, in->slot);
	}
}

static void sio_check(struct worker *w, const void *vin, const void *vout, struct opctx *op)
{
	const struct sio_in *in = vin;
	const struct sio_out *o = vout;
	enum fuzz_cmd fc = (enum fuzz_cmd)(FC_KEY_SEAL + in->op);
	bool match = expect_has(&o->ex, o->rc);
	char exp[96], sig[160];

	op->cmd = fc;
	op->result = o->rc;
	fuzz_account(w, fc, o->rc, match && !o->indeterminate ? o->ex.stage : ST_NONE);
	if (o->stray[0])
		fuzz_finding(w, op, "ioctl:seal:stray-write", "%s (result %s)", o->stray,
			     errname(o->rc));
	if (o->bad[0]) {
		snprintf(sig, sizeof(sig), "ioctl:%s:%s", s_names[in->op],
			 strstr(o->bad, "material") ? "leak" : "reply");
		fuzz_finding(w, op, sig, "%s", o->bad);
	}
	if (o->indeterminate || match)
		return;
	expect_str(&o->ex, exp, sizeof(exp));
	snprintf(sig, sizeof(sig), "ioctl:%s:%s:errno:%s!=%s", s_names[in->op],
		 in->own ? "own" : "none", errname(o->rc), exp);
	fuzz_finding(w, op, sig, "ioctl returned %s, the model says %s", errname(o->rc), exp);
}

const struct fuzz_target target_seal_ioctl = {
	.name = "seal-ioctl",
	.weight = { [ROLE_PRIV] = 16 },
	.in_size = sizeof(struct sio_in),
	.out_size = sizeof(struct sio_out),
	.gen = sio_gen,
	.describe = sio_describe,
	.exec = sio_exec,
	.check = sio_check,
};

/* ---- real blobs, mutated --------------------------------------------------------- */

enum { M_NONE, M_FLIP, M_SET, M_FIELD, M_TRUNC, M_EXTEND, M_WRONG_PIN, M_NR };
static const char *const m_names[M_NR] = {
	"intact", "bit-flip", "byte-set", "header-field", "truncated", "extended", "wrong-pin",
};

struct sb_in {
	uint8_t load;		/* LOAD, else CHECK */
	uint8_t how;		/* M_* */
	uint32_t at, arg;	/* where, and what (bit, byte, field value, length) */
	uint32_t seed;		/* extension bytes */
};

struct sb_out {
	int rc;
	struct expect ex;
	bool skipped;
	bool changed;		/* the blob sent differs from the real one */
	uint32_t len;
	int32_t id;
	char bad[300];
};

static void sb_gen(struct worker *w, struct rng *r, void *vin)
{
	static const unsigned int mw[M_NR] = { 22, 24, 14, 16, 8, 8, 3 };
	struct sb_in *in = vin;

	(void)w;
	in->load = rng_pct(r, 60);
	in->how = (uint8_t)rng_weighted(r, mw, M_NR);
	in->at = rng_u32(r);
	in->arg = rng_u32(r);
	in->seed = rng_u32(r);
}

static void sb_describe(struct worker *w, const void *vin, char *buf, size_t len,
			bool verbose)
{
	const struct sb_in *in = vin;

	(void)w;
	(void)verbose;
	bprintf(buf, len, 0, "blob %s of the worker's real blob, %s at %u arg %#x",
		in->load ? "KEY_LOAD" : "KEY_CHECK", m_names[in->how % M_NR], in->at, in->arg);
}

/* Seal one of the worker's quiet enabled keys to get a real blob. */
static void sb_seal(struct worker *w, struct rng *r)
{
	struct sio_in *in = calloc(1, sizeof(*in));
	struct sio_out *o = calloc(1, sizeof(*o));
	struct kvault_key_seal q;
	struct keys_view v;
	unsigned int i;

	if (!in || !o)
		abort();
	for (i = 0; i < KEYS_SLOTS; i++) {
		keys_view(w, i, &v);
		if (v.quiet && v.state == KVAULT_KEY_STATE_ENABLED && !v.revoked)
			break;
	}
	if (i < KEYS_SLOTS && good_bank(r)) {
		memset(&q, 0, sizeof(q));
		q.size = KS_SIZE;
		in->op = S_SEAL;
		in->own = 1;
		in->valid = 1;
		in->slot = (uint8_t)i;
		in->cmd = KVAULT_IOC_KEY_SEAL;
		in->blen = KS_SIZE;
		in->loc.kind = LOC_RW;
		keys_name(w, KN_OWN, i, q.name, sizeof(q.name));
		q.pcr_bank = good_bank(r);
		gen_mask16(r, &q.pcr_mask);
		for (i = 0; i < KVAULT_PIN_MAX; i++)
			in->pin[i] = (uint8_t)rng_range(r, 0x21, 0x7e);
		if (rng_pct(r, 30)) {
			q.flags = KVAULT_SEAL_PIN;
			q.pin_len = rng_range(r, 1, KVAULT_PIN_MAX);
			in->bkind[B_PIN] = BK_GOOD;
			in->bext[B_PIN] = q.pin_len;
		}
		q.blob_len = KVAULT_BLOB_MAX;
		in->bkind[B_BLOB] = BK_GOOD;
		in->bext[B_BLOB] = q.blob_len;
		memcpy(in->bytes, &q, sizeof(q));
		sio_exec(w, in, o);
	}
	free(in);
	free(o);
}

static void sb_exec(struct worker *w, void *vin, void *vout)
{
	struct sb_in *in = vin;
	struct sb_out *o = vout;
	struct seal_model *sm = smodel(w);
	struct kvault_key_seal q, *back;
	uint8_t *blob = (uint8_t *)w->mem.a[1].base + 2048;
	uint8_t *qa;
	struct expect *e = &o->ex;
	uint32_t len = sm->len, i;
	bool pin = sm->pin_len > 0;
	size_t at;

	if (!sm->have) {
		struct rng r;

		rng_for_op(&r, w->seed, w->tid, w->cur_op ^ 0x5ea1ULL);
		sb_seal(w, &r);
		o->skipped = true;
		return;
	}
	arena_reset(&w->mem.a[0]);
	arena_reset(&w->mem.a[1]);
	memcpy(blob, sm->blob, len);
	switch (in->how) {
	case M_FLIP:
		blob[in->at % len] ^= (uint8_t)(1U << (in->arg % 8));
		break;
	case M_SET:
		i = in->at % len;
		blob[i] = (uint8_t)(blob[i] ^ ((in->arg % 255) + 1));
		break;
	case M_FIELD: {
		/* another valid-looking value for alg, len, usage, attrs, version or flags */
		static const uint32_t off[] = { 8, 12, 16, 20, 24, 28 };
		uint32_t f = off[in->at % 6], old = be32(blob + f), nv;

		switch (f) {
		case 8: nv = old == 1 ? 2 : 1; break;
		case 12: nv = old + (in->arg % 2 ? 1 : (uint32_t)-1); break;
		case 16: nv = old ^ (1U << (in->arg % 7)); if (!nv) nv = old | 1; break;
		case 20: nv = old ^ (1U + in->arg % 3); break;
		case 24: nv = old + 1 + in->arg % 5; break;
		default: nv = old ^ KVAULT_SEAL_PIN; break;
		}
		if (nv == old)
			nv = old + 1;
		blob[f] = (uint8_t)(nv >> 24);
		blob[f + 1] = (uint8_t)(nv >> 16);
		blob[f + 2] = (uint8_t)(nv >> 8);
		blob[f + 3] = (uint8_t)nv;
		break;
	}
	case M_TRUNC:
		len = in->at % len;
		if (!len)
			len = 1;
		break;
	case M_EXTEND: {
		struct rng r = { in->seed };
		uint32_t add = 1 + in->arg % (in->arg % 4 ? 64 : KVAULT_BLOB_MAX);

		if (len + add > 2 * 4096 - 2048)
			add = 2 * 4096 - 2048 - len;
		rng_fill(&r, blob + len, add);
		len += add;
		break;
	}
	}
	o->changed = len != sm->len || memcmp(blob, sm->blob, len);
	o->len = len;

	memset(&q, 0, sizeof(q));
	q.size = KS_SIZE;
	q.blob = (uintptr_t)blob;
	q.blob_len = len;
	if (in->load) {
		snprintf(q.name, sizeof(q.name), "fzl-w%u-%llx", w->tid,
			 (unsigned long long)w->cur_op);
		if (pin || in->how == M_WRONG_PIN) {
			uint8_t *p = (uint8_t *)w->mem.a[1].base;

			memcpy(p, sm->pin, sm->pin_len);
			q.pin_len = sm->pin_len ? sm->pin_len : 4;
			if (!sm->pin_len)
				memcpy(p, "nope", 4);
			else if (in->how == M_WRONG_PIN)
				p[in->at % sm->pin_len] = p[in->at % sm->pin_len] == '!' ? '#' : '!';
			q.flags = KVAULT_SEAL_PIN;
			q.pin = (uintptr_t)p;
		}
	}
	qa = (uint8_t *)w->mem.a[0].base + 64;
	memcpy(qa, &q, sizeof(q));

	/* the model: only the intact blob may open; a bad size is refused first */
	if (len > KVAULT_BLOB_MAX || len < BLOB_FIXED + BLOB_TAG) {
		expect_set(e, -EINVAL, ST_HANDLER);
	} else if (!o->changed && in->how != M_WRONG_PIN) {
		expect_set(e, 0, ST_TPM);
		expect_add(e, -EBUSY);		/* a PIN'd blob in DA lockout */
		expect_add(e, -EIO);
	} else if (in->load) {
		static const int v[] = { -EINVAL, -EBADMSG, -EKEYREJECTED, -EACCES, -EBUSY, -EIO };

		expect_set(e, v[0], ST_TPM);
		for (i = 1; i < sizeof(v) / sizeof(v[0]); i++)
			expect_add(e, v[i]);
	} else {
		/* CHECK cannot see the tag (it needs the material): 0 is fine */
		expect_set(e, 0, ST_TPM);
		expect_add(e, -EINVAL);
		expect_add(e, -EBADMSG);
		expect_add(e, -EIO);
	}
	if (!in->load && in->how == M_WRONG_PIN)
		expect_set(e, 0, ST_TPM), expect_add(e, -EIO);

	o->rc = ioctl(w->devfd, in->load ? KVAULT_IOC_KEY_LOAD : KVAULT_IOC_KEY_CHECK,
		      (unsigned long)qa) < 0 ? -errno : 0;
	back = (struct kvault_key_seal *)(void *)qa;
	if (leak_scan(qa, KS_SIZE, &at))
		snprintf(o->bad, sizeof(o->bad), "key material pattern in the reply at byte %zu", at);
	if (o->rc == 0 && (back->pcr_bank != sm->bank || back->pcr_mask != sm->mask) &&
	    !o->changed)
		snprintf(o->bad, sizeof(o->bad), "%s reply: bank %#x mask %#x, the blob's %#x %#x",
			 in->load ? "LOAD" : "CHECK", back->pcr_bank, back->pcr_mask, sm->bank,
			 sm->mask);
	if (!in->load && o->rc == 0 && !o->changed &&
	    !(back->status & KVAULT_SEAL_ST_LOADABLE))
		snprintf(o->bad, sizeof(o->bad), "CHECK of an intact blob: status %#x tpm_rc %#x",
			 back->status, back->tpm_rc);
	if (in->load && o->rc == 0) {
		struct kvault_key_op op;
		long n;
		char *hex;

		o->id = back->id;
		if (o->changed)
			snprintf(o->bad, sizeof(o->bad), "a mutated blob (%s at %u) loaded as key %d",
				 m_names[in->how % M_NR], in->at % (sm->len ? sm->len : 1), back->id);
		memset(&op, 0, sizeof(op));
		op.size = (uint32_t)sizeof(op);
		op.id = back->id;
		if (!o->bad[0] && ioctl(w->devfd, KVAULT_IOC_KEY_INFO, &op) == 0 &&
		    (op.state != KVAULT_KEY_STATE_ENABLED || op.version != sm->version ||
		     op.min_version != sm->version ||
		     (op.attrs & ~KVAULT_KEY_EXPIRED) != (sm->attrs | KVAULT_KEY_SEALED)))
			snprintf(o->bad, sizeof(o->bad), "loaded key: state %u version %u min %u attrs %#x; blob version %u attrs %#x",
				 op.state, op.version, op.min_version, op.attrs, sm->version,
				 sm->attrs);
		/* its blob (keyctl read) is the one loaded */
		hex = malloc(2 * KVAULT_BLOB_MAX + 1);
		if (hex && !o->bad[0]) {
			n = syscall(SYS_keyctl, KEYCTL_READ, back->id, hex, 2 * KVAULT_BLOB_MAX, 0);
			for (i = 0; n == 2 * (long)len && i < len; i++) {
				unsigned int x;

				if (sscanf(hex + 2 * i, "%2x", &x) != 1 || x != blob[i])
					break;
			}
			if (n >= 0 && (n != 2 * (long)len || i != len))
				snprintf(o->bad, sizeof(o->bad), "loaded key's blob (keyctl read, %ld hex digits) is not the blob loaded (%u bytes), differs at %u",
					 n, len, i);
		}
		free(hex);
		/* and gone again */
		memset(&op, 0, sizeof(op));
		op.size = (uint32_t)sizeof(op);
		op.id = back->id;
		ioctl(w->devfd, KVAULT_IOC_KEY_DESTROY, &op);
	}
}

static void sb_check(struct worker *w, const void *vin, const void *vout, struct opctx *op)
{
	const struct sb_in *in = vin;
	const struct sb_out *o = vout;
	enum fuzz_cmd fc = in->load ? FC_BLOB_LOAD : FC_BLOB_CHECK;
	bool match = expect_has(&o->ex, o->rc);
	char exp[96], sig[160];

	op->cmd = fc;
	op->result = o->rc;
	if (o->skipped) {
		fuzz_account(w, fc, FUZZ_HIST_IGNORED, ST_NONE);
		return;
	}
	fuzz_account(w, fc, o->rc, match ? o->ex.stage : ST_NONE);
	if (o->bad[0]) {
		snprintf(sig, sizeof(sig), "blob:%s:%s:%s", in->load ? "LOAD" : "CHECK",
			 m_names[in->how % M_NR], strstr(o->bad, "material") ? "leak" : "reply");
		fuzz_finding(w, op, sig, "%s", o->bad);
	}
	if (match)
		return;
	expect_str(&o->ex, exp, sizeof(exp));
	snprintf(sig, sizeof(sig), "blob:%s:%s:errno:%s!=%s", in->load ? "LOAD" : "CHECK",
		 m_names[in->how % M_NR], errname(o->rc), exp);
	fuzz_finding(w, op, sig, "%s of the real blob (%s, %u bytes) returned %s, the model says %s",
		     in->load ? "LOAD" : "CHECK", m_names[in->how % M_NR], o->len,
		     errname(o->rc), exp);
}

const struct fuzz_target target_seal_blob = {
	.name = "seal-blob",
	.weight = { [ROLE_PRIV] = 6 },
	.in_size = sizeof(struct sb_in),
	.out_size = sizeof(struct sb_out),
	.gen = sb_gen,
	.describe = sb_describe,
	.exec = sb_exec,
	.check = sb_check,
};
