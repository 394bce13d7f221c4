/*
 * fuzz_sevenzip.c: the 7z AES reader (sevenzip.c, sevenzip_hdr.c,
 * sevenzip_coders.c) through archive_scan() on arbitrary bytes, with "infected"
 * (the seeds' password) as a candidate from the message text and small budgets.
 * A 7z's two header CRCs would stop almost every mutation before the parser, so
 * when the input starts with the 7z signature they are recomputed first: the
 * fuzzer then reaches the header parser, the encoded header and the coder chain.
 * Checks only that nothing crashes, leaks or hangs. Seeds: tests/fuzz/seeds/
 * sevenzip (fixtures of tests/data/sevenzip/mk7z.sh).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Make the next-header CRC and the start-header CRC right, when they can be. */
static void
fix_crcs(unsigned char *b, size_t n)
{
	uint64_t off, len;

	if (n < 32 || memcmp(b, "7z\xBC\xAF\x27\x1C", 6) != 0)
		return;
	off = get64(b + 12);
	len = get64(b + 20);
	if (off <= n - 32 && len <= n - 32 - off)
		put32(b + 28, (uint32_t)crc32(0, b + 32 + off, (uInt)len));
	put32(b + 8, (uint32_t)crc32(0, b + 12, 20));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "Hello, the password is: infected";
	struct scan_config cfg;
	struct scan_input in;
	struct report *r = NULL;
	struct scan_ctx *ctx = NULL;
	struct spool *sp = NULL;
	unsigned char *b = malloc(size + 1);

	if (b == NULL)
		return 0;
	memcpy(b, data, size);
	fix_crcs(b, size);
	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_bytes = 8u << 20;
	cfg.lim.archive_members = 200;
	cfg.lim.archive_depth = 3;
	cfg.lim.scan_seconds = 5;
	if ((r = report_new()) != NULL && report_part_add(r, -1, "", 1) == 0 &&
	    (ctx = scan_new(&cfg, r)) != NULL &&
	    (sp = spool_new(cfg.lim.spool_memory, NULL)) != NULL &&
	    spool_write(sp, b, size) == EM_OK) {
		scan_text(ctx, text, sizeof(text) - 1);
		memset(&in, 0, sizeof(in));
		in.sp = sp;
		in.size = size;
		in.tc = TC_ARCHIVE;
		in.name = "fuzz.7z";
		archive_scan(ctx, &in);
		scan_finish(ctx);
	}
	spool_free(sp);
	scan_free(ctx);
	report_free(r);
	free(b);
	return 0;
}
