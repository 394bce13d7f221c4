/*
 * test_config.c: the config key table: defaults equal the scanner defaults, sizes
 * with suffixes, ceilings, relative paths beside the config file, snapshots, the
 * worker back-off keys and their way into the pool's options.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/config.h"
#include "daemon/workers.h"

static char dir[] = "/tmp/embargo-test-config.XXXXXX";

static const char *
write_conf(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	/* the shipped policy, unless the test names its own */
	if (strstr(text, "policy_file") == NULL)
		fprintf(fp, "policy_file = \"%s/conf/policy.conf\";\n",
		    getenv("EMBARGO_ROOT") ? getenv("EMBARGO_ROOT") : ".");
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
defaults_match_scanner_defaults(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *c = config_load(write_conf("empty.conf", ""), &err);
	struct scan_limits l;

	(void)state;
	assert_non_null(c);
	memset(&l, 0, sizeof(l));   /* padding compares equal */
	scan_limits_default(&l);
	assert_memory_equal(&c->scan.lim, &l, sizeof(l));
	assert_int_equal(c->on_error, ON_ERROR_TEMPFAIL);
	assert_int_equal(c->socket_mode, 0660);
	config_free(c);
	sb_free(&err);
}

static void
sizes_suffixes_and_ceilings(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *c;

	(void)state;
	c = config_load(write_conf("s.conf",
	    "limits = { scan_window = \"8M\"; spool_memory = 65536; archive_bytes = \"2G\"; };\n"),
	    &err);
	assert_non_null(c);
	assert_int_equal(c->scan.lim.scan_window, 8u * 1024 * 1024);
	assert_int_equal(c->scan.lim.spool_memory, 65536);
	assert_true(c->scan.lim.archive_bytes == 2ull * 1024 * 1024 * 1024);
	config_free(c);
	c = config_load(write_conf("c.conf", "\nlimits = { scan_window = \"2G\"; };\n"), &err);
	assert_null(c);
	assert_non_null(strstr(sb_str(&err), "c.conf:3: limits.scan_window: out of range"));
	sb_free(&err);
}

static void
relative_paths_are_beside_the_config(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *c;
	char want[300];

	(void)state;
	snprintf(want, sizeof(want), "cp '%s/conf/policy.conf' '%s/my-policy.conf'",
	    getenv("EMBARGO_ROOT") ? getenv("EMBARGO_ROOT") : ".", dir);
	assert_int_equal(system(want), 0);
	c = config_load(write_conf("r.conf", "policy_file = \"my-policy.conf\";\n"), &err);
	assert_non_null(c);
	snprintf(want, sizeof(want), "%s/my-policy.conf", dir);
	assert_string_equal(c->policy_file, want);
	config_free(c);
	sb_free(&err);
}

static void
wrong_types_are_rejected_with_line(void **state)
{
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_null(config_load(write_conf("t.conf", "socket = 5;\n"), &err));
	assert_non_null(strstr(sb_str(&err), "t.conf:2: socket: must be a string"));
	sb_reset(&err);
	assert_null(config_load(write_conf("u.conf", "yara_rules = \"x\";\n"), &err));
	assert_non_null(strstr(sb_str(&err), "u.conf:2: yara_rules: must be a list"));
	sb_reset(&err);
	assert_null(config_load(write_conf("g.conf", "tuning = { a = 1; };\n"), &err));
	assert_non_null(strstr(sb_str(&err), "g.conf:2: unknown group 'tuning'"));
	sb_free(&err);
}

static void
backoff_keys_defaults_ranges_and_pool_options(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *c;
	struct wpool_opts o;
	char path[256];

	(void)state;
	c = config_load(write_conf("bd.conf", ""), &err);
	assert_non_null(c);
	assert_int_equal(c->worker_backoff_deaths, WPOOL_BACKOFF_DEATHS);
	assert_int_equal(c->worker_backoff_seconds, WPOOL_BACKOFF_SECONDS);
	config_free(c);
	/* the edges are accepted and reach the pool's options */
	c = config_load(write_conf("be.conf",
			    "worker_backoff_deaths = 1000;\nworker_backoff_seconds = 1;\n"),
	    &err);
	assert_non_null(c);
	wpool_opts_of(c, "be.conf", 1, path, sizeof(path), &o);
	assert_int_equal(o.backoff_deaths, 1000);
	assert_int_equal(o.backoff_seconds, 1);
	config_free(c);
	c = config_load(write_conf("bf.conf",
			    "worker_backoff_deaths = 1;\nworker_backoff_seconds = 3600;\n"),
	    &err);
	assert_non_null(c);
	wpool_opts_of(c, "bf.conf", 1, path, sizeof(path), &o);
	assert_int_equal(o.backoff_deaths, 1);
	assert_int_equal(o.backoff_seconds, 3600);
	config_free(c);
	/* just past them: refused, naming the file and line */
	assert_null(config_load(write_conf("b0.conf", "worker_backoff_deaths = 0;\n"), &err));
	assert_non_null(strstr(sb_str(&err), "b0.conf:2: worker_backoff_deaths: out of range"));
	sb_reset(&err);
	assert_null(
	    config_load(write_conf("b1.conf", "\nworker_backoff_deaths = 1001;\n"), &err));
	assert_non_null(
	    strstr(sb_str(&err), "b1.conf:3: worker_backoff_deaths: out of range"));
	sb_reset(&err);
	assert_null(config_load(write_conf("s0.conf", "worker_backoff_seconds = 0;\n"), &err));
	assert_non_null(strstr(sb_str(&err), "s0.conf:2: worker_backoff_seconds: out of range"));
	sb_reset(&err);
	assert_null(
	    config_load(write_conf("s1.conf", "worker_backoff_seconds = 3601;\n"), &err));
	assert_non_null(
	    strstr(sb_str(&err), "s1.conf:2: worker_backoff_seconds: out of range"));
	sb_free(&err);
}

static void
snapshots_are_refcounted(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *a, *b, *got;

	(void)state;
	a = config_load(write_conf("a.conf", "backlog = 10;\n"), &err);
	b = config_load(write_conf("b.conf", "backlog = 20;\n"), &err);
	assert_non_null(a);
	assert_non_null(b);
	config_install(a);
	got = config_get();              /* a message pins a */
	config_install(b);               /* reload: a stays alive for that message */
	assert_int_equal(got->backlog, 10);
	config_put(got);                 /* last reference to a: freed */
	got = config_get();
	assert_int_equal(got->backlog, 20);
	config_put(got);
	config_install(NULL);
	sb_free(&err);
}

static int
setup(void **state)
{
	(void)state;
	config_use_yara(); /* as the worker: yara_rules compiled at load */
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_match_scanner_defaults),
		cmocka_unit_test(sizes_suffixes_and_ceilings),
		cmocka_unit_test(relative_paths_are_beside_the_config),
		cmocka_unit_test(wrong_types_are_rejected_with_line),
		cmocka_unit_test(backoff_keys_defaults_ranges_and_pool_options),
		cmocka_unit_test(snapshots_are_refcounted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
