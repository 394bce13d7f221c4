/*
 * wchan.h: frames of the worker protocol (wproto.h) over a SOCK_SEQPACKET socket:
 * one frame in one packet, or in several of WC_PACKET bytes when larger, an
 * optional descriptor attached to the first with SCM_RIGHTS.
 *
 * Promises: wc_recv reads one frame of at most WP_MAX_FRAME bytes into a buffer of
 * the size its header claims, refuses a truncated packet (MSG_TRUNC), a packet past
 * the claimed length, unexpected descriptors (they are closed) or a bad header. Used
 * by both sides; the daemon side gives a deadline (poll) for the whole frame, so a
 * worker that never answers, or trickles, costs at most that.
 */
#ifndef EMBARGO_WCHAN_H
#define EMBARGO_WCHAN_H

#include <stddef.h>

#include "worker/wproto.h"

#define WC_PACKET (64u * 1024) /* bytes of one packet, header included */

/* Send TYPE with LEN payload bytes, and FD when >= 0. Returns 0 or -1. */
int wc_send(int sock, enum wp_type type, const void *payload, size_t len, int fd);

/*
 * Wait at most TIMEOUT_MS (-1: forever) for one frame of TYPE. Returns 0 with
 * *PAYLOAD (malloc'd, the caller frees) and *LEN, and *FD (-1 when none; only when
 * FD is not NULL, else a descriptor is refused); -1 on error or malformed frame,
 * -2 on timeout, -3 when the peer closed (or reset: it died with a frame of ours unread).
 */
int wc_recv(int sock, enum wp_type type, int timeout_ms, unsigned char **payload,
    size_t *len, int *fd);

#endif
