/*
 * warena.c: the message arena, both sides (see warena.h).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "worker/warena.h"

int
warena_new(size_t cap, int *rw, int *ro)
{
	char path[64];
	int fd = memfd_create("embargo-arena", MFD_CLOEXEC), r = -1;

	*rw = *ro = -1;
	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ftruncate(fd, (off_t)cap) != 0 ||
	    (r = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		close(fd);
		return -1;
	}
	*rw = fd;
	*ro = r;
	return 0;
}

int
warena_attach(const unsigned char **base, size_t *len)
{
	struct stat st;
	void *p;

	*base = NULL;
	*len = 0;
	if (fstat(WP_ARENA_FD, &st) != 0)
		return -1;
	p = st.st_size > 0 ?
	    mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, WP_ARENA_FD, 0) :
	    MAP_FAILED;
	close(WP_ARENA_FD);
	if (p == MAP_FAILED)
		return -1;
	*base = p;
	*len = (size_t)st.st_size;
	return 0;
}
