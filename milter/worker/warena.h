/*
 * warena.h: the message arena between the daemon and one embargo-worker: a memfd
 * the daemon writes a message into and the worker maps once, read-only, on
 * descriptor WP_ARENA_FD, so that a message in memory reaches the worker with one
 * copy and no mapping made or torn down per message (each munmap of a worker's
 * per-message mapping cost a TLB shootdown across the cores).
 *
 * Promises: the worker's descriptor is a read-only reopening of the memfd: it can
 * neither write the daemon's bytes nor map them writable. The daemon never reads the
 * arena back (the copy kept for crashes/ comes from its own spool). A WP_SCAN with no
 * descriptor attached means "SIZE bytes at the start of the lane's part" (wproto.h).
 * The arena holds one part per lane (wproto.h): the daemon makes it WP_LANES times
 * the in-memory spool limit, the worker divides what it mapped by the lanes it has.
 * Limits: one message at a time per lane's part; a message larger than a part
 * travels in its own memfd or file, as before.
 */
#ifndef EMBARGO_WARENA_H
#define EMBARGO_WARENA_H

#include <stddef.h>

#define WP_ARENA_FD 5

/* Daemon: a memfd of CAP bytes: *RW for the daemon, *RO (read-only) for the
 * worker. 0, or -1 with nothing open. */
int warena_new(size_t cap, int *rw, int *ro);

/* Worker: map WP_ARENA_FD (before the sandbox) and close it; 0 with *BASE and *LEN,
 * or -1 when the daemon gave none (*LEN is then 0). */
int warena_attach(const unsigned char **base, size_t *len);

#endif
