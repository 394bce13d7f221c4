/*
 * wcrash.h: the copy of the input that killed a scan worker, for the admin and the
 * fuzz regressions: QUARANTINE_DIR/crashes/<sha256>.bin.
 *
 * Promises: wcrash_keep asks a fresh worker for the bytes of the part the dead one
 * was on (wpool_extract: the pipeline runs up to that part, which its parent already
 * decoded) and writes them 0600 under crashes/ (made 0700), named by their SHA-256
 * so the same input is kept once; written to a temporary name, synced, renamed. At
 * most WCRASH_MAX_FILES files and WCRASH_MAX_BYTES bytes in the folder: past that,
 * nothing more is written (the message itself is quarantined anyway). HEX gets the
 * name's hash, or "" when nothing was kept, and WHY a short reason then.
 * Limits: the count and size are scanned per death (the folder is small by
 * construction); a part the fresh worker does not reach (it dies earlier, e.g. in
 * the parent's decoder) is not kept; a part over WP_PART_MAX is kept truncated.
 */
#ifndef EMBARGO_WCRASH_H
#define EMBARGO_WCRASH_H

#include <stdint.h>

#include "daemon/workers.h"

#define WCRASH_MAX_FILES 100
#define WCRASH_MAX_BYTES (256ull << 20)

void wcrash_keep(struct wpool *p, const char *qdir, int fd, uint64_t size, int part,
    char hex[65], const char **why);

#endif
