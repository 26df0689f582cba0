// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing with TPM 2.0: the command sequences behind kvault_tpm_seal(),
 * _unseal(), _check() and the PCR policy they bind to. Each runs with the
 * chip's ops lock held for the whole sequence (and kvault_srk_mutex, which
 * guards the cached SRK), flushes every transient object and session it
 * made on every path, and sends the material and the PIN only inside a
 * session salted to the SRK (tpm_session.c):
 *
 *   seal:   [ReadPublic 0x81000001] [CreatePrimary, once], StartAuthSession
 *           (HMAC, salted), Create (sensitive encrypted)
 *   unseal: Load, StartAuthSession (policy, salted), PolicyPCR,
 *           [PolicyAuthValue], Unseal (response encrypted), FlushContext
 *   check:  Load, FlushContext, PCR_Read, GetCapability
 *
 * The SRK is the TCG provisioning guidance's ECC P-256 template, with the
 * empty unique field systemd uses, so the primary kvault creates is the
 * very key systemd-tpm2-setup would persist. A key persisted at 0x81000001
 * that matches the template (whatever its unique field) is used instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/tpm.h>
#include <net/netlink.h>

#include "tpm_cmd.h"

/*
 * The SRK template up to its unique field (TCG EK Credential Profile
 * template L-2 with the provisioning guidance's changes).
 */
static const u8 kvault_srk_template[] = {
	0x00, 0x23,			/* type: ECC */
	0x00, 0x0B,			/* nameAlg: SHA-256 */
	0x00, 0x03, 0x04, 0x72,		/* fixedTPM, fixedParent, sensitive-
					 * DataOrigin, userWithAuth, noDA,
					 * restricted, decrypt
					 */
	0x00, 0x00,			/* authPolicy: empty */
	0x00, 0x06, 0x00, 0x80, 0x00, 0x43,	/* symmetric: AES-128-CFB */
	0x00, 0x10,			/* scheme: NULL */
	0x00, 0x03,			/* curveID: NIST P-256 */
	0x00, 0x10,			/* kdf: NULL */
};

/* A storage key kvault seals under: its handle, name and public point. */
struct kvault_srk {
	u32 handle;			/* 0: not known */
	struct kvault_name name;
	u8 x[KVAULT_ECC_BYTES];
	u8 y[KVAULT_ECC_BYTES];
};

/* Serialises the sealing sequences; guards the two SRKs below. */
static DEFINE_MUTEX(kvault_srk_mutex);
static struct kvault_srk kvault_srk_created;	/* from the template */
static struct kvault_srk kvault_srk_persistent;	/* 0x81000001 */

/* Internal: the SRK was stale and is forgotten; try the sequence again. */
#define KVAULT_SRK_RETRY	(-ESTALE)

static int kvault_policy_check(const struct kvault_pcr_policy *pol,
			       struct netlink_ext_ack *extack)
{
	const struct kvault_bank_info *bank = kvault_bank_info(pol->bank);

	if (!pol->mask || (pol->mask & ~KVAULT_PCR_MASK_ALL)) {
		NL_SET_ERR_MSG(extack, "PCR selection empty or out of range (0-23)");
		return -EINVAL;
	}
	if (!bank) {
		NL_SET_ERR_MSG(extack, "PCR bank must be sha1, sha256, sha384 or sha512");
		return -EINVAL;
	}
	if (pol->digest_size != bank->size) {
		NL_SET_ERR_MSG(extack, "PCR values do not have the bank's digest size");
		return -EINVAL;
	}
	return 0;
}

/* TPML_PCR_SELECTION with one bank and a 3-byte map, as tpm2-tools sends. */
static void kvault_w_pcr_selection(struct kvault_w *w,
				   const struct kvault_pcr_policy *pol)
{
	kvault_w_u32(w, 1);
	kvault_w_u16(w, pol->bank);
	kvault_w_u8(w, 3);
	kvault_w_u8(w, pol->mask);
	kvault_w_u8(w, pol->mask >> 8);
	kvault_w_u8(w, pol->mask >> 16);
}

/* PolicyPCR's pcrDigest: SHA-256 of the expected values, in PCR order. */
static void kvault_pcr_digest(const struct kvault_pcr_policy *pol,
			      u8 out[SHA256_DIGEST_SIZE])
{
	u32 n = hweight32(pol->mask & KVAULT_PCR_MASK_ALL) * pol->digest_size;

	sha256(pol->values, min_t(u32, n, sizeof(pol->values)), out);
}

/**
 * kvault_tpm_policy_digest() - the authPolicy of an object sealed to @pol
 * @pol:    the PCR policy
 * @pin:    whether the object also needs its authValue (a PIN)
 * @digest: receives the SHA-256 policy digest
 *
 * A trial session in software (TPM 2.0 Part 3, 23.7 and 23.18):
 * PolicyPCR, then PolicyAuthValue with a PIN. It equals what tpm2_policypcr
 * computes for the same PCR set and values.
 */
void kvault_tpm_policy_digest(const struct kvault_pcr_policy *pol, bool pin,
			      u8 digest[32])
{
	u8 sel[10], pcr_digest[SHA256_DIGEST_SIZE], cc[4];
	struct sha256_state s;
	struct kvault_w w;

	kvault_w_init(&w, sel, sizeof(sel));
	kvault_w_pcr_selection(&w, pol);
	kvault_pcr_digest(pol, pcr_digest);

	memset(digest, 0, SHA256_DIGEST_SIZE);
	put_unaligned_be32(KVAULT_CC_POLICY_PCR, cc);
	sha256_init(&s);
	sha256_update(&s, digest, SHA256_DIGEST_SIZE);
	sha256_update(&s, cc, sizeof(cc));
	sha256_update(&s, sel, w.len);
	sha256_update(&s, pcr_digest, sizeof(pcr_digest));
	sha256_final(&s, digest);
	if (pin) {
		put_unaligned_be32(KVAULT_CC_POLICY_AUTH_VALUE, cc);
		sha256_init(&s);
		sha256_update(&s, digest, SHA256_DIGEST_SIZE);
		sha256_update(&s, cc, sizeof(cc));
		sha256_final(&s, digest);
	}
}

/**
 * kvault_tpm_policy_current() - fill a policy's values from the PCRs now
 * @pol:    in: @bank and @mask; out: @digest_size and @values
 * @extack: where to put a reason on failure (may be NULL)
 *
 * Return: 0; -EINVAL for a bad selection or a bank the TPM has not
 * allocated; -ENODEV without a TPM 2.0; -EIO if the TPM failed.
 */
int kvault_tpm_policy_current(struct kvault_pcr_policy *pol,
			      struct netlink_ext_ack *extack)
{
	struct kvault_pcr_values *cur;
	int rc;

	if (!pol->mask || (pol->mask & ~KVAULT_PCR_MASK_ALL)) {
		NL_SET_ERR_MSG(extack, "PCR selection empty or out of range (0-23)");
		return -EINVAL;
	}
	cur = kzalloc(sizeof(*cur), GFP_KERNEL);
	if (!cur)
		return -ENOMEM;
	rc = kvault_tpm_pcr_read(pol->bank, pol->mask, cur, extack);
	if (!rc) {
		pol->digest_size = cur->digest_size;
		memcpy(pol->values, cur->digests,
		       hweight32(pol->mask) * cur->digest_size);
	}
	kfree(cur);
	return rc;
}

/* --- a sequence: the seal lock, the chip, the buffers ------------------ */

static int kvault_seal_begin(struct kvault_seq *seq,
			     struct netlink_ext_ack *extack)
{
	struct tpm_chip *chip;
	int rc;

	memset(seq, 0, sizeof(*seq));
	seq->extack = extack;
	if (mutex_lock_killable(&kvault_srk_mutex))
		return -EINTR;
	chip = kvault_tpm_get(extack);
	if (IS_ERR(chip)) {
		rc = PTR_ERR(chip);
		goto err_unlock;
	}
	seq->chip = chip;
	seq->scratch = kzalloc(KVAULT_SCRATCH_SIZE, GFP_KERNEL);
	rc = seq->scratch ? tpm_buf_init(&seq->buf, KVAULT_ST_NO_SESSIONS, 0) :
			    -ENOMEM;
	if (rc)
		goto err_put;
	return 0;

err_put:
	kfree(seq->scratch);
	kvault_tpm_put(chip);
err_unlock:
	mutex_unlock(&kvault_srk_mutex);
	return rc;
}

/* Wipe both buffers (plaintext parameters, decrypted responses). */
static void kvault_seal_end(struct kvault_seq *seq, int rc)
{
	if (seq->dead && rc == -EIO) {
		if (seq->transport_rc == -ETIME)
			NL_SET_ERR_MSG(seq->extack, "TPM did not answer in time");
		else if (seq->transport_rc == -ENODEV)
			NL_SET_ERR_MSG(seq->extack, "the TPM failed or is gone");
		else
			NL_SET_ERR_MSG(seq->extack, "TPM command failed in transport");
	}
	memzero_explicit(seq->buf.data, PAGE_SIZE);
	tpm_buf_destroy(&seq->buf);
	kfree_sensitive(seq->scratch);
	kvault_tpm_put(seq->chip);
	mutex_unlock(&kvault_srk_mutex);
}

/*
 * A TPM refusal that nothing more specific explains: EIO, or EBUSY for a
 * dictionary-attack lockout. Transport failures pass through.
 */
static int kvault_refused(struct kvault_seq *seq, int rc, const char *cmd)
{
	if (rc <= 0)
		return rc;
	pr_notice_ratelimited("%s refused: TPM rc %#x\n", cmd, rc);
	if (rc == KVAULT_RC_LOCKOUT) {
		NL_SET_ERR_MSG(seq->extack,
			       "the TPM is in dictionary-attack lockout");
		return -EBUSY;
	}
	if (rc == KVAULT_RC_OBJECT_MEMORY || rc == KVAULT_RC_SESSION_MEMORY)
		NL_SET_ERR_MSG(seq->extack,
			       "the TPM has no room for another object or session");
	else
		NL_SET_ERR_MSG(seq->extack,
			       "the TPM refused a sealing command (tpm_rc says why)");
	return -EIO;
}

/* --- the SRK ----------------------------------------------------------- */

/*
 * Parse a TPM2B_PUBLIC that should be the SRK's: -ENOENT if it is not the
 * template's key (a different key at 0x81000001), -EIO if malformed.
 */
static int kvault_srk_parse(struct kvault_rsp *rsp, struct kvault_srk *srk)
{
	struct kvault_rsp pub;
	const u8 *area, *head, *x, *y;
	u16 len, x_len, y_len;

	area = kvault_rsp_tpm2b(rsp, &len);
	if (!area)
		return -EIO;
	pub.pos = area;
	pub.left = len;
	pub.bad = false;
	head = kvault_rsp_bytes(&pub, sizeof(kvault_srk_template));
	if (!head || memcmp(head, kvault_srk_template,
			    sizeof(kvault_srk_template)))
		return -ENOENT;
	x = kvault_rsp_tpm2b(&pub, &x_len);
	y = kvault_rsp_tpm2b(&pub, &y_len);
	if (!x || !y || pub.left || x_len != KVAULT_ECC_BYTES ||
	    y_len != KVAULT_ECC_BYTES)
		return -EIO;
	memcpy(srk->x, x, KVAULT_ECC_BYTES);
	memcpy(srk->y, y, KVAULT_ECC_BYTES);
	kvault_name_of_public(area, len, &srk->name);
	return 0;
}

/*
 * TPM2_ReadPublic of a key that should be an SRK. Return: 0; the TPM's
 * response code (TPM_RC_HANDLE: no such key); -ENOENT: not the template's
 * key; -EIO.
 */
static int kvault_srk_read(struct kvault_seq *seq, u32 handle,
			   struct kvault_srk *srk)
{
	struct kvault_rsp rsp;
	int rc;

	tpm_buf_reset(&seq->buf, KVAULT_ST_NO_SESSIONS, KVAULT_CC_READ_PUBLIC);
	tpm_buf_append_u32(&seq->buf, handle);
	rc = kvault_seq_send(seq, 0);
	if (rc)
		return rc;
	kvault_rsp_init(&rsp, &seq->buf);
	rc = kvault_srk_parse(&rsp, srk);
	if (rc == -EIO)
		NL_SET_ERR_MSG(seq->extack, "malformed TPM2_ReadPublic response");
	srk->handle = rc ? 0 : handle;
	return rc;
}

/* TPM2_CreatePrimary of the SRK template in the owner hierarchy. */
static int kvault_srk_create(struct kvault_seq *seq, struct kvault_srk *srk)
{
	u32 owner = KVAULT_RH_OWNER, handle = 0;
	struct kvault_rsp rsp;
	struct kvault_w w;
	int rc;

	kvault_w_init(&w, seq->scratch, KVAULT_SCRATCH_SIZE);
	kvault_w_u16(&w, 4);		/* inSensitive: no authValue, no data */
	kvault_w_u16(&w, 0);
	kvault_w_u16(&w, 0);
	kvault_w_u16(&w, sizeof(kvault_srk_template) + 4);	/* inPublic */
	kvault_w_bytes(&w, kvault_srk_template, sizeof(kvault_srk_template));
	kvault_w_u16(&w, 0);		/* unique: empty x and y, as systemd */
	kvault_w_u16(&w, 0);
	kvault_w_u16(&w, 0);		/* outsideInfo */
	kvault_w_u32(&w, 0);		/* creationPCR */
	rc = kvault_auth_cmd(seq, NULL, KVAULT_CC_CREATE_PRIMARY, &owner, NULL,
			     1, seq->scratch, w.len, &handle, &rsp);
	if (rc > 0) {
		u32 base = kvault_rc_base(rc);

		pr_notice_ratelimited("TPM2_CreatePrimary refused: TPM rc %#x\n",
				      rc);
		if (base == KVAULT_RC_AUTH_FAIL || base == KVAULT_RC_BAD_AUTH) {
			NL_SET_ERR_MSG(seq->extack,
				       "the owner hierarchy has a password: provision an SRK at 0x81000001");
			return -EIO;
		}
		return kvault_refused(seq, rc, "TPM2_CreatePrimary");
	}
	if (rc)
		return rc;
	rc = kvault_srk_parse(&rsp, srk);
	if (rc) {
		kvault_seq_flush(seq, handle);
		NL_SET_ERR_MSG(seq->extack,
			       "TPM2_CreatePrimary gave an unexpected key");
		return -EIO;
	}
	srk->handle = handle;
	pr_debug("created the SRK at %#x\n", handle);
	return 0;
}

/*
 * The SRK a blob's @parent names, read or created on first use. Return: 0;
 * for KVAULT_SRK_PERSISTENT, -ENOENT if 0x81000001 is absent or not the
 * template's key; other TPM refusals as errnos.
 */
static int kvault_srk_get(struct kvault_seq *seq, u32 parent,
			  struct kvault_srk **out)
{
	struct kvault_srk *srk;
	int rc = 0;

	if (parent == KVAULT_SRK_PERSISTENT) {
		srk = &kvault_srk_persistent;
		if (!srk->handle)
			rc = kvault_srk_read(seq, KVAULT_SRK_PERSISTENT, srk);
		if (rc > 0 && kvault_rc_gone(rc))
			rc = -ENOENT;
		else if (rc > 0)
			rc = kvault_refused(seq, rc, "TPM2_ReadPublic");
	} else {
		srk = &kvault_srk_created;
		if (!srk->handle)
			rc = kvault_srk_create(seq, srk);
	}
	if (rc)
		memzero_explicit(srk, sizeof(*srk));
	*out = srk;
	return rc;
}

/*
 * After a failure that a stale SRK would explain (flushed by someone, its
 * handle now someone else's object, 0x81000001 evicted or replaced),
 * check it: forget it if it is gone or changed. True if forgotten, so the
 * caller may try its sequence once more.
 */
static bool kvault_srk_stale(struct kvault_seq *seq, struct kvault_srk *srk,
			     int tpm_rc)
{
	struct kvault_srk now = { 0 };
	bool stale;
	int rc;

	if (seq->dead || !srk->handle)
		return false;
	if (kvault_rc_gone(tpm_rc)) {
		stale = true;
	} else {
		rc = kvault_srk_read(seq, srk->handle, &now);
		if (rc < 0 && rc != -ENOENT)
			return false;
		stale = rc || now.name.len != srk->name.len ||
			memcmp(now.name.b, srk->name.b, srk->name.len);
	}
	if (stale) {
		pr_notice_ratelimited("the SRK at %#x is gone or changed; looking for it again\n",
				      srk->handle);
		memzero_explicit(srk, sizeof(*srk));
	}
	return stale;
}

/* --- the sealed object ------------------------------------------------- */

/*
 * Check a blob's TPM object before sending it anywhere: well-formed
 * TPM2B_PUBLIC/PRIVATE, a keyedhash sealed-data object that only its
 * policy can open, whose authPolicy is @pol's (with or without a PIN).
 * Gives the object's name.
 */
static int kvault_object_check(const struct kvault_pcr_policy *pol, bool pin,
			       const struct kvault_tpm_object *obj,
			       struct kvault_name *name,
			       struct netlink_ext_ack *extack)
{
	u8 want[SHA256_DIGEST_SIZE];
	const u8 *policy;
	struct kvault_rsp p;
	u16 policy_len, unique_len;
	u32 attrs;

	if (obj->pub_len < 2 || obj->pub_len > KVAULT_TPM_PUB_MAX ||
	    get_unaligned_be16(obj->pub) != obj->pub_len - 2 ||
	    obj->priv_len < 2 || obj->priv_len > KVAULT_TPM_PRIV_MAX ||
	    get_unaligned_be16(obj->priv) != obj->priv_len - 2 ||
	    (obj->parent != KVAULT_SRK_PERSISTENT &&
	     obj->parent != KVAULT_SRK_TEMPLATE)) {
		NL_SET_ERR_MSG(extack, "malformed TPM object in the blob");
		return -EBADMSG;
	}
	p.pos = obj->pub + 2;
	p.left = obj->pub_len - 2;
	p.bad = false;
	if (kvault_rsp_u16(&p) != KVAULT_ALG_KEYEDHASH ||
	    kvault_rsp_u16(&p) != KVAULT_TPM_ALG_SHA256)
		p.bad = true;
	attrs = kvault_rsp_u32(&p);
	policy = kvault_rsp_tpm2b(&p, &policy_len);
	if (kvault_rsp_u16(&p) != KVAULT_ALG_NULL)
		p.bad = true;
	kvault_rsp_tpm2b(&p, &unique_len);
	if (p.bad || p.left || policy_len != SHA256_DIGEST_SIZE ||
	    (attrs & KVAULT_OA_USER_WITH_AUTH) ||
	    (attrs & (KVAULT_OA_FIXED_TPM | KVAULT_OA_FIXED_PARENT)) !=
	    (KVAULT_OA_FIXED_TPM | KVAULT_OA_FIXED_PARENT)) {
		NL_SET_ERR_MSG(extack, "the blob's TPM object is not a kvault sealed object");
		return -EBADMSG;
	}
	kvault_tpm_policy_digest(pol, pin, want);
	if (memcmp(want, policy, SHA256_DIGEST_SIZE)) {
		NL_SET_ERR_MSG(extack, "the blob's policy does not match its TPM object");
		return -EBADMSG;
	}
	kvault_name_of_public(obj->pub + 2, obj->pub_len - 2, name);
	return 0;
}

/* PCRs of @pol whose current value differs from the expected one. */
static int kvault_pcr_mismatch(struct kvault_seq *seq,
			       const struct kvault_pcr_policy *pol,
			       u32 *mismatch)
{
	struct kvault_pcr_values *cur;
	u32 i, k = 0;
	int rc;

	*mismatch = 0;
	if (seq->dead)
		return -EIO;
	cur = kzalloc(sizeof(*cur), GFP_KERNEL);
	if (!cur)
		return -ENOMEM;
	rc = kvault_tpm_pcr_read_locked(seq->chip, pol->bank, pol->mask, cur,
					NULL);
	if (!rc && cur->digest_size != pol->digest_size)
		rc = -EINVAL;
	for (i = 0; !rc && i < KVAULT_PCR_COUNT; i++) {
		if (!(pol->mask & BIT(i)))
			continue;
		if (memcmp(cur->digests + k * pol->digest_size,
			   pol->values + k * pol->digest_size,
			   pol->digest_size))
			*mismatch |= BIT(i);
		k++;
	}
	kfree(cur);
	return rc;
}

/*
 * The dictionary-attack state (TPM2_GetCapability of TPM_PT_PERMANENT to
 * TPM_PT_LOCKOUT_INTERVAL): whether the TPM is in lockout, and how long it
 * stays there, at most: the failures above the limit times the interval
 * (0 without an interval: until the lockout authority clears it).
 */
static int kvault_da_state(struct kvault_seq *seq, bool *lockout,
			   u32 *seconds)
{
	u32 next = KVAULT_PT_PERMANENT, permanent = 0, counter = 0;
	u32 max_fail = 0, interval = 0, prop = 0, value, count, i;
	struct tpm_buf *buf = &seq->buf;
	struct kvault_rsp rsp;
	int attempts, rc;
	u64 t;
	u8 more;

	for (attempts = 0; attempts < 4 &&
	     next <= KVAULT_PT_LOCKOUT_INTERVAL; attempts++) {
		tpm_buf_reset(buf, KVAULT_ST_NO_SESSIONS,
			      KVAULT_CC_GET_CAPABILITY);
		tpm_buf_append_u32(buf, KVAULT_CAP_TPM_PROPERTIES);
		tpm_buf_append_u32(buf, next);
		tpm_buf_append_u32(buf, KVAULT_PT_LOCKOUT_INTERVAL - next + 1);
		rc = kvault_seq_send(seq, 9);
		if (rc)
			return kvault_refused(seq, rc, "TPM2_GetCapability");
		kvault_rsp_init(&rsp, buf);
		more = kvault_rsp_u8(&rsp);
		if (kvault_rsp_u32(&rsp) != KVAULT_CAP_TPM_PROPERTIES)
			rsp.bad = true;
		count = kvault_rsp_u32(&rsp);
		for (i = 0; i < count && !rsp.bad; i++) {
			prop = kvault_rsp_u32(&rsp);
			value = kvault_rsp_u32(&rsp);
			if (prop == KVAULT_PT_PERMANENT)
				permanent = value;
			else if (prop == KVAULT_PT_LOCKOUT_COUNTER)
				counter = value;
			else if (prop == KVAULT_PT_MAX_AUTH_FAIL)
				max_fail = value;
			else if (prop == KVAULT_PT_LOCKOUT_INTERVAL)
				interval = value;
		}
		if (rsp.bad || !count || prop < next) {
			NL_SET_ERR_MSG(seq->extack,
				       "malformed TPM2_GetCapability response");
			return -EIO;
		}
		next = prop + 1;
		if (!more)
			break;
	}
	*lockout = permanent & KVAULT_PERMANENT_IN_LOCKOUT;
	t = 0;
	if (*lockout && interval && max_fail)
		t = (u64)(counter >= max_fail ? counter - max_fail + 1 : 1) *
		    interval;
	*seconds = min_t(u64, t, U32_MAX);
	return 0;
}

/* Refusal of a PolicyPCR or Unseal over PCRs: say which ones differ. */
static int kvault_pcr_refused(struct kvault_seq *seq,
			      const struct kvault_pcr_policy *pol,
			      struct kvault_tpm_refusal *why)
{
	int rc = kvault_pcr_mismatch(seq, pol, &why->pcr_mismatch);

	if (rc && seq->dead)
		return rc;
	if (!rc && !why->pcr_mismatch) {
		/* They matched by the time we looked: they changed under us. */
		NL_SET_ERR_MSG(seq->extack,
			       "the PCRs changed during the unseal; try again");
		return -EIO;
	}
	pr_notice_ratelimited("unseal refused: PCRs %#x differ from the policy\n",
			      why->pcr_mismatch);
	NL_SET_ERR_MSG(seq->extack,
		       "the PCRs do not hold the policy's values (pcr_mismatch says which)");
	return -EKEYREJECTED;
}

static int kvault_lockout_refused(struct kvault_seq *seq,
				  struct kvault_tpm_refusal *why)
{
	bool lockout;

	why->status |= KVAULT_SEAL_ST_LOCKOUT;
	if (!kvault_da_state(seq, &lockout, &why->lockout_seconds))
		pr_notice_ratelimited("unseal refused: TPM in dictionary-attack lockout for up to %u s\n",
				      why->lockout_seconds);
	NL_SET_ERR_MSG(seq->extack,
		       "the TPM is in dictionary-attack lockout (lockout_seconds says how long)");
	return -EBUSY;
}

/*
 * TPM2_Load of the blob's object under its SRK. Return: 0 with *@handle;
 * KVAULT_SRK_RETRY; -EBADMSG when this TPM cannot load it (@why->tpm_rc
 * says why); other errnos.
 */
static int kvault_load(struct kvault_seq *seq,
		       const struct kvault_tpm_object *obj,
		       const struct kvault_name *name, bool may_retry,
		       struct kvault_srk **srkp, u32 *handle,
		       struct kvault_tpm_refusal *why)
{
	struct kvault_srk *srk;
	struct kvault_rsp rsp;
	const u8 *lname;
	struct kvault_w w;
	u16 lname_len;
	u32 base;
	int rc;

	rc = kvault_srk_get(seq, obj->parent, &srk);
	if (rc == -ENOENT) {
		pr_notice_ratelimited("no SRK at 0x81000001 to load a blob under\n");
		NL_SET_ERR_MSG(seq->extack,
			       "the blob's parent, the SRK at 0x81000001, is missing or changed");
		return -EBADMSG;
	}
	if (rc)
		return rc;
	*srkp = srk;

	kvault_w_init(&w, seq->scratch, KVAULT_SCRATCH_SIZE);
	kvault_w_bytes(&w, obj->priv, obj->priv_len);
	kvault_w_bytes(&w, obj->pub, obj->pub_len);
	rc = kvault_auth_cmd(seq, NULL, KVAULT_CC_LOAD, &srk->handle, NULL, 1,
			     seq->scratch, w.len, handle, &rsp);
	if (rc > 0) {
		why->tpm_rc = rc;
		base = kvault_rc_base(rc);
		if (may_retry && (kvault_rc_gone(rc) ||
				  base == KVAULT_RC_INTEGRITY) &&
		    kvault_srk_stale(seq, srk, rc))
			return KVAULT_SRK_RETRY;
		if (kvault_rc_param(rc) || rc == KVAULT_RC_SENSITIVE) {
			pr_notice_ratelimited("TPM2_Load refused the blob: TPM rc %#x\n",
					      rc);
			NL_SET_ERR_MSG(seq->extack,
				       "this TPM cannot load the blob (sealed elsewhere, or corrupt)");
			return -EBADMSG;
		}
		if (obj->parent == KVAULT_SRK_PERSISTENT && kvault_rc_gone(rc)) {
			NL_SET_ERR_MSG(seq->extack,
				       "the blob's parent, the SRK at 0x81000001, is missing");
			return -EBADMSG;
		}
		return kvault_refused(seq, rc, "TPM2_Load");
	}
	if (rc)
		return rc;
	lname = kvault_rsp_tpm2b(&rsp, &lname_len);
	if (!lname || rsp.left || lname_len != name->len ||
	    memcmp(lname, name->b, name->len)) {
		kvault_seq_flush(seq, *handle);
		NL_SET_ERR_MSG(seq->extack, "TPM2_Load gave an unexpected name");
		return -EIO;
	}
	why->status |= KVAULT_SEAL_ST_LOADABLE;
	return 0;
}

/* --- seal -------------------------------------------------------------- */

struct kvault_seal_args {
	const struct kvault_pcr_policy *pol;
	const u8 *pin;
	u32 pin_len;
	const u8 *data;
	u32 len;
	struct kvault_tpm_object *obj;
};

/*
 * TPM2_Create of a keyedhash sealed-data object: fixedTPM, fixedParent,
 * userWithAuth clear (only the policy opens it), noDA without a PIN, the
 * PIN as its authValue. The sensitive part travels encrypted.
 */
static int kvault_seal_once(struct kvault_seq *seq,
			    const struct kvault_seal_args *a, bool may_retry)
{
	u32 attrs = KVAULT_OA_FIXED_TPM | KVAULT_OA_FIXED_PARENT;
	u8 policy[SHA256_DIGEST_SIZE];
	struct kvault_session sess;
	const u8 *priv, *pub;
	struct kvault_srk *srk;
	struct kvault_rsp rsp;
	u16 priv_len, pub_len;
	struct kvault_w w;
	u32 parent, base;
	int rc;

	parent = KVAULT_SRK_PERSISTENT;
	rc = kvault_srk_get(seq, parent, &srk);
	if (rc == -ENOENT) {
		parent = KVAULT_SRK_TEMPLATE;
		rc = kvault_srk_get(seq, parent, &srk);
	}
	if (rc)
		return rc;

	rc = kvault_session_start(seq, srk->handle, srk->x, srk->y,
				  KVAULT_SE_HMAC, &sess);
	if (rc > 0) {
		kvault_session_end(seq, &sess);
		if (may_retry && kvault_srk_stale(seq, srk, rc))
			return KVAULT_SRK_RETRY;
		return kvault_refused(seq, rc, "TPM2_StartAuthSession");
	}
	if (rc) {
		kvault_session_end(seq, &sess);
		return rc;
	}
	/* One command: continueSession clear, the TPM ends it on success. */
	sess.attrs = KVAULT_SA_DECRYPT;

	if (!a->pin_len)
		attrs |= KVAULT_OA_NO_DA;
	kvault_tpm_policy_digest(a->pol, a->pin_len, policy);
	kvault_w_init(&w, seq->scratch, KVAULT_SCRATCH_SIZE);
	kvault_w_u16(&w, 2 + a->pin_len + 2 + a->len);	/* inSensitive */
	kvault_w_tpm2b(&w, a->pin, a->pin_len);
	kvault_w_tpm2b(&w, a->data, a->len);
	kvault_w_u16(&w, 2 + 2 + 4 + 2 + SHA256_DIGEST_SIZE + 2 + 2);
	kvault_w_u16(&w, KVAULT_ALG_KEYEDHASH);		/* inPublic */
	kvault_w_u16(&w, KVAULT_TPM_ALG_SHA256);
	kvault_w_u32(&w, attrs);
	kvault_w_tpm2b(&w, policy, sizeof(policy));
	kvault_w_u16(&w, KVAULT_ALG_NULL);		/* scheme */
	kvault_w_u16(&w, 0);				/* unique */
	kvault_w_u16(&w, 0);				/* outsideInfo */
	kvault_w_u32(&w, 0);				/* creationPCR */
	rc = kvault_auth_cmd(seq, &sess, KVAULT_CC_CREATE, &srk->handle,
			     &srk->name, 1, seq->scratch, w.len, NULL, &rsp);
	memzero_explicit(seq->scratch, KVAULT_SCRATCH_SIZE);
	kvault_session_end(seq, &sess);
	if (rc > 0) {
		base = kvault_rc_base(rc);
		if (may_retry && (kvault_rc_gone(rc) ||
				  base == KVAULT_RC_AUTH_FAIL ||
				  base == KVAULT_RC_BAD_AUTH) &&
		    kvault_srk_stale(seq, srk, rc))
			return KVAULT_SRK_RETRY;
		return kvault_refused(seq, rc, "TPM2_Create");
	}
	if (rc)
		return rc;

	priv = kvault_rsp_tpm2b(&rsp, &priv_len);
	pub = kvault_rsp_tpm2b(&rsp, &pub_len);
	if (!priv || !pub || priv_len + 2 > KVAULT_TPM_PRIV_MAX ||
	    pub_len + 2 > KVAULT_TPM_PUB_MAX) {
		NL_SET_ERR_MSG(seq->extack, "unexpected TPM2_Create response");
		return -EIO;
	}
	a->obj->parent = parent;
	a->obj->priv_len = priv_len + 2;
	a->obj->pub_len = pub_len + 2;
	memcpy(a->obj->priv, priv - 2, priv_len + 2);
	memcpy(a->obj->pub, pub - 2, pub_len + 2);
	return 0;
}

/**
 * kvault_tpm_seal() - seal data to a PCR policy
 * @pol:     the PCRs and the values they must hold
 * @pin:     the PIN (the object's authValue), or NULL
 * @pin_len: its length: 0 (no PIN) to KVAULT_PIN_MAX
 * @data:    what to seal
 * @len:     its length: 1 to KVAULT_SECRET_MAX_LEN
 * @obj:     receives the sealed object
 * @extack:  where to put a reason on failure (may be NULL)
 *
 * Return: 0; -EINVAL for bad arguments; -ENODEV without a TPM 2.0; -EBUSY
 * in dictionary-attack lockout; -EIO for other TPM failures.
 */
int kvault_tpm_seal(const struct kvault_pcr_policy *pol, const u8 *pin,
		    u32 pin_len, const u8 *data, u32 len,
		    struct kvault_tpm_object *obj,
		    struct netlink_ext_ack *extack)
{
	struct kvault_seal_args a = {
		.pol = pol, .pin = pin, .pin_len = pin ? pin_len : 0,
		.data = data, .len = len, .obj = obj,
	};
	struct kvault_seq seq;
	int rc;

	memset(obj, 0, sizeof(*obj));
	rc = kvault_policy_check(pol, extack);
	if (rc)
		return rc;
	if (!len || len > KVAULT_SECRET_MAX_LEN || a.pin_len > KVAULT_PIN_MAX) {
		NL_SET_ERR_MSG(extack, "bad length of the data or the PIN to seal");
		return -EINVAL;
	}
	rc = kvault_seal_begin(&seq, extack);
	if (rc)
		return rc;
	rc = kvault_seal_once(&seq, &a, true);
	if (rc == KVAULT_SRK_RETRY)
		rc = kvault_seal_once(&seq, &a, false);
	kvault_seal_end(&seq, rc);
	if (rc)
		memset(obj, 0, sizeof(*obj));
	return rc;
}

/* --- unseal ------------------------------------------------------------ */

struct kvault_unseal_args {
	const struct kvault_pcr_policy *pol;
	const u8 *pin;
	u32 pin_len;
	const struct kvault_tpm_object *obj;
	const struct kvault_name *name;
	u8 *data;
	u32 *len;
	struct kvault_tpm_refusal *why;
};

/* The policy session's commands: PolicyPCR [PolicyAuthValue]. */
static int kvault_policy_run(struct kvault_seq *seq,
			     const struct kvault_unseal_args *a, u32 session)
{
	struct tpm_buf *buf = &seq->buf;
	u8 pcr_digest[SHA256_DIGEST_SIZE];
	struct kvault_w w;
	u8 sel[10];
	int rc;

	kvault_pcr_digest(a->pol, pcr_digest);
	kvault_w_init(&w, sel, sizeof(sel));
	kvault_w_pcr_selection(&w, a->pol);
	tpm_buf_reset(buf, KVAULT_ST_NO_SESSIONS, KVAULT_CC_POLICY_PCR);
	tpm_buf_append_u32(buf, session);
	tpm_buf_append_u16(buf, sizeof(pcr_digest));
	tpm_buf_append(buf, pcr_digest, sizeof(pcr_digest));
	tpm_buf_append(buf, sel, w.len);
	rc = kvault_seq_send(seq, 0);
	if (rc > 0) {
		a->why->tpm_rc = rc;
		if (kvault_rc_base(rc) == KVAULT_RC_VALUE)
			return kvault_pcr_refused(seq, a->pol, a->why);
		return kvault_refused(seq, rc, "TPM2_PolicyPCR");
	}
	if (rc || !a->pin_len)
		return rc;

	tpm_buf_reset(buf, KVAULT_ST_NO_SESSIONS, KVAULT_CC_POLICY_AUTH_VALUE);
	tpm_buf_append_u32(buf, session);
	rc = kvault_seq_send(seq, 0);
	if (rc > 0) {
		a->why->tpm_rc = rc;
		return kvault_refused(seq, rc, "TPM2_PolicyAuthValue");
	}
	return rc;
}

static int kvault_unseal_once(struct kvault_seq *seq,
			      const struct kvault_unseal_args *a,
			      bool may_retry)
{
	struct kvault_session sess = { 0 };
	struct kvault_srk *srk;
	struct kvault_rsp rsp;
	u32 object = 0, base;
	const u8 *out;
	u16 out_len;
	int rc;

	rc = kvault_load(seq, a->obj, a->name, may_retry, &srk, &object,
			 a->why);
	if (rc)
		return rc;

	rc = kvault_session_start(seq, srk->handle, srk->x, srk->y,
				  KVAULT_SE_POLICY, &sess);
	if (rc > 0) {
		a->why->tpm_rc = rc;
		rc = kvault_refused(seq, rc, "TPM2_StartAuthSession");
	}
	if (!rc)
		rc = kvault_policy_run(seq, a, sess.handle);
	if (rc)
		goto out;

	/* One command: continueSession clear, the TPM ends it on success. */
	sess.attrs = KVAULT_SA_ENCRYPT;
	if (a->pin_len)
		kvault_session_set_auth(&sess, a->pin, a->pin_len);
	rc = kvault_auth_cmd(seq, &sess, KVAULT_CC_UNSEAL, &object, a->name, 1,
			     NULL, 0, NULL, &rsp);
	if (rc > 0) {
		a->why->tpm_rc = rc;
		base = kvault_rc_base(rc);
		if (rc == KVAULT_RC_LOCKOUT) {
			rc = kvault_lockout_refused(seq, a->why);
		} else if (kvault_rc_session(rc) &&
			   (base == KVAULT_RC_AUTH_FAIL ||
			    base == KVAULT_RC_BAD_AUTH)) {
			pr_notice_ratelimited("unseal refused: wrong PIN\n");
			NL_SET_ERR_MSG(seq->extack,
				       "wrong PIN (counted toward the TPM's dictionary-attack lockout)");
			rc = -EACCES;
		} else if (base == KVAULT_RC_POLICY_FAIL ||
			   rc == KVAULT_RC_PCR_CHANGED) {
			rc = kvault_pcr_refused(seq, a->pol, a->why);
		} else {
			rc = kvault_refused(seq, rc, "TPM2_Unseal");
		}
		goto out;
	}
	if (rc)
		goto out;
	out = kvault_rsp_tpm2b(&rsp, &out_len);
	if (!out || rsp.left || !out_len || out_len > KVAULT_SECRET_MAX_LEN) {
		NL_SET_ERR_MSG(seq->extack, "unexpected TPM2_Unseal response");
		rc = -EIO;
		goto out;
	}
	memcpy(a->data, out, out_len);
	*a->len = out_len;
out:
	kvault_session_end(seq, &sess);
	kvault_seq_flush(seq, object);
	return rc;
}

/**
 * kvault_tpm_unseal() - unseal a sealed object
 * @pol:     the policy the blob names (its values are the expected ones)
 * @pin:     the PIN, or NULL
 * @pin_len: its length (0: no PIN)
 * @obj:     the sealed object
 * @data:    receives the data (KVAULT_SECRET_MAX_LEN bytes of room)
 * @len:     receives its length
 * @why:     receives the TPM's response code, mismatching PCRs, the
 *           lockout time, and KVAULT_SEAL_ST_* as far as it got
 * @extack:  where to put a reason on failure (may be NULL)
 *
 * Return: 0; -EKEYREJECTED if the PCRs do not hold the policy's values;
 * -EACCES for a wrong PIN; -EBUSY in dictionary-attack lockout; -EBADMSG
 * if this TPM cannot load the object or it does not match @pol; -ENODEV
 * without a TPM 2.0; -EIO for other TPM failures.
 */
int kvault_tpm_unseal(const struct kvault_pcr_policy *pol, const u8 *pin,
		      u32 pin_len, const struct kvault_tpm_object *obj,
		      u8 *data, u32 *len, struct kvault_tpm_refusal *why,
		      struct netlink_ext_ack *extack)
{
	struct kvault_tpm_refusal ignored;
	struct kvault_name name;
	struct kvault_unseal_args a = {
		.pol = pol, .pin = pin, .pin_len = pin ? pin_len : 0,
		.obj = obj, .name = &name, .data = data, .len = len,
		.why = why ? why : &ignored,
	};
	struct kvault_seq seq;
	int rc;

	memset(a.why, 0, sizeof(*a.why));
	*len = 0;
	if (a.pin_len)
		a.why->status |= KVAULT_SEAL_ST_PIN;
	rc = kvault_policy_check(pol, extack);
	if (rc)
		return rc;
	if (a.pin_len > KVAULT_PIN_MAX) {
		NL_SET_ERR_MSG(extack, "PIN too long");
		return -EINVAL;
	}
	rc = kvault_object_check(pol, a.pin_len, obj, &name, extack);
	if (rc)
		return rc;
	rc = kvault_seal_begin(&seq, extack);
	if (rc)
		return rc;
	rc = kvault_unseal_once(&seq, &a, true);
	if (rc == KVAULT_SRK_RETRY) {
		a.why->tpm_rc = 0;
		rc = kvault_unseal_once(&seq, &a, false);
	}
	kvault_seal_end(&seq, rc);
	if (rc) {
		memzero_explicit(data, KVAULT_SECRET_MAX_LEN);
		*len = 0;
	}
	return rc;
}

/* --- check ------------------------------------------------------------- */

/**
 * kvault_tpm_check() - would this object unseal now?
 * @pol:    the policy the blob names
 * @pin:    whether the blob needs a PIN
 * @obj:    the sealed object
 * @why:    receives KVAULT_SEAL_ST_*, the mismatching PCRs, the lockout
 *          time, and the TPM's response code if it refused to load it
 * @extack: where to put a reason on failure (may be NULL)
 *
 * Loads the object (and flushes it), compares the PCRs with the policy
 * and reads the dictionary-attack state; never unseals. A refusal is not
 * an error: @why reports it. KVAULT_SEAL_ST_WOULD_UNSEAL is set when the
 * object loads, the PCRs match, and (for an object with a PIN, the only
 * kind lockout affects) the TPM is not in lockout.
 *
 * Return: 0; -EBADMSG if @obj is malformed or does not match @pol;
 * -ENODEV without a TPM 2.0; -EIO (or -EBUSY) if the TPM failed.
 */
int kvault_tpm_check(const struct kvault_pcr_policy *pol, bool pin,
		     const struct kvault_tpm_object *obj,
		     struct kvault_tpm_refusal *why,
		     struct netlink_ext_ack *extack)
{
	struct kvault_tpm_refusal ignored;
	struct kvault_name name;
	struct kvault_srk *srk;
	struct kvault_seq seq;
	u32 object = 0;
	bool lockout;
	int rc;

	if (!why)
		why = &ignored;
	memset(why, 0, sizeof(*why));
	if (pin)
		why->status |= KVAULT_SEAL_ST_PIN;
	rc = kvault_policy_check(pol, extack);
	if (rc)
		return rc;
	rc = kvault_object_check(pol, pin, obj, &name, extack);
	if (rc)
		return rc;
	rc = kvault_seal_begin(&seq, extack);
	if (rc)
		return rc;

	rc = kvault_load(&seq, obj, &name, true, &srk, &object, why);
	if (rc == KVAULT_SRK_RETRY) {
		why->tpm_rc = 0;
		rc = kvault_load(&seq, obj, &name, false, &srk, &object, why);
	}
	if (!rc)
		/* A flush the TPM refuses is logged; only a dead TPM fails. */
		rc = min(kvault_seq_flush(&seq, object), 0);
	else if (rc == -EBADMSG)
		rc = 0;		/* not loadable: a refusal, in @why */
	if (!rc)
		rc = kvault_pcr_mismatch(&seq, pol, &why->pcr_mismatch);
	if (!rc)
		rc = kvault_da_state(&seq, &lockout, &why->lockout_seconds);
	if (!rc) {
		if (lockout)
			why->status |= KVAULT_SEAL_ST_LOCKOUT;
		if ((why->status & KVAULT_SEAL_ST_LOADABLE) &&
		    !why->pcr_mismatch && !(lockout && pin))
			why->status |= KVAULT_SEAL_ST_WOULD_UNSEAL;
	}
	kvault_seal_end(&seq, rc);
	return rc;
}

/* --- boot lock and unload ---------------------------------------------- */

/**
 * kvault_tpm_extend() - extend a PCR in every bank with "kvault boot lock"
 * @pcr:    the PCR, 0 to KVAULT_PCR_COUNT - 1
 * @extack: where to put a reason on failure (may be NULL)
 *
 * Each allocated bank gets the digest of the string in that bank's hash.
 * If any bank's hash is one kvault cannot compute, nothing is extended.
 *
 * Return: 0; -EINVAL for a bad PCR; -EOPNOTSUPP for a bank kvault cannot
 * hash; -ENODEV without a TPM 2.0; -EIO if the TPM failed.
 */
int kvault_tpm_extend(u32 pcr, struct netlink_ext_ack *extack)
{
	static const char lock[] = "kvault boot lock";
	struct tpm_digest *digests = NULL;
	struct crypto_shash *tfm;
	struct tpm_chip *chip;
	const struct kvault_bank_info *bank;
	u32 i, n;
	int rc;

	if (pcr >= KVAULT_PCR_COUNT) {
		NL_SET_ERR_MSG(extack, "PCR index out of range (0-23)");
		return -EINVAL;
	}
	chip = tpm_default_chip();
	if (!chip) {
		NL_SET_ERR_MSG(extack, "no TPM is present");
		return -ENODEV;
	}
	if (!tpm_is_tpm2(chip)) {
		NL_SET_ERR_MSG(extack, "the TPM is not a TPM 2.0");
		rc = -ENODEV;
		goto out;
	}
	n = chip->nr_allocated_banks;
	digests = kcalloc(n, sizeof(*digests), GFP_KERNEL);
	if (!digests) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		digests[i].alg_id = chip->allocated_banks[i].alg_id;
		bank = kvault_bank_info(digests[i].alg_id);
		if (!bank || bank->size != chip->allocated_banks[i].digest_size) {
			NL_SET_ERR_MSG(extack,
				       "the TPM has a PCR bank whose hash kvault cannot compute");
			rc = -EOPNOTSUPP;
			goto out;
		}
		tfm = crypto_alloc_shash(bank->name, 0, 0);
		if (IS_ERR(tfm)) {
			NL_SET_ERR_MSG(extack,
				       "the hash of a PCR bank is unavailable");
			rc = -EOPNOTSUPP;
			goto out;
		}
		rc = crypto_shash_tfm_digest(tfm, lock, sizeof(lock) - 1,
					     digests[i].digest);
		crypto_free_shash(tfm);
		if (rc)
			goto out;
	}
	atomic64_inc(&kvault_tpm_commands);
	rc = tpm_pcr_extend(chip, pcr, digests);
	if (rc) {
		pr_notice_ratelimited("TPM2_PCR_Extend of PCR %u failed (%d)\n",
				      pcr, rc);
		NL_SET_ERR_MSG(extack, "TPM2_PCR_Extend failed");
		rc = -EIO;
	}
out:
	kfree(digests);
	put_device(&chip->dev);
	return rc;
}

/**
 * kvault_tpm_exit() - flush the SRK kvault created, forget both SRKs
 *
 * Called when the module unloads. A TPM that is gone keeps nothing anyway.
 */
void kvault_tpm_exit(void)
{
	struct kvault_seq seq;
	u32 handle;

	mutex_lock(&kvault_srk_mutex);
	handle = kvault_srk_created.handle;
	memzero_explicit(&kvault_srk_created, sizeof(kvault_srk_created));
	memzero_explicit(&kvault_srk_persistent, sizeof(kvault_srk_persistent));
	mutex_unlock(&kvault_srk_mutex);
	if (!handle || kvault_seal_begin(&seq, NULL))
		return;
	kvault_seq_flush(&seq, handle);
	kvault_seal_end(&seq, 0);
}
