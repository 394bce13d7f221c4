/*
 * store_sqlite.c: the SQLite index of the store (see store.h): open with WAL and a
 * busy timeout, schema and its upgrade from the first version (state 'held' for
 * everything, released_by/released_at), rows in and out, ids.
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

#define SCHEMA_VERSION 2

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
};

int
store_err(struct store *s, const char *what, const char *why)
{
	size_t n = strlen(what);

	if (n > 200)
		what += n - 200;
	if (snprintf(s->err, sizeof(s->err), "%s: %s", what, why) < 0)
		s->err[0] = '\0';
	return -1;
}

int64_t
store_now(void)
{
	return (int64_t)time(NULL);
}

const char *
store_error(const struct store *s)
{
	return s ? s->err : "no store";
}

const char *
store_dir(const struct store *s)
{
	return s->dir;
}

int
store_id_valid(const char *id)
{
	return id != NULL && strlen(id) == STORE_ID_LEN &&
	    strspn(id, "0123456789abcdef") == STORE_ID_LEN;
}

int
sidx_exec(struct store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	return 0;
}

int
sidx_begin(struct store *s)
{
	return sidx_exec(s, "BEGIN IMMEDIATE");
}

int
sidx_commit(struct store *s)
{
	if (sidx_exec(s, "COMMIT") != 0) {
		sidx_rollback(s);
		return -1;
	}
	return 0;
}

void
sidx_rollback(struct store *s)
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

/* Version 1 -> 2: new columns; 'held' meant "stored" unless the action was hold. */
static int
upgrade(struct store *s)
{
	char sql[200];
	size_t i;
	int h;

	if (sidx_begin(s) != 0)
		return -1;
	for (i = 0; i < sizeof(sidx_added) / sizeof(sidx_added[0]); i++) {
		if ((h = has_column(s, sidx_added[i])) < 0)
			goto fail;
		snprintf(sql, sizeof(sql), "ALTER TABLE quarantine ADD COLUMN %s",
		    sidx_added[i]);
		if (h == 0 && sidx_exec(s, sql) != 0)
			goto fail;
	}
	if (sidx_exec(s,
		"UPDATE quarantine SET state = 'quarantined' WHERE state = 'held'"
		" AND action != 'hold'; UPDATE quarantine SET changed_by = released_by,"
		" changed_at = released_at WHERE changed_by IS NULL AND released_at > 0;"
		" PRAGMA user_version = 2") != 0)
		goto fail;
	return sidx_commit(s);
fail:
	sidx_rollback(s);
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
	for (tries = 0; sidx_exec(s, "PRAGMA journal_mode=WAL") != 0; tries++) {
		if (tries == 200 || sqlite3_errcode(s->db) != SQLITE_BUSY)
			goto fail;
		usleep(50000);
	}
	/* Keep -wal and -shm after the last close: a read-only reader (the review
	 * group) can use them but could not create them. */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (sidx_exec(s, "PRAGMA synchronous=NORMAL") != 0)
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
	if (ver < SCHEMA_VERSION && (sidx_exec(s, sidx_schema) != 0 || upgrade(s) != 0))
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

struct store *
store_open(const char *dir, int flags, struct strbuf *err)
{
	struct store *s = NULL;
	char path[4096];
	int create = flags & STORE_CREATE, ro;

	if (sfile_mkdirs(dir, create, err) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/index.db", dir);
	if (!(flags & STORE_REBUILD) && index_usable(dir, path, create, err) != 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->dir = strdup(dir)) == NULL) {
		sb_adds(err, "out of memory");
		store_close(s);
		return NULL;
	}
	/* Not writable by us (a member of the review group): read-only. */
	ro = !create && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 &&
	    errno == EACCES;
	if (sqlite3_open_v2(path, (sqlite3 **)&s->db,
		(ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
		NULL) != SQLITE_OK) {
		sb_printf(
		    err, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		store_close(s);
		return NULL;
	}
	if (setup_db(s, path, ro, err) != 0) {
		store_close(s);
		return NULL;
	}
	if (!ro)
		(void)chmod(path, 0640);
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db)
		sqlite3_close(s->db);
	free(s->dir);
	free(s);
}

static int
make_id(char *id)
{
	unsigned char r[8];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	snprintf(id, 9, "%08llx", (unsigned long long)time(NULL) & 0xffffffffull);
	for (i = 0; i < sizeof(r); i++)
		snprintf(id + 8 + 2 * i, 3, "%02x", r[i]);
	return 0;
}

int
store_msg_path(
    const struct store *s, const char *id, const char *ext, char *buf, size_t n)
{
	if (!store_id_valid(id))
		return -1;
	return (size_t)snprintf(buf, n, "%s/msg/%s.%s", s->dir, id, ext) < n ? 0 : -1;
}

int
store_open_msg(struct store *s, const char *id)
{
	char path[4096];

	if (store_msg_path(s, id, "eml", path, sizeof(path)) != 0)
		return -1;
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

static int
join_rcpts(const struct store_new *n, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_init(&sb, 1 << 22);
	for (i = 0; i < n->nrcpts; i++) {
		if (i)
			sb_addc(&sb, '\n');
		sb_adds(&sb, n->rcpts[i]);
	}
	sb_addc(&sb, '\0'); /* an empty list is "" rather than NULL */
	if (sb.oom || sb.truncated) {
		sb_free(&sb);
		return -1;
	}
	*out = sb_take(&sb);
	return 0;
}

#define QCOLS_INT "id, time, size, has_file, changed_at, release_done"

/* INSERT (id, time, size, has_file, changed_at, release_done, texts...); an id
 * already there (fsck re-indexed the file first) is success. */
int
sidx_insert(struct store *s, const struct store_entry *e, const char *who)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i;
	int ok;

	sb_adds(&sql, "INSERT INTO quarantine (" QCOLS_INT);
	for (i = 0; i < store_ntext; i++)
		sb_printf(&sql, ", %s", store_text[i].col);
	sb_adds(&sql, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6");
	for (i = 0; i < store_ntext; i++)
		sb_printf(&sql, ", ?%zu", i + 7);
	sb_adds(&sql, ") ON CONFLICT(id) DO NOTHING");
	if (sql.oom ||
	    sqlite3_prepare_v2(s->db, sb_str(&sql), -1, &st, NULL) != SQLITE_OK) {
		sb_free(&sql);
		return store_err(s, "index", sqlite3_errmsg(s->db));
	}
	sb_free(&sql);
	sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, e->time);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)e->size);
	sqlite3_bind_int(st, 4, e->has_file);
	sqlite3_bind_int64(st, 5, e->changed_at);
	sqlite3_bind_int64(st, 6, e->release_done);
	for (i = 0; i < store_ntext; i++)
		sqlite3_bind_text(st, (int)i + 7, STORE_TEXT(e, i), -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		store_err(s, "index", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	if (ok && sqlite3_changes(s->db) == 1)
		ok = saudit_add(s, e->id, e->state, who, e->rule) == 0;
	return ok ? 0 : -1;
}

static int
put_row(struct store *s, struct store_entry *e)
{
	if (sidx_begin(s) != 0)
		return -1;
	if (sidx_insert(s, e, "embargo") != 0) {
		sidx_rollback(s);
		return -1;
	}
	return sidx_commit(s);
}

int
store_put(struct store *s, const struct store_new *n, struct spool *raw, char *id)
{
	struct store_entry e;
	char sha[65] = "";
	char *rc = NULL;
	int r = -1;

	memset(&e, 0, sizeof(e));
	if (make_id(id) != 0)
		return store_err(s, "id", "getrandom failed");
	if (join_rcpts(n, &rc) != 0)
		return store_err(s, "index", "out of memory");
	memcpy(e.id, id, STORE_ID_LEN + 1);
	e.time = store_now();
	e.size = n->size;
	e.has_file = raw != NULL;
	e.queue_id = (char *)n->queue_id;
	e.sender = (char *)n->sender;
	e.rcpts = rc;
	e.subject = (char *)n->subject;
	e.findings = (char *)n->findings;
	e.rule = (char *)n->rule;
	e.action = (char *)n->action;
	e.state = n->state ? (char *)n->state : raw != NULL ? "quarantined" : "held";
	e.explain = (char *)n->explain;
	e.report = (char *)n->report;
	e.client_addr = (char *)n->client_addr;
	e.helo = (char *)n->helo;
	e.message_id = (char *)n->message_id;
	e.auth_user = (char *)n->auth_user;
	e.sha256 = sha;
	if (raw != NULL && sfile_write(s, id, &e, raw, sha) != 0)
		goto out;
	if (put_row(s, &e) != 0) {
		if (raw != NULL)
			sfile_remove(s, id); /* no row: the MTA keeps the message */
		goto out;
	}
	r = 0;
out:
	free(rc);
	return r;
}

static int
row_entry(sqlite3_stmt *st, struct store_entry *e)
{
	const unsigned char *t;
	size_t i;

	memset(e, 0, sizeof(*e));
	t = sqlite3_column_text(st, 0);
	snprintf(e->id, sizeof(e->id), "%s", t ? (const char *)t : "");
	e->time = sqlite3_column_int64(st, 1);
	e->size = (uint64_t)sqlite3_column_int64(st, 2);
	e->has_file = sqlite3_column_int(st, 3);
	e->changed_at = sqlite3_column_int64(st, 4);
	e->release_done = sqlite3_column_int64(st, 5);
	for (i = 0; i < store_ntext; i++) {
		t = sqlite3_column_text(st, (int)i + 6);
		if ((STORE_TEXT(e, i) = strdup(t ? (const char *)t : "")) == NULL) {
			store_entry_clear(e);
			return -1;
		}
	}
	return 0;
}

void
store_entry_clear(struct store_entry *e)
{
	size_t i;

	for (i = 0; i < store_ntext; i++)
		free(STORE_TEXT(e, i));
	memset(e, 0, sizeof(*e));
}

/* The generic query (store_int.h): bind ARGS to ?1..?N, CB per row. */
struct sidx_row {
	sqlite3_stmt *st;
};

const char *
sidx_text(const struct sidx_row *r, int col)
{
	const unsigned char *t = sqlite3_column_text(r->st, col);

	return t ? (const char *)t : "";
}

int64_t
sidx_int(const struct sidx_row *r, int col)
{
	return sqlite3_column_int64(r->st, col);
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

int
sidx_query(struct store *s, const char *sql, const struct sidx_val *args, size_t nargs,
    int (*cb)(void *arg, const struct sidx_row *r), void *arg)
{
	struct sidx_row r = { NULL };
	int rc = SQLITE_DONE, stop = 0, ro;

	if (prepare_bound(s, sql, args, nargs, &r.st) != 0)
		return -1;
	ro = sqlite3_stmt_readonly(r.st);
	while (!stop && (rc = sqlite3_step(r.st)) == SQLITE_ROW)
		stop = cb != NULL ? cb(arg, &r) : 0;
	sqlite3_finalize(r.st);
	if (!stop && rc != SQLITE_DONE)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	return ro ? 0 : sqlite3_changes(s->db);
}

int
sidx_entries(struct store *s, const char *tail, const struct sidx_val *args, size_t nargs,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	struct store_entry e;
	size_t i;
	int rc = SQLITE_DONE, stop = 0;

	sb_adds(&sql, "SELECT " QCOLS_INT);
	for (i = 0; i < store_ntext; i++)
		sb_printf(&sql, ", %s", store_text[i].col);
	sb_printf(&sql, " FROM quarantine %s", tail);
	if (sql.oom || prepare_bound(s, sb_str(&sql), args, nargs, &st) != 0) {
		sb_free(&sql);
		return sql.oom ? store_err(s, "index", "out of memory") : -1;
	}
	sb_free(&sql);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_entry(st, &e) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		stop = cb(arg, &e);
		store_entry_clear(&e);
	}
	sqlite3_finalize(st);
	if (!stop && rc != SQLITE_DONE)
		return store_err(s, "index", sqlite3_errstr(rc));
	return 0;
}

/* SELECT all columns ... WHERE (SQL tail); binds ?1 text, ?2 and ?3 integers. */
static int
select_rows(struct store *s, const char *tail, const char *a, int64_t x, int64_t y,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	const struct sidx_val v[3] = { SV_T(a), SV_I(x), SV_I(y) };

	return sidx_entries(s, tail, v, 3, cb, arg);
}

static int
get_cb(void *arg, const struct store_entry *e)
{
	struct store_entry *out = arg;
	size_t i;

	*out = *e;
	for (i = 0; i < store_ntext; i++)
		STORE_TEXT(out, i) = strdup(STORE_TEXT(e, i));
	for (i = 0; i < store_ntext; i++)
		if (STORE_TEXT(out, i) == NULL) {
			store_entry_clear(out);
			out->id[0] = '!';
		}
	return 1;
}

int
store_get(struct store *s, const char *id, struct store_entry *e)
{
	memset(e, 0, sizeof(*e));
	if (!store_id_valid(id))
		return 1;
	if (select_rows(s, "WHERE id = ?1", id, 0, 0, get_cb, e) != 0)
		return -1;
	if (e->id[0] == '!')
		return store_err(s, "index", "out of memory");
	return e->id[0] ? 0 : 1;
}

int
store_list(struct store *s, int64_t since, int64_t until,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	return select_rows(s,
	    "WHERE time >= ?2 AND (?3 = 0 OR time < ?3) ORDER BY time, id", NULL, since,
	    until, cb, arg);
}

int
sidx_await_rows(struct store *s, const char *sender, int64_t since,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	return select_rows(s,
	    "WHERE state = '" STORE_AWAIT_STATE "' AND sender = ?1 AND"
	    " time >= ?2 AND ?3 = ?3 ORDER BY time, id",
	    sender, since, 0, cb, arg);
}

int
store_resolve(struct store *s, const char *prefix, char *id)
{
	sqlite3_stmt *st = NULL;
	size_t n = strlen(prefix);
	int rc, found = 0;

	if (n < 4 || n > STORE_ID_LEN || strspn(prefix, "0123456789abcdef") != n)
		return 3;
	if (sqlite3_prepare_v2(s->db,
		"SELECT id FROM quarantine WHERE substr(id, 1, ?2) = ?1"
		" LIMIT 2",
		-1, &st, NULL) != SQLITE_OK)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (found++ == 0)
			snprintf(id, STORE_ID_LEN + 1, "%s",
			    (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_err(s, "index", sqlite3_errstr(rc));
	return found == 0 ? 1 : found > 1 ? 2 : 0;
}

int
sidx_change(struct store *s, const char *sql, const char *id, const char *a, int64_t n)
{
	sqlite3_stmt *st = NULL;
	int ok;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_err(s, "index", sqlite3_errmsg(s->db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		store_err(s, "index", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return ok ? sqlite3_changes(s->db) : -1;
}

int
store_list_state(struct store *s, const char *state,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	return select_rows(s, "WHERE state = ?1 ORDER BY time, id", state, 0, 0, cb, arg);
}
