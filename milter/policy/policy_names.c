/*
 * policy_names.c: the names of a loaded policy's rules, for the daemon's per-rule
 * counters (daemon/metrics.c). Read-only on an immutable policy: any thread.
 */
#include "policy/policy.h"
#include "policy/policy_int.h"

const char *
policy_rule_name(const struct policy *p, size_t i)
{
	return p != NULL && i < p->nrules ? p->rules[i].name : NULL;
}
