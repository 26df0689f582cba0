/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure side of kvaultctl's dm-crypt volumes: option values, the
 * volumes file (/etc/kvault/volumes) checked and read, and the dm-crypt
 * table that uses a vault key by reference, built and read back. Nothing
 * here touches device-mapper or the vault; volume.c does.
 */
#ifndef KVAULTCTL_VOLCONF_H
#define KVAULTCTL_VOLCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "libkvault.h"
#include "parse.h"

#define KVAULTCTL_VOLUMES_CONFIG	"/etc/kvault/volumes"
/* The one cipher kvaultctl maps, and the kernel's name for it. */
#define KVAULTCTL_VOLUME_CIPHER		"aes-xts-plain64"
#define KVAULTCTL_VOLUME_CAPI		"capi:kvault(xts(aes))-plain64"
/* A device-mapper name: DM_NAME_LEN (128) with its NUL. */
#define KVAULTCTL_VOLUME_NAME_MAX	127
/* dm-crypt's sector_size: 512..4096, a power of two. */
#define KVAULTCTL_SECTOR_MIN		512
#define KVAULTCTL_SECTOR_MAX		4096
/* Room for a table's parameters: the capi name, the hex reference, a
 * device path and the optional arguments. */
#define KVAULTCTL_VOLUME_PARAMS_MAX	(KVAULT_KEY_REF_HEX_MAX + 4096 + 128)

/* One volume: from the command line or a line of the volumes file. */
struct kvaultctl_volume {
	const char *name;		/* device-mapper name */
	const char *device;		/* the block device */
	struct kvaultctl_key_ref key;	/* the vault key */
	const char *key_arg;		/* ... as written */
	uint32_t sector_size;		/* 0: dm-crypt's default (512) */
	uint32_t key_version;		/* 0: the newest, pinned at open */
};

/*
 * A device-mapper name: 1..KVAULTCTL_VOLUME_NAME_MAX printable ASCII
 * characters without space or '/', not "." or "..". 0 or -EINVAL.
 */
int kvaultctl_volume_name_check(const char *name);

/*
 * The option values, shared by the command line and the volumes file.
 * Each returns 0 or -EINVAL and writes its output only on success.
 */
int kvaultctl_volume_cipher_check(const char *cipher);
int kvaultctl_volume_sector_size(const char *s, uint32_t *size);
int kvaultctl_volume_key_version(const char *s, uint32_t *version);

/*
 * One line of the volumes file, "NAME DEVICE KEY [OPTIONS]", OPTIONS
 * comma-separated cipher=, sector-size=, key-version= (each at most once);
 * blanks separate fields, '#' starts a comment at the start of a field.
 * @line is modified (NUL-terminated fields); @vol points into it.
 *
 * Return: 1 with @vol filled, 0 for a blank or comment line, -EINVAL with
 * @why saying what is wrong.
 */
int kvaultctl_volume_line(char *line, struct kvaultctl_volume *vol,
			  char *why, size_t whylen);

/*
 * Caps on the volumes file: a longer line is refused on its own, a larger
 * file or one with more lines is refused from there on.
 */
#define KVAULTCTL_VOLUMES_LINE_MAX	4096	/* bytes, without the newline */
#define KVAULTCTL_VOLUMES_LINES_MAX	10000
#define KVAULTCTL_VOLUMES_SIZE_MAX	(1024 * 1024)

/*
 * Whether the volumes file, as fstat() sees it, may be trusted by a process
 * of effective user @euid (as sshd and sudo judge their configuration): a
 * regular file of at most KVAULTCTL_VOLUMES_SIZE_MAX bytes, owned by root
 * (or, for a user other than root, by that user), not writable by group or
 * others. 0, or -EPERM with @why saying what is wrong.
 */
int kvaultctl_volumes_stat_check(const struct stat *st, uid_t euid,
				 char *why, size_t whylen);

/* A volumes file being read: kvaultctl_volumes_next() line by line. */
struct kvaultctl_volumes_file {
	FILE *f;
	unsigned int line_no;		/* of the line last returned */
	size_t size;			/* bytes read so far */
	char line[KVAULTCTL_VOLUMES_LINE_MAX + 1];
	struct kvaultctl_volumes_seen {	/* names so far, for duplicates */
		char name[KVAULTCTL_VOLUME_NAME_MAX + 1];
		unsigned int line_no;
	} *seen;
	unsigned int n_seen;
};

/*
 * Open @path for reading without blocking (a FIFO with no writer is
 * refused, not waited for) and check it with kvaultctl_volumes_stat_check()
 * for geteuid(). 0, or a negative errno value with @why saying what is
 * wrong.
 */
int kvaultctl_volumes_open(struct kvaultctl_volumes_file *vf, const char *path,
			   char *why, size_t whylen);
/* Read an open stream @f (taken over: closed by kvaultctl_volumes_close). */
void kvaultctl_volumes_init(struct kvaultctl_volumes_file *vf, FILE *f);
void kvaultctl_volumes_close(struct kvaultctl_volumes_file *vf);

/*
 * The next volume of the file, past blank and comment lines; @vol points
 * into @vf until the next call.
 *
 * Return: 1 with @vol filled; 0 at the end of the file; -EINVAL for a bad
 * line (too long, a NUL byte, a kvaultctl_volume_line() error, a name an
 * earlier line has), with @why saying what is wrong and @vf->line_no its
 * number: call again for the next line; -EFBIG (the file is over a cap),
 * -EIO (a read error) or -ENOMEM, with @why set: the rest of the file is
 * not read.
 */
int kvaultctl_volumes_next(struct kvaultctl_volumes_file *vf,
			   struct kvaultctl_volume *vol, char *why,
			   size_t whylen);

/*
 * The dm-crypt table's parameters for @vol's device with the key reference
 * @hexref: "capi:kvault(xts(aes))-plain64 HEXREF 0 DEVICE 0" and
 * " 1 sector_size:N" when @sector_size is set. 0 or -ENOSPC.
 */
int kvaultctl_volume_params(const char *hexref, const char *device,
			    uint32_t sector_size, char *buf, size_t len);

/*
 * The mapping's length in 512-byte sectors for a device of @bytes: whole
 * sectors of @sector_size (0: 512). 0 if the device holds none.
 */
uint64_t kvaultctl_volume_sectors(uint64_t bytes, uint32_t sector_size);

/* A crypt target's parameters read back (the kernel's table line). */
struct kvaultctl_crypt_table {
	char cipher[64];
	bool kvault;			/* the key is a kvault reference ... */
	struct kvault_key_ref_info ref;	/* ... this one */
	char key_desc[KVAULT_KEY_NAME_MAX + 32]; /* else ":LEN:TYPE:DESC" or "" */
	char device[32];		/* MAJOR:MINOR as the kernel shows it */
	uint64_t iv_offset;
	uint64_t offset;
	uint32_t sector_size;		/* 512 unless sector_size:N */
};

/*
 * Parse a crypt target's parameters ("CIPHER KEY IV_OFFSET DEV OFFSET
 * [N ARGS...]"). -EINVAL if they are not a crypt table's.
 */
int kvaultctl_crypt_table_parse(const char *params,
				struct kvaultctl_crypt_table *t);

#endif
