/*
 * metrics.c: the daemon's counters (see metrics.h).
 *
 * Every counter is a relaxed atomic: a scrape may see one message's counts half
 * added (its action but not yet its findings), never a torn value. The rule table
 * is open addressing on the name's FNV-1a hash; a slot's name pointer is published
 * with release order once, before any message can look it up, and never changes.
 * Limits: METRICS_MAX_RULES names; the histogram's sum is kept in microseconds.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/vocab.h"
#include "daemon/metrics.h"

#define RULE_SLOTS (METRICS_MAX_RULES * 2) /* load factor at most 1/2 */

typedef atomic_uint_fast64_t counter;

struct rule_slot {
	_Atomic(char *) name;
	counter n;
};

/* Process-wide by nature: every milter thread adds to the same figures. */
static struct {
	counter actions[METRICS_NACTIONS];
	counter causes[MC_NCAUSES];
	counter findings[METRICS_MAX_VOCAB];
	counter parts, bytes;
	counter buckets[METRICS_NBUCKETS + 1];
	counter lat_count, lat_usec;
	counter reloads, reload_failures;
	atomic_int last_reload_ok;
	atomic_llong last_reload, started;
	counter rule_other;
	struct rule_slot rules[RULE_SLOTS];
	atomic_size_t nrules;
} mx = { .last_reload_ok = 1 };

static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;

const double metrics_buckets[METRICS_NBUCKETS] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
	0.5, 1, 2.5, 5, 10, 30 };

static const char *const cause_names[MC_NCAUSES] = { "scan", "worker", "store", "policy",
	"header", "body", "spool", "memory", "rule", "internal" };

const char *
metrics_cause_name(enum metrics_cause c)
{
	return (unsigned)c < MC_NCAUSES ? cause_names[c] : "internal";
}

enum metrics_cause
metrics_cause_of(const char *where)
{
	static const struct {
		const char *where;
		enum metrics_cause c;
	} map[] = {
		{ "scan", MC_SCAN },
		{ "scan worker", MC_WORKER },
		{ "policy", MC_POLICY },
		{ "header", MC_HEADER },
		{ "body", MC_BODY },
		{ "spool", MC_SPOOL },
		{ "out of memory", MC_MEMORY },
	};
	size_t i;

	for (i = 0; where != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(where, map[i].where) == 0)
			return map[i].c;
	return MC_INTERNAL;
}

static void
add(counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t
get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot holding NAME, or NULL. With CREATE (rules_lock held) the name is added
 * when missing and there is room. */
static struct rule_slot *
rule_find(const char *name, int create)
{
	uint32_t i = fnv1a(name) % RULE_SLOTS, k;
	char *have, *dup;

	for (k = 0; k < RULE_SLOTS; k++, i = (i + 1) % RULE_SLOTS) {
		have = atomic_load_explicit(&mx.rules[i].name, memory_order_acquire);
		if (have == NULL)
			break;
		if (strcmp(have, name) == 0)
			return &mx.rules[i];
	}
	if (!create || k == RULE_SLOTS || atomic_load(&mx.nrules) >= METRICS_MAX_RULES ||
	    (dup = strdup(name)) == NULL)
		return NULL;
	atomic_store_explicit(&mx.rules[i].name, dup, memory_order_release);
	atomic_fetch_add(&mx.nrules, 1);
	return &mx.rules[i];
}

void
metrics_rules(const struct policy *p)
{
	size_t i, n = policy_nrules(p);
	const char *name;

	pthread_mutex_lock(&rules_lock);
	if (atomic_load(&mx.started) == 0)
		atomic_store(&mx.started, (long long)time(NULL));
	(void)rule_find(METRICS_RULE_NONE, 1);
	for (i = 0; i < n; i++)
		if ((name = policy_rule_name(p, i)) != NULL)
			(void)rule_find(name, 1);
	pthread_mutex_unlock(&rules_lock);
}

static void
count_findings(const struct report *r)
{
	const struct vocab_entry *all, *v;
	const struct finding *f;
	size_t nv, id;
	int i, n = r != NULL ? report_nfindings(r) : 0;

	all = vocab_all(&nv);
	for (i = 0; i < n; i++) {
		f = report_finding(r, i);
		if (f == NULL || (v = vocab_find(f->name)) == NULL)
			continue;
		id = (size_t)(v - all);
		if (id < METRICS_MAX_VOCAB)
			add(&mx.findings[id], 1);
	}
}

static void
count_latency(double seconds)
{
	size_t b;

	if (seconds < 0)
		seconds = 0;
	for (b = 0; b < METRICS_NBUCKETS && seconds > metrics_buckets[b]; b++)
		;
	add(&mx.buckets[b], 1);
	add(&mx.lat_count, 1);
	add(&mx.lat_usec, (uint64_t)(seconds * 1e6 + 0.5));
}

void
metrics_message(enum action done, const char *rule, const struct report *r, uint64_t size,
    double seconds, enum metrics_cause cause)
{
	struct rule_slot *rs;

	if ((unsigned)done < METRICS_NACTIONS)
		add(&mx.actions[done], 1);
	if (done == ACT_TEMPFAIL)
		add(&mx.causes[(unsigned)cause < MC_NCAUSES ? cause : MC_INTERNAL], 1);
	rs = rule_find(rule != NULL ? rule : METRICS_RULE_NONE, 0);
	add(rs != NULL ? &rs->n : &mx.rule_other, 1);
	count_findings(r);
	if (r != NULL)
		add(&mx.parts, (uint64_t)report_nparts(r));
	add(&mx.bytes, size);
	count_latency(seconds);
}

void
metrics_failure(enum action done, enum metrics_cause cause)
{
	if ((unsigned)done < METRICS_NACTIONS)
		add(&mx.actions[done], 1);
	if (done == ACT_TEMPFAIL)
		add(&mx.causes[(unsigned)cause < MC_NCAUSES ? cause : MC_INTERNAL], 1);
}

void
metrics_reload(int ok)
{
	add(&mx.reloads, 1);
	if (!ok)
		add(&mx.reload_failures, 1);
	atomic_store(&mx.last_reload_ok, ok != 0);
	atomic_store(&mx.last_reload, (long long)time(NULL));
}

static int
rule_cmp(const void *a, const void *b)
{
	return strcmp(((const struct metrics_rule_count *)a)->name,
	    ((const struct metrics_rule_count *)b)->name);
}

/* The rules, sorted by name so scrapes list them in one order. */
static void
snapshot_rules(struct metrics_snapshot *s)
{
	size_t i;
	char *name;

	s->nrules = 0;
	for (i = 0; i < RULE_SLOTS && s->nrules < METRICS_MAX_RULES; i++) {
		name = atomic_load_explicit(&mx.rules[i].name, memory_order_acquire);
		if (name == NULL)
			continue;
		s->rules[s->nrules].name = name;
		s->rules[s->nrules++].n = get(&mx.rules[i].n);
	}
	s->rule_other = get(&mx.rule_other);
	qsort(s->rules, s->nrules, sizeof(s->rules[0]), rule_cmp);
}

void
metrics_snapshot(struct metrics_snapshot *s)
{
	size_t i;

	for (i = 0; i < METRICS_NACTIONS; i++)
		s->actions[i] = get(&mx.actions[i]);
	for (i = 0; i < MC_NCAUSES; i++)
		s->causes[i] = get(&mx.causes[i]);
	for (i = 0; i < METRICS_MAX_VOCAB; i++)
		s->findings[i] = get(&mx.findings[i]);
	for (i = 0; i <= METRICS_NBUCKETS; i++)
		s->buckets[i] = get(&mx.buckets[i]);
	s->parts = get(&mx.parts);
	s->bytes = get(&mx.bytes);
	s->lat_count = get(&mx.lat_count);
	s->lat_usec = get(&mx.lat_usec);
	s->reloads = get(&mx.reloads);
	s->reload_failures = get(&mx.reload_failures);
	s->last_reload_ok = atomic_load(&mx.last_reload_ok);
	s->last_reload = atomic_load(&mx.last_reload);
	s->started = atomic_load(&mx.started);
	snapshot_rules(s);
}

void
metrics_reset(void)
{
	size_t i;
	char *name;

	pthread_mutex_lock(&rules_lock);
	for (i = 0; i < RULE_SLOTS; i++) {
		name = atomic_exchange(&mx.rules[i].name, NULL);
		free(name);
		atomic_store(&mx.rules[i].n, 0);
	}
	atomic_store(&mx.nrules, 0);
	pthread_mutex_unlock(&rules_lock);
	for (i = 0; i < METRICS_NACTIONS; i++)
		atomic_store(&mx.actions[i], 0);
	for (i = 0; i < MC_NCAUSES; i++)
		atomic_store(&mx.causes[i], 0);
	for (i = 0; i < METRICS_MAX_VOCAB; i++)
		atomic_store(&mx.findings[i], 0);
	for (i = 0; i <= METRICS_NBUCKETS; i++)
		atomic_store(&mx.buckets[i], 0);
	atomic_store(&mx.parts, 0);
	atomic_store(&mx.bytes, 0);
	atomic_store(&mx.lat_count, 0);
	atomic_store(&mx.lat_usec, 0);
	atomic_store(&mx.reloads, 0);
	atomic_store(&mx.reload_failures, 0);
	atomic_store(&mx.last_reload_ok, 1);
	atomic_store(&mx.last_reload, 0);
	atomic_store(&mx.rule_other, 0);
}
