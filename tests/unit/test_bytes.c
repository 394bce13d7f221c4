/*
 * test_bytes.c: core/bytes.h: every reader at every offset edge of a 10-byte buffer
 * (fits, ends exactly at LEN, one byte over, OFF at and past LEN, OFF near SIZE_MAX),
 * every byte value in every position, and hexval on all 256 byte values and EOF.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/bytes.h"

static const uint8_t buf[10] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0x80 };

static void
le_values(void **state)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	(void)state;
	assert_int_equal(rd_le16(buf, 10, 0, &v16), 1);
	assert_int_equal(v16, 0x2301);
	assert_int_equal(rd_le32(buf, 10, 1, &v32), 1);
	assert_int_equal(v32, 0x89674523);
	assert_int_equal(rd_le64(buf, 10, 2, &v64), 1);
	assert_true(v64 == 0x80feefcdab896745ULL);
	assert_int_equal(rd_be16(buf, 10, 8, &v16), 1);
	assert_int_equal(v16, 0xfe80);
	assert_int_equal(rd_be32(buf, 10, 0, &v32), 1);
	assert_int_equal(v32, 0x01234567);
}

/* For every width and offset: fits exactly when off + width <= len; else 0 and *out 0. */
static void
offset_edges(void **state)
{
	size_t len, off;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	(void)state;
	for (len = 0; len <= 10; len++) {
		for (off = 0; off <= 12; off++) {
			v16 = 0xffff, v32 = 0xffffffff, v64 = ~0ULL;
			assert_int_equal(rd_le16(buf, len, off, &v16), off + 2 <= len);
			assert_int_equal(rd_le32(buf, len, off, &v32), off + 4 <= len);
			assert_int_equal(rd_le64(buf, len, off, &v64), off + 8 <= len);
			if (off + 2 > len)
				assert_int_equal(v16, 0);
			if (off + 4 > len)
				assert_int_equal(v32, 0);
			if (off + 8 > len)
				assert_true(v64 == 0);
			assert_int_equal(rd_be16(buf, len, off, &v16), off + 2 <= len);
			assert_int_equal(rd_be32(buf, len, off, &v32), off + 4 <= len);
		}
	}
	/* An offset near SIZE_MAX must not wrap into a fit. */
	assert_int_equal(rd_le16(buf, 10, SIZE_MAX, &v16), 0);
	assert_int_equal(rd_le32(buf, 10, SIZE_MAX - 2, &v32), 0);
	assert_int_equal(rd_le64(buf, 10, SIZE_MAX - 6, &v64), 0);
	assert_int_equal(rd_le32(buf, 3, SIZE_MAX - 3, &v32), 0);
}

/* Every byte value in every position comes back where it belongs. */
static void
all_byte_values(void **state)
{
	uint8_t b[8];
	unsigned v, pos, i;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	(void)state;
	for (v = 0; v < 256; v++) {
		for (pos = 0; pos < 8; pos++) {
			for (i = 0; i < 8; i++)
				b[i] = i == pos ? (uint8_t)v : 0;
			assert_int_equal(rd_le64(b, 8, 0, &v64), 1);
			assert_true(v64 == (uint64_t)v << (8 * pos));
			assert_int_equal(rd_le32(b, 8, pos & 4, &v32), 1);
			assert_int_equal(v32, (uint32_t)v << (8 * (pos & 3)));
			assert_int_equal(rd_le16(b, 8, pos & 6, &v16), 1);
			assert_int_equal(v16, (uint16_t)(v << (8 * (pos & 1))));
			assert_int_equal(rd_be16(b, 8, pos & 6, &v16), 1);
			assert_int_equal(v16, (uint16_t)(v << (8 * (1 - (pos & 1)))));
			assert_int_equal(rd_be32(b, 8, pos & 4, &v32), 1);
			assert_int_equal(v32, (uint32_t)v << (8 * (3 - (pos & 3))));
		}
	}
}

static void
hexval_all_bytes(void **state)
{
	const char *digits = "0123456789abcdef", *up = "0123456789ABCDEF";
	int c, n = 0, i;

	(void)state;
	for (c = 0; c < 256; c++) {
		int want = -1;

		for (i = 0; i < 16; i++)
			if (c == digits[i] || c == up[i])
				want = i;
		assert_int_equal(hexval(c), want);
		n += want >= 0;
	}
	assert_int_equal(n, 22);
	assert_int_equal(hexval(EOF), -1);
	assert_int_equal(hexval(-200), -1);
	assert_int_equal(hexval(256 + '0'), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(le_values),
		cmocka_unit_test(offset_edges),
		cmocka_unit_test(all_byte_values),
		cmocka_unit_test(hexval_all_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
