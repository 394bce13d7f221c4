/*
 * fatimg.c: FAT12/16/32 disk images (the .img attachments of Emotet-era mails;
 * libarchive does not read FAT). Every file of the volume becomes a child part
 * labelled with its path inside the image ("docs/Invoice.exe"); VFAT long names
 * are preferred over 8.3 names when their checksum matches.
 *
 * Recognition: a boot sector with a jump (EB or E9), 55AA at 510, 512..4096 bytes
 * per sector, a power-of-two cluster, >= 1 reserved sector, 1..4 FATs, a FAT size
 * and a data area inside the declared volume; or an MBR whose first FAT partition
 * starts with such a boot sector. filetype.c's sniff_fat checks the same jump, 55AA
 * and sector size, and also wants the "FAT1x"/"FAT32" label, which the spec calls
 * informational and is not needed here. FAT32 is told by a zero 16-bit FAT size, as
 * Linux does. Not FAT: EM_END, nothing recorded; scan.c then tries archive.c.
 *
 * Limits: directories are walked from an explicit stack (FAT_MAX_DEPTH deep,
 * FAT_MAX_PENDING waiting), never by recursion; one bitmap of the clusters already
 * used by a file or directory catches cluster loops, directory loops and
 * cross-linked files, so every chain is bounded by the clusters in the image. A
 * file's bytes are min(declared size, its chain, the image); they count against the
 * message's unpacked-bytes budget and each file against the member budget
 * (scan_child). The image is read through a few FAT_CHUNK buffers, never whole.
 * Findings: archive.corrupt (malformed structure: that file or directory stops; what
 * was read of a file is still scanned), archive.limit (a bound crossed).
 * Threads: none; one call per part.
 *
 * BUGS: only the active FAT copy is read (copies that disagree are not reported);
 * deleted entries, slack space and entries after an end-of-directory mark are not
 * looked at; OEM (non-ASCII) bytes of 8.3 names show as '_'; exFAT, NTFS and
 * GPT-partitioned images are left to archive.c; a LFN whose extension differs from
 * the 8.3 name is not reported (Explorer shows and opens the long name); paths past
 * FAT_PATH_MAX bytes are cut. filetype.c does not class an MBR-partitioned image as
 * a disk image, so the MBR case is reached only through tests for now.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/analyser.h"

#define FAT_MAX_DEPTH   32u    /* directory nesting (archive.limit past it) */
#define FAT_MAX_PENDING 4096u  /* directories waiting on the stack (archive.limit) */
#define FAT_MAX_DIRENTS 65536u /* entries in one directory: the spec's maximum */
#define FAT_MAX_ERRORS  16     /* archive.corrupt findings kept per image */
#define FAT_CHUNK       4096u  /* bytes of the image read at a time */
#define FAT_NAME_MAX    800    /* 255 UTF-16 units as UTF-8, and a NUL */
#define FAT_PATH_MAX    1024

struct fat_dir {
	uint32_t clus;  /* first cluster; 0 for the FAT12/16 fixed root */
	unsigned depth; /* 0 for the root */
	char *path;     /* "" for the root, else "a/b" */
};

struct fat {
	struct scan_ctx *ctx;
	const struct scan_input *in;
	uint64_t imgsize;
	unsigned type;  /* 12, 16 or 32 */
	uint32_t csize; /* bytes per cluster */
	uint64_t fat_off, fat_bytes, root_off, data_off;
	uint32_t root_bytes, root_clus;
	uint32_t maxclus;              /* highest cluster number of the volume */
	uint32_t imgclus;              /* highest cluster with data inside the image */
	unsigned char *used;           /* bitmap over 0..imgclus: claimed by a chain */
	unsigned char fwin[FAT_CHUNK]; /* a window on the FAT */
	uint64_t fwin_off;
	size_t fwin_len;
	struct fat_dir *stack;
	size_t nstack, capstack;
	int errors;
	int lfn_state; /* -1 none, >0 next ordinal expected, 0 complete */
	unsigned lfn_sum, lfn_len;
	uint16_t lfn[20 * 13];
};

/* Read up to N bytes at OFF, looping over short reads; *got < n at the end. */
static em_status
fat_pread(struct spool *sp, uint64_t off, void *buf, size_t n, size_t *got)
{
	size_t g;
	em_status st;

	*got = 0;
	while (*got < n) {
		st = spool_pread(
		    sp, off + *got, (unsigned char *)buf + *got, n - *got, &g);
		if (st != EM_OK)
			return st;
		if (g == 0)
			break;
		*got += g;
	}
	return EM_OK;
}

static void
fat_corrupt(struct fat *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
fat_corrupt(struct fat *f, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (f->errors > FAT_MAX_ERRORS)
		return;
	if (f->errors++ == FAT_MAX_ERRORS) {
		report_add(f->ctx->r, f->in->part, "archive.corrupt",
		    "FAT image: more than %d errors, the rest not listed",
		    FAT_MAX_ERRORS);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_add(f->ctx->r, f->in->part, "archive.corrupt", "FAT image: %s", msg);
}

/* Fields of the boot sector, checked; 0 when this is no FAT boot sector. */
struct fat_bpb {
	uint32_t bps, spc, rsvd, nfats, rootents, totsec, fatsz, rootclus, flags;
	int is32;
};

static int
fat_bpb_read(const unsigned char *b, size_t len, struct fat_bpb *p)
{
	uint16_t bps, rsvd, rootents, flags, t16, f16;
	uint32_t t32, f32;

	memset(p, 0, sizeof(*p));
	if (len < 512 || !(b[0] == 0xeb || b[0] == 0xe9) || b[510] != 0x55 ||
	    b[511] != 0xaa)
		return 0;
	if (!rd_le16(b, len, 11, &bps) ||
	    (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096))
		return 0;
	p->bps = bps;
	p->spc = b[13];
	p->nfats = b[16];
	if (p->spc == 0 || (p->spc & (p->spc - 1)) != 0 || p->nfats < 1 || p->nfats > 4)
		return 0;
	if (!rd_le16(b, len, 14, &rsvd) || !rd_le16(b, len, 17, &rootents) ||
	    !rd_le16(b, len, 19, &t16) || !rd_le16(b, len, 22, &f16) ||
	    !rd_le32(b, len, 32, &t32) || !rd_le32(b, len, 36, &f32) ||
	    !rd_le16(b, len, 40, &flags) || !rd_le32(b, len, 44, &p->rootclus))
		return 0;
	p->rsvd = rsvd;
	p->rootents = rootents;
	p->flags = flags;
	p->totsec = t16 != 0 ? t16 : t32;
	p->is32 = f16 == 0;
	p->fatsz = f16 != 0 ? f16 : f32;
	if (p->rsvd < 1 || p->totsec == 0 || p->fatsz == 0)
		return 0;
	/* FAT32 has no fixed root directory and FAT12/16 always have one */
	if (p->is32 ? (p->rootents != 0 || p->rootclus < 2) : p->rootents == 0)
		return 0;
	return 1;
}

/* Lay the volume out from a checked boot sector at BASE; 0 when it does not fit. */
static int
fat_layout(struct fat *f, const struct fat_bpb *p, uint64_t base)
{
	uint64_t rootsecs, datasec, nclus, fatents, lim;
	uint32_t active = 0;

	rootsecs = ((uint64_t)p->rootents * 32 + p->bps - 1) / p->bps;
	datasec = p->rsvd + (uint64_t)p->nfats * p->fatsz + rootsecs;
	if (datasec >= p->totsec)
		return 0;
	nclus = (p->totsec - datasec) / p->spc;
	if (nclus == 0)
		return 0;
	f->type = p->is32 ? 32 : nclus < 4085 ? 12 : 16;
	f->csize = p->bps * p->spc;
	if (p->is32 && (p->flags & 0x80) && (p->flags & 0x0f) < p->nfats)
		active = p->flags & 0x0f; /* mirroring off: one active FAT */
	f->fat_bytes = (uint64_t)p->fatsz * p->bps;
	f->fat_off = base + (uint64_t)p->rsvd * p->bps + active * f->fat_bytes;
	f->root_off = base + (p->rsvd + (uint64_t)p->nfats * p->fatsz) * p->bps;
	f->root_bytes = p->rootents * 32;
	f->root_clus = p->rootclus;
	f->data_off = base + datasec * p->bps;
	/* valid clusters: 2..nclus+1, also bounded by the FAT's entries and the type */
	fatents = f->fat_bytes * 8 / f->type;
	lim = f->type == 12 ? 0xff6 : f->type == 16 ? 0xfff6 : 0x0ffffff6;
	lim = nclus + 1 < lim ? nclus + 1 : lim;
	lim = fatents - 1 < lim ? fatents - 1 : lim;
	if (lim < 2)
		return 0;
	f->maxclus = (uint32_t)lim;
	/* the bitmap covers only clusters with bytes in the image, whatever the
	 * boot sector declares */
	if (f->data_off >= f->imgsize)
		f->imgclus = 1;
	else {
		lim = 1 + (f->imgsize - f->data_off + f->csize - 1) / f->csize;
		f->imgclus = lim < f->maxclus ? (uint32_t)lim : f->maxclus;
	}
	return 1;
}

/* A FAT boot sector at 0, or in the first FAT partition of an MBR. */
static int
fat_find(struct fat *f)
{
	static const unsigned char fat_ptypes[] = { 0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e };
	unsigned char bs[512];
	struct fat_bpb p;
	uint32_t lba;
	size_t got, i;

	if (fat_pread(f->in->sp, 0, bs, sizeof(bs), &got) != EM_OK || got < sizeof(bs))
		return 0;
	if (fat_bpb_read(bs, got, &p))
		return fat_layout(f, &p, 0);
	if (bs[510] != 0x55 || bs[511] != 0xaa)
		return 0;
	for (i = 0; i < 4; i++) {
		const unsigned char *e = bs + 446 + 16 * i;

		if (memchr(fat_ptypes, e[4], sizeof(fat_ptypes)) == NULL)
			continue;
		if (!rd_le32(e, 16, 8, &lba) || lba == 0 ||
		    fat_pread(f->in->sp, (uint64_t)lba * 512, bs, sizeof(bs), &got) !=
			EM_OK)
			return 0;
		return fat_bpb_read(bs, got, &p) &&
		    fat_layout(f, &p, (uint64_t)lba * 512);
	}
	return 0;
}

/* The FAT entry of cluster C; 0 when the FAT is cut short (finding recorded). */
static int
fat_entry_of(struct fat *f, uint32_t c, uint32_t *next, const char *path)
{
	uint64_t off = f->type == 12 ? (uint64_t)c + c / 2 : (uint64_t)c * (f->type / 8);
	size_t n = f->type == 32 ? 4 : 2, got;
	uint64_t at = f->fat_off + off;
	uint32_t v = 0;
	uint16_t v16;

	if (off + n > f->fat_bytes)
		goto cut;
	if (at < f->fwin_off || at + n > f->fwin_off + f->fwin_len) {
		f->fwin_len = 0;
		if (fat_pread(f->in->sp, at, f->fwin, sizeof(f->fwin), &got) != EM_OK)
			goto cut;
		f->fwin_off = at;
		f->fwin_len = got;
		if (got < n)
			goto cut;
	}
	if (n == 4) {
		(void)rd_le32(f->fwin, f->fwin_len, (size_t)(at - f->fwin_off), &v);
	} else {
		(void)rd_le16(f->fwin, f->fwin_len, (size_t)(at - f->fwin_off), &v16);
		v = v16;
	}
	if (f->type == 12)
		v = (c & 1) ? v >> 4 : v & 0xfff;
	*next = f->type == 32 ? v & 0x0fffffff : v;
	return 1;
cut:
	fat_corrupt(f, "%s: the FAT entry of cluster %lu is past the end of the image",
	    path, (unsigned long)c);
	return 0;
}

/* Claim cluster C for a chain: 0 (finding recorded) when it is out of the volume,
 * past the image, or already used (a loop, a directory loop, a cross-link). */
static int
fat_claim(struct fat *f, uint32_t c, const char *path)
{
	if (c < 2 || c > f->maxclus) {
		fat_corrupt(
		    f, "%s: cluster %lu is outside the volume", path, (unsigned long)c);
		return 0;
	}
	if (c > f->imgclus) {
		fat_corrupt(f, "%s: cluster %lu lies past the end of the image", path,
		    (unsigned long)c);
		return 0;
	}
	if (f->used[c / 8] & (1u << (c % 8))) {
		fat_corrupt(f,
		    "%s: cluster %lu is used twice (a cluster loop, a directory "
		    "loop or cross-linked files)",
		    path, (unsigned long)c);
		return 0;
	}
	f->used[c / 8] |= (unsigned char)(1u << (c % 8));
	return 1;
}

/* Follow the chain from *c: 1 with the next cluster, 0 at its end or on error
 * (finding recorded when WANT_MORE: the chain ended too early). */
static int
fat_advance(struct fat *f, uint32_t *c, int want_more, const char *path)
{
	uint32_t next, eoc = f->type == 12 ? 0xff8 : f->type == 16 ? 0xfff8 : 0x0ffffff8;

	if (!fat_entry_of(f, *c, &next, path))
		return 0;
	if (next >= eoc) {
		if (want_more)
			fat_corrupt(f,
			    "%s: the cluster chain ends before the declared size", path);
		return 0;
	}
	if (next < 2 || next > f->maxclus) {
		fat_corrupt(f, "%s: cluster %lu points to %s entry %#lx", path,
		    (unsigned long)*c, next == 0 ? "a free" : "a reserved or bad",
		    (unsigned long)next);
		return 0;
	}
	*c = next;
	return 1;
}

static uint64_t
fat_clus_off(const struct fat *f, uint32_t c)
{
	return f->data_off + (uint64_t)(c - 2) * f->csize;
}

/* Append N bytes of the image at OFF to SP, under the unpacked-bytes budget.
 * EM_BADDATA (finding recorded) when the image ends first. */
static em_status
fat_copy(struct fat *f, uint64_t off, uint32_t n, struct spool *sp, const char *path)
{
	unsigned char buf[FAT_CHUNK];
	size_t want, got;
	em_status st;

	if ((st = scan_budget_bytes(f->ctx, f->in->part, n)) != EM_OK)
		return st;
	while (n > 0) {
		want = n < sizeof(buf) ? n : sizeof(buf);
		if ((st = fat_pread(f->in->sp, off, buf, want, &got)) != EM_OK)
			return st;
		if (got > 0 && (st = spool_write(sp, buf, got)) != EM_OK)
			return st;
		if (got < want) {
			fat_corrupt(
			    f, "%s: file data runs past the end of the image", path);
			return EM_BADDATA;
		}
		off += got;
		n -= (uint32_t)got;
	}
	return EM_OK;
}

/* One file: its bytes along the chain, then the child part. */
static em_status
fat_file(struct fat *f, const char *path, uint32_t clus, uint32_t size)
{
	struct spool *sp;
	uint64_t left = size;
	uint32_t n;
	em_status st = EM_OK;

	if ((st = scan_budget_time(f->ctx, f->in->part)) != EM_OK)
		return st;
	if ((sp = spool_new(f->ctx->cfg->lim.spool_memory, f->ctx->cfg->tmpdir)) == NULL)
		return EM_TEMPFAIL;
	if (size > 0 && clus == 0)
		fat_corrupt(f, "%s: declares %lu bytes but has no cluster", path,
		    (unsigned long)size);
	while (left > 0 && clus != 0 && fat_claim(f, clus, path)) {
		n = left < f->csize ? (uint32_t)left : f->csize;
		if ((st = fat_copy(f, fat_clus_off(f, clus), n, sp, path)) != EM_OK)
			break;
		left -= n;
		if (left == 0 || !fat_advance(f, &clus, 1, path))
			break;
	}
	if (st == EM_BADDATA)
		st = EM_OK; /* recorded; what was read is still scanned */
	if (st == EM_OK)
		st = scan_child(f->ctx, f->in, path, sp, NULL);
	spool_free(sp);
	return st;
}

/* UTF-16LE units to UTF-8, defensively: lone surrogates become U+FFFD, controls
 * and path separators '_'. Stops at a NUL unit. */
static void
fat_utf8(const uint16_t *u, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;
	uint32_t cp;

	for (i = 0; i < n && u[i] != 0 && o + 5 < cap; i++) {
		cp = u[i];
		if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < n && u[i + 1] >= 0xdc00 &&
		    u[i + 1] < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (u[i + 1] - 0xdc00);
			i++;
		} else if (cp >= 0xd800 && cp < 0xe000)
			cp = 0xfffd;
		if (cp < 0x20 || cp == '/' || cp == '\\' || cp == 0x7f)
			cp = '_';
		if (cp < 0x80)
			out[o++] = (char)cp;
		else if (cp < 0x800) {
			out[o++] = (char)(0xc0 | cp >> 6);
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xe0 | cp >> 12);
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | cp >> 18);
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	out[o] = '\0';
}

/* A VFAT long-name entry: stored in order; anything out of sequence drops it. */
static void
fat_lfn_add(struct fat *f, const unsigned char *e)
{
	static const unsigned char pos[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28,
		30 };
	unsigned ord = e[0] & 0x1f, i;

	if (e[0] & 0x40) {
		if (ord == 0 || ord > 20) {
			f->lfn_state = -1;
			return;
		}
		f->lfn_sum = e[13];
		f->lfn_len = ord * 13;
	} else if (f->lfn_state <= 0 || ord != (unsigned)f->lfn_state ||
	    e[13] != f->lfn_sum) {
		f->lfn_state = -1;
		return;
	}
	for (i = 0; i < 13; i++)
		f->lfn[(ord - 1) * 13 + i] = (uint16_t)(e[pos[i]] | e[pos[i] + 1] << 8);
	f->lfn_state = (int)ord - 1;
}

/* The name of short entry E: the long name when one precedes it with the right
 * checksum, else the 8.3 name (lower-case flags honoured). */
static void
fat_name(struct fat *f, const unsigned char *e, char *out, size_t cap)
{
	unsigned sum = 0, i, n = 0, end;
	unsigned char ch;

	for (i = 0; i < 11; i++)
		sum = (((sum & 1) << 7) + (sum >> 1) + e[i]) & 0xff;
	if (f->lfn_state == 0 && sum == f->lfn_sum) {
		fat_utf8(f->lfn, f->lfn_len, out, cap);
		if (out[0] != '\0' && strcmp(out, ".") != 0 && strcmp(out, "..") != 0)
			return;
	}
	for (i = 0; i < 11 && n + 2 < cap; i++) {
		if (i == 8) {
			for (end = 11; end > 8 && e[end - 1] == ' '; end--)
				;
			if (end == 8)
				break;
			out[n++] = '.';
		}
		ch = (i == 0 && e[0] == 0x05) ? 0xe5 : e[i];
		if (ch == ' ')
			continue;
		if (ch < 0x21 || ch > 0x7e || ch == '/' || ch == '\\')
			ch = '_';
		else if (ch >= 'A' && ch <= 'Z' && (e[12] & (i < 8 ? 0x08 : 0x10)))
			ch = (unsigned char)(ch - 'A' + 'a');
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		snprintf(out, cap, "_");
}

/* Put a directory on the stack; archive.limit past the depth or stack caps. */
static em_status
fat_push(struct fat *f, uint32_t clus, unsigned depth, const char *path)
{
	struct fat_dir *s;
	size_t cap;

	if (depth > FAT_MAX_DEPTH) {
		report_add(f->ctx->r, f->in->part, "archive.limit",
		    "FAT image: %s: "
		    "directories nested deeper than %u levels not read",
		    path, FAT_MAX_DEPTH);
		return EM_OK;
	}
	if (f->nstack >= FAT_MAX_PENDING) {
		report_add(f->ctx->r, f->in->part, "archive.limit",
		    "FAT image: %s: more "
		    "than %u directories waiting, not read",
		    path, FAT_MAX_PENDING);
		return EM_OK;
	}
	if (f->nstack == f->capstack) {
		cap = f->capstack ? f->capstack * 2 : 16;
		if ((s = realloc(f->stack, cap * sizeof(*s))) == NULL)
			return EM_TEMPFAIL;
		f->stack = s;
		f->capstack = cap;
	}
	if ((f->stack[f->nstack].path = strdup(path)) == NULL)
		return EM_TEMPFAIL;
	f->stack[f->nstack].clus = clus;
	f->stack[f->nstack].depth = depth;
	f->nstack++;
	return EM_OK;
}

/* One 32-byte directory entry of D. *end is set at the end-of-directory mark. */
static em_status
fat_dirent(struct fat *f, const struct fat_dir *d, const unsigned char *e, int *end)
{
	char name[FAT_NAME_MAX], path[FAT_PATH_MAX];
	uint16_t lo, hi = 0;
	uint32_t size, clus;
	unsigned attr = e[11];

	if (e[0] == 0x00) {
		*end = 1;
		return EM_OK;
	}
	if (e[0] != 0xe5 && (attr & 0x3f) == 0x0f) {
		fat_lfn_add(f, e);
		return EM_OK;
	}
	if (e[0] == 0xe5 || (attr & 0x08) ||
	    ((attr & 0x10) && e[0] == '.' &&
		(e[1] == ' ' || (e[1] == '.' && e[2] == ' ')))) {
		f->lfn_state = -1; /* deleted, volume label, "." or ".." */
		return EM_OK;
	}
	fat_name(f, e, name, sizeof(name));
	f->lfn_state = -1;
	snprintf(path, sizeof(path), "%s%s%s", d->path, *d->path ? "/" : "", name);
	(void)rd_le16(e, 32, 26, &lo);
	if (f->type == 32)
		(void)rd_le16(e, 32, 20, &hi);
	(void)rd_le32(e, 32, 28, &size);
	clus = (uint32_t)hi << 16 | lo;
	if (!(attr & 0x10))
		return fat_file(f, path, clus, size);
	if (clus == 0) {
		fat_corrupt(f, "%s: a directory without a cluster", path);
		return EM_OK;
	}
	return fat_push(f, clus, d->depth + 1, path);
}

/* N bytes of directory D at OFF, entry by entry. */
static em_status
fat_dirbytes(struct fat *f, const struct fat_dir *d, uint64_t off, uint32_t n,
    unsigned *count, int *end)
{
	unsigned char buf[FAT_CHUNK];
	size_t want, got, i;
	em_status st;

	while (n > 0 && !*end) {
		want = n < sizeof(buf) ? n : sizeof(buf);
		if ((st = fat_pread(f->in->sp, off, buf, want, &got)) != EM_OK)
			return st;
		for (i = 0; i + 32 <= got && !*end; i += 32) {
			if (++*count > FAT_MAX_DIRENTS) {
				fat_corrupt(f, "%s/: more than %u entries", d->path,
				    FAT_MAX_DIRENTS);
				return EM_BADDATA;
			}
			if ((st = fat_dirent(f, d, buf + i, end)) != EM_OK)
				return st;
		}
		if (got < want) {
			fat_corrupt(f,
			    "%s/: the directory runs past the end of the image", d->path);
			return EM_BADDATA;
		}
		off += got;
		n -= (uint32_t)got;
	}
	return EM_OK;
}

/* Directory D: the fixed root, or a cluster chain. */
static em_status
fat_walk_dir(struct fat *f, const struct fat_dir *d)
{
	const char *label = *d->path ? d->path : "/";
	uint32_t c = d->clus;
	unsigned count = 0;
	int end = 0;
	em_status st;

	if ((st = scan_budget_time(f->ctx, f->in->part)) != EM_OK)
		return st;
	f->lfn_state = -1;
	if (c == 0)
		st = fat_dirbytes(f, d, f->root_off, f->root_bytes, &count, &end);
	else {
		while (fat_claim(f, c, label)) {
			st = fat_dirbytes(
			    f, d, fat_clus_off(f, c), f->csize, &count, &end);
			if (st != EM_OK || end || !fat_advance(f, &c, 0, label))
				break;
		}
	}
	return st == EM_BADDATA ? EM_OK : st;
}

em_status
fatimg_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct fat *f;
	struct fat_dir d;
	em_status st = EM_OK;

	if (in->sp == NULL || (f = calloc(1, sizeof(*f))) == NULL)
		return in->sp == NULL ? EM_END : EM_TEMPFAIL;
	f->ctx = ctx;
	f->in = in;
	f->imgsize = spool_size(in->sp);
	if (!fat_find(f)) {
		free(f);
		return EM_END;
	}
	if ((f->used = calloc(f->imgclus / 8 + 1, 1)) == NULL)
		st = EM_TEMPFAIL;
	else
		st = fat_push(f, f->type == 32 ? f->root_clus : 0, 0, "");
	while (st == EM_OK && f->nstack > 0) {
		d = f->stack[--f->nstack];
		st = fat_walk_dir(f, &d);
		free(d.path);
	}
	while (f->nstack > 0)
		free(f->stack[--f->nstack].path);
	free(f->stack);
	free(f->used);
	free(f);
	return st;
}
