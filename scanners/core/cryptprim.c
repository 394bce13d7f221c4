/*
 * cryptprim.c: see cryptprim.h. Used by officecrypt.c, rc4crypt.c and pdfcrypt.c.
 */
#include <stdint.h>

#include "core/cryptprim.h"

unsigned
cp_hash(const EVP_MD *md, const void *a, size_t an, const void *b, size_t bn,
    const void *c, size_t cn, unsigned char *out)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned n = 0;

	if (h != NULL && EVP_DigestInit_ex(h, md, NULL) == 1 &&
	    (an == 0 || EVP_DigestUpdate(h, a, an) == 1) &&
	    (bn == 0 || EVP_DigestUpdate(h, b, bn) == 1) &&
	    (cn == 0 || EVP_DigestUpdate(h, c, cn) == 1))
		(void)EVP_DigestFinal_ex(h, out, &n);
	EVP_MD_CTX_free(h);
	return n;
}

int
cp_aes(int enc, unsigned keybytes, const unsigned char *key, const unsigned char *iv,
    const unsigned char *in, size_t n, unsigned char *out)
{
	const EVP_CIPHER *ci = iv == NULL ? (keybytes == 16        ? EVP_aes_128_ecb() :
						    keybytes == 24 ? EVP_aes_192_ecb() :
						    keybytes == 32 ? EVP_aes_256_ecb() :
								     NULL) :
	    keybytes == 16                ? EVP_aes_128_cbc() :
	    keybytes == 24                ? EVP_aes_192_cbc() :
	    keybytes == 32                ? EVP_aes_256_cbc() :
					    NULL;
	EVP_CIPHER_CTX *x;
	int ok = 0, l = 0;

	if (ci == NULL || n % 16 != 0 || n > INT32_MAX ||
	    (x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_CipherInit_ex(x, ci, NULL, key, iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_CipherUpdate(x, out, &l, in, (int)n) == 1)
		ok = 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

void
cp_rc4_init(struct cp_rc4 *r, const unsigned char *key, size_t n)
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

void
cp_rc4_xor(struct cp_rc4 *r, unsigned char *d, size_t n)
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
