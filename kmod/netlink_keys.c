// SPDX-License-Identifier: GPL-2.0
/*
 * The key commands of the "kvault" generic netlink family: KEY_GET (one
 * key, or with NLM_F_DUMP every key in ID order, paged with the next ID
 * to look at in cb->args[0]) and the "events" multicast group, one
 * KVAULT_CMD_KEY_EVENT per lifecycle change. Like every command of the
 * family they need CAP_SYS_ADMIN (GENL_ADMIN_PERM); joining the group
 * needs it too (GENL_MCAST_CAP_SYS_ADMIN). Metadata only: nothing here
 * can reach key material.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "compat.h"
#include "kvault.h"

/*
 * Events are numbered and sent under one lock, so listeners get them in
 * sequence order; kvault_genl_events_stop() closes the gate before the
 * family goes away.
 */
static DEFINE_MUTEX(kvault_event_lock);
static bool kvault_events_on;
static u64 kvault_event_seq;

static int kvault_put_key_ref(struct sk_buff *msg, struct kvault_key *kk,
			      u32 version)
{
	if (nla_put_u32(msg, KVAULT_A_KEY_ID, kk->id) ||
	    nla_put_string(msg, KVAULT_A_KEY_NAME, kk->name) ||
	    nla_put_u32(msg, KVAULT_A_KEY_VERSION, version))
		return -EMSGSIZE;
	return 0;
}

void kvault_event(struct kvault_key *kk, u32 op, bool from_task)
{
	struct sk_buff *msg;
	u32 uid = 0, pid = 0;
	void *hdr;

	if (from_task) {
		uid = from_kuid_munged(&init_user_ns, current_uid());
		pid = task_tgid_nr(current);
	}
	mutex_lock(&kvault_event_lock);
	if (!kvault_events_on)
		goto out;
	kvault_event_seq++;
	if (!genl_has_listeners(&kvault_genl_family, &init_net, 0))
		goto out;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, &kvault_genl_family, 0,
			  KVAULT_CMD_KEY_EVENT);
	if (!hdr ||
	    nla_put_u64_64bit(msg, KVAULT_A_EVENT_SEQ, kvault_event_seq,
			      KVAULT_A_PAD) ||
	    nla_put_u32(msg, KVAULT_A_EVENT_OP, op) ||
	    kvault_put_key_ref(msg, kk, READ_ONCE(kk->version)) ||
	    nla_put_u32(msg, KVAULT_A_EVENT_UID, uid) ||
	    nla_put_u32(msg, KVAULT_A_EVENT_PID, pid) ||
	    nla_put_u64_64bit(msg, KVAULT_A_EVENT_TIME, ktime_get_real_ns(),
			      KVAULT_A_PAD)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&kvault_genl_family, msg, 0, 0, GFP_KERNEL);
out:
	mutex_unlock(&kvault_event_lock);
}

void kvault_genl_events_start(void)
{
	mutex_lock(&kvault_event_lock);
	kvault_events_on = true;
	mutex_unlock(&kvault_event_lock);
}

void kvault_genl_events_stop(void)
{
	mutex_lock(&kvault_event_lock);
	kvault_events_on = false;
	mutex_unlock(&kvault_event_lock);
}

/* The usage counters, one nest per consumer kind, zeros included. */
static int kvault_put_consumers(struct sk_buff *msg,
				const struct kvault_use_stats *use)
{
	struct nlattr *all, *one;
	u32 i;

	all = nla_nest_start(msg, KVAULT_A_KEY_CONSUMERS);
	if (!all)
		return -EMSGSIZE;
	for (i = 0; i < KVAULT_CONSUMER_MAX; i++) {
		one = nla_nest_start(msg, KVAULT_A_CONSUMER);
		if (!one ||
		    nla_put_u32(msg, KVAULT_A_CONSUMER_KIND, i + 1) ||
		    nla_put_u64_64bit(msg, KVAULT_A_CONSUMER_OPS, use->ops[i],
				      KVAULT_A_PAD) ||
		    nla_put_u64_64bit(msg, KVAULT_A_CONSUMER_BYTES,
				      use->bytes[i], KVAULT_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	return 0;
}

static int kvault_put_key_meta(struct sk_buff *msg, struct kvault_key *kk,
			       const struct kvault_key_meta *m)
{
	if (kvault_put_key_ref(msg, kk, m->version) ||
	    nla_put_u32(msg, KVAULT_A_KEY_ALG, m->alg) ||
	    nla_put_u32(msg, KVAULT_A_KEY_LEN, m->len) ||
	    nla_put_u32(msg, KVAULT_A_KEY_USAGE, m->usage) ||
	    nla_put_u32(msg, KVAULT_A_KEY_ATTRS, m->attrs) ||
	    nla_put_u32(msg, KVAULT_A_KEY_STATE, m->state) ||
	    nla_put_u32(msg, KVAULT_A_KEY_MIN_VERSION, m->min_version) ||
	    nla_put_u64_64bit(msg, KVAULT_A_KEY_CTIME, m->ctime,
			      KVAULT_A_PAD) ||
	    nla_put_u64_64bit(msg, KVAULT_A_KEY_USE_COUNT, m->use_count,
			      KVAULT_A_PAD) ||
	    nla_put_u64_64bit(msg, KVAULT_A_KEY_LAST_USE, m->last_use,
			      KVAULT_A_PAD) ||
	    nla_put_u32(msg, KVAULT_A_KEY_TRANSFORMS, m->transforms) ||
	    kvault_put_consumers(msg, &m->use))
		return -EMSGSIZE;
	if (m->mirror_id && nla_put_u32(msg, KVAULT_A_KEY_MIRROR_ID, m->mirror_id))
		return -EMSGSIZE;
	if (m->state == KVAULT_KEY_STATE_DESTROY_PENDING &&
	    nla_put_u64_64bit(msg, KVAULT_A_KEY_DESTROY_TIME, m->destroy_time,
			      KVAULT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

int kvault_genl_key_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[KVAULT_A_KEY_ID];
	struct nlattr *name_attr = info->attrs[KVAULT_A_KEY_NAME];
	struct kvault_key_meta m;
	struct kvault_key *kk;
	struct sk_buff *msg;
	void *hdr;
	int rc;

	rc = kvault_genl_check_flags(info);
	if (rc)
		return rc;
	if (!id_attr == !name_attr) {
		NL_SET_ERR_MSG(info->extack,
			       "exactly one of KVAULT_A_KEY_ID and KVAULT_A_KEY_NAME is needed");
		return -EINVAL;
	}
	if (id_attr) {
		u32 id = nla_get_u32(id_attr);

		if (!id || id > INT_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
					    "not a key ID");
			return -EINVAL;
		}
		kk = kvault_key_find_id(id);
	} else {
		if (kvault_name_check(nla_data(name_attr))) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "not a valid key name");
			return -EINVAL;
		}
		kk = kvault_key_find_name(nla_data(name_attr));
	}
	if (!kk) {
		NL_SET_ERR_MSG(info->extack, "no such key in the vault");
		return -ENOENT;
	}
	rc = kvault_key_meta(kk, true, &m);
	if (rc) {
		NL_SET_ERR_MSG(info->extack, "the key is destroyed, revoked or expired");
		goto out;
	}
	msg = kvault_genl_reply_new(info, KVAULT_CMD_KEY_GET, &hdr);
	if (!msg) {
		rc = -ENOMEM;
	} else if (kvault_put_key_meta(msg, kk, &m)) {
		nlmsg_free(msg);
		rc = -EMSGSIZE;
	} else {
		genlmsg_end(msg, hdr);
		rc = genlmsg_reply(msg, info);
	}
out:
	kvault_key_put(kk);
	return rc;
}

int kvault_genl_key_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = kvault_dump_attrs(cb);
	unsigned long id = cb->args[0];
	struct kvault_key_meta m;
	struct kvault_key *kk;
	void *hdr;
	int rc;

	if (!id) {	/* first call: check the request */
		if (attrs[KVAULT_A_FLAGS] && nla_get_u32(attrs[KVAULT_A_FLAGS])) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[KVAULT_A_FLAGS],
					    "unknown flags");
			return -EINVAL;
		}
		if (attrs[KVAULT_A_KEY_ID] || attrs[KVAULT_A_KEY_NAME]) {
			NL_SET_ERR_MSG(cb->extack,
				       "a dump takes no key; use a plain GET");
			return -EINVAL;
		}
		id = 1;
	}
	while ((kk = kvault_key_find_next(&id))) {
		rc = kvault_key_meta(kk, false, &m);
		if (rc) {	/* destroyed meanwhile: skip it */
			kvault_key_put(kk);
			id++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kvault_genl_family,
				  NLM_F_MULTI, KVAULT_CMD_KEY_GET);
		if (!hdr) {
			kvault_key_put(kk);
			break;
		}
		if (kvault_put_key_meta(skb, kk, &m)) {
			genlmsg_cancel(skb, hdr);
			kvault_key_put(kk);
			break;
		}
		genlmsg_end(skb, hdr);
		kvault_key_put(kk);
		id++;
		cond_resched();
	}
	cb->args[0] = id;
	return skb->len;
}
