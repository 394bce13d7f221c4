/*
 * store_events.c: audit events of one kind in a time window, across entries (for
 * the admin notice: the release requests made from digest links).
 *
 * Promises: events with SINCE <= time < UNTIL and event EVENT, oldest first; CB gets
 * each (non-zero stops). Limits: rows are read whole; callers bound what they keep.
 */
#include "store/store_int.h"

struct evq {
	int (*cb)(void *, const struct store_event *);
	void *arg;
};

static int
ev_cb(void *arg, const struct sidx_row *r)
{
	struct evq *q = arg;
	struct store_event ev;

	ev.id = sidx_text(r, 0);
	ev.time = sidx_int(r, 1);
	ev.event = sidx_text(r, 2);
	ev.user = sidx_text(r, 3);
	ev.detail = sidx_text(r, 4);
	return q->cb(q->arg, &ev);
}

int
store_events(struct store *s, const char *event, int64_t since, int64_t until,
    int (*cb)(void *arg, const struct store_event *ev), void *arg)
{
	struct evq q = { cb, arg };
	const struct sidx_val v[3] = { SV_T(event), SV_I(since), SV_I(until) };

	return sidx_query(s,
		   "SELECT id, time, event, \"user\", detail FROM audit WHERE event = ?1"
		   " AND time >= ?2 AND time < ?3 ORDER BY time, rowid",
		   v, 3, ev_cb, &q) < 0 ?
	    -1 :
	    0;
}
