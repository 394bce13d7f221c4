/*
 * config.c: load, validate and share the configuration snapshot (see config.h).
 *
 * Every key is a row in config_keys[]: name (with its group), type, where it goes,
 * default and range. Sizes accept integers or strings with K/M/G suffixes. Limits are
 * checked against the compiled ceilings in scanners/core/limits.h (LIMITS).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <syslog.h>

#include <libconfig.h>

#include "daemon/config.h"
#include "daemon/workers.h"
#include "policy/policy.h"

enum key_type {
	K_STR,      /* char * */
	K_UINT,     /* unsigned */
	K_INT,      /* int */
	K_SIZE,     /* size_t, integer or "32M" */
	K_U64,      /* uint64_t, integer or "512M" */
	K_MODE,     /* int, octal string "0660" */
	K_FACILITY, /* int, syslog facility name */
	K_LEVEL,    /* int, syslog level name */
	K_ONERROR,  /* enum on_error */
	K_LOGFMT,   /* int: 0 "kv", 1 "json" */
	K_STRLIST,  /* char **, size_t count right after */
};

struct config_key {
	const char *group; /* NULL for top level */
	const char *name;
	enum key_type type;
	size_t off;
	const char *def;   /* default, as text */
	uint64_t min, max; /* numeric range */
};

#define OFF(f) offsetof(struct em_config, f)
#define LIM(f) offsetof(struct em_config, scan.lim.f)

/* Defaults as text; test_config checks they equal scan_limits_default(). */
static const struct config_key config_keys[] = {
	{ NULL, "socket", K_STR, OFF(socket),
	    "unix:/var/spool/postfix/embargo/embargo.sock", 0, 0 },
	{ NULL, "socket_mode", K_MODE, OFF(socket_mode), "0660", 0, 0777 },
	{ NULL, "socket_group", K_STR, OFF(socket_group), "", 0, 0 },
	{ NULL, "user", K_STR, OFF(user), "embargo", 0, 0 },
	{ NULL, "pid_file", K_STR, OFF(pid_file), "/run/embargo/embargo.pid", 0, 0 },
	{ NULL, "log_facility", K_FACILITY, OFF(log_facility), "mail", 0, 0 },
	{ NULL, "log_level", K_LEVEL, OFF(log_level), "info", 0, 0 },
	{ NULL, "on_error", K_ONERROR, OFF(on_error), "tempfail", 0, 0 },
	{ NULL, "milter_timeout", K_INT, OFF(milter_timeout), "300", 1, 86400 },
	{ NULL, "backlog", K_INT, OFF(backlog), "128", 1, 65535 },
	{ NULL, "quarantine_dir", K_STR, OFF(quarantine_dir),
	    "/var/lib/embargo/quarantine", 0, 0 },
	{ NULL, "release_command", K_STR, OFF(release_command), "/usr/sbin/sendmail", 0,
	    0 },
	{ NULL, "ppap_window", K_INT, OFF(ppap_window), "900", 1, 86400 },
	{ NULL, "quarantine_db", K_STR, OFF(quarantine_db), "", 0, 0 },
	{ NULL, "host_name", K_STR, OFF(host_name), "", 0, 0 },
	{ NULL, "db_timeout", K_INT, OFF(db_timeout), "5", 1, 300 },
	{ NULL, "review_group", K_STR, OFF(review_group), "embargo", 0, 0 },
	{ NULL, "tmp_dir", K_STR, OFF(tmp_dir), "/var/lib/embargo/tmp", 0, 0 },
	{ NULL, "policy_file", K_STR, OFF(policy_file), "/etc/embargo/policy.conf", 0,
	    0 },
	{ NULL, "yara_rules", K_STRLIST, OFF(yara_paths), "", 0, 0 },
	{ NULL, "scan_workers", K_INT, OFF(scan_workers), "0", 0, 256 },
	{ NULL, "worker_program", K_STR, OFF(worker_program), "", 0, 0 },
	{ NULL, "worker_user", K_STR, OFF(worker_user), "", 0, 0 },
	{ NULL, "worker_memory", K_SIZE, OFF(worker_memory), "2G", 64 << 20,
	    (uint64_t)64 << 30 },
	{ NULL, "worker_deadline", K_INT, OFF(worker_deadline), "300", 1, 86400 },
	/* defaults: WPOOL_BACKOFF_DEATHS, WPOOL_BACKOFF_SECONDS (test_config) */
	{ NULL, "worker_max_use", K_INT, OFF(worker_max_use), "10000", 0, 100000000 },
	{ NULL, "worker_backoff_deaths", K_INT, OFF(worker_backoff_deaths), "5", 1,
	    WPOOL_BACKOFF_DEATHS_MAX },
	{ NULL, "worker_backoff_seconds", K_INT, OFF(worker_backoff_seconds), "10", 1,
	    WPOOL_BACKOFF_SECONDS_MAX },
	{ NULL, "web_listen", K_STR, OFF(web_listen), "127.0.0.1:8891", 0, 0 },
	{ NULL, "web_users", K_STR, OFF(web_users), "/etc/embargo/web_users", 0, 0 },
	{ NULL, "web_session_idle", K_INT, OFF(web_session_idle), "1800", 60, 86400 },
	{ NULL, "digest_templates", K_STR, OFF(digest_templates), "/etc/embargo/digest",
	    0, 0 },
	{ NULL, "digest_language", K_STR, OFF(digest_language), "en", 0, 0 },
	{ NULL, "digest_from", K_STR, OFF(digest_from), "", 0, 0 },
	{ NULL, "web_url", K_STR, OFF(web_url), "http://127.0.0.1:8891", 0, 0 },
	{ NULL, "digest_link_ttl", K_INT, OFF(digest_link_ttl), "604800", 300, 7776000 },
	{ NULL, "admin_notice", K_STR, OFF(admin_notice), "", 0, 0 },
	{ NULL, "admin_notice_interval", K_INT, OFF(notice_interval), "600", 60, 86400 },
	{ NULL, "log_format", K_LOGFMT, OFF(log_json), "kv", 0, 0 },
	{ NULL, "control_socket", K_STR, OFF(control_socket), "/run/embargo/control", 0,
	    0 },
	{ NULL, "metrics_listen", K_STR, OFF(metrics_listen), "", 0, 0 },
#define LIMIT_KEY(name, type, min, def, text, ceil, what) \
	{ "limits", #name, K_##type, LIM(name), text, min, (uint64_t)(ceil) },
	LIMITS(LIMIT_KEY)
#undef LIMIT_KEY
};
#define NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON },
	{ "user", LOG_USER },
	{ "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};
static const struct {
	const char *name;
	int value;
} levels[] = {
	{ "error", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "notice", LOG_NOTICE },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};
static const char *const on_error_names[] = { "tempfail", "accept", "reject" };

int
config_parse_on_error(const char *s, enum on_error *out)
{
	unsigned i;

	for (i = 0; i < sizeof(on_error_names) / sizeof(on_error_names[0]); i++)
		if (strcmp(s, on_error_names[i]) == 0) {
			*out = (enum on_error)i;
			return 0;
		}
	return -1;
}

const char *
config_on_error_name(enum on_error e)
{
	return (unsigned)e < 3 ? on_error_names[e] : "?";
}

/* "123", "64K", "32M", "1G" -> bytes. */
static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k':
	case 'K': mul = 1024, end++; break;
	case 'm':
	case 'M': mul = 1024 * 1024, end++; break;
	case 'g':
	case 'G': mul = 1024ull * 1024 * 1024, end++; break;
	default: return -1;
	}
	if (*end != '\0' || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static void err_at(struct strbuf *err, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
err_at(struct strbuf *err, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	sb_printf(err, "%s:%d: ", file, line);
	va_start(ap, fmt);
	sb_vprintf(err, fmt, ap);
	va_end(ap);
	sb_addc(err, '\n');
}

/* Store text value V for key K into C. Returns 0 or -1 with *why set. */
static int
store_text(
    struct em_config *c, const struct config_key *k, const char *v, const char **why)
{
	char *p = (char *)c + k->off;
	uint64_t n;
	char *end;
	unsigned i;

	switch (k->type) {
	case K_STR:
		free(*(char **)p);
		*(char **)p = strdup(v);
		return *(char **)p ? 0 : (*why = "out of memory", -1);
	case K_UINT:
	case K_INT:
	case K_SIZE:
	case K_U64:
		if (parse_size(v, &n) != 0)
			return *why = "not a number (sizes may end in K, M or G)", -1;
		if (n < k->min || n > k->max)
			return *why = "out of range", -1;
		if (k->type == K_UINT)
			*(unsigned *)p = (unsigned)n;
		else if (k->type == K_INT)
			*(int *)p = (int)n;
		else if (k->type == K_SIZE)
			*(size_t *)p = (size_t)n;
		else
			*(uint64_t *)p = n;
		return 0;
	case K_MODE:
		errno = 0;
		n = strtoull(v, &end, 8);
		if (errno || *v == '\0' || *end != '\0' || n > k->max)
			return *why = "not an octal mode such as \"0660\"", -1;
		*(int *)p = (int)n;
		return 0;
	case K_FACILITY:
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
			if (strcmp(v, facilities[i].name) == 0)
				return *(int *)p = facilities[i].value, 0;
		return *why = "unknown syslog facility (mail, daemon, user, local0..7)",
		       -1;
	case K_LEVEL:
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (strcmp(v, levels[i].name) == 0)
				return *(int *)p = levels[i].value, 0;
		return *why = "unknown level (error, warning, notice, info, debug)", -1;
	case K_ONERROR:
		if (config_parse_on_error(v, (enum on_error *)p) != 0)
			return *why = "must be \"tempfail\", \"accept\" or \"reject\"",
			       -1;
		return 0;
	case K_LOGFMT:
		if (strcmp(v, "kv") != 0 && strcmp(v, "json") != 0)
			return *why = "must be \"kv\" or \"json\"", -1;
		return *(int *)p = strcmp(v, "json") == 0, 0;
	case K_STRLIST: return *why = "internal: list given as text", -1;
	}
	return *why = "internal: bad key type", -1;
}

static int
store_list(struct em_config *c, const struct config_key *k, config_setting_t *s,
    const char **why)
{
	char ***lp = (char ***)((char *)c + k->off);
	size_t *np = (size_t *)((char *)c + k->off + sizeof(char **));
	int i, n = config_setting_length(s);

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return *why = "must be a list of strings: [ \"a\", \"b\" ]", -1;
	if (n > 64)
		return *why = "more than 64 entries", -1;
	*lp = calloc((size_t)n + 1, sizeof(char *));
	if (*lp == NULL)
		return *why = "out of memory", -1;
	for (i = 0; i < n; i++) {
		const char *v = config_setting_get_string_elem(s, i);

		if (v == NULL)
			return *why = "must be a list of strings", -1;
		if (((*lp)[i] = strdup(v)) == NULL)
			return *why = "out of memory", -1;
		*np = (size_t)i + 1;
	}
	return 0;
}

/* One setting from the file: find its key, convert, store. */
static int
load_setting(struct em_config *c, config_setting_t *s, const char *group,
    const char *file, struct strbuf *err)
{
	const char *name = config_setting_name(s), *why = NULL;
	int line = (int)config_setting_source_line(s);
	char num[64];
	unsigned i;

	for (i = 0; i < NKEYS; i++) {
		const struct config_key *k = &config_keys[i];

		if (strcmp(k->name, name) != 0 || (group == NULL) != (k->group == NULL) ||
		    (group != NULL && strcmp(group, k->group) != 0))
			continue;
		if (k->type == K_STRLIST) {
			if (store_list(c, k, s, &why) == 0)
				return 0;
		} else if (config_setting_type(s) == CONFIG_TYPE_STRING) {
			if (store_text(c, k, config_setting_get_string(s), &why) == 0)
				return 0;
		} else if (config_setting_type(s) == CONFIG_TYPE_INT ||
		    config_setting_type(s) == CONFIG_TYPE_INT64) {
			long long v = config_setting_get_int64(s);

			if (v < 0)
				why = "must not be negative";
			else if (k->type == K_STR || k->type == K_MODE ||
			    k->type == K_FACILITY || k->type == K_LEVEL ||
			    k->type == K_ONERROR || k->type == K_LOGFMT)
				why = "must be a string in quotes";
			else {
				snprintf(num, sizeof(num), "%lld", v);
				if (store_text(c, k, num, &why) == 0)
					return 0;
			}
		} else {
			why = "wrong type";
		}
		err_at(err, file, line, "%s%s%s: %s", group ? group : "",
		    group ? "." : "", name, why);
		return -1;
	}
	err_at(err, file, line, "unknown setting '%s%s%s'", group ? group : "",
	    group ? "." : "", name);
	return -1;
}

static int
load_group(struct em_config *c, config_setting_t *g, const char *group, const char *file,
    struct strbuf *err)
{
	int i, n = config_setting_length(g), bad = 0;

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);

		if (config_setting_type(s) == CONFIG_TYPE_GROUP) {
			if (group != NULL ||
			    strcmp(config_setting_name(s), "limits") != 0) {
				err_at(err, file, (int)config_setting_source_line(s),
				    "unknown group '%s'", config_setting_name(s));
				bad = 1;
			} else if (load_group(c, s, "limits", file, err) != 0) {
				bad = 1;
			}
			continue;
		}
		if (load_setting(c, s, group, file, err) != 0)
			bad = 1;
	}
	return bad ? -1 : 0;
}

static int
load_defaults(struct em_config *c)
{
	const char *why;
	unsigned i;

	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].type != K_STRLIST &&
		    store_text(c, &config_keys[i], config_keys[i].def, &why) != 0)
			return -1;
	return 0;
}

/* A relative path in the config names a file beside the config file, so the same
 * config works in /etc/embargo and in the source tree. */
static int
resolve(char **path, const char *cfgfile)
{
	const char *slash = strrchr(cfgfile, '/');
	struct strbuf sb = STRBUF_INIT;

	if (*path == NULL || (*path)[0] == '/' || (*path)[0] == '\0' || slash == NULL)
		return 0;
	sb_add(&sb, cfgfile, (size_t)(slash - cfgfile) + 1);
	sb_adds(&sb, *path);
	if (sb.oom)
		return -1;
	free(*path);
	*path = sb_take(&sb);
	return 0;
}

/* Compile rules and load the policy named by the snapshot. */
/* How YARA rule files become compiled rules: set by the programs that scan
 * (config_use_yara, config_yara.c); NULL in the daemon, which links no parser: its
 * workers compile the rules (wscan_check runs one on every load). */
static struct yara_rules *(*rules_load)(
    const char *const *paths, size_t n, struct strbuf *err);
static void (*rules_free)(struct yara_rules *rules);

void
config_rules_ops(struct yara_rules *(*load)(const char *const *, size_t, struct strbuf *),
    void (*release)(struct yara_rules *))
{
	rules_load = load;
	rules_free = release;
}

static int
load_dependents(struct em_config *c, struct strbuf *err)
{
	size_t i;

	if (resolve(&c->policy_file, c->file) != 0)
		return -1;
	for (i = 0; i < c->nyara; i++)
		if (resolve(&c->yara_paths[i], c->file) != 0)
			return -1;
	c->scan.tmpdir = c->tmp_dir;
	if (c->nyara > 0 && rules_load != NULL) {
		c->rules = rules_load((const char *const *)c->yara_paths, c->nyara, err);
		if (c->rules == NULL)
			return -1;
		c->scan.rules[0] = c->rules;
	}
	c->policy = policy_load(c->policy_file, err);
	return c->policy != NULL ? 0 : -1;
}

struct em_config *
config_load(const char *file, struct strbuf *err)
{
	struct em_config *c = calloc(1, sizeof(*c));
	config_t cf;
	int ok = 0;

	if (c == NULL) {
		sb_printf(err, "%s: out of memory\n", file);
		return NULL;
	}
	config_init(&cf);
	if ((c->file = strdup(file ? file : "(built-in)")) == NULL ||
	    load_defaults(c) != 0) {
		sb_printf(err, "%s: out of memory\n", c->file ? c->file : "config");
		goto out;
	}
	if (file == NULL) {
		/* Built-in defaults (embargo-scan without a config): the built-in policy,
		 * no rules, temp files in $TMPDIR. */
		free(c->policy_file);
		free(c->tmp_dir);
		c->policy_file = c->tmp_dir = NULL;
		if (load_dependents(c, err) != 0)
			goto out;
		ok = 1;
		goto out;
	}
	if (config_read_file(&cf, file) != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			sb_printf(err, "%s: cannot read: %s\n", file, strerror(errno));
		else
			err_at(err,
			    config_error_file(&cf) ? config_error_file(&cf) : file,
			    config_error_line(&cf), "%s", config_error_text(&cf));
		goto out;
	}
	if (load_group(c, config_root_setting(&cf), NULL, file, err) != 0)
		goto out;
	if (c->scan.lim.spool_memory > c->scan.lim.scan_window)
		c->scan.lim.spool_memory = c->scan.lim.scan_window;
	if (load_dependents(c, err) != 0)
		goto out;
	ok = 1;
out:
	config_destroy(&cf);
	if (!ok) {
		config_free(c);
		return NULL;
	}
	c->refs = 1;
	return c;
}

void
config_free(struct em_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	policy_free(c->policy);
	if (c->rules != NULL && rules_free != NULL)
		rules_free(c->rules);
	for (i = 0; i < c->nyara; i++)
		free(c->yara_paths[i]);
	free(c->yara_paths);
	free(c->file);
	free(c->socket);
	free(c->socket_group);
	free(c->user);
	free(c->pid_file);
	free(c->quarantine_dir);
	free(c->quarantine_db);
	free(c->host_name);
	free(c->release_command);
	free(c->review_group);
	free(c->tmp_dir);
	free(c->policy_file);
	free(c->worker_program);
	free(c->worker_user);
	free(c->web_listen);
	free(c->web_users);
	free(c->digest_templates);
	free(c->digest_language);
	free(c->digest_from);
	free(c->web_url);
	free(c->admin_notice);
	free(c->control_socket);
	free(c->metrics_listen);
	free(c);
}

/* The current snapshot, swapped whole on reload: the shared configuration every
 * message pins (main_embargo.c keeps its own few process globals, each commented). */
static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct em_config *config_current;

void
config_install(struct em_config *c)
{
	struct em_config *old;

	pthread_mutex_lock(&config_lock);
	old = config_current;
	config_current = c;
	pthread_mutex_unlock(&config_lock);
	config_put(old);
}

struct em_config *
config_get(void)
{
	struct em_config *c;

	pthread_mutex_lock(&config_lock);
	c = config_current;
	if (c != NULL)
		c->refs++;
	pthread_mutex_unlock(&config_lock);
	return c;
}

void
config_put(struct em_config *c)
{
	int last;

	if (c == NULL)
		return;
	pthread_mutex_lock(&config_lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&config_lock);
	if (last)
		config_free(c);
}
