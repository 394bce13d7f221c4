/*
 * test_names.c: the UTF-8 decoder, the character predicates (the byte tables on all
 * 256 values), and each name rule of names_scan() on made-up names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"
#include "detect/names.h"

static void
utf8_decoder(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(names_utf8((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(names_utf8((const unsigned char *)"\xe2\x80\xae", 3, &cp), 3);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(names_utf8((const unsigned char *)"\xf3\xa0\x80\x81", 4, &cp), 4);
	assert_int_equal(cp, 0xe0001);
	/* truncated, overlong, surrogate, bad continuation, above U+10FFFF */
	assert_int_equal(names_utf8((const unsigned char *)"\xe2\x80", 2, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(names_utf8((const unsigned char *)"\xc0\xae", 2, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(names_utf8((const unsigned char *)"\xe0\x80\xae", 3, &cp), 1);
	assert_int_equal(names_utf8((const unsigned char *)"\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(names_utf8((const unsigned char *)"\xe2\x41\x41", 3, &cp), 1);
	assert_int_equal(names_utf8((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 1);
	assert_int_equal(cp, 0xfffd);
}

static void
byte_predicates_on_all_values(void **state)
{
	uint32_t cp;
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		unsigned char b = (unsigned char)c;
		assert_int_equal(names_is_hex(b), (c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
		/* a lone byte decodes to itself below 0x80 and to U+FFFD above */
		assert_int_equal(names_utf8(&b, 1, &cp), 1);
		assert_int_equal(cp, c < 0x80 ? (uint32_t)c : 0xfffd);
		assert_int_equal(names_is_invisible((uint32_t)c),
		    c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad);
		assert_int_equal(names_is_space((uint32_t)c), c == ' ' || c == 0xa0);
		assert_false(names_is_bidi((uint32_t)c));
	}
}

static void
code_point_predicates(void **state)
{
	static const uint32_t bidi[] = { 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c,
		0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069 };
	static const uint32_t inv[] = { 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x180e,
		0x3164, 0xfe0f, 0xe0041 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		assert_true(names_is_bidi(bidi[i]));
		assert_false(names_is_invisible(bidi[i]));
	}
	for (i = 0; i < sizeof(inv) / sizeof(inv[0]); i++)
		assert_true(names_is_invisible(inv[i]));
	assert_false(names_is_invisible(0x4e2d));   /* a CJK letter */
	assert_false(names_is_invisible(0xfffd));
	assert_true(names_is_space(0x3000));
	assert_int_equal(names_ext_kind("exe"), NX_RUNS);
	assert_int_equal(names_ext_kind("iso"), NX_MOUNT);
	assert_int_equal(names_ext_kind("one"), NX_MOUNT);
	assert_int_equal(names_ext_kind("settingcontent-ms"), NX_RUNS);
	assert_int_equal(names_ext_kind("cab"), NX_CONTENT);
	assert_int_equal(names_ext_kind("docm"), NX_CONTENT);
	assert_int_equal(names_ext_kind("pdf"), NX_NONE);
	assert_int_equal(names_ext_kind("EXE"), NX_NONE);   /* callers lower-case */
}

/* names_scan on NAME; returns the report (caller frees). */
static struct report *
scan_tc(const char *name, enum tclass container, enum tclass tc)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r = report_new();
	struct scan_ctx *ctx;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	report_part_add(r, -1, "", 1);
	ctx = scan_new(&cfg, r);
	memset(&in, 0, sizeof(in));
	in.name = name;
	in.container = container;
	in.tc = tc;
	assert_int_equal(names_scan(ctx, &in), EM_OK);
	scan_free(ctx);
	return r;
}

static struct report *
scan(const char *name, enum tclass container)
{
	return scan_tc(name, container, TC_UNKNOWN);
}

static int
has(const char *name, const char *finding)
{
	struct report *r = scan(name, TC_UNKNOWN);
	int yes = report_has(r, 0, finding);

	report_free(r);
	return yes;
}

static int
count(const char *name)
{
	struct report *r = scan(name, TC_UNKNOWN);
	int n = report_nfindings(r);

	report_free(r);
	return n;
}

static void
dangerous_and_double(void **state)
{
	(void)state;
	assert_true(has("setup.exe", "name.dangerous_extension"));
	assert_true(has("SETUP.EXE", "name.dangerous_extension"));
	assert_true(has("setup.exe. . ", "name.dangerous_extension"));   /* Windows trims */
	assert_true(has("a.hta", "name.dangerous_extension"));
	assert_false(has("setup.exe", "name.double_extension"));
	assert_true(has("invoice.pdf.exe", "name.double_extension"));
	assert_true(has("Contract_signed.docx.js", "name.double_extension"));
	assert_true(has("scan_2024-01-17.jpg.scr", "name.double_extension"));
	assert_true(has("Remittance.pdf                .exe", "name.double_extension"));
	assert_true(has("Remittance.pdf\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80.exe",
	    "name.double_extension"));                                  /* U+3000 padding */
	assert_true(has("Remittance....exe", "name.double_extension"));
	assert_true(has("folder/sub\\invoice.pdf.exe", "name.double_extension"));
	assert_false(has("tool.v2.exe", "name.double_extension"));      /* not a decoy */
	assert_false(has("archive.tar.gz", "name.dangerous_extension"));
	assert_false(has("report.pdf.zip", "name.double_extension"));   /* not runnable */
	assert_int_equal(count("report.pdf"), 0);
	assert_int_equal(count("Quarterly report (final).docx"), 0);
	assert_int_equal(count("macro.docm"), 0);                       /* content decides */
	assert_int_equal(count(".exe"), 1);                             /* only the extension */
	assert_int_equal(count(""), 0);
}

static void
bidi_invisible_clsid(void **state)
{
	(void)state;
	/* "Statement\u202efdp.exe" shows as Statementexe.pdf */
	assert_true(has("Statement\xe2\x80\xae" "fdp.exe", "name.rtlo"));
	assert_true(has("Statement\xe2\x80\xae" "fdp.exe", "name.dangerous_extension"));
	assert_true(has("a\xe2\x81\xa6" "b.txt", "name.rtlo"));           /* U+2066 */
	assert_true(has("a\xe2\x80\x8f" "b.txt", "name.rtlo"));           /* U+200F */
	assert_false(has("a\xe2\x80\x8b" "b.txt", "name.rtlo"));
	assert_true(has("a\xe2\x80\x8b" "b.txt", "name.invisible"));      /* U+200B */
	assert_true(has("a\xef\xbb\xbf" "b.txt", "name.invisible"));      /* U+FEFF */
	assert_true(has("a\tb.txt", "name.invisible"));
	/* the invisible character does not hide the extension */
	assert_true(has("invoice.pdf\xe2\x80\x8b.exe", "name.double_extension"));
	assert_true(has("x.{20D04FE0-3AEA-1069-A2D8-08002B30309D}", "name.clsid"));
	assert_true(has("x.{20d04fe0-3aea-1069-a2d8-08002b30309d} ", "name.clsid"));
	assert_false(has("x.{20D04FE0-3AEA-1069-A2D8-08002B30309}", "name.clsid"));
	assert_false(has("{20D04FE0-3AEA-1069-A2D8-08002B30309D}", "name.clsid"));
	assert_false(has("x.{20D04FE0-3AEA-1069-A2D8-08002B30309G}", "name.clsid"));
	/* Latin-1 bytes are not a finding */
	assert_int_equal(count("r\xe9sum\xe9.pdf"), 0);
	assert_int_equal(count("\xe4\xb8\xad\xe6\x96\x87.pdf"), 0);
}

static void
overlong_bounds(void **state)
{
	char name[NAMES_MAX_BYTES + 64];

	(void)state;
	memset(name, 'a', sizeof(name));
	memcpy(name + NAMES_OVERLONG - 4, ".pdf", 5);      /* exactly NAMES_OVERLONG */
	assert_false(has(name, "name.overlong"));
	memcpy(name + NAMES_OVERLONG - 3, ".pdf", 5);      /* one more */
	assert_true(has(name, "name.overlong"));
	/* past the bytes examined: overlong, and the end (the extension) is what is read */
	memset(name, 'a', sizeof(name));
	memcpy(name + NAMES_MAX_BYTES + 10, ".exe", 5);
	assert_true(has(name, "name.overlong"));
	assert_true(has(name, "name.dangerous_extension"));
	memcpy(name + 2, ".exe", 4);
	memcpy(name + NAMES_MAX_BYTES + 10, ".txt", 5);
	assert_false(has(name, "name.dangerous_extension"));
}

static void
mount_extensions_by_content(void **state)
{
	struct report *r;

	(void)state;
	r = scan_tc("docs.iso", TC_UNKNOWN, TC_DISK_IMAGE);   /* type.disk_image says it */
	assert_int_equal(report_nfindings(r), 0);
	report_free(r);
	r = scan_tc("notes.one", TC_UNKNOWN, TC_ONENOTE);
	assert_int_equal(report_nfindings(r), 0);
	report_free(r);
	r = scan_tc("docs.iso", TC_UNKNOWN, TC_EXECUTABLE);   /* not an image at all */
	assert_true(report_has(r, 0, "name.dangerous_extension"));
	report_free(r);
	r = scan_tc("invoice.pdf.img", TC_UNKNOWN, TC_UNKNOWN);
	assert_true(report_has(r, 0, "name.double_extension"));
	report_free(r);
}

static void
container_parts_skipped(void **state)
{
	struct report *r;

	(void)state;
	r = scan("word/embeddings/oleObject1.exe", TC_OOXML);
	assert_int_equal(report_nfindings(r), 0);
	report_free(r);
	r = scan("VBA/Module1.bas", TC_OLE2);
	assert_int_equal(report_nfindings(r), 0);
	report_free(r);
	r = scan("payload.exe", TC_OLE2);                  /* a Packager object's name */
	assert_true(report_has(r, 0, "name.dangerous_extension"));
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_decoder),
		cmocka_unit_test(byte_predicates_on_all_values),
		cmocka_unit_test(code_point_predicates),
		cmocka_unit_test(dangerous_and_double),
		cmocka_unit_test(bidi_invisible_clsid),
		cmocka_unit_test(overlong_bounds),
		cmocka_unit_test(mount_extensions_by_content),
		cmocka_unit_test(container_parts_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
