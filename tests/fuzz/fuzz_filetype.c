/*
 * fuzz_filetype.c: filetype_scan() and names_scan() on arbitrary bytes. The input's
 * first line (up to 300 bytes) is the filename, the rest the content; the container
 * class is taken from the first byte so the OOXML/OLE2 skips are covered too. Checks
 * only that nothing crashes, leaks or hangs.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	const uint8_t *nl = memchr(data, '\n', size < 300 ? size : 300);
	size_t nlen = nl != NULL ? (size_t)(nl - data) : 0;
	char *name = malloc(nlen + 1);

	if (name == NULL)
		return 0;
	memcpy(name, data, nlen);
	name[nlen] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	if ((r = report_new()) == NULL) {
		free(name);
		return 0;
	}
	report_part_add(r, -1, "", 1);
	if ((ctx = scan_new(&cfg, r)) != NULL) {
		memset(&in, 0, sizeof(in));
		in.name = nl != NULL ? name : NULL;
		in.data = nl != NULL ? nl + 1 : data;
		in.len = nl != NULL ? size - nlen - 1 : size;
		in.size = in.len;
		in.container = size > 0 && (data[0] & 3) == 1 ? TC_OOXML :
		    size > 0 && (data[0] & 3) == 2 ? TC_OLE2 : TC_UNKNOWN;
		filetype_scan(ctx, &in);
		names_scan(ctx, &in);
	}
	scan_free(ctx);
	report_free(r);
	free(name);
	return 0;
}
