/* SPDX-License-Identifier: GPL-2.0 */
/* Capture what a function prints to a FILE *, for the host unit tests. */
#ifndef KVAULT_TESTS_CAPTURE_H
#define KVAULT_TESTS_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

/* Close and return the text (owned by @c). */
static inline const char *cap_text(struct capture *c)
{
	fclose(c->f);
	c->f = NULL;
	return c->buf ? c->buf : "";
}

static inline void cap_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

#endif
