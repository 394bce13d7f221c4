/*
 * strbuf.c: growable capped buffers and escapers (see strbuf.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/strbuf.h"

#define SB_DEFAULT_MAX (64u * 1024 * 1024)

void
sb_init(struct strbuf *sb, size_t max)
{
	memset(sb, 0, sizeof(*sb));
	sb->max = max;
}

void
sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s != NULL)
		sb->s[0] = '\0';
	sb->truncated = sb->oom = 0;
}

static int
sb_grow(struct strbuf *sb, size_t need)
{
	size_t ncap;
	char *ns;

	if (need + 1 <= sb->cap)
		return 0;
	ncap = sb->cap ? sb->cap : 64;
	while (ncap < need + 1)
		ncap *= 2;
	ns = realloc(sb->s, ncap);
	if (ns == NULL) {
		sb->oom = 1;
		em_oom_note();
		return -1;
	}
	sb->s = ns;
	sb->cap = ncap;
	return 0;
}

void
sb_add(struct strbuf *sb, const void *p, size_t n)
{
	size_t max = sb->max ? sb->max : SB_DEFAULT_MAX;

	if (sb->oom)
		return;
	if (n > max - sb->len) {
		n = max - sb->len;
		sb->truncated = 1;
	}
	if (sb_grow(sb, sb->len + n) != 0)
		return;
	if (n > 0)
		memcpy(sb->s + sb->len, p, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_addc(struct strbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void
sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;
	char *big;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sb_add(sb, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (big == NULL) {
		sb->oom = 1;
		em_oom_note();
		return;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	sb_add(sb, big, (size_t)n);
	free(big);
}

void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *
sb_str(const struct strbuf *sb)
{
	return sb->s != NULL ? sb->s : "";
}

char *
sb_take(struct strbuf *sb)
{
	char *s = sb->s;

	if (s == NULL && (s = strdup("")) == NULL)
		em_oom_note();
	memset(sb, 0, sizeof(*sb));
	return s;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0 if invalid. */
size_t
sb_utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
sb_json_str(struct strbuf *sb, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, k;

	sb_addc(sb, '"');
	while (i < n) {
		unsigned char c = u[i];

		if (c == '"' || c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)c);
			i++;
		} else if (c == '\n') {
			sb_adds(sb, "\\n"), i++;
		} else if (c == '\r') {
			sb_adds(sb, "\\r"), i++;
		} else if (c == '\t') {
			sb_adds(sb, "\\t"), i++;
		} else if (c < 0x20 || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c), i++;
		} else if ((k = sb_utf8_len(u + i, n - i)) > 0) {
			sb_add(sb, u + i, k);
			i += k;
		} else {
			sb_printf(sb, "\\u00%02x", c), i++;
		}
	}
	sb_addc(sb, '"');
}

void
sb_safe(struct strbuf *sb, const char *p, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i, lim = n < max ? n : max;

	for (i = 0; i < lim; i++) {
		if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != '\\')
			sb_addc(sb, (char)u[i]);
		else
			sb_printf(sb, "\\x%02x", u[i]);
	}
	if (n > max)
		sb_adds(sb, "...");
}
