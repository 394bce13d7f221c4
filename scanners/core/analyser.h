/*
 * analyser.h: what an analyser may call, and the analyser table.
 *
 * An analyser takes the part being analysed (type already detected) and records
 * findings in ctx->r, adding children with scan_child()/scan_child_mem(). It returns
 * EM_OK when done (malformed input is a finding, not an error status), EM_LIMIT when
 * a budget stopped it (finding recorded), EM_TEMPFAIL on resource failure; a probe
 * row (AN_PROBE) returns EM_END for "not this format".
 *
 * This header is the one narrow way from an analyser back into the pipeline:
 * children, budgets, errors, late passwords. The pipeline itself (scan_part,
 * scan_finish) is core/scan.h's, and only core/message.c and core/rawfile.c drive it.
 * Which analyser runs on which class is core/analysers.def, the only list there is.
 */
#ifndef EMBARGO_ANALYSER_H
#define EMBARGO_ANALYSER_H

#include "core/scan.h"

/* Flags of a table row (analysers.def says what each means). */
enum {
	AN_PROBE = 1,
	AN_DOC = 2,
	AN_HARVEST = 4,
	AN_NESTED_ONLY = 8,
};

typedef em_status analyser_fn(struct scan_ctx *ctx, struct scan_input *in);
typedef em_status
analyser_retry_fn(struct scan_ctx *ctx, struct scan_input *in, unsigned tried);

struct analyser {
	enum tclass tc;
	analyser_fn *scan;
	const char *name; /* the scan function's name, for fuzzing and logs */
	unsigned flags;
};

/* Every analyser, one prototype per function named in the table. */
#define ANALYSER(tc, fn, flags) analyser_fn fn;
#define RETRY(tc, fn)           analyser_retry_fn fn;
#define MEMBER(tc, fn)          analyser_fn fn;
#include "core/analysers.def"
#undef ANALYSER
#undef RETRY
#undef MEMBER

/* The table (dispatch.c): N rows in order. */
const struct analyser *analyser_table(size_t *n);
/* The row whose scan function is called NAME, or NULL. */
const struct analyser *analyser_find(const char *name);

/*
 * A child found inside PARENT (archive member, embedded object, VBA source): adds
 * the report part (label NAME) and analyses it. Counts against the member and depth
 * budget; SP stays owned by the caller. *child_part receives the new part id (may
 * be NULL). EM_LIMIT when the budget is spent (finding recorded).
 */
em_status scan_child(struct scan_ctx *ctx, const struct scan_input *parent,
    const char *name, struct spool *sp, int *child_part);
/* The same for bytes already in memory (copied into a spool). */
em_status scan_child_mem(struct scan_ctx *ctx, const struct scan_input *parent,
    const char *name, const void *data, size_t len, int *child_part);

/* Budget checks (budget.c): each records its finding once per message and returns
 * EM_LIMIT when the budget is spent. */
em_status scan_budget_bytes(struct scan_ctx *ctx, int part, uint64_t n);
em_status scan_budget_time(struct scan_ctx *ctx, int part);

/* Record scan.error on PART for an analyser that failed (budget.c). */
void scan_error(struct scan_ctx *ctx, int part, const char *analyser, const char *why);

/* defer.c: keep a copy of part IN, locked by a password, to be tried again at end
 * of message with its class's RETRY row when more candidates than TRIED were found
 * (bounded in count and bytes). */
void defer_part(struct scan_ctx *ctx, const struct scan_input *in, unsigned tried);

/* passwords.c: harvest candidate passwords from sender text in CHARSET (NULL: as
 * declared inside the text, else UTF-8), converted to UTF-8 first (charset.c). */
void passwords_harvest(
    struct scan_ctx *ctx, const char *text, size_t len, const char *charset);

/* Analysers that run on every part, outside the table (scan.c calls them in this
 * order around the class's rows): type detection (sets in->tc and in->mime, records
 * type.* and type.mismatch), name checks, and YARA last. */
em_status filetype_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status names_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status yara_scan(struct scan_ctx *ctx, struct scan_input *in);

#endif
