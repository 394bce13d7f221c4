/* PLACEHOLDER until ole.c lands; delete this file when it does. */
#include "analysers.h"
em_status ole_scan(struct scan_ctx *ctx, struct scan_input *in) { scan_error(ctx, in->part, "ole", "not built yet"); return EM_OK; }
