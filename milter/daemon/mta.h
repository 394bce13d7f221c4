/*
 * mta.h: the one module that calls libmilter's smfi_* message functions. Each call
 * is logged on failure with the queue id, and returns 0 on success, -1 on failure.
 * Callers never call smfi_* directly (tests and readers find every MTA effect here).
 */
#ifndef EMBARGO_MTA_H
#define EMBARGO_MTA_H

#include <stddef.h>

#include <libmilter/mfapi.h>

const char *mta_macro(SMFICTX *ctx, const char *name);
int mta_add_header(SMFICTX *ctx, const char *qid, const char *name, const char *value);
/* Change the INDEX-th (1-based) header NAME; VALUE NULL deletes it. */
int mta_change_header(
    SMFICTX *ctx, const char *qid, const char *name, int index, const char *value);
int mta_replace_body(SMFICTX *ctx, const char *qid, const unsigned char *p, size_t n);
/* RCODE like "550", XCODE like "5.7.1", TEXT one line (escaped by the caller). */
int mta_set_reply(SMFICTX *ctx, const char *qid, const char *rcode, const char *xcode,
    const char *text);
int mta_hold(SMFICTX *ctx, const char *qid, const char *reason);

#endif
