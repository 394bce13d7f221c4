/*
 * test_policy.c: the policy file and the decision: globs, severity thresholds,
 * envelope conditions, recipient-domain overrides, sha256 allow-lists, strongest
 * action wins over findings and recipients, observe mode, file:line errors, the
 * built-in policy equal to conf/policy.conf, the recipient-set bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"

static struct policy *
load(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct policy *p = policy_load_text(text, "t.conf", &err);

	if (p == NULL)
		fprintf(stderr, "%s", sb_str(&err));
	sb_free(&err);
	return p;
}

static char *
load_error(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct policy *p = policy_load_text(text, "t.conf", &err);

	assert_null(p);
	return sb_take(&err);
}

/* A message with part 1 "2:invoice.zip" (sha A) and part 2 inside it "a.exe". */
static struct report *
mkreport(void)
{
	struct report *r = report_new();
	int m, z, e;

	m = report_part_add(r, -1, "", 1);
	z = report_part_add(r, m, "2", 1);
	report_part_filename(r, z, "invoice.zip");
	report_part_sha256(r, z, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	e = report_part_add(r, z, "a.exe", 0);
	report_part_sha256(r, e, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	return r;
}

static const char *rc1[] = { "bob@example.org" };

static enum action
decide(const struct policy *p, const struct report *r, const char *from,
    const char *const *rcpts, size_t n, struct decision *d)
{
	struct envelope env;

	memset(&env, 0, sizeof(env));
	env.sender = from;
	env.rcpts = rcpts;
	env.nrcpts = n;
	env.client_addr = "192.0.2.7";
	assert_int_equal(policy_decide(p, r, &env, d), 0);
	return d->action;
}

static void
glob_matching(void **state)
{
	(void)state;
	assert_true(policy_glob("macro.vba.*", "macro.vba.autoexec"));
	assert_false(policy_glob("macro.vba.*", "macro.vba"));
	assert_true(policy_glob("macro.vba*", "macro.vba"));
	assert_true(policy_glob("*", ""));
	assert_true(policy_glob("yara.*", "yara.Foo_Bar"));
	assert_true(policy_glob("*@EXAMPLE.org", "bob@example.ORG"));
	assert_true(policy_glob("a?c", "abc"));
	assert_false(policy_glob("a?c", "ac"));
	assert_false(policy_glob("type.exe", "type.executable"));
	assert_true(policy_glob("*a*b*c*", "xxaxxbxxcxx"));
	assert_false(policy_glob("*a*b*c*d", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbc"));
}

static void
first_match_per_finding_strongest_wins(void **state)
{
	struct policy *p = load("rules = ("
	    "{ name = \"t\"; action = \"tag\"; findings = \"pdf.*\"; },"
	    "{ name = \"r\"; action = \"reject\"; findings = [\"type.executable\"]; },"
	    "{ name = \"q\"; action = \"quarantine\"; findings = [\"pdf.javascript\", \"macro.vba\"]; });");
	struct report *r = mkreport();
	struct decision d;

	(void)state;
	assert_non_null(p);
	report_add(r, 1, "pdf.javascript", NULL);   /* "t" comes first: tag */
	assert_int_equal(decide(p, r, "a@b", rc1, 1, &d), ACT_TAG);
	assert_string_equal(d.rule, "t");
	decision_clear(&d);
	report_add(r, 1, "macro.vba", NULL);
	report_add(r, 2, "type.executable", NULL);
	assert_int_equal(decide(p, r, "a@b", rc1, 1, &d), ACT_REJECT);
	assert_string_equal(d.rule, "r");
	assert_int_equal(d.finding, 2);
	assert_non_null(strstr(d.explain, "rule r (reject): type.executable in 2:invoice.zip/a.exe"));
	assert_non_null(strstr(d.explain, "rule q (quarantine): macro.vba in 2:invoice.zip"));
	assert_string_equal(d.reply, "550 5.7.1 Message refused by policy");
	decision_clear(&d);
	report_free(r);
	policy_free(p);
}

static void
severity_threshold(void **state)
{
	struct policy *p = load("rules = ({ name = \"m\"; action = \"quarantine\"; severity = \"medium\"; },"
	    "{ name = \"l\"; action = \"tag\"; severity = \"low\"; });");
	struct report *r = mkreport();
	struct decision d;

	(void)state;
	report_add(r, 1, "pdf.uri", NULL);           /* info: nothing */
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_ACCEPT);
	assert_null(d.rule);
	decision_clear(&d);
	report_add(r, 1, "pdf.open_action", NULL);   /* low */
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_TAG);
	decision_clear(&d);
	report_add(r, 1, "pdf.javascript", NULL);    /* medium */
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_QUARANTINE);
	decision_clear(&d);
	report_add_sev(r, 1, "yara.x", SEV_HIGH, NULL);   /* high >= medium */
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_QUARANTINE);
	assert_int_equal(d.finding, 2);   /* the first finding that reached quarantine */
	decision_clear(&d);
	report_free(r);
	policy_free(p);
}

static void
envelope_conditions(void **state)
{
	struct policy *p = load("rules = ("
	    "{ name = \"s\"; action = \"accept\"; sender = \"*@partner.example\"; },"
	    "{ name = \"sd\"; action = \"tag\"; sender_domain = \"*.sub.example\"; },"
	    "{ name = \"net\"; action = \"hold\"; client = [\"198.51.100.0/24\", \"2001:db8::/32\"]; },"
	    "{ name = \"auth\"; action = \"strip\"; authenticated = true; },"
	    "{ name = \"all\"; action = \"reject\"; });");
	struct report *r = mkreport();
	struct envelope env;
	struct decision d;

	(void)state;
	report_add(r, 2, "type.executable", NULL);
	assert_int_equal(decide(p, r, "x@Partner.Example", rc1, 1, &d), ACT_ACCEPT);
	assert_string_equal(d.rule, "s");
	decision_clear(&d);
	assert_int_equal(decide(p, r, "x@a.sub.example", rc1, 1, &d), ACT_TAG);
	decision_clear(&d);
	assert_int_equal(decide(p, r, "x@other.example", rc1, 1, &d), ACT_REJECT);
	decision_clear(&d);
	memset(&env, 0, sizeof(env));
	env.sender = "x@other.example";
	env.client_addr = "198.51.100.200";
	assert_int_equal(policy_decide(p, r, &env, &d), 0);
	assert_int_equal(d.action, ACT_HOLD);
	decision_clear(&d);
	env.client_addr = "IPv6:2001:db8::1";
	assert_int_equal(policy_decide(p, r, &env, &d), 0);
	assert_int_equal(d.action, ACT_HOLD);
	decision_clear(&d);
	env.client_addr = "198.51.101.1";
	env.auth_user = "alice";
	assert_int_equal(policy_decide(p, r, &env, &d), 0);
	assert_int_equal(d.action, ACT_STRIP);
	decision_clear(&d);
	report_free(r);
	policy_free(p);
}

static void
recipient_domain_override_and_multi_recipient(void **state)
{
	struct policy *p = load("rules = ("
	    "{ name = \"fin\"; action = \"tag\"; subject_prefix = \"[MACRO] \";"
	    "  recipient_domain = \"finance.example\"; findings = \"macro.vba\"; },"
	    "{ name = \"q\"; action = \"quarantine\"; quarantine = \"reject\"; findings = \"macro.*\"; });");
	const char *fin[] = { "a@finance.example", "b@FINANCE.example" };
	const char *mixed[] = { "a@finance.example", "c@sales.example" };
	struct report *r = mkreport();
	struct decision d;

	(void)state;
	report_add(r, 1, "macro.vba", NULL);
	assert_int_equal(decide(p, r, "x@y", fin, 2, &d), ACT_TAG);
	assert_string_equal(d.subject_prefix, "[MACRO] ");
	decision_clear(&d);
	assert_int_equal(decide(p, r, "x@y", mixed, 2, &d), ACT_QUARANTINE);
	assert_string_equal(d.rule, "q");
	assert_int_equal(d.quarantine_reject, 1);
	assert_string_equal(d.reply, "550 5.7.1 Message refused by policy");
	decision_clear(&d);
	/* No recipients (embargo-scan): recipient rules never match. */
	assert_int_equal(decide(p, r, "x@y", NULL, 0, &d), ACT_QUARANTINE);
	decision_clear(&d);
	report_free(r);
	policy_free(p);
}

static void
allow_list_by_sha256(void **state)
{
	struct policy *p = load("rules = ("
	    "{ name = \"ok\"; action = \"accept\";"
	    "  sha256 = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"; },"
	    "{ name = \"r\"; action = \"reject\"; });");
	struct report *r = mkreport();
	struct decision d;
	int x;

	(void)state;
	report_add(r, 2, "type.executable", NULL);   /* inside the allowed zip */
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_ACCEPT);
	assert_string_equal(d.rule, "ok");
	decision_clear(&d);
	x = report_part_add(r, 0, "3", 1);
	report_part_sha256(r, x, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	report_add(r, x, "type.script", NULL);       /* a different part: not allowed */
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_REJECT);
	decision_clear(&d);
	report_free(r);
	policy_free(p);
}

static void
observe_mode(void **state)
{
	struct policy *p = load("observe = true; rules = ({ name = \"r\"; action = \"reject\"; reply = \"550 5.7.1 no thanks\"; });");
	struct report *r = mkreport();
	struct decision d;

	(void)state;
	assert_true(policy_observe(p));
	report_add(r, 2, "type.executable", NULL);
	assert_int_equal(decide(p, r, "", rc1, 1, &d), ACT_REJECT);
	assert_int_equal(d.observe, 1);
	assert_string_equal(d.reply, "550 5.7.1 no thanks");
	decision_clear(&d);
	report_free(r);
	policy_free(p);
}

static void
errors_name_file_and_line(void **state)
{
	char *e;

	(void)state;
	e = load_error("rules = (\n{ name = \"a\"; action = \"reject\"; },\n{ name = \"b\"; colour = \"red\"; action = \"tag\"; });");
	assert_non_null(strstr(e, "t.conf:3: colour: unknown rule setting"));
	free(e);
	e = load_error("rules = (\n\n{ name = \"a\"; action = \"rejct\"; });");
	assert_non_null(strstr(e, "t.conf:3: action:"));
	free(e);
	e = load_error("rules = ({ name = \"a\"; action = \"tag\";\n findings = [\"macro.vab\"]; });");
	assert_non_null(strstr(e, "t.conf:2: rule a: finding glob matches no finding name"));
	free(e);
	e = load_error("obsrve = true;\nrules = ();");
	assert_non_null(strstr(e, "t.conf:1: unknown setting 'obsrve'"));
	free(e);
	e = load_error("rules = ({ name = \"a\"; action = \"tag\"; },\n{ name = \"a\"; action = \"tag\"; });");
	assert_non_null(strstr(e, "t.conf:2: rule a: name already used on line 1"));
	free(e);
	e = load_error("rules = ({ name = \"a\"; action = \"reject\";\n\n reply = \"450 later\"; });");
	assert_non_null(strstr(e, "t.conf:3: rule a: a reject reply must be a 5xx code"));
	free(e);
	e = load_error("rules = ({ name = \"a\"; action = \"tag\"; client = \"300.1.1.1\"; });");
	assert_non_null(strstr(e, "t.conf:1: client: not an address"));
	free(e);
	e = load_error("rules = ({ name = \"a\"; action = \"tag\"; severity = \"huge\"; });");
	assert_non_null(strstr(e, "severity must be"));
	free(e);
	e = load_error("rules = ({ name = \"a b\\nX-Evil: 1\"; action = \"tag\"; });");
	assert_non_null(strstr(e, "t.conf:1: rule a b"));
	assert_non_null(strstr(e, "rule names are letters"));
	free(e);
	e = load_error("rules = ({ name = \"a\"; });");
	assert_non_null(strstr(e, "rule without an action"));
	free(e);
	e = load_error("rules = ({ name = ; });");   /* syntax */
	assert_non_null(strstr(e, "t.conf:1:"));
	free(e);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
builtin_is_the_shipped_file(void **state)
{
	struct strbuf e = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct policy *p1 = policy_load(NULL, &e), *p2 = policy_load("conf/policy.conf", &e);
	char *text = slurp("conf/policy.conf");

	(void)state;
	assert_string_equal(sb_str(&e), "");
	assert_non_null(p1);
	assert_non_null(p2);
	assert_string_equal(text, policy_default_text);
	policy_dump(p1, &a);
	policy_dump(p2, &b);
	assert_string_equal(sb_str(&a), sb_str(&b));
	assert_true(policy_nrules(p1) >= 10);
	free(text);
	sb_free(&e);
	sb_free(&a);
	sb_free(&b);
	policy_free(p1);
	policy_free(p2);
}

/* The shipped policy against one finding each: the corpus README's verdict table. */
static void
default_policy_verdicts(void **state)
{
	static const struct { const char *f; enum action a; } t[] = {
		{ "type.executable", ACT_REJECT }, { "type.script", ACT_REJECT },
		{ "type.shortcut", ACT_REJECT }, { "shortcut.launcher", ACT_REJECT },
		{ "macro.vba.autoexec", ACT_REJECT }, { "macro.xlm", ACT_REJECT },
		{ "archive.bomb", ACT_REJECT }, { "name.double_extension", ACT_REJECT },
		{ "type.html_smuggling", ACT_REJECT },
		{ "macro.vba", ACT_QUARANTINE }, { "doc.dde", ACT_QUARANTINE },
		{ "archive.encrypted", ACT_QUARANTINE }, { "doc.encrypted", ACT_QUARANTINE },
		{ "type.disk_image", ACT_QUARANTINE }, { "type.onenote", ACT_ACCEPT },
		{ "archive.unlocked", ACT_TAG }, { "doc.unlocked", ACT_TAG },
		{ "mime.limit", ACT_QUARANTINE }, { "archive.limit", ACT_QUARANTINE },
		{ "scan.limit", ACT_QUARANTINE }, { "scan.error", ACT_QUARANTINE },
		{ "yara.limit", ACT_QUARANTINE },
		{ "doc.remote_template", ACT_QUARANTINE }, { "type.embedded_pe", ACT_REJECT },
		{ "shortcut.search_ms", ACT_REJECT }, { "shortcut.webdav", ACT_REJECT },
		{ "doc.template_injection", ACT_TAG }, { "doc.external_link", ACT_TAG },
		{ "type.mismatch", ACT_TAG }, { "pdf.embedded_file", ACT_TAG },
		{ "pdf.uri", ACT_ACCEPT }, { "type.message", ACT_ACCEPT },
	};
	struct strbuf e = STRBUF_INIT;
	struct policy *p = policy_load(NULL, &e);
	struct decision d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct report *r = mkreport();

		report_add(r, 2, t[i].f, NULL);
		assert_int_equal(report_status(r), EM_OK);
		decide(p, r, "a@b", rc1, 1, &d);
		if (d.action != t[i].a)
			fail_msg("%s: %s, expected %s", t[i].f, action_name(d.action),
			    action_name(t[i].a));
		decision_clear(&d);
		report_free(r);
	}
	{
		struct report *r = mkreport();

		assert_int_equal(decide(p, r, "a@b", rc1, 1, &d), ACT_ACCEPT);
		decision_clear(&d);
		report_free(r);
	}
	{
		/* unlocked is no risk of its own: what is inside still decides */
		struct report *r = mkreport();

		report_add(r, 2, "archive.unlocked", NULL);
		report_add(r, 2, "macro.vba", NULL);
		assert_int_equal(decide(p, r, "a@b", rc1, 1, &d), ACT_QUARANTINE);
		decision_clear(&d);
		report_free(r);
	}
	sb_free(&e);
	policy_free(p);
}

/* More distinct recipient sets than POLICY_MAX_RSETS: conservative reading. */
static void
recipient_sets_are_bounded(void **state)
{
	struct strbuf t = STRBUF_INIT;
	struct policy *p;
	struct report *r = mkreport();
	struct decision d;
	char **rc;
	int i;

	(void)state;
	sb_adds(&t, "rules = (");
	for (i = 0; i < POLICY_MAX_RSETS + 2; i++)
		sb_printf(&t, "{ name = \"r%d\"; action = \"accept\"; recipient = \"u%d@x\"; },", i, i);
	sb_adds(&t, "{ name = \"last\"; action = \"quarantine\"; });");
	p = load(sb_str(&t));
	assert_non_null(p);
	report_add(r, 1, "macro.vba", NULL);
	rc = calloc(POLICY_MAX_RSETS + 2, sizeof(char *));
	for (i = 0; i < POLICY_MAX_RSETS + 2; i++) {
		rc[i] = malloc(32);
		snprintf(rc[i], 32, "u%d@x", i);
	}
	/* Every recipient allow-listed, but within the bound only. */
	decide(p, r, "", (const char *const *)rc, POLICY_MAX_RSETS, &d);
	assert_int_equal(d.action, ACT_ACCEPT);
	assert_int_equal(d.truncated, 0);
	decision_clear(&d);
	decide(p, r, "", (const char *const *)rc, POLICY_MAX_RSETS + 2, &d);
	assert_int_equal(d.action, ACT_QUARANTINE);
	assert_int_equal(d.truncated, 1);
	decision_clear(&d);
	for (i = 0; i < POLICY_MAX_RSETS + 2; i++)
		free(rc[i]);
	free(rc);
	sb_free(&t);
	report_free(r);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob_matching),
		cmocka_unit_test(first_match_per_finding_strongest_wins),
		cmocka_unit_test(severity_threshold),
		cmocka_unit_test(envelope_conditions),
		cmocka_unit_test(recipient_domain_override_and_multi_recipient),
		cmocka_unit_test(allow_list_by_sha256),
		cmocka_unit_test(observe_mode),
		cmocka_unit_test(errors_name_file_and_line),
		cmocka_unit_test(builtin_is_the_shipped_file),
		cmocka_unit_test(default_policy_verdicts),
		cmocka_unit_test(recipient_sets_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
