/*
 * workers.c: the pool of embargo-worker processes (see workers.h): spawn, hand out,
 * replace, back off.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/workers.h"
#include "worker/warena.h"
#include "worker/wchan.h"
#include "worker/wprogress.h"

struct slot {
	pid_t pid; /* 0: not running */
	int sock;
	int busy;
	unsigned gen; /* the pool generation it was started in */
	int pgfd;     /* the progress page (wprogress.h), kept across workers */
	struct wp_progress *pg;
	long maxrss_kb;       /* of the last worker reaped */
	unsigned uses;        /* messages its worker has scanned */
	unsigned deadline_ms; /* the pool's, when it was checked out */
	unsigned mem_mb;
	size_t arena_cap; /* the message arena (warena.h), kept across workers; 0: none */
	int arena_rw, arena_ro;
};

struct wpool {
	struct wpool_opts o;
	char *path, *config, *user;
	char mem[24], cpu[24];
	struct slot *slots;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	double *deaths; /* ring of the last o.backoff_deaths death times */
	unsigned ndeath;
	unsigned gen; /* +1 per wpool_restart */
	struct wpool_stats st;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A back-off option: 0 is the default, past the ceiling is the ceiling. */
static unsigned
backoff_opt(unsigned v, unsigned def, unsigned max)
{
	return v == 0 ? def : v > max ? max : v;
}

struct wpool *
wpool_new(const struct wpool_opts *o)
{
	struct wpool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->o = *o;
	p->path = strdup(o->path);
	p->config = o->config ? strdup(o->config) : NULL;
	p->user = o->user && *o->user ? strdup(o->user) : NULL;
	p->slots = calloc(o->n ? o->n : 1, sizeof(*p->slots));
	p->o.backoff_deaths = backoff_opt(
	    o->backoff_deaths, WPOOL_BACKOFF_DEATHS, WPOOL_BACKOFF_DEATHS_MAX);
	p->o.backoff_seconds = backoff_opt(
	    o->backoff_seconds, WPOOL_BACKOFF_SECONDS, WPOOL_BACKOFF_SECONDS_MAX);
	p->deaths = calloc(WPOOL_BACKOFF_DEATHS_MAX, sizeof(*p->deaths)); /* a reload may
									   change the count */
	if (p->path == NULL || p->slots == NULL || p->deaths == NULL ||
	    (o->config && p->config == NULL) ||
	    (o->user && *o->user && p->user == NULL)) {
		wpool_free(p);
		return NULL;
	}
	p->o.n = o->n ? o->n : 1;
	snprintf(p->mem, sizeof(p->mem), "%u", o->mem_mb);
	snprintf(p->cpu, sizeof(p->cpu), "%u", o->cpu_seconds);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	return p;
}

/* Kill and reap; returns the wait status. */
static int
reap(struct slot *s)
{
	struct rusage ru;
	int status = 0;

	s->maxrss_kb = 0;
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		memset(&ru, 0, sizeof(ru));
		while (wait4(s->pid, &status, 0, &ru) < 0 && errno == EINTR)
			;
		s->maxrss_kb = ru.ru_maxrss;
		close(s->sock);
	}
	s->pid = 0;
	s->sock = -1;
	return status;
}

void
wpool_free(struct wpool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; p->slots != NULL && i < p->o.n; i++) {
		reap(&p->slots[i]);
		if (p->slots[i].pg != NULL) {
			munmap(p->slots[i].pg, WP_PROGRESS_SIZE);
			close(p->slots[i].pgfd);
		}
		if (p->slots[i].arena_cap > 0) {
			close(p->slots[i].arena_rw);
			close(p->slots[i].arena_ro);
		}
	}
	free(p->slots);
	free(p->deaths);
	free(p->path);
	free(p->config);
	free(p->user);
	free(p);
}

/* The slot's progress page: a shared memfd the workers it starts get on fd 4. */
static int
page_new(struct slot *s)
{
	void *m;
	int fd = memfd_create("embargo-progress", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, WP_PROGRESS_SIZE) != 0 ||
	    (m = mmap(NULL, WP_PROGRESS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0)) == MAP_FAILED) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	s->pgfd = fd;
	s->pg = m;
	s->pg->part = s->pg->want = -1;
	return 0;
}

static int
spawn(struct wpool *p, struct slot *s)
{
	char *argv[12];
	int sv[2], k = 0;
	pid_t pid;

	if (s->pg == NULL && page_new(s) != 0)
		return -1;
	if (s->arena_cap == 0 && p->o.arena_bytes > 0 &&
	    warena_new(p->o.arena_bytes, &s->arena_rw, &s->arena_ro) == 0)
		s->arena_cap = p->o.arena_bytes; /* else messages go in their own memfd */
	/* nothing of an earlier message stays readable by the new worker */
	if (s->arena_cap > 0)
		(void)fallocate(s->arena_rw, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    0, (off_t)s->arena_cap);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	/* the options a reload may change are read and forked under the lock */
	pthread_mutex_lock(&p->mu);
	argv[k++] = p->path;
	if (p->config) {
		argv[k++] = "-c";
		argv[k++] = p->config;
	}
	if (p->user) {
		argv[k++] = "-u";
		argv[k++] = p->user;
	}
	argv[k++] = "-m";
	argv[k++] = p->mem;
	argv[k++] = "-t";
	argv[k++] = p->cpu;
	if (p->o.rules != NULL) {
		argv[k++] = "-R";
		argv[k++] = (char *)p->o.rules;
	}
	argv[k] = NULL;
	if ((pid = fork()) < 0) {
		pthread_mutex_unlock(&p->mu);
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) { /* only async-signal-safe calls until exec */
		int c = fcntl(sv[1], F_DUPFD, 10), g = fcntl(s->pgfd, F_DUPFD, 10);
		int a = s->arena_cap > 0 ? fcntl(s->arena_ro, F_DUPFD, 10) : -1;

		if (c < 0 || g < 0 || dup2(c, 3) != 3 ||
		    dup2(g, WP_PROGRESS_FD) != WP_PROGRESS_FD ||
		    (a >= 0 && dup2(a, WP_ARENA_FD) != WP_ARENA_FD))
			_exit(127);
		close_range(a >= 0 ? WP_ARENA_FD + 1 : WP_PROGRESS_FD + 1, ~0U, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	pthread_mutex_unlock(&p->mu);
	close(sv[1]);
	s->pid = pid;
	s->sock = sv[0];
	s->uses = 0;
	p->st.spawned++;
	return 0;
}

/* Locked: whether workers died too often lately. */
static int
backing_off(const struct wpool *p)
{
	double oldest = p->deaths[p->ndeath % p->o.backoff_deaths];

	return p->ndeath >= p->o.backoff_deaths &&
	    now() - oldest < (double)p->o.backoff_seconds;
}

/* An idle slot, waiting for one; NULL while backing off (unless ANYWAY). */
static struct slot *
checkout(struct wpool *p, int anyway)
{
	struct slot *s = NULL;
	unsigned i;
	int restart;

	pthread_mutex_lock(&p->mu);
	while (s == NULL && (anyway || !backing_off(p))) {
		for (i = 0; i < p->o.n && s == NULL; i++)
			if (!p->slots[i].busy)
				s = &p->slots[i];
		if (s == NULL)
			pthread_cond_wait(&p->cv, &p->mu);
	}
	if (s != NULL) {
		s->busy = 1;
	} else {
		p->st.backoffs++;
		/* the wake-up this thread may have taken goes on to the next waiter,
		 * which leaves too while the pool backs off */
		pthread_cond_signal(&p->cv);
	}
	restart = s != NULL && s->pid > 0 && s->gen != p->gen;
	if (s != NULL) {
		s->gen = p->gen;
		s->deadline_ms = p->o.deadline_ms;
		s->mem_mb = p->o.mem_mb;
	}
	pthread_mutex_unlock(&p->mu);
	if (restart)
		reap(s); /* started before the last reload: a new one reads the config */
	return s;
}

static void
checkin(struct wpool *p, struct slot *s, int died)
{
	pthread_mutex_lock(&p->mu);
	if (died) {
		p->deaths[p->ndeath % p->o.backoff_deaths] = now();
		p->ndeath++;
		p->st.crashed++;
	}
	p->st.scanned++;
	s->busy = 0;
	/* one waiter for the one slot (a broadcast woke every milter thread waiting, to
	 * find the slot taken); one that leaves for the back-off passes it on */
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Why a worker died, in a word (doc/embargo.8 lists them). */
static const char *
cause_of(const struct slot *s, const char *why, int status)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	if (strcmp(why, "deadline passed") == 0)
		return "deadline";
	if (strncmp(why, "malformed", 9) == 0 || strcmp(why, "empty report") == 0)
		return "protocol";
	if (sig == SIGSYS)
		return "seccomp";
	if (sig == SIGXCPU)
		return "cpu";
	/* RLIMIT_AS makes allocations fail; what follows (abort, NULL) is memory when
	 * the worker's peak plus what it had mapped but not touched at start nears
	 * its limit */
	if (s->mem_mb > 0 &&
	    s->maxrss_kb + (s->pg->gap_kb > 0 ? s->pg->gap_kb : 0) >=
		(long)s->mem_mb * 1024 / 8 * 7)
		return "memory";
	return sig == SIGKILL ? "killed" : "crash";
}

/* The report of a message whose worker died: part 0 and scan.crashed naming the
 * part the worker was on (its progress page), the signal and the cause. */
static em_status
crashed(const struct slot *s, struct wp_result *res, const char *why, int status)
{
	int32_t part = s->pg != NULL ? s->pg->part : -1;
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	const char *name = sig ? sigabbrev_np(sig) : NULL;

	memset(res, 0, sizeof(*res));
	res->crash_part = part >= 0 && part < (1 << 24) ? (int)part : -1;
	if ((res->r = report_new()) == NULL || report_part_add(res->r, -1, "", 1) != 0)
		goto oom;
	report_add(res->r, 0, "scan.crashed",
	    "part %d: worker killed by SIG%s; cause: %s (%s; peak %ld MiB)",
	    res->crash_part, name ? name : "?", cause_of(s, why, status), why,
	    s->maxrss_kb / 1024);
	if (report_status(res->r) == EM_OK)
		return EM_OK;
oom:
	wp_result_free(res);
	return EM_TEMPFAIL;
}

/* Write N bytes of DATA at offset 0 of FD. 0 or -1. */
static int
put_bytes(int fd, const unsigned char *data, size_t n)
{
	size_t off;
	ssize_t w;

	for (off = 0; off < n; off += (size_t)w)
		if ((w = pwrite(fd, data + off, n - off, (off_t)off)) <= 0)
			return -1;
	return 0;
}

/* The descriptor a request for DATA (RQ->size bytes) goes with: -1 when the bytes
 * are now in the slot's arena, else a new memfd holding them (*OWN set); -2 when
 * they could not be written. */
static int
data_fd(struct slot *s, const unsigned char *data, uint64_t size, int *own)
{
	int fd;

	*own = 0;
	if (s->arena_cap >= size)
		return put_bytes(s->arena_rw, data, (size_t)size) == 0 ? -1 : -2;
	if ((fd = memfd_create("embargo-msg", MFD_CLOEXEC)) < 0)
		return -2;
	if (put_bytes(fd, data, (size_t)size) != 0) {
		close(fd);
		return -2;
	}
	*own = 1;
	return fd;
}

/* One request to the slot's worker: the bytes in FD, or DATA when not NULL. NULL
 * with RES filled, or why it failed. */
static const char *
ask(struct slot *s, int fd, const unsigned char *data, const struct wp_request *rq,
    struct wp_result *res)
{
	struct strbuf b = STRBUF_INIT;
	unsigned char *pl;
	size_t n;
	int rc, own = 0;

	s->pg->part = -1;
	s->pg->want = -1;
	if (data != NULL && (fd = data_fd(s, data, rq->size, &own)) == -2)
		return "request not delivered";
	wp_put_scan(&b, rq);
	rc = b.oom ? -1 : wc_send(s->sock, WP_SCAN, b.s, b.len, fd);
	sb_free(&b);
	if (own)
		close(fd);
	if (rc != 0)
		return "request not delivered";
	rc = wc_recv(s->sock, WP_REPORT, (int)s->deadline_ms, &pl, &n, NULL);
	if (rc == -2)
		return "deadline passed";
	if (rc != 0)
		return rc == -3 ? "worker died" : "malformed frame";
	rc = wp_parse_report(pl, n, res);
	free(pl);
	if (rc != 0)
		return "malformed report";
	if (report_nparts(res->r) == 0 && res->status == EM_OK) {
		wp_result_free(res);
		return "empty report";
	}
	return NULL;
}

em_status
wpool_scan(struct wpool *p, int fd, uint64_t size, struct wp_result *res, int *died)
{
	struct wp_request rq = { size, NULL, NULL, 0 };

	return wpool_scan_req(p, fd, &rq, res, died);
}

/* A request for the bytes of FD, or of DATA when not NULL. */
static em_status
scan_req(struct wpool *p, int fd, const unsigned char *data, const struct wp_request *rq,
    struct wp_result *res, int *died)
{
	struct slot *s = checkout(p, 0);
	const char *why;
	em_status st;
	int status;

	memset(res, 0, sizeof(*res));
	*died = 0;
	if (s == NULL)
		return EM_TEMPFAIL;
	if (s->pid == 0 && spawn(p, s) != 0) {
		checkin(p, s, 0);
		return EM_TEMPFAIL;
	}
	why = ask(s, fd, data, rq, res);
	if (why != NULL && s->pg->part < 0) {
		/* it died before it began this message (killed while idle): not the
		 * message's doing; once more with a new worker */
		reap(s);
		if (spawn(p, s) == 0)
			why = ask(s, fd, data, rq, res);
	}
	if (why == NULL) {
		/* a worker serves max_use messages, then a fresh one: a parser compromised
		 * by one message answers for a bounded number of later ones */
		if (p->o.max_use > 0 && ++s->uses >= p->o.max_use)
			reap(s);
		checkin(p, s, 0);
		return EM_OK;
	}
	status = reap(s);
	*died = 1;
	/* a worker that exits by itself failed to start or gave up: not the message's
	 * fault, so no verdict on it (the MTA retries) */
	st = WIFEXITED(status) ? EM_TEMPFAIL : crashed(s, res, why, status);
	checkin(p, s, 1);
	return st;
}

em_status
wpool_scan_req(struct wpool *p, int fd, const struct wp_request *rq,
    struct wp_result *res, int *died)
{
	return scan_req(p, fd, NULL, rq, res, died);
}

em_status
wpool_scan_mem(
    struct wpool *p, const void *data, size_t len, struct wp_result *res, int *died)
{
	struct wp_request rq = { len, NULL, NULL, 0 };

	return scan_req(p, -1, data, &rq, res, died);
}

int
wpool_extract(struct wpool *p, int fd, uint64_t size, int part, int *out)
{
	struct slot *s = checkout(p, 1);
	struct wp_request rq = { size, NULL, NULL, 0 };
	struct strbuf b = STRBUF_INIT;
	unsigned char *pl = NULL;
	size_t n = 0;
	int rc = -1;

	*out = -1;
	if (s == NULL || part < 0)
		goto done;
	if (s->pid > 0)
		reap(s);
	if (spawn(p, s) != 0)
		goto done;
	s->pg->part = -1;
	s->pg->want = part;
	wp_put_scan(&b, &rq);
	if (!b.oom && wc_send(s->sock, WP_SCAN, b.s, b.len, fd) == 0 &&
	    wc_recv(s->sock, WP_PART, (int)s->deadline_ms, &pl, &n, out) == 0 && n == 8 &&
	    *out >= 0)
		rc = 0;
	free(pl);
	sb_free(&b);
	reap(s); /* it exits after the part, or died before it */
	s->pg->want = -1;
done:
	if (rc != 0 && *out >= 0) {
		close(*out);
		*out = -1;
	}
	if (s != NULL) {
		pthread_mutex_lock(&p->mu);
		s->busy = 0;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return rc;
}

const char *
wpool_program(const char *configured, char *buf, size_t n)
{
	const char *env = getenv("EMBARGO_WORKER");
	ssize_t len;
	char *slash;

	if (env != NULL && *env != '\0')
		return env;
	if (configured != NULL && *configured != '\0')
		return configured;
	len = readlink("/proc/self/exe", buf, n - 1);
	if (len > 0 && (size_t)len < n - 40) {
		buf[len] = '\0';
		if ((slash = strrchr(buf, '/')) != NULL) {
			/* beside the program (a build tree), then PREFIX/libexec/embargo/
			 * for a program in PREFIX/sbin or PREFIX/bin (make install) */
			snprintf(
			    slash + 1, n - (size_t)(slash + 1 - buf), "embargo-worker");
			if (access(buf, X_OK) == 0)
				return buf;
			snprintf(slash + 1, n - (size_t)(slash + 1 - buf),
			    "../libexec/embargo/embargo-worker");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return WPOOL_LIBEXEC;
}

int
wpool_set_opts(struct wpool *p, const struct wpool_opts *o)
{
	char *path = strdup(o->path), *config = o->config ? strdup(o->config) : NULL;
	char *user = o->user && *o->user ? strdup(o->user) : NULL;
	unsigned d = backoff_opt(
	    o->backoff_deaths, WPOOL_BACKOFF_DEATHS, WPOOL_BACKOFF_DEATHS_MAX);

	if (path == NULL || (o->config && config == NULL) ||
	    (o->user && *o->user && user == NULL)) {
		free(path);
		free(config);
		free(user);
		return -1;
	}
	pthread_mutex_lock(&p->mu);
	free(p->path);
	free(p->config);
	free(p->user);
	p->path = path;
	p->config = config;
	p->user = user;
	p->o.deadline_ms = o->deadline_ms;
	p->o.mem_mb = o->mem_mb;
	p->o.cpu_seconds = o->cpu_seconds;
	p->o.max_use = o->max_use;
	snprintf(p->mem, sizeof(p->mem), "%u", o->mem_mb);
	snprintf(p->cpu, sizeof(p->cpu), "%u", o->cpu_seconds);
	if (d != p->o.backoff_deaths)
		p->ndeath = 0;
	p->o.backoff_deaths = d;
	p->o.backoff_seconds = backoff_opt(
	    o->backoff_seconds, WPOOL_BACKOFF_SECONDS, WPOOL_BACKOFF_SECONDS_MAX);
	p->gen++;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void
wpool_restart(struct wpool *p)
{
	pthread_mutex_lock(&p->mu);
	p->gen++;
	pthread_mutex_unlock(&p->mu);
}

void
wpool_stats(struct wpool *p, struct wpool_stats *out)
{
	pthread_mutex_lock(&p->mu);
	*out = p->st;
	pthread_mutex_unlock(&p->mu);
}

int
wpool_start(struct wpool *p)
{
	unsigned i;

	for (i = 0; i < p->o.n; i++)
		if (p->slots[i].pid == 0 && spawn(p, &p->slots[i]) != 0)
			return -1;
	return 0;
}
