/*
 * ppap.h: the password that arrives in a later mail (see ppap.c): correlation at
 * the end of every message, the log line of a message held for a password, and the
 * tick thread that lets the window pass (ppap_expire.c).
 */
#ifndef EMBARGO_PPAP_H
#define EMBARGO_PPAP_H

#include "daemon/milter.h"

#define PPAP_PW_MAX 64 /* candidates of one later mail brought to held entries */

/* After M was acted on: bring its candidate passwords to the entries awaiting one
 * from the same sender to an overlapping set of recipients within ppap_window.
 * SELF: M's own quarantine id, or NULL (never correlated with itself). Everything
 * is logged; nothing here changes what happens to M. */
void ppap_correlate(const struct msg *m, const char *self);

/* M was stored as QID awaiting a password: the log line with the window's end. */
void ppap_held(const struct msg *m, const char *qid);

/* Start the thread that settles entries whose window passed (every
 * min(ppap_window / 3, 30) seconds, at least 1). 0 or -1. */
int ppap_expire_start(void);

#endif
