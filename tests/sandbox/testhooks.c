/*
 * testhooks.c: test-only misbehaviour of embargo-worker, linked only into
 * build/tests/embargo-worker-test (compiled with -DEMBARGO_TEST_ANALYSERS), never
 * into a release build. Once sandboxed, a magic string in the bytes of a part
 * (decoded: it may sit base64-encoded in an attachment, or in a zip member) makes
 * the worker, as the analysis of that part starts (wprogress.c's hook, so the
 * daemon sees the right part number):
 *   EMBARGO-TEST-CRASH    dereference NULL (SIGSEGV)
 *   EMBARGO-TEST-OPEN     open("/etc/passwd")      (refused: EACCES; exit 99 if not)
 *   EMBARGO-TEST-STAT     fstatat("/etc/passwd", AT_EMPTY_PATH), the one path call
 *                         seccomp lets through (the empty root: ENOENT; exit 99 if
 *                         found)
 *   EMBARGO-TEST-SIGNAL   SIGTERM to its parent (the daemon or embargo-scan), and
 *                         setrlimit on it (SIGSYS)
 *   EMBARGO-TEST-SOCKET   socket(AF_INET)          (SIGSYS)
 *   EMBARGO-TEST-EXEC     execve("/bin/sh")        (SIGSYS)
 *   EMBARGO-TEST-HANG     never answer (the daemon's deadline)
 *   EMBARGO-TEST-OOM      allocate and touch memory until RLIMIT_AS stops it
 * and anywhere in the raw message:
 *   EMBARGO-TEST-GARBAGE  answer a frame of garbage
 * Limits: a part is looked at through its scan window only.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/scan.h"
#include "worker/wchan.h"

void worker_test_hooks(int sock, const unsigned char *data, size_t len);
void worker_test_part(const struct scan_input *in);

static int
has(const unsigned char *d, size_t len, const char *s)
{
	return d != NULL && memmem(d, len, s, strlen(s)) != NULL;
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
worker_test_part(const struct scan_input *in)
{
	static char *const argv[] = { "sh", NULL };
	volatile int *volatile np = NULL;
	const unsigned char *d = in->data;
	size_t len = in->len;

	if (has(d, len, "EMBARGO-TEST-CRASH"))
		*np = 1;
	if (has(d, len, "EMBARGO-TEST-OPEN"))
		if (open("/etc/passwd", O_RDONLY) >= 0)
			_exit(99); /* escaped: the pool turns this exit into a tempfail */
	if (has(d, len, "EMBARGO-TEST-STAT")) {
		struct stat st;

		if (fstatat(AT_FDCWD, "/etc/passwd", &st, AT_EMPTY_PATH) == 0)
			_exit(99);
	}
	if (has(d, len, "EMBARGO-TEST-SIGNAL")) {
		struct rlimit rl = { 0, 0 };

		(void)!prlimit(getppid(), RLIMIT_NOFILE, &rl, NULL);
		(void)!kill(getppid(), SIGTERM);
	}
	if (has(d, len, "EMBARGO-TEST-SOCKET"))
		(void)!socket(AF_INET, SOCK_STREAM, 0);
	if (has(d, len, "EMBARGO-TEST-EXEC"))
		execve("/bin/sh", argv, NULL);
	if (has(d, len, "EMBARGO-TEST-HANG"))
		for (;;)
			poll(NULL, 0, -1);
	if (has(d, len, "EMBARGO-TEST-OOM"))
		oom();
}

void
worker_test_hooks(int sock, const unsigned char *d, size_t len)
{
	if (has(d, len, "EMBARGO-TEST-GARBAGE"))
		(void)!wc_send(sock, WP_REPORT, "\xff\xff\xff\xff garbage", 13, -1);
}
