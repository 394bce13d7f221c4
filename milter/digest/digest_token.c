/*
 * digest_token.c: the key of the digest links and the signed single-use tokens
 * (format in digest.h).
 *
 * Promises: nothing in a token is believed before its MAC matched (CRYPTO_memcmp,
 * constant time); a token that does not decode, is longer than DIGEST_TOKEN_MAX, or
 * whose payload is not exactly "1|ID|RCPT|EXPIRES|ACTION" with a store id, a plain
 * address, decimal digits and a known action is forged, whatever its MAC.
 * Limits: one key per store folder; hosts of a fleet that share embargo-web links
 * need the same digest.key (copy it like release.key). BUGS: none known.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "digest/digest.h"
#include "store/store_mark.h"

static const char b64u[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
digest_key(
    const char *dir, int create, unsigned char key[DIGEST_KEY_LEN], struct strbuf *err)
{
	char path[4096];
	struct stat ds;
	int fd;

	if (create) {
		snprintf(path, sizeof(path), "%s/tmp", dir);
		if (mkdir(path, 0750) != 0 && errno != EEXIST)
			return sb_printf(err, "%s: %s", path, strerror(errno)), -1;
	}
	if (store_key_file(dir, DIGEST_KEY_FILE, create, key, err) != 0)
		return -1;
	/* Made by root (the timer run as root): the store's owner must read it. */
	snprintf(path, sizeof(path), "%s/%s", dir, DIGEST_KEY_FILE);
	if (geteuid() == 0 && stat(dir, &ds) == 0 && ds.st_uid != 0 &&
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		if (fchown(fd, ds.st_uid, ds.st_gid) != 0)
			sb_printf(err, "%s: chown: %s", path, strerror(errno));
		close(fd);
	}
	return 0;
}

int
digest_addr_ok(const char *a)
{
	size_t n = strlen(a), i;
	const char *at = strrchr(a, '@');

	if (n < 3 || n > DIGEST_RCPT_MAX || at == NULL || at == a || at[1] == '\0')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= ' ' || c >= 0x7f || strchr("|<>\"'`\\,;()[]", c) != NULL)
			return 0;
	}
	return strchr(a, '@') == at;
}

/* base64url without padding: OpenSSL's base64, then - for +, _ for /, no '='. */
static void
b64u_enc(const unsigned char *p, size_t n, struct strbuf *out)
{
	unsigned char b[DIGEST_TOKEN_MAX + 4];
	int i, len;

	if (n > DIGEST_TOKEN_MAX / 4 * 3) {
		out->truncated = 1;
		return;
	}
	len = EVP_EncodeBlock(b, p, (int)n);
	while (len > 0 && b[len - 1] == '=')
		len--;
	for (i = 0; i < len; i++)
		sb_addc(out, b[i] == '+' ? '-' : b[i] == '/' ? '_' : (char)b[i]);
}

static int
b64u_val(char c)
{
	const char *p = c ? strchr(b64u, c) : NULL;

	return p ? (int)(p - b64u) : -1;
}

/* Strict: the alphabet only, no padding, no stray bits. Bytes into OUT (CAP). */
static int
b64u_dec(const char *s, size_t n, unsigned char *out, size_t cap, size_t *outn)
{
	size_t i, k = 0;
	unsigned acc = 0;
	int bits = 0, v;

	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64u_val(s[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (k == cap)
				return -1;
			out[k++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	*outn = k;
	return 0;
}

static int
mac(const unsigned char *key, const void *p, size_t n, unsigned char out[DIGEST_MAC_LEN])
{
	unsigned len = 0;

	return HMAC(EVP_sha256(), key, DIGEST_KEY_LEN, p, n, out, &len) != NULL &&
		len == DIGEST_MAC_LEN ?
	    0 :
	    -1;
}

int
digest_token_make(const unsigned char key[DIGEST_KEY_LEN], const char *id,
    const char *rcpt, int64_t expires, const char *action, struct strbuf *out)
{
	struct strbuf p = STRBUF_INIT;
	unsigned char m[DIGEST_MAC_LEN];
	int rc = -1;

	if (!store_id_valid(id) || !digest_addr_ok(rcpt) || expires < 0 ||
	    strcmp(action, "release") != 0)
		return -1;
	sb_printf(&p, "1|%s|%s|%lld|%s", id, rcpt, (long long)expires, action);
	if (p.oom || mac(key, p.s, p.len, m) != 0)
		goto out;
	sb_add(&p, m, sizeof(m));
	b64u_enc((const unsigned char *)p.s, p.len, out);
	rc = out->oom || out->truncated ? -1 : 0;
out:
	sb_free(&p);
	return rc;
}

/* "1|ID|RCPT|EXPIRES|ACTION" (N bytes, no NUL inside) into L; 0 or -1. */
static int
parse_payload(const char *p, size_t n, struct digest_link *l)
{
	const char *f[5], *end = p + n, *bar;
	size_t len[5], i;
	char num[24];

	for (i = 0; i < 5; i++) {
		bar = i < 4 ? memchr(p, '|', (size_t)(end - p)) : end;
		if (bar == NULL || (i == 4 && memchr(p, '|', (size_t)(end - p))))
			return -1;
		f[i] = p, len[i] = (size_t)(bar - p);
		p = bar + (i < 4);
	}
	if (len[0] != 1 || f[0][0] != '1' || len[1] != STORE_ID_LEN ||
	    len[2] > DIGEST_RCPT_MAX || len[3] == 0 || len[3] > 18 ||
	    len[4] >= sizeof(l->action))
		return -1;
	memcpy(l->id, f[1], len[1]), l->id[len[1]] = '\0';
	memcpy(l->rcpt, f[2], len[2]), l->rcpt[len[2]] = '\0';
	memcpy(num, f[3], len[3]), num[len[3]] = '\0';
	memcpy(l->action, f[4], len[4]), l->action[len[4]] = '\0';
	if (strspn(num, "0123456789") != len[3] || !store_id_valid(l->id) ||
	    !digest_addr_ok(l->rcpt) || strcmp(l->action, "release") != 0)
		return -1;
	l->expires = (int64_t)strtoll(num, NULL, 10);
	return 0;
}

int
digest_token_check(const unsigned char key[DIGEST_KEY_LEN], const char *tok, size_t len,
    int64_t now, struct digest_link *l)
{
	unsigned char raw[DIGEST_TOKEN_MAX], m[DIGEST_MAC_LEN];
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	if (len == 0 || len > DIGEST_TOKEN_MAX ||
	    b64u_dec(tok, len, raw, sizeof(raw), &n) != 0 || n <= DIGEST_MAC_LEN ||
	    mac(key, raw, n - DIGEST_MAC_LEN, m) != 0 ||
	    CRYPTO_memcmp(m, raw + n - DIGEST_MAC_LEN, DIGEST_MAC_LEN) != 0)
		return DIGEST_TOK_FORGED;
	n -= DIGEST_MAC_LEN;
	if (memchr(raw, '\0', n) != NULL || parse_payload((char *)raw, n, l) != 0) {
		memset(l, 0, sizeof(*l));
		return DIGEST_TOK_FORGED;
	}
	memcpy(l->mac, m, sizeof(m));
	return l->expires <= now ? DIGEST_TOK_EXPIRED : DIGEST_TOK_OK;
}

void
digest_once_key(const struct digest_link *l, char out[DIGEST_ONCE_KEY])
{
	size_t i;

	memcpy(out, "link:", 5);
	for (i = 0; i < DIGEST_MAC_LEN; i++)
		snprintf(out + 5 + 2 * i, 3, "%02x", l->mac[i]);
}
