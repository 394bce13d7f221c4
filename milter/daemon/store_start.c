/*
 * store_start.c: the quarantine store at daemon start, after the privilege drop:
 * make the release key (store_mark.h) and run store_fsck with nothing else writing
 * (files without rows re-indexed, interrupted deletes and purges finished, stale
 * .tmp removed, rows without files marked missing), one log line with the counts;
 * give the store to review_group (store_set_group) when that group exists.
 * Not fatal: a store that cannot be opened is logged, and the messages that need it
 * are tempfailed (the MTA keeps them) until it is fixed.
 */
#include <grp.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/store_start.h"
#include "store/store.h"
#include "store/store_mark.h"

void
store_configure(const struct em_config *cfg)
{
	char host[256] = "";

	if (cfg->host_name && cfg->host_name[0])
		snprintf(host, sizeof(host), "%s", cfg->host_name);
	else if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "unknown");
	store_set_db(cfg->quarantine_db, host);
	store_set_pool(cfg->scan.lim.scan_parallel, cfg->db_timeout);
}

static void
review_group(const struct em_config *cfg)
{
	struct strbuf err = STRBUF_INIT;
	struct group *gr = getgrnam(cfg->review_group);

	if (gr == NULL)
		log_msg(LOG_WARNING, NULL,
		    "review_group %s: no such group: quarantine "
		    "review needs root",
		    cfg->review_group);
	else if (store_set_group(cfg->quarantine_dir, gr->gr_gid, &err) != 0)
		log_msg(LOG_WARNING, NULL,
		    "review_group %s: %s: quarantine review may need "
		    "root",
		    cfg->review_group, sb_str(&err));
	sb_free(&err);
}

void
store_start(const struct em_config *cfg)
{
	struct strbuf err = STRBUF_INIT;
	unsigned char key[STORE_KEY_LEN];
	struct store_fsck r;
	struct store *s;

	if ((s = store_open(cfg->quarantine_dir, STORE_CREATE, &err)) == NULL) {
		log_msg(LOG_ERR, NULL,
		    "quarantine: %s: messages that need it will be tempfailed",
		    sb_str(&err));
		goto out;
	}
	if (store_key(cfg->quarantine_dir, 1, key, &err) != 0)
		log_msg(LOG_ERR, NULL, "quarantine: %s: releases will be scanned again",
		    sb_str(&err));
	if (cfg->review_group && cfg->review_group[0])
		review_group(cfg);
	if (store_fsck(s, STORE_START, "embargo", &r) != 0)
		log_msg(LOG_ERR, NULL, "quarantine check: %s", store_error(s));
	else if (r.reindexed || r.missing || r.tmp_removed || r.finished ||
	    r.meta_removed || r.stuck || r.unreadable)
		log_msg(LOG_WARNING, NULL,
		    "quarantine check: reindexed=%zu missing=%zu "
		    "tmp_removed=%zu finished=%zu meta_removed=%zu releasing_stuck=%zu "
		    "unknown_files=%zu",
		    r.reindexed, r.missing, r.tmp_removed, r.finished, r.meta_removed,
		    r.stuck, r.unreadable);
out:
	store_close(s);
	sb_free(&err);
}
