/* PLACEHOLDER until mime.c/message.c land: owned by the MIME work; delete this file
 * when they do. Not a scanner: it records scan.error so nothing passes as clean. */
#include <stdlib.h>
#include "analysers.h"
#include "message.h"

struct msgscan { struct report *r; struct scan_ctx *ctx; int got; };

em_status
mime_scan_nested(struct scan_ctx *ctx, struct scan_input *in)
{
	scan_error(ctx, in->part, "mime", "nested messages not analysed yet");
	return EM_OK;
}

struct msgscan *
msgscan_new(const struct scan_config *cfg, int headers_in_body)
{
	struct msgscan *m = calloc(1, sizeof(*m));

	(void)headers_in_body;
	if (m == NULL)
		return NULL;
	m->r = report_new();
	m->ctx = m->r ? scan_new(cfg, m->r) : NULL;
	if (m->ctx == NULL || report_part_add(m->r, -1, "", 1) < 0) {
		msgscan_free(m);
		return NULL;
	}
	return m;
}

void
msgscan_free(struct msgscan *m)
{
	if (m == NULL)
		return;
	scan_free(m->ctx);
	report_free(m->r);
	free(m);
}

em_status msgscan_header(struct msgscan *m, const char *n, const char *v) { (void)m; (void)n; (void)v; return EM_OK; }
em_status msgscan_body(struct msgscan *m, const void *b, size_t l) { (void)b; report_part_size(m->r, 0, report_part(m->r, 0)->size + l); return EM_OK; }
em_status msgscan_end(struct msgscan *m) { scan_error(m->ctx, 0, "mime", "MIME parser not built yet"); return EM_OK; }
struct report *msgscan_report(struct msgscan *m) { return m->r; }
int msgscan_part_range(const struct msgscan *m, int p, uint64_t *s, uint64_t *e) { (void)m; (void)p; (void)s; (void)e; return -1; }
