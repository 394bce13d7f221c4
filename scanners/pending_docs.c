/* PLACEHOLDER until ooxml.c rtf.c pdf.c onenote.c lnk.c html.c land; delete this
 * file when they do. */
#include "analysers.h"
em_status ooxml_member_scan(struct scan_ctx *ctx, struct scan_input *in) { (void)ctx; (void)in; return EM_OK; }
em_status pdf_scan(struct scan_ctx *ctx, struct scan_input *in) { scan_error(ctx, in->part, "pdf", "not built yet"); return EM_OK; }
em_status onenote_scan(struct scan_ctx *ctx, struct scan_input *in) { scan_error(ctx, in->part, "onenote", "not built yet"); return EM_OK; }
em_status lnk_scan(struct scan_ctx *ctx, struct scan_input *in) { scan_error(ctx, in->part, "lnk", "not built yet"); return EM_OK; }
