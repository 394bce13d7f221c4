/*
 * limits.h: every configurable bound Embargo puts on hostile input, in one list.
 *
 * Each limit has a compiled-in CEILING (config may lower it, never raise it past the
 * ceiling) and a DEFAULT. Crossing a limit at run time records a finding (named in
 * each line's meaning) and stops the affected subtree; the message is never treated
 * as clean after a limit was crossed.
 *
 * LIMITS(X) is the one list: X(name, type, min, default, default as config text,
 * ceiling, meaning). TYPE is UINT (unsigned), SIZE (size_t, "32M" accepted) or U64
 * (uint64_t). It generates struct scan_limits, scan_limits_default(),
 * scan_limits_ceiling and the [limits] rows of the daemon's key table (config.c).
 * A new limit is one line here, plus conf/embargo.conf and doc/embargo.conf.5.
 * Local caps that are not configurable stay commented #defines in their files.
 */
#ifndef EMBARGO_LIMITS_H
#define EMBARGO_LIMITS_H

#include <stdint.h>
#include <stddef.h>

#define KiB *1024ull
#define MiB *1024ull * 1024
#define GiB *1024ull * 1024 * 1024

#define LIMITS(X) \
	X(mime_depth, UINT, 1, 20, "20", 100, \
	    "nesting of multiparts and message/rfc822 (mime.limit)") \
	X(mime_parts, UINT, 1, 1000, "1000", 100000, \
	    "parts in one message (mime.limit)") \
	X(header_bytes, SIZE, 1024, 256 KiB, "256K", 16 MiB, \
	    "bytes in one part's header block (mime.limit)") \
	X(line_length, SIZE, 1000, 64 KiB, "64K", 16 MiB, \
	    "one physical line; longer lines are cut and counted (mime.limit)") \
	X(decoded_bytes, U64, 1024, 512 MiB, "512M", 16 GiB, \
	    "all decoded bytes of one message (mime.limit)") \
	X(spool_memory, SIZE, 0, 256 KiB, "256K", 256 MiB, \
	    "a part is spooled in memory up to this, then to an unlinked temp file") \
	X(scan_window, SIZE, 4096, 32 MiB, "32M", 1 GiB, \
	    "bytes of one part given to content analysers (scan.limit)") \
	X(scan_parallel, UINT, 1, 4, "4", 256, \
	    "large parts analysed at once in the daemon (gate.h)") \
	X(archive_depth, UINT, 0, 8, "8", 64, \
	    "archives inside archives, documents, messages (archive.limit)") \
	X(archive_members, UINT, 1, 10000, "10000", 1000000, \
	    "members in the whole message (archive.limit)") \
	X(archive_bytes, U64, 1024, 1 GiB, "1G", 64 GiB, \
	    "unpacked bytes in the whole message (archive.bomb)") \
	X(archive_ratio, UINT, 2, 200, "200", 100000, \
	    "per-member unpacked/packed ratio (archive.bomb)") \
	X(passwords, UINT, 0, 32, "32", 1000, \
	    "candidate passwords tried per archive or document") \
	X(scan_seconds, UINT, 1, 60, "60", 3600, \
	    "wall-clock seconds of analysis per message (scan.limit)") \
	X(yara_timeout, UINT, 1, 10, "10", 600, "seconds of YARA per part (yara.limit)") \
	X(yara_seconds, UINT, 1, 30, "30", 3600, \
	    "seconds of YARA per message, all parts together (yara.limit)")

#define LIMIT_CTYPE_UINT unsigned
#define LIMIT_CTYPE_SIZE size_t
#define LIMIT_CTYPE_U64  uint64_t

struct scan_limits {
#define LIMIT_FIELD(name, type, min, def, text, ceil, what) LIMIT_CTYPE_##type name;
	LIMITS(LIMIT_FIELD)
#undef LIMIT_FIELD
};

/* The compiled-in ceilings, field by field. */
extern const struct scan_limits scan_limits_ceiling;

/* Fill *l with the defaults. */
void scan_limits_default(struct scan_limits *l);

#endif
