/*
 * wproto.h: the protocol between the daemon (or embargo-scan) and a sandboxed scan
 * worker (embargo-worker). Small, versioned, length-prefixed messages over a
 * SOCK_SEQPACKET socketpair; the message bytes travel in a memfd passed with
 * SCM_RIGHTS or in the worker's arena, never through the socket.
 *
 * Frame: "EMBW" (4), version (1), type (1), 2 zero bytes, payload length (u32 LE),
 * payload. Types:
 *   WP_SCAN    daemon -> worker, payload: u64 size of the message in the memfd
 *              (headers and body, as embargo-scan reads a file), the file name when
 *              the bytes are one attachment (embargo-scan --raw) else none, then u16
 *              count and that many passwords to try (PPAP rescans). One fd attached,
 *              or none: a message at the start of its lane's part of the arena
 *              (warena.h).
 *   WP_REPORT  worker -> daemon, payload: u32 status (em_status), then the parts,
 *              the findings, the top-level MIME ranges and the password candidates
 *              the message's text offers (PPAP; see wproto.c).
 *   WP_PART    worker -> daemon, only when asked through the progress page
 *              (wprogress.h): u64 size of one part's bytes in the attached memfd.
 *
 * Promises: wp_parse_report is a strict parser of hostile bytes (a compromised worker
 * is hostile input): every length is checked against what is left, every string is
 * bounded and free of NUL, counts are capped, parents precede children, finding
 * names must be in the vocabulary and severities in range, part references valid,
 * trailing bytes refused. Anything else is -1, and the caller ends the message with
 * scan.crashed.
 * Limits: WP_MAX_FRAME bytes per frame; a report past it is sent as its status only.
 */
#ifndef EMBARGO_WPROTO_H
#define EMBARGO_WPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/report.h"
#include "core/strbuf.h"

#define WP_VERSION    4 /* 3: a WP_SCAN without descriptor reads the arena; 4: lanes */
#define WP_HDR        12
#define WP_MAX_FRAME  (16u << 20) /* bytes of one frame, header included */
#define WP_MAX_PATH   8192        /* bytes of a part path */
#define WP_MAX_RANGES 4096        /* top-level MIME entities kept for strip */
#define WP_MAX_PW     16          /* passwords in a request or a report */
#define WP_MAX_PWLEN  256         /* bytes of one password */

enum wp_type { WP_SCAN = 1, WP_REPORT = 2, WP_PART = 3 };

/* Lanes: a worker holds up to WP_LANES requests at a time, each on a socket of its
 * own (lane 0 on descriptor 3, lane K on WP_LANE_FD(K)) with its own part of the
 * arena (warena.h: the arena in WP_LANES equal parts, lane K's the Kth), and scans
 * them one at a time, taking ready lanes in turn: it never waits for the daemon
 * between two messages, and no milter thread waits for a free worker while a lane
 * is free. A worker given fewer sockets has that many lanes. */
#define WP_LANES      4
#define WP_LANE_FD(k) ((k) == 0 ? 3 : 5 + (k))

struct wp_range {
	int part;
	uint64_t start, end;
};

/* The result of a scan as the daemon keeps it: the report, the strip ranges and
 * the worker's status. */
struct wp_result {
	struct report *r;
	struct wp_range *ranges;
	size_t nranges;
	int status;          /* em_status the worker's msgscan_end returned */
	int crash_part;      /* when the worker died: the part it was on, -1 unknown */
	char *pw[WP_MAX_PW]; /* password candidates found in the message's text */
	size_t npw;
};

void wp_result_free(struct wp_result *res);

/* Write a frame header for TYPE with LEN payload bytes into HDR. */
void wp_header(unsigned char hdr[WP_HDR], enum wp_type type, uint32_t len);
/* Check a frame header; returns the payload length, or -1 when not a frame of TYPE. */
long wp_check_header(const unsigned char *hdr, size_t n, enum wp_type type);

/* Serialise a report (the payload of WP_REPORT) to OUT. RANGE(part) gives the
 * strip range of a top-level part through ARG, 0 when known. */
typedef int (*wp_range_fn)(void *arg, int part, uint64_t *start, uint64_t *end);
void wp_put_report(
    struct strbuf *out, int status, const struct report *r, wp_range_fn range, void *arg);
/* Append the password candidates (the end of a WP_REPORT payload). */
void wp_put_passwords(struct strbuf *out, const char *const *pw, size_t npw);

/* A scan request: SIZE bytes of the descriptor; RAW the file name when they are one
 * attachment (NULL: a message); PW (NPW) passwords to try. */
struct wp_request {
	uint64_t size;
	const char *raw;
	const char *const *pw;
	size_t npw;
};
void wp_put_scan(struct strbuf *out, const struct wp_request *rq);
/* Parse a WP_SCAN payload: 0 with *SIZE, *RAW (malloc'd, or NULL) and PW (NPW
 * malloc'd strings, freed with wp_pw_free), or -1 with nothing to free. */
int wp_parse_scan(const unsigned char *p, size_t n, uint64_t *size, char **raw,
    char *pw[WP_MAX_PW], size_t *npw);
void wp_pw_free(char **pw, size_t npw);

/* Parse a WP_REPORT payload into RES (zeroed first). Returns 0, or -1 on any
 * deviation (RES is then empty). */
int wp_parse_report(const unsigned char *p, size_t n, struct wp_result *res);

/* The strip range of PART from a parsed result: 0 and the range, or -1. */
int wp_part_range(const struct wp_result *res, int part, uint64_t *start, uint64_t *end);

#endif
