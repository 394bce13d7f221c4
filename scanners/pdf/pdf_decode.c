/*
 * pdfdecode.c: a stream's /Filter chain, and ASCIIHexDecode and ASCII85Decode (PDF
 * 32000-1 7.4.2, 7.4.3), the text filters a PDF can chain before FlateDecode to
 * keep an object stream or an embedded file away from scanners that only inflate.
 * Limits: output never exceeds what the header promises for the input length.
 */
#include <stdint.h>
#include <string.h>

#include "core/bytes.h"
#include "pdf/pdf_decode.h"
#include "pdf/pdf_lex.h"

size_t
pdf_ahx_decode(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
	size_t i, o = 0;
	int h, hi = -1;

	for (i = 0; i < n && in[i] != '>' && o < cap; i++) {
		if (pdf_lex_is_ws(in[i]))
			continue;
		if ((h = hexval(in[i])) < 0)
			break;
		if (hi < 0) {
			hi = h;
		} else {
			out[o++] = (unsigned char)(hi << 4 | h);
			hi = -1;
		}
	}
	if (hi >= 0 && o < cap)
		out[o++] = (unsigned char)(hi << 4);
	return o;
}

size_t
pdf_a85_decode(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
	size_t i, o = 0;
	unsigned k = 0, j;
	uint32_t v = 0;

	if (cap < 4)
		return 0;
	for (i = 0; i < n && in[i] != '~' && cap - o >= 4; i++) {
		if (pdf_lex_is_ws(in[i]))
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
	if (k > 1) { /* pad with 'u' (84), keep K - 1 bytes */
		for (j = k; j < 5; j++)
			v = v * 85 + 84;
		for (j = 0; j < k - 1 && o < cap; j++)
			out[o++] = (unsigned char)(v >> (24 - 8 * j));
	}
	return o;
}

static void
pdf_filter_add(struct pdf_filters *fl, const char *nm)
{
	static const struct {
		const char *name;
		enum pdf_fkind kind;
	} known[] = {
		{ "FlateDecode", PFK_FLATE },
		{ "Fl", PFK_FLATE },
		{ "ASCIIHexDecode", PFK_AHX },
		{ "AHx", PFK_AHX },
		{ "ASCII85Decode", PFK_A85 },
		{ "A85", PFK_A85 },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(nm, known[i].name) == 0 && fl->n < PDF_MAX_FILTERS) {
			fl->f[fl->n++] = known[i].kind;
			return;
		}
	fl->unknown = 1;
}

void
pdf_filters(const unsigned char *b, size_t lo, size_t hi, struct pdf_filters *fl)
{
	char nm[PDF_NAME_MAX];
	size_t p = pdf_lex_dict_key(b, lo, hi, "Filter"), at, end;

	memset(fl, 0, sizeof(*fl));
	if (p == 0)
		return;
	p = pdf_lex_skip_ws(b, hi, p);
	if (p < hi && b[p] == '/') {
		pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at);
		pdf_filter_add(fl, nm);
		return;
	}
	if (p >= hi || b[p] != '[') {
		fl->unknown = 1;
		return;
	}
	for (end = p; end < hi && b[end] != ']'; end++)
		;
	while (pdf_lex_next_name(b, end, &p, nm, sizeof(nm), &at))
		pdf_filter_add(fl, nm);
}
