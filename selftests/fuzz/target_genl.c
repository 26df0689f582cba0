// SPDX-License-Identifier: GPL-2.0
/*
 * kvault_fuzz target on the generic netlink family "kvault": STATUS,
 * PCR_READ, KEY_GET (doit and NLM_F_DUMP, on the keys the worker knows:
 * target_keys.c's slots and target_keyuse.c's use keys, live and stale)
 * and unknown commands, built from real requests and then mutated
 * (values, missing, duplicate, reply-only, unknown, wrongly sized,
 * flag-carrying, nested-garbage and oversized attributes; truncated and
 * corrupted attribute streams; trailing bytes; random genl version and
 * reserved fields, odd nlmsg flags and lengths; two requests in one
 * datagram; messages larger than the socket's send buffer).
 *
 * The oracle models what netlink_rcv_skb(), genetlink (header checks,
 * GENL_ADMIN_PERM, strict policy validation) and kvault's handlers must do
 * with the exact bytes sent, and so predicts for each request either no
 * answer, an ACK, an error (a set of documented errnos) or a reply, which
 * is then parsed and checked (every attribute, digest sizes, PCR values
 * against the reference, a key's metadata against the keys' models). A
 * dump must page through every key once, in ascending ID order, and list
 * each key the worker knows to be there; some dumps are abandoned after
 * their first datagram (the socket closed mid-dump). The same generator
 * runs in the unprivileged children, where every command the family knows
 * must fail with EPERM.
 *
 * All answers are collected with MSG_DONTWAIT: a request to a kernel
 * netlink socket is processed inside send(), so its answers are queued by
 * the time send() returns (a 2 s poll covers anything else).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kvault_fuzz.h"

/* The uapi netlink macros compute in int; these are -Wconversion clean. */
#define NL_HDR		((size_t)16)	/* NLMSG_HDRLEN */
#define GE_HDR		((size_t)4)	/* GENL_HDRLEN */
#define NA_HDR		((size_t)4)	/* NLA_HDRLEN */
#define AL4(x)		(((size_t)(x) + 3) & ~(size_t)3)
#define TYPE_MASK	0x3fffU		/* NLA_TYPE_MASK */

/* Policy entry types, as kmod/netlink.c's policies use them. */
enum { P_UNSPEC, P_U16, P_U32, P_REJECT, P_NAME };

#define MAX_SPECS	24
#define MAX_MSGS	2

enum { A_BYTES, A_RANDOM, A_NESTED, A_MANY_FLAGS, A_STR };

struct aspec {
	uint16_t type;		/* with NLA_F_* bits */
	uint8_t mode;
	uint32_t len;		/* payload bytes (A_MANY_FLAGS: count) */
	uint8_t data[8];
	char str[KVAULT_KEY_NAME_MAX + 8];	/* A_STR: the payload, zero-padded */
};

/* What a request must get back. GX_SKIP: another family's message. */
enum { GX_NONE, GX_ACK, GX_ANSWER, GX_SKIP };

/* A key a KEY_GET answer must describe (doit), or a dump must list. */
struct kwant {
	struct keys_view v;
	char name[KVAULT_KEY_NAME_MAX];
	bool exact;		/* the metadata must be the model's */
	bool seen;
};
#define MAX_DUMP_WANT	(KEYS_SLOTS + KEYUSE_KINDS)

/* Socket options every fuzzing socket gets. */
void genl_sock_tune(struct worker *w, int fd)
{
	int big = 8 << 20, one = 1;
	socklen_t sl = sizeof(w->sndbuf);

	if (w->role == ROLE_PRIV)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	else	/* cannot grow the receive buffer: no echo of huge requests */
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &w->sndbuf, &sl);
}

struct gexp {
	int kind;
	struct expect ex;	/* allowed results; 0 = a reply */
	bool ack;		/* NLM_F_ACK: an ACK follows a reply */
	uint8_t cmd;
	uint16_t bank;
	uint32_t mask;
	bool dump_req;		/* a KEY_GET with NLM_F_DUMP (for the statistics) */
	bool dump;		/* a KEY_GET dump runs: replies, then NLMSG_DONE */
	int done_want;		/* ...and the errno NLMSG_DONE must carry */
	struct kwant want;	/* KEY_GET doit: the key, if v.x is set */
	int nwant;
	struct kwant dwant[MAX_DUMP_WANT];
	/* observed */
	int nerr, nreply, nack, ndone;
	int err, done_err;
	uint32_t last_id;	/* dump: the last key ID seen */
	char bad[200];		/* reply check failure */
	char extack[128];
};

struct genl_in {
	uint8_t fresh;		/* use a new socket for this op */
	uint8_t abandon;	/* ...and close it after the first datagram */
	uint8_t nmsg;		/* messages built (the model decides what counts) */
	uint32_t total;		/* bytes sent */
	uint32_t moff[MAX_MSGS];
	char mut[200];		/* what the generator did, for humans */
};

struct genl_out {
	int send_rc;
	struct expect send_ex;
	int nexp;
	struct gexp x[MAX_MSGS];
	uint32_t seq0;
	char stray[160];
};

static const uint8_t policy_status[KVAULT_A_MAX + 1] = {
	[KVAULT_A_FLAGS] = P_U32,
	[KVAULT_A_ABI_VERSION ... KVAULT_A_PCR_BANKS] = P_REJECT,
};

static const uint8_t policy_pcr_read[KVAULT_A_MAX + 1] = {
	[KVAULT_A_FLAGS] = P_U32,
	[KVAULT_A_PCR_BANK] = P_U16,
	[KVAULT_A_PCR_MASK] = P_U32,
	[KVAULT_A_PCR_DIGEST_SIZE] = P_REJECT,
	[KVAULT_A_PCR_UPDATE_COUNTER] = P_REJECT,
	[KVAULT_A_PCR_VALUES] = P_REJECT,
};

static const uint8_t policy_key_get[KVAULT_A_MAX + 1] = {
	[KVAULT_A_FLAGS] = P_U32,
	[KVAULT_A_KEY_ID] = P_U32,
	[KVAULT_A_KEY_NAME] = P_NAME,
	[KVAULT_A_KEY_ALG ... KVAULT_A_KEY_MIRROR_ID] = P_REJECT,
};

/* ---- generation ----------------------------------------------------------- */

static void spec_u16(struct aspec *s, uint16_t type, uint16_t v)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->len = 2;
	memcpy(s->data, &v, 2);
}

static void spec_u32(struct aspec *s, uint16_t type, uint32_t v)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->len = 4;
	memcpy(s->data, &v, 4);
}

static uint32_t valid_mask(struct rng *r)
{
	uint32_t m;

	switch (rng_below(r, 4)) {
	case 0:
		return 1U << rng_below(r, KVAULT_PCR_COUNT);
	case 1:
		return KVAULT_PCR_MASK_ALL;
	default:
		m = rng_u32(r) & KVAULT_PCR_MASK_ALL;
		return m ? m : 0x80;
	}
}

static uint32_t any_mask(struct rng *r)
{
	switch (rng_below(r, 5)) {
	case 0:
		return 0;
	case 1:
		return 1U << rng_range(r, 24, 31);
	case 2:
		return rng_u32(r);
	default:
		return valid_mask(r);
	}
}

static void spec_str(struct aspec *s, uint16_t type, const char *str)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->mode = A_STR;
	snprintf(s->str, sizeof(s->str), "%s", str);
	s->len = (uint32_t)strlen(s->str) + 1;
}

/*
 * A key for KEY_GET to name: one the worker knows (its keys slots, its use
 * keys, the shared ones; live or a stale generation), or none. Its ID and
 * name are read from the models now: a replay replays the ops before it.
 */
static void key_ref_spec(struct worker *w, struct rng *r, struct aspec *s,
			 bool by_name)
{
	char name[KVAULT_KEY_NAME_MAX + 8];
	int32_t id = 0;
	unsigned int k = rng_below(r, 100);

	if (k < 40) {
		unsigned int slot = rng_below(r, KEYS_SLOTS);
		struct keys_view v;

		keys_name(w, KN_OWN, slot, name, sizeof(name));
		if (w->role == ROLE_PRIV) {
			keys_view(w, slot, &v);
			id = v.id;
		}
	} else if (k < 80) {
		id = keyuse_id(w, rng_below(r, KEYUSE_KINDS), rng_pct(r, 15), name,
			       sizeof(name));
	} else if (k < 90) {
		unsigned int n = rng_below(r, KEYS_SHARED);

		keys_name(w, KN_SHARED, n, name, sizeof(name));
		if (w->role == ROLE_PRIV)
			id = keys_shared_id(w, n);
	} else {
		keys_name(w, KN_NONE, rng_u32(r), name, sizeof(name));
		id = (int32_t)(rng_u32(r) >> 1) | 1;
	}
	if (by_name)
		spec_str(s, KVAULT_A_KEY_NAME, name);
	else
		spec_u32(s, KVAULT_A_KEY_ID, (uint32_t)id);
}

/* The request a correct client would send. */
static int base_specs(struct worker *w, struct rng *r, uint8_t cmd, bool dump,
		      struct aspec *s)
{
	int n = 0;

	if (cmd == KVAULT_CMD_KEY_GET) {
		if (!dump)
			key_ref_spec(w, r, &s[n++], rng_pct(r, 45));
		if (rng_pct(r, 30)) {
			spec_u32(&s[n++], KVAULT_A_FLAGS, 0);
			if (rng_pct(r, 50)) {
				struct aspec t = s[0];

				s[0] = s[n - 1];
				s[n - 1] = t;
			}
		}
	} else if (cmd == KVAULT_CMD_PCR_READ) {
		spec_u16(&s[n++], KVAULT_A_PCR_BANK, world_random_bank(r));
		spec_u32(&s[n++], KVAULT_A_PCR_MASK, valid_mask(r));
		if (rng_pct(r, 30))
			spec_u32(&s[n++], KVAULT_A_FLAGS, 0);
		if (n == 3 || rng_pct(r, 50)) {	/* any order */
			struct aspec t = s[0];
			int j = (int)rng_below(r, (uint32_t)n);

			s[0] = s[j];
			s[j] = t;
		}
	} else if (rng_pct(r, 50)) {
		spec_u32(&s[n++], KVAULT_A_FLAGS, 0);
	}
	return n;
}

static void spec_insert(struct aspec *s, int *n, struct rng *r,
			const struct aspec *a)
{
	int pos, i;

	if (*n >= MAX_SPECS)
		return;
	pos = (int)rng_below(r, (uint32_t)*n + 1);
	for (i = *n; i > pos; i--)
		s[i] = s[i - 1];
	s[pos] = *a;
	(*n)++;
}

static uint16_t random_attr_type(struct rng *r)
{
	switch (rng_below(r, 4)) {
	case 0:
		return 0;
	case 1:
		return (uint16_t)rng_range(r, KVAULT_A_MAX + 1, KVAULT_A_MAX + 8);
	case 2:
		return (uint16_t)(rng_u32(r) & TYPE_MASK);
	default:
		return (uint16_t)rng_range(r, 1, KVAULT_A_MAX);
	}
}

/* KEY_GET's own mutations: of the key reference. */
static size_t mutate_key_ref(struct worker *w, struct rng *r, struct aspec *s,
			     int *n, char *mut, size_t mlen, size_t moff)
{
	struct aspec a;
	int i, j = -1;

	for (i = 0; i < *n; i++)
		if ((s[i].type & TYPE_MASK) == KVAULT_A_KEY_NAME && s[i].mode == A_STR)
			j = i;
	switch (rng_below(r, 7)) {
	case 0:	/* both an ID and a name */
		key_ref_spec(w, r, &a, j < 0);
		spec_insert(s, n, r, &a);
		return bprintf(mut, mlen, moff, " key:both");
	case 1:	/* an ID that is no key ID */
		spec_u32(&a, KVAULT_A_KEY_ID, rng_pct(r, 50) ? 0 : rng_range(r, 0x80000000U, 0xffffffffU));
		spec_insert(s, n, r, &a);
		return bprintf(mut, mlen, moff, " key:bad-id");
	case 2:	/* a name without its NUL, or longer than a name can be */
		if (j < 0)
			break;
		if (rng_pct(r, 50)) {
			s[j].len--;
		} else {
			memset(s[j].str, 'q', KVAULT_KEY_NAME_MAX + 1);
			s[j].str[KVAULT_KEY_NAME_MAX + rng_below(r, 2)] = '\0';
			s[j].len = (uint32_t)strlen(s[j].str) + (rng_pct(r, 50) ? 1 : 0);
		}
		return bprintf(mut, mlen, moff, " key:name-len(%u)", s[j].len);
	case 3:	/* an empty name, or one with a byte no name has */
		if (j < 0)
			break;
		if (rng_pct(r, 30))
			s[j].str[0] = '\0';
		else
			s[j].str[rng_below(r, s[j].len)] =
				(char)(rng_pct(r, 50) ? ' ' : rng_pct(r, 50) ? rng_range(r, 1, 0x1f) :
				       rng_range(r, 0x7f, 0xff));
		return bprintf(mut, mlen, moff, " key:name-byte");
	case 4:	/* bytes after the name's NUL: the name is what precedes it */
		if (j < 0 || s[j].len + 4 > KVAULT_KEY_NAME_MAX)
			break;
		memcpy(s[j].str + s[j].len, "junk", 4);
		s[j].len += rng_range(r, 1, 4);
		return bprintf(mut, mlen, moff, " key:name-tail");
	case 5:	/* the same name, padded with NULs to the limit */
		if (j < 0)
			break;
		s[j].len = rng_pct(r, 50) ? KVAULT_KEY_NAME_MAX : KVAULT_KEY_NAME_MAX + 1;
		return bprintf(mut, mlen, moff, " key:name-pad(%u)", s[j].len);
	default:	/* a stale or random ID */
		spec_u32(&a, KVAULT_A_KEY_ID, (rng_u32(r) >> 1) | 1);
		for (i = 0; i < *n; i++)
			if ((s[i].type & TYPE_MASK) == KVAULT_A_KEY_ID)
				s[i] = a;
		return bprintf(mut, mlen, moff, " key:random-id");
	}
	(void)w;
	return moff;
}

static size_t mutate_specs(struct worker *w, struct rng *r, uint8_t cmd,
			   struct aspec *s, int *n, char *mut, size_t mlen,
			   size_t moff)
{
	unsigned int k, nm = rng_pct(r, 45) ? 0 : rng_range(r, 1, 4);
	struct aspec a;
	int i;

	for (k = 0; k < nm; k++) {
		i = *n ? (int)rng_below(r, (uint32_t)*n) : -1;
		memset(&a, 0, sizeof(a));
		if (cmd == KVAULT_CMD_KEY_GET && rng_pct(r, 40)) {
			moff = mutate_key_ref(w, r, s, n, mut, mlen, moff);
			continue;
		}
		switch (rng_below(r, 12)) {
		case 0:	/* another value */
			if (i < 0)
				break;
			if ((s[i].type & TYPE_MASK) == KVAULT_A_PCR_BANK && s[i].len == 2)
				spec_u16(&s[i], s[i].type, world_random_bank(r));
			else if ((s[i].type & TYPE_MASK) == KVAULT_A_PCR_MASK && s[i].len == 4)
				spec_u32(&s[i], s[i].type, any_mask(r));
			else
				rng_fill(r, s[i].data, sizeof(s[i].data));
			moff = bprintf(mut, mlen, moff, " value(#%d)", i);
			break;
		case 1:	/* drop */
			if (i < 0)
				break;
			memmove(&s[i], &s[i + 1], sizeof(*s) * (size_t)(*n - i - 1));
			(*n)--;
			moff = bprintf(mut, mlen, moff, " drop(#%d)", i);
			break;
		case 2:	/* duplicate, maybe with another value */
			if (i < 0)
				break;
			a = s[i];
			if (rng_pct(r, 50) && a.len == 2)
				spec_u16(&a, a.type, world_random_bank(r));
			else if (rng_pct(r, 50) && a.len == 4)
				spec_u32(&a, a.type, rng_pct(r, 50) ? valid_mask(r) : 0);
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " dup(#%d)", i);
			break;
		case 3:	/* wrong length */
			if (i < 0)
				break;
			{
				static const uint32_t lens[] = { 0, 1, 2, 3, 4, 5, 6, 8, 16 };

				s[i].len = lens[rng_below(r, 9)];
				s[i].mode = s[i].len > 8 ? A_RANDOM : A_BYTES;
			}
			moff = bprintf(mut, mlen, moff, " len(#%d=%u)", i, s[i].len);
			break;
		case 4:	/* an attribute only the kernel sends */
			a.type = cmd == KVAULT_CMD_PCR_READ ?
				 (uint16_t)rng_range(r, KVAULT_A_PCR_DIGEST_SIZE, KVAULT_A_PCR_VALUES) :
				 cmd == KVAULT_CMD_KEY_GET ?
				 (uint16_t)rng_range(r, KVAULT_A_KEY_ALG, KVAULT_A_KEY_MIRROR_ID) :
				 (uint16_t)rng_range(r, KVAULT_A_ABI_VERSION, KVAULT_A_PCR_BANKS);
			a.len = rng_pct(r, 50) ? 4 : rng_below(r, 9);
			rng_fill(r, a.data, sizeof(a.data));
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " reply-only(%u)", a.type);
			break;
		case 5:	/* a known type, but not this command's */
			a.type = (uint16_t)rng_range(r, 1, KVAULT_A_MAX);
			a.len = rng_pct(r, 50) ? 4 : 2;
			rng_fill(r, a.data, sizeof(a.data));
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " other-attr(%u)", a.type);
			break;
		case 6:	/* unknown / zero type */
			a.type = random_attr_type(r);
			a.len = rng_below(r, 9);
			rng_fill(r, a.data, sizeof(a.data));
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " type(%u)", a.type);
			break;
		case 7:	/* NLA_F_NESTED / NLA_F_NET_BYTEORDER on a flat attribute */
			if (i < 0)
				break;
			s[i].type |= rng_pct(r, 50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
			moff = bprintf(mut, mlen, moff, " flagbit(#%d=%#x)", i, s[i].type);
			break;
		case 8:	/* nested garbage */
			a.type = (uint16_t)(random_attr_type(r) | NLA_F_NESTED);
			a.mode = A_NESTED;
			a.len = rng_range(r, 4, 400);
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " nested(%#x,%u)", a.type, a.len);
			break;
		case 9:	/* oversized attribute */
			a.type = rng_pct(r, 50) ? (uint16_t)rng_range(r, 1, KVAULT_A_MAX) :
						  random_attr_type(r);
			a.mode = A_RANDOM;
			a.len = rng_pct(r, 30) ? 0xffff - NA_HDR : rng_range(r, 9, 8192);
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " big(%u,%u)", a.type, a.len);
			break;
		case 10:	/* many valid FLAGS=0: an oversized but valid message */
			a.type = KVAULT_A_FLAGS;
			a.mode = A_MANY_FLAGS;
			a.len = rng_pct(r, 50) ? rng_range(r, 100, 4000) :
						 rng_range(r, 4000, 60000);
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " many-flags(%u)", a.len);
			break;
		default:	/* flags != 0 */
			spec_u32(&a, KVAULT_A_FLAGS, rng_pct(r, 50) ? 1U << rng_below(r, 32) : rng_u32(r));
			spec_insert(s, n, r, &a);
			moff = bprintf(mut, mlen, moff, " flags");
			break;
		}
	}
	return moff;
}

/* Random nested TLVs filling exactly @len bytes, sometimes malformed. */
static void nested_garbage(struct rng *r, uint8_t *p, uint32_t len, int depth)
{
	uint32_t off = 0;

	while (off + NA_HDR <= len) {
		struct nlattr nla;
		uint32_t room = len - off - (uint32_t)NA_HDR, plen;

		plen = rng_below(r, room < 64 ? room + 1 : 65);
		nla.nla_type = (uint16_t)(random_attr_type(r) |
					  (rng_pct(r, 30) ? NLA_F_NESTED : 0));
		nla.nla_len = (uint16_t)(NA_HDR + plen);
		if (rng_pct(r, 5))
			nla.nla_len = (uint16_t)rng_u32(r);
		memcpy(p + off, &nla, sizeof(nla));
		if (depth < 3 && (nla.nla_type & NLA_F_NESTED) && plen >= NA_HDR)
			nested_garbage(r, p + off + NA_HDR, plen, depth + 1);
		else
			rng_fill(r, p + off + NA_HDR, plen);
		off += (uint32_t)AL4(NA_HDR + plen);
	}
	if (off < len)
		rng_fill(r, p + off, len - off);
}

/* Serialise @s at @p (capacity @cap); returns the bytes used. */
static size_t serialise(struct rng *r, const struct aspec *s, int n, uint8_t *p,
			size_t cap)
{
	size_t off = 0;
	uint8_t big[8192];
	int i;

	for (i = 0; i < n; i++) {
		if (s[i].mode == A_MANY_FLAGS) {
			uint32_t zero = 0, k;

			for (k = 0; k < s[i].len && off + 8 <= cap; k++)
				off = attr_put(p, off, KVAULT_A_FLAGS, &zero, 4);
			continue;
		}
		if (off + NA_HDR + AL4(s[i].len) > cap)
			break;
		if (s[i].mode == A_STR) {
			uint8_t str[sizeof(s[i].str)];

			memset(str, 0, sizeof(str));
			memcpy(str, s[i].str, sizeof(s[i].str));
			off = attr_put(p, off, s[i].type, str,
				       (uint16_t)(s[i].len < sizeof(str) ? s[i].len : sizeof(str)));
		} else if (s[i].mode == A_BYTES) {
			off = attr_put(p, off, s[i].type, s[i].data,
				       (uint16_t)(s[i].len < 8 ? s[i].len : 8));
			if (s[i].len > 8) {
				/* attr_put() wrote 8; extend with random bytes */
				struct nlattr *nla = (struct nlattr *)(p + off - NA_HDR - 8);

				rng_fill(r, p + off, s[i].len - 8);
				nla->nla_len = (uint16_t)(NA_HDR + s[i].len);
				memset(p + off + s[i].len - 8, 0,
				       AL4(s[i].len) - s[i].len);
				off = off - 8 + AL4(s[i].len);
			}
		} else if (s[i].mode == A_NESTED) {
			size_t start = off;

			off = attr_put(p, off, s[i].type, NULL, 0);
			nested_garbage(r, p + off, s[i].len, 0);
			((struct nlattr *)(p + start))->nla_len =
				(uint16_t)(NA_HDR + s[i].len);
			off += AL4(s[i].len);
			memset(p + start + NA_HDR + s[i].len, 0,
			       AL4(s[i].len) - s[i].len);
		} else {	/* A_RANDOM */
			uint32_t left = s[i].len;
			size_t start = off;

			off = attr_put(p, off, s[i].type, NULL, 0);
			while (left) {
				uint32_t c = left < sizeof(big) ? left : (uint32_t)sizeof(big);

				rng_fill(r, big, c);
				memcpy(p + off, big, c);
				off += c;
				left -= c;
			}
			((struct nlattr *)(p + start))->nla_len =
				(uint16_t)(NA_HDR + s[i].len);
			while (off % 4)
				p[off++] = 0;
		}
	}
	return off;
}

/* Byte-level damage to an attribute stream of @len bytes; new length. */
static size_t damage(struct rng *r, uint8_t *p, size_t len, size_t cap,
		     char *mut, size_t mlen, size_t *moff)
{
	size_t n;

	switch (rng_below(r, 4)) {
	case 0:	/* cut anywhere */
		n = len ? rng_below(r, (uint32_t)len) : 0;
		*moff = bprintf(mut, mlen, *moff, " truncate(%zu->%zu)", len, n);
		return n;
	case 1:	/* corrupt one nla_len */
		if (len >= NA_HDR) {
			size_t off = 0, pick = rng_below(r, 4), k = 0;
			uint16_t v;

			while (off + NA_HDR <= len && k < pick) {
				uint16_t l;

				memcpy(&l, p + off, 2);
				if (l < NA_HDR || off + AL4(l) + NA_HDR > len)
					break;
				off += AL4(l);
				k++;
			}
			v = rng_pct(r, 50) ? (uint16_t)rng_below(r, 8) : (uint16_t)rng_u32(r);
			memcpy(p + off, &v, 2);
			*moff = bprintf(mut, mlen, *moff, " nla_len(@%zu=%u)", off, v);
		}
		return len;
	case 2:	/* trailing bytes */
		n = rng_range(r, 1, 15);
		if (len + n > cap)
			return len;
		rng_fill(r, p + len, n);
		*moff = bprintf(mut, mlen, *moff, " trailing(%zu)", n);
		return len + n;
	default:	/* all random */
		n = rng_below(r, 257);
		if (n > cap)
			n = cap;
		rng_fill(r, p, n);
		*moff = bprintf(mut, mlen, *moff, " random(%zu)", n);
		return n;
	}
}

/* Build one message at @p; returns its length (the datagram bytes used). */
static size_t build_msg(struct worker *w, struct rng *r, uint8_t *p, size_t cap,
			bool plain, char *mut, size_t mlen, size_t *moff)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)p;
	struct genlmsghdr *gh = (struct genlmsghdr *)(p + NL_HDR);
	struct aspec s[MAX_SPECS];
	uint8_t cmd, *attrs = p + NL_HDR + GE_HDR;
	size_t alen, len, acap = cap - NL_HDR - GE_HDR;
	uint32_t k;
	bool dump;
	int n;

	k = rng_below(r, 100);
	cmd = k < 35 ? KVAULT_CMD_PCR_READ : k < 55 ? KVAULT_CMD_STATUS :
	      k < 90 ? KVAULT_CMD_KEY_GET :
	      (uint8_t)(rng_pct(r, 50) ? rng_below(r, 8) : rng_u32(r));
	dump = cmd == KVAULT_CMD_KEY_GET && rng_pct(r, 35);
	n = base_specs(w, r, cmd, dump, s);
	if (!plain)
		*moff = mutate_specs(w, r, cmd, s, &n, mut, mlen, *moff);
	alen = serialise(r, s, n, attrs, acap);
	if (!plain && rng_pct(r, 12))
		alen = damage(r, attrs, alen, acap, mut, mlen, moff);

	memset(p, 0, NL_HDR + GE_HDR);
	nlh->nlmsg_type = w->g.family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (dump)
		nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_DUMP |
					      (rng_pct(r, 50) ? NLM_F_ACK : 0));
	gh->cmd = cmd;
	gh->version = KVAULT_GENL_VERSION;
	len = NL_HDR + GE_HDR + alen;
	nlh->nlmsg_len = (uint32_t)len;
	if (plain)
		return len;

	k = rng_below(r, 100);
	if (dump && k >= 20)
		;	/* keep the dump a dump, mostly */
	else if (k < 6)
		nlh->nlmsg_flags = NLM_F_REQUEST;
	else if (k < 9)
		nlh->nlmsg_flags |= NLM_F_ECHO;
	else if (k < 12)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	else if (k < 14)
		nlh->nlmsg_flags = NLM_F_ACK;
	else if (k < 18)
		nlh->nlmsg_flags = (uint16_t)(rng_u32(r) | (rng_pct(r, 80) ? NLM_F_REQUEST : 0));
	if (rng_pct(r, 15))
		gh->version = (uint8_t)rng_u32(r);
	if (rng_pct(r, 5))
		gh->reserved = (uint16_t)(rng_u32(r) | 1);
	if (rng_pct(r, 20))
		nlh->nlmsg_pid = rng_u32(r);

	k = rng_below(r, 100);
	if (k < 3) {		/* claims more than was sent: dropped */
		nlh->nlmsg_len = (uint32_t)len + rng_range(r, 1, 64);
		*moff = bprintf(mut, mlen, *moff, " nlmsg_len+");
	} else if (k < 5) {	/* shorter than a netlink header: dropped */
		nlh->nlmsg_len = rng_below(r, NL_HDR);
		*moff = bprintf(mut, mlen, *moff, " nlmsg_len<16");
	} else if (k < 8) {	/* cuts the genl header: sent that short */
		len = rng_range(r, NL_HDR, NL_HDR + GE_HDR - 1);
		nlh->nlmsg_len = (uint32_t)len;
		*moff = bprintf(mut, mlen, *moff, " genlhdr-cut(%zu)", len);
	}
	return len;
}

static void genl_gen(struct worker *w, struct rng *r, void *vin)
{
	struct genl_in *in = vin;
	size_t off = 0, moff = 0, len;

	in->fresh = rng_pct(r, 3);
	in->nmsg = 1;
	in->moff[0] = 0;
	len = build_msg(w, r, w->tx, w->txcap - 4096, false, in->mut,
			sizeof(in->mut), &moff);
	off = len;
	if (rng_pct(r, 4)) {	/* bytes after the message: too few for another */
		size_t extra = rng_range(r, 1, NL_HDR - 1);

		rng_fill(r, w->tx + off, extra);
		off += extra;
		moff = bprintf(in->mut, sizeof(in->mut), moff, " tail(%zu)", extra);
	} else if (rng_pct(r, 5)) {	/* a second, correct request */
		off = AL4(off);
		in->moff[1] = (uint32_t)off;
		in->nmsg = 2;
		off += build_msg(w, r, w->tx + off, 4096, true, in->mut,
				 sizeof(in->mut), &moff);
		moff = bprintf(in->mut, sizeof(in->mut), moff, " +second-request");
	}
	in->total = (uint32_t)off;
	{
		const struct nlmsghdr *nlh = (const void *)w->tx;
		const struct genlmsghdr *gh = (const void *)(w->tx + NL_HDR);

		/* some KEY_GET dumps are closed after their first datagram */
		if (in->nmsg == 1 && nlh->nlmsg_len >= NL_HDR + GE_HDR && gh->cmd == KVAULT_CMD_KEY_GET &&
		    (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP && rng_pct(r, 30)) {
			in->fresh = 1;
			in->abandon = 1;
			moff = bprintf(in->mut, sizeof(in->mut), moff, " abandon-dump");
		}
	}
	if (!moff)
		bprintf(in->mut, sizeof(in->mut), 0, " none");
}

/* ---- description ------------------------------------------------------------- */

static const char *genl_cmd_name(uint8_t cmd)
{
	return cmd == KVAULT_CMD_STATUS ? "STATUS" :
	       cmd == KVAULT_CMD_PCR_READ ? "PCR_READ" :
	       cmd == KVAULT_CMD_KEY_GET ? "KEY_GET" : "unknown";
}

static void genl_describe(struct worker *w, const void *vin, char *buf,
			  size_t len, bool verbose)
{
	const struct genl_in *in = vin;
	size_t off = 0;
	unsigned int m;

	off = bprintf(buf, len, off, "genl%s%s datagram %u bytes, mutations:%s",
		      w->role == ROLE_NOBODY ? " as uid 65534," :
		      w->role == ROLE_NOCAP ? " as root without CAP_SYS_ADMIN," : "",
		      in->fresh ? " fresh socket," : "", in->total, in->mut);
	for (m = 0; m < in->nmsg; m++) {
		const uint8_t *p = w->tx + in->moff[m];
		const struct nlmsghdr *nlh = (const void *)p;
		const struct genlmsghdr *gh = (const void *)(p + NL_HDR);
		size_t a = NL_HDR + GE_HDR, end, k = 0;

		off = bprintf(buf, len, off,
			      "%s[msg %u] nlmsg_len=%u flags=%#x pid=%u cmd=%u(%s) version=%u reserved=%#x attrs:",
			      verbose ? "\n  " : "; ", m, nlh->nlmsg_len,
			      nlh->nlmsg_flags, nlh->nlmsg_pid, gh->cmd,
			      genl_cmd_name(gh->cmd), gh->version, gh->reserved);
		end = in->total - in->moff[m];
		if (nlh->nlmsg_len < end)
			end = nlh->nlmsg_len;
		while (a + NA_HDR <= end && k < (verbose ? 40U : 6U)) {
			struct nlattr nla;

			memcpy(&nla, p + a, sizeof(nla));
			off = bprintf(buf, len, off, " {type %#x len %u", nla.nla_type,
				      nla.nla_len);
			if (nla.nla_len == 6) {
				uint16_t v;

				memcpy(&v, p + a + 4, 2);
				off = bprintf(buf, len, off, " u16 %#x", v);
			} else if (nla.nla_len == 8) {
				uint32_t v;

				memcpy(&v, p + a + 4, 4);
				off = bprintf(buf, len, off, " u32 %#x", v);
			}
			off = bprintf(buf, len, off, "}");
			if (nla.nla_len < NA_HDR)
				break;
			a += AL4(nla.nla_len);
			k++;
		}
		if (a < end)
			off = bprintf(buf, len, off, " ...");
	}
	if (verbose) {
		off = bprintf(buf, len, off, "\n  datagram (nlmsg_seq is set at run time):");
		hexdump(buf, len, off, w->tx, in->total, 1024);
	}
}

/* ---- model ------------------------------------------------------------------------ */

/*
 * Strict policy validation as nlmsg_parse() with NL_VALIDATE_STRICT.
 * *@range: the first attribute refused was a string longer than its
 * policy allows, which lib/nlattr.c refuses with ERANGE, not EINVAL (the
 * uapi header says EINVAL for every wrong length).
 */
static bool attrs_valid(const uint8_t *p, int rem, uint8_t cmd,
			const uint8_t **tb, uint16_t *tlen, bool *range)
{
	const uint8_t *pol = cmd == KVAULT_CMD_STATUS ? policy_status :
			     cmd == KVAULT_CMD_KEY_GET ? policy_key_get : policy_pcr_read;
	size_t off = 0;

	memset(tb, 0, sizeof(*tb) * (KVAULT_A_MAX + 1));
	while (rem >= 4) {	/* rem goes negative like nla_next()'s */
		struct nlattr nla;
		unsigned int type, plen;

		memcpy(&nla, p + off, sizeof(nla));
		if (nla.nla_len < 4 || nla.nla_len > rem)
			break;
		type = nla.nla_type & TYPE_MASK;
		plen = nla.nla_len - 4U;
		if (type == 0 || type > KVAULT_A_MAX)
			return false;
		switch (pol[type]) {
		case P_U16:
			if (plen != 2 || (nla.nla_type & NLA_F_NESTED))
				return false;
			break;
		case P_U32:
			if (plen != 4 || (nla.nla_type & NLA_F_NESTED))
				return false;
			break;
		case P_NAME: {	/* NLA_NUL_STRING, .len = KVAULT_KEY_NAME_MAX - 1 */
			const uint8_t *d = p + off + NA_HDR;
			unsigned int minlen = plen < KVAULT_KEY_NAME_MAX ? plen : KVAULT_KEY_NAME_MAX;

			if ((nla.nla_type & NLA_F_NESTED) || !minlen || !memchr(d, 0, minlen))
				return false;
			if (plen - (d[plen - 1] == 0) > KVAULT_KEY_NAME_MAX - 1) {
				*range = true;
				return false;
			}
			break;
		}
		default:	/* NLA_REJECT, or not in the policy (NLA_UNSPEC) */
			return false;
		}
		tb[type] = p + off + NA_HDR;	/* the last one wins */
		if (tlen)
			tlen[type] = (uint16_t)plen;
		off += AL4(nla.nla_len);
		rem -= (int)AL4(nla.nla_len);
	}
	return rem <= 0;
}

/* The answers a key in @v allows (KEY_GET doit; kvault_key_meta(strict)). */
static void key_get_expect(const struct kwant *k, struct expect *e)
{
	const struct keys_view *v = &k->v;

	switch (v->x) {
	case KX_ABSENT:
		expect_set(e, -ENOENT, ST_HANDLER);
		return;
	case KX_DEAD:	/* destroyed, invalidated or revoked: collected or not */
		expect_set(e, -ENOENT, ST_HANDLER);
		expect_add(e, -ENOKEY);
		expect_add(e, -EKEYREVOKED);
		return;
	case KX_LIVE:
		if (v->revoked) {
			/* collected key_gc_delay s after its revocation, then not found */
			expect_set(e, -EKEYREVOKED, ST_HANDLER);
			expect_add(e, -ENOENT);
			return;
		}
		if (v->quiet && k->exact) {
			expect_set(e, 0, ST_HANDLER);
			return;
		}
		break;	/* a deadline or a timeout may pass unseen */
	}
	/* orphaned, unsure, or a key others change too */
	expect_set(e, 0, ST_HANDLER);
	expect_add(e, -ENOENT);
	expect_add(e, -ENOKEY);
	expect_add(e, -EKEYREVOKED);
	expect_add(e, -EKEYEXPIRED);
}

/* Which known key @id / @name is, into @k; false: no key the worker knows. */
static bool key_known(struct worker *w, int32_t id, const char *name, struct kwant *k)
{
	unsigned int slot;
	int kind;

	memset(k, 0, sizeof(*k));
	if (keyuse_find(w, id, name, &k->v, k->name, sizeof(k->name))) {
		k->exact = true;
		return true;
	}
	kind = keys_find(w, name, id, &slot);
	if (kind == KN_OWN) {
		keys_view(w, slot, &k->v);
		keys_name(w, KN_OWN, slot, k->name, sizeof(k->name));
		k->exact = k->v.x == KX_LIVE && k->v.quiet;
		return true;
	}
	if (kind == KN_SHARED) {
		k->v.x = KX_UNSURE;
		keys_name(w, KN_SHARED, slot, k->name, sizeof(k->name));
		return true;
	}
	return false;
}

/* A dump this datagram started may still run: another one gets EBUSY. */
static __thread bool dump_started;

/*
 * KEY_GET, past the policy and the permission checks: the doit
 * (kvault_genl_key_get(): flags, exactly one of ID and name, a key ID or
 * a valid name, then the lookup) or the dump, whose own checks (flags, no
 * key named) answer in NLMSG_DONE.
 */
static void predict_key_get(struct worker *w, const uint8_t **tb,
			    const uint16_t *tlen, bool dump, struct gexp *x)
{
	struct expect *e = &x->ex;
	char name[KVAULT_KEY_NAME_MAX + 1];
	uint32_t v32 = 0;
	unsigned int i;

	if (tb[KVAULT_A_FLAGS])
		memcpy(&v32, tb[KVAULT_A_FLAGS], 4);
	if (dump) {
		x->dump = true;
		expect_set(e, 0, ST_HANDLER);
		expect_add(e, -ENOMEM);
		if (dump_started)	/* netlink runs one dump per socket at a time */
			expect_add(e, -EBUSY);
		x->done_want = v32 || tb[KVAULT_A_KEY_ID] || tb[KVAULT_A_KEY_NAME] ? -EINVAL : 0;
		dump_started |= !x->done_want;	/* it may go on past its first datagram */
		if (x->done_want || w->role != ROLE_PRIV)
			return;
		for (i = 0; i < KEYS_SLOTS + KEYUSE_KINDS; i++) {
			struct kwant *k = &x->dwant[x->nwant];

			memset(k, 0, sizeof(*k));
			if (i < KEYS_SLOTS) {
				keys_view(w, i, &k->v);
				keys_name(w, KN_OWN, i, k->name, sizeof(k->name));
			} else {
				int32_t id = keyuse_id(w, i - KEYS_SLOTS, false, name, sizeof(name));

				if (!id || !keyuse_find(w, id, NULL, &k->v, k->name, sizeof(k->name)))
					continue;
			}
			/*
			 * There all the dump long: it must be listed, as it is.
			 * A revoked key is not: collected key_gc_delay s after
			 * its revocation, it may go at any time.
			 */
			if (k->v.x == KX_LIVE && k->v.quiet && !k->v.revoked && k->v.id > 0) {
				k->exact = true;
				x->nwant++;
			}
		}
		return;
	}
	expect_set(e, -EINVAL, ST_HANDLER);
	if (v32 || !tb[KVAULT_A_KEY_ID] == !tb[KVAULT_A_KEY_NAME])
		return;
	if (tb[KVAULT_A_KEY_ID]) {
		memcpy(&v32, tb[KVAULT_A_KEY_ID], 4);
		if (!v32 || v32 > 0x7fffffffU)
			return;
		if (!key_known(w, (int32_t)v32, NULL, &x->want)) {
			expect_set(e, -ENOENT, ST_HANDLER);
			return;
		}
	} else {
		size_t n = tlen[KVAULT_A_KEY_NAME];

		memset(name, 0, sizeof(name));
		memcpy(name, tb[KVAULT_A_KEY_NAME], n < KVAULT_KEY_NAME_MAX ? n : KVAULT_KEY_NAME_MAX);
		n = strnlen(name, KVAULT_KEY_NAME_MAX);
		if (!n || n == KVAULT_KEY_NAME_MAX)
			return;
		for (i = 0; i < n; i++)
			if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] > 0x7e)
				return;
		if (!key_known(w, 0, name, &x->want)) {
			expect_set(e, -ENOENT, ST_HANDLER);
			return;
		}
	}
	key_get_expect(&x->want, e);
	expect_add(e, -ENOMEM);
}

/*
 * One message at @p with @avail datagram bytes left. Returns the bytes the
 * kernel consumes, or 0 if it stops processing the datagram.
 */
static size_t predict_msg(struct worker *w, const uint8_t *p, size_t avail,
			  struct gexp *x)
{
	const struct nlmsghdr *nlh = (const void *)p;
	const struct genlmsghdr *gh = (const void *)(p + NL_HDR);
	const uint8_t *tb[KVAULT_A_MAX + 1];
	uint16_t tlen[KVAULT_A_MAX + 1];
	bool range = false;
	struct expect *e = &x->ex;
	uint16_t flags = nlh->nlmsg_flags, f;
	size_t used;
	uint32_t v32;
	uint16_t v16;
	int ds;

	memset(x, 0, sizeof(*x));
	if (nlh->nlmsg_len < NL_HDR || nlh->nlmsg_len > avail) {
		x->kind = GX_NONE;	/* netlink_rcv_skb() drops the rest */
		return 0;
	}
	used = AL4(nlh->nlmsg_len);
	if (used > avail)
		used = avail;
	x->cmd = nlh->nlmsg_len >= NL_HDR + 1 ? gh->cmd : 0;
	x->dump_req = x->cmd == KVAULT_CMD_KEY_GET && (flags & NLM_F_DUMP) == NLM_F_DUMP;
	x->ack = flags & NLM_F_ACK;
	/* netlink_rcv_skb() hands only requests of a real type to genl */
	if (!(flags & NLM_F_REQUEST) || nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		x->kind = x->ack ? GX_ACK : GX_NONE;
		return used;
	}
	/* another family's message (random bytes after a bad nlmsg_len) */
	if (nlh->nlmsg_type != w->g.family) {
		x->kind = GX_SKIP;
		return used;
	}
	x->kind = GX_ANSWER;
	expect_set(e, -EINVAL, ST_NONE);
	if (nlh->nlmsg_len < NL_HDR + GE_HDR)
		return used;
	if (gh->reserved)
		return used;
	f = flags;
	if ((f & NLM_F_DUMP) == NLM_F_DUMP)
		f &= (uint16_t)~NLM_F_DUMP;
	if (f & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))
		return used;
	if (gh->cmd != KVAULT_CMD_STATUS && gh->cmd != KVAULT_CMD_PCR_READ &&
	    gh->cmd != KVAULT_CMD_KEY_GET) {
		e->v[0] = -EOPNOTSUPP;
		return used;
	}
	if (w->role == ROLE_NOBODY) {
		/*
		 * GENL_ADMIN_PERM (CAP_NET_ADMIN) refuses before any parsing;
		 * 6.1 checks it before looking for a dumpit.
		 */
		e->v[0] = -EPERM;
		if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
			expect_add(e, -EOPNOTSUPP);
		return used;
	}
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP && gh->cmd != KVAULT_CMD_KEY_GET) {
		e->v[0] = -EOPNOTSUPP;
		return used;
	}
	if (!attrs_valid(p + NL_HDR + GE_HDR,
			 (int)(nlh->nlmsg_len - NL_HDR - GE_HDR),
			 gh->cmd, tb, tlen, &range)) {
		if (range)
			e->v[0] = -ERANGE;
		return used;
	}
	if (w->role == ROLE_NOCAP) {
		/*
		 * With CAP_NET_ADMIN a request passes the core's check and the
		 * policy; kvault's pre_doit then demands CAP_SYS_ADMIN.
		 */
		e->v[0] = -EPERM;
		return used;
	}
	e->stage = ST_HANDLER;
	expect_add(e, -ENOMEM);
	if (tb[KVAULT_A_FLAGS] && gh->cmd != KVAULT_CMD_KEY_GET) {
		memcpy(&v32, tb[KVAULT_A_FLAGS], 4);
		if (v32)
			return used;
	}
	if (gh->cmd == KVAULT_CMD_KEY_GET) {
		predict_key_get(w, tb, tlen, (flags & NLM_F_DUMP) == NLM_F_DUMP, x);
		return used;
	}
	if (gh->cmd == KVAULT_CMD_STATUS) {
		expect_set(e, 0, ST_TPM);
		expect_add(e, -ENOMEM);
		if (g_world.tpm2)
			expect_add(e, -EIO);
		return used;
	}
	if (!tb[KVAULT_A_PCR_BANK] || !tb[KVAULT_A_PCR_MASK])
		return used;
	memcpy(&v16, tb[KVAULT_A_PCR_BANK], 2);
	memcpy(&v32, tb[KVAULT_A_PCR_MASK], 4);
	x->bank = v16;
	x->mask = v32;
	if (!v32 || (v32 & ~KVAULT_PCR_MASK_ALL))
		return used;
	if (!g_world.tpm2) {
		e->v[0] = -ENODEV;
		return used;
	}
	ds = world_digest_size(v16);
	if (ds < 0)
		return used;
	if (ds > KVAULT_MAX_DIGEST_SIZE) {
		e->v[0] = -EOPNOTSUPP;
		return used;
	}
	expect_set(e, 0, ST_TPM);
	expect_add(e, -ENOMEM);
	expect_add(e, -EIO);
	expect_add(e, -EAGAIN);
	return used;
}

/* ---- reply checks -------------------------------------------------------------------- */

static const struct nlattr *nla_at(const uint8_t *p, size_t len, size_t *off)
{
	const struct nlattr *nla = (const void *)(p + *off);

	if (*off + NA_HDR > len || nla->nla_len < NA_HDR ||
	    *off + nla->nla_len > len)
		return NULL;
	*off += AL4(nla->nla_len);
	return nla;
}

/* Top-level attributes of a reply; each at most once. */
static bool reply_attrs(const uint8_t *p, size_t len, const struct nlattr **tb,
			char *bad, size_t blen)
{
	const struct nlattr *nla;
	size_t off = 0;

	memset(tb, 0, sizeof(*tb) * (KVAULT_A_MAX + 1));
	while ((nla = nla_at(p, len, &off))) {
		int t = nla->nla_type & TYPE_MASK;

		if (t == 0 || t > KVAULT_A_MAX) {
			snprintf(bad, blen, "reply carries unknown attribute %d", t);
			return false;
		}
		if (tb[t] && t != KVAULT_A_PAD) {
			snprintf(bad, blen, "reply carries attribute %d twice", t);
			return false;
		}
		tb[t] = nla;
	}
	if (off < len) {
		snprintf(bad, blen, "reply has %zu malformed trailing bytes", len - off);
		return false;
	}
	return true;
}

static bool nla_is(const struct nlattr *a, size_t plen)
{
	return a && a->nla_len == NA_HDR + plen;
}

static uint32_t nla_u32v(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)a + NA_HDR, 4);
	return v;
}

static uint16_t nla_u16v(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, (const uint8_t *)a + NA_HDR, 2);
	return v;
}

static bool nla_str_is(const struct nlattr *a, const char *s)
{
	size_t n = strlen(s) + 1;

	return a && a->nla_len == NA_HDR + n &&
	       !memcmp((const uint8_t *)a + NA_HDR, s, n);
}

static void check_status_reply(const uint8_t *p, size_t len, struct gexp *x)
{
	const struct kvault_status *st = &g_world.st;
	const struct nlattr *tb[KVAULT_A_MAX + 1], *bi;
	size_t off = 0;
	uint32_t i = 0;

	if (!reply_attrs(p, len, tb, x->bad, sizeof(x->bad)))
		return;
	if (!nla_is(tb[KVAULT_A_ABI_VERSION], 4) ||
	    nla_u32v(tb[KVAULT_A_ABI_VERSION]) != KVAULT_ABI_VERSION ||
	    !nla_str_is(tb[KVAULT_A_MODULE_VERSION], st->module_version) ||
	    !nla_is(tb[KVAULT_A_TPM_FLAGS], 4) ||
	    nla_u32v(tb[KVAULT_A_TPM_FLAGS]) != st->tpm_flags) {
		snprintf(x->bad, sizeof(x->bad), "STATUS reply: abi/module/tpm_flags wrong or missing");
		return;
	}
	if (!g_world.tpm2)
		return;
	if (!nla_is(tb[KVAULT_A_TPM_MANUFACTURER], 4) ||
	    nla_u32v(tb[KVAULT_A_TPM_MANUFACTURER]) != st->tpm_manufacturer ||
	    !nla_str_is(tb[KVAULT_A_TPM_VENDOR], st->tpm_vendor) ||
	    !nla_is(tb[KVAULT_A_TPM_FW_VERSION], 8) || !tb[KVAULT_A_PCR_BANKS]) {
		snprintf(x->bad, sizeof(x->bad), "STATUS reply: TPM attributes wrong or missing");
		return;
	}
	{
		uint64_t fw;

		memcpy(&fw, (const uint8_t *)tb[KVAULT_A_TPM_FW_VERSION] + NA_HDR, 8);
		if (fw != ((uint64_t)st->tpm_fw_version_1 << 32 | st->tpm_fw_version_2)) {
			snprintf(x->bad, sizeof(x->bad), "STATUS reply: firmware version differs");
			return;
		}
	}
	p = (const uint8_t *)tb[KVAULT_A_PCR_BANKS] + NA_HDR;
	len = tb[KVAULT_A_PCR_BANKS]->nla_len - NA_HDR;
	while ((bi = nla_at(p, len, &off))) {
		const struct nlattr *t2[KVAULT_A_MAX + 1];

		if ((bi->nla_type & TYPE_MASK) != KVAULT_A_PCR_BANK_INFO || i >= st->nr_pcr_banks ||
		    !reply_attrs((const uint8_t *)bi + NA_HDR, bi->nla_len - NA_HDR,
				 t2, x->bad, sizeof(x->bad)) ||
		    !nla_is(t2[KVAULT_A_PCR_BANK], 2) || !nla_is(t2[KVAULT_A_PCR_DIGEST_SIZE], 2) ||
		    nla_u16v(t2[KVAULT_A_PCR_BANK]) != st->pcr_banks[i].alg_id ||
		    nla_u16v(t2[KVAULT_A_PCR_DIGEST_SIZE]) != st->pcr_banks[i].digest_size) {
			if (!x->bad[0])
				snprintf(x->bad, sizeof(x->bad), "STATUS reply: bank %u differs", i);
			return;
		}
		i++;
	}
	if (off != len || i != st->nr_pcr_banks)
		snprintf(x->bad, sizeof(x->bad), "STATUS reply: %u banks, expected %u", i,
			 st->nr_pcr_banks);
}

static void check_pcr_reply(const uint8_t *p, size_t len, struct gexp *x)
{
	const struct nlattr *tb[KVAULT_A_MAX + 1], *v;
	uint8_t digests[KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];
	int ds = world_digest_size(x->bank);
	uint32_t want = x->mask, counter, n = 0;
	size_t off = 0;
	int next = 0;

	if (!reply_attrs(p, len, tb, x->bad, sizeof(x->bad)))
		return;
	if (!nla_is(tb[KVAULT_A_PCR_BANK], 2) || nla_u16v(tb[KVAULT_A_PCR_BANK]) != x->bank ||
	    !nla_is(tb[KVAULT_A_PCR_MASK], 4) || nla_u32v(tb[KVAULT_A_PCR_MASK]) != x->mask ||
	    !nla_is(tb[KVAULT_A_PCR_DIGEST_SIZE], 2) ||
	    nla_u16v(tb[KVAULT_A_PCR_DIGEST_SIZE]) != ds ||
	    !nla_is(tb[KVAULT_A_PCR_UPDATE_COUNTER], 4) || !tb[KVAULT_A_PCR_VALUES]) {
		snprintf(x->bad, sizeof(x->bad),
			 "PCR_READ reply: bank/mask/digest_size/counter wrong or missing (bank %#x has %d)",
			 x->bank, ds);
		return;
	}
	counter = nla_u32v(tb[KVAULT_A_PCR_UPDATE_COUNTER]);
	p = (const uint8_t *)tb[KVAULT_A_PCR_VALUES] + NA_HDR;
	len = tb[KVAULT_A_PCR_VALUES]->nla_len - NA_HDR;
	while ((v = nla_at(p, len, &off))) {
		const struct nlattr *t2[KVAULT_A_MAX + 1];
		uint32_t idx;

		if ((v->nla_type & TYPE_MASK) != KVAULT_A_PCR_VALUE ||
		    !reply_attrs((const uint8_t *)v + NA_HDR, v->nla_len - NA_HDR,
				 t2, x->bad, sizeof(x->bad)) ||
		    !nla_is(t2[KVAULT_A_PCR_INDEX], 4) ||
		    !nla_is(t2[KVAULT_A_PCR_DIGEST], (size_t)ds)) {
			if (!x->bad[0])
				snprintf(x->bad, sizeof(x->bad), "PCR_READ reply: malformed value #%u", n);
			return;
		}
		idx = nla_u32v(t2[KVAULT_A_PCR_INDEX]);
		while (next < KVAULT_PCR_COUNT && !(want & (1U << next)))
			next++;
		if ((int)idx != next) {
			snprintf(x->bad, sizeof(x->bad),
				 "PCR_READ reply: value #%u is PCR %u, expected PCR %d", n, idx, next);
			return;
		}
		memcpy(digests + (size_t)n * (size_t)ds,
		       (const uint8_t *)t2[KVAULT_A_PCR_DIGEST] + NA_HDR, (size_t)ds);
		next++;
		n++;
	}
	if (off != len || n != (uint32_t)__builtin_popcount(want)) {
		snprintf(x->bad, sizeof(x->bad), "PCR_READ reply: %u values for mask %#x", n, want);
		return;
	}
	pcr_ref_check(x->bank, x->mask, counter, digests, x->bad, sizeof(x->bad));
}

/*
 * One key's metadata (a KEY_GET reply or one dump message): every
 * attribute there, sane, and as the model says when @k is exact. Returns
 * the key's ID (0 after a failure).
 */
static uint32_t check_key_reply(const uint8_t *p, size_t len, const struct kwant *k,
				char *bad, size_t blen)
{
	static const uint8_t u32s[] = { KVAULT_A_KEY_ID, KVAULT_A_KEY_ALG, KVAULT_A_KEY_LEN,
		KVAULT_A_KEY_USAGE, KVAULT_A_KEY_ATTRS, KVAULT_A_KEY_STATE, KVAULT_A_KEY_VERSION,
		KVAULT_A_KEY_MIN_VERSION, KVAULT_A_KEY_TRANSFORMS };
	static const uint8_t u64s[] = { KVAULT_A_KEY_CTIME, KVAULT_A_KEY_USE_COUNT,
		KVAULT_A_KEY_LAST_USE };
	const uint32_t ign = KVAULT_KEY_EXPIRED | KVAULT_KEY_SEALED | KVAULT_KEY_REVOKED;
	const struct nlattr *tb[KVAULT_A_MAX + 1], *c;
	uint32_t id, state, ver, minv, attrs, n = 0;
	size_t i, off = 0;

	if (!reply_attrs(p, len, tb, bad, blen))
		return 0;
	for (i = 0; i < sizeof(u32s); i++)
		if (!nla_is(tb[u32s[i]], 4)) {
			snprintf(bad, blen, "key reply: attribute %u missing or not a u32", u32s[i]);
			return 0;
		}
	for (i = 0; i < sizeof(u64s); i++)
		if (!nla_is(tb[u64s[i]], 8)) {
			snprintf(bad, blen, "key reply: attribute %u missing or not a u64", u64s[i]);
			return 0;
		}
	id = nla_u32v(tb[KVAULT_A_KEY_ID]);
	state = nla_u32v(tb[KVAULT_A_KEY_STATE]);
	ver = nla_u32v(tb[KVAULT_A_KEY_VERSION]);
	minv = nla_u32v(tb[KVAULT_A_KEY_MIN_VERSION]);
	attrs = nla_u32v(tb[KVAULT_A_KEY_ATTRS]);
	if (!tb[KVAULT_A_KEY_NAME] || tb[KVAULT_A_KEY_NAME]->nla_len < NA_HDR + 2 ||
	    ((const uint8_t *)tb[KVAULT_A_KEY_NAME])[tb[KVAULT_A_KEY_NAME]->nla_len - 1] ||
	    !id || id > 0x7fffffffU || state < KVAULT_KEY_STATE_ENABLED ||
	    state > KVAULT_KEY_STATE_DESTROYED || !minv || ver < minv ||
	    ver - minv >= KVAULT_KEY_MAX_VERSIONS || (attrs & ~0x1fU) ||
	    !tb[KVAULT_A_KEY_DESTROY_TIME] != (state != KVAULT_KEY_STATE_DESTROY_PENDING) ||
	    (tb[KVAULT_A_KEY_DESTROY_TIME] && !nla_is(tb[KVAULT_A_KEY_DESTROY_TIME], 8)) ||
	    (tb[KVAULT_A_KEY_MIRROR_ID] && (!nla_is(tb[KVAULT_A_KEY_MIRROR_ID], 4) ||
					    !nla_u32v(tb[KVAULT_A_KEY_MIRROR_ID])))) {
		snprintf(bad, blen, "key reply: id %u state %u version %u min %u attrs %#x, name/destroy-time/mirror malformed or inconsistent",
			 id, state, ver, minv, attrs);
		return 0;
	}
	if (!tb[KVAULT_A_KEY_CONSUMERS]) {
		snprintf(bad, blen, "key reply: no KVAULT_A_KEY_CONSUMERS");
		return 0;
	}
	p = (const uint8_t *)tb[KVAULT_A_KEY_CONSUMERS] + NA_HDR;
	len = tb[KVAULT_A_KEY_CONSUMERS]->nla_len - NA_HDR;
	while ((c = nla_at(p, len, &off))) {
		const struct nlattr *t2[KVAULT_A_MAX + 1];

		n++;
		if ((c->nla_type & TYPE_MASK) != KVAULT_A_CONSUMER ||
		    !reply_attrs((const uint8_t *)c + NA_HDR, c->nla_len - NA_HDR, t2, bad, blen) ||
		    !nla_is(t2[KVAULT_A_CONSUMER_KIND], 4) || nla_u32v(t2[KVAULT_A_CONSUMER_KIND]) != n ||
		    !nla_is(t2[KVAULT_A_CONSUMER_OPS], 8) || !nla_is(t2[KVAULT_A_CONSUMER_BYTES], 8)) {
			if (!bad[0])
				snprintf(bad, blen, "key reply: consumer #%u malformed", n);
			return 0;
		}
	}
	if (off != len || n != KVAULT_CONSUMER_MAX) {
		snprintf(bad, blen, "key reply: %u consumers, want %d", n, KVAULT_CONSUMER_MAX);
		return 0;
	}
	if (!k || !k->exact)
		return id;
	if ((k->v.id > 0 && id != (uint32_t)k->v.id) ||
	    !nla_str_is(tb[KVAULT_A_KEY_NAME], k->name) ||
	    nla_u32v(tb[KVAULT_A_KEY_ALG]) != k->v.alg || nla_u32v(tb[KVAULT_A_KEY_LEN]) != k->v.len ||
	    nla_u32v(tb[KVAULT_A_KEY_USAGE]) != k->v.usage || state != k->v.state ||
	    ver != k->v.version || (k->v.min_version && minv != k->v.min_version) ||
	    (attrs | ign) != (k->v.attrs | ign) ||
	    (k->v.mirror_id > 0 && (!tb[KVAULT_A_KEY_MIRROR_ID] ||
				    nla_u32v(tb[KVAULT_A_KEY_MIRROR_ID]) != (uint32_t)k->v.mirror_id)) ||
	    (!k->v.mirror_id && tb[KVAULT_A_KEY_MIRROR_ID] && k->v.alg)) {
		snprintf(bad, blen,
			 "key %u \"%.40s\" differs from the model: alg %u/%u len %u/%u usage %#x/%#x state %u/%u version %u/%u min %u/%u attrs %#x/%#x mirror %s/%d (got/model)",
			 id, k->name, nla_u32v(tb[KVAULT_A_KEY_ALG]), k->v.alg,
			 nla_u32v(tb[KVAULT_A_KEY_LEN]), k->v.len, nla_u32v(tb[KVAULT_A_KEY_USAGE]),
			 k->v.usage, state, k->v.state, ver, k->v.version, minv, k->v.min_version,
			 attrs, k->v.attrs, tb[KVAULT_A_KEY_MIRROR_ID] ? "yes" : "no", k->v.mirror_id);
		return 0;
	}
	return id;
}

/* ---- execution -------------------------------------------------------------------- */

static void take_message(struct worker *w, struct genl_out *o,
			 const struct nlmsghdr *nlh)
{
	int k = (int)(nlh->nlmsg_seq - o->seq0);
	struct gexp *x;

	if (nlh->nlmsg_seq < o->seq0 || k >= o->nexp) {
		snprintf(o->stray, sizeof(o->stray),
			 "message type %u seq %u that answers nothing we sent",
			 nlh->nlmsg_type, nlh->nlmsg_seq);
		return;
	}
	x = &o->x[k];
	if (nlh->nlmsg_type == NLMSG_DONE) {
		int err = 0;

		x->ndone++;
		if (nlh->nlmsg_len >= NL_HDR + 4)
			memcpy(&err, (const uint8_t *)nlh + NL_HDR, 4);
		else
			snprintf(x->bad, sizeof(x->bad), "short NLMSG_DONE");
		x->done_err = err;
		if (!x->dump || x->ndone > 1)
			snprintf(x->bad, sizeof(x->bad), "NLMSG_DONE #%d to a %s", x->ndone,
				 x->dump ? "dump" : "request that is no dump");
		return;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const void *)((const uint8_t *)nlh + NL_HDR);
		size_t eo = sizeof(*e);
		const char *msg;
		uint16_t mlen;

		if (nlh->nlmsg_len < (NL_HDR + sizeof(*e))) {
			snprintf(x->bad, sizeof(x->bad), "short NLMSG_ERROR");
			return;
		}
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			eo = AL4(eo + e->msg.nlmsg_len - sizeof(e->msg));
		if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
		    (NL_HDR + eo) <= nlh->nlmsg_len) {
			msg = attr_find((const char *)e + eo,
					nlh->nlmsg_len - (NL_HDR + eo),
					NLMSGERR_ATTR_MSG, &mlen);
			if (msg)
				snprintf(x->extack, sizeof(x->extack), "%.*s", (int)mlen, msg);
		}
		if (e->error) {
			x->nerr++;
			x->err = e->error;
		} else {
			x->nack++;
		}
		return;
	}
	if (nlh->nlmsg_type == w->g.family) {
		const struct genlmsghdr *gh = (const void *)((const uint8_t *)nlh + NL_HDR);
		size_t plen;

		x->nreply++;
		if (x->dump && nlh->nlmsg_len >= NL_HDR + GE_HDR && gh->cmd == x->cmd &&
		    gh->version == KVAULT_GENL_VERSION && !x->bad[0]) {
			uint32_t id;
			size_t at;
			int i;

			plen = nlh->nlmsg_len - (NL_HDR + GE_HDR);
			if (!(nlh->nlmsg_flags & NLM_F_MULTI) || x->ndone)
				snprintf(x->bad, sizeof(x->bad), "dump message %d: flags %#x%s", x->nreply,
					 nlh->nlmsg_flags, x->ndone ? ", after NLMSG_DONE" : "");
			id = check_key_reply((const uint8_t *)gh + GE_HDR, plen, NULL, x->bad,
					     sizeof(x->bad));
			if (id && id <= x->last_id)
				snprintf(x->bad, sizeof(x->bad), "dump lists key %u after key %u", id,
					 x->last_id);
			x->last_id = id;
			for (i = 0; i < x->nwant && id && !x->bad[0]; i++)
				if ((uint32_t)x->dwant[i].v.id == id) {
					x->dwant[i].seen = true;
					check_key_reply((const uint8_t *)gh + GE_HDR, plen, &x->dwant[i],
							x->bad, sizeof(x->bad));
				}
			if (!x->bad[0] && leak_scan((const uint8_t *)gh + GE_HDR, plen, &at))
				snprintf(x->bad, sizeof(x->bad), "key material pattern in dump message %d",
					 x->nreply);
			return;
		}
		if (x->nreply > 1 || nlh->nlmsg_len < (NL_HDR + GE_HDR)) {
			snprintf(x->bad, sizeof(x->bad), "reply %d, length %u", x->nreply,
				 nlh->nlmsg_len);
			return;
		}
		if (gh->cmd != x->cmd || gh->version != KVAULT_GENL_VERSION) {
			snprintf(x->bad, sizeof(x->bad), "reply has cmd %u version %u",
				 gh->cmd, gh->version);
			return;
		}
		plen = nlh->nlmsg_len - (NL_HDR + GE_HDR);
		if (w->role != ROLE_PRIV)
			return;		/* the finding is that it came at all */
		if (x->cmd == KVAULT_CMD_STATUS) {
			check_status_reply((const uint8_t *)gh + GE_HDR, plen, x);
		} else if (x->cmd == KVAULT_CMD_KEY_GET) {
			size_t at;

			check_key_reply((const uint8_t *)gh + GE_HDR, plen,
					x->want.v.x ? &x->want : NULL, x->bad, sizeof(x->bad));
			if (!x->bad[0] && leak_scan((const uint8_t *)gh + GE_HDR, plen, &at))
				snprintf(x->bad, sizeof(x->bad), "key material pattern in the reply");
		} else {
			check_pcr_reply((const uint8_t *)gh + GE_HDR, plen, x);
		}
		return;
	}
	snprintf(x->bad, sizeof(x->bad), "unexpected message type %u", nlh->nlmsg_type);
}

/* Read whatever is queued; returns the number of messages seen. */
static int drain(struct worker *w, int fd, struct genl_out *o)
{
	int seen = 0;

	for (;;) {
		ssize_t n = recv(fd, w->rx, w->rxcap, MSG_DONTWAIT | MSG_TRUNC);
		const struct nlmsghdr *nlh;
		size_t left, off;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && o && !o->stray[0])
				snprintf(o->stray, sizeof(o->stray), "recv: %s",
					 errname(-errno));
			return seen;
		}
		if ((size_t)n > w->rxcap) {
			if (o)
				snprintf(o->stray, sizeof(o->stray),
					 "answer of %zd bytes truncated", n);
			continue;
		}
		left = (size_t)n;
		for (off = 0; left - off >= NL_HDR; off += AL4(nlh->nlmsg_len)) {
			nlh = (const void *)(w->rx + off);
			if (nlh->nlmsg_len < NL_HDR || nlh->nlmsg_len > left - off)
				break;
			seen++;
			if (o)
				take_message(w, o, nlh);
			if (AL4(nlh->nlmsg_len) > left - off)
				break;
		}
	}
}

static void genl_exec(struct worker *w, void *vin, void *vout)
{
	struct genl_in *in = vin;
	struct genl_out *o = vout;
	struct genl_raw fresh, *g = &w->g;
	size_t off = 0, used;
	int sndbuf = w->sndbuf, k;

	if (in->fresh) {
		int rc = genl_raw_open(&fresh);

		if (rc) {
			snprintf(o->stray, sizeof(o->stray), "new netlink socket: %s",
				 errname(rc));
			o->send_rc = rc;
			return;
		}
		g = &fresh;
		genl_sock_tune(w, g->fd);
		sndbuf = w->sndbuf;
		if (in->abandon) {	/* a small buffer: the dump must page */
			int small = 4096;

			setsockopt(g->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		}
	}
	/* leftovers of an earlier op on this socket */
	if (drain(w, g->fd, NULL))
		snprintf(o->stray, sizeof(o->stray), "answers left over from an earlier op");

	o->seq0 = g->seq + 1;
	for (k = 0; k < in->nmsg; k++)
		((struct nlmsghdr *)(w->tx + in->moff[k]))->nlmsg_seq = o->seq0 + (uint32_t)k;
	g->seq += MAX_MSGS;

	/* which messages the kernel will look at, and what each must get */
	o->nexp = 0;
	dump_started = false;
	while (o->nexp < MAX_MSGS && in->total - off >= NL_HDR) {
		used = predict_msg(w, w->tx + off, in->total - off, &o->x[o->nexp]);
		o->nexp++;
		if (!used)
			break;
		off += used;
	}
	expect_set(&o->send_ex, 0, ST_NONE);
	if ((int)in->total > sndbuf - 32)
		expect_set(&o->send_ex, -EMSGSIZE, ST_NONE);
	else if (in->total > 65536)
		expect_add(&o->send_ex, -ENOBUFS);

	o->send_rc = send(g->fd, w->tx, in->total, 0) < 0 ? -errno : 0;
	if (!o->send_rc) {
		bool want = false;

		for (k = 0; k < o->nexp; k++)
			want |= o->x[k].kind != GX_NONE;
		if (in->abandon) {	/* one datagram, then close mid-dump */
			ssize_t n = recv(g->fd, w->rx, w->rxcap, MSG_DONTWAIT);
			const struct nlmsghdr *nlh;
			size_t off;

			for (off = 0; n > 0 && (size_t)n - off >= NL_HDR; off += AL4(nlh->nlmsg_len)) {
				nlh = (const void *)(w->rx + off);
				if (nlh->nlmsg_len < NL_HDR || nlh->nlmsg_len > (size_t)n - off)
					break;
				take_message(w, o, nlh);
			}
		} else if (!drain(w, g->fd, o) && want) {
			struct pollfd pfd = { .fd = g->fd, .events = POLLIN };

			if (poll(&pfd, 1, 2000) > 0)
				drain(w, g->fd, o);
		}
	}
	if (in->fresh)
		genl_raw_close(&fresh);
}

/* ---- checks -------------------------------------------------------------------------- */

static enum fuzz_cmd genl_fc(uint8_t cmd, bool dump)
{
	return cmd == KVAULT_CMD_STATUS ? FC_GENL_STATUS :
	       cmd == KVAULT_CMD_PCR_READ ? FC_GENL_PCR_READ :
	       cmd == KVAULT_CMD_KEY_GET ? (dump ? FC_GENL_KEY_DUMP : FC_GENL_KEY_GET) :
	       FC_GENL_UNKNOWN;
}

/* A KEY_GET dump that ran: its end, its messages, the keys it must list. */
static void check_dump(struct worker *w, const struct genl_in *in, const struct gexp *x,
		       struct opctx *op, const char *who)
{
	int got = x->ndone ? x->done_err : x->nreply && in->abandon ? 0 : FUZZ_HIST_NOREPLY, i;
	char sig[160];

	fuzz_account(w, FC_GENL_KEY_DUMP, got,
		     got == x->done_want || in->abandon ? ST_HANDLER : ST_NONE);
	if (op->result == 0 || op->result == FUZZ_HIST_NOREPLY)
		op->result = got;
	if (x->bad[0]) {
		snprintf(sig, sizeof(sig), "%s:KEY_GET:dump-message", who);
		fuzz_finding(w, op, sig, "%s", x->bad);
		return;
	}
	if (x->nack)
		fuzz_finding(w, op, "genl:KEY_GET:dump-ack", "a dump got %d ACKs", x->nack);
	if (in->abandon)
		return;
	if (x->ndone != 1 || x->done_err != x->done_want) {
		snprintf(sig, sizeof(sig), "%s:KEY_GET:dump-done:%s!=%s", who,
			 x->ndone ? errname(x->done_err) : "none", errname(x->done_want));
		fuzz_finding(w, op, sig, "dump ended with %d NLMSG_DONE (errno %s) after %d messages, want one with %s",
			     x->ndone, errname(x->done_err), x->nreply, errname(x->done_want));
		return;
	}
	if (x->done_want && x->nreply)
		fuzz_finding(w, op, "genl:KEY_GET:dump-refused-but-listed",
			     "a dump refused with %s listed %d keys first", errname(x->done_err),
			     x->nreply);
	for (i = 0; i < x->nwant; i++)
		if (!x->dwant[i].seen) {
			fuzz_finding(w, op, "genl:KEY_GET:dump-missing-key",
				     "the dump (%d keys) did not list key %d \"%.60s\", there all along",
				     x->nreply, x->dwant[i].v.id, x->dwant[i].name);
			return;
		}
}

static void genl_check(struct worker *w, const void *vin, const void *vout,
		       struct opctx *op)
{
	const struct genl_in *in = vin;
	const struct genl_out *o = vout;
	const char *who = w->role == ROLE_PRIV ? "genl" :
			  w->role == ROLE_NOBODY ? "unpriv-nobody:genl" : "unpriv-nocap:genl";
	char exp[96], sig[224];
	int k;

	op->cmd = FC_GENL_UNKNOWN;
	if (in->nmsg)
		op->cmd = genl_fc(((const struct genlmsghdr *)(w->tx + in->moff[0] +
							      NL_HDR))->cmd,
				  (((const struct nlmsghdr *)(w->tx + in->moff[0]))->nlmsg_flags &
				   NLM_F_DUMP) == NLM_F_DUMP);
	op->result = o->send_rc;
	if (o->stray[0])
		fuzz_finding(w, op, "genl:stray", "%s", o->stray);
	if (!expect_has(&o->send_ex, o->send_rc)) {
		expect_str(&o->send_ex, exp, sizeof(exp));
		snprintf(sig, sizeof(sig), "%s:send:%s!=%s", who, errname(o->send_rc), exp);
		fuzz_finding(w, op, sig, "send() of %u bytes returned %s, expected %s (sndbuf %d)",
			     in->total, errname(o->send_rc), exp, w->sndbuf);
	}
	if (o->send_rc) {
		fuzz_account(w, op->cmd, o->send_rc, ST_NONE);
		return;
	}
	for (k = 0; k < o->nexp; k++) {
		const struct gexp *x = &o->x[k];
		enum fuzz_cmd fc = genl_fc(x->cmd, x->dump_req);
		int got = x->nerr ? x->err : x->nreply || x->ndone ? 0 : FUZZ_HIST_NOREPLY;
		bool ok;

		if (k == 0)
			op->result = got;
		if (x->kind == GX_ANSWER && x->dump && !x->nerr) {
			check_dump(w, in, x, op, who);
			continue;
		}
		switch (x->kind) {
		case GX_SKIP:
			fuzz_account(w, fc, got, ST_NONE);
			continue;
		case GX_NONE:
			ok = !x->nerr && !x->nreply && !x->nack;
			fuzz_account(w, fc, ok ? FUZZ_HIST_IGNORED : got, ST_NONE);
			if (ok && k == 0)
				op->result = FUZZ_HIST_IGNORED;
			if (!ok)
				fuzz_finding(w, op, "genl:answer-to-dropped",
					     "message %d should have been ignored, got %d errors %d acks %d replies",
					     k, x->nerr, x->nack, x->nreply);
			continue;
		case GX_ACK:
			ok = !x->nerr && !x->nreply && x->nack == 1;
			fuzz_account(w, fc, ok ? FUZZ_HIST_IGNORED : got, ST_NONE);
			if (ok && k == 0)
				op->result = FUZZ_HIST_IGNORED;
			if (!ok)
				fuzz_finding(w, op, "genl:ack",
					     "message %d (not a request, NLM_F_ACK) should get one ACK, got %d errors %d acks %d replies",
					     k, x->nerr, x->nack, x->nreply);
			continue;
		}
		fuzz_account(w, fc, got, expect_has(&x->ex, got == FUZZ_HIST_NOREPLY ? 1 : got) ?
			     x->ex.stage : ST_NONE);
		if (!expect_has(&x->ex, got == FUZZ_HIST_NOREPLY ? 1 : got)) {
			expect_str(&x->ex, exp, sizeof(exp));
			if (w->role != ROLE_PRIV && expect_has(&x->ex, -EPERM) &&
			    got != FUZZ_HIST_NOREPLY)
				/* one bug, whatever the handler then said */
				snprintf(sig, sizeof(sig), "%s:%s:permission-check-passed",
					 who, genl_cmd_name(x->cmd));
			else
				snprintf(sig, sizeof(sig), "%s:%s:errno:%s!=%s", who,
					 genl_cmd_name(x->cmd), errname(got), exp);
			fuzz_finding(w, op, sig,
				     "message %d (cmd %u) got %s, the ABI says %s%s%s",
				     k, x->cmd, errname(got), exp,
				     x->extack[0] ? "; extack: " : "", x->extack);
			continue;
		}
		if (x->nerr && x->nreply)
			fuzz_finding(w, op, "genl:reply-and-error",
				     "message %d got a reply and an error %s", k, errname(x->err));
		else if (!x->nerr && x->nack != (x->ack ? 1 : 0))
			fuzz_finding(w, op, "genl:ack-count",
				     "message %d: %d ACKs with NLM_F_ACK %s", k, x->nack,
				     x->ack ? "set" : "clear");
		if (x->bad[0]) {
			snprintf(sig, sizeof(sig), "%s:%s:reply", who, genl_cmd_name(x->cmd));
			fuzz_finding(w, op, sig, "message %d: %s", k, x->bad);
		}
	}
}

const struct fuzz_target target_genl = {
	.name = "genl",
	.weight = { [ROLE_PRIV] = 43, [ROLE_NOBODY] = 85, [ROLE_NOCAP] = 85 },
	.in_size = sizeof(struct genl_in),
	.out_size = sizeof(struct genl_out),
	.gen = genl_gen,
	.describe = genl_describe,
	.exec = genl_exec,
	.check = genl_check,
};
