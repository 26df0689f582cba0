// SPDX-License-Identifier: GPL-2.0
/*
 * kvault(HASH), e.g. kvault(hmac(sha256)): the inner keyed shash keyed by
 * reference. It is an shash, so it serves ahash users too (the crypto API
 * wraps an shash for crypto_alloc_ahash(), as for AF_ALG's hash sockets).
 *
 * Our descriptor's context is the inner algorithm's descriptor. Every
 * step is checked against the key's state; a message counts once, its
 * bytes as they are hashed and one operation when it ends (final, finup,
 * digest), however many updates it took.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/internal/hash.h>
#include <linux/err.h>
#include <linux/slab.h>

#include "compat.h"
#include "kvault.h"
#include "crypto.h"

struct kvault_shash_inst_ctx {
	struct crypto_shash_spawn spawn;
	struct kvault_fit fit;
};

struct kvault_shash_ctx {
	struct crypto_shash *inner;
	struct kvault_binding b;
};

/* The inner descriptor, in our descriptor's context. */
static struct shash_desc *kvault_shash_subdesc(struct shash_desc *desc)
{
	const struct kvault_shash_ctx *ctx = crypto_shash_ctx(desc->tfm);
	struct shash_desc *subdesc = shash_desc_ctx(desc);

	subdesc->tfm = ctx->inner;
	return subdesc;
}

/*
 * May a step of @len bytes go on? Counts it if so: its bytes, and the
 * message's one operation if the step @ends it.
 */
static int kvault_shash_admit(struct shash_desc *desc, unsigned int len,
			      bool ends)
{
	const struct kvault_shash_ctx *ctx = crypto_shash_ctx(desc->tfm);
	const struct kvault_binding *b = &ctx->b;
	int rc;

	rc = kvault_binding_check(b);
	if (rc)
		return rc;
	kvault_binding_count(b, ends, len);
	return 0;
}

/* kvault_bind()'s way to key the inner transform. */
static int kvault_shash_setkey_inner(void *arg, const u8 *key, unsigned int len)
{
	struct kvault_shash_ctx *ctx = arg;

	return crypto_shash_setkey(ctx->inner, key, len);
}

static int kvault_shash_setkey(struct crypto_shash *tfm, const u8 *ref,
			       unsigned int len)
{
	struct kvault_shash_ctx *ctx = crypto_shash_ctx(tfm);

	return kvault_bind(&ctx->b, ref, len, kvault_shash_setkey_inner, ctx);
}

static int kvault_shash_init(struct shash_desc *desc)
{
	return kvault_shash_admit(desc, 0, false) ?:
	       crypto_shash_init(kvault_shash_subdesc(desc));
}

static int kvault_shash_update(struct shash_desc *desc, const u8 *data,
			       unsigned int len)
{
	return kvault_shash_admit(desc, len, false) ?:
	       crypto_shash_update(shash_desc_ctx(desc), data, len);
}

static int kvault_shash_final(struct shash_desc *desc, u8 *out)
{
	return kvault_shash_admit(desc, 0, true) ?:
	       crypto_shash_final(shash_desc_ctx(desc), out);
}

static int kvault_shash_finup(struct shash_desc *desc, const u8 *data,
			      unsigned int len, u8 *out)
{
	return kvault_shash_admit(desc, len, true) ?:
	       crypto_shash_finup(shash_desc_ctx(desc), data, len, out);
}

static int kvault_shash_digest(struct shash_desc *desc, const u8 *data,
			       unsigned int len, u8 *out)
{
	return kvault_shash_admit(desc, len, true) ?:
	       crypto_shash_digest(kvault_shash_subdesc(desc), data, len, out);
}

/* The state is the inner algorithm's (an HMAC's is its hash's). */
static int kvault_shash_export(struct shash_desc *desc, void *out)
{
	return crypto_shash_export(shash_desc_ctx(desc), out);
}

static int kvault_shash_import(struct shash_desc *desc, const void *in)
{
	return crypto_shash_import(kvault_shash_subdesc(desc), in);
}

static int kvault_shash_init_tfm(struct crypto_shash *tfm)
{
	struct shash_instance *inst = shash_alg_instance(tfm);
	struct kvault_shash_inst_ctx *ictx = shash_instance_ctx(inst);
	struct kvault_shash_ctx *ctx = crypto_shash_ctx(tfm);
	struct crypto_shash *inner;

	inner = crypto_spawn_shash(&ictx->spawn);
	if (IS_ERR(inner))
		return PTR_ERR(inner);
	ctx->inner = inner;
	ctx->b.fit = ictx->fit;
	/* the inner transform's may exceed its algorithm's (hmac's does) */
	tfm->descsize = sizeof(struct shash_desc) + crypto_shash_descsize(inner);
	return 0;
}

static void kvault_shash_exit_tfm(struct crypto_shash *tfm)
{
	struct kvault_shash_ctx *ctx = crypto_shash_ctx(tfm);

	kvault_unbind(&ctx->b);
	crypto_free_shash(ctx->inner);
}

static void kvault_shash_free(struct shash_instance *inst)
{
	struct kvault_shash_inst_ctx *ictx = shash_instance_ctx(inst);

	crypto_drop_shash(&ictx->spawn);
	kfree(inst);
}

int kvault_shash_create(struct crypto_template *tmpl, const char *inner,
			u32 mask)
{
	struct kvault_shash_inst_ctx *ictx;
	struct shash_instance *inst;
	struct shash_alg *ialg;
	int rc;

	inst = kzalloc(sizeof(*inst) + sizeof(*ictx), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	ictx = shash_instance_ctx(inst);

	rc = crypto_grab_shash(&ictx->spawn, shash_crypto_instance(inst), inner,
			       0, mask);
	if (rc)
		goto err_free;
	ialg = crypto_spawn_shash_alg(&ictx->spawn);
	rc = kvault_crypto_inst_init(shash_crypto_instance(inst), &ialg->base,
				     &ictx->fit, sizeof(struct kvault_shash_ctx));
	if (rc)
		goto err_free;

	inst->alg.digestsize = ialg->digestsize;
	inst->alg.statesize = ialg->statesize;
	inst->alg.descsize = sizeof(struct shash_desc) + ialg->descsize;
	inst->alg.init = kvault_shash_init;
	inst->alg.update = kvault_shash_update;
	inst->alg.final = kvault_shash_final;
	inst->alg.finup = kvault_shash_finup;
	inst->alg.digest = kvault_shash_digest;
	inst->alg.export = kvault_shash_export;
	inst->alg.import = kvault_shash_import;
	inst->alg.setkey = kvault_shash_setkey;
	inst->alg.init_tfm = kvault_shash_init_tfm;
	inst->alg.exit_tfm = kvault_shash_exit_tfm;
	inst->free = kvault_shash_free;

	rc = shash_register_instance(tmpl, inst);
	if (rc)
		goto err_free;
	return 0;

err_free:
	kvault_shash_free(inst);
	return rc;
}
