// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkvault's event listener: a generic netlink socket of its own, joined
 * to the "events" multicast group. libnl resolves the group and joins it;
 * reading is done here, one datagram at a time, so that an overflow of the
 * socket's buffer is reported as such (-ENOBUFS) and no event of a
 * datagram is lost between two calls.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

/* Events are about 150 bytes; the kernel sends one per datagram. */
#define EVENTS_BUF_SIZE		8192
/* Room for bursts: a listener that is slow for a moment loses nothing. */
#define EVENTS_RCVBUF		(1 << 20)

struct kvault_events {
	struct nl_sock *sk;
	int family;
	size_t len;			/* bytes of the last datagram in buf */
	size_t off;			/* where its next message starts */
	unsigned char buf[EVENTS_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static int events_join(struct kvault_events *ev)
{
	int ret, grp;

	ret = genl_connect(ev->sk);
	if (ret < 0)
		return nle_to_errno(ret);
	ret = genl_ctrl_resolve(ev->sk, KVAULT_GENL_NAME);
	if (ret < 0)
		return nle_to_errno(ret);
	ev->family = ret;
	grp = genl_ctrl_resolve_grp(ev->sk, KVAULT_GENL_NAME,
				    KVAULT_MCGRP_EVENTS);
	if (grp < 0)
		return nle_to_errno(grp);
	ret = nl_socket_set_buffer_size(ev->sk, EVENTS_RCVBUF, 0);
	if (ret < 0)
		return nle_to_errno(ret);
	/* the kernel's own errno (EPERM) tells more than libnl's code */
	if (setsockopt(nl_socket_get_fd(ev->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	return 0;
}

KVAULT_EXPORT int kvault_events_open(struct kvault_events **evp)
{
	struct kvault_events *ev;
	int ret;

	if (!evp)
		return -EINVAL;
	*evp = NULL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->sk = nl_socket_alloc();
	if (!ev->sk) {
		free(ev);
		return -ENOMEM;
	}
	ret = events_join(ev);
	if (ret) {
		kvault_events_close(ev);
		return ret;
	}
	*evp = ev;
	return 0;
}

KVAULT_EXPORT int kvault_events_fd(const struct kvault_events *ev)
{
	return ev ? nl_socket_get_fd(ev->sk) : -EINVAL;
}

KVAULT_EXPORT void kvault_events_close(struct kvault_events *ev)
{
	if (!ev)
		return;
	nl_socket_free(ev->sk);
	free(ev);
}

/* Map a KVAULT_CMD_KEY_EVENT message's attributes onto @e (zeroed). */
static int event_parse(const struct nlattr *attrs, int len,
		       struct kvault_event *e)
{
	const struct nlattr *tb[KVAULT_A_MAX + 1];
	uint32_t id = 0;
	int ret;

	ret = attrs_index(tb, KVAULT_A_MAX, attrs, len);
	if (!ret)
		ret = attr_u64(tb[KVAULT_A_EVENT_SEQ], &e->seq);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_EVENT_OP], &e->op);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_ID], &id);
	if (!ret)
		ret = attr_str(tb[KVAULT_A_KEY_NAME], e->name, sizeof(e->name));
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_KEY_VERSION], &e->version);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_EVENT_UID], &e->uid);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_EVENT_PID], &e->pid);
	if (!ret)
		ret = attr_u64(tb[KVAULT_A_EVENT_TIME], &e->time);
	if (!ret && (id == 0 || id > INT32_MAX))
		ret = -EPROTO;
	if (ret)
		return ret;
	e->id = (int32_t)id;
	return 0;
}

/*
 * The next message of the datagram in ev->buf: 1 and @e filled for an
 * event, 0 if the datagram is used up, a negative errno value for a
 * malformed event (the rest of that datagram is dropped).
 */
static int events_next(struct kvault_events *ev, struct kvault_event *e)
{
	while (ev->off < ev->len) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(ev->buf + ev->off);
		int rem = (int)(ev->len - ev->off);
		struct genlmsghdr *gnlh;
		int ret;

		if (!nlmsg_ok(nlh, rem)) {
			ev->off = ev->len;
			return -EPROTO;
		}
		ev->off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_type != ev->family)
			continue;	/* not ours: NLMSG_NOOP and the like */
		gnlh = nlmsg_data(nlh);
		if (!genlmsg_valid_hdr(nlh, 0) ||
		    gnlh->cmd != KVAULT_CMD_KEY_EVENT)
			continue;
		ret = event_parse(genlmsg_attrdata(gnlh, 0),
				  genlmsg_attrlen(gnlh, 0), e);
		if (ret) {
			ev->off = ev->len;
			return ret;
		}
		return 1;
	}
	return 0;
}

/* Wait up to @timeout_ms for a datagram and read it into ev->buf. */
static int events_fill(struct kvault_events *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(ev->sk), .events = POLLIN };
	ssize_t n;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	n = recv(pfd.fd, ev->buf, sizeof(ev->buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if ((size_t)n > sizeof(ev->buf))
		return -EPROTO;	/* truncated: the kernel sends small ones */
	ev->len = (size_t)n;
	ev->off = 0;
	return 0;
}

KVAULT_EXPORT int kvault_events_recv(struct kvault_events *ev,
				     struct kvault_event *event,
				     int timeout_ms)
{
	int ret;

	if (!event)
		return -EINVAL;
	memset(event, 0, sizeof(*event));
	if (!ev || timeout_ms < -1)
		return -EINVAL;
	for (;;) {
		ret = events_next(ev, event);
		if (ret == 1)
			return 0;
		if (ret == 0)
			ret = events_fill(ev, timeout_ms);
		if (ret) {
			memset(event, 0, sizeof(*event));
			return ret;
		}
	}
}
