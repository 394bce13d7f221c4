/*
 * actions.c: who may do what to an entry, and the actions themselves (release with
 * rescan, release to another address, delete), shared by the message page, the
 * bulk form and the API.
 *
 * Rules (one place):
 *  - seeing: admin and auditor everything; helpdesk entries with a recipient in its
 *    domains (web_user_may_see). An entry one may not see is "not found".
 *  - release (with rescan, to the original recipients): admin; helpdesk when it may
 *    see the entry and the rule that kept it is not release = "admin"
 *    (policy_rule_release; a rule no longer in the policy counts as "admin").
 *  - release to another address, delete, the .eml: admin only.
 *  - auditor: nothing.
 * The release is embargo-quarantine's own (q_release in milter/tools/q_release.c:
 * checks, rescan without privileges, marker, release_command, audit), with the
 * acting user "web:NAME"; its messages are returned to the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy/policy.h"
#include "tools/q.h"
#include "web/web.h"

const char *
web_may(const struct web_req *rq, const struct store_entry *e, enum web_op op)
{
	const struct web_user *u = rq->user;

	if (!web_user_may_see(u, e))
		return "no such entry";
	switch (op) {
	case WEB_OP_VIEW: return NULL;
	case WEB_OP_RELEASE:
		if (u->role == WEB_ADMIN)
			return NULL;
		if (u->role != WEB_HELPDESK)
			return "your role may not release";
		if (policy_rule_release(rq->cfg->policy, e->rule) == POLICY_RELEASE_ADMIN)
			return "only an admin may release what this rule kept";
		return NULL;
	case WEB_OP_RELEASE_TO:
	case WEB_OP_DELETE:
	case WEB_OP_DOWNLOAD:
		return u->role == WEB_ADMIN ? NULL : "only an admin may do this";
	}
	return "unknown action";
}

/* Run q_release or q_delete on C with everything they print (the rescan child's
 * verdict included: it writes to file descriptor 1) appended to MSG. The server has
 * one request thread and the main thread only waits for a signal, so nothing else
 * writes to descriptor 1 meanwhile. */
static int
run_captured(
    struct qctx *c, const struct store_entry *e, enum web_op op, struct strbuf *msg)
{
	char buf[4096];
	ssize_t n;
	int saved, tmp, rc;

	fflush(stdout);
	if ((tmp = memfd_create("embargo-web-release", MFD_CLOEXEC)) < 0)
		return Q_ERROR;
	if ((saved = dup(1)) < 0 || dup2(tmp, 1) < 0) {
		if (saved >= 0)
			close(saved);
		close(tmp);
		return Q_ERROR;
	}
	c->out = c->err = stdout;
	rc = op == WEB_OP_DELETE ? q_delete(c, e) : q_release(c, e);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	lseek(tmp, 0, SEEK_SET);
	while ((n = read(tmp, buf, sizeof(buf))) > 0 && msg->len < 65536)
		sb_add(msg, buf, (size_t)n);
	close(tmp);
	return rc;
}

/* After a refused rescan: may the reviewer's release go ahead? Only when the
 * current policy decides nothing stronger than the action the entry was reviewed
 * under, by a rule this user may release. TEXT holds "rescan: ACTION by rule R:". */
static int
rescan_allows(const struct web_req *rq, const struct store_entry *e, const char *text)
{
	const char *p = strstr(text, "rescan: ");
	char act[32], rule[80];
	enum action now, was;

	if (p == NULL ||
	    sscanf(p, "rescan: %31[a-z] by rule %79[A-Za-z0-9._-]", act, rule) < 1)
		return 0;
	if (strstr(p, " by rule ") != p + 8 + strlen(act))
		rule[0] = '\0';
	if (action_parse(act, &now) != 0 || action_parse(e->action, &was) != 0 ||
	    now > was)
		return 0;
	return rq->user->role == WEB_ADMIN ||
	    policy_rule_release(rq->cfg->policy, rule) != POLICY_RELEASE_ADMIN;
}

int
web_act(struct web_req *rq, const struct store_entry *e, enum web_op op, const char *to,
    int force, struct strbuf *msg)
{
	struct qopts o;
	struct qctx c;
	const char *why = web_may(rq, e, op);
	int rc;

	if (why != NULL) {
		sb_printf(msg, "%s: %s", e->id, why);
		return Q_REFUSED;
	}
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.rescan = 1;
	o.older = -1;
	if (to != NULL) {
		o.to = &to;
		o.nto = 1;
	}
	c.cfg = rq->cfg, c.s = rq->store, c.o = &o, c.who = rq->who;
	rc = run_captured(&c, e, op, msg);
	if (op != WEB_OP_DELETE && rc == Q_REFUSED && force &&
	    rescan_allows(rq, e, sb_str(msg))) {
		sb_adds(msg,
		    "released as reviewed: the rescan found nothing stronger than "
		    "what was reviewed\n");
		o.rescan = 0;
		rc = run_captured(&c, e, op, msg);
	}
	return rc;
}
