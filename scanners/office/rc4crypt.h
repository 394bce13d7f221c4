/*
 * rc4crypt.h: the RC4 encryption of the binary Office formats (rc4crypt.c): the
 * key from a password and the keystream by stream offset. biffcrypt.c (.xls) and
 * ole.c (.doc) apply it to their streams.
 */
#ifndef EMBARGO_RC4CRYPT_H
#define EMBARGO_RC4CRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/cryptprim.h"

struct rc4c_key {
	int cryptoapi;    /* RC4 CryptoAPI (SHA-1), else RC4 (MD5) */
	unsigned keybits; /* CryptoAPI: 40..128 */
	unsigned char salt[16], verifier[16], vhash[20];
	unsigned char h[20]; /* set by rc4c_password */
};

struct rc4c_stream {
	const struct rc4c_key *k;
	unsigned blocksize; /* 1024 for Excel, 512 for Word */
	uint32_t cur;       /* the block whose keystream is current */
	size_t used;        /* keystream bytes of it consumed */
	struct cp_rc4 rc4;  /* RC4 state */
};

/* Parse an encryption header that starts with its EncryptionVersionInfo: 1.1 (RC4,
 * MS-OFFCRYPTO 2.3.6.1) or 2..4.2 (RC4 CryptoAPI, 2.3.5.1). 0, or -1 when it is
 * neither or runs past N. */
int rc4c_parse(const unsigned char *p, size_t n, struct rc4c_key *k);

/* True when PW decrypts the verifier to its hash; K is then ready for streams. */
int rc4c_password(struct rc4c_key *k, const char *pw);

/* Decrypt a stream: the keystream byte of stream offset X goes to OUT[X]. Calls
 * give growing ranges [FROM, TO); bytes between ranges consume keystream. 0 or -1. */
void
rc4c_stream_init(struct rc4c_stream *st, const struct rc4c_key *k, unsigned blocksize);
int rc4c_stream_xor(struct rc4c_stream *st, unsigned char *out, size_t from, size_t to);

#endif
