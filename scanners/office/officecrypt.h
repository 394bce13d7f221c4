/*
 * officecrypt.h: opening encrypted OOXML packages with a password (officecrypt.c).
 */
#ifndef EMBARGO_OFFICECRYPT_H
#define EMBARGO_OFFICECRYPT_H

#include <stddef.h>

/* True when INFO/ILEN (the EncryptionInfo stream, NUL-terminated as cfb_read gives
 * it) is agile or Standard encryption that officecrypt_open can try. */
int officecrypt_known(const unsigned char *info, size_t ilen);

/* The package PKG/PLEN (the EncryptedPackage stream) decrypted with PW: a new
 * buffer holding a zip (*outlen bytes), or NULL when PW does not open it, the
 * encryption is not known, or memory ran out. */
unsigned char *officecrypt_open(const unsigned char *info, size_t ilen,
    const unsigned char *pkg, size_t plen, const char *pw, size_t *outlen);

#endif
