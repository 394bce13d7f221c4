/*
 * wprogress.c: the worker's side of the progress page (see wprogress.h): the part
 * being analysed, and the extraction of one part for the daemon's crashes/ folder.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/progress.h"
#include "core/scan.h"
#include "worker/wchan.h"
#include "worker/wprogress.h"

static struct wp_progress *page;
static int chan = -1;
void (*wprog_test_hook)(const struct scan_input *in);

/* The bytes of IN (at most WP_PART_MAX) to the daemon as WP_PART; then exit. */
static void
extract(const struct scan_input *in)
{
	unsigned char buf[65536], sz[8];
	uint64_t off = 0, size = in->size < WP_PART_MAX ? in->size : WP_PART_MAX;
	size_t got;
	int fd = memfd_create("embargo-part", MFD_CLOEXEC), i;

	while (fd >= 0 && off < size) {
		if (spool_pread(in->sp, off, buf,
			size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf),
			&got) != EM_OK ||
		    got == 0 || write(fd, buf, got) != (ssize_t)got)
			_exit(3);
		off += got;
	}
	for (i = 0; i < 8; i++)
		sz[i] = (unsigned char)(off >> (8 * i));
	_exit(fd >= 0 && wc_send(chan, WP_PART, sz, 8, fd) == 0 ? 0 : 3);
}

static void
on_part(const struct scan_input *in)
{
	page->part = in->part;
	if (page->want >= 0 && page->want == in->part)
		extract(in);
	if (wprog_test_hook != NULL)
		wprog_test_hook(in);
}

/* Mapped but not resident now (libraries, rules, reserved arenas), in KiB. */
static int32_t
gap_kb(void)
{
	unsigned long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	long pg = sysconf(_SC_PAGESIZE);

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2 || size < res || pg <= 0)
		size = res = 0;
	fclose(f);
	return (int32_t)((size - res) * (unsigned long)(pg / 1024));
}

int
wprog_attach(void)
{
	struct stat st;
	void *p;

	if (fstat(WP_PROGRESS_FD, &st) != 0 || st.st_size < WP_PROGRESS_SIZE)
		return -1;
	p = mmap(NULL, WP_PROGRESS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    WP_PROGRESS_FD, 0);
	close(WP_PROGRESS_FD);
	if (p == MAP_FAILED)
		return -1;
	page = p;
	page->gap_kb = gap_kb();
	scan_progress_hook = on_part;
	return 0;
}

void
wprog_begin(int sock, int lane)
{
	struct timespec ts;

	chan = sock;
	if (page == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	page->begin_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	page->part = 0;
	page->lane = lane;
}

void
wprog_end(void)
{
	if (page != NULL)
		page->lane = -1;
}
