// SPDX-License-Identifier: GPL-2.0
/*
 * kvault: a kernel key vault bound to the TPM's measured-boot state.
 * Load and unload only; each interface lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "kvault.h"

static int __init kvault_init(void)
{
	int rc;

	rc = kvault_vault_init();
	if (rc)
		return rc;
	rc = kvault_chardev_init();
	if (rc)
		goto err_vault;
	rc = kvault_genl_init();
	if (rc)
		goto err_chardev;
	rc = kvault_crypto_init();
	if (rc)
		goto err_genl;
	pr_info("kvault %s loaded (ABI %u)\n", KVAULT_VERSION,
		KVAULT_ABI_VERSION);
	return 0;

err_genl:
	kvault_genl_exit();
err_chardev:
	kvault_chardev_exit();
err_vault:
	kvault_vault_exit();
	return rc;
}

/*
 * The interfaces go first (the crypto template has no transform left: each
 * one holds a reference on the module); then the vault, wiping every key still alive
 * (and sending their "destroyed" events to nobody: the family is gone);
 * last the SRK kvault created in the TPM is flushed.
 */
static void __exit kvault_exit(void)
{
	kvault_crypto_exit();
	kvault_genl_exit();
	kvault_chardev_exit();
	kvault_vault_exit();
	kvault_tpm_exit();
}

module_init(kvault_init);
module_exit(kvault_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kvault: TPM-bound kernel key vault");
MODULE_AUTHOR("The kvault developers");
MODULE_VERSION(KVAULT_VERSION);
