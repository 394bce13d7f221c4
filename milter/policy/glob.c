/*
 * glob.c: policy_glob, the one wildcard match of the policy language ('*' any run,
 * '?' one character, ASCII case folded), shared by policy.c, policy_decide.c and
 * embargo-quarantine. Its own file so policy.c and policy_decide.c do not call each
 * other.
 *
 * Limits: greedy with one backtrack point, linear in practice and O(n*m) at worst.
 * BUGS: no character classes, no escapes; case folding is ASCII only.
 */
#include <ctype.h>

#include "policy/policy.h"

int
policy_glob(const char *pat, const char *s)
{
	const char *star = NULL, *mark = NULL;

	/* Greedy with one backtrack point: linear in practice, O(n*m) worst case. */
	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			mark = s;
		} else if (*pat == '?' ||
		    (*pat != '\0' &&
			tolower((unsigned char)*pat) == tolower((unsigned char)*s))) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}
