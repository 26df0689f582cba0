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

#ifdef __cplusplus
}
#endif

#endif /* LIBKVAULT_H */
