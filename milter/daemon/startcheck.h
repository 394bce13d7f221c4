/*
 * startcheck.h: every check that must pass before the daemon detaches; `embargo -t`
 * runs the same ones. See startcheck.c.
 */
#ifndef EMBARGO_STARTCHECK_H
#define EMBARGO_STARTCHECK_H

#include <sys/types.h>

#include "core/strbuf.h"
#include "daemon/config.h"

struct startcheck_ids {
	int change; /* 1: root with a run-as user: drop to uid/gid */
	uid_t uid;
	gid_t gid;      /* the user's group */
	gid_t sock_gid; /* group of a unix socket */
	const char *name;
};

/* Run the checks of CFG (loaded from CONFIG_FILE) with socket SOCK and pid file
 * PID_FILE (NULL: none). CREATE: make a missing quarantine_dir or tmp_dir (as the
 * run-as user). Returns 0, or -1 with one line per problem in ERR. IDS gets the ids
 * to run as. */
int startcheck_run(const struct em_config *cfg, const char *config_file, const char *sock,
    const char *pid_file, int create, struct startcheck_ids *ids, struct strbuf *err);

#endif
