/*
 * cfb.c: the Compound File Binary reader (see cfb.h).
 *
 * Open: header (512- or 4096-byte sectors), DIFAT (109 header slots, then the
 * chained DIFAT sectors), FAT, directory, mini FAT and the mini stream. Every chain
 * is walked with a visited bitmap over the sectors the bytes hold, so a loop or a
 * pointer past the end stops it (and is noted as an anomaly); tables are sized by
 * the bytes present, never by a declared count.
 *
 * Limits: CFB_MAX_ENTRIES directory entries; the caller's MAX per stream.
 * BUGS: the transaction signature, CLSIDs, timestamps and red/black colours are not
 * checked; a range lock sector in a >2 GiB file is not special-cased.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "office/cfb.h"

#define CFB_FREE  0xFFFFFFFFu
#define CFB_ENDOF 0xFFFFFFFEu
#define CFB_DIRSZ 128u

/* Where chain units live: the file's sectors or the mini stream's 64-byte units. */
struct cfb_src {
	const unsigned char *base;
	size_t len;
	size_t first; /* offset of unit 0 */
	size_t unit;
	const uint32_t *tab;
	uint32_t ntab;
};

struct cfb {
	const unsigned char *d;
	size_t len;
	size_t ssize;
	uint32_t nsec; /* sectors (possibly the last one partial) in the bytes */
	uint32_t *fat;
	uint32_t nfat;
	uint32_t *minifat;
	uint32_t nminifat;
	unsigned char *mini; /* the mini stream (root entry's data) */
	size_t nmini;
	uint32_t cutoff;
	struct cfb_entry *ents;
	unsigned nents;
	char anomaly[200];
};

static void
cfb_note(struct cfb *c, const char *what)
{
	size_t n = strlen(c->anomaly);

	if (strstr(c->anomaly, what) != NULL ||
	    n + strlen(what) + 3 >= sizeof(c->anomaly))
		return;
	if (n > 0) {
		c->anomaly[n++] = ';';
		c->anomaly[n++] = ' ';
	}
	memcpy(c->anomaly + n, what, strlen(what) + 1);
}

/* Units the source holds (a partial last unit counts). */
static uint32_t
src_units(const struct cfb_src *s)
{
	size_t n;

	if (s->len <= s->first)
		return 0;
	n = (s->len - s->first + s->unit - 1) / s->unit;
	return n > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)n;
}

/*
 * Follow the chain from START through S, appending at most WANT and at most MAX
 * bytes to a new buffer. *cut when the chain stopped early. Returns 0, -2 on OOM.
 */
static int
cfb_chain(struct cfb *c, const struct cfb_src *s, uint32_t start, uint64_t want,
    size_t max, unsigned char **out, size_t *outlen, int *cut)
{
	uint32_t units = src_units(s), cur = start;
	unsigned char *seen = NULL, *buf = NULL;
	uint64_t room = (uint64_t)units * s->unit;
	size_t got = 0, cap, off, n;

	*cut = 0;
	if (room > want)
		room = want;
	cap = room > max ? max : (size_t)room;
	if ((buf = malloc(cap + 1)) == NULL ||
	    (seen = calloc((size_t)units / 8 + 1, 1)) == NULL) {
		free(buf);
		return -2;
	}
	while (got < cap) {
		if (cur == CFB_ENDOF || cur >= units) {
			*cut = 1;
			if (cur != CFB_ENDOF && c != NULL)
				cfb_note(c, "chain points past the end");
			break;
		}
		if (seen[cur / 8] & (1u << (cur % 8))) {
			*cut = 1;
			if (c != NULL)
				cfb_note(c, "sector chain loops");
			break;
		}
		seen[cur / 8] |= (unsigned char)(1u << (cur % 8));
		off = s->first + (size_t)cur * s->unit;
		n = s->len - off < s->unit ? s->len - off : s->unit;
		if (n > cap - got)
			n = cap - got;
		memcpy(buf + got, s->base + off, n);
		got += n;
		cur = cur < s->ntab ? s->tab[cur] : CFB_ENDOF;
	}
	if ((uint64_t)got < want && want != UINT64_MAX)
		*cut = 1;
	free(seen);
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	return 0;
}

/* The FAT sector numbers: header DIFAT slots, then the DIFAT chain. */
static int
cfb_difat(struct cfb *c, uint32_t declared, uint32_t **out, uint32_t *nout)
{
	uint32_t *list, n = 0, v, d, steps = 0, per = (uint32_t)(c->ssize / 4) - 1, i;

	if (declared > c->nsec)
		declared = c->nsec;
	if ((list = calloc((size_t)declared + 1, sizeof(*list))) == NULL)
		return -2;
	for (i = 0; i < 109 && n < declared; i++)
		if (rd_le32(c->d, c->len, 0x4C + 4 * (size_t)i, &v) && v < c->nsec)
			list[n++] = v;
	(void)rd_le32(c->d, c->len, 0x44, &d);
	while (n < declared && d < c->nsec && steps++ <= c->nsec) {
		size_t base = ((size_t)d + 1) * c->ssize;

		for (i = 0; i < per && n < declared; i++)
			if (rd_le32(c->d, c->len, base + 4 * (size_t)i, &v) &&
			    v < c->nsec)
				list[n++] = v;
		if (!rd_le32(c->d, c->len, base + 4 * (size_t)per, &d))
			break;
	}
	if (steps > c->nsec)
		cfb_note(c, "DIFAT chain loops");
	if (n < declared)
		cfb_note(c, "fewer FAT sectors than declared");
	*out = list;
	*nout = n;
	return 0;
}

static int
cfb_load_fat(struct cfb *c, uint32_t declared)
{
	uint32_t *secs = NULL, nsecs = 0, i, j, per = (uint32_t)(c->ssize / 4);
	int rc;

	if ((rc = cfb_difat(c, declared, &secs, &nsecs)) != 0)
		return rc;
	c->nfat = nsecs * per;
	if ((c->fat = malloc(((size_t)c->nfat + 1) * sizeof(uint32_t))) == NULL) {
		free(secs);
		return -2;
	}
	for (i = 0; i < nsecs; i++)
		for (j = 0; j < per; j++)
			if (!rd_le32(c->d, c->len,
				((size_t)secs[i] + 1) * c->ssize + 4 * (size_t)j,
				&c->fat[(size_t)i * per + j]))
				c->fat[(size_t)i * per + j] = CFB_ENDOF;
	free(secs);
	return 0;
}

static void
cfb_regular(const struct cfb *c, struct cfb_src *s)
{
	s->base = c->d;
	s->len = c->len;
	s->first = c->ssize;
	s->unit = c->ssize;
	s->tab = c->fat;
	s->ntab = c->nfat;
}

/* A directory entry's UTF-16LE name as UTF-8. */
static void
cfb_name(const unsigned char *e, char *out)
{
	uint32_t nlen = (uint32_t)e[0x40] | (uint32_t)e[0x41] << 8, i, u;
	size_t o = 0;

	if (nlen > 64)
		nlen = 64;
	for (i = 0; i + 1 < nlen; i += 2) {
		u = (uint32_t)e[i] | (uint32_t)e[i + 1] << 8;
		if (u == 0)
			break;
		if (u >= 0xD800 && u <= 0xDFFF)
			u = '?';
		if (u < 0x80) {
			out[o++] = (char)u;
		} else if (u < 0x800) {
			out[o++] = (char)(0xC0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3F));
		} else {
			out[o++] = (char)(0xE0 | u >> 12);
			out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (u & 0x3F));
		}
	}
	out[o] = '\0';
}

static int
cfb_load_dir(struct cfb *c, uint32_t start)
{
	struct cfb_src s;
	unsigned char *dir = NULL;
	size_t dlen = 0, i;
	int cut, rc;

	cfb_regular(c, &s);
	rc = cfb_chain(c, &s, start, UINT64_MAX, (size_t)CFB_MAX_ENTRIES * CFB_DIRSZ,
	    &dir, &dlen, &cut);
	if (rc != 0)
		return rc;
	if (dlen >= (size_t)CFB_MAX_ENTRIES * CFB_DIRSZ)
		cfb_note(c, "directory entries past the cap not read");
	c->nents = (unsigned)(dlen / CFB_DIRSZ);
	if ((c->ents = calloc((size_t)c->nents + 1, sizeof(*c->ents))) == NULL) {
		free(dir);
		return -2;
	}
	for (i = 0; i < c->nents; i++) {
		const unsigned char *e = dir + i * CFB_DIRSZ;
		struct cfb_entry *x = &c->ents[i];
		uint32_t lo, hi;

		cfb_name(e, x->name);
		x->type = e[0x42];
		(void)rd_le32(e, CFB_DIRSZ, 0x44, &x->left);
		(void)rd_le32(e, CFB_DIRSZ, 0x48, &x->right);
		(void)rd_le32(e, CFB_DIRSZ, 0x4C, &x->child);
		(void)rd_le32(e, CFB_DIRSZ, 0x74, &x->start);
		(void)rd_le32(e, CFB_DIRSZ, 0x78, &lo);
		(void)rd_le32(e, CFB_DIRSZ, 0x7C, &hi);
		x->size = c->ssize == 512 ? lo : ((uint64_t)hi << 32 | lo);
		x->parent = -1;
	}
	free(dir);
	return 0;
}

/* Give every entry the tree reaches its parent: explicit stack, visited bitmap. */
static int
cfb_tree(struct cfb *c)
{
	uint32_t *stk, top = 0, node, par;
	unsigned char *seen;
	size_t cap = (size_t)c->nents * 3 + 3;

	if (c->nents == 0)
		return 0;
	stk = malloc(cap * 2 * sizeof(*stk));
	seen = calloc((size_t)c->nents / 8 + 1, 1);
	if (stk == NULL || seen == NULL) {
		free(stk);
		free(seen);
		return -2;
	}
	seen[0] = 1;
	stk[top++] = c->ents[0].child;
	stk[top++] = 0;
	while (top > 0) {
		par = stk[--top];
		node = stk[--top];
		if (node >= c->nents)
			continue;
		if (seen[node / 8] & (1u << (node % 8))) {
			cfb_note(c, "directory tree loops");
			continue;
		}
		seen[node / 8] |= (unsigned char)(1u << (node % 8));
		c->ents[node].parent = (int)par;
		/* each visited node pushes at most 3: top stays under 2 * cap */
		stk[top++] = c->ents[node].left;
		stk[top++] = par;
		stk[top++] = c->ents[node].right;
		stk[top++] = par;
		if (c->ents[node].type == CFB_STORAGE) {
			stk[top++] = c->ents[node].child;
			stk[top++] = node;
		}
	}
	free(stk);
	free(seen);
	return 0;
}

static int
cfb_load_mini(struct cfb *c, uint32_t mfstart)
{
	struct cfb_src s;
	unsigned char *raw = NULL;
	size_t rlen = 0, i;
	int cut, rc;

	cfb_regular(c, &s);
	if ((rc = cfb_chain(c, &s, mfstart, UINT64_MAX, c->len, &raw, &rlen, &cut)) != 0)
		return rc;
	c->nminifat = (uint32_t)(rlen / 4);
	if ((c->minifat = malloc(((size_t)c->nminifat + 1) * sizeof(uint32_t))) == NULL) {
		free(raw);
		return -2;
	}
	for (i = 0; i < c->nminifat; i++)
		(void)rd_le32(raw, rlen, 4 * i, &c->minifat[i]);
	free(raw);
	if (c->nents == 0 || c->ents[0].type != CFB_ROOT)
		return 0;
	return cfb_chain(
	    c, &s, c->ents[0].start, c->ents[0].size, c->len, &c->mini, &c->nmini, &cut);
}

static int
cfb_header(struct cfb *c, char *err, size_t errlen)
{
	static const unsigned char magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A,
		0xE1 };
	uint16_t shift = 0, order = 0;

	if (c->len < 512 || memcmp(c->d, magic, 8) != 0) {
		snprintf(err, errlen, "not a compound file (no OLE2 signature)");
		return -1;
	}
	(void)rd_le16(c->d, c->len, 0x1C, &order);
	(void)rd_le16(c->d, c->len, 0x1E, &shift);
	if (order != 0xFFFE)
		cfb_note(c, "byte order mark is not FFFE");
	if (shift != 9 && shift != 12) {
		snprintf(err, errlen, "sector size 2^%u not supported", (unsigned)shift);
		return -1;
	}
	c->ssize = (size_t)1 << shift;
	if (c->len <= c->ssize) {
		snprintf(err, errlen, "truncated: no sector after the header");
		return -1;
	}
	c->nsec = (uint32_t)((c->len - c->ssize + c->ssize - 1) / c->ssize);
	(void)rd_le32(c->d, c->len, 0x38, &c->cutoff);
	if (c->cutoff != 4096)
		cfb_note(c, "mini stream cutoff is not 4096");
	return 0;
}

int
cfb_open(
    const unsigned char *data, size_t len, struct cfb **out, char *err, size_t errlen)
{
	struct cfb *c;
	uint32_t nfatsec = 0, dirstart = 0, mfstart = 0;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -2;
	c->d = data;
	c->len = len;
	if ((rc = cfb_header(c, err, errlen)) != 0)
		goto fail;
	(void)rd_le32(data, len, 0x2C, &nfatsec);
	(void)rd_le32(data, len, 0x30, &dirstart);
	(void)rd_le32(data, len, 0x3C, &mfstart);
	if ((rc = cfb_load_fat(c, nfatsec)) != 0 || (rc = cfb_load_dir(c, dirstart)) != 0)
		goto fail;
	if (c->nents == 0 || c->ents[0].type != CFB_ROOT) {
		snprintf(err, errlen, "no root directory entry");
		rc = -1;
		goto fail;
	}
	if ((rc = cfb_tree(c)) != 0 || (rc = cfb_load_mini(c, mfstart)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	if (rc == -2)
		snprintf(err, errlen, "out of memory");
	cfb_free(c);
	return rc;
}

void
cfb_free(struct cfb *c)
{
	if (c == NULL)
		return;
	free(c->fat);
	free(c->minifat);
	free(c->mini);
	free(c->ents);
	free(c);
}

unsigned
cfb_count(const struct cfb *c)
{
	return c->nents;
}

const struct cfb_entry *
cfb_entry(const struct cfb *c, unsigned i)
{
	return i < c->nents ? &c->ents[i] : NULL;
}

const char *
cfb_anomaly(const struct cfb *c)
{
	return c->anomaly;
}

int
cfb_child(const struct cfb *c, int parent, const char *name)
{
	unsigned i;

	for (i = 1; i < c->nents; i++)
		if (c->ents[i].parent == parent && c->ents[i].type != CFB_EMPTY &&
		    strcasecmp(c->ents[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
cfb_read(const struct cfb *c, unsigned i, size_t max, unsigned char **out, size_t *outlen,
    int *cut)
{
	const struct cfb_entry *e = cfb_entry(c, i);
	struct cfb_src s;
	int rc;

	if (e == NULL || e->type != CFB_STREAM)
		return -1;
	if (e->size < c->cutoff) {
		s.base = c->mini;
		s.len = c->nmini;
		s.first = 0;
		s.unit = 64;
		s.tab = c->minifat;
		s.ntab = c->nminifat;
	} else {
		cfb_regular(c, &s);
	}
	/* the handle is const for readers: anomalies of one stream are the caller's */
	rc = cfb_chain(NULL, &s, e->start, e->size, max, out, outlen, cut);
	if (rc == 0 && e->size > max)
		*cut = 1;
	return rc;
}
