/*
 * pdfcrypt.c: the PDF Standard security handler (PDF 32000-1 7.6.3, ISO 32000-2
 * 7.6.4), so that a PDF encrypted with a user password Embargo knows (the empty
 * one: the file opens in any reader without a prompt, and hides its streams from
 * scanners that do not decrypt) is analysed in the clear.
 *
 * Methods: RC4 40 to 128-bit (V 1/2, R 2/3), crypt filters V2 (RC4) and AESV2
 * (AES-128) (V 4, R 4), AESV3 (AES-256, V 5, R 5 and R 6). The user password is
 * checked as the spec says (Algorithms 6, 11); the object key is the file key
 * with the object and generation numbers (Algorithm 1; "sAlT" for AES), except
 * for AES-256 which uses the file key itself. AES data starts with its IV and
 * ends with PKCS#7 padding.
 * Limits: the /Encrypt dictionary and the /ID are read within the file through the
 * bounded lexer (pdflex.c); R 6's hash loop runs at most 64 + 255 rounds.
 * BUGS: strings are not decrypted (file names and /Launch targets stay
 * ciphertext); public-key handlers are not supported; crypt filters other than
 * the default one (per stream /DecodeParms /Crypt) are ignored.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "core/cryptprim.h"
#include "pdf/pdf_crypt.h"
#include "pdf/pdf_lex.h"

#define PDC_PW_MAX 127 /* bytes of a password */

enum pdc_method { PDC_RC4, PDC_AES128, PDC_AES256 };

struct pdfcrypt {
	enum pdc_method m;
	unsigned char key[32];
	size_t keylen;
};

static const unsigned char pdc_pad[32] = {
	0x28,
	0xBF,
	0x4E,
	0x5E,
	0x4E,
	0x75,
	0x8A,
	0x41,
	0x64,
	0x00,
	0x4E,
	0x56,
	0xFF,
	0xFA,
	0x01,
	0x08,
	0x2E,
	0x2E,
	0x00,
	0xB6,
	0xD0,
	0x68,
	0x3E,
	0x80,
	0x2F,
	0x0C,
	0xA9,
	0xFE,
	0x64,
	0x53,
	0x69,
	0x7A,
};

/* The parsed /Encrypt dictionary. */
struct pdc_dict {
	long v, r, length, p;
	int encmeta;
	enum pdc_method m;
	struct strbuf o, u, oe, ue, id;
};

/* End of the dictionary that opens at I ("<<"), nested ones and strings skipped;
 * 0 when it does not close. */
static size_t
pdc_dict_end(const unsigned char *b, size_t len, size_t i)
{
	unsigned depth = 0;

	while (i + 1 < len) {
		if (b[i] == '(') {
			i = pdf_lex_skip_string(b, len, i);
		} else if (b[i] == '<' && b[i + 1] == '<') {
			depth++;
			i += 2;
		} else if (b[i] == '>' && b[i + 1] == '>') {
			i += 2;
			if (--depth == 0)
				return i;
		} else if (b[i] == '<') {
			while (i < len && b[i] != '>')
				i++;
			i++;
		} else {
			i++;
		}
	}
	return 0;
}

/* Where the value of top-level KEY starts in the dictionary [LO, HI) ("<<" at LO). */
static size_t
pdc_key(const unsigned char *b, size_t lo, size_t hi, const char *key)
{
	char nm[PDF_NAME_MAX];
	size_t i = lo + 2, at, end;

	while (i < hi) {
		i = pdf_lex_skip_ws(b, hi, i);
		if (i + 1 < hi && b[i] == '<' && b[i + 1] == '<') {
			if ((end = pdc_dict_end(b, hi, i)) == 0)
				return 0;
			i = end;
		} else if (i < hi && b[i] == '(') {
			i = pdf_lex_skip_string(b, hi, i);
		} else if (i < hi && b[i] == '/') {
			size_t p = i;

			if (!pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at))
				return 0;
			if (strcmp(nm, key) == 0)
				return p;
			i = p;
		} else {
			i++;
		}
	}
	return 0;
}

static long
pdc_int(const unsigned char *b, size_t hi, size_t p, long dflt)
{
	unsigned long v;
	int neg = 0;

	if (p == 0)
		return dflt;
	p = pdf_lex_skip_ws(b, hi, p);
	if (p < hi && (b[p] == '-' || b[p] == '+'))
		neg = b[p++] == '-';
	if (pdf_lex_uint(b, hi, p, &v) == 0 || v > 0x7fffffffUL)
		return dflt;
	return neg ? -(long)v : (long)v;
}

/* The dictionary the /Encrypt value at ENC stands for: inline, or the last
 * definition of the object it refers to. [*lo, *hi) on success. */
static int
pdc_find_dict(const unsigned char *b, size_t len, size_t enc, size_t *lo, size_t *hi)
{
	unsigned long obj, gen;
	size_t p = pdf_lex_skip_ws(b, len, enc), q, o, end;
	char pat[48];

	if (p + 1 < len && b[p] == '<' && b[p + 1] == '<') {
		*lo = p;
		return (*hi = pdc_dict_end(b, len, p)) != 0 ? 0 : -1;
	}
	if ((q = pdf_lex_uint(b, len, p, &obj)) == 0 ||
	    pdf_lex_uint(b, len, q, &gen) == 0 || pdf_lex_ref(b, len, p, &obj) == 0)
		return -1;
	snprintf(pat, sizeof(pat), "%lu %lu obj", obj, gen);
	/* from the end (the last definition wins); pdf_lex_rfind gives HI when none is left */
	for (end = len; (o = pdf_lex_rfind(b, 0, end, pat)) < end; end = o) {
		if (o > 0 && b[o - 1] >= '0' && b[o - 1] <= '9')
			continue; /* "12 0 obj" is not "2 0 obj" */
		p = pdf_lex_skip_ws(b, len, o + strlen(pat));
		if (p + 1 < len && b[p] == '<' && b[p + 1] == '<' &&
		    (*hi = pdc_dict_end(b, len, p)) != 0) {
			*lo = p;
			return 0;
		}
	}
	return -1;
}

static int
pdc_parse(const unsigned char *b, size_t len, size_t enc, struct pdc_dict *d)
{
	char nm[PDF_NAME_MAX];
	size_t lo, hi, p, at;
	long idp = 0;

	if (pdc_find_dict(b, len, enc, &lo, &hi) != 0 ||
	    (p = pdc_key(b, lo, hi, "Filter")) == 0 ||
	    !pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at) ||
	    strcmp(nm, "Standard") != 0)
		return -1;
	d->v = pdc_int(b, hi, pdc_key(b, lo, hi, "V"), 0);
	d->r = pdc_int(b, hi, pdc_key(b, lo, hi, "R"), 0);
	d->length = pdc_int(b, hi, pdc_key(b, lo, hi, "Length"), 40);
	d->p = pdc_int(b, hi, pdc_key(b, lo, hi, "P"), 0);
	d->encmeta = !((p = pdc_key(b, lo, hi, "EncryptMetadata")) != 0 &&
	    hi - pdf_lex_skip_ws(b, hi, p) >= 5 &&
	    memcmp(b + pdf_lex_skip_ws(b, hi, p), "false", 5) == 0);
	if (!pdf_lex_string_raw(b, hi, pdc_key(b, lo, hi, "O"), &d->o) ||
	    !pdf_lex_string_raw(b, hi, pdc_key(b, lo, hi, "U"), &d->u))
		return -1;
	if (d->v == 5) {
		if (!pdf_lex_string_raw(b, hi, pdc_key(b, lo, hi, "UE"), &d->ue) ||
		    d->u.len < 48 || d->ue.len < 32)
			return -1;
		d->m = PDC_AES256;
		return 0;
	}
	d->m = PDC_RC4;
	if (d->v == 4) {
		d->length = 128;
		if (pdf_lex_dict_is(b, lo, hi, "CFM", "AESV2"))
			d->m = PDC_AES128;
		else if (!pdf_lex_dict_is(b, lo, hi, "CFM", "V2"))
			return -1;
	} else if (d->v != 1 && d->v != 2) {
		return -1;
	}
	if (d->v == 1 || d->r == 2)
		d->length = 40;
	if (d->length < 40 || d->length > 128 || d->length % 8 != 0 || d->o.len < 32 ||
	    d->u.len < 32)
		return -1;
	/* the first /ID string of the trailer (the last /ID in the file) */
	for (p = len; (at = pdf_lex_rfind(b, 0, p, "/ID")) < p; p = at) {
		idp = (long)pdf_lex_skip_ws(b, len, at + 3);
		if ((size_t)idp < len && b[idp] == '[' &&
		    pdf_lex_string_raw(b, len, (size_t)idp + 1, &d->id))
			return 0;
	}
	return -1;
}

static void
pdc_rc4(const unsigned char *key, size_t kl, unsigned char *d, size_t n)
{
	struct cp_rc4 st;

	cp_rc4_init(&st, key, kl);
	cp_rc4_xor(&st, d, n);
}

/* Algorithms 2 and 6 (R 2 to 4): the file key, and whether PW is the user password. */
static int
pdc_key_r4(const struct pdc_dict *d, const char *pw, struct pdfcrypt *pc)
{
	unsigned char buf[32], h[16], x[16], k[16], p4[4];
	size_t pl = strlen(pw), n = (size_t)d->length / 8, i, j;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned hl = 0;
	int ok;

	if (m == NULL)
		return -1;
	if (pl > 32)
		pl = 32;
	memcpy(buf, pw, pl);
	memcpy(buf + pl, pdc_pad, 32 - pl);
	p4[0] = (unsigned char)d->p, p4[1] = (unsigned char)(d->p >> 8);
	p4[2] = (unsigned char)(d->p >> 16), p4[3] = (unsigned char)(d->p >> 24);
	ok = EVP_DigestInit_ex(m, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(m, buf, 32) == 1 &&
	    EVP_DigestUpdate(m, sb_str(&d->o), 32) == 1 &&
	    EVP_DigestUpdate(m, p4, 4) == 1 &&
	    EVP_DigestUpdate(m, sb_str(&d->id), d->id.len) == 1 &&
	    (d->r < 4 || d->encmeta || EVP_DigestUpdate(m, "\xff\xff\xff\xff", 4) == 1) &&
	    EVP_DigestFinal_ex(m, h, &hl) == 1;
	EVP_MD_CTX_free(m);
	if (!ok || hl != 16)
		return -1;
	for (i = 0; d->r >= 3 && i < 50; i++)
		if (cp_hash(EVP_md5(), h, n, NULL, 0, NULL, 0, h) != 16)
			return -1;
	memcpy(pc->key, h, n);
	pc->keylen = n;
	/* the user password check (Algorithms 4, 5) */
	if (d->r == 2) {
		memcpy(buf, pdc_pad, 32);
		pdc_rc4(pc->key, n, buf, 32);
		return memcmp(buf, sb_str(&d->u), 32) == 0 ? 0 : -1;
	}
	if (cp_hash(EVP_md5(), pdc_pad, 32, sb_str(&d->id), d->id.len, NULL, 0, x) != 16)
		return -1;
	for (i = 0; i < 20; i++) {
		for (j = 0; j < n; j++)
			k[j] = (unsigned char)(pc->key[j] ^ i);
		pdc_rc4(k, n, x, 16);
	}
	return memcmp(x, sb_str(&d->u), 16) == 0 ? 0 : -1;
}

/* Algorithm 2.B (R 6): the hash of PW with SALT (8 bytes) into K (32 bytes). */
static int
pdc_hash_r6(const char *pw, size_t pl, const unsigned char *salt, unsigned char *k)
{
	unsigned char k1[64 * (PDC_PW_MAX + 64)], e[sizeof(k1)];
	unsigned char h[64];
	size_t hl = 32, k1l, i;
	unsigned round, sum;
	const EVP_MD *md;

	if (cp_hash(EVP_sha256(), pw, pl, salt, 8, NULL, 0, h) != 32)
		return -1;
	for (round = 0; round < 64 + 255; round++) {
		k1l = pl + hl;
		memcpy(k1, pw, pl);
		memcpy(k1 + pl, h, hl);
		for (i = 1; i < 64; i++)
			memcpy(k1 + i * k1l, k1, k1l);
		k1l *= 64;
		if (cp_aes(1, 16, h, h + 16, k1, k1l, e) != 0)
			return -1;
		for (i = 0, sum = 0; i < 16; i++)
			sum += e[i];
		md = sum % 3 == 0 ? EVP_sha256() :
		    sum % 3 == 1  ? EVP_sha384() :
				    EVP_sha512();
		hl = cp_hash(md, e, k1l, NULL, 0, NULL, 0, h);
		if (hl == 0)
			return -1;
		if (round >= 63 && e[k1l - 1] <= round - 31)
			break;
	}
	memcpy(k, h, 32);
	return 0;
}

/* Algorithms 2.A and 11 (R 5, R 6): the file key from /UE, when PW is the user
 * password. */
static int
pdc_key_r6(const struct pdc_dict *d, const char *pw, struct pdfcrypt *pc)
{
	const unsigned char *u = (const unsigned char *)sb_str(&d->u);
	unsigned char h[32], iv[16];
	size_t pl = strlen(pw);

	if (pl > PDC_PW_MAX)
		pl = PDC_PW_MAX;
	if (d->r == 5 ? cp_hash(EVP_sha256(), pw, pl, u + 32, 8, NULL, 0, h) != 32 :
			pdc_hash_r6(pw, pl, u + 32, h) != 0)
		return -1;
	if (memcmp(h, u, 32) != 0)
		return -1;
	if (d->r == 5 ? cp_hash(EVP_sha256(), pw, pl, u + 40, 8, NULL, 0, h) != 32 :
			pdc_hash_r6(pw, pl, u + 40, h) != 0)
		return -1;
	memset(iv, 0, sizeof(iv));
	if (cp_aes(0, 32, h, iv, (const unsigned char *)sb_str(&d->ue), 32, pc->key) != 0)
		return -1;
	pc->keylen = 32;
	return 0;
}

struct pdfcrypt *
pdfcrypt_open(const unsigned char *b, size_t len, size_t enc, const char *const *pws,
    unsigned npw, unsigned *which, const char **what)
{
	struct pdc_dict d;
	struct pdfcrypt *pc;
	int rc = -1;
	unsigned k;

	memset(&d, 0, sizeof(d));
	sb_init(&d.o, 64), sb_init(&d.u, 64), sb_init(&d.oe, 64), sb_init(&d.ue, 64);
	sb_init(&d.id, 64);
	*what = NULL;
	if ((pc = calloc(1, sizeof(*pc))) != NULL && pdc_parse(b, len, enc, &d) == 0) {
		pc->m = d.m;
		for (k = 0; k < npw && rc != 0; k++) {
			rc = d.m == PDC_AES256 ?
			    (d.r == 5 || d.r == 6 ? pdc_key_r6(&d, pws[k], pc) : -1) :
			    (d.r >= 2 && d.r <= 4 ? pdc_key_r4(&d, pws[k], pc) : -1);
			*which = k;
		}
		*what = d.m == PDC_AES256 ? "AES 256-bit" :
		    d.m == PDC_AES128     ? "AES 128-bit" :
		    d.length == 40        ? "RC4 40-bit" :
					    "RC4 128-bit";
	}
	sb_free(&d.o), sb_free(&d.u), sb_free(&d.oe), sb_free(&d.ue), sb_free(&d.id);
	if (rc != 0) {
		free(pc);
		return NULL;
	}
	return pc;
}

void
pdfcrypt_free(struct pdfcrypt *pc)
{
	free(pc);
}

unsigned char *
pdfcrypt_stream(const struct pdfcrypt *pc, unsigned long obj, unsigned long gen,
    const unsigned char *d, size_t n, size_t *outlen)
{
	unsigned char ok[16 + 9], k[16], *out;
	size_t kl = pc->keylen, i;

	if (pc->m == PDC_AES256) {
		memcpy(k, pc->key, 16); /* not used: AES-256 takes the file key */
	} else {
		memcpy(ok, pc->key, kl);
		ok[kl] = (unsigned char)obj, ok[kl + 1] = (unsigned char)(obj >> 8);
		ok[kl + 2] = (unsigned char)(obj >> 16);
		ok[kl + 3] = (unsigned char)gen, ok[kl + 4] = (unsigned char)(gen >> 8);
		i = kl + 5;
		if (pc->m == PDC_AES128)
			memcpy(ok + i, "sAlT", 4), i += 4;
		if (cp_hash(EVP_md5(), ok, i, NULL, 0, NULL, 0, ok) != 16)
			return NULL;
		memcpy(k, ok, 16);
		kl = kl + 5 < 16 ? kl + 5 : 16;
	}
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	if (pc->m == PDC_RC4) {
		memcpy(out, d, n);
		pdc_rc4(k, kl, out, n);
		*outlen = n;
		return out;
	}
	if (n < 32 || (n - 16) % 16 != 0 ||
	    cp_aes(0, pc->m == PDC_AES256 ? 32 : 16, pc->m == PDC_AES256 ? pc->key : k, d,
		d + 16, n - 16, out) != 0) {
		free(out);
		return NULL;
	}
	n -= 16;
	if (out[n - 1] >= 1 && out[n - 1] <= 16) /* PKCS#7 padding */
		n -= out[n - 1];
	*outlen = n;
	return out;
}
