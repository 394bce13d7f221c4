/*
 * test_pdf.c: pdf_scan on small PDFs built in the test: escaped names, names in
 * strings, Launch targets, /Encrypt, object streams, embedded files (direct and
 * through an /EF reference), the per-stream inflate cap, and hostile lengths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#define TESTLIB_FIXTURE
#include "testlib.h"
#include "core/strbuf.h"

static void
run_pdf(struct run *t, const void *buf, size_t n)
{
	run_analyser(t, buf, n, TC_PDF, pdf_scan);
}

/* The detail of the first finding NAME on part 0, or NULL. */
static void
run_str(struct run *t, const char *s)
{
	run_pdf(t, s, strlen(s));
}

/* A stream object: "N 0 obj <<DICT /Length L>> stream\n DATA \nendstream endobj". */
static void
add_stream(struct strbuf *sb, int obj, const char *dict, const void *data, size_t n)
{
	sb_printf(sb, "%d 0 obj\n<< %s /Length %zu >>\nstream\n", obj, dict, n);
	sb_add(sb, data, n);
	sb_adds(sb, "\nendstream\nendobj\n");
}

/* zlib-compress S (N bytes) into a malloc'd buffer. */
static unsigned char *
deflate_buf(const void *s, size_t n, size_t *out)
{
	uLongf cap = compressBound(n);
	unsigned char *z = malloc(cap);

	assert_non_null(z);
	assert_int_equal(compress(z, &cap, s, n), Z_OK);
	*out = cap;
	return z;
}

static void
escaped_names_are_decoded(void **state)
{
	struct run t;

	(void)state;
	run_str(&t, "%PDF-1.4\n1 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n");
	assert_non_null(tl_detail(t.r, 0, "pdf.javascript"));
	assert_non_null(strstr(tl_detail(t.r, 0, "pdf.javascript"), "/J#61vaScript"));
	assert_null(tl_detail(t.r, 0, "pdf.launch"));
	run_free(&t);
}

static void
names_inside_strings_and_comments_do_not_count(void **state)
{
	struct run t;

	(void)state;
	run_str(&t, "%PDF-1.4\n%/JavaScript\n1 0 obj << /Title (see /JS and (/Launch)) >> endobj\n");
	assert_null(tl_detail(t.r, 0, "pdf.javascript"));
	assert_null(tl_detail(t.r, 0, "pdf.launch"));
	run_free(&t);
}

static void
launch_reports_its_target(void **state)
{
	struct run t;

	(void)state;
	run_str(&t, "%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
	    "2 0 obj << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >> endobj\n");
	assert_non_null(tl_detail(t.r, 0, "pdf.launch"));
	assert_non_null(strstr(tl_detail(t.r, 0, "pdf.launch"), "cmd.exe /c calc"));
	assert_non_null(tl_detail(t.r, 0, "pdf.open_action"));
	run_free(&t);
}

static void
encrypt_in_trailer_is_encrypted(void **state)
{
	struct run t;

	(void)state;
	run_str(&t, "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R /Encrypt 5 0 R >>\n");
	assert_non_null(tl_detail(t.r, 0, "doc.encrypted"));
	run_free(&t);
	/* The bare name is not an encryption dictionary. */
	run_str(&t, "%PDF-1.4\n1 0 obj << /Names [/Encrypt] >> endobj\n");
	assert_null(tl_detail(t.r, 0, "doc.encrypted"));
	run_free(&t);
}

static void
object_streams_are_inflated(void **state)
{
	static const char objs[] = "1 0 2 40 << /S /JavaScript /JS (x) >> << /URI (http://e) >>";
	struct strbuf sb = STRBUF_INIT;
	unsigned char *z;
	size_t zn;
	struct run t;

	(void)state;
	z = deflate_buf(objs, sizeof(objs) - 1, &zn);
	sb_adds(&sb, "%PDF-1.5\n");
	add_stream(&sb, 7, "/Type /ObjStm /N 2 /First 8 /Filter /FlateDecode", z, zn);
	run_pdf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, 0, "pdf.javascript"));
	assert_non_null(tl_detail(t.r, 0, "pdf.uri"));
	run_free(&t);
	/* The same stream with its /Type escaped is still an object stream. */
	sb_reset(&sb);
	sb_adds(&sb, "%PDF-1.5\n");
	add_stream(&sb, 7, "/Type /Obj#53tm /Filter [/Fl]", z, zn);
	run_pdf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, 0, "pdf.javascript"));
	run_free(&t);
	free(z);
	sb_free(&sb);
}

/* Part id of the child named NAME, or -1. */
static int
child(struct run *t, const char *name)
{
	int i;

	for (i = 1; i < report_nparts(t->r); i++)
		if (report_part(t->r, i)->filename != NULL &&
		    strcmp(report_part(t->r, i)->filename, name) == 0)
			return i;
	return -1;
}

static void
embedded_file_becomes_a_named_child(void **state)
{
	static const char exe[] = "MZ\x90\0 this is not really a program";
	struct strbuf sb = STRBUF_INIT;
	unsigned char *z;
	size_t zn;
	struct run t;
	int c;

	(void)state;
	z = deflate_buf(exe, sizeof(exe) - 1, &zn);
	sb_adds(&sb, "%PDF-1.7\n1 0 obj << /Type /Filespec /F (a.txt) "
	    "/UF <FEFF006500760069006C002E006500780065> /EF << /F 4 0 R >> >> endobj\n");
	add_stream(&sb, 4, "/Type /EmbeddedFile /Filter /FlateDecode", z, zn);
	run_pdf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, 0, "pdf.embedded_file"));
	c = child(&t, "evil.exe");
	assert_true(c > 0);
	assert_int_equal(report_part(t.r, c)->size, sizeof(exe) - 1);
	run_free(&t);
	free(z);
	sb_free(&sb);
}

static void
ef_by_reference_is_followed(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	sb_adds(&sb, "%PDF-1.7\n2 0 obj << /Type /Filespec /F (dir/run.bat) /EF 3 0 R >> endobj\n"
	    "3 0 obj << /F 9 0 R >> endobj\n");
	/* No /Type on the stream: only the /EF reference says it is a file. */
	add_stream(&sb, 9, "", "@echo off", 9);
	run_pdf(&t, sb.s, sb.len);
	/* Path characters in the name are replaced, so the part path has no fake step. */
	assert_true(child(&t, "dir_run.bat") > 0);
	assert_int_equal(report_part(t.r, child(&t, "dir_run.bat"))->size, 9);
	run_free(&t);
	sb_free(&sb);
}

/* An object stream of N bytes (the JS name first, zeros after) through pdf_scan. */
static void
run_objstm_of(struct run *t, size_t n)
{
	unsigned char *zeros = calloc(1, n), *z;
	struct strbuf sb = STRBUF_INIT;
	size_t zn;

	assert_non_null(zeros);
	memcpy(zeros, "<< /JS 1 >>", 11);
	z = deflate_buf(zeros, n, &zn);
	free(zeros);
	sb_adds(&sb, "%PDF-1.5\n");
	add_stream(&sb, 1, "/Type /ObjStm /Filter /FlateDecode", z, zn);
	run_pdf(t, sb.s, sb.len);
	free(z);
	sb_free(&sb);
}

static void
inflate_just_under_the_cap_is_whole(void **state)
{
	struct run t;

	(void)state;
	run_objstm_of(&t, 16u * 1024 * 1024);	/* PDF_STREAM_MAX exactly */
	assert_null(tl_detail(t.r, 0, "scan.limit"));
	assert_non_null(tl_detail(t.r, 0, "pdf.javascript"));
	run_free(&t);
	run_objstm_of(&t, 16u * 1024 * 1024 + 1);
	assert_non_null(tl_detail(t.r, 0, "scan.limit"));
	run_free(&t);
}

static void
inflate_is_capped(void **state)
{
	size_t n = 17u * 1024 * 1024, zn;
	unsigned char *zeros = calloc(1, n), *z;
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	assert_non_null(zeros);
	memcpy(zeros, "<< /JS 1 >>", 11);
	z = deflate_buf(zeros, n, &zn);
	free(zeros);
	sb_adds(&sb, "%PDF-1.5\n");
	add_stream(&sb, 1, "/Type /ObjStm /Filter /FlateDecode", z, zn);
	run_pdf(&t, sb.s, sb.len);
	assert_non_null(tl_detail(t.r, 0, "scan.limit"));
	assert_non_null(tl_detail(t.r, 0, "pdf.javascript"));
	run_free(&t);
	free(z);
	sb_free(&sb);
}

static void
hostile_lengths_and_truncation_are_survived(void **state)
{
	static const char *const cases[] = {
		"1 0 obj << /Length 99999999999 /Type /EmbeddedFile >>\nstream\nABC",
		"1 0 obj << /Length 3 /Type /EmbeddedFile >>\nstream\nABCDEF\nendstream",
		"obj stream\n", "stream\r", "/", "/#", "/#4", "(((((", "<", "/EF << /F 1 0",
		"/EF 3 0 R", "3 0 obj << /F", "/Launch (", "/Launch /F <4",
		"/UF (a\\", "x 0 obj << /Filter [/FlateDecode /Fl >>\nstream\nxx",
	};
	size_t i;
	struct run t;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_str(&t, cases[i]);
		run_free(&t);
	}
	/* A wrong /Length is not trusted: the stream ends at endstream. */
	run_str(&t, "1 0 obj << /Length 3 /Type /EmbeddedFile >>\nstream\nABCDEF\nendstream\n");
	assert_int_equal(report_part(t.r, 1)->size, 6);
	run_free(&t);
}

static void
clean_pdf_with_links_is_info_only(void **state)
{
	struct run t;

	(void)state;
	run_str(&t, "%PDF-1.4\n1 0 obj << /Type /Annot /A << /S /URI /URI (https://example.org) >> >>"
	    " endobj\ntrailer << /Root 1 0 R >>\n");
	assert_non_null(tl_detail(t.r, 0, "pdf.uri"));
	assert_int_equal(report_max_sev(t.r), SEV_INFO);
	run_free(&t);
	/* Opening at a page is a destination, not an action. */
	run_str(&t, "%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] >> endobj\n");
	assert_null(tl_detail(t.r, 0, "pdf.open_action"));
	run_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaped_names_are_decoded),
		cmocka_unit_test(names_inside_strings_and_comments_do_not_count),
		cmocka_unit_test(launch_reports_its_target),
		cmocka_unit_test(encrypt_in_trailer_is_encrypted),
		cmocka_unit_test(object_streams_are_inflated),
		cmocka_unit_test(embedded_file_becomes_a_named_child),
		cmocka_unit_test(ef_by_reference_is_followed),
		cmocka_unit_test(inflate_just_under_the_cap_is_whole),
		cmocka_unit_test(inflate_is_capped),
		cmocka_unit_test(hostile_lengths_and_truncation_are_survived),
		cmocka_unit_test(clean_pdf_with_links_is_info_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
