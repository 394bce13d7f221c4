/*
 * reload.c: SIGHUP's work, in a thread of its own so the signal thread is back in
 * sigwait at once.
 *
 * A reload loads the whole configuration again as the run-as user (the daemon has
 * dropped root), swaps it in whole, resizes the analysis gate and applies
 * log_level and milter_timeout. Settings used only at start (socket, socket_mode,
 * socket_group, user, pid_file, log_facility, backlog, control_socket) cannot change in a running
 * daemon: a reload that finds one changed logs a warning naming it and keeps the
 * value in force. A failed load keeps the old configuration. systemd is told
 * RELOADING=1 before and READY=1 after. Limits: requests arriving during a reload
 * are merged into one more reload.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/gate.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/mlhooks.h"
#include "daemon/notify.h"
#include "daemon/reload.h"
#include "daemon/wscan.h"

/* The restart-only settings as the daemon started with them. */
static struct {
	char *socket, *socket_group, *user, *pid_file, *control_socket;
	int socket_mode, log_facility, backlog, sock_fixed, scan_workers;
} boot;

static const char *reload_file;
static struct scan_gate *reload_gate;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int pending;

static char *
dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int
str_changed(const char *was, const char *now)
{
	return strcmp(was, now ? now : "") != 0;
}

static void
warn_kept(const char *key)
{
	log_msg(LOG_WARNING, NULL,
	    "reload: %s changed; it applies only at start: restart "
	    "embargo to use it (the running value is kept)",
	    key);
}

/* Name each restart-only setting C changes. */
static void
warn_restart_only(const struct em_config *c)
{
	if (!boot.sock_fixed && str_changed(boot.socket, c->socket))
		warn_kept("socket");
	if (boot.socket_mode != c->socket_mode)
		warn_kept("socket_mode");
	if (str_changed(boot.socket_group, c->socket_group))
		warn_kept("socket_group");
	if (str_changed(boot.user, c->user))
		warn_kept("user");
	if (str_changed(boot.pid_file, c->pid_file))
		warn_kept("pid_file");
	if (boot.log_facility != c->log_facility)
		warn_kept("log_facility");
	if (boot.backlog != c->backlog)
		warn_kept("backlog");
	if (str_changed(boot.control_socket, c->control_socket))
		warn_kept("control_socket");
	if (boot.scan_workers != c->scan_workers)
		warn_kept("scan_workers");
}

static void
reload_once(void)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *c;

	notify_reloading();
	c = config_load(reload_file, &err);
	if (c != NULL && wscan_check(c, reload_file, &err) != 0) {
		config_free(c);
		c = NULL;
	}
	if (c == NULL) {
		log_msg(LOG_ERR, NULL, "reload failed, keeping the old configuration: %s",
		    sb_str(&err));
		notify_ready("reload failed, old configuration kept");
		metrics_reload(0);
	} else {
		warn_restart_only(c);
		log_set_level(c->log_level);
		mlhooks_set_idle(c->milter_timeout);
		gate_set_places(reload_gate, c->scan.lim.scan_parallel);
		c->scan.gate = reload_gate;
		log_msg(LOG_NOTICE, NULL, "configuration reloaded from %s (%s)",
		    reload_file, sb_str(&err));
		metrics_rules(c->policy); /* before the first message can use them */
		config_install(c);
		metrics_reload(1);
		wscan_reload(c, reload_file); /* workers replaced on their next use */
		notify_ready("configuration reloaded");
	}
	sb_free(&err);
}

static void *
reload_thread(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (!pending)
			pthread_cond_wait(&cond, &lock);
		pending = 0;
		pthread_mutex_unlock(&lock);
		reload_once();
	}
	return NULL;
}

void
reload_request(void)
{
	pthread_mutex_lock(&lock);
	pending = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

int
reload_start(const char *config_file, const struct em_config *b, int sock_fixed,
    struct scan_gate *gate)
{
	pthread_t t;

	reload_file = config_file;
	reload_gate = gate;
	boot.socket = dup_or_empty(b->socket);
	boot.socket_group = dup_or_empty(b->socket_group);
	boot.user = dup_or_empty(b->user);
	boot.pid_file = dup_or_empty(b->pid_file);
	boot.control_socket = dup_or_empty(b->control_socket);
	boot.socket_mode = b->socket_mode;
	boot.log_facility = b->log_facility;
	boot.backlog = b->backlog;
	boot.scan_workers = b->scan_workers;
	boot.sock_fixed = sock_fixed;
	if (boot.socket == NULL || boot.socket_group == NULL || boot.user == NULL ||
	    boot.pid_file == NULL || boot.control_socket == NULL ||
	    pthread_create(&t, NULL, reload_thread, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}
