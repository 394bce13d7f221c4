/*
 * page_bulk.c: POST /bulk: release (with rescan) or delete every ticked entry
 * (fields id=ID, op=release|delete), each under the same rules as one at a time
 * (actions.c: a release is the reviewer's, as with FORCE), and a page listing each
 * outcome.
 *
 * Promises: ids that are not ids, or entries the user may not see, are reported as
 * "no such entry" (nothing about them is shown); one refusal does not stop the
 * others. Limits: at most WEB_FORM_MAX fields (about 1,000 ids) a request.
 */
#include <string.h>

#include "tools/q.h"
#include "web/web.h"

static void
one(struct web_req *rq, struct strbuf *b, const char *id, enum web_op op)
{
	struct store_entry e;
	struct strbuf msg = STRBUF_INIT;
	int rc;

	memset(&e, 0, sizeof(e));
	sb_adds(b, "<tr><td><code>");
	html_esc(b, id);
	sb_adds(b, "</code></td><td>");
	if (!store_id_valid(id) || store_get(rq->store, id, &e) != 0 ||
	    web_may(rq, &e, WEB_OP_VIEW) != NULL) {
		sb_adds(b, "no such entry");
	} else {
		rc = web_act(rq, &e, op, NULL, 1, &msg);
		sb_printf(b, "<span class=\"%s\">", rc == Q_OK ? "ok" : "error");
		html_esc(b, sb_str(&msg));
		sb_adds(b, "</span>");
	}
	sb_adds(b, "</td></tr>\n");
	store_entry_clear(&e);
	sb_free(&msg);
}

int
page_bulk(struct web_req *rq, struct web_resp *rs)
{
	const char *op = web_form_get(&rq->form, "op");
	enum web_op o;
	size_t i, n = 0;

	if (op != NULL && strcmp(op, "release") == 0)
		o = WEB_OP_RELEASE;
	else if (op != NULL && strcmp(op, "delete") == 0)
		o = WEB_OP_DELETE;
	else
		return web_error(rq, rs, 400, "op: release or delete");
	html_begin(rq, rs, o == WEB_OP_RELEASE ? "Bulk release" : "Bulk delete");
	sb_adds(&rs->body,
	    "<table id=\"bulk-result\"><thead><tr><th>Id</th><th>Outcome"
	    "</th></tr></thead><tbody>\n");
	for (i = 0; i < rq->form.n; i++)
		if (strcmp(rq->form.key[i], "id") == 0) {
			one(rq, &rs->body, rq->form.val[i], o);
			n++;
		}
	sb_adds(&rs->body, "</tbody></table>\n");
	if (n == 0)
		sb_adds(&rs->body, "<p class=\"muted\">Nothing was ticked.</p>");
	sb_adds(&rs->body, "<p><a href=\"/\">Back to the queue</a></p>");
	html_end(rs);
	return 0;
}
