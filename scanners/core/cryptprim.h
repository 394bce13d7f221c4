/*
 * cryptprim.h: the two OpenSSL calls the document decrypters share (cryptprim.c):
 * a digest over up to three pieces, raw AES, and raw RC4 (for the Office RC4
 * formats in office/rc4crypt.c and PDF's standard security handler in pdf/).
 */
#ifndef EMBARGO_CRYPTPRIM_H
#define EMBARGO_CRYPTPRIM_H

#include <stddef.h>
#include <openssl/evp.h>

/* OUT = MD(A || B || C), empty pieces skipped; the digest length, 0 on failure. */
unsigned cp_hash(const EVP_MD *md, const void *a, size_t an, const void *b, size_t bn,
    const void *c, size_t cn, unsigned char *out);

/* AES over N bytes (a multiple of 16, no padding) with a KEYBYTES (16, 24 or 32)
 * key: ECB when IV is NULL, else CBC; ENC 1 encrypts, 0 decrypts. 0 or -1. */
int cp_aes(int enc, unsigned keybytes, const unsigned char *key, const unsigned char *iv,
    const unsigned char *in, size_t n, unsigned char *out);

/* Raw RC4: cp_rc4_init keys the state with KEY (N bytes, 1 to 256); cp_rc4_xor XORs
 * the next N keystream bytes into D. */
struct cp_rc4 {
	unsigned char s[256], i, j;
};
void cp_rc4_init(struct cp_rc4 *r, const unsigned char *key, size_t n);
void cp_rc4_xor(struct cp_rc4 *r, unsigned char *d, size_t n);

#endif
