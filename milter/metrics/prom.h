/*
 * prom.h: writing the Prometheus text exposition format (version 0.0.4), shared by
 * the daemon (daemon/metrics_prom.c) and embargo-web's /metrics.
 *
 * Promises: every name given is written as is (callers pass constant embargo_*
 * names); label values and HELP text are escaped as the format asks (backslash,
 * double quote and newline in label values; backslash and newline in HELP), and
 * bytes that are not UTF-8 become U+FFFD, so the output always parses.
 * Limits: one label per sample at most (all Embargo needs). No state, any thread.
 */
#ifndef EMBARGO_PROM_H
#define EMBARGO_PROM_H

#include <stdint.h>

#include "core/strbuf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP NAME HELP\n# TYPE NAME TYPE\n" (TYPE: counter, gauge, histogram). */
void prom_head(struct strbuf *sb, const char *name, const char *type, const char *help);
/* Append V escaped for a label value (without the quotes). */
void prom_label_value(struct strbuf *sb, const char *v);
/* "NAME{LABEL="VALUE"} N\n"; LABEL NULL: no braces. */
void prom_u64(struct strbuf *sb, const char *name, const char *label, const char *value,
    uint64_t n);
/* The same with a floating-point value (%.9g; +Inf, -Inf, NaN as the format has them). */
void prom_f64(
    struct strbuf *sb, const char *name, const char *label, const char *value, double v);

#endif
