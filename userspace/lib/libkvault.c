// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkvault - userspace access to the kvault kernel key vault
 *
 * This file holds the handle, the two transports and the status and PCR
 * functions that dispatch to either; keys.c, events.c and key_names.c add
 * the key API on top (internal.h is what they share). Nothing but the
 * public functions is exported, from the shared library or the static one.
 *
 * Whatever the kernel sends back is checked before it reaches the caller;
 * a reply that breaks <linux/kvault.h> gives -EPROTO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#define KVAULT_DEFAULT_DEVICE	"/dev/" KVAULT_DEVICE_NAME

#ifndef SOL_NETLINK
#define SOL_NETLINK		270
#endif

_Static_assert(sizeof(struct kvault_status) >= KVAULT_STATUS_SIZE_VER0,
	       "struct kvault_status is smaller than its first version");
_Static_assert(sizeof(struct kvault_pcr_read) >= KVAULT_PCR_READ_SIZE_VER0,
	       "struct kvault_pcr_read is smaller than its first version");
_Static_assert(KVAULT_PCR_COUNT <= 32, "PCR masks are 32 bits wide");

void errmsg_clear(struct kvault *kv)
{
	kv->errmsg[0] = '\0';
}

/* Keep at most @len bytes of @s (fewer if it has a NUL), without control
 * characters: the message ends up on terminals. */
static void errmsg_set(struct kvault *kv, const char *s, size_t len)
{
	size_t i;

	if (len > sizeof(kv->errmsg) - 1)
		len = sizeof(kv->errmsg) - 1;
	for (i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		kv->errmsg[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	kv->errmsg[i] = '\0';
}

static unsigned int pcr_count(uint32_t mask)
{
	return (unsigned int)__builtin_popcount(mask);
}

/* ------------------------------------------------------------------ */
/* ioctl transport                                                    */
/* ------------------------------------------------------------------ */

static int ioctl_open(struct kvault *kv)
{
	const char *path = secure_getenv("KVAULT_DEVICE");

	if (!path || !*path)
		path = KVAULT_DEFAULT_DEVICE;
	kv->fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (kv->fd < 0)
		return -errno;
	return 0;
}

int ioctl_call(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/* Checks that apply to a status from either transport. */
static int status_check(const struct kvault_status *st)
{
	if (st->nr_pcr_banks > KVAULT_MAX_PCR_BANKS)
		return -EPROTO;
	if (!memchr(st->module_version, '\0', sizeof(st->module_version)))
		return -EPROTO;
	if (!memchr(st->tpm_vendor, '\0', sizeof(st->tpm_vendor)))
		return -EPROTO;
	return 0;
}

static int ioctl_status_get(struct kvault *kv, struct kvault_status *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	ret = ioctl_call(kv->fd, KVAULT_IOC_STATUS, st);
	if (ret)
		return ret;

	/* The kernel says how much it wrote: at least the first version,
	 * at most what we gave it. What it did not write must read as 0. */
	if (st->size < KVAULT_STATUS_SIZE_VER0 || st->size > sizeof(*st))
		return -EPROTO;
	memset((char *)st + st->size, 0, sizeof(*st) - st->size);
	st->size = sizeof(*st);
	return status_check(st);
}

/*
 * Check a KVAULT_IOC_PCR_READ reply and unpack its digests, which the kernel
 * packed one after another in ascending PCR order, into @out.
 */
static int ioctl_pcr_unpack(const struct kvault_pcr_read *req, uint16_t bank,
			    uint32_t pcr_mask, const uint8_t *buf, size_t buflen,
			    struct kvault_pcr_values *out)
{
	unsigned int ds = req->digest_size;
	size_t off = 0;
	unsigned int i;

	if (req->size < KVAULT_PCR_READ_SIZE_VER0 || req->size > sizeof(*req))
		return -EPROTO;
	if (req->bank != bank || req->pcr_mask != pcr_mask)
		return -EPROTO;
	if (ds == 0 || ds > KVAULT_MAX_DIGEST_SIZE)
		return -EPROTO;
	if (req->digests_len != (size_t)ds * pcr_count(pcr_mask) ||
	    req->digests_len > buflen)
		return -EPROTO;

	out->bank = bank;
	out->digest_size = (uint16_t)ds;
	out->pcr_mask = pcr_mask;
	out->update_counter = req->update_counter;
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(pcr_mask & (1U << i)))
			continue;
		memcpy(out->digest[i], buf + off, ds);
		off += ds;
	}
	return 0;
}

static int ioctl_pcr_read(struct kvault *kv, uint16_t bank, uint32_t pcr_mask,
			  struct kvault_pcr_values *out)
{
	uint8_t buf[KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];
	size_t buflen = (size_t)pcr_count(pcr_mask) * KVAULT_MAX_DIGEST_SIZE;
	struct kvault_pcr_read req;
	int ret;

	memset(&req, 0, sizeof(req));
	memset(buf, 0, sizeof(buf));
	req.size = sizeof(req);
	req.bank = bank;
	req.pcr_mask = pcr_mask;
	req.digests = (uint64_t)(uintptr_t)buf;
	req.digests_len = (uint32_t)buflen;

	ret = ioctl_call(kv->fd, KVAULT_IOC_PCR_READ, &req);
	/* The buffer holds the largest digest there is for every PCR
	 * selected: a kernel that finds it too small is broken. */
	if (ret == -ENOSPC)
		return -EPROTO;
	if (ret)
		return ret;
	return ioctl_pcr_unpack(&req, bank, pcr_mask, buf, buflen, out);
}

/* ------------------------------------------------------------------ */
/* generic netlink transport                                          */
/* ------------------------------------------------------------------ */

/* libnl reports its own error codes (NLE_*); callers get errno values.
 * Errors the kernel sends in an NLMSG_ERROR are taken as they are, see
 * genl_err_cb(); this only covers failures libnl detects itself. */
int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return -EINTR;
	case NLE_BAD_SOCK:		return -EBADF;
	case NLE_AGAIN:			return -EAGAIN;
	case NLE_NOMEM:			return -ENOMEM;
	case NLE_EXIST:			return -EEXIST;
	case NLE_INVAL:			return -EINVAL;
	case NLE_RANGE:			return -ERANGE;
	case NLE_MSGSIZE:		return -EMSGSIZE;
	case NLE_OPNOTSUPP:		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return -ENOENT;
	case NLE_NOADDR:		return -EADDRNOTAVAIL;
	case NLE_BUSY:			return -EBUSY;
	case NLE_PROTO_MISMATCH:	return -EPROTONOSUPPORT;
	case NLE_NOACCESS:		return -EACCES;
	case NLE_PERM:			return -EPERM;
	case NLE_NODEV:			return -ENODEV;
	case NLE_NOATTR:
	case NLE_MISSING_ATTR:
	case NLE_AF_MISMATCH:
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_ATTRSIZE:		return -EPROTO;
	default:			return -EIO;
	}
}

static int genl_connect_resolve(struct kvault *kv)
{
	int one = 1;
	int ret;

	ret = genl_connect(kv->sk);
	if (ret < 0)
		return nle_to_errno(ret);
	/* size each read to the message waiting, however large */
	nl_socket_enable_msg_peek(kv->sk);

	/* Ask for the kernel's reasons; kernels before 4.12 have none. */
	if (setsockopt(nl_socket_get_fd(kv->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)) < 0 && errno != ENOPROTOOPT)
		return -errno;

	ret = genl_ctrl_resolve(kv->sk, KVAULT_GENL_NAME);
	if (ret < 0)
		return nle_to_errno(ret);	/* NLE_OBJ_NOTFOUND: -ENOENT */
	kv->family = ret;
	return 0;
}

/* On failure @kv has no socket, as before. */
static int genl_open(struct kvault *kv)
{
	int ret;

	kv->sk = nl_socket_alloc();
	if (!kv->sk)
		return -ENOMEM;
	ret = genl_connect_resolve(kv);
	if (ret) {
		nl_socket_free(kv->sk);
		kv->sk = NULL;
	}
	return ret;
}

/*
 * Find NLMSGERR_ATTR_MSG in an NLMSG_ERROR message @nlh of nlh->nlmsg_len
 * bytes. The TLVs follow the struct nlmsgerr and, unless NLM_F_CAPPED says
 * the kernel left it out, the payload of the request it answers.
 */
static int genl_extack_msg(const struct nlmsghdr *nlh, const char **msg,
			   size_t *len)
{
	const size_t total = nlh->nlmsg_len;
	const struct nlmsgerr *e;
	const struct nlattr *nla;
	size_t off;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return -ENOENT;
	if (total < NLMSG_HDRLEN + sizeof(*e) || total > INT32_MAX)
		return -ENOENT;
	e = NLMSG_DATA(nlh);

	off = NLMSG_HDRLEN + sizeof(e->error);
	if (nlh->nlmsg_flags & NLM_F_CAPPED) {
		off += sizeof(e->msg);
	} else {
		if (e->msg.nlmsg_len < sizeof(e->msg) ||
		    e->msg.nlmsg_len > total)
			return -ENOENT;
		off += e->msg.nlmsg_len;
	}
	off = NLMSG_ALIGN(off);
	if (off >= total)
		return -ENOENT;

	rem = (int)(total - off);
	for (nla = (const struct nlattr *)((const char *)nlh + off);
	     nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		if (nla_type(nla) != NLMSGERR_ATTR_MSG)
			continue;
		*msg = nla_data(nla);
		*len = strnlen(*msg, (size_t)nla_len(nla));
		return 0;
	}
	return -ENOENT;
}

/*
 * Index the attributes in [@head, @head + @len) by type into @tb[0..@maxtype].
 * Types above @maxtype (added by a newer kernel) and padding are skipped;
 * a type present twice, or bytes that are not a whole attribute, are a
 * protocol error.
 */
int attrs_index(const struct nlattr **tb, int maxtype,
		       const struct nlattr *head, int len)
{
	const struct nlattr *nla;
	int rem = len;

	memset(tb, 0, sizeof(*tb) * (size_t)(maxtype + 1));
	for (nla = head; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		int type = nla_type(nla);

		if (type == KVAULT_A_UNSPEC || type == KVAULT_A_PAD ||
		    type > maxtype)
			continue;
		if (tb[type])
			return -EPROTO;
		tb[type] = nla;
	}
	return rem > 0 ? -EPROTO : 0;
}

static int attr_u16(const struct nlattr *nla, uint16_t *v)
{
	if (!nla || nla_len(nla) != sizeof(*v))
		return -EPROTO;
	memcpy(v, nla_data(nla), sizeof(*v));
	return 0;
}

int attr_u32(const struct nlattr *nla, uint32_t *v)
{
	if (!nla || nla_len(nla) != sizeof(*v))
		return -EPROTO;
	memcpy(v, nla_data(nla), sizeof(*v));
	return 0;
}

int attr_u64(const struct nlattr *nla, uint64_t *v)
{
	if (!nla || nla_len(nla) != sizeof(*v))
		return -EPROTO;
	memcpy(v, nla_data(nla), sizeof(*v));
	return 0;
}

/* A NUL-terminated string that fits @dst (NUL included). */
int attr_str(const struct nlattr *nla, char *dst, size_t dstlen)
{
	const char *s;
	size_t n;

	if (!nla || nla_len(nla) < 1)
		return -EPROTO;
	s = nla_data(nla);
	n = strnlen(s, (size_t)nla_len(nla));
	if (n == (size_t)nla_len(nla) || n >= dstlen)
		return -EPROTO;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* KVAULT_A_PCR_BANKS: one KVAULT_A_PCR_BANK_INFO per bank, nothing else. */
static int genl_parse_banks(const struct nlattr *nest, struct kvault_status *st)
{
	const struct nlattr *tb[KVAULT_A_MAX + 1];
	const struct nlattr *nla;
	int rem = nla_len(nest);
	int ret;

	for (nla = nla_data(nest); nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		struct kvault_pcr_bank *b;

		if (nla_type(nla) != KVAULT_A_PCR_BANK_INFO ||
		    st->nr_pcr_banks >= KVAULT_MAX_PCR_BANKS)
			return -EPROTO;
		b = &st->pcr_banks[st->nr_pcr_banks];
		ret = attrs_index(tb, KVAULT_A_MAX, nla_data(nla), nla_len(nla));
		if (!ret)
			ret = attr_u16(tb[KVAULT_A_PCR_BANK], &b->alg_id);
		if (!ret)
			ret = attr_u16(tb[KVAULT_A_PCR_DIGEST_SIZE],
				       &b->digest_size);
		if (ret)
			return ret;
		st->nr_pcr_banks++;
	}
	return rem > 0 ? -EPROTO : 0;
}

/* Map a KVAULT_CMD_STATUS reply onto struct kvault_status (zeroed). */
static int genl_parse_status(const struct nlattr *attrs, int len, void *arg)
{
	struct kvault_status *st = arg;
	const struct nlattr *tb[KVAULT_A_MAX + 1];
	uint64_t fw;
	int ret;

	ret = attrs_index(tb, KVAULT_A_MAX, attrs, len);
	if (ret)
		return ret;

	/* always there */
	ret = attr_u32(tb[KVAULT_A_ABI_VERSION], &st->abi_version);
	if (!ret)
		ret = attr_str(tb[KVAULT_A_MODULE_VERSION], st->module_version,
			       sizeof(st->module_version));
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_TPM_FLAGS], &st->tpm_flags);
	if (ret)
		return ret;

	/* only with a TPM 2.0; absent ones stay zero as in the ioctl */
	if (tb[KVAULT_A_TPM_MANUFACTURER]) {
		ret = attr_u32(tb[KVAULT_A_TPM_MANUFACTURER],
			       &st->tpm_manufacturer);
		if (ret)
			return ret;
	}
	if (tb[KVAULT_A_TPM_VENDOR]) {
		ret = attr_str(tb[KVAULT_A_TPM_VENDOR], st->tpm_vendor,
			       sizeof(st->tpm_vendor));
		if (ret)
			return ret;
	}
	if (tb[KVAULT_A_TPM_FW_VERSION]) {
		ret = attr_u64(tb[KVAULT_A_TPM_FW_VERSION], &fw);
		if (ret)
			return ret;
		st->tpm_fw_version_1 = (uint32_t)(fw >> 32);
		st->tpm_fw_version_2 = (uint32_t)fw;
	}
	if (tb[KVAULT_A_PCR_BANKS]) {
		ret = genl_parse_banks(tb[KVAULT_A_PCR_BANKS], st);
		if (ret)
			return ret;
	}
	st->size = sizeof(*st);
	return status_check(st);
}

struct genl_pcr_ctx {
	uint16_t bank;
	uint32_t pcr_mask;
	struct kvault_pcr_values *out;	/* zeroed */
};

/* Map a KVAULT_CMD_PCR_READ reply onto struct kvault_pcr_values. */
static int genl_parse_pcr(const struct nlattr *attrs, int len, void *arg)
{
	struct genl_pcr_ctx *ctx = arg;
	struct kvault_pcr_values *out = ctx->out;
	const struct nlattr *tb[KVAULT_A_MAX + 1];
	const struct nlattr *vtb[KVAULT_A_MAX + 1];
	const struct nlattr *nla;
	uint16_t bank, ds;
	uint32_t mask, counter, seen = 0;
	int last = -1;
	int rem, ret;

	ret = attrs_index(tb, KVAULT_A_MAX, attrs, len);
	if (!ret)
		ret = attr_u16(tb[KVAULT_A_PCR_BANK], &bank);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_PCR_MASK], &mask);
	if (!ret)
		ret = attr_u16(tb[KVAULT_A_PCR_DIGEST_SIZE], &ds);
	if (!ret)
		ret = attr_u32(tb[KVAULT_A_PCR_UPDATE_COUNTER], &counter);
	if (ret)
		return ret;
	if (!tb[KVAULT_A_PCR_VALUES] || bank != ctx->bank ||
	    mask != ctx->pcr_mask || ds == 0 || ds > KVAULT_MAX_DIGEST_SIZE)
		return -EPROTO;

	rem = nla_len(tb[KVAULT_A_PCR_VALUES]);
	for (nla = nla_data(tb[KVAULT_A_PCR_VALUES]); nla_ok(nla, rem);
	     nla = nla_next(nla, &rem)) {
		uint32_t idx;

		if (nla_type(nla) != KVAULT_A_PCR_VALUE)
			return -EPROTO;
		ret = attrs_index(vtb, KVAULT_A_MAX, nla_data(nla),
				  nla_len(nla));
		if (!ret)
			ret = attr_u32(vtb[KVAULT_A_PCR_INDEX], &idx);
		if (ret)
			return ret;
		/* in range, asked for, ascending (hence each once) */
		if (idx >= KVAULT_PCR_COUNT || !(mask & (1U << idx)) ||
		    (int)idx <= last)
			return -EPROTO;
		if (!vtb[KVAULT_A_PCR_DIGEST] ||
		    nla_len(vtb[KVAULT_A_PCR_DIGEST]) != ds)
			return -EPROTO;
		memcpy(out->digest[idx], nla_data(vtb[KVAULT_A_PCR_DIGEST]), ds);
		seen |= 1U << idx;
		last = (int)idx;
	}
	if (rem > 0 || seen != mask)
		return -EPROTO;

	out->bank = bank;
	out->digest_size = ds;
	out->pcr_mask = mask;
	out->update_counter = counter;
	return 0;
}

/* State of one request/reply exchange, or of a dump. */
struct genl_txn {
	struct kvault *kv;
	genl_parse_fn parse;
	void *arg;
	bool dump;		/* any number of replies, then NLMSG_DONE */
	int err;		/* 0 or negative errno */
	unsigned int replies;
	bool done;		/* ACK, NLMSG_DONE or error seen */
};

static int genl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct genl_txn *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	int ret;

	/* After a failure keep reading until the ACK, so that the socket
	 * stays in step for the next request. */
	if (t->err)
		return NL_OK;
	if (nlh->nlmsg_type != t->kv->family || (t->replies++ && !t->dump) ||
	    !genlmsg_valid_hdr(nlh, 0)) {
		t->err = -EPROTO;
		return NL_OK;
	}
	gnlh = nlmsg_data(nlh);
	ret = t->parse(genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
		       t->arg);
	if (ret)
		t->err = ret;
	return NL_OK;
}

static int genl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct genl_txn *t = arg;

	(void)msg;
	t->done = true;
	if (!t->err && !t->replies)
		t->err = -EPROTO;	/* a doit request always gets a reply */
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; its payload is the dump's error code. */
static int genl_finish_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genl_txn *t = arg;
	int error;

	t->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(error)) {
		t->err = t->err ? t->err : -EPROTO;
		return NL_STOP;
	}
	memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
	if (!t->err && error)
		t->err = (error < 0 && error >= -4095) ? error : -EPROTO;
	return NL_STOP;
}

static int genl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload of the NLMSG_ERROR message. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct genl_txn *t = arg;
	const char *msg;
	size_t len;

	(void)nla;
	t->done = true;
	t->err = (e->error < 0 && e->error >= -4095) ? e->error : -EPROTO;
	if (!genl_extack_msg(nlh, &msg, &len))
		errmsg_set(t->kv, msg, len);
	return NL_STOP;
}

static int genl_exchange(struct kvault *kv, struct nl_msg *msg,
			 genl_parse_fn parse, void *arg, bool dump)
{
	struct genl_txn t = { .kv = kv, .parse = parse, .arg = arg,
			      .dump = dump };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, genl_valid_cb, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, genl_ack_cb, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, genl_finish_cb, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, genl_err_cb, &t);
	if (dump)
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP;

	ret = nl_send_auto(kv->sk, msg);	/* adds NLM_F_REQUEST|NLM_F_ACK */
	nlmsg_free(msg);
	if (ret < 0) {
		t.err = nle_to_errno(ret);
		goto out;
	}
	while (!t.done) {
		ret = nl_recvmsgs(kv->sk, cb);
		if (ret < 0 && !t.done) {
			t.err = nle_to_errno(ret);
			break;
		}
	}
out:
	nl_cb_put(cb);
	return t.err;
}

int genl_transact(struct kvault *kv, struct nl_msg *msg, genl_parse_fn parse,
		  void *arg)
{
	return genl_exchange(kv, msg, parse, arg, false);
}

int genl_dump(struct kvault *kv, struct nl_msg *msg, genl_parse_fn parse,
	      void *arg)
{
	return genl_exchange(kv, msg, parse, arg, true);
}

int kvault_need_ioctl(struct kvault *kv)
{
	return kv->fd >= 0 ? 0 : ioctl_open(kv);
}

int kvault_need_genl(struct kvault *kv)
{
	return kv->sk ? 0 : genl_open(kv);
}

struct nl_msg *genl_request(struct kvault *kv, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, kv->family, 0,
				0, cmd, KVAULT_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int genl_status_get(struct kvault *kv, struct kvault_status *st)
{
	struct nl_msg *msg = genl_request(kv, KVAULT_CMD_STATUS);

	if (!msg)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	return genl_transact(kv, msg, genl_parse_status, st);
}

static int genl_pcr_read(struct kvault *kv, uint16_t bank, uint32_t pcr_mask,
			 struct kvault_pcr_values *out)
{
	struct genl_pcr_ctx ctx = { .bank = bank, .pcr_mask = pcr_mask,
				    .out = out };
	struct nl_msg *msg = genl_request(kv, KVAULT_CMD_PCR_READ);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u16(msg, KVAULT_A_PCR_BANK, bank) < 0 ||
	    nla_put_u32(msg, KVAULT_A_PCR_MASK, pcr_mask) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return genl_transact(kv, msg, genl_parse_pcr, &ctx);
}

/* ------------------------------------------------------------------ */
/* public API                                                         */
/* ------------------------------------------------------------------ */

KVAULT_EXPORT int kvault_open(struct kvault **kvp, enum kvault_transport transport)
{
	struct kvault *kv;
	int ret;

	if (!kvp)
		return -EINVAL;
	*kvp = NULL;
	if (transport != KVAULT_TRANSPORT_IOCTL &&
	    transport != KVAULT_TRANSPORT_NETLINK)
		return -EINVAL;

	kv = calloc(1, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	kv->transport = transport;
	kv->fd = -1;

	if (transport == KVAULT_TRANSPORT_IOCTL)
		ret = ioctl_open(kv);
	else
		ret = genl_open(kv);
	if (ret) {
		kvault_close(kv);
		return ret;
	}
	*kvp = kv;
	return 0;
}

KVAULT_EXPORT void kvault_close(struct kvault *kv)
{
	if (!kv)
		return;
	if (kv->fd >= 0)
		close(kv->fd);
	if (kv->sk)
		nl_socket_free(kv->sk);	/* closes the socket */
	free(kv);
}

KVAULT_EXPORT const char *kvault_errmsg(const struct kvault *kv)
{
	return kv ? kv->errmsg : "";
}

KVAULT_EXPORT int kvault_status_get(struct kvault *kv, struct kvault_status *st)
{
	int ret;

	if (!kv || !st)
		return -EINVAL;
	errmsg_clear(kv);

	if (kv->transport == KVAULT_TRANSPORT_IOCTL)
		ret = ioctl_status_get(kv, st);
	else
		ret = genl_status_get(kv, st);
	if (ret)
		memset(st, 0, sizeof(*st));
	return ret;
}

KVAULT_EXPORT int kvault_pcr_read(struct kvault *kv, uint16_t bank,
				  uint32_t pcr_mask,
				  struct kvault_pcr_values *out)
{
	int ret;

	if (!kv || !out)
		return -EINVAL;
	errmsg_clear(kv);
	memset(out, 0, sizeof(*out));
	/* out->digest has room for KVAULT_PCR_COUNT PCRs, no more */
	if (!pcr_mask || (pcr_mask & ~KVAULT_PCR_MASK_ALL))
		return -EINVAL;

	if (kv->transport == KVAULT_TRANSPORT_IOCTL)
		ret = ioctl_pcr_read(kv, bank, pcr_mask, out);
	else
		ret = genl_pcr_read(kv, bank, pcr_mask, out);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

static const struct {
	uint16_t alg_id;
	const char *name;
} bank_names[] = {
	{ KVAULT_TPM_ALG_SHA1,		"sha1" },
	{ KVAULT_TPM_ALG_SHA256,	"sha256" },
	{ KVAULT_TPM_ALG_SHA384,	"sha384" },
	{ KVAULT_TPM_ALG_SHA512,	"sha512" },
	{ KVAULT_TPM_ALG_SM3_256,	"sm3_256" },
	{ KVAULT_TPM_ALG_SHA3_256,	"sha3_256" },
	{ KVAULT_TPM_ALG_SHA3_384,	"sha3_384" },
	{ KVAULT_TPM_ALG_SHA3_512,	"sha3_512" },
};

KVAULT_EXPORT const char *kvault_bank_name(uint16_t alg_id)
{
	size_t i;

	for (i = 0; i < KVAULT_ARRAY_SIZE(bank_names); i++)
		if (bank_names[i].alg_id == alg_id)
			return bank_names[i].name;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

KVAULT_EXPORT int kvault_bank_from_name(const char *name, uint16_t *alg_id)
{
	unsigned int base = 10;
	unsigned long v = 0;
	const char *p;
	size_t i;

	if (!name || !alg_id)
		return -EINVAL;
	for (i = 0; i < KVAULT_ARRAY_SIZE(bank_names); i++) {
		if (!strcasecmp(name, bank_names[i].name)) {
			*alg_id = bank_names[i].alg_id;
			return 0;
		}
	}

	/* A number: strict, no sign, no spaces, no octal, 1..0xffff. */
	p = name;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		int d = hexval(*p);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		v = v * base + (unsigned int)d;
		if (v > UINT16_MAX)
			return -EINVAL;
	}
	if (v == 0)
		return -EINVAL;
	*alg_id = (uint16_t)v;
	return 0;
}
