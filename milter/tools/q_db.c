/*
 * q_db.c: `embargo-quarantine db init|migrate|status`: the schema of the store.
 *
 * init and migrate are one operation (store_db_migrate: create or upgrade, each step
 * once, under an advisory lock on PostgreSQL; SQLite upgrades itself on open), run
 * by the database owner, never by the daemon's least-privilege role. status prints
 * the back end, the schema version found and wanted, and the entries per host; it
 * exits Q_OK when the versions match, Q_REFUSED when they do not.
 * Limits: status counts every row (fine for a quarantine; it is not a report).
 */
#include <stdio.h>
#include <string.h>

#include "daemon/store_start.h"
#include "store/store_int.h"
#include "tools/q.h"

static int
host_cb(void *arg, const struct sidx_row *r)
{
	(void)arg;
	printf("  host %-20s %lld entries\n",
	    sidx_text(r, 0)[0] ? sidx_text(r, 0) : "(none)", (long long)sidx_int(r, 1));
	return 0;
}

static int
status(struct store *s)
{
	int have = 0, want = 0;

	if (store_db_version(s, &have, &want) != 0)
		return Q_ERROR;
	printf("back end: %s\nschema: %d (this Embargo: %d)%s\n", s->ops->name, have,
	    want,
	    have == want    ? "" :
		have < want ? ": run `embargo-quarantine db migrate`" :
			      ": written by a newer Embargo");
	if (have == want &&
	    sidx_query(s,
		"SELECT host_name, count(*) FROM quarantine GROUP BY host_name"
		" ORDER BY host_name",
		NULL, 0, host_cb, NULL) < 0)
		return Q_ERROR;
	return have == want ? Q_OK : Q_REFUSED;
}

int
q_db(const struct em_config *cfg, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct store *s;
	int from = 0, to = 0, rc;

	if (argc != 1 ||
	    (strcmp(argv[0], "init") != 0 && strcmp(argv[0], "migrate") != 0 &&
		strcmp(argv[0], "status") != 0)) {
		fprintf(stderr, "usage: embargo-quarantine db init|migrate|status\n");
		return Q_REFUSED;
	}
	s = store_open(cfg->quarantine_dir,
	    STORE_NOCHECK | (strcmp(argv[0], "status") ? STORE_CREATE : 0), &err);
	if (s == NULL) {
		fprintf(stderr, "embargo-quarantine: %s\n", sb_str(&err));
		sb_free(&err);
		return Q_ERROR;
	}
	if (strcmp(argv[0], "status") == 0)
		rc = status(s);
	else if (store_db_migrate(s, &from, &to) != 0)
		rc = Q_ERROR;
	else {
		printf("schema %d -> %d (%s)\n", from, to, s->ops->name);
		rc = Q_OK;
	}
	if (rc == Q_ERROR)
		fprintf(stderr, "embargo-quarantine: %s\n", store_error(s));
	store_close(s);
	sb_free(&err);
	return rc;
}
