// SPDX-License-Identifier: GPL-2.0
/*
 * Every conversation kvault has with the TPM. kvault reaches the chip only
 * through the kernel's TPM driver, never through /dev/tpm*, and holds the
 * chip's ops lock (tpm_try_get_ops) for a whole command sequence so that
 * nothing interleaves with it. No chip reference is kept between calls: a
 * TPM that goes away simply makes the next call fail with ENODEV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <net/netlink.h>

#include "compat.h"
#include "kvault.h"
#include "tpm_cmd.h"

/* TPM_PT_* properties of the PT_FIXED group (TPM 2.0 Part 2, 6.13). */
#define KVAULT_TPM_PT_MANUFACTURER	0x105
#define KVAULT_TPM_PT_VENDOR_STRING_1	0x106
#define KVAULT_TPM_PT_VENDOR_STRING_4	0x109
#define KVAULT_TPM_PT_FIRMWARE_VERSION_1	0x10B
#define KVAULT_TPM_PT_FIRMWARE_VERSION_2	0x10C

/* Size of a TPMS_PCR_SELECTION bitmap covering PCRs 0-23. */
#define KVAULT_PCR_SELECT_BYTES		3

/* A read that keeps losing the race against PCR extends gives up. */
#define KVAULT_PCR_READ_ATTEMPTS	8

/*
 * Find the TPM 2.0 and take its ops lock. Returns the chip, holding a
 * device reference and the ops lock, or an ERR_PTR.
 */
struct tpm_chip *kvault_tpm_get(struct netlink_ext_ack *extack)
{
	struct tpm_chip *chip = tpm_default_chip();

	if (!chip) {
		NL_SET_ERR_MSG(extack, "no TPM is present");
		return ERR_PTR(-ENODEV);
	}
	if (!tpm_is_tpm2(chip)) {
		put_device(&chip->dev);
		NL_SET_ERR_MSG(extack, "the TPM is not a TPM 2.0");
		return ERR_PTR(-ENODEV);
	}
	if (tpm_try_get_ops(chip)) {
		put_device(&chip->dev);
		NL_SET_ERR_MSG(extack, "the TPM is going away");
		return ERR_PTR(-ENODEV);
	}
	return chip;
}

void kvault_tpm_put(struct tpm_chip *chip)
{
	tpm_put_ops(chip);
	put_device(&chip->dev);
}

/*
 * Every TPM command kvault sends, for the benchmark's "commands per seal"
 * (read-only module parameter tpm_commands).
 */
atomic64_t kvault_tpm_commands = ATOMIC64_INIT(0);

static int kvault_tpm_commands_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%lld\n",
			 (long long)atomic64_read(&kvault_tpm_commands));
}

static const struct kernel_param_ops kvault_tpm_commands_ops = {
	.get = kvault_tpm_commands_get,
};

module_param_cb(tpm_commands, &kvault_tpm_commands_ops, NULL, 0444);
MODULE_PARM_DESC(tpm_commands, "TPM commands kvault has sent (read-only)");

/* A TPM that keeps asking to be asked again gets this many tries. */
#define KVAULT_TPM_TRIES	4

/**
 * kvault_tpm_send() - send one command, with the chip's ops lock held
 * @chip:     the chip, from kvault_tpm_get()
 * @buf:      the command; the response on return
 * @min_body: the least response body a success must carry
 *
 * A TPM that answers TPM_RC_RETRY, TPM_RC_YIELDED or TPM_RC_TESTING gets
 * the same command again, a bounded number of times, after a short sleep
 * (the TPM core also retries some of these itself).
 *
 * Return: the TPM's response code (0 for success), or a negative errno
 * from the transport.
 */
int kvault_tpm_send(struct tpm_chip *chip, struct tpm_buf *buf,
		    size_t min_body)
{
	u32 len = get_unaligned_be32(buf->data + 2);
	ssize_t rc = -EIO;
	u8 *save;
	int try;

	/* The response overwrites the command: keep it for a retry. */
	save = len <= PAGE_SIZE ? kmemdup(buf->data, len, GFP_KERNEL) : NULL;
	for (try = 0; try < KVAULT_TPM_TRIES; try++) {
		if (try) {
			msleep(20 << try);
			memcpy(buf->data, save, len);
		}
		atomic64_inc(&kvault_tpm_commands);
		rc = tpm_transmit_cmd(chip, buf, min_body, NULL);
		if (!save || (rc != KVAULT_RC_RETRY &&
			      rc != KVAULT_RC_YIELDED &&
			      rc != KVAULT_RC_TESTING))
			break;
	}
	kfree_sensitive(save);
	return rc;
}

int kvault_tpm_transmit(struct tpm_chip *chip, struct tpm_buf *buf,
			size_t min_body, struct netlink_ext_ack *extack)
{
	int rc = kvault_tpm_send(chip, buf, min_body);

	/*
	 * The transport's own errnos (ETIME when the TPM is slow, EPIPE...)
	 * are the driver's business: the ABI promises EIO for a failing TPM.
	 */
	if (rc < 0) {
		pr_debug("TPM command failed in transport: %d\n", rc);
		if (rc == -ETIME)
			NL_SET_ERR_MSG(extack, "TPM did not answer in time");
		else
			NL_SET_ERR_MSG(extack, "TPM command failed in transport");
		return -EIO;
	}
	if (rc > 0) {
		pr_debug("TPM command %#x returned %#x\n",
			 get_unaligned_be32(buf->data + 6), rc);
		NL_SET_ERR_MSG(extack, "TPM returned an error");
		return -EIO;
	}
	return 0;
}

/* Keep the printable characters of the four TPM_PT_VENDOR_STRING words. */
static void kvault_tpm_set_vendor(struct kvault_tpm_info *info,
				  const u32 words[4])
{
	size_t i, n = 0;

	for (i = 0; i < 16; i++) {
		char c = words[i / 4] >> (24 - 8 * (i % 4));

		if (isprint(c))
			info->vendor[n++] = c;
	}
	while (n && info->vendor[n - 1] == ' ')
		n--;
	info->vendor[n] = '\0';
}

/*
 * TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES) for the manufacturer, vendor
 * string and firmware version, which sit next to each other in PT_FIXED.
 */
static int kvault_tpm_read_properties(struct tpm_chip *chip,
				      struct kvault_tpm_info *info,
				      struct netlink_ext_ack *extack)
{
	u32 next = KVAULT_TPM_PT_MANUFACTURER;
	u32 vendor[4] = { 0 };
	struct tpm_buf buf;
	int attempts, rc;

	rc = tpm_buf_init(&buf, TPM2_ST_NO_SESSIONS, TPM2_CC_GET_CAPABILITY);
	if (rc)
		return rc;

	/* A TPM may answer in pieces (moreData); bound the loop regardless. */
	for (attempts = 0; attempts < 8 &&
	     next <= KVAULT_TPM_PT_FIRMWARE_VERSION_2; attempts++) {
		struct kvault_rsp rsp;
		u32 count, i, prop = 0, value;
		u8 more;

		tpm_buf_reset(&buf, TPM2_ST_NO_SESSIONS, TPM2_CC_GET_CAPABILITY);
		tpm_buf_append_u32(&buf, TPM2_CAP_TPM_PROPERTIES);
		tpm_buf_append_u32(&buf, next);
		tpm_buf_append_u32(&buf, KVAULT_TPM_PT_FIRMWARE_VERSION_2 -
				   next + 1);
		rc = kvault_tpm_transmit(chip, &buf, 9, extack);
		if (rc)
			goto out;

		kvault_rsp_init(&rsp, &buf);
		more = kvault_rsp_u8(&rsp);
		if (kvault_rsp_u32(&rsp) != TPM2_CAP_TPM_PROPERTIES)
			rsp.bad = true;
		count = kvault_rsp_u32(&rsp);
		for (i = 0; i < count && !rsp.bad; i++) {
			prop = kvault_rsp_u32(&rsp);
			value = kvault_rsp_u32(&rsp);
			if (prop == KVAULT_TPM_PT_MANUFACTURER)
				info->manufacturer = value;
			else if (prop >= KVAULT_TPM_PT_VENDOR_STRING_1 &&
				 prop <= KVAULT_TPM_PT_VENDOR_STRING_4)
				vendor[prop - KVAULT_TPM_PT_VENDOR_STRING_1] = value;
			else if (prop == KVAULT_TPM_PT_FIRMWARE_VERSION_1)
				info->fw_version_1 = value;
			else if (prop == KVAULT_TPM_PT_FIRMWARE_VERSION_2)
				info->fw_version_2 = value;
		}
		/* Properties come in ascending order; no progress means stop. */
		if (rsp.bad || !count || prop < next) {
			NL_SET_ERR_MSG(extack, "malformed TPM2_GetCapability response");
			rc = -EIO;
			goto out;
		}
		next = prop + 1;
		if (!more)
			break;
	}
	kvault_tpm_set_vendor(info, vendor);
out:
	tpm_buf_destroy(&buf);
	return rc;
}

/**
 * kvault_tpm_status() - describe the TPM for STATUS
 * @info:   filled in; zeroed first
 * @extack: where to put a reason on failure (may be NULL)
 *
 * A missing TPM, or a TPM 1.2, is not an error: @info->flags says so.
 *
 * Return: 0, or a negative errno if talking to the TPM 2.0 failed.
 */
int kvault_tpm_status(struct kvault_tpm_info *info,
		      struct netlink_ext_ack *extack)
{
	struct tpm_chip *chip;
	bool tpm2;
	u32 i;
	int rc;

	memset(info, 0, sizeof(*info));
	chip = tpm_default_chip();
	if (!chip)
		return 0;
	info->flags = KVAULT_TPM_PRESENT;
	tpm2 = tpm_is_tpm2(chip);
	put_device(&chip->dev);
	if (!tpm2)
		return 0;

	chip = kvault_tpm_get(extack);
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	info->flags |= KVAULT_TPM_VERSION_2;

	info->nr_banks = min_t(u32, chip->nr_allocated_banks,
			       KVAULT_MAX_PCR_BANKS);
	for (i = 0; i < info->nr_banks; i++) {
		info->banks[i].alg_id = chip->allocated_banks[i].alg_id;
		info->banks[i].digest_size = chip->allocated_banks[i].digest_size;
	}

	rc = kvault_tpm_read_properties(chip, info, extack);
	kvault_tpm_put(chip);
	return rc;
}

static int kvault_pcr_digest_size(struct tpm_chip *chip, u16 bank)
{
	u32 i;

	for (i = 0; i < chip->nr_allocated_banks; i++)
		if (chip->allocated_banks[i].alg_id == bank)
			return chip->allocated_banks[i].digest_size;
	return -ENOENT;
}

/*
 * One TPM2_PCR_Read of the PCRs in @want. TPMs return only as many digests
 * as fit their response (8 on the reference implementation), so *@got says
 * which PCRs came back. Each lands at its rank within @mask in @out.
 */
static int kvault_pcr_read_chunk(struct tpm_chip *chip, struct tpm_buf *buf,
				 u16 bank, u32 mask, u32 want, u32 *got,
				 u32 *counter, struct kvault_pcr_values *out,
				 struct netlink_ext_ack *extack)
{
	u8 select[KVAULT_PCR_SELECT_BYTES];
	struct kvault_rsp rsp;
	u32 returned = 0, ndigests, i;
	u8 size_of_select;
	int rc;

	tpm_buf_reset(buf, TPM2_ST_NO_SESSIONS, TPM2_CC_PCR_READ);
	tpm_buf_append_u32(buf, 1);		/* one TPMS_PCR_SELECTION */
	tpm_buf_append_u16(buf, bank);
	tpm_buf_append_u8(buf, KVAULT_PCR_SELECT_BYTES);
	for (i = 0; i < KVAULT_PCR_SELECT_BYTES; i++)
		select[i] = want >> (8 * i);
	tpm_buf_append(buf, select, sizeof(select));

	rc = kvault_tpm_transmit(chip, buf, 8, extack);
	if (rc)
		return rc;

	kvault_rsp_init(&rsp, buf);
	*counter = kvault_rsp_u32(&rsp);
	if (kvault_rsp_u32(&rsp) == 1) {
		if (kvault_rsp_u16(&rsp) != bank)
			rsp.bad = true;
		size_of_select = kvault_rsp_u8(&rsp);
		for (i = 0; i < size_of_select && !rsp.bad; i++) {
			u8 bits = kvault_rsp_u8(&rsp);

			if (i < sizeof(u32))
				returned |= (u32)bits << (8 * i);
			else if (bits)
				rsp.bad = true;
		}
	}
	ndigests = kvault_rsp_u32(&rsp);
	if (rsp.bad || (returned & ~want) || ndigests != hweight32(returned)) {
		NL_SET_ERR_MSG(extack, "malformed TPM2_PCR_Read response");
		return -EIO;
	}

	for (i = 0; i < KVAULT_PCR_COUNT; i++) {
		const u8 *digest;

		if (!(returned & BIT(i)))
			continue;
		if (kvault_rsp_u16(&rsp) != out->digest_size)
			rsp.bad = true;
		digest = kvault_rsp_bytes(&rsp, out->digest_size);
		if (!digest) {
			NL_SET_ERR_MSG(extack, "malformed TPM2_PCR_Read response");
			return -EIO;
		}
		memcpy(out->digests + hweight32(mask & (BIT(i) - 1)) *
		       out->digest_size, digest, out->digest_size);
	}
	*got = returned;
	return 0;
}

/*
 * Read every PCR in @mask in as many commands as the TPM needs. If an
 * extend lands between two commands (pcrUpdateCounter moved), start over,
 * so that the caller gets one consistent snapshot.
 */
static int kvault_pcr_read_snapshot(struct tpm_chip *chip, u16 bank, u32 mask,
				    struct kvault_pcr_values *out,
				    struct netlink_ext_ack *extack)
{
	struct tpm_buf buf;
	int attempt, rc;

	rc = tpm_buf_init(&buf, TPM2_ST_NO_SESSIONS, TPM2_CC_PCR_READ);
	if (rc)
		return rc;

	for (attempt = 0; attempt < KVAULT_PCR_READ_ATTEMPTS; attempt++) {
		u32 left = mask, got, counter;
		bool first = true, moved = false;

		while (left) {
			rc = kvault_pcr_read_chunk(chip, &buf, bank, mask, left,
						   &got, &counter, out, extack);
			if (rc)
				goto out;
			if (!got) {
				NL_SET_ERR_MSG(extack,
					       "the TPM has not allocated a selected PCR in this bank");
				rc = -EINVAL;
				goto out;
			}
			if (first)
				out->update_counter = counter;
			else if (counter != out->update_counter)
				moved = true;
			first = false;
			left &= ~got;
		}
		if (!moved)
			goto out;
	}
	NL_SET_ERR_MSG(extack, "PCRs kept changing while being read");
	rc = -EAGAIN;
out:
	tpm_buf_destroy(&buf);
	return rc;
}

/**
 * kvault_tpm_pcr_read() - read a selection of PCRs from one bank
 * @bank:     TCG algorithm identifier of the PCR bank
 * @pcr_mask: PCRs to read, bit N for PCR N
 * @out:      receives the digest size, update counter and values
 * @extack:   where to put a reason on failure (may be NULL)
 *
 * Return: 0; -EINVAL for a bad selection or a bank the TPM has not
 * allocated; -ENODEV without a TPM 2.0; -EIO or -EAGAIN if the TPM failed.
 */
int kvault_tpm_pcr_read(u16 bank, u32 pcr_mask, struct kvault_pcr_values *out,
			struct netlink_ext_ack *extack)
{
	struct tpm_chip *chip;
	int rc;

	if (!pcr_mask) {
		NL_SET_ERR_MSG(extack, "empty PCR selection");
		return -EINVAL;
	}
	if (pcr_mask & ~KVAULT_PCR_MASK_ALL) {
		NL_SET_ERR_MSG(extack, "PCR index out of range (0-23)");
		return -EINVAL;
	}

	chip = kvault_tpm_get(extack);
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	rc = kvault_tpm_pcr_read_locked(chip, bank, pcr_mask, out, extack);
	kvault_tpm_put(chip);
	return rc;
}

/**
 * kvault_tpm_pcr_read_locked() - kvault_tpm_pcr_read() with the chip held
 * @chip:     from kvault_tpm_get()
 * @bank:     TCG algorithm identifier of the PCR bank
 * @mask:     PCRs to read (checked by the caller: non-empty, 0-23)
 * @out:      receives the digest size, update counter and values
 * @extack:   where to put a reason on failure (may be NULL)
 *
 * Return: as kvault_tpm_pcr_read().
 */
int kvault_tpm_pcr_read_locked(struct tpm_chip *chip, u16 bank, u32 mask,
			       struct kvault_pcr_values *out,
			       struct netlink_ext_ack *extack)
{
	int size;

	size = kvault_pcr_digest_size(chip, bank);
	if (size < 0) {
		NL_SET_ERR_MSG(extack, "unknown PCR bank: the TPM has not allocated it");
		return -EINVAL;
	}
	if (size > KVAULT_MAX_DIGEST_SIZE) {
		NL_SET_ERR_MSG(extack, "PCR bank digest is larger than kvault supports");
		return -EOPNOTSUPP;
	}
	out->digest_size = size;
	return kvault_pcr_read_snapshot(chip, bank, mask, out, extack);
}

/**
 * kvault_tpm_mix_random() - fill a buffer with key material
 * @buf: where to put it
 * @len: how many bytes
 *
 * The kernel's CSPRNG (get_random_bytes()) fills @buf; when a TPM is
 * present, as many bytes from its RNG (TPM2_GetRandom, through
 * tpm_get_random(), which may return fewer bytes per call than asked) are
 * XORed in. If the TPM fails part-way, the bytes it did give are still
 * mixed in and the rest stay the CSPRNG's alone. The TPM's bytes are wiped.
 */
void kvault_tpm_mix_random(u8 *buf, size_t len)
{
	u8 tpm_bytes[KVAULT_SECRET_MAX_LEN];
	struct tpm_chip *chip;
	size_t done = 0, i;
	int rc;

	get_random_bytes(buf, len);
	chip = tpm_default_chip();
	if (!chip)
		return;
	len = min(len, sizeof(tpm_bytes));
	while (done < len) {
		atomic64_inc(&kvault_tpm_commands);
		rc = tpm_get_random(chip, tpm_bytes + done, len - done);
		if (rc <= 0)
			break;
		done += rc;
	}
	put_device(&chip->dev);
	for (i = 0; i < done; i++)
		buf[i] ^= tpm_bytes[i];
	memzero_explicit(tpm_bytes, sizeof(tpm_bytes));
}
