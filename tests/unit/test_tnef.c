/*
 * test_tnef.c: tnef.c on TNEF streams built here after MS-OXTNEF: attachments
 * scanned under their long names (or titles, or made-up names), an embedded message
 * opened in turn, every truncation and a hostile MAPI count ending in
 * archive.corrupt without reaching libytnef, and the member budget.
 * tests/data/mktnef.py writes the same streams for the fuzz seeds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define TESTLIB_FIXTURE
#include "testlib.h"
#include "containers/tnef.h"
#include "core/strbuf.h"

/* One attribute: level, id, length, data, checksum. */
static void
attr(struct strbuf *sb, int level, uint32_t id, const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned sum = 0;
	size_t i;

	sb_addc(sb, (char)level);
	put32(sb, id);
	put32(sb, (uint32_t)n);
	sb_add(sb, data, n);
	for (i = 0; i < n; i++)
		sum += p[i];
	put16(sb, sum & 0xffff);
}

static void
stream_start(struct strbuf *sb)
{
	static const unsigned char ver[4] = { 0, 0, 1, 0 };

	put32(sb, 0x223E9F78u);
	put16(sb, 0x1234);
	attr(sb, 1, 0x00089006, ver, 4);
	attr(sb, 1, 0x00078008, "IPM.Microsoft Mail.Note", 24);
}

/* MAPI properties of one PT_STRING8 PR_ATTACH_LONG_FILENAME (or an object). */
static void
mapi_prop(struct strbuf *m, unsigned type, unsigned id, const void *v, size_t n)
{
	put16(m, type);
	put16(m, id);
	put32(m, 1);
	put32(m, (uint32_t)n);
	sb_add(m, v, n);
	while (m->len % 4 != 0)
		sb_addc(m, 0);
}

static void
attachment(struct strbuf *sb, const char *title, const char *longname,
    const void *data, size_t n)
{
	static const unsigned char rend[14] = { 1, 0, 0xff, 0xff, 0xff, 0xff };
	struct strbuf m = STRBUF_INIT;

	attr(sb, 2, 0x00069002, rend, sizeof(rend));
	if (title != NULL)
		attr(sb, 2, 0x00018010, title, strlen(title) + 1);
	attr(sb, 2, 0x0006800F, data, n);
	if (longname != NULL) {
		put32(&m, 1);
		mapi_prop(&m, 0x001E, 0x3707, longname, strlen(longname) + 1);
		attr(sb, 2, 0x00069005, m.s, m.len);
	}
	sb_free(&m);
}

#define RTF_DOC "{\\rtf1{\\*\\template http://203.0.113.9/t.dotm}x}"

static void
attachments_are_children(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	stream_start(&sb);
	attachment(&sb, "INVOIC~1.RTF", "Invoice March.rtf", RTF_DOC, strlen(RTF_DOC));
	attachment(&sb, "NOTES.TXT", NULL, "hello\n", 6);
	attachment(&sb, NULL, NULL, "x", 1);
	run_analyser(&t, sb.s, sb.len, TC_TNEF, tnef_scan);
	assert_int_equal(report_nparts(t.r), 4);
	assert_string_equal(report_part(t.r, 1)->filename, "Invoice March.rtf");
	assert_string_equal(report_part(t.r, 1)->type_class, "rtf");
	assert_string_equal(report_part(t.r, 2)->filename, "NOTES.TXT");
	assert_int_equal(report_part(t.r, 2)->size, 6);
	assert_string_equal(report_part(t.r, 3)->filename, "attachment2.bin");
	/* the child got its own analysis */
	assert_non_null(tl_detail(t.r, -1, "doc.remote_template"));
	assert_null(tl_detail(t.r, -1, "archive.corrupt"));
	run_free(&t);
	sb_free(&sb);
}

static void
embedded_message_is_opened(void **state)
{
	static const unsigned char rend[14] = { 1, 0, 0xff, 0xff, 0xff, 0xff };
	struct strbuf inner = STRBUF_INIT, obj = STRBUF_INIT, m = STRBUF_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct run t;

	(void)state;
	stream_start(&inner);
	attachment(&inner, "A.TXT", "deep.txt", "deep\n", 5);
	sb_add(&obj, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);   /* IID_IMessage */
	sb_add(&obj, inner.s, inner.len);
	put32(&m, 2);
	mapi_prop(&m, 0x001E, 0x3707, "forwarded.msg", 14);
	mapi_prop(&m, 0x000D, 0x3701, obj.s, obj.len);
	stream_start(&sb);
	attr(&sb, 2, 0x00069002, rend, sizeof(rend));
	attr(&sb, 2, 0x00069005, m.s, m.len);
	run_analyser(&t, sb.s, sb.len, TC_TNEF, tnef_scan);
	assert_int_equal(report_nparts(t.r), 3);
	assert_string_equal(report_part(t.r, 1)->filename, "forwarded.msg");
	assert_string_equal(report_part(t.r, 1)->type_class, "tnef");
	assert_string_equal(report_part(t.r, 2)->filename, "deep.txt");
	assert_int_equal(report_part(t.r, 2)->parent, 1);
	run_free(&t);
	sb_free(&sb);
	sb_free(&inner);
	sb_free(&obj);
	sb_free(&m);
}

static void
every_truncation_is_a_finding_or_whole(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct run t;
	size_t n, off;

	(void)state;
	stream_start(&sb);
	attachment(&sb, "NOTES.TXT", "notes.txt", "hello\n", 6);
	for (n = 0; n <= sb.len; n++) {
		run_analyser(&t, sb.s, n, TC_TNEF, tnef_scan);
		if (tnef_check((unsigned char *)sb.s, n, &off) != NULL)
			assert_non_null(tl_detail(t.r, -1, "archive.corrupt"));
		else
			assert_null(tl_detail(t.r, -1, "archive.corrupt"));
		run_free(&t);
	}
	/* cut inside the last attribute: corrupt, and said where */
	run_analyser(&t, sb.s, sb.len - 1, TC_TNEF, tnef_scan);
	assert_non_null(strstr(tl_detail(t.r, -1, "archive.corrupt"), "longer than the stream"));
	run_free(&t);
	sb_free(&sb);
}

static void
hostile_mapi_count_never_reaches_the_library(void **state)
{
	static const unsigned char rend[14] = { 1 };
	struct strbuf sb = STRBUF_INIT, m = STRBUF_INIT;
	struct run t;
	size_t off;

	(void)state;
	put32(&m, 0x40000000u);    /* a billion properties in 8 bytes */
	put32(&m, 0);
	stream_start(&sb);
	attr(&sb, 2, 0x00069002, rend, sizeof(rend));
	attr(&sb, 2, 0x00069005, m.s, m.len);
	assert_string_equal(tnef_check((unsigned char *)sb.s, sb.len, &off),
	    "more MAPI properties than libytnef takes");
	run_analyser(&t, sb.s, sb.len, TC_TNEF, tnef_scan);
	assert_non_null(tl_detail(t.r, -1, "archive.corrupt"));
	assert_int_equal(report_nparts(t.r), 1);
	run_free(&t);
	/* a level that is neither 1 nor 2 */
	sb.s[6] = 7;
	assert_non_null(tnef_check((unsigned char *)sb.s, sb.len, &off));
	assert_int_equal(off, 6);
	sb_free(&sb);
	sb_free(&m);
}

/* What libytnef would print about or leak on is refused before it runs. */
static void
library_error_paths_are_refused_first(void **state)
{
	static const struct { size_t at; unsigned char v; const char *why; } t[] = {
		{ 0, 0, NULL },                                /* as built: fine */
		{ 30, 'X', "attribute checksum wrong" },       /* a byte of the class */
	};
	struct strbuf sb = STRBUF_INIT, m = STRBUF_INIT;
	const char *why;
	size_t i, off;
	struct run r;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sb_reset(&sb);
		stream_start(&sb);
		attachment(&sb, "A.TXT", "a.txt", "a\n", 2);
		if (t[i].why != NULL)
			sb.s[t[i].at] = (char)t[i].v;
		why = tnef_check((unsigned char *)sb.s, sb.len, &off);
		if (t[i].why == NULL)
			assert_null(why);
		else
			assert_string_equal(why, t[i].why);
	}
	/* the same title twice in one attachment (libytnef leaks the first) */
	sb_reset(&sb);
	stream_start(&sb);
	attachment(&sb, "A.TXT", NULL, "a\n", 2);
	attr(&sb, 2, 0x00018010, "B.TXT", 6);
	assert_string_equal(tnef_check((unsigned char *)sb.s, sb.len, &off),
	    "attribute repeated");
	/* but once per attachment is fine, and a message attribute only once */
	sb_reset(&sb);
	stream_start(&sb);
	attachment(&sb, "A.TXT", NULL, "a\n", 2);
	attachment(&sb, "B.TXT", NULL, "b\n", 2);
	assert_null(tnef_check((unsigned char *)sb.s, sb.len, &off));
	attr(&sb, 1, 0x00078008, "IPM.Note", 9);
	assert_string_equal(tnef_check((unsigned char *)sb.s, sb.len, &off),
	    "attribute repeated");
	/* an empty attribute; an unknown MAPI type; a block with bytes left over */
	sb_reset(&sb);
	stream_start(&sb);
	attr(&sb, 1, 0x0001800c, "", 0);
	assert_string_equal(tnef_check((unsigned char *)sb.s, sb.len, &off),
	    "empty attribute");
	sb_reset(&sb);
	stream_start(&sb);
	put32(&m, 1);
	put32(&m, 0x00010077);   /* type 0x77 */
	put32(&m, 0);
	attr(&sb, 1, 0x00069003, m.s, m.len);
	assert_string_equal(tnef_check((unsigned char *)sb.s, sb.len, &off),
	    "unknown MAPI property type");
	sb_reset(&sb);
	sb_reset(&m);
	stream_start(&sb);
	put32(&m, 1);
	put32(&m, 0x00010003);   /* one PT_LONG */
	put32(&m, 7);
	put32(&m, 0);            /* four bytes too many */
	attr(&sb, 1, 0x00069003, m.s, m.len);
	assert_string_equal(tnef_check((unsigned char *)sb.s, sb.len, &off),
	    "MAPI block longer than its properties");
	run_analyser(&r, sb.s, sb.len, TC_TNEF, tnef_scan);
	assert_non_null(strstr(tl_detail(r.r, -1, "archive.corrupt"), "MAPI block longer"));
	run_free(&r);
	sb_free(&sb);
	sb_free(&m);
}

static void
member_budget_stops_the_walk(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	int i;

	(void)state;
	stream_start(&sb);
	for (i = 0; i < 10; i++)
		attachment(&sb, "A.TXT", NULL, "a\n", 2);
	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_members = 3;
	r = report_new();
	assert_int_equal(report_part_add(r, -1, "", 1), 0);
	ctx = scan_new(&cfg, r);
	memset(&in, 0, sizeof(in));
	in.data = (const unsigned char *)sb.s;
	in.len = in.size = sb.len;
	in.tc = TC_TNEF;
	assert_int_equal(tnef_scan(ctx, &in), EM_LIMIT);
	assert_int_equal(report_nparts(r), 4);
	scan_free(ctx);
	report_free(r);
	sb_free(&sb);
}

/* A subject over 100 bytes (60 UTF-16 characters), as a MAPI property or as
 * attSubject, or a title that long, makes libytnef refuse the whole stream;
 * renamed in the copy, the attachment after it is still scanned. */
static void
long_unicode_subject_does_not_lose_attachments(void **state)
{
	struct strbuf sb = STRBUF_INIT, m = STRBUF_INIT, v = STRBUF_INIT;
	struct run t;
	int i;

	(void)state;
	for (i = 0; i < 60; i++)
		put16(&v, 0x8acb);   /* a CJK character */
	put16(&v, 0);
	put32(&m, 1);
	mapi_prop(&m, 0x001F, 0x0037, v.s, v.len);   /* PR_SUBJECT, PT_UNICODE */
	stream_start(&sb);
	attr(&sb, 1, 0x00069003, m.s, m.len);
	attachment(&sb, "A.TXT", "請求書.txt", "hello\n", 6);
	run_analyser(&t, sb.s, sb.len, TC_TNEF, tnef_scan);
	assert_null(tl_detail(t.r, -1, "archive.corrupt"));
	assert_int_equal(report_nparts(t.r), 2);
	assert_string_equal(report_part(t.r, 1)->filename, "請求書.txt");
	run_free(&t);
	/* the same with a 300-byte attSubject and a 150-byte attAttachTitle */
	sb_reset(&sb);
	stream_start(&sb);
	sb_reset(&v);
	for (i = 0; i < 299; i++)
		sb_addc(&v, 'S');
	sb_addc(&v, 0);
	attr(&sb, 1, 0x00018004, v.s, v.len);
	sb_reset(&v);
	for (i = 0; i < 149; i++)
		sb_addc(&v, 'T');
	sb_addc(&v, 0);
	attachment(&sb, v.s, "long title.txt", "hello\n", 6);
	run_analyser(&t, sb.s, sb.len, TC_TNEF, tnef_scan);
	assert_null(tl_detail(t.r, -1, "archive.corrupt"));
	assert_int_equal(report_nparts(t.r), 2);
	assert_string_equal(report_part(t.r, 1)->filename, "long title.txt");
	run_free(&t);
	sb_free(&sb);
	sb_free(&m);
	sb_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attachments_are_children),
		cmocka_unit_test(embedded_message_is_opened),
		cmocka_unit_test(every_truncation_is_a_finding_or_whole),
		cmocka_unit_test(hostile_mapi_count_never_reaches_the_library),
		cmocka_unit_test(library_error_paths_are_refused_first),
		cmocka_unit_test(long_unicode_subject_does_not_lose_attachments),
		cmocka_unit_test(member_budget_stops_the_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
