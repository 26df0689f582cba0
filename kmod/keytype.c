// SPDX-License-Identifier: GPL-2.0
/*
 * The "kvault" keyring key type. Each key's payload points at a struct
 * kvault_key of vault.c, which does the work; this file only adapts the
 * keyring core's callbacks. The payload format is in uapi/linux/kvault.h.
 *
 * preparse parses the payload and reserves the name (EEXIST for a name
 * in use anywhere in the vault); instantiate commits it under the key's
 * serial; free_preparse gives back a name that was never instantiated.
 * update reseals (seal.c); read gives a sealed key's blob, never material
 * (EOPNOTSUPP for a key that is not sealed); revoke wipes; destroy
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

/*
 * "new" and "import" reserve the name (and seal, given PCRs); "load"
 * unseals first, then reserves. "update" reserves nothing: its parameters
 * wait in payload.data[1] for .update, which reseals.
 */
static int kvault_kt_preparse(struct key_preparsed_payload *prep)
{
	struct kvault_tpm_refusal why = { };
	struct kvault_key_params *p;
	struct kvault_key *kk;
	int rc;

	/* creating or resealing a key is management, whichever interface asks */
	if (!kvault_may_manage())
		return -EPERM;
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	rc = kvault_parse_payload(prep->data, prep->datalen, p);
	if (rc)
		goto out;
	if (p->kind == KVAULT_PAYLOAD_UPDATE) {
		prep->payload.data[1] = p;
		return 0;
	}
	rc = -EINVAL;
	if (!prep->orig_description)
		goto out;
	if (p->kind == KVAULT_PAYLOAD_LOAD) {
		/* a name in use fails anyway: spare the TPM the unseal */
		kk = kvault_key_find_name(prep->orig_description);
		if (kk) {
			kvault_key_put(kk);
			rc = -EEXIST;
			goto out;
		}
		rc = kvault_seal_unseal(p, &why);
		if (rc)
			goto out;
	}
	kk = kvault_key_reserve(prep->orig_description, p);
	if (IS_ERR(kk)) {
		rc = PTR_ERR(kk);
		goto out;
	}
	rc = 0;
	if (p->kind == KVAULT_PAYLOAD_LOAD) {
		kk->blob = kmemdup(p->blob, p->blob_len, GFP_KERNEL);
		rc = kk->blob ? 0 : -ENOMEM;
		kk->blob_len = p->blob_len;
		kk->attrs |= KVAULT_KEY_SEALED;
	} else if (p->seal) {
		rc = kvault_seal_key(kk, p);
	}
	if (rc) {
		kvault_key_unreserve(kk);
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
	kfree_sensitive(prep->payload.data[1]);
}

/* keyctl update "update ...": reseal (see "Sealing" in the uapi header). */
static int kvault_kt_update(struct key *key, struct key_preparsed_payload *prep)
{
	struct kvault_key *kk = key->payload.data[0];
	struct kvault_key_params *p = prep->payload.data[1];

	if (!kk || !p)
		return -EINVAL;
	return kvault_seal_key(kk, p);
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
	if (attrs & KVAULT_KEY_SEALED)
		seq_puts(m, " sealed");
}

/* Material never leaves the kernel; a sealed key gives its blob in hex. */
static long kvault_kt_read(const struct key *key, char *buffer, size_t buflen)
{
	struct kvault_key *kk = key->payload.data[0];

	return kk ? kvault_seal_read(kk, buffer, buflen) : -EOPNOTSUPP;
}

static struct key_type kvault_key_type = {
	.name			= KVAULT_KEY_TYPE,
	.vet_description	= kvault_kt_vet_description,
	.preparse		= kvault_kt_preparse,
	.free_preparse		= kvault_kt_free_preparse,
	.instantiate		= kvault_kt_instantiate,
	.update			= kvault_kt_update,
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
