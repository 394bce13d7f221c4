/*
 * page_metrics.c: GET /metrics, Prometheus text: the daemon's counters, read from
 * its control socket (control_socket; daemon/control.h), then the quarantine's
 * entries and bytes by state from the store, and embargo_daemon_up (0 when the
 * daemon could not be asked: the store part is still served).
 *
 * Who may read it, without signing in: anyone on the metrics_listen listener, and
 * anyone on the main listener when web_listen is a loopback address; on any other
 * main listener /metrics is 404, as if it did not exist.
 * Limits: the daemon is asked within CTL_CLIENT_TIMEOUT_MS, in the one serving thread
 * (a hung daemon delays the console that long).
 */
#include <stdio.h>
#include <string.h>

#include "metrics/ctl_client.h"
#include "metrics/prom.h"
#include "web/web.h"

static void
store_part(struct web_req *rq, struct web_resp *rs)
{
	struct store_state_count v[STORE_STATS_MAX];
	size_t i, n = 0;
	int ok = store_state_counts(rq->store, v, STORE_STATS_MAX, &n) == 0;

	prom_head(&rs->body, "embargo_quarantine_store_up", "gauge",
	    "1 when the quarantine index answered this scrape.");
	prom_u64(&rs->body, "embargo_quarantine_store_up", NULL, NULL, (uint64_t)ok);
	prom_head(&rs->body, "embargo_quarantine_entries", "gauge",
	    "Quarantine entries by state.");
	for (i = 0; ok && i < n; i++)
		prom_u64(&rs->body, "embargo_quarantine_entries", "state", v[i].state,
		    v[i].count);
	prom_head(&rs->body, "embargo_quarantine_bytes", "gauge",
	    "Bytes of the quarantined messages by state (their size when received).");
	for (i = 0; ok && i < n; i++)
		prom_u64(&rs->body, "embargo_quarantine_bytes", "state", v[i].state,
		    v[i].bytes);
}

int
page_metrics(struct web_req *rq, struct web_resp *rs)
{
	struct strbuf daemon = STRBUF_INIT, err = STRBUF_INIT;
	int up;

	if (!rq->via_metrics && !rq->srv->loopback)
		return web_error(rq, rs, 404, "No such page.");
	sb_init(&daemon, CTL_CLIENT_MAX + 1);
	up = ctl_fetch(rq->cfg->control_socket, "stats", &daemon, &err) == 0;
	rs->ctype = PROM_CONTENT_TYPE;
	prom_head(&rs->body, "embargo_daemon_up", "gauge",
	    "1 when the embargo daemon answered on its control socket.");
	prom_u64(&rs->body, "embargo_daemon_up", NULL, NULL, (uint64_t)up);
	if (up)
		sb_add(&rs->body, sb_str(&daemon), daemon.len);
	store_part(rq, rs);
	sb_free(&daemon);
	sb_free(&err);
	return rs->body.oom ? -1 : 0;
}
