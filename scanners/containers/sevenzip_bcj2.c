/*
 * sevenzip_bcj2.c: the BCJ2 x86 filter of 7z, decoding side (see sevenzip.h),
 * written from its description in 7-Zip's sources (Bcj2.c) and libarchive's
 * reader. BCJ2 splits x86 code into four streams: the main bytes, the absolute
 * targets of CALL (E8) and of JMP/Jcc (E9, 0F 8x) as big-endian 32-bit numbers,
 * and a range-coded bit per candidate opcode saying whether its target was moved
 * out. Decoding puts each moved target back, relative to the byte after it.
 *
 * The main stream is fed in pieces (push); the three side streams are given
 * whole (sevenzip_coders.c reads them first, capped by SZ_BCJ2_SIDE_MAX). A side
 * stream that runs out is bad data. Output stops at TOTAL: no bit is decoded for
 * a candidate opcode that is the last byte.
 */
#include <stdlib.h>
#include <string.h>

#include "containers/sevenzip.h"

#define BCJ2_TOP          (1u << 24)
#define BCJ2_PROB_BITS    11
#define BCJ2_MOVE_BITS    5
#define BCJ2_IS_J(b0, b1) (((b1)&0xFE) == 0xE8 || ((b0) == 0x0F && ((b1)&0xF0) == 0x80))

struct sz_bcj2 {
	unsigned char *side[3]; /* call targets, jump targets, range coder */
	size_t nside[3], pside[3];
	uint16_t prob[258]; /* 256 for E8 after each byte, E9, Jcc */
	uint32_t range, code;
	unsigned char prev, pend[4]; /* a target not yet handed out */
	unsigned npend, ppend;
	uint64_t outpos, total;
	int init;
};

struct sz_bcj2 *
sz_bcj2_new(unsigned char *side[3], const size_t nside[3], uint64_t total)
{
	struct sz_bcj2 *b = calloc(1, sizeof(*b));
	unsigned i;

	if (b == NULL)
		return NULL;
	for (i = 0; i < 3; i++) {
		b->side[i] = side[i];
		b->nside[i] = nside[i];
		side[i] = NULL;
	}
	for (i = 0; i < 258; i++)
		b->prob[i] = 1u << (BCJ2_PROB_BITS - 1);
	b->total = total;
	return b;
}

void
sz_bcj2_free(struct sz_bcj2 *b)
{
	unsigned i;

	if (b == NULL)
		return;
	for (i = 0; i < 3; i++)
		free(b->side[i]);
	free(b);
}

static int
bcj2_rc_byte(struct sz_bcj2 *b, uint32_t *v)
{
	if (b->pside[2] >= b->nside[2])
		return -1;
	*v = b->side[2][b->pside[2]++];
	return 0;
}

static int
bcj2_bit(struct sz_bcj2 *b, uint16_t *p, int *bit)
{
	uint32_t bound = (b->range >> BCJ2_PROB_BITS) * *p, v;

	if (b->code < bound) {
		b->range = bound;
		*p = (uint16_t)(*p + (((1u << BCJ2_PROB_BITS) - *p) >> BCJ2_MOVE_BITS));
		*bit = 0;
	} else {
		b->range -= bound;
		b->code -= bound;
		*p = (uint16_t)(*p - (*p >> BCJ2_MOVE_BITS));
		*bit = 1;
	}
	if (b->range < BCJ2_TOP) {
		if (bcj2_rc_byte(b, &v) != 0)
			return -1;
		b->range <<= 8;
		b->code = b->code << 8 | v;
	}
	return 0;
}

/* Opcode C (E8, E9 or a Jcc second byte) was moved out when its bit says so:
 * its target, relative to the byte after it, becomes the next four bytes. */
static int
bcj2_target(struct sz_bcj2 *b, unsigned char c)
{
	uint16_t *p = c == 0xE8 ? &b->prob[b->prev] :
	    c == 0xE9           ? &b->prob[256] :
				  &b->prob[257];
	unsigned s = c == 0xE8 ? 0 : 1;
	const unsigned char *t;
	uint32_t dest;
	int bit;

	if (bcj2_bit(b, p, &bit) != 0)
		return -1;
	if (!bit) {
		b->prev = c;
		return 0;
	}
	if (b->nside[s] - b->pside[s] < 4)
		return -1;
	t = b->side[s] + b->pside[s];
	b->pside[s] += 4;
	dest =
	    ((uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3]) -
	    (uint32_t)(b->outpos + 4);
	b->pend[0] = (unsigned char)dest;
	b->pend[1] = (unsigned char)(dest >> 8);
	b->pend[2] = (unsigned char)(dest >> 16);
	b->pend[3] = (unsigned char)(dest >> 24);
	b->npend = 4;
	b->ppend = 0;
	b->prev = b->pend[3];
	return 0;
}

int
sz_bcj2_code(struct sz_bcj2 *b, const unsigned char *in, size_t n, size_t *used,
    unsigned char *out, size_t m, size_t *made)
{
	size_t i = 0, o = 0;
	uint32_t v;
	unsigned k;
	unsigned char c;

	if (!b->init) {
		b->range = 0xFFFFFFFFu;
		for (k = 0; k < 5; k++) {
			if (bcj2_rc_byte(b, &v) != 0)
				return -1;
			b->code = b->code << 8 | v;
		}
		b->init = 1;
	}
	while (o < m && b->outpos < b->total) {
		if (b->ppend < b->npend) {
			out[o++] = b->pend[b->ppend++];
			b->outpos++;
			continue;
		}
		if (i >= n)
			break;
		c = in[i++];
		out[o++] = c;
		b->outpos++;
		if (!BCJ2_IS_J(b->prev, c) || b->outpos == b->total)
			b->prev = c;
		else if (bcj2_target(b, c) != 0)
			return -1;
	}
	*used = i;
	*made = o;
	return 0;
}
