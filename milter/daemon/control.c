/*
 * control.c: the control socket (see control.h).
 *
 * The accepting thread checks the peer's credentials and the number of clients
 * being served before it starts a thread for one; that thread reads one line under
 * an overall deadline (poll, so a slow client cannot stretch it byte by byte),
 * answers and closes. The answer is built from a copy of the counters
 * (metrics_snapshot), so a scrape never holds anything a message needs.
 * The socket's group is looked up at each connection, so `chgrp GROUP socket`
 * lets that group in without a restart.
 * BUGS: the group check sees only the peer's primary group (SO_PEERCRED).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/workers.h"
#include "daemon/wscan.h"

/* The one control socket of the process: set once by control_start. */
static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uid_t uid;
	gid_t gid;
	atomic_int clients;
} ctl = { .fd = -1 };

enum control_req
control_parse(const char *buf, size_t n, int at_eof)
{
	const char *nl = memchr(buf, '\n', n);
	size_t len;

	if (nl == NULL && !at_eof)
		return n >= CONTROL_LINE_MAX ? CTL_TOO_LONG : CTL_NEED_MORE;
	len = nl != NULL ? (size_t)(nl - buf) : n;
	if (len >= CONTROL_LINE_MAX)
		return CTL_TOO_LONG;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 5 && memcmp(buf, "stats", 5) == 0)
		return CTL_STATS;
	return CTL_UNKNOWN;
}

/* Write all of P before the deadline; 0 or -1. */
static int
write_all(int fd, const char *p, size_t n, double deadline)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	ssize_t k;
	double left;

	while (n > 0) {
		if ((left = deadline - mono_now()) <= 0 ||
		    poll(&pf, 1, (int)(left * 1000) + 1) <= 0)
			return -1;
		if ((k = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT)) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read one request before the deadline. */
static enum control_req
read_request(int fd, double deadline)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	char buf[CONTROL_LINE_MAX];
	enum control_req q = CTL_NEED_MORE;
	size_t n = 0;
	ssize_t k;
	double left;

	while (q == CTL_NEED_MORE) {
		if ((left = deadline - mono_now()) <= 0 ||
		    poll(&pf, 1, (int)(left * 1000) + 1) <= 0)
			return CTL_NEED_MORE; /* timed out */
		k = recv(fd, buf + n, sizeof(buf) - n, MSG_DONTWAIT);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (k <= 0)
			return k == 0 ? control_parse(buf, n, 1) : CTL_UNKNOWN;
		n += (size_t)k;
		q = control_parse(buf, n, 0);
	}
	return q;
}

static void
answer_stats(int fd, double deadline)
{
	struct metrics_snapshot *s = malloc(sizeof(*s));
	struct wpool_stats w;
	struct strbuf out = STRBUF_INIT;

	sb_init(&out, CONTROL_ANSWER_MAX);
	if (s == NULL) {
		(void)write_all(fd, "error: out of memory\n", 21, deadline);
		return;
	}
	metrics_snapshot(s);
	metrics_render(s, wscan_stats(&w) == 0 ? &w : NULL, &out);
	if (out.oom || out.truncated)
		(void)write_all(fd, "error: out of memory\n", 21, deadline);
	else
		(void)write_all(fd, sb_str(&out), out.len, deadline);
	sb_free(&out);
	free(s);
}

static void *
client_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	double deadline = mono_now() + CONTROL_TIMEOUT_MS / 1000.0;
	const char *e = NULL;

	switch (read_request(fd, deadline)) {
	case CTL_STATS: answer_stats(fd, mono_now() + CONTROL_TIMEOUT_MS / 1000.0); break;
	case CTL_NEED_MORE: e = "error: timeout\n"; break;
	case CTL_TOO_LONG: e = "error: request too long\n"; break;
	case CTL_UNKNOWN:
	default: e = "error: unknown command (try: stats)\n"; break;
	}
	if (e != NULL)
		(void)write_all(fd, e, strlen(e), mono_now() + 0.5);
	close(fd);
	atomic_fetch_sub(&ctl.clients, 1);
	return NULL;
}

/* Whether the peer on FD may talk to us. */
static int
peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct stat st;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return 0;
	/* the socket's group now: an admin may chgrp it to let a group read */
	if (stat(ctl.path, &st) == 0)
		ctl.gid = st.st_gid;
	return cr.uid == 0 || cr.uid == ctl.uid || cr.gid == ctl.gid;
}

static void
serve_one(int fd)
{
	pthread_attr_t at;
	pthread_t t;
	const char *e = NULL;

	if (!peer_allowed(fd))
		e = "error: not allowed\n";
	else if (atomic_fetch_add(&ctl.clients, 1) >= CONTROL_MAX_CLIENTS) {
		atomic_fetch_sub(&ctl.clients, 1);
		e = "error: busy\n";
	}
	if (e == NULL) {
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, client_thread, (void *)(intptr_t)fd) == 0) {
			pthread_attr_destroy(&at);
			return;
		}
		pthread_attr_destroy(&at);
		atomic_fetch_sub(&ctl.clients, 1);
		e = "error: busy\n";
	}
	(void)send(fd, e, strlen(e), MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void *
accept_thread(void *arg)
{
	int fd;

	(void)arg;
	for (;;) {
		fd = accept4(ctl.fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
				sleep(
				    1); /* out of descriptors: let the milter have them */
			continue;
		}
		serve_one(fd);
	}
	return NULL;
}

/* Bind FD at PATH with mode 0660. 0 or -1. */
static int
bind_path(int fd, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(path); /* a socket left by a daemon that died */
	old = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(path, 0660) != 0 || stat(path, &st) != 0)
		return -1;
	ctl.gid = st.st_gid;
	return 0;
}

int
control_start(const char *path)
{
	pthread_t t;

	if (path == NULL || *path == '\0')
		return 0;
	if (strlen(path) >= sizeof(ctl.path)) {
		log_msg(LOG_WARNING, NULL, "control_socket %s: path too long", path);
		return -1;
	}
	ctl.uid = geteuid();
	if ((ctl.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind_path(ctl.fd, path) != 0 || listen(ctl.fd, 16) != 0) {
		log_msg(LOG_WARNING, NULL, "control_socket %s: %s: no live statistics",
		    path, strerror(errno));
		goto fail;
	}
	memcpy(ctl.path, path, strlen(path) + 1);
	if (pthread_create(&t, NULL, accept_thread, NULL) != 0) {
		log_msg(LOG_WARNING, NULL, "control_socket: no thread");
		goto fail;
	}
	pthread_detach(t);
	return 0;
fail:
	if (ctl.fd >= 0)
		close(ctl.fd);
	ctl.fd = -1;
	ctl.path[0] = '\0';
	return -1;
}

void
control_stop(void)
{
	if (ctl.path[0] != '\0')
		(void)unlink(ctl.path);
}
