/*
 * wchan.h: frames of the worker protocol (wproto.h) over a SOCK_SEQPACKET socket:
 * one frame per packet, an optional descriptor attached with SCM_RIGHTS.
 *
 * Promises: wc_recv reads one packet of at most WP_MAX_FRAME bytes into a buffer it
 * allocates, refuses a truncated packet (MSG_TRUNC) or unexpected descriptors (they
 * are closed), and checks the frame header. Used by both sides; the daemon side gives
 * a deadline (poll) so a worker that never answers costs at most that.
 */
#ifndef EMBARGO_WCHAN_H
#define EMBARGO_WCHAN_H

#include <stddef.h>

#include "worker/wproto.h"

/* Send TYPE with LEN payload bytes, and FD when >= 0. Returns 0 or -1. */
int wc_send(int sock, enum wp_type type, const void *payload, size_t len, int fd);

/*
 * Wait at most TIMEOUT_MS (-1: forever) for one frame of TYPE. Returns 0 with
 * *PAYLOAD (malloc'd, the caller frees) and *LEN, and *FD (-1 when none; only when
 * FD is not NULL, else a descriptor is refused); -1 on error or malformed frame,
 * -2 on timeout, -3 when the peer closed.
 */
int wc_recv(int sock, enum wp_type type, int timeout_ms, unsigned char **payload,
    size_t *len, int *fd);

#endif
