/*
 * store_deliver.c: the release copy of a stored message and the run of the
 * release command, for embargo-quarantine's release and the daemon's automatic
 * release of a message unlocked by a later mail (daemon/ppap.c).
 * The copy carries the marker the daemon verifies (store_mark.h) so the released
 * message passes the MTA's milters once; the command is run without a shell as
 * `CMD -i -f SENDER -- RCPT...` with the copy on its standard input.
 *
 * Used by embargo-quarantine's release (tools/q_release.c) too: a set-id run gives
 * the command the store's user wholly.
 * Limits: STORE_DELIVER_BATCH recipients a run. Threads: any; the caller owns the
 * descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store_deliver.h"
#include "store/store_mark.h"

static const char *const sd_clean_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

int
store_body_hash_fd(int fd, char body[65])
{
	struct store_bh *bh = store_bh_new(1);
	unsigned char buf[65536];
	ssize_t n;

	if (bh == NULL || lseek(fd, 0, SEEK_SET) != 0)
		goto fail;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || store_bh_feed(bh, buf, (size_t)n) != 0)
			goto fail;
	}
	return store_bh_final(bh, body);
fail:
	store_bh_final(bh, body);
	return -1;
}

static int
copy_fd(int in, int out)
{
	unsigned char buf[65536];
	ssize_t n;

	if (lseek(in, 0, SEEK_SET) != 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || store_write_all(out, buf, (size_t)n) != 0)
			return -1;
	}
	return 0;
}

int
store_release_copy(const char *dir, const struct store_entry *e, const char *who,
    const char *extra, int in, int *out, struct strbuf *err)
{
	struct strbuf h = STRBUF_INIT;
	unsigned char key[STORE_KEY_LEN];
	char auth[68], when[40], body[65], tmp[4200];
	struct tm tm;
	time_t now = time(NULL);
	int fd, rc = -1;

	if (store_body_hash_fd(in, body) != 0)
		return sb_adds(err, "cannot read the stored message"), -1;
	if (store_key(dir, 0, key, err) != 0 ||
	    store_mark_auth(key, e->id, body, auth) != 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	if ((fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) < 0 &&
	    (fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) < 0)
		return sb_printf(err, "temporary file: %s", strerror(errno)), -1;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)now);
	sb_printf(&h, "%s: %s; by=%s; at=%s\r\n%s: %s\r\n%s", STORE_MARK_HDR, e->id, who,
	    when, STORE_AUTH_HDR, auth, extra ? extra : "");
	if (h.oom || store_write_all(fd, sb_str(&h), h.len) != 0 ||
	    copy_fd(in, fd) != 0) {
		sb_adds(err, "cannot write the release copy");
		goto out;
	}
	rc = 0;
out:
	sb_free(&h);
	if (rc == 0)
		*out = fd;
	else
		close(fd);
	return rc;
}

int
store_release_run(
    const char *cmd, const char *sender, int fd, const char *const *rc, size_t n)
{
	const char **argv = calloc(n + 7, sizeof(*argv));
	size_t i, k = 0;
	pid_t pid;
	int status = -1;

	if (argv == NULL || lseek(fd, 0, SEEK_SET) != 0) {
		free(argv);
		return -1;
	}
	argv[k++] = cmd;
	argv[k++] = "-i";
	argv[k++] = "-f";
	argv[k++] = sender;
	argv[k++] = "--";
	for (i = 0; i < n; i++)
		argv[k++] = rc[i];
	fflush(NULL);
	if ((pid = fork()) == 0) {
		/* Only async-signal-safe calls here: the daemon is threaded. A set-id run
		 * (embargo-quarantine) becomes wholly the store's user. */
		if (dup2(fd, 0) < 0 ||
		    (getuid() != geteuid() &&
			(setresgid(getegid(), getegid(), getegid()) != 0 ||
			    setresuid(geteuid(), geteuid(), geteuid()) != 0)))
			_exit(127);
		execve(cmd, (char *const *)argv, (char *const *)sd_clean_env);
		_exit(127);
	}
	free(argv);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
store_release_deliver(const char *cmd, const struct store_entry *e, int fd, size_t *done)
{
	const char *rc[STORE_DELIVER_BATCH];
	char *buf = strdup(e->rcpts), *p;
	size_t k;
	int ok = buf != NULL;

	*done = 0;
	for (p = buf; ok && p != NULL && *p;) {
		for (k = 0; p != NULL && *p && k < STORE_DELIVER_BATCH; k++) {
			rc[k] = p;
			if ((p = strchr(p, '\n')) != NULL)
				*p++ = '\0';
		}
		ok = store_release_run(cmd, e->sender, fd, rc, k) == 0;
		if (ok)
			*done += k;
	}
	free(buf);
	return ok && *done > 0 ? 0 : -1;
}
