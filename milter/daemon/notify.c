/*
 * notify.c: start-up and state reports to systemd (sd_notify) and to the shell.
 *
 * systemd: READY=1 once the socket listens and the configuration is installed;
 * RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a reload; STOPPING=1 at stop.
 * Without NOTIFY_SOCKET sd_notify does nothing.
 * Shell: notify_detach forks; the parent keeps the terminal and exits only when the
 * child reports over a pipe: 0 once it serves, its failure status otherwise, 1 if
 * the child dies without a word. So `embargo -c FILE; echo $?` is honest.
 * Limits: one detach per process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "daemon/notify.h"

static int report_fd = -1; /* child's end of the pipe to the waiting parent */

static void
tell_parent(unsigned char status)
{
	if (report_fd < 0)
		return;
	while (write(report_fd, &status, 1) < 0 && errno == EINTR)
		;
	close(report_fd);
	report_fd = -1;
}

int
notify_detach(void)
{
	int p[2], fd;
	unsigned char st = 1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		while (read(p[0], &st, 1) < 0 && errno == EINTR)
			;
		_exit(st);
	}
	close(p[0]);
	report_fd = p[1];
	if (setsid() < 0 || chdir("/") != 0)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

void
notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", status, (unsigned long)getpid());
	tell_parent(0);
}

void
notify_failed(int status)
{
	tell_parent((unsigned char)(status ? status : 1));
}

void
notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
		(unsigned long long)ts.tv_nsec / 1000);
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}
