// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading kvault with live keys wipes and destroys them all (the key
 * type's unregistration garbage-collects every key of the type); loading
 * it again starts with an empty vault. A crypto transform keyed through
 * the "kvault" template (an AF_ALG socket, a dm-crypt table) pins the
 * module: unloading is refused until the last one goes. Needs KVAULT_KO;
 * leaves the module loaded. In a KVAULT_SELFTEST=1 build it also checks
 * the wipe counters.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"
#include "crypto_util.h"

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

/* What rmmod does: delete_module() without waiting; 0 or -errno. */
static int unload_kvault(void)
{
	return syscall(SYS_delete_module, "kvault", O_NONBLOCK) ? -errno : 0;
}

/*
 * The key pinned tests unload and reload kvault; a test that stopped half
 * way must not leave the rest of the suite without the module.
 */
FIXTURE(pinned) {
	char log[512];
};

FIXTURE_SETUP(pinned)
{
	const char *ko = getenv("KVAULT_KO");

	ASSERT_NE(NULL, ko) TH_LOG("KVAULT_KO must name kvault.ko");
	if (access("/sys/module/kvault", F_OK))
		run_capture(self->log, sizeof(self->log), "insmod %s 2>&1", ko);
	ASSERT_EQ(0, access("/sys/module/kvault", F_OK)) TH_LOG("%s", self->log);
}

FIXTURE_TEARDOWN(pinned)
{
	if (access("/sys/module/kvault", F_OK))
		run_capture(self->log, sizeof(self->log), "insmod %s 2>&1",
			    getenv("KVAULT_KO"));
}

/* With nothing left holding it: unload, which must work, and load again. */
static int unload_and_reload(char *log, size_t len)
{
	int rc = unload_kvault();

	if (rc) {
		snprintf(log, len, "delete_module: %s", strerror(-rc));
		return rc;
	}
	if (!access("/sys/module/kvault", F_OK)) {
		snprintf(log, len, "kvault still loaded after delete_module");
		return -EEXIST;
	}
	return run_capture(log, len, "insmod %s 2>&1", getenv("KVAULT_KO")) ? -EIO : 0;
}

/*
 * An AF_ALG "kvault(cbc(aes))" socket keyed by reference holds the
 * template's instance, whose module is kvault: delete_module() is refused
 * with EWOULDBLOCK while it is open, the key keeps working (the same
 * ciphertext as plain cbc(aes) with the imported key), and once the
 * sockets are closed the module unloads.
 */
TEST_F_TIMEOUT(pinned, af_alg_transform_refuses_unload, 180)
{
	static const struct cu_alg cbc = { "cbc(aes)", CU_SKCIPHER, "aes-256", 32, 16, 0, 16, 16, 0 };
	uint8_t key[32], iv[16], pt[64], ct[64], want[64], ref[CU_REF_BUF];
	struct kcapi_handle *h, *plain;
	key_serial_t ring, id;
	size_t i;

	if (!cu_have_template())
		SKIP(return, "no kvault(cbc(aes)) through AF_ALG (libkcapi or the template missing)");
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x40 + i);
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)i;
	memset(iv, 0xa5, sizeof(iv));
	ring = kt_new_ring("ul-pin-ring");
	ASSERT_LT(0, ring);
	id = cu_import("ul-pin-alg", "aes-256", key, sizeof(key), "crypto-api", ring);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, cu_open(&plain, &cbc, 0));
	ASSERT_EQ(0, cu_setkey(plain, CU_SKCIPHER, key, sizeof(key)));
	ASSERT_EQ((long)sizeof(want), cu_run(plain, &cbc, 1, iv, NULL, 0, pt,
					     sizeof(pt), want, sizeof(want)));
	cu_close(plain, CU_SKCIPHER);

	ASSERT_EQ(0, cu_open(&h, &cbc, 1));
	ASSERT_EQ(0, cu_setkey(h, CU_SKCIPHER, ref, cu_ref_id(ref, id, 0)));
	EXPECT_EQ(-EWOULDBLOCK, unload_kvault());
	EXPECT_EQ(0, access("/sys/module/kvault", F_OK));
	/* refused, not half done: the key and the transform still work */
	ASSERT_EQ((long)sizeof(ct), cu_run(h, &cbc, 1, iv, NULL, 0, pt,
					   sizeof(pt), ct, sizeof(ct)));
	EXPECT_EQ(0, memcmp(ct, want, sizeof(want)));
	EXPECT_LT(0, kt_describe(id, (char *)ct, sizeof(ct)));
	cu_close(h, CU_SKCIPHER);

	ASSERT_EQ(0, unload_and_reload(self->log, sizeof(self->log))) TH_LOG("%s", self->log);
	EXPECT_GT(0, kt_describe(id, (char *)ct, sizeof(ct)));
}

/* kvault(cbc(aes))-plain over a loop device: NAME, BACKING, SECTORS */
#define DM_NAME		"kvul"
#define DM_FILE		"/tmp/kvul.img"
#define DM_SECTORS	2048

/*
 * A dm-crypt table "capi:kvault(cbc(aes))-plain" keyed by reference holds
 * a transform too: unloading is refused (EWOULDBLOCK) while the mapping
 * exists, I/O through it still works, and after "dmsetup remove" the
 * module unloads.
 */
TEST_F_TIMEOUT(pinned, dm_crypt_table_refuses_unload, 180)
{
	char hex[2 * CU_REF_BUF + 1], loop[64], *nl;
	uint8_t ref[CU_REF_BUF];
	key_serial_t id;
	int fd, rc;

	/* modules on Debian's kernels, built in on the debug kernel */
	if (run_capture(self->log, sizeof(self->log),
			"modprobe -qa loop dm-mod dm-crypt; ls /dev/loop-control 2>&1 && "
			"dmsetup targets 2>&1 | grep '^crypt'"))
		SKIP(return, "no loop devices or dm-crypt target: %s", self->log);
	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kv_create(fd, "ul-pin-dm", KVAULT_ALG_AES_256, 0,
			       KVAULT_USAGE_CRYPTO_API, 0, &id));
	/* an open /dev/kvault pins the module by itself */
	close(fd);
	hex_encode(ref, cu_ref_id(ref, id, 0), hex);
	ASSERT_EQ(0, run_capture(loop, sizeof(loop), "truncate -s %d " DM_FILE " && losetup -f --show " DM_FILE " 2>&1",
				 DM_SECTORS * 512)) TH_LOG("%s", loop);
	nl = strchr(loop, '\n');
	if (nl)
		*nl = '\0';
	rc = run_capture(self->log, sizeof(self->log),
			 "dmsetup create " DM_NAME " --noudevsync --table '0 %d crypt capi:kvault(cbc(aes))-plain %s 0 %s 0' 2>&1 && dmsetup mknodes " DM_NAME " 2>&1",
			 DM_SECTORS, hex, loop);
	EXPECT_EQ(0, rc) TH_LOG("%s", self->log);
	if (!rc) {
		EXPECT_EQ(-EWOULDBLOCK, unload_kvault());
		EXPECT_EQ(0, run_capture(self->log, sizeof(self->log),
					 "head -c 8192 /dev/urandom > /tmp/kvul.in && "
					 "dd if=/tmp/kvul.in of=/dev/mapper/" DM_NAME " bs=4096 oflag=direct conv=fsync status=none && "
					 "dd if=/dev/mapper/" DM_NAME " of=/tmp/kvul.out bs=4096 count=2 iflag=direct status=none && "
					 "cmp /tmp/kvul.in /tmp/kvul.out && ! cmp -s -n 8192 /tmp/kvul.in %s 2>&1", loop))
			TH_LOG("I/O through the mapping: %s", self->log);
		EXPECT_EQ(0, run_capture(self->log, sizeof(self->log), "dmsetup remove " DM_NAME " 2>&1"))
			TH_LOG("%s", self->log);
	}
	run_capture(self->log, sizeof(self->log), "losetup -d %s; rm -f " DM_FILE " /tmp/kvul.in /tmp/kvul.out", loop);
	ASSERT_EQ(0, unload_and_reload(self->log, sizeof(self->log))) TH_LOG("%s", self->log);
}

TEST_HARNESS_MAIN
