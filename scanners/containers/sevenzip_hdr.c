/*
 * sevenzip_hdr.c: the 7z header parser (see sevenzip.h), written from 7-Zip's
 * 7zFormat.txt: StreamsInfo (PackInfo, CodersInfo, SubStreamsInfo) and FilesInfo.
 *
 * Every read goes through the bounded reader below; every count is checked
 * against a compiled cap and against the bytes left in the header before anything
 * is allocated from it (each counted item takes at least one byte, or one bit for
 * the bit fields); sums of declared sizes are uint64_t and checked for overflow
 * and against the file size.
 *
 * BUGS: kArchiveProperties and kAdditionalStreamsInfo are skipped; kDummy,
 * kStartPos and the time properties are skipped by size; only internal names and
 * attributes (External = 0) are read.
 */
#include <stdlib.h>
#include <string.h>

#include "containers/sevenzip.h"

enum {
	K_END = 0x00,
	K_HEADER = 0x01,
	K_ARCHIVE_PROPS = 0x02,
	K_ADD_STREAMS = 0x03,
	K_MAIN_STREAMS = 0x04,
	K_FILES = 0x05,
	K_PACK = 0x06,
	K_UNPACK = 0x07,
	K_SUBSTREAMS = 0x08,
	K_SIZE = 0x09,
	K_CRC = 0x0A,
	K_FOLDER = 0x0B,
	K_UNPACK_SIZE = 0x0C,
	K_NUM_UNPACK = 0x0D,
	K_EMPTY_STREAM = 0x0E,
	K_EMPTY_FILE = 0x0F,
	K_NAME = 0x11,
	K_ATTRIB = 0x15
};

/* A bounded reader over a header buffer; ERR is sticky. */
struct szr {
	const unsigned char *b;
	size_t len, pos;
	const char *why;
};

static int
szr_fail(struct szr *r, const char *why)
{
	if (r->why == NULL)
		r->why = why;
	return -1;
}

static int
szr_byte(struct szr *r, unsigned *v)
{
	if (r->pos >= r->len)
		return szr_fail(r, "header ends early (truncated)");
	*v = r->b[r->pos++];
	return 0;
}

static size_t
szr_left(const struct szr *r)
{
	return r->len - r->pos;
}

/* 7zFormat.txt NUMBER: the count of leading 1 bits of the first byte is the
 * count of following little-endian bytes; the rest of the first byte is the top. */
static int
szr_num(struct szr *r, uint64_t *v)
{
	unsigned first, mask = 0x80, i, b;
	uint64_t x = 0;

	if (szr_byte(r, &first) != 0)
		return -1;
	for (i = 0; i < 8; i++) {
		if ((first & mask) == 0) {
			x |= (uint64_t)(first & (mask - 1)) << (8 * i);
			*v = x;
			return 0;
		}
		if (szr_byte(r, &b) != 0)
			return -1;
		x |= (uint64_t)b << (8 * i);
		mask >>= 1;
	}
	*v = x;
	return 0;
}

/* A count at most MAX. */
static int
szr_count(struct szr *r, uint64_t max, unsigned *n)
{
	uint64_t v;

	if (szr_num(r, &v) != 0)
		return -1;
	if (v > max)
		return szr_fail(r, "a count in the header is out of bounds");
	*n = (unsigned)v;
	return 0;
}

static int
szr_skip(struct szr *r, uint64_t n)
{
	if (n > szr_left(r))
		return szr_fail(r, "header ends early (truncated)");
	r->pos += (size_t)n;
	return 0;
}

static int
szr_u32(struct szr *r, uint32_t *v)
{
	if (szr_left(r) < 4)
		return szr_fail(r, "header ends early (truncated)");
	*v = (uint32_t)r->b[r->pos] | (uint32_t)r->b[r->pos + 1] << 8 |
	    (uint32_t)r->b[r->pos + 2] << 16 | (uint32_t)r->b[r->pos + 3] << 24;
	r->pos += 4;
	return 0;
}

static int
szr_expect(struct szr *r, unsigned id)
{
	unsigned v;

	if (szr_byte(r, &v) != 0)
		return -1;
	return v == id ? 0 : szr_fail(r, "unexpected property in the header");
}

/* N bits, most significant first, into OUT[0..N-1] (0 or 1 each). */
static int
szr_bits(struct szr *r, unsigned n, unsigned char *out)
{
	unsigned i, b = 0;

	if ((uint64_t)n > (uint64_t)szr_left(r) * 8)
		return szr_fail(r, "header ends early (truncated)");
	for (i = 0; i < n; i++) {
		if (i % 8 == 0 && szr_byte(r, &b) != 0)
			return -1;
		out[i] = (b >> (7 - i % 8)) & 1;
	}
	return 0;
}

/* Digests of N items: AllAreDefined or a bit field, then the defined CRCs. */
static int
szr_digests(struct szr *r, unsigned n, unsigned char *has, uint32_t *crc)
{
	unsigned all, i;

	if (szr_byte(r, &all) != 0)
		return -1;
	if (all)
		memset(has, 1, n);
	else if (szr_bits(r, n, has) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (has[i] && szr_u32(r, &crc[i]) != 0)
			return -1;
	return 0;
}

static int
sz_pack_info(struct szr *r, uint64_t filesize, struct sz_streams *st)
{
	unsigned id, i;
	uint64_t sum;

	if (szr_num(r, &st->pack_pos) != 0 ||
	    szr_count(r, SZ_FOLDERS_MAX * 4u, &st->npack) != 0)
		return -1;
	if (st->npack > szr_left(r))
		return szr_fail(r, "more packed streams than header bytes");
	if ((st->pack_size = calloc(st->npack + 1u, sizeof(uint64_t))) == NULL)
		return szr_fail(r, "out of memory");
	for (;;) {
		if (szr_byte(r, &id) != 0)
			return -1;
		if (id == K_END)
			break;
		if (id == K_SIZE) {
			for (i = 0; i < st->npack; i++)
				if (szr_num(r, &st->pack_size[i]) != 0)
					return -1;
		} else if (id == K_CRC) {
			unsigned char *has = calloc(st->npack + 1u, 1);
			uint32_t *crc = calloc(st->npack + 1u, sizeof(uint32_t));
			int rc = has != NULL && crc != NULL ?
			    szr_digests(r, st->npack, has, crc) :
			    szr_fail(r, "out of memory");

			free(has);
			free(crc);
			if (rc != 0)
				return -1;
		} else {
			return szr_fail(r, "unexpected property in PackInfo");
		}
	}
	/* every packed stream inside the file: sums in uint64_t, checked */
	if (st->pack_pos > filesize)
		return szr_fail(r, "packed streams past the end of the file (truncated)");
	sum = SZ_SIG_LEN + st->pack_pos;
	for (i = 0; i < st->npack; i++) {
		if (st->pack_size[i] > filesize || sum + st->pack_size[i] > filesize)
			return szr_fail(
			    r, "packed streams past the end of the file (truncated)");
		sum += st->pack_size[i];
	}
	return 0;
}

/* One coder of a folder. */
static int
sz_coder(struct szr *r, struct sz_coder *c)
{
	unsigned flags, idlen, i, b;
	uint64_t n;

	if (szr_byte(r, &flags) != 0)
		return -1;
	idlen = flags & 0x0F;
	if (idlen > 8 || (flags & 0x80) != 0)
		return szr_fail(r, "coder id too long or alternative methods");
	c->id = 0;
	for (i = 0; i < idlen; i++) {
		if (szr_byte(r, &b) != 0)
			return -1;
		c->id = c->id << 8 | b;
	}
	c->nin = c->nout = 1;
	if ((flags & 0x10) != 0 &&
	    (szr_count(r, SZ_STREAMS_MAX, &c->nin) != 0 ||
		szr_count(r, SZ_STREAMS_MAX, &c->nout) != 0))
		return -1;
	c->props = NULL;
	c->nprops = 0;
	if ((flags & 0x20) != 0) {
		if (szr_num(r, &n) != 0)
			return -1;
		if (n > szr_left(r))
			return szr_fail(r, "coder properties past the end of the header");
		c->props = r->b + r->pos;
		c->nprops = (size_t)n;
		r->pos += (size_t)n;
	}
	return 0;
}

static int
sz_folder(struct szr *r, struct sz_folder *f)
{
	unsigned i, j, bound;

	if (szr_count(r, SZ_CODERS_MAX, &f->ncoders) != 0)
		return -1;
	if (f->ncoders == 0)
		return szr_fail(r, "a folder without coders");
	f->nin = f->nout = 0;
	for (i = 0; i < f->ncoders; i++) {
		if (sz_coder(r, &f->c[i]) != 0)
			return -1;
		f->nin += f->c[i].nin;
		f->nout += f->c[i].nout;
	}
	if (f->nout == 0 || f->nin > SZ_STREAMS_MAX || f->nout > SZ_STREAMS_MAX ||
	    f->nin < f->nout - 1)
		return szr_fail(r, "a folder's streams do not add up");
	f->nbind = f->nout - 1;
	for (i = 0; i < f->nbind; i++) {
		if (szr_num(r, &f->bind_in[i]) != 0 || szr_num(r, &f->bind_out[i]) != 0)
			return -1;
		if (f->bind_in[i] >= f->nin || f->bind_out[i] >= f->nout)
			return szr_fail(
			    r, "a bind pair names a stream that does not exist");
	}
	f->npacked = f->nin - f->nbind;
	if (f->npacked == 1) {
		for (i = 0; i < f->nin; i++) {
			for (j = 0, bound = 0; j < f->nbind; j++)
				bound |= f->bind_in[j] == i;
			if (!bound)
				break;
		}
		if (i == f->nin)
			return szr_fail(r, "a folder without a packed stream");
		f->packed[0] = i;
		return 0;
	}
	for (i = 0; i < f->npacked; i++) {
		if (szr_num(r, &f->packed[i]) != 0)
			return -1;
		if (f->packed[i] >= f->nin)
			return szr_fail(r, "a packed stream index out of bounds");
	}
	return 0;
}

static int
sz_unpack_info(struct szr *r, struct sz_streams *st)
{
	unsigned ext, id, i, j, cap;
	struct sz_folder *grown;
	unsigned char *has = NULL;
	uint32_t *crc = NULL;
	int rc = -1;

	if (szr_expect(r, K_FOLDER) != 0 ||
	    szr_count(r, SZ_FOLDERS_MAX, &st->nfolders) != 0 || szr_byte(r, &ext) != 0)
		return -1;
	if (ext != 0)
		return szr_fail(r, "external folder data");
	if (st->nfolders > szr_left(r))
		return szr_fail(r, "more folders than header bytes");
	/* grown as folders are parsed, not allocated from the declared count */
	for (i = 0, cap = 0; i < st->nfolders; i++) {
		if (i == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(st->f, cap * sizeof(*st->f))) == NULL)
				return szr_fail(r, "out of memory");
			st->f = grown;
		}
		memset(&st->f[i], 0, sizeof(st->f[i]));
		if (sz_folder(r, &st->f[i]) != 0) {
			st->nfolders = i;
			return -1;
		}
	}
	if (szr_expect(r, K_UNPACK_SIZE) != 0)
		return -1;
	for (i = 0; i < st->nfolders; i++)
		for (j = 0; j < st->f[i].nout; j++)
			if (szr_num(r, &st->f[i].unpack[j]) != 0)
				return -1;
	has = calloc(st->nfolders + 1u, 1);
	crc = calloc(st->nfolders + 1u, sizeof(uint32_t));
	if (has == NULL || crc == NULL) {
		szr_fail(r, "out of memory");
		goto out;
	}
	for (;;) {
		if (szr_byte(r, &id) != 0)
			goto out;
		if (id == K_END)
			break;
		if (id != K_CRC || szr_digests(r, st->nfolders, has, crc) != 0) {
			szr_fail(r, "unexpected property in CodersInfo");
			goto out;
		}
	}
	for (i = 0; i < st->nfolders; i++) {
		st->f[i].has_crc = has[i];
		st->f[i].crc = crc[i];
	}
	rc = 0;
out:
	free(has);
	free(crc);
	return rc;
}

/* The sizes of the substreams of each folder: N-1 declared, the last the rest. */
static int
sz_sub_sizes(struct szr *r, struct sz_streams *st, int declared)
{
	unsigned i, k = 0;
	uint64_t j, sum, total, v;

	for (i = 0; i < st->nfolders; i++) {
		total = sz_folder_size(&st->f[i]);
		if (st->f[i].nsub == 0)
			continue;
		if (!declared && st->f[i].nsub > 1)
			return szr_fail(r, "substream sizes missing");
		for (j = 0, sum = 0; declared && j + 1 < st->f[i].nsub; j++) {
			if (szr_num(r, &v) != 0)
				return -1;
			if (v > total - sum)
				return szr_fail(r, "substreams larger than their folder");
			sum += v;
			st->sub_size[k++] = v;
		}
		st->sub_size[k++] = total - sum;
	}
	return 0;
}

/* The CRCs of the substreams: a folder of one substream with a folder CRC gives
 * it; the others are listed in order. */
static int
sz_sub_crcs(struct szr *r, struct sz_streams *st, int present)
{
	unsigned i, k = 0, n = 0, m = 0;
	uint64_t j;
	unsigned char *has;
	uint32_t *crc;

	for (i = 0; i < st->nfolders; i++)
		if (!(st->f[i].nsub == 1 && st->f[i].has_crc))
			n += (unsigned)st->f[i].nsub;
	has = calloc(n + 1u, 1);
	crc = calloc(n + 1u, sizeof(uint32_t));
	if (has == NULL || crc == NULL || (present && szr_digests(r, n, has, crc) != 0)) {
		free(has);
		free(crc);
		return szr_fail(r, "out of memory");
	}
	for (i = 0; i < st->nfolders; i++) {
		if (st->f[i].nsub == 1 && st->f[i].has_crc) {
			st->sub_has_crc[k] = 1;
			st->sub_crc[k++] = st->f[i].crc;
			continue;
		}
		for (j = 0; j < st->f[i].nsub; j++, m++, k++) {
			st->sub_has_crc[k] = has[m];
			st->sub_crc[k] = crc[m];
		}
	}
	free(has);
	free(crc);
	return r->why == NULL ? 0 : -1;
}

static int
sz_substreams(struct szr *r, struct sz_streams *st, int present)
{
	unsigned id = K_END, i;
	uint64_t total = 0;

	for (i = 0; i < st->nfolders; i++)
		st->f[i].nsub = 1;
	if (present && szr_byte(r, &id) != 0)
		return -1;
	if (id == K_NUM_UNPACK) {
		for (i = 0; i < st->nfolders; i++)
			if (szr_num(r, &st->f[i].nsub) != 0)
				return -1;
		if (szr_byte(r, &id) != 0)
			return -1;
	}
	for (i = 0; i < st->nfolders; i++) {
		if (st->f[i].nsub > SZ_FILES_MAX || total + st->f[i].nsub > SZ_FILES_MAX)
			return szr_fail(r, "too many substreams");
		st->f[i].first_sub = (unsigned)total;
		total += st->f[i].nsub;
	}
	/* each substream but the last of a folder has a size byte, or a CRC */
	if (total > (uint64_t)szr_left(r) + st->nfolders)
		return szr_fail(r, "more substreams than header bytes");
	st->nsub = (unsigned)total;
	st->sub_size = calloc(total + 1, sizeof(uint64_t));
	st->sub_crc = calloc(total + 1, sizeof(uint32_t));
	st->sub_has_crc = calloc(total + 1, 1);
	if (st->sub_size == NULL || st->sub_crc == NULL || st->sub_has_crc == NULL)
		return szr_fail(r, "out of memory");
	if (sz_sub_sizes(r, st, id == K_SIZE) != 0)
		return -1;
	if (id == K_SIZE && szr_byte(r, &id) != 0)
		return -1;
	if (sz_sub_crcs(r, st, id == K_CRC) != 0)
		return -1;
	if (id == K_CRC && szr_byte(r, &id) != 0)
		return -1;
	return !present || id == K_END ?
	    0 :
	    szr_fail(r, "unexpected property in SubStreamsInfo");
}

/* Each folder's packed streams, in order, from the pack sizes. */
static int
sz_place_folders(struct szr *r, struct sz_streams *st)
{
	unsigned i, k, p = 0;
	uint64_t off = SZ_SIG_LEN + st->pack_pos;

	for (i = 0; i < st->nfolders; i++) {
		if (st->f[i].npacked > st->npack - p)
			return szr_fail(
			    r, "folders use more packed streams than there are");
		st->f[i].first_pack = p;
		st->f[i].pack_off = off;
		for (k = 0; k < st->f[i].npacked; k++)
			off += st->pack_size[p++];
	}
	return 0;
}

static int
sz_streams_r(struct szr *r, uint64_t filesize, struct sz_streams *st)
{
	unsigned id;

	if (szr_byte(r, &id) != 0)
		return -1;
	if (id == K_PACK) {
		if (sz_pack_info(r, filesize, st) != 0 || szr_byte(r, &id) != 0)
			return -1;
	}
	if (id == K_UNPACK) {
		if (sz_unpack_info(r, st) != 0 || szr_byte(r, &id) != 0)
			return -1;
	}
	if (id == K_SUBSTREAMS) {
		if (sz_substreams(r, st, 1) != 0 || szr_byte(r, &id) != 0)
			return -1;
	} else if (sz_substreams(r, st, 0) != 0) {
		return -1;
	}
	if (id != K_END)
		return szr_fail(r, "unexpected property in StreamsInfo");
	return sz_place_folders(r, st);
}

int
sz_parse_streams(const unsigned char *b, size_t len, size_t *pos, uint64_t filesize,
    struct sz_streams *st, const char **why)
{
	struct szr r = { b, len, *pos, NULL };
	int rc;

	memset(st, 0, sizeof(*st));
	rc = sz_streams_r(&r, filesize, st);
	*pos = r.pos;
	if (rc != 0) {
		*why = r.why != NULL ? r.why : "bad header";
		sz_streams_free(st);
	}
	return rc;
}

/* UTF-16LE, NUL-terminated, at R into a new UTF-8 string (cut at SZ_NAME_MAX);
 * lone surrogates become '?'. */
static char *
sz_name(struct szr *r)
{
	char *s = malloc(SZ_NAME_MAX + 4);
	size_t n = 0;
	uint32_t c, lo;

	if (s == NULL)
		return NULL;
	for (;;) {
		if (szr_left(r) < 2) {
			free(s);
			szr_fail(r, "a name without its terminator");
			return NULL;
		}
		c = r->b[r->pos] | (uint32_t)r->b[r->pos + 1] << 8;
		r->pos += 2;
		if (c == 0)
			break;
		if (c >= 0xD800 && c < 0xDC00 && szr_left(r) >= 2 &&
		    (lo = r->b[r->pos] | (uint32_t)r->b[r->pos + 1] << 8) >= 0xDC00 &&
		    lo < 0xE000) {
			r->pos += 2;
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
		} else if (c >= 0xD800 && c < 0xE000) {
			c = '?';
		}
		if (n > SZ_NAME_MAX)
			continue;
		if (c < 0x80) {
			s[n++] = (char)c;
		} else if (c < 0x800) {
			s[n++] = (char)(0xC0 | c >> 6);
			s[n++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			s[n++] = (char)(0xE0 | c >> 12);
			s[n++] = (char)(0x80 | (c >> 6 & 0x3F));
			s[n++] = (char)(0x80 | (c & 0x3F));
		} else {
			s[n++] = (char)(0xF0 | c >> 18);
			s[n++] = (char)(0x80 | (c >> 12 & 0x3F));
			s[n++] = (char)(0x80 | (c >> 6 & 0x3F));
			s[n++] = (char)(0x80 | (c & 0x3F));
		}
	}
	s[n] = '\0';
	return s;
}

/* The file properties that matter here: which files have data, which are
 * directories, their names. Others are skipped by their size. */
struct sz_fprops {
	unsigned char *empty_stream, *empty_file, *dir;
	unsigned nempty;
};

static int
sz_file_prop(struct szr *r, unsigned type, struct sz_arc *a, struct sz_fprops *fp)
{
	unsigned i, all, ext;
	uint32_t attr;

	switch (type) {
	case K_EMPTY_STREAM:
		if (szr_bits(r, a->nfiles, fp->empty_stream) != 0)
			return -1;
		for (i = 0, fp->nempty = 0; i < a->nfiles; i++)
			fp->nempty += fp->empty_stream[i];
		return 0;
	case K_EMPTY_FILE: return szr_bits(r, fp->nempty, fp->empty_file);
	case K_NAME:
		if (szr_byte(r, &ext) != 0 || ext != 0)
			return szr_fail(r, "external names");
		for (i = 0; i < a->nfiles; i++) {
			free(a->files[i].name);
			if ((a->files[i].name = sz_name(r)) == NULL)
				return szr_fail(r, "out of memory");
		}
		return 0;
	case K_ATTRIB:
		if (szr_byte(r, &all) != 0)
			return -1;
		if (all)
			memset(fp->dir, 1, a->nfiles);
		else if (szr_bits(r, a->nfiles, fp->dir) != 0)
			return -1;
		if (szr_byte(r, &ext) != 0 || ext != 0)
			return szr_fail(r, "external attributes");
		for (i = 0; i < a->nfiles; i++) {
			if (!fp->dir[i])
				continue;
			if (szr_u32(r, &attr) != 0)
				return -1;
			fp->dir[i] = (attr & 0x10) != 0; /* FILE_ATTRIBUTE_DIRECTORY */
		}
		return 0;
	default: return 0;
	}
}

static int
sz_files_r(struct szr *r, struct sz_arc *a, struct sz_fprops *fp)
{
	unsigned type, i, k = 0, nstreams = 0;
	uint64_t size;
	struct szr sub;

	for (;;) {
		if (szr_byte(r, &type) != 0)
			return -1;
		if (type == K_END)
			break;
		if (szr_num(r, &size) != 0)
			return -1;
		if (size > szr_left(r))
			return szr_fail(r, "a file property past the end of the header");
		sub = *r;
		sub.len = r->pos + (size_t)size;
		if (sz_file_prop(&sub, type, a, fp) != 0)
			return szr_fail(r, sub.why);
		r->pos += (size_t)size;
	}
	for (i = 0; i < a->nfiles; i++) {
		a->files[i].has_stream = !fp->empty_stream[i];
		nstreams += a->files[i].has_stream;
		a->files[i].is_dir = fp->dir[i] ||
		    (fp->empty_stream[i] && k < fp->nempty && !fp->empty_file[k]);
		k += fp->empty_stream[i];
		if (a->files[i].name == NULL && (a->files[i].name = strdup("?")) == NULL)
			return szr_fail(r, "out of memory");
	}
	if (nstreams != a->st.nsub)
		return szr_fail(r, "the files and the streams do not match");
	return 0;
}

static int
sz_files(struct szr *r, struct sz_arc *a)
{
	struct sz_fprops fp;
	int rc;

	/* files without data take at least a bit of the kEmptyStream field */
	if (szr_count(r, SZ_FILES_MAX, &a->nfiles) != 0)
		return -1;
	if (a->nfiles > a->st.nsub + (uint64_t)szr_left(r) * 8)
		return szr_fail(r, "more files than the header can describe");
	memset(&fp, 0, sizeof(fp));
	a->files = calloc(a->nfiles + 1u, sizeof(*a->files));
	fp.empty_stream = calloc(a->nfiles + 1u, 1);
	fp.empty_file = calloc(a->nfiles + 1u, 1);
	fp.dir = calloc(a->nfiles + 1u, 1);
	if (a->files == NULL || fp.empty_stream == NULL || fp.empty_file == NULL ||
	    fp.dir == NULL)
		rc = szr_fail(r, "out of memory");
	else
		rc = sz_files_r(r, a, &fp);
	free(fp.empty_stream);
	free(fp.empty_file);
	free(fp.dir);
	return rc;
}

static int
sz_header_r(struct szr *r, struct sz_arc *a, uint64_t filesize)
{
	unsigned id, type;
	uint64_t size;
	struct sz_streams add;
	int rc;

	if (szr_expect(r, K_HEADER) != 0 || szr_byte(r, &id) != 0)
		return -1;
	if (id == K_ARCHIVE_PROPS) {
		for (;;) {
			if (szr_byte(r, &type) != 0)
				return -1;
			if (type == K_END)
				break;
			if (szr_num(r, &size) != 0 || szr_skip(r, size) != 0)
				return -1;
		}
		if (szr_byte(r, &id) != 0)
			return -1;
	}
	if (id == K_ADD_STREAMS) {
		memset(&add, 0, sizeof(add));
		rc = sz_streams_r(r, filesize, &add);
		sz_streams_free(&add);
		if (rc != 0 || szr_byte(r, &id) != 0)
			return -1;
	}
	if (id == K_MAIN_STREAMS) {
		if (sz_streams_r(r, filesize, &a->st) != 0 || szr_byte(r, &id) != 0)
			return -1;
	}
	if (id == K_FILES) {
		if (sz_files(r, a) != 0 || szr_byte(r, &id) != 0)
			return -1;
	} else if (a->st.nsub != 0) {
		return szr_fail(r, "streams without files");
	}
	return id == K_END ? 0 : szr_fail(r, "unexpected property in the header");
}

int
sz_parse_header(struct sz_arc *a, uint64_t filesize, const char **why)
{
	struct szr r = { a->hdr, a->hdrlen, 0, NULL };

	if (sz_header_r(&r, a, filesize) == 0)
		return 0;
	*why = r.why != NULL ? r.why : "bad header";
	return -1;
}

void
sz_streams_free(struct sz_streams *st)
{
	free(st->pack_size);
	free(st->f);
	free(st->sub_size);
	free(st->sub_crc);
	free(st->sub_has_crc);
	memset(st, 0, sizeof(*st));
}

void
sz_arc_free(struct sz_arc *a)
{
	unsigned i;

	if (a == NULL)
		return;
	for (i = 0; a->files != NULL && i < a->nfiles; i++)
		free(a->files[i].name);
	free(a->files);
	sz_streams_free(&a->st);
	free(a->hdr);
	memset(a, 0, sizeof(*a));
}

int
sz_folder_encrypted(const struct sz_folder *f)
{
	unsigned i;

	for (i = 0; i < f->ncoders; i++)
		if (f->c[i].id == SZ_ID_AES)
			return 1;
	return 0;
}

uint64_t
sz_folder_size(const struct sz_folder *f)
{
	unsigned i, j;
	int bound;

	for (i = 0; i < f->nout; i++) {
		for (j = 0, bound = 0; j < f->nbind; j++)
			bound |= f->bind_out[j] == i;
		if (!bound)
			return f->unpack[i];
	}
	return 0;
}
