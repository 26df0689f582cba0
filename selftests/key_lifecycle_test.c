// SPDX-License-Identifier: GPL-2.0
/*
 * Vault keys through the /dev/kvault ioctls: creation, every legal
 * lifecycle transition and the documented errno of every illegal one
 * (uapi "States"), from each state including revoked, expired and
 * destroyed keys; versions, delayed destroy, bad input and stale IDs.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"

FIXTURE(key) {
	int fd;
	key_serial_t id;
	char name[64];
};

FIXTURE_SETUP(key)
{
	static int n;

	self->fd = kvault_dev_open();
	ASSERT_LE(0, self->fd);
	snprintf(self->name, sizeof(self->name), "lc-%d-%d", getpid(), n++);
	ASSERT_EQ(0, kv_create(self->fd, self->name, KVAULT_ALG_AES_256, 0, 0,
			       0, &self->id));
	ASSERT_LT(0, self->id);
}

FIXTURE_TEARDOWN(key)
{
	kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, NULL);
	close(self->fd);
}

TEST_F(key, created_enabled_v1_with_default_usage)
{
	struct kvault_key_op o;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_ENABLED, o.state);
	EXPECT_EQ(1u, o.version);
	EXPECT_EQ(1u, o.min_version);
	EXPECT_EQ(0u, o.attrs);
	EXPECT_EQ(self->id, o.id);
	EXPECT_EQ(sizeof(o), o.size);
	/* by name too */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, 0, self->name, 0, &o));
	EXPECT_EQ(self->id, o.id);
}

TEST_F(key, status_reports_keyring_and_count)
{
	struct kvault_status st;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
	EXPECT_EQ(KVAULT_STATUS_SIZE_VER1, st.size);
	EXPECT_LT(0, st.keyring_id);
	EXPECT_LE(1u, st.nr_keys);
}

TEST_F(key, enable_disable)
{
	struct kvault_key_op o;

	EXPECT_EQ(-EALREADY, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DISABLED, o.state);
	EXPECT_EQ(-EALREADY, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_ENABLED, o.state);
}

TEST_F(key, rotate_and_min_version)
{
	struct kvault_key_op o;
	int i;

	for (i = 2; i <= 4; i++) {
		ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, &o));
		EXPECT_EQ((uint32_t)i, o.version);
	}
	/* disabled keys rotate too, and stay disabled */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, &o));
	EXPECT_EQ(5u, o.version);
	EXPECT_EQ(KVAULT_KEY_STATE_DISABLED, o.state);
	EXPECT_EQ(-ERANGE, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 6, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 3, &o));
	EXPECT_EQ(3u, o.min_version);
	EXPECT_EQ(-EINVAL, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 2, &o));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 3, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 5, &o));
	EXPECT_EQ(5u, o.min_version);
	EXPECT_EQ(5u, o.version);
}

TEST_F(key, version_limit)
{
	struct kvault_key_op o;
	int i, rc = 0;

	for (i = 1; i < KVAULT_KEY_MAX_VERSIONS; i++)
		ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, &o));
	rc = kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, &o);
	EXPECT_EQ(-ENOSPC, rc);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 2, &o));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, &o));
}

TEST_F(key, schedule_and_cancel_destroy)
{
	struct kvault_key_op o;
	int i, rc = 0;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL, 3600, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DESTROY_PENDING, o.state);
	EXPECT_NE(0ull, o.destroy_time);
	EXPECT_EQ(-EALREADY, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL, 10, &o));
	/* everything but cancel and destroy is busy */
	EXPECT_EQ(-EBUSY, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(-EBUSY, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(-EBUSY, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, self->id, NULL, 0, &o));
	EXPECT_EQ(-EBUSY, kv_op(self->fd, KVAULT_IOC_KEY_SET_MIN_VERSION, self->id, NULL, 1, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DISABLED, o.state);
	EXPECT_EQ(0ull, o.destroy_time);
	EXPECT_EQ(-EINVAL, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(-EINVAL, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL,
				 KVAULT_DESTROY_MAX_WINDOW + 1, &o));
	/* schedule again, with a zero window: destroyed at once by the work */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL, 0, &o));
	for (i = 0; i < WAIT_ROUNDS && !rc; i++) {
		rc = kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, &o);
		if (!rc)
			usleep(WAIT_STEP_US);
	}
	EXPECT_TRUE(rc == -ENOKEY || rc == -ENOENT) TH_LOG("rc %d", rc);
}

TEST_F(key, delayed_destroy_fires)
{
	struct kvault_key_op o;
	int i, rc = 0;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL, 1, &o));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, &o));
	for (i = 0; i < WAIT_ROUNDS; i++) {
		rc = kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, &o);
		if (rc)
			break;
		usleep(WAIT_STEP_US);
	}
	EXPECT_TRUE(rc == -ENOKEY || rc == -ENOENT) TH_LOG("rc %d", rc);
}

TEST_F(key, destroy_is_final)
{
	struct kvault_key_op o;
	int rc, i;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DESTROYED, o.state);
	/* until collected: ENOKEY; after: ENOENT (a stale ID) */
	for (i = 0; i < WAIT_ROUNDS; i++) {
		rc = kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, self->id, NULL, 0, &o);
		EXPECT_TRUE(rc == -ENOKEY || rc == -ENOENT) TH_LOG("rc %d", rc);
		if (rc == -ENOENT)
			break;
		usleep(WAIT_STEP_US);
	}
	EXPECT_EQ(-ENOENT, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(-ENOENT, kv_op(self->fd, KVAULT_IOC_KEY_INFO, 0, self->name, 0, &o));
	EXPECT_EQ(0, kt_in_proc_keys(self->id));
	/* the name is free again */
	ASSERT_EQ(0, kv_create(self->fd, self->name, KVAULT_ALG_AES_128, 0, 0, 0, &self->id));
}

TEST_F(key, destroy_from_pending)
{
	struct kvault_key_op o;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL, 3600, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DESTROYED, o.state);
}

TEST_F(key, tighten_exportable_one_way)
{
	struct kvault_key_op o;
	key_serial_t id;

	ASSERT_EQ(0, kv_create(self->fd, "lc-exp", KVAULT_ALG_HMAC_SHA256, 0, 0,
			       KVAULT_KEY_EXPORTABLE, &id));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_EXPORTABLE, o.attrs);
	EXPECT_EQ(-EINVAL, kv_op(self->fd, KVAULT_IOC_KEY_TIGHTEN, id, NULL, 2, &o));
	/* a pending destroy makes tighten busy, and the attribute stays */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, id, NULL, 3600, &o));
	EXPECT_EQ(-EBUSY, kv_op(self->fd, KVAULT_IOC_KEY_TIGHTEN, id, NULL,
				KVAULT_KEY_EXPORTABLE, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_EXPORTABLE, o.attrs);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_TIGHTEN, id, NULL, KVAULT_KEY_EXPORTABLE, &o));
	EXPECT_EQ(0u, o.attrs);
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, &o));
}

/* cancel-destroy from enabled or disabled: EINVAL, and the state stays */
TEST_F(key, cancel_destroy_needs_destroy_pending)
{
	struct kvault_key_op o;

	EXPECT_EQ(-EINVAL, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, self->id, NULL, 0, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_ENABLED, o.state);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, &o));
	EXPECT_EQ(-EINVAL, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, self->id, NULL, 0, &o));
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DISABLED, o.state);
	EXPECT_EQ(0ull, o.destroy_time);
}

/* a disabled key tightens, schedules, cancels and destroys as an enabled one */
TEST_F(key, disabled_key_transitions)
{
	struct kvault_key_op o;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, self->id, NULL, 0, &o));
	/* the key is not exportable: a tighten with nothing to clear */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_TIGHTEN, self->id, NULL,
			   KVAULT_KEY_EXPORTABLE, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DISABLED, o.state);
	EXPECT_EQ(0u, o.attrs);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, self->id, NULL, 3600, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DESTROY_PENDING, o.state);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_CANCEL_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DISABLED, o.state);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_STATE_DESTROYED, o.state);
}

/* Every operation that takes no @arg, and those that do with a valid one. */
struct op_call {
	unsigned long cmd;
	uint32_t arg;
	const char *what;
};

static const struct op_call every_op[] = {
	{ KVAULT_IOC_KEY_INFO, 0, "info" },
	{ KVAULT_IOC_KEY_ENABLE, 0, "enable" },
	{ KVAULT_IOC_KEY_DISABLE, 0, "disable" },
	{ KVAULT_IOC_KEY_ROTATE, 0, "rotate" },
	{ KVAULT_IOC_KEY_SET_MIN_VERSION, 1, "set-min-version" },
	{ KVAULT_IOC_KEY_TIGHTEN, KVAULT_KEY_EXPORTABLE, "tighten" },
	{ KVAULT_IOC_KEY_SCHEDULE_DESTROY, 3600, "schedule-destroy" },
	{ KVAULT_IOC_KEY_CANCEL_DESTROY, 0, "cancel-destroy" },
};

#define END_OPS (every_op + sizeof(every_op) / sizeof(every_op[0]))

/* A destroyed key: ENOKEY for everything, ENOENT once it is collected. */
TEST_F(key, destroyed_key_refuses_every_op)
{
	const struct op_call *op;
	struct kvault_key_op o;
	int rc, gone = 0;

	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, self->id, NULL, 0, &o));
	for (op = every_op; op < END_OPS; op++) {
		rc = kv_op(self->fd, op->cmd, self->id, NULL, op->arg, &o);
		/* collection happens once: ENOENT never turns back to ENOKEY */
		EXPECT_TRUE(rc == -ENOENT || (!gone && rc == -ENOKEY))
			TH_LOG("%s: %d", op->what, rc);
		gone = rc == -ENOENT;
	}
}

/* keyctl revoke / an expired timeout: every op gets the keyring's errno */
static void every_op_refused(struct __test_metadata *_metadata, int fd,
			     key_serial_t id, int err)
{
	const struct op_call *op;
	struct kvault_key_op o;

	for (op = every_op; op < END_OPS; op++)
		EXPECT_EQ(-err, kv_op(fd, op->cmd, id, NULL, op->arg, &o))
			TH_LOG("%s", op->what);
	/* destroy is allowed from any state */
	EXPECT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, &o));
}

TEST_F(key, revoked_key_refuses_every_op_but_destroy)
{
	key_serial_t ring = kt_new_ring("lc-rev-ring");
	key_serial_t id = kt_add("lc-rev", "new aes-256 exportable=1", ring);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	every_op_refused(_metadata, self->fd, id, EKEYREVOKED);
}

TEST_F(key, expired_key_refuses_every_op_but_destroy)
{
	key_serial_t ring = kt_new_ring("lc-exp-ring");
	key_serial_t id = kt_add("lc-expd", "new aes-256 exportable=1", ring);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id, 1, 0, 0));
	sleep(2);
	every_op_refused(_metadata, self->fd, id, EKEYEXPIRED);
}

TEST_F(key, duplicate_name)
{
	EXPECT_EQ(-EEXIST, kv_create(self->fd, self->name, KVAULT_ALG_AES_128, 0, 0, 0, NULL));
}

TEST(every_algorithm)
{
	static const struct { uint32_t alg, len, usage; } a[] = {
		{ KVAULT_ALG_AES_128, 0, 0x4f }, { KVAULT_ALG_AES_256, 0, 0x4f },
		{ KVAULT_ALG_AES_XTS_256, 0, 0x43 }, { KVAULT_ALG_AES_XTS_512, 0, 0x43 },
		{ KVAULT_ALG_HMAC_SHA256, 0, 0x70 }, { KVAULT_ALG_HMAC_SHA384, 0, 0x70 },
		{ KVAULT_ALG_HMAC_SHA512, 0, 0x70 }, { KVAULT_ALG_SECRET, 16, 0x7f },
		{ KVAULT_ALG_SECRET, 128, 0x7f },
	};
	struct genl_raw g;
	char name[32], reply[4096];
	size_t i, rlen;
	key_serial_t id;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genl_raw_open(&g));
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		snprintf(name, sizeof(name), "alg-%zu", i);
		ASSERT_EQ(0, kv_create(fd, name, a[i].alg, a[i].len, 0, 0, &id));
		rlen = sizeof(reply);
		ASSERT_EQ(0, kn_get(&g, id, NULL, reply, &rlen));
		EXPECT_EQ(a[i].usage, nla_u32(reply, rlen, KVAULT_A_KEY_USAGE, 0));
		EXPECT_EQ(a[i].alg, nla_u32(reply, rlen, KVAULT_A_KEY_ALG, 0));
		EXPECT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL));
	}
	genl_raw_close(&g);
	close(fd);
}

TEST(create_bad_input)
{
	struct kvault_key_create c;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", 0, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", 99, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_AES_128, 16, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_SECRET, 15, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_SECRET, 129, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_SECRET, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_HMAC_SHA256, 0,
				     KVAULT_USAGE_ENCRYPT, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_AES_128, 0, 0x80, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "b1", KVAULT_ALG_AES_128, 0, 0, 2, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "", KVAULT_ALG_AES_128, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "a b", KVAULT_ALG_AES_128, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, kv_create(fd, "a\x01", KVAULT_ALG_AES_128, 0, 0, 0, NULL));
	/* unterminated name, garbage after the NUL, reserved, id set, sizes */
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.alg = KVAULT_ALG_AES_128;
	memset(c.name, 'x', sizeof(c.name));
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, &c));
	memset(c.name, 0, sizeof(c.name));
	strcpy(c.name, "b2");
	c.name[10] = 'y';
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, &c));
	c.name[10] = 0;
	c.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, &c));
	c.reserved[3] = 0;
	c.id = 5;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, &c));
	c.id = 0;
	c.size = KVAULT_KEY_CREATE_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, &c));
	EXPECT_EQ(-EFAULT, ioctl_errno(fd, KVAULT_IOC_KEY_CREATE, (void *)8));
	close(fd);
}

TEST(op_bad_input)
{
	struct kvault_key_op o;
	key_serial_t id;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kv_create(fd, "opbad", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	/* neither or both of id and name */
	EXPECT_EQ(-EINVAL, kv_op(fd, KVAULT_IOC_KEY_INFO, 0, NULL, 0, &o));
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.id = id;
	strcpy(o.name, "opbad");
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_INFO, &o));
	EXPECT_EQ(-EINVAL, kv_op(fd, KVAULT_IOC_KEY_INFO, -3, NULL, 0, &o));
	/* arg on ops that take none */
	EXPECT_EQ(-EINVAL, kv_op(fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 1, &o));
	EXPECT_EQ(-EINVAL, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 1, &o));
	/* out fields and reserved must be zero on input */
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.id = id;
	o.version = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_INFO, &o));
	o.version = 0;
	o.flags = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_INFO, &o));
	o.flags = 0;
	o.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_INFO, &o));
	o.reserved[0] = 0;
	o.size = KVAULT_KEY_OP_SIZE_VER0 - 4;
	EXPECT_EQ(-EINVAL, ioctl_errno(fd, KVAULT_IOC_KEY_INFO, &o));
	/* unknown key numbers and names */
	EXPECT_EQ(-ENOENT, kv_op(fd, KVAULT_IOC_KEY_INFO, 0x7ffffff0, NULL, 0, &o));
	EXPECT_EQ(-ENOENT, kv_op(fd, KVAULT_IOC_KEY_INFO, 0, "no-such-key", 0, &o));
	/* a serial that is a key, but not a vault key */
	EXPECT_EQ(-ENOENT, kv_op(fd, KVAULT_IOC_KEY_INFO,
				 kt_new_ring("not-a-vault-key"), NULL, 0, &o));
	/* unknown ioctl numbers */
	EXPECT_EQ(-ENOTTY, ioctl_errno(fd, _IOWR(KVAULT_IOC_MAGIC, 0x1f,
						 struct kvault_key_op), &o));
	EXPECT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, &o));
	close(fd);
}

TEST_HARNESS_MAIN
