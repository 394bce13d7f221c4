/*
 * log.h: the daemon's log: syslog, or stderr in the foreground (-f) and for the
 * command-line tools. Every line about a message starts with its queue id.
 * Attacker-controlled text must go through sb_safe() (strbuf.h) before it is logged.
 * Thread-safe.
 */
#ifndef EMBARGO_LOG_H
#define EMBARGO_LOG_H

#include <syslog.h>

/* TO_STDERR: log to stderr with a timestamp, else syslog with FACILITY. */
void log_open(const char *ident, int to_stderr, int facility);
/* Drop messages less important than LEVEL (a syslog priority such as LOG_INFO). */
void log_set_level(int level);
void log_close(void);

/* One line. QID may be NULL for lines not about a message. */
void log_msg(int level, const char *qid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
