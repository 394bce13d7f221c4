/*
 * store.h: the quarantine store, one interface for the daemon, embargo-quarantine
 * and later front ends (embargo-web, a PostgreSQL index). Nothing here knows libmilter.
 *
 * Layout in DIR: msg/ID.eml (the message as received, 0640), msg/ID.meta (its
 * metadata, the same fields as the index row, so the index can be rebuilt from the
 * files), tmp/ (files being written), index.db (SQLite, WAL, busy timeout) and
 * release.key (the HMAC key of release markers, 0600).
 *
 * Crash ordering (every state change is one index transaction):
 *   put:     meta and message written to tmp/, fsynced, renamed into msg/, msg/
 *            fsynced, then the row inserted. A crash leaves files without a row,
 *            which store_fsck re-indexes from the .meta; .tmp files it removes.
 *   delete:  row marked deleted, then the files unlinked (fsck finishes it).
 *   purge:   rows marked purging, files unlinked, rows removed (fsck finishes it).
 *   release: quarantined -> releasing (conditional: one winner), delivery, then
 *            released (or back to quarantined when delivery failed); the .meta
 *            follows each release step, so a rebuilt index keeps them.
 * A missing or empty index beside stored messages is an error naming
 * `embargo-quarantine reindex` (store_reindex), never a silent fresh index.
 *
 * States: quarantined (stored, waiting for review), held (kept in the MTA's hold
 * queue, index only), left-hold (no longer in the MTA's hold queue), releasing,
 * released, deleted, purging, missing (row whose file is gone), awaiting-password
 * (stored, waiting for a password in a later mail: store_await.c). The action that put
 * the message here (quarantine, strip, hold) is a separate field.
 * Threads: one handle per thread. Audit: see store_audit.c.
 * Back ends (store_set_db): the above is SQLite plus files, the default. With
 * quarantine_db the index and bodies are in PostgreSQL (store_pg.c): put commits
 * body and row in one transaction; no files, fsck and reindex do not apply; DIR
 * keeps only the release key. Handles share a per-process connection pool.
 */
#ifndef EMBARGO_STORE_H
#define EMBARGO_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/spool.h"
#include "core/strbuf.h"

#define STORE_ID_LEN     24    /* hex digits: 8 of time, 16 random */
#define STORE_BUSY_MS    10000 /* SQLite busy timeout: waits, never "locked" at once */
#define STORE_TMP_STALE  600   /* seconds before fsck (daemon running) removes a .tmp */
#define STORE_ORPHAN_AGE 60 /* seconds before fsck (daemon running) re-indexes a file */

/* STORE_NOCHECK: no schema version check (PostgreSQL; `db migrate|status`). */
enum { STORE_CREATE = 1, STORE_START = 2, STORE_REBUILD = 4, STORE_NOCHECK = 8 };

struct store;

/* What the daemon records for a new entry. Strings may be NULL. */
struct store_new {
	const char *queue_id, *sender;
	const char *const *rcpts;
	size_t nrcpts;
	const char *subject;
	uint64_t size;
	const char *findings; /* the summary line "name@path,..." */
	const char *rule, *action, *explain, *report;
	const char *client_addr, *helo, *message_id, *auth_user;
	const char *state; /* NULL: quarantined (with a file) or held (without) */
};

/* One index row, as read back. Strings are owned ("" when empty). */
struct store_entry {
	char id[STORE_ID_LEN + 1];
	int64_t time, changed_at;
	char *queue_id, *sender, *rcpts, *subject; /* rcpts: newline-separated */
	uint64_t size;
	char *findings, *rule, *action, *state, *changed_by, *explain, *report;
	char *client_addr, *helo, *message_id, *auth_user, *release_to, *sha256;
	char *host_name;      /* the host that received it (store_set_db) */
	int64_t release_done; /* recipients already delivered by a partial release */
	int has_file;
};

/*
 * The back end (store_idx.c, store_pg.c). store_set_db: CONNINFO (a libpq conninfo or
 * postgresql:// URI; NULL or "" keeps SQLite plus files in DIR) for every later
 * store_open, HOST the host_name recorded in new entries. store_set_pool: PostgreSQL
 * connections shared by all handles of this process (store_open takes one, store_close
 * gives it back; waits up to TIMEOUT seconds for a free one), connect_timeout and
 * statement_timeout TIMEOUT seconds. Call both before any thread opens a handle.
 */
void store_set_db(const char *conninfo, const char *host_name);
void store_set_pool(int size, int timeout);
const char *store_db(void); /* the conninfo, or NULL for SQLite */
/* Database round trips so far: count, total microseconds, errors (PostgreSQL only;
 * for the metrics). */
struct store_db_stats {
	uint64_t queries, usec, errors, reconnects;
};
void store_db_stats(struct store_db_stats *st);
/* Schema (store_schema.c): the version of the open store's schema and the version
 * this build wants; store_db_migrate creates or upgrades it (PostgreSQL: the daemon
 * never does this by itself, `embargo-quarantine db init|migrate` does). 0 or -1. */
#define STORE_PG_SCHEMA 2
int store_db_version(struct store *s, int *have, int *want);
int store_db_migrate(struct store *s, int *from, int *to);

/* Open the store in DIR (STORE_CREATE: make dirs and index). NULL, reason in ERR. */
struct store *store_open(const char *dir, int flags, struct strbuf *err);
void store_close(struct store *s); /* NULL-safe */
const char *store_error(const struct store *s);
const char *store_dir(const struct store *s);

/* Store RAW (NULL: index row only, for a hold) and its row. Fills ID. 0 or -1. */
int store_put(struct store *s, const struct store_new *n, struct spool *raw, char *id);

/* 0 and E filled, 1 no such id, -1 error. */
int store_get(struct store *s, const char *id, struct store_entry *e);
void store_entry_clear(struct store_entry *e);
/* A unique id for PREFIX into ID: 0, 1 none, 2 ambiguous, 3 not an id, -1 error. */
int store_resolve(struct store *s, const char *prefix, char *id);

/* Rows with SINCE <= time < UNTIL (UNTIL 0: no end), oldest first; CB non-zero stops. */
int store_list(struct store *s, int64_t since, int64_t until,
    int (*cb)(void *arg, const struct store_entry *e), void *arg);

/* The stored message, read-only (O_NOFOLLOW), or -1. */
int store_open_msg(struct store *s, const char *id);
int store_msg_path(
    const struct store *s, const char *id, const char *ext, char *buf, size_t n);

/*
 * State changes. WHO is the acting user; each records an audit event.
 * store_release_begin: quarantined -> releasing, 0 won, 1 not quarantined (another
 * release, or state changed), -1 error. store_release_end: OK -> released (DONE
 * recipients), else back to quarantined keeping DONE (a retry resumes there).
 */
int store_release_begin(struct store *s, const char *id, const char *who, const char *to);
int store_release_end(struct store *s, const char *id, const char *who, int ok,
    int64_t done, const char *detail);
/* releasing -> quarantined, for an interrupted release the admin retries. */
int store_release_reset(struct store *s, const char *id, const char *who);
int store_delete(struct store *s, const char *id, const char *who);
/* Entries older than BEFORE: files and rows removed, an audit event each. */
int store_purge(struct store *s, int64_t before, const char *who, size_t *n);
/* held -> left-hold (the MTA no longer holds it). */
int store_left_hold(struct store *s, const char *id, const char *who);

/* Audit trail (store_audit.c). */
struct store_event {
	int64_t time;
	const char *id, *event, *user, *detail;
};
int store_audit(struct store *s, const char *id, const char *event, const char *who,
    const char *detail);
int store_history(struct store *s, const char *id,
    int (*cb)(void *arg, const struct store_event *ev), void *arg);
/* Events named EVENT with SINCE <= time < UNTIL, every entry, oldest first
 * (store_events.c). 0 or -1. */
int store_events(struct store *s, const char *event, int64_t since, int64_t until,
    int (*cb)(void *arg, const struct store_event *ev), void *arg);
/* Syslog each audit event (facility as configured; 0: only the index). */
void store_set_syslog(int facility);

/*
 * Awaiting a password (store_await.c). An entry stored with state awaiting-password
 * leaves it exactly once, by a conditional transition (of the correlation, the
 * expiry and an admin, one wins).
 * store_await_find: awaiting entries from SENDER stored at or after SINCE, with at
 * least one recipient in RCPTS (case-insensitive), oldest first, at most MAX; CB
 * non-zero stops. 0 or -1.
 * store_await_settle: awaiting-password -> quarantined, with new FINDINGS, RULE and
 * EXPLAIN when not NULL, and the audit EVENT (DETAIL). 0 done, 1 not awaiting, -1.
 * store_await_expire: every awaiting entry stored before BEFORE -> quarantined
 * (audit event "expired"), CB(ARG, id) after each (CB may be NULL); N gets the count.
 */
#define STORE_AWAIT_STATE "awaiting-password"
#define STORE_AWAIT_MAX   16 /* held entries one later mail may bring passwords to */
int store_await_find(struct store *s, const char *sender, const char *const *rcpts,
    size_t nrcpts, int64_t since, int (*cb)(void *arg, const struct store_entry *e),
    void *arg);
int
store_await_settle(struct store *s, const char *id, const char *who, const char *findings,
    const char *rule, const char *explain, const char *event, const char *detail);
int store_await_expire(struct store *s, int64_t before, const char *who,
    void (*cb)(void *arg, const char *id), void *arg, size_t *n);

/*
 * The console's queries (store_query.c). A filter: NULL or "" fields match all;
 * state and rule exactly, the others as case-insensitive substrings; SINCE <= time
 * < UNTIL (0: open). SCOPED: only entries with a recipient in one of DOMAINS (none:
 * nothing). Paging: SORT (store_sort_parse), DESC, and the last row shown (AFTER_ID
 * with AFTER_INT for time and size, AFTER_TEXT for the others); LIMIT rows.
 */
#define STORE_Q_PAGE_MAX 500 /* rows a page */
#define STORE_Q_ARGS     80  /* bound values of one query (a scope takes 2 a domain) */
#define STORE_Q_TEXT     256 /* bytes of one text filter */
struct store_qfilter {
	const char *state, *sender, *rcpt, *subject, *rule, *finding, *host;
	int64_t since, until;
	int scoped;
	const char *const *domains;
	size_t ndomains;
};
struct store_qpage {
	int sort, desc;
	const char *after_id, *after_text;
	int64_t after_int;
	size_t limit;
};
int store_query_init(struct store *s);  /* the indexes the queries use */
int store_sort_parse(const char *name); /* "time" "size" "sender" ...: >= 0, or -1 */
const char *store_sort_name(int sort);
int
store_query(struct store *s, const struct store_qfilter *f, const struct store_qpage *pg,
    int (*cb)(void *arg, const struct store_entry *e), void *arg);
/* Counts grouped BY "day" (key: the day's first second), "rule", "state" or
 * "findings" (the summary line; callers split it). 0 or -1. */
int store_count_by(struct store *s, const struct store_qfilter *f, const char *by,
    int (*cb)(void *arg, const char *key, int64_t n), void *arg);

/*
 * Single-use keys (store_once.c), shared by every host of the store: 1 when this call
 * claimed KEY (first ever, until EXPIRES, a time), 0 when it was already claimed, -1
 * error. Expired keys are purged at each claim.
 */
int store_once_claim(struct store *s, const char *key, int64_t expires);
/* Give KEY back (the claimed work failed and may be retried). 0 or -1. */
int store_once_drop(struct store *s, const char *key);
/* Entries and stored bytes by state, for the metrics (store_stats.c): up to MAX rows
 * into V, sorted by state; *N gets how many. 0 or -1. */
#define STORE_STATS_MAX 32
struct store_state_count {
	char state[32];
	uint64_t count, bytes;
};
int
store_state_counts(struct store *s, struct store_state_count *v, size_t max, size_t *n);

/* Consistency (store_fsck.c). Counts of what was found and repaired. */
struct store_fsck {
	size_t reindexed, missing, tmp_removed, finished, meta_removed, stuck, unreadable;
};
/* FLAGS: STORE_START when the daemon starts (nothing else writes: no age grace). */
int store_fsck(struct store *s, int flags, const char *who, struct store_fsck *r);
/* Move a damaged or empty index aside and rebuild it from msg/. N gets the rows. */
int store_reindex(const char *dir, const char *who, size_t *n, struct strbuf *err);

/* Give DIR, msg/, tmp/ group GID with the set-group-id bit (2750, so new files
 * inherit it) and the index and messages mode 0640: the review group reads them.
 * The release key stays 0600. 0 or -1 (reason in ERR). */
int store_set_group(const char *dir, gid_t gid, struct strbuf *err);

/* write(2) all of P, retrying on EINTR and short writes; 0 or -1. */
int store_write_all(int fd, const void *p, size_t n);

/* True when ID has the shape of a store id (hex, STORE_ID_LEN long). */
int store_id_valid(const char *id);

#endif
