/*
 * release_pass.h: recognise a message embargo-quarantine released (store_mark.h):
 * its X-Embargo-Released / X-Embargo-Release-Auth pair is checked against the
 * release key and the index, and a valid one is delivered without a second scan
 * (logged as a release pass). An invalid or forged pair is removed from the
 * message and logged; the message is then scanned like any other.
 */
#ifndef EMBARGO_RELEASE_PASS_H
#define EMBARGO_RELEASE_PASS_H

#include "daemon/milter.h"
#include "store/store.h"

/* 1 valid (QID gets the quarantine id), 0 no marker or a removed invalid one,
 * -1 the MTA failed while removing headers (the caller tempfails). */
int release_pass(SMFICTX *ctx, const struct msg *m, char qid[STORE_ID_LEN + 1]);

#endif
