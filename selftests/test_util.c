// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "test_util.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

size_t attr_put(void *buf, size_t off, uint16_t type, const void *data,
		size_t len)
{
	struct nlattr *nla = (struct nlattr *)((char *)buf + off);

	if (len > UINT16_MAX - NLA_HDRLEN_SIZE)
		abort();
	nla->nla_type = type;
	nla->nla_len = (uint16_t)(NLA_HDRLEN_SIZE + len);
	if (len)
		memcpy((char *)nla + NLA_HDRLEN_SIZE, data, len);
	memset((char *)nla + NLA_HDRLEN_SIZE + len, 0,
	       nla_align_size(nla->nla_len) - nla->nla_len);
	return off + nla_align_size(nla->nla_len);
}

const void *attr_find(const void *buf, size_t len, uint16_t type,
		      uint16_t *plen)
{
	size_t off = 0;

	while (off + NLA_HDRLEN_SIZE <= len) {
		const struct nlattr *nla = (const void *)((const char *)buf + off);

		if (nla->nla_len < NLA_HDRLEN_SIZE || off + nla->nla_len > len)
			return NULL;
		if ((nla->nla_type & NLA_TYPE_MASK) == type) {
			/* no larger than nla_len, checked above */
			if (plen)
				*plen = (uint16_t)(nla->nla_len - NLA_HDRLEN_SIZE);
			return (const char *)nla + NLA_HDRLEN_SIZE;
		}
		off += nla_align_size(nla->nla_len);
	}
	return NULL;
}

/* Send one request and collect the reply or the error with its extack. */
static int genl_raw_xfer(struct genl_raw *g, uint16_t type, uint8_t cmd,
			 uint8_t version, const void *attrs, size_t attrs_len,
			 void *reply, size_t *reply_len)
{
	char buf[16384] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	int have_reply = 0;
	ssize_t n;

	if (NLMSG_SPACE(GENL_HDRLEN + attrs_len) > sizeof(buf))
		return -E2BIG;
	memset(buf, 0, NLMSG_SPACE(GENL_HDRLEN));
	/* fits: NLMSG_SPACE() of it is within buf, checked above */
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(GENL_HDRLEN + attrs_len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++g->seq;
	gh->cmd = cmd;
	gh->version = version;
	memcpy((char *)gh + GENL_HDRLEN, attrs, attrs_len);
	g->errmsg[0] = '\0';
	if (send(g->fd, buf, nlh->nlmsg_len, 0) < 0)
		return -errno;

	for (;;) {
		n = recv(g->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != g->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);
				size_t off = sizeof(*e);
				const char *msg;
				uint16_t mlen;

				/* With NLM_F_CAPPED the request is not echoed. */
				/* the echo may be unaligned; the TLVs are not */
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off = NLMSG_ALIGN(off + e->msg.nlmsg_len -
							  sizeof(e->msg));
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS &&
				    NLMSG_LENGTH(off) <= nlh->nlmsg_len) {
					msg = attr_find((char *)e + off,
							nlh->nlmsg_len - NLMSG_LENGTH(off),
							NLMSGERR_ATTR_MSG, &mlen);
					if (msg)
						snprintf(g->errmsg, sizeof(g->errmsg),
							 "%.*s", (int)mlen, msg);
				}
				if (e->error)
					return e->error;
				return have_reply || !reply_len ? 0 : -ENODATA;
			}
			if (reply && reply_len && !have_reply) {
				size_t plen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				if (plen > *reply_len)
					return -EMSGSIZE;
				memcpy(reply, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN, plen);
				*reply_len = plen;
				have_reply = 1;
			}
		}
	}
}

int genl_raw_open(struct genl_raw *g)
{
	char attrs[64], reply[4096];
	size_t alen, rlen = sizeof(reply);
	const uint16_t *id;
	int one = 1, rc;

	memset(g, 0, sizeof(*g));
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		return -errno;
	setsockopt(g->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	alen = attr_put(attrs, 0, CTRL_ATTR_FAMILY_NAME, KVAULT_GENL_NAME,
			sizeof(KVAULT_GENL_NAME));
	rc = genl_raw_xfer(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, attrs, alen,
			   reply, &rlen);
	if (rc)
		goto fail;
	id = attr_find(reply, rlen, CTRL_ATTR_FAMILY_ID, NULL);
	if (!id) {
		rc = -EPROTO;
		goto fail;
	}
	g->family = *id;
	return 0;
fail:
	close(g->fd);
	g->fd = -1;
	return rc;
}

void genl_raw_close(struct genl_raw *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

int genl_raw_call(struct genl_raw *g, uint8_t cmd, const void *attrs,
		  size_t attrs_len, void *reply, size_t *reply_len)
{
	return genl_raw_xfer(g, g->family, cmd, KVAULT_GENL_VERSION, attrs,
			     attrs_len, reply, reply_len);
}

int kvault_dev_open(void)
{
	int fd = open(KVAULT_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int hex_decode(const char *hex, uint8_t *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;	/* %2x: at most 0xff */
	}
	return 0;
}

void hex_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
	out[2 * len] = '\0';
}

int sysfs_pcr(const char *bank, int pcr, uint8_t *out, size_t len)
{
	char path[128], hex[2 * 64 + 2];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/tpm/tpm0/pcr-%s/%d", bank, pcr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	hex[n] = '\0';
	while (n && (hex[n - 1] == '\n'))
		hex[--n] = '\0';
	if (n % 2 || n / 2 > len || hex_decode(hex, out, n / 2))
		return -1;
	return (int)(n / 2);	/* n < sizeof(hex) */
}

int run_capture(char *out, size_t len, const char *fmt, ...)
{
	char cmd[1024];
	size_t used = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && len) {
		used = fread(out, 1, len - 1, p);
		out[used] = '\0';
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int drop_privileges(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	return 0;
}
