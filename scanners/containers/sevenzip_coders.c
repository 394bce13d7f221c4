/*
 * sevenzip_coders.c: one 7z folder's coder chain as a pull decoder (see
 * sevenzip.h). A chain is read from the folder's output back to its one packed
 * stream and must be, in that order: filters (BCJ x86, ARM, ARMT, PPC, SPARC,
 * IA64, Delta), then LZMA or LZMA2, or else Copy alone; then 7zAES or nothing.
 * The filters and LZMA run as one liblzma raw decoder (xz's filters are 7-Zip's);
 * 7zAES is AES-256-CBC through OpenSSL (cryptprim.c) with the key derived as
 * 7-Zip does: SHA-256 over 2^NumCyclesPower rounds of salt, the password in
 * UTF-16LE and a 64-bit little-endian round counter.
 *
 * Limits: output stops at the folder's declared size; the LZMA dictionary is
 * clamped to that size, to what the caller will read and to SZ_DICT_MAX (no match
 * can reach further back than the output so far); NumCyclesPower above
 * SZ_KDF_POWER_MAX is refused, as 7-Zip refuses it. A packed stream that ends early,
 * an encrypted stream that is not whole AES blocks, or output that ends before its
 * size is bad data.
 *
 * BUGS: BCJ2 and the coders not listed above are refused (sz_chain_unsupported);
 * filters with a start offset property are refused.
 */
#include <stdlib.h>
#include <string.h>

#include <lzma.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "containers/sevenzip.h"
#include "core/cryptprim.h"

#define SZ_BUF     (64u * 1024)   /* packed bytes read at once */
#define SZ_KDF_RUN 64u            /* KDF rounds hashed per digest update */
#define SZ_PW16    (2u * 64 + 4)  /* UTF-16 bytes of one password, at most */

struct sz_dec {
	struct spool *src;
	uint64_t off, left;             /* packed bytes not read yet */
	uint64_t out_left;              /* unpacked bytes still to come */
	int aes, lzma, src_end, lz_end;
	unsigned char key[32], iv[16];
	unsigned char tail[16];         /* a decrypted block partly handed out */
	size_t tpos, tlen;
	lzma_stream lz;
	lzma_filter filt[LZMA_FILTERS_MAX + 1];
	lzma_options_lzma lzo;
	lzma_options_delta delta;
	unsigned char in[SZ_BUF];
};

/* The chain from the output back to the packed stream: coder indexes into
 * ORDER, their count returned; 0 when the folder is not one linear chain. */
static unsigned
sz_chain(const struct sz_folder *f, unsigned order[SZ_CODERS_MAX])
{
	unsigned n = 0, c, j, i;
	uint64_t out = 0;

	if (f->npacked != 1)
		return 0;
	for (i = 0; i < f->ncoders; i++)
		if (f->c[i].nin != 1 || f->c[i].nout != 1)
			return 0;
	/* with one in and one out per coder, stream i belongs to coder i */
	for (i = 0; i < f->nout; i++) {
		for (j = 0; j < f->nbind && f->bind_out[j] != i; j++)
			;
		if (j == f->nbind)
			break;
	}
	out = i;
	while (out < f->ncoders && n < f->ncoders) {
		c = (unsigned)out;
		order[n++] = c;
		for (j = 0; j < f->nbind && f->bind_in[j] != c; j++)
			;
		if (j == f->nbind)
			return f->packed[0] == c ? n : 0;
		out = f->bind_out[j];
	}
	return 0;
}

static int
sz_is_filter(uint64_t id)
{
	return id == SZ_ID_X86 || id == SZ_ID_PPC || id == SZ_ID_IA64 || id == SZ_ID_ARM ||
	    id == SZ_ID_ARMT || id == SZ_ID_SPARC || id == SZ_ID_DELTA;
}

const char *
sz_chain_unsupported(const struct sz_folder *f)
{
	unsigned order[SZ_CODERS_MAX], n, i = 0;
	uint64_t id;

	if ((n = sz_chain(f, order)) == 0) {
		for (i = 0; i < f->ncoders; i++)
			if (f->c[i].id == SZ_ID_BCJ2)
				return "BCJ2 (a four-stream x86 filter)";
		return "a coder graph with several packed streams";
	}
	while (i < n && sz_is_filter(f->c[order[i]].id)) {
		id = f->c[order[i]].id;
		if (id == SZ_ID_DELTA ? f->c[order[i]].nprops != 1 : f->c[order[i]].nprops != 0)
			return "a filter with properties other than the usual ones";
		i++;
	}
	if (i > LZMA_FILTERS_MAX - 1)
		return "more than three filters";
	if (i < n && (f->c[order[i]].id == SZ_ID_LZMA || f->c[order[i]].id == SZ_ID_LZMA2))
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

/* The 7zAES properties: NumCyclesPower, salt, IV (zero-padded). */
static int
sz_aes_props(const struct sz_coder *c, unsigned *power, unsigned char salt[16],
    unsigned *saltlen, unsigned char iv[16])
{
	unsigned b0, b1, ivlen;

	memset(iv, 0, 16);
	*saltlen = 0;
	if (c->nprops < 1)
		return -1;
	b0 = c->props[0];
	*power = b0 & 0x3F;
	if ((b0 & 0xC0) == 0)
		return 0;
	if (c->nprops < 2)
		return -1;
	b1 = c->props[1];
	*saltlen = ((b0 >> 7) & 1) + (b1 >> 4);
	ivlen = ((b0 >> 6) & 1) + (b1 & 0x0F);
	if (*saltlen > 16 || ivlen > 16 || 2u + *saltlen + ivlen > c->nprops)
		return -1;
	memcpy(salt, c->props + 2, *saltlen);
	memcpy(iv, c->props + 2 + *saltlen, ivlen);
	return 0;
}

static const struct sz_coder *
sz_aes_coder(const struct sz_folder *f)
{
	unsigned i;

	for (i = 0; i < f->ncoders; i++)
		if (f->c[i].id == SZ_ID_AES)
			return &f->c[i];
	return NULL;
}

/* PW (UTF-8; a byte that is not UTF-8 counts as Latin-1) as UTF-16LE. */
static size_t
sz_utf16(const char *pw, unsigned char out[SZ_PW16])
{
	const unsigned char *p = (const unsigned char *)pw;
	size_t n = 0;
	uint32_t c;
	unsigned k, i;

	while (*p != '\0' && n + 4 <= SZ_PW16) {
		c = *p;
		k = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		if (c >= 0xF8 || (c >= 0x80 && c < 0xC0))
			k = 0;
		for (i = 1; i <= k && (p[i] & 0xC0) == 0x80; i++)
			;
		if (k > 0 && i > k) {
			c &= 0x3F >> k;
			for (i = 1; i <= k; i++)
				c = c << 6 | (p[i] & 0x3F);
			p += k;
		}
		p++;
		if (c >= 0x10000) {
			c -= 0x10000;
			out[n++] = (unsigned char)((0xD800 | c >> 10) & 0xFF);
			out[n++] = (unsigned char)((0xD800 | c >> 10) >> 8);
			c = 0xDC00 | (c & 0x3FF);
		}
		out[n++] = (unsigned char)(c & 0xFF);
		out[n++] = (unsigned char)(c >> 8);
	}
	return n;
}

/* SHA-256 over 2^POWER runs of SALT || PW16 || counter, SZ_KDF_RUN runs a time. */
static int
sz_kdf(const unsigned char *salt, unsigned saltlen, const unsigned char *pw16, size_t pwlen,
    unsigned power, unsigned char key[32])
{
	size_t unit = saltlen + pwlen + 8, i, k;
	uint64_t round, rounds = (uint64_t)1 << power;
	unsigned char *run = malloc(unit * SZ_KDF_RUN);
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned got = 0;
	int ok = run != NULL && h != NULL && EVP_DigestInit_ex(h, EVP_sha256(), NULL) == 1;

	for (i = 0; ok && i < SZ_KDF_RUN; i++) {
		memcpy(run + i * unit, salt, saltlen);
		memcpy(run + i * unit + saltlen, pw16, pwlen);
	}
	for (round = 0; ok && round < rounds; round += k) {
		k = rounds - round < SZ_KDF_RUN ? (size_t)(rounds - round) : SZ_KDF_RUN;
		for (i = 0; i < k; i++) {
			uint64_t c = round + i;
			unsigned char *p = run + i * unit + saltlen + pwlen;
			unsigned b;

			for (b = 0; b < 8; b++)
				p[b] = (unsigned char)(c >> (8 * b));
		}
		ok = EVP_DigestUpdate(h, run, unit * k) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(h, key, &got) == 1 && got == 32;
	EVP_MD_CTX_free(h);
	free(run);
	return ok ? 0 : -1;
}

int
sz_aes_key(const struct sz_folder *f, const char *pw, struct sz_key *k, const char **why)
{
	const struct sz_coder *c = sz_aes_coder(f);
	unsigned char salt[16], iv[16], pw16[SZ_PW16];
	unsigned power, saltlen;
	size_t n;

	if (c == NULL || sz_aes_props(c, &power, salt, &saltlen, iv) != 0) {
		*why = "bad 7zAES properties";
		return -1;
	}
	if (k->valid && k->power == power && k->saltlen == saltlen &&
	    memcmp(k->salt, salt, saltlen) == 0)
		return 0;
	n = sz_utf16(pw, pw16);
	k->valid = 0;
	if (power == 0x3F) {
		/* no hashing: salt and password as the key, zero-padded */
		memset(k->key, 0, 32);
		memcpy(k->key, salt, saltlen);
		memcpy(k->key + saltlen, pw16, n < 32 - saltlen ? n : 32 - saltlen);
	} else if (power > SZ_KDF_POWER_MAX) {
		*why = "7zAES NumCyclesPower above 24 (refused, as 7-Zip refuses it)";
		return -1;
	} else if (sz_kdf(salt, saltlen, pw16, n, power, k->key) != 0) {
		*why = "out of memory";
		return -1;
	}
	k->valid = 1;
	k->power = power;
	k->saltlen = saltlen;
	memcpy(k->salt, salt, saltlen);
	return 0;
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

/* The liblzma filter chain for the coders in ORDER[0..N-1] up to LZMA/LZMA2. */
static int
sz_lzma_init(struct sz_dec *d, const struct sz_folder *f, const unsigned *order, unsigned n,
    uint64_t dict_cap)
{
	const struct sz_coder *c;
	unsigned i, k = 0;

	for (i = 0; i < n && k < LZMA_FILTERS_MAX; i++) {
		c = &f->c[order[i]];
		if (c->id != SZ_ID_LZMA && c->id != SZ_ID_LZMA2 && !sz_is_filter(c->id))
			break;      /* Copy or 7zAES: no liblzma */
		if (c->id == SZ_ID_LZMA || c->id == SZ_ID_LZMA2) {
			if (sz_lzma_opts(c, &d->lzo, dict_cap) != 0)
				return -1;
			d->filt[k].id = c->id == SZ_ID_LZMA ? LZMA_FILTER_LZMA1 : LZMA_FILTER_LZMA2;
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
	return 0;   /* Copy: no liblzma */
}

struct sz_dec *
sz_dec_new(const struct sz_folder *f, struct spool *src, uint64_t off, uint64_t size,
    const unsigned char *key, uint64_t want, const char **why)
{
	struct sz_dec *d;
	unsigned order[SZ_CODERS_MAX], n, power, saltlen;
	unsigned char salt[16];
	const lzma_stream init = LZMA_STREAM_INIT;
	uint64_t total = sz_folder_size(f);

	if ((*why = sz_chain_unsupported(f)) != NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	d->src = src;
	d->off = off;
	d->left = size;
	d->out_left = total;
	d->lz = init;
	n = sz_chain(f, order);
	if (f->c[order[n - 1]].id == SZ_ID_AES) {
		if (key == NULL ||
		    sz_aes_props(&f->c[order[n - 1]], &power, salt, &saltlen, d->iv) != 0) {
			*why = "bad 7zAES properties";
			sz_dec_free(d);
			return NULL;
		}
		d->aes = 1;
		memcpy(d->key, key, 32);
	}
	if (sz_lzma_init(d, f, order, n, want < total ? want : total) != 0) {
		*why = "bad LZMA properties or out of memory";
		sz_dec_free(d);
		return NULL;
	}
	return d;
}

/* Up to N packed bytes (decrypted when 7zAES) into BUF; *GOT 0 at the end. */
static em_status
sz_src_read(struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why)
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
sz_lzma_read(struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why)
{
	lzma_ret ret;
	size_t in;
	em_status st;

	*got = 0;
	while (*got == 0 && !d->lz_end) {
		if (d->lz.avail_in == 0 && !d->src_end) {
			if ((st = sz_src_read(d, d->in, sizeof(d->in), &in, why)) != EM_OK)
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
sz_aes_copy(struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why)
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

em_status
sz_dec_read(struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why)
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
		*why = "the data ends before its declared size (truncated or wrong password)";
		return EM_BADDATA;
	}
	d->out_left -= *got;
	return EM_OK;
}

void
sz_dec_free(struct sz_dec *d)
{
	if (d == NULL)
		return;
	lzma_end(&d->lz);
	OPENSSL_cleanse(d->key, sizeof(d->key));
	free(d);
}
