/*
 * vocab.h: the vocabulary of finding names, the one language between the scanners
 * and the policy.
 *
 * A finding name is dotted and stable: the policy file, the log line, the X-Embargo
 * headers, the quarantine index and the JSON output all use it. Every name a scanner
 * may emit is listed in vocab.c with its default severity and a one-line meaning;
 * `embargo-scan --list-findings` prints that table. The one open family is
 * `yara.<rule>`, named by the admin's rules.
 */
#ifndef EMBARGO_VOCAB_H
#define EMBARGO_VOCAB_H

#include <stddef.h>

enum severity {
	SEV_INFO = 0, /* for the record: a fact about the message, not a risk */
	SEV_LOW,      /* an anomaly worth a tag */
	SEV_MEDIUM,   /* active or uninspectable content: review */
	SEV_HIGH,     /* content that executes or hides execution: block */
	SEV_CRITICAL, /* known-bad: block */
};

struct vocab_entry {
	const char *name;
	enum severity sev;
	const char *meaning;
};

/* The entry for NAME, or NULL when NAME is not in the vocabulary.
 * Names under "yara." match the entry "yara.*". */
const struct vocab_entry *vocab_find(const char *name);

/* The whole table, *n entries. */
const struct vocab_entry *vocab_all(size_t *n);

/* "info", "low", "medium", "high", "critical". */
const char *severity_name(enum severity s);

/* Parse a severity name; returns 0 and sets *out, or -1. */
int severity_parse(const char *s, enum severity *out);

#endif
