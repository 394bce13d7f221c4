/*
 * mime.c: the streaming MIME parser (see mime.h): bytes to lines, lines to headers,
 * boundaries and leaf bodies; entities on an explicit stack.
 *
 * Lines end at LF (a CR before it is part of the end). A line longer than
 * limits.line_length is cut: the pieces still go to the leaf (so an attachment on
 * one long line is still decoded) but only a line's start can be a boundary, and
 * mime.limit is recorded once. Header blocks are capped by limits.header_bytes, the
 * number of parts by limits.mime_parts, nesting by limits.mime_depth; each crossing
 * records mime.limit and parsing goes on where it is safe (a too-deep multipart is
 * scanned as one opaque leaf, parts past the limit are dropped).
 * Where readers differ, the exposing reading is taken and mime.malformed recorded:
 * a multipart Content-Type wins over a second non-multipart one, the
 * Content-Disposition with a filename wins, filename wins over name (the other is
 * reported), a part whose first line is not a header starts its body there, an
 * unknown transfer encoding is read as binary.
 *
 * BUGS: preamble and epilogue text is not scanned; headers with 8-bit bytes are
 * taken as they are (UTF-8 assumed, not reported).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/mime_int.h"
#include "mime/mimehdr.h"

static void
mime_vfind(struct mime *p, int part, const char *name, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb, 512);
	sb_vprintf(&sb, fmt, ap);
	report_add(p->r, part, name, "%s", sb_str(&sb));
	sb_free(&sb);
}

void
mime_malformed(struct mime *p, int part, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mime_vfind(p, part, "mime.malformed", fmt, ap);
	va_end(ap);
}

void
mime_limit(struct mime *p, int part, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mime_vfind(p, part, "mime.limit", fmt, ap);
	va_end(ap);
}

static void
hdr_reset(struct mime *p)
{
	sb_reset(&p->cur);
	sb_reset(&p->ctype);
	sb_reset(&p->cte);
	sb_reset(&p->cdisp);
	sb_reset(&p->ctalt);
	p->nct = p->ncte = p->ncd = 0;
	p->hbytes = 0;
	p->hlimit = 0;
	p->hdr_first = 1;
}

struct mime *
mime_new(const struct mime_conf *mc, int root, unsigned depth, int headers_in_body)
{
	struct mime *p = calloc(1, sizeof(*p));
	size_t hb;

	if (p == NULL)
		return NULL;
	p->mc = *mc;
	p->r = mc->r;
	p->lim = mc->lim;
	p->root = root;
	p->depth = depth;
	p->nfmax = depth + 1;
	p->dec = &p->decoded;
	p->lcap = p->lim->line_length > 0 ? p->lim->line_length : 1;
	hb = p->lim->header_bytes + 1;
	sb_init(&p->cur, hb);
	sb_init(&p->ctype, hb);
	sb_init(&p->cte, 1024);
	sb_init(&p->cdisp, hb);
	sb_init(&p->ctalt, hb);
	p->lb = malloc(p->lcap);
	p->fr = calloc(p->nfmax + 1, sizeof(*p->fr)); /* + a leaf on top */
	if (p->lb == NULL || p->fr == NULL) {
		mime_free(p);
		return NULL;
	}
	p->fr[0].kind = F_MSG;
	p->fr[0].part = root;
	p->nf = 1;
	hdr_reset(p);
	p->in_hdr = 1;
	p->hdr_apart = !headers_in_body;
	return p;
}

void
mime_free(struct mime *p)
{
	if (p == NULL)
		return;
	spool_free(p->leaf.sp);
	spool_free(p->leaf.uusp);
	sb_free(&p->cur);
	sb_free(&p->ctype);
	sb_free(&p->cte);
	sb_free(&p->cdisp);
	sb_free(&p->ctalt);
	free(p->lb);
	free(p->fr);
	free(p->rg);
	free(p);
}

void
mime_keep_ranges(struct mime *p)
{
	p->toplevel = 1;
}

uint64_t
mime_offset(const struct mime *p)
{
	return p->off;
}

int
mime_range(const struct mime *p, int part, uint64_t *start, uint64_t *end)
{
	size_t i;

	for (i = 0; i < p->nrg; i++)
		if (p->rg[i].part == part) {
			*start = p->rg[i].start;
			*end = p->rg[i].end;
			return 0;
		}
	return -1;
}

static void
range_open(struct mime *p, int part, uint64_t start)
{
	if (!p->toplevel)
		return;
	if (p->nrg == p->rgcap) {
		size_t ncap = p->rgcap ? p->rgcap * 2 : 16;
		struct mime_range *n = realloc(p->rg, ncap * sizeof(*n));

		if (n == NULL)
			return; /* no range: strip falls back to its own rule */
		p->rg = n;
		p->rgcap = ncap;
	}
	p->rg[p->nrg].part = part;
	p->rg[p->nrg].start = start;
	p->rg[p->nrg].end = UINT64_MAX;
	p->nrg++;
}

static void
range_close(struct mime *p, uint64_t end)
{
	if (p->nrg > 0 && p->rg[p->nrg - 1].end == UINT64_MAX)
		p->rg[p->nrg - 1].end =
		    end < p->rg[p->nrg - 1].start ? p->rg[p->nrg - 1].start : end;
}

/* Pop the top frame: close its leaf; a multipart without its close boundary is
 * reported. */
static void
frame_pop(struct mime *p, int parent_closed)
{
	struct mime_frame *f = &p->fr[p->nf - 1];
	em_status st;

	if (f->kind == F_LEAF) {
		if ((st = mime_leaf_close(p)) != EM_OK && p->err == EM_OK)
			p->err = st;
	} else if (f->kind == F_MULTI && !f->closed && !parent_closed) {
		mime_malformed(p, f->part, "multipart without its closing boundary");
	}
	p->nf--;
}

static int
part_new(struct mime *p, int parent, unsigned label)
{
	char lab[16];
	int id;

	if (p->nparts >= p->lim->mime_parts) {
		if (!p->parts_reported++)
			mime_limit(p, parent,
			    "more than %u parts: the rest not inspected",
			    p->lim->mime_parts);
		return -1;
	}
	snprintf(lab, sizeof(lab), "%u", label);
	if ((id = report_part_add(p->r, parent, lab, 1)) < 0) {
		p->err = EM_TEMPFAIL;
		return -1;
	}
	p->nparts++;
	return id;
}

static struct mime_frame *
frame_push(struct mime *p, enum mime_fkind kind, int part)
{
	struct mime_frame *f = &p->fr[p->nf++];

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->part = part;
	return f;
}

/* Filename: Content-Disposition filename, else Content-Type name. */
static void
ent_filename(struct mime *p, int part)
{
	struct strbuf fn = STRBUF_INIT, nm = STRBUF_INIT;
	unsigned f1 = 0, f2 = 0;
	int h1, h2;

	sb_init(&fn, REPORT_MAX_TEXT);
	sb_init(&nm, REPORT_MAX_TEXT);
	h1 = mimehdr_param(sb_str(&p->cdisp), p->cdisp.len, "filename", &fn, &f1);
	h2 = mimehdr_param(sb_str(&p->ctype), p->ctype.len, "name", &nm, &f2);
	if (h1 && fn.len > 0)
		report_part_filename(p->r, part, sb_str(&fn));
	else if (h2 && nm.len > 0)
		report_part_filename(p->r, part, sb_str(&nm));
	if (h1 && h2 && fn.len > 0 &&
	    (fn.len != nm.len || memcmp(fn.s, nm.s, fn.len) != 0))
		mime_malformed(p, part, "filename \"%s\" and name \"%s\" differ",
		    sb_str(&fn), sb_str(&nm));
	if ((f1 | f2) & (MH_DUP | MH_BOTH | MH_BADSEG | MH_UNTERM))
		mime_malformed(p, part, "ambiguous filename parameters (%s%s%s%s)",
		    (f1 | f2) & MH_DUP ? " repeated" : "",
		    (f1 | f2) & MH_BOTH ? " plain and RFC 2231 differ" : "",
		    (f1 | f2) & MH_BADSEG ? " RFC 2231 segments missing" : "",
		    (f1 | f2) & MH_UNTERM ? " unterminated quote" : "");
	sb_free(&fn);
	sb_free(&nm);
}

enum mime_enc
mime_encoding(struct mime *p, int part, int report)
{
	char t[32];

	mimehdr_token(sb_str(&p->cte), p->cte.len, t, sizeof(t));
	if (strcmp(t, "base64") == 0)
		return ENC_B64;
	if (strcmp(t, "quoted-printable") == 0)
		return ENC_QP;
	if (strcmp(t, "x-uuencode") == 0 || strcmp(t, "uuencode") == 0 ||
	    strcmp(t, "x-uue") == 0)
		return ENC_UU;
	if (report && t[0] != '\0' && strcmp(t, "7bit") != 0 && strcmp(t, "8bit") != 0 &&
	    strcmp(t, "binary") != 0)
		mime_malformed(p, part,
		    "unknown Content-Transfer-Encoding \"%s\" read as binary", t);
	return ENC_RAW;
}

/* The type to act on (TYPE) and what to report as declared (NULL when none). */
static const char *
ent_type(struct mime *p, const struct mime_frame *pf, int part, char *type, size_t tsz)
{
	if (p->nct == 0) {
		snprintf(type, tsz, "%s", pf->digest ? "message/rfc822" : "text/plain");
		return NULL;
	}
	if (mimehdr_type(sb_str(&p->ctype), p->ctype.len, type, tsz) < 0) {
		mime_malformed(
		    p, part, "Content-Type without type/subtype: \"%s\"", type);
		return type[0] ? type : NULL; /* reported as given, read as binary */
	}
	return type;
}

/* The type and charset the sink is told about when the leaf ends. */
static void
leaf_describe(struct mime *p, const char *type)
{
	struct strbuf cs = STRBUF_INIT;
	unsigned fl = 0;
	size_t i;

	snprintf(p->leaf.type, sizeof(p->leaf.type), "%s", type ? type : "");
	sb_init(&cs, sizeof(p->leaf.charset));
	if (p->nct > 0 &&
	    mimehdr_param(sb_str(&p->ctype), p->ctype.len, "charset", &cs, &fl) &&
	    cs.len < sizeof(p->leaf.charset)) {
		for (i = 0; i < cs.len; i++)
			p->leaf.charset[i] = (char)tolower((unsigned char)cs.s[i]);
		p->leaf.charset[cs.len] = '\0';
	}
	sb_free(&cs);
}

/* Push a leaf (or a skip frame when PART is -1). */
static void
ent_leaf(struct mime *p, int part, const char *type, int is_msg)
{
	enum mime_enc enc;
	enum leaf_watch watch;

	if (part < 0) {
		frame_push(p, F_SKIP, -1);
		return;
	}
	enc = mime_encoding(p, part, 1);
	/* every leaf is watched: a uuencoded or BinHex file sent as
	 * application/octet-stream (or as image/jpeg) is still a wrapped file; an
	 * attachment whose decoded bytes turn out binary is not one (a "begin" line
	 * inside a PDF is decoded by nothing) */
	watch = type == NULL                   ? WATCH_NONE :
	    strncasecmp(type, "text/", 5) == 0 ? WATCH_ALWAYS :
						 WATCH_UNTIL_BINARY;
	if (is_msg && enc == ENC_RAW)
		is_msg = 0; /* raw message/rfc822 past the depth limit: opaque */
	frame_push(p, F_LEAF, part);
	if (mime_leaf_open(p, part, enc, watch, is_msg) != EM_OK) {
		p->err = EM_TEMPFAIL;
		return;
	}
	leaf_describe(p, type);
}

/* A multipart or message needs one more stack level: is there one? */
static int
ent_room(struct mime *p, int part)
{
	if (p->nf < p->nfmax)
		return 1;
	if (!p->depth_reported++)
		mime_limit(p, part, "nesting deeper than %u levels: scanned as one part",
		    p->lim->mime_depth);
	return 0;
}

static void
bnd_add(struct mime_frame *f, const char *b, size_t n)
{
	unsigned k;

	if (n == 0 || n >= MIME_BND_MAX || f->nbnd >= MIME_BND_ALT)
		return;
	for (k = 0; k < f->nbnd; k++)
		if (f->bndlen[k] == n && memcmp(f->bnd[k], b, n) == 0)
			return;
	memcpy(f->bnd[f->nbnd], b, n);
	f->bndlen[f->nbnd++] = n;
}

/* Repeated boundary parameters and other multipart Content-Types: readers pick
 * different ones, so every one of them delimits parts. */
static void
bnd_alternates(struct mime *p, struct mime_frame *f)
{
	struct strbuf b = STRBUF_INIT;
	const char *v = sb_str(&p->ctalt), *end = v + p->ctalt.len, *z;
	unsigned k;

	sb_init(&b, MIME_BND_MAX + 1);
	for (k = 1; k < 8 &&
	     mimehdr_param_nth(sb_str(&p->ctype), p->ctype.len, "boundary", k, &b);
	     k++) {
		bnd_add(f, b.s, b.len);
		sb_reset(&b);
	}
	for (; v < end && (z = memchr(v, '\0', (size_t)(end - v))) != NULL; v = z + 1) {
		for (k = 0;
		     k < 8 && mimehdr_param_nth(v, (size_t)(z - v), "boundary", k, &b);
		     k++) {
			bnd_add(f, b.s, b.len);
			sb_reset(&b);
		}
	}
	sb_free(&b);
}

/* Multipart entity: the boundary, or -1 (then read as a leaf). */
static int
ent_multi(struct mime *p, int part, const char *type)
{
	struct strbuf b = STRBUF_INIT;
	struct mime_frame *f;
	unsigned fl = 0;
	int ok;

	sb_init(&b, MIME_BND_MAX + 1);
	ok = mimehdr_param(sb_str(&p->ctype), p->ctype.len, "boundary", &b, &fl) &&
	    b.len > 0 && b.len < MIME_BND_MAX;
	if (!ok)
		mime_malformed(
		    p, part, "%s without a usable boundary: read as one part", type);
	if (ok && ent_room(p, part)) {
		f = frame_push(p, F_MULTI, part);
		bnd_add(f, b.s, b.len);
		f->digest = strcmp(type, "multipart/digest") == 0;
		bnd_alternates(p, f);
		if (f->nbnd > 1)
			mime_malformed(p, part,
			    "%u different boundaries: all are honoured", f->nbnd);
	} else {
		ok = 0;
	}
	sb_free(&b);
	return ok ? 0 : -1;
}

/* The blank line after an entity's headers: decide what it is and push it. */
static void
hdr_end(struct mime *p)
{
	struct mime_frame *pf = &p->fr[p->nf - 1];
	char type[MIME_TYPE_MAX];
	const char *decl;
	int owner, part, multi, msg, parent_root;

	mime_hdr_flush(p);
	p->in_hdr = 0;
	parent_root = p->nf == 1;
	owner = pf->kind == F_MULTI ? part_new(p, pf->part, pf->nchild) : pf->part;
	if (owner < 0) {
		frame_push(p, F_SKIP, -1);
		return;
	}
	decl = ent_type(p, pf, owner, type, sizeof(type));
	multi = strncmp(type, "multipart/", 10) == 0;
	msg = strcmp(type, "message/rfc822") == 0 || strcmp(type, "message/global") == 0;
	if (p->toplevel && pf->kind == F_MULTI && p->nf == 2 && pf->part == p->root)
		range_open(p, owner, p->ent_start);
	if (multi) {
		if (decl != NULL && report_part(p->r, owner)->declared_type == NULL)
			report_part_declared(p->r, owner, decl);
		if (p->ncte > 0 && mime_encoding(p, owner, 0) != ENC_RAW)
			mime_malformed(p, owner, "encoded multipart: encoding ignored");
		if (ent_multi(p, owner, type) == 0)
			return;
	}
	if (pf->kind == F_MULTI) {
		if (!multi && decl != NULL)
			report_part_declared(p->r, owner, decl);
		part = owner;
	} else {
		/* the top entity of a message that is not multipart: its body is "1" */
		part = part_new(p, owner, 1);
		if (part >= 0 && decl != NULL)
			report_part_declared(p->r, part, decl);
		if (part >= 0 && p->toplevel && parent_root)
			range_open(p, part, p->body_start);
	}
	if (part >= 0)
		ent_filename(p, part);
	if (part >= 0 && msg) {
		enum mime_enc enc = mime_encoding(p, part, 0);

		if (enc == ENC_RAW && ent_room(p, part)) {
			frame_push(p, F_MSG, part);
			hdr_reset(p);
			p->in_hdr = 1;
			return;
		}
		ent_leaf(p, part, type, 1);
		return;
	}
	ent_leaf(p, part, type, 0);
}

/* Is this line a boundary of an open multipart? Returns the frame index or -1;
 * *CLOSE for "--boundary--". Innermost first (RFC 2046 5.1.2: an outer boundary
 * closes inner parts). */
static int
bnd_match(const struct mime *p, const char *s, size_t n, int *close)
{
	unsigned k, b;
	size_t i;

	if (n < 3 || s[0] != '-' || s[1] != '-')
		return -1;
	for (k = p->nf; k-- > 0;) {
		const struct mime_frame *f = &p->fr[k];

		if (f->kind != F_MULTI)
			continue;
		for (b = 0; b < f->nbnd; b++) {
			if (n < 2 + f->bndlen[b] ||
			    memcmp(s + 2, f->bnd[b], f->bndlen[b]) != 0)
				continue;
			i = 2 + f->bndlen[b];
			*close = 0;
			if (i + 2 <= n && s[i] == '-' && s[i + 1] == '-') {
				*close = 1;
				i += 2;
			}
			while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
				i++;
			if (i == n)
				return (int)k;
		}
	}
	return -1;
}

/* A boundary of frame K: close what is open above it. */
static void
bnd_line(struct mime *p, unsigned k, int close, uint64_t next_start)
{
	struct mime_frame *f;

	if (p->in_hdr && p->nf - 1 == k) {
		/* no blank line before the boundary: a part with an empty body */
		mime_malformed(
		    p, p->fr[k].part, "part without a blank line after its headers");
		hdr_end(p);
	}
	p->in_hdr = 0;
	while (p->nf - 1 > k)
		frame_pop(p, 0);
	f = &p->fr[k];
	if (p->toplevel && k == 1 && f->part == p->root)
		range_close(
		    p, p->lstart >= p->prev_eollen ? p->lstart - p->prev_eollen : 0);
	if (close) {
		f->closed = 1;
		return;
	}
	if (f->closed) {
		mime_malformed(p, f->part, "parts after the closing boundary");
		f->closed = 0;
	}
	f->nchild++;
	hdr_reset(p);
	p->in_hdr = 1;
	p->ent_start = next_start;
}

/* One header line (end of line removed). */
static void
hdr_line(struct mime *p, const char *s, size_t n, const char *eol, size_t eollen)
{
	p->hbytes += n + 2;
	if (n == 0) {
		p->body_start = p->lstart + n + eollen;
		hdr_end(p);
		return;
	}
	if (p->hbytes > p->lim->header_bytes) {
		if (!p->hlimit++)
			mime_limit(p, p->fr[p->nf - 1].part,
			    "header block longer than %zu bytes", p->lim->header_bytes);
		return;
	}
	if (s[0] == ' ' || s[0] == '\t') {
		if (p->cur.len > 0)
			sb_add(&p->cur, s, n); /* unfold: drop the line break only */
		return;
	}
	mime_hdr_flush(p);
	if (p->hdr_first && p->nf == 1 && n > 5 && memcmp(s, "From ", 5) == 0)
		return; /* mbox separator */
	if (!mime_hdr_looks(s, n)) {
		/* not a header: the body starts here (the reading that shows it) */
		mime_malformed(p, p->fr[p->nf - 1].part,
		    "line in the header block is not a header: body starts there");
		p->body_start = p->lstart;
		hdr_end(p);
		if (p->fr[p->nf - 1].kind == F_LEAF)
			mime_leaf_line(p, s, n, eol, eollen);
		return;
	}
	p->hdr_first = 0;
	sb_add(&p->cur, s, n);
}

/* A piece of a line: S[0..n) then EOL (eollen 0 when the line was cut). */
static void
line_piece(struct mime *p, const char *s, size_t n, const char *eol, size_t eollen)
{
	int close, k;
	struct mime_frame *top;

	if (!p->lcont && (k = bnd_match(p, s, n, &close)) >= 0) {
		bnd_line(p, (unsigned)k, close, p->lstart + n + eollen);
		return;
	}
	if (p->in_hdr) {
		if (!p->lcont)
			hdr_line(p, s, n, eol, eollen);
		return;
	}
	top = &p->fr[p->nf - 1];
	if (top->kind == F_LEAF)
		mime_leaf_line(p, s, n, eol, eollen);
}

/* A complete line at S[0..n) (LF included when present). */
static void
line_done(struct mime *p, const char *s, size_t n)
{
	size_t eollen = 0;

	if (n > 0 && s[n - 1] == '\n') {
		eollen = n >= 2 && s[n - 2] == '\r' ? 2 : 1;
		n -= eollen;
	}
	line_piece(p, s, n, s + n, eollen);
	p->lcont = 0;
	p->prev_eollen = eollen;
}

/* The line buffer is full without an end of line: pass the piece on. */
static void
line_cut(struct mime *p)
{
	if (!p->long_reported++)
		mime_limit(p,
		    p->fr[p->nf - 1].part >= 0 ? p->fr[p->nf - 1].part : p->root,
		    "line longer than %zu bytes", p->lcap);
	line_piece(p, p->lb, p->ll, "", 0);
	p->lcont = 1;
	p->ll = 0;
}

/* Headers given through mime_header() end where the stream starts. */
static void
hdr_apart_end(struct mime *p)
{
	if (!p->hdr_apart)
		return;
	p->hdr_apart = 0;
	p->body_start = 0;
	hdr_end(p);
}

em_status
mime_feed(struct mime *p, const void *buf, size_t len)
{
	const char *s = buf, *lf;
	size_t i = 0, take;

	hdr_apart_end(p);

	while (i < len && p->err == EM_OK) {
		lf = memchr(s + i, '\n', len - i);
		take = lf != NULL ? (size_t)(lf - (s + i)) + 1 : len - i;
		if (p->ll == 0 && lf != NULL && take <= p->lcap) {
			/* the whole line is here: no copy */
			p->lstart = p->off;
			p->off += take;
			line_done(p, s + i, take);
			i += take;
			continue;
		}
		if (p->ll == 0)
			p->lstart = p->off;
		if (take > p->lcap - p->ll)
			take = p->lcap - p->ll;
		memcpy(p->lb + p->ll, s + i, take);
		p->ll += take;
		p->off += take;
		i += take;
		if (p->lb[p->ll - 1] == '\n') {
			line_done(p, p->lb, p->ll);
			p->ll = 0;
		} else if (p->ll == p->lcap) {
			line_cut(p);
		}
	}
	return p->err;
}

em_status
mime_end(struct mime *p)
{
	if (p->err != EM_OK)
		return p->err;
	if (p->ll > 0) {
		line_done(p, p->lb, p->ll);
		p->ll = 0;
	}
	hdr_apart_end(p);
	if (p->in_hdr) {
		if (p->nf > 1 && p->fr[p->nf - 1].kind == F_MULTI)
			mime_malformed(p, p->fr[p->nf - 1].part,
			    "message ends inside a part's headers");
		p->body_start = p->off;
		hdr_end(p);
	}
	if (p->leaf_open) /* no boundary follows: the last line end is data */
		mime_leaf_line(p, "", 0, "", 0);
	if (p->toplevel)
		range_close(p, p->off);
	while (p->nf > 0 && p->err == EM_OK)
		frame_pop(p, 0);
	return p->err;
}

em_status
mime_feed_spool(struct mime *p, struct spool *sp)
{
	const size_t bufsz = 64 * 1024;
	char *buf = malloc(bufsz);
	uint64_t off = 0;
	size_t got = 0;
	em_status st;

	if (buf == NULL)
		return EM_TEMPFAIL;
	while ((st = spool_pread(sp, off, buf, bufsz, &got)) == EM_OK && got > 0 &&
	    (st = mime_feed(p, buf, got)) == EM_OK)
		off += got;
	free(buf);
	if (st == EM_OK)
		st = mime_end(p);
	return st;
}
