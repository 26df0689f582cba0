// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sealing commands: key seal, reseal, load, check, load-all and pcr
 * extend, through /dev/kvault. Inputs (PIN, expected values, blob files)
 * are read and checked before the device is opened.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "json.h"
#include "key.h"
#include "libkvault.h"
#include "report.h"
#include "seal_core.h"
#include "store.h"

#define PFX	"kvaultctl: "

static int ops_load(void *ctx, const char *name, const uint8_t *blob,
		    size_t len, struct kvault_seal_report *rep)
{
	return kvault_key_load(ctx, name, blob, len, NULL, 0, rep);
}

static int ops_key_id(void *ctx, const char *name, int32_t *id)
{
	struct kvault_key_state st;
	int ret = kvault_key_state_get(ctx, 0, name, &st);

	*id = ret ? 0 : st.id;
	return ret;
}

static int ops_pcr_read(void *ctx, uint16_t bank, uint32_t mask,
			struct kvault_pcr_values *v)
{
	return kvault_pcr_read(ctx, bank, mask, v);
}

static void ops_init(struct kvaultctl_seal_ops *ops, struct kvault *kv)
{
	ops->load = ops_load;
	ops->key_id = ops_key_id;
	ops->pcr_read = ops_pcr_read;
	ops->ctx = kv;
}

/* The PIN the options name, if any: an exit status (0: go on). */
static int get_pin(const struct kvaultctl_args *a, char pin[KVAULTCTL_PIN_BUF],
		   size_t *len)
{
	char why[256];
	int ret;

	*len = 0;
	if (!a->pin_file && !a->pin_stdin)
		return KVAULTCTL_EXIT_OK;
	ret = kvaultctl_read_pin(a->pin_file, pin, len, why, sizeof(why));
	if (!ret)
		return KVAULTCTL_EXIT_OK;
	fprintf(stderr, PFX "reading the PIN from %s: %s\n",
		a->pin_file ? a->pin_file : "stdin", why);
	/* a PIN that is not one is a bad argument; a read error is not */
	return ret == -EINVAL || ret == -E2BIG ? KVAULTCTL_EXIT_USAGE :
						 KVAULTCTL_EXIT_FAIL;
}

/* The expected values from --pcr-values or --pcr-values-file. */
static int get_values(const struct kvaultctl_args *a, uint8_t *values,
		      size_t *len)
{
	unsigned int ds = kvault_bank_digest_size(a->seal_bank);
	int n = __builtin_popcount(a->seal_mask);
	int ret;

	*len = 0;
	if (a->pcr_values_given) {
		memcpy(values, a->pcr_values, a->pcr_values_len);
		*len = a->pcr_values_len;
		return KVAULTCTL_EXIT_OK;
	}
	if (!a->pcr_values_file)
		return KVAULTCTL_EXIT_OK;
	ret = kvaultctl_read_values_file(a->pcr_values_file, values,
					 KVAULTCTL_PCR_VALUES_MAX, len);
	if (ret == -EINVAL || ret == -E2BIG) {
		fprintf(stderr, PFX "%s: %s\n", a->pcr_values_file,
			ret == -E2BIG ? "too large for the expected values of 24 PCRs" :
			"not hex (two hex digits per byte; blanks and newlines between bytes are allowed)");
		return KVAULTCTL_EXIT_USAGE;
	}
	if (ret) {
		fprintf(stderr, PFX "%s: %s\n", a->pcr_values_file,
			strerror(-ret));
		return KVAULTCTL_EXIT_FAIL;
	}
	if (ds && *len != (size_t)ds * (size_t)n) {
		fprintf(stderr, PFX "%s has %zu bytes of values; %d PCRs of %s need %zu (%u each, in ascending PCR order)\n",
			a->pcr_values_file, *len, n,
			kvault_bank_name(a->seal_bank), (size_t)ds * (size_t)n,
			ds);
		return KVAULTCTL_EXIT_USAGE;
	}
	return KVAULTCTL_EXIT_OK;
}

static int key_seal(const struct kvaultctl_args *a)
{
	bool reseal = a->cmd == KVAULTCTL_CMD_KEY_RESEAL;
	const char *op = reseal ? "reseal" : "seal";
	const char *dir = kvaultctl_store_dir(a->store), *step;
	struct kvault_seal_params p;
	struct kvault_blob_info bi;
	char pin[KVAULTCTL_PIN_BUF], path[PATH_MAX], what[KVAULT_KEY_NAME_MAX + 32];
	uint8_t values[KVAULTCTL_PCR_VALUES_MAX], *blob = NULL;
	size_t pin_len = 0, values_len = 0, blob_len = 0;
	struct kvault *kv = NULL;
	int32_t id = 0;
	int ret, status;

	snprintf(what, sizeof(what), "%s key '%s'", op, a->key.name);
	status = get_values(a, values, &values_len);
	if (status)
		return status;
	if (kvaultctl_store_path(dir, a->key.name, path, sizeof(path))) {
		fprintf(stderr, PFX "%s: the key store's path is too long\n", what);
		return KVAULTCTL_EXIT_FAIL;
	}
	status = get_pin(a, pin, &pin_len);
	if (status)
		goto out;
	status = kvaultctl_open(&kv, false);
	if (status)
		goto out;
	/* find a store that cannot be written before sealing, not after */
	ret = kvaultctl_store_ensure_dir(dir);
	if (ret) {
		fprintf(stderr, PFX "%s: key store %s: %s\n", what, dir,
			strerror(-ret));
		status = KVAULTCTL_EXIT_FAIL;
		goto out;
	}

	memset(&p, 0, sizeof(p));
	if (!reseal || a->pcrs_given) {
		p.bank = a->seal_bank;
		p.pcr_mask = a->seal_mask;
	}
	p.pcr_values = values_len ? values : NULL;
	p.pcr_values_len = values_len;
	p.pin = pin_len ? pin : NULL;
	p.pin_len = pin_len;
	if (reseal)
		ret = kvault_key_reseal(kv, 0, a->key.name, &p, &id, &blob,
					&blob_len);
	else
		ret = kvault_key_seal(kv, 0, a->key.name, &p, &id, &blob,
				      &blob_len);
	explicit_bzero(pin, sizeof(pin));
	if (ret) {
		kvaultctl_report_seal_error(stderr, what, ret, kvault_errmsg(kv));
		status = KVAULTCTL_EXIT_FAIL;
		goto out;
	}
	if (!id)
		ops_key_id(kv, a->key.name, &id);
	ret = kvaultctl_store_write(dir, a->key.name, blob, blob_len, &step);
	if (ret) {
		fprintf(stderr, PFX "%s: the key is sealed, but writing %s failed (%s): %s; 'keyctl pipe %%%s:%s' gives the blob in hex\n",
			what, path, step, strerror(-ret), KVAULT_KEY_TYPE,
			a->key.name);
		status = KVAULTCTL_EXIT_FAIL;
		goto out;
	}
	ret = kvault_blob_parse(blob, blob_len, &bi);
	if (ret)
		fprintf(stderr, PFX "warning: cannot read the header of the blob the kernel made (%s); it is stored as it is\n",
			strerror(-ret));
	kvaultctl_print_sealed(stdout, a->json, op, a->key.name, id,
			       ret ? NULL : &bi, pin_len != 0, path, blob_len);
	status = kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
out:
	explicit_bzero(pin, sizeof(pin));
	free(blob);
	kvault_close(kv);
	return status;
}

/* The blob of a load or check: --blob FILE, or the store's. */
static int get_blob(const struct kvaultctl_args *a, const char *what,
		    uint8_t *buf, size_t *len, struct kvault_blob_info *bi,
		    char *path, size_t pathlen)
{
	char why[PATH_MAX + 128];

	if (a->blob_path) {
		snprintf(path, pathlen, "%s", a->blob_path);
	} else if (kvaultctl_store_path(kvaultctl_store_dir(a->store),
					a->key.name, path, pathlen)) {
		fprintf(stderr, PFX "%s: the key store's path is too long\n",
			what);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (!kvaultctl_blob_read(path, !a->blob_path, buf, len, bi, why,
				 sizeof(why)))
		return KVAULTCTL_EXIT_OK;
	fprintf(stderr, PFX "%s: %s\n", what, why);
	return KVAULTCTL_EXIT_FAIL;
}

static int key_load(const struct kvaultctl_args *a)
{
	char pin[KVAULTCTL_PIN_BUF], path[PATH_MAX], why[512];
	char what[KVAULT_KEY_NAME_MAX + 32];
	struct kvaultctl_seal_ops ops;
	struct kvault_seal_report rep;
	struct kvault_pcr_values cur;
	struct kvault_blob_info bi;
	struct kvault *kv = NULL;
	struct json_writer w;
	size_t len, pin_len = 0;
	int ret, status, cur_err;
	uint8_t *buf;

	snprintf(what, sizeof(what), "load key '%s'", a->key.name);
	buf = malloc(KVAULTCTL_BLOB_BUF);
	if (!buf) {
		fprintf(stderr, PFX "%s: %s\n", what, strerror(ENOMEM));
		return KVAULTCTL_EXIT_FAIL;
	}
	status = get_blob(a, what, buf, &len, &bi, path, sizeof(path));
	if (status)
		goto out;
	if ((bi.policy_flags & KVAULT_SEAL_PIN) && !a->pin_file &&
	    !a->pin_stdin) {
		fprintf(stderr, PFX "%s: the key is sealed with a PIN: give --pin-file FILE or --pin-stdin\n",
			what);
		status = KVAULTCTL_EXIT_FAIL;
		goto out;
	}
	status = get_pin(a, pin, &pin_len);
	if (status)
		goto out;
	status = kvaultctl_open(&kv, false);
	if (status)
		goto out;
	ret = kvault_key_load(kv, a->key.name, buf, len,
			      pin_len ? pin : NULL, pin_len, &rep);
	explicit_bzero(pin, sizeof(pin));
	if (ret) {
		kvaultctl_refusal_str(ret, &rep, &bi, a->key.name, why,
				      sizeof(why));
		fprintf(stderr, PFX "%s: %s\n", what, why);
		if (ret == -EKEYREJECTED && rep.pcr_mismatch) {
			ops_init(&ops, kv);
			cur_err = kvaultctl_read_mismatch(&ops, &bi,
							  rep.pcr_mismatch,
							  &cur);
			kvaultctl_print_mismatch(stderr, "  ", &bi,
						 rep.pcr_mismatch &
						 KVAULT_PCR_MASK_ALL, &cur,
						 cur_err);
		}
		status = KVAULTCTL_EXIT_FAIL;
		goto out;
	}
	if (a->json) {
		json_init(&w, stdout);
		json_object_begin(&w);
		json_key(&w, "op");
		json_string(&w, "load");
		json_key(&w, "id");
		json_uint(&w, (uint64_t)rep.id);
		json_key(&w, "name");
		json_string(&w, a->key.name);
		json_key(&w, "blob");
		json_string(&w, path);
		json_object_end(&w);
		fputc('\n', stdout);
		json_finish(&w);
	} else {
		printf("load: key %s (id %d) from %s\n", a->key.name, rep.id,
		       path);
	}
	status = kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
out:
	explicit_bzero(pin, sizeof(pin));
	free(buf);
	kvault_close(kv);
	return status;
}

static int key_check(const struct kvaultctl_args *a)
{
	char path[PATH_MAX], what[KVAULT_KEY_NAME_MAX + 32];
	struct kvaultctl_seal_ops ops;
	struct kvault_seal_report rep;
	struct kvault_pcr_values cur;
	struct kvault_blob_info bi;
	struct kvault *kv = NULL;
	int ret, status, cur_err;
	size_t len;
	uint8_t *buf;

	snprintf(what, sizeof(what), "check key '%s'", a->key.name);
	buf = malloc(KVAULTCTL_BLOB_BUF);
	if (!buf) {
		fprintf(stderr, PFX "%s: %s\n", what, strerror(ENOMEM));
		return KVAULTCTL_EXIT_FAIL;
	}
	status = get_blob(a, what, buf, &len, &bi, path, sizeof(path));
	if (status)
		goto out;
	status = kvaultctl_open(&kv, false);
	if (status)
		goto out;
	ret = kvault_key_check(kv, buf, len, &rep);
	if (ret) {
		kvaultctl_report_seal_error(stderr, what, ret, kvault_errmsg(kv));
		status = KVAULTCTL_EXIT_FAIL;
		goto out;
	}
	ops_init(&ops, kv);
	cur_err = kvaultctl_read_mismatch(&ops, &bi, rep.pcr_mismatch, &cur);
	kvaultctl_print_check(stdout, a->json, a->key.name, path, len, &bi,
			      &rep, &cur, cur_err);
	status = kvaultctl_flush_stdout(rep.status & KVAULT_SEAL_ST_WOULD_UNSEAL ?
					KVAULTCTL_EXIT_OK : KVAULTCTL_EXIT_FAIL);
out:
	free(buf);
	kvault_close(kv);
	return status;
}

static int load_all(const struct kvaultctl_args *a)
{
	struct kvaultctl_seal_ops ops;
	struct kvault *kv;
	int status;

	status = kvaultctl_open(&kv, false);
	if (status)
		return status;
	ops_init(&ops, kv);
	status = kvaultctl_load_all(kvaultctl_store_dir(a->store), &ops,
				    a->json, stdout, stderr);
	kvault_close(kv);
	return kvaultctl_flush_stdout(status);
}

static int pcr_extend(const struct kvaultctl_args *a)
{
	char what[64];
	struct kvault *kv;
	int ret, status;

	status = kvaultctl_open(&kv, false);
	if (status)
		return status;
	ret = kvault_pcr_extend(kv, a->pcr);
	if (ret) {
		snprintf(what, sizeof(what), "extending PCR %u", a->pcr);
		kvaultctl_report_seal_error(stderr, what, ret, kvault_errmsg(kv));
		kvault_close(kv);
		return KVAULTCTL_EXIT_FAIL;
	}
	kvault_close(kv);
	if (a->json)
		printf("{\"op\":\"pcr-extend\",\"pcr\":%u}\n", a->pcr);
	else
		printf("pcr extend: PCR %u extended; seal, load and reseal are locked until kvault is loaded again\n",
		       a->pcr);
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

int kvaultctl_seal_run(const struct kvaultctl_args *a)
{
	switch (a->cmd) {
	case KVAULTCTL_CMD_KEY_SEAL:
	case KVAULTCTL_CMD_KEY_RESEAL:
		return key_seal(a);
	case KVAULTCTL_CMD_KEY_LOAD:
		return key_load(a);
	case KVAULTCTL_CMD_KEY_CHECK:
		return key_check(a);
	case KVAULTCTL_CMD_LOAD_ALL:
		return load_all(a);
	default:	/* KVAULTCTL_CMD_PCR_EXTEND */
		return pcr_extend(a);
	}
}
