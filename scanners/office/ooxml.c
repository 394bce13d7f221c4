/*
 * ooxml.c: checks on one member of an OOXML (Office Open XML) or ODF zip, called by
 * scan.c for every member before the member's own analyser (archive.c unzips).
 *
 * By member path:
 *   NAME.rels               External relationships: attachedTemplate to a web URL,
 *                           network or WebDAV share (detect/remote.c) ->
 *                           doc.remote_template; other attachedTemplate, oleObject,
 *                           frame, subDocument -> doc.template_injection; other
 *                           external targets but hyperlinks -> doc.external_link;
 *                           xlMacrosheet / xlIntlMacrosheet targets -> macro.xlm.
 *   [Content_Types].xml     macrosheet content types -> macro.xlm.
 *   xl/macrosheets/...      macro.xlm, with EXEC/CALL/REGISTER/RUN/... seen in <f>.
 *   xl/workbook.xml         defined name Auto_Open (_xlnm.Auto_Open) -> macro.xlm.
 *   word/(document|header*|footer*|footnotes|endnotes|comments).xml
 *                           fields whose instruction is DDE/DDEAUTO (instrText runs
 *                           of one field joined; fldSimple) -> doc.dde;
 *                           INCLUDEPICTURE/INCLUDETEXT/IMPORT/LINK fields with a
 *                           URL or UNC path -> doc.external_link.
 *   xl/worksheets/N.xml     DDE formulas (app|'topic'!item) -> doc.dde.
 *   xl/externalLinks/N.xml  ddeLink -> doc.dde (and DDE supporting books in
 *                           the .xlsb externalLinkN.bin, ooxml_xlsb.c).
 *   xl/workbook.bin         Auto_Open defined name (.xlsb) -> macro.xlm.
 *   X/embeddings/...        doc.ole_object for Packager objects (OLE2 with an
 *                           Ole10Native stream) and embeddings that are neither
 *                           OLE2 nor zip; the object is a child part already and
 *                           is analysed as such (ole.c for OLE2, archive.c for
 *                           OOXML). Embedded workbooks, PDFs, documents: nothing.
 *   ODF Basic/.../N.xml     script:module -> macro.odf; content.xml and styles.xml
 *                           event listeners and office:script -> macro.odf; "Object N" Packager
 *                           objects -> doc.ole_object.
 * vbaProject.bin is an OLE2 file: ole.c analyses it on its own.
 *
 * Outside zips: ooxml_flat_scan() runs the field, relationship and formula checks
 * on Office's single-file XML (Word/Excel 2003 XML, Flat OPC), ooxml_csv_scan()
 * finds DDE formulas in .csv files. Both need scan.c to call them (ooxml.h).
 *
 * Limits: OOXML_MAX_FINDINGS findings per member (one scan.limit past it); field
 * and formula text cut at OOXML_MAX_TEXT; the scan window bounds everything.
 *
 * BUGS: binary macro sheets and worksheets of .xlsb (sheetN.bin) are judged by
 * name and relationships only: their formulas are not decoded. Field
 * instructions split across paragraphs are joined.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/analyser.h"
#include "core/remote.h"
#include "office/ooxml.h"

#define OOXML_MAX_FINDINGS 32   /* findings per member */
#define OOXML_MAX_TEXT     2048 /* bytes of a field instruction or formula */
#define OOXML_MAX_FIELDS   64   /* nesting of Word fields tracked */

struct ox {
	struct scan_ctx *ctx;
	struct scan_input *in;
	const char *d;
	size_t len;
	unsigned nfind;
	em_status st;
};

/* report_add under the per-member cap. */
#define OX_ADD(ox, name, ...) \
	do { \
		if ((ox)->nfind < OOXML_MAX_FINDINGS) \
			report_add((ox)->ctx->r, (ox)->in->part, name, __VA_ARGS__); \
		else if ((ox)->nfind == OOXML_MAX_FINDINGS) \
			report_add((ox)->ctx->r, (ox)->in->part, "scan.limit", \
			    "more than %d document findings in this member", \
			    OOXML_MAX_FINDINGS); \
		(ox)->nfind++; \
	} while (0)

static int
ox_prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

static int
ox_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);

	return n >= k && strcasecmp(s + n - k, x) == 0;
}

/* Text of the element just ended (between the previous tag and this one). */
static void
ox_text(const struct ox *ox, const struct xml_el *el, struct strbuf *sb)
{
	char tmp[OOXML_MAX_TEXT];
	size_t n = el->start - el->text_off, k;

	if (n > sizeof(tmp))
		n = sizeof(tmp);
	k = xml_unescape(ox->d + el->text_off, n, tmp, sizeof(tmp));
	sb_add(sb, tmp, k);
}

/* The last step of a relationship type URI ("attachedTemplate"). */
static const char *
ox_reltype(const char *type)
{
	const char *s = strrchr(type, '/');

	return s != NULL ? s + 1 : type;
}

static void
ox_relationship(struct ox *ox, const struct xml_el *el)
{
	char type[512], target[1024], mode[32];
	const char *t;

	if (xml_attr(el, "Type", type, sizeof(type)) < 0)
		type[0] = '\0';
	if (xml_attr(el, "Target", target, sizeof(target)) < 0)
		target[0] = '\0';
	if (xml_attr(el, "TargetMode", mode, sizeof(mode)) < 0)
		mode[0] = '\0';
	t = ox_reltype(type);
	if (strcasecmp(t, "xlMacrosheet") == 0 || strcasecmp(t, "xlIntlMacrosheet") == 0)
		OX_ADD(ox, "macro.xlm", "%s relationship to %.300s", t, target);
	if (strcasecmp(mode, "External") != 0 || strcasecmp(t, "hyperlink") == 0)
		return;
	if (strcasecmp(t, "attachedTemplate") == 0 && remote_kind(target) != REMOTE_NONE)
		OX_ADD(ox, "doc.remote_template", "attachedTemplate on a %s: %.512s",
		    remote_kind_name(remote_kind(target)), target);
	else if (strcasecmp(t, "attachedTemplate") == 0 ||
	    strcasecmp(t, "oleObject") == 0 || strcasecmp(t, "frame") == 0 ||
	    strcasecmp(t, "subDocument") == 0)
		OX_ADD(ox, "doc.template_injection", "%s -> %.512s", t, target);
	else
		OX_ADD(ox, "doc.external_link", "%.64s -> %.512s", t, target);
}

static void
ox_rels(struct ox *ox)
{
	struct xml_el el;
	size_t off = 0;

	while (xml_next(ox->d, ox->len, &off, &el))
		if (!el.close && xml_is(&el, "Relationship"))
			ox_relationship(ox, &el);
}

static void
ox_content_types(struct ox *ox)
{
	struct xml_el el;
	size_t off = 0;
	char ct[256], part[512];

	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (el.close || xml_attr(&el, "ContentType", ct, sizeof(ct)) < 0 ||
		    strcasestr(ct, "macrosheet") == NULL)
			continue;
		if (xml_attr(&el, "PartName", part, sizeof(part)) < 0 &&
		    xml_attr(&el, "Extension", part, sizeof(part)) < 0)
			part[0] = '\0';
		OX_ADD(ox, "macro.xlm", "content type %s for %.300s", ct, part);
	}
}

static void
ox_defined_names(struct ox *ox)
{
	struct xml_el el;
	size_t off = 0;
	char name[256];
	struct strbuf ref = STRBUF_INIT;
	int in_auto = 0;

	sb_init(&ref, OOXML_MAX_TEXT);
	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (!xml_is(&el, "definedName"))
			continue;
		if (el.close && in_auto) {
			ox_text(ox, &el, &ref);
			OX_ADD(ox, "macro.xlm", "defined name %s -> %.300s", name,
			    sb_str(&ref));
			in_auto = 0;
		} else if (!el.close && xml_attr(&el, "name", name, sizeof(name)) >= 0) {
			const char *n = ox_prefix(name, "_xlnm.") ? name + 6 : name;

			in_auto = ox_prefix(n, "Auto_Open");
			sb_reset(&ref);
		}
	}
	sb_free(&ref);
}

/* A field instruction is complete: DDE and DDEAUTO start a program. Returns 1
 * when it recorded a finding. */
static int
ox_check_field(struct ox *ox, const char *instr)
{
	const char *p = instr;

	while (*p == ' ' || *p == '\t' || *p == '"')
		p++;
	if (ox_prefix(p, "DDEAUTO") ||
	    (ox_prefix(p, "DDE") && (p[3] == ' ' || p[3] == '\t' || p[3] == '"'))) {
		OX_ADD(ox, "doc.dde", "field: %.300s", p);
		return 1;
	}
	if ((ox_prefix(p, "INCLUDEPICTURE") || ox_prefix(p, "INCLUDETEXT") ||
		ox_prefix(p, "IMPORT") || ox_prefix(p, "LINK")) &&
	    (strstr(p, "://") != NULL || strstr(p, "\\\\") != NULL)) {
		/* fetched from a server when the document opens or updates */
		OX_ADD(ox, "doc.external_link", "field: %.300s", p);
		return 1;
	}
	return 0;
}

/* One outermost Word field: the instruction text of it and of the fields nested
 * in it, and where each nested instruction starts (hiding DDEAUTO inside an
 * outer IF or QUOTE field is a known trick). */
struct ox_field {
	struct strbuf instr;
	size_t starts[OOXML_MAX_FIELDS];
	unsigned nstarts;
	unsigned depth;
};

static void
ox_field_end(struct ox *ox, struct ox_field *f)
{
	unsigned i;

	for (i = 0; i < f->nstarts; i++)
		if (f->starts[i] <= f->instr.len &&
		    ox_check_field(ox, sb_str(&f->instr) + f->starts[i]))
			break;
	sb_reset(&f->instr);
	f->nstarts = 0;
}

static void
ox_field_char(struct ox *ox, struct ox_field *f, const char *type)
{
	if (strcasecmp(type, "begin") == 0) {
		if (f->nstarts < OOXML_MAX_FIELDS)
			f->starts[f->nstarts++] = f->instr.len;
		f->depth++;
	} else if (strcasecmp(type, "end") == 0 && f->depth > 0 && --f->depth == 0) {
		ox_field_end(ox, f);
	}
}

static void
ox_word_fields(struct ox *ox)
{
	struct xml_el el;
	struct ox_field f;
	size_t off = 0;
	int in_text = 0;
	char v[OOXML_MAX_TEXT];

	memset(&f, 0, sizeof(f));
	sb_init(&f.instr, OOXML_MAX_TEXT);
	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (in_text && xml_is(&el, "instrText") && el.close) {
			/* runs join with nothing between them, as Word reads them */
			ox_text(ox, &el, &f.instr);
			in_text = 0;
		} else if (xml_is(&el, "instrText") && !el.close && !el.selfclose) {
			in_text = 1;
		} else if (xml_is(&el, "fldSimple") && !el.close &&
		    xml_attr(&el, "instr", v, sizeof(v)) >= 0) {
			ox_check_field(ox, v);
		} else if (xml_is(&el, "fldChar") &&
		    xml_attr(&el, "fldCharType", v, sizeof(v)) >= 0) {
			ox_field_char(ox, &f, v);
		}
	}
	if (f.depth > 0)
		ox_field_end(ox, &f); /* unterminated field */
	sb_free(&f.instr);
}

/* XLM functions that call into the system or run code. */
static const char *const ox_xlm_calls[] = { "EXEC(", "CALL(", "REGISTER(", "RUN(",
	"FORMULA(", "FOPEN(", "FWRITE(", "URLDownloadToFile", "HALT(", NULL };

/* <f> formulas: DDE (app|'topic'!item) on worksheets, XLM calls on macro sheets. */
static void
ox_formulas(struct ox *ox, int macrosheet)
{
	struct xml_el el;
	struct strbuf f = STRBUF_INIT, seen = STRBUF_INIT;
	size_t off = 0;
	int in_f = 0, i;
	const char *s, *bar;

	sb_init(&f, OOXML_MAX_TEXT);
	sb_init(&seen, 256);
	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (!xml_is(&el, "f"))
			continue;
		if (!el.close) {
			in_f = !el.selfclose;
			sb_reset(&f);
			continue;
		}
		if (!in_f)
			continue;
		in_f = 0;
		ox_text(ox, &el, &f);
		s = sb_str(&f);
		bar = strchr(s, '|');
		if (!macrosheet && bar != NULL && strchr(bar, '!') != NULL)
			OX_ADD(ox, "doc.dde", "DDE formula: %.300s", s);
		for (i = 0; macrosheet && ox_xlm_calls[i] != NULL; i++)
			if (strcasestr(s, ox_xlm_calls[i]) != NULL &&
			    strstr(sb_str(&seen), ox_xlm_calls[i]) == NULL) {
				sb_adds(&seen, ox_xlm_calls[i]);
				sb_adds(&seen, " ");
			}
	}
	if (macrosheet)
		OX_ADD(ox, "macro.xlm", "Excel 4.0 macro sheet%s%s", seen.len ? ": " : "",
		    sb_str(&seen));
	sb_free(&f);
	sb_free(&seen);
}

static void
ox_dde_links(struct ox *ox)
{
	struct xml_el el;
	size_t off = 0;
	char svc[256], topic[1024];

	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (el.close || !xml_is(&el, "ddeLink"))
			continue;
		if (xml_attr(&el, "ddeService", svc, sizeof(svc)) < 0)
			svc[0] = '\0';
		if (xml_attr(&el, "ddeTopic", topic, sizeof(topic)) < 0)
			topic[0] = '\0';
		OX_ADD(ox, "doc.dde", "DDE link %s|%.300s", svc, topic);
	}
}

static const unsigned char ox_ole2_magic[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a,
	0xe1 };
/* "Ole10Native" in UTF-16LE, as a directory entry names the Packager stream */
static const unsigned char ox_ole10native[22] = { 'O', 0, 'l', 0, 'e', 0, '1', 0, '0', 0,
	'N', 0, 'a', 0, 't', 0, 'i', 0, 'v', 0, 'e', 0 };

/*
 * An embedded object: a Packager object (an OLE2 file with an Ole10Native stream:
 * any file, shown as an icon, run on a double click) or an embedding that is not
 * an OLE2 or zip file at all. Embedded workbooks, PDFs and documents (OLE2 or
 * OOXML) are ordinary: their own analysers look inside them.
 */
static void
ox_embedding(struct ox *ox, const char *n)
{
	const unsigned char *d = (const unsigned char *)ox->d;

	if (ox->len >= 8 && memcmp(d, ox_ole2_magic, 8) == 0) {
		if (memmem(d, ox->len, ox_ole10native, sizeof(ox_ole10native)) != NULL)
			OX_ADD(ox, "doc.ole_object", "Packager object %.300s", n);
		return;
	}
	if (ox->len >= 4 && memcmp(d, "PK\3\4", 4) == 0)
		return;
	if (ox->len > 0)
		OX_ADD(ox, "doc.ole_object", "embedded object %.300s", n);
}

static int
ox_is_word_story(const char *n)
{
	const char *b;

	if (!ox_prefix(n, "word/") || !ox_suffix(n, ".xml") || strchr(n + 5, '/') != NULL)
		return 0;
	b = n + 5;
	return ox_prefix(b, "document") || ox_prefix(b, "header") ||
	    ox_prefix(b, "footer") || ox_prefix(b, "footnotes") ||
	    ox_prefix(b, "endnotes") || ox_prefix(b, "comments") ||
	    ox_prefix(b, "glossary");
}

static void
ox_ooxml(struct ox *ox, const char *n)
{
	char buf[600];

	if (ox_prefix(n, "word/embeddings/") || ox_prefix(n, "xl/embeddings/") ||
	    ox_prefix(n, "ppt/embeddings/") || ox_prefix(n, "visio/embeddings/"))
		ox_embedding(ox, n);
	if (ox_suffix(n, ".rels"))
		ox_rels(ox);
	else if (strcasecmp(n, "[Content_Types].xml") == 0)
		ox_content_types(ox);
	else if (ox_prefix(n, "xl/macrosheets/") && ox_suffix(n, ".xml"))
		ox_formulas(ox, 1);
	else if (ox_prefix(n, "xl/macrosheets/") && !ox_prefix(n + 15, "binaryIndex"))
		OX_ADD(ox, "macro.xlm", "Excel 4.0 macro sheet %.300s", n);
	else if (strcasecmp(n, "xl/workbook.xml") == 0)
		ox_defined_names(ox);
	else if (ox_prefix(n, "xl/worksheets/") && ox_suffix(n, ".xml"))
		ox_formulas(ox, 0);
	else if (ox_prefix(n, "xl/externalLinks/") && ox_suffix(n, ".xml"))
		ox_dde_links(ox);
	else if (ox_prefix(n, "xl/externalLinks/") && ox_suffix(n, ".bin") &&
	    xlsb_dde_link((const unsigned char *)ox->d, ox->len, buf, sizeof(buf)))
		OX_ADD(ox, "doc.dde", "DDE link %s", buf);
	else if (strcasecmp(n, "xl/workbook.bin") == 0 &&
	    xlsb_auto_open((const unsigned char *)ox->d, ox->len, buf, sizeof(buf)))
		OX_ADD(ox, "macro.xlm", "defined name %s (xlsb)", buf);
	else if (ox_is_word_story(n))
		ox_word_fields(ox);
}

/* ODF: content.xml / styles.xml event listeners that call scripts, and
 * office:script elements with content. */
static void
ox_odf_events(struct ox *ox)
{
	struct xml_el el;
	size_t off = 0;
	char ev[128], href[512];

	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (!el.close && !el.selfclose && xml_is(&el, "script") &&
		    el.name_len > 7 && strncasecmp(el.name, "office:", 7) == 0) {
			/* <office:scripts/> is in every file; a script element with
			 * content is document script code */
			if (xml_attr(&el, "language", ev, sizeof(ev)) < 0)
				ev[0] = '\0';
			OX_ADD(ox, "macro.odf", "document script (%s)", ev);
			continue;
		}
		if (el.close || !xml_is(&el, "event-listener"))
			continue;
		if (xml_attr(&el, "event-name", ev, sizeof(ev)) < 0)
			ev[0] = '\0';
		if (xml_attr(&el, "href", href, sizeof(href)) < 0 &&
		    xml_attr(&el, "macro-name", href, sizeof(href)) < 0)
			href[0] = '\0';
		OX_ADD(ox, "macro.odf", "event %s runs %.300s", ev, href);
	}
}

static void
ox_odf(struct ox *ox, const char *n)
{
	struct xml_el el;
	size_t off = 0;

	if (ox_prefix(n, "Basic/") && ox_suffix(n, ".xml")) {
		while (xml_next(ox->d, ox->len, &off, &el))
			if (!el.close && xml_is(&el, "module") && el.name_len >= 6 &&
			    strncasecmp(el.name, "script", 6) == 0) {
				OX_ADD(ox, "macro.odf", "Basic module %.300s", n);
				break;
			}
	} else if (strcasecmp(n, "content.xml") == 0 ||
	    strcasecmp(n, "styles.xml") == 0) {
		ox_odf_events(ox);
	} else if (ox_prefix(n, "Object") && strchr(n, '/') == NULL &&
	    !(ox->len > 0 && ox->d[0] == '<')) {
		ox_embedding(ox, n);
	}
}

/* Office packages never declare entities: a DTD with entities that expand other
 * entities is the "billion laughs" bomb aimed at whatever parses the XML next. The
 * declarations sit before the root element, so the first 64 KiB are enough. */
static void
ox_entities(struct ox *ox)
{
	size_t n = ox->len < 65536 ? ox->len : 65536, off = 0, decls = 0, nested = 0;
	const char *p, *end;

	while (off < n && (p = memmem(ox->d + off, n - off, "<!ENTITY", 8)) != NULL) {
		decls++;
		off = (size_t)(p - ox->d) + 8;
		end = memchr(ox->d + off, '>', n - off);
		if (end != NULL &&
		    memchr(ox->d + off, '&', (size_t)(end - (ox->d + off))))
			nested++;
	}
	if (nested > 0)
		OX_ADD(ox, "archive.bomb",
		    "XML entity expansion: %zu entity declarations, "
		    "%zu expanding other entities",
		    decls, nested);
}

em_status
ooxml_member_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct ox ox;
	const char *n = in->name;

	if (n == NULL)
		return EM_OK;
	while (*n == '/')
		n++;
	memset(&ox, 0, sizeof(ox));
	ox.ctx = ctx;
	ox.in = in;
	ox.d = (const char *)in->data;
	ox.len = in->data != NULL ? in->len : 0;
	ox.st = EM_OK;
	ox_entities(&ox);
	if (in->container == TC_ODF) {
		if (strcmp(n, "META-INF/manifest.xml") == 0 &&
		    memmem(ox.d, ox.len, "encryption-data", 15) != NULL)
			OX_ADD(&ox, "doc.encrypted",
			    "OpenDocument package with encrypted "
			    "members (META-INF/manifest.xml): not inspected");
		ox_odf(&ox, n);
	} else if (in->container == TC_OOXML) {
		ox_ooxml(&ox, n);
	}
	return ox.st;
}

/* Excel 2003 XML: ss:Formula attributes that are DDE calls. */
static void
ox_ss_formulas(struct ox *ox)
{
	struct xml_el el;
	size_t off = 0;
	char f[OOXML_MAX_TEXT];
	const char *bar;

	while (xml_next(ox->d, ox->len, &off, &el)) {
		if (el.close || !xml_is(&el, "Cell") ||
		    xml_attr(&el, "Formula", f, sizeof(f)) < 0)
			continue;
		if ((bar = strchr(f, '|')) != NULL && strchr(bar, '!') != NULL)
			OX_ADD(ox, "doc.dde", "DDE formula: %.300s", f);
	}
}

static int
ox_has(const struct ox *ox, const char *needle)
{
	size_t n = ox->len < 4096 ? ox->len : 4096;

	return memmem(ox->d, n, needle, strlen(needle)) != NULL;
}

em_status
ooxml_flat_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct ox ox;

	memset(&ox, 0, sizeof(ox));
	ox.ctx = ctx;
	ox.in = in;
	ox.d = (const char *)in->data;
	ox.len = in->data != NULL ? in->len : 0;
	/* only Office's own XML: Word/Excel 2003 XML and Flat OPC packages */
	if (!ox_has(&ox, "<?mso-application") && !ox_has(&ox, "xmlPackage") &&
	    !ox_has(&ox, "wordDocument") && !ox_has(&ox, "office:spreadsheet"))
		return EM_OK;
	ox_word_fields(&ox);
	ox_rels(&ox);
	ox_formulas(&ox, 0);
	ox_ss_formulas(&ox);
	return EM_OK;
}

em_status
ooxml_csv_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct ox ox;
	const char *p, *end, *bar, *bang, *nl;

	if (in->name == NULL || !ox_suffix(in->name, ".csv") || in->data == NULL)
		return EM_OK;
	memset(&ox, 0, sizeof(ox));
	ox.ctx = ctx;
	ox.in = in;
	p = (const char *)in->data;
	end = p + in->len;
	/* a cell that starts a formula (= + - @) and calls app|'topic'!item */
	while (p < end && (bar = memchr(p, '|', (size_t)(end - p))) != NULL) {
		const char *c = bar;

		nl = memchr(bar, '\n', (size_t)(end - bar));
		bang = memchr(bar, '!', (size_t)((nl ? nl : end) - bar));
		while (c > p && c[-1] != ',' && c[-1] != ';' && c[-1] != '\n' &&
		    c[-1] != '"' && c[-1] != '\t')
			c--;
		if (bang != NULL && c < bar && strchr("=+-@", *c) != NULL) {
			OX_ADD(&ox, "doc.dde", "DDE formula in CSV: %.*s",
			    (int)((nl ? nl : end) - c > 300 ? 300 : (nl ? nl : end) - c),
			    c);
			p = nl ? nl : end; /* one finding per line */
			continue;
		}
		p = bar + 1;
	}
	return EM_OK;
}
