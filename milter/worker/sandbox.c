/*
 * sandbox.c: namespaces, user, limits, no_new_privs and the seccomp allow-list of an
 * embargo-worker (see sandbox.h).
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
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
	SCMP_SYS(getrusage),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
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
	/* signals (abort, raise) and limits of this process only: the daemon and
	 * embargo-web may run as the same user */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (rc == 0)
		rc = seccomp_rule_add(
		    f, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A0(SCMP_CMP_EQ, 0));
	/* fstat(2) is newfstatat(fd, "", buf, AT_EMPTY_PATH) in glibc; a path given
	 * with AT_EMPTY_PATH is still looked up, in the empty root (empty_root) */
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

/* Write S to the file PATH (the user namespace's maps). */
static int
put_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	return close(fd) == 0 && ok ? 0 : -1;
}

/* A private, empty, read-only root: after it a path names nothing, so what seccomp
 * cannot check (the path of newfstatat) finds nothing either. Root makes it in new
 * mount and IPC namespaces; another user first in a new user namespace of its own
 * (uid 0 inside maps to itself outside: no right over anything outside). -1 when the
 * kernel does not permit it. */
static int
empty_root(void)
{
	static const char *const dirs[] = { "/tmp", "/proc" };
	char map[64];
	size_t i;
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid != 0) {
		if (unshare(CLONE_NEWUSER) != 0 ||
		    put_file("/proc/self/setgroups", "deny") != 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (put_file("/proc/self/uid_map", map) != 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (put_file("/proc/self/gid_map", map) != 0)
			return -1;
	}
	/* private first: the new mount must not propagate to the host; then an empty
	 * tmpfs over a folder every system has (a mount over / itself would not be
	 * entered: a walk never crosses mounts stacked on the process's root) */
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mount("embargo-worker", dirs[i], "tmpfs",
			MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			"size=4k,nr_inodes=1,mode=0555") == 0)
			return chdir(dirs[i]) == 0 && chroot(".") == 0 &&
				chdir("/") == 0 ?
			    0 :
			    -1;
	return -1;
}

/* The worker user's ids, looked up while /etc/passwd can still be read. */
static int
lookup(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if (user == NULL || *user == '\0' || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 1;
}

static int
become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
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

	uid_t uid = 0;
	gid_t gid = 0;
	int sw, root;

	*err = *note = NULL;
	if ((sw = lookup(o->user, &uid, &gid)) < 0) {
		*err = "no such worker user";
		return -1;
	}
	root = geteuid() == 0; /* in the namespace it started in */
	if (empty_root() != 0)
		*note = "user/mount namespaces not permitted here: paths stay visible to "
			"fstatat (open is still refused)";
	if (sw > 0 && become(uid, gid) != 0) {
		*err = "cannot switch to the worker user";
		return -1;
	}
	/* root with no worker user: a user namespace of its own sheds its capabilities
	 * over everything outside */
	if (sw == 0 && root)
		(void)unshare(CLONE_NEWUSER);
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
	if (*note != NULL && !o->quiet)
		fprintf(stderr, "embargo-worker: %s\n", *note);
	/* nothing more to say: a compromised parser cannot write lines into the
	 * daemon's log through inherited stdout and stderr */
	fflush(NULL);
	if (o->stdio_fd >= 0 &&
	    (dup2(o->stdio_fd, 0) != 0 || dup2(o->stdio_fd, 1) != 1 ||
		dup2(o->stdio_fd, 2) != 2)) {
		*err = "cannot close stdin, stdout and stderr";
		return -1;
	}
	if (load_filter() != 0) {
		*err = "seccomp filter not loaded";
		return -1;
	}
	return 0;
}
