/*
 * store_start.h: check and repair the quarantine store when the daemon starts
 * (see store_start.c).
 */
#ifndef EMBARGO_STORE_START_H
#define EMBARGO_STORE_START_H

#include "daemon/config.h"

void store_start(const struct em_config *cfg);

#endif
