/*
 * test_html.c: html.c on hand-written HTML: data: URIs (risky and ordinary types),
 * script smuggling with Blob/atob and a long base64 string, the base64 decoder,
 * pages that must stay clean, and the cap on extracted payloads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"
#include "detect/html.h"

struct fx {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct scan_input in;
	em_status st;
};

static void
fx_run(struct fx *f, const char *html, size_t len)
{
	memset(f, 0, sizeof(*f));
	scan_limits_default(&f->cfg.lim);
	f->r = report_new();
	assert_int_equal(report_part_add(f->r, -1, "", 1), 0);
	f->ctx = scan_new(&f->cfg, f->r);
	assert_non_null(f->ctx);
	f->in.data = (const unsigned char *)html;
	f->in.len = len;
	f->in.size = len;
	f->in.tc = TC_HTML;
	f->st = html_scan(f->ctx, &f->in);
}

static void
fx_free(struct fx *f)
{
	scan_free(f->ctx);
	report_free(f->r);
}

static int
fx_count(struct fx *f, const char *name)
{
	int i, n = 0;

	for (i = 0; i < report_nfindings(f->r); i++)
		n += strcmp(report_finding(f->r, i)->name, name) == 0;
	return n;
}

/* "MZ" followed by 40 bytes, base64 */
#define MZ_B64 "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAA"

static void
data_uri_download_is_smuggling(void **state)
{
	const char *h = "<html><body><a download='inv.exe' href=\"data:application/"
	    "octet-stream;base64," MZ_B64 "\">Invoice</a></body></html>";
	struct fx f;

	(void)state;
	fx_run(&f, h, strlen(h));
	assert_int_equal(f.st, EM_OK);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	assert_int_equal(report_nparts(f.r), 2);
	assert_string_equal(report_part(f.r, 1)->filename, "data0.bin");
	assert_int_equal(report_part(f.r, 1)->size, 42);
	fx_free(&f);
}

static void
images_and_fonts_are_ordinary(void **state)
{
	const char *h = "<style>@font-face{src:url(data:application/font-woff;base64,"
	    MZ_B64 ")}</style><img src='data:image/png;base64," MZ_B64 "'>"
	    "<a href='https://example.org/download'>data: later</a>";
	struct fx f;

	(void)state;
	fx_run(&f, h, strlen(h));
	assert_int_equal(report_nfindings(f.r), 0);
	assert_int_equal(report_nparts(f.r), 1);
	fx_free(&f);
}

static void
script_blob_with_long_base64(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "<script>var b='");
	for (i = 0; i < 40; i++)
		sb_adds(&sb, MZ_B64);
	sb_adds(&sb, "';var u=URL.createObjectURL(new Blob([atob(b)]));</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	assert_int_equal(report_nparts(f.r), 2);
	assert_string_equal(report_part(f.r, 1)->filename, "blob.bin");
	assert_int_equal(report_part(f.r, 1)->size, 42 * 40);
	fx_free(&f);
	sb_free(&sb);
}

static void
script_blob_with_long_hex(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "<script>var h=\"");
	for (i = 0; i < 600; i++)
		sb_adds(&sb, "4D5a");
	sb_adds(&sb, "\";navigator.msSaveOrOpenBlob(b, 'a.exe');</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	assert_int_equal(report_nparts(f.r), 2);
	assert_int_equal(report_part(f.r, 1)->size, 1200);
	fx_free(&f);
	sb_free(&sb);
}

static void
short_strings_or_no_call_are_clean(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	/* a long base64 string with no file-building call */
	sb_adds(&sb, "<script>var b='");
	for (i = 0; i < 40; i++)
		sb_adds(&sb, MZ_B64);
	sb_adds(&sb, "';</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	/* a call with only a short string */
	sb_reset(&sb);
	sb_adds(&sb, "<script>new Blob([atob('" MZ_B64 "')])</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
	sb_free(&sb);
}

static void
payloads_are_capped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		sb_adds(&sb, "<embed src='data:application/x-msdownload;base64," MZ_B64 "'>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	assert_int_equal(fx_count(&f, "scan.limit"), 1);
	assert_int_equal(report_nparts(f.r), 17);
	fx_free(&f);
	sb_free(&sb);
}

static void
truncated_data_uri_is_safe(void **state)
{
	const char *h = "<a href=\"data:application/octet-stream;base64,TVq";
	struct fx f;

	(void)state;
	fx_run(&f, h, strlen(h));
	assert_int_equal(f.st, EM_OK);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	fx_free(&f);
	fx_run(&f, "data:", 5);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_free(&f);
}

static void
base64_decoder(void **state)
{
	int c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++)
		n += html_b64val(c) >= 0;
	assert_int_equal(n, 66);   /* 64 digits and the two base64url ones */
	assert_true(html_risky_mediatype("application/x-msdownload"));
	assert_false(html_risky_mediatype("application/font-woff2"));
	assert_false(html_risky_mediatype("image/png"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_uri_download_is_smuggling),
		cmocka_unit_test(images_and_fonts_are_ordinary),
		cmocka_unit_test(script_blob_with_long_base64),
		cmocka_unit_test(script_blob_with_long_hex),
		cmocka_unit_test(short_strings_or_no_call_are_clean),
		cmocka_unit_test(payloads_are_capped),
		cmocka_unit_test(truncated_data_uri_is_safe),
		cmocka_unit_test(base64_decoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
