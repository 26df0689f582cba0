// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvault: the ioctl interface.
 *
 * This is a plain character device with its own class rather than a misc
 * device, because only a device_type's devnode() can hand devtmpfs a group:
 * the "group" parameter makes the node 0660 root:<group> without any udev
 * rule. open() checks again, so a node made more permissive by hand still
 * admits only CAP_SYS_ADMIN or members of that group.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "kvault.h"

static int group = -1;
module_param(group, int, 0444);
MODULE_PARM_DESC(group, "gid allowed to use /dev/kvault besides root (node becomes 0660)");

static kgid_t kvault_gid;
static dev_t kvault_devt;
static struct class *kvault_class;
static struct device *kvault_device;
static struct cdev kvault_cdev;

/*
 * Who may manage keys: CAP_SYS_ADMIN, or membership of the "group"
 * parameter's group. Checked at open() and when a key is created through
 * keyctl, so both interfaces admit the same callers.
 */
bool kvault_may_manage(void)
{
	return capable(CAP_SYS_ADMIN) ||
	       (gid_valid(kvault_gid) && in_group_p(kvault_gid));
}

static int kvault_open(struct inode *inode, struct file *file)
{
	if (!kvault_may_manage())
		return -EPERM;
	return nonseekable_open(inode, file);
}

/*
 * Copy in a struct that starts with its own size, as copy_struct_from_user()
 * defines: too small for any version is EINVAL, a larger one must have a
 * zero tail. Sizes past a page are refused rather than scanned.
 */
int kvault_copy_in(void *dst, size_t ksize, size_t ver0,
		   const void __user *src, u32 *usize)
{
	u32 size;
	int rc;

	if (get_user(size, (const u32 __user *)src))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	rc = copy_struct_from_user(dst, ksize, src, size);
	if (rc)
		return rc;
	*usize = size;
	return 0;
}

/* Write back as much of @src as the caller's struct holds, and say how much. */
int kvault_copy_out(void __user *dst, void *src, size_t ksize, u32 usize)
{
	u32 n = min_t(u32, usize, ksize);

	*(u32 *)src = n;
	return copy_to_user(dst, src, n) ? -EFAULT : 0;
}

static long kvault_ioctl_status(void __user *uarg)
{
	struct kvault_tpm_info info;
	struct kvault_status st;
	u32 usize;
	int rc;

	rc = kvault_copy_in(&st, sizeof(st), KVAULT_STATUS_SIZE_VER0, uarg,
			    &usize);
	if (rc)
		return rc;
	if (st.flags || st.reserved0 ||
	    memchr_inv(st.reserved, 0, sizeof(st.reserved)))
		return -EINVAL;

	rc = kvault_tpm_status(&info, NULL);
	if (rc)
		return rc;

	memset(&st, 0, sizeof(st));
	st.abi_version = KVAULT_ABI_VERSION;
	st.tpm_flags = info.flags;
	st.tpm_manufacturer = info.manufacturer;
	st.tpm_fw_version_1 = info.fw_version_1;
	st.tpm_fw_version_2 = info.fw_version_2;
	st.nr_pcr_banks = info.nr_banks;
	memcpy(st.pcr_banks, info.banks, sizeof(st.pcr_banks));
	strscpy(st.module_version, KVAULT_VERSION, sizeof(st.module_version));
	strscpy(st.tpm_vendor, info.vendor, sizeof(st.tpm_vendor));
	st.keyring_id = kvault_keyring_id();
	st.nr_keys = kvault_nr_keys_get();
	return kvault_copy_out(uarg, &st, sizeof(st), usize);
}

static long kvault_ioctl_pcr_read(void __user *uarg)
{
	struct kvault_pcr_values *vals;
	struct kvault_pcr_read req;
	u32 usize, needed;
	int rc;

	rc = kvault_copy_in(&req, sizeof(req), KVAULT_PCR_READ_SIZE_VER0, uarg,
			    &usize);
	if (rc)
		return rc;
	if (req.flags || req.reserved0 || req.reserved1 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	vals = kmalloc(sizeof(*vals), GFP_KERNEL);
	if (!vals)
		return -ENOMEM;
	rc = kvault_tpm_pcr_read(req.bank, req.pcr_mask, vals, NULL);
	if (rc)
		goto out;

	needed = hweight32(req.pcr_mask) * vals->digest_size;
	req.digest_size = vals->digest_size;
	req.update_counter = vals->update_counter;
	if (req.digests && req.digests_len < needed) {
		rc = -ENOSPC;
	} else if (req.digests &&
		   copy_to_user(u64_to_user_ptr(req.digests), vals->digests,
				needed)) {
		rc = -EFAULT;
		goto out;
	}
	req.digests_len = needed;
	if (kvault_copy_out(uarg, &req, sizeof(req), usize))
		rc = -EFAULT;
out:
	kfree(vals);
	return rc;
}

/*
 * Commands are matched on type, direction and number; the size bits are
 * ignored because each struct carries its own size.
 */
static long kvault_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != KVAULT_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(KVAULT_IOC_STATUS):
		return kvault_ioctl_status(uarg);
	case _IOC_NR(KVAULT_IOC_PCR_READ):
		return kvault_ioctl_pcr_read(uarg);
	case _IOC_NR(KVAULT_IOC_PCR_EXTEND):
	case _IOC_NR(KVAULT_IOC_KEY_SEAL):
	case _IOC_NR(KVAULT_IOC_KEY_RESEAL):
	case _IOC_NR(KVAULT_IOC_KEY_LOAD):
	case _IOC_NR(KVAULT_IOC_KEY_CHECK):
		return kvault_ioctl_seal(_IOC_NR(cmd), uarg);
	default:
		return kvault_ioctl_keys(_IOC_NR(cmd), uarg);
	}
}

static const struct file_operations kvault_fops = {
	.owner		= THIS_MODULE,
	.open		= kvault_open,
	.unlocked_ioctl	= kvault_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static char *kvault_devnode(KVAULT_DEVNODE_CONST struct device *dev,
			    umode_t *mode, kuid_t *uid, kgid_t *gid)
{
	if (mode)
		*mode = gid_valid(kvault_gid) ? 0660 : 0600;
	if (gid && gid_valid(kvault_gid))
		*gid = kvault_gid;
	return NULL;
}

static const struct device_type kvault_device_type = {
	.name		= "kvault",
	.devnode	= kvault_devnode,
};

static void kvault_device_release(struct device *dev)
{
	kfree(dev);
}

int kvault_chardev_init(void)
{
	int rc;

	kvault_gid = INVALID_GID;
	if (group >= 0) {
		kvault_gid = make_kgid(&init_user_ns, group);
		if (!gid_valid(kvault_gid)) {
			pr_err("invalid group id %d\n", group);
			return -EINVAL;
		}
	}

	rc = alloc_chrdev_region(&kvault_devt, 0, 1, KVAULT_DEVICE_NAME);
	if (rc)
		return rc;

	kvault_class = kvault_class_create(KVAULT_DEVICE_NAME);
	if (IS_ERR(kvault_class)) {
		rc = PTR_ERR(kvault_class);
		goto err_region;
	}

	kvault_device = kzalloc(sizeof(*kvault_device), GFP_KERNEL);
	if (!kvault_device) {
		rc = -ENOMEM;
		goto err_class;
	}
	device_initialize(kvault_device);
	kvault_device->devt = kvault_devt;
	kvault_device->class = kvault_class;
	kvault_device->type = &kvault_device_type;
	kvault_device->release = kvault_device_release;
	rc = dev_set_name(kvault_device, KVAULT_DEVICE_NAME);
	if (rc)
		goto err_device;

	cdev_init(&kvault_cdev, &kvault_fops);
	kvault_cdev.owner = THIS_MODULE;
	rc = cdev_device_add(&kvault_cdev, kvault_device);
	if (rc)
		goto err_device;
	return 0;

err_device:
	put_device(kvault_device);
err_class:
	class_destroy(kvault_class);
err_region:
	unregister_chrdev_region(kvault_devt, 1);
	return rc;
}

void kvault_chardev_exit(void)
{
	cdev_device_del(&kvault_cdev, kvault_device);
	put_device(kvault_device);
	class_destroy(kvault_class);
	unregister_chrdev_region(kvault_devt, 1);
}
