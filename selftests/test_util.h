/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kvault guest selftests: raw ioctl and raw generic
 * netlink access (so tests can send what libkvault never would), sysfs PCR
 * values, running tools, and dropping privileges.
 */
#ifndef KVAULT_TEST_UTIL_H
#define KVAULT_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/kvault.h>
#include <linux/netlink.h>

#define KVAULT_DEV "/dev/kvault"
#define NOBODY 65534

/*
 * Work the kernel does later (keyring garbage collection, the destroy work,
 * socket release) can lag far behind on a loaded host under TCG: tests
 * poll for its effect, up to WAIT_ROUNDS times WAIT_STEP_US (20 s), rather
 * than sleeping a fixed time.
 */
#define WAIT_STEP_US 50000
#define WAIT_ROUNDS 400

/* Raw generic netlink socket bound to the kvault family. */
struct genl_raw {
	int fd;
	uint16_t family;
	uint32_t seq;
	char errmsg[256];	/* extack message of the last error */
};

int genl_raw_open(struct genl_raw *g);
void genl_raw_close(struct genl_raw *g);
/*
 * Send @cmd with @attrs (already encoded) and wait for the answer. Returns
 * 0 (reply payload after the genl header copied to @reply, its length in
 * @reply_len) or -errno from the kernel, with g->errmsg set from extack.
 */
int genl_raw_call(struct genl_raw *g, uint8_t cmd, const void *attrs,
		  size_t attrs_len, void *reply, size_t *reply_len);
/*
 * NLA_ALIGN() and NLA_HDRLEN of <linux/netlink.h> in size_t: the uapi macros
 * mask with the negative int ~(NLA_ALIGNTO - 1), which -Wconversion flags.
 */
static inline size_t nla_align_size(size_t len)
{
	return (len + NLA_ALIGNTO - 1) & ~(size_t)(NLA_ALIGNTO - 1);
}
#define NLA_HDRLEN_SIZE nla_align_size(sizeof(struct nlattr))

/*
 * Append one attribute with @len payload bytes; returns the new length.
 * Aborts if @len does not fit an attribute (more than 65531 bytes).
 */
size_t attr_put(void *buf, size_t off, uint16_t type, const void *data,
		size_t len);
/* Find attribute @type in a stream; returns its payload or NULL. */
const void *attr_find(const void *buf, size_t len, uint16_t type,
		      uint16_t *plen);

/* ioctl helpers returning 0 or -errno. */
int kvault_dev_open(void);
int ioctl_errno(int fd, unsigned long cmd, void *arg);

/* Read /sys/class/tpm/tpm0/pcr-<bank>/<pcr>; returns digest length or -1. */
int sysfs_pcr(const char *bank, int pcr, uint8_t *out, size_t len);
int hex_decode(const char *hex, uint8_t *out, size_t len);
void hex_encode(const uint8_t *in, size_t len, char *out);

/* Run a shell command; output (stdout+stderr) into @out. Returns exit code. */
int run_capture(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* In a child: become @uid/@gid with no supplementary groups or caps. */
int drop_privileges(uid_t uid, gid_t gid);

#endif
