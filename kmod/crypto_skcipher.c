// SPDX-License-Identifier: GPL-2.0
/*
 * kvault(SKCIPHER), e.g. kvault(xts(aes)) for dm-crypt: the inner skcipher
 * keyed by reference. Each request is checked against the key's state,
 * counted, and passed on as a subrequest in the request's context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/internal/skcipher.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/slab.h>

#include "compat.h"
#include "kvault.h"
#include "crypto.h"

struct kvault_skcipher_inst_ctx {
	struct crypto_skcipher_spawn spawn;
	struct kvault_fit fit;
};

struct kvault_skcipher_ctx {
	struct crypto_skcipher *inner;
	struct kvault_binding b;
};

/* kvault_bind()'s way to key the inner transform: material || tail. */
static int kvault_skcipher_setkey_inner(void *arg, const u8 *key,
					unsigned int len)
{
	struct kvault_skcipher_ctx *ctx = arg;

	return crypto_skcipher_setkey(ctx->inner, key, len);
}

static int kvault_skcipher_setkey(struct crypto_skcipher *tfm, const u8 *ref,
				  unsigned int len)
{
	struct kvault_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);

	/* the caller's request flags (CRYPTO_TFM_REQ_FORBID_WEAK_KEYS) */
	crypto_skcipher_clear_flags(ctx->inner, CRYPTO_TFM_REQ_MASK);
	crypto_skcipher_set_flags(ctx->inner, crypto_skcipher_get_flags(tfm) &
					      CRYPTO_TFM_REQ_MASK);
	return kvault_bind(&ctx->b, ref, len, kvault_skcipher_setkey_inner, ctx);
}

static void kvault_skcipher_done(KVAULT_CRYPTO_DONE_ARG arg, int err)
{
	struct skcipher_request *req = kvault_crypto_done_data(arg);

	skcipher_request_complete(req, err);
}

/* The subrequest for @req, or an ERR_PTR if its key is no longer usable. */
static struct skcipher_request *kvault_skcipher_subreq(struct skcipher_request *req)
{
	struct crypto_skcipher *tfm = crypto_skcipher_reqtfm(req);
	const struct kvault_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct skcipher_request *subreq = skcipher_request_ctx(req);
	int rc;

	rc = kvault_binding_check(&ctx->b);
	if (rc)
		return ERR_PTR(rc);
	kvault_binding_count(&ctx->b, 1, req->cryptlen);

	skcipher_request_set_tfm(subreq, ctx->inner);
	skcipher_request_set_callback(subreq, skcipher_request_flags(req),
				      kvault_skcipher_done, req);
	skcipher_request_set_crypt(subreq, req->src, req->dst, req->cryptlen,
				   req->iv);
	return subreq;
}

static int kvault_skcipher_encrypt(struct skcipher_request *req)
{
	struct skcipher_request *subreq = kvault_skcipher_subreq(req);

	if (IS_ERR(subreq))
		return PTR_ERR(subreq);
	return crypto_skcipher_encrypt(subreq);
}

static int kvault_skcipher_decrypt(struct skcipher_request *req)
{
	struct skcipher_request *subreq = kvault_skcipher_subreq(req);

	if (IS_ERR(subreq))
		return PTR_ERR(subreq);
	return crypto_skcipher_decrypt(subreq);
}

static int kvault_skcipher_init_tfm(struct crypto_skcipher *tfm)
{
	struct skcipher_instance *inst = skcipher_alg_instance(tfm);
	struct kvault_skcipher_inst_ctx *ictx = skcipher_instance_ctx(inst);
	struct kvault_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);
	struct crypto_skcipher *inner;

	inner = crypto_spawn_skcipher(&ictx->spawn);
	if (IS_ERR(inner))
		return PTR_ERR(inner);
	ctx->inner = inner;
	ctx->b.fit = ictx->fit;
	crypto_skcipher_set_reqsize(tfm, sizeof(struct skcipher_request) +
					 crypto_skcipher_reqsize(inner));
	return 0;
}

static void kvault_skcipher_exit_tfm(struct crypto_skcipher *tfm)
{
	struct kvault_skcipher_ctx *ctx = crypto_skcipher_ctx(tfm);

	kvault_unbind(&ctx->b);
	crypto_free_skcipher(ctx->inner);
}

static void kvault_skcipher_free(struct skcipher_instance *inst)
{
	struct kvault_skcipher_inst_ctx *ictx = skcipher_instance_ctx(inst);

	crypto_drop_skcipher(&ictx->spawn);
	kfree(inst);
}

int kvault_skcipher_create(struct crypto_template *tmpl, const char *inner,
			   u32 mask)
{
	struct kvault_skcipher_inst_ctx *ictx;
	struct skcipher_instance *inst;
	struct skcipher_alg *alg;
	int rc;

	inst = kzalloc(sizeof(*inst) + sizeof(*ictx), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	ictx = skcipher_instance_ctx(inst);
	alg = &inst->alg;

	rc = crypto_grab_skcipher(&ictx->spawn, skcipher_crypto_instance(inst),
				  inner, 0, mask);
	if (rc)
		goto err_free;
	rc = kvault_crypto_inst_init(skcipher_crypto_instance(inst),
				     ictx->spawn.base.alg, &ictx->fit,
				     sizeof(struct kvault_skcipher_ctx));
	if (rc)
		goto err_free;

	kvault_skcipher_inherit(alg, &ictx->spawn);
	/*
	 * A reference and its tail, not the inner algorithm's key. The
	 * crypto core refuses a length outside these bounds before our
	 * setkey runs, and then neither marks the transform as needing a
	 * key nor lets us wipe it: so no length is outside them, and every
	 * failed setkey reaches kvault_bind(), which wipes the inner key.
	 */
	alg->min_keysize = 0;
	alg->max_keysize = UINT_MAX;
	alg->setkey = kvault_skcipher_setkey;
	alg->encrypt = kvault_skcipher_encrypt;
	alg->decrypt = kvault_skcipher_decrypt;
	alg->init = kvault_skcipher_init_tfm;
	alg->exit = kvault_skcipher_exit_tfm;
	inst->free = kvault_skcipher_free;

	rc = skcipher_register_instance(tmpl, inst);
	if (rc)
		goto err_free;
	return 0;

err_free:
	kvault_skcipher_free(inst);
	return rc;
}
