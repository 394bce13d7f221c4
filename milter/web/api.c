/*
 * api.c: the JSON API over the same queries and the same role checks as the pages:
 *   GET  /api/session          {"user","role","domains","csrf"}
 *   GET  /api/entries?FILTER   {"entries":[...],"next":{"after","after_id"}|null}
 *   GET  /api/entry/ID         the entry with its "history"
 *   GET  /api/counts?by=day|rule|state|findings[&FILTER]   {"counts":[{"key","n"}]}
 *   POST /api/release/ID       (csrf=, to=, force=1: see web_act) {"ok":bool,"message":"..."}
 * Promises: the user's scope applies exactly as on the pages (an entry outside it
 * is 404 {"error":"no such entry"}); errors are JSON objects with "error".
 */
#include <stdio.h>
#include <string.h>

#include "tools/q.h"
#include "web/web.h"

static void
jkey(struct strbuf *b, const char *k, const char *v, int comma)
{
	sb_printf(b, "%s\"%s\":", comma ? "," : "", k);
	sb_json_str(b, v ? v : "", v ? strlen(v) : 0);
}

static int
json_error(struct web_resp *rs, int status, const char *msg)
{
	rs->status = status;
	rs->ctype = "application/json";
	sb_reset(&rs->body);
	sb_adds(&rs->body, "{");
	jkey(&rs->body, "error", msg, 0);
	sb_adds(&rs->body, "}\n");
	return 0;
}

static void
entry_json(struct strbuf *b, const struct store_entry *e)
{
	sb_printf(b, "{\"id\":\"%s\",\"time\":%lld,\"size\":%llu", e->id,
	    (long long)e->time, (unsigned long long)e->size);
	jkey(b, "state", e->state, 1);
	jkey(b, "action", e->action, 1);
	jkey(b, "rule", e->rule, 1);
	jkey(b, "sender", e->sender, 1);
	jkey(b, "recipients", e->rcpts, 1);
	jkey(b, "subject", e->subject, 1);
	jkey(b, "findings", e->findings, 1);
	jkey(b, "explain", e->explain, 1);
	jkey(b, "client_addr", e->client_addr, 1);
	jkey(b, "helo", e->helo, 1);
	jkey(b, "message_id", e->message_id, 1);
	jkey(b, "changed_by", e->changed_by, 1);
	sb_adds(b, "}");
}

int
api_session(struct web_req *rq, struct web_resp *rs)
{
	size_t i;

	rs->ctype = "application/json";
	sb_adds(&rs->body, "{");
	jkey(&rs->body, "user", rq->user->name, 0);
	jkey(&rs->body, "role", web_role_name(rq->user->role), 1);
	jkey(&rs->body, "csrf", rq->csrf, 1);
	sb_adds(&rs->body, ",\"domains\":[");
	for (i = 0; i < rq->user->ndomains; i++) {
		if (i)
			sb_addc(&rs->body, ',');
		sb_json_str(
		    &rs->body, rq->user->domains[i], strlen(rq->user->domains[i]));
	}
	sb_adds(&rs->body, "]}\n");
	return 0;
}

struct alist {
	struct web_req *rq;
	struct strbuf *b;
	size_t rows, shown;
	int sort;
	char last_id[STORE_ID_LEN + 1], last[300];
};

static int
alist_row(void *arg, const struct store_entry *e)
{
	struct alist *a = arg;
	const char *s = store_sort_name(a->sort);

	a->rows++;
	snprintf(a->last_id, sizeof(a->last_id), "%s", e->id);
	if (strcmp(s, "time") == 0 || strcmp(s, "size") == 0)
		snprintf(a->last, sizeof(a->last), "%lld",
		    (long long)(strcmp(s, "time") == 0 ? e->time : (int64_t)e->size));
	else
		snprintf(a->last, sizeof(a->last), "%s",
		    strcmp(s, "sender") == 0      ? e->sender :
			strcmp(s, "subject") == 0 ? e->subject :
			strcmp(s, "rule") == 0    ? e->rule :
						    e->state);
	if (!web_user_may_see(a->rq->user, e))
		return 0;
	if (a->shown++)
		sb_addc(a->b, ',');
	entry_json(a->b, e);
	return 0;
}

int
api_entries(struct web_req *rq, struct web_resp *rs)
{
	struct store_qfilter f;
	struct store_qpage pg;
	struct alist a;
	const char *why;

	if (web_filter_parse(rq, &f, &pg, &why) != 0)
		return json_error(rs, 400, why);
	memset(&a, 0, sizeof(a));
	a.rq = rq, a.b = &rs->body, a.sort = pg.sort;
	rs->ctype = "application/json";
	sb_adds(&rs->body, "{\"entries\":[");
	if (store_query(rq->store, &f, &pg, alist_row, &a) != 0)
		return -1;
	sb_adds(&rs->body, "],\"next\":");
	if (a.rows >= pg.limit) {
		sb_adds(&rs->body, "{");
		jkey(&rs->body, "after", a.last, 0);
		jkey(&rs->body, "after_id", a.last_id, 1);
		sb_adds(&rs->body, "}");
	} else
		sb_adds(&rs->body, "null");
	sb_adds(&rs->body, "}\n");
	return 0;
}

/* The entry of rq->rest that the user may see into E; 0, 1 not found, -1 error. */
static int
api_load(struct web_req *rq, struct store_entry *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	if (!store_id_valid(rq->rest))
		return 1;
	if ((rc = store_get(rq->store, rq->rest, e)) != 0)
		return rc;
	if (web_may(rq, e, WEB_OP_VIEW) != NULL) {
		store_entry_clear(e);
		return 1;
	}
	return 0;
}

static int
hist_json(void *arg, const struct store_event *ev)
{
	struct strbuf *b = arg;

	if (b->s[b->len - 1] != '[')
		sb_addc(b, ',');
	sb_printf(b, "{\"time\":%lld", (long long)ev->time);
	jkey(b, "event", ev->event, 1);
	jkey(b, "user", ev->user, 1);
	jkey(b, "detail", ev->detail, 1);
	sb_adds(b, "}");
	return 0;
}

int
api_entry(struct web_req *rq, struct web_resp *rs)
{
	struct store_entry e;
	int rc = api_load(rq, &e);

	if (rc != 0)
		return rc < 0 ? -1 : json_error(rs, 404, "no such entry");
	rs->ctype = "application/json";
	sb_adds(&rs->body, "{\"entry\":");
	entry_json(&rs->body, &e);
	sb_adds(&rs->body, ",\"history\":[");
	rc = store_history(rq->store, e.id, hist_json, &rs->body);
	sb_adds(&rs->body, "]}\n");
	store_entry_clear(&e);
	return rc;
}

static int
count_json(void *arg, const char *key, int64_t n)
{
	struct strbuf *b = arg;

	if (b->s[b->len - 1] != '[')
		sb_addc(b, ',');
	sb_adds(b, "{");
	jkey(b, "key", key, 0);
	sb_printf(b, ",\"n\":%lld}", (long long)n);
	return 0;
}

int
api_counts(struct web_req *rq, struct web_resp *rs)
{
	struct store_qfilter f;
	struct store_qpage pg;
	const char *why, *by = web_form_get(&rq->query, "by");

	if (web_filter_parse(rq, &f, &pg, &why) != 0)
		return json_error(rs, 400, why);
	if (by == NULL ||
	    (strcmp(by, "day") && strcmp(by, "rule") && strcmp(by, "state") &&
		strcmp(by, "findings")))
		return json_error(rs, 400, "by: day, rule, state or findings");
	rs->ctype = "application/json";
	sb_adds(&rs->body, "{\"counts\":[");
	if (store_count_by(rq->store, &f, by, count_json, &rs->body) != 0)
		return -1;
	sb_adds(&rs->body, "]}\n");
	return 0;
}

int
api_release(struct web_req *rq, struct web_resp *rs)
{
	struct store_entry e;
	struct strbuf msg = STRBUF_INIT;
	const char *to = web_form_get(&rq->form, "to");
	int rc = api_load(rq, &e);

	if (rc != 0)
		return rc < 0 ? -1 : json_error(rs, 404, "no such entry");
	if (to != NULL && (to[0] == '\0' || !q_addr_valid(to)))
		rc = json_error(rs, 400, "to: a plain address (local@domain)");
	else if (web_may(rq, &e, to ? WEB_OP_RELEASE_TO : WEB_OP_RELEASE) != NULL)
		rc = json_error(
		    rs, 403, web_may(rq, &e, to ? WEB_OP_RELEASE_TO : WEB_OP_RELEASE));
	else {
		rc = web_act(rq, &e, to ? WEB_OP_RELEASE_TO : WEB_OP_RELEASE, to,
		    web_form_get(&rq->form, "force") != NULL, &msg);
		rs->ctype = "application/json";
		sb_printf(&rs->body, "{\"ok\":%s", rc == Q_OK ? "true" : "false");
		jkey(&rs->body, "message", sb_str(&msg), 1);
		sb_adds(&rs->body, "}\n");
		rc = 0;
	}
	store_entry_clear(&e);
	sb_free(&msg);
	return rc;
}
