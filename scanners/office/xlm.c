/*
 * xlm.c: Excel 4.0 macro sheets, macro function calls, Auto_Open names, DDE links
 * (SUPBOOK, doc.dde) and FILEPASS in BIFF5/BIFF8 workbook streams (see xlm.h; MS-XLS 2.4 records,
 * 2.5.198 formula tokens, function numbers from the Ftab and Cetab tables).
 *
 * Each record is read through bounds-checked readers; the walk advances by at
 * least 4 bytes per record and stops after XLM_MAX_RECORDS. Formula tokens are
 * walked only for BIFF8 (BIFF5 token sizes differ): macro sheets of Excel 5
 * files are still found through BOUNDSHEET and BOF.
 * After FILEPASS the record bodies are encrypted: a BIFF8 stream encrypted with RC4
 * or RC4 CryptoAPI (biffcrypt.c) is tried with Excel's default password
 * "VelvetSweatshop", then with the candidates harvested from the message (at most
 * limits.passwords: a try is a few hashes); when one opens it the walk goes on in
 * the decrypted copy, which the caller also gets to scan as a part. Otherwise only
 * doc.encrypted is said.
 * BUGS: XOR obfuscation and BIFF5 encryption are not decrypted; shared formulas (SHRFMLA), arrays and CONTINUE-split records are not walked;
 * ptgExtend (0x18) ends the walk of that formula; macro functions called through
 * names (ptgName) are not resolved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/analyser.h"
#include "office/biffcrypt.h"
#include "core/passwords.h"
#include "core/strbuf.h"
#include "office/xlm.h"

#define XLM_BOF        0x0809
#define XLM_BOUNDSHEET 0x0085
#define XLM_FORMULA    0x0006
#define XLM_NAME       0x0018
#define XLM_FILEPASS   0x002F
#define XLM_SUPBOOK    0x01AE

/* Macro functions worth naming: Ftab numbers (ce = 0) and Cetab commands (ce = 1). */
static const struct xlm_fn {
	unsigned num;
	int ce;
	const char *name;
} xlm_fns[] = {
	{ 53, 0, "GOTO" },
	{ 54, 0, "HALT" },
	{ 55, 0, "RETURN" },
	{ 88, 0, "SET.NAME" },
	{ 108, 0, "SET.VALUE" },
	{ 110, 0, "EXEC" },
	{ 132, 0, "FOPEN" },
	{ 137, 0, "FWRITELN" },
	{ 138, 0, "FWRITE" },
	{ 149, 0, "REGISTER" },
	{ 150, 0, "CALL" },
	{ 178, 0, "EXECUTE" },
	{ 186, 0, "GET.WORKSPACE" },
	{ 0x11, 1, "RUN" },
	{ 0x60, 1, "FORMULA" },
	{ 0x61, 1, "FORMULA.FILL" },
	{ 0x62, 1, "FORMULA.ARRAY" },
	{ 0x76, 1, "ALERT" },
	{ 0x06, 1, "FILE.DELETE" },
	{ 0x94, 1, "ON.TIME" },
	{ 0x05, 1, "SAVE.AS" },
};
#define XLM_NFNS (sizeof(xlm_fns) / sizeof(xlm_fns[0]))

struct xlm_state {
	int biff8;
	int vset;       /* the version was read from the first BOF */
	int macro_bof;  /* a macro sheet substream was seen */
	int encrypted;  /* FILEPASS seen and not (yet) opened */
	int opened;     /* opened: 1 with the default password, 2 with a candidate */
	int locked;     /* RC4 this file can open, but no password did */
	unsigned ncand; /* candidates tried */
	const unsigned char *fp; /* the FILEPASS body */
	size_t fplen;
	int bad; /* a malformed record or token */
	unsigned char seen[XLM_NFNS];
	struct strbuf sheets, names, dde;
};

static void
xlm_call(struct xlm_state *s, unsigned num, int ce)
{
	size_t i;

	for (i = 0; i < XLM_NFNS; i++)
		if (xlm_fns[i].num == num && xlm_fns[i].ce == ce)
			s->seen[i] = 1;
}

/* The data bytes after ptg P (BIFF8), or -1 when the walk cannot go on. */
static long
xlm_ptg_size(unsigned p, const unsigned char *t, size_t n, size_t i)
{
	uint16_t w = 0;

	if (p >= 0x03 && p <= 0x16)
		return 0;
	switch (p) {
	case 0x01:
	case 0x02: return 4;
	case 0x17: /* ptgStr: cch, flags, characters */
		if (n - i < 2)
			return -1;
		return 2 + (long)t[i] * ((t[i + 1] & 1) ? 2 : 1);
	case 0x19: /* ptgAttr; tAttrChoose carries a jump table */
		if (n - i < 3 || !rd_le16(t, n, i + 1, &w))
			return -1;
		return (t[i] & 0x04) ? 3 + ((long)w + 1) * 2 : 3;
	case 0x1C:
	case 0x1D: return 1;
	case 0x1E: return 2;
	case 0x1F: return 8;
	default: break;
	}
	if (p < 0x20)
		return -1;
	switch ((p & 0x1F) | 0x20) {
	case 0x20: return 7;
	case 0x21:
	case 0x29: return 2;
	case 0x22: return 3;
	case 0x23:
	case 0x24:
	case 0x2A:
	case 0x2C: return 4;
	case 0x26:
	case 0x27:
	case 0x28:
	case 0x39:
	case 0x3A:
	case 0x3C: return 6;
	case 0x25:
	case 0x2B:
	case 0x2D: return 8;
	case 0x3B:
	case 0x3D: return 10;
	default: return -1;
	}
}

/* Walk the tokens of one BIFF8 formula (rgce of CCE bytes). */
static void
xlm_formula(struct xlm_state *s, const unsigned char *t, size_t n)
{
	size_t i = 0;
	unsigned p;
	uint16_t v = 0;
	long sz;

	while (i < n) {
		p = t[i++];
		if ((sz = xlm_ptg_size(p, t, n, i)) < 0 || (size_t)sz > n - i)
			return;
		if (p >= 0x20 && ((p & 0x1F) | 0x20) == 0x21 && rd_le16(t, n, i, &v))
			xlm_call(s, v, 0);
		else if (p >= 0x20 && ((p & 0x1F) | 0x20) == 0x22 &&
		    rd_le16(t, n, i + 1, &v))
			xlm_call(s, v & 0x7FFF, (v & 0x8000) != 0);
		i += (size_t)sz;
	}
}

/* Sheet or defined-name text: 8-bit or UTF-16LE (BIFF8 fHighByte), kept printable. */
static void
xlm_text(struct strbuf *sb, const unsigned char *p, size_t avail, unsigned cch, int wide)
{
	unsigned i;
	size_t w = wide ? 2 : 1;

	for (i = 0; i < cch && (size_t)i * w + w <= avail; i++) {
		unsigned c = p[i * w] | (wide ? (unsigned)p[i * w + 1] << 8 : 0);

		sb_addc(sb, c >= 0x20 && c < 0x7F ? (char)c : '?');
	}
}

static void
xlm_boundsheet(struct xlm_state *s, const unsigned char *d, size_t n)
{
	static const char *const vis[4] = { "", " (hidden)", " (very hidden)",
		" (state 3)" };
	size_t off;

	if (n < 7 || d[5] != 1) /* dt 1: macro sheet */
		return;
	if (s->sheets.len > 0)
		sb_adds(&s->sheets, ", ");
	off = s->biff8 ? 8 : 7;
	if (n >= off)
		xlm_text(
		    &s->sheets, d + off, n - off, d[6], s->biff8 && n > 7 && (d[7] & 1));
	sb_adds(&s->sheets, vis[d[4] & 3]);
}

/* SUPBOOK (BIFF8, MS-XLS 2.4.271): no sheet names (ctab 0) and a virtual path
 * "application 0x03 topic" is a DDE or OLE link, which Excel starts on open (with
 * a prompt) as it does the DDE formulas of a .xlsx: cmd|'/c calc.exe'. */
static void
xlm_supbook(struct xlm_state *s, const unsigned char *d, size_t n)
{
	uint16_t ctab = 0, cch = 0;
	unsigned i, c, sep = 0;
	size_t w;
	int wide;

	if (!s->biff8 || n < 5 || !rd_le16(d, n, 0, &ctab) || !rd_le16(d, n, 2, &cch) ||
	    ctab != 0 || cch == 0x0401 || cch == 0x3A01)
		return;
	wide = d[4] & 1;
	w = wide ? 2 : 1;
	for (i = 0; i < cch && 5 + (size_t)i * w + w <= n; i++) {
		c = d[5 + i * w] | (wide ? (unsigned)d[5 + i * w + 1] << 8 : 0);
		if (c == 3) {
			sep = i;
			break;
		}
	}
	if (i == cch || 5 + (size_t)i * w + w > n || sep == 0)
		return;
	if (s->dde.len > 0)
		sb_adds(&s->dde, ", ");
	xlm_text(&s->dde, d + 5, n - 5, sep, wide);
	sb_addc(&s->dde, '|');
	xlm_text(
	    &s->dde, d + 5 + (sep + 1) * w, n - 5 - (sep + 1) * w, cch - sep - 1, wide);
}

static void
xlm_name(struct xlm_state *s, const unsigned char *d, size_t n)
{
	struct strbuf nm = STRBUF_INIT;
	uint16_t grbit = 0;
	unsigned cch;
	size_t off = 14;
	int wide = 0;

	if (n < 15 || !rd_le16(d, n, 0, &grbit))
		return;
	cch = d[3];
	if (s->biff8) {
		wide = d[14] & 1;
		off = 15;
	}
	if ((grbit & 0x0020) && cch >= 1 && off < n &&
	    (d[off] == 0x01 || d[off] == 0x02)) {
		sb_adds(&nm,
		    d[off] == 0x01 ? "Auto_Open (built-in)" : "Auto_Close (built-in)");
	} else {
		xlm_text(&nm, d + off, n - off, cch, wide);
		if (nm.len < 9 ||
		    (strncasecmp(sb_str(&nm), "auto_open", 9) != 0 &&
			strncasecmp(sb_str(&nm), "auto_clos", 9) != 0))
			sb_reset(&nm);
	}
	if (nm.len > 0)
		sb_printf(&s->names, "%s%s", s->names.len ? ", " : "", sb_str(&nm));
	sb_free(&nm);
}

static void
xlm_record(struct xlm_state *s, unsigned type, const unsigned char *d, size_t n)
{
	uint16_t v = 0, cce = 0;

	switch (type) {
	case XLM_BOF:
		if (!s->vset && rd_le16(d, n, 0, &v)) {
			s->vset = 1; /* the first BOF gives the version */
			s->biff8 = v == 0x0600;
		}
		if (rd_le16(d, n, 2, &v) && v == 0x0040)
			s->macro_bof = 1;
		break;
	case XLM_BOUNDSHEET: xlm_boundsheet(s, d, n); break;
	case XLM_NAME: xlm_name(s, d, n); break;
	case XLM_SUPBOOK: xlm_supbook(s, d, n); break;
	case XLM_FORMULA:
		if (s->biff8 && rd_le16(d, n, 20, &cce) && cce <= n - 22)
			xlm_formula(s, d + 22, cce);
		break;
	case XLM_FILEPASS:
		s->encrypted = 1;
		s->fp = d;
		s->fplen = n;
		break;
	default: break;
	}
}

static void
xlm_report(struct scan_ctx *ctx, int part, struct xlm_state *s)
{
	struct strbuf fn = STRBUF_INIT;
	size_t i;

	for (i = 0; i < XLM_NFNS; i++)
		if (s->seen[i])
			sb_printf(&fn, "%s%s", fn.len ? ", " : "", xlm_fns[i].name);
	if (s->sheets.len || s->macro_bof || s->names.len || fn.len)
		report_add(ctx->r, part, "macro.xlm",
		    "macro sheets: %s; names: %s; functions: %s",
		    s->sheets.len ? sb_str(&s->sheets) :
				    (s->macro_bof ? "(substream)" : "none"),
		    s->names.len ? sb_str(&s->names) : "none",
		    fn.len ? sb_str(&fn) : "none");
	if (s->dde.len > 0)
		report_add(ctx->r, part, "doc.dde", "DDE link %s", sb_str(&s->dde));
	if (s->encrypted)
		report_add(ctx->r, part, "doc.encrypted",
		    "Excel workbook with FILEPASS: records after it are not inspected");
	else if (s->opened == 1)
		report_add(ctx->r, part, "doc.encrypted",
		    "Excel workbook (RC4) opened with Excel's default password");
	else if (s->opened == 2)
		report_add(ctx->r, part, "doc.unlocked",
		    "Excel workbook (RC4) opened with one of %u password%s found in the message",
		    s->ncand, s->ncand == 1 ? "" : "s");
	sb_free(&fn);
}

/* The stream WB/LEN decrypted with Excel's default password or one of the
 * message's candidates; NULL when none opens it. */
static unsigned char *
xlm_decrypt(struct scan_ctx *ctx, struct xlm_state *s, const unsigned char *wb,
    size_t len, unsigned first)
{
	unsigned char *plain = NULL;
	unsigned k, n = ctx->pw != NULL ? pwlist_count(ctx->pw) : 0;

	if (!s->biff8 || !biffcrypt_known(s->fp, s->fplen))
		return NULL;
	s->locked = 1;
	if (n > ctx->cfg->lim.passwords)
		n = ctx->cfg->lim.passwords;
	for (k = first; k <= n && plain == NULL; k++)
		plain = biffcrypt_open(wb, len, s->fp, s->fplen,
		    k == 0 ? "VelvetSweatshop" : pwlist_get(ctx->pw, k - 1));
	if (plain != NULL) {
		s->locked = 0;
		s->encrypted = 0;
		s->opened = k == 1 ? 1 : 2;
		s->ncand = n;
	}
	return plain;
}

em_status
xlm_scan(struct scan_ctx *ctx, int part, const unsigned char *wb, size_t len,
    unsigned first, unsigned char **plain, int *locked)
{
	struct xlm_state s;
	uint16_t type = 0, rlen = 0;
	size_t pos = 0, nrec = 0;
	em_status st = EM_OK;
	unsigned char *dec = NULL;

	memset(&s, 0, sizeof(s));
	sb_init(&s.sheets, 900);
	sb_init(&s.names, 400);
	sb_init(&s.dde, 400);
	while (len - pos >= 4 && !s.encrypted) {
		(void)rd_le16(wb, len, pos, &type);
		(void)rd_le16(wb, len, pos + 2, &rlen);
		pos += 4;
		if (rlen > len - pos) {
			s.bad = 1;
			break;
		}
		if (++nrec > XLM_MAX_RECORDS) {
			report_add(ctx->r, part, "scan.limit",
			    "BIFF: more than %u records not read", XLM_MAX_RECORDS);
			st = EM_LIMIT;
			break;
		}
		if (type == 0 && rlen == 0) /* zero padding after the last EOF */
			break;
		xlm_record(&s, type, wb + pos, rlen);
		pos += rlen;
		/* FILEPASS: go on in the decrypted copy when a password opens it */
		if (s.encrypted && dec == NULL &&
		    (dec = xlm_decrypt(ctx, &s, wb, len, first)) != NULL)
			wb = dec;
	}
	if (first == 0 || dec != NULL) /* a retry says only what it opened */
		xlm_report(ctx, part, &s);
	if (s.bad)
		scan_error(
		    ctx, part, "xlm", "BIFF record runs past the end of the stream");
	sb_free(&s.sheets);
	sb_free(&s.names);
	sb_free(&s.dde);
	if (plain != NULL)
		*plain = dec;
	else
		free(dec);
	if (locked != NULL)
		*locked = s.locked;
	return st;
}
