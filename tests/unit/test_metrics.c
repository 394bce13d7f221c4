/*
 * test_metrics.c: the daemon's counters (daemon/metrics.c): by action, rule (names
 * kept across a reload, unknown rules under "(other)"), finding (by vocabulary entry,
 * yara.* together), tempfail cause, parts and bytes; the latency histogram's bucket
 * edges (le is inclusive) and its cumulative rendering; the Prometheus text (every
 * line well formed, hostile label values escaped); the control socket's request
 * classifier at and past its bound; the JSON log escaper on hostile strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "core/vocab.h"
#include "daemon/control.h"
#include "daemon/logjson.h"
#include "daemon/metrics.h"
#include "metrics/prom.h"

static struct policy *
policy_of(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct policy *p = policy_load_text(text, "t.conf", &err);

	if (p == NULL)
		fprintf(stderr, "%s", sb_str(&err));
	sb_free(&err);
	return p;
}

static size_t
vocab_id(const char *name)
{
	size_t n;
	const struct vocab_entry *all = vocab_all(&n);

	return (size_t)(vocab_find(name) - all);
}

static uint64_t
rule_count(const struct metrics_snapshot *s, const char *name, int *found)
{
	size_t i;

	*found = 0;
	for (i = 0; i < s->nrules; i++)
		if (strcmp(s->rules[i].name, name) == 0)
			return *found = 1, s->rules[i].n;
	return 0;
}

static struct report *
sample_report(void)
{
	struct report *r = report_new();
	int root = report_part_add(r, -1, "", 1);
	int p2 = report_part_add(r, root, "2", 1);

	report_add(r, p2, "macro.vba", NULL);
	report_add(r, p2, "mime.limit", NULL);
	report_add(r, root, "mime.limit", NULL);
	report_add_sev(r, p2, "yara.one", SEV_HIGH, NULL);
	report_add_sev(r, p2, "yara.two", SEV_HIGH, NULL);
	return r;
}

static void
counters(void **state)
{
	struct policy *p = policy_of("rules = ( { name = \"a\"; action = \"quarantine\"; "
				     "}, { name = \"b\"; action = \"tag\"; } );");
	struct metrics_snapshot *s = malloc(sizeof(*s));
	struct report *r = sample_report();
	int found;

	(void)state;
	assert_non_null(p);
	metrics_reset();
	metrics_rules(p);
	metrics_message(ACT_QUARANTINE, "a", r, 1000, 0.2, MC_INTERNAL);
	metrics_message(ACT_QUARANTINE, "a", r, 24, 0.2, MC_INTERNAL);
	metrics_message(ACT_TEMPFAIL, "b", NULL, 5, 0.1, MC_STORE);
	metrics_message(ACT_ACCEPT, NULL, NULL, 7, 0.1, MC_INTERNAL);
	metrics_message(ACT_ACCEPT, "not-loaded", NULL, 1, 0.1, MC_INTERNAL);
	metrics_failure(ACT_TEMPFAIL, metrics_cause_of("spool"));
	metrics_failure(ACT_REJECT, metrics_cause_of("scan"));
	metrics_snapshot(s);
	assert_int_equal(s->actions[ACT_QUARANTINE], 2);
	assert_int_equal(s->actions[ACT_TEMPFAIL], 2);
	assert_int_equal(s->actions[ACT_ACCEPT], 2);
	assert_int_equal(s->actions[ACT_REJECT], 1);
	assert_int_equal(s->actions[ACT_TAG], 0);
	assert_int_equal(s->causes[MC_STORE], 1);
	assert_int_equal(s->causes[MC_SPOOL], 1);
	assert_int_equal(s->causes[MC_SCAN], 0); /* the reject was no tempfail */
	assert_int_equal(s->findings[vocab_id("macro.vba")], 2);
	assert_int_equal(s->findings[vocab_id("mime.limit")], 4);
	assert_int_equal(s->findings[vocab_id("yara.any")], 4);
	assert_int_equal(s->parts, 4);
	assert_int_equal(s->bytes, 1037);
	assert_int_equal(rule_count(s, "a", &found), 2);
	assert_true(found);
	assert_int_equal(rule_count(s, "b", &found), 1);
	assert_int_equal(rule_count(s, METRICS_RULE_NONE, &found), 1);
	assert_true(found);
	assert_int_equal(s->rule_other, 1);
	assert_int_equal(s->lat_count, 5);
	assert_int_equal(s->lat_usec, 700000);
	report_free(r);
	policy_free(p);
	free(s);
}

static void
reload_keeps_names(void **state)
{
	struct policy *p1 =
	    policy_of("rules = ( { name = \"old\"; action = \"tag\"; } );");
	struct policy *p2 =
	    policy_of("rules = ( { name = \"new\"; action = \"tag\"; } );");
	struct metrics_snapshot *s = malloc(sizeof(*s));
	int found;

	(void)state;
	metrics_reset();
	metrics_rules(p1);
	metrics_message(ACT_TAG, "old", NULL, 1, 0, MC_INTERNAL);
	metrics_rules(p2);
	metrics_reload(1);
	metrics_message(ACT_TAG, "new", NULL, 1, 0, MC_INTERNAL);
	metrics_message(ACT_TAG, "old", NULL, 1, 0, MC_INTERNAL); /* a pinned message */
	metrics_reload(0);
	metrics_snapshot(s);
	assert_int_equal(rule_count(s, "old", &found), 2);
	assert_int_equal(rule_count(s, "new", &found), 1);
	assert_int_equal(s->rule_other, 0);
	assert_int_equal(s->reloads, 2);
	assert_int_equal(s->reload_failures, 1);
	assert_int_equal(s->last_reload_ok, 0);
	assert_true(s->last_reload > 0);
	assert_string_equal(s->rules[0].name, "-"); /* sorted by name */
	policy_free(p1);
	policy_free(p2);
	free(s);
}

/* Render the current counters. */
static void
render(struct strbuf *out)
{
	struct metrics_snapshot *s = malloc(sizeof(*s));

	assert_non_null(s);
	metrics_snapshot(s);
	metrics_render(s, NULL, out);
	free(s);
}

static void
histogram(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	metrics_reset();
	metrics_message(ACT_ACCEPT, NULL, NULL, 0, 0.005, MC_INTERNAL);  /* le 0.005 */
	metrics_message(ACT_ACCEPT, NULL, NULL, 0, 0.0051, MC_INTERNAL); /* le 0.01 */
	metrics_message(ACT_ACCEPT, NULL, NULL, 0, -1, MC_INTERNAL);     /* clock step */
	metrics_message(ACT_ACCEPT, NULL, NULL, 0, 30, MC_INTERNAL);     /* le 30 */
	metrics_message(ACT_ACCEPT, NULL, NULL, 0, 31, MC_INTERNAL);     /* +Inf */
	render(&out);
	assert_non_null(strstr(sb_str(&out),
	    "\nembargo_message_duration_seconds_bucket{le=\"0.005\"} 2\n"
	    "embargo_message_duration_seconds_bucket{le=\"0.01\"} 3\n"
	    "embargo_message_duration_seconds_bucket{le=\"0.025\"} 3\n"));
	assert_non_null(strstr(sb_str(&out),
	    "\nembargo_message_duration_seconds_bucket{le=\"10\"} 3\n"
	    "embargo_message_duration_seconds_bucket{le=\"30\"} 4\n"
	    "embargo_message_duration_seconds_bucket{le=\"+Inf\"} 5\n"
	    "embargo_message_duration_seconds_sum 61.0101\n"
	    "embargo_message_duration_seconds_count 5\n"));
	sb_free(&out);
}

/* A label value: "...", with only \\ \" \n escapes and no raw newline. */
static const char *
label_value_end(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if (*p == '\0' || *p == '\n')
			return NULL;
		if (*p == '\\' && (p[1] != '\\' && p[1] != '"' && p[1] != 'n'))
			return NULL;
		if (*p == '\\')
			p++;
	}
	return p + 1;
}

/* One sample line of the text format, as Embargo writes them. */
static int
sample_ok(const char *line, size_t n)
{
	const char *p = line, *end = line + n;
	char *num_end;

	if (strncmp(p, "embargo_", 8) != 0)
		return 0;
	p += strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (*p == '{') {
		p++;
		p += strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		if (*p++ != '=' || (p = label_value_end(p)) == NULL || *p++ != '}')
			return 0;
	}
	if (*p++ != ' ')
		return 0;
	if (strncmp(p, "+Inf", 4) == 0 || strncmp(p, "NaN", 3) == 0)
		return 1;
	(void)strtod(p, &num_end);
	return num_end == end && num_end > p;
}

static void
text_format(void **state)
{
	struct policy *p =
	    policy_of("rules = ( { name = \"r.1-x\"; action = \"tag\"; } );");
	struct strbuf out = STRBUF_INIT;
	const char *s, *nl;
	size_t lines = 0;

	(void)state;
	assert_non_null(p);
	metrics_reset();
	metrics_rules(p);
	metrics_message(ACT_TAG, "r.1-x", NULL, 1, 0.01, MC_INTERNAL);
	metrics_message(
	    ACT_TAG, "q\"uote\n", NULL, 1, 0.01, MC_INTERNAL); /* not loaded */
	render(&out);
	assert_non_null(
	    strstr(sb_str(&out), "embargo_rule_messages_total{rule=\"r.1-x\"} 1\n"));
	assert_non_null(
	    strstr(sb_str(&out), "embargo_rule_messages_total{rule=\"(other)\"} 1\n"));
	assert_null(strstr(sb_str(&out), "uote"));
	assert_non_null(
	    strstr(sb_str(&out), "embargo_messages_total{action=\"tag\"} 2\n"));
	assert_non_null(
	    strstr(sb_str(&out), "embargo_limits_hit_total{limit=\"mime.limit\"} 0\n"));
	assert_null(
	    strstr(sb_str(&out), "embargo_limits_hit_total{limit=\"macro.vba\"}"));
	for (s = sb_str(&out); *s != '\0'; s = nl + 1, lines++) {
		nl = strchr(s, '\n');
		assert_non_null(nl);
		if (strncmp(s, "# HELP embargo_", 15) == 0 ||
		    strncmp(s, "# TYPE embargo_", 15) == 0)
			continue;
		if (!sample_ok(s, (size_t)(nl - s)))
			fail_msg("bad line: %.*s", (int)(nl - s), s);
	}
	assert_true(lines > 100);
	sb_free(&out);
	policy_free(p);
}

static void
label_escaping(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	prom_u64(&out, "embargo_x", "l",
	    "a\"b\\c\nd\xff"
	    "e\xe6\x97\xa5",
	    3);
	assert_string_equal(sb_str(&out),
	    "embargo_x{l=\"a\\\"b\\\\c\\nd\xef\xbf\xbd"
	    "e\xe6\x97\xa5\"} 3\n");
	sb_reset(&out);
	prom_head(&out, "embargo_y", "gauge", "with \\ and\nnewline \"kept\"");
	assert_string_equal(sb_str(&out),
	    "# HELP embargo_y with \\\\ and\\nnewline \"kept\"\n"
	    "# TYPE embargo_y gauge\n");
	sb_reset(&out);
	prom_f64(&out, "embargo_z", NULL, NULL, INFINITY);
	assert_string_equal(sb_str(&out), "embargo_z +Inf\n");
	sb_free(&out);
}

static void
control_requests(void **state)
{
	char big[CONTROL_LINE_MAX + 8];

	(void)state;
	assert_int_equal(control_parse("stats\n", 6, 0), CTL_STATS);
	assert_int_equal(control_parse("stats\r\n", 7, 0), CTL_STATS);
	assert_int_equal(control_parse("stats\ngarbage", 13, 0), CTL_STATS);
	assert_int_equal(control_parse("stats", 5, 0), CTL_NEED_MORE);
	assert_int_equal(control_parse("stats", 5, 1), CTL_STATS);
	assert_int_equal(control_parse("stat", 4, 1), CTL_UNKNOWN);
	assert_int_equal(control_parse("STATS\n", 6, 0), CTL_UNKNOWN);
	assert_int_equal(control_parse("sta\0ts\n", 7, 0), CTL_UNKNOWN);
	assert_int_equal(control_parse("stats \n", 7, 0), CTL_UNKNOWN);
	assert_int_equal(control_parse("", 0, 1), CTL_UNKNOWN);
	memset(big, 'x', sizeof(big));
	assert_int_equal(control_parse(big, CONTROL_LINE_MAX - 1, 0), CTL_NEED_MORE);
	assert_int_equal(control_parse(big, CONTROL_LINE_MAX, 0), CTL_TOO_LONG);
	big[CONTROL_LINE_MAX - 1] =
	    '\n'; /* a line of exactly the cap, newline included */
	assert_int_equal(control_parse(big, CONTROL_LINE_MAX, 0), CTL_UNKNOWN);
	big[CONTROL_LINE_MAX - 1] = 'x';
	big[CONTROL_LINE_MAX] = '\n';
	assert_int_equal(control_parse(big, CONTROL_LINE_MAX + 1, 0), CTL_TOO_LONG);
	assert_int_equal(control_parse(big, CONTROL_LINE_MAX, 1), CTL_TOO_LONG);
}

static void
json_str(const char *in, size_t max, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	logjson_str(&sb, in, max);
	assert_string_equal(sb_str(&sb), want);
	sb_free(&sb);
}

static void
json_escaper(void **state)
{
	(void)state;
	json_str(NULL, 10, "null");
	json_str("", 10, "\"\"");
	json_str("a\"b\\c", 10, "\"a\\\"b\\\\c\"");
	json_str(
	    "\n\r\t\b\f\x01\x1f\x7f", 20, "\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\"");
	json_str("</script>", 20, "\"</script>\"");
	json_str("\xe6\x97\xa5\xe6\x9c\xac", 20, "\"\xe6\x97\xa5\xe6\x9c\xac\"");
	json_str("x\xffy", 20, "\"x\\ufffdy\"");                   /* not UTF-8 */
	json_str("\xc0\xaf", 20, "\"\\ufffd\\ufffd\"");            /* overlong '/' */
	json_str("\xed\xa0\x80", 20, "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate */
	json_str("\xe6\x97", 20, "\"\\ufffd\\ufffd\"");            /* cut sequence */
	json_str("a\xe2\x80\xa8"
		 "b\xe2\x80\xa9",
	    20, "\"a\\u2028b\\u2029\"");
	json_str("abcdef", 3, "\"abc...\"");
	json_str("ab\xe6\x97\xa5", 3, "\"ab\\ufffd...\""); /* cut inside a character */
}

static void
json_line(void **state)
{
	const char *to[] = { "x@b.example", "q\"@c.example" };
	struct logjson_in in;
	struct strbuf sb = STRBUF_INIT;
	struct report *r = sample_report();

	(void)state;
	memset(&in, 0, sizeof(in));
	in.qid = "4ABC";
	in.client_addr = "192.0.2.1";
	in.msgid = "<m@x>";
	in.from = "a@b";
	in.to = to;
	in.nto = 2;
	in.to_dropped = 3;
	in.size = 42;
	in.r = r;
	in.rule = "a";
	in.action = "tag";
	in.would = "reject";
	in.elapsed = 0.0125;
	in.now.tv_sec = 0;
	in.now.tv_nsec = 7000000;
	logjson_summary(&in, &sb);
	assert_string_equal(sb_str(&sb),
	    "{\"time\":\"1970-01-01T00:00:00.007Z\",\"queue_id\":\"4ABC\","
	    "\"client_addr\":\"192.0.2.1\",\"client_name\":null,\"auth_user\":null,"
	    "\"message_id\":\"<m@x>\",\"from\":\"a@b\",\"size\":42,\"rule\":\"a\","
	    "\"action\":\"tag\",\"would\":\"reject\",\"quarantine_id\":null,"
	    "\"elapsed_ms\":12.500,\"to\":[\"x@b.example\",\"q\\\"@c.example\"],"
	    "\"to_omitted\":3,\"findings\":[\"macro.vba\",\"mime.limit\",\"yara.one\","
	    "\"yara.two\"]}");
	sb_free(&sb);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters),
		cmocka_unit_test(reload_keeps_names),
		cmocka_unit_test(histogram),
		cmocka_unit_test(text_format),
		cmocka_unit_test(label_escaping),
		cmocka_unit_test(control_requests),
		cmocka_unit_test(json_escaper),
		cmocka_unit_test(json_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
