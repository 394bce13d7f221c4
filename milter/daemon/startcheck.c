/*
 * startcheck.c: every check that must pass before the daemon detaches, and in -t.
 *
 * Each failure is one line naming the setting and the reason; any failure stops the
 * start with a non-zero exit while the terminal (or systemd) still sees it:
 *  - user exists (when started as root), socket_group exists;
 *  - socket syntax valid, its folder exists, and (at start; -t only notes it, as it
 *    runs beside the daemon before a reload) no other process accepts on it;
 *  - pid_file's folder exists and is writable by the run-as user;
 *  - quarantine_dir and tmp_dir exist (or are created when CREATE, as the user)
 *    and are writable by the user;
 *  - release_command is an executable file;
 *  - the configuration, the policy and the rules load as the run-as user, because a
 *    reload (SIGHUP) reads them as that user (reliability 5c).
 * The user-side checks run in a child process that has dropped to the user, so the
 * kernel answers exactly as it will for the daemon. Limits: the checks are a
 * snapshot; a folder removed after start is still found only at the first message.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/listen.h"
#include "daemon/startcheck.h"
#include "daemon/store_start.h"
#include "store/store.h"

static int
resolve_ids(const struct em_config *cfg, struct startcheck_ids *ids, struct strbuf *err)
{
	struct passwd *pw;
	struct group *gr;

	memset(ids, 0, sizeof(*ids));
	ids->uid = geteuid();
	ids->gid = ids->sock_gid = getegid();
	if (geteuid() == 0 && cfg->user != NULL && *cfg->user != '\0') {
		if ((pw = getpwnam(cfg->user)) == NULL) {
			sb_printf(
			    err, "%s: user '%s' does not exist\n", cfg->file, cfg->user);
			return -1;
		}
		ids->change = pw->pw_uid != 0;
		ids->uid = pw->pw_uid;
		ids->gid = ids->sock_gid = pw->pw_gid;
		ids->name = cfg->user;
	}
	if (cfg->socket_group != NULL && *cfg->socket_group != '\0') {
		if ((gr = getgrnam(cfg->socket_group)) == NULL) {
			sb_printf(err, "%s: socket_group '%s' does not exist\n",
			    cfg->file, cfg->socket_group);
			return -1;
		}
		ids->sock_gid = gr->gr_gid;
	}
	return 0;
}

/* A folder the user must write to; NULL or "" is not used. CREATE: 1 make it if
 * missing, 0 accept it missing when it could be made (-t), -1 it must exist. */
static void
check_dir(FILE *out, const char *what, const char *dir, int create)
{
	struct stat st;

	if (dir == NULL || *dir == '\0')
		return;
	if (stat(dir, &st) != 0 && errno == ENOENT && create > 0 && mkdir(dir, 0750) == 0)
		(void)stat(dir, &st);
	if (stat(dir, &st) != 0) {
		char *copy = strdup(dir);
		const char *parent = copy ? dirname(copy) : "/";

		int e = errno;

		/* Missing but creatable: fine for -t, created at start. */
		if (!(e == ENOENT && create == 0 && access(parent, W_OK | X_OK) == 0))
			fprintf(out, "%s %s: %s\n", what, dir, strerror(e));
		free(copy);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		fprintf(out, "%s %s: not a folder\n", what, dir);
	else if (access(dir, W_OK | X_OK) != 0)
		fprintf(out, "%s %s: not writable by the daemon's user: %s\n", what, dir,
		    strerror(errno));
}

/* The folder holding PATH must exist and be writable. */
static void
check_parent(FILE *out, const char *what, const char *path)
{
	char *copy;

	if (path == NULL || *path == '\0' || (copy = strdup(path)) == NULL)
		return;
	check_dir(out, what, dirname(copy), -1);
	free(copy);
}

/* The folder of a unix socket must exist (it is bound as the run-as user when that
 * user may write there, else as root: listen.c), and the path must be free or a
 * socket (libmilter replaces only a stale socket; anything else, a symlink too, is
 * refused rather than followed). */
static int
socket_folder(const char *path, struct strbuf *err)
{
	char *copy = strdup(path);
	struct stat st;
	int r = 0;

	if (copy == NULL)
		return -1;
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		sb_printf(
		    err, "socket path %s exists and is not a socket: remove it\n", path);
		r = -1;
	} else if (stat(dirname(copy), &st) != 0) {
		sb_printf(err, "socket folder %s: %s\n", copy, strerror(errno));
		r = -1;
	} else if (!S_ISDIR(st.st_mode)) {
		sb_printf(err, "socket folder %s: not a folder\n", copy);
		r = -1;
	}
	free(copy);
	return r;
}

/* quarantine_db: connect and check the schema version (store_open, STORE_START).
 * -t refuses both failures; a start refuses a wrong schema version only, since a
 * database that is down now is waited for (its mail tempfailed meanwhile). */
static void
check_db(FILE *out, const struct em_config *cfg, int create)
{
	struct strbuf e = STRBUF_INIT;
	struct store *s;

	if (cfg->quarantine_db == NULL || cfg->quarantine_db[0] == '\0')
		return;
	store_configure(cfg);
	if ((s = store_open(cfg->quarantine_dir, STORE_START, &e)) == NULL &&
	    (!create || strstr(sb_str(&e), "schema version") != NULL))
		fprintf(out, "%s\n", sb_str(&e));
	store_close(s);
	sb_free(&e);
}

/* The checks made as the run-as user; problems are written to OUT. */
static void
user_side(FILE *out, const struct em_config *cfg, const char *config_file,
    const char *pid_file, int create, const struct startcheck_ids *ids)
{
	struct strbuf e = STRBUF_INIT;
	struct em_config *c;

	if (ids->change &&
	    (setgroups(0, NULL) != 0 || initgroups(ids->name, ids->gid) != 0 ||
		setgid(ids->gid) != 0 || setuid(ids->uid) != 0)) {
		fprintf(out, "cannot become user %s: %s\n", ids->name, strerror(errno));
		return;
	}
	check_dir(out, "quarantine_dir", cfg->quarantine_dir, create);
	check_dir(out, "tmp_dir", cfg->tmp_dir, create);
	check_db(out, cfg, create);
	check_parent(out, "pid_file folder", pid_file);
	if (ids->change) {
		if ((c = config_load(config_file, &e)) == NULL)
			fprintf(out, "as user %s (who reloads it): %s", ids->name,
			    sb_str(&e));
		config_free(c);
	}
	sb_free(&e);
}

/* Run user_side in a child (dropping privileges there) and collect its lines. */
static int
run_user_side(const struct em_config *cfg, const char *config_file, const char *pid_file,
    int create, const struct startcheck_ids *ids, struct strbuf *err)
{
	FILE *tmp = tmpfile();
	char line[1024];
	pid_t pid;
	int st, n = 0;

	if (tmp == NULL) {
		sb_printf(err, "startcheck: tmpfile: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == 0) {
		user_side(tmp, cfg, config_file, pid_file, create, ids);
		fflush(tmp);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		sb_printf(err, "startcheck: the check as user %s did not finish\n",
		    ids->name ? ids->name : "(self)");
		fclose(tmp);
		return -1;
	}
	rewind(tmp);
	while (fgets(line, sizeof(line), tmp) != NULL) {
		sb_adds(err, line);
		n++;
	}
	fclose(tmp);
	return n ? -1 : 0;
}

int
startcheck_run(const struct em_config *cfg, const char *config_file, const char *sock,
    const char *pid_file, int create, struct startcheck_ids *ids, struct strbuf *err)
{
	const char *sockpath = NULL;
	struct stat st;
	int bad = 0, r;

	if (resolve_ids(cfg, ids, err) != 0)
		bad = 1;
	if (listen_parse(sock, &sockpath, err) != 0) {
		bad = 1;
	} else if (sockpath != NULL && socket_folder(sockpath, err) != 0) {
		bad = 1;
	} else if ((r = listen_in_use(sock, err)) < 0) {
		bad = 1;
	} else if (r > 0 && create) {
		sb_printf(err, "socket %s is in use by another process\n", sock);
		bad = 1;
	} else if (r > 0) {
		/* -t beside a running daemon, before a reload: not a mistake. */
		fprintf(stderr,
		    "embargo: note: socket %s is in use (by the running daemon, "
		    "if this check is before a reload); a new start would be refused\n",
		    sock);
	}
	if (cfg->release_command != NULL && *cfg->release_command != '\0') {
		const char *why = NULL;

		if (stat(cfg->release_command, &st) != 0)
			why = strerror(errno);
		else if (!S_ISREG(st.st_mode) || access(cfg->release_command, X_OK) != 0)
			why = "not an executable file";
		if (why != NULL) {
			sb_printf(
			    err, "release_command %s: %s\n", cfg->release_command, why);
			bad = 1;
		}
	}
	if (!bad && run_user_side(cfg, config_file, pid_file, create, ids, err) != 0)
		bad = 1;
	return bad ? -1 : 0;
}
