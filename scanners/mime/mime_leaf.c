/*
 * mime_leaf.c: one MIME leaf: undo the transfer encoding into a spool as lines
 * arrive, watch decoded text for uuencoded blocks (each becomes a child part, finding
 * mime.uuencode) and BinHex blocks (decoded too, finding mime.binhex), and hand the
 * leaf to the sink's leaf_end when it ends. Text parts are watched to the end; attachments
 * until a NUL in their decoded bytes shows they are binary (enum leaf_watch). The end of line before a boundary belongs to the boundary (RFC 2046 5.1.1),
 * so each line end is held until the next line of the same leaf arrives.
 *
 * Limits: the decoded bytes of the whole message (limits.decoded_bytes, mime.limit);
 * memory is the spool's (limits.spool_memory) plus one text line.
 * BUGS: x-uuencode transfer encoding is read as text holding uuencoded blocks; only
 * the data fork of a BinHex block is kept, CRCs unchecked.
 */
#include <stddef.h>
#include <string.h>

#include "mime/mime_int.h"
#include "mime/mimehdr.h"
#include "mime/uu.h"

static void
leaf_flush(struct mime *p)
{
	if (p->leaf.olen > 0 &&
	    spool_write(p->leaf.sp, p->leaf.obuf, p->leaf.olen) != EM_OK)
		p->err = EM_TEMPFAIL;
	p->leaf.olen = 0;
}

/* Decoded bytes of the leaf (or of an open uuencoded block, SP). */
static void
leaf_store(struct mime *p, struct spool *sp, const void *d, size_t n)
{
	uint64_t left = p->lim->decoded_bytes - *p->dec;

	if (n == 0 || p->err != EM_OK)
		return;
	if (n > left) {
		if (!p->dec_reported) {
			p->dec_reported = 1;
			mime_limit(p, p->leaf.part, "decoded bytes limit of %llu reached",
			    (unsigned long long)p->lim->decoded_bytes);
		}
		p->leaf.cut = 1;
		n = (size_t)left;
		if (n == 0)
			return;
	}
	*p->dec += n;
	if (sp == p->leaf.sp) {
		/* gathered: one write per 32 KiB, not per line */
		if (p->leaf.olen + n > sizeof(p->leaf.obuf))
			leaf_flush(p);
		if (n <= sizeof(p->leaf.obuf)) {
			memcpy(p->leaf.obuf + p->leaf.olen, d, n);
			p->leaf.olen += n;
			return;
		}
	}
	if (spool_write(sp, d, n) != EM_OK)
		p->err = EM_TEMPFAIL;
}

/* The open uuencoded or BinHex block ends: it becomes a child of the leaf. */
static void
uu_finish(struct mime *p, const char *why)
{
	struct mime_leaf *l = &p->leaf;
	const char *kind = l->bh_active ? "mime.binhex" : "mime.uuencode";
	const char *name = l->bh_active ? l->bh.name : l->uuname;
	em_status st = EM_OK;

	if (l->uusp == NULL)
		return;
	if (why != NULL)
		mime_malformed(p, l->part, "%s block \"%s\": %s",
		    l->bh_active ? "BinHex" : "uuencoded", name, why);
	report_add(p->r, l->part, kind, "%s", *name ? name : "(no name)");
	if ((!l->bh_active || l->bh.hdr_done) && p->mc.sink->child != NULL)
		st = p->mc.sink->child(
		    p->mc.arg, l->part, *name ? name : "binhex", l->uusp);
	if (!em_status_local(st) && p->err == EM_OK)
		p->err = st;
	spool_free(l->uusp);
	l->uusp = NULL;
	l->bh_active = 0;
}

static void
bh_emit(void *arg, const unsigned char *d, size_t n)
{
	struct mime *p = arg;

	leaf_store(p, p->leaf.uusp, d, n);
}

/* A line inside an open BinHex block. */
static void
bh_text(struct mime *p, const char *s, size_t n)
{
	int r = binhex_line(&p->leaf.bh, s, n, bh_emit, p);

	if (r == 1)
		uu_finish(p, NULL);
	else if (r < 0)
		uu_finish(p, "not BinHex data");
}

static int
wrapped_open(struct mime *p)
{
	struct mime_leaf *l = &p->leaf;

	l->uusp = spool_new(p->lim->spool_memory, p->mc.tmpdir);
	if (l->uusp == NULL)
		p->err = EM_TEMPFAIL;
	return l->uusp != NULL;
}

/* One decoded text line (end of line removed). */
static void
text_line(struct mime *p, const char *s, size_t n)
{
	struct mime_leaf *l = &p->leaf;
	unsigned char out[64];
	int k;

	if (l->uusp != NULL && l->bh_active) {
		bh_text(p, s, n);
		return;
	}
	if (l->uusp != NULL) {
		if (uu_end(s, n)) {
			uu_finish(p, NULL);
			return;
		}
		if ((k = uu_line(s, n, out)) >= 0) {
			leaf_store(p, l->uusp, out, (size_t)k);
			return;
		}
		uu_finish(p, "no \"end\" line");
	}
	if (uu_begin(s, n, l->uuname, sizeof(l->uuname))) {
		wrapped_open(p);
		return;
	}
	if (n >= 39 &&
	    memmem(s, n, "(This file must be converted with BinHex", 40) != NULL &&
	    wrapped_open(p)) {
		binhex_init(&l->bh);
		l->bh_active = 1;
	}
}

/* Decoded bytes of a leaf, split into lines for text_line(). Only the first
 * MIME_TLINE_MAX bytes of a line are kept: longer lines are neither uuencode nor
 * BinHex markers. */
static void
text_feed(struct mime *p, const unsigned char *d, size_t n)
{
	struct mime_leaf *l = &p->leaf;
	const unsigned char *lf;
	size_t k, room;

	while (n > 0) {
		lf = memchr(d, '\n', n);
		k = lf != NULL ? (size_t)(lf - d) : n;
		room = sizeof(l->tline) - l->tlen;
		if (!l->tover && k <= room) {
			memcpy(l->tline + l->tlen, d, k);
			l->tlen += k;
		} else {
			l->tover = 1; /* too long for uuencode or BinHex */
		}
		if (lf == NULL)
			return;
		if (!l->tover) {
			size_t len = l->tlen;

			if (len > 0 && l->tline[len - 1] == '\r')
				len--;
			text_line(p, l->tline, len);
		}
		l->tlen = 0;
		l->tover = 0;
		d += k + 1;
		n -= k + 1;
	}
}

static void
leaf_out(struct mime *p, const unsigned char *d, size_t n)
{
	struct mime_leaf *l = &p->leaf;

	leaf_store(p, l->sp, d, n);
	if (l->watch == WATCH_UNTIL_BINARY && l->uusp == NULL && memchr(d, 0, n) != NULL)
		l->watch = WATCH_NONE;
	if (l->watch != WATCH_NONE)
		text_feed(p, d, n);
}

em_status
mime_leaf_open(
    struct mime *p, int part, enum mime_enc enc, enum leaf_watch watch, int is_msg)
{
	struct mime_leaf *l = &p->leaf;

	memset(l, 0, offsetof(struct mime_leaf, obuf));
	l->part = part;
	l->enc = enc;
	l->watch = enc == ENC_UU ? WATCH_ALWAYS : watch;
	l->is_msg = is_msg;
	b64_init(&l->b64);
	qp_init(&l->qp);
	if ((l->sp = spool_new(p->lim->spool_memory, p->mc.tmpdir)) == NULL)
		return EM_TEMPFAIL;
	p->leaf_open = 1;
	return EM_OK;
}

/* The held end of line, now that another line follows. */
static void
leaf_eol(struct mime *p)
{
	struct mime_leaf *l = &p->leaf;
	unsigned char out[8];

	if (l->eollen == 0)
		return;
	if (l->enc == ENC_QP)
		leaf_out(p, out, qp_eol(&l->qp, l->eol, l->eollen, out));
	else if (l->enc != ENC_B64)
		leaf_out(p, (const unsigned char *)l->eol, l->eollen);
	l->eollen = 0;
}

void
mime_leaf_line(struct mime *p, const char *s, size_t n, const char *eol, size_t eollen)
{
	struct mime_leaf *l = &p->leaf;
	unsigned char out[4096 + 8];
	size_t k, i;

	leaf_eol(p);
	for (i = 0; i < n; i += k) {
		k = n - i < 4096 ? n - i : 4096;
		switch (l->enc) {
		case ENC_B64: leaf_out(p, out, b64_decode(&l->b64, s + i, k, out)); break;
		case ENC_QP: leaf_out(p, out, qp_decode(&l->qp, s + i, k, out)); break;
		case ENC_RAW:
		case ENC_UU: leaf_out(p, (const unsigned char *)s + i, k); break;
		default: p->err = EM_BUG; return;
		}
	}
	if (eollen > 2)
		eollen = 2;
	memcpy(l->eol, eol, eollen);
	l->eollen = eollen;
}

static void
leaf_oddities(struct mime *p)
{
	struct mime_leaf *l = &p->leaf;

	if (l->b64.invalid > 0)
		mime_malformed(p, l->part,
		    "%llu bytes outside the base64 alphabet skipped",
		    (unsigned long long)l->b64.invalid);
	if (l->b64.after_pad > 0)
		mime_malformed(p, l->part, "%llu base64 characters after padding decoded",
		    (unsigned long long)l->b64.after_pad);
	if (l->b64.nacc == 1)
		mime_malformed(p, l->part, "base64 data ends in the middle of a byte");
	if (l->qp.bad > 0)
		mime_malformed(p, l->part,
		    "%llu malformed quoted-printable escapes kept as text",
		    (unsigned long long)l->qp.bad);
}

/* The leaf goes out through the sink; may it be a message to parse in place? */
static em_status
leaf_emit(struct mime *p, int *as_message)
{
	struct mime_leaf *l = &p->leaf;
	struct mime_leafinfo li;

	*as_message = 0;
	if (p->mc.sink->leaf_end == NULL)
		return EM_OK;
	li.part = l->part;
	li.type = l->type;
	li.charset = l->charset;
	li.cut = l->cut;
	return p->mc.sink->leaf_end(p->mc.arg, &li, l->sp, as_message);
}

em_status
mime_leaf_close(struct mime *p)
{
	struct mime_leaf *l = &p->leaf;
	unsigned char out[8];
	em_status st = EM_OK;
	int as_msg = 0;

	if (!p->leaf_open)
		return EM_OK;
	p->leaf_open = 0;
	if (l->enc == ENC_QP) /* a dangling "=" at the very end */
		leaf_out(p, out, qp_eol(&l->qp, "", 0, out));
	if (l->enc == ENC_B64) {
		unsigned char pad[4];

		if (l->b64.nacc >= 2) /* missing padding: take what there is */
			leaf_out(p, pad, b64_decode(&l->b64, "=", 1, pad));
		l->b64.padded = 0;
	}
	if (l->watch != WATCH_NONE && l->tlen > 0 && !l->tover)
		text_line(p, l->tline, l->tlen);
	if (l->uusp != NULL)
		uu_finish(p, "no \"end\" line");
	leaf_oddities(p);
	leaf_flush(p);
	if (p->err == EM_OK)
		st = leaf_emit(p, &as_msg);
	if (st == EM_OK && p->err == EM_OK && (l->is_msg || as_msg)) {
		/* an encoded attached message, or a message sent as another type: parse
		 * the decoded bytes as a message (the pipeline leaves MIME leaves to us) */
		struct mime *n = NULL;

		/* the leaf's own frame is where a raw message would sit */
		if (p->nf > p->nfmax)
			mime_limit(p, l->part, "nesting deeper than %u levels not parsed",
			    p->lim->mime_depth);
		else if ((n = mime_new(&p->mc, l->part, p->nfmax - p->nf, 1)) == NULL)
			st = EM_TEMPFAIL;
		if (n != NULL) {
			n->dec = p->dec; /* one decoded-bytes budget per mail */
			st = mime_feed_spool(n, l->sp);
			mime_free(n);
		}
	}
	spool_free(l->sp);
	l->sp = NULL;
	if (p->err == EM_OK && !em_status_local(st))
		p->err = st;
	return p->err;
}
