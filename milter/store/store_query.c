/*
 * store_query.c: the console's queries over the quarantine index (embargo-web):
 * filtered, sorted, keyset-paged entry lists, and counts by day, rule and state.
 *
 * Promises: portable SQL through sidx_query/sidx_entries only (bound values, no
 * text pasted into SQL but the fixed column names of the sort table). A scope
 * (a helpdesk user's domains) is part of the WHERE clause, so paging and counts never
 * include entries outside it; callers still check each entry (web_user_may_see).
 * Keyset paging: a page after (value, id) of the last row shown: no OFFSET, so
 * the cost of a page does not grow with its depth. Sorting by time uses the
 * (time, id) index made by store_query_init; other sorts sort the filtered rows.
 * Limits: text filters are substring matches (LIKE, case-insensitive through LOWER,
 * with % and _ in the filter escaped); at most STORE_Q_PAGE_MAX rows a page.
 * BUGS: a scope matches "@domain" at the end of a recipient line, so a recipient
 * "x@domain" written with a trailing space would not match (the store trims them).
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"

/* Indexes the console needs (the integrator moves them into the schema). */
static const char store_query_schema[] =
    "CREATE INDEX IF NOT EXISTS quarantine_time_id ON quarantine(time, id);"
    "CREATE INDEX IF NOT EXISTS quarantine_state_time ON quarantine(state, time, id);"
    "CREATE INDEX IF NOT EXISTS quarantine_rule_time ON quarantine(rule, time, id);";

static const struct {
	const char *name, *expr;
	int is_int;
} sorts[] = {
	{ "time", "time", 1 },
	{ "size", "size", 1 },
	{ "sender", "COALESCE(sender, '')", 0 },
	{ "subject", "COALESCE(subject, '')", 0 },
	{ "rule", "COALESCE(rule, '')", 0 },
	{ "state", "state", 0 },
};
#define NSORTS (sizeof(sorts) / sizeof(sorts[0]))

int
store_query_init(struct store *s)
{
	char one[200];
	const char *p = store_query_schema, *e;

	while ((e = strchr(p, ';')) != NULL) {
		snprintf(one, sizeof(one), "%.*s", (int)(e - p), p);
		if (sidx_query(s, one, NULL, 0, NULL, NULL) < 0)
			return -1;
		p = e + 1;
	}
	return 0;
}

int
store_sort_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NSORTS; i++)
		if (strcmp(name, sorts[i].name) == 0)
			return (int)i;
	return -1;
}

const char *
store_sort_name(int sort)
{
	return sort >= 0 && (size_t)sort < NSORTS ? sorts[sort].name : "time";
}

struct qb {
	struct strbuf sql;
	struct sidx_val v[STORE_Q_ARGS];
	char like[STORE_Q_ARGS][STORE_Q_TEXT * 2 + 8];
	size_t n;
	int bad;
};

static int
qb_arg(struct qb *b, struct sidx_val v)
{
	if (b->n >= STORE_Q_ARGS)
		return b->bad = 1, 0;
	b->v[b->n++] = v;
	return (int)b->n;
}

/* A LIKE pattern for substring S: lower-cased, % _ and \ escaped; PRE/POST wrap it. */
static const char *
qb_like(struct qb *b, const char *pre, const char *s, const char *post)
{
	char *o = b->like[b->n < STORE_Q_ARGS ? b->n : 0];
	size_t i = 0, cap = sizeof(b->like[0]) - 4;

	i += (size_t)snprintf(o, cap, "%s", pre);
	for (; *s && i < cap - 2; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			o[i++] = '\\';
		o[i++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
	}
	o[i] = '\0';
	if (strlen(s) > 0)
		b->bad = 1; /* too long to match exactly: refuse rather than widen */
	snprintf(o + i, cap + 4 - i, "%s", post);
	return o;
}

static void
qb_text(struct qb *b, const char *col, const char *s, int exact)
{
	if (s == NULL || s[0] == '\0')
		return;
	if (exact)
		sb_printf(&b->sql, " AND %s = ?%d", col, qb_arg(b, SV_T(s)));
	else
		sb_printf(&b->sql, " AND LOWER(COALESCE(%s, '')) LIKE ?%d ESCAPE '\\'",
		    col, qb_arg(b, SV_T(qb_like(b, "%", s, "%"))));
}

static void
qb_scope(struct qb *b, const struct store_qfilter *f)
{
	size_t i;
	int a, c;

	if (!f->scoped)
		return;
	if (f->ndomains == 0) {
		sb_adds(&b->sql, " AND 1 = 0");
		return;
	}
	sb_adds(&b->sql, " AND (");
	for (i = 0; i < f->ndomains; i++) {
		a = qb_arg(b, SV_T(qb_like(b, "%@", f->domains[i], "")));
		c = qb_arg(b, SV_T(qb_like(b, "%@", f->domains[i], "\n%")));
		sb_printf(&b->sql,
		    "%sLOWER(COALESCE(recipients, '')) LIKE ?%d ESCAPE '\\' OR "
		    "LOWER(COALESCE(recipients, '')) LIKE ?%d ESCAPE '\\'",
		    i ? " OR " : "", a, c);
	}
	sb_adds(&b->sql, ")");
}

static void
qb_where(struct qb *b, const struct store_qfilter *f)
{
	sb_adds(&b->sql, "WHERE 1 = 1");
	qb_text(b, "state", f->state, 1);
	qb_text(b, "rule", f->rule, 1);
	qb_text(b, "sender", f->sender, 0);
	qb_text(b, "recipients", f->rcpt, 0);
	qb_text(b, "subject", f->subject, 0);
	qb_text(b, "findings", f->finding, 0);
	if (f->host != NULL && f->host[0] != '\0') { /* client address or HELO name */
		int h = qb_arg(b, SV_T(qb_like(b, "%", f->host, "%")));

		sb_printf(&b->sql,
		    " AND (LOWER(COALESCE(client_addr, '')) LIKE ?%d ESCAPE '\\' OR "
		    "LOWER(COALESCE(helo, '')) LIKE ?%d ESCAPE '\\')",
		    h, h);
	}
	if (f->since > 0)
		sb_printf(&b->sql, " AND time >= ?%d", qb_arg(b, SV_I(f->since)));
	if (f->until > 0)
		sb_printf(&b->sql, " AND time < ?%d", qb_arg(b, SV_I(f->until)));
	qb_scope(b, f);
}

int
store_query(struct store *s, const struct store_qfilter *f, const struct store_qpage *pg,
    int (*cb)(void *arg, const struct store_entry *e), void *arg)
{
	struct qb b;
	int sort = pg->sort >= 0 && (size_t)pg->sort < NSORTS ? pg->sort : 0, rc, v, i;
	const char *cmp = pg->desc ? "<" : ">", *dir = pg->desc ? "DESC" : "ASC";
	size_t lim =
	    pg->limit > 0 && pg->limit <= STORE_Q_PAGE_MAX ? pg->limit : STORE_Q_PAGE_MAX;

	memset(&b, 0, sizeof(b));
	sb_init(&b.sql, 8192);
	qb_where(&b, f);
	if (pg->after_id != NULL && pg->after_id[0] != '\0') {
		v = qb_arg(&b,
		    sorts[sort].is_int ? SV_I(pg->after_int) :
					 SV_T(pg->after_text ? pg->after_text : ""));
		i = qb_arg(&b, SV_T(pg->after_id));
		sb_printf(&b.sql, " AND (%s %s ?%d OR (%s = ?%d AND id %s ?%d))",
		    sorts[sort].expr, cmp, v, sorts[sort].expr, v, cmp, i);
	}
	sb_printf(
	    &b.sql, " ORDER BY %s %s, id %s LIMIT %zu", sorts[sort].expr, dir, dir, lim);
	if (b.bad || b.sql.truncated || b.sql.oom) {
		sb_free(&b.sql);
		return store_err(s, "query", "filter too long or too many terms");
	}
	rc = sidx_entries(s, sb_str(&b.sql), b.v, b.n, cb, arg);
	sb_free(&b.sql);
	return rc;
}

struct count_arg {
	int (*cb)(void *arg, const char *key, int64_t n);
	void *arg;
};

static int
count_row(void *arg, const struct sidx_row *r)
{
	struct count_arg *c = arg;

	return c->cb(c->arg, sidx_text(r, 0), sidx_int(r, 1));
}

int
store_count_by(struct store *s, const struct store_qfilter *f, const char *by,
    int (*cb)(void *arg, const char *key, int64_t n), void *arg)
{
	static const char *const keys[][2] = {
		{ "day", "(time / 86400) * 86400" },
		{ "rule", "COALESCE(rule, '')" },
		{ "state", "state" },
		{ "findings", "COALESCE(findings, '')" },
	};
	struct count_arg c = { cb, arg };
	struct qb b;
	size_t i;
	int rc;

	for (i = 0; i < 4 && strcmp(by, keys[i][0]) != 0; i++)
		;
	if (i == 4)
		return store_err(s, "count", "unknown grouping");
	memset(&b, 0, sizeof(b));
	sb_init(&b.sql, 8192);
	sb_printf(&b.sql, "SELECT %s AS k, COUNT(*) FROM quarantine ", keys[i][1]);
	qb_where(&b, f);
	sb_printf(&b.sql, " GROUP BY %s ORDER BY 1", keys[i][1]);
	if (b.bad || b.sql.truncated || b.sql.oom) {
		sb_free(&b.sql);
		return store_err(s, "count", "filter too long or too many terms");
	}
	rc = sidx_query(s, sb_str(&b.sql), b.v, b.n, count_row, &c);
	sb_free(&b.sql);
	return rc < 0 ? -1 : 0;
}
