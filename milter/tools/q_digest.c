/*
 * q_digest.c: `embargo-quarantine digest [--since 24h] [--dry-run] [--to ADDR]...`:
 * one message to each recipient with quarantined mail stored since --since, listing
 * sender, subject (RFC 2047 decoded), time and the reason in plain words
 * (digest_reason), each entry with a signed single-use link to embargo-web's
 * /d/TOKEN (digest.h). Sent through release_command as `CMD -i -f FROM -- RCPT`.
 *
 * Once per fleet and day: before sending, the key "digest:RCPT:YYYY-MM-DD" (UTC) is
 * claimed in the store's once table; a second run that day (or another host of a
 * PostgreSQL store at the same time) skips that recipient. A send that fails gives
 * the claim back, so a later run retries it.
 * --dry-run: claims nothing, sends nothing, prints each recipient's Subject and text.
 * Entries: state quarantined only (a hold is in the MTA's queue; awaiting-password
 * waits for its password mail). Limits: DIGEST_ENTRIES_MAX entries a run,
 * DIGEST_LIST_MAX listed a recipient (the count says how many in all).
 * BUGS: a recipient address is matched as stored (case-folded), not canonicalised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "digest/digest.h"
#include "mime/mimehdr.h"
#include "store/store_deliver.h"
#include "tools/q.h"

#define DIGEST_ENTRIES_MAX 100000
#define DIGEST_LIST_MAX    200

struct dent {
	char id[STORE_ID_LEN + 1];
	int64_t time;
	char *sender, *subject, *rule, *findings, *rcpts;
};

struct pair {
	char *rcpt; /* lower case, owned */
	const struct dent *e;
};

struct run {
	struct qctx *c;
	struct dent *ents;
	size_t nents;
	struct pair *pairs;
	size_t npairs, cap;
	struct digest_tmpl txt, html;
	unsigned char key[DIGEST_KEY_LEN];
	char from[300], since[40], expires[40];
	int64_t now;
	int full;
};

/* UTF-8 of a raw Subject: RFC 2047 decoded, bytes that are not UTF-8 as '?'. */
char *
q_subject_utf8(const char *raw)
{
	struct strbuf d = STRBUF_INIT, o = STRBUF_INIT;
	const unsigned char *p;
	size_t n, k;

	sb_init(&d, 4096);
	mimehdr_2047(raw, strlen(raw), &d);
	p = (const unsigned char *)sb_str(&d);
	for (n = d.len; n > 0; p += k, n -= k) {
		if ((k = sb_utf8_len(p, n)) == 0) {
			sb_addc(&o, '?');
			k = 1;
		} else
			sb_add(&o, p, k);
	}
	sb_free(&d);
	if (o.len == 0)
		sb_adds(&o, "");
	return sb_take(&o);
}

void
q_local_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d %H:%M %z", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

static int
wanted(const struct qopts *o, const char *rcpt)
{
	size_t i;

	if (o->nto == 0)
		return 1;
	for (i = 0; i < o->nto; i++)
		if (strcasecmp(o->to[i], rcpt) == 0)
			return 1;
	return 0;
}

static int
collect(void *arg, const struct store_entry *e)
{
	struct run *r = arg;
	struct dent *d;

	if (strcmp(e->state, "quarantined") != 0)
		return 0;
	if (r->nents == DIGEST_ENTRIES_MAX) {
		r->full = 1;
		return 1;
	}
	d = &r->ents[r->nents];
	memcpy(d->id, e->id, sizeof(d->id));
	d->time = e->time;
	d->sender = strdup(e->sender[0] ? e->sender : "<>");
	d->subject = q_subject_utf8(e->subject);
	d->rule = strdup(e->rule);
	d->findings = strdup(e->findings);
	d->rcpts = strdup(e->rcpts);
	r->nents++;
	return !d->sender || !d->subject || !d->rule || !d->findings || !d->rcpts ? -1 :
										    0;
}

static int
add_pairs(struct run *r, const struct dent *d)
{
	char *p, *q, *nl;

	for (p = d->rcpts; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if ((q = strndup(p, nl ? (size_t)(nl - p) : strlen(p))) == NULL)
			return -1;
		for (char *c = q; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (!digest_addr_ok(q) || !wanted(r->c->o, q)) {
			free(q);
			continue;
		}
		if (r->npairs == r->cap) {
			size_t nc = r->cap ? 2 * r->cap : 256;
			struct pair *np = realloc(r->pairs, nc * sizeof(*np));

			if (np == NULL)
				return free(q), -1;
			r->pairs = np, r->cap = nc;
		}
		r->pairs[r->npairs].rcpt = q;
		r->pairs[r->npairs++].e = d;
	}
	return 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->rcpt, y->rcpt);

	if (c != 0)
		return c;
	return x->e->time < y->e->time ? -1 : x->e->time > y->e->time;
}

/* The entries' variables for one recipient (pairs P[0..N)) into V (N * 5). */
static int
entry_vars(struct run *r, const struct pair *p, size_t n, struct digest_var *v,
    char (*times)[40], struct strbuf *links)
{
	const char *lang = r->c->cfg->digest_language, *url = r->c->cfg->web_url;
	size_t i, url_len = strlen(url);

	while (url_len > 0 && url[url_len - 1] == '/') /* "https://host/" works too */
		url_len--;

	for (i = 0; i < n; i++) {
		struct strbuf *l = &links[i];

		q_local_time(p[i].e->time, times[i], sizeof(times[i]));
		sb_printf(l, "%.*s/d/", (int)url_len, url);
		if (digest_token_make(r->key, p[i].e->id, p[i].rcpt,
			r->now + r->c->cfg->digest_link_ttl, "release", l) != 0)
			return -1;
		v[5 * i] = (struct digest_var){ "sender", p[i].e->sender };
		v[5 * i + 1] = (struct digest_var){ "subject", p[i].e->subject };
		v[5 * i + 2] = (struct digest_var){ "time", times[i] };
		v[5 * i + 3] = (struct digest_var){ "reason",
			digest_reason(lang, p[i].e->rule, p[i].e->findings) };
		v[5 * i + 4] = (struct digest_var){ "link", sb_str(l) };
	}
	return 0;
}

/* Fill both templates for one recipient; SUBJ gets the text template's Subject. */
static int
render(struct run *r, const struct pair *p, size_t n, size_t total, struct strbuf *subj,
    struct strbuf *txt, struct strbuf *html)
{
	struct digest_var *v = calloc(5 * n, sizeof(*v));
	const struct digest_var **ev = calloc(n, sizeof(*ev));
	char(*times)[40] = calloc(n, sizeof(*times));
	struct strbuf *links = calloc(n, sizeof(*links)), t = STRBUF_INIT;
	char count[24];
	struct digest_var top[5] = { { "recipient", p[0].rcpt }, { "count", count },
		{ "since", r->since }, { "expires", r->expires },
		{ "web_url", r->c->cfg->web_url } };
	const char *s, *nl;
	size_t i;
	int rc = -1;

	snprintf(count, sizeof(count), "%zu", total);
	if (!v || !ev || !times || !links || entry_vars(r, p, n, v, times, links) != 0)
		goto out;
	for (i = 0; i < n; i++)
		ev[i] = v + 5 * i;
	if (digest_tmpl_fill(&r->txt, top, 5, ev, n, 5, &t) != 0 ||
	    digest_tmpl_fill(&r->html, top, 5, ev, n, 5, html) != 0)
		goto out;
	s = sb_str(&t);
	if (strncmp(s, "Subject: ", 9) == 0 && (nl = strchr(s, '\n')) != NULL) {
		sb_add(subj, s + 9, (size_t)(nl - s - 9));
		s = nl + 1 + (nl[1] == '\n');
	} else
		sb_adds(subj, "Held mail");
	sb_adds(txt, s);
	rc = subj->oom || txt->oom || html->oom ? -1 : 0;
out:
	for (i = 0; links && i < n; i++)
		sb_free(&links[i]);
	free(v), free(ev), free(times), free(links);
	sb_free(&t);
	return rc;
}

/* Send MSG to RCPT through release_command; 0 or -1. */
int
q_send_mail(const struct em_config *cfg, const char *from, const char *rcpt,
    const struct strbuf *msg)
{
	int fd = memfd_create("embargo-digest", MFD_CLOEXEC), rc;
	const char *rc1[1] = { rcpt };

	if (fd < 0)
		return -1;
	rc = store_write_all(fd, msg->s, msg->len) == 0 ?
	    store_release_run(cfg->release_command, from, fd, rc1, 1) :
	    -1;
	close(fd);
	return rc;
}

/* The digest of recipient P[0].rcpt (pairs P[0..N)): 0 sent or skipped, -1 error. */
static int
one_rcpt(struct run *r, const struct pair *p, size_t n)
{
	struct strbuf subj = STRBUF_INIT, txt = STRBUF_INIT, html = STRBUF_INIT,
		      msg = STRBUF_INIT, key = STRBUF_INIT;
	struct qctx *c = r->c;
	char day[16];
	time_t now = (time_t)r->now;
	struct tm tm;
	int rc = -1, claim = 0;

	if (render(r, p, n < DIGEST_LIST_MAX ? n : DIGEST_LIST_MAX, n, &subj, &txt,
		&html) != 0)
		goto out;
	if (c->o->dry_run) {
		fprintf(Q_OUT(c), "To: %s\nSubject: %s\n\n%s\n-- \n", p[0].rcpt,
		    sb_str(&subj), sb_str(&txt));
		rc = 0;
		goto out;
	}
	strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&now, &tm));
	sb_printf(&key, "digest:%s:%s", p[0].rcpt, day);
	if ((claim = store_once_claim(c->s, sb_str(&key), r->now + 2 * 86400)) < 0)
		goto out;
	if (claim == 0) {
		fprintf(Q_OUT(c), "%s: digest already sent today (%s), skipped\n",
		    p[0].rcpt, day);
		rc = 0;
		goto out;
	}
	if (digest_mail(r->from, p[0].rcpt, sb_str(&subj), sb_str(&txt), sb_str(&html),
		&msg) != 0 ||
	    q_send_mail(c->cfg, r->from, p[0].rcpt, &msg) != 0) {
		fprintf(Q_ERR(c), "embargo-quarantine: %s: digest not sent (%s failed)\n",
		    p[0].rcpt, c->cfg->release_command);
		if (store_once_drop(c->s, sb_str(&key)) != 0)
			fprintf(Q_ERR(c),
			    "embargo-quarantine: %s: not retried today: %s\n", p[0].rcpt,
			    store_error(c->s));
		goto out;
	}
	fprintf(Q_OUT(c), "%s: digest sent, %zu entr%s\n", p[0].rcpt, n,
	    n == 1 ? "y" : "ies");
	rc = 0;
out:
	sb_free(&subj), sb_free(&txt), sb_free(&html), sb_free(&msg), sb_free(&key);
	return rc;
}

/* digest_from, or postmaster@ this host's name. */
void
q_digest_from(const struct em_config *cfg, char *buf, size_t n)
{
	char host[256];

	if (cfg->digest_from && cfg->digest_from[0]) {
		snprintf(buf, n, "%s", cfg->digest_from);
		return;
	}
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, n, "postmaster@%s", host);
}

static int
setup(struct run *r)
{
	struct strbuf err = STRBUF_INIT;
	const struct em_config *cfg = r->c->cfg;
	int64_t since = r->c->o->f.since ? r->c->o->f.since : r->now - 86400;

	q_digest_from(cfg, r->from, sizeof(r->from));
	q_local_time(since, r->since, sizeof(r->since));
	q_local_time(r->now + cfg->digest_link_ttl, r->expires, sizeof(r->expires));
	if (!digest_addr_ok(r->from))
		sb_printf(&err, "digest_from \"%s\": not a plain address", r->from);
	else if (digest_tmpl_load(&r->txt, cfg->digest_templates, cfg->digest_language, 0,
		     &err) == 0 &&
	    digest_tmpl_load(
		&r->html, cfg->digest_templates, cfg->digest_language, 1, &err) == 0 &&
	    digest_key(cfg->quarantine_dir, 1, r->key, &err) == 0 &&
	    (r->ents = calloc(DIGEST_ENTRIES_MAX, sizeof(*r->ents))) != NULL &&
	    store_list(r->c->s, since, 0, collect, r) == 0)
		return sb_free(&err), 0;
	fprintf(Q_ERR(r->c), "embargo-quarantine: digest: %s\n",
	    err.len ? sb_str(&err) : store_error(r->c->s));
	sb_free(&err);
	return -1;
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nents; i++) {
		free(r->ents[i].sender), free(r->ents[i].subject), free(r->ents[i].rule);
		free(r->ents[i].findings), free(r->ents[i].rcpts);
	}
	for (i = 0; i < r->npairs; i++)
		free(r->pairs[i].rcpt);
	free(r->ents), free(r->pairs);
	digest_tmpl_free(&r->txt), digest_tmpl_free(&r->html);
}

int
q_digest(struct qctx *c)
{
	struct run r;
	size_t i, j;
	int rc = Q_OK;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.now = (int64_t)time(NULL);
	if (setup(&r) != 0) {
		run_free(&r);
		return Q_ERROR;
	}
	if (r.full)
		fprintf(Q_ERR(c),
		    "embargo-quarantine: digest: over %d entries: the oldest "
		    "only; run it with a shorter --since\n",
		    DIGEST_ENTRIES_MAX);
	for (i = 0; i < r.nents; i++)
		if (add_pairs(&r, &r.ents[i]) != 0) {
			run_free(&r);
			return Q_ERROR;
		}
	if (r.npairs)
		qsort(r.pairs, r.npairs, sizeof(*r.pairs), pair_cmp);
	for (i = 0; i < r.npairs; i = j) {
		for (j = i + 1;
		     j < r.npairs && strcmp(r.pairs[j].rcpt, r.pairs[i].rcpt) == 0;)
			j++;
		if (one_rcpt(&r, r.pairs + i, j - i) != 0)
			rc = Q_ERROR;
	}
	if (r.npairs == 0)
		fprintf(Q_OUT(c), "no held mail since %s: no digest\n", r.since);
	run_free(&r);
	return rc;
}
