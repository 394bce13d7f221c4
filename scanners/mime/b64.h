/*
 * b64.h: streaming base64 decoder (RFC 2045 6.8) for MIME bodies and RFC 2047 words.
 * Any split of the input gives the same output. Whitespace is skipped; other bytes
 * outside the alphabet are skipped and counted (readers differ; skipping exposes
 * the most data). Data after '=' padding is decoded too (some readers stop there,
 * others go on: the exposing reading), and counted as an oddity.
 *
 * BUGS: a lone trailing 6-bit group (one character) is dropped, as every reader does.
 */
#ifndef EMBARGO_B64_H
#define EMBARGO_B64_H

#include <stddef.h>
#include <stdint.h>

struct b64 {
	uint32_t acc;        /* bits of the current quantum */
	unsigned nacc;       /* 6-bit groups in acc (0..3) */
	uint64_t invalid;    /* bytes outside the alphabet (not whitespace) */
	uint64_t after_pad;  /* alphabet bytes seen after padding */
	int padded;          /* '=' seen */
};

void b64_init(struct b64 *st);
/* Decode N bytes of IN into OUT, which has room for (N / 4 + 1) * 3 bytes. Returns
 * the number of bytes written. */
size_t b64_decode(struct b64 *st, const void *in, size_t n, unsigned char *out);
/* Value of base64 character C (0..63), or -1. */
int b64_value(unsigned char c);

#endif
