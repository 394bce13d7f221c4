/*
 * biffcrypt.c: BIFF8 workbook streams (.xls) encrypted with RC4 (MS-OFFCRYPTO 2.3.6,
 * MD5) or RC4 CryptoAPI (2.3.5, SHA-1, 40 to 128-bit keys), as MS-XLS 2.2.10 applies
 * them: the RC4 key changes every 1024 bytes of the stream (block number = offset /
 * 1024), every byte of the stream consumes keystream, and record headers, the
 * bodies of BOF, FILEPASS, INTERFACEHDR, FILELOCK, USREXCL, RRDINFO and RRDHEAD and
 * the first 4 bytes of BOUNDSHEET stay in the clear.
 *
 * A password is right when the FILEPASS verifier decrypts to its own hash (MD5 or
 * SHA-1). Key derivation is a few hashes, so trying a password is cheap.
 * Limits: records are walked with bounds checks; the output has the input's length.
 * BUGS: XOR obfuscation (Excel 95 and "Excel 97-2003 compatible" XOR) is not
 * decrypted; BIFF5 (Excel 95) streams are not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "biffcrypt.h"

#define BC_BLOCK  1024u
#define BC_PW_MAX 255u      /* characters of an Excel password */

struct bc_key {
	int cryptoapi;
	unsigned keybits;                 /* CryptoAPI: 40..128 */
	unsigned char salt[16];
	unsigned char verifier[16], vhash[20];
	unsigned char h[20];              /* the password part of every block key */
};

struct rc4 {
	unsigned char s[256];
	unsigned char i, j;
};

static void
rc4_init(struct rc4 *r, const unsigned char *key, size_t n)
{
	unsigned k, j = 0;
	unsigned char t;

	for (k = 0; k < 256; k++)
		r->s[k] = (unsigned char)k;
	for (k = 0; k < 256; k++) {
		j = (j + r->s[k] + key[k % n]) & 0xff;
		t = r->s[k];
		r->s[k] = r->s[j];
		r->s[j] = t;
	}
	r->i = r->j = 0;
}

static void
rc4_xor(struct rc4 *r, unsigned char *d, size_t n)
{
	unsigned char t;
	size_t k;

	for (k = 0; k < n; k++) {
		r->i++;
		r->j = (unsigned char)(r->j + r->s[r->i]);
		t = r->s[r->i];
		r->s[r->i] = r->s[r->j];
		r->s[r->j] = t;
		d[k] ^= r->s[(unsigned char)(r->s[r->i] + r->s[r->j])];
	}
}

static unsigned
bc_hash(const EVP_MD *md, const unsigned char *a, size_t an, const unsigned char *b,
    size_t bn, unsigned char *out)
{
	unsigned n = 0;
	EVP_MD_CTX *h = EVP_MD_CTX_new();

	if (h != NULL && EVP_DigestInit_ex(h, md, NULL) == 1 &&
	    EVP_DigestUpdate(h, a, an) == 1 && (bn == 0 || EVP_DigestUpdate(h, b, bn) == 1))
		(void)EVP_DigestFinal_ex(h, out, &n);
	EVP_MD_CTX_free(h);
	return n;
}

static uint32_t
bc_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The FILEPASS body: wEncryptionType 1 (RC4), then version 1.1 (RC4: salt,
 * verifier, verifier hash) or 2..4.2 (CryptoAPI: flags, header size, header with
 * AlgID RC4 and the key size, then the verifier). */
static int
bc_parse(const unsigned char *fp, size_t n, struct bc_key *k)
{
	uint32_t hsize, alg, bits;
	const unsigned char *v;

	memset(k, 0, sizeof(*k));
	if (n < 6 || fp[0] != 1 || fp[1] != 0)
		return -1;
	if (fp[2] == 1 && fp[3] == 0 && fp[4] == 1 && fp[5] == 0) {
		if (n < 6 + 48)
			return -1;
		memcpy(k->salt, fp + 6, 16);
		memcpy(k->verifier, fp + 22, 16);
		memcpy(k->vhash, fp + 38, 16);
		return 0;
	}
	if (fp[2] < 2 || fp[2] > 4 || fp[3] != 0 || fp[4] != 2 || fp[5] != 0 || n < 14)
		return -1;
	hsize = bc_le32(fp + 10);
	if (hsize < 32 || hsize > n - 14 || n - 14 - hsize < 4 + 16 + 16 + 4 + 20)
		return -1;
	alg = bc_le32(fp + 14 + 8);
	bits = bc_le32(fp + 14 + 16);
	if (bits == 0)
		bits = 40;
	v = fp + 14 + hsize;
	if ((alg != 0x6801 && alg != 0) || bits < 40 || bits > 128 || bits % 8 != 0 ||
	    bc_le32(v) != 16 || bc_le32(v + 36) != 20)
		return -1;
	k->cryptoapi = 1;
	k->keybits = bits;
	memcpy(k->salt, v + 4, 16);
	memcpy(k->verifier, v + 20, 16);
	memcpy(k->vhash, v + 40, 20);
	return 0;
}

int
biffcrypt_known(const unsigned char *fp, size_t fplen)
{
	struct bc_key k;

	return bc_parse(fp, fplen, &k) == 0;
}

/* The password part of the key (2.3.6.2 / 2.3.5.2). */
static int
bc_password(struct bc_key *k, const char *pw)
{
	unsigned char u16[2 * BC_PW_MAX], h0[20], buf[16 * 21];
	size_t pl = strlen(pw), i;

	if (pl > BC_PW_MAX)
		return -1;
	for (i = 0; i < pl; i++) {
		u16[2 * i] = (unsigned char)pw[i];
		u16[2 * i + 1] = 0;
	}
	if (k->cryptoapi)
		return bc_hash(EVP_sha1(), k->salt, 16, u16, 2 * pl, k->h) == 20 ? 0 : -1;
	if (bc_hash(EVP_md5(), u16, 2 * pl, NULL, 0, h0) != 16)
		return -1;
	for (i = 0; i < 16; i++) {
		memcpy(buf + 21 * i, h0, 5);
		memcpy(buf + 21 * i + 5, k->salt, 16);
	}
	return bc_hash(EVP_md5(), buf, sizeof(buf), NULL, 0, k->h) == 16 ? 0 : -1;
}

/* The RC4 state for stream block BLOCK. */
static int
bc_block(const struct bc_key *k, uint32_t block, struct rc4 *r)
{
	unsigned char b[4], hf[20], key[16];

	b[0] = (unsigned char)block;
	b[1] = (unsigned char)(block >> 8);
	b[2] = (unsigned char)(block >> 16);
	b[3] = (unsigned char)(block >> 24);
	if (k->cryptoapi) {
		if (bc_hash(EVP_sha1(), k->h, 20, b, 4, hf) != 20)
			return -1;
		memset(key, 0, sizeof(key));
		memcpy(key, hf, k->keybits == 40 ? 5 : k->keybits / 8);
		rc4_init(r, key, k->keybits == 40 ? 16 : k->keybits / 8);
		return 0;
	}
	if (bc_hash(EVP_md5(), k->h, 5, b, 4, hf) != 16)
		return -1;
	rc4_init(r, hf, 16);
	return 0;
}

/* PW decrypts the verifier to its hash. */
static int
bc_verify(struct bc_key *k, const char *pw)
{
	unsigned char d[36], h[20];
	size_t hl = k->cryptoapi ? 20 : 16;
	struct rc4 r;

	if (bc_password(k, pw) != 0 || bc_block(k, 0, &r) != 0)
		return 0;
	memcpy(d, k->verifier, 16);
	memcpy(d + 16, k->vhash, hl);
	rc4_xor(&r, d, 16 + hl);
	return bc_hash(k->cryptoapi ? EVP_sha1() : EVP_md5(), d, 16, NULL, 0, h) == hl &&
	    memcmp(h, d + 16, hl) == 0;
}

/* Records whose body stays in the clear (MS-XLS 2.2.10). */
static size_t
bc_clear_prefix(unsigned type, size_t len)
{
	switch (type) {
	case 0x0809: /* BOF */
	case 0x002F: /* FILEPASS */
	case 0x00E1: /* INTERFACEHDR */
	case 0x0195: /* FILELOCK */
	case 0x0194: /* USREXCL */
	case 0x0196: /* RRDINFO */
	case 0x0138: /* RRDHEAD */
		return len;
	case 0x0085: /* BOUNDSHEET: lbPlyPos */
		return len < 4 ? len : 4;
	default:
		return 0;
	}
}

/* XOR the keystream into OUT[from, to): each byte with the keystream byte of its own
 * stream offset. *cur / *r hold the block whose keystream is current. */
static int
bc_xor_range(const struct bc_key *k, unsigned char *out, size_t from, size_t to,
    uint32_t *cur, size_t *used, struct rc4 *r)
{
	unsigned char skip[BC_BLOCK];
	size_t p = from, bstart, n;

	while (p < to) {
		uint32_t blk = (uint32_t)(p / BC_BLOCK);

		bstart = (size_t)blk * BC_BLOCK;
		if (blk != *cur || *used > p - bstart) {
			if (bc_block(k, blk, r) != 0)
				return -1;
			*cur = blk;
			*used = 0;
		}
		if (*used < p - bstart) {          /* clear bytes still consume keystream */
			memset(skip, 0, p - bstart - *used);
			rc4_xor(r, skip, p - bstart - *used);
			*used = p - bstart;
		}
		n = to - p < bstart + BC_BLOCK - p ? to - p : bstart + BC_BLOCK - p;
		rc4_xor(r, out + p, n);
		*used += n;
		p += n;
	}
	return 0;
}

unsigned char *
biffcrypt_open(const unsigned char *wb, size_t len, const unsigned char *fp, size_t fplen,
    const char *pw)
{
	struct bc_key k;
	struct rc4 r;
	unsigned char *out;
	uint32_t cur = UINT32_MAX;
	size_t pos = 0, used = 0, rlen, clear;
	unsigned type;

	if (bc_parse(fp, fplen, &k) != 0 || !bc_verify(&k, pw) || (out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, wb, len);
	while (len - pos >= 4) {
		type = (unsigned)wb[pos] | (unsigned)wb[pos + 1] << 8;
		rlen = (size_t)wb[pos + 2] | (size_t)wb[pos + 3] << 8;
		pos += 4;
		if (rlen > len - pos)
			rlen = len - pos;      /* the walker reports the cut record */
		clear = bc_clear_prefix(type, rlen);
		if (clear < rlen &&
		    bc_xor_range(&k, out, pos + clear, pos + rlen, &cur, &used, &r) != 0) {
			free(out);
			return NULL;
		}
		pos += rlen;
	}
	return out;
}
