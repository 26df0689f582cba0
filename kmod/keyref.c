// SPDX-License-Identifier: GPL-2.0
/*
 * Key references: how the "kvault" crypto template (crypto_*.c) turns the
 * bytes a setkey receives into a key, and how a transform stays tied to
 * that key. Also the logon mirror, the other way kernel consumers get a
 * vault key.
 *
 * A reference (struct kvault_key_ref) names a key by ID or name. It is
 * resolved with the credentials of the task calling setkey, as keyctl
 * resolves a key: the key's own permission mask, with possession decided
 * by a search of the caller's keyrings. The transform then holds a
 * reference on both the vault key and its struct key; every request checks
 * them with plain loads (kvault_binding_check() in kvault.h), so revoking,
 * disabling, destroying or expiring a key stops every transform at once
 * without the data path taking a lock or an atomic.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/key-type.h>
#include <linux/miscdevice.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <keys/user-type.h>
#include <asm/syscall.h>

#include "kvault.h"

static const struct {
	const char *inner;
	struct kvault_fit fit;
} kvault_fits[] = {
	{ "xts(aes)",		{ KVAULT_FIT_AES_XTS, 0 } },
	{ "cbc(aes)",		{ KVAULT_FIT_AES, 0 } },
	{ "ctr(aes)",		{ KVAULT_FIT_AES, 0 } },
	{ "ecb(aes)",		{ KVAULT_FIT_AES, 0 } },
	{ "cts(cbc(aes))",	{ KVAULT_FIT_AES, 0 } },
	{ "gcm(aes)",		{ KVAULT_FIT_AES, 0 } },
	{ "rfc4106(gcm(aes))",	{ KVAULT_FIT_AES, 4 } },	/* the salt */
	{ "hmac(sha256)",	{ KVAULT_FIT_HMAC_SHA256, 0 } },
	{ "hmac(sha384)",	{ KVAULT_FIT_HMAC_SHA384, 0 } },
	{ "hmac(sha512)",	{ KVAULT_FIT_HMAC_SHA512, 0 } },
};

/* The longest tail any fit has, for the setkey buffers below. */
#define KVAULT_FIT_TAIL_MAX	4

int kvault_fit_lookup(const char *inner_cra_name, struct kvault_fit *fit)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kvault_fits); i++) {
		if (!strcmp(kvault_fits[i].inner, inner_cra_name)) {
			*fit = kvault_fits[i].fit;
			return 0;
		}
	}
	return -ENOENT;
}

static bool kvault_fit_alg(const struct kvault_fit *fit, u32 alg)
{
	switch (fit->class) {
	case KVAULT_FIT_AES:
		return alg == KVAULT_ALG_AES_128 || alg == KVAULT_ALG_AES_256;
	case KVAULT_FIT_AES_XTS:
		return alg == KVAULT_ALG_AES_XTS_256 ||
		       alg == KVAULT_ALG_AES_XTS_512;
	case KVAULT_FIT_HMAC_SHA256:
		return alg == KVAULT_ALG_HMAC_SHA256 || alg == KVAULT_ALG_SECRET;
	case KVAULT_FIT_HMAC_SHA384:
		return alg == KVAULT_ALG_HMAC_SHA384 || alg == KVAULT_ALG_SECRET;
	case KVAULT_FIT_HMAC_SHA512:
		return alg == KVAULT_ALG_HMAC_SHA512 || alg == KVAULT_ALG_SECRET;
	}
	return false;
}

/* A valid key length for the class, to rekey a transform with noise. */
static u32 kvault_fit_noise_len(const struct kvault_fit *fit)
{
	return (fit->class == KVAULT_FIT_AES_XTS ? 64 : 32) + fit->tail;
}

/*
 * Who calls setkey, for usage accounting. Decided from the system call
 * the task is in, not from anything the caller writes: AF_ALG keys its
 * transforms from setsockopt(ALG_SET_KEY), dm-crypt from an ioctl on the
 * device-mapper control device (table load, "key set" message).
 */
static u32 kvault_consumer_of_current(void)
{
	struct pt_regs *regs;
	unsigned long args[6];
	struct inode *inode;
	struct file *file;
	u32 kind = KVAULT_CONSUMER_KERNEL;

	if (!in_task() || (current->flags & PF_KTHREAD) || in_compat_syscall())
		return kind;
	regs = task_pt_regs(current);
	switch (syscall_get_nr(current, regs)) {
	case __NR_setsockopt:
		return KVAULT_CONSUMER_AF_ALG;
	case __NR_ioctl:
		syscall_get_arguments(current, regs, args);
		file = fget((unsigned int)args[0]);
		if (!file)
			return kind;
		inode = file_inode(file);
		if (S_ISCHR(inode->i_mode) &&
		    inode->i_rdev == MKDEV(MISC_MAJOR, MAPPER_CTRL_MINOR))
			kind = KVAULT_CONSUMER_DM_CRYPT;
		fput(file);
		return kind;
	default:
		return kind;
	}
}

/*
 * Parse @len bytes at @data as a reference followed by @tail non-secret
 * bytes. Fills @hdr and @name (empty when the reference has an ID).
 */
static int kvault_ref_parse(const u8 *data, unsigned int len, u8 tail,
			    struct kvault_key_ref *hdr,
			    char name[KVAULT_KEY_NAME_MAX])
{
	u32 nlen;

	if (len < KVAULT_KEY_REF_HDR_SIZE + tail)
		return -EINVAL;
	memcpy(hdr, data, KVAULT_KEY_REF_HDR_SIZE);	/* may be unaligned */
	if (hdr->magic != KVAULT_KEY_REF_MAGIC ||
	    hdr->version != KVAULT_KEY_REF_VERSION ||
	    hdr->size < KVAULT_KEY_REF_HDR_SIZE ||
	    hdr->size > KVAULT_KEY_REF_MAX_SIZE ||
	    len != hdr->size + tail || hdr->flags || hdr->reserved ||
	    hdr->id < 0)
		return -EINVAL;
	nlen = hdr->size - KVAULT_KEY_REF_HDR_SIZE;
	name[0] = '\0';
	if (hdr->id)
		return nlen ? -EINVAL : 0;
	/* a name and its NUL, ending exactly at @size */
	if (nlen < 2 || data[hdr->size - 1] != '\0')
		return -EINVAL;
	memcpy(name, data + KVAULT_KEY_REF_HDR_SIZE, nlen);
	if (strlen(name) != nlen - 1 || kvault_name_check(name))
		return -EINVAL;
	return 0;
}

/*
 * May the current task use @kk? Exactly as keyctl decides for a key ID:
 * lookup_user_key() grants search through the key's permission mask to
 * the task's credentials, as possessor when the key is reachable from the
 * task's keyrings. Returns the struct key, referenced, or an ERR_PTR:
 * EACCES, or the keyring core's EKEYREVOKED, EKEYEXPIRED, ENOKEY.
 */
static struct key *kvault_key_may_use(struct kvault_key *kk)
{
	struct key *mine = kvault_key_get_key(kk);
	struct key *key;
	key_ref_t ref;

	if (!mine)
		return ERR_PTR(-ENOKEY);
	ref = lookup_user_key(mine->serial, 0, KEY_NEED_SEARCH);
	key = IS_ERR(ref) ? ERR_CAST(ref) : key_ref_to_ptr(ref);
	if (!IS_ERR(key) && key != mine) {
		/* cannot happen while we hold @mine; do not trust it either */
		key_put(key);
		key = ERR_PTR(-ENOENT);
	}
	key_put(mine);
	return key;
}

/* Find and check the key a reference names, for the current task. */
static struct kvault_key *kvault_ref_resolve(const struct kvault_key_ref *hdr,
					     const char *name,
					     struct key **key)
{
	struct kvault_key *kk;

	kk = hdr->id ? kvault_key_find_id(hdr->id) : kvault_key_find_name(name);
	if (!kk)
		return ERR_PTR(-ENOENT);
	*key = kvault_key_may_use(kk);
	if (IS_ERR(*key)) {
		kvault_key_put(kk);
		return ERR_CAST(*key);
	}
	return kk;
}

struct kvault_setkey_ctx {
	int (*setkey)(void *ctx, const u8 *key, unsigned int len);
	void *ctx;
	const u8 *tail;
	u8 tail_len;
};

/* kvault_key_use()'s callback: key the inner transform with material || tail. */
static int kvault_setkey_material(void *arg, const u8 *material, u32 len)
{
	struct kvault_setkey_ctx *c = arg;
	u8 buf[KVAULT_SECRET_MAX_LEN + KVAULT_FIT_TAIL_MAX];
	int rc;

	memcpy(buf, material, len);
	memcpy(buf + len, c->tail, c->tail_len);
	rc = c->setkey(c->ctx, buf, len + c->tail_len);
	memzero_explicit(buf, sizeof(buf));
	return rc;
}

/* Leave the inner transform keyed with noise: nothing usable remains. */
static void kvault_setkey_noise(const struct kvault_fit *fit,
				int (*setkey)(void *ctx, const u8 *key,
					      unsigned int len),
				void *ctx)
{
	u8 buf[64 + KVAULT_FIT_TAIL_MAX];
	u32 len = kvault_fit_noise_len(fit);

	get_random_bytes(buf, len);
	setkey(ctx, buf, len);
	memzero_explicit(buf, sizeof(buf));
}

static struct kvault_use_stats __percpu *kvault_key_stats(struct kvault_key *kk)
{
	struct kvault_use_stats __percpu *stats = READ_ONCE(kk->stats);

	if (stats)
		return stats;
	stats = alloc_percpu(struct kvault_use_stats);
	if (!stats)
		return NULL;
	if (cmpxchg(&kk->stats, NULL, stats)) {
		free_percpu(stats);
		stats = READ_ONCE(kk->stats);
	}
	return stats;
}

void kvault_unbind(struct kvault_binding *b)
{
	if (!b->kk)
		return;
	atomic_dec(&b->kk->transforms);
	key_put(b->key);
	kvault_key_put(b->kk);
	b->kk = NULL;
	b->key = NULL;
	b->stats = NULL;
}

/**
 * kvault_bind - key a transform by reference
 * @b:      the transform's binding; @b->fit set by the template
 * @ref:    what setkey received: a struct kvault_key_ref and the fit's tail
 * @len:    its length
 * @setkey: keys the inner transform
 * @ctx:    passed to @setkey
 *
 * On success @b holds the key, and its previous key (if any) is dropped.
 * On failure @b holds no key and the inner transform is keyed with random
 * bytes. The errors are the ones uapi/linux/kvault.h lists for setkey.
 */
int kvault_bind(struct kvault_binding *b, const u8 *ref, unsigned int len,
		int (*setkey)(void *ctx, const u8 *key, unsigned int len),
		void *ctx)
{
	struct kvault_setkey_ctx c = {
		.setkey = setkey, .ctx = ctx, .tail_len = b->fit.tail,
	};
	struct kvault_use_stats __percpu *stats;
	char name[KVAULT_KEY_NAME_MAX];
	struct kvault_key_ref hdr;
	struct kvault_key *kk;
	struct key *key;
	u32 version;
	int rc;

	kvault_unbind(b);
	rc = kvault_ref_parse(ref, len, b->fit.tail, &hdr, name);
	if (rc)
		goto fail;
	c.tail = ref + hdr.size;
	kk = kvault_ref_resolve(&hdr, name, &key);
	if (IS_ERR(kk)) {
		rc = PTR_ERR(kk);
		goto fail;
	}
	rc = -EKEYREJECTED;
	if (!(kk->usage & KVAULT_USAGE_CRYPTO_API))
		goto fail_put;
	rc = -EMEDIUMTYPE;
	if (!kvault_fit_alg(&b->fit, kk->alg))
		goto fail_put;
	rc = -ENOMEM;
	stats = kvault_key_stats(kk);
	if (!stats)
		goto fail_put;
	rc = kvault_key_use(kk, KVAULT_USAGE_CRYPTO_API, hdr.key_version,
			    kvault_setkey_material, &c, &version);
	if (rc)
		goto fail_put;
	atomic_inc(&kk->transforms);
	b->kk = kk;
	b->key = key;
	b->stats = stats;
	b->version = version;
	b->consumer = kvault_consumer_of_current() - 1;
	return 0;

fail_put:
	key_put(key);
	kvault_key_put(kk);
fail:
	kvault_setkey_noise(&b->fit, setkey, ctx);
	return rc;
}

/* The sum of a key's per-CPU usage counters. */
void kvault_key_usage(struct kvault_key *kk, struct kvault_use_stats *sum)
{
	struct kvault_use_stats __percpu *stats = READ_ONCE(kk->stats);
	const struct kvault_use_stats *s;
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum));
	if (!stats)
		return;
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(stats, cpu);
		for (i = 0; i < KVAULT_CONSUMER_MAX; i++) {
			sum->ops[i] += READ_ONCE(s->ops[i]);
			sum->bytes[i] += READ_ONCE(s->bytes[i]);
		}
	}
}

/* ---- the logon mirror -------------------------------------------------- */

/* Possessor and owner may view, find and link it; no one reads or writes. */
#define KVAULT_MIRROR_PERM (KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK | \
			    KEY_USR_VIEW | KEY_USR_SEARCH | KEY_USR_LINK)

static void kvault_mirror_kill(struct key *mirror)
{
	/* revoking a logon key frees (kfree_sensitive) its payload at once */
	key_revoke(mirror);
	key_invalidate(mirror);
	key_put(mirror);
}

/*
 * Remove the mirror if it holds a version below @below_version (U32_MAX:
 * any). Called without ->lock: the keyring core must not be entered with
 * it held (vault.c, Locking).
 */
void kvault_mirror_drop(struct kvault_key *kk, u32 below_version)
{
	struct key *mirror = NULL;

	mutex_lock(&kk->lock);
	if (kk->mirror && kk->mirror_version < below_version) {
		mirror = kk->mirror;
		kk->mirror = NULL;
		kk->mirror_version = 0;
	}
	mutex_unlock(&kk->lock);
	if (mirror)
		kvault_mirror_kill(mirror);
}

struct kvault_copy {
	u8 buf[KVAULT_SECRET_MAX_LEN];
	u32 len;
};

static int kvault_copy_material(void *arg, const u8 *material, u32 len)
{
	struct kvault_copy *c = arg;

	memcpy(c->buf, material, len);
	c->len = len;
	return 0;
}

/* Our mirror, if it still is one: not revoked, invalidated or expired. */
static bool kvault_mirror_live(struct kvault_key *kk, u32 version)
{
	return kk->mirror && kk->mirror_version == version &&
	       !key_validate(kk->mirror);
}

/* Does a struct key's @expiry name a time? None: TIME64_MAX (older: 0). */
static bool kvault_expiry_set(time64_t expiry)
{
	return expiry && expiry != TIME64_MAX;
}

/*
 * Give @mirror the expiry time of @key, the vault key it mirrors, so the
 * keyring core refuses the mirror from that second on, whether or not the
 * vault has noticed the key expire. key_set_timeout() counts from its own
 * clock read: if the second changed around it, set it again.
 */
static int kvault_mirror_expire_with(struct key *mirror, const struct key *key)
{
	time64_t expiry = READ_ONCE(key->expiry);
	time64_t now, left;

	if (!kvault_expiry_set(expiry)) {
		if (kvault_expiry_set(READ_ONCE(mirror->expiry)))
			key_set_timeout(mirror, 0);
		return 0;
	}
	do {
		now = ktime_get_real_seconds();
		if (now >= expiry)
			return -EKEYEXPIRED;
		left = min_t(time64_t, expiry - now, UINT_MAX);
		key_set_timeout(mirror, (unsigned int)left);
	} while (ktime_get_real_seconds() != now);
	return 0;
}

/*
 * The live mirror of @version, if there is one (else ENOENT), its expiry
 * brought to @key's: a keyctl timeout on the vault key since the last
 * PUBLISH reaches the mirror here. EKEYEXPIRED: the key has expired, and
 * the mirror is removed.
 */
static int kvault_mirror_again(struct kvault_key *kk, const struct key *key,
			       u32 version, key_serial_t *mirror_id)
{
	struct key *mirror = NULL;
	int rc;

	mutex_lock(&kk->lock);
	if (kvault_mirror_live(kk, version))
		mirror = key_get(kk->mirror);
	mutex_unlock(&kk->lock);
	if (!mirror)
		return -ENOENT;
	rc = kvault_mirror_expire_with(mirror, key);
	if (!rc)
		*mirror_id = mirror->serial;
	key_put(mirror);
	if (rc)
		kvault_mirror_drop(kk, U32_MAX);
	return rc;
}

int kvault_key_publish(struct kvault_key *kk, key_serial_t *mirror_id,
		       u32 *version)
{
	char desc[sizeof(KVAULT_MIRROR_PREFIX) + KVAULT_KEY_NAME_MAX];
	const struct cred *cred = current_cred();
	struct key *key, *mirror, *stale = NULL;
	struct kvault_copy *copy;
	int rc;

	/* setkey's order: a caller who may not search learns nothing more */
	key = kvault_key_may_use(kk);
	if (IS_ERR(key))
		return PTR_ERR(key);
	rc = -EKEYREJECTED;
	if (!(kk->usage & KVAULT_USAGE_CRYPTO_API))
		goto out_key;

	rc = -ENOMEM;
	copy = kzalloc(sizeof(*copy), GFP_KERNEL);
	if (!copy)
		goto out_key;
	rc = kvault_key_use(kk, KVAULT_USAGE_CRYPTO_API, 0,
			    kvault_copy_material, copy, version);
	if (rc)
		goto out;

	rc = kvault_mirror_again(kk, key, *version, mirror_id);
	if (rc != -ENOENT)
		goto out;

	snprintf(desc, sizeof(desc), KVAULT_MIRROR_PREFIX "%s", kk->name);
	mirror = key_alloc(&key_type_logon, desc, cred->fsuid, cred->fsgid,
			   cred, KVAULT_MIRROR_PERM, KEY_ALLOC_IN_QUOTA, NULL);
	if (IS_ERR(mirror)) {
		rc = PTR_ERR(mirror);
		goto out;
	}
	/* before it is linked anywhere: no one ever finds it without expiry */
	rc = kvault_mirror_expire_with(mirror, key);
	if (!rc)
		rc = key_instantiate_and_link(mirror, copy->buf, copy->len,
					      kvault_vault_keyring(), NULL);
	if (rc) {
		key_put(mirror);
		goto out;
	}

	/* the key may have changed meanwhile: install only a current copy */
	mutex_lock(&kk->lock);
	if (kvault_mirror_live(kk, *version)) {
		stale = mirror;
		*mirror_id = kk->mirror->serial;
	} else if (kvault_key_usable_locked(kk) || kk->min_version > *version) {
		stale = mirror;
		rc = -ENOKEY;
	} else {
		stale = kk->mirror;
		kk->mirror = mirror;
		kk->mirror_version = *version;
		*mirror_id = mirror->serial;
	}
	mutex_unlock(&kk->lock);
	if (stale)
		kvault_mirror_kill(stale);
out:
	kfree_sensitive(copy);
out_key:
	key_put(key);
	return rc;
}

int kvault_key_unpublish(struct kvault_key *kk)
{
	bool had;

	mutex_lock(&kk->lock);
	had = kk->mirror;
	mutex_unlock(&kk->lock);
	if (!had)
		return -ENOENT;
	kvault_mirror_drop(kk, U32_MAX);
	return 0;
}
