/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "kvault" crypto template: crypto_template.c registers it and hands
 * each instantiation to the file of its algorithm type, crypto_skcipher.c,
 * crypto_aead.c or crypto_hash.c. Each instance wraps one inner algorithm
 * and embeds a struct kvault_binding (kvault.h, keyref.c) in its
 * transforms.
 */
#ifndef _KVAULT_CRYPTO_H
#define _KVAULT_CRYPTO_H

#include <linux/types.h>

struct crypto_alg;
struct crypto_instance;
struct crypto_template;
struct kvault_fit;

/*
 * Instantiate kvault(@inner) of one type; @mask restricts the flags of
 * the inner algorithm (crypto_algt_inherited_mask()).
 */
int kvault_skcipher_create(struct crypto_template *tmpl, const char *inner,
			   u32 mask);
int kvault_aead_create(struct crypto_template *tmpl, const char *inner,
		       u32 mask);
int kvault_shash_create(struct crypto_template *tmpl, const char *inner,
			u32 mask);

/* crypto_template.c: what every type's instance takes from its inner one */
int kvault_crypto_inst_init(struct crypto_instance *inst,
			    struct crypto_alg *inner, struct kvault_fit *fit,
			    unsigned int ctxsize);

#endif /* _KVAULT_CRYPTO_H */
