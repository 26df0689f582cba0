// SPDX-License-Identifier: GPL-2.0
/*
 * The sealing ioctls of /dev/kvault: seal, reseal, load, check, and the
 * boot lock (PCR extend). Arguments are checked as chardev.c checks the
 * others; the work is seal.c's and tpm_seal.c's. LOAD speaks the keyctl
 * "load" payload, so both interfaces share one parser and one path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kvault.h"

/* Copy in the PIN: printable ASCII without space, as the payload has it. */
static int kvault_seal_copy_pin(const struct kvault_key_seal *req,
				struct kvault_key_params *p)
{
	u32 i;

	if (!(req->flags & KVAULT_SEAL_PIN))
		return req->pin || req->pin_len ? -EINVAL : 0;
	if (!req->pin_len || req->pin_len > KVAULT_PIN_MAX)
		return -EINVAL;
	if (copy_from_user(p->pin, u64_to_user_ptr(req->pin), req->pin_len))
		return -EFAULT;
	for (i = 0; i < req->pin_len; i++)
		if (p->pin[i] <= 0x20 || p->pin[i] > 0x7e)
			return -EINVAL;
	p->pin_len = req->pin_len;
	p->seal_flags |= KVAULT_SEAL_PIN;
	return 0;
}

/* Copy a blob in, after checking its length. */
static int kvault_seal_copy_blob(const struct kvault_key_seal *req,
				 struct kvault_key_params *p)
{
	if (!req->blob_len || req->blob_len > KVAULT_BLOB_MAX)
		return -EINVAL;
	if (copy_from_user(p->blob, u64_to_user_ptr(req->blob), req->blob_len))
		return -EFAULT;
	p->blob_len = req->blob_len;
	return 0;
}

static int kvault_seal_blob_out(struct kvault_key *kk,
				struct kvault_key_seal *req)
{
	u32 cap = req->blob_len;
	int rc = 0;

	mutex_lock(&kk->lock);
	req->blob_len = kk->blob_len;
	if (!kk->blob)
		rc = -ENOKEY;
	else if (cap < kk->blob_len)
		rc = -ENOSPC;
	else if (copy_to_user(u64_to_user_ptr(req->blob), kk->blob,
			      kk->blob_len))
		rc = -EFAULT;
	mutex_unlock(&kk->lock);
	return rc;
}

/* SEAL and RESEAL: a key, its policy, and where to put the blob. */
static int kvault_ioctl_seal_key(struct kvault_key_seal *req, bool reseal,
				 struct kvault_key_params *p)
{
	struct kvault_key *kk;
	int rc;

	if ((req->flags & ~(KVAULT_SEAL_PIN | KVAULT_SEAL_PCR_VALUES)) ||
	    req->id < 0 || (req->id && req->name[0]) ||
	    (!req->id && !req->name[0]))
		return -EINVAL;
	/* a set is a bank and PCRs; RESEAL may keep the key's with 0 and 0 */
	if (!req->pcr_bank != !req->pcr_mask ||
	    (!req->pcr_bank && !reseal))
		return -EINVAL;
	if (req->pcr_bank) {
		const struct kvault_bank_info *bank = kvault_bank_info(req->pcr_bank);

		if (!bank || req->pcr_mask & ~KVAULT_PCR_MASK_ALL)
			return -EINVAL;
		p->pol.bank = req->pcr_bank;
		p->pol.digest_size = bank->size;
		p->pol.mask = req->pcr_mask;
	}
	if (req->flags & KVAULT_SEAL_PCR_VALUES) {
		if (!req->pcr_values_len ||
		    req->pcr_values_len > sizeof(p->pol.values))
			return -EINVAL;
		if (copy_from_user(p->pol.values,
				   u64_to_user_ptr(req->pcr_values),
				   req->pcr_values_len))
			return -EFAULT;
		p->pcr_values_len = req->pcr_values_len;
		p->seal_flags |= KVAULT_SEAL_PCR_VALUES;
	} else if (req->pcr_values || req->pcr_values_len) {
		return -EINVAL;
	}
	rc = kvault_seal_copy_pin(req, p);
	if (rc)
		return rc;

	kk = req->id ? kvault_key_find_id(req->id) :
		       kvault_key_find_name(req->name);
	if (!kk)
		return -ENOENT;
	/* RESEAL replaces a blob; SEAL makes one, or a new one */
	if (reseal && !(READ_ONCE(kk->attrs) & KVAULT_KEY_SEALED)) {
		rc = -EINVAL;
		goto out;
	}
	rc = kvault_seal_key(kk, p);
	req->id = READ_ONCE(kk->id);
	if (!rc)
		rc = kvault_seal_blob_out(kk, req);
out:
	kvault_key_put(kk);
	return rc;
}

/* Fill the report fields from what the TPM said. */
static void kvault_seal_report(struct kvault_key_seal *req,
			       const struct kvault_tpm_refusal *why)
{
	req->pcr_mismatch = why->pcr_mismatch;
	req->lockout_seconds = why->lockout_seconds;
	req->tpm_rc = why->tpm_rc;
	req->status = why->status;
}

/* The blob's PCR set, for LOAD's report. */
static void kvault_ioctl_blob_policy(struct kvault_key_seal *req,
				     const struct kvault_key_params *p)
{
	struct kvault_blob_meta *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (m && !kvault_blob_parse(p->blob, p->blob_len, m)) {
		req->pcr_bank = m->pol.bank;
		req->pcr_mask = m->pol.mask;
		if (m->flags & KVAULT_SEAL_PIN)
			req->status |= KVAULT_SEAL_ST_PIN;
	}
	kfree(m);
}

/* CHECK: would it unseal? Nothing is unsealed. */
static int kvault_ioctl_check_blob(struct kvault_key_seal *req,
				   const struct kvault_key_params *p)
{
	struct kvault_tpm_refusal why = { };
	struct kvault_blob_meta *m;
	int rc;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	rc = kvault_blob_parse(p->blob, p->blob_len, m);
	if (!rc) {
		req->pcr_bank = m->pol.bank;
		req->pcr_mask = m->pol.mask;
		rc = kvault_tpm_check(&m->pol, m->flags & KVAULT_SEAL_PIN,
				      &m->obj, &why, NULL);
		kvault_seal_report(req, &why);
	}
	kfree(m);
	return rc;
}

static int kvault_ioctl_load(struct kvault_key_seal *req,
			     struct kvault_key_params *p)
{
	static const char pin_opt[] = " pin=";
	struct kvault_seal_report report;
	size_t n = 5 + 2 * KVAULT_BLOB_MAX + sizeof(pin_opt) + KVAULT_PIN_MAX;
	char *payload, *end;
	int rc;

	if ((req->flags & ~KVAULT_SEAL_PIN) || req->id || req->pcr_bank ||
	    req->pcr_mask || req->pcr_values || req->pcr_values_len ||
	    kvault_name_check(req->name))
		return -EINVAL;
	rc = kvault_seal_copy_pin(req, p);
	if (!rc)
		rc = kvault_seal_copy_blob(req, p);
	if (rc)
		return rc;
	if (kvault_seal_locked())
		return -EPERM;

	payload = kmalloc(n, GFP_KERNEL);
	if (!payload)
		return -ENOMEM;
	end = payload + scnprintf(payload, n, "load ");
	end = bin2hex(end, p->blob, p->blob_len);
	if (p->pin_len) {
		memcpy(end, pin_opt, sizeof(pin_opt) - 1);
		end += sizeof(pin_opt) - 1;
		memcpy(end, p->pin, p->pin_len);
		end += p->pin_len;
	}
	*end = '\0';
	kvault_seal_report_begin(&report);
	rc = kvault_key_create(req->name, payload, &req->id);
	kvault_seal_report_end(&report);
	kfree_sensitive(payload);

	kvault_seal_report(req, &report.why);
	kvault_ioctl_blob_policy(req, p);
	return rc;
}

static int kvault_ioctl_pcr_extend(void __user *uarg)
{
	struct kvault_pcr_extend req;
	u32 usize;
	int rc;

	rc = kvault_copy_in(&req, sizeof(req), KVAULT_PCR_EXTEND_SIZE_VER0,
			    uarg, &usize);
	if (rc)
		return rc;
	if (req.flags || req.reserved0 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.pcr >= KVAULT_PCR_COUNT)
		return -EINVAL;
	rc = kvault_tpm_extend(req.pcr, NULL);
	if (rc)
		return rc;
	kvault_seal_lock();
	return kvault_copy_out(uarg, &req, sizeof(req), usize);
}

/* KVAULT_IOC_KEY_SEAL, _RESEAL, _LOAD, _CHECK and KVAULT_IOC_PCR_EXTEND */
long kvault_ioctl_seal(unsigned int nr, void __user *uarg)
{
	struct kvault_key_params *p;
	struct kvault_key_seal req;
	u32 usize;
	int rc;

	if (nr == _IOC_NR(KVAULT_IOC_PCR_EXTEND))
		return kvault_ioctl_pcr_extend(uarg);

	rc = kvault_copy_in(&req, sizeof(req), KVAULT_KEY_SEAL_SIZE_VER0, uarg,
			    &usize);
	if (rc)
		return rc;
	if (req.reserved0 || req.pcr_mismatch || req.lockout_seconds ||
	    req.tpm_rc || req.status ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    kvault_name_field_check(req.name))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;

	switch (nr) {
	case _IOC_NR(KVAULT_IOC_KEY_SEAL):
	case _IOC_NR(KVAULT_IOC_KEY_RESEAL):
		rc = kvault_ioctl_seal_key(&req,
					   nr == _IOC_NR(KVAULT_IOC_KEY_RESEAL),
					   p);
		break;
	case _IOC_NR(KVAULT_IOC_KEY_LOAD):
		rc = kvault_ioctl_load(&req, p);
		break;
	case _IOC_NR(KVAULT_IOC_KEY_CHECK):
		if (req.flags || req.id || req.pcr_bank || req.pcr_mask ||
		    req.pin || req.pin_len || req.pcr_values ||
		    req.pcr_values_len || req.name[0])
			rc = -EINVAL;
		else
			rc = kvault_seal_copy_blob(&req, p);
		if (!rc)
			rc = kvault_ioctl_check_blob(&req, p);
		break;
	default:
		rc = -ENOTTY;
	}
	kfree_sensitive(p);
	/* a malformed request gets its errno alone; any other failure reports */
	if (rc == -ENOTTY || rc == -EFAULT || rc == -EINVAL)
		return rc;
	if (kvault_copy_out(uarg, &req, sizeof(req), usize))
		return -EFAULT;
	return rc;
}
