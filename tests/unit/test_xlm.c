/*
 * test_xlm.c: BIFF records built here through xlm_scan(): a very hidden macro
 * sheet, the built-in and spelled-out Auto_Open names, formula tokens calling EXEC
 * (ptgFunc) and RUN/FORMULA (ptgFuncVar with the command bit), BIFF5 sheet names,
 * FILEPASS, a worksheet-only workbook, a record running past the end, and every
 * truncation of a valid stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/scan.h"
#include "office/xlm.h"
#include "testlib.h"

struct bb {
	unsigned char b[4096];
	size_t n;
};

static void
rec(struct bb *w, unsigned type, const void *data, size_t len)
{
	w->b[w->n++] = (unsigned char)type;
	w->b[w->n++] = (unsigned char)(type >> 8);
	w->b[w->n++] = (unsigned char)len;
	w->b[w->n++] = (unsigned char)(len >> 8);
	memcpy(w->b + w->n, data, len);
	w->n += len;
}

static void
bof(struct bb *w, unsigned vers, unsigned dt)
{
	unsigned char d[16] = { 0 };

	d[0] = (unsigned char)vers;
	d[1] = (unsigned char)(vers >> 8);
	d[2] = (unsigned char)dt;
	d[3] = (unsigned char)(dt >> 8);
	rec(w, 0x0809, d, sizeof(d));
}

/* BIFF8 BOUNDSHEET: lbPlyPos, hsState, dt, cch, fHighByte, name */
static void
sheet8(struct bb *w, unsigned state, unsigned dt, const char *name)
{
	unsigned char d[64] = { 0 };
	size_t n = strlen(name);

	d[4] = (unsigned char)state;
	d[5] = (unsigned char)dt;
	d[6] = (unsigned char)n;
	memcpy(d + 8, name, n);
	rec(w, 0x0085, d, 8 + n);
}

/* BIFF8 NAME: builtin code or a spelled-out name */
static void
name8(struct bb *w, int builtin, const char *name)
{
	unsigned char d[64] = { 0 };
	size_t n = builtin ? 1 : strlen(name);

	d[0] = builtin ? 0x20 : 0;
	d[3] = (unsigned char)n;
	if (builtin)
		d[15] = (unsigned char)builtin;
	else
		memcpy(d + 15, name, n);
	rec(w, 0x0018, d, 15 + n);
}

/* FORMULA with the given tokens */
static void
formula8(struct bb *w, const unsigned char *t, size_t n)
{
	unsigned char d[128] = { 0 };

	d[20] = (unsigned char)n;
	memcpy(d + 22, t, n);
	rec(w, 0x0006, d, 22 + n);
}

struct fx {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
};

static em_status
scan(struct fx *x, const unsigned char *b, size_t n)
{
	memset(x, 0, sizeof(*x));
	scan_limits_default(&x->cfg.lim);
	x->r = report_new();
	report_part_add(x->r, -1, "", 1);
	x->ctx = scan_new(&x->cfg, x->r);
	return xlm_scan(x->ctx, 0, b, n, 0, NULL, NULL);
}

static void
fx_free(struct fx *x)
{
	scan_free(x->ctx);
	report_free(x->r);
}

static void
build_macro_book(struct bb *w)
{
	/* ptgStr "calc", ptgFuncV EXEC(110); ptgFuncVar RUN (cetab 0x11, fCeFunc);
	 * ptgAttr tAttrChoose with a 2-entry jump table, then ptgFuncVar FORMULA
	 * (cetab 0x60); ptgFunc HALT (54) */
	static const unsigned char t1[] = {
		0x17, 4, 0, 'c', 'a', 'l', 'c', 0x41, 110, 0,
		0x42, 1, 0x11, 0x80,
		0x19, 0x04, 1, 0, 2, 0, 4, 0,
		0x42, 2, 0x60, 0x80,
		0x21, 54, 0,
	};

	memset(w, 0, sizeof(*w));
	bof(w, 0x0600, 0x0005);
	sheet8(w, 0, 0, "Sheet1");
	sheet8(w, 2, 1, "Macro1");
	name8(w, 1, NULL);
	name8(w, 0, "auto_open_1");
	name8(w, 0, "Total");
	rec(w, 0x000A, "", 0);
	bof(w, 0x0600, 0x0040);
	formula8(w, t1, sizeof(t1));
	rec(w, 0x000A, "", 0);
}

static void
macro_sheet_names_and_functions(void **state)
{
	struct bb w;
	struct fx x;
	const char *d;

	(void)state;
	build_macro_book(&w);
	assert_int_equal(scan(&x, w.b, w.n), EM_OK);
	d = tl_detail(x.r, -1, "macro.xlm");
	assert_non_null(d);
	assert_non_null(strstr(d, "Macro1 (very hidden)"));
	assert_null(strstr(d, "Sheet1"));
	assert_non_null(strstr(d, "Auto_Open (built-in), auto_open_1"));
	assert_null(strstr(d, "Total"));
	assert_non_null(strstr(d, "HALT"));
	assert_non_null(strstr(d, "EXEC"));
	assert_non_null(strstr(d, "RUN"));
	assert_non_null(strstr(d, "FORMULA"));
	assert_int_equal(report_nfindings(x.r), 1);
	fx_free(&x);
}

static void
worksheets_only_is_clean(void **state)
{
	static const unsigned char sum[] = { 0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0x22, 1, 4, 0 };
	struct bb w;
	struct fx x;

	(void)state;
	memset(&w, 0, sizeof(w));
	bof(&w, 0x0600, 0x0005);
	sheet8(&w, 1, 0, "Hidden but a worksheet");
	name8(&w, 0, "Print_Area");
	bof(&w, 0x0600, 0x0010);
	formula8(&w, sum, sizeof(sum));
	rec(&w, 0x000A, "", 0);
	assert_int_equal(scan(&x, w.b, w.n), EM_OK);
	assert_int_equal(report_nfindings(x.r), 0);
	fx_free(&x);
}

static void
biff5_macro_sheet(void **state)
{
	unsigned char d[32] = { 0 };
	struct bb w;
	struct fx x;

	(void)state;
	memset(&w, 0, sizeof(w));
	bof(&w, 0x0500, 0x0005);
	d[4] = 1;
	d[5] = 1;
	d[6] = 6;
	memcpy(d + 7, "Macro9", 6);         /* BIFF5: no fHighByte */
	rec(&w, 0x0085, d, 13);
	assert_int_equal(scan(&x, w.b, w.n), EM_OK);
	assert_non_null(strstr(tl_detail(x.r, -1, "macro.xlm"), "Macro9 (hidden)"));
	fx_free(&x);
}

static void
filepass_is_encrypted(void **state)
{
	struct bb w;
	struct fx x;

	(void)state;
	memset(&w, 0, sizeof(w));
	bof(&w, 0x0600, 0x0005);
	rec(&w, 0x002F, "\x01\x00\x01\x00", 4);
	sheet8(&w, 0, 1, "ciphertext");     /* after FILEPASS: not read */
	assert_int_equal(scan(&x, w.b, w.n), EM_OK);
	assert_non_null(tl_detail(x.r, -1, "doc.encrypted"));
	assert_null(tl_detail(x.r, -1, "macro.xlm"));
	fx_free(&x);
}

static void
record_past_the_end(void **state)
{
	struct bb w;
	struct fx x;

	(void)state;
	memset(&w, 0, sizeof(w));
	bof(&w, 0x0600, 0x0005);
	sheet8(&w, 0, 1, "Macro1");
	w.b[w.n++] = 0x85;
	w.b[w.n++] = 0x00;
	w.b[w.n++] = 0xFF;
	w.b[w.n++] = 0x7F;
	assert_int_equal(scan(&x, w.b, w.n), EM_OK);
	assert_non_null(tl_detail(x.r, -1, "macro.xlm"));
	assert_non_null(strstr(tl_detail(x.r, -1, "scan.error"), "past the end"));
	fx_free(&x);
}

static void
every_truncation_is_safe(void **state)
{
	struct bb w;
	struct fx x;
	unsigned char *cp;
	size_t cut;

	(void)state;
	build_macro_book(&w);
	for (cut = 0; cut <= w.n; cut++) {
		cp = malloc(cut + 1);
		memcpy(cp, w.b, cut);
		assert_int_equal(scan(&x, cp, cut), EM_OK);
		fx_free(&x);
		free(cp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(macro_sheet_names_and_functions),
		cmocka_unit_test(worksheets_only_is_clean),
		cmocka_unit_test(biff5_macro_sheet),
		cmocka_unit_test(filepass_is_encrypted),
		cmocka_unit_test(record_past_the_end),
		cmocka_unit_test(every_truncation_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
