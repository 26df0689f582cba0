// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "volconf.h"

/* Fields of a volumes line: NAME DEVICE KEY OPTIONS. */
#define FIELDS		4
/* Values in messages are cut to this. */
#define SHOWN		40

int kvaultctl_volume_name_check(const char *name)
{
	size_t i, n;

	if (!name)
		return -EINVAL;
	n = strnlen(name, KVAULTCTL_VOLUME_NAME_MAX + 1);
	if (n == 0 || n > KVAULTCTL_VOLUME_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (name[i] <= 0x20 || name[i] > 0x7e || name[i] == '/')
			return -EINVAL;
	return 0;
}

int kvaultctl_volume_cipher_check(const char *cipher)
{
	return cipher && !strcmp(cipher, KVAULTCTL_VOLUME_CIPHER) ? 0 : -EINVAL;
}

int kvaultctl_volume_sector_size(const char *s, uint32_t *size)
{
	uint64_t n;

	if (kvaultctl_parse_uint(s, KVAULTCTL_SECTOR_MIN, KVAULTCTL_SECTOR_MAX,
				 &n) || (n & (n - 1)))
		return -EINVAL;
	*size = (uint32_t)n;
	return 0;
}

int kvaultctl_volume_key_version(const char *s, uint32_t *version)
{
	uint64_t n;

	if (kvaultctl_parse_uint(s, 1, UINT32_MAX, &n))
		return -EINVAL;
	*version = (uint32_t)n;
	return 0;
}

static int why_set(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static const char *cut(const char *s)
{
	return strnlen(s, SHOWN + 1) > SHOWN ? "..." : "";
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One "name=value" of the options field. */
static int volume_option(char *opt, struct kvaultctl_volume *vol,
			 unsigned int *seen, char *why, size_t whylen)
{
	static const char *const names[] = {
		"cipher", "sector-size", "key-version"
	};
	char *value = strchr(opt, '=');
	unsigned int i;
	int ret;

	if (!*opt)
		return why_set(why, whylen, "empty option (options are separated by one ',')");
	if (!value)
		return why_set(why, whylen,
			       "option '%.40s%s' has no value (use cipher=, sector-size= or key-version=)",
			       opt, cut(opt));
	*value++ = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(opt, names[i]))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return why_set(why, whylen,
			       "unknown option '%.40s%s' (use cipher=, sector-size= or key-version=)",
			       opt, cut(opt));
	if (*seen & (1U << i))
		return why_set(why, whylen, "option '%s' given twice", opt);
	*seen |= 1U << i;
	switch (i) {
	case 0:
		ret = kvaultctl_volume_cipher_check(value);
		if (ret)
			return why_set(why, whylen,
				       "unsupported cipher '%.40s%s' (only %s)",
				       value, cut(value),
				       KVAULTCTL_VOLUME_CIPHER);
		return 0;
	case 1:
		ret = kvaultctl_volume_sector_size(value, &vol->sector_size);
		if (ret)
			return why_set(why, whylen,
				       "invalid sector-size '%.40s%s' (512, 1024, 2048 or 4096)",
				       value, cut(value));
		return 0;
	default:
		ret = kvaultctl_volume_key_version(value, &vol->key_version);
		if (ret)
			return why_set(why, whylen,
				       "invalid key-version '%.40s%s' (a number from 1 to %u)",
				       value, cut(value), UINT32_MAX);
		return 0;
	}
}

int kvaultctl_volume_line(char *line, struct kvaultctl_volume *vol,
			  char *why, size_t whylen)
{
	char *field[FIELDS + 1], *p = line, *opt, *next;
	unsigned int n = 0, seen = 0;

	memset(vol, 0, sizeof(*vol));
	if (why && whylen)
		why[0] = '\0';
	while (*p) {
		while (blank(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == FIELDS)
			return why_set(why, whylen,
				       "unexpected field '%.40s%s' (NAME DEVICE KEY [OPTIONS], options separated by ',' without blanks)",
				       p, cut(p));
		field[n++] = p;
		while (*p && !blank(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (n == 0)
		return 0;
	if (n < 3)
		return why_set(why, whylen,
			       "expected NAME DEVICE KEY [OPTIONS], found %u field%s",
			       n, n == 1 ? "" : "s");
	vol->name = field[0];
	vol->device = field[1];
	vol->key_arg = field[2];
	if (kvaultctl_volume_name_check(vol->name))
		return why_set(why, whylen,
			       "invalid volume name '%.40s%s' (1 to %d printable characters without spaces or '/')",
			       vol->name, cut(vol->name),
			       KVAULTCTL_VOLUME_NAME_MAX);
	if (vol->device[0] != '/')
		return why_set(why, whylen,
			       "device '%.40s%s' is not an absolute path",
			       vol->device, cut(vol->device));
	if (kvaultctl_parse_key_ref(vol->key_arg, &vol->key))
		return why_set(why, whylen,
			       "invalid key '%.40s%s' (a name of 1 to %d printable characters without spaces, or id:N)",
			       vol->key_arg, cut(vol->key_arg),
			       KVAULT_KEY_NAME_MAX - 1);
	for (opt = n > 3 ? field[3] : NULL; opt; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (volume_option(opt, vol, &seen, why, whylen))
			return -EINVAL;
	}
	return 1;
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:	return "a directory";
	case S_IFIFO:	return "a FIFO";
	case S_IFCHR:	return "a character device";
	case S_IFBLK:	return "a block device";
	case S_IFSOCK:	return "a socket";
	default:	return "not a regular file";
	}
}

int kvaultctl_volumes_stat_check(const struct stat *st, uid_t euid,
				 char *why, size_t whylen)
{
	if (!S_ISREG(st->st_mode))
		why_set(why, whylen, "not a regular file (%s)",
			file_type(st->st_mode));
	else if (st->st_size > KVAULTCTL_VOLUMES_SIZE_MAX)
		why_set(why, whylen, "larger than %d bytes",
			KVAULTCTL_VOLUMES_SIZE_MAX);
	else if (st->st_uid != 0 && (euid == 0 || st->st_uid != euid))
		why_set(why, whylen, "owned by uid %u, not by root%s",
			(unsigned int)st->st_uid,
			euid ? " or the user running kvaultctl" : "");
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		why_set(why, whylen,
			"writable by its group or others (mode %04o; chmod go-w it)",
			(unsigned int)(st->st_mode & 07777));
	else
		return 0;
	return -EPERM;
}

void kvaultctl_volumes_init(struct kvaultctl_volumes_file *vf, FILE *f)
{
	memset(vf, 0, sizeof(*vf));
	vf->f = f;
}

int kvaultctl_volumes_open(struct kvaultctl_volumes_file *vf, const char *path,
			   char *why, size_t whylen)
{
	struct stat st;
	FILE *f;
	int fd, ret;

	kvaultctl_volumes_init(vf, NULL);
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		why_set(why, whylen, "%s", strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		why_set(why, whylen, "%s", strerror(errno));
		close(fd);
		return ret;
	}
	ret = kvaultctl_volumes_stat_check(&st, geteuid(), why, whylen);
	if (ret) {
		close(fd);
		return ret;
	}
	f = fdopen(fd, "r");
	if (!f) {
		ret = -errno;
		why_set(why, whylen, "%s", strerror(errno));
		close(fd);
		return ret;
	}
	vf->f = f;
	return 0;
}

void kvaultctl_volumes_close(struct kvaultctl_volumes_file *vf)
{
	if (vf->f)
		fclose(vf->f);
	free(vf->seen);
	memset(vf, 0, sizeof(*vf));
}

/*
 * The next line into @vf->line without its newline: 1, 0 at the end,
 * -EINVAL for a line too long or with a NUL byte (read to its end),
 * -EFBIG past a cap, -EIO.
 */
static int read_line(struct kvaultctl_volumes_file *vf, char *why,
		     size_t whylen)
{
	size_t n = 0;
	bool nul = false;
	int c = EOF;

	if (vf->line_no < KVAULTCTL_VOLUMES_LINES_MAX) {
		while ((c = getc(vf->f)) != EOF) {
			if (++vf->size > KVAULTCTL_VOLUMES_SIZE_MAX) {
				why_set(why, whylen,
					"the file is larger than %d bytes; the rest is not read",
					KVAULTCTL_VOLUMES_SIZE_MAX);
				return -EFBIG;
			}
			if (c == '\n')
				break;
			if (c == '\0')
				nul = true;
			if (n < KVAULTCTL_VOLUMES_LINE_MAX)
				vf->line[n] = (char)c;
			n++;
		}
	} else if ((c = getc(vf->f)) != EOF) {
		why_set(why, whylen,
			"the file has more than %d lines; the rest is not read",
			KVAULTCTL_VOLUMES_LINES_MAX);
		return -EFBIG;
	}
	if (ferror(vf->f)) {
		why_set(why, whylen, "read error: %s", strerror(EIO));
		return -EIO;
	}
	if (c == EOF && n == 0)
		return 0;
	vf->line_no++;
	vf->line[n < KVAULTCTL_VOLUMES_LINE_MAX ? n :
		 KVAULTCTL_VOLUMES_LINE_MAX] = '\0';
	if (n > KVAULTCTL_VOLUMES_LINE_MAX)
		return why_set(why, whylen, "line too long (more than %d bytes)",
			       KVAULTCTL_VOLUMES_LINE_MAX);
	if (nul)
		return why_set(why, whylen,
			       "the line contains a NUL byte (the volumes file is text)");
	return 1;
}

/* A name of an earlier line: an error; else remembered. */
static int check_duplicate(struct kvaultctl_volumes_file *vf,
			   const char *name, char *why, size_t whylen)
{
	struct kvaultctl_volumes_seen *seen;
	unsigned int i;

	for (i = 0; i < vf->n_seen; i++)
		if (!strcmp(vf->seen[i].name, name))
			return why_set(why, whylen,
				       "volume name '%s' is used on line %u already",
				       name, vf->seen[i].line_no);
	/* power-of-two sizes; n_seen < KVAULTCTL_VOLUMES_LINES_MAX */
	if (!(vf->n_seen & (vf->n_seen - 1))) {
		seen = realloc(vf->seen, (vf->n_seen ? 2 * vf->n_seen : 1) *
			       sizeof(*seen));
		if (!seen) {
			why_set(why, whylen, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
		vf->seen = seen;
	}
	snprintf(vf->seen[vf->n_seen].name, sizeof(vf->seen[0].name), "%s",
		 name);
	vf->seen[vf->n_seen++].line_no = vf->line_no;
	return 0;
}

int kvaultctl_volumes_next(struct kvaultctl_volumes_file *vf,
			   struct kvaultctl_volume *vol, char *why,
			   size_t whylen)
{
	int ret;

	do {
		ret = read_line(vf, why, whylen);
		if (ret <= 0)
			return ret;
		ret = kvaultctl_volume_line(vf->line, vol, why, whylen);
	} while (ret == 0);
	if (ret < 0)
		return ret;
	ret = check_duplicate(vf, vol->name, why, whylen);
	return ret ? ret : 1;
}

int kvaultctl_volume_params(const char *hexref, const char *device,
			    uint32_t sector_size, char *buf, size_t len)
{
	char extra[32] = "";
	int n;

	if (sector_size)
		snprintf(extra, sizeof(extra), " 1 sector_size:%u", sector_size);
	n = snprintf(buf, len, "%s %s 0 %s 0%s", KVAULTCTL_VOLUME_CAPI, hexref,
		     device, extra);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

uint64_t kvaultctl_volume_sectors(uint64_t bytes, uint32_t sector_size)
{
	uint64_t unit = sector_size ? sector_size : 512;

	return bytes / unit * (unit / 512);
}

/* The next blank-separated word of *pp into @buf; -EINVAL if none/long. */
static int next_word(const char **pp, char *buf, size_t len)
{
	const char *p = *pp;
	size_t n;

	while (*p == ' ')
		p++;
	n = strcspn(p, " ");
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*pp = p + n;
	return 0;
}

static int word_u64(const char **pp, uint64_t *v)
{
	char w[24];

	if (next_word(pp, w, sizeof(w)))
		return -EINVAL;
	return kvaultctl_parse_uint(w, 0, UINT64_MAX, v);
}

/* The key field: a kvault reference in hex, or a keyring key's ":..." */
static int table_key(const char *key, struct kvaultctl_crypt_table *t)
{
	uint8_t ref[KVAULT_KEY_REF_MAX_SIZE];
	size_t n;

	if (key[0] == ':') {
		if (strlen(key) >= sizeof(t->key_desc))
			return -EINVAL;
		strcpy(t->key_desc, key);
		return 0;
	}
	if (!strcmp(key, "-") ||
	    kvaultctl_parse_hex(key, strlen(key), false, ref, sizeof(ref), &n) ||
	    kvault_key_ref_parse(ref, n, &t->ref) != (int)n)
		return 0;	/* a key, but not a reference: not kvault's */
	t->kvault = true;
	return 0;
}

int kvaultctl_crypt_table_parse(const char *params,
				struct kvaultctl_crypt_table *t)
{
	char key[KVAULT_KEY_REF_HEX_MAX + 256], word[64];
	const char *p = params;
	uint64_t nargs, i, v;

	memset(t, 0, sizeof(*t));
	t->sector_size = 512;
	if (!p || next_word(&p, t->cipher, sizeof(t->cipher)) ||
	    next_word(&p, key, sizeof(key)) || word_u64(&p, &t->iv_offset) ||
	    next_word(&p, t->device, sizeof(t->device)) ||
	    word_u64(&p, &t->offset) || table_key(key, t))
		goto bad;
	if (word_u64(&p, &nargs))
		nargs = 0;
	for (i = 0; i < nargs; i++) {
		if (next_word(&p, word, sizeof(word)))
			goto bad;
		if (!strncmp(word, "sector_size:", 12) &&
		    !kvaultctl_parse_uint(word + 12, KVAULTCTL_SECTOR_MIN,
					  KVAULTCTL_SECTOR_MAX, &v))
			t->sector_size = (uint32_t)v;
	}
	return 0;
bad:
	memset(t, 0, sizeof(*t));
	return -EINVAL;
}
