/*
 * q_release.c: `embargo-quarantine release`: deliver a stored message exactly once.
 *
 *  1. refuse what cannot be released (a hold, a state other than quarantined, a
 *     missing stored file, a file whose SHA-256 differs from the one recorded):
 *     the index is left unchanged;
 *  2. with --rescan, scan again with the current rules (without root) and refuse
 *     when the policy would still not deliver, unless --force;
 *  3. quarantined -> releasing in one conditional transaction: of two concurrent
 *     releases one wins, the other is refused;
 *  4. the release copy is the stored message under two headers, X-Embargo-Released
 *     and X-Embargo-Release-Auth (store_mark.h), so the daemon lets it through the
 *     MTA's milters once instead of quarantining it again;
 *  5. release_command (sendmail-compatible, exec'd without a shell) runs as
 *     `CMD -i -f SENDER -- RCPT...` per batch of Q_RELEASE_BATCH recipients;
 *  6. released once every batch was accepted; otherwise back to quarantined with
 *     the number delivered kept, so a retry to the original recipients resumes.
 * BUGS: a crash between a batch accepted and step 6 leaves the entry releasing;
 * `release --retry` resets it and delivers again (the MTA log tells whether needed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store/store_deliver.h"
#include "store/store_mark.h"
#include "tools/q.h"

struct rel {
	const char **rc; /* recipients; pointers into buf or the options */
	size_t n, start;
	char *buf;
	int out; /* the release copy (a temporary file) */
};

/* SHA-256 of the whole file and the body hash of the marker, one pass. */
static int
hash_file(int fd, char sha[65], char body[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct store_bh *bh = store_bh_new(1);
	unsigned char buf[65536], d[EVP_MAX_MD_SIZE];
	unsigned dl = 0, i;
	ssize_t n;
	int rc = -1;

	if (md == NULL || bh == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || EVP_DigestUpdate(md, buf, (size_t)n) != 1 ||
		    store_bh_feed(bh, buf, (size_t)n) != 0)
			goto out;
	}
	if (EVP_DigestFinal_ex(md, d, &dl) != 1 || dl != 32)
		goto out;
	for (i = 0; i < dl; i++)
		snprintf(sha + 2 * i, 3, "%02x", d[i]);
	rc = store_bh_final(bh, body);
	bh = NULL;
out:
	if (bh)
		store_bh_final(bh, body);
	EVP_MD_CTX_free(md);
	return rc;
}

/* The release copy: marker headers, then the stored message (store_deliver.c). */
static int
make_copy(struct qctx *c, const struct store_entry *e, int in, int *out)
{
	struct strbuf err = STRBUF_INIT, who = STRBUF_INIT;
	int rc;

	sb_safe(&who, c->who, strlen(c->who), 64);
	rc = who.oom ? -1 :
		       store_release_copy(
			   c->cfg->quarantine_dir, e, sb_str(&who), NULL, in, out, &err);
	if (rc != 0)
		fprintf(Q_ERR(c),
		    "embargo-quarantine: %s: no release copy (%s): a missing "
		    "release key is made by the daemon's first start\n",
		    e->id, sb_str(&err));
	sb_free(&err);
	sb_free(&who);
	return rc;
}

/* The recipients: --to, or the stored ones (from release_done on, when resuming). */
static int
recipients(struct qctx *c, const struct store_entry *e, struct rel *r)
{
	char *p;
	size_t cap = 64;

	if (c->o->nto) {
		r->rc = c->o->to;
		r->n = c->o->nto;
		return 0;
	}
	if ((r->buf = strdup(e->rcpts)) == NULL ||
	    (r->rc = calloc(cap, sizeof(*r->rc))) == NULL)
		return -1;
	for (p = r->buf; *p;) {
		if (r->n == cap) {
			const char **nv = realloc(r->rc, (cap *= 2) * sizeof(*nv));

			if (nv == NULL)
				return -1;
			r->rc = nv;
		}
		r->rc[r->n++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	if (e->release_done > 0 && (size_t)e->release_done < r->n) {
		r->start = (size_t)e->release_done;
		fprintf(Q_OUT(c), "%s: resuming after %zu recipients already delivered\n",
		    e->id, r->start);
	}
	return 0;
}

static void
rel_free(struct qctx *c, struct rel *r)
{
	if (r->rc != c->o->to)
		free(r->rc);
	free(r->buf);
	if (r->out >= 0)
		close(r->out);
}

/* Refusals that leave the index unchanged; 0 when releasable. FD: the stored file. */
static int
check(struct qctx *c, const struct store_entry *e, int *fd, char body[65])
{
	char sha[65];

	if (!e->has_file && strcmp(e->action, "hold") == 0) {
		fprintf(Q_OUT(c),
		    "%s is held in the MTA queue; release it there: postsuper -H %s\n",
		    e->id, e->queue_id);
		return Q_REFUSED;
	}
	if (strcmp(e->state, "releasing") == 0 && !c->o->retry) {
		char when[40];

		q_time(e->changed_at, 0, when, sizeof(when));
		fprintf(Q_OUT(c),
		    "%s: a release is in progress, or was interrupted (started %s): if none "
		    "is running, check the MTA log for \"%s: %s\", then `release --retry %s`\n",
		    e->id, when, STORE_MARK_HDR, e->id, e->id);
		return Q_REFUSED;
	}
	if (strcmp(e->state, "releasing") != 0 && strcmp(e->state, "quarantined") != 0) {
		fprintf(Q_OUT(c), "%s is %s: nothing to release\n", e->id, e->state);
		return Q_REFUSED;
	}
	if ((*fd = store_open_msg(c->s, e->id)) < 0) {
		fprintf(Q_OUT(c),
		    "%s: refused: the stored file is missing or unreadable (%s); run "
		    "`embargo-quarantine fsck`\n",
		    e->id, strerror(errno));
		return Q_REFUSED;
	}
	if (hash_file(*fd, sha, body) != 0 ||
	    (e->sha256[0] && strcmp(sha, e->sha256) != 0)) {
		fprintf(Q_OUT(c),
		    "%s: refused: the stored file is damaged (its SHA-256 differs from the "
		    "one recorded when it was stored)\n",
		    e->id);
		return Q_REFUSED;
	}
	return 0;
}

struct rescan_arg {
	const struct em_config *cfg;
	int fd;
	const struct store_entry *e;
};

static int
rescan_child(void *arg)
{
	struct rescan_arg *a = arg;

	return q_rescan(a->cfg, a->fd, a->e, 0);
}

static int
deliver(struct qctx *c, const struct store_entry *e, struct rel *r)
{
	struct strbuf d = STRBUF_INIT;
	size_t i, k;
	int ok = 1;

	for (i = r->start; ok && i < r->n; i += k) {
		k = r->n - i < Q_RELEASE_BATCH ? r->n - i : Q_RELEASE_BATCH;
		ok = store_release_run(
			 c->cfg->release_command, e->sender, r->out, r->rc + i, k) == 0;
		if (!ok)
			break;
	}
	if (ok)
		sb_printf(&d, "to %zu recipient%s", r->n, r->n == 1 ? "" : "s");
	else
		sb_printf(&d, "%s failed after %zu of %zu recipients",
		    c->cfg->release_command, i, r->n);
	if (store_release_end(
		c->s, e->id, c->who, ok, c->o->nto ? 0 : (int64_t)i, sb_str(&d)) != 0)
		fprintf(Q_ERR(c), "embargo-quarantine: %s: %s but not recorded: %s\n",
		    e->id, sb_str(&d), store_error(c->s));
	else if (ok)
		fprintf(Q_OUT(c), "%s released %s\n", e->id, sb_str(&d));
	else
		fprintf(Q_ERR(c), "embargo-quarantine: %s: %s; not released\n", e->id,
		    sb_str(&d));
	sb_free(&d);
	return ok ? Q_OK : Q_ERROR;
}

int
q_release(struct qctx *c, const struct store_entry *e)
{
	struct rel r = { NULL, 0, 0, NULL, -1 };
	struct strbuf to = STRBUF_INIT;
	char body[65];
	size_t i;
	int fd = -1, rc;

	if ((rc = check(c, e, &fd, body)) != 0)
		goto out;
	rc = Q_ERROR;
	if (recipients(c, e, &r) != 0 || r.n == 0) {
		fprintf(Q_ERR(c), "embargo-quarantine: %s: no recipients\n", e->id);
		goto out;
	}
	if (c->o->rescan) {
		struct rescan_arg a = { c->cfg, fd, e };

		if ((rc = q_unprivileged(c->cfg, rescan_child, &a)) != 0 &&
		    !(rc == 1 && c->o->force)) {
			if (rc == 1)
				fprintf(Q_OUT(c),
				    "%s: not released (the current policy would not deliver it; "
				    "--force releases anyway)\n",
				    e->id);
			goto out;
		}
		rc = Q_ERROR;
	}
	if (make_copy(c, e, fd, &r.out) != 0)
		goto out;
	if (strcmp(e->state, "releasing") == 0 &&
	    store_release_reset(c->s, e->id, c->who) < 0)
		goto out;
	for (i = 0; i < c->o->nto; i++)
		sb_printf(&to, "%s%s", i ? "," : "", c->o->to[i]);
	if ((rc = store_release_begin(c->s, e->id, c->who, sb_str(&to))) != 0) {
		if (rc == 1)
			fprintf(Q_OUT(c),
			    "%s: refused: another release has it, or its state changed\n",
			    e->id);
		rc = rc == 1 ? Q_REFUSED : Q_ERROR;
		goto out;
	}
	rc = deliver(c, e, &r);
out:
	if (fd >= 0)
		close(fd);
	rel_free(c, &r);
	sb_free(&to);
	return rc;
}
