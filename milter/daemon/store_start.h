/*
 * store_start.h: check and repair the quarantine store when the daemon starts
 * (see store_start.c).
 */
#ifndef EMBARGO_STORE_START_H
#define EMBARGO_STORE_START_H

#include "daemon/config.h"

void store_start(const struct em_config *cfg);
/* The store's back end from CFG (quarantine_db, host_name or gethostname(), a pool
 * of scan_parallel connections, db_timeout): once, before any store_open. A change
 * of these keys takes a restart (a reload keeps the first). */
void store_configure(const struct em_config *cfg);

#endif
