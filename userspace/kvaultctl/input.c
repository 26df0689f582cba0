// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "input.h"
#include "parse.h"

static void say(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
}

/* One line from @fd into @pin, byte by byte; the count, or -errno. */
static int read_line(int fd, char *pin, size_t *len, bool *too_long)
{
	size_t n = 0;
	ssize_t r;
	char c;

	*too_long = false;
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			explicit_bzero(&c, sizeof(c));
			return -errno;
		}
		if (r == 0 || c == '\n')
			break;
		if (n == KVAULTCTL_PIN_BUF) {
			*too_long = true;	/* read on to the line's end */
			continue;
		}
		pin[n++] = c;
	}
	explicit_bzero(&c, sizeof(c));
	if (n && pin[n - 1] == '\r')
		pin[--n] = '\0';
	*len = n;
	return 0;
}

int kvaultctl_read_pin(const char *path, char pin[KVAULTCTL_PIN_BUF],
		       size_t *len, char *why, size_t whylen)
{
	struct termios old, quiet;
	bool tty = false, too_long;
	size_t i, n = 0;
	int fd = 0, ret;

	*len = 0;
	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			ret = -errno;
			say(why, whylen, strerror(errno));
			return ret;
		}
	} else if (isatty(0) && !tcgetattr(0, &old)) {
		tty = true;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		fputs("PIN: ", stderr);
		fflush(stderr);
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ret = read_line(fd, pin, &n, &too_long);
	if (tty)
		tcsetattr(0, TCSAFLUSH, &old);
	if (path)
		close(fd);
	if (ret) {
		say(why, whylen, strerror(-ret));
		goto fail;
	}
	if (too_long || n > KVAULT_PIN_MAX) {
		ret = -E2BIG;
		if (why && whylen)
			snprintf(why, whylen,
				 "the PIN is too long (at most %d characters)",
				 KVAULT_PIN_MAX);
		goto fail;
	}
	if (n == 0) {
		ret = -EINVAL;
		say(why, whylen, "the PIN is empty");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (pin[i] <= 0x20 || pin[i] > 0x7e) {
			ret = -EINVAL;
			say(why, whylen,
			    "the PIN may only hold printable ASCII characters other than space");
			goto fail;
		}
	}
	*len = n;
	return 0;
fail:
	explicit_bzero(pin, KVAULTCTL_PIN_BUF);
	return ret;
}

int kvaultctl_read_values_file(const char *path, uint8_t *out, size_t max,
			       size_t *len)
{
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd, ret = 0;

	*len = 0;
	buf = malloc(KVAULTCTL_VALUES_FILE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	while (got <= KVAULTCTL_VALUES_FILE_MAX) {
		n = read(fd, buf + got, KVAULTCTL_VALUES_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!ret && got > KVAULTCTL_VALUES_FILE_MAX)
		ret = -E2BIG;
	if (!ret)
		ret = kvaultctl_parse_hex(buf, got, true, out, max, len);
out:
	free(buf);
	return ret;
}
