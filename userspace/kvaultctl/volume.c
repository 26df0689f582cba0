// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "volume ..." commands: plain dm-crypt mappings whose key is a vault
 * key used by reference, "capi:kvault(xts(aes))-plain64 HEXREF ...", made
 * and read back with libdevmapper. The reference names the key (a name
 * survives reboots, an ID does not) and pins its version; the kernel
 * resolves it when the table is loaded, with kvaultctl's credentials and
 * keyrings.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include <libdevmapper.h>

#include "json.h"
#include "key.h"
#include "key_format.h"
#include "report.h"
#include "volconf.h"

#define PFX	"kvaultctl: "

/* libdevmapper's own messages are replaced by kvaultctl's. */
static void dm_log_quiet(int level, const char *file, int line, int err,
			 const char *f, ...)
{
	(void)level;
	(void)file;
	(void)line;
	(void)err;
	(void)f;
}

/* Without udev (as in a minimal guest), libdevmapper makes the nodes. */
static void dm_setup(void)
{
	dm_log_with_errno_init(dm_log_quiet);
	if (access("/run/udev/control", F_OK))
		dm_udev_set_sync_support(0);
}

/*
 * One device-mapper task on @name: create (an empty device), reload (one
 * crypt target of @sectors and @params), resume, remove, or read the table
 * (into @params, @len). Returns 0 or a negative errno value (-ENXIO: no
 * such device).
 */
static int dm_run(int type, const char *name, uint64_t sectors, char *params,
		  size_t len, uint64_t *length)
{
	char *ttype = NULL, *tparams = NULL;
	struct dm_task *dmt;
	struct dm_info info;
	uint64_t start = 0, tlen = 0;
	uint32_t cookie = 0;
	/* the node appears at resume and goes at remove: udev's part */
	bool udev = type == DM_DEVICE_RESUME || type == DM_DEVICE_REMOVE;
	int ret = 0;

	dmt = dm_task_create(type);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name) ||
	    (type == DM_DEVICE_RELOAD &&
	     !dm_task_add_target(dmt, 0, sectors, "crypt", params)) ||
	    (udev && !dm_task_set_cookie(dmt, &cookie, 0))) {
		ret = -ENOMEM;
		goto out;
	}
	if (!dm_task_run(dmt)) {
		ret = dm_task_get_errno(dmt) ? -dm_task_get_errno(dmt) : -EIO;
		udev = false;
		goto out;
	}
	if (type != DM_DEVICE_TABLE)
		goto out;
	if (!dm_task_get_info(dmt, &info) || !info.exists) {
		ret = -ENXIO;
		goto out;
	}
	dm_get_next_target(dmt, NULL, &start, &tlen, &ttype, &tparams);
	if (!ttype || strcmp(ttype, "crypt") || !tparams ||
	    strlen(tparams) >= len)
		ret = -EMEDIUMTYPE;	/* not one crypt target */
	else
		strcpy(params, tparams);
	*length = tlen;
out:
	if (udev)
		dm_udev_wait(cookie);
	dm_task_destroy(dmt);
	dm_lib_release();
	return ret;
}

/*
 * Create @name with one crypt target: create, load, resume, so that the
 * kernel's errno of the table load (the key's setkey) reaches the caller
 * (libdevmapper's one-step create loses it). Undone on failure.
 */
static int dm_create(const char *name, uint64_t sectors, char *params)
{
	int ret;

	ret = dm_run(DM_DEVICE_CREATE, name, 0, NULL, 0, NULL);
	if (ret)
		return ret == -EBUSY ? -EEXIST : ret;
	ret = dm_run(DM_DEVICE_RELOAD, name, sectors, params, 0, NULL);
	if (!ret)
		ret = dm_run(DM_DEVICE_RESUME, name, 0, NULL, 0, NULL);
	if (ret)
		dm_run(DM_DEVICE_REMOVE, name, 0, NULL, 0, NULL);
	return ret;
}

/* The table of the crypt volume @name (its parameters in @params);
 * errors reported. */
static int volume_table(const char *name, struct kvaultctl_crypt_table *t,
			uint64_t *sectors,
			char params[KVAULTCTL_VOLUME_PARAMS_MAX])
{
	int ret;

	ret = dm_run(DM_DEVICE_TABLE, name, 0, params,
		     KVAULTCTL_VOLUME_PARAMS_MAX, sectors);
	if (ret == -ENXIO)
		fprintf(stderr, PFX "no volume named '%s' (no device-mapper device /dev/mapper/%s)\n",
			name, name);
	else if (ret == -EMEDIUMTYPE ||
		 (!ret && kvaultctl_crypt_table_parse(params, t)))
		fprintf(stderr, PFX "'%s' is not a dm-crypt volume (a single crypt target)\n",
			name);
	else if (ret)
		fprintf(stderr, PFX "reading the table of '%s': %s\n", name,
			strerror(-ret));
	else
		return 0;
	return ret ? ret : -EINVAL;
}

/* The size of block device @path; errors reported after @what. */
static int device_size(const char *what, const char *path, uint64_t *bytes)
{
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, PFX "%s: cannot open device %s: %s\n", what,
			path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISBLK(st.st_mode)) {
		fprintf(stderr, PFX "%s: %s is not a block device (for a file, attach it first: losetup -f --show FILE)\n",
			what, path);
		ret = -ENOTBLK;
	} else if (ioctl(fd, BLKGETSIZE64, bytes)) {
		ret = -errno;
		fprintf(stderr, PFX "%s: cannot read the size of %s: %s\n",
			what, path, strerror(errno));
	}
	close(fd);
	return ret;
}

/* The key @vol uses, checked for aes-xts-plain64; errors reported. */
static int volume_key(struct kvault *kv, const struct kvaultctl_volume *vol,
		      const char *what, struct kvault_key_info *info,
		      uint32_t *version)
{
	char alg[KVAULT_KEY_ALG_NAME_MAX];
	int ret;

	ret = kvault_key_get(kv, vol->key.id, vol->key.name, info);
	if (ret) {
		char w[KVAULT_KEY_NAME_MAX + 256];

		snprintf(w, sizeof(w), "%s: key '%s'", what, vol->key_arg);
		kvaultctl_report_key_error(stderr, w, ret, kvault_errmsg(kv),
					   true);
		return ret;
	}
	if (info->alg != KVAULT_ALG_AES_XTS_256 &&
	    info->alg != KVAULT_ALG_AES_XTS_512) {
		if (kvault_key_alg_name(info->alg, info->len, alg, sizeof(alg)))
			snprintf(alg, sizeof(alg), "alg-%u", info->alg);
		fprintf(stderr, PFX "%s: key '%s' is %s; %s needs an aes-xts-256 or aes-xts-512 key\n",
			what, vol->key_arg, alg, KVAULTCTL_VOLUME_CIPHER);
		return -EMEDIUMTYPE;
	}
	if (!(info->usage & KVAULT_USAGE_CRYPTO_API)) {
		fprintf(stderr, PFX "%s: key '%s' does not have the crypto-api usage (create it with --usage crypto-api)\n",
			what, vol->key_arg);
		return -EKEYREJECTED;
	}
	*version = vol->key_version ? vol->key_version : info->version;
	if (*version < info->min_version || *version > info->version) {
		fprintf(stderr, PFX "%s: key '%s' has no version %u (its live versions are %u to %u)\n",
			what, vol->key_arg, *version, info->min_version,
			info->version);
		return -ENOKEY;
	}
	return 0;
}

/* What the kernel's errno values mean for a crypt table load. */
static const char *open_hint(int err)
{
	switch (err) {
	case -EEXIST:	 return "a device-mapper device of that name exists already";
	case -ENOENT:	 return "no such key in the vault, or no kvault template (is kvault.ko loaded?)";
	case -EACCES:	 return "kvaultctl may not search the key (its permissions, or not in kvaultctl's keyrings)";
	case -ENOKEY:	 return "the key is not enabled, or the pinned version is not live";
	case -EKEYREVOKED: return "the key is revoked";
	case -EKEYEXPIRED: return "the key has expired";
	case -EKEYREJECTED: return "the key lacks the crypto-api usage";
	case -EMEDIUMTYPE: return "the key's algorithm does not fit xts(aes)";
	case -EBUSY:	 return "the device is in use (mounted, or mapped already?)";
	default:	 return NULL;
	}
}

/* What an open or close did, as one JSON object on a line. */
static void print_json_op(const char *op, const char *name,
			  const char *device, const char *key,
			  uint32_t version, uint64_t sectors,
			  uint32_t sector_size)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_object_begin(&w);
	json_key(&w, "op");
	json_string(&w, op);
	json_key(&w, "name");
	json_string(&w, name);
	if (device) {
		json_key(&w, "device");
		json_string(&w, device);
		json_key(&w, "key");
		json_string(&w, key);
		json_key(&w, "key_version");
		json_uint(&w, version);
		json_key(&w, "sectors");
		json_uint(&w, sectors);
		json_key(&w, "sector_size");
		json_uint(&w, sector_size ? sector_size : 512);
	}
	json_object_end(&w);
	fputc('\n', stdout);
	json_finish(&w);
}

/*
 * Open @vol; @where (may be "") says where it came from in messages.
 * Returns 0 or a negative errno value, reported.
 */
static int volume_open(struct kvault *kv, const struct kvaultctl_volume *vol,
		       const char *where, bool json)
{
	char hex[KVAULT_KEY_REF_HEX_MAX], params[KVAULTCTL_VOLUME_PARAMS_MAX];
	char what[KVAULTCTL_VOLUME_NAME_MAX + 64];
	struct kvault_key_info info;
	uint64_t bytes = 0, sectors = 0;
	uint32_t version = 0;
	const char *hint;
	int ret;

	snprintf(what, sizeof(what), "%sopening volume '%s'", where, vol->name);
	/* libdevmapper does not always pass the kernel's EBUSY on */
	if (dm_run(DM_DEVICE_TABLE, vol->name, 0, params, sizeof(params),
		   &sectors) != -ENXIO) {
		fprintf(stderr, PFX "%s: a device-mapper device named '%s' exists already%s\n",
			what, vol->name, where[0] ? "" :
			" (see 'kvaultctl volume status' or 'dmsetup ls')");
		return -EEXIST;
	}
	ret = volume_key(kv, vol, what, &info, &version);
	if (!ret)
		ret = device_size(what, vol->device, &bytes);
	if (ret)
		return ret;
	sectors = kvaultctl_volume_sectors(bytes, vol->sector_size);
	if (!sectors) {
		fprintf(stderr, PFX "%s: %s holds no whole sector\n", what,
			vol->device);
		return -EINVAL;
	}
	/* by name: stable across reboots, where IDs are not */
	ret = kvault_key_ref_hex(0, info.name, version, hex, sizeof(hex));
	if (ret >= 0)
		ret = kvaultctl_volume_params(hex, vol->device,
					      vol->sector_size, params,
					      sizeof(params));
	if (!ret)
		ret = dm_create(vol->name, sectors, params);
	if (ret) {
		hint = open_hint(ret);
		fprintf(stderr, PFX "%s: %s%s%s\n", what, strerror(-ret),
			hint ? ": " : "", hint ? hint : "");
		return ret;
	}
	if (json)
		print_json_op("open", vol->name, vol->device, info.name,
			      version, sectors, vol->sector_size);
	else
		printf("opened /dev/mapper/%s: %s, %s, key %s version %u, %" PRIu64 " sectors%s%.0u\n",
		       vol->name, vol->device, KVAULTCTL_VOLUME_CIPHER,
		       info.name, version, sectors,
		       vol->sector_size ? ", sector size " : "",
		       vol->sector_size);
	return 0;
}

/* Remove the kvault volume @name (only a kvault one); errors reported. */
static int volume_close(const char *name, bool json)
{
	char params[KVAULTCTL_VOLUME_PARAMS_MAX];
	struct kvaultctl_crypt_table t;
	uint64_t sectors;
	int ret;

	ret = volume_table(name, &t, &sectors, params);
	if (ret)
		return ret;
	if (!t.kvault) {
		fprintf(stderr, PFX "'%s' is a dm-crypt volume, but not one with a kvault key reference: close it with dmsetup remove\n",
			name);
		return -EINVAL;
	}
	ret = dm_run(DM_DEVICE_REMOVE, name, 0, NULL, 0, NULL);
	if (ret) {
		fprintf(stderr, PFX "closing volume '%s': %s%s\n", name,
			strerror(-ret), ret == -EBUSY ?
			" (still in use: mounted, or open?)" : "");
		return ret;
	}
	if (json)
		print_json_op("close", name, NULL, NULL, 0, 0, 0);
	else
		printf("closed /dev/mapper/%s\n", name);
	return 0;
}

/* "/dev/loop0" for "7:0", from sysfs; "" if it cannot tell. */
static void device_path(const char *majmin, char *buf, size_t len)
{
	char path[96], line[256];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/dev/block/%s/uevent", majmin);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line + 8) + 6 <= len)
			snprintf(buf, len, "/dev/%.*s", (int)(len - 6), line + 8);
		break;
	}
	fclose(f);
}

static void status_json(const char *name, const struct kvaultctl_crypt_table *t,
			const char *params, uint64_t sectors, const char *dev,
			int key_ret,
			const struct kvault_key_info *info,
			const struct kvault_key_usage *u)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_object_begin(&w);
	json_key(&w, "name");
	json_string(&w, name);
	json_key(&w, "device");
	json_string(&w, t->device);
	json_key(&w, "device_path");
	if (dev[0])
		json_string(&w, dev);
	else
		json_null(&w);
	json_key(&w, "cipher");
	json_string(&w, t->cipher);
	json_key(&w, "sectors");
	json_uint(&w, sectors);
	json_key(&w, "sector_size");
	json_uint(&w, t->sector_size);
	json_key(&w, "table");
	json_string(&w, params);
	json_key(&w, "key_ref");
	json_object_begin(&w);
	json_key(&w, "name");
	if (t->ref.id)
		json_null(&w);
	else
		json_string(&w, t->ref.name);
	json_key(&w, "id");
	json_uint(&w, (uint64_t)t->ref.id);
	json_key(&w, "version");
	json_uint(&w, t->ref.key_version);
	json_object_end(&w);
	json_key(&w, "key");
	if (key_ret) {
		json_null(&w);
		json_key(&w, "key_error");
		json_string(&w, strerror(-key_ret));
	} else {
		kvaultctl_json_key_usage(&w, info, u);
	}
	json_object_end(&w);
	fputc('\n', stdout);
	json_finish(&w);
}

static int volume_status(struct kvault *kv, const struct kvaultctl_args *a)
{
	char params[KVAULTCTL_VOLUME_PARAMS_MAX];
	struct kvaultctl_crypt_table t;
	struct kvault_key_usage u;
	struct kvault_key_info info;
	char dev[300];
	uint64_t sectors = 0;
	int ret;

	ret = volume_table(a->vol.name, &t, &sectors, params);
	if (ret)
		return KVAULTCTL_EXIT_FAIL;
	if (!t.kvault) {
		fprintf(stderr, PFX "'%s' is a dm-crypt volume (%s, key %s), but not one with a kvault key reference\n",
			a->vol.name, t.cipher, t.key_desc[0] ? t.key_desc :
			"in the table");
		return KVAULTCTL_EXIT_FAIL;
	}
	device_path(t.device, dev, sizeof(dev));
	ret = kvault_key_get_usage(kv, t.ref.id, t.ref.id ? NULL : t.ref.name,
				   &info, &u);
	if (a->json) {
		status_json(a->vol.name, &t, params, sectors, dev, ret, &info,
			    &u);
		return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	}
	printf("volume %s (/dev/mapper/%s)\n", a->vol.name, a->vol.name);
	printf("  device:       %s%s%s%s\n", t.device, dev[0] ? " (" : "",
	       dev, dev[0] ? ")" : "");
	printf("  cipher:       %s\n", t.cipher);
	printf("  size:         %" PRIu64 " sectors of 512 bytes\n", sectors);
	printf("  sector size:  %u\n", t.sector_size);
	/* the reference in full: dmsetup table shows it as zeros */
	printf("  table:        %s\n", params);
	if (t.ref.id)
		printf("  key ref:      id %d", t.ref.id);
	else
		printf("  key ref:      %s", t.ref.name);
	if (t.ref.key_version)
		printf(" version %u\n", t.ref.key_version);
	else
		printf(" (newest version at open)\n");
	if (ret) {
		printf("  key:          unavailable: %s\n", strerror(-ret));
		return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	}
	kvaultctl_print_key(stdout, &info);
	kvaultctl_print_key_usage(stdout, &info, &u);
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

/* open-all's and close-all's last line in JSON. */
static void print_summary_json(const char *path, bool close,
			       unsigned int done, unsigned int skipped,
			       unsigned int failed)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_object_begin(&w);
	json_key(&w, "config");
	json_string(&w, path);
	json_key(&w, close ? "closed" : "opened");
	json_uint(&w, done);
	json_key(&w, close ? "not_open" : "open_already");
	json_uint(&w, skipped);
	json_key(&w, "failed");
	json_uint(&w, failed);
	json_object_end(&w);
	fputc('\n', stdout);
	json_finish(&w);
}

/*
 * Every volume of the volumes file, opened (or closed with @close). A file
 * that may not be trusted is not read at all; a bad line is reported with
 * its number and counted as failed.
 */
static int volume_all(struct kvault *kv, const struct kvaultctl_args *a,
		      bool close)
{
	const char *path = a->config ? a->config : KVAULTCTL_VOLUMES_CONFIG;
	unsigned int done = 0, skipped = 0, failed = 0;
	char why[256], where[4096 + 32];
	char params[KVAULTCTL_VOLUME_PARAMS_MAX];
	struct kvaultctl_volumes_file vf;
	struct kvaultctl_volume vol;
	struct kvaultctl_crypt_table t;
	uint64_t sectors;
	int ret;

	ret = kvaultctl_volumes_open(&vf, path, why, sizeof(why));
	if (ret) {
		fprintf(stderr, PFX "cannot read %s: %s\n", path, why);
		return KVAULTCTL_EXIT_FAIL;
	}
	while ((ret = kvaultctl_volumes_next(&vf, &vol, why, sizeof(why)))) {
		if (ret == -EINVAL) {
			fprintf(stderr, PFX "%s:%u: %s\n", path, vf.line_no,
				why);
			failed++;
			continue;
		}
		if (ret < 0) {
			fprintf(stderr, PFX "%s: %s\n", path, why);
			failed++;
			break;
		}
		snprintf(where, sizeof(where), "%s:%u: ", path, vf.line_no);
		/* is it open? (quietly: a missing device is the usual case) */
		ret = dm_run(DM_DEVICE_TABLE, vol.name, 0, params,
			     sizeof(params), &sectors);
		if (close) {
			if (ret == -ENXIO) {
				skipped++;
				continue;
			}
			ret = volume_close(vol.name, a->json);
		} else if (ret != -ENXIO) {
			if (!ret && !kvaultctl_crypt_table_parse(params, &t) &&
			    t.kvault) {
				if (a->json)
					print_json_op("open-already", vol.name,
						      NULL, NULL, 0, 0, 0);
				else
					printf("%s: /dev/mapper/%s is open already\n",
					       path, vol.name);
				skipped++;
				continue;
			}
			fprintf(stderr, PFX "%sopening volume '%s': a device-mapper device of that name exists already, and is not a kvault volume\n",
				where, vol.name);
			ret = -EEXIST;
		} else {
			ret = volume_open(kv, &vol, where, a->json);
		}
		if (ret)
			failed++;
		else
			done++;
	}
	kvaultctl_volumes_close(&vf);
	if (a->json)
		print_summary_json(path, close, done, skipped, failed);
	else
		printf("%s: %u %s, %u %s, %u failed\n", path, done,
		       close ? "closed" : "opened", skipped,
		       close ? "not open" : "open already", failed);
	return kvaultctl_flush_stdout(failed ? KVAULTCTL_EXIT_FAIL :
				      KVAULTCTL_EXIT_OK);
}

int kvaultctl_volume_run(const struct kvaultctl_args *a)
{
	struct kvault *kv = NULL;
	int ret;

	dm_setup();
	if (a->cmd == KVAULTCTL_CMD_VOLUME_CLOSE)
		return volume_close(a->vol.name, a->json) ?
			KVAULTCTL_EXIT_FAIL :
			kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	if (a->cmd != KVAULTCTL_CMD_VOLUME_CLOSE_ALL) {
		/* key metadata is read over netlink */
		ret = kvaultctl_open(&kv, true);
		if (ret)
			return ret;
	}
	switch (a->cmd) {
	case KVAULTCTL_CMD_VOLUME_OPEN:
		ret = volume_open(kv, &a->vol, "", a->json) ?
			KVAULTCTL_EXIT_FAIL :
			kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
		break;
	case KVAULTCTL_CMD_VOLUME_STATUS:
		ret = volume_status(kv, a);
		break;
	case KVAULTCTL_CMD_VOLUME_OPEN_ALL:
		ret = volume_all(kv, a, false);
		break;
	default:
		ret = volume_all(kv, a, true);
		break;
	}
	kvault_close(kv);
	return ret;
}
