// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define PFX	"kvaultctl: "

const char *kvaultctl_device_path(void)
{
	const char *path = secure_getenv("KVAULT_DEVICE");

	return path && *path ? path : "/dev/" KVAULT_DEVICE_NAME;
}

int kvaultctl_open(struct kvault **kv, bool netlink)
{
	int ret = kvault_open(kv, netlink ? KVAULT_TRANSPORT_NETLINK :
					    KVAULT_TRANSPORT_IOCTL);

	if (!ret)
		return KVAULTCTL_EXIT_OK;
	kvaultctl_report_open_error(stderr, ret, netlink,
				    kvaultctl_device_path());
	return KVAULTCTL_EXIT_FAIL;
}

int kvaultctl_flush_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PFX "error writing output: %s\n",
			strerror(errno));
		return KVAULTCTL_EXIT_FAIL;
	}
	return status;
}

void kvaultctl_report_open_error(FILE *f, int err, bool netlink,
				 const char *device)
{
	if (netlink) {
		if (err == -ENOENT)
			fprintf(f, PFX "kvault module is not loaded (generic netlink family '%s' not found). Load it with: modprobe kvault\n",
				KVAULT_GENL_NAME);
		else
			fprintf(f, PFX "cannot open generic netlink family '%s': %s\n",
				KVAULT_GENL_NAME, strerror(-err));
		return;
	}

	switch (err) {
	case -ENOENT:
		fprintf(f, PFX "kvault module is not loaded (no %s). Load it with: modprobe kvault\n",
			device);
		break;
	case -ENXIO:
	case -ENODEV:
		/* a device node left behind, with no driver */
		fprintf(f, PFX "kvault module is not loaded (%s has no driver). Load it with: modprobe kvault\n",
			device);
		break;
	case -EACCES:
	case -EPERM:
		fprintf(f, PFX "permission denied opening %s: run as root or as a member of the group set by kvault's 'group' module parameter\n",
			device);
		break;
	default:
		fprintf(f, PFX "cannot open %s: %s\n", device, strerror(-err));
		break;
	}
}

/* As kvaultctl_report_error(); @hint is shown for any error if @any_err. */
static void report(FILE *f, const char *what, int err, const char *errmsg,
		   bool netlink, const char *hint, bool any_err)
{
	bool has_msg = errmsg && *errmsg;

	switch (err) {
	case -ENODEV:
		fprintf(f, PFX "no TPM 2.0 device found%s%s\n",
			has_msg ? ": " : "", has_msg ? errmsg : "");
		return;
	case -EPERM:
	case -EACCES:
		if (netlink) {
			fprintf(f, PFX "%s: permission denied: kvault's netlink commands need CAP_SYS_ADMIN%s%s\n",
				what, has_msg ? ": " : "", has_msg ? errmsg : "");
			return;
		}
		break;
	case -EPROTO:
		fprintf(f, PFX "%s: malformed reply from the kernel (do kvaultctl and the kvault module match?)\n",
			what);
		return;
	case -ENOTTY:
		fprintf(f, PFX "%s: %s: is %s the kvault device?\n", what,
			strerror(-err), kvaultctl_device_path());
		return;
	default:
		break;
	}
	fprintf(f, PFX "%s: %s", what, strerror(-err));
	if (has_msg)
		fprintf(f, ": %s", errmsg);
	else if ((err == -EINVAL || any_err) && hint)
		fprintf(f, " (%s)", hint);
	fputc('\n', f);
}

void kvaultctl_report_error(FILE *f, const char *what, int err,
			    const char *errmsg, bool netlink, const char *hint)
{
	report(f, what, err, errmsg, netlink, hint, false);
}

/* What the vault's errno values mean for a key (uapi: "States"). */
static const char *key_hint(int err)
{
	switch (err) {
	case -ENOENT:		return "the vault holds no such key";
	case -ENOKEY:		return "the key is destroyed";
	case -EALREADY:		return "the key is in that state already";
	case -EBUSY:		return "the key's destroy is pending: cancel it first";
	case -EEXIST:		return "a key of that name exists";
	case -EDQUOT:		return "the user's key quota is exhausted";
	case -ENOSPC:		return "the key has as many versions as it can: raise its minimum version";
	case -ERANGE:		return "the key has no such version yet";
	case -EINVAL:		return "not possible for this key or in its state";
	/* only keyctl revoke: the ioctls' permission is checked at open */
	case -EACCES:		return "keyctl revoke needs write or setattr permission on the key";
	default:		return NULL;
	}
}

void kvaultctl_report_key_error(FILE *f, const char *what, int err,
				const char *errmsg, bool netlink)
{
	report(f, what, err, errmsg, netlink, key_hint(err), true);
}

/* What the vault's errno values mean for seal, reseal, check, extend. */
static const char *seal_hint(int err)
{
	switch (err) {
	case -ENOENT:		return "the vault holds no such key";
	case -ENOKEY:		return "the key is not enabled (disabled, destroy pending or destroyed)";
	case -EBUSY:		return "the key's destroy is pending";
	case -EPERM:		return "sealing is locked for this boot ('kvaultctl pcr extend'), or permission denied";
	case -EIO:		return "the TPM failed the command";
	case -EBADMSG:		return "the blob is not this TPM's, or fails kvault's checks";
	case -EINVAL:		return "a bad PCR set, expected values or PIN, a bank the TPM has not allocated (see 'kvaultctl status'), or a malformed blob";
	default:		return NULL;
	}
}

void kvaultctl_report_seal_error(FILE *f, const char *what, int err,
				 const char *errmsg)
{
	report(f, what, err, errmsg, false, seal_hint(err), true);
}
