/*
 * pdf.c: active content in PDF files. The file is read linearly (the xref table is
 * ignored: a hostile one points anywhere): name tokens outside stream data are
 * lexed with name escapes decoded (/J#61vaScript is /JavaScript), strings and
 * comments skipped, and mapped to findings: pdf.javascript (/JavaScript /JS),
 * pdf.launch (/Launch, with its /F and /P strings), pdf.open_action (/OpenAction
 * other than a page destination, /AA), pdf.embedded_file (/EmbeddedFile(s)
 * /FileAttachment), pdf.submit_form, pdf.uri, pdf.flash (/RichMedia /Flash),
 * doc.encrypted (/Encrypt with a reference or dictionary, as in a trailer; see
 * below for the files that open).
 *
 * Streams are found by their "stream" keyword; the dictionary is the text back to
 * the nearest "obj". FlateDecode object streams (/Type /ObjStm) are inflated and
 * lexed the same way. Embedded files (/Type /EmbeddedFile, or a stream an /EF
 * dictionary points to) are decoded and analysed as children, named from the
 * filespec's /UF or /F string, else embedded<N>.
 *
 * Limits: only the first in->len bytes (scan window). A stream inflates to at most
 * PDF_STREAM_MAX bytes (or the scan window when smaller) and all streams of one
 * file to PDF_TOTAL_MAX (scan.limit when cut), also charged to the message's
 * unpacked byte budget. Three linear
 * passes; no recursion on input structure (embedded PDFs are children, bounded by
 * the shared depth budget).
 * Encrypted PDFs (Standard security handler, pdfcrypt.c) are opened with the
 * empty user password, which readers use without asking (doc.decrypted, info), or
 * with a candidate from the message (doc.unlocked); their streams are decrypted
 * before inflating. Otherwise doc.encrypted: streams fail to inflate and embedded
 * files come out as ciphertext.
 * Stream filters decoded: FlateDecode, ASCIIHexDecode, ASCII85Decode, chained up
 * to PDF_MAX_FILTERS (pdfdecode.c).
 * BUGS: other filters (LZW, RunLength, image filters) and predictors are not
 * decoded.
 * Encrypted strings are not decrypted (file names and /Launch targets outside
 * object streams stay ciphertext). A "stream"
 * keyword inside a string literal is taken as a stream. /EF dictionaries given by
 * reference are resolved only for objects outside object streams. A file's
 * DOS/Mac/Unix variants are all labelled with the /UF or /F name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/analyser.h"
#include "core/passwords.h"
#include "pdf/pdf_crypt.h"
#include "pdf/pdf_decode.h"
#include "pdf/pdf_lex.h"
#include "core/strbuf.h"

#define PDF_STREAM_MAX (16u * 1024 * 1024)
#define PDF_TOTAL_MAX  (64u * 1024 * 1024)
#define PDF_DICT_BACK  65536 /* bytes searched back from "stream" for "obj" */
#define PDF_MAX_MAP    256   /* /EF references remembered */
#define PDF_FNAME_MAX  128
#define PDF_ACTION_WIN 1024 /* bytes after /Launch searched for its target */
#define PDF_FILE_WIN   4096 /* bytes around /EF searched for the file name */
#define PDF_MAX_LAUNCH 8    /* /Launch actions whose targets are read */

enum pdf_kind {
	PK_JS,
	PK_LAUNCH,
	PK_OPEN,
	PK_EMBED,
	PK_SUBMIT,
	PK_URI,
	PK_FLASH,
	PK__COUNT
};

static const char *const pdf_finding[PK__COUNT] = {
	"pdf.javascript",
	"pdf.launch",
	"pdf.open_action",
	"pdf.embedded_file",
	"pdf.submit_form",
	"pdf.uri",
	"pdf.flash",
};

static const struct {
	const char *name;
	enum pdf_kind kind;
} pdf_names[] = {
	{ "JavaScript", PK_JS },
	{ "JS", PK_JS },
	{ "Launch", PK_LAUNCH },
	{ "OpenAction", PK_OPEN },
	{ "AA", PK_OPEN },
	{ "EmbeddedFile", PK_EMBED },
	{ "EmbeddedFiles", PK_EMBED },
	{ "FileAttachment", PK_EMBED },
	{ "SubmitForm", PK_SUBMIT },
	{ "URI", PK_URI },
	{ "RichMedia", PK_FLASH },
	{ "Flash", PK_FLASH },
};

enum pdf_pass { PASS_NAMES, PASS_OBJSTM, PASS_FILES };

struct pdf_lex_ref {
	unsigned long obj; /* the embedded stream, or the /EF dictionary */
	int indirect;      /* obj is an /EF dictionary still to be read */
	char name[PDF_FNAME_MAX];
};

struct pdf_state {
	struct scan_ctx *ctx;
	struct scan_input *in;
	unsigned count[PK__COUNT];
	struct strbuf seen[PK__COUNT]; /* distinct names as written, for the detail */
	struct strbuf launch;          /* /Launch targets */
	int encrypted;
	size_t enc_at;          /* the value of the last /Encrypt in the file */
	struct pdfcrypt *crypt; /* the file key, when a password opened it */
	int crypt_by;           /* 1: the empty user password, 2: a candidate */
	const char *crypt_what; /* the method */
	unsigned ncand;
	struct pdf_lex_ref map[PDF_MAX_MAP];
	unsigned nmap;
	unsigned nfiles;
	uint64_t decoded; /* inflated bytes so far */
	int limit_reported;
	em_status st; /* first non-local status */
};

/* Decoded string bytes RAW as text into OUT: UTF-16BE (with BOM) folded to UTF-8,
 * control characters replaced, path characters too when FNAME. */
static void
pdf_text(const struct strbuf *raw, struct strbuf *out, int fname)
{
	const unsigned char *s = (const unsigned char *)sb_str(raw);
	int utf16 = raw->len >= 2 && s[0] == 0xfe && s[1] == 0xff;
	size_t k;

	for (k = utf16 ? 2 : 0; k < raw->len; k += utf16 ? 2 : 1) {
		unsigned c = utf16 ?
		    (k + 1 < raw->len ? (unsigned)s[k] << 8 | s[k + 1] : 0xfffd) :
		    s[k];

		if (c < 0x20 || c == 0x7f ||
		    (fname && (c == '/' || c == '\\' || c == ':')))
			sb_addc(out, '_');
		else if (c < 0x80 || !utf16)
			sb_addc(out, (char)c);
		else if (c < 0x800)
			sb_printf(out, "%c%c", 0xc0 | c >> 6, 0x80 | (c & 0x3f));
		else
			sb_printf(out, "%c%c%c", 0xe0 | c >> 12, 0x80 | (c >> 6 & 0x3f),
			    0x80 | (c & 0x3f));
	}
}

/*
 * The string (literal or hex) at I after white space, as text: UTF-16BE (with BOM)
 * folded to UTF-8, control characters replaced, and path characters too when
 * FNAME (a file name must not fake a step in the part path).
 * Returns 0 when there is no string.
 */
static int
pdf_string(const unsigned char *b, size_t len, size_t i, struct strbuf *out, int fname)
{
	struct strbuf raw = STRBUF_INIT;
	int ok;

	sb_init(&raw, 2 * PDF_FNAME_MAX);
	if ((ok = pdf_lex_string_raw(b, len, i, &raw)))
		pdf_text(&raw, out, fname);
	sb_free(&raw);
	return ok;
}

/* /Launch at P: its /F and /P strings (up to "endobj" or PDF_ACTION_WIN). */
static void
pdf_launch_target(struct pdf_state *s, const unsigned char *b, size_t len, size_t p)
{
	char nm[PDF_NAME_MAX];
	size_t hi = len - p > PDF_ACTION_WIN ? p + PDF_ACTION_WIN : len, at;
	const unsigned char *end = memmem(b + p, hi - p, "endobj", 6);
	int got = 0;

	if (end != NULL)
		hi = (size_t)(end - b);
	while (got < 2 && pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at)) {
		if (strcmp(nm, "F") != 0 && strcmp(nm, "P") != 0)
			continue;
		if (s->launch.len > 0)
			sb_addc(&s->launch, ' ');
		got += pdf_string(b, hi, p, &s->launch, 0);
	}
}

/* The file name near an /EF at P: the /UF string, else the /F string, within the
 * same object (back to "obj", on to "endobj", at most PDF_FILE_WIN each way). */
static void
pdf_ef_name(
    const unsigned char *b, size_t lo, size_t hi, size_t p, char *name, size_t cap)
{
	struct strbuf uf = STRBUF_INIT, f = STRBUF_INIT;
	char nm[PDF_NAME_MAX];
	const unsigned char *e;
	size_t at, o, start = p - lo > PDF_FILE_WIN ? p - PDF_FILE_WIN : lo;
	size_t end = hi - p > PDF_FILE_WIN ? p + PDF_FILE_WIN : hi;

	if ((o = pdf_lex_rfind(b, start, p, "obj")) != p)
		start = o + 3;
	if ((e = memmem(b + p, end - p, "endobj", 6)) != NULL)
		end = (size_t)(e - b);
	sb_init(&uf, cap - 1);
	sb_init(&f, cap - 1);
	for (o = start; pdf_lex_next_name(b, end, &o, nm, sizeof(nm), &at);) {
		if (strcmp(nm, "UF") == 0 && uf.len == 0)
			pdf_string(b, end, o, &uf, 1);
		else if (strcmp(nm, "F") == 0 && f.len == 0)
			pdf_string(b, end, o, &f, 1);
	}
	snprintf(name, cap, "%s", uf.len ? sb_str(&uf) : sb_str(&f));
	sb_free(&uf);
	sb_free(&f);
}

/* /EF at AT, name ends at P: remember which stream objects are embedded files. */
static void
pdf_ef(struct pdf_state *s, const unsigned char *b, size_t lo, size_t hi, size_t at,
    size_t p)
{
	char nm[PDF_NAME_MAX];
	size_t end, q, x;
	unsigned long obj;

	p = pdf_lex_skip_ws(b, hi, p);
	if (pdf_lex_ref(b, hi, p, &obj) != 0 && s->nmap < PDF_MAX_MAP) {
		/* /EF 13 0 R: the dictionary is read by pdf_resolve_ef. */
		s->map[s->nmap].obj = obj;
		s->map[s->nmap].indirect = 1;
		pdf_ef_name(b, lo, hi, at, s->map[s->nmap].name, PDF_FNAME_MAX);
		s->nmap++;
		return;
	}
	if (hi - p < 2 || b[p] != '<' || b[p + 1] != '<')
		return;
	end = hi - p > 512 ? p + 512 : hi;
	for (q = p + 2; q + 1 < end && !(b[q] == '>' && b[q + 1] == '>'); q++)
		;
	end = q;
	for (q = p + 2; pdf_lex_next_name(b, end, &q, nm, sizeof(nm), &x);) {
		if (pdf_lex_ref(b, end, q, &obj) == 0 || s->nmap >= PDF_MAX_MAP)
			continue;
		s->map[s->nmap].obj = obj;
		pdf_ef_name(b, lo, hi, at, s->map[s->nmap].name, PDF_FNAME_MAX);
		s->nmap++;
	}
}

/* One name token: count it against its finding; the special cases. */
static void
pdf_name(struct pdf_state *s, const unsigned char *b, size_t lo, size_t hi,
    const char *nm, size_t at, size_t p)
{
	size_t i;
	unsigned long obj;

	if (strcmp(nm, "Encrypt") == 0) {
		size_t q = pdf_lex_skip_ws(b, hi, p);

		if (pdf_lex_ref(b, hi, p, &obj) != 0 ||
		    (hi - q >= 2 && b[q] == '<' && b[q + 1] == '<')) {
			s->encrypted = 1;
			if (b == s->in->data)
				s->enc_at = p;
		}
		return;
	}
	if (strcmp(nm, "EF") == 0) {
		pdf_ef(s, b, lo, hi, at, p);
		return;
	}
	/* /OpenAction [3 0 R /Fit] only opens a page: a destination, not an action. */
	if (strcmp(nm, "OpenAction") == 0 && pdf_lex_skip_ws(b, hi, p) < hi &&
	    b[pdf_lex_skip_ws(b, hi, p)] == '[')
		return;
	for (i = 0; i < sizeof(pdf_names) / sizeof(pdf_names[0]); i++) {
		if (strcmp(nm, pdf_names[i].name) != 0)
			continue;
		s->count[pdf_names[i].kind]++;
		/* Show the name as written when escapes hid it. */
		if (p - at - 1 != strlen(nm) ||
		    strstr(sb_str(&s->seen[pdf_names[i].kind]), nm) == NULL) {
			sb_addc(&s->seen[pdf_names[i].kind], ' ');
			sb_add(&s->seen[pdf_names[i].kind], b + at, p - at);
		}
		/* A window is lexed per /Launch: only for the first few, so a file of
		 * nothing but /Launch stays linear. */
		if (pdf_names[i].kind == PK_LAUNCH &&
		    s->count[PK_LAUNCH] <= PDF_MAX_LAUNCH)
			pdf_launch_target(s, b, hi, p);
		return;
	}
}

/* Lex [LO, HI) for names. EM_LIMIT when the message's time is spent. */
static em_status
pdf_lex(struct pdf_state *s, const unsigned char *b, size_t lo, size_t hi)
{
	char nm[PDF_NAME_MAX];
	size_t p = lo, at;
	unsigned n = 0;

	while (pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at)) {
		pdf_name(s, b, lo, hi, nm, at, p);
		if (++n % 4096 == 0 && scan_budget_time(s->ctx, s->in->part) != EM_OK)
			return EM_LIMIT;
	}
	return EM_OK;
}

struct pdf_stream {
	size_t dlo, dhi;  /* dictionary text */
	size_t data, end; /* stream bytes */
	size_t next;      /* where the search goes on */
	unsigned long obj, gen;
	int has_obj;
};

/* Start of the next "stream" keyword (not "endstream") followed by an end of line. */
static size_t
pdf_find_stream(const unsigned char *b, size_t len, size_t from)
{
	const unsigned char *p;

	while (from < len && (p = memmem(b + from, len - from, "stream", 6)) != NULL) {
		size_t i = (size_t)(p - b);

		from = i + 6;
		if (i >= 3 && memcmp(b + i - 3, "end", 3) == 0)
			continue;
		if (from < len && (b[from] == '\r' || b[from] == '\n'))
			return i;
	}
	return len;
}

/* The object number before "obj" at O (digits, white space, digits). */
static int
pdf_objnum(
    const unsigned char *b, size_t lo, size_t o, unsigned long *obj, unsigned long *gen)
{
	size_t i = o;

	while (i > lo && pdf_lex_is_ws(b[i - 1]))
		i--;
	while (i > lo && b[i - 1] >= '0' && b[i - 1] <= '9')
		i--;
	while (i > lo && pdf_lex_is_ws(b[i - 1]))
		i--;
	while (i > lo && b[i - 1] >= '0' && b[i - 1] <= '9')
		i--;
	i = pdf_lex_uint(b, o, i, obj);
	return i != 0 && pdf_lex_uint(b, o, i, gen) != 0;
}

/* The stream whose keyword is at KW; FROM is where the previous one ended. */
static void
pdf_stream_at(
    const unsigned char *b, size_t len, size_t from, size_t kw, struct pdf_stream *st)
{
	size_t lo = kw - from > PDF_DICT_BACK ? kw - PDF_DICT_BACK : from, o, q;
	unsigned long n;
	const unsigned char *e;

	memset(st, 0, sizeof(*st));
	st->dlo = lo;
	st->dhi = kw;
	if ((o = pdf_lex_rfind(b, lo, kw, "obj")) != kw) {
		st->dlo = o + 3;
		st->has_obj = pdf_objnum(b, lo, o, &st->obj, &st->gen);
	}
	st->data = kw + 6;
	if (st->data + 1 < len && b[st->data] == '\r' && b[st->data + 1] == '\n')
		st->data += 2;
	else
		st->data++;
	/* A direct /Length is trusted only when "endstream" follows it. */
	if ((q = pdf_lex_dict_key(b, st->dlo, st->dhi, "Length")) != 0 &&
	    pdf_lex_uint(b, st->dhi, q, &n) != 0 && pdf_lex_ref(b, st->dhi, q, &n) == 0 &&
	    n <= len - st->data) {
		q = pdf_lex_skip_ws(b, len, st->data + n);
		if (len - q >= 9 && memcmp(b + q, "endstream", 9) == 0) {
			st->end = st->data + n;
			st->next = q + 9;
			return;
		}
	}
	e = memmem(b + st->data, len - st->data, "endstream", 9);
	st->end = e != NULL ? (size_t)(e - b) : len;
	st->next = e != NULL ? st->end + 9 : len;
	if (st->end > st->data && b[st->end - 1] == '\n')
		st->end--;
	if (st->end > st->data && b[st->end - 1] == '\r')
		st->end--;
}

/*
 * /EF dictionaries given by reference: one linear pass over "obj" keywords; each
 * object that is such a dictionary adds its stream references under the filespec's
 * name.
 */
static void
pdf_resolve_ef(struct pdf_state *s)
{
	const unsigned char *b = s->in->data, *p;
	size_t len = s->in->len, from = 0, o, q, x, end;
	unsigned long num, gen, obj;
	unsigned i, n = s->nmap;
	char nm[PDF_NAME_MAX];

	for (i = 0; i < n && !s->map[i].indirect; i++)
		;
	if (i == n)
		return; /* no filespec points at its /EF dictionary by reference */
	while (from < len && (p = memmem(b + from, len - from, "obj", 3)) != NULL) {
		o = (size_t)(p - b);
		from = o + 3;
		if (!pdf_objnum(b, o > 32 ? o - 32 : 0, o, &num, &gen))
			continue;
		for (i = 0; i < n && !(s->map[i].indirect && s->map[i].obj == num); i++)
			;
		q = pdf_lex_skip_ws(b, len, from);
		if (i == n || len - q < 2 || b[q] != '<' || b[q + 1] != '<')
			continue;
		end = len - q > 512 ? q + 512 : len;
		for (x = q; x + 1 < end && !(b[x] == '>' && b[x + 1] == '>'); x++)
			;
		for (q += 2; pdf_lex_next_name(b, x, &q, nm, sizeof(nm), &o);) {
			if (pdf_lex_ref(b, x, q, &obj) == 0 || s->nmap >= PDF_MAX_MAP)
				continue;
			s->map[s->nmap].obj = obj;
			memcpy(s->map[s->nmap].name, s->map[i].name, PDF_FNAME_MAX);
			s->nmap++;
		}
	}
}

/* Record the per-file decode cap once. */
static void
pdf_limit(struct pdf_state *s, const char *why)
{
	if (s->limit_reported)
		return;
	s->limit_reported = 1;
	report_add(s->ctx->r, s->in->part, "scan.limit", "PDF: %s", why);
}

/* The most one decoded stream may hold: PDF_STREAM_MAX, the scan window, and what
 * is left of PDF_TOTAL_MAX for the file. */
static size_t
pdf_out_max(const struct pdf_state *s)
{
	size_t max = PDF_STREAM_MAX;

	if (s->ctx->cfg->lim.scan_window < max)
		max = s->ctx->cfg->lim.scan_window;
	if (PDF_TOTAL_MAX - s->decoded < max)
		max = (size_t)(PDF_TOTAL_MAX - s->decoded);
	return max;
}

/*
 * Inflate SRC (zlib, else raw deflate) into a new buffer: *out (malloc'd, caller
 * frees) and *outlen, grown as bytes arrive, cut at PDF_STREAM_MAX and at what is
 * left of PDF_TOTAL_MAX. A damaged stream yields what decoded before the damage.
 * Returns EM_TEMPFAIL when out of memory, else EM_OK (*out may be NULL).
 */
static em_status
pdf_inflate(struct pdf_state *s, const unsigned char *src, size_t n, unsigned char **out,
    size_t *outlen)
{
	size_t cap = 0, len = 0, max = pdf_out_max(s);
	unsigned char *buf = NULL, *nb;
	z_stream z;
	int zr = Z_OK, attempt;

	*out = NULL;
	*outlen = 0;
	for (attempt = 0; attempt < 2 && len == 0; attempt++) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, attempt == 0 ? 15 + 32 : -15) != Z_OK)
			break;
		z.next_in = (unsigned char *)(uintptr_t)src;
		z.avail_in = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
		zr = Z_OK;
		while (zr == Z_OK && len < max) {
			if (len == cap) {
				size_t ncap = cap == 0 ? 65536 : cap * 2;

				if (ncap > max)
					ncap = max;
				if ((nb = realloc(buf, ncap)) == NULL) {
					inflateEnd(&z);
					free(buf);
					return EM_TEMPFAIL;
				}
				buf = nb;
				cap = ncap;
			}
			z.next_out = buf + len;
			z.avail_out = (unsigned)(cap - len);
			zr = inflate(&z, Z_NO_FLUSH);
			len = cap - z.avail_out;
		}
		inflateEnd(&z);
	}
	if (zr == Z_OK && len >= max)
		pdf_limit(s,
		    "stream decoding cut at the per-stream (16 MiB) or "
		    "per-file (64 MiB) cap");
	s->decoded += len;
	if (len > 0 && scan_budget_bytes(s->ctx, s->in->part, len) != EM_OK) {
		free(buf);
		return EM_LIMIT;
	}
	*out = buf;
	*outlen = len;
	return EM_OK;
}

/* SRC/N through the filter chain FL into a new buffer (*out, *outlen; NULL when
 * nothing came out). Every step is bounded by pdf_out_max and counted in the
 * file's decoded bytes (ASCII85's 'z' makes four bytes of one). EM_TEMPFAIL when
 * out of memory. */
static em_status
pdf_decode(struct pdf_state *s, const struct pdf_filters *fl, const unsigned char *src,
    size_t n, unsigned char **out, size_t *outlen)
{
	unsigned char *cur = NULL, *next;
	const unsigned char *in = src;
	size_t inlen = n, nl;
	unsigned i;
	em_status r;

	for (i = 0; i < fl->n; i++) {
		next = NULL;
		nl = 0;
		if (fl->f[i] == PFK_FLATE) {
			if ((r = pdf_inflate(s, in, inlen, &next, &nl)) != EM_OK) {
				free(cur);
				return r;
			}
		} else {
			/* what the whole input can give, within what may be decoded */
			size_t room = pdf_out_max(s),
			       need = fl->f[i] == PFK_AHX ? inlen / 2 + 1 :
			    inlen <= (SIZE_MAX - 4) / 4   ? 4 * inlen + 4 :
							    SIZE_MAX;

			if (need < room)
				room = need;
			if ((next = malloc(room + 1)) == NULL) {
				free(cur);
				return EM_TEMPFAIL;
			}
			nl = fl->f[i] == PFK_AHX ? pdf_ahx_decode(in, inlen, next, room) :
						   pdf_a85_decode(in, inlen, next, room);
			if (room < need && nl + 4 > room)
				pdf_limit(s,
				    "stream decoding cut at the per-stream (16 MiB) or "
				    "per-file (64 MiB) cap");
			s->decoded += nl;
		}
		free(cur);
		cur = next;
		in = cur;
		inlen = nl;
		if (cur == NULL)
			break;
	}
	*out = cur;
	*outlen = cur != NULL ? inlen : 0;
	return EM_OK;
}

/* Is stream object OBJ the target of an /EF? Returns the map entry or NULL. */
static const struct pdf_lex_ref *
pdf_map_find(const struct pdf_state *s, const struct pdf_stream *st)
{
	unsigned i;

	if (!st->has_obj)
		return NULL;
	for (i = 0; i < s->nmap; i++)
		if (!s->map[i].indirect && s->map[i].obj == st->obj)
			return &s->map[i];
	return NULL;
}

/* The stream's bytes, decrypted when the file is encrypted and a password opened
 * it (*own is then the buffer to free); as they are otherwise. */
static const unsigned char *
pdf_stream_bytes(struct pdf_state *s, const unsigned char *b, const struct pdf_stream *st,
    size_t *n, unsigned char **own)
{
	*own = NULL;
	*n = st->end - st->data;
	if (s->crypt != NULL && st->has_obj && b == s->in->data &&
	    (*own = pdfcrypt_stream(s->crypt, st->obj, st->gen, b + st->data, *n, n)) !=
		NULL)
		return *own;
	*n = st->end - st->data;
	return b + st->data;
}

/* Pass three: one embedded file stream, decoded, analysed as a child. */
static em_status
pdf_file(struct pdf_state *s, const unsigned char *b, const struct pdf_stream *st,
    const struct pdf_lex_ref *ref)
{
	struct pdf_filters fl;
	unsigned char *dec = NULL, *own;
	size_t declen = 0, n;
	const unsigned char *data;
	char label[PDF_FNAME_MAX + 16];
	em_status r = EM_OK;

	/* "." and ".." would read as path steps: unnamed instead. */
	if (ref != NULL && ref->name[0] != '\0' && strcmp(ref->name, ".") != 0 &&
	    strcmp(ref->name, "..") != 0)
		snprintf(label, sizeof(label), "%s", ref->name);
	else
		snprintf(label, sizeof(label), "embedded%u", s->nfiles);
	s->nfiles++;
	if (s->count[PK_EMBED] == 0) {
		s->count[PK_EMBED]++;
		report_add(s->ctx->r, s->in->part, "pdf.embedded_file",
		    "embedded file stream %s", label);
	}
	pdf_filters(b, st->dlo, st->dhi, &fl);
	if (fl.unknown) {
		scan_error(s->ctx, s->in->part, "pdf",
		    "embedded file uses a filter that is not decoded");
		return EM_OK;
	}
	data = pdf_stream_bytes(s, b, st, &n, &own);
	if (fl.n > 0) {
		if ((r = pdf_decode(s, &fl, data, n, &dec, &declen)) == EM_OK &&
		    (fl.f[fl.n - 1] == PFK_FLATE ||
			(r = scan_budget_bytes(s->ctx, s->in->part, declen)) == EM_OK))
			r = scan_child_mem(s->ctx, s->in, label,
			    dec != NULL ? dec : (const unsigned char *)"", declen, NULL);
		free(dec);
	} else if ((r = scan_budget_bytes(s->ctx, s->in->part, n)) == EM_OK) {
		r = scan_child_mem(s->ctx, s->in, label, data, n, NULL);
	}
	free(own);
	return r;
}

/* Pass two: an object stream, inflated and lexed for names. */
static em_status
pdf_objstm(struct pdf_state *s, const unsigned char *b, const struct pdf_stream *st)
{
	unsigned char *dec = NULL, *own;
	const unsigned char *data;
	size_t declen = 0, n;
	em_status r;

	struct pdf_filters fl;

	pdf_filters(b, st->dlo, st->dhi, &fl);
	if (fl.unknown || fl.n == 0)
		return EM_OK;
	data = pdf_stream_bytes(s, b, st, &n, &own);
	r = pdf_decode(s, &fl, data, n, &dec, &declen);
	free(own);
	if (r != EM_OK)
		return r;
	r = dec != NULL ? pdf_lex(s, dec, 0, declen) : EM_OK;
	free(dec);
	return r;
}

/* One linear walk over the streams; PASS says what is done. */
static em_status
pdf_walk(struct pdf_state *s, enum pdf_pass pass)
{
	const unsigned char *b = s->in->data;
	size_t len = s->in->len, from = 0, kw;
	struct pdf_stream st;
	em_status r = EM_OK;

	while (from < len && r == EM_OK) {
		kw = pdf_find_stream(b, len, from);
		if (pass == PASS_NAMES && pdf_lex(s, b, from, kw) != EM_OK)
			return EM_LIMIT;
		if (kw >= len)
			break;
		pdf_stream_at(b, len, from, kw, &st);
		if (pass != PASS_NAMES && scan_budget_time(s->ctx, s->in->part) != EM_OK)
			return EM_LIMIT;
		if (pass == PASS_OBJSTM &&
		    pdf_lex_dict_is(b, st.dlo, st.dhi, "Type", "ObjStm"))
			r = pdf_objstm(s, b, &st);
		else if (pass == PASS_FILES &&
		    (pdf_map_find(s, &st) != NULL ||
			pdf_lex_dict_is(b, st.dlo, st.dhi, "Type", "EmbeddedFile")))
			r = pdf_file(s, b, &st, pdf_map_find(s, &st));
		from = st.next;
	}
	return r;
}

/* An encrypted file: the empty user password (a reader opens it without asking),
 * then the message's candidates (at most limits.passwords). */
static void
pdf_open_crypt(struct pdf_state *s)
{
	const struct pwlist *pw = s->ctx->pw;
	const char **pws;
	unsigned k, which = 0;

	s->ncand = pw != NULL ? pwlist_count(pw) : 0;
	if (s->ncand > s->ctx->cfg->lim.passwords)
		s->ncand = s->ctx->cfg->lim.passwords;
	if ((pws = calloc(s->ncand + 1, sizeof(*pws))) == NULL)
		return;
	pws[0] = "";
	for (k = 0; k < s->ncand; k++)
		pws[k + 1] = pwlist_get(pw, k);
	s->crypt = pdfcrypt_open(s->in->data, s->in->len, s->enc_at, pws, s->ncand + 1,
	    &which, &s->crypt_what);
	if (s->crypt != NULL)
		s->crypt_by = which == 0 ? 1 : 2;
	free(pws);
}

/* The findings of passes one and two. */
static void
pdf_report(struct pdf_state *s)
{
	int k;

	if (s->encrypted && s->crypt_by == 1)
		report_add(s->ctx->r, s->in->part, "doc.decrypted",
		    "PDF encrypted (%s) "
		    "with an empty user password: its streams were decrypted and inspected",
		    s->crypt_what);
	else if (s->encrypted && s->crypt_by == 2)
		report_add(s->ctx->r, s->in->part, "doc.unlocked",
		    "PDF (%s) opened with "
		    "one of %u password%s found in the message",
		    s->crypt_what, s->ncand, s->ncand == 1 ? "" : "s");
	else if (s->encrypted)
		report_add(s->ctx->r, s->in->part, "doc.encrypted",
		    "PDF with an "
		    "/Encrypt dictionary: encrypted strings and streams not inspected");
	for (k = 0; k < PK__COUNT; k++) {
		if (s->count[k] == 0)
			continue;
		if (k == PK_LAUNCH && s->launch.len > 0)
			report_add(s->ctx->r, s->in->part, pdf_finding[k],
			    "%u x%s; target: %s", s->count[k], sb_str(&s->seen[k]),
			    sb_str(&s->launch));
		else
			report_add(s->ctx->r, s->in->part, pdf_finding[k], "%u x%s",
			    s->count[k], sb_str(&s->seen[k]));
	}
}

em_status
pdf_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct pdf_state *s = calloc(1, sizeof(*s));
	em_status r;
	int k;

	if (s == NULL)
		return EM_TEMPFAIL;
	s->ctx = ctx;
	s->in = in;
	for (k = 0; k < PK__COUNT; k++)
		sb_init(&s->seen[k], 200);
	sb_init(&s->launch, 400);
	/* Streams are tried even under /Encrypt: a bogus /Encrypt must not hide an
	 * object stream, and an encrypted one merely fails to inflate. */
	r = pdf_walk(s, PASS_NAMES);
	if (r == EM_OK && s->encrypted && s->enc_at != 0)
		pdf_open_crypt(s);
	if (r == EM_OK)
		r = pdf_walk(s, PASS_OBJSTM);
	if (em_status_local(r)) {
		pdf_report(s);
		r = EM_OK;
	}
	if (r == EM_OK) {
		pdf_resolve_ef(s);
		r = pdf_walk(s, PASS_FILES);
	}
	for (k = 0; k < PK__COUNT; k++)
		sb_free(&s->seen[k]);
	sb_free(&s->launch);
	pdfcrypt_free(s->crypt);
	free(s);
	return em_status_local(r) ? EM_OK : r;
}
