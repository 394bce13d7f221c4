/*
 * workers.h: the pool of sandboxed scan workers (embargo-worker) of the daemon and of
 * embargo-scan --sandbox.
 *
 * Promises: wpool_scan hands one whole message (a descriptor the worker can mmap:
 * a memfd or a read-only file; wpool_scan_mem: bytes copied once into the lane's
 * part of the worker's arena) to a free lane (wproto.h) of the worker with the
 * fewest busy, and returns the worker's report, parsed strictly (wproto.h). A worker that dies (signal, seccomp, memory), breaks
 * the protocol or passes the deadline is killed and reaped; the message then gets a
 * report whose only finding is scan.crashed (detail: the signal or the cause), and
 * the slot starts a new worker on its next use. Other messages are not affected.
 * When backoff_deaths workers died within backoff_seconds (worker_backoff_deaths,
 * worker_backoff_seconds in embargo.conf; 5 in 10 s by default), wpool_scan returns
 * EM_TEMPFAIL without trying (the MTA retries) until the oldest of those deaths is
 * backoff_seconds old. The window is fixed when the pool is made: wpool_restart (a
 * reload) keeps it.
 * The deadline counts from when the worker began the message (its progress page),
 * at most WP_LANES deadlines from the request.
 * Thread-safe: milter threads wait for a free lane.
 * The scan.crashed detail names the part the worker was on (read from the
 * worker's progress page, wprogress.h, after its death; also in RES->crash_part),
 * the signal and the cause: crash, seccomp, memory, cpu, deadline, protocol, killed.
 * A request whose worker died before it began it (killed while idle, or on another
 * lane's message) is sent to a new worker, up to WP_LANES times (then EM_TEMPFAIL),
 * without a verdict. A death is counted once, when the worker was on a message,
 * broke the protocol or exited by itself. A worker to be replaced (a reload,
 * max_use) takes no new request and goes once its lanes are idle.
 * wpool_extract asks a fresh worker for the bytes of one part (the crashes/ copy).
 * Limits: the finding sits on part 0 (the worker's part tree died with it); the
 * memory cause is inferred from the worker's peak RSS (>= 7/8 of its limit).
 */
#ifndef EMBARGO_WORKERS_H
#define EMBARGO_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "worker/wproto.h"

/* The back-off: defaults (an option of 0) and ceilings (a larger option is cut to
 * it; the deaths ring holds that many times). */
#define WPOOL_BACKOFF_DEATHS      5
#define WPOOL_BACKOFF_DEATHS_MAX  1000
#define WPOOL_BACKOFF_SECONDS     10
#define WPOOL_BACKOFF_SECONDS_MAX 3600

struct wpool_opts {
	const char *path;     /* the embargo-worker program */
	const char *config;   /* config file given to workers (-c); NULL: defaults */
	const char *user;     /* worker user when root (-u); NULL: none */
	unsigned n;           /* workers */
	unsigned deadline_ms; /* per message */
	unsigned mem_mb;      /* RLIMIT_AS of a worker; 0: none */
	unsigned cpu_seconds; /* RLIMIT_CPU of a worker (lifetime); 0: none */
	size_t arena_bytes;   /* message arena per worker (warena.h); 0: none */
	unsigned max_use;     /* messages per worker, then a new one; 0: no limit */
	const char *rules;    /* extra YARA rules (-R, embargo-scan --rules); NULL: none,
				 the string must outlive the pool */

	/* the back-off; 0: WPOOL_BACKOFF_DEATHS, WPOOL_BACKOFF_SECONDS */
	unsigned backoff_deaths;  /* deaths that make the pool tempfail */
	unsigned backoff_seconds; /* ... within this many seconds */
};

struct wpool_stats {
	unsigned long scanned, crashed, backoffs, spawned;
};

struct wpool;

/* Copies the options; workers start on first use. NULL when out of memory. */
struct wpool *wpool_new(const struct wpool_opts *o);
/* Kill and reap every worker. */
void wpool_free(struct wpool *p);

/* Scan SIZE bytes of FD (headers and body). EM_OK with RES filled (maybe a
 * scan.crashed report), or EM_TEMPFAIL (back-off, no worker could start, memory).
 * *DIED is set when the worker died on this message. */
em_status
wpool_scan(struct wpool *p, int fd, uint64_t size, struct wp_result *res, int *died);
/* The same for a request: a message or one attachment (raw), with passwords the
 * worker tries on encrypted parts (PPAP). */
em_status wpool_scan_req(struct wpool *p, int fd, const struct wp_request *rq,
    struct wp_result *res, int *died);

/* The same for LEN bytes of a message in memory: written into the worker's arena
 * when they fit (warena.h), else into a memfd of their own. */
em_status wpool_scan_mem(
    struct wpool *p, const void *data, size_t len, struct wp_result *res, int *died);

/* Run the pipeline on FD (SIZE bytes) in a fresh worker up to PART and get that
 * part's bytes (at most WP_PART_MAX) in a memfd *OUT. Ignores the back-off (one
 * run, after a death); not counted as a scan. 0, or -1 (the worker died before the
 * part, or never reached it). */
int wpool_extract(struct wpool *p, int fd, uint64_t size, int part, int *out);

#define WPOOL_LIBEXEC "/usr/libexec/embargo/embargo-worker"

/* The worker program: $EMBARGO_WORKER, else CONFIGURED when not empty, else
 * embargo-worker beside the running program (a build tree), else
 * ../libexec/embargo/embargo-worker from the running program's folder (make install
 * with any PREFIX), else WPOOL_LIBEXEC.
 * BUF (N bytes) may hold the answer. */
const char *wpool_program(const char *configured, char *buf, size_t n);

/* The options CFG (loaded from CFGFILE) asks for, N workers; PATH (PATHLEN bytes)
 * may hold the program's path (wopts.c). */
struct em_config;
void wpool_opts_of(const struct em_config *cfg, const char *cfgfile, unsigned n,
    char *path, size_t pathlen, struct wpool_opts *o);

/* Start every worker now rather than on first use (a caller about to drop the
 * rights the worker needs to read its configuration). 0 or -1. */
int wpool_start(struct wpool *p);

/* Config reloaded: each worker is replaced on its next use (rules, limits). */
void wpool_restart(struct wpool *p);
/* The same with new options: program, config file, user, memory, CPU, deadline,
 * max_use and back-off (a changed death count starts its count afresh); the number
 * of workers, the arena size and the extra rules stay. 0, or -1 (no memory: the old
 * options stay). */
int wpool_set_opts(struct wpool *p, const struct wpool_opts *o);

void wpool_stats(struct wpool *p, struct wpool_stats *out);

#endif
