// SPDX-License-Identifier: GPL-2.0
/*
 * The "kvault" crypto template: kvault(ALG) is ALG keyed by a key
 * reference (struct kvault_key_ref) instead of key bytes. This file
 * registers the template, sends each instantiation to its type's file and
 * holds what every instance takes from its inner algorithm; keyref.c
 * resolves references. The algorithms it accepts and the setkey errors:
 * uapi/linux/kvault.h, "Crypto API templates".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/err.h>
#include <linux/module.h>

#include "kvault.h"
#include "crypto.h"

/*
 * Does the type the caller asked for (@algt) admit @type? As
 * crypto_check_attr_type() decides, on the type bits only. The crypto
 * core's type masks admit more than one type: an ahash user
 * (crypto_alloc_ahash(), AF_ALG's hash sockets) asks for AHASH under a
 * mask that admits SHASH, and since 6.7 an skcipher user asks under one
 * that admits LSKCIPHER too (the SKCIPHER test comes first).
 */
static bool kvault_algt_admits(const struct crypto_attr_type *algt, u32 type)
{
	return !((algt->type ^ type) & algt->mask & CRYPTO_ALG_TYPE_MASK);
}

static int kvault_create(struct crypto_template *tmpl, struct rtattr **tb)
{
	struct crypto_attr_type *algt;
	const char *inner;
	u32 mask;

	algt = crypto_get_attr_type(tb);
	if (IS_ERR(algt))
		return PTR_ERR(algt);
	inner = crypto_attr_alg_name(tb[1]);
	if (IS_ERR(inner))
		return PTR_ERR(inner);
	/* e.g. dm-crypt's "no CRYPTO_ALG_ALLOCATES_MEMORY" holds inside too */
	mask = crypto_algt_inherited_mask(algt);

	if (kvault_algt_admits(algt, CRYPTO_ALG_TYPE_SKCIPHER))
		return kvault_skcipher_create(tmpl, inner, mask);
	if (kvault_algt_admits(algt, CRYPTO_ALG_TYPE_AEAD))
		return kvault_aead_create(tmpl, inner, mask);
	if (kvault_algt_admits(algt, CRYPTO_ALG_TYPE_SHASH))
		return kvault_shash_create(tmpl, inner, mask);
	return -EINVAL;
}

/**
 * kvault_crypto_inst_init - the type-independent part of an instance
 * @inst:    the instance, its spawn of @inner grabbed
 * @inner:   the inner algorithm
 * @fit:     filled with the keys that fit @inner
 * @ctxsize: the instance's transform context size
 *
 * Names the instance kvault(@inner) and gives it @inner's priority, block
 * size and alignment mask. Its flags are the ones crypto_grab_*() passed
 * on from @inner (CRYPTO_ALG_INHERITED_FLAGS): kvault adds none, so it
 * allocates memory in its data path exactly when @inner does.
 *
 * Return: 0; ENOENT for an algorithm no vault key fits (so crypto_alloc_*()
 * gives ENOENT, as for one the kernel lacks); ENAMETOOLONG.
 */
int kvault_crypto_inst_init(struct crypto_instance *inst,
			    struct crypto_alg *inner, struct kvault_fit *fit,
			    unsigned int ctxsize)
{
	int rc;

	rc = kvault_fit_lookup(inner->cra_name, fit);
	if (rc)
		return rc;
	rc = crypto_inst_setname(inst, "kvault", inner);
	if (rc)
		return rc;
	inst->alg.cra_priority = inner->cra_priority;
	inst->alg.cra_blocksize = inner->cra_blocksize;
	inst->alg.cra_alignmask = inner->cra_alignmask;
	inst->alg.cra_ctxsize = ctxsize;
	return 0;
}

static struct crypto_template kvault_tmpl = {
	.name = "kvault",
	.create = kvault_create,
	.module = THIS_MODULE,
};

int kvault_crypto_init(void)
{
	return crypto_register_template(&kvault_tmpl);
}

void kvault_crypto_exit(void)
{
	crypto_unregister_template(&kvault_tmpl);
}
