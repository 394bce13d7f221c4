/*
 * vba.c: MS-OVBA decompression, the dir stream's module records, and the project
 * scan, and keyword analysis of the source (see vba.h).
 *
 * Limits: VBA_MAX_DIR bytes of dir stream, VBA_MAX_MODULES modules, VBA_MAX_SOURCE
 * bytes per module (crossing one is scan.limit); every decompressed byte counts
 * against the message's unpacked-bytes budget.
 * Stomping is called conservatively: a module whose source is missing or has no
 * "Attribute VB_Name" line while the project carries p-code (_VBA_PROJECT longer
 * than its 7-byte header and a non-zero source offset).
 * BUGS: p-code is not disassembled, so source that differs from p-code but is
 * present is not detected; module names are shown in the project code page bytes;
 * PROJECT stream (module list for the editor) is not cross-checked with dir.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/analyser.h"
#include "office/vba.h"

struct vba_buf {
	unsigned char *p;
	size_t n, cap, max;
	int full;
};

static int
vba_put(struct vba_buf *b, unsigned char c)
{
	unsigned char *np;
	size_t ncap;

	if (b->n >= b->max) {
		b->full = 1;
		return -1;
	}
	if (b->n + 1 >= b->cap) {
		ncap = b->cap < 4096 ? 4096 : b->cap * 2;
		if (ncap > b->max + 1)
			ncap = b->max + 1;
		if ((np = realloc(b->p, ncap)) == NULL)
			return -2;
		b->p = np;
		b->cap = ncap;
	}
	b->p[b->n++] = c;
	return 0;
}

/* One compressed chunk's token sequences in IN[pos, end). Returns 0, -1, -2. */
static int
vba_chunk(const unsigned char *in, size_t pos, size_t end, struct vba_buf *b)
{
	size_t cstart = b->n, diff, off, k, length;
	unsigned bit, bitcount, flags, tok;
	int rc;

	while (pos < end) {
		flags = in[pos++];
		for (bit = 0; bit < 8 && pos < end; bit++) {
			if (!(flags & (1u << bit))) {
				if ((rc = vba_put(b, in[pos++])) != 0)
					return rc;
				continue;
			}
			if (end - pos < 2)
				return -1;
			tok = (unsigned)in[pos] | (unsigned)in[pos + 1] << 8;
			pos += 2;
			diff = b->n - cstart;
			for (bitcount = 4;
			     bitcount < 12 && ((size_t)1 << bitcount) < diff;)
				bitcount++;
			length = (tok & (0xFFFFu >> bitcount)) + 3;
			off = (size_t)(tok >> (16 - bitcount)) + 1;
			if (off > diff || diff + length > 4096)
				return -1;
			for (k = 0; k < length; k++)
				if ((rc = vba_put(b, b->p[b->n - off])) != 0)
					return rc;
		}
	}
	return 0;
}

int
vba_decompress(
    const unsigned char *in, size_t len, size_t max, unsigned char **out, size_t *outlen)
{
	struct vba_buf b = { NULL, 0, 0, max, 0 };
	size_t pos = 1, end, k;
	unsigned hdr;
	int rc = 0;

	if (len < 1 || in[0] != 0x01)
		rc = -1;
	while (rc == 0 && pos < len && len - pos >= 2) {
		hdr = (unsigned)in[pos] | (unsigned)in[pos + 1] << 8;
		pos += 2;
		end = pos + (hdr & 0x0FFF) + 1; /* chunk size + 3, less the header */
		if (((hdr >> 12) & 7) != 3 || end > len) {
			rc = -1;
			if (end > len)
				end = len;
		}
		if (hdr & 0x8000) {
			int r = vba_chunk(in, pos, end, &b);

			if (r != 0)
				rc = r;
		} else {
			for (k = pos; k < end && k - pos < 4096; k++)
				if ((rc = vba_put(&b, in[k])) != 0)
					break;
		}
		pos = end;
	}
	if (rc == -2 || (b.p == NULL && (b.p = malloc(1)) == NULL)) {
		free(b.p);
		return -2;
	}
	b.p[b.n] = '\0';
	*out = b.p;
	*outlen = b.n;
	return rc != 0 || b.full ? -1 : 0;
}

static void
vba_copy(char *dst, size_t dsz, const unsigned char *src, size_t n)
{
	if (n >= dsz)
		n = dsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* UTF-16LE to UTF-8 (BMP; surrogates become '?'), bounded by DSZ. */
static void
vba_utf16(char *dst, size_t dsz, const unsigned char *src, size_t n)
{
	size_t i, o = 0;
	unsigned u;

	for (i = 0; i + 1 < n && o + 4 < dsz; i += 2) {
		u = (unsigned)src[i] | (unsigned)src[i + 1] << 8;
		if (u == 0)
			break;
		if (u >= 0xD800 && u <= 0xDFFF)
			u = '?';
		if (u < 0x80) {
			dst[o++] = (char)u;
		} else if (u < 0x800) {
			dst[o++] = (char)(0xC0 | u >> 6);
			dst[o++] = (char)(0x80 | (u & 0x3F));
		} else {
			dst[o++] = (char)(0xE0 | u >> 12);
			dst[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
			dst[o++] = (char)(0x80 | (u & 0x3F));
		}
	}
	dst[o] = '\0';
}

int
vba_dir_parse(const unsigned char *dir, size_t len, struct vba_module *mods, unsigned max,
    unsigned *n)
{
	size_t pos = 0, size;
	uint16_t id;
	uint32_t sz;
	int cur = -1;

	*n = 0;
	while (len - pos >= 6) {
		(void)rd_le16(dir, len, pos, &id);
		(void)rd_le32(dir, len, pos + 2, &sz);
		size = sz;
		pos += 6;
		if (id == 0x0009) /* PROJECTVERSION: Size says 4, 6 bytes follow */
			size = 6;
		if (size > len - pos)
			return -1;
		if (id == 0x0019 && *n < max) { /* MODULENAME */
			cur = (int)(*n)++;
			memset(&mods[cur], 0, sizeof(mods[cur]));
			vba_copy(mods[cur].name, sizeof(mods[cur].name), dir + pos, size);
		} else if (id == 0x0019) {
			cur = -1;
		} else if (cur >= 0 && id == 0x001A) { /* MODULESTREAMNAME */
			vba_copy(
			    mods[cur].stream, sizeof(mods[cur].stream), dir + pos, size);
		} else if (cur >= 0 && id == 0x0032) { /* its Unicode form */
			vba_utf16(mods[cur].ustream, sizeof(mods[cur].ustream), dir + pos,
			    size);
		} else if (cur >= 0 && id == 0x0031 && size >= 4) { /* MODULEOFFSET */
			(void)rd_le32(dir, len, pos, &mods[cur].offset);
		} else if (cur >= 0 && id == 0x0021) { /* MODULETYPE: procedural */
			mods[cur].procedural = 1;
		} else if (id == 0x002B) { /* module terminator */
			cur = -1;
		} else if (id == 0x0010) { /* end of dir */
			return 0;
		}
		pos += size;
	}
	return 0;
}

/* Read stream I of C whole (bounded by the part's bytes). NULL when unreadable. */
static unsigned char *
vba_stream(const struct cfb *c, int i, size_t max, size_t *len, int *oom)
{
	unsigned char *p = NULL;
	int cut, rc;

	*oom = 0;
	if (i < 0)
		return NULL;
	rc = cfb_read(c, (unsigned)i, max, &p, len, &cut);
	if (rc == -2)
		*oom = 1;
	return rc == 0 ? p : NULL;
}

static int
vba_has_name_attr(const unsigned char *s, size_t n)
{
	static const char a[] = "attribute vb_name";
	size_t i;

	for (i = 0; n >= sizeof(a) - 1 && i <= n - (sizeof(a) - 1); i++)
		if (strncasecmp((const char *)s + i, a, sizeof(a) - 1) == 0)
			return 1;
	return 0;
}

/* Lines that are not blank, "Attribute ...", "Option ..." or comments: real code. */
static int
vba_has_code(const unsigned char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		while (i < n &&
		    (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= n)
			return 0;
		if (s[i] != '\'' &&
		    (n - i < 10 ||
			strncasecmp((const char *)s + i, "attribute ", 10) != 0) &&
		    (n - i < 7 || strncasecmp((const char *)s + i, "option ", 7) != 0) &&
		    (n - i < 4 || strncasecmp((const char *)s + i, "rem ", 4) != 0))
			return 1;
		for (j = i; j < n && s[j] != '\n'; j++)
			;
		i = j;
	}
	return 0;
}

static void
vba_label(char *dst, size_t dsz, const char *name)
{
	size_t i, o = 0;

	for (i = 0; name[i] != '\0' && o + 1 < dsz; i++) {
		unsigned char ch = (unsigned char)name[i];

		dst[o++] =
		    (ch < 0x20 || ch == '/' || ch == '\\' || ch == 0x7F) ? '_' : (char)ch;
	}
	dst[o] = '\0';
}

/* ---- keyword analysis ---- */

static int
vba_ident(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Procedures Office runs by themselves (exact names, case-insensitive). */
static const char *const vba_auto_names[] = {
	"AutoOpen",
	"AutoClose",
	"AutoExec",
	"AutoExit",
	"AutoNew",
	"Auto_Open",
	"Auto_Close",
	"Document_Open",
	"Document_Close",
	"Document_New",
	"Document_BeforeClose",
	"Document_ContentControlOnEnter",
	"DocumentOpen",
	"DocumentBeforeClose",
	"Workbook_Open",
	"Workbook_Activate",
	"Workbook_Close",
	"Workbook_BeforeClose",
	"Workbook_Deactivate",
	"Workbook_WindowActivate",
	"App_DocumentOpen",
	"App_WorkbookOpen",
	"App_NewDocument",
	"Auto_Activate",
};

/* Event handlers of ActiveX controls and sheets: X_<event>. */
static const char *const vba_auto_events[] = {
	"_Click",
	"_DblClick",
	"_Change",
	"_Painted",
	"_Layout",
	"_GotFocus",
	"_LostFocus",
	"_MouseMove",
	"_MouseDown",
	"_MouseUp",
	"_MouseEnter",
	"_MouseLeave",
	"_Resize",
	"_BeforeNavigate2",
	"_NavigateComplete2",
	"_DocumentComplete",
	"_DownloadBegin",
	"_DownloadComplete",
	"_ProgressChange",
	"_StatusTextChange",
	"_TitleChange",
	"_PropertyChange",
	"_OnConnecting",
	"_BeforeScriptExecute",
	"_Enter",
	"_Exit",
	"_KeyDown",
	"_KeyPress",
	"_KeyUp",
	"_Activate",
	"_Deactivate",
	"_Calculate",
	"_SelectionChange",
};

/* Keywords: whole word unless PREFIX (then only the left edge is a boundary) or
 * ANY (a substring anywhere, for command lines inside strings). */
enum { KW_WORD, KW_PREFIX, KW_ANY };
static const struct vba_kw {
	const char *s;
	int how;
} vba_kws[] = {
	{ "Shell", KW_WORD },
	{ "WScript.Shell", KW_WORD },
	{ "CreateObject", KW_WORD },
	{ "GetObject", KW_WORD },
	{ "URLDownloadToFile", KW_PREFIX },
	{ "XMLHTTP", KW_PREFIX },
	{ "ServerXMLHTTP", KW_PREFIX },
	{ "WinHttp", KW_PREFIX },
	{ "Kill", KW_WORD },
	{ "Environ", KW_WORD },
	{ "CallByName", KW_WORD },
	{ "ExecuteExcel4Macro", KW_WORD },
	{ "Run", KW_WORD },
	{ "ShellExecute", KW_PREFIX },
	{ "CreateProcess", KW_PREFIX },
	{ "WinExec", KW_WORD },
	{ "VirtualAlloc", KW_PREFIX },
	{ "RtlMoveMemory", KW_WORD },
	{ "StrReverse", KW_WORD },
	{ "ADODB.Stream", KW_WORD },
	{ "SaveToFile", KW_WORD },
	{ "VBProject", KW_WORD },
	{ "VBComponents", KW_WORD },
	{ "AddFromString", KW_WORD },
	{ "Shell.Application", KW_WORD },
	{ "MacScript", KW_WORD },
	{ "powershell", KW_ANY },
	{ "cmd.exe", KW_ANY },
	{ "mshta", KW_ANY },
	{ "rundll32", KW_ANY },
	{ "regsvr32", KW_ANY },
	{ "certutil", KW_ANY },
	{ "bitsadmin", KW_ANY },
	{ "wscript.exe", KW_ANY },
	{ "cscript", KW_ANY },
};

static int
vba_at_word(const char *s, size_t len, size_t i, const char *kw, int how)
{
	size_t k;

	if (((unsigned char)s[i] | 0x20) != ((unsigned char)kw[0] | 0x20))
		return 0; /* the common case, before strlen */
	k = strlen(kw);
	if (len - i < k || strncasecmp(s + i, kw, k) != 0)
		return 0;
	if (how == KW_ANY)
		return 1;
	if (i > 0 && vba_ident((unsigned char)s[i - 1]))
		return 0;
	if (how == KW_PREFIX)
		return 1;
	return i + k == len || !vba_ident((unsigned char)s[i + k]);
}

static int
vba_find(const char *s, size_t len, const char *kw, int how)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (vba_at_word(s, len, i, kw, how))
			return 1;
	return 0;
}

static void
vba_list(struct strbuf *sb, const char *what)
{
	size_t n = strlen(what);
	const char *p = sb_str(sb);

	/* each name once: look for it as a whole list element */
	while ((p = strstr(p, what)) != NULL) {
		if ((p == sb_str(sb) || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
			return;
		p++;
	}
	if (sb->len > 0)
		sb_adds(sb, ", ");
	sb_adds(sb, what);
}

/* The procedure name declared on line L (Sub/Function), or 0. */
static size_t
vba_proc_name(const char *l, size_t n, size_t *start)
{
	static const char *const mods[] = { "public ", "private ", "friend ", "static " };
	size_t i = 0, k, j;
	int again = 1;

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	while (again) {
		again = 0;
		for (k = 0; k < 4; k++) {
			size_t ml = strlen(mods[k]);

			if (n - i > ml && strncasecmp(l + i, mods[k], ml) == 0) {
				i += ml;
				while (i < n && l[i] == ' ')
					i++;
				again = 1;
			}
		}
	}
	if (n - i > 4 && strncasecmp(l + i, "sub ", 4) == 0)
		i += 4;
	else if (n - i > 9 && strncasecmp(l + i, "function ", 9) == 0)
		i += 9;
	else
		return 0;
	while (i < n && l[i] == ' ')
		i++;
	for (j = i; j < n && vba_ident((unsigned char)l[j]); j++)
		;
	*start = i;
	return j - i;
}

static void
vba_proc_check(const char *name, size_t n, struct strbuf *autoexec, int events)
{
	char buf[80];
	size_t k, el;

	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, name, n);
	buf[n] = '\0';
	for (k = 0; k < sizeof(vba_auto_names) / sizeof(vba_auto_names[0]); k++)
		if (strcasecmp(buf, vba_auto_names[k]) == 0) {
			vba_list(autoexec, vba_auto_names[k]);
			return;
		}
	for (k = 0; events && k < sizeof(vba_auto_events) / sizeof(vba_auto_events[0]);
	     k++) {
		el = strlen(vba_auto_events[k]);
		if (n > el && strcasecmp(buf + n - el, vba_auto_events[k]) == 0) {
			vba_list(autoexec, buf);
			return;
		}
	}
}

/* Line-shaped statements: Declare ... Lib, Open ... For Output|Binary|Append, Put #. */
static void
vba_line(
    const char *l, size_t n, struct strbuf *autoexec, struct strbuf *susp, int events)
{
	size_t ps = 0, pn = vba_proc_name(l, n, &ps);

	if (pn > 0)
		vba_proc_check(l + ps, pn, autoexec, events);
	if (vba_find(l, n, "Declare", KW_WORD) && vba_find(l, n, "Lib", KW_WORD))
		vba_list(susp, "Declare Lib");
	if (vba_find(l, n, "Open", KW_WORD) &&
	    (vba_find(l, n, "For Output", KW_WORD) ||
		vba_find(l, n, "For Binary", KW_WORD) ||
		vba_find(l, n, "For Append", KW_WORD)))
		vba_list(susp, "Open For Output/Binary");
	if (vba_find(l, n, "Put", KW_WORD)) {
		size_t i;

		for (i = 0; i + 3 < n; i++)
			if (vba_at_word(l, n, i, "Put", KW_WORD)) {
				size_t j = i + 3;

				while (j < n && l[j] == ' ')
					j++;
				if (j < n && l[j] == '#')
					vba_list(susp, "Put #");
			}
	}
}

/* Long string runs: hex (only hex digits) or Base64 alphabet, 80 characters or more. */
static void
vba_blobs(const char *s, size_t len, struct strbuf *susp)
{
	size_t i = 0, j;
	int hex;

	while (i < len) {
		if (s[i] != '"') {
			i++;
			continue;
		}
		hex = 1;
		for (j = i + 1; j < len && s[j] != '"' && s[j] != '\n'; j++) {
			unsigned char c = (unsigned char)s[j];

			if (!((c >= '0' && c <= '9') ||
				((c | 0x20) >= 'a' && (c | 0x20) <= 'f')))
				hex = 0;
			if (!((c >= '0' && c <= '9') ||
				((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '+' ||
				c == '/' || c == '='))
				break;
		}
		if (j < len && s[j] == '"' && j - i - 1 >= 80)
			vba_list(susp, hex ? "hex string" : "Base64 string");
		i = j + 1;
	}
}

void
vba_analyse(
    const char *src, size_t len, int events, struct strbuf *autoexec, struct strbuf *susp)
{
	size_t i, start = 0, nchr = 0;
	char buf[40];

	for (i = 0; i <= len; i++) {
		if (i == len || src[i] == '\n') {
			vba_line(src + start, i - start, autoexec, susp, events);
			start = i + 1;
		}
	}
	for (i = 0; i < sizeof(vba_kws) / sizeof(vba_kws[0]); i++)
		if (vba_find(src, len, vba_kws[i].s, vba_kws[i].how))
			vba_list(susp, vba_kws[i].s);
	for (i = 0; i < len; i++)
		if (vba_at_word(src, len, i, "Chr", KW_PREFIX) && len - i > 4) {
			size_t j = i + 3;

			while (j < len && j < i + 5 &&
			    (src[j] == 'W' || src[j] == 'w' || src[j] == 'B' ||
				src[j] == 'b' || src[j] == '$'))
				j++;
			if (j < len && src[j] == '(')
				nchr++;
		}
	if (nchr >= 20) {
		snprintf(buf, sizeof(buf), "Chr() x%zu", nchr);
		vba_list(susp, buf);
	}
	vba_blobs(src, len, susp);
}

struct vba_state {
	struct strbuf names, autoexec, susp, stomped;
	struct strbuf project; /* the PROJECT stream's text (module kinds) */
	unsigned ncode;
	int pcode; /* the project carries p-code */
};

/*
 * Is NAME a designer module (a UserForm)? The PROJECT stream lists them as
 * "BaseClass=<name>" lines; their control events run only when code shows the form.
 */
static int
vba_is_form(const struct strbuf *project, const char *name)
{
	const char *p = sb_str(project), *e;
	size_t n = strlen(name);

	while ((p = strstr(p, "BaseClass=")) != NULL) {
		p += 10;
		for (e = p; *e != '\0' && *e != '\r' && *e != '\n'; e++)
			;
		if ((size_t)(e - p) == n && strncasecmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/* One module: read, decompress, analyse, add as a child. */
static em_status
vba_module_scan(struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c, int vba,
    const struct vba_module *m, struct vba_state *st)
{
	unsigned char *raw = NULL, *src = NULL;
	size_t rlen = 0, slen = 0;
	char label[160];
	int si, oom, rc;
	em_status es = EM_OK;

	si = m->ustream[0] ? cfb_child(c, vba, m->ustream) : -1;
	if (si < 0)
		si = cfb_child(c, vba, m->stream[0] ? m->stream : m->name);
	raw = vba_stream(c, si, in->len, &rlen, &oom);
	if (oom)
		return EM_TEMPFAIL;
	if (raw != NULL && m->offset < rlen) {
		rc = vba_decompress(
		    raw + m->offset, rlen - m->offset, VBA_MAX_SOURCE, &src, &slen);
		if (rc == -2) {
			free(raw);
			return EM_TEMPFAIL;
		}
		if (slen >= VBA_MAX_SOURCE)
			report_add(ctx->r, in->part, "scan.limit",
			    "VBA module %.100s: source past %u bytes not read", m->name,
			    VBA_MAX_SOURCE);
	}
	if ((src == NULL || !vba_has_name_attr(src, slen)) && st->pcode && raw != NULL &&
	    m->offset > 0) {
		sb_printf(&st->stomped, "%s%.100s (%u bytes of p-code, %s)",
		    st->stomped.len ? ", " : "", m->name, (unsigned)m->offset,
		    src == NULL || slen == 0 ? "no source" : "no source header");
	}
	if (src != NULL && vba_has_code(src, slen)) {
		st->ncode++;
		sb_printf(&st->names, "%s%.100s", st->names.len ? ", " : "", m->name);
		vba_analyse((const char *)src, slen,
		    !m->procedural && !vba_is_form(&st->project, m->name), &st->autoexec,
		    &st->susp);
		memcpy(label, "VBA/", 4);
		vba_label(label + 4, sizeof(label) - 8, m->name);
		memcpy(label + strlen(label), ".bas", 5);
		if ((es = scan_budget_bytes(ctx, in->part, slen)) == EM_OK)
			es = scan_child_mem(ctx, in, label, src, slen, NULL);
	}
	free(raw);
	free(src);
	return es;
}

/* The PROJECT stream beside the VBA storage (64 KiB of it), NULs dropped. */
static void
vba_project_text(const struct cfb *c, int vba, struct strbuf *out)
{
	const struct cfb_entry *v = cfb_entry(c, (unsigned)vba);
	unsigned char *p = NULL;
	size_t n = 0, i;
	int cut;

	if (v == NULL || v->parent < 0 ||
	    cfb_read(c, (unsigned)cfb_child(c, v->parent, "PROJECT"), 1u << 16, &p, &n,
		&cut) != 0)
		return;
	for (i = 0; i < n; i++)
		if (p[i] != 0)
			sb_addc(out, (char)p[i]);
	free(p);
}

static void
vba_report(struct scan_ctx *ctx, struct scan_input *in, struct vba_state *st)
{
	if (st->ncode > 0 || st->stomped.len > 0)
		report_add(ctx->r, in->part, "macro.vba", "%u module%s with code: %s",
		    st->ncode, st->ncode == 1 ? "" : "s", sb_str(&st->names));
	if (st->autoexec.len > 0)
		report_add(
		    ctx->r, in->part, "macro.vba.autoexec", "%s", sb_str(&st->autoexec));
	if (st->susp.len > 0)
		report_add(
		    ctx->r, in->part, "macro.vba.suspicious", "%s", sb_str(&st->susp));
	if (st->stomped.len > 0)
		report_add(ctx->r, in->part, "macro.stomped", "%s", sb_str(&st->stomped));
}

em_status
vba_scan_project(
    struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c, int vba)
{
	struct vba_module *mods = NULL;
	struct vba_state st;
	unsigned char *raw = NULL, *dir = NULL;
	size_t rlen = 0, dlen = 0;
	const struct cfb_entry *pj;
	unsigned n = 0, i;
	int oom, rc, pji;
	em_status es = EM_OK;

	memset(&st, 0, sizeof(st));
	sb_init(&st.names, 900);
	sb_init(&st.autoexec, 900);
	sb_init(&st.susp, 900);
	sb_init(&st.stomped, 900);
	sb_init(&st.project, 1u << 16);
	raw = vba_stream(c, cfb_child(c, vba, "dir"), in->len, &rlen, &oom);
	if (oom || raw == NULL) {
		es = oom ? EM_TEMPFAIL : EM_OK;
		goto out;
	}
	if ((rc = vba_decompress(raw, rlen, VBA_MAX_DIR, &dir, &dlen)) == -2 ||
	    (mods = calloc(VBA_MAX_MODULES, sizeof(*mods))) == NULL) {
		es = EM_TEMPFAIL;
		goto out;
	}
	if (vba_dir_parse(dir, dlen, mods, VBA_MAX_MODULES, &n) != 0 || rc != 0)
		scan_error(ctx, in->part, "vba",
		    n ? "dir stream malformed (modules kept)" :
			"dir stream malformed: no module list");
	if (n == VBA_MAX_MODULES)
		report_add(ctx->r, in->part, "scan.limit",
		    "VBA: more than %u modules not read", VBA_MAX_MODULES);
	vba_project_text(c, vba, &st.project);
	pji = cfb_child(c, vba, "_VBA_PROJECT");
	pj = pji >= 0 ? cfb_entry(c, (unsigned)pji) : NULL;
	st.pcode = pj != NULL && pj->size > 7;
	for (i = 0; i < n && es == EM_OK; i++) {
		if ((es = scan_budget_time(ctx, in->part)) != EM_OK)
			break;
		es = vba_module_scan(ctx, in, c, vba, &mods[i], &st);
	}
	vba_report(ctx, in, &st);
out:
	free(raw);
	free(dir);
	free(mods);
	sb_free(&st.names);
	sb_free(&st.autoexec);
	sb_free(&st.susp);
	sb_free(&st.stomped);
	sb_free(&st.project);
	return es;
}
