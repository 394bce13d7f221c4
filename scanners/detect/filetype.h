/*
 * filetype.h: type detection (filetype_scan() is in analysers.h). The pieces below
 * are exported for the unit tests: each works on a plain buffer, without libmagic
 * and without a report.
 */
#ifndef EMBARGO_FILETYPE_H
#define EMBARGO_FILETYPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/scan.h"

#define FT_WHAT_MAX 96

struct ft_sniff {
	enum tclass tc;         /* TC_UNKNOWN when nothing was recognised */
	const char *mime;       /* static MIME type for the class, NULL to ask libmagic */
	char what[FT_WHAT_MAX]; /* what was seen ("PE32 DLL", "ISO 9660 at 0x8001") */
	int vba;                /* OOXML whose member names include vbaProject.bin */
};

/*
 * Content signatures of D (the first LEN bytes of a part of SIZE bytes; TAIL/TAILLEN
 * are its last bytes, up to 512, or NULL). Fills OUT; returns 1 when a signature
 * matched, 0 when libmagic and the text checks should decide.
 */
int filetype_sniff(const unsigned char *d, size_t len, uint64_t size,
    const unsigned char *tail, size_t taillen, struct ft_sniff *out);

/* True when D starts with RFC 5322 header lines (or an mbox "From " line) that make
 * it a mail message. */
/* Load libmagic's database in every slot now (before a sandbox). 0 or -1. */
int filetype_warm(void);

int filetype_is_message(const unsigned char *d, size_t len);

/* True when D looks like text (no NUL, few control bytes) in its first bytes. */
int filetype_is_text(const unsigned char *d, size_t len);

/* The MIME type of D, known to be text (texttype.c): text/html, image/svg+xml,
 * application/xhtml+xml, text/xml or text/plain. Reads at most 4 KB. */
const char *filetype_text_mime(const unsigned char *d, size_t len);

/* Shared by filetype.c and typeclaims.c: the first NEEDLE (ASCII, any case) in the
 * first 64 KB of D; whether D starts (after a BOM and white space) with WORD. */
const unsigned char *
filetype_casemem(const unsigned char *d, size_t len, const char *needle);
int filetype_starts(const unsigned char *d, size_t len, const char *word);

/* The class a filename's extension promises (TC_UNKNOWN when none or unknown).
 * Case-insensitive; trailing dots and spaces ignored as Windows does. */
enum tclass filetype_ext_class(const char *name);

/* Script recognition on text content: EXT_SCRIPT is whether the name has a script
 * extension. Returns a short label ("JScript", "batch", ...) or NULL. */
const char *filetype_script(const unsigned char *d, size_t len, const char *name);

/* The class libmagic's MIME type maps to. */
enum tclass filetype_mime_class(const char *mime);

/* The mismatch rule (see filetype.c): a reason string when the name or declared
 * type hides what CONTENT (with VBA flag) is, NULL when they agree or differ
 * harmlessly. *low is set when it is an Office-family difference. */
const char *filetype_mismatch(
    enum tclass content, int vba, const char *name, const char *declared, int *low);

#endif
