/*
 * biffcrypt.c: BIFF8 workbook streams (.xls) encrypted with RC4 or RC4 CryptoAPI
 * (rc4crypt.c) as MS-XLS 2.2.10 applies them: 1024-byte key blocks, and record
 * headers, the bodies of BOF, FILEPASS, INTERFACEHDR, FILELOCK, USREXCL, RRDINFO
 * and RRDHEAD and the first 4 bytes of BOUNDSHEET in the clear (they still consume
 * keystream).
 *
 * A password is right when the FILEPASS verifier decrypts to its own hash (MD5 or
 * SHA-1). Key derivation is a few hashes, so trying a password is cheap.
 * Limits: records are walked with bounds checks; the output has the input's length.
 * BUGS: XOR obfuscation (Excel 95 and "Excel 97-2003 compatible" XOR) is not
 * decrypted; BIFF5 (Excel 95) streams are not.
 */
#include <stdlib.h>
#include <string.h>

#include "office/biffcrypt.h"
#include "office/rc4crypt.h"

#define BC_BLOCK 1024u

/* The FILEPASS body: wEncryptionType 1 (RC4), then the encryption header. */
static int
bc_parse(const unsigned char *fp, size_t n, struct rc4c_key *k)
{
	if (n < 2 || fp[0] != 1 || fp[1] != 0)
		return -1;
	return rc4c_parse(fp + 2, n - 2, k);
}

int
biffcrypt_known(const unsigned char *fp, size_t fplen)
{
	struct rc4c_key k;

	return bc_parse(fp, fplen, &k) == 0;
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
	case 0x0138: /* RRDHEAD */ return len;
	case 0x0085: /* BOUNDSHEET: lbPlyPos */ return len < 4 ? len : 4;
	default: return 0;
	}
}

unsigned char *
biffcrypt_open(const unsigned char *wb, size_t len, const unsigned char *fp, size_t fplen,
    const char *pw)
{
	struct rc4c_key k;
	struct rc4c_stream st;
	unsigned char *out;
	size_t pos = 0, rlen, clear;
	unsigned type;

	if (bc_parse(fp, fplen, &k) != 0 || !rc4c_password(&k, pw) ||
	    (out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, wb, len);
	rc4c_stream_init(&st, &k, BC_BLOCK);
	while (len - pos >= 4) {
		type = (unsigned)wb[pos] | (unsigned)wb[pos + 1] << 8;
		rlen = (size_t)wb[pos + 2] | (size_t)wb[pos + 3] << 8;
		pos += 4;
		if (rlen > len - pos)
			rlen = len - pos; /* the walker reports the cut record */
		clear = bc_clear_prefix(type, rlen);
		if (clear < rlen &&
		    rc4c_stream_xor(&st, out, pos + clear, pos + rlen) != 0) {
			free(out);
			return NULL;
		}
		pos += rlen;
	}
	return out;
}
