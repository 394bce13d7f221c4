/*
 * reply.c: what the daemon answers when it cannot scan, and the names of the headers
 * it writes. Shared by callbacks.c (failures before end of message) and eom.c, so
 * neither depends on the other.
 *
 * status_reply is the one mapping from a failure status to an SMFIS_* reply, by the
 * configured on_error mode; it logs the failure once and counts the message
 * (metrics.c: by the action answered, and a tempfail by WHERE's cause).
 * Threads: no state; the reply text goes through mta.c.
 */
#include "core/status.h"
#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/milter.h"
#include "daemon/mta.h"

const char *const embargo_headers[EMBARGO_NHDRS] = {
	"X-Embargo",
	"X-Embargo-Action",
	"X-Embargo-Findings",
	"X-Embargo-Unlocked",
};

sfsistat
status_reply(SMFICTX *ctx, const struct em_config *cfg, const char *qid, em_status st,
    const char *where)
{
	enum on_error mode = cfg != NULL ? cfg->on_error : ON_ERROR_TEMPFAIL;

	log_msg(LOG_ERR, qid, "%s: %s; on_error=%s", where, em_status_name(st),
	    config_on_error_name(mode));
	metrics_failure(mode == ON_ERROR_ACCEPT ? ACT_ACCEPT :
		mode == ON_ERROR_REJECT         ? ACT_REJECT :
						  ACT_TEMPFAIL,
	    metrics_cause_of(where));
	switch (mode) {
	case ON_ERROR_ACCEPT: return SMFIS_ACCEPT;
	case ON_ERROR_REJECT:
		mta_set_reply(ctx, qid, "550", "5.7.1", "message could not be scanned");
		return SMFIS_REJECT;
	case ON_ERROR_TEMPFAIL:
	default:
		mta_set_reply(ctx, qid, "451", "4.3.0",
		    "message could not be scanned, try again later");
		return SMFIS_TEMPFAIL;
	}
}
