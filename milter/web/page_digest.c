/*
 * page_digest.c: GET and POST /d/TOKEN, the page a digest link opens (no sign-in:
 * the signed token is the credential, see digest.h).
 *
 *  GET:  the MAC and expiry are checked and the entry is shown (sender, subject,
 *        time, the reason in plain words; escaped) with a form; nothing changes (mail
 *        scanners fetch links before people click them).
 *  POST: the token is consumed once (store_once_claim "link:MAC"); then, when the
 *        rule that kept the message says release = "self", it is released to this
 *        recipient only (audit "releasing"/"released" by "digest:RCPT"), else the
 *        audit event "release-requested" by "digest:RCPT" is recorded for the admins
 *        (shown in the message's history in the console).
 * Refusals, all plain pages that show nothing of the entry: 403 a forged token or a
 * recipient that is not the entry's; 410 an expired or used token, or an entry no
 * longer quarantined (released, deleted, purged).
 * BUGS: a self-release marks the whole entry released though only this recipient
 * got it (the others can ask the admins); a failed self-release has used the token
 * (it is recorded as release-requested with the reason instead). The page's own
 * words are English; only the reason follows digest_language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "digest/digest.h"
#include "policy/policy.h"
#include "tools/q.h"
#include "web/web.h"

/* Whether RCPT is one of E's recipients (case-insensitive). */
static int
is_rcpt(const struct store_entry *e, const char *rcpt)
{
	const char *p = e->rcpts, *nl;
	size_t n = strlen(rcpt);

	for (; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if ((size_t)((nl ? nl : p + strlen(p)) - p) == n &&
		    strncasecmp(p, rcpt, n) == 0)
			return 1;
	}
	return 0;
}

/* Verify the token and load its entry: 0, or the status answered in RS. */
static int
load(
    struct web_req *rq, struct web_resp *rs, struct digest_link *l, struct store_entry *e)
{
	struct strbuf err = STRBUF_INIT;
	unsigned char key[DIGEST_KEY_LEN];
	int rc;

	memset(e, 0, sizeof(*e));
	if (digest_key(rq->cfg->quarantine_dir, 0, key, &err) != 0) {
		sb_free(&err);
		return web_error(rq, rs, 403, "This link is not valid."), 403;
	}
	sb_free(&err);
	rc = digest_token_check(key, rq->rest, strlen(rq->rest), (int64_t)time(NULL), l);
	if (rc == DIGEST_TOK_FORGED)
		return web_error(rq, rs, 403, "This link is not valid."), 403;
	if (rc == DIGEST_TOK_EXPIRED)
		return web_error(rq, rs, 410, "This link has expired."), 410;
	if ((rc = store_get(rq->store, l->id, e)) < 0)
		return -1;
	if (rc == 1 || !is_rcpt(e, l->rcpt)) {
		store_entry_clear(e);
		return web_error(rq, rs, rc == 1 ? 410 : 403,
			   rc == 1 ? "This message is no longer held." :
				     "This link is not valid."),
		       403;
	}
	if (strcmp(e->state, "quarantined") != 0) {
		store_entry_clear(e);
		return web_error(rq, rs, 410, "This message is no longer held."), 410;
	}
	return 0;
}

int
page_digest(struct web_req *rq, struct web_resp *rs)
{
	struct digest_link l;
	struct store_entry e;
	struct strbuf *b = &rs->body;
	char t[40];
	char *subj;
	int self;

	if (load(rq, rs, &l, &e) != 0)
		return rs->status ? 0 : -1;
	self = policy_rule_release(rq->cfg->policy, e.rule) == POLICY_RELEASE_SELF;
	subj = q_subject_utf8(e.subject);
	q_local_time(e.time, t, sizeof(t));
	html_begin(rq, rs, "Held message");
	sb_adds(b, "<table class=\"kv\" id=\"digest-entry\">");
	html_kv(b, "For", l.rcpt);
	html_kv(b, "From", e.sender);
	html_kv(b, "Subject", subj ? subj : "");
	html_kv(b, "Received", t);
	html_kv(b, "Why it is held",
	    digest_reason(rq->cfg->digest_language, e.rule, e.findings));
	sb_adds(b, "</table>\n<form method=\"post\" action=\"/d/");
	html_esc(b, rq->rest);
	sb_printf(b,
	    "\"><input type=\"hidden\" name=\"confirm\" value=\"1\"><p>%s</p>"
	    "<button type=\"submit\">%s</button></form>\n",
	    self ? "You may release this message to yourself. Release it only if you "
		   "expected it and trust its sender." :
		   "If you expected this message and trust its sender, ask the "
		   "administrators to release it.",
	    self ? "Release to me" : "Request release");
	html_end(rs);
	free(subj);
	store_entry_clear(&e);
	return 0;
}

/* Release E to L's recipient as "digest:RCPT" (q_release, no rescan: the rule lets
 * recipients decide). Q_OK or another Q_ value; its messages into MSG. */
static int
self_release(struct web_req *rq, const struct store_entry *e, const char *who,
    const char *to, struct strbuf *msg)
{
	struct qopts o;
	struct qctx c;
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);
	int rc;

	if (fp == NULL)
		return Q_ERROR;
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.older = -1, o.to = &to, o.nto = 1;
	c.cfg = rq->cfg, c.s = rq->store, c.o = &o, c.who = who, c.out = c.err = fp;
	rc = q_release(&c, e);
	fclose(fp);
	sb_adds(msg, text ? text : "");
	free(text);
	return rc;
}

int
page_digest_post(struct web_req *rq, struct web_resp *rs)
{
	struct digest_link l;
	struct store_entry e;
	struct strbuf msg = STRBUF_INIT, why = STRBUF_INIT;
	char once[DIGEST_ONCE_KEY], who[8 + DIGEST_RCPT_MAX + 1];
	int rc, self;

	if ((rc = load(rq, rs, &l, &e)) != 0)
		return rs->status ? 0 : -1;
	digest_once_key(&l, once);
	if ((rc = store_once_claim(rq->store, once, l.expires)) != 1) {
		store_entry_clear(&e);
		return rc < 0 ? -1 :
				web_error(rq, rs, 410, "This link was already used.");
	}
	snprintf(who, sizeof(who), "digest:%s", l.rcpt);
	self = policy_rule_release(rq->cfg->policy, e.rule) == POLICY_RELEASE_SELF;
	if (self && self_release(rq, &e, who, l.rcpt, &msg) == Q_OK)
		rc = 0;
	else if (self) { /* the admins decide instead, told why */
		sb_adds(&why, "self-release failed: ");
		sb_safe(&why, sb_str(&msg), strcspn(sb_str(&msg), "\n"), 200);
		rc = store_audit(
			 rq->store, e.id, "release-requested", who, sb_str(&why)) == 0 ?
		    1 :
		    -1;
	} else
		rc =
		    store_audit(rq->store, e.id, "release-requested", who, "digest link");
	sb_free(&why);
	store_entry_clear(&e);
	if (rc < 0) {
		sb_free(&msg);
		return -1;
	}
	html_begin(
	    rq, rs, rc == 0 ? (self ? "Released" : "Release requested") : "Not released");
	sb_adds(&rs->body, "<p id=\"digest-done\">");
	html_esc(&rs->body,
	    rc != 0  ? "The message could not be released; the administrators "
		       "have been told in the audit trail." :
		self ? "The message was released to you; it arrives in a moment." :
		       "Your request was recorded; the administrators will review it.");
	sb_adds(&rs->body, "</p>\n");
	html_end(rs);
	sb_free(&msg);
	return 0;
}
