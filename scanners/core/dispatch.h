/*
 * dispatch.h: what the pipeline (scan.c, defer.c) asks of the analyser table
 * (dispatch.c, analysers.def). Not for analysers: they see core/analyser.h.
 */
#ifndef EMBARGO_DISPATCH_H
#define EMBARGO_DISPATCH_H

#include "core/analyser.h"

/* The part's class rows, in table order (see analysers.def for the flags). Returns
 * the status of the row that took the part, EM_OK when no row did. */
em_status dispatch_class(struct scan_ctx *ctx, struct scan_input *in);
/* The MEMBER rows of the part's container class. */
em_status dispatch_member(struct scan_ctx *ctx, struct scan_input *in);
/* True when TC's rows are flagged AN_DOC: children record it as their container. */
int dispatch_is_doc(enum tclass tc);
/* TC's RETRY row, or NULL. */
analyser_retry_fn *dispatch_retry(enum tclass tc);

#endif
