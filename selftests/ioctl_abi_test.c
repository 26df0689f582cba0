// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile and malformed input on /dev/kvault: every case gets its
 * documented errno. The host fails the run if the kernel logged a warning.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "test_util.h"

FIXTURE(dev) {
	int fd;
	size_t page;
};

FIXTURE_SETUP(dev)
{
	long page = sysconf(_SC_PAGESIZE);

	ASSERT_LT(0, page);
	self->page = (size_t)page;
	self->fd = kvault_dev_open();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

/* A status request padded to @size bytes with @tail after the real struct. */
static int status_sized(int fd, size_t size, unsigned char tail)
{
	unsigned char *buf = calloc(1, size < sizeof(struct kvault_status) ?
				    sizeof(struct kvault_status) : size);
	struct kvault_status *st = (void *)buf;
	int rc;

	if (size > UINT32_MAX)
		abort();
	st->size = (__u32)size;
	if (size > sizeof(*st))
		buf[size - 1] = tail;
	rc = ioctl_errno(fd, KVAULT_IOC_STATUS, buf);
	free(buf);
	return rc;
}

TEST_F(dev, status_too_small_for_any_version)
{
	EXPECT_EQ(-EINVAL, status_sized(self->fd, 0, 0));
	EXPECT_EQ(-EINVAL, status_sized(self->fd, 4, 0));
	EXPECT_EQ(-EINVAL, status_sized(self->fd, KVAULT_STATUS_SIZE_VER0 - 1, 0));
}

TEST_F(dev, larger_struct_with_zero_tail_is_accepted)
{
	const __u32 big = sizeof(struct kvault_status) + 64;
	struct kvault_status *st = calloc(1, big);

	ASSERT_NE(NULL, st);
	st->size = big;
	ASSERT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_STATUS, st));
	/* the kernel says how much it wrote: its own struct */
	EXPECT_EQ(sizeof(struct kvault_status), st->size);
	EXPECT_EQ(KVAULT_ABI_VERSION, st->abi_version);
	free(st);
}

TEST_F(dev, larger_struct_with_nonzero_tail_is_e2big)
{
	EXPECT_EQ(-E2BIG, status_sized(self->fd, sizeof(struct kvault_status) + 64, 1));
	EXPECT_EQ(-E2BIG, status_sized(self->fd, sizeof(struct kvault_status) + 1, 0xff));
	/* absurd sizes are refused without scanning */
	EXPECT_EQ(-E2BIG, status_sized(self->fd, 2 * self->page, 0));
}

TEST_F(dev, status_unknown_flags_and_reserved)
{
	struct kvault_status st = { .size = sizeof(st) };

	st.flags = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
	st.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
	st.flags = 0;
	st.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
	st.reserved[3] = 0;
	st.reserved0 = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
	st.reserved0 = 0;
	EXPECT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_STATUS, &st));
}

static int pcr_read(int fd, uint16_t bank, uint32_t mask, void *buf, uint32_t len)
{
	struct kvault_pcr_read req = { .size = sizeof(req) };

	req.bank = bank;
	req.pcr_mask = mask;
	req.digests = (uintptr_t)buf;
	req.digests_len = len;
	return ioctl_errno(fd, KVAULT_IOC_PCR_READ, &req);
}

TEST_F(dev, pcr_read_bad_selection)
{
	uint8_t buf[KVAULT_PCR_COUNT * KVAULT_MAX_DIGEST_SIZE];

	EXPECT_EQ(-EINVAL, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 0, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 1u << 24, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 1u << 31, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 0xffffffffu, buf, sizeof(buf)));
	/* unknown algorithm, and a known one the TPM has not allocated */
	EXPECT_EQ(-EINVAL, pcr_read(self->fd, 0x9999, 1, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, pcr_read(self->fd, 0, 1, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, pcr_read(self->fd, KVAULT_TPM_ALG_SHA3_256, 1, buf, sizeof(buf)));
	EXPECT_EQ(0, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 1, buf, sizeof(buf)));
}

TEST_F(dev, pcr_read_flags_and_reserved)
{
	uint8_t buf[KVAULT_MAX_DIGEST_SIZE];
	struct kvault_pcr_read req = { .size = sizeof(req) };

	req.bank = KVAULT_TPM_ALG_SHA256;
	req.pcr_mask = 1;
	req.digests = (uintptr_t)buf;
	req.digests_len = sizeof(buf);
	req.flags = 2;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, &req));
	req.flags = 0;
	req.reserved0 = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, &req));
	req.reserved0 = 0;
	req.reserved1 = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, &req));
	req.reserved1 = 0;
	req.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, &req));
	req.reserved[1] = 0;
	req.size = KVAULT_PCR_READ_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, &req));
	req.size = sizeof(req);
	EXPECT_EQ(0, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, &req));
}

TEST_F(dev, bad_user_pointers_are_efault)
{
	struct kvault_pcr_read *req;
	uint8_t *map;

	/* two pages, the second unmapped: structs and buffers straddle it */
	map = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + self->page, self->page));

	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_STATUS, NULL));
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_STATUS, map + self->page));
	EXPECT_EQ(-EFAULT, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 0xff,
				    map + self->page, 8 * 32));
	/* buffer that starts mapped and runs off the end */
	EXPECT_EQ(-EFAULT, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 0xff,
				    map + self->page - 16, 8 * 32));

	/* struct whose tail crosses into the unmapped page */
	req = (void *)(map + self->page - 24);
	memset(req, 0, 24);
	req->size = sizeof(*req);
	EXPECT_EQ(-EFAULT, ioctl_errno(self->fd, KVAULT_IOC_PCR_READ, req));

	/* read-only output buffer */
	ASSERT_EQ(0, mprotect(map, self->page, PROT_READ));
	EXPECT_EQ(-EFAULT, pcr_read(self->fd, KVAULT_TPM_ALG_SHA256, 0xff, map, 8 * 32));
	munmap(map, self->page);
}

TEST_F(dev, unknown_ioctls_are_enotty)
{
	struct kvault_status st = { .size = sizeof(st) };

	EXPECT_EQ(-ENOTTY, ioctl_errno(self->fd, _IOWR(KVAULT_IOC_MAGIC, 0x7f, struct kvault_status), &st));
	EXPECT_EQ(-ENOTTY, ioctl_errno(self->fd, _IOWR(KVAULT_IOC_MAGIC, 0, struct kvault_status), &st));
	EXPECT_EQ(-ENOTTY, ioctl_errno(self->fd, _IOWR('T', 0x01, struct kvault_status), &st));
	EXPECT_EQ(-ENOTTY, ioctl_errno(self->fd, _IOR(KVAULT_IOC_MAGIC, 0x01, struct kvault_status), &st));
	EXPECT_EQ(-ENOTTY, ioctl_errno(self->fd, _IO(KVAULT_IOC_MAGIC, 0x01), &st));
	/* the size bits are not the authority: the struct's size field is */
	EXPECT_EQ(0, ioctl_errno(self->fd, _IOWR(KVAULT_IOC_MAGIC, 0x01, char[512]), &st));
}

TEST_F(dev, ioctl_only)
{
	char buf[16];

	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0));
}

TEST_HARNESS_MAIN
