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
 * Return: "exportable", "imported", "revoked" or "expired"; NULL for
 * anything else.
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
 * "expired", "min-version" or "tightened"; NULL for anything else.
 */
const char *kvault_event_op_name(uint32_t op);

#ifdef __cplusplus
}
#endif

#endif /* LIBKVAULT_H */
