/*
 * test_mime.c: the MIME parser's states through msgscan: sections, nesting,
 * messages in place, encodings, uuencode and BinHex, every limit just under and
 * over, malformed structure, milter-style headers and the strip ranges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mime_testlib.h"
#include "mime/mime.h"
#include "core/passwords.h"

#define MP_HEAD "Subject: t\r\nMIME-Version: 1.0\r\n" \
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n"

static const char msg_tree[] =
	MP_HEAD
	"--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
	"--b1\r\nContent-Type: multipart/alternative;\r\n\tboundary=b2\r\n\r\n"
	"--b2\r\nContent-Type: text/plain\r\n\r\nalt\r\n"
	"--b2\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b2--\r\n"
	"--b1\r\nContent-Type: message/rfc822\r\n\r\n"
	"Subject: inner\r\nContent-Type: multipart/mixed; boundary=b3\r\n\r\n"
	"--b3\r\n\r\ninner text\r\n"
	"--b3\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b3--\r\n"
	"--b1--\r\nepilogue\r\n";

static void
sections_follow_imap(void **state)
{
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg_tree, sizeof(msg_tree) - 1, 0);
	assert_non_null(m);
	assert_non_null(mt_part(m, "1"));
	assert_int_equal(mt_part(m, "1")->size, 5);
	assert_string_equal(mt_part(m, "2")->declared_type, "multipart/alternative");
	assert_string_equal(mt_part(m, "2.2")->declared_type, "text/html");
	assert_string_equal(mt_part(m, "3")->declared_type, "message/rfc822");
	assert_int_equal(mt_part(m, "3.1")->size, 10);
	assert_non_null(mt_part(m, "3.2:a.bin"));
	assert_int_equal(mt_part(m, "3.2:a.bin")->size, 4);
	assert_int_equal(mt_count(m, "mime.malformed"), 0);
	assert_int_equal(report_nparts(msgscan_report(m)), 8);
	msgscan_free(m);
}

static void
single_body_is_section_1(void **state)
{
	static const char msg[] = "Subject: x\r\nContent-Type: text/plain\r\n"
	    " ; charset=us-ascii\r\n\r\nline1\r\nline2\r\n";
	struct msgscan *m;
	uint64_t s, e;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 3);
	assert_non_null(mt_part(m, "1"));
	/* the last line end belongs to the body when there is no boundary */
	assert_int_equal(mt_part(m, "1")->size, 14);
	assert_string_equal(mt_part(m, "1")->declared_type, "text/plain");
	assert_int_equal(msgscan_part_range(m, mt_part(m, "1")->id, &s, &e), 0);
	assert_int_equal(s, strstr(msg, "line1") - msg);
	assert_int_equal(e, sizeof(msg) - 1);
	msgscan_free(m);
}

static void
ranges_cover_top_level_entities(void **state)
{
	struct msgscan *m;
	uint64_t s, e;
	const char *p1 = strstr(msg_tree, "--b1\r\n") + 6;
	const char *p1e = strstr(p1, "\r\n--b1");

	(void)state;
	mt_config();
	m = mt_run(msg_tree, sizeof(msg_tree) - 1, 1);
	assert_int_equal(msgscan_part_range(m, mt_part(m, "1")->id, &s, &e), 0);
	assert_int_equal(s, p1 - msg_tree);
	assert_int_equal(e, p1e - msg_tree);
	assert_int_equal(msgscan_part_range(m, mt_part(m, "2.1")->id, &s, &e), -1);
	assert_int_equal(msgscan_part_range(m, mt_part(m, "3")->id, &s, &e), 0);
	assert_int_equal(e, strstr(msg_tree, "\r\n--b1--") - msg_tree);
	msgscan_free(m);
}

static void
milter_headers_give_the_same_tree(void **state)
{
	const char *body = strstr(msg_tree, "\r\n\r\n") + 4;
	struct msgscan *a, *b;
	char *ja, *jb;

	(void)state;
	mt_config();
	a = mt_run(msg_tree, sizeof(msg_tree) - 1, 0);
	b = msgscan_new(&mt_cfg, 0);
	assert_int_equal(msgscan_header(b, "Subject", "t"), EM_OK);
	msgscan_header(b, "MIME-Version", "1.0");
	msgscan_header(b, "Content-Type", "multipart/mixed; boundary=\"b1\"");
	msgscan_body(b, body, strlen(body));
	msgscan_end(b);
	ja = mt_json(a);
	jb = mt_json(b);
	/* part 0's size differs (headers not in the stream); compare the sections */
	assert_non_null(strstr(ja, "\"3.2:a.bin\""));
	assert_non_null(strstr(jb, "\"3.2:a.bin\""));
	assert_int_equal(report_nparts(msgscan_report(a)), report_nparts(msgscan_report(b)));
	free(ja);
	free(jb);
	msgscan_free(a);
	msgscan_free(b);
}

static void
quoted_printable_soft_breaks(void **state)
{
	static const char msg[] = "Content-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "caf=E9 soft =\r\nbreak here=20\r\nnext=3Dline=\r\n";
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 1);
	assert_string_equal(mt_part(m, "1")->sha256,
	    "a34a5679bf04f8f7298b5a6c2b602cdb185fcfe1bfa425218d3eeaa358b2d7ac");
	msgscan_free(m);
}

static void
base64_junk_and_boundary_inside(void **state)
{
	static const char msg[] = MP_HEAD
	    "--b1\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "AA EC!!Aw\r\n"          /* blanks and junk: 00 01 02 03, 2 junk bytes */
	    "--b1\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "QUJD\r\n--b1\r\n"       /* a boundary in the middle of base64 ends it */
	    "RE\r\n--b1--\r\n";    /* a part without headers: "RE" as text */
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_int_equal(mt_part(m, "1")->size, 4);
	assert_int_equal(mt_part(m, "2")->size, 3);
	assert_int_equal(mt_part(m, "3")->size, 2);
	assert_true(mt_count(m, "mime.malformed") >= 2);
	msgscan_free(m);
}

static void
missing_close_and_zero_length(void **state)
{
	static const char msg[] = MP_HEAD
	    "--b1\r\n\r\n"
	    "--b1\r\n--b1\r\nContent-Type: text/plain\r\n\r\nlast";
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_int_equal(mt_part(m, "1")->size, 0);
	assert_int_equal(mt_part(m, "2")->size, 0);
	assert_int_equal(mt_part(m, "3")->size, 4);
	assert_true(report_has(msgscan_report(m), 0, "mime.malformed"));
	msgscan_free(m);
}

static void
uuencode_becomes_a_child(void **state)
{
	static const char msg[] = "Content-Type: text/plain\r\n\r\nhi\r\n"
	    "begin 644 a.exe\r\n#04)#\r\n`\r\nend\r\n"
	    "(This file must be converted with BinHex 4.0)\r\n";
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 2);
	assert_non_null(mt_part(m, "1/a.exe"));
	assert_string_equal(mt_part(m, "1/a.exe")->filename, "a.exe");
	assert_int_equal(mt_part(m, "1/a.exe")->size, 3);
	assert_int_equal(mt_count(m, "mime.uuencode"), 1);
	assert_int_equal(mt_count(m, "mime.binhex"), 1);
	msgscan_free(m);
}

/* Attachments are watched for uuencode until their decoded bytes show a NUL (binary:
 * nothing decodes a "begin" line inside it); text parts to the end. */
static void
uuencode_watch_stops_at_binary(void **state)
{
	static const char att[] = "Content-Type: application/octet-stream\r\n\r\n"
	    "begin 644 a.exe\r\n#04)#\r\n`\r\nend\r\n";
	static const char bin[] = "Content-Type: application/octet-stream\r\n\r\n"
	    "x\0y\r\nbegin 644 a.exe\r\n#04)#\r\n`\r\nend\r\n";
	static const char txt[] = "Content-Type: text/plain\r\n\r\n"
	    "x\0y\r\nbegin 644 a.exe\r\n#04)#\r\n`\r\nend\r\n";
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(att, sizeof(att) - 1, 0);
	assert_int_equal(mt_count(m, "mime.uuencode"), 1);
	msgscan_free(m);
	m = mt_run(bin, sizeof(bin) - 1, 0);
	assert_int_equal(mt_count(m, "mime.uuencode"), 0);
	assert_null(mt_part(m, "1/a.exe"));
	msgscan_free(m);
	m = mt_run(txt, sizeof(txt) - 1, 3);
	assert_int_equal(mt_count(m, "mime.uuencode"), 1);
	msgscan_free(m);
}

static void
encoded_attached_message_is_parsed(void **state)
{
	/* "Content-Type: text/plain; name=x.exe\r\n\r\nMZ" in base64 */
	static const char msg[] = MP_HEAD
	    "--b1\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "Q29udGVudC1UeXBlOiB0ZXh0L3BsYWluOyBuYW1lPXguZXhlDQoNCk1a\r\n--b1--\r\n";
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_non_null(mt_part(m, "1.1:x.exe"));
	assert_int_equal(mt_part(m, "1.1:x.exe")->size, 2);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	msgscan_free(m);
	/* the inner message shares the mail's decoded-bytes budget: 42 + 2 bytes */
	mt_cfg.lim.decoded_bytes = 44;
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	msgscan_free(m);
	mt_cfg.lim.decoded_bytes = 43;
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	assert_int_equal(mt_part(m, "1.1:x.exe")->size, 1);
	msgscan_free(m);
	/* past the depth limit the encoded message stays one opaque part */
	mt_config();
	mt_cfg.lim.mime_depth = 1;
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_null(mt_part(m, "1.1:x.exe"));
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	msgscan_free(m);
}

static void
message_sent_as_octet_stream_is_parsed(void **state)
{
	static const char msg[] = MP_HEAD
	    "--b1\r\nContent-Type: application/octet-stream; name=\"fwd.eml\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    /* From: a@b.example / Subject: x / MIME-Version: 1.0 / text/plain name=y.exe */
	    "RnJvbTogYUBiLmV4YW1wbGUNClN1YmplY3Q6IHgNCk1JTUUtVmVyc2lvbjogMS4wDQpDb250ZW50\r\n"
	    "LVR5cGU6IHRleHQvcGxhaW47IG5hbWU9eS5leGUNCg0KaGVsbG8NCg==\r\n--b1--\r\n";
	struct msgscan *m;
	const struct report_part *p;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 0);
	p = mt_part(m, "1:fwd.eml");
	assert_non_null(p);
	if (p->type_class == NULL || strcmp(p->type_class, "message") != 0) {
		msgscan_free(m);
		skip();   /* type detection does not call it a message */
		return;
	}
	assert_non_null(mt_part(m, "1.1:y.exe"));
	msgscan_free(m);
}

/* N nested multiparts, each boundary "dK". */
static char *
nested(unsigned n, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned k;

	sb_printf(&sb, "Content-Type: multipart/mixed; boundary=d0\r\n\r\n");
	for (k = 1; k <= n; k++)
		sb_printf(&sb, "--d%u\r\nContent-Type: multipart/mixed; boundary=d%u\r\n\r\n",
		    k - 1, k);
	sb_printf(&sb, "--d%u\r\nContent-Type: text/plain\r\n\r\ndeep\r\n", n);
	for (k = n + 1; k-- > 0;)
		sb_printf(&sb, "--d%u--\r\n", k);
	*len = sb.len;
	return sb_take(&sb);
}

static void
depth_limit_under_and_over(void **state)
{
	struct msgscan *m;
	size_t len;
	char *msg;

	(void)state;
	mt_config();
	mt_cfg.lim.mime_depth = 5;
	msg = nested(4, &len);   /* 5 multiparts: root + 4 */
	m = mt_run(msg, len, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	assert_non_null(mt_part(m, "1.1.1.1.1"));
	msgscan_free(m);
	free(msg);
	msg = nested(5, &len);
	m = mt_run(msg, len, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	/* the too-deep multipart is scanned as one opaque part */
	assert_non_null(mt_part(m, "1.1.1.1.1"));
	assert_null(mt_part(m, "1.1.1.1.1.1"));
	msgscan_free(m);
	free(msg);
	msg = nested(5000, &len);   /* far past the ceiling: no recursion, no crash */
	m = mt_run(msg, len, 4096);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	msgscan_free(m);
	free(msg);
}

static void
parts_limit_under_and_over(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct msgscan *m;
	int k;

	(void)state;
	mt_config();
	mt_cfg.lim.mime_parts = 10;
	sb_adds(&sb, MP_HEAD);
	for (k = 0; k < 10; k++)
		sb_adds(&sb, "--b1\r\n\r\nx\r\n");
	m = mt_run(sb.s, sb.len, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	assert_non_null(mt_part(m, "10"));
	msgscan_free(m);
	sb_adds(&sb, "--b1\r\n\r\nx\r\n--b1--\r\n");
	m = mt_run(sb.s, sb.len, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	assert_null(mt_part(m, "11"));
	msgscan_free(m);
	sb_free(&sb);
}

static void
header_bytes_limit(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct msgscan *m;
	int k;

	(void)state;
	mt_config();
	mt_cfg.lim.header_bytes = 1000;
	for (k = 0; k < 10; k++)
		sb_adds(&sb, "X-Pad: 0123456789012345678901234567890123456789\r\n");
	sb_adds(&sb, "Content-Type: text/plain; name=a.exe\r\n\r\nbody\r\n");
	m = mt_run(sb.s, sb.len, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	assert_non_null(mt_part(m, "1:a.exe"));
	msgscan_free(m);
	sb_reset(&sb);
	for (k = 0; k < 40; k++)
		sb_adds(&sb, "X-Pad: 0123456789012345678901234567890123456789\r\n");
	sb_adds(&sb, "Content-Type: text/plain; name=a.exe\r\n\r\nbody\r\n");
	m = mt_run(sb.s, sb.len, 7);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	assert_non_null(mt_part(m, "1"));   /* the body is still found */
	msgscan_free(m);
	sb_free(&sb);
}

static void
long_base64_line_is_still_decoded(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct msgscan *m;
	int k;

	(void)state;
	mt_config();
	mt_cfg.lim.line_length = 100;
	sb_adds(&sb, "Content-Transfer-Encoding: base64\r\n\r\n");
	for (k = 0; k < 100; k++)
		sb_adds(&sb, "AAAA");   /* 400 characters on one line: 300 bytes */
	sb_adds(&sb, "\r\n");
	m = mt_run(sb.s, sb.len, 0);
	assert_int_equal(mt_part(m, "1")->size, 300);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	msgscan_free(m);
	mt_cfg.lim.line_length = 402;   /* the whole line fits */
	m = mt_run(sb.s, sb.len, 1);
	assert_int_equal(mt_part(m, "1")->size, 300);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	msgscan_free(m);
	sb_free(&sb);
}

static void
decoded_bytes_limit(void **state)
{
	static const char msg[] = MP_HEAD
	    "--b1\r\n\r\n0123456789\r\n--b1\r\n\r\n0123456789\r\n--b1--\r\n";
	struct msgscan *m;

	(void)state;
	mt_config();
	mt_cfg.lim.decoded_bytes = 20;
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 0);
	msgscan_free(m);
	mt_cfg.lim.decoded_bytes = 15;
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_int_equal(mt_count(m, "mime.limit"), 1);
	assert_int_equal(mt_part(m, "2")->size, 5);
	msgscan_free(m);
}

static void
ambiguous_headers_take_the_exposing_reading(void **state)
{
	static const char msg[] = "Content-Type: text/plain\r\n"
	    "Content-Type: multipart/mixed; boundary=z\r\n"
	    "Content-Type (c): text/plain\r\n\r\n"
	    "--z\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
	    "Content-Disposition: inline\r\n"
	    "Content-Disposition: attachment; filename*=UTF-8''b%2Eexe\r\n"
	    "Content-Transfer-Encoding: x-weird\r\n\r\nMZ\r\n"
	    "--z\r\nthis line is no header\r\nmore\r\n--z--\r\n";
	struct msgscan *m;

	(void)state;
	mt_config();
	m = mt_run(msg, sizeof(msg) - 1, 0);
	assert_non_null(mt_part(m, "1:b.exe"));
	assert_int_equal(mt_part(m, "1:b.exe")->size, 2);
	assert_non_null(mt_part(m, "2"));
	assert_int_equal(mt_part(m, "2")->size, 28);
	assert_true(mt_count(m, "mime.malformed") >= 5);
	msgscan_free(m);
}

static void
garbage_never_crashes(void **state)
{
	unsigned char buf[4096];
	struct msgscan *m;
	unsigned i, seed = 7;

	(void)state;
	mt_config();
	for (i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = "-\r\n:=bB \"?;"[(seed >> 16) % 11];
	}
	m = mt_run((const char *)buf, sizeof(buf), 13);
	assert_non_null(m);
	assert_true(report_nparts(msgscan_report(m)) >= 2);
	msgscan_free(m);
}

/* The Subject goes out through the sink's text callback, RFC 2047 decoded. */
static void
subject_text(void *arg, int part, const char *s, size_t n)
{
	(void)part;
	pwlist_harvest(arg, s, n);
}

static void
subject_is_harvested_decoded(void **state)
{
	static const char msg[] = "Subject: =?utf-8?q?invoice_password=3A_Xk7pQ2?=\r\n"
	    "\r\nbody\r\n";
	static const struct mime_sink sink = { NULL, NULL, subject_text };
	struct report *r = report_new();
	struct pwlist *pw = pwlist_new(8);
	struct mime_conf mc;
	struct mime *p;
	unsigned i;
	int found = 0;

	(void)state;
	mt_config();
	report_part_add(r, -1, "", 1);
	memset(&mc, 0, sizeof(mc));
	mc.sink = &sink;
	mc.arg = pw;
	mc.r = r;
	mc.lim = &mt_cfg.lim;
	p = mime_new(&mc, 0, mt_cfg.lim.mime_depth, 1);
	assert_int_equal(mime_feed(p, msg, sizeof(msg) - 1), EM_OK);
	assert_int_equal(mime_end(p), EM_OK);
	for (i = 0; i < pwlist_count(pw); i++)
		if (strcmp(pwlist_get(pw, i), "Xk7pQ2") == 0)
			found = 1;
	assert_true(found);
	mime_free(p);
	passwords_free(pw);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sections_follow_imap),
		cmocka_unit_test(single_body_is_section_1),
		cmocka_unit_test(ranges_cover_top_level_entities),
		cmocka_unit_test(milter_headers_give_the_same_tree),
		cmocka_unit_test(quoted_printable_soft_breaks),
		cmocka_unit_test(base64_junk_and_boundary_inside),
		cmocka_unit_test(missing_close_and_zero_length),
		cmocka_unit_test(uuencode_becomes_a_child),
		cmocka_unit_test(uuencode_watch_stops_at_binary),
		cmocka_unit_test(encoded_attached_message_is_parsed),
		cmocka_unit_test(message_sent_as_octet_stream_is_parsed),
		cmocka_unit_test(depth_limit_under_and_over),
		cmocka_unit_test(parts_limit_under_and_over),
		cmocka_unit_test(header_bytes_limit),
		cmocka_unit_test(long_base64_line_is_still_decoded),
		cmocka_unit_test(decoded_bytes_limit),
		cmocka_unit_test(ambiguous_headers_take_the_exposing_reading),
		cmocka_unit_test(garbage_never_crashes),
		cmocka_unit_test(subject_is_harvested_decoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
