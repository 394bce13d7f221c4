/*
 * actions.c: carry out the decision (see actions.h). Tag adds X-Embargo-Action and
 * X-Embargo-Findings (escaped by report_summary, capped) and an optional Subject
 * prefix; strip replaces the offending top-level MIME entities by a short text
 * notice and keeps the rest of the body byte for byte; quarantine stores the whole
 * message then discards or rejects it; hold asks the MTA to hold it and records it
 * in the store; reject, discard and tempfail answer the MTA.
 * Observe mode delivers everything, with the headers saying what would have been done.
 *
 * Limits: header values capped at ACT_HDR_MAX bytes; the body is streamed in 64 KiB
 * chunks. Threads: one message per call, the store is opened per call (one SQLite
 * connection per thread).
 * X-Embargo-* headers arriving with the message are removed by eom.c before these are
 * added (tests/milter/t_forged_headers.lua).
 * BUGS: Strip needs the offending part to be a top-level entity of a multipart body; otherwise
 * (single-part message, unknown range) the whole message is quarantined instead.
 * The Subject prefix is prepended to the raw (possibly encoded) Subject value.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/actions.h"
#include "daemon/log.h"
#include "daemon/mta.h"
#include "store/store_mark.h"
#include "daemon/wscan.h"

#define ACT_HDR_MAX   900
#define ACT_CHUNK     65536
#define ACT_MAX_STRIP 64 /* top-level entities replaced in one message */

void
actions_split_reply(const char *reply, int temp, char rcode[4], char xcode[16],
    char *text, size_t textlen)
{
	const char *p = reply ? reply : "";
	size_t n;

	snprintf(rcode, 4, "%s", temp ? "451" : "550");
	snprintf(xcode, 16, "%s", temp ? "4.7.1" : "5.7.1");
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && (p[3] == ' ' || p[3] == '\0')) {
		memcpy(rcode, p, 3);
		rcode[3] = '\0';
		xcode[0] = p[0]; /* the enhanced code class follows the reply code */
		p += 3;
		while (*p == ' ')
			p++;
		n = strspn(p, "0123456789.");
		if (n >= 5 && n < 16 && p[n - 1] != '.' &&
		    (p[n] == ' ' || p[n] == '\0') && p[0] == rcode[0] && p[1] == '.') {
			memcpy(xcode, p, n);
			xcode[n] = '\0';
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	snprintf(text, textlen, "%s",
	    *p ? p : (temp ? "Message deferred by policy" : "Message refused by policy"));
	/* smfi_setreply treats '%' specially; policy.c refuses it, be safe anyway. */
	for (n = 0; text[n]; n++)
		if (text[n] == '%' || (unsigned char)text[n] < 0x20)
			text[n] = '?';
}

static sfsistat
reply_and(SMFICTX *ctx, const struct msg *m, const char *reply, int temp, sfsistat rc)
{
	char rcode[4], xcode[16], text[512];

	actions_split_reply(reply, temp, rcode, xcode, text, sizeof(text));
	(void)mta_set_reply(ctx, m->m_qid, rcode, xcode, text);
	return rc;
}

/* The store failed: keep the message at the MTA, whatever on_error says. */
static sfsistat
store_failed(
    SMFICTX *ctx, const struct msg *m, struct action_result *res, const char *why)
{
	log_msg(LOG_ERR, m->m_qid, "quarantine store failed: %s: tempfail", why);
	res->done = ACT_TEMPFAIL;
	res->note = "quarantine store failed";
	return reply_and(ctx, m,
	    "451 4.3.0 Temporary quarantine failure, try again later", 1, SMFIS_TEMPFAIL);
}

static char *
report_json_text(const struct report *r)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb, 4 << 20);
	sb_addc(&sb, '{');
	report_json(r, &sb);
	sb_addc(&sb, '}');
	if (sb.oom || sb.truncated) {
		sb_free(&sb);
		return NULL; /* stored without the report: show rescans the file */
	}
	return sb_take(&sb);
}

/* The Message-ID of the message, from the raw header block (bounded). */
int
actions_message_id(const struct msg *m, char *out, size_t n)
{
	size_t want =
		   m->m_body_off < ACT_CHUNK * 4 ? (size_t)m->m_body_off : ACT_CHUNK * 4,
	       got;
	char *buf = want ? malloc(want) : NULL;
	int rc = -1;

	if (buf != NULL && spool_pread(m->m_raw, 0, buf, want, &got) == EM_OK &&
	    store_header_value(buf, got, "Message-ID", 0, out, n) > 0)
		rc = 0;
	free(buf);
	return rc;
}

/* Store the message (RAW NULL: index row only). 0 and res->qid set, or -1. */
static int
store(const struct msg *m, const struct report *r, const struct decision *d,
    const char *action, int with_file, struct action_result *res, const char **why)
{
	struct strbuf err = STRBUF_INIT, fs = STRBUF_INIT;
	struct store *q;
	struct store_new n;
	char msgid[256];
	char *json = report_json_text(r);
	int rc = -1;

	report_summary(r, &fs, ACT_HDR_MAX);
	memset(&n, 0, sizeof(n));
	n.queue_id = m->m_qid;
	n.sender = m->m_sender;
	n.rcpts = (const char *const *)m->m_rcpts;
	n.nrcpts = m->m_nrcpts;
	n.subject = m->m_subject;
	n.size = m->m_size;
	n.findings = sb_str(&fs);
	n.rule = d->rule;
	n.action = action;
	n.explain = d->explain;
	n.report = json;
	n.client_addr = m->m_conn_addr;
	n.helo = m->m_helo;
	n.auth_user = m->m_auth;
	n.message_id = actions_message_id(m, msgid, sizeof(msgid)) == 0 ? msgid : NULL;
	/* The policy holds it for a password in a later mail (ppap.c). */
	if (with_file && d->await_password && !d->observe)
		n.state = STORE_AWAIT_STATE;
	if ((q = store_open(m->m_cfg->quarantine_dir, STORE_CREATE, &err)) == NULL) {
		log_msg(LOG_ERR, m->m_qid, "quarantine: %s", sb_str(&err));
		*why = "cannot open the quarantine";
	} else if (store_put(q, &n, with_file ? m->m_raw : NULL, res->qid) != 0) {
		log_msg(LOG_ERR, m->m_qid, "quarantine: %s", store_error(q));
		*why = "cannot write to the quarantine";
		res->qid[0] = '\0';
	} else {
		rc = 0;
	}
	store_close(q);
	free(json);
	sb_free(&err);
	sb_free(&fs);
	return rc;
}

static int
tag_headers(SMFICTX *ctx, const struct msg *m, const struct report *r,
    const struct decision *d, const struct action_result *res)
{
	struct strbuf v = STRBUF_INIT, fs = STRBUF_INIT;
	int rc;

	sb_init(&v, ACT_HDR_MAX + 200);
	if (d->observe && d->action != ACT_ACCEPT)
		sb_printf(&v, "observe; would %s", action_name(d->action));
	else
		sb_adds(&v, action_name(res->done));
	if (d->rule)
		sb_printf(&v, "; rule=%s", d->rule);
	if (res->qid[0])
		sb_printf(&v, "; quarantine-id=%s", res->qid);
	report_summary(r, &fs, ACT_HDR_MAX);
	rc = v.oom || fs.oom ? -1 : 0;
	if (rc == 0)
		rc = mta_add_header(ctx, m->m_qid, "X-Embargo-Action", sb_str(&v));
	if (rc == 0)
		rc = mta_add_header(ctx, m->m_qid, "X-Embargo-Findings", sb_str(&fs));
	sb_free(&v);
	sb_free(&fs);
	return rc;
}

static int
subject_prefix(SMFICTX *ctx, const struct msg *m, const char *prefix)
{
	struct strbuf v = STRBUF_INIT;
	int rc;

	if (m->m_subject == NULL)
		return mta_add_header(ctx, m->m_qid, "Subject", prefix);
	if (strlen(m->m_subject) >= 998) { /* kept bounded: we may not have all of it */
		log_msg(LOG_NOTICE, m->m_qid, "subject too long to prefix; left as is");
		return 0;
	}
	sb_adds(&v, prefix);
	sb_adds(&v, m->m_subject);
	rc = v.oom ? -1 : mta_change_header(ctx, m->m_qid, "Subject", 1, sb_str(&v));
	sb_free(&v);
	return rc;
}

/* The top-level entity (child of part 0) holding PART, or -1. */
static int
top_entity(const struct report *r, int part)
{
	int steps;

	for (steps = 0; part > 0 && steps < REPORT_MAX_PARTS; steps++) {
		const struct report_part *p = report_part(r, part);

		if (p == NULL || p->parent < 0 || p->parent >= part)
			return -1;
		if (p->parent == 0)
			return part;
		part = p->parent;
	}
	return -1;
}

struct strip_range {
	int part;
	uint64_t start, end;
};

static int
cmp_range(const void *a, const void *b)
{
	const struct strip_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Move START back to the first byte after the boundary line that opens its entity.
 * message.h promises ranges that include the entity's headers; the MIME parser
 * currently gives the start of the entity's body. Walking back to the boundary
 * line serves both (when START already follows the boundary line, it stays).
 * Headers are bounded by limits.header_bytes, so is the walk.
 */
static int
entity_start(const struct msg *m, uint64_t *start)
{
	size_t want = m->m_cfg->scan.lim.header_bytes + 1024, got, i;
	unsigned char *buf;
	uint64_t from;
	int rc = -1;

	if (*start < want)
		want = (size_t)*start;
	from = *start - want;
	if (want == 0 || (buf = malloc(want)) == NULL)
		return -1;
	if (spool_pread(m->m_raw, m->m_body_off + from, buf, want, &got) != EM_OK ||
	    got != want)
		goto out;
	/* The last line before START that begins with "--" is the boundary line. */
	for (i = want; i-- > 0;) {
		if (buf[i] != '-' || i + 1 >= want || buf[i + 1] != '-' ||
		    (i > 0 && buf[i - 1] != '\n') || (i == 0 && from != 0))
			continue;
		while (i < want && buf[i] != '\n')
			i++;
		if (i < want) {
			*start = from + i + 1;
			rc = 0;
		}
		break;
	}
out:
	free(buf);
	return rc;
}

/* The entities to replace, sorted. Returns the count, or -1 when strip is impossible. */
static int
strip_ranges(const struct msg *m, const struct report *r, const struct decision *d,
    struct strip_range *rg)
{
	int i, k, n = 0, top;

	for (i = 0; i < d->nfact; i++) {
		if (d->fact[i] != ACT_STRIP)
			continue;
		if ((top = top_entity(r, report_finding(r, i)->part)) < 0)
			return -1;
		for (k = 0; k < n && rg[k].part != top; k++)
			;
		if (k < n)
			continue;
		if (n == ACT_MAX_STRIP ||
		    msg_part_range(m, top, &rg[n].start, &rg[n].end) != 0 ||
		    entity_start(m, &rg[n].start) != 0)
			return -1;
		rg[n++].part = top;
	}
	qsort(rg, (size_t)n, sizeof(*rg), cmp_range);
	for (k = 0; k < n; k++)
		if (rg[k].end < rg[k].start || rg[k].end > m->m_body_size ||
		    (k > 0 && rg[k].start < rg[k - 1].end))
			return -1;
	return n;
}

/* Body bytes [from, to) of the original, to the MTA. */
static int
copy_body(
    SMFICTX *ctx, const struct msg *m, uint64_t from, uint64_t to, unsigned char *buf)
{
	size_t want, got;

	while (from < to) {
		want = to - from < ACT_CHUNK ? (size_t)(to - from) : ACT_CHUNK;
		if (spool_pread(m->m_raw, m->m_body_off + from, buf, want, &got) !=
			EM_OK ||
		    got == 0 || mta_replace_body(ctx, m->m_qid, buf, got) != 0)
			return -1;
		from += got;
	}
	return 0;
}

static int
notice(SMFICTX *ctx, const struct msg *m, const struct report *r,
    const struct decision *d, int part, const char *qid)
{
	const struct report_part *p = report_part(r, part);
	const char *fname = p && p->filename ? p->filename : "(unnamed)";
	struct strbuf sb = STRBUF_INIT;
	int i, rc, first = -1;

	for (i = 0; i < d->nfact && first < 0; i++)
		if (d->fact[i] == ACT_STRIP &&
		    top_entity(r, report_finding(r, i)->part) == part)
			first = i;
	sb_adds(&sb,
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Disposition: inline; filename=\"removed.txt\"\r\n\r\n"
	    "The attachment \"");
	sb_safe(&sb, fname, strlen(fname), 200);
	sb_adds(&sb, "\" was removed by the mail gateway.\r\nReason: ");
	if (first >= 0)
		sb_safe(&sb, report_finding(r, first)->name,
		    strlen(report_finding(r, first)->name), 80);
	sb_printf(
	    &sb, " (rule %s).\r\nQuarantine id: %s\r\n", d->rule ? d->rule : "-", qid);
	rc = sb.oom ?
	    -1 :
	    mta_replace_body(ctx, m->m_qid, (const unsigned char *)sb_str(&sb), sb.len);
	sb_free(&sb);
	return rc;
}

/* 0 done, 1 impossible (the caller quarantines), -2 the store failed, -1 the MTA
 * failed after the copy was stored (the caller tempfails; the MTA keeps the original). */
static int
do_strip(SMFICTX *ctx, const struct msg *m, const struct report *r,
    const struct decision *d, struct action_result *res, const char **why)
{
	struct strip_range rg[ACT_MAX_STRIP];
	unsigned char *buf;
	uint64_t pos = 0;
	int n, k, rc = -1;

	if ((n = strip_ranges(m, r, d, rg)) <= 0)
		return 1;
	if (store(m, r, d, "strip", 1, res, why) != 0)
		return -2;
	if ((buf = malloc(ACT_CHUNK)) == NULL)
		return -1;
	for (k = 0; k < n; k++) {
		if (copy_body(ctx, m, pos, rg[k].start, buf) != 0 ||
		    notice(ctx, m, r, d, rg[k].part, res->qid) != 0)
			goto out;
		pos = rg[k].end;
	}
	rc = copy_body(ctx, m, pos, m->m_body_size, buf);
out:
	free(buf);
	return rc;
}

static sfsistat
do_quarantine(SMFICTX *ctx, const struct msg *m, const struct report *r,
    const struct decision *d, struct action_result *res)
{
	const char *why = NULL;

	res->done = ACT_QUARANTINE;
	if (store(m, r, d, "quarantine", 1, res, &why) != 0)
		return store_failed(ctx, m, res, why);
	/* The copy is on disk, fsynced and indexed: only now may the MTA drop it. */
	if (d->quarantine_reject)
		return reply_and(ctx, m, d->reply, 0, SMFIS_REJECT);
	return SMFIS_DISCARD;
}

static sfsistat
do_hold(SMFICTX *ctx, const struct msg *m, const struct report *r,
    const struct decision *d, struct action_result *res)
{
	char reason[128];
	const char *why = NULL;

	/* The MTA keeps the message; the store only indexes it, so a store failure is
	 * logged, not fatal. */
	if (store(m, r, d, "hold", 0, res, &why) != 0)
		log_msg(LOG_WARNING, m->m_qid, "hold not recorded: %s", why);
	snprintf(reason, sizeof(reason), "embargo rule %s%s%s", d->rule ? d->rule : "-",
	    res->qid[0] ? " id " : "", res->qid);
	if (mta_hold(ctx, m->m_qid, reason) != 0)
		return reply_and(ctx, m, NULL, 1, SMFIS_TEMPFAIL);
	if (tag_headers(ctx, m, r, d, res) != 0)
		return reply_and(ctx, m, NULL, 1, SMFIS_TEMPFAIL);
	return SMFIS_CONTINUE;
}

static sfsistat
deliver_tagged(SMFICTX *ctx, const struct msg *m, const struct report *r,
    const struct decision *d, struct action_result *res)
{
	if (tag_headers(ctx, m, r, d, res) != 0 ||
	    (!d->observe && res->done == ACT_TAG && d->subject_prefix &&
		subject_prefix(ctx, m, d->subject_prefix) != 0)) {
		res->done = ACT_TEMPFAIL;
		return reply_and(ctx, m, NULL, 1, SMFIS_TEMPFAIL);
	}
	return SMFIS_CONTINUE;
}

sfsistat
actions_run(SMFICTX *ctx, struct msg *m, const struct report *r, const struct decision *d,
    struct action_result *res)
{
	const char *why = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	res->done = d->action;
	if (d->observe) {
		res->done = d->action == ACT_ACCEPT ? ACT_ACCEPT : ACT_TAG;
		return d->action == ACT_ACCEPT ? SMFIS_CONTINUE :
						 deliver_tagged(ctx, m, r, d, res);
	}
	switch (d->action) {
	case ACT_ACCEPT: return SMFIS_CONTINUE;
	case ACT_TAG: return deliver_tagged(ctx, m, r, d, res);
	case ACT_STRIP:
		rc = do_strip(ctx, m, r, d, res, &why);
		if (rc == 1) {
			res->note =
			    "strip impossible (not a top-level entity): quarantined";
			return do_quarantine(ctx, m, r, d, res);
		}
		if (rc == -2)
			return store_failed(ctx, m, res, why);
		if (rc != 0) {
			res->done = ACT_TEMPFAIL;
			res->note = "body replacement failed";
			return reply_and(ctx, m, NULL, 1, SMFIS_TEMPFAIL);
		}
		return deliver_tagged(ctx, m, r, d, res);
	case ACT_HOLD: return do_hold(ctx, m, r, d, res);
	case ACT_QUARANTINE: return do_quarantine(ctx, m, r, d, res);
	case ACT_DISCARD: return SMFIS_DISCARD;
	case ACT_REJECT: return reply_and(ctx, m, d->reply, 0, SMFIS_REJECT);
	case ACT_TEMPFAIL: return reply_and(ctx, m, d->reply, 1, SMFIS_TEMPFAIL);
	default:
		log_msg(LOG_ERR, m->m_qid, "broken invariant: action %d", (int)d->action);
		abort();
	}
}
