/*
 * store_once.c: single-use keys shared by every host of the store (the `once`
 * table): a digest link consumed once, a digest or an admin notice sent once a day
 * or a window per fleet.
 *
 * Promises: of any number of callers claiming the same KEY at once, on one host or
 * on several hosts of one PostgreSQL store, exactly one gets 1 (INSERT ... ON CONFLICT
 * DO NOTHING on the primary key decides); a claim is undone only by store_once_drop
 * (its work failed). Rows whose expiry
 * passed are purged at each claim (a key must stay refused until its expiry, so
 * callers pass an expiry at least as late as whatever the key protects).
 * Limits: keys are stored as given (callers bound them). BUGS: none known.
 */
#include <string.h>

#include "store/store_int.h"

int
store_once_claim(struct store *s, const char *key, int64_t expires)
{
	const struct sidx_val v[2] = { SV_T(key), SV_I(expires) };
	const struct sidx_val now[1] = { SV_I(store_now()) };
	int n;

	if (key == NULL || key[0] == '\0')
		return store_err(s, "once", "empty key");
	s->err[0] = '\0';
	if (sidx_query(s, "DELETE FROM once WHERE expires < ?1", now, 1, NULL, NULL) < 0)
		return -1;
	n = sidx_query(s,
	    "INSERT INTO once (key, expires) VALUES (?1, ?2) ON CONFLICT DO NOTHING", v,
	    2, NULL, NULL);
	if (n < 0)
		return -1;
	return n > 0 ? 1 : 0;
}

int
store_once_drop(struct store *s, const char *key)
{
	const struct sidx_val v[1] = { SV_T(key) };

	s->err[0] = '\0';
	return sidx_query(s, "DELETE FROM once WHERE key = ?1", v, 1, NULL, NULL) < 0 ?
	    -1 :
	    0;
}
