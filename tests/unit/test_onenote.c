/*
 * test_onenote.c: onenote_scan on section-like buffers built in the test: file data
 * store objects become children (pictures without a doc.ole_object), a cbLength past
 * the end is cut and said so, PE images are carved when no store object exists, and
 * every truncation is survived.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define TESTLIB_FIXTURE
#include "testlib.h"
#include "core/strbuf.h"

static const unsigned char guid[16] = {
	0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26, 0x11, 0x45,
	0xa4, 0xc4, 0x8d, 0x4d, 0x0b, 0x7a, 0x9e, 0xac,
};

static void
run_buf(struct run *t, const void *buf, size_t n)
{
	run_analyser(t, buf, n, TC_ONENOTE, onenote_scan);
}

/* A FileDataStoreObject header declaring CB bytes, then DATA (N bytes). */
static void
block(struct strbuf *sb, uint64_t cb, const void *data, size_t n)
{
	int i;

	sb_add(sb, guid, 16);
	for (i = 0; i < 8; i++)
		sb_addc(sb, (char)(cb >> (8 * i) & 0xff));
	for (i = 0; i < 12; i++)
		sb_addc(sb, 0);
	sb_add(sb, data, n);
}

static void
file_data_becomes_children(void **state)
{
	static const char hta[] = "<html><script>new ActiveXObject('WScript.Shell')</script></html>";
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	sb_adds(&sb, "\xe4\x52\x5c\x7b header and padding");
	block(&sb, sizeof(hta) - 1, hta, sizeof(hta) - 1);
	sb_adds(&sb, "more structure");
	block(&sb, sizeof(png) - 1, png, sizeof(png) - 1);
	run_buf(&t, sb.s, sb.len);
	assert_int_equal(report_nparts(t.r), 3);
	assert_string_equal(report_part(t.r, 1)->filename, "embedded0");
	assert_int_equal(report_part(t.r, 1)->size, sizeof(hta) - 1);
	assert_int_equal(report_part(t.r, 2)->size, sizeof(png) - 1);
	/* The picture is analysed but is not an object. */
	assert_int_equal(tl_count(t.r, "doc.ole_object"), 1);
	assert_int_equal(tl_count(t.r, "scan.error"), 0);
	run_free(&t);
	sb_free(&sb);
}

static void
length_past_the_end_is_cut_and_said(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	block(&sb, UINT64_MAX, "@echo off\r\n", 11);
	run_buf(&t, sb.s, sb.len);
	assert_int_equal(report_nparts(t.r), 2);
	assert_int_equal(report_part(t.r, 1)->size, 11);
	assert_int_equal(tl_count(t.r, "scan.error"), 1);
	assert_int_equal(tl_count(t.r, "doc.ole_object"), 1);
	run_free(&t);
	sb_free(&sb);
}

/* A minimal PE: MZ, e_lfanew 0x40, PE header, one section ending at 0x200. */
static size_t
make_pe(unsigned char *pe, size_t cap)
{
	memset(pe, 0, cap);
	memcpy(pe, "MZ", 2);
	pe[0x3c] = 0x40;
	memcpy(pe + 0x40, "PE\0\0", 4);
	pe[0x46] = 1;                 /* NumberOfSections */
	pe[0x54] = 0xe0;              /* SizeOfOptionalHeader */
	/* section table at 0x40 + 24 + 0xe0 = 0x138: raw size 0x100 at 0x100 */
	pe[0x138 + 17] = 0x01;
	pe[0x138 + 21] = 0x01;
	return 0x200;
}

static void
pe_is_carved_without_store_objects(void **state)
{
	unsigned char pe[0x300];
	struct strbuf sb = STRBUF_INIT;
	struct run t;
	size_t n = make_pe(pe, sizeof(pe));

	(void)state;
	sb_adds(&sb, "\xe4\x52\x5c\x7b MZ but not a PE, then one:");
	sb_add(&sb, pe, n);
	sb_adds(&sb, "trailing section data");
	run_buf(&t, sb.s, sb.len);
	assert_int_equal(report_nparts(t.r), 2);
	assert_string_equal(report_part(t.r, 1)->filename, "carved0.exe");
	assert_int_equal(report_part(t.r, 1)->size, 0x200);
	assert_int_equal(tl_count(t.r, "doc.ole_object"), 1);
	run_free(&t);
	sb_free(&sb);
}

static void
every_truncation_is_survived(void **state)
{
	unsigned char pe[0x300];
	struct strbuf sb = STRBUF_INIT;
	struct run t;
	size_t n;

	(void)state;
	make_pe(pe, sizeof(pe));
	block(&sb, 0x200, pe, 0x200);
	for (n = 0; n <= sb.len; n++) {
		run_buf(&t, sb.s, n);
		if (n >= 16 && n < 36)
			assert_int_equal(tl_count(t.r, "scan.error"), 1);
		run_free(&t);
	}
	sb_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_data_becomes_children),
		cmocka_unit_test(length_past_the_end_is_cut_and_said),
		cmocka_unit_test(pe_is_carved_without_store_objects),
		cmocka_unit_test(every_truncation_is_survived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
