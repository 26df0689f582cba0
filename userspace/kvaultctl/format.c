// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "format.h"
#include "json.h"

void kvaultctl_manufacturer_str(uint32_t id, char buf[5])
{
	size_t n = 0;
	int shift;

	for (shift = 24; shift >= 0; shift -= 8) {
		unsigned char c = (unsigned char)(id >> shift);

		if (c == '\0')
			continue;
		buf[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

/* A kernel string field: stop at NUL or at the end of the array; show
 * anything that is not printable ASCII as \xNN. */
static void put_text(FILE *f, const char *s, size_t max)
{
	size_t i, len = strnlen(s, max);

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void put_hex(FILE *f, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static int finish(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

static unsigned int nr_banks(const struct kvault_status *st)
{
	return st->nr_pcr_banks < KVAULT_MAX_PCR_BANKS ?
		st->nr_pcr_banks : KVAULT_MAX_PCR_BANKS;
}

static unsigned int digest_size(const struct kvault_pcr_values *v)
{
	return v->digest_size < KVAULT_MAX_DIGEST_SIZE ?
		v->digest_size : KVAULT_MAX_DIGEST_SIZE;
}

int kvaultctl_print_status(FILE *f, const struct kvault_status *st)
{
	char manuf[5];
	unsigned int i;

	fputs("kvault module ", f);
	put_text(f, st->module_version, sizeof(st->module_version));
	fprintf(f, " (ABI %u)\n", st->abi_version);

	if (!(st->tpm_flags & KVAULT_TPM_PRESENT)) {
		fputs("TPM: not present\n", f);
		return finish(f);
	}
	if (!(st->tpm_flags & KVAULT_TPM_VERSION_2)) {
		fputs("TPM: present, TPM 1.2 (not supported)\n", f);
		return finish(f);
	}
	fputs("TPM: present, TPM 2.0\n", f);

	kvaultctl_manufacturer_str(st->tpm_manufacturer, manuf);
	fprintf(f, "  manufacturer: %s (0x%08x)\n", manuf[0] ? manuf : "unknown",
		st->tpm_manufacturer);
	fputs("  vendor:       ", f);
	put_text(f, st->tpm_vendor, sizeof(st->tpm_vendor));
	fputc('\n', f);
	fprintf(f, "  firmware:     0x%08x.0x%08x\n", st->tpm_fw_version_1,
		st->tpm_fw_version_2);
	fputs("  PCR banks:   ", f);
	if (!nr_banks(st))
		fputs(" (none)", f);
	for (i = 0; i < nr_banks(st); i++) {
		const char *name = kvault_bank_name(st->pcr_banks[i].alg_id);

		if (name)
			fprintf(f, " %s", name);
		else
			fprintf(f, " 0x%04x", st->pcr_banks[i].alg_id);
	}
	fputc('\n', f);
	return finish(f);
}

int kvaultctl_print_status_json(FILE *f, const struct kvault_status *st)
{
	struct json_writer w;
	char manuf[5], fw[32];
	unsigned int i;

	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "module_version");
	json_string_len(&w, st->module_version,
			strnlen(st->module_version, sizeof(st->module_version)));
	json_key(&w, "abi_version");
	json_uint(&w, st->abi_version);

	json_key(&w, "tpm");
	json_object_begin(&w);
	json_key(&w, "present");
	json_bool(&w, st->tpm_flags & KVAULT_TPM_PRESENT);
	if (st->tpm_flags & KVAULT_TPM_PRESENT) {
		json_key(&w, "version");
		json_string(&w, st->tpm_flags & KVAULT_TPM_VERSION_2 ? "2.0" : "1.2");
	}
	if ((st->tpm_flags & KVAULT_TPM_PRESENT) &&
	    (st->tpm_flags & KVAULT_TPM_VERSION_2)) {
		kvaultctl_manufacturer_str(st->tpm_manufacturer, manuf);
		json_key(&w, "manufacturer");
		json_string(&w, manuf);
		json_key(&w, "manufacturer_id");
		json_uint(&w, st->tpm_manufacturer);
		json_key(&w, "vendor");
		json_string_len(&w, st->tpm_vendor,
				strnlen(st->tpm_vendor, sizeof(st->tpm_vendor)));
		snprintf(fw, sizeof(fw), "0x%08x.0x%08x", st->tpm_fw_version_1,
			 st->tpm_fw_version_2);
		json_key(&w, "firmware_version");
		json_string(&w, fw);
		json_key(&w, "pcr_banks");
		json_array_begin(&w);
		for (i = 0; i < nr_banks(st); i++) {
			const struct kvault_pcr_bank *b = &st->pcr_banks[i];
			const char *name = kvault_bank_name(b->alg_id);

			json_object_begin(&w);
			json_key(&w, "name");
			if (name)
				json_string(&w, name);
			else
				json_null(&w);
			json_key(&w, "alg_id");
			json_uint(&w, b->alg_id);
			json_key(&w, "digest_size");
			json_uint(&w, b->digest_size);
			json_object_end(&w);
		}
		json_array_end(&w);
	}
	json_object_end(&w);
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}

int kvaultctl_print_pcrs(FILE *f, const struct kvault_pcr_values *v)
{
	const char *name = kvault_bank_name(v->bank);
	unsigned int i;

	fputs("PCR bank ", f);
	if (name)
		fprintf(f, "%s (0x%04x)", name, v->bank);
	else
		fprintf(f, "0x%04x", v->bank);
	fprintf(f, ", update counter %u\n", v->update_counter);
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(v->pcr_mask & (1U << i)))
			continue;
		fprintf(f, "%3u: ", i);
		put_hex(f, v->digest[i], digest_size(v));
		fputc('\n', f);
	}
	return finish(f);
}

int kvaultctl_print_pcrs_json(FILE *f, const struct kvault_pcr_values *v)
{
	const char *name = kvault_bank_name(v->bank);
	char key[4], hex[2 * KVAULT_MAX_DIGEST_SIZE + 1];
	struct json_writer w;
	unsigned int i, j;

	json_init(&w, f);
	json_object_begin(&w);
	json_key(&w, "bank");
	if (name)
		json_string(&w, name);
	else
		json_null(&w);
	json_key(&w, "alg_id");
	json_uint(&w, v->bank);
	json_key(&w, "digest_size");
	json_uint(&w, v->digest_size);
	json_key(&w, "update_counter");
	json_uint(&w, v->update_counter);
	json_key(&w, "pcrs");
	json_object_begin(&w);
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(v->pcr_mask & (1U << i)))
			continue;
		for (j = 0; j < digest_size(v); j++)
			snprintf(hex + 2 * j, 3, "%02x", v->digest[i][j]);
		hex[2 * digest_size(v)] = '\0';
		snprintf(key, sizeof(key), "%u", i);
		json_key(&w, key);
		json_string(&w, hex);
	}
	json_object_end(&w);
	json_object_end(&w);
	fputc('\n', f);
	return json_finish(&w);
}
