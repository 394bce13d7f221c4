/*
 * test_qp.c: the quoted-printable decoder: hex digits on all 256 byte values, soft
 * and hard line breaks, malformed escapes kept literally, every split of a line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime/qp.h"

/* Decode LINE (split at S) and its end of line. */
static size_t
dec(struct qp *st, const char *line, size_t s, const char *eol, unsigned char *out)
{
	size_t n = strlen(line), o;

	if (s > n)
		s = n;
	o = qp_decode(st, line, s, out);
	o += qp_decode(st, line + s, n - s, out + o);
	o += qp_eol(st, eol, strlen(eol), out + o);
	return o;
}

static void
breaks_and_escapes_any_split(void **state)
{
	unsigned char out[128];
	struct qp st;
	size_t s, o;

	(void)state;
	for (s = 0; s < 12; s++) {
		qp_init(&st);
		o = dec(&st, "a=3Db=  ", s, "\r\n", out);   /* soft break with blanks */
		o += dec(&st, "c=e9=", s, "\n", out + o);   /* soft break */
		o += dec(&st, "d", s, "\r\n", out + o);     /* hard break */
		assert_int_equal(o, 8);
		assert_memory_equal(out, "a=bc\xe9" "d\r\n", 8);
		assert_int_equal(st.bad, 0);
	}
}

static void
malformed_escapes_are_literal(void **state)
{
	unsigned char out[128];
	struct qp st;
	size_t o;

	(void)state;
	qp_init(&st);
	o = dec(&st, "x=G1=4", 3, "\n", out);
	assert_int_equal(o, 7);
	assert_memory_equal(out, "x=G1=4\n", 7);
	assert_int_equal(st.bad, 2);
	qp_init(&st);
	o = dec(&st, "= x", 1, "\n", out);   /* blanks then text: not a soft break */
	assert_memory_equal(out, "=x\n", 3);
	assert_int_equal(o, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(breaks_and_escapes_any_split),
		cmocka_unit_test(malformed_escapes_are_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
