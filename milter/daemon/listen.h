/*
 * listen.h: the milter socket: its syntax, whether another process holds it, and
 * creating it with its owner, group and mode set at creation (no chown or chmod of
 * a path afterwards). See listen.c.
 */
#ifndef EMBARGO_LISTEN_H
#define EMBARGO_LISTEN_H

#include <sys/types.h>

#include "core/strbuf.h"
#include "daemon/config.h"

/* 0 if SOCK is unix:/abs, local:/abs, inet:PORT[@HOST] or inet6:PORT[@HOST]; else -1
 * and one line in ERR. *PATH (may be NULL) gets the unix path or NULL. */
int listen_parse(const char *sock, const char **path, struct strbuf *err);
/* 1 if a process already accepts on SOCK (or its address is taken), 0 if free, -1
 * with a line in ERR if the address cannot be used at all. */
int listen_in_use(const char *sock, struct strbuf *err);
/* Register the milter and open SOCK for it. When root with a run-as user UID, a unix
 * socket is created with effective ids UID:GID (falling back to root:GID when its
 * folder is not writable by UID) and umask ~socket_mode, so it appears with the
 * right owner, group and mode. 0 or -1 with a line in ERR. */
int listen_open(const struct em_config *cfg, const char *sock, uid_t uid, gid_t gid,
    struct strbuf *err);
/* Remove a unix socket at stop (nothing for inet). */
void listen_remove(const char *sock);

#endif
