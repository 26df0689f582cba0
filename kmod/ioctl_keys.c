// SPDX-License-Identifier: GPL-2.0
/*
 * The key ioctls of /dev/kvault: create, every lifecycle operation, and
 * publishing a key's logon mirror.
 * Who may call them is decided at open() (chardev.c); what they do is in
 * vault.c. Arguments are extensible structs, checked as chardev.c checks
 * the others (see uapi/linux/kvault.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kvault.h"

/* A name field: NUL-terminated, nothing but zeroes after the NUL. */
int kvault_name_field_check(const char *name)
{
	size_t n = strnlen(name, KVAULT_KEY_NAME_MAX);

	if (n == KVAULT_KEY_NAME_MAX ||
	    memchr_inv(name + n, 0, KVAULT_KEY_NAME_MAX - n))
		return -EINVAL;
	return 0;
}

/*
 * The key an ioctl names: by @id, or with @id 0 by @name (a name field,
 * see above). EINVAL for both or neither, ENOENT for no such key.
 */
/* Exactly one of a non-negative @id and a well-formed @name field. */
static bool kvault_ioctl_key_ident_valid(s32 id, const char *name)
{
	return !kvault_name_field_check(name) && id >= 0 &&
	       (id != 0) != (name[0] != '\0');
}

static struct kvault_key *kvault_ioctl_key_find(s32 id, const char *name)
{
	struct kvault_key *kk;

	if (!kvault_ioctl_key_ident_valid(id, name))
		return ERR_PTR(-EINVAL);
	kk = id ? kvault_key_find_id(id) : kvault_key_find_name(name);
	return kk ? kk : ERR_PTR(-ENOENT);
}

static long kvault_ioctl_key_create(void __user *uarg)
{
	struct kvault_key_create req;
	char payload[160];
	u32 usize, len, usage, i;
	size_t off;
	int rc;

	rc = kvault_copy_in(&req, sizeof(req), KVAULT_KEY_CREATE_SIZE_VER0,
			    uarg, &usize);
	if (rc)
		return rc;
	if ((req.flags & ~KVAULT_KEY_EXPORTABLE) || req.id ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    kvault_name_field_check(req.name) || kvault_name_check(req.name))
		return -EINVAL;
	len = req.alg_len;
	usage = req.usage;
	if (kvault_alg_check(req.alg, &len) ||
	    kvault_usage_check(req.alg, &usage))
		return -EINVAL;

	/* one parser for both interfaces: speak the keyctl payload */
	off = scnprintf(payload, sizeof(payload), "new %s",
			kvault_alg_name(req.alg));
	if (req.alg == KVAULT_ALG_SECRET)
		off += scnprintf(payload + off, sizeof(payload) - off, "-%u",
				 len);
	off += scnprintf(payload + off, sizeof(payload) - off, " exportable=%u",
			 !!(req.flags & KVAULT_KEY_EXPORTABLE));
	off += scnprintf(payload + off, sizeof(payload) - off, " usage=");
	for (i = 0; i < 32 && usage; i++) {
		if (!(usage & BIT(i)))
			continue;
		usage &= ~BIT(i);
		off += scnprintf(payload + off, sizeof(payload) - off, "%s%s",
				 kvault_usage_name(i), usage ? "," : "");
	}

	rc = kvault_key_create(req.name, payload, &req.id);
	if (rc)
		return rc;
	return kvault_copy_out(uarg, &req, sizeof(req), usize);
}

/* ioctl number to operation; KVAULT_OP_INFO is 0, so it is matched apart */
static const u32 kvault_ioctl_ops[] = {
	[_IOC_NR(KVAULT_IOC_KEY_ROTATE)]		= KVAULT_OP_ROTATE,
	[_IOC_NR(KVAULT_IOC_KEY_SET_MIN_VERSION)]	= KVAULT_OP_SET_MIN_VERSION,
	[_IOC_NR(KVAULT_IOC_KEY_ENABLE)]		= KVAULT_OP_ENABLE,
	[_IOC_NR(KVAULT_IOC_KEY_DISABLE)]		= KVAULT_OP_DISABLE,
	[_IOC_NR(KVAULT_IOC_KEY_SCHEDULE_DESTROY)]	= KVAULT_OP_SCHEDULE_DESTROY,
	[_IOC_NR(KVAULT_IOC_KEY_CANCEL_DESTROY)]	= KVAULT_OP_CANCEL_DESTROY,
	[_IOC_NR(KVAULT_IOC_KEY_DESTROY)]		= KVAULT_OP_DESTROY,
	[_IOC_NR(KVAULT_IOC_KEY_TIGHTEN)]		= KVAULT_OP_TIGHTEN,
};

/* Operations that take @arg; the others want it zero. */
#define KVAULT_OPS_WITH_ARG (BIT(KVAULT_OP_SET_MIN_VERSION) | \
			     BIT(KVAULT_OP_SCHEDULE_DESTROY) | \
			     BIT(KVAULT_OP_TIGHTEN))

static long kvault_ioctl_key_op(u32 op, void __user *uarg)
{
	struct kvault_key_meta m = {};
	struct kvault_key_op req;
	struct kvault_key *kk;
	u32 usize;
	int rc;

	rc = kvault_copy_in(&req, sizeof(req), KVAULT_KEY_OP_SIZE_VER0, uarg,
			    &usize);
	if (rc)
		return rc;
	if (req.flags || req.state || req.version || req.min_version ||
	    req.attrs || req.destroy_time ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    (req.arg && !(KVAULT_OPS_WITH_ARG & BIT(op))))
		return -EINVAL;

	kk = kvault_ioctl_key_find(req.id, req.name);
	if (IS_ERR(kk))
		return PTR_ERR(kk);
	rc = kvault_key_op(kk, op, req.arg, &m);
	kvault_key_put(kk);

	req.id = m.id;
	req.state = m.state;
	req.version = m.version;
	req.min_version = m.min_version;
	req.attrs = m.attrs;
	req.destroy_time = m.destroy_time;
	/* the out fields are filled in on failure too, as far as known */
	if (kvault_copy_out(uarg, &req, sizeof(req), usize))
		return -EFAULT;
	return rc;
}

/* PUBLISH and UNPUBLISH: the logon mirror (keyref.c). */
static long kvault_ioctl_key_publish(bool publish, void __user *uarg)
{
	struct kvault_key_publish req;
	struct kvault_key *kk;
	u32 usize;
	int rc;

	rc = kvault_copy_in(&req, sizeof(req), KVAULT_KEY_PUBLISH_SIZE_VER0,
			    uarg, &usize);
	if (rc)
		return rc;
	if (req.flags || req.mirror_id || req.version || req.reserved0 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    !kvault_ioctl_key_ident_valid(req.id, req.name))
		return -EINVAL;

	/*
	 * Fail on an argument that cannot be written back before acting: a
	 * refused PUBLISH must not leave a mirror its caller never learnt of.
	 */
	if (kvault_copy_out(uarg, &req, sizeof(req), usize))
		return -EFAULT;

	kk = kvault_ioctl_key_find(req.id, req.name);
	if (IS_ERR(kk))
		return PTR_ERR(kk);
	req.id = kk->id;
	if (publish)
		rc = kvault_key_publish(kk, &req.mirror_id, &req.version);
	else
		rc = kvault_key_unpublish(kk);
	kvault_key_put(kk);
	if (rc)
		return rc;
	return kvault_copy_out(uarg, &req, sizeof(req), usize);
}

/* The KVAULT_IOC_KEY_* ioctls; ENOTTY for any other number. */
long kvault_ioctl_keys(unsigned int nr, void __user *uarg)
{
	if (nr == _IOC_NR(KVAULT_IOC_KEY_PUBLISH))
		return kvault_ioctl_key_publish(true, uarg);
	if (nr == _IOC_NR(KVAULT_IOC_KEY_UNPUBLISH))
		return kvault_ioctl_key_publish(false, uarg);
	if (nr == _IOC_NR(KVAULT_IOC_KEY_CREATE))
		return kvault_ioctl_key_create(uarg);
	if (nr < ARRAY_SIZE(kvault_ioctl_ops) && kvault_ioctl_ops[nr])
		return kvault_ioctl_key_op(kvault_ioctl_ops[nr], uarg);
	if (nr == _IOC_NR(KVAULT_IOC_KEY_INFO))
		return kvault_ioctl_key_op(KVAULT_OP_INFO, uarg);
	return -ENOTTY;
}
