/*
 * page_queue.c: the queue, the console's home page (skeleton: the newest entries
 * the user may see; filters, sorting and paging come with store_query.c).
 */
#include <string.h>

#include "web/web.h"

struct qlist {
	struct web_req *rq;
	struct web_resp *rs;
	size_t shown;
};

static int
row(void *arg, const struct store_entry *e)
{
	struct qlist *q = arg;
	struct strbuf *b = &q->rs->body;
	char t[32];

	if (!web_user_may_see(q->rq->user, e))
		return 0;
	web_time(e->time, t, sizeof(t));
	sb_printf(b, "<tr><td>%s</td><td><a href=\"/m/%s\">", t, e->id);
	html_esc(b, e->id);
	sb_adds(b, "</a></td><td>");
	html_esc(b, e->state);
	sb_adds(b, "</td><td>");
	html_esc(b, e->sender);
	sb_adds(b, "</td><td>");
	html_esc(b, e->rcpts);
	sb_adds(b, "</td><td>");
	html_esc(b, e->subject);
	sb_adds(b, "</td><td>");
	html_esc(b, e->rule);
	sb_adds(b, "</td></tr>\n");
	return ++q->shown >= 1000;
}

int
page_queue(struct web_req *rq, struct web_resp *rs)
{
	struct qlist q = { rq, rs, 0 };

	html_begin(rq, rs, "Quarantine");
	sb_adds(&rs->body, "<table><thead><tr><th>Time</th><th>Id</th><th>State</th>"
			   "<th>Sender</th><th>Recipients</th><th>Subject</th><th>Rule</th>"
			   "</tr></thead><tbody>\n");
	if (store_list(rq->store, 0, 0, row, &q) != 0)
		return -1;
	sb_adds(&rs->body, "</tbody></table>\n");
	html_end(rs);
	return 0;
}
