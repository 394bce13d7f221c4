/*
 * mlhooks.c: three libc calls of libmilter that the daemon takes over.
 *
 * libmilter (Debian's, built with _FFR_WORKERS_POOL) calls sigwait, poll and accept
 * through the dynamic linker; an executable that defines them is called instead
 * (ELF symbol interposition). Each hook passes through untouched until
 * mlhooks_start, so a program that links this file and never starts it is unchanged.
 *
 *  - sigwait: libmilter's own signal thread (mi_signal_thread) sigwaits on SIGHUP,
 *    SIGTERM and SIGINT and stops the milter on SIGHUP. Blocking signals cannot keep
 *    a process signal away from a thread that sigwaits for it: the kernel may hand
 *    any of them to that thread whenever ours is not waiting (two close SIGHUPs then
 *    stopped the daemon, exit 0). Here every thread but the owner waits on none of
 *    the three, so only the owner (main thread) ever receives them.
 *  - poll: libmilter's worker pool waits for silent sessions in one poll() and looks
 *    for timed-out ones only every 600 s (worker.c DT_CHECK_OLD_SESSIONS), so
 *    smfi_settimeout does not bound silence. The hook remembers since when each
 *    accepted descriptor has been waited on without data, and shuts down (never
 *    closes: no descriptor reuse race) one silent for idle_seconds; libmilter then
 *    reads end of file and closes the session (abort and close callbacks run). This
 *    covers silence before the first packet, after negotiation and mid-message.
 *  - accept: when the accepted descriptor leaves fewer than a reserve free for the
 *    scanners (temp files, the index, YARA), or accept fails with EMFILE/ENFILE, the
 *    connection is closed at once (the MTA sees it refused and applies its default
 *    action) instead of staying in the backlog while libmilter retries for ever.
 *    A spare descriptor makes the EMFILE case acceptable-then-closable.
 * Limits: the idle time is measured in whole seconds, checked at least once a second
 * while libmilter polls. BUGS: relies on libmilter calling these three through the
 * PLT, which Debian's libmilter.so does (checked by tests/cli/t_lifecycle.sh).
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/mlhooks.h"

#define MLHOOKS_MAX_FDS 65536

static int hooks_on;
static pthread_t sig_owner;
static int idle_limit;     /* seconds; guarded by lock */
static int nslots;         /* size of the tables: the soft fd limit */
static time_t *wait_since; /* 0: not waiting or not a session */
static unsigned char *is_session;
static int reserve; /* descriptors kept free for the scanners */
static int spare_fd = -1;
static unsigned long n_dropped, n_refused;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1; /* never 0: 0 means "not waiting" */
}

int
mlhooks_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t want =
		    rl.rlim_max < MLHOOKS_MAX_FDS ? rl.rlim_max : MLHOOKS_MAX_FDS;

		if (rl.rlim_cur < want) {
			rl.rlim_cur = want;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	nslots = rl.rlim_cur > MLHOOKS_MAX_FDS ? MLHOOKS_MAX_FDS : (int)rl.rlim_cur;
	reserve = nslots / 4 < 64 ? nslots / 4 : 64;
	return nslots;
}

int
mlhooks_start(int idle_seconds)
{
	if (nslots == 0)
		mlhooks_fd_limit();
	wait_since = calloc((size_t)nslots, sizeof(*wait_since));
	is_session = calloc((size_t)nslots, 1);
	if (wait_since == NULL || is_session == NULL)
		return -1;
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sig_owner = pthread_self();
	idle_limit = idle_seconds;
	hooks_on = 1;
	return 0;
}

void
mlhooks_set_idle(int idle_seconds)
{
	pthread_mutex_lock(&lock);
	idle_limit = idle_seconds;
	pthread_mutex_unlock(&lock);
}

int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t s = *set;
	int r;

	if (hooks_on && !pthread_equal(pthread_self(), sig_owner)) {
		sigdelset(&s, SIGHUP);
		sigdelset(&s, SIGTERM);
		sigdelset(&s, SIGINT);
	}
	do
		r = sigwaitinfo(&s, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

static int
ppoll_ms(struct pollfd *fds, nfds_t n, int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	return ppoll(fds, n, ms < 0 ? NULL : &ts, NULL);
}

/* Before waiting: start the clock of each session now waited on; return the
 * milliseconds until the first one runs out (-1: none). Called with the lock held. */
static int
poll_arm(const struct pollfd *fds, nfds_t n, time_t now)
{
	time_t first = 0;
	nfds_t i;

	for (i = 0; i < n; i++) {
		int fd = fds[i].fd;

		if (fd < 0 || fd >= nslots || !is_session[fd])
			continue;
		if (wait_since[fd] == 0)
			wait_since[fd] = now;
		if (first == 0 || wait_since[fd] < first)
			first = wait_since[fd];
	}
	if (first == 0)
		return -1;
	return first + idle_limit <= now ? 0 : (int)(first + idle_limit - now) * 1000;
}

/* After waiting: a session with data is no longer waiting; one silent too long is
 * shut down, so the next poll reports end of file. Called with the lock held. */
static void
poll_check(const struct pollfd *fds, nfds_t n, time_t now)
{
	nfds_t i;

	for (i = 0; i < n; i++) {
		int fd = fds[i].fd;

		if (fd < 0 || fd >= nslots || !is_session[fd])
			continue;
		if (fds[i].revents != 0) {
			wait_since[fd] = 0;
		} else if (wait_since[fd] != 0 && now - wait_since[fd] >= idle_limit) {
			(void)shutdown(fd, SHUT_RDWR);
			wait_since[fd] = 0;
			is_session[fd] = 0;
			n_dropped++;
			log_msg(LOG_NOTICE, NULL,
			    "session silent for %d s (milter_timeout): "
			    "dropped (%lu so far)",
			    idle_limit, n_dropped);
		}
	}
}

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int rc, due;

	if (!hooks_on || idle_limit <= 0)
		return ppoll_ms(fds, n, timeout);
	pthread_mutex_lock(&lock);
	due = poll_arm(fds, n, now_s());
	pthread_mutex_unlock(&lock);
	if (due >= 0 && (timeout < 0 || timeout > due + 1000))
		timeout = due + 1000; /* whole seconds: look again just after */
	rc = ppoll_ms(fds, n, timeout);
	if (rc >= 0) {
		pthread_mutex_lock(&lock);
		poll_check(fds, n, now_s());
		pthread_mutex_unlock(&lock);
	}
	return rc;
}

/* Refuse one waiting connection when accept itself has no descriptor left. */
static void
refuse_with_spare(int sfd)
{
	int fd;

	if (spare_fd < 0)
		return;
	close(spare_fd);
	if ((fd = accept4(sfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(fd);
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
note_refused(int fd)
{
	unsigned long n;

	pthread_mutex_lock(&lock);
	n = ++n_refused;
	pthread_mutex_unlock(&lock);
	if ((n & (n - 1)) == 0) /* 1st, 2nd, 4th, 8th, ...: the log stays readable */
		log_msg(LOG_WARNING, NULL,
		    "file descriptors short (%d of %d in use): "
		    "connection refused (%lu so far)",
		    fd, nslots, n);
}

int
accept(int sfd, struct sockaddr *addr, socklen_t *len)
{
	int fd = accept4(sfd, addr, len, 0);

	if (!hooks_on)
		return fd;
	if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		refuse_with_spare(sfd);
		note_refused(nslots);
		errno = ECONNABORTED;
		return -1;
	}
	if (fd >= 0 && (fd >= nslots || nslots - fd <= reserve)) {
		close(fd);
		note_refused(fd);
		errno = ECONNABORTED;
		return -1;
	}
	if (fd >= 0) {
		pthread_mutex_lock(&lock);
		is_session[fd] = 1;
		wait_since[fd] = 0;
		pthread_mutex_unlock(&lock);
	}
	return fd;
}
