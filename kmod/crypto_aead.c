// SPDX-License-Identifier: GPL-2.0
/*
 * kvault(AEAD), e.g. kvault(gcm(aes)) or kvault(rfc4106(gcm(aes))): the
 * inner AEAD keyed by reference (for rfc4106 the reference is followed by
 * the 4-byte salt). Each request is checked against the key's state,
 * counted, and passed on as a subrequest in the request's context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/internal/aead.h>
#include <linux/err.h>
#include <linux/slab.h>

#include "compat.h"
#include "kvault.h"
#include "crypto.h"

struct kvault_aead_inst_ctx {
	struct crypto_aead_spawn spawn;
	struct kvault_fit fit;
};

struct kvault_aead_ctx {
	struct crypto_aead *inner;
	struct kvault_binding b;
};

/* kvault_bind()'s way to key the inner transform: material || tail. */
static int kvault_aead_setkey_inner(void *arg, const u8 *key, unsigned int len)
{
	struct kvault_aead_ctx *ctx = arg;

	return crypto_aead_setkey(ctx->inner, key, len);
}

static int kvault_aead_setkey(struct crypto_aead *tfm, const u8 *ref,
			      unsigned int len)
{
	struct kvault_aead_ctx *ctx = crypto_aead_ctx(tfm);

	/* the caller's request flags (CRYPTO_TFM_REQ_FORBID_WEAK_KEYS) */
	crypto_aead_clear_flags(ctx->inner, CRYPTO_TFM_REQ_MASK);
	crypto_aead_set_flags(ctx->inner, crypto_aead_get_flags(tfm) &
					  CRYPTO_TFM_REQ_MASK);
	return kvault_bind(&ctx->b, ref, len, kvault_aead_setkey_inner, ctx);
}

static int kvault_aead_setauthsize(struct crypto_aead *tfm,
				   unsigned int authsize)
{
	struct kvault_aead_ctx *ctx = crypto_aead_ctx(tfm);

	return crypto_aead_setauthsize(ctx->inner, authsize);
}

static void kvault_aead_done(KVAULT_CRYPTO_DONE_ARG arg, int err)
{
	struct aead_request *req = kvault_crypto_done_data(arg);

	aead_request_complete(req, err);
}

/* The subrequest for @req, or an ERR_PTR if its key is no longer usable. */
static struct aead_request *kvault_aead_subreq(struct aead_request *req)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);
	const struct kvault_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct aead_request *subreq = aead_request_ctx(req);
	int rc;

	rc = kvault_binding_check(&ctx->b);
	if (rc)
		return ERR_PTR(rc);
	kvault_binding_count(&ctx->b, 1, req->cryptlen);

	aead_request_set_tfm(subreq, ctx->inner);
	aead_request_set_callback(subreq, aead_request_flags(req),
				  kvault_aead_done, req);
	aead_request_set_crypt(subreq, req->src, req->dst, req->cryptlen,
			       req->iv);
	aead_request_set_ad(subreq, req->assoclen);
	return subreq;
}

static int kvault_aead_encrypt(struct aead_request *req)
{
	struct aead_request *subreq = kvault_aead_subreq(req);

	if (IS_ERR(subreq))
		return PTR_ERR(subreq);
	return crypto_aead_encrypt(subreq);
}

static int kvault_aead_decrypt(struct aead_request *req)
{
	struct aead_request *subreq = kvault_aead_subreq(req);

	if (IS_ERR(subreq))
		return PTR_ERR(subreq);
	return crypto_aead_decrypt(subreq);
}

static int kvault_aead_init_tfm(struct crypto_aead *tfm)
{
	struct aead_instance *inst = aead_alg_instance(tfm);
	struct kvault_aead_inst_ctx *ictx = aead_instance_ctx(inst);
	struct kvault_aead_ctx *ctx = crypto_aead_ctx(tfm);
	struct crypto_aead *inner;

	inner = crypto_spawn_aead(&ictx->spawn);
	if (IS_ERR(inner))
		return PTR_ERR(inner);
	ctx->inner = inner;
	ctx->b.fit = ictx->fit;
	crypto_aead_set_reqsize(tfm, sizeof(struct aead_request) +
				     crypto_aead_reqsize(inner));
	return 0;
}

static void kvault_aead_exit_tfm(struct crypto_aead *tfm)
{
	struct kvault_aead_ctx *ctx = crypto_aead_ctx(tfm);

	kvault_unbind(&ctx->b);
	crypto_free_aead(ctx->inner);
}

static void kvault_aead_free(struct aead_instance *inst)
{
	struct kvault_aead_inst_ctx *ictx = aead_instance_ctx(inst);

	crypto_drop_aead(&ictx->spawn);
	kfree(inst);
}

int kvault_aead_create(struct crypto_template *tmpl, const char *inner,
		       u32 mask)
{
	struct kvault_aead_inst_ctx *ictx;
	struct aead_instance *inst;
	struct aead_alg *ialg;
	int rc;

	inst = kzalloc(sizeof(*inst) + sizeof(*ictx), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	ictx = aead_instance_ctx(inst);

	rc = crypto_grab_aead(&ictx->spawn, aead_crypto_instance(inst), inner,
			      0, mask);
	if (rc)
		goto err_free;
	ialg = crypto_spawn_aead_alg(&ictx->spawn);
	rc = kvault_crypto_inst_init(aead_crypto_instance(inst), &ialg->base,
				     &ictx->fit, sizeof(struct kvault_aead_ctx));
	if (rc)
		goto err_free;

	inst->alg.ivsize = crypto_aead_alg_ivsize(ialg);
	inst->alg.maxauthsize = crypto_aead_alg_maxauthsize(ialg);
	inst->alg.chunksize = crypto_aead_alg_chunksize(ialg);
	inst->alg.setkey = kvault_aead_setkey;
	inst->alg.setauthsize = kvault_aead_setauthsize;
	inst->alg.encrypt = kvault_aead_encrypt;
	inst->alg.decrypt = kvault_aead_decrypt;
	inst->alg.init = kvault_aead_init_tfm;
	inst->alg.exit = kvault_aead_exit_tfm;
	inst->free = kvault_aead_free;

	rc = aead_register_instance(tmpl, inst);
	if (rc)
		goto err_free;
	return 0;

err_free:
	kvault_aead_free(inst);
	return rc;
}
