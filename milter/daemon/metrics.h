/*
 * metrics.h: the daemon's counters, for the control socket (control.c) and
 * Prometheus (metrics_prom.c).
 *
 * Promises: counting is lock-free (C11 atomics on fixed arrays) and never allocates,
 * so it is safe from every milter thread at the one point a message is final:
 * metrics_message (eom.c, after the summary line) and metrics_failure (reply.c,
 * status_reply, for a message answered by on_error). Counts only grow while the
 * process runs; a restart starts them at zero (Prometheus counters expect that).
 * Rules: the names of the policy's rules are registered at start and on every
 * reload (metrics_rules); a name keeps its count across reloads, also when a reload
 * removed the rule. At most METRICS_MAX_RULES distinct names in the life of the
 * process; later names and unknown rules are counted under METRICS_RULE_OTHER.
 * Findings are counted by vocabulary entry (every yara.<rule> under "yara.*").
 * Threads: every function is safe from any thread; metrics_rules is called by one
 * thread at a time (start, then the reload thread) and takes a lock for that.
 * BUGS: the latency histogram covers messages that reached a decision; a message
 * answered by on_error (metrics_failure) is counted by action and cause only.
 */
#ifndef EMBARGO_METRICS_H
#define EMBARGO_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/report.h"
#include "core/strbuf.h"
#include "policy/policy.h"

#define METRICS_MAX_RULES  2048 /* distinct rule names kept in one process */
#define METRICS_MAX_VOCAB  256  /* vocabulary entries counted (vocab.c has fewer) */
#define METRICS_RULE_NONE  "-"  /* no rule decided (the default accept) */
#define METRICS_RULE_OTHER "(other)"
#define METRICS_NACTIONS   (ACT_TEMPFAIL + 1)

/* Why a message was tempfailed (the label values of embargo_tempfails_total). */
enum metrics_cause {
	MC_SCAN = 0, /* the in-process scan failed (memory, disk, time) */
	MC_WORKER,   /* no scan worker (back-off, start failure) */
	MC_STORE,    /* the quarantine store failed */
	MC_POLICY,   /* the policy could not decide (memory) */
	MC_HEADER,   /* a header could not be read or written */
	MC_BODY,     /* the body could not be read or replaced */
	MC_SPOOL,    /* the message could not be spooled */
	MC_MEMORY,   /* out of memory in the envelope */
	MC_RULE,     /* a policy rule said tempfail */
	MC_INTERNAL, /* anything else */
	MC_NCAUSES
};

/* The latency buckets, seconds (le=); +Inf follows. */
#define METRICS_NBUCKETS 12
extern const double metrics_buckets[METRICS_NBUCKETS];

/* "scan", "worker", ... */
const char *metrics_cause_name(enum metrics_cause c);
/* The cause for status_reply's WHERE ("scan", "spool", "out of memory", ...). */
enum metrics_cause metrics_cause_of(const char *where);

/* Register the rule names of P (start and each reload). */
void metrics_rules(const struct policy *p);

/* A message decided and acted on: DONE (what was done), RULE (or NULL), its
 * findings R (may be NULL), SIZE bytes, SECONDS from MAIL FROM to the verdict. A
 * tempfail counts under CAUSE (ignored otherwise). */
void metrics_message(enum action done, const char *rule, const struct report *r,
    uint64_t size, double seconds, enum metrics_cause cause);
/* A message answered by on_error: DONE is accept, reject or tempfail. */
void metrics_failure(enum action done, enum metrics_cause cause);
/* A reload finished: OK 1 or 0. */
void metrics_reload(int ok);

/* A copy of the counters, for the renderer and the tests. */
struct metrics_rule_count {
	const char *name; /* owned by the table: valid for the life of the process */
	uint64_t n;
};
struct metrics_snapshot {
	uint64_t actions[METRICS_NACTIONS];
	uint64_t causes[MC_NCAUSES];
	uint64_t findings[METRICS_MAX_VOCAB]; /* by vocab_all() index */
	uint64_t parts, bytes;
	uint64_t buckets[METRICS_NBUCKETS + 1]; /* not cumulative; last is +Inf */
	uint64_t lat_count, lat_usec;
	uint64_t reloads, reload_failures;
	int last_reload_ok;  /* 1 before any reload */
	int64_t last_reload; /* unix seconds, 0 before any reload */
	int64_t started;     /* unix seconds */
	uint64_t rule_other;
	struct metrics_rule_count rules[METRICS_MAX_RULES];
	size_t nrules;
};
void metrics_snapshot(struct metrics_snapshot *s);

/* The Prometheus text of S plus the worker and database figures (metrics_prom.c).
 * WORKERS: whether a worker pool runs (its wpool_stats follow). */
struct wpool_stats;
void metrics_render(
    const struct metrics_snapshot *s, const struct wpool_stats *w, struct strbuf *out);

/* For tests: forget every count and rule name (not thread-safe). */
void metrics_reset(void);

#endif
