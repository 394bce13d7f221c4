/*
 * budget.c: the services every analyser calls besides children (see analyser.h):
 * the message's time and unpacked-bytes budgets, scan.error, and class names.
 * Each budget records its finding once per message.
 */
#include "core/analyser.h"
#include "core/clock.h"

static const char *const tclass_names[TC__COUNT] = {
#define X(e, name, what) [e] = name,
	TCLASSES(X)
#undef X
};

const char *
tclass_name(enum tclass tc)
{
	if ((unsigned)tc >= TC__COUNT)
		return "unknown";
	return tclass_names[tc];
}

void
scan_error(struct scan_ctx *ctx, int part, const char *analyser, const char *why)
{
	report_add(ctx->r, part, "scan.error", "%s: %s", analyser, why ? why : "failed");
}

em_status
scan_budget_time(struct scan_ctx *ctx, int part)
{
	if (mono_now() <= ctx->deadline)
		return EM_OK;
	if (!ctx->time_reported) {
		ctx->time_reported = 1;
		report_add(ctx->r, part, "scan.limit",
		    "analysis time limit of %u s reached", ctx->cfg->lim.scan_seconds);
	}
	return EM_LIMIT;
}

em_status
scan_budget_bytes(struct scan_ctx *ctx, int part, uint64_t n)
{
	if (n <= ctx->bytes_left) {
		ctx->bytes_left -= n;
		return EM_OK;
	}
	ctx->bytes_left = 0;
	if (!ctx->bytes_reported) {
		ctx->bytes_reported = 1;
		report_add(ctx->r, part, "archive.limit",
		    "unpacked bytes limit of %llu reached",
		    (unsigned long long)ctx->cfg->lim.archive_bytes);
	}
	return EM_LIMIT;
}
