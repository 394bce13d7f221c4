/*
 * spool.h: where decoded bytes wait for analysis. In memory up to a limit, then in
 * an unlinked temporary file, so memory per part is bounded whatever its size.
 *
 * Life: spool_new, spool_write... (append only), then any number of spool_map /
 * spool_pread, then spool_free. Not thread-safe; one owner.
 */
#ifndef EMBARGO_SPOOL_H
#define EMBARGO_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

struct spool;

/* MEM_MAX: bytes kept in memory before moving to a file in TMPDIR (NULL: $TMPDIR or
 * /tmp; SPOOL_MEMFD: an anonymous memfd, for the sandboxed worker that may open no
 * path, bounded by its RLIMIT_FSIZE and RLIMIT_AS). Returns NULL when out of memory. */
#define SPOOL_MEMFD "memfd:"
struct spool *spool_new(size_t mem_max, const char *tmpdir);
void spool_free(struct spool *s);

/* Append. EM_TEMPFAIL when memory or the temp file fails (disk full). */
em_status spool_write(struct spool *s, const void *p, size_t n);

uint64_t spool_size(const struct spool *s);

/*
 * A read-only view of the first min(size, MAX) bytes: *data, *len. For a file spool
 * the bytes are mmap'd; the view stays valid until spool_free or the next spool_write.
 * An empty spool gives *data = "" and *len = 0. EM_TEMPFAIL when the map fails.
 */
em_status spool_map(struct spool *s, size_t max, const unsigned char **data, size_t *len);

/* A file spool's descriptor, its bytes all written (flushed); -1 while the spool is
 * in memory or when the flush fails. Still the spool's: never closed by the caller. */
int spool_fd(struct spool *s);

/* Read up to N bytes at OFF into BUF; *got is 0 at the end. */
em_status spool_pread(struct spool *s, uint64_t off, void *buf, size_t n, size_t *got);

/* The spool needs no SHA-256 (call before the first write): writes skip the digest
 * and spool_sha256 gives "". */
void spool_unhashed(struct spool *s);

/* The SHA-256 of everything written so far, as 64 hex digits and a NUL ("" for an
 * unhashed spool). */
void spool_sha256(struct spool *s, char hex[65]);

#endif
