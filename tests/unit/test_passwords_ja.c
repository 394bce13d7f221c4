/*
 * test_passwords_ja.c: passwords as Japanese business mail writes them (PPAP), and
 * the charsets and layouts of issue 12: ISO-2022-JP, CP932 (labelled Shift_JIS, with
 * its NEC extensions), EUC-JP and UTF-8 text through passwords_harvest; full-width
 * forms; labels in five languages; the password on the label's line, on the next
 * non-empty line, in 「」; HTML tables; reply chains whose quoted decoys must not
 * take the place of the newest text's password. All texts are written for this test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"
#include "core/charset.h"
#include "core/passwords.h"
#include "core/pwtext.h"

static struct scan_config cfg;

/* The candidates of TEXT (LEN bytes, charset CS) as passwords_harvest finds them,
 * quoted ones released, joined by "|". */
static const char *
harvest(const char *text, size_t len, const char *cs)
{
	static char out[2048];
	struct report *r = report_new();
	struct scan_ctx *ctx;
	size_t o = 0;
	unsigned i;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	assert_non_null(ctx = scan_new(&cfg, r));
	passwords_harvest(ctx, text, len, cs);
	passwords_release_quoted(ctx->pw);
	out[0] = '\0';
	for (i = 0; i < pwlist_count(ctx->pw); i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "|" : "",
		    pwlist_get(ctx->pw, i));
	scan_free(ctx);
	report_free(r);
	return out;
}

static const char *
first_of(const char *text, size_t len, const char *cs)
{
	static char one[PW_MAXLEN + 1];
	const char *all = harvest(text, len, cs), *bar = strchr(all, '|');
	size_t n = bar ? (size_t)(bar - all) : strlen(all);

	snprintf(one, sizeof(one), "%.*s", (int)n, all);
	return one;
}

#define S(lit) lit, sizeof(lit) - 1

/* 解凍パスワードは下記の通りです。 then the password two lines down, ISO-2022-JP. */
static const char iso2022[] =
    "\x1b$B$*@$OC$K$J$C$F$*$j$^$9!#\x1b(B\n"
    "\x1b$BE:IU%U%!%$%k$N2rE`%Q%9%o!<%I$O2<5-$NDL$j$G$9!#\x1b(B\n\n"
    "  Kq7#mZ2\n\n"
    "\x1b$B$h$m$7$/$*4j$$$$$?$7$^$9!#\x1b(B\n";

/* ①請求書を送付します～ / パスワード：Ｖｔ８８ｗ in CP932 (① and ～ are CP932 only). */
static const char cp932[] =
    "\x87@\x90\xbf\x8b\x81\x8f\x91\x82\xf0\x91\x97\x95t\x82\xb5\x82\xdc\x82\xb7\x81`\n"
    "\x83p\x83X\x83\x8f\x81[\x83h\x81" "F\x82u\x82\x94\x82W\x82W\x82\x97\n";

/* ■パスワード / Ej5-kk2 in EUC-JP. */
static const char eucjp[] = "\xa2\xa3\xa5\xd1\xa5\xb9\xa5\xef\xa1\xbc\xa5\xc9\r\nEj5-kk2\r\n";

static void
charsets_decode_before_harvest(void **state)
{
	(void)state;
	assert_string_equal(first_of(S(iso2022), "iso-2022-jp"), "Kq7#mZ2");
	assert_string_equal(first_of(S(iso2022), NULL), "Kq7#mZ2");   /* the escape says it */
	/* Shift_JIS label, CP932 bytes: folded first, then as written */
	assert_string_equal(harvest(S(cp932), "shift_jis"),
	    "Vt88w|\xef\xbc\xb6\xef\xbd\x94\xef\xbc\x98\xef\xbc\x98\xef\xbd\x97");
	assert_string_equal(first_of(S(eucjp), "euc-jp"), "Ej5-kk2");
	/* a label iconv does not know: the bytes as they are (ASCII still found) */
	assert_string_equal(first_of(S("password: ok123"), "x-no-such-charset"), "ok123");
}

static void
charset_conversion_is_bounded(void **state)
{
	char out[64];
	size_t skipped = 0;
	long k;

	(void)state;
	k = charset_to_utf8("shift_jis", "\x87@", 2, out, sizeof(out), &skipped);
	assert_int_equal(k, 3);
	assert_memory_equal(out, "\xe2\x91\xa0", 3);           /* ① through CP932 */
	/* invalid bytes are skipped, the rest converted */
	k = charset_to_utf8("cp932", "a\x80\xa0" "b\x82", 5, out, sizeof(out), &skipped);
	assert_true(k >= 2 && memchr(out, 'a', (size_t)k) && memchr(out, 'b', (size_t)k));
	assert_true(skipped >= 1);
	/* a refused JIS pair inside ISO-2022-JP is dropped whole, ASCII after it kept */
	k = charset_to_utf8("iso-2022-jp", "\x1b$B\x2d\x7f\x7e\x7e\x1b(Bxy", 12, out,
	    sizeof(out), &skipped);
	assert_true(k >= 2 && out[k - 2] == 'x' && out[k - 1] == 'y');
	/* output cap */
	k = charset_to_utf8("iso-8859-1", "\xe9\xe9\xe9\xe9\xe9\xe9", 6, out, 5, NULL);
	assert_true(k >= 0 && k <= 5);
	/* labels that could reach iconv's suffixes are refused; as-is labels too */
	assert_int_equal(charset_to_utf8("UTF-8//TRANSLIT", "a", 1, out, 8, NULL), -1);
	assert_int_equal(charset_to_utf8("utf-8", "a", 1, out, 8, NULL), -1);
	assert_int_equal(charset_to_utf8(NULL, "a", 1, out, 8, NULL), -1);
	assert_int_equal(charset_to_utf8("no-such-charset-x", "a", 1, out, 8, NULL), -1);
}

static void
full_width_forms_are_folded(void **state)
{
	char out[64];
	uint32_t map[65];
	size_t n;

	(void)state;
	/* ＰＷ：ｘｙ１２　です */
	assert_string_equal(first_of(S("\xef\xbc\xb0\xef\xbc\xb7\xef\xbc\x9a\xef\xbd\x98"
	    "\xef\xbd\x99\xef\xbc\x91\xef\xbc\x92\xe3\x80\x80\xe3\x81\xa7\xe3\x81\x99\n"),
	    "utf-8"), "xy12");
	/* パスワード　Zx90: the ideographic space is a blank */
	assert_string_equal(first_of(S("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
	    "\xe3\x83\x89\xe3\x80\x80Zx90"), NULL), "Zx90");
	n = pwtext_fold("a\xef\xbc\x9a\xe3\x80\x80\xef\xbd\x9e", 10, out, map);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "a: ~", 4);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[2], 4);
	assert_int_equal(map[3], 7);
	assert_int_equal(map[4], 10);
}

static void
labels_in_every_language(void **state)
{
	(void)state;
	assert_string_equal(first_of(S("PW: zz91"), NULL), "zz91");
	assert_string_equal(first_of(S("pwd=Qw12"), NULL), "Qw12");
	assert_string_equal(first_of(S("PASS: Lm4k"), NULL), "Lm4k");
	assert_string_equal(first_of(S("Passwort: hallo77"), NULL), "hallo77");
	assert_string_equal(first_of(S("MOT DE PASSE : ab12"), NULL), "ab12");
	assert_string_equal(first_of(S("contrase\xc3\xb1" "a: gato9"), NULL), "gato9");
	/* 解凍パスワード：Rr55 */
	assert_string_equal(first_of(S("\xe8\xa7\xa3\xe5\x87\x8d\xe3\x83\x91\xe3\x82\xb9"
	    "\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89\xef\xbc\x9aRr55"), NULL), "Rr55");
	/* 【パスワード】abc7xyz */
	assert_string_equal(first_of(S("\xe3\x80\x90\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf"
	    "\xe3\x83\xbc\xe3\x83\x89\xe3\x80\x91" "abc7xyz"), NULL), "abc7xyz");
}

static void
layouts_same_line_next_line_and_brackets(void **state)
{
	(void)state;
	/* パスワードは「pA55-word」です。 */
	assert_string_equal(first_of(S("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
	    "\xe3\x83\x89\xe3\x81\xaf\xe3\x80\x8cpA55-word\xe3\x80\x8d\xe3\x81\xa7\xe3\x81\x99"
	    "\xe3\x80\x82"), NULL), "pA55-word");
	/* パスワード：abc123です。 (no blank before the Japanese) */
	assert_string_equal(first_of(S("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
	    "\xe3\x83\x89\xef\xbc\x9a" "abc123\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82"), NULL),
	    "abc123");
	/* ■パスワード, password on the next line, indented, after an empty line */
	assert_string_equal(first_of(S("\xe2\x96\xa0\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf"
	    "\xe3\x83\xbc\xe3\x83\x89\n\n\t  Np-4471\n"), NULL), "Np-4471");
	/* パスワードは別途お送りします。: a phrase, never a candidate */
	assert_string_equal(harvest(S("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
	    "\xe3\x83\x89\xe3\x81\xaf\xe5\x88\xa5\xe9\x80\x94\xe3\x81\x8a\xe9\x80\x81\xe3\x82"
	    "\x8a\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82\n"), NULL), "");
}

static void
html_text_not_markup(void **state)
{
	(void)state;
	/* a table: label in one cell, password in the next */
	assert_string_equal(first_of(S("<table><tr><td>\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf"
	    "\xe3\x83\xbc\xe3\x83\x89</td><td>Tb9-q1</td></tr></table>"), "utf-8"), "Tb9-q1");
	/* label and password in two rows */
	assert_string_equal(first_of(S("<table><tr><th>Password</th></tr><tr><td>"
	    "Rw-0099</td></tr></table>"), NULL), "Rw-0099");
	/* script contents are not text; numeric entities are */
	assert_string_equal(harvest(S("<script>var password='evil1';</script>"
	    "<p>password&#65306;good2</p>"), NULL), "good2");
	/* an HTML body whose only charset is its meta tag (Shift_JIS) */
	assert_string_equal(first_of(S("<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=shift_jis\"></head><body><p>\x83p\x83X\x83\x8f\x81["
	    "\x83h\x81" "F</p><p>Hk-7788</p></body></html>"), NULL), "Hk-7788");
}

/* The newest text's password comes first, whatever the quoted part holds. */
static void
reply_chain_newest_first(void **state)
{
	(void)state;
	assert_string_equal(first_of(S("password: old11\n"), NULL), "old11");
	assert_string_equal(harvest(S("See attached.\nPassword: new55\n\n"
	    "-----Original Message-----\nPassword: old11\n"), NULL), "new55|old11");
	assert_string_equal(harvest(S("> password: old11\nthe new one is\npassword: new55\n"),
	    NULL), "new55|old11");
	assert_string_equal(harvest(S("PW: new55\nOn Mon, 1 Jan 2024 at 10:00, Bob "
	    "<b@example.org> wrote:\nPW: old11\n"), NULL), "new55|old11");
	/* 山田さんは書きました: */
	assert_string_equal(harvest(S("PW: new55\n\xe5\xb1\xb1\xe7\x94\xb0\xe3\x81\x95\xe3"
	    "\x82\x93\xe3\x81\xaf\xe6\x9b\xb8\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f:"
	    "\nPW: old11\n"), NULL), "new55|old11");
	/* --- 元のメッセージ --- */
	assert_string_equal(harvest(S("PW: new55\n--- \xe5\x85\x83\xe3\x81\xae\xe3\x83\xa1"
	    "\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc\xe3\x82\xb8 ---\nPW: old11\n"), NULL),
	    "new55|old11");
	/* HTML: Gmail's quote */
	assert_string_equal(harvest(S("<div>PW: new55</div><div class=\"gmail_quote\">"
	    "<blockquote>PW: old11</blockquote></div>"), NULL), "new55|old11");
}

/* A quoted text full of decoys, harvested before the newest text, does not use up
 * the list: the newest candidate is in it, and before the decoys. */
static void
quoted_decoys_keep_no_slot(void **state)
{
	struct pwlist *pw = pwlist_new(2);
	static const char decoys[] = "Thanks!\n> password: decoy1\n> password: decoy2\n"
	    "> password: decoy3\n";

	(void)state;
	assert_non_null(pw);
	pwlist_harvest(pw, decoys, sizeof(decoys) - 1);
	assert_int_equal(pwlist_count(pw), 0);
	assert_int_equal(pwlist_held(pw), 2);
	pwlist_harvest(pw, S("password: real77"));
	assert_int_equal(pwlist_count(pw), 1);
	assert_string_equal(pwlist_get(pw, 0), "real77");
	passwords_release_quoted(pw);
	assert_int_equal(pwlist_count(pw), 2);
	assert_string_equal(pwlist_get(pw, 1), "decoy1");
	assert_int_equal(pwlist_held(pw), 0);
	passwords_free(pw);
}

static void
detag_never_grows(void **state)
{
	static const char t[] = "<blockquote>&#x10000;&#65;&amp;<br><td>x";
	char out[sizeof(t)];
	size_t n;

	(void)state;
	n = pwtext_detag(t, sizeof(t) - 1, out);
	assert_true(n <= sizeof(t) - 1);
	assert_memory_equal(out, "\n\x1e\n\xf0\x90\x80\x80" "A&\n\nx", n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(charsets_decode_before_harvest),
		cmocka_unit_test(charset_conversion_is_bounded),
		cmocka_unit_test(full_width_forms_are_folded),
		cmocka_unit_test(labels_in_every_language),
		cmocka_unit_test(layouts_same_line_next_line_and_brackets),
		cmocka_unit_test(html_text_not_markup),
		cmocka_unit_test(reply_chain_newest_first),
		cmocka_unit_test(quoted_decoys_keep_no_slot),
		cmocka_unit_test(detag_never_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
