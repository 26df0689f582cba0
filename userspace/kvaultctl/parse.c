// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <keyutils.h>

#include "libkvault.h"
#include "parse.h"
#include "pcrsel.h"

/* Digits from *pp on, at least one; advances *pp past them. */
static int parse_digits(const char **pp, uint64_t max, uint64_t *v)
{
	const char *p = *pp;
	uint64_t n = 0;
	bool big = false;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');

		/* stop counting once it is too big: no overflow */
		if (big || n > (max - d) / 10)
			big = true;
		else
			n = n * 10 + d;
	}
	*pp = p;
	if (big)
		return -ERANGE;
	*v = n;
	return 0;
}

int kvaultctl_parse_uint(const char *s, uint64_t min, uint64_t max,
			 uint64_t *v)
{
	uint64_t n;
	int ret;

	if (!s)
		return -EINVAL;
	ret = parse_digits(&s, max, &n);
	if (*s)
		return -EINVAL;	/* junk is junk, however large the number */
	if (ret)
		return ret;
	if (n < min)
		return -ERANGE;
	*v = n;
	return 0;
}

int kvaultctl_parse_duration(const char *s, uint32_t *seconds)
{
	static const struct {
		char unit;
		uint32_t seconds;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	uint32_t mult = 0;
	uint64_t n;
	size_t i;
	int ret;

	if (!s)
		return -EINVAL;
	ret = parse_digits(&s, KVAULT_DESTROY_MAX_WINDOW, &n);
	if (!*s)
		mult = 1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (s[0] == units[i].unit && !s[1])
			mult = units[i].seconds;
	if (!mult)
		return -EINVAL;
	if (ret)
		return ret;
	if (n * mult > KVAULT_DESTROY_MAX_WINDOW)
		return -ERANGE;
	*seconds = (uint32_t)(n * mult);
	return 0;
}

static int name_check(const char *s)
{
	size_t i, n = strnlen(s, KVAULT_KEY_NAME_MAX);

	if (n == 0 || n == KVAULT_KEY_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] > 0x7e)
			return -EINVAL;
	return 0;
}

#define ID_PREFIX	"id:"
#define NAME_PREFIX	"name:"

int kvaultctl_parse_key_ref(const char *s, struct kvaultctl_key_ref *ref)
{
	uint64_t id;

	if (!s)
		return -EINVAL;
	if (!strncmp(s, ID_PREFIX, strlen(ID_PREFIX))) {
		if (kvaultctl_parse_uint(s + strlen(ID_PREFIX), 1, INT32_MAX,
					 &id))
			return -EINVAL;
		ref->id = (int32_t)id;
		ref->name = NULL;
		return 0;
	}
	if (!strncmp(s, NAME_PREFIX, strlen(NAME_PREFIX)))
		s += strlen(NAME_PREFIX);
	if (name_check(s))
		return -EINVAL;
	ref->id = 0;
	ref->name = s;
	return 0;
}

int kvaultctl_parse_keyring(const char *s, int32_t *ring)
{
	static const struct {
		const char *name;
		int32_t spec;
	} specials[] = {
		{ "@s", KEY_SPEC_SESSION_KEYRING },
		{ "@u", KEY_SPEC_USER_KEYRING },
		{ "@us", KEY_SPEC_USER_SESSION_KEYRING },
		{ "@g", KEY_SPEC_GROUP_KEYRING },
	};
	uint64_t serial;
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		if (!strcmp(s, specials[i].name)) {
			*ring = specials[i].spec;
			return 0;
		}
	}
	if (kvaultctl_parse_uint(s, 1, INT32_MAX, &serial))
		return -EINVAL;
	*ring = (int32_t)serial;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int kvaultctl_parse_hex(const char *s, size_t len, bool spaces, uint8_t *out,
			size_t max, size_t *out_len)
{
	size_t i = 0, n = 0, pass;
	int hi, lo;

	if (!s || !out || !out_len)
		return -EINVAL;
	/* the first pass checks, the second writes: @out only on success */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0, n = 0; i < len; ) {
			if (spaces && is_blank(s[i])) {
				i++;
				continue;
			}
			if (i + 1 >= len)
				return -EINVAL;
			hi = hex_digit(s[i]);
			lo = hex_digit(s[i + 1]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			if (n == max)
				return -E2BIG;
			if (pass)
				out[n] = (uint8_t)(hi << 4 | lo);
			n++;
			i += 2;
		}
		if (n == 0)
			return -EINVAL;
	}
	*out_len = n;
	return 0;
}

int kvaultctl_parse_pcrs(const char *s, uint16_t *bank, uint32_t *mask,
			 char *why, size_t whylen)
{
	const char *colon, *list;
	char name[32];
	uint16_t b = KVAULT_TPM_ALG_SHA256;
	size_t n;

	if (why && whylen)
		why[0] = '\0';
	if (!s)
		return -EINVAL;
	colon = strchr(s, ':');
	list = s;
	if (colon) {
		n = (size_t)(colon - s);
		if (n == 0 || n >= sizeof(name)) {
			if (why && whylen)
				snprintf(why, whylen, "%s", n ? "unknown PCR bank" :
					 "the PCR bank is missing before ':'");
			return -EINVAL;
		}
		memcpy(name, s, n);
		name[n] = '\0';
		if (kvault_bank_from_name(name, &b)) {
			if (why && whylen)
				snprintf(why, whylen,
					 "unknown PCR bank '%s' (use sha1, sha256, sha384, sha512, sm3_256, sha3_256, sha3_384, sha3_512 or a TCG algorithm number)",
					 name);
			return -EINVAL;
		}
		list = colon + 1;
	}
	if (kvault_pcrsel_parse_msg(list, mask, why, whylen))
		return -EINVAL;
	*bank = b;
	return 0;
}
