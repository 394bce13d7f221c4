/*
 * page_queue.c: the queue, the console's home page: a filter form, a sortable
 * table of entries (newest first), keyset paging, and a bulk-action form over the
 * ticked rows (release, delete: POST /bulk).
 *
 * Promises: only entries the user may see (the scope is in the query; each row is
 * checked again); every value escaped. Works without JavaScript (the script adds
 * select-all and sorting of the shown page).
 */
#include <stdio.h>
#include <string.h>

#include "web/web.h"

struct qlist {
	struct web_req *rq;
	struct web_resp *rs;
	size_t shown, rows;
	int sort;
	char last_id[STORE_ID_LEN + 1];
	char last_val[300];
};

static void
cell(struct strbuf *b, const char *v)
{
	sb_adds(b, "<td>");
	html_esc(b, v);
	sb_adds(b, "</td>");
}

static void
remember(struct qlist *q, const struct store_entry *e)
{
	const char *name = store_sort_name(q->sort);
	const char *v = strcmp(name, "sender") == 0 ? e->sender :
	    strcmp(name, "subject") == 0            ? e->subject :
	    strcmp(name, "rule") == 0               ? e->rule :
	    strcmp(name, "state") == 0              ? e->state :
						      NULL;

	snprintf(q->last_id, sizeof(q->last_id), "%s", e->id);
	if (v != NULL)
		snprintf(q->last_val, sizeof(q->last_val), "%s", v);
	else
		snprintf(q->last_val, sizeof(q->last_val), "%lld",
		    (long long)(strcmp(name, "size") == 0 ? (int64_t)e->size : e->time));
}

static int
row(void *arg, const struct store_entry *e)
{
	struct qlist *q = arg;
	struct strbuf *b = &q->rs->body;
	char t[32];

	remember(q, e);
	q->rows++;
	if (!web_user_may_see(q->rq->user, e))
		return 0;
	web_time(e->time, t, sizeof(t));
	sb_printf(b,
	    "<tr><td><input type=\"checkbox\" name=\"id\" value=\"%s\"></td>"
	    "<td><a href=\"/m/%s\">%s</a></td>",
	    e->id, e->id, t);
	cell(b, e->state);
	cell(b, e->sender);
	cell(b, e->rcpts);
	cell(b, e->subject);
	cell(b, e->rule);
	sb_adds(b, "<td class=\"finding\">");
	html_esc(b, e->findings);
	sb_printf(b, "</td><td>%llu</td></tr>\n", (unsigned long long)e->size);
	q->shown++;
	return 0;
}

static void
filter_input(struct web_req *rq, struct strbuf *b, const char *key, const char *label)
{
	sb_printf(
	    b, "<label>%s <input name=\"%s\" id=\"f-%s\" value=\"", label, key, key);
	html_esc(b, web_form_get(&rq->query, key));
	sb_adds(b, "\" size=\"14\"></label>");
}

static void
filter_form(struct web_req *rq, struct strbuf *b)
{
	static const char *const states[] = { "", "quarantined", "held", "released",
		"releasing", "deleted", "awaiting-password", "left-hold", "missing" };
	const char *st = web_form_get(&rq->query, "state");
	size_t i;

	sb_adds(b,
	    "<form method=\"get\" action=\"/\" class=\"filters\" id=\"filters\">"
	    "<label>State <select name=\"state\" id=\"f-state\">");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		sb_printf(b, "<option value=\"%s\"%s>%s</option>", states[i],
		    st && strcmp(st, states[i]) == 0 ? " selected" : "",
		    states[i][0] ? states[i] : "any");
	sb_adds(b, "</select></label>");
	filter_input(rq, b, "sender", "Sender");
	filter_input(rq, b, "rcpt", "Recipient");
	filter_input(rq, b, "subject", "Subject");
	filter_input(rq, b, "rule", "Rule");
	filter_input(rq, b, "finding", "Finding");
	filter_input(rq, b, "host", "Host");
	filter_input(rq, b, "since", "Since");
	filter_input(rq, b, "until", "Until");
	sb_adds(b,
	    "<button type=\"submit\" id=\"apply\">Filter</button> "
	    "<a href=\"/\">Clear</a></form>\n");
}

static void
head_link(struct web_req *rq, struct strbuf *b, const char *sort, const char *label)
{
	sb_printf(b, "<th class=\"sortable\"><a href=\"/?sort=%s&amp;dir=desc", sort);
	web_filter_link(rq, b, "sort");
	sb_printf(b, "\">%s</a></th>", label);
}

static void
table_head(struct web_req *rq, struct web_resp *rs)
{
	struct strbuf *b = &rs->body;

	sb_adds(b, "<form method=\"post\" action=\"/bulk\" id=\"bulk\">");
	html_csrf_field(rq, rs);
	if (rq->user->role >= WEB_HELPDESK)
		sb_adds(b,
		    "<div class=\"actions\">With the ticked: <button type=\"submit\" "
		    "name=\"op\" value=\"release\" id=\"bulk-release\">Release (rescan)"
		    "</button><button type=\"submit\" name=\"op\" value=\"delete\" "
		    "id=\"bulk-delete\" data-confirm=\"Delete the ticked messages?\">"
		    "Delete</button></div>\n");
	sb_adds(b,
	    "<table id=\"queue\"><thead><tr><th><input type=\"checkbox\" "
	    "id=\"selall\" title=\"all\"></th>");
	head_link(rq, b, "time", "Time");
	head_link(rq, b, "state", "State");
	head_link(rq, b, "sender", "Sender");
	sb_adds(b, "<th>Recipients</th>");
	head_link(rq, b, "subject", "Subject");
	head_link(rq, b, "rule", "Rule");
	sb_adds(b, "<th>Findings</th>");
	head_link(rq, b, "size", "Size");
	sb_adds(b, "</tr></thead><tbody>\n");
}

static void
next_link(struct web_req *rq, struct strbuf *b, const struct qlist *q,
    const struct store_qpage *pg)
{
	sb_adds(b, "<p class=\"paging\"><a href=\"/?after=");
	url_esc(b, q->last_val);
	sb_printf(b, "&amp;after_id=%s&amp;sort=%s&amp;dir=%s", q->last_id,
	    store_sort_name(pg->sort), pg->desc ? "desc" : "asc");
	web_filter_link(rq, b, "sort");
	sb_adds(b, "\" id=\"next\">Next page</a> <a href=\"/\">First page</a></p>\n");
}

int
page_queue(struct web_req *rq, struct web_resp *rs)
{
	struct store_qfilter f;
	struct store_qpage pg;
	struct qlist q;
	const char *why = NULL;

	memset(&q, 0, sizeof(q));
	q.rq = rq, q.rs = rs;
	html_begin(rq, rs, "Quarantine");
	filter_form(rq, &rs->body);
	if (web_filter_parse(rq, &f, &pg, &why) != 0) {
		rs->status = 400;
		sb_adds(&rs->body, "<p class=\"error\">");
		html_esc(&rs->body, why);
		sb_adds(&rs->body, "</p>");
		html_end(rs);
		return 0;
	}
	q.sort = pg.sort;
	table_head(rq, rs);
	if (store_query(rq->store, &f, &pg, row, &q) != 0)
		return -1;
	sb_adds(&rs->body, "</tbody></table></form>\n");
	if (q.shown == 0)
		sb_adds(&rs->body, "<p class=\"muted\">No entries.</p>\n");
	if (q.rows >= pg.limit)
		next_link(rq, &rs->body, &q, &pg);
	html_end(rs);
	return 0;
}
