/*
 * policy.c: load and validate the policy file (libconfig) into an immutable struct
 * policy; the built-in default is conf/policy.conf compiled in ($(B)/gen/policy_default.c, made by the Makefile).
 * Matching and the decision are in policy_decide.c; doc/policy.md explains the file.
 *
 * Every key is checked: unknown keys, wrong types, unknown actions or severities,
 * finding globs that match nothing in the vocabulary, bad networks and bad replies
 * are errors with file:line. Limits: POLICY_MAX_RULES rules, POLICY_MAX_LIST entries
 * per list, strings as libconfig gives them (copied, libconfig is then destroyed).
 * Threads: load on one thread; the result is read-only afterwards.
 * BUGS: sender and recipient globs compare the address as the MTA gave it (no
 * canonicalisation of quoting, case in the local part or subaddresses).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <libconfig.h>

#include "policy/policy_int.h"
#include "core/vocab.h"

static const char *const action_names[] = { "accept", "tag", "strip", "hold",
	"quarantine", "discard", "reject", "tempfail" };

const char *
action_name(enum action a)
{
	return (unsigned)a <= ACT_TEMPFAIL ? action_names[a] : "?";
}

int
action_parse(const char *s, enum action *out)
{
	unsigned i;

	for (i = 0; i <= ACT_TEMPFAIL; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum action)i;
			return 0;
		}
	return -1;
}

static void perr(struct strbuf *err, const char *file, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
perr(
    struct strbuf *err, const char *file, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	sb_printf(err, "%s:%d: ", file, s ? (int)config_setting_source_line(s) : 0);
	va_start(ap, fmt);
	sb_vprintf(err, fmt, ap);
	va_end(ap);
	sb_addc(err, '\n');
}

static void
plist_free(struct plist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
rule_free(struct rule *ru)
{
	free(ru->name);
	plist_free(&ru->findings);
	plist_free(&ru->sender);
	plist_free(&ru->sender_domain);
	plist_free(&ru->rcpt);
	plist_free(&ru->rcpt_domain);
	plist_free(&ru->sha256);
	free(ru->nets);
	free(ru->reply);
	free(ru->subject_prefix);
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p);
}

/* A string or a list of strings -> L. Returns 0, or -1 with *why set. */
static int
get_list(const config_setting_t *s, struct plist *l, const char **why)
{
	int i, n, one = config_setting_type(s) == CONFIG_TYPE_STRING;

	if (!one && config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return *why = "must be a string or a list of strings", -1;
	n = one ? 1 : config_setting_length(s);
	if (n > POLICY_MAX_LIST)
		return *why = "list too long", -1;
	if (n == 0)
		return *why = "empty list", -1;
	if ((l->v = calloc((size_t)n, sizeof(char *))) == NULL)
		return *why = "out of memory", -1;
	for (i = 0; i < n; i++) {
		const config_setting_t *e =
		    one ? s : config_setting_get_elem(s, (unsigned)i);
		const char *v = e ? config_setting_get_string(e) : NULL;

		if (v == NULL)
			return *why = "list entries must be strings", -1;
		if ((l->v[l->n] = strdup(v)) == NULL)
			return *why = "out of memory", -1;
		l->n++;
	}
	return 0;
}

/* A finding glob must name something the scanners can emit (typo catcher). */
static int
finding_glob_known(const char *g)
{
	const struct vocab_entry *v;
	size_t i, n;

	if (strncasecmp(g, "yara.", 5) == 0)
		return 1;
	v = vocab_all(&n);
	for (i = 0; i < n; i++)
		if (policy_glob(g, v[i].name))
			return 1;
	return 0;
}

static int
parse_net(const char *s, struct pnet *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long bits;
	unsigned max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->a) == 1)
		out->family = AF_INET, max = 32;
	else if (inet_pton(AF_INET6, buf, out->a) == 1)
		out->family = AF_INET6, max = 128;
	else
		return -1;
	out->bits = max;
	if (slash != NULL) {
		if (!isdigit((unsigned char)*slash))
			return -1;
		bits = strtoul(slash, &end, 10);
		if (*end != '\0' || bits > max)
			return -1;
		out->bits = (unsigned)bits;
	}
	return 0;
}

/* "550 5.7.1 text", "550 text" or "text": code class must fit the action. */
static const char *
check_reply(const char *r, enum action a)
{
	const unsigned char *p;

	for (p = (const unsigned char *)r; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '%')
			return "reply must be printable ASCII without '%'";
	if (strlen(r) > 400)
		return "reply longer than 400 characters";
	if (isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
	    isdigit((unsigned char)r[2]) && (r[3] == ' ' || r[3] == '\0')) {
		if (a == ACT_TEMPFAIL && r[0] != '4')
			return "a tempfail reply must be a 4xx code";
		if (a != ACT_TEMPFAIL && r[0] != '5')
			return "a reject reply must be a 5xx code";
	}
	return NULL;
}

static int
rule_lists(struct rule *ru, const char *name, const config_setting_t *s, const char **why)
{
	static const struct {
		const char *key;
		size_t off;
	} lists[] = {
		{ "findings", offsetof(struct rule, findings) },
		{ "sender", offsetof(struct rule, sender) },
		{ "sender_domain", offsetof(struct rule, sender_domain) },
		{ "recipient", offsetof(struct rule, rcpt) },
		{ "recipient_domain", offsetof(struct rule, rcpt_domain) },
		{ "sha256", offsetof(struct rule, sha256) },
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strcmp(name, lists[i].key) == 0)
			return get_list(
			    s, (struct plist *)((char *)ru + lists[i].off), why);
	return 1; /* not a list key */
}

static int
rule_nets(struct rule *ru, const config_setting_t *s, const char **why)
{
	struct plist l = { NULL, 0 };
	size_t i;
	int rc = -1;

	if (get_list(s, &l, why) != 0)
		goto out;
	if ((ru->nets = calloc(l.n, sizeof(*ru->nets))) == NULL) {
		*why = "out of memory";
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		if (parse_net(l.v[i], &ru->nets[i]) != 0) {
			*why =
			    "not an address or network (\"192.0.2.0/24\", \"2001:db8::/32\")";
			goto out;
		}
		ru->nnets++;
	}
	rc = 0;
out:
	plist_free(&l);
	return rc;
}

static int
rule_string(const config_setting_t *s, char **out, const char **why)
{
	const char *v = config_setting_get_string(s);

	if (v == NULL)
		return *why = "must be a string", -1;
	free(*out);
	if ((*out = strdup(v)) == NULL)
		return *why = "out of memory", -1;
	return 0;
}

/* One key of a rule. Returns 0, or -1 with *why set. */
static int
rule_key(struct rule *ru, const config_setting_t *s, const char **why)
{
	const char *name = config_setting_name(s), *v;
	int rc;

	if ((rc = rule_lists(ru, name, s, why)) <= 0)
		return rc;
	if (strcmp(name, "client") == 0)
		return rule_nets(ru, s, why);
	if (strcmp(name, "authenticated") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return *why = "must be true or false", -1;
		ru->auth = config_setting_get_bool(s) ? 1 : 0;
		return 0;
	}
	if (strcmp(name, "await_password") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return *why = "must be true or false", -1;
		ru->await_password = config_setting_get_bool(s);
		return 0;
	}
	if (strcmp(name, "name") == 0)
		return rule_string(s, &ru->name, why);
	if (strcmp(name, "reply") == 0)
		return rule_string(s, &ru->reply, why);
	if (strcmp(name, "subject_prefix") == 0)
		return rule_string(s, &ru->subject_prefix, why);
	v = config_setting_get_string(s);
	if (strcmp(name, "action") == 0) {
		if (v == NULL || action_parse(v, &ru->action) != 0)
			return *why = "action must be one of accept, tag, strip, hold, "
				      "quarantine, discard, reject, tempfail",
			       -1;
		ru->has_action = 1;
		return 0;
	}
	if (strcmp(name, "severity") == 0) {
		if (v == NULL || severity_parse(v, &ru->min_sev) != 0)
			return *why =
				   "severity must be info, low, medium, high or critical",
			       -1;
		ru->has_sev = 1;
		return 0;
	}
	if (strcmp(name, "release") == 0) {
		if (v == NULL || policy_release_parse(v, &ru->release) != 0)
			return *why = "release must be \"admin\", \"review\" or \"self\"",
			       -1;
		return 0;
	}
	if (strcmp(name, "quarantine") == 0) {
		if (v == NULL || (strcmp(v, "discard") != 0 && strcmp(v, "reject") != 0))
			return *why = "quarantine must be \"discard\" or \"reject\"", -1;
		ru->quarantine_reject = strcmp(v, "reject") == 0;
		return 0;
	}
	return *why = "unknown rule setting", -1;
}

/* Checks that need the whole rule. Returns NULL or the problem. */
static const char *
rule_check(struct rule *ru, const config_setting_t **where, const config_setting_t *g)
{
	size_t i;

	*where = g;
	if (ru->name == NULL || ru->name[0] == '\0')
		return "rule without a name";
	/* Names go into headers, log lines and SMTP replies: keep them plain. */
	if (strlen(ru->name) > 64 ||
	    strspn(ru->name,
		"abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(ru->name)) {
		*where = config_setting_get_member(g, "name");
		return "rule names are letters, digits, '.', '_' and '-' (at most 64)";
	}
	if (!ru->has_action)
		return "rule without an action";
	for (i = 0; i < ru->findings.n; i++)
		if (!finding_glob_known(ru->findings.v[i])) {
			*where = config_setting_get_member(g, "findings");
			return "finding glob matches no finding name (see embargo-scan --list-findings)";
		}
	for (i = 0; i < ru->sha256.n; i++) {
		const char *h = ru->sha256.v[i];

		if (strlen(h) != 64 || strspn(h, "0123456789abcdefABCDEF") != 64) {
			*where = config_setting_get_member(g, "sha256");
			return "sha256 entries must be 64 hex digits";
		}
	}
	for (i = 0; ru->subject_prefix && ru->subject_prefix[i]; i++)
		if ((unsigned char)ru->subject_prefix[i] < 0x20 || i > 100) {
			*where = config_setting_get_member(g, "subject_prefix");
			return "subject_prefix must be one short line";
		}
	if (ru->reply != NULL) {
		*where = config_setting_get_member(g, "reply");
		return check_reply(ru->reply, ru->action);
	}
	return NULL;
}

static int
load_rule(
    struct policy *p, const config_setting_t *g, const char *file, struct strbuf *err)
{
	struct rule *ru = &p->rules[p->nrules];
	const config_setting_t *where;
	const char *why = NULL;
	size_t j;
	int i, n;

	memset(ru, 0, sizeof(*ru));
	ru->auth = -1;
	ru->line = (int)config_setting_source_line(g);
	p->nrules++; /* counted now so policy_free frees a half-built rule */
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		perr(err, file, g, "each rule must be a group { ... }");
		return -1;
	}
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);

		if (rule_key(ru, s, &why) != 0) {
			perr(err, file, s, "%s: %s", config_setting_name(s), why);
			return -1;
		}
	}
	if ((why = rule_check(ru, &where, g)) != NULL) {
		perr(err, file, where ? where : g, "rule %s: %s",
		    ru->name ? ru->name : "?", why);
		return -1;
	}
	for (j = 0; j + 1 < p->nrules; j++)
		if (strcmp(p->rules[j].name, ru->name) == 0) {
			perr(err, file, g, "rule %s: name already used on line %d",
			    ru->name, p->rules[j].line);
			return -1;
		}
	return 0;
}

static int
load_top(struct policy *p, config_t *cf, const char *file, struct strbuf *err)
{
	config_setting_t *root = config_root_setting(cf), *rules = NULL;
	int i, n = config_setting_length(root);

	for (i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);

		if (strcmp(name, "observe") == 0) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
				perr(err, file, s, "observe: must be true or false");
				return -1;
			}
			p->observe = config_setting_get_bool(s);
		} else if (strcmp(name, "rules") == 0 &&
		    config_setting_type(s) == CONFIG_TYPE_LIST) {
			rules = s;
		} else {
			perr(err, file, s, "%s '%s'",
			    strcmp(name, "rules") == 0 ?
				"rules must be a list ( {...}, {...} ):" :
				"unknown setting",
			    name);
			return -1;
		}
	}
	if (rules == NULL) {
		sb_printf(err, "%s:1: no rules = ( ... ); list\n", file);
		return -1;
	}
	n = config_setting_length(rules);
	if (n > POLICY_MAX_RULES) {
		perr(err, file, rules, "more than %d rules", POLICY_MAX_RULES);
		return -1;
	}
	if (n > 0 && (p->rules = calloc((size_t)n, sizeof(*p->rules))) == NULL) {
		sb_printf(err, "%s: out of memory\n", file);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (load_rule(
			p, config_setting_get_elem(rules, (unsigned)i), file, err) != 0)
			return -1;
	return 0;
}

static struct policy *
load_cf(config_t *cf, int ok, const char *name, struct strbuf *err)
{
	struct policy *p = NULL;

	if (!ok) {
		if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
			sb_printf(err, "%s: cannot read the policy file\n", name);
		else
			sb_printf(err, "%s:%d: %s\n",
			    config_error_file(cf) ? config_error_file(cf) : name,
			    config_error_line(cf), config_error_text(cf));
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		sb_printf(err, "%s: out of memory\n", name);
		return NULL;
	}
	if (load_top(p, cf, name, err) != 0) {
		policy_free(p);
		return NULL;
	}
	return p;
}

struct policy *
policy_load_text(const char *text, const char *name, struct strbuf *err)
{
	struct policy *p;
	config_t cf;

	config_init(&cf);
	p = load_cf(&cf, config_read_string(&cf, text) == CONFIG_TRUE, name, err);
	config_destroy(&cf);
	return p;
}

struct policy *
policy_load(const char *file, struct strbuf *err)
{
	struct policy *p;
	config_t cf;

	if (file == NULL)
		return policy_load_text(policy_default_text, "(built-in policy)", err);
	config_init(&cf);
	p = load_cf(&cf, config_read_file(&cf, file) == CONFIG_TRUE, file, err);
	config_destroy(&cf);
	return p;
}

int
policy_observe(const struct policy *p)
{
	return p != NULL && p->observe;
}

size_t
policy_nrules(const struct policy *p)
{
	return p != NULL ? p->nrules : 0;
}

int
policy_rule_per_rcpt(const struct rule *ru)
{
	return ru->rcpt.n > 0 || ru->rcpt_domain.n > 0;
}

static void
dump_list(struct strbuf *out, const char *key, const struct plist *l)
{
	size_t i;

	if (l->n == 0)
		return;
	sb_printf(out, " %s=", key);
	for (i = 0; i < l->n; i++)
		sb_printf(out, "%s%s", i ? "," : "", l->v[i]);
}

void
policy_dump(const struct policy *p, struct strbuf *out)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	sb_printf(out, "observe=%d\n", p->observe);
	for (i = 0; i < p->nrules; i++) {
		const struct rule *ru = &p->rules[i];

		sb_printf(out, "%s action=%s", ru->name, action_name(ru->action));
		dump_list(out, "findings", &ru->findings);
		if (ru->has_sev)
			sb_printf(out, " severity=%s", severity_name(ru->min_sev));
		dump_list(out, "sender", &ru->sender);
		dump_list(out, "sender_domain", &ru->sender_domain);
		dump_list(out, "recipient", &ru->rcpt);
		dump_list(out, "recipient_domain", &ru->rcpt_domain);
		dump_list(out, "sha256", &ru->sha256);
		for (j = 0; j < ru->nnets; j++)
			sb_printf(out, " client=%s/%u",
			    inet_ntop(ru->nets[j].family, ru->nets[j].a, a, sizeof(a)) ?
				a :
				"?",
			    ru->nets[j].bits);
		if (ru->auth >= 0)
			sb_printf(out, " authenticated=%d", ru->auth);
		if (ru->reply)
			sb_printf(out, " reply=%s", ru->reply);
		if (ru->subject_prefix)
			sb_printf(out, " subject_prefix=%s", ru->subject_prefix);
		if (ru->quarantine_reject)
			sb_adds(out, " quarantine=reject");
		if (ru->await_password)
			sb_adds(out, " await_password=1");
		if (ru->release != POLICY_RELEASE_REVIEW)
			sb_printf(out, " release=%s", policy_release_name(ru->release));
		sb_addc(out, '\n');
	}
}
