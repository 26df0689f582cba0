// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded concurrency run (about 10 s): threads create, rotate, disable,
 * schedule and destroy vault keys from a small pool of names, others add
 * and revoke/unlink keys with keyctl, while readers look keys up by name,
 * by ID and by dump. Only the errnos the uapi documents for these races
 * are allowed; the guest's dmesg check catches warnings and lockdep.
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"

#define POOL 32
#define SECONDS 10

static atomic_int stop;
static atomic_long ops, unexpected;
static atomic_int last_bad, last_bad_where;

#define check(rc) check_at(rc, __LINE__)
static void check_at(int rc, int line)
{
	atomic_fetch_add(&ops, 1);
	switch (rc) {
	case 0: case -EEXIST: case -ENOENT: case -ENOKEY: case -EALREADY:
	case -EBUSY: case -ENOSPC: case -EINVAL: case -EKEYREVOKED:
	case -EKEYEXPIRED: case -ERANGE:
		return;
	default:
		atomic_fetch_add(&unexpected, 1);
		atomic_store(&last_bad, rc);
		atomic_store(&last_bad_where, line);
	}
}

static void pick(unsigned int *seed, char *name, size_t len)
{
	snprintf(name, len, "st-%u", (unsigned int)rand_r(seed) % POOL);
}

static void *manager(void *arg)
{
	static const unsigned long cmds[] = {
		KVAULT_IOC_KEY_ROTATE, KVAULT_IOC_KEY_DISABLE, KVAULT_IOC_KEY_ENABLE,
		KVAULT_IOC_KEY_SCHEDULE_DESTROY, KVAULT_IOC_KEY_CANCEL_DESTROY,
		KVAULT_IOC_KEY_DESTROY, KVAULT_IOC_KEY_SET_MIN_VERSION,
	};
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	int fd = kvault_dev_open();
	struct kvault_key_op o;
	char name[32];

	while (!atomic_load(&stop)) {
		unsigned int r = (unsigned int)rand_r(&seed) % 10;

		pick(&seed, name, sizeof(name));
		if (r < 3) {
			check(kv_create(fd, name, KVAULT_ALG_AES_256, 0, 0, 0, NULL));
		} else {
			unsigned long cmd = cmds[(unsigned int)rand_r(&seed) % 7];
			uint32_t arg2 = cmd == KVAULT_IOC_KEY_SET_MIN_VERSION ? 2 :
					cmd == KVAULT_IOC_KEY_SCHEDULE_DESTROY ?
					(uint32_t)rand_r(&seed) % 2 : 0;

			check(kv_op(fd, cmd, 0, name, arg2, &o));
		}
	}
	close(fd);
	return NULL;
}

static void *keyctl_user(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	key_serial_t ring = kt_new_ring("st-ring");
	char name[32];

	while (!atomic_load(&stop)) {
		key_serial_t id;

		snprintf(name, sizeof(name), "st-kc-%u", (unsigned int)rand_r(&seed) % POOL);
		id = kt_add(name, "new hmac-sha256", ring);
		check(id > 0 ? 0 : id);
		if (id <= 0)
			continue;
		if (rand_r(&seed) % 2)
			check((int)kt_keyctl(KEYCTL_REVOKE, (unsigned long)id, 0, 0, 0));
		check((int)kt_keyctl(KEYCTL_UNLINK, (unsigned long)id, (unsigned long)ring, 0, 0));
	}
	kt_keyctl(KEYCTL_CLEAR, (unsigned long)ring, 0, 0, 0);
	return NULL;
}

static void *reader(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	int fd = kvault_dev_open();
	struct kvault_key_op o;
	struct genl_raw g;
	char name[32], reply[4096];
	size_t rlen;
	int n = 0;

	struct timeval tv = { 3, 0 };

	if (genl_raw_open(&g))
		return NULL;
	/* a lost reply shows up as EAGAIN, not as a hang */
	setsockopt(g.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!atomic_load(&stop)) {
		pick(&seed, name, sizeof(name));
		if (kv_op(fd, KVAULT_IOC_KEY_INFO, 0, name, 0, &o) == 0) {
			rlen = sizeof(reply);
			check(kn_get(&g, o.id, NULL, reply, &rlen));
		}
		rlen = sizeof(reply);
		check(kn_get(&g, 0, name, reply, &rlen));
		if (++n % 50 == 0) {
			long got = kn_dump(&g, NULL, 0, NULL, NULL);

			check(got < 0 ? (int)got : 0);
		}
	}
	genl_raw_close(&g);
	close(fd);
	return NULL;
}

TEST(concurrency)
{
	pthread_t t[8];
	void *(*fn[8])(void *) = { manager, manager, manager, keyctl_user,
				    keyctl_user, reader, reader, reader };
	int i, fd, lfd = kn_events_open(100);
	char name[32];

	ASSERT_LE(0, lfd);	/* a listener makes events really go out */
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fn[i], (void *)(uintptr_t)(i + 1)));
	sleep(SECONDS);
	atomic_store(&stop, 1);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	close(lfd);
	TH_LOG("%ld operations, %ld unexpected (last %d at line %d)",
	       atomic_load(&ops), atomic_load(&unexpected),
	       atomic_load(&last_bad), atomic_load(&last_bad_where));
	EXPECT_EQ(0, atomic_load(&unexpected));
	EXPECT_LT(1000, atomic_load(&ops));
	fd = kvault_dev_open();
	for (i = 0; i < POOL; i++) {
		snprintf(name, sizeof(name), "st-%d", i);
		kv_op(fd, KVAULT_IOC_KEY_DESTROY, 0, name, 0, NULL);
	}
	close(fd);
}

TEST_HARNESS_MAIN
