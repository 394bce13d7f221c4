/*
 * mime_testlib.h: helpers for the MIME unit tests: run a message through msgscan in
 * chunks of a given size, find parts by path, count findings. Header-only, static.
 */
#ifndef EMBARGO_MIME_TESTLIB_H
#define EMBARGO_MIME_TESTLIB_H

#include <stdlib.h>
#include <string.h>

#include "core/message.h"

static struct scan_config mt_cfg;

static inline void
mt_config(void)
{
	memset(&mt_cfg, 0, sizeof(mt_cfg));
	scan_limits_default(&mt_cfg.lim);
}

/* Feed MSG (LEN bytes) in CHUNK-byte pieces (0: whole). Returns the msgscan. */
static inline struct msgscan *
mt_run(const char *msg, size_t len, size_t chunk)
{
	struct msgscan *m = msgscan_new(&mt_cfg, 1);
	size_t off = 0, k;

	if (m == NULL)
		return NULL;
	if (chunk == 0)
		chunk = len ? len : 1;
	while (off < len) {
		k = len - off < chunk ? len - off : chunk;
		if (msgscan_body(m, msg + off, k) != EM_OK)
			break;
		off += k;
	}
	msgscan_end(m);
	return m;
}

static inline const struct report_part *
mt_part(struct msgscan *m, const char *path)
{
	struct report *r = msgscan_report(m);
	int i;

	for (i = 0; i < report_nparts(r); i++)
		if (strcmp(report_part(r, i)->path, path) == 0)
			return report_part(r, i);
	return NULL;
}

static inline int
mt_count(struct msgscan *m, const char *name)
{
	struct report *r = msgscan_report(m);
	int i, n = 0;

	for (i = 0; i < report_nfindings(r); i++)
		if (strcmp(report_finding(r, i)->name, name) == 0)
			n++;
	return n;
}

/* The report as JSON (malloc'd). */
static inline char *
mt_json(struct msgscan *m)
{
	struct strbuf sb = STRBUF_INIT;

	report_json(msgscan_report(m), &sb);
	return sb_take(&sb);
}

#endif
