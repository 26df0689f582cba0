/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Values on kvaultctl's command line: numbers, durations, key references
 * and keyring specifications. Each parser is strict (no sign, no spaces,
 * nothing after the value) and leaves its output alone on failure.
 */
#ifndef KVAULTCTL_PARSE_H
#define KVAULTCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvault.h>

/* A decimal number from @min to @max; -EINVAL for junk, -ERANGE outside. */
int kvaultctl_parse_uint(const char *s, uint64_t min, uint64_t max,
			 uint64_t *v);

/*
 * A duration: a decimal number with an optional unit, s (the default), m,
 * h or d: "30", "30s", "10m", "2h", "7d". At most
 * KVAULT_DESTROY_MAX_WINDOW seconds. -EINVAL for junk, -ERANGE beyond.
 */
int kvaultctl_parse_duration(const char *s, uint32_t *seconds);

/*
 * A key: "id:N" is the key with ID N (1..INT32_MAX); "name:NAME" and any
 * other word are the key named NAME (1..KVAULT_KEY_NAME_MAX - 1 printable
 * ASCII characters without space), so "name:" is only needed for names
 * that start with "id:" or "name:". A plain number is a name.
 */
struct kvaultctl_key_ref {
	int32_t id;		/* > 0, or 0 when named */
	const char *name;	/* points into the argument, or NULL */
};

/* -EINVAL for a bad ID or name. */
int kvaultctl_parse_key_ref(const char *s, struct kvaultctl_key_ref *ref);

/*
 * A keyring as keyctl(1) names it: a serial number (1..INT32_MAX) or one
 * of @s (session), @u (user), @us (user session), @g (group): the
 * KEY_SPEC_* value. -EINVAL otherwise. Not @t or @p: kvaultctl's own
 * thread and process keyrings go when it exits, and the key with them.
 */
int kvaultctl_parse_keyring(const char *s, int32_t *ring);

/*
 * Hex: two digits (either case) per byte, at least one byte, at most @max
 * (-E2BIG beyond); @len of @s is read (it need not be NUL-terminated).
 * With @spaces, blanks and newlines between bytes are skipped (the
 * --pcr-values-file form). -EINVAL for anything else (odd digits, junk).
 * @out is written only on success.
 */
int kvaultctl_parse_hex(const char *s, size_t len, bool spaces, uint8_t *out,
			size_t max, size_t *out_len);

/*
 * A PCR policy's set: "BANK:LIST" or "LIST" (bank sha256), BANK as
 * kvault_bank_from_name() takes it, LIST as kvault_pcrsel_parse() does.
 * -EINVAL, with @why saying what is wrong.
 */
int kvaultctl_parse_pcrs(const char *s, uint16_t *bank, uint32_t *mask,
			 char *why, size_t whylen);

#endif
