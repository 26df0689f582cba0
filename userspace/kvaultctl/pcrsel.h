/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCR selection lists such as "0-7,16,23". */
#ifndef KVAULTCTL_PCRSEL_H
#define KVAULTCTL_PCRSEL_H

#include <stddef.h>
#include <stdint.h>

/* Longest selection accepted; "0,1,2,...,23" is 61 characters. */
#define KVAULT_PCRSEL_MAX_LEN	128

/**
 * kvault_pcrsel_parse() - parse a PCR selection into a mask
 * @s:    comma-separated elements, each a PCR number or a range "lo-hi"
 *        (lo <= hi); numbers are decimal 0..KVAULT_PCR_COUNT-1. Nothing
 *        else is allowed: no spaces, signs, empty elements or empty string.
 *        Elements may overlap.
 * @mask: receives bit N for every PCR N selected; unchanged on error
 *
 * Return: 0, or -EINVAL if @s is malformed.
 */
int kvault_pcrsel_parse(const char *s, uint32_t *mask);

/**
 * kvault_pcrsel_parse_msg() - kvault_pcrsel_parse() that says what is wrong
 * @s:      as for kvault_pcrsel_parse()
 * @mask:   as for kvault_pcrsel_parse()
 * @why:    on error, receives a short English explanation (may be NULL)
 * @whylen: size of @why
 *
 * Return: 0, or -EINVAL if @s is malformed.
 */
int kvault_pcrsel_parse_msg(const char *s, uint32_t *mask, char *why,
			    size_t whylen);

#endif
