/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between kvault's source files. Each file owns one
 * concern: main.c load/unload, chardev.c the /dev/kvault ioctls (and
 * ioctl_keys.c the key ones), netlink.c the generic netlink family (and
 * netlink_keys.c its key commands and events), tpm.c every conversation
 * with the TPM, vault.c the key registry, lifecycle and material,
 * keytype.c the "kvault" keyring key type, keyuse.c the use of keys
 * through keyctl's public-key operations.
 */
#ifndef _KVAULT_H
#define _KVAULT_H

#include <linux/key.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
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
	char name[KVAULT_KEY_NAME_MAX];	/* zero-padded: the name index key */
};

/* A parsed keyctl payload. */
struct kvault_key_params {
	u32 alg;
	u32 len;
	u32 usage;
	u32 attrs;
	bool import;
	u8 material[KVAULT_SECRET_MAX_LEN];
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
u32 kvault_nr_keys_get(void);
int kvault_vault_init(void);
void kvault_vault_exit(void);

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
long kvault_ioctl_keys(unsigned int nr, void __user *uarg);

int kvault_chardev_init(void);
void kvault_chardev_exit(void);

int kvault_genl_init(void);
void kvault_genl_exit(void);

#endif /* _KVAULT_H */
