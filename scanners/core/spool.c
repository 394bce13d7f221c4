/*
 * spool.c: memory-then-file spooling of decoded bytes (see spool.h).
 *
 * The temp file is unlinked as soon as it is created, so nothing named after
 * message content ever exists on disk and a crash leaves nothing behind. The
 * SHA-256 is computed as bytes arrive (policy allow-lists by digest), unless the
 * owner said it needs none (spool_unhashed: the raw message kept for the
 * quarantine). The SHA-256 implementation is fetched from OpenSSL once: an
 * implicit fetch on every EVP_DigestInit_ex takes a process-wide lock.
 * Writes to the file go through a SPOOL_WBUF buffer (flushed before a map or a
 * read), so decoders that hand over a byte or a line at a time cost one write(2)
 * per 64 KiB, not one per call.
 */
#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/spool.h"

#define SPOOL_WBUF (64u * 1024)

struct spool {
	unsigned char *mem;
	size_t memlen, memcap, mem_max;
	int fd; /* -1 while in memory */
	uint64_t size;
	const char *tmpdir;
	void *map; /* current mmap view, or NULL */
	size_t maplen;
	EVP_MD_CTX *md;
	unsigned char *wbuf; /* file mode: bytes not yet written */
	size_t wlen;
};

static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

struct spool *
spool_new(size_t mem_max, const char *tmpdir)
{
	struct spool *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->fd = -1;
	s->mem_max = mem_max;
	s->tmpdir = tmpdir;
	pthread_once(&sha256_once, sha256_fetch);
	s->md = EVP_MD_CTX_new();
	if (sha256_md == NULL || s->md == NULL ||
	    EVP_DigestInit_ex2(s->md, sha256_md, NULL) != 1) {
		spool_free(s);
		return NULL;
	}
	return s;
}

void
spool_unhashed(struct spool *s)
{
	EVP_MD_CTX_free(s->md);
	s->md = NULL;
}

static void
spool_unmap(struct spool *s)
{
	if (s->map != NULL)
		munmap(s->map, s->maplen);
	s->map = NULL;
	s->maplen = 0;
}

void
spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	spool_unmap(s);
	if (s->fd >= 0)
		close(s->fd);
	free(s->mem);
	free(s->wbuf);
	EVP_MD_CTX_free(s->md);
	free(s);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static em_status
spool_to_file(struct spool *s)
{
	const char *dir = s->tmpdir;
	char path[4096];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/embargo-spool.XXXXXX", dir) >=
	    sizeof(path))
		return EM_TEMPFAIL;
	if (s->wbuf == NULL && (s->wbuf = malloc(SPOOL_WBUF)) == NULL)
		return EM_TEMPFAIL;
	if (strcmp(dir, SPOOL_MEMFD) == 0) {
		fd = memfd_create("embargo-spool", MFD_CLOEXEC); /* sandboxed worker */
	} else {
		fd = mkstemp(path);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0)
		return EM_TEMPFAIL;
	if (s->memlen > 0 && write_all(fd, s->mem, s->memlen) != 0) {
		close(fd);
		return EM_TEMPFAIL;
	}
	s->fd = fd;
	free(s->mem);
	s->mem = NULL;
	s->memlen = s->memcap = 0;
	return EM_OK;
}

static em_status
spool_flush(struct spool *s)
{
	int rc = 0;

	if (s->fd >= 0 && s->wlen > 0)
		rc = write_all(s->fd, s->wbuf, s->wlen);
	s->wlen = 0;
	return rc == 0 ? EM_OK : EM_TEMPFAIL;
}

/* File mode: gather small writes in wbuf. */
static em_status
spool_append(struct spool *s, const void *p, size_t n)
{
	if (s->wlen + n > SPOOL_WBUF && spool_flush(s) != EM_OK)
		return EM_TEMPFAIL;
	if (n >= SPOOL_WBUF)
		return write_all(s->fd, p, n) == 0 ? EM_OK : EM_TEMPFAIL;
	memcpy(s->wbuf + s->wlen, p, n);
	s->wlen += n;
	return EM_OK;
}

em_status
spool_write(struct spool *s, const void *p, size_t n)
{
	em_status st;

	if (n == 0)
		return EM_OK;
	spool_unmap(s);
	if (s->md != NULL && EVP_DigestUpdate(s->md, p, n) != 1)
		return EM_TEMPFAIL;
	if (s->fd < 0 && s->memlen + n > s->mem_max) {
		if ((st = spool_to_file(s)) != EM_OK)
			return st;
	}
	if (s->fd >= 0) {
		if (spool_append(s, p, n) != EM_OK)
			return EM_TEMPFAIL;
	} else {
		if (s->memlen + n > s->memcap) {
			size_t ncap = s->memcap ? s->memcap : 4096;
			unsigned char *nm;

			while (ncap < s->memlen + n)
				ncap *= 2;
			if (ncap > s->mem_max)
				ncap = s->mem_max;
			nm = realloc(s->mem, ncap);
			if (nm == NULL)
				return EM_TEMPFAIL;
			s->mem = nm;
			s->memcap = ncap;
		}
		memcpy(s->mem + s->memlen, p, n);
		s->memlen += n;
	}
	s->size += n;
	return EM_OK;
}

uint64_t
spool_size(const struct spool *s)
{
	return s->size;
}

em_status
spool_map(struct spool *s, size_t max, const unsigned char **data, size_t *len)
{
	size_t want = s->size < max ? (size_t)s->size : max;

	if (s->fd < 0 || want == 0) {
		*data = s->mem != NULL ? s->mem : (const unsigned char *)"";
		*len = s->fd < 0 ? (s->memlen < max ? s->memlen : max) : 0;
		return EM_OK;
	}
	if (spool_flush(s) != EM_OK)
		return EM_TEMPFAIL;
	if (s->map == NULL || s->maplen != want) {
		spool_unmap(s);
		s->map = mmap(NULL, want, PROT_READ, MAP_PRIVATE, s->fd, 0);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
			return EM_TEMPFAIL;
		}
		s->maplen = want;
	}
	*data = s->map;
	*len = want;
	return EM_OK;
}

int
spool_fd(struct spool *s)
{
	if (s->fd < 0 || spool_flush(s) != EM_OK)
		return -1;
	return s->fd;
}

em_status
spool_pread(struct spool *s, uint64_t off, void *buf, size_t n, size_t *got)
{
	ssize_t r;

	*got = 0;
	if (off >= s->size || n == 0)
		return EM_OK;
	if (n > s->size - off)
		n = (size_t)(s->size - off);
	if (s->fd < 0) {
		memcpy(buf, s->mem + off, n);
		*got = n;
		return EM_OK;
	}
	if (spool_flush(s) != EM_OK)
		return EM_TEMPFAIL;
	do
		r = pread(s->fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return EM_TEMPFAIL;
	*got = (size_t)r;
	return EM_OK;
}

void
spool_sha256(struct spool *s, char hex[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	hex[0] = '\0';
	if (s->md == NULL) { /* kept without a digest (spool_unhashed) */
		EVP_MD_CTX_free(c);
		return;
	}
	/* a digest that could not be computed is never "" quietly: loops and repeats
	 * are found by comparing digests (archive.c) */
	if (c != NULL && EVP_MD_CTX_copy_ex(c, s->md) == 1 &&
	    EVP_DigestFinal_ex(c, d, &dl) == 1)
		for (i = 0; i < dl && i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", d[i]);
	else
		em_oom_note();
	EVP_MD_CTX_free(c);
}
