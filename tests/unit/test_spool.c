/*
 * test_spool.c: memory then unlinked file, reads and maps across the switch,
 * SHA-256 as bytes arrive.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/spool.h"

static void
moves_to_a_file_past_the_memory_limit(void **state)
{
	struct spool *s = spool_new(1000, "/tmp");
	unsigned char buf[700], back[1400];
	const unsigned char *map;
	size_t len, got;
	int i;

	(void)state;
	for (i = 0; i < 700; i++)
		buf[i] = (unsigned char)i;
	assert_int_equal(spool_write(s, buf, 700), EM_OK);
	assert_int_equal(spool_map(s, 1 << 20, &map, &len), EM_OK);
	assert_int_equal(len, 700);
	assert_memory_equal(map, buf, 700);
	assert_int_equal(spool_write(s, buf, 700), EM_OK);   /* crosses 1000 */
	assert_true(spool_size(s) == 1400);
	assert_int_equal(spool_pread(s, 0, back, sizeof(back), &got), EM_OK);
	assert_int_equal(got, 1400);
	assert_memory_equal(back, buf, 700);
	assert_memory_equal(back + 700, buf, 700);
	assert_int_equal(spool_map(s, 1000, &map, &len), EM_OK);
	assert_int_equal(len, 1000);                          /* capped view */
	assert_memory_equal(map + 700, buf, 300);
	assert_int_equal(spool_pread(s, 1400, back, 10, &got), EM_OK);
	assert_int_equal(got, 0);
	spool_free(s);
}

static void
sha256_of_known_input(void **state)
{
	struct spool *s = spool_new(4, NULL);
	char hex[65];

	(void)state;
	spool_write(s, "ab", 2);
	spool_write(s, "c", 1);
	spool_sha256(s, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	spool_free(s);
	/* an unhashed spool keeps the bytes and has no digest */
	s = spool_new(4, NULL);
	spool_unhashed(s);
	assert_int_equal(spool_write(s, "abcdef", 6), EM_OK);
	spool_sha256(s, hex);
	assert_string_equal(hex, "");
	assert_int_equal(spool_size(s), 6);
	spool_free(s);
}

static void
empty_spool_maps_to_nothing(void **state)
{
	struct spool *s = spool_new(4, NULL);
	const unsigned char *map;
	size_t len = 99;

	(void)state;
	assert_int_equal(spool_map(s, 100, &map, &len), EM_OK);
	assert_int_equal(len, 0);
	spool_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moves_to_a_file_past_the_memory_limit),
		cmocka_unit_test(sha256_of_known_input),
		cmocka_unit_test(empty_spool_maps_to_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
