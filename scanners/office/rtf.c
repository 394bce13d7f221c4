/*
 * rtf.c: RTF documents: embedded objects (\object, \objdata) and DDE fields.
 *
 * One pass over the bytes with an explicit group stack (no recursion on input).
 * Inside an \objdata destination every hex digit is kept and everything else is
 * dropped, which is how Word reads it: whitespace and CR/LF between digits, unknown
 * control words, nested groups and odd digit counts (the last lone digit is
 * dropped) all decode the way Word decodes them; \bin N copies N raw bytes; a
 * nested group that opens another destination (\* or a known destination word)
 * is not object data. The
 * decoded object is an OLE1 ObjectHeader (version, format id, class name, topic,
 * item, native size) and its native data: a Package is unwrapped and its file
 * scanned under its own name, any other native data (usually an OLE2 file, e.g.
 * Equation.3) is scanned as "objdata<N>.bin" so ole.c sees it. An \objdata that is
 * not OLE1 is scanned whole.
 *
 * Findings: doc.rtf_object per object (class, kind; Equation.3 called out as
 * CVE-2017-11882 territory), doc.ole_object per embedded object, doc.dde for fields
 * whose instruction is DDE or DDEAUTO, doc.external_link for INCLUDEPICTURE,
 * INCLUDETEXT, IMPORT and LINK fields with a URL or UNC path, doc.remote_template
 * for a {\*\template ...} on a web server, network or WebDAV share
 * (detect/remote.c), scan.limit past RTF_MAX_OBJECTS objects.
 *
 * Limits: group depth beyond RTF_MAX_DEPTH is still counted but deeper groups share
 * the state of the deepest tracked group; decoded object data is bounded by the
 * input size (scan window); class names and field text are cut at fixed sizes.
 *
 * BUGS: \objdata inside a field result or a nested \object is decoded only when it
 * is the only active one; \u unicode escapes in field text are dropped; linked
 * objects (\objlink, \objautlink) are reported, their link target is not parsed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/analyser.h"
#include "core/remote.h"
#include "office/rtf.h"

#define RTF_MAX_DEPTH   256  /* tracked groups; deeper ones share the last state */
#define RTF_MAX_OBJECTS 64   /* objects decoded per document (scan.limit past it) */
#define RTF_MAX_WORD    32   /* letters of a control word */
#define RTF_MAX_CLASS   128  /* bytes of an \objclass name */
#define RTF_MAX_FIELD   1024 /* bytes of a field instruction kept */
#define RTF_MAX_FIELDS  64   /* nested instructions checked in one field */

/* What the bytes of the current group mean. */
enum rtf_dest {
	RD_NONE = 0, /* body text or a destination we do not read */
	RD_SKIP,     /* an ignorable destination (\*) we do not read */
	RD_OBJDATA,  /* hex digits of an object */
	RD_OBJCLASS, /* the class name of an object */
	RD_FLDINST,  /* a field instruction */
	RD_TEMPLATE, /* the attached template's path or URL ({\*\template ...}) */
};

struct rtf_state {
	struct scan_ctx *ctx;
	struct scan_input *in;
	unsigned depth;                    /* real depth, unbounded count */
	unsigned char dest[RTF_MAX_DEPTH]; /* enum rtf_dest per tracked group */
	int star;                          /* \* seen at the start of this group */
	int group_start;                   /* no control word yet in this group */
	/* the current object */
	unsigned obj_depth; /* depth of the \object group, 0 when none */
	int obj_done;       /* its \objdata was decoded and reported */
	char kind[48];      /* objemb, objlink, ... [+objupdate] */
	char cls[RTF_MAX_CLASS];
	size_t cls_len;
	unsigned objdata_depth; /* depth of the \objdata group, 0 when none */
	struct strbuf data;     /* decoded bytes */
	int nibble;             /* -1 or the pending high nibble */
	unsigned nobjects;
	int limit_reported;
	/* the current field instruction */
	unsigned fld_depth;
	struct strbuf fld;
	size_t fld_start[RTF_MAX_FIELDS]; /* where each nested instruction starts */
	unsigned nfld;
	/* the attached template */
	unsigned tpl_depth;
	char tpl[RTF_MAX_FIELD];
	size_t tpl_len;
	em_status st; /* first non-local status */
};

static enum rtf_dest
rtf_cur(const struct rtf_state *s)
{
	unsigned d = s->depth;

	if (d == 0)
		return RD_NONE;
	if (d > RTF_MAX_DEPTH)
		d = RTF_MAX_DEPTH;
	return (enum rtf_dest)s->dest[d - 1];
}

static void
rtf_set(struct rtf_state *s, enum rtf_dest d)
{
	unsigned i = s->depth;

	if (i == 0)
		return;
	if (i > RTF_MAX_DEPTH)
		i = RTF_MAX_DEPTH;
	s->dest[i - 1] = (unsigned char)d;
}

/* A text byte (or a byte from \'hh or a control symbol) in the current group. */
static void
rtf_text(struct rtf_state *s, int c)
{
	int v;

	switch (rtf_cur(s)) {
	case RD_OBJDATA:
		if ((v = hexval(c)) < 0)
			return;
		if (s->nibble < 0) {
			s->nibble = v;
		} else {
			sb_addc(&s->data, (char)(s->nibble << 4 | v));
			s->nibble = -1;
		}
		return;
	case RD_OBJCLASS:
		if (s->cls_len + 1 < sizeof(s->cls) && c != '\r' && c != '\n')
			s->cls[s->cls_len++] = (char)c;
		return;
	case RD_FLDINST:
		if (c != '\r' && c != '\n')
			sb_addc(&s->fld, (char)c);
		return;
	case RD_TEMPLATE:
		if (s->tpl_len + 1 < sizeof(s->tpl) && c != '\r' && c != '\n')
			s->tpl[s->tpl_len++] = (char)c;
		return;
	case RD_NONE:
	case RD_SKIP: return;
	default: s->st = EM_BUG; return;
	}
}

static int
rtf_has_prefix_ci(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);

	return n >= k && strncasecmp(s, pfx, k) == 0;
}

/* One field instruction (P/N): DDE and DDEAUTO run a program when the field
 * updates; remote INCLUDEPICTURE & co. fetch from a server. 1 when reported. */
static int
rtf_field_check(struct rtf_state *s, const char *p, size_t n)
{
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\\')) {
		p++;
		n--;
	}
	if (rtf_has_prefix_ci(p, n, "DDE ") || rtf_has_prefix_ci(p, n, "DDEAUTO")) {
		report_add(s->ctx->r, s->in->part, "doc.dde", "RTF field: %.*s",
		    (int)(n > 300 ? 300 : n), p);
		return 1;
	}
	if ((rtf_has_prefix_ci(p, n, "INCLUDEPICTURE") ||
		rtf_has_prefix_ci(p, n, "INCLUDETEXT") ||
		rtf_has_prefix_ci(p, n, "IMPORT") || rtf_has_prefix_ci(p, n, "LINK ")) &&
	    (memmem(p, n, "://", 3) != NULL || memmem(p, n, "\\\\", 2) != NULL)) {
		report_add(s->ctx->r, s->in->part, "doc.external_link", "RTF field: %.*s",
		    (int)(n > 300 ? 300 : n), p);
		return 1;
	}
	return 0;
}

/* The outermost field instruction ended: check it and every instruction nested
 * in it (DDEAUTO hidden in an inner field is a known trick). */
static void
rtf_field_end(struct rtf_state *s)
{
	unsigned i;

	for (i = 0; i < s->nfld; i++)
		if (s->fld_start[i] <= s->fld.len &&
		    rtf_field_check(s, sb_str(&s->fld) + s->fld_start[i],
			s->fld.len - s->fld_start[i]))
			break;
	sb_reset(&s->fld);
	s->fld_depth = 0;
	s->nfld = 0;
}

/* The {\*\template ...} group ended: a template fetched from a web server, a
 * network or WebDAV share is template injection (a local path is ordinary). */
static void
rtf_template_end(struct rtf_state *s)
{
	enum remote_kind k;

	s->tpl[s->tpl_len] = '\0';
	if ((k = remote_kind(s->tpl)) != REMOTE_NONE)
		report_add(s->ctx->r, s->in->part, "doc.remote_template",
		    "RTF \\template on a %s: %.512s", remote_kind_name(k), s->tpl);
	s->tpl_depth = 0;
	s->tpl_len = 0;
}

static void
rtf_obj_reset(struct rtf_state *s)
{
	s->obj_depth = 0;
	s->obj_done = 0;
	s->kind[0] = '\0';
	s->cls_len = 0;
	s->cls[0] = '\0';
}

/* A group closed: finish whatever destination it held. */
static void
rtf_group_end(struct rtf_state *s)
{
	if (s->objdata_depth != 0 && s->depth == s->objdata_depth) {
		s->cls[s->cls_len] = '\0';
		if (s->nobjects < RTF_MAX_OBJECTS) {
			em_status st =
			    rtf_object(s->ctx, s->in, s->nobjects, s->cls, s->kind,
				(const unsigned char *)sb_str(&s->data), s->data.len);
			if (!em_status_local(st))
				s->st = st;
		} else if (!s->limit_reported) {
			s->limit_reported = 1;
			report_add(s->ctx->r, s->in->part, "scan.limit",
			    "RTF: more than %d objects; the rest were not decoded",
			    RTF_MAX_OBJECTS);
		}
		s->nobjects++;
		s->objdata_depth = 0;
		s->obj_done = 1; /* the \object group needs no second finding */
		sb_reset(&s->data);
	}
	if (s->fld_depth != 0 && s->depth == s->fld_depth)
		rtf_field_end(s);
	if (s->tpl_depth != 0 && s->depth == s->tpl_depth)
		rtf_template_end(s);
	if (s->obj_depth != 0 && s->depth == s->obj_depth) {
		/* an \object without \objdata: still an object (linked, OCX, ...) */
		s->cls[s->cls_len] = '\0';
		if (!s->obj_done) {
			report_add(s->ctx->r, s->in->part, "doc.rtf_object",
			    "object %u without data: class '%s' %s", s->nobjects, s->cls,
			    s->kind);
			s->nobjects++;
		}
		rtf_obj_reset(s);
	}
	if (s->depth > 0)
		s->depth--;
}

static void
rtf_group_open(struct rtf_state *s)
{
	enum rtf_dest d = rtf_cur(s);

	/* destinations we read are inherited by nested groups (Word does the same) */
	if (d != RD_OBJDATA && d != RD_OBJCLASS && d != RD_FLDINST && d != RD_SKIP)
		d = RD_NONE;
	s->depth++;
	rtf_set(s, d);
	s->star = 0;
	s->group_start = 1;
}

/* The object's kind word; \objupdate (update the object on open, which the
 * Equation Editor exploits rely on) is kept beside it. */
static void
rtf_kind(struct rtf_state *s, const char *w)
{
	int upd = strstr(s->kind, "objupdate") != NULL;

	if (strcmp(w, "objupdate") == 0) {
		if (!upd)
			snprintf(s->kind + strlen(s->kind),
			    sizeof(s->kind) - strlen(s->kind), "%sobjupdate",
			    s->kind[0] ? "+" : "");
		return;
	}
	snprintf(s->kind, sizeof(s->kind), "%s%s", w, upd ? "+objupdate" : "");
}

/* Destination control words (RTF 1.9.1) that may open a group inside \objdata;
 * unknown words do not change the destination, as in Word. */
static const char *const rtf_destinations[] = { "annotation", "atnauthor", "atnid",
	"author", "bkmkend", "bkmkstart", "category", "colortbl", "comment", "company",
	"datafield", "datastore", "docvar", "falt", "field", "fldrslt", "fonttbl",
	"footer", "footnote", "header", "info", "keywords", "listtable", "manager",
	"nonshppict", "objclass", "objname", "operator", "pict", "propname", "result",
	"rsidtbl", "shppict", "sn", "sp", "staticval", "stylesheet", "subject", "sv",
	"tc", "themedata", "title", "txe", "userprops", "xe", "xmlnstbl", NULL };

static int
rtf_is_destination(const char *w)
{
	int i;

	for (i = 0; rtf_destinations[i] != NULL; i++)
		if (strcmp(w, rtf_destinations[i]) == 0)
			return 1;
	return 0;
}

/* A control word with its (optional) parameter. */
static void
rtf_word(struct rtf_state *s, const char *w)
{
	int first = s->group_start;

	s->group_start = 0;
	if (strcmp(w, "object") == 0) {
		/* an \object nested in an open one belongs to it (obfuscation trick) */
		if (s->objdata_depth == 0 && s->obj_depth == 0) {
			rtf_obj_reset(s);
			s->obj_depth = s->depth;
		}
	} else if (strncmp(w, "obj", 3) == 0 &&
	    (strcmp(w, "objemb") == 0 || strcmp(w, "objlink") == 0 ||
		strcmp(w, "objautlink") == 0 || strcmp(w, "objocx") == 0 ||
		strcmp(w, "objsub") == 0 || strcmp(w, "objpub") == 0 ||
		strcmp(w, "objicemb") == 0 || strcmp(w, "objhtml") == 0 ||
		strcmp(w, "objupdate") == 0)) {
		rtf_kind(s, w);
	} else if (strcmp(w, "objdata") == 0) {
		if (s->objdata_depth == 0 && rtf_cur(s) != RD_OBJDATA) {
			s->objdata_depth = s->depth;
			s->nibble = -1;
			sb_reset(&s->data);
			rtf_set(s, RD_OBJDATA);
		}
	} else if (strcmp(w, "objclass") == 0) {
		if (rtf_cur(s) != RD_OBJDATA) {
			s->cls_len = 0;
			rtf_set(s, RD_OBJCLASS);
		}
	} else if (strcmp(w, "fldinst") == 0) {
		if (s->fld_depth == 0 && rtf_cur(s) != RD_OBJDATA) {
			s->fld_depth = s->depth;
			sb_reset(&s->fld);
			s->nfld = 0;
			rtf_set(s, RD_FLDINST);
		}
		if (s->fld_depth != 0 && s->nfld < RTF_MAX_FIELDS)
			s->fld_start[s->nfld++] = s->fld.len;
	} else if (strcmp(w, "fldrslt") == 0 && rtf_cur(s) == RD_FLDINST) {
		rtf_set(s, RD_NONE); /* a nested field's result is not instruction */
	} else if (strcmp(w, "template") == 0 && first && rtf_cur(s) == RD_NONE &&
	    s->tpl_depth == 0) {
		s->tpl_depth = s->depth;
		s->tpl_len = 0;
		rtf_set(s, RD_TEMPLATE);
	} else if (first && s->star && rtf_cur(s) == RD_NONE) {
		/* an ignorable destination we do not read */
		rtf_set(s, RD_SKIP);
	} else if (rtf_cur(s) == RD_OBJDATA && s->depth > s->objdata_depth &&
	    ((first && s->star) || rtf_is_destination(w))) {
		/* a group inside \objdata that opens another destination: its text
		 * is not object data (Word skips it; hiding digits there is a trick) */
		rtf_set(s, RD_SKIP);
	}
}

/* \bin N: N raw bytes follow; inside \objdata they are object bytes. */
static size_t
rtf_bin(struct rtf_state *s, const unsigned char *p, size_t left, long n)
{
	size_t k;

	if (n <= 0)
		return 0;
	k = (uint64_t)n > left ? left : (size_t)n;
	if (rtf_cur(s) == RD_OBJDATA)
		sb_add(&s->data, p, k);
	return k;
}

/* Parse a control word or symbol at p[0] == '\\'; returns the bytes used. */
static size_t
rtf_control(struct rtf_state *s, const unsigned char *p, size_t left)
{
	char w[RTF_MAX_WORD + 1];
	size_t i = 1, wl = 0;
	long param = 0;
	int neg = 0, has = 0, v1, v2;

	if (left < 2)
		return left;
	if (!isalpha(p[1])) {
		if (p[1] == '*') {
			s->star = 1;
		} else if (p[1] == '\'' && left >= 4 && (v1 = hexval(p[2])) >= 0 &&
		    (v2 = hexval(p[3])) >= 0) {
			if (rtf_cur(s) != RD_OBJDATA)
				rtf_text(s, v1 << 4 | v2);
			return 4;
		} else if (p[1] == '\\' || p[1] == '{' || p[1] == '}') {
			rtf_text(s, p[1]);
		}
		return 2;
	}
	while (i < left && isalpha(p[i])) {
		if (wl < RTF_MAX_WORD)
			w[wl++] = (char)p[i];
		i++;
	}
	w[wl] = '\0';
	if (i < left && p[i] == '-') {
		neg = 1;
		i++;
	}
	while (i < left && isdigit(p[i])) {
		if (param < 100000000L)
			param = param * 10 + (p[i] - '0');
		has = 1;
		i++;
	}
	if (i < left && p[i] == ' ')
		i++;
	if (neg)
		param = -param;
	if (strcmp(w, "bin") == 0 && has)
		return i + rtf_bin(s, p + i, left - i, param);
	rtf_word(s, w);
	return i;
}

static em_status
rtf_run(struct rtf_state *s, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && em_status_local(s->st)) {
		if ((i & 0xfffff) == 0 && scan_budget_time(s->ctx, s->in->part) != EM_OK)
			return EM_LIMIT;
		switch (p[i]) {
		case '{':
			rtf_group_open(s);
			i++;
			break;
		case '}':
			rtf_group_end(s);
			i++;
			break;
		case '\\': i += rtf_control(s, p + i, n - i); break;
		default:
			rtf_text(s, p[i]);
			i++;
			break;
		}
	}
	/* unterminated groups: finish what they held, as a reader at EOF would */
	while (s->depth > 0 && em_status_local(s->st))
		rtf_group_end(s);
	return s->st;
}

em_status
rtf_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct rtf_state *s = calloc(1, sizeof(*s));
	em_status st;

	if (s == NULL)
		return EM_TEMPFAIL;
	s->ctx = ctx;
	s->in = in;
	s->nibble = -1;
	s->st = EM_OK;
	sb_init(&s->data, in->len + 1);
	sb_init(&s->fld, RTF_MAX_FIELD);
	st = rtf_run(s, in->data, in->len);
	if (s->data.oom || s->fld.oom)
		st = EM_TEMPFAIL;
	sb_free(&s->data);
	sb_free(&s->fld);
	free(s);
	return st;
}
