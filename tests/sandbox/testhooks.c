/*
 * testhooks.c: test-only misbehaviour of embargo-worker, linked only into
 * build/tests/embargo-worker-test (compiled with -DEMBARGO_TEST_ANALYSERS), never
 * into a release build. A magic string anywhere in the message makes the worker,
 * once sandboxed:
 *   EMBARGO-TEST-CRASH    dereference NULL (SIGSEGV)
 *   EMBARGO-TEST-OPEN     open("/etc/passwd")      (refused: EACCES; exit 99 if not)
 *   EMBARGO-TEST-SOCKET   socket(AF_INET)          (SIGSYS)
 *   EMBARGO-TEST-EXEC     execve("/bin/sh")        (SIGSYS)
 *   EMBARGO-TEST-HANG     never answer (the daemon's deadline)
 *   EMBARGO-TEST-OOM      allocate and touch memory until RLIMIT_AS stops it
 *   EMBARGO-TEST-GARBAGE  answer a frame of garbage
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker/wchan.h"

void worker_test_hooks(int sock, const unsigned char *data, size_t len);

static int
has(const unsigned char *d, size_t len, const char *s)
{
	return memmem(d, len, s, strlen(s)) != NULL;
}

static void
oom(void)
{
	for (;;) {
		char *p = malloc(1 << 20);

		if (p == NULL)
			abort();
		memset(p, 1, 1 << 20);
	}
}

void
worker_test_hooks(int sock, const unsigned char *d, size_t len)
{
	static char *const argv[] = { "sh", NULL };
	volatile int *volatile np = NULL;

	if (has(d, len, "EMBARGO-TEST-CRASH"))
		*np = 1;
	if (has(d, len, "EMBARGO-TEST-OPEN"))
		if (open("/etc/passwd", O_RDONLY) >= 0)
			_exit(99);   /* escaped: the pool turns this exit into a tempfail */
	if (has(d, len, "EMBARGO-TEST-SOCKET"))
		(void)!socket(AF_INET, SOCK_STREAM, 0);
	if (has(d, len, "EMBARGO-TEST-EXEC"))
		execve("/bin/sh", argv, NULL);
	if (has(d, len, "EMBARGO-TEST-HANG"))
		for (;;)
			poll(NULL, 0, -1);
	if (has(d, len, "EMBARGO-TEST-OOM"))
		oom();
	if (has(d, len, "EMBARGO-TEST-GARBAGE"))
		(void)!wc_send(sock, WP_REPORT, "\xff\xff\xff\xff garbage", 13, -1);
}
