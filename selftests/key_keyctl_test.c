// SPDX-License-Identifier: GPL-2.0
/*
 * The "kvault" key type through the keyring syscalls (add_key, keyctl),
 * as keyctl(1) drives them: add, describe, read, update, revoke,
 * invalidate, unlink, timeout, setperm, quotas, plaintext import, strict
 * payload parsing, and keyctl(1)'s list and show.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"


FIXTURE(kc) {
	key_serial_t ring;
	int fd;
};

FIXTURE_SETUP(kc)
{
	self->ring = kt_new_ring("kc-ring");
	ASSERT_LT(0, self->ring);
	self->fd = kvault_dev_open();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(kc)
{
	kt_keyctl(KEYCTL_CLEAR, (unsigned long)self->ring, 0, 0, 0);
	close(self->fd);
}

/* Wait until the vault has forgotten @id (garbage collection ran). */
static int wait_gone(int fd, key_serial_t id)
{
	int i, rc = 0;

	for (i = 0; i < WAIT_ROUNDS; i++) {
		rc = kv_op(fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, NULL);
		if (rc == -ENOENT)
			return 0;
		usleep(WAIT_STEP_US);
	}
	return rc;
}

TEST_F(kc, add_describe_read_update)
{
	char buf[512];
	key_serial_t id = kt_add("kc-a", "new aes-256", self->ring);
	struct kvault_key_op o;
	long n;

	ASSERT_LT(0, id);
	n = kt_describe(id, buf, sizeof(buf));
	ASSERT_LT(0, n);
	EXPECT_EQ(0, strncmp(buf, "kvault;0;0;", 11)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ";kc-a"));
	/* the ioctls know it by ID and name */
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, 0, "kc-a", 0, &o));
	EXPECT_EQ(id, o.id);
	/* /proc/keys shows the description, never material */
	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "grep kc-a /proc/keys"));
	EXPECT_NE(NULL, strstr(buf, "kc-a: aes-256 enabled v1")) TH_LOG("%s", buf);
	EXPECT_EQ(-EOPNOTSUPP, kt_keyctl(KEYCTL_READ, (unsigned long)id,
					 (unsigned long)buf, sizeof(buf), 0));
	EXPECT_EQ(-EOPNOTSUPP, kt_keyctl(KEYCTL_READ, (unsigned long)id, 0, 0, 0));
	/* update only reseals: a "new" payload cannot replace the key */
	n = kt_keyctl(KEYCTL_UPDATE, (unsigned long)id, (unsigned long)"new aes-128", 11, 0);
	EXPECT_EQ(-EINVAL, n) TH_LOG("update: %ld", n);
	/* and a key that is not sealed has no PCR set to keep */
	n = kt_keyctl(KEYCTL_UPDATE, (unsigned long)id, (unsigned long)"update", 6, 0);
	EXPECT_EQ(-EINVAL, n) TH_LOG("update: %ld", n);
}

TEST_F(kc, trailing_nul_and_options)
{
	static const char p[] = "new secret-48 usage=sign,crypto-api exportable=1";
	key_serial_t id = kt_add_key("kvault", "kc-b", p, sizeof(p), self->ring);
	struct kvault_key_op o;

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(KVAULT_KEY_EXPORTABLE, o.attrs);
}

TEST_F(kc, duplicate_names)
{
	key_serial_t other = kt_new_ring("kc-ring2");

	ASSERT_LT(0, kt_add("kc-dup", "new aes-128", self->ring));
	EXPECT_EQ(-EEXIST, kt_add("kc-dup", "new aes-128", self->ring));
	EXPECT_EQ(-EEXIST, kt_add("kc-dup", "new hmac-sha512", other));
	EXPECT_EQ(-EEXIST, kv_create(self->fd, "kc-dup", KVAULT_ALG_AES_128, 0, 0, 0, NULL));
	kt_keyctl(KEYCTL_CLEAR, (unsigned long)other, 0, 0, 0);
}

TEST_F(kc, bad_payloads)
{
	static const char *const bad[] = {
		"", "new", "old aes-128", "new aes-999", "new aes", "new aes-128 usage=",
		"new aes-128 usage=foo", "new aes-128 usage=encrypt,encrypt",
		"new aes-128 usage=encrypt,", "new aes-128 exportable=2",
		"new aes-128 exportable=", "new aes-128 exportable=10",
		"new aes-128 exportable=1 exportable=1",
		"new aes-128 usage=wrap usage=wrap", "new  aes-128", "new aes-128 ",
		" new aes-128", "new aes-128\tusage=wrap", "new secret-8",
		"new secret-129", "new secret-016", "new secret-16x", "new secret-",
		"new secret-+16", "new hmac-sha256 usage=encrypt",
		"new aes-xts-256 usage=wrap", "new aes-128 bogus",
		"NEW aes-128", "new AES-128",
	};
	static const char nul[] = "new aes-128\0usage=wrap";
	char big[KVAULT_KEY_PAYLOAD_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *payload = bad[i];

		EXPECT_EQ(-EINVAL, kt_add("kc-bad", payload, self->ring))
			TH_LOG("payload '%s'", payload);
	}
	EXPECT_EQ(-EINVAL, kt_add_key("kvault", "kc-bad", nul, sizeof(nul) - 1, self->ring));
	EXPECT_EQ(-EINVAL, kt_add_key("kvault", "kc-bad", "new aes-128\0\0", 13, self->ring));
	memset(big, 'a', sizeof(big));
	memcpy(big, "new aes-128 ", 12);
	EXPECT_EQ(-EINVAL, kt_add_key("kvault", "kc-bad", big, KVAULT_KEY_PAYLOAD_MAX + 1,
				      self->ring));
	EXPECT_EQ(-EINVAL, kt_add_key("kvault", "kc-bad", NULL, 0, self->ring));
	/* names */
	EXPECT_EQ(-EINVAL, kt_add("a b", "new aes-128", self->ring));
	EXPECT_EQ(-EINVAL, kt_add("", "new aes-128", self->ring));
	memset(big, 'n', KVAULT_KEY_NAME_MAX);
	big[KVAULT_KEY_NAME_MAX] = 0;
	EXPECT_EQ(-EINVAL, kt_add(big, "new aes-128", self->ring));
	big[KVAULT_KEY_NAME_MAX - 1] = 0;
	EXPECT_LT(0, kt_add(big, "new aes-128", self->ring));
	/* nothing failed left a name reserved */
	EXPECT_LT(0, kt_add("kc-bad", "new aes-128", self->ring));
}

TEST_F(kc, plaintext_import)
{
	static const char hex[] = "000102030405060708090a0b0c0d0e0f";
	char p[128], reply[4096];
	struct genl_raw g;
	size_t rlen = sizeof(reply);
	key_serial_t id;

	snprintf(p, sizeof(p), "import aes-128 %s", hex);
	ASSERT_EQ(0, kt_set_import(0));
	EXPECT_EQ(-EPERM, kt_add("kc-imp", p, self->ring));
	ASSERT_EQ(0, kt_set_import(1));
	EXPECT_EQ(-EINVAL, kt_add("kc-imp", "import aes-128 0001", self->ring));
	EXPECT_EQ(-EINVAL, kt_add("kc-imp", "import aes-128 zz0102030405060708090a0b0c0d0e0f",
				  self->ring));
	EXPECT_EQ(-EINVAL, kt_add("kc-imp", "import aes-128", self->ring));
	id = kt_add("kc-imp", p, self->ring);
	EXPECT_LT(0, id);
	kt_set_import(0);
	ASSERT_EQ(0, genl_raw_open(&g));
	ASSERT_EQ(0, kn_get(&g, id, NULL, reply, &rlen));
	EXPECT_EQ(KVAULT_KEY_IMPORTED, nla_u32(reply, rlen, KVAULT_A_KEY_ATTRS, 0));
	genl_raw_close(&g);
	/* and still unreadable */
	EXPECT_EQ(-EOPNOTSUPP, kt_keyctl(KEYCTL_READ, (unsigned long)id,
					 (unsigned long)reply, sizeof(reply), 0));
}

TEST_F(kc, revoke)
{
	key_serial_t id = kt_add("kc-rev", "new aes-256", self->ring);
	struct kvault_key_op o;
	struct genl_raw g;
	char reply[4096];
	size_t rlen = sizeof(reply);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	EXPECT_EQ(-EKEYREVOKED, kv_op(self->fd, KVAULT_IOC_KEY_ENABLE, id, NULL, 0, &o));
	EXPECT_EQ(-EKEYREVOKED, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, &o));
	EXPECT_EQ(-EKEYREVOKED, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	ASSERT_EQ(0, genl_raw_open(&g));
	EXPECT_EQ(-EKEYREVOKED, kn_get(&g, id, NULL, reply, &rlen));
	genl_raw_close(&g);
	/* destroy still cleans it up */
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, &o));
	EXPECT_EQ(0, wait_gone(self->fd, id));
}

TEST_F(kc, invalidate)
{
	key_serial_t id = kt_add("kc-inv", "new aes-256", self->ring);
	int rc;

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0));
	rc = kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, NULL);
	EXPECT_TRUE(rc == -ENOKEY || rc == -ENOENT) TH_LOG("rc %d", rc);
	EXPECT_EQ(0, wait_gone(self->fd, id));
	EXPECT_LT(0, kt_add("kc-inv", "new aes-256", self->ring));
}

TEST_F(kc, unlink_destroys)
{
	key_serial_t id = kt_add("kc-unl", "new hmac-sha384", self->ring);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_UNLINK, (unsigned long)id,
			       (unsigned long)self->ring, 0, 0));
	EXPECT_EQ(0, wait_gone(self->fd, id));
	EXPECT_EQ(0, kt_in_proc_keys(id));
}

TEST_F(kc, timeout_expires)
{
	key_serial_t id = kt_add("kc-exp", "new aes-128", self->ring);
	struct kvault_key_op o;

	ASSERT_LT(0, id);
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id, 1, 0, 0));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	sleep(2);
	EXPECT_EQ(-EKEYEXPIRED, kv_op(self->fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, &o));
	EXPECT_EQ(-EKEYEXPIRED, kv_op(self->fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, &o));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, &o));
}

TEST_F(kc, setperm_governs_view)
{
	key_serial_t id = kt_add("kc-perm", "new aes-128", self->ring);
	char buf[256];

	ASSERT_LT(0, id);
	ASSERT_LT(0, kt_describe(id, buf, sizeof(buf)));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0, 0, 0));
	EXPECT_EQ(-EACCES, kt_describe(id, buf, sizeof(buf)));
	EXPECT_EQ(-EACCES, kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id, 5, 0, 0));
	/* management over /dev/kvault is CAP_SYS_ADMIN's, not the key's */
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DISABLE, id, NULL, 0, NULL));
	EXPECT_EQ(0, kv_op(self->fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL));
}

/*
 * keyctl(1)'s "list" and "show", and KEYCTL_READ on the keyring, show a
 * vault key as any other key: its serial, type "kvault" and its name as
 * description, as they show a "user" key linked next to it.
 */
TEST_F(kc, keyctl_list_and_show)
{
	key_serial_t id = kt_add("kc-show", "new aes-256", self->ring);
	key_serial_t uid = kt_add_key("user", "kc-user", "x", 1, self->ring);
	key_serial_t serials[16];
	char buf[2048], want[64];
	long n, i;
	int seen = 0;

	ASSERT_LT(0, id);
	ASSERT_LT(0, uid);
	n = kt_keyctl(KEYCTL_READ, (unsigned long)self->ring, (unsigned long)serials,
		      sizeof(serials), 0);
	ASSERT_EQ((long)(2 * sizeof(key_serial_t)), n);
	for (i = 0; i < 2; i++)
		seen += serials[i] == id;
	EXPECT_EQ(1, seen);

	if (run_capture(buf, sizeof(buf), "command -v keyctl"))
		SKIP(return, "no keyctl(1) (keyutils) in the guest");
	/*
	 * keyctl runs in a child, which does not share the process keyring
	 * and so does not possess the ring: let its user view, read, search.
	 */
	ASSERT_EQ(0, kt_keyctl(KEYCTL_SETPERM, (unsigned long)self->ring, 0x3f0b0000, 0, 0));
	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "keyctl list %d 2>&1", self->ring))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "2 keys in keyring:")) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "%d: ", id);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, " kvault: kc-show\n")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, " user: kc-user\n")) TH_LOG("%s", buf);

	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "keyctl show %d 2>&1", self->ring))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "keyring: kc-ring\n")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "\\_ kvault: kc-show\n")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "\\_ user: kc-user\n")) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "%d ", id);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	/* the same line format, only type and description differ */
	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "keyctl rdescribe %d 2>&1", id));
	EXPECT_EQ(0, strncmp(buf, "kvault;0;0;", 11)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ";kc-show\n")) TH_LOG("%s", buf);
}

#define ROOT_MAXKEYS "/proc/sys/kernel/keys/root_maxkeys"

/* root's charged key count from /proc/key-users; -1 if not found */
static long root_qnkeys(void)
{
	unsigned int uid, qn, qmax, qb, qbmax;
	int usage, n, ni;
	char line[256];
	long found = -1;
	FILE *f = fopen("/proc/key-users", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u: %d %d/%d %u/%u %u/%u", &uid, &usage, &n, &ni,
			   &qn, &qmax, &qb, &qbmax) == 8 && uid == 0)
			found = qn;
	fclose(f);
	return found;
}

static uint32_t nr_keys(int fd)
{
	struct kvault_status st;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	return ioctl_errno(fd, KVAULT_IOC_STATUS, &st) ? ~0u : st.nr_keys;
}

/* Creation through keyctl and the ioctl is charged to the key quota. */
TEST(quota)
{
	key_serial_t ring = kt_new_ring("kc-quota"), id;
	long saved = read_long_file(ROOT_MAXKEYS), used;
	int i, fd = kvault_dev_open();
	char name[32];
	uint32_t before;

	ASSERT_LE(0, fd);
	ASSERT_LT(0, ring);
	ASSERT_LT(0, saved);
	before = nr_keys(fd);
	used = root_qnkeys();
	ASSERT_LE(0, used);
	ASSERT_EQ(0, write_long_file(ROOT_MAXKEYS, used + 10));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "kc-q-%d", i);
		id = kt_add(name, "new secret-128", ring);
		if (id < 0)
			break;
	}
	EXPECT_EQ(-EDQUOT, id);
	EXPECT_LE(5, i);
	EXPECT_GE(10, i);
	EXPECT_EQ(-EDQUOT, kv_create(fd, "kc-q-ioctl", KVAULT_ALG_AES_128, 0, 0, 0, NULL));
	ASSERT_EQ(0, write_long_file(ROOT_MAXKEYS, saved));
	/* the keys go with their keyring */
	EXPECT_EQ(0, kt_keyctl(KEYCTL_CLEAR, (unsigned long)ring, 0, 0, 0));
	for (i = 0; i < WAIT_ROUNDS && nr_keys(fd) != before; i++)
		usleep(WAIT_STEP_US);
	EXPECT_EQ(before, nr_keys(fd));
	close(fd);
}

TEST_HARNESS_MAIN
