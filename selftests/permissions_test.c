// SPDX-License-Identifier: GPL-2.0
/*
 * Only the vault's administrator gets in: the node is 0600 root, open()
 * demands CAP_SYS_ADMIN even if the mode is loosened, and every netlink
 * command demands CAP_SYS_ADMIN.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "test_util.h"

/* Run @fn in a child; the child's exit status is the test's verdict. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int nobody_open(void)
{
	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	return kvault_dev_open() == -EACCES ? 0 : 1;
}

/*
 * Both netlink commands refused with EPERM and @msg as the extack message
 * (NULL: any message). Resolving the family is allowed; using it is not.
 */
static int netlink_refused(const char *msg)
{
	char attrs[32], reply[4096];
	size_t n, rlen = sizeof(reply);
	uint16_t bank = KVAULT_TPM_ALG_SHA256;
	uint32_t mask = 1;
	struct genl_raw g;

	if (genl_raw_open(&g))
		return 11;
	if (genl_raw_call(&g, KVAULT_CMD_STATUS, NULL, 0, reply, &rlen) != -EPERM)
		return 1;
	if (msg && strcmp(g.errmsg, msg))
		return 2;
	n = attr_put(attrs, 0, KVAULT_A_PCR_BANK, &bank, 2);
	n = attr_put(attrs, n, KVAULT_A_PCR_MASK, &mask, 4);
	rlen = sizeof(reply);
	if (genl_raw_call(&g, KVAULT_CMD_PCR_READ, attrs, n, reply, &rlen) != -EPERM)
		return 3;
	genl_raw_close(&g);
	return 0;
}

static int nobody_netlink(void)
{
	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	return netlink_refused(NULL);
}

/* Keep root's uid and every capability but CAP_SYS_ADMIN. */
static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	data[CAP_SYS_ADMIN / 32].permitted &= ~(1u << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data) ? -1 : 0;
}

/* Root, but without CAP_SYS_ADMIN: DAC lets it open, kvault must not. */
static int root_without_cap_sys_admin(void)
{
	if (drop_cap_sys_admin())
		return 10;
	return kvault_dev_open() == -EPERM ? 0 : 1;
}

/*
 * Root keeping CAP_NET_ADMIN but not CAP_SYS_ADMIN: the genl core's own
 * admin flag would let it through, kvault must not (found by the fuzzer).
 */
static int root_without_cap_sys_admin_netlink(void)
{
	if (drop_cap_sys_admin())
		return 10;
	return netlink_refused("CAP_SYS_ADMIN is required");
}

static int nobody_open_loosened_node(void)
{
	if (drop_privileges(NOBODY, NOBODY))
		return 10;
	return kvault_dev_open() == -EPERM ? 0 : 1;
}

TEST(node_is_0600_root)
{
	struct stat st;

	ASSERT_EQ(0, stat(KVAULT_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

TEST(nobody_cannot_open_device)
{
	EXPECT_EQ(0, in_child(nobody_open));
}

TEST(nobody_cannot_use_netlink)
{
	EXPECT_EQ(0, in_child(nobody_netlink));
}

TEST(root_without_cap_sys_admin_is_refused)
{
	EXPECT_EQ(0, in_child(root_without_cap_sys_admin));
}

TEST(root_without_cap_sys_admin_is_refused_by_netlink)
{
	EXPECT_EQ(0, in_child(root_without_cap_sys_admin_netlink));
}

TEST(loosened_node_mode_still_refuses_nobody)
{
	ASSERT_EQ(0, chmod(KVAULT_DEV, 0666));
	EXPECT_EQ(0, in_child(nobody_open_loosened_node));
	ASSERT_EQ(0, chmod(KVAULT_DEV, 0600));
}

TEST(kvaultctl_as_nobody_says_permission_denied)
{
	char out[1024];

	EXPECT_EQ(1, run_capture(out, sizeof(out),
				 "setpriv --reuid=%d --regid=%d --clear-groups kvaultctl status 2>&1",
				 NOBODY, NOBODY)) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "permission denied")) {
		TH_LOG("%s", out);
	}
}

TEST_HARNESS_MAIN
