/*
 * pingpong.c: what one context-switch round trip between two processes costs on
 * this machine: a byte sent over a SOCK_SEQPACKET socketpair (the worker hop's
 * channel, milter/worker/wchan.c) and sent back, ROUNDS times.
 *
 *   pingpong [ROUNDS]
 *
 * Prints one line: rtt_us=R same_cpu_us=S cross_cpu_us=X: unpinned (as the daemon and
 * its workers run), both processes on CPU 0, and on CPUs 0 and 1 (-1 with one CPU).
 * Each round trip is two switches; a message through the worker hop needs at least
 * one round trip more than in-process, so this is the floor of the hop's price.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/wait.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Microseconds per round trip, the parent on CPU A and the child on CPU B (-1: not
 * pinned); -1 on failure. */
static double
rtt(long rounds, int a, int b)
{
	struct timespec t0, t1;
	char c = 0;
	int sv[2], status;
	long i;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(sv[0]);
		pin(b);
		for (i = 0; i < rounds; i++)
			if (read(sv[1], &c, 1) != 1 || write(sv[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	pin(a);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++)
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			break;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(sv[0]);
	waitpid(pid, &status, 0);
	pin(-1);
	if (i < rounds)
		return -1;
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
	    (double)rounds / 1000;
}

int
main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 20000;
	cpu_set_t all;
	double free_, same, cross = -1;

	if (rounds < 1)
		return 2;
	sched_getaffinity(0, sizeof(all), &all);
	free_ = rtt(rounds, -1, -1);
	same = rtt(rounds, 0, 0);
	if (CPU_COUNT(&all) > 1)
		cross = rtt(rounds, 0, 1);
	/* back to every CPU the process had */
	sched_setaffinity(0, sizeof(all), &all);
	printf("rtt_us=%.1f same_cpu_us=%.1f cross_cpu_us=%.1f\n", free_, same, cross);
	return free_ < 0 ? 1 : 0;
}
