/*
 * fuzz_analysers.c: one fuzz target for every row of the analyser table
 * (core/analysers.def). Input: "<scan function name>\0<bytes>" runs that row's scan
 * on BYTES; when the input does not start with a row's name and a NUL, the row is
 * data[0] % rows and the bytes are the rest. The bytes are spooled and windowed as
 * the pipeline does, with small budgets so every input ends quickly, "password" is a
 * candidate from the message text, children run through the whole pipeline and
 * parts kept for late passwords are retried (scan_finish). Checks only that nothing
 * crashes, leaks or hangs. Seeds: tests/fuzz/seeds/analysers/, made from the old
 * per-analyser targets by tests/fuzz/seeds_to_analysers.sh.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "core/passwords.h"
#include "core/scan.h"
#include "fuzz_analyser.h"
#include "core/spool.h"

#define FUZZ_NAME_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The row the input names, and where its bytes start. */
static const struct analyser *
fuzz_pick(const uint8_t *data, size_t size, size_t *skip)
{
	const struct analyser *tab, *a;
	const uint8_t *nul;
	char name[FUZZ_NAME_MAX];
	size_t n;

	tab = analyser_table(&n);
	if (n == 0 || size == 0)
		return NULL;
	nul = memchr(data, '\0', size < FUZZ_NAME_MAX ? size : FUZZ_NAME_MAX);
	if (nul != NULL) {
		memcpy(name, data, (size_t)(nul - data) + 1);
		if ((a = analyser_find(name)) != NULL) {
			*skip = (size_t)(nul - data) + 1;
			return a;
		}
	}
	*skip = 1;
	return &tab[data[0] % n];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "Hello, the password is: password";
	const struct analyser *a;
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;
	size_t skip = 0;
	struct pwlist *pw;

	/* the password harvester reads the same bytes as message text */
	if ((pw = pwlist_new(8)) != NULL) {
		pwlist_harvest(pw, (const char *)data, size);
		passwords_free(pw);
	}
	if ((a = fuzz_pick(data, size, &skip)) == NULL)
		return 0;
	data += skip;
	size -= skip;
	fuzz_config(&cfg);
	if ((r = report_new()) == NULL)
		return 0;
	report_part_add(r, -1, "", 1);
	ctx = scan_new(&cfg, r);
	sp = spool_new(cfg.lim.spool_memory, NULL);
	if (ctx != NULL && sp != NULL && spool_write(sp, data, size) == EM_OK) {
		scan_text(ctx, text, sizeof(text) - 1);
		memset(&in, 0, sizeof(in));
		in.sp = sp;
		in.data = data;
		in.len = size < cfg.lim.scan_window ? size : cfg.lim.scan_window;
		in.size = size;
		in.tc = a->tc;
		in.name = "fuzz.bin";
		a->scan(ctx, &in);
		scan_finish(ctx);
	}
	spool_free(sp);
	scan_free(ctx);
	report_free(r);
	return 0;
}
