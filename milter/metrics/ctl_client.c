/*
 * ctl_client.c: one command to the control socket (see ctl_client.h).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "metrics/ctl_client.h"

static int
ctl_connect(const char *path, struct strbuf *err)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (path == NULL || *path == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		sb_printf(err, "no usable control socket path");
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		sb_printf(err, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Read until end of file, the deadline or the cap. 0 or -1. */
static int
read_answer(int fd, struct strbuf *out, struct strbuf *err)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	double deadline = mono_now() + CTL_CLIENT_TIMEOUT_MS / 1000.0, left;
	char buf[8192];
	ssize_t k;

	for (;;) {
		if ((left = deadline - mono_now()) <= 0 ||
		    poll(&pf, 1, (int)(left * 1000) + 1) <= 0) {
			sb_printf(err, "no answer in time");
			return -1;
		}
		if ((k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			sb_printf(err, "read: %s", strerror(errno));
			return -1;
		}
		if (k == 0)
			return 0;
		if (out->len + (size_t)k > CTL_CLIENT_MAX) {
			sb_printf(err, "answer too long");
			return -1;
		}
		sb_add(out, buf, (size_t)k);
		if (out->oom) {
			sb_printf(err, "out of memory");
			return -1;
		}
	}
}

int
ctl_fetch(const char *path, const char *cmd, struct strbuf *out, struct strbuf *err)
{
	int fd, rc = -1;
	size_t n = strlen(cmd);

	if ((fd = ctl_connect(path, err)) < 0)
		return -1;
	if (send(fd, cmd, n, MSG_NOSIGNAL) != (ssize_t)n ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		sb_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	(void)shutdown(fd, SHUT_WR);
	if (read_answer(fd, out, err) != 0)
		goto out;
	if (strncmp(sb_str(out), "error:", 6) == 0) {
		sb_printf(err, "%.*s", (int)strcspn(sb_str(out), "\n"), sb_str(out));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}
