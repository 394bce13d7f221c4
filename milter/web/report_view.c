/*
 * report_view.c: the stored report JSON (report_json: {"parts":[...],
 * "findings":[...]}) read back into a part tree with each finding at its part, and
 * drawn as nested HTML lists.
 *
 * Promises: a strict reader of exactly that shape (flat objects of strings, numbers,
 * null and booleans inside two arrays); any other shape, or more than RV_PARTS parts
 * or RV_FINDINGS findings, stops reading and the page says the report could not be
 * shown in full. Strings are decoded (\" \\ \/ \b \f \n \r \t \uXXXX, surrogate
 * pairs) and escaped again when drawn. The tree is drawn by depth without recursion.
 * Limits: a finding whose part path names no part is listed under "message".
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "web/web.h"

#define RV_PARTS    2000
#define RV_FINDINGS 2000
#define RV_STR      2048

struct rv_part {
	char path[RV_STR], name[256], type[128];
	long long size;
	int depth;
};

struct rv_find {
	char name[64], sev[16], part[RV_STR], detail[512];
};

struct rv {
	struct rv_part *p;
	struct rv_find *f;
	size_t np, nf;
	int bad;
};

static const char *
ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static void
put_utf8(char *o, size_t *i, size_t cap, unsigned long c)
{
	unsigned char b[4];
	size_t n, k;

	if (c < 0x80)
		b[0] = (unsigned char)c, n = 1;
	else if (c < 0x800)
		b[0] = (unsigned char)(0xc0 | (c >> 6)),
		b[1] = (unsigned char)(0x80 | (c & 63)), n = 2;
	else if (c < 0x10000)
		b[0] = (unsigned char)(0xe0 | (c >> 12)),
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 63)),
		b[2] = (unsigned char)(0x80 | (c & 63)), n = 3;
	else
		b[0] = (unsigned char)(0xf0 | (c >> 18)),
		b[1] = (unsigned char)(0x80 | ((c >> 12) & 63)),
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 63)),
		b[3] = (unsigned char)(0x80 | (c & 63)), n = 4;
	for (k = 0; k < n && *i + 1 < cap; k++)
		o[(*i)++] = (char)b[k];
}

static const char *
hex4(const char *s, unsigned long *v)
{
	int k;

	*v = 0;
	for (k = 0; k < 4; k++, s++) {
		int h = hexval(*s);

		if (h < 0)
			return NULL;
		*v = *v << 4 | (unsigned long)h;
	}
	return s;
}

/* A JSON string at S (after the quote) into O (CAP, cut); the end, or NULL. */
static const char *
jstr(const char *s, char *o, size_t cap)
{
	size_t i = 0;
	unsigned long c, lo;

	for (; *s != '"'; s++) {
		if (*s == '\0' || (unsigned char)*s < 0x20)
			return NULL;
		if (*s != '\\') {
			if (i + 1 < cap)
				o[i++] = *s;
			continue;
		}
		switch (*++s) {
		case '"':
		case '\\':
		case '/': c = (unsigned char)*s; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if ((s = hex4(s + 1, &c)) == NULL)
				return NULL;
			if (c >= 0xd800 && c < 0xdc00 && s[0] == '\\' && s[1] == 'u' &&
			    hex4(s + 2, &lo) != NULL && lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			} else if (c >= 0xd800 && c < 0xe000)
				c = 0xfffd;
			s--;
			break;
		default: return NULL;
		}
		put_utf8(o, &i, cap, c);
	}
	o[i] = '\0';
	return s + 1;
}

/* One scalar value at S: a string into O, a number into *N; the end or NULL. */
static const char *
jval(const char *s, char *o, size_t cap, long long *n)
{
	char *end;

	o[0] = '\0';
	*n = 0;
	if (*s == '"')
		return jstr(s + 1, o, cap);
	if (strncmp(s, "null", 4) == 0 || strncmp(s, "true", 4) == 0)
		return s + 4;
	if (strncmp(s, "false", 5) == 0)
		return s + 5;
	*n = strtoll(s, &end, 10);
	if (end == s)
		return NULL;
	while (*end == '.' || *end == 'e' || *end == 'E' || *end == '+' || *end == '-' ||
	    (*end >= '0' && *end <= '9'))
		end++;
	return end;
}

static void
set_field(struct rv *v, int is_part, const char *key, const char *val, long long n)
{
	struct rv_part *p = &v->p[v->np];
	struct rv_find *f = &v->f[v->nf];

#define CP(dst) snprintf(dst, sizeof(dst), "%s", val)
	if (is_part) {
		if (strcmp(key, "path") == 0)
			CP(p->path);
		else if (strcmp(key, "filename") == 0)
			CP(p->name);
		else if (strcmp(key, "detected_type") == 0 && val[0])
			CP(p->type);
		else if (strcmp(key, "declared_type") == 0 && !p->type[0])
			CP(p->type);
		else if (strcmp(key, "size") == 0)
			p->size = n;
		else if (strcmp(key, "depth") == 0)
			p->depth = (int)(n < 0 ? 0 : n > 64 ? 64 : n);
	} else {
		if (strcmp(key, "name") == 0)
			CP(f->name);
		else if (strcmp(key, "severity") == 0)
			CP(f->sev);
		else if (strcmp(key, "part") == 0)
			CP(f->part);
		else if (strcmp(key, "detail") == 0)
			CP(f->detail);
	}
#undef CP
}

/* One flat object at S (after '{'); the end or NULL. */
static const char *
jobject(struct rv *v, const char *s, int is_part)
{
	char key[64], *val = malloc(RV_STR);
	long long n;

	if (val == NULL)
		return NULL;
	for (s = ws(s); *s != '}'; s = ws(s)) {
		if (*s != '"' || (s = jstr(s + 1, key, sizeof(key))) == NULL ||
		    *(s = ws(s)) != ':' || (s = jval(ws(s + 1), val, RV_STR, &n)) == NULL)
			goto bad;
		set_field(v, is_part, key, val, n);
		s = ws(s);
		if (*s == ',')
			s++;
		else if (*s != '}')
			goto bad;
	}
	free(val);
	return s + 1;
bad:
	free(val);
	return NULL;
}

/* The array after "KEY": at S; objects counted into v. */
static void
jarray(struct rv *v, const char *json, const char *key, int is_part)
{
	const char *s = strstr(json, key);
	size_t max = is_part ? RV_PARTS : RV_FINDINGS;

	if (s == NULL || *(s = ws(s + strlen(key))) != '[')
		return;
	for (s = ws(s + 1); *s != ']'; s = ws(s)) {
		if (*s != '{' || (is_part ? v->np : v->nf) >= max) {
			v->bad = 1;
			return;
		}
		if (is_part)
			memset(&v->p[v->np], 0, sizeof(v->p[0]));
		else
			memset(&v->f[v->nf], 0, sizeof(v->f[0]));
		if ((s = jobject(v, s + 1, is_part)) == NULL) {
			v->bad = 1;
			return;
		}
		if (is_part)
			v->np++;
		else
			v->nf++;
		s = ws(s);
		if (*s == ',')
			s++;
	}
}

static void
draw_findings(struct strbuf *b, const struct rv *v, const char *path, int *used)
{
	size_t i;

	for (i = 0; i < v->nf; i++) {
		if (path != NULL ? strcmp(v->f[i].part, path) != 0 : used[i])
			continue;
		used[i] = 1;
		sb_adds(b, "<li class=\"finding\">&#9888; <strong>");
		html_esc(b, v->f[i].name);
		sb_adds(b, "</strong> (");
		html_esc(b, v->f[i].sev);
		sb_adds(b, ") ");
		html_esc(b, v->f[i].detail);
		sb_adds(b, "</li>");
	}
}

static void
draw(struct strbuf *b, const struct rv *v)
{
	int depth = -1, *used = calloc(v->nf + 1, sizeof(int));
	size_t i;

	if (used == NULL)
		return;
	for (i = 0; i < v->np; i++) {
		const struct rv_part *p = &v->p[i];

		for (; depth < p->depth; depth++)
			sb_adds(b, "<ul class=\"tree\">");
		for (; depth > p->depth; depth--)
			sb_adds(b, "</ul>");
		sb_adds(b, "<li class=\"part\"><code>");
		html_esc(b, p->path[0] ? p->path : "(message)");
		sb_adds(b, "</code> ");
		html_esc(b, p->type);
		sb_printf(b, ", %lld bytes<ul>", p->size);
		draw_findings(b, v, p->path, used);
		sb_adds(b, "</ul></li>\n");
	}
	for (; depth >= 0; depth--)
		sb_adds(b, "</ul>");
	sb_adds(b, "<ul>");
	draw_findings(b, v, NULL, used);
	sb_adds(b, "</ul>\n");
	free(used);
}

void
web_report_tree(struct strbuf *b, const char *json)
{
	struct rv v;

	memset(&v, 0, sizeof(v));
	v.p = malloc(RV_PARTS * sizeof(*v.p));
	v.f = malloc(RV_FINDINGS * sizeof(*v.f));
	if (v.p == NULL || v.f == NULL || json == NULL || json[0] == '\0') {
		sb_adds(b, "<p class=\"muted\">No stored report.</p>");
		goto out;
	}
	jarray(&v, json, "\"parts\":", 1);
	jarray(&v, json, "\"findings\":", 0);
	draw(b, &v);
	if (v.bad)
		sb_adds(b,
		    "<p class=\"error\">The stored report could not be read in full.</p>");
out:
	free(v.p);
	free(v.f);
}
