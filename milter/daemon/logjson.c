/*
 * logjson.c: the JSON summary line (see logjson.h).
 */
#include <stdio.h>
#include <string.h>

#include "daemon/logjson.h"

static void
esc_byte(struct strbuf *sb, unsigned char c)
{
	switch (c) {
	case '"': sb_adds(sb, "\\\""); break;
	case '\\': sb_adds(sb, "\\\\"); break;
	case '\n': sb_adds(sb, "\\n"); break;
	case '\r': sb_adds(sb, "\\r"); break;
	case '\t': sb_adds(sb, "\\t"); break;
	case '\b': sb_adds(sb, "\\b"); break;
	case '\f': sb_adds(sb, "\\f"); break;
	default:
		if (c < 0x20 || c == 0x7f)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_addc(sb, (char)c);
	}
}

void
logjson_str(struct strbuf *sb, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;

	if (s == NULL) {
		sb_adds(sb, "null");
		return;
	}
	n = strlen(s);
	if (n > max)
		n = max;
	sb_addc(sb, '"');
	while (i < n) {
		if (u[i] < 0x80) {
			esc_byte(sb, u[i++]);
		} else if ((k = sb_utf8_len(u + i, n - i)) == 0) {
			sb_adds(sb, "\\ufffd");
			i++;
		} else if (k == 3 && u[i] == 0xe2 && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
			/* line and paragraph separators: line breaks to JavaScript */
			sb_adds(sb, u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += k;
		} else {
			sb_add(sb, u + i, k);
			i += k;
		}
	}
	if (strlen(s) > max)
		sb_adds(sb, "...");
	sb_addc(sb, '"');
}

static void
key(struct strbuf *sb, const char *k)
{
	sb_printf(sb, ",\"%s\":", k);
}

static void
add_to(const struct logjson_in *in, struct strbuf *sb)
{
	size_t i;

	key(sb, "to");
	sb_addc(sb, '[');
	for (i = 0; i < in->nto && sb->len < LOGJSON_LINE_BUDGET; i++) {
		if (i)
			sb_addc(sb, ',');
		logjson_str(sb, in->to[i], LOGJSON_STR_MAX);
	}
	sb_addc(sb, ']');
	if (i < in->nto || in->to_dropped)
		sb_printf(sb, ",\"to_omitted\":%zu", in->nto - i + in->to_dropped);
}

/* Finding names, each once, in the order found. */
static void
add_findings(const struct logjson_in *in, struct strbuf *sb)
{
	const struct finding *f, *g;
	int i, j, n = in->r != NULL ? report_nfindings(in->r) : 0, out = 0, left = 0;

	key(sb, "findings");
	sb_addc(sb, '[');
	for (i = 0; i < n; i++) {
		f = report_finding(in->r, i);
		for (j = 0; j < i; j++)
			if ((g = report_finding(in->r, j)) &&
			    strcmp(g->name, f->name) == 0)
				break;
		if (j < i)
			continue;
		if (sb->len >= LOGJSON_LINE_BUDGET) {
			left++;
			continue;
		}
		if (out++)
			sb_addc(sb, ',');
		logjson_str(sb, f->name, LOGJSON_STR_MAX);
	}
	sb_addc(sb, ']');
	if (left)
		sb_printf(sb, ",\"findings_omitted\":%d", left);
}

static void
add_time(const struct logjson_in *in, struct strbuf *sb)
{
	struct tm tm;
	char ts[40];

	gmtime_r(&in->now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	sb_printf(sb, "{\"time\":\"%s.%03ldZ\"", ts, in->now.tv_nsec / 1000000);
}

void
logjson_summary(const struct logjson_in *in, struct strbuf *out)
{
	add_time(in, out);
	key(out, "queue_id");
	logjson_str(out, in->qid, 64);
	key(out, "client_addr");
	logjson_str(out, in->client_addr, LOGJSON_STR_MAX);
	key(out, "client_name");
	logjson_str(out, in->client_name, LOGJSON_STR_MAX);
	key(out, "auth_user");
	logjson_str(out, in->auth, LOGJSON_STR_MAX);
	key(out, "message_id");
	logjson_str(out, in->msgid, LOGJSON_STR_MAX);
	key(out, "from");
	logjson_str(out, in->from, LOGJSON_STR_MAX);
	sb_printf(out, ",\"size\":%llu", (unsigned long long)in->size);
	key(out, "rule");
	logjson_str(out, in->rule, LOGJSON_STR_MAX);
	key(out, "action");
	logjson_str(out, in->action, 32);
	if (in->would != NULL) {
		key(out, "would");
		logjson_str(out, in->would, 32);
	}
	if (in->decided != NULL) {
		key(out, "decided");
		logjson_str(out, in->decided, 32);
	}
	key(out, "quarantine_id");
	logjson_str(out, in->quarantine_id, 64);
	sb_printf(out, ",\"elapsed_ms\":%.3f", in->elapsed * 1000.0);
	add_to(in, out);
	add_findings(in, out);
	sb_addc(out, '}');
}
