// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkvault's key functions: create and the lifecycle operations through
 * the KVAULT_IOC_KEY_* ioctls, one key's metadata and the list of all keys
 * through KVAULT_CMD_KEY_GET (a dump for the list). Whatever the kernel
 * sends back is checked before it reaches the caller (-EPROTO otherwise).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "internal.h"

_Static_assert(sizeof(struct kvault_key_create) >= KVAULT_KEY_CREATE_SIZE_VER0,
	       "struct kvault_key_create is smaller than its first version");
_Static_assert(sizeof(struct kvault_key_op) >= KVAULT_KEY_OP_SIZE_VER0,
	       "struct kvault_key_op is smaller than its first version");

/* A reply's size: at least the first version, at most what was sent. */
bool reply_size_ok(uint32_t size, uint32_t ver0, size_t sent)
{
	return size >= ver0 && size <= sent;
}

/* Copy @name into a name field: it must fit with its NUL. */
int name_copy(char dst[KVAULT_KEY_NAME_MAX], const char *name)
{
	size_t n = strnlen(name, KVAULT_KEY_NAME_MAX);

	if (n == 0 || n == KVAULT_KEY_NAME_MAX)
		return -EINVAL;
	memcpy(dst, name, n);	/* the rest stays zero, as the kernel wants */
	return 0;
}

/* Exactly one of @id (> 0) and @name. */
bool key_ref_ok(int32_t id, const char *name)
{
	return id > 0 ? !name : (id == 0 && name);
}

KVAULT_EXPORT int kvault_key_create(struct kvault *kv, const char *name,
				    uint32_t alg, uint32_t alg_len,
				    uint32_t usage, uint32_t flags, int32_t *id)
{
	struct kvault_key_create req;
	int ret;

	if (!kv || !name)
		return -EINVAL;
	errmsg_clear(kv);
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = flags;
	req.alg = alg;
	req.alg_len = alg_len;
	req.usage = usage;
	ret = name_copy(req.name, name);
	if (!ret)
		ret = kvault_need_ioctl(kv);
	if (!ret)
		ret = ioctl_call(kv->fd, KVAULT_IOC_KEY_CREATE, &req);
	if (ret)
		return ret;
	if (!reply_size_ok(req.size, KVAULT_KEY_CREATE_SIZE_VER0, sizeof(req)) ||
	    req.id <= 0)
		return -EPROTO;
	if (id)
		*id = req.id;
	return 0;
}

int key_ioctl(struct kvault *kv, unsigned long request, int32_t id,
	      const char *name, char name_field[KVAULT_KEY_NAME_MAX],
	      void *req)
{
	int ret;

	if (!kv || !key_ref_ok(id, name))
		return -EINVAL;
	errmsg_clear(kv);
	ret = name ? name_copy(name_field, name) : 0;
	if (!ret)
		ret = kvault_need_ioctl(kv);
	if (!ret)
		ret = ioctl_call(kv->fd, request, req);
	return ret;
}

/* One KVAULT_IOC_KEY_* operation other than create. */
static int key_op(struct kvault *kv, unsigned long request, int32_t id,
		  const char *name, uint32_t arg, struct kvault_key_state *st)
{
	struct kvault_key_op req;
	int ret;

	if (st)
		memset(st, 0, sizeof(*st));
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.id = id;
	req.arg = arg;
	ret = key_ioctl(kv, request, id, name, req.name, &req);
	if (ret)
		return ret;
	if (!reply_size_ok(req.size, KVAULT_KEY_OP_SIZE_VER0, sizeof(req)) ||
	    req.id <= 0 || (id && req.id != id))
		return -EPROTO;
	if (st) {
		st->id = req.id;
		st->state = req.state;
		st->version = req.version;
		st->min_version = req.min_version;
		st->attrs = req.attrs;
		st->destroy_time = req.destroy_time;
	}
	return 0;
}

KVAULT_EXPORT int kvault_key_rotate(struct kvault *kv, int32_t id,
				    const char *name,
				    struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_ROTATE, id, name, 0, st);
}

KVAULT_EXPORT int kvault_key_set_min_version(struct kvault *kv, int32_t id,
					     const char *name,
					     uint32_t min_version,
					     struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_SET_MIN_VERSION, id, name,
		      min_version, st);
}

KVAULT_EXPORT int kvault_key_enable(struct kvault *kv, int32_t id,
				    const char *name,
				    struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_ENABLE, id, name, 0, st);
}

KVAULT_EXPORT int kvault_key_disable(struct kvault *kv, int32_t id,
				     const char *name,
				     struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_DISABLE, id, name, 0, st);
}

KVAULT_EXPORT int kvault_key_schedule_destroy(struct kvault *kv, int32_t id,
					      const char *name,
					      uint32_t seconds,
					      struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id, name, seconds,
		      st);
}

KVAULT_EXPORT int kvault_key_cancel_destroy(struct kvault *kv, int32_t id,
					    const char *name,
					    struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_CANCEL_DESTROY, id, name, 0, st);
}

KVAULT_EXPORT int kvault_key_destroy(struct kvault *kv, int32_t id,
				     const char *name,
				     struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_DESTROY, id, name, 0, st);
}

KVAULT_EXPORT int kvault_key_tighten(struct kvault *kv, int32_t id,
				     const char *name, uint32_t clear,
				     struct kvault_key_state *st)
{
	return key_op(kv, KVAULT_IOC_KEY_TIGHTEN, id, name, clear, st);
}

KVAULT_EXPORT int kvault_key_state_get(struct kvault *kv, int32_t id,
				       const char *name,
				       struct kvault_key_state *st)
{
	if (!st)
		return -EINVAL;
	return key_op(kv, KVAULT_IOC_KEY_INFO, id, name, 0, st);
}

/* ------------------------------------------------------------------ */
/* metadata over generic netlink                                      */
/* ------------------------------------------------------------------ */

/* KVAULT_A_KEY_CONSUMERS: one KVAULT_A_CONSUMER per kind, each once. */
static int genl_parse_consumers(const struct nlattr *nest,
				struct kvault_key_usage *u)
{
	const struct nlattr *tb[KVAULT_A_MAX + 1];
	const struct nlattr *nla;
	int rem = nla_len(nest);
	uint32_t seen = 0, kind;
	uint64_t ops, bytes;
	int ret;

	for (nla = nla_data(nest); nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		if (nla_type(nla) != KVAULT_A_CONSUMER)
			return -EPROTO;
		ret = attrs_index(tb, KVAULT_A_MAX, nla_data(nla), nla_len(nla));
		if (!ret)
			ret = attr_u32(tb[KVAULT_A_CONSUMER_KIND], &kind);
		if (!ret)
			ret = attr_u64(tb[KVAULT_A_CONSUMER_OPS], &ops);
		if (!ret)
			ret = attr_u64(tb[KVAULT_A_CONSUMER_BYTES], &bytes);
		if (!ret && kind == 0)
			ret = -EPROTO;
		if (ret)
			return ret;
		if (kind >= KVAULT_KEY_CONSUMER_SLOTS)
			continue;	/* a kind this library has no slot for */
		if (seen & (1U << kind))
			return -EPROTO;
		seen |= 1U << kind;
		u->consumer[kind].ops = ops;
		u->consumer[kind].bytes = bytes;
	}
	return rem > 0 ? -EPROTO : 0;
}

/* The crypto API part of a KVAULT_CMD_KEY_GET reply, onto @u (zeroed). */
static int genl_parse_usage(const struct nlattr **tb,
			    struct kvault_key_usage *u)
{
	uint32_t mirror = 0;
	int ret = 0;

	memset(u, 0, sizeof(*u));
	/* a module without the templates sends neither */
	if (tb[KVAULT_A_KEY_TRANSFORMS] || tb[KVAULT_A_KEY_CONSUMERS]) {
		ret = attr_u32(tb[KVAULT_A_KEY_TRANSFORMS], &u->transforms);
		if (!ret && !tb[KVAULT_A_KEY_CONSUMERS])
			ret = -EPROTO;
		if (!ret)
			ret = genl_parse_consumers(tb[KVAULT_A_KEY_CONSUMERS], u);
		u->flags = KVAULT_KEY_USAGE_REPORTED;
	}
	if (!ret && tb[KVAULT_A_KEY_MIRROR_ID]) {
		ret = attr_u32(tb[KVAULT_A_KEY_MIRROR_ID], &mirror);
		if (!ret && (mirror == 0 || mirror > INT32_MAX))
			ret = -EPROTO;
		u->mirror_id = (int32_t)mirror;
	}
	if (ret)
		memset(u, 0, sizeof(*u));
	return ret;
}

/*
 * Map a KVAULT_CMD_KEY_GET reply onto @info (zeroed first) and, if @usage
 * is not NULL, its crypto API part onto @usage.
 */
static int genl_parse_key(const struct nlattr *attrs, int len,
			  struct kvault_key_info *info,
			  struct kvault_key_usage *usage)
{
	const struct nlattr *tb[KVAULT_A_MAX + 1];
	uint32_t id = 0;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = attrs_index(tb, KVAULT_A_MAX, attrs, len);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_ID], &id);
	if (!ret)
		ret = attr_str(tb[KVAULT_A_KEY_NAME], info->name,
			       sizeof(info->name));
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_ALG], &info->alg);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_LEN], &info->len);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_USAGE], &info->usage);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_ATTRS], &info->attrs);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_STATE], &info->state);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_VERSION], &info->version);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_MIN_VERSION], &info->min_version);
	if (!ret)
		ret = attr_u64(tb[KVAULT_A_KEY_CTIME], &info->ctime);
	if (!ret)
		ret = attr_u64(tb[KVAULT_A_KEY_USE_COUNT], &info->use_count);
	if (!ret)
		ret = attr_u64(tb[KVAULT_A_KEY_LAST_USE], &info->last_use);
	/* a deadline comes with destroy-pending, and only with it */
	if (!ret && (info->state == KVAULT_KEY_STATE_DESTROY_PENDING ||
		     tb[KVAULT_A_KEY_DESTROY_TIME]))
		ret = attr_u64(tb[KVAULT_A_KEY_DESTROY_TIME],
			       &info->destroy_time);
	if (!ret && (id == 0 || id > INT32_MAX || !info->name[0]))
		ret = -EPROTO;
	if (!ret && usage)
		ret = genl_parse_usage(tb, usage);
	if (ret) {
		memset(info, 0, sizeof(*info));
		return ret;
	}
	info->id = (int32_t)id;
	return 0;
}

struct key_get_ctx {
	int32_t id;			/* asked for, or 0 */
	const char *name;		/* asked for, or NULL */
	struct kvault_key_info *info;
	struct kvault_key_usage *usage;	/* or NULL */
};

static int genl_parse_key_get(const struct nlattr *attrs, int len, void *arg)
{
	struct key_get_ctx *ctx = arg;
	int ret = genl_parse_key(attrs, len, ctx->info, ctx->usage);

	/* the key asked for, not another one */
	if (!ret && ((ctx->id && ctx->info->id != ctx->id) ||
		     (ctx->name && strcmp(ctx->info->name, ctx->name))))
		ret = -EPROTO;
	return ret;
}

/* kvault_key_get(), and the crypto API part into @usage if not NULL. */
static int key_get(struct kvault *kv, int32_t id, const char *name,
		   struct kvault_key_info *info, struct kvault_key_usage *usage)
{
	struct key_get_ctx ctx = {
		.id = id, .name = name, .info = info, .usage = usage
	};
	struct nl_msg *msg;
	int ret;

	if (usage)
		memset(usage, 0, sizeof(*usage));
	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	if (!kv || !key_ref_ok(id, name) ||
	    (name && strnlen(name, KVAULT_KEY_NAME_MAX) == KVAULT_KEY_NAME_MAX))
		return -EINVAL;
	errmsg_clear(kv);
	ret = kvault_need_genl(kv);
	if (ret)
		return ret;
	msg = genl_request(kv, KVAULT_CMD_KEY_GET);
	if (!msg)
		return -ENOMEM;
	if ((id && nla_put_u32(msg, KVAULT_A_KEY_ID, (uint32_t)id) < 0) ||
	    (name && nla_put_string(msg, KVAULT_A_KEY_NAME, name) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = genl_transact(kv, msg, genl_parse_key_get, &ctx);
	if (ret) {
		memset(info, 0, sizeof(*info));
		if (usage)
			memset(usage, 0, sizeof(*usage));
	}
	return ret;
}

KVAULT_EXPORT int kvault_key_get(struct kvault *kv, int32_t id,
				 const char *name, struct kvault_key_info *info)
{
	return key_get(kv, id, name, info, NULL);
}

KVAULT_EXPORT int kvault_key_get_usage(struct kvault *kv, int32_t id,
				       const char *name,
				       struct kvault_key_info *info,
				       struct kvault_key_usage *usage)
{
	if (!usage) {
		if (info)
			memset(info, 0, sizeof(*info));
		return -EINVAL;
	}
	return key_get(kv, id, name, info, usage);
}

struct key_list_ctx {
	kvault_key_list_cb cb;
	void *arg;
	int32_t last_id;		/* IDs must ascend */
};

static int genl_parse_key_list(const struct nlattr *attrs, int len, void *arg)
{
	struct key_list_ctx *ctx = arg;
	struct kvault_key_info info;
	int ret = genl_parse_key(attrs, len, &info, NULL);

	if (ret)
		return ret;
	if (info.id <= ctx->last_id)
		return -EPROTO;
	ctx->last_id = info.id;
	ret = ctx->cb(&info, ctx->arg);
	return ret < 0 ? ret : 0;
}

KVAULT_EXPORT int kvault_key_list(struct kvault *kv, kvault_key_list_cb cb,
				  void *arg)
{
	struct key_list_ctx ctx = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int ret;

	if (!kv || !cb)
		return -EINVAL;
	errmsg_clear(kv);
	ret = kvault_need_genl(kv);
	if (ret)
		return ret;
	msg = genl_request(kv, KVAULT_CMD_KEY_GET);
	if (!msg)
		return -ENOMEM;
	return genl_dump(kv, msg, genl_parse_key_list, &ctx);
}
