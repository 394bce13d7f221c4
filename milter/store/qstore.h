/*
 * qstore.h: the quarantine store. Message files on disk (DIR/msg/ID.eml, mode 0600,
 * directories 0700) and an SQLite index (DIR/index.db) with one row per message:
 * id, time, queue id, sender, recipients, subject, size, findings, rule, action,
 * state (held, released, deleted), who released it and when, the explanation and the
 * report JSON (so `show` needs no rescan).
 *
 * Durability: qstore_put writes DIR/tmp/ID.tmp, fsyncs it, renames it to
 * DIR/msg/ID.eml, fsyncs DIR/msg, then inserts the index row; it returns 0 only
 * when all of that succeeded, so the caller may then tell the MTA to discard or
 * reject. On any failure nothing is left behind and the caller tempfails.
 * Threads and processes: one handle per thread (each has its own SQLite
 * connection); the index is in WAL mode with a busy timeout, so daemon threads and
 * embargo-quarantine can use it at once. IDs are random (getrandom) with a time
 * prefix, never derived from the message.
 */
#ifndef EMBARGO_QSTORE_H
#define EMBARGO_QSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/spool.h"
#include "core/strbuf.h"

#define QSTORE_ID_LEN 24    /* hex digits: 8 of time, 16 random */
#define QSTORE_BUSY_MS 10000

struct qstore;

/* What the daemon records for a new entry. Strings may be NULL. */
struct qnew {
	const char *queue_id;
	const char *sender;
	const char *const *rcpts;
	size_t nrcpts;
	const char *subject;
	uint64_t size;
	const char *findings;   /* the summary line "name@path,..." */
	const char *rule;
	const char *action;     /* "quarantine", "strip", "hold", ... */
	const char *explain;
	const char *report;     /* the report JSON, or NULL */
};

/* One index row, as read back. Strings are owned by the entry ("" when empty). */
struct qentry {
	char id[QSTORE_ID_LEN + 1];
	int64_t time;
	char *queue_id, *sender, *rcpts, *subject; /* rcpts: newline-separated */
	uint64_t size;
	char *findings, *rule, *action, *state, *released_by, *explain, *report;
	int64_t released_at;
	int has_file;
};

/* Open (and with CREATE, make) the store in DIR. NULL with the reason in ERR. */
struct qstore *qstore_open(const char *dir, int create, struct strbuf *err);
void qstore_close(struct qstore *q);   /* NULL-safe */
/* The last error text of this handle. */
const char *qstore_error(const struct qstore *q);

/* Store RAW (NULL: index row only, e.g. for a message held in the MTA) and its row
 * with state "held". Fills ID (QSTORE_ID_LEN + 1 bytes). Returns 0 or -1. */
int qstore_put(struct qstore *q, const struct qnew *n, struct spool *raw, char *id);

/* 0 and E filled, 1 when there is no such ID, -1 on error. */
int qstore_get(struct qstore *q, const char *id, struct qentry *e);
void qentry_clear(struct qentry *e);

/* Every row with time >= SINCE, oldest first; CB returning non-zero stops. */
int qstore_list(struct qstore *q, int64_t since,
    int (*cb)(void *arg, const struct qentry *e), void *arg);

/* The stored message, opened read-only (O_NOFOLLOW), or -1. */
int qstore_open_msg(struct qstore *q, const char *id);
/* Path of the stored message into BUF (for messages). Returns 0 or -1. */
int qstore_msg_path(const struct qstore *q, const char *id, char *buf, size_t n);

/* State changes: "released" (with WHO), "deleted" (the file is removed). */
int qstore_mark_released(struct qstore *q, const char *id, const char *who);
int qstore_delete(struct qstore *q, const char *id);
/* Delete files and rows older than BEFORE (unix time). *N gets the count. */
int qstore_purge(struct qstore *q, int64_t before, size_t *n);

/* True when ID has the shape of a store id (hex, QSTORE_ID_LEN long). */
int qstore_id_valid(const char *id);

#endif
