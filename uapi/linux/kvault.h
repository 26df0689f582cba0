/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvault: a kernel key vault bound to the TPM's measured-boot state.
 *
 * This header is the whole ABI between kvault.ko and userspace. Everything
 * in it is stable once released: structs only grow at their end, numbers
 * are never reused, and every request says how big it is.
 *
 * Two interfaces carry the same operations:
 *
 *  - the character device /dev/kvault, driven by ioctl only;
 *  - the generic netlink family "kvault" (KVAULT_GENL_NAME), which also
 *    reports a reason for every rejection through the extended ACK.
 *
 * Both are for the vault's administrator. /dev/kvault is mode 0600, owned by
 * root (the module parameter "group" may name a group that gets 0660); every
 * netlink command requires CAP_SYS_ADMIN, because every one of them issues
 * TPM commands and the TPM is a shared, slow, lockable resource.
 *
 * Extensible structs
 * ------------------
 * Every ioctl argument starts with "__u32 size", which the caller sets to
 * sizeof() the struct as its headers define it. The kernel treats it the
 * way copy_struct_from_user() does:
 *
 *  - size smaller than the first published version (the *_SIZE_VER0
 *    constants): EINVAL;
 *  - size larger than the kernel's struct: accepted only if every byte past
 *    the kernel's struct is zero, otherwise E2BIG;
 *  - size smaller than the kernel's struct but at least VER0: the missing
 *    fields are taken as zero.
 *
 * On return the kernel writes back at most "size" bytes and sets "size" to
 * the number of bytes it wrote, so a newer program on an older kernel can
 * see which fields were filled in.
 *
 * "flags" fields reject any bit not defined here with EINVAL. Fields named
 * "reserved*" must be zero on input (EINVAL otherwise) and are zero on
 * output. Pointers travel as __aligned_u64.
 *
 * ioctl numbers: the kernel matches the type (KVAULT_IOC_MAGIC), the
 * direction and the number, and ignores the size encoded in the command,
 * because the struct's own "size" field is the authority. Any other command
 * gives ENOTTY.
 *
 * PCR banks are named by their TCG algorithm identifier (TPM_ALG_ID), e.g.
 * KVAULT_TPM_ALG_SHA256. PCR selections are bit masks: bit N selects PCR N.
 * kvault serves PCRs 0 to KVAULT_PCR_COUNT - 1.
 */
#ifndef _UAPI_LINUX_KVAULT_H
#define _UAPI_LINUX_KVAULT_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Bumped when an incompatible change is made; additions do not bump it. */
#define KVAULT_ABI_VERSION		1

#define KVAULT_DEVICE_NAME		"kvault"
#define KVAULT_MODULE_VERSION_LEN	32
#define KVAULT_TPM_VENDOR_LEN		20
#define KVAULT_MAX_PCR_BANKS		16
#define KVAULT_PCR_COUNT		24
#define KVAULT_PCR_MASK_ALL		((1U << KVAULT_PCR_COUNT) - 1)
/* Largest digest of any bank kvault accepts (SHA-512). */
#define KVAULT_MAX_DIGEST_SIZE		64

/* TCG algorithm identifiers of the PCR banks kvault knows by name. */
#define KVAULT_TPM_ALG_SHA1		0x0004
#define KVAULT_TPM_ALG_SHA256		0x000B
#define KVAULT_TPM_ALG_SHA384		0x000C
#define KVAULT_TPM_ALG_SHA512		0x000D
#define KVAULT_TPM_ALG_SM3_256		0x0012
#define KVAULT_TPM_ALG_SHA3_256		0x0027
#define KVAULT_TPM_ALG_SHA3_384		0x0028
#define KVAULT_TPM_ALG_SHA3_512		0x0029

/* kvault_status.tpm_flags and KVAULT_A_TPM_FLAGS */
#define KVAULT_TPM_PRESENT		(1U << 0)	/* a TPM chip is registered */
#define KVAULT_TPM_VERSION_2		(1U << 1)	/* ...and it is a TPM 2.0 */

/**
 * struct kvault_pcr_bank - one PCR bank the TPM has allocated
 * @alg_id:      TCG algorithm identifier of the bank (KVAULT_TPM_ALG_*)
 * @digest_size: size in bytes of each PCR value in this bank
 */
struct kvault_pcr_bank {
	__u16 alg_id;
	__u16 digest_size;
};

/**
 * struct kvault_status - KVAULT_IOC_STATUS argument
 * @size:             in: sizeof(struct kvault_status); out: bytes written
 * @flags:            in: must be 0 (no flags are defined yet)
 * @abi_version:      out: KVAULT_ABI_VERSION of the running module
 * @tpm_flags:        out: KVAULT_TPM_* bits
 * @tpm_manufacturer: out: TPM_PT_MANUFACTURER, four ASCII characters packed
 *                    big-endian (e.g. 0x49424D00 is "IBM"); 0 without TPM 2.0
 * @tpm_fw_version_1: out: TPM_PT_FIRMWARE_VERSION_1
 * @tpm_fw_version_2: out: TPM_PT_FIRMWARE_VERSION_2
 * @nr_pcr_banks:     out: number of valid entries in @pcr_banks
 * @pcr_banks:        out: the PCR banks the TPM has allocated
 * @module_version:   out: kvault.ko version, NUL-terminated
 * @tpm_vendor:       out: TPM_PT_VENDOR_STRING_1..4, NUL-terminated, with
 *                    non-printable bytes removed
 * @reserved:         must be zero
 *
 * Without a TPM, or with a TPM 1.2, the ioctl still succeeds: @tpm_flags
 * says what is there and the TPM fields are zero.
 */
struct kvault_status {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 tpm_flags;
	__u32 tpm_manufacturer;
	__u32 tpm_fw_version_1;
	__u32 tpm_fw_version_2;
	__u32 nr_pcr_banks;
	struct kvault_pcr_bank pcr_banks[KVAULT_MAX_PCR_BANKS];
	char module_version[KVAULT_MODULE_VERSION_LEN];
	char tpm_vendor[KVAULT_TPM_VENDOR_LEN];
	__u32 reserved0;
	__aligned_u64 reserved[4];
	/* VER1 */
	__s32 keyring_id;
	__u32 nr_keys;
};

#define KVAULT_STATUS_SIZE_VER0		184
/*
 * VER1 adds, out: @keyring_id, the serial of the vault's own keyring
 * "_kvault" (where KVAULT_IOC_KEY_CREATE puts keys), and @nr_keys, the
 * number of keys the vault holds (instantiated and not yet garbage
 * collected).
 */
#define KVAULT_STATUS_SIZE_VER1		192

/**
 * struct kvault_pcr_read - KVAULT_IOC_PCR_READ argument
 * @size:           in: sizeof(struct kvault_pcr_read); out: bytes written
 * @flags:          in: must be 0
 * @bank:           in: PCR bank, a TCG algorithm identifier the TPM has
 *                  allocated (see struct kvault_status)
 * @digest_size:    out: size of one PCR value in @bank
 * @pcr_mask:       in: PCRs to read, bit N for PCR N; must be non-zero and
 *                  within KVAULT_PCR_MASK_ALL
 * @update_counter: out: the TPM's pcrUpdateCounter at the time of the read
 * @reserved0:      must be zero
 * @digests:        in: user address of the output buffer, or 0 to only ask
 *                  how large it must be
 * @digests_len:    in: size of the buffer at @digests;
 *                  out: bytes needed (digest_size * PCRs selected)
 * @reserved1:      must be zero
 * @reserved:       must be zero
 *
 * The selected PCRs are written to @digests one after another in ascending
 * PCR order, @digest_size bytes each. All of them come from one consistent
 * state of the TPM: if a PCR changed while kvault was reading, it reads
 * again. With @digests 0 the call only fills in @digest_size and
 * @digests_len. A buffer too small gives ENOSPC, with @digests_len set.
 *
 * Errors: EINVAL for a bad selection or unknown bank (not one the TPM has
 * allocated), ENODEV when no TPM 2.0 is present, EFAULT for a bad
 * buffer, EIO when the TPM fails the command.
 */
struct kvault_pcr_read {
	__u32 size;
	__u32 flags;
	__u16 bank;
	__u16 digest_size;
	__u32 pcr_mask;
	__u32 update_counter;
	__u32 reserved0;
	__aligned_u64 digests;
	__u32 digests_len;
	__u32 reserved1;
	__aligned_u64 reserved[2];
};

#define KVAULT_PCR_READ_SIZE_VER0	56

#define KVAULT_IOC_MAGIC		0xB9

/* Fill struct kvault_status. */
#define KVAULT_IOC_STATUS		_IOWR(KVAULT_IOC_MAGIC, 0x01, struct kvault_status)
/* Read PCR values, see struct kvault_pcr_read. */
#define KVAULT_IOC_PCR_READ		_IOWR(KVAULT_IOC_MAGIC, 0x02, struct kvault_pcr_read)

/*
 * Keys
 * ----
 * A vault key is a keyring key of type "kvault" (KVAULT_KEY_TYPE): its
 * name is the key's description, its ID is the key's serial. Material is
 * generated in the kernel and never leaves it: no ioctl, netlink message,
 * keyctl read, log line or error carries it.
 *
 * Names: 1 to KVAULT_KEY_NAME_MAX - 1 bytes of printable ASCII other than
 * space (0x21-0x7e); they are unique in the whole vault, whatever keyring
 * a key is linked into (a duplicate gives EEXIST).
 *
 * Algorithms (KVAULT_ALG_*) fix the material length and the usage the key
 * may have (KVAULT_USAGE_*):
 *
 *   aes-128 16 bytes, aes-256 32: encrypt decrypt wrap unwrap crypto-api
 *   aes-xts-256 32 bytes, aes-xts-512 64: encrypt decrypt crypto-api
 *   hmac-sha256 32, hmac-sha384 48, hmac-sha512 64: sign verify crypto-api
 *   secret-N, N = 16..128 bytes: every usage
 *
 * A key created with usage 0 (or no "usage=") gets every usage its
 * algorithm allows; asking for one it does not allow is EINVAL.
 *
 * Material: get_random_bytes() output, XORed with the same number of bytes
 * from the TPM's RNG (TPM2_GetRandom through tpm_get_random()) when a TPM
 * is present. XOR with an independent source cannot make the result less
 * random than either input; a TPM that fails is ignored (kernel RNG only).
 *
 * Versions: a key starts at version 1. Rotation adds version N+1 with new
 * material; older versions stay until the minimum version is raised past
 * them, which wipes their material. At most KVAULT_KEY_MAX_VERSIONS
 * versions are live at a time (rotation gives ENOSPC beyond).
 *
 * States (KVAULT_KEY_STATE_*) and transitions, with the errno of each
 * illegal one:
 *
 *   enable:           disabled -> enabled; enabled: EALREADY
 *   disable:          enabled -> disabled; disabled: EALREADY
 *   rotate, set-min-version, tighten:
 *                     enabled or disabled (the state is kept)
 *   schedule-destroy: enabled or disabled -> destroy-pending, with a
 *                     deadline @arg seconds ahead (at most
 *                     KVAULT_DESTROY_MAX_WINDOW; 0 destroys at once from a
 *                     work item); destroy-pending: EALREADY
 *   cancel-destroy:   destroy-pending -> disabled; otherwise EINVAL
 *   destroy:          any state -> destroyed (also from revoked/expired)
 *
 * On a destroy-pending key every other operation (enable, disable, rotate,
 * set-min-version, tighten) gives EBUSY. On a destroyed key every operation
 * gives ENOKEY, as do keys invalidated or unlinked from every keyring but
 * not yet collected; a key revoked with keyctl gives EKEYREVOKED, an expired
 * one EKEYEXPIRED (its material is wiped when the vault first notices). An
 * ID or name the vault does not hold (never did, or the key was collected) gives ENOENT.
 *
 * Destroyed, revoked and expired keys have every version's material wiped
 * (memzero_explicit + kfree_sensitive) at once; a destroyed key is also
 * invalidated, so the keyring core unlinks and frees it.
 *
 * Unloading kvault with live keys wipes and destroys them all: the key
 * type's unregistration garbage-collects every key of the type. While a
 * crypto transform of the "kvault" template exists (an AF_ALG socket, a
 * dm-crypt table), or /dev/kvault is open, the module is in use:
 * delete_module() (rmmod) fails with EWOULDBLOCK and changes nothing, the
 * keys keep working; once the last one is gone it unloads.
 *
 * Permission model: managing keys (every KVAULT_IOC_KEY_* ioctl, every
 * netlink command, the "events" group) needs what /dev/kvault and the
 * netlink family already need: CAP_SYS_ADMIN (or the "group" for the
 * device). Creating a key is management whichever interface asks:
 * "keyctl add kvault" without CAP_SYS_ADMIN or the group gives EPERM, even
 * into the caller's own keyring (so no user can squat a name in the
 * vault's single namespace). Creation through either interface is charged
 * to the caller's key quota (EDQUOT). Otherwise, through keyctl, the
 * keyring core's permissions apply: adding a
 * key needs write permission on the keyring, and view, search, link,
 * setattr (timeout, setperm) and invalidate are governed by the key's own
 * permission mask (setperm). Using a key (keyctl pkey_*, below) needs
 * the key's search permission and nothing else: a key is shared for use
 * by linking it where the user can find it. "keyctl read" is refused with
 * EOPNOTSUPP for everyone: material is never readable.
 *
 * Using a key: keyctl's public-key operations (KEYCTL_PKEY_QUERY,
 * KEYCTL_PKEY_ENCRYPT, _DECRYPT, _SIGN, _VERIFY; "keyctl pkey_*") work on
 * kvault keys, with the key's "search" permission (the keyring core's
 * check), so a process can use a key it can never read. The info string
 * may only be empty or "enc=raw", plus for HMAC keys "hash=" naming the
 * key's own hash (sha256, sha384, sha512); anything else is EINVAL.
 *
 *   aes-128, aes-256 (usage encrypt, decrypt): AES-GCM. Encrypt takes up to
 *     KVAULT_PKEY_MAX_DATA bytes and returns KVAULT_CIPHERTEXT_OVERHEAD
 *     more: version (big-endian u32) || nonce (KVAULT_GCM_NONCE_LEN random
 *     bytes) || ciphertext || tag (KVAULT_GCM_TAG_LEN); version and nonce
 *     are authenticated as associated data. Decrypt gives EBADMSG when
 *     authentication fails, EINVAL for input shorter than the overhead.
 *     Random 96-bit nonces: rotate a key well before 2^32 encryptions.
 *     Query reports max_enc_size = max_dec_size = KVAULT_PKEY_MAX_DATA +
 *     KVAULT_CIPHERTEXT_OVERHEAD: keyctl(1) (keyutils) sizes decrypt's
 *     output by max_enc_size and encrypt's by max_dec_size, and the keyring
 *     core refuses an out_len above the other one. So max_dec_size is not
 *     encrypt's input limit: the core lets encrypt inputs up to it through
 *     and kvault refuses those above KVAULT_PKEY_MAX_DATA (EINVAL).
 *   hmac-sha256/384/512 (usage sign, verify): sign takes up to
 *     KVAULT_PKEY_MAX_DATA bytes (max_data_size) and returns version
 *     (big-endian u32) || HMAC, max_sig_size bytes; verify gives 0 for a
 *     match, EBADMSG otherwise.
 *   aes-xts-*, secret-N: no keyctl operation (EOPNOTSUPP); they are for
 *     the crypto API templates.
 *
 * Encrypt and sign use the newest version; decrypt and verify use the
 * version their input names, which must still be live (ENOKEY once the
 * minimum version has passed it).
 *
 * Sizes: the keyring core refuses (EINVAL) an in_len, out_len or in2_len
 * above the maximum query reports for it. Below that, give an output
 * buffer of the query's size (max_enc_size, max_dec_size, max_sig_size):
 * the keyring cores of Linux 6.1.177+ and 6.12.95+ ("KEYS: fix overflow
 * in keyctl_pkey_params_get_2()") hand kvault a buffer of that maximum,
 * not out_len bytes, and copy the whole result to the caller whatever
 * out_len says; likewise they read max_sig_size bytes of signature
 * whatever in2_len says. Older cores pass out_len and in2_len through:
 * there kvault gives EMSGSIZE for an out_len smaller than the result and
 * EBADMSG for a signature that is not exactly max_sig_size bytes. kvault
 * never writes more than the result, nor past the core's buffer.
 *
 * Errors, in order: the keyring core's (EACCES without search
 * permission, EKEYREVOKED, EKEYEXPIRED); EINVAL for a bad info string or
 * a size beyond the query's maximum (an AES key's signature maximum is 0,
 * so sign on it is EINVAL); EOPNOTSUPP for an algorithm without the
 * operation; EKEYREJECTED for an operation outside the key's usage (query
 * reports only the operations its usage allows); EINVAL for an input
 * beyond kvault's own limit above (encrypt, sign: KVAULT_PKEY_MAX_DATA;
 * decrypt: shorter than KVAULT_CIPHERTEXT_OVERHEAD); EMSGSIZE, and
 * EBADMSG for a signature's length, as above; ENOKEY for a key that is
 * not enabled (disabled, destroy-pending, destroyed) or a version that is
 * not live; EBADMSG for a failed authentication. Each operation that gets
 * as far as keying a transform with the key counts one use
 * (KVAULT_A_KEY_USE_COUNT, KVAULT_A_KEY_LAST_USE); one refused before
 * that does not.
 *
 * keyctl interface, payload of "keyctl add kvault NAME PAYLOAD RING":
 *
 *   new ALG [usage=U1,U2,...] [exportable=0|1]
 *   import ALG HEX [usage=...] [exportable=0|1]
 *
 * ALG is an algorithm name above ("secret-N" with N in decimal), U a usage
 * name (encrypt decrypt wrap unwrap sign verify crypto-api), HEX exactly
 * twice the material length in hex digits. "import" is refused with EPERM
 * unless the module parameter allow_plaintext_import is 1; such keys have
 * KVAULT_KEY_IMPORTED set. The payload is at most KVAULT_KEY_PAYLOAD_MAX
 * bytes of printable ASCII words separated by single spaces, optionally
 * followed by one NUL; anything else (unknown words or options, repeated
 * options, embedded NULs, bad lengths) is EINVAL. Updating a key with
 * keyctl update is not supported: the keyring core refuses it with EACCES
 * first, as no one has write permission on a kvault key; EOPNOTSUPP if
 * write permission was granted with setperm.
 */
#define KVAULT_KEY_TYPE			"kvault"
#define KVAULT_KEY_NAME_MAX		128
#define KVAULT_KEY_PAYLOAD_MAX		(2 * KVAULT_BLOB_MAX + 512)
#define KVAULT_KEY_MAX_VERSIONS		64
#define KVAULT_SECRET_MIN_LEN		16
#define KVAULT_SECRET_MAX_LEN		128
/* 366 days */
#define KVAULT_DESTROY_MAX_WINDOW	31622400U

/*
 * keyctl public-key operations on kvault keys (see "Using a key"): the
 * largest input to encrypt and sign; query's sizes are u16s.
 */
#define KVAULT_PKEY_MAX_DATA		32768
#define KVAULT_GCM_NONCE_LEN		12
#define KVAULT_GCM_TAG_LEN		16
#define KVAULT_CIPHERTEXT_OVERHEAD	(4 + KVAULT_GCM_NONCE_LEN + KVAULT_GCM_TAG_LEN)

/* Algorithms */
#define KVAULT_ALG_AES_128		1
#define KVAULT_ALG_AES_256		2
#define KVAULT_ALG_AES_XTS_256		3
#define KVAULT_ALG_AES_XTS_512		4
#define KVAULT_ALG_HMAC_SHA256		5
#define KVAULT_ALG_HMAC_SHA384		6
#define KVAULT_ALG_HMAC_SHA512		7
#define KVAULT_ALG_SECRET		8	/* with a length */

/* Usage flags */
#define KVAULT_USAGE_ENCRYPT		(1U << 0)
#define KVAULT_USAGE_DECRYPT		(1U << 1)
#define KVAULT_USAGE_WRAP		(1U << 2)
#define KVAULT_USAGE_UNWRAP		(1U << 3)
#define KVAULT_USAGE_SIGN		(1U << 4)
#define KVAULT_USAGE_VERIFY		(1U << 5)
#define KVAULT_USAGE_CRYPTO_API		(1U << 6)
#define KVAULT_USAGE_ALL		0x7fU

/* Key attributes (KVAULT_A_KEY_ATTRS, kvault_key_create.flags) */
#define KVAULT_KEY_EXPORTABLE		(1U << 0)	/* one-way: can only be cleared */
#define KVAULT_KEY_IMPORTED		(1U << 1)	/* origin: plaintext import */
#define KVAULT_KEY_REVOKED		(1U << 2)	/* revoked with keyctl */
#define KVAULT_KEY_EXPIRED		(1U << 3)	/* its timeout passed */
#define KVAULT_KEY_SEALED		(1U << 4)	/* holds a sealed blob */

/* Key states */
#define KVAULT_KEY_STATE_ENABLED	1
#define KVAULT_KEY_STATE_DISABLED	2
#define KVAULT_KEY_STATE_DESTROY_PENDING 3
#define KVAULT_KEY_STATE_DESTROYED	4

/**
 * struct kvault_key_create - KVAULT_IOC_KEY_CREATE argument
 * @size:    in: sizeof(struct kvault_key_create); out: bytes written
 * @flags:   in: KVAULT_KEY_EXPORTABLE or 0
 * @alg:     in: KVAULT_ALG_*
 * @alg_len: in: material length in bytes for KVAULT_ALG_SECRET
 *           (KVAULT_SECRET_MIN_LEN..KVAULT_SECRET_MAX_LEN), 0 otherwise
 * @usage:   in: KVAULT_USAGE_* bits, or 0 for all the algorithm allows
 * @id:      in: must be 0; out: the new key's ID (keyring serial)
 * @name:    in: the key's name, NUL-terminated, rest zero
 * @reserved: must be zero
 *
 * Creates a key, version 1, enabled, linked into the vault's keyring
 * (kvault_status.keyring_id) and charged to the caller's key quota, as
 * "keyctl add" would. Errors: EINVAL for bad fields or name, EEXIST for a
 * name in use, EDQUOT when the caller's key quota is exhausted.
 */
struct kvault_key_create {
	__u32 size;
	__u32 flags;
	__u32 alg;
	__u32 alg_len;
	__u32 usage;
	__s32 id;
	char name[KVAULT_KEY_NAME_MAX];
	__aligned_u64 reserved[4];
};

#define KVAULT_KEY_CREATE_SIZE_VER0	184

/**
 * struct kvault_key_op - argument of every other KVAULT_IOC_KEY_* ioctl
 * @size:         in: sizeof(struct kvault_key_op); out: bytes written
 * @flags:        in: must be 0
 * @id:           in: the key's ID, or 0 to name it by @name; out: its ID
 * @arg:          in: KEY_SET_MIN_VERSION: the new minimum version;
 *                KEY_SCHEDULE_DESTROY: the pending window in seconds;
 *                KEY_TIGHTEN: the KVAULT_KEY_EXPORTABLE bits to clear;
 *                must be 0 for the others
 * @name:         in: with @id 0, the key's name, NUL-terminated, rest
 *                zero; must be all zero when @id is set
 * @state:        out: KVAULT_KEY_STATE_* after the operation
 * @version:      out: current (newest) version
 * @min_version:  out: minimum version
 * @attrs:        out: KVAULT_KEY_* attribute bits
 * @destroy_time: out: for a destroy-pending key, the deadline
 *                (CLOCK_REALTIME, ns); 0 otherwise
 * @reserved:     must be zero
 *
 * set-min-version: @arg must lie between the current minimum (lowering
 * is EINVAL) and the current version (ERANGE beyond); versions below it are
 * wiped and forgotten. See "States" above for the other errors.
 */
struct kvault_key_op {
	__u32 size;
	__u32 flags;
	__s32 id;
	__u32 arg;
	char name[KVAULT_KEY_NAME_MAX];
	__u32 state;
	__u32 version;
	__u32 min_version;
	__u32 attrs;
	__aligned_u64 destroy_time;
	__aligned_u64 reserved[4];
};

#define KVAULT_KEY_OP_SIZE_VER0		200

#define KVAULT_IOC_KEY_CREATE		_IOWR(KVAULT_IOC_MAGIC, 0x10, struct kvault_key_create)
#define KVAULT_IOC_KEY_ROTATE		_IOWR(KVAULT_IOC_MAGIC, 0x11, struct kvault_key_op)
#define KVAULT_IOC_KEY_SET_MIN_VERSION	_IOWR(KVAULT_IOC_MAGIC, 0x12, struct kvault_key_op)
#define KVAULT_IOC_KEY_ENABLE		_IOWR(KVAULT_IOC_MAGIC, 0x13, struct kvault_key_op)
#define KVAULT_IOC_KEY_DISABLE		_IOWR(KVAULT_IOC_MAGIC, 0x14, struct kvault_key_op)
#define KVAULT_IOC_KEY_SCHEDULE_DESTROY	_IOWR(KVAULT_IOC_MAGIC, 0x15, struct kvault_key_op)
#define KVAULT_IOC_KEY_CANCEL_DESTROY	_IOWR(KVAULT_IOC_MAGIC, 0x16, struct kvault_key_op)
#define KVAULT_IOC_KEY_DESTROY		_IOWR(KVAULT_IOC_MAGIC, 0x17, struct kvault_key_op)
/* Fill in the out fields of struct kvault_key_op only. */
#define KVAULT_IOC_KEY_INFO		_IOWR(KVAULT_IOC_MAGIC, 0x18, struct kvault_key_op)
/* Clear one-way attributes (@arg: KVAULT_KEY_EXPORTABLE). */
#define KVAULT_IOC_KEY_TIGHTEN		_IOWR(KVAULT_IOC_MAGIC, 0x19, struct kvault_key_op)

/*
 * Crypto API templates: keys used by reference
 * --------------------------------------------
 * kvault registers the crypto template "kvault". kvault(ALG) wraps the
 * kernel's own ALG, takes its priority, block size, alignment mask, IV,
 * tag and digest sizes, and differs in one thing: setkey takes a key
 * reference (struct kvault_key_ref), never key bytes. ALG may be:
 *
 *   skcipher: xts(aes)                   aes-xts-256, aes-xts-512 keys
 *             cbc(aes) ctr(aes) ecb(aes) cts(cbc(aes))
 *                                        aes-128, aes-256 keys
 *   aead:     gcm(aes)                   aes-128, aes-256 keys
 *             rfc4106(gcm(aes))          aes-128, aes-256 keys, and the
 *                                        4-byte nonce salt after the ref
 *   hash:     hmac(sha256) hmac(sha384) hmac(sha512)
 *                                        hmac-sha256/384/512 (the same
 *                                        hash), or secret-N keys
 *
 * (shash and ahash both: an ahash user gets the shash instance). Any other
 * ALG, or one the kernel does not have, fails to instantiate (ENOENT from
 * crypto_alloc_*; AF_ALG bind() gives ENOENT). Usage in a dm-crypt table:
 * "capi:kvault(xts(aes))-plain64 HEX-OF-REF 0 DEV 0".
 *
 * setkey(ref, len) checks, in this order, and stops at the first failure:
 *
 *   EINVAL       len is not sizeof the reference plus the ALG's non-secret
 *                tail (4 for rfc4106, else 0); bad magic, version, size,
 *                flags or reserved; a name that is empty, not NUL-
 *                terminated at @size, or not a valid key name; both or
 *                neither of @id and a name
 *   ENOENT       no key with that ID or name in the vault
 *   EACCES       the caller may not search the key: resolved in the
 *                caller's credentials, as keyctl does, with the key's own
 *                permission mask and possession through the caller's
 *                keyrings (setkey runs in the caller's context: the
 *                AF_ALG process's setsockopt, dmsetup's table load, the
 *                task a kernel user calls setkey in; a kernel thread
 *                holds only what its own credentials can search)
 *   EKEYREVOKED, EKEYEXPIRED
 *                revoked (or invalidated), expired
 *   EKEYREJECTED the key's usage lacks KVAULT_USAGE_CRYPTO_API
 *   EMEDIUMTYPE  the key's algorithm does not fit ALG (table above)
 *   ENOKEY       the key is not enabled, or @key_version is not live
 *   else         the inner algorithm's own setkey error
 *
 * Raw key bytes are therefore always refused (they are not a reference).
 * On any failure the inner transform is rekeyed with random bytes and the
 * transform holds no key: dm-crypt's "key wipe" message (which calls
 * setkey with random bytes) leaves nothing usable, and every request
 * fails with ENOKEY until a valid reference is set. That holds for a
 * setkey of any length: an skcipher instance declares key sizes 0 to
 * UINT_MAX (/proc/crypto: "min keysize : 0", "max keysize : 4294967295")
 * so that the crypto core, which refuses a length outside those bounds
 * without marking the transform as needing a key, passes every length on
 * to kvault (dm-crypt does not read these bounds). dm-crypt reports its
 * "key wipe" message as failed (EINVAL: the random bytes are no
 * reference), yet the wipe is done: the mapping refuses to resume until
 * "key set" gives a valid reference.
 *
 * Under fips=1 the kernel's crypto manager refuses every kvault(...)
 * instance (it has no self-test vectors for a by-reference algorithm, and
 * kvault does not accept raw keys to pass them): kvault's templates are
 * not available in FIPS mode.
 *
 * Live revocation: a transform keeps a reference to the key (the struct
 * key and the vault key), pinned to the version it was keyed with. Every
 * request first checks, without a lock or an atomic operation, that the
 * key is still usable, and otherwise fails at once:
 *
 *   EKEYREVOKED  revoked or invalidated (keyctl revoke / invalidate)
 *   EKEYEXPIRED  its timeout passed
 *   ENOKEY       disabled, destroy-pending or destroyed, or the minimum
 *                version passed the transform's version
 *
 * A disabled key works again once enabled. The transform's reference keeps
 * a merely unlinked key alive, as an open file keeps an unlinked inode;
 * revoke, invalidate and destroy wipe the vault's material at once, and the
 * inner transform's expanded key lives until the transform is freed or
 * rekeyed (kvault cannot rekey it under requests in flight).
 *
 * Usage accounting: per key, per consumer kind (KVAULT_CONSUMER_*), the
 * number of requests and of bytes processed, kept in per-CPU counters and
 * reported by KVAULT_CMD_KEY_GET (KVAULT_A_KEY_CONSUMERS). The kind is
 * decided once, at setkey, from the calling context, not from anything
 * the caller writes: setsockopt() is AF_ALG, an ioctl on the
 * device-mapper control device is dm-crypt, anything else is another
 * kernel user. A request counts as one operation of its data length
 * (cryptlen for skcipher and aead, the bytes hashed for hash).
 */
#define KVAULT_KEY_REF_MAGIC		0x4b52564bU	/* "KVRK" */
#define KVAULT_KEY_REF_VERSION		1
#define KVAULT_KEY_REF_HDR_SIZE		24
#define KVAULT_KEY_REF_MAX_SIZE		(KVAULT_KEY_REF_HDR_SIZE + KVAULT_KEY_NAME_MAX)

/**
 * struct kvault_key_ref - what kvault(...)'s setkey takes instead of a key
 * @magic:       KVAULT_KEY_REF_MAGIC
 * @version:     KVAULT_KEY_REF_VERSION
 * @size:        bytes of the reference: KVAULT_KEY_REF_HDR_SIZE with @id,
 *               KVAULT_KEY_REF_HDR_SIZE + strlen(name) + 1 with a name
 * @id:          the key's ID, or 0 to name it
 * @key_version: the key version to use, or 0 for the newest at setkey
 * @flags:       must be 0
 * @reserved:    must be 0
 * @name:        with @id 0: the key's name and its NUL, ending exactly at
 *               @size
 *
 * Native byte order. A reference is not secret: it names a key, and using
 * it needs the key's search permission. It may be followed by the ALG's
 * non-secret tail (the rfc4106 salt).
 */
struct kvault_key_ref {
	__u32 magic;
	__u16 version;
	__u16 size;
	__s32 id;
	__u32 key_version;
	__u32 flags;
	__u32 reserved;
	char name[];
};

/* Consumer kinds of usage accounting (KVAULT_A_CONSUMER_KIND). */
#define KVAULT_CONSUMER_DM_CRYPT	1
#define KVAULT_CONSUMER_AF_ALG		2
#define KVAULT_CONSUMER_KERNEL		3	/* any other kernel user */
#define KVAULT_CONSUMER_MAX		3

/*
 * Logon mirror
 * ------------
 * For consumers that only take keyring keys (dm-crypt's
 * ":LEN:logon:DESC" key form, AF_ALG's ALG_SET_KEY_BY_KEY_SERIAL on 6.2+),
 * KVAULT_IOC_KEY_PUBLISH creates a key of the kernel's "logon" type,
 * described "kvault:NAME", whose payload is the newest version's material.
 * It is linked into the vault's keyring only; the caller links it where a
 * consumer searches ("keyctl link ID @u"), which needs the key's link
 * permission, granted. Owned by the caller, it has view, search and link
 * permission for possessor and owner, nothing else: no one can read it
 * (logon keys have no read), update it, or change its permissions. Anyone
 * who may search it may invalidate it.
 *
 * The mirror is weaker than the template path: a consumer copies the
 * material into its own transform when it takes the key, so revoking the
 * vault key stops new users but not a dm-crypt table already loaded from
 * the mirror. The vault revokes and invalidates the mirror (its payload is
 * wiped at once) when the key is revoked, is destroyed or unpublished, or
 * when the minimum version passes the mirrored version. The mirror expires
 * with the key: PUBLISH gives it the key's expiry time (keyctl timeout),
 * so from that second on the keyring core refuses it (EKEYEXPIRED) even
 * before the vault notices the key has expired (and then revokes the
 * mirror too). A later keyctl timeout on the vault key does not reach the
 * mirror by itself (the keyring core tells no one); the next PUBLISH
 * brings the mirror's expiry time to the key's, and the vault still
 * revokes the mirror once it notices the key expired.
 *
 * PUBLISH needs the key's crypto-api usage and the caller's search
 * permission on it (as setkey above), and an enabled key; errors as for
 * setkey, plus what key_create_or_update() gives (EDQUOT). Publishing a key
 * that has a mirror of its newest version returns that mirror again; after
 * a rotation, PUBLISH replaces the older version's mirror (it is revoked)
 * with one of the newest. UNPUBLISH needs only the open /dev/kvault (no
 * permission on the key, whatever its state); a key without a mirror gives
 * ENOENT.
 *
 * Both check, in this order, and stop at the first failure:
 *
 *   EFAULT       the argument cannot be read
 *   EINVAL       @size below KVAULT_KEY_PUBLISH_SIZE_VER0
 *   E2BIG        @size above sizeof(struct kvault_key_publish) with a
 *                non-zero byte past it, or above a page (4096) at all
 *   EINVAL       @flags, @mirror_id, @version or a reserved field not
 *                zero; both or neither of @id and a name; @id negative;
 *                a name not NUL-terminated, or not zero after its NUL
 *   EFAULT       the argument cannot be written back (read-only): this is
 *                checked before anything is done, so a refused call
 *                changes nothing
 *   ENOENT       no vault key with that ID or name: the ID of any other
 *                key (a keyring, a mirror), of a key already collected,
 *                a name no key may have (with a space, a control byte)
 *   then PUBLISH: EACCES, EKEYREVOKED, EKEYEXPIRED, EKEYREJECTED and
 *                ENOKEY (disabled, destroy-pending, destroyed but not yet
 *                collected) in setkey's order, so a caller that may not
 *                search the key learns nothing of its usage or state;
 *                UNPUBLISH: ENOENT for a key without a mirror.
 *
 * The search permission is the caller's own: a process running as another
 * user with a descriptor root opened gets EACCES for a key whose mask does
 * not grant that user search.
 */

/**
 * struct kvault_key_publish - KVAULT_IOC_KEY_PUBLISH / _UNPUBLISH argument
 * @size:      in: sizeof(struct kvault_key_publish); out: bytes written
 * @flags:     in: must be 0
 * @id:        in: the key's ID, or 0 to name it by @name; out: its ID
 * @mirror_id: in: must be 0; out: the logon key's ID (0 after UNPUBLISH)
 * @name:      in: with @id 0, the key's name, NUL-terminated, rest zero;
 *             must be all zero when @id is set
 * @version:   in: must be 0; out: the key version the mirror holds (0
 *             after UNPUBLISH)
 * @reserved0: must be zero
 * @reserved:  must be zero
 */
struct kvault_key_publish {
	__u32 size;
	__u32 flags;
	__s32 id;
	__s32 mirror_id;
	char name[KVAULT_KEY_NAME_MAX];
	__u32 version;
	__u32 reserved0;
	__aligned_u64 reserved[4];
};

#define KVAULT_KEY_PUBLISH_SIZE_VER0	184
#define KVAULT_MIRROR_PREFIX		"kvault:"

#define KVAULT_IOC_KEY_PUBLISH		_IOWR(KVAULT_IOC_MAGIC, 0x1a, struct kvault_key_publish)
#define KVAULT_IOC_KEY_UNPUBLISH	_IOWR(KVAULT_IOC_MAGIC, 0x1b, struct kvault_key_publish)

/*
 * Sealing
 * -------
 * A sealed key survives reboots as a blob that only this TPM can open, and
 * only while a chosen set of PCRs holds the values its policy names. kvault
 * does every TPM command itself, in the kernel:
 *
 *  - Storage parent: the TCG provisioning guidance's ECC P-256 SRK. A
 *    persistent key at 0x81000001 is used if its public area matches that
 *    template; otherwise kvault creates the primary in the owner hierarchy
 *    and caches its transient handle (recreated if someone flushes it).
 *  - Seal: TPM2_Create of a keyedhash sealed-data object whose authPolicy
 *    is PolicyPCR(bank, PCRs, expected values) [+ PolicyAuthValue with a
 *    PIN]. Objects without a PIN are noDA.
 *  - Unseal: TPM2_Load, a policy session (PolicyPCR [+ PolicyAuthValue]),
 *    TPM2_Unseal, and TPM2_FlushContext of every handle on every path.
 *  - Both run in a session salted to the SRK (ECDH P-256) with AES-128-CFB
 *    parameter encryption: the material (and the PIN) never cross the TPM
 *    interface in clear, in TPM2_Create's sensitive data nor in
 *    TPM2_Unseal's response. The PIN never crosses it at all: it only keys
 *    the session HMAC.
 *
 * A blob holds one version of a key: the current one when it was sealed.
 * A loaded key starts at that version, as its only (and minimum) version.
 * Rotating a sealed key keeps it sealed to the old version only: reseal it
 * to keep the new one.
 *
 * PINs: 1 to KVAULT_PIN_MAX bytes of printable ASCII other than space; the
 * PIN is the sealed object's authValue as is (so "tpm2_unseal -p PIN"
 * works). A wrong PIN counts toward the TPM's dictionary-attack lockout.
 *
 * Blob format (all integers big-endian), at most KVAULT_BLOB_MAX bytes:
 *
 *   magic "KVB1" (4) | format version u16 (KVAULT_BLOB_VERSION) |
 *   header length u16 (bytes up to the TPMKey length field) |
 *   alg u32 | material length u32 | usage u32 | attrs u32 (EXPORTABLE,
 *   IMPORTED) | key version u32 |
 *   policy flags u32 (KVAULT_SEAL_PIN) | bank u16 | digest size u16 |
 *   PCR mask u32 | expected values (digest size x PCRs in the mask, in
 *   ascending PCR order) |
 *   TPMKey length u16 | TPMKey (DER, OID 2.23.133.10.1.5, parent
 *   0x40000001 (the SRK template) or 0x81000001, emptyAuth TRUE without a
 *   PIN; the sealed secret is exactly the key material) |
 *   tag (32): HMAC-SHA256 over every byte before it, keyed with
 *   HMAC-SHA256(material, "kvault blob tag v1")
 *
 * The TPM checks the policy; kvault checks before any TPM command that the
 * policy the header names hashes to the object's authPolicy, and after
 * unsealing that the tag matches, so editing the header (a usage, the
 * exportable bit, the algorithm) makes loading fail with EBADMSG, and the
 * unsealed material is wiped. Malformed blobs (bad magic, version, lengths,
 * DER) give EINVAL; a blob this TPM cannot load, or that fails a check,
 * EBADMSG.
 *
 * keyctl: "new" and "import" take [pcrs=BANK:LIST] [pcrvalues=HEX]
 * [pin=PIN]; BANK is sha1, sha256, sha384 or sha512 and LIST is PCR
 * numbers and ranges ("0,2,7" or "0-7,11"); pcrvalues gives the expected
 * values (digest size x PCRs, ascending) instead of the current ones. Such
 * a key is sealed when it is created. Then:
 *
 *   keyctl add kvault NAME "load HEXBLOB [pin=PIN]" RING
 *     unseals a blob into a new key NAME (the name is not part of the blob)
 *   keyctl pipe KEY      the blob in lower-case hex, exactly what load takes
 *                        (a key that is not sealed: EOPNOTSUPP, as before)
 *   keyctl update KEY "update [pcrs=BANK:LIST] [pcrvalues=HEX] [pin=PIN]"
 *     (re)seals the key's current version: the PCR set defaults to the one
 *     it is sealed to, the values to the current ones; the PIN is never
 *     kept, so give it again to keep one. The key must be enabled
 *     (ENOKEY otherwise); keyctl needs write permission on the key.
 *
 * Creating, loading and updating need what managing keys needs
 * (CAP_SYS_ADMIN or the device group), whichever interface asks. After
 * KVAULT_IOC_PCR_EXTEND every seal, load and reseal gives EPERM.
 *
 * Refusals (load, and check's report):
 *   EKEYREJECTED  the PCRs do not hold the policy's values;
 *                 @pcr_mismatch names the ones that differ
 *   EACCES        wrong PIN (counted by the TPM's dictionary-attack logic)
 *   EBUSY         the TPM is in dictionary-attack lockout;
 *                 @lockout_seconds is how long remains (0: until the
 *                 lockout authority clears it)
 *   EBADMSG       the blob is not this TPM's, or fails kvault's checks
 *   EIO           any other TPM failure (@tpm_rc says which)
 *   ENODEV        no TPM 2.0
 */
#define KVAULT_BLOB_MAX			4096
#define KVAULT_BLOB_VERSION		1
#define KVAULT_PIN_MAX			32

/* kvault_key_seal.flags */
#define KVAULT_SEAL_PIN			(1U << 0)	/* @pin/@pin_len are set */
#define KVAULT_SEAL_PCR_VALUES		(1U << 1)	/* @pcr_values are set */

/* kvault_key_seal.status (out) */
#define KVAULT_SEAL_ST_PIN		(1U << 0)	/* the blob needs a PIN */
#define KVAULT_SEAL_ST_LOCKOUT		(1U << 1)	/* TPM in DA lockout */
#define KVAULT_SEAL_ST_LOADABLE		(1U << 2)	/* this TPM loads it */
/* loadable, the PCRs match, and (with a PIN) the TPM is not in lockout */
#define KVAULT_SEAL_ST_WOULD_UNSEAL	(1U << 3)

/**
 * struct kvault_key_seal - KVAULT_IOC_KEY_SEAL, _RESEAL, _LOAD, _CHECK
 * @size:           in: sizeof(struct kvault_key_seal); out: bytes written
 * @flags:          in: KVAULT_SEAL_* (SEAL, RESEAL: both; LOAD: only
 *                  KVAULT_SEAL_PIN; CHECK: none)
 * @id:             SEAL, RESEAL in: the key's ID, or 0 to name it by
 *                  @name; LOAD in: 0, out: the new key's ID; CHECK: 0
 * @pcr_bank:       SEAL, RESEAL in: PCR bank (RESEAL: 0 keeps the key's);
 *                  LOAD, CHECK out: the blob's
 * @reserved0:      must be zero
 * @pcr_mask:       SEAL, RESEAL in: the PCRs (RESEAL: 0 keeps the key's);
 *                  LOAD, CHECK out: the blob's
 * @pin_len:        in, with KVAULT_SEAL_PIN: 1..KVAULT_PIN_MAX
 * @pin:            in, with KVAULT_SEAL_PIN: user address of the PIN
 * @pcr_values:     in, with KVAULT_SEAL_PCR_VALUES: user address of the
 *                  expected values, digest size x PCRs, ascending
 * @pcr_values_len: in: bytes at @pcr_values (must be exact)
 * @blob_len:       SEAL, RESEAL in: size of the buffer at @blob, out: the
 *                  blob's length (ENOSPC, with it set, if it does not fit;
 *                  the key is sealed nevertheless: KEY_INFO's attrs show
 *                  KVAULT_KEY_SEALED and "keyctl pipe" gives the blob);
 *                  LOAD, CHECK in: the blob's length
 * @blob:           user address of the blob buffer
 * @name:           SEAL, RESEAL: with @id 0, the key's name; LOAD: the new
 *                  key's name; CHECK: all zero. NUL-terminated, rest zero.
 * @pcr_mismatch:   out (LOAD, CHECK): PCRs whose value differs from the
 *                  blob's expected value
 * @lockout_seconds: out (LOAD, CHECK): time left in DA lockout
 * @tpm_rc:         out: the TPM's response code when it refused, else 0
 * @status:         out (CHECK; LOAD as far as it got): KVAULT_SEAL_ST_*
 * @reserved:       must be zero
 *
 * SEAL seals an enabled key (any algorithm, exportable or not: the blob
 * only opens on this TPM) and keeps the blob with the key; RESEAL replaces
 * the blob of a sealed key (EINVAL for one that is not sealed). A blob
 * records the attributes the key had when it was sealed: after
 * KEY_TIGHTEN, reseal and delete the older blobs. LOAD unseals a blob
 * into a new key @name in the vault's keyring, as KEY_CREATE would create
 * it. CHECK answers "would this blob unseal now?"
 * without unsealing: it loads the object (then flushes it), compares the
 * PCRs and reads the lockout state; it is an error only for a malformed
 * blob or a TPM failure. The out fields are written on failure too,
 * except for EINVAL (a malformed request or blob) and EFAULT.
 */
struct kvault_key_seal {
	__u32 size;
	__u32 flags;
	__s32 id;
	__u16 pcr_bank;
	__u16 reserved0;
	__u32 pcr_mask;
	__u32 pin_len;
	__aligned_u64 pin;
	__aligned_u64 pcr_values;
	__u32 pcr_values_len;
	__u32 blob_len;
	__aligned_u64 blob;
	char name[KVAULT_KEY_NAME_MAX];
	__u32 pcr_mismatch;
	__u32 lockout_seconds;
	__u32 tpm_rc;
	__u32 status;
	__aligned_u64 reserved[4];
};

#define KVAULT_KEY_SEAL_SIZE_VER0	232

#define KVAULT_IOC_KEY_SEAL		_IOWR(KVAULT_IOC_MAGIC, 0x20, struct kvault_key_seal)
#define KVAULT_IOC_KEY_RESEAL		_IOWR(KVAULT_IOC_MAGIC, 0x21, struct kvault_key_seal)
#define KVAULT_IOC_KEY_LOAD		_IOWR(KVAULT_IOC_MAGIC, 0x22, struct kvault_key_seal)
#define KVAULT_IOC_KEY_CHECK		_IOWR(KVAULT_IOC_MAGIC, 0x23, struct kvault_key_seal)

/**
 * struct kvault_pcr_extend - KVAULT_IOC_PCR_EXTEND argument
 * @size:      in: sizeof(struct kvault_pcr_extend); out: bytes written
 * @flags:     in: must be 0
 * @pcr:       in: the PCR to extend, 0..KVAULT_PCR_COUNT - 1
 * @reserved0: must be zero
 * @reserved:  must be zero
 *
 * The boot lock: extends @pcr in every allocated bank with the digest of
 * the string "kvault boot lock" (in that bank's hash), then refuses every
 * seal, load and reseal (EPERM) until the module is loaded again. After
 * the boot-time unlock, extending a PCR that sealed keys' policies name
 * makes a second unseal in the same boot impossible, whoever asks the TPM:
 * the TPM itself no longer matches the policy. PCRs 16 and 23 can be reset
 * from locality 0, so lock with another one (e.g. 15) where that matters.
 */
struct kvault_pcr_extend {
	__u32 size;
	__u32 flags;
	__u32 pcr;
	__u32 reserved0;
	__aligned_u64 reserved[2];
};

#define KVAULT_PCR_EXTEND_SIZE_VER0	32

#define KVAULT_IOC_PCR_EXTEND		_IOWR(KVAULT_IOC_MAGIC, 0x03, struct kvault_pcr_extend)

/*
 * Generic netlink family "kvault"
 * -------------------------------
 * Resolve the family id with CTRL_CMD_GETFAMILY on KVAULT_GENL_NAME. Every
 * request and dump needs CAP_SYS_ADMIN, of the sender and of the socket's
 * opener (EPERM, extack "CAP_SYS_ADMIN is required"). In order: a caller
 * without CAP_NET_ADMIN is refused with EPERM before anything is parsed
 * (the genl core's admin check); the request is then validated; then
 * CAP_SYS_ADMIN is checked. So a caller with CAP_NET_ADMIN but without
 * CAP_SYS_ADMIN gets EINVAL for a malformed request and EPERM for a valid
 * one.
 * Requests are validated strictly: an attribute that is unknown, not
 * accepted by that command, or of the wrong length is rejected with EINVAL
 * and an extack message naming it. Required attributes that are missing
 * give EINVAL with a message too. Trailing garbage after the attributes is
 * rejected too.
 *
 * Every attribute below is listed with its type. Attributes marked "reply"
 * are only sent by the kernel and are refused in requests.
 */
#define KVAULT_GENL_NAME		"kvault"
#define KVAULT_GENL_VERSION		KVAULT_ABI_VERSION

/**
 * enum kvault_genl_cmd - generic netlink commands
 * @KVAULT_CMD_UNSPEC:   never used
 * @KVAULT_CMD_STATUS:   request: optional KVAULT_A_FLAGS (must be 0).
 *                       reply: KVAULT_A_ABI_VERSION, KVAULT_A_MODULE_VERSION,
 *                       KVAULT_A_TPM_FLAGS and, with a TPM 2.0,
 *                       KVAULT_A_TPM_MANUFACTURER, KVAULT_A_TPM_VENDOR,
 *                       KVAULT_A_TPM_FW_VERSION, KVAULT_A_PCR_BANKS.
 *                       Since the key commands: also KVAULT_A_KEYRING_ID
 *                       and KVAULT_A_NR_KEYS, with or without a TPM.
 * @KVAULT_CMD_PCR_READ: request: KVAULT_A_PCR_BANK and KVAULT_A_PCR_MASK
 *                       (both required), optional KVAULT_A_FLAGS (must be
 *                       0). reply: KVAULT_A_PCR_BANK, KVAULT_A_PCR_MASK,
 *                       KVAULT_A_PCR_DIGEST_SIZE, KVAULT_A_PCR_UPDATE_COUNTER
 *                       and KVAULT_A_PCR_VALUES. Errors as for
 *                       KVAULT_IOC_PCR_READ.
 * @KVAULT_CMD_KEY_GET:  doit request: exactly one of KVAULT_A_KEY_ID and
 *                       KVAULT_A_KEY_NAME, optional KVAULT_A_FLAGS (0).
 *                       reply: the key's metadata (below). Errors as for
 *                       the key ioctls (ENOENT, ENOKEY, EKEYREVOKED...).
 *                       With NLM_F_DUMP (request: optional KVAULT_A_FLAGS
 *                       only): one KVAULT_CMD_KEY_GET message per key, in
 *                       ascending ID order, paged; keys created or removed
 *                       during the dump may or may not appear, no key
 *                       appears twice. Metadata: KVAULT_A_KEY_ID,
 *                       KVAULT_A_KEY_NAME, KVAULT_A_KEY_ALG,
 *                       KVAULT_A_KEY_LEN, KVAULT_A_KEY_USAGE,
 *                       KVAULT_A_KEY_ATTRS, KVAULT_A_KEY_STATE,
 *                       KVAULT_A_KEY_VERSION, KVAULT_A_KEY_MIN_VERSION,
 *                       KVAULT_A_KEY_CTIME, KVAULT_A_KEY_USE_COUNT,
 *                       KVAULT_A_KEY_LAST_USE, KVAULT_A_KEY_TRANSFORMS,
 *                       KVAULT_A_KEY_CONSUMERS and, for a destroy-pending
 *                       key, KVAULT_A_KEY_DESTROY_TIME, for a published
 *                       one, KVAULT_A_KEY_MIRROR_ID. Revoked and expired
 *                       keys are reported (with their attribute bits),
 *                       not refused, by the dump.
 * @KVAULT_CMD_KEY_EVENT: only sent by the kernel, to the multicast group
 *                       KVAULT_MCGRP_EVENTS: KVAULT_A_EVENT_SEQ,
 *                       KVAULT_A_EVENT_OP, KVAULT_A_KEY_ID,
 *                       KVAULT_A_KEY_NAME, KVAULT_A_KEY_VERSION,
 *                       KVAULT_A_EVENT_UID, KVAULT_A_EVENT_PID,
 *                       KVAULT_A_EVENT_TIME. A request gives EOPNOTSUPP.
 * @__KVAULT_CMD_MAX:    internal
 *
 * Joining KVAULT_MCGRP_EVENTS needs CAP_SYS_ADMIN. One event is sent per
 * lifecycle change, after the change, in the order the changes happened
 * (KVAULT_A_EVENT_SEQ counts up by one per event, listeners or not). For
 * "expired" the vault notices expiry lazily: the first key ioctl, GET or
 * DUMP that meets an expired key sends it (and wipes the material); a key
 * the keyring core collects without anyone asking gets "destroyed" only.
 * Keys collected by the keyring core (unlinked, invalidated, revoked or
 * expired, then garbage-collected) get "destroyed" with uid and pid 0.
 * Unloading the module wipes every key without sending events.
 */
enum kvault_genl_cmd {
	KVAULT_CMD_UNSPEC,
	KVAULT_CMD_STATUS,
	KVAULT_CMD_PCR_READ,
	KVAULT_CMD_KEY_GET,
	KVAULT_CMD_KEY_EVENT,
	__KVAULT_CMD_MAX,
};

#define KVAULT_CMD_MAX (__KVAULT_CMD_MAX - 1)

/**
 * enum kvault_genl_attr - generic netlink attributes
 * @KVAULT_A_UNSPEC:             never used
 * @KVAULT_A_FLAGS:              u32, request flags; must be 0 for now
 * @KVAULT_A_ABI_VERSION:        u32, reply: KVAULT_ABI_VERSION
 * @KVAULT_A_MODULE_VERSION:     NUL-terminated string, reply
 * @KVAULT_A_TPM_FLAGS:          u32, reply: KVAULT_TPM_* bits
 * @KVAULT_A_TPM_MANUFACTURER:   u32, reply: as kvault_status.tpm_manufacturer
 * @KVAULT_A_TPM_VENDOR:         NUL-terminated string, reply
 * @KVAULT_A_TPM_FW_VERSION:     u64, reply: firmware version 1 in the upper
 *                               and version 2 in the lower 32 bits
 * @KVAULT_A_PCR_BANKS:          nested, reply: one KVAULT_A_PCR_BANK_INFO
 *                               per allocated bank
 * @KVAULT_A_PCR_BANK_INFO:      nested, reply: KVAULT_A_PCR_BANK and
 *                               KVAULT_A_PCR_DIGEST_SIZE of one bank
 * @KVAULT_A_PCR_BANK:           u16, TCG algorithm identifier of a bank
 * @KVAULT_A_PCR_MASK:           u32, PCR selection, bit N for PCR N
 * @KVAULT_A_PCR_DIGEST_SIZE:    u16, reply: size of one value of the bank
 * @KVAULT_A_PCR_UPDATE_COUNTER: u32, reply: TPM pcrUpdateCounter
 * @KVAULT_A_PCR_VALUES:         nested, reply: one KVAULT_A_PCR_VALUE per
 *                               selected PCR, in ascending order
 * @KVAULT_A_PCR_VALUE:          nested, reply: KVAULT_A_PCR_INDEX and
 *                               KVAULT_A_PCR_DIGEST of one PCR
 * @KVAULT_A_PCR_INDEX:          u32, reply: PCR number
 * @KVAULT_A_PCR_DIGEST:         binary, reply: PCR value, digest-size bytes
 * @KVAULT_A_PAD:                padding for 64-bit attributes
 * @KVAULT_A_KEYRING_ID:         u32, reply to STATUS: kvault_status.keyring_id
 * @KVAULT_A_NR_KEYS:            u32, reply to STATUS: kvault_status.nr_keys
 * @KVAULT_A_KEY_ID:             u32, a key's ID (serial), non-zero
 * @KVAULT_A_KEY_NAME:           NUL-terminated string, a key's name
 *                               (at most KVAULT_KEY_NAME_MAX with the NUL)
 * @KVAULT_A_KEY_ALG:            u32, reply: KVAULT_ALG_*
 * @KVAULT_A_KEY_LEN:            u32, reply: material length in bytes
 * @KVAULT_A_KEY_USAGE:          u32, reply: KVAULT_USAGE_* bits
 * @KVAULT_A_KEY_ATTRS:          u32, reply: KVAULT_KEY_* attribute bits
 * @KVAULT_A_KEY_STATE:          u32, reply: KVAULT_KEY_STATE_*
 * @KVAULT_A_KEY_VERSION:        u32, reply: current version
 * @KVAULT_A_KEY_MIN_VERSION:    u32, reply: minimum version
 * @KVAULT_A_KEY_CTIME:          u64, reply: creation time, CLOCK_REALTIME ns
 * @KVAULT_A_KEY_DESTROY_TIME:   u64, reply: destroy deadline, CLOCK_REALTIME ns
 * @KVAULT_A_KEY_USE_COUNT:      u64, reply: operations done with the key
 * @KVAULT_A_KEY_LAST_USE:       u64, reply: time of the last one (0: never)
 * @KVAULT_A_EVENT_SEQ:          u64, event: sequence number, from 1
 * @KVAULT_A_EVENT_OP:           u32, event: KVAULT_EVENT_*
 * @KVAULT_A_EVENT_UID:          u32, event: uid (init namespace) of the task
 *                               that caused it (0 for the kernel itself)
 * @KVAULT_A_EVENT_PID:          u32, event: its pid (init namespace; 0 for
 *                               the kernel's own work, e.g. a deadline)
 * @KVAULT_A_EVENT_TIME:         u64, event: CLOCK_REALTIME ns
 * @KVAULT_A_KEY_TRANSFORMS:     u32, reply: crypto API transforms keyed
 *                               with the key now
 * @KVAULT_A_KEY_CONSUMERS:      nested, reply: one KVAULT_A_CONSUMER per
 *                               consumer kind, zero counts included
 * @KVAULT_A_CONSUMER:           nested, reply: KVAULT_A_CONSUMER_KIND,
 *                               KVAULT_A_CONSUMER_OPS, KVAULT_A_CONSUMER_BYTES
 * @KVAULT_A_CONSUMER_KIND:      u32, reply: KVAULT_CONSUMER_*
 * @KVAULT_A_CONSUMER_OPS:       u64, reply: requests through the templates
 * @KVAULT_A_CONSUMER_BYTES:     u64, reply: bytes they processed
 * @KVAULT_A_KEY_MIRROR_ID:      u32, reply: the logon mirror's ID, when
 *                               the key is published
 * @__KVAULT_A_MAX:              internal
 */
enum kvault_genl_attr {
	KVAULT_A_UNSPEC,
	KVAULT_A_FLAGS,
	KVAULT_A_ABI_VERSION,
	KVAULT_A_MODULE_VERSION,
	KVAULT_A_TPM_FLAGS,
	KVAULT_A_TPM_MANUFACTURER,
	KVAULT_A_TPM_VENDOR,
	KVAULT_A_TPM_FW_VERSION,
	KVAULT_A_PCR_BANKS,
	KVAULT_A_PCR_BANK_INFO,
	KVAULT_A_PCR_BANK,
	KVAULT_A_PCR_MASK,
	KVAULT_A_PCR_DIGEST_SIZE,
	KVAULT_A_PCR_UPDATE_COUNTER,
	KVAULT_A_PCR_VALUES,
	KVAULT_A_PCR_VALUE,
	KVAULT_A_PCR_INDEX,
	KVAULT_A_PCR_DIGEST,
	KVAULT_A_PAD,
	KVAULT_A_KEYRING_ID,
	KVAULT_A_NR_KEYS,
	KVAULT_A_KEY_ID,
	KVAULT_A_KEY_NAME,
	KVAULT_A_KEY_ALG,
	KVAULT_A_KEY_LEN,
	KVAULT_A_KEY_USAGE,
	KVAULT_A_KEY_ATTRS,
	KVAULT_A_KEY_STATE,
	KVAULT_A_KEY_VERSION,
	KVAULT_A_KEY_MIN_VERSION,
	KVAULT_A_KEY_CTIME,
	KVAULT_A_KEY_DESTROY_TIME,
	KVAULT_A_KEY_USE_COUNT,
	KVAULT_A_KEY_LAST_USE,
	KVAULT_A_EVENT_SEQ,
	KVAULT_A_EVENT_OP,
	KVAULT_A_EVENT_UID,
	KVAULT_A_EVENT_PID,
	KVAULT_A_EVENT_TIME,
	KVAULT_A_KEY_TRANSFORMS,
	KVAULT_A_KEY_CONSUMERS,
	KVAULT_A_CONSUMER,
	KVAULT_A_CONSUMER_KIND,
	KVAULT_A_CONSUMER_OPS,
	KVAULT_A_CONSUMER_BYTES,
	KVAULT_A_KEY_MIRROR_ID,
	__KVAULT_A_MAX,
};

#define KVAULT_A_MAX (__KVAULT_A_MAX - 1)

/* Multicast group of lifecycle events (KVAULT_CMD_KEY_EVENT). */
#define KVAULT_MCGRP_EVENTS		"events"

/* KVAULT_A_EVENT_OP */
#define KVAULT_EVENT_CREATED		1
#define KVAULT_EVENT_ROTATED		2
#define KVAULT_EVENT_ENABLED		3
#define KVAULT_EVENT_DISABLED		4
#define KVAULT_EVENT_DESTROY_SCHEDULED	5
#define KVAULT_EVENT_DESTROY_CANCELLED	6
#define KVAULT_EVENT_DESTROYED		7
#define KVAULT_EVENT_REVOKED		8
#define KVAULT_EVENT_EXPIRED		9
#define KVAULT_EVENT_MIN_VERSION	10	/* minimum version raised */
#define KVAULT_EVENT_TIGHTENED		11	/* one-way attribute cleared */
#define KVAULT_EVENT_SEALED		12	/* sealed or resealed */

#endif /* _UAPI_LINUX_KVAULT_H */
