// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkvault's sealing functions: KVAULT_IOC_KEY_SEAL, _RESEAL, _LOAD,
 * _CHECK and KVAULT_IOC_PCR_EXTEND. The PIN is never copied: the kernel
 * reads it from the caller's buffer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

_Static_assert(sizeof(struct kvault_key_seal) >= KVAULT_KEY_SEAL_SIZE_VER0,
	       "struct kvault_key_seal is smaller than its first version");
_Static_assert(sizeof(struct kvault_pcr_extend) >= KVAULT_PCR_EXTEND_SIZE_VER0,
	       "struct kvault_pcr_extend is smaller than its first version");

/* A blob a newer kernel says it needs; more is a broken reply. */
#define SEAL_RETRY_MAX	(1024 * 1024)

/* 1..KVAULT_PIN_MAX printable ASCII characters other than space. */
static bool pin_ok(const char *pin, size_t len)
{
	size_t i;

	if (!pin)
		return len == 0;
	if (len == 0 || len > KVAULT_PIN_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (pin[i] <= 0x20 || pin[i] > 0x7e)
			return false;
	return true;
}

static void set_pin(struct kvault_key_seal *req, const char *pin, size_t len)
{
	if (!pin)
		return;
	req->flags |= KVAULT_SEAL_PIN;
	req->pin = (uintptr_t)pin;
	req->pin_len = (uint32_t)len;
}

/* Copy what the kernel reported into @rep (if it wrote a struct at all). */
static void report_from(struct kvault_seal_report *rep,
			const struct kvault_key_seal *req)
{
	if (!rep)
		return;
	memset(rep, 0, sizeof(*rep));
	if (!reply_size_ok(req->size, KVAULT_KEY_SEAL_SIZE_VER0, sizeof(*req)))
		return;
	rep->id = req->id > 0 ? req->id : 0;
	rep->bank = req->pcr_bank;
	rep->pcr_mask = req->pcr_mask;
	rep->pcr_mismatch = req->pcr_mismatch;
	rep->lockout_seconds = req->lockout_seconds;
	rep->tpm_rc = req->tpm_rc;
	rep->status = req->status;
}

/* SEAL or RESEAL, with one retry if the kernel wants a larger buffer. */
static int seal_common(struct kvault *kv, unsigned long request, int32_t id,
		       const char *name, const struct kvault_seal_params *p,
		       int32_t *sealed_id, uint8_t **blob, size_t *blob_len)
{
	struct kvault_key_seal req;
	size_t size = KVAULT_BLOB_MAX;
	uint8_t *buf = NULL, *shrunk;
	int ret, tries;

	if (sealed_id)
		*sealed_id = 0;
	if (blob)
		*blob = NULL;
	if (blob_len)
		*blob_len = 0;
	if (!kv || !p || !blob || !blob_len || !key_ref_ok(id, name) ||
	    !pin_ok(p->pin, p->pin_len) ||
	    (!p->pcr_values && p->pcr_values_len) ||
	    (p->pcr_values && !p->pcr_values_len) ||
	    p->pcr_values_len > UINT32_MAX ||
	    (p->pcr_mask & ~(uint32_t)KVAULT_PCR_MASK_ALL))
		return -EINVAL;
	errmsg_clear(kv);
	ret = kvault_need_ioctl(kv);
	if (ret)
		return ret;

	for (tries = 0; tries < 2; tries++) {
		free(buf);
		buf = malloc(size);
		if (!buf)
			return -ENOMEM;
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.id = id;
		req.pcr_bank = p->bank;
		req.pcr_mask = p->pcr_mask;
		set_pin(&req, p->pin, p->pin_len);
		if (p->pcr_values) {
			req.flags |= KVAULT_SEAL_PCR_VALUES;
			req.pcr_values = (uintptr_t)p->pcr_values;
			req.pcr_values_len = (uint32_t)p->pcr_values_len;
		}
		req.blob = (uintptr_t)buf;
		req.blob_len = (uint32_t)size;
		ret = name ? name_copy(req.name, name) : 0;
		if (!ret)
			ret = ioctl_call(kv->fd, request, &req);
		if (ret != -ENOSPC || tries)
			break;
		/* sealed nevertheless: ask again with the size it reported */
		if (req.blob_len <= size || req.blob_len > SEAL_RETRY_MAX) {
			ret = -EPROTO;
			break;
		}
		size = req.blob_len;
	}
	if (!ret && (!reply_size_ok(req.size, KVAULT_KEY_SEAL_SIZE_VER0,
				    sizeof(req)) ||
		     req.blob_len == 0 || req.blob_len > size ||
		     (id && req.id && req.id != id)))
		ret = -EPROTO;
	if (ret) {
		free(buf);
		return ret;
	}
	shrunk = realloc(buf, req.blob_len);
	*blob = shrunk ? shrunk : buf;
	*blob_len = req.blob_len;
	if (sealed_id)
		*sealed_id = req.id > 0 ? req.id : id;
	return 0;
}

KVAULT_EXPORT int kvault_key_seal(struct kvault *kv, int32_t id,
				  const char *name,
				  const struct kvault_seal_params *p,
				  int32_t *sealed_id, uint8_t **blob,
				  size_t *blob_len)
{
	return seal_common(kv, KVAULT_IOC_KEY_SEAL, id, name, p, sealed_id,
			   blob, blob_len);
}

KVAULT_EXPORT int kvault_key_reseal(struct kvault *kv, int32_t id,
				    const char *name,
				    const struct kvault_seal_params *p,
				    int32_t *sealed_id, uint8_t **blob,
				    size_t *blob_len)
{
	return seal_common(kv, KVAULT_IOC_KEY_RESEAL, id, name, p, sealed_id,
			   blob, blob_len);
}

/* LOAD (with @name) or CHECK (without). */
static int blob_common(struct kvault *kv, unsigned long request,
		       const char *name, const void *blob, size_t blob_len,
		       const char *pin, size_t pin_len,
		       struct kvault_seal_report *rep)
{
	struct kvault_key_seal req;
	int ret;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	if (!kv || !blob || blob_len == 0 || blob_len > KVAULT_BLOB_MAX ||
	    !pin_ok(pin, pin_len))
		return -EINVAL;
	errmsg_clear(kv);
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	set_pin(&req, pin, pin_len);
	req.blob = (uintptr_t)blob;
	req.blob_len = (uint32_t)blob_len;
	ret = name ? name_copy(req.name, name) : 0;
	if (!ret)
		ret = kvault_need_ioctl(kv);
	if (ret)
		return ret;
	ret = ioctl_call(kv->fd, request, &req);
	/* the out fields are written on failure too */
	report_from(rep, &req);
	if (ret)
		return ret;
	if (!reply_size_ok(req.size, KVAULT_KEY_SEAL_SIZE_VER0, sizeof(req)) ||
	    (name && req.id <= 0)) {
		if (rep)
			memset(rep, 0, sizeof(*rep));
		return -EPROTO;
	}
	return 0;
}

KVAULT_EXPORT int kvault_key_load(struct kvault *kv, const char *name,
				  const void *blob, size_t blob_len,
				  const char *pin, size_t pin_len,
				  struct kvault_seal_report *rep)
{
	if (!name) {
		if (rep)
			memset(rep, 0, sizeof(*rep));
		return -EINVAL;
	}
	return blob_common(kv, KVAULT_IOC_KEY_LOAD, name, blob, blob_len, pin,
			   pin_len, rep);
}

KVAULT_EXPORT int kvault_key_check(struct kvault *kv, const void *blob,
				   size_t blob_len,
				   struct kvault_seal_report *rep)
{
	if (!rep)
		return -EINVAL;
	return blob_common(kv, KVAULT_IOC_KEY_CHECK, NULL, blob, blob_len,
			   NULL, 0, rep);
}

KVAULT_EXPORT int kvault_pcr_extend(struct kvault *kv, uint32_t pcr)
{
	struct kvault_pcr_extend req;
	int ret;

	if (!kv || pcr >= KVAULT_PCR_COUNT)
		return -EINVAL;
	errmsg_clear(kv);
	ret = kvault_need_ioctl(kv);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.pcr = pcr;
	ret = ioctl_call(kv->fd, KVAULT_IOC_PCR_EXTEND, &req);
	if (ret)
		return ret;
	if (!reply_size_ok(req.size, KVAULT_PCR_EXTEND_SIZE_VER0, sizeof(req)))
		return -EPROTO;
	return 0;
}
