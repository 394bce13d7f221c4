/*
 * qwrite.c: quarantine writes per second (store_put of a message body and its row,
 * committed) into the store's back end. Usage: qwrite DIR CONNINFO THREADS N BYTES
 * CONNINFO "" is SQLite plus files in DIR; else PostgreSQL (bodies in msg_body).
 * Each of THREADS opens a handle per write, as the daemon does (actions.c), so the
 * PostgreSQL figure includes taking a pooled connection. Prints one line:
 *   backend=... threads=T writes=N bytes=B writes_s=W errors=E
 * Built by bench/Makefile against build/libcommon.a.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

static const char *dir;
static long per_thread, nbytes;
static char *body;

static void *
writer(void *arg)
{
	static const char *rc[] = { "rcpt@example.net" };
	struct store_new n;
	char id[STORE_ID_LEN + 1];
	long i, errors = 0;

	(void)arg;
	memset(&n, 0, sizeof(n));
	n.queue_id = "BENCH";
	n.sender = "sender@example.org";
	n.rcpts = rc;
	n.nrcpts = 1;
	n.subject = "bench";
	n.rule = "bench";
	n.action = "quarantine";
	n.report = "{}";
	for (i = 0; i < per_thread; i++) {
		struct strbuf err = STRBUF_INIT;
		struct store *s = store_open(dir, STORE_CREATE, &err);
		struct spool *sp = spool_new(1 << 20, NULL);

		n.size = (uint64_t)nbytes;
		if (s == NULL || sp == NULL || spool_write(sp, body, (size_t)nbytes) != EM_OK ||
		    store_put(s, &n, sp, id) != 0)
			errors++;
		spool_free(sp);
		store_close(s);
		sb_free(&err);
	}
	return (void *)errors;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t t[64];
	long nt, i, errors = 0;
	void *r;
	double s;

	if (argc != 6) {
		fprintf(stderr, "usage: qwrite DIR CONNINFO THREADS N BYTES\n");
		return 2;
	}
	dir = argv[1];
	nt = strtol(argv[3], NULL, 10);
	per_thread = strtol(argv[4], NULL, 10) / (nt > 0 ? nt : 1);
	nbytes = strtol(argv[5], NULL, 10);
	if (nt < 1 || nt > 64 || per_thread < 1 || nbytes < 1 || nbytes > (64L << 20) ||
	    (body = malloc((size_t)nbytes)) == NULL)
		return 2;
	memset(body, 'x', (size_t)nbytes);
	store_set_db(argv[2], "bench");
	store_set_pool((int)nt, 5);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nt; i++)
		pthread_create(&t[i], NULL, writer, NULL);
	for (i = 0; i < nt; i++) {
		pthread_join(t[i], &r);
		errors += (long)r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("backend=%s threads=%ld writes=%ld bytes=%ld writes_s=%.0f errors=%ld\n",
	    argv[2][0] ? "postgresql" : "sqlite", nt, nt * per_thread, nbytes,
	    (double)(nt * per_thread) / s, errors);
	free(body);
	return errors ? 1 : 0;
}
