/*
 * mimehdr.h: MIME header values: the type of a Content-Type, parameters with RFC
 * 2231 continuations and charsets, RFC 2047 encoded words (also inside quoted
 * parameter values, where Outlook and Thunderbird write them though RFC 2047 5
 * forbids it). Text is given to the caller as UTF-8 where the charset is known to
 * iconv, else as the raw bytes.
 *
 * Limits: at most MIMEHDR_MAX_SEGMENTS continuation segments per parameter (more
 * sets MH_BADSEG); outputs are strbufs with their own cap. Comments "(...)" are
 * skipped, nested to any depth (a counter, not recursion).
 * BUGS: RFC 2231 language tags are dropped; iconv failures keep the raw bytes.
 */
#ifndef EMBARGO_MIMEHDR_H
#define EMBARGO_MIMEHDR_H

#include <stddef.h>

#include "core/strbuf.h"

#define MIMEHDR_MAX_SEGMENTS 64

/* Oddities seen while reading a parameter (for mime.malformed). */
#define MH_DUP               0x01u /* the parameter is given more than once */
#define MH_BADSEG            0x02u /* RFC 2231 segments missing, repeated or too many */
#define MH_BOTH              0x04u /* plain and RFC 2231 forms both given and they differ */
#define MH_2047              0x08u /* an RFC 2047 word inside a parameter value */
#define MH_UNTERM            0x10u /* unterminated quoted string or comment */
#define MH_2231              0x20u /* the value came from RFC 2231 form */

/* The "type/subtype" of a Content-Type value, lower case, into OUT (NUL-terminated,
 * cut to OUTSZ - 1). Returns 0, or -1 when there is no "type/subtype" (OUT then
 * holds whatever token there was, maybe ""). */
int mimehdr_type(const char *v, size_t n, char *out, size_t outsz);

/* Parameter NAME (case-insensitive) of header value V: appended to OUT decoded.
 * Returns 1 when present, 0 when not. *FLAGS gets MH_* bits (may be NULL). */
int mimehdr_param(
    const char *v, size_t n, const char *name, struct strbuf *out, unsigned *flags);

/* The NTH (from 0) plain occurrence of parameter NAME, raw (no RFC 2231/2047):
 * for repeated boundary parameters. 1 when present. */
int mimehdr_param_nth(
    const char *v, size_t n, const char *name, unsigned nth, struct strbuf *out);

/* The first token of a value (Content-Transfer-Encoding, Content-Disposition),
 * lower case, comments skipped, into OUT. */
void mimehdr_token(const char *v, size_t n, char *out, size_t outsz);

/* Decode RFC 2047 encoded words in IN (a header value); appended to OUT. Returns
 * the number of encoded words decoded. */
int mimehdr_2047(const char *in, size_t n, struct strbuf *out);

/* Bytes IN in CHARSET appended to OUT as UTF-8 (raw when the charset is unknown). */
void mimehdr_to_utf8(const char *charset, const char *in, size_t n, struct strbuf *out);

#endif
