/*
 * test_web.c: the parts of embargo-web that decide without a network: the policy
 * key release and policy_rule_release (unknown rules are strictest), web_users lines,
 * a helpdesk user's domain scope (exact domains, case-insensitive, no suffix or
 * subdomain tricks), the form parser just under and over each bound, HTML escaping,
 * the stored-report reader on hostile text, and sessions (idle timeout, sign-out, a
 * user who left the users file).
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
#include "web/web.h"

static void
release_key_and_accessor(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct policy *p = policy_load_text(
	    "rules = ( { name = \"a\"; action = \"quarantine\"; release = \"admin\"; },"
	    "{ name = \"b\"; action = \"quarantine\"; },"
	    "{ name = \"c\"; action = \"quarantine\"; release = \"self\"; } );",
	    "t.conf", &err);

	(void)state;
	assert_non_null(p);
	assert_int_equal(policy_rule_release(p, "a"), POLICY_RELEASE_ADMIN);
	assert_int_equal(policy_rule_release(p, "b"), POLICY_RELEASE_REVIEW);
	assert_int_equal(policy_rule_release(p, "c"), POLICY_RELEASE_SELF);
	assert_int_equal(policy_rule_release(p, "gone"), POLICY_RELEASE_ADMIN);
	assert_int_equal(policy_rule_release(p, NULL), POLICY_RELEASE_ADMIN);
	assert_int_equal(policy_rule_release(p, ""), POLICY_RELEASE_ADMIN);
	assert_string_equal(policy_release_name(POLICY_RELEASE_SELF), "self");
	policy_free(p);
	sb_reset(&err);
	assert_null(policy_load_text(
	    "rules = ( { name = \"a\"; action = \"quarantine\"; release = \"anyone\"; } );",
	    "t.conf", &err));
	assert_non_null(strstr(sb_str(&err), "t.conf:1: release: release must be"));
	sb_free(&err);
}

static void
shipped_policy_marks(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct policy *p = policy_load(NULL, &err);

	(void)state;
	assert_non_null(p);
	assert_int_equal(
	    policy_rule_release(p, "quarantine-crashed"), POLICY_RELEASE_ADMIN);
	assert_int_equal(
	    policy_rule_release(p, "block-executables"), POLICY_RELEASE_ADMIN);
	assert_int_equal(
	    policy_rule_release(p, "quarantine-active-content"), POLICY_RELEASE_REVIEW);
	policy_free(p);
	sb_free(&err);
}

static int
parse(struct web_user *u, const char *line)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", line);
	return web_user_parse(u, buf);
}

static void
user_lines(void **state)
{
	struct web_user u;

	(void)state;
	assert_int_equal(parse(&u, "alice:$y$j9T$x$y:admin"), 0);
	assert_string_equal(u.name, "alice");
	assert_int_equal(u.role, WEB_ADMIN);
	assert_int_equal(u.ndomains, 0);
	web_user_clear(&u);
	assert_int_equal(parse(&u, "bob:h:helpdesk:B.Example,c.example,"), 0);
	assert_int_equal(u.ndomains, 2);
	assert_string_equal(u.domains[0], "b.example");
	web_user_clear(&u);
	assert_int_equal(parse(&u, "bob:h:root"), -1);
	assert_int_equal(parse(&u, "b ob:h:admin"), -1);
	assert_int_equal(parse(&u, ":h:admin"), -1);
	assert_int_equal(parse(&u, "bob::admin"), -1);
	assert_int_equal(parse(&u, "bob:h"), -1);
	assert_int_equal(parse(&u, "bob:h:helpdesk:a.example:extra"), -1);
	assert_int_equal(parse(&u, "bob:h:helpdesk:a@b.example"), -1);
}

static void
helpdesk_scope(void **state)
{
	struct web_user u;
	struct store_entry e;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(parse(&u, "bob:h:helpdesk:b.example"), 0);
	e.rcpts = (char *)"x@B.EXAMPLE";
	assert_true(web_user_may_see(&u, &e));
	e.rcpts = (char *)"x@other.example\ny@b.example";
	assert_true(web_user_may_see(&u, &e));
	e.rcpts = (char *)"x@sub.b.example";
	assert_false(web_user_may_see(&u, &e));
	e.rcpts = (char *)"x@b.example.evil";
	assert_false(web_user_may_see(&u, &e));
	e.rcpts = (char *)"b.example@evil.example";
	assert_false(web_user_may_see(&u, &e));
	e.rcpts = (char *)"";
	assert_false(web_user_may_see(&u, &e));
	web_user_clear(&u);
	assert_int_equal(parse(&u, "nodom:h:helpdesk"), 0);
	e.rcpts = (char *)"x@b.example";
	assert_false(web_user_may_see(&u, &e));
	u.role = WEB_AUDITOR;
	assert_true(web_user_may_see(&u, &e));
	web_user_clear(&u);
}

static void
form_bounds(void **state)
{
	struct web_form f;
	struct strbuf s = STRBUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(web_form_parse(&f, "a=1&b=%41+c&&d&a=2", 18), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(web_form_get(&f, "a"), "1");
	assert_string_equal(web_form_get(&f, "b"), "A c");
	assert_string_equal(web_form_get(&f, "d"), "");
	assert_null(web_form_get(&f, "e"));
	web_form_free(&f);
	assert_int_equal(web_form_parse(&f, "a=%4", 4), -1);
	assert_int_equal(web_form_parse(&f, "a=%00", 5), -1);
	assert_int_equal(web_form_parse(&f, "a=\0", 3), -1);
	assert_int_equal(web_form_parse(&f, "=1", 2), -1);
	sb_adds(&s, "v=");
	for (i = 0; i < WEB_VALUE_MAX; i++)
		sb_addc(&s, 'x');
	assert_int_equal(web_form_parse(&f, s.s, s.len), 0); /* just under */
	web_form_free(&f);
	sb_addc(&s, 'x');
	assert_int_equal(web_form_parse(&f, s.s, s.len), -1); /* just over */
	sb_reset(&s);
	for (i = 0; i < WEB_FORM_MAX; i++)
		sb_adds(&s, "id=1&");
	assert_int_equal(web_form_parse(&f, s.s, s.len), 0);
	assert_int_equal(f.n, WEB_FORM_MAX);
	web_form_free(&f);
	sb_adds(&s, "id=1");
	assert_int_equal(web_form_parse(&f, s.s, s.len), -1);
	sb_free(&s);
}

static void
escaping(void **state)
{
	struct strbuf b = STRBUF_INIT;

	(void)state;
	html_esc(&b, "<a href=\"x\" onclick='y'>&\x01\r\n\xff\xc3\xa9");
	assert_string_equal(sb_str(&b),
	    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;"
	    "\xef\xbf\xbd\n\xef\xbf\xbd\xc3\xa9");
	sb_reset(&b);
	url_esc(&b, "a b&c=d/é");
	assert_string_equal(sb_str(&b), "a%20b%26c%3Dd%2F%C3%A9");
	sb_free(&b);
}

static void
report_reader(void **state)
{
	struct strbuf b = STRBUF_INIT;

	(void)state;
	web_report_tree(&b,
	    "{\"parts\":[{\"path\":\"\",\"depth\":0,\"size\":1},"
	    "{\"path\":\"1:<x>\",\"depth\":1,\"declared_type\":\"a\\u003cb\","
	    "\"size\":2}],\"findings\":[{\"name\":\"macro.vba\",\"severity\":"
	    "\"medium\",\"part\":\"1:<x>\",\"detail\":\"\\\"q\\\"\"}]}");
	assert_non_null(strstr(sb_str(&b),
	    "<code>1:&lt;x&gt;</code> a&lt;b, 2 bytes<ul>"
	    "<li class=\"finding\">&#9888; <strong>macro.vba"));
	assert_non_null(strstr(sb_str(&b), "&quot;q&quot;"));
	assert_null(strstr(sb_str(&b), "could not be read"));
	sb_reset(&b);
	web_report_tree(&b, "{\"parts\":[{\"path\":\"x\"");
	assert_non_null(strstr(sb_str(&b), "could not be read"));
	sb_reset(&b);
	web_report_tree(&b, "");
	assert_non_null(strstr(sb_str(&b), "No stored report"));
	sb_free(&b);
}

/* A session: found by its cookie, gone after web_session_idle without use, gone
 * when its user leaves the users file, gone after sign-out. */
static void
session_idle_and_end(void **state)
{
	struct web_srv *srv = calloc(1, sizeof(*srv));
	struct em_config cfg;
	struct web_req rq;
	struct web_resp rs;
	char cookie[128];
	size_t i;

	(void)state;
	assert_non_null(srv);
	memset(&cfg, 0, sizeof(cfg));
	cfg.web_session_idle = 60;
	srv->cfg = &cfg;
	srv->users = calloc(1, sizeof(struct web_user));
	srv->nusers = 1;
	assert_int_equal(parse(&srv->users[0], "alice:h:admin"), 0);
	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.srv = srv, rq.cfg = &cfg, rq.csrf = "";
	assert_int_equal(web_session_start(&rq, &rs, "alice"), 0);
	assert_int_equal(
	    sscanf(rs.cookie, "embargo_session=%64[0-9a-f]", cookie + 16), 1);
	memcpy(cookie, "embargo_session=", 16);
	assert_int_equal(web_session_find(&rq, cookie), 1);
	assert_string_equal(rq.who, "web:alice");
	assert_int_equal(strlen(rq.csrf), 64);
	assert_int_equal(web_session_find(&rq, "embargo_session=00"), 0);
	for (i = 0; i < WEB_SESSIONS_MAX; i++)
		if (srv->sess[i].last != 0)
			srv->sess[i].last -= 59; /* used 59 s ago: still there */
	assert_int_equal(web_session_find(&rq, cookie), 1);
	for (i = 0; i < WEB_SESSIONS_MAX; i++)
		if (srv->sess[i].last != 0)
			srv->sess[i].last -= 61; /* idle 61 s: gone, and stays gone */
	rq.user = NULL;
	assert_int_equal(web_session_find(&rq, cookie), 0);
	assert_int_equal(web_session_find(&rq, cookie), 0);
	assert_int_equal(web_session_start(&rq, &rs, "alice"), 0);
	sscanf(rs.cookie, "embargo_session=%64[0-9a-f]", cookie + 16);
	assert_int_equal(web_session_find(&rq, cookie), 1);
	web_session_end(&rq, &rs);
	assert_int_equal(web_session_find(&rq, cookie), 0);
	assert_int_equal(web_session_start(&rq, &rs, "alice"), 0);
	sscanf(rs.cookie, "embargo_session=%64[0-9a-f]", cookie + 16);
	snprintf(srv->users[0].name, sizeof(srv->users[0].name), "renamed");
	assert_int_equal(web_session_find(&rq, cookie), 0); /* user left the file */
	web_user_clear(&srv->users[0]);
	free(srv->users);
	free(srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(release_key_and_accessor),
		cmocka_unit_test(shipped_policy_marks),
		cmocka_unit_test(user_lines),
		cmocka_unit_test(helpdesk_scope),
		cmocka_unit_test(form_bounds),
		cmocka_unit_test(escaping),
		cmocka_unit_test(report_reader),
		cmocka_unit_test(session_idle_and_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
