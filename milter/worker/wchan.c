/*
 * wchan.c: frames over SOCK_SEQPACKET, with SCM_RIGHTS (see wchan.h). A frame
 * larger than WC_PACKET goes in several packets (a unix socket refuses a packet
 * larger than its send buffer, about 200 KB: a report of a 10,000-member archive
 * was EMSGSIZE); the receiver allocates what the header claims (bounded by
 * WP_MAX_FRAME), not the largest possible frame.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "worker/wchan.h"

/* One packet: IOV (N entries), FD attached when >= 0. 0 or -1. */
static int
send_packet(int sock, struct iovec *iov, int n, int fd)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr mh;
	size_t want = 0;
	ssize_t w;
	int i;

	for (i = 0; i < n; i++)
		want += iov[i].iov_len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)n;
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
	return w == (ssize_t)want ? 0 : -1;
}

int
wc_send(int sock, enum wp_type type, const void *payload, size_t len, int fd)
{
	const unsigned char *p = payload;
	unsigned char hdr[WP_HDR];
	struct iovec iov[2];
	size_t off, n;

	if (len > WP_MAX_FRAME - WP_HDR)
		return -1;
	wp_header(hdr, type, (uint32_t)len);
	n = len < WC_PACKET - WP_HDR ? len : WC_PACKET - WP_HDR;
	iov[0].iov_base = hdr;
	iov[0].iov_len = WP_HDR;
	iov[1].iov_base = (void *)(uintptr_t)p;
	iov[1].iov_len = n;
	if (send_packet(sock, iov, n ? 2 : 1, fd) != 0)
		return -1;
	for (off = n; off < len; off += n) { /* the rest, WC_PACKET bytes a packet */
		n = len - off < WC_PACKET ? len - off : WC_PACKET;
		iov[0].iov_base = (void *)(uintptr_t)(p + off);
		iov[0].iov_len = n;
		if (send_packet(sock, iov, 1, -1) != 0)
			return -1;
	}
	return 0;
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

/* Milliseconds left until END (a CLOCK_MONOTONIC time in ms); -1 when no deadline. */
static int
left_ms(long long end)
{
	struct timespec ts;
	long long now;

	if (end < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return now >= end ? 0 : (int)(end - now);
}

static int
wait_in(int sock, long long end)
{
	struct pollfd pfd = { sock, POLLIN, 0 };
	int r;

	do
		r = poll(&pfd, 1, left_ms(end));
	while (r < 0 && errno == EINTR);
	return r;
}

/* One packet of at most N bytes into BUF (a descriptor only when FD). Returns the
 * bytes, 0 when the peer closed (or reset the connection), -1 on error, truncation or
 * an unwanted descriptor,
 * -2 on timeout. */
static ssize_t
recv_packet(int sock, long long end, unsigned char *buf, size_t n, int *fd)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct iovec iov = { buf, n };
	struct msghdr mh;
	ssize_t r;
	int nfd;

	for (;;) { /* what is there already, else wait (the caller often polled) */
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof(u.b);
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			break;
		if (errno != EINTR && (r = wait_in(sock, end)) <= 0)
			return r == 0 ? -2 : -1;
	}
	if (r < 0 && errno == ECONNRESET)
		return 0; /* the peer is gone, with a request of ours it never read */
	nfd = r >= 0 ? take_fds(&mh, fd) : 0;
	if (r > 0 &&
	    ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (fd == NULL && nfd > 0)))
		return -1;
	return r;
}

/* The rest of a frame of PLEN payload bytes, GOT already in BUF. 0, -1, -2, -3. */
static int
recv_rest(int sock, long long end, unsigned char *buf, size_t got, size_t plen)
{
	ssize_t r;

	while (got < plen) {
		r = recv_packet(sock, end, buf + got,
		    plen - got < WC_PACKET ? plen - got : WC_PACKET, NULL);
		if (r <= 0)
			return r == 0 ? -3 : (int)r;
		got += (size_t)r;
	}
	return 0;
}

int
wc_recv(int sock, enum wp_type type, int timeout_ms, unsigned char **payload, size_t *len,
    int *fd)
{
	unsigned char first[WC_PACKET], *buf = NULL;
	long long end = -1;
	struct timespec ts;
	ssize_t r;
	long plen = -1;
	int rc;

	*payload = NULL;
	if (fd != NULL)
		*fd = -1;
	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		end = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
	}
	r = recv_packet(sock, end, first, sizeof(first), fd);
	if (r >= WP_HDR) /* the header claims the length; everything else checked */
		plen = wp_check_header(first,
		    WP_HDR +
			((size_t)first[8] | (size_t)first[9] << 8 |
			    (size_t)first[10] << 16 | (size_t)first[11] << 24),
		    type);
	if (plen >= 0 && (size_t)r - WP_HDR <= (size_t)plen &&
	    (buf = malloc(plen ? (size_t)plen : 1)) != NULL) {
		memcpy(buf, first + WP_HDR, (size_t)r - WP_HDR);
		if ((rc = recv_rest(sock, end, buf, (size_t)r - WP_HDR, (size_t)plen)) ==
		    0) {
			*payload = buf;
			*len = (size_t)plen;
			return 0;
		}
	} else
		rc = r == 0 ? -3 : r == -2 ? -2 : -1;
	free(buf);
	if (fd != NULL && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}
