// SPDX-License-Identifier: GPL-2.0
/*
 * Vault keys over generic netlink: KEY_GET by ID and name, the paged dump,
 * strict request validation, and the "events" multicast group (every
 * lifecycle change, in order, with the right fields).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"

FIXTURE(nk) {
	struct genl_raw g;
	int fd;
	char reply[8192];
	size_t rlen;
};

FIXTURE_SETUP(nk)
{
	ASSERT_EQ(0, genl_raw_open(&self->g));
	self->fd = kvault_dev_open();
	ASSERT_LE(0, self->fd);
	self->rlen = sizeof(self->reply);
}

FIXTURE_TEARDOWN(nk)
{
	genl_raw_close(&self->g);
	close(self->fd);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

TEST_F(nk, get_by_id_and_name)
{
	key_serial_t id;
	uint16_t plen;
	const char *name;
	uint64_t t0 = now_ns(), ctime;

	ASSERT_EQ(0, kv_create(self->fd, "nk-get", KVAULT_ALG_SECRET, 40,
			       KVAULT_USAGE_SIGN, 0, &id));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kn_get(&self->g, id, NULL, self->reply, &self->rlen));
	EXPECT_EQ((uint32_t)id, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_ID, 0));
	name = attr_find(self->reply, self->rlen, KVAULT_A_KEY_NAME, &plen);
	ASSERT_NE(NULL, name);
	EXPECT_STREQ("nk-get", name);
	EXPECT_EQ(KVAULT_ALG_SECRET, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_ALG, 0));
	EXPECT_EQ(40u, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_LEN, 0));
	EXPECT_EQ(KVAULT_USAGE_SIGN, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_USAGE, 0));
	EXPECT_EQ(KVAULT_KEY_STATE_ENABLED,
		  nla_u32(self->reply, self->rlen, KVAULT_A_KEY_STATE, 0));
	EXPECT_EQ(2u, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_VERSION, 0));
	EXPECT_EQ(1u, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_MIN_VERSION, 0));
	ctime = nla_u64(self->reply, self->rlen, KVAULT_A_KEY_CTIME);
	EXPECT_LE(t0 - 5000000000ull, ctime);
	EXPECT_GE(now_ns() + 5000000000ull, ctime);
	EXPECT_EQ(NULL, attr_find(self->reply, self->rlen, KVAULT_A_KEY_DESTROY_TIME, NULL));

	self->rlen = sizeof(self->reply);
	ASSERT_EQ(0, kn_get(&self->g, 0, "nk-get", self->reply, &self->rlen));
	EXPECT_EQ((uint32_t)id, nla_u32(self->reply, self->rlen, KVAULT_A_KEY_ID, 0));

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id, NULL, 600, NULL));
	self->rlen = sizeof(self->reply);
	ASSERT_EQ(0, kn_get(&self->g, id, NULL, self->reply, &self->rlen));
	EXPECT_LT(now_ns() + 500000000000ull,
		  nla_u64(self->reply, self->rlen, KVAULT_A_KEY_DESTROY_TIME));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL));
	self->rlen = sizeof(self->reply);
	EXPECT_NE(0, kn_get(&self->g, id, NULL, self->reply, &self->rlen));
}

TEST_F(nk, get_bad_requests)
{
	char a[512], big[KVAULT_KEY_NAME_MAX + 8];
	uint32_t v = 1;
	uint16_t s = 1;
	size_t n;

	/* neither / both */
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, NULL, 0,
					 self->reply, &self->rlen));
	EXPECT_NE('\0', self->g.errmsg[0]);
	n = attr_put(a, 0, KVAULT_A_KEY_ID, &v, 4);
	n = attr_put(a, n, KVAULT_A_KEY_NAME, "x", 2);
	self->rlen = sizeof(self->reply);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	/* ID 0, a short ID, an unknown one */
	v = 0;
	n = attr_put(a, 0, KVAULT_A_KEY_ID, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_KEY_ID, &s, 2);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	EXPECT_EQ(-ENOENT, kn_get(&self->g, 0x7ffffff0, NULL, self->reply, &self->rlen));
	EXPECT_EQ(-ENOENT, kn_get(&self->g, 0, "nk-nothing", self->reply, &self->rlen));
	/* names: too long, not terminated, invalid characters */
	memset(big, 'n', sizeof(big));
	big[KVAULT_KEY_NAME_MAX] = 0;
	n = attr_put(a, 0, KVAULT_A_KEY_NAME, big, KVAULT_KEY_NAME_MAX + 1);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_KEY_NAME, "abc", 3);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_KEY_NAME, "a b", 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	/* reply-only attributes, unknown ones, flags */
	v = 1;
	n = attr_put(a, 0, KVAULT_A_KEY_STATE, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_EVENT_OP, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_PCR_MASK, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_MAX + 1, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	n = attr_put(a, 0, KVAULT_A_FLAGS, &v, 4);
	n = attr_put(a, n, KVAULT_A_KEY_NAME, "x", 2);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n,
					 self->reply, &self->rlen));
	/* a truncated attribute */
	n = attr_put(a, 0, KVAULT_A_KEY_ID, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_KEY_GET, a, n - 2,
					 self->reply, &self->rlen));
	/* key attributes are no business of STATUS */
	n = attr_put(a, 0, KVAULT_A_KEY_ID, &v, 4);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_STATUS, a, n,
					 self->reply, &self->rlen));
	/* events are only sent */
	EXPECT_EQ(-EOPNOTSUPP, genl_raw_call(&self->g, KVAULT_CMD_KEY_EVENT, NULL, 0,
					     self->reply, &self->rlen));
}

struct dump_ctx {
	uint32_t last, n, bad_order, found;
	const key_serial_t *ids;	/* sorted */
	size_t nr_ids;
};

static int cmp_id(const void *a, const void *b)
{
	key_serial_t x = *(const key_serial_t *)a, y = *(const key_serial_t *)b;

	return x < y ? -1 : x > y;
}

static void dump_cb(void *p, const void *a, size_t len)
{
	struct dump_ctx *c = p;
	uint32_t id = nla_u32(a, len, KVAULT_A_KEY_ID, 0);

	if (id <= c->last)
		c->bad_order++;
	c->last = id;
	c->n++;
	if (bsearch(&id, c->ids, c->nr_ids, sizeof(*c->ids), cmp_id) &&
	    attr_find(a, len, KVAULT_A_KEY_NAME, NULL))
		c->found++;
}

TEST_F(nk, dump_pages_in_id_order)
{
	enum { N = 600 };
	struct dump_ctx c = { 0 };
	key_serial_t ids[N];
	char name[32], a[64];
	uint32_t v = 1;
	size_t n;
	long got;
	int i;

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "nk-dump-%d", i);
		ASSERT_EQ(0, kv_create(self->fd, name, KVAULT_ALG_AES_128, 0, 0, 0, &ids[i]));
	}
	qsort(ids, N, sizeof(ids[0]), cmp_id);
	c.ids = ids;
	c.nr_ids = N;
	got = kn_dump(&self->g, NULL, 0, dump_cb, &c);
	EXPECT_LE(N, got);
	EXPECT_EQ(0u, c.bad_order);
	EXPECT_EQ((uint32_t)N, c.found);
	/* a dump takes no key and no flags */
	n = attr_put(a, 0, KVAULT_A_KEY_ID, &v, 4);
	EXPECT_EQ(-EINVAL, kn_dump(&self->g, a, n, NULL, NULL));
	n = attr_put(a, 0, KVAULT_A_FLAGS, &v, 4);
	EXPECT_EQ(-EINVAL, kn_dump(&self->g, a, n, NULL, NULL));
	n = attr_put(a, 0, KVAULT_A_KEY_VERSION, &v, 4);
	EXPECT_EQ(-EINVAL, kn_dump(&self->g, a, n, NULL, NULL));
	for (i = 0; i < N; i++)
		EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, ids[i], NULL, 0, NULL));
}

/* Next event about @id (others are skipped); checks seq grows. */
static int next_event(int fd, key_serial_t id, struct kn_event *ev,
		      uint64_t *seq)
{
	int rc;

	do {
		rc = kn_event_recv(fd, ev);
		if (rc)
			return rc;
		if (ev->seq <= *seq)
			return -EILSEQ;
		*seq = ev->seq;
	} while (ev->id != (uint32_t)id);
	return 0;
}

TEST_F(nk, events_in_order)
{
	static const struct { uint32_t op, version; int kernel; } want[] = {
		{ KVAULT_EVENT_CREATED, 1, 0 },
		{ KVAULT_EVENT_ROTATED, 2, 0 },
		{ KVAULT_EVENT_ROTATED, 3, 0 },
		{ KVAULT_EVENT_MIN_VERSION, 3, 0 },
		{ KVAULT_EVENT_DISABLED, 3, 0 },
		{ KVAULT_EVENT_ENABLED, 3, 0 },
		{ KVAULT_EVENT_DESTROY_SCHEDULED, 3, 0 },
		{ KVAULT_EVENT_DESTROY_CANCELLED, 3, 0 },
		{ KVAULT_EVENT_TIGHTENED, 3, 0 },
		{ KVAULT_EVENT_DESTROY_SCHEDULED, 3, 0 },
		{ KVAULT_EVENT_DESTROYED, 3, 1 },
	};
	int lfd = kn_events_open(5000);
	struct kn_event ev;
	uint64_t seq = 0, t0 = now_ns();
	key_serial_t id, rid, xid;
	size_t i;

	ASSERT_LE(0, lfd) TH_LOG("events group %d", kn_events_group());
	ASSERT_EQ(0, kv_create(self->fd, "nk-ev", KVAULT_ALG_AES_256, 0, 0,
			       KVAULT_KEY_EXPORTABLE, &id));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, id, NULL, 3, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	/* failed operations send nothing */
	ASSERT_EQ(-EALREADY, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id, NULL, 600, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_TIGHTEN, id, NULL, KVAULT_KEY_EXPORTABLE, NULL));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id, NULL, 0, NULL));

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_EQ(0, next_event(lfd, id, &ev, &seq)) TH_LOG("event %zu", i);
		EXPECT_EQ(want[i].op, ev.op) TH_LOG("event %zu", i);
		EXPECT_EQ(want[i].version, ev.version) TH_LOG("event %zu", i);
		EXPECT_STREQ("nk-ev", ev.name);
		EXPECT_EQ(0u, ev.uid);
		EXPECT_EQ(want[i].kernel ? 0u : (uint32_t)getpid(), ev.pid) TH_LOG("event %zu", i);
		EXPECT_LE(t0, ev.time);
		EXPECT_GE(now_ns(), ev.time);
	}

	/* revoked and expired, through keyctl; destroyed by GC of an unlink */
	rid = kt_add("nk-ev-rev", "new aes-128", KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, rid);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)rid, 0, 0, 0));
	ASSERT_EQ(0, next_event(lfd, rid, &ev, &seq));
	EXPECT_EQ(KVAULT_EVENT_CREATED, ev.op);
	ASSERT_EQ(0, next_event(lfd, rid, &ev, &seq));
	EXPECT_EQ(KVAULT_EVENT_REVOKED, ev.op);
	EXPECT_EQ((uint32_t)getpid(), ev.pid);

	xid = kt_add("nk-ev-exp", "new aes-128", KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, xid);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)xid, 1, 0, 0));
	sleep(2);
	EXPECT_EQ(-EKEYEXPIRED, kv_op(self->fd, KVAULT_IOC_KEY_INFO, xid, NULL, 0, NULL));
	ASSERT_EQ(0, next_event(lfd, xid, &ev, &seq));
	EXPECT_EQ(KVAULT_EVENT_CREATED, ev.op);
	ASSERT_EQ(0, next_event(lfd, xid, &ev, &seq));
	EXPECT_EQ(KVAULT_EVENT_EXPIRED, ev.op);
	/* noticed once */
	EXPECT_EQ(-EKEYEXPIRED, kv_op(self->fd, KVAULT_IOC_KEY_INFO, xid, NULL, 0, NULL));

	ASSERT_EQ(0, kt_keyctl(KEYCTL_UNLINK, (unsigned long)xid,
			       (unsigned long)KEY_SPEC_PROCESS_KEYRING, 0, 0));
	ASSERT_EQ(0, next_event(lfd, xid, &ev, &seq));
	EXPECT_EQ(KVAULT_EVENT_DESTROYED, ev.op);
	EXPECT_EQ(0u, ev.pid);
	kt_keyctl(KEYCTL_UNLINK, (unsigned long)rid,
		  (unsigned long)KEY_SPEC_PROCESS_KEYRING, 0, 0);
	close(lfd);
}

TEST_HARNESS_MAIN
