/*
 * wcrash.c: keep the input that killed a worker under crashes/ (see wcrash.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/wcrash.h"
#include "worker/wprogress.h"

/* Whether the folder DIR (open) has room for N more bytes. */
static int
room(const char *dir, uint64_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	uint64_t bytes = n;
	unsigned files = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		files++;
		bytes += (uint64_t)st.st_size;
	}
	closedir(d);
	return files < WCRASH_MAX_FILES && bytes <= WCRASH_MAX_BYTES;
}

static int
sha256_hex(const unsigned char *p, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0, i;

	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return -1;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* Write N bytes of P to DIR/HEX.bin: 0600, synced, renamed into place. */
static const char *
store(const char *dir, const char *hex, const unsigned char *p, size_t n)
{
	char tmp[4200], dst[4200];
	size_t off = 0;
	ssize_t w = 0;
	int fd, bad;

	snprintf(dst, sizeof(dst), "%s/%s.bin", dir, hex);
	if (access(dst, F_OK) == 0)
		return NULL; /* the same input already kept */
	if (!room(dir, n))
		return "crashes/ is full";
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, hex);
	if ((fd = open(
		 tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return strerror(errno);
	while (off < n && (w = write(fd, p + off, n - off)) > 0)
		off += (size_t)w;
	bad = off != n || fsync(fd) != 0;
	if (close(fd) != 0 || bad || rename(tmp, dst) != 0) {
		unlink(tmp);
		return "cannot write the copy";
	}
	return NULL;
}

/* The part's bytes from the (dead) worker's memfd, read, not mapped: at most
 * WP_PART_MAX. NULL when not readable. */
static unsigned char *
slurp(int fd, size_t *n)
{
	struct stat st;
	unsigned char *b;
	size_t off = 0;
	ssize_t r = 1;

	if (fstat(fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > WP_PART_MAX ||
	    (b = malloc((size_t)st.st_size + 1)) == NULL)
		return NULL;
	while (off < (size_t)st.st_size &&
	    (r = pread(fd, b + off, (size_t)st.st_size - off, (off_t)off)) > 0)
		off += (size_t)r;
	if (off != (size_t)st.st_size) {
		free(b);
		return NULL;
	}
	*n = off;
	return b;
}

void
wcrash_keep(struct wpool *p, const char *qdir, int fd, uint64_t size, int part,
    char hex[65], const char **why)
{
	char dir[4096];
	unsigned char *b = NULL;
	size_t n = 0;
	int pfd = -1;

	hex[0] = '\0';
	*why = NULL;
	if (qdir == NULL || *qdir == '\0' ||
	    snprintf(dir, sizeof(dir), "%s/crashes", qdir) >= (int)sizeof(dir))
		*why = "no quarantine_dir";
	else if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		*why = "cannot make crashes/";
	else if (wpool_extract(p, fd, size, part, &pfd) != 0 ||
	    (b = slurp(pfd, &n)) == NULL)
		*why = "the part could not be extracted again";
	else if (sha256_hex(b, n, hex) != 0)
		*why = "sha256 failed";
	else
		*why = store(dir, hex, b, n);
	if (*why != NULL)
		hex[0] = '\0';
	free(b);
	if (pfd >= 0)
		close(pfd);
}
