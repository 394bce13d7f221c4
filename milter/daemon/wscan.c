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
#include "daemon/wcrash.h"
#include "daemon/workers.h"
#include "daemon/wscan.h"

static struct wpool *pool; /* set before the milter thread starts, then read-only */
static char *crash_dir;    /* quarantine_dir at start: crashes/ goes there */

int
wscan_start(const struct em_config *cfg, const char *cfgfile)
{
	struct wpool_opts o;
	char path[4096];

	wpool_opts_of(cfg, cfgfile, wscan_count(cfg), path, sizeof(path), &o);
	o.arena_bytes =
	    (size_t)cfg->scan.lim.spool_memory; /* what m_raw keeps in memory */
	if (access(o.path, X_OK) != 0) {
		log_msg(LOG_ERR, NULL, "the scan worker %s cannot be run: %s", o.path,
		    strerror(errno));
		return -1;
	}
	if ((pool = wpool_new(&o)) == NULL)
		return -1;
	crash_dir = strdup(cfg->quarantine_dir ? cfg->quarantine_dir : "");
	log_msg(LOG_NOTICE, NULL, "scanning in %u sandboxed workers (%s)", o.n, o.path);
	return 0;
}

void
wscan_stop(void)
{
	wpool_free(pool);
	pool = NULL;
	free(crash_dir);
	crash_dir = NULL;
}

void
wscan_reload(const struct em_config *cfg, const char *cfgfile)
{
	struct wpool_opts o;
	char path[4096];

	if (pool == NULL)
		return;
	wpool_opts_of(cfg, cfgfile, wscan_count(cfg), path, sizeof(path), &o);
	if (wpool_set_opts(pool, &o) != 0)
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

/* The raw message as a descriptor, read-only for the worker: a large message (its
 * spool already an unlinked file) is that file opened again without write access,
 * no copy; a small one (in memory) is written into a memfd. */
static int
raw_fd(struct msg *m, uint64_t *size)
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

/* One line per dead worker: the queue id, the part, signal and cause (the
 * scan.crashed detail) and the copy kept under crashes/. */
static void
log_death(struct msg *m, int fd, uint64_t size, em_status st)
{
	const struct report *r = m->m_wres.r;
	const char *detail = "no verdict (tempfail)", *why = "no scan.crashed verdict";
	struct wpool_stats ps;
	char hex[65] = "";
	int i;

	for (i = 0; st == EM_OK && r != NULL && i < report_nfindings(r); i++)
		if (strcmp(report_finding(r, i)->name, "scan.crashed") == 0)
			detail = report_finding(r, i)->detail;
	/* a worker killed from outside (an admin, a test) says nothing about the input */
	if (st == EM_OK && fd >= 0 && m->m_wres.crash_part >= 0 &&
	    strstr(detail, "cause: killed") == NULL)
		wcrash_keep(pool, crash_dir, fd, size, m->m_wres.crash_part, hex, &why);
	wpool_stats(pool, &ps);
	log_msg(LOG_WARNING, m->m_qid,
	    "scan worker died on this message: %s; copy: %s%s%s (workers died: %lu, "
	    "back-offs: %lu)",
	    detail, hex[0] ? "crashes/" : why, hex, hex[0] ? ".bin" : "", ps.crashed,
	    ps.backoffs);
}

em_status
wscan_message(struct msg *m)
{
	const unsigned char *data;
	struct wpool_stats ps;
	uint64_t size = spool_size(m->m_raw);
	size_t len;
	em_status st;
	int fd = -1, died;

	if (pool == NULL)
		return EM_TEMPFAIL;
	/* in memory: copied once into the worker's arena; on disk: the file itself */
	if (spool_fd(m->m_raw) < 0 &&
	    spool_map(m->m_raw, (size_t)size, &data, &len) == EM_OK && len == size)
		st = wpool_scan_mem(pool, data, len, &m->m_wres, &died);
	else if ((fd = raw_fd(m, &size)) >= 0)
		st = wpool_scan(pool, fd, size, &m->m_wres, &died);
	else
		return EM_TEMPFAIL;
	if (died) {
		if (fd < 0) /* the copy for crashes/ */
			fd = raw_fd(m, &size);
		log_death(m, fd, size, st);
	} else if (st != EM_OK) {
		wpool_stats(pool, &ps);
		log_msg(LOG_WARNING, m->m_qid,
		    "scan worker unavailable (workers died: %lu, back-offs: %lu)",
		    ps.crashed, ps.backoffs);
	}
	if (fd >= 0)
		close(fd);
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
wscan_stats(struct wpool_stats *out)
{
	if (pool == NULL)
		return -1;
	wpool_stats(pool, out);
	return 0;
}

int
msg_part_range(const struct msg *m, int part, uint64_t *start, uint64_t *end)
{
	uint64_t s, e;

	if (m->m_wres.r == NULL || wp_part_range(&m->m_wres, part, &s, &e) != 0 ||
	    s < m->m_body_off || e - m->m_body_off > m->m_body_size)
		return -1;
	*start = s - m->m_body_off;
	*end = e - m->m_body_off;
	return 0;
}
