/*
 * fuzz_xlm.c: xlm_scan() (BIFF records, formula tokens, sheet and defined names)
 * on arbitrary bytes as a Workbook stream. Checks only that nothing crashes, leaks
 * or hangs.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "office/xlm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.scan_seconds = 5;
	if ((r = report_new()) == NULL)
		return 0;
	report_part_add(r, -1, "", 1);
	if ((ctx = scan_new(&cfg, r)) != NULL)
		xlm_scan(ctx, 0, data, size, 0, NULL, NULL);
	scan_free(ctx);
	report_free(r);
	return 0;
}
