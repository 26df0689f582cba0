/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output of the key commands and of monitor, human-readable and JSON. */
#ifndef KVAULTCTL_KEY_FORMAT_H
#define KVAULTCTL_KEY_FORMAT_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "libkvault.h"

/* Room for "2024-05-01T12:34:56.123456789Z" and its NUL. */
#define KVAULTCTL_TIME_LEN	32

/*
 * @ns (CLOCK_REALTIME) as ISO-8601 UTC with nanoseconds,
 * "2024-05-01T12:34:56.123456789Z".
 */
void kvaultctl_iso_time(uint64_t ns, char buf[KVAULTCTL_TIME_LEN]);

/* One key, as 'key show' prints it. Each returns 0, or -EIO. */
int kvaultctl_print_key(FILE *f, const struct kvault_key_info *k);
/* The same as a JSON object, into @w (standalone or inside a list). */
void kvaultctl_json_key(struct json_writer *w, const struct kvault_key_info *k);

/*
 * A key's use by the crypto API, as 'key show' prints it after
 * kvaultctl_print_key(): transforms, ops and bytes per consumer kind, the
 * logon mirror. Returns 0, or -EIO.
 */
int kvaultctl_print_key_usage(FILE *f, const struct kvault_key_info *k,
			      const struct kvault_key_usage *u);
/* kvaultctl_json_key() with "transforms", "consumers" and "mirror_id". */
void kvaultctl_json_key_usage(struct json_writer *w,
			      const struct kvault_key_info *k,
			      const struct kvault_key_usage *u);

/* 'key list' in text: the header, one line per key. */
void kvaultctl_print_key_header(FILE *f);
void kvaultctl_print_key_row(FILE *f, const struct kvault_key_info *k);

/*
 * The result of operation @op ("rotate") on the key the user called @ref,
 * whose ID is @id; @st may be NULL when the operation reports no state
 * (create, revoke). Returns 0, or -EIO/-EINVAL.
 */
int kvaultctl_print_key_op(FILE *f, const char *op, const char *ref,
			   int32_t id, const struct kvault_key_state *st);
int kvaultctl_print_key_op_json(FILE *f, const char *op, int32_t id,
				const char *name,
				const struct kvault_key_state *st);

/* One event, one line. Return 0, or -EIO/-EINVAL. */
int kvaultctl_print_event(FILE *f, const struct kvault_event *e);
int kvaultctl_print_event_json(FILE *f, const struct kvault_event *e);

#endif
