/*
 * defer.c: parts locked by a password no candidate opened yet (an encrypted
 * archive, an encrypted OOXML package) are copied aside and tried again at end of
 * message when the texts that came after them brought more candidates
 * (passwords.c): "the password is in my next mail part" still works.
 *
 * Limits: DEFER_MAX parts, and their bytes together within the scan window; a part
 * is not kept when every candidate it may try was tried already.
 */
#include <stdlib.h>
#include <string.h>

#include "core/analyser.h"
#include "core/dispatch.h"
#include "core/passwords.h"
#include "core/spool.h"

#define DEFER_MAX 16u

struct deferred {
	struct deferred *next;
	struct spool *sp;
	char *name;
	int part;
	enum tclass tc, container;
	unsigned arch_depth;
	unsigned tried; /* candidates known when it was last tried */
};

void
defer_part(struct scan_ctx *ctx, const struct scan_input *in, unsigned tried)
{
	struct deferred *d, **tail = &ctx->deferred;
	unsigned count = 0;
	uint64_t bytes = 0, off = 0;
	size_t got;
	unsigned char buf[8192];

	if (in->sp == NULL)
		return; /* bytes given in memory only (unit tests): nothing to copy */
	for (d = ctx->deferred; d != NULL; d = d->next, count++) {
		bytes += spool_size(d->sp);
		tail = &d->next;
	}
	/* bounded in count and bytes; pointless when no candidate can be added */
	if (count >= DEFER_MAX || bytes + in->size > ctx->cfg->lim.scan_window ||
	    tried >= ctx->cfg->lim.passwords)
		return;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return;
	d->sp = spool_new(ctx->cfg->lim.spool_memory, ctx->cfg->tmpdir);
	d->name = in->name != NULL ? strdup(in->name) : NULL;
	while (d->sp != NULL && off < in->size &&
	    spool_pread(in->sp, off, buf, sizeof(buf), &got) == EM_OK && got > 0 &&
	    spool_write(d->sp, buf, got) == EM_OK)
		off += got;
	if (d->sp == NULL || off != in->size || (in->name != NULL && d->name == NULL)) {
		defer_free(d);
		return;
	}
	d->part = in->part;
	d->tc = in->tc;
	d->container = in->container;
	d->arch_depth = in->arch_depth;
	d->tried = tried;
	*tail = d;
}

em_status
defer_finish(struct scan_ctx *ctx)
{
	analyser_retry_fn *retry;
	struct deferred *d;
	struct scan_input in;
	unsigned tried;
	em_status st;

	for (d = ctx->deferred; d != NULL; d = d->next) {
		if (pwlist_count(ctx->pw) <= d->tried)
			continue;
		memset(&in, 0, sizeof(in));
		in.part = d->part;
		in.name = d->name;
		in.sp = d->sp;
		in.size = spool_size(d->sp);
		in.tc = d->tc;
		in.container = d->container;
		in.arch_depth = d->arch_depth;
		if ((retry = dispatch_retry(d->tc)) == NULL)
			return EM_BUG; /* defer_part on a class with no RETRY row */
		tried = d->tried;
		d->tried = pwlist_count(ctx->pw);
		st = retry(ctx, &in, tried);
		if (!em_status_local(st))
			return st;
	}
	return EM_OK;
}

void
defer_free(struct deferred *d)
{
	struct deferred *next;

	for (; d != NULL; d = next) {
		next = d->next;
		spool_free(d->sp);
		free(d->name);
		free(d);
	}
}
