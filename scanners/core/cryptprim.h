/*
 * cryptprim.h: the two OpenSSL calls the document decrypters share (cryptprim.c):
 * a digest over up to three pieces, and raw AES.
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

#endif
