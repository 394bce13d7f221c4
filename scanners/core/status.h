/*
 * status.h: the one status type every Embargo function returns.
 *
 * Each value has exactly one reaction, decided by the caller:
 *   EM_OK        go on.
 *   EM_END       end of a sequence (no more entries, no more input); not an error.
 *   EM_LIMIT     a bound was crossed; the finding is already recorded. Stop this
 *                subtree, siblings go on.
 *   EM_BADDATA   malformed input; the finding is already recorded. Stop this subtree,
 *                siblings go on.
 *   EM_TEMPFAIL  a resource failed (memory, disk, time); the message is tempfailed
 *                unless policy says otherwise.
 *   EM_BUG       a broken invariant: log and abort the message.
 */
#ifndef EMBARGO_STATUS_H
#define EMBARGO_STATUS_H

typedef enum em_status {
	EM_OK = 0,
	EM_END,
	EM_LIMIT,
	EM_BADDATA,
	EM_TEMPFAIL,
	EM_BUG,
} em_status;

/* A short lower-case name for logs ("ok", "limit", ...). Never NULL. */
const char *em_status_name(em_status st);

/* Note an allocation that failed (see status.c); the count is per thread. A message
 * whose scan saw the count move is tempfailed by scan_finish. */
void em_oom_note(void);
unsigned long em_oom_count(void);

/* True when the status stops only the current subtree (siblings go on). */
static inline int
em_status_local(em_status st)
{
	return st == EM_OK || st == EM_END || st == EM_LIMIT || st == EM_BADDATA;
}

#endif
