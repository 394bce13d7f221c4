/*
 * q_cmds.c: embargo-quarantine's other commands: show, export, delete, purge,
 * fsck, sync-holds; and the rescan of stored content, which runs in a child
 * without root (the daemon's user, or nobody), never as root, and parses the
 * message in a sandboxed embargo-worker, as the daemon does (show, release --rescan,
 * and embargo-web's release, which calls it).
 *
 * sync-holds asks Postfix (`postqueue -j`, honouring MAIL_CONFIG) which messages
 * are in its hold queue; entries held by Embargo whose queue id is no longer there
 * become left-hold (released or deleted in the MTA).
 * Limits: postqueue output is read line by line up to 64 KiB per line.
 * BUGS: sync-holds knows Postfix only.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "daemon/workers.h"
#include "policy/policy.h"
#include "tools/q.h"

#define Q_POSTQUEUE "/usr/sbin/postqueue"

/* The rescan's worker: started before the drop of root (it reads the configuration
 * as embargo-quarantine could), then used by the unprivileged child. */
static struct wpool *qpool;

static struct wpool *
rescan_pool(const struct em_config *cfg)
{
	char path[4096];
	struct wpool_opts o;
	struct wpool *p;

	wpool_opts_of(cfg, cfg->file, 1, path, sizeof(path), &o);
	if (o.user == NULL || o.user[0] == '\0') /* as root: never a root worker */
		o.user = cfg->user && cfg->user[0] ? cfg->user : "nobody";
	if ((p = wpool_new(&o)) != NULL && wpool_start(p) != 0) {
		wpool_free(p);
		p = NULL;
	}
	return p;
}

static int
drop_root(const struct em_config *cfg)
{
	const char *name = cfg->user && cfg->user[0] ? cfg->user : "nobody";
	struct passwd *pw;

	if (geteuid() != 0 && getuid() != 0) /* a set-id run: back to the caller */
		return setresgid(getgid(), getgid(), getgid()) == 0 &&
			setresuid(getuid(), getuid(), getuid()) == 0 &&
			geteuid() == getuid() && getegid() == getgid() ?
		    0 :
		    -1;
	if ((pw = getpwnam(name)) == NULL || pw->pw_uid == 0)
		return -1;
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0 || setuid(0) == 0)
		return -1;
	return 0;
}

int
q_unprivileged(const struct em_config *cfg, int (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	if ((qpool = rescan_pool(cfg)) == NULL) {
		fprintf(stderr, "embargo-quarantine: cannot start the scan worker\n");
		return Q_ERROR;
	}
	if ((pid = fork()) < 0) {
		wpool_free(qpool);
		return Q_ERROR;
	}
	if (pid == 0) {
		if (drop_root(cfg) != 0) {
			fprintf(stderr,
			    "embargo-quarantine: cannot drop root to parse the message\n");
			_exit(Q_ERROR);
		}
		status = fn(arg);
		fflush(NULL);
		_exit(status);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			wpool_free(qpool);
			return Q_ERROR;
		}
	wpool_free(qpool);
	qpool = NULL;
	return WIFEXITED(status) ? WEXITSTATUS(status) : Q_ERROR;
}

static size_t
split(char *buf, const char **v, size_t max)
{
	size_t n = 0;
	char *p;

	for (p = buf; *p && n < max;) {
		v[n++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* The stored message FD through the sandboxed worker: 0 with RES, or -1. */
static int
worker_scan(int fd, struct wp_result *res)
{
	struct stat st;
	em_status s;
	int died;

	memset(res, 0, sizeof(*res));
	if (qpool == NULL || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	s = wpool_scan(qpool, fd, (uint64_t)st.st_size, res, &died);
	if (s == EM_OK && res->r != NULL &&
	    (res->status == EM_OK || em_status_local((em_status)res->status)))
		return 0;
	wp_result_free(res);
	return -1;
}

int
q_rescan(const struct em_config *cfg, int fd, const struct store_entry *e, int show)
{
	struct wp_result m;
	const char *rc[1000];
	struct envelope env;
	struct decision d;
	char *buf = NULL;
	int r = Q_ERROR;

	if (worker_scan(fd, &m) != 0) {
		fprintf(stderr, "embargo-quarantine: %s: cannot rescan the stored copy\n",
		    e->id);
		return Q_ERROR;
	}
	if (show) {
		printf("parts and findings (rescanned with the current scanners):\n");
		report_print(m.r, stdout);
		wp_result_free(&m);
		return Q_OK;
	}
	memset(&env, 0, sizeof(env));
	env.sender = e->sender;
	env.client_addr = e->client_addr[0] ? e->client_addr : NULL;
	env.auth_user = e->auth_user[0] ? e->auth_user : NULL;
	if ((buf = strdup(e->rcpts)) != NULL) {
		env.nrcpts = split(buf, rc, sizeof(rc) / sizeof(rc[0]));
		env.rcpts = rc;
		if (policy_decide(cfg->policy, m.r, &env, &d) == 0) {
			r = d.action <= ACT_TAG ? Q_OK : Q_REFUSED;
			printf("rescan: %s%s%s: %s\n", action_name(d.action),
			    d.rule ? " by rule " : "", d.rule ? d.rule : "",
			    d.explain ? d.explain : "");
			decision_clear(&d);
		}
	}
	free(buf);
	wp_result_free(&m);
	return r;
}

struct show_arg {
	const struct em_config *cfg;
	int fd;
	const struct store_entry *e;
};

static int
show_child(void *arg)
{
	struct show_arg *a = arg;

	return q_rescan(a->cfg, a->fd, a->e, 1);
}

int
q_show(struct qctx *c, const struct store_entry *e)
{
	struct show_arg a = { c->cfg, -1, e };
	int rc;

	q_print_details(c->s, e);
	if (!e->has_file) {
		printf("%s\n",
		    strcmp(e->action, "hold") == 0 ?
			"held in the MTA queue (no copy here): release with postsuper -H QUEUEID" :
			"no stored copy");
		return Q_OK;
	}
	if ((a.fd = store_open_msg(c->s, e->id)) < 0) {
		fprintf(stderr, "embargo-quarantine: %s: stored file missing: %s\n",
		    e->id, strerror(errno));
		return Q_ERROR;
	}
	rc = q_unprivileged(c->cfg, show_child, &a);
	close(a.fd);
	return rc;
}

int
q_export(struct qctx *c, const struct store_entry *e)
{
	char buf[65536];
	ssize_t n;
	int fd = e->has_file ? store_open_msg(c->s, e->id) : -1;

	if (fd < 0) {
		fprintf(stderr, "embargo-quarantine: %s: no stored copy\n", e->id);
		return Q_REFUSED;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	return n == 0 && fflush(stdout) == 0 ? Q_OK : Q_ERROR;
}

int
q_delete(struct qctx *c, const struct store_entry *e)
{
	int rc = store_delete(c->s, e->id, c->who);

	if (rc == 0)
		fprintf(Q_OUT(c), "%s deleted\n", e->id);
	else if (rc == 1)
		fprintf(Q_OUT(c), "%s is %s: not deleted\n", e->id, e->state);
	return rc == 0 ? Q_OK : rc == 1 ? Q_REFUSED : Q_ERROR;
}

int
q_purge(struct qctx *c)
{
	size_t n = 0;

	if (store_purge(c->s, (int64_t)time(NULL) - c->o->older, c->who, &n) != 0)
		return Q_ERROR;
	printf("purged %zu message%s\n", n, n == 1 ? "" : "s");
	return Q_OK;
}

int
q_fsck(struct qctx *c)
{
	struct store_fsck r;

	if (store_fsck(c->s, 0, c->who, &r) != 0)
		return Q_ERROR;
	printf(
	    "reindexed %zu, marked missing %zu, stale tmp removed %zu, interrupted "
	    "deletes/purges finished %zu, stray .meta removed %zu, releases stuck %zu, "
	    "unknown files %zu\n",
	    r.reindexed, r.missing, r.tmp_removed, r.finished, r.meta_removed, r.stuck,
	    r.unreadable);
	return Q_OK;
}

/* The queue ids in Postfix's hold queue, newline-joined into HELD. */
static int
postfix_holds(struct strbuf *held)
{
	char line[65536], *q, *e;
	FILE *fp;
	int rc;

	if ((fp = popen(Q_POSTQUEUE " -j", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "\"queue_name\": \"hold\"") == NULL &&
		    strstr(line, "\"queue_name\":\"hold\"") == NULL)
			continue;
		if ((q = strstr(line, "\"queue_id\":")) == NULL ||
		    (q = strchr(q + 11, '"')) == NULL || (e = strchr(++q, '"')) == NULL)
			continue;
		sb_printf(held, "\n%.*s\n", (int)(e - q), q);
	}
	rc = pclose(fp);
	return rc == 0 ? 0 : -1;
}

struct sync_arg {
	struct qctx *c;
	const char *held;
	char (*ids)[STORE_ID_LEN + 1];
	size_t n, cap;
};

static int
sync_cb(void *arg, const struct store_entry *e)
{
	struct sync_arg *a = arg;
	char key[80];
	void *nv;

	if (strcmp(e->state, "held") != 0)
		return 0;
	snprintf(key, sizeof(key), "\n%s\n", e->queue_id);
	if (strstr(a->held, key) != NULL)
		return 0;
	if (a->n == a->cap) {
		if ((nv = realloc(a->ids,
			 (a->cap = a->cap ? a->cap * 2 : 64) * sizeof(*a->ids))) == NULL)
			return 1;
		a->ids = nv;
	}
	memcpy(a->ids[a->n++], e->id, STORE_ID_LEN + 1);
	return 0;
}

int
q_sync_holds(struct qctx *c)
{
	struct strbuf held = STRBUF_INIT;
	struct sync_arg a = { c, NULL, NULL, 0, 0 };
	size_t i, done = 0;
	int rc = Q_OK;

	sb_addc(&held, '\n');
	if (postfix_holds(&held) != 0) {
		fprintf(stderr, "embargo-quarantine: %s -j failed: holds not synced\n",
		    Q_POSTQUEUE);
		sb_free(&held);
		return Q_ERROR;
	}
	a.held = sb_str(&held);
	if (store_list(c->s, 0, 0, sync_cb, &a) != 0)
		rc = Q_ERROR;
	for (i = 0; rc == Q_OK && i < a.n; i++)
		if (store_left_hold(c->s, a.ids[i], c->who) == 0)
			done++;
	printf(
	    "%zu hold%s no longer in the MTA hold queue\n", done, done == 1 ? "" : "s");
	free(a.ids);
	sb_free(&held);
	return rc;
}
