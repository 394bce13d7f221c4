/*
 * web.h: what the files of embargo-web share: the request and response a page
 * handler sees, roles, users, sessions, the route table and the HTML helpers.
 *
 * A page is one file with one handler plus one row in routes.def:
 *   ROUTE(GET, "/path", page_fn, WEB_AUDITOR)      exact path
 *   ROUTE(GET, "/m/...", page_fn, WEB_AUDITOR)     prefix ("/m/" then "*"); rq->rest is what follows
 * The minimum role is checked before the handler runs (WEB_PUBLIC: no sign-in).
 * Every POST to a route above WEB_PUBLIC must carry the session's CSRF token in the
 * form field "csrf" (checked by the server before the handler runs); public POST
 * routes check what they need themselves (login: web_csrf_pre_check).
 * One thread serves every request (MHD's internal polling thread; with
 * metrics_listen a second listener's thread takes turns with it through server.c's
 * serve_lock): handlers may block briefly, and sessions, users and the store handle
 * need no locks of their own.
 */
#ifndef EMBARGO_WEB_H
#define EMBARGO_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/strbuf.h"
#include "daemon/config.h"
#include "store/store.h"

/* Roles, weakest first. A route's minimum is compared with the user's role; what a
 * helpdesk user sees is further limited to its domains (web_user_may_see). */
enum web_role {
	WEB_PUBLIC = 0, /* no sign-in (a route minimum only) */
	WEB_AUDITOR,    /* reads everything, changes nothing */
	WEB_HELPDESK,   /* reads and releases for its recipient domains */
	WEB_ADMIN,      /* everything */
};

#define WEB_NAME_MAX    64    /* user names: [A-Za-z0-9._-] */
#define WEB_DOMAINS_MAX 32    /* domains of one helpdesk user */
#define WEB_BODY_MAX    65536 /* request body bytes (413 above) */
#define WEB_URI_MAX     4096  /* request line target (414 above) */
#define WEB_FORM_MAX    1100  /* fields in one query or form (ids of a bulk action) */
#define WEB_VALUE_MAX   4096  /* bytes of one decoded value */

struct web_user {
	char name[WEB_NAME_MAX + 1];
	char *hash;
	enum web_role role;
	char *domains[WEB_DOMAINS_MAX]; /* helpdesk: lower-case recipient domains */
	size_t ndomains;
};

/* Decoded key=value pairs of a query string or an urlencoded body (form.c). */
struct web_form {
	size_t n;
	char **key, **val;
};
int web_form_parse(struct web_form *f, const char *s, size_t len);
void web_form_free(struct web_form *f);
const char *web_form_get(const struct web_form *f, const char *key); /* NULL absent */

#define WEB_SESSIONS_MAX 1024 /* signed-in sessions at once */
#define WEB_RL_MAX       4096 /* remembered failing IPs and users */

struct web_session {
	char token[65], csrf[65];
	char user[WEB_NAME_MAX + 1];
	time_t last; /* 0: free slot */
};

struct web_rl {
	char key[WEB_NAME_MAX + 8]; /* "ip:ADDR" or "user:NAME" */
	time_t first;
	unsigned fails;
};

/* The server: configuration, store, users, sessions (server.c). */
struct web_srv {
	const struct em_config *cfg;
	struct store *store;
	void *mhd;         /* struct MHD_Daemon */
	void *mhd_metrics; /* the metrics_listen daemon (serves /metrics only), or NULL */
	int loopback;      /* web_listen is a loopback address: /metrics without auth */
	struct web_user *users;
	size_t nusers;
	time_t users_mtime;
	long long users_size;
	struct web_session sess[WEB_SESSIONS_MAX];
	struct web_rl rl[WEB_RL_MAX];
	char pre_key[65]; /* keys the pre-login CSRF tokens */
};

struct web_req {
	struct web_srv *srv;
	const char *method;          /* "GET", "POST" */
	const char *path;            /* decoded path without the query */
	const char *rest;            /* for a prefix route: what follows the prefix */
	const char *ip;              /* client address */
	const char *cookie_header;   /* the Cookie header, or NULL */
	struct web_form query, form; /* query string; urlencoded POST body */
	const struct web_user *user; /* NULL when not signed in */
	const char *csrf;            /* the session's CSRF token ("" without one) */
	int via_metrics;             /* came in on metrics_listen */
	char who[WEB_NAME_MAX + 8];  /* "web:NAME" for the audit trail */
	struct store *store;
	const struct em_config *cfg;
};

struct web_resp {
	int status;        /* 200 unless set */
	const char *ctype; /* NULL: text/html; charset=utf-8 */
	struct strbuf body;
	char location[512];    /* a redirect target, or "" */
	char cookie[256];      /* a Set-Cookie value, or "" */
	char disposition[128]; /* Content-Disposition, or "" */
	int fd;                /* >= 0: send this file (body ignored), closed after */
};

typedef int (*web_handler)(struct web_req *rq, struct web_resp *rs);

/* The route table (routes.def), and every handler it names. */
#define ROUTE(method, path, fn, role) int fn(struct web_req *rq, struct web_resp *rs);
#include "web/routes.def"
#undef ROUTE

/* html.c: escaping and the page frame. */
void html_esc(struct strbuf *sb, const char *s); /* text and attribute values */
void html_esc_n(struct strbuf *sb, const char *s, size_t n);
void url_esc(struct strbuf *sb, const char *s); /* a query value */
void html_begin(struct web_req *rq, struct web_resp *rs, const char *title);
void html_end(struct web_resp *rs);
void html_csrf_field(struct web_req *rq, struct web_resp *rs); /* hidden input */
/* A table row: K (markup, the caller's constant) and V (escaped). */
void html_kv(struct strbuf *b, const char *k, const char *v);
/* A complete error page with STATUS and a plain message. Returns 0. */
int web_error(struct web_req *rq, struct web_resp *rs, int status, const char *msg);
/* A 303 redirect to TARGET (a local path). Returns 0. */
int web_redirect(struct web_resp *rs, const char *target);
/* "2026-12-05 01:02:03" UTC into BUF. */
void web_time(int64_t t, char *buf, size_t n);

/* users.c: the web_users file. */
const char *web_role_name(enum web_role r);
int web_role_parse(const char *s, enum web_role *out);
/* Read FILE into the server's user table when its mtime changed; 0 or -1. */
int web_users_load(struct web_srv *srv, const char *file);
const struct web_user *web_user_find(struct web_srv *srv, const char *name);
const struct web_user *
web_user_find_in(const struct web_user *v, size_t n, const char *name);
int web_user_name_valid(const char *s);
/* Parse one web_users line (modified in place) into U; 0 or -1. */
int web_user_parse(struct web_user *u, char *line);
void web_user_clear(struct web_user *u);
/* A yescrypt hash of PASSWORD into OUT (N bytes); 0 or -1. */
int web_hash_password(const char *password, char *out, size_t n);
/* Is the recipient RCPT (N bytes) in one of U's domains? */
int web_user_may_rcpt(const struct web_user *u, const char *rcpt, size_t n);
/* Verify PASSWORD of NAME (constant work whether or not NAME exists); 1 yes, 0 no. */
int web_user_check(struct web_srv *srv, const char *name, const char *password);
/* May U see entry E (admin, auditor: all; helpdesk: a recipient in its domains)? */
int web_user_may_see(const struct web_user *u, const struct store_entry *e);

/* session.c: sessions and CSRF tokens. */
#define WEB_COOKIE "embargo_session"
/* Start a session for NAME; fills RS's cookie. 0 or -1 (table full). */
int web_session_start(struct web_req *rq, struct web_resp *rs, const char *name);
/* Find the session of the request's cookie (idle timeout applied); fills rq->user,
 * rq->csrf, rq->who. 1 signed in, 0 not. */
int web_session_find(struct web_req *rq, const char *cookie_header);
void web_session_end(struct web_req *rq, struct web_resp *rs);
/* The pre-login token (a cookie and a hidden field); check on the login POST. */
void web_csrf_pre_issue(struct web_req *rq, struct web_resp *rs, char *tok, size_t n);
int web_csrf_pre_check(struct web_req *rq, const char *cookie_header);
/* Constant-time string equality (equal lengths compared in full). */
int web_ct_equal(const char *a, const char *b);
/* N random bytes as 2N hex digits into BUF (2N + 1 bytes). 0 or -1. */
int web_random_hex(char *buf, size_t nbytes);

/* ratelimit.c: failed sign-ins per IP and per user. */
#define WEB_FAIL_MAX    5   /* failures within WEB_FAIL_WINDOW before a lockout */
#define WEB_FAIL_WINDOW 300 /* seconds */
int web_rl_blocked(struct web_srv *srv, const char *ip, const char *user);
void web_rl_fail(struct web_srv *srv, const char *ip, const char *user);
void web_rl_ok(struct web_srv *srv, const char *user);

/* filter.c: the queue filter from the query string, scoped to the user. 0, or -1
 * with WHY. web_filter_link appends "&amp;key=value" for each filter in the query
 * (except SKIP), for links that keep them. */
int web_filter_parse(struct web_req *rq, struct store_qfilter *f, struct store_qpage *pg,
    const char **why);
void web_filter_link(struct web_req *rq, struct strbuf *b, const char *skip);

/* actions.c: permissions and actions on one entry (see there for the rules). */
enum web_op {
	WEB_OP_VIEW,
	WEB_OP_RELEASE,
	WEB_OP_RELEASE_TO,
	WEB_OP_DELETE,
	WEB_OP_DOWNLOAD,
};
/* NULL when RQ's user may do OP to E, else why not. */
const char *
web_may(const struct web_req *rq, const struct store_entry *e, enum web_op op);
/* Release (always rescanned; TO: another address, else NULL) or delete E, as RQ's
 * user; the outcome text into MSG. Without FORCE a release goes ahead only when the
 * current policy would deliver the message; with FORCE (the reviewer's decision) also
 * when the rescan decides nothing stronger than the action it was kept under, by a
 * rule the user may release. Q_OK 0, Q_REFUSED 1, Q_ERROR 2. */
int web_act(struct web_req *rq, const struct store_entry *e, enum web_op op,
    const char *to, int force, struct strbuf *msg);

/* report_view.c: the stored report JSON drawn as a part tree with the findings at
 * their parts (escaped). */
void web_report_tree(struct strbuf *b, const char *json);

/* server.c */
struct web_srv *
web_srv_new(const struct em_config *cfg, struct store *s, struct strbuf *err);
int web_srv_start(struct web_srv *srv, struct strbuf *err);
void web_srv_free(struct web_srv *srv);
/* The MHD daemon a connection (struct MHD_Connection *) came in on. */
void *web_conn_daemon(void *conn);

#endif
