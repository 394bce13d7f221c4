/*
 * scan.c: the per-part pipeline and the message budget (see scan.h).
 *
 * Order for every part: size and SHA-256 into the report, type detection, name
 * checks, member checks for OOXML/ODF containers, the analyser for the detected
 * class (which may recurse through scan_child), then YARA. A part that could not be
 * analysed gets scan.error or a limit finding: nothing is skipped silently.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/analysers.h"
#include "core/gate.h"
#include "core/scan.h"

static const char *const tclass_names[TC__COUNT] = {
	[TC_UNKNOWN] = "unknown", [TC_EMPTY] = "empty", [TC_TEXT] = "text",
	[TC_HTML] = "html", [TC_XML] = "xml", [TC_IMAGE] = "image", [TC_MEDIA] = "media",
	[TC_PDF] = "pdf", [TC_RTF] = "rtf", [TC_OLE2] = "ole2", [TC_OOXML] = "ooxml",
	[TC_ODF] = "odf", [TC_ARCHIVE] = "archive", [TC_EXECUTABLE] = "executable",
	[TC_SCRIPT] = "script", [TC_SHORTCUT] = "shortcut", [TC_DISK_IMAGE] = "disk_image",
	[TC_ONENOTE] = "onenote", [TC_CHM] = "chm", [TC_MESSAGE] = "message",
};

const char *
tclass_name(enum tclass tc)
{
	if ((unsigned)tc >= TC__COUNT)
		return "unknown";
	return tclass_names[tc];
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
	ctx->deadline = now_mono() + cfg->lim.scan_seconds;
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

void
scan_error(struct scan_ctx *ctx, int part, const char *analyser, const char *why)
{
	report_add(ctx->r, part, "scan.error", "%s: %s", analyser, why ? why : "failed");
}

em_status
scan_budget_time(struct scan_ctx *ctx, int part)
{
	if (now_mono() <= ctx->deadline)
		return EM_OK;
	if (!ctx->time_reported) {
		ctx->time_reported = 1;
		report_add(ctx->r, part, "scan.limit", "analysis time limit of %u s reached",
		    ctx->cfg->lim.scan_seconds);
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

static int
is_doc_container(enum tclass tc)
{
	return tc == TC_OOXML || tc == TC_ODF;
}

/* The analyser for a detected class. */
static em_status
dispatch(struct scan_ctx *ctx, struct scan_input *in)
{
	em_status st;

	switch (in->tc) {
	case TC_DISK_IMAGE:
		if ((st = fatimg_scan(ctx, in)) != EM_END)
			return st;    /* a FAT image, which libarchive cannot read */
		return archive_scan(ctx, in);
	case TC_ARCHIVE:
	case TC_OOXML:
	case TC_ODF:
		return archive_scan(ctx, in);
	case TC_OLE2:
		return ole_scan(ctx, in);
	case TC_RTF:
		return rtf_scan(ctx, in);
	case TC_PDF:
		return pdf_scan(ctx, in);
	case TC_ONENOTE:
		return onenote_scan(ctx, in);
	case TC_SHORTCUT:
		return lnk_scan(ctx, in);
	case TC_HTML:
		if (in->from_mime)
			passwords_harvest(ctx, (const char *)in->data, in->len);
		return html_scan(ctx, in);
	case TC_TEXT:
		if (in->from_mime)
			passwords_harvest(ctx, (const char *)in->data, in->len);
		return ooxml_csv_scan(ctx, in);
	case TC_XML:
		return ooxml_flat_scan(ctx, in);
	case TC_MESSAGE:
		if (in->from_mime)
			return EM_OK;   /* the MIME parser already parsed it in place */
		return mime_scan_nested(ctx, in);
	case TC_UNKNOWN:
	case TC_EMPTY:
	case TC_IMAGE:
	case TC_MEDIA:
	case TC_EXECUTABLE:
	case TC_SCRIPT:
	case TC_CHM:
		return EM_OK;
	case TC__COUNT:
	default:
		return EM_BUG;
	}
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
		if (up->type_class != NULL && (strcmp(up->type_class, "archive") == 0 ||
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
	if (scan_budget_time(ctx, in->part) != EM_OK)
		return EM_OK;
	if ((st = filetype_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	if ((st = names_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	note_nesting(ctx, in);
	if (is_doc_container(in->container) &&
	    (st = ooxml_member_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	if ((st = dispatch(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	if ((st = yara_scan(ctx, in)) != EM_OK && !em_status_local(st))
		return st;
	return EM_OK;
}

em_status
scan_part(struct scan_ctx *ctx, int part, struct spool *sp)
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
	gated = ctx->cfg->gate != NULL && in.size > ctx->cfg->lim.spool_memory;
	if (gated)
		ctx->deadline += gate_enter(ctx->cfg->gate);  /* waiting is not analysing */
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
	if (parent->tc == TC_OOXML || parent->tc == TC_ODF || parent->tc == TC_OLE2 ||
	    parent->tc == TC_PDF || parent->tc == TC_RTF || parent->tc == TC_ONENOTE) {
		in.container = parent->tc;
	} else {
		in.container = parent->container;
	}
	return analyse(ctx, &in);
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
	passwords_harvest(ctx, text, len);
}

em_status
scan_finish(struct scan_ctx *ctx)
{
	em_status st = defer_finish(ctx);

	if (!em_status_local(st))
		return st;
	/* a finding or part that could not be recorded, or an allocation that failed
	 * somewhere in the analysis: no verdict from this report */
	if (report_status(ctx->r) != EM_OK)
		return report_status(ctx->r);
	return em_oom_count() != ctx->oom_at_start ? EM_TEMPFAIL : EM_OK;
}
