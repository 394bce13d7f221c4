/*
 * scan.h: the analysis pipeline of one message. Every decoded part (a MIME leaf, an
 * archive member, an object pulled out of a document) goes through scan_part() or
 * scan_child(): size and digest, type detection, name checks, the analyser for its
 * type (which may add children, recursively), then YARA.
 *
 * One scan_ctx per message holds the report, the shared budget (depth, members,
 * unpacked bytes, time) and per-message analyser state. It is used by one thread at a
 * time. The scan_config it reads is immutable and shared between threads.
 *
 * Recursion follows the part tree and is bounded by limits.archive_depth and
 * limits.mime_depth, both capped at compile time (limits.h).
 */
#ifndef EMBARGO_SCAN_H
#define EMBARGO_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/report.h"
#include "core/spool.h"
#include "core/status.h"

/* Stable type classes: X(enum, name, what). The policy sees the name as the `class`
 * of a part and as the type.* findings filetype.c records for the risky ones. A new
 * class is one line here plus its signature and claim rows in detect/. */
#define TCLASSES(X) \
	X(TC_UNKNOWN, "unknown", "binary data of no known kind") \
	X(TC_EMPTY, "empty", "zero bytes") \
	X(TC_TEXT, "text", "plain text, CSV") \
	X(TC_HTML, "html", "HTML, SVG, XHTML") \
	X(TC_XML, "xml", "other XML (including Office 2003 XML)") \
	X(TC_IMAGE, "image", "images") \
	X(TC_MEDIA, "media", "audio, video") \
	X(TC_PDF, "pdf", "PDF") \
	X(TC_RTF, "rtf", "RTF") \
	X(TC_OLE2, "ole2", "Compound File Binary: .doc .xls .ppt .msg, encrypted OOXML") \
	X(TC_OOXML, "ooxml", "zip with [Content_Types].xml") \
	X(TC_ODF, "odf", "zip with mimetype application/vnd.oasis.opendocument.*") \
	X(TC_ARCHIVE, "archive", "zip, 7z, rar, tar, cab, gzip, ...") \
	X(TC_EXECUTABLE, "executable", "PE, ELF, Mach-O, MSI") \
	X(TC_SCRIPT, "script", "JS, VBS, HTA, PS1, BAT, WSF, ...") \
	X(TC_SHORTCUT, "shortcut", "LNK, URL, SCF, library-ms, settings-content-ms") \
	X(TC_DISK_IMAGE, "disk_image", "ISO, UDF, IMG, VHD(X), DMG") \
	X(TC_ONENOTE, "onenote", "OneNote sections") \
	X(TC_CHM, "chm", "Compiled HTML Help") \
	X(TC_MESSAGE, "message", "an RFC 5322 message (message/rfc822, .eml, mbox)") \
	X(TC_TNEF, "tnef", "Outlook TNEF (winmail.dat, application/ms-tnef)")

/* The X-macro expansion reads as a table: not reformatted. */
/* clang-format off */
enum tclass {
#define X(e, name, what) e,
	TCLASSES(X)
#undef X
	TC__COUNT
};
/* clang-format on */

const char *tclass_name(enum tclass tc);

struct yara_rules; /* yara.h: compiled rules, immutable, shared */
struct yara_msg;   /* yara.h: per-message scanner state */
struct pwlist;     /* passwords.h: candidate passwords from the message text */
struct scan_gate;  /* gate.h: how many large parts are analysed at once */

struct scan_config {
	struct scan_limits lim;
	const char *tmpdir; /* spool files; NULL for $TMPDIR or /tmp */
	const struct yara_rules
	    *rules[4];          /* configured rules, then extra (--rules); NULL-ended */
	struct scan_gate *gate; /* NULL: no gate (embargo-scan) */
};

/* What an analyser is given about the part it analyses. */
struct scan_input {
	int part;             /* report part id */
	const char *name;     /* filename or member name; NULL when none */
	const char *declared; /* declared MIME type (lower case) or NULL */
	struct spool *sp;     /* all the bytes */
	const unsigned char
	    *data; /* the first `len` bytes (len = min(size, scan_window)) */
	size_t len;
	uint64_t size;         /* the full size */
	enum tclass tc;        /* set by type detection */
	const char *mime;      /* detected MIME type, set by type detection */
	enum tclass container; /* class of the nearest OOXML/ODF/OLE2/PDF/... parent,
	                               TC_UNKNOWN at top level */
	unsigned arch_depth;   /* archive/document steps from the MIME leaf */
	int from_mime;         /* a MIME leaf (not pulled out of a file) */
	const char *charset;   /* a MIME leaf's declared charset, lower case, or
	                               NULL: its text is converted before harvesting */
};

struct scan_ctx {
	const struct scan_config *cfg;
	struct report *r;
	/* the budget shared by the whole tree */
	unsigned members_left;
	uint64_t bytes_left;
	double deadline;            /* monotonic seconds */
	unsigned long oom_at_start; /* em_oom_count() when the message started */
	int time_reported, members_reported, bytes_reported;
	/* per-message analyser state, created lazily, freed by scan_free */
	struct pwlist *pw;
	struct yara_msg *yara;
	struct deferred *deferred; /* locked parts waiting for late passwords (defer.c) */
};

/* Start a message. Returns NULL when out of memory. */
struct scan_ctx *scan_new(const struct scan_config *cfg, struct report *r);
void scan_free(struct scan_ctx *ctx);

/*
 * A MIME leaf (or the whole file in --raw mode) has ended: analyse part PART whose
 * decoded bytes are in SP, declared in CHARSET (NULL or "" when none). Filename and
 * declared type are read from the report part. SP stays owned by the caller.
 * Returns EM_OK or EM_TEMPFAIL/EM_BUG; local failures are findings, not statuses.
 */
em_status
scan_part(struct scan_ctx *ctx, int part, struct spool *sp, const char *charset);

/* Text the sender wrote (the Subject, already UTF-8): harvested for archive
 * passwords. Text and HTML bodies are harvested by dispatch (AN_HARVEST). */
void scan_text(struct scan_ctx *ctx, const char *text, size_t len);

/* End of message: deferred work (locked archives and documents retried with the
 * passwords found after them, defer.c). Returns the report's sticky error
 * (report_status) when anything could not be recorded, so such a message is
 * tempfailed, never decided on a report with a finding missing. */
em_status scan_finish(struct scan_ctx *ctx);

/* Owners of the per-message analyser state (NULL-safe), and the end-of-message
 * retry of parts kept for late passwords: the pipeline's, not analysers'. */
void passwords_free(struct pwlist *pw);
void passwords_release_quoted(struct pwlist *pw);
void yara_msg_free(struct yara_msg *y);
void defer_free(struct deferred *d);
em_status defer_finish(struct scan_ctx *ctx);

#endif
