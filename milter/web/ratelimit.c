/*
 * ratelimit.c: failed sign-ins, counted per client address and per user name.
 *
 * Promises: after WEB_FAIL_MAX failures within WEB_FAIL_WINDOW seconds from one
 * address, or for one user name (from anywhere), further sign-ins for that address
 * or name are refused without checking the password until the window has passed
 * since the first failure. A success clears the user's count (not the address's).
 * Limits: WEB_RL_MAX remembered keys; when full, the oldest entry is reused (an
 * attacker can flush entries by failing from many addresses; each address is still
 * limited). In memory only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"

static struct web_rl *
rl_find(struct web_srv *srv, const char *key, int create, time_t now)
{
	struct web_rl *old = &srv->rl[0];
	size_t i;

	for (i = 0; i < WEB_RL_MAX; i++) {
		struct web_rl *r = &srv->rl[i];

		if (r->fails != 0 && now - r->first >= WEB_FAIL_WINDOW)
			memset(r, 0, sizeof(*r));
		if (r->fails != 0 && strcmp(r->key, key) == 0)
			return r;
		if (r->first < old->first)
			old = r;
	}
	if (!create)
		return NULL;
	memset(old, 0, sizeof(*old));
	snprintf(old->key, sizeof(old->key), "%s", key);
	old->first = now;
	return old;
}

static void
rl_key(char *buf, size_t n, const char *kind, const char *v)
{
	snprintf(buf, n, "%s:%.*s", kind, WEB_NAME_MAX, v ? v : "");
}

int
web_rl_blocked(struct web_srv *srv, const char *ip, const char *user)
{
	char k[WEB_NAME_MAX + 8];
	time_t now = time(NULL);
	struct web_rl *r;

	rl_key(k, sizeof(k), "ip", ip);
	if ((r = rl_find(srv, k, 0, now)) != NULL && r->fails >= WEB_FAIL_MAX)
		return 1;
	rl_key(k, sizeof(k), "user", user);
	return (r = rl_find(srv, k, 0, now)) != NULL && r->fails >= WEB_FAIL_MAX;
}

void
web_rl_fail(struct web_srv *srv, const char *ip, const char *user)
{
	char k[WEB_NAME_MAX + 8];
	time_t now = time(NULL);

	rl_key(k, sizeof(k), "ip", ip);
	rl_find(srv, k, 1, now)->fails++;
	rl_key(k, sizeof(k), "user", user);
	rl_find(srv, k, 1, now)->fails++;
}

void
web_rl_ok(struct web_srv *srv, const char *user)
{
	char k[WEB_NAME_MAX + 8];
	struct web_rl *r;

	rl_key(k, sizeof(k), "user", user);
	if ((r = rl_find(srv, k, 0, time(NULL))) != NULL)
		memset(r, 0, sizeof(*r));
}
