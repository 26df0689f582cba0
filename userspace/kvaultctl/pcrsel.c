// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvault.h>

#include "pcrsel.h"

static void explain(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void explain(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
}

/*
 * Say why in @why and evaluate to -EINVAL. A macro, so that the error is
 * visible where it is returned: the clang analyzer does not look into
 * variadic functions, and took a failed parse_index() for a success.
 */
#define fail(why, whylen, ...) (explain(why, whylen, __VA_ARGS__), -EINVAL)

static int fail_char(char *why, size_t whylen, char c)
{
	unsigned char u = (unsigned char)c;

	if (u > 0x20 && u < 0x7f)
		return fail(why, whylen,
			    "unexpected character '%c' (only PCR numbers, ',' and '-' are allowed)",
			    c);
	return fail(why, whylen,
		    "unexpected character \\x%02x (only PCR numbers, ',' and '-' are allowed)",
		    u);
}

/* One decimal PCR number at *pp; advances *pp past it. */
static int parse_index(const char **pp, unsigned int *out, char *why,
		       size_t whylen)
{
	const char *p = *pp, *start = p;
	unsigned int v = 0;
	int too_big = 0;

	if (*p < '0' || *p > '9') {
		if (*p == '\0')
			return fail(why, whylen, "a PCR number is missing at the end");
		if (*p == ',')
			return fail(why, whylen, "empty element (nothing between two ',' or at the start)");
		if (*p == '-')
			return fail(why, whylen, "a PCR number is missing before '-'");
		return fail_char(why, whylen, *p);
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		/* no overflow: stop counting once it is out of range */
		if (!too_big) {
			v = v * 10 + (unsigned int)(*p - '0');
			if (v >= KVAULT_PCR_COUNT)
				too_big = 1;
		}
	}
	if (too_big)
		return fail(why, whylen, "PCR %.*s is out of range (PCRs are 0-%d)",
			    (int)(p - start > 20 ? 20 : p - start), start,
			    KVAULT_PCR_COUNT - 1);
	*out = v;
	*pp = p;
	return 0;
}

int kvault_pcrsel_parse_msg(const char *s, uint32_t *mask, char *why,
			    size_t whylen)
{
	const char *p = s;
	uint32_t m = 0;
	size_t len;
	int ret;

	if (why && whylen)
		why[0] = '\0';
	if (!s || !mask)
		return fail(why, whylen, "no PCR selection");
	len = strnlen(s, KVAULT_PCRSEL_MAX_LEN + 1);
	if (len == 0)
		return fail(why, whylen, "the PCR selection is empty");
	if (len > KVAULT_PCRSEL_MAX_LEN)
		return fail(why, whylen, "the PCR selection is too long (more than %d characters)",
			    KVAULT_PCRSEL_MAX_LEN);

	for (;;) {
		unsigned int lo, hi, i;

		ret = parse_index(&p, &lo, why, whylen);
		if (ret)
			return ret;
		hi = lo;
		if (*p == '-') {
			p++;
			if (*p == '\0' || *p == ',' || *p == '-')
				return fail(why, whylen, "range %u- has no upper end", lo);
			ret = parse_index(&p, &hi, why, whylen);
			if (ret)
				return ret;
			if (lo > hi)
				return fail(why, whylen, "range %u-%u is reversed (write %u-%u)",
					    lo, hi, hi, lo);
		}
		for (i = lo; i <= hi; i++)
			m |= 1U << i;

		if (*p == '\0')
			break;
		if (*p != ',')
			return *p == '-' ?
				fail(why, whylen, "a range has one '-' and two ends") :
				fail_char(why, whylen, *p);
		p++;
		if (*p == '\0')
			return fail(why, whylen, "empty element after the last ','");
	}
	*mask = m;
	return 0;
}

int kvault_pcrsel_parse(const char *s, uint32_t *mask)
{
	return kvault_pcrsel_parse_msg(s, mask, NULL, 0);
}
