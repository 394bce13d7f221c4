/*
 * wcheck.c: wscan_check, the daemon's check that its scan worker can run with a
 * configuration: `embargo-worker -C -c FILE` loads the file as a worker does (YARA
 * rules compiled, libmagic's database opened) and exits. The daemon links no parser,
 * so this is how `embargo -t`, the start and a reload learn that a YARA rule does
 * not compile or that the worker program is missing.
 * Limits: the worker's output is kept up to 4 KB; the check waits for the worker
 * without a deadline of its own (it parses no message).
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "daemon/workers.h"
#include "daemon/wscan.h"

/* The worker's output (stdout and stderr) into ERR; its wait status, or -1. */
static int
run_check(const char *path, const char *cfgfile, struct strbuf *err)
{
	char *argv[] = { (char *)path, "-C", "-c", (char *)cfgfile, NULL };
	char buf[4096];
	ssize_t n;
	size_t got = 0;
	int pfd[2], status = -1;
	pid_t pid;

	if (cfgfile == NULL)
		argv[2] = NULL;
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) { /* only async-signal-safe calls until exec */
		if (dup2(pfd[1], 1) != 1 || dup2(pfd[1], 2) != 2)
			_exit(127);
		execv(path, argv);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (got < sizeof(buf))
			sb_add(err, buf,
			    (size_t)n < sizeof(buf) - got ? (size_t)n :
							    sizeof(buf) - got);
		got += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

int
wscan_check(const struct em_config *cfg, const char *cfgfile, struct strbuf *err)
{
	char path[4096];
	const char *prog = wpool_program(cfg->worker_program, path, sizeof(path));
	struct strbuf out = STRBUF_INIT;
	int status;

	if (access(prog, X_OK) != 0) {
		sb_printf(
		    err, "the scan worker %s cannot be run: %s\n", prog, strerror(errno));
		return -1;
	}
	status = run_check(prog, cfgfile, &out);
	if (status != 0)
		sb_printf(err, "the scan worker %s refused the configuration (%s %d): %s",
		    prog, WIFSIGNALED(status) ? "signal" : "exit status",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		    out.s ? sb_str(&out) : "no output\n");
	else if (out.s != NULL) /* "embargo-worker: N YARA rules" */
		sb_add(err, out.s, strcspn(out.s, "\n"));
	sb_free(&out);
	return status == 0 ? 0 : -1;
}
