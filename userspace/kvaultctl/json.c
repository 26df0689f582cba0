// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_write_string(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c < 0x20 || c >= 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

void json_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* Separator before a value or a key. */
static void json_sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
}

static void json_open(struct json_writer *w, char c)
{
	json_sep(w);
	if (w->depth >= JSON_MAX_DEPTH) {
		w->error = true;
		return;
	}
	fputc(c, w->f);
	w->depth++;
	w->first[w->depth] = true;
}

static void json_close(struct json_writer *w, char c)
{
	if (w->depth == 0 || w->after_key) {
		w->error = true;
		return;
	}
	fputc(c, w->f);
	w->depth--;
}

void json_object_begin(struct json_writer *w)
{
	json_open(w, '{');
}

void json_object_end(struct json_writer *w)
{
	json_close(w, '}');
}

void json_array_begin(struct json_writer *w)
{
	json_open(w, '[');
}

void json_array_end(struct json_writer *w)
{
	json_close(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->after_key || w->depth == 0)
		w->error = true;
	json_sep(w);
	json_write_string(w->f, key, strlen(key));
	fputc(':', w->f);
	w->after_key = true;
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	json_sep(w);
	json_write_string(w->f, s, len);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_len(w, s, strlen(s));
}

void json_uint(struct json_writer *w, uint64_t v)
{
	json_sep(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	json_sep(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w)
{
	json_sep(w);
	fputs("null", w->f);
}

int json_finish(struct json_writer *w)
{
	if (w->error || w->depth || w->after_key)
		return -EINVAL;
	return ferror(w->f) ? -EIO : 0;
}
