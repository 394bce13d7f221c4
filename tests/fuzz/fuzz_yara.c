/*
 * fuzz_yara.c: yara_scan() with the starter rules (conf/rules, loaded once from the
 * working directory, which is the tree's root under make) on arbitrary bytes. The
 * input's first line (up to 64 bytes) is the part's file name, so the extension and
 * filename externals see hostile names too; the rest is the part. The part is
 * scanned at depth 0 and again as a member (depth 1) in the same message.
 * Checks only that nothing crashes, leaks or hangs (timeout 2 s per scan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyser.h"
#include "yara/yara.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct yara_rules *
fuzz_yara_rules(void)
{
	static struct yara_rules *rules;
	struct strbuf err = STRBUF_INIT;
	const char *paths[1] = { "conf/rules" };

	if (rules != NULL)
		return rules;
	if (yara_global_init() != 0 || (rules = yara_rules_load(paths, 1, &err)) == NULL) {
		fprintf(stderr, "fuzz_yara: cannot load conf/rules: %s\n", sb_str(&err));
		abort();
	}
	sb_free(&err);
	return rules;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	char name[65];
	size_t n = 0;
	int child;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.yara_timeout = 2;
	cfg.lim.scan_seconds = 5;
	cfg.rules[0] = fuzz_yara_rules();
	while (n < size && n < sizeof(name) - 1 && data[n] != '\n' && data[n] != '\0')
		n++;
	memcpy(name, data, n);
	name[n] = '\0';
	if ((r = report_new()) == NULL)
		return 0;
	report_part_add(r, -1, "", 1);
	report_part_filename(r, 0, name);
	if ((ctx = scan_new(&cfg, r)) != NULL) {
		memset(&in, 0, sizeof(in));
		in.name = name;
		in.mime = "application/octet-stream";
		in.data = data + n;
		in.len = size - n;
		in.size = in.len;
		yara_scan(ctx, &in);
		if ((child = report_part_add(r, 0, name, 0)) >= 0) {
			in.part = child;
			yara_scan(ctx, &in);
		}
	}
	scan_free(ctx);
	report_free(r);
	return 0;
}
