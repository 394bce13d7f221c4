/*
 * scan.c: the per-part pipeline and the message budget (see scan.h).
 *
 * Order for every part: size and SHA-256 into the report, type detection, name
 * checks, the MEMBER rows of its container's class, the ANALYSER rows of its own
 * class (analysers.def, dispatch.c; they may recurse through scan_child), then YARA.
 * A part that could not be analysed gets scan.error or a limit finding: nothing is
 * skipped silently.
 */
#include <stdlib.h>
#include <string.h>

#include "core/analyser.h"
#include "core/clock.h"
#include "core/dispatch.h"
#include "core/gate.h"
#include "core/progress.h"

struct scan_ctx *
scan_new(const struct scan_config *cfg, struct report *r)
{
	struct scan_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	ctx->cfg = cfg;
	ctx->r = r;
	ctx->members_left = cfg->lim.archive_members;
	ctx->bytes_left = cfg->lim.archive_bytes;
	ctx->deadline = mono_now() + cfg->lim.scan_seconds;
	ctx->oom_at_start = em_oom_count();
	return ctx;
}

void
scan_free(struct scan_ctx *ctx)
{
	if (ctx == NULL)
		return;
	passwords_free(ctx->pw);
	yara_msg_free(ctx->yara);
	defer_free(ctx->deferred);
	free(ctx);
}

/* An archive or disk image inside another: benign on its own, but the classic way to
 * get past gateways that open one level, so it is recorded (low) for the policy. */
static void
note_nesting(struct scan_ctx *ctx, const struct scan_input *in)
{
	const struct report_part *p = report_part(ctx->r, in->part), *up;

	if (in->tc != TC_ARCHIVE && in->tc != TC_DISK_IMAGE)
		return;
	for (up = p ? report_part(ctx->r, p->parent) : NULL; up != NULL;
	     up = report_part(ctx->r, up->parent)) {
		if (up->type_class != NULL &&
		    (strcmp(up->type_class, "archive") == 0 ||
			strcmp(up->type_class, "disk_image") == 0)) {
			report_add(ctx->r, in->part, "archive.nested", "%s inside %s",
			    tclass_name(in->tc), up->type_class);
			return;
		}
	}
}

/* Run the whole pipeline on one prepared input. */
static em_status
analyse(struct scan_ctx *ctx, struct scan_input *in)
{
	char hex[65];
	em_status st;

	report_part_size(ctx->r, in->part, in->size);
	spool_sha256(in->sp, hex);
	report_part_sha256(ctx->r, in->part, hex);
	if (spool_map(in->sp, ctx->cfg->lim.scan_window, &in->data, &in->len) != EM_OK)
		return EM_TEMPFAIL;
	if (in->size > in->len)
		report_add(ctx->r, in->part, "scan.limit",
		    "only the first %zu of %llu bytes were given to content analysers",
		    in->len, (unsigned long long)in->size);
	scan_progress(in);
	if (scan_budget_time(ctx, in->part) != EM_OK)
		return EM_OK;
	if ((st = filetype_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	if ((st = names_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	note_nesting(ctx, in);
	if ((st = dispatch_member(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	if ((st = dispatch_class(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	if ((st = yara_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	return EM_OK;
}

em_status
scan_part(struct scan_ctx *ctx, int part, struct spool *sp, const char *charset)
{
	const struct report_part *p = report_part(ctx->r, part);
	struct scan_input in;
	em_status st;
	int gated;

	if (p == NULL)
		return EM_BUG;
	memset(&in, 0, sizeof(in));
	in.part = part;
	in.name = p->filename;
	in.declared = p->declared_type;
	in.sp = sp;
	in.size = spool_size(sp);
	in.from_mime = 1;
	in.charset = charset != NULL && *charset ? charset : NULL;
	gated = ctx->cfg->gate != NULL && in.size > ctx->cfg->lim.spool_memory;
	if (gated)
		ctx->deadline +=
		    gate_enter(ctx->cfg->gate); /* waiting is not analysing */
	st = analyse(ctx, &in);
	if (gated)
		gate_leave(ctx->cfg->gate);
	return st;
}

em_status
scan_child(struct scan_ctx *ctx, const struct scan_input *parent, const char *name,
    struct spool *sp, int *child_part)
{
	struct scan_input in;
	em_status st;
	int id;

	if (child_part != NULL)
		*child_part = -1;
	if (ctx->members_left == 0) {
		if (!ctx->members_reported) {
			ctx->members_reported = 1;
			report_add(ctx->r, parent->part, "archive.limit",
			    "member limit of %u reached", ctx->cfg->lim.archive_members);
		}
		return EM_LIMIT;
	}
	if (parent->arch_depth + 1 > ctx->cfg->lim.archive_depth) {
		report_add(ctx->r, parent->part, "archive.limit",
		    "nesting deeper than %u levels not inspected",
		    ctx->cfg->lim.archive_depth);
		return EM_LIMIT;
	}
	ctx->members_left--;
	id = report_part_add(ctx->r, parent->part, name != NULL && *name ? name : "?", 0);
	if (id < 0)
		return EM_TEMPFAIL;
	if (child_part != NULL)
		*child_part = id;
	report_part_filename(ctx->r, id, name);
	memset(&in, 0, sizeof(in));
	in.part = id;
	in.name = report_part(ctx->r, id)->filename;
	in.sp = sp;
	in.size = spool_size(sp);
	in.arch_depth = parent->arch_depth + 1;
	in.container = dispatch_is_doc(parent->tc) ? parent->tc : parent->container;
	st = analyse(ctx, &in);
	scan_progress(parent); /* back on the parent */
	return st;
}

em_status
scan_child_mem(struct scan_ctx *ctx, const struct scan_input *parent, const char *name,
    const void *data, size_t len, int *child_part)
{
	struct spool *sp = spool_new(ctx->cfg->lim.spool_memory, ctx->cfg->tmpdir);
	em_status st;

	if (child_part != NULL)
		*child_part = -1;
	if (sp == NULL)
		return EM_TEMPFAIL;
	st = spool_write(sp, data, len);
	if (st == EM_OK)
		st = scan_child(ctx, parent, name, sp, child_part);
	spool_free(sp);
	return st;
}

void
scan_text(struct scan_ctx *ctx, const char *text, size_t len)
{
	passwords_harvest(ctx, text, len, NULL);
}

em_status
scan_finish(struct scan_ctx *ctx)
{
	em_status st;

	/* candidates from quoted replies, held back so far, now join the list: a
	 * part still locked is retried with them */
	passwords_release_quoted(ctx->pw);
	st = defer_finish(ctx);

	if (!em_status_local(st))
		return st;
	/* a finding or part that could not be recorded, or an allocation that failed
	 * somewhere in the analysis: no verdict from this report */
	if (report_status(ctx->r) != EM_OK)
		return report_status(ctx->r);
	return em_oom_count() != ctx->oom_at_start ? EM_TEMPFAIL : EM_OK;
}
