/*
 * store_sqlite.c: the SQLite back end of the store index (sidx_sqlite_ops, see
 * store_int.h; the default, bodies are files in DIR/msg): open with WAL and a busy
 * timeout, schema and its upgrades (PRAGMA user_version: 1 -> 2 state 'held' for
 * everything, released_by/released_at; 2 -> 3 host_name and the (state, sender)
 * index of the PPAP lookup; 3 -> 4 the once table of store_once.c), the generic query.
 *
 * Locking: every change runs in BEGIN IMMEDIATE (store_state.c), so a writer
 * waits for the lock (busy timeout) instead of failing with "database is locked"
 * when its read snapshot went stale. synchronous=NORMAL: a power loss may lose the
 * last rows, never the files; fsck re-indexes them from their .meta.
 * Limits: rows are read whole; texts are stored as the caller gives them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store_int.h"

#define SCHEMA_VERSION 4

static const char sidx_schema[] =
    "CREATE TABLE IF NOT EXISTS quarantine ("
    " id TEXT PRIMARY KEY, time INTEGER NOT NULL, queue_id TEXT, sender TEXT,"
    " recipients TEXT, subject TEXT, size INTEGER, findings TEXT, rule TEXT,"
    " action TEXT, state TEXT NOT NULL, released_by TEXT, released_at INTEGER,"
    " has_file INTEGER NOT NULL, explain TEXT, report TEXT);"
    "CREATE INDEX IF NOT EXISTS quarantine_time ON quarantine(time);"
    "CREATE TABLE IF NOT EXISTS audit (id TEXT NOT NULL, time INTEGER NOT NULL,"
    " event TEXT NOT NULL, user TEXT, detail TEXT);"
    "CREATE INDEX IF NOT EXISTS audit_id ON audit(id);";

/* Columns added in version 2 (ALTER TABLE when missing). */
static const char *const sidx_added[] = {
	"changed_by TEXT",
	"changed_at INTEGER",
	"client_addr TEXT",
	"helo TEXT",
	"message_id TEXT",
	"auth_user TEXT",
	"release_to TEXT",
	"release_done INTEGER DEFAULT 0",
	"sha256 TEXT",
	"host_name TEXT",
};

static int
sq_exec(struct store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	return 0;
}

static void sq_rollback(struct store *s);

static int
sq_begin(struct store *s)
{
	return sq_exec(s, "BEGIN IMMEDIATE");
}

static int
sq_commit(struct store *s)
{
	if (sq_exec(s, "COMMIT") != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

static void
sq_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
has_column(struct store *s, const char *decl)
{
	char sql[160];
	size_t n = strcspn(decl, " ");
	sqlite3_stmt *st = NULL;
	int found;

	snprintf(sql, sizeof(sql),
	    "SELECT 1 FROM pragma_table_info('quarantine')"
	    " WHERE name = '%.*s'",
	    (int)n, decl);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Version 1 -> 2: new columns; 'held' meant "stored" unless the action was hold.
 * 2 -> 3: host_name (added above) and the index of the PPAP lookup.
 * 3 -> 4: the once table (store_once.c). */
static int
upgrade(struct store *s)
{
	char sql[200];
	size_t i;
	int h;

	if (sq_begin(s) != 0)
		return -1;
	for (i = 0; i < sizeof(sidx_added) / sizeof(sidx_added[0]); i++) {
		if ((h = has_column(s, sidx_added[i])) < 0)
			goto fail;
		snprintf(sql, sizeof(sql), "ALTER TABLE quarantine ADD COLUMN %s",
		    sidx_added[i]);
		if (h == 0 && sq_exec(s, sql) != 0)
			goto fail;
	}
	if (sq_exec(s,
		"UPDATE quarantine SET state = 'quarantined' WHERE state = 'held'"
		" AND action != 'hold'; UPDATE quarantine SET changed_by = released_by,"
		" changed_at = released_at WHERE changed_by IS NULL AND released_at > 0;"
		" CREATE INDEX IF NOT EXISTS quarantine_state_sender"
		" ON quarantine(state, sender);"
		" CREATE TABLE IF NOT EXISTS once (key TEXT PRIMARY KEY,"
		" expires BIGINT NOT NULL); PRAGMA user_version = 4") != 0)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return -1;
}

static int
index_usable(const char *dir, const char *path, int create, struct strbuf *err)
{
	struct stat st;
	int missing = stat(path, &st) != 0;

	if (!missing && st.st_size > 0)
		return 0;
	if (sfile_any_msg(dir)) {
		sb_printf(err,
		    "%s: index %s beside stored messages: run "
		    "`embargo-quarantine reindex` to rebuild it",
		    path, missing ? "missing" : "empty");
		return -1;
	}
	if (missing && !create) {
		sb_printf(
		    err, "%s: no quarantine index (nothing quarantined yet?)", path);
		return -1;
	}
	return 0;
}

static int
setup_db(struct store *s, const char *path, int ro, struct strbuf *err)
{
	sqlite3_stmt *st = NULL;
	int ver = 0, tries, persist = 1;

	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (ro)
		goto version; /* a reader of the review group: no schema work */
	/* Switching a fresh index to WAL may answer "busy" without waiting. */
	for (tries = 0; sq_exec(s, "PRAGMA journal_mode=WAL") != 0; tries++) {
		if (tries == 200 || sqlite3_errcode(s->db) != SQLITE_BUSY)
			goto fail;
		usleep(50000);
	}
	/* Keep -wal and -shm after the last close: a read-only reader (the review
	 * group) can use them but could not create them. */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (sq_exec(s, "PRAGMA synchronous=NORMAL") != 0)
		goto fail;
version:
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		ver = sqlite3_column_int(st, 0);
	else
		store_err(s, path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	if (s->err[0])
		goto fail;
	if (ver < SCHEMA_VERSION && ro) {
		store_err(s, path,
		    "index of an older version: run embargo-quarantine once as root");
		goto fail;
	}
	if (ver < SCHEMA_VERSION && (sq_exec(s, sidx_schema) != 0 || upgrade(s) != 0))
		goto fail;
	if (ver > SCHEMA_VERSION) {
		store_err(s, path, "index written by a newer Embargo");
		goto fail;
	}
	return 0;
fail:
	sb_printf(err, "%s", s->err[0] ? s->err : sqlite3_errmsg(s->db));
	return -1;
}

static int
sq_open(struct store *s, const char *dir, int flags, struct strbuf *err)
{
	char path[4096];
	int create = flags & STORE_CREATE, ro;

	if (sfile_mkdirs(dir, create, err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/index.db", dir);
	if (!(flags & STORE_REBUILD) && index_usable(dir, path, create, err) != 0)
		return -1;
	/* Not writable by us (a member of the review group): read-only. */
	ro = !create && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 &&
	    errno == EACCES;
	if (sqlite3_open_v2(path, (sqlite3 **)&s->db,
		(ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
		NULL) != SQLITE_OK) {
		sb_printf(
		    err, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		return -1;
	}
	if (setup_db(s, path, ro, err) != 0)
		return -1;
	if (!ro)
		(void)chmod(path, 0640);
	return 0;
}

static void
sq_close(struct store *s)
{
	sqlite3_close(s->db);
	s->db = NULL;
}

/* The generic query (store_int.h): bind ARGS to ?1..?N, CB per row. */
static const char *
sq_text(const struct sidx_row *r, int col)
{
	const unsigned char *t = sqlite3_column_text(r->p, col);

	return t ? (const char *)t : "";
}

static int64_t
sq_int(const struct sidx_row *r, int col)
{
	return sqlite3_column_int64(r->p, col);
}

static int
prepare_bound(struct store *s, const char *sql, const struct sidx_val *args, size_t nargs,
    sqlite3_stmt **st)
{
	size_t i;

	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	for (i = 0; i < nargs; i++) {
		if (args[i].is_int)
			sqlite3_bind_int64(*st, (int)i + 1, args[i].i);
		else if (args[i].t != NULL)
			sqlite3_bind_text(*st, (int)i + 1, args[i].t, -1, SQLITE_STATIC);
	}
	return 0;
}

static int
sq_query(struct store *s, const char *sql, const struct sidx_val *args, size_t nargs,
    int (*cb)(void *arg, const struct sidx_row *r), void *arg)
{
	struct sidx_row r = { &sidx_sqlite_ops, NULL, 0 };
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, stop = 0, ro;

	if (prepare_bound(s, sql, args, nargs, &st) != 0)
		return -1;
	r.p = st;
	ro = sqlite3_stmt_readonly(st);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb != NULL ? cb(arg, &r) : 0;
	sqlite3_finalize(st);
	if (!stop && rc != SQLITE_DONE)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	return ro ? 0 : sqlite3_changes(s->db);
}

static int
sq_body_open(struct store *s, const char *id)
{
	char path[4096];

	if (store_msg_path(s, id, "eml", path, sizeof(path)) != 0)
		return -1;
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

int
store_msg_path(
    const struct store *s, const char *id, const char *ext, char *buf, size_t n)
{
	if (!store_id_valid(id))
		return -1;
	return (size_t)snprintf(buf, n, "%s/msg/%s.%s", s->dir, id, ext) < n ? 0 : -1;
}

/* One host: every job runs here (BEGIN IMMEDIATE already serialises writers). */
static int
sq_fleet_lock(struct store *s, const char *name)
{
	(void)s;
	(void)name;
	return 1;
}

const struct sidx_ops sidx_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.query = sq_query,
	.text = sq_text,
	.integer = sq_int,
	.body_put = NULL,
	.body_open = sq_body_open,
	.fleet_lock = sq_fleet_lock,
};
