// SPDX-License-Identifier: GPL-2.0
/*
 * pkey_tool: keyctl pkey_encrypt/pkey_decrypt for the guest scripts,
 * passing each direction's own size from KEYCTL_PKEY_QUERY as out_len.
 * keyctl(1) swaps them (max_dec_size for an encrypt, max_enc_size for a
 * decrypt); kvault reports the two equal so that keyctl(1) works as well
 * (key_use_test's keyctl_tool_round_trip), and this keeps the scripts
 * independent of that.
 *
 * usage: pkey_tool encrypt|decrypt KEY_ID INFILE   (output on stdout)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "key_util.h"

int main(int argc, char **argv)
{
	static unsigned char in[KVAULT_PKEY_MAX_DATA + KVAULT_CIPHERTEXT_OVERHEAD + 1];
	static unsigned char out[KVAULT_PKEY_MAX_DATA + KVAULT_CIPHERTEXT_OVERHEAD];
	struct keyctl_pkey_params p;
	struct keyctl_pkey_query q;
	int enc, op;
	long id, n;
	size_t len;
	FILE *f;

	if (argc != 4 || (strcmp(argv[1], "encrypt") && strcmp(argv[1], "decrypt"))) {
		fprintf(stderr, "usage: pkey_tool encrypt|decrypt KEY_ID INFILE\n");
		return 2;
	}
	enc = !strcmp(argv[1], "encrypt");
	id = strtol(argv[2], NULL, 0);
	f = fopen(argv[3], "rb");
	if (!f) {
		perror(argv[3]);
		return 1;
	}
	len = fread(in, 1, sizeof(in), f);
	fclose(f);
	memset(&q, 0, sizeof(q));
	n = kt_keyctl(KEYCTL_PKEY_QUERY, (unsigned long)id, 0, (unsigned long)"", (unsigned long)&q);
	if (n < 0) {
		fprintf(stderr, "pkey_tool: query: %s\n", strerror((int)-n));
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.key_id = (int32_t)id;
	p.in_len = (uint32_t)len;
	p.out_len = enc ? q.max_enc_size : q.max_dec_size;
	if (p.out_len > sizeof(out))
		return 1;
	op = enc ? KEYCTL_PKEY_ENCRYPT : KEYCTL_PKEY_DECRYPT;
	n = kt_keyctl(op, (unsigned long)&p, (unsigned long)"", (unsigned long)in,
		      (unsigned long)out);
	if (n < 0) {
		fprintf(stderr, "pkey_tool: %s: %s\n", argv[1], strerror((int)-n));
		return 1;
	}
	return fwrite(out, 1, (size_t)n, stdout) == (size_t)n ? 0 : 1;
}
