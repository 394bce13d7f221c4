/*
 * main_web.c: embargo-web, the review console (see doc/embargo-web.8).
 *
 *   embargo-web [-c FILE] [-t]
 *
 * Reads the same embargo.conf as the daemon (web_listen, web_users,
 * web_session_idle, quarantine_dir, release_command, policy_file, user). It never
 * runs as root: started as root it changes to the configured user before it opens
 * anything else (and refuses to run when user is ""); the release rescan runs in a
 * child without privileges like embargo-quarantine's. -t checks the configuration and
 * the users file and exits. SIGTERM and SIGINT stop it.
 */
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/config.h"
#include "store/store.h"
#include "web/web.h"
#include "yara/yara.h"

static int
drop_root(const struct em_config *cfg)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if (cfg->user == NULL || cfg->user[0] == '\0') {
		fprintf(stderr,
		    "embargo-web: refusing to run as root; set user in "
		    "embargo.conf or start it as an unprivileged user\n");
		return -1;
	}
	if ((pw = getpwnam(cfg->user)) == NULL || pw->pw_uid == 0) {
		fprintf(
		    stderr, "embargo-web: user %s: no such user, or root\n", cfg->user);
		return -1;
	}
	if (setgroups(0, NULL) != 0 || initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 || setuid(0) == 0) {
		fprintf(stderr, "embargo-web: cannot change to user %s\n", cfg->user);
		return -1;
	}
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: embargo-web [-c FILE] [-t]\n");
	return 2;
}

static int
serve(struct em_config *cfg, int test)
{
	struct strbuf err = STRBUF_INIT;
	struct store *s = NULL;
	struct web_srv *srv = NULL;
	sigset_t set;
	int sig, rc = 1;

	if ((s = store_open(cfg->quarantine_dir, STORE_CREATE, &err)) == NULL)
		goto out;
	if (store_query_init(s) != 0) {
		sb_printf(&err, "%s", store_error(s));
		goto out;
	}
	if ((srv = web_srv_new(cfg, s, &err)) == NULL || err.len > 0)
		goto out;
	if (test) {
		printf("embargo-web: configuration and %zu web users OK\n", srv->nusers);
		rc = 0;
		goto out;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (web_srv_start(srv, &err) != 0)
		goto out;
	syslog(LOG_INFO, "embargo-web: listening on %s", cfg->web_listen);
	fprintf(stderr, "embargo-web: listening on %s\n", cfg->web_listen);
	sigwait(&set, &sig);
	syslog(LOG_INFO, "embargo-web: stopping on signal %d", sig);
	rc = 0;
out:
	if (err.len > 0)
		fprintf(stderr, "embargo-web: %s\n", sb_str(&err));
	web_srv_free(srv);
	store_close(s);
	sb_free(&err);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *file = "/etc/embargo/embargo.conf";
	struct strbuf err = STRBUF_INIT;
	struct em_config *cfg;
	int c, test = 0, rc;

	while ((c = getopt(argc, argv, "c:th")) != -1)
		switch (c) {
		case 'c': file = optarg; break;
		case 't': test = 1; break;
		default: return usage();
		}
	if (optind != argc)
		return usage();
	config_use_yara();
	if (yara_global_init() != 0 || (cfg = config_load(file, &err)) == NULL) {
		fprintf(stderr, "embargo-web: %s", sb_str(&err));
		sb_free(&err);
		return 1;
	}
	openlog("embargo-web", LOG_PID, cfg->log_facility);
	if (drop_root(cfg) != 0) {
		config_free(cfg);
		return 1;
	}
	rc = serve(cfg, test);
	config_free(cfg);
	yara_global_fini();
	return rc;
}
