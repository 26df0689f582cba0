// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of algorithms, usages, attributes, states and events, spelt as
 * <linux/kvault.h> and the keyctl payload grammar spell them. Pure
 * functions: no handle, no kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define USAGE_CIPHER	(KVAULT_USAGE_ENCRYPT | KVAULT_USAGE_DECRYPT | \
			 KVAULT_USAGE_CRYPTO_API)
#define USAGE_MAC	(KVAULT_USAGE_SIGN | KVAULT_USAGE_VERIFY | \
			 KVAULT_USAGE_CRYPTO_API)
#define USAGE_WRAPPING	(KVAULT_USAGE_WRAP | KVAULT_USAGE_UNWRAP)

static const struct {
	const char *name;		/* NULL: no such algorithm */
	uint32_t usage;
} algs[] = {
	[KVAULT_ALG_AES_128]	 = { "aes-128",	    USAGE_CIPHER | USAGE_WRAPPING },
	[KVAULT_ALG_AES_256]	 = { "aes-256",	    USAGE_CIPHER | USAGE_WRAPPING },
	[KVAULT_ALG_AES_XTS_256] = { "aes-xts-256", USAGE_CIPHER },
	[KVAULT_ALG_AES_XTS_512] = { "aes-xts-512", USAGE_CIPHER },
	[KVAULT_ALG_HMAC_SHA256] = { "hmac-sha256", USAGE_MAC },
	[KVAULT_ALG_HMAC_SHA384] = { "hmac-sha384", USAGE_MAC },
	[KVAULT_ALG_HMAC_SHA512] = { "hmac-sha512", USAGE_MAC },
	[KVAULT_ALG_SECRET]	 = { "secret",	    KVAULT_USAGE_ALL },
};

#define SECRET_PREFIX	"secret-"

/* Bit i of KVAULT_USAGE_* is usage_names[i]. */
static const char *const usage_names[] = {
	"encrypt", "decrypt", "wrap", "unwrap", "sign", "verify", "crypto-api",
};

/* Bit i of the KVAULT_KEY_* attributes is attr_names[i]. */
static const char *const attr_names[] = {
	"exportable", "imported", "revoked", "expired", "sealed",
};

static const char *const state_names[] = {
	[KVAULT_KEY_STATE_ENABLED]		= "enabled",
	[KVAULT_KEY_STATE_DISABLED]		= "disabled",
	[KVAULT_KEY_STATE_DESTROY_PENDING]	= "destroy-pending",
	[KVAULT_KEY_STATE_DESTROYED]		= "destroyed",
};

static const char *const event_names[] = {
	[KVAULT_EVENT_CREATED]			= "created",
	[KVAULT_EVENT_ROTATED]			= "rotated",
	[KVAULT_EVENT_ENABLED]			= "enabled",
	[KVAULT_EVENT_DISABLED]			= "disabled",
	[KVAULT_EVENT_DESTROY_SCHEDULED]	= "destroy-scheduled",
	[KVAULT_EVENT_DESTROY_CANCELLED]	= "destroy-cancelled",
	[KVAULT_EVENT_DESTROYED]		= "destroyed",
	[KVAULT_EVENT_REVOKED]			= "revoked",
	[KVAULT_EVENT_EXPIRED]			= "expired",
	[KVAULT_EVENT_MIN_VERSION]		= "min-version",
	[KVAULT_EVENT_TIGHTENED]		= "tightened",
	[KVAULT_EVENT_SEALED]			= "sealed",
};

_Static_assert(KVAULT_USAGE_ALL == (1U << KVAULT_ARRAY_SIZE(usage_names)) - 1,
	       "a usage bit has no name");

/* Entry @i of a table indexed by value, or NULL outside it. */
static const char *const consumer_names[] = {
	[KVAULT_CONSUMER_DM_CRYPT]		= "dm-crypt",
	[KVAULT_CONSUMER_AF_ALG]		= "af-alg",
	[KVAULT_CONSUMER_KERNEL]		= "kernel",
};

#define TABLE_NAME(table, i) \
	((i) < KVAULT_ARRAY_SIZE(table) ? (table)[i] : NULL)

/* The name of @bit, a single bit, from a table indexed by bit number. */
static const char *bit_name(const char *const *names, size_t n, uint32_t bit)
{
	unsigned int i;

	if (!bit || (bit & (bit - 1)))
		return NULL;
	i = (unsigned int)__builtin_ctz(bit);
	return i < n ? names[i] : NULL;
}

KVAULT_EXPORT int kvault_key_alg_name(uint32_t alg, uint32_t len, char *buf,
				      size_t size)
{
	int n;

	if (!buf || alg >= KVAULT_ARRAY_SIZE(algs) || !algs[alg].name)
		return -EINVAL;
	if (alg == KVAULT_ALG_SECRET)
		n = snprintf(buf, size, SECRET_PREFIX "%u", len);
	else
		n = snprintf(buf, size, "%s", algs[alg].name);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* "N" of "secret-N": decimal, no sign, no leading zero, in range. */
static int secret_len(const char *s, uint32_t *len)
{
	uint32_t v = 0;

	if (*s < '1' || *s > '9')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > KVAULT_SECRET_MAX_LEN)
			return -EINVAL;
	}
	if (v < KVAULT_SECRET_MIN_LEN)
		return -EINVAL;
	*len = v;
	return 0;
}

KVAULT_EXPORT int kvault_key_alg_from_name(const char *name, uint32_t *alg,
					   uint32_t *alg_len)
{
	uint32_t i, len;

	if (!name || !alg || !alg_len)
		return -EINVAL;
	if (!strncmp(name, SECRET_PREFIX, strlen(SECRET_PREFIX))) {
		if (secret_len(name + strlen(SECRET_PREFIX), &len))
			return -EINVAL;
		*alg = KVAULT_ALG_SECRET;
		*alg_len = len;
		return 0;
	}
	for (i = 0; i < KVAULT_ARRAY_SIZE(algs); i++) {
		if (i != KVAULT_ALG_SECRET && algs[i].name &&
		    !strcmp(name, algs[i].name)) {
			*alg = i;
			*alg_len = 0;
			return 0;
		}
	}
	return -EINVAL;
}

KVAULT_EXPORT uint32_t kvault_key_alg_usage(uint32_t alg)
{
	return alg < KVAULT_ARRAY_SIZE(algs) ? algs[alg].usage : 0;
}

KVAULT_EXPORT const char *kvault_key_usage_name(uint32_t bit)
{
	return bit_name(usage_names, KVAULT_ARRAY_SIZE(usage_names), bit);
}

KVAULT_EXPORT int kvault_key_usage_names(uint32_t usage, char *buf,
					 size_t size)
{
	uint32_t unnamed = usage & ~KVAULT_USAGE_ALL;
	size_t off = 0, i;
	int n;

	if (!buf || !size)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i <= KVAULT_ARRAY_SIZE(usage_names); i++) {
		if (i < KVAULT_ARRAY_SIZE(usage_names) && (usage & (1U << i)))
			n = snprintf(buf + off, size - off, "%s%s",
				     off ? "," : "", usage_names[i]);
		else if (i == KVAULT_ARRAY_SIZE(usage_names) && unnamed)
			n = snprintf(buf + off, size - off, "%s0x%x",
				     off ? "," : "", unnamed);
		else
			continue;
		if (n < 0 || (size_t)n >= size - off) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		off += (size_t)n;
	}
	return 0;
}

KVAULT_EXPORT int kvault_key_usage_from_names(const char *list,
					      uint32_t *usage, size_t *err_pos)
{
	const char *p = list;
	uint32_t mask = 0;

	if (!list || !usage) {
		if (err_pos)
			*err_pos = 0;
		return -EINVAL;
	}
	for (;;) {
		size_t len = strcspn(p, ","), i;
		uint32_t bit = 0;

		for (i = 0; i < KVAULT_ARRAY_SIZE(usage_names); i++)
			if (strlen(usage_names[i]) == len &&
			    !strncmp(p, usage_names[i], len))
				bit = 1U << i;
		if (!bit || (mask & bit)) {
			if (err_pos)
				*err_pos = (size_t)(p - list);
			return bit ? -EEXIST : -EINVAL;
		}
		mask |= bit;
		if (!p[len])
			break;
		p += len + 1;
	}
	*usage = mask;
	return 0;
}

KVAULT_EXPORT const char *kvault_key_attr_name(uint32_t bit)
{
	return bit_name(attr_names, KVAULT_ARRAY_SIZE(attr_names), bit);
}

KVAULT_EXPORT const char *kvault_key_state_name(uint32_t state)
{
	return TABLE_NAME(state_names, state);
}

KVAULT_EXPORT const char *kvault_event_op_name(uint32_t op)
{
	return TABLE_NAME(event_names, op);
}

KVAULT_EXPORT const char *kvault_consumer_name(uint32_t kind)
{
	return TABLE_NAME(consumer_names, kind);
}
