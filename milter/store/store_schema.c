/*
 * store_schema.c: the schema version of the store and its migrations.
 *
 * PostgreSQL: a schema_version table (one row) and the list pg_migrations below;
 * migration N takes version N-1 to N, all in one transaction under an advisory lock,
 * so two hosts migrating at once apply each step once. The daemon only checks the
 * version at start (store_open: STORE_CREATE creates an empty database's schema);
 * `embargo-quarantine db init|migrate` applies migrations.
 * SQLite: PRAGMA user_version, upgraded by store_sqlite.c on open (one host, no
 * separate step: unchanged for existing users).
 * Column types: INTEGER/BIGINT and TEXT only, so both back ends read rows alike.
 * audit.rowid is a bigserial on PostgreSQL, so "ORDER BY time, rowid" reads the same.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

static const char *const pg_migrations[STORE_PG_SCHEMA] = {
	/* 1: the layout of SQLite schema 3, bodies in msg_body */
	"CREATE TABLE quarantine (id TEXT PRIMARY KEY, time BIGINT NOT NULL,"
	" queue_id TEXT, sender TEXT, recipients TEXT, subject TEXT, size BIGINT,"
	" findings TEXT, rule TEXT, action TEXT, state TEXT NOT NULL,"
	" released_by TEXT, released_at BIGINT, has_file INTEGER NOT NULL,"
	" explain TEXT, report TEXT, changed_by TEXT, changed_at BIGINT,"
	" client_addr TEXT, helo TEXT, message_id TEXT, auth_user TEXT,"
	" release_to TEXT, release_done BIGINT DEFAULT 0, sha256 TEXT,"
	" host_name TEXT);"
	"CREATE INDEX quarantine_time ON quarantine(time);"
	"CREATE INDEX quarantine_state_sender ON quarantine(state, sender);"
	"CREATE INDEX quarantine_host ON quarantine(host_name);"
	"CREATE TABLE audit (rowid BIGSERIAL PRIMARY KEY, id TEXT NOT NULL,"
	" time BIGINT NOT NULL, event TEXT NOT NULL, \"user\" TEXT, detail TEXT);"
	"CREATE INDEX audit_id ON audit(id);"
	"CREATE TABLE msg_body (id TEXT PRIMARY KEY REFERENCES quarantine(id)"
	" ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, body BYTEA NOT NULL);",
	/* 2: single-use keys (store_once.c) */
	"CREATE TABLE once (key TEXT PRIMARY KEY, expires BIGINT NOT NULL);",
};

struct ver {
	int v, found;
};

static int
ver_cb(void *arg, const struct sidx_row *r)
{
	struct ver *v = arg;

	v->v = (int)sidx_int(r, 0);
	v->found = 1;
	return 1;
}

/* PostgreSQL: 0 when there is no schema_version table yet. */
static int
pg_version(struct store *s, int *have)
{
	struct ver v = { 0, 0 };

	if (sidx_query(s,
		"SELECT count(*) FROM information_schema.tables WHERE table_name ="
		" 'schema_version' AND table_schema = current_schema()",
		NULL, 0, ver_cb, &v) < 0)
		return -1;
	if (v.v == 0) {
		*have = 0;
		return 0;
	}
	v.v = 0;
	if (sidx_query(
		s, "SELECT max(version) FROM schema_version", NULL, 0, ver_cb, &v) < 0)
		return -1;
	*have = v.v;
	return 0;
}

int
store_db_version(struct store *s, int *have, int *want)
{
	struct ver v = { 0, 0 };

	s->err[0] = '\0';
	if (s->pg) {
		*want = STORE_PG_SCHEMA;
		return pg_version(s, have);
	}
	*want = STORE_SQLITE_SCHEMA;
	if (sidx_query(s, "PRAGMA user_version", NULL, 0, ver_cb, &v) < 0)
		return -1;
	*have = v.v;
	return 0;
}

static int
pg_migrate(struct store *s, int *from)
{
	const struct sidx_val nv[1] = { SV_I(STORE_PG_SCHEMA) };
	int v;

	if (sidx_exec(s, "SELECT pg_advisory_xact_lock(hashtext('embargo-migrate'))") !=
		0 ||
	    sidx_exec(s,
		"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER"
		" NOT NULL)") != 0 ||
	    pg_version(s, from) != 0)
		return -1;
	if (*from > STORE_PG_SCHEMA)
		return store_err(s, "schema", "written by a newer Embargo");
	for (v = *from; v < STORE_PG_SCHEMA; v++)
		if (sidx_exec(s, pg_migrations[v]) != 0)
			return -1;
	if (*from == STORE_PG_SCHEMA)
		return 0;
	if (sidx_exec(s, "DELETE FROM schema_version") != 0 ||
	    sidx_query(s, "INSERT INTO schema_version (version) VALUES (?1)", nv, 1, NULL,
		NULL) < 0)
		return -1;
	return 0;
}

int
store_db_migrate(struct store *s, int *from, int *to)
{
	int want;

	if (!s->pg) /* store_open already upgraded it */
		return store_db_version(s, from, &want) != 0 ? -1 : (*to = *from, 0);
	*to = STORE_PG_SCHEMA;
	if (sidx_begin(s) != 0)
		return -1;
	if (pg_migrate(s, from) != 0) {
		sidx_rollback(s);
		return -1;
	}
	return sidx_commit(s);
}
