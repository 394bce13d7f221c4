/*
 * wprogress.h: the progress page between the daemon (or embargo-scan) and one
 * embargo-worker: a small shared memfd, descriptor WP_PROGRESS_FD in the worker.
 *
 * The worker stores there the part its pipeline is on (core/progress.h), one store
 * per part, so the daemon can name the part after the worker died, whatever killed
 * it (a crash cannot unsay it, no message has to get through). The daemon stores
 * `want` before a request: a part number asks for an extraction instead of a scan:
 * the worker answers WP_PART (a memfd with that part's bytes, at most
 * WP_PART_MAX) when the pipeline reaches it, then exits.
 *
 * Promises: the daemon reads only `part`, `lane` and `begin_ms`, numbers it checks
 * (they are written by a possibly compromised worker: a lie can misplace a verdict
 * on the lane's message or shorten its wait, never lengthen a wait past the lanes'
 * deadlines); a worker without the page (descriptor not open) scans as before.
 * Limits: a part that is not reached (the worker dies before) cannot be extracted;
 * a part larger than WP_PART_MAX is kept truncated.
 */
#ifndef EMBARGO_WPROGRESS_H
#define EMBARGO_WPROGRESS_H

#include <stdint.h>

#define WP_PROGRESS_FD   4
#define WP_PROGRESS_SIZE 4096
#define WP_PART_MAX      (32u << 20)

struct wp_progress {
	volatile int32_t part; /* worker: the part being analysed; -1 before the scan */
	volatile int32_t lane; /* worker: the lane (wproto.h) of the message it is on;
	                            -1 between messages (set before the report is sent) */
	volatile int64_t
	    begin_ms;          /* worker: CLOCK_MONOTONIC ms when it began that message */
	volatile int32_t want; /* daemon: -1 scan; N extract part N */
	volatile int32_t gap_kb; /* worker: address space not resident at start (KiB),
	                            to tell an RLIMIT_AS death from its peak RSS */
};

struct scan_input;

/* Worker: map the page from WP_PROGRESS_FD (before the sandbox); 0, or -1 when
 * there is none. */
int wprog_attach(void);
/* Worker: a scan (or extraction) starts on SOCK, lane LANE: part 0 (the message). */
void wprog_begin(int sock, int lane);
/* Worker: the message is done, its report about to be sent: no lane. */
void wprog_end(void);
/* Worker, tests only: called with every part after the page is updated. */
extern void (*wprog_test_hook)(const struct scan_input *in);

#endif
