/*
 * policy_int.h: the loaded policy, shared by policy.c (load, validate) and
 * policy_decide.c (matching). Not for other modules: they use policy.h.
 */
#ifndef EMBARGO_POLICY_INT_H
#define EMBARGO_POLICY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

struct plist {
	char **v;
	size_t n;
};

struct pnet {
	int family; /* AF_INET or AF_INET6 */
	unsigned char a[16];
	unsigned bits;
};

struct rule {
	char *name;
	int line;
	struct plist findings; /* globs; empty: every finding */
	int has_sev;
	enum severity min_sev;
	struct plist sender, sender_domain, rcpt, rcpt_domain, sha256;
	struct pnet *nets;
	size_t nnets;
	int auth; /* -1 any, 0 unauthenticated only, 1 authenticated only */
	enum action action;
	int has_action;
	char *reply;
	char *subject_prefix;
	int quarantine_reject;
	int await_password; /* quarantine: wait ppap_window for a later password */
	enum policy_release release; /* who may release what this rule kept */
};

struct policy {
	int observe;
	struct rule *rules;
	size_t nrules;
};

/* "admin" | "review" | "self" -> *OUT; 0 or -1 (policy_release.c). */
int policy_release_parse(const char *s, enum policy_release *out);

/* True when the rule has a recipient or recipient-domain condition. */
int policy_rule_per_rcpt(const struct rule *ru);

#endif
