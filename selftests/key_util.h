/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kvault key selftests (key_*_test.c): the key ioctls,
 * raw add_key/keyctl syscalls (no libkeyutils), /proc/keys, and generic
 * netlink dumps and the "events" multicast group.
 *
 * Header-only (static inline) for now, because the selftests Makefile
 * links every test with test_util.o only; moving the bodies to key_util.c
 * needs the Makefile to link $(BUILD)/key_util.o as well.
 */
#ifndef KVAULT_KEY_UTIL_H
#define KVAULT_KEY_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/genetlink.h>
#include <linux/keyctl.h>

#include "test_util.h"

typedef int32_t key_serial_t;

#ifndef KEY_SPEC_PROCESS_KEYRING
#define KEY_SPEC_PROCESS_KEYRING -2
#endif

static inline key_serial_t kt_add_key(const char *type, const char *desc,
				      const void *payload, size_t plen,
				      key_serial_t ring)
{
	long rc = syscall(SYS_add_key, type, desc, payload, plen, ring);

	return rc < 0 ? -errno : (key_serial_t)rc;
}

/* add_key with a string payload (no NUL, as keyctl(1) sends it). */
static inline key_serial_t kt_add(const char *desc, const char *payload,
				  key_serial_t ring)
{
	return kt_add_key("kvault", desc, payload, strlen(payload), ring);
}

static inline long kt_keyctl(int op, unsigned long a2, unsigned long a3,
			     unsigned long a4, unsigned long a5)
{
	long rc = syscall(SYS_keyctl, op, a2, a3, a4, a5);

	return rc < 0 ? -errno : rc;
}

/* A fresh keyring for one test, linked to the process keyring. */
static inline key_serial_t kt_new_ring(const char *name)
{
	return kt_add_key("keyring", name, NULL, 0, KEY_SPEC_PROCESS_KEYRING);
}

/* keyctl describe: "type;uid;gid;perm;description". */
static inline long kt_describe(key_serial_t id, char *buf, size_t len)
{
	return kt_keyctl(KEYCTL_DESCRIBE, (unsigned long)id,
			 (unsigned long)buf, len, 0);
}

static inline int kv_create(int fd, const char *name, uint32_t alg,
			    uint32_t alg_len, uint32_t usage, uint32_t flags,
			    key_serial_t *id)
{
	struct kvault_key_create c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = flags;
	c.alg = alg;
	c.alg_len = alg_len;
	c.usage = usage;
	snprintf(c.name, sizeof(c.name), "%s", name);
	rc = ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, &c);
	if (!rc && id)
		*id = c.id;
	return rc;
}

/* A lifecycle ioctl on the key @id (or @name when @id is 0). */
static inline int kv_op(int fd, unsigned long cmd, key_serial_t id,
			const char *name, uint32_t arg,
			struct kvault_key_op *out)
{
	struct kvault_key_op op = { 0 }, *o = out ? out : &op;

	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
	o->id = id;
	o->arg = arg;
	if (!id && name)
		snprintf(o->name, sizeof(o->name), "%s", name);
	return ioctl_errno(fd, cmd, o);
}

/* A number from a sysfs or procfs file; -1 if it cannot be read. */
static inline long read_long_file(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Write a number to a sysfs or procfs file; 0 or -1. */
static inline int write_long_file(const char *path, long v)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "%ld\n", v);
	return fclose(f);
}

#define KT_IMPORT_PARAM "/sys/module/kvault/parameters/allow_plaintext_import"

/* Turn the module parameter allow_plaintext_import on or off; 0 or -1. */
static inline int kt_set_import(int on)
{
	return write_long_file(KT_IMPORT_PARAM, on);
}

/* Does /proc/keys list a key with this serial? */
static inline int kt_in_proc_keys(key_serial_t id)
{
	char line[512], want[16];
	FILE *f = fopen("/proc/keys", "r");
	int found = 0;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%08x ", (unsigned int)id);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want)))
			found = 1;
	fclose(f);
	return found;
}

/* ---- netlink: family and group resolution, dumps, events --------------- */

static inline uint32_t nla_u32(const void *buf, size_t len, uint16_t type,
			       uint32_t dflt)
{
	uint16_t plen;
	const void *p = attr_find(buf, len, type, &plen);
	uint32_t v = 0;

	if (!p || plen != 4)
		return dflt;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t nla_u64(const void *buf, size_t len, uint16_t type)
{
	uint16_t plen;
	const void *p = attr_find(buf, len, type, &plen);
	uint64_t v = 0;

	if (!p || plen != 8)
		return 0;
	memcpy(&v, p, 8);
	return v;
}

/* GET one key by ID (@id) or name; the reply's attributes into @reply. */
static inline int kn_get(struct genl_raw *g, key_serial_t id,
			 const char *name, void *reply, size_t *rlen)
{
	char attrs[256];
	size_t n = 0;
	uint32_t v = (uint32_t)id;

	if (id)
		n = attr_put(attrs, n, KVAULT_A_KEY_ID, &v, 4);
	if (name)
		n = attr_put(attrs, n, KVAULT_A_KEY_NAME, name,
			     strlen(name) + 1);
	return genl_raw_call(g, KVAULT_CMD_KEY_GET, attrs, n, reply, rlen);
}

/*
 * Dump every key; @cb(ctx, attrs, len) is called per key. Returns the
 * number of keys or -errno (from NLMSG_ERROR or a NLMSG_DONE error).
 */
static inline long kn_dump_buf(struct genl_raw *g, char *buf, size_t bufsz,
			       const void *attrs, size_t attrs_len,
			       void (*cb)(void *ctx, const void *a, size_t len),
			       void *ctx)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	long count = 0;
	ssize_t n;

	memset(buf, 0, NLMSG_SPACE(GENL_HDRLEN));
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(GENL_HDRLEN + attrs_len);
	nlh->nlmsg_type = g->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++g->seq;
	gh->cmd = KVAULT_CMD_KEY_GET;
	gh->version = KVAULT_GENL_VERSION;
	if (attrs_len)
		memcpy((char *)gh + GENL_HDRLEN, attrs, attrs_len);
	if (send(g->fd, buf, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(g->fd, buf, bufsz, 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != g->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err;

				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				return err < 0 ? err : count;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error ? e->error : count;
			}
			if (nlh->nlmsg_type != g->family)
				continue;
			gh = NLMSG_DATA(nlh);
			if (cb)
				cb(ctx, (char *)gh + GENL_HDRLEN,
				   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
			count++;
		}
	}
}

static inline long kn_dump(struct genl_raw *g, const void *attrs,
			   size_t attrs_len,
			   void (*cb)(void *ctx, const void *a, size_t len),
			   void *ctx)
{
	char *buf = malloc(65536);
	long rc;

	if (!buf)
		return -ENOMEM;
	rc = kn_dump_buf(g, buf, 65536, attrs, attrs_len, cb, ctx);
	free(buf);
	return rc;
}

/* The id of the "events" group, from CTRL_CMD_GETFAMILY; -errno. */
static inline int kn_events_group(void)
{
	char buf[8192] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	const char *a;
	size_t off, len;
	uint16_t plen;
	int fd, id = -ENOENT;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	memset(buf, 0, sizeof(buf));
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	off = attr_put((char *)gh + GENL_HDRLEN, 0, CTRL_ATTR_FAMILY_NAME,
		       KVAULT_GENL_NAME, sizeof(KVAULT_GENL_NAME));
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(GENL_HDRLEN + off);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0 ||
	    (n = recv(fd, buf, sizeof(buf), 0)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	if (!NLMSG_OK(nlh, (size_t)n) || nlh->nlmsg_type != GENL_ID_CTRL)
		return -EPROTO;
	len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	a = attr_find((char *)gh + GENL_HDRLEN, len, CTRL_ATTR_MCAST_GROUPS,
		      &plen);
	if (!a)
		return -ENOENT;
	/* nested: one nest per group with CTRL_ATTR_MCAST_GRP_NAME / _ID */
	for (off = 0; off + 4 <= plen;) {
		const struct nlattr *grp = (const void *)(a + off);
		const char *name;
		uint16_t nlen;

		if (grp->nla_len < 4)
			break;
		name = attr_find((const char *)grp + 4, grp->nla_len - 4u,
				 CTRL_ATTR_MCAST_GRP_NAME, &nlen);
		if (name && !strcmp(name, KVAULT_MCGRP_EVENTS))
			id = (int)nla_u32((const char *)grp + 4,
					  grp->nla_len - 4u,
					  CTRL_ATTR_MCAST_GRP_ID, 0);
		off += (grp->nla_len + 3u) & ~3u;
	}
	return id;
}

/* A socket subscribed to the events group; -errno. */
static inline int kn_events_open(int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, grp = kn_events_group();
	int rcvbuf = 4 << 20;

	if (grp < 0)
		return grp;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/*
	 * Bind, so the socket gets a port id: an unbound one has port 0,
	 * which the kernel's multicast (sent "from" port 0) skips as its
	 * sender.
	 */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = -errno;

		close(fd);
		return e;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

struct kn_event {
	uint64_t seq, time;
	uint32_t op, id, version, uid, pid;
	char name[KVAULT_KEY_NAME_MAX];
};

/* Receive one event (waits up to the socket's timeout); 0 or -errno. */
static inline int kn_event_recv(int fd, struct kn_event *ev)
{
	static char buf[8192] __attribute__((aligned(4)));
	static ssize_t left;
	static struct nlmsghdr *next;
	struct nlmsghdr *nlh;
	const char *a;
	size_t len;
	uint16_t plen;

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		if (left <= 0 || !NLMSG_OK(next, (size_t)left)) {
			left = recv(fd, buf, sizeof(buf), 0);
			if (left < 0) {
				left = 0;
				return -errno;
			}
			next = (struct nlmsghdr *)buf;
			continue;
		}
		nlh = next;
		next = NLMSG_NEXT(next, left);
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		a = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
		len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		memset(ev, 0, sizeof(*ev));
		ev->seq = nla_u64(a, len, KVAULT_A_EVENT_SEQ);
		ev->time = nla_u64(a, len, KVAULT_A_EVENT_TIME);
		ev->op = nla_u32(a, len, KVAULT_A_EVENT_OP, 0);
		ev->id = nla_u32(a, len, KVAULT_A_KEY_ID, 0);
		ev->version = nla_u32(a, len, KVAULT_A_KEY_VERSION, 0);
		ev->uid = nla_u32(a, len, KVAULT_A_EVENT_UID, ~0u);
		ev->pid = nla_u32(a, len, KVAULT_A_EVENT_PID, ~0u);
		a = attr_find(a, len, KVAULT_A_KEY_NAME, &plen);
		if (a)
			snprintf(ev->name, sizeof(ev->name), "%.*s", (int)plen, a);
		return 0;
	}
}

#endif
