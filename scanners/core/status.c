/*
 * status.c: status names, and the per-thread count of allocations that failed.
 *
 * An allocation that fails deep inside a parser (a strbuf that could not grow, a
 * copy an analyser chose to do without) is easy to lose on the way up. Each such
 * place calls em_oom_note(); the pipeline reads em_oom_count() when a message starts
 * and again when it ends (scan_finish), and a message during whose scan the count
 * moved is tempfailed rather than decided on a report that may lack a finding.
 *
 * Threads: the count is per thread (a message is scanned by one thread at a time).
 */
#include "core/status.h"

static _Thread_local unsigned long em_oom_events;

void
em_oom_note(void)
{
	em_oom_events++;
}

unsigned long
em_oom_count(void)
{
	return em_oom_events;
}

const char *
em_status_name(em_status st)
{
	switch (st) {
	case EM_OK: return "ok";
	case EM_END: return "end";
	case EM_LIMIT: return "limit";
	case EM_BADDATA: return "bad data";
	case EM_TEMPFAIL: return "temporary failure";
	case EM_BUG: return "internal error";
	}
	return "?";
}
