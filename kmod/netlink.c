// SPDX-License-Identifier: GPL-2.0
/*
 * The "kvault" generic netlink family. Requests are validated strictly
 * against per-command policies, so unknown, misplaced and wrongly sized
 * attributes never reach the handlers; every rejection carries an extack
 * message. All commands need CAP_SYS_ADMIN: the first ones talk to the TPM,
 * the key ones (netlink_keys.c) reveal the vault's contents. GENL_ADMIN_PERM
 * alone would only demand CAP_NET_ADMIN; it stays, so that callers without
 * it are turned away before any parsing, and kvault_genl_pre_doit() and
 * kvault_genl_dump_start() add the CAP_SYS_ADMIN check itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"
#include "kvault.h"

/* Attributes the kernel only sends; a request carrying one is refused. */
#define KVAULT_REPLY_ONLY \
	{ .type = NLA_REJECT, .reject_message = "attribute is only sent by the kernel" }

static const struct nla_policy kvault_status_policy[KVAULT_A_MAX + 1] = {
	[KVAULT_A_FLAGS]		= { .type = NLA_U32 },
	[KVAULT_A_ABI_VERSION]		= KVAULT_REPLY_ONLY,
	[KVAULT_A_MODULE_VERSION]	= KVAULT_REPLY_ONLY,
	[KVAULT_A_TPM_FLAGS]		= KVAULT_REPLY_ONLY,
	[KVAULT_A_TPM_MANUFACTURER]	= KVAULT_REPLY_ONLY,
	[KVAULT_A_TPM_VENDOR]		= KVAULT_REPLY_ONLY,
	[KVAULT_A_TPM_FW_VERSION]	= KVAULT_REPLY_ONLY,
	[KVAULT_A_PCR_BANKS]		= KVAULT_REPLY_ONLY,
};

static const struct nla_policy kvault_pcr_read_policy[KVAULT_A_MAX + 1] = {
	[KVAULT_A_FLAGS]		= { .type = NLA_U32 },
	[KVAULT_A_PCR_BANK]		= { .type = NLA_U16 },
	[KVAULT_A_PCR_MASK]		= { .type = NLA_U32 },
	[KVAULT_A_PCR_DIGEST_SIZE]	= KVAULT_REPLY_ONLY,
	[KVAULT_A_PCR_UPDATE_COUNTER]	= KVAULT_REPLY_ONLY,
	[KVAULT_A_PCR_VALUES]		= KVAULT_REPLY_ONLY,
};

#define KVAULT_KEY_REPLY_ONLY \
	[KVAULT_A_KEY_ALG]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_LEN]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_USAGE]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_ATTRS]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_STATE]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_VERSION]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_MIN_VERSION]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_CTIME]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_DESTROY_TIME]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_USE_COUNT]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_LAST_USE]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_EVENT_SEQ]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_EVENT_OP]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_EVENT_UID]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_EVENT_PID]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_EVENT_TIME]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_TRANSFORMS]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_CONSUMERS]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_CONSUMER]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_CONSUMER_KIND]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_CONSUMER_OPS]		= KVAULT_REPLY_ONLY, \
	[KVAULT_A_CONSUMER_BYTES]	= KVAULT_REPLY_ONLY, \
	[KVAULT_A_KEY_MIRROR_ID]	= KVAULT_REPLY_ONLY

/* KEY_GET: the doit wants one of ID and name, the dump neither. */
static const struct nla_policy kvault_key_get_policy[KVAULT_A_MAX + 1] = {
	[KVAULT_A_FLAGS]		= { .type = NLA_U32 },
	[KVAULT_A_KEY_ID]		= { .type = NLA_U32 },
	[KVAULT_A_KEY_NAME]		= { .type = NLA_NUL_STRING,
					    .len = KVAULT_KEY_NAME_MAX - 1 },
	KVAULT_KEY_REPLY_ONLY,
};

int kvault_genl_check_flags(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KVAULT_A_FLAGS];

	if (attr && nla_get_u32(attr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "unknown flags");
		return -EINVAL;
	}
	return 0;
}

struct sk_buff *kvault_genl_reply_new(struct genl_info *info, u8 cmd,
				      void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &kvault_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int kvault_genl_put_banks(struct sk_buff *msg,
				 const struct kvault_tpm_info *tpm)
{
	struct nlattr *banks, *bank;
	u32 i;

	banks = nla_nest_start(msg, KVAULT_A_PCR_BANKS);
	if (!banks)
		return -EMSGSIZE;
	for (i = 0; i < tpm->nr_banks; i++) {
		bank = nla_nest_start(msg, KVAULT_A_PCR_BANK_INFO);
		if (!bank ||
		    nla_put_u16(msg, KVAULT_A_PCR_BANK, tpm->banks[i].alg_id) ||
		    nla_put_u16(msg, KVAULT_A_PCR_DIGEST_SIZE,
				tpm->banks[i].digest_size))
			return -EMSGSIZE;
		nla_nest_end(msg, bank);
	}
	nla_nest_end(msg, banks);
	return 0;
}

static int kvault_genl_status(struct sk_buff *skb, struct genl_info *info)
{
	struct kvault_tpm_info tpm;
	struct sk_buff *msg;
	void *hdr;
	int rc;

	rc = kvault_genl_check_flags(info);
	if (rc)
		return rc;
	rc = kvault_tpm_status(&tpm, info->extack);
	if (rc)
		return rc;

	msg = kvault_genl_reply_new(info, KVAULT_CMD_STATUS, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, KVAULT_A_ABI_VERSION, KVAULT_ABI_VERSION) ||
	    nla_put_string(msg, KVAULT_A_MODULE_VERSION, KVAULT_VERSION) ||
	    nla_put_u32(msg, KVAULT_A_TPM_FLAGS, tpm.flags) ||
	    nla_put_u32(msg, KVAULT_A_KEYRING_ID, kvault_keyring_id()) ||
	    nla_put_u32(msg, KVAULT_A_NR_KEYS, kvault_nr_keys_get()))
		goto too_big;
	if (tpm.flags & KVAULT_TPM_VERSION_2) {
		u64 fw = (u64)tpm.fw_version_1 << 32 | tpm.fw_version_2;

		if (nla_put_u32(msg, KVAULT_A_TPM_MANUFACTURER,
				tpm.manufacturer) ||
		    nla_put_string(msg, KVAULT_A_TPM_VENDOR, tpm.vendor) ||
		    nla_put_u64_64bit(msg, KVAULT_A_TPM_FW_VERSION, fw,
				      KVAULT_A_PAD) ||
		    kvault_genl_put_banks(msg, &tpm))
			goto too_big;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int kvault_genl_put_pcrs(struct sk_buff *msg, u32 mask,
				const struct kvault_pcr_values *vals)
{
	struct nlattr *values, *value;
	const u8 *digest = vals->digests;
	u32 i;

	values = nla_nest_start(msg, KVAULT_A_PCR_VALUES);
	if (!values)
		return -EMSGSIZE;
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(mask & BIT(i)))
			continue;
		value = nla_nest_start(msg, KVAULT_A_PCR_VALUE);
		if (!value || nla_put_u32(msg, KVAULT_A_PCR_INDEX, i) ||
		    nla_put(msg, KVAULT_A_PCR_DIGEST, vals->digest_size, digest))
			return -EMSGSIZE;
		nla_nest_end(msg, value);
		digest += vals->digest_size;
	}
	nla_nest_end(msg, values);
	return 0;
}

static int kvault_genl_pcr_read(struct sk_buff *skb, struct genl_info *info)
{
	struct kvault_pcr_values *vals;
	struct sk_buff *msg;
	u16 bank;
	u32 mask;
	void *hdr;
	int rc;

	rc = kvault_genl_check_flags(info);
	if (rc)
		return rc;
	if (!info->attrs[KVAULT_A_PCR_BANK]) {
		NL_SET_ERR_MSG(info->extack, "missing KVAULT_A_PCR_BANK");
		return -EINVAL;
	}
	if (!info->attrs[KVAULT_A_PCR_MASK]) {
		NL_SET_ERR_MSG(info->extack, "missing KVAULT_A_PCR_MASK");
		return -EINVAL;
	}
	bank = nla_get_u16(info->attrs[KVAULT_A_PCR_BANK]);
	mask = nla_get_u32(info->attrs[KVAULT_A_PCR_MASK]);

	vals = kmalloc(sizeof(*vals), GFP_KERNEL);
	if (!vals)
		return -ENOMEM;
	rc = kvault_tpm_pcr_read(bank, mask, vals, info->extack);
	if (rc)
		goto out;

	rc = -ENOMEM;
	msg = kvault_genl_reply_new(info, KVAULT_CMD_PCR_READ, &hdr);
	if (!msg)
		goto out;
	if (nla_put_u16(msg, KVAULT_A_PCR_BANK, bank) ||
	    nla_put_u32(msg, KVAULT_A_PCR_MASK, mask) ||
	    nla_put_u16(msg, KVAULT_A_PCR_DIGEST_SIZE, vals->digest_size) ||
	    nla_put_u32(msg, KVAULT_A_PCR_UPDATE_COUNTER,
			vals->update_counter) ||
	    kvault_genl_put_pcrs(msg, mask, vals)) {
		nlmsg_free(msg);
		rc = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	rc = genlmsg_reply(msg, info);
out:
	kfree(vals);
	return rc;
}

static int kvault_genl_require_admin(struct sk_buff *skb,
				     struct netlink_ext_ack *extack)
{
	/* netlink_capable() also checks whoever opened the socket */
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "CAP_SYS_ADMIN is required");
	return -EPERM;
}

static int kvault_genl_pre_doit(const KVAULT_GENL_PRE_DOIT_OPS *ops,
				struct sk_buff *skb, struct genl_info *info)
{
	return kvault_genl_require_admin(skb, info->extack);
}

static int kvault_genl_dump_start(struct netlink_callback *cb)
{
	return kvault_genl_require_admin(cb->skb, cb->extack);
}

static const struct genl_ops kvault_genl_ops[] = {
	{
		.cmd		= KVAULT_CMD_STATUS,
		.doit		= kvault_genl_status,
		.policy		= kvault_status_policy,
		.maxattr	= KVAULT_A_MAX,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KVAULT_CMD_PCR_READ,
		.doit		= kvault_genl_pcr_read,
		.policy		= kvault_pcr_read_policy,
		.maxattr	= KVAULT_A_MAX,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= KVAULT_CMD_KEY_GET,
		.doit		= kvault_genl_key_get,
		.start		= kvault_genl_dump_start,
		.dumpit		= kvault_genl_key_dump,
		.policy		= kvault_key_get_policy,
		.maxattr	= KVAULT_A_MAX,
		.flags		= GENL_ADMIN_PERM,
	},
};

/* Events name keys and who changed them: administrators only. */
static const struct genl_multicast_group kvault_genl_mcgrps[] = {
	{ .name = KVAULT_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

/* Not netnsok: the TPM belongs to the machine, so only init_net sees us. */
struct genl_family kvault_genl_family __ro_after_init = {
	.name		= KVAULT_GENL_NAME,
	.version	= KVAULT_GENL_VERSION,
	.maxattr	= KVAULT_A_MAX,
	.module		= THIS_MODULE,
	.ops		= kvault_genl_ops,
	.n_ops		= ARRAY_SIZE(kvault_genl_ops),
	.pre_doit	= kvault_genl_pre_doit,
	.mcgrps		= kvault_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kvault_genl_mcgrps),
	.parallel_ops	= true,
};

int __init kvault_genl_init(void)
{
	int rc = genl_register_family(&kvault_genl_family);

	if (!rc)
		kvault_genl_events_start();
	return rc;
}

void kvault_genl_exit(void)
{
	kvault_genl_events_stop();
	genl_unregister_family(&kvault_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(KVAULT_GENL_NAME);

