/*
 * dispatch.c: the analyser table (analysers.def) and the three things it decides:
 * which analysers a part of a class goes through, whether a class is a document
 * container its children should know, and which function retries a part kept for
 * late passwords.
 *
 * The table is constant and shared by every thread.
 */
#include <string.h>

#include "core/analyser.h"
#include "core/dispatch.h"

static const struct analyser an_table[] = {
#define ANALYSER(tc, fn, flags) { tc, fn, #fn, flags },
#define RETRY(tc, fn)
#define MEMBER(tc, fn)
#include "core/analysers.def"
#undef ANALYSER
#undef RETRY
#undef MEMBER
};

static const struct {
	enum tclass tc;
	analyser_retry_fn *fn;
} an_retry[] = {
#define ANALYSER(tc, fn, flags)
#define RETRY(tc, fn) { tc, fn },
#define MEMBER(tc, fn)
#include "core/analysers.def"
#undef ANALYSER
#undef RETRY
#undef MEMBER
};

static const struct {
	enum tclass tc;
	analyser_fn *fn;
} an_member[] = {
#define ANALYSER(tc, fn, flags)
#define RETRY(tc, fn)
#define MEMBER(tc, fn) { tc, fn },
#include "core/analysers.def"
#undef ANALYSER
#undef RETRY
#undef MEMBER
};

#define AN_N(t) (sizeof(t) / sizeof((t)[0]))

const struct analyser *
analyser_table(size_t *n)
{
	*n = AN_N(an_table);
	return an_table;
}

const struct analyser *
analyser_find(const char *name)
{
	size_t i;

	for (i = 0; i < AN_N(an_table); i++)
		if (strcmp(an_table[i].name, name) == 0)
			return &an_table[i];
	return NULL;
}

em_status
dispatch_class(struct scan_ctx *ctx, struct scan_input *in)
{
	const struct analyser *a;
	em_status st;
	size_t i;

	for (i = 0; i < AN_N(an_table); i++) {
		a = &an_table[i];
		if (a->tc != in->tc || ((a->flags & AN_NESTED_ONLY) && in->from_mime))
			continue;
		if ((a->flags & AN_HARVEST) && in->from_mime)
			passwords_harvest(
			    ctx, (const char *)in->data, in->len, in->charset);
		st = a->scan(ctx, in);
		if (st == EM_END && (a->flags & AN_PROBE))
			continue; /* not this format: the next row of the class */
		return st;
	}
	return EM_OK;
}

em_status
dispatch_member(struct scan_ctx *ctx, struct scan_input *in)
{
	em_status st;
	size_t i;

	for (i = 0; i < AN_N(an_member); i++)
		if (an_member[i].tc == in->container &&
		    (st = an_member[i].fn(ctx, in)) != EM_OK)
			return st;
	return EM_OK;
}

int
dispatch_is_doc(enum tclass tc)
{
	size_t i;

	for (i = 0; i < AN_N(an_table); i++)
		if (an_table[i].tc == tc && (an_table[i].flags & AN_DOC))
			return 1;
	return 0;
}

analyser_retry_fn *
dispatch_retry(enum tclass tc)
{
	size_t i;

	for (i = 0; i < AN_N(an_retry); i++)
		if (an_retry[i].tc == tc)
			return an_retry[i].fn;
	return NULL;
}
