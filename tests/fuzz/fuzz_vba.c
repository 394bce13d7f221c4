/*
 * fuzz_vba.c: the MS-OVBA decompressor, the dir stream parser and the keyword
 * analysis on arbitrary bytes: the input is decompressed (capped at 1 MiB), the
 * output parsed as a dir stream and analysed as source; the raw input is analysed
 * too. Checks only that nothing crashes, leaks or hangs.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

#include "office/vba.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vba_module mods[16];
	struct strbuf a, s;
	unsigned char *out = NULL;
	size_t n = 0;
	unsigned nm;

	sb_init(&a, 900);
	sb_init(&s, 900);
	if (vba_decompress(data, size, 1u << 20, &out, &n) != -2) {
		(void)vba_dir_parse(out, n, mods, 16, &nm);
		vba_analyse((const char *)out, n, 1, &a, &s);
		free(out);
	}
	(void)vba_dir_parse(data, size, mods, 16, &nm);
	vba_analyse((const char *)data, size, (int)(size & 1), &a, &s);
	sb_free(&a);
	sb_free(&s);
	return 0;
}
