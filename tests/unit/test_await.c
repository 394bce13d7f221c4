/*
 * test_await.c: the password that comes in a later mail, below the daemon:
 * the policy's await_password (only when every rule of hold strength or more that
 * fired says it; observe and overflow never await), and the store's
 * awaiting-password entries (found by sender and an overlapping recipient within
 * the window, at most STORE_AWAIT_MAX; settled exactly once; expired into
 * quarantined with an audit event; a settled entry can then be released once).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store_testlib.h"

static const char *POLICY =
    "rules = (\n"
    " { name = \"t-macro\"; action = \"quarantine\"; findings = [ \"macro.*\" ]; },\n"
    " { name = \"t-exe\"; action = \"reject\"; findings = [ \"type.executable\" ]; },\n"
    " { name = \"t-locked\"; action = \"quarantine\"; await_password = true;\n"
    "   findings = [ \"archive.encrypted\", \"doc.encrypted\" ]; },\n"
    " { name = \"t-odd\"; action = \"tag\"; findings = [ \"type.mismatch\" ]; }\n"
    ");\n";

/* The await flag of the decision on a message with the findings NAMES. */
static int
awaits(const char *policy, const char *const *names, size_t n)
{
	struct strbuf err = STRBUF_INIT;
	struct policy *p = policy_load_text(policy, "t.conf", &err);
	struct report *r = report_new();
	const char *rc[] = { "sato@rcpt.example" };
	struct envelope env;
	struct decision d;
	size_t i;
	int m, z, a;

	if (p == NULL)
		fprintf(stderr, "%s", sb_str(&err));
	assert_non_null(p);
	m = report_part_add(r, -1, "", 1);
	z = report_part_add(r, m, "2", 1);
	for (i = 0; i < n; i++)
		report_add(r, z, names[i], "test");
	memset(&env, 0, sizeof(env));
	env.sender = "tanaka@sender.example";
	env.rcpts = rc;
	env.nrcpts = 1;
	assert_int_equal(policy_decide(p, r, &env, &d), 0);
	a = d.await_password;
	decision_clear(&d);
	report_free(r);
	policy_free(p);
	sb_free(&err);
	return a;
}

static void
policy_awaits_only_a_locked_item(void **state)
{
	const char *locked[] = { "archive.encrypted" };
	const char *locked_tag[] = { "archive.encrypted", "type.mismatch" };
	const char *with_macro[] = { "archive.encrypted", "macro.vba" };
	const char *with_exe[] = { "doc.encrypted", "type.executable" };
	const char *macro_only[] = { "macro.vba" };
	char buf[1024];

	(void)state;
	assert_int_equal(awaits(POLICY, locked, 1), 1);
	assert_int_equal(awaits(POLICY, locked_tag, 2), 1);    /* a weaker rule beside */
	assert_int_equal(awaits(POLICY, with_macro, 2), 0);    /* same strength, no flag */
	assert_int_equal(awaits(POLICY, with_exe, 2), 0);      /* stronger */
	assert_int_equal(awaits(POLICY, macro_only, 1), 0);
	assert_int_equal(awaits(POLICY, NULL, 0), 0);
	/* observe mode delivers: nothing is held */
	snprintf(buf, sizeof(buf), "observe = true;\n%s", POLICY);
	assert_int_equal(awaits(buf, locked, 1), 1);   /* the flag; actions.c checks observe */
	/* await_password on a tag rule never holds */
	assert_int_equal(awaits("rules = ( { name = \"t\"; action = \"tag\"; await_password = "
	    "true; findings = [ \"archive.encrypted\" ]; } );", locked, 1), 0);
}

static void
policy_rejects_a_bad_flag(void **state)
{
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_null(policy_load_text("rules = ( { name = \"t\"; action = \"quarantine\"; "
	    "await_password = \"yes\"; } );", "t.conf", &err));
	assert_non_null(strstr(sb_str(&err), "must be true or false"));
	sb_free(&err);
}


static int
setup(void **state)
{
	(void)state;
	st_mkdir("test_await");
	if (store_db() != NULL) { /* EMBARGO_TEST_DB: start from empty tables */
		struct strbuf err = STRBUF_INIT;
		struct store *q = store_open(dir, STORE_CREATE, &err);

		assert_non_null(q);
		assert_int_equal(sidx_exec(q, "TRUNCATE quarantine, audit, msg_body"), 0);
		store_close(q);
		sb_free(&err);
	}
	return 0;
}

static const char *two[] = { "sato@rcpt.example", "ito@rcpt.example" };

static void
put(struct store *q, const char *sender, const char *state, char *id)
{
	struct spool *s = spool_new(1 << 20, NULL);
	struct store_new n;

	assert_non_null(s);
	assert_int_equal(spool_write(s, "Subject: x\r\n\r\nzip\r\n", 19), EM_OK);
	memset(&n, 0, sizeof(n));
	n.queue_id = "Q1";
	n.sender = sender;
	n.rcpts = two;
	n.nrcpts = 2;
	n.findings = "archive.encrypted@2:docs.zip";
	n.rule = "t-locked";
	n.action = "quarantine";
	n.state = state;
	assert_int_equal(store_put(q, &n, s, id), 0);
	spool_free(s);
}

static int
count_cb(void *arg, const struct store_entry *e)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static int
found(struct store *q, const char *sender, const char *rcpt, int64_t since)
{
	const char *rc[] = { "other@x.example", rcpt };
	int n = 0;

	assert_int_equal(store_await_find(q, sender, rc, 2, since, count_cb, &n), 0);
	return n;
}

static void
find_by_sender_recipient_window(void **state)
{
	struct store *q = open_store();
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1];
	int64_t now = (int64_t)time(NULL);
	int i;

	(void)state;
	put(q, "tanaka@sender.example", STORE_AWAIT_STATE, a);
	put(q, "tanaka@sender.example", NULL, b);   /* quarantined: never found */
	assert_int_equal(found(q, "tanaka@sender.example", "ITO@rcpt.example", now - 60), 1);
	assert_int_equal(found(q, "tanaka@sender.example", "nobody@rcpt.example", now - 60), 0);
	assert_int_equal(found(q, "mallory@other.example", "sato@rcpt.example", now - 60), 0);
	assert_int_equal(found(q, "", "sato@rcpt.example", now - 60), 0);
	assert_int_equal(found(q, "tanaka@sender.example", "sato@rcpt.example", now + 5), 0);
	for (i = 0; i < STORE_AWAIT_MAX + 4; i++)
		put(q, "tanaka@sender.example", STORE_AWAIT_STATE, b);
	assert_int_equal(found(q, "tanaka@sender.example", "sato@rcpt.example", now - 60),
	    STORE_AWAIT_MAX);
	store_close(q);
}

static int
has_event(void *arg, const struct store_event *ev)
{
	if (strcmp(ev->event, (const char *)((void **)arg)[0]) == 0)
		((void **)arg)[1] = (void *)1;
	return 0;
}

static int
history_has(struct store *q, const char *id, const char *event)
{
	void *a[2] = { (void *)event, NULL };

	assert_int_equal(store_history(q, id, has_event, a), 0);
	return a[1] != NULL;
}

static void
settle_once_then_release_once(void **state)
{
	struct store *q = open_store();
	struct store_entry e;
	char a[STORE_ID_LEN + 1];

	(void)state;
	put(q, "tanaka@sender.example", STORE_AWAIT_STATE, a);
	assert_int_equal(store_get(q, a, &e), 0);
	assert_string_equal(e.state, STORE_AWAIT_STATE);
	store_entry_clear(&e);
	/* not releasable while awaiting: the correlation settles it first */
	assert_int_equal(store_release_begin(q, a, "t", ""), 1);
	assert_int_equal(store_await_settle(q, a, "t", "archive.unlocked@2:docs.zip", "t-ok",
	    "rule t-ok", "unlocked", "by Q2"), 0);
	assert_int_equal(store_await_settle(q, a, "t", NULL, NULL, NULL, "expired", ""), 1);
	assert_int_equal(store_get(q, a, &e), 0);
	assert_string_equal(e.state, "quarantined");
	assert_string_equal(e.findings, "archive.unlocked@2:docs.zip");
	assert_string_equal(e.rule, "t-ok");
	store_entry_clear(&e);
	assert_true(history_has(q, a, "unlocked"));
	assert_false(history_has(q, a, "expired"));
	assert_int_equal(store_release_begin(q, a, "t", ""), 0);
	assert_int_equal(store_release_begin(q, a, "t", ""), 1);
	assert_int_equal(store_await_settle(q, "zz", "t", NULL, NULL, NULL, "x", ""), -1);
	store_close(q);
}

static void
expire_after_the_window(void **state)
{
	struct store *q = open_store();
	struct store_entry e;
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1];
	size_t n = 99;

	(void)state;
	put(q, "tanaka@sender.example", STORE_AWAIT_STATE, a);
	put(q, "suzuki@sender.example", STORE_AWAIT_STATE, b);
	assert_int_equal(store_await_expire(q, (int64_t)time(NULL) - 60, "t", NULL, NULL, &n), 0);
	assert_int_equal(n, 0);   /* still inside the window */
	assert_int_equal(store_await_expire(q, (int64_t)time(NULL) + 1, "t", NULL, NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_get(q, a, &e), 0);
	assert_string_equal(e.state, "quarantined");
	assert_string_equal(e.rule, "t-locked");   /* the rule that held it stands */
	store_entry_clear(&e);
	assert_true(history_has(q, b, "expired"));
	assert_int_equal(store_await_expire(q, (int64_t)time(NULL) + 1, "t", NULL, NULL, &n), 0);
	assert_int_equal(n, 0);
	store_close(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_awaits_only_a_locked_item),
		cmocka_unit_test(policy_rejects_a_bad_flag),
		cmocka_unit_test_setup_teardown(find_by_sender_recipient_window, setup, teardown),
		cmocka_unit_test_setup_teardown(settle_once_then_release_once, setup, teardown),
		cmocka_unit_test_setup_teardown(expire_after_the_window, setup, teardown),
	};
	const char *db = getenv("EMBARGO_TEST_DB"); /* PostgreSQL: t_pgstore.sh */

	if (db != NULL && db[0] != '\0')
		store_set_db(db, "mx-test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
