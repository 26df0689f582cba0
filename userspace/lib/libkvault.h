/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkvault - userspace access to the kvault kernel key vault
 *
 * kvault.ko is reachable through two transports that carry the same
 * operations: the character device /dev/kvault (ioctl) and the generic
 * netlink family "kvault". libkvault hides the difference: open a handle
 * for either transport and call the same functions on it. The ABI itself is
 * described in <linux/kvault.h>.
 *
 * Conventions (modelled on libkcapi):
 *  - every handle is opaque and created by kvault_open();
 *  - functions that can fail return 0 on success or a negative errno value;
 *    they never set errno as their result;
 *  - after a failed call, kvault_errmsg() returns the reason the kernel gave
 *    through the netlink extended ACK, or "" if it gave none (always "" for
 *    the ioctl transport);
 *  - the library has no global state. A handle must not be used by two
 *    threads at the same time: use one handle per thread (or lock around
 *    every call, including kvault_errmsg()). Different handles are
 *    independent.
 */
#ifndef LIBKVAULT_H
#define LIBKVAULT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvault.h>

#ifdef __cplusplus
extern "C" {
#endif

/** struct kvault - opaque handle, see kvault_open() */
struct kvault;

/**
 * enum kvault_transport - how a handle talks to kvault.ko
 * @KVAULT_TRANSPORT_IOCTL:   ioctl on the character device /dev/kvault
 * @KVAULT_TRANSPORT_NETLINK: the generic netlink family "kvault"
 */
enum kvault_transport {
	KVAULT_TRANSPORT_IOCTL = 0,
	KVAULT_TRANSPORT_NETLINK = 1,
};

/**
 * struct kvault_pcr_values - result of kvault_pcr_read()
 * @bank:           TCG algorithm identifier of the bank that was read
 * @digest_size:    size in bytes of each value, at most KVAULT_MAX_DIGEST_SIZE
 * @pcr_mask:       the PCRs that were read, bit N for PCR N
 * @update_counter: the TPM's pcrUpdateCounter at the time of the read
 * @digest:         @digest[i] holds the value of PCR i in its first
 *                  @digest_size bytes if bit i of @pcr_mask is set; every
 *                  other byte is zero
 */
struct kvault_pcr_values {
	uint16_t bank;
	uint16_t digest_size;
	uint32_t pcr_mask;
	uint32_t update_counter;
	uint8_t  digest[KVAULT_PCR_COUNT][KVAULT_MAX_DIGEST_SIZE];
};

/**
 * kvault_open() - open a handle to kvault.ko
 * @kv:        on success, receives the new handle; set to NULL on failure
 * @transport: KVAULT_TRANSPORT_IOCTL or KVAULT_TRANSPORT_NETLINK
 *
 * For the ioctl transport this opens /dev/kvault read-write and close-on-exec;
 * the environment variable KVAULT_DEVICE, if set and non-empty, names another
 * path (it is ignored in set-user-ID and similar programs). For the netlink
 * transport it connects a generic netlink socket, resolves the family
 * KVAULT_GENL_NAME and asks the kernel for extended ACK messages.
 *
 * Return: 0 on success; -ENOENT if the device node or the netlink family does
 * not exist (kvault.ko is not loaded); -EACCES or -EPERM if the caller may
 * not open the device; -EINVAL for a bad argument; -ENOMEM; or another
 * negative errno value the system reported.
 */
int kvault_open(struct kvault **kv, enum kvault_transport transport);

/**
 * kvault_close() - close a handle and free everything it holds
 * @kv: handle from kvault_open(), or NULL (then nothing happens)
 */
void kvault_close(struct kvault *kv);

/**
 * kvault_errmsg() - detail of the last failed call on a handle
 * @kv: handle, or NULL
 *
 * Every call on @kv first clears this message. When the kernel rejects a
 * netlink request with an extended ACK message, that message is kept here
 * (control characters replaced by '?').
 *
 * Return: the kernel's message, or "" if there is none; never NULL. The
 * string belongs to @kv and stays valid until the next call on @kv.
 */
const char *kvault_errmsg(const struct kvault *kv);

/**
 * kvault_status_get() - read the state of kvault.ko and the TPM
 * @kv: handle
 * @st: receives the status
 *
 * Both transports fill @st the same way, so that their results can be
 * compared field by field: bytes the kernel did not send are zero, and
 * @st->size is set to sizeof(*st). For the netlink transport, the firmware
 * version's upper 32 bits go to @st->tpm_fw_version_1 and the lower 32 bits
 * to @st->tpm_fw_version_2, and the PCR banks are listed in the order the
 * kernel sent them.
 *
 * The reply is checked before it is returned: the size the kernel reports,
 * the number of PCR banks (at most KVAULT_MAX_PCR_BANKS), the termination
 * and length of the strings, and the presence and length of every netlink
 * attribute.
 *
 * Return: 0 on success (also without a TPM: see @st->tpm_flags); -EPROTO if
 * the kernel's reply is malformed; another negative errno value the kernel
 * or the system reported, e.g. -EPERM for a netlink caller without
 * CAP_SYS_ADMIN.
 */
int kvault_status_get(struct kvault *kv, struct kvault_status *st);

/**
 * kvault_pcr_read() - read PCR values from one bank
 * @kv:       handle
 * @bank:     TCG algorithm identifier of the bank (KVAULT_TPM_ALG_*)
 * @pcr_mask: PCRs to read, bit N for PCR N; non-zero, within
 *            KVAULT_PCR_MASK_ALL
 * @out:      receives the values
 *
 * All values come from one consistent state of the TPM (the kernel
 * guarantees this). The reply is checked before it is returned: the digest
 * size must be 1..KVAULT_MAX_DIGEST_SIZE, exactly the PCRs asked for must be
 * returned, each once, in ascending order and with the digest size, and all
 * lengths must agree. On failure @out is left zeroed.
 *
 * Return: 0 on success; -EINVAL if @pcr_mask is 0 or selects a PCR above
 * KVAULT_PCR_COUNT - 1 (checked before the kernel is asked), or if the
 * kernel rejects the request (e.g. a bank the TPM has not allocated);
 * -ENODEV if there is no TPM 2.0; -EIO if the TPM failed the command;
 * -EPROTO if the kernel's reply is malformed; or another negative errno
 * value.
 */
int kvault_pcr_read(struct kvault *kv, uint16_t bank, uint32_t pcr_mask,
		    struct kvault_pcr_values *out);

/**
 * kvault_bank_name() - name of a PCR bank
 * @alg_id: TCG algorithm identifier
 *
 * Return: "sha1", "sha256", "sha384", "sha512", "sm3_256", "sha3_256",
 * "sha3_384" or "sha3_512"; NULL for any other identifier.
 */
const char *kvault_bank_name(uint16_t alg_id);

/**
 * kvault_bank_from_name() - TCG algorithm identifier of a PCR bank
 * @name:   a name kvault_bank_name() returns, in any case, or a number:
 *          hexadecimal with a "0x" prefix (e.g. "0x000b") or decimal
 *          (e.g. "11"), in the range 1..0xffff
 * @alg_id: receives the identifier
 *
 * Return: 0 on success; -EINVAL if @name is NULL, unknown or out of range
 * (@alg_id is then left unchanged).
 */
int kvault_bank_from_name(const char *name, uint16_t *alg_id);

/*
 * Keys
 * ----
 * Keys live in the kernel; userspace only ever sees their metadata. A key
 * is named either by its ID (its keyring serial, > 0) or by its name: every
 * function that takes @id and @name wants exactly one of them, @id 0 with a
 * @name, or @id > 0 with @name NULL (-EINVAL otherwise).
 *
 * Transports: creating a key and its lifecycle operations exist as ioctls
 * only, reading metadata (kvault_key_get(), kvault_key_list()) and events
 * as generic netlink only. A handle opens the other transport itself the
 * first time it needs it (/dev/kvault, or the netlink family), so either
 * kind of handle can do everything; the errors of that open are those of
 * kvault_open(). Netlink needs CAP_SYS_ADMIN, which members of the
 * device's group may not have.
 */

/* Enough for every algorithm name, "secret-128" included, and its NUL. */
#define KVAULT_KEY_ALG_NAME_MAX		16
/* Enough for kvault_key_usage_names() of any 32-bit mask, and its NUL. */
#define KVAULT_KEY_USAGE_NAMES_MAX	64

/**
 * struct kvault_key_info - a key's metadata, from kvault_key_get() and
 * kvault_key_list()
 * @id:           the key's ID (keyring serial), > 0
 * @name:         its name, NUL-terminated
 * @alg:          KVAULT_ALG_*
 * @len:          material length in bytes
 * @usage:        KVAULT_USAGE_* bits
 * @attrs:        KVAULT_KEY_* attribute bits
 * @state:        KVAULT_KEY_STATE_*
 * @version:      current (newest) version
 * @min_version:  minimum version
 * @ctime:        creation time, CLOCK_REALTIME ns
 * @destroy_time: for a destroy-pending key the deadline (CLOCK_REALTIME ns),
 *                else 0
 * @use_count:    operations done with the key
 * @last_use:     time of the last one (CLOCK_REALTIME ns), 0 if never
 */
struct kvault_key_info {
	int32_t  id;
	char     name[KVAULT_KEY_NAME_MAX];
	uint32_t alg;
	uint32_t len;
	uint32_t usage;
	uint32_t attrs;
	uint32_t state;
	uint32_t version;
	uint32_t min_version;
	uint64_t ctime;
	uint64_t destroy_time;
	uint64_t use_count;
	uint64_t last_use;
};

/**
 * struct kvault_key_state - what a lifecycle operation reports back
 * @id:           the key's ID
 * @state:        KVAULT_KEY_STATE_* after the operation
 * @version:      current version
 * @min_version:  minimum version
 * @attrs:        KVAULT_KEY_* attribute bits
 * @destroy_time: for a destroy-pending key the deadline (CLOCK_REALTIME
 *                ns), else 0
 */
struct kvault_key_state {
	int32_t  id;
	uint32_t state;
	uint32_t version;
	uint32_t min_version;
	uint32_t attrs;
	uint64_t destroy_time;
};

/**
 * struct kvault_event - one lifecycle event, from kvault_events_recv()
 * @seq:     sequence number, from 1, one more per event the vault made
 *           (a gap means events were made that this listener missed)
 * @op:      KVAULT_EVENT_*
 * @id:      the key's ID
 * @name:    its name, NUL-terminated
 * @version: its current version after the change
 * @uid:     uid (initial namespace) of the task that caused it, 0 for the
 *           kernel itself
 * @pid:     that task's pid (initial namespace), 0 for the kernel's own work
 * @time:    when, CLOCK_REALTIME ns
 */
struct kvault_event {
	uint64_t seq;
	uint32_t op;
	int32_t  id;
	char     name[KVAULT_KEY_NAME_MAX];
	uint32_t version;
	uint32_t uid;
	uint32_t pid;
	uint64_t time;
};

/**
 * kvault_key_create() - create a key in the vault's own keyring
 * @kv:      handle
 * @name:    the key's name: 1 to KVAULT_KEY_NAME_MAX - 1 printable ASCII
 *           characters without space (0x21-0x7e), unique in the vault
 * @alg:     KVAULT_ALG_*
 * @alg_len: material length for KVAULT_ALG_SECRET
 *           (KVAULT_SECRET_MIN_LEN..KVAULT_SECRET_MAX_LEN), else 0
 * @usage:   KVAULT_USAGE_* bits, or 0 for every usage @alg allows
 * @flags:   KVAULT_KEY_EXPORTABLE or 0
 * @id:      receives the new key's ID; may be NULL
 *
 * The key starts enabled at version 1; the kernel makes its material.
 *
 * Return: 0; -EINVAL for a bad argument (checked by the kernel: name,
 * algorithm, length, a usage @alg does not allow, unknown flags); -EEXIST
 * if the name is taken; -EDQUOT if the caller's key quota is exhausted; or
 * another negative errno value.
 */
int kvault_key_create(struct kvault *kv, const char *name, uint32_t alg,
		      uint32_t alg_len, uint32_t usage, uint32_t flags,
		      int32_t *id);

/**
 * kvault_key_rotate() - add a new version with new material
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @st:   receives the key's state after the operation; may be NULL
 *
 * The key section above lists the errors of every lifecycle operation;
 * in short: -ENOENT for a key the vault does not hold, -ENOKEY for a
 * destroyed one, -EKEYREVOKED and -EKEYEXPIRED, -EBUSY while destroy is
 * pending, -ENOSPC beyond KVAULT_KEY_MAX_VERSIONS versions.
 *
 * Return: 0 or a negative errno value (see above).
 */
int kvault_key_rotate(struct kvault *kv, int32_t id, const char *name,
		      struct kvault_key_state *st);

/**
 * kvault_key_set_min_version() - raise the minimum version
 * @kv:          handle
 * @id:          the key's ID, or 0 to name it by @name
 * @name:        the key's name when @id is 0, else NULL
 * @min_version: the new minimum, from the current minimum to the current
 *               version; older versions are wiped
 * @st:          receives the key's state after the operation; may be NULL
 *
 * Return: 0; -EINVAL for a minimum below the current one; -ERANGE for one
 * above the current version; or an error as for kvault_key_rotate().
 */
int kvault_key_set_min_version(struct kvault *kv, int32_t id,
			       const char *name, uint32_t min_version,
			       struct kvault_key_state *st);

/**
 * kvault_key_enable() - enable a disabled key
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @st:   receives the key's state after the operation; may be NULL
 *
 * Return: 0; -EALREADY if it is enabled; or an error as for
 * kvault_key_rotate().
 */
int kvault_key_enable(struct kvault *kv, int32_t id, const char *name,
		      struct kvault_key_state *st);

/**
 * kvault_key_disable() - disable an enabled key
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @st:   receives the key's state after the operation; may be NULL
 *
 * Return: 0; -EALREADY if it is disabled; or an error as for
 * kvault_key_rotate().
 */
int kvault_key_disable(struct kvault *kv, int32_t id, const char *name,
		       struct kvault_key_state *st);

/**
 * kvault_key_schedule_destroy() - destroy a key after a delay
 * @kv:      handle
 * @id:      the key's ID, or 0 to name it by @name
 * @name:    the key's name when @id is 0, else NULL
 * @seconds: the delay, at most KVAULT_DESTROY_MAX_WINDOW; 0 destroys it
 *           at once, from the kernel's own work
 * @st:      receives the key's state after the operation; may be NULL
 *
 * Until the deadline kvault_key_cancel_destroy() can take it back.
 *
 * Return: 0; -EALREADY if destroy is already pending; -EINVAL for a delay
 * beyond the maximum; or an error as for kvault_key_rotate().
 */
int kvault_key_schedule_destroy(struct kvault *kv, int32_t id,
				const char *name, uint32_t seconds,
				struct kvault_key_state *st);

/**
 * kvault_key_cancel_destroy() - take back a scheduled destroy
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @st:   receives the key's state after the operation (disabled); may be
 *        NULL
 *
 * Return: 0; -EINVAL if no destroy is pending; or an error as for
 * kvault_key_rotate().
 */
int kvault_key_cancel_destroy(struct kvault *kv, int32_t id, const char *name,
			      struct kvault_key_state *st);

/**
 * kvault_key_destroy() - destroy a key now, in any state
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @st:   receives the key's state after the operation; may be NULL
 *
 * Every version's material is wiped and the key is invalidated.
 *
 * Return: 0 or an error as for kvault_key_rotate().
 */
int kvault_key_destroy(struct kvault *kv, int32_t id, const char *name,
		       struct kvault_key_state *st);

/**
 * kvault_key_tighten() - clear one-way attributes
 * @kv:    handle
 * @id:    the key's ID, or 0 to name it by @name
 * @name:  the key's name when @id is 0, else NULL
 * @clear: the attribute bits to clear (KVAULT_KEY_EXPORTABLE)
 * @st:    receives the key's state after the operation; may be NULL
 *
 * Return: 0; -EINVAL for bits that cannot be cleared; or an error as for
 * kvault_key_rotate().
 */
int kvault_key_tighten(struct kvault *kv, int32_t id, const char *name,
		       uint32_t clear, struct kvault_key_state *st);

/**
 * kvault_key_state_get() - a key's state, through /dev/kvault
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @st:   receives the key's state (and, when named by @name, its ID)
 *
 * Less than kvault_key_get() tells, but works for the device's group
 * without CAP_SYS_ADMIN.
 *
 * Return: 0 or an error as for kvault_key_rotate().
 */
int kvault_key_state_get(struct kvault *kv, int32_t id, const char *name,
			 struct kvault_key_state *st);

/**
 * kvault_key_get() - one key's metadata, through generic netlink
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @info: receives the metadata; zeroed on failure
 *
 * Return: 0; -ENOENT for a key the vault does not hold; -ENOKEY,
 * -EKEYREVOKED or -EKEYEXPIRED for a destroyed, revoked or expired one;
 * -EPERM without CAP_SYS_ADMIN; -EPROTO if the reply is malformed; or
 * another negative errno value.
 */
int kvault_key_get(struct kvault *kv, int32_t id, const char *name,
		   struct kvault_key_info *info);

/**
 * typedef kvault_key_list_cb - called by kvault_key_list() for each key
 * @key: the key's metadata, valid during the call only
 * @arg: as given to kvault_key_list()
 *
 * Return: 0 to go on, a negative errno value to stop the listing.
 */
typedef int (*kvault_key_list_cb)(const struct kvault_key_info *key,
				  void *arg);

/**
 * kvault_key_list() - every key's metadata, one call per key
 * @kv:  handle
 * @cb:  called for each key, in ascending ID order
 * @arg: passed to @cb
 *
 * A netlink dump, read one message at a time: memory use does not grow
 * with the number of keys. Keys created or removed meanwhile may or may
 * not appear; none appears twice. Revoked and expired keys are listed,
 * with their attribute bits. When @cb stops the listing, the rest of the
 * dump is read and dropped, so that @kv stays usable.
 *
 * Return: 0 after the last key; the value @cb returned if it stopped the
 * listing; -EPERM without CAP_SYS_ADMIN; -EPROTO if a reply is malformed;
 * or another negative errno value.
 */
int kvault_key_list(struct kvault *kv, kvault_key_list_cb cb, void *arg);

/** struct kvault_events - opaque listener handle, see kvault_events_open() */
struct kvault_events;

/**
 * kvault_events_open() - listen to the vault's lifecycle events
 * @ev: on success, receives the new listener; NULL on failure
 *
 * Opens a generic netlink socket of its own and joins the multicast group
 * KVAULT_MCGRP_EVENTS. Events made before this returns are not seen.
 *
 * Return: 0; -ENOENT if kvault.ko is not loaded; -EPERM without
 * CAP_SYS_ADMIN; -ENOMEM; or another negative errno value.
 */
int kvault_events_open(struct kvault_events **ev);

/**
 * kvault_events_fd() - the listener's file descriptor, to poll() for input
 * @ev: listener
 *
 * Return: the descriptor, which stays owned by @ev; -EINVAL if @ev is NULL.
 */
int kvault_events_fd(const struct kvault_events *ev);

/**
 * kvault_events_recv() - wait for the next event
 * @ev:         listener
 * @event:      receives the event; zeroed on failure
 * @timeout_ms: how long to wait, in milliseconds; -1 waits forever
 *
 * Messages that are not events are skipped.
 *
 * Return: 0; -ETIMEDOUT if no event came in time; -ENOBUFS if the socket's
 * buffer overflowed and events were lost (the next call goes on with the
 * events after the loss); -EINTR if a signal came; -EPROTO for a
 * malformed event; or another negative errno value.
 */
int kvault_events_recv(struct kvault_events *ev, struct kvault_event *event,
		       int timeout_ms);

/**
 * kvault_events_close() - stop listening and free the listener
 * @ev: listener, or NULL (then nothing happens)
 */
void kvault_events_close(struct kvault_events *ev);

/**
 * kvault_key_alg_name() - name of an algorithm, as keyctl payloads spell it
 * @alg:  KVAULT_ALG_*
 * @len:  material length; only used for KVAULT_ALG_SECRET ("secret-@len")
 * @buf:  receives the name, NUL-terminated
 * @size: size of @buf; KVAULT_KEY_ALG_NAME_MAX is always enough
 *
 * Return: 0; -EINVAL for an unknown @alg; -ENOSPC if @buf is too small.
 */
int kvault_key_alg_name(uint32_t alg, uint32_t len, char *buf, size_t size);

/**
 * kvault_key_alg_from_name() - algorithm of a name
 * @name:    "aes-128", "aes-256", "aes-xts-256", "aes-xts-512",
 *           "hmac-sha256", "hmac-sha384", "hmac-sha512", or "secret-N"
 *           with N decimal, KVAULT_SECRET_MIN_LEN..KVAULT_SECRET_MAX_LEN,
 *           no sign or leading zero (lower case only, as the kernel wants)
 * @alg:     receives KVAULT_ALG_*
 * @alg_len: receives N for "secret-N", else 0 (as kvault_key_create()
 *           wants it)
 *
 * Return: 0; -EINVAL if @name is NULL or not an algorithm (@alg and
 * @alg_len are then left unchanged).
 */
int kvault_key_alg_from_name(const char *name, uint32_t *alg,
			     uint32_t *alg_len);

/**
 * kvault_key_alg_usage() - the usage an algorithm allows
 * @alg: KVAULT_ALG_*
 *
 * Return: the KVAULT_USAGE_* bits a key of @alg may have (and gets when
 * created with usage 0); 0 for an unknown @alg.
 */
uint32_t kvault_key_alg_usage(uint32_t alg);

/**
 * kvault_key_usage_name() - name of one usage bit
 * @bit: one KVAULT_USAGE_* flag
 *
 * Return: "encrypt", "decrypt", "wrap", "unwrap", "sign", "verify" or
 * "crypto-api"; NULL for anything else.
 */
const char *kvault_key_usage_name(uint32_t bit);

/**
 * kvault_key_usage_names() - a usage mask as a list, "encrypt,decrypt"
 * @usage: KVAULT_USAGE_* bits
 * @buf:   receives the names of the bits set, in bit order, separated by
 *         ','; the bits without a name follow as one hex number ("0x180");
 *         "" for 0
 * @size:  size of @buf; KVAULT_KEY_USAGE_NAMES_MAX is always enough
 *
 * Return: 0; -ENOSPC if @buf is too small (it then holds "").
 */
int kvault_key_usage_names(uint32_t usage, char *buf, size_t size);

/**
 * kvault_key_usage_from_names() - parse a usage list, "encrypt,decrypt"
 * @list:    usage names (see kvault_key_usage_name()) separated by ','
 *           only; at least one; no empty element, spaces or repeats
 * @usage:   receives the KVAULT_USAGE_* bits; unchanged on failure
 * @err_pos: on failure, if not NULL, receives the offset in @list of the
 *           element at fault
 *
 * Return: 0; -EEXIST if an element repeats an earlier one; -EINVAL if
 * @list is NULL, empty or holds an empty element or an unknown name.
 */
int kvault_key_usage_from_names(const char *list, uint32_t *usage,
				size_t *err_pos);

/**
 * kvault_key_attr_name() - name of one key attribute bit
 * @bit: one KVAULT_KEY_* attribute flag
 *
 * Return: "exportable", "imported", "revoked", "expired" or "sealed";
 * NULL for anything else.
 */
const char *kvault_key_attr_name(uint32_t bit);

/**
 * kvault_key_state_name() - name of a key state
 * @state: KVAULT_KEY_STATE_*
 *
 * Return: "enabled", "disabled", "destroy-pending" or "destroyed"; NULL
 * for anything else.
 */
const char *kvault_key_state_name(uint32_t state);

/**
 * kvault_event_op_name() - name of an event
 * @op: KVAULT_EVENT_*
 *
 * Return: "created", "rotated", "enabled", "disabled",
 * "destroy-scheduled", "destroy-cancelled", "destroyed", "revoked",
 * "expired", "min-version", "tightened" or "sealed"; NULL for anything
 * else.
 */
const char *kvault_event_op_name(uint32_t op);

/*
 * Sealing
 * -------
 * A sealed key survives reboots as a blob that only this TPM opens, and
 * only while the PCRs it names hold the values its policy names (see
 * "Sealing" in <linux/kvault.h>). These functions use /dev/kvault (opened
 * by the handle itself if it is a netlink handle). The library never
 * copies a PIN: it passes the caller's buffer to the kernel, and the caller
 * wipes it (explicit_bzero()) when done.
 */

/**
 * struct kvault_seal_params - what kvault_key_seal() and kvault_key_reseal()
 * seal to
 * @bank:           PCR bank, a TCG algorithm identifier; for a reseal, 0
 *                  keeps the bank the key is sealed to (with @pcr_mask 0)
 * @pcr_mask:       the PCRs, bit N for PCR N, within KVAULT_PCR_MASK_ALL;
 *                  for a reseal, 0 keeps the key's (with @bank 0)
 * @pcr_values:     the expected values, the bank's digest size for each
 *                  PCR in @pcr_mask, in ascending PCR order; NULL for the
 *                  PCRs' current values
 * @pcr_values_len: bytes at @pcr_values (exact; 0 with NULL)
 * @pin:            the PIN, 1 to KVAULT_PIN_MAX printable ASCII characters
 *                  other than space (not NUL-terminated: @pin_len counts);
 *                  NULL for no PIN
 * @pin_len:        its length
 */
struct kvault_seal_params {
	uint16_t bank;
	uint32_t pcr_mask;
	const void *pcr_values;
	size_t pcr_values_len;
	const char *pin;
	size_t pin_len;
};

/**
 * struct kvault_seal_report - what the kernel said about a blob, from
 * kvault_key_load() and kvault_key_check()
 * @id:              load: the new key's ID (0 if it was not loaded)
 * @bank:            the blob's PCR bank
 * @pcr_mask:        the PCRs the blob's policy names
 * @pcr_mismatch:    the PCRs whose value differs from the blob's expected
 *                   value
 * @lockout_seconds: time left in the TPM's dictionary-attack lockout (0
 *                   with KVAULT_SEAL_ST_LOCKOUT: until the lockout
 *                   authority clears it)
 * @tpm_rc:          the TPM's response code when it refused, else 0
 * @status:          KVAULT_SEAL_ST_* (load: as far as it got)
 *
 * The kernel fills it on failure too (a refused load says why here).
 */
struct kvault_seal_report {
	int32_t  id;
	uint16_t bank;
	uint32_t pcr_mask;
	uint32_t pcr_mismatch;
	uint32_t lockout_seconds;
	uint32_t tpm_rc;
	uint32_t status;
};

/**
 * struct kvault_blob_info - a blob's header, from kvault_blob_parse()
 * @version:      format version (KVAULT_BLOB_VERSION)
 * @header_len:   the header's length field: the bytes before the TPMKey
 *                length (the fixed fields and the expected values)
 * @alg:          the key's KVAULT_ALG_*
 * @material_len: its material length in bytes
 * @usage:        its KVAULT_USAGE_* bits
 * @attrs:        its KVAULT_KEY_EXPORTABLE and KVAULT_KEY_IMPORTED bits
 * @key_version:  the key version the blob holds
 * @policy_flags: KVAULT_SEAL_PIN if it is sealed with a PIN
 * @bank:         PCR bank of the policy
 * @digest_size:  size of one expected value
 * @pcr_mask:     the PCRs of the policy
 * @expected:     @expected[i] holds PCR i's expected value in its first
 *                @digest_size bytes if bit i of @pcr_mask is set; every
 *                other byte is zero
 * @tpmkey_len:   length of the TPMKey (DER)
 * @tpmkey_off:   its offset in the blob
 * @total_len:    the blob's length: header, TPMKey and the 32-byte tag
 *
 * Nothing in the header is authenticated until the kernel unseals: it is
 * what the blob claims, for display and for a first check.
 */
struct kvault_blob_info {
	uint16_t version;
	uint16_t header_len;
	uint32_t alg;
	uint32_t material_len;
	uint32_t usage;
	uint32_t attrs;
	uint32_t key_version;
	uint32_t policy_flags;
	uint16_t bank;
	uint16_t digest_size;
	uint32_t pcr_mask;
	uint8_t  expected[KVAULT_PCR_COUNT][KVAULT_MAX_DIGEST_SIZE];
	uint16_t tpmkey_len;
	uint32_t tpmkey_off;
	uint32_t total_len;
};

/**
 * kvault_key_seal() - seal a key to PCR values and get its blob
 * @kv:       handle
 * @id:       the key's ID, or 0 to name it by @name
 * @name:     the key's name when @id is 0, else NULL
 * @p:        the PCR policy and PIN (@p->bank and @p->pcr_mask required)
 * @sealed_id: receives the key's ID (0 if the kernel did not say); may be
 *            NULL
 * @blob:     receives the blob, allocated with malloc(): free() it
 * @blob_len: receives its length, at most KVAULT_BLOB_MAX for this ABI
 *
 * The key must be enabled. The kernel keeps the blob with the key too
 * ("keyctl pipe" gives it in hex). If the kernel reports ENOSPC with a
 * larger size, the call is made once more with a buffer of that size.
 *
 * Return: 0; -EINVAL for a bad argument (a PIN that is empty, too long or
 * not printable, values of the wrong length, checked here or by the
 * kernel); -ENOKEY for a key that is not enabled; -ENODEV without a TPM
 * 2.0; -EPERM after kvault_pcr_extend() (the boot lock); -EIO for a TPM
 * failure; -EPROTO for a malformed reply; -ENOMEM; or an error as for
 * kvault_key_rotate().
 */
int kvault_key_seal(struct kvault *kv, int32_t id, const char *name,
		    const struct kvault_seal_params *p, int32_t *sealed_id,
		    uint8_t **blob, size_t *blob_len);

/**
 * kvault_key_reseal() - seal a sealed key again, to new PCR values
 * @kv:       handle
 * @id:       the key's ID, or 0 to name it by @name
 * @name:     the key's name when @id is 0, else NULL
 * @p:        as for kvault_key_seal(); @p->bank 0 and @p->pcr_mask 0 keep
 *            the PCR set the key is sealed to (the values are then the
 *            current ones unless @p->pcr_values is given)
 * @sealed_id: as for kvault_key_seal()
 * @blob:     as for kvault_key_seal()
 * @blob_len: as for kvault_key_seal()
 *
 * The PIN is never kept by the kernel: give it again to keep one.
 *
 * Return: as kvault_key_seal().
 */
int kvault_key_reseal(struct kvault *kv, int32_t id, const char *name,
		      const struct kvault_seal_params *p, int32_t *sealed_id,
		      uint8_t **blob, size_t *blob_len);

/**
 * kvault_key_load() - unseal a blob into a new key
 * @kv:       handle
 * @name:     the new key's name (the name is not part of the blob)
 * @blob:     the blob
 * @blob_len: its length, 1..KVAULT_BLOB_MAX
 * @pin:      the PIN, or NULL (then @pin_len must be 0)
 * @pin_len:  its length, 1..KVAULT_PIN_MAX
 * @rep:      receives the kernel's report, on failure too; may be NULL
 *
 * Return: 0 (@rep->id is the new key's ID); -EKEYREJECTED if the PCRs do
 * not hold the policy's values (@rep->pcr_mismatch says which differ);
 * -EACCES for a wrong PIN; -EBUSY in dictionary-attack lockout
 * (@rep->lockout_seconds); -EBADMSG for a blob that is not this TPM's or
 * fails kvault's checks; -EINVAL for a malformed blob or bad argument;
 * -EEXIST if the name is taken; -EPERM after the boot lock; -EIO for
 * another TPM failure (@rep->tpm_rc); -ENODEV without a TPM 2.0; or
 * another negative errno value.
 */
int kvault_key_load(struct kvault *kv, const char *name, const void *blob,
		    size_t blob_len, const char *pin, size_t pin_len,
		    struct kvault_seal_report *rep);

/**
 * kvault_key_check() - would a blob unseal now?
 * @kv:       handle
 * @blob:     the blob
 * @blob_len: its length, 1..KVAULT_BLOB_MAX
 * @rep:      receives the report: KVAULT_SEAL_ST_WOULD_UNSEAL in
 *            @rep->status if it would (a PIN aside), else what stands in
 *            the way
 *
 * Nothing is unsealed: the kernel loads the object, compares the PCRs and
 * reads the lockout state.
 *
 * Return: 0 whatever the answer; -EINVAL for a malformed blob; -EIO for a
 * TPM failure; -ENODEV without a TPM 2.0; or another negative errno value.
 */
int kvault_key_check(struct kvault *kv, const void *blob, size_t blob_len,
		     struct kvault_seal_report *rep);

/**
 * kvault_pcr_extend() - the boot lock
 * @kv:  handle
 * @pcr: the PCR to extend, 0..KVAULT_PCR_COUNT - 1
 *
 * Extends @pcr in every bank with the digest of "kvault boot lock", then
 * the kernel refuses every seal, load and reseal (EPERM) until the module
 * is loaded again.
 *
 * Return: 0; -EINVAL for a PCR out of range; -ENODEV without a TPM 2.0;
 * -EIO for a TPM failure; or another negative errno value.
 */
int kvault_pcr_extend(struct kvault *kv, uint32_t pcr);

/**
 * kvault_blob_parse() - read a blob's header, without the kernel
 * @blob: the blob
 * @len:  its length
 * @info: receives the header; zeroed on failure, but for -EBADMSG with
 *        the header whole: then @info->total_len is the length the header
 *        implies (so that a caller can say "N bytes, expected M")
 *
 * Checks the format of <linux/kvault.h> ("Blob format"): magic, version,
 * lengths that add up to exactly @len, a PCR mask within
 * KVAULT_PCR_MASK_ALL, a digest size that fits the bank, known flag bits,
 * a TPMKey that is one DER SEQUENCE of its length. The tag and the TPM
 * part are the kernel's to check.
 *
 * Return: 0; -EINVAL if @blob is NULL, empty, not a kvault blob or
 * malformed (the fields disagree); -EBADMSG if it is shorter than its
 * header says (truncated) or longer (trailing bytes); -E2BIG if @len is
 * over KVAULT_BLOB_MAX; -EOPNOTSUPP for a format version this library does
 * not know.
 */
int kvault_blob_parse(const void *blob, size_t len,
		      struct kvault_blob_info *info);

/**
 * kvault_bank_digest_size() - size of one PCR value of a bank
 * @alg_id: TCG algorithm identifier
 *
 * Return: the digest size of a bank kvault_bank_name() knows, else 0.
 */
unsigned int kvault_bank_digest_size(uint16_t alg_id);

/*
 * Crypto API templates and the logon mirror (KVAULT_0.4)
 * ------------------------------------------------------
 * kvault(ALG) transforms (dm-crypt "capi:kvault(xts(aes))-plain64",
 * AF_ALG "kvault(cbc(aes))", ...) are keyed with a key reference, struct
 * kvault_key_ref of <linux/kvault.h>, instead of key bytes. The reference
 * is not secret; setkey resolves it in the caller's keyrings with the
 * caller's credentials. A reference by name stays valid across reboots
 * (a key's ID changes when it is loaded again); one by ID does not.
 */

/**
 * struct kvault_key_ref_info - a key reference read back, from
 * kvault_key_ref_parse()
 * @id:          the key's ID, or 0 when the reference names the key
 * @key_version: the key version it pins, or 0 for the newest at setkey
 * @size:        the reference's size in bytes
 * @name:        with @id 0, the key's name, NUL-terminated; else ""
 */
struct kvault_key_ref_info {
	int32_t  id;
	uint32_t key_version;
	uint32_t size;
	char     name[KVAULT_KEY_NAME_MAX];
};

/* Room for kvault_key_ref_hex() of any reference, and its NUL. */
#define KVAULT_KEY_REF_HEX_MAX		(2 * KVAULT_KEY_REF_MAX_SIZE + 1)

/**
 * kvault_key_ref_build() - build a key reference
 * @id:          the key's ID, or 0 to name it by @name
 * @name:        the key's name when @id is 0, else NULL: 1 to
 *               KVAULT_KEY_NAME_MAX - 1 printable ASCII characters without
 *               space
 * @key_version: the key version to pin, or 0 for the newest at setkey
 * @buf:         receives the reference (native byte order)
 * @size:        size of @buf; KVAULT_KEY_REF_MAX_SIZE is always enough
 *
 * Return: the reference's size in bytes (KVAULT_KEY_REF_HDR_SIZE with
 * @id, KVAULT_KEY_REF_HDR_SIZE + strlen(@name) + 1 with a name); -EINVAL
 * for not exactly one of @id (> 0) and @name, or an invalid name;
 * -ENOSPC if @buf is NULL or too small (nothing is written then).
 */
int kvault_key_ref_build(int32_t id, const char *name, uint32_t key_version,
			 void *buf, size_t size);

/**
 * kvault_key_ref_hex() - build a key reference as lower-case hex
 * @id:          as for kvault_key_ref_build()
 * @name:        as for kvault_key_ref_build()
 * @key_version: as for kvault_key_ref_build()
 * @hex:         receives the hex digits and a NUL: a dm-crypt table's key
 * @size:        size of @hex; KVAULT_KEY_REF_HEX_MAX is always enough
 *
 * Return: the number of hex digits (twice the reference's size); or an
 * error as for kvault_key_ref_build().
 */
int kvault_key_ref_hex(int32_t id, const char *name, uint32_t key_version,
		       char *hex, size_t size);

/**
 * kvault_key_ref_parse() - read a key reference back
 * @buf:  the reference, e.g. a dm-crypt table's key decoded from hex
 * @len:  bytes at @buf; the reference may be followed by more (the
 *        rfc4106 salt), which is ignored
 * @info: receives what the reference holds; zeroed on failure
 *
 * The checks are those of the kernel's setkey that need no key: magic,
 * version, size, flags, reserved, exactly one of ID and name, a valid
 * name NUL-terminated exactly at the size.
 *
 * Return: the reference's size; -EINVAL if @buf does not hold a valid
 * reference (or @info is NULL).
 */
int kvault_key_ref_parse(const void *buf, size_t len,
			 struct kvault_key_ref_info *info);

/**
 * struct kvault_key_mirror - a key's logon mirror, from
 * kvault_key_publish() and kvault_key_unpublish()
 * @id:        the vault key's ID
 * @mirror_id: the logon key's ID ("kvault:NAME"); 0 after unpublishing
 * @version:   the key version the mirror holds
 */
struct kvault_key_mirror {
	int32_t  id;
	int32_t  mirror_id;
	uint32_t version;
};

/**
 * kvault_key_publish() - create (or find) a key's logon mirror
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @m:    receives the mirror; may be NULL
 *
 * KVAULT_IOC_KEY_PUBLISH: a "logon" key described "kvault:NAME" whose
 * payload is the newest version's material, linked into the vault's
 * keyring only; link it where its consumer searches (keyctl_link()).
 * Publishing a key whose newest version has a mirror returns that mirror.
 *
 * Return: 0; -EKEYREJECTED without crypto-api usage; -EACCES without
 * search permission on the key; -ENOKEY for a key that is not enabled;
 * -EDQUOT; or an error as for kvault_key_rotate().
 */
int kvault_key_publish(struct kvault *kv, int32_t id, const char *name,
		       struct kvault_key_mirror *m);

/**
 * kvault_key_unpublish() - revoke and invalidate a key's logon mirror
 * @kv:   handle
 * @id:   the key's ID, or 0 to name it by @name
 * @name: the key's name when @id is 0, else NULL
 * @m:    receives the key's ID (@m->mirror_id 0); may be NULL
 *
 * Return: 0; -ENOENT if the key has no mirror (or there is no such key);
 * or an error as for kvault_key_rotate().
 */
int kvault_key_unpublish(struct kvault *kv, int32_t id, const char *name,
			 struct kvault_key_mirror *m);

/* Slots of struct kvault_key_usage's @consumer: KVAULT_CONSUMER_* < this. */
#define KVAULT_KEY_CONSUMER_SLOTS	8

/* struct kvault_key_usage.flags */
#define KVAULT_KEY_USAGE_REPORTED	(1U << 0)	/* the module reports
							 * transforms and
							 * consumers */

/**
 * struct kvault_key_usage - a key's use by the crypto API, from
 * kvault_key_get_usage()
 * @flags:      KVAULT_KEY_USAGE_REPORTED if the module sent the
 *              transforms and consumers (a module without the crypto
 *              templates does not; then all counts are 0)
 * @transforms: crypto API transforms keyed with the key now
 * @mirror_id:  the logon mirror's ID, or 0 if the key is not published
 * @consumer:   indexed by KVAULT_CONSUMER_* (slot 0 unused): requests
 *              (@ops) and bytes (@bytes) through the templates by that
 *              kind of consumer; kinds the kernel reports beyond the slots
 *              are left out
 */
struct kvault_key_usage {
	uint32_t flags;
	uint32_t transforms;
	int32_t  mirror_id;
	uint32_t reserved;
	struct {
		uint64_t ops;
		uint64_t bytes;
	} consumer[KVAULT_KEY_CONSUMER_SLOTS];
};

/**
 * kvault_key_get_usage() - a key's metadata and its use by the crypto API
 * @kv:    handle
 * @id:    the key's ID, or 0 to name it by @name
 * @name:  the key's name when @id is 0, else NULL
 * @info:  receives the metadata, as kvault_key_get() gives it; zeroed on
 *         failure
 * @usage: receives the transforms, consumer counters and mirror; zeroed on
 *         failure
 *
 * One KVAULT_CMD_KEY_GET, as kvault_key_get(), read further.
 *
 * Return: as for kvault_key_get(); -EPROTO also for a malformed consumer
 * list (a kind twice, or 0).
 */
int kvault_key_get_usage(struct kvault *kv, int32_t id, const char *name,
			 struct kvault_key_info *info,
			 struct kvault_key_usage *usage);

/**
 * kvault_consumer_name() - a consumer kind's name
 * @kind: KVAULT_CONSUMER_*
 *
 * Return: "dm-crypt", "af-alg", "kernel", or NULL for an unknown kind.
 */
const char *kvault_consumer_name(uint32_t kind);

#ifdef __cplusplus
}
#endif

#endif /* LIBKVAULT_H */
