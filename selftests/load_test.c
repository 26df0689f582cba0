// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading: repeated cycles leave nothing behind, a busy
 * module refuses to go, and the "group" parameter opens the node to one
 * group. Needs KVAULT_KO (path of kvault.ko); leaves the module loaded.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "libkvault.h"
#include "test_util.h"
#include "key_util.h"

#define CYCLES 20
#define TEST_GID 4242

static int load(const char *params)
{
	const char *ko = getenv("KVAULT_KO");
	int fd, rc;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return rc;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "kvault", O_NONBLOCK) ? -errno : 0;
}

static int family_present(void)
{
	struct genl_raw g;
	int rc = genl_raw_open(&g);

	if (!rc)
		genl_raw_close(&g);
	return rc;
}

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	ASSERT_NE(NULL, getenv("KVAULT_KO")) {
		TH_LOG("KVAULT_KO must name kvault.ko");
	}
	/* a test killed by its timeout may have left kvault unloaded */
	if (access("/sys/module/kvault", F_OK))
		load("");
	ASSERT_EQ(0, access("/sys/module/kvault", F_OK));
}

/* Whatever happened, leave kvault loaded with default parameters. */
FIXTURE_TEARDOWN(mod)
{
	if (access("/sys/module/kvault", F_OK))
		load("");
}

/*
 * Unloading unregisters the key type, which waits for the keyring's garbage
 * collector: seconds per cycle on the debug kernel, hence the timeout.
 */
TEST_F_TIMEOUT(mod, load_unload_cycles_leave_nothing_behind, 600)
{
	struct kvault_status st;
	struct kvault *kv;
	int i;

	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, unload()) TH_LOG("cycle %d", i);
		ASSERT_NE(0, access(KVAULT_DEV, F_OK));
		ASSERT_NE(0, access("/sys/class/kvault", F_OK));
		ASSERT_EQ(-ENOENT, family_present());

		ASSERT_EQ(0, load("")) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, access(KVAULT_DEV, F_OK));
		ASSERT_EQ(0, family_present());
		/* each cycle takes and drops a TPM chip reference */
		ASSERT_EQ(0, kvault_open(&kv, i % 2 ? KVAULT_TRANSPORT_NETLINK :
					 KVAULT_TRANSPORT_IOCTL));
		ASSERT_EQ(0, kvault_status_get(kv, &st));
		kvault_close(kv);
	}
}

TEST_F(mod, busy_module_refuses_to_unload)
{
	int fd = kvault_dev_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, unload());
	EXPECT_EQ(0, access(KVAULT_DEV, F_OK));
	close(fd);
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(""));
}

static int open_as(uid_t uid, gid_t gid)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		struct kvault_status s;
		struct kvault *kv;
		int rc;

		if (drop_privileges(uid, gid))
			_exit(100);
		rc = kvault_open(&kv, KVAULT_TRANSPORT_IOCTL);
		if (rc)
			_exit(-rc);
		rc = kvault_status_get(kv, &s);
		kvault_close(kv);
		_exit(rc ? 101 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* add_key("kvault") as @uid/@gid: 0, or the errno */
static int add_key_as(uid_t uid, gid_t gid, const char *name)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		key_serial_t id;

		if (drop_privileges(uid, gid))
			_exit(100);
		id = kt_add(name, "new aes-128", KEY_SPEC_PROCESS_KEYRING);
		if (id < 0)
			_exit(-id);
		_exit(kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)id, 0, 0, 0) ? 101 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST_F(mod, group_parameter_opens_node_to_that_group)
{
	char param[32];
	struct stat st;

	ASSERT_EQ(0, unload());
	snprintf(param, sizeof(param), "group=%d", TEST_GID);
	ASSERT_EQ(0, load(param));
	ASSERT_EQ(0, stat(KVAULT_DEV, &st));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_EQ(TEST_GID, st.st_gid);
	EXPECT_EQ(0, open_as(NOBODY, TEST_GID));
	EXPECT_EQ(EACCES, open_as(NOBODY, NOBODY));
	/* the group may create keys through keyctl too; others may not */
	EXPECT_EQ(0, add_key_as(NOBODY, TEST_GID, "load-group-key"));
	EXPECT_EQ(EPERM, add_key_as(NOBODY, NOBODY, "load-other-key"));
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(""));
	ASSERT_EQ(0, stat(KVAULT_DEV, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
}

TEST_F(mod, bad_parameter_fails_cleanly)
{
	ASSERT_EQ(0, unload());
	EXPECT_EQ(-EINVAL, load("group=notanumber"));
	EXPECT_EQ(-ERANGE, load("group=99999999999"));
	EXPECT_NE(0, access(KVAULT_DEV, F_OK));
	ASSERT_EQ(0, load(""));
}

TEST_F(mod, kvaultctl_says_module_not_loaded)
{
	char out[1024];

	ASSERT_EQ(0, unload());
	EXPECT_EQ(1, run_capture(out, sizeof(out), "kvaultctl status 2>&1"));
	EXPECT_NE(NULL, strstr(out, "not loaded")) TH_LOG("%s", out);
	EXPECT_EQ(1, run_capture(out, sizeof(out), "kvaultctl --netlink status 2>&1"));
	EXPECT_NE(NULL, strstr(out, "not loaded")) TH_LOG("%s", out);
	ASSERT_EQ(0, load(""));
}

TEST_HARNESS_MAIN
