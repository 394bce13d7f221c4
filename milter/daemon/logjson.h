/*
 * logjson.h: the per-message summary line as one JSON object (log_format = "json").
 *
 * Promises: the object is always valid JSON whatever the input: every string goes
 * through logjson_str (quotes, backslash and control characters escaped, bytes that
 * are not UTF-8 as \ufffd, U+2028/U+2029 escaped), each string is cut at
 * LOGJSON_STR_MAX input bytes (marked "..."), and the recipient and finding arrays
 * stop when the line would pass LOGJSON_LINE_BUDGET bytes (to_omitted and
 * findings_omitted say how many were left out), so one line fits syslog's 8 KiB.
 * No state; any thread.
 */
#ifndef EMBARGO_LOGJSON_H
#define EMBARGO_LOGJSON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/report.h"
#include "core/strbuf.h"

#define LOGJSON_STR_MAX     128  /* input bytes of one string value */
#define LOGJSON_LINE_BUDGET 6000 /* no array element starts past this length */

/* Append S (at most MAX input bytes) as a JSON string, or null when S is NULL. */
void logjson_str(struct strbuf *sb, const char *s, size_t max);

/* What the line says; NULL strings are written as null (or left out: would,
 * decided). */
struct logjson_in {
	const char *qid, *client_addr, *client_name, *auth, *msgid, *from;
	const char *const *to;
	size_t nto, to_dropped; /* recipients given, and dropped when received */
	uint64_t size;
	const struct report *r;
	const char *rule, *action, *would, *decided, *quarantine_id;
	double elapsed;      /* seconds */
	struct timespec now; /* wall clock of the verdict */
};

/* Append the object (one line, no newline) to OUT. */
void logjson_summary(const struct logjson_in *in, struct strbuf *out);

#endif
