/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kvault's TPM files (tpm.c, tpm_session.c, tpm_seal.c) share: the
 * TPM 2.0 constants the kernels' <linux/tpm.h> lack (prefixed, since 6.12
 * defines some of the same names), a bounds-checked response cursor, a
 * command writer, and the sealing layer's command and session helpers.
 */
#ifndef _KVAULT_TPM_CMD_H
#define _KVAULT_TPM_CMD_H

#include <crypto/sha2.h>
#include <linux/atomic.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/types.h>

#include "compat.h"
#include "kvault.h"

struct netlink_ext_ack;

/* Structure tags (TPM 2.0 Part 2, 6.9). */
#define KVAULT_ST_NO_SESSIONS		0x8001
#define KVAULT_ST_SESSIONS		0x8002

/* Command codes (Part 2, 6.5.2). */
#define KVAULT_CC_CREATE_PRIMARY	0x00000131
#define KVAULT_CC_CREATE		0x00000153
#define KVAULT_CC_LOAD			0x00000157
#define KVAULT_CC_UNSEAL		0x0000015E
#define KVAULT_CC_FLUSH_CONTEXT		0x00000165
#define KVAULT_CC_POLICY_AUTH_VALUE	0x0000016B
#define KVAULT_CC_READ_PUBLIC		0x00000173
#define KVAULT_CC_START_AUTH_SESSION	0x00000176
#define KVAULT_CC_GET_CAPABILITY	0x0000017A
#define KVAULT_CC_POLICY_PCR		0x0000017F

/* Algorithms (TCG Algorithm Registry). */
#define KVAULT_ALG_AES			0x0006
#define KVAULT_ALG_KEYEDHASH		0x0008
#define KVAULT_ALG_NULL			0x0010
#define KVAULT_ALG_ECC			0x0023
#define KVAULT_ALG_CFB			0x0043
#define KVAULT_ECC_NIST_P256		0x0003

/* Handles (Part 2, 7.4). */
#define KVAULT_RH_OWNER			0x40000001
#define KVAULT_RH_NULL			0x40000007
#define KVAULT_RS_PW			0x40000009

/* Session types and attributes (Part 2, 6.11 and 8.4). */
#define KVAULT_SE_HMAC			0x00
#define KVAULT_SE_POLICY		0x01
#define KVAULT_SA_CONTINUE		0x01
#define KVAULT_SA_DECRYPT		0x20
#define KVAULT_SA_ENCRYPT		0x40

/* Object attributes (Part 2, 8.3). */
#define KVAULT_OA_FIXED_TPM		0x00000002
#define KVAULT_OA_FIXED_PARENT		0x00000010
#define KVAULT_OA_SENSITIVE_ORIGIN	0x00000020
#define KVAULT_OA_USER_WITH_AUTH	0x00000040
#define KVAULT_OA_NO_DA			0x00000400
#define KVAULT_OA_RESTRICTED		0x00010000
#define KVAULT_OA_DECRYPT		0x00020000

/* Capabilities and properties (Part 2, 6.12 and 6.13). */
#define KVAULT_CAP_TPM_PROPERTIES	0x00000006
#define KVAULT_PT_PERMANENT		0x00000200
#define KVAULT_PT_LOCKOUT_COUNTER	0x0000020E
#define KVAULT_PT_MAX_AUTH_FAIL		0x0000020F
#define KVAULT_PT_LOCKOUT_INTERVAL	0x00000210
#define KVAULT_PERMANENT_IN_LOCKOUT	0x00000200	/* TPMA_PERMANENT bit 9 */

/*
 * Response codes (Part 2, 6.6). A format-one code carries the handle,
 * session or parameter it is about in bits 6 and 8-11; kvault_rc_base()
 * strips them.
 */
#define KVAULT_RC_TPM_FAIL		0x009	/* TPM_FAIL: QEMU, swtpm gone */
#define KVAULT_RC_FMT1			0x080
#define KVAULT_RC_P			0x040	/* format one: a parameter */
#define KVAULT_RC_S			0x800	/* format one: a session */
#define KVAULT_RC_VALUE			0x084
#define KVAULT_RC_HIERARCHY		0x085
#define KVAULT_RC_HANDLE		0x08B
#define KVAULT_RC_AUTH_FAIL		0x08E
#define KVAULT_RC_POLICY_FAIL		0x09D
#define KVAULT_RC_INTEGRITY		0x09F
#define KVAULT_RC_BAD_AUTH		0x0A2
#define KVAULT_RC_FAILURE		0x101
#define KVAULT_RC_PCR_CHANGED		0x128
#define KVAULT_RC_SENSITIVE		0x155
#define KVAULT_RC_OBJECT_MEMORY		0x902
#define KVAULT_RC_SESSION_MEMORY	0x903
#define KVAULT_RC_YIELDED		0x908
#define KVAULT_RC_TESTING		0x90A
#define KVAULT_RC_REFERENCE_H0		0x910	/* handle 1 not loaded */
#define KVAULT_RC_LOCKOUT		0x921
#define KVAULT_RC_RETRY			0x922

static inline u32 kvault_rc_base(u32 rc)
{
	return (rc & KVAULT_RC_FMT1) ? (rc & 0xBF) : rc;
}

/*
 * The first handle names nothing: TPM_RC_HANDLE (no such persistent key),
 * or TPM_RC_REFERENCE_H0 (a transient object that is no longer loaded).
 */
static inline bool kvault_rc_gone(u32 rc)
{
	return rc == KVAULT_RC_REFERENCE_H0 ||
	       (kvault_rc_base(rc) == KVAULT_RC_HANDLE &&
		(rc & 0xF40) == 0x100);
}

/* A format-one code about a parameter, or about a session. */
static inline bool kvault_rc_param(u32 rc)
{
	return (rc & KVAULT_RC_FMT1) && (rc & KVAULT_RC_P);
}

static inline bool kvault_rc_session(u32 rc)
{
	return (rc & KVAULT_RC_FMT1) && !(rc & KVAULT_RC_P) &&
	       (rc & KVAULT_RC_S);
}

/*
 * Bounds-checked cursor over a TPM response body. A read past the end sets
 * @bad and returns zeroes, so parsers check once at the end, not per field.
 */
struct kvault_rsp {
	const u8 *pos;
	size_t left;
	bool bad;
};

static inline void kvault_rsp_init(struct kvault_rsp *rsp,
				   const struct tpm_buf *buf)
{
	/* The TPM core checked that this equals the bytes received. */
	u32 len = get_unaligned_be32(buf->data + 2);

	rsp->pos = buf->data + TPM_HEADER_SIZE;
	rsp->left = len >= TPM_HEADER_SIZE && len <= PAGE_SIZE ?
		    len - TPM_HEADER_SIZE : 0;
	rsp->bad = rsp->left == 0;
}

static inline const u8 *kvault_rsp_bytes(struct kvault_rsp *rsp, size_t n)
{
	const u8 *p = rsp->pos;

	if (rsp->bad || n > rsp->left) {
		rsp->bad = true;
		return NULL;
	}
	rsp->pos += n;
	rsp->left -= n;
	return p;
}

static inline u8 kvault_rsp_u8(struct kvault_rsp *rsp)
{
	const u8 *p = kvault_rsp_bytes(rsp, 1);

	return p ? *p : 0;
}

static inline u16 kvault_rsp_u16(struct kvault_rsp *rsp)
{
	const u8 *p = kvault_rsp_bytes(rsp, 2);

	return p ? get_unaligned_be16(p) : 0;
}

static inline u32 kvault_rsp_u32(struct kvault_rsp *rsp)
{
	const u8 *p = kvault_rsp_bytes(rsp, 4);

	return p ? get_unaligned_be32(p) : 0;
}

/* A TPM2B: its size, then that many bytes (NULL if they are not there). */
static inline const u8 *kvault_rsp_tpm2b(struct kvault_rsp *rsp, u16 *len)
{
	*len = kvault_rsp_u16(rsp);
	return kvault_rsp_bytes(rsp, *len);
}

/*
 * Marshalling into a caller's buffer: a write past @cap sets @bad and
 * writes nothing, so builders check once at the end.
 */
struct kvault_w {
	u8 *p;
	u32 len;
	u32 cap;
	bool bad;
};

static inline void kvault_w_init(struct kvault_w *w, u8 *p, u32 cap)
{
	w->p = p;
	w->len = 0;
	w->cap = cap;
	w->bad = false;
}

static inline u8 *kvault_w_reserve(struct kvault_w *w, u32 n)
{
	u8 *p = w->p + w->len;

	if (w->bad || n > w->cap - w->len) {
		w->bad = true;
		return NULL;
	}
	w->len += n;
	return p;
}

static inline void kvault_w_bytes(struct kvault_w *w, const void *d, u32 n)
{
	u8 *p = kvault_w_reserve(w, n);

	if (p && n)
		memcpy(p, d, n);
}

static inline void kvault_w_u8(struct kvault_w *w, u8 v)
{
	kvault_w_bytes(w, &v, 1);
}

static inline void kvault_w_u16(struct kvault_w *w, u16 v)
{
	u8 *p = kvault_w_reserve(w, 2);

	if (p)
		put_unaligned_be16(v, p);
}

static inline void kvault_w_u32(struct kvault_w *w, u32 v)
{
	u8 *p = kvault_w_reserve(w, 4);

	if (p)
		put_unaligned_be32(v, p);
}

static inline void kvault_w_tpm2b(struct kvault_w *w, const void *d, u16 n)
{
	kvault_w_u16(w, n);
	kvault_w_bytes(w, d, n);
}

/* tpm.c: the chip, one command, PCR reads with the chip held */
extern atomic64_t kvault_tpm_commands;
struct tpm_chip *kvault_tpm_get(struct netlink_ext_ack *extack);
void kvault_tpm_put(struct tpm_chip *chip);
int kvault_tpm_send(struct tpm_chip *chip, struct tpm_buf *buf,
		    size_t min_body);
int kvault_tpm_transmit(struct tpm_chip *chip, struct tpm_buf *buf,
			size_t min_body, struct netlink_ext_ack *extack);
int kvault_tpm_pcr_read_locked(struct tpm_chip *chip, u16 bank, u32 mask,
			       struct kvault_pcr_values *out,
			       struct netlink_ext_ack *extack);

/* A TPM name: nameAlg || H(public area), or a handle for the others. */
#define KVAULT_NAME_MAX		(2 + SHA256_DIGEST_SIZE)

struct kvault_name {
	u16 len;
	u8 b[KVAULT_NAME_MAX];
};

/* An ECC P-256 point, each coordinate big-endian. */
#define KVAULT_ECC_BYTES	32

/*
 * One sequence of commands with the chip's ops lock held: @buf carries
 * each command and its response, @scratch the parameters being built.
 * After a transport failure (@dead) nothing more is sent, so that a TPM
 * that went away costs one timeout, not one per remaining command.
 */
struct kvault_seq {
	struct tpm_chip *chip;
	struct tpm_buf buf;
	u8 *scratch;
	struct netlink_ext_ack *extack;
	bool dead;
	int transport_rc;
};

#define KVAULT_SCRATCH_SIZE	1024

/*
 * An authorization session. @key is sessionKey || authValue: the HMAC key,
 * and the parameter-encryption key's secret (Part 1, 19.6 and 21.2).
 * @alive: the TPM holds the session, so it must be flushed.
 */
struct kvault_session {
	u32 handle;
	bool alive;
	u8 attrs;
	u32 key_len;
	u8 key[SHA256_DIGEST_SIZE + KVAULT_PIN_MAX];
	u8 nonce_tpm[SHA256_DIGEST_SIZE];
	u8 nonce_caller[SHA256_DIGEST_SIZE];
};

/* tpm_session.c */
int kvault_seq_send(struct kvault_seq *seq, size_t min_body);
int kvault_seq_flush(struct kvault_seq *seq, u32 handle);
int kvault_session_start(struct kvault_seq *seq, u32 tpm_key,
			 const u8 x[KVAULT_ECC_BYTES],
			 const u8 y[KVAULT_ECC_BYTES], u8 type,
			 struct kvault_session *sess);
void kvault_session_set_auth(struct kvault_session *sess, const u8 *auth,
			     u32 len);
void kvault_session_end(struct kvault_seq *seq, struct kvault_session *sess);
int kvault_auth_cmd(struct kvault_seq *seq, struct kvault_session *sess,
		    u32 cc, const u32 *handles, const struct kvault_name *names,
		    unsigned int nr_handles, u8 *params, u32 plen,
		    u32 *rsp_handle, struct kvault_rsp *rsp);
void kvault_name_of_public(const u8 *area, u16 len, struct kvault_name *name);

#endif /* _KVAULT_TPM_CMD_H */
