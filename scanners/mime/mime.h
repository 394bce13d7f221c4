/*
 * mime.h: the streaming MIME parser. Bytes are pushed in chunks of any size; every
 * decoded leaf goes to a spool and to scan_part() as soon as it ends. Nesting
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

#include "core/scan.h"

struct mime;

/* A parser for a message whose report part is ROOT, allowed DEPTH more levels of
 * nesting. HEADERS_IN_BODY: the message headers are the first bytes fed; else they
 * come through mime_header(). NULL when out of memory. */
struct mime *mime_new(struct scan_ctx *ctx, int root, unsigned depth, int headers_in_body);
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
