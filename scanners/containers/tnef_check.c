/*
 * tnef_check.c: what libytnef is allowed to see. tnef.c hands a TNEF stream to
 * libytnef only when this walk of it (MS-OXTNEF) finds nothing the library handles
 * badly. libytnef 2.0 prints to stdout on its error paths (which would corrupt
 * embargo-scan --json and the daemon's output), allocates from declared counts,
 * and leaks what a repeated attribute overwrites. So the walk refuses:
 *   - a missing signature, an attribute header or data cut short, a level other
 *     than 1 (message) or 2 (attachment), an empty attribute, a checksum that is
 *     not the sum of the data bytes;
 *   - an attachment attribute before the first attAttachRendData (which opens an
 *     attachment), and any attribute repeated where libytnef would overwrite it:
 *     message attributes once per stream, attachment attributes once per
 *     attachment;
 *   - in the MAPI property blocks (attMAPIProps, attAttachment): more than
 *     TNEF_MAX_PROPS properties, multi-valued counts outside 1..TNEF_MAX_VALUES,
 *     property names longer than TNEF_MAX_NAMELEN or more names than bytes,
 *     Unicode values over TNEF_MAX_UNICODE bytes,
 *     unknown property types, any value past the block, and a block not used up
 *     exactly;
 *   - an attTnefVersion that is not 4 bytes, an attRecipTable under 4, an
 *     attSentFor whose (name, address) pairs do not fill it exactly;
 *   - more than TNEF_MAX_SEEN distinct attributes in one scope.
 * And it rewrites, in the private copy it is given: subject properties (PR_SUBJECT
 * and kin) get a property id libytnef ignores, and the attribute's checksum is
 * made again; the attFrom, attSubject and attOriginalMessageClass attributes, and
 * an attAttachTitle over 100 bytes, get an attribute id it ignores. libytnef
 * refuses any of those over 100 bytes (a Japanese subject of 51 characters in
 * UTF-16), failing the whole stream, and leaks an empty subject property; the
 * scan has no use for them.
 * These are the library's own limits and checks, made before it runs; fuzz_tnef
 * fails on any byte the library writes to stdout, which is how the last three
 * were found.
 *
 * Limits: linear in the input. Little-endian reads are written out here (the
 * house bytes.h readers may replace them).
 * BUGS: a stream Outlook would accept with a wrong checksum or a repeated
 * attribute is refused (archive.corrupt, which the shipped policy quarantines).
 */
#include <stdint.h>
#include <string.h>

#include "containers/tnef.h"

#define TNEF_SIGNATURE   0x223E9F78u
#define TNEF_MAX_PROPS   1000   /* libytnef's own bound */
#define TNEF_MAX_VALUES  1000   /* libytnef's own bound */
#define TNEF_MAX_NAMELEN 100    /* libytnef's own bound */
#define TNEF_MAX_UNICODE 100000 /* libytnef's own bound */
#define TNEF_MAX_SEEN    64

#define ATT_REND         0x00069002u /* attAttachRendData */
#define ATT_MAPI         0x00069003u /* attMAPIProps */
#define ATT_ATTACH       0x00069005u /* attAttachment */
#define ATT_VERSION      0x00089006u /* attTnefVersion: 4 bytes */
#define ATT_RECIPS       0x00069004u /* attRecipTable: a count first */
#define ATT_SENTFOR      0x00060001u /* attSentFor: (name, address) pairs */
#define ATT_FROM         0x00008000u /* attFrom */
#define ATT_SUBJECT      0x00018004u /* attSubject */
#define ATT_TITLE        0x00018010u /* attAttachTitle: the short file name */
#define ATT_ORIGCLASS    0x00070006u /* attOriginalMessageClass */
#define ATT_IGNORED      0x00067FFFu /* an id libytnef has no handler for */
#define TNEF_MAX_TEXT    100         /* libytnef's bound on those four */

struct tc_rd {
	unsigned char *d;
	size_t n, off;
};

struct tc_scope {
	uint32_t ids[TNEF_MAX_SEEN];
	unsigned n;
};

static uint32_t
tc_le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

/* An attribute's checksum: the sum of its data bytes, 16 bits. */
static uint32_t
tc_sum(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;
	size_t k;

	for (k = 0; k < n; k++)
		sum += p[k];
	return sum & 0xffff;
}

static int
tc_u32(struct tc_rd *r, uint32_t *v)
{
	if (r->n - r->off < 4)
		return 0;
	*v = tc_le32(r->d + r->off);
	r->off += 4;
	return 1;
}

static int
tc_skip(struct tc_rd *r, uint64_t k)
{
	if (r->n - r->off < k)
		return 0;
	r->off += (size_t)k;
	return 1;
}

/* Subject properties: libytnef refuses one over 100 bytes (the whole stream with
 * it) and leaks an empty one; tc_mapi renames them to TC_SUBJECT_RENAMED, a
 * property the library ignores, in the copy it is given. */
#define TC_SUBJECT_RENAMED 0x7FFFu

static int
tc_subject(uint32_t prop)
{
	return prop == 0x0037 || prop == 0x0038 || prop == 0x0049 || prop == 0x0070 ||
	    prop == 0x0E1D;
}

/* One value of property type TYPE; MV: inside a multi-valued list. */
static const char *
tc_value(struct tc_rd *r, uint32_t type, int mv)
{
	uint32_t n;

	switch (type) {
	case 0x0102:
	case 0x000D:
	case 0x001E:
	case 0x001F: /* binary, object, strings */
		if ((!mv && !tc_u32(r, &n)) || !tc_u32(r, &n))
			return "MAPI value cut short";
		if (type == 0x001F && n > TNEF_MAX_UNICODE)
			return "Unicode MAPI value too long";
		return tc_skip(r, (uint64_t)n + (n % 4 ? 4 - n % 4 : 0)) ?
		    NULL :
		    "MAPI value longer than its block";
	case 0x0002:
	case 0x0003:
	case 0x0004:
	case 0x0006:
	case 0x0007:
	case 0x000A:
	case 0x000B: return tc_skip(r, 4) ? NULL : "MAPI value cut short";
	case 0x0005:
	case 0x0014:
	case 0x0040: return tc_skip(r, 8) ? NULL : "MAPI value cut short";
	case 0x0048: return tc_skip(r, 16) ? NULL : "MAPI value cut short";
	default: return "unknown MAPI property type";
	}
}

/* The name part of a named property (id >= 0x8000). */
static const char *
tc_names(struct tc_rd *r)
{
	uint32_t k, len;

	if (!tc_skip(r, 16) || !tc_u32(r, &k))
		return "MAPI property name cut short";
	if (k == 0)
		return tc_u32(r, &len) ? NULL : "MAPI property name cut short";
	if (k > (r->n - r->off) / 4)
		return "more MAPI property names than bytes";
	while (k-- > 0) {
		if (!tc_u32(r, &len))
			return "MAPI property name cut short";
		if (len > TNEF_MAX_NAMELEN)
			return "MAPI property name too long";
		if (!tc_skip(r, (uint64_t)len + (len % 4 ? 4 - len % 4 : 0)))
			return "MAPI property name cut short";
	}
	return NULL;
}

/* A MAPI property block D/N, as libytnef's TNEFFillMapi reads it; subject
 * properties renamed in place (*CHANGED set). */
static const char *
tc_mapi(unsigned char *d, size_t n, int *changed)
{
	struct tc_rd r = { d, n, 0 };
	uint32_t count, id, type, nv, i, j;
	const char *why;

	if (!tc_u32(&r, &count))
		return "MAPI block cut short";
	if (count > TNEF_MAX_PROPS)
		return "more MAPI properties than libytnef takes";
	for (i = 0; i < count; i++) {
		if (!tc_u32(&r, &id))
			return "MAPI property cut short";
		if (tc_subject(id >> 16)) {
			id = TC_SUBJECT_RENAMED << 16 | (id & 0xffff);
			d[r.off - 2] = TC_SUBJECT_RENAMED & 0xff;
			d[r.off - 1] = TC_SUBJECT_RENAMED >> 8;
			*changed = 1;
		}
		if ((id >> 16) >= 0x8000 && (why = tc_names(&r)) != NULL)
			return why;
		type = id & 0xffff;
		nv = 1;
		if (type & 0x1000) {
			type -= 0x1000;
			if (!tc_u32(&r, &nv))
				return "MAPI property cut short";
			if (nv == 0 || nv > TNEF_MAX_VALUES)
				return "MAPI multi-value count out of range";
		}
		for (j = 0; j < nv; j++)
			if ((why = tc_value(&r, type, (id & 0x1000) != 0)) != NULL)
				return why;
	}
	return r.off == n ? NULL : "MAPI block longer than its properties";
}

/* attSentFor: pairs of 16-bit-length-prefixed name and address, exactly. */
static const char *
tc_sentfor(const unsigned char *d, size_t n)
{
	size_t i = 0, k;
	int half;

	while (i < n)
		for (half = 0; half < 2; half++) {
			if (n - i < 2)
				return "attSentFor cut short";
			k = (size_t)(d[i] | d[i + 1] << 8);
			if (k > n - i - 2)
				return "attSentFor cut short";
			i += 2 + k;
		}
	return NULL;
}

/* Does ID set a field of the current attachment (else of the message)? */
static int
tc_attachment_attr(uint32_t id)
{
	switch (id) {
	case 0x0006800Fu:
	case 0x00018010u:
	case 0x00068011u:
	case 0x00038012u:
	case 0x00038013u:
	case 0x00069001u:
	case ATT_REND:
	case ATT_ATTACH: return 1;
	default: return 0;
	}
}

/* Remember ID in scope S; the reason when it was there already (or S is full). */
static const char *
tc_once(struct tc_scope *s, uint32_t id)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return "attribute repeated";
	if (s->n == TNEF_MAX_SEEN)
		return "too many attributes";
	s->ids[s->n++] = id;
	return NULL;
}

/* One attribute with id ID and data P/N: its scope and its MAPI block. */
static const char *
tc_attribute(struct tc_scope *msg, struct tc_scope *att, int *open, uint32_t id,
    unsigned char *p, size_t n, int *changed)
{
	const char *why;

	if (id == ATT_REND) {
		*open = 1;
		att->n = 0;
	}
	if (tc_attachment_attr(id) && !*open)
		return "attachment attribute before attAttachRendData";
	if ((why = tc_once(tc_attachment_attr(id) ? att : msg, id)) != NULL)
		return why;
	if (id == ATT_MAPI || id == ATT_ATTACH)
		return tc_mapi(p, n, changed);
	if (id == ATT_VERSION && n != 4)
		return "attTnefVersion is not 4 bytes";
	if (id == ATT_RECIPS && n < 4)
		return "attRecipTable cut short";
	if (id == ATT_SENTFOR)
		return tc_sentfor(p, n);
	return NULL;
}

/* Attributes libytnef refuses over TNEF_MAX_TEXT bytes, failing the whole stream
 * (a long or Japanese subject is common): renamed at A (the attribute header; the
 * checksum covers only the data) to an id it ignores. From, subject and original
 * class are of no use to the scan; an attachment title only when too long (it
 * names the child when there is no long file name). */
static void
tc_rename(unsigned char *a, uint32_t n)
{
	uint32_t id = tc_le32(a + 1);

	if (id != ATT_FROM && id != ATT_SUBJECT && id != ATT_ORIGCLASS &&
	    !(id == ATT_TITLE && n > TNEF_MAX_TEXT))
		return;
	a[1] = ATT_IGNORED & 0xff;
	a[2] = ATT_IGNORED >> 8 & 0xff;
	a[3] = ATT_IGNORED >> 16 & 0xff;
	a[4] = ATT_IGNORED >> 24;
}

const char *
tnef_check(unsigned char *d, size_t len, size_t *off)
{
	struct tc_scope msg, att;
	const char *why;
	size_t i = 6;
	uint32_t n, sum;
	int open = 0, changed;

	*off = 0;
	msg.n = att.n = 0;
	if (len < 6 || tc_le32(d) != TNEF_SIGNATURE)
		return "no TNEF signature";
	for (; i < len; i += 9 + (size_t)n + 2) {
		*off = i;
		if (len - i < 9)
			return "attribute header cut short";
		if (d[i] != 1 && d[i] != 2)
			return "attribute level is neither message nor attachment";
		n = tc_le32(d + i + 5);
		if (n == 0)
			return "empty attribute";
		if (n > len - i - 9 || len - i - 9 - n < 2)
			return "attribute longer than the stream";
		if (tc_sum(d + i + 9, n) != (uint32_t)(d[i + 9 + n] | d[i + 10 + n] << 8))
			return "attribute checksum wrong";
		changed = 0;
		if ((why = tc_attribute(&msg, &att, &open, tc_le32(d + i + 1), d + i + 9,
			 n, &changed)) != NULL)
			return why;
		tc_rename(d + i, n);
		if (changed) { /* a renamed subject: the checksum follows */
			sum = tc_sum(d + i + 9, n);
			d[i + 9 + n] = (unsigned char)(sum & 0xff);
			d[i + 10 + n] = (unsigned char)(sum >> 8);
		}
	}
	return NULL;
}
