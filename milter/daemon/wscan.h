/*
 * wscan.h: the daemon's side of scanning: the one pool of sandboxed embargo-worker
 * processes (scan_workers, 0: one per online core), and a message's scan through it.
 * The daemon has no parser of its own: every scan goes through this pool.
 *
 * Promises: wscan_message copies the message as received (m_raw: headers and body)
 * once into the worker's arena (warena.h) when it is in memory, or hands over its
 * spool file read-only when it is on disk, to a worker and keeps the strictly parsed report and
 * strip ranges on the message (m_wres). A worker that died gives a scan.crashed
 * report; back-off and internal failures give EM_TEMPFAIL. msg_part_range answers
 * from the worker's ranges, checked to lie inside the body. wscan_fd scans a stored
 * message (a regular file) with passwords to try (PPAP).
 * Limits: scan_workers and the arena size (spool_memory) are read at start; a reload
 * replaces workers with the new worker_* options, not the pool size.
 */
#ifndef EMBARGO_WSCAN_H
#define EMBARGO_WSCAN_H

#include <stdint.h>

#include "daemon/config.h"
#include "daemon/milter.h"

/* Start the pool; -1 when the worker program cannot be run or no memory. */
int wscan_start(const struct em_config *cfg, const char *cfgfile);
void wscan_stop(void);
/* After a reload: the worker options of CFG (loaded from CFGFILE), and workers
 * replaced as they are next used. */
void wscan_reload(const struct em_config *cfg, const char *cfgfile);
/* Run the worker program once on CFGFILE (`embargo-worker -C`): 0 when it loads
 * (YARA rules compile) with its one line in ERR, else -1 with why in ERR
 * (wcheck.c). */
int wscan_check(const struct em_config *cfg, const char *cfgfile, struct strbuf *err);

/* The pool size CFG asks for: scan_workers, or the online cores when 0. */
unsigned wscan_count(const struct em_config *cfg);

/* The pool's wpool_stats into OUT: 0, or -1 when no pool runs (for metrics.c). */
struct wpool_stats;
int wscan_stats(struct wpool_stats *out);

/* Scan M through a worker; M->m_wres holds the result. */
em_status wscan_message(struct msg *m);
/* Scan the stored message FD trying PW (NPW); RES as wpool_scan fills it. */
em_status wscan_fd(int fd, const char *const *pw, size_t npw, struct wp_result *res);

/* Where top-level PART lies in the body (see msgscan_part_range). */
int msg_part_range(const struct msg *m, int part, uint64_t *start, uint64_t *end);

#endif
