// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvaultctl's command line, driven by two tables: the commands (their
 * words and operands) and the options (which command each applies to).
 * Parsing goes in three steps: sort the arguments into options and words,
 * find the command, then check and convert the values.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "args.h"
#include "libkvault.h"
#include "pcrsel.h"
#include "store.h"

/* The most words any command has: "key" "set-min-version" NAME N. */
#define MAX_WORDS	4
/* Arguments longer than this are shortened in messages. */
#define SHOWN		40

enum opt_id {
	OPT_JSON,
	OPT_NETLINK,
	OPT_BANK,
	OPT_ALG,
	OPT_USAGE,
	OPT_EXPORTABLE,
	OPT_KEYRING,
	OPT_AFTER,
	OPT_NO_EXPORTABLE,
	OPT_COUNT,
	OPT_PCRS,
	OPT_PCR_VALUES,
	OPT_PCR_VALUES_FILE,
	OPT_PIN_FILE,
	OPT_PIN_STDIN,
	OPT_BLOB,
	OPT_STORE,
	OPT_KEY,
	OPT_CIPHER,
	OPT_SECTOR_SIZE,
	OPT_KEY_VERSION,
	OPT_CONFIG,
	NR_OPTS,
};

#define CMD(c)		(1ULL << (c))
#define SEALING		(CMD(KVAULTCTL_CMD_KEY_SEAL) | CMD(KVAULTCTL_CMD_KEY_RESEAL))
#define VOL_OPEN	CMD(KVAULTCTL_CMD_VOLUME_OPEN)
#define VOL_ALL		(CMD(KVAULTCTL_CMD_VOLUME_OPEN_ALL) | \
			 CMD(KVAULTCTL_CMD_VOLUME_CLOSE_ALL))

static const struct {
	const char *name;
	bool has_value;
	uint64_t only;		/* CMD() of the commands it applies to; 0: all */
} options[NR_OPTS] = {
	[OPT_JSON]		= { "--json", false, 0 },
	[OPT_NETLINK]		= { "--netlink", false, 0 },
	[OPT_BANK]		= { "--bank", true, CMD(KVAULTCTL_CMD_PCR_READ) },
	[OPT_ALG]		= { "--alg", true, CMD(KVAULTCTL_CMD_KEY_CREATE) },
	[OPT_USAGE]		= { "--usage", true, CMD(KVAULTCTL_CMD_KEY_CREATE) },
	[OPT_EXPORTABLE]	= { "--exportable", false, CMD(KVAULTCTL_CMD_KEY_CREATE) },
	[OPT_KEYRING]		= { "--keyring", true, CMD(KVAULTCTL_CMD_KEY_CREATE) |
				    CMD(KVAULTCTL_CMD_KEY_PUBLISH) },
	[OPT_AFTER]		= { "--after", true, CMD(KVAULTCTL_CMD_KEY_DESTROY) },
	[OPT_NO_EXPORTABLE]	= { "--no-exportable", false, CMD(KVAULTCTL_CMD_KEY_TIGHTEN) },
	[OPT_COUNT]		= { "--count", true, CMD(KVAULTCTL_CMD_MONITOR) },
	[OPT_PCRS]		= { "--pcrs", true, SEALING },
	[OPT_PCR_VALUES]	= { "--pcr-values", true, SEALING },
	[OPT_PCR_VALUES_FILE]	= { "--pcr-values-file", true, SEALING },
	[OPT_PIN_FILE]		= { "--pin-file", true,
				    SEALING | CMD(KVAULTCTL_CMD_KEY_LOAD) },
	[OPT_PIN_STDIN]		= { "--pin-stdin", false,
				    SEALING | CMD(KVAULTCTL_CMD_KEY_LOAD) },
	[OPT_BLOB]		= { "--blob", true, CMD(KVAULTCTL_CMD_KEY_LOAD) |
				    CMD(KVAULTCTL_CMD_KEY_CHECK) },
	[OPT_STORE]		= { "--store", true, SEALING |
				    CMD(KVAULTCTL_CMD_KEY_LOAD) |
				    CMD(KVAULTCTL_CMD_KEY_CHECK) |
				    CMD(KVAULTCTL_CMD_LOAD_ALL) |
				    CMD(KVAULTCTL_CMD_KEY_DESTROY) },
	[OPT_KEY]		= { "--key", true, VOL_OPEN },
	[OPT_CIPHER]		= { "--cipher", true, VOL_OPEN },
	[OPT_SECTOR_SIZE]	= { "--sector-size", true, VOL_OPEN },
	[OPT_KEY_VERSION]	= { "--key-version", true, VOL_OPEN },
	[OPT_CONFIG]		= { "--config", true, VOL_ALL },
};

static const struct command {
	const char *group;		/* first word */
	const char *sub;		/* second word, or NULL */
	enum kvaultctl_cmd cmd;
	bool key_operand;		/* its first operand is a KEY */
	unsigned int min_operands, max_operands;
	const char *operand[2];		/* what each operand is, for messages */
} commands[] = {
	{ "status", NULL, KVAULTCTL_CMD_STATUS, false, 0, 0, { NULL } },
	{ "pcr", "read", KVAULTCTL_CMD_PCR_READ, false, 0, 1, { "PCRS" } },
	{ "pcr", "extend", KVAULTCTL_CMD_PCR_EXTEND, false, 1, 1, { "PCR" } },
	{ "key", "create", KVAULTCTL_CMD_KEY_CREATE, true, 1, 1, { "key name" } },
	{ "key", "list", KVAULTCTL_CMD_KEY_LIST, false, 0, 0, { NULL } },
	{ "key", "show", KVAULTCTL_CMD_KEY_SHOW, true, 1, 1, { "key" } },
	{ "key", "rotate", KVAULTCTL_CMD_KEY_ROTATE, true, 1, 1, { "key" } },
	{ "key", "enable", KVAULTCTL_CMD_KEY_ENABLE, true, 1, 1, { "key" } },
	{ "key", "disable", KVAULTCTL_CMD_KEY_DISABLE, true, 1, 1, { "key" } },
	{ "key", "revoke", KVAULTCTL_CMD_KEY_REVOKE, true, 1, 1, { "key" } },
	{ "key", "destroy", KVAULTCTL_CMD_KEY_DESTROY, true, 1, 1, { "key" } },
	{ "key", "cancel-destroy", KVAULTCTL_CMD_KEY_CANCEL_DESTROY, true, 1, 1,
	  { "key" } },
	{ "key", "set-min-version", KVAULTCTL_CMD_KEY_SET_MIN_VERSION, true, 2, 2,
	  { "key", "version" } },
	{ "key", "tighten", KVAULTCTL_CMD_KEY_TIGHTEN, true, 1, 1, { "key" } },
	{ "key", "seal", KVAULTCTL_CMD_KEY_SEAL, true, 1, 1, { "key name" } },
	{ "key", "reseal", KVAULTCTL_CMD_KEY_RESEAL, true, 1, 1, { "key name" } },
	{ "key", "load", KVAULTCTL_CMD_KEY_LOAD, true, 1, 1, { "key name" } },
	{ "key", "check", KVAULTCTL_CMD_KEY_CHECK, true, 1, 1, { "key name" } },
	{ "load-all", NULL, KVAULTCTL_CMD_LOAD_ALL, false, 0, 0, { NULL } },
	{ "monitor", NULL, KVAULTCTL_CMD_MONITOR, false, 0, 0, { NULL } },
	{ "key", "publish", KVAULTCTL_CMD_KEY_PUBLISH, true, 1, 1, { "key" } },
	{ "key", "unpublish", KVAULTCTL_CMD_KEY_UNPUBLISH, true, 1, 1, { "key" } },
	{ "volume", "open", KVAULTCTL_CMD_VOLUME_OPEN, false, 2, 2,
	  { "device", "volume name" } },
	{ "volume", "close", KVAULTCTL_CMD_VOLUME_CLOSE, false, 1, 1,
	  { "volume name" } },
	{ "volume", "status", KVAULTCTL_CMD_VOLUME_STATUS, false, 1, 1,
	  { "volume name" } },
	{ "volume", "open-all", KVAULTCTL_CMD_VOLUME_OPEN_ALL, false, 0, 0,
	  { NULL } },
	{ "volume", "close-all", KVAULTCTL_CMD_VOLUME_CLOSE_ALL, false, 0, 0,
	  { NULL } },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* What the first pass found. */
struct scan {
	const char *words[MAX_WORDS + 1];	/* and the first one too many */
	unsigned int nwords;
	bool seen[NR_OPTS];
	const char *value[NR_OPTS];	/* of the options that take one */
};

static int usage_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int usage_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "..." after an argument shown as %.40s, if it was cut. */
static const char *cut(const char *s)
{
	return strnlen(s, SHOWN + 1) > SHOWN ? "..." : "";
}

/* The first command with these words (@sub NULL: any second word). */
static const struct command *command_find(const char *group, const char *sub)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].group, group) &&
		    (!sub || (commands[i].sub && !strcmp(commands[i].sub, sub))))
			return &commands[i];
	return NULL;
}

/* "pcr read", "status": a command's words, into @buf. */
static const char *command_name(const struct command *c, char *buf,
				size_t len)
{
	snprintf(buf, len, "%s%s%s", c->group, c->sub ? " " : "",
		 c->sub ? c->sub : "");
	return buf;
}

/* Match "--name" or "--name=value" to an option; NULL if none. */
static int option_lookup(const char *a, const char **inline_value)
{
	int i;

	for (i = 0; i < NR_OPTS; i++) {
		size_t n = strlen(options[i].name);

		if (strncmp(a, options[i].name, n))
			continue;
		if (!a[n]) {
			*inline_value = NULL;
			return i;
		}
		if (a[n] == '=' && options[i].has_value) {
			*inline_value = a + n + 1;
			return i;
		}
	}
	return -1;
}

/* First pass: options and words. Sets @args->cmd for --help/--version. */
static int scan_args(int argc, char *const argv[], struct scan *s,
		     struct kvaultctl_args *args, char *err, size_t errlen)
{
	bool opts_done = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int o;

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (s->nwords <= MAX_WORDS)
				s->words[s->nwords] = a;
			s->nwords++;
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			args->cmd = KVAULTCTL_CMD_HELP;
			return 0;
		}
		if (!strcmp(a, "--version")) {
			args->cmd = KVAULTCTL_CMD_VERSION;
			return 0;
		}
		o = option_lookup(a, &v);
		if (o < 0)
			return usage_error(err, errlen, "unknown option '%s'", a);
		if (options[o].has_value && !v) {
			if (i + 1 >= argc)
				return usage_error(err, errlen,
						   "option '%s' needs an argument",
						   options[o].name);
			v = argv[++i];
		}
		s->seen[o] = true;
		s->value[o] = v;
	}
	return 0;
}

/* The subcommands of @group, "'key create', 'key list', ...", into @buf. */
static void subcommand_list(const char *group, char *buf, size_t len)
{
	size_t i, off = 0;
	char name[64];

	buf[0] = '\0';
	for (i = 0; i < NR_COMMANDS && off < len; i++) {
		if (strcmp(commands[i].group, group))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s'%s'",
					off ? ", " : "",
					command_name(&commands[i], name,
						     sizeof(name)));
	}
}

/*
 * Second pass: which command the words name, with the right number of
 * operands; NULL (and @err says why) if none. Returns the command rather
 * than an error code: the clang analyzer does not look into variadic
 * usage_error() and would take a failure for a success.
 */
static const struct command *find_command(const struct scan *s, char *err,
					  size_t errlen)
{
	const struct command *c;
	char name[64], subs[512];
	unsigned int used, ops;
	const char *x;

	if (s->nwords == 0) {
		usage_error(err, errlen,
			    "missing command ('status', 'pcr read', 'pcr extend', 'key ...', 'load-all', 'volume ...' or 'monitor')");
		return NULL;
	}
	c = command_find(s->words[0], NULL);
	if (!c) {
		usage_error(err, errlen, "unknown command '%.40s%s'",
			    s->words[0], cut(s->words[0]));
		return NULL;
	}
	if (c->sub) {
		subcommand_list(c->group, subs, sizeof(subs));
		if (s->nwords < 2) {
			usage_error(err, errlen,
				    "missing subcommand after '%s' (%s)",
				    c->group, subs);
			return NULL;
		}
		c = command_find(s->words[0], s->words[1]);
		if (!c) {
			usage_error(err, errlen,
				    "unknown command '%s %.40s%s' (use %s)",
				    s->words[0], s->words[1],
				    cut(s->words[1]), subs);
			return NULL;
		}
	}
	used = c->sub ? 2 : 1;
	ops = s->nwords - used;
	command_name(c, name, sizeof(name));
	if (ops > c->max_operands) {
		/* within words[]: no command has more than MAX_WORDS */
		x = s->words[used + c->max_operands];
		usage_error(err, errlen,
			    "unexpected argument '%.40s%s' after '%s'",
			    x, cut(x), name);
		return NULL;
	}
	if (ops < c->min_operands) {
		usage_error(err, errlen, "missing %s after '%s'",
			    c->operand[ops], name);
		return NULL;
	}
	return c;
}

/* "'key seal', 'key reseal' and 'key load'": the commands in @mask. */
static void commands_of(uint64_t mask, char *buf, size_t len)
{
	size_t i, n = 0, k = 0, off = 0;
	char name[64];

	for (i = 0; i < NR_COMMANDS; i++)
		n += (mask & CMD(commands[i].cmd)) != 0;
	buf[0] = '\0';
	for (i = 0; i < NR_COMMANDS && off < len; i++) {
		if (!(mask & CMD(commands[i].cmd)))
			continue;
		k++;
		off += (size_t)snprintf(buf + off, len - off, "%s'%s'",
					k == 1 ? "" : k == n ? " and " : ", ",
					command_name(&commands[i], name,
						     sizeof(name)));
	}
}

static int check_options(const struct scan *s, const struct command *c,
			 char *err, size_t errlen)
{
	char names[256];
	int i;

	for (i = 0; i < NR_OPTS; i++) {
		if (!s->seen[i] || !options[i].only ||
		    (options[i].only & CMD(c->cmd)))
			continue;
		commands_of(options[i].only, names, sizeof(names));
		return usage_error(err, errlen,
				   "option '%s' only applies to %s",
				   options[i].name, names);
	}
	if (c->cmd == KVAULTCTL_CMD_KEY_PUBLISH && !s->seen[OPT_KEYRING])
		return usage_error(err, errlen,
				   "'key publish' needs --keyring RING (where the mirror is linked: @u, @s, @us, @g or a keyring serial)");
	if (c->cmd == KVAULTCTL_CMD_VOLUME_OPEN && !s->seen[OPT_KEY])
		return usage_error(err, errlen,
				   "'volume open' needs --key KEY (an aes-xts key with the crypto-api usage)");
	if (c->cmd == KVAULTCTL_CMD_KEY_TIGHTEN && !s->seen[OPT_NO_EXPORTABLE])
		return usage_error(err, errlen,
				   "'key tighten' needs --no-exportable (the only attribute it can clear)");
	return 0;
}

/*
 * Word @i, an operand find_command() has checked is there ("" otherwise,
 * which the clang analyzer cannot tell).
 */
static const char *operand(const struct scan *s, unsigned int i)
{
	return i < s->nwords && s->words[i] ? s->words[i] : "";
}

static int parse_pcr_read(const struct scan *s, struct kvaultctl_args *args,
			  char *err, size_t errlen)
{
	const char *bank = s->value[OPT_BANK];
	const char *pcrs = s->nwords > 2 ? s->words[2] : NULL;
	char why[128];

	if (bank && kvault_bank_from_name(bank, &args->bank))
		return usage_error(err, errlen,
				   "unknown PCR bank '%.40s%s' (use sha1, sha256, sha384, sha512, sm3_256, sha3_256, sha3_384, sha3_512 or a TCG algorithm number such as 0x000b)",
				   bank, cut(bank));
	if (pcrs && kvault_pcrsel_parse_msg(pcrs, &args->pcr_mask, why, sizeof(why)))
		return usage_error(err, errlen, "invalid PCR selection '%.40s%s': %s",
				   pcrs, cut(pcrs), why);
	return 0;
}

static int parse_usage(const char *list, struct kvaultctl_args *args,
		       char *err, size_t errlen)
{
	char names[KVAULT_KEY_USAGE_NAMES_MAX], allowed[KVAULT_KEY_USAGE_NAMES_MAX];
	char alg[KVAULT_KEY_ALG_NAME_MAX];
	uint32_t extra;
	size_t pos;
	int len, ret;

	ret = kvault_key_usage_from_names(list, &args->usage, &pos);
	if (ret) {
		len = (int)strcspn(list + pos, ",");
		if (ret == -EEXIST)
			return usage_error(err, errlen,
					   "invalid usage list: '%.*s' is listed twice",
					   len, list + pos);
		if (!len)
			return usage_error(err, errlen,
					   "invalid usage list '%.40s%s': empty element",
					   list, cut(list));
		return usage_error(err, errlen,
				   "unknown usage '%.*s%s' (use encrypt, decrypt, wrap, unwrap, sign, verify, crypto-api, separated by ',')",
				   len > SHOWN ? SHOWN : len, list + pos,
				   len > SHOWN ? "..." : "");
	}
	extra = args->usage & ~kvault_key_alg_usage(args->alg);
	if (extra) {
		kvault_key_usage_names(extra, names, sizeof(names));
		kvault_key_usage_names(kvault_key_alg_usage(args->alg), allowed,
				       sizeof(allowed));
		kvault_key_alg_name(args->alg, args->alg_len, alg, sizeof(alg));
		return usage_error(err, errlen,
				   "usage '%s' is not allowed for %s (it allows %s)",
				   names, alg, allowed);
	}
	return 0;
}

/* --keyring RING of key create and key publish. */
static int parse_keyring_option(const struct scan *s,
				struct kvaultctl_args *args, char *err,
				size_t errlen)
{
	const char *ring = s->value[OPT_KEYRING];

	args->use_keyring = s->seen[OPT_KEYRING];
	args->keyring_arg = ring;
	if (ring && kvaultctl_parse_keyring(ring, &args->keyring))
		return usage_error(err, errlen,
				   "invalid keyring '%.40s%s' (use a keyring serial number, or @s, @u, @us or @g)",
				   ring, cut(ring));
	return 0;
}

static int parse_key_create(const struct scan *s, struct kvaultctl_args *args,
			    char *err, size_t errlen)
{
	const char *alg = s->value[OPT_ALG];

	if (args->key.id)
		return usage_error(err, errlen,
				   "a new key needs a name, not an ID ('%s')",
				   args->key_arg);
	if (!alg)
		return usage_error(err, errlen, "'key create' needs --alg ALG");
	if (kvault_key_alg_from_name(alg, &args->alg, &args->alg_len))
		return usage_error(err, errlen,
				   "unknown algorithm '%.40s%s' (use aes-128, aes-256, aes-xts-256, aes-xts-512, hmac-sha256, hmac-sha384, hmac-sha512 or secret-N, N = %d..%d bytes)",
				   alg, cut(alg), KVAULT_SECRET_MIN_LEN,
				   KVAULT_SECRET_MAX_LEN);
	if (s->seen[OPT_USAGE] &&
	    parse_usage(s->value[OPT_USAGE], args, err, errlen))
		return -EINVAL;
	args->exportable = s->seen[OPT_EXPORTABLE];
	return parse_keyring_option(s, args, err, errlen);
}

/* The words of @cmd, for messages. */
static const char *cmd_words(enum kvaultctl_cmd cmd)
{
	switch (cmd) {
	case KVAULTCTL_CMD_KEY_SEAL:	return "key seal";
	case KVAULTCTL_CMD_KEY_RESEAL:	return "key reseal";
	case KVAULTCTL_CMD_KEY_LOAD:	return "key load";
	default:			return "key check";
	}
}

/* The sealing commands' KEY: a name that can name a file in the store. */
static int parse_store_name(const struct kvaultctl_args *args,
			    enum kvaultctl_cmd cmd, bool store, char *err,
			    size_t errlen)
{
	if (args->key.id)
		return usage_error(err, errlen,
				   "'%s' needs a key name, not an ID ('%s'): the key store keeps NAME.blob",
				   cmd_words(cmd), args->key_arg);
	if (store && kvaultctl_store_name_check(args->key.name))
		return usage_error(err, errlen,
				   "key name '%.40s%s' cannot be used with the key store: stored names may not contain '/' or start with '.'",
				   args->key.name, cut(args->key.name));
	return 0;
}

static int parse_store_option(const struct scan *s,
			      struct kvaultctl_args *args, char *err,
			      size_t errlen)
{
	const char *v = s->value[OPT_STORE];

	if (s->seen[OPT_STORE] && (!v || !*v))
		return usage_error(err, errlen,
				   "option '--store' needs a directory");
	args->store = v;
	return 0;
}

static int parse_pin_options(const struct scan *s,
			     struct kvaultctl_args *args, char *err,
			     size_t errlen)
{
	if (s->seen[OPT_PIN_FILE] && s->seen[OPT_PIN_STDIN])
		return usage_error(err, errlen,
				   "give the PIN once: --pin-file or --pin-stdin");
	if (s->seen[OPT_PIN_FILE] && !*s->value[OPT_PIN_FILE])
		return usage_error(err, errlen,
				   "option '--pin-file' needs a file name");
	args->pin_file = s->value[OPT_PIN_FILE];
	args->pin_stdin = s->seen[OPT_PIN_STDIN];
	return 0;
}

/* key seal, key reseal. */
static int parse_seal(const struct scan *s, const struct command *c,
		      struct kvaultctl_args *args, char *err, size_t errlen)
{
	const char *pcrs = s->value[OPT_PCRS], *hex = s->value[OPT_PCR_VALUES];
	unsigned int ds;
	size_t need;
	char why[256];
	int ret;

	if (parse_store_name(args, c->cmd, true, err, errlen) ||
	    parse_store_option(s, args, err, errlen) ||
	    parse_pin_options(s, args, err, errlen))
		return -EINVAL;
	args->pcrs_given = s->seen[OPT_PCRS];
	args->seal_bank = KVAULTCTL_SEAL_DEFAULT_BANK;
	args->seal_mask = KVAULTCTL_SEAL_DEFAULT_MASK;
	if (pcrs && kvaultctl_parse_pcrs(pcrs, &args->seal_bank,
					 &args->seal_mask, why, sizeof(why)))
		return usage_error(err, errlen,
				   "invalid --pcrs '%.40s%s': %s (use BANK:LIST, e.g. sha256:0,7)",
				   pcrs, cut(pcrs), why);
	if (s->seen[OPT_PCR_VALUES] && s->seen[OPT_PCR_VALUES_FILE])
		return usage_error(err, errlen,
				   "give the expected values once: --pcr-values or --pcr-values-file");
	if ((s->seen[OPT_PCR_VALUES] || s->seen[OPT_PCR_VALUES_FILE]) &&
	    c->cmd == KVAULTCTL_CMD_KEY_RESEAL && !args->pcrs_given)
		return usage_error(err, errlen,
				   "'key reseal' with expected values needs --pcrs (the PCR set they are for)");
	if (s->seen[OPT_PCR_VALUES_FILE] && !*s->value[OPT_PCR_VALUES_FILE])
		return usage_error(err, errlen,
				   "option '--pcr-values-file' needs a file name");
	args->pcr_values_file = s->value[OPT_PCR_VALUES_FILE];
	if (!hex)
		return 0;
	ret = kvaultctl_parse_hex(hex, strlen(hex), false, args->pcr_values,
				  sizeof(args->pcr_values),
				  &args->pcr_values_len);
	if (ret == -E2BIG)
		return usage_error(err, errlen,
				   "--pcr-values is too long (at most %zu bytes, %d PCRs of %d bytes)",
				   sizeof(args->pcr_values), KVAULT_PCR_COUNT,
				   KVAULT_MAX_DIGEST_SIZE);
	if (ret)
		return usage_error(err, errlen,
				   "invalid --pcr-values '%.40s%s': not hex (two hex digits per byte, nothing else)",
				   hex, cut(hex));
	args->pcr_values_given = true;
	ds = kvault_bank_digest_size(args->seal_bank);
	need = (size_t)ds * (size_t)__builtin_popcount(args->seal_mask);
	if (ds && args->pcr_values_len != need)
		return usage_error(err, errlen,
				   "--pcr-values has %zu bytes; %d PCRs of %s need %zu (%u each, in ascending PCR order)",
				   args->pcr_values_len,
				   __builtin_popcount(args->seal_mask),
				   kvault_bank_name(args->seal_bank), need, ds);
	return 0;
}

/* key load, key check. */
static int parse_blob_cmd(const struct scan *s, const struct command *c,
			  struct kvaultctl_args *args, char *err,
			  size_t errlen)
{
	const char *blob = s->value[OPT_BLOB];

	if (s->seen[OPT_BLOB] && !*blob)
		return usage_error(err, errlen,
				   "option '--blob' needs a file name");
	args->blob_path = blob;
	if (parse_store_name(args, c->cmd, !blob, err, errlen) ||
	    parse_store_option(s, args, err, errlen))
		return -EINVAL;
	return c->cmd == KVAULTCTL_CMD_KEY_LOAD ?
		parse_pin_options(s, args, err, errlen) : 0;
}

/* A volume's name (NAME of volume open, close, status). */
static int parse_volume_name(const char *name, struct kvaultctl_args *args,
			     char *err, size_t errlen)
{
	if (kvaultctl_volume_name_check(name))
		return usage_error(err, errlen,
				   "invalid volume name '%.40s%s' (1 to %d printable characters without spaces or '/', not . or ..)",
				   name, cut(name), KVAULTCTL_VOLUME_NAME_MAX);
	args->vol.name = name;
	return 0;
}

/* volume open DEVICE NAME --key KEY [--cipher C] [--sector-size N]
 * [--key-version V] */
static int parse_volume_open(const struct scan *s, struct kvaultctl_args *args,
			     char *err, size_t errlen)
{
	struct kvaultctl_volume *vol = &args->vol;
	const char *v;

	vol->device = operand(s, 2);
	if (!*vol->device)
		return usage_error(err, errlen, "the device may not be empty");
	if (parse_volume_name(operand(s, 3), args, err, errlen))
		return -EINVAL;
	vol->key_arg = s->value[OPT_KEY];
	if (kvaultctl_parse_key_ref(vol->key_arg, &vol->key))
		return usage_error(err, errlen,
				   "invalid key '%.40s%s' (a name of 1 to %d printable characters without spaces, or id:N)",
				   vol->key_arg, cut(vol->key_arg),
				   KVAULT_KEY_NAME_MAX - 1);
	v = s->value[OPT_CIPHER];
	if (v && kvaultctl_volume_cipher_check(v))
		return usage_error(err, errlen,
				   "unsupported cipher '%.40s%s' (kvault volumes use %s only)",
				   v, cut(v), KVAULTCTL_VOLUME_CIPHER);
	v = s->value[OPT_SECTOR_SIZE];
	if (v && kvaultctl_volume_sector_size(v, &vol->sector_size))
		return usage_error(err, errlen,
				   "invalid sector size '%.40s%s' (512, 1024, 2048 or 4096)",
				   v, cut(v));
	v = s->value[OPT_KEY_VERSION];
	if (v && kvaultctl_volume_key_version(v, &vol->key_version))
		return usage_error(err, errlen,
				   "invalid key version '%.40s%s' (a number from 1 to %u)",
				   v, cut(v), UINT32_MAX);
	return 0;
}

/* The volume commands. */
static int parse_volume(const struct scan *s, const struct command *c,
			struct kvaultctl_args *args, char *err, size_t errlen)
{
	switch (c->cmd) {
	case KVAULTCTL_CMD_VOLUME_OPEN:
		return parse_volume_open(s, args, err, errlen);
	case KVAULTCTL_CMD_VOLUME_CLOSE:
	case KVAULTCTL_CMD_VOLUME_STATUS:
		return parse_volume_name(operand(s, 2), args, err, errlen);
	default:
		args->config = s->value[OPT_CONFIG];
		if (args->config && !*args->config)
			return usage_error(err, errlen,
					   "option '--config' needs a file name");
		return 0;
	}
}

/* Third pass: the values of the command's operands and options. */
static int parse_values(const struct scan *s, const struct command *c,
			struct kvaultctl_args *args, char *err, size_t errlen)
{
	const char *v;
	uint64_t n;
	int ret;

	if (c->cmd == KVAULTCTL_CMD_PCR_READ)
		return parse_pcr_read(s, args, err, errlen);
	if (c->cmd == KVAULTCTL_CMD_PCR_EXTEND) {
		v = operand(s, 2);
		if (kvaultctl_parse_uint(v, 0, KVAULT_PCR_COUNT - 1, &n))
			return usage_error(err, errlen,
					   "invalid PCR '%.40s%s' (a number from 0 to %d)",
					   v, cut(v), KVAULT_PCR_COUNT - 1);
		args->pcr = (uint32_t)n;
		return 0;
	}
	if (c->cmd == KVAULTCTL_CMD_LOAD_ALL)
		return parse_store_option(s, args, err, errlen);
	if (!strcmp(c->group, "volume"))
		return parse_volume(s, c, args, err, errlen);
	if (c->key_operand) {
		args->key_arg = operand(s, 2);
		if (kvaultctl_parse_key_ref(args->key_arg, &args->key))
			return usage_error(err, errlen,
					   "invalid key '%.40s%s' (a name of 1 to %d printable characters without spaces, or id:N)",
					   args->key_arg, cut(args->key_arg),
					   KVAULT_KEY_NAME_MAX - 1);
	}
	switch (c->cmd) {
	case KVAULTCTL_CMD_KEY_CREATE:
		return parse_key_create(s, args, err, errlen);
	case KVAULTCTL_CMD_KEY_PUBLISH:
		return parse_keyring_option(s, args, err, errlen);
	case KVAULTCTL_CMD_KEY_SEAL:
	case KVAULTCTL_CMD_KEY_RESEAL:
		return parse_seal(s, c, args, err, errlen);
	case KVAULTCTL_CMD_KEY_LOAD:
	case KVAULTCTL_CMD_KEY_CHECK:
		return parse_blob_cmd(s, c, args, err, errlen);
	case KVAULTCTL_CMD_KEY_DESTROY:
		if (parse_store_option(s, args, err, errlen))
			return -EINVAL;
		v = s->value[OPT_AFTER];
		args->destroy_later = s->seen[OPT_AFTER];
		ret = v ? kvaultctl_parse_duration(v, &args->after) : 0;
		if (ret == -ERANGE)
			return usage_error(err, errlen,
					   "duration '%.40s%s' is too long (at most %u seconds, 366d)",
					   v, cut(v), KVAULT_DESTROY_MAX_WINDOW);
		if (ret)
			return usage_error(err, errlen,
					   "invalid duration '%.40s%s' (seconds, or a number with a unit: 30s, 10m, 2h, 7d)",
					   v, cut(v));
		return 0;
	case KVAULTCTL_CMD_KEY_SET_MIN_VERSION:
		v = operand(s, 3);
		if (kvaultctl_parse_uint(v, 1, UINT32_MAX, &n))
			return usage_error(err, errlen,
					   "invalid version '%.40s%s' (a number from 1 to %u)",
					   v, cut(v), UINT32_MAX);
		args->min_version = (uint32_t)n;
		return 0;
	case KVAULTCTL_CMD_MONITOR:
		v = s->value[OPT_COUNT];
		if (v && kvaultctl_parse_uint(v, 1, UINT64_MAX, &args->count))
			return usage_error(err, errlen,
					   "invalid count '%.40s%s' (a number of events, at least 1)",
					   v, cut(v));
		return 0;
	default:
		return 0;
	}
}

int kvaultctl_args_parse(int argc, char *const argv[],
			 struct kvaultctl_args *args, char *err, size_t errlen)
{
	const struct command *c;
	struct scan s;
	int ret;

	memset(args, 0, sizeof(*args));
	memset(&s, 0, sizeof(s));
	args->bank = KVAULT_TPM_ALG_SHA256;
	args->pcr_mask = KVAULT_PCR_MASK_ALL;
	if (err && errlen)
		err[0] = '\0';

	ret = scan_args(argc, argv, &s, args, err, errlen);
	if (ret || args->cmd != KVAULTCTL_CMD_NONE)
		return ret;
	args->json = s.seen[OPT_JSON];
	args->netlink = s.seen[OPT_NETLINK];
	c = find_command(&s, err, errlen);
	if (!c)
		return -EINVAL;
	ret = check_options(&s, c, err, errlen);
	if (!ret)
		ret = parse_values(&s, c, args, err, errlen);
	if (!ret)
		args->cmd = c->cmd;
	return ret;
}

void kvaultctl_usage(FILE *f)
{
	fputs("Usage: kvaultctl [OPTIONS] status\n"
	      "       kvaultctl [OPTIONS] pcr read [--bank BANK] [PCRS]\n"
	      "       kvaultctl [OPTIONS] key create NAME --alg ALG [--usage LIST]\n"
	      "                           [--exportable] [--keyring RING]\n"
	      "       kvaultctl [OPTIONS] key list\n"
	      "       kvaultctl [OPTIONS] key show|rotate|enable|disable|revoke KEY\n"
	      "       kvaultctl [OPTIONS] key destroy KEY [--after DURATION]\n"
	      "       kvaultctl [OPTIONS] key cancel-destroy KEY\n"
	      "       kvaultctl [OPTIONS] key set-min-version KEY N\n"
	      "       kvaultctl [OPTIONS] key tighten KEY --no-exportable\n"
	      "       kvaultctl [OPTIONS] monitor [--count N]\n"
	      "       kvaultctl [OPTIONS] key seal|reseal NAME [--pcrs BANK:LIST]\n"
	      "                           [--pcr-values HEX | --pcr-values-file FILE]\n"
	      "                           [--pin-file FILE | --pin-stdin] [--store DIR]\n"
	      "       kvaultctl [OPTIONS] key load NAME [--blob FILE]\n"
	      "                           [--pin-file FILE | --pin-stdin] [--store DIR]\n"
	      "       kvaultctl [OPTIONS] key check NAME [--blob FILE] [--store DIR]\n"
	      "       kvaultctl [OPTIONS] load-all [--store DIR]\n"
	      "       kvaultctl [OPTIONS] pcr extend PCR\n"
	      "       kvaultctl [OPTIONS] key publish KEY --keyring RING\n"
	      "       kvaultctl [OPTIONS] key unpublish KEY\n"
	      "       kvaultctl [OPTIONS] volume open DEVICE NAME --key KEY\n"
	      "                           [--cipher aes-xts-plain64] [--sector-size N]\n"
	      "                           [--key-version V]\n"
	      "       kvaultctl [OPTIONS] volume close|status NAME\n"
	      "       kvaultctl [OPTIONS] volume open-all|close-all [--config FILE]\n"
	      "\n"
	      "Query the kvault kernel key vault and manage its keys.\n"
	      "\n"
	      "Commands:\n"
	      "  status            show the kvault module and its TPM\n"
	      "  pcr read          read PCR values from one bank of the TPM\n"
	      "  key create        create a key; the kernel makes its material\n"
	      "  key list          list every key (a header, one line per key,\n"
	      "                    and a count)\n"
	      "  key show          show one key's metadata, its crypto API\n"
	      "                    transforms, usage per consumer (dm-crypt,\n"
	      "                    af-alg, kernel) and logon mirror\n"
	      "  key rotate        add a new version with new material\n"
	      "  key enable        enable a disabled key\n"
	      "  key disable       disable an enabled key\n"
	      "  key revoke        revoke the key (keyctl revoke: needs write or\n"
	      "                    setattr permission on it, which its creator has)\n"
	      "  key destroy       destroy the key now, or after DURATION\n"
	      "  key cancel-destroy  take back a destroy --after (the key is\n"
	      "                    then disabled)\n"
	      "  key set-min-version  wipe the versions below N\n"
	      "  key tighten       clear the exportable attribute for good\n"
	      "  monitor           print key lifecycle events as they happen,\n"
	      "                    one line each, until killed; says on stderr\n"
	      "                    when it listens\n"
	      "  key seal          seal the key to PCR values with the TPM and\n"
	      "                    write its blob to the key store, NAME.blob\n"
	      "  key reseal        seal it again (new PCR values, new PIN or\n"
	      "                    none) and replace its stored blob\n"
	      "  key load          unseal NAME.blob (or --blob FILE) into a new\n"
	      "                    key NAME\n"
	      "  key check         would the blob unseal now? Says which PCRs\n"
	      "                    differ (expected and current values), whether\n"
	      "                    a PIN is needed, and any lockout; exit status 0\n"
	      "                    only if it would unseal\n"
	      "  load-all          load every key of the store; goes on past\n"
	      "                    failures (a line per key), fails if any did;\n"
	      "                    a key loaded already counts as loaded, one\n"
	      "                    sealed with a PIN is skipped\n"
	      "  pcr extend        the boot lock: extend PCR in every bank, then\n"
	      "                    refuse seal, load and reseal until kvault is\n"
	      "                    loaded again\n"
	      "  key publish       create the key's logon mirror 'kvault:NAME'\n"
	      "                    (for dm-crypt's :LEN:logon:kvault:NAME form)\n"
	      "                    and link it into RING; weaker than volumes:\n"
	      "                    revoking the key does not stop a table\n"
	      "                    loaded from the mirror\n"
	      "  key unpublish     revoke and remove the key's logon mirror\n"
	      "  volume open       map DEVICE as /dev/mapper/NAME with dm-crypt\n"
	      "                    capi:kvault(xts(aes))-plain64, keyed by a\n"
	      "                    reference to KEY (by name, pinned to its\n"
	      "                    current version or --key-version V)\n"
	      "  volume close      remove the mapping NAME (kvault volumes only)\n"
	      "  volume status     the mapping's device, cipher, sector size,\n"
	      "                    the key it references and the key's state\n"
	      "                    and counters\n"
	      "  volume open-all   open every volume of the volumes file; goes\n"
	      "                    on past failures (a line per failure), fails\n"
	      "                    if any did; one open already is no failure\n"
	      "  volume close-all  close every open volume of the volumes file\n"
	      "\n"
	      "Options (anywhere on the command line):\n"
	      "  --json            print JSON instead of text: one object\n"
	      "                    ('key list': {\"keys\":[...],\"count\":N}),\n"
	      "                    for 'monitor' one object per line, for\n"
	      "                    'volume open-all|close-all' one per volume\n"
	      "                    and a summary\n"
	      "  --netlink         status, pcr read: use the generic netlink\n"
	      "                    family 'kvault' instead of /dev/kvault (key\n"
	      "                    commands pick theirs: list, show and monitor\n"
	      "                    use netlink, the others /dev/kvault)\n"
	      "  --bank BANK       PCR bank: sha1, sha256 (default), sha384,\n"
	      "                    sha512, sm3_256, sha3_256, sha3_384,\n"
	      "                    sha3_512, or a TCG algorithm id like 0x000b\n"
	      "  --alg ALG         aes-128, aes-256, aes-xts-256, aes-xts-512,\n"
	      "                    hmac-sha256, hmac-sha384, hmac-sha512, or\n"
	      "                    secret-N (N = 16..128 bytes)\n"
	      "  --usage LIST      usages separated by ',': encrypt, decrypt,\n"
	      "                    wrap, unwrap, sign, verify, crypto-api.\n"
	      "                    Default: every usage ALG allows\n"
	      "  --exportable      allow the key to be exported (one-way: can\n"
	      "                    only be cleared, with 'key tighten')\n"
	      "  --keyring RING    create the key with keyctl in RING, a keyring\n"
	      "                    serial or @s, @u, @us, @g; default: the\n"
	      "                    vault's own keyring. A key lives while it is\n"
	      "                    linked: @s without a session (keyctl\n"
	      "                    session) is kvaultctl's own and goes with it\n"
	      "  --after DURATION  seconds, or with a unit: 30s, 10m, 2h, 7d (at\n"
	      "                    most 366d); 0 destroys from the kernel's own\n"
	      "                    work at once\n"
	      "  --count N         monitor: exit after N events\n"
	      "  --pcrs BANK:LIST  the PCRs to seal to, e.g. sha256:0,7 (LIST\n"
	      "                    alone: sha256). Default for seal: sha256:7;\n"
	      "                    for reseal: the set the key is sealed to\n"
	      "  --pcr-values HEX  the expected values instead of the current\n"
	      "                    ones: the bank's digest size per PCR, in\n"
	      "                    ascending PCR order, as hex\n"
	      "  --pcr-values-file FILE  the same from FILE (blanks ignored)\n"
	      "  --pin-file FILE   the PIN: FILE's first line, 1 to 32\n"
	      "                    printable characters without spaces\n"
	      "  --pin-stdin       the PIN: a line read from stdin\n"
	      "  --blob FILE       load, check: this blob instead of the store's\n"
	      "  --store DIR       the key store (default $KVAULT_STORE, else\n"
	      "                    /var/lib/kvault); 'key destroy' also removes\n"
	      "                    the destroyed key's NAME.blob from it\n"
	      "  --key KEY         volume open: the vault key (aes-xts-256 or\n"
	      "                    aes-xts-512, with the crypto-api usage)\n"
	      "  --cipher CIPHER   volume open: aes-xts-plain64 (the only one)\n"
	      "  --sector-size N   volume open: dm-crypt's sector size, 512\n"
	      "                    (default), 1024, 2048 or 4096\n"
	      "  --key-version V   volume open: the key version to use (default:\n"
	      "                    the current one, pinned in the table)\n"
	      "  --config FILE     volume open-all, close-all: the volumes file\n"
	      "                    (default /etc/kvault/volumes): lines\n"
	      "                    'NAME DEVICE KEY [OPTIONS]', OPTIONS\n"
	      "                    cipher=,sector-size=,key-version=; # comments\n"
	      "  -h, --help        show this help and exit\n"
	      "  --version         show the version and exit\n"
	      "\n"
	      "PCRS selects PCRs 0-23: numbers and ranges separated by commas,\n"
	      "e.g. 0,2,7 or 0-7 or 0-3,16,23. Default: all.\n"
	      "\n"
	      "KEY is a key's name, or id:N for the key with ID (keyring serial)\n"
	      "N. A plain number is a name; write name:NAME for a name that\n"
	      "starts with 'id:' or 'name:'. Names are 1 to 127 printable ASCII\n"
	      "characters without spaces.\n"
	      "\n"
	      "The key store holds one file per sealed key, NAME.blob (mode 0600,\n"
	      "written atomically; the directory is created with mode 0700).\n"
	      "Names used with it may not contain '/' or start with '.'.\n"
	      "\n"
	      "Environment: KVAULT_DEVICE overrides the path /dev/kvault,\n"
	      "KVAULT_STORE the key store.\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n", f);
}
