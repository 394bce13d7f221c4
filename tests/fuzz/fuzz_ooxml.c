/*
 * fuzz_ooxml.c: ooxml_member_scan() on arbitrary bytes, under member names chosen by the
 * first byte (relationships, Word story, sheets, macro sheets, ODF parts), then
 * ooxml_flat_scan() and ooxml_csv_scan() on the same bytes,
 * with small budgets so every input ends quickly. Children (decoded objects and
 * payloads) run through the whole pipeline. Checks only that nothing crashes,
 * leaks or hangs.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "core/analyser.h"
#include "office/ooxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_names[] = {
	"word/_rels/document.xml.rels", "[Content_Types].xml", "word/document.xml",
	"xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/macrosheets/sheet1.xml",
	"xl/externalLinks/externalLink1.xml", "word/embeddings/oleObject1.bin",
	"Basic/Standard/Module1.xml", "content.xml", "Object 1", "xl/workbook.bin",
	"xl/externalLinks/externalLink1.bin",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;

	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_bytes = 8u << 20;
	cfg.lim.archive_members = 200;
	cfg.lim.archive_depth = 3;
	cfg.lim.scan_seconds = 5;
	if ((r = report_new()) == NULL)
		return 0;
	report_part_add(r, -1, "", 1);
	if ((ctx = scan_new(&cfg, r)) != NULL) {
		memset(&in, 0, sizeof(in));
		in.data = data;
		in.len = size;
		in.size = size;
		in.tc = TC_XML;
		in.name = fuzz_names[size > 0 ?
		    data[0] % (sizeof(fuzz_names) / sizeof(fuzz_names[0])) : 0];
		in.container = size > 1 && (data[1] & 1) ? TC_ODF : TC_OOXML;
		ooxml_member_scan(ctx, &in);
		/* the same bytes as a single-file Office XML and as a CSV */
		ooxml_flat_scan(ctx, &in);
		in.name = "fuzz.csv";
		ooxml_csv_scan(ctx, &in);
	}
	scan_free(ctx);
	report_free(r);
	return 0;
}
