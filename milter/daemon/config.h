/*
 * config.h: the daemon's configuration, loaded from a libconfig file into one
 * immutable, reference-counted snapshot.
 *
 * Load builds and validates the whole snapshot (every key checked against a table of
 * name, type, default and range; unknown keys rejected with file:line), compiles the
 * YARA rules and loads the policy file, or fails with an error naming file and line.
 * libconfig strings are copied out and the config_t destroyed (libconfig is not
 * thread-safe). Each message pins one snapshot (config_get/config_put); SIGHUP builds
 * a new one and swaps it in whole; a failed reload keeps the old one.
 */
#ifndef EMBARGO_CONFIG_H
#define EMBARGO_CONFIG_H

#include <stddef.h>

#include "core/scan.h"
#include "core/strbuf.h"

enum on_error {
	ON_ERROR_TEMPFAIL = 0, /* the MTA keeps the message and retries (default) */
	ON_ERROR_ACCEPT,       /* deliver unscanned (logged) */
	ON_ERROR_REJECT,       /* refuse with 550 */
};

struct policy;

struct em_config {
	int refs;           /* guarded by the config lock */
	char *file;         /* the file this was loaded from */
	char *socket;       /* inet:PORT@HOST, inet6:PORT@HOST, unix:/path */
	int socket_mode;    /* for unix sockets */
	char *socket_group; /* group of a unix socket; "": the user's group */
	char *user;         /* "" or NULL: do not change user */
	char *pid_file;
	int log_facility; /* syslog facility */
	int log_level;    /* syslog priority: messages above it are dropped */
	enum on_error on_error;
	int milter_timeout; /* seconds, smfi_settimeout */
	int backlog;        /* listen(2) backlog, smfi_setbacklog */
	char *quarantine_dir;
	char *quarantine_db;   /* "": SQLite in quarantine_dir; else libpq conninfo/URI */
	char *host_name;       /* recorded in each entry; "": gethostname() */
	int db_timeout;        /* seconds: PostgreSQL connect, statement, pool wait */
	char *release_command; /* sendmail-compatible program for releases */
	int ppap_window;       /* seconds an awaiting-password entry waits (ppap.c) */
	char *review_group;    /* group that may read the quarantine ("": none) */
	char *tmp_dir;         /* spool files */
	char *policy_file;
	char **yara_paths;
	size_t nyara;
	int scan_workers;         /* N embargo-worker; 0: one per online core */
	char *worker_program;     /* the embargo-worker program */
	char *worker_user;        /* "": the daemon's user */
	size_t worker_memory;     /* RLIMIT_AS of a worker */
	int worker_deadline;      /* seconds a worker may take on one message */
	char *web_listen;         /* embargo-web: "HOST:PORT" ("[::1]:PORT") */
	char *web_users;          /* embargo-web: user:hash:role[:domains] file */
	int web_session_idle;     /* embargo-web: seconds a session may stay idle */
	char *digest_templates;   /* digest: folder of digest.LANG.txt/.html */
	char *digest_language;    /* digest: "en" or "ja" */
	char *digest_from;        /* digest: sender address of digests and notices */
	char *web_url;            /* digest: embargo-web's base URL, for the links */
	int digest_link_ttl;      /* digest: seconds a link stays valid */
	char *admin_notice;       /* digest --notice: admin address ("": none) */
	int notice_interval;      /* admin_notice_interval: seconds between notices */
	int log_json;             /* log_format: 0 "kv", 1 "json" (summary line) */
	char *control_socket;     /* the daemon's stats socket ("": none) */
	char *metrics_listen;     /* embargo-web: "HOST:PORT" for /metrics ("": none) */
	struct scan_config scan;  /* limits and compiled rules, for the scanners */
	struct yara_rules *rules; /* owned; scan.rules[0] points here */
	struct policy *policy;    /* owned */

	/* the workers' back-off (workers.h): worker_backoff_deaths deaths within
	 * worker_backoff_seconds make the daemon tempfail */
	int worker_backoff_deaths;
	int worker_backoff_seconds;
	int worker_max_use; /* messages per worker, then a fresh one; 0: no limit */
};

/* Load and validate FILE (NULL: the built-in defaults and the built-in policy, for
 * embargo-scan without a config file). On failure returns NULL and appends "file:line: message"
 * lines to ERR. */
struct em_config *config_load(const char *file, struct strbuf *err);
/* Free a snapshot nobody holds (used on load failure and by config_put). */
void config_free(struct em_config *c);

/* The process-wide current snapshot. */
void config_install(struct em_config *c); /* takes ownership; old one is put */
struct em_config *config_get(void);       /* +1 reference; never NULL once installed */
void config_put(struct em_config *c);     /* -1 reference; NULL-safe */

/* Parse "0660"-style modes and on_error names; exposed for tests. */
int config_parse_on_error(const char *s, enum on_error *out);
const char *config_on_error_name(enum on_error e);

/* Compile YARA rules at config_load with LOAD (freed with RELEASE). Without it
 * (the daemon) rules are left to the workers; config_use_yara sets libyara's. */
struct yara_rules;
void
config_rules_ops(struct yara_rules *(*load)(const char *const *, size_t, struct strbuf *),
    void (*release)(struct yara_rules *));
void config_use_yara(void);

#endif
