/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels kvault supports (Debian 12's 6.1 and
 * 6.12) lives here, so the rest of the code reads as if there were one.
 */
#ifndef _KVAULT_COMPAT_H
#define _KVAULT_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <net/genetlink.h>
#include <crypto/internal/skcipher.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* class_create() lost its owner argument in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define kvault_class_create(name) class_create(name)
#else
#define kvault_class_create(name) class_create(THIS_MODULE, name)
#endif

/* device_type.devnode() takes a const device since 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define KVAULT_DEVNODE_CONST const
#else
#define KVAULT_DEVNODE_CONST
#endif

/*
 * A dump's parsed request attributes: genl_dumpit_info() held them itself
 * until 6.6 moved them into a struct genl_info (genl_info_dump()).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define kvault_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define kvault_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/* genl pre_doit() is handed the split form of the ops since 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define KVAULT_GENL_PRE_DOIT_OPS struct genl_split_ops
#else
#define KVAULT_GENL_PRE_DOIT_OPS struct genl_ops
#endif

/*
 * A crypto request's completion callback is handed the request's data
 * pointer since 6.3, the request (whose ->data it is) before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define KVAULT_CRYPTO_DONE_ARG		void *
#define kvault_crypto_done_data(arg)	(arg)
#else
#define KVAULT_CRYPTO_DONE_ARG		struct crypto_async_request *
#define kvault_crypto_done_data(arg)	((arg)->data)
#endif

/*
 * An skcipher instance takes its inner algorithm's IV, chunk and walk
 * sizes. Since 6.7 an skcipher spawn may hold an lskcipher, of which only
 * the common part (struct skcipher_alg_common) is there to read: it has no
 * walk size, and its chunk size stands in for one.
 */
static inline void kvault_skcipher_inherit(struct skcipher_alg *alg,
					   struct crypto_skcipher_spawn *spawn)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	struct skcipher_alg_common *inner = crypto_spawn_skcipher_alg_common(spawn);
	unsigned int walksize = inner->chunksize;

	if ((inner->base.cra_flags & CRYPTO_ALG_TYPE_MASK) ==
	    CRYPTO_ALG_TYPE_SKCIPHER)
		walksize = container_of(inner, struct skcipher_alg, co)->walksize;
#else
	struct skcipher_alg *inner = crypto_spawn_skcipher_alg(spawn);
	unsigned int walksize = inner->walksize;
#endif

	alg->ivsize = inner->ivsize;
	alg->chunksize = inner->chunksize;
	alg->walksize = walksize;
}

#endif /* _KVAULT_COMPAT_H */
