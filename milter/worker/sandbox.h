/*
 * sandbox.h: locking down an embargo-worker once its rules and libmagic database are
 * loaded.
 *
 * In order: new mount and IPC namespaces (unshare; skipped quietly when not
 * permitted, reported once through the returned note), the worker's own user when
 * started as root (setgroups, setgid, setuid), resource limits (RLIMIT_AS, RLIMIT_CPU,
 * RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_CORE 0), PR_SET_NO_NEW_PRIVS, then a seccomp-bpf
 * allow-list (libseccomp) that kills the whole process on anything else: no socket,
 * no exec, no ptrace, no fork. Calls that name a path (open, openat, stat, access,
 * readlink) fail with EACCES instead of killing, because the C library tries
 * /etc/localtime on every localtime() and mktime() (archive dates) and falls back
 * to UTC when refused. What stays allowed is what the
 * pipeline was measured to call (strace -f on the corpus): memory, reading and writing
 * descriptors it holds, memfd spools, clocks, the send/receive of its socket.
 * BUGS: newfstatat is allowed only with AT_EMPTY_PATH (glibc's fstat); the path
 * argument itself cannot be checked by seccomp.
 */
#ifndef EMBARGO_SANDBOX_H
#define EMBARGO_SANDBOX_H

#include <stdint.h>

struct sandbox_opts {
	const char *user;     /* NULL or "": keep the current user */
	uint64_t mem_bytes;   /* RLIMIT_AS; 0: none */
	uint64_t cpu_seconds; /* RLIMIT_CPU; 0: none */
	uint64_t fsize_bytes; /* RLIMIT_FSIZE (memfd spools); 0: none */
	int stdio_fd;         /* >= 0: made stdout and stderr before the filter */
	int quiet;            /* the note is not printed */
};

/* Returns 0, or -1 with ERR set (a step that must not be skipped failed). NOTE is set
 * to a one-line remark when an optional step (namespaces) was skipped, else NULL; it
 * is printed on stderr (unless quiet) before stdout and stderr become STDIO_FD. */
int sandbox_enter(const struct sandbox_opts *o, const char **err, const char **note);

#endif
