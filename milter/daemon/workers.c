/*
 * workers.c: the pool of embargo-worker processes (see workers.h): spawn, hand out
 * lanes (wproto.h), blame and replace, back off. One mutex guards the slots, and
 * spawning and reaping happen under it; a lane's socket is used and closed only by
 * the thread holding the lane.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

struct lane {
	int sock; /* the daemon's end; -1: none. Checked out, only its holder uses it,
		     and closes it once a new worker replaced it */
	int busy;
	int held; /* the socket its holder has (a newer one may have replaced it) */
};

/* One worker process, its lanes (wproto.h), its progress page and arena. */
struct slot {
	pid_t pid;      /* 0: not running */
	unsigned epoch; /* +1 per worker started in the slot */
	struct lane lanes[WP_LANES];
	int nbusy;    /* lanes checked out */
	int whole;    /* checked out whole (wpool_extract) */
	int drain;    /* no new lane: a whole checkout waits for this slot */
	int retire;   /* replace its worker once its lanes are idle (max_use) */
	unsigned gen; /* the pool generation its worker was started in */
	int pgfd;     /* the progress page (wprogress.h), kept across workers */
	struct wp_progress *pg;
	unsigned uses; /* messages its worker has scanned */
	/* the last worker's death, read by the lanes that held requests to it */
	unsigned dead_epoch;
	int dead_status, dead_lane;
	int32_t dead_part, dead_gap_kb;
	long maxrss_kb;
	size_t arena_cap; /* one lane's part of the arena (warena.h), kept across
			     workers; 0: none */
	int arena_rw, arena_ro;
};

/* A lane checked out: the worker (epoch) its request goes to, and the pool's
 * deadline and memory limit at that time. */
struct lease {
	struct slot *s;
	int lane, sock;
	unsigned epoch, deadline_ms, mem_mb;
};

struct wpool {
	struct wpool_opts o;
	char *path, *config, *user;
	char mem[24], cpu[24];
	struct slot *slots;
	pthread_mutex_t mu; /* the slots, the stats, the options; spawn and reap */
	pthread_cond_t cv;
	double *deaths; /* ring of the last o.backoff_deaths death times */
	unsigned ndeath;
	unsigned gen; /* +1 per wpool_restart */
	struct wpool_stats st;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
	unsigned i;
	int l;

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
	for (i = 0; i < p->o.n; i++)
		for (l = 0; l < WP_LANES; l++)
			p->slots[i].lanes[l].sock = p->slots[i].lanes[l].held = -1;
	snprintf(p->mem, sizeof(p->mem), "%u", o->mem_mb);
	snprintf(p->cpu, sizeof(p->cpu), "%u", o->cpu_seconds);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	return p;
}

/* Locked: kill and reap the slot's worker, keeping what its death says for the
 * lanes that held requests to it (their sockets stay open: their holders read the
 * end of them). Returns the wait status. */
static int
reap(struct slot *s)
{
	struct rusage ru;
	int status = 0, lane;

	if (s->pid <= 0)
		return 0;
	lane = s->pg != NULL ? s->pg->lane : -1;
	s->dead_lane = lane >= 0 && lane < WP_LANES ? lane : -1;
	s->dead_part = s->pg != NULL ? s->pg->part : -1;
	s->dead_gap_kb = s->pg != NULL ? s->pg->gap_kb : 0;
	kill(s->pid, SIGKILL);
	memset(&ru, 0, sizeof(ru));
	while (wait4(s->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	s->maxrss_kb = ru.ru_maxrss;
	s->dead_status = status;
	s->dead_epoch = s->epoch;
	s->pid = 0;
	return status;
}

void
wpool_free(struct wpool *p)
{
	unsigned i;
	int l;

	if (p == NULL)
		return;
	for (i = 0; p->slots != NULL && i < p->o.n; i++) {
		struct slot *s = &p->slots[i];

		reap(s);
		for (l = 0; l < WP_LANES; l++)
			if (s->lanes[l].sock >= 0)
				close(s->lanes[l].sock);
		if (s->pg != NULL) {
			munmap(s->pg, WP_PROGRESS_SIZE);
			close(s->pgfd);
		}
		if (s->arena_cap > 0) {
			close(s->arena_rw);
			close(s->arena_ro);
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
	s->pg->part = s->pg->want = s->pg->lane = -1;
	return 0;
}

/* Locked: start the slot's worker with a new socket for every lane. An idle lane's
 * old socket is closed; a busy lane's belongs to its holder until checkin. */
static int
spawn(struct wpool *p, struct slot *s)
{
	char *argv[12];
	int sv[WP_LANES][2], l, k = 0;
	pid_t pid;

	if (s->pg == NULL && page_new(s) != 0)
		return -1;
	/* what the last worker left there says nothing of the new one */
	s->pg->lane = s->pg->part = -1;
	if (s->arena_cap == 0 && p->o.arena_bytes > 0 &&
	    warena_new(p->o.arena_bytes * WP_LANES, &s->arena_rw, &s->arena_ro) == 0)
		s->arena_cap = p->o.arena_bytes; /* else messages go in their own memfd */
	/* nothing of an earlier message stays readable by the new worker (a lane's
	 * holder writes its message again when it asks the new one) */
	if (s->arena_cap > 0)
		(void)fallocate(s->arena_rw, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    0, (off_t)(s->arena_cap * WP_LANES));
	for (l = 0; l < WP_LANES; l++)
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv[l]) != 0) {
			while (l-- > 0) {
				close(sv[l][0]);
				close(sv[l][1]);
			}
			return -1;
		}
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
		for (l = 0; l < WP_LANES; l++) {
			close(sv[l][0]);
			close(sv[l][1]);
		}
		return -1;
	}
	if (pid == 0) { /* only async-signal-safe calls until exec */
		int c[WP_LANES], g = fcntl(s->pgfd, F_DUPFD, 10);
		int a = s->arena_cap > 0 ? fcntl(s->arena_ro, F_DUPFD, 10) : -1;

		for (l = 0; l < WP_LANES; l++)
			if ((c[l] = fcntl(sv[l][1], F_DUPFD, 10)) < 0)
				_exit(127);
		if (g < 0 || dup2(g, WP_PROGRESS_FD) != WP_PROGRESS_FD ||
		    (a >= 0 && dup2(a, WP_ARENA_FD) != WP_ARENA_FD))
			_exit(127);
		for (l = 0; l < WP_LANES; l++)
			if (dup2(c[l], WP_LANE_FD(l)) != WP_LANE_FD(l))
				_exit(127);
		if (a < 0) /* no arena: nothing on 5 */
			close(WP_ARENA_FD);
		close_range(WP_LANE_FD(WP_LANES - 1) + 1, ~0U, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	for (l = 0; l < WP_LANES; l++) {
		close(sv[l][1]);
		/* the old socket, unless a lane's holder still reads it */
		if (s->lanes[l].sock >= 0 &&
		    (!s->lanes[l].busy || s->lanes[l].sock != s->lanes[l].held))
			close(s->lanes[l].sock);
		s->lanes[l].sock = sv[l][0];
	}
	s->pid = pid;
	s->epoch++;
	s->uses = 0;
	s->retire = 0;
	p->st.spawned++;
	return 0;
}

/* Locked: whether workers died too often lately. */
static int
backing_off(const struct wpool *p)
{
	double oldest = p->deaths[p->ndeath % p->o.backoff_deaths];

	return p->ndeath >= p->o.backoff_deaths &&
	    (double)now_ms() / 1000 - oldest < (double)p->o.backoff_seconds;
}

/* Locked: whether the slot's worker is to be replaced (a reload, max_use). */
static int
stale(const struct wpool *p, const struct slot *s)
{
	return s->pid > 0 && (s->gen != p->gen || s->retire);
}

/* Locked: the slot a new request goes to: the one with the fewest lanes busy (an
 * idle worker first); not one whose worker waits to be replaced while it still
 * answers others. WHOLE: a slot with no lane busy. */
static struct slot *
pick(struct wpool *p, int whole)
{
	struct slot *best = NULL, *s;
	unsigned i;

	for (i = 0; i < p->o.n; i++) {
		s = &p->slots[i];
		if (s->whole || s->nbusy >= WP_LANES || (whole && s->nbusy > 0) ||
		    (!whole && s->drain) || (stale(p, s) && s->nbusy > 0))
			continue;
		if (best == NULL || s->nbusy < best->nbusy)
			best = s;
	}
	return best;
}

/* Locked: the lane's socket to the slot's current worker, for L's holder: the old
 * one closed when a new worker replaced it. */
static void
lease_renew(struct lease *L)
{
	struct lane *ln = &L->s->lanes[L->lane];

	if (L->sock >= 0 && L->sock != ln->sock)
		close(L->sock);
	L->sock = ln->held = ln->sock;
	L->epoch = L->s->epoch;
}

/* Locked: a whole checkout waits: the least busy slot takes no new lane until it is
 * idle (under load no slot might ever be). */
static void
drain_one(struct wpool *p)
{
	struct slot *best = NULL;
	unsigned i;

	for (i = 0; i < p->o.n; i++) {
		if (p->slots[i].drain)
			return;
		if (!p->slots[i].whole &&
		    (best == NULL || p->slots[i].nbusy < best->nbusy))
			best = &p->slots[i];
	}
	if (best != NULL)
		best->drain = 1;
}

/* A lane of a running worker, waiting for one; 0, or -1 while backing off (unless
 * ANYWAY) or when no worker could start. WHOLE takes every lane of a slot (its
 * worker is the caller's to replace: wpool_extract). */
static int
checkout(struct wpool *p, int anyway, int whole, struct lease *L)
{
	struct slot *s = NULL;
	int l, rc = -1;

	memset(L, 0, sizeof(*L));
	L->sock = -1;
	pthread_mutex_lock(&p->mu);
	while (s == NULL && (anyway || !backing_off(p)))
		if ((s = pick(p, whole)) == NULL) {
			if (whole)
				drain_one(p);
			pthread_cond_wait(&p->cv, &p->mu);
		}
	if (s == NULL) {
		p->st.backoffs++;
		/* the wake-up this thread may have taken goes on to the next waiter,
		 * which leaves too while the pool backs off */
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		return -1;
	}
	if (whole) {
		for (l = 0; l < WP_LANES; l++)
			s->lanes[l].busy = 1;
		s->nbusy = WP_LANES;
		s->whole = 1;
		s->drain = 0;
		l = 0;
	} else {
		for (l = 0; s->lanes[l].busy; l++) /* pick() left one free */
			;
		s->lanes[l].busy = 1;
		s->nbusy++;
	}
	L->s = s;
	L->lane = l;
	L->deadline_ms = p->o.deadline_ms;
	L->mem_mb = p->o.mem_mb;
	if (stale(p, s)) /* and no other lane busy: a new one reads the config */
		reap(s);
	s->gen = p->gen;
	if (whole || s->pid > 0 || spawn(p, s) == 0) {
		lease_renew(L);
		rc = 0;
	} else {
		s->lanes[l].busy = 0;
		s->nbusy--;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Locked: a worker died (the back-off's count, the stats). */
static void
count_death(struct wpool *p)
{
	p->deaths[p->ndeath % p->o.backoff_deaths] = (double)now_ms() / 1000;
	p->ndeath++;
	p->st.crashed++;
}

/* The lane back; SCANNED counts a message. */
static void
checkin(struct wpool *p, struct lease *L, int scanned)
{
	struct slot *s = L->s;
	int l;

	pthread_mutex_lock(&p->mu);
	if (scanned)
		p->st.scanned++;
	lease_renew(L); /* closes this holder's old socket, if replaced */
	if (s->whole) {
		for (l = 0; l < WP_LANES; l++) {
			s->lanes[l].busy = 0;
			s->lanes[l].held = -1;
		}
		s->nbusy = 0;
		s->whole = 0;
		pthread_cond_broadcast(&p->cv);
	} else {
		s->lanes[L->lane].busy = 0;
		s->lanes[L->lane].held = -1;
		s->nbusy--;
		/* a worker to be replaced goes as soon as it answered its last lane */
		if (stale(p, s) && s->nbusy == 0)
			reap(s);
		/* a drained slot is for the whole checkout waiting, which a signal
		 * might not reach */
		if (s->drain && s->nbusy == 0)
			pthread_cond_broadcast(&p->cv);
		/* one waiter for the one lane (a broadcast woke every milter thread
		 * waiting, to find it taken); one that leaves for the back-off passes
		 * it on */
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Why a worker died, in a word (doc/embargo.8 lists them). */
static const char *
cause_of(const struct lease *L, const char *why, int status)
{
	const struct slot *s = L->s;
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
	if (L->mem_mb > 0 &&
	    s->maxrss_kb + (s->dead_gap_kb > 0 ? s->dead_gap_kb : 0) >=
		(long)L->mem_mb * 1024 / 8 * 7)
		return "memory";
	return sig == SIGKILL ? "killed" : "crash";
}

/* Locked: the report of a message whose worker died: part 0 and scan.crashed naming
 * the part the worker was on (its progress page), the signal and the cause. */
static em_status
crashed(const struct lease *L, struct wp_result *res, const char *why, int status)
{
	const struct slot *s = L->s;
	int32_t part = s->dead_epoch == L->epoch ? s->dead_part : -1;
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	const char *name = sig ? sigabbrev_np(sig) : NULL;

	memset(res, 0, sizeof(*res));
	res->crash_part = part >= 0 && part < (1 << 24) ? (int)part : -1;
	if ((res->r = report_new()) == NULL || report_part_add(res->r, -1, "", 1) != 0)
		goto oom;
	report_add(res->r, 0, "scan.crashed",
	    "part %d: worker killed by SIG%s; cause: %s (%s; peak %ld MiB)",
	    res->crash_part, name ? name : "?", cause_of(L, why, status), why,
	    s->maxrss_kb / 1024);
	if (report_status(res->r) == EM_OK)
		return EM_OK;
oom:
	wp_result_free(res);
	return EM_TEMPFAIL;
}

/* Write N bytes of DATA at offset OFF of FD. 0 or -1. */
static int
put_bytes(int fd, const unsigned char *data, size_t n, off_t off)
{
	size_t done;
	ssize_t w;

	for (done = 0; done < n; done += (size_t)w)
		if ((w = pwrite(fd, data + done, n - done, off + (off_t)done)) <= 0)
			return -1;
	return 0;
}

/* The descriptor a request for DATA (RQ->size bytes) goes with: -1 when the bytes
 * are now in the lane's part of the arena, else a new memfd holding them (*OWN
 * set); -2 when they could not be written. */
static int
data_fd(const struct lease *L, const unsigned char *data, uint64_t size, int *own)
{
	const struct slot *s = L->s;
	int fd;

	*own = 0;
	if (s->arena_cap >= size)
		return put_bytes(s->arena_rw, data, (size_t)size,
			   (off_t)(s->arena_cap * (size_t)L->lane)) == 0 ?
		    -1 :
		    -2;
	if ((fd = memfd_create("embargo-msg", MFD_CLOEXEC)) < 0)
		return -2;
	if (put_bytes(fd, data, (size_t)size, 0) != 0) {
		close(fd);
		return -2;
	}
	*own = 1;
	return fd;
}

/* Wait until L's socket has something (or its worker is gone). The deadline counts
 * from when the worker began this lane's message (the progress page), not from the
 * request: it may wait behind the worker's other lanes, each bounded by its own
 * deadline; and never past WP_LANES deadlines from SENT (a worker that lies about
 * its lanes). 0, -2 when the deadline passed, -1 on error; *LEFT: milliseconds to
 * read the frame in. */
static int
wait_report(const struct lease *L, long long sent, int *left)
{
	const struct wp_progress *pg = L->s->pg;
	long long d = L->deadline_ms, hard = sent + d * WP_LANES, t, kill_at, wake, b;
	struct pollfd pfd = { L->sock, POLLIN, 0 };
	int r;

	*left = -1;
	for (;;) {
		t = now_ms();
		kill_at = hard;
		if (pg != NULL && pg->lane == L->lane) { /* on this lane's message */
			b = pg->begin_ms;
			b = b < sent ? sent : b > t ? t : b;
			if (b + d < kill_at)
				kill_at = b + d;
		}
		/* not begun yet: look again within a second (or a deadline) */
		wake = kill_at;
		if (pg != NULL && pg->lane != L->lane && t + (d < 1000 ? d : 1000) < wake)
			wake = t + (d < 1000 ? d : 1000);
		if (d == 0)
			wake = kill_at = -1; /* no deadline */
		r = poll(&pfd, 1, wake < 0 ? -1 : wake > t ? (int)(wake - t) : 0);
		if (r > 0) {
			t = now_ms();
			*left = kill_at < 0    ? -1 :
			    kill_at - t > 1000 ? (int)(kill_at - t) :
						 1000;
			return 0;
		}
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && kill_at >= 0 && now_ms() >= kill_at)
			return -2;
	}
}

/* One request on L's lane: the bytes in FD, or DATA when not NULL. NULL with RES
 * filled, or why it failed. */
static const char *
ask(const struct lease *L, int fd, const unsigned char *data, const struct wp_request *rq,
    struct wp_result *res)
{
	struct strbuf b = STRBUF_INIT;
	unsigned char *pl;
	long long sent;
	size_t n;
	int rc, own = 0, left;

	if (data != NULL && (fd = data_fd(L, data, rq->size, &own)) == -2)
		return "request not delivered";
	wp_put_scan(&b, rq);
	sent = now_ms();
	rc = b.oom ? -1 : wc_send(L->sock, WP_SCAN, b.s, b.len, fd);
	sb_free(&b);
	if (own)
		close(fd);
	if (rc != 0)
		return "request not delivered";
	if ((rc = wait_report(L, sent, &left)) == 0)
		rc = wc_recv(L->sock, WP_REPORT, left, &pl, &n, NULL);
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
	struct lease L;
	const char *why;
	em_status st = EM_OK;
	int status = 0, tries = 0, mine, proto;

	memset(res, 0, sizeof(*res));
	*died = 0;
	if (checkout(p, 0, 0, &L) != 0)
		return EM_TEMPFAIL;
	while ((why = ask(&L, fd, data, rq, res)) != NULL) {
		proto =
		    strncmp(why, "malformed", 9) == 0 || strcmp(why, "empty report") == 0;
		pthread_mutex_lock(&p->mu);
		if (L.s->pid > 0 &&
		    L.s->epoch == L.epoch) { /* still there: ours to end */
			status = reap(L.s);
			/* a death counts when the worker was on a message, broke the
			 * protocol or exited by itself; not when killed while idle */
			if (L.s->dead_lane >= 0 || proto || WIFEXITED(status))
				count_death(p);
		}
		/* this message's doing: an answer on its lane that breaks the protocol,
		 * or a death (or deadline) while the worker was on its lane */
		mine = proto || (L.s->dead_epoch == L.epoch && L.s->dead_lane == L.lane);
		if (!mine && tries++ < WP_LANES && (L.s->pid > 0 || spawn(p, L.s) == 0)) {
			/* it died before it began this message (killed while idle, or on
			 * another lane's message): once more with a new worker */
			lease_renew(&L);
			pthread_mutex_unlock(&p->mu);
			continue;
		}
		status = L.s->dead_epoch == L.epoch ? L.s->dead_status : 0;
		/* a worker that exits by itself failed to start or gave up, and one that
		 * died on other messages each time said nothing about this one: no
		 * verdict (the MTA retries) */
		st = WIFEXITED(status) || !mine ? EM_TEMPFAIL :
						  crashed(&L, res, why, status);
		pthread_mutex_unlock(&p->mu);
		*died = mine;
		checkin(p, &L, 1);
		return st;
	}
	/* a worker serves max_use messages, then a fresh one: a parser compromised by
	 * one message answers for a bounded number of later ones */
	pthread_mutex_lock(&p->mu);
	if (p->o.max_use > 0 && L.s->epoch == L.epoch && ++L.s->uses >= p->o.max_use)
		L.s->retire = 1;
	pthread_mutex_unlock(&p->mu);
	checkin(p, &L, 1);
	return EM_OK;
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
	struct wp_request rq = { size, NULL, NULL, 0 };
	struct strbuf b = STRBUF_INIT;
	unsigned char *pl = NULL;
	struct lease L;
	size_t n = 0;
	int rc = -1, ok;

	*out = -1;
	if (part < 0 || checkout(p, 1, 1, &L) != 0)
		return -1;
	pthread_mutex_lock(&p->mu);
	reap(L.s);
	ok = spawn(p, L.s) == 0;
	if (ok) {
		lease_renew(&L);
		L.s->pg->part = -1;
		L.s->pg->want = part;
	}
	pthread_mutex_unlock(&p->mu);
	wp_put_scan(&b, &rq);
	if (ok && !b.oom && wc_send(L.sock, WP_SCAN, b.s, b.len, fd) == 0 &&
	    wc_recv(L.sock, WP_PART, (int)L.deadline_ms, &pl, &n, out) == 0 && n == 8 &&
	    *out >= 0)
		rc = 0;
	free(pl);
	sb_free(&b);
	pthread_mutex_lock(&p->mu);
	reap(L.s); /* it exits after the part, or died before it */
	L.s->pg->want = -1;
	pthread_mutex_unlock(&p->mu);
	if (rc != 0 && *out >= 0) {
		close(*out);
		*out = -1;
	}
	checkin(p, &L, 0);
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
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->o.n && rc == 0; i++)
		if (p->slots[i].pid == 0 && spawn(p, &p->slots[i]) != 0)
			rc = -1;
	pthread_mutex_unlock(&p->mu);
	return rc;
}
