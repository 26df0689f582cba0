// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <keyutils.h>

#include "parse.h"

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
