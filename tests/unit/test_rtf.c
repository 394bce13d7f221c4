/*
 * test_rtf.c: rtf.c and rtf_object.c on hand-written RTF: OLE1 Package objects,
 * the hex obfuscations Word accepts, \bin, Equation.3, DDE fields, objects without
 * data, truncated headers and hostile nesting.
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
#include "office/rtf.h"

struct fx {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct scan_input in;
	em_status st;
};

static void
fx_run(struct fx *f, const char *rtf, size_t len)
{
	memset(f, 0, sizeof(*f));
	scan_limits_default(&f->cfg.lim);
	f->r = report_new();
	assert_non_null(f->r);
	assert_int_equal(report_part_add(f->r, -1, "", 1), 0);
	f->ctx = scan_new(&f->cfg, f->r);
	assert_non_null(f->ctx);
	f->in.part = 0;
	f->in.data = (const unsigned char *)rtf;
	f->in.len = len;
	f->in.size = len;
	f->in.tc = TC_RTF;
	f->st = rtf_scan(f->ctx, &f->in);
}

static void
fx_free(struct fx *f)
{
	scan_free(f->ctx);
	report_free(f->r);
}

/* The first finding named NAME, or NULL. */
static const struct finding *
fx_find(struct fx *f, const char *name)
{
	int i;

	for (i = 0; i < report_nfindings(f->r); i++)
		if (strcmp(report_finding(f->r, i)->name, name) == 0)
			return report_finding(f->r, i);
	return NULL;
}

static int
fx_count(struct fx *f, const char *name)
{
	int i, n = 0;

	for (i = 0; i < report_nfindings(f->r); i++)
		n += strcmp(report_finding(f->r, i)->name, name) == 0;
	return n;
}

/* OLE1 header "Package", embedded, then a Package holding readme.txt with "Hello". */
#define PKG_HEX \
	"0105000002000000080000005061636b616765000000000000000000" \
	"3b000000" \
	"0200726561646d652e74787400433a5c726561646d652e74787400" \
	"00000300" "0f000000" "433a5c54656d705c726561646d6500" \
	"05000000" "48656c6c6f"

static void
package_object_yields_its_file(void **state)
{
	const char *rtf = "{\\rtf1{\\object\\objemb{\\*\\objclass Package}"
	    "{\\*\\objdata " PKG_HEX "}}}";
	struct fx f;
	const struct report_part *p;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(f.st, EM_OK);
	assert_non_null(fx_find(&f, "doc.rtf_object"));
	assert_non_null(strstr(fx_find(&f, "doc.rtf_object")->detail, "Package"));
	assert_non_null(fx_find(&f, "doc.ole_object"));
	assert_int_equal(report_nparts(f.r), 2);
	p = report_part(f.r, 1);
	assert_string_equal(p->filename, "readme.txt");
	assert_int_equal(p->size, 5);
	fx_free(&f);
}

/* Whitespace, CR/LF, unknown control words, a nested group, \bin raw bytes and an
 * odd trailing digit all decode the way Word decodes them. */
static const char obf_rtf[] = "{\\rtf1{\\object\\objemb{\\*\\objdata 0105 0000\r\n02\t000000"
    "\\foo123 08000000{\\bar 5061}636b61676500"
    "00000000 00000000"
    "\\bin4 \x1a\x00\x00\x00"
    "0200 61 2e6578 6500 6100 00000300 01000000 00 03000000 4d5a90 7}}}";

static void
obfuscated_hex_decodes_like_word(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, obf_rtf, sizeof(obf_rtf) - 1);
	assert_int_equal(f.st, EM_OK);
	assert_non_null(fx_find(&f, "doc.ole_object"));
	assert_non_null(strstr(fx_find(&f, "doc.ole_object")->detail, "a.exe"));
	assert_int_equal(report_nparts(f.r), 2);
	assert_string_equal(report_part(f.r, 1)->filename, "a.exe");
	assert_int_equal(report_part(f.r, 1)->size, 3);
	fx_free(&f);
}

static void
equation_is_called_out(void **state)
{
	const char *rtf = "{\\rtf1{\\object\\objupdate\\objemb{\\*\\objclass Equation.3}"
	    "{\\*\\objdata "
	    "01050000" "02000000" "0b000000" "4571756174696f6e2e3300"
	    "00000000" "00000000" "08000000" "d0cf11e0a1b11ae1}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_non_null(fx_find(&f, "doc.rtf_object"));
	assert_non_null(strstr(fx_find(&f, "doc.rtf_object")->detail, "CVE-2017-11882"));
	assert_non_null(strstr(fx_find(&f, "doc.rtf_object")->detail, "objemb+objupdate"));
	assert_non_null(fx_find(&f, "doc.ole_object"));
	assert_int_equal(report_nparts(f.r), 2);
	assert_string_equal(report_part(f.r, 1)->filename, "objdata0.bin");
	assert_int_equal(report_part(f.r, 1)->size, 8);
	fx_free(&f);
}

/* The issue_251 trick: odd version, a control word and a destination group with
 * hex-looking text ("abc") inside \objdata. */
static void
hidden_digits_in_destinations_are_not_data(void **state)
{
	const char *rtf = "{\\rtf1{\\object{\\*\\objclass Equation.3}{\\*\\objdata 11\r\n"
	    "\\fnil 050000020000000B0000006571756174696F6E2E33000000000000000000000\r\n"
	    "C0000D{\\proptype\\staticval\r\nabc}\r\n0CF11E0A1B11AE1}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(f.st, EM_OK);
	assert_non_null(fx_find(&f, "doc.ole_object"));
	assert_non_null(strstr(fx_find(&f, "doc.ole_object")->detail, "equation.3"));
	assert_int_equal(report_nparts(f.r), 2);
	/* D0 CF 11 E0 A1 B1 1A E1 and the lone last digit dropped */
	assert_int_equal(report_part(f.r, 1)->size, 8);
	fx_free(&f);
}

static void
native_size_past_end_is_cut(void **state)
{
	const char *rtf = "{\\rtf1{\\object{\\*\\objdata "
	    "01050000" "02000000" "04000000" "466f6f00"
	    "00000000" "00000000" "ffffff7f" "414243}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(f.st, EM_OK);
	assert_int_equal(report_nparts(f.r), 2);
	assert_int_equal(report_part(f.r, 1)->size, 3);
	fx_free(&f);
}

static void
truncated_header_is_a_finding(void **state)
{
	const char *rtf = "{\\rtf1{\\object{\\*\\objdata 0105000002000000ffffff}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(f.st, EM_OK);
	assert_non_null(fx_find(&f, "doc.rtf_object"));
	assert_non_null(strstr(fx_find(&f, "doc.rtf_object")->detail, "not an OLE1"));
	fx_free(&f);
}

static void
object_without_data_is_reported_once(void **state)
{
	const char *rtf = "{\\rtf1{\\object\\objautlink{\\*\\objclass Word.Document.8}"
	    "\\objw10{\\result x}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(fx_count(&f, "doc.rtf_object"), 1);
	assert_non_null(strstr(fx_find(&f, "doc.rtf_object")->detail, "objautlink"));
	assert_int_equal(report_nparts(f.r), 1);
	fx_free(&f);
}

static void
ddeauto_field_split_over_groups(void **state)
{
	const char *rtf = "{\\rtf1{\\field{\\*\\fldinst {\\rtlch DDE}{AUTO c:\\\\windows"
	    "\\\\system32\\\\cmd.exe \"/k calc\"}}{\\fldrslt x}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_non_null(fx_find(&f, "doc.dde"));
	assert_non_null(strstr(fx_find(&f, "doc.dde")->detail,
	    "DDEAUTO c:\\windows\\system32\\cmd.exe"));
	fx_free(&f);
}

static void
remote_fields_and_links_are_external(void **state)
{
	/* a linked object: OLE1 format 1, class "Word", topic http://h/x.doc */
	const char *rtf = "{\\rtf1{\\field{\\*\\fldinst INCLUDEPICTURE "
	    "\"\\\\\\\\srv\\\\a.png\" \\\\d}{\\fldrslt x}}"
	    "{\\object\\objautlink{\\*\\objdata 01050000 01000000 05000000 576f726400"
	    "0f000000 687474703a2f2f682f782e646f6300 00000000}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(fx_count(&f, "doc.external_link"), 2);
	assert_non_null(strstr(fx_find(&f, "doc.external_link")->detail,
	    "INCLUDEPICTURE \"\\\\srv\\a.png\""));
	assert_int_equal(fx_count(&f, "doc.rtf_object"), 1);
	assert_int_equal(report_nparts(f.r), 1);
	fx_free(&f);
}

static void
ddeauto_in_a_nested_field(void **state)
{
	const char *rtf = "{\\rtf1{\\field{\\*\\fldinst IF 1 = 1 {\\field{\\*\\fldinst "
	    "DDEAUTO c:\\\\a.exe}{\\fldrslt z}} x}{\\fldrslt y}}}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(fx_count(&f, "doc.dde"), 1);
	assert_string_equal(fx_find(&f, "doc.dde")->detail, "RTF field: DDEAUTO c:\\a.exe x");
	fx_free(&f);
}

static void
ordinary_fields_and_text_are_clean(void **state)
{
	const char *rtf = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\field{\\*\\fldinst "
	    "HYPERLINK \"http://example.org\"}{\\fldrslt link}}\\par "
	    "{\\*\\generator DDEAUTO not a field}0105000002000000\\par}";
	struct fx f;

	(void)state;
	fx_run(&f, rtf, strlen(rtf));
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
}

static void
deep_nesting_does_not_recurse(void **state)
{
	size_t n = 200000, i;
	char *rtf = malloc(2 * n + 64);
	size_t k = 0;
	struct fx f;

	(void)state;
	assert_non_null(rtf);
	k += (size_t)snprintf(rtf, 64, "{\\rtf1{\\object{\\*\\objdata 0105");
	for (i = 0; i < n; i++)
		rtf[k++] = '{';
	for (i = 0; i < n; i++)
		rtf[k++] = '}';
	fx_run(&f, rtf, k);   /* unterminated outer groups end at EOF */
	assert_int_equal(f.st, EM_OK);
	assert_int_equal(fx_count(&f, "doc.rtf_object"), 1);
	fx_free(&f);
	free(rtf);
}

static void
object_count_is_capped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "{\\rtf1");
	for (i = 0; i < 100; i++)
		sb_adds(&sb, "{\\object{\\*\\objdata 00}}");
	sb_adds(&sb, "}");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_non_null(fx_find(&f, "scan.limit"));
	assert_int_equal(fx_count(&f, "doc.rtf_object"), 64);
	fx_free(&f);
	sb_free(&sb);
}

static void
ole1_parser_rejects_garbage(void **state)
{
	struct rtf_ole1 o;
	const unsigned char junk[] = { 1, 5, 0, 0, 9, 0, 0, 0 };
	const unsigned char shortc[] = { 1, 5, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff };

	(void)state;
	assert_int_equal(rtf_ole1_parse(junk, sizeof(junk), &o), -1);
	assert_int_equal(rtf_ole1_parse(shortc, sizeof(shortc), &o), -1);
	assert_int_equal(rtf_ole1_parse(junk, 3, &o), -1);
}

/* {\*\template ...} on a web server or share is doc.remote_template; a local one
 * (or none) is nothing; a truncated one is still judged at end of input. */
static void
remote_template(void **state)
{
	static const char web[] = "{\\rtf1{\\*\\template http://203.0.113.9/t.dotm}x}";
	static const char unc[] = "{\\rtf1{\\*\\template \\\\\\\\dav.example@SSL\\\\w\\\\t.dot}}";
	static const char local[] = "{\\rtf1{\\*\\template C:\\\\T\\\\Normal.dotm}}";
	static const char cut[] = "{\\rtf1{\\*\\template https://203.0.113.9/t";
	struct fx f;

	(void)state;
	fx_run(&f, web, sizeof(web) - 1);
	assert_int_equal(report_nfindings(f.r), 1);
	assert_string_equal(fx_find(&f, "doc.remote_template")->detail,
	    "RTF \\template on a web URL: http://203.0.113.9/t.dotm");
	fx_free(&f);
	fx_run(&f, unc, sizeof(unc) - 1);
	assert_string_equal(fx_find(&f, "doc.remote_template")->detail,
	    "RTF \\template on a WebDAV share: \\\\dav.example@SSL\\w\\t.dot");
	fx_free(&f);
	fx_run(&f, local, sizeof(local) - 1);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	fx_run(&f, cut, sizeof(cut) - 1);
	assert_int_equal(fx_count(&f, "doc.remote_template"), 1);
	fx_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remote_template),
		cmocka_unit_test(package_object_yields_its_file),
		cmocka_unit_test(obfuscated_hex_decodes_like_word),
		cmocka_unit_test(equation_is_called_out),
		cmocka_unit_test(hidden_digits_in_destinations_are_not_data),
		cmocka_unit_test(native_size_past_end_is_cut),
		cmocka_unit_test(truncated_header_is_a_finding),
		cmocka_unit_test(object_without_data_is_reported_once),
		cmocka_unit_test(ddeauto_field_split_over_groups),
		cmocka_unit_test(remote_fields_and_links_are_external),
		cmocka_unit_test(ddeauto_in_a_nested_field),
		cmocka_unit_test(ordinary_fields_and_text_are_clean),
		cmocka_unit_test(deep_nesting_does_not_recurse),
		cmocka_unit_test(object_count_is_capped),
		cmocka_unit_test(ole1_parser_rejects_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
