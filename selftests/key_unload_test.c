// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading kvault with live keys wipes and destroys them all (the key
 * type's unregistration garbage-collects every key of the type); loading
 * it again starts with an empty vault. Needs KVAULT_KO; leaves the module
 * loaded. In a KVAULT_SELFTEST=1 build it also checks the wipe counters.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"

#define WIPED "/sys/module/kvault/parameters/selftest_wiped"
#define WIPE_ERRORS "/sys/module/kvault/parameters/selftest_wipe_errors"

/*
 * The wipe count once earlier tests' keys have been collected: keys that
 * went with a process keyring are wiped by the keyring's garbage collector,
 * which may still be running. Waits until the count holds for a second.
 */
static long settled_wipes(void)
{
	long last = read_long_file(WIPED), now;
	int stable = 0, i;

	for (i = 0; i < 100 && stable < 4; i++) {
		usleep(250000);
		now = read_long_file(WIPED);
		stable = now == last ? stable + 1 : 0;
		last = now;
	}
	return last;
}

TEST(destroy_wipes_material)
{
	long before = read_long_file(WIPED);
	key_serial_t id;
	int fd;

	if (before < 0)
		SKIP(return, "not a KVAULT_SELFTEST=1 build");
	before = settled_wipes();
	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kv_create(fd, "ul-wipe", KVAULT_ALG_AES_XTS_512, 0, 0, 0, &id));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SET_MIN_VERSION, id, NULL, 2, NULL));
	EXPECT_EQ(before + 1, read_long_file(WIPED));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL));
	EXPECT_EQ(before + 3, read_long_file(WIPED));
	/* revoke wipes every version at once */
	id = kt_add("ul-wipe-rev", "new aes-128", KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
	EXPECT_EQ(before + 5, read_long_file(WIPED));
	EXPECT_EQ(-EKEYREVOKED, kv_op(fd, KVAULT_IOC_KEY_ROTATE, id, NULL, 0, NULL));
	EXPECT_EQ(before + 5, read_long_file(WIPED));
	EXPECT_EQ(0, read_long_file(WIPE_ERRORS));
	close(fd);
}

TEST(unload_with_live_keys)
{
	const char *ko = getenv("KVAULT_KO");
	key_serial_t ids[3], ring = kt_new_ring("ul-ring");
	struct kvault_status st;
	char buf[256];
	int fd, i;

	ASSERT_NE(NULL, ko) TH_LOG("KVAULT_KO must name kvault.ko");
	ASSERT_LT(0, ring);
	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kv_create(fd, "ul-a", KVAULT_ALG_AES_256, 0, 0, 0, &ids[0]));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SCHEDULE_DESTROY, ids[0], NULL, 3600, NULL));
	ASSERT_EQ(0, kv_create(fd, "ul-b", KVAULT_ALG_HMAC_SHA512, 0, 0, 0, &ids[1]));
	close(fd);
	ids[2] = kt_add("ul-c", "new secret-64", ring);
	ASSERT_LT(0, ids[2]);

	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "rmmod kvault 2>&1")) TH_LOG("%s", buf);
	/* the keyctl-made key is gone from its keyring too */
	for (i = 0; i < 3; i++)
		EXPECT_GT(0, kt_describe(ids[i], buf, sizeof(buf)));
	EXPECT_EQ(-1, read_long_file(WIPED));
	ASSERT_EQ(0, run_capture(buf, sizeof(buf), "insmod %s 2>&1", ko)) TH_LOG("%s", buf);

	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	ASSERT_EQ(0, ioctl_errno(fd, KVAULT_IOC_STATUS, &st));
	EXPECT_EQ(0u, st.nr_keys);
	EXPECT_EQ(-ENOENT, kv_op(fd, KVAULT_IOC_KEY_INFO, 0, "ul-a", 0, NULL));
	EXPECT_EQ(0, kv_create(fd, "ul-a", KVAULT_ALG_AES_256, 0, 0, 0, &ids[0]));
	EXPECT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, ids[0], NULL, 0, NULL));
	close(fd);
}

TEST_HARNESS_MAIN
