// SPDX-License-Identifier: GPL-2.0
/*
 * kvaultctl's key commands and monitor against the real module: exit
 * codes, what 'key show' reports after each operation, the JSON (checked
 * with python3's parser when the guest has one), the events monitor sees,
 * and the errors users meet. kvaultctl is found on PATH, as cli_test does.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "test_util.h"

#define PYTHON	"/usr/bin/python3"

static char out[65536];

/* Run kvaultctl with @args (stderr joined to stdout); its exit status. */
#define CTL(args) run_capture(out, sizeof(out), "kvaultctl " args " 2>&1")
#define CTLF(fmt, ...) \
	run_capture(out, sizeof(out), "kvaultctl " fmt " 2>&1", __VA_ARGS__)

#define HAS(s) EXPECT_NE(NULL, strstr(out, s)) TH_LOG("no '%s' in: %s", s, out)

/* The number after "key":, or -1. */
static long long json_number(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* Create @name with @opts; returns its ID from the JSON reply, or -1. */
static int create(const char *name, const char *opts)
{
	if (CTLF("--json key create %s %s", name, opts))
		return -1;
	return (int)json_number(out, "id");
}

/*
 * Is every line of @cmd's stdout JSON (@lines), or the whole of it one
 * document? 1 yes, 0 no, -1 no python3 to tell (a failure too: the
 * project's install-deps.sh installs it).
 */
static int json_valid(const char *cmd, int lines)
{
	char buf[256];

	if (access(PYTHON, X_OK))
		return -1;
	return run_capture(buf, sizeof(buf),
			   "%s | " PYTHON " -c '%s' >/dev/null 2>&1", cmd,
			   lines ? "import json,sys\nfor l in sys.stdin: json.loads(l)" :
				   "import json,sys; json.load(sys.stdin)") == 0;
}

#define EXPECT_JSON(cmd, lines) do {					\
	int v_ = json_valid(cmd, lines);				\
	EXPECT_EQ(1, v_) TH_LOG("%s JSON from: %s",			\
				v_ < 0 ? "no " PYTHON " to check the" :	\
				"invalid", cmd);			\
} while (0)

TEST(create_defaults_to_every_usage_of_the_algorithm)
{
	ASSERT_EQ(0, CTL("key create kc-def-aes --alg aes-256")) TH_LOG("%s", out);
	HAS("create: key kc-def-aes (id ");
	ASSERT_EQ(0, CTL("key show kc-def-aes")) TH_LOG("%s", out);
	HAS("usage:        encrypt,decrypt,wrap,unwrap,crypto-api\n");
	HAS("algorithm:    aes-256 (32 bytes)");
	HAS("state:        enabled");
	HAS("version:      1 (minimum 1)");
	HAS("attributes:   none");

	ASSERT_EQ(0, CTL("--json key show kc-def-aes")) TH_LOG("%s", out);
	HAS("\"name\":\"kc-def-aes\"");
	HAS("\"alg\":\"aes-256\",\"len\":32");
	HAS("\"usage\":[\"encrypt\",\"decrypt\",\"wrap\",\"unwrap\",\"crypto-api\"]");
	HAS("\"attrs\":[]");
	HAS("\"state\":\"enabled\",\"version\":1,\"min_version\":1");
	HAS("\"destroy_time\":0,\"destroy_time_iso\":null");
	HAS("\"use_count\":0");
	EXPECT_LT(0, json_number(out, "ctime"));
	EXPECT_JSON("kvaultctl --json key show kc-def-aes", 0);

	ASSERT_LT(0, create("kc-def-hmac", "--alg hmac-sha384"));
	ASSERT_EQ(0, CTL("--json key show kc-def-hmac"));
	HAS("\"alg\":\"hmac-sha384\",\"len\":48");
	HAS("\"usage\":[\"sign\",\"verify\",\"crypto-api\"]");

	ASSERT_LT(0, create("kc-def-secret", "--alg secret-20"));
	ASSERT_EQ(0, CTL("--json key show kc-def-secret"));
	HAS("\"alg\":\"secret-20\",\"len\":20");
	HAS("\"usage\":[\"encrypt\",\"decrypt\",\"wrap\",\"unwrap\",\"sign\",\"verify\",\"crypto-api\"]");
}

TEST(create_with_usage_and_exportable_then_tighten)
{
	int id = create("kc-usage", "--alg hmac-sha256 --usage sign --exportable");

	ASSERT_LT(0, id) TH_LOG("%s", out);
	ASSERT_EQ(0, CTLF("--json key show id:%d", id)) TH_LOG("%s", out);
	HAS("\"name\":\"kc-usage\"");
	HAS("\"usage\":[\"sign\"]");
	HAS("\"attrs\":[\"exportable\"]");

	ASSERT_EQ(0, CTL("--json key tighten kc-usage --no-exportable")) TH_LOG("%s", out);
	HAS("\"op\":\"tighten\"");
	HAS("\"attrs\":[]");
	ASSERT_EQ(0, CTL("--json key show kc-usage"));
	HAS("\"attrs\":[]");
}

TEST(lifecycle_by_name_and_id)
{
	int id = create("kc-life", "--alg aes-128");

	ASSERT_LT(0, id) TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("key rotate kc-life")) TH_LOG("%s", out);
	HAS("rotate: key kc-life (id ");
	HAS("enabled, version 2 (minimum 1)");
	ASSERT_EQ(0, CTLF("--json key rotate id:%d", id)) TH_LOG("%s", out);
	HAS("\"op\":\"rotate\"");
	EXPECT_EQ(id, json_number(out, "id"));
	EXPECT_EQ(3, json_number(out, "version"));
	EXPECT_JSON("kvaultctl --json key show kc-life", 0);

	ASSERT_EQ(0, CTL("key set-min-version kc-life 2")) TH_LOG("%s", out);
	HAS("version 3 (minimum 2)");
	EXPECT_EQ(1, CTL("key set-min-version kc-life 1"));
	HAS("kvaultctl: set-min-version key 'kc-life': Invalid argument");
	EXPECT_EQ(1, CTL("key set-min-version kc-life 9"));
	HAS("no such version");

	ASSERT_EQ(0, CTL("key disable kc-life")) TH_LOG("%s", out);
	HAS("disabled");
	EXPECT_EQ(1, CTL("key disable kc-life"));
	HAS("in that state already");
	ASSERT_EQ(0, CTL("--json key show kc-life"));
	HAS("\"state\":\"disabled\",\"version\":3,\"min_version\":2");
	ASSERT_EQ(0, CTLF("key enable id:%d", id)) TH_LOG("%s", out);
	HAS("enabled");

	ASSERT_EQ(0, CTL("key destroy kc-life --after 1h")) TH_LOG("%s", out);
	HAS("schedule-destroy: key kc-life");
	HAS("destroy-pending");
	HAS(", destroy at ");
	ASSERT_EQ(0, CTL("--json key show kc-life"));
	HAS("\"state\":\"destroy-pending\"");
	EXPECT_EQ(NULL, strstr(out, "\"destroy_time_iso\":null")) TH_LOG("%s", out);
	{
		long long when = json_number(out, "destroy_time");
		long long now = (long long)time(NULL) * 1000000000LL;

		EXPECT_LT(now + 3500LL * 1000000000LL, when);
		EXPECT_GT(now + 3700LL * 1000000000LL, when);
	}
	EXPECT_EQ(1, CTL("key rotate kc-life"));
	HAS("destroy is pending");
	EXPECT_EQ(1, CTL("key destroy kc-life --after 10m"));

	ASSERT_EQ(0, CTL("key cancel-destroy kc-life")) TH_LOG("%s", out);
	HAS("disabled");
	EXPECT_EQ(1, CTL("key cancel-destroy kc-life"));

	ASSERT_EQ(0, CTL("--json key destroy kc-life")) TH_LOG("%s", out);
	HAS("\"state\":\"destroyed\"");
	EXPECT_EQ(1, CTL("key show kc-life"));
	HAS("kvaultctl: show key 'kc-life': ");
	EXPECT_EQ(1, CTL("key rotate kc-life"));
}

/* Is every line of @text JSON? As json_valid (1, 0 or -1). */
static int lines_are_json(const char *text)
{
	static const char path[] = "/tmp/key_cli_test.json";
	FILE *f = fopen(path, "w");
	int v;

	if (!f)
		return 0;
	fputs(text, f);
	if (fclose(f))
		return 0;
	v = json_valid("cat /tmp/key_cli_test.json", 1);
	unlink(path);
	return v;
}

/*
 * --json for the state changes: one line, one object with "op", the key's
 * "id", its "name" when it was named, and for the vault's operations the
 * state after it (revoke is keyctl's: none). The replies are checked with
 * python3 in one go (each start of python costs seconds in a TCG guest).
 */
TEST(json_replies_of_lifecycle_ops)
{
	static const struct {
		const char *before;	/* a plain command first, or NULL */
		const char *op, *arg;
		int by_id;
		const char *state;	/* the rest of the line */
	} step[] = {
		{ "key rotate kc-json", "disable", "", 0,
		  "\"state\":\"disabled\",\"version\":2,\"min_version\":1" },
		{ NULL, "enable", "", 1,
		  "\"state\":\"enabled\",\"version\":2,\"min_version\":1" },
		{ NULL, "set-min-version", " 2", 0,
		  "\"state\":\"enabled\",\"version\":2,\"min_version\":2" },
		{ "key destroy kc-json --after 1h", "cancel-destroy", "", 0,
		  "\"state\":\"disabled\",\"version\":2,\"min_version\":2" },
		{ NULL, "revoke", "", 0, NULL },
	};
	static char replies[4096];
	char want[512], ref[32];
	int id = create("kc-json", "--alg aes-128");
	size_t i;
	int valid;

	ASSERT_LT(0, id) TH_LOG("%s", out);
	for (i = 0; i < sizeof(step) / sizeof(step[0]); i++) {
		if (step[i].before)
			ASSERT_EQ(0, run_capture(out, sizeof(out), "kvaultctl %s 2>&1",
						 step[i].before)) TH_LOG("%s", out);
		if (step[i].by_id)
			snprintf(ref, sizeof(ref), "id:%d", id);
		else
			snprintf(ref, sizeof(ref), "kc-json");
		ASSERT_EQ(0, CTLF("--json key %s %s%s", step[i].op, ref, step[i].arg))
			TH_LOG("%s", out);
		snprintf(want, sizeof(want), "{\"op\":\"%s\",\"id\":%d%s%s%s%s}\n",
			 step[i].op, id, step[i].by_id ? "" : ",\"name\":\"kc-json\"",
			 step[i].state ? "," : "", step[i].state ? step[i].state : "",
			 step[i].state ? ",\"attrs\":[],\"destroy_time\":0,\"destroy_time_iso\":null" : "");
		EXPECT_STREQ(want, out);
		strncat(replies, out, sizeof(replies) - strlen(replies) - 1);
	}
	/* a failure is no JSON on stdout, an error on stderr and exit 1 */
	EXPECT_EQ(1, CTL("--json key enable kc-json"));
	HAS("revoked");
	EXPECT_EQ(0, CTL("key destroy kc-json")) TH_LOG("%s", out);
	valid = lines_are_json(replies);
	EXPECT_EQ(1, valid) TH_LOG("%s JSON in: %s",
				   valid < 0 ? "no " PYTHON " to check the" : "invalid",
				   replies);
}

TEST(destroy_after_zero_destroys_soon)
{
	int i, rc = 0;

	ASSERT_LT(0, create("kc-zero", "--alg aes-128"));
	ASSERT_EQ(0, CTL("key destroy kc-zero --after 0")) TH_LOG("%s", out);
	for (i = 0; i < WAIT_ROUNDS; i++) {
		rc = CTL("key show kc-zero");
		if (rc)
			break;
		usleep(WAIT_STEP_US);
	}
	EXPECT_EQ(1, rc) TH_LOG("still there: %s", out);
}

TEST(revoke_marks_the_key)
{
	char *entry, *end;

	/* a key made by keyctl: its creator possesses it and may revoke it */
	ASSERT_EQ(0, CTL("key create kc-revoke --alg aes-128 --keyring @u")) TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("key revoke kc-revoke")) TH_LOG("%s", out);
	HAS("revoke: key kc-revoke (id ");
	EXPECT_EQ(1, CTL("key show kc-revoke"));
	HAS("revoked");
	EXPECT_EQ(1, CTL("key rotate kc-revoke"));
	HAS("revoked");
	/* the list still has it, marked */
	ASSERT_EQ(0, CTL("--json key list"));
	entry = strstr(out, "\"name\":\"kc-revoke\"");
	ASSERT_NE(NULL, entry) TH_LOG("%s", out);
	end = strchr(entry, '}');
	ASSERT_NE(NULL, end);
	*end = '\0';
	EXPECT_NE(NULL, strstr(entry, "\"attrs\":[\"revoked\"]")) TH_LOG("%s", entry);
	/* only vault keys: an ID the vault does not hold is refused */
	EXPECT_EQ(1, CTL("key revoke id:2147483647"));
	HAS("the vault holds no such key");
	/* a key of the vault's own keyring gives its creator setattr */
	ASSERT_LT(0, create("kc-revoke-vault", "--alg aes-128"));
	EXPECT_EQ(0, CTL("key revoke kc-revoke-vault")) TH_LOG("%s", out);
	EXPECT_EQ(1, CTL("key show kc-revoke-vault"));
	HAS("revoked");
}

TEST(create_in_a_keyring)
{
	char ring[32];

	/* @s: a session of its own, which lives while the shell does */
	ASSERT_EQ(0, run_capture(out, sizeof(out),
				 "keyctl session - sh -c 'kvaultctl key create kc-ring --alg aes-128 --keyring @s && kvaultctl --json key show kc-ring' 2>&1"))
		TH_LOG("%s", out);
	HAS("create: key kc-ring (id ");
	HAS("\"usage\":[\"encrypt\",\"decrypt\",\"wrap\",\"unwrap\",\"crypto-api\"]");

	ASSERT_EQ(0, CTL("--json key create kc-ring-2 --alg secret-32 --usage encrypt,sign --exportable --keyring @u"))
		TH_LOG("%s", out);
	HAS("\"op\":\"create\"");
	HAS("\"name\":\"kc-ring-2\"");
	ASSERT_EQ(0, CTL("--json key show kc-ring-2")) TH_LOG("%s", out);
	HAS("\"alg\":\"secret-32\",\"len\":32");
	HAS("\"usage\":[\"encrypt\",\"sign\"]");
	HAS("\"attrs\":[\"exportable\"]");
	EXPECT_EQ(1, CTL("key create kc-ring-2 --alg aes-128 --keyring @u"));
	HAS("exists");

	/* a ring by serial */
	ASSERT_EQ(0, run_capture(ring, sizeof(ring), "keyctl newring kc-ring-r @u"));
	ring[strcspn(ring, "\n")] = '\0';
	ASSERT_EQ(0, CTLF("key create kc-ring-3 --alg aes-128 --keyring %s", ring))
		TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("key show kc-ring-3")) TH_LOG("%s", out);
}

TEST(list_streams_every_key)
{
	long long count;
	char *last;

	ASSERT_LT(0, create("kc-list-1", "--alg aes-128"));
	ASSERT_LT(0, create("kc-list-2", "--alg hmac-sha512"));
	ASSERT_LT(0, create("kc-list-3", "--alg aes-xts-512"));

	ASSERT_EQ(0, CTL("key list")) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "        ID  ALG          STATE            VERSION  NAME\n", 55))
		TH_LOG("%s", out);
	HAS("  aes-128      enabled                1  kc-list-1\n");
	HAS("  hmac-sha512  enabled                1  kc-list-2\n");
	HAS("  aes-xts-512  enabled                1  kc-list-3\n");
	out[strlen(out) - 1] = '\0';
	last = strrchr(out, '\n');
	ASSERT_NE(NULL, last);
	count = strtoll(last + 1, NULL, 10);
	EXPECT_LE(3, count);
	EXPECT_NE(NULL, strstr(last, " keys")) TH_LOG("%s", last);

	ASSERT_EQ(0, CTL("--json key list")) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "{\"keys\":[{\"id\":", 15)) TH_LOG("%s", out);
	HAS("\"name\":\"kc-list-2\"");
	EXPECT_EQ(count, json_number(out, "count"));
	EXPECT_JSON("kvaultctl --json key list", 0);
	/* --netlink changes nothing for key commands */
	EXPECT_EQ(0, CTL("--netlink key list"));
}

/* kvaultctl monitor ARGS in the background, once it listens. */
struct monitor {
	pid_t pid;
	int out;	/* its stdout */
};

static int monitor_start(struct monitor *m, const char *args)
{
	int o[2], e[2];
	char buf[256];
	size_t len = 0;

	if (pipe(o) || pipe(e))
		return -1;
	m->pid = fork();
	if (m->pid < 0)
		return -1;
	if (m->pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		execl("/bin/sh", "sh", "-c", args, (char *)NULL);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	m->out = o[0];
	/* wait for "listening" on its stderr: events from then on count */
	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = e[0], .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 20000) <= 0)
			break;
		n = read(e[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "listening for key events\n")) {
			close(e[0]);
			return 0;
		}
	}
	buf[len] = '\0';
	fprintf(stderr, "# monitor did not start: %s\n", buf);
	close(e[0]);
	return -1;
}

/* Read its output to EOF (at most 20 s); its exit status, or -1. */
static int monitor_wait(struct monitor *m, char *buf, size_t size)
{
	size_t len = 0;
	int st;

	for (;;) {
		struct pollfd p = { .fd = m->out, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 20000) <= 0) {
			kill(m->pid, SIGKILL);
			break;
		}
		n = read(m->out, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(m->out);
	if (waitpid(m->pid, &st, 0) != m->pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST(monitor_sees_events_in_order)
{
	static const char *const ops[] = {
		"created", "rotated", "disabled", "enabled", "min-version",
		"destroy-scheduled", "destroy-cancelled", "destroyed",
	};
	char events[8192], *line, *save = NULL, path[] = "/tmp/kc-mon-XXXXXX";
	long long seq = 0, id;
	struct monitor m;
	unsigned int n = 0;
	int fd;

	ASSERT_EQ(0, monitor_start(&m, "exec kvaultctl --json monitor --count 8"));
	ASSERT_EQ(0, CTL("key create kc-mon --alg aes-256")) TH_LOG("%s", out);
	ASSERT_EQ(0, CTL("key rotate kc-mon"));
	ASSERT_EQ(0, CTL("key disable kc-mon"));
	ASSERT_EQ(0, CTL("key enable kc-mon"));
	ASSERT_EQ(0, CTL("key set-min-version kc-mon 2"));
	ASSERT_EQ(0, CTL("key destroy kc-mon --after 5m"));
	ASSERT_EQ(0, CTL("key cancel-destroy kc-mon"));
	ASSERT_EQ(0, CTL("key destroy kc-mon"));
	ASSERT_EQ(0, monitor_wait(&m, events, sizeof(events))) TH_LOG("%s", events);

	/* the JSON lines, checked by python3 from a file */
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(events), write(fd, events, strlen(events)));
	close(fd);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "cat %s", path);
		EXPECT_JSON(cmd, 1);
	}
	unlink(path);

	for (line = strtok_r(events, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char want[64];

		ASSERT_GT(8u, n) TH_LOG("extra line %s", line);
		snprintf(want, sizeof(want), "\"op\":\"%s\"", ops[n]);
		EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%u: %s", n, line);
		EXPECT_NE(NULL, strstr(line, "\"name\":\"kc-mon\"")) TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, "\"uid\":0,")) TH_LOG("%s", line);
		EXPECT_NE(NULL, strstr(line, "\"time_iso\":\"20")) TH_LOG("%s", line);
		id = json_number(line, "seq");
		if (n)
			EXPECT_EQ(seq + 1, id) TH_LOG("%s", line);
		seq = id;
	}
	EXPECT_EQ(8u, n);

	/* text: one line per event */
	ASSERT_EQ(0, monitor_start(&m, "exec kvaultctl monitor --count 1"));
	ASSERT_EQ(0, CTL("key create kc-mon-text --alg aes-128"));
	ASSERT_EQ(0, monitor_wait(&m, events, sizeof(events)));
	EXPECT_NE(NULL, strstr(events, " created key kc-mon-text id=")) TH_LOG("%s", events);
	EXPECT_NE(NULL, strstr(events, " version=1 uid=0 pid=")) TH_LOG("%s", events);
	EXPECT_EQ(strchr(events, '\n'), events + strlen(events) - 1) TH_LOG("%s", events);
}

TEST(errors_are_reported)
{
	EXPECT_EQ(1, CTL("key show kc-nosuch"));
	HAS("kvaultctl: show key 'kc-nosuch': No such file or directory");
	EXPECT_EQ(1, CTL("key rotate kc-nosuch"));
	HAS("the vault holds no such key");
	EXPECT_EQ(1, CTL("key show id:2147483646"));
	EXPECT_EQ(1, CTL("key destroy kc-nosuch --after 1d"));

	EXPECT_EQ(2, CTL("key create kc-bad --alg aes-512"));
	HAS("unknown algorithm 'aes-512'");
	EXPECT_EQ(2, CTL("key create kc-bad --alg secret-8"));
	EXPECT_EQ(2, CTL("key create kc-bad --alg aes-256 --usage sign"));
	HAS("usage 'sign' is not allowed for aes-256");
	EXPECT_EQ(2, CTL("key create kc-bad --alg aes-256 --usage encrypt,encrypt"));
	EXPECT_EQ(2, CTL("key create kc-bad"));
	HAS("'key create' needs --alg ALG");
	EXPECT_EQ(2, CTL("key destroy kc-bad --after 5y"));
	EXPECT_EQ(2, CTL("key frobnicate kc-bad"));

	ASSERT_LT(0, create("kc-dup", "--alg aes-128"));
	EXPECT_EQ(1, CTL("key create kc-dup --alg aes-128"));
	HAS("a key of that name exists");
}

TEST(unprivileged_user_is_denied)
{
	static const char *const cmds[] = {
		"key list", "key show kc-any", "key create kc-nobody --alg aes-128",
		"key rotate kc-any", "key destroy kc-any", "key revoke kc-any",
		"monitor --count 1",
	};
	size_t i;

	ASSERT_LT(0, create("kc-any", "--alg aes-128"));
	ASSERT_EQ(0, drop_privileges(NOBODY, NOBODY));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(1, CTLF("%s", cmds[i])) TH_LOG("%s: %s", cmds[i], out);
		EXPECT_NE(NULL, strcasestr(out, "permission"))
			TH_LOG("%s: %s", cmds[i], out);
	}
}

TEST_HARNESS_MAIN
