/*
 * lnk.c: shortcuts. Windows Shell Links (.lnk, MS-SHLLINK) are parsed: header and
 * CLSID, LinkTargetIDList (skipped by its size), LinkInfo (local base path, network
 * share, common path suffix, ANSI and Unicode), StringData (name, relative path,
 * working directory, arguments, icon location) and the EnvironmentVariableDataBlock
 * and IconEnvironmentDataBlock.
 * Text shortcuts (.url / .scf [InternetShortcut] / [Shell] sections, .library-ms
 * <url> elements) are summarised from their key lines.
 *
 * Records one type.shortcut finding whose detail names target, arguments and icon
 * (the type module records a plain one as well), shortcut.launcher when the target
 * or arguments start an interpreter or a LOLBin (powershell with an encoded command
 * is said so), shortcut.remote for file:// and UNC targets or icons (and for a
 * library or search connector whose location is a web URL), shortcut.search_ms
 * for a search-ms:/search: target, shortcut.webdav for a WebDAV path (\\host@SSL\,
 * \\host@80\, ...DavWWWRoot; detect/remote.c), and scan.error
 * for a structure that runs off the end of the file.
 *
 * Limits: only the first in->len bytes (the scan window) are read; every field is read
 * through bounds-checked readers; at most LNK_MAX_BLOCKS extra data blocks; each
 * string is cut at LNK_MAX_STR bytes of UTF-8, the detail at LNK_MAX_DETAIL.
 * BUGS: the target ID list is skipped, not decoded, so a shortcut whose only target
 * is in the ID list shows no target; other extra data blocks (KnownFolder,
 * SpecialFolder, Darwin) are not reported. The launcher call-out is a substring
 * match ("cmd" with "/c" anywhere), so it errs towards calling out. Of a library
 * or search connector only the first <url> is read.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/bytes.h"
#include "core/analyser.h"
#include "core/strbuf.h"
#include "core/remote.h"

#define LNK_HEADER_SIZE 0x4c
#define LNK_MAX_BLOCKS  64
#define LNK_MAX_STR     512
#define LNK_MAX_DETAIL  900

/* LinkFlags (MS-SHLLINK 2.1.1) */
#define LF_IDLIST       0x00000001u
#define LF_LINKINFO     0x00000002u
#define LF_NAME         0x00000004u
#define LF_RELPATH      0x00000008u
#define LF_WORKDIR      0x00000010u
#define LF_ARGS         0x00000020u
#define LF_ICON         0x00000040u
#define LF_UNICODE      0x00000080u

#define LNK_ENV_SIG     0xa0000001u
#define LNK_ICONENV_SIG 0xa0000007u

static const unsigned char lnk_clsid[16] = {
	0x01,
	0x14,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0xc0,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x46,
};

struct lnk_info {
	struct strbuf target, args, icon, workdir, relpath, name, env;
	const char *bad; /* first structural error, or NULL */
};

/* Append one code point as UTF-8. */
static void
lnk_put_utf8(struct strbuf *sb, uint32_t c)
{
	char u[4];

	if (c < 0x80) {
		sb_addc(sb, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, u, 3);
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		sb_add(sb, u, 4);
	}
}

/*
 * UTF-16LE (NCHARS code units, or up to a NUL when NCHARS is SIZE_MAX) at OFF into
 * SB. Unpaired surrogates become U+FFFD. Returns -1 when the text runs off the end.
 */
static int
lnk_utf16(
    const unsigned char *b, size_t len, size_t off, size_t nchars, struct strbuf *sb)
{
	size_t i;
	uint32_t c;
	uint16_t u, d;

	for (i = 0; i < nchars; i++, off += 2) {
		if (!rd_le16(b, len, off, &u))
			return nchars == SIZE_MAX ? 0 : -1;
		c = u;
		if (nchars == SIZE_MAX && c == 0)
			return 0;
		if (c == 0)
			continue;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < nchars &&
		    rd_le16(b, len, off + 2, &d) && d >= 0xdc00 && d < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
			i++;
			off += 2;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		lnk_put_utf8(sb, c);
	}
	return 0;
}

/* NUL-terminated ANSI text at OFF (bounded by LEN and by the buffer cap). */
static void
lnk_ansi(const unsigned char *b, size_t len, size_t off, struct strbuf *sb)
{
	for (; off < len && b[off] != 0; off++)
		sb_addc(sb, (char)b[off]);
}

/* CommonNetworkRelativeLink (2.3.2): the share name, "\\server\share". */
static void
lnk_netname(const unsigned char *b, size_t len, size_t off, struct strbuf *sb)
{
	uint32_t size, netoff, netuoff;

	if (!rd_le32(b, len, off, &size) || size < 0x14 ||
	    !rd_le32(b, len, off + 8, &netoff) || netoff >= size)
		return;
	if (netoff > 0x14 && rd_le32(b, len, off + 0x14, &netuoff) && netuoff < size &&
	    netuoff != 0) {
		lnk_utf16(b, len, off + netuoff, SIZE_MAX, sb);
		return;
	}
	lnk_ansi(b, len, off + netoff, sb);
}

/* LinkInfo (2.3): the target path. Returns the size to skip, 0 on error. */
static uint32_t
lnk_linkinfo(const unsigned char *b, size_t len, size_t off, struct lnk_info *li)
{
	uint32_t size, hsize, flags, baseoff, netoff, sufoff, ubase = 0, usuf = 0;

	if (!rd_le32(b, len, off, &size) || !rd_le32(b, len, off + 4, &hsize) ||
	    !rd_le32(b, len, off + 8, &flags) || !rd_le32(b, len, off + 16, &baseoff) ||
	    !rd_le32(b, len, off + 20, &netoff) || !rd_le32(b, len, off + 24, &sufoff) ||
	    size < 0x1c || hsize < 0x1c || size > len - off)
		return 0;
	if (hsize >= 0x24) {
		if (!rd_le32(b, len, off + 28, &ubase) ||
		    !rd_le32(b, len, off + 32, &usuf))
			return 0;
	}
	/* Offsets are relative to the LinkInfo; reading is limited to its size. */
	len = off + size;
	if ((flags & 1) && ubase != 0 && ubase < size)
		lnk_utf16(b, len, off + ubase, SIZE_MAX, &li->target);
	else if ((flags & 1) && baseoff < size)
		lnk_ansi(b, len, off + baseoff, &li->target);
	if ((flags & 2) && netoff < size)
		lnk_netname(b, len, off + netoff, &li->target);
	if (usuf != 0 && usuf < size) {
		if (li->target.len > 0 && b[off + usuf] != 0)
			sb_addc(&li->target, '\\');
		lnk_utf16(b, len, off + usuf, SIZE_MAX, &li->target);
	} else if (sufoff != 0 && sufoff < size && b[off + sufoff] != 0) {
		if (li->target.len > 0)
			sb_addc(&li->target, '\\');
		lnk_ansi(b, len, off + sufoff, &li->target);
	}
	return size;
}

/* One StringData entry (2.4). Returns the new offset, or 0 on error. */
static size_t
lnk_string(const unsigned char *b, size_t len, size_t off, int unicode, struct strbuf *sb)
{
	uint16_t n;
	size_t i;

	if (!rd_le16(b, len, off, &n))
		return 0;
	off += 2;
	if (unicode) {
		if ((len - off) / 2 < n)
			return 0;
		lnk_utf16(b, len, off, n, sb);
		return off + 2 * (size_t)n;
	}
	if (len - off < n)
		return 0;
	for (i = 0; i < n; i++)
		if (b[off + i] != 0)
			sb_addc(sb, (char)b[off + i]);
	return off + n;
}

/* An Environment/IconEnvironment data block at OFF (size checked): the Unicode
 * string, else the ANSI one. */
static void
lnk_env_block(const unsigned char *b, size_t off, struct strbuf *sb)
{
	lnk_utf16(b, off + 0x314, off + 8 + 260, SIZE_MAX, sb);
	if (sb->len == 0)
		lnk_ansi(b, off + 8 + 260, off + 8, sb);
}

/* ExtraData (2.5): only the Environment and IconEnvironment blocks are read. */
static void
lnk_extra(const unsigned char *b, size_t len, size_t off, struct lnk_info *li)
{
	uint32_t size, sig = 0;
	unsigned n;

	for (n = 0; n < LNK_MAX_BLOCKS; n++) {
		if (!rd_le32(b, len, off, &size) || size < 4)
			return; /* TerminalBlock or end of file */
		if (size < 8 || size > len - off) {
			if (li->bad == NULL)
				li->bad = "extra data block runs off the end";
			return;
		}
		rd_le32(b, len, off + 4, &sig);
		if (sig == LNK_ENV_SIG && size >= 0x314 && li->env.len == 0)
			lnk_env_block(b, off, &li->env);
		else if (sig == LNK_ICONENV_SIG && size >= 0x314 && li->icon.len == 0)
			lnk_env_block(b, off, &li->icon);
		off += size;
	}
}

/* Header, ID list, LinkInfo, StringData, ExtraData. */
static void
lnk_parse(const unsigned char *b, size_t len, struct lnk_info *li)
{
	uint32_t flags, hsize;
	uint16_t idsize;
	size_t off = LNK_HEADER_SIZE;
	int uni;

	if (!rd_le32(b, len, 0, &hsize) || hsize != LNK_HEADER_SIZE ||
	    len < LNK_HEADER_SIZE || memcmp(b + 4, lnk_clsid, 16) != 0) {
		li->bad = "not a shell link header";
		return;
	}
	rd_le32(b, len, 0x14, &flags);
	uni = (flags & LF_UNICODE) != 0;
	if (flags & LF_IDLIST) {
		if (!rd_le16(b, len, off, &idsize) || idsize > len - off - 2) {
			li->bad = "target ID list runs off the end";
			return;
		}
		off += 2 + (size_t)idsize;
	}
	if (flags & LF_LINKINFO) {
		uint32_t n = lnk_linkinfo(b, len, off, li);

		if (n == 0) {
			li->bad = "bad LinkInfo";
			return;
		}
		off += n;
	}
	{
		static const uint32_t bits[5] = { LF_NAME, LF_RELPATH, LF_WORKDIR,
			LF_ARGS, LF_ICON };
		struct strbuf *dst[5] = { &li->name, &li->relpath, &li->workdir,
			&li->args, &li->icon };
		int i;

		for (i = 0; i < 5; i++) {
			if (!(flags & bits[i]))
				continue;
			if ((off = lnk_string(b, len, off, uni, dst[i])) == 0) {
				li->bad = "string data runs off the end";
				return;
			}
		}
	}
	lnk_extra(b, len, off, li);
}

/* Case-insensitive substring search in a NUL-terminated string. */
static const char *
lnk_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/* True when ARGS has a switch (-x or /x) that abbreviates -EncodedCommand. */
static int
lnk_encoded_switch(const char *args)
{
	static const char full[] = "encodedcommand";
	const char *p;
	size_t n;

	for (p = args; *p != '\0'; p++) {
		if ((*p != '-' && *p != '/') ||
		    (p != args && !isspace((unsigned char)p[-1])))
			continue;
		for (n = 0; isalpha((unsigned char)p[1 + n]); n++)
			;
		if (n >= 1 && n <= sizeof(full) - 1 && strncasecmp(p + 1, full, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * True when TEXT (target and arguments joined) starts an interpreter or a LOLBin;
 * SB receives their names.
 */
static int
lnk_launcher(const char *text, struct strbuf *sb)
{
	static const char *const bins[] = { "powershell", "pwsh", "mshta", "rundll32",
		"regsvr32", "wscript", "cscript", "certutil", "bitsadmin", "msiexec",
		"curl", "conhost", "forfiles", "schtasks", NULL };
	int i, hit = 0;

	for (i = 0; bins[i] != NULL; i++) {
		if (lnk_find(text, bins[i]) == NULL)
			continue;
		sb_printf(sb, "%s%s", hit ? ", " : "", bins[i]);
		if (i <= 1 && lnk_encoded_switch(text))
			sb_adds(sb, " with an encoded command");
		hit = 1;
	}
	if (lnk_find(text, "cmd") != NULL &&
	    (lnk_find(text, "/c") != NULL || lnk_find(text, "/k") != NULL ||
		lnk_find(text, "cmd.exe") != NULL)) {
		sb_printf(sb, "%scmd", hit ? ", " : "");
		hit = 1;
	}
	return hit;
}

/* file://, \\server\share or //server: a target fetched from the network. */
static int
lnk_is_remote(const char *s)
{
	while (*s == ' ' || *s == '"')
		s++;
	return strncasecmp(s, "file:", 5) == 0 || (s[0] == '\\' && s[1] == '\\') ||
	    (s[0] == '/' && s[1] == '/');
}

static void
lnk_field(struct strbuf *d, const char *label, const struct strbuf *v)
{
	if (v->len == 0)
		return;
	sb_printf(d, "%s%s=%s", d->len ? "; " : "", label, sb_str(v));
}

/* A trailing or leading run of spaces hides nothing but reads badly: trim. */
static void
lnk_trim(struct strbuf *sb)
{
	while (sb->len > 0 && (sb->s[sb->len - 1] == ' ' || sb->s[sb->len - 1] == '\t'))
		sb->s[--sb->len] = '\0';
}

/* The furthest-reaching place the fields of LI lead to (detect/remote.c), in the
 * order search-ms, WebDAV, share, URL; *FIELD receives that field. */
static enum remote_kind
lnk_reach(struct lnk_info *li, const char **field)
{
	const struct strbuf *f[5] = { &li->target, &li->env, &li->args, &li->workdir,
		&li->icon };
	enum remote_kind best = REMOTE_NONE, k;
	int i;

	*field = "";
	for (i = 0; i < 5; i++) {
		k = remote_kind(sb_str(f[i]));
		if (k != REMOTE_NONE &&
		    (best == REMOTE_NONE || k == REMOTE_SEARCH ||
			(k == REMOTE_WEBDAV && best != REMOTE_SEARCH) ||
			(k == REMOTE_UNC && best == REMOTE_URL))) {
			best = k;
			*field = sb_str(f[i]);
		}
	}
	return best;
}

/* search-ms: URIs and WebDAV paths (Windows Search or Explorer showing a remote
 * folder as local files), and libraries or search connectors leading off the
 * machine at all. */
static void
lnk_reach_report(struct scan_ctx *ctx, int part, const char *kind, struct lnk_info *li)
{
	const char *field;
	enum remote_kind k = lnk_reach(li, &field);

	if (k == REMOTE_SEARCH)
		report_add(ctx->r, part, "shortcut.search_ms", "%s: %.300s", kind, field);
	else if (k == REMOTE_WEBDAV)
		report_add(ctx->r, part, "shortcut.webdav", "%s: %.300s", kind, field);
	else if (k == REMOTE_URL && strcmp(kind, "url") != 0)
		report_add(ctx->r, part, "shortcut.remote", "%s on a %s: %.300s", kind,
		    remote_kind_name(k), field);
}

/* Record the findings for a parsed shortcut of KIND ("lnk", "url", ...). */
static em_status
lnk_report(struct scan_ctx *ctx, int part, const char *kind, struct lnk_info *li)
{
	struct strbuf d = STRBUF_INIT, all = STRBUF_INIT, why = STRBUF_INIT;

	sb_init(&d, LNK_MAX_DETAIL);
	sb_init(&all, 4 * LNK_MAX_STR);
	sb_init(&why, 256);
	lnk_trim(&li->args);
	lnk_field(&d, "target", &li->target);
	lnk_field(&d, "env target", &li->env);
	lnk_field(&d, "relative", &li->relpath);
	lnk_field(&d, "args", &li->args);
	lnk_field(&d, "workdir", &li->workdir);
	lnk_field(&d, "icon", &li->icon);
	lnk_field(&d, "name", &li->name);
	report_add(ctx->r, part, "type.shortcut", "%s: %s", kind,
	    d.len ? sb_str(&d) : "no target found");
	sb_printf(&all, "%s %s %s %s", sb_str(&li->target), sb_str(&li->env),
	    sb_str(&li->relpath), sb_str(&li->args));
	if (lnk_launcher(sb_str(&all), &why))
		report_add(ctx->r, part, "shortcut.launcher", "%s", sb_str(&why));
	if ((lnk_is_remote(sb_str(&li->target)) || lnk_is_remote(sb_str(&li->env)) ||
		lnk_is_remote(sb_str(&li->icon)) || lnk_is_remote(sb_str(&li->workdir))))
		report_add(ctx->r, part, "shortcut.remote",
		    "target, icon or working directory on a network share or file: URL");
	lnk_reach_report(ctx, part, kind, li);
	if (li->bad != NULL)
		scan_error(ctx, part, kind, li->bad);
	sb_free(&d);
	sb_free(&all);
	sb_free(&why);
	return EM_OK;
}

/* The value of KEY= on a line of an INI-style shortcut, or of <KEY>...</KEY>. */
static void
lnk_text_value(
    const unsigned char *b, size_t len, const char *key, int xml, struct strbuf *sb)
{
	size_t k = strlen(key), i, j;

	for (i = 0; i + k + 1 < len; i++) {
		if (xml) {
			if (b[i] != '<' ||
			    strncasecmp((const char *)b + i + 1, key, k) != 0 ||
			    b[i + k + 1] != '>')
				continue;
			i += k + 2;
			for (j = i; j < len && b[j] != '<' && j - i < LNK_MAX_STR; j++)
				;
		} else {
			if ((i > 0 && b[i - 1] != '\n') ||
			    strncasecmp((const char *)b + i, key, k) != 0 ||
			    b[i + k] != '=')
				continue;
			i += k + 1;
			for (j = i; j < len && b[j] != '\r' && b[j] != '\n' &&
			     j - i < LNK_MAX_STR;
			     j++)
				;
		}
		sb_add(sb, b + i, j - i);
		return;
	}
}

/* .url, .scf, .library-ms and .settingcontent-ms: text shortcuts. */
static em_status
lnk_text(struct scan_ctx *ctx, struct scan_input *in, struct lnk_info *li)
{
	const unsigned char *b = in->data;
	size_t len = in->len;
	const char *kind = "url";

	if (memmem(b, len, "[Shell]", 7) != NULL) {
		kind = "scf";
		lnk_text_value(b, len, "Command", 0, &li->target);
		lnk_text_value(b, len, "IconFile", 0, &li->icon);
	} else if (memmem(b, len, "<libraryDescription", 19) != NULL ||
	    memmem(b, len, "<searchConnectorDescription", 27) != NULL) {
		kind = memmem(b, len, "<libraryDescription", 19) != NULL ?
		    "library-ms" :
		    "searchConnector-ms";
		lnk_text_value(b, len, "url", 1, &li->target);
	} else if (memmem(b, len, "<PCSettings", 11) != NULL) {
		kind = "settingcontent-ms";
		lnk_text_value(b, len, "DeepLink", 1, &li->target);
	} else {
		lnk_text_value(b, len, "URL", 0, &li->target);
		lnk_text_value(b, len, "IconFile", 0, &li->icon);
		lnk_text_value(b, len, "WorkingDirectory", 0, &li->workdir);
		if (li->target.len == 0 &&
		    memmem(b, len, "[InternetShortcut]", 18) == NULL)
			return EM_OK; /* not a text shortcut we know */
	}
	return lnk_report(ctx, in->part, kind, li);
}

em_status
lnk_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct lnk_info li;
	struct strbuf *all[7];
	em_status st;
	int i;

	memset(&li, 0, sizeof(li));
	all[0] = &li.target;
	all[1] = &li.args;
	all[2] = &li.icon;
	all[3] = &li.workdir;
	all[4] = &li.relpath;
	all[5] = &li.name;
	all[6] = &li.env;
	for (i = 0; i < 7; i++)
		sb_init(all[i], LNK_MAX_STR);
	if (in->len >= 4 && memcmp(in->data, "L\0\0\0", 4) == 0) {
		lnk_parse(in->data, in->len, &li);
		st = lnk_report(ctx, in->part, "lnk", &li);
	} else {
		st = lnk_text(ctx, in, &li);
	}
	for (i = 0; i < 7; i++)
		sb_free(all[i]);
	return st;
}
