/*
 * fuzz_webreport.c: embargo-web's reader of the stored report JSON
 * (milter/web/report_view.c) on arbitrary text: never crashes, never reads past
 * the end, and draws only escaped text (no "<script" can come out of the input).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf b = STRBUF_INIT;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	web_report_tree(&b, s);
	if (b.s != NULL && (strstr(b.s, "<script") || strstr(b.s, "<img")))
		abort();
	sb_free(&b);
	free(s);
	return 0;
}
