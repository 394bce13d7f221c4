/*
 * pwtext.c: text made ready for the password harvest (see pwtext.h): markup out,
 * full-width forms folded, the quoted part of a reply chain told apart.
 *
 * HTML replies mark what they quote with <blockquote>, Gmail's "gmail_quote" and
 * Outlook's "divRplyFwdMsg": pwtext_detag turns the first such tag into a line
 * holding PWT_QUOTE_MARK, which pwtext_split reads as a reply separator.
 *
 * Limits: no output is longer than its input; every loop advances.
 */
#include <string.h>
#include <strings.h>

#include "core/pwtext.h"

#define PWT_QUOTE_MARK '\x1e' /* a line of its own: quoted text follows */

static int
pwt_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
pwt_casepfx(const char *t, size_t n, const char *k)
{
	size_t i, kl = strlen(k);

	if (kl > n)
		return 0;
	for (i = 0; i < kl; i++)
		if (pwt_lower((unsigned char)t[i]) != k[i])
			return 0;
	return 1;
}

static const char *
pwt_casefind(const char *t, size_t n, const char *k)
{
	size_t i, kl = strlen(k);

	for (i = 0; i + kl <= n; i++)
		if (pwt_casepfx(t + i, n - i, k))
			return t + i;
	return NULL;
}

/* UTF-8 of code point C into OUT (4 bytes of room); 0 when C is not one. */
static size_t
pwt_utf8(unsigned long c, char *out)
{
	if (c == 0 || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* A numeric entity "&#N;" or "&#xH;" at T: its UTF-8 in OUT (never longer than the
 * entity), *used the bytes it took; 0 when not one. */
static size_t
pwt_numeric(const char *t, size_t n, char *out, size_t *used)
{
	unsigned long c = 0;
	size_t i = 2, d = 0;
	int hex = n > 2 && (t[2] == 'x' || t[2] == 'X');
	int v;

	if (n < 4 || t[1] != '#')
		return 0;
	if (hex)
		i++;
	for (; i < n && d < 7; i++, d++) {
		char ch = (char)pwt_lower((unsigned char)t[i]);

		if (ch >= '0' && ch <= '9')
			v = ch - '0';
		else if (hex && ch >= 'a' && ch <= 'f')
			v = ch - 'a' + 10;
		else
			break;
		c = c * (hex ? 16 : 10) + (unsigned long)v;
	}
	if (d == 0 || i >= n || t[i] != ';')
		return 0;
	*used = i + 1;
	return *used >= (size_t)(4 + (c >= 0x80) + (c >= 0x800) + (c >= 0x10000)) ?
	    pwt_utf8(c, out) :
	    0;
}

static const struct {
	const char *e;
	char c;
} pwt_ents[] = {
	{ "&nbsp;", ' ' },
	{ "&amp;", '&' },
	{ "&quot;", '"' },
	{ "&lt;", '<' },
	{ "&gt;", '>' },
	{ "&apos;", '\'' },
};

/* An entity at T (starting with '&') into OUT; *used bytes taken; 0 when none. */
static size_t
pwt_entity(const char *t, size_t n, char *out, size_t *used)
{
	size_t i;

	for (i = 0; i < sizeof(pwt_ents) / sizeof(pwt_ents[0]); i++)
		if (pwt_casepfx(t, n, pwt_ents[i].e)) {
			out[0] = pwt_ents[i].c;
			*used = strlen(pwt_ents[i].e);
			return 1;
		}
	return pwt_numeric(t, n, out, used);
}

/* Tags that end a line as the reader sees it. */
static const char *const pwt_block[] = {
	"p",
	"div",
	"br",
	"tr",
	"td",
	"th",
	"li",
	"table",
	"tbody",
	"h1",
	"h2",
	"h3",
	"h4",
	"h5",
	"h6",
	"hr",
	"ul",
	"ol",
	"dd",
	"dt",
	"pre",
	"title",
	"blockquote",
	"center",
	"caption",
};

/* What tag T[0..n) (from '<' to '>' included) becomes: '\n', ' ' or the quote
 * mark. */
static char
pwt_tag_out(const char *t, size_t n)
{
	size_t i = 1, k, l;

	if (i < n && t[i] == '/')
		i++;
	if (pwt_casepfx(t, n, "<blockquote") ||
	    pwt_casefind(t, n, "gmail_quote") != NULL ||
	    pwt_casefind(t, n, "divrplyfwdmsg") != NULL)
		return PWT_QUOTE_MARK;
	for (l = 0; i + l < n &&
	     ((t[i + l] >= 'a' && t[i + l] <= 'z') ||
		 (t[i + l] >= 'A' && t[i + l] <= 'Z') ||
		 (t[i + l] >= '0' && t[i + l] <= '9'));
	     l++)
		;
	for (k = 0; k < sizeof(pwt_block) / sizeof(pwt_block[0]); k++)
		if (strlen(pwt_block[k]) == l && pwt_casepfx(t + i, l, pwt_block[k]))
			return '\n';
	return ' ';
}

/* Script and style contents are not text: the offset past their end tag. */
static size_t
pwt_skip_element(const char *t, size_t n, size_t i)
{
	const char *end = NULL;

	if (pwt_casepfx(t + i, n - i, "<script"))
		end = pwt_casefind(t + i, n - i, "</script");
	else if (pwt_casepfx(t + i, n - i, "<style"))
		end = pwt_casefind(t + i, n - i, "</style");
	else
		return i;
	return end != NULL ? (size_t)(end - t) : n;
}

size_t
pwtext_detag(const char *t, size_t n, char *out)
{
	size_t i = 0, o = 0, used, k, j;
	int quoted = 0;
	char c;

	while (i < n) {
		if (t[i] == '<' && i + 1 < n &&
		    (((t[i + 1] | 0x20) >= 'a' && (t[i + 1] | 0x20) <= 'z') ||
			t[i + 1] == '/' || t[i + 1] == '!')) {
			const char *e;

			if ((j = pwt_skip_element(t, n, i)) != i) {
				i = j;
				continue;
			}
			if ((e = memchr(t + i, '>', n - i)) == NULL)
				break;
			c = pwt_tag_out(t + i, (size_t)(e - t) + 1 - i);
			i = (size_t)(e - t) + 1;
			/* the first quoting tag becomes a line of its own (the tag is
			 * longer than the three bytes written) */
			if (c == PWT_QUOTE_MARK && (quoted++ || i - o < 3))
				c = '\n';
			if (c == PWT_QUOTE_MARK) {
				out[o++] = '\n';
				out[o++] = c;
				c = '\n';
			}
			out[o++] = c;
			continue;
		}
		if (t[i] == '&' && (k = pwt_entity(t + i, n - i, out + o, &used)) > 0) {
			o += k;
			i += used;
			continue;
		}
		out[o++] = t[i++];
	}
	return o;
}

size_t
pwtext_fold(const char *t, size_t n, char *out, uint32_t *map)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char a = (unsigned char)t[i];
		unsigned char b = i + 1 < n ? (unsigned char)t[i + 1] : 0;
		unsigned char c = i + 2 < n ? (unsigned char)t[i + 2] : 0;

		map[o] = (uint32_t)i;
		if (a == 0xef && b == 0xbc && c >= 0x81 && c <= 0xbf) {
			out[o++] = (char)(c - 0x81 + 0x21); /* U+FF01..U+FF3F */
			i += 3;
		} else if (a == 0xef && b == 0xbd && c >= 0x80 && c <= 0x9e) {
			out[o++] = (char)(c - 0x80 + 0x60); /* U+FF40..U+FF5E */
			i += 3;
		} else if (a == 0xe3 && b == 0x80 && c == 0x80) {
			out[o++] = ' '; /* U+3000 */
			i += 3;
		} else {
			out[o++] = t[i++];
		}
	}
	map[o] = (uint32_t)n;
	return o;
}

/* Does the line T[0..n) end with K (blanks and CR after it ignored)? */
static int
pwt_ends(const char *t, size_t n, const char *k)
{
	size_t kl = strlen(k);

	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r'))
		n--;
	return n >= kl && memcmp(t + n - kl, k, kl) == 0;
}

/* Is the line T[0..n) (leading blanks removed) a reply separator? */
static int
pwt_separator(const char *t, size_t n)
{
	size_t u = 0;

	if (n == 1 && t[0] == PWT_QUOTE_MARK)
		return 1;
	if (n > 0 && t[0] == '-' &&
	    (pwt_casefind(t, n, "original message") != NULL ||
		pwt_casefind(t, n, "forwarded message") != NULL ||
		memmem(t, n,
		    "\xe5\x85\x83\xe3\x81\xae\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb"
		    "\xe3\x83\xbc\xe3\x82\xb8",
		    21) != NULL)) /* 元のメッセージ */
		return 1;
	if (pwt_casepfx(t, n, "on ") && pwt_ends(t, n, "wrote:"))
		return 1;
	if (pwt_ends(
		t, n, "\xe6\x9b\xb8\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f:"))
		return 1; /* 書きました: */
	if (pwt_casepfx(t, n, "begin forwarded message"))
		return 1;
	while (u < n && t[u] == '_')
		u++;
	return u >= 20;
}

int
pwtext_split(const char *t, size_t n, char *fresh, char *quoted)
{
	size_t i = 0, e, b, k;
	int after = 0, any = 0, q;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);

		e = nl != NULL ? (size_t)(nl - t) : n;
		for (b = i; b < e && (t[b] == ' ' || t[b] == '\t'); b++)
			;
		if (!after && pwt_separator(t + b, e - b))
			after = 1;
		q = after || (b < e && t[b] == '>');
		any |= q;
		memset(fresh + i, ' ', e - i);
		memset(quoted + i, ' ', e - i);
		if (!q) {
			memcpy(fresh + i, t + i, e - i);
		} else {
			/* the quote marks go: "> > x" reads as "x" */
			for (k = b; k < e && (t[k] == '>' || t[k] == ' ' || t[k] == '\t');
			     k++)
				;
			memcpy(quoted + k, t + k, e - k);
		}
		if (e < n) {
			fresh[e] = '\n';
			quoted[e] = '\n';
		}
		i = e + 1;
	}
	return any;
}
