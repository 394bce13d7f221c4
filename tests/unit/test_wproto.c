/*
 * test_wproto.c: the worker protocol's report serialisation: a report survives the
 * round trip whole (paths, names, types, sizes, digests, findings, strip ranges), and
 * the daemon-side parser refuses what a hostile worker could send: truncation,
 * trailing bytes, unknown finding names, NUL in strings, bad parents, bad severities,
 * ranges out of order, huge counts, bad frame headers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "worker/wproto.h"

static const char *SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static int
fake_range(void *arg, int part, uint64_t *s, uint64_t *e)
{
	(void)arg;
	if (part != 1)
		return -1;
	*s = 10;
	*e = 20;
	return 0;
}

static const char *const pws[] = { "s3cret", "Passw0rd!" };

static void
sample(struct strbuf *out)
{
	struct report *r = report_new();
	int root, s1, m;

	root = report_part_add(r, -1, "", 1);
	s1 = report_part_add(r, root, "1", 1);
	report_part_filename(r, s1, "invoice.zip");
	report_part_declared(r, s1, "application/zip");
	report_part_detected(r, s1, "application/zip", "archive");
	report_part_size(r, s1, 1234);
	report_part_sha256(r, s1, SHA);
	m = report_part_add(r, s1, "a.exe", 0);
	report_add(r, m, "type.executable", "PE");
	report_add(r, root, "mime.malformed", NULL);
	report_add_sev(r, m, "yara.evil", SEV_CRITICAL, "rule %s", "evil");
	wp_put_report(out, 0, r, fake_range, NULL);
	wp_put_passwords(out, pws, 2);
	report_free(r);
}

static void
round_trip_keeps_everything(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct wp_result res;
	const struct report_part *p;
	const struct finding *f;
	uint64_t s, e;

	(void)state;
	sample(&sb);
	assert_int_equal(wp_parse_report((unsigned char *)sb.s, sb.len, &res), 0);
	assert_int_equal(report_nparts(res.r), 3);
	p = report_part(res.r, 1);
	assert_string_equal(p->path, "1:invoice.zip");
	assert_string_equal(p->filename, "invoice.zip");
	assert_string_equal(p->declared_type, "application/zip");
	assert_string_equal(p->type_class, "archive");
	assert_int_equal(p->size, 1234);
	assert_string_equal(p->sha256, SHA);
	assert_string_equal(report_part(res.r, 2)->path, "1:invoice.zip/a.exe");
	assert_int_equal(report_part(res.r, 2)->parent, 1);
	assert_int_equal(report_nfindings(res.r), 3);
	f = report_finding(res.r, 2);
	assert_string_equal(f->name, "yara.evil");
	assert_int_equal(f->sev, SEV_CRITICAL);
	assert_string_equal(f->detail, "rule evil");
	assert_null(report_finding(res.r, 1)->detail);
	assert_int_equal(wp_part_range(&res, 1, &s, &e), 0);
	assert_int_equal(s, 10);
	assert_int_equal(e, 20);
	assert_int_equal(wp_part_range(&res, 2, &s, &e), -1);
	assert_int_equal(res.npw, 2);
	assert_string_equal(res.pw[1], "Passw0rd!");
	wp_result_free(&res);
	sb_free(&sb);
}

static void
every_truncation_and_trailing_byte_is_refused(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct wp_result res;
	size_t n;
	unsigned char *big;

	(void)state;
	sample(&sb);
	for (n = 0; n < sb.len; n++)
		assert_int_equal(wp_parse_report((unsigned char *)sb.s, n, &res), -1);
	big = malloc(sb.len + 1);
	memcpy(big, sb.s, sb.len);
	big[sb.len] = 0;
	assert_int_equal(wp_parse_report(big, sb.len + 1, &res), -1);
	free(big);
	sb_free(&sb);
}

/* Replace the first occurrence of FROM (same length) and expect a refusal. */
static void
refused_with(const char *from, const char *to, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	struct wp_result res;
	char *at;

	sample(&sb);
	at = memmem(sb.s, sb.len, from, n);
	assert_non_null(at);
	memcpy(at, to, n);
	assert_int_equal(wp_parse_report((unsigned char *)sb.s, sb.len, &res), -1);
	assert_null(res.r);
	sb_free(&sb);
}

static void
hostile_fields_are_refused(void **state)
{
	(void)state;
	refused_with("type.executable", "type.executablf", 15);  /* not in the vocabulary */
	refused_with("invoice.zip", "invoi\0e.zip", 11);          /* NUL in a string */
	refused_with("e3b0c442", "E3B0C442", 8);                  /* not lower-case hex */
	refused_with("\x01\x00\x00\x00\x0a\x00", "\x07\x00\x00\x00\x0a\x00", 6); /* range part */
}

static void
counts_and_headers_are_checked(void **state)
{
	static const unsigned char huge[] = { 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f };
	unsigned char h[WP_HDR];
	struct wp_result res;

	(void)state;
	assert_int_equal(wp_parse_report(huge, sizeof(huge), &res), -1);
	wp_header(h, WP_REPORT, 0);
	assert_int_equal(wp_check_header(h, WP_HDR, WP_REPORT), 0);
	assert_int_equal(wp_check_header(h, WP_HDR, WP_SCAN), -1);
	assert_int_equal(wp_check_header(h, WP_HDR + 1, WP_REPORT), -1);
	h[4] = WP_VERSION + 1;
	assert_int_equal(wp_check_header(h, WP_HDR, WP_REPORT), -1);
}

/* The request: size and passwords back, truncations, trailing bytes and too many
 * passwords refused. */
static void
scan_request_is_strict(void **state)
{
	const char *many[WP_MAX_PW + 1];
	struct wp_request rq = { 123456789, "a.docm", pws, 2 };
	struct strbuf sb = STRBUF_INIT;
	char *pw[WP_MAX_PW], *raw;
	uint64_t size;
	size_t npw, n, i;
	const unsigned char *u;

	(void)state;
	wp_put_scan(&sb, &rq);
	u = (const unsigned char *)sb.s;
	assert_int_equal(wp_parse_scan(u, sb.len, &size, &raw, pw, &npw), 0);
	assert_int_equal(size, 123456789);
	assert_string_equal(raw, "a.docm");
	assert_int_equal(npw, 2);
	assert_string_equal(pw[0], "s3cret");
	wp_pw_free(pw, npw);
	free(raw);
	for (n = 0; n < sb.len; n++)
		assert_int_equal(wp_parse_scan(u, n, &size, &raw, pw, &npw), -1);
	sb_add(&sb, "x", 1);
	u = (const unsigned char *)sb.s;
	assert_int_equal(wp_parse_scan(u, sb.len, &size, &raw, pw, &npw), -1);
	assert_null(raw);
	sb_reset(&sb);
	for (i = 0; i <= WP_MAX_PW; i++)
		many[i] = "p";
	rq.raw = NULL;
	rq.pw = many;
	rq.npw = WP_MAX_PW + 1; /* the writer caps at WP_MAX_PW */
	wp_put_scan(&sb, &rq);
	u = (const unsigned char *)sb.s;
	assert_int_equal(wp_parse_scan(u, sb.len, &size, &raw, pw, &npw), 0);
	assert_int_equal(npw, WP_MAX_PW);
	assert_null(raw);
	wp_pw_free(pw, npw);
	sb.s[10] = (char)(WP_MAX_PW + 1); /* a hostile count (after size and no raw) */
	sb_add(&sb, "\x01\x00p", 3);
	u = (const unsigned char *)sb.s;
	assert_int_equal(wp_parse_scan(u, sb.len, &size, &raw, pw, &npw), -1);
	sb_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_keeps_everything),
		cmocka_unit_test(every_truncation_and_trailing_byte_is_refused),
		cmocka_unit_test(hostile_fields_are_refused),
		cmocka_unit_test(counts_and_headers_are_checked),
		cmocka_unit_test(scan_request_is_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
