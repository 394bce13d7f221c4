/*
 * ppap_expire.c: the window passes. A detached thread, every
 * min(ppap_window / 3, PPAP_TICK_MAX) seconds (at least 1), settles the entries
 * still awaiting a password past ppap_window as quarantined (audit event
 * "expired"), with a log line keyed by the held message's queue id. embargo-quarantine
 * does the same at every run (q_cmds.c, `ppap-expire`).
 * Limits: the window is the current configuration's (a reload applies to entries
 * already waiting). Threads: its own store handle per round; the config is pinned
 * per round. BUGS: while the daemon is stopped, nothing expires but
 * embargo-quarantine runs.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/ppap.h"
#include "store/store.h"

#define PPAP_TICK_MAX 30

static void
expired(void *arg, const char *id)
{
	struct store_entry e;

	if (store_get(arg, id, &e) != 0)
		return;
	log_msg(LOG_NOTICE, e.queue_id[0] ? e.queue_id : "NOQUEUE",
	    "ppap: quarantine=%s: "
	    "no password came within the window: quarantined by rule %s",
	    id, e.rule[0] ? e.rule : "-");
	store_entry_clear(&e);
}

/* One round; returns the seconds until the next. */
static unsigned
round_once(void)
{
	struct em_config *cfg = config_get();
	struct strbuf err = STRBUF_INIT;
	struct store *s = store_open(cfg->quarantine_dir, 0, &err);
	unsigned tick = (unsigned)cfg->ppap_window / 3;
	size_t n = 0;

	if (s != NULL &&
	    store_await_expire(s, (int64_t)time(NULL) - cfg->ppap_window, "embargo",
		expired, s, &n) != 0)
		log_msg(LOG_WARNING, NULL, "ppap expiry: %s", store_error(s));
	store_close(s);
	sb_free(&err);
	config_put(cfg);
	return tick < 1 ? 1 : tick > PPAP_TICK_MAX ? PPAP_TICK_MAX : tick;
}

static void *
ticker(void *arg)
{
	(void)arg;
	for (;;)
		sleep(round_once());
	return NULL;
}

int
ppap_expire_start(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, ticker, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}
