/*
 * scan_fixture.h: the shared fixture of the analyser unit tests: a scan_ctx with
 * default limits, BUF as part 0 of class TC in a spool, the analyser FN run on it
 * (it must return EM_OK), then run_free; run_detail() finds a finding's detail and
 * put16()/put32() append little-endian fields. Include after <cmocka.h>.
 */
#ifndef EMBARGO_SCAN_FIXTURE_H
#define EMBARGO_SCAN_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "core/analyser.h"

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

/* The detail of the first finding NAME ("" for none given), or NULL. */
static inline const char *
run_detail(struct run *t, const char *name)
{
	int i;

	for (i = 0; i < report_nfindings(t->r); i++)
		if (strcmp(report_finding(t->r, i)->name, name) == 0)
			return report_finding(t->r, i)->detail ? report_finding(t->r, i)->detail : "";
	return NULL;
}

/* Little-endian 16 and 32 bits appended to SB, for tests that build binary formats. */
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

static inline void
run_free(struct run *t)
{
	scan_free(t->ctx);
	spool_free(t->sp);
	report_free(t->r);
}

#endif
