/*
 * test_listen.c: the socket syntax refused before start (issue 13: tcp:8890 was
 * accepted by -t and failed only at start), and the in-use probe on a unix socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/listen.h"

static int
parses(const char *sock, const char **path)
{
	struct strbuf err = STRBUF_INIT;
	int r = listen_parse(sock, path, &err);

	if (r != 0)
		assert_true(strlen(sb_str(&err)) > 0);
	sb_free(&err);
	return r;
}

static void
good_sockets(void **state)
{
	const char *path = "x";

	(void)state;
	assert_int_equal(parses("unix:/run/embargo/e.sock", &path), 0);
	assert_string_equal(path, "/run/embargo/e.sock");
	assert_int_equal(parses("local:/tmp/e.sock", &path), 0);
	assert_string_equal(path, "/tmp/e.sock");
	assert_int_equal(parses("inet:8890@127.0.0.1", &path), 0);
	assert_null(path);
	assert_int_equal(parses("inet:8890", NULL), 0);
	assert_int_equal(parses("inet6:8890@::1", NULL), 0);
	assert_int_equal(parses("inet:1@localhost", NULL), 0);
	assert_int_equal(parses("inet:65535@127.0.0.1", NULL), 0);
}

static void
bad_sockets(void **state)
{
	char longpath[200];

	(void)state;
	assert_int_equal(parses("tcp:8890", NULL), -1);
	assert_int_equal(parses("8890", NULL), -1);
	assert_int_equal(parses("", NULL), -1);
	assert_int_equal(parses(NULL, NULL), -1);
	assert_int_equal(parses("unix:e.sock", NULL), -1);        /* relative */
	assert_int_equal(parses("/run/e.sock", NULL), -1);        /* no unix: */
	assert_int_equal(parses("inet:0@127.0.0.1", NULL), -1);
	assert_int_equal(parses("inet:65536@127.0.0.1", NULL), -1);
	assert_int_equal(parses("inet:http@127.0.0.1", NULL), -1);
	assert_int_equal(parses("inet:8890@", NULL), -1);
	assert_int_equal(parses("inet:8890@a b", NULL), -1);
	assert_int_equal(parses("inet:8890:127.0.0.1", NULL), -1);
	memset(longpath, 'a', sizeof(longpath));
	memcpy(longpath, "unix:/", 6);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(parses(longpath, NULL), -1);             /* > 107 bytes */
}

static void
unix_in_use(void **state)
{
	char dir[] = "/tmp/embargo-test-listen.XXXXXX", sock[160], path[64];
	struct strbuf err = STRBUF_INIT;
	struct sockaddr_un sa;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.sock", dir);
	snprintf(sock, sizeof(sock), "unix:%s", path);
	assert_int_equal(listen_in_use(sock, &err), 0);           /* nothing there */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen_in_use(sock, &err), 0);           /* stale: bound, not listening */
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(listen_in_use(sock, &err), 1);           /* another process accepts */
	close(fd);
	unlink(path);
	rmdir(dir);
	sb_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_sockets),
		cmocka_unit_test(bad_sockets),
		cmocka_unit_test(unix_in_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
