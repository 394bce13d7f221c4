/*
 * test_spool_writes.c: a file spool gathers small writes (decoders hand over a byte
 * or a line at a time: BinHex once cost one write(2) per decoded byte), and bytes
 * still in the write buffer are seen by spool_pread, spool_map and spool_sha256.
 * The write(2) count comes from /proc/self/io (syscw); without it that test skips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/spool.h"

#define NBYTES (1024u * 1024)

/* write(2) calls made by this process so far, or -1. */
static long long
syscw(void)
{
	FILE *fp = fopen("/proc/self/io", "r");
	char line[128];
	long long v = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "syscw:", 6) == 0)
			v = strtoll(line + 6, NULL, 10);
	fclose(fp);
	return v;
}

static unsigned char
byte_at(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static void
one_byte_writes_are_gathered(void **state)
{
	struct spool *s = spool_new(1024, "/tmp");
	long long before = syscw(), after;
	size_t i;

	(void)state;
	if (before < 0) {
		spool_free(s);
		skip();
	}
	assert_non_null(s);
	for (i = 0; i < NBYTES; i++) {
		unsigned char c = byte_at(i);

		assert_int_equal(spool_write(s, &c, 1), EM_OK);
	}
	after = syscw();
	/* 1 MiB through a 64 KiB buffer: about 16 writes, not a million */
	assert_true(after - before < 100);
	assert_true(spool_size(s) == NBYTES);
	spool_free(s);
}

static void
buffered_bytes_are_readable(void **state)
{
	struct spool *s = spool_new(100, "/tmp"), *whole = spool_new(1u << 20, NULL);
	unsigned char buf[7], back[64];
	const unsigned char *map;
	char h1[65], h2[65];
	size_t i, k, len, got;

	(void)state;
	assert_non_null(s);
	assert_non_null(whole);
	for (i = 0; i < 3000; i += sizeof(buf)) {
		for (k = 0; k < sizeof(buf); k++)
			buf[k] = byte_at(i + k);
		assert_int_equal(spool_write(s, buf, sizeof(buf)), EM_OK);
		assert_int_equal(spool_write(whole, buf, sizeof(buf)), EM_OK);
		/* the bytes just written are there at once */
		assert_int_equal(spool_pread(s, i, back, sizeof(buf), &got), EM_OK);
		assert_int_equal(got, sizeof(buf));
		assert_memory_equal(back, buf, sizeof(buf));
	}
	assert_int_equal(spool_map(s, 1u << 20, &map, &len), EM_OK);
	assert_true(len == spool_size(s));
	for (i = 0; i < len; i++)
		if (map[i] != byte_at(i))
			fail_msg("byte %zu differs in the map", i);
	spool_sha256(s, h1);
	spool_sha256(whole, h2);
	assert_string_equal(h1, h2);
	spool_free(s);
	spool_free(whole);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_byte_writes_are_gathered),
		cmocka_unit_test(buffered_bytes_are_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
