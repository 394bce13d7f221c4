/*
 * actions.h: carry out a policy decision at end of message, through the mta_*
 * wrappers only (accept, tag, strip, hold, quarantine, discard, reject, tempfail).
 *
 * Ordering guarantee: for quarantine and strip the copy is durably in the
 * quarantine store (store_put) before the MTA is told to discard, reject or
 * replace the body; when the store fails the message is tempfailed, never lost.
 */
#ifndef EMBARGO_ACTIONS_H
#define EMBARGO_ACTIONS_H

#include "daemon/milter.h"
#include "policy/policy.h"
#include "store/store.h"

struct action_result {
	char qid[STORE_ID_LEN + 1]; /* quarantine id, "" when nothing was stored */
	enum action done;           /* what was actually done (may be stronger: a strip
	                                  that cannot be done is a quarantine; a failed
	                                  store is a tempfail) */
	const char *note;           /* why done differs from the decision, or NULL */
};

/* Carry out D for message M with report R. Returns the SMFIS_* reply for eom. */
sfsistat actions_run(SMFICTX *ctx, struct msg *m, const struct report *r,
    const struct decision *d, struct action_result *res);

/* The message's Message-ID from its raw header block into OUT; 0 or -1. */
int actions_message_id(const struct msg *m, char *out, size_t n);

/* Split "550 5.7.1 text" into its parts (copied into the buffers); defaults for a
 * missing code. Exposed for tests. */
void actions_split_reply(const char *reply, int temp, char rcode[4], char xcode[16],
    char *text, size_t textlen);

#endif
