/*
 * main_embargo.c: the embargo milter daemon.
 *
 *   embargo [-c FILE] [-p SOCKET] [-f] [-t] [-V] [-h]
 *
 * Start-up order: load and validate the config, run every start check
 * (startcheck.c: user, folders, socket, release_command, files readable by the
 * run-as user; -t stops here), raise the descriptor limit, open the socket with its
 * owner and mode set at creation (listen.c), detach unless -f (the parent exits only
 * once the daemon serves, with its status: notify.c), drop to the configured user,
 * write the pid file, install the config, then serve and tell systemd READY=1.
 *
 * Threads and signals: SIGHUP, SIGTERM, SIGINT (and SIGUSR2, our own wake-up) are
 * blocked in every thread; the main thread alone sigwaits for them: libmilter's own
 * signal thread, which would stop on SIGHUP, waits on none of them (mlhooks.c).
 * SIGHUP hands a reload to reload.c; SIGTERM/SIGINT stop libmilter. If libmilter's
 * loop ends without being asked, the daemon logs it and exits 1, so a supervisor
 * restarts it. Stopping removes the pid file and the unix socket.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/gate.h"
#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/listen.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/store_start.h"
#include "daemon/ppap.h"
#include "daemon/milter.h"
#include "daemon/mlhooks.h"
#include "daemon/notify.h"
#include "daemon/reload.h"
#include "daemon/startcheck.h"
#include "daemon/version.h"
#include "daemon/wscan.h"

static const char *config_file = "/etc/embargo/embargo.conf";

static const char usage_text[] =
    "usage: embargo [-c config] [-p socket] [-f] [-t] [-V] [-h]\n"
    "  -c FILE    configuration file (default /etc/embargo/embargo.conf)\n"
    "  -p SOCKET  listen here instead of the configured socket\n"
    "  -f         stay in the foreground and log to standard error\n"
    "  -t         check the configuration and every start condition, then exit\n"
    "  -V, --version  print the version;  -h, --help  this text\n"
    "Signals: HUP reloads the configuration, TERM or INT stops. See embargo(8).\n";

static void
usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	exit(status);
}

static int
write_pidfile(const char *path)
{
	FILE *fp;

	if (path == NULL || *path == '\0')
		return 0;
	if ((fp = fopen(path, "w")) == NULL) {
		log_msg(
		    LOG_ERR, NULL, "cannot write pid file %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	return fclose(fp) == 0 ? 0 : -1;
}

static int
drop_privileges(const struct startcheck_ids *ids)
{
	if (!ids->change)
		return 0;
	if (setgroups(0, NULL) != 0 || initgroups(ids->name, ids->gid) != 0 ||
	    setgid(ids->gid) != 0 || setuid(ids->uid) != 0) {
		log_msg(LOG_ERR, NULL, "cannot become user %s: %s", ids->name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* The milter loop's end, and whether a signal asked for it. */
static int milter_rc;
static volatile int milter_ended;
static pthread_t main_thread;

static void *
milter_thread(void *arg)
{
	(void)arg;
	milter_rc = smfi_main();
	milter_ended = 1;
	pthread_kill(main_thread, SIGUSR2); /* wake the signal loop */
	return NULL;
}

/* Wait for signals until told to stop. Returns 1 if a signal asked for the stop, 0
 * if libmilter's loop ended by itself. */
static int
signal_loop(const sigset_t *set)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload_request();
			continue;
		}
		if (sig == SIGUSR2) {
			if (milter_ended)
				return 0;
			continue;
		}
		log_msg(LOG_NOTICE, NULL, "signal %d: stopping", sig);
		notify_stopping();
		smfi_stop();
		return 1;
	}
}

/* Parse the command line; returns the -p socket or NULL. */
static const char *
options(int argc, char **argv, int *foreground, int *check)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:p:ftVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_file = optarg; break;
		case 'p': sock = optarg; break;
		case 'f': *foreground = 1; break;
		case 't': *check = 1; break;
		case 'V': printf("embargo %s\n", EMBARGO_VERSION); exit(0);
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	return sock;
}

/* Print ERR's lines to stderr, each after "embargo: ". */
static void
print_lines(const char *text)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		fprintf(
		    stderr, "embargo: %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

/* Load, check and open everything that can fail while the terminal still sees it. */
static struct em_config *
prepare(const char *sock, int check, int foreground, struct startcheck_ids *ids)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *cfg = config_load(config_file, &err);

	if (cfg == NULL) {
		fprintf(stderr, "%s", sb_str(&err));
		goto fail;
	}
	store_configure(cfg);
	if (sock != NULL) {
		free(cfg->socket);
		if ((cfg->socket = strdup(sock)) == NULL)
			goto fail;
	}
	if (startcheck_run(cfg, config_file, cfg->socket,
		foreground && !check ? NULL : cfg->pid_file, !check, ids, &err) != 0 ||
	    wscan_check(cfg, config_file, &err) != 0) {
		print_lines(sb_str(&err));
		goto fail;
	}
	if (check) {
		printf("%s: configuration OK (%s, policy %s)\n", config_file,
		    sb_str(&err), cfg->policy_file);
		config_free(cfg);
		sb_free(&err);
		exit(0);
	}
	mlhooks_fd_limit();
	if (listen_open(cfg, cfg->socket, ids->uid, ids->sock_gid, &err) != 0) {
		print_lines(sb_str(&err));
		goto fail;
	}
	print_lines(sb_str(&err)); /* warnings only */
	sb_free(&err);
	return cfg;
fail:
	config_free(cfg);
	sb_free(&err);
	return NULL;
}

/* Everything after the socket is open; returns the exit status. */
static int
serve(struct em_config *cfg, const struct startcheck_ids *ids, const char *pidname,
    int sock_fixed, const sigset_t *set)
{
	struct scan_gate *gate;
	pthread_t mt;
	int asked;

	if (drop_privileges(ids) != 0 || write_pidfile(pidname) != 0) {
		log_msg(LOG_ERR, NULL, "start failed");
		return 1;
	}
	metrics_rules(cfg->policy);
	(void)control_start(cfg->control_socket); /* logged; the milter works without */
	store_start(cfg); /* fsck, release key, review group: never fatal */
	if ((gate = gate_new(cfg->scan.lim.scan_parallel)) == NULL ||
	    mlhooks_start(cfg->milter_timeout) != 0 ||
	    reload_start(config_file, cfg, sock_fixed, gate) != 0) {
		log_msg(LOG_ERR, NULL, "start failed");
		return 1;
	}
	cfg->scan.gate = gate;
	if (wscan_start(cfg, config_file) != 0) { /* scan_workers: the sandbox pool */
		log_msg(LOG_ERR, NULL, "start failed: scan workers");
		return 1;
	}
	config_install(cfg);
	if (ppap_expire_start() != 0)
		log_msg(LOG_WARNING, NULL,
		    "ppap: no expiry thread: awaiting entries expire "
		    "at embargo-quarantine runs only");
	log_msg(LOG_NOTICE, NULL, "embargo %s listening on %s (config %s)",
	    EMBARGO_VERSION, cfg->socket, config_file);
	main_thread = pthread_self();
	if (pthread_create(&mt, NULL, milter_thread, NULL) != 0)
		return 1;
	notify_ready("serving");
	asked = signal_loop(set);
	pthread_join(mt, NULL);
	wscan_stop();
	if (!asked) {
		log_msg(LOG_ERR, NULL,
		    "libmilter's loop ended though no SIGTERM or SIGINT "
		    "was received (smfi_main returned %d): exiting with status 1",
		    milter_rc);
		return 1;
	}
	return milter_rc == MI_SUCCESS ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct startcheck_ids ids;
	struct em_config *cfg;
	const char *sock;
	int foreground = 0, check = 0, rc;
	char *sockname = NULL, *pidname = NULL;
	sigset_t set;

	/* Archive member names are UTF-8 on the wire: libarchive converts them
	 * through the C library, which needs a UTF-8 character type. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	sock = options(argc, argv, &foreground, &check);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((cfg = prepare(sock, check, foreground, &ids)) == NULL)
		return 1;
	sockname = strdup(cfg->socket);
	pidname = !foreground && cfg->pid_file ? strdup(cfg->pid_file) : NULL;
	if (!foreground && notify_detach() != 0) {
		perror("embargo: detach");
		return 1;
	}
	log_open("embargo", foreground, cfg->log_facility);
	log_set_level(cfg->log_level);
	rc = serve(cfg, &ids, pidname, sock != NULL, &set);
	if (pidname != NULL && *pidname != '\0')
		(void)unlink(pidname);
	if (sockname != NULL)
		listen_remove(sockname);
	control_stop();
	notify_failed(rc); /* no-op once ready was reported */
	log_msg(rc ? LOG_ERR : LOG_NOTICE, NULL, "stopped (exit status %d)", rc);
	free(sockname);
	free(pidname);
	return rc;
}
