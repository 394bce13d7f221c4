/*
 * test_yara.c: yara_rules_load() on the rules in tests/data/yara/ (folder order,
 * file:line compile errors, missing paths) and yara_scan() through a scan_ctx:
 * yara.<rule> findings with the meta severity, the external variables, the
 * per-scan timeout, the message budget and deadline, the per-string match cap
 * (yara.limit), precompiled rules beside sources.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <yara/libyara.h>
#include <yara/error.h>
#include <yara/compiler.h>
#include <yara/rules.h>

#include "core/analyser.h"
#include "core/report.h"
#include "core/scan.h"
#include "yara/yara.h"

static char datadir[1024];

static int
setup(void **state)
{
	const char *root = getenv("EMBARGO_ROOT");

	(void)state;
	snprintf(datadir, sizeof(datadir), "%s/tests/data/yara", root ? root : ".");
	return yara_global_init();
}

static int
teardown(void **state)
{
	(void)state;
	yara_global_fini();
	return 0;
}

static struct yara_rules *
load(const char *sub, struct strbuf *err)
{
	char p[1200];
	const char *paths[1] = { p };

	snprintf(p, sizeof(p), "%s/%s", datadir, sub);
	return yara_rules_load(paths, 1, err);
}

/* A message of one part (the "file") with NAME, scanned by yara_scan with RULES. */
struct fixture {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct scan_input in;
};

static void
fx_open(struct fixture *f, const struct yara_rules *rules, const char *name,
    const void *data, size_t len)
{
	memset(f, 0, sizeof(*f));
	scan_limits_default(&f->cfg.lim);
	f->cfg.rules[0] = rules;
	f->r = report_new();
	assert_non_null(f->r);
	assert_int_equal(report_part_add(f->r, -1, "", 1), 0);
	report_part_filename(f->r, 0, name);
	f->ctx = scan_new(&f->cfg, f->r);
	assert_non_null(f->ctx);
	f->in.part = 0;
	f->in.name = name;
	f->in.data = data;
	f->in.len = len;
	f->in.size = len;
}

static void
fx_close(struct fixture *f)
{
	scan_free(f->ctx);
	report_free(f->r);
}

/* The finding NAME on any part, or NULL. */
static const struct finding *
finding(const struct report *r, const char *name)
{
	int i;

	for (i = 0; i < report_nfindings(r); i++)
		if (strcmp(report_finding(r, i)->name, name) == 0)
			return report_finding(r, i);
	return NULL;
}

static void
folder_loads_yar_and_yara_files_only(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *r;

	(void)state;
	r = load("good", &err);
	assert_non_null(r);
	assert_null(err.s);
	/* 6 marker rules (one private) + 3 external rules; ignored.txt not read */
	assert_int_equal(yara_rules_count(r), 9);
	yara_rules_free(r);
	sb_free(&err);
}

static void
syntax_error_names_file_and_line(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char want[1200];

	(void)state;
	assert_null(load("bad", &err));
	assert_non_null(err.s);
	snprintf(want, sizeof(want), "%s/bad/syntax.yar:11: ", datadir);
	assert_non_null(strstr(sb_str(&err), want));
	sb_free(&err);
}

static void
every_broken_file_is_reported(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char want[1200];

	(void)state;
	assert_null(load("bad2", &err));
	snprintf(want, sizeof(want), "%s/bad2/a.yar:3: ", datadir);
	assert_non_null(strstr(sb_str(&err), want));
	snprintf(want, sizeof(want), "%s/bad2/c.yar:2: ", datadir);
	assert_non_null(strstr(sb_str(&err), want));
	assert_null(strstr(sb_str(&err), "b.yar"));
	sb_free(&err);
}

static void
missing_path_is_an_error(void **state)
{
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_null(load("no-such-file.yar", &err));
	assert_non_null(strstr(sb_str(&err), "no-such-file.yar:0: "));
	sb_free(&err);
	yara_rules_free(NULL);
	assert_int_equal(yara_rules_count(NULL), 0);
}

static void
matches_carry_meta_severity(void **state)
{
	static const char buf[] = "hello EMBARGO-YARA-MARKER world";
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("good/a_markers.yar", &err);
	struct fixture f;
	const struct finding *x;

	(void)state;
	assert_non_null(rules);
	fx_open(&f, rules, "note.txt", buf, sizeof(buf) - 1);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	x = finding(f.r, "yara.Test_Marker_High");
	assert_non_null(x);
	assert_int_equal(x->sev, SEV_HIGH);
	assert_non_null(strstr(x->detail, "namespace=a_markers"));
	assert_non_null(strstr(x->detail, "tags=test marker"));
	assert_non_null(strstr(x->detail, "description=marker string"));
	assert_int_equal(finding(f.r, "yara.Test_Marker_Int")->sev, SEV_CRITICAL);
	assert_int_equal(finding(f.r, "yara.Test_Marker_Default")->sev, SEV_MEDIUM);
	assert_int_equal(finding(f.r, "yara.Test_Marker_Bogus_Sev")->sev, SEV_MEDIUM);
	assert_int_equal(finding(f.r, "yara.Test_Marker_Info")->sev, SEV_INFO);
	assert_null(finding(f.r, "yara.Test_Private"));
	assert_int_equal(report_nfindings(f.r), 5);
	fx_close(&f);
	yara_rules_free(rules);
	sb_free(&err);
}

static void
no_match_no_finding(void **state)
{
	static const char buf[] = "nothing to see here";
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("good", &err);
	struct fixture f;

	(void)state;
	fx_open(&f, rules, "note.txt", buf, sizeof(buf) - 1);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 0);
	fx_close(&f);
	/* no rules configured: nothing happens, no state */
	fx_open(&f, NULL, "x.exe", buf, sizeof(buf) - 1);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 0);
	assert_null(f.ctx->yara);
	fx_close(&f);
	yara_rules_free(rules);
	sb_free(&err);
}

static void
extension_is_lower_case_without_dot(void **state)
{
	static const char buf[] = "MZ";
	static const char *const hit[] = { "setup.exe", "SETUP.EXE", "a.b.Exe" };
	static const char *const miss[] = { "setup.exe.txt", "exe", "setup.exex", "dir.exe/x",
		NULL };
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("good", &err);
	struct fixture f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hit) / sizeof(hit[0]); i++) {
		fx_open(&f, rules, hit[i], buf, 2);
		assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
		assert_non_null(finding(f.r, "yara.Test_Ext_Exe"));
		assert_int_equal(finding(f.r, "yara.Test_Ext_Exe")->sev, SEV_CRITICAL);
		fx_close(&f);
	}
	for (i = 0; i < sizeof(miss) / sizeof(miss[0]); i++) {
		fx_open(&f, rules, miss[i], buf, 2);
		assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
		assert_null(finding(f.r, "yara.Test_Ext_Exe"));
		fx_close(&f);
	}
	yara_rules_free(rules);
	sb_free(&err);
}

static void
filename_mime_depth_and_path_are_set_per_part(void **state)
{
	static const char buf[] = "data";
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("good", &err);
	struct fixture f;
	int p1, p2;

	(void)state;
	fx_open(&f, rules, "Invoice0042.pdf", buf, 4);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_non_null(finding(f.r, "yara.Test_Filename"));
	assert_int_equal(finding(f.r, "yara.Test_Filename")->sev, SEV_LOW);
	assert_null(finding(f.r, "yara.Test_Mime_Depth_Path"));
	/* a member two steps down, same message (same scanner, new values) */
	p1 = report_part_add(f.r, 0, "outer.zip", 0);
	p2 = report_part_add(f.r, p1, "inner.bin", 0);
	f.in.part = p2;
	f.in.name = "inner.bin";
	f.in.mime = "text/x-embargo-test";
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_true(report_has(f.r, p2, "yara.Test_Mime_Depth_Path"));
	assert_int_equal(report_nfindings(f.r), 2);   /* filename rule not on p2 */
	/* depth 1 does not match */
	f.in.part = p1;
	f.in.name = "inner.bin.zip";
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(report_nfindings(f.r), 2);
	fx_close(&f);
	yara_rules_free(rules);
	sb_free(&err);
}

static void
two_rule_objects_both_scan(void **state)
{
	static const char buf[] = "EMBARGO-YARA-MARKER";
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *a = load("good/a_markers.yar", &err);
	struct yara_rules *b = load("good/b_externals.yara", &err);
	struct fixture f;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	fx_open(&f, a, "x.exe", buf, sizeof(buf) - 1);
	f.cfg.rules[1] = b;
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_non_null(finding(f.r, "yara.Test_Marker_High"));
	assert_non_null(finding(f.r, "yara.Test_Ext_Exe"));
	fx_close(&f);
	yara_rules_free(a);
	yara_rules_free(b);
	sb_free(&err);
}

static void
slow_rule_hits_timeout_not_a_pass(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("slow", &err);
	unsigned char *buf = calloc(1, 64 * 1024);
	struct fixture f;
	const struct finding *x;
	time_t t0;

	(void)state;
	assert_non_null(rules);
	assert_non_null(buf);
	fx_open(&f, rules, "big.bin", buf, 64 * 1024);
	f.cfg.lim.yara_timeout = 1;
	t0 = time(NULL);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	assert_true(time(NULL) - t0 <= 5);
	x = finding(f.r, "yara.limit");
	assert_non_null(x);
	assert_non_null(strstr(x->detail, "timed out"));
	assert_null(finding(f.r, "yara.Test_Slow"));
	fx_close(&f);
	yara_rules_free(rules);
	free(buf);
	sb_free(&err);
}

static void
message_budget_stops_yara(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("slow", &err);
	unsigned char *buf = calloc(1, 64 * 1024);
	struct fixture f;
	int i, n = 0;

	(void)state;
	assert_non_null(buf);
	fx_open(&f, rules, "big.bin", buf, 64 * 1024);
	f.cfg.lim.yara_timeout = 1;
	f.cfg.lim.yara_seconds = 2;
	/* two timeouts spend the 2 s budget; the third part is refused at once */
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	for (i = 0; i < report_nfindings(f.r); i++)
		if (strstr(report_finding(f.r, i)->detail, "budget") != NULL)
			n++;
	assert_int_equal(n, 1);
	fx_close(&f);
	yara_rules_free(rules);
	free(buf);
	sb_free(&err);
}

static void
past_deadline_skips_with_a_limit(void **state)
{
	static const char buf[] = "EMBARGO-YARA-MARKER";
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("good", &err);
	struct fixture f;

	(void)state;
	fx_open(&f, rules, "x.exe", buf, sizeof(buf) - 1);
	f.ctx->deadline = 0;    /* the analysers before YARA used all the time */
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_LIMIT);
	assert_int_equal(report_nfindings(f.r), 1);
	assert_string_equal(report_finding(f.r, 0)->name, "yara.limit");
	assert_non_null(strstr(report_finding(f.r, 0)->detail, "budget"));
	fx_close(&f);
	yara_rules_free(rules);
	sb_free(&err);
}

static void
too_many_matches_is_a_limit(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("many", &err);
	size_t n = 1100000 + 3;
	unsigned char *buf = malloc(n);
	struct fixture f;
	const struct finding *x;

	(void)state;
	assert_non_null(rules);
	assert_non_null(buf);
	memset(buf, 'A', n);
	fx_open(&f, rules, "a.txt", buf, n);
	assert_int_not_equal(yara_scan(f.ctx, &f.in), EM_TEMPFAIL);
	x = finding(f.r, "yara.limit");
	assert_non_null(x);
	assert_non_null(strstr(x->detail, "string $a of rule Test_Many has more than"));
	fx_close(&f);
	/* just under the cap: a match, no limit */
	fx_open(&f, rules, "a.txt", buf, 1000000 + 3 - 1);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_non_null(finding(f.r, "yara.Test_Many"));
	assert_null(finding(f.r, "yara.limit"));
	fx_close(&f);
	yara_rules_free(rules);
	free(buf);
	sb_free(&err);
}

/* Rules saved by libyara (as yarac does) load as a set of their own beside sources. */
static void
precompiled_rules_load_beside_sources(void **state)
{
	char src[1200], bin[] = "/tmp/test_yara_compiled_XXXXXX";
	const char *paths[2] = { bin, src };
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules;
	YR_COMPILER *c = NULL;
	YR_RULES *yr = NULL;
	struct fixture f;
	static const char buf[] = "EMBARGO-YARA-MARKER precompiled-marker";
	int fd;

	(void)state;
	assert_int_equal(yr_compiler_create(&c), ERROR_SUCCESS);
	assert_int_equal(yr_compiler_add_string(c,
	    "rule Test_Precompiled { meta: severity = \"low\" strings: $a = \"precompiled-marker\" "
	    "condition: $a }", NULL), 0);
	assert_int_equal(yr_compiler_get_rules(c, &yr), ERROR_SUCCESS);
	assert_true((fd = mkstemp(bin)) >= 0);
	close(fd);
	assert_int_equal(yr_rules_save(yr, bin), ERROR_SUCCESS);
	yr_rules_destroy(yr);
	yr_compiler_destroy(c);
	snprintf(src, sizeof(src), "%s/good/a_markers.yar", datadir);
	rules = yara_rules_load(paths, 2, &err);
	assert_non_null(rules);
	assert_int_equal(yara_rules_count(rules), 7);
	fx_open(&f, rules, "m.txt", buf, sizeof(buf) - 1);
	assert_int_equal(yara_scan(f.ctx, &f.in), EM_OK);
	assert_int_equal(finding(f.r, "yara.Test_Precompiled")->sev, SEV_LOW);
	assert_non_null(finding(f.r, "yara.Test_Marker_High"));
	fx_close(&f);
	yara_rules_free(rules);
	unlink(bin);
	sb_free(&err);
}

/* One rules object shared by threads, each with its own message (as in the daemon). */
struct thr_arg {
	const struct yara_rules *rules;
	int ok;
};

static void *
thr_scan(void *p)
{
	static const char buf[] = "xx EMBARGO-YARA-MARKER xx";
	struct thr_arg *a = p;
	struct fixture f;
	int i;

	a->ok = 1;
	for (i = 0; i < 200; i++) {
		memset(&f, 0, sizeof(f));
		scan_limits_default(&f.cfg.lim);
		f.cfg.rules[0] = a->rules;
		if ((f.r = report_new()) == NULL || report_part_add(f.r, -1, "", 1) != 0 ||
		    (f.ctx = scan_new(&f.cfg, f.r)) == NULL) {
			a->ok = 0;
			report_free(f.r);
			break;
		}
		f.in.name = i % 2 ? "a.exe" : "a.txt";
		f.in.data = (const unsigned char *)buf;
		f.in.len = sizeof(buf) - 1;
		if (yara_scan(f.ctx, &f.in) != EM_OK ||
		    report_nfindings(f.r) != (i % 2 ? 6 : 5))
			a->ok = 0;
		fx_close(&f);
	}
	return NULL;
}

static void
threads_share_rules(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *rules = load("good", &err);
	struct thr_arg a[8];
	pthread_t t[8];
	int i;

	(void)state;
	assert_non_null(rules);
	for (i = 0; i < 8; i++) {
		a[i].rules = rules;
		assert_int_equal(pthread_create(&t[i], NULL, thr_scan, &a[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_true(a[i].ok);
	}
	yara_rules_free(rules);
	sb_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folder_loads_yar_and_yara_files_only),
		cmocka_unit_test(syntax_error_names_file_and_line),
		cmocka_unit_test(every_broken_file_is_reported),
		cmocka_unit_test(missing_path_is_an_error),
		cmocka_unit_test(matches_carry_meta_severity),
		cmocka_unit_test(no_match_no_finding),
		cmocka_unit_test(extension_is_lower_case_without_dot),
		cmocka_unit_test(filename_mime_depth_and_path_are_set_per_part),
		cmocka_unit_test(two_rule_objects_both_scan),
		cmocka_unit_test(slow_rule_hits_timeout_not_a_pass),
		cmocka_unit_test(message_budget_stops_yara),
		cmocka_unit_test(past_deadline_skips_with_a_limit),
		cmocka_unit_test(too_many_matches_is_a_limit),
		cmocka_unit_test(precompiled_rules_load_beside_sources),
		cmocka_unit_test(threads_share_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
