/*
 * fuzz_archive.c: archive_scan() on arbitrary bytes, as an archive and as a disk
 * image, with a candidate password known and small budgets so every input ends
 * quickly; and the same bytes through the password harvester as message text.
 * Checks only that nothing crashes, leaks or hangs.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "core/analyser.h"
#include "core/passwords.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_archive_once(const uint8_t *data, size_t size, enum tclass tc)
{
	static const char text[] = "Hello, the password is: infected";
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_bytes = 8u << 20;
	cfg.lim.archive_members = 200;
	cfg.lim.archive_depth = 3;
	cfg.lim.scan_seconds = 5;
	if ((r = report_new()) == NULL)
		return;
	report_part_add(r, -1, "", 1);
	ctx = scan_new(&cfg, r);
	sp = spool_new(cfg.lim.spool_memory, NULL);
	if (ctx != NULL && sp != NULL && spool_write(sp, data, size) == EM_OK) {
		scan_text(ctx, text, sizeof(text) - 1);
		memset(&in, 0, sizeof(in));
		in.sp = sp;
		in.size = size;
		in.tc = tc;
		in.name = "fuzz.bin.gz";
		archive_scan(ctx, &in);
		scan_finish(ctx);
	}
	spool_free(sp);
	scan_free(ctx);
	report_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pwlist *pw = pwlist_new(8);

	pwlist_harvest(pw, (const char *)data, size);
	passwords_free(pw);
	fuzz_archive_once(data, size, TC_ARCHIVE);
	if (size > 0 && (data[0] & 1))
		fuzz_archive_once(data, size, TC_DISK_IMAGE);
	return 0;
}
