/*
 * ppap.c: the password that arrives in a later mail (the Japanese "PPAP" habit).
 *
 * A message whose only problem is a locked archive or document is quarantined
 * with the state awaiting-password when the policy rule says await_password
 * (policy_decide sets decision.await_password; actions.c stores the state). A later
 * message from the same envelope sender to at least one of the same recipients,
 * within ppap_window seconds, brings the candidate passwords harvested from its
 * text: each held entry is rescanned with them seeded first, and the policy decides
 * again on the held message's own envelope:
 *   - still awaiting (nothing opened it): left waiting;
 *   - accept or tag: settled (event "unlocked"), then released through the store's
 *     release path (releasing, exactly once, the marker the daemon verifies) with an
 *     X-Embargo-Unlocked header naming the later mail;
 *   - anything stronger: stays quarantined with the new findings and rule (event
 *     "rescanned"). A correlation never releases what the policy would hold.
 * The window's end passes: a tick thread settles the entry as quarantined (event
 * "expired"), the policy's own action for the locked item.
 *
 * Limits: STORE_AWAIT_MAX held entries per later mail; its candidates are the scan's
 * (lim.passwords of at most PW_MAXLEN bytes, attacker text: never logged). The
 * rescan runs in the later mail's end-of-message callback, under the same limits as
 * any scan. Threads: each call opens its own store handle; the tick thread pins the
 * current config each round. BUGS: the rescan runs in the daemon's process, not in
 * a sandbox worker; a release command that fails leaves the entry quarantined
 * (release-failed in its history) for the admin to release.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/message.h"
#include "core/passwords.h"
#include "daemon/actions.h"
#include "daemon/log.h"
#include "daemon/ppap.h"
#include "daemon/wscan.h"
#include "policy/policy.h"
#include "store/store_deliver.h"

#define PPAP_WHO      "embargo-ppap"
#define PPAP_HDR_MAX  400  /* bytes of the X-Embargo-Unlocked value */
#define PPAP_RCPT_MAX 1000 /* recipients of a held entry given to the policy */

struct held {
	char id[STORE_AWAIT_MAX][STORE_ID_LEN + 1];
	size_t n;
	const char *self; /* the later mail's own entry, if it was held too */
};

static int
held_cb(void *arg, const struct store_entry *e)
{
	struct held *h = arg;

	if (h->n < STORE_AWAIT_MAX && strcmp(e->id, h->self) != 0)
		memcpy(h->id[h->n++], e->id, STORE_ID_LEN + 1);
	return h->n >= STORE_AWAIT_MAX;
}

/* The policy on the held entry's own envelope. 0 or -1. */
static int
decide(const struct em_config *cfg, const struct store_entry *e, const struct report *r,
    struct decision *d)
{
	const char **rc = calloc(PPAP_RCPT_MAX, sizeof(*rc));
	char *buf = strdup(e->rcpts), *p;
	struct envelope env;
	int ret = -1;

	memset(&env, 0, sizeof(env));
	if (rc != NULL && buf != NULL) {
		for (p = buf; *p && env.nrcpts < PPAP_RCPT_MAX;) {
			rc[env.nrcpts++] = p;
			if ((p = strchr(p, '\n')) == NULL)
				break;
			*p++ = '\0';
		}
		env.queue_id = e->queue_id;
		env.sender = e->sender;
		env.client_addr = e->client_addr[0] ? e->client_addr : NULL;
		env.auth_user = e->auth_user[0] ? e->auth_user : NULL;
		env.rcpts = rc;
		ret = policy_decide(cfg->policy, r, &env, d);
	}
	free(rc);
	free(buf);
	return ret;
}

/* The X-Embargo-Unlocked header line for the release copy. */
static void
unlocked_header(const struct msg *m, struct strbuf *h)
{
	char msgid[256];

	sb_adds(h, "X-Embargo-Unlocked: by ");
	sb_safe(h, m->m_qid, strlen(m->m_qid), 64);
	if (actions_message_id(m, msgid, sizeof(msgid)) == 0) {
		sb_adds(h, "; message-id=");
		sb_safe(h, msgid, strlen(msgid), PPAP_HDR_MAX - 100);
	}
	sb_adds(h, "; a password from that later message opened it\r\n");
}

/* Settled as unlocked: release through the store's path. Outcome into OUT. */
static void
release(struct store *s, const struct em_config *cfg, const struct msg *m,
    const struct store_entry *e, int fd, struct strbuf *out)
{
	struct strbuf h = STRBUF_INIT, err = STRBUF_INIT, det = STRBUF_INIT;
	size_t done = 0;
	int copy = -1, ok;

	unlocked_header(m, &h);
	if (h.oom ||
	    store_release_copy(
		cfg->quarantine_dir, e, PPAP_WHO, sb_str(&h), fd, &copy, &err) != 0) {
		sb_printf(
		    out, "unlocked, kept quarantined (release copy: %s)", sb_str(&err));
		goto out;
	}
	if (store_release_begin(s, e->id, PPAP_WHO, "") != 0) {
		sb_adds(out, "unlocked, kept quarantined (another release has it)");
		goto out;
	}
	ok = store_release_deliver(cfg->release_command, e, copy, &done) == 0;
	sb_printf(&det, "unlocked by %s: %s %zu recipient%s", m->m_qid,
	    ok ? "to" : "release command failed after", done, done == 1 ? "" : "s");
	if (store_release_end(s, e->id, PPAP_WHO, ok, (int64_t)done, sb_str(&det)) != 0)
		log_msg(
		    LOG_ERR, m->m_qid, "ppap: quarantine=%s: %s", e->id, store_error(s));
	sb_printf(out,
	    ok ? "unlocked, released to %zu recipient%s" :
		 "unlocked, release failed after %zu recipient%s: kept quarantined",
	    done, done == 1 ? "" : "s");
out:
	if (copy >= 0)
		close(copy);
	sb_free(&h);
	sb_free(&err);
	sb_free(&det);
}

/* Act on the new decision D for the held entry E. */
static void
settle(struct store *s, const struct em_config *cfg, const struct msg *m,
    const struct store_entry *e, int fd, const struct report *r, const struct decision *d,
    struct strbuf *out)
{
	struct strbuf fs = STRBUF_INIT, det = STRBUF_INIT;
	int rc;

	report_summary(r, &fs, 900);
	sb_printf(&det, "passwords from %s: %s by rule %s", m->m_qid,
	    action_name(d->action), d->rule ? d->rule : "-");
	if (d->action <= ACT_TAG && !d->observe) {
		rc = store_await_settle(s, e->id, PPAP_WHO, sb_str(&fs), d->rule,
		    d->explain, "unlocked", sb_str(&det));
		if (rc == 0)
			release(s, cfg, m, e, fd, out);
	} else {
		rc = store_await_settle(s, e->id, PPAP_WHO, sb_str(&fs), d->rule,
		    d->explain, "rescanned", sb_str(&det));
		if (rc == 0)
			sb_printf(out,
			    "opened, kept quarantined: %s by rule %s, findings=%s",
			    action_name(d->action), d->rule ? d->rule : "-", sb_str(&fs));
	}
	if (rc == 1)
		sb_adds(out, "no longer awaiting a password");
	else if (rc < 0)
		sb_printf(out, "not recorded: %s", store_error(s));
	sb_free(&fs);
	sb_free(&det);
}

/* Bring the candidates PW to the held entry ID; one log line for each message. */
static void
try_one(struct store *s, const struct em_config *cfg, const struct msg *m, const char *id,
    const char *const *pw, size_t npw)
{
	struct strbuf out = STRBUF_INIT;
	struct store_entry e;
	struct wp_result scan;
	struct decision d;
	int fd = -1, have_d = 0;

	memset(&scan, 0, sizeof(scan));
	if (store_get(s, id, &e) != 0)
		return;
	if ((fd = store_open_msg(s, id)) < 0 || wscan_fd(fd, pw, npw, &scan) != EM_OK ||
	    scan.r == NULL)
		sb_adds(&out, "rescan failed: left awaiting");
	else if (decide(cfg, &e, scan.r, &d) != 0)
		sb_adds(&out, "policy failed: left awaiting");
	else if ((have_d = 1) && d.await_password)
		sb_adds(&out, "still locked: left awaiting");
	else
		settle(s, cfg, m, &e, fd, scan.r, &d, &out);
	log_msg(LOG_NOTICE, m->m_qid,
	    "ppap: passwords brought to quarantine=%s (queue id %s): %s", id, e.queue_id,
	    sb_str(&out));
	log_msg(LOG_NOTICE, e.queue_id[0] ? e.queue_id : "NOQUEUE",
	    "ppap: quarantine=%s: passwords from %s: %s", id, m->m_qid, sb_str(&out));
	if (have_d)
		decision_clear(&d);
	wp_result_free(&scan);
	if (fd >= 0)
		close(fd);
	store_entry_clear(&e);
	sb_free(&out);
}

void
ppap_correlate(const struct msg *m, const char *self)
{
	const struct em_config *cfg = m->m_cfg;
	const char *pw[PPAP_PW_MAX];
	struct strbuf err = STRBUF_INIT;
	struct held h;
	struct store *s;
	size_t npw = 0, i;

	for (npw = 0; npw < PPAP_PW_MAX && npw < m->m_wres.npw; npw++)
		pw[npw] = m->m_wres.pw[npw];
	if (npw == 0 || m->m_sender == NULL || m->m_sender[0] == '\0')
		return;
	h.n = 0;
	h.self = self ? self : "";
	if ((s = store_open(cfg->quarantine_dir, 0, &err)) == NULL) {
		sb_free(&err);
		return; /* no store yet: nothing can be awaiting */
	}
	if (store_await_find(s, m->m_sender, (const char *const *)m->m_rcpts, m->m_nrcpts,
		(int64_t)time(NULL) - cfg->ppap_window, held_cb, &h) != 0)
		log_msg(LOG_WARNING, m->m_qid, "ppap: %s", store_error(s));
	for (i = 0; i < h.n; i++)
		try_one(s, cfg, m, h.id[i], pw, npw);
	store_close(s);
	sb_free(&err);
}

void
ppap_held(const struct msg *m, const char *qid)
{
	time_t until = time(NULL) + m->m_cfg->ppap_window;
	struct tm tm;
	char when[32] = "?";

	if (gmtime_r(&until, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_msg(LOG_NOTICE, m->m_qid,
	    "ppap: quarantine=%s awaiting a password in a later "
	    "mail until %s (ppap_window %ds)",
	    qid, when, m->m_cfg->ppap_window);
}
