/*
 * test_report.c: the part tree's paths, the findings vocabulary check, JSON output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/report.h"

static void
paths_follow_sections_and_members(void **state)
{
	struct report *r = report_new();
	int root, s2, s21, zip, member;

	(void)state;
	root = report_part_add(r, -1, "", 1);
	s2 = report_part_add(r, root, "2", 1);
	s21 = report_part_add(r, s2, "1", 1);
	report_part_filename(r, s21, "invoice.zip");
	zip = s21;
	member = report_part_add(r, zip, "report.xlsm", 0);
	assert_string_equal(report_part(r, s2)->path, "2");
	assert_string_equal(report_part(r, s21)->path, "2.1:invoice.zip");
	assert_string_equal(report_part(r, member)->path, "2.1:invoice.zip/report.xlsm");
	assert_int_equal(report_part(r, member)->depth, 3);
	report_free(r);
}

static void
unknown_finding_names_are_refused(void **state)
{
	struct report *r = report_new();

	(void)state;
	report_part_add(r, -1, "", 1);
	report_add(r, 0, "macro.vba", "x");
	assert_int_equal(report_status(r), EM_OK);
	report_add(r, 0, "macro.vbaa", "x");
	assert_int_equal(report_status(r), EM_BUG);   /* sticky: kept on the handle */
	report_add(r, 0, "yara.Emotet_Doc", NULL);
	assert_int_equal(report_status(r), EM_BUG);
	assert_int_equal(report_nfindings(r), 2);
	assert_int_equal(report_finding(r, 0)->sev, SEV_MEDIUM);
	assert_true(report_has(r, 0, "yara.Emotet_Doc"));
	report_free(r);
}

static void
findings_are_capped(void **state)
{
	struct report *r = report_new();
	int i;

	(void)state;
	report_part_add(r, -1, "", 1);
	for (i = 0; i < REPORT_MAX_FINDINGS + 50; i++)
		report_add(r, 0, "mime.malformed", "n=%d", i);
	assert_int_equal(report_nfindings(r), REPORT_MAX_FINDINGS + 1);
	assert_string_equal(report_finding(r, REPORT_MAX_FINDINGS)->name, "scan.limit");
	report_free(r);
}

static void
json_escapes_hostile_bytes(void **state)
{
	struct report *r = report_new();
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	report_part_add(r, -1, "", 1);
	report_part_add(r, 0, "1", 1);
	report_part_filename(r, 1, "a\"b\\c\n\xff\xe2\x80\xae.exe");
	report_json(r, &sb);
	assert_non_null(strstr(sb_str(&sb), "\"1:a\\\"b\\\\c\\n\\u00ff\xe2\x80\xae.exe\""));
	sb_free(&sb);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_follow_sections_and_members),
		cmocka_unit_test(unknown_finding_names_are_refused),
		cmocka_unit_test(findings_are_capped),
		cmocka_unit_test(json_escapes_hostile_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
