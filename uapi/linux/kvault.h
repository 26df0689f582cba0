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
};

#define KVAULT_STATUS_SIZE_VER0		184

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
 * Generic netlink family "kvault"
 * -------------------------------
 * Resolve the family id with CTRL_CMD_GETFAMILY on KVAULT_GENL_NAME. Every
 * request is a doit request and needs CAP_SYS_ADMIN (EPERM otherwise).
 * Requests are validated strictly: an attribute that is unknown, not
 * accepted by that command, of the wrong length
 * is rejected with EINVAL and an extack message naming it. Required
 * attributes that are missing give EINVAL with a message too.
 * Trailing garbage after the attributes is rejected too.
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
 * @KVAULT_CMD_PCR_READ: request: KVAULT_A_PCR_BANK and KVAULT_A_PCR_MASK
 *                       (both required), optional KVAULT_A_FLAGS (must be
 *                       0). reply: KVAULT_A_PCR_BANK, KVAULT_A_PCR_MASK,
 *                       KVAULT_A_PCR_DIGEST_SIZE, KVAULT_A_PCR_UPDATE_COUNTER
 *                       and KVAULT_A_PCR_VALUES. Errors as for
 *                       KVAULT_IOC_PCR_READ.
 * @__KVAULT_CMD_MAX:    internal
 */
enum kvault_genl_cmd {
	KVAULT_CMD_UNSPEC,
	KVAULT_CMD_STATUS,
	KVAULT_CMD_PCR_READ,
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
	__KVAULT_A_MAX,
};

#define KVAULT_A_MAX (__KVAULT_A_MAX - 1)

#endif /* _UAPI_LINUX_KVAULT_H */
