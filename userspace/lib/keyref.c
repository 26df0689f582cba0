// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkvault's side of the kvault crypto template: key references (what
 * kvault(...)'s setkey takes instead of key bytes), built, hex-encoded for
 * a dm-crypt table and read back; and the logon mirror
 * (KVAULT_IOC_KEY_PUBLISH, _UNPUBLISH).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

_Static_assert(sizeof(struct kvault_key_ref) == KVAULT_KEY_REF_HDR_SIZE,
	       "struct kvault_key_ref's header is not KVAULT_KEY_REF_HDR_SIZE");
_Static_assert(sizeof(struct kvault_key_publish) >= KVAULT_KEY_PUBLISH_SIZE_VER0,
	       "struct kvault_key_publish is smaller than its first version");

/* 1 to KVAULT_KEY_NAME_MAX - 1 printable ASCII characters, no space. */
static size_t ref_name_len(const char *name)
{
	size_t i, n = strnlen(name, KVAULT_KEY_NAME_MAX);

	if (n == 0 || n == KVAULT_KEY_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (name[i] <= 0x20 || name[i] > 0x7e)
			return 0;
	return n;
}

KVAULT_EXPORT int kvault_key_ref_build(int32_t id, const char *name,
				       uint32_t key_version, void *buf,
				       size_t size)
{
	struct kvault_key_ref ref;
	size_t n = 0, total = KVAULT_KEY_REF_HDR_SIZE;

	if (!key_ref_ok(id, name))
		return -EINVAL;
	if (name) {
		n = ref_name_len(name);
		if (!n)
			return -EINVAL;
		total += n + 1;
	}
	if (!buf || size < total)
		return -ENOSPC;
	memset(&ref, 0, sizeof(ref));
	ref.magic = KVAULT_KEY_REF_MAGIC;
	ref.version = KVAULT_KEY_REF_VERSION;
	ref.size = (uint16_t)total;
	ref.id = id;
	ref.key_version = key_version;
	memcpy(buf, &ref, sizeof(ref));
	if (name) {
		memcpy((char *)buf + sizeof(ref), name, n);
		((char *)buf)[sizeof(ref) + n] = '\0';
	}
	return (int)total;
}

KVAULT_EXPORT int kvault_key_ref_hex(int32_t id, const char *name,
				     uint32_t key_version, char *hex,
				     size_t size)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char ref[KVAULT_KEY_REF_MAX_SIZE];
	int len, i;

	len = kvault_key_ref_build(id, name, key_version, ref, sizeof(ref));
	if (len < 0)
		return len;
	if (!hex || size < (size_t)len * 2 + 1)
		return -ENOSPC;
	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[ref[i] >> 4];
		hex[2 * i + 1] = digits[ref[i] & 0xf];
	}
	hex[2 * len] = '\0';
	return len * 2;
}

KVAULT_EXPORT int kvault_key_ref_parse(const void *buf, size_t len,
				       struct kvault_key_ref_info *info)
{
	struct kvault_key_ref ref;
	const char *name;
	size_t n;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	if (!buf || len < KVAULT_KEY_REF_HDR_SIZE)
		return -EINVAL;
	memcpy(&ref, buf, sizeof(ref));
	if (ref.magic != KVAULT_KEY_REF_MAGIC ||
	    ref.version != KVAULT_KEY_REF_VERSION || ref.flags ||
	    ref.reserved || ref.size < KVAULT_KEY_REF_HDR_SIZE ||
	    ref.size > KVAULT_KEY_REF_MAX_SIZE || ref.size > len)
		return -EINVAL;
	if (ref.id) {
		if (ref.id < 0 || ref.size != KVAULT_KEY_REF_HDR_SIZE)
			return -EINVAL;
	} else {
		name = (const char *)buf + KVAULT_KEY_REF_HDR_SIZE;
		n = ref.size - KVAULT_KEY_REF_HDR_SIZE;
		/* the name and its NUL end exactly at @size */
		if (n < 2 || name[n - 1] != '\0' || ref_name_len(name) != n - 1)
			return -EINVAL;
		memcpy(info->name, name, n);
	}
	info->id = ref.id;
	info->key_version = ref.key_version;
	info->size = ref.size;
	return (int)ref.size;
}

/* KVAULT_IOC_KEY_PUBLISH or _UNPUBLISH on the key @id or @name. */
static int publish_op(struct kvault *kv, unsigned long request, int32_t id,
		      const char *name, struct kvault_key_mirror *m)
{
	struct kvault_key_publish req;
	int ret;

	if (m)
		memset(m, 0, sizeof(*m));
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.id = id;
	ret = key_ioctl(kv, request, id, name, req.name, &req);
	if (ret)
		return ret;
	if (!reply_size_ok(req.size, KVAULT_KEY_PUBLISH_SIZE_VER0,
			   sizeof(req)) ||
	    req.id <= 0 || (id && req.id != id) || req.mirror_id < 0 ||
	    (request == KVAULT_IOC_KEY_PUBLISH && req.mirror_id == 0))
		return -EPROTO;
	if (m) {
		m->id = req.id;
		m->mirror_id = req.mirror_id;
		m->version = req.version;
	}
	return 0;
}

KVAULT_EXPORT int kvault_key_publish(struct kvault *kv, int32_t id,
				     const char *name,
				     struct kvault_key_mirror *m)
{
	return publish_op(kv, KVAULT_IOC_KEY_PUBLISH, id, name, m);
}

KVAULT_EXPORT int kvault_key_unpublish(struct kvault *kv, int32_t id,
				       const char *name,
				       struct kvault_key_mirror *m)
{
	return publish_op(kv, KVAULT_IOC_KEY_UNPUBLISH, id, name, m);
}
