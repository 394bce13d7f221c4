/*
 * page_message.c: one entry: GET /m/ID (the view), GET /m/ID/eml (the stored
 * message, admins only), POST /m/ID/release (always rescanned; force=1: as the
 * reviewer decided, see web_act; to= another address, admins only) and
 * POST /m/ID/delete (admins).
 *
 * Promises: an entry the user may not see is "not found" (404), whatever the id;
 * the view shows the envelope, the headers (raw, escaped), the part tree from the
 * stored report with each finding at its part and the deciding rule, a plain-text
 * preview (the message source after the headers, at most WEB_PREVIEW bytes, escaped:
 * never rendered, nothing fetched), and the audit history. Actions redirect back
 * to the view with the outcome (303), so a reload does not repeat them.
 * Limits: the preview is the raw source (encoded parts stay encoded); headers over
 * WEB_HEADERS bytes are cut.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy.h"
#include "tools/q.h"
#include "web/web.h"

#define WEB_HEADERS 65536
#define WEB_PREVIEW 16384

/* The entry named by the start of rq->rest (ID[/...]); 0, or the status to answer. */
static int
load(struct web_req *rq, struct store_entry *e, const char **tail)
{
	char id[STORE_ID_LEN + 1];
	size_t n = strcspn(rq->rest, "/");
	int rc;

	*tail = rq->rest + n;
	if (n != STORE_ID_LEN)
		return 404;
	memcpy(id, rq->rest, n);
	id[n] = '\0';
	if (!store_id_valid(id))
		return 404;
	memset(e, 0, sizeof(*e));
	if ((rc = store_get(rq->store, id, e)) != 0)
		return rc == 1 ? 404 : 500;
	if (web_may(rq, e, WEB_OP_VIEW) != NULL) {
		store_entry_clear(e);
		return 404;
	}
	return 0;
}

static void
envelope(struct strbuf *b, const struct store_entry *e)
{
	char t[32], sz[32];

	web_time(e->time, t, sizeof(t));
	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)e->size);
	sb_adds(b, "<h2>Envelope</h2><table class=\"kv\" id=\"envelope\">");
	html_kv(b, "Id", e->id);
	html_kv(b, "Received", t);
	html_kv(b, "State", e->state);
	html_kv(b, "Action", e->action);
	html_kv(b, "Deciding rule", e->rule);
	html_kv(b, "Why", e->explain);
	html_kv(b, "Sender", e->sender);
	html_kv(b, "Recipients", e->rcpts);
	html_kv(b, "Subject", e->subject);
	html_kv(b, "Client", e->client_addr);
	html_kv(b, "HELO", e->helo);
	html_kv(b, "Authenticated", e->auth_user);
	html_kv(b, "Message-ID", e->message_id);
	html_kv(b, "Size", sz);
	html_kv(b, "SHA-256", e->sha256);
	html_kv(b, "Changed by", e->changed_by);
	sb_adds(b, "</table>\n");
}

/* Headers and the plain-text preview from the stored file. */
static void
source(struct web_req *rq, struct strbuf *b, const struct store_entry *e)
{
	static char buf[WEB_HEADERS + WEB_PREVIEW + 1];
	int fd = e->has_file ? store_open_msg(rq->store, e->id) : -1;
	ssize_t n, got = 0;
	char *end;
	size_t hl;

	if (fd < 0) {
		sb_adds(b, "<p class=\"muted\">No stored copy.</p>");
		return;
	}
	while (got < (ssize_t)sizeof(buf) - 1 &&
	    (n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	end = strstr(buf, "\r\n\r\n");
	if (end == NULL || (strstr(buf, "\n\n") && strstr(buf, "\n\n") < end))
		end = strstr(buf, "\n\n");
	hl = end ? (size_t)(end - buf) : (size_t)got;
	if (hl > WEB_HEADERS)
		hl = WEB_HEADERS;
	sb_adds(b, "<h2>Headers</h2><pre class=\"preview\" id=\"headers\">");
	html_esc_n(b, buf, hl);
	sb_adds(b,
	    "</pre>\n<h2>Text preview</h2><p class=\"muted\">The message source "
	    "after the headers, as plain text (never rendered).</p>"
	    "<pre class=\"preview\" id=\"preview\">");
	if (end != NULL) {
		size_t start = hl + (buf[hl] == '\r' ? 4 : 2);
		size_t pn = (size_t)got > start ? (size_t)got - start : 0;

		html_esc_n(b, buf + start, pn > WEB_PREVIEW ? WEB_PREVIEW : pn);
	}
	sb_adds(b, "</pre>\n");
}

static int
history_row(void *arg, const struct store_event *ev)
{
	struct strbuf *b = arg;
	char t[32];

	web_time(ev->time, t, sizeof(t));
	sb_printf(b, "<tr><td>%s</td>", t);
	sb_adds(b, "<td>");
	html_esc(b, ev->event);
	sb_adds(b, "</td><td>");
	html_esc(b, ev->user);
	sb_adds(b, "</td><td>");
	html_esc(b, ev->detail);
	sb_adds(b, "</td></tr>\n");
	return 0;
}

static void
action_forms(struct web_req *rq, struct strbuf *b, const struct store_entry *e,
    struct web_resp *rs)
{
	const char *why = web_may(rq, e, WEB_OP_RELEASE);

	if (strcmp(e->state, "quarantined") != 0 && strcmp(e->state, "releasing") != 0)
		why = "nothing to release in this state";
	sb_adds(b, "<h2>Actions</h2><div class=\"actions\">");
	if (why == NULL) {
		sb_printf(b,
		    "<form method=\"post\" action=\"/m/%s/release\" class=\"inline\">",
		    e->id);
		html_csrf_field(rq, rs);
		sb_adds(b,
		    "<input type=\"hidden\" name=\"force\" value=\"1\"><button "
		    "type=\"submit\" id=\"release\" title=\"rescanned first: refused if "
		    "the current policy now decides something stronger\">Release</button>"
		    "</form> ");
		sb_printf(b,
		    "<form method=\"post\" action=\"/m/%s/release\" class=\"inline\">",
		    e->id);
		html_csrf_field(rq, rs);
		sb_adds(b,
		    "<button type=\"submit\" id=\"release-clean\">Release only if the "
		    "rescan finds it clean</button></form> ");
	} else {
		sb_adds(b, "<span class=\"muted\">Release: ");
		html_esc(b, why);
		sb_adds(b, ".</span> ");
	}
	if (why == NULL && web_may(rq, e, WEB_OP_RELEASE_TO) == NULL) {
		sb_printf(b,
		    "<form method=\"post\" action=\"/m/%s/release\" class=\"inline\">",
		    e->id);
		html_csrf_field(rq, rs);
		sb_adds(b,
		    "<input type=\"hidden\" name=\"force\" value=\"1\">"
		    "<input name=\"to\" id=\"release-to\" placeholder=\"user@example\" "
		    "size=\"24\"> <button type=\"submit\">Release to this address"
		    "</button></form> ");
	}
	if (web_may(rq, e, WEB_OP_DELETE) == NULL) {
		sb_printf(b,
		    "<form method=\"post\" action=\"/m/%s/delete\" class=\"inline\">",
		    e->id);
		html_csrf_field(rq, rs);
		sb_adds(b,
		    "<button type=\"submit\" id=\"delete\" data-confirm=\"Delete this "
		    "message?\">Delete</button></form> ");
		if (e->has_file)
			sb_printf(b,
			    "<a href=\"/m/%s/eml\" id=\"download\">Download .eml</a>",
			    e->id);
	}
	sb_adds(b, "</div>\n");
}

static int
view(struct web_req *rq, struct web_resp *rs, const struct store_entry *e,
    const char *outcome, int ok)
{
	struct strbuf *b = &rs->body;

	html_begin(rq, rs, "Message");
	if (outcome != NULL) {
		sb_printf(b, "<p class=\"%s\" id=\"outcome\">", ok ? "ok" : "error");
		html_esc(b, outcome);
		sb_adds(b, "</p>\n");
	}
	envelope(b, e);
	action_forms(rq, b, e, rs);
	sb_adds(b, "<h2>Parts and findings</h2><div id=\"parts\">");
	web_report_tree(b, e->report);
	sb_adds(b, "</div>\n");
	source(rq, b, e);
	sb_adds(b,
	    "<h2>History</h2><table id=\"history\"><thead><tr><th>Time</th>"
	    "<th>Event</th><th>By</th><th>Detail</th></tr></thead><tbody>");
	if (store_history(rq->store, e->id, history_row, b) != 0)
		return -1;
	sb_adds(b, "</tbody></table>\n");
	html_end(rs);
	return 0;
}

int
page_message(struct web_req *rq, struct web_resp *rs)
{
	struct store_entry e;
	const char *tail;
	int st = load(rq, &e, &tail), rc = 0;

	if (st != 0)
		return st == 500 ? -1 : web_error(rq, rs, st, "No such entry.");
	if (tail[0] == '\0')
		rc = view(rq, rs, &e, NULL, 1);
	else if (strcmp(tail, "/eml") != 0)
		rc = web_error(rq, rs, 404, "No such page.");
	else if (web_may(rq, &e, WEB_OP_DOWNLOAD) != NULL)
		rc = web_error(rq, rs, 403, "Only an admin may download the message.");
	else if ((rs->fd = e.has_file ? store_open_msg(rq->store, e.id) : -1) < 0)
		rc = web_error(rq, rs, 404, "No stored copy.");
	else {
		rs->ctype = "application/octet-stream";
		snprintf(rs->disposition, sizeof(rs->disposition),
		    "attachment; filename=\"%s.eml\"", e.id);
		store_audit(rq->store, e.id, "exported", rq->who, "web download");
	}
	store_entry_clear(&e);
	return rc;
}

int
page_message_post(struct web_req *rq, struct web_resp *rs)
{
	struct store_entry e, after;
	struct strbuf msg = STRBUF_INIT;
	const char *tail, *to = web_form_get(&rq->form, "to");
	int st = load(rq, &e, &tail), rc;
	enum web_op op;

	if (st != 0)
		return st == 500 ? -1 : web_error(rq, rs, st, "No such entry.");
	if (to != NULL && to[0] == '\0')
		to = NULL;
	op = strcmp(tail, "/delete") == 0 ? WEB_OP_DELETE :
	    to != NULL                    ? WEB_OP_RELEASE_TO :
					    WEB_OP_RELEASE;
	if (strcmp(tail, "/delete") != 0 && strcmp(tail, "/release") != 0)
		rc = web_error(rq, rs, 404, "No such action.");
	else if (to != NULL && !q_addr_valid(to))
		rc = web_error(rq, rs, 400, "Not a plain address (local@domain).");
	else {
		st = web_act(
		    rq, &e, op, to, web_form_get(&rq->form, "force") != NULL, &msg);
		if (st == Q_REFUSED && web_may(rq, &e, op) != NULL)
			rs->status = 403;
		memset(&after, 0, sizeof(after));
		rc = store_get(rq->store, e.id, &after) == 0 ?
		    view(rq, rs, &after, sb_str(&msg), st == Q_OK) :
		    web_redirect(rs, "/");
		store_entry_clear(&after);
	}
	store_entry_clear(&e);
	sb_free(&msg);
	return rc;
}
