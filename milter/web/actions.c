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

/* Run q_release or q_delete for RQ's user; their report into MSG. Q_OK etc. */
int
web_act(struct web_req *rq, const struct store_entry *e, enum web_op op, const char *to,
    struct strbuf *msg)
{
	struct qopts o;
	struct qctx c;
	const char *why = web_may(rq, e, op);
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (why != NULL) {
		sb_printf(msg, "%s: %s", e->id, why);
		return Q_REFUSED;
	}
	if ((fp = open_memstream(&text, &len)) == NULL)
		return Q_ERROR;
	memset(&o, 0, sizeof(o));
	o.rescan = 1;
	o.older = -1;
	if (to != NULL) {
		o.to = &to;
		o.nto = 1;
	}
	c.cfg = rq->cfg, c.s = rq->store, c.o = &o, c.who = rq->who, c.out = fp, c.err = fp;
	if (op == WEB_OP_DELETE)
		rc = q_delete(&c, e);
	else
		rc = q_release(&c, e);
	fclose(fp);
	sb_add(msg, text ? text : "", len);
	free(text);
	return rc;
}
