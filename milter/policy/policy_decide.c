/*
 * policy_decide.c: match a report's findings and the envelope against the loaded
 * rules and produce one decision (see policy.h, doc/policy.md).
 *
 * For each recipient, each finding is decided by the first rule (in file order) whose
 * conditions all hold; the message gets the strongest action over all findings and
 * all recipients (a milter cannot split a message: the safe reading).
 * Bounds: findings are capped by the report (REPORT_MAX_FINDINGS), rules by
 * POLICY_MAX_RULES; finding/rule matches are computed once into a bit matrix (at most
 * 2000 x 1000 bits); recipients are grouped by the set of rules their envelope
 * matches and at most POLICY_MAX_RSETS distinct sets are evaluated exactly. Past
 * that, the remaining recipients get the conservative reading (each finding takes
 * the strongest action of any rule naming it) and d->truncated is set.
 * Threads: reads the immutable policy; all state is local.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "policy/policy_int.h"

#define EXPLAIN_MAX 1024

static int
list_match(const struct plist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (policy_glob(l->v[i], s))
			return 1;
	return 0;
}

static const char *
domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

static int
net_match(const struct rule *ru, const char *addr)
{
	unsigned char a[16];
	char buf[INET6_ADDRSTRLEN];
	size_t i, n;
	int fam;

	if (addr == NULL)
		return 0;
	if (strncasecmp(addr, "IPv6:", 5) == 0)
		addr += 5;
	n = strlen(addr);
	if (n > 0 && addr[0] == '[' && addr[n - 1] == ']')
		addr++, n -= 2;
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, addr, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		fam = AF_INET;
	else if (inet_pton(AF_INET6, buf, a) == 1)
		fam = AF_INET6;
	else
		return 0;
	for (i = 0; i < ru->nnets; i++) {
		const struct pnet *nt = &ru->nets[i];
		unsigned full = nt->bits / 8, rest = nt->bits % 8;

		if (nt->family != fam || memcmp(nt->a, a, full) != 0)
			continue;
		if (rest == 0 ||
		    ((nt->a[full] ^ a[full]) & (0xff << (8 - rest)) & 0xff) == 0)
			return 1;
	}
	return 0;
}

/* The envelope conditions that do not depend on the recipient. */
static int
env_match(const struct rule *ru, const struct envelope *env)
{
	const char *from = env->sender ? env->sender : "";
	int authed = env->auth_user != NULL && env->auth_user[0] != '\0';

	if (ru->sender.n && !list_match(&ru->sender, from))
		return 0;
	if (ru->sender_domain.n && !list_match(&ru->sender_domain, domain_of(from)))
		return 0;
	if (ru->nnets && !net_match(ru, env->client_addr))
		return 0;
	if (ru->auth >= 0 && ru->auth != authed)
		return 0;
	return 1;
}

static int
rcpt_match(const struct rule *ru, const char *rcpt)
{
	if (rcpt == NULL)
		return 0;
	if (ru->rcpt.n && !list_match(&ru->rcpt, rcpt))
		return 0;
	if (ru->rcpt_domain.n && !list_match(&ru->rcpt_domain, domain_of(rcpt)))
		return 0;
	return 1;
}

/* Does some part from PART up to the root have one of the listed hashes? */
static int
sha_match(const struct rule *ru, const struct report *r, int part)
{
	int steps, np = report_nparts(r);
	size_t i;

	for (steps = 0; part >= 0 && part < np && steps < np; steps++) {
		const struct report_part *rp = report_part(r, part);

		for (i = 0; rp->sha256[0] && i < ru->sha256.n; i++)
			if (strcasecmp(ru->sha256.v[i], rp->sha256) == 0)
				return 1;
		if (rp->parent >= part) /* parents come first; anything else is a cycle */
			break;
		part = rp->parent;
	}
	return 0;
}

static int
finding_match(const struct rule *ru, const struct report *r, const struct finding *f)
{
	if (ru->findings.n && !list_match(&ru->findings, f->name))
		return 0;
	if (ru->has_sev && f->sev < ru->min_sev)
		return 0;
	if (ru->sha256.n && !sha_match(ru, r, f->part))
		return 0;
	return 1;
}

struct eval {
	const struct policy *p;
	const struct report *r;
	size_t nf, nr;
	unsigned char *fm; /* nf x nr bits: finding i matches rule j's finding conditions */
	int *fired;        /* per rule: the first finding it decided, or -1 */
	unsigned char *fact; /* per finding: strongest action decided */
	enum action best;
	int best_rule, best_finding;
};

static int
fm_bit(const struct eval *ev, size_t i, size_t j)
{
	size_t k = i * ev->nr + j;

	return (ev->fm[k / 8] >> (k % 8)) & 1;
}

static void
ev_fire(struct eval *ev, size_t j, size_t i, enum action a)
{
	if (ev->fired[j] < 0)
		ev->fired[j] = (int)i;
	if (a > ev->fact[i])
		ev->fact[i] = (unsigned char)a;
	if (a > ev->best || ev->best_rule < 0) {
		if (a < ev->best)
			return;
		ev->best = a;
		ev->best_rule = (int)j;
		ev->best_finding = (int)i;
	}
}

/* Exact reading for one set of envelope-matching rules (SET[j] != 0). */
static void
ev_set(struct eval *ev, const unsigned char *set)
{
	size_t i, j;

	for (i = 0; i < ev->nf; i++)
		for (j = 0; j < ev->nr; j++)
			if (set[j] && fm_bit(ev, i, j)) {
				ev_fire(ev, j, i, ev->p->rules[j].action);
				break;
			}
}

/* Conservative reading past POLICY_MAX_RSETS: any rule naming a finding may apply. */
static void
ev_conservative(struct eval *ev)
{
	size_t i, j;

	for (i = 0; i < ev->nf; i++)
		for (j = 0; j < ev->nr; j++)
			if (fm_bit(ev, i, j) && ev->p->rules[j].action != ACT_ACCEPT)
				ev_fire(ev, j, i, ev->p->rules[j].action);
}

/* Group recipients by the rules their envelope matches; evaluate each group once. */
static int
ev_recipients(struct eval *ev, const struct envelope *env, int *overflow)
{
	unsigned char *base = NULL, *sets = NULL, *v = NULL;
	size_t k, j, s, nsets = 0, nr = ev->nr, nrc = env->nrcpts ? env->nrcpts : 1;
	int rc = -1;

	if ((base = calloc(nr + 1, 1)) == NULL || (v = calloc(nr + 1, 1)) == NULL ||
	    (sets = calloc(POLICY_MAX_RSETS, nr + 1)) == NULL)
		goto out;
	for (j = 0; j < nr; j++)
		base[j] = (unsigned char)env_match(&ev->p->rules[j], env);
	for (k = 0; k < nrc; k++) {
		const char *rcpt = env->nrcpts ? env->rcpts[k] : NULL;

		for (j = 0; j < nr; j++)
			v[j] = (unsigned char)(base[j] &&
			    (!policy_rule_per_rcpt(&ev->p->rules[j]) ||
				rcpt_match(&ev->p->rules[j], rcpt)));
		for (s = 0; s < nsets; s++)
			if (memcmp(sets + s * (nr + 1), v, nr) == 0)
				break;
		if (s < nsets)
			continue;
		if (nsets == POLICY_MAX_RSETS) {
			*overflow = 1;
			break;
		}
		memcpy(sets + nsets * (nr + 1), v, nr);
		nsets++;
	}
	for (s = 0; s < nsets; s++)
		ev_set(ev, sets + s * (nr + 1));
	rc = 0;
out:
	free(base);
	free(v);
	free(sets);
	return rc;
}

static void
explain_one(struct strbuf *sb, const struct eval *ev, size_t j, int i)
{
	const struct finding *f = report_finding(ev->r, i);
	const struct report_part *rp = report_part(ev->r, f->part);
	const char *path = rp && rp->path && rp->path[0] ? rp->path : "message";

	sb_printf(sb, "rule %s (%s): ", ev->p->rules[j].name,
	    action_name(ev->p->rules[j].action));
	sb_safe(sb, f->name, strlen(f->name), 80);
	sb_adds(sb, " in ");
	sb_safe(sb, path, strlen(path), 200);
}

static char *
explain(const struct eval *ev, int overflow)
{
	struct strbuf sb = STRBUF_INIT;
	size_t j;

	sb_init(&sb, EXPLAIN_MAX);
	if (ev->best_rule < 0)
		sb_adds(&sb, ev->nf ? "no rule matched the findings" : "no findings");
	else
		explain_one(&sb, ev, (size_t)ev->best_rule, ev->best_finding);
	for (j = 0; j < ev->nr; j++)
		if (ev->fired[j] >= 0 && (int)j != ev->best_rule) {
			sb_adds(&sb, "; ");
			explain_one(&sb, ev, j, ev->fired[j]);
		}
	if (overflow)
		sb_printf(&sb, "; more than %d recipient rule sets: conservative reading",
		    POLICY_MAX_RSETS);
	return sb_take(&sb);
}

/* Only a locked item is held for a later password: every rule that fired at hold
 * strength or more must say await_password (a macro beside the ZIP quarantines). */
static int
await_only(const struct eval *ev, const struct rule *ru)
{
	size_t j;

	if (ru == NULL || !ru->await_password || ev->best != ACT_QUARANTINE)
		return 0;
	for (j = 0; j < ev->nr; j++)
		if (ev->fired[j] >= 0 && ev->p->rules[j].action >= ACT_HOLD &&
		    !ev->p->rules[j].await_password)
			return 0;
	return 1;
}

static int
fill(struct decision *d, const struct eval *ev, int overflow)
{
	const struct rule *ru = ev->best_rule >= 0 ? &ev->p->rules[ev->best_rule] : NULL;

	d->action = ev->best;
	d->finding = ev->best_finding;
	d->observe = ev->p->observe;
	d->truncated = overflow;
	if ((d->explain = explain(ev, overflow)) == NULL)
		return -1;
	if (ru == NULL)
		return 0;
	if ((d->rule = strdup(ru->name)) == NULL)
		return -1;
	if (ru->subject_prefix &&
	    (d->subject_prefix = strdup(ru->subject_prefix)) == NULL)
		return -1;
	d->quarantine_reject = ru->quarantine_reject;
	d->await_password = await_only(ev, ru) && !overflow;
	if (ru->reply)
		d->reply = strdup(ru->reply);
	else if (d->action == ACT_TEMPFAIL)
		d->reply = strdup("451 4.7.1 Message deferred by policy");
	else if (d->action == ACT_REJECT ||
	    (d->action == ACT_QUARANTINE && d->quarantine_reject))
		d->reply = strdup("550 5.7.1 Message refused by policy");
	else
		return 0;
	return d->reply ? 0 : -1;
}

static void
fill_matrix(struct eval *ev)
{
	size_t i, j, k;

	for (i = 0; i < ev->nf; i++)
		for (j = 0; j < ev->nr; j++)
			if (finding_match(
				&ev->p->rules[j], ev->r, report_finding(ev->r, (int)i))) {
				k = i * ev->nr + j;
				ev->fm[k / 8] |= (unsigned char)(1u << (k % 8));
			}
}

int
policy_decide(const struct policy *p, const struct report *r, const struct envelope *env,
    struct decision *d)
{
	struct eval ev;
	size_t j;
	int n, overflow = 0, rc = -1;

	memset(d, 0, sizeof(*d));
	d->finding = -1;
	memset(&ev, 0, sizeof(ev));
	ev.p = p;
	ev.r = r;
	ev.best = ACT_ACCEPT;
	ev.best_rule = ev.best_finding = -1;
	n = r ? report_nfindings(r) : 0;
	ev.nf = n > REPORT_MAX_FINDINGS + 1 ? REPORT_MAX_FINDINGS + 1 :
					      (size_t)(n > 0 ? n : 0);
	ev.nr = p->nrules;
	if ((ev.fm = calloc(ev.nf * ev.nr / 8 + 1, 1)) == NULL ||
	    (ev.fired = calloc(ev.nr + 1, sizeof(int))) == NULL ||
	    (ev.fact = calloc(ev.nf + 1, 1)) == NULL)
		goto out;
	for (j = 0; j < ev.nr; j++)
		ev.fired[j] = -1;
	fill_matrix(&ev);
	if (ev_recipients(&ev, env, &overflow) != 0)
		goto out;
	if (overflow)
		ev_conservative(&ev);
	rc = fill(d, &ev, overflow);
	d->fact = ev.fact;
	d->nfact = (int)ev.nf;
	ev.fact = NULL;
out:
	free(ev.fact);
	free(ev.fm);
	free(ev.fired);
	if (rc != 0)
		decision_clear(d);
	return rc;
}

void
decision_clear(struct decision *d)
{
	free(d->rule);
	free(d->reply);
	free(d->explain);
	free(d->subject_prefix);
	free(d->fact);
	memset(d, 0, sizeof(*d));
	d->finding = -1;
}
