/*
 * server.c: embargo-web's HTTP server on libmicrohttpd: connection limits, request
 * reading (bounded), the route table, sign-in and role checks, CSRF, and the headers
 * every response carries.
 *
 * Promises:
 *  - Every response carries the strict Content-Security-Policy below, nosniff,
 *    no-referrer, frame denial and Cache-Control: no-store.
 *  - A request target over WEB_URI_MAX is 414; a body over WEB_BODY_MAX is 413
 *    (refused from its Content-Length before it is read, or when it grows past); a
 *    POST without Content-Length (chunked) is 411;
 *    a path outside [A-Za-z0-9/._~-] is 404; a malformed query or form is 400; a
 *    POST body other than application/x-www-form-urlencoded is 415.
 *  - A route above WEB_PUBLIC without a session: 303 to /login for a GET, 401 for
 *    anything else and for every /api/ path; a role below the route's: 403.
 *  - A POST to a route above WEB_PUBLIC without the session's CSRF token: 403.
 *  - A second listener on metrics_listen (when set) answers /metrics only, 404
 *    to everything else (page_metrics.c decides who else may read /metrics).
 *  - Against many or slow clients: at most WEB_CONN_MAX connections,
 *    WEB_CONN_PER_IP from one address, WEB_CONN_TIMEOUT seconds idle, and
 *    WEB_CONN_MEMORY bytes of header memory per connection (MHD options).
 * Limits: one thread serves every request (see web.h); a handler that takes long
 * (a release with rescan) delays the others for that time.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <syslog.h>

#include <microhttpd.h>

#include "web/web.h"

#define WEB_CONN_MAX     1000
#define WEB_CONN_PER_IP  64
#define WEB_CONN_TIMEOUT 15
#define WEB_CONN_MEMORY  (64 * 1024)

#define WEB_CSP \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct route {
	const char *method, *path;
	web_handler fn;
	enum web_role min;
};

static const struct route routes[] = {
#define ROUTE(method, path, fn, role) { method, path, fn, role },
#include "web/routes.def"
#undef ROUTE
};

/* The listeners' threads (web_listen, metrics_listen) take turns running handlers,
 * so handlers keep the one-thread model of web.h. */
static pthread_mutex_t serve_lock = PTHREAD_MUTEX_INITIALIZER;

/* Per-connection request state (MHD's con_cls). */
struct conn {
	char *uri; /* the raw request target */
	struct strbuf body;
	int too_big, started;
};

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn *k = calloc(1, sizeof(*k));

	(void)cls;
	(void)c;
	if (k == NULL)
		return NULL;
	sb_init(&k->body, WEB_BODY_MAX);
	if (strlen(uri) <= WEB_URI_MAX)
		k->uri = strdup(uri);
	return k;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn *k = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (k != NULL) {
		free(k->uri);
		sb_free(&k->body);
		free(k);
	}
	*con_cls = NULL;
}

static void
add_headers(struct MHD_Response *r, const struct web_resp *rs)
{
	MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(
	    r, "Content-Type", rs->ctype ? rs->ctype : "text/html; charset=utf-8");
	if (rs->location[0] != '\0')
		MHD_add_response_header(r, "Location", rs->location);
	if (rs->cookie[0] != '\0')
		MHD_add_response_header(r, "Set-Cookie", rs->cookie);
	if (rs->disposition[0] != '\0')
		MHD_add_response_header(r, "Content-Disposition", rs->disposition);
}

static enum MHD_Result
send_resp(struct MHD_Connection *c, struct web_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	if (rs->fd >= 0) {
		struct stat st;

		if (fstat(rs->fd, &st) != 0 ||
		    (r = MHD_create_response_from_fd((uint64_t)st.st_size, rs->fd)) ==
			NULL)
			return MHD_NO;
		rs->fd = -1; /* MHD closes it */
	} else {
		if (rs->body.oom)
			return MHD_NO;
		r = MHD_create_response_from_buffer(rs->body.len,
		    rs->body.s ? rs->body.s : (char *)"", MHD_RESPMEM_MUST_COPY);
		if (r == NULL)
			return MHD_NO;
	}
	add_headers(r, rs);
	ok = MHD_queue_response(c, (unsigned)(rs->status ? rs->status : 200), r);
	MHD_destroy_response(r);
	return ok;
}

/* A short plain answer without the page frame (before a request is read whole). */
static enum MHD_Result
send_plain(struct MHD_Connection *c, int status, const char *msg)
{
	struct web_resp rs;
	enum MHD_Result ok;

	memset(&rs, 0, sizeof(rs));
	rs.fd = -1;
	rs.status = status;
	rs.ctype = "text/plain; charset=utf-8";
	sb_init(&rs.body, 0);
	sb_adds(&rs.body, msg);
	sb_addc(&rs.body, '\n');
	ok = send_resp(c, &rs);
	sb_free(&rs.body);
	return ok;
}

static const struct route *
route_find(const char *method, const char *path, int *other_method)
{
	size_t i, n;

	*other_method = 0;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		n = strlen(routes[i].path);
		if (routes[i].path[n - 1] == '*' ?
			strncmp(path, routes[i].path, n - 1) != 0 :
			strcmp(path, routes[i].path) != 0)
			continue;
		if (strcmp(method, routes[i].method) == 0)
			return &routes[i];
		*other_method = 1;
	}
	return NULL;
}

static void
client_ip(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, n, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
		    (socklen_t)n);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
		    (socklen_t)n);
}

/* Parse the target and the body into RQ; 0 or the HTTP status to answer. */
static int
req_parse(struct web_req *rq, struct MHD_Connection *c, struct conn *k, char *pathbuf)
{
	const char *q, *ct;
	size_t plen;

	if (k->uri == NULL)
		return 414;
	q = strchr(k->uri, '?');
	plen = q ? (size_t)(q - k->uri) : strlen(k->uri);
	if (plen == 0 || k->uri[0] != '/' ||
	    strspn(k->uri,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789/._~-") < plen ||
	    strstr(k->uri, "..") != NULL)
		return 404;
	memcpy(pathbuf, k->uri, plen);
	pathbuf[plen] = '\0';
	rq->path = pathbuf;
	if (q != NULL && web_form_parse(&rq->query, q + 1, strlen(q + 1)) != 0)
		return 400;
	if (strcmp(rq->method, "POST") != 0)
		return 0;
	ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (k->body.len > 0 &&
	    (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0))
		return 415;
	if (web_form_parse(&rq->form, k->body.s ? k->body.s : "", k->body.len) != 0)
		return 400;
	return 0;
}

/* Sign-in, role and CSRF checks; 0 to run the handler, else RS is the answer. */
static int
req_allowed(struct web_req *rq, struct web_resp *rs, const struct route *rt)
{
	const char *tok;

	if (rt->min == WEB_PUBLIC)
		return 0;
	if (rq->user == NULL) {
		if (strcmp(rq->method, "GET") == 0 && strncmp(rq->path, "/api/", 5) != 0)
			return web_redirect(rs, "/login"), 1;
		rs->ctype = "text/plain; charset=utf-8";
		rs->status = 401;
		sb_adds(&rs->body, "sign in first\n");
		return 1;
	}
	if (rq->user->role < rt->min)
		return web_error(rq, rs, 403, "Your role may not do this."), 1;
	if (strcmp(rq->method, "POST") == 0 &&
	    ((tok = web_form_get(&rq->form, "csrf")) == NULL ||
		!web_ct_equal(tok, rq->csrf)))
		return web_error(rq, rs, 403,
			   "Missing or wrong form token; reload the "
			   "page and try again."),
		       1;
	return 0;
}

static void
req_run(struct web_srv *srv, struct MHD_Connection *c, struct web_req *rq,
    struct web_resp *rs)
{
	const struct route *rt;
	int other;

	if (web_users_load(srv, srv->cfg->web_users) != 0 && srv->nusers == 0)
		syslog(
		    LOG_ERR, "embargo-web: no users (web_users %s)", srv->cfg->web_users);
	rq->cookie_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
	web_session_find(rq, rq->cookie_header);
	if ((rt = route_find(rq->method, rq->path, &other)) == NULL) {
		web_error(rq, rs, other ? 405 : 404,
		    other ? "Method not allowed." : "No such page.");
		return;
	}
	rq->rest = rq->path + strlen(rt->path) - (rt->path[strlen(rt->path) - 1] == '*');
	if (req_allowed(rq, rs, rt))
		return;
	if (rt->fn(rq, rs) != 0) {
		syslog(LOG_ERR, "embargo-web: %s %s: internal error (%s)", rq->method,
		    rq->path, store_error(srv->store));
		web_error(rq, rs, 500, "Internal error; see the system log.");
	}
}

static enum MHD_Result
dispatch(
    struct web_srv *srv, struct MHD_Connection *c, struct conn *k, const char *method)
{
	struct web_req rq;
	struct web_resp rs;
	char path[WEB_URI_MAX + 1], ip[INET6_ADDRSTRLEN];
	enum MHD_Result ok;
	int st;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rs.fd = -1;
	sb_init(&rs.body, 0);
	client_ip(c, ip, sizeof(ip));
	rq.srv = srv, rq.method = method, rq.ip = ip, rq.csrf = "";
	rq.store = srv->store, rq.cfg = srv->cfg;
	rq.via_metrics =
	    srv->mhd_metrics != NULL && web_conn_daemon(c) == srv->mhd_metrics;
	if (rq.via_metrics && strcmp(k->uri ? k->uri : "", "/metrics") != 0) {
		sb_free(&rs.body);
		return send_plain(c, 404, "not found");
	}
	if ((st = req_parse(&rq, c, k, path)) != 0) {
		web_form_free(&rq.query);
		sb_free(&rs.body);
		return send_plain(c, st,
		    st == 400     ? "bad request" :
			st == 404 ? "not found" :
			st == 414 ? "request target too long" :
				    "unsupported body type");
	}
	pthread_mutex_lock(&serve_lock);
	req_run(srv, c, &rq, &rs);
	pthread_mutex_unlock(&serve_lock);
	ok = send_resp(c, &rs);
	if (rs.fd >= 0)
		close(rs.fd);
	sb_free(&rs.body);
	web_form_free(&rq.query);
	web_form_free(&rq.form);
	return ok;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct conn *k = *con_cls;
	const char *cl;

	(void)url;
	(void)version;
	if (k == NULL)
		return MHD_NO;
	if (!k->started) {
		k->started = 1;
		if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 &&
		    strcmp(method, "HEAD") != 0)
			return send_plain(c, 405, "method not allowed");
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl != NULL &&
		    (strlen(cl) > 9 || strtoul(cl, NULL, 10) > WEB_BODY_MAX))
			return send_plain(c, 413, "request body too large");
		if (cl == NULL && strcmp(method, "POST") == 0)
			return send_plain(c, 411, "a POST needs a Content-Length");
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (k->body.len + *upload_size > WEB_BODY_MAX)
			k->too_big = 1;
		else
			sb_add(&k->body, upload, *upload_size);
		*upload_size = 0;
		return k->too_big ? send_plain(c, 413, "request body too large") :
				    MHD_YES;
	}
	if (k->too_big)
		return MHD_NO;
	return dispatch(cls, c, k, strcmp(method, "HEAD") == 0 ? "GET" : method);
}

/* "127.0.0.1:8891" or "[::1]:8891" into SS. 0 or -1. */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':'), *h = s;
	size_t hn;
	char *end;
	unsigned long port;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || colon == s)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port > 65535 || colon[1] == '\0')
		return -1;
	hn = (size_t)(colon - s);
	if (s[0] == '[' && colon[-1] == ']')
		h = s + 1, hn -= 2;
	if (hn == 0 || hn >= sizeof(host))
		return -1;
	memcpy(host, h, hn);
	host[hn] = '\0';
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return 0;
	}
	return -1;
}

/* libmicrohttpd's own messages (refused connections, bad requests): syslog at
 * debug, never the terminal: a flood must not fill a log. */
static void
mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	vsyslog(LOG_DEBUG, fmt, ap);
}

struct web_srv *
web_srv_new(const struct em_config *cfg, struct store *s, struct strbuf *err)
{
	struct web_srv *srv = calloc(1, sizeof(*srv));

	if (srv == NULL) {
		sb_adds(err, "out of memory");
		return NULL;
	}
	srv->cfg = cfg;
	srv->store = s;
	if (web_users_load(srv, cfg->web_users) != 0)
		sb_printf(err, "web_users %s: cannot read it (see the system log)",
		    cfg->web_users);
	return srv;
}

static int
is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
}

void *
web_conn_daemon(void *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    (struct MHD_Connection *)conn, MHD_CONNECTION_INFO_DAEMON);

	return ci != NULL ? ci->daemon : NULL;
}

/* An MHD daemon serving access_cb on KEY = LISTEN; NULL with ERR. */
static struct MHD_Daemon *
mhd_on(struct web_srv *srv, const char *key, const char *listen, int *loopback,
    struct strbuf *err)
{
	struct MHD_Daemon *d;
	struct sockaddr_storage ss;
	socklen_t sl;

	if (parse_listen(listen, &ss, &sl) != 0) {
		sb_printf(err, "%s \"%s\": not ADDRESS:PORT", key, listen);
		return NULL;
	}
	*loopback = is_loopback(&ss);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
		(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, access_cb, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL, MHD_OPTION_NOTIFY_COMPLETED,
	    completed, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (d == NULL)
		sb_printf(err, "cannot listen on %s", listen);
	return d;
}

int
web_srv_start(struct web_srv *srv, struct strbuf *err)
{
	const char *ml = srv->cfg->metrics_listen;
	int lo;

	if ((srv->mhd = mhd_on(
		 srv, "web_listen", srv->cfg->web_listen, &srv->loopback, err)) == NULL)
		return -1;
	if (ml != NULL && *ml != '\0' &&
	    (srv->mhd_metrics = mhd_on(srv, "metrics_listen", ml, &lo, err)) == NULL)
		return -1;
	return 0;
}

void
web_srv_free(struct web_srv *srv)
{
	size_t i, j;

	if (srv == NULL)
		return;
	if (srv->mhd != NULL)
		MHD_stop_daemon(srv->mhd);
	if (srv->mhd_metrics != NULL)
		MHD_stop_daemon(srv->mhd_metrics);
	for (i = 0; i < srv->nusers; i++) {
		free(srv->users[i].hash);
		for (j = 0; j < srv->users[i].ndomains; j++)
			free(srv->users[i].domains[j]);
	}
	free(srv->users);
	free(srv);
}
