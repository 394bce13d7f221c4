/*
 * sandbox.h: locking down an embargo-worker once its rules and libmagic database are
 * loaded.
 *
 * In order: an empty root (a read-only tmpfs in private mount and IPC namespaces,
 * entered with chroot; first a user namespace of its own when not root; skipped
 * when the kernel does not permit it, reported through the returned note), the
 * worker's own user when started as root (looked up before, switched to after;
 * without one, a user namespace sheds root's capabilities outside), resource limits
 * (RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE 64, RLIMIT_CORE 0),
 * PR_SET_NO_NEW_PRIVS, stdin, stdout and stderr pointed at /dev/null, then a
 * seccomp-bpf allow-list (libseccomp) that kills the whole process on anything
 * else: no socket, no exec, no ptrace, no fork, signals and limits (tgkill,
 * prlimit64) only on itself. Calls that name a path (open, openat, stat, access,
 * readlink) fail with EACCES instead of killing, because the C library tries
 * /etc/localtime on every localtime() and mktime() (archive dates) and falls back to
 * UTC when refused. What stays allowed is what the pipeline was measured to call
 * (strace -f on the corpus): memory, reading and writing descriptors it holds, memfd
 * spools, clocks, the send/receive of its socket.
 * Limits: newfstatat is allowed with AT_EMPTY_PATH (glibc's fstat), and seccomp
 * cannot read its path: only the empty root keeps it from finding files, so where
 * namespaces are not permitted file metadata stays visible.
 */
#ifndef EMBARGO_SANDBOX_H
#define EMBARGO_SANDBOX_H

#include <stdint.h>

struct sandbox_opts {
	const char *user;     /* NULL or "": keep the current user */
	uint64_t mem_bytes;   /* RLIMIT_AS; 0: none */
	uint64_t cpu_seconds; /* RLIMIT_CPU; 0: none */
	uint64_t fsize_bytes; /* RLIMIT_FSIZE (memfd spools); 0: none */
	int stdio_fd;         /* >= 0: made stdin, stdout and stderr before the filter */
	int quiet;            /* the note is not printed */
};

/* Returns 0, or -1 with ERR set (a step that must not be skipped failed). NOTE is set
 * to a one-line remark when an optional step (namespaces) was skipped, else NULL; it
 * is printed on stderr (unless quiet) before stdin, stdout and stderr become
 * STDIO_FD. */
int sandbox_enter(const struct sandbox_opts *o, const char **err, const char **note);

#endif
