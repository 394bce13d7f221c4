/*
 * testlib.h: what the unit tests share. Include after <cmocka.h>.
 *
 * tl_detail / tl_count: look findings up in a report by name (and part).
 * put16 / put32: little-endian fields appended to a strbuf, for tests that build
 * binary formats.
 * Define TESTLIB_FIXTURE before including it for the analyser fixture: run_analyser
 * runs FN on BUF as part 0 of class TC in a spool (with default limits; FN must
 * return EM_OK), run_free frees it all.
 */
#ifndef EMBARGO_TESTLIB_H
#define EMBARGO_TESTLIB_H

#include <string.h>

#include "core/analyser.h"
#include <stdint.h>

#include "core/report.h"
#include "core/strbuf.h"

/* The detail of the first finding NAME (on PART, or any part when PART < 0): ""
 * when it has none, NULL when there is no such finding. */
static inline const char *
tl_detail(const struct report *r, int part, const char *name)
{
	const struct finding *f;
	int i;

	for (i = 0; i < report_nfindings(r); i++) {
		f = report_finding(r, i);
		if (strcmp(f->name, name) == 0 && (part < 0 || f->part == part))
			return f->detail != NULL ? f->detail : "";
	}
	return NULL;
}

static inline void
put16(struct strbuf *sb, unsigned v)
{
	sb_addc(sb, (char)(v & 0xff));
	sb_addc(sb, (char)(v >> 8 & 0xff));
}

static inline void
put32(struct strbuf *sb, uint32_t v)
{
	put16(sb, v & 0xffff);
	put16(sb, v >> 16);
}

/* How many findings are called NAME. */
static inline int
tl_count(const struct report *r, const char *name)
{
	int i, n = 0;

	for (i = 0; i < report_nfindings(r); i++)
		n += strcmp(report_finding(r, i)->name, name) == 0;
	return n;
}

#ifdef TESTLIB_FIXTURE

struct run {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;
};

static inline void
run_analyser(struct run *t, const void *buf, size_t n, enum tclass tc,
    em_status (*fn)(struct scan_ctx *, struct scan_input *))
{
	struct scan_input in;

	memset(t, 0, sizeof(*t));
	scan_limits_default(&t->cfg.lim);
	t->r = report_new();
	assert_int_equal(report_part_add(t->r, -1, "", 1), 0);
	t->ctx = scan_new(&t->cfg, t->r);
	t->sp = spool_new(t->cfg.lim.spool_memory, NULL);
	assert_int_equal(spool_write(t->sp, buf, n), EM_OK);
	memset(&in, 0, sizeof(in));
	in.sp = t->sp;
	in.size = n;
	in.tc = tc;
	assert_int_equal(spool_map(t->sp, t->cfg.lim.scan_window, &in.data, &in.len), EM_OK);
	assert_int_equal(fn(t->ctx, &in), EM_OK);
}

static inline void
run_free(struct run *t)
{
	scan_free(t->ctx);
	spool_free(t->sp);
	report_free(t->r);
}
#endif /* TESTLIB_FIXTURE */

#endif
