// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "key ..." commands. Creating and the lifecycle operations go through
 * /dev/kvault, show and list through generic netlink (the only transport
 * each exists on); create --keyring and revoke go through keyctl.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "key.h"
#include "key_format.h"
#include "keyring.h"
#include "libkvault.h"
#include "report.h"
#include "store.h"

#define PFX	"kvaultctl: "

static void report_key_error(const char *op, const char *ref, int err,
			     const struct kvault *kv, bool netlink)
{
	char what[KVAULT_KEY_NAME_MAX + 64];

	snprintf(what, sizeof(what), "%s key '%s'", op, ref);
	kvaultctl_report_key_error(stderr, what, err, kvault_errmsg(kv),
				   netlink);
}

static int print_op(const struct kvaultctl_args *a, const char *op, int32_t id,
		    const char *name, const struct kvault_key_state *st)
{
	if (a->json)
		kvaultctl_print_key_op_json(stdout, op, id, name, st);
	else
		kvaultctl_print_key_op(stdout, op, a->key_arg, id, st);
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

/* "keyctl add kvault NAME PAYLOAD RING": needs no /dev/kvault. */
static int key_create_in_keyring(const struct kvaultctl_args *a)
{
	char payload[KVAULT_KEY_PAYLOAD_MAX];
	int32_t id;

	/* the arguments are checked: the payload fits */
	kvaultctl_keyctl_payload(a->alg, a->alg_len, a->usage, a->exportable,
				 payload, sizeof(payload));
	id = kvaultctl_keyctl_add(a->key.name, payload, a->keyring);
	if (id == -ENODEV) {
		fprintf(stderr, PFX "kvault module is not loaded (no key type '%s'). Load it with: modprobe kvault\n",
			KVAULT_KEY_TYPE);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (id < 0) {
		report_key_error("create (keyctl add)", a->key_arg, id, NULL,
				 false);
		return KVAULTCTL_EXIT_FAIL;
	}
	return print_op(a, "create", id, a->key.name, NULL);
}

static int key_create(struct kvault *kv, const struct kvaultctl_args *a)
{
	int32_t id;
	int ret;

	ret = kvault_key_create(kv, a->key.name, a->alg, a->alg_len, a->usage,
				a->exportable ? KVAULT_KEY_EXPORTABLE : 0, &id);
	if (ret) {
		report_key_error("create", a->key_arg, ret, kv, false);
		return KVAULTCTL_EXIT_FAIL;
	}
	return print_op(a, "create", id, a->key.name, NULL);
}

/* Resolve the key in the vault, then "keyctl revoke": only vault keys. */
static int key_revoke(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct kvault_key_state st;
	int ret;

	ret = kvault_key_state_get(kv, a->key.id, a->key.name, &st);
	if (!ret)
		ret = kvaultctl_keyctl_revoke(st.id);
	if (ret) {
		report_key_error("revoke", a->key_arg, ret, kv, false);
		return KVAULTCTL_EXIT_FAIL;
	}
	return print_op(a, "revoke", st.id, a->key.name, NULL);
}

/* One lifecycle ioctl; *op receives its name. */
static int key_lifecycle_op(struct kvault *kv, const struct kvaultctl_args *a,
			    const char **op, struct kvault_key_state *st)
{
	int32_t id = a->key.id;
	const char *name = a->key.name;

	switch (a->cmd) {
	case KVAULTCTL_CMD_KEY_ROTATE:
		*op = "rotate";
		return kvault_key_rotate(kv, id, name, st);
	case KVAULTCTL_CMD_KEY_ENABLE:
		*op = "enable";
		return kvault_key_enable(kv, id, name, st);
	case KVAULTCTL_CMD_KEY_DISABLE:
		*op = "disable";
		return kvault_key_disable(kv, id, name, st);
	case KVAULTCTL_CMD_KEY_DESTROY:
		if (!a->destroy_later) {
			*op = "destroy";
			return kvault_key_destroy(kv, id, name, st);
		}
		*op = "schedule-destroy";
		return kvault_key_schedule_destroy(kv, id, name, a->after, st);
	case KVAULTCTL_CMD_KEY_CANCEL_DESTROY:
		*op = "cancel-destroy";
		return kvault_key_cancel_destroy(kv, id, name, st);
	case KVAULTCTL_CMD_KEY_SET_MIN_VERSION:
		*op = "set-min-version";
		return kvault_key_set_min_version(kv, id, name, a->min_version,
						  st);
	default:	/* KVAULTCTL_CMD_KEY_TIGHTEN: args allow nothing else */
		*op = "tighten";
		return kvault_key_tighten(kv, id, name, KVAULT_KEY_EXPORTABLE,
					  st);
	}
}

/*
 * After a destroy (now, or --after 0), the key's blob in the store: a
 * destroyed key must not come back at the next load-all. Keys named by ID
 * are left alone (their name is not known here), as are destroys later
 * than now (cancel-destroy would want the blob). Returns an exit status.
 */
static int remove_stored_blob(const struct kvaultctl_args *a)
{
	const char *dir = kvaultctl_store_dir(a->store);
	char path[4096];
	int ret;

	if (a->cmd != KVAULTCTL_CMD_KEY_DESTROY || !a->key.name ||
	    (a->destroy_later && a->after) ||
	    kvaultctl_store_name_check(a->key.name))
		return KVAULTCTL_EXIT_OK;
	ret = kvaultctl_store_remove(dir, a->key.name);
	if (ret == -ENOENT)
		return KVAULTCTL_EXIT_OK;
	if (kvaultctl_store_path(dir, a->key.name, path, sizeof(path)))
		path[0] = '\0';
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "kvaultctl: the key is destroyed, but removing its stored blob %s failed: %s\n",
			path, strerror(-ret));
		return KVAULTCTL_EXIT_FAIL;
	}
	if (!a->json)
		printf("removed %s\n", path);
	return KVAULTCTL_EXIT_OK;
}

static int key_lifecycle(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct kvault_key_state st;
	const char *op;
	int ret;

	ret = key_lifecycle_op(kv, a, &op, &st);
	if (ret) {
		report_key_error(op, a->key_arg, ret, kv, false);
		return KVAULTCTL_EXIT_FAIL;
	}
	ret = print_op(a, op, st.id, a->key.name, &st);
	if (ret)
		return ret;
	ret = remove_stored_blob(a);
	return ret ? ret : kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

static int key_show(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct kvault_key_info info;
	struct kvault_key_usage usage;
	struct json_writer w;
	int ret;

	ret = kvault_key_get_usage(kv, a->key.id, a->key.name, &info, &usage);
	if (ret) {
		report_key_error("show", a->key_arg, ret, kv, true);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (a->json) {
		json_init(&w, stdout);
		kvaultctl_json_key_usage(&w, &info, &usage);
		fputc('\n', stdout);
		json_finish(&w);
	} else {
		kvaultctl_print_key(stdout, &info);
		kvaultctl_print_key_usage(stdout, &info, &usage);
	}
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

/* key publish's result, in text or JSON. */
static int print_publish(const struct kvaultctl_args *a,
			 const struct kvault_key_mirror *m, const char *desc,
			 int32_t ring, uint32_t len)
{
	struct json_writer w;

	if (a->json) {
		json_init(&w, stdout);
		json_object_begin(&w);
		json_key(&w, "id");
		json_uint(&w, (uint64_t)m->id);
		json_key(&w, "mirror_id");
		json_uint(&w, (uint64_t)m->mirror_id);
		json_key(&w, "description");
		json_string(&w, desc);
		json_key(&w, "version");
		json_uint(&w, m->version);
		json_key(&w, "keyring");
		json_uint(&w, (uint64_t)ring);
		json_key(&w, "len");
		if (len)
			json_uint(&w, len);
		else
			json_null(&w);
		json_object_end(&w);
		fputc('\n', stdout);
		json_finish(&w);
		return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
	}
	printf("published key %s (id %d) version %u: logon key %d \"%s\", linked into keyring %d\n",
	       a->key_arg, m->id, m->version, m->mirror_id, desc, ring);
	if (len)
		printf("  material: %u bytes; dm-crypt key: :%u:logon:%s\n",
		       len, len, desc);
	else
		printf("  dm-crypt key: :LEN:logon:%s (LEN: the key's length in bytes)\n",
		       desc);
	printf("  note: a table loaded from the mirror keeps working after the key is revoked; 'kvaultctl volume open' does not\n");
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

/*
 * Publish the key's logon mirror and link it into --keyring (resolved
 * first: a keyring that does not exist changes nothing). If the link
 * fails, a mirror this call made is unpublished again.
 */
static int key_publish(struct kvault *kv, const struct kvaultctl_args *a)
{
	char desc[KVAULT_KEY_NAME_MAX + sizeof(KVAULT_MIRROR_PREFIX)];
	struct kvault_key_info info;
	struct kvault_key_usage before;
	struct kvault_key_mirror m;
	int32_t ring;
	int ret;

	ring = kvaultctl_keyring_resolve(a->keyring);
	if (ring < 0) {
		fprintf(stderr, PFX "publish key '%s': no keyring %s: %s\n",
			a->key_arg, a->keyring_arg, strerror(-ring));
		return KVAULTCTL_EXIT_FAIL;
	}
	/* best effort (netlink): was it published already? */
	if (kvault_key_get_usage(kv, a->key.id, a->key.name, &info, &before))
		before.mirror_id = 0;
	ret = kvault_key_publish(kv, a->key.id, a->key.name, &m);
	if (ret) {
		report_key_error("publish", a->key_arg, ret, kv, false);
		return KVAULTCTL_EXIT_FAIL;
	}
	ret = kvaultctl_keyctl_link(m.mirror_id, ring);
	if (!ret)
		ret = kvaultctl_keyctl_description(m.mirror_id, desc,
						   sizeof(desc));
	if (ret) {
		fprintf(stderr, PFX "publish key '%s': linking its mirror (logon key %d) into keyring %s failed: %s%s\n",
			a->key_arg, m.mirror_id, a->keyring_arg,
			strerror(-ret), before.mirror_id == m.mirror_id ?
			" (the mirror was published before: left as it was)" :
			"; unpublished it");
		if (before.mirror_id != m.mirror_id &&
		    kvault_key_unpublish(kv, m.id, NULL, NULL))
			fprintf(stderr, PFX "unpublishing key '%s' failed too: revoke logon key %d by hand (keyctl revoke %d)\n",
				a->key_arg, m.mirror_id, m.mirror_id);
		return KVAULTCTL_EXIT_FAIL;
	}
	/* the material length (netlink: may need more than /dev/kvault) */
	if (kvault_key_get(kv, m.id, NULL, &info))
		info.len = 0;
	return print_publish(a, &m, desc, ring, info.len);
}

static int key_unpublish(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct kvault_key_mirror m;
	int ret;

	ret = kvault_key_unpublish(kv, a->key.id, a->key.name, &m);
	if (ret == -ENOENT) {
		fprintf(stderr, PFX "unpublish key '%s': no such key, or it is not published\n",
			a->key_arg);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (ret) {
		report_key_error("unpublish", a->key_arg, ret, kv, false);
		return KVAULTCTL_EXIT_FAIL;
	}
	return print_op(a, "unpublish", m.id, a->key.name, NULL);
}

struct list_ctx {
	struct json_writer *w;		/* NULL for text */
	unsigned long count;
};

/* One key of the dump: printed at once, nothing kept. */
static int list_one(const struct kvault_key_info *k, void *arg)
{
	struct list_ctx *ctx = arg;

	if (ctx->w)
		kvaultctl_json_key(ctx->w, k);
	else
		kvaultctl_print_key_row(stdout, k);
	ctx->count++;
	return ferror(stdout) ? -EIO : 0;
}

/* Text: a header, a line per key, a count. JSON: {"keys":[...],"count":N}. */
static int key_list(struct kvault *kv, const struct kvaultctl_args *a)
{
	struct list_ctx ctx = { 0 };
	struct json_writer w;
	int ret;

	if (a->json) {
		ctx.w = &w;
		json_init(&w, stdout);
		json_object_begin(&w);
		json_key(&w, "keys");
		json_array_begin(&w);
	} else {
		kvaultctl_print_key_header(stdout);
	}
	ret = kvault_key_list(kv, list_one, &ctx);
	if (ret == -EIO)
		return kvaultctl_flush_stdout(KVAULTCTL_EXIT_FAIL);
	if (ret) {
		fflush(stdout);
		kvaultctl_report_error(stderr, "listing keys", ret,
				       kvault_errmsg(kv), true, NULL);
		return KVAULTCTL_EXIT_FAIL;
	}
	if (a->json) {
		json_array_end(&w);
		json_key(&w, "count");
		json_uint(&w, ctx.count);
		json_object_end(&w);
		fputc('\n', stdout);
		json_finish(&w);
	} else {
		printf("%lu key%s\n", ctx.count, ctx.count == 1 ? "" : "s");
	}
	return kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
}

int kvaultctl_key_run(const struct kvaultctl_args *a)
{
	bool netlink = a->cmd == KVAULTCTL_CMD_KEY_LIST ||
		       a->cmd == KVAULTCTL_CMD_KEY_SHOW;
	struct kvault *kv;
	int ret;

	if (a->cmd == KVAULTCTL_CMD_KEY_CREATE && a->use_keyring)
		return key_create_in_keyring(a);
	ret = kvaultctl_open(&kv, netlink);
	if (ret)
		return ret;
	switch (a->cmd) {
	case KVAULTCTL_CMD_KEY_CREATE:
		ret = key_create(kv, a);
		break;
	case KVAULTCTL_CMD_KEY_LIST:
		ret = key_list(kv, a);
		break;
	case KVAULTCTL_CMD_KEY_SHOW:
		ret = key_show(kv, a);
		break;
	case KVAULTCTL_CMD_KEY_REVOKE:
		ret = key_revoke(kv, a);
		break;
	case KVAULTCTL_CMD_KEY_PUBLISH:
		ret = key_publish(kv, a);
		break;
	case KVAULTCTL_CMD_KEY_UNPUBLISH:
		ret = key_unpublish(kv, a);
		break;
	default:
		ret = key_lifecycle(kv, a);
		break;
	}
	kvault_close(kv);
	return ret;
}
