/*
 * officecrypt.c: encrypted OOXML packages (an OLE2 file holding EncryptionInfo and
 * EncryptedPackage), opened with a given password: ECMA-376 agile encryption
 * (MS-OFFCRYPTO 2.3.4.10-11: any SHA and AES size the XML names, CBC per 4096-byte
 * segment) and Standard encryption (2.3.4.5-7: AES-ECB, SHA-1, 50,000 rounds).
 *
 * A password is taken as right when the first block of the package decrypts to a
 * zip local header (a wrong key passes 1 time in 2^32); the verifier hashes are not
 * checked. Each try costs the file's spinCount hashes (Office writes 100,000 SHA-512
 * for agile, about 30 ms; Standard is 50,000 SHA-1): the caller bounds the tries.
 * Limits: spinCount above OC_MAX_SPIN is refused; the EncryptionInfo XML is read
 * through bounded attribute lookups.
 * BUGS: RC4 and XOR encryption of the binary formats (.xls .doc .ppt) is not here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "core/bytes.h"
#include "mime/b64.h"
#include "core/cryptprim.h"
#include "office/officecrypt.h"

#define OC_PW_MAX 255 /* characters of an Office password */

#define OC_MAX_SPIN \
	200000u /* spinCount above this is not tried (Office uses
                                   100000; each round is one hash: CPU bound) */

/* The value of ATTR="..." inside the first element ELEM of XML, or "". */
static void
oc_xml_attr(const char *xml, const char *elem, const char *attr, char *out, size_t osz)
{
	const char *e = strstr(xml, elem), *end, *a;
	char pat[40];
	size_t n;

	out[0] = '\0';
	if (e == NULL || (end = strchr(e, '>')) == NULL)
		return;
	snprintf(pat, sizeof(pat), " %s=\"", attr);
	if ((a = strstr(e, pat)) == NULL || a > end)
		return;
	a += strlen(pat);
	n = strcspn(a, "\"");
	if (n >= osz)
		n = osz - 1;
	memcpy(out, a, n);
	out[n] = '\0';
}

static size_t
oc_unb64(const char *s, unsigned char *out, size_t osz)
{
	unsigned char tmp[200];
	struct b64 st;
	size_t n = strlen(s);

	if (n > 250)
		return 0;
	b64_init(&st);
	n = b64_decode(&st, s, n, tmp);
	if (n > osz)
		n = osz;
	memcpy(out, tmp, n);
	return n;
}

/* H = hash(i || H) for i in 0..SPIN-1, in place (one context for all rounds: a
 * context per round doubled the cost of a password). */
static int
oc_spin(const EVP_MD *md, unsigned long spin, unsigned char *h, unsigned hl)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned char iter[4];
	unsigned long i;
	unsigned n = hl;
	int ok = x != NULL;

	for (i = 0; ok && i < spin; i++) {
		iter[0] = (unsigned char)i;
		iter[1] = (unsigned char)(i >> 8);
		iter[2] = (unsigned char)(i >> 16);
		iter[3] = (unsigned char)(i >> 24);
		ok = EVP_DigestInit_ex2(x, md, NULL) == 1 &&
		    EVP_DigestUpdate(x, iter, 4) == 1 &&
		    EVP_DigestUpdate(x, h, hl) == 1 &&
		    EVP_DigestFinal_ex(x, h, &n) == 1 && n == hl;
	}
	EVP_MD_CTX_free(x);
	return ok ? 0 : -1;
}

struct oc_agile {
	const EVP_MD *md;
	unsigned keybytes;
	unsigned char kdsalt[64], key[64];
	size_t kdsaltlen;
};

/* The package key from the EncryptionInfo XML and the password. */
static int
oc_agile_key(const char *xml, const char *pw, struct oc_agile *ag)
{
	static const unsigned char blk[8] = { 0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0,
		0xd6 };
	unsigned char salt[64], ekv[64], h[EVP_MAX_MD_SIZE], t[EVP_MAX_MD_SIZE + 4];
	unsigned char u16[2 * OC_PW_MAX];
	char v[260];
	size_t saltlen, ekvlen, pl = strlen(pw), i;
	unsigned long spin;
	unsigned hl;

	oc_xml_attr(xml, "<keyData", "hashAlgorithm", v, sizeof(v));
	if ((ag->md = EVP_get_digestbyname(v)) == NULL)
		return -1;
	oc_xml_attr(xml, "<keyData", "keyBits", v, sizeof(v));
	ag->keybytes = (unsigned)strtoul(v, NULL, 10) / 8;
	oc_xml_attr(xml, "<keyData", "saltValue", v, sizeof(v));
	ag->kdsaltlen = oc_unb64(v, ag->kdsalt, sizeof(ag->kdsalt));
	oc_xml_attr(xml, "encryptedKey", "spinCount", v, sizeof(v));
	spin = strtoul(v, NULL, 10);
	oc_xml_attr(xml, "encryptedKey", "saltValue", v, sizeof(v));
	saltlen = oc_unb64(v, salt, sizeof(salt));
	oc_xml_attr(xml, "encryptedKey", "encryptedKeyValue", v, sizeof(v));
	ekvlen = oc_unb64(v, ekv, sizeof(ekv));
	if (spin > OC_MAX_SPIN || saltlen < 16 || ag->kdsaltlen < 16 ||
	    ekvlen < ag->keybytes || ag->keybytes == 0 || ag->keybytes > 32 ||
	    2 * pl > sizeof(u16))
		return -1;
	for (i = 0; i < pl; i++) {
		u16[2 * i] = (unsigned char)pw[i];
		u16[2 * i + 1] = 0;
	}
	hl = cp_hash(ag->md, salt, saltlen, u16, 2 * pl, NULL, 0, h);
	if (hl > 0 && oc_spin(ag->md, spin, h, hl) != 0)
		hl = 0;
	if (hl == 0 || (hl = cp_hash(ag->md, h, hl, blk, sizeof(blk), NULL, 0, t)) == 0)
		return -1;
	if (hl < ag->keybytes)
		memset(t + hl, 0x36, ag->keybytes - hl);
	ekvlen -= ekvlen % 16;
	if (cp_aes(0, ag->keybytes, t, salt, ekv, ekvlen, ag->key) != 0)
		return -1;
	return 0;
}

/* Decrypt EncryptedPackage (u64 size, then 4096-byte segments) into a new buffer. */
static unsigned char *
oc_agile_package(
    const struct oc_agile *ag, const unsigned char *p, size_t n, size_t *outlen)
{
	unsigned char iv[EVP_MAX_MD_SIZE], idx[4], *out;
	uint64_t size = 0;
	size_t off, seg, k;

	if (n < 8)
		return NULL;
	for (k = 0; k < 8; k++)
		size |= (uint64_t)p[k] << (8 * k);
	p += 8;
	n -= 8;
	if (size > n)
		size = n;
	n -= n % 16;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (off = 0, seg = 0; off < n; off += 4096, seg++) {
		idx[0] = (unsigned char)seg;
		idx[1] = (unsigned char)(seg >> 8);
		idx[2] = (unsigned char)(seg >> 16);
		idx[3] = (unsigned char)(seg >> 24);
		if (cp_hash(ag->md, ag->kdsalt, ag->kdsaltlen, idx, 4, NULL, 0, iv) <
			16 ||
		    cp_aes(0, ag->keybytes, ag->key, iv, p + off,
			n - off < 4096 ? n - off : 4096, out + off) != 0) {
			free(out);
			return NULL;
		}
	}
	*outlen = size < n ? (size_t)size : n;
	return out;
}

/* Standard encryption: the AES key size and the salt, from the binary EncryptionInfo
 * (version, flags, header size, EncryptionHeader, EncryptionVerifier). */
struct oc_std {
	unsigned keybytes;
	unsigned char salt[16], key[32];
};

static int
oc_std_info(const unsigned char *info, size_t ilen, struct oc_std *sd)
{
	uint32_t hsize, alg, bits, hash, slen;

	if (!rd_le32(info, ilen, 8, &hsize) || hsize < 32 || hsize > ilen - 12 ||
	    ilen - 12 - hsize < 4 + 16)
		return -1;
	(void)rd_le32(info, ilen, 12 + 8, &alg);
	(void)rd_le32(info, ilen, 12 + 12, &hash);
	(void)rd_le32(info, ilen, 12 + 16, &bits);
	(void)rd_le32(info, ilen, 12 + (size_t)hsize, &slen);
	sd->keybytes = bits / 8;
	if (alg < 0x660e || alg > 0x6610 || hash != 0x8004 ||
	    (sd->keybytes != 16 && sd->keybytes != 24 && sd->keybytes != 32) ||
	    slen != 16)
		return -1; /* AES-128/192/256 with SHA-1 and a 16-byte salt only */
	memcpy(sd->salt, info + 12 + hsize + 4, 16);
	return 0;
}

/* The key from the password: SHA-1 spun 50,000 times, then the 0x36/0x5c
 * derivation of 2.3.4.7. */
static int
oc_std_key(struct oc_std *sd, const char *pw)
{
	static const unsigned char blk0[4];
	unsigned char u16[2 * OC_PW_MAX], h[EVP_MAX_MD_SIZE], buf[64], x[40];
	size_t pl = strlen(pw), i;
	unsigned hl;

	if (pl > OC_PW_MAX)
		return -1;
	for (i = 0; i < pl; i++) {
		u16[2 * i] = (unsigned char)pw[i];
		u16[2 * i + 1] = 0;
	}
	if ((hl = cp_hash(EVP_sha1(), sd->salt, 16, u16, 2 * pl, NULL, 0, h)) != 20 ||
	    oc_spin(EVP_sha1(), 50000, h, hl) != 0 ||
	    cp_hash(EVP_sha1(), h, hl, blk0, 4, NULL, 0, h) != 20)
		return -1;
	memset(buf, 0x36, sizeof(buf));
	for (i = 0; i < 20; i++)
		buf[i] ^= h[i];
	if (cp_hash(EVP_sha1(), buf, sizeof(buf), NULL, 0, NULL, 0, x) != 20)
		return -1;
	memset(buf, 0x5c, sizeof(buf));
	for (i = 0; i < 20; i++)
		buf[i] ^= h[i];
	if (cp_hash(EVP_sha1(), buf, sizeof(buf), NULL, 0, NULL, 0, x + 20) != 20)
		return -1;
	memcpy(sd->key, x, sd->keybytes);
	return 0;
}

/* Standard: the whole package (u64 size, then AES-ECB) into a new buffer. */
static unsigned char *
oc_std_package(const struct oc_std *sd, const unsigned char *p, size_t n, size_t *outlen)
{
	unsigned char *out;
	uint64_t size = 0;
	size_t k;

	if (n < 8)
		return NULL;
	for (k = 0; k < 8; k++)
		size |= (uint64_t)p[k] << (8 * k);
	n = (n - 8) - (n - 8) % 16;
	if ((out = malloc(n + 1)) == NULL ||
	    cp_aes(0, sd->keybytes, sd->key, NULL, p + 8, n, out) != 0) {
		free(out);
		return NULL;
	}
	*outlen = size < n ? (size_t)size : n;
	return out;
}

/* The first block of segment 0 decrypts to a zip local header: the key is right (a
 * wrong one passes 1 time in 2^32), without decrypting the whole package. */
static int
oc_agile_check(const struct oc_agile *ag, const unsigned char *pkg, size_t n)
{
	static const unsigned char seg0[4];
	unsigned char iv[EVP_MAX_MD_SIZE], out[16];

	return n >= 8 + 16 &&
	    cp_hash(ag->md, ag->kdsalt, ag->kdsaltlen, seg0, 4, NULL, 0, iv) >= 16 &&
	    cp_aes(0, ag->keybytes, ag->key, iv, pkg + 8, 16, out) == 0 &&
	    memcmp(out, "PK\003\004", 4) == 0;
}

/* The password PW opens the package (agile when SD is NULL, else Standard). */
static int
oc_key_opens(const char *xml, struct oc_agile *ag, struct oc_std *sd, const char *pw,
    const unsigned char *pkg, size_t plen)
{
	unsigned char out[16];

	if (sd == NULL)
		return oc_agile_key(xml, pw, ag) == 0 && oc_agile_check(ag, pkg, plen);
	return plen >= 8 + 16 && oc_std_key(sd, pw) == 0 &&
	    cp_aes(0, sd->keybytes, sd->key, NULL, pkg + 8, 16, out) == 0 &&
	    memcmp(out, "PK\003\004", 4) == 0;
}

int
officecrypt_known(const unsigned char *info, size_t ilen)
{
	struct oc_std sd;

	if (ilen > 8 && info[0] == 4 && info[2] == 4)
		return 1;
	return ilen > 8 && (info[0] == 3 || info[0] == 4) && info[2] == 2 &&
	    oc_std_info(info, ilen, &sd) == 0;
}

unsigned char *
officecrypt_open(const unsigned char *info, size_t ilen, const unsigned char *pkg,
    size_t plen, const char *pw, size_t *outlen)
{
	struct oc_agile ag;
	struct oc_std sd, *std = NULL;
	unsigned char *plain;
	size_t n = 0;

	if (!officecrypt_known(info, ilen))
		return NULL;
	if (info[2] == 2) {
		(void)oc_std_info(info, ilen, &sd);
		std = &sd;
	}
	if (!oc_key_opens((const char *)info + 8, &ag, std, pw, pkg, plen))
		return NULL;
	plain = std != NULL ? oc_std_package(std, pkg, plen, &n) :
			      oc_agile_package(&ag, pkg, plen, &n);
	if (plain != NULL && (n < 4 || memcmp(plain, "PK\003\004", 4) != 0)) {
		free(plain);
		return NULL;
	}
	if (plain != NULL)
		*outlen = n;
	return plain;
}
