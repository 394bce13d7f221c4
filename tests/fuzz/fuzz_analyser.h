/*
 * fuzz_analyser.h: the shared body of the fuzz targets that feed one analyser:
 * a scan_ctx with small budgets (so every input ends quickly), the bytes as part 0
 * of class TC (with "password" as a candidate password from the message text), the
 * analyser, then everything freed. Children go through the whole
 * pipeline. Checks only that nothing crashes, leaks or hangs.
 */
#ifndef EMBARGO_FUZZ_ANALYSER_H
#define EMBARGO_FUZZ_ANALYSER_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "core/analyser.h"

/* Default limits with small budgets, so every input ends quickly. */
static inline void
fuzz_config(struct scan_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	scan_limits_default(&cfg->lim);
	cfg->lim.archive_bytes = 8u << 20;
	cfg->lim.archive_members = 200;
	cfg->lim.archive_depth = 3;
	cfg->lim.scan_seconds = 5;
}

static inline void
fuzz_analyser(const uint8_t *data, size_t size, enum tclass tc,
    em_status (*fn)(struct scan_ctx *, struct scan_input *))
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;

	fuzz_config(&cfg);
	if ((r = report_new()) == NULL)
		return;
	report_part_add(r, -1, "", 1);
	if ((ctx = scan_new(&cfg, r)) != NULL) {
		/* one candidate password, so the password paths run too */
		scan_text(ctx, "Password: password", 18);
		memset(&in, 0, sizeof(in));
		in.data = data;
		in.len = size;
		in.size = size;
		in.tc = tc;
		fn(ctx, &in);
	}
	scan_free(ctx);
	report_free(r);
}

#endif
