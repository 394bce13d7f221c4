/*
 * report.h: the findings report of one message: a tree of parts and a list of
 * findings. Scanners write to it; policy, logs, headers, the quarantine index and
 * `embargo-scan` read it.
 *
 * Part 0 is the message itself (or, for `embargo-scan --raw`, the file). A part's
 * path names the whole way in: MIME section numbers ("2", "2.1"), then ":filename"
 * when the part has one, then "/member" for each step into an archive or document:
 *   2:invoice.zip/report.xlsm/xl/macrosheets/sheet1.xml
 * Paths, filenames and details are attacker-controlled bytes: they are stored as
 * given (bounded) and escaped by whoever prints them.
 *
 * Not thread-safe: one report per message, used by one thread at a time.
 */
#ifndef EMBARGO_REPORT_H
#define EMBARGO_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/status.h"
#include "core/strbuf.h"
#include "core/vocab.h"

#define REPORT_MAX_FINDINGS 2000   /* past this one scan.limit is recorded */
#define REPORT_MAX_PARTS    200000 /* hard ceiling; budgets stop far earlier */
#define REPORT_MAX_TEXT     1024   /* bytes kept of a filename, type or detail */

struct report_part {
	int id;
	int parent;     /* -1 for part 0 */
	unsigned depth; /* 0 for the message; +1 per MIME or archive step */
	char *path;
	char *filename;      /* NULL when none */
	char *declared_type; /* Content-Type as declared, lower case; NULL when none */
	char *detected_type; /* MIME type from content (libmagic); NULL until known */
	char *type_class; /* stable class ("executable", "pdf", ...); NULL until known */
	uint64_t size;    /* decoded size in bytes */
	char sha256[65];  /* hex, "" until computed */
};

struct finding {
	char *name;
	enum severity sev;
	int part;
	char *detail;
};

struct report;

struct report *report_new(void);
void report_free(struct report *r);

/*
 * Add a child of PARENT (-1 only for the first part). LABEL is the last path step:
 * a MIME section number ("2.1") or an archive member name. Returns the new part id,
 * or -1 when out of memory (also kept as the sticky error) or past REPORT_MAX_PARTS.
 * Path rule: a MIME section label joins its parent's section with "." when the parent
 * is itself a section; a member label joins with "/".
 */
int report_part_add(struct report *r, int parent, const char *label, int is_section);

/* A part as a scan worker reported it (milter/worker/wproto.c): PATH and FILENAME
 * stored as given (FILENAME may be NULL), not joined again. Returns the id or -1. */
int
report_part_restore(struct report *r, int parent, const char *path, const char *filename);

/* Setters copy their argument (bounded to REPORT_MAX_TEXT); NULL clears. A filename
 * set on a MIME section is appended to its path as ":filename". A copy that fails for
 * memory is kept as the sticky error. */
void report_part_filename(struct report *r, int id, const char *name);
void report_part_declared(struct report *r, int id, const char *type);
void report_part_detected(struct report *r, int id, const char *mime, const char *tclass);
void report_part_size(struct report *r, int id, uint64_t size);
void report_part_sha256(struct report *r, int id, const char *hex);

const struct report_part *report_part(const struct report *r, int id);
int report_nparts(const struct report *r);

/*
 * Record finding NAME (must be in the vocabulary: see vocab.c) on part PART, with
 * its default severity, and a printf-style detail (may be NULL). A finding that cannot
 * be recorded (a name not in the vocabulary, out of memory) is kept on the handle as
 * a sticky error (report_status), never lost silently.
 */
void report_add(struct report *r, int part, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with an explicit severity (for yara.* findings). */
void report_add_sev(struct report *r, int part, const char *name, enum severity sev,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The first failure to record a finding, a part or a part's attribute: EM_OK,
 * EM_TEMPFAIL (out of memory) or EM_BUG (a name outside the vocabulary). Whoever ends
 * the message (msgscan_end, scan_raw_file) turns it into its status, so a report
 * that lost something never decides a verdict. */
em_status report_status(const struct report *r);

int report_nfindings(const struct report *r);
const struct finding *report_finding(const struct report *r, int i);
/* True when some finding on PART or below has this exact name. */
int report_has(const struct report *r, int part, const char *name);
/* Highest severity of all findings, or -1 when there are none. */
int report_max_sev(const struct report *r);

/* JSON: "parts":[...] and "findings":[...] members (without braces), appended. */
void report_json(const struct report *r, struct strbuf *out);
/* Human: the part tree, each finding under its part. */
void report_print(const struct report *r, FILE *fp);
/* Short one-line summary for logs and headers: "name@path,name@path" (escaped, capped
 * at MAX bytes), or "none". */
void report_summary(const struct report *r, struct strbuf *out, size_t max);

#endif
