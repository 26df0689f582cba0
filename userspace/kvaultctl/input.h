/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the sealing commands read besides blobs: a PIN, expected values. */
#ifndef KVAULTCTL_INPUT_H
#define KVAULTCTL_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvault.h>

/* A PIN buffer: the PIN and room to see that a line is too long. */
#define KVAULTCTL_PIN_BUF	(KVAULT_PIN_MAX + 2)
/* The largest --pcr-values-file: hex of every value, with blanks. */
#define KVAULTCTL_VALUES_FILE_MAX	(8 * KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE)

/*
 * Read a PIN: the first line of the file @path, or of stdin if @path is
 * NULL (without echo if it is a terminal, after a prompt on stderr). One
 * trailing "\n" or "\r\n" is dropped. Read byte by byte into @pin only (no
 * stdio buffer keeps a copy); the caller wipes @pin with explicit_bzero().
 *
 * Return: 0 with *@len set; -E2BIG for a line longer than KVAULT_PIN_MAX;
 * -EINVAL for an empty PIN or one with a character that is not printable
 * ASCII or is a space (@why says which); another negative errno for an
 * error reading (@why says so too).
 */
int kvaultctl_read_pin(const char *path, char pin[KVAULTCTL_PIN_BUF],
		       size_t *len, char *why, size_t whylen);

/*
 * Read expected PCR values from @path: hex, blanks and newlines ignored.
 * Return: 0 with *@len set; -E2BIG for a file over
 * KVAULTCTL_VALUES_FILE_MAX bytes or more than @max values' bytes;
 * -EINVAL for anything not hex; another negative errno reading it.
 */
int kvaultctl_read_values_file(const char *path, uint8_t *out, size_t max,
			       size_t *len);

#endif
