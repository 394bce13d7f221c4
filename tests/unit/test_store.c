/*
 * test_store.c: the quarantine store: files and modes, index rows, random ids,
 * failures leave nothing behind, state changes with their audit trail, purge while
 * writers write, concurrent releases (one wins), fsck after a simulated crash
 * (orphan files, stale .tmp, rows without files), a truncated index refused and
 * rebuilt by reindex, release markers. Several writer threads while a reader lists:
 * every listed row has its file.
 * Back ends: SQLite plus files by default; with EMBARGO_TEST_DB set (a libpq conninfo,
 * tests/cli/t_pgstore.sh) the same tests run against PostgreSQL, where a "file" is a
 * msg_body row and the tests of files, fsck and SQLite upgrades are skipped; the
 * tests named pg_* run only there.
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

#include "store/store.h"
#include "store/store_int.h"
#include "store_testlib.h"
#include "store/store_mark.h"

static int pg; /* EMBARGO_TEST_DB: the PostgreSQL back end */

/* PostgreSQL: every test starts from empty tables. */
static void
pg_empty(void)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q = store_open(dir, STORE_CREATE, &err);

	if (q == NULL)
		fprintf(stderr, "store_open: %s\n", sb_str(&err));
	assert_non_null(q);
	assert_int_equal(sidx_exec(q, "TRUNCATE quarantine, audit, msg_body"), 0);
	store_close(q);
	sb_free(&err);
}

static int
setup(void **state)
{
	(void)state;
	st_mkdir("test_qstore");
	if (pg)
		pg_empty();
	return 0;
}

#define FILES_ONLY() \
	do { \
		if (pg) \
			skip(); \
	} while (0)
#define PG_ONLY() \
	do { \
		if (!pg) \
			skip(); \
	} while (0)

static int
n_cb(void *arg, const struct sidx_row *r)
{
	*(int64_t *)arg = sidx_int(r, 0);
	return 1;
}

/* Whether ID's message is stored (a file, or a msg_body row). */
static int
msg_exists(struct store *q, const char *id)
{
	int fd = store_open_msg(q, id);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
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

	if (pg) { /* a body row stands for the .eml and .meta pair */
		struct strbuf err = STRBUF_INIT;
		struct store *q = store_open(dir, 0, &err);
		int64_t rows = -1;

		assert_non_null(q);
		assert_int_equal(sidx_query(q, "SELECT count(*) FROM msg_body", NULL, 0,
				     n_cb, &rows), 0);
		store_close(q);
		sb_free(&err);
		return strcmp(sub, "msg") == 0 ? (int)rows * 2 : 0;
	}
	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	assert_non_null(d = opendir(p));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static const char *rcpts[] = { "a@example.org", "b@example.net" };

static struct store_new
mknew(void)
{
	struct store_new n;

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
put_one(struct store *q, const char *text, char *id)
{
	struct spool *s = mkspool(text);
	struct store_new n = mknew();

	n.client_addr = "192.0.2.7";
	n.helo = "mx.example.com";
	n.message_id = "<m1@example.com>";
	n.auth_user = "alice";
	assert_int_equal(store_put(q, &n, s, id), 0);
	spool_free(s);
}

static void
put_writes_file_meta_and_row(void **state)
{
	struct store *q = open_store();
	struct store_entry e;
	struct stat st;
	char id[STORE_ID_LEN + 1], id2[STORE_ID_LEN + 1], path[512], buf[64];
	int fd;
	ssize_t got;

	(void)state;
	put_one(q, "Subject: hi\r\n\r\nbody\r\n", id);
	assert_true(store_id_valid(id));
	if (pg)
		goto row;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	assert_int_equal(store_msg_path(q, id, "eml", path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(store_msg_path(q, id, "meta", path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(count_files("tmp"), 0);
row:
	assert_true((fd = store_open_msg(q, id)) >= 0);
	got = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(got, 21);
	assert_memory_equal(buf, "Subject: hi\r\n\r\nbody\r\n", 21);
	assert_int_equal(store_get(q, id, &e), 0);
	assert_string_equal(e.queue_id, "4ABCD");
	assert_string_equal(e.rcpts, "a@example.org\nb@example.net");
	assert_string_equal(e.state, "quarantined");
	assert_string_equal(e.action, "quarantine");
	assert_string_equal(e.client_addr, "192.0.2.7");
	assert_string_equal(e.helo, "mx.example.com");
	assert_string_equal(e.message_id, "<m1@example.com>");
	assert_string_equal(e.auth_user, "alice");
	assert_int_equal(strlen(e.sha256), 64);
	assert_int_equal(e.has_file, 1);
	store_entry_clear(&e);
	put_one(q, "Subject: hi\r\n\r\nbody\r\n", id2);
	assert_string_not_equal(id, id2);
	{	/* index-only entry (hold) */
		struct store_new n = mknew();

		n.action = "hold";
		assert_int_equal(store_put(q, &n, NULL, id2), 0);
		assert_int_equal(store_get(q, id2, &e), 0);
		assert_int_equal(e.has_file, 0);
		assert_string_equal(e.state, "held");
		store_entry_clear(&e);
	}
	assert_int_equal(store_get(q, "0123456789abcdef01234567", &e), 1);
	assert_int_equal(store_get(q, "../../etc/passwd", &e), 1);
	assert_int_equal(store_open_msg(q, "../x"), -1);
	assert_int_equal(store_resolve(q, id, path), 0);
	assert_int_equal(store_resolve(q, "zzzz", path), 3);
	assert_int_equal(store_resolve(q, "ab", path), 3);
	assert_int_equal(store_resolve(q, "ffffffff", path), 1);
	store_close(q);
}

static int
count_cb(void *arg, const struct store_entry *e)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static void
failed_write_leaves_nothing(void **state)
{
	struct store *q = open_store();
	struct spool *s = mkspool("hello\r\n");
	struct store_new n = mknew();
	char id[STORE_ID_LEN + 1], p[512];
	int nrows = 0;
	FILE *fp;

	(void)state;
	FILES_ONLY();
	snprintf(p, sizeof(p), "%s/tmp", dir);
	assert_int_equal(rmdir(p), 0);
	assert_non_null(fp = fopen(p, "w"));
	fclose(fp);
	assert_int_equal(store_put(q, &n, s, id), -1);
	assert_non_null(strstr(store_error(q), "tmp"));
	assert_int_equal(count_files("msg"), 0);
	assert_int_equal(store_list(q, 0, 0, count_cb, &nrows), 0);
	assert_int_equal(nrows, 0);
	spool_free(s);
	store_close(q);
}

struct hist { char events[512]; };

static int
hist_cb(void *arg, const struct store_event *ev)
{
	struct hist *h = arg;

	strncat(h->events, ev->event, sizeof(h->events) - strlen(h->events) - 2);
	strncat(h->events, ",", sizeof(h->events) - strlen(h->events) - 1);
	return 0;
}

static void
release_delete_purge_audit(void **state)
{
	struct store *q = open_store();
	struct store_entry e;
	struct hist h;
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1], p[512];
	size_t purged = 0;
	int rows = 0;

	(void)state;
	put_one(q, "m\r\n", a);
	put_one(q, "m\r\n", b);
	assert_int_equal(store_release_begin(q, a, "admin", ""), 0);
	assert_int_equal(store_release_begin(q, a, "other", ""), 1);   /* already taken */
	assert_int_equal(store_release_end(q, a, "admin", 1, 2, "to 2 recipients"), 0);
	assert_int_equal(store_get(q, a, &e), 0);
	assert_string_equal(e.state, "released");
	assert_string_equal(e.changed_by, "admin");
	assert_true(e.changed_at > 0);
	store_entry_clear(&e);
	assert_int_equal(store_release_begin(q, a, "admin", ""), 1);   /* released: no */
	assert_int_equal(store_delete(q, b, "bob"), 0);
	assert_int_equal(store_msg_path(q, b, "eml", p, sizeof(p)), 0);
	assert_int_not_equal(access(p, F_OK), 0);
	assert_false(msg_exists(q, b));
	assert_int_equal(store_get(q, b, &e), 0);
	assert_string_equal(e.state, "deleted");
	store_entry_clear(&e);
	assert_int_equal(store_delete(q, b, "bob"), 1);   /* twice: refused */
	assert_int_equal(store_purge(q, 0, "root", &purged), 0);
	assert_int_equal(purged, 0);
	assert_int_equal(store_purge(q, (int64_t)time(NULL) + 10, "root", &purged), 0);
	assert_int_equal(purged, 2);
	assert_int_equal(store_list(q, 0, 0, count_cb, &rows), 0);
	assert_int_equal(rows, 0);
	assert_int_equal(count_files("msg"), 0);
	memset(&h, 0, sizeof(h));
	assert_int_equal(store_history(q, a, hist_cb, &h), 0);
	assert_string_equal(h.events, "quarantined,releasing,released,purged,");
	memset(&h, 0, sizeof(h));
	assert_int_equal(store_history(q, b, hist_cb, &h), 0);
	assert_string_equal(h.events, "quarantined,deleted,purged,");
	store_close(q);
}

/* Releases of one id from several threads, each with its own handle: one wins. */
#define RELEASERS 8
static char race_id[STORE_ID_LEN + 1];

static void *
releaser(void *arg)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q = store_open(dir, 0, &err);
	long rc = q ? store_release_begin(q, race_id, "t", "") : -1;

	(void)arg;
	store_close(q);
	sb_free(&err);
	return (void *)rc;
}

static void
concurrent_releases_one_wins(void **state)
{
	struct store *q = open_store();
	pthread_t t[RELEASERS];
	void *res;
	int i, won = 0, lost = 0;

	(void)state;
	put_one(q, "m\r\n", race_id);
	for (i = 0; i < RELEASERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, releaser, NULL), 0);
	for (i = 0; i < RELEASERS; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		won += (long)res == 0;
		lost += (long)res == 1;
	}
	assert_int_equal(won, 1);
	assert_int_equal(lost, RELEASERS - 1);
	store_close(q);
}

#define WRITERS 4
#define PER_WRITER 40

static void *
writer(void *arg)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q = store_open(dir, STORE_CREATE, &err);
	struct store_new n = mknew();
	char id[STORE_ID_LEN + 1], text[64];
	long failed = 0;
	int i;

	(void)arg;
	for (i = 0; q != NULL && i < PER_WRITER; i++) {
		struct spool *s;

		snprintf(text, sizeof(text), "message %d\r\n", i);
		s = spool_new(1 << 20, NULL);
		if (s == NULL || spool_write(s, text, strlen(text)) != EM_OK ||
		    store_put(q, &n, s, id) != 0)
			failed++;
		spool_free(s);
	}
	store_close(q);
	sb_free(&err);
	return (void *)(q == NULL ? PER_WRITER : failed);
}

struct check { struct store *q; int rows, missing; };

static int
check_cb(void *arg, const struct store_entry *e)
{
	struct check *c = arg;
	char p[512];

	c->rows++;
	if (pg)
		c->missing += !msg_exists(c->q, e->id);
	else if (store_msg_path(c->q, e->id, "eml", p, sizeof(p)) != 0 ||
	    access(p, R_OK) != 0)
		c->missing++;
	return 0;
}

/* Purge under load (reliability probe 3b): purge runs while writers store; it
 * never fails with "locked", and every row left has its file. */
static void
purge_while_writing(void **state)
{
	struct store *r = open_store();
	pthread_t t[WRITERS];
	struct check c;
	void *res;
	size_t n, purged = 0;
	int i, purges = 0, missing = 0;
	long failed = 0;

	(void)state;
	for (i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, NULL), 0);
	for (i = 0; i < 40; i++) {
		if (store_purge(r, (int64_t)time(NULL) + 10, "t", &n) != 0)
			fprintf(stderr, "purge: %s\n", store_error(r));
		else
			purges++, purged += n;
		memset(&c, 0, sizeof(c));
		c.q = r;
		assert_int_equal(store_list(r, 0, 0, check_cb, &c), 0);
		missing += c.missing;
		usleep(3000);
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		failed += (long)res;
	}
	assert_int_equal(failed, 0);
	assert_int_equal(purges, 40);
	assert_int_equal(missing, 0);
	assert_int_equal(store_purge(r, (int64_t)time(NULL) + 10, "t", &n), 0);
	purged += n;
	assert_int_equal(purged, WRITERS * PER_WRITER);
	assert_int_equal(count_files("msg"), 0);
	store_close(r);
}

static void
concurrent_writers_and_reader(void **state)
{
	struct store *r = open_store();
	pthread_t t[WRITERS];
	struct check c;
	void *res;
	int i, last = 0, lists = 0, shrank = 0, missing = 0;
	long failed = 0;

	(void)state;
	for (i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer, NULL), 0);
	for (;;) {
		memset(&c, 0, sizeof(c));
		c.q = r;
		assert_int_equal(store_list(r, 0, 0, check_cb, &c), 0);
		lists++;
		missing += c.missing;
		shrank |= c.rows < last;
		last = c.rows;
		if (c.rows >= WRITERS * PER_WRITER || lists > 20000)
			break;
		usleep(2000);
	}
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		failed += (long)res;
	}
	assert_int_equal(failed, 0);
	assert_int_equal(missing, 0);
	assert_false(shrank);
	assert_int_equal(last, WRITERS * PER_WRITER);
	assert_int_equal(count_files("msg"), 2 * WRITERS * PER_WRITER);
	store_close(r);
}

#define sh(...) do { \
	char cmd_[4096]; \
	snprintf(cmd_, sizeof(cmd_), __VA_ARGS__); \
	assert_int_equal(system(cmd_), 0); \
} while (0)

/* A crash between the rename and the row, a stale .tmp, a lost file, a .meta
 * without its message, a delete interrupted before the unlink: fsck repairs all. */
static void
fsck_repairs_after_crash(void **state)
{
	struct store *q = open_store();
	struct store_fsck r;
	struct store_entry e;
	char a[STORE_ID_LEN + 1], b[STORE_ID_LEN + 1], c[STORE_ID_LEN + 1], p[512];

	(void)state;
	FILES_ONLY();
	put_one(q, "Subject: a\r\n\r\na\r\n", a);
	put_one(q, "Subject: b\r\n\r\nb\r\n", b);
	put_one(q, "Subject: c\r\n\r\nc\r\n", c);
	/* a: row lost (the crash came before the insert) */
	sh("sqlite3 '%s/index.db' \"DELETE FROM quarantine WHERE id = '%s'\"", dir, a);
	/* b: file lost */
	sh("rm '%s/msg/%s.eml'", dir, b);
	/* c: deleted in the index, unlink never happened */
	sh("sqlite3 '%s/index.db' \"UPDATE quarantine SET state = 'deleted', has_file = 0"
	    " WHERE id = '%s'\"", dir, c);
	sh("echo partial > '%s/tmp/%s.tmp'", dir, "0123456789abcdef01234567");
	sh("echo x > '%s/msg/%s.meta'", dir, "00000000aaaaaaaaaaaaaaaa");
	assert_int_equal(store_fsck(q, STORE_START, "test", &r), 0);
	assert_int_equal(r.reindexed, 1);
	assert_int_equal(r.missing, 1);
	assert_int_equal(r.tmp_removed, 1);
	assert_int_equal(r.finished, 1);
	assert_int_equal(r.meta_removed, 1);
	assert_int_equal(store_get(q, a, &e), 0);
	assert_string_equal(e.state, "quarantined");
	assert_string_equal(e.sender, "x@example.com");
	assert_string_equal(e.rcpts, "a@example.org\nb@example.net");
	assert_string_equal(e.message_id, "<m1@example.com>");
	store_entry_clear(&e);
	assert_int_equal(store_get(q, b, &e), 0);
	assert_string_equal(e.state, "missing");
	assert_int_equal(e.has_file, 0);
	store_entry_clear(&e);
	assert_int_equal(store_msg_path(q, c, "eml", p, sizeof(p)), 0);
	assert_int_not_equal(access(p, F_OK), 0);
	assert_int_equal(count_files("tmp"), 0);
	/* a second pass finds nothing */
	assert_int_equal(store_fsck(q, STORE_START, "test", &r), 0);
	assert_int_equal(r.reindexed + r.missing + r.tmp_removed + r.finished + r.meta_removed, 0);
	store_close(q);
}

/* A released entry whose row is lost is re-indexed as released (its .meta follows
 * the release), so it is not offered for release again. */
static void
reindexed_release_stays_released(void **state)
{
	struct store *q = open_store();
	struct store_fsck r;
	struct store_entry e;
	char id[STORE_ID_LEN + 1];

	(void)state;
	FILES_ONLY();
	put_one(q, "m\r\n", id);
	assert_int_equal(store_release_begin(q, id, "admin", ""), 0);
	assert_int_equal(store_release_end(q, id, "admin", 1, 2, "to 2"), 0);
	sh("sqlite3 '%s/index.db' \"DELETE FROM quarantine WHERE id = '%s'\"", dir, id);
	assert_int_equal(store_fsck(q, STORE_START, "test", &r), 0);
	assert_int_equal(r.reindexed, 1);
	assert_int_equal(store_get(q, id, &e), 0);
	assert_string_equal(e.state, "released");
	assert_string_equal(e.changed_by, "admin");
	store_entry_clear(&e);
	assert_int_equal(store_release_begin(q, id, "admin", ""), 1);
	store_close(q);
}

/* Reliability probe 3d: an index truncated to 0 bytes beside stored messages. */
static void
truncated_index_refused_then_rebuilt(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q = open_store();
	char id[STORE_ID_LEN + 1];
	size_t n = 0;
	int i, rows = 0;

	(void)state;
	FILES_ONLY();
	for (i = 0; i < 5; i++)
		put_one(q, "Subject: t\r\n\r\nt\r\n", id);
	store_close(q);
	sh("cd '%s' && : > index.db && rm -f index.db-wal index.db-shm", dir);
	assert_null(store_open(dir, STORE_CREATE, &err));   /* the daemon does not recreate */
	assert_non_null(strstr(sb_str(&err), "embargo-quarantine reindex"));
	sb_reset(&err);
	assert_null(store_open(dir, 0, &err));
	assert_int_equal(store_reindex(dir, "test", &n, &err), 0);
	assert_int_equal(n, 5);
	q = open_store();
	assert_int_equal(store_list(q, 0, 0, count_cb, &rows), 0);
	assert_int_equal(rows, 5);
	store_close(q);
	sb_free(&err);
}

static void
garbage_index_is_an_error(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q = open_store();
	char id[STORE_ID_LEN + 1];

	(void)state;
	FILES_ONLY();
	put_one(q, "m\r\n", id);
	store_close(q);
	sh("cd '%s' && rm -f index.db-wal index.db-shm && head -c 4096 /dev/urandom | "
	    "dd of=index.db conv=notrunc 2>/dev/null", dir);
	q = store_open(dir, 0, &err);
	assert_null(q);
	assert_true(err.len > 0);
	sb_free(&err);
}

static void
release_marker(void **state)
{
	struct strbuf err = STRBUF_INIT;
	unsigned char k1[STORE_KEY_LEN], k2[STORE_KEY_LEN];
	char h1[65], h2[65], a1[68], a2[68], v[64], id[STORE_ID_LEN + 1];
	struct store_bh *h;
	struct stat st;
	char p[512];
	static const char crlf[] = "Subject: x\r\nTo: y\r\n\r\nline one\r\nline two\r\n";
	static const char lf[] = "line one\nline\n two\n\n";

	(void)state;
	assert_int_equal(store_key(dir, 0, k1, &err), -1);   /* none yet, not created */
	sh("mkdir -p '%s/tmp'", dir);
	assert_int_equal(store_key(dir, 1, k1, &err), 0);
	assert_int_equal(store_key(dir, 0, k2, &err), 0);
	assert_memory_equal(k1, k2, STORE_KEY_LEN);
	snprintf(p, sizeof(p), "%s/release.key", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The body hash ignores CR and LF (the MTA's line handling). */
	assert_non_null(h = store_bh_new(1));
	assert_int_equal(store_bh_feed(h, crlf, 7), 0);
	assert_int_equal(store_bh_feed(h, crlf + 7, sizeof(crlf) - 8), 0);
	assert_int_equal(store_bh_final(h, h1), 0);
	assert_non_null(h = store_bh_new(0));
	assert_int_equal(store_bh_feed(h, lf, sizeof(lf) - 1), 0);
	assert_int_equal(store_bh_final(h, h2), 0);
	assert_string_equal(h1, h2);
	assert_int_equal(store_mark_auth(k1, "0123456789abcdef01234567", h1, a1), 0);
	assert_int_equal(store_mark_auth(k1, "0123456789abcdef01234568", h1, a2), 0);
	assert_string_not_equal(a1, a2);
	assert_int_equal(strncmp(a1, "v1 ", 3), 0);
	assert_int_equal(store_mark_id("0123456789abcdef01234567; by=a; at=b", id), 0);
	assert_int_equal(store_mark_id("../../etc/passwd; by=a", id), -1);
	assert_int_equal(store_header_value(crlf, sizeof(crlf) - 1, "to", 0, v, sizeof(v)), 1);
	assert_string_equal(v, "y");
	assert_int_equal(store_header_value(crlf, sizeof(crlf) - 1, "line one", 0, v,
	    sizeof(v)), 0);
	sb_free(&err);
}

/* An index of the first version (state "held" for everything) is upgraded. */
static void
first_version_index_upgraded(void **state)
{
	struct store *q;
	struct store_entry e;

	(void)state;
	FILES_ONLY();
	sh("mkdir -p '%s/msg' '%s/tmp' && sqlite3 '%s/index.db' \"PRAGMA journal_mode=WAL;"
	    " CREATE TABLE quarantine (id TEXT PRIMARY KEY, time INTEGER NOT NULL, queue_id TEXT,"
	    " sender TEXT, recipients TEXT, subject TEXT, size INTEGER, findings TEXT, rule TEXT,"
	    " action TEXT, state TEXT NOT NULL, released_by TEXT, released_at INTEGER,"
	    " has_file INTEGER NOT NULL, explain TEXT, report TEXT);"
	    " INSERT INTO quarantine VALUES ('6b000000000000000000000a', 1, 'QA', 's', 'r', '',"
	    " 1, '', 'r1', 'quarantine', 'held', NULL, NULL, 0, '', '');"
	    " INSERT INTO quarantine VALUES ('6b000000000000000000000b', 2, 'QB', 's', 'r', '',"
	    " 1, '', 'r2', 'hold', 'held', NULL, NULL, 0, '', '');"
	    " INSERT INTO quarantine VALUES ('6b000000000000000000000c', 3, 'QC', 's', 'r', '',"
	    " 1, '', 'r2', 'quarantine', 'released', 'bob', 99, 0, '', '')\" > /dev/null",
	    dir, dir, dir);
	q = open_store();
	assert_int_equal(store_get(q, "6b000000000000000000000a", &e), 0);
	assert_string_equal(e.state, "quarantined");
	store_entry_clear(&e);
	assert_int_equal(store_get(q, "6b000000000000000000000b", &e), 0);
	assert_string_equal(e.state, "held");
	store_entry_clear(&e);
	assert_int_equal(store_get(q, "6b000000000000000000000c", &e), 0);
	assert_string_equal(e.changed_by, "bob");
	assert_int_equal(e.changed_at, 99);
	store_entry_clear(&e);
	store_close(q);
}

static int
state_count_cb(void *arg, const struct sidx_row *r)
{
	int64_t *n = arg;

	assert_string_equal(sidx_text(r, 0), "quarantined");
	*n = sidx_int(r, 1);
	return 0;
}

static int
entry_cb(void *arg, const struct store_entry *e)
{
	int *n = arg;

	assert_string_equal(e->subject, "Invoice");
	(*n)++;
	return 0;
}

/* The generic query binds texts and integers, reads rows, counts changes. */
static void
generic_query(void **state)
{
	struct store *q = open_store();
	char id[STORE_ID_LEN + 1], id2[STORE_ID_LEN + 1];
	const struct sidx_val by_state[] = { SV_T("quarantined"), SV_I(0) };
	const struct sidx_val none[] = { SV_T("no-such-state") };
	int64_t n = -1;
	int m = 0;

	(void)state;
	put_one(q, "Subject: a\r\n\r\nx\r\n", id);
	put_one(q, "Subject: b\r\n\r\ny\r\n", id2);
	assert_int_equal(sidx_query(q,
			     "SELECT state, count(*) FROM quarantine WHERE state = ?1"
			     " AND time >= ?2 GROUP BY state",
			     by_state, 2, state_count_cb, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(sidx_entries(q, "WHERE state = ?1 ORDER BY time", by_state, 1,
			     entry_cb, &m),
	    0);
	assert_int_equal(m, 2);
	assert_int_equal(sidx_query(q, "UPDATE quarantine SET subject = 'x' WHERE state = ?1",
			     none, 1, NULL, NULL),
	    0);
	assert_int_equal(sidx_query(q, "UPDATE quarantine SET rule = rule WHERE state = ?1",
			     by_state, 1, NULL, NULL),
	    2);
	assert_int_equal(sidx_query(q, "SELECT nosuchcolumn FROM quarantine", NULL, 0,
			     NULL, NULL),
	    -1);
	store_close(q);
}

/* A schema of another version is refused when a connection starts (the daemon's
 * start check), naming the command that fixes it. */
static void
pg_schema_version_refused(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *q;
	int have = 0, want = 0;

	(void)state;
	PG_ONLY();
	q = open_store();
	assert_int_equal(store_db_version(q, &have, &want), 0);
	assert_int_equal(have, want);
	assert_int_equal(sidx_exec(q, "UPDATE schema_version SET version = 99"), 0);
	assert_null(store_open(dir, STORE_START, &err));
	assert_non_null(strstr(sb_str(&err), "newer Embargo"));
	sb_reset(&err);
	assert_int_equal(sidx_exec(q, "UPDATE schema_version SET version = 0"), 0);
	assert_null(store_open(dir, STORE_START, &err));
	assert_non_null(strstr(sb_str(&err), "embargo-quarantine db init"));
	assert_int_equal(sidx_exec(q, "UPDATE schema_version SET version = 2"), 0);
	store_close(q);
	q = open_store();
	store_close(q);
	sb_free(&err);
}

/* host_name is recorded; a body with NUL bytes comes back exactly; a subject that
 * is not UTF-8 is stored (bad bytes as \xHH) rather than failing the insert. */
static void
pg_host_bytes_and_bad_utf8(void **state)
{
	static const char body[] = "Subject: z\r\n\r\na\0b\xff\r\n";
	struct store *q;
	struct spool *sp;
	struct store_new n = mknew();
	struct store_entry e;
	char id[STORE_ID_LEN + 1], buf[64];
	ssize_t got;
	int fd;

	(void)state;
	PG_ONLY();
	q = open_store();
	assert_non_null(sp = spool_new(1 << 20, NULL));
	assert_int_equal(spool_write(sp, body, sizeof(body) - 1), EM_OK);
	n.subject = "caf\xe9 \xed\xa0\x80 ok \xc3\xa9";
	assert_int_equal(store_put(q, &n, sp, id), 0);
	spool_free(sp);
	assert_int_equal(store_get(q, id, &e), 0);
	assert_string_equal(e.host_name, "mx-test");
	assert_string_equal(e.subject, "caf\\xe9 \\xed\\xa0\\x80 ok \xc3\xa9");
	assert_int_equal(strlen(e.sha256), 64);
	store_entry_clear(&e);
	assert_true((fd = store_open_msg(q, id)) >= 0);
	got = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(got, sizeof(body) - 1);
	assert_memory_equal(buf, body, sizeof(body) - 1);
	store_close(q);
}

/* The server drops every connection (as a restart does): the pooled connection is
 * reset on its next use, and the store works without a restart of ours. */
static void
pg_reconnect_after_terminate(void **state)
{
	struct store_db_stats before, after;
	struct strbuf err = STRBUF_INIT;
	struct store *q;
	char id[STORE_ID_LEN + 1];
	int64_t n = 0;

	(void)state;
	PG_ONLY();
	q = open_store();
	put_one(q, "m\r\n", id);
	store_close(q);
	store_db_stats(&before);
	/* a connection of its own, outside the pool */
	assert_int_equal(system("psql -qAtc \"SELECT count(pg_terminate_backend(pid)) FROM"
				" pg_stat_activity WHERE application_name = 'embargo'\""
				" >/dev/null"),
	    0);
	usleep(200000);
	assert_non_null(q = store_open(dir, 0, &err));
	put_one(q, "m\r\n", id);
	assert_int_equal(sidx_query(q, "SELECT count(*) FROM quarantine", NULL, 0, n_cb, &n),
	    0);
	assert_int_equal(n, 2);
	store_db_stats(&after);
	assert_true(after.reconnects > before.reconnects);
	assert_true(after.queries > before.queries);
	store_close(q);
	sb_free(&err);
}

/* Purge runs once per fleet: while another host holds the purge lock, a purge
 * does nothing (0 purged, rows intact); after it, the purge runs. */
static void
pg_purge_once_per_fleet(void **state)
{
	struct store *q, *other;
	char id[STORE_ID_LEN + 1];
	size_t n = 99;

	(void)state;
	PG_ONLY();
	q = open_store();
	other = open_store();
	put_one(q, "m\r\n", id);
	assert_int_equal(sidx_begin(other), 0);
	assert_int_equal(sidx_fleet_lock(other, "embargo-purge"), 1);
	assert_int_equal(store_purge(q, (int64_t)time(NULL) + 10, "t", &n), 0);
	assert_int_equal(n, 0);
	assert_true(msg_exists(q, id));
	sidx_rollback(other);
	assert_int_equal(store_purge(q, (int64_t)time(NULL) + 10, "t", &n), 0);
	assert_int_equal(n, 1);
	assert_false(msg_exists(q, id));
	store_close(other);
	store_close(q);
}

/* A statement slower than the timeout fails (the daemon then tempfails). */
static void
pg_statement_timeout(void **state)
{
	struct store *q;
	time_t t0;

	(void)state;
	PG_ONLY();
	q = open_store();
	t0 = time(NULL);
	assert_int_equal(sidx_query(q, "SELECT pg_sleep(10)", NULL, 0, NULL, NULL), -1);
	assert_true(time(NULL) - t0 < 6);
	assert_non_null(strstr(store_error(q), "statement timeout"));
	store_close(q);
}

int
main(void)
{
	const char *db = getenv("EMBARGO_TEST_DB");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(put_writes_file_meta_and_row, setup, teardown),
		cmocka_unit_test_setup_teardown(generic_query, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_write_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(release_delete_purge_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_releases_one_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(purge_while_writing, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers_and_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(fsck_repairs_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(reindexed_release_stays_released, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_index_refused_then_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_index_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(release_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(first_version_index_upgraded, setup, teardown),
		cmocka_unit_test_setup_teardown(pg_schema_version_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(pg_host_bytes_and_bad_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(pg_reconnect_after_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(pg_purge_once_per_fleet, setup, teardown),
		cmocka_unit_test_setup_teardown(pg_statement_timeout, setup, teardown),
	};

	if (db != NULL && db[0] != '\0') {
		pg = 1;
		store_set_db(db, "mx-test");
		store_set_pool(16, 2);
	}

	return cmocka_run_group_tests(tests, NULL, NULL);
}
