// SPDX-License-Identifier: GPL-2.0
/*
 * seal_bench: what sealing costs (issue 5), against the guest's swtpm.
 *
 * A benchmark, not a test: it prints figures and ratios measured side by
 * side in one run and never fails on speed. It exits non-zero only when it
 * cannot run (no module, a call that fails). Runs as root in the guest
 * with kvault.ko loaded (scripts/bench.sh, `make bench`).
 *
 *  1. TPM commands per seal and per unseal (KVAULT_IOC_KEY_SEAL,
 *     KVAULT_IOC_KEY_LOAD, KVAULT_IOC_KEY_CHECK), from the module parameter
 *     tpm_commands: the first seal (which creates the SRK) and the steady
 *     state apart.
 *  2. Unseal latency: kvault's KVAULT_IOC_KEY_LOAD of a blob sealed to
 *     sha256:0,7 against the tpm2-tools sequence doing the same job on the
 *     same TPM object (tpm2_createprimary with the SRK template, or a
 *     persistent SRK; tpm2_load; tpm2_startauthsession --policy-session;
 *     tpm2_policypcr; tpm2_unseal; tpm2_flushcontext), rounds interleaved.
 *     The ratio kvault / tpm2-tools is the figure (goal <= 0.3). As the
 *     tools start one process per command, the same TPM commands sent
 *     from this process over /dev/tpmrm0 are timed too: the ratio to them
 *     is what the cached SRK and the in-kernel path save, process start-up
 *     aside.
 *  3. kvaultctl load-all of --keys (default 100) sealed keys from a store,
 *     wall time, per key, and TPM commands.
 *
 * usage: seal_bench [--rounds N (10)] [--keys N (100)] [--json FILE]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "test_util.h"
#include "key_util.h"
#include "seal_util.h"

#define TPM_COMMANDS	"/sys/module/kvault/parameters/tpm_commands"
#define WORK		"/tmp/seal-bench"
#define STORE		WORK "/store"
#define SRK_TEMPLATE	"-C o -g sha256 -G ecc256:aes128cfb -a " \
	"'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt'"
#define SRK_PERSISTENT	"0x81000002"	/* not 0x81000001: kvault would use that */

static int rounds = 10, nkeys = 100;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "seal_bench: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(1);
}

static long tpm_commands(void)
{
	return read_long_file(TPM_COMMANDS);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int seal(int fd, key_serial_t id, struct blob *b)
{
	struct kvault_key_seal s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.id = id;
	s.pcr_bank = KVAULT_TPM_ALG_SHA256;
	s.pcr_mask = 1U << 0 | 1U << 7;
	s.blob = (uintptr_t)b->b;
	s.blob_len = sizeof(b->b);
	rc = ioctl_errno(fd, KVAULT_IOC_KEY_SEAL, &s);
	b->len = rc ? 0 : s.blob_len;
	return rc;
}

static int load(int fd, const struct blob *b, const char *name, key_serial_t *id)
{
	struct kvault_key_seal s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.blob = (uintptr_t)b->b;
	s.blob_len = b->len;
	snprintf(s.name, sizeof(s.name), "%s", name);
	rc = ioctl_errno(fd, KVAULT_IOC_KEY_LOAD, &s);
	*id = s.id;
	return rc;
}

static int check(int fd, const struct blob *b)
{
	struct kvault_key_seal s;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.blob = (uintptr_t)b->b;
	s.blob_len = b->len;
	return ioctl_errno(fd, KVAULT_IOC_KEY_CHECK, &s);
}

/* Destroy @id and wait until the vault forgot it (its name is free again). */
static void destroy(int fd, key_serial_t id)
{
	int i;

	kv_op(fd, KVAULT_IOC_KEY_DESTROY, id, NULL, 0, NULL);
	for (i = 0; i < 400; i++) {
		if (kv_op(fd, KVAULT_IOC_KEY_INFO, id, NULL, 0, NULL) == -ENOENT)
			return;
		usleep(5000);
	}
}

/* The tpm2-tools unseal sequence (script @script) once; seconds or -1. */
static double tools_unseal(const char *script)
{
	char out[4096];
	double t0 = now();

	if (run_capture(out, sizeof(out), "sh %s 2>&1", script)) {
		fprintf(stderr, "seal_bench: tpm2-tools: %s\n", out);
		return -1;
	}
	return now() - t0;
}

static void tools_scripts(const struct parsed *p, const struct blob *b)
{
	static const char seq[] =
		"tpm2_load -Q -C %s -u pub -r priv -c obj.ctx\n"
		"tpm2_startauthsession -Q --policy-session -S s.ctx\n"
		"tpm2_policypcr -Q -S s.ctx -l sha256:0,7\n"
		"tpm2_unseal -c obj.ctx -p session:s.ctx -o secret\n"
		"tpm2_flushcontext s.ctx\n";
	FILE *f;

	if (write_file(WORK "/pub", b->b + p->pub_off, p->pub_len) ||
	    write_file(WORK "/priv", b->b + p->priv_off, p->priv_len))
		die("write pub/priv", errno);
	f = fopen(WORK "/primary.sh", "w");
	if (!f)
		die(WORK "/primary.sh", errno);
	fprintf(f, "set -e; export TPM2TOOLS_TCTI=device:/dev/tpmrm0; cd " WORK "\n"
		"tpm2_createprimary -Q " SRK_TEMPLATE " -c srk.ctx\n");
	fprintf(f, seq, "srk.ctx");
	fclose(f);
	f = fopen(WORK "/persistent.sh", "w");
	if (!f)
		die(WORK "/persistent.sh", errno);
	fprintf(f, "set -e; export TPM2TOOLS_TCTI=device:/dev/tpmrm0; cd " WORK "\n");
	fprintf(f, seq, SRK_PERSISTENT);
	fclose(f);
}

/* ---- the same commands from one process, through /dev/tpmrm0 ---------- */

struct cmd {
	uint8_t b[2048];
	size_t n;
};

static void put(struct cmd *c, const void *p, size_t n)
{
	if (c->n + n <= sizeof(c->b))
		memcpy(c->b + c->n, p, n);
	c->n += n;
}

static void put16(struct cmd *c, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(c, b, 2);
}

static void put32(struct cmd *c, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	put(c, b, 4);
}

/* Start a command; with @auth, one session @auth (password or policy). */
static void start(struct cmd *c, uint32_t cc, const uint32_t *handles, int nh, uint32_t auth)
{
	int i;

	c->n = 0;
	put16(c, auth ? 0x8002 : 0x8001);
	put32(c, 0);			/* size, set by xfer() */
	put32(c, cc);
	for (i = 0; i < nh; i++)
		put32(c, handles[i]);
	if (auth) {
		put32(c, 9);
		put32(c, auth);
		put16(c, 0);		/* nonce */
		c->b[c->n++] = 0;	/* attributes: continueSession clear */
		put16(c, 0);		/* hmac / password: empty */
	}
}

/* Send, receive; the response code, or -errno. */
static long xfer(int fd, struct cmd *c, uint8_t *rsp, size_t len, size_t *rlen)
{
	ssize_t n;

	c->b[2] = (uint8_t)(c->n >> 24);
	c->b[3] = (uint8_t)(c->n >> 16);
	c->b[4] = (uint8_t)(c->n >> 8);
	c->b[5] = (uint8_t)c->n;
	if (write(fd, c->b, c->n) != (ssize_t)c->n)
		return -errno;
	n = read(fd, rsp, len);
	if (n < 10)
		return n < 0 ? -errno : -EPROTO;
	*rlen = (size_t)n;
	return (long)be32(rsp + 6);
}

/* The handle after a response's header; 0 (no such handle) if too short. */
static uint32_t rsp_handle(const uint8_t *rsp, size_t rlen)
{
	return rlen >= 14 ? be32(rsp + 10) : 0;
}

/*
 * What the tpm2-tools sequence sends, without its processes: CreatePrimary
 * (the SRK template), Load, StartAuthSession (policy, unsalted), PolicyPCR,
 * Unseal; closing the resource manager's file flushes the rest.
 */
static double raw_unseal(const struct parsed *p, const struct blob *b)
{
	static const uint8_t srk[] = {
		0x00, 0x23, 0x00, 0x0b, 0x00, 0x03, 0x04, 0x72,	/* ECC, SHA-256, attrs */
		0x00, 0x00,					/* authPolicy */
		0x00, 0x06, 0x00, 0x80, 0x00, 0x43,		/* AES-128-CFB */
		0x00, 0x10, 0x00, 0x03, 0x00, 0x10,		/* no scheme, P-256, no kdf */
		0x00, 0x00, 0x00, 0x00,				/* unique */
	};
	uint8_t rsp[4096], nonce[16] = { 1 };
	uint32_t h[2], primary, obj, sess;
	struct cmd c;
	size_t rlen = 0;
	double t0 = now();
	long rc;
	int fd;

	fd = open("/dev/tpmrm0", O_RDWR);
	if (fd < 0)
		return -1;
	h[0] = 0x40000001;		/* TPM_RH_OWNER */
	start(&c, 0x131, h, 1, 0x40000009);
	put16(&c, 4); put16(&c, 0); put16(&c, 0);	/* inSensitive */
	put16(&c, sizeof(srk)); put(&c, srk, sizeof(srk));
	put16(&c, 0); put32(&c, 0);			/* outsideInfo, creationPCR */
	if ((rc = xfer(fd, &c, rsp, sizeof(rsp), &rlen)))
		goto fail;
	primary = rsp_handle(rsp, rlen);
	h[0] = primary;
	start(&c, 0x157, h, 1, 0x40000009);
	put(&c, b->b + p->priv_off, p->priv_len);
	put(&c, b->b + p->pub_off, p->pub_len);
	if ((rc = xfer(fd, &c, rsp, sizeof(rsp), &rlen)))
		goto fail;
	obj = rsp_handle(rsp, rlen);
	h[0] = h[1] = 0x40000007;	/* TPM_RH_NULL: no salt, no bind */
	start(&c, 0x176, h, 2, 0);
	put16(&c, sizeof(nonce)); put(&c, nonce, sizeof(nonce));
	put16(&c, 0);
	c.b[c.n++] = 0x01;		/* TPM_SE_POLICY */
	put16(&c, 0x0010);		/* symmetric: none */
	put16(&c, 0x000b);
	if ((rc = xfer(fd, &c, rsp, sizeof(rsp), &rlen)))
		goto fail;
	sess = rsp_handle(rsp, rlen);
	h[0] = sess;
	start(&c, 0x17f, h, 1, 0);
	put16(&c, 0);			/* pcrDigest: the TPM's own */
	put32(&c, 1); put16(&c, 0x000b);
	c.b[c.n++] = 3;
	c.b[c.n++] = 0x81;		/* PCRs 0 and 7 */
	c.b[c.n++] = 0;
	c.b[c.n++] = 0;
	if ((rc = xfer(fd, &c, rsp, sizeof(rsp), &rlen)))
		goto fail;
	h[0] = obj;
	start(&c, 0x15e, h, 1, sess);
	if ((rc = xfer(fd, &c, rsp, sizeof(rsp), &rlen)))
		goto fail;
	close(fd);
	return now() - t0;
fail:
	fprintf(stderr, "seal_bench: raw sequence: TPM rc %#lx\n", rc);
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "keys", required_argument, NULL, 'k' },
		{ "json", required_argument, NULL, 'j' },
		{ }
	};
	double *t_kv, *t_tools, *t_pers, *t_raw, *t_seal, t0, t_all;
	long c0, c_first_seal, c_seal, c_load, c_check, c_all;
	const char *json = NULL;
	char name[64], out[8192];
	struct parsed p;
	struct blob b, *blobs;
	key_serial_t id, lid;
	int fd, i, rc, opt, have_pers;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'k': nkeys = atoi(optarg); break;
		case 'j': json = optarg; break;
		default:
			fprintf(stderr, "usage: seal_bench [--rounds N] [--keys N] [--json FILE]\n");
			return 2;
		}
	}
	if (rounds < 1 || nkeys < 1)
		return 2;
	t_kv = calloc((size_t)rounds, sizeof(double));
	t_tools = calloc((size_t)rounds, sizeof(double));
	t_pers = calloc((size_t)rounds, sizeof(double));
	t_raw = calloc((size_t)rounds, sizeof(double));
	t_seal = calloc((size_t)nkeys, sizeof(double));
	blobs = calloc((size_t)nkeys, sizeof(*blobs));
	if (!t_kv || !t_tools || !t_pers || !t_raw || !t_seal || !blobs)
		die("calloc", ENOMEM);
	mkdir(WORK, 0700);
	mkdir(STORE, 0700);
	fd = kvault_dev_open();
	if (fd < 0)
		die(KVAULT_DEV, fd);
	if (tpm_commands() < 0)
		die(TPM_COMMANDS " (the module has no tpm_commands parameter)", ENOENT);

	/* 1. TPM commands per operation */
	rc = kv_create(fd, "sb-key", KVAULT_ALG_AES_256, 0, 0, 0, &id);
	if (rc)
		die("create", rc);
	c0 = tpm_commands();
	if ((rc = seal(fd, id, &b)))
		die("seal", rc);
	c_first_seal = tpm_commands() - c0;
	c0 = tpm_commands();
	if ((rc = seal(fd, id, &b)))
		die("seal", rc);
	c_seal = tpm_commands() - c0;
	c0 = tpm_commands();
	if ((rc = load(fd, &b, "sb-loaded", &lid)))
		die("load", rc);
	c_load = tpm_commands() - c0;
	destroy(fd, lid);
	c0 = tpm_commands();
	if ((rc = check(fd, &b)))
		die("check", rc);
	c_check = tpm_commands() - c0;
	printf("1. TPM commands per operation (module parameter tpm_commands)\n");
	printf("   first seal (creates the SRK): %ld\n", c_first_seal);
	printf("   seal:                         %ld\n", c_seal);
	printf("   unseal (KEY_LOAD):            %ld\n", c_load);
	printf("   check (KEY_CHECK):            %ld\n", c_check);

	/* 2. unseal latency, kvault against tpm2-tools, interleaved */
	if (parse_blob(b.b, b.len, &p)) {
		fprintf(stderr, "seal_bench: blob: %s\n", p.err);
		exit(1);
	}
	tools_scripts(&p, &b);
	have_pers = !run_capture(out, sizeof(out),
		"cd " WORK " && export TPM2TOOLS_TCTI=device:/dev/tpmrm0 && "
		"tpm2_createprimary -Q " SRK_TEMPLATE " -c p.ctx && "
		"tpm2_evictcontrol -Q -C o -c p.ctx " SRK_PERSISTENT " 2>&1");
	if (!have_pers)
		fprintf(stderr, "seal_bench: no persistent SRK: %s\n", out);
	/* warm-up: one of each */
	if (tools_unseal(WORK "/primary.sh") < 0)
		exit(1);
	if ((rc = load(fd, &b, "sb-loaded", &lid)))
		die("load", rc);
	destroy(fd, lid);
	for (i = 0; i < rounds; i++) {
		t0 = now();
		rc = load(fd, &b, "sb-loaded", &lid);
		t_kv[i] = now() - t0;
		if (rc)
			die("load", rc);
		destroy(fd, lid);
		t_tools[i] = tools_unseal(WORK "/primary.sh");
		if (t_tools[i] < 0)
			exit(1);
		t_pers[i] = have_pers ? tools_unseal(WORK "/persistent.sh") : 0;
		if (t_pers[i] < 0)
			exit(1);
		t_raw[i] = raw_unseal(&p, &b);
		if (t_raw[i] < 0)
			exit(1);
	}
	if (have_pers)
		run_capture(out, sizeof(out), "TPM2TOOLS_TCTI=device:/dev/tpmrm0 "
			    "tpm2_evictcontrol -Q -C o -c " SRK_PERSISTENT " 2>&1");
	{
		double kv = median(t_kv, rounds), tl = median(t_tools, rounds);
		double pe = have_pers ? median(t_pers, rounds) : 0;
		double raw = median(t_raw, rounds);

		printf("2. Unseal latency, median of %d interleaved rounds (same TPM object)\n", rounds);
		printf("   kvault KEY_LOAD:                                  %8.1f ms\n", kv * 1e3);
		printf("   tpm2-tools, createprimary + load + policy + unseal: %6.1f ms   ratio kvault/tools %.3f\n",
		       tl * 1e3, kv / tl);
		if (have_pers)
			printf("   tpm2-tools, persistent SRK + load + policy + unseal: %5.1f ms   ratio kvault/tools %.3f\n",
			       pe * 1e3, kv / pe);
		else
			printf("   tpm2-tools with a persistent SRK: not measured (evictcontrol failed)\n");
		printf("   (tpm2-tools: one process per command, no parameter encryption;\n"
		       "    kvault: in-kernel, cached SRK, salted session with AES-CFB parameter encryption)\n");
		printf("   the same commands from one process over /dev/tpmrm0 (CreatePrimary, Load,\n"
		       "   StartAuthSession, PolicyPCR, Unseal): %.1f ms   ratio kvault/raw %.3f\n",
		       raw * 1e3, kv / raw);
		if (json) {
			f = fopen(json, "w");
			if (f) {
				fprintf(f, "{\"tpm_commands\":{\"first_seal\":%ld,\"seal\":%ld,"
					"\"unseal\":%ld,\"check\":%ld},\"unseal_ms\":{\"kvault\":%.3f,"
					"\"tools_createprimary\":%.3f,\"tools_persistent\":%.3f,"
					"\"raw_sequence\":%.3f},\"ratio\":%.4f,", c_first_seal, c_seal,
					c_load, c_check, kv * 1e3, tl * 1e3, pe * 1e3, raw * 1e3, kv / tl);
				fclose(f);
			}
		}
	}

	/* 3. load-all of nkeys sealed keys */
	for (i = 0; i < nkeys; i++) {
		key_serial_t k;

		snprintf(name, sizeof(name), "sb-store-%03d", i);
		if ((rc = kv_create(fd, name, KVAULT_ALG_AES_256, 0, 0, 0, &k)))
			die("create", rc);
		t0 = now();
		rc = seal(fd, k, &blobs[i]);
		t_seal[i] = now() - t0;
		if (rc)
			die("seal", rc);
		snprintf(out, sizeof(out), STORE "/%s.blob", name);
		if (write_file(out, blobs[i].b, blobs[i].len))
			die(out, errno);
		chmod(out, 0600);
		destroy(fd, k);
	}
	c0 = tpm_commands();
	t0 = now();
	rc = run_capture(out, sizeof(out), "kvaultctl load-all --store " STORE " 2>&1 | tail -n 1");
	t_all = now() - t0;
	c_all = tpm_commands() - c0;
	printf("3. kvaultctl load-all of %d sealed keys (sha256:0,7, no PIN)\n", nkeys);
	printf("   %s", out);
	printf("   wall time %.2f s, %.1f ms per key, %.1f TPM commands per key (exit %d)\n",
	       t_all, t_all * 1e3 / nkeys, (double)c_all / nkeys, rc);
	printf("   (sealing them: median %.1f ms per key)\n", median(t_seal, nkeys) * 1e3);
	if (json) {
		f = fopen(json, "a");
		if (f) {
			fprintf(f, "\"load_all\":{\"keys\":%d,\"seconds\":%.3f,\"tpm_commands\":%ld,"
				"\"exit\":%d},\"seal_ms_median\":%.3f}\n", nkeys, t_all, c_all, rc,
				median(t_seal, nkeys) * 1e3);
			fclose(f);
		}
	}
	run_capture(out, sizeof(out), "rm -rf " WORK);
	close(fd);
	free(t_kv);
	free(t_tools);
	free(t_pers);
	free(t_raw);
	free(t_seal);
	free(blobs);
	return rc ? 1 : 0;
}
