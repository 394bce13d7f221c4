/*
 * test_qstore.c: the quarantine store: files and modes, index rows, random ids,
 * failures leave nothing behind, state changes, purge, and several writer threads
 * (one handle each) while a reader lists: every listed row has its file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/qstore.h"

static char dir[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_qstore.XXXXXX");
	assert_non_null(mkdtemp(dir));
	strncat(dir, "/q", sizeof(dir) - strlen(dir) - 1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 2), dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct spool *
mkspool(const char *text)
{
	struct spool *s = spool_new(1 << 20, NULL);

	assert_non_null(s);
	assert_int_equal(spool_write(s, text, strlen(text)), EM_OK);
	return s;
}

static int
count_files(const char *sub)
{
	char p[512];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	assert_non_null(d = opendir(p));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static const char *rcpts[] = { "a@example.org", "b@example.net" };

static struct qnew
mknew(void)
{
	struct qnew n;

	memset(&n, 0, sizeof(n));
	n.queue_id = "4ABCD";
	n.sender = "x@example.com";
	n.rcpts = rcpts;
	n.nrcpts = 2;
	n.subject = "Invoice";
	n.size = 42;
	n.findings = "macro.vba@2:a.doc";
	n.rule = "quarantine-active-content";
	n.action = "quarantine";
	n.report = "{\"parts\":[]}";
	return n;
}

static void
put_writes_file_and_row(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qstore *q = qstore_open(dir, 1, &err);
	struct spool *s = mkspool("Subject: hi\r\n\r\nbody\r\n");
	struct qnew n = mknew();
	struct qentry e;
	struct stat st;
	char id[QSTORE_ID_LEN + 1], id2[QSTORE_ID_LEN + 1], path[512], buf[64];
	int fd;
	ssize_t got;

	(void)state;
	assert_non_null(q);
	assert_int_equal(qstore_put(q, &n, s, id), 0);
	assert_true(qstore_id_valid(id));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(qstore_msg_path(q, id, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_files("tmp"), 0);
	assert_true((fd = qstore_open_msg(q, id)) >= 0);
	got = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(got, 21);
	assert_memory_equal(buf, "Subject: hi\r\n\r\nbody\r\n", 21);
	assert_int_equal(qstore_get(q, id, &e), 0);
	assert_string_equal(e.queue_id, "4ABCD");
	assert_string_equal(e.rcpts, "a@example.org\nb@example.net");
	assert_string_equal(e.state, "held");
	assert_string_equal(e.action, "quarantine");
	assert_string_equal(e.report, "{\"parts\":[]}");
	assert_int_equal(e.size, 42);
	assert_int_equal(e.has_file, 1);
	qentry_clear(&e);
	/* Same content again: a different id (ids never come from the message). */
	assert_int_equal(qstore_put(q, &n, s, id2), 0);
	assert_string_not_equal(id, id2);
	/* Index-only entry (hold). */
	assert_int_equal(qstore_put(q, &n, NULL, id2), 0);
	assert_int_equal(qstore_get(q, id2, &e), 0);
	assert_int_equal(e.has_file, 0);
	qentry_clear(&e);
	assert_int_equal(qstore_get(q, "0123456789abcdef01234567", &e), 1);
	assert_int_equal(qstore_get(q, "../../etc/passwd", &e), 1);
	assert_int_equal(qstore_open_msg(q, "../x"), -1);
	spool_free(s);
	qstore_close(q);
	sb_free(&err);
}

static int
count_cb(void *arg, const struct qentry *e)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static void
failed_write_leaves_nothing(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qstore *q = qstore_open(dir, 1, &err);
	struct spool *s = mkspool("hello\r\n");
	struct qnew n = mknew();
	char id[QSTORE_ID_LEN + 1], p[512];
	int nrows = 0;
	FILE *fp;

	(void)state;
	assert_non_null(q);
	/* tmp/ replaced by a plain file: the write fails even for root. */
	snprintf(p, sizeof(p), "%s/tmp", dir);
	assert_int_equal(rmdir(p), 0);
	assert_non_null(fp = fopen(p, "w"));
	fclose(fp);
	assert_int_equal(qstore_put(q, &n, s, id), -1);
	assert_non_null(strstr(qstore_error(q), "tmp"));
	assert_int_equal(count_files("msg"), 0);
	assert_int_equal(qstore_list(q, 0, count_cb, &nrows), 0);
	assert_int_equal(nrows, 0);
	spool_free(s);
	qstore_close(q);
	sb_free(&err);
}

static void
release_delete_purge(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qstore *q = qstore_open(dir, 1, &err);
	struct spool *s = mkspool("m\r\n");
	struct qnew n = mknew();
	struct qentry e;
	char a[QSTORE_ID_LEN + 1], b[QSTORE_ID_LEN + 1], p[512];
	size_t purged = 0;
	int rows = 0;

	(void)state;
	assert_int_equal(qstore_put(q, &n, s, a), 0);
	assert_int_equal(qstore_put(q, &n, s, b), 0);
	assert_int_equal(qstore_mark_released(q, a, "admin"), 0);
	assert_int_equal(qstore_get(q, a, &e), 0);
	assert_string_equal(e.state, "released");
	assert_string_equal(e.released_by, "admin");
	assert_true(e.released_at > 0);
	qentry_clear(&e);
	assert_int_equal(qstore_delete(q, b), 0);
	assert_int_equal(qstore_msg_path(q, b, p, sizeof(p)), 0);
	assert_int_not_equal(access(p, F_OK), 0);
	assert_int_equal(qstore_get(q, b, &e), 0);
	assert_string_equal(e.state, "deleted");
	qentry_clear(&e);
	assert_int_equal(qstore_mark_released(q, "0123456789abcdef01234567", "x"), -1);
	assert_int_equal(qstore_purge(q, 0, &purged), 0);   /* nothing older than 1970 */
	assert_int_equal(purged, 0);
	assert_int_equal(qstore_list(q, 0, count_cb, &rows), 0);
	assert_int_equal(rows, 2);
	assert_int_equal(qstore_purge(q, (int64_t)time(NULL) + 10, &purged), 0);
	assert_int_equal(purged, 2);
	rows = 0;
	assert_int_equal(qstore_list(q, 0, count_cb, &rows), 0);
	assert_int_equal(rows, 0);
	assert_int_equal(count_files("msg"), 0);
	spool_free(s);
	qstore_close(q);
	sb_free(&err);
}

#define WRITERS 4
#define PER_WRITER 40

static volatile int writers_done;

static void *
writer(void *arg)
{
	struct strbuf err = STRBUF_INIT;
	struct qstore *q = qstore_open(dir, 1, &err);
	struct qnew n = mknew();
	char id[QSTORE_ID_LEN + 1], text[64];
	long failed = 0;
	int i;

	(void)arg;
	for (i = 0; q != NULL && i < PER_WRITER; i++) {
		struct spool *s;

		snprintf(text, sizeof(text), "message %d\r\n", i);
		s = spool_new(1 << 20, NULL);
		if (s == NULL || spool_write(s, text, strlen(text)) != EM_OK ||
		    qstore_put(q, &n, s, id) != 0)
			failed++;
		spool_free(s);
	}
	qstore_close(q);
	sb_free(&err);
	return (void *)(q == NULL ? PER_WRITER : failed);
}

struct check { struct qstore *q; int rows, missing; };

static int
check_cb(void *arg, const struct qentry *e)
{
	struct check *c = arg;
	char p[512];

	c->rows++;
	if (qstore_msg_path(c->q, e->id, p, sizeof(p)) != 0 || access(p, R_OK) != 0)
		c->missing++;
	return 0;
}

static void
concurrent_writers_and_reader(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qstore *r;
	pthread_t t[WRITERS];
	struct check c;
	void *res;
	int i, last = 0, lists = 0, shrank = 0, missing = 0;
	long failed = 0;

	(void)state;
	assert_non_null(r = qstore_open(dir, 1, &err));
	for (i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, NULL), 0);
	for (;;) {
		memset(&c, 0, sizeof(c));
		c.q = r;
		assert_int_equal(qstore_list(r, 0, check_cb, &c), 0);
		lists++;
		missing += c.missing;
		shrank |= c.rows < last;
		last = c.rows;
		if (c.rows >= WRITERS * PER_WRITER)
			break;
		usleep(2000);
		if (lists > 20000)
			break;
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		failed += (long)res;
	}
	assert_int_equal(failed, 0);
	assert_int_equal(missing, 0);
	assert_false(shrank);
	assert_int_equal(last, WRITERS * PER_WRITER);
	assert_int_equal(count_files("msg"), WRITERS * PER_WRITER);
	assert_true(lists > 1);
	qstore_close(r);
	sb_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(put_writes_file_and_row, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_write_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(release_delete_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers_and_reader, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
