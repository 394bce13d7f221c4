/*
 * rc4crypt.c: RC4 (MS-OFFCRYPTO 2.3.6: MD5, 40-bit keys spread to 128) and RC4
 * CryptoAPI (2.3.5: SHA-1, 40 to 128-bit keys) encryption of the binary Office
 * formats (see rc4crypt.h).
 *
 * A stream is encrypted as a whole: the RC4 key changes every block (1024 bytes in
 * Excel, 512 in Word), block number = stream offset / block size, and every byte
 * of the stream consumes keystream whether or not the format leaves it in the
 * clear. A password is right when the verifier decrypts to its own hash.
 * RC4 is written here: OpenSSL 3 keeps it in the legacy provider, which a mail
 * filter should not have to load.
 */
#include <string.h>
#include <openssl/evp.h>

#include "core/bytes.h"
#include "core/cryptprim.h"
#include "office/rc4crypt.h"

#define RC4C_PW_MAX 255u /* characters of an Office password */

int
rc4c_parse(const unsigned char *p, size_t n, struct rc4c_key *k)
{
	uint32_t hsize, alg, bits, vsalt, vhash;
	const unsigned char *v;

	memset(k, 0, sizeof(*k));
	if (n < 4)
		return -1;
	if (p[0] == 1 && p[1] == 0 && p[2] == 1 && p[3] == 0) {
		if (n < 4 + 48)
			return -1;
		memcpy(k->salt, p + 4, 16);
		memcpy(k->verifier, p + 20, 16);
		memcpy(k->vhash, p + 36, 16);
		return 0;
	}
	if (p[0] < 2 || p[0] > 4 || p[1] != 0 || p[2] != 2 || p[3] != 0 || n < 12)
		return -1;
	if (!rd_le32(p, n, 8, &hsize) || hsize < 32 || hsize > n - 12 ||
	    n - 12 - hsize < 4 + 16 + 16 + 4 + 20)
		return -1;
	(void)rd_le32(p, n, 12 + 8, &alg);
	(void)rd_le32(p, n, 12 + 16, &bits);
	(void)rd_le32(p, n, 12 + (size_t)hsize, &vsalt);
	(void)rd_le32(p, n, 12 + (size_t)hsize + 36, &vhash);
	if (bits == 0)
		bits = 40;
	v = p + 12 + hsize;
	if ((alg != 0x6801 && alg != 0) || bits < 40 || bits > 128 || bits % 8 != 0 ||
	    vsalt != 16 || vhash != 20)
		return -1;
	k->cryptoapi = 1;
	k->keybits = bits;
	memcpy(k->salt, v + 4, 16);
	memcpy(k->verifier, v + 20, 16);
	memcpy(k->vhash, v + 40, 20);
	return 0;
}

/* The RC4 state for stream block BLOCK (2.3.6.2 / 2.3.5.2). */
static int
rc4c_block(struct rc4c_stream *st, uint32_t block)
{
	const struct rc4c_key *k = st->k;
	unsigned char b[4], hf[20], key[16];

	b[0] = (unsigned char)block;
	b[1] = (unsigned char)(block >> 8);
	b[2] = (unsigned char)(block >> 16);
	b[3] = (unsigned char)(block >> 24);
	if (k->cryptoapi) {
		if (cp_hash(EVP_sha1(), k->h, 20, b, 4, NULL, 0, hf) != 20)
			return -1;
		memset(key, 0, sizeof(key));
		memcpy(key, hf, k->keybits == 40 ? 5 : k->keybits / 8);
		cp_rc4_init(&st->rc4, key, k->keybits == 40 ? 16 : k->keybits / 8);
		return 0;
	}
	if (cp_hash(EVP_md5(), k->h, 5, b, 4, NULL, 0, hf) != 16)
		return -1;
	cp_rc4_init(&st->rc4, hf, 16);
	return 0;
}

int
rc4c_password(struct rc4c_key *k, const char *pw)
{
	unsigned char u16[2 * RC4C_PW_MAX], h0[20], buf[16 * 21], d[36], h[20];
	size_t pl = strlen(pw), i, hl = k->cryptoapi ? 20 : 16;
	struct rc4c_stream st;

	if (pl > RC4C_PW_MAX)
		return 0;
	for (i = 0; i < pl; i++) {
		u16[2 * i] = (unsigned char)pw[i];
		u16[2 * i + 1] = 0;
	}
	if (k->cryptoapi) {
		if (cp_hash(EVP_sha1(), k->salt, 16, u16, 2 * pl, NULL, 0, k->h) != 20)
			return 0;
	} else {
		if (cp_hash(EVP_md5(), u16, 2 * pl, NULL, 0, NULL, 0, h0) != 16)
			return 0;
		for (i = 0; i < 16; i++) {
			memcpy(buf + 21 * i, h0, 5);
			memcpy(buf + 21 * i + 5, k->salt, 16);
		}
		if (cp_hash(EVP_md5(), buf, sizeof(buf), NULL, 0, NULL, 0, k->h) != 16)
			return 0;
	}
	rc4c_stream_init(&st, k, 512);
	if (rc4c_block(&st, 0) != 0)
		return 0;
	memcpy(d, k->verifier, 16);
	memcpy(d + 16, k->vhash, hl);
	cp_rc4_xor(&st.rc4, d, 16 + hl);
	return cp_hash(k->cryptoapi ? EVP_sha1() : EVP_md5(), d, 16, NULL, 0, NULL, 0,
		   h) == hl &&
	    memcmp(h, d + 16, hl) == 0;
}

void
rc4c_stream_init(struct rc4c_stream *st, const struct rc4c_key *k, unsigned blocksize)
{
	memset(st, 0, sizeof(*st));
	st->k = k;
	st->blocksize = blocksize;
	st->cur = UINT32_MAX;
}

int
rc4c_stream_xor(struct rc4c_stream *st, unsigned char *out, size_t from, size_t to)
{
	unsigned char skip[1024];
	size_t p = from, bstart, n, gap;

	if (st->blocksize == 0 || st->blocksize > sizeof(skip))
		return -1;
	while (p < to) {
		uint32_t blk = (uint32_t)(p / st->blocksize);

		bstart = (size_t)blk * st->blocksize;
		if (blk != st->cur || st->used > p - bstart) {
			if (rc4c_block(st, blk) != 0)
				return -1;
			st->cur = blk;
			st->used = 0;
		}
		if ((gap = p - bstart - st->used) >
		    0) { /* clear bytes consume keystream */
			memset(skip, 0, gap);
			cp_rc4_xor(&st->rc4, skip, gap);
			st->used += gap;
		}
		n = to - p < bstart + st->blocksize - p ? to - p :
							  bstart + st->blocksize - p;
		cp_rc4_xor(&st->rc4, out + p, n);
		st->used += n;
		p += n;
	}
	return 0;
}
