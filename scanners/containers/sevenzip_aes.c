/*
 * sevenzip_aes.c: 7zAES key derivation for the 7z reader (see sevenzip.h): the
 * coder properties (NumCyclesPower, salt, IV), the password as UTF-16LE, and
 * SHA-256 over 2^NumCyclesPower rounds of salt || password || 64-bit
 * little-endian round counter, as 7-Zip does (NumCyclesPower 0x3F: no hashing,
 * salt and password are the key). Hashed SZ_KDF_RUN rounds per digest update.
 *
 * Limits: NumCyclesPower above SZ_KDF_POWER_MAX is refused (7-Zip refuses it
 * too); a password is at most PW_MAXLEN bytes (passwords.h), so SZ_PW16 bytes of
 * UTF-16.
 *
 * BUGS: a byte that is not UTF-8 is taken as Latin-1 (7-Zip would use the
 * sender's code page).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "containers/sevenzip.h"

#define SZ_KDF_RUN 64u           /* KDF rounds hashed per digest update */
#define SZ_PW16    (2u * 64 + 4) /* UTF-16 bytes of one password, at most */

/* The 7zAES properties: NumCyclesPower, salt, IV (zero-padded). */
int
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
sz_kdf(const unsigned char *salt, unsigned saltlen, const unsigned char *pw16,
    size_t pwlen, unsigned power, unsigned char key[32])
{
	size_t unit = saltlen + pwlen + 8, i, k;
	uint64_t round, rounds = (uint64_t)1 << power;
	unsigned char *run = malloc(unit * SZ_KDF_RUN);
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned got = 0;
	int ok =
	    run != NULL && h != NULL && EVP_DigestInit_ex(h, EVP_sha256(), NULL) == 1;

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
