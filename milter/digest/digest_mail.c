/*
 * digest_mail.c: the digest as a MIME message (RFC 5322, 2045-2047):
 *   From, To, Subject (RFC 2047 UTF-8 B-words when not plain ASCII), Date (UTC),
 *   Message-ID, MIME-Version, Auto-Submitted: auto-generated (RFC 3834: no
 *   auto-replies to it), multipart/alternative: text/plain then text/html, both
 *   UTF-8 in base64 (76-character lines), so any byte of a template or a subject
 *   survives any MTA.
 * Promises: CRLF line ends; no header line over 78 characters from the Subject (B-words
 * of at most 45 bytes, cut between UTF-8 characters, folded); addresses are the
 * caller's, checked with digest_addr_ok (refused otherwise).
 * Limits: the whole message is built in memory (digests are small).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/evp.h>

#include "digest/digest.h"

#define WORD_BYTES 45 /* input bytes of one B-word: 60 base64 characters */

static void
b64_lines(const char *p, size_t n, struct strbuf *out)
{
	unsigned char line[80];
	size_t k;
	int len;

	while (n > 0) {
		k = n < 57 ? n : 57;
		len = EVP_EncodeBlock(line, (const unsigned char *)p, (int)k);
		sb_add(out, line, (size_t)len);
		sb_adds(out, "\r\n");
		p += k, n -= k;
	}
}

static int
plain_ascii(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return 0;
	return p - s < 900 && strstr(s, "=?") == NULL;
}

void
digest_2047(const char *subject, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)subject;
	size_t n = strlen(subject), k, c;
	unsigned char w[64];
	int first = 1, len;

	if (plain_ascii(subject)) {
		sb_adds(out, subject);
		return;
	}
	while (n > 0) {
		for (k = 0; k < n && k < WORD_BYTES; k += c) {
			c = sb_utf8_len(p + k, n - k);
			if (c == 0) /* not UTF-8 (a template's fault): one byte, kept */
				c = 1;
			if (k + c > WORD_BYTES)
				break;
		}
		if (k == 0)
			k = n < WORD_BYTES ? n : WORD_BYTES;
		len = EVP_EncodeBlock(w, p, (int)k);
		sb_printf(
		    out, "%s=?UTF-8?B?%.*s?=", first ? "" : "\r\n ", len, (char *)w);
		first = 0;
		p += k, n -= k;
	}
}

static void
part(struct strbuf *out, const char *boundary, const char *type, const char *body)
{
	sb_printf(out,
	    "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    boundary, type);
	b64_lines(body, strlen(body), out);
}

int
digest_mail(const char *from, const char *to, const char *subject, const char *text,
    const char *html, struct strbuf *out)
{
	unsigned char rnd[12];
	char boundary[64], date[64], mid[40];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	if (!digest_addr_ok(from) || !digest_addr_ok(to) ||
	    getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    gmtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		return -1;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(mid + 2 * i, 3, "%02x", rnd[i]);
	snprintf(boundary, sizeof(boundary), "=_embargo_%s", mid);
	sb_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", from, to);
	digest_2047(subject, out);
	sb_printf(out,
	    "\r\nDate: %s\r\nMessage-ID: <digest.%lld.%s@%s>\r\n"
	    "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n",
	    date, (long long)now, mid, strchr(from, '@') + 1);
	if (html == NULL) { /* text only */
		sb_adds(out,
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		b64_lines(text, strlen(text), out);
		return out->oom || out->truncated ? -1 : 0;
	}
	sb_printf(out,
	    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
	    "This is a MIME message.\r\n",
	    boundary);
	part(out, boundary, "text/plain", text);
	part(out, boundary, "text/html", html);
	sb_printf(out, "--%s--\r\n", boundary);
	return out->oom || out->truncated ? -1 : 0;
}
