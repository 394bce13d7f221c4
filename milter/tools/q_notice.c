/*
 * q_notice.c: `embargo-quarantine digest --notice`: the optional short notice to
 * admin_notice that mail was quarantined, run every few minutes by
 * embargo-notice.timer (not by the daemon: nothing is added to the milter's path).
 *
 * Time is cut into windows of admin_notice_interval seconds. A run counts the entries
 * stored in the last complete window; when there are any it claims "notice:WINDOW"
 * in the once table and, when it won, sends one message: how many, per recipient
 * domain, and the first NOTICE_LIST of them (time, sender, recipients, rule), and the
 * release requests made from digest links in that window (audit events
 * release-requested: the admins decide them; a notice goes out for them alone too). So at
 * most one notice a window, once per fleet, whichever host's timer runs first.
 * Limits: a window in which no run happened (the timer stopped) is never noticed;
 * the notice lags by up to one window plus the timer's period. English only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digest/digest.h"
#include "tools/q.h"

#define NOTICE_LIST    20
#define NOTICE_DOMAINS 50

struct notice {
	size_t n, nreq;
	struct strbuf list, reqs;
	char *dom[NOTICE_DOMAINS];
	size_t ndom[NOTICE_DOMAINS], ndoms, other;
};

static void
count_domain(struct notice *t, const char *rcpts)
{
	const char *p, *at, *end;
	size_t i, len;

	for (p = rcpts; p && *p; p = *end ? end + 1 : NULL) {
		end = p + strcspn(p, "\n");
		if ((at = memchr(p, '@', (size_t)(end - p))) == NULL)
			continue;
		len = (size_t)(end - at - 1);
		for (i = 0; i < t->ndoms; i++)
			if (strlen(t->dom[i]) == len &&
			    strncasecmp(t->dom[i], at + 1, len) == 0)
				break;
		if (i == t->ndoms && t->ndoms < NOTICE_DOMAINS &&
		    (t->dom[i] = strndup(at + 1, len)) != NULL)
			t->ndom[t->ndoms++] = 0;
		if (i < t->ndoms)
			t->ndom[i]++;
		else
			t->other++;
	}
}

static int
notice_cb(void *arg, const struct store_entry *e)
{
	struct notice *t = arg;
	char when[40];
	char *subj;

	if (++t->n <= NOTICE_LIST) {
		q_local_time(e->time, when, sizeof(when));
		subj = q_subject_utf8(e->subject);
		sb_printf(&t->list, "%s  %s  %s -> ", e->id, when, e->sender);
		sb_safe(&t->list, e->rcpts, strcspn(e->rcpts, "\n"), 200);
		sb_printf(&t->list,
		    "%s\n    rule %s: ", strchr(e->rcpts, '\n') ? " ..." : "", e->rule);
		sb_safe(&t->list, subj ? subj : "", strlen(subj ? subj : ""), 120);
		sb_adds(&t->list, "\n");
		free(subj);
	}
	count_domain(t, e->rcpts);
	return 0;
}

static int
req_cb(void *arg, const struct store_event *ev)
{
	struct notice *t = arg;
	char when[40];

	if (++t->nreq <= NOTICE_LIST) {
		q_local_time(ev->time, when, sizeof(when));
		sb_printf(&t->reqs, "%s  %s  by ", ev->id, when);
		sb_safe(&t->reqs, ev->user, strlen(ev->user), 270);
		sb_adds(&t->reqs, ": ");
		sb_safe(&t->reqs, ev->detail, strlen(ev->detail), 200);
		sb_adds(&t->reqs, "\n");
	}
	return 0;
}

static int
notice_send(struct qctx *c, struct notice *t, int64_t from, int64_t to)
{
	struct strbuf body = STRBUF_INIT, msg = STRBUF_INIT, subj = STRBUF_INIT;
	char a[40], b[40], sender[300];
	size_t i;
	int rc;

	q_local_time(from, a, sizeof(a));
	q_local_time(to, b, sizeof(b));
	q_digest_from(c->cfg, sender, sizeof(sender));
	sb_printf(&subj, "Embargo: %zu message%s quarantined, %zu release request%s",
	    t->n, t->n == 1 ? "" : "s", t->nreq, t->nreq == 1 ? "" : "s");
	sb_printf(&body,
	    "%zu message%s quarantined between %s and %s.\n\nBy recipient domain:\n",
	    t->n, t->n == 1 ? "" : "s", a, b);
	for (i = 0; i < t->ndoms; i++)
		sb_printf(&body, "  %-40s %zu\n", t->dom[i], t->ndom[i]);
	if (t->other)
		sb_printf(&body, "  %-40s %zu\n", "(other domains)", t->other);
	sb_printf(&body, "\n%s%s", sb_str(&t->list), t->n > NOTICE_LIST ? "...\n" : "");
	if (t->nreq)
		sb_printf(&body, "\nRelease requested from digest links:\n%s%s",
		    sb_str(&t->reqs), t->nreq > NOTICE_LIST ? "...\n" : "");
	sb_printf(&body, "\nReview them with `embargo-quarantine list` or at %s\n",
	    c->cfg->web_url);
	rc = digest_mail(sender, c->cfg->admin_notice, sb_str(&subj), sb_str(&body), NULL,
		 &msg) == 0 &&
		q_send_mail(c->cfg, sender, c->cfg->admin_notice, &msg) == 0 ?
	    0 :
	    -1;
	sb_free(&body), sb_free(&msg), sb_free(&subj);
	return rc;
}

int
q_notice(struct qctx *c)
{
	struct notice t;
	char key[64];
	int64_t iv = c->cfg->notice_interval, now = (int64_t)time(NULL);
	int64_t to = now / iv * iv, from = to - iv;
	size_t i;
	int rc = Q_OK, won;

	if (c->cfg->admin_notice == NULL || c->cfg->admin_notice[0] == '\0')
		return fprintf(Q_OUT(c), "admin_notice is not set: no notice\n"), Q_OK;
	if (!digest_addr_ok(c->cfg->admin_notice))
		return fprintf(Q_ERR(c),
			   "embargo-quarantine: admin_notice: not a plain address\n"),
		       Q_ERROR;
	memset(&t, 0, sizeof(t));
	if (store_list(c->s, from, to, notice_cb, &t) != 0 ||
	    store_events(c->s, "release-requested", from, to, req_cb, &t) != 0) {
		rc = Q_ERROR;
		goto out;
	}
	snprintf(key, sizeof(key), "notice:%lld", (long long)(to / iv));
	if ((t.n == 0 && t.nreq == 0) || c->o->dry_run) {
		fprintf(Q_OUT(c),
		    "%zu quarantined, %zu release requests in the last window%s\n", t.n,
		    t.nreq, c->o->dry_run ? " (dry run: no notice)" : "");
		goto out;
	}
	if ((won = store_once_claim(c->s, key, now + 2 * iv)) <= 0) {
		rc = won < 0 ? Q_ERROR : Q_OK;
		if (won == 0)
			fprintf(Q_OUT(c), "notice for this window already sent\n");
		goto out;
	}
	if (notice_send(c, &t, from, to) != 0) {
		fprintf(Q_ERR(c), "embargo-quarantine: notice to %s not sent\n",
		    c->cfg->admin_notice);
		(void)store_once_drop(c->s, key);
		rc = Q_ERROR;
	} else
		fprintf(Q_OUT(c),
		    "notice sent to %s: %zu quarantined, %zu release requests\n",
		    c->cfg->admin_notice, t.n, t.nreq);
out:
	for (i = 0; i < t.ndoms; i++)
		free(t.dom[i]);
	sb_free(&t.list);
	sb_free(&t.reqs);
	return rc;
}
