/*
 * message.h: one whole message through the pipeline: MIME parsing (mime.c) feeding
 * every decoded leaf to scan_part() as it ends, so analysis runs while the rest of
 * the message still arrives. Used identically by the milter and by embargo-scan.
 *
 * Life: msgscan_new; then either msgscan_header... (headers from the milter header
 * callbacks) or nothing (headers_in_body: the headers are the first bytes fed);
 * msgscan_body... in chunks of any size; msgscan_end; read msgscan_report; free.
 * One thread at a time.
 */
#ifndef EMBARGO_MESSAGE_H
#define EMBARGO_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/report.h"
#include "core/scan.h"

struct msgscan;

/* NULL when out of memory. */
struct msgscan *msgscan_new(const struct scan_config *cfg, int headers_in_body);
void msgscan_free(struct msgscan *m);

/* One top-level header (unfolded or folded value as the MTA gives it). */
em_status msgscan_header(struct msgscan *m, const char *name, const char *value);
/* Body bytes (after the blank line), any chunking. With headers_in_body, the whole
 * message. */
em_status msgscan_body(struct msgscan *m, const void *buf, size_t len);
/* End of message: flush the parser, run end-of-message analysis. */
em_status msgscan_end(struct msgscan *m);

/*
 * Candidate passwords. msgscan_add_passwords seeds N candidates (each at most
 * PW_MAXLEN bytes; longer, empty or duplicate ones are skipped) before the first
 * body byte, so every locked archive or document of the message is tried with them
 * first (a password that came in a later mail, ppap.c); the count stays bounded by
 * lim.passwords. Returns the number added. msgscan_password: the I-th candidate the
 * scan holds (seeded and harvested from the text, attacker text: at most
 * lim.passwords of at most PW_MAXLEN bytes), NULL past the end.
 */
size_t msgscan_add_passwords(struct msgscan *m, const char *const *pw, size_t n);
const char *msgscan_password(const struct msgscan *m, unsigned i);

/* A whole stored message (headers first) from FD, read from its start, with the
 * candidates PW seeded (N may be 0); ended. NULL on a read error, out of memory or
 * a status that is not local (the caller cannot decide on it). */
struct msgscan *
msgscan_fd(const struct scan_config *cfg, int fd, const char *const *pw, size_t npw);

/* The report (owned by m; valid until msgscan_free). */
struct report *msgscan_report(struct msgscan *m);

/*
 * Where each top-level MIME entity lies in the body, for the strip action: the byte
 * range [start, end) of the entity (its headers and body, without the CRLF that
 * precedes the next boundary) in the body stream as fed. Returns 0 and fills the
 * range, or -1 when PART is not a top-level-body entity with a known range.
 */
int msgscan_part_range(const struct msgscan *m, int part, uint64_t *start, uint64_t *end);

/* --raw: analyse one file (not a message) as part 0 named NAME. */
em_status
scan_raw_file(const struct scan_config *cfg, const char *name, int fd, struct report *r);

#endif
