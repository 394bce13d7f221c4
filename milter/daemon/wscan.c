/*
 * wscan.c: the daemon's pool of scan workers and a message's scan through it (see
 * wscan.h).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/message.h"
#include "daemon/log.h"
#include "daemon/workers.h"
#include "daemon/wscan.h"

static struct wpool *pool; /* set before the milter thread starts, then read-only */

int
wscan_start(const struct em_config *cfg, const char *cfgfile)
{
	struct wpool_opts o;
	char path[4096];

	wpool_opts_of(cfg, cfgfile, wscan_count(cfg), path, sizeof(path), &o);
	if (access(o.path, X_OK) != 0) {
		log_msg(LOG_ERR, NULL, "the scan worker %s cannot be run: %s", o.path,
		    strerror(errno));
		return -1;
	}
	if ((pool = wpool_new(&o)) == NULL)
		return -1;
	log_msg(LOG_NOTICE, NULL, "scanning in %u sandboxed workers (%s)", o.n, o.path);
	return 0;
}

void
wscan_stop(void)
{
	wpool_free(pool);
	pool = NULL;
}

void
wscan_reload(void)
{
	if (pool != NULL)
		wpool_restart(pool);
}

unsigned
wscan_count(const struct em_config *cfg)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (cfg->scan_workers > 0)
		return (unsigned)cfg->scan_workers;
	return n < 1 ? 1u : n > 256 ? 256u : (unsigned)n;
}

/* The raw message for the worker, read-only: a large message (its spool already an
 * unlinked file) is that file opened again without write access, no copy; a small one
 * (in memory) is written once into a memfd. */
static int
raw_memfd(struct msg *m, uint64_t *size)
{
	const unsigned char *data;
	char path[64];
	size_t len, off;
	ssize_t w;
	int fd, sfd = spool_fd(m->m_raw);

	*size = spool_size(m->m_raw);
	if (sfd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", sfd);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
			return fd;
	}
	if (spool_map(m->m_raw, (size_t)*size, &data, &len) != EM_OK || len != *size ||
	    (fd = memfd_create("embargo-msg", MFD_CLOEXEC)) < 0)
		return -1;
	for (off = 0; off < len; off += (size_t)w)
		if ((w = write(fd, data + off, len - off)) <= 0) {
			close(fd);
			return -1;
		}
	return fd;
}

em_status
wscan_message(struct msg *m)
{
	struct wpool_stats ps;
	uint64_t size;
	em_status st;
	int fd, died;

	if (pool == NULL || (fd = raw_memfd(m, &size)) < 0)
		return EM_TEMPFAIL;
	st = wpool_scan(pool, fd, size, &m->m_wres, &died);
	close(fd);
	if (died || st != EM_OK) {
		wpool_stats(pool, &ps);
		log_msg(LOG_WARNING, m->m_qid,
		    "scan worker %s (workers died: %lu, "
		    "back-offs: %lu)",
		    died ? "died on this message" : "unavailable", ps.crashed,
		    ps.backoffs);
	}
	if (st == EM_OK && m->m_wres.status != EM_OK)
		st = (em_status)m->m_wres.status;
	return st;
}

em_status
wscan_fd(int fd, const char *const *pw, size_t npw, struct wp_result *res)
{
	struct wp_request rq = { 0, NULL, NULL, 0 };
	struct stat st;
	int died;

	memset(res, 0, sizeof(*res));
	if (pool == NULL || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return EM_TEMPFAIL;
	rq.size = (uint64_t)st.st_size;
	rq.pw = pw;
	rq.npw = npw;
	return wpool_scan_req(pool, fd, &rq, res, &died);
}

int
msg_part_range(const struct msg *m, int part, uint64_t *start, uint64_t *end)
{
	uint64_t s, e;

	if (m->m_wres.r == NULL ||
	    wp_part_range(&m->m_wres, part, &s, &e) != 0 || s < m->m_body_off ||
	    e - m->m_body_off > m->m_body_size)
		return -1;
	*start = s - m->m_body_off;
	*end = e - m->m_body_off;
	return 0;
}
