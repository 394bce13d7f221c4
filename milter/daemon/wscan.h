/*
 * wscan.h: the daemon's side of sandboxed scanning (scan_workers > 0): the one pool
 * of embargo-worker processes, and a message's scan through it.
 *
 * Promises: wscan_message copies the message as received (m_raw: headers and body)
 * once into a memfd, hands it to a worker and keeps the strictly parsed report and
 * strip ranges on the message (m_wres). A worker that died gives a scan.crashed
 * report; back-off and internal failures give EM_TEMPFAIL. msg_part_range answers
 * for either mode (in-process msgscan or the worker's ranges, checked to lie inside
 * the body).
 * Limits: scan_workers is read at start; a reload replaces workers, not the pool size.
 */
#ifndef EMBARGO_WSCAN_H
#define EMBARGO_WSCAN_H

#include <stdint.h>

#include "daemon/config.h"
#include "daemon/milter.h"

/* Start the pool when CFG asks for workers (no-op otherwise). 0 or -1. */
int wscan_start(const struct em_config *cfg, const char *cfgfile);
void wscan_stop(void);
/* After a reload: replace workers as they are next used. */
void wscan_reload(void);
/* Whether messages go to workers. */
int wscan_enabled(void);

/* The pool's wpool_stats into OUT: 0, or -1 when no pool runs (for metrics.c). */
struct wpool_stats;
int wscan_stats(struct wpool_stats *out);

/* Scan M through a worker; M->m_wres holds the result. */
em_status wscan_message(struct msg *m);

/* Where top-level PART lies in the body (see msgscan_part_range). */
int msg_part_range(const struct msg *m, int part, uint64_t *start, uint64_t *end);

#endif
