/*
 * reload.h: SIGHUP's work, in a thread of its own. See reload.c.
 */
#ifndef EMBARGO_RELOAD_H
#define EMBARGO_RELOAD_H

#include "daemon/config.h"

struct scan_gate;

/* Start the reload thread. BOOT is the snapshot the daemon started with (its
 * restart-only settings are copied); SOCK_FIXED: the socket came from -p. */
int reload_start(const char *config_file, const struct em_config *boot, int sock_fixed,
    struct scan_gate *gate);
/* Ask for a reload (from the signal thread); requests made while one runs are
 * merged into one more. */
void reload_request(void);

#endif
