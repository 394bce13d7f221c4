/*
 * metrics_prom.c: the daemon's counters as Prometheus text (see metrics.h), every
 * name under embargo_. Every action, cause and vocabulary name is written even at
 * zero, so a rate() over a fresh counter works from the first scrape.
 * The worker figures come from wpool_stats (absent without scan_workers), the
 * database figures from store_db_stats (PostgreSQL; zero with SQLite).
 */
#include <stdio.h>
#include <string.h>

#include "core/vocab.h"
#include "daemon/metrics.h"
#include "daemon/workers.h"
#include "metrics/prom.h"
#include "store/store.h"

/* A metric of one unlabelled sample. */
static void
single(
    struct strbuf *out, const char *name, const char *type, const char *help, uint64_t v)
{
	prom_head(out, name, type, help);
	prom_u64(out, name, NULL, NULL, v);
}

static void
render_actions(const struct metrics_snapshot *s, struct strbuf *out)
{
	int a;
	unsigned c;

	prom_head(out, "embargo_messages_total", "counter",
	    "Messages by the action done at end of message.");
	for (a = 0; a < METRICS_NACTIONS; a++)
		prom_u64(out, "embargo_messages_total", "action",
		    action_name((enum action)a), s->actions[a]);
	prom_head(
	    out, "embargo_tempfails_total", "counter", "Messages tempfailed, by cause.");
	for (c = 0; c < MC_NCAUSES; c++)
		prom_u64(out, "embargo_tempfails_total", "cause",
		    metrics_cause_name((enum metrics_cause)c), s->causes[c]);
}

static void
render_rules(const struct metrics_snapshot *s, struct strbuf *out)
{
	size_t i;

	prom_head(out, "embargo_rule_messages_total", "counter",
	    "Messages by the policy rule that decided (\"-\": none, the default accept). "
	    "Names are kept across reloads.");
	for (i = 0; i < s->nrules; i++)
		prom_u64(out, "embargo_rule_messages_total", "rule", s->rules[i].name,
		    s->rules[i].n);
	prom_u64(out, "embargo_rule_messages_total", "rule", METRICS_RULE_OTHER,
	    s->rule_other);
}

static int
is_limit(const char *name)
{
	size_t n = strlen(name);

	return n > 6 && strcmp(name + n - 6, ".limit") == 0;
}

static void
render_findings(const struct metrics_snapshot *s, struct strbuf *out)
{
	const struct vocab_entry *v;
	size_t i, n;

	v = vocab_all(&n);
	if (n > METRICS_MAX_VOCAB)
		n = METRICS_MAX_VOCAB;
	prom_head(out, "embargo_findings_total", "counter",
	    "Findings by name (every yara.<rule> under yara.*).");
	for (i = 0; i < n; i++)
		prom_u64(
		    out, "embargo_findings_total", "finding", v[i].name, s->findings[i]);
	prom_head(out, "embargo_limits_hit_total", "counter",
	    "Bounds crossed, by the finding that says so.");
	for (i = 0; i < n; i++)
		if (is_limit(v[i].name))
			prom_u64(out, "embargo_limits_hit_total", "limit", v[i].name,
			    s->findings[i]);
}

static void
render_latency(const struct metrics_snapshot *s, struct strbuf *out)
{
	const char *h = "embargo_message_duration_seconds";
	char le[32];
	uint64_t cum = 0;
	size_t b;

	prom_head(out, h, "histogram",
	    "Seconds from MAIL FROM to the verdict, per decided message.");
	for (b = 0; b <= METRICS_NBUCKETS; b++) {
		cum += s->buckets[b];
		if (b < METRICS_NBUCKETS)
			snprintf(le, sizeof(le), "%g", metrics_buckets[b]);
		else
			snprintf(le, sizeof(le), "+Inf");
		prom_u64(out, "embargo_message_duration_seconds_bucket", "le", le, cum);
	}
	prom_f64(out, "embargo_message_duration_seconds_sum", NULL, NULL,
	    (double)s->lat_usec / 1e6);
	prom_u64(out, "embargo_message_duration_seconds_count", NULL, NULL, s->lat_count);
}

static void
render_scanned(const struct metrics_snapshot *s, struct strbuf *out)
{
	single(out, "embargo_parts_scanned_total", "counter",
	    "MIME parts and archive members analysed.", s->parts);
	single(out, "embargo_bytes_scanned_total", "counter",
	    "Message bytes (headers and body) scanned.", s->bytes);
}

static void
render_reloads(const struct metrics_snapshot *s, struct strbuf *out)
{
	single(out, "embargo_reloads_total", "counter", "Reloads (SIGHUP) done.",
	    s->reloads);
	single(out, "embargo_reload_failures_total", "counter",
	    "Reloads that failed (the old configuration was kept).", s->reload_failures);
	single(out, "embargo_last_reload_success", "gauge",
	    "1 when the last reload succeeded (or there was none), else 0.",
	    (uint64_t)s->last_reload_ok);
	single(out, "embargo_last_reload_timestamp_seconds", "gauge",
	    "Unix time of the last reload, 0 before any.",
	    (uint64_t)(s->last_reload > 0 ? s->last_reload : 0));
	single(out, "embargo_start_time_seconds", "gauge",
	    "Unix time the daemon started.", (uint64_t)(s->started > 0 ? s->started : 0));
}

static void
render_workers(const struct wpool_stats *w, struct strbuf *out)
{
	single(out, "embargo_worker_scans_total", "counter",
	    "Messages handed to sandboxed scan workers.", w->scanned);
	single(out, "embargo_workers_crashed_total", "counter",
	    "Scan workers that died on a message.", w->crashed);
	single(out, "embargo_worker_backoffs_total", "counter",
	    "Messages tempfailed because workers died too often.", w->backoffs);
	single(out, "embargo_workers_spawned_total", "counter",
	    "Scan worker processes started.", w->spawned);
}

static void
render_db(struct strbuf *out)
{
	struct store_db_stats d;

	store_db_stats(&d);
	single(out, "embargo_db_queries_total", "counter",
	    "PostgreSQL round trips of the daemon (0 with SQLite).", d.queries);
	prom_head(out, "embargo_db_query_seconds_total", "counter",
	    "Seconds spent in PostgreSQL round trips.");
	prom_f64(out, "embargo_db_query_seconds_total", NULL, NULL, (double)d.usec / 1e6);
	single(out, "embargo_db_errors_total", "counter",
	    "PostgreSQL round trips that failed.", d.errors);
	single(out, "embargo_db_reconnects_total", "counter",
	    "PostgreSQL connections made again after a failure.", d.reconnects);
}

void
metrics_render(
    const struct metrics_snapshot *s, const struct wpool_stats *w, struct strbuf *out)
{
	render_actions(s, out);
	render_rules(s, out);
	render_findings(s, out);
	render_scanned(s, out);
	render_latency(s, out);
	render_reloads(s, out);
	if (w != NULL)
		render_workers(w, out);
	render_db(out);
}
