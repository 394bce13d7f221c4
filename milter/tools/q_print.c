/*
 * q_print.c: embargo-quarantine's output: the list table (local times, escaped
 * attacker-controlled text), one JSON object per line (recipients and findings as
 * arrays, ISO 8601 UTC times), the details and history of one entry, and the
 * totals of `list --count` and `stats`.
 * Limits: table columns are cut (sender 40, recipients 60, subject 50 bytes); JSON
 * and show print everything. stats counts up to Q_STATS_KEYS distinct keys per table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/q.h"

#define Q_STATS_KEYS 512

void
q_time(int64_t t, int iso, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	if (iso)
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
	else
		strftime(buf, n, "%Y-%m-%d %H:%M:%S %z", localtime_r(&tt, &tm));
}

void
q_print_header(void)
{
	printf("%-24s %-25s %-11s %-10s %-24s %8s %-40s %-60s %s\n", "ID", "TIME",
	    "STATE", "ACTION", "RULE", "SIZE", "FROM", "TO", "SUBJECT");
}

/* TEXT escaped and cut to MAX bytes, newlines shown as SEP. */
static void
cell(struct strbuf *sb, const char *text, size_t max, char sep)
{
	size_t i;

	for (i = 0; text[i] && sb->len < max; i++) {
		if (text[i] == '\n')
			sb_addc(sb, sep);
		else
			sb_safe(sb, text + i, 1, 4);
	}
	if (text[i])
		sb_adds(sb, "...");
	if (sb->len == 0)
		sb_addc(sb, '-');
}

void
q_print_line(const struct store_entry *e)
{
	struct strbuf f = STRBUF_INIT, t = STRBUF_INIT, s = STRBUF_INIT;
	char when[40];

	q_time(e->time, 0, when, sizeof(when));
	cell(&f, e->sender[0] ? e->sender : "<>", 40, ',');
	cell(&t, e->rcpts, 60, ',');
	cell(&s, e->subject, 50, ' ');
	printf("%-24s %-25s %-11s %-10s %-24s %8llu %-40s %-60s %s", e->id, when,
	    e->state, e->action, e->rule[0] ? e->rule : "-", (unsigned long long)e->size,
	    sb_str(&f), sb_str(&t), sb_str(&s));
	if (q_ppap_until(e, when, sizeof(when)))
		printf(" [awaiting a password until %s]", when);
	printf("\n");
	sb_free(&f);
	sb_free(&t);
	sb_free(&s);
}

static void
jstr(struct strbuf *sb, const char *key, const char *v)
{
	sb_printf(sb, ",\"%s\":", key);
	sb_json_str(sb, v, strlen(v));
}

static void
jtime(struct strbuf *sb, const char *key, int64_t t)
{
	char buf[40];

	q_time(t, 1, buf, sizeof(buf));
	if (t > 0)
		sb_printf(sb, ",\"%s\":\"%s\"", key, buf);
	else
		sb_printf(sb, ",\"%s\":null", key);
}

/* LIST split at SEP as a JSON array; FINDINGS: objects {name, part}. */
static void
jarray(struct strbuf *sb, const char *key, const char *list, char sep, int findings)
{
	const char *p = list, *e, *at;
	size_t n;
	int first = 1;

	sb_printf(sb, ",\"%s\":[", key);
	while (*p) {
		e = strchr(p, sep);
		n = e ? (size_t)(e - p) : strlen(p);
		sb_adds(sb, first ? "" : ",");
		first = 0;
		if (findings && (at = memchr(p, '@', n)) != NULL) {
			sb_adds(sb, "{\"name\":");
			sb_json_str(sb, p, (size_t)(at - p));
			sb_adds(sb, ",\"part\":");
			sb_json_str(sb, at + 1, n - (size_t)(at - p) - 1);
			sb_addc(sb, '}');
		} else if (findings) {
			sb_adds(sb, "{\"name\":");
			sb_json_str(sb, p, n);
			sb_adds(sb, ",\"part\":\"\"}");
		} else {
			sb_json_str(sb, p, n);
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	sb_addc(sb, ']');
}

void
q_print_json(const struct store_entry *e)
{
	struct strbuf sb = STRBUF_INIT;

	sb_printf(&sb, "{\"id\":\"%s\"", e->id);
	jtime(&sb, "time", e->time);
	jstr(&sb, "queue_id", e->queue_id);
	jstr(&sb, "sender", e->sender);
	jarray(&sb, "recipients", e->rcpts, '\n', 0);
	jstr(&sb, "subject", e->subject);
	sb_printf(&sb, ",\"size\":%llu", (unsigned long long)e->size);
	jarray(&sb, "findings", e->findings, ',', 1);
	jstr(&sb, "rule", e->rule);
	jstr(&sb, "action", e->action);
	jstr(&sb, "state", e->state);
	if (strcmp(e->state, STORE_AWAIT_STATE) == 0) {
		char until[40];

		q_ppap_until(e, until, sizeof(until));
		jstr(&sb, "awaiting_until", until);
	}
	jstr(&sb, "changed_by", e->changed_by);
	jtime(&sb, "changed_at", e->changed_at);
	jstr(&sb, "host", e->host_name ? e->host_name : "");
	jstr(&sb, "client_addr", e->client_addr);
	jstr(&sb, "helo", e->helo);
	jstr(&sb, "message_id", e->message_id);
	jstr(&sb, "auth_user", e->auth_user);
	jarray(&sb, "release_to", e->release_to, ',', 0);
	sb_printf(&sb, ",\"has_file\":%s}\n", e->has_file ? "true" : "false");
	fputs(sb_str(&sb), stdout);
	sb_free(&sb);
}

static int
history_line(void *arg, const struct store_event *ev)
{
	struct strbuf u = STRBUF_INIT, d = STRBUF_INIT;
	char when[40];

	(void)arg;
	q_time(ev->time, 0, when, sizeof(when));
	sb_safe(&u, ev->user, strlen(ev->user), 64);
	sb_safe(&d, ev->detail, strlen(ev->detail), 400);
	printf("  %s  %-14s by %s%s%s\n", when, ev->event, sb_str(&u), d.len ? ": " : "",
	    sb_str(&d));
	sb_free(&u);
	sb_free(&d);
	return 0;
}

static void
field(const char *name, const char *v)
{
	struct strbuf sb = STRBUF_INIT;

	sb_safe(&sb, v, strlen(v), 4000);
	printf("%-12s %s\n", name, sb.len ? sb_str(&sb) : "-");
	sb_free(&sb);
}

void
q_print_details(struct store *s, const struct store_entry *e)
{
	char when[40];

	q_time(e->time, 0, when, sizeof(when));
	printf("%-12s %s\n%-12s %s\n", "id:", e->id, "time:", when);
	field("state:", e->state);
	if (q_ppap_until(e, when, sizeof(when)))
		field("awaiting:", when);
	field("action:", e->action);
	field("rule:", e->rule);
	field("queue id:", e->queue_id);
	field("from:", e->sender);
	field("to:", e->rcpts);
	field("subject:", e->subject);
	field("message-id:", e->message_id);
	field("host:", e->host_name ? e->host_name : "");
	field("client:", e->client_addr);
	field("helo:", e->helo);
	field("auth user:", e->auth_user);
	printf("%-12s %llu\n", "size:", (unsigned long long)e->size);
	field("findings:", e->findings);
	field("explain:", e->explain);
	if (e->release_to[0])
		field("release to:", e->release_to);
	printf("history:\n");
	if (store_history(s, e->id, history_line, NULL) != 0)
		printf("  (history unreadable: %s)\n", store_error(s));
}

struct list_arg {
	const struct qopts *o;
	size_t n;
};

static int
list_cb(void *arg, const struct store_entry *e)
{
	struct list_arg *a = arg;

	if (!q_filter_match(&a->o->f, e))
		return 0;
	a->n++;
	if (a->o->count)
		return 0;
	if (a->o->json)
		q_print_json(e);
	else
		q_print_line(e);
	return 0;
}

int
q_list(struct qctx *c)
{
	struct list_arg a = { c->o, 0 };

	if (!c->o->json && !c->o->count)
		q_print_header();
	if (store_list(c->s, c->o->f.since, c->o->f.until, list_cb, &a) != 0)
		return Q_ERROR;
	if (c->o->count)
		printf(c->o->json ? "{\"count\":%zu}\n" : "%zu\n", a.n);
	return Q_OK;
}

struct tally {
	char *key[Q_STATS_KEYS];
	size_t n[Q_STATS_KEYS], used, other;
};

static void
tally_add(struct tally *t, const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < t->used; i++)
		if (strlen(t->key[i]) == len && memcmp(t->key[i], k, len) == 0) {
			t->n[i]++;
			return;
		}
	if (t->used == Q_STATS_KEYS || (t->key[t->used] = strndup(k, len)) == NULL) {
		t->other++;
		return;
	}
	t->n[t->used++] = 1;
}

struct stats_arg {
	const struct qopts *o;
	struct tally t[3]; /* state, rule, finding */
	size_t total;
};

static int
stats_cb(void *arg, const struct store_entry *e)
{
	struct stats_arg *a = arg;
	const char *p = e->findings, *end;
	size_t n;

	if (!q_filter_match(&a->o->f, e))
		return 0;
	a->total++;
	tally_add(&a->t[0], e->state, strlen(e->state));
	tally_add(
	    &a->t[1], e->rule[0] ? e->rule : "-", strlen(e->rule[0] ? e->rule : "-"));
	while (*p) {
		end = strchr(p, ',');
		n = strcspn(p, ",@");
		tally_add(&a->t[2], p, n);
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

static void
tally_print(struct tally *t, const char *name, int json, int last)
{
	size_t i;

	if (json)
		printf("\"%s\":{", name);
	else
		printf("by %s:\n", name);
	for (i = 0; i < t->used; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (json) {
			sb_json_str(&sb, t->key[i], strlen(t->key[i]));
			printf("%s%s:%zu", i ? "," : "", sb_str(&sb), t->n[i]);
		} else {
			sb_safe(&sb, t->key[i], strlen(t->key[i]), 100);
			printf("  %8zu  %s\n", t->n[i], sb_str(&sb));
		}
		sb_free(&sb);
		free(t->key[i]);
	}
	if (t->other && !json)
		printf("  %8zu  (other)\n", t->other);
	if (json)
		printf("}%s", last ? "" : ",");
}

int
q_stats(struct qctx *c)
{
	struct stats_arg *a = calloc(1, sizeof(*a));
	int rc = Q_OK;

	if (a == NULL)
		return Q_ERROR;
	a->o = c->o;
	if (store_list(c->s, c->o->f.since, c->o->f.until, stats_cb, a) != 0)
		rc = Q_ERROR;
	if (c->o->json)
		printf("{\"total\":%zu,", a->total);
	else
		printf("total: %zu\n", a->total);
	tally_print(&a->t[0], "state", c->o->json, 0);
	tally_print(&a->t[1], "rule", c->o->json, 0);
	tally_print(&a->t[2], "finding", c->o->json, 1);
	if (c->o->json)
		printf("}\n");
	free(a);
	return rc;
}
