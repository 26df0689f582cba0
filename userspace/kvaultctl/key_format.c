// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "key_format.h"

#define NS_PER_SEC	((uint64_t)1000000000)

void kvaultctl_iso_time(uint64_t ns, char buf[KVAULTCTL_TIME_LEN])
{
	time_t sec = (time_t)(ns / NS_PER_SEC);
	struct tm tm;

	if (!gmtime_r(&sec, &tm) ||
	    !strftime(buf, KVAULTCTL_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, KVAULTCTL_TIME_LEN, "@%" PRIu64, ns);
		return;
	}
	snprintf(buf + strlen(buf), KVAULTCTL_TIME_LEN - strlen(buf),
		 ".%09" PRIu64 "Z", ns % NS_PER_SEC);
}

/* A name from a table, or "NAME-N" for a value without one. */
static const char *name_or_number(const char *name, const char *what,
				  uint32_t v, char *buf, size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%s-%u", what, v);
	return buf;
}

static const char *state_str(uint32_t state, char buf[24])
{
	return name_or_number(kvault_key_state_name(state), "state", state,
			      buf, 24);
}

static const char *alg_str(uint32_t alg, uint32_t len,
			   char buf[KVAULT_KEY_ALG_NAME_MAX])
{
	if (kvault_key_alg_name(alg, len, buf, KVAULT_KEY_ALG_NAME_MAX))
		snprintf(buf, KVAULT_KEY_ALG_NAME_MAX, "alg-%u", alg);
	return buf;
}

/* The attribute bits as "exportable,revoked", or "none". */
static void attrs_str(uint32_t attrs, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;

	snprintf(buf, len, "none");
	for (i = 0; i < 32 && off < len; i++) {
		const char *name = kvault_key_attr_name(1U << i);

		if (!(attrs & (1U << i)))
			continue;
		if (name)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? "," : "", name);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s0x%x",
						off ? "," : "", 1U << i);
	}
}

/* A bit mask as an array of names (bits without a name as numbers). */
static void json_bits(struct json_writer *w, uint32_t mask,
		      const char *(*name_of)(uint32_t bit))
{
	unsigned int i;

	json_array_begin(w);
	for (i = 0; i < 32; i++) {
		uint32_t bit = 1U << i;

		if (!(mask & bit))
			continue;
		if (name_of(bit))
			json_string(w, name_of(bit));
		else
			json_uint(w, bit);
	}
	json_array_end(w);
}

/* "key": ns, "key_iso": "..." (null for 0, which means "none"). */
static void json_time(struct json_writer *w, const char *key,
		      const char *iso_key, uint64_t ns)
{
	char iso[KVAULTCTL_TIME_LEN];

	json_key(w, key);
	json_uint(w, ns);
	json_key(w, iso_key);
	if (!ns) {
		json_null(w);
		return;
	}
	kvaultctl_iso_time(ns, iso);
	json_string(w, iso);
}

/* A key's name: printable ASCII is all the kernel allows; show the rest. */
static void put_name(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static int finish(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

int kvaultctl_print_key(FILE *f, const struct kvault_key_info *k)
{
	char alg[KVAULT_KEY_ALG_NAME_MAX], usage[KVAULT_KEY_USAGE_NAMES_MAX];
	char attrs[96], state[24], t[KVAULTCTL_TIME_LEN];

	fputs("key ", f);
	put_name(f, k->name);
	fprintf(f, " (id %d)\n", k->id);
	fprintf(f, "  algorithm:    %s (%u bytes)\n",
		alg_str(k->alg, k->len, alg), k->len);
	kvault_key_usage_names(k->usage, usage, sizeof(usage));
	fprintf(f, "  usage:        %s\n", usage[0] ? usage : "none");
	attrs_str(k->attrs, attrs, sizeof(attrs));
	fprintf(f, "  attributes:   %s\n", attrs);
	fprintf(f, "  state:        %s\n", state_str(k->state, state));
	if (k->destroy_time) {
		kvaultctl_iso_time(k->destroy_time, t);
		fprintf(f, "  destroy at:   %s\n", t);
	}
	fprintf(f, "  version:      %u (minimum %u)\n", k->version,
		k->min_version);
	kvaultctl_iso_time(k->ctime, t);
	fprintf(f, "  created:      %s\n", t);
	fprintf(f, "  uses:         %" PRIu64, k->use_count);
	if (k->last_use) {
		kvaultctl_iso_time(k->last_use, t);
		fprintf(f, " (last %s)", t);
	}
	fputc('\n', f);
	return finish(f);
}

/* The members of kvaultctl_json_key()'s object. */
static void json_key_members(struct json_writer *w,
			     const struct kvault_key_info *k)
{
	char alg[KVAULT_KEY_ALG_NAME_MAX], state[24];

	json_key(w, "id");
	json_uint(w, (uint64_t)k->id);
	json_key(w, "name");
	json_string(w, k->name);
	json_key(w, "alg");
	json_string(w, alg_str(k->alg, k->len, alg));
	json_key(w, "len");
	json_uint(w, k->len);
	json_key(w, "usage");
	json_bits(w, k->usage, kvault_key_usage_name);
	json_key(w, "attrs");
	json_bits(w, k->attrs, kvault_key_attr_name);
	json_key(w, "state");
	json_string(w, state_str(k->state, state));
	json_key(w, "version");
	json_uint(w, k->version);
	json_key(w, "min_version");
	json_uint(w, k->min_version);
	json_time(w, "ctime", "ctime_iso", k->ctime);
	json_time(w, "destroy_time", "destroy_time_iso", k->destroy_time);
	json_key(w, "use_count");
	json_uint(w, k->use_count);
	json_time(w, "last_use", "last_use_iso", k->last_use);
}

void kvaultctl_json_key(struct json_writer *w, const struct kvault_key_info *k)
{
	json_object_begin(w);
	json_key_members(w, k);
	json_object_end(w);
}

/* A consumer kind's name, or "consumer-N". */
static const char *consumer_str(uint32_t kind, char buf[24])
{
	return name_or_number(kvault_consumer_name(kind), "consumer", kind,
			      buf, 24);
}

int kvaultctl_print_key_usage(FILE *f, const struct kvault_key_info *k,
			      const struct kvault_key_usage *u)
{
	char kind[24], label[32];
	uint32_t i;

	if (!(u->flags & KVAULT_KEY_USAGE_REPORTED)) {
		fputs("  transforms:   not reported (kvault.ko without the crypto templates)\n",
		      f);
	} else {
		fprintf(f, "  transforms:   %u\n", u->transforms);
		for (i = 1; i <= KVAULT_CONSUMER_MAX; i++) {
			snprintf(label, sizeof(label), "%s:",
				 consumer_str(i, kind));
			fprintf(f, "  %-13s %" PRIu64 " ops, %" PRIu64 " bytes\n",
				label, u->consumer[i].ops, u->consumer[i].bytes);
		}
	}
	if (u->mirror_id) {
		fprintf(f, "  mirror:       logon key %d, " KVAULT_MIRROR_PREFIX,
			u->mirror_id);
		put_name(f, k->name);
		fputc('\n', f);
	} else {
		fputs("  mirror:       none (not published)\n", f);
	}
	return finish(f);
}

void kvaultctl_json_key_usage(struct json_writer *w,
			      const struct kvault_key_info *k,
			      const struct kvault_key_usage *u)
{
	char kind[24];
	uint32_t i;

	json_object_begin(w);
	json_key_members(w, k);
	json_key(w, "transforms");
	if (u->flags & KVAULT_KEY_USAGE_REPORTED)
		json_uint(w, u->transforms);
	else
		json_null(w);
	json_key(w, "consumers");
	json_object_begin(w);
	for (i = 1; i <= KVAULT_CONSUMER_MAX &&
		    (u->flags & KVAULT_KEY_USAGE_REPORTED); i++) {
		json_key(w, consumer_str(i, kind));
		json_object_begin(w);
		json_key(w, "ops");
		json_uint(w, u->consumer[i].ops);
		json_key(w, "bytes");
		json_uint(w, u->consumer[i].bytes);
		json_object_end(w);
	}
	json_object_end(w);
	json_key(w, "mirror_id");
	if (u->mirror_id)
		json_uint(w, (uint64_t)u->mirror_id);
	else
		json_null(w);
	json_object_end(w);
}

#define ROW_FMT	"%10s  %-11s  %-15s  %7s  %s\n"

void kvaultctl_print_key_header(FILE *f)
{
	fprintf(f, ROW_FMT, "ID", "ALG", "STATE", "VERSION", "NAME");
}

void kvaultctl_print_key_row(FILE *f, const struct kvault_key_info *k)
{
	char id[16], alg[KVAULT_KEY_ALG_NAME_MAX], state[24], version[16];

	snprintf(id, sizeof(id), "%d", k->id);
	snprintf(version, sizeof(version), "%u", k->version);
	fprintf(f, "%10s  %-11s  %-15s  %7s  ", id, alg_str(k->alg, k->len, alg),
		state_str(k->state, state), version);
	put_name(f, k->name);
	fputc('\n', f);
}

int kvaultctl_print_key_op(FILE *f, const char *op, const char *ref,
			   int32_t id, const struct kvault_key_state *st)
{
	char state[24], t[KVAULTCTL_TIME_LEN];

	fprintf(f, "%s: key ", op);
	put_name(f, ref);
	fprintf(f, " (id %d)", id);
	if (!st) {
		fputc('\n', f);
		return finish(f);
	}
	fprintf(f, ": %s, version %u (minimum %u)",
		state_str(st->state, state), st->version, st->min_version);
	if (st->destroy_time) {
		kvaultctl_iso_time(st->destroy_time, t);
		fprintf(f, ", destroy at %s", t);
	}
	fputc('\n', f);
	return finish(f);
}

int kvaultctl_print_key_op_json(FILE *f, const char *op, int32_t id,
				const char *name,
				const struct kvault_key_state *st)
{
	struct json_writer w;
	char state[24];

	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "op");
	json_string(&w, op);
	json_key(&w, "id");
	json_uint(&w, (uint64_t)id);
	if (name) {
		json_key(&w, "name");
		json_string(&w, name);
	}
	if (st) {
		json_key(&w, "state");
		json_string(&w, state_str(st->state, state));
		json_key(&w, "version");
		json_uint(&w, st->version);
		json_key(&w, "min_version");
		json_uint(&w, st->min_version);
		json_key(&w, "attrs");
		json_bits(&w, st->attrs, kvault_key_attr_name);
		json_time(&w, "destroy_time", "destroy_time_iso",
			  st->destroy_time);
	}
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}

static const char *event_str(uint32_t op, char buf[24])
{
	return name_or_number(kvault_event_op_name(op), "event", op, buf, 24);
}

int kvaultctl_print_event(FILE *f, const struct kvault_event *e)
{
	char t[KVAULTCTL_TIME_LEN], op[24];

	kvaultctl_iso_time(e->time, t);
	fprintf(f, "%s seq=%" PRIu64 " %s key ", t, e->seq, event_str(e->op, op));
	put_name(f, e->name);
	fprintf(f, " id=%d version=%u uid=%u pid=%u\n", e->id, e->version,
		e->uid, e->pid);
	return finish(f);
}

int kvaultctl_print_event_json(FILE *f, const struct kvault_event *e)
{
	struct json_writer w;
	char op[24];

	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "seq");
	json_uint(&w, e->seq);
	json_key(&w, "op");
	json_string(&w, event_str(e->op, op));
	json_key(&w, "id");
	json_uint(&w, (uint64_t)e->id);
	json_key(&w, "name");
	json_string(&w, e->name);
	json_key(&w, "version");
	json_uint(&w, e->version);
	json_key(&w, "uid");
	json_uint(&w, e->uid);
	json_key(&w, "pid");
	json_uint(&w, e->pid);
	json_time(&w, "time", "time_iso", e->time);
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}
