/*
 * test_wchan.c: frames of the worker protocol over a real SOCK_SEQPACKET
 * socketpair: a frame far larger than one packet (a report of a 10,000-member
 * archive) arrives whole; a frame cut short ends in "peer closed", one whose rest
 * never comes in a timeout, one with a packet past its claimed length is refused.
 */
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "worker/wchan.h"

static void
pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

/* A writer process: runs FN(sock) and exits, so the reader can block on reading. */
static pid_t
writer(int sock, void (*fn)(int))
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		fn(sock);
		_exit(0);
	}
	return pid;
}

#define BIG (3u << 20)

static void
send_big(int sock)
{
	unsigned char *p = malloc(BIG);
	size_t i;

	for (i = 0; i < BIG; i++)
		p[i] = (unsigned char)(i * 7);
	_exit(wc_send(sock, WP_REPORT, p, BIG, -1) == 0 ? 0 : 1);
}

static void
a_large_frame_arrives_whole(void **state)
{
	unsigned char *pl;
	size_t n, i;
	int sv[2];

	(void)state;
	pair(sv);
	writer(sv[1], send_big);
	assert_int_equal(wc_recv(sv[0], WP_REPORT, 10000, &pl, &n, NULL), 0);
	assert_int_equal(n, BIG);
	for (i = 0; i < BIG; i += 4099)
		assert_int_equal(pl[i], (unsigned char)(i * 7));
	free(pl);
	close(sv[0]);
	close(sv[1]);
}

/* A header claiming 200,000 bytes, then only HOW MANY are sent. */
static void
claim(int sock, size_t sent, size_t extra)
{
	unsigned char hdr[WP_HDR], *p = calloc(1, 300000);

	wp_header(hdr, WP_REPORT, 200000);
	memcpy(p, hdr, WP_HDR);
	assert_int_equal(send(sock, p, WP_HDR + 1000, 0), WP_HDR + 1000);
	if (sent > 1000)
		assert_int_equal(send(sock, p, sent - 1000 + extra, 0), sent - 1000 + extra);
	free(p);
}

static void
short_late_and_long_frames_are_refused(void **state)
{
	unsigned char *pl;
	size_t n;
	int sv[2];

	(void)state;
	pair(sv);
	claim(sv[1], 1000, 0);
	close(sv[1]);
	assert_int_equal(wc_recv(sv[0], WP_REPORT, 2000, &pl, &n, NULL), -3);
	assert_null(pl);
	close(sv[0]);

	pair(sv);
	claim(sv[1], 50000, 0);
	assert_int_equal(wc_recv(sv[0], WP_REPORT, 300, &pl, &n, NULL), -2);
	close(sv[0]);
	close(sv[1]);

	pair(sv);
	claim(sv[1], 200000 - 10, 20); /* the last packet runs past the frame */
	assert_int_equal(wc_recv(sv[0], WP_REPORT, 2000, &pl, &n, NULL), -1);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_large_frame_arrives_whole),
		cmocka_unit_test(short_late_and_long_frames_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
