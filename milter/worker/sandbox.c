/*
 * sandbox.c: namespaces, user, limits, no_new_privs and the seccomp allow-list of an
 * embargo-worker (see sandbox.h).
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <unistd.h>

#include "worker/sandbox.h"

/* Everything the pipeline calls once loaded (measured with strace -f on the corpus). */
static const int allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(lseek),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(ftruncate),
	SCMP_SYS(fcntl),
	SCMP_SYS(dup),
	SCMP_SYS(memfd_create),
	SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg),
	SCMP_SYS(poll),
	SCMP_SYS(ppoll),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(mprotect),
	SCMP_SYS(madvise),
	SCMP_SYS(brk),
	SCMP_SYS(futex),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(sched_yield),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(tgkill),
	SCMP_SYS(getrusage),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(prlimit64),
};

/* Calls that name a path: they fail with EACCES. */
static const int denied[] = {
	SCMP_SYS(open),
	SCMP_SYS(openat),
	SCMP_SYS(stat),
	SCMP_SYS(lstat),
	SCMP_SYS(access),
	SCMP_SYS(faccessat),
	SCMP_SYS(readlink),
	SCMP_SYS(readlinkat),
};

static int
load_filter(void)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	size_t i;
	int rc = 0;

	if (f == NULL)
		return -1;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, allowed[i], 0);
	/* fstat(2) is newfstatat(fd, "", buf, AT_EMPTY_PATH) in glibc */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
		    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	/* paths are refused with EACCES, not killed: the C library looks at
	 * /etc/localtime on every localtime()/mktime() (archive dates) and falls back
	 * to UTC when it cannot */
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]) && rc == 0; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), denied[i], 0);
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(newfstatat), 1,
		    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0));
	if (rc == 0)
		rc = seccomp_load(f);
	seccomp_release(f);
	return rc == 0 ? 0 : -1;
}

static int
become(const char *user)
{
	struct passwd *pw;

	if (user == NULL || *user == '\0' || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return -1;
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return -1;
	return setuid(0) == 0 ? -1 : 0; /* must not be able to come back */
}

static int
limit(int res, uint64_t v)
{
	struct rlimit rl;

	if (v == 0)
		return 0;
	rl.rlim_cur = rl.rlim_max = (rlim_t)v;
	return setrlimit(res, &rl);
}

int
sandbox_enter(const struct sandbox_opts *o, const char **err, const char **note)
{
	struct rlimit none = { 0, 0 };

	*err = *note = NULL;
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC) != 0)
		*note = "new mount/IPC namespaces not permitted here: skipped";
	if (become(o->user) != 0) {
		*err = "cannot switch to the worker user";
		return -1;
	}
	if (limit(RLIMIT_AS, o->mem_bytes) != 0 ||
	    limit(RLIMIT_CPU, o->cpu_seconds) != 0 ||
	    limit(RLIMIT_FSIZE, o->fsize_bytes) != 0 ||
	    setrlimit(RLIMIT_CORE, &none) != 0 || limit(RLIMIT_NOFILE, 64) != 0) {
		*err = "setrlimit failed";
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		*err = "PR_SET_NO_NEW_PRIVS failed";
		return -1;
	}
	if (load_filter() != 0) {
		*err = "seccomp filter not loaded";
		return -1;
	}
	return 0;
}
