/*
 * store_fsck.c: bring the index and the files back in line after a crash, a
 * killed tool or a damaged index (store_fsck, store_reindex; see store.h).
 *
 *   msg/ID.eml without a row        re-indexed from msg/ID.meta (or, without one,
 *                                   from the id's time, marked "no metadata")
 *   a row deleted/purging, file kept the unlink finished
 *   msg/ID.meta without its .eml     removed (a put interrupted between renames)
 *   row with has_file but no file    marked "missing"
 *   tmp/ *.tmp                       removed (at daemon start all; else stale ones)
 *   rows "releasing" for over 1 h    counted as stuck (the admin decides)
 * While the daemon runs (no STORE_START), files younger than STORE_ORPHAN_AGE are
 * left alone: their row may be about to be inserted.
 * Limits: one directory pass; a row lookup per file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store_int.h"

struct fsck_ctx {
	struct store *s;
	int start;
	const char *who;
	struct store_fsck *r;
	int64_t now;
};

static int
too_young(const struct fsck_ctx *c, const char *path, int64_t grace)
{
	struct stat st;

	if (c->start)
		return 0;
	return stat(path, &st) != 0 || (int64_t)st.st_mtime > c->now - grace;
}

/* A row for a file that has none. */
static int
reindex_one(struct fsck_ctx *c, const char *id)
{
	struct store_entry e;
	char t[9];
	int rc, meta = smeta_read(c->s, id, &e) == 0;

	if (!meta) {
		memset(&e, 0, sizeof(e));
		memcpy(e.id, id, STORE_ID_LEN + 1);
		memcpy(t, id, 8);
		t[8] = '\0';
		e.time = strtoll(t, NULL, 16);
	}
	e.has_file = 1;
	/* The .meta follows releases (sfile_meta_update): a released entry stays
	 * released, an interrupted one releasing (the admin decides on --retry). */
	if (!meta || strcmp(e.state, "held") == 0 || e.state[0] == '\0') {
		free(e.state);
		e.state = strdup("quarantined");
	}
	if (!meta) {
		e.action = strdup("quarantine");
		e.explain = strdup("re-indexed without metadata");
	}
	rc =
	    sidx_begin(c->s) != 0 || e.state == NULL ? -1 : sidx_insert(c->s, &e, c->who);
	if (rc == 0)
		rc = saudit_add(c->s, id, "reindexed", c->who,
		    meta ? "from .meta" :
			   "no .meta: sender, recipients and findings unknown");
	if (rc == 0)
		rc = sidx_commit(c->s);
	else
		sidx_rollback(c->s);
	if (rc == 0)
		c->r->reindexed++;
	store_entry_clear(&e);
	return rc;
}

static int
check_file(struct fsck_ctx *c, const char *name)
{
	char id[STORE_ID_LEN + 1], path[4096];
	size_t n = strlen(name);
	struct store_entry e;
	int rc, isemail;

	if (n < 5)
		return 0;
	isemail = strcmp(name + n - 4, ".eml") == 0;
	if (!isemail && (n < 6 || strcmp(name + n - 5, ".meta") != 0))
		return 0;
	snprintf(id, sizeof(id), "%.*s", (int)(n - (isemail ? 4 : 5)), name);
	if (!store_id_valid(id) ||
	    store_msg_path(c->s, id, isemail ? "eml" : "meta", path, sizeof(path)) != 0) {
		c->r->unreadable++;
		return 0;
	}
	if (too_young(c, path, STORE_ORPHAN_AGE))
		return 0;
	if ((rc = store_get(c->s, id, &e)) < 0)
		return -1;
	if (!isemail) {
		if (store_msg_path(c->s, id, "eml", path, sizeof(path)) == 0 &&
		    access(path, F_OK) != 0 &&
		    (rc == 1 || strcmp(e.state, "deleted") == 0)) {
			if (store_msg_path(c->s, id, "meta", path, sizeof(path)) == 0 &&
			    unlink(path) == 0)
				c->r->meta_removed++;
		}
	} else if (rc == 1) {
		rc = reindex_one(c, id);
	} else if (!e.has_file && strcmp(e.state, "held") != 0) {
		sfile_remove(c->s, id); /* deleted or purged, unlink interrupted */
		c->r->finished++;
	}
	if (rc == 0)
		store_entry_clear(&e);
	return rc < 0 ? -1 : 0;
}

static int
scan_dir(struct fsck_ctx *c, const char *sub, int (*fn)(struct fsck_ctx *, const char *))
{
	char p[4096];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(p, sizeof(p), "%s/%s", c->s->dir, sub);
	if ((d = opendir(p)) == NULL)
		return store_err(c->s, p, "cannot read");
	while (rc == 0 && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			rc = fn(c, de->d_name);
	closedir(d);
	return rc;
}

static int
check_tmp(struct fsck_ctx *c, const char *name)
{
	char p[4096];
	size_t n = strlen(name);

	if (n < 5 || strcmp(name + n - 4, ".tmp") != 0)
		return 0;
	snprintf(p, sizeof(p), "%s/tmp/%s", c->s->dir, name);
	if (too_young(c, p, STORE_TMP_STALE))
		return 0;
	if (unlink(p) == 0)
		c->r->tmp_removed++;
	return 0;
}

static int
check_row(void *arg, const struct store_entry *e)
{
	struct fsck_ctx *c = arg;

	if (e->changed_at < c->now - 3600)
		c->r->stuck++;
	return 0;
}

/* Ids of rows that say they have a file which is not there. */
static int
missing_ids(struct fsck_ctx *c, char (**ids)[STORE_ID_LEN + 1], size_t *n)
{
	sqlite3_stmt *st = NULL;
	char p[4096];
	size_t cap = 0;
	void *nv;
	int rc;

	if (sqlite3_prepare_v2(c->s->db, "SELECT id FROM quarantine WHERE has_file = 1",
		-1, &st, NULL) != SQLITE_OK)
		return store_err(c->s, "index", sqlite3_errmsg(c->s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		if (store_msg_path(c->s, id, "eml", p, sizeof(p)) != 0 ||
		    access(p, F_OK) == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(*ids, cap * sizeof(**ids))) == NULL)
				break;
			*ids = nv;
		}
		snprintf((*ids)[(*n)++], STORE_ID_LEN + 1, "%s", id);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_err(c->s, "index", "cannot list rows");
}

static int
mark_missing(struct fsck_ctx *c)
{
	char(*ids)[STORE_ID_LEN + 1] = NULL;
	size_t n = 0, i;
	int rc = missing_ids(c, &ids, &n);

	for (i = 0; rc == 0 && i < n; i++) {
		if (sidx_begin(c->s) != 0)
			rc = -1;
		else if (sidx_change(c->s,
			     "UPDATE quarantine SET state = 'missing', has_file = 0,"
			     " changed_by = ?2, changed_at = ?3 WHERE id = ?1 AND has_file = 1",
			     ids[i], c->who, c->now) < 0 ||
		    saudit_add(
			c->s, ids[i], "missing", c->who, "stored file not found") != 0) {
			sidx_rollback(c->s);
			rc = -1;
		} else if ((rc = sidx_commit(c->s)) == 0) {
			c->r->missing++;
			saudit_syslog(ids[i], "missing", c->who, "stored file not found");
		}
	}
	free(ids);
	return rc;
}

static int
quick_check(struct store *s)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t = NULL;
	int ok = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	if (sqlite3_step(st) == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) != NULL)
		ok = strcmp((const char *)t, "ok") == 0;
	if (!ok)
		store_err(s, "index damaged (PRAGMA quick_check)",
		    t ? (const char *)t : sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

int
store_fsck(struct store *s, int flags, const char *who, struct store_fsck *r)
{
	struct fsck_ctx c = { s, (flags & STORE_START) != 0, who, r, store_now() };
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (s->pg) /* body and row commit together: only an interrupted purge to end */
		return store_purge_finish(s, &r->finished);
	if (quick_check(s) != 0)
		return -1;
	if (store_purge_finish(s, &n) != 0)
		return -1;
	r->finished += n;
	if (scan_dir(&c, "tmp", check_tmp) != 0 || scan_dir(&c, "msg", check_file) != 0)
		return -1;
	if (store_list_state(s, "releasing", check_row, &c) != 0)
		return -1;
	return mark_missing(&c);
}

int
store_reindex(const char *dir, const char *who, size_t *n, struct strbuf *err)
{
	char path[4096], aside[4200];
	struct store_fsck r;
	struct store *s;
	struct stat st;
	int rc;

	if (store_db() != NULL) {
		sb_adds(err,
		    "reindex rebuilds a SQLite index from files; the PostgreSQL "
		    "store has no files (restore the database from its backup)");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/index.db", dir);
	if (stat(path, &st) == 0) {
		snprintf(
		    aside, sizeof(aside), "%s.broken-%lld", path, (long long)store_now());
		if (rename(path, aside) != 0) {
			sb_printf(err, "%s: cannot move aside", path);
			return -1;
		}
		sb_printf(err, "old index moved to %s\n", aside);
	}
	snprintf(aside, sizeof(aside), "%s-wal", path);
	unlink(aside);
	snprintf(aside, sizeof(aside), "%s-shm", path);
	unlink(aside);
	if ((s = store_open(dir, STORE_CREATE | STORE_REBUILD, err)) == NULL)
		return -1;
	rc = store_fsck(s, STORE_START, who, &r);
	if (rc != 0)
		sb_printf(err, "%s", store_error(s));
	*n = r.reindexed;
	store_close(s);
	return rc;
}
