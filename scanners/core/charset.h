/*
 * charset.h: text in a declared MIME charset to UTF-8, for the password harvest and
 * RFC 2047 words. glibc iconv does the conversion; this module picks the converter
 * real mail needs (a "shift_jis" label is written by Outlook as CP932, with the NEC
 * and IBM extensions; "euc-jp" as EUC-JP-MS; "iso-2022-jp" as ISO-2022-JP-2),
 * bounds the output, and skips what cannot be converted.
 *
 * Limits: at most OUTMAX bytes out; a label longer than CHARSET_NAME_MAX or with
 * bytes outside [A-Za-z0-9._:-] is refused (no "//TRANSLIT" tricks reach iconv).
 * Every step consumes input or stops, so no input makes it loop.
 * BUGS: a byte iconv rejects is dropped (two bytes inside an ISO-2022-JP double-byte
 * run), not replaced by U+FFFD. Only the MIME label, an HTML meta charset and an
 * ISO-2022-JP escape are used to pick the charset: unlabelled 8-bit Shift_JIS is
 * taken as it is.
 */
#ifndef EMBARGO_CHARSET_H
#define EMBARGO_CHARSET_H

#include <stddef.h>

#define CHARSET_NAME_MAX 40

/* The iconv name for the MIME charset LABEL (any case); NULL when the bytes are to
 * be taken as they are (none, UTF-8, US-ASCII) or the label is refused. */
const char *charset_iconv_name(const char *label, char *buf, size_t bufsz);

/* Load the iconv modules of the aliases and common mail charsets now and keep them
 * loaded: a sandboxed worker (embargo-worker) can open no module later. */
size_t charset_warm(void); /* how many could be loaded */

/* Convert LEN bytes of IN, in charset LABEL, to UTF-8 in OUT (room for OUTMAX
 * bytes). Returns the bytes written, or -1 when LABEL names no conversion (the
 * caller keeps the bytes as they are). Unconvertible bytes are skipped and counted
 * in *SKIPPED (may be NULL); an incomplete sequence at the end is dropped; the output
 * stops at OUTMAX. */
long charset_to_utf8(const char *label, const char *in, size_t len, char *out,
    size_t outmax, size_t *skipped);

/* A charset label found in the text itself (an HTML <meta> charset in the first
 * 4 KiB, or an ISO-2022-JP escape sequence), copied to BUF; NULL when none. */
const char *charset_sniff(const char *t, size_t n, char *buf, size_t bufsz);

#endif
