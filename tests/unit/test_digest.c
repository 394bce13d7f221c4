/*
 * test_digest.c: the digest's pieces: signed link tokens (round trip; every changed
 * byte, a wrong key, truncation and garbage are forged; expiry; a validly signed
 * payload of the wrong shape is still refused), the once table (claim, reuse, drop,
 * purge of expired keys, concurrent claimers on separate handles: exactly one wins),
 * audit events of one kind in a window (store_events),
 * templates (block repeat, HTML escaping, control bytes), the RFC 2047 Subject
 * (decodes back, lines short) and the plain reasons.
 * Back ends: SQLite; with EMBARGO_TEST_DB (tests/cli/t_pgstore.sh) the once tests run
 * on PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "digest/digest.h"
#include "mime/mimehdr.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store_testlib.h"

static int pg;
static const unsigned char key[DIGEST_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const char *const id = "0123456789abcdef01234567";

static int
setup(void **state)
{
	(void)state;
	st_mkdir("test_digest");
	return 0;
}

static void
token_round_trip(void **state)
{
	struct strbuf t = STRBUF_INIT;
	struct digest_link l;
	char once[DIGEST_ONCE_KEY], once2[DIGEST_ONCE_KEY];

	(void)state;
	assert_int_equal(
	    digest_token_make(key, id, "Alice@B.example", 2000, "release", &t), 0);
	assert_int_equal(
	    strspn(sb_str(&t),
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
	    t.len);
	assert_int_equal(digest_token_check(key, t.s, t.len, 1999, &l), DIGEST_TOK_OK);
	assert_string_equal(l.id, id);
	assert_string_equal(l.rcpt, "Alice@B.example");
	assert_int_equal(l.expires, 2000);
	assert_string_equal(l.action, "release");
	digest_once_key(&l, once);
	assert_int_equal(strlen(once), DIGEST_ONCE_KEY - 1);
	assert_int_equal(strncmp(once, "link:", 5), 0);
	assert_int_equal(
	    digest_token_check(key, t.s, t.len, 2000, &l), DIGEST_TOK_EXPIRED);
	assert_int_equal(digest_token_check(key, t.s, t.len, 1000, &l), DIGEST_TOK_OK);
	digest_once_key(&l, once2);
	assert_string_equal(once, once2);
	/* Bad fields are refused when making. */
	assert_int_equal(
	    digest_token_make(key, "xyz", "a@b.example", 1, "release", &t), -1);
	assert_int_equal(
	    digest_token_make(key, id, "a|b@c.example", 1, "release", &t), -1);
	assert_int_equal(digest_token_make(key, id, "a@b.example", 1, "delete", &t), -1);
	sb_free(&t);
}

static void
token_forgeries(void **state)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char other[DIGEST_KEY_LEN];
	struct strbuf t = STRBUF_INIT;
	struct digest_link l;
	char *c;
	size_t i;

	(void)state;
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(
	    digest_token_make(key, id, "a@b.example", 5000, "release", &t), 0);
	c = strdup(t.s);
	for (i = 0; i < t.len; i++) { /* every character changed: forged */
		char was = c[i];

		c[i] = alpha[(strchr(alpha, was) - alpha + 1) % 64];
		assert_int_equal(
		    digest_token_check(key, c, t.len, 1, &l), DIGEST_TOK_FORGED);
		c[i] = was;
	}
	assert_int_equal(digest_token_check(other, c, t.len, 1, &l), DIGEST_TOK_FORGED);
	for (i = 0; i < t.len; i++)
		assert_int_equal(digest_token_check(key, c, i, 1, &l), DIGEST_TOK_FORGED);
	assert_int_equal(digest_token_check(key, "====", 4, 1, &l), DIGEST_TOK_FORGED);
	assert_int_equal(digest_token_check(key, "", 0, 1, &l), DIGEST_TOK_FORGED);
	assert_string_equal(l.id, ""); /* nothing filled on refusal */
	free(c);
	sb_free(&t);
}

/* A validly signed payload that is not "1|ID|RCPT|EXPIRES|release": refused. */
static void
token_signed_garbage(void **state)
{
	static const char *const bad[] = {
		"2|0123456789abcdef01234567|a@b.example|9|release",
		"1|0123456789ABCDEF01234567|a@b.example|9|release",
		"1|0123456789abcdef01234567|a@b.example|9|release|x",
		"1|0123456789abcdef01234567|ab.example|9|release",
		"1|0123456789abcdef01234567|a@b.example|-9|release",
		"1|0123456789abcdef01234567|a@b.example|9|delete",
		"1|0123456789abcdef01234567|a@b.example||release",
		"1|0123456789abcdef01234567|a@b.example|1234567890123456789|release"
	};
	static const char b64u[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[512];
	unsigned mlen = 0;
	struct digest_link l;
	struct strbuf t = STRBUF_INIT;
	size_t i, j, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = strlen(bad[i]);
		memcpy(raw, bad[i], n);
		assert_non_null(
		    HMAC(EVP_sha256(), key, DIGEST_KEY_LEN, raw, n, raw + n, &mlen));
		n += mlen;
		sb_reset(&t);
		for (j = 0; j < n; j += 3) { /* base64url without padding */
			unsigned v = (unsigned)raw[j] << 16 |
			    (j + 1 < n ? raw[j + 1] << 8 : 0) |
			    (j + 2 < n ? raw[j + 2] : 0);
			size_t k, out = j + 2 < n ? 4 : j + 1 < n ? 3 : 2;

			for (k = 0; k < out; k++)
				sb_addc(&t, b64u[(v >> (18 - 6 * k)) & 63]);
		}
		assert_int_equal(
		    digest_token_check(key, t.s, t.len, 1, &l), DIGEST_TOK_FORGED);
	}
	sb_free(&t);
}

static void
once_claim(void **state)
{
	struct store *s;
	int64_t now = (int64_t)time(NULL);

	(void)state;
	s = open_store();
	if (pg)
		assert_int_equal(sidx_exec(s, "DELETE FROM once"), 0);
	assert_int_equal(store_once_claim(s, "k1", now + 60), 1);
	assert_int_equal(store_once_claim(s, "k1", now + 60), 0);
	assert_int_equal(store_once_claim(s, "k2", now + 60), 1);
	assert_int_equal(store_once_drop(s, "k1"), 0);
	assert_int_equal(store_once_claim(s, "k1", now + 60), 1);
	assert_int_equal(store_once_claim(s, "old", now - 5), 1);
	/* the next claim purges the expired key, so it can be claimed again */
	assert_int_equal(store_once_claim(s, "k3", now + 60), 1);
	assert_int_equal(store_once_claim(s, "old", now + 60), 1);
	assert_int_equal(store_once_claim(s, "", now + 60), -1);
	store_close(s);
}

static int
count_ev(void *arg, const struct store_event *ev)
{
	assert_string_equal(ev->event, "release-requested");
	assert_string_equal(ev->user, "digest:a@b.example");
	(*(int *)arg)++;
	return 0;
}

/* store_events: one kind of event, in a time window, across entries. */
static void
events_window(void **state)
{
	struct store *s;
	int64_t now = (int64_t)time(NULL);
	int n = 0;

	(void)state;
	s = open_store();
	if (pg)
		assert_int_equal(sidx_exec(s, "DELETE FROM audit"), 0);
	assert_int_equal(
	    store_audit(s, id, "release-requested", "digest:a@b.example", "d"), 0);
	assert_int_equal(store_audit(s, id, "exported", "root", ""), 0);
	assert_int_equal(
	    store_events(s, "release-requested", now - 10, now + 10, count_ev, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(
	    store_events(s, "release-requested", now + 10, now + 20, count_ev, &n), 0);
	assert_int_equal(n, 0);
	store_close(s);
}

static int wins;
static pthread_mutex_t wins_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
claimer(void *arg)
{
	struct strbuf err = STRBUF_INIT;
	struct store *s = store_open(dir, 0, &err);
	int r = s ? store_once_claim(s, "race", (int64_t)time(NULL) + 60) : -1;

	(void)arg;
	pthread_mutex_lock(&wins_lock);
	wins += r == 1 ? 1 : r == 0 ? 0 : 100;
	pthread_mutex_unlock(&wins_lock);
	store_close(s);
	sb_free(&err);
	return NULL;
}

static void
once_concurrent(void **state)
{
	pthread_t th[8];
	struct store *s;
	size_t i;

	(void)state;
	s = open_store();
	if (pg)
		assert_int_equal(sidx_exec(s, "DELETE FROM once"), 0);
	wins = 0;
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, claimer, NULL), 0);
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(wins, 1);
	store_close(s);
}

static void
templates(void **state)
{
	struct digest_tmpl t = { NULL, 0, 1 };
	struct digest_var top[1] = { { "recipient", "r@x.example" } };
	struct digest_var e1[2] = { { "subject", "<b>\"hi\" & 'x'</b>" }, { "n", "1" } };
	struct digest_var e2[2] = { { "subject", "two\x01\x1b[31m" }, { "n", "2" } };
	const struct digest_var *ev[2] = { e1, e2 };
	struct strbuf o = STRBUF_INIT;

	(void)state;
	t.text = strdup(
	    "Hi {{recipient}} {{unknown}}{{\n{{#entry}}\n[{{n}}:{{subject}}]\n{{/entry}}\nend {{ x");
	t.len = strlen(t.text);
	assert_int_equal(digest_tmpl_fill(&t, top, 1, ev, 2, 2, &o), 0);
	assert_string_equal(sb_str(&o),
	    "Hi r@x.example {{\n[1:&lt;b&gt;&quot;hi&quot; &amp; &#39;x&#39;&lt;/b&gt;]\n"
	    "[2:two[31m]\nend {{ x");
	sb_reset(&o);
	t.html = 0;
	assert_int_equal(digest_tmpl_fill(&t, top, 1, ev, 0, 2, &o), 0);
	assert_string_equal(sb_str(&o), "Hi r@x.example {{\nend {{ x");
	digest_tmpl_free(&t);
	sb_free(&o);
}

static void
subject_2047(void **state)
{
	const char *ja =
	    "保留中のメール (alice@b.example 宛て 2 件) とても長い件名のテストです、"
	    "折り返しが必要になるくらい長い件名";
	struct strbuf o = STRBUF_INIT, d = STRBUF_INIT;
	const char *p, *nl;

	(void)state;
	digest_2047(ja, &o);
	for (p = sb_str(&o); p; p = nl ? nl + 2 : NULL) {
		nl = strstr(p, "\r\n");
		assert_true((size_t)((nl ? nl : p + strlen(p)) - p) <= 76);
		assert_true(strncmp(p + (p != o.s), "=?UTF-8?B?", 10) == 0);
	}
	assert_true(strstr(sb_str(&o), "\r\n ") != NULL); /* folded */
	mimehdr_2047(o.s, o.len, &d);
	assert_string_equal(sb_str(&d), ja);
	sb_reset(&o);
	digest_2047("plain ascii", &o);
	assert_string_equal(sb_str(&o), "plain ascii");
	sb_reset(&o);
	digest_2047("looks =?like?= a word", &o);
	assert_int_equal(strncmp(sb_str(&o), "=?UTF-8?B?", 10), 0);
	sb_free(&o);
	sb_free(&d);
}

static void
reasons(void **state)
{
	(void)state;
	assert_non_null(
	    strstr(digest_reason("en", "r", "pdf.uri@2:a.pdf,macro.vba@3:x"), "macros"));
	assert_non_null(strstr(digest_reason("ja", "r", "macro.xlm@2:x"), "マクロ"));
	assert_non_null(
	    strstr(digest_reason("en", "secret-rule-name", ""), "administrator"));
	assert_null(strstr(digest_reason("en", "secret-rule-name", ""), "secret"));
	assert_true(
	    digest_lang_ok("ja") && digest_lang_ok("en") && !digest_lang_ok("fr"));
	assert_true(digest_addr_ok("a@b.example"));
	assert_false(digest_addr_ok("a@b@c"));
	assert_false(digest_addr_ok("a b@c"));
	assert_false(digest_addr_ok("@c"));
	assert_false(digest_addr_ok("a@"));
}

int
main(void)
{
	const char *db = getenv("EMBARGO_TEST_DB");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_round_trip),
		cmocka_unit_test(token_forgeries),
		cmocka_unit_test(token_signed_garbage),
		cmocka_unit_test_setup_teardown(once_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(once_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(events_window, setup, teardown),
		cmocka_unit_test(templates),
		cmocka_unit_test(subject_2047),
		cmocka_unit_test(reasons),
	};

	if (db != NULL && db[0] != '\0') {
		pg = 1;
		store_set_db(db, "mx-test");
		store_set_pool(16, 2);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
