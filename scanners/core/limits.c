/*
 * limits.c: defaults for the bounds in limits.h.
 */
#include "core/limits.h"

void
scan_limits_default(struct scan_limits *l)
{
	l->mime_depth = EM_LIMIT_MIME_DEPTH;
	l->mime_parts = EM_LIMIT_MIME_PARTS;
	l->header_bytes = EM_LIMIT_HEADER_BYTES;
	l->line_length = EM_LIMIT_LINE_LENGTH;
	l->decoded_bytes = EM_LIMIT_DECODED_BYTES;
	l->spool_memory = EM_LIMIT_SPOOL_MEMORY;
	l->scan_window = EM_LIMIT_SCAN_WINDOW;
	l->scan_parallel = EM_LIMIT_SCAN_PARALLEL;
	l->archive_depth = EM_LIMIT_ARCHIVE_DEPTH;
	l->archive_members = EM_LIMIT_ARCHIVE_MEMBERS;
	l->archive_bytes = EM_LIMIT_ARCHIVE_BYTES;
	l->archive_ratio = EM_LIMIT_ARCHIVE_RATIO;
	l->passwords = EM_LIMIT_PASSWORDS;
	l->scan_seconds = EM_LIMIT_SCAN_SECONDS;
	l->yara_timeout = EM_LIMIT_YARA_TIMEOUT;
	l->yara_seconds = EM_LIMIT_YARA_SECONDS;
}
