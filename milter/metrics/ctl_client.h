/*
 * ctl_client.h: asking the daemon's control socket (daemon/control.h) one command,
 * for `embargo-quarantine stats --live` and embargo-web's /metrics.
 *
 * Promises: connects, sends CMD and a newline, reads the whole answer within
 * CTL_CLIENT_TIMEOUT_MS and under CTL_CLIENT_MAX bytes. No state; any thread.
 */
#ifndef EMBARGO_CTL_CLIENT_H
#define EMBARGO_CTL_CLIENT_H

#include "core/strbuf.h"

#define CTL_CLIENT_TIMEOUT_MS 5000
#define CTL_CLIENT_MAX        (4u << 20)

/* The answer to CMD from the socket at PATH into OUT: 0; -1 with the reason in ERR
 * (cannot connect, timeout, too long, or the daemon's "error: ..." line). */
int ctl_fetch(const char *path, const char *cmd, struct strbuf *out, struct strbuf *err);

#endif
