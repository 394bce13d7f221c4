/*
 * store_audit.c: the audit trail. Every state change of an entry (quarantined,
 * held, releasing, released, release-failed, deleted, purged, left-hold, reindexed,
 * missing) is a row in the index's audit table, written in the same transaction as
 * the change, with the time, the acting user and a detail; and, once committed, a
 * syslog line when the process asked for one (store_set_syslog).
 *
 * Limits: detail texts are escaped and cut at 300 bytes in the syslog line.
 * The audit rows outlive purge (they are the record that it happened).
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "store/store_int.h"

static int saudit_facility = -1; /* process-wide: set once at start, before threads */

void
store_set_syslog(int facility)
{
	saudit_facility = facility;
	openlog("embargo-quarantine", LOG_PID, facility);
}

void
saudit_syslog(const char *id, const char *event, const char *who, const char *detail)
{
	struct strbuf u = STRBUF_INIT, d = STRBUF_INIT;

	if (saudit_facility < 0)
		return;
	sb_safe(&u, who ? who : "?", strlen(who ? who : "?"), 64);
	sb_safe(&d, detail ? detail : "", strlen(detail ? detail : ""), 300);
	syslog(LOG_NOTICE, "quarantine=%s event=%s user=%s%s%s", id, event, sb_str(&u),
	    d.len ? " detail=" : "", sb_str(&d));
	sb_free(&u);
	sb_free(&d);
}

int
saudit_add(struct store *s, const char *id, const char *event, const char *who,
    const char *detail)
{
	const struct sidx_val v[5] = { SV_T(id), SV_I(store_now()), SV_T(event),
		SV_T(who ? who : "?"), SV_T(detail ? detail : "") };

	return sidx_query(s,
		   "INSERT INTO audit (id, time, event, \"user\", detail)"
		   " VALUES (?1, ?2, ?3, ?4, ?5)",
		   v, 5, NULL, NULL) < 0 ?
	    -1 :
	    0;
}

int
store_audit(struct store *s, const char *id, const char *event, const char *who,
    const char *detail)
{
	if (sidx_begin(s) != 0)
		return -1;
	if (saudit_add(s, id, event, who, detail) != 0) {
		sidx_rollback(s);
		return -1;
	}
	if (sidx_commit(s) != 0)
		return -1;
	saudit_syslog(id, event, who, detail);
	return 0;
}

struct hist {
	const char *id;
	int (*cb)(void *, const struct store_event *);
	void *arg;
};

static int
hist_cb(void *arg, const struct sidx_row *r)
{
	struct hist *h = arg;
	struct store_event ev;

	ev.time = sidx_int(r, 0);
	ev.id = h->id;
	ev.event = sidx_text(r, 1);
	ev.user = sidx_text(r, 2);
	ev.detail = sidx_text(r, 3);
	return h->cb(h->arg, &ev);
}

/* rowid: SQLite's own; the PostgreSQL schema has a bigserial column of that name. */
int
store_history(struct store *s, const char *id,
    int (*cb)(void *, const struct store_event *), void *arg)
{
	struct hist h = { id, cb, arg };
	const struct sidx_val v[1] = { SV_T(id) };

	return sidx_query(s,
		   "SELECT time, event, \"user\", detail FROM audit"
		   " WHERE id = ?1 ORDER BY time, rowid",
		   v, 1, hist_cb, &h) < 0 ?
	    -1 :
	    0;
}
