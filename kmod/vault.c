// SPDX-License-Identifier: GPL-2.0
/*
 * The vault: the registry of keys, their lifecycle and their material.
 *
 * Every vault key is a keyring key of type "kvault" (keytype.c) whose
 * payload points at a struct kvault_key. The keyring core owns the key's
 * life (links, quotas, permissions, timeout, revocation, garbage
 * collection); this file owns what is behind the payload.
 *
 * Registry
 *   Indexes find a struct kvault_key: a hash by ID (the key's serial),
 *   a maple tree in ID order for the cursor of a netlink dump, and a hash
 *   by name (a fixed, zero-padded KVAULT_KEY_NAME_MAX array, so the hash
 *   needs no strlen). Lookups stay flat at 100,000 keys. Lookups run
 *   under RCU and take a reference with refcount_inc_not_zero(); every
 *   change to the indexes is made under kvault_reg_lock. Structs are freed
 *   with kfree_rcu(), so a lookup that lost the race sees a zero count.
 *
 *   A name is reserved at preparse (inserted into the name index with ID
 *   0, which lookups skip): a second key with that name fails there with
 *   EEXIST. instantiate commits it (sets the ID and inserts into the ID
 *   index); free_preparse releases it if the key was never instantiated.
 *
 * References
 *   The key's payload holds one reference on the struct kvault_key; the
 *   registry holds none; a scheduled destroy work holds one; lookups hold
 *   one while they work. The key type's .destroy (keyring garbage
 *   collection, also for every key on unregister_key_type() at unload)
 *   removes the entry from both indexes, wipes the material, and drops
 *   the payload's reference. The final put wipes again and frees.
 *
 *   ->key points back at the struct key until .destroy clears it, under
 *   ->key_lock. A struct key reference is taken from it with
 *   refcount_inc_not_zero() on key->usage (the key may already be dying)
 *   under that lock, and key_validate() then reports revoked, expired and
 *   invalidated keys.
 *
 * Locking
 *   ->lock (a key's lifecycle, its versions and material) nests outside
 *   kvault_reg_lock (registry mutations) only in instantiate; events are
 *   sent with ->lock held, so a key's events go out in the order of its
 *   changes (netlink.c serializes them globally). The keyring core
 *   calls .revoke with key->sem held; we take ->lock inside it, so no path
 *   here calls into the keyring core (key_invalidate) while holding ->lock.
 *   Fields that .describe and dumps read without ->lock are written with
 *   WRITE_ONCE().
 *
 * Material
 *   get_random_bytes() XOR tpm_get_random() when a TPM answers (kvault.h).
 *   Each version's material is a separate kmalloc'ed buffer, wiped with
 *   kfree_sensitive() (memzero_explicit) the moment it is retired: raising
 *   the minimum version, destroy, revoke, noticed expiry, unload. Built
 *   with KVAULT_SELFTEST=1, every wipe is verified before the buffer is
 *   freed, and every key is checked to hold no material when it is freed;
 *   the counts are module parameters selftest_wiped / selftest_wipe_errors.
 *
 * Expiry
 *   The keyring core expires keys silently. The vault notices lazily: any
 *   ioctl, GET, DUMP or lookup that meets an expired key sends the
 *   "expired" event (once) and wipes the material; GC later destroys it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/key.h>
#include <linux/key-type.h>
#include <linux/maple_tree.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "kvault.h"

static bool allow_plaintext_import;
module_param(allow_plaintext_import, bool, 0644);
MODULE_PARM_DESC(allow_plaintext_import,
		 "accept \"import ALG HEX\" keyctl payloads (default 0)");

#ifdef KVAULT_SELFTEST
/* Wipes happen concurrently, under different keys' locks: count atomically. */
static atomic_t selftest_wiped = ATOMIC_INIT(0);
static atomic_t selftest_wipe_errors = ATOMIC_INIT(0);

static int kvault_param_get_atomic(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops kvault_param_ops_atomic = {
	.get = kvault_param_get_atomic,
};

module_param_cb(selftest_wiped, &kvault_param_ops_atomic, &selftest_wiped, 0444);
module_param_cb(selftest_wipe_errors, &kvault_param_ops_atomic,
		&selftest_wipe_errors, 0444);
#endif

static DEFINE_MUTEX(kvault_reg_lock);
/*
 * IDs have two indexes: a hash for lookups (one bucket, like names) and a
 * maple tree in ID order for the cursor of netlink dumps. Key serials are
 * random 31-bit numbers: an xarray gave almost every key a node of its own
 * (~1.1 KB per key, measured by make bench); a maple tree packs them. RCU
 * mode, because dumps walk it under rcu_read_lock().
 */
static struct rhashtable kvault_by_id;
static struct maple_tree kvault_id_order = MTREE_INIT(kvault_id_order,
						      MT_FLAGS_USE_RCU);
static struct rhashtable kvault_by_name;
static atomic_t kvault_nr_keys = ATOMIC_INIT(0);
static struct workqueue_struct *kvault_wq;
static struct key *kvault_keyring;

static const struct rhashtable_params kvault_id_params = {
	.key_len		= sizeof(key_serial_t),
	.key_offset		= offsetof(struct kvault_key, serial),
	.head_offset		= offsetof(struct kvault_key, id_node),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params kvault_name_params = {
	.key_len		= KVAULT_KEY_NAME_MAX,
	.key_offset		= offsetof(struct kvault_key, name),
	.head_offset		= offsetof(struct kvault_key, name_node),
	.automatic_shrinking	= true,
};

/* ---- algorithms and payload parsing ---------------------------------- */

#define KVAULT_USAGE_CIPHER (KVAULT_USAGE_ENCRYPT | KVAULT_USAGE_DECRYPT | \
			     KVAULT_USAGE_CRYPTO_API)
#define KVAULT_USAGE_MAC (KVAULT_USAGE_SIGN | KVAULT_USAGE_VERIFY | \
			  KVAULT_USAGE_CRYPTO_API)

static const struct kvault_alg_info {
	const char *name;
	u32 len;
	u32 usage;
} kvault_algs[] = {
	[KVAULT_ALG_AES_128]	 = { "aes-128", 16, KVAULT_USAGE_CIPHER |
				     KVAULT_USAGE_WRAP | KVAULT_USAGE_UNWRAP },
	[KVAULT_ALG_AES_256]	 = { "aes-256", 32, KVAULT_USAGE_CIPHER |
				     KVAULT_USAGE_WRAP | KVAULT_USAGE_UNWRAP },
	[KVAULT_ALG_AES_XTS_256] = { "aes-xts-256", 32, KVAULT_USAGE_CIPHER },
	[KVAULT_ALG_AES_XTS_512] = { "aes-xts-512", 64, KVAULT_USAGE_CIPHER },
	[KVAULT_ALG_HMAC_SHA256] = { "hmac-sha256", 32, KVAULT_USAGE_MAC },
	[KVAULT_ALG_HMAC_SHA384] = { "hmac-sha384", 48, KVAULT_USAGE_MAC },
	[KVAULT_ALG_HMAC_SHA512] = { "hmac-sha512", 64, KVAULT_USAGE_MAC },
	[KVAULT_ALG_SECRET]	 = { "secret", 0, KVAULT_USAGE_ALL },
};

static const char *const kvault_usage_names[] = {
	"encrypt", "decrypt", "wrap", "unwrap", "sign", "verify", "crypto-api",
};

static const char *const kvault_state_names[] = {
	[KVAULT_KEY_STATE_ENABLED]		= "enabled",
	[KVAULT_KEY_STATE_DISABLED]		= "disabled",
	[KVAULT_KEY_STATE_DESTROY_PENDING]	= "destroy-pending",
	[KVAULT_KEY_STATE_DESTROYED]		= "destroyed",
};

const char *kvault_alg_name(u32 alg)
{
	return alg && alg < ARRAY_SIZE(kvault_algs) ? kvault_algs[alg].name : "?";
}

const char *kvault_state_name(u32 state)
{
	return state && state < ARRAY_SIZE(kvault_state_names) ?
		kvault_state_names[state] : "reserved";
}

const char *kvault_usage_name(u32 bit)
{
	return bit < ARRAY_SIZE(kvault_usage_names) ? kvault_usage_names[bit] : "?";
}

/* Check @alg/@len and fill in the material length; 0 or -EINVAL. */
int kvault_alg_check(u32 alg, u32 *len)
{
	if (!alg || alg >= ARRAY_SIZE(kvault_algs))
		return -EINVAL;
	if (alg == KVAULT_ALG_SECRET)
		return *len >= KVAULT_SECRET_MIN_LEN &&
		       *len <= KVAULT_SECRET_MAX_LEN ? 0 : -EINVAL;
	if (*len)
		return -EINVAL;
	*len = kvault_algs[alg].len;
	return 0;
}

/* Apply the algorithm's default usage, or check @usage against it. */
int kvault_usage_check(u32 alg, u32 *usage)
{
	u32 allowed = kvault_algs[alg].usage;

	if (!*usage)
		*usage = allowed;
	return *usage & ~allowed ? -EINVAL : 0;
}

/* A decimal number with no sign, no leading zero and no suffix. */
static int kvault_parse_dec(const char *s, u32 *out)
{
	if (!isdigit(*s) || (s[0] == '0' && s[1]))
		return -EINVAL;
	return kstrtou32(s, 10, out);
}

static int kvault_parse_alg(const char *s, struct kvault_key_params *p)
{
	u32 i;

	if (!strncmp(s, "secret-", 7)) {
		p->alg = KVAULT_ALG_SECRET;
		if (kvault_parse_dec(s + 7, &p->len))
			return -EINVAL;
		return kvault_alg_check(p->alg, &p->len);
	}
	for (i = 1; i < KVAULT_ALG_SECRET; i++) {
		if (!strcmp(s, kvault_algs[i].name)) {
			p->alg = i;
			p->len = 0;
			return kvault_alg_check(i, &p->len);
		}
	}
	return -EINVAL;
}

static int kvault_parse_usage(char *list, u32 *usage)
{
	char *word;
	u32 i, bit;

	*usage = 0;
	while ((word = strsep(&list, ","))) {
		for (i = 0; i < ARRAY_SIZE(kvault_usage_names); i++)
			if (!strcmp(word, kvault_usage_names[i]))
				break;
		if (i == ARRAY_SIZE(kvault_usage_names))
			return -EINVAL;
		bit = BIT(i);
		if (*usage & bit)
			return -EINVAL;
		*usage |= bit;
	}
	return 0;
}

static int kvault_parse_option(char *opt, struct kvault_key_params *p,
			       bool *seen_usage, bool *seen_exp)
{
	int rc = kvault_parse_seal_option(opt, p);

	if (rc != -ENOENT)
		return rc;
	/* "load" and "update" take nothing but the sealing options */
	if (p->kind == KVAULT_PAYLOAD_LOAD || p->kind == KVAULT_PAYLOAD_UPDATE)
		return -EINVAL;
	if (!strncmp(opt, "usage=", 6) && !*seen_usage) {
		*seen_usage = true;
		return kvault_parse_usage(opt + 6, &p->usage);
	}
	if (!strncmp(opt, "exportable=", 11) && !*seen_exp && opt[11] &&
	    !opt[12] && (opt[11] == '0' || opt[11] == '1')) {
		*seen_exp = true;
		if (opt[11] == '1')
			p->attrs |= KVAULT_KEY_EXPORTABLE;
		return 0;
	}
	return -EINVAL;
}

/*
 * Parse a keyctl payload (format in uapi/linux/kvault.h). @p->material
 * receives imported bytes; the caller wipes @p.
 */
int kvault_parse_payload(const void *data, size_t datalen,
			 struct kvault_key_params *p)
{
	bool seen_usage = false, seen_exp = false;
	char *buf, *cur, *word;
	const char *s = data;
	size_t i;
	int rc = -EINVAL;

	memset(p, 0, sizeof(*p));
	if (!data || !datalen || datalen > KVAULT_KEY_PAYLOAD_MAX)
		return -EINVAL;
	if (!s[datalen - 1])
		datalen--;
	for (i = 0; i < datalen; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return -EINVAL;

	buf = kmemdup_nul(s, datalen, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	word = strsep(&cur, " ");
	if (!strcmp(word, "import")) {
		p->kind = KVAULT_PAYLOAD_IMPORT;
		p->import = true;
	} else if (!strcmp(word, "load")) {
		p->kind = KVAULT_PAYLOAD_LOAD;
	} else if (!strcmp(word, "update")) {
		p->kind = KVAULT_PAYLOAD_UPDATE;
	} else if (strcmp(word, "new")) {
		goto out;
	}
	if (p->kind == KVAULT_PAYLOAD_LOAD) {
		word = strsep(&cur, " ");
		if (!word || !*word || strlen(word) % 2 ||
		    strlen(word) > 2 * KVAULT_BLOB_MAX)
			goto out;
		p->blob_len = strlen(word) / 2;
		if (hex2bin(p->blob, word, p->blob_len))
			goto out;
	} else if (p->kind != KVAULT_PAYLOAD_UPDATE) {
		word = strsep(&cur, " ");
		if (!word || kvault_parse_alg(word, p))
			goto out;
	}
	if (p->import) {
		word = strsep(&cur, " ");
		if (!word || strlen(word) != 2 * p->len ||
		    hex2bin(p->material, word, p->len))
			goto out;
		p->attrs |= KVAULT_KEY_IMPORTED;
	}
	while ((word = strsep(&cur, " "))) {
		if (kvault_parse_option(word, p, &seen_usage, &seen_exp))
			goto out;
	}
	rc = kvault_seal_params_check(p);
	if (!rc && (p->kind == KVAULT_PAYLOAD_NEW ||
		    p->kind == KVAULT_PAYLOAD_IMPORT))
		rc = kvault_usage_check(p->alg, &p->usage);
	if (!rc && p->import && !allow_plaintext_import)
		rc = -EPERM;
out:
	kfree_sensitive(buf);
	return rc;
}

/* Printable ASCII without space, 1 to KVAULT_KEY_NAME_MAX - 1 bytes. */
int kvault_name_check(const char *name)
{
	size_t i, n = strnlen(name, KVAULT_KEY_NAME_MAX);

	if (!n || n == KVAULT_KEY_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (name[i] <= 0x20 || name[i] > 0x7e)
			return -EINVAL;
	return 0;
}

/* ---- material --------------------------------------------------------- */

static void kvault_material_free(u8 *mat, u32 len)
{
	if (!mat)
		return;
	memzero_explicit(mat, len);
#ifdef KVAULT_SELFTEST
	if (memchr_inv(mat, 0, len)) {
		atomic_inc(&selftest_wipe_errors);
		WARN_ONCE(1, "kvault: material not wiped");
	} else {
		atomic_inc(&selftest_wiped);
	}
#endif
	kfree_sensitive(mat);
}

static struct kvault_version *kvault_version_new(struct kvault_key *kk,
						 u32 version, const u8 *import)
{
	struct kvault_version *v;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	v->material = kmalloc(kk->len, GFP_KERNEL);
	if (!v->material) {
		kfree(v);
		return NULL;
	}
	v->version = version;
	if (import)
		memcpy(v->material, import, kk->len);
	else
		kvault_tpm_mix_random(v->material, kk->len);
	return v;
}

static void kvault_version_free(struct kvault_key *kk, struct kvault_version *v)
{
	list_del(&v->node);
	kvault_material_free(v->material, kk->len);
	kfree(v);
	kk->nr_versions--;
}

/* Wipe and forget every version below @min (all of them for U32_MAX). */
static void kvault_wipe_below(struct kvault_key *kk, u32 min)
{
	struct kvault_version *v, *tmp;

	list_for_each_entry_safe(v, tmp, &kk->versions, node)
		if (v->version < min)
			kvault_version_free(kk, v);
}

/* ---- struct kvault_key lifetime --------------------------------------- */

static void kvault_key_free(struct kvault_key *kk)
{
	kvault_wipe_below(kk, U32_MAX);
	kfree(kk->blob);
	free_percpu(kk->stats);
#ifdef KVAULT_SELFTEST
	if (kk->id && kk->state != KVAULT_KEY_STATE_DESTROYED) {
		atomic_inc(&selftest_wipe_errors);
		WARN_ONCE(1, "kvault: key freed without being destroyed");
	}
#endif
	kfree_rcu(kk, rcu);
}

void kvault_key_put(struct kvault_key *kk)
{
	if (kk && refcount_dec_and_test(&kk->ref))
		kvault_key_free(kk);
}

static void kvault_destroy_work(struct work_struct *work);

/* Preparse: a new key with @name reserved in the name index. */
struct kvault_key *kvault_key_reserve(const char *name,
				      const struct kvault_key_params *p)
{
	struct kvault_key *kk;
	struct kvault_version *v;
	int rc;

	if (kvault_name_check(name))
		return ERR_PTR(-EINVAL);
	kk = kzalloc(sizeof(*kk), GFP_KERNEL);
	if (!kk)
		return ERR_PTR(-ENOMEM);
	refcount_set(&kk->ref, 1);
	spin_lock_init(&kk->key_lock);
	mutex_init(&kk->lock);
	INIT_LIST_HEAD(&kk->versions);
	INIT_DELAYED_WORK(&kk->destroy_work, kvault_destroy_work);
	strscpy(kk->name, name, sizeof(kk->name));
	kk->alg = p->alg;
	kk->len = p->len;
	kk->usage = p->usage;
	kk->attrs = p->attrs;
	kk->version = p->version ? p->version : 1;
	kk->min_version = kk->version;
	kk->ctime = ktime_get_real_ns();

	v = kvault_version_new(kk, kk->version,
			       p->import ? p->material : NULL);
	if (!v) {
		kfree(kk);
		return ERR_PTR(-ENOMEM);
	}
	list_add(&v->node, &kk->versions);
	kk->nr_versions = 1;

	mutex_lock(&kvault_reg_lock);
	rc = rhashtable_lookup_insert_fast(&kvault_by_name, &kk->name_node,
					   kvault_name_params);
	mutex_unlock(&kvault_reg_lock);
	if (rc) {
		kvault_wipe_below(kk, U32_MAX);
		kfree(kk);
		return ERR_PTR(rc == -EEXIST ? -EEXIST : rc);
	}
	return kk;
}

/* free_preparse of a key never instantiated: give the name back. */
void kvault_key_unreserve(struct kvault_key *kk)
{
	mutex_lock(&kvault_reg_lock);
	rhashtable_remove_fast(&kvault_by_name, &kk->name_node,
			       kvault_name_params);
	mutex_unlock(&kvault_reg_lock);
	kk->state = KVAULT_KEY_STATE_DESTROYED;
	kvault_key_put(kk);
}

/* instantiate: the key has its serial; enter it in the ID index. */
int kvault_key_commit(struct kvault_key *kk, struct key *key)
{
	int rc;

	mutex_lock(&kk->lock);
	mutex_lock(&kvault_reg_lock);
	kk->serial = key->serial;
	rc = rhashtable_insert_fast(&kvault_by_id, &kk->id_node,
				    kvault_id_params);
	if (!rc) {
		rc = mtree_insert(&kvault_id_order, key->serial, kk, GFP_KERNEL);
		if (rc)
			rhashtable_remove_fast(&kvault_by_id, &kk->id_node,
					       kvault_id_params);
	}
	if (!rc) {
		spin_lock(&kk->key_lock);
		kk->key = key;
		spin_unlock(&kk->key_lock);
		WRITE_ONCE(kk->state, KVAULT_KEY_STATE_ENABLED);
		WRITE_ONCE(kk->id, key->serial);
		atomic_inc(&kvault_nr_keys);
	}
	mutex_unlock(&kvault_reg_lock);
	if (!rc)
		kvault_event(kk, KVAULT_EVENT_CREATED, true);
	mutex_unlock(&kk->lock);
	return rc;
}

/* Take the struct key behind @kk, or NULL once it is gone or dying. */
struct key *kvault_key_get_key(struct kvault_key *kk)
{
	struct key *key;

	spin_lock(&kk->key_lock);
	key = kk->key;
	if (key && !refcount_inc_not_zero(&key->usage))
		key = NULL;
	spin_unlock(&kk->key_lock);
	return key;
}

/* Wipe every version and drop the blob; the caller holds ->lock. */
static void kvault_wipe_all(struct kvault_key *kk)
{
	kvault_wipe_below(kk, U32_MAX);
	kfree(kk->blob);
	kk->blob = NULL;
	kk->blob_len = 0;
	WRITE_ONCE(kk->attrs, kk->attrs & ~KVAULT_KEY_SEALED);
}

/*
 * Cancel a scheduled destroy; the caller holds ->lock. A work that already
 * runs waits for ->lock and then finds the state changed.
 */
static void kvault_cancel_destroy_work(struct kvault_key *kk)
{
	if (cancel_delayed_work(&kk->destroy_work))
		kvault_key_put(kk);
	WRITE_ONCE(kk->destroy_time, 0);
}

/* .destroy: the keyring core frees the key. */
void kvault_key_release(struct kvault_key *kk, bool from_task)
{
	mutex_lock(&kvault_reg_lock);
	if (kk->id) {
		rhashtable_remove_fast(&kvault_by_id, &kk->id_node,
				       kvault_id_params);
		/*
		 * mtree_erase() may need a new node and, without one, leaves
		 * the entry in place (fault injection met it: a dump then
		 * found the freed key). A removal must not fail.
		 */
		WARN_ON_ONCE(mtree_store(&kvault_id_order, kk->id, NULL,
					 GFP_KERNEL | __GFP_NOFAIL));
		atomic_dec(&kvault_nr_keys);
	}
	rhashtable_remove_fast(&kvault_by_name, &kk->name_node,
			       kvault_name_params);
	mutex_unlock(&kvault_reg_lock);

	spin_lock(&kk->key_lock);
	kk->key = NULL;
	spin_unlock(&kk->key_lock);

	mutex_lock(&kk->lock);
	if (kk->state == KVAULT_KEY_STATE_DESTROY_PENDING)
		kvault_cancel_destroy_work(kk);
	if (kk->state != KVAULT_KEY_STATE_DESTROYED) {
		kvault_wipe_all(kk);
		WRITE_ONCE(kk->state, KVAULT_KEY_STATE_DESTROYED);
		kvault_event(kk, KVAULT_EVENT_DESTROYED, from_task);
	}
	mutex_unlock(&kk->lock);
	kvault_mirror_drop(kk, U32_MAX);
	kvault_key_put(kk);
}

/* .revoke, with key->sem held. */
void kvault_key_revoke(struct kvault_key *kk)
{
	mutex_lock(&kk->lock);
	kvault_wipe_all(kk);
	WRITE_ONCE(kk->attrs, kk->attrs | KVAULT_KEY_REVOKED);
	if (kk->state == KVAULT_KEY_STATE_DESTROY_PENDING) {
		kvault_cancel_destroy_work(kk);
		WRITE_ONCE(kk->state, KVAULT_KEY_STATE_DISABLED);
	}
	kvault_event(kk, KVAULT_EVENT_REVOKED, true);
	mutex_unlock(&kk->lock);
	kvault_mirror_drop(kk, U32_MAX);
}

/* ---- lookups ---------------------------------------------------------- */

static struct kvault_key *kvault_key_tryget(struct kvault_key *kk)
{
	return kk && READ_ONCE(kk->id) && refcount_inc_not_zero(&kk->ref) ?
		kk : NULL;
}

struct kvault_key *kvault_key_find_id(key_serial_t id)
{
	struct kvault_key *kk;

	if (id <= 0)
		return NULL;
	rcu_read_lock();
	kk = kvault_key_tryget(rhashtable_lookup(&kvault_by_id, &id,
						 kvault_id_params));
	rcu_read_unlock();
	return kk;
}

struct kvault_key *kvault_key_find_name(const char *name)
{
	char padded[KVAULT_KEY_NAME_MAX] = {};
	struct kvault_key *kk;

	if (strscpy(padded, name, sizeof(padded)) < 0)
		return NULL;
	rcu_read_lock();
	kk = kvault_key_tryget(rhashtable_lookup(&kvault_by_name, padded,
						 kvault_name_params));
	rcu_read_unlock();
	return kk;
}

/* The first key with an ID at least *@id, for dumps; *@id is updated. */
struct kvault_key *kvault_key_find_next(unsigned long *id)
{
	struct kvault_key *kk = NULL;
	void *entry;

	rcu_read_lock();
	while (!kk) {
		/* mt_find() moves *@id past the entry it returns */
		entry = mt_find(&kvault_id_order, id, INT_MAX);
		if (!entry)
			break;
		kk = kvault_key_tryget(entry);
	}
	rcu_read_unlock();
	if (kk)
		*id = kk->id;
	return kk;
}

/*
 * Check the keyring side of @kk (revoked, expired, invalidated) and notice
 * expiry. Returns 0 or the errno the key's state gives.
 */
static int kvault_key_validate(struct kvault_key *kk)
{
	struct key *key = kvault_key_get_key(kk);
	int rc;

	if (!key)
		return -ENOKEY;
	rc = key_validate(key);
	key_put(key);
	if (rc == -EKEYEXPIRED) {
		mutex_lock(&kk->lock);
		if (!(kk->attrs & KVAULT_KEY_EXPIRED)) {
			kvault_wipe_all(kk);
			WRITE_ONCE(kk->attrs, kk->attrs | KVAULT_KEY_EXPIRED);
			kvault_event(kk, KVAULT_EVENT_EXPIRED, true);
		}
		mutex_unlock(&kk->lock);
		kvault_mirror_drop(kk, U32_MAX);
	}
	return rc;
}

/* ---- lifecycle -------------------------------------------------------- */

static void kvault_key_snapshot(struct kvault_key *kk,
				struct kvault_key_meta *m)
{
	m->id = READ_ONCE(kk->id);
	m->alg = kk->alg;
	m->len = kk->len;
	m->usage = kk->usage;
	m->attrs = READ_ONCE(kk->attrs);
	m->state = READ_ONCE(kk->state);
	m->version = READ_ONCE(kk->version);
	m->min_version = READ_ONCE(kk->min_version);
	m->ctime = kk->ctime;
	m->destroy_time = READ_ONCE(kk->destroy_time);
	m->use_count = atomic64_read(&kk->use_count);
	m->last_use = READ_ONCE(kk->last_use);
	m->live_versions = kk->nr_versions;
	m->transforms = atomic_read(&kk->transforms);
	m->mirror_id = kk->mirror ? kk->mirror->serial : 0;
	kvault_key_usage(kk, &m->use);
}

/*
 * Destroy now; the caller holds ->lock (and is not the work). Returns
 * whether the key was destroyed by this call.
 */
static bool kvault_destroy_locked(struct kvault_key *kk, bool from_task)
{
	if (kk->state == KVAULT_KEY_STATE_DESTROYED)
		return false;
	if (kk->state == KVAULT_KEY_STATE_DESTROY_PENDING)
		kvault_cancel_destroy_work(kk);
	WRITE_ONCE(kk->destroy_time, 0);
	kvault_wipe_all(kk);
	WRITE_ONCE(kk->state, KVAULT_KEY_STATE_DESTROYED);
	kvault_event(kk, KVAULT_EVENT_DESTROYED, from_task);
	return true;
}

/*
 * After a destroy, without ->lock: remove the mirror, and let the keyring
 * core collect the key.
 */
static void kvault_destroy_finish(struct kvault_key *kk)
{
	struct key *key;

	kvault_mirror_drop(kk, U32_MAX);
	key = kvault_key_get_key(kk);

	if (key) {
		key_invalidate(key);
		key_put(key);
	}
}

static void kvault_destroy_work(struct work_struct *work)
{
	struct kvault_key *kk = container_of(to_delayed_work(work),
					     struct kvault_key, destroy_work);
	bool done = false;

	/*
	 * A run that a cancel missed (it had started) can meet a key that was
	 * scheduled again since: the deadline in jiffies tells them apart,
	 * and the newer queued run does the destroy. cancel_delayed_work() of
	 * a running work fails, so destroying here puts no extra reference.
	 */
	mutex_lock(&kk->lock);
	if (kk->state == KVAULT_KEY_STATE_DESTROY_PENDING &&
	    time_after_eq(jiffies, kk->destroy_jiffies))
		done = kvault_destroy_locked(kk, false);
	mutex_unlock(&kk->lock);
	if (done)
		kvault_destroy_finish(kk);
	kvault_key_put(kk);
}

static int kvault_op_state(struct kvault_key *kk, u32 op)
{
	/* revoked or expired since kvault_key_validate(): only destroy */
	if (kk->state != KVAULT_KEY_STATE_DESTROYED && op != KVAULT_OP_DESTROY) {
		if (kk->attrs & KVAULT_KEY_REVOKED)
			return -EKEYREVOKED;
		if (kk->attrs & KVAULT_KEY_EXPIRED)
			return -EKEYEXPIRED;
	}
	switch (kk->state) {
	case KVAULT_KEY_STATE_DESTROYED:
		return -ENOKEY;
	case KVAULT_KEY_STATE_DESTROY_PENDING:
		if (op != KVAULT_OP_CANCEL_DESTROY && op != KVAULT_OP_DESTROY &&
		    op != KVAULT_OP_INFO && op != KVAULT_OP_SCHEDULE_DESTROY)
			return -EBUSY;
		return 0;
	default:
		if (op == KVAULT_OP_CANCEL_DESTROY)
			return -EINVAL;
		return 0;
	}
}

static int kvault_rotate_locked(struct kvault_key *kk)
{
	struct kvault_version *v;

	if (kk->nr_versions >= KVAULT_KEY_MAX_VERSIONS ||
	    kk->version == U32_MAX)
		return -ENOSPC;
	v = kvault_version_new(kk, kk->version + 1, NULL);
	if (!v)
		return -ENOMEM;
	list_add(&v->node, &kk->versions);
	kk->nr_versions++;
	WRITE_ONCE(kk->version, v->version);
	return 0;
}

/*
 * Run lifecycle operation @op (KVAULT_OP_*) with @arg on @kk and fill @m
 * with the result. Returns 0 or the errno documented in the uapi header.
 */
int kvault_key_op(struct kvault_key *kk, u32 op, u32 arg,
		  struct kvault_key_meta *m)
{
	bool destroyed = false;
	u32 drop_below = 0;
	u32 event = 0;
	int rc;

	rc = kvault_key_validate(kk);
	if (rc && !(op == KVAULT_OP_DESTROY &&
		    (rc == -EKEYREVOKED || rc == -EKEYEXPIRED)))
		return rc;

	mutex_lock(&kk->lock);
	rc = kvault_op_state(kk, op);
	if (rc)
		goto out;
	switch (op) {
	case KVAULT_OP_INFO:
		break;
	case KVAULT_OP_ROTATE:
		rc = kvault_rotate_locked(kk);
		event = KVAULT_EVENT_ROTATED;
		break;
	case KVAULT_OP_SET_MIN_VERSION:
		if (arg < kk->min_version)
			rc = -EINVAL;
		else if (arg > kk->version)
			rc = -ERANGE;
		else if (arg == kk->min_version)
			break;
		if (rc)
			break;
		kvault_wipe_below(kk, arg);
		WRITE_ONCE(kk->min_version, arg);
		event = KVAULT_EVENT_MIN_VERSION;
		drop_below = arg;
		break;
	case KVAULT_OP_ENABLE:
	case KVAULT_OP_DISABLE: {
		u32 to = op == KVAULT_OP_ENABLE ? KVAULT_KEY_STATE_ENABLED :
						  KVAULT_KEY_STATE_DISABLED;

		if (kk->state == to) {
			rc = -EALREADY;
			break;
		}
		WRITE_ONCE(kk->state, to);
		event = op == KVAULT_OP_ENABLE ? KVAULT_EVENT_ENABLED :
						 KVAULT_EVENT_DISABLED;
		break;
	}
	case KVAULT_OP_SCHEDULE_DESTROY:
		if (kk->state == KVAULT_KEY_STATE_DESTROY_PENDING) {
			rc = -EALREADY;
			break;
		}
		if (arg > KVAULT_DESTROY_MAX_WINDOW) {
			rc = -EINVAL;
			break;
		}
		WRITE_ONCE(kk->state, KVAULT_KEY_STATE_DESTROY_PENDING);
		WRITE_ONCE(kk->destroy_time,
			   ktime_get_real_ns() + (u64)arg * NSEC_PER_SEC);
		kk->destroy_jiffies = jiffies + (unsigned long)arg * HZ;
		refcount_inc(&kk->ref);	/* the work's */
		if (!queue_delayed_work(kvault_wq, &kk->destroy_work,
					(unsigned long)arg * HZ))
			kvault_key_put(kk);
		event = KVAULT_EVENT_DESTROY_SCHEDULED;
		break;
	case KVAULT_OP_CANCEL_DESTROY:
		kvault_cancel_destroy_work(kk);
		WRITE_ONCE(kk->state, KVAULT_KEY_STATE_DISABLED);
		event = KVAULT_EVENT_DESTROY_CANCELLED;
		break;
	case KVAULT_OP_DESTROY:
		destroyed = kvault_destroy_locked(kk, true);
		break;
	case KVAULT_OP_TIGHTEN:
		if (arg & ~KVAULT_KEY_EXPORTABLE) {
			rc = -EINVAL;
			break;
		}
		if (kk->attrs & arg) {
			WRITE_ONCE(kk->attrs, kk->attrs & ~arg);
			event = KVAULT_EVENT_TIGHTENED;
		}
		break;
	default:
		rc = -EINVAL;
	}
	if (!rc && event)
		kvault_event(kk, event, true);
out:
	kvault_key_snapshot(kk, m);
	mutex_unlock(&kk->lock);
	if (drop_below)
		kvault_mirror_drop(kk, drop_below);
	if (destroyed)
		kvault_destroy_finish(kk);
	return rc;
}

/* GET and DUMP: metadata under ->lock; dumps report revoked/expired keys. */
int kvault_key_meta(struct kvault_key *kk, bool strict,
		    struct kvault_key_meta *m)
{
	int rc = kvault_key_validate(kk);

	if (rc && (strict || rc == -ENOKEY))
		return rc;
	mutex_lock(&kk->lock);
	kvault_key_snapshot(kk, m);
	mutex_unlock(&kk->lock);
	return 0;
}

/* ---- use ------------------------------------------------------------------ */

/* Can the material be handed out now? The caller holds ->lock. */
int kvault_key_usable_locked(struct kvault_key *kk)
{
	if (kk->attrs & KVAULT_KEY_REVOKED)
		return -EKEYREVOKED;
	if (kk->attrs & KVAULT_KEY_EXPIRED)
		return -EKEYEXPIRED;
	if (kk->state != KVAULT_KEY_STATE_ENABLED || list_empty(&kk->versions))
		return -ENOKEY;
	return 0;
}

/**
 * kvault_key_use - key an operation with one version of a key's material
 * @kk:      the key
 * @usage:   the KVAULT_USAGE_* bit the operation needs
 * @version: the version wanted, or 0 for the newest
 * @setkey:  called with ->lock held and the material; it keys a transform
 *           (which keeps its own copy) and must not keep the pointer
 * @ctx:     passed to @setkey
 * @used:    set to the version used
 *
 * The only way material leaves the vault's own buffers, and only into a
 * crypto API transform. Counts the use and its time when @setkey succeeds.
 *
 * Return: 0, or EKEYREJECTED for a usage the key lacks;
 * EKEYREVOKED or EKEYEXPIRED; ENOKEY for a key that is not enabled
 * (disabled, destroy-pending, destroyed) or a version that is not live;
 * else @setkey's error.
 */
int kvault_key_use(struct kvault_key *kk, u32 usage, u32 version,
		   int (*setkey)(void *ctx, const u8 *material, u32 len),
		   void *ctx, u32 *used)
{
	struct kvault_version *v, *found = NULL;
	int rc;

	if (!(kk->usage & usage))
		return -EKEYREJECTED;
	rc = kvault_key_validate(kk);
	if (rc)
		return rc;
	mutex_lock(&kk->lock);
	rc = kvault_key_usable_locked(kk);
	if (rc)
		goto out;
	list_for_each_entry(v, &kk->versions, node) {	/* newest first */
		if (!version || v->version == version) {
			found = v;
			break;
		}
	}
	if (!found) {
		rc = -ENOKEY;
		goto out;
	}
	rc = setkey(ctx, found->material, kk->len);
	if (!rc) {
		*used = found->version;
		atomic64_inc(&kk->use_count);
		WRITE_ONCE(kk->last_use, ktime_get_real_ns());
	}
out:
	mutex_unlock(&kk->lock);
	return rc;
}

/**
 * kvault_key_with_material - run @fn on the newest version's material
 * @kk:  the key
 * @fn:  called with ->lock held; must not keep the pointer
 * @ctx: passed to @fn
 *
 * For sealing, which is not a use: no usage is needed and nothing is
 * counted, but the key must be enabled.
 *
 * Return: @fn's result; EKEYREVOKED, EKEYEXPIRED, or ENOKEY for a key that
 * is not enabled.
 */
int kvault_key_with_material(struct kvault_key *kk,
			     int (*fn)(struct kvault_key *kk, const u8 *material,
				       void *ctx),
			     void *ctx)
{
	struct kvault_version *v;
	int rc;

	rc = kvault_key_validate(kk);
	if (rc)
		return rc;
	mutex_lock(&kk->lock);
	rc = kvault_key_usable_locked(kk);
	if (!rc) {
		v = list_first_entry(&kk->versions, struct kvault_version, node);
		rc = fn(kk, v->material, ctx);
	}
	mutex_unlock(&kk->lock);
	return rc;
}

/* ---- creation through the vault's keyring ------------------------------ */

/*
 * No process possesses the vault's keyring, so the creator gets as its
 * user what a possessor of a keyctl-made key gets: view, search (use),
 * read (a sealed key's blob, never material), write (reseal, which also
 * needs the right to manage keys), link (into its own keyrings) and
 * setattr (timeout, setperm for sharing).
 */
#define KVAULT_CREATOR_PERM (KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | \
			     KEY_POS_SEARCH | KEY_POS_LINK | KEY_POS_SETATTR | \
			     KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE | \
			     KEY_USR_SEARCH | KEY_USR_LINK | KEY_USR_SETATTR)

int kvault_key_create(const char *name, const char *payload,
		      key_serial_t *id)
{
	key_ref_t ref;

	if (kvault_name_check(name))
		return -EINVAL;
	ref = key_create_or_update(make_key_ref(kvault_keyring, true),
				   KVAULT_KEY_TYPE, name, payload,
				   strlen(payload), KVAULT_CREATOR_PERM,
				   KEY_ALLOC_IN_QUOTA);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	*id = key_ref_to_ptr(ref)->serial;
	key_ref_put(ref);
	return 0;
}

struct key *kvault_vault_keyring(void)
{
	return kvault_keyring;
}

key_serial_t kvault_keyring_id(void)
{
	return kvault_keyring->serial;
}

u32 kvault_nr_keys_get(void)
{
	return atomic_read(&kvault_nr_keys);
}

int __init kvault_vault_init(void)
{
	int rc;

	rc = rhashtable_init(&kvault_by_name, &kvault_name_params);
	if (rc)
		return rc;
	rc = rhashtable_init(&kvault_by_id, &kvault_id_params);
	if (rc)
		goto err_ht;
	kvault_wq = alloc_workqueue("kvault", WQ_UNBOUND, 0);
	if (!kvault_wq) {
		rc = -ENOMEM;
		goto err_id;
	}
	rc = kvault_keytype_register();
	if (rc)
		goto err_wq;
	kvault_keyring = keyring_alloc("_kvault", GLOBAL_ROOT_UID,
				       GLOBAL_ROOT_GID, current_cred(),
				       KEY_POS_ALL | KEY_USR_VIEW |
				       KEY_USR_READ | KEY_USR_SEARCH,
				       KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	if (IS_ERR(kvault_keyring)) {
		rc = PTR_ERR(kvault_keyring);
		goto err_type;
	}
	return 0;

err_type:
	kvault_keytype_unregister();
err_wq:
	destroy_workqueue(kvault_wq);
err_id:
	rhashtable_destroy(&kvault_by_id);
err_ht:
	rhashtable_destroy(&kvault_by_name);
	return rc;
}

/*
 * Unload: unregistering the key type garbage-collects every kvault key
 * (each one's .destroy wipes it); then pending works drain and the
 * (now empty) indexes go.
 */
void kvault_vault_exit(void)
{
	unsigned long first = 0;

	key_revoke(kvault_keyring);
	key_put(kvault_keyring);
	kvault_keytype_unregister();
	destroy_workqueue(kvault_wq);
	/* no key may be left: the key type's unregistration collected them */
	WARN_ON(mt_find(&kvault_id_order, &first, ULONG_MAX));
	mtree_destroy(&kvault_id_order);
	rhashtable_destroy(&kvault_by_id);
	rhashtable_destroy(&kvault_by_name);
}
