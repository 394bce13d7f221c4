/*
 * fuzz_cfb.c: ole_scan() (the compound file reader, VBA, XLM, Word, PowerPoint and
 * Packager paths) on arbitrary bytes, with small budgets so every input ends
 * quickly. Children run through the whole pipeline. Checks only that nothing
 * crashes, leaks or hangs.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "analysers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_bytes = 8u << 20;
	cfg.lim.archive_members = 200;
	cfg.lim.archive_depth = 3;
	cfg.lim.scan_seconds = 5;
	if ((r = report_new()) == NULL)
		return 0;
	report_part_add(r, -1, "", 1);
	if ((ctx = scan_new(&cfg, r)) != NULL) {
		memset(&in, 0, sizeof(in));
		in.data = data;
		in.len = size;
		in.size = size;
		in.tc = TC_OLE2;
		ole_scan(ctx, &in);
	}
	scan_free(ctx);
	report_free(r);
	return 0;
}
