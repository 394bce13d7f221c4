/*
 * store_stats.c: how many entries and stored bytes the quarantine holds, by state,
 * for the metrics (embargo-web's /metrics).
 *
 * Promises: one portable query through sidx_query (GROUP BY state; the sum cast to
 * BIGINT so both back ends give an integer). At most STORE_STATS_MAX states are
 * returned; a state name longer than the field is cut.
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"

struct stats_acc {
	struct store_state_count *v;
	size_t max, n;
};

static int
stats_row(void *arg, const struct sidx_row *r)
{
	struct stats_acc *a = arg;
	struct store_state_count *c;

	if (a->n >= a->max)
		return 1;
	c = &a->v[a->n++];
	snprintf(c->state, sizeof(c->state), "%s", sidx_text(r, 0));
	c->count = (uint64_t)sidx_int(r, 1);
	c->bytes = (uint64_t)sidx_int(r, 2);
	return 0;
}

int
store_state_counts(struct store *s, struct store_state_count *v, size_t max, size_t *n)
{
	struct stats_acc a = { v, max, 0 };

	if (sidx_query(s,
		"SELECT state, COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) "
		"FROM quarantine GROUP BY state ORDER BY state",
		NULL, 0, stats_row, &a) < 0)
		return -1;
	*n = a.n;
	return 0;
}
