/*
 * test_mimehdr.c: header values: Content-Type types, parameters (quoted, comments,
 * duplicates), RFC 2231 continuations and charsets, RFC 2047 words in headers and
 * inside quoted parameters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime/mimehdr.h"

static char *
param(const char *v, const char *name, unsigned *fl, int *found)
{
	static struct strbuf sb = STRBUF_INIT;

	sb_free(&sb);
	sb_init(&sb, 4096);
	*found = mimehdr_param(v, strlen(v), name, &sb, fl);
	return (char *)sb_str(&sb);
}

static void
types(void **state)
{
	char t[32];

	(void)state;
	assert_int_equal(mimehdr_type(" (c) Multipart/MIXED; boundary=x", 32, t, sizeof(t)), 0);
	assert_string_equal(t, "multipart/mixed");
	assert_int_equal(mimehdr_type("text", 4, t, sizeof(t)), -1);
	assert_int_equal(mimehdr_type("/x", 2, t, sizeof(t)), -1);
	assert_int_equal(mimehdr_type("a/b/c", 5, t, sizeof(t)), -1);
	assert_int_equal(mimehdr_type("", 0, t, sizeof(t)), -1);
	mimehdr_token(" Base64 (yes)", 13, t, sizeof(t));
	assert_string_equal(t, "base64");
}

static void
plain_parameters(void **state)
{
	unsigned fl;
	int f;

	(void)state;
	assert_string_equal(param("attachment; filename=\"a \\\"b\\\".exe\"", "filename",
	    &fl, &f), "a \"b\".exe");
	assert_int_equal(f, 1);
	assert_string_equal(param("x/y; (c) name = my file.exe ;a=b", "name", &fl, &f),
	    "my file.exe");
	assert_string_equal(param("x/y; xname=a; name=b", "name", &fl, &f), "b");
	assert_string_equal(param("x/y; name=a; name=b", "name", &fl, &f), "a");
	assert_true(fl & MH_DUP);
	param("x/y; other=1", "name", &fl, &f);
	assert_int_equal(f, 0);
	assert_string_equal(param("x/y; name=\"unterminated", "name", &fl, &f), "unterminated");
	assert_true(fl & MH_UNTERM);
	assert_string_equal(param("x/y; \"q;name=no\"; name=yes", "name", &fl, &f), "yes");
}

static void
rfc2231(void **state)
{
	unsigned fl;
	int f;

	(void)state;
	assert_string_equal(param("attachment; filename*0*=UTF-8''Rech%20; "
	    "filename*1*=nung.pdf; filename*2=\".exe\"", "filename", &fl, &f),
	    "Rech nung.pdf.exe");
	assert_true(fl & MH_2231);
	assert_string_equal(param("a; filename*=iso-8859-1'de'%DCber.exe", "filename",
	    &fl, &f), "\xc3\x9c" "ber.exe");
	/* out of order is fine; a gap loses the rest and is reported */
	assert_string_equal(param("a; n*1=b; n*0=a; n*3=d", "n", &fl, &f), "ab");
	assert_true(fl & MH_BADSEG);
	assert_string_equal(param("a; name=plain.pdf; name*=UTF-8''real.exe", "name", &fl,
	    &f), "real.exe");
	assert_true(fl & MH_BOTH);
	param("a; n*99=x", "n", &fl, &f);
	assert_true(fl & MH_BADSEG);
}

static void
rfc2047(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *in = "=?UTF-8?B?SW52b2ljZQ==?= =?utf-8?q?_7711=2Eexe?= tail =?bad";
	unsigned fl;
	int f;

	(void)state;
	sb_init(&sb, 4096);
	assert_int_equal(mimehdr_2047(in, strlen(in), &sb), 2);
	assert_string_equal(sb_str(&sb), "Invoice 7711.exe tail =?bad");
	sb_free(&sb);
	assert_string_equal(param("a; filename=\"=?iso-8859-1?Q?M=E4rz.exe?=\"", "filename",
	    &fl, &f), "M\xc3\xa4rz.exe");
	assert_true(fl & MH_2047);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types),
		cmocka_unit_test(plain_parameters),
		cmocka_unit_test(rfc2231),
		cmocka_unit_test(rfc2047),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
