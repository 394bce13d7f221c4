/*
 * fuzz_mime.c: the MIME parser (msgscan, headers in the stream) on arbitrary bytes
 * with small limits, so every input ends quickly. The input is parsed twice, whole
 * and in chunks whose size comes from the first byte; the two reports must be
 * identical (chunking invariance), else the target aborts.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/message.h"

static char *
run(const struct scan_config *cfg, const uint8_t *data, size_t size, size_t chunk)
{
	struct msgscan *m = msgscan_new(cfg, 1);
	struct strbuf sb = STRBUF_INIT;
	size_t off = 0, k;

	if (m == NULL)
		return NULL;
	while (off < size) {
		k = size - off < chunk ? size - off : chunk;
		if (msgscan_body(m, data + off, k) != EM_OK)
			break;
		off += k;
	}
	msgscan_end(m);
	report_json(msgscan_report(m), &sb);
	msgscan_free(m);
	return sb_take(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	char *a, *b;
	size_t chunk;

	if (size == 0)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.mime_depth = 8;
	cfg.lim.mime_parts = 64;
	cfg.lim.header_bytes = 2048;
	cfg.lim.line_length = 200;
	cfg.lim.decoded_bytes = 1u << 20;
	cfg.lim.archive_bytes = 4u << 20;
	cfg.lim.archive_members = 50;
	cfg.lim.archive_depth = 2;
	cfg.lim.scan_seconds = 5;
	chunk = (size_t)data[0] % 17 + 1;
	a = run(&cfg, data + 1, size - 1, size);
	b = run(&cfg, data + 1, size - 1, chunk);
	if (a != NULL && b != NULL && strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
