/*
 * store_deliver.h: deliver a stored message with the release marker, outside
 * embargo-quarantine (the daemon's automatic release, daemon/ppap.c). The caller
 * has won store_release_begin and ends with store_release_end.
 */
#ifndef EMBARGO_STORE_DELIVER_H
#define EMBARGO_STORE_DELIVER_H

#include <stddef.h>

#include "core/strbuf.h"
#include "store/store.h"

#define STORE_DELIVER_BATCH 100 /* recipients per run of the release command */

/* The body hash of the marker (store_mark.h) of the whole message in FD. 0 or -1. */
int store_body_hash_fd(int fd, char body[65]);

/* A temporary file *OUT holding the marker headers of entry E (released by WHO, a
 * plain word), the header lines EXTRA ("Name: value\r\n"..., or NULL, the caller
 * bounds and sanitises them), then the stored message IN. DIR: the store. 0 or -1
 * (reason in ERR). */
int store_release_copy(const char *dir, const struct store_entry *e, const char *who,
    const char *extra, int in, int *out, struct strbuf *err);

/* Run CMD -i -f SENDER -- RCPT... (no shell, a clean environment) with FD as its
 * standard input; 0 when it exited 0. */
int store_release_run(
    const char *cmd, const char *sender, int fd, const char *const *rc, size_t n);

/* FD to every stored recipient of E, in batches; DONE gets those delivered. 0 when
 * every batch was accepted, -1 otherwise. */
int
store_release_deliver(const char *cmd, const struct store_entry *e, int fd, size_t *done);

#endif
