/*
 * filter.c: the queue filter of the console and the API, from the query string:
 *   state sender rcpt subject rule finding host since until sort dir after after_id
 * and the user's scope (a helpdesk user: its domains, always; nobody can widen it).
 *
 * Promises: since/until accept what embargo-quarantine does ("2h", "7d" ago,
 * "2026-12-01", "2026-12-01 10:00"); a value that does not parse is an error (the
 * page says so) rather than ignored. The link to the next page carries every filter.
 */
#include <stdlib.h>
#include <string.h>

#include "tools/q.h"
#include "web/web.h"

static const char *const filter_keys[] = { "state", "sender", "rcpt", "subject", "rule",
	"finding", "host", "since", "until", "sort", "dir" };

int
web_filter_parse(
    struct web_req *rq, struct store_qfilter *f, struct store_qpage *pg, const char **why)
{
	const struct web_form *q = &rq->query;
	const char *v;

	memset(f, 0, sizeof(*f));
	memset(pg, 0, sizeof(*pg));
	f->state = web_form_get(q, "state");
	f->sender = web_form_get(q, "sender");
	f->rcpt = web_form_get(q, "rcpt");
	f->subject = web_form_get(q, "subject");
	f->rule = web_form_get(q, "rule");
	f->finding = web_form_get(q, "finding");
	f->host = web_form_get(q, "host");
	if ((v = web_form_get(q, "since")) != NULL && v[0] &&
	    (f->since = q_parse_when(v)) < 0)
		return *why = "since: not a time (2h, 7d, 2026-12-01, 2026-12-01 10:00)",
		       -1;
	if ((v = web_form_get(q, "until")) != NULL && v[0] &&
	    (f->until = q_parse_when(v)) < 0)
		return *why = "until: not a time (2h, 7d, 2026-12-01, 2026-12-01 10:00)",
		       -1;
	if (rq->user->role == WEB_HELPDESK) {
		f->scoped = 1;
		f->domains = (const char *const *)rq->user->domains;
		f->ndomains = rq->user->ndomains;
	}
	v = web_form_get(q, "sort");
	if ((pg->sort = store_sort_parse(v && v[0] ? v : "time")) < 0)
		return *why = "sort: time, size, sender, subject, rule or state", -1;
	v = web_form_get(q, "dir");
	pg->desc = v == NULL || strcmp(v, "asc") != 0;
	pg->after_id = web_form_get(q, "after_id");
	if (pg->after_id != NULL && pg->after_id[0] != '\0' &&
	    !store_id_valid(pg->after_id))
		return *why = "after_id: not an id", -1;
	if ((v = web_form_get(q, "after")) != NULL) {
		pg->after_text = v;
		pg->after_int = strtoll(v, NULL, 10);
	}
	pg->limit = 50;
	if ((v = web_form_get(q, "limit")) != NULL &&
	    (pg->limit = strtoul(v, NULL, 10)) == 0)
		pg->limit = 50;
	return 0;
}

void
web_filter_link(struct web_req *rq, struct strbuf *b, const char *skip)
{
	size_t i;
	const char *v;

	for (i = 0; i < sizeof(filter_keys) / sizeof(filter_keys[0]); i++) {
		if (skip != NULL && strcmp(skip, filter_keys[i]) == 0)
			continue;
		if ((v = web_form_get(&rq->query, filter_keys[i])) == NULL ||
		    v[0] == '\0')
			continue;
		sb_printf(b, "&amp;%s=", filter_keys[i]);
		url_esc(b, v);
	}
}
