/* PLACEHOLDER until archive.c/passwords.c land; delete this file when they do. */
#include "analysers.h"
em_status archive_scan(struct scan_ctx *ctx, struct scan_input *in) { scan_error(ctx, in->part, "archive", "not built yet"); return EM_OK; }
em_status archive_finish(struct scan_ctx *ctx) { (void)ctx; return EM_OK; }
void archive_deferred_free(struct deferred *d) { (void)d; }
void passwords_harvest(struct scan_ctx *ctx, const char *t, size_t n) { (void)ctx; (void)t; (void)n; }
void passwords_free(struct pwlist *pw) { (void)pw; }
