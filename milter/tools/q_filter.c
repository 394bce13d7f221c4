/*
 * q_filter.c: embargo-quarantine's search filters and argument checks.
 *
 * --sender/--rcpt: a glob (* ? [) matches the whole address; a plain address
 * matches exactly; a plain domain (no @, or @domain) matches the domain part. All
 * case-insensitive. --subject: glob, or a case-insensitive substring. --state:
 * exact. --rule/--finding: globs on the rule name / each finding name. --message-id:
 * with or without <>. --client: an address, or a prefix ending in . or :.
 * --host: the host_name that received the entry, exactly.
 * --to addresses: local@domain, no quoting, no | or / (MTA pipe and file targets).
 * Times: "90s", "15m", "2h", "7d", "1w" mean that long ago; dates are local time
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]".
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "policy/policy.h"
#include "tools/q.h"

int64_t
q_parse_age(const char *s)
{
	char *end;
	unsigned long long v;
	int64_t mul = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > 100ull * 365 * 86400)
		return -1;
	switch (*end) {
	case '\0':
	case 's': break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	case 'w': mul = 7 * 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return (int64_t)v * mul;
}

int64_t
q_parse_when(const char *s)
{
	static const char *const fmts[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
		"%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d" };
	struct tm tm;
	const char *end;
	int64_t age;
	size_t i;

	if (strlen(s) < 10 && (age = q_parse_age(s)) >= 0)
		return (int64_t)time(NULL) - age;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_isdst = -1;
		if ((end = strptime(s, fmts[i], &tm)) != NULL && *end == '\0')
			return (int64_t)mktime(&tm);
	}
	return -1;
}

static int
is_glob(const char *p)
{
	return strpbrk(p, "*?[") != NULL;
}

static int
lower_glob(const char *pat, const char *s)
{
	char a[1024], b[1024];
	size_t i;

	if (strlen(pat) >= sizeof(a) || strlen(s) >= sizeof(b))
		return 0;
	for (i = 0; pat[i]; i++)
		a[i] = (char)tolower((unsigned char)pat[i]);
	a[i] = '\0';
	for (i = 0; s[i]; i++)
		b[i] = (char)tolower((unsigned char)s[i]);
	b[i] = '\0';
	return policy_glob(a, b);
}

static int
addr_match(const char *want, const char *addr)
{
	const char *at;

	if (is_glob(want))
		return lower_glob(want, addr);
	if (strchr(want, '@') == NULL || want[0] == '@') {
		at = strrchr(addr, '@');
		return at && strcasecmp(at + 1, want + (want[0] == '@')) == 0;
	}
	return strcasecmp(want, addr) == 0;
}

/* Any of the SEP-separated items of LIST (up to the first STOP in each) matches. */
static int
any_item(const char *list, char sep, char stop, const char *want,
    int (*match)(const char *, const char *))
{
	char one[1024];
	const char *p = list, *e, *s;
	size_t n;

	while (*p) {
		e = strchr(p, sep);
		n = e ? (size_t)(e - p) : strlen(p);
		if (stop && (s = memchr(p, stop, n)) != NULL)
			n = (size_t)(s - p);
		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (match(want, one))
				return 1;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 0;
}

static int
text_match(const char *want, const char *s)
{
	size_t n = strlen(want), i;

	if (is_glob(want))
		return lower_glob(want, s);
	for (i = 0; s[i]; i++)
		if (strncasecmp(s + i, want, n) == 0)
			return 1;
	return n == 0;
}

static int
msgid_match(const char *want, const char *have)
{
	size_t w = strlen(want), h = strlen(have);

	if (w >= 2 && want[0] == '<' && want[w - 1] == '>')
		want++, w -= 2;
	if (h >= 2 && have[0] == '<' && have[h - 1] == '>')
		have++, h -= 2;
	return w == h && strncasecmp(want, have, w) == 0;
}

static int
client_match(const char *want, const char *have)
{
	size_t n = strlen(want);

	if (n > 0 && (want[n - 1] == '.' || want[n - 1] == ':'))
		return strncasecmp(want, have, n) == 0;
	return strcasecmp(want, have) == 0;
}

int
q_filter_match(const struct qfilter *f, const struct store_entry *e)
{
	if (f->since && e->time < f->since)
		return 0;
	if (f->until && e->time >= f->until)
		return 0;
	if (f->sender && !addr_match(f->sender, e->sender))
		return 0;
	if (f->rcpt && !any_item(e->rcpts, '\n', 0, f->rcpt, addr_match))
		return 0;
	if (f->subject && !text_match(f->subject, e->subject))
		return 0;
	if (f->state && strcmp(f->state, e->state) != 0)
		return 0;
	if (f->rule && !policy_glob(f->rule, e->rule))
		return 0;
	if (f->finding && !any_item(e->findings, ',', '@', f->finding, policy_glob))
		return 0;
	if (f->message_id && !msgid_match(f->message_id, e->message_id))
		return 0;
	if (f->host && strcmp(f->host, e->host_name ? e->host_name : "") != 0)
		return 0;
	if (f->client && !client_match(f->client, e->client_addr))
		return 0;
	return 1;
}

int
q_addr_valid(const char *a)
{
	const char *at = strrchr(a, '@'), *p;

	if (at == NULL || at == a || at[1] == '\0' || a[0] == '-' || strlen(a) > 254 ||
	    at - a > 64)
		return 0;
	for (p = a; p < at; p++)
		if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+=?^_`{}~.-", *p))
			return 0;
	for (p = at + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return 0;
	return at[1] != '.' && at[1] != '-' && p[-1] != '.';
}

int
q_id_arg_valid(const char *a)
{
	size_t n = strlen(a);

	return n >= 4 && n <= STORE_ID_LEN && strspn(a, "0123456789abcdef") == n;
}
