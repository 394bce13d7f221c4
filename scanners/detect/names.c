/*
 * names.c: checks on a part's filename (the MIME filename or the archive member
 * name, last path step only).
 *
 * The name is attacker bytes: at most NAMES_MAX_BYTES are read, UTF-8 is decoded
 * defensively (names_utf8), and the checks run on a "shown" copy with bidi and
 * invisible characters removed and Unicode spaces folded to ' ', trailing dots and
 * spaces dropped as Windows does. That copy is the logical order, which is the order
 * Windows uses to pick the handler, whatever the bidi controls make it look like.
 *
 * Findings:
 *   name.dangerous_extension  the real extension runs, installs or mounts on a click
 *                             (names_ext_kind NX_RUNS), or a disk image / notebook
 *                             extension (NX_MOUNT) on content type detection did not
 *                             find to be one (a real one has type.disk_image or
 *                             type.onenote, and its contents are scanned). The list covers Microsoft
 *                             365's default common-attachment filter and Outlook's
 *                             Level 1 list, plus iso img vhd vhdx one lnk hta js jse
 *                             vbs vbe wsf ps1 xll and recent lures (rdp, appinstaller,
 *                             library-ms, searchconnector-ms). Container types on
 *                             those lists (zip-like archives, cab, arj, lha, xz, z,
 *                             docm, ppam, ...) are NX_CONTENT: not flagged by name,
 *                             since the archive and macro analysers open them and
 *                             flagging every .cab or .docm would bury real findings.
 *   name.double_extension     a runnable extension behind a decoy one (invoice.pdf.exe)
 *                             or behind padding: NAMES_PAD_RUN or more spaces or dots
 *                             before the real extension.
 *   name.rtlo                 any bidi control (names_is_bidi).
 *   name.invisible            any invisible character (names_is_invisible).
 *   name.clsid                a final {8-4-4-4-12} CLSID extension, which Explorer hides.
 *   name.overlong             more than NAMES_OVERLONG characters or NAMES_MAX_BYTES bytes;
 *                             only the last NAMES_MAX_BYTES bytes are checked.
 * Not checked: parts of OOXML/ODF packages and the VBA/ sources vba.c labels.
 * Invalid UTF-8 is not a finding by itself (legacy 8-bit names are common); it is
 * decoded as U+FFFD, a visible character.
 *
 * BUGS: homoglyph extensions (a Cyrillic "е" in ".exe") are not folded; names are
 * checked as given, not in every encoding a client might have decoded them with.
 */
#include <string.h>

#include "core/analyser.h"
#include "detect/filetype.h"
#include "detect/names.h"

#define NAMES_SHOWN_MAX (NAMES_MAX_BYTES + 4)
#define NAMES_SCAN_MAX  65536 /* a longer string is cut here first */

size_t
names_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

int
names_is_bidi(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int
names_is_invisible(uint32_t cp)
{
	if (names_is_bidi(cp))
		return 0;
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xad || cp == 0x34f ||
	    cp == 0x115f || cp == 0x1160 || cp == 0x17b4 || cp == 0x17b5 ||
	    cp == 0x180e || (cp >= 0x200b && cp <= 0x200d) ||
	    (cp >= 0x2060 && cp <= 0x2065) || (cp >= 0x206a && cp <= 0x206f) ||
	    cp == 0x3164 || cp == 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfffb) ||
	    (cp >= 0xe0000 && cp <= 0xe0fff);
}

int
names_is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

/* clang-format off */
static const unsigned char names_hex[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
	['F'] = 1,
};
/* clang-format on */

int
names_is_hex(unsigned char c)
{
	return names_hex[c];
}

/* clang-format off */
static const char *const names_runs[] = {
	/* Microsoft 365 default common attachment filter (runnable part) */
	"ace", "ani", "apk", "app", "appx", "bat", "cmd", "com", "deb", "dex", "dll", "elf",
	"exe", "hta", "jar", "jnlp", "kext", "lib", "library", "lnk", "macho",
	"msc", "msi", "msix", "msp", "mst", "pif", "reg", "rev", "scf", "scr", "sct", "sys",
	"uif", "vb", "vbe", "vbs", "vxd", "wsc", "wsf", "wsh", "xll",
	/* Outlook blocked (Level 1) and Microsoft's optional list */
	"ade", "adp", "application", "appref-ms", "asp", "aspx", "asx", "bas", "bgi", "cer",
	"chm", "cnt", "cpl", "crt", "csh", "der", "diagcab", "fxp", "gadget", "grp", "hlp",
	"hpj", "htc", "inf", "ins", "isp", "its", "js", "jse", "ksh", "mad", "maf", "mag",
	"mam", "maq", "mar", "mas", "mat", "mau", "mav", "maw", "mcf", "mda", "mdb", "mde",
	"mdt", "mdw", "mdz", "msh", "msh1", "msh2", "mshxml", "msh1xml", "msh2xml", "msu",
	"ops", "osd", "pcd", "pl", "plg", "prf", "prg", "printerexport", "ps1", "ps1xml",
	"ps2", "ps2xml", "psc1", "psc2", "psd1", "psdm1", "psm1", "pst", "py", "pyc", "pyo",
	"pyw", "pyz", "pyzw", "shb", "shs", "theme", "url", "vbp", 
	"vsmacros", "vsw", "webpnp", "website", "ws", "wsb", "xbap", "xnk",
	/* lures seen since */
	"iqy", "slk", "settingcontent-ms", "library-ms",
	"searchconnector-ms", "rdp", "appinstaller", "appxbundle", "msixbundle",
	"vbx", "xlam", "wll", "sh", "bash",
};
/* clang-format on */

/* clang-format off */
static const char *const names_content[] = {
	"arj", "cab", "lha", "lzh", "xz", "z", "docm", "ppa", "ppam", "dotm", "xlsm",
	"xltm", "pptm", "potm", "ppsm", "sldm", "zip", "7z", "rar", "gz", "tgz", "tar",
};
/* clang-format on */

static const char *const names_mount[] = {
	"iso",
	"img",
	"vhd",
	"vhdx",
	"dmg",
	"one",
	"onepkg",
};

enum names_ext_kind
names_ext_kind(const char *ext)
{
	size_t i;

	for (i = 0; i < sizeof(names_mount) / sizeof(names_mount[0]); i++)
		if (strcmp(ext, names_mount[i]) == 0)
			return NX_MOUNT;

	for (i = 0; i < sizeof(names_runs) / sizeof(names_runs[0]); i++)
		if (strcmp(ext, names_runs[i]) == 0)
			return NX_RUNS;
	for (i = 0; i < sizeof(names_content) / sizeof(names_content[0]); i++)
		if (strcmp(ext, names_content[i]) == 0)
			return NX_CONTENT;
	return NX_NONE;
}

/* What the decoding pass saw. */
struct names_seen {
	char shown[NAMES_SHOWN_MAX]; /* visible characters, spaces folded to ' ' */
	size_t shown_len;
	size_t chars;
	uint32_t bidi, invisible;     /* first such code point, 0 when none */
	size_t bidi_at, invisible_at; /* byte offsets */
};

static void
names_decode(const unsigned char *s, size_t n, struct names_seen *v)
{
	size_t i = 0, k;
	uint32_t cp;

	memset(v, 0, sizeof(*v));
	while (i < n) {
		k = names_utf8(s + i, n - i, &cp);
		v->chars++;
		if (names_is_bidi(cp)) {
			if (v->bidi == 0) {
				v->bidi = cp;
				v->bidi_at = i;
			}
		} else if (names_is_invisible(cp)) {
			if (v->invisible == 0) {
				v->invisible = cp ? cp : 0x110000; /* NUL still counts */
				v->invisible_at = i;
			}
		} else if (v->shown_len + k < sizeof(v->shown)) {
			if (names_is_space(cp))
				v->shown[v->shown_len++] = ' ';
			else {
				memcpy(v->shown + v->shown_len, s + i, k);
				v->shown_len += k;
			}
		}
		i += k;
	}
	v->shown[v->shown_len] = '\0';
}

/* Lower-case extension of SHOWN[0..END) into BUF; its dot's index in *DOT. */
static int
names_last_ext(const char *shown, size_t end, char *buf, size_t bufsz, size_t *dot)
{
	size_t d, i;

	for (d = end; d > 0 && shown[d - 1] != '.'; d--)
		;
	if (d == 0 || end - d == 0 || end - d >= bufsz)
		return 0;
	for (i = 0; i < end - d; i++) {
		unsigned char c = (unsigned char)shown[d + i];
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[i] = '\0';
	*dot = d - 1;
	return 1;
}

/* {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} right before END, after a dot. */
static int
names_clsid(const char *s, size_t end)
{
	static const char shape[] = "{hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh}";
	size_t n = sizeof(shape) - 1, i, start;

	if (end < n + 1)
		return 0;
	start = end - n;
	if (s[start - 1] != '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[start + i];
		if (shape[i] == 'h' ? !names_is_hex(c) : c != (unsigned char)shape[i])
			return 0;
	}
	return 1;
}

/* The decoy before a runnable extension at DOT: a document, image, media or archive
 * extension, or padding. */
static void
names_double(
    struct scan_ctx *ctx, int part, const char *shown, size_t dot, const char *ext)
{
	char prev[24], fake[28];
	size_t end = dot, pad = 0, pdot;

	while (end > 0 && (shown[end - 1] == ' ' || shown[end - 1] == '.')) {
		end--;
		pad++;
	}
	if (pad >= NAMES_PAD_RUN) {
		report_add(ctx->r, part, "name.double_extension",
		    "%zu spaces or dots pad the name before .%s", pad, ext);
		return;
	}
	if (!names_last_ext(shown, end, prev, sizeof(prev), &pdot))
		return;
	fake[0] = '.';
	memcpy(fake + 1, prev, strlen(prev) + 1);
	switch (filetype_ext_class(fake)) {
	case TC_TEXT:
	case TC_IMAGE:
	case TC_MEDIA:
	case TC_PDF:
	case TC_RTF:
	case TC_HTML:
	case TC_XML:
	case TC_OLE2:
	case TC_OOXML:
	case TC_ODF:
	case TC_ARCHIVE:
	case TC_MESSAGE:
		report_add(ctx->r, part, "name.double_extension",
		    "the real extension .%s hides behind .%s", ext, prev);
		break;
	default: break;
	}
}

/* Length of NAME up to NUL or MAX bytes. */
static size_t
names_len(const char *name, size_t max)
{
	const char *z = memchr(name, '\0', max);

	return z != NULL ? (size_t)(z - name) : max;
}

static void
names_check_shown(struct scan_ctx *ctx, int part, enum tclass tc, struct names_seen *v)
{
	char ext[24];
	size_t end = v->shown_len, dot;

	while (end > 0 && (v->shown[end - 1] == ' ' || v->shown[end - 1] == '.'))
		end--;
	if (names_clsid(v->shown, end)) {
		report_add(ctx->r, part, "name.clsid",
		    "CLSID extension %.38s hides the "
		    "real type",
		    v->shown + end - 38);
		return;
	}
	if (!names_last_ext(v->shown, end, ext, sizeof(ext), &dot))
		return;
	switch (names_ext_kind(ext)) {
	case NX_RUNS: break;
	case NX_MOUNT:
		if (tc == TC_DISK_IMAGE || tc == TC_ONENOTE || tc == TC_EMPTY)
			return;
		break;
	case NX_NONE:
	case NX_CONTENT: return;
	default: return;
	}
	report_add(ctx->r, part, "name.dangerous_extension", ".%s", ext);
	names_double(ctx, part, v->shown, dot, ext);
}

em_status
names_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct names_seen v;
	const char *base, *p;
	size_t n, full;

	if (in->name == NULL || in->name[0] == '\0')
		return EM_OK;
	/* Package part names are not files a user clicks; VBA sources are labelled by
	 * vba.c itself ("VBA/Module1.bas"). Packager objects keep their own names. */
	if (in->container == TC_OOXML || in->container == TC_ODF ||
	    (in->container == TC_OLE2 && strncmp(in->name, "VBA/", 4) == 0))
		return EM_OK;
	full = names_len(in->name, NAMES_SCAN_MAX);
	/* the last path step (archive members carry their folders) */
	for (base = in->name, p = in->name; p < in->name + full; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	n = full - (size_t)(base - in->name);
	if (n > NAMES_MAX_BYTES) {
		/* keep the end, where Windows looks for the extension */
		base += n - NAMES_MAX_BYTES;
		n = NAMES_MAX_BYTES;
	}
	names_decode((const unsigned char *)base, n, &v);
	if (v.bidi != 0)
		report_add(ctx->r, in->part, "name.rtlo",
		    "U+%04X at byte %zu; shown "
		    "without it: %.200s",
		    (unsigned)v.bidi, v.bidi_at, v.shown);
	if (v.invisible != 0)
		report_add(ctx->r, in->part, "name.invisible", "U+%04X at byte %zu",
		    (unsigned)(v.invisible == 0x110000 ? 0 : v.invisible),
		    v.invisible_at);
	if (full > NAMES_MAX_BYTES || v.chars > NAMES_OVERLONG)
		report_add(ctx->r, in->part, "name.overlong",
		    "%zu bytes, %s%zu characters", full,
		    full > NAMES_MAX_BYTES ? "the last " : "", v.chars);
	names_check_shown(ctx, in->part, in->tc, &v);
	return EM_OK;
}
