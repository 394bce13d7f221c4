/*
 * milter.h: the connection and message contexts of the daemon.
 *
 * A struct conn is attached with smfi_setpriv at option negotiation (or at connect
 * when negotiation could not allocate it) and lives until close; it owns at most one
 * struct msg at a time. Fields are prefixed (c_, m_) so grep finds
 * every use. One libmilter thread serves a connection at a time: no locking here.
 */
#ifndef EMBARGO_MILTER_H
#define EMBARGO_MILTER_H

#include <stddef.h>
#include <stdint.h>

#include <libmilter/mfapi.h>

#include "core/clock.h"
#include "daemon/config.h"
#include "core/message.h"
#include "core/spool.h"
#include "worker/wproto.h"

#define MSG_MAX_RCPTS 10000 /* recipients kept per message; more are counted only */

/* Our headers, removed when a message arrives with them: X-Embargo-Unlocked
 * (ppap.c) is kept on a verified release, which is where it comes from. */
#define EMBARGO_NHDRS 4

struct msg {
	struct em_config *m_cfg; /* pinned snapshot for this message */
	char m_qid[64];          /* MTA queue id, "NOQUEUE" until known */
	char *m_sender;
	char **m_rcpts;
	size_t m_nrcpts, m_rcpts_dropped;
	char *m_subject;         /* raw Subject header value, bounded */
	struct wp_result m_wres; /* the worker's report, parts and passwords */
	struct spool *m_raw;     /* the message as received, for the quarantine */
	uint64_t m_size;         /* header + body bytes */
	uint64_t m_body_size;
	uint64_t m_body_off; /* where the body starts in m_raw */
	double m_start;      /* monotonic seconds at MAIL FROM */
	unsigned
	    m_ours[EMBARGO_NHDRS]; /* incoming X-Embargo, -Action, -Findings, -Unlocked */
	const char *m_conn_addr; /* the connection's c_addr and c_helo (it outlives us) */
	const char *m_helo;
	const char *m_conn_name; /* the connection's c_name */
	char *m_auth;            /* {auth_authen} at MAIL FROM, or NULL */
};

/* The headers Embargo writes; copies arriving with the message are removed so a
 * sender cannot forge a verdict. */
extern const char *const embargo_headers[EMBARGO_NHDRS];

struct conn {
	char c_addr[64];  /* client address, "" when unknown */
	char c_helo[256]; /* HELO/EHLO name as given (bounded), "" when none */
	char c_name[256]; /* client host name from the MTA (bounded), "" when none */
	struct msg *c_msg;
	unsigned long c_noreply; /* SMFIP_NR_* steps the MTA expects no reply to */
	em_status c_fail; /* a failure in such a step, answered at end of message */
	const char *c_fail_where;
};

/* The callbacks table for smfi_register (callbacks.c). */
extern struct smfiDesc embargo_milter;

/* Reset the message state (idempotent; NULL-safe). */
void msg_reset(struct conn *c);

/* End of message: decide and act (eom.c). Returns the SMFIS_* reply. */
sfsistat eom_act(SMFICTX *ctx, struct conn *c, struct msg *m);

/* The one mapping from a failure status to a reply, by the configured mode. */
sfsistat status_reply(SMFICTX *ctx, const struct em_config *cfg, const char *qid,
    em_status st, const char *where);

#endif
