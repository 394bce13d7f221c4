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

#include <sqlite3.h>

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
	sqlite3_stmt *st = NULL;
	int ok;

	if (sqlite3_prepare_v2(s->db,
		"INSERT INTO audit (id, time, event, user, detail)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
		-1, &st, NULL) != SQLITE_OK)
		return store_err(s, "audit", sqlite3_errmsg(s->db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now());
	sqlite3_bind_text(st, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, who ? who : "?", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail ? detail : "", -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		store_err(s, "audit", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
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

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

int
store_history(struct store *s, const char *id,
    int (*cb)(void *, const struct store_event *), void *arg)
{
	struct store_event ev;
	sqlite3_stmt *st = NULL;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(s->db,
		"SELECT time, event, user, detail FROM audit"
		" WHERE id = ?1 ORDER BY time, rowid",
		-1, &st, NULL) != SQLITE_OK)
		return store_err(s, "audit", sqlite3_errmsg(s->db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev.time = sqlite3_column_int64(st, 0);
		ev.id = id;
		ev.event = col(st, 1);
		ev.user = col(st, 2);
		ev.detail = col(st, 3);
		stop = cb(arg, &ev);
	}
	sqlite3_finalize(st);
	if (!stop && rc != SQLITE_DONE)
		return store_err(s, "audit", sqlite3_errstr(rc));
	return 0;
}
