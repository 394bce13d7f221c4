/*
 * ooxml_xlsb.c: the two BIFF12 records of an .xlsb that ooxml.c cares about:
 * BrtName (39) in xl/workbook.bin, for an Auto_Open defined name, and
 * BrtBeginSupBook (360) in xl/externalLinks/externalLinkN.bin, for DDE links
 * (sbt 1: service and topic). MS-XLSB 2.1.4 (record headers), 2.4.106, 2.4.722.
 *
 * Record headers are variable-length (type: 1-2 bytes, size: 1-4 bytes, 7 bits
 * each) and read with bounds checks; a size past the end stops the walk. Nothing
 * is allocated. Limits: XLSB_MAX_RECORDS records per part.
 * BUGS: formulas (PtgFuncVar EXEC/CALL/REGISTER) in binary macro sheets are not
 * decoded; names are compared in ASCII (non-ASCII UTF-16 units become '?').
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "office/ooxml.h"

#define XLSB_MAX_RECORDS 1000000u
#define XLSB_BRT_NAME    39u
#define XLSB_BRT_SUPBOOK 360u

/* The next record header at *off: type, body offset and length. 0 at the end. */
static int
xlsb_next(const unsigned char *d, size_t len, size_t *off, unsigned *type, size_t *body,
    size_t *blen)
{
	size_t i = *off;
	uint32_t sz = 0;
	int k;

	if (i >= len)
		return 0;
	*type = d[i] & 0x7f;
	if (d[i++] & 0x80) {
		if (i >= len)
			return 0;
		*type |= (unsigned)(d[i++] & 0x7f) << 7;
	}
	for (k = 0; k < 4; k++) {
		if (i >= len)
			return 0;
		sz |= (uint32_t)(d[i] & 0x7f) << (7 * k);
		if (!(d[i++] & 0x80))
			break;
	}
	if (sz > len - i)
		return 0;
	*body = i;
	*blen = sz;
	*off = i + sz;
	return 1;
}

/* An XLWideString at *p (within N bytes) into OUT as ASCII; -1 when it does not
 * fit the record. */
static int
xlsb_wstr(const unsigned char *b, size_t n, size_t *p, char *out, size_t outsz)
{
	uint32_t cch;
	size_t i, o = 0;

	if (*p > n || n - *p < 4)
		return -1;
	cch = (uint32_t)b[*p] | (uint32_t)b[*p + 1] << 8 | (uint32_t)b[*p + 2] << 16 |
	    (uint32_t)b[*p + 3] << 24;
	*p += 4;
	if (cch > (n - *p) / 2)
		return -1;
	for (i = 0; i < cch; i++) {
		unsigned c = b[*p + 2 * i] | b[*p + 2 * i + 1] << 8;

		if (o + 1 < outsz)
			out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (outsz > 0)
		out[o] = '\0';
	*p += 2 * (size_t)cch;
	return 0;
}

int
xlsb_auto_open(const unsigned char *d, size_t len, char *name, size_t namesz)
{
	size_t off = 0, b, n, p;
	unsigned type, count = 0;

	while (count++ < XLSB_MAX_RECORDS && xlsb_next(d, len, &off, &type, &b, &n)) {
		if (type != XLSB_BRT_NAME)
			continue;
		p = 9; /* flags (4), chKey (1), itab (4) */
		if (xlsb_wstr(d + b, n, &p, name, namesz) != 0)
			continue;
		if (strncasecmp(name, "Auto_Open", 9) == 0 ||
		    strncasecmp(name, "_xlnm.Auto_Open", 15) == 0)
			return 1;
	}
	return 0;
}

int
xlsb_dde_link(const unsigned char *d, size_t len, char *out, size_t outsz)
{
	size_t off = 0, b, n, p, k;
	unsigned type, count = 0;

	while (count++ < XLSB_MAX_RECORDS && xlsb_next(d, len, &off, &type, &b, &n)) {
		if (type != XLSB_BRT_SUPBOOK || n < 2 || (d[b] | d[b + 1] << 8) != 1)
			continue;
		p = 2;
		if (xlsb_wstr(d + b, n, &p, out, outsz) != 0)
			return 1;
		k = strlen(out);
		if (k + 1 < outsz) {
			out[k++] = '|';
			if (xlsb_wstr(d + b, n, &p, out + k, outsz - k) != 0)
				out[k] = '\0';
		}
		return 1;
	}
	return 0;
}
