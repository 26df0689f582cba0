// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

int (*kvaultctl_store_test_hook)(const char *tmp, const char *dst);

const char *kvaultctl_store_dir(const char *opt)
{
	const char *env;

	if (opt && *opt)
		return opt;
	env = secure_getenv("KVAULT_STORE");
	return env && *env ? env : KVAULTCTL_STORE_DEFAULT;
}

int kvaultctl_store_name_check(const char *name)
{
	size_t i, n;

	if (!name)
		return -EINVAL;
	n = strnlen(name, KVAULT_KEY_NAME_MAX);
	if (n == 0 || n == KVAULT_KEY_NAME_MAX || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (name[i] <= 0x20 || name[i] > 0x7e || name[i] == '/')
			return -EINVAL;
	return 0;
}

int kvaultctl_store_path(const char *dir, const char *name, char *buf,
			 size_t len)
{
	int n = snprintf(buf, len, "%s/%s" KVAULTCTL_STORE_SUFFIX, dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* fsync a directory, so that the names in it are on disk. */
static int sync_dir(const char *dir)
{
	int fd, ret = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* The directory @path is in ("." for a bare name), into @buf. */
static void parent_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash) {
		snprintf(buf, len, ".");
		return;
	}
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1;		/* "/x": the root */
	snprintf(buf, len, "%.*s", (int)n, path);
}

int kvaultctl_store_ensure_dir(const char *dir)
{
	char parent[PATH_MAX];
	struct stat st;

	if (mkdir(dir, 0700) == 0) {
		/* exactly 0700, whatever the umask */
		if (chmod(dir, 0700))
			return -errno;
		parent_of(dir, parent, sizeof(parent));
		return sync_dir(parent);
	}
	if (errno != EEXIST)
		return -errno;
	if (stat(dir, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kvaultctl_store_write(const char *dir, const char *name, const void *data,
			  size_t len, const char **step)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	const char *dummy;
	int fd, ret, n;

	if (!step)
		step = &dummy;
	*step = "checking the key name";
	if (kvaultctl_store_name_check(name))
		return -EINVAL;
	*step = "naming the file";
	ret = kvaultctl_store_path(dir, name, dst, sizeof(dst));
	n = snprintf(tmp, sizeof(tmp), "%s/.%s" KVAULTCTL_STORE_SUFFIX ".XXXXXX",
		     dir, name);
	if (ret || n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	*step = "creating the store directory";
	ret = kvaultctl_store_ensure_dir(dir);
	if (ret)
		return ret;

	*step = "creating a temporary file";
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*step = "setting the temporary file's mode";
	ret = fchmod(fd, 0600) ? -errno : 0;
	if (!ret) {
		*step = "writing the temporary file";
		ret = write_all(fd, data, len);
	}
	if (!ret) {
		*step = "syncing the temporary file";
		ret = fsync(fd) ? -errno : 0;
	}
	if (close(fd) && !ret) {
		*step = "closing the temporary file";
		ret = -errno;
	}
	if (!ret && kvaultctl_store_test_hook) {
		*step = "the test hook";
		ret = kvaultctl_store_test_hook(tmp, dst);
	}
	if (!ret) {
		*step = "renaming the temporary file";
		ret = rename(tmp, dst) ? -errno : 0;
	}
	if (ret) {
		unlink(tmp);
		return ret;
	}
	*step = "syncing the store directory";
	return sync_dir(dir);
}

int kvaultctl_store_remove(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int ret;

	ret = kvaultctl_store_path(dir, name, path, sizeof(path));
	if (ret)
		return ret;
	if (unlink(path))
		return errno == ENOTDIR ? -ENOENT : -errno;
	return sync_dir(dir);
}

int kvaultctl_read_blob(const char *path, bool store_file, uint8_t *buf,
			size_t *len)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
	size_t got = 0;
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	*len = 0;
	if (store_file)
		flags |= O_NOFOLLOW | O_NONBLOCK;
	fd = open(path, flags);
	if (fd < 0)
		return errno == ELOOP && store_file ? -EINVAL : -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (store_file && !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > KVAULT_BLOB_MAX) {
		ret = -EFBIG;
		goto out;
	}
	/* read one byte more than a blob may have: a file that grew */
	while (got < KVAULTCTL_BLOB_BUF) {
		n = read(fd, buf + got, KVAULTCTL_BLOB_BUF - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > KVAULT_BLOB_MAX)
		ret = -EFBIG;
	else
		*len = got;
out:
	close(fd);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kvaultctl_store_list_free(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int kvaultctl_store_list(const char *dir, char ***names, size_t *count)
{
	const size_t sl = strlen(KVAULTCTL_STORE_SUFFIX);
	char **v = NULL, **bigger, *name;
	size_t n = 0, cap = 0, len;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	*names = NULL;
	*count = 0;
	d = opendir(dir);
	if (!d)
		return -errno;
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			ret = -errno;
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sl ||
		    strcmp(de->d_name + len - sl, KVAULTCTL_STORE_SUFFIX))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			bigger = realloc(v, cap * sizeof(*v));
			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			v = bigger;
		}
		name = strndup(de->d_name, len - sl);
		if (!name) {
			ret = -ENOMEM;
			break;
		}
		v[n++] = name;
	}
	closedir(d);
	if (ret) {
		kvaultctl_store_list_free(v, n);
		return ret;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*count = n;
	return 0;
}
