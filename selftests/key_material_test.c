// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer check that key material never leaves the kernel: keys are
 * imported with random material the test knows, then every interface that
 * describes keys is read (ioctl out structs, netlink GET, DUMP and events,
 * keyctl describe and read, /proc/keys, kvaultctl's JSON, the kernel log)
 * and searched for any 8-byte window of that material, raw or as hex.
 * Needs the module loaded; turns allow_plaintext_import on only around the
 * imports.
 */

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "key_util.h"

#define WINDOW 8
#define NKEYS 4

static const struct {
	const char *name, *alg;
	size_t len;
} keys[NKEYS] = {
	{ "mat-aes", "aes-256", 32 },
	{ "mat-xts", "aes-xts-512", 64 },
	{ "mat-hmac", "hmac-sha384", 48 },
	{ "mat-secret", "secret-128", 128 },
};

struct material {
	uint8_t raw[NKEYS][KVAULT_SECRET_MAX_LEN];
	key_serial_t id[NKEYS];
	unsigned int hits;
	char where[256];
};

/* Does @buf hold any WINDOW bytes of @m's material, raw or in hex? */
static void scan(struct material *m, const void *buf, size_t len,
		 const char *what)
{
	const uint8_t *b = buf;
	char hex[2 * WINDOW + 1];
	size_t k, i, j, h;

	for (k = 0; k < NKEYS; k++) {
		for (i = 0; i + WINDOW <= keys[k].len; i++) {
			hex_encode(m->raw[k] + i, WINDOW, hex);
			for (j = 0; j + WINDOW <= len; j++) {
				if (!memcmp(b + j, m->raw[k] + i, WINDOW))
					goto hit;
			}
			for (j = 0; j + 2 * WINDOW <= len; j++) {
				for (h = 0; h < 2 * WINDOW; h++)
					if (tolower(b[j + h]) != hex[h])
						break;
				if (h == 2 * WINDOW)
					goto hit;
			}
		}
	}
	return;
hit:
	m->hits++;
	snprintf(m->where, sizeof(m->where), "%s (key %s)", what, keys[k].name);
}

static void scan_dump_cb(void *ctx, const void *a, size_t len)
{
	scan(ctx, a, len, "netlink DUMP");
}

/* Everything the events socket holds now (it times out when empty). */
static void scan_events(struct material *m, int fd)
{
	static char buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		scan(m, buf, (size_t)n, "netlink event");
}

static void scan_file(struct material *m, const char *path)
{
	static char buf[1 << 20];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	scan(m, buf, n, path);
}

/* Scan @cmd's output; returns whether it mentions @expect (it ran). */
static bool scan_command(struct material *m, const char *cmd,
			 const char *expect)
{
	static char buf[1 << 20];

	memset(buf, 0, sizeof(buf));
	run_capture(buf, sizeof(buf), "%s", cmd);
	scan(m, buf, strlen(buf), cmd);
	return strstr(buf, expect) != NULL;
}

TEST(imported_material_appears_in_no_reply)
{
	static struct material m;
	char payload[512], hex[2 * KVAULT_SECRET_MAX_LEN + 1], reply[8192];
	struct kvault_key_op op;
	key_serial_t ring = kt_new_ring("mat-ring");
	struct genl_raw g;
	size_t rlen, k;
	int fd, ev;

	ASSERT_LT(0, ring);
	fd = kvault_dev_open();
	ASSERT_LE(0, fd);
	ev = kn_events_open(300);
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, genl_raw_open(&g));

	ASSERT_EQ(0, kt_set_import(1));
	for (k = 0; k < NKEYS; k++) {
		ASSERT_EQ((ssize_t)keys[k].len, getrandom(m.raw[k], keys[k].len, 0));
		hex_encode(m.raw[k], keys[k].len, hex);
		snprintf(payload, sizeof(payload), "import %s %s", keys[k].alg, hex);
		m.id[k] = kt_add(keys[k].name, payload, ring);
		EXPECT_LT(0, m.id[k]) TH_LOG("import %s: %d", keys[k].alg, m.id[k]);
	}
	kt_set_import(0);

	for (k = 0; k < NKEYS; k++) {
		char desc[512];
		uint8_t rd[256];

		ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_INFO, m.id[k], NULL, 0, &op));
		scan(&m, &op, sizeof(op), "ioctl KEY_INFO");
		ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DISABLE, m.id[k], NULL, 0, &op));
		scan(&m, &op, sizeof(op), "ioctl KEY_DISABLE");
		ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ENABLE, 0, keys[k].name, 0, &op));
		scan(&m, &op, sizeof(op), "ioctl KEY_ENABLE");
		rlen = sizeof(reply);
		ASSERT_EQ(0, kn_get(&g, m.id[k], NULL, reply, &rlen));
		scan(&m, reply, rlen, "netlink GET");
		ASSERT_LT(0, kt_describe(m.id[k], desc, sizeof(desc)));
		scan(&m, desc, strlen(desc), "keyctl describe");
		memset(rd, 0, sizeof(rd));
		EXPECT_EQ(-EOPNOTSUPP, kt_keyctl(KEYCTL_READ, (unsigned long)m.id[k],
						 (unsigned long)rd, sizeof(rd), 0));
		scan(&m, rd, sizeof(rd), "keyctl read");
	}
	ASSERT_LE(NKEYS, kn_dump(&g, NULL, 0, scan_dump_cb, &m));
	/* the versions retired by rotation go through the wipe path too */
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_ROTATE, m.id[0], NULL, 0, &op));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_SET_MIN_VERSION, m.id[0], NULL, 2, &op));
	scan(&m, &op, sizeof(op), "ioctl KEY_SET_MIN_VERSION");
	ASSERT_EQ(0, kt_keyctl(KEYCTL_REVOKE, (unsigned long)m.id[1], 0, 0, 0));
	ASSERT_EQ(0, kv_op(fd, KVAULT_IOC_KEY_DESTROY, m.id[2], NULL, 0, &op));
	scan(&m, &op, sizeof(op), "ioctl KEY_DESTROY");

	scan_events(&m, ev);
	scan_file(&m, "/proc/keys");
	scan_file(&m, "/proc/key-users");
	EXPECT_TRUE(scan_command(&m, "kvaultctl key list --json 2>&1", "mat-aes"));
	EXPECT_TRUE(scan_command(&m, "kvaultctl key show mat-secret --json 2>&1",
				 "mat-secret"));
	EXPECT_TRUE(scan_command(&m, "dmesg 2>&1", "kvault"));

	EXPECT_EQ(0u, m.hits) TH_LOG("material found in %s", m.where);

	for (k = 0; k < NKEYS; k++)
		kt_keyctl(KEYCTL_INVALIDATE, (unsigned long)m.id[k], 0, 0, 0);
	genl_raw_close(&g);
	close(ev);
	close(fd);
}

/* The scanner itself finds what it looks for (so a pass means something). */
TEST(scanner_finds_planted_material)
{
	static struct material m;
	char text[2 * KVAULT_SECRET_MAX_LEN + 8], hex[2 * KVAULT_SECRET_MAX_LEN + 1];
	uint8_t blob[64];

	ASSERT_EQ((ssize_t)sizeof(m.raw), getrandom(m.raw, sizeof(m.raw), 0));
	memset(blob, 0, sizeof(blob));
	memcpy(blob + 17, m.raw[0] + 5, WINDOW);
	scan(&m, blob, sizeof(blob), "raw");
	EXPECT_EQ(1u, m.hits);
	hex_encode(m.raw[0] + 20, WINDOW, hex);
	snprintf(text, sizeof(text), "x=%s;", hex);
	for (size_t i = 0; text[i]; i++)
		text[i] = (char)toupper(text[i]);
	scan(&m, text, strlen(text), "hex");
	EXPECT_EQ(2u, m.hits);
	blob[17] ^= 1;
	scan(&m, blob, sizeof(blob), "damaged");
	EXPECT_EQ(2u, m.hits);
}

TEST_HARNESS_MAIN
