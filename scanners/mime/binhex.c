/*
 * binhex.c: streaming BinHex 4.0 decoder (see binhex.h).
 */
#include <string.h>

#include "mime/binhex.h"

enum {
	BH_SEEK = 0, /* before the opening ':' */
	BH_DATA,     /* between the colons */
	BH_DONE,     /* closing ':' seen or data fork complete */
	BH_BAD       /* not BinHex after all */
};

static const char bh_alpha[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

static int
bh_value(unsigned char c)
{
	const char *at = c ? strchr(bh_alpha, c) : NULL;

	return at != NULL ? (int)(at - bh_alpha) : -1;
}

void
binhex_init(struct binhex *b)
{
	memset(b, 0, sizeof(*b));
}

static uint32_t
bh_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
bh_flush(struct binhex *b, binhex_emit emit, void *arg)
{
	if (b->olen > 0)
		emit(arg, b->out, b->olen);
	b->olen = 0;
}

/* N copies of C into the data fork, up to its declared length. */
static void
bh_data(struct binhex *b, unsigned char c, uint64_t n, binhex_emit emit, void *arg)
{
	size_t k;

	while (n > 0 && b->dgot < b->dlen) {
		k = sizeof(b->out) - b->olen;
		if (k > n)
			k = (size_t)n;
		if (k > b->dlen - b->dgot)
			k = (size_t)(b->dlen - b->dgot);
		memset(b->out + b->olen, c, k);
		b->olen += k;
		b->dgot += k;
		n -= k;
		if (b->olen == sizeof(b->out))
			bh_flush(b, emit, arg);
	}
	if (b->dgot == b->dlen)
		b->state = BH_DONE;
}

/* One byte after run-length expansion: header, then data fork. */
static void
bh_byte(struct binhex *b, unsigned char c, binhex_emit emit, void *arg)
{
	if (!b->hdr_done) {
		size_t need;

		b->hdr[b->hlen++] = c;
		if (b->hlen == 1 && (c == 0 || c > 63)) {
			b->state = BH_BAD; /* a name length no encoder writes */
			return;
		}
		need = (size_t)b->hdr[0] + 22;
		if (b->hlen < need)
			return;
		memcpy(b->name, b->hdr + 1, b->hdr[0]);
		b->name[b->hdr[0]] = '\0';
		b->dlen = bh_be32(b->hdr + 1 + b->hdr[0] + 1 + 4 + 4 + 2);
		b->hdr_done = 1;
		if (b->dlen == 0)
			b->state = BH_DONE;
		return;
	}
	bh_data(b, c, 1, emit, arg);
}

static void
bh_decoded(struct binhex *b, unsigned char c, binhex_emit emit, void *arg)
{
	unsigned k;

	if (b->rle) {
		b->rle = 0;
		if (c == 0) {
			b->last = 0x90;
			bh_byte(b, 0x90, emit, arg);
			return;
		}
		for (k = 1; k < c && b->state == BH_DATA && !b->hdr_done; k++)
			bh_byte(b, b->last, emit, arg);
		if (k < c && b->state == BH_DATA)
			bh_data(b, b->last, c - k, emit, arg);
		return;
	}
	if (c == 0x90) {
		b->rle = 1;
		return;
	}
	b->last = c;
	bh_byte(b, c, emit, arg);
}

int
binhex_line(struct binhex *b, const char *line, size_t n, binhex_emit emit, void *arg)
{
	size_t i = 0;
	int v;

	if (b->state == BH_SEEK) {
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == n)
			return 0;
		if (line[i] != ':')
			return -1;
		b->state = BH_DATA;
		i++;
	}
	for (; i < n && b->state == BH_DATA; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':') {
			b->state = BH_DONE;
			break;
		}
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if ((v = bh_value(c)) < 0) {
			b->state = BH_BAD;
			break;
		}
		b->acc = b->acc << 6 | (uint32_t)v;
		b->nbits += 6;
		if (b->nbits >= 8) {
			b->nbits -= 8;
			bh_decoded(b, (unsigned char)(b->acc >> b->nbits), emit, arg);
		}
	}
	bh_flush(b, emit, arg);
	if (b->state == BH_BAD)
		return -1;
	return b->state == BH_DONE ? 1 : 0;
}
