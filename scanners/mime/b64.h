/*
 * b64.h: streaming base64 decoder (RFC 2045 6.8) for MIME bodies and RFC 2047 words.
 * Any split of the input gives the same output. Whitespace is skipped; other bytes
 * outside the alphabet are skipped and counted (readers differ; skipping exposes
 * the most data). Data after '=' padding is decoded too (some readers stop there,
 * others go on: the exposing reading), and counted as an oddity.
 *
 * With B64_URLSAFE (RFC 4648 section 5) '-' and '_' are digits 62 and 63 as well as
 * '+' and '/': a reader that accepts both alphabets sees everything either one hides.
 *
 * BUGS: a lone trailing 6-bit group (one character) is dropped, as every reader does.
 */
#ifndef EMBARGO_B64_H
#define EMBARGO_B64_H

#include <stddef.h>
#include <stdint.h>

struct b64 {
	uint32_t acc;       /* bits of the current quantum */
	unsigned nacc;      /* 6-bit groups in acc (0..3) */
	uint64_t invalid;   /* bytes outside the alphabet (not whitespace) */
	uint64_t after_pad; /* alphabet bytes seen after padding */
	int padded;         /* '=' seen */
	unsigned flags;     /* B64_URLSAFE */
};

#define B64_URLSAFE 1u

/* Start a decode: b64_init for MIME, b64_init_flags for B64_URLSAFE. */
void b64_init(struct b64 *st);
void b64_init_flags(struct b64 *st, unsigned flags);
/* Decode N bytes of IN into OUT, which has room for (N / 4 + 1) * 3 bytes. Returns
 * the number of bytes written. At the end of the input, decoding "=" flushes the last
 * partial quantum (one or two bytes). */
size_t b64_decode(struct b64 *st, const void *in, size_t n, unsigned char *out);
/* Value of base64 character C (0..63), or -1. */
int b64_value(unsigned char c);

#endif
