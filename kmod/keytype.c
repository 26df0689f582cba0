// SPDX-License-Identifier: GPL-2.0
/*
 * The "kvault" keyring key type. Each key's payload points at a struct
 * kvault_key of vault.c, which does the work; this file only adapts the
 * keyring core's callbacks. The payload format is in uapi/linux/kvault.h.
 *
 * preparse parses the payload and reserves the name (EEXIST for a name
 * in use anywhere in the vault); instantiate commits it under the key's
 * serial; free_preparse gives back a name that was never instantiated.
 * There is no update (keyctl update: EOPNOTSUPP); read refuses with
 * EOPNOTSUPP, as material never leaves the kernel; revoke wipes; destroy
 * (garbage collection, and every key at unregister, i.e. unload) wipes
 * and removes the key from the vault.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/key-type.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "kvault.h"

static int kvault_kt_vet_description(const char *desc)
{
	return kvault_name_check(desc);
}

static int kvault_kt_preparse(struct key_preparsed_payload *prep)
{
	struct kvault_key_params *p;
	struct kvault_key *kk;
	int rc;

	/* creating a key is management, whichever interface asks */
	if (!kvault_may_manage())
		return -EPERM;
	if (!prep->orig_description)
		return -EINVAL;
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	rc = kvault_parse_payload(prep->data, prep->datalen, p);
	if (rc)
		goto out;
	kk = kvault_key_reserve(prep->orig_description, p);
	if (IS_ERR(kk)) {
		rc = PTR_ERR(kk);
		goto out;
	}
	prep->payload.data[0] = kk;
	prep->quotalen = p->len;
out:
	kfree_sensitive(p);
	return rc;
}

static void kvault_kt_free_preparse(struct key_preparsed_payload *prep)
{
	struct kvault_key *kk = prep->payload.data[0];

	if (kk)
		kvault_key_unreserve(kk);
}

static int kvault_kt_instantiate(struct key *key,
				 struct key_preparsed_payload *prep)
{
	struct kvault_key *kk = prep->payload.data[0];
	int rc;

	if (!kk)
		return -EINVAL;
	rc = key_payload_reserve(key, prep->quotalen);
	if (rc)
		return rc;
	rc = kvault_key_commit(kk, key);
	if (rc)
		return rc;
	key->payload.data[0] = kk;
	prep->payload.data[0] = NULL;
	return 0;
}

static void kvault_kt_revoke(struct key *key)
{
	struct kvault_key *kk = key->payload.data[0];

	if (kk)
		kvault_key_revoke(kk);
}

static void kvault_kt_destroy(struct key *key)
{
	struct kvault_key *kk = key->payload.data[0];

	key->payload.data[0] = NULL;
	if (kk)
		kvault_key_release(kk, false);
}

/* "NAME: ALG STATE vVERSION [revoked] [expired]"; called under RCU. */
static void kvault_kt_describe(const struct key *key, struct seq_file *m)
{
	const struct kvault_key *kk = key->payload.data[0];
	u32 attrs;

	seq_puts(m, key->description);
	if (!kk || !key_is_positive(key))
		return;
	attrs = READ_ONCE(kk->attrs);
	seq_printf(m, ": %s", kvault_alg_name(kk->alg));
	if (kk->alg == KVAULT_ALG_SECRET)
		seq_printf(m, "-%u", kk->len);
	seq_printf(m, " %s v%u", kvault_state_name(READ_ONCE(kk->state)),
		   READ_ONCE(kk->version));
	if (attrs & KVAULT_KEY_REVOKED)
		seq_puts(m, " revoked");
	if (attrs & KVAULT_KEY_EXPIRED)
		seq_puts(m, " expired");
}

/* Material never leaves the kernel; sealed blobs will come later. */
static long kvault_kt_read(const struct key *key, char *buffer, size_t buflen)
{
	return -EOPNOTSUPP;
}

static struct key_type kvault_key_type = {
	.name			= KVAULT_KEY_TYPE,
	.vet_description	= kvault_kt_vet_description,
	.preparse		= kvault_kt_preparse,
	.free_preparse		= kvault_kt_free_preparse,
	.instantiate		= kvault_kt_instantiate,
	.revoke			= kvault_kt_revoke,
	.destroy		= kvault_kt_destroy,
	.describe		= kvault_kt_describe,
	.read			= kvault_kt_read,
	.asym_query		= kvault_use_query,
	.asym_eds_op		= kvault_use_eds,
	.asym_verify_signature	= kvault_use_verify,
};

int kvault_keytype_register(void)
{
	return register_key_type(&kvault_key_type);
}

void kvault_keytype_unregister(void)
{
	unregister_key_type(&kvault_key_type);
}
