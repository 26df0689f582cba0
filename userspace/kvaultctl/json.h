/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny streaming JSON writer: compact output, no whitespace. Commas are
 * inserted automatically. Strings are written as pure ASCII: '"', '\\' and
 * control characters are escaped, and every byte >= 0x7f is written as
 * \u00XX (i.e. the input is read as ISO-8859-1), so the output is valid
 * JSON whatever bytes the input holds.
 */
#ifndef KVAULTCTL_JSON_H
#define KVAULTCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16

struct json_writer {
	FILE *f;
	unsigned int depth;
	bool first[JSON_MAX_DEPTH + 1];	/* nothing written yet at that depth */
	bool after_key;			/* a key was written, its value is due */
	bool error;			/* misuse (too deep, unbalanced) */
};

void json_init(struct json_writer *w, FILE *f);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* Member name in an object; the next call writes its value. */
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
/* @len bytes of @s; NUL bytes included are escaped too */
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_uint(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* Return 0 if everything was balanced and written, else -EINVAL/-EIO. */
int json_finish(struct json_writer *w);

/* The escaping alone, between quotes: "..." */
void json_write_string(FILE *f, const char *s, size_t len);

#endif
