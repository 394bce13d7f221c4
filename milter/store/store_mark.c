/*
 * store_mark.c: release markers (see store_mark.h): the key file, the body hash,
 * the HMAC, and reading one header out of a raw header block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "store/store.h"
#include "store/store_mark.h"

struct store_bh {
	EVP_MD_CTX *md;
	int in_body, at_line_start;
};

static int
read_key(const char *path, unsigned char *key)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, key, STORE_KEY_LEN);
	close(fd);
	return n == STORE_KEY_LEN ? 0 : -2;
}

int
store_key(
    const char *dir, int create, unsigned char key[STORE_KEY_LEN], struct strbuf *err)
{
	return store_key_file(dir, "release.key", create, key, err);
}

int
store_key_file(const char *dir, const char *name, int create,
    unsigned char key[STORE_KEY_LEN], struct strbuf *err)
{
	char path[4096], tmp[4200];
	unsigned char k[STORE_KEY_LEN];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((rc = read_key(path, key)) == 0)
		return 0;
	if (!create || rc == -2 || errno != ENOENT) {
		sb_printf(err, "%s: %s", path, rc == -2 ? "too short" : strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s.%ld.tmp", dir, name, (long)getpid());
	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k) ||
	    (fd = open(
		 tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		sb_printf(err, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	rc = write(fd, k, sizeof(k)) == (ssize_t)sizeof(k) && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	/* link(): never replaces a key another process made first. */
	if (rc == 0 && link(tmp, path) != 0 && errno != EEXIST)
		rc = -1;
	unlink(tmp);
	if (rc != 0 || read_key(path, key) != 0) {
		sb_printf(err, "%s: cannot create the key", path);
		return -1;
	}
	return 0;
}

struct store_bh *
store_bh_new(int headers)
{
	struct store_bh *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->in_body = !headers;
	h->at_line_start = 1;
	if ((h->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h->md);
		free(h);
		return NULL;
	}
	return h;
}

int
store_bh_feed(struct store_bh *h, const void *p, size_t n)
{
	const unsigned char *c = p, *end = c + n, *run;

	while (c < end && !h->in_body) {
		if (*c == '\n') {
			if (h->at_line_start)
				h->in_body = 1;
			h->at_line_start = 1;
		} else if (*c != '\r') {
			h->at_line_start = 0;
		}
		c++;
	}
	while (c < end) {
		for (run = c; c < end && *c != '\r' && *c != '\n'; c++)
			;
		if (c > run && EVP_DigestUpdate(h->md, run, (size_t)(c - run)) != 1)
			return -1;
		while (c < end && (*c == '\r' || *c == '\n'))
			c++;
	}
	return 0;
}

int
store_bh_final(struct store_bh *h, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0, i;
	int rc;

	if (h == NULL)
		return -1;
	rc = EVP_DigestFinal_ex(h->md, md, &n) == 1 && n == 32 ? 0 : -1;
	for (i = 0; rc == 0 && i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(h->md);
	free(h);
	return rc;
}

int
store_mark_auth(const unsigned char key[STORE_KEY_LEN], const char *id,
    const char *bodyhex, char out[68])
{
	char msg[200];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned n = 0, i;
	int len = snprintf(msg, sizeof(msg), "embargo-release v1\n%s\n%s", id, bodyhex);

	if (len < 0 || (size_t)len >= sizeof(msg) ||
	    HMAC(EVP_sha256(), key, STORE_KEY_LEN, (const unsigned char *)msg,
		(size_t)len, mac, &n) == NULL ||
	    n != 32)
		return -1;
	memcpy(out, "v1 ", 3);
	for (i = 0; i < n; i++)
		snprintf(out + 3 + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int
store_mark_id(const char *value, char *id)
{
	while (*value == ' ' || *value == '\t')
		value++;
	if (strlen(value) < STORE_ID_LEN)
		return -1;
	memcpy(id, value, STORE_ID_LEN);
	id[STORE_ID_LEN] = '\0';
	if (!store_id_valid(id) ||
	    (value[STORE_ID_LEN] != ';' && value[STORE_ID_LEN] != '\0'))
		return -1;
	return 0;
}

int
store_header_value(
    const char *hdrs, size_t len, const char *name, int nth, char *out, size_t outlen)
{
	const char *p = hdrs, *end = hdrs + len, *nl, *v;
	size_t nlen = strlen(name), k;
	int count = 0;

	if (outlen)
		out[0] = '\0';
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p || (nl == p + 1 && *p == '\r'))
			break; /* end of the header block */
		if ((size_t)(nl - p) <= nlen || p[nlen] != ':' ||
		    strncasecmp(p, name, nlen) != 0)
			continue;
		if (count++ != nth || outlen == 0)
			continue;
		for (v = p + nlen + 1; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		for (k = 0; v < nl && *v != '\r' && k + 1 < outlen; v++)
			out[k++] = *v;
		out[k] = '\0';
	}
	return count;
}
