/*
 * wscan.c: the daemon's pool of scan workers and a message's scan through it (see
 * wscan.h).
 */
#include <sys/mman.h>

#include <errno.h>
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

	if (cfg->scan_workers <= 0)
		return 0;
	memset(&o, 0, sizeof(o));
	o.path = wpool_program(cfg->worker_program, path, sizeof(path));
	if (access(o.path, X_OK) != 0) {
		log_msg(LOG_ERR, NULL, "scan_workers = %d but %s cannot be run: %s",
		    cfg->scan_workers, o.path, strerror(errno));
		return -1;
	}
	o.config = cfgfile;
	o.user = cfg->worker_user;
	o.n = (unsigned)cfg->scan_workers;
	o.deadline_ms = (unsigned)cfg->worker_deadline * 1000u;
	o.mem_mb = (unsigned)(cfg->worker_memory >> 20);
	if ((pool = wpool_new(&o)) == NULL)
		return -1;
	crash_dir = strdup(cfg->quarantine_dir ? cfg->quarantine_dir : "");
	log_msg(LOG_NOTICE, NULL, "scanning in %d sandboxed workers (%s)",
	    cfg->scan_workers, o.path);
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
wscan_reload(void)
{
	if (pool != NULL)
		wpool_restart(pool);
}

int
wscan_enabled(void)
{
	return pool != NULL;
}

/* The raw message in a memfd: the one copy of its bytes. */
static int
raw_memfd(struct msg *m, uint64_t *size)
{
	unsigned char buf[65536];
	uint64_t off = 0;
	size_t got;
	int fd = memfd_create("embargo-msg", MFD_CLOEXEC);

	*size = spool_size(m->m_raw);
	while (fd >= 0 && off < *size) {
		if (spool_pread(m->m_raw, off, buf, sizeof(buf), &got) != EM_OK ||
		    got == 0 || write(fd, buf, got) != (ssize_t)got) {
			close(fd);
			return -1;
		}
		off += got;
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
	if (st == EM_OK && m->m_wres.crash_part >= 0 &&
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
	struct wpool_stats ps;
	uint64_t size;
	em_status st;
	int fd, died;

	if ((fd = raw_memfd(m, &size)) < 0)
		return EM_TEMPFAIL;
	st = wpool_scan(pool, fd, size, &m->m_wres, &died);
	if (died) {
		log_death(m, fd, size, st);
	} else if (st != EM_OK) {
		wpool_stats(pool, &ps);
		log_msg(LOG_WARNING, m->m_qid,
		    "scan worker unavailable (workers died: %lu, back-offs: %lu)",
		    ps.crashed, ps.backoffs);
	}
	close(fd);
	if (st == EM_OK && m->m_wres.status != EM_OK)
		st = (em_status)m->m_wres.status;
	return st;
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

	if (m->m_wres.r == NULL)
		return msgscan_part_range(m->m_scan, part, start, end);
	if (wp_part_range(&m->m_wres, part, &s, &e) != 0 || s < m->m_body_off ||
	    e - m->m_body_off > m->m_body_size)
		return -1;
	*start = s - m->m_body_off;
	*end = e - m->m_body_off;
	return 0;
}
