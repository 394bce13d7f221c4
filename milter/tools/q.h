/*
 * q.h: what the files of embargo-quarantine share (main_quarantine.c and q_*.c):
 * the parsed options, the run context, filters, output, release and the
 * maintenance commands. Exit codes: Q_OK 0, Q_REFUSED 1 (refused, not found,
 * bad input), Q_ERROR 2 (store, configuration, release command).
 */
#ifndef EMBARGO_Q_H
#define EMBARGO_Q_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "daemon/config.h"
#include "store/store.h"

enum { Q_OK = 0, Q_REFUSED = 1, Q_ERROR = 2 };

#define Q_MAX_TO        10000 /* --to addresses per release */
#define Q_RELEASE_BATCH 100   /* recipients per run of release_command */

struct qfilter {
	int64_t since, until; /* 0: open */
	const char *sender, *rcpt, *subject, *state, *rule, *finding, *message_id,
	    *client, *host;
};

struct qopts {
	struct qfilter f;
	int json, count, rescan, force, retry, dry_run, notice;
	int live;           /* stats --live: the daemon's counters (q_live.c) */
	const char *socket; /* --socket: instead of control_socket */
	const char **to;
	size_t nto;
	int64_t older; /* purge: seconds; -1 unset */
};

struct qctx {
	const struct em_config *cfg;
	struct store *s;
	const struct qopts *o;
	const char *who; /* the acting user (behind sudo) */
	FILE *out, *err; /* where q_release reports (NULL: stdout, stderr) */
};
#define Q_OUT(c) ((c)->out ? (c)->out : stdout)
#define Q_ERR(c) ((c)->err ? (c)->err : stderr)

/* q_filter.c */
int64_t q_parse_age(const char *s);  /* "90", "2h", "7d" -> seconds, -1 bad */
int64_t q_parse_when(const char *s); /* "2h" (ago), "2026-12-01[ 10:00]" -> time */
int q_filter_match(const struct qfilter *f, const struct store_entry *e);
int q_addr_valid(const char *a);   /* a plain local@domain, nothing else */
int q_id_arg_valid(const char *a); /* 4..24 lower-case hex digits */

/* q_print.c */
void q_print_header(void);
void q_print_line(const struct store_entry *e);
void q_print_json(const struct store_entry *e);
void q_print_details(struct store *s, const struct store_entry *e);
void q_time(int64_t t, int iso, char *buf, size_t n);
int q_list(struct qctx *c);
int q_stats(struct qctx *c);
/* q_live.c: stats --live, the daemon's counters from its control socket. */
int q_live(const struct em_config *cfg, const struct qopts *o);

/* q_ppap.c: entries awaiting a password (daemon/ppap.c). */
void q_ppap_window(int seconds);
/* When E awaits a password: the window's end into BUF and 1; else 0. */
int q_ppap_until(const struct store_entry *e, char *buf, size_t n);
/* Settle the entries whose window passed (quarantined, event "expired"). */
int q_ppap_expire(struct qctx *c, int verbose);

/* q_release.c */
int q_release(struct qctx *c, const struct store_entry *e);

/* q_passwd.c: passwd USER [--role R] [--domains D] (ARGV[0] is "passwd"). */
int q_passwd(const struct em_config *cfg, int argc, char **argv);

/* q_cmds.c */
int q_show(struct qctx *c, const struct store_entry *e);
int q_export(struct qctx *c, const struct store_entry *e);
int q_delete(struct qctx *c, const struct store_entry *e);
int q_purge(struct qctx *c);
int q_fsck(struct qctx *c);
int q_sync_holds(struct qctx *c);
/* Run FN(ARG) in a child process without root (the daemon's user, or nobody),
 * with one sandboxed embargo-worker started before the drop (it runs as
 * worker_user, else that user): the rescan parses in the worker. Returns FN's
 * result, or Q_ERROR. */
int q_unprivileged(const struct em_config *cfg, int (*fn)(void *), void *arg);
/* Rescan the stored message FD; print the part tree (SHOW) or the verdict; 0 would
 * deliver (accept or tag), 1 would not, 2 error. Runs inside q_unprivileged. */
int q_rescan(const struct em_config *cfg, int fd, const struct store_entry *e, int show);

/* q_digest.c: `digest` (--dry-run, --to limits the recipients); q_notice.c:
 * `digest --notice`. Helpers they share: a raw Subject as UTF-8 (malloc'd), a local
 * time, digest_from (or postmaster@host), MSG sent to RCPT through release_command. */
int q_digest(struct qctx *c);
int q_notice(struct qctx *c);
char *q_subject_utf8(const char *raw);
void q_local_time(int64_t t, char *buf, size_t n);
void q_digest_from(const struct em_config *cfg, char *buf, size_t n);
int q_send_mail(const struct em_config *cfg, const char *from, const char *rcpt,
    const struct strbuf *msg);

/* `db init|migrate|status` (q_db.c); ARGV after "db". */
int q_db(const struct em_config *cfg, int argc, char **argv);

#endif
