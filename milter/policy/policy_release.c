/*
 * policy_release.c: the rule key release = "admin" | "review" | "self" and its
 * accessor for the front ends (embargo-web, the digest), see policy.h.
 *
 * Promises: a rule name not found in the loaded policy (renamed since the message was
 * kept, or NULL) gives the strictest answer, POLICY_RELEASE_ADMIN.
 * Limits: a linear search over the rules (at most POLICY_MAX_RULES).
 */
#include <string.h>

#include "policy/policy_int.h"

static const char *const release_names[] = { "review", "admin", "self" };

int
policy_release_parse(const char *s, enum policy_release *out)
{
	unsigned i;

	for (i = 0; i < sizeof(release_names) / sizeof(release_names[0]); i++)
		if (strcmp(s, release_names[i]) == 0) {
			*out = (enum policy_release)i;
			return 0;
		}
	return -1;
}

const char *
policy_release_name(enum policy_release r)
{
	return (unsigned)r < sizeof(release_names) / sizeof(release_names[0]) ?
	    release_names[r] :
	    "?";
}

enum policy_release
policy_rule_release(const struct policy *p, const char *rule)
{
	size_t i;

	if (p == NULL || rule == NULL || rule[0] == '\0')
		return POLICY_RELEASE_ADMIN;
	for (i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].name, rule) == 0)
			return p->rules[i].release;
	return POLICY_RELEASE_ADMIN;
}
