/*
 * mlhooks.h: three libc calls of libmilter that the daemon takes over (sigwait, poll,
 * accept), by defining them in the executable. See mlhooks.c for why and the limits.
 */
#ifndef EMBARGO_MLHOOKS_H
#define EMBARGO_MLHOOKS_H

/* Raise the soft RLIMIT_NOFILE towards the hard one (at most 65536) and size the
 * descriptor tables. Returns the soft limit in force. Call once, before mlhooks_start. */
int mlhooks_fd_limit(void);
/* Turn the hooks on. The calling thread becomes the only one whose sigwait may take
 * SIGHUP, SIGTERM and SIGINT; libmilter's signal thread then waits on none of them.
 * IDLE_SECONDS (> 0): a session silent that long while libmilter waits for it is
 * shut down. Call before smfi_main. */
int mlhooks_start(int idle_seconds);
/* Change the idle limit (reload). */
void mlhooks_set_idle(int idle_seconds);

#endif
