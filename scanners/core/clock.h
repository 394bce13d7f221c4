/*
 * clock.h: the one monotonic clock (seconds as a double), for deadlines and time
 * taken. Not wall time: it never jumps when the system clock is set.
 */
#ifndef EMBARGO_CLOCK_H
#define EMBARGO_CLOCK_H

#include <time.h>

static inline double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
