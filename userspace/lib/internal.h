/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkvault's internals, shared by its source files and nothing else: the
 * handle and the transports' building blocks, all in libkvault.c. They are
 * hidden from the shared library by -fvisibility=hidden and the version
 * script, and localised in the static library (see userspace/Makefile).
 */
#ifndef LIBKVAULT_INTERNAL_H
#define LIBKVAULT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "libkvault.h"

#define KVAULT_EXPORT		__attribute__((visibility("default")))
#define KVAULT_ERRMSG_LEN	256
#define KVAULT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct kvault {
	enum kvault_transport transport;
	int fd;				/* /dev/kvault, or -1 until needed */
	struct nl_sock *sk;		/* netlink socket, or NULL until needed */
	int family;			/* netlink: resolved family id */
	char errmsg[KVAULT_ERRMSG_LEN];	/* extack message of the last call */
};

/* Parses the attributes of one reply; 0 or a negative errno value. */
typedef int (*genl_parse_fn)(const struct nlattr *attrs, int len, void *arg);

void errmsg_clear(struct kvault *kv);
int nle_to_errno(int nle);

/* Open /dev/kvault or the netlink family on @kv if it has not yet. */
int kvault_need_ioctl(struct kvault *kv);
int kvault_need_genl(struct kvault *kv);

int ioctl_call(int fd, unsigned long request, void *arg);

/* keys.c: a reply's size is at least @ver0 and at most what was @sent */
bool reply_size_ok(uint32_t size, uint32_t ver0, size_t sent);
/* keys.c: copy @name into a name field (it must fit with its NUL) */
int name_copy(char dst[KVAULT_KEY_NAME_MAX], const char *name);
/* keys.c: exactly one of @id (> 0) and @name */
bool key_ref_ok(int32_t id, const char *name);
/*
 * keys.c: a key ioctl on the key @id or @name: checks them, copies @name
 * into @name_field of @req (zeroed by the caller, its size and ID set) and
 * calls @request. 0 or a negative errno value; the reply is the caller's.
 */
int key_ioctl(struct kvault *kv, unsigned long request, int32_t id,
	      const char *name, char name_field[KVAULT_KEY_NAME_MAX],
	      void *req);

int attrs_index(const struct nlattr **tb, int maxtype,
		const struct nlattr *head, int len);
int attr_u32(const struct nlattr *nla, uint32_t *v);
int attr_u64(const struct nlattr *nla, uint64_t *v);
int attr_str(const struct nlattr *nla, char *dst, size_t dstlen);

/* A request of @cmd to the kvault family, or NULL without memory. */
struct nl_msg *genl_request(struct kvault *kv, uint8_t cmd);
/* Send @msg (consumed) and parse its one reply with @parse. */
int genl_transact(struct kvault *kv, struct nl_msg *msg, genl_parse_fn parse,
		  void *arg);
/* Send @msg (consumed) as a dump and parse every reply with @parse. */
int genl_dump(struct kvault *kv, struct nl_msg *msg, genl_parse_fn parse,
	      void *arg);

#endif
