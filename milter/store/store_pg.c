/*
 * store_pg.c: the PostgreSQL back end of the store index (sidx_pg_ops, store_int.h),
 * through libpq, for a quarantine shared by several MX hosts (quarantine_db).
 *
 * Promises:
 * - Portable SQL in, ?N rewritten to $N; ints bound as int8, texts as text.
 * - Every session runs with synchronous_commit=on and statement_timeout, and connects
 *   with connect_timeout (store_set_pool): PostgreSQL unreachable or slow makes the
 *   store call fail, so the daemon tempfails and the MTA keeps the mail.
 * - A connection found broken (CONNECTION_BAD) outside a transaction is reset on its
 *   next use, so the daemon reconnects by itself after PostgreSQL restarts; a call
 *   that fails mid-transaction fails (the caller's transaction is gone).
 * - One pool per process, sized by store_set_pool (the daemon: scan_parallel):
 *   store_open takes a connection, store_close gives it back; no thread owns one.
 * - Message bodies are bytea rows in msg_body, not large objects: a bytea row is in
 *   the same transaction as its index row (one commit, one round trip, no orphaned
 *   large objects to vacuum with vacuumlo), deleted with it (ON DELETE CASCADE) and
 *   readable under plain table grants; the milter's max message size bounds a body
 *   well below bytea's 1 GB limit. store_open_msg gives a memfd holding the body.
 * - Texts that are not valid UTF-8 (hostile headers) are stored with each bad byte
 *   written as \xHH, so an insert never fails on encoding (a UTF-8 database rejects
 *   them). The body is bytea and kept exactly.
 * Limits: a body is held in memory twice while stored or read (spool map + libpq).
 * BUGS: the pool is per process; a forked child must not use its parent's handles.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "store/store_int.h"

#define PG_POOL_MAX 64
#define INT8OID     20
#define TEXTOID     25

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static PGconn *pool_idle[PG_POOL_MAX];
static int pool_nidle, pool_nopen, pool_size = 4, pool_timeout = 5;
static struct store_db_stats pool_stats;

void
store_set_pool(int size, int timeout)
{
	pool_size = size < 1 ? 1 : size > PG_POOL_MAX ? PG_POOL_MAX : size;
	pool_timeout = timeout < 1 ? 1 : timeout;
}

void
store_db_stats(struct store_db_stats *st)
{
	pthread_mutex_lock(&pool_mu);
	*st = pool_stats;
	pthread_mutex_unlock(&pool_mu);
}

static void
stat_add(int64_t usec, int err, int reconnect)
{
	pthread_mutex_lock(&pool_mu);
	pool_stats.queries++;
	pool_stats.usec += (uint64_t)(usec > 0 ? usec : 0);
	pool_stats.errors += err != 0;
	pool_stats.reconnects += reconnect != 0;
	pthread_mutex_unlock(&pool_mu);
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The first line of libpq's message, for the store's error text. */
static int
pg_fail(struct store *s, const char *what, const char *msg)
{
	char line[256];

	snprintf(line, sizeof(line), "%.*s", (int)strcspn(msg ? msg : "?", "\n"),
	    msg ? msg : "?");
	return store_err(s, what, line[0] ? line : "PostgreSQL error");
}

/* NOTICEs ("already exists, skipping") are not errors: not on stderr. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *
pg_connect(const char *conninfo, struct strbuf *err)
{
	char timeout[16], options[96];
	const char *keys[] = { "connect_timeout", "options", "application_name", "dbname",
		NULL };
	const char *vals[5];
	PGconn *c;

	snprintf(timeout, sizeof(timeout), "%d", pool_timeout);
	snprintf(options, sizeof(options),
	    "-c synchronous_commit=on -c statement_timeout=%d", pool_timeout * 1000);
	vals[0] = timeout;
	vals[1] = options;
	vals[2] = "embargo";
	vals[3] = conninfo; /* expanded; its own settings override those before it */
	vals[4] = NULL;
	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		sb_printf(err, "PostgreSQL: %.*s",
		    c ? (int)strcspn(PQerrorMessage(c), "\n") : 13,
		    c ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

static int
idle_closed(PGconn *c)
{
	struct pollfd p = { PQsocket(c), POLLIN, 0 };

	return p.fd < 0 || poll(&p, 1, 0) != 0;
}

/* A pooled connection, or NULL after waiting pool_timeout seconds. *FRESH: new. */
static PGconn *
pool_get(const char *conninfo, int *fresh, struct strbuf *err)
{
	struct timespec dl;
	PGconn *c = NULL;
	int failed = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += pool_timeout;
	pthread_mutex_lock(&pool_mu);
	while (pool_nidle == 0 && pool_nopen >= pool_size)
		if (pthread_cond_timedwait(&pool_cv, &pool_mu, &dl) == ETIMEDOUT)
			break;
	if (pool_nidle > 0)
		c = pool_idle[--pool_nidle];
	else if (pool_nopen < pool_size)
		pool_nopen++;
	else {
		pthread_mutex_unlock(&pool_mu);
		sb_printf(err, "PostgreSQL: no free connection in %d s", pool_timeout);
		return NULL;
	}
	pthread_mutex_unlock(&pool_mu);
	*fresh = c == NULL;
	/* An idle connection has nothing to read; one the server closed (restart,
	 * terminate) has its goodbye or EOF waiting: seen without a round trip. */
	if (c != NULL && (idle_closed(c) || PQstatus(c) != CONNECTION_OK)) {
		PQreset(c);
		stat_add(0, PQstatus(c) != CONNECTION_OK, 1);
		*fresh = 1;
		if (PQstatus(c) != CONNECTION_OK) {
			sb_printf(err, "PostgreSQL: %.*s",
			    (int)strcspn(PQerrorMessage(c), "\n"), PQerrorMessage(c));
			PQfinish(c);
			c = NULL;
			failed = 1;
		}
	} else if (c == NULL && (c = pg_connect(conninfo, err)) == NULL) {
		failed = 1;
	}
	if (failed) {
		pthread_mutex_lock(&pool_mu);
		pool_nopen--;
		pthread_cond_signal(&pool_cv);
		pthread_mutex_unlock(&pool_mu);
	}
	return c;
}

static void
pool_put(PGconn *c)
{
	if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
	pthread_mutex_lock(&pool_mu);
	if (PQstatus(c) == CONNECTION_OK && pool_nidle < PG_POOL_MAX) {
		pool_idle[pool_nidle++] = c;
	} else {
		PQfinish(c);
		pool_nopen--;
	}
	pthread_cond_signal(&pool_cv);
	pthread_mutex_unlock(&pool_mu);
}

/* Before a statement: a broken connection outside a transaction is reset. */
static int
pg_ready(struct store *s)
{
	if (PQstatus(s->db) == CONNECTION_OK)
		return 0;
	if (s->in_tx)
		return store_err(s, "PostgreSQL", "connection lost in a transaction");
	PQreset(s->db);
	stat_add(0, PQstatus(s->db) != CONNECTION_OK, 1);
	if (PQstatus(s->db) != CONNECTION_OK)
		return pg_fail(s, "PostgreSQL", PQerrorMessage(s->db));
	return 0;
}

/* Run SQL (no parameters); 0 when it succeeded, and its result in *RES if asked. */
static int
pg_run(struct store *s, const char *sql, int nargs, const Oid *types,
    const char *const *vals, const int *lens, const int *fmts, int rfmt, PGresult **res)
{
	int64_t t0;
	PGresult *r;
	ExecStatusType st;

	if (pg_ready(s) != 0)
		return -1;
	t0 = now_us();
	r = nargs < 0 ? PQexec(s->db, sql) :
			PQexecParams(s->db, sql, nargs, types, vals, lens, fmts, rfmt);
	st = PQresultStatus(r);
	stat_add(now_us() - t0, st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK, 0);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_fail(
		    s, "PostgreSQL", r ? PQresultErrorMessage(r) : PQerrorMessage(s->db));
		PQclear(r);
		return -1;
	}
	if (res != NULL)
		*res = r;
	else
		PQclear(r);
	return 0;
}

static int
pg_exec(struct store *s, const char *sql)
{
	return pg_run(s, sql, -1, NULL, NULL, NULL, NULL, 0, NULL);
}

static int
pg_begin(struct store *s)
{
	if (pg_exec(s, "BEGIN") != 0)
		return -1;
	s->in_tx = 1;
	return 0;
}

static void
pg_rollback(struct store *s)
{
	s->in_tx = 0;
	if (PQstatus(s->db) == CONNECTION_OK &&
	    PQtransactionStatus(s->db) != PQTRANS_IDLE)
		PQclear(PQexec(s->db, "ROLLBACK"));
}

/* COMMIT of a failed transaction answers "ROLLBACK" with success: check the tag. */
static int
pg_commit(struct store *s)
{
	PGresult *r = NULL;
	int ok;

	if (pg_run(s, "COMMIT", -1, NULL, NULL, NULL, NULL, 0, &r) != 0) {
		pg_rollback(s);
		return -1;
	}
	ok = strcmp(PQcmdStatus(r), "COMMIT") == 0;
	PQclear(r);
	s->in_tx = 0;
	return ok ? 0 : store_err(s, "PostgreSQL", "transaction rolled back");
}

/* ?N -> $N outside quoted strings and identifiers. */
static int
rewrite(const char *sql, struct strbuf *out)
{
	char q = 0;

	for (; *sql; sql++) {
		if (q && *sql == q)
			q = 0;
		else if (!q && (*sql == '\'' || *sql == '"'))
			q = *sql;
		sb_addc(out,
		    !q && *sql == '?' && sql[1] >= '0' && sql[1] <= '9' ? '$' : *sql);
	}
	return out->oom || out->truncated ? -1 : 0;
}

/* Valid UTF-8 as is; otherwise a copy in FIX with each bad byte as \xHH. */
static const char *
utf8_safe(const char *t, struct strbuf *fix)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t i = 0, n, k;
	int bad = 0;

	for (; p[i]; i += n) {
		n = p[i] < 0x80                           ? 1 :
		    (p[i] & 0xe0) == 0xc0 && p[i] >= 0xc2 ? 2 :
		    (p[i] & 0xf0) == 0xe0                 ? 3 :
		    (p[i] & 0xf8) == 0xf0 && p[i] <= 0xf4 ? 4 :
							    0;
		for (k = 1; n && k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				n = 0;
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 3 &&
			((p[i] == 0xe0 && p[i + 1] < 0xa0) ||
			    (p[i] == 0xed && p[i + 1] >= 0xa0))) ||
		    (n == 4 &&
			((p[i] == 0xf0 && p[i + 1] < 0x90) ||
			    (p[i] == 0xf4 && p[i + 1] >= 0x90))))
			n = 0;
		if (n == 0) {
			bad = 1;
			sb_printf(fix, "\\x%02x", p[i]);
			n = 1;
		} else {
			sb_add(fix, (const char *)p + i, n);
		}
	}
	if (!bad)
		return t;
	return fix->oom || fix->truncated ? NULL : sb_str(fix);
}

static const char *
pg_text(const struct sidx_row *r, int col)
{
	if (col >= PQnfields(r->p) || PQgetisnull(r->p, r->n, col))
		return "";
	return PQgetvalue(r->p, r->n, col);
}

static int64_t
pg_int(const struct sidx_row *r, int col)
{
	return strtoll(pg_text(r, col), NULL, 10);
}

#define PG_MAXARGS 40

static int
pg_query(struct store *s, const char *sql, const struct sidx_val *args, size_t nargs,
    int (*cb)(void *arg, const struct sidx_row *r), void *arg)
{
	struct strbuf q = STRBUF_INIT, fix[PG_MAXARGS];
	char num[PG_MAXARGS][24];
	const char *vals[PG_MAXARGS];
	Oid types[PG_MAXARGS];
	struct sidx_row row = { &sidx_pg_ops, NULL, 0 };
	PGresult *r = NULL;
	size_t i;
	int rc = -1, stop = 0;

	if (nargs > PG_MAXARGS)
		return store_err(s, "PostgreSQL", "too many parameters");
	for (i = 0; i < nargs; i++)
		fix[i] = (struct strbuf)STRBUF_INIT;
	for (i = 0; i < nargs; i++) {
		types[i] = args[i].is_int ? INT8OID : TEXTOID;
		snprintf(num[i], sizeof(num[i]), "%lld", (long long)args[i].i);
		vals[i] = args[i].is_int ? num[i] :
		    args[i].t            ? utf8_safe(args[i].t, &fix[i]) :
					   NULL;
		if (!args[i].is_int && args[i].t && vals[i] == NULL) {
			store_err(s, "PostgreSQL", "out of memory");
			goto out;
		}
	}
	if (rewrite(sql, &q) != 0) {
		store_err(s, "PostgreSQL", "out of memory");
		goto out;
	}
	if (pg_run(s, sb_str(&q), (int)nargs, types, vals, NULL, NULL, 0, &r) != 0)
		goto out;
	row.p = r;
	for (row.n = 0; !stop && cb != NULL && row.n < PQntuples(r); row.n++)
		stop = cb(arg, &row);
	rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 :
						    (int)strtol(PQcmdTuples(r), NULL, 10);
out:
	for (i = 0; i < nargs; i++)
		sb_free(&fix[i]);
	sb_free(&q);
	PQclear(r);
	return rc;
}

static void
hex32(const unsigned char *md, char out[65])
{
	static const char h[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = h[md[i] >> 4];
		out[2 * i + 1] = h[md[i] & 15];
	}
	out[64] = '\0';
}

/* In the caller's transaction; the row follows (the foreign key is deferred). */
static int
pg_body_put(struct store *s, const char *id, struct spool *raw, char sha[65])
{
	const unsigned char *data;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t len;
	const char *vals[2];
	int lens[2] = { 0, 0 }, fmts[2] = { 0, 1 };
	const Oid types[2] = { TEXTOID, 17 /* bytea */ };

	if (spool_map(raw, (size_t)spool_size(raw), &data, &len) != EM_OK ||
	    len != spool_size(raw) || len > 0x3fffffff)
		return store_err(s, "PostgreSQL", "cannot map the message");
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return store_err(s, "PostgreSQL", "sha256 failed");
	hex32(md, sha);
	vals[0] = id;
	vals[1] = (const char *)data;
	lens[1] = (int)len;
	return pg_run(s, "INSERT INTO msg_body (id, body) VALUES ($1, $2)", 2, types,
	    vals, lens, fmts, 0, NULL);
}

/* The body in a sealed memfd, offset 0; -1 with errno ENOENT when there is none. */
static int
pg_body_open(struct store *s, const char *id)
{
	const char *vals[1] = { id };
	PGresult *r = NULL;
	int fd = -1;

	if (pg_run(s, "SELECT body FROM msg_body WHERE id = $1", 1, NULL, vals, NULL,
		NULL, 1, &r) != 0) {
		errno = EIO;
		return -1;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		errno = ENOENT;
		return -1;
	}
	fd = memfd_create("embargo-msg", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd >= 0 &&
	    (store_write_all(fd, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0)) !=
		    0 ||
		lseek(fd, 0, SEEK_SET) != 0 ||
		fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK) !=
		    0)) {
		close(fd);
		fd = -1;
	}
	PQclear(r);
	return fd;
}

static int
pg_fleet_lock(struct store *s, const char *name)
{
	const char *vals[1] = { name };
	PGresult *r = NULL;
	int got;

	if (pg_run(s, "SELECT pg_try_advisory_xact_lock(hashtext($1))", 1, NULL, vals,
		NULL, NULL, 0, &r) != 0)
		return -1;
	got = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return got;
}

/* A fresh connection: the schema must be this build's (STORE_CREATE on an empty
 * database creates it, as the SQLite back end creates its index). */
static int
pg_check_schema(struct store *s, int flags, struct strbuf *err)
{
	int have = 0, want = 0, from, to;

	if (store_db_version(s, &have, &want) != 0) {
		sb_printf(err, "%s", store_error(s));
		return -1;
	}
	if (have == 0 && (flags & STORE_CREATE) && store_db_migrate(s, &from, &to) == 0)
		return 0;
	if (have == want)
		return 0;
	if (have == 0 && s->err[0])
		sb_printf(err, "quarantine_db: %s", store_error(s));
	else if (have < want)
		sb_printf(err,
		    "quarantine_db: schema version %d, this Embargo needs %d: run "
		    "`embargo-quarantine db %s`",
		    have, want, have ? "migrate" : "init");
	else
		sb_printf(err,
		    "quarantine_db: schema version %d written by a newer Embargo (this "
		    "one knows %d)",
		    have, want);
	return -1;
}

static int
pg_open(struct store *s, const char *conninfo, int flags, struct strbuf *err)
{
	int fresh = 0;

	if ((s->db = pool_get(conninfo, &fresh, err)) == NULL)
		return -1;
	if (!(flags & STORE_NOCHECK) && (fresh || (flags & STORE_START)) &&
	    pg_check_schema(s, flags, err) != 0) {
		pool_put(s->db);
		s->db = NULL;
		return -1;
	}
	return 0;
}

static void
pg_close(struct store *s)
{
	pool_put(s->db);
	s->db = NULL;
}

const struct sidx_ops sidx_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.query = pg_query,
	.text = pg_text,
	.integer = pg_int,
	.body_put = pg_body_put,
	.body_open = pg_body_open,
	.fleet_lock = pg_fleet_lock,
};
