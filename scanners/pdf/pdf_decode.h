/*
 * pdfdecode.h: a PDF stream's filter chain and the text filters (pdfdecode.c).
 * FlateDecode is zlib's, run by pdf.c.
 */
#ifndef EMBARGO_PDFDECODE_H
#define EMBARGO_PDFDECODE_H

#include <stddef.h>

/* The stream's /Filter chain: FlateDecode, ASCIIHexDecode and ASCII85Decode (full
 * or abbreviated names), up to PDF_MAX_FILTERS; UNKNOWN when another filter or a
 * longer chain is named. */
#define PDF_MAX_FILTERS 4
enum pdf_fkind { PFK_FLATE, PFK_AHX, PFK_A85 };

struct pdf_filters {
	unsigned n;
	enum pdf_fkind f[PDF_MAX_FILTERS];
	int unknown;
};

/* The filters named by /Filter in the dictionary text [LO, HI) of B. */
void pdf_filters(const unsigned char *b, size_t lo, size_t hi, struct pdf_filters *fl);

/* ASCIIHexDecode of IN/N into OUT, at most CAP bytes (N / 2 + 1 hold it all):
 * returns the bytes written. White space is skipped, '>' ends the data, an odd
 * last digit is followed by 0, anything else ends the data too. */
size_t pdf_ahx_decode(const unsigned char *in, size_t n, unsigned char *out, size_t cap);

/* ASCII85Decode of IN/N into OUT, at most CAP bytes (4 * N + 4 hold it all: a 'z'
 * is four zero bytes): returns the bytes written. White space is skipped, "~>"
 * ends the data, a final partial group of K characters gives K - 1 bytes; a
 * character outside the alphabet ends the data. Stops when fewer than 4 bytes of
 * room are left. */
size_t pdf_a85_decode(const unsigned char *in, size_t n, unsigned char *out, size_t cap);

#endif
