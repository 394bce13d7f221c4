/*
 * qstore.c: the quarantine store (see qstore.h): files written with
 * write/fsync/rename/fsync-dir, an SQLite index in WAL mode.
 *
 * Limits: a message is copied in 64 KiB chunks from its spool; field texts are
 * stored as given by the caller (the daemon bounds them). Threads: one handle per
 * thread. BUGS: a crash between the rename and the index insert leaves an orphan
 * file in DIR/msg without a row (harmless; purge does not see it); the row is
 * written after the file so the reverse never happens.
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

#include "store/qstore.h"

struct qstore {
	char *dir;
	sqlite3 *db;
	char err[256];
};

static const char qstore_schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS quarantine ("
    " id TEXT PRIMARY KEY, time INTEGER NOT NULL, queue_id TEXT, sender TEXT,"
    " recipients TEXT, subject TEXT, size INTEGER, findings TEXT, rule TEXT,"
    " action TEXT, state TEXT NOT NULL, released_by TEXT, released_at INTEGER,"
    " has_file INTEGER NOT NULL, explain TEXT, report TEXT);"
    "CREATE INDEX IF NOT EXISTS quarantine_time ON quarantine(time);";

static int
qerr(struct qstore *q, const char *what, const char *why)
{
	size_t n = strlen(what);

	/* The path part is ours (bounded in qstore_open); keep its tail if long. */
	if (n > 180)
		what += n - 180;
	if (snprintf(q->err, sizeof(q->err), "%s: %s", what, why) < 0)
		q->err[0] = '\0';
	return -1;
}

const char *
qstore_error(const struct qstore *q)
{
	return q ? q->err : "no store";
}

int
qstore_id_valid(const char *id)
{
	return id != NULL && strlen(id) == QSTORE_ID_LEN &&
	    strspn(id, "0123456789abcdef") == QSTORE_ID_LEN;
}

static int
subdir(const char *dir, const char *sub, int create)
{
	char p[4096];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, sub) >= sizeof(p))
		return -1;
	if (create && mkdir(p, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

struct qstore *
qstore_open(const char *dir, int create, struct strbuf *err)
{
	struct qstore *q = NULL;
	char path[4096];

	if (dir == NULL || strlen(dir) > 3000) {
		sb_adds(err, "quarantine_dir not set or too long");
		return NULL;
	}
	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		sb_printf(err, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (subdir(dir, "msg", create) != 0 || subdir(dir, "tmp", create) != 0) {
		sb_printf(err, "%s: cannot make msg/ and tmp/: %s", dir, strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/index.db", dir);
	if ((q = calloc(1, sizeof(*q))) == NULL || (q->dir = strdup(dir)) == NULL)
		goto oom;
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE |
	    (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sb_printf(err, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) : "cannot open");
		qstore_close(q);
		return NULL;
	}
	sqlite3_busy_timeout(q->db, QSTORE_BUSY_MS);
	if (sqlite3_exec(q->db, qstore_schema, NULL, NULL, NULL) != SQLITE_OK) {
		sb_printf(err, "%s: %s", path, sqlite3_errmsg(q->db));
		qstore_close(q);
		return NULL;
	}
	return q;
oom:
	sb_adds(err, "out of memory");
	qstore_close(q);
	return NULL;
}

void
qstore_close(struct qstore *q)
{
	if (q == NULL)
		return;
	if (q->db)
		sqlite3_close(q->db);
	free(q->dir);
	free(q);
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
qstore_msg_path(const struct qstore *q, const char *id, char *buf, size_t n)
{
	if (!qstore_id_valid(id))
		return -1;
	return (size_t)snprintf(buf, n, "%s/msg/%s.eml", q->dir, id) < n ? 0 : -1;
}

static int
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
copy_spool(int fd, struct spool *raw)
{
	static const size_t chunk = 65536;
	unsigned char *buf = malloc(chunk);
	uint64_t off = 0;
	size_t got, done;
	ssize_t w;
	int rc = -1;

	if (buf == NULL)
		return -1;
	for (;;) {
		if (spool_pread(raw, off, buf, chunk, &got) != EM_OK)
			goto out;
		if (got == 0)
			break;
		for (done = 0; done < got; done += (size_t)w)
			if ((w = write(fd, buf + done, got - done)) <= 0) {
				if (w < 0 && errno == EINTR) {
					w = 0;
					continue;
				}
				goto out;
			}
		off += got;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* tmp/ID.tmp -> fsync -> msg/ID.eml -> fsync msg/. */
static int
write_file(struct qstore *q, const char *id, struct spool *raw)
{
	char tmp[4096], dst[4096], d[4096];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/tmp/%s.tmp", q->dir, id);
	snprintf(d, sizeof(d), "%s/msg", q->dir);
	if (qstore_msg_path(q, id, dst, sizeof(dst)) != 0)
		return qerr(q, "path", "too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return qerr(q, tmp, strerror(errno));
	if (copy_spool(fd, raw) != 0 || fsync(fd) != 0) {
		qerr(q, tmp, errno ? strerror(errno) : "write failed");
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, dst) != 0) {
		qerr(q, dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(d) != 0) {
		qerr(q, d, strerror(errno));
		unlink(dst);
		return -1;
	}
	return 0;
}

static int
join_rcpts(const struct qnew *n, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_init(&sb, 1 << 20);
	for (i = 0; i < n->nrcpts; i++) {
		if (i)
			sb_addc(&sb, '\n');
		sb_adds(&sb, n->rcpts[i]);
	}
	sb_addc(&sb, '\0');   /* so that an empty list is "" rather than NULL */
	if (sb.oom) {
		sb_free(&sb);
		return -1;
	}
	*out = sb_take(&sb);
	return 0;
}

static int
insert_row(struct qstore *q, const char *id, const struct qnew *n, int has_file)
{
	static const char sql[] = "INSERT INTO quarantine (id, time, queue_id, sender,"
	    " recipients, subject, size, findings, rule, action, state, has_file, explain,"
	    " report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'held', ?11, ?12, ?13)";
	sqlite3_stmt *st = NULL;
	char *rc = NULL;
	int ok;

	if (join_rcpts(n, &rc) != 0)
		return qerr(q, "index", "out of memory");
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(rc);
		return qerr(q, "index", sqlite3_errmsg(q->db));
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 3, n->queue_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, n->sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, rc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, n->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)n->size);
	sqlite3_bind_text(st, 8, n->findings, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, n->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, n->action, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, has_file);
	sqlite3_bind_text(st, 12, n->explain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, n->report, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		qerr(q, "index", sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
	free(rc);
	return ok ? 0 : -1;
}

int
qstore_put(struct qstore *q, const struct qnew *n, struct spool *raw, char *id)
{
	char path[4096];

	if (make_id(id) != 0)
		return qerr(q, "id", "getrandom failed");
	if (raw != NULL && write_file(q, id, raw) != 0)
		return -1;
	if (insert_row(q, id, n, raw != NULL) != 0) {
		if (raw != NULL && qstore_msg_path(q, id, path, sizeof(path)) == 0)
			unlink(path);
		return -1;
	}
	return 0;
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return strdup(t ? (const char *)t : "");
}

#define QCOLS "id, time, queue_id, sender, recipients, subject, size, findings, rule," \
    " action, state, released_by, released_at, has_file, explain, report"

static int
row_entry(sqlite3_stmt *st, struct qentry *e)
{
	const unsigned char *id = sqlite3_column_text(st, 0);

	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", id ? (const char *)id : "");
	e->time = sqlite3_column_int64(st, 1);
	e->queue_id = col_text(st, 2);
	e->sender = col_text(st, 3);
	e->rcpts = col_text(st, 4);
	e->subject = col_text(st, 5);
	e->size = (uint64_t)sqlite3_column_int64(st, 6);
	e->findings = col_text(st, 7);
	e->rule = col_text(st, 8);
	e->action = col_text(st, 9);
	e->state = col_text(st, 10);
	e->released_by = col_text(st, 11);
	e->released_at = sqlite3_column_int64(st, 12);
	e->has_file = sqlite3_column_int(st, 13);
	e->explain = col_text(st, 14);
	e->report = col_text(st, 15);
	if (!e->queue_id || !e->sender || !e->rcpts || !e->subject || !e->findings ||
	    !e->rule || !e->action || !e->state || !e->released_by || !e->explain ||
	    !e->report) {
		qentry_clear(e);
		return -1;
	}
	return 0;
}

void
qentry_clear(struct qentry *e)
{
	free(e->queue_id);
	free(e->sender);
	free(e->rcpts);
	free(e->subject);
	free(e->findings);
	free(e->rule);
	free(e->action);
	free(e->state);
	free(e->released_by);
	free(e->explain);
	free(e->report);
	memset(e, 0, sizeof(*e));
}

int
qstore_get(struct qstore *q, const char *id, struct qentry *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!qstore_id_valid(id))
		return 1;
	if (sqlite3_prepare_v2(q->db, "SELECT " QCOLS " FROM quarantine WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return qerr(q, "index", sqlite3_errmsg(q->db));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row_entry(st, e);
	else if (rc == SQLITE_DONE)
		rc = 1;
	else
		rc = qerr(q, "index", sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
	return rc;
}

int
qstore_list(struct qstore *q, int64_t since, int (*cb)(void *, const struct qentry *),
    void *arg)
{
	sqlite3_stmt *st = NULL;
	struct qentry e;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(q->db, "SELECT " QCOLS " FROM quarantine WHERE time >= ?1"
	    " ORDER BY time, id", -1, &st, NULL) != SQLITE_OK)
		return qerr(q, "index", sqlite3_errmsg(q->db));
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_entry(st, &e) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		stop = cb(arg, &e);
		qentry_clear(&e);
	}
	sqlite3_finalize(st);
	if (!stop && rc != SQLITE_DONE)
		return qerr(q, "index", sqlite3_errstr(rc));
	return 0;
}

int
qstore_open_msg(struct qstore *q, const char *id)
{
	char path[4096];

	if (qstore_msg_path(q, id, path, sizeof(path)) != 0)
		return -1;
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

static int
exec1(struct qstore *q, const char *sql, const char *a, const char *b, int64_t t)
{
	sqlite3_stmt *st = NULL;
	int ok;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return qerr(q, "index", sqlite3_errmsg(q->db));
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)t);
	ok = sqlite3_step(st) == SQLITE_DONE;
	if (!ok)
		qerr(q, "index", sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
	return ok ? sqlite3_changes(q->db) : -1;
}

int
qstore_mark_released(struct qstore *q, const char *id, const char *who)
{
	return exec1(q, "UPDATE quarantine SET state = 'released', released_by = ?2,"
	    " released_at = ?3 WHERE id = ?1", id, who ? who : "?", (int64_t)time(NULL)) == 1 ?
	    0 : -1;
}

int
qstore_delete(struct qstore *q, const char *id)
{
	char path[4096];

	if (qstore_msg_path(q, id, path, sizeof(path)) != 0)
		return qerr(q, "delete", "not a quarantine id");
	if (unlink(path) != 0 && errno != ENOENT)
		return qerr(q, path, strerror(errno));
	return exec1(q, "UPDATE quarantine SET state = 'deleted', has_file = 0"
	    " WHERE id = ?1 AND ?3 = ?3", id, NULL, 0) == 1 ? 0 : -1;
}

static int
purge_one(void *arg, const struct qentry *e)
{
	struct { struct qstore *q; int64_t before; size_t n; int failed; } *pa = arg;

	if (e->time >= pa->before)
		return 1;
	if (e->has_file && qstore_delete(pa->q, e->id) != 0) {
		pa->failed = 1;
		return 1;
	}
	pa->n++;
	return 0;
}

int
qstore_purge(struct qstore *q, int64_t before, size_t *n)
{
	struct { struct qstore *q; int64_t before; size_t n; int failed; } pa = { q, before, 0, 0 };

	if (qstore_list(q, 0, purge_one, &pa) != 0 || pa.failed)
		return -1;
	*n = pa.n;
	return exec1(q, "DELETE FROM quarantine WHERE time < ?3 AND ?1 = ?1", "",
	    NULL, before) < 0 ? -1 : 0;
}
