/*
 * vocab.c: the table of finding names (see vocab.h). Adding a finding means adding
 * one row here; report_add() refuses names that are not in this table, so a typo in
 * a scanner is a test failure, not a silent policy gap.
 */
#include <string.h>

#include "core/vocab.h"

static const struct vocab_entry vocab_table[] = {
	/* message structure */
	{ "mime.malformed", SEV_LOW,
	    "MIME structure that readers may disagree on; the exposing reading was taken" },
	{ "mime.limit", SEV_MEDIUM,
	    "a MIME bound was crossed (depth, parts, header bytes, line length, decoded bytes): not fully inspected" },
	{ "mime.uuencode", SEV_INFO,
	    "a uuencoded block inside a part was decoded as a child part" },
	{ "mime.binhex", SEV_LOW,
	    "a BinHex block inside a part; its data fork was decoded as a child part" },
	/* names */
	{ "name.dangerous_extension", SEV_HIGH,
	    "the filename has an extension that Windows executes or mounts" },
	{ "name.double_extension", SEV_HIGH,
	    "the filename hides its real extension behind a harmless-looking one" },
	{ "name.rtlo", SEV_HIGH,
	    "the filename contains right-to-left override or other bidi controls" },
	{ "name.invisible", SEV_MEDIUM,
	    "the filename contains invisible or zero-width characters" },
	{ "name.clsid", SEV_HIGH, "the filename ends in a CLSID extension ({...})" },
	{ "name.overlong", SEV_LOW, "the filename is longer than any mail client shows" },
	/* types */
	{ "type.mismatch", SEV_MEDIUM,
	    "declared type, extension and content disagree in a way that hides risk" },
	{ "type.executable", SEV_HIGH,
	    "native executable content (PE, ELF, Mach-O, MSI)" },
	{ "type.script", SEV_HIGH,
	    "script content Windows runs on a click (JS, VBS, HTA, PS1, BAT, WSF, ...)" },
	{ "type.shortcut", SEV_HIGH,
	    "a shortcut (LNK, URL, SCF, library-ms, settings-content-ms)" },
	{ "type.disk_image", SEV_MEDIUM,
	    "a disk image (ISO, IMG, UDF, VHD, DMG) that Windows mounts on a click" },
	{ "type.onenote", SEV_MEDIUM, "a OneNote document" },
	{ "shortcut.launcher", SEV_HIGH,
	    "a shortcut that starts an interpreter or system binary (powershell, cmd, mshta, rundll32, ...)" },
	{ "shortcut.remote", SEV_HIGH,
	    "a shortcut whose target or icon is a file: URL or network share (runs remote code, leaks credentials)" },
	{ "shortcut.search_ms", SEV_HIGH,
	    "a shortcut whose target is a search-ms: or search: URI (Windows Search showing a remote folder as local files)" },
	{ "shortcut.webdav", SEV_HIGH,
	    "a shortcut whose target is a WebDAV path (\\\\host@SSL\\..., \\\\host@80\\..., DavWWWRoot)" },
	{ "type.embedded_pe", SEV_HIGH,
	    "a Windows executable (MZ/PE) at an offset inside an image or document (a polyglot)" },
	{ "type.chm", SEV_HIGH, "a compiled HTML help file" },
	{ "type.html_smuggling", SEV_HIGH,
	    "HTML or SVG that builds a file from an embedded blob" },
	{ "type.message", SEV_INFO, "an attached mail message, scanned as such" },
	/* archives */
	{ "archive.encrypted", SEV_MEDIUM,
	    "an encrypted archive or member that could not be opened" },
	{ "archive.unlocked", SEV_LOW,
	    "an encrypted archive opened with a password found in the message" },
	{ "archive.bomb", SEV_HIGH,
	    "an archive whose expansion ratio or structure is a decompression bomb" },
	{ "archive.limit", SEV_MEDIUM,
	    "an archive bound was crossed (depth, members, bytes): not fully inspected" },
	{ "archive.unsupported_coder", SEV_MEDIUM,
	    "archive members packed with a coder chain Embargo does not decode (7z PPMd, BZip2, Deflate, ...): not inspected" },
	{ "archive.corrupt", SEV_MEDIUM, "an archive that could not be read to the end" },
	{ "archive.nested", SEV_LOW,
	    "an archive inside another archive: the usual way past gateways that open one level" },
	{ "archive.split", SEV_INFO,
	    "one segment of a multi-volume archive; the recipient cannot open it alone either" },
	{ "archive.padding", SEV_HIGH,
	    "a member padded far beyond its real content (inflated document trick)" },
	/* macros */
	{ "macro.vba", SEV_MEDIUM, "a VBA project with code" },
	{ "macro.vba.autoexec", SEV_HIGH,
	    "VBA code that runs on open, close or a control event" },
	{ "macro.vba.suspicious", SEV_HIGH,
	    "VBA code that writes, downloads, executes or obfuscates" },
	{ "macro.xlm", SEV_HIGH, "Excel 4.0 (XLM) macro sheets or formulas" },
	{ "macro.stomped", SEV_HIGH,
	    "VBA p-code present while the source is missing or different" },
	{ "macro.odf", SEV_MEDIUM, "an OpenDocument file with Basic macros" },
	/* documents */
	{ "doc.remote_template", SEV_HIGH,
	    "an attached template fetched from a web server, network or WebDAV share on open (template injection)" },
	{ "doc.template_injection", SEV_MEDIUM,
	    "a relationship that loads a remote template or object" },
	{ "doc.external_link", SEV_LOW,
	    "a link to an external resource (workbook, picture) loaded on open" },
	{ "doc.dde", SEV_MEDIUM, "a DDE or DDEAUTO field or formula" },
	{ "doc.ole_object", SEV_MEDIUM, "an embedded OLE or Packager object" },
	{ "doc.encrypted", SEV_MEDIUM,
	    "an encrypted Office or PDF document that could not be inspected" },
	{ "doc.unlocked", SEV_LOW,
	    "an encrypted Office or PDF document opened with a password found in the message" },
	{ "doc.decrypted", SEV_INFO,
	    "a PDF encrypted with an empty user password (it opens without a prompt), decrypted and inspected" },
	{ "doc.rtf_object", SEV_MEDIUM, "an RTF document with embedded object data" },
	{ "pdf.javascript", SEV_MEDIUM, "a PDF with JavaScript" },
	{ "pdf.launch", SEV_HIGH, "a PDF with a Launch action" },
	{ "pdf.open_action", SEV_LOW, "a PDF with an OpenAction or additional actions" },
	{ "pdf.embedded_file", SEV_LOW, "a PDF with an embedded file" },
	{ "pdf.submit_form", SEV_LOW, "a PDF that submits form data" },
	{ "pdf.uri", SEV_INFO, "a PDF with URI actions" },
	{ "pdf.flash", SEV_MEDIUM, "a PDF with embedded Flash / RichMedia" },
	/* rules and failures */
	{ "yara.*", SEV_MEDIUM,
	    "an admin YARA rule matched (severity from the rule's meta)" },
	{ "yara.limit", SEV_MEDIUM,
	    "a YARA scan ran out of time or size: not fully inspected" },
	{ "scan.limit", SEV_MEDIUM,
	    "analysis stopped at a bound (time, window): not fully inspected" },
	{ "scan.error", SEV_MEDIUM,
	    "an analyser failed on this part: not fully inspected" },
	{ "scan.crashed", SEV_HIGH,
	    "the sandboxed scan worker died on this message; the detail names the part, "
	    "the signal and the cause (crash, seccomp, memory, cpu, deadline, protocol, killed)" },
};

const struct vocab_entry *
vocab_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(vocab_table) / sizeof(vocab_table[0]); i++)
		if (strcmp(vocab_table[i].name, name) == 0)
			return &vocab_table[i];
	if (strncmp(name, "yara.", 5) == 0 && name[5] != '\0')
		return vocab_find("yara.*");
	return NULL;
}

const struct vocab_entry *
vocab_all(size_t *n)
{
	*n = sizeof(vocab_table) / sizeof(vocab_table[0]);
	return vocab_table;
}

static const char *const severity_names[] = {
	"info",
	"low",
	"medium",
	"high",
	"critical",
};

const char *
severity_name(enum severity s)
{
	if ((unsigned)s > SEV_CRITICAL)
		return "?";
	return severity_names[s];
}

int
severity_parse(const char *s, enum severity *out)
{
	unsigned i;

	for (i = 0; i <= SEV_CRITICAL; i++) {
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return 0;
		}
	}
	return -1;
}
