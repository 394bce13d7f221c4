/*
 * mime_head.c: the header fields of a MIME entity: unfolded lines to the few fields
 * the parser acts on (Content-Type, Content-Transfer-Encoding,
 * Content-Disposition, Subject of a message), with the exposing reading where
 * headers repeat: a multipart Content-Type wins over a non-multipart one (and the
 * boundaries of every multipart one are kept), the Content-Disposition with a
 * filename wins over one without. "Content-Type(comment):" counts as Content-Type.
 *
 * Limits: limits.header_bytes per entity (mime.limit), counted in mime.c.
 * BUGS: 8-bit bytes in headers are taken as they are (UTF-8 assumed, not reported).
 */
#include <string.h>
#include <strings.h>

#include "mime/mime_int.h"
#include "mime/mimehdr.h"

static int
hdr_is(const char *name, size_t nlen, const char *want)
{
	return nlen == strlen(want) && strncasecmp(name, want, nlen) == 0;
}

static int
is_multipart_value(const struct strbuf *v)
{
	char t[MIME_TYPE_MAX];

	mimehdr_type(sb_str(v), v->len, t, sizeof(t));
	return strncmp(t, "multipart/", 10) == 0;
}

/* The current entity's parent is a message: this is its top entity. */
static int
hdr_of_message(const struct mime *p)
{
	return p->fr[p->nf - 1].kind == F_MSG;
}

static void
hdr_subject(struct mime *p, const char *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb, 4096);
	mimehdr_2047(v, n, &sb);
	if (p->mc.sink->text != NULL)
		p->mc.sink->text(p->mc.arg, p->fr[p->nf - 1].part, sb_str(&sb), sb.len);
	sb_free(&sb);
}

/* One complete header field of the entity being read. */
static void
hdr_field(struct mime *p, const char *name, size_t nlen, const char *v, size_t n)
{
	int part = p->fr[p->nf - 1].part;
	struct strbuf tmp = STRBUF_INIT;

	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (hdr_is(name, nlen, "content-type")) {
		sb_init(&tmp, n + 1);
		sb_add(&tmp, v, n);
		if (p->nct++ == 0 ||
		    (is_multipart_value(&tmp) && !is_multipart_value(&p->ctype))) {
			sb_reset(&p->ctype);
			sb_add(&p->ctype, v, n);
		} else if (is_multipart_value(&tmp)) {
			/* its boundary is honoured too: some reader will */
			sb_add(&p->ctalt, v, n);
			sb_addc(&p->ctalt, '\0');
		}
		if (p->nct == 2)
			mime_malformed(p, part, "several Content-Type headers");
		sb_free(&tmp);
	} else if (hdr_is(name, nlen, "content-transfer-encoding")) {
		if (p->ncte++ == 0)
			sb_add(&p->cte, v, n);
		else if (p->ncte == 2)
			mime_malformed(
			    p, part, "several Content-Transfer-Encoding headers");
	} else if (hdr_is(name, nlen, "content-disposition")) {
		if (p->ncd++ == 0 ||
		    (memmem(v, n, "filename", 8) != NULL &&
			memmem(sb_str(&p->cdisp), p->cdisp.len, "filename", 8) == NULL)) {
			sb_reset(&p->cdisp);
			sb_add(&p->cdisp, v, n);
		}
		if (p->ncd == 2)
			mime_malformed(p, part, "several Content-Disposition headers");
	} else if (hdr_is(name, nlen, "subject") && hdr_of_message(p)) {
		hdr_subject(p, v, n);
	}
}

/* The length of the header name in S (N bytes before the colon) as the most
 * exposing reader sees it: "Content-Type(x)" is Content-Type to some readers, and
 * "Content-Type " was allowed by RFC 822. The same for stream and milter headers. */
static size_t
hdr_name_len(struct mime *p, const char *s, size_t n)
{
	const char *cmt = memchr(s, '(', n);

	if (cmt != NULL) {
		n = (size_t)(cmt - s);
		mime_malformed(p, p->fr[p->nf - 1].part, "comment in a header name");
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* The header line assembled in p->cur is complete. */
void
mime_hdr_flush(struct mime *p)
{
	const char *s = sb_str(&p->cur), *colon;
	size_t nlen;

	if (p->cur.len == 0)
		return;
	colon = memchr(s, ':', p->cur.len);
	if (colon != NULL) {
		nlen = hdr_name_len(p, s, (size_t)(colon - s));
		hdr_field(p, s, nlen, colon + 1, p->cur.len - (size_t)(colon + 1 - s));
	}
	sb_reset(&p->cur);
}

/* Could LINE start a header field ("Name:")? */
int
mime_hdr_looks(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return i > 0;
		if (c <= ' ' || c >= 127) {
			/* blanks before the colon: tolerated as RFC 822 did */
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			return i > 0 && i < n && s[i] == ':';
		}
	}
	return 0;
}

em_status
mime_header(struct mime *p, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);

	if (!p->in_hdr || p->nf != 1)
		return p->err;
	p->hbytes += nl + vl + 3;
	if (p->hbytes > p->lim->header_bytes) {
		if (!p->hlimit++)
			mime_limit(p, p->root, "header block longer than %zu bytes",
			    p->lim->header_bytes);
		return p->err;
	}
	hdr_field(p, name, hdr_name_len(p, name, nl), value, vl);
	p->hdr_first = 0;
	return p->err;
}
