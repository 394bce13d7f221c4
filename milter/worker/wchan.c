/*
 * wchan.c: one frame per SOCK_SEQPACKET packet, with SCM_RIGHTS (see wchan.h).
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker/wchan.h"

int
wc_send(int sock, enum wp_type type, const void *payload, size_t len, int fd)
{
	unsigned char hdr[WP_HDR];
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov[2];
	struct msghdr mh;
	ssize_t w;

	if (len > WP_MAX_FRAME - WP_HDR)
		return -1;
	wp_header(hdr, type, (uint32_t)len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = WP_HDR;
	iov[1].iov_base = (void *)(uintptr_t)payload;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = len ? 2 : 1;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof(u.b);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
	}
	do
		w = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)(WP_HDR + len) ? 0 : -1;
}

/* The descriptors attached to MH: the first kept in *FD (when FD), others closed.
 * Returns the number received. */
static int
take_fds(struct msghdr *mh, int *fd)
{
	struct cmsghdr *c;
	int n = 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		size_t i, k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++, n++) {
			int d;

			memcpy(&d, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n == 0 && fd != NULL)
				*fd = d;
			else
				close(d);
		}
	}
	return n;
}

static int
wait_in(int sock, int timeout_ms)
{
	struct pollfd pfd = { sock, POLLIN, 0 };
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r;
}

int
wc_recv(int sock, enum wp_type type, int timeout_ms, unsigned char **payload, size_t *len,
    int *fd)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct iovec iov;
	struct msghdr mh;
	unsigned char *buf;
	ssize_t r;
	long plen;
	int nfd;

	*payload = NULL;
	if (fd != NULL)
		*fd = -1;
	if ((r = wait_in(sock, timeout_ms)) <= 0)
		return r == 0 ? -2 : -1;
	if ((buf = malloc(WP_MAX_FRAME)) == NULL)
		return -1;
	iov.iov_base = buf;
	iov.iov_len = WP_MAX_FRAME;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.b;
	mh.msg_controllen = sizeof(u.b);
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	nfd = r >= 0 ? take_fds(&mh, fd) : 0;
	plen = r > 0 ? wp_check_header(buf, (size_t)r, type) : -1;
	if (r <= 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || plen < 0 ||
	    (fd == NULL && nfd > 0)) {
		free(buf);
		if (fd != NULL && *fd >= 0) {
			close(*fd);
			*fd = -1;
		}
		return r == 0 ? -3 : -1;
	}
	memmove(buf, buf + WP_HDR, (size_t)plen);
	*payload = buf;
	*len = (size_t)plen;
	return 0;
}
