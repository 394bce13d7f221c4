/*
 * fuzz_fatimg.c: fatimg_scan() on arbitrary bytes as a disk image, with small budgets
 * so every input ends quickly. Files found go through the whole pipeline as children.
 * Checks only that nothing crashes, leaks or hangs. Seeds: tests/fuzz/seeds/fatimg,
 * written by tests/data/fat/mkfat.py --seeds.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "core/analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_bytes = 8u << 20;
	cfg.lim.archive_members = 200;
	cfg.lim.archive_depth = 3;
	cfg.lim.scan_seconds = 5;
	if ((r = report_new()) == NULL)
		return 0;
	report_part_add(r, -1, "", 1);
	ctx = scan_new(&cfg, r);
	sp = spool_new(cfg.lim.spool_memory, NULL);
	if (ctx != NULL && sp != NULL && spool_write(sp, data, size) == EM_OK) {
		memset(&in, 0, sizeof(in));
		in.sp = sp;
		in.size = size;
		in.tc = TC_DISK_IMAGE;
		in.name = "fuzz.img";
		fatimg_scan(ctx, &in);
	}
	spool_free(sp);
	scan_free(ctx);
	report_free(r);
	return 0;
}
