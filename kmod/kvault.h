/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between kvault's source files. Each file owns one
 * concern: main.c load/unload, chardev.c the /dev/kvault ioctls (and
 * ioctl_keys.c the key ones), netlink.c the generic netlink family (and
 * netlink_keys.c its key commands and events), tpm.c every conversation
 * with the TPM, vault.c the key registry, lifecycle and material,
 * keytype.c the "kvault" keyring key type, keyuse.c the use of keys
 * through keyctl's public-key operations; sealing is seal.c (keys),
 * blob.c (the blob format), ioctl_seal.c (its ioctls), tpm_seal.c and
 * tpm_session.c (the TPM commands and their salted sessions).
 */
#ifndef _KVAULT_H
#define _KVAULT_H

#include <linux/key.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/kvault.h>

#define KVAULT_VERSION "0.1.0"

struct genl_family;
struct genl_info;
struct netlink_callback;
struct netlink_ext_ack;
struct sk_buff;

/* What STATUS reports about the TPM; filled by kvault_tpm_status(). */
struct kvault_tpm_info {
	u32 flags;			/* KVAULT_TPM_* */
	u32 manufacturer;
	u32 fw_version_1;
	u32 fw_version_2;
	u32 nr_banks;
	struct kvault_pcr_bank banks[KVAULT_MAX_PCR_BANKS];
	char vendor[KVAULT_TPM_VENDOR_LEN];
};

/*
 * Result of a PCR read: @digests holds one value per selected PCR, in
 * ascending PCR order, @digest_size bytes each.
 */
struct kvault_pcr_values {
	u16 digest_size;
	u32 update_counter;
	u8 digests[KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];
};

int kvault_tpm_status(struct kvault_tpm_info *info,
		      struct netlink_ext_ack *extack);
int kvault_tpm_pcr_read(u16 bank, u32 pcr_mask, struct kvault_pcr_values *out,
			struct netlink_ext_ack *extack);

/* Fill @buf with kernel RNG output XORed with TPM RNG output if present. */
void kvault_tpm_mix_random(u8 *buf, size_t len);

/*
 * Sealing (tpm_seal.c, with the session crypto in tpm_session.c).
 *
 * A PCR policy: the PCRs in @mask of @bank must hold @values, @digest_size
 * bytes each, in ascending PCR order.
 */
struct kvault_pcr_policy {
	u16 bank;
	u16 digest_size;
	u32 mask;
	u8 values[KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];
};

/* Largest TPM2B_PUBLIC / TPM2B_PRIVATE of a sealed object kvault keeps. */
#define KVAULT_TPM_PUB_MAX	256
#define KVAULT_TPM_PRIV_MAX	512

/* Handles a blob may name as the sealed object's parent. */
#define KVAULT_SRK_PERSISTENT	0x81000001	/* matching the template */
#define KVAULT_SRK_TEMPLATE	0x40000001	/* TPM_RH_OWNER: created */

/*
 * A sealed object as the TPM gave it: @pub and @priv are the marshalled
 * TPM2B_PUBLIC and TPM2B_PRIVATE, size prefixes included. @parent is
 * KVAULT_SRK_PERSISTENT or KVAULT_SRK_TEMPLATE.
 */
struct kvault_tpm_object {
	u32 parent;
	u16 pub_len;
	u16 priv_len;
	u8 pub[KVAULT_TPM_PUB_MAX];
	u8 priv[KVAULT_TPM_PRIV_MAX];
};

/* Why the TPM refused an unseal, or what a check found. */
struct kvault_tpm_refusal {
	u32 tpm_rc;		/* the TPM's response code, 0 if none */
	u32 pcr_mismatch;	/* PCRs that differ from the policy */
	u32 lockout_seconds;	/* DA lockout time left */
	u32 status;		/* KVAULT_SEAL_ST_* */
};

void kvault_tpm_policy_digest(const struct kvault_pcr_policy *pol, bool pin,
			      u8 digest[32]);
int kvault_tpm_policy_current(struct kvault_pcr_policy *pol,
			      struct netlink_ext_ack *extack);
int kvault_tpm_seal(const struct kvault_pcr_policy *pol, const u8 *pin,
		    u32 pin_len, const u8 *data, u32 len,
		    struct kvault_tpm_object *obj,
		    struct netlink_ext_ack *extack);
int kvault_tpm_unseal(const struct kvault_pcr_policy *pol, const u8 *pin,
		      u32 pin_len, const struct kvault_tpm_object *obj,
		      u8 *data, u32 *len, struct kvault_tpm_refusal *why,
		      struct netlink_ext_ack *extack);
int kvault_tpm_check(const struct kvault_pcr_policy *pol, bool pin,
		     const struct kvault_tpm_object *obj,
		     struct kvault_tpm_refusal *why,
		     struct netlink_ext_ack *extack);
int kvault_tpm_extend(u32 pcr, struct netlink_ext_ack *extack);
void kvault_tpm_exit(void);

/* Requests and bytes through the crypto templates, per consumer kind. */
struct kvault_use_stats {
	u64 ops[KVAULT_CONSUMER_MAX];
	u64 bytes[KVAULT_CONSUMER_MAX];
};

/* One version of a key's material. */
struct kvault_version {
	struct list_head node;		/* in kvault_key.versions, newest first */
	u32 version;
	u8 *material;			/* kvault_key.len bytes */
};

/* A vault key: what the payload of a "kvault" keyring key points at. */
struct kvault_key {
	struct rhash_head name_node;
	struct rhash_head id_node;
	key_serial_t serial;		/* the ID index's key, set at commit */
	struct rcu_head rcu;
	refcount_t ref;
	key_serial_t id;		/* 0 while only reserved */
	spinlock_t key_lock;		/* guards @key */
	struct key *key;		/* until the key type's .destroy */
	struct mutex lock;		/* lifecycle, versions, material */
	u32 alg;
	u32 len;
	u32 usage;
	u32 attrs;			/* KVAULT_KEY_* */
	u32 state;			/* KVAULT_KEY_STATE_*, 0: reserved */
	u32 version;
	u32 min_version;
	u32 nr_versions;
	struct list_head versions;
	u64 ctime;
	u64 destroy_time;		/* CLOCK_REALTIME ns, when pending */
	unsigned long destroy_jiffies;
	struct delayed_work destroy_work;
	atomic64_t use_count;
	u64 last_use;
	u8 *blob;			/* sealed form of @version, or NULL */
	u32 blob_len;
	/* crypto API use (keyref.c) */
	struct kvault_use_stats __percpu *stats;	/* NULL until first bound */
	atomic_t transforms;		/* transforms keyed with the key */
	struct key *mirror;		/* the logon mirror, under ->lock */
	u32 mirror_version;
	char name[KVAULT_KEY_NAME_MAX];	/* zero-padded: the name index key */
};

/* What a keyctl payload asks for: "new", "import", "load" or "update". */
enum kvault_payload_kind {
	KVAULT_PAYLOAD_NEW,
	KVAULT_PAYLOAD_IMPORT,
	KVAULT_PAYLOAD_LOAD,
	KVAULT_PAYLOAD_UPDATE,
};

/* A parsed keyctl payload. */
struct kvault_key_params {
	enum kvault_payload_kind kind;
	u32 alg;
	u32 len;
	u32 usage;
	u32 attrs;
	u32 version;			/* of the material; 0: 1 */
	bool import;			/* @material holds the material */
	u8 material[KVAULT_SECRET_MAX_LEN];
	/* sealing: "pcrs=", "pcrvalues=", "pin=", "load HEX" */
	bool seal;			/* seal the new key to @pol */
	u32 seal_flags;			/* KVAULT_SEAL_PIN, _PCR_VALUES */
	struct kvault_pcr_policy pol;	/* bank, mask (and values) asked */
	u32 pcr_values_len;		/* bytes of "pcrvalues=" */
	u32 pin_len;
	u8 pin[KVAULT_PIN_MAX];
	u32 blob_len;
	u8 blob[KVAULT_BLOB_MAX];
};

/* The contents of a sealed blob (blob.c). */
struct kvault_blob_meta {
	u32 alg;
	u32 len;
	u32 usage;
	u32 attrs;
	u32 version;
	u32 flags;			/* KVAULT_SEAL_PIN */
	struct kvault_pcr_policy pol;
	struct kvault_tpm_object obj;
};

/* A consistent copy of a key's metadata (never material). */
struct kvault_key_meta {
	key_serial_t id;
	u32 alg;
	u32 len;
	u32 usage;
	u32 attrs;
	u32 state;
	u32 version;
	u32 min_version;
	u32 live_versions;
	u64 ctime;
	u64 destroy_time;
	u64 use_count;
	u64 last_use;
	u32 transforms;
	key_serial_t mirror_id;
	struct kvault_use_stats use;
};

/* Lifecycle operations of kvault_key_op(). */
enum kvault_op {
	KVAULT_OP_INFO,
	KVAULT_OP_ROTATE,
	KVAULT_OP_SET_MIN_VERSION,
	KVAULT_OP_ENABLE,
	KVAULT_OP_DISABLE,
	KVAULT_OP_SCHEDULE_DESTROY,
	KVAULT_OP_CANCEL_DESTROY,
	KVAULT_OP_DESTROY,
	KVAULT_OP_TIGHTEN,
};

/* vault.c */
const char *kvault_alg_name(u32 alg);
const char *kvault_state_name(u32 state);
const char *kvault_usage_name(u32 bit);
int kvault_alg_check(u32 alg, u32 *len);
int kvault_usage_check(u32 alg, u32 *usage);
int kvault_name_check(const char *name);
int kvault_parse_payload(const void *data, size_t datalen,
			 struct kvault_key_params *p);
struct kvault_key *kvault_key_reserve(const char *name,
				      const struct kvault_key_params *p);
void kvault_key_unreserve(struct kvault_key *kk);
int kvault_key_commit(struct kvault_key *kk, struct key *key);
void kvault_key_release(struct kvault_key *kk, bool from_task);
void kvault_key_revoke(struct kvault_key *kk);
void kvault_key_put(struct kvault_key *kk);
struct key *kvault_key_get_key(struct kvault_key *kk);
struct kvault_key *kvault_key_find_id(key_serial_t id);
struct kvault_key *kvault_key_find_name(const char *name);
struct kvault_key *kvault_key_find_next(unsigned long *id);
int kvault_key_op(struct kvault_key *kk, u32 op, u32 arg,
		  struct kvault_key_meta *m);
int kvault_key_meta(struct kvault_key *kk, bool strict,
		    struct kvault_key_meta *m);
int kvault_key_create(const char *name, const char *payload,
		      key_serial_t *id);
int kvault_key_use(struct kvault_key *kk, u32 usage, u32 version,
		   int (*setkey)(void *ctx, const u8 *material, u32 len),
		   void *ctx, u32 *used);
key_serial_t kvault_keyring_id(void);
struct key *kvault_vault_keyring(void);
int kvault_key_usable_locked(struct kvault_key *kk);
u32 kvault_nr_keys_get(void);
int kvault_vault_init(void);
void kvault_vault_exit(void);

/* vault.c: the newest version's material, for sealing */
int kvault_key_with_material(struct kvault_key *kk,
			     int (*fn)(struct kvault_key *kk, const u8 *material,
				       void *ctx),
			     void *ctx);

/* blob.c */
int kvault_blob_build(const struct kvault_blob_meta *m, const u8 *material,
		      u8 **blob, u32 *blob_len);
int kvault_blob_parse(const u8 *blob, u32 len, struct kvault_blob_meta *m);
int kvault_blob_verify(const u8 *blob, u32 len, const u8 *material, u32 mlen);

struct kvault_bank_info {
	u16 bank;			/* TCG algorithm identifier */
	u16 size;			/* digest size */
	const char *name;		/* its hash, for keyctl and the crypto API */
};

const struct kvault_bank_info *kvault_bank_info(u16 bank);
const struct kvault_bank_info *kvault_bank_by_name(const char *name);

/* seal.c: sealing keys, between the vault, the blob and the TPM */
struct kvault_seal_report {
	struct list_head node;
	struct task_struct *task;
	struct kvault_tpm_refusal why;
};

void kvault_seal_report_begin(struct kvault_seal_report *r);
void kvault_seal_report_end(struct kvault_seal_report *r);
int kvault_parse_seal_option(char *opt, struct kvault_key_params *p);
int kvault_seal_params_check(struct kvault_key_params *p);
int kvault_seal_unseal(struct kvault_key_params *p,
		       struct kvault_tpm_refusal *why);
int kvault_seal_key(struct kvault_key *kk, const struct kvault_key_params *p);
long kvault_seal_read(struct kvault_key *kk, char *buffer, size_t buflen);
void kvault_seal_lock(void);
bool kvault_seal_locked(void);

/* keytype.c */
int kvault_keytype_register(void);
void kvault_keytype_unregister(void);

/* keyuse.c: keyctl pkey_* on kvault keys */
struct kernel_pkey_params;
struct kernel_pkey_query;
int kvault_use_query(const struct kernel_pkey_params *params,
		     struct kernel_pkey_query *info);
int kvault_use_eds(struct kernel_pkey_params *params, const void *in,
		   void *out);
int kvault_use_verify(struct kernel_pkey_params *params, const void *in,
		      const void *sig);

/*
 * keyref.c: crypto API transforms keyed by a key reference (struct
 * kvault_key_ref), for the templates in crypto_*.c.
 *
 * A template instance wraps one inner algorithm; kvault_fit_lookup() says
 * which keys fit it (by the inner cra_name) and how many non-secret bytes
 * follow the reference in setkey (the rfc4106 salt). A transform embeds a
 * struct kvault_binding: kvault_bind() resolves a reference with the
 * caller's credentials and keys the inner transform through @setkey;
 * kvault_unbind() drops the key (exit_tfm). The data path calls
 * kvault_binding_check() and kvault_binding_count() once per request:
 * plain loads and a per-CPU add, no lock, no atomic.
 */
enum kvault_fit_class {
	KVAULT_FIT_AES,			/* aes-128, aes-256 */
	KVAULT_FIT_AES_XTS,		/* aes-xts-256, aes-xts-512 */
	KVAULT_FIT_HMAC_SHA256,		/* hmac-sha256, secret-N */
	KVAULT_FIT_HMAC_SHA384,		/* hmac-sha384, secret-N */
	KVAULT_FIT_HMAC_SHA512,		/* hmac-sha512, secret-N */
};

struct kvault_fit {
	u8 class;			/* enum kvault_fit_class */
	u8 tail;			/* non-secret bytes after the reference */
};

struct kvault_binding {
	struct kvault_key *kk;		/* NULL: no key set */
	struct key *key;		/* a reference on kk's struct key */
	struct kvault_use_stats __percpu *stats;
	u32 version;			/* the key version keyed */
	u32 consumer;			/* KVAULT_CONSUMER_* - 1 */
	struct kvault_fit fit;		/* set by the template at init_tfm */
};

int kvault_fit_lookup(const char *inner_cra_name, struct kvault_fit *fit);
int kvault_bind(struct kvault_binding *b, const u8 *ref, unsigned int len,
		int (*setkey)(void *ctx, const u8 *key, unsigned int len),
		void *ctx);
void kvault_unbind(struct kvault_binding *b);

/*
 * Is the bound key still usable? 0, or the errno a request fails with.
 * The vault's own state first: a destroyed key is also invalidated, and
 * must read as destroyed (ENOKEY), not as invalidated.
 */
static inline int kvault_binding_check(const struct kvault_binding *b)
{
	const struct kvault_key *kk = b->kk;
	time64_t expiry;
	u32 attrs;

	if (unlikely(!kk))
		return -ENOKEY;
	attrs = READ_ONCE(kk->attrs);
	if (unlikely(attrs & (KVAULT_KEY_REVOKED | KVAULT_KEY_EXPIRED)))
		return attrs & KVAULT_KEY_REVOKED ? -EKEYREVOKED : -EKEYEXPIRED;
	if (unlikely(READ_ONCE(kk->state) != KVAULT_KEY_STATE_ENABLED ||
		     READ_ONCE(kk->min_version) > b->version))
		return -ENOKEY;
	if (unlikely(test_bit(KEY_FLAG_REVOKED, &b->key->flags) ||
		     test_bit(KEY_FLAG_INVALIDATED, &b->key->flags)))
		return -EKEYREVOKED;
	expiry = READ_ONCE(b->key->expiry);
	if (unlikely(expiry && ktime_get_real_seconds() >= expiry))
		return -EKEYEXPIRED;
	return 0;
}

/* Count @ops requests (0 for a part of one) of @bytes for the consumer. */
static inline void kvault_binding_count(const struct kvault_binding *b,
					u32 ops, u64 bytes)
{
	if (ops)
		this_cpu_add(b->stats->ops[b->consumer], ops);
	this_cpu_add(b->stats->bytes[b->consumer], bytes);
}

/* keyref.c: usage counts, and the logon mirror */
void kvault_key_usage(struct kvault_key *kk, struct kvault_use_stats *sum);
int kvault_key_publish(struct kvault_key *kk, key_serial_t *mirror_id,
		       u32 *version);
int kvault_key_unpublish(struct kvault_key *kk);
void kvault_mirror_drop(struct kvault_key *kk, u32 below_version);

/* crypto_template.c: the "kvault" crypto template */
int kvault_crypto_init(void);
void kvault_crypto_exit(void);

/* netlink.c */
extern struct genl_family kvault_genl_family;
int kvault_genl_check_flags(struct genl_info *info);
struct sk_buff *kvault_genl_reply_new(struct genl_info *info, u8 cmd,
				      void **hdr);

/* netlink_keys.c: send a lifecycle event (call with kk->lock held). */
void kvault_event(struct kvault_key *kk, u32 op, bool from_task);
void kvault_genl_events_start(void);
void kvault_genl_events_stop(void);
int kvault_genl_key_get(struct sk_buff *skb, struct genl_info *info);
int kvault_genl_key_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* chardev.c: who may manage keys; extensible ioctl structs in and out */
bool kvault_may_manage(void);
int kvault_copy_in(void *dst, size_t ksize, size_t ver0,
		   const void __user *src, u32 *usize);
int kvault_copy_out(void __user *dst, void *src, size_t ksize, u32 usize);

/* ioctl_keys.c */
int kvault_name_field_check(const char *name);
long kvault_ioctl_keys(unsigned int nr, void __user *uarg);

/* ioctl_seal.c */
long kvault_ioctl_seal(unsigned int nr, void __user *uarg);

int kvault_chardev_init(void);
void kvault_chardev_exit(void);

int kvault_genl_init(void);
void kvault_genl_exit(void);

#endif /* _KVAULT_H */
