// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed generic netlink requests, sent raw: each is refused with
 * EINVAL (or the documented errno) and an extack message.
 */

#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "test_util.h"

FIXTURE(nl) {
	struct genl_raw g;
	char attrs[512];
	char reply[8192];
	size_t reply_len;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, genl_raw_open(&self->g));
	self->reply_len = sizeof(self->reply);
}

FIXTURE_TEARDOWN(nl)
{
	genl_raw_close(&self->g);
}

static int pcr_req(FIXTURE_DATA(nl) *self, size_t len)
{
	self->reply_len = sizeof(self->reply);
	return genl_raw_call(&self->g, KVAULT_CMD_PCR_READ, self->attrs, len,
			     self->reply, &self->reply_len);
}

static size_t bank_mask(char *attrs, uint16_t bank, uint32_t mask)
{
	size_t n = attr_put(attrs, 0, KVAULT_A_PCR_BANK, &bank, sizeof(bank));

	return attr_put(attrs, n, KVAULT_A_PCR_MASK, &mask, sizeof(mask));
}

TEST_F(nl, valid_requests_work)
{
	const uint32_t *abi;
	uint16_t len;

	ASSERT_EQ(0, genl_raw_call(&self->g, KVAULT_CMD_STATUS, NULL, 0,
				   self->reply, &self->reply_len));
	abi = attr_find(self->reply, self->reply_len, KVAULT_A_ABI_VERSION, &len);
	ASSERT_NE(NULL, abi);
	EXPECT_EQ(4, len);
	EXPECT_EQ(KVAULT_ABI_VERSION, *abi);
	EXPECT_EQ(0, pcr_req(self, bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 0xff)));
	EXPECT_NE(NULL, attr_find(self->reply, self->reply_len, KVAULT_A_PCR_VALUES, NULL));
}

TEST_F(nl, unknown_flags)
{
	uint32_t flags = 4;
	size_t n = attr_put(self->attrs, 0, KVAULT_A_FLAGS, &flags, 4);

	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_STATUS, self->attrs, n,
					 self->reply, &self->reply_len));
	EXPECT_STREQ("unknown flags", self->g.errmsg);
}

TEST_F(nl, unknown_attribute_type)
{
	uint32_t v = 0;
	size_t n = attr_put(self->attrs, 0, KVAULT_A_MAX + 7, &v, 4);

	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_STATUS, self->attrs, n,
					 self->reply, &self->reply_len));
	EXPECT_NE(0, strlen(self->g.errmsg));
	n = bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 1);
	n = attr_put(self->attrs, n, 0x3fff, &v, 4);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_NE(0, strlen(self->g.errmsg));
}

TEST_F(nl, reply_only_attribute_in_request)
{
	uint32_t v = 1;
	size_t n = attr_put(self->attrs, 0, KVAULT_A_ABI_VERSION, &v, 4);

	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_STATUS, self->attrs, n,
					 self->reply, &self->reply_len));
	EXPECT_STREQ("attribute is only sent by the kernel", self->g.errmsg);
	/* and one that belongs to another command */
	n = attr_put(self->attrs, 0, KVAULT_A_PCR_BANK, &v, 2);
	EXPECT_EQ(-EINVAL, genl_raw_call(&self->g, KVAULT_CMD_STATUS, self->attrs, n,
					 self->reply, &self->reply_len));
	EXPECT_NE(0, strlen(self->g.errmsg));
}

TEST_F(nl, wrong_attribute_lengths)
{
	uint8_t one = 0x0b;
	uint32_t wide = KVAULT_TPM_ALG_SHA256, mask = 1;
	size_t n;

	n = attr_put(self->attrs, 0, KVAULT_A_PCR_BANK, &one, 1);
	n = attr_put(self->attrs, n, KVAULT_A_PCR_MASK, &mask, 4);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_NE(0, strlen(self->g.errmsg));

	n = attr_put(self->attrs, 0, KVAULT_A_PCR_BANK, &wide, 4);
	n = attr_put(self->attrs, n, KVAULT_A_PCR_MASK, &mask, 4);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_NE(0, strlen(self->g.errmsg));

	n = attr_put(self->attrs, 0, KVAULT_A_PCR_BANK, &wide, 2);
	n = attr_put(self->attrs, n, KVAULT_A_PCR_MASK, &mask, 2);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_NE(0, strlen(self->g.errmsg));
}

TEST_F(nl, truncated_attributes)
{
	struct nlattr *nla;
	size_t n = bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 1);

	/* the last attribute claims more bytes than the message holds */
	nla = (struct nlattr *)(self->attrs + n - nla_align_size(NLA_HDRLEN_SIZE + 4));
	nla->nla_len = 200;
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_NE(0, strlen(self->g.errmsg));

	/* trailing bytes too short to be an attribute */
	n = bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 1);
	memset(self->attrs + n, 0xa5, 3);
	EXPECT_EQ(-EINVAL, pcr_req(self, n + 3));
	EXPECT_NE(0, strlen(self->g.errmsg));

	/* an attribute header with a length below its own size */
	n = bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 1);
	nla = (struct nlattr *)(self->attrs + n);
	nla->nla_len = 2;
	nla->nla_type = KVAULT_A_FLAGS;
	EXPECT_EQ(-EINVAL, pcr_req(self, n + 4));
}

TEST_F(nl, missing_required_attributes)
{
	uint16_t bank = KVAULT_TPM_ALG_SHA256;
	uint32_t mask = 1;
	size_t n;

	EXPECT_EQ(-EINVAL, pcr_req(self, 0));
	EXPECT_STREQ("missing KVAULT_A_PCR_BANK", self->g.errmsg);
	n = attr_put(self->attrs, 0, KVAULT_A_PCR_BANK, &bank, 2);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_STREQ("missing KVAULT_A_PCR_MASK", self->g.errmsg);
	n = attr_put(self->attrs, 0, KVAULT_A_PCR_MASK, &mask, 4);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_STREQ("missing KVAULT_A_PCR_BANK", self->g.errmsg);
}

TEST_F(nl, bad_selection_and_bank)
{
	EXPECT_EQ(-EINVAL, pcr_req(self, bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 0)));
	EXPECT_STREQ("empty PCR selection", self->g.errmsg);
	EXPECT_EQ(-EINVAL, pcr_req(self, bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 1u << 24)));
	EXPECT_STREQ("PCR index out of range (0-23)", self->g.errmsg);
	EXPECT_EQ(-EINVAL, pcr_req(self, bank_mask(self->attrs, 0x9999, 1)));
	EXPECT_STREQ("unknown PCR bank: the TPM has not allocated it", self->g.errmsg);
}

TEST_F(nl, unknown_command)
{
	EXPECT_EQ(-EOPNOTSUPP, genl_raw_call(&self->g, 99, NULL, 0,
					     self->reply, &self->reply_len));
	EXPECT_EQ(-EOPNOTSUPP, genl_raw_call(&self->g, KVAULT_CMD_UNSPEC, NULL, 0,
					     self->reply, &self->reply_len));
}

TEST_F(nl, nested_garbage)
{
	char inner[64];
	size_t in = attr_put(inner, 0, 0x1234, "garbage", 7), n;

	/* a reply-only nest offered in a request, with junk inside */
	n = bank_mask(self->attrs, KVAULT_TPM_ALG_SHA256, 1);
	n = attr_put(self->attrs, n, KVAULT_A_PCR_VALUES | NLA_F_NESTED, inner, in);
	EXPECT_EQ(-EINVAL, pcr_req(self, n));
	EXPECT_NE(0, strlen(self->g.errmsg));
}

TEST_HARNESS_MAIN
