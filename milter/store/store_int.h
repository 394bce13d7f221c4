/*
 * store_int.h: what the store's own files share (not for front ends): the handle,
 * the field table that the index row, the .meta file and the reader all follow,
 * the index back ends (struct sidx_ops: store_sqlite.c, store_pg.c), the generic
 * entry code over them (store_idx.c) and the file side (store_file.c).
 * The SQLite back end keeps bodies as files in DIR/msg; the PostgreSQL back end keeps
 * them in the database (body_put/body_open) and has no file side (s->pg).
 */
#ifndef EMBARGO_STORE_INT_H
#define EMBARGO_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct sidx_ops;
struct sidx_val;
struct sidx_row;

struct store {
	char *dir;
	void *db; /* sqlite3 * or PGconn * */
	const struct sidx_ops *ops;
	int pg;    /* bodies in the database, no files */
	int in_tx; /* PostgreSQL: inside BEGIN (no silent reconnect) */
	char err[300];
};

/*
 * An index back end. open fills s->db (WHERE: the directory or the conninfo);
 * query as sidx_query; body_put stores RAW for ID in the open transaction and fills
 * SHA (NULL: bodies are files); body_open returns a read-only fd of the body.
 */
struct sidx_ops {
	const char *name;
	int (*open)(struct store *s, const char *where, int flags, struct strbuf *err);
	void (*close)(struct store *s);
	int (*exec)(struct store *s, const char *sql);
	int (*begin)(struct store *s);
	int (*commit)(struct store *s);
	void (*rollback)(struct store *s);
	int (*query)(struct store *s, const char *sql, const struct sidx_val *args,
	    size_t nargs, int (*cb)(void *arg, const struct sidx_row *r), void *arg);
	const char *(*text)(const struct sidx_row *r, int col);
	int64_t (*integer)(const struct sidx_row *r, int col);
	int (*body_put)(struct store *s, const char *id, struct spool *raw, char sha[65]);
	int (*body_open)(struct store *s, const char *id);
	/* In the open transaction: 1 when this host is the one to run job NAME now
	 * (PostgreSQL: a transaction advisory lock; SQLite: always 1), 0, -1. */
	int (*fleet_lock)(struct store *s, const char *name);
};
#define STORE_SQLITE_SCHEMA 4
extern const struct sidx_ops sidx_sqlite_ops, sidx_pg_ops;

/* A result row as the back end sees it. */
struct sidx_row {
	const struct sidx_ops *ops;
	void *p;
	int n;
};

/* The text fields of a row, in column order (col is the index column name, also the
 * key in the .meta file). */
struct store_field {
	const char *col;
	size_t off;
};
extern const struct store_field store_text[];
extern const size_t store_ntext;
#define STORE_TEXT(e, i) (*(char **)((char *)(e) + store_text[i].off))

int store_err(struct store *s, const char *what, const char *why);
int64_t store_now(void);

/* Files (store_file.c). */
int sfile_write(struct store *s, const char *id, const struct store_entry *meta,
    struct spool *raw, char sha256[65]);
void sfile_remove(struct store *s, const char *id);
/* Rewrite msg/ID.meta from E (after a state change the index committed). */
int sfile_meta_update(struct store *s, const struct store_entry *e);
int sfile_mkdirs(const char *dir, int create, struct strbuf *err);
/* Whether DIR/msg holds at least one .eml. */
int sfile_any_msg(const char *dir);

/* .meta text (store_meta.c). */
int smeta_format(const struct store_entry *e, struct strbuf *out);
/* Parse TEXT into E (owned strings); 0 or -1. */
int smeta_parse(const char *text, size_t len, struct store_entry *e);
int smeta_read(struct store *s, const char *id, struct store_entry *e);

/* The index (store_sqlite.c). */
int sidx_insert(struct store *s, const struct store_entry *e, const char *who);
int sidx_exec(struct store *s, const char *sql);
int sidx_begin(struct store *s);
int sidx_fleet_lock(struct store *s, const char *name);
int sidx_commit(struct store *s);
void sidx_rollback(struct store *s);
/* UPDATE/DELETE with ?1 = id, ?2 = text, ?3 = integer, ?4 = now (portable: no
 * SQL time function); returns changes or -1. */
int
sidx_change(struct store *s, const char *sql, const char *id, const char *a, int64_t n);
/*
 * The generic query, for every store file that needs SQL of its own (a back end
 * implements it): portable SQL only (?1..?N placeholders, standard SQL that SQLite and
 * PostgreSQL both accept). Text NULL binds SQL NULL.
 * sidx_query: CB per result row (non-zero stops; may be NULL); returns the rows a
 * change touched (0 for a SELECT) or -1 (reason in store_error).
 * sidx_entries: SELECT every entry column FROM quarantine TAIL ("WHERE ... ORDER BY
 * ... LIMIT ..."), CB per entry.
 */
struct sidx_val {
	const char *t;
	int64_t i;
	int is_int;
};
#define SV_T(x) ((struct sidx_val){ .t = (x), .i = 0, .is_int = 0 })
#define SV_I(x) ((struct sidx_val){ .t = NULL, .i = (x), .is_int = 1 })
const char *sidx_text(const struct sidx_row *r, int col); /* "" for NULL */
int64_t sidx_int(const struct sidx_row *r, int col);
int sidx_query(struct store *s, const char *sql, const struct sidx_val *args,
    size_t nargs, int (*cb)(void *arg, const struct sidx_row *r), void *arg);
int sidx_entries(struct store *s, const char *tail, const struct sidx_val *args,
    size_t nargs, int (*cb)(void *arg, const struct store_entry *e), void *arg);
/* Awaiting-password rows of SENDER stored at or after SINCE, oldest first. */
int sidx_await_rows(struct store *s, const char *sender, int64_t since,
    int (*cb)(void *arg, const struct store_entry *e), void *arg);
/* Rewrite ID's .meta from its row after a committed change (best effort). */
void smeta_follow(struct store *s, const char *id);
int store_list_state(struct store *s, const char *state,
    int (*cb)(void *arg, const struct store_entry *e), void *arg);
int store_purge_finish(struct store *s, size_t *n);
/* In the open transaction (store_audit.c). */
int saudit_add(struct store *s, const char *id, const char *event, const char *who,
    const char *detail);
void
saudit_syslog(const char *id, const char *event, const char *who, const char *detail);

#endif
