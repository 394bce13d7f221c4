/*
 * page_dashboard.c: counts of the entries the user may see over the last 30 days
 * (or the since/until of the query): by day as a server-drawn inline SVG bar
 * chart (no script, allowed by the CSP as part of the page), by rule, by finding
 * and by state as tables linking to the filtered queue.
 *
 * Limits: findings are counted from each entry's summary line ("name@part,...")
 * split here, at most DASH_KEYS distinct names; days without entries are drawn
 * as empty bars.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"

#define DASH_DAYS 30
#define DASH_KEYS 200

struct tally {
	char key[DASH_KEYS][128];
	int64_t n[DASH_KEYS];
	size_t len;
};

static void
tally_add(struct tally *t, const char *k, size_t kn, int64_t n)
{
	size_t i;

	if (kn >= sizeof(t->key[0]))
		kn = sizeof(t->key[0]) - 1;
	for (i = 0; i < t->len; i++)
		if (strlen(t->key[i]) == kn && strncmp(t->key[i], k, kn) == 0) {
			t->n[i] += n;
			return;
		}
	if (t->len >= DASH_KEYS)
		return;
	memcpy(t->key[t->len], k, kn);
	t->key[t->len][kn] = '\0';
	t->n[t->len++] = n;
}

static int
add_plain(void *arg, const char *key, int64_t n)
{
	tally_add(arg, key, strlen(key), n);
	return 0;
}

/* "macro.vba@2:doc.doc,pdf.javascript@3" counted N times: each name once. */
static int
add_findings(void *arg, const char *key, int64_t n)
{
	const char *p = key;

	while (*p != '\0') {
		size_t len = strcspn(p, ","), name = strcspn(p, "@,");

		if (name > 0)
			tally_add(arg, p, name < len ? name : len, n);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void
chart(struct strbuf *b, const struct tally *days, int64_t since)
{
	int64_t max = 1, v[DASH_DAYS];
	size_t i, d;
	char label[16];

	for (d = 0; d < DASH_DAYS; d++) {
		v[d] = 0;
		for (i = 0; i < days->len; i++)
			if (strtoll(days->key[i], NULL, 10) == since + (int64_t)d * 86400)
				v[d] = days->n[i];
		if (v[d] > max)
			max = v[d];
	}
	sb_printf(b,
	    "<svg id=\"chart\" width=\"%d\" height=\"195\" role=\"img\" "
	    "aria-label=\"entries per day\" xmlns=\"http://www.w3.org/2000/svg\">",
	    DASH_DAYS * 24 + 40);
	for (d = 0; d < DASH_DAYS; d++) {
		int h = (int)(v[d] * 140 / max);
		time_t t = (time_t)(since + (int64_t)d * 86400);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(label, sizeof(label), "%d", &tm);
		sb_printf(b,
		    "<rect class=\"bar\" x=\"%zu\" y=\"%d\" width=\"18\" height=\"%d\">"
		    "<title>%s: %lld</title></rect>",
		    30 + d * 24, 165 - h, h, label, (long long)v[d]);
		sb_printf(b, "<text x=\"%zu\" y=\"182\">%s</text>", 30 + d * 24, label);
		if (v[d] > 0)
			sb_printf(b, "<text x=\"%zu\" y=\"%d\">%lld</text>", 30 + d * 24,
			    160 - h, (long long)v[d]);
	}
	sb_adds(b, "</svg>\n");
}

static void
table(struct strbuf *b, const char *title, const char *key, const struct tally *t)
{
	size_t i;

	sb_printf(b,
	    "<h2>%s</h2><table id=\"by-%s\"><thead><tr><th>%s</th><th>Entries"
	    "</th></tr></thead><tbody>",
	    title, key, key);
	for (i = 0; i < t->len; i++) {
		sb_printf(b, "<tr><td><a href=\"/?%s=", key);
		url_esc(b, t->key[i]);
		sb_adds(b, "\">");
		html_esc(b, t->key[i][0] ? t->key[i] : "(none)");
		sb_printf(b, "</a></td><td>%lld</td></tr>", (long long)t->n[i]);
	}
	sb_adds(b, "</tbody></table>\n");
}

int
page_dashboard(struct web_req *rq, struct web_resp *rs)
{
	struct store_qfilter f;
	struct store_qpage pg;
	struct tally *t = calloc(4, sizeof(*t));
	const char *why;
	int64_t today = (int64_t)time(NULL) / 86400 * 86400;
	int rc = -1;

	if (t == NULL)
		return -1;
	if (web_filter_parse(rq, &f, &pg, &why) != 0) {
		free(t);
		return web_error(rq, rs, 400, why);
	}
	if (f.since == 0)
		f.since = today - (DASH_DAYS - 1) * 86400;
	if (store_count_by(rq->store, &f, "day", add_plain, &t[0]) != 0 ||
	    store_count_by(rq->store, &f, "rule", add_plain, &t[1]) != 0 ||
	    store_count_by(rq->store, &f, "findings", add_findings, &t[2]) != 0 ||
	    store_count_by(rq->store, &f, "state", add_plain, &t[3]) != 0)
		goto out;
	html_begin(rq, rs, "Dashboard");
	sb_adds(&rs->body, "<h2>Entries per day (UTC), last 30 days</h2>");
	chart(&rs->body, &t[0], f.since / 86400 * 86400);
	table(&rs->body, "By rule", "rule", &t[1]);
	table(&rs->body, "By finding", "finding", &t[2]);
	table(&rs->body, "By state", "state", &t[3]);
	html_end(rs);
	rc = 0;
out:
	free(t);
	return rc;
}
