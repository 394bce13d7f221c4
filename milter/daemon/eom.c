/*
 * eom.c: end of message. Finish the scan, ask the policy for one decision, carry it
 * out, and write the one summary line of the message.
 *
 * Every message gets an X-Embargo header with the version, the size and the
 * findings summary; actions.c then carries out the decision (and may do something
 * stronger: a failed quarantine store is a tempfail). The summary line names what
 * was done, the decision when it differs, and the quarantine id. A message released
 * by embargo-quarantine with a valid marker (release_pass.c) is accepted as is.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/actions.h"
#include "daemon/log.h"
#include "daemon/logjson.h"
#include "daemon/metrics.h"
#include "daemon/milter.h"
#include "daemon/mta.h"
#include "daemon/ppap.h"
#include "daemon/release_pass.h"
#include "policy/policy.h"
#include "daemon/version.h"
#include "daemon/wscan.h"

#define SUMMARY_MAX 900 /* bytes of findings in a header or log line */

/* The key=value summary line (log_format = "kv"). */
static void
log_summary_kv(const struct msg *m, const struct report *r, const struct decision *d,
    const struct action_result *res, double elapsed)
{
	struct strbuf rc = STRBUF_INIT, fs = STRBUF_INIT, from = STRBUF_INIT;
	size_t i;

	sb_init(&rc, 1024);
	for (i = 0; i < m->m_nrcpts; i++) {
		if (i)
			sb_addc(&rc, ',');
		sb_safe(&rc, m->m_rcpts[i], strlen(m->m_rcpts[i]), 256);
	}
	if (m->m_rcpts_dropped)
		sb_printf(&rc, ",+%zu", m->m_rcpts_dropped);
	sb_safe(&from, m->m_sender, strlen(m->m_sender), 256);
	report_summary(r, &fs, SUMMARY_MAX);
	log_msg(LOG_INFO, m->m_qid,
	    "from=<%s> to=<%s> size=%llu findings=%s rule=%s action=%s%s%s%s%s "
	    "quarantine=%s time=%.3fs",
	    sb_str(&from), sb_str(&rc), (unsigned long long)m->m_size, sb_str(&fs),
	    d->rule ? d->rule : "-", action_name(res->done), d->observe ? " would=" : "",
	    d->observe ? action_name(d->action) : "",
	    !d->observe && res->done != d->action ? " decided=" : "",
	    !d->observe && res->done != d->action ? action_name(d->action) : "",
	    res->qid[0] ? res->qid : "-", elapsed);
	sb_free(&rc);
	sb_free(&fs);
	sb_free(&from);
}

/* The JSON summary line (log_format = "json"), logged without the queue id prefix
 * so the whole line is one object (the queue id is inside). */
static void
log_summary_json(const struct msg *m, const struct report *r, const struct decision *d,
    const struct action_result *res, double elapsed)
{
	struct logjson_in in;
	struct strbuf sb = STRBUF_INIT;
	char msgid[LOGJSON_STR_MAX + 1];

	memset(&in, 0, sizeof(in));
	in.qid = m->m_qid;
	in.client_addr = m->m_conn_addr && *m->m_conn_addr ? m->m_conn_addr : NULL;
	in.client_name = m->m_conn_name && *m->m_conn_name ? m->m_conn_name : NULL;
	in.auth = m->m_auth;
	in.msgid = actions_message_id(m, msgid, sizeof(msgid)) == 0 ? msgid : NULL;
	in.from = m->m_sender;
	in.to = (const char *const *)m->m_rcpts;
	in.nto = m->m_nrcpts;
	in.to_dropped = m->m_rcpts_dropped;
	in.size = m->m_size;
	in.r = r;
	in.rule = d->rule;
	in.action = action_name(res->done);
	in.would = d->observe ? action_name(d->action) : NULL;
	in.decided =
	    !d->observe && res->done != d->action ? action_name(d->action) : NULL;
	in.quarantine_id = res->qid[0] ? res->qid : NULL;
	in.elapsed = elapsed;
	clock_gettime(CLOCK_REALTIME, &in.now);
	sb_init(&sb, 8192);
	logjson_summary(&in, &sb);
	log_msg(LOG_INFO, NULL, "%s", sb_str(&sb));
	sb_free(&sb);
}

/* Why a decided message was tempfailed, for the counters. */
static enum metrics_cause
tempfail_cause(const struct decision *d, const struct action_result *res)
{
	if (d->action == ACT_TEMPFAIL && !d->observe)
		return MC_RULE;
	if (res->note != NULL && strstr(res->note, "store") != NULL)
		return MC_STORE;
	if (res->note != NULL && strstr(res->note, "body") != NULL)
		return MC_BODY;
	return MC_HEADER;
}

/* The one summary line and the counters of a decided message. */
static void
log_summary(const struct msg *m, const struct report *r, const struct decision *d,
    const struct action_result *res)
{
	double elapsed = mono_now() - m->m_start;

	if (m->m_cfg->log_json)
		log_summary_json(m, r, d, res, elapsed);
	else
		log_summary_kv(m, r, d, res, elapsed);
	metrics_message(
	    res->done, d->rule, r, m->m_size, elapsed, tempfail_cause(d, res));
}

/* Remove the copies of the first N of our headers the message arrived with (last
 * first, so the indexes stay valid). */
static int
remove_forged_headers(SMFICTX *ctx, const struct msg *m, unsigned n)
{
	unsigned i, k;

	for (i = 0; i < n; i++)
		for (k = m->m_ours[i]; k > 0; k--)
			if (mta_change_header(
				ctx, m->m_qid, embargo_headers[i], (int)k, NULL) != 0)
				return -1;
	return 0;
}

static int
add_embargo_header(SMFICTX *ctx, const struct msg *m, const struct report *r)
{
	struct strbuf v = STRBUF_INIT, fs = STRBUF_INIT;
	int rc;

	report_summary(r, &fs, SUMMARY_MAX);
	sb_printf(&v, "Embargo %s; size=%llu; findings=%s", EMBARGO_VERSION,
	    (unsigned long long)m->m_size, sb_str(&fs));
	rc = v.oom ? -1 : mta_add_header(ctx, m->m_qid, "X-Embargo", sb_str(&v));
	sb_free(&v);
	sb_free(&fs);
	return rc;
}

sfsistat
eom_act(SMFICTX *ctx, struct conn *c, struct msg *m)
{
	struct action_result res;
	struct decision d;
	struct envelope env;
	sfsistat rc;
	struct report *r;
	em_status st;
	char rqid[STORE_ID_LEN + 1];
	int rp;

	st = wscan_message(m);
	if (st != EM_OK && !em_status_local(st))
		return status_reply(ctx, m->m_cfg, m->m_qid, st, "scan worker");
	r = m->m_wres.r;
	if ((rp = release_pass(ctx, m, rqid)) != 0) {
		if (rp < 0 || remove_forged_headers(ctx, m, EMBARGO_NHDRS - 1) != 0 ||
		    add_embargo_header(ctx, m, r) != 0)
			return status_reply(
			    ctx, m->m_cfg, m->m_qid, EM_TEMPFAIL, "header");
		log_msg(LOG_INFO, m->m_qid, "size=%llu action=accept release=%s",
		    (unsigned long long)m->m_size, rqid);
		metrics_message(
		    ACT_ACCEPT, NULL, r, m->m_size, mono_now() - m->m_start, MC_INTERNAL);
		return SMFIS_CONTINUE;
	}
	memset(&env, 0, sizeof(env));
	env.queue_id = m->m_qid;
	env.client_addr = c->c_addr[0] ? c->c_addr : NULL;
	env.auth_user = mta_macro(ctx, "{auth_authen}");
	env.sender = m->m_sender;
	env.rcpts = (const char *const *)m->m_rcpts;
	env.nrcpts = m->m_nrcpts;
	if (policy_decide(m->m_cfg->policy, r, &env, &d) != 0)
		return status_reply(ctx, m->m_cfg, m->m_qid, EM_TEMPFAIL, "policy");
	if (remove_forged_headers(ctx, m, EMBARGO_NHDRS) != 0 ||
	    add_embargo_header(ctx, m, r) != 0) {
		decision_clear(&d);
		return status_reply(ctx, m->m_cfg, m->m_qid, EM_TEMPFAIL, "header");
	}
	rc = actions_run(ctx, m, r, &d, &res);
	if (res.note)
		log_msg(LOG_NOTICE, m->m_qid, "%s", res.note);
	log_summary(m, r, &d, &res);
	if (d.await_password && res.done == ACT_QUARANTINE && res.qid[0])
		ppap_held(m, res.qid);
	if (res.done != ACT_TEMPFAIL)
		ppap_correlate(m, res.qid);
	decision_clear(&d);
	return rc;
}
