/*
 * bytes.h: the one way to read multi-byte fields out of hostile buffers (STYLE rule 6),
 * after libarchive's archive_endian.h but bounds-checked at the read.
 *
 * rd_le16/32/64 and rd_be16/32 read the field at OFF in the LEN bytes at B. They return
 * 1 and store the value when the whole field lies inside, and return 0 and store 0 when
 * it does not (OFF past LEN included), so a caller that ignores the result reads 0,
 * never bytes past the end. hexval maps an ASCII hex digit (either case) to 0..15 and
 * every other byte value, EOF included, to -1.
 *
 * Threads: pure functions. BUGS: none known; no unaligned or host-order reads on purpose.
 */
#ifndef EMBARGO_BYTES_H
#define EMBARGO_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* Whether N bytes fit at OFF in LEN, without overflow. */
static inline int
rd_fits(size_t len, size_t off, size_t n)
{
	return off <= len && len - off >= n;
}

static inline int
rd_le16(const uint8_t *b, size_t len, size_t off, uint16_t *out)
{
	if (!rd_fits(len, off, 2)) {
		*out = 0;
		return 0;
	}
	*out = (uint16_t)(b[off] | (unsigned)b[off + 1] << 8);
	return 1;
}

static inline int
rd_le32(const uint8_t *b, size_t len, size_t off, uint32_t *out)
{
	if (!rd_fits(len, off, 4)) {
		*out = 0;
		return 0;
	}
	*out = (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	    (uint32_t)b[off + 3] << 24;
	return 1;
}

static inline int
rd_le64(const uint8_t *b, size_t len, size_t off, uint64_t *out)
{
	uint32_t lo, hi;

	if (!rd_fits(len, off, 8)) {
		*out = 0;
		return 0;
	}
	rd_le32(b, len, off, &lo);
	rd_le32(b, len, off + 4, &hi);
	*out = (uint64_t)hi << 32 | lo;
	return 1;
}

static inline int
rd_be16(const uint8_t *b, size_t len, size_t off, uint16_t *out)
{
	if (!rd_fits(len, off, 2)) {
		*out = 0;
		return 0;
	}
	*out = (uint16_t)((unsigned)b[off] << 8 | b[off + 1]);
	return 1;
}

static inline int
rd_be32(const uint8_t *b, size_t len, size_t off, uint32_t *out)
{
	if (!rd_fits(len, off, 4)) {
		*out = 0;
		return 0;
	}
	*out = (uint32_t)b[off] << 24 | (uint32_t)b[off + 1] << 16 |
	    (uint32_t)b[off + 2] << 8 | (uint32_t)b[off + 3];
	return 1;
}

static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
