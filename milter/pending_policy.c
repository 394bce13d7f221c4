/* PLACEHOLDER until policy.c lands (the policy work owns it; delete this file then).
 * It reads nothing and decides "accept" for every message. */
#include <stdlib.h>
#include <string.h>
#include "policy.h"

struct policy { int unused; };

struct policy *
policy_load(const char *file, struct strbuf *err)
{
	(void)file; (void)err;
	return calloc(1, sizeof(struct policy));
}

void policy_free(struct policy *p) { free(p); }

int
policy_decide(const struct policy *p, const struct report *r, const struct envelope *env,
    struct decision *d)
{
	(void)p; (void)r; (void)env;
	memset(d, 0, sizeof(*d));
	d->finding = -1;
	return 0;
}

void decision_clear(struct decision *d) { free(d->rule); free(d->reply); free(d->explain); memset(d, 0, sizeof(*d)); d->finding = -1; }

const char *
action_name(enum action a)
{
	static const char *const n[] = { "accept", "tag", "strip", "hold", "quarantine",
	    "discard", "reject", "tempfail" };
	return (unsigned)a <= ACT_TEMPFAIL ? n[a] : "?";
}
