/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keyring side of kvault keys, through libkeyutils (keyctl). */
#ifndef KVAULTCTL_KEYRING_H
#define KVAULTCTL_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The keyctl payload that creates a key: "new ALG [usage=U1,U2]
 * [exportable=1]" (the grammar of <linux/kvault.h>); usage 0 is left out,
 * so that the key gets every usage ALG allows. Returns 0, -EINVAL for an
 * unknown algorithm, or -ENOSPC if @buf is too small.
 */
int kvaultctl_keyctl_payload(uint32_t alg, uint32_t alg_len, uint32_t usage,
			     bool exportable, char *buf, size_t len);

/*
 * "keyctl add kvault NAME PAYLOAD RING": @ring is a serial or KEY_SPEC_*.
 * Returns the new key's ID, or a negative errno value.
 */
int32_t kvaultctl_keyctl_add(const char *name, const char *payload,
			     int32_t ring);

/*
 * The serial of keyring @ring (a serial or KEY_SPEC_*; a special keyring
 * is created if it does not exist yet), as keyctl_get_keyring_ID(); or a
 * negative errno value.
 */
int32_t kvaultctl_keyring_resolve(int32_t ring);

/* "keyctl link ID RING": 0 or a negative errno value. */
int kvaultctl_keyctl_link(int32_t id, int32_t ring);

/*
 * The description of key @id (the last field of keyctl describe) into
 * @buf; 0 or a negative errno value (-ENOSPC if it does not fit).
 */
int kvaultctl_keyctl_description(int32_t id, char *buf, size_t len);

/* "keyctl revoke ID": 0 or a negative errno value. */
int kvaultctl_keyctl_revoke(int32_t id);

#endif
