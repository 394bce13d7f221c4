/*
 * typeclaims.c: what a part's name or declared type promises, and when its content
 * contradicts that. The class an extension promises (filetype_ext_class, script
 * extensions included), the class a MIME type maps to (filetype_mime_class),
 * scripts recognised by extension and content markers (filetype_script), and the
 * type.mismatch rule (filetype_mismatch):
 *   - the name or declared type promises a document, image, media or text and the
 *     content is executable, script, shortcut, CHM, disk image or OneNote;
 *   - it promises text, image, media or PDF and the content is an archive or an
 *     Office/ODF container (a .txt that is a zip, a .jpg that is a docm);
 *   - a macro-free OOXML extension (.docx .xlsx .pptx ...) on a package holding
 *     vbaProject.bin;
 *   - (filetype.c) an image carrying an appended zip, rar, 7z or PE: a polyglot;
 *   - low severity only: Office formats under each other's extension (.doc that is
 *     RTF or OOXML, .docx that is OLE2): Word opens them all, but extension-based
 *     policies and users are misled (the RTF-as-.doc exploit delivery).
 *   Declared application/octet-stream and unknown types are ignored.
 * filetype.c applies them (never on members of OOXML/ODF containers).
 * BUGS: UTF-16 scripts (PowerShell saved as "Unicode") are seen as binary and only
 * caught by extension.
 */
#include <string.h>

#include "detect/filetype.h"

/* The extension of NAME (after the last dot, trailing dots and spaces dropped) in
 * lower case into BUF; 0 when there is none. */
static int
ft_ext(const char *name, char *buf, size_t bufsz)
{
	size_t end, dot, i;

	if (name == NULL)
		return 0;
	end = strlen(name);
	while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '.'))
		end--;
	for (dot = end; dot > 0 && name[dot - 1] != '.' && name[dot - 1] != '/' &&
	     name[dot - 1] != '\\';
	     dot--)
		;
	if (dot == 0 || name[dot - 1] != '.' || end - dot == 0 || end - dot >= bufsz)
		return 0;
	for (i = 0; i < end - dot; i++) {
		unsigned char c = (unsigned char)name[dot + i];
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[i] = '\0';
	return 1;
}

static const struct ft_ext_row {
	const char *ext;
	enum tclass tc;
	/* clang-format off */
} ft_exts[] = {
	{ "txt", TC_TEXT }, { "csv", TC_TEXT }, { "log", TC_TEXT }, { "md", TC_TEXT },
	{ "jpg", TC_IMAGE }, { "jpeg", TC_IMAGE }, { "png", TC_IMAGE }, { "gif", TC_IMAGE },
	{ "bmp", TC_IMAGE }, { "tif", TC_IMAGE }, { "tiff", TC_IMAGE }, { "webp", TC_IMAGE },
	{ "ico", TC_IMAGE }, { "heic", TC_IMAGE },
	{ "mp3", TC_MEDIA }, { "mp4", TC_MEDIA }, { "wav", TC_MEDIA }, { "avi", TC_MEDIA },
	{ "mov", TC_MEDIA }, { "m4a", TC_MEDIA }, { "ogg", TC_MEDIA },
	{ "pdf", TC_PDF }, { "rtf", TC_RTF }, { "htm", TC_HTML }, { "html", TC_HTML },
	{ "xml", TC_XML },
	{ "doc", TC_OLE2 }, { "dot", TC_OLE2 }, { "xls", TC_OLE2 }, { "xlt", TC_OLE2 },
	{ "ppt", TC_OLE2 }, { "pps", TC_OLE2 }, { "msg", TC_OLE2 }, { "pub", TC_OLE2 },
	{ "vsd", TC_OLE2 }, { "tnef", TC_TNEF },
	{ "docx", TC_OOXML }, { "docm", TC_OOXML }, { "dotx", TC_OOXML }, { "dotm", TC_OOXML },
	{ "xlsx", TC_OOXML }, { "xlsm", TC_OOXML }, { "xltx", TC_OOXML }, { "xltm", TC_OOXML },
	{ "xlsb", TC_OOXML }, { "pptx", TC_OOXML }, { "pptm", TC_OOXML }, { "ppsx", TC_OOXML },
	{ "potx", TC_OOXML }, { "vsdx", TC_OOXML }, { "vsdm", TC_OOXML },
	{ "odt", TC_ODF }, { "ods", TC_ODF }, { "odp", TC_ODF }, { "odg", TC_ODF },
	{ "zip", TC_ARCHIVE }, { "7z", TC_ARCHIVE }, { "rar", TC_ARCHIVE }, { "tar", TC_ARCHIVE },
	{ "gz", TC_ARCHIVE }, { "tgz", TC_ARCHIVE }, { "cab", TC_ARCHIVE },
	{ "exe", TC_EXECUTABLE }, { "dll", TC_EXECUTABLE }, { "scr", TC_EXECUTABLE },
	{ "com", TC_EXECUTABLE }, { "pif", TC_EXECUTABLE }, { "msi", TC_EXECUTABLE },
	{ "cpl", TC_EXECUTABLE }, { "sys", TC_EXECUTABLE }, { "xll", TC_EXECUTABLE },
	{ "lnk", TC_SHORTCUT }, { "url", TC_SHORTCUT }, { "scf", TC_SHORTCUT },
	{ "library-ms", TC_SHORTCUT }, { "searchconnector-ms", TC_SHORTCUT },
	{ "settingcontent-ms", TC_SHORTCUT },
	{ "iso", TC_DISK_IMAGE }, { "img", TC_DISK_IMAGE }, { "vhd", TC_DISK_IMAGE },
	{ "vhdx", TC_DISK_IMAGE }, { "dmg", TC_DISK_IMAGE },
	{ "one", TC_ONENOTE }, { "chm", TC_CHM }, { "eml", TC_MESSAGE },
};
/* clang-format on */

/* Script extensions and what they are. */
static const struct ft_script_row {
	const char *ext;
	const char *what;
	/* clang-format off */
} ft_script_exts[] = {
	{ "js", "JScript" }, { "jse", "encoded JScript" }, { "vbs", "VBScript" },
	{ "vbe", "encoded VBScript" }, { "vb", "VBScript" }, { "wsf", "Windows Script File" },
	{ "wsh", "Windows Script Host settings" }, { "wsc", "Windows Script Component" },
	{ "sct", "scriptlet" }, { "hta", "HTML application" }, { "ps1", "PowerShell" },
	{ "psm1", "PowerShell module" }, { "psd1", "PowerShell data" },
	{ "bat", "batch" }, { "cmd", "batch" }, { "py", "Python" }, { "pyw", "Python" },
	{ "sh", "shell" }, { "bash", "shell" }, { "ksh", "shell" }, { "csh", "shell" },
	{ "iqy", "Excel web query" }, { "slk", "SYLK" }, { "jar", "Java archive" },
	{ "msh", "Monad script" }, { "reg", "registry file" }, { "inf", "setup information" },
};
/* clang-format on */

enum tclass
filetype_ext_class(const char *name)
{
	char ext[24];
	size_t i;

	if (!ft_ext(name, ext, sizeof(ext)))
		return TC_UNKNOWN;
	for (i = 0; i < sizeof(ft_script_exts) / sizeof(ft_script_exts[0]); i++)
		if (strcmp(ext, ft_script_exts[i].ext) == 0)
			return TC_SCRIPT;
	for (i = 0; i < sizeof(ft_exts) / sizeof(ft_exts[0]); i++)
		if (strcmp(ext, ft_exts[i].ext) == 0)
			return ft_exts[i].tc;
	return TC_UNKNOWN;
}

/* Content markers of scripts whatever their name. */
static const char *
ft_script_strong(const unsigned char *d, size_t len)
{
	if (filetype_starts(d, len, "#@~^"))
		return "encoded script (#@~^, VBE/JSE)";
	if (filetype_casemem(d, len, "<hta:application") != NULL)
		return "HTML application (<HTA:APPLICATION>)";
	if ((filetype_starts(d, len, "<job") || filetype_starts(d, len, "<package")) &&
	    filetype_casemem(d, len, "<script") != NULL)
		return "Windows Script File (<job> with <script>)";
	if (filetype_starts(d, len, "@echo off"))
		return "batch (@echo off)";
	if (filetype_starts(d, len, "#!"))
		return "script with #! interpreter line";
	if (filetype_starts(d, len, "ID;P"))
		return "SYLK spreadsheet (ID;P header)";
	if (filetype_starts(d, len, "WEB\n1\n") ||
	    filetype_starts(d, len, "WEB\r\n1\r\n"))
		return "Excel web query (WEB/1 header)";
	return NULL;
}

/* Markers that are only trusted on a named file whose extension is not a plain
 * text or web document (those open in a viewer, not a script host). */
static const char *
ft_script_weak(const unsigned char *d, size_t len)
{
	if (filetype_casemem(d, len, "WScript.") != NULL)
		return "script using WScript";
	if (filetype_casemem(d, len, "ActiveXObject") != NULL)
		return "script using ActiveXObject";
	if (filetype_casemem(d, len, "CreateObject(") != NULL)
		return "script using CreateObject";
	if (filetype_casemem(d, len, "powershell -e") != NULL ||
	    filetype_casemem(d, len, "powershell.exe -e") != NULL)
		return "PowerShell encoded command";
	return NULL;
}

const char *
filetype_script(const unsigned char *d, size_t len, const char *name)
{
	static const char *const viewer[] = { "txt", "csv", "log", "md", "htm", "html",
		"xml", "json", "eml", "ics", "vcf", "svg", "xhtml", "mhtml", "mht" };
	const char *s;
	char ext[24];
	size_t i;
	int has_ext;

	if (d == NULL || !filetype_is_text(d, len))
		return NULL;
	has_ext = ft_ext(name, ext, sizeof(ext));
	for (i = 0; has_ext && i < sizeof(ft_script_exts) / sizeof(ft_script_exts[0]);
	     i++)
		if (strcmp(ext, ft_script_exts[i].ext) == 0)
			return ft_script_exts[i].what;
	if ((s = ft_script_strong(d, len)) != NULL)
		return s;
	if (name == NULL)
		return NULL;
	for (i = 0; has_ext && i < sizeof(viewer) / sizeof(viewer[0]); i++)
		if (strcmp(ext, viewer[i]) == 0)
			return NULL;
	return ft_script_weak(d, len);
}

static const struct ft_mime_row {
	const char *prefix;
	enum tclass tc;
	/* clang-format off */
} ft_mimes[] = {
	{ "inode/x-empty", TC_EMPTY }, { "application/x-empty", TC_EMPTY },
	{ "application/pdf", TC_PDF }, { "text/rtf", TC_RTF }, { "application/rtf", TC_RTF },
	{ "text/html", TC_HTML }, { "image/svg", TC_HTML }, { "application/xhtml", TC_HTML },
	{ "text/xml", TC_XML }, { "application/xml", TC_XML }, { "message/", TC_MESSAGE },
	{ "text/x-msdos-batch", TC_SCRIPT }, { "text/x-shellscript", TC_SCRIPT },
	{ "text/", TC_TEXT }, { "application/json", TC_TEXT }, { "application/csv", TC_TEXT },
	{ "image/", TC_IMAGE }, { "audio/", TC_MEDIA }, { "video/", TC_MEDIA },
	{ "application/vnd.openxmlformats", TC_OOXML }, { "application/vnd.ms-visio", TC_OOXML },
	/* macro-enabled and binary OOXML types: vnd.ms-<app>.<something> */
	{ "application/vnd.ms-excel.", TC_OOXML }, { "application/vnd.ms-word.", TC_OOXML },
	{ "application/vnd.ms-powerpoint.", TC_OOXML },
	{ "application/vnd.oasis.opendocument", TC_ODF },
	{ "application/msword", TC_OLE2 }, { "application/vnd.ms-excel", TC_OLE2 },
	{ "application/vnd.ms-powerpoint", TC_OLE2 }, { "application/vnd.ms-outlook", TC_OLE2 },
	{ "application/vnd.ms-office", TC_OLE2 }, { "application/x-ole-storage", TC_OLE2 },
	{ "application/cdfv2", TC_OLE2 }, { "application/vnd.visio", TC_OLE2 },
	{ "application/x-msi", TC_EXECUTABLE }, { "application/x-dosexec", TC_EXECUTABLE },
	{ "application/vnd.microsoft.portable-executable", TC_EXECUTABLE },
	{ "application/x-executable", TC_EXECUTABLE }, { "application/x-sharedlib", TC_EXECUTABLE },
	{ "application/x-pie-executable", TC_EXECUTABLE },
	{ "application/x-mach-binary", TC_EXECUTABLE },
	{ "application/x-ms-shortcut", TC_SHORTCUT },
	{ "application/x-iso9660-image", TC_DISK_IMAGE },
	{ "application/x-apple-diskimage", TC_DISK_IMAGE },
	{ "application/vnd.ms-htmlhelp", TC_CHM },
	{ "application/ms-tnef", TC_TNEF }, { "application/vnd.ms-tnef", TC_TNEF },
	{ "application/zip", TC_ARCHIVE }, { "application/x-zip", TC_ARCHIVE },
	{ "application/x-7z", TC_ARCHIVE }, { "application/x-rar", TC_ARCHIVE },
	{ "application/vnd.rar", TC_ARCHIVE }, { "application/x-tar", TC_ARCHIVE },
	{ "application/gzip", TC_ARCHIVE }, { "application/x-gzip", TC_ARCHIVE },
	{ "application/x-bzip2", TC_ARCHIVE }, { "application/x-xz", TC_ARCHIVE },
	{ "application/zstd", TC_ARCHIVE }, { "application/x-lz4", TC_ARCHIVE },
	{ "application/x-compress", TC_ARCHIVE }, { "application/vnd.ms-cab", TC_ARCHIVE },
	{ "application/x-lha", TC_ARCHIVE }, { "application/x-lzh", TC_ARCHIVE },
	{ "application/x-arj", TC_ARCHIVE }, { "application/x-cpio", TC_ARCHIVE },
	{ "application/x-archive", TC_ARCHIVE }, { "application/x-xar", TC_ARCHIVE },
	{ "application/java-archive", TC_ARCHIVE },
};
/* clang-format on */

enum tclass
filetype_mime_class(const char *mime)
{
	size_t i;

	if (mime == NULL)
		return TC_UNKNOWN;
	for (i = 0; i < sizeof(ft_mimes) / sizeof(ft_mimes[0]); i++)
		if (strncmp(mime, ft_mimes[i].prefix, strlen(ft_mimes[i].prefix)) == 0)
			return ft_mimes[i].tc;
	return TC_UNKNOWN;
}

static int
ft_risky(enum tclass tc)
{
	return tc == TC_EXECUTABLE || tc == TC_SCRIPT || tc == TC_SHORTCUT ||
	    tc == TC_CHM || tc == TC_DISK_IMAGE || tc == TC_ONENOTE;
}

static int
ft_office(enum tclass tc)
{
	return tc == TC_OLE2 || tc == TC_OOXML || tc == TC_RTF;
}

/* One promise (from the extension or the declared type) against the content. */
static const char *
ft_mismatch1(enum tclass promise, enum tclass content, int *low)
{
	int harmless = promise == TC_TEXT || promise == TC_IMAGE || promise == TC_MEDIA ||
	    promise == TC_PDF;

	if (promise == TC_UNKNOWN || promise == content)
		return NULL;
	if (ft_risky(content) &&
	    (harmless || ft_office(promise) || promise == TC_ODF || promise == TC_HTML ||
		promise == TC_XML || promise == TC_ARCHIVE))
		return "content is riskier than the name or type says";
	if (harmless &&
	    (content == TC_ARCHIVE || content == TC_OOXML || content == TC_ODF ||
		content == TC_OLE2))
		return "a container passed off as a plain file";
	if ((promise == TC_IMAGE || promise == TC_PDF || promise == TC_MEDIA) &&
	    content == TC_HTML)
		return "HTML passed off as a plain file";
	if (ft_office(promise) && ft_office(content)) {
		*low = 1;
		return "an Office format under another Office extension";
	}
	return NULL;
}

/* Declared types worth comparing: the rest (octet-stream, x-unknown) say nothing. */
static enum tclass
ft_declared_class(const char *declared)
{
	enum tclass tc;

	if (declared == NULL || strncmp(declared, "application/octet-stream", 24) == 0)
		return TC_UNKNOWN;
	tc = filetype_mime_class(declared);
	return tc == TC_EMPTY || tc == TC_MESSAGE ? TC_UNKNOWN : tc;
}

const char *
filetype_mismatch(
    enum tclass content, int vba, const char *name, const char *declared, int *low)
{
	static const char *const macro_free[] = { "docx", "dotx", "xlsx", "xltx", "pptx",
		"potx", "ppsx", "vsdx" };
	const char *why;
	char ext[24];
	size_t i;

	*low = 0;
	if (vba && ft_ext(name, ext, sizeof(ext)))
		for (i = 0; i < sizeof(macro_free) / sizeof(macro_free[0]); i++)
			if (strcmp(ext, macro_free[i]) == 0)
				return "a macro-enabled package (vbaProject.bin) under a macro-free extension";
	if (vba &&
	    (filetype_ext_class(name) == TC_IMAGE ||
		filetype_ext_class(name) == TC_TEXT ||
		filetype_ext_class(name) == TC_PDF))
		return "a macro-enabled package passed off as a plain file";
	if ((why = ft_mismatch1(filetype_ext_class(name), content, low)) != NULL)
		return why;
	return ft_mismatch1(ft_declared_class(declared), content, low);
}
