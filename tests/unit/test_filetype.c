/*
 * test_filetype.c: every signature check of filetype.c on made-up buffers, the text
 * checks (messages, scripts, text shortcuts), the extension and mismatch rules, and
 * filetype_scan() end to end with a report (libmagic included).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"
#include "detect/polyglot.h"
#include "detect/filetype.h"

static unsigned char buf[0x9800];

static void
put(size_t off, const void *p, size_t n)
{
	memcpy(buf + off, p, n);
}

static enum tclass
sniff(size_t len)
{
	struct ft_sniff o;

	if (!filetype_sniff(buf, len, len, NULL, 0, &o))
		return TC_UNKNOWN;
	return o.tc;
}

static void
le32(size_t off, uint32_t v)
{
	buf[off] = v & 0xff; buf[off + 1] = v >> 8 & 0xff;
	buf[off + 2] = v >> 16 & 0xff; buf[off + 3] = v >> 24;
}

static void
pe_variants(void **state)
{
	struct ft_sniff o;

	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "MZ", 2);
	le32(0x3c, 0x80);
	assert_int_equal(sniff(0x200), TC_UNKNOWN);     /* MZ without PE: libmagic decides */
	put(0x80, "PE\0\0", 4);
	buf[0x80 + 24] = 0x0b; buf[0x80 + 25] = 0x01;    /* PE32 */
	assert_true(filetype_sniff(buf, 0x200, 0x200, NULL, 0, &o));
	assert_int_equal(o.tc, TC_EXECUTABLE);
	assert_string_equal(o.what, "PE PE32");
	buf[0x80 + 23] = 0x20;                           /* IMAGE_FILE_DLL */
	le32(0x80 + 24 + 96 + 14 * 8, 0x2000);           /* CLR runtime header */
	assert_true(filetype_sniff(buf, 0x200, 0x200, NULL, 0, &o));
	assert_string_equal(o.what, "PE .NET PE32 DLL");
	/* e_lfanew past the window: not claimed as PE */
	le32(0x3c, 0x7fffffff);
	assert_int_equal(sniff(0x200), TC_UNKNOWN);
}

static void
elf_macho_java(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "\177ELF\2", 5);
	assert_int_equal(sniff(64), TC_EXECUTABLE);
	memset(buf, 0, 64);
	put(0, "\xcf\xfa\xed\xfe", 4);
	assert_int_equal(sniff(64), TC_EXECUTABLE);
	put(0, "\xca\xfe\xba\xbe\0\0\0\2", 8);           /* fat Mach-O, 2 archs */
	assert_int_equal(sniff(64), TC_EXECUTABLE);
	put(0, "\xca\xfe\xba\xbe\0\0\0\x34", 8);         /* Java class version 52 */
	assert_int_not_equal(sniff(64), TC_EXECUTABLE);
}

static void
ole2_msi_by_clsid(void **state)
{
	static const unsigned char msi[16] = { 0x84, 0x10, 0x0c, 0, 0, 0, 0, 0, 0xc0,
		0, 0, 0, 0, 0, 0, 0x46 };

	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	buf[0x1e] = 9;                                   /* 512-byte sectors */
	le32(0x30, 1);                                   /* directory at sector 1 */
	assert_int_equal(sniff(2048), TC_OLE2);
	put((1 + 1) * 512 + 0x50, msi, 16);
	assert_int_equal(sniff(2048), TC_EXECUTABLE);
	buf[(1 + 1) * 512 + 0x50] = 0x86;                /* MSP */
	assert_int_equal(sniff(2048), TC_EXECUTABLE);
	buf[(1 + 1) * 512 + 0x50] = 0x82;                /* MST transform: not run */
	assert_int_equal(sniff(2048), TC_OLE2);
	le32(0x30, 0xffffffff);                          /* hostile directory sector */
	assert_int_equal(sniff(2048), TC_OLE2);
}

static void
onenote_chm_lnk_pdf_rtf(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16);
	assert_int_equal(sniff(64), TC_ONENOTE);
	memset(buf, 0, 64);
	put(0, "ITSF\3\0\0\0", 8);
	assert_int_equal(sniff(64), TC_CHM);
	put(0, "L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46", 20);
	assert_int_equal(sniff(128), TC_SHORTCUT);
	buf[4] = 0x02;                                   /* wrong CLSID */
	assert_int_not_equal(sniff(128), TC_SHORTCUT);
	memset(buf, 'x', 2048);
	put(1000, "%PDF-1.7", 8);
	assert_int_equal(sniff(2048), TC_PDF);           /* within 1024 bytes */
	memset(buf, 'x', 2048);
	put(1100, "%PDF-1.7", 8);
	assert_int_not_equal(sniff(2048), TC_PDF);
	memcpy(buf, "{\\rtf1\\ansi", 11);
	assert_int_equal(sniff(11), TC_RTF);
}

/* A zip local header for NAME at OFF, stored DATA after it; returns the end. */
static size_t
zip_entry(size_t off, const char *name, const char *data)
{
	size_t nl = strlen(name), dl = strlen(data);

	memset(buf + off, 0, 30);
	put(off, "PK\3\4", 4);
	buf[off + 4] = 20;
	buf[off + 26] = (unsigned char)nl;
	put(off + 30, name, nl);
	put(off + 30 + nl, data, dl);
	return off + 30 + nl + dl;
}

static void
zip_ooxml_odf(void **state)
{
	struct ft_sniff o;
	size_t end;

	(void)state;
	memset(buf, 0, sizeof(buf));
	end = zip_entry(0, "a.txt", "hello");
	assert_int_equal(sniff(end), TC_ARCHIVE);
	end = zip_entry(end, "[Content_Types].xml", "<Types/>");
	assert_true(filetype_sniff(buf, end, end, NULL, 0, &o));
	assert_int_equal(o.tc, TC_OOXML);
	assert_false(o.vba);
	assert_null(o.mime);                  /* no main part folder: libmagic decides */
	end = zip_entry(end, "word/vbaProject.bin", "x");
	assert_true(filetype_sniff(buf, end, end, NULL, 0, &o));
	assert_true(o.vba);
	assert_string_equal(o.mime,
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	/* the name only inside member data does not count */
	memset(buf, 0, sizeof(buf));
	end = zip_entry(0, "a.txt", "[Content_Types].xml");
	assert_int_equal(sniff(end), TC_ARCHIVE);
	/* a declared name length running off the end */
	buf[26] = 0xff;
	assert_int_equal(sniff(end), TC_ARCHIVE);
	memset(buf, 0, sizeof(buf));
	end = zip_entry(0, "mimetype", "application/vnd.oasis.opendocument.text");
	assert_int_equal(sniff(end), TC_ODF);
	put(0, "PK\5\6", 4);                             /* empty zip */
	assert_int_equal(sniff(22), TC_ARCHIVE);
}

static void
archive_signatures(void **state)
{
	static const struct { size_t off; const char *sig; size_t n; } a[] = {
		{ 0, "7z\xbc\xaf\x27\x1c", 6 }, { 0, "Rar!\x1a\x07\x00", 7 },
		{ 0, "Rar!\x1a\x07\x01\x00", 8 }, { 257, "ustar", 5 }, { 0, "\x1f\x8b\x08", 3 },
		{ 0, "BZh9", 4 }, { 0, "\xfd" "7zXZ\0", 6 }, { 0, "\x28\xb5\x2f\xfd", 4 },
		{ 0, "\x04\x22\x4d\x18", 4 }, { 0, "\x1f\x9d", 2 }, { 0, "MSCF\0\0\0\0", 8 },
		{ 0, "\0\0-lh5-", 7 }, { 0, "\x60\xea", 2 }, { 0, "070701", 6 },
		{ 0, "!<arch>\n", 8 }, { 0, "xar!", 4 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		memset(buf, 0, 1024);
		put(a[i].off, a[i].sig, a[i].n);
		assert_int_equal(sniff(1024), TC_ARCHIVE);
	}
	memset(buf, 0, 1024);
	put(0, "BZh0", 4);                               /* not a bzip2 block size */
	assert_int_equal(sniff(1024), TC_UNKNOWN);
}

/* Common images are typed by signature, after every container signature. */
static void
images(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "\xff\xd8\xff\xe0", 4);
	assert_int_equal(sniff(64), TC_IMAGE);
	put(0, "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(sniff(64), TC_IMAGE);
	put(0, "GIF89a", 6);
	assert_int_equal(sniff(64), TC_IMAGE);
	put(0, "GIF88a", 6);
	assert_int_equal(sniff(64), TC_UNKNOWN);
	/* an ISO 9660 image whose system area starts like a JPEG is a disk image */
	put(0, "\xff\xd8\xff\xe0", 4);
	put(0x8001, "CD001", 5);
	assert_int_equal(sniff(sizeof(buf)), TC_DISK_IMAGE);
}

static void
disk_images(void **state)
{
	static const size_t iso[] = { 0x8001, 0x8801, 0x9001 };
	unsigned char tail[512];
	struct ft_sniff o;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		memset(buf, 0, sizeof(buf));
		put(iso[i], "CD001", 5);
		assert_int_equal(sniff(sizeof(buf)), TC_DISK_IMAGE);
		assert_int_equal(sniff(iso[i] + 4), TC_UNKNOWN);  /* cut by the window */
	}
	memset(buf, 0, sizeof(buf));
	put(0x8001, "BEA01", 5);
	assert_int_equal(sniff(sizeof(buf)), TC_DISK_IMAGE);
	memset(buf, 0, sizeof(buf));
	put(0, "vhdxfile", 8);
	assert_int_equal(sniff(64), TC_DISK_IMAGE);
	put(0, "conectix", 8);
	assert_int_equal(sniff(64), TC_DISK_IMAGE);
	memset(buf, 0, 64);
	memset(tail, 0, sizeof(tail));
	memcpy(tail, "conectix", 8);
	assert_true(filetype_sniff(buf, 64, 1u << 20, tail, 512, &o));
	assert_string_equal(o.what, "VHD (conectix footer)");
	memcpy(tail, "koly", 4);
	assert_true(filetype_sniff(buf, 64, 1u << 20, tail, 512, &o));
	assert_int_equal(o.tc, TC_DISK_IMAGE);
	/* FAT12 boot sector */
	memset(buf, 0, 512);
	buf[0] = 0xeb; buf[1] = 0x3c; buf[2] = 0x90; buf[11] = 0; buf[12] = 2;
	put(0x36, "FAT12   ", 8);
	buf[510] = 0x55; buf[511] = 0xaa;
	assert_int_equal(sniff(512), TC_DISK_IMAGE);
	buf[511] = 0;
	assert_int_equal(sniff(512), TC_UNKNOWN);
	memset(buf, 0, 512);
	put(3, "NTFS    ", 8);
	assert_int_equal(sniff(512), TC_DISK_IMAGE);
}

static void
text_shortcuts_and_empty(void **state)
{
	struct ft_sniff o;
	const char *url = "\r\n[InternetShortcut]\r\nURL=file://host/share/x.exe\r\n";
	const char *lib = "<?xml version=\"1.0\"?><libraryDescription xmlns=\"x\"/>";

	(void)state;
	assert_true(filetype_sniff((const unsigned char *)url, strlen(url), strlen(url),
	    NULL, 0, &o));
	assert_int_equal(o.tc, TC_SHORTCUT);
	assert_true(filetype_sniff((const unsigned char *)"[Shell]\nCommand=2\n", 18, 18,
	    NULL, 0, &o));
	assert_int_equal(o.tc, TC_SHORTCUT);
	assert_true(filetype_sniff((const unsigned char *)lib, strlen(lib), strlen(lib), NULL,
	    0, &o));
	assert_int_equal(o.tc, TC_SHORTCUT);
	assert_true(filetype_sniff(NULL, 0, 0, NULL, 0, &o));
	assert_int_equal(o.tc, TC_EMPTY);
	assert_false(filetype_sniff((const unsigned char *)"hello", 5, 5, NULL, 0, &o));
}

#define T(s) (const unsigned char *)(s), strlen(s)

static void
messages(void **state)
{
	(void)state;
	assert_true(filetype_is_message(T("Received: from x\r\n\tby y\r\nFrom: a@b\r\n"
	    "Subject: hi\r\n\r\nbody")));
	assert_true(filetype_is_message(T("From a@b Thu Jan  1 00:00:00 2024\nSubject: x\n"
	    "To: c@d\n\nbody")));
	assert_true(filetype_is_message(T("Subject: x\nContent-Type(meow): text/plain\n"
	    "MIME-Version: 1.0\n\n")));
	/* a MIME entity alone is not a message */
	assert_false(filetype_is_message(T("Content-Type: text/plain\n"
	    "Content-Transfer-Encoding: 7bit\n\nx")));
	assert_false(filetype_is_message(T("Dear all,\nFrom: me\n")));
	assert_false(filetype_is_message(T("From: a@b\n")));            /* one line */
	assert_false(filetype_is_message(T(" folded: first\nFrom: a\nTo: b\n")));
	assert_false(filetype_is_message(T("")));
}

/* Text is typed by our own markup checks, not libmagic (texttype.c). */
static void
text_mime(void **state)
{
	static char big[6000];

	(void)state;
	assert_string_equal(filetype_text_mime(T("just words, no markup\n")), "text/plain");
	assert_string_equal(filetype_text_mime(T("\xef\xbb\xbf \r\n<?xml version=\"1.0\"?><w:document/>")),
	    "text/xml");
	assert_string_equal(filetype_text_mime(T("<?xml version=\"1.0\"?>\n<SVG width=\"1\">")),
	    "image/svg+xml");
	assert_string_equal(filetype_text_mime(T("<svg onload=\"x()\">")), "image/svg+xml");
	assert_string_equal(filetype_text_mime(T("<?xml version=\"1.0\"?><html xmlns=\"x\">")),
	    "application/xhtml+xml");
	assert_string_equal(filetype_text_mime(T("<!DOCTYPE HTML><p>x")), "text/html");
	assert_string_equal(filetype_text_mime(T("Hello\n<Script>var a;</script>")), "text/html");
	assert_string_equal(filetype_text_mime(T("a < b and <abc> is no tag")), "text/plain");
	/* markers count in the first 4 KB only */
	memset(big, 'a', sizeof(big));
	memcpy(big + 5000, "<script>", 8);
	assert_string_equal(filetype_text_mime((const unsigned char *)big, sizeof(big)),
	    "text/plain");
	memcpy(big + 100, "<iframe", 7);
	assert_string_equal(filetype_text_mime((const unsigned char *)big, sizeof(big)),
	    "text/html");
	assert_int_equal(filetype_mime_class(filetype_text_mime(T("<svg>"))), TC_HTML);
	assert_int_equal(filetype_mime_class(filetype_text_mime(T("<?xml?><a/>"))), TC_XML);
}

static void
scripts(void **state)
{
	(void)state;
	assert_string_equal(filetype_script(T("var a = 1;"), "x.js"), "JScript");
	assert_string_equal(filetype_script(T("var a = 1;"), "X.JS. "), "JScript");
	assert_null(filetype_script(T("var a = 1;"), "x.txt"));
	assert_null(filetype_script((const unsigned char *)"a\0b", 3, "x.js"));  /* binary */
	assert_non_null(filetype_script(T("#@~^XXXX"), NULL));
	assert_non_null(filetype_script(T("<html><HTA:APPLICATION id=x>"), "a.html"));
	assert_non_null(filetype_script(T("<job id=\"a\">\n<script language=\"VBScript\">"),
	    NULL));
	assert_non_null(filetype_script(T("\xef\xbb\xbf@ECHO OFF\r\ndel x"), NULL));
	assert_non_null(filetype_script(T("#!/bin/sh\nrm -rf x"), NULL));
	assert_non_null(filetype_script(T("WEB\r\n1\r\nhttp://x/"), NULL));
	/* weak markers: a named file that is not a viewer document */
	assert_non_null(filetype_script(T("Set s = WScript.CreateObject(\"x\")"), "update"));
	assert_null(filetype_script(T("Set s = WScript.CreateObject(\"x\")"), "notes.txt"));
	assert_null(filetype_script(T("new ActiveXObject('x')"), NULL));  /* a mail body */
	assert_null(filetype_script(T("<html><script language=\"javascript\">"), "a.html"));
}

static void
extension_classes(void **state)
{
	(void)state;
	assert_int_equal(filetype_ext_class("a.PDF"), TC_PDF);
	assert_int_equal(filetype_ext_class("a.pdf.exe"), TC_EXECUTABLE);
	assert_int_equal(filetype_ext_class("a.exe. . "), TC_EXECUTABLE);
	assert_int_equal(filetype_ext_class("dir.pdf/readme"), TC_UNKNOWN);
	assert_int_equal(filetype_ext_class("noext"), TC_UNKNOWN);
	assert_int_equal(filetype_ext_class(NULL), TC_UNKNOWN);
	assert_int_equal(filetype_ext_class("a.vbs"), TC_SCRIPT);
	assert_int_equal(filetype_mime_class("application/vnd.openxmlformats-officedocument"
	    ".wordprocessingml.document"), TC_OOXML);
	assert_int_equal(filetype_mime_class("image/png"), TC_IMAGE);
	assert_int_equal(filetype_mime_class("application/x-nothing"), TC_UNKNOWN);
}

static void
mismatch_rules(void **state)
{
	int low;

	(void)state;
	assert_non_null(filetype_mismatch(TC_EXECUTABLE, 0, "report.pdf", NULL, &low));
	assert_false(low);
	assert_non_null(filetype_mismatch(TC_EXECUTABLE, 0, "a.txt", NULL, &low));
	assert_non_null(filetype_mismatch(TC_EXECUTABLE, 0, "a.jpg", NULL, &low));
	assert_non_null(filetype_mismatch(TC_ARCHIVE, 0, "a.txt", NULL, &low));
	assert_non_null(filetype_mismatch(TC_OOXML, 1, "a.jpg", NULL, &low));
	assert_non_null(filetype_mismatch(TC_OOXML, 1, "a.docx", NULL, &low));
	assert_null(filetype_mismatch(TC_OOXML, 1, "a.docm", NULL, &low));
	assert_non_null(filetype_mismatch(TC_EXECUTABLE, 0, "noname", "application/pdf", &low));
	assert_non_null(filetype_mismatch(TC_RTF, 0, "a.doc", NULL, &low));
	assert_true(low);
	/* harmless differences */
	assert_null(filetype_mismatch(TC_PDF, 0, "a.pdf", "application/octet-stream", &low));
	assert_null(filetype_mismatch(TC_PDF, 0, NULL, "application/octet-stream", &low));
	assert_null(filetype_mismatch(TC_EXECUTABLE, 0, "setup.exe", NULL, &low));
	assert_null(filetype_mismatch(TC_TEXT, 0, "a.csv", "text/plain", &low));
	assert_null(filetype_mismatch(TC_IMAGE, 0, "a.png", "image/jpeg", &low));
	assert_null(filetype_mismatch(TC_OLE2, 0, "a.xls", NULL, &low));
	assert_null(filetype_mismatch(TC_OOXML, 1, "a.xltm",
	    "application/vnd.ms-excel.template.macroenabled.12", &low));
	assert_null(filetype_mismatch(TC_OOXML, 0, "a.docx", "application/vnd.ms-word."
	    "document.macroenabled.12", &low));
	assert_non_null(filetype_mismatch(TC_OOXML, 0, "x", "application/vnd.ms-excel", &low));
	assert_true(low);
}

static void
is_text_on_every_byte(void **state)
{
	unsigned char b[50];
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		memset(b, 'a', sizeof(b));
		b[25] = (unsigned char)c;
		/* one odd byte in 50 is more than 1%: only NUL and controls fail */
		assert_int_equal(filetype_is_text(b, sizeof(b)),
		    !(c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
		    c != 0x1b)));
	}
}

/* End to end through the report, with libmagic. */
static struct report *
run(const void *data, size_t len, const char *name, const char *declared,
    enum tclass container, enum tclass *tc)
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
	in.data = data;
	in.len = len;
	in.size = len;
	in.name = name;
	in.declared = declared;
	in.container = container;
	assert_int_equal(filetype_scan(ctx, &in), EM_OK);
	assert_non_null(in.mime);
	assert_string_equal(in.mime, report_part(r, 0)->detected_type);
	*tc = in.tc;
	scan_free(ctx);
	return r;
}

static void
scan_records_findings(void **state)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08"
	    "\x06\0\0\0\x1f\x15\xc4\x89";
	struct report *r;
	enum tclass tc;

	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "MZ", 2);
	le32(0x3c, 0x40);
	put(0x40, "PE\0\0", 4);
	r = run(buf, 0x200, "report.pdf", "application/pdf", TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_EXECUTABLE);
	assert_true(report_has(r, 0, "type.executable"));
	assert_true(report_has(r, 0, "type.mismatch"));
	assert_string_equal(report_part(r, 0)->type_class, "executable");
	report_free(r);
	/* a member of an OOXML package: no mismatch whatever its name */
	r = run(buf, 0x200, "word/media/image1.png", NULL, TC_OOXML, &tc);
	assert_false(report_has(r, 0, "type.mismatch"));
	report_free(r);
	r = run(png, sizeof(png) - 1, "a.png", "image/png", TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_IMAGE);
	assert_int_equal(report_nfindings(r), 0);
	report_free(r);
	r = run("Received: x\nFrom: a\nTo: b\n\nhi\n", 28, NULL, NULL, TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_MESSAGE);
	assert_true(report_has(r, 0, "type.message"));
	report_free(r);
	r = run("var a = new ActiveXObject('x');\n", 32, "invoice.js", NULL, TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_SCRIPT);
	assert_true(report_has(r, 0, "type.script"));
	report_free(r);
	r = run("", 0, "x", NULL, TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_EMPTY);
	report_free(r);
}

static void
scan_image_payload(void **state)
{
	struct report *r;
	enum tclass tc;
	size_t i;

	(void)state;
	memset(buf, 0, sizeof(buf));
	put(0, "\xff\xd8\xff\xe0\0\x10JFIF\0", 11);
	for (i = 11; i < 4000; i++)
		buf[i] = (unsigned char)(i * 7);
	r = run(buf, 4000, "a.jpg", NULL, TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_IMAGE);
	assert_false(report_has(r, 0, "type.mismatch"));
	report_free(r);
	zip_entry(3000, "payload.exe", "MZ");
	r = run(buf, 4000, "a.jpg", NULL, TC_UNKNOWN, &tc);
	assert_true(report_has(r, 0, "type.mismatch"));
	report_free(r);
}

/* A PE at an offset inside an image or a document (polyglot): type.embedded_pe,
 * whatever the name; "MZ" without a valid PE header, or an unknown machine, is not. */
static void
scan_embedded_pe(void **state)
{
	static const struct { const char *head; size_t n; const char *cls; } t[] = {
		{ "\xff\xd8\xff\xe0\0\x10JFIF\0", 11, "image" },
		{ "%PDF-1.7\n", 9, "pdf" },
		{ "GIF89a\1\0\1\0", 10, "image" },
	};
	struct report *r;
	enum tclass tc;
	size_t i;
	int k;
	char want[96];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(buf, 0, sizeof(buf));
		put(0, t[i].head, t[i].n);
		put(2000, "MZ", 2);
		le32(2000 + 0x3c, 0x80);
		put(2000 + 0x80, "PE\0\0\x4c\x01", 6);
		r = run(buf, 4000, "holiday.jpg", NULL, TC_UNKNOWN, &tc);
		assert_string_equal(report_part(r, 0)->type_class, t[i].cls);
		snprintf(want, sizeof(want), "a PE at offset 2000 inside %s", t[i].cls);
		assert_true(report_has(r, 0, "type.embedded_pe"));
		for (k = 0; k < report_nfindings(r); k++)
			if (strcmp(report_finding(r, k)->name, "type.embedded_pe") == 0)
				assert_memory_equal(report_finding(r, k)->detail, want,
				    strlen(want));
		assert_int_equal(polyglot_pe(buf, 4000), 2000);
		report_free(r);
	}
	/* an unknown machine, e_lfanew past the end, or no PE signature: nothing */
	put(2000 + 0x84, "\x34\x12", 2);
	assert_int_equal(polyglot_pe(buf, 4000), 0);
	put(2000 + 0x84, "\x64\x86", 2);
	assert_int_equal(polyglot_pe(buf, 4000), 2000);
	assert_int_equal(polyglot_pe(buf, 2000 + 0x83), 0);
	le32(2000 + 0x3c, 0x7fffffff);
	assert_int_equal(polyglot_pe(buf, 4000), 0);
	/* a PE at offset 0 is an executable, not a polyglot */
	memset(buf, 0, sizeof(buf));
	put(0, "MZ", 2);
	le32(0x3c, 0x80);
	put(0x80, "PE\0\0\x4c\x01", 6);
	r = run(buf, 4000, "a.jpg", NULL, TC_UNKNOWN, &tc);
	assert_int_equal(tc, TC_EXECUTABLE);
	assert_false(report_has(r, 0, "type.embedded_pe"));
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pe_variants),
		cmocka_unit_test(elf_macho_java),
		cmocka_unit_test(ole2_msi_by_clsid),
		cmocka_unit_test(onenote_chm_lnk_pdf_rtf),
		cmocka_unit_test(zip_ooxml_odf),
		cmocka_unit_test(archive_signatures),
		cmocka_unit_test(images),
		cmocka_unit_test(disk_images),
		cmocka_unit_test(text_shortcuts_and_empty),
		cmocka_unit_test(messages),
		cmocka_unit_test(text_mime),
		cmocka_unit_test(scripts),
		cmocka_unit_test(extension_classes),
		cmocka_unit_test(mismatch_rules),
		cmocka_unit_test(is_text_on_every_byte),
		cmocka_unit_test(scan_records_findings),
		cmocka_unit_test(scan_image_payload),
		cmocka_unit_test(scan_embedded_pe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
