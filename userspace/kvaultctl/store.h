/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The key store: a directory with one sealed blob per key, NAME.blob,
 * mode 0600, written atomically (temporary file in the same directory,
 * fsync, rename, fsync of the directory), so a reader sees the old file or
 * the new one whole, and a failed write leaves the old one as it was.
 */
#ifndef KVAULTCTL_STORE_H
#define KVAULTCTL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvault.h>

#define KVAULTCTL_STORE_DEFAULT	"/var/lib/kvault"
#define KVAULTCTL_STORE_SUFFIX	".blob"
/* A buffer for a blob file: one byte more than a blob may have. */
#define KVAULTCTL_BLOB_BUF	(KVAULT_BLOB_MAX + 1)

/* @opt (--store) if set, else $KVAULT_STORE if set and non-empty, else
 * the default. */
const char *kvaultctl_store_dir(const char *opt);

/*
 * A key name the store can hold: a key name (1..KVAULT_KEY_NAME_MAX - 1
 * printable ASCII characters without space) with no '/' that does not
 * start with '.' (temporary files do). 0 or -EINVAL.
 */
int kvaultctl_store_name_check(const char *name);

/* DIR/NAME.blob into @buf; -ENAMETOOLONG if it does not fit. */
int kvaultctl_store_path(const char *dir, const char *name, char *buf,
			 size_t len);

/* Create @dir (mode 0700) if it does not exist; 0 or a negative errno. */
int kvaultctl_store_ensure_dir(const char *dir);

/*
 * Write @len bytes as DIR/NAME.blob, atomically. Returns 0 or a negative
 * errno; *@step then names what failed ("creating a temporary file").
 */
int kvaultctl_store_write(const char *dir, const char *name, const void *data,
			  size_t len, const char **step);

/*
 * Tests only: called after the temporary file @tmp is complete and synced,
 * before it is renamed to @dst; a non-zero return fails the write there.
 */
extern int (*kvaultctl_store_test_hook)(const char *tmp, const char *dst);

/* Remove DIR/NAME.blob and sync the directory: 0, -ENOENT if there was
 * none, or another negative errno. */
int kvaultctl_store_remove(const char *dir, const char *name);

/*
 * Read a blob file into @buf (KVAULTCTL_BLOB_BUF bytes): 0 with *@len set;
 * -EFBIG if it holds more than KVAULT_BLOB_MAX bytes; another negative
 * errno. With @store_file the file must be a regular file and not a
 * symbolic link (-EINVAL otherwise); it is opened without blocking.
 */
int kvaultctl_read_blob(const char *path, bool store_file, uint8_t *buf,
			size_t *len);

/*
 * The names of the store's NAME.blob files, sorted (strcmp), skipping
 * hidden files and files without the suffix; names that are not store
 * names (kvaultctl_store_name_check()) are listed too, for the caller to
 * report. *@names is freed with kvaultctl_store_list_free(). -ENOENT if
 * @dir does not exist; another negative errno.
 */
int kvaultctl_store_list(const char *dir, char ***names, size_t *count);
void kvaultctl_store_list_free(char **names, size_t count);

#endif
