/*
 * store_state.c: state changes of stored entries, each one index transaction with
 * its audit event, in the crash order store.h promises (row first, then files).
 *
 * release: quarantined -> releasing is conditional (one winner among concurrent
 * releases); releasing -> released or back to quarantined. delete: the row says
 * deleted, then the files go. purge: rows marked purging (one transaction, one
 * audit event each), files unlinked, rows removed; an interrupted purge is finished
 * by fsck. Release transitions rewrite the .meta too (after the commit), so an
 * index rebuilt from the files keeps released and releasing. Limits: purge collects the ids it marked in memory (bounded by the rows).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_int.h"

/* One UPDATE of ID plus its audit event, in one transaction. Returns the number of
 * rows changed (0: the condition did not hold, nothing recorded) or -1. */
static int
transition(struct store *s, const char *sql, const char *id, const char *a, int64_t n,
    const char *event, const char *who, const char *detail)
{
	int ch;

	if (!store_id_valid(id))
		return store_err(s, "id", "not a quarantine id");
	if (sidx_begin(s) != 0)
		return -1;
	if ((ch = sidx_change(s, sql, id, a, n)) < 0 ||
	    (ch > 0 && saudit_add(s, id, event, who, detail) != 0)) {
		sidx_rollback(s);
		return -1;
	}
	if (sidx_commit(s) != 0)
		return -1;
	if (ch > 0)
		saudit_syslog(id, event, who, detail);
	return ch;
}

/* The .meta follows the row's state, so an index rebuilt from the files does not
 * offer a released message again. Best effort: the index is the record. */
void
smeta_follow(struct store *s, const char *id)
{
	struct store_entry e;

	if (store_get(s, id, &e) != 0)
		return;
	if (e.has_file)
		(void)sfile_meta_update(s, &e);
	store_entry_clear(&e);
}

int
store_release_begin(struct store *s, const char *id, const char *who, const char *to)
{
	int ch = transition(s,
	    "UPDATE quarantine SET state = 'releasing', release_to = ?2,"
	    " changed_at = ?3, changed_by = '' WHERE id = ?1 AND state = 'quarantined'"
	    " AND has_file = 1",
	    id, to, store_now(), "releasing", who, to);

	if (ch < 0)
		return -1;
	if (ch == 1)
		smeta_follow(s, id);
	return ch == 1 ? 0 : 1;
}

int
store_release_end(struct store *s, const char *id, const char *who, int ok, int64_t done,
    const char *detail)
{
	char sql[200];
	int ch;

	snprintf(sql, sizeof(sql),
	    "UPDATE quarantine SET state = '%s', changed_by = ?2,"
	    " changed_at = ?4, release_done = ?3 WHERE id = ?1 AND"
	    " state = 'releasing'",
	    ok ? "released" : "quarantined");
	ch = transition(
	    s, sql, id, who, done, ok ? "released" : "release-failed", who, detail);
	if (ch == 0)
		store_err(s, id, "not in state releasing");
	if (ch == 1)
		smeta_follow(s, id);
	return ch == 1 ? 0 : -1;
}

int
store_release_reset(struct store *s, const char *id, const char *who)
{
	int ch = transition(s,
	    "UPDATE quarantine SET state = 'quarantined', changed_by = ?2,"
	    " changed_at = ?3 WHERE id = ?1 AND state = 'releasing'",
	    id, who, store_now(), "release-reset", who, "interrupted release reset");

	if (ch == 1)
		smeta_follow(s, id);
	return ch == 1 ? 0 : ch == 0 ? 1 : -1;
}

int
store_delete(struct store *s, const char *id, const char *who)
{
	int ch = transition(s,
	    "UPDATE quarantine SET state = 'deleted', has_file = 0,"
	    " changed_by = ?2, changed_at = ?3 WHERE id = ?1 AND state NOT IN"
	    " ('releasing', 'deleted', 'purging')",
	    id, who, store_now(), "deleted", who, "");

	if (ch < 0)
		return -1;
	if (ch == 0)
		return 1;
	sfile_remove(s, id); /* after the row: a crash here is finished by fsck */
	return 0;
}

int
store_left_hold(struct store *s, const char *id, const char *who)
{
	int ch = transition(s,
	    "UPDATE quarantine SET state = 'left-hold', changed_by = ?2,"
	    " changed_at = ?3 WHERE id = ?1 AND state = 'held'",
	    id, who, store_now(), "left-hold", who, "no longer in the MTA hold queue");

	return ch < 0 ? -1 : ch == 1 ? 0 : 1;
}

struct idlist {
	char (*v)[STORE_ID_LEN + 1];
	size_t n, cap;
	int oom;
};

static int
collect(void *arg, const struct store_entry *e)
{
	struct idlist *l = arg;
	void *nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		if ((nv = realloc(l->v, l->cap * sizeof(*l->v))) == NULL) {
			l->oom = 1;
			return 1;
		}
		l->v = nv;
	}
	memcpy(l->v[l->n++], e->id, STORE_ID_LEN + 1);
	return 0;
}

/* Unlink the files of every row in state purging, then remove those rows. */
static int
finish_purge(struct store *s, struct idlist *l, const char *who, int log)
{
	size_t i;

	if (store_list_state(s, "purging", collect, l) != 0 || l->oom)
		return store_err(s, "purge", l->oom ? "out of memory" : s->err);
	if (l->n ==
	    0) /* nothing to finish (and no DELETE a least-privilege role lacks) */
		return 0;
	for (i = 0; i < l->n; i++) {
		sfile_remove(s, l->v[i]);
		if (log)
			saudit_syslog(l->v[i], "purged", who, "");
	}
	if (sidx_begin(s) != 0)
		return -1;
	if (sidx_exec(s, "DELETE FROM quarantine WHERE state = 'purging'") != 0) {
		sidx_rollback(s);
		return -1;
	}
	return sidx_commit(s);
}

int
store_purge(struct store *s, int64_t before, const char *who, size_t *n)
{
	struct idlist l = { NULL, 0, 0, 0 };
	const struct sidx_val pv[3] = { SV_I(store_now()), SV_T(who), SV_I(before) };
	int ch, rc = -1;

	*n = 0;
	if (sidx_begin(s) != 0)
		return -1;
	/* Once per fleet: another host purging now does this run's work. */
	if ((ch = sidx_fleet_lock(s, "embargo-purge")) <= 0) {
		sidx_rollback(s);
		return ch;
	}
	if (sidx_query(s,
		"INSERT INTO audit (id, time, event, \"user\", detail) SELECT id,"
		" ?1, 'purged', ?2, state FROM quarantine WHERE time < ?3"
		" AND state NOT IN ('releasing', 'purging')",
		pv, 3, NULL, NULL) < 0 ||
	    (ch = sidx_change(s,
		 "UPDATE quarantine SET state = 'purging', has_file = 0"
		 " WHERE time < ?3 AND state NOT IN ('releasing', 'purging') AND ?1 = ?1",
		 "", NULL, before)) < 0) {
		sidx_rollback(s);
		return -1;
	}
	if (sidx_commit(s) != 0)
		return -1;
	*n = (size_t)ch;
	rc = finish_purge(s, &l, who, 1);
	free(l.v);
	return rc;
}

/* For fsck: a purge interrupted between its transaction and the unlinks. */
int
store_purge_finish(struct store *s, size_t *n)
{
	struct idlist l = { NULL, 0, 0, 0 };
	int rc = finish_purge(s, &l, "fsck", 0);

	*n = l.n;
	free(l.v);
	return rc;
}
