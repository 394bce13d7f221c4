/*
 * policy.h: findings + envelope + the admin's policy file -> one decision.
 *
 * Shared by the daemon and embargo-scan, so a policy tried on disk decides exactly
 * as the gateway does. The policy is immutable once loaded (part of the config
 * snapshot) and safe to read from every thread.
 */
#ifndef EMBARGO_POLICY_H
#define EMBARGO_POLICY_H

#include <stddef.h>

#include "report.h"
#include "strbuf.h"

/* Actions, weakest first: the strongest action among the matching rules wins. */
enum action {
	ACT_ACCEPT = 0,
	ACT_TAG,
	ACT_STRIP,
	ACT_HOLD,
	ACT_QUARANTINE,
	ACT_DISCARD,
	ACT_REJECT,
	ACT_TEMPFAIL,
};

struct envelope {
	const char *queue_id;
	const char *client_addr;     /* "192.0.2.1" or NULL */
	const char *client_name;
	const char *auth_user;       /* NULL when not authenticated */
	const char *sender;          /* envelope sender without <> ("" for bounces) */
	const char *const *rcpts;    /* envelope recipients without <> */
	size_t nrcpts;
};

struct decision {
	enum action action;
	char *rule;         /* name of the rule that decided, or NULL (default accept) */
	int finding;        /* index of the finding that fired that rule, or -1 */
	int observe;        /* observe mode: action logged and tagged, message delivered */
	char *reply;        /* SMTP reply text for reject/quarantine-reject, or NULL */
	char *explain;      /* "rule X on finding Y in part Z; ..." for logs and scan */
};

struct policy;

/* Load the policy file (FILE NULL: the built-in default policy, the same rules as the
 * shipped conf/policy.conf). NULL with "file:line: message" lines in ERR on failure. */
struct policy *policy_load(const char *file, struct strbuf *err);
void policy_free(struct policy *p);

/* Decide. Returns 0, or -1 when out of memory (the caller tempfails). */
int policy_decide(const struct policy *p, const struct report *r,
    const struct envelope *env, struct decision *d);
void decision_clear(struct decision *d);

const char *action_name(enum action a);

#endif
