/*
 * sevenzip_coders.c: one 7z folder's coders as a pull decoder (see sevenzip.h).
 * A folder is planned from its output back to its packed streams: either one
 * chain, or BCJ2 (sevenzip_bcj2.c) over four chains. A chain must be, from its
 * output: filters (BCJ x86, ARM, ARMT, PPC, SPARC, IA64, Delta), then LZMA or
 * LZMA2, or else Copy alone or nothing; then 7zAES or nothing. The filters and
 * LZMA run as one liblzma raw decoder (xz's filters are 7-Zip's); 7zAES is
 * AES-256-CBC through OpenSSL (cryptprim.c), its key from sevenzip_aes.c.
 *
 * Limits: output stops at the declared sizes; the LZMA dictionary is clamped to
 * the chain's size, to what the caller will read and to SZ_DICT_MAX (no match can
 * reach further back than the output so far); the three BCJ2 side streams are
 * read into memory first, each at most SZ_BCJ2_SIDE_MAX bytes. A packed stream
 * that ends early, an encrypted stream that is not whole AES blocks, or output
 * that ends before its size is bad data.
 *
 * BUGS: the coders not listed above are refused (sz_chain_unsupported), and so
 * are filters with a start offset property. All 7zAES coders of a folder are
 * given the key of its first one (7-Zip uses one salt per archive).
 */
#include <stdlib.h>
#include <string.h>

#include <lzma.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "containers/sevenzip.h"
#include "core/cryptprim.h"

#define SZ_BUF (64u * 1024) /* packed bytes read at once */

/* One linear chain: a packed stream, 7zAES or not, then liblzma or Copy. */
struct sz_lin {
	struct spool *src;
	uint64_t off, left; /* packed bytes not read yet */
	uint64_t out_left;  /* unpacked bytes still to come */
	int aes, lzma, src_end, lz_end;
	unsigned char key[32], iv[16];
	unsigned char tail[16]; /* a decrypted block partly handed out */
	size_t tpos, tlen;
	lzma_stream lz;
	lzma_filter filt[LZMA_FILTERS_MAX + 1];
	lzma_options_lzma lzo;
	lzma_options_delta delta;
	unsigned char in[SZ_BUF];
};

/* How a folder is decoded: one linear chain, or BCJ2 over four (a chain of no
 * coder is its packed stream as it is). */
struct sz_plan {
	int bcj2;
	unsigned n[4], pack[4];
	unsigned order[4][SZ_CODERS_MAX + 1]; /* +1: the main coder, then a chain */
	uint64_t out[4]; /* the chain's out stream; UINT64_MAX: none */
};

/* A folder's decoder: chain 0, or BCJ2 over chains 0 (main) to 3. */
struct sz_dec {
	struct sz_lin *lin[4];
	int bcj2, main_end;
	struct sz_bcj2 *bcj;
	uint64_t out_left;
	size_t mpos, mlen;
	unsigned char mbuf[SZ_BUF];
};

static int
sz_is_filter(uint64_t id)
{
	return id == SZ_ID_X86 || id == SZ_ID_PPC || id == SZ_ID_IA64 ||
	    id == SZ_ID_ARM || id == SZ_ID_ARMT || id == SZ_ID_SPARC || id == SZ_ID_DELTA;
}

/* The coder whose out streams hold OUT (numbered in coder order), or -1; its
 * first in stream in *IN. */
static int
sz_out_owner(const struct sz_folder *f, uint64_t out, uint64_t *in)
{
	unsigned c;
	uint64_t o = 0, i = 0;

	for (c = 0; c < f->ncoders; c++) {
		if (out >= o && out < o + f->c[c].nout) {
			*in = i;
			return (int)c;
		}
		o += f->c[c].nout;
		i += f->c[c].nin;
	}
	return -1;
}

/* In stream IN: the out stream bound to it (1), or the folder's packed stream
 * number (0), into *TO; -1 when it is neither. */
static int
sz_in_source(const struct sz_folder *f, uint64_t in, uint64_t *to)
{
	unsigned j;

	for (j = 0; j < f->nbind; j++)
		if (f->bind_in[j] == in) {
			*to = f->bind_out[j];
			return 1;
		}
	for (j = 0; j < f->npacked; j++)
		if (f->packed[j] == in) {
			*to = j;
			return 0;
		}
	return -1;
}

/* The linear chain feeding in stream IN: coders into ORDER (from the output
 * back), the packed stream number into *PACK, its out stream into *OUT. The
 * count (0: IN is a packed stream itself), or -1 when not linear. */
static int
sz_chain_at(const struct sz_folder *f, uint64_t in, unsigned *order, unsigned *pack,
    uint64_t *out)
{
	unsigned n = 0;
	uint64_t to, cin;
	int c, k;

	*out = UINT64_MAX;
	while ((k = sz_in_source(f, in, &to)) == 1 && n < f->ncoders) {
		if (n == 0)
			*out = to;
		if ((c = sz_out_owner(f, to, &cin)) < 0 || f->c[c].nin != 1 ||
		    f->c[c].nout != 1)
			return -1;
		order[n++] = (unsigned)c;
		in = cin;
	}
	if (k != 0)
		return -1;
	*pack = (unsigned)to;
	return (int)n;
}

/* Does the chain ORDER[0..N-1] decode: filters, then LZMA/LZMA2 (or Copy
 * alone), then 7zAES or nothing? NULL, or what does not. */
static const char *
sz_lin_unsupported(const struct sz_folder *f, const unsigned *order, unsigned n)
{
	unsigned i = 0;
	uint64_t id;

	while (i < n && sz_is_filter(f->c[order[i]].id)) {
		id = f->c[order[i]].id;
		if (id == SZ_ID_DELTA ? f->c[order[i]].nprops != 1 :
					f->c[order[i]].nprops != 0)
			return "a filter with properties other than the usual ones";
		i++;
	}
	if (i > LZMA_FILTERS_MAX - 1)
		return "more than three filters";
	if (i < n &&
	    (f->c[order[i]].id == SZ_ID_LZMA || f->c[order[i]].id == SZ_ID_LZMA2))
		i++;
	else if (i < n && f->c[order[i]].id == SZ_ID_COPY && i == 0)
		i++;
	else if (i > 0)
		return "a filter over data that is not LZMA";
	if (i < n && f->c[order[i]].id == SZ_ID_AES)
		i++;
	if (i == n)
		return NULL;
	switch (f->c[order[i]].id) {
	case 0x040108: return "Deflate";
	case 0x040109: return "Deflate64";
	case 0x040202: return "BZip2";
	case 0x030401: return "PPMd";
	case 0x0A: return "ARM64";
	case SZ_ID_AES: return "7zAES twice";
	default: return "an unknown coder";
	}
}

/* The plan of folder F: one linear chain from its output, or BCJ2 (four in,
 * one out) as its last coder over four linear chains. NULL, or what does not
 * decode. */
static const char *
sz_plan(const struct sz_folder *f, struct sz_plan *p)
{
	uint64_t main = UINT64_MAX, in, out;
	unsigned i, j, k, ins;
	int c, n;
	const char *why;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < f->nout && main == UINT64_MAX; i++) {
		for (j = 0; j < f->nbind && f->bind_out[j] != i; j++)
			;
		if (j == f->nbind)
			main = i;
	}
	if ((c = sz_out_owner(f, main, &in)) < 0)
		return "a coder graph without an output";
	p->bcj2 = f->c[c].id == SZ_ID_BCJ2;
	if (p->bcj2 && (f->c[c].nin != 4 || f->c[c].nout != 1))
		return "BCJ2 with other than four inputs";
	ins = p->bcj2 ? 4 : 1;
	for (k = 0; k < ins; k++) {
		if (p->bcj2) {
			n = sz_chain_at(f, in + k, p->order[k], &p->pack[k], &out);
		} else {
			/* the chain that ends in the main output: start above it */
			p->order[0][0] = (unsigned)c;
			n = f->c[c].nin != 1 || f->c[c].nout != 1 ?
			    -1 :
			    sz_chain_at(f, in, p->order[0] + 1, &p->pack[0], &out);
			n = n < 0 || n + 1 > (int)SZ_CODERS_MAX ? -1 : n + 1;
			out = main;
		}
		if (n < 0)
			return "a coder graph that is not a chain";
		p->n[k] = (unsigned)n;
		p->out[k] = out;
		if ((why = sz_lin_unsupported(f, p->order[k], p->n[k])) != NULL)
			return why;
	}
	return NULL;
}

const char *
sz_chain_unsupported(const struct sz_folder *f)
{
	struct sz_plan p;

	return sz_plan(f, &p);
}

/* liblzma options of coder C (LZMA: lc/lp/pb byte and dictionary; LZMA2: the
 * dictionary code), the dictionary clamped to DICT_CAP. */
static int
sz_lzma_opts(const struct sz_coder *c, lzma_options_lzma *o, uint64_t dict_cap)
{
	uint64_t dict;
	unsigned d;

	memset(o, 0, sizeof(*o));
	if (c->id == SZ_ID_LZMA) {
		if (c->nprops < 5 || (d = c->props[0]) >= 9 * 5 * 5)
			return -1;
		o->lc = d % 9;
		o->lp = d / 9 % 5;
		o->pb = d / 45;
		dict = (uint64_t)c->props[1] | (uint64_t)c->props[2] << 8 |
		    (uint64_t)c->props[3] << 16 | (uint64_t)c->props[4] << 24;
	} else {
		if (c->nprops < 1 || (d = c->props[0]) > 40)
			return -1;
		o->lc = LZMA_LC_DEFAULT;
		o->lp = LZMA_LP_DEFAULT;
		o->pb = LZMA_PB_DEFAULT;
		dict = d == 40 ? 0xFFFFFFFFu : (uint64_t)(2 | (d & 1)) << (d / 2 + 11);
	}
	if (dict > dict_cap)
		dict = dict_cap;
	if (dict > SZ_DICT_MAX)
		dict = SZ_DICT_MAX;
	o->dict_size = dict < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN : (uint32_t)dict;
	return 0;
}

static lzma_vli
sz_filter_id(uint64_t id)
{
	switch (id) {
	case SZ_ID_X86: return LZMA_FILTER_X86;
	case SZ_ID_PPC: return LZMA_FILTER_POWERPC;
	case SZ_ID_IA64: return LZMA_FILTER_IA64;
	case SZ_ID_ARM: return LZMA_FILTER_ARM;
	case SZ_ID_ARMT: return LZMA_FILTER_ARMTHUMB;
	case SZ_ID_SPARC: return LZMA_FILTER_SPARC;
	default: return LZMA_FILTER_DELTA;
	}
}

static void sz_lin_free(struct sz_lin *d);

/* The liblzma filter chain for the coders in ORDER[0..N-1] up to LZMA/LZMA2. */
static int
sz_lzma_init(struct sz_lin *d, const struct sz_folder *f, const unsigned *order,
    unsigned n, uint64_t dict_cap)
{
	const struct sz_coder *c;
	unsigned i, k = 0;

	for (i = 0; i < n && k < LZMA_FILTERS_MAX; i++) {
		c = &f->c[order[i]];
		if (c->id != SZ_ID_LZMA && c->id != SZ_ID_LZMA2 && !sz_is_filter(c->id))
			break; /* Copy or 7zAES: no liblzma */
		if (c->id == SZ_ID_LZMA || c->id == SZ_ID_LZMA2) {
			if (sz_lzma_opts(c, &d->lzo, dict_cap) != 0)
				return -1;
			d->filt[k].id =
			    c->id == SZ_ID_LZMA ? LZMA_FILTER_LZMA1 : LZMA_FILTER_LZMA2;
			d->filt[k++].options = &d->lzo;
			d->filt[k].id = LZMA_VLI_UNKNOWN;
			d->lzma = 1;
			return lzma_raw_decoder(&d->lz, d->filt) == LZMA_OK ? 0 : -1;
		}
		d->filt[k].id = sz_filter_id(c->id);
		d->filt[k].options = NULL;
		if (c->id == SZ_ID_DELTA) {
			d->delta.type = LZMA_DELTA_TYPE_BYTE;
			d->delta.dist = (uint32_t)c->props[0] + 1;
			d->filt[k].options = &d->delta;
		}
		k++;
	}
	return 0; /* Copy: no liblzma */
}

/* Chain ORDER[0..N-1] over SIZE packed bytes at OFF in SRC, OUT bytes of
 * output; KEY when the chain has 7zAES. NULL on failure (WHY). */
static struct sz_lin *
sz_lin_new(const struct sz_folder *f, const unsigned *order, unsigned n,
    struct spool *src, uint64_t off, uint64_t size, uint64_t out,
    const unsigned char *key, uint64_t dict_cap, const char **why)
{
	struct sz_lin *d;
	unsigned power, saltlen;
	unsigned char salt[16];
	const lzma_stream init = LZMA_STREAM_INIT;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	d->src = src;
	d->off = off;
	d->left = size;
	d->out_left = out;
	d->lz = init;
	if (n > 0 && f->c[order[n - 1]].id == SZ_ID_AES) {
		if (key == NULL ||
		    sz_aes_props(&f->c[order[n - 1]], &power, salt, &saltlen, d->iv) !=
			0) {
			*why = "bad 7zAES properties";
			sz_lin_free(d);
			return NULL;
		}
		d->aes = 1;
		memcpy(d->key, key, 32);
	}
	if (sz_lzma_init(d, f, order, n, dict_cap < out ? dict_cap : out) != 0) {
		*why = "bad LZMA properties or out of memory";
		sz_lin_free(d);
		return NULL;
	}
	return d;
}

/* Up to N packed bytes (decrypted when 7zAES) into BUF; *GOT 0 at the end. */
static em_status
sz_src_read(struct sz_lin *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	unsigned char last[16];
	size_t take;

	*got = 0;
	if (d->left == 0)
		return EM_OK;
	take = n < d->left ? n : (size_t)d->left;
	if (d->aes)
		take -= take % 16;
	if (take == 0) {
		*why = "the encrypted stream is not whole AES blocks";
		return EM_BADDATA;
	}
	if (spool_pread(d->src, d->off, buf, take, got) != EM_OK)
		return EM_TEMPFAIL;
	if (*got != take) {
		*why = "the packed stream is cut short (truncated)";
		return EM_BADDATA;
	}
	d->off += take;
	d->left -= take;
	if (d->aes) {
		memcpy(last, buf + take - 16, 16);
		if (cp_aes(0, 32, d->key, d->iv, buf, take, buf) != 0)
			return EM_TEMPFAIL;
		memcpy(d->iv, last, 16);
	}
	return EM_OK;
}

static em_status
sz_lzma_read(
    struct sz_lin *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	lzma_ret ret;
	size_t in;
	em_status st;

	*got = 0;
	while (*got == 0 && !d->lz_end) {
		if (d->lz.avail_in == 0 && !d->src_end) {
			if ((st = sz_src_read(d, d->in, sizeof(d->in), &in, why)) !=
			    EM_OK)
				return st;
			d->lz.next_in = d->in;
			d->lz.avail_in = in;
			d->src_end = in == 0;
		}
		d->lz.next_out = buf;
		d->lz.avail_out = n;
		ret = lzma_code(&d->lz, d->src_end ? LZMA_FINISH : LZMA_RUN);
		*got = n - d->lz.avail_out;
		if (ret == LZMA_STREAM_END)
			d->lz_end = 1;
		else if (ret == LZMA_MEM_ERROR)
			return EM_TEMPFAIL;
		else if (ret == LZMA_BUF_ERROR)
			d->lz_end = 1;
		else if (ret != LZMA_OK) {
			*why = "LZMA data error (wrong password or corrupt data)";
			return EM_BADDATA;
		}
	}
	return EM_OK;
}

/* Copy under 7zAES: whole blocks straight into BUF; a read of less than a block
 * goes through TAIL (members need not end on a block boundary). */
static em_status
sz_aes_copy(struct sz_lin *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	size_t t;
	em_status st;

	if (d->tpos < d->tlen) {
		t = d->tlen - d->tpos < n ? d->tlen - d->tpos : n;
		memcpy(buf, d->tail + d->tpos, t);
		d->tpos += t;
		*got = t;
		return EM_OK;
	}
	if (n >= 16)
		return sz_src_read(d, buf, n - n % 16, got, why);
	if ((st = sz_src_read(d, d->tail, 16, &t, why)) != EM_OK)
		return st;
	d->tlen = t;
	d->tpos = t < n ? t : n;
	memcpy(buf, d->tail, d->tpos);
	*got = d->tpos;
	return EM_OK;
}

static em_status
sz_lin_read(struct sz_lin *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	em_status st;

	*got = 0;
	if (d->out_left == 0)
		return EM_END;
	if (n > d->out_left)
		n = (size_t)d->out_left;
	if (d->lzma)
		st = sz_lzma_read(d, buf, n, got, why);
	else if (d->aes)
		st = sz_aes_copy(d, buf, n, got, why);
	else
		st = sz_src_read(d, buf, n, got, why);
	if (st != EM_OK)
		return st;
	if (*got == 0) {
		*why =
		    "the data ends before its declared size (truncated or wrong password)";
		return EM_BADDATA;
	}
	d->out_left -= *got;
	return EM_OK;
}

static void
sz_lin_free(struct sz_lin *d)
{
	if (d == NULL)
		return;
	lzma_end(&d->lz);
	OPENSSL_cleanse(d->key, sizeof(d->key));
	free(d);
}

/* Chain L read whole into memory (a BCJ2 side stream), at most
 * SZ_BCJ2_SIDE_MAX bytes. */
static em_status
sz_side_read(struct sz_lin *l, unsigned char **out, size_t *len, const char **why)
{
	unsigned char *b = NULL, *g;
	size_t cap = 0, got;
	em_status st;

	*len = 0;
	if (l->out_left > SZ_BCJ2_SIDE_MAX) {
		*why = "a BCJ2 side stream larger than its cap";
		return EM_BADDATA;
	}
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((g = realloc(b, cap)) == NULL) {
				free(b);
				return EM_TEMPFAIL;
			}
			b = g;
		}
		if ((st = sz_lin_read(l, b + *len, cap - *len, &got, why)) == EM_END)
			break;
		if (st != EM_OK) {
			free(b);
			return st;
		}
		*len += got;
	}
	*out = b;
	return EM_OK;
}

struct sz_dec *
sz_dec_new(const struct sz_folder *f, struct spool *src, uint64_t off,
    const uint64_t *pack_size, const unsigned char *key, uint64_t want, const char **why)
{
	struct sz_plan p;
	struct sz_dec *d;
	uint64_t poff, out;
	unsigned k, j;

	if ((*why = sz_plan(f, &p)) != NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	d->bcj2 = p.bcj2;
	d->out_left = sz_folder_size(f);
	for (k = 0; k < (p.bcj2 ? 4u : 1u); k++) {
		for (j = 0, poff = off; j < p.pack[k]; j++)
			poff += pack_size[j];
		out = p.out[k] != UINT64_MAX ? f->unpack[p.out[k]] : pack_size[p.pack[k]];
		d->lin[k] = sz_lin_new(f, p.order[k], p.n[k], src, poff,
		    pack_size[p.pack[k]], out, key, k == 0 ? want : out, why);
		if (d->lin[k] == NULL) {
			sz_dec_free(d);
			return NULL;
		}
	}
	return d;
}

/* BCJ2: the side streams read first, then the main stream through the filter. */
static em_status
sz_bcj2_read(
    struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	unsigned char *side[3] = { NULL, NULL, NULL };
	size_t nside[3], used;
	unsigned k;
	em_status st = EM_OK;

	for (k = 0; d->bcj == NULL && k < 3 && st == EM_OK; k++)
		st = sz_side_read(d->lin[k + 1], &side[k], &nside[k], why);
	if (d->bcj == NULL && st == EM_OK &&
	    (d->bcj = sz_bcj2_new(side, nside, d->out_left)) == NULL)
		st = EM_TEMPFAIL;
	for (k = 0; k < 3; k++)
		free(side[k]);
	while (st == EM_OK && *got == 0) {
		used = 0;
		if (d->mpos == d->mlen && !d->main_end) {
			d->mpos = d->mlen = 0;
			st = sz_lin_read(
			    d->lin[0], d->mbuf, sizeof(d->mbuf), &d->mlen, why);
			d->main_end = st == EM_END;
			if (st == EM_END)
				st = EM_OK;
		}
		if (st == EM_OK &&
		    sz_bcj2_code(d->bcj, d->mbuf + d->mpos, d->mlen - d->mpos, &used, buf,
			n, got) != 0) {
			*why =
			    "BCJ2 streams do not match (wrong password or corrupt data)";
			st = EM_BADDATA;
		}
		d->mpos += used;
		if (st == EM_OK && *got == 0 && d->main_end && d->mpos == d->mlen)
			break;
	}
	return st;
}

em_status
sz_dec_read(struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	em_status st;

	*got = 0;
	if (d->out_left == 0)
		return EM_END;
	if (n > d->out_left)
		n = (size_t)d->out_left;
	st = d->bcj2 ? sz_bcj2_read(d, buf, n, got, why) :
		       sz_lin_read(d->lin[0], buf, n, got, why);
	if (st == EM_END || (st == EM_OK && *got == 0)) {
		*why =
		    "the data ends before its declared size (truncated or wrong password)";
		return EM_BADDATA;
	}
	if (st == EM_OK)
		d->out_left -= *got;
	return st;
}

void
sz_dec_free(struct sz_dec *d)
{
	unsigned k;

	if (d == NULL)
		return;
	for (k = 0; k < 4; k++)
		sz_lin_free(d->lin[k]);
	sz_bcj2_free(d->bcj);
	free(d);
}
