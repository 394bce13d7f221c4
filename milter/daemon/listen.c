/*
 * listen.c: the milter socket.
 *
 * Syntax: unix:/abs/path (local: is the same), inet:PORT[@HOST], inet6:PORT[@HOST];
 * anything else (tcp:8890, a relative path, a port out of range) is refused before
 * start. In use: a unix socket another process accepts on, or a taken inet address,
 * is refused rather than stolen (libmilter's smfi_opensocket(1) would unlink a live
 * socket).
 * Creation (reliability 6c): no root chown or chmod through a path. libmilter binds
 * the socket while the effective user is the run-as user, the effective group the
 * socket group and the umask the complement of socket_mode, so the file is born with
 * its owner, group and mode. If that user cannot write to the folder, it is bound as
 * root:GROUP instead: a folder the daemon user cannot write holds nothing it can swap.
 * Started as a user (systemd User=), the socket is that user's, and socket_group is
 * set with lchown (a group the user belongs to).
 * TCP_NODELAY is set on an inet listener (Linux copies it to accepted sockets), so
 * replies at end of message are not held ~40 ms by Nagle's algorithm.
 * Limits: Linux; a unix path is at most 107 bytes.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/listen.h"
#include "daemon/milter.h"

static const char *
unix_part(const char *sock)
{
	if (strncmp(sock, "unix:", 5) == 0)
		return sock + 5;
	if (strncmp(sock, "local:", 6) == 0)
		return sock + 6;
	return NULL;
}

/* Split inet:PORT[@HOST]; 0 or -1. */
static int
inet_parts(const char *sock, int *family, char *port, size_t pl, char *host, size_t hl)
{
	const char *p, *at;
	char *end;
	unsigned long n;

	if (strncmp(sock, "inet:", 5) == 0)
		*family = AF_INET, p = sock + 5;
	else if (strncmp(sock, "inet6:", 6) == 0)
		*family = AF_INET6, p = sock + 6;
	else
		return -1;
	n = strtoul(p, &end, 10);
	if (end == p || (*end != '\0' && *end != '@') || n == 0 || n > 65535 ||
	    (size_t)(end - p) >= pl)
		return -1;
	snprintf(port, pl, "%lu", n);
	at = *end == '@' ? end + 1 : NULL;
	if (at != NULL &&
	    (*at == '\0' || strlen(at) >= hl || strpbrk(at, " \t@/") != NULL))
		return -1;
	snprintf(host, hl, "%s", at ? at : "");
	return 0;
}

int
listen_parse(const char *sock, const char **path, struct strbuf *err)
{
	const char *u = sock ? unix_part(sock) : NULL;
	char port[16], host[256];
	int fam;

	if (path != NULL)
		*path = NULL;
	if (u != NULL) {
		if (u[0] != '/' ||
		    strlen(u) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			sb_printf(err,
			    "socket '%s': a unix socket needs an absolute path "
			    "shorter than 108 bytes\n",
			    sock);
			return -1;
		}
		if (path != NULL)
			*path = u;
		return 0;
	}
	if (sock != NULL &&
	    inet_parts(sock, &fam, port, sizeof(port), host, sizeof(host)) == 0)
		return 0;
	sb_printf(err, "socket '%s': not unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST\n",
	    sock ? sock : "");
	return -1;
}

static int
unix_in_use(const char *path)
{
	struct sockaddr_un sa;
	int fd, r;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r == 0;
}

int
listen_in_use(const char *sock, struct strbuf *err)
{
	struct addrinfo hints, *ai = NULL;
	char port[16], host[256];
	int fam, fd, r, on = 1, e;

	if (unix_part(sock) != NULL)
		return unix_in_use(unix_part(sock));
	if (inet_parts(sock, &fam, port, sizeof(port), host, sizeof(host)) != 0)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = fam;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((e = getaddrinfo(*host ? host : NULL, port, &hints, &ai)) != 0) {
		sb_printf(err, "socket '%s': %s\n", sock, gai_strerror(e));
		return -1;
	}
	r = 0;
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			if (errno == EADDRINUSE) {
				r = 1;
			} else {
				sb_printf(
				    err, "socket '%s': %s\n", sock, strerror(errno));
				r = -1;
			}
		}
		close(fd);
	}
	freeaddrinfo(ai);
	return r;
}

/* Set TCP_NODELAY on libmilter's inet listener, found among our descriptors
 * (libmilter has no call to reach it). Returns the number of sockets changed. */
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

/* smfi_opensocket with effective ids UID:GID and the umask of MODE; 0 or errno. */
static int
open_as(uid_t uid, gid_t gid, int mode)
{
	mode_t old = umask((mode_t)(~mode & 0777));
	int e = 0, root = geteuid() == 0;

	if (root && (setegid(gid) != 0 || seteuid(uid) != 0))
		e = errno;
	errno = 0;
	if (e == 0 && smfi_opensocket(1) != MI_SUCCESS)
		e = errno ? errno : EADDRINUSE;
	if (root && (seteuid(0) != 0 || setegid(0) != 0))
		e = e ? e : errno;
	umask(old);
	return e;
}

int
listen_open(const struct em_config *cfg, const char *sock, uid_t uid, gid_t gid,
    struct strbuf *err)
{
	const char *path = NULL;
	int e;

	if (listen_parse(sock, &path, err) != 0)
		return -1;
	if (smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_settimeout(cfg->milter_timeout) != MI_SUCCESS ||
	    smfi_setbacklog(cfg->backlog) != MI_SUCCESS) {
		sb_printf(err, "socket '%s': refused by libmilter\n", sock);
		return -1;
	}
	if (smfi_register(embargo_milter) != MI_SUCCESS) {
		sb_printf(err, "smfi_register failed\n");
		return -1;
	}
	e = open_as(uid, gid, cfg->socket_mode);
	if (e == EACCES && path != NULL && uid != 0)
		e = open_as(0, gid, cfg->socket_mode);
	if (e != 0) {
		sb_printf(err, "cannot listen on %s: %s\n", sock, strerror(e));
		return -1;
	}
	/* Not root (e.g. systemd's User=): a group of ours can still be given to our
	 * own socket; lchown never follows a symlink, and this user can only change
	 * files it owns anyway. */
	if (path != NULL && geteuid() != 0 && gid != getegid() &&
	    lchown(path, (uid_t)-1, gid) != 0)
		sb_printf(
		    err, "warning: socket_group on %s: %s\n", path, strerror(errno));
	if (path == NULL && nodelay() == 0)
		sb_printf(err, "warning: could not set TCP_NODELAY on %s\n", sock);
	return 0;
}

void
listen_remove(const char *sock)
{
	const char *path = unix_part(sock);
	struct stat st;

	if (path != NULL && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(path);
}
