// SPDX-License-Identifier: GPL-2.0
/*
 * The key permission model, from an unprivileged user: managing vault
 * keys (ioctl, netlink GET/DUMP, the events group) needs CAP_SYS_ADMIN;
 * through keyctl, the keyring permissions of each key and keyring apply;
 * material is unreadable for everyone.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"

static int in_child(int (*fn)(key_serial_t, key_serial_t), key_serial_t a,
		    key_serial_t b)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(a, b));
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int nobody_netlink(key_serial_t id, key_serial_t unused)
{
	char reply[4096];
	size_t rlen = sizeof(reply);
	struct genl_raw g;

	(void)unused;
	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	if (genl_raw_open(&g))
		return 11;
	if (kn_get(&g, id, NULL, reply, &rlen) != -EPERM)
		return 1;
	if (kn_dump(&g, NULL, 0, NULL, NULL) != -EPERM)
		return 2;
	genl_raw_close(&g);
	/* joining the events group */
	if (kn_events_open(100) != -EPERM)
		return 3;
	return 0;
}

TEST(nobody_is_denied_netlink)
{
	key_serial_t id;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kv_create(fd, "perm-nl", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	EXPECT_EQ(0, in_child(nobody_netlink, id, 0));
	kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL);
	close(fd);
}

static int nobody_dev(key_serial_t a, key_serial_t b)
{
	(void)a;
	(void)b;
	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	return kvault_dev_open() == -EACCES ? 0 : 1;
}

TEST(nobody_is_denied_the_device)
{
	EXPECT_EQ(0, in_child(nobody_dev, 0, 0));
}

/* root's vault keys and the vault keyring, seen by nobody through keyctl */
static int nobody_keyctl(key_serial_t id, key_serial_t ring)
{
	char buf[256];

	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	if (kt_describe(id, buf, sizeof(buf)) != -EACCES)
		return 1;
	if (kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0) != -EACCES)
		return 2;
	if (kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0) != -EACCES)
		return 3;
	if (kt_keyctl(KEYCTL_SET_TIMEOUT, (unsigned long)id, 1, 0, 0) != -EACCES)
		return 4;
	if (kt_keyctl(KEYCTL_SETPERM, (unsigned long)id, 0x3f3f3f3f, 0, 0) != -EACCES)
		return 5;
	if (kt_keyctl(KEYCTL_READ, (unsigned long)id, (unsigned long)buf,
		      sizeof(buf), 0) >= 0)
		return 6;
	if (kt_add("perm-nobody", "new aes-128", ring) != -EACCES)
		return 7;
	if (kt_keyctl(KEYCTL_LINK, (unsigned long)id,
		      (unsigned long)KEY_SPEC_PROCESS_KEYRING, 0, 0) != -EACCES)
		return 8;
	/* creating a key is management, even in its own keyring */
	if (kt_add("perm-own", "new aes-128", KEY_SPEC_PROCESS_KEYRING) != -EPERM)
		return 20;
	if (kt_add("perm-own", "import aes-128 000102030405060708090a0b0c0d0e0f",
		   KEY_SPEC_PROCESS_KEYRING) != -EPERM)
		return 21;
	return 0;
}

TEST(nobody_keyctl_follows_key_permissions)
{
	struct kvault_status st;
	key_serial_t id;
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	ASSERT_EQ(0, ioctl_errno(fd, KVAULT_IOC_STATUS, &st));
	ASSERT_EQ(0, kv_create(fd, "perm-kc", KVAULT_ALG_AES_128, 0, 0, 0, &id));
	EXPECT_EQ(0, in_child(nobody_keyctl, id, st.keyring_id));
	/* untouched by the attempts */
	EXPECT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, NULL));
	kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL);
	close(fd);
}

TEST_HARNESS_MAIN
