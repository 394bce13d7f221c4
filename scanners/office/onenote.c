/*
 * onenote.c: embedded files in OneNote (.one) sections. Each FileDataStoreObject
 * ([MS-ONESTORE] 2.6.13) starts with the GUID {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC},
 * then cbLength (uint64), 4 unused and 8 reserved bytes, then the file data. Every
 * block found is recorded as doc.ole_object (size) and analysed as a child
 * "embedded<N>", so an embedded script or executable shows as such.
 *
 * The file is searched linearly for the GUID; the revision store is not walked, so a
 * hostile file table cannot loop us. A cbLength running past the end is recorded
 * (scan.error) and the block is cut at the end of the data (the more exposing
 * reading). Only the first in->len bytes (the scan window) are searched; children
 * count against the shared member, depth and byte budgets in scan_child.
 * When no such block is found (web app exports), PE images are carved by their
 * MZ/PE headers instead. Pictures (PNG, JPEG, GIF, EMF, WMF, TIFF) are analysed
 * as children but not recorded as objects.
 * BUGS: the embedded file's name (in the property set of the EmbeddedFile node) is
 * not read, so children are labelled embedded<N> without an extension.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "core/analyser.h"

#define ONE_HDR 36 /* GUID 16, cbLength 8, unused 4, reserved 8 */

static const unsigned char one_fdso_guid[16] = {
	0xe7,
	0x16,
	0xe3,
	0xbd,
	0x65,
	0x26,
	0x11,
	0x45,
	0xa4,
	0xc4,
	0x8d,
	0x4d,
	0x0b,
	0x7a,
	0x9e,
	0xac,
};

/* Pictures live in the same file data store as attachments: not an object. */
static int
one_is_picture(const unsigned char *p, size_t n)
{
	return (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) ||
	    (n >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0) ||
	    (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) ||
	    (n >= 44 && memcmp(p, "\x01\0\0\0", 4) == 0 &&
		memcmp(p + 40, " EMF", 4) == 0) ||
	    (n >= 4 && memcmp(p, "\xd7\xcd\xc6\x9a", 4) == 0) ||
	    (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0));
}

/*
 * The size of a PE image starting at OFF (headers and the furthest section), or 0
 * when there is no valid PE header there. Bounded by LEN.
 */
static size_t
one_pe_size(const unsigned char *b, size_t len, size_t off)
{
	uint32_t lfa, i, end, size, raw, ptr;
	uint16_t nsec, opt;
	size_t sec, avail = len - off;

	(void)rd_le32(b, len, off + 0x3c, &lfa);
	if (lfa < 0x40 || lfa > avail - 24 || lfa > 0x10000 ||
	    memcmp(b + off + lfa, "PE\0\0", 4) != 0)
		return 0;
	(void)rd_le16(b, len, off + lfa + 6, &nsec);
	(void)rd_le16(b, len, off + lfa + 20, &opt);
	sec = (size_t)lfa + 24 + opt;
	size = (uint32_t)(sec + 40 * (size_t)(nsec > 96 ? 96 : nsec));
	for (i = 0; i < nsec && i < 96; i++, sec += 40) {
		(void)rd_le32(b, len, off + sec + 20, &ptr);
		(void)rd_le32(b, len, off + sec + 16, &raw);
		end = ptr + raw;
		if (end > size)
			size = end;
	}
	return size > avail ? avail : size;
}

/* One block at OFF (the GUID). *next receives where to search on. */
static em_status
one_block(
    struct scan_ctx *ctx, struct scan_input *in, size_t off, unsigned n, size_t *next)
{
	const unsigned char *b = in->data;
	size_t avail, take;
	uint64_t cb;
	char label[32];
	em_status st;

	*next = off + 16;
	if (in->len - off < ONE_HDR) {
		scan_error(ctx, in->part, "onenote", "file data header cut short");
		return EM_BADDATA;
	}
	(void)rd_le64(b, in->len, off + 16, &cb);
	avail = in->len - off - ONE_HDR;
	take = cb > avail ? avail : (size_t)cb;
	if (cb > avail)
		scan_error(ctx, in->part, "onenote",
		    "embedded file length runs past the end of the data");
	snprintf(label, sizeof(label), "embedded%u", n);
	if (!one_is_picture(b + off + ONE_HDR, take))
		report_add(ctx->r, in->part, "doc.ole_object",
		    "OneNote embedded file %s, %zu bytes", label, take);
	if ((st = scan_budget_bytes(ctx, in->part, take)) != EM_OK)
		return st;
	st = scan_child_mem(ctx, in, label, b + off + ONE_HDR, take, NULL);
	*next = off + ONE_HDR + take;
	return st;
}

/*
 * No file data store objects (web app exports keep files in another packaging):
 * carve PE images by their headers so an executable inside still shows as one.
 */
static em_status
one_carve_pe(struct scan_ctx *ctx, struct scan_input *in)
{
	const unsigned char *b = in->data, *p;
	size_t off = 0, size;
	unsigned n = 0;
	char label[32];
	em_status st;

	while (
	    off + 2 < in->len && (p = memmem(b + off, in->len - off, "MZ", 2)) != NULL) {
		off = (size_t)(p - b);
		if ((size = one_pe_size(b, in->len, off)) == 0) {
			off += 2;
			continue;
		}
		snprintf(label, sizeof(label), "carved%u.exe", n++);
		report_add(ctx->r, in->part, "doc.ole_object",
		    "OneNote embedded executable %s at offset %zu, %zu bytes", label, off,
		    size);
		if ((st = scan_budget_bytes(ctx, in->part, size)) != EM_OK)
			return st;
		if ((st = scan_child_mem(ctx, in, label, b + off, size, NULL)) != EM_OK)
			return st;
		off += size;
	}
	return EM_OK;
}

em_status
onenote_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	const unsigned char *b = in->data, *p;
	size_t off = 0, next;
	unsigned n = 0;
	em_status st;

	while (off < in->len) {
		p = memmem(b + off, in->len - off, one_fdso_guid, sizeof(one_fdso_guid));
		if (p == NULL)
			break;
		st = one_block(ctx, in, (size_t)(p - b), n++, &next);
		if (st != EM_OK)
			return em_status_local(st) ? EM_OK : st;
		if (scan_budget_time(ctx, in->part) != EM_OK)
			return EM_OK;
		off = next;
	}
	if (n == 0 && (st = one_carve_pe(ctx, in)) != EM_OK)
		return em_status_local(st) ? EM_OK : st;
	return EM_OK;
}
