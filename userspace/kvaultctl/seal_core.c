// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "seal_core.h"
#include "store.h"

#define BLOB_MAGIC	"KVB1"

void kvaultctl_pcr_set_str(uint16_t bank, uint32_t mask, char *buf,
			   size_t len)
{
	const char *name = kvault_bank_name(bank);
	size_t off;
	unsigned int i;
	int n;

	if (name)
		n = snprintf(buf, len, "%s:", name);
	else
		n = snprintf(buf, len, "0x%04x:", bank);
	off = n < 0 ? 0 : (size_t)n;
	for (i = 0; i < KVAULT_PCR_COUNT && off < len; i++) {
		if (!(mask & (1U << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%u",
			     buf[off - 1] == ':' ? "" : ",", i);
		off += n < 0 ? 0 : (size_t)n;
	}
}

/* "16" or "7,16": the PCRs of @mask. */
static void pcr_list(uint32_t mask, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < 32 && off < len; i++) {
		if (!(mask & (1U << i)))
			continue;
		n = snprintf(buf + off, len - off, "%s%u", off ? "," : "", i);
		off += n < 0 ? 0 : (size_t)n;
	}
}

int kvaultctl_blob_read(const char *path, bool store_file, uint8_t *buf,
			size_t *len, struct kvault_blob_info *bi, char *why,
			size_t whylen)
{
	int ret;

	memset(bi, 0, sizeof(*bi));
	ret = kvaultctl_read_blob(path, store_file, buf, len);
	if (ret == -EFBIG) {
		snprintf(why, whylen,
			 "%s: too large: more than %d bytes, the most a blob may have",
			 path, KVAULT_BLOB_MAX);
		return ret;
	}
	if (ret == -EINVAL) {
		snprintf(why, whylen, "%s: not a regular file", path);
		return ret;
	}
	if (ret) {
		snprintf(why, whylen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (*len == 0) {
		snprintf(why, whylen, "%s: empty file, not a blob", path);
		return -EINVAL;
	}
	ret = kvault_blob_parse(buf, *len, bi);
	if (!ret)
		return 0;
	switch (ret) {
	case -EBADMSG:
		if (!bi->total_len)
			snprintf(why, whylen,
				 "%s: truncated: %zu bytes, shorter than a blob header",
				 path, *len);
		else if (*len < bi->total_len)
			snprintf(why, whylen,
				 "%s: truncated: %zu bytes, its header says %u",
				 path, *len, bi->total_len);
		else
			snprintf(why, whylen,
				 "%s: %zu bytes, its header says %u: trailing bytes",
				 path, *len, bi->total_len);
		break;
	case -EOPNOTSUPP:
		snprintf(why, whylen,
			 "%s: blob format version %u is not supported (this kvaultctl reads version %d)",
			 path, *len >= 6 ? (unsigned int)(buf[4] << 8 | buf[5]) : 0,
			 KVAULT_BLOB_VERSION);
		break;
	default:
		if (*len < 4 ? memcmp(buf, BLOB_MAGIC, *len) :
			       memcmp(buf, BLOB_MAGIC, 4))
			snprintf(why, whylen,
				 "%s: not a kvault blob (no \"" BLOB_MAGIC "\" magic)",
				 path);
		else
			snprintf(why, whylen,
				 "%s: malformed blob header (its lengths, PCR selection or flags do not add up)",
				 path);
		break;
	}
	memset(bi, 0, sizeof(*bi));
	return ret;
}

void kvaultctl_refusal_str(int err, const struct kvault_seal_report *rep,
			   const struct kvault_blob_info *bi, const char *name,
			   char *buf, size_t len)
{
	uint32_t mismatch = rep ? rep->pcr_mismatch : 0;
	uint16_t bank = bi ? bi->bank : rep ? rep->bank : 0;
	char list[96], set[KVAULTCTL_PCR_SET_LEN];

	switch (err) {
	case -EKEYREJECTED:
		pcr_list(mismatch, list, sizeof(list));
		kvaultctl_pcr_set_str(bank, 0, set, sizeof(set));
		set[strlen(set) - 1] = '\0';	/* just the bank */
		if (!mismatch)
			snprintf(buf, len,
				 "refused: the PCRs do not hold the values the key is sealed to (%s)",
				 set);
		else if (!(mismatch & (mismatch - 1)))
			snprintf(buf, len,
				 "refused: PCR %s differs from the value the key is sealed to (%s)",
				 list, set);
		else
			snprintf(buf, len,
				 "refused: PCRs %s differ from the values the key is sealed to (%s)",
				 list, set);
		return;
	case -EACCES:
		snprintf(buf, len,
			 "wrong PIN (the TPM counts it toward its dictionary-attack lockout)");
		return;
	case -EBUSY:
		if (rep && rep->lockout_seconds)
			snprintf(buf, len,
				 "the TPM is in dictionary-attack lockout: %u s left",
				 rep->lockout_seconds);
		else
			snprintf(buf, len,
				 "the TPM is in dictionary-attack lockout until the lockout authority clears it");
		return;
	case -EBADMSG:
		snprintf(buf, len,
			 "the blob is not this TPM's, or fails kvault's checks (edited or corrupt)");
		return;
	case -EINVAL:
		snprintf(buf, len, "the kernel rejects the blob or the request as malformed");
		return;
	case -EEXIST:
		snprintf(buf, len, "a key named '%s' is loaded already",
			 name ? name : "");
		return;
	case -EPERM:
		snprintf(buf, len,
			 "refused: sealing is locked for this boot ('kvaultctl pcr extend'), or permission denied");
		return;
	case -EIO:
		if (rep && rep->tpm_rc)
			snprintf(buf, len, "TPM failure (response code 0x%03x)",
				 rep->tpm_rc);
		else
			snprintf(buf, len, "TPM failure");
		return;
	case -ENODEV:
		snprintf(buf, len, "no TPM 2.0 device found");
		return;
	default:
		snprintf(buf, len, "%s", strerror(-err));
		return;
	}
}

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

void kvaultctl_print_mismatch(FILE *f, const char *indent,
			      const struct kvault_blob_info *bi,
			      uint32_t mismatch,
			      const struct kvault_pcr_values *cur, int cur_err)
{
	unsigned int i;

	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(mismatch & (1U << i)))
			continue;
		fprintf(f, "%sPCR %u: expected ", indent, i);
		if (bi->pcr_mask & (1U << i))
			put_hex(f, bi->expected[i], bi->digest_size);
		else
			fputs("(not in the blob's policy)", f);
		fprintf(f, "\n%sPCR %u: current  ", indent, i);
		if (cur && (cur->pcr_mask & (1U << i)))
			put_hex(f, cur->digest[i], cur->digest_size);
		else
			fprintf(f, "(could not read it: %s)",
				strerror(cur_err ? -cur_err : EPROTO));
		fputc('\n', f);
	}
}

int kvaultctl_read_mismatch(const struct kvaultctl_seal_ops *ops,
			    const struct kvault_blob_info *bi,
			    uint32_t mismatch, struct kvault_pcr_values *cur)
{
	int ret;

	memset(cur, 0, sizeof(*cur));
	mismatch &= KVAULT_PCR_MASK_ALL;
	if (!mismatch)
		return 0;
	ret = ops->pcr_read(ops->ctx, bi->bank, mismatch, cur);
	if (ret)
		memset(cur, 0, sizeof(*cur));
	return ret;
}

static void json_hex(struct json_writer *w, const uint8_t *p, size_t n)
{
	char s[2 * KVAULT_MAX_DIGEST_SIZE + 1];
	size_t i;

	for (i = 0; i < n && i < KVAULT_MAX_DIGEST_SIZE; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * i] = '\0';
	json_string(w, s);
}

static void json_pcrs(struct json_writer *w, uint32_t mask)
{
	unsigned int i;

	json_array_begin(w);
	for (i = 0; i < 32; i++)
		if (mask & (1U << i))
			json_uint(w, i);
	json_array_end(w);
}

static const char *bank_str(uint16_t bank, char buf[8])
{
	const char *name = kvault_bank_name(bank);

	if (name)
		return name;
	snprintf(buf, 8, "0x%04x", bank);
	return buf;
}

static const char *alg_str(const struct kvault_blob_info *bi,
			   char buf[KVAULT_KEY_ALG_NAME_MAX])
{
	if (kvault_key_alg_name(bi->alg, bi->material_len, buf,
				KVAULT_KEY_ALG_NAME_MAX))
		snprintf(buf, KVAULT_KEY_ALG_NAME_MAX, "alg-%u", bi->alg);
	return buf;
}

static void json_mismatch(struct json_writer *w,
			  const struct kvault_blob_info *bi, uint32_t mismatch,
			  const struct kvault_pcr_values *cur)
{
	unsigned int i;

	json_array_begin(w);
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(mismatch & (1U << i)))
			continue;
		json_object_begin(w);
		json_key(w, "pcr");
		json_uint(w, i);
		json_key(w, "expected");
		if (bi->pcr_mask & (1U << i))
			json_hex(w, bi->expected[i], bi->digest_size);
		else
			json_null(w);
		json_key(w, "current");
		if (cur && (cur->pcr_mask & (1U << i)))
			json_hex(w, cur->digest[i], cur->digest_size);
		else
			json_null(w);
		json_object_end(w);
	}
	json_array_end(w);
}

static int check_json(FILE *f, const char *name, const char *path,
		      size_t len, const struct kvault_blob_info *bi,
		      const struct kvault_seal_report *rep,
		      const struct kvault_pcr_values *cur)
{
	char alg[KVAULT_KEY_ALG_NAME_MAX], bank[8];
	struct json_writer w;

	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "name");
	json_string(&w, name);
	json_key(&w, "blob");
	json_string(&w, path);
	json_key(&w, "blob_len");
	json_uint(&w, len);
	json_key(&w, "would_unseal");
	json_bool(&w, rep->status & KVAULT_SEAL_ST_WOULD_UNSEAL);
	json_key(&w, "loadable");
	json_bool(&w, rep->status & KVAULT_SEAL_ST_LOADABLE);
	json_key(&w, "pin");
	json_bool(&w, (rep->status & KVAULT_SEAL_ST_PIN) ||
		  (bi->policy_flags & KVAULT_SEAL_PIN));
	json_key(&w, "lockout");
	json_bool(&w, rep->status & KVAULT_SEAL_ST_LOCKOUT);
	json_key(&w, "lockout_seconds");
	json_uint(&w, rep->lockout_seconds);
	json_key(&w, "tpm_rc");
	json_uint(&w, rep->tpm_rc);
	json_key(&w, "alg");
	json_string(&w, alg_str(bi, alg));
	json_key(&w, "key_version");
	json_uint(&w, bi->key_version);
	json_key(&w, "bank");
	json_string(&w, bank_str(bi->bank, bank));
	json_key(&w, "pcrs");
	json_pcrs(&w, bi->pcr_mask);
	json_key(&w, "pcr_mismatch");
	json_mismatch(&w, bi, rep->pcr_mismatch & KVAULT_PCR_MASK_ALL, cur);
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}

int kvaultctl_print_check(FILE *f, bool json, const char *name,
			  const char *path, size_t len,
			  const struct kvault_blob_info *bi,
			  const struct kvault_seal_report *rep,
			  const struct kvault_pcr_values *cur, int cur_err)
{
	bool would = rep->status & KVAULT_SEAL_ST_WOULD_UNSEAL;
	bool pin = (rep->status & KVAULT_SEAL_ST_PIN) ||
		   (bi->policy_flags & KVAULT_SEAL_PIN);
	uint32_t mismatch = rep->pcr_mismatch & KVAULT_PCR_MASK_ALL;
	char set[KVAULTCTL_PCR_SET_LEN], alg[KVAULT_KEY_ALG_NAME_MAX];
	char list[96];

	if (json)
		return check_json(f, name, path, len, bi, rep, cur);
	kvaultctl_pcr_set_str(bi->bank, bi->pcr_mask, set, sizeof(set));
	pcr_list(mismatch, list, sizeof(list));
	fprintf(f, "check: key %s: %s%s\n", name,
		would ? "would unseal" : "would not unseal",
		would && pin ? " (with its PIN)" : "");
	fprintf(f, "  blob:      %s (%zu bytes)\n", path, len);
	fprintf(f, "  key:       %s, version %u\n", alg_str(bi, alg),
		bi->key_version);
	fprintf(f, "  policy:    %s%s\n", set,
		bi->policy_flags & KVAULT_SEAL_PIN ? " + PIN" : "");
	fprintf(f, "  loadable:  %s\n",
		rep->status & KVAULT_SEAL_ST_LOADABLE ? "yes" :
		"no: the blob is not this TPM's, or fails kvault's checks");
	if (!mismatch)
		fprintf(f, "  PCRs:      match\n");
	else
		fprintf(f, "  PCRs:      PCR%s %s differ%s\n",
			mismatch & (mismatch - 1) ? "s" : "", list,
			mismatch & (mismatch - 1) ? "" : "s");
	kvaultctl_print_mismatch(f, "    ", bi, mismatch, cur, cur_err);
	if (!(rep->status & KVAULT_SEAL_ST_LOCKOUT))
		fprintf(f, "  lockout:   no\n");
	else if (rep->lockout_seconds)
		fprintf(f, "  lockout:   yes, %u s left\n", rep->lockout_seconds);
	else
		fprintf(f, "  lockout:   yes, until the lockout authority clears it\n");
	fprintf(f, "  PIN:       %s\n", pin ? "needed" : "not needed");
	if (rep->tpm_rc)
		fprintf(f, "  TPM:       response code 0x%03x\n", rep->tpm_rc);
	return ferror(f) ? -EIO : 0;
}

int kvaultctl_print_sealed(FILE *f, bool json, const char *op,
			   const char *name, int32_t id,
			   const struct kvault_blob_info *bi, bool pin,
			   const char *path, size_t len)
{
	char set[KVAULTCTL_PCR_SET_LEN], bank[8];
	struct json_writer w;

	if (!json) {
		if (bi)
			kvaultctl_pcr_set_str(bi->bank, bi->pcr_mask, set,
					      sizeof(set));
		fprintf(f, "%s: key %s (id %d): sealed to %s%s, %zu bytes written to %s\n",
			op, name, id, bi ? set : "its PCR set",
			pin ? " with a PIN" : "", len, path);
		return ferror(f) ? -EIO : 0;
	}
	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "op");
	json_string(&w, op);
	json_key(&w, "id");
	json_uint(&w, (uint64_t)(id > 0 ? id : 0));
	json_key(&w, "name");
	json_string(&w, name);
	json_key(&w, "bank");
	if (bi)
		json_string(&w, bank_str(bi->bank, bank));
	else
		json_null(&w);
	json_key(&w, "pcrs");
	if (bi)
		json_pcrs(&w, bi->pcr_mask);
	else
		json_null(&w);
	json_key(&w, "pin");
	json_bool(&w, pin);
	json_key(&w, "blob");
	json_string(&w, path);
	json_key(&w, "blob_len");
	json_uint(&w, len);
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}

/* ------------------------------------------------------------------ */
/* load-all                                                           */
/* ------------------------------------------------------------------ */

enum load_result { LOADED, ALREADY, SKIPPED, FAILED };

static const char *const result_names[] = {
	[LOADED] = "loaded", [ALREADY] = "already-loaded",
	[SKIPPED] = "skipped", [FAILED] = "failed",
};

struct load_one {
	enum load_result result;
	int32_t id;
	int err;
	uint32_t mismatch;
	char why[PATH_MAX + 256];
	struct kvault_blob_info bi;
	struct kvault_pcr_values cur;
	int cur_err;
};

static void load_one(const char *dir, const char *name,
		     const struct kvaultctl_seal_ops *ops, uint8_t *buf,
		     struct load_one *r)
{
	struct kvault_seal_report rep;
	char path[PATH_MAX];
	size_t len;
	int ret;

	memset(r, 0, sizeof(*r));
	r->result = FAILED;
	if (kvaultctl_store_name_check(name)) {
		r->err = -EINVAL;
		snprintf(r->why, sizeof(r->why),
			 "not a key name the store can hold (printable ASCII, no space or '/', not starting with '.')");
		return;
	}
	if (kvaultctl_store_path(dir, name, path, sizeof(path))) {
		r->err = -ENAMETOOLONG;
		snprintf(r->why, sizeof(r->why), "%s", strerror(ENAMETOOLONG));
		return;
	}
	ret = kvaultctl_blob_read(path, true, buf, &len, &r->bi, r->why,
				  sizeof(r->why));
	if (ret) {
		r->err = ret;
		return;
	}
	if (r->bi.policy_flags & KVAULT_SEAL_PIN) {
		r->result = SKIPPED;
		snprintf(r->why, sizeof(r->why),
			 "sealed with a PIN (load it with 'kvaultctl key load %s --pin-stdin')",
			 name);
		return;
	}
	ret = ops->load(ops->ctx, name, buf, len, &rep);
	if (!ret) {
		r->result = LOADED;
		r->id = rep.id;
		return;
	}
	if (ret == -EEXIST) {
		r->result = ALREADY;
		if (ops->key_id(ops->ctx, name, &r->id))
			r->id = 0;
		return;
	}
	r->err = ret;
	r->mismatch = ret == -EKEYREJECTED ?
		rep.pcr_mismatch & KVAULT_PCR_MASK_ALL : 0;
	kvaultctl_refusal_str(ret, &rep, &r->bi, name, r->why, sizeof(r->why));
	if (r->mismatch)
		r->cur_err = kvaultctl_read_mismatch(ops, &r->bi, r->mismatch,
						     &r->cur);
}

static void print_one_text(FILE *out, const char *name,
			   const struct load_one *r)
{
	switch (r->result) {
	case LOADED:
		fprintf(out, "%s: loaded (id %d)\n", name, r->id);
		break;
	case ALREADY:
		if (r->id)
			fprintf(out, "%s: already loaded (id %d)\n", name, r->id);
		else
			fprintf(out, "%s: already loaded\n", name);
		break;
	case SKIPPED:
		fprintf(out, "%s: skipped: %s\n", name, r->why);
		break;
	default:
		fprintf(out, "%s: failed: %s\n", name, r->why);
		kvaultctl_print_mismatch(out, "  ", &r->bi, r->mismatch,
					 &r->cur, r->cur_err);
		break;
	}
}

static void print_one_json(struct json_writer *w, const char *name,
			   const struct load_one *r)
{
	const char *ename;

	json_object_begin(w);
	json_key(w, "name");
	json_string(w, name);
	json_key(w, "result");
	json_string(w, result_names[r->result]);
	if (r->id > 0) {
		json_key(w, "id");
		json_uint(w, (uint64_t)r->id);
	}
	if (r->result == FAILED) {
		ename = strerrorname_np(-r->err);
		json_key(w, "errno");
		json_string(w, ename ? ename : "unknown");
	}
	if (r->result == FAILED || r->result == SKIPPED) {
		json_key(w, "error");
		json_string(w, r->why);
	}
	if (r->mismatch) {
		json_key(w, "pcr_mismatch");
		json_mismatch(w, &r->bi, r->mismatch, &r->cur);
	}
	json_object_end(w);
}

int kvaultctl_load_all(const char *dir, const struct kvaultctl_seal_ops *ops,
		       bool json, FILE *out, FILE *err)
{
	unsigned long counts[4] = { 0 };
	struct json_writer w;
	struct load_one *r;
	char **names = NULL;
	size_t n = 0, i;
	uint8_t *buf;
	int ret;

	ret = kvaultctl_store_list(dir, &names, &n);
	if (ret && ret != -ENOENT) {
		fprintf(err, "kvaultctl: load-all: cannot read the key store %s: %s\n",
			dir, strerror(-ret));
		return 1;
	}
	buf = malloc(KVAULTCTL_BLOB_BUF);
	r = malloc(sizeof(*r));
	if (!buf || !r) {
		free(buf);
		free(r);
		kvaultctl_store_list_free(names, n);
		fprintf(err, "kvaultctl: load-all: %s\n", strerror(ENOMEM));
		return 1;
	}
	if (json) {
		json_init(&w, out);
		json_object_begin(&w);
		json_key(&w, "store");
		json_string(&w, dir);
		json_key(&w, "keys");
		json_array_begin(&w);
	}
	for (i = 0; i < n; i++) {
		load_one(dir, names[i], ops, buf, r);
		counts[r->result]++;
		if (json)
			print_one_json(&w, names[i], r);
		else
			print_one_text(out, names[i], r);
		fflush(out);
	}
	if (json) {
		json_array_end(&w);
		json_key(&w, "loaded");
		json_uint(&w, counts[LOADED] + counts[ALREADY]);
		json_key(&w, "failed");
		json_uint(&w, counts[FAILED]);
		json_key(&w, "skipped");
		json_uint(&w, counts[SKIPPED]);
		json_object_end(&w);
		fputc('\n', out);
		json_finish(&w);
	} else {
		fprintf(out, "load-all: %lu loaded, %lu failed, %lu skipped from %s%s\n",
			counts[LOADED] + counts[ALREADY], counts[FAILED],
			counts[SKIPPED], dir, ret == -ENOENT ? " (no store)" : "");
	}
	kvaultctl_store_list_free(names, n);
	free(buf);
	free(r);
	return counts[FAILED] ? 1 : 0;
}
