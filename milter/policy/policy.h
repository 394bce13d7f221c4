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

#include "core/report.h"
#include "core/strbuf.h"

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
	const char *client_addr;  /* "192.0.2.1" or NULL */
	const char *auth_user;    /* NULL when not authenticated */
	const char *sender;       /* envelope sender without <> ("" for bounces) */
	const char *const *rcpts; /* envelope recipients without <> */
	size_t nrcpts;
};

struct decision {
	enum action action;
	char *rule;    /* name of the rule that decided, or NULL (default accept) */
	int finding;   /* index of the finding that fired that rule, or -1 */
	int observe;   /* observe mode: action logged and tagged, message delivered */
	char *reply;   /* SMTP reply text for reject/quarantine-reject, or NULL */
	char *explain; /* "rule X on finding Y in part Z; ..." for logs and scan */
	/* Added by the policy work (zeroed by policy_decide and decision_clear): */
	char *subject_prefix;  /* tag: prepend to the Subject, or NULL */
	int quarantine_reject; /* quarantine: reject with reply (1) or discard (0) */
	int truncated;         /* a bound was hit while deciding (see explain) */
	unsigned char *fact;   /* per finding: the strongest action decided for it */
	int nfact;             /* entries in fact (findings considered) */
	/* quarantine by a rule with await_password, and every rule that fired at hold
	 * strength or more has it too: the message waits for a password in a later mail
	 * (state awaiting-password, daemon/ppap.c) */
	int await_password;
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
/* "reject" -> ACT_REJECT. Returns 0 or -1. */
int action_parse(const char *s, enum action *out);

/* Like policy_load, from TEXT; NAME is used in error messages. */
struct policy *policy_load_text(const char *text, const char *name, struct strbuf *err);
/* True when the policy file says observe = true. */
int policy_observe(const struct policy *p);
/* Number of rules, and a canonical text form of all rules (for tests and -t). */
size_t policy_nrules(const struct policy *p);
/* The name of rule I (0 .. policy_nrules - 1), or NULL (policy_names.c). */
const char *policy_rule_name(const struct policy *p, size_t i);
void policy_dump(const struct policy *p, struct strbuf *out);

/*
 * Who may release what a rule kept (rule key release = "admin" | "review" | "self").
 * POLICY_RELEASE_REVIEW (the default): an admin or a helpdesk user of the recipient's
 * domain; POLICY_RELEASE_ADMIN: only an admin (executables, crashed scans);
 * POLICY_RELEASE_SELF: also the recipient, from a digest link.
 */
enum policy_release {
	POLICY_RELEASE_REVIEW = 0,
	POLICY_RELEASE_ADMIN,
	POLICY_RELEASE_SELF,
};
/* The release setting of rule RULE; a rule that is not (or no longer) in P, or RULE
 * NULL or empty, gives POLICY_RELEASE_ADMIN: an unknown rule is never loosened. */
enum policy_release policy_rule_release(const struct policy *p, const char *rule);
const char *policy_release_name(enum policy_release r);

/* Case-insensitive glob with * and ?, O(len(pat) * len(s)) at worst. 1 on match. */
int policy_glob(const char *pat, const char *s);

/* The text of conf/policy.conf, compiled in ($(B)/gen/policy_default.c, made by the Makefile). */
extern const char policy_default_text[];

#define POLICY_MAX_RULES 1000 /* rules in one file */
#define POLICY_MAX_LIST  1000 /* entries in one list of a rule */
#define POLICY_MAX_RSETS 64   /* distinct recipient rule sets evaluated exactly */

#endif
