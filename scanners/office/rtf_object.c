/*
 * rtf_object.c: one decoded RTF \objdata blob: the OLE1 ObjectHeader (MS-OLEDS
 * 2.2.4/2.2.5: OLEVersion, FormatID, ClassName, TopicName, ItemName, then
 * NativeDataSize and NativeData for embedded objects), the Package native format
 * (the "Ole10Native" layout without its size prefix: signature, label, path,
 * type, temp path, data size, data), and the children they yield.
 *
 * Every field goes through bounds-checked readers; a declared size larger than the
 * bytes present is cut to what is there (and said so in the detail). Nothing is
 * allocated from a declared size: children are scanned from the decoded buffer.
 *
 * Linked objects (FormatID 1) whose topic is a URL or UNC path also get
 * doc.external_link.
 *
 * BUGS: linked objects are not parsed past TopicName/ItemName; a Package of type 1
 * (link to a file) has no data and yields no child.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/analyser.h"
#include "office/rtf.h"

static const unsigned char rtf_ole2_magic[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a,
	0xe1 };

/* A LengthPrefixedAnsiString at *off: copy (cut) into OUT when not NULL. */
static int
rtf_lpstr(const unsigned char *d, size_t len, size_t *off, char *out, size_t outsz)
{
	uint32_t n;
	size_t k;

	if (!rd_le32(d, len, *off, &n) || n > len - *off - 4)
		return -1;
	if (out != NULL && outsz > 0) {
		k = n < outsz ? n : outsz - 1;
		memcpy(out, d + *off + 4, k);
		out[k] = '\0';
		out[strnlen(out, k)] = '\0';
	}
	*off += 4 + (size_t)n;
	return 0;
}

int
rtf_ole1_parse(const unsigned char *d, size_t len, struct rtf_ole1 *o)
{
	size_t off = 8;
	uint32_t n;

	memset(o, 0, sizeof(*o));
	if (!rd_le32(d, len, 0, &o->version) || !rd_le32(d, len, 4, &o->format))
		return -1;
	/* OLEVersion is 0x00000501 when written by Office, but Word does not check
	 * it (exploits set it to anything): the format id and a class name that fits
	 * are what make an OLE1 object */
	if (o->format < 1 || o->format > 3)
		return -1;
	if (!rd_le32(d, len, off, &n) || n == 0 || n > 256 ||
	    rtf_lpstr(d, len, &off, o->cls, sizeof(o->cls)) != 0)
		return -1;
	if (o->format == 3)
		return 0;
	/* linked (1) and embedded (2) objects: TopicName, ItemName; a linked one may
	 * stop after its class name */
	if (rtf_lpstr(d, len, &off, o->topic, sizeof(o->topic)) != 0 ||
	    rtf_lpstr(d, len, &off, NULL, 0) != 0)
		return o->format == 1 ? 0 : -1;
	if (o->format != 2)
		return 0;
	if (!rd_le32(d, len, off, &n))
		return -1;
	o->native_declared = n;
	o->native_off = off + 4;
	o->native_len = n < len - o->native_off ? n : len - o->native_off;
	return 0;
}

/* A NUL-terminated string at *off (cut at the end of the data). */
static const char *
rtf_cstr(const unsigned char *d, size_t len, size_t *off, size_t *slen)
{
	const unsigned char *p = d + *off;
	const unsigned char *z = memchr(p, 0, len - *off);

	if (z == NULL)
		return NULL;
	*slen = (size_t)(z - p);
	*off += *slen + 1;
	return (const char *)p;
}

/* The last path step of S/N as a child name, printable, bounded. */
static void
rtf_basename(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i, start = 0, k = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\\' || s[i] == '/')
			start = i + 1;
	for (i = start; i < n && k + 1 < outsz; i++)
		out[k++] = (unsigned char)s[i] >= 0x20 ? s[i] : '_';
	out[k] = '\0';
}

/* Package native data: scan the packaged file under its own name. */
static em_status
rtf_package(struct scan_ctx *ctx, struct scan_input *in, unsigned n,
    const unsigned char *d, size_t len)
{
	char name[160];
	const char *label, *path;
	size_t off = 2, llen, plen;
	uint16_t sig;
	uint32_t type, tlen, dlen;

	if (!rd_le16(d, len, 0, &sig) || sig != 2 ||
	    (label = rtf_cstr(d, len, &off, &llen)) == NULL ||
	    (path = rtf_cstr(d, len, &off, &plen)) == NULL ||
	    !rd_le32(d, len, off, &type))
		return EM_BADDATA;
	off += 4;
	if (!rd_le32(d, len, off, &tlen) || tlen > len - off - 4)
		return EM_BADDATA;
	off += 4 + (size_t)tlen;
	if (!rd_le32(d, len, off, &dlen))
		return EM_BADDATA;
	off += 4;
	if (dlen > len - off)
		report_add(ctx->r, in->part, "doc.rtf_object",
		    "object %u: Package data size %u past the end (%zu bytes present)", n,
		    dlen, len - off);
	rtf_basename(llen ? label : path, llen ? llen : plen, name, sizeof(name));
	report_add(
	    ctx->r, in->part, "doc.ole_object", "RTF object %u: Package '%s'", n, name);
	if (name[0] == '\0')
		snprintf(name, sizeof(name), "objdata%u.bin", n);
	dlen = dlen < len - off ? dlen : (uint32_t)(len - off);
	if (scan_budget_bytes(ctx, in->part, dlen) != EM_OK)
		return EM_LIMIT;
	return scan_child_mem(ctx, in, name, d + off, dlen, NULL);
}

static em_status
rtf_native(struct scan_ctx *ctx, struct scan_input *in, unsigned n,
    const unsigned char *d, size_t len)
{
	char name[32];

	snprintf(name, sizeof(name), "objdata%u.bin", n);
	if (scan_budget_bytes(ctx, in->part, len) != EM_OK)
		return EM_LIMIT;
	return scan_child_mem(ctx, in, name, d, len, NULL);
}

/* Not OLE1: an OLE2 file somewhere near the start, or the blob itself. */
static em_status
rtf_raw(struct scan_ctx *ctx, struct scan_input *in, unsigned n, const unsigned char *d,
    size_t len)
{
	size_t i, lim = len < 4096 ? len : 4096;

	for (i = 0; i + sizeof(rtf_ole2_magic) <= lim; i++)
		if (memcmp(d + i, rtf_ole2_magic, sizeof(rtf_ole2_magic)) == 0)
			return rtf_native(ctx, in, n, d + i, len - i);
	return rtf_native(ctx, in, n, d, len);
}

#define RTF_EQ_NOTE ": Equation Editor object (CVE-2017-11882 territory)"

static int
rtf_is_equation(const char *cls)
{
	return strncasecmp(cls, "Equation", 8) == 0;
}

em_status
rtf_object(struct scan_ctx *ctx, struct scan_input *in, unsigned n, const char *cls,
    const char *kind, const unsigned char *d, size_t len)
{
	struct rtf_ole1 o;
	const char *c;
	em_status st;

	while (*cls == ' ')
		cls++;
	if (len == 0) {
		report_add(ctx->r, in->part, "doc.rtf_object",
		    "object %u: class '%s' %s, empty objdata", n, cls, kind);
		return EM_OK;
	}
	if (rtf_ole1_parse(d, len, &o) != 0) {
		report_add(ctx->r, in->part, "doc.rtf_object",
		    "object %u: class '%s' %s, %zu bytes of objdata that are not an OLE1 "
		    "object%s",
		    n, cls, kind, len, rtf_is_equation(cls) ? RTF_EQ_NOTE : "");
		return rtf_raw(ctx, in, n, d, len);
	}
	/* the header's class is what OLE loads; \objclass is only a hint */
	c = o.cls[0] ? o.cls : cls;
	if (o.version != 0x0501)
		report_add(ctx->r, in->part, "doc.rtf_object",
		    "object %u: OLE1 version 0x%x where Office writes 0x501 "
		    "(hand-made object)",
		    n, o.version);
	report_add(ctx->r, in->part, "doc.rtf_object",
	    "object %u: class '%s'%s%s%s %s, format %u, %zu bytes%s", n, c,
	    strcasecmp(c, cls) != 0 && cls[0] ? " (\\objclass '" : "",
	    strcasecmp(c, cls) != 0 && cls[0] ? cls : "",
	    strcasecmp(c, cls) != 0 && cls[0] ? "')" : "", kind, o.format, len,
	    rtf_is_equation(c) || rtf_is_equation(cls) ? RTF_EQ_NOTE : "");
	if (o.format == 1 &&
	    (strstr(o.topic, "://") != NULL || strncmp(o.topic, "\\\\", 2) == 0))
		report_add(ctx->r, in->part, "doc.external_link",
		    "RTF object %u: linked to %s", n, o.topic);
	if (o.format == 2 && o.native_declared > o.native_len)
		report_add(ctx->r, in->part, "doc.rtf_object",
		    "object %u: native data size %u past the end (%zu bytes present)", n,
		    o.native_declared, o.native_len);
	if (o.format != 2 || o.native_len == 0)
		return EM_OK;
	if (strcasecmp(c, "Package") == 0) {
		st = rtf_package(ctx, in, n, d + o.native_off, o.native_len);
		if (st != EM_BADDATA)
			return st;
	}
	report_add(ctx->r, in->part, "doc.ole_object", "RTF object %u: class '%s'", n, c);
	return rtf_native(ctx, in, n, d + o.native_off, o.native_len);
}
