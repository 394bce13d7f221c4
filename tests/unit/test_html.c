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
#include <openssl/evp.h>

#include "core/analyser.h"
#include "detect/html.h"
#include "detect/html_smuggle.h"

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

/* The detail of the first finding NAME, or "". */
static const char *
fx_detail(struct fx *f, const char *name)
{
	int i;

	for (i = 0; i < report_nfindings(f->r); i++)
		if (strcmp(report_finding(f->r, i)->name, name) == 0)
			return report_finding(f->r, i)->detail;
	return "";
}

/* The child part (1) is what the page carried: its size and, through its SHA-256,
 * its bytes: B64 (the forward text) decoded. */
static void
fx_assert_b64_child(struct fx *f, const char *b64)
{
	unsigned char out[4096], md[32];
	unsigned int mdlen = 0;
	char hex[65];
	size_t n = html_b64decode((const unsigned char *)b64, strlen(b64), out), i;

	assert_true(EVP_Digest(out, n, md, &mdlen, EVP_sha256(), NULL));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_int_equal(report_nparts(f->r), 2);
	assert_string_equal(report_part(f->r, 1)->filename, "blob.bin");
	assert_int_equal(report_part(f->r, 1)->size, n);
	assert_string_equal(report_part(f->r, 1)->sha256, hex);
}

/* The same for a PE-looking byte array: its size and that it is an executable. */
static void
fx_assert_mz_child(struct fx *f, size_t size)
{
	assert_int_equal(report_nparts(f->r), 2);
	assert_string_equal(report_part(f->r, 1)->filename, "blob.bin");
	assert_int_equal(report_part(f->r, 1)->size, size);
	assert_string_equal(report_part(f->r, 1)->type_class, "executable");
}

/* MZ_B64 N times, then TAIL. */
static void
fx_b64_text(struct strbuf *sb, int n, const char *tail)
{
	while (n-- > 0)
		sb_adds(sb, MZ_B64);
	sb_adds(sb, tail);
}

static void
split_base64_joined_with_plus(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "<script>var b = \"" MZ_B64 "\"");
	for (i = 1; i < 40; i++)
		sb_adds(&sb, " +\n  '" MZ_B64 "'");
	sb_adds(&sb, ";\nnavigator.msSaveBlob(new Blob([atob(b)]), 'inv.zip');</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	assert_non_null(strstr(fx_detail(&f, "type.html_smuggling"), "40 pieces"));
	sb_reset(&sb);
	fx_b64_text(&sb, 40, "");
	fx_assert_b64_child(&f, sb_str(&sb));
	fx_free(&f);
	sb_free(&sb);
}

static void
split_base64_array_join(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "<html><script>var parts = [");
	for (i = 0; i < 30; i++)
		sb_adds(&sb, "\"" MZ_B64 "\", ");
	sb_adds(&sb, "\"" MZ_B64 "\"];\nvar u = URL.createObjectURL(new Blob([atob("
	    "parts.join(''))]));</script></html>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	sb_reset(&sb);
	fx_b64_text(&sb, 31, "");
	fx_assert_b64_child(&f, sb_str(&sb));
	fx_free(&f);
	sb_free(&sb);
}

static void
reversed_base64_is_turned_back(void **state)
{
	struct strbuf fwd = STRBUF_INIT, sb = STRBUF_INIT;
	struct fx f;
	size_t i;

	(void)state;
	for (i = 0; i < 40; i++)
		sb_adds(&fwd, MZ_B64);
	sb_adds(&fwd, "TVo=");   /* padding, which lands first once reversed */
	sb_adds(&sb, "<script>var r='");
	for (i = fwd.len; i > 0; i--)
		sb_addc(&sb, fwd.s[i - 1]);
	sb_adds(&sb, "';var b=atob(r.split('').reverse().join(''));"
	    "navigator.msSaveOrOpenBlob(new Blob([b]),'a.iso');</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_non_null(strstr(fx_detail(&f, "type.html_smuggling"), "reversed"));
	fx_assert_b64_child(&f, sb_str(&fwd));
	fx_free(&f);
	sb_free(&sb);
	sb_free(&fwd);
}

static void
pieces_in_variables_are_joined_in_order(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i, k;

	(void)state;
	sb_adds(&sb, "<script>");
	for (i = 0; i < 4; i++) {
		sb_printf(&sb, "var p%d = '", i);
		for (k = 0; k < 5; k++)
			sb_adds(&sb, MZ_B64);
		sb_adds(&sb, "';\n");
	}
	sb_adds(&sb, "var a = document.createElement('a');a.href = URL.createObjectURL("
	    "new Blob([atob(p0 + p1 + p2 + p3)]));a.download = 'x.zip';a.click();</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_non_null(strstr(fx_detail(&f, "type.html_smuggling"), "joined in order"));
	sb_reset(&sb);
	fx_b64_text(&sb, 20, "");
	fx_assert_b64_child(&f, sb_str(&sb));
	fx_free(&f);
	sb_free(&sb);
}

/* A Uint8Array of N numbers: "MZ" then filler, each XORed with KEY (0: none). */
static void
fx_byte_array(struct strbuf *sb, int n, int key)
{
	int i, b;

	sb_adds(sb, "<script>var d = new Uint8Array([");
	for (i = 0; i < n; i++) {
		b = i == 0 ? 'M' : i == 1 ? 'Z' : i % 251;
		sb_printf(sb, i % 2 ? "%d, " : "0x%02x,", b ^ key);
	}
	sb_adds(sb, "0]);\n");
}

static void
numeric_byte_array(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;

	(void)state;
	fx_byte_array(&sb, 300, 0);
	sb_adds(&sb, "var a=document.createElement('a');a.href=URL.createObjectURL("
	    "new Blob([d]));a.download='r.exe';a.click();</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_non_null(strstr(fx_detail(&f, "type.html_smuggling"), "array of 301"));
	fx_assert_mz_child(&f, 301);
	fx_free(&f);
	sb_free(&sb);
}

static void
xor_loop_with_literal_key(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;

	(void)state;
	fx_byte_array(&sb, 300, 0x41);
	sb_adds(&sb, "var key = 0x41;\nfor (var i = 0; i < d.length; i++) d[i] = d[i] ^ key;"
	    "\nnavigator.msSaveBlob(new Blob([d]), 'r.exe');</script>");
	fx_run(&f, sb_str(&sb), sb.len);
	assert_non_null(strstr(fx_detail(&f, "type.html_smuggling"), "XOR 0x41"));
	fx_assert_mz_child(&f, 301);
	fx_free(&f);
	sb_free(&sb);
	assert_int_equal(smuggle_xor_key((const unsigned char *)"b[i] ^= 65", 10), 65);
	assert_int_equal(smuggle_xor_key((const unsigned char *)"x ^ k; k=7", 10), 7);
	assert_int_equal(smuggle_xor_key((const unsigned char *)"/^abc/", 6), -1);
}

static void
save_without_literal_is_still_smuggling(void **state)
{
	const char *h = "<script>fetch('/p').then(r=>r.text()).then(t=>{var b=atob(t);"
	    "navigator.msSaveOrOpenBlob(new Blob([b]),'a.zip')});</script>";
	struct fx f;

	(void)state;
	fx_run(&f, h, strlen(h));
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	assert_non_null(strstr(fx_detail(&f, "type.html_smuggling"), "not rebuilt"));
	assert_int_equal(report_nparts(f.r), 1);
	fx_free(&f);
}

static void
svg_script_builds_a_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	int i;

	(void)state;
	sb_adds(&sb, "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">"
	    "<script type=\"text/javascript\"><![CDATA[ var s = '");
	for (i = 0; i < 40; i++)
		sb_adds(&sb, MZ_B64);
	sb_adds(&sb, "'; var a = document.createElementNS('http://www.w3.org/1999/xhtml',"
	    "'a'); a.href = URL.createObjectURL(new Blob([atob(s)])); a.download = "
	    "'doc.zip'; a.click(); ]]></script></svg>");
	memset(&f, 0, sizeof(f));
	fx_run(&f, sb_str(&sb), sb.len);
	assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
	sb_reset(&sb);
	fx_b64_text(&sb, 40, "");
	fx_assert_b64_child(&f, sb_str(&sb));
	fx_free(&f);
	sb_free(&sb);
}

/* Every cut of a split-base64 page ends in EM_OK; once the save call is in, it
 * is smuggling (rebuilt, or reported as seen). */
static void
every_truncation_is_survived(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *save;
	struct fx f;
	size_t n;
	int i;

	(void)state;
	sb_adds(&sb, "<script>navigator.msSaveBlob(new Blob([atob(b)]), 'a.zip');var b=");
	for (i = 0; i < 12; i++)
		sb_adds(&sb, i ? "+'" MZ_B64 "'" : "'" MZ_B64 "'");
	sb_adds(&sb, ";</script>");
	save = strstr(sb_str(&sb), "atob(") + 5;
	for (n = 0; n <= sb.len; n += 3) {
		fx_run(&f, sb_str(&sb), n);
		assert_int_equal(f.st, EM_OK);
		if (n >= (size_t)(save - sb_str(&sb)))
			assert_int_equal(fx_count(&f, "type.html_smuggling"), 1);
		fx_free(&f);
	}
	sb_free(&sb);
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
		cmocka_unit_test(split_base64_joined_with_plus),
		cmocka_unit_test(split_base64_array_join),
		cmocka_unit_test(reversed_base64_is_turned_back),
		cmocka_unit_test(pieces_in_variables_are_joined_in_order),
		cmocka_unit_test(numeric_byte_array),
		cmocka_unit_test(xor_loop_with_literal_key),
		cmocka_unit_test(save_without_literal_is_still_smuggling),
		cmocka_unit_test(svg_script_builds_a_file),
		cmocka_unit_test(every_truncation_is_survived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
