/*
 * test_uu.c: uuencode lines: begin lines (mode, name, look-alikes), data lines with
 * stripped trailing blanks, the terminator, non-data lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime/uu.h"

static void
begin_lines(void **state)
{
	char name[16];

	(void)state;
	assert_int_equal(uu_begin("begin 644 a b.exe \r", 19, name, sizeof(name)), 1);
	assert_string_equal(name, "a b.exe");
	assert_int_equal(uu_begin("begin 0755 verylongname.exe", 27, name, 8), 1);
	assert_string_equal(name, "verylon");
	assert_int_equal(uu_begin("begin-base64 644 x", 18, name, sizeof(name)), 0);
	assert_int_equal(uu_begin("begin 648 x", 11, name, sizeof(name)), 0);
	assert_int_equal(uu_begin("begin 644 ", 10, name, sizeof(name)), 0);
	assert_int_equal(uu_begin("begin the story", 15, name, sizeof(name)), 0);
	assert_int_equal(uu_end("end \r", 5), 1);
	assert_int_equal(uu_end("ending", 6), 0);
}

static void
data_lines(void **state)
{
	unsigned char out[64];

	(void)state;
	assert_int_equal(uu_line("#0V%T", 5, out), 3);
	assert_memory_equal(out, "Cat", 3);
	/* trailing blanks stripped by a mailer read as zero bits */
	assert_int_equal(uu_line("\"    ", 5, out), 2);
	assert_int_equal(uu_line("\"", 1, out), 2);
	assert_memory_equal(out, "\0\0", 2);
	assert_int_equal(uu_line("`", 1, out), 0);
	assert_int_equal(uu_line("hello world\x7f", 12, out), -1);
	assert_int_equal(uu_line("", 0, out), -1);
	assert_int_equal(uu_line("M", 1, out), 45);   /* 45 bytes promised, zeros */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(begin_lines),
		cmocka_unit_test(data_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
