/*
 * release_pass.c: see release_pass.h. The marker must be single (one of each
 * header), its HMAC must match the body as it arrives now, and the index entry must
 * be releasing or released: a copy of a marker on another body, an unknown id or a
 * deleted entry all fail. A pass is recorded in the entry's history (release-pass,
 * with the MTA queue id), so a replayed copy shows as a second pass.
 * Limits: the header block is read up to RP_HDR_MAX bytes; the body is hashed in
 * 64 KiB chunks from the raw spool. Threads: the store is opened per call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/mta.h"
#include "daemon/release_pass.h"
#include "store/store_mark.h"

#define RP_HDR_MAX (1u << 20)
#define RP_CHUNK   65536

static int
body_hash(const struct msg *m, char hex[65])
{
	struct store_bh *h = store_bh_new(0);
	unsigned char *buf = malloc(RP_CHUNK);
	uint64_t off = m->m_body_off;
	size_t got;
	int rc = -1;

	if (h == NULL || buf == NULL)
		goto out;
	for (;;) {
		if (spool_pread(m->m_raw, off, buf, RP_CHUNK, &got) != EM_OK)
			goto out;
		if (got == 0)
			break;
		if (store_bh_feed(h, buf, got) != 0)
			goto out;
		off += got;
	}
	rc = store_bh_final(h, hex);
	h = NULL;
out:
	if (h != NULL)
		store_bh_final(h, hex);
	free(buf);
	return rc;
}

/* 0 valid, -1 not. */
static int
verify(
    const struct msg *m, const char *mark, const char *auth, char *qid, const char **why)
{
	struct strbuf err = STRBUF_INIT;
	unsigned char key[STORE_KEY_LEN];
	char bh[65], want[68];
	struct store_entry e;
	struct store *s;
	int rc = -1;

	*why = "bad marker";
	if (store_mark_id(mark, qid) != 0)
		return -1;
	*why = "no release key";
	if (store_key(m->m_cfg->quarantine_dir, 0, key, &err) != 0)
		goto out;
	*why = "signature does not match the body";
	if (body_hash(m, bh) != 0 || store_mark_auth(key, qid, bh, want) != 0 ||
	    strcmp(want, auth) != 0)
		goto out;
	*why = "no such entry releasing or released";
	if ((s = store_open(m->m_cfg->quarantine_dir, 0, &err)) == NULL)
		goto out;
	if (store_get(s, qid, &e) == 0) {
		if (strcmp(e.state, "releasing") == 0 || strcmp(e.state, "released") == 0)
			rc = 0;
		store_entry_clear(&e);
	}
	/* In the entry's history: each time a release passed (a replay shows twice). */
	if (rc == 0 && store_audit(s, qid, "release-pass", "embargo", m->m_qid) != 0)
		log_msg(LOG_WARNING, m->m_qid, "release pass not recorded: %s",
		    store_error(s));
	store_close(s);
out:
	sb_free(&err);
	return rc;
}

static int
remove_markers(SMFICTX *ctx, const struct msg *m, int nmark, int nauth)
{
	int k;

	for (k = nmark; k > 0; k--)
		if (mta_change_header(ctx, m->m_qid, STORE_MARK_HDR, k, NULL) != 0)
			return -1;
	for (k = nauth; k > 0; k--)
		if (mta_change_header(ctx, m->m_qid, STORE_AUTH_HDR, k, NULL) != 0)
			return -1;
	return 0;
}

int
release_pass(SMFICTX *ctx, const struct msg *m, char qid[STORE_ID_LEN + 1])
{
	size_t want = m->m_body_off < RP_HDR_MAX ? (size_t)m->m_body_off : RP_HDR_MAX,
	       got;
	char *hdrs = want ? malloc(want) : NULL, mark[300], auth[100];
	const char *why = "out of memory";
	int nmark = 0, nauth = 0, rc = 0;

	qid[0] = '\0';
	if (hdrs != NULL && spool_pread(m->m_raw, 0, hdrs, want, &got) == EM_OK) {
		nmark =
		    store_header_value(hdrs, got, STORE_MARK_HDR, 0, mark, sizeof(mark));
		nauth =
		    store_header_value(hdrs, got, STORE_AUTH_HDR, 0, auth, sizeof(auth));
	}
	free(hdrs);
	if (nmark == 0 && nauth == 0)
		return 0;
	if (nmark == 1 && nauth == 1 && verify(m, mark, auth, qid, &why) == 0) {
		log_msg(
		    LOG_NOTICE, m->m_qid, "release pass: quarantine=%s verified", qid);
		return 1;
	}
	if (nmark != 1 || nauth != 1)
		why = "marker headers not single";
	log_msg(LOG_WARNING, m->m_qid,
	    "release marker refused (%s): removed, message scanned", why);
	qid[0] = '\0';
	if (remove_markers(ctx, m, nmark, nauth) != 0)
		rc = -1;
	return rc;
}
