/*
 * log.c: syslog or stderr lines (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "core/strbuf.h"

/* Set once at start-up (before threads) and on reload by the one reload thread. */
static int log_stderr = 1;
static int log_level = LOG_INFO;
static const char *log_ident = "embargo";

void
log_open(const char *ident, int to_stderr, int facility)
{
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void
log_set_level(int level)
{
	log_level = level;
}

void
log_close(void)
{
	if (!log_stderr)
		closelog();
}

static const char *
level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void
log_msg(int level, const char *qid, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (level > log_level)
		return;
	sb_init(&sb, 8192);
	if (qid != NULL && *qid != '\0') {
		sb_adds(&sb, qid);
		sb_adds(&sb, ": ");
	}
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (log_stderr) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;

		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
		fprintf(stderr, "%s %s[%s]: %s\n", ts, log_ident, level_name(level),
		    sb_str(&sb));
	} else {
		syslog(level, "%s", sb_str(&sb));
	}
	sb_free(&sb);
}
