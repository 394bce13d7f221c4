/*
 * test_passwords.c: the password harvester on the phrasings malware mail uses, in
 * each language it knows, with quotes, HTML and the list's bounds.
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
#include "core/passwords.h"

/* True when TEXT yields candidate WANT. */
static int
finds(const char *text, const char *want)
{
	struct pwlist *pw = pwlist_new(32);
	unsigned i;
	int hit = 0;

	assert_non_null(pw);
	pwlist_harvest(pw, text, strlen(text));
	for (i = 0; i < pwlist_count(pw); i++)
		if (strcmp(pwlist_get(pw, i), want) == 0)
			hit = 1;
	passwords_free(pw);
	return hit;
}

/* The first candidate of TEXT ("" when none). */
static const char *
first(const char *text)
{
	static char out[PW_MAXLEN + 1];
	struct pwlist *pw = pwlist_new(32);

	assert_non_null(pw);
	pwlist_harvest(pw, text, strlen(text));
	snprintf(out, sizeof(out), "%s", pwlist_count(pw) ? pwlist_get(pw, 0) : "");
	passwords_free(pw);
	return out;
}

static void
english_keyword_forms(void **state)
{
	(void)state;
	assert_string_equal(first("Hello,\nThe password is: abc123. Thanks"), "abc123");
	assert_string_equal(first("Password = Zx-99"), "Zx-99");
	assert_string_equal(first("pass: hunter2"), "hunter2");
	assert_string_equal(first("PW 8812"), "8812");
	assert_string_equal(first("Your PIN: 4711"), "4711");
	assert_string_equal(first("the password for the archive is qq77"), "qq77");
	assert_string_equal(first("Password:\r\n\r\n   Kp3-x\r\n"), "Kp3-x");
}

static void
other_languages(void **state)
{
	(void)state;
	assert_string_equal(first("Das Passwort lautet 4711x."), "4711x");
	assert_string_equal(first("Kennwort: geheim99"), "geheim99");
	assert_string_equal(first("Le mot de passe est \xc2\xab zorro42 \xc2\xbb"), "zorro42");
	assert_string_equal(first("Le mot de passe : zorro42"), "zorro42");
	assert_string_equal(first("Contrase\xc3\xb1" "a: gato-7"), "gato-7");
	assert_string_equal(first("CONTRASE\xc3\x91" "A: gato-8"), "gato-8");
	assert_string_equal(first("A senha \xc3\xa9 Xy12"), "Xy12");
	assert_string_equal(first("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89"
	    "\xef\xbc\x9akx81"), "kx81");
	assert_string_equal(first("\xe5\xaf\x86\xe7\xa0\x81\xe6\x98\xaf 9981ab"), "9981ab");
	assert_string_equal(first("\xe5\xaf\x86\xe7\xa0\x81\xef\xbc\x9aqq12"), "qq12");
	assert_string_equal(first("\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c: r9r9"), "r9r9");
}

static void
quoted_tokens(void **state)
{
	(void)state;
	assert_string_equal(first("password: \"open sesame\""), "open sesame");
	assert_string_equal(first("use 'Blue42' to open the file"), "Blue42");
	assert_true(finds("open it with \xe2\x80\x9cRed-7\xe2\x80\x9d please", "Red-7"));
	assert_true(finds("\xe3\x80\x8c" "abc987" "\xe3\x80\x8d", "abc987"));
	/* quotes with blanks inside are prose, not a token (outside a keyword) */
	assert_false(finds("he said \"see you soon\" and left", "see you soon"));
}

static void
html_is_detagged(void **state)
{
	(void)state;
	assert_string_equal(first("<p>Password: <b>Zq8!m</b></p>"), "Zq8!m");
	assert_string_equal(first("<div>Password:&nbsp;Rt55</div>"), "Rt55");
	assert_string_equal(first("<span style=\"x\">pw</span>=<i>9k9k</i>"), "9k9k");
}

static void
standalone_short_lines(void **state)
{
	(void)state;
	assert_true(finds("Hi,\n\nxK93pq\n\nBye\n", "xK93pq"));
	assert_false(finds("Hi,\n\nThanks\n\nregards\n", "Thanks"));
	assert_false(finds("Hi,\n\nThanks\n\nregards\n", "regards"));
}

static void
keywords_need_word_boundaries(void **state)
{
	(void)state;
	assert_false(finds("I was passing by: nothing", "nothing"));
	assert_false(finds("spinning: wheel", "wheel"));
	assert_false(finds("bypass: road", "road"));
}

static void
list_is_bounded_and_deduplicated(void **state)
{
	struct pwlist *pw = pwlist_new(3);
	char longpw[200];
	char *big;

	(void)state;
	assert_int_equal(pwlist_add(pw, "a1", 2), 1);
	assert_int_equal(pwlist_add(pw, "a1", 2), 0);
	memset(longpw, 'k', sizeof(longpw));
	assert_int_equal(pwlist_add(pw, longpw, PW_MAXLEN + 1), 0);
	assert_int_equal(pwlist_add(pw, longpw, PW_MAXLEN), 1);
	assert_int_equal(pwlist_add(pw, "", 0), 0);
	pwlist_harvest(pw, "password: one1 pw: two2 pin: three3", 35);
	assert_int_equal(pwlist_count(pw), 3);
	assert_string_equal(pwlist_get(pw, 2), "one1");
	assert_null(pwlist_get(pw, 3));
	passwords_free(pw);
	/* a huge text is looked at only up to PW_TEXT_MAX and does not crash */
	big = malloc(3 * PW_TEXT_MAX);
	assert_non_null(big);
	memset(big, '<', 3 * PW_TEXT_MAX);
	pw = pwlist_new(32);
	pwlist_harvest(pw, big, 3 * PW_TEXT_MAX);
	memset(big, 'p', 3 * PW_TEXT_MAX);
	pwlist_harvest(pw, big, 3 * PW_TEXT_MAX);
	passwords_free(pw);
	free(big);
	passwords_free(NULL);
	pwlist_harvest(NULL, "password: x", 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(english_keyword_forms),
		cmocka_unit_test(other_languages),
		cmocka_unit_test(quoted_tokens),
		cmocka_unit_test(html_is_detagged),
		cmocka_unit_test(standalone_short_lines),
		cmocka_unit_test(keywords_need_word_boundaries),
		cmocka_unit_test(list_is_bounded_and_deduplicated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
