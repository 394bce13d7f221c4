/*
 * store_idx.c: the store's entry code over either index back end (struct sidx_ops in
 * store_int.h): which back end store_open picks, the generic query's dispatch, rows
 * in and out (insert, get, list, resolve), store_put and store_open_msg.
 *
 * Back end: store_set_db(CONNINFO) before store_open selects PostgreSQL for every
 * later open (the daemon and the tools call it from the config's quarantine_db); an
 * empty or NULL conninfo keeps SQLite plus files in the directory given to store_open.
 * store_put on SQLite: files first, then the row (see store.h); on PostgreSQL the body
 * and the row go in ONE transaction, committed with synchronous_commit on before the
 * call returns, so the daemon tells the MTA to discard only what is durable.
 * Limits: texts are stored as the caller gives them; rows are read whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "store/store_int.h"

static char *sidx_conninfo; /* NULL: SQLite */
static char sidx_host[256];

void
store_set_db(const char *conninfo, const char *host_name)
{
	free(sidx_conninfo);
	sidx_conninfo = conninfo && conninfo[0] ? strdup(conninfo) : NULL;
	snprintf(sidx_host, sizeof(sidx_host), "%s", host_name ? host_name : "");
}

const char *
store_db(void)
{
	return sidx_conninfo;
}

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

struct store *
store_open(const char *dir, int flags, struct strbuf *err)
{
	struct store *s;

	if ((s = calloc(1, sizeof(*s))) == NULL || (s->dir = strdup(dir)) == NULL) {
		sb_adds(err, "out of memory");
		free(s);
		return NULL;
	}
	s->ops = sidx_conninfo ? &sidx_pg_ops : &sidx_sqlite_ops;
	s->pg = sidx_conninfo != NULL;
	/* PostgreSQL: DIR still holds this host's release key (store_mark.h). */
	if ((s->pg && (flags & STORE_CREATE) && sfile_mkdirs(dir, 1, err) != 0) ||
	    s->ops->open(s, s->pg ? sidx_conninfo : dir, flags, err) != 0) {
		free(s->dir);
		free(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db)
		s->ops->close(s);
	free(s->dir);
	free(s);
}

int
sidx_exec(struct store *s, const char *sql)
{
	return s->ops->exec(s, sql);
}

int
sidx_begin(struct store *s)
{
	return s->ops->begin(s);
}

int
sidx_commit(struct store *s)
{
	return s->ops->commit(s);
}

void
sidx_rollback(struct store *s)
{
	s->ops->rollback(s);
}

int
sidx_fleet_lock(struct store *s, const char *name)
{
	return s->ops->fleet_lock(s, name);
}

int
sidx_query(struct store *s, const char *sql, const struct sidx_val *args, size_t nargs,
    int (*cb)(void *arg, const struct sidx_row *r), void *arg)
{
	return s->ops->query(s, sql, args, nargs, cb, arg);
}

const char *
sidx_text(const struct sidx_row *r, int col)
{
	return r->ops->text(r, col);
}

int64_t
sidx_int(const struct sidx_row *r, int col)
{
	return r->ops->integer(r, col);
}

int
store_open_msg(struct store *s, const char *id)
{
	if (!store_id_valid(id))
		return -1;
	return s->ops->body_open(s, id);
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
#define QNINT     6

/* INSERT (id, time, size, has_file, changed_at, release_done, texts...); an id
 * already there (fsck re-indexed the file first) is success. */
int
sidx_insert(struct store *s, const struct store_entry *e, const char *who)
{
	struct sidx_val v[QNINT + 32];
	struct strbuf sql = STRBUF_INIT;
	size_t i;
	int ch;

	sb_adds(&sql, "INSERT INTO quarantine (" QCOLS_INT);
	for (i = 0; i < store_ntext; i++)
		sb_printf(&sql, ", %s", store_text[i].col);
	sb_adds(&sql, ") VALUES (?1");
	for (i = 1; i < QNINT + store_ntext; i++)
		sb_printf(&sql, ", ?%zu", i + 1);
	sb_adds(&sql, ") ON CONFLICT(id) DO NOTHING");
	if (sql.oom)
		return store_err(s, "index", "out of memory");
	v[0] = SV_T(e->id);
	v[1] = SV_I(e->time);
	v[2] = SV_I((int64_t)e->size);
	v[3] = SV_I(e->has_file);
	v[4] = SV_I(e->changed_at);
	v[5] = SV_I(e->release_done);
	for (i = 0; i < store_ntext && i < 32; i++) /* NULL binds SQL NULL */
		v[QNINT + i] = SV_T(STORE_TEXT(e, i));
	ch = sidx_query(s, sb_str(&sql), v, QNINT + store_ntext, NULL, NULL);
	sb_free(&sql);
	if (ch < 0)
		return -1;
	return ch == 1 ? saudit_add(s, e->id, e->state, who, e->rule) : 0;
}

/* SQLite: files are durable before the row. PostgreSQL: body and row, one commit. */
static int
put_row(struct store *s, struct store_entry *e, struct spool *raw, char *sha)
{
	if (sidx_begin(s) != 0)
		return -1;
	if ((s->pg && raw != NULL && s->ops->body_put(s, e->id, raw, sha) != 0) ||
	    sidx_insert(s, e, "embargo") != 0) {
		sidx_rollback(s);
		return -1;
	}
	return sidx_commit(s);
}

static void
fill_new(struct store_entry *e, const struct store_new *n, int has_file, char *rc)
{
	e->time = store_now();
	e->size = n->size;
	e->has_file = has_file;
	e->queue_id = (char *)n->queue_id;
	e->sender = (char *)n->sender;
	e->rcpts = rc;
	e->subject = (char *)n->subject;
	e->findings = (char *)n->findings;
	e->rule = (char *)n->rule;
	e->action = (char *)n->action;
	e->state = n->state ? (char *)n->state : has_file ? "quarantined" : "held";
	e->explain = (char *)n->explain;
	e->report = (char *)n->report;
	e->client_addr = (char *)n->client_addr;
	e->helo = (char *)n->helo;
	e->message_id = (char *)n->message_id;
	e->auth_user = (char *)n->auth_user;
	e->host_name = sidx_host;
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
	fill_new(&e, n, raw != NULL, rc);
	e.sha256 = sha;
	if (!s->pg && raw != NULL && sfile_write(s, id, &e, raw, sha) != 0)
		goto out;
	if (put_row(s, &e, raw, sha) != 0) {
		if (!s->pg && raw != NULL)
			sfile_remove(s, id); /* no row: the MTA keeps the message */
		goto out;
	}
	r = 0;
out:
	free(rc);
	return r;
}

static int
row_entry(const struct sidx_row *r, struct store_entry *e)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", sidx_text(r, 0));
	e->time = sidx_int(r, 1);
	e->size = (uint64_t)sidx_int(r, 2);
	e->has_file = (int)sidx_int(r, 3);
	e->changed_at = sidx_int(r, 4);
	e->release_done = sidx_int(r, 5);
	for (i = 0; i < store_ntext; i++) {
		if ((STORE_TEXT(e, i) = strdup(sidx_text(r, (int)i + QNINT))) == NULL) {
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

struct entries {
	int (*cb)(void *, const struct store_entry *);
	void *arg;
	int oom;
};

static int
entries_cb(void *arg, const struct sidx_row *r)
{
	struct entries *en = arg;
	struct store_entry e;
	int stop;

	if (row_entry(r, &e) != 0) {
		en->oom = 1;
		return 1;
	}
	stop = en->cb(en->arg, &e);
	store_entry_clear(&e);
	return stop;
}

int
sidx_entries(struct store *s, const char *tail, const struct sidx_val *args, size_t nargs,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	struct strbuf sql = STRBUF_INIT;
	struct entries en = { cb, arg, 0 };
	size_t i;
	int rc;

	sb_adds(&sql, "SELECT " QCOLS_INT);
	for (i = 0; i < store_ntext; i++)
		sb_printf(&sql, ", %s", store_text[i].col);
	sb_printf(&sql, " FROM quarantine %s", tail);
	if (sql.oom) {
		sb_free(&sql);
		return store_err(s, "index", "out of memory");
	}
	rc = sidx_query(s, sb_str(&sql), args, nargs, entries_cb, &en);
	sb_free(&sql);
	if (en.oom)
		return store_err(s, "index", "out of memory");
	return rc < 0 ? -1 : 0;
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
	const struct sidx_val v[1] = { SV_T(id) };

	memset(e, 0, sizeof(*e));
	if (!store_id_valid(id))
		return 1;
	if (sidx_entries(s, "WHERE id = ?1", v, 1, get_cb, e) != 0)
		return -1;
	if (e->id[0] == '!')
		return store_err(s, "index", "out of memory");
	return e->id[0] ? 0 : 1;
}

int
store_list(struct store *s, int64_t since, int64_t until,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	const struct sidx_val v[2] = { SV_I(since), SV_I(until) };

	return sidx_entries(s,
	    "WHERE time >= ?1 AND (?2 = 0 OR time < ?2) ORDER BY time, id", v, 2, cb,
	    arg);
}

int
sidx_await_rows(struct store *s, const char *sender, int64_t since,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	const struct sidx_val v[2] = { SV_T(sender), SV_I(since) };

	return sidx_entries(s,
	    "WHERE state = '" STORE_AWAIT_STATE "' AND sender = ?1 AND"
	    " time >= ?2 ORDER BY time, id",
	    v, 2, cb, arg);
}

int
store_list_state(struct store *s, const char *state,
    int (*cb)(void *, const struct store_entry *), void *arg)
{
	const struct sidx_val v[1] = { SV_T(state) };

	return sidx_entries(s, "WHERE state = ?1 ORDER BY time, id", v, 1, cb, arg);
}

struct resolve {
	char *id;
	int found;
};

static int
resolve_cb(void *arg, const struct sidx_row *r)
{
	struct resolve *rv = arg;

	if (rv->found++ == 0)
		snprintf(rv->id, STORE_ID_LEN + 1, "%s", sidx_text(r, 0));
	return 0;
}

int
store_resolve(struct store *s, const char *prefix, char *id)
{
	char like[STORE_ID_LEN + 2];
	struct resolve rv = { id, 0 };
	struct sidx_val v[1];
	size_t n = strlen(prefix);

	if (n < 4 || n > STORE_ID_LEN || strspn(prefix, "0123456789abcdef") != n)
		return 3;
	snprintf(like, sizeof(like), "%s%%", prefix); /* hex only: no LIKE wildcards */
	v[0] = SV_T(like);
	if (sidx_query(s, "SELECT id FROM quarantine WHERE id LIKE ?1 LIMIT 2", v, 1,
		resolve_cb, &rv) < 0)
		return -1;
	return rv.found == 0 ? 1 : rv.found > 1 ? 2 : 0;
}

int
sidx_change(struct store *s, const char *sql, const char *id, const char *a, int64_t n)
{
	const struct sidx_val v[4] = { SV_T(id), SV_T(a), SV_I(n), SV_I(store_now()) };

	return sidx_query(s, sql, v, 4, NULL, NULL);
}
