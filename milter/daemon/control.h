/*
 * control.h: the daemon's control socket (control_socket, default
 * /run/embargo/control): a local stream socket answering one command per
 * connection. Today the one command is "stats", answered with the counters as
 * Prometheus text (metrics.h); `embargo-quarantine stats --live` and embargo-web's
 * /metrics read it.
 *
 * Promises: the socket is made with mode 0660 (owner: the daemon's user, after it
 * dropped root); a peer is served only when SO_PEERCRED says it is root, the
 * daemon's user, or has the socket's group (as it is now) as its primary group; others get "error: not
 * allowed". A request is one line of at most CONTROL_LINE_MAX bytes, read within
 * CONTROL_TIMEOUT_MS in all; at most CONTROL_MAX_CLIENTS are served at once (more
 * get "error: busy"); anything else gets one "error: ..." line. The connection is
 * closed after the answer. Nothing a client sends can stop the daemon or a message.
 * Threads: one accepting thread and a short thread per client; signals stay blocked
 * there (inherited mask). A failure to make the socket is logged, never fatal.
 */
#ifndef EMBARGO_CONTROL_H
#define EMBARGO_CONTROL_H

#include <stddef.h>
#include <sys/types.h>

#define CONTROL_LINE_MAX    256  /* bytes of one request line, newline included */
#define CONTROL_TIMEOUT_MS  2000 /* to read the request, and to write the answer */
#define CONTROL_MAX_CLIENTS 4
#define CONTROL_ANSWER_MAX  (4u << 20) /* bytes of one answer */

enum control_req {
	CTL_NEED_MORE = 0, /* no newline yet, still under the cap */
	CTL_STATS,         /* "stats" */
	CTL_UNKNOWN,       /* a line that is no command */
	CTL_TOO_LONG,      /* no newline within CONTROL_LINE_MAX bytes */
};

/* Classify the N bytes received so far (BUF need not be NUL-terminated). AT_EOF:
 * the peer has finished sending, so what is there is the whole line. */
enum control_req control_parse(const char *buf, size_t n, int at_eof);

/* Make the socket at PATH ("" or NULL: none) and start serving it. Call after the
 * privilege drop and before other threads start (it sets the umask briefly).
 * 0, or -1 (logged). */
int control_start(const char *path);
/* Remove the socket file made by control_start (the threads end with the process). */
void control_stop(void);

#endif
