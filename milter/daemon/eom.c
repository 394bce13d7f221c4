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

#include "daemon/actions.h"
#include "daemon/log.h"
#include "daemon/milter.h"
#include "daemon/mta.h"
#include "daemon/ppap.h"
#include "daemon/release_pass.h"
#include "policy/policy.h"
#include "daemon/version.h"
#include "daemon/wscan.h"

#define SUMMARY_MAX 900 /* bytes of findings in a header or log line */

static void
log_summary(const struct msg *m, const struct report *r, const struct decision *d,
    const struct action_result *res)
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
	    "from=<%s> to=<%s> size=%llu findings=%s rule=%s action=%s%s%s%s%s%s "
	    "quarantine=%s time=%.3fs",
	    sb_str(&from), sb_str(&rc), (unsigned long long)m->m_size, sb_str(&fs),
	    d->rule ? d->rule : "-", action_name(res->done),
	    d->observe ? " (observe: would " : "",
	    d->observe ? action_name(d->action) : "", d->observe ? ")" : "",
	    !d->observe && res->done != d->action ? " decided=" : "",
	    !d->observe && res->done != d->action ? action_name(d->action) : "",
	    res->qid[0] ? res->qid : "-", mono_now() - m->m_start);
	sb_free(&rc);
	sb_free(&fs);
	sb_free(&from);
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
		return status_reply(ctx, m->m_cfg, m->m_qid, st, "scan");
	r = m->m_wres.r;
	if ((rp = release_pass(ctx, m, rqid)) != 0) {
		if (rp < 0 || remove_forged_headers(ctx, m, EMBARGO_NHDRS - 1) != 0 ||
		    add_embargo_header(ctx, m, r) != 0)
			return status_reply(
			    ctx, m->m_cfg, m->m_qid, EM_TEMPFAIL, "header");
		log_msg(LOG_INFO, m->m_qid, "size=%llu action=accept release=%s",
		    (unsigned long long)m->m_size, rqid);
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
