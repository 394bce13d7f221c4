/*
 * test_biffcrypt.c: biffcrypt_open() on BIFF8 streams encrypted here, as MS-XLS
 * 2.2.10 and MS-OFFCRYPTO 2.3.5/2.3.6 describe, with OpenSSL's own RC4 (legacy
 * provider) as the cipher: RC4 (MD5) and RC4 CryptoAPI (SHA-1, 40 and 128-bit keys).
 * Records cross several 1024-byte blocks; headers, BOF, FILEPASS and BOUNDSHEET's
 * first 4 bytes stay clear. The right password gives back the plaintext, a wrong
 * one NULL. (Real files, all RC4, are checked in tests/corpus/ole.py.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "office/biffcrypt.h"

#define LEN 6000

static unsigned char plain[LEN], enc[LEN], fp[200];
static size_t fplen, len;

static void
hash2(const EVP_MD *md, const void *a, size_t an, const void *b, size_t bn,
    unsigned char *out)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	unsigned n;

	assert_int_equal(EVP_DigestInit_ex(h, md, NULL), 1);
	EVP_DigestUpdate(h, a, an);
	if (bn)
		EVP_DigestUpdate(h, b, bn);
	EVP_DigestFinal_ex(h, out, &n);
	EVP_MD_CTX_free(h);
}

/* N bytes of RC4 keystream under KEY (OpenSSL's RC4) XORed into D. */
static void
rc4(const unsigned char *key, int keylen, unsigned char *d, int n)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int outl;

	assert_non_null(x);
	assert_int_equal(EVP_EncryptInit_ex(x, EVP_rc4(), NULL, NULL, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_set_key_length(x, keylen), 1);
	assert_int_equal(EVP_EncryptInit_ex(x, NULL, NULL, key, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(x, d, &outl, d, n), 1);
	EVP_CIPHER_CTX_free(x);
}

static const unsigned char salt[16] = "0123456789abcdef";

/* The block key, per MS-OFFCRYPTO: CryptoAPI when BITS is not 0. */
static int
block_key(const char *pw, unsigned bits, uint32_t block, unsigned char *key)
{
	unsigned char u16[64], h[20], buf[336], b[4] = { block, block >> 8, block >> 16,
		block >> 24 };
	size_t i, pl = strlen(pw);

	for (i = 0; i < pl; i++)
		u16[2 * i] = (unsigned char)pw[i], u16[2 * i + 1] = 0;
	if (bits) {
		hash2(EVP_sha1(), salt, 16, u16, 2 * pl, h);
		hash2(EVP_sha1(), h, 20, b, 4, h);
		memset(key, 0, 16);
		memcpy(key, h, bits / 8);
		return bits == 40 ? 16 : (int)bits / 8;
	}
	hash2(EVP_md5(), u16, 2 * pl, NULL, 0, h);
	for (i = 0; i < 16; i++)
		memcpy(buf + 21 * i, h, 5), memcpy(buf + 21 * i + 5, salt, 16);
	hash2(EVP_md5(), buf, sizeof(buf), NULL, 0, h);
	hash2(EVP_md5(), h, 5, b, 4, key);
	return 16;
}

static size_t
record(size_t at, unsigned type, const void *body, size_t n)
{
	plain[at] = type & 0xff, plain[at + 1] = type >> 8;
	plain[at + 2] = n & 0xff, plain[at + 3] = n >> 8;
	memcpy(plain + at + 4, body, n);
	return at + 4 + n;
}

/* FILEPASS for PW: RC4 1.1 when BITS is 0, else CryptoAPI 4.2 with that key size. */
static void
filepass(const char *pw, unsigned bits)
{
	unsigned char ver[36], key[16];
	size_t hl = bits ? 20 : 16;
	int kl = block_key(pw, bits, 0, key);

	memset(fp, 0, sizeof(fp));
	fp[0] = 1;
	memcpy(ver, "verifier-16bytes", 16);
	hash2(bits ? EVP_sha1() : EVP_md5(), ver, 16, NULL, 0, ver + 16);
	rc4(key, kl, ver, (int)(16 + hl));
	if (!bits) {
		fp[2] = 1, fp[4] = 1;
		memcpy(fp + 6, salt, 16);
		memcpy(fp + 22, ver, 32);
		fplen = 54;
		return;
	}
	fp[2] = 4, fp[4] = 2;
	fp[10] = 32;                                       /* header size */
	fp[14 + 8] = 0x01, fp[14 + 9] = 0x68;              /* AlgID RC4 */
	fp[14 + 12] = 0x04, fp[14 + 13] = 0x80;            /* AlgIDHash SHA-1 */
	fp[14 + 16] = (unsigned char)bits;
	fp[46] = 16;                                       /* salt size */
	memcpy(fp + 50, salt, 16);
	memcpy(fp + 66, ver, 16);
	fp[82] = 20;
	memcpy(fp + 86, ver + 16, 20);
	fplen = 106;
}

/* A stream: BOF, FILEPASS, BOUNDSHEET, then LABEL-like records past 4 blocks;
 * ENC is it encrypted with PW. */
static void
build(const char *pw, unsigned bits)
{
	static const unsigned char bof[16] = { 0x00, 0x06, 0x05, 0x00 };
	static const unsigned char sheet[14] = { 1, 2, 3, 4, 0, 0, 6, 0, 'S', 'h', 'e', 'e', 't',
		'1' };
	unsigned char key[16], ks[1024];
	size_t at = 0, p, i;
	int kl;

	filepass(pw, bits);
	at = record(at, 0x0809, bof, sizeof(bof));
	at = record(at, 0x002F, fp, fplen);
	at = record(at, 0x0085, sheet, sizeof(sheet));
	for (i = 0; at + 40 < LEN; i++) {
		char body[32];

		snprintf(body, sizeof(body), "cell text number %05zu", i);
		at = record(at, 0x0204, body, strlen(body));
	}
	len = at;
	memcpy(enc, plain, len);
	/* every body byte after FILEPASS, but BOUNDSHEET's first 4, is XORed with the
	 * keystream byte of its stream offset */
	for (p = 0; p + 4 <= len;) {
		unsigned type = plain[p] | plain[p + 1] << 8, n = plain[p + 2] | plain[p + 3] << 8;
		size_t from = p + 4 + (type == 0x0085 ? 4 : 0), q;

		if (type != 0x0809 && type != 0x002F)
			for (q = from; q < p + 4 + n; q++) {
				kl = block_key(pw, bits, (uint32_t)(q / 1024), key);
				memset(ks, 0, sizeof(ks));
				rc4(key, kl, ks, (int)(q % 1024) + 1);
				enc[q] ^= ks[q % 1024];
			}
		p += 4 + n;
	}
}

static void
round_trip(unsigned bits)
{
	unsigned char *out;
	size_t fpat = 4 + 16 + 4;       /* the FILEPASS body in the stream */

	build("VelvetSweatshop", bits);
	assert_true(biffcrypt_known(enc + fpat, fplen));
	assert_memory_not_equal(enc + 200, plain + 200, 64);
	out = biffcrypt_open(enc, len, enc + fpat, fplen, "VelvetSweatshop");
	assert_non_null(out);
	assert_memory_equal(out, plain, len);
	free(out);
	assert_null(biffcrypt_open(enc, len, enc + fpat, fplen, "velvetsweatshop"));
}

static void
rc4_md5(void **state)
{
	(void)state;
	round_trip(0);
}

static void
rc4_cryptoapi_40(void **state)
{
	(void)state;
	round_trip(40);
}

static void
rc4_cryptoapi_128(void **state)
{
	(void)state;
	round_trip(128);
}

static void
xor_and_garbage_are_not_known(void **state)
{
	static const unsigned char xor_fp[6] = { 0, 0, 0x4a, 0x51, 0x1a, 0xcc };

	(void)state;
	assert_false(biffcrypt_known(xor_fp, sizeof(xor_fp)));
	filepass("x", 128);
	assert_false(biffcrypt_known(fp, 60));            /* cut verifier */
	fp[10] = 0xff, fp[11] = 0xff;                     /* header size past the end */
	assert_false(biffcrypt_known(fp, fplen));
	assert_null(biffcrypt_open(plain, 10, xor_fp, sizeof(xor_fp), "x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rc4_md5),
		cmocka_unit_test(rc4_cryptoapi_40),
		cmocka_unit_test(rc4_cryptoapi_128),
		cmocka_unit_test(xor_and_garbage_are_not_known),
	};

	OSSL_PROVIDER *legacy, *dflt;
	int rc;

	/* RC4 lives in OpenSSL 3's legacy provider; the default one stays for hashes */
	if ((legacy = OSSL_PROVIDER_load(NULL, "legacy")) == NULL ||
	    (dflt = OSSL_PROVIDER_load(NULL, "default")) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	OSSL_PROVIDER_unload(legacy);
	OSSL_PROVIDER_unload(dflt);
	return rc;
}
