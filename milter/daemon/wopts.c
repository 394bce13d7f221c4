/*
 * wopts.c: wpool_opts_of, the worker pool options a configuration asks for: one
 * place for the daemon's pool (wscan.c), embargo-scan's and embargo-quarantine's
 * rescans (q_cmds.c), so that every scan runs in the same locked-down worker
 * (worker_program, worker_user, worker_memory, worker_deadline), with the same
 * back-off (worker_backoff_deaths, worker_backoff_seconds).
 */
#include <string.h>

#include "daemon/config.h"
#include "daemon/workers.h"

void
wpool_opts_of(const struct em_config *cfg, const char *cfgfile, unsigned n, char *path,
    size_t pathlen, struct wpool_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->path = wpool_program(cfg->worker_program, path, pathlen);
	o->config = cfgfile;
	o->user = cfg->worker_user;
	o->n = n;
	o->deadline_ms = (unsigned)cfg->worker_deadline * 1000u;
	o->mem_mb = (unsigned)(cfg->worker_memory >> 20);
	o->backoff_deaths = (unsigned)cfg->worker_backoff_deaths;
	o->backoff_seconds = (unsigned)cfg->worker_backoff_seconds;
	o->max_use = (unsigned)cfg->worker_max_use;
}
