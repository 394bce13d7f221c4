/*
 * biffcrypt.h: opening a BIFF8 workbook stream protected by FILEPASS with a password
 * (biffcrypt.c).
 */
#ifndef EMBARGO_BIFFCRYPT_H
#define EMBARGO_BIFFCRYPT_H

#include <stddef.h>

/* True when the FILEPASS record body FP/FPLEN is RC4 or RC4 CryptoAPI encryption
 * (biffcrypt_open can try it); false for XOR obfuscation and anything else. */
int biffcrypt_known(const unsigned char *fp, size_t fplen);

/* The workbook stream WB/LEN decrypted with PW: a new buffer of LEN bytes, or NULL
 * when PW does not match the FILEPASS verifier FP/FPLEN, the encryption is not
 * known, or memory ran out. */
unsigned char *biffcrypt_open(const unsigned char *wb, size_t len,
    const unsigned char *fp, size_t fplen, const char *pw);

#endif
