/*
 * q_ppap.c: embargo-quarantine and the entries awaiting a password in a later mail
 * (daemon/ppap.c). Every run by the store's owner first settles the entries whose
 * window (ppap_window) passed, as the daemon's tick does; `ppap-expire` does only
 * that and says how many. list and show print the window's end of an awaiting
 * entry (its stored time plus the current ppap_window).
 * Limits: a reader (review_group, read-only index) expires nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tools/q.h"

/* The window of this run, for the list line (set once in run(), read by q_print). */
static int q_window = 900;

void
q_ppap_window(int seconds)
{
	q_window = seconds;
}

int
q_ppap_until(const struct store_entry *e, char *buf, size_t n)
{
	if (strcmp(e->state, STORE_AWAIT_STATE) != 0)
		return 0;
	q_time(e->time + q_window, 0, buf, n);
	return 1;
}

int
q_ppap_expire(struct qctx *c, int verbose)
{
	size_t n = 0;

	if (store_await_expire(c->s, (int64_t)time(NULL) - c->cfg->ppap_window, c->who,
		NULL, NULL, &n) != 0) {
		if (verbose)
			fprintf(stderr, "embargo-quarantine: ppap-expire: %s\n",
			    store_error(c->s));
		return Q_ERROR;
	}
	if (verbose)
		printf("%zu entr%s no longer awaiting a password: quarantined\n", n,
		    n == 1 ? "y" : "ies");
	return Q_OK;
}
