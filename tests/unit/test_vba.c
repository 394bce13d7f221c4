/*
 * test_vba.c: MS-OVBA decompression (the specification's example, literal and raw
 * chunks, bad copy tokens, the output cap), dir stream records, keyword analysis
 * (auto-exec procedure names, ActiveX events, suspicious calls, no match inside
 * longer words, Chr() chains, Base64 blobs), and ole_scan() on real corpus files
 * ($EMBARGO_CORPUS; skipped when the corpus is absent).
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
#include "office/vba.h"
#include "testlib.h"

/* MS-OVBA 3.2.3: "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa" */
static void
decompresses_the_specification_example(void **state)
{
	static const unsigned char in[] = {
		0x01, 0x2F, 0xB0, 0x00, 0x23, 0x61, 0x61, 0x61, 0x62, 0x63, 0x64, 0x65, 0x82,
		0x66, 0x00, 0x70, 0x61, 0x67, 0x68, 0x69, 0x6A, 0x01, 0x38, 0x08, 0x61, 0x6B,
		0x6C, 0x00, 0x30, 0x6D, 0x6E, 0x6F, 0x70, 0x06, 0x71, 0x02, 0x70, 0x04, 0x10,
		0x72, 0x73, 0x74, 0x75, 0x76, 0x10, 0x77, 0x78, 0x79, 0x7A, 0x00, 0x3C,
	};
	const char *want = "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
	unsigned char *out = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(vba_decompress(in, sizeof(in), 1 << 20, &out, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	free(out);
}

/* A container of literal-only compressed chunks for DATA. */
static size_t
literal_container(const char *data, size_t len, unsigned char *out)
{
	size_t o = 1, i = 0, hdr, k;

	out[0] = 0x01;
	while (i < len) {
		size_t take = len - i < 3500 ? len - i : 3500, start;

		hdr = o;
		o += 2;
		start = o;
		for (k = 0; k < take; k++) {
			if (k % 8 == 0)
				out[o++] = 0;
			out[o++] = (unsigned char)data[i + k];
		}
		out[hdr] = (unsigned char)((o - start + 2 - 3) & 0xFF);
		out[hdr + 1] = (unsigned char)(0xB0 | (((o - start + 2 - 3) >> 8) & 0x0F));
		i += take;
	}
	return o;
}

static void
literal_and_raw_chunks(void **state)
{
	static char text[9000];
	static unsigned char c[12000];
	unsigned char *out = NULL;
	size_t n, clen, i;

	(void)state;
	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	clen = literal_container(text, sizeof(text), c);
	assert_int_equal(vba_decompress(c, clen, 1 << 20, &out, &n), 0);
	assert_int_equal(n, sizeof(text));
	assert_memory_equal(out, text, n);
	free(out);
	/* a raw chunk: header 0x3FFF (4098 bytes, flag clear), 4096 bytes as they are */
	c[0] = 1;
	c[1] = 0xFF;
	c[2] = 0x3F;
	memcpy(c + 3, text, 4096);
	assert_int_equal(vba_decompress(c, 3 + 4096, 1 << 20, &out, &n), 0);
	assert_int_equal(n, 4096);
	assert_memory_equal(out, text, 4096);
	free(out);
	/* the cap: at most MAX bytes, and the result says it was cut */
	clen = literal_container(text, sizeof(text), c);
	assert_int_equal(vba_decompress(c, clen, 100, &out, &n), -1);
	assert_int_equal(n, 100);
	free(out);
}

static void
malformed_containers(void **state)
{
	/* a copy token before any literal: its offset points before the chunk */
	static const unsigned char early_copy[] = { 0x01, 0x02, 0xB0, 0x01, 0x00, 0x00 };
	static const unsigned char bad_sig[] = { 0x02, 0x00, 0xB0, 0x00, 0x41 };
	static const unsigned char short_chunk[] = { 0x01, 0xFF, 0xBF, 0x00, 0x41, 0x42 };
	unsigned char *out = NULL;
	size_t n;

	(void)state;
	assert_int_equal(vba_decompress(early_copy, sizeof(early_copy), 100, &out, &n), -1);
	assert_int_equal(n, 0);
	free(out);
	assert_int_equal(vba_decompress(bad_sig, sizeof(bad_sig), 100, &out, &n), -1);
	free(out);
	assert_int_equal(vba_decompress(short_chunk, sizeof(short_chunk), 100, &out, &n), -1);
	assert_int_equal(n, 2);         /* what was there is kept */
	free(out);
	assert_int_equal(vba_decompress(bad_sig, 0, 100, &out, &n), -1);
	free(out);
}

static size_t
rec(unsigned char *p, unsigned id, const void *data, uint32_t size)
{
	p[0] = (unsigned char)id;
	p[1] = (unsigned char)(id >> 8);
	p[2] = (unsigned char)size;
	p[3] = (unsigned char)(size >> 8);
	p[4] = (unsigned char)(size >> 16);
	p[5] = (unsigned char)(size >> 24);
	memcpy(p + 6, data, size);
	return 6 + size;
}

static void
dir_records(void **state)
{
	unsigned char d[400];
	struct vba_module m[4];
	size_t o = 0;
	unsigned n;

	(void)state;
	memset(d, 0, sizeof(d));
	o += rec(d + o, 0x0003, "\xe4\x04", 2);                 /* code page */
	o += rec(d + o, 0x0009, "\x04\x00\x00\x00", 4) + 2;  /* Size 4, 6 bytes */
	o += rec(d + o, 0x0019, "Module1", 7);
	o += rec(d + o, 0x001A, "Module1", 7);
	o += rec(d + o, 0x0032, "M\0o\0d\0\xe9\0", 8);
	o += rec(d + o, 0x0031, "\x34\x12\x00\x00", 4);
	o += rec(d + o, 0x0021, "", 0);
	o += rec(d + o, 0x002B, "", 0);
	o += rec(d + o, 0x0019, "Other", 5);
	o += rec(d + o, 0x0010, "", 0);
	o += rec(d + o, 0x0019, "AfterEnd", 8);
	assert_int_equal(vba_dir_parse(d, o, m, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].name, "Module1");
	assert_string_equal(m[0].stream, "Module1");
	assert_string_equal(m[0].ustream, "Mod\xc3\xa9");
	assert_int_equal(m[0].offset, 0x1234);
	assert_int_equal(m[0].procedural, 1);
	assert_string_equal(m[1].name, "Other");
	assert_int_equal(m[1].procedural, 0);
	/* a size past the end is malformed; modules read so far are kept */
	o = rec(d, 0x0019, "A", 1);
	d[o] = 0x1A;
	d[o + 1] = 0;
	d[o + 2] = 0xFF;
	d[o + 3] = 0xFF;
	d[o + 4] = 0;
	d[o + 5] = 0;
	assert_int_equal(vba_dir_parse(d, o + 6, m, 4, &n), -1);
	assert_int_equal(n, 1);
	/* the module cap */
	o = rec(d, 0x0019, "A", 1);
	o += rec(d + o, 0x0019, "B", 1);
	assert_int_equal(vba_dir_parse(d, o, m, 1, &n), 0);
	assert_int_equal(n, 1);
}

static int events = 1;

static void
analyse(const char *src, struct strbuf *a, struct strbuf *s)
{
	sb_init(a, 900);
	sb_init(s, 900);
	vba_analyse(src, strlen(src), events, a, s);
}

static void
autoexec_names_and_events(void **state)
{
	struct strbuf a, s;

	(void)state;
	analyse("Attribute VB_Name = \"x\"\r\nPrivate Sub document_OPEN()\r\nEnd Sub\r\n"
	    "Public Static Function Auto_Close()\r\nEnd Function\r\n"
	    "Sub CommandButton1_Click()\r\nEnd Sub\r\n"
	    "Sub InkPicture1_Painted(ByVal h As Long)\r\nEnd Sub\r\n"
	    "Sub AutoOpenNot()\r\nEnd Sub\r\n' Sub Workbook_Open in a comment\r\n", &a, &s);
	assert_string_equal(sb_str(&a),
	    "Document_Open, Auto_Close, CommandButton1_Click, InkPicture1_Painted");
	assert_string_equal(sb_str(&s), "");
	sb_free(&a);
	sb_free(&s);
	/* a UserForm's control events wait for code to show the form */
	events = 0;
	analyse("Attribute VB_Base = \"0{C62A69F0-16DC-11CE-9E98-00AA00574A4F}{1}\"\r\n"
	    "Private Sub CommandButton1_Click()\r\nEnd Sub\r\nSub AutoOpen()\r\nEnd Sub\r\n",
	    &a, &s);
	events = 1;
	assert_string_equal(sb_str(&a), "AutoOpen");
	sb_free(&a);
	sb_free(&s);
}

static void
suspicious_keywords(void **state)
{
	struct strbuf a, s;

	(void)state;
	analyse("Sub x()\n Set o = CreateObject(\"WScript.Shell\")\n o.Run \"powershell -enc\"\n"
	    "Open f For Binary As #1\n Put #1, , b\nEnd Sub\n"
	    "Private Declare PtrSafe Function K Lib \"kernel32\" ()\n", &a, &s);
	assert_non_null(strstr(sb_str(&s), "CreateObject"));
	assert_non_null(strstr(sb_str(&s), "WScript.Shell"));
	assert_non_null(strstr(sb_str(&s), "Run"));
	assert_non_null(strstr(sb_str(&s), "powershell"));
	assert_non_null(strstr(sb_str(&s), "Open For Output/Binary"));
	assert_non_null(strstr(sb_str(&s), "Put #"));
	assert_non_null(strstr(sb_str(&s), "Declare Lib"));
	sb_free(&a);
	sb_free(&s);
	/* longer words are not the keyword */
	analyse("Sub y()\n Shellfish = Running + Killer + EnvironX + Output\nEnd Sub\n", &a, &s);
	assert_string_equal(sb_str(&s), "");
	sb_free(&a);
	sb_free(&s);
}

static void
obfuscation_markers(void **state)
{
	struct strbuf a, s, src = STRBUF_INIT;
	int i;

	(void)state;
	sb_adds(&src, "x = ");
	for (i = 0; i < 19; i++)
		sb_adds(&src, "Chr(65) & ");
	analyse(sb_str(&src), &a, &s);
	assert_string_equal(sb_str(&s), "");
	sb_free(&a);
	sb_free(&s);
	sb_adds(&src, "ChrW$(66)\ny = \"");
	for (i = 0; i < 12; i++)
		sb_adds(&src, "TVqQAAMAAAAEAAAA");
	sb_adds(&src, "\"\n");
	analyse(sb_str(&src), &a, &s);
	assert_string_equal(sb_str(&s), "Chr() x20, Base64 string");
	sb_free(&a);
	sb_free(&s);
	sb_free(&src);
}

/* ---- real files ---- */

struct run {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	unsigned char *data;
};

static int
run_file(struct run *x, const char *rel)
{
	const char *root = getenv("EMBARGO_CORPUS");
	char path[1024];
	struct scan_input in;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root ? root : "tests/samples", rel);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	x->data = malloc(8 << 20);
	n = fread(x->data, 1, 8 << 20, fp);
	fclose(fp);
	memset(&x->cfg, 0, sizeof(x->cfg));
	scan_limits_default(&x->cfg.lim);
	x->r = report_new();
	report_part_add(x->r, -1, "", 1);
	x->ctx = scan_new(&x->cfg, x->r);
	memset(&in, 0, sizeof(in));
	in.data = x->data;
	in.len = n;
	in.size = n;
	in.tc = TC_OLE2;
	assert_int_equal(ole_scan(x->ctx, &in), EM_OK);
	return 0;
}

static void
run_free(struct run *x)
{
	scan_free(x->ctx);
	report_free(x->r);
	free(x->data);
}

static void
corpus_vba_and_xlm(void **state)
{
	struct run x;
	int i, bas = 0;

	(void)state;
	if (run_file(&x, "vba_autoexec/test.xls") != 0)
		skip();
	assert_non_null(strstr(tl_detail(x.r, -1, "macro.vba"), "Module1"));
	assert_non_null(strstr(tl_detail(x.r, -1, "macro.xlm"), "Auto_Open"));
	for (i = 1; i < report_nparts(x.r); i++)
		if (strcmp(report_part(x.r, i)->path, "VBA/Module1.bas") == 0)
			bas = 1;
	assert_true(bas);
	run_free(&x);
	/* agile encryption with Excel's default password: the package is a child part */
	if (run_file(&x, "vba_autoexec/autostart-encrypt-standardpassword.xlsm") == 0) {
		assert_non_null(strstr(tl_detail(x.r, -1, "doc.encrypted"), "default password"));
		assert_true(report_nparts(x.r) > 1);
		assert_string_equal(report_part(x.r, 1)->path, "EncryptedPackage");
		assert_true(report_part(x.r, 1)->size > 1000);
		run_free(&x);
	}
	/* another password: no child, just doc.encrypted */
	if (run_file(&x, "encrypted_office/encrypted.docx") == 0) {
		assert_non_null(strstr(tl_detail(x.r, -1, "doc.encrypted"), "EncryptedPackage"));
		assert_int_equal(report_nparts(x.r), 1);
		run_free(&x);
	}
	if (run_file(&x, "vba_autoexec/autostart-encrypt-standardpassword.xls") == 0) {
		assert_non_null(strstr(tl_detail(x.r, -1, "macro.vba.autoexec"), "Auto_Open"));
		assert_non_null(tl_detail(x.r, -1, "doc.encrypted"));
		run_free(&x);
	}
}

static void
corpus_clean_documents_have_no_macros(void **state)
{
	static const char *const clean[] = {
		"clean/harmless-clean.doc", "clean/testWORD.doc", "clean/has_png_and_jpeg.xls",
		"clean/testEXCEL_embeddedPDF_windows.xls",
	};
	struct run x;
	size_t k;
	int i;

	(void)state;
	for (k = 0; k < sizeof(clean) / sizeof(clean[0]); k++) {
		if (run_file(&x, clean[k]) != 0)
			skip();
		for (i = 0; i < report_nfindings(x.r); i++)
			assert_false(strncmp(report_finding(x.r, i)->name, "macro.", 6) == 0 ||
			    strncmp(report_finding(x.r, i)->name, "doc.", 4) == 0 ||
			    strcmp(report_finding(x.r, i)->name, "scan.error") == 0);
		run_free(&x);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decompresses_the_specification_example),
		cmocka_unit_test(literal_and_raw_chunks),
		cmocka_unit_test(malformed_containers),
		cmocka_unit_test(dir_records),
		cmocka_unit_test(autoexec_names_and_events),
		cmocka_unit_test(suspicious_keywords),
		cmocka_unit_test(obfuscation_markers),
		cmocka_unit_test(corpus_vba_and_xlm),
		cmocka_unit_test(corpus_clean_documents_have_no_macros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
