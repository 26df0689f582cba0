/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between kvault's source files. Each file owns one
 * concern: main.c load/unload, chardev.c the /dev/kvault ioctls, netlink.c
 * the generic netlink family, tpm.c every conversation with the TPM.
 */
#ifndef _KVAULT_H
#define _KVAULT_H

#include <linux/types.h>
#include <uapi/linux/kvault.h>

#define KVAULT_VERSION "0.1.0"

struct netlink_ext_ack;

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

int kvault_chardev_init(void);
void kvault_chardev_exit(void);

int kvault_genl_init(void);
void kvault_genl_exit(void);

#endif /* _KVAULT_H */
