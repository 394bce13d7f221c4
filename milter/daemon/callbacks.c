/*
 * callbacks.c: the libmilter callbacks. Thin: they translate MTA events into the
 * connection/message contexts and the scanning pipeline; the decision and the
 * actions happen in eom.c, policy.c and actions.c.
 *
 * Per-message reset (msg_reset) is idempotent and runs at MAIL FROM, after end of
 * message, at abort and at close: libmilter skips abort after ACCEPT/REJECT/DISCARD,
 * and close may be the only callback, with a NULL private pointer.
 *
 * Replies: Embargo decides at end of message only, so it asks the MTA (protocol
 * version 6, Postfix 2.6+ and Sendmail 8.14+ offer it) not to wait for a reply to
 * connect, MAIL, RCPT, each header, end of headers and each body chunk, and not to
 * send HELO, DATA or unknown commands at all. Every step the MTA would otherwise wait
 * for is a round trip and two context switches: a plain mail went from about a dozen
 * to one. A failure in a step that gets no reply (out of memory, spool) is kept in
 * the connection and answered at end of message by on_error, so a message is never
 * accepted past a failure. An MTA that does not offer these steps gets a reply to
 * each, as before.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/clock.h"
#include "daemon/log.h"
#include "daemon/milter.h"
#include "daemon/mta.h"
#include "daemon/wscan.h"

#define SUBJECT_MAX 998

static struct conn *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

void
msg_reset(struct conn *c)
{
	struct msg *m;
	size_t i;

	if (c == NULL)
		return;
	c->c_fail = EM_OK;
	c->c_fail_where = NULL;
	if ((m = c->c_msg) == NULL)
		return;
	c->c_msg = NULL;
	wp_result_free(&m->m_wres);
	spool_free(m->m_raw);
	for (i = 0; i < m->m_nrcpts; i++)
		free(m->m_rcpts[i]);
	free(m->m_rcpts);
	free(m->m_sender);
	free(m->m_subject);
	free(m->m_auth);
	config_put(m->m_cfg);
	free(m);
}

/* Strip one pair of angle brackets: "<a@b>" -> "a@b". */
static char *
addr_dup(const char *a)
{
	size_t n;
	char *d;

	if (a == NULL)
		return strdup("");
	n = strnlen(a, 1024);
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
		a++, n -= 2;
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, a, n);
	d[n] = '\0';
	return d;
}

static void
update_qid(SMFICTX *ctx, struct msg *m)
{
	const char *q = mta_macro(ctx, "i");

	if (q != NULL && *q != '\0')
		snprintf(m->m_qid, sizeof(m->m_qid), "%s", q);
}

/* The steps whose reply the MTA need not wait for, and the ones it need not send. */
#define NOREPLY_STEPS \
	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR | \
	    SMFIP_NR_EOH | SMFIP_NR_BODY)
#define SKIPPED_STEPS (SMFIP_NODATA | SMFIP_NOUNKNOWN)

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	struct conn *c = calloc(1, sizeof(*c));

	(void)f2, (void)f3;
	*pf0 = f0 & embargo_milter.xxfi_flags;
	*pf1 = f1 & SKIPPED_STEPS;
	*pf2 = *pf3 = 0;
	if (c != NULL) { /* without a conn a failure could not wait for a reply */
		c->c_noreply = f1 & NOREPLY_STEPS;
		*pf1 |= c->c_noreply;
		smfi_setpriv(ctx, c);
	}
	return SMFIS_CONTINUE;
}

/* The reply to a step that went well: none when the MTA does not wait for one. */
static sfsistat
step_ok(const struct conn *c, unsigned long step)
{
	return c != NULL && (c->c_noreply & step) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* A step failed: answered now when the MTA waits for a reply, else at end of message
 * (the first failure is the one reported). */
static sfsistat
step_fail(
    SMFICTX *ctx, struct conn *c, unsigned long step, em_status st, const char *where)
{
	struct msg *m = c != NULL ? c->c_msg : NULL;

	if (c != NULL && (c->c_noreply & step)) {
		if (c->c_fail == EM_OK) {
			c->c_fail = st;
			c->c_fail_where = where;
		}
		return SMFIS_NOREPLY;
	}
	return status_reply(ctx, m ? m->m_cfg : NULL, m ? m->m_qid : NULL, st, where);
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL && (c = calloc(1, sizeof(*c))) == NULL)
		return SMFIS_TEMPFAIL; /* negotiation allocated none: a reply is awaited */
	smfi_setpriv(ctx, c);
	snprintf(c->c_name, sizeof(c->c_name), "%s", host ? host : "");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)sa)->sin_addr,
		    c->c_addr, sizeof(c->c_addr));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)sa)->sin6_addr,
		    c->c_addr, sizeof(c->c_addr));
	return step_ok(c, SMFIP_NR_CONN);
}

/* The HELO name is kept for the quarantine record only. */
static sfsistat
cb_helo(SMFICTX *ctx, char *name)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	snprintf(c->c_helo, sizeof(c->c_helo), "%s", name ? name : "");
	return step_ok(c, SMFIP_NR_HELO);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_of(ctx);
	struct msg *m;

	if (c == NULL)
		return SMFIS_TEMPFAIL; /* no conn: nothing was negotiated away */
	msg_reset(c);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return step_fail(ctx, c, SMFIP_NR_MAIL, EM_TEMPFAIL, "out of memory");
	c->c_msg = m;
	snprintf(m->m_qid, sizeof(m->m_qid), "NOQUEUE");
	update_qid(ctx, m);
	m->m_start = mono_now();
	m->m_cfg = config_get();
	m->m_sender = addr_dup(argv ? argv[0] : NULL);
	m->m_conn_addr = c->c_addr;
	m->m_helo = c->c_helo;
	m->m_conn_name = c->c_name;
	if (mta_macro(ctx, "{auth_authen}") != NULL)
		m->m_auth = strndup(mta_macro(ctx, "{auth_authen}"), 256);
	m->m_raw = spool_new(m->m_cfg->scan.lim.spool_memory, m->m_cfg->tmp_dir);
	if (m->m_sender == NULL || m->m_raw == NULL)
		return step_fail(ctx, c, SMFIP_NR_MAIL, EM_TEMPFAIL, "out of memory");
	spool_unhashed(m->m_raw); /* kept for the quarantine, never looked up */
	return step_ok(c, SMFIP_NR_MAIL);
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_of(ctx);
	struct msg *m = c ? c->c_msg : NULL;
	char **n;

	if (m == NULL)
		return step_fail(
		    ctx, c, SMFIP_NR_RCPT, EM_TEMPFAIL, "recipient without a message");
	if (m->m_nrcpts >= MSG_MAX_RCPTS) {
		m->m_rcpts_dropped++;
		return step_ok(c, SMFIP_NR_RCPT);
	}
	n = realloc(m->m_rcpts, (m->m_nrcpts + 1) * sizeof(*n));
	if (n == NULL)
		return step_fail(ctx, c, SMFIP_NR_RCPT, EM_TEMPFAIL, "out of memory");
	m->m_rcpts = n;
	if ((n[m->m_nrcpts] = addr_dup(argv ? argv[0] : NULL)) == NULL)
		return step_fail(ctx, c, SMFIP_NR_RCPT, EM_TEMPFAIL, "out of memory");
	m->m_nrcpts++;
	return step_ok(c, SMFIP_NR_RCPT);
}

/* Append to the raw copy, turning bare LF (folded header values) into CRLF. */
static em_status
raw_add(struct msg *m, const char *s)
{
	const char *p;
	em_status st = EM_OK;

	while (st == EM_OK && (p = strchr(s, '\n')) != NULL) {
		size_t n = (size_t)(p - s);

		if (n > 0 && s[n - 1] == '\r')
			n--;
		st = spool_write(m->m_raw, s, n);
		if (st == EM_OK)
			st = spool_write(m->m_raw, "\r\n", 2);
		s = p + 1;
	}
	if (st == EM_OK)
		st = spool_write(m->m_raw, s, strlen(s));
	return st;
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = conn_of(ctx);
	struct msg *m = c ? c->c_msg : NULL;
	em_status st;
	int i;

	if (m == NULL)
		return step_fail(
		    ctx, c, SMFIP_NR_HDR, EM_TEMPFAIL, "header without a message");
	if (name == NULL || value == NULL)
		return step_ok(c, SMFIP_NR_HDR);
	m->m_size += strlen(name) + strlen(value) + 4;
	if (m->m_subject == NULL && strcasecmp(name, "Subject") == 0)
		m->m_subject = strndup(value, SUBJECT_MAX);
	for (i = 0; i < EMBARGO_NHDRS; i++)
		if (strcasecmp(name, embargo_headers[i]) == 0 && m->m_ours[i] < 1000)
			m->m_ours[i]++;
	st = raw_add(m, name);
	if (st == EM_OK)
		st = raw_add(m, ": ");
	if (st == EM_OK)
		st = raw_add(m, value);
	if (st == EM_OK)
		st = raw_add(m, "\n");
	if (st != EM_OK && !em_status_local(st))
		return step_fail(ctx, c, SMFIP_NR_HDR, st, "header");
	return step_ok(c, SMFIP_NR_HDR);
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);
	struct msg *m = c ? c->c_msg : NULL;

	if (m == NULL)
		return step_fail(ctx, c, SMFIP_NR_EOH, EM_TEMPFAIL,
		    "end of headers without a message");
	update_qid(ctx, m);
	if (raw_add(m, "\n") != EM_OK)
		return step_fail(ctx, c, SMFIP_NR_EOH, EM_TEMPFAIL, "spool");
	m->m_body_off = spool_size(m->m_raw);
	return step_ok(c, SMFIP_NR_EOH);
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *buf, size_t len)
{
	struct conn *c = conn_of(ctx);
	struct msg *m = c ? c->c_msg : NULL;
	em_status st;

	if (m == NULL)
		return step_fail(
		    ctx, c, SMFIP_NR_BODY, EM_TEMPFAIL, "body without a message");
	m->m_size += len;
	m->m_body_size += len;
	st = spool_write(m->m_raw, buf, len);
	if (st != EM_OK && !em_status_local(st))
		return step_fail(ctx, c, SMFIP_NR_BODY, st, "body");
	return step_ok(c, SMFIP_NR_BODY);
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);
	struct msg *m = c ? c->c_msg : NULL;
	sfsistat r;

	if (c != NULL && c->c_fail != EM_OK) {
		r = status_reply(ctx, m ? m->m_cfg : NULL, m ? m->m_qid : NULL, c->c_fail,
		    c->c_fail_where);
		msg_reset(c);
		return r;
	}
	if (m == NULL)
		return SMFIS_TEMPFAIL;
	update_qid(ctx, m);
	r = eom_act(ctx, c, m);
	msg_reset(c);
	return r;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	msg_reset(conn_of(ctx));
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	msg_reset(c);
	free(c);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

struct smfiDesc embargo_milter = {
	.xxfi_name = "embargo",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_QUARANTINE,
	.xxfi_connect = cb_connect,
	.xxfi_helo = cb_helo,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};
