/*
 * ooxml_xml.c: the tolerant XML tag reader of ooxml.h.
 *
 * Linear in the input: each call moves *off forward; no recursion, no allocation.
 * Limits: names and attribute values are cut by the caller's buffers.
 * BUGS: a '>' inside a quoted attribute value ends the tag early only when the
 * quotes are unbalanced; DTD internal subsets are skipped up to the first '>'.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "office/ooxml.h"

/* Skip a markup construct that is not an element; returns the offset after it. */
static size_t
xml_skip_special(const char *d, size_t len, size_t i)
{
	const char *e;
	const char *close;
	size_t clen;

	if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0) {
		close = "-->";
	} else if (len - i >= 9 && memcmp(d + i, "<![CDATA[", 9) == 0) {
		close = "]]>";
	} else if (len - i >= 2 && d[i + 1] == '?') {
		close = "?>";
	} else {
		close = ">";
	}
	clen = strlen(close);
	e = memmem(d + i + 2, len - i - 2, close, clen);
	return e == NULL ? len : (size_t)(e - d) + clen;
}

/* The end of a tag starting at I ('>' outside quotes), or LEN. */
static size_t
xml_tag_end(const char *d, size_t len, size_t i)
{
	char q = 0;

	for (; i < len; i++) {
		if (q != 0) {
			if (d[i] == q)
				q = 0;
		} else if (d[i] == '"' || d[i] == '\'') {
			q = d[i];
		} else if (d[i] == '>') {
			return i;
		}
	}
	return len;
}

static void
xml_fill(const char *d, size_t s, size_t gt, struct xml_el *el)
{
	size_t i = s + 1, j;

	if (i < gt && d[i] == '/') {
		el->close = 1;
		i++;
	}
	el->name = d + i;
	for (j = i; j < gt && !isspace((unsigned char)d[j]) && d[j] != '/'; j++)
		;
	el->name_len = j - i;
	el->local = el->name;
	el->local_len = el->name_len;
	{
		const char *c = memchr(el->name, ':', el->name_len);

		if (c != NULL) {
			el->local = c + 1;
			el->local_len = el->name_len - (size_t)(c + 1 - el->name);
		}
	}
	el->attrs = d + j;
	el->attrs_len = gt - j;
	if (gt > s + 1 && d[gt - 1] == '/') {
		el->selfclose = 1;
		if (el->attrs_len > 0)
			el->attrs_len--;
	}
}

int
xml_next(const char *d, size_t len, size_t *off, struct xml_el *el)
{
	size_t i = *off, text = *off, gt;
	const char *lt;

	while (i < len) {
		if ((lt = memchr(d + i, '<', len - i)) == NULL)
			break;
		i = (size_t)(lt - d);
		if (i + 1 < len && (d[i + 1] == '!' || d[i + 1] == '?')) {
			i = xml_skip_special(d, len, i);
			continue;
		}
		gt = xml_tag_end(d, len, i + 1);
		if (gt >= len)
			break;
		memset(el, 0, sizeof(*el));
		xml_fill(d, i, gt, el);
		el->text_off = text;
		el->start = i;
		el->end = gt + 1;
		*off = gt + 1;
		return 1;
	}
	*off = len;
	return 0;
}

int
xml_is(const struct xml_el *el, const char *local)
{
	size_t n = strlen(local);

	return el->local_len == n && strncasecmp(el->local, local, n) == 0;
}

/* A character reference or predefined entity at S/N ('&' first); returns bytes
 * used (0 when it is not one) and the character in *c (Latin-1 / ASCII subset;
 * other code points become '?'). */
static size_t
xml_entity(const char *s, size_t n, char *c)
{
	static const struct {
		const char *e;
		char c;
	} ents[] = {
		{ "&amp;", '&' },
		{ "&lt;", '<' },
		{ "&gt;", '>' },
		{ "&quot;", '"' },
		{ "&apos;", '\'' },
	};
	size_t i, k;
	unsigned long v = 0;
	int hex;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		k = strlen(ents[i].e);
		if (n >= k && memcmp(s, ents[i].e, k) == 0) {
			*c = ents[i].c;
			return k;
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	hex = s[2] == 'x' || s[2] == 'X';
	for (k = hex ? 3 : 2; k < n && k < 12 && s[k] != ';'; k++) {
		int dgt = isdigit((unsigned char)s[k]) ?
		    s[k] - '0' :
		    hex && isxdigit((unsigned char)s[k]) ?
		    tolower((unsigned char)s[k]) - 'a' + 10 :
		    -1;

		if (dgt < 0)
			return 0;
		v = v * (hex ? 16 : 10) + (unsigned long)dgt;
	}
	if (k >= n || s[k] != ';')
		return 0;
	*c = v < 0x80 ? (char)v : '?';
	return k + 1;
}

size_t
xml_unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i = 0, o = 0, k;
	char c;

	if (outsz == 0)
		return 0;
	while (i < n) {
		c = s[i];
		k = 1;
		if (c == '&' && (k = xml_entity(s + i, n - i, &c)) == 0)
			k = 1;
		if (o + 1 < outsz)
			out[o++] = c;
		i += k;
	}
	out[o] = '\0';
	return o;
}

long
xml_attr(const struct xml_el *el, const char *local, char *out, size_t outsz)
{
	const char *a = el->attrs;
	size_t n = el->attrs_len, i = 0, ns, ne, vs, ve, ln = strlen(local), qn;
	const char *colon;
	char q;

	while (i < n) {
		while (i < n && (isspace((unsigned char)a[i]) || a[i] == '/'))
			i++;
		ns = i;
		while (i < n && a[i] != '=' && !isspace((unsigned char)a[i]))
			i++;
		ne = i;
		while (i < n && isspace((unsigned char)a[i]))
			i++;
		if (i >= n || a[i] != '=') {
			if (i == ns)
				i++;
			continue;
		}
		i++;
		while (i < n && isspace((unsigned char)a[i]))
			i++;
		q = i < n && (a[i] == '"' || a[i] == '\'') ? a[i++] : 0;
		vs = i;
		while (i < n && (q ? a[i] != q : !isspace((unsigned char)a[i])))
			i++;
		ve = i;
		if (i < n && q)
			i++;
		qn = ne - ns;
		colon = memchr(a + ns, ':', qn);
		if (colon != NULL) {
			qn = ne - (size_t)(colon + 1 - a);
			ns = (size_t)(colon + 1 - a);
		}
		if (qn == ln && strncasecmp(a + ns, local, ln) == 0) {
			size_t k = xml_unescape(a + vs, ve - vs, out, outsz);

			return (long)(k < ve - vs ? ve - vs : k);
		}
	}
	return -1;
}
