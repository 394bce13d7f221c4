/*
 * session.c: signed-in sessions and CSRF tokens of embargo-web.
 *
 * A session is a 256-bit random token (getrandom) in the cookie embargo_session
 * (HttpOnly, SameSite=Strict, Path=/; Secure is left to the TLS proxy, which can add
 * it: see contrib/nginx/), kept in memory with its user name, its own CSRF token and
 * its last use. A session idle longer than web_session_idle is gone; a session whose
 * user left the web_users file is gone. Sign-out forgets the token.
 * Before sign-in, the login form carries a CSRF token that is an HMAC-free pairing:
 * a random value in the cookie embargo_pre and the same value in the form.
 * Limits: sessions live in memory: a restart signs everyone out. At most
 * WEB_SESSIONS_MAX at once; when full, the one idle longest is dropped.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "web/web.h"

#define PRE_COOKIE "embargo_pre"

int
web_random_hex(char *buf, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[64];
	size_t i;

	if (nbytes > sizeof(r) || getrandom(r, nbytes, 0) != (ssize_t)nbytes)
		return -1;
	for (i = 0; i < nbytes; i++) {
		buf[2 * i] = hex[r[i] >> 4];
		buf[2 * i + 1] = hex[r[i] & 15];
	}
	buf[2 * nbytes] = '\0';
	return 0;
}

int
web_ct_equal(const char *a, const char *b)
{
	size_t n = strlen(a), i;
	unsigned char d = 0;

	if (n != strlen(b))
		return 0;
	for (i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The value of cookie NAME in HEADER into OUT (N bytes); 1 found, 0 not. */
static int
cookie_get(const char *header, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name), vl;
	const char *p = header;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			vl = strcspn(p, "; ");
			if (vl == 0 || vl >= n)
				return 0;
			memcpy(out, p, vl);
			out[vl] = '\0';
			return 1;
		}
		p = strchr(p, ';');
	}
	return 0;
}

int
web_session_start(struct web_req *rq, struct web_resp *rs, const char *name)
{
	struct web_srv *srv = rq->srv;
	struct web_session *slot = &srv->sess[0];
	size_t i;

	for (i = 0; i < WEB_SESSIONS_MAX; i++)
		if (srv->sess[i].last < slot->last)
			slot = &srv->sess[i];
	memset(slot, 0, sizeof(*slot));
	if (web_random_hex(slot->token, 32) != 0 || web_random_hex(slot->csrf, 32) != 0)
		return -1;
	snprintf(slot->user, sizeof(slot->user), "%s", name);
	slot->last = time(NULL);
	snprintf(rs->cookie, sizeof(rs->cookie),
	    WEB_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict", slot->token);
	return 0;
}

static struct web_session *
session_lookup(struct web_srv *srv, const char *token)
{
	size_t i;

	for (i = 0; i < WEB_SESSIONS_MAX; i++)
		if (srv->sess[i].last != 0 && web_ct_equal(srv->sess[i].token, token))
			return &srv->sess[i];
	return NULL;
}

int
web_session_find(struct web_req *rq, const char *cookie_header)
{
	char tok[80];
	struct web_session *s;
	const struct web_user *u;
	time_t now = time(NULL);

	if (cookie_header == NULL ||
	    !cookie_get(cookie_header, WEB_COOKIE, tok, sizeof(tok)) ||
	    (s = session_lookup(rq->srv, tok)) == NULL)
		return 0;
	if (now - s->last > rq->cfg->web_session_idle ||
	    (u = web_user_find(rq->srv, s->user)) == NULL) {
		memset(s, 0, sizeof(*s));
		return 0;
	}
	s->last = now;
	rq->user = u;
	rq->csrf = s->csrf;
	snprintf(rq->who, sizeof(rq->who), "web:%s", u->name);
	return 1;
}

void
web_session_end(struct web_req *rq, struct web_resp *rs)
{
	size_t i;

	for (i = 0; i < WEB_SESSIONS_MAX; i++)
		if (rq->srv->sess[i].last != 0 && rq->csrf != NULL &&
		    strcmp(rq->srv->sess[i].csrf, rq->csrf) == 0)
			memset(&rq->srv->sess[i], 0, sizeof(rq->srv->sess[i]));
	snprintf(rs->cookie, sizeof(rs->cookie),
	    WEB_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

void
web_csrf_pre_issue(struct web_req *rq, struct web_resp *rs, char *tok, size_t n)
{
	(void)rq;
	if (n < 65 || web_random_hex(tok, 32) != 0) {
		tok[0] = '\0';
		return;
	}
	snprintf(rs->cookie, sizeof(rs->cookie),
	    PRE_COOKIE "=%s; Path=/login; HttpOnly; SameSite=Strict", tok);
}

int
web_csrf_pre_check(struct web_req *rq, const char *cookie_header)
{
	char tok[80];
	const char *f = web_form_get(&rq->form, "csrf");

	return cookie_header != NULL && f != NULL &&
	    cookie_get(cookie_header, PRE_COOKIE, tok, sizeof(tok)) &&
	    strlen(tok) == 64 && web_ct_equal(tok, f);
}
