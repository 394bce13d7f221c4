/*
 * mimehdr.c: MIME header values (see mimehdr.h). Single pass over the value per
 * lookup; no allocation except iconv's and the caller's strbuf.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "core/charset.h"
#include "core/bytes.h"
#include "mime/b64.h"
#include "mime/mimehdr.h"
#include "mime/qp.h"

struct mh_seg {
	size_t off, len; /* the value in the header */
	int quoted, ext; /* quoted-string; RFC 2231 "*" (percent-encoded) */
	int used;
};

static int
mh_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip blanks and comments from *I; comments nest (RFC 5322 3.2.2). */
static void
mh_skip(const char *v, size_t n, size_t *i, unsigned *flags)
{
	unsigned depth = 0;

	while (*i < n) {
		unsigned char c = (unsigned char)v[*i];

		if (depth > 0) {
			if (c == '\\' && *i + 1 < n)
				(*i)++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(') {
			depth = 1;
		} else if (!mh_blank(c)) {
			return;
		}
		(*i)++;
	}
	if (depth > 0 && flags != NULL)
		*flags |= MH_UNTERM;
}

int
mimehdr_type(const char *v, size_t n, char *out, size_t outsz)
{
	size_t i = 0, o = 0;
	int slash = 0, sub = 0;

	if (outsz == 0)
		return -1;
	mh_skip(v, n, &i, NULL);
	for (; i < n && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ';' || c == '(' || mh_blank(c) || c == '"')
			break;
		if (c == '/')
			slash++;
		else if (slash)
			sub = 1;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[o] = '\0';
	return slash == 1 && sub && out[0] != '/' ? 0 : -1;
}

void
mimehdr_token(const char *v, size_t n, char *out, size_t outsz)
{
	size_t i = 0, o = 0;

	if (outsz == 0)
		return;
	mh_skip(v, n, &i, NULL);
	for (; i < n && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ';' || c == '(' || mh_blank(c))
			break;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[o] = '\0';
}

/* Read one value at *I: quoted-string or everything up to ';' (blanks trimmed). */
static void
mh_value(const char *v, size_t n, size_t *i, struct mh_seg *s, unsigned *flags)
{
	s->quoted = 0;
	if (*i < n && v[*i] == '"') {
		s->quoted = 1;
		s->off = ++(*i);
		while (*i < n && v[*i] != '"') {
			if (v[*i] == '\\' && *i + 1 < n)
				(*i)++;
			(*i)++;
		}
		s->len = *i - s->off;
		if (*i < n)
			(*i)++;
		else
			*flags |= MH_UNTERM;
		return;
	}
	s->off = *i;
	while (*i < n && v[*i] != ';')
		(*i)++;
	s->len = *i - s->off;
	while (s->len > 0 && mh_blank((unsigned char)v[s->off + s->len - 1]))
		s->len--;
}

/* Attribute at *I: compare with NAME; *SEG gets -1 (plain), or the section number;
 * *EXT the trailing "*". Returns 1 when it is NAME. */
static int
mh_attr(const char *v, size_t n, size_t *i, const char *name, long *seg, int *ext)
{
	size_t a = *i, nl = strlen(name), e;
	long num = 0;
	int digits = 0;

	while (*i < n && v[*i] != '=' && v[*i] != ';' && !mh_blank((unsigned char)v[*i]))
		(*i)++;
	e = *i;
	*seg = -1;
	*ext = 0;
	if (e - a < nl || strncasecmp(v + a, name, nl) != 0)
		return 0;
	a += nl;
	if (a < e && v[e - 1] == '*') {
		*ext = 1;
		e--;
	}
	if (a == e)
		return 1;
	if (v[a] != '*')
		return 0;
	for (a++; a < e; a++) {
		if (v[a] < '0' || v[a] > '9' || ++digits > 4)
			return 0;
		num = num * 10 + (v[a] - '0');
	}
	if (digits == 0) {
		/* "name*" alone: already taken as ext above unless "name**" */
		return 0;
	}
	*seg = num;
	return 1;
}

/* Append the unescaped quoted-string or token S. */
static void
mh_raw(const char *v, const struct mh_seg *s, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < s->len; i++) {
		char c = v[s->off + i];

		if (s->quoted && c == '\\' && i + 1 < s->len)
			c = v[s->off + ++i];
		sb_addc(out, c);
	}
}

/* Percent-decode S (RFC 2231 ext value) onto OUT. */
static void
mh_pct(const char *p, size_t n, struct strbuf *out)
{
	size_t i;
	int h, l;

	for (i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n &&
		    (h = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)p[i + 2])) >= 0) {
			sb_addc(out, (char)(h << 4 | l));
			i += 2;
		} else {
			sb_addc(out, p[i]);
		}
	}
}

void
mimehdr_to_utf8(const char *charset, const char *in, size_t n, struct strbuf *out)
{
	char buf[1024], *ip = (char *)(uintptr_t)in, *op;
	char name[CHARSET_NAME_MAX + 1];
	size_t il = n, ol;
	iconv_t cd;

	if (charset == NULL || *charset == '\0' || strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0 || strcasecmp(charset, "us-ascii") == 0) {
		sb_add(out, in, n);
		return;
	}
	/* "shift_jis" is CP932 and so on (charset.c); refused labels stay raw */
	if ((charset = charset_iconv_name(charset, name, sizeof(name))) == NULL ||
	    (cd = iconv_open("UTF-8", charset)) == (iconv_t)-1) {
		sb_add(out, in, n);
		return;
	}
	while (il > 0) {
		op = buf;
		ol = sizeof(buf);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != E2BIG) {
			sb_add(out, buf, (size_t)(op - buf));
			/* an invalid byte: keep it raw and go on */
			sb_addc(out, *ip);
			ip++;
			il--;
			continue;
		}
		sb_add(out, buf, (size_t)(op - buf));
		if (out->truncated || out->oom)
			break;
	}
	iconv_close(cd);
}

/* Join RFC 2231 segments 0..k in order. */
static void
mh_join(
    const char *v, struct mh_seg *segs, size_t nseg, struct strbuf *out, unsigned *flags)
{
	struct strbuf raw = STRBUF_INIT;
	char charset[64] = "";
	size_t k, start;

	sb_init(&raw, out->max ? out->max : 64 * 1024);
	for (k = 0; k < nseg && segs[k].used; k++) {
		const struct mh_seg *s = &segs[k];
		const char *p = v + s->off;
		size_t len = s->len;

		if (k == 0 && s->ext) {
			/* charset'language'value */
			const char *q1 = memchr(p, '\'', len), *q2;

			if (q1 != NULL &&
			    (q2 = memchr(q1 + 1, '\'', len - (size_t)(q1 + 1 - p))) !=
				NULL) {
				size_t cl = (size_t)(q1 - p);

				if (cl >= sizeof(charset))
					cl = sizeof(charset) - 1;
				memcpy(charset, p, cl);
				charset[cl] = '\0';
				start = (size_t)(q2 + 1 - p);
				p += start;
				len -= start;
			}
		}
		if (s->ext)
			mh_pct(p, len, &raw);
		else
			mh_raw(v, s, &raw);
	}
	for (; k < nseg; k++)
		if (segs[k].used)
			*flags |=
			    MH_BADSEG; /* a gap: later segments are lost to most readers */
	mimehdr_to_utf8(charset, raw.s ? raw.s : "", raw.len, out);
	sb_free(&raw);
}

/* Past the type (or disposition) token, to the first ';' outside quotes. */
static size_t
mh_start(const char *v, size_t n, unsigned *fl)
{
	struct mh_seg s;
	size_t i = 0;

	while (i < n && v[i] != ';') {
		if (v[i] == '"')
			mh_value(v, n, &i, &s, fl);
		else
			i++;
	}
	return i;
}

/* The next parameter at *I: -1 at the end, 1 when it is NAME (value in *S,
 * section in *SEG, "*" in *EXT), else 0. */
static int
mh_next(const char *v, size_t n, size_t *i, const char *name, struct mh_seg *s, long *seg,
    int *ext, unsigned *fl)
{
	int match;

	while (*i < n && (v[*i] == ';' || mh_blank((unsigned char)v[*i])))
		(*i)++;
	mh_skip(v, n, i, fl);
	if (*i >= n)
		return -1;
	if (v[*i] == '"') { /* a stray quoted string: skipped whole */
		mh_value(v, n, i, s, fl);
		return 0;
	}
	match = mh_attr(v, n, i, name, seg, ext);
	mh_skip(v, n, i, fl);
	if (*i >= n || v[*i] != '=') {
		while (*i < n && v[*i] != ';')
			(*i)++;
		return 0;
	}
	(*i)++;
	mh_skip(v, n, i, fl);
	mh_value(v, n, i, s, fl);
	return match;
}

int
mimehdr_param(
    const char *v, size_t n, const char *name, struct strbuf *out, unsigned *flags)
{
	struct mh_seg segs[MIMEHDR_MAX_SEGMENTS], plain, s;
	unsigned fl = 0;
	size_t i = 0, nseg = 0;
	int have_plain = 0, have_2231 = 0, ext, match;
	long seg;

	memset(segs, 0, sizeof(segs));
	memset(&plain, 0, sizeof(plain));
	i = mh_start(v, n, &fl);
	while ((match = mh_next(v, n, &i, name, &s, &seg, &ext, &fl)) >= 0) {
		if (!match)
			continue;
		s.ext = ext;
		s.used = 1;
		if (seg < 0 && !ext) {
			fl |= have_plain ? MH_DUP : 0;
			if (!have_plain) /* the first one, as most readers */
				plain = s;
			have_plain = 1;
		} else {
			if (seg < 0)
				seg = 0;
			have_2231 = 1;
			if ((size_t)seg >= MIMEHDR_MAX_SEGMENTS) {
				fl |= MH_BADSEG;
				continue;
			}
			if (segs[seg].used)
				fl |= MH_DUP;
			else
				segs[seg] = s;
			if ((size_t)seg + 1 > nseg)
				nseg = (size_t)seg + 1;
		}
	}
	if (have_2231) {
		size_t before = out->len;

		fl |= MH_2231;
		mh_join(v, segs, nseg, out, &fl);
		if (have_plain) {
			struct strbuf p2 = STRBUF_INIT;

			mh_raw(v, &plain, &p2);
			if (p2.len != out->len - before ||
			    memcmp(p2.s ? p2.s : "", out->s + before, p2.len) != 0)
				fl |= MH_BOTH;
			sb_free(&p2);
		}
	} else if (have_plain) {
		struct strbuf raw = STRBUF_INIT;

		sb_init(&raw, out->max ? out->max : 64 * 1024);
		mh_raw(v, &plain, &raw);
		if (mimehdr_2047(raw.s ? raw.s : "", raw.len, out) > 0)
			fl |= MH_2047;
		sb_free(&raw);
	}
	if (flags != NULL)
		*flags = fl;
	return have_plain || have_2231;
}

/* One encoded word at IN[0..n) starting with "=?": decoded onto OUT. Returns the
 * bytes consumed, or 0 when it is not an encoded word. */
static size_t
mh_word(const char *in, size_t n, struct strbuf *out)
{
	char charset[64];
	const char *q1, *q2, *end;
	size_t cl, tl, i, lim = n < 4096 ? n : 4096;
	unsigned char tmp[1024];
	struct strbuf dec = STRBUF_INIT;
	struct b64 b;
	int h, l;

	if (lim < 8 || (q1 = memchr(in + 2, '?', lim - 2)) == NULL)
		return 0;
	cl = (size_t)(q1 - in - 2);
	if (cl == 0 || cl >= sizeof(charset) || (size_t)(q1 - in) + 4 > lim ||
	    q1[2] != '?')
		return 0;
	q2 = q1 + 3;
	end = NULL;
	for (i = (size_t)(q2 - in); i + 1 < lim; i++)
		if (in[i] == '?' && in[i + 1] == '=') {
			end = in + i;
			break;
		}
	if (end == NULL)
		return 0;
	memcpy(charset, in + 2, cl);
	charset[cl] = '\0';
	if (memchr(charset, '*', cl) != NULL) /* RFC 2231 language suffix */
		*(char *)memchr(charset, '*', cl) = '\0';
	tl = (size_t)(end - q2);
	sb_init(&dec, 8192);
	if (q1[1] == 'B' || q1[1] == 'b') {
		b64_init(&b);
		for (i = 0; i < tl; i += 512)
			sb_add(&dec, tmp,
			    b64_decode(&b, q2 + i, tl - i < 512 ? tl - i : 512, tmp));
	} else if (q1[1] == 'Q' || q1[1] == 'q') {
		for (i = 0; i < tl; i++) {
			if (q2[i] == '_')
				sb_addc(&dec, ' ');
			else if (q2[i] == '=' && i + 2 < tl &&
			    (h = hexval((unsigned char)q2[i + 1])) >= 0 &&
			    (l = hexval((unsigned char)q2[i + 2])) >= 0) {
				sb_addc(&dec, (char)(h << 4 | l));
				i += 2;
			} else
				sb_addc(&dec, q2[i]);
		}
	} else {
		sb_free(&dec);
		return 0;
	}
	mimehdr_to_utf8(charset, dec.s ? dec.s : "", dec.len, out);
	sb_free(&dec);
	return (size_t)(end + 2 - in);
}

int
mimehdr_2047(const char *in, size_t n, struct strbuf *out)
{
	size_t i = 0, used, ws = 0, ws_len = 0;
	int words = 0, last_word = 0;

	while (i < n) {
		if (in[i] == '=' && i + 1 < n && in[i + 1] == '?' &&
		    (used = mh_word(in + i, n - i, out)) > 0) {
			/* blanks between two encoded words vanish (RFC 2047 6.2): the
			 * held blanks are simply dropped */
			words++;
			last_word = 1;
			ws_len = 0;
			i += used;
			continue;
		}
		if (last_word && mh_blank((unsigned char)in[i])) {
			if (ws_len++ == 0)
				ws = i;
			i++;
			continue;
		}
		if (ws_len > 0)
			sb_add(out, in + ws, ws_len);
		ws_len = 0;
		last_word = 0;
		sb_addc(out, in[i]);
		i++;
	}
	if (ws_len > 0)
		sb_add(out, in + ws, ws_len);
	return words;
}

int
mimehdr_param_nth(
    const char *v, size_t n, const char *name, unsigned nth, struct strbuf *out)
{
	struct mh_seg s;
	unsigned fl = 0, seen = 0;
	size_t i = mh_start(v, n, &fl);
	int ext, match;
	long seg;

	while ((match = mh_next(v, n, &i, name, &s, &seg, &ext, &fl)) >= 0) {
		if (match && seg < 0 && !ext && seen++ == nth) {
			mh_raw(v, &s, out);
			return 1;
		}
	}
	return 0;
}
