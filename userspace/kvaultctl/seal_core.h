/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sealing commands' logic that needs no kernel: reading and checking
 * blob files, explaining refusals, the check report, load-all. What needs
 * the kernel comes through struct kvaultctl_seal_ops, so that the host
 * unit tests can stand in for it.
 */
#ifndef KVAULTCTL_SEAL_CORE_H
#define KVAULTCTL_SEAL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libkvault.h"

/* Room for "sha3_512:0,1,2,...,23" and its NUL. */
#define KVAULTCTL_PCR_SET_LEN	96

/**
 * struct kvaultctl_seal_ops - the kernel, as the sealing commands use it
 * @load:     kvault_key_load()
 * @key_id:   the ID of the key @name (kvault_key_state_get())
 * @pcr_read: kvault_pcr_read()
 * @ctx:      first argument of each
 */
struct kvaultctl_seal_ops {
	int (*load)(void *ctx, const char *name, const uint8_t *blob,
		    size_t len, struct kvault_seal_report *rep);
	int (*key_id)(void *ctx, const char *name, int32_t *id);
	int (*pcr_read)(void *ctx, uint16_t bank, uint32_t mask,
			struct kvault_pcr_values *v);
	void *ctx;
};

/* "sha256:0,7" (a bank without a name as 0x0012). */
void kvaultctl_pcr_set_str(uint16_t bank, uint32_t mask, char *buf,
			   size_t len);

/*
 * Read the blob file @path (@store_file: one of the store's) into @buf
 * (KVAULTCTL_BLOB_BUF bytes) and parse its header into @bi. On failure
 * @why gets "PATH: what is wrong" (too large, truncated, not a blob...).
 * Returns 0 or a negative errno.
 */
int kvaultctl_blob_read(const char *path, bool store_file, uint8_t *buf,
			size_t *len, struct kvault_blob_info *bi, char *why,
			size_t whylen);

/*
 * Why a load of key @name failed with @err, in words, from the kernel's
 * report @rep and the blob's header @bi (either may be NULL).
 */
void kvaultctl_refusal_str(int err, const struct kvault_seal_report *rep,
			   const struct kvault_blob_info *bi, const char *name,
			   char *buf, size_t len);

/*
 * For each PCR in @mismatch, two lines: "@indentPCR N: expected HEX" (from
 * @bi) and "@indentPCR N: current  HEX" (from @cur, which may be NULL:
 * then @cur_err says why it could not be read).
 */
void kvaultctl_print_mismatch(FILE *f, const char *indent,
			      const struct kvault_blob_info *bi,
			      uint32_t mismatch,
			      const struct kvault_pcr_values *cur, int cur_err);

/*
 * The current values of the PCRs in @mismatch, through @ops: 0, or the
 * error of the read (then @cur is zeroed).
 */
int kvaultctl_read_mismatch(const struct kvaultctl_seal_ops *ops,
			    const struct kvault_blob_info *bi,
			    uint32_t mismatch, struct kvault_pcr_values *cur);

/*
 * 'key check' output for key @name from @path (@len bytes), text or JSON;
 * @cur and @cur_err as for kvaultctl_print_mismatch(). Returns 0, -EIO.
 */
int kvaultctl_print_check(FILE *f, bool json, const char *name,
			  const char *path, size_t len,
			  const struct kvault_blob_info *bi,
			  const struct kvault_seal_report *rep,
			  const struct kvault_pcr_values *cur, int cur_err);

/*
 * 'key seal' and 'key reseal' output: @op ("seal") of key @name (ID @id)
 * to @pcr_set ("sha256:7"; NULL for "the key's own PCR set"), @pin if
 * with a PIN, @len bytes written to @path. Returns 0 or -EIO.
 */
int kvaultctl_print_sealed(FILE *f, bool json, const char *op,
			   const char *name, int32_t id,
			   const struct kvault_blob_info *bi, bool pin,
			   const char *path, size_t len);

/*
 * load-all: every NAME.blob of @dir, in name order, through @ops; a line
 * per key and a summary on @out (one JSON object with @json); problems
 * with the store itself on @err. Returns the exit status: 0 if no key
 * failed (a key loaded already counts as loaded, one sealed with a PIN is
 * skipped), 1 otherwise.
 */
int kvaultctl_load_all(const char *dir, const struct kvaultctl_seal_ops *ops,
		       bool json, FILE *out, FILE *err);

#endif
