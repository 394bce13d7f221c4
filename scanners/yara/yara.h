/*
 * yara.h: admin YARA rules. Compiled once per config load into an immutable object
 * shared by every thread; each message gets its own scanner state (struct yara_msg,
 * created lazily by yara_scan and freed by yara_msg_free through scan_free).
 */
#ifndef EMBARGO_YARA_H
#define EMBARGO_YARA_H

#include <stddef.h>

#include "core/strbuf.h"

struct yara_rules;

/*
 * Compile every rule file named in PATHS (files, or folders whose *.yar / *.yara
 * files are read in name order; precompiled rules where a file is one). Returns the
 * rules, or NULL with "file:line: message" lines appended to ERR.
 */
struct yara_rules *
yara_rules_load(const char *const *paths, size_t npaths, struct strbuf *err);
void yara_rules_free(struct yara_rules *rules);
/* Number of rules compiled (for logs). */
unsigned yara_rules_count(const struct yara_rules *rules);

/* libyara's process-wide setup; call once before any thread uses YARA. 0 or -1. */
int yara_global_init(void);
void yara_global_fini(void);

#endif
