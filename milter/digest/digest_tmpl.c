/*
 * digest_tmpl.c: digest templates (conf/digest/digest.LANG.txt and .html).
 *
 * Syntax: {{name}} is replaced by the variable's value; an unknown name by nothing;
 * one block {{#entry}}...{{/entry}} is repeated for each entry with the entry's
 * variables (and the top-level ones); a marker followed by a line end takes it
 * along. The first line of the text template may be
 * "Subject: ..." (the caller takes it off).
 * Promises: values never become markup: in an HTML template every value is escaped
 * (& < > " '); in both, control bytes other than LF and TAB are dropped.
 * Limits: DIGEST_TMPL_MAX bytes a template; names up to 32 bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest/digest.h"

#define DIGEST_TMPL_MAX (256 * 1024)
#define BLOCK_OPEN      "{{#entry}}"
#define BLOCK_CLOSE     "{{/entry}}"

int
digest_tmpl_load(struct digest_tmpl *t, const char *dir, const char *lang, int html,
    struct strbuf *err)
{
	struct strbuf b = STRBUF_INIT;
	char path[4096], buf[8192];
	ssize_t n;
	int fd;

	memset(t, 0, sizeof(*t));
	if (!digest_lang_ok(lang))
		return sb_printf(
			   err, "digest_language \"%s\": en or ja", lang ? lang : ""),
		       -1;
	snprintf(path, sizeof(path), "%s/digest.%s.%s", dir, lang, html ? "html" : "txt");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return sb_printf(err, "%s: %s", path, strerror(errno)), -1;
	sb_init(&b, DIGEST_TMPL_MAX);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sb_add(&b, buf, (size_t)n);
	}
	close(fd);
	if (n < 0 || b.oom || b.truncated) {
		sb_free(&b);
		return sb_printf(
			   err, "%s: unreadable or over %d bytes", path, DIGEST_TMPL_MAX),
		       -1;
	}
	t->len = b.len;
	t->text = sb_take(&b);
	t->html = html;
	return t->text ? 0 : -1;
}

void
digest_tmpl_free(struct digest_tmpl *t)
{
	free(t->text);
	memset(t, 0, sizeof(*t));
}

static void
put_value(struct strbuf *out, const char *v, int html)
{
	for (; v && *v; v++) {
		unsigned char c = (unsigned char)*v;

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			continue;
		if (!html)
			sb_addc(out, (char)c);
		else if (c == '&')
			sb_adds(out, "&amp;");
		else if (c == '<')
			sb_adds(out, "&lt;");
		else if (c == '>')
			sb_adds(out, "&gt;");
		else if (c == '"')
			sb_adds(out, "&quot;");
		else if (c == '\'')
			sb_adds(out, "&#39;");
		else
			sb_addc(out, (char)c);
	}
}

static const char *
lookup(const struct digest_var *a, size_t na, const struct digest_var *b, size_t nb,
    const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (strlen(a[i].name) == n && memcmp(a[i].name, name, n) == 0)
			return a[i].value;
	for (i = 0; i < nb; i++)
		if (strlen(b[i].name) == n && memcmp(b[i].name, name, n) == 0)
			return b[i].value;
	return "";
}

/* P..END with its placeholders filled from ENTRY (NE) then TOP (NT). */
static void
fill_span(const char *p, const char *end, int html, const struct digest_var *entry,
    size_t ne, const struct digest_var *top, size_t nt, struct strbuf *out)
{
	const char *o, *c;

	while (p < end) {
		if ((o = memmem(p, (size_t)(end - p), "{{", 2)) == NULL) {
			sb_add(out, p, (size_t)(end - p));
			return;
		}
		c = memmem(o + 2, (size_t)(end - o - 2), "}}", 2);
		if (c == NULL || c - o - 2 > 32) { /* not a placeholder: kept as text */
			sb_add(out, p, (size_t)(o + 2 - p));
			p = o + 2;
			continue;
		}
		sb_add(out, p, (size_t)(o - p));
		put_value(
		    out, lookup(entry, ne, top, nt, o + 2, (size_t)(c - o - 2)), html);
		p = c + 2;
	}
}

int
digest_tmpl_fill(const struct digest_tmpl *t, const struct digest_var *top, size_t ntop,
    const struct digest_var *const *entries, size_t nentries, size_t nv,
    struct strbuf *out)
{
	const char *s = t->text, *end = s + t->len;
	const char *bo = memmem(s, t->len, BLOCK_OPEN, strlen(BLOCK_OPEN));
	const char *bc =
	    bo ? memmem(bo, (size_t)(end - bo), BLOCK_CLOSE, strlen(BLOCK_CLOSE)) : NULL;
	size_t i;

	if (bo == NULL || bc == NULL) {
		fill_span(s, end, t->html, NULL, 0, top, ntop, out);
		return out->oom ? -1 : 0;
	}
	fill_span(s, bo, t->html, NULL, 0, top, ntop, out);
	/* A marker alone on its line takes its line end with it. */
	bo += strlen(BLOCK_OPEN) + (bo[strlen(BLOCK_OPEN)] == '\n');
	for (i = 0; i < nentries; i++)
		fill_span(bo, bc, t->html, entries[i], nv, top, ntop, out);
	bc += strlen(BLOCK_CLOSE);
	bc += bc < end && *bc == '\n';
	fill_span(bc, end, t->html, NULL, 0, top, ntop, out);
	return out->oom ? -1 : 0;
}
