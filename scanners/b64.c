/*
 * b64.c: streaming base64 decoder (see b64.h). One 256-entry table; no allocation.
 */
#include "b64.h"

/* -1: not in the alphabet, -2: whitespace, -3: padding (generated). */
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

int
b64_value(unsigned char c)
{
	return b64_tab[c] >= 0 ? b64_tab[c] : -1;
}

void
b64_init(struct b64 *st)
{
	st->acc = 0;
	st->nacc = 0;
	st->invalid = 0;
	st->after_pad = 0;
	st->padded = 0;
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
			int a = b64_tab[p[i]], b = b64_tab[p[i + 1]], c = b64_tab[p[i + 2]],
			    d = b64_tab[p[i + 3]];
			uint32_t x;

			if ((a | b | c | d) < 0)
				break;
			x = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
			out[o++] = (unsigned char)(x >> 16);
			out[o++] = (unsigned char)(x >> 8);
			out[o++] = (unsigned char)x;
			i += 4;
		}
		if (i >= n)
			break;
		v = b64_tab[p[i]];
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
