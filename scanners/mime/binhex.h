/*
 * binhex.h: streaming BinHex 4.0 decoder (RFC 1741), for BinHex blocks inside mail
 * parts: the 6-bit text between two ':' is decoded, run-length expansion (0x90)
 * undone, the header read (file name, fork lengths) and the data fork handed to a
 * callback as it arrives. Lines are given one at a time after the
 * "(This file must be converted with BinHex 4.0)" line.
 *
 * Limits: nothing is allocated; a declared fork length only bounds what is passed
 * on, the caller's budget bounds the bytes. Data is passed on in chunks of up to
 * 4 KiB, at the latest when binhex_line returns (a run-length bomb expands 85 times;
 * byte-at-a-time output made a 400 KB message take 30 s). BUGS: CRCs are not checked (a bad CRC
 * would not make the content safer); the resource fork is skipped.
 */
#ifndef EMBARGO_BINHEX_H
#define EMBARGO_BINHEX_H

#include <stddef.h>
#include <stdint.h>

struct binhex {
	int state; /* BH_SEEK, BH_DATA, BH_DONE, BH_BAD */
	uint32_t acc;
	unsigned nbits;
	int rle; /* 0x90 seen: the next byte is a count */
	unsigned char last;
	unsigned char hdr[64 + 22];
	size_t hlen; /* header bytes so far */
	int hdr_done;
	uint64_t dlen, dgot;     /* data fork: declared, passed on */
	char name[64];           /* the file name from the header */
	unsigned char out[4096]; /* data fork bytes not yet passed on */
	size_t olen;
};

typedef void (*binhex_emit)(void *arg, const unsigned char *d, size_t n);

void binhex_init(struct binhex *b);
/* One text line (no end of line). Returns 1 when the block is complete (closing
 * ':' seen or the data fork delivered), -1 when the line is not BinHex, else 0. */
int
binhex_line(struct binhex *b, const char *line, size_t n, binhex_emit emit, void *arg);

#endif
