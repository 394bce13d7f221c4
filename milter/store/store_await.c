/*
 * store_await.c: entries awaiting a password that may come in a later mail (the
 * Japanese "PPAP" habit: a password ZIP in one mail, its password a minute later).
 *
 * An entry is stored with state awaiting-password (store_new.state) by the daemon
 * when the policy says await_password. It leaves that state exactly once, by one
 * conditional transaction to quarantined (store_await_settle): the correlation of a
 * later mail (event "unlocked" before a release, "rescanned" when it stays), the
 * expiry of the window ("expired"), whichever comes first. An admin may also delete
 * it. The .meta follows (smeta_follow), so a rebuilt index keeps the outcome.
 *
 * Limits: store_await_find hands out at most STORE_AWAIT_MAX entries; the expiry
 * settles at most AWAIT_EXPIRE_MAX entries a run (the next tick takes the rest).
 * Threads: one store handle per thread, as everywhere in the store.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_int.h"

#define AWAIT_EXPIRE_MAX 256

struct find {
	const char *const *rcpts;
	size_t nrcpts, n;
	int (*cb)(void *, const struct store_entry *);
	void *arg;
};

/* Whether the newline-separated LIST holds one of the addresses in F. */
static int
overlap(const struct find *f, const char *list)
{
	const char *p = list, *nl;
	size_t i, len;

	while (*p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		for (i = 0; i < f->nrcpts; i++)
			if (f->rcpts[i] && strlen(f->rcpts[i]) == len &&
			    strncasecmp(f->rcpts[i], p, len) == 0)
				return 1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

static int
find_cb(void *arg, const struct store_entry *e)
{
	struct find *f = arg;

	if (!overlap(f, e->rcpts))
		return 0;
	if (f->n++ >= STORE_AWAIT_MAX)
		return 1;
	return f->cb(f->arg, e);
}

int
store_await_find(struct store *s, const char *sender, const char *const *rcpts,
    size_t nrcpts, int64_t since, int (*cb)(void *arg, const struct store_entry *e),
    void *arg)
{
	struct find f = { rcpts, nrcpts, 0, cb, arg };

	/* A bounce (empty sender) brings no password to anybody. */
	if (sender == NULL || sender[0] == '\0' || nrcpts == 0)
		return 0;
	return sidx_await_rows(s, sender, since, find_cb, &f);
}

static int
settle_row(struct store *s, const char *id, const char *who, const char *findings,
    const char *rule, const char *explain)
{
	const struct sidx_val v[6] = { SV_T(id), SV_T(findings), SV_T(rule),
		SV_T(explain), SV_I(store_now()), SV_T(who ? who : "?") };

	return sidx_query(s,
	    "UPDATE quarantine SET state = 'quarantined',"
	    " findings = coalesce(?2, findings), rule = coalesce(?3, rule),"
	    " explain = coalesce(?4, explain), changed_at = ?5, changed_by = ?6"
	    " WHERE id = ?1 AND state = '" STORE_AWAIT_STATE "'",
	    v, 6, NULL, NULL);
}

int
store_await_settle(struct store *s, const char *id, const char *who, const char *findings,
    const char *rule, const char *explain, const char *event, const char *detail)
{
	int ch;

	if (!store_id_valid(id))
		return store_err(s, "id", "not a quarantine id");
	if (sidx_begin(s) != 0)
		return -1;
	if ((ch = settle_row(s, id, who, findings, rule, explain)) < 0 ||
	    (ch > 0 && saudit_add(s, id, event, who, detail) != 0)) {
		sidx_rollback(s);
		return -1;
	}
	if (sidx_commit(s) != 0)
		return -1;
	if (ch == 0)
		return 1;
	saudit_syslog(id, event, who, detail);
	smeta_follow(s, id);
	return 0;
}

struct expire_ids {
	char (*ids)[STORE_ID_LEN + 1];
	size_t k;
};

static int
expire_cb(void *arg, const struct sidx_row *r)
{
	struct expire_ids *x = arg;
	const char *id = sidx_text(r, 0);

	if (x->k < AWAIT_EXPIRE_MAX && store_id_valid(id))
		memcpy(x->ids[x->k++], id, STORE_ID_LEN + 1);
	return x->k >= AWAIT_EXPIRE_MAX;
}

int
store_await_expire(struct store *s, int64_t before, const char *who,
    void (*cb)(void *arg, const char *id), void *arg, size_t *n)
{
	char ids[AWAIT_EXPIRE_MAX][STORE_ID_LEN + 1];
	struct expire_ids x = { ids, 0 };
	const struct sidx_val v[2] = { SV_I(before), SV_I(AWAIT_EXPIRE_MAX) };
	size_t i;
	int rc;

	*n = 0;
	if (sidx_query(s,
		"SELECT id FROM quarantine WHERE state = '" STORE_AWAIT_STATE
		"' AND time < ?1 ORDER BY time LIMIT ?2",
		v, 2, expire_cb, &x) < 0)
		return -1;
	for (i = 0; i < x.k; i++) {
		rc = store_await_settle(s, ids[i], who, NULL, NULL, NULL, "expired",
		    "no password came within the window: the policy's quarantine stands");
		if (rc < 0)
			return -1;
		if (rc == 0) {
			(*n)++;
			if (cb != NULL)
				cb(arg, ids[i]);
		}
	}
	return 0;
}
