/*
 * b64.c: streaming base64 decoder (see b64.h). A table for the state machine and
 * four pre-shifted ones for the fast path over whole groups; no allocation.
 */
#include "mime/b64.h"

/* -1: not in the alphabet, -2: whitespace, -3: padding (generated). */
/* clang-format off */
static const signed char b64_tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -2, -2, -2, -2, -2, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -3, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
/* clang-format on */

/* The fast path's tables: each alphabet character's value already shifted into its
 * place in a group of four; B64_BAD (above the 24 value bits) marks anything else. */
#define B64_BAD 0x01000000u
#define B64V(c) \
	((c) >= 'A' && (c) <= 'Z'        ? (c) - 'A' : \
		(c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 : \
		(c) >= '0' && (c) <= '9' ? (c) - '0' + 52 : \
		(c) == '+'               ? 62 : \
		(c) == '/'               ? 63 : \
					   -1)
#define B64S(c, sh)  (B64V(c) < 0 ? B64_BAD : (uint32_t)B64V(c) << (sh))
#define B64R4(c, sh) B64S(c, sh), B64S((c) + 1, sh), B64S((c) + 2, sh), B64S((c) + 3, sh)
#define B64R16(c, sh) \
	B64R4(c, sh), B64R4((c) + 4, sh), B64R4((c) + 8, sh), B64R4((c) + 12, sh)
#define B64R64(c, sh) \
	B64R16(c, sh), B64R16((c) + 16, sh), B64R16((c) + 32, sh), B64R16((c) + 48, sh)
#define B64TAB(sh) \
	{ \
		B64R64(0, sh), B64R64(64, sh), B64R64(128, sh), B64R64(192, sh) \
	}
static const uint32_t b64_s18[256] = B64TAB(18), b64_s12[256] = B64TAB(12),
		      b64_s6[256] = B64TAB(6), b64_s0[256] = B64TAB(0);

int
b64_value(unsigned char c)
{
	return b64_tab[c] >= 0 ? b64_tab[c] : -1;
}

void
b64_init_flags(struct b64 *st, unsigned flags)
{
	st->acc = 0;
	st->nacc = 0;
	st->invalid = 0;
	st->after_pad = 0;
	st->padded = 0;
	st->flags = flags;
}

void
b64_init(struct b64 *st)
{
	b64_init_flags(st, 0);
}

/* Padding ends a quantum: flush the whole bytes it holds. */
static size_t
b64_flush(struct b64 *st, unsigned char *out)
{
	size_t o = 0;

	if (st->nacc == 2) {
		out[o++] = (unsigned char)(st->acc >> 4);
	} else if (st->nacc == 3) {
		out[o++] = (unsigned char)(st->acc >> 10);
		out[o++] = (unsigned char)(st->acc >> 2);
	}
	st->acc = 0;
	st->nacc = 0;
	return o;
}

size_t
b64_decode(struct b64 *st, const void *in, size_t n, unsigned char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;
	int v;

	for (i = 0; i < n; i++) {
		/* fast path: whole groups of four alphabet characters (the bulk of any
		 * attachment) decode without the per-character state machine */
		while (st->nacc == 0 && !st->padded && n - i >= 4) {
			uint32_t x = b64_s18[p[i]] | b64_s12[p[i + 1]] |
			    b64_s6[p[i + 2]] | b64_s0[p[i + 3]];

			if (x & B64_BAD)
				break;
			out[o] = (unsigned char)(x >> 16);
			out[o + 1] = (unsigned char)(x >> 8);
			out[o + 2] = (unsigned char)x;
			o += 3;
			i += 4;
		}
		if (i >= n)
			break;
		v = b64_tab[p[i]];
		if (v == -1 && (st->flags & B64_URLSAFE) && (p[i] == '-' || p[i] == '_'))
			v = p[i] == '-' ? 62 : 63;
		if (v == -2)
			continue;
		if (v == -1) {
			st->invalid++;
			continue;
		}
		if (v == -3) {
			st->padded = 1;
			o += b64_flush(st, out + o);
			continue;
		}
		if (st->padded)
			st->after_pad++;
		st->acc = (st->acc << 6) | (uint32_t)v;
		if (++st->nacc == 4) {
			out[o++] = (unsigned char)(st->acc >> 16);
			out[o++] = (unsigned char)(st->acc >> 8);
			out[o++] = (unsigned char)st->acc;
			st->acc = 0;
			st->nacc = 0;
		}
	}
	return o;
}
