/*
 * limits.h: every bound Embargo puts on hostile input, in one place.
 *
 * Each limit has a compiled-in CEILING (config may lower it, never raise it past the
 * ceiling) and a DEFAULT. Crossing a limit at run time records a finding (named
 * beside each field) and stops the affected subtree; the message is never treated as
 * clean after a limit was crossed.
 */
#ifndef EMBARGO_LIMITS_H
#define EMBARGO_LIMITS_H

#include <stdint.h>
#include <stddef.h>

struct scan_limits {
	/* MIME (finding mime.limit) */
	unsigned mime_depth;      /* nesting of multiparts and message/rfc822 */
	unsigned mime_parts;      /* parts in one message */
	size_t header_bytes;      /* bytes in one part's header block */
	size_t line_length;       /* one physical line; longer lines are cut and counted */
	uint64_t decoded_bytes;   /* all decoded bytes of one message */
	/* spooling: in memory up to this, then an unlinked temp file */
	size_t spool_memory;
	/* analysis (finding scan.limit): bytes of one part given to content analysers */
	size_t scan_window;
	unsigned scan_parallel;   /* large parts analysed at once in the daemon (gate.h) */
	/* archives (archive.limit / archive.bomb) */
	unsigned archive_depth;   /* archives inside archives, documents, messages */
	unsigned archive_members; /* members in the whole message */
	uint64_t archive_bytes;   /* unpacked bytes in the whole message */
	unsigned archive_ratio;   /* per-member unpacked/packed ratio */
	unsigned passwords;       /* candidate passwords tried per archive or document */
	/* time (scan.limit): wall-clock seconds of analysis per message */
	unsigned scan_seconds;
	/* YARA (yara.limit) */
	unsigned yara_timeout;    /* seconds per scanned part */
	unsigned yara_seconds;    /* seconds of YARA per message, all parts together */
};

/*             name              default                  ceiling */
#define EM_LIMIT_MIME_DEPTH      20u
#define EM_CEIL_MIME_DEPTH       100u
#define EM_LIMIT_MIME_PARTS      1000u
#define EM_CEIL_MIME_PARTS       100000u
#define EM_LIMIT_HEADER_BYTES    (256u * 1024)
#define EM_CEIL_HEADER_BYTES     (16u * 1024 * 1024)
#define EM_LIMIT_LINE_LENGTH     (64u * 1024)
#define EM_CEIL_LINE_LENGTH      (16u * 1024 * 1024)
#define EM_LIMIT_DECODED_BYTES   (512ull * 1024 * 1024)
#define EM_CEIL_DECODED_BYTES    (16ull * 1024 * 1024 * 1024)
#define EM_LIMIT_SPOOL_MEMORY    (256u * 1024)
#define EM_CEIL_SPOOL_MEMORY     (256u * 1024 * 1024)
#define EM_LIMIT_SCAN_WINDOW     (32u * 1024 * 1024)
#define EM_CEIL_SCAN_WINDOW      (1024u * 1024 * 1024)
#define EM_LIMIT_SCAN_PARALLEL   4u
#define EM_CEIL_SCAN_PARALLEL    256u
#define EM_LIMIT_ARCHIVE_DEPTH   8u
#define EM_CEIL_ARCHIVE_DEPTH    64u
#define EM_LIMIT_ARCHIVE_MEMBERS 10000u
#define EM_CEIL_ARCHIVE_MEMBERS  1000000u
#define EM_LIMIT_ARCHIVE_BYTES   (1024ull * 1024 * 1024)
#define EM_CEIL_ARCHIVE_BYTES    (64ull * 1024 * 1024 * 1024)
#define EM_LIMIT_ARCHIVE_RATIO   200u
#define EM_CEIL_ARCHIVE_RATIO    100000u
#define EM_LIMIT_PASSWORDS       32u
#define EM_CEIL_PASSWORDS        1000u
#define EM_LIMIT_SCAN_SECONDS    60u
#define EM_CEIL_SCAN_SECONDS     3600u
#define EM_LIMIT_YARA_TIMEOUT    10u
#define EM_CEIL_YARA_TIMEOUT     600u
#define EM_LIMIT_YARA_SECONDS    30u
#define EM_CEIL_YARA_SECONDS     3600u

/* Fill *l with the defaults above. */
void scan_limits_default(struct scan_limits *l);

#endif
