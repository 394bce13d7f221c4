/*
 * rawfile.c: `embargo-scan --raw`: one file, not a message, as part 0.
 */
#include <errno.h>
#include <unistd.h>

#include "core/message.h"

em_status
scan_raw_file(const struct scan_config *cfg, const char *name, int fd, struct report *r)
{
	unsigned char buf[65536];
	struct spool *sp = NULL;
	struct scan_ctx *ctx = NULL;
	em_status st = EM_TEMPFAIL;
	ssize_t n;
	int part;

	if ((part = report_part_add(r, -1, "", 1)) < 0)
		goto out;
	report_part_filename(r, part, name);
	if ((sp = spool_new(cfg->lim.spool_memory, cfg->tmpdir)) == NULL)
		goto out;
	if ((ctx = scan_new(cfg, r)) == NULL)
		goto out;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if ((st = spool_write(sp, buf, (size_t)n)) != EM_OK)
			goto out;
	}
	st = scan_part(ctx, part, sp, NULL);
	if (st == EM_OK)
		st = scan_finish(ctx);
out:
	scan_free(ctx);
	spool_free(sp);
	return st;
}
