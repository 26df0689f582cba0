// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing keys: the glue between the vault (vault.c), the blob format
 * (blob.c) and the TPM (tpm_seal.c). The rules are in uapi/linux/kvault.h
 * ("Sealing").
 *
 * A key's blob is kept with it (->blob, under ->lock) so that "keyctl
 * pipe" can hand it out and a reseal can default to its policy. Sealing
 * runs with the key's ->lock held, so the material sealed is the version
 * the blob names; the order is ->lock, then the TPM chip's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kvault.h"

/* Set by KVAULT_IOC_PCR_EXTEND: no sealing, loading or resealing after. */
static bool kvault_sealing_locked;

void kvault_seal_lock(void)
{
	WRITE_ONCE(kvault_sealing_locked, true);
}

bool kvault_seal_locked(void)
{
	return READ_ONCE(kvault_sealing_locked);
}

/*
 * KVAULT_IOC_KEY_LOAD creates its key through the keyring core, whose
 * preparse does the unseal; the TPM's refusal comes back to the ioctl
 * through this list of the tasks waiting for one.
 */
static LIST_HEAD(kvault_seal_reports);
static DEFINE_SPINLOCK(kvault_seal_reports_lock);

void kvault_seal_report_begin(struct kvault_seal_report *r)
{
	memset(&r->why, 0, sizeof(r->why));
	r->task = current;
	spin_lock(&kvault_seal_reports_lock);
	list_add(&r->node, &kvault_seal_reports);
	spin_unlock(&kvault_seal_reports_lock);
}

void kvault_seal_report_end(struct kvault_seal_report *r)
{
	spin_lock(&kvault_seal_reports_lock);
	list_del(&r->node);
	spin_unlock(&kvault_seal_reports_lock);
}

/* Hand @why to the ioctl this task is running, if it waits for it. */
static void kvault_seal_report_put(const struct kvault_tpm_refusal *why)
{
	struct kvault_seal_report *r;

	spin_lock(&kvault_seal_reports_lock);
	list_for_each_entry(r, &kvault_seal_reports, node)
		if (r->task == current)
			r->why = *why;
	spin_unlock(&kvault_seal_reports_lock);
}

/* "0,2,7" or "0-7,11": PCRs 0..KVAULT_PCR_COUNT - 1, each at most once. */
static int kvault_parse_pcr_list(char *list, u32 *mask)
{
	char *item;

	*mask = 0;
	while ((item = strsep(&list, ","))) {
		char *dash = strchr(item, '-');
		u32 lo, hi, bits;

		if (dash)
			*dash++ = '\0';
		if (!isdigit(*item) || (item[0] == '0' && item[1]) ||
		    kstrtou32(item, 10, &lo))
			return -EINVAL;
		hi = lo;
		if (dash && (!isdigit(*dash) || (dash[0] == '0' && dash[1]) ||
			     kstrtou32(dash, 10, &hi)))
			return -EINVAL;
		if (lo > hi || hi >= KVAULT_PCR_COUNT)
			return -EINVAL;
		bits = GENMASK(hi, lo);
		if (*mask & bits)
			return -EINVAL;
		*mask |= bits;
	}
	return 0;
}

/**
 * kvault_parse_seal_option() - parse one sealing option of a payload
 * @opt: "pcrs=BANK:LIST", "pcrvalues=HEX" or "pin=PIN"
 * @p:   where it goes
 *
 * Return: 0; -ENOENT if @opt is no sealing option; -EINVAL if it is a bad
 * or repeated one.
 */
int kvault_parse_seal_option(char *opt, struct kvault_key_params *p)
{
	const struct kvault_bank_info *bank;
	char *colon;

	if (!strncmp(opt, "pcrs=", 5)) {
		if (p->pol.bank)
			return -EINVAL;
		colon = strchr(opt + 5, ':');
		if (!colon)
			return -EINVAL;
		*colon = '\0';
		bank = kvault_bank_by_name(opt + 5);
		if (!bank || kvault_parse_pcr_list(colon + 1, &p->pol.mask))
			return -EINVAL;
		p->pol.bank = bank->bank;
		p->pol.digest_size = bank->size;
		return 0;
	}
	if (!strncmp(opt, "pcrvalues=", 10)) {
		size_t n = strlen(opt + 10);

		if ((p->seal_flags & KVAULT_SEAL_PCR_VALUES) || !n || n % 2 ||
		    n > 2 * sizeof(p->pol.values) ||
		    hex2bin(p->pol.values, opt + 10, n / 2))
			return -EINVAL;
		p->pcr_values_len = n / 2;
		p->seal_flags |= KVAULT_SEAL_PCR_VALUES;
		return 0;
	}
	if (!strncmp(opt, "pin=", 4)) {
		size_t n = strlen(opt + 4);

		if ((p->seal_flags & KVAULT_SEAL_PIN) || !n ||
		    n > KVAULT_PIN_MAX)
			return -EINVAL;
		memcpy(p->pin, opt + 4, n);
		p->pin_len = n;
		p->seal_flags |= KVAULT_SEAL_PIN;
		return 0;
	}
	return -ENOENT;
}

/*
 * Check the sealing options against the payload's kind: "load" takes only
 * a PIN; "new" and "import" seal when they name PCRs, and take values and
 * a PIN only then; "update" may leave the PCR set to the key's blob.
 */
int kvault_seal_params_check(struct kvault_key_params *p)
{
	bool pcrs = p->pol.bank;

	switch (p->kind) {
	case KVAULT_PAYLOAD_LOAD:
		return pcrs || (p->seal_flags & KVAULT_SEAL_PCR_VALUES) ?
		       -EINVAL : 0;
	case KVAULT_PAYLOAD_UPDATE:
		break;
	default:
		if (!pcrs && p->seal_flags)
			return -EINVAL;
		p->seal = pcrs;
	}
	if (pcrs && (p->seal_flags & KVAULT_SEAL_PCR_VALUES) &&
	    p->pcr_values_len != hweight32(p->pol.mask) * p->pol.digest_size)
		return -EINVAL;
	return 0;
}

/**
 * kvault_seal_unseal() - open a "load" payload's blob
 * @p:   the parsed payload; on success its key fields and material are
 *       filled in from the blob (the caller wipes @p)
 * @why: why the TPM refused, if it did
 *
 * Return: 0; EPERM after the boot lock; EINVAL for a malformed blob or a
 * PIN given to a blob without one; EACCES when a PIN is needed and not
 * given; otherwise kvault_tpm_unseal()'s errors, and EBADMSG when the
 * blob fails its checks.
 */
int kvault_seal_unseal(struct kvault_key_params *p,
		       struct kvault_tpm_refusal *why)
{
	struct kvault_blob_meta *m;
	u32 len = sizeof(p->material);
	int rc;

	if (kvault_seal_locked())
		return -EPERM;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	rc = kvault_blob_parse(p->blob, p->blob_len, m);
	if (rc) {
		pr_debug("load: the blob is %s\n",
			 rc == -EBADMSG ? "inconsistent" : "malformed");
		goto out;
	}
	if (m->flags & KVAULT_SEAL_PIN)
		why->status |= KVAULT_SEAL_ST_PIN;
	if (!(m->flags & KVAULT_SEAL_PIN) != !p->pin_len) {
		rc = p->pin_len ? -EINVAL : -EACCES;
		goto out;
	}
	rc = kvault_tpm_unseal(&m->pol, p->pin, p->pin_len, &m->obj,
			       p->material, &len, why, NULL);
	if (rc)
		goto out;
	if (len != m->len ||
	    kvault_blob_verify(p->blob, p->blob_len, p->material, len)) {
		pr_notice_ratelimited("load: a blob's header does not match its sealed key; refused\n");
		memzero_explicit(p->material, sizeof(p->material));
		rc = -EBADMSG;
		goto out;
	}
	p->alg = m->alg;
	p->len = m->len;
	p->usage = m->usage;
	p->attrs = m->attrs;
	p->version = m->version;
	p->import = true;
	why->status |= KVAULT_SEAL_ST_LOADABLE | KVAULT_SEAL_ST_WOULD_UNSEAL;
out:
	kvault_seal_report_put(why);
	kfree(m);
	return rc;
}

struct kvault_seal_ctx {
	const struct kvault_key_params *p;
	struct kvault_pcr_policy *pol;
	struct kvault_blob_meta *m;
};

/* With ->lock held: seal @material and make the result the key's blob. */
static int kvault_seal_locked_material(struct kvault_key *kk,
				       const u8 *material, void *arg)
{
	struct kvault_seal_ctx *ctx = arg;
	struct kvault_blob_meta *m = ctx->m;
	u8 *blob;
	u32 len;
	int rc;

	m->alg = kk->alg;
	m->len = kk->len;
	m->usage = kk->usage;
	m->attrs = kk->attrs & (KVAULT_KEY_EXPORTABLE | KVAULT_KEY_IMPORTED);
	m->version = kk->version;
	m->flags = ctx->p->seal_flags & KVAULT_SEAL_PIN;
	m->pol = *ctx->pol;
	rc = kvault_tpm_seal(&m->pol, ctx->p->pin, ctx->p->pin_len, material,
			     kk->len, &m->obj, NULL);
	if (rc)
		return rc;
	rc = kvault_blob_build(m, material, &blob, &len);
	if (rc)
		return rc;
	kfree(kk->blob);
	kk->blob = blob;
	kk->blob_len = len;
	WRITE_ONCE(kk->attrs, kk->attrs | KVAULT_KEY_SEALED);
	if (kk->id)
		kvault_event(kk, KVAULT_EVENT_SEALED, true);
	return 0;
}

/* The PCR set a reseal keeps: the one in the key's blob. */
static int kvault_seal_current_set(struct kvault_key *kk,
				   struct kvault_pcr_policy *pol,
				   struct kvault_blob_meta *m)
{
	int rc = -EINVAL;

	mutex_lock(&kk->lock);
	if (kk->blob)
		rc = kvault_blob_parse(kk->blob, kk->blob_len, m);
	mutex_unlock(&kk->lock);
	if (rc)
		return rc;
	pol->bank = m->pol.bank;
	pol->digest_size = m->pol.digest_size;
	pol->mask = m->pol.mask;
	return 0;
}

/**
 * kvault_seal_key() - seal (or reseal) a key's current version
 * @kk: the key: reserved by this task's preparse, or enabled
 * @p:  the policy: @p->pol's bank and mask (0: keep the blob's set),
 *      the expected values if KVAULT_SEAL_PCR_VALUES (else the current
 *      ones), the PIN if KVAULT_SEAL_PIN
 *
 * Return: 0; EPERM after the boot lock; EINVAL for a bad policy (or none,
 * for a key not sealed yet); the key's state errors; the TPM's errors.
 */
int kvault_seal_key(struct kvault_key *kk, const struct kvault_key_params *p)
{
	struct kvault_seal_ctx ctx = { .p = p };
	const struct kvault_bank_info *bank;
	struct kvault_version *v;
	int rc;

	if (kvault_seal_locked())
		return -EPERM;
	ctx.pol = kzalloc(sizeof(*ctx.pol), GFP_KERNEL);
	ctx.m = kzalloc(sizeof(*ctx.m), GFP_KERNEL);
	rc = -ENOMEM;
	if (!ctx.pol || !ctx.m)
		goto out;

	*ctx.pol = p->pol;
	if (!p->pol.bank) {
		rc = kvault_seal_current_set(kk, ctx.pol, ctx.m);
		if (rc)
			goto out;
	}
	rc = -EINVAL;
	bank = kvault_bank_info(ctx.pol->bank);
	if (!bank || bank->size != ctx.pol->digest_size ||
	    !ctx.pol->mask || (ctx.pol->mask & ~KVAULT_PCR_MASK_ALL))
		goto out;
	if (p->seal_flags & KVAULT_SEAL_PCR_VALUES) {
		if (p->pcr_values_len != hweight32(ctx.pol->mask) *
					 ctx.pol->digest_size)
			goto out;
		memcpy(ctx.pol->values, p->pol.values, p->pcr_values_len);
	} else {
		rc = kvault_tpm_policy_current(ctx.pol, NULL);
		if (rc)
			goto out;
	}

	if (READ_ONCE(kk->id)) {
		rc = kvault_key_with_material(kk, kvault_seal_locked_material,
					      &ctx);
	} else {
		/* reserved by our own preparse: no one else can see it yet */
		mutex_lock(&kk->lock);
		v = list_first_entry(&kk->versions, struct kvault_version, node);
		rc = kvault_seal_locked_material(kk, v->material, &ctx);
		mutex_unlock(&kk->lock);
	}
out:
	kfree(ctx.pol);
	kfree(ctx.m);
	return rc;
}

/* keyctl read: the blob in lower-case hex, or EOPNOTSUPP if not sealed. */
long kvault_seal_read(struct kvault_key *kk, char *buffer, size_t buflen)
{
	long n;

	mutex_lock(&kk->lock);
	if (!kk->blob) {
		n = -EOPNOTSUPP;
	} else {
		n = 2 * kk->blob_len;
		if (buffer && buflen >= n)
			bin2hex(buffer, kk->blob, kk->blob_len);
	}
	mutex_unlock(&kk->lock);
	return n;
}
