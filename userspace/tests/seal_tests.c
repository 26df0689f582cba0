// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host unit tests of the sealing side of libkvault and kvaultctl, without
 * kvault.ko: the blob header parser, the key store (atomic writes, modes,
 * failures that keep the old file), blob files (oversized, truncated,
 * garbage), PIN and expected-value input, the argument parser of the new
 * commands, refusal messages and the check report, load-all over a store
 * with broken files (through fake kernel operations), and the kvaultctl
 * binary's checks that come before it opens /dev/kvault.
 *
 * The binary under test is $KVAULTCTL, else the path compiled in.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "args.h"
#include "capture.h"
#include "input.h"
#include "libkvault.h"
#include "parse.h"
#include "seal_core.h"
#include "store.h"

#ifndef KVAULTCTL_PATH
#define KVAULTCTL_PATH "kvaultctl"
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define BIT(n)		(1U << (n))

/* ------------------------------------------------------------------ */
/* helpers                                                            */
/* ------------------------------------------------------------------ */

/* A blob as the uapi describes it, with a stand-in TPMKey and tag. */
struct blob_spec {
	uint16_t bank, ds;
	uint32_t mask, flags;
	uint16_t der_body;	/* bytes inside the TPMKey SEQUENCE */
};

#define FIXED_LEN	40
#define TAG_LEN		32

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* PCR i's expected value, byte j */
static uint8_t value_byte(unsigned int i, unsigned int j)
{
	return (uint8_t)(i * 16 + j);
}

/* Build a blob into @b (KVAULTCTL_BLOB_BUF bytes); its length. */
static size_t make_blob_spec(uint8_t *b, const struct blob_spec *s)
{
	size_t off = 0, n;
	unsigned int i, j;
	uint16_t der_len;

	memcpy(b, "KVB1", 4);
	put16(b + 4, KVAULT_BLOB_VERSION);
	n = (size_t)s->ds * (size_t)__builtin_popcount(s->mask);
	put16(b + 6, (uint16_t)(FIXED_LEN + n));
	put32(b + 8, KVAULT_ALG_AES_256);
	put32(b + 12, 32);
	put32(b + 16, KVAULT_USAGE_ENCRYPT | KVAULT_USAGE_DECRYPT);
	put32(b + 20, 0);
	put32(b + 24, 3);
	put32(b + 28, s->flags);
	put16(b + 32, s->bank);
	put16(b + 34, s->ds);
	put32(b + 36, s->mask);
	off = FIXED_LEN;
	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		if (!(s->mask & BIT(i)))
			continue;
		for (j = 0; j < s->ds; j++)
			b[off++] = value_byte(i, j);
	}
	/* the TPMKey: SEQUENCE, long-form length when it is long */
	if (s->der_body < 0x80)
		der_len = (uint16_t)(2 + s->der_body);
	else if (s->der_body < 0x100)
		der_len = (uint16_t)(3 + s->der_body);
	else
		der_len = (uint16_t)(4 + s->der_body);
	put16(b + off, der_len);
	off += 2;
	b[off++] = 0x30;
	if (s->der_body < 0x80) {
		b[off++] = (uint8_t)s->der_body;
	} else if (s->der_body < 0x100) {
		b[off++] = 0x81;
		b[off++] = (uint8_t)s->der_body;
	} else {
		b[off++] = 0x82;
		b[off++] = (uint8_t)(s->der_body >> 8);
		b[off++] = (uint8_t)s->der_body;
	}
	memset(b + off, 0x5a, s->der_body);
	off += s->der_body;
	memset(b + off, 0xaa, TAG_LEN);
	return off + TAG_LEN;
}

/* sha256:7,16, a 0xa6-byte TPMKey body: 307 bytes in all. */
static size_t make_blob(uint8_t *b, uint32_t flags)
{
	struct blob_spec s = {
		.bank = KVAULT_TPM_ALG_SHA256, .ds = 32,
		.mask = BIT(7) | BIT(16), .flags = flags, .der_body = 0xa6,
	};

	return make_blob_spec(b, &s);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	if (fclose(f))
		abort();
}

/* A file's whole contents into @buf; its length, or -1. */
static ssize_t read_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

/* Entries of @dir other than "." and ".."; -1 on error. */
static int count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void rm_rf(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "# could not remove %s\n", dir);
}


/* A fresh temporary directory for a test. */
FIXTURE(tmp) {
	char dir[64];
	char path[PATH_MAX];
	uint8_t blob[KVAULTCTL_BLOB_BUF];
};

FIXTURE_SETUP(tmp)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/kvault-seal-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(tmp)
{
	rm_rf(self->dir);
}

/* ------------------------------------------------------------------ */
/* blob header                                                        */
/* ------------------------------------------------------------------ */

TEST(blob_parse_valid)
{
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_blob_info bi;
	size_t len = make_blob(b, KVAULT_SEAL_PIN);
	unsigned int j;

	ASSERT_EQ(0, kvault_blob_parse(b, len, &bi));
	EXPECT_EQ(KVAULT_BLOB_VERSION, bi.version);
	EXPECT_EQ(FIXED_LEN + 64, bi.header_len);
	EXPECT_EQ(KVAULT_ALG_AES_256, bi.alg);
	EXPECT_EQ(32, bi.material_len);
	EXPECT_EQ(3, bi.key_version);
	EXPECT_EQ(KVAULT_SEAL_PIN, bi.policy_flags);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, bi.bank);
	EXPECT_EQ(32, bi.digest_size);
	EXPECT_EQ(BIT(7) | BIT(16), bi.pcr_mask);
	EXPECT_EQ(0xa9, bi.tpmkey_len);
	EXPECT_EQ(FIXED_LEN + 64 + 2, bi.tpmkey_off);
	EXPECT_EQ(len, bi.total_len);
	for (j = 0; j < 32; j++) {
		EXPECT_EQ(value_byte(7, j), bi.expected[7][j]);
		EXPECT_EQ(value_byte(16, j), bi.expected[16][j]);
		EXPECT_EQ(0, bi.expected[0][j]);
	}
}

TEST(blob_parse_banks_and_der_forms)
{
	static const struct blob_spec specs[] = {
		{ KVAULT_TPM_ALG_SHA1, 20, BIT(0), 0, 3 },
		{ KVAULT_TPM_ALG_SHA384, 48, KVAULT_PCR_MASK_ALL, 0, 0x7f },
		{ KVAULT_TPM_ALG_SHA512, 64, BIT(23), 0, 0xff },
		{ KVAULT_TPM_ALG_SHA256, 32, 0xff, 0, 0x300 },
	};
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_blob_info bi;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		len = make_blob_spec(b, &specs[i]);
		EXPECT_EQ(0, kvault_blob_parse(b, len, &bi)) TH_LOG("spec %zu", i);
		EXPECT_EQ(specs[i].mask, bi.pcr_mask);
	}
}

TEST(blob_parse_every_truncation_is_rejected)
{
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_blob_info bi;
	size_t len = make_blob(b, 0), n;
	int ret;

	for (n = 0; n < len; n++) {
		ret = kvault_blob_parse(b, n, &bi);
		EXPECT_NE(0, ret) TH_LOG("%zu of %zu bytes accepted", n, len);
		if (n == 0) {
			EXPECT_EQ(-EINVAL, ret);
		} else {
			EXPECT_EQ(-EBADMSG, ret) TH_LOG("%zu bytes", n);
		}
		/* once the header is whole, the length it implies is known */
		if (n >= FIXED_LEN + 64 + 2) {
			EXPECT_EQ(len, bi.total_len) TH_LOG("%zu bytes", n);
		} else {
			EXPECT_EQ(0, bi.total_len) TH_LOG("%zu bytes", n);
		}
		EXPECT_EQ(0, bi.pcr_mask);
	}
}

TEST(blob_parse_trailing_and_oversized)
{
	uint8_t b[KVAULT_BLOB_MAX + 8];
	struct kvault_blob_info bi;
	size_t len = make_blob(b, 0);

	b[len] = 0;
	EXPECT_EQ(-EBADMSG, kvault_blob_parse(b, len + 1, &bi));
	EXPECT_EQ(len, bi.total_len);
	memset(b, 0, sizeof(b));
	len = make_blob(b, 0);
	EXPECT_EQ(-E2BIG, kvault_blob_parse(b, KVAULT_BLOB_MAX + 1, &bi));
	EXPECT_EQ(-EINVAL, kvault_blob_parse(NULL, 10, &bi));
	EXPECT_EQ(-EINVAL, kvault_blob_parse(b, len, NULL));
}

/* Change one field of a valid blob: the parser must refuse it. */
TEST(blob_parse_malformed_fields)
{
	static const struct {
		size_t off;
		unsigned int width;
		uint32_t value;
		int err;
		const char *what;
	} cases[] = {
		{ 0, 4, 0x4b564232, -EINVAL, "magic KVB2" },
		{ 0, 1, 'k', -EINVAL, "magic kVB1" },
		{ 4, 2, 2, -EOPNOTSUPP, "version 2" },
		{ 4, 2, 0, -EOPNOTSUPP, "version 0" },
		{ 6, 2, FIXED_LEN + 64 + 2, -EINVAL, "header length with the TPMKey length" },
		{ 6, 2, FIXED_LEN, -EINVAL, "header length without values" },
		{ 12, 4, 0, -EINVAL, "material length 0" },
		{ 16, 4, 0, -EINVAL, "usage 0" },
		{ 20, 4, KVAULT_KEY_REVOKED, -EINVAL, "attribute revoked" },
		{ 24, 4, 0, -EINVAL, "key version 0" },
		{ 28, 4, 2, -EINVAL, "unknown policy flag" },
		{ 34, 2, 20, -EINVAL, "sha256 with 20-byte values" },
		{ 34, 2, 0, -EINVAL, "digest size 0" },
		{ 36, 4, 0, -EINVAL, "no PCRs" },
		{ 36, 4, BIT(7) | BIT(16) | BIT(24), -EINVAL, "PCR 24" },
		{ 36, 4, BIT(7), -EINVAL, "fewer PCRs than values" },
		{ FIXED_LEN + 64 + 2, 1, 0x31, -EINVAL, "TPMKey not a SEQUENCE" },
		{ FIXED_LEN + 64 + 4, 1, 0xa7, -EINVAL, "DER length too long" },
		{ FIXED_LEN + 64 + 4, 1, 0xa5, -EINVAL, "DER length too short" },
		{ FIXED_LEN + 64 + 3, 1, 0x83, -EINVAL, "DER length of 3 bytes" },
		{ FIXED_LEN + 64, 2, 0, -EINVAL, "empty TPMKey" },
	};
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_blob_info bi;
	size_t i, len, k;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = make_blob(b, 0);
		for (k = 0; k < cases[i].width; k++)
			b[cases[i].off + k] = (uint8_t)(cases[i].value >>
				(8 * (cases[i].width - 1 - k)));
		EXPECT_EQ(cases[i].err, kvault_blob_parse(b, len, &bi))
			TH_LOG("%s", cases[i].what);
		EXPECT_EQ(0, bi.pcr_mask) TH_LOG("%s: info not zeroed", cases[i].what);
	}
}

TEST(blob_parse_garbage_and_flips)
{
	uint8_t b[KVAULTCTL_BLOB_BUF], g[KVAULTCTL_BLOB_BUF];
	struct kvault_blob_info bi;
	size_t len = make_blob(b, 0), i;
	unsigned int seed = 12345, bit;
	int ret;

	/* random bytes are never a blob */
	for (i = 0; i < 2000; i++) {
		size_t n = (size_t)rand_r(&seed) % sizeof(g), k;

		for (k = 0; k < n; k++)
			g[k] = (uint8_t)rand_r(&seed);
		EXPECT_NE(0, kvault_blob_parse(g, n, &bi));
	}
	/* a blob with a bit flipped anywhere parses or is refused, no more */
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			memcpy(g, b, len);
			g[i] ^= (uint8_t)(1U << bit);
			ret = kvault_blob_parse(g, len, &bi);
			if (!ret) {
				EXPECT_EQ(len, bi.total_len);
			} else {
				EXPECT_EQ(0, bi.pcr_mask);
			}
		}
	}
}

TEST(bank_digest_sizes)
{
	EXPECT_EQ(20, kvault_bank_digest_size(KVAULT_TPM_ALG_SHA1));
	EXPECT_EQ(32, kvault_bank_digest_size(KVAULT_TPM_ALG_SHA256));
	EXPECT_EQ(48, kvault_bank_digest_size(KVAULT_TPM_ALG_SHA384));
	EXPECT_EQ(64, kvault_bank_digest_size(KVAULT_TPM_ALG_SHA512));
	EXPECT_EQ(32, kvault_bank_digest_size(KVAULT_TPM_ALG_SM3_256));
	EXPECT_EQ(0, kvault_bank_digest_size(0));
	EXPECT_EQ(0, kvault_bank_digest_size(0x1234));
}

/* ------------------------------------------------------------------ */
/* the key store                                                      */
/* ------------------------------------------------------------------ */

TEST(store_names)
{
	static const char *const good[] = { "k", "disk-1", "a.b", "x.", "~!@#$%^&*()" };
	static const char *const bad[] = {
		"", ".k", "..", ".", "a/b", "/", "a b", "a\tb", "\x7f", "\xc3\xa9",
	};
	char big[KVAULT_KEY_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		EXPECT_EQ(0, kvaultctl_store_name_check(good[i])) TH_LOG("good %zu", i);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, kvaultctl_store_name_check(bad[i])) TH_LOG("bad %zu", i);
	EXPECT_EQ(-EINVAL, kvaultctl_store_name_check(NULL));
	memset(big, 'n', sizeof(big));
	big[KVAULT_KEY_NAME_MAX - 1] = '\0';
	EXPECT_EQ(0, kvaultctl_store_name_check(big));
	big[KVAULT_KEY_NAME_MAX - 1] = 'n';
	big[KVAULT_KEY_NAME_MAX] = '\0';
	EXPECT_EQ(-EINVAL, kvaultctl_store_name_check(big));
}

TEST(store_dir_choice)
{
	setenv("KVAULT_STORE", "/from/env", 1);
	EXPECT_STREQ("/opt", kvaultctl_store_dir("/opt"));
	EXPECT_STREQ("/from/env", kvaultctl_store_dir(NULL));
	setenv("KVAULT_STORE", "", 1);
	EXPECT_STREQ("/var/lib/kvault", kvaultctl_store_dir(NULL));
	unsetenv("KVAULT_STORE");
	EXPECT_STREQ("/var/lib/kvault", kvaultctl_store_dir(""));
}

TEST_F(tmp, store_write_creates_0700_dir_and_0600_file)
{
	char store[256], path[PATH_MAX];
	uint8_t back[KVAULTCTL_BLOB_BUF];
	size_t len = make_blob(self->blob, 0);
	const char *step = NULL;
	struct stat st;

	snprintf(store, sizeof(store), "%s/store", self->dir);
	umask(0);	/* the modes must not depend on the umask */
	ASSERT_EQ(0, kvaultctl_store_write(store, "k1", self->blob, len, &step))
		TH_LOG("%s", step);
	ASSERT_EQ(0, stat(store, &st));
	EXPECT_EQ(040700, st.st_mode);
	snprintf(path, sizeof(path), "%s/k1.blob", store);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0100600, st.st_mode);
	EXPECT_EQ(len, (size_t)read_file(path, back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, self->blob, len));
	EXPECT_EQ(1, count_entries(store));	/* no temporary file left */

	umask(0277);
	ASSERT_EQ(0, kvaultctl_store_write(store, "k2", self->blob, 10, &step));
	snprintf(path, sizeof(path), "%s/k2.blob", store);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0100600, st.st_mode);
	umask(022);
}

TEST_F(tmp, store_write_replaces)
{
	uint8_t back[64];

	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k", "old-contents", 12, NULL));
	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k", "new", 3, NULL));
	snprintf(self->path, sizeof(self->path), "%s/k.blob", self->dir);
	EXPECT_EQ(3, read_file(self->path, back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, "new", 3));
	EXPECT_EQ(1, count_entries(self->dir));
}

static char hook_dir[64];
static int hook_calls;

/* At the moment of the rename: the old file as it was, the new one whole. */
static int check_before_rename(const char *tmp, const char *dst)
{
	uint8_t buf[KVAULTCTL_BLOB_BUF];
	struct stat st;
	ssize_t n;

	hook_calls++;
	if (strncmp(tmp, hook_dir, strlen(hook_dir)) || strchr(tmp + strlen(hook_dir) + 1, '/'))
		return -EXDEV;		/* not in the store's directory */
	if (stat(tmp, &st) || st.st_mode != 0100600)
		return -EPERM;
	n = read_file(dst, buf, sizeof(buf));
	if (n != 3 || memcmp(buf, "old", 3))
		return -ESTALE;
	n = read_file(tmp, buf, sizeof(buf));
	if (n != 1000)
		return -EMSGSIZE;
	return 0;
}

static int fail_before_rename(const char *tmp, const char *dst)
{
	(void)tmp;
	(void)dst;
	hook_calls++;
	return -EIO;
}

TEST_F(tmp, store_write_is_whole_or_nothing)
{
	uint8_t data[1000], back[KVAULTCTL_BLOB_BUF];
	const char *step = NULL;

	memset(data, 0x42, sizeof(data));
	snprintf(hook_dir, sizeof(hook_dir), "%s", self->dir);
	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k", "old", 3, NULL));
	kvaultctl_store_test_hook = check_before_rename;
	EXPECT_EQ(0, kvaultctl_store_write(self->dir, "k", data, sizeof(data), &step))
		TH_LOG("%s", step);
	EXPECT_EQ(1, hook_calls);
	snprintf(self->path, sizeof(self->path), "%s/k.blob", self->dir);
	EXPECT_EQ(1000, read_file(self->path, back, sizeof(back)));

	/* a failure at the last moment: the old file stays, no litter */
	kvaultctl_store_test_hook = NULL;
	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k", "old", 3, NULL));
	kvaultctl_store_test_hook = fail_before_rename;
	EXPECT_EQ(-EIO, kvaultctl_store_write(self->dir, "k", data, sizeof(data), &step));
	EXPECT_STREQ("the test hook", step);
	kvaultctl_store_test_hook = NULL;
	EXPECT_EQ(3, read_file(self->path, back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, "old", 3));
	EXPECT_EQ(1, count_entries(self->dir));
}

TEST_F(tmp, store_write_failing_write_keeps_old_file)
{
	struct rlimit small = { 512, 512 };
	uint8_t data[4000], back[KVAULTCTL_BLOB_BUF];
	const char *step = NULL;

	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k", "old", 3, NULL));
	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "other", "keep", 4, NULL));
	memset(data, 1, sizeof(data));
	/* a full disk, as far as this process can tell */
	signal(SIGXFSZ, SIG_IGN);
	ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &small));
	EXPECT_EQ(-EFBIG, kvaultctl_store_write(self->dir, "k", data, sizeof(data), &step));
	EXPECT_STREQ("writing the temporary file", step);
	snprintf(self->path, sizeof(self->path), "%s/k.blob", self->dir);
	EXPECT_EQ(3, read_file(self->path, back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, "old", 3));
	snprintf(self->path, sizeof(self->path), "%s/other.blob", self->dir);
	EXPECT_EQ(4, read_file(self->path, back, sizeof(back)));
	EXPECT_EQ(2, count_entries(self->dir));
}

TEST_F(tmp, store_write_refuses_bad_names_and_places)
{
	char file[PATH_MAX], sub[PATH_MAX];
	const char *step;

	EXPECT_EQ(-EINVAL, kvaultctl_store_write(self->dir, "../x", "x", 1, &step));
	EXPECT_EQ(-EINVAL, kvaultctl_store_write(self->dir, ".x", "x", 1, &step));
	snprintf(file, sizeof(file), "%s/file", self->dir);
	write_file(file, "x", 1);
	EXPECT_EQ(-ENOTDIR, kvaultctl_store_write(file, "k", "x", 1, &step));
	EXPECT_STREQ("creating the store directory", step);
	snprintf(sub, sizeof(sub), "%s/no/such", self->dir);
	EXPECT_EQ(-ENOENT, kvaultctl_store_write(sub, "k", "x", 1, &step));
	EXPECT_EQ(1, count_entries(self->dir));
}

TEST_F(tmp, store_remove)
{
	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k", "x", 1, NULL));
	ASSERT_EQ(0, kvaultctl_store_write(self->dir, "k2", "x", 1, NULL));
	EXPECT_EQ(0, kvaultctl_store_remove(self->dir, "k"));
	EXPECT_EQ(-ENOENT, kvaultctl_store_remove(self->dir, "k"));
	EXPECT_EQ(1, count_entries(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/none", self->dir);
	EXPECT_EQ(-ENOENT, kvaultctl_store_remove(self->path, "k"));
}

TEST_F(tmp, store_list_sorted_skips_hidden_and_others)
{
	static const char *const files[] = {
		"b.blob", "a.blob", ".hidden.blob", ".k.blob.Ab12Cd", "notes.txt",
		".blob", "c.blob.bak", "z z.blob",
	};
	char **names;
	size_t n, i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(self->path, sizeof(self->path), "%s/%s", self->dir, files[i]);
		write_file(self->path, "x", 1);
	}
	ASSERT_EQ(0, kvaultctl_store_list(self->dir, &names, &n));
	ASSERT_EQ(3, n);
	EXPECT_STREQ("a", names[0]);
	EXPECT_STREQ("b", names[1]);
	EXPECT_STREQ("z z", names[2]);
	kvaultctl_store_list_free(names, n);
	snprintf(self->path, sizeof(self->path), "%s/missing", self->dir);
	EXPECT_EQ(-ENOENT, kvaultctl_store_list(self->path, &names, &n));
	EXPECT_EQ(0, n);
}

TEST_F(tmp, read_blob_bounds_and_file_kinds)
{
	uint8_t big[KVAULT_BLOB_MAX + 1];
	size_t len = 99;

	memset(big, 7, sizeof(big));
	snprintf(self->path, sizeof(self->path), "%s/max.blob", self->dir);
	write_file(self->path, big, KVAULT_BLOB_MAX);
	EXPECT_EQ(0, kvaultctl_read_blob(self->path, true, self->blob, &len));
	EXPECT_EQ(KVAULT_BLOB_MAX, len);
	snprintf(self->path, sizeof(self->path), "%s/big.blob", self->dir);
	write_file(self->path, big, sizeof(big));
	EXPECT_EQ(-EFBIG, kvaultctl_read_blob(self->path, true, self->blob, &len));
	EXPECT_EQ(0, len);
	EXPECT_EQ(-EFBIG, kvaultctl_read_blob(self->path, false, self->blob, &len));
	snprintf(self->path, sizeof(self->path), "%s/empty.blob", self->dir);
	write_file(self->path, "", 0);
	EXPECT_EQ(0, kvaultctl_read_blob(self->path, true, self->blob, &len));
	EXPECT_EQ(0, len);

	/* in the store: no FIFO (which would block), no symbolic link */
	snprintf(self->path, sizeof(self->path), "%s/fifo.blob", self->dir);
	ASSERT_EQ(0, mkfifo(self->path, 0600));
	EXPECT_EQ(-EINVAL, kvaultctl_read_blob(self->path, true, self->blob, &len));
	snprintf(self->path, sizeof(self->path), "%s/link.blob", self->dir);
	ASSERT_EQ(0, symlink("max.blob", self->path));
	EXPECT_EQ(-EINVAL, kvaultctl_read_blob(self->path, true, self->blob, &len));
	EXPECT_EQ(0, kvaultctl_read_blob(self->path, false, self->blob, &len));
	EXPECT_EQ(-EISDIR, kvaultctl_read_blob(self->dir, false, self->blob, &len));
	snprintf(self->path, sizeof(self->path), "%s/none.blob", self->dir);
	EXPECT_EQ(-ENOENT, kvaultctl_read_blob(self->path, true, self->blob, &len));
}

TEST_F(tmp, blob_file_messages)
{
	static const struct {
		size_t cut;		/* bytes kept of a real blob, 0: whole */
		const char *extra;	/* appended */
		const char *start;	/* raw contents instead */
		const char *why;	/* after "PATH: " */
	} cases[] = {
		{ 200, NULL, NULL, "truncated: 200 bytes, its header says 307" },
		{ 100, NULL, NULL, "truncated: 100 bytes, shorter than a blob header" },
		{ 20, NULL, NULL, "truncated: 20 bytes, shorter than a blob header" },
		{ 3, NULL, NULL, "truncated: 3 bytes, shorter than a blob header" },
		{ 0, "x", NULL, "308 bytes, its header says 307: trailing bytes" },
		{ 0, NULL, "hello world, not a blob", "not a kvault blob (no \"KVB1\" magic)" },
		{ 0, NULL, "", "empty file, not a blob" },
	};
	struct kvault_blob_info bi;
	char why[PATH_MAX + 256], expect[PATH_MAX + 256];
	uint8_t b[KVAULTCTL_BLOB_BUF + 1];
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(self->path, sizeof(self->path), "%s/c%zu.blob", self->dir, i);
		if (cases[i].start) {
			write_file(self->path, cases[i].start, strlen(cases[i].start));
		} else {
			len = make_blob(b, 0);
			ASSERT_EQ(307, len);
			if (cases[i].cut)
				len = cases[i].cut;
			if (cases[i].extra)
				b[len++] = (uint8_t)cases[i].extra[0];
			write_file(self->path, b, len);
		}
		EXPECT_NE(0, kvaultctl_blob_read(self->path, true, self->blob, &len,
						 &bi, why, sizeof(why)));
		snprintf(expect, sizeof(expect), "%s: %s", self->path, cases[i].why);
		EXPECT_STREQ(expect, why);
	}
	snprintf(self->path, sizeof(self->path), "%s/big.blob", self->dir);
	memset(b, 'K', sizeof(b));
	write_file(self->path, b, KVAULT_BLOB_MAX + 1);
	EXPECT_EQ(-EFBIG, kvaultctl_blob_read(self->path, true, self->blob, &len,
					      &bi, why, sizeof(why)));
	snprintf(expect, sizeof(expect),
		 "%s: too large: more than 4096 bytes, the most a blob may have",
		 self->path);
	EXPECT_STREQ(expect, why);
	len = make_blob(b, 0);
	b[5] = 9;
	write_file(self->path, b, len);
	EXPECT_EQ(-EOPNOTSUPP, kvaultctl_blob_read(self->path, true, self->blob, &len,
						   &bi, why, sizeof(why)));
	snprintf(expect, sizeof(expect),
		 "%s: blob format version 9 is not supported (this kvaultctl reads version 1)",
		 self->path);
	EXPECT_STREQ(expect, why);
}

/* ------------------------------------------------------------------ */
/* PIN and expected values                                            */
/* ------------------------------------------------------------------ */

TEST_F(tmp, pin_files)
{
	static const struct {
		const char *content;
		int err;
		const char *pin;	/* or the message */
	} cases[] = {
		{ "1234", 0, "1234" },
		{ "1234\n", 0, "1234" },
		{ "1234\r\n", 0, "1234" },
		{ "first\nsecond line\n", 0, "first" },
		{ "0123456789abcdef0123456789ABCDEF\n", 0, "0123456789abcdef0123456789ABCDEF" },
		{ "0123456789abcdef0123456789ABCDEFG\n", -E2BIG, "the PIN is too long (at most 32 characters)" },
		{ "0123456789abcdef0123456789ABCDEF\r\r\n", -E2BIG, "the PIN is too long (at most 32 characters)" },
		{ "", -EINVAL, "the PIN is empty" },
		{ "\n", -EINVAL, "the PIN is empty" },
		{ "12 34\n", -EINVAL, "the PIN may only hold printable ASCII characters other than space" },
		{ "caf\xc3\xa9", -EINVAL, "the PIN may only hold printable ASCII characters other than space" },
	};
	char pin[KVAULTCTL_PIN_BUF], why[256];
	size_t i, len;
	char big[5000];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(self->path, sizeof(self->path), "%s/pin%zu", self->dir, i);
		write_file(self->path, cases[i].content, strlen(cases[i].content));
		memset(pin, 'X', sizeof(pin));
		EXPECT_EQ(cases[i].err, kvaultctl_read_pin(self->path, pin, &len,
							   why, sizeof(why)))
			TH_LOG("case %zu", i);
		if (cases[i].err) {
			EXPECT_STREQ(cases[i].pin, why) TH_LOG("case %zu", i);
			EXPECT_EQ(0, len);
			EXPECT_EQ(0, pin[0]);	/* wiped */
		} else {
			EXPECT_EQ(strlen(cases[i].pin), len);
			EXPECT_EQ(0, memcmp(cases[i].pin, pin, len));
		}
	}
	memset(big, 'p', sizeof(big));
	write_file(self->path, big, sizeof(big));
	EXPECT_EQ(-E2BIG, kvaultctl_read_pin(self->path, pin, &len, why, sizeof(why)));
	snprintf(self->path, sizeof(self->path), "%s/none", self->dir);
	EXPECT_EQ(-ENOENT, kvaultctl_read_pin(self->path, pin, &len, why, sizeof(why)));
	EXPECT_STREQ("No such file or directory", why);
}

TEST(hex_values)
{
	uint8_t out[8];
	size_t len = 0;

	EXPECT_EQ(0, kvaultctl_parse_hex("00ff7Fa0", 8, false, out, sizeof(out), &len));
	EXPECT_EQ(4, len);
	EXPECT_EQ(0x7f, out[2]);
	EXPECT_EQ(0, kvaultctl_parse_hex(" 00 ff\n7f\r\na0\t", 14, true, out, sizeof(out), &len));
	EXPECT_EQ(4, len);
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("00 ff", 5, false, out, sizeof(out), &len));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("0 0", 3, true, out, sizeof(out), &len));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("abc", 3, false, out, sizeof(out), &len));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("zz", 2, false, out, sizeof(out), &len));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("0x00", 4, false, out, sizeof(out), &len));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("", 0, false, out, sizeof(out), &len));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex(" \n", 2, true, out, sizeof(out), &len));
	EXPECT_EQ(-E2BIG, kvaultctl_parse_hex("000000000000000000", 18, false, out,
					      sizeof(out), &len));
	out[0] = 0x11;
	EXPECT_EQ(-EINVAL, kvaultctl_parse_hex("22zz", 4, false, out, sizeof(out), &len));
	EXPECT_EQ(0x11, out[0]);	/* untouched on failure */
}

TEST(pcr_sets)
{
	char why[256], set[KVAULTCTL_PCR_SET_LEN];
	uint16_t bank = 0;
	uint32_t mask = 0;

	EXPECT_EQ(0, kvaultctl_parse_pcrs("sha256:0,7", &bank, &mask, why, sizeof(why)));
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, bank);
	EXPECT_EQ(BIT(0) | BIT(7), mask);
	EXPECT_EQ(0, kvaultctl_parse_pcrs("SHA1:0-2", &bank, &mask, why, sizeof(why)));
	EXPECT_EQ(KVAULT_TPM_ALG_SHA1, bank);
	EXPECT_EQ(7, mask);
	EXPECT_EQ(0, kvaultctl_parse_pcrs("16", &bank, &mask, why, sizeof(why)));
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, bank);
	EXPECT_EQ(BIT(16), mask);
	EXPECT_EQ(0, kvaultctl_parse_pcrs("0x000c:23", &bank, &mask, why, sizeof(why)));
	EXPECT_EQ(KVAULT_TPM_ALG_SHA384, bank);
	EXPECT_EQ(-EINVAL, kvaultctl_parse_pcrs("md5:1", &bank, &mask, why, sizeof(why)));
	EXPECT_EQ(0, strncmp("unknown PCR bank 'md5'", why, 22));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_pcrs(":1", &bank, &mask, why, sizeof(why)));
	EXPECT_STREQ("the PCR bank is missing before ':'", why);
	EXPECT_EQ(-EINVAL, kvaultctl_parse_pcrs("sha256:", &bank, &mask, why, sizeof(why)));
	EXPECT_STREQ("the PCR selection is empty", why);
	EXPECT_EQ(-EINVAL, kvaultctl_parse_pcrs("sha256:1:2", &bank, &mask, why, sizeof(why)));
	EXPECT_EQ(-EINVAL, kvaultctl_parse_pcrs("sha256:24", &bank, &mask, why, sizeof(why)));
	EXPECT_STREQ("PCR 24 is out of range (PCRs are 0-23)", why);

	kvaultctl_pcr_set_str(KVAULT_TPM_ALG_SHA256, BIT(0) | BIT(7) | BIT(23), set, sizeof(set));
	EXPECT_STREQ("sha256:0,7,23", set);
	kvaultctl_pcr_set_str(0x1234, BIT(1), set, sizeof(set));
	EXPECT_STREQ("0x1234:1", set);
	kvaultctl_pcr_set_str(KVAULT_TPM_ALG_SHA3_512, KVAULT_PCR_MASK_ALL, set, sizeof(set));
	EXPECT_STREQ("sha3_512:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23", set);
}

/* ------------------------------------------------------------------ */
/* arguments of the new commands                                      */
/* ------------------------------------------------------------------ */

static int parse_words(struct kvaultctl_args *a, char *err, size_t errlen,
		       const char *const *words, size_t n)
{
	char *argv[16] = { "kvaultctl" };
	int argc = 1;

	while ((size_t)argc - 1 < n && argc < 15 && words[argc - 1]) {
		argv[argc] = (char *)words[argc - 1];
		argc++;
	}
	return kvaultctl_args_parse(argc, argv, a, err, errlen);
}

#define PARSE_WORDS(a, err, words) \
	parse_words(a, err, sizeof(err), words, ARRAY_SIZE(words))

#define HEX32	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

TEST(args_seal_commands)
{
	static const char *const seal_default[] = { "key", "seal", "k" };
	static const char *const seal_full[] = {
		"key", "seal", "disk", "--pcrs", "sha1:0", "--pcr-values",
		"00112233445566778899AABBCCDDEEFF00112233", "--pin-file", "/p",
		"--store", "/s", "--json",
	};
	static const char *const reseal_keep[] = { "key", "reseal", "k", "--pin-stdin" };
	static const char *const reseal_file[] = {
		"key", "reseal", "k", "--pcrs", "7", "--pcr-values-file", "/v",
	};
	static const char *const load_blob[] = { "key", "load", "a/b", "--blob", "/b" };
	static const char *const check[] = { "key", "check", "k", "--store=/x" };
	static const char *const load_all[] = { "load-all", "--store", "/srv/k" };
	static const char *const extend[] = { "pcr", "extend", "15" };
	static const char *const destroy[] = { "key", "destroy", "k", "--store", "/d" };
	struct kvaultctl_args a;
	char err[512];

	ASSERT_EQ(0, PARSE_WORDS(&a, err, seal_default)) TH_LOG("%s", err);
	EXPECT_EQ(KVAULTCTL_CMD_KEY_SEAL, a.cmd);
	EXPECT_STREQ("k", a.key.name);
	EXPECT_FALSE(a.pcrs_given);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA256, a.seal_bank);
	EXPECT_EQ(BIT(7), a.seal_mask);
	EXPECT_EQ(NULL, a.store);
	EXPECT_EQ(NULL, a.pin_file);
	EXPECT_FALSE(a.pin_stdin);
	EXPECT_FALSE(a.pcr_values_given);

	ASSERT_EQ(0, PARSE_WORDS(&a, err, seal_full)) TH_LOG("%s", err);
	EXPECT_TRUE(a.pcrs_given);
	EXPECT_EQ(KVAULT_TPM_ALG_SHA1, a.seal_bank);
	EXPECT_EQ(BIT(0), a.seal_mask);
	EXPECT_TRUE(a.pcr_values_given);
	EXPECT_EQ(20, a.pcr_values_len);
	EXPECT_EQ(0xaa, a.pcr_values[10]);
	EXPECT_STREQ("/p", a.pin_file);
	EXPECT_STREQ("/s", a.store);
	EXPECT_TRUE(a.json);

	ASSERT_EQ(0, PARSE_WORDS(&a, err, reseal_keep)) TH_LOG("%s", err);
	EXPECT_EQ(KVAULTCTL_CMD_KEY_RESEAL, a.cmd);
	EXPECT_FALSE(a.pcrs_given);
	EXPECT_TRUE(a.pin_stdin);
	ASSERT_EQ(0, PARSE_WORDS(&a, err, reseal_file)) TH_LOG("%s", err);
	EXPECT_STREQ("/v", a.pcr_values_file);
	EXPECT_EQ(BIT(7), a.seal_mask);

	/* with --blob the name need not suit the store */
	ASSERT_EQ(0, PARSE_WORDS(&a, err, load_blob)) TH_LOG("%s", err);
	EXPECT_EQ(KVAULTCTL_CMD_KEY_LOAD, a.cmd);
	EXPECT_STREQ("/b", a.blob_path);
	ASSERT_EQ(0, PARSE_WORDS(&a, err, check)) TH_LOG("%s", err);
	EXPECT_EQ(KVAULTCTL_CMD_KEY_CHECK, a.cmd);
	EXPECT_STREQ("/x", a.store);
	ASSERT_EQ(0, PARSE_WORDS(&a, err, load_all)) TH_LOG("%s", err);
	EXPECT_EQ(KVAULTCTL_CMD_LOAD_ALL, a.cmd);
	EXPECT_STREQ("/srv/k", a.store);
	ASSERT_EQ(0, PARSE_WORDS(&a, err, extend)) TH_LOG("%s", err);
	EXPECT_EQ(KVAULTCTL_CMD_PCR_EXTEND, a.cmd);
	EXPECT_EQ(15, a.pcr);
	ASSERT_EQ(0, PARSE_WORDS(&a, err, destroy)) TH_LOG("%s", err);
	EXPECT_STREQ("/d", a.store);
}

TEST(args_seal_errors)
{
	static const struct {
		const char *argv[9];
		const char *err;
	} cases[] = {
		{ { "key", "seal" }, "missing key name after 'key seal'" },
		{ { "key", "reseal" }, "missing key name after 'key reseal'" },
		{ { "key", "load" }, "missing key name after 'key load'" },
		{ { "key", "check" }, "missing key name after 'key check'" },
		{ { "key", "seal", "a", "b" }, "unexpected argument 'b' after 'key seal'" },
		{ { "key", "seal", "id:5" }, "'key seal' needs a key name, not an ID ('id:5'): the key store keeps NAME.blob" },
		{ { "key", "load", "id:5", "--blob", "f" }, "'key load' needs a key name, not an ID ('id:5'): the key store keeps NAME.blob" },
		{ { "key", "seal", "a/b" }, "key name 'a/b' cannot be used with the key store: stored names may not contain '/' or start with '.'" },
		{ { "key", "check", ".k" }, "key name '.k' cannot be used with the key store: stored names may not contain '/' or start with '.'" },
		{ { "key", "load", "../k" }, "key name '../k' cannot be used with the key store: stored names may not contain '/' or start with '.'" },
		{ { "key", "seal", "k", "--pcrs" }, "option '--pcrs' needs an argument" },
		{ { "key", "seal", "k", "--pcrs", "sha256:24" }, "invalid --pcrs 'sha256:24': PCR 24 is out of range (PCRs are 0-23) (use BANK:LIST, e.g. sha256:0,7)" },
		{ { "key", "seal", "k", "--pcrs", "sha256:3-1" }, "invalid --pcrs 'sha256:3-1': range 3-1 is reversed (write 1-3) (use BANK:LIST, e.g. sha256:0,7)" },
		{ { "key", "seal", "k", "--pcrs", "sha256:0,,7" }, "invalid --pcrs 'sha256:0,,7': empty element (nothing between two ',' or at the start) (use BANK:LIST, e.g. sha256:0,7)" },
		{ { "key", "seal", "k", "--pcrs", "" }, "invalid --pcrs '': the PCR selection is empty (use BANK:LIST, e.g. sha256:0,7)" },
		{ { "key", "seal", "k", "--pcrs", ":7" }, "invalid --pcrs ':7': the PCR bank is missing before ':' (use BANK:LIST, e.g. sha256:0,7)" },
		{ { "key", "seal", "k", "--pcrs", "sha256" }, "invalid --pcrs 'sha256': unexpected character 's' (only PCR numbers, ',' and '-' are allowed) (use BANK:LIST, e.g. sha256:0,7)" },
		{ { "key", "seal", "k", "--pcr-values", "zz" }, "invalid --pcr-values 'zz': not hex (two hex digits per byte, nothing else)" },
		{ { "key", "seal", "k", "--pcr-values", "abc" }, "invalid --pcr-values 'abc': not hex (two hex digits per byte, nothing else)" },
		{ { "key", "seal", "k", "--pcr-values", "" }, "invalid --pcr-values '': not hex (two hex digits per byte, nothing else)" },
		{ { "key", "seal", "k", "--pcr-values", "0011" }, "--pcr-values has 2 bytes; 1 PCRs of sha256 need 32 (32 each, in ascending PCR order)" },
		{ { "key", "seal", "k", "--pcrs", "0,7", "--pcr-values", HEX32 }, "--pcr-values has 32 bytes; 2 PCRs of sha256 need 64 (32 each, in ascending PCR order)" },
		{ { "key", "seal", "k", "--pcr-values", HEX32, "--pcr-values-file", "f" }, "give the expected values once: --pcr-values or --pcr-values-file" },
		{ { "key", "seal", "k", "--pcr-values-file=" }, "option '--pcr-values-file' needs a file name" },
		{ { "key", "reseal", "k", "--pcr-values", HEX32 }, "'key reseal' with expected values needs --pcrs (the PCR set they are for)" },
		{ { "key", "reseal", "k", "--pcr-values-file", "f" }, "'key reseal' with expected values needs --pcrs (the PCR set they are for)" },
		{ { "key", "seal", "k", "--pin-file", "f", "--pin-stdin" }, "give the PIN once: --pin-file or --pin-stdin" },
		{ { "key", "load", "k", "--pin-file=" }, "option '--pin-file' needs a file name" },
		{ { "key", "load", "k", "--blob=" }, "option '--blob' needs a file name" },
		{ { "key", "load", "k", "--store=" }, "option '--store' needs a directory" },
		{ { "key", "load", "k", "--pin-stdin=1" }, "unknown option '--pin-stdin=1'" },
		{ { "key", "check", "k", "--pin-file", "f" }, "option '--pin-file' only applies to 'key seal', 'key reseal' and 'key load'" },
		{ { "key", "load", "k", "--pcrs", "7" }, "option '--pcrs' only applies to 'key seal' and 'key reseal'" },
		{ { "key", "seal", "k", "--blob", "f" }, "option '--blob' only applies to 'key load' and 'key check'" },
		{ { "key", "show", "k", "--store", "d" }, "option '--store' only applies to 'key destroy', 'key seal', 'key reseal', 'key load', 'key check' and 'load-all'" },
		{ { "status", "--pcr-values", "00" }, "option '--pcr-values' only applies to 'key seal' and 'key reseal'" },
		{ { "pcr", "extend" }, "missing PCR after 'pcr extend'" },
		{ { "pcr", "extend", "24" }, "invalid PCR '24' (a number from 0 to 23)" },
		{ { "pcr", "extend", "x" }, "invalid PCR 'x' (a number from 0 to 23)" },
		{ { "pcr", "extend", "1", "2" }, "unexpected argument '2' after 'pcr extend'" },
		{ { "pcr", "extend", "7", "--bank", "sha1" }, "option '--bank' only applies to 'pcr read'" },
		{ { "load-all", "x" }, "unexpected argument 'x' after 'load-all'" },
		{ { "load-all", "--store" }, "option '--store' needs an argument" },
		{ { "load-all", "--blob", "b" }, "option '--blob' only applies to 'key load' and 'key check'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvaultctl_args a;
		char err[512];

		EXPECT_EQ(-EINVAL, PARSE_WORDS(&a, err, cases[i].argv))
			TH_LOG("case %zu accepted", i);
		EXPECT_STREQ(cases[i].err, err) TH_LOG("case %zu", i);
	}
}

TEST(args_pcr_values_too_long)
{
	char hex[2 * KVAULTCTL_PCR_VALUES_MAX + 3];
	const char *argv[] = { "key", "seal", "k", "--pcr-values", hex };
	struct kvaultctl_args a;
	char err[512];

	memset(hex, '0', sizeof(hex) - 1);
	hex[sizeof(hex) - 1] = '\0';
	EXPECT_EQ(-EINVAL, PARSE_WORDS(&a, err, argv));
	EXPECT_STREQ("--pcr-values is too long (at most 1536 bytes, 24 PCRs of 64 bytes)", err);
	/* the largest accepted: every PCR of sha512 */
	hex[2 * KVAULTCTL_PCR_VALUES_MAX] = '\0';
	{
		const char *ok[] = { "key", "seal", "k", "--pcrs", "sha512:0-23",
				     "--pcr-values", hex };

		EXPECT_EQ(0, PARSE_WORDS(&a, err, ok)) TH_LOG("%s", err);
		EXPECT_EQ(KVAULTCTL_PCR_VALUES_MAX, a.pcr_values_len);
	}
}

/* ------------------------------------------------------------------ */
/* refusals and the check report                                      */
/* ------------------------------------------------------------------ */

TEST(refusal_messages)
{
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_seal_report rep = { 0 };
	struct kvault_blob_info bi;
	char buf[512];

	ASSERT_EQ(0, kvault_blob_parse(b, make_blob(b, 0), &bi));
	rep.pcr_mismatch = BIT(16);
	kvaultctl_refusal_str(-EKEYREJECTED, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("refused: PCR 16 differs from the value the key is sealed to (sha256)", buf);
	rep.pcr_mismatch = BIT(7) | BIT(16);
	kvaultctl_refusal_str(-EKEYREJECTED, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("refused: PCRs 7,16 differ from the values the key is sealed to (sha256)", buf);
	rep.pcr_mismatch = 0;
	kvaultctl_refusal_str(-EKEYREJECTED, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("refused: the PCRs do not hold the values the key is sealed to (sha256)", buf);
	kvaultctl_refusal_str(-EACCES, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("wrong PIN (the TPM counts it toward its dictionary-attack lockout)", buf);
	rep.lockout_seconds = 7200;
	kvaultctl_refusal_str(-EBUSY, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("the TPM is in dictionary-attack lockout: 7200 s left", buf);
	rep.lockout_seconds = 0;
	kvaultctl_refusal_str(-EBUSY, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("the TPM is in dictionary-attack lockout until the lockout authority clears it", buf);
	kvaultctl_refusal_str(-EEXIST, &rep, &bi, "disk", buf, sizeof(buf));
	EXPECT_STREQ("a key named 'disk' is loaded already", buf);
	kvaultctl_refusal_str(-EBADMSG, NULL, NULL, "k", buf, sizeof(buf));
	EXPECT_STREQ("the blob is not this TPM's, or fails kvault's checks (edited or corrupt)", buf);
	kvaultctl_refusal_str(-EPERM, NULL, NULL, "k", buf, sizeof(buf));
	EXPECT_STREQ("refused: sealing is locked for this boot ('kvaultctl pcr extend'), or permission denied", buf);
	rep.tpm_rc = 0x98e;
	kvaultctl_refusal_str(-EIO, &rep, &bi, "k", buf, sizeof(buf));
	EXPECT_STREQ("TPM failure (response code 0x98e)", buf);
	kvaultctl_refusal_str(-ENODEV, NULL, NULL, "k", buf, sizeof(buf));
	EXPECT_STREQ("no TPM 2.0 device found", buf);
	kvaultctl_refusal_str(-ENOMEM, NULL, NULL, "k", buf, sizeof(buf));
	EXPECT_STREQ("Cannot allocate memory", buf);
}

/* Current values: PCR i, byte j is 0xe0 + i. */
static void fake_current(uint32_t mask, struct kvault_pcr_values *v)
{
	unsigned int i;

	memset(v, 0, sizeof(*v));
	v->bank = KVAULT_TPM_ALG_SHA256;
	v->digest_size = 32;
	v->pcr_mask = mask;
	for (i = 0; i < KVAULT_PCR_COUNT; i++)
		if (mask & BIT(i))
			memset(v->digest[i], 0xe0 + (int)i, 32);
}

#define EXP7	"707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
#define EXP16	HEX32	/* 16 * 16 wraps to 0x00 */
#define CUR16	"f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"

TEST(check_report_text_and_json)
{
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_seal_report rep = {
		.bank = KVAULT_TPM_ALG_SHA256, .pcr_mask = BIT(7) | BIT(16),
		.pcr_mismatch = BIT(16), .status = KVAULT_SEAL_ST_LOADABLE |
						   KVAULT_SEAL_ST_PIN,
	};
	struct kvault_pcr_values cur;
	struct kvault_blob_info bi;
	struct capture c;

	ASSERT_EQ(0, kvault_blob_parse(b, make_blob(b, KVAULT_SEAL_PIN), &bi));
	fake_current(BIT(16), &cur);
	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_check(c.f, false, "disk", "/s/disk.blob", 307,
					   &bi, &rep, &cur, 0));
	EXPECT_STREQ("check: key disk: would not unseal\n"
		     "  blob:      /s/disk.blob (307 bytes)\n"
		     "  key:       aes-256, version 3\n"
		     "  policy:    sha256:7,16 + PIN\n"
		     "  loadable:  yes\n"
		     "  PCRs:      PCR 16 differs\n"
		     "    PCR 16: expected " EXP16 "\n"
		     "    PCR 16: current  " CUR16 "\n"
		     "  lockout:   no\n"
		     "  PIN:       needed\n", cap_text(&c));
	cap_free(&c);

	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_check(c.f, true, "disk", "/s/disk.blob", 307,
					   &bi, &rep, NULL, -EIO));
	EXPECT_STREQ("{\"name\":\"disk\",\"blob\":\"/s/disk.blob\",\"blob_len\":307,"
		     "\"would_unseal\":false,\"loadable\":true,\"pin\":true,"
		     "\"lockout\":false,\"lockout_seconds\":0,\"tpm_rc\":0,"
		     "\"alg\":\"aes-256\",\"key_version\":3,\"bank\":\"sha256\","
		     "\"pcrs\":[7,16],\"pcr_mismatch\":[{\"pcr\":16,\"expected\":\""
		     EXP16 "\",\"current\":null}]}\n", cap_text(&c));
	cap_free(&c);

	rep.pcr_mismatch = 0;
	rep.status = KVAULT_SEAL_ST_LOADABLE | KVAULT_SEAL_ST_WOULD_UNSEAL |
		     KVAULT_SEAL_ST_LOCKOUT;
	rep.lockout_seconds = 60;
	bi.policy_flags = 0;
	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_check(c.f, false, "disk", "f", 307, &bi,
					   &rep, NULL, 0));
	EXPECT_STREQ("check: key disk: would unseal\n"
		     "  blob:      f (307 bytes)\n"
		     "  key:       aes-256, version 3\n"
		     "  policy:    sha256:7,16\n"
		     "  loadable:  yes\n"
		     "  PCRs:      match\n"
		     "  lockout:   yes, 60 s left\n"
		     "  PIN:       not needed\n", cap_text(&c));
	cap_free(&c);

	/* a PCR that could not be read says why */
	ASSERT_NE(NULL, cap_open(&c));
	kvaultctl_print_mismatch(c.f, "", &bi, BIT(7), NULL, -ENODEV);
	EXPECT_STREQ("PCR 7: expected " EXP7 "\n"
		     "PCR 7: current  (could not read it: No such device)\n",
		     cap_text(&c));
	cap_free(&c);
}

TEST(sealed_output)
{
	uint8_t b[KVAULTCTL_BLOB_BUF];
	struct kvault_blob_info bi;
	struct capture c;

	ASSERT_EQ(0, kvault_blob_parse(b, make_blob(b, 0), &bi));
	ASSERT_NE(NULL, cap_open(&c));
	EXPECT_EQ(0, kvaultctl_print_sealed(c.f, false, "seal", "disk", 42, &bi,
					    true, "/s/disk.blob", 307));
	EXPECT_EQ(0, kvaultctl_print_sealed(c.f, false, "reseal", "disk", 42, NULL,
					    false, "/s/disk.blob", 307));
	EXPECT_EQ(0, kvaultctl_print_sealed(c.f, true, "seal", "disk", 42, &bi,
					    false, "/s/disk.blob", 307));
	EXPECT_STREQ("seal: key disk (id 42): sealed to sha256:7,16 with a PIN, 307 bytes written to /s/disk.blob\n"
		     "reseal: key disk (id 42): sealed to its PCR set, 307 bytes written to /s/disk.blob\n"
		     "{\"op\":\"seal\",\"id\":42,\"name\":\"disk\",\"bank\":\"sha256\",\"pcrs\":[7,16],"
		     "\"pin\":false,\"blob\":\"/s/disk.blob\",\"blob_len\":307}\n",
		     cap_text(&c));
	cap_free(&c);
}

/* ------------------------------------------------------------------ */
/* load-all, with a fake kernel                                       */
/* ------------------------------------------------------------------ */

static struct {
	char loaded[16][KVAULT_KEY_NAME_MAX];	/* names passed to load */
	int nloaded;
	int next_id;
} fk;

static int fake_load(void *ctx, const char *name, const uint8_t *blob,
		     size_t len, struct kvault_seal_report *rep)
{
	(void)ctx;
	(void)blob;
	(void)len;
	memset(rep, 0, sizeof(*rep));
	if (fk.nloaded < 16)
		snprintf(fk.loaded[fk.nloaded++], KVAULT_KEY_NAME_MAX, "%s", name);
	if (!strcmp(name, "f-exists"))
		return -EEXIST;
	if (!strcmp(name, "h-rejected")) {
		rep->pcr_mismatch = BIT(16);
		return -EKEYREJECTED;
	}
	if (!strcmp(name, "j-tpm")) {
		rep->tpm_rc = 0x101;
		return -EIO;
	}
	rep->id = ++fk.next_id;
	return 0;
}

static int fake_key_id(void *ctx, const char *name, int32_t *id)
{
	(void)ctx;
	(void)name;
	*id = 77;
	return 0;
}

static int fake_pcr_read(void *ctx, uint16_t bank, uint32_t mask,
			 struct kvault_pcr_values *v)
{
	(void)ctx;
	if (bank != KVAULT_TPM_ALG_SHA256)
		return -EINVAL;
	fake_current(mask, v);
	return 0;
}

static const struct kvaultctl_seal_ops fake_ops = {
	.load = fake_load, .key_id = fake_key_id, .pcr_read = fake_pcr_read,
};

/* A store with every kind of trouble, between good keys. */
static void broken_store(const char *dir, uint8_t *b)
{
	char path[PATH_MAX], big[KVAULT_BLOB_MAX + 100];
	size_t len = make_blob(b, 0);

	snprintf(path, sizeof(path), "%s/a-corrupt.blob", dir);
	write_file(path, "\x01\x02garbage", 9);
	snprintf(path, sizeof(path), "%s/b-good.blob", dir);
	write_file(path, b, len);
	snprintf(path, sizeof(path), "%s/c-oversized.blob", dir);
	memset(big, 'K', sizeof(big));
	write_file(path, big, sizeof(big));
	snprintf(path, sizeof(path), "%s/d-missing.blob", dir);
	if (symlink("/nonexistent/blob", path))
		abort();
	snprintf(path, sizeof(path), "%s/e-truncated.blob", dir);
	write_file(path, b, 200);
	snprintf(path, sizeof(path), "%s/f-exists.blob", dir);
	write_file(path, b, len);
	snprintf(path, sizeof(path), "%s/h-rejected.blob", dir);
	write_file(path, b, len);
	snprintf(path, sizeof(path), "%s/i-good.blob", dir);
	write_file(path, b, len);
	snprintf(path, sizeof(path), "%s/j-tpm.blob", dir);
	write_file(path, b, len);
	snprintf(path, sizeof(path), "%s/.k-tmp.blob.XXXXXX", dir);
	write_file(path, "partial", 7);
	snprintf(path, sizeof(path), "%s/README", dir);
	write_file(path, "not a blob", 10);
	len = make_blob(b, KVAULT_SEAL_PIN);
	snprintf(path, sizeof(path), "%s/g-pin.blob", dir);
	write_file(path, b, len);
}

TEST_F(tmp, load_all_goes_on_past_failures)
{
	char expect[8192];
	struct capture out, err;
	int status;

	broken_store(self->dir, self->blob);
	memset(&fk, 0, sizeof(fk));
	ASSERT_NE(NULL, cap_open(&out));
	ASSERT_NE(NULL, cap_open(&err));
	status = kvaultctl_load_all(self->dir, &fake_ops, false, out.f, err.f);
	EXPECT_EQ(1, status);
	snprintf(expect, sizeof(expect),
		 "a-corrupt: failed: %1$s/a-corrupt.blob: not a kvault blob (no \"KVB1\" magic)\n"
		 "b-good: loaded (id 1)\n"
		 "c-oversized: failed: %1$s/c-oversized.blob: too large: more than 4096 bytes, the most a blob may have\n"
		 "d-missing: failed: %1$s/d-missing.blob: not a regular file\n"
		 "e-truncated: failed: %1$s/e-truncated.blob: truncated: 200 bytes, its header says 307\n"
		 "f-exists: already loaded (id 77)\n"
		 "g-pin: skipped: sealed with a PIN (load it with 'kvaultctl key load g-pin --pin-stdin')\n"
		 "h-rejected: failed: refused: PCR 16 differs from the value the key is sealed to (sha256)\n"
		 "  PCR 16: expected " EXP16 "\n"
		 "  PCR 16: current  " CUR16 "\n"
		 "i-good: loaded (id 2)\n"
		 "j-tpm: failed: TPM failure (response code 0x101)\n"
		 "load-all: 3 loaded, 6 failed, 1 skipped from %1$s\n", self->dir);
	EXPECT_STREQ(expect, cap_text(&out));
	EXPECT_STREQ("", cap_text(&err));
	cap_free(&out);
	cap_free(&err);
	/* every good blob reached the kernel, before and after failures */
	ASSERT_EQ(5, fk.nloaded);
	EXPECT_STREQ("b-good", fk.loaded[0]);
	EXPECT_STREQ("f-exists", fk.loaded[1]);
	EXPECT_STREQ("h-rejected", fk.loaded[2]);
	EXPECT_STREQ("i-good", fk.loaded[3]);
	EXPECT_STREQ("j-tpm", fk.loaded[4]);
	/* and the store is as it was */
	EXPECT_EQ(12, count_entries(self->dir));
}

TEST_F(tmp, load_all_json)
{
	struct capture out, err;
	const char *t;

	broken_store(self->dir, self->blob);
	memset(&fk, 0, sizeof(fk));
	ASSERT_NE(NULL, cap_open(&out));
	ASSERT_NE(NULL, cap_open(&err));
	EXPECT_EQ(1, kvaultctl_load_all(self->dir, &fake_ops, true, out.f, err.f));
	t = cap_text(&out);
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"b-good\",\"result\":\"loaded\",\"id\":1}"));
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"f-exists\",\"result\":\"already-loaded\",\"id\":77}"));
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"g-pin\",\"result\":\"skipped\",\"error\":\"sealed with a PIN"));
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"h-rejected\",\"result\":\"failed\",\"errno\":\"EKEYREJECTED\","
			       "\"error\":\"refused: PCR 16 differs from the value the key is sealed to (sha256)\","
			       "\"pcr_mismatch\":[{\"pcr\":16,\"expected\":\"" EXP16 "\",\"current\":\"" CUR16 "\"}]}"));
	EXPECT_NE(NULL, strstr(t, "{\"name\":\"c-oversized\",\"result\":\"failed\",\"errno\":\"EFBIG\""));
	EXPECT_NE(NULL, strstr(t, "],\"loaded\":3,\"failed\":6,\"skipped\":1}\n"));
	EXPECT_EQ(0, strncmp(t, "{\"store\":\"", 10));
	cap_free(&out);
	EXPECT_STREQ("", cap_text(&err));
	cap_free(&err);
}

TEST_F(tmp, load_all_missing_or_good_store)
{
	char dir[PATH_MAX], expect[PATH_MAX + 128], path[PATH_MAX];
	struct capture out, err;

	snprintf(dir, sizeof(dir), "%s/none", self->dir);
	ASSERT_NE(NULL, cap_open(&out));
	ASSERT_NE(NULL, cap_open(&err));
	EXPECT_EQ(0, kvaultctl_load_all(dir, &fake_ops, false, out.f, err.f));
	snprintf(expect, sizeof(expect),
		 "load-all: 0 loaded, 0 failed, 0 skipped from %s (no store)\n", dir);
	EXPECT_STREQ(expect, cap_text(&out));
	EXPECT_STREQ("", cap_text(&err));
	cap_free(&out);
	cap_free(&err);

	/* only good keys and one loaded already: success */
	memset(&fk, 0, sizeof(fk));
	snprintf(path, sizeof(path), "%s/b-good.blob", self->dir);
	write_file(path, self->blob, make_blob(self->blob, 0));
	snprintf(path, sizeof(path), "%s/f-exists.blob", self->dir);
	write_file(path, self->blob, make_blob(self->blob, 0));
	ASSERT_NE(NULL, cap_open(&out));
	ASSERT_NE(NULL, cap_open(&err));
	EXPECT_EQ(0, kvaultctl_load_all(self->dir, &fake_ops, false, out.f, err.f));
	cap_text(&out);
	cap_text(&err);
	cap_free(&out);
	cap_free(&err);

	/* a store that is a file: an error on stderr */
	ASSERT_NE(NULL, cap_open(&out));
	ASSERT_NE(NULL, cap_open(&err));
	EXPECT_EQ(1, kvaultctl_load_all(path, &fake_ops, false, out.f, err.f));
	snprintf(expect, sizeof(expect),
		 "kvaultctl: load-all: cannot read the key store %s: Not a directory\n", path);
	EXPECT_STREQ(expect, cap_text(&err));
	EXPECT_STREQ("", cap_text(&out));
	cap_free(&out);
	cap_free(&err);
}

/* ------------------------------------------------------------------ */
/* the kvaultctl binary, without kvault.ko                            */
/* ------------------------------------------------------------------ */

struct run {
	int status;
	char out[16384];
	char err[8192];
};

static const char *ctl_path(void)
{
	const char *p = getenv("KVAULTCTL");

	return p && *p ? p : KVAULTCTL_PATH;
}

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = fileno(f);

	lseek(fd, 0, SEEK_SET);
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	fclose(f);
}

/* Run kvaultctl with /dev/kvault absent and KVAULT_STORE=@store. */
static int run_ctl(struct run *r, const char *store, const char *input, ...)
{
	char *argv[20];
	int argc = 0, status, in[2];
	FILE *out, *err;
	va_list ap;
	pid_t pid;
	char *s;

	argv[argc++] = (char *)ctl_path();
	va_start(ap, input);
	while ((s = va_arg(ap, char *)) && argc < 19)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;
	out = tmpfile();
	err = tmpfile();
	if (!out || !err || pipe(in))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		close(in[1]);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		setenv("KVAULT_DEVICE", "/nonexistent/kvault", 1);
		if (store)
			setenv("KVAULT_STORE", store, 1);
		else
			unsetenv("KVAULT_STORE");
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	if (input && write(in[1], input, strlen(input)) < 0)
		return -1;
	close(in[1]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
	return 0;
}

#define RUN(r, store, input, ...) run_ctl(r, store, input, __VA_ARGS__, (char *)NULL)
#define NOT_LOADED "kvaultctl: kvault module is not loaded (no /nonexistent/kvault). Load it with: modprobe kvault\n"
#define TRY_HELP "\nTry 'kvaultctl --help' for more information.\n"

TEST_F(tmp, cli_inputs_are_checked_before_the_device)
{
	char store[PATH_MAX], pin[PATH_MAX], vals[PATH_MAX], expect[PATH_MAX + 256];
	struct run r;

	ASSERT_EQ(0, access(ctl_path(), X_OK)) TH_LOG("no %s; set KVAULTCTL", ctl_path());
	snprintf(store, sizeof(store), "%s/store", self->dir);
	snprintf(pin, sizeof(pin), "%s/pin", self->dir);
	snprintf(vals, sizeof(vals), "%s/values", self->dir);

	/* a PIN file that is too long, empty, or missing */
	write_file(pin, "0123456789abcdef0123456789abcdefX\n", 34);
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "seal", "k", "--pin-file", pin));
	EXPECT_EQ(2, r.status);
	snprintf(expect, sizeof(expect),
		 "kvaultctl: reading the PIN from %s: the PIN is too long (at most 32 characters)\n", pin);
	EXPECT_STREQ(expect, r.err);
	write_file(pin, "\n", 1);
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "reseal", "k", "--pin-file", pin));
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "the PIN is empty"));
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "seal", "k", "--pin-file", "/nonexistent/pin"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("kvaultctl: reading the PIN from /nonexistent/pin: No such file or directory\n", r.err);
	/* --pin-stdin: a line of stdin */
	ASSERT_EQ(0, RUN(&r, store, "12 34\n", "key", "seal", "k", "--pin-stdin"));
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("kvaultctl: reading the PIN from stdin: the PIN may only hold printable ASCII characters other than space\n", r.err);
	ASSERT_EQ(0, RUN(&r, store, "1234\n", "key", "seal", "k", "--pin-stdin"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);

	/* expected values from a file: hex of the right length */
	write_file(vals, "00 11 zz\n", 9);
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "seal", "k", "--pcr-values-file", vals));
	EXPECT_EQ(2, r.status);
	snprintf(expect, sizeof(expect),
		 "kvaultctl: %s: not hex (two hex digits per byte; blanks and newlines between bytes are allowed)\n", vals);
	EXPECT_STREQ(expect, r.err);
	write_file(vals, HEX32 "\n" HEX32 "\n", 130);
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "seal", "k", "--pcr-values-file", vals));
	EXPECT_EQ(2, r.status);
	snprintf(expect, sizeof(expect),
		 "kvaultctl: %s has 64 bytes of values; 1 PCRs of sha256 need 32 (32 each, in ascending PCR order)\n", vals);
	EXPECT_STREQ(expect, r.err);
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "seal", "k", "--pcrs", "sha256:0,7",
			 "--pcr-values-file", vals));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);

	/* nothing was created on the way */
	EXPECT_NE(0, access(store, F_OK));
	ASSERT_EQ(0, RUN(&r, store, NULL, "key", "seal", "k"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);
	EXPECT_NE(0, access(store, F_OK));
}

TEST_F(tmp, cli_blob_files_are_checked_before_the_device)
{
	char expect[PATH_MAX + 256], path[PATH_MAX];
	uint8_t big[KVAULT_BLOB_MAX + 1];
	struct run r;
	size_t len;

	ASSERT_EQ(0, access(ctl_path(), X_OK));
	make_blob(self->blob, 0);
	/* from the store (KVAULT_STORE) */
	ASSERT_EQ(0, RUN(&r, self->dir, NULL, "key", "load", "k"));
	EXPECT_EQ(1, r.status);
	snprintf(expect, sizeof(expect),
		 "kvaultctl: load key 'k': %s/k.blob: No such file or directory\n", self->dir);
	EXPECT_STREQ(expect, r.err);
	snprintf(path, sizeof(path), "%s/k.blob", self->dir);
	write_file(path, self->blob, 200);
	ASSERT_EQ(0, RUN(&r, self->dir, NULL, "key", "check", "k"));
	EXPECT_EQ(1, r.status);
	snprintf(expect, sizeof(expect),
		 "kvaultctl: check key 'k': %s: truncated: 200 bytes, its header says 307\n", path);
	EXPECT_STREQ(expect, r.err);
	EXPECT_STREQ("", r.out);
	/* --store wins over KVAULT_STORE */
	ASSERT_EQ(0, RUN(&r, "/nonexistent", NULL, "key", "check", "k", "--store", self->dir));
	EXPECT_STREQ(expect, r.err);

	/* --blob FILE: too large */
	snprintf(path, sizeof(path), "%s/big", self->dir);
	memset(big, 'K', sizeof(big));
	write_file(path, big, sizeof(big));
	ASSERT_EQ(0, RUN(&r, NULL, NULL, "key", "load", "other", "--blob", path));
	EXPECT_EQ(1, r.status);
	snprintf(expect, sizeof(expect),
		 "kvaultctl: load key 'other': %s: too large: more than 4096 bytes, the most a blob may have\n", path);
	EXPECT_STREQ(expect, r.err);

	/* sealed with a PIN, none given */
	len = make_blob(self->blob, KVAULT_SEAL_PIN);
	snprintf(path, sizeof(path), "%s/pin.blob", self->dir);
	write_file(path, self->blob, len);
	ASSERT_EQ(0, RUN(&r, self->dir, NULL, "key", "load", "pin"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("kvaultctl: load key 'pin': the key is sealed with a PIN: give --pin-file FILE or --pin-stdin\n", r.err);
	/* a good blob reaches the (missing) device */
	ASSERT_EQ(0, RUN(&r, self->dir, "1234\n", "key", "load", "pin", "--pin-stdin"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);
	ASSERT_EQ(0, RUN(&r, self->dir, NULL, "key", "check", "pin"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);
}

TEST_F(tmp, cli_device_commands_without_the_module)
{
	char path[PATH_MAX];
	struct run r;

	ASSERT_EQ(0, access(ctl_path(), X_OK));
	ASSERT_EQ(0, RUN(&r, self->dir, NULL, "load-all"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);
	ASSERT_EQ(0, RUN(&r, NULL, NULL, "pcr", "extend", "15"));
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(NOT_LOADED, r.err);
	/* destroy fails in the kernel: the stored blob stays */
	snprintf(path, sizeof(path), "%s/k.blob", self->dir);
	write_file(path, "x", 1);
	ASSERT_EQ(0, RUN(&r, NULL, NULL, "key", "destroy", "k", "--store", self->dir));
	EXPECT_EQ(1, r.status);
	EXPECT_EQ(0, access(path, F_OK));
	/* usage errors: exit 2, nothing opened */
	ASSERT_EQ(0, RUN(&r, NULL, NULL, "pcr", "extend", "99"));
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("kvaultctl: invalid PCR '99' (a number from 0 to 23)" TRY_HELP, r.err);
	ASSERT_EQ(0, RUN(&r, NULL, NULL, "key", "seal", "a/b"));
	EXPECT_EQ(2, r.status);
	ASSERT_EQ(0, RUN(&r, NULL, NULL, "--help"));
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "key seal|reseal NAME [--pcrs BANK:LIST]"));
	EXPECT_NE(NULL, strstr(r.out, "load-all [--store DIR]"));
	EXPECT_NE(NULL, strstr(r.out, "pcr extend PCR"));
	EXPECT_NE(NULL, strstr(r.out, "Default for seal: sha256:7"));
	EXPECT_NE(NULL, strstr(r.out, "/var/lib/kvault"));
}

TEST_HARNESS_MAIN
