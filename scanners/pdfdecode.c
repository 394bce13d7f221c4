/*
 * pdfdecode.c: ASCIIHexDecode and ASCII85Decode (PDF 32000-1 7.4.2, 7.4.3), the
 * text filters a PDF can chain before FlateDecode to keep an object stream or an
 * embedded file away from scanners that only inflate.
 * Limits: output never exceeds what the header promises for the input length.
 */
#include <stdint.h>

#include "pdfdecode.h"
#include "pdflex.h"

size_t
pdf_ahx_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	int h, hi = -1;

	for (i = 0; i < n && in[i] != '>'; i++) {
		if (pdf_is_ws(in[i]))
			continue;
		if ((h = pdf_hex(in[i])) < 0)
			break;
		if (hi < 0) {
			hi = h;
		} else {
			out[o++] = (unsigned char)(hi << 4 | h);
			hi = -1;
		}
	}
	if (hi >= 0)
		out[o++] = (unsigned char)(hi << 4);
	return o;
}

size_t
pdf_a85_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	unsigned k = 0, j;
	uint32_t v = 0;

	for (i = 0; i < n && in[i] != '~'; i++) {
		if (pdf_is_ws(in[i]))
			continue;
		if (in[i] == 'z' && k == 0) {
			out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
			o += 4;
			continue;
		}
		if (in[i] < '!' || in[i] > 'u')
			break;
		v = v * 85 + (uint32_t)(in[i] - '!');
		if (++k == 5) {
			out[o++] = (unsigned char)(v >> 24);
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			out[o++] = (unsigned char)v;
			k = 0;
			v = 0;
		}
	}
	if (k > 1) {                /* pad with 'u' (84), keep K - 1 bytes */
		for (j = k; j < 5; j++)
			v = v * 85 + 84;
		for (j = 0; j < k - 1; j++)
			out[o++] = (unsigned char)(v >> (24 - 8 * j));
	}
	return o;
}
