/*
 * message.c: one message through the pipeline (see message.h): the report, the scan
 * context and the MIME parser of a mail; and msgscan_nested() for a message found
 * inside an archive or recognised by content, parsed under the same budget.
 * This file is the MIME parser's only sink (struct mime_sink): leaves go to
 * scan_part(), uuencoded and BinHex files to scan_child(), the Subject to
 * scan_text(); the parser itself knows nothing of the pipeline.
 *
 * Limits: nesting is counted in report depth, so a message in an archive in a
 * message... stops at limits.mime_depth (mime.limit).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analyser.h"
#include "core/message.h"
#include "core/passwords.h"
#include "mime/mime.h"

/* The sink: ARG is the message's scan_ctx. */
static em_status
msg_leaf_end(void *arg, const struct mime_leafinfo *li, struct spool *sp, int *as_message)
{
	struct scan_ctx *ctx = arg;
	const struct report_part *rp;
	em_status st = scan_part(ctx, li->part, sp, li->charset);

	/* a message sent as another type: type detection found it, MIME parses it */
	rp = report_part(ctx->r, li->part);
	*as_message = rp != NULL && rp->type_class != NULL &&
	    strcmp(rp->type_class, "message") == 0;
	return st;
}

static em_status
msg_child(void *arg, int parent, const char *name, struct spool *sp)
{
	struct scan_input in;

	memset(&in, 0, sizeof(in));
	in.part = parent;
	in.tc = TC_TEXT;
	in.from_mime = 1;
	return scan_child(arg, &in, name, sp, NULL);
}

static void
msg_text(void *arg, int part, const char *s, size_t n)
{
	(void)part;
	scan_text(arg, s, n);
}

static const struct mime_sink msg_sink = { msg_leaf_end, msg_child, msg_text };

static void
msg_conf(struct mime_conf *mc, struct scan_ctx *ctx)
{
	mc->sink = &msg_sink;
	mc->arg = ctx;
	mc->r = ctx->r;
	mc->lim = &ctx->cfg->lim;
	mc->tmpdir = ctx->cfg->tmpdir;
}

struct msgscan {
	struct report *m_r;
	struct scan_ctx *m_ctx;
	struct mime *m_mime;
	int m_ended;
};

struct msgscan *
msgscan_new(const struct scan_config *cfg, int headers_in_body)
{
	struct msgscan *m = calloc(1, sizeof(*m));
	struct mime_conf mc;

	if (m == NULL)
		return NULL;
	m->m_r = report_new();
	m->m_ctx = m->m_r ? scan_new(cfg, m->m_r) : NULL;
	if (m->m_ctx != NULL)
		msg_conf(&mc, m->m_ctx);
	if (m->m_ctx == NULL || report_part_add(m->m_r, -1, "", 1) < 0 ||
	    (m->m_mime = mime_new(&mc, 0, cfg->lim.mime_depth, headers_in_body)) ==
		NULL) {
		msgscan_free(m);
		return NULL;
	}
	mime_keep_ranges(m->m_mime);
	return m;
}

void
msgscan_free(struct msgscan *m)
{
	if (m == NULL)
		return;
	mime_free(m->m_mime);
	scan_free(m->m_ctx);
	report_free(m->m_r);
	free(m);
}

em_status
msgscan_header(struct msgscan *m, const char *name, const char *value)
{
	return mime_header(m->m_mime, name, value);
}

em_status
msgscan_body(struct msgscan *m, const void *buf, size_t len)
{
	return mime_feed(m->m_mime, buf, len);
}

em_status
msgscan_end(struct msgscan *m)
{
	em_status st, st2;

	if (m->m_ended)
		return EM_OK;
	m->m_ended = 1;
	st = mime_end(m->m_mime);
	report_part_size(m->m_r, 0, mime_offset(m->m_mime));
	if (st != EM_OK && !em_status_local(st))
		return st;
	st2 = scan_finish(m->m_ctx);
	return st2 != EM_OK && !em_status_local(st2) ? st2 : EM_OK;
}

size_t
msgscan_add_passwords(struct msgscan *m, const char *const *pw, size_t n)
{
	struct scan_ctx *ctx = m->m_ctx;
	size_t i, added = 0;

	if (ctx->pw == NULL && (ctx->pw = pwlist_new(ctx->cfg->lim.passwords)) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (pw[i] != NULL)
			added += (size_t)pwlist_add(ctx->pw, pw[i], strlen(pw[i]));
	return added;
}

const char *
msgscan_password(const struct msgscan *m, unsigned i)
{
	return m->m_ctx->pw != NULL ? pwlist_get(m->m_ctx->pw, i) : NULL;
}

struct msgscan *
msgscan_fd(const struct scan_config *cfg, int fd, const char *const *pw, size_t npw)
{
	unsigned char *buf = malloc(65536);
	struct msgscan *m = NULL;
	em_status st = EM_OK;
	ssize_t n = -1;

	if (buf == NULL || lseek(fd, 0, SEEK_SET) != 0 ||
	    (m = msgscan_new(cfg, 1)) == NULL)
		goto out;
	msgscan_add_passwords(m, pw, npw);
	while ((n = read(fd, buf, 65536)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 ||
		    ((st = msgscan_body(m, buf, (size_t)n)) != EM_OK &&
			!em_status_local(st)))
			break;
	}
	if (n != 0 || ((st = msgscan_end(m)) != EM_OK && !em_status_local(st))) {
		msgscan_free(m);
		m = NULL;
	}
out:
	free(buf);
	return m;
}

struct report *
msgscan_report(struct msgscan *m)
{
	return m->m_r;
}

int
msgscan_part_range(const struct msgscan *m, int part, uint64_t *start, uint64_t *end)
{
	return mime_range(m->m_mime, part, start, end);
}

em_status
msgscan_nested(struct scan_ctx *ctx, struct scan_input *in)
{
	const struct report_part *rp = report_part(ctx->r, in->part);
	unsigned max = ctx->cfg->lim.mime_depth;
	struct mime_conf mc;
	struct mime *p;
	em_status st;

	if (rp == NULL)
		return EM_BUG;
	if (rp->depth >= max) {
		report_add(ctx->r, in->part, "mime.limit",
		    "message nested deeper than %u levels not parsed", max);
		return EM_LIMIT;
	}
	msg_conf(&mc, ctx);
	if ((p = mime_new(&mc, in->part, max - rp->depth, 1)) == NULL)
		return EM_TEMPFAIL;
	st = mime_feed_spool(p, in->sp);
	mime_free(p);
	return st;
}
