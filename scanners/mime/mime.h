/*
 * mime.h: the streaming MIME parser, a leaf library. Bytes are pushed in chunks of
 * any size; every decoded leaf goes to a spool and out through the caller's sink
 * (struct mime_sink, in the manner of Postfix's mime_state head_out/body_out) as soon
 * as it ends. The parser knows nothing of the analysis pipeline: it records its own
 * findings (mime.malformed, mime.limit, mime.uuencode, mime.binhex) and parts in the
 * report, and calls out only through the sink. Nesting
 * (multipart/..., message/rfc822, message/global) lives on an explicit stack capped by
 * limits.mime_depth; no recursion on input structure (a base64-encoded attached
 * message is parsed by a new parser over its spool, with the depth left).
 *
 * Report: ROOT is the message part (part 0 for a mail, the archive member for a
 * nested message). A non-multipart message's body is section "1"; the children of a
 * multipart are "1", "2", ...; multipart and message containers are parts too, only
 * leaves are spooled and scanned.
 *
 * One parser per message, one thread at a time.
 */
#ifndef EMBARGO_MIME_H
#define EMBARGO_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "core/report.h"
#include "core/spool.h"
#include "core/status.h"

struct mime;

/* What the parser knows of a leaf that has ended. */
struct mime_leafinfo {
	int part;            /* report part id */
	const char *type;    /* the type acted on, lower case ("text/plain" by default) */
	const char *charset; /* Content-Type charset parameter, lower case; "" when none */
	int cut;             /* limits.decoded_bytes cut its decoded bytes short */
};

/*
 * The caller's side. Every callback gets the sink's ARG first. A status other than
 * EM_OK that is not local (em_status_local) stops the parser (sticky).
 *   leaf_end  a leaf ended, its decoded bytes in SP (owned by the parser, valid for
 *             the call). Set *AS_MESSAGE to have them parsed as a message in place
 *             (an attached message sent under another type); message/rfc822 with a
 *             transfer encoding is parsed so whatever the sink says.
 *   child     a uuencoded or BinHex file found in the text of leaf PARENT (the
 *             parser recorded mime.uuencode or mime.binhex on PARENT); NAME never
 *             NULL.
 *   text      header text the sender wrote (the Subject of a message), decoded from
 *             RFC 2047 to UTF-8; PART is the message's part.
 */
struct mime_sink {
	em_status (*leaf_end)(
	    void *arg, const struct mime_leafinfo *li, struct spool *sp, int *as_message);
	em_status (*child)(void *arg, int parent, const char *name, struct spool *sp);
	void (*text)(void *arg, int part, const char *s, size_t n);
};

/* Everything a parser needs from outside, copied by mime_new. */
struct mime_conf {
	const struct mime_sink *sink;
	void *arg;
	struct report *r;              /* parts and findings go here */
	const struct scan_limits *lim; /* mime_*, header_bytes, line_length,
	                                    decoded_bytes, spool_memory */
	const char *tmpdir;            /* spool files; NULL for $TMPDIR or /tmp */
};

/* A parser for a message whose report part is ROOT, allowed DEPTH more levels of
 * nesting. HEADERS_IN_BODY: the message headers are the first bytes fed; else they
 * come through mime_header(). NULL when out of memory. */
struct mime *
mime_new(const struct mime_conf *mc, int root, unsigned depth, int headers_in_body);
void mime_free(struct mime *p);

/* A top-level header given apart from the stream (milter). */
em_status mime_header(struct mime *p, const char *name, const char *value);
/* Stream bytes. EM_OK, or EM_TEMPFAIL / EM_BUG (sticky). */
em_status mime_feed(struct mime *p, const void *buf, size_t len);
/* End of data: flush, close every open part. */
em_status mime_end(struct mime *p);

/* Feed the whole of SP (a message, headers included), then mime_end. */
em_status mime_feed_spool(struct mime *p, struct spool *sp);

/* Byte range [start, end) in the fed stream of a top-level-body entity (a child of
 * the root multipart, or the body of a non-multipart message). 0, or -1. */
int mime_range(const struct mime *p, int part, uint64_t *start, uint64_t *end);

/* Record the ranges of top-level-body entities (the mail itself). */
void mime_keep_ranges(struct mime *p);

/* Bytes fed so far. */
uint64_t mime_offset(const struct mime *p);

#endif
