/*
 * main_embargo.c: the embargo milter daemon.
 *
 *   embargo [-c FILE] [-p SOCKET] [-f] [-t] [-V]
 *
 * Start-up order: load and validate the config (exit 1 with file:line on error),
 * open the socket as root (TCP_NODELAY on an inet listener: see nodelay()), detach
 * unless -f, write the pid file, drop to the configured user, then serve.
 *
 * Threads and signals: SIGHUP, SIGTERM and SIGINT are blocked in every thread; the
 * main thread waits for them with sigwait and runs smfi_main in a second thread.
 * libmilter starts its own sigwait thread that treats SIGHUP as "stop"; Linux gives a
 * process signal to the main thread first when it is waiting for it, so the main
 * thread sees every SIGHUP and hands it to the reload thread at once.
 * BUGS: a second SIGHUP arriving in the microseconds the main thread is not waiting
 * could reach libmilter's thread and stop the daemon.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <locale.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "core/gate.h"
#include "daemon/log.h"
#include "daemon/milter.h"
#include "daemon/version.h"
#include "daemon/wscan.h"
#include "yara/yara.h"

static const char *config_file = "/etc/embargo/embargo.conf";

static void
usage(void)
{
	fprintf(stderr, "usage: embargo [-c config] [-p socket] [-f] [-t] [-V]\n");
	exit(2);
}

/* Set TCP_NODELAY on libmilter's inet listening socket: Linux copies it to accepted
 * sockets, so the replies at end of message are not held ~40 ms by Nagle's algorithm
 * waiting for the MTA's delayed ACK. libmilter has no call to reach the listener,
 * so find it among our descriptors. Returns the number of sockets changed. */
static int
nodelay(void)
{
	int fd, n = 0;

	for (fd = 3; fd < 1024; fd++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int on = 1, acc = 0;
		socklen_t al = sizeof(acc);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) != 0 || !acc)
			continue;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
		    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0)
			n++;
	}
	return n;
}

static int
write_pidfile(const char *path)
{
	FILE *fp;

	if (path == NULL || *path == '\0')
		return 0;
	if ((fp = fopen(path, "w")) == NULL) {
		log_msg(LOG_ERR, NULL, "cannot write pid file %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	return fclose(fp) == 0 ? 0 : -1;
}

static int
drop_privileges(const struct em_config *cfg, const char *sockpath)
{
	struct passwd *pw;

	if (geteuid() != 0 || cfg->user == NULL || *cfg->user == '\0')
		return 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		log_msg(LOG_ERR, NULL, "%s: user '%s' does not exist", cfg->file, cfg->user);
		return -1;
	}
	if (sockpath != NULL && chown(sockpath, pw->pw_uid, pw->pw_gid) != 0)
		log_msg(LOG_WARNING, NULL, "chown %s: %s", sockpath, strerror(errno));
	if (setgroups(0, NULL) != 0 || initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		log_msg(LOG_ERR, NULL, "cannot become user %s: %s", cfg->user, strerror(errno));
		return -1;
	}
	return 0;
}

/* The folders the daemon writes to should be writable by the user it runs as: say
 * so at start rather than at the first message that needs them. Not fatal: such
 * messages are tempfailed and stay with the MTA until the folder is fixed. */
static void
check_dirs(const struct em_config *cfg)
{
	const char *dirs[2] = { cfg->tmp_dir, cfg->quarantine_dir };
	int i;

	for (i = 0; i < 2; i++)
		if (dirs[i] != NULL && access(dirs[i], W_OK | X_OK) != 0)
			log_msg(LOG_WARNING, NULL, "%s: %s: %s: messages that need it will be "
			    "tempfailed", cfg->file, dirs[i], strerror(errno));
}

/* The process's one analysis gate (gate.h): lives as long as the daemon, shared by
 * every config snapshot, resized on reload. */
static struct scan_gate *gate;

/* Reload: a thread of its own so the main thread is back in sigwait at once. */
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reload_cond = PTHREAD_COND_INITIALIZER;
static int reload_pending;

static void *
reload_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct strbuf err = STRBUF_INIT;
		struct em_config *c;

		pthread_mutex_lock(&reload_lock);
		while (!reload_pending)
			pthread_cond_wait(&reload_cond, &reload_lock);
		reload_pending = 0;
		pthread_mutex_unlock(&reload_lock);
		c = config_load(config_file, &err);
		if (c == NULL) {
			log_msg(LOG_ERR, NULL, "reload failed, keeping the old configuration: %s",
			    sb_str(&err));
		} else {
			log_set_level(c->log_level);
			gate_set_places(gate, c->scan.lim.scan_parallel);
			c->scan.gate = gate;
			config_install(c);
			wscan_reload();
			log_msg(LOG_NOTICE, NULL, "configuration reloaded from %s (%u YARA rules)",
			    config_file, yara_rules_count(c->rules));
		}
		sb_free(&err);
	}
	return NULL;
}

static void *
milter_thread(void *arg)
{
	int *rc = arg;

	*rc = smfi_main();
	kill(getpid(), SIGTERM);   /* wake the main thread if libmilter stopped by itself */
	return NULL;
}

/* Wait for signals until told to stop. */
static void
signal_loop(const sigset_t *set)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			pthread_mutex_lock(&reload_lock);
			reload_pending = 1;
			pthread_cond_signal(&reload_cond);
			pthread_mutex_unlock(&reload_lock);
			continue;
		}
		log_msg(LOG_NOTICE, NULL, "signal %d: stopping", sig);
		smfi_stop();
		return;
	}
}

static const char *
unix_path(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	if (sock[0] == '/')
		return sock;
	return NULL;
}

static int
open_socket(struct em_config *cfg, const char *sock)
{
	const char *path = unix_path(sock);

	if (smfi_setconn((char *)sock) != MI_SUCCESS || smfi_settimeout(cfg->milter_timeout) !=
	    MI_SUCCESS || smfi_setbacklog(cfg->backlog) != MI_SUCCESS) {
		fprintf(stderr, "embargo: bad socket '%s'\n", sock);
		return -1;
	}
	if (smfi_register(embargo_milter) != MI_SUCCESS) {
		fprintf(stderr, "embargo: smfi_register failed\n");
		return -1;
	}
	if (smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "embargo: cannot listen on %s: %s\n", sock,
		    errno ? strerror(errno) : "socket in use or bad address");
		return -1;
	}
	if (path != NULL && chmod(path, (mode_t)cfg->socket_mode) != 0)
		fprintf(stderr, "embargo: chmod %s: %s\n", path, strerror(errno));
	if (path == NULL && nodelay() == 0)
		fprintf(stderr, "embargo: warning: could not set TCP_NODELAY on %s\n", sock);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *sock_override = NULL;
	struct strbuf err = STRBUF_INIT;
	struct em_config *cfg;
	int ch, foreground = 0, check = 0, rc = 0;
	pthread_t mt, rt;
	sigset_t set;

	/* Archive member names are UTF-8 on the wire: libarchive converts them
	 * through the C library, which needs a UTF-8 character type. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");

	while ((ch = getopt(argc, argv, "c:p:ftV")) != -1) {
		switch (ch) {
		case 'c': config_file = optarg; break;
		case 'p': sock_override = optarg; break;
		case 'f': foreground = 1; break;
		case 't': check = 1; break;
		case 'V': printf("embargo %s\n", EMBARGO_VERSION); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (yara_global_init() != 0) {
		fprintf(stderr, "embargo: libyara initialisation failed\n");
		return 1;
	}
	cfg = config_load(config_file, &err);
	if (cfg == NULL) {
		fprintf(stderr, "%s", sb_str(&err));
		return 1;
	}
	if (check) {
		printf("%s: configuration OK (%u YARA rules, policy %s)\n", config_file,
		    yara_rules_count(cfg->rules), cfg->policy_file);
		config_free(cfg);
		return 0;
	}
	if (sock_override != NULL) {
		free(cfg->socket);
		cfg->socket = strdup(sock_override);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (open_socket(cfg, cfg->socket) != 0)
		return 1;
	if (!foreground && daemon(0, 0) != 0) {
		perror("embargo: daemon");
		return 1;
	}
	log_open("embargo", foreground, cfg->log_facility);
	log_set_level(cfg->log_level);
	if (!foreground && write_pidfile(cfg->pid_file) != 0)
		return 1;
	if (drop_privileges(cfg, unix_path(cfg->socket)) != 0)
		return 1;
	check_dirs(cfg);
	if ((gate = gate_new(cfg->scan.lim.scan_parallel)) == NULL)
		return 1;
	cfg->scan.gate = gate;
	if (wscan_start(cfg, config_file) != 0)
		return 1;
	config_install(cfg);
	log_msg(LOG_NOTICE, NULL, "embargo %s listening on %s (config %s)", EMBARGO_VERSION,
	    cfg->socket, config_file);
	pthread_create(&rt, NULL, reload_thread, NULL);
	pthread_detach(rt);
	if (pthread_create(&mt, NULL, milter_thread, &rc) != 0)
		return 1;
	signal_loop(&set);
	pthread_join(mt, NULL);
	wscan_stop();
	log_msg(LOG_NOTICE, NULL, "stopped");
	yara_global_fini();
	return rc == MI_SUCCESS ? 0 : 1;
}
