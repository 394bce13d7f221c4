/*
 * xlm.h: Excel 4.0 (XLM) macros and encryption in a BIFF5/BIFF8 workbook stream
 * (the Workbook or Book stream of an .xls/.xlt file).
 */
#ifndef EMBARGO_XLM_H
#define EMBARGO_XLM_H

#include <stddef.h>

#include "core/scan.h"

#define XLM_MAX_RECORDS 4000000u /* records walked in one stream (scan.limit) */

/*
 * Walk the BIFF records of WB/LEN (part PART): macro sheets (BOUNDSHEET dt=1, BOF
 * of a macro sheet substream) with their visibility, FORMULA records whose tokens
 * call macro functions (EXEC, CALL, REGISTER, RUN, FORMULA, FORMULA.FILL, HALT,
 * GOTO, ...), Auto_Open/Auto_Close names (built-in and spelled out) give one
 * macro.xlm finding. FILEPASS gives doc.encrypted, unless Excel's default password
 * or one harvested from the message opens the stream (RC4, RC4 CryptoAPI): then the
 * walk goes on decrypted (doc.unlocked for a harvested password) and, when PLAIN is
 * not NULL, *PLAIN is the decrypted stream (LEN bytes, the caller frees it; NULL
 * when nothing was decrypted). FIRST: 0 tries Excel's default password and every
 * candidate; K > 0 starts at candidate K (a retry, which reports only when it
 * opens the stream). *LOCKED (when not NULL) says a password could open the
 * stream but none did. Malformed records end the walk with scan.error.
 * Returns EM_OK, EM_LIMIT or EM_TEMPFAIL.
 */
em_status xlm_scan(struct scan_ctx *ctx, int part, const unsigned char *wb, size_t len,
    unsigned first, unsigned char **plain, int *locked);

#endif
