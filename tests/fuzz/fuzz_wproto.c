/*
 * fuzz_wproto.c: wp_parse_report() on arbitrary bytes, as a compromised scan worker
 * could send them. A report that parses is serialised again and must parse again to
 * the same bytes (the parser accepts only what the writer can write). Checks that
 * nothing crashes, leaks or hangs, and aborts on a round trip that differs.
 */
#include <stdlib.h>
#include <string.h>

#include "worker/wproto.h"

static int
range_of(void *arg, int part, uint64_t *s, uint64_t *e)
{
	return wp_part_range(arg, part, s, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wp_result res, again;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	if (wp_parse_report(data, size, &res) != 0)
		return 0;
	wp_put_report(&a, res.status, res.r, range_of, &res);
	if (a.oom || wp_parse_report((const unsigned char *)a.s, a.len, &again) != 0)
		abort();
	wp_put_report(&b, again.status, again.r, range_of, &again);
	if (b.len != a.len || memcmp(a.s, b.s, a.len) != 0)
		abort();
	wp_result_free(&res);
	wp_result_free(&again);
	sb_free(&a);
	sb_free(&b);
	return 0;
}
