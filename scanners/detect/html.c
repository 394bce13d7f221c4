/*
 * html.c: HTML smuggling: HTML that builds a file from data it carries.
 *
 * Two shapes are recognised, by a bounded linear search of the scan window:
 *   1. data: URIs whose media type is application/... (fonts excepted) or
 *      octet-stream, with a base64 payload: the classic <a href="data:..."
 *      download> and <embed>/<iframe src="data:...">. Each payload is decoded and
 *      scanned as a child ("data<N>.bin") so its real type is found.
 *   2. a script with a long base64 or hex string (HTML_MIN_BLOB characters or
 *      more, not inside a data:image URI) together with a file-building call:
 *      Blob, msSaveOrOpenBlob, createObjectURL, atob or a download attribute.
 *      The longest base64 string (or, when there is none, the longest hex
 *      string) is decoded and scanned as "blob.bin".
 * Either records type.html_smuggling once per shape.
 *
 * Limits: HTML_MAX_CHILDREN payloads per part; decoded bytes count against the
 * message's unpacked-bytes budget; everything stays within the scan window.
 *
 * BUGS: strings built by concatenation ("TVq" + "QAA") or encoded other than by
 * base64/hex (XOR, reversed, char codes) are seen only through the call names;
 * HTML entities inside data: URIs are not decoded.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/analyser.h"
#include "core/bytes.h"
#include "detect/html.h"
#include "mime/b64.h"

#define HTML_MIN_BLOB      1024   /* characters of a base64/hex string that is a blob */
#define HTML_MAX_CHILDREN  16     /* payloads scanned per part */
#define HTML_MAX_MEDIATYPE 128    /* bytes of a data: media type read */

/* A case-insensitive search for NEEDLE in D/LEN from OFF. */
static const unsigned char *
html_find(const unsigned char *d, size_t len, size_t off, const char *needle)
{
	size_t k = strlen(needle), i;

	if (k == 0 || off > len)
		return NULL;
	for (i = off; len - i >= k; i++)
		if (tolower(d[i]) == tolower((unsigned char)needle[0]) &&
		    strncasecmp((const char *)d + i, needle, k) == 0)
			return d + i;
	return NULL;
}

int
html_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decode and scan one payload as a child. */
static em_status
html_child(struct html_state *h, const unsigned char *s, size_t n, const char *name)
{
	unsigned char *buf;
	struct b64 b64;
	size_t k;
	em_status st;

	if (h->children >= HTML_MAX_CHILDREN) {
		if (!h->limit_reported)
			report_add(h->ctx->r, h->in->part, "scan.limit",
			    "HTML: more than %d embedded payloads; the rest were not "
			    "scanned", HTML_MAX_CHILDREN);
		h->limit_reported = 1;
		return EM_LIMIT;
	}
	h->children++;
	if ((buf = malloc(n / 4 * 3 + 6)) == NULL)   /* b64_decode's room, and the flush */
		return EM_TEMPFAIL;
	/* MIME's decoder, both alphabets, on past '=': the exposing reading */
	b64_init_flags(&b64, B64_URLSAFE);
	k = b64_decode(&b64, s, n, buf);
	k += b64_decode(&b64, "=", 1, buf + k);
	st = scan_budget_bytes(h->ctx, h->in->part, k);
	if (st == EM_OK && k > 0)
		st = scan_child_mem(h->ctx, h->in, name, buf, k, NULL);
	free(buf);
	return st;
}

/* Is this data: media type something a browser saves rather than shows? */
int
html_risky_mediatype(const char *mt)
{
	if (strncasecmp(mt, "application/", 12) == 0) {
		const char *sub = mt + 12;

		/* web fonts in CSS are the ordinary application/... data: URIs */
		return strncasecmp(sub, "font", 4) != 0 &&
		    strncasecmp(sub, "x-font", 6) != 0 &&
		    strncasecmp(sub, "vnd.ms-fontobject", 17) != 0;
	}
	return strncasecmp(mt, "octet-stream", 12) == 0 ||
	    strncasecmp(mt, "binary/", 7) == 0;
}

/* One data: URI at d[off] ("data:" already matched). Returns where to go on. */
static size_t
html_data_uri(struct html_state *h, const unsigned char *d, size_t len, size_t off)
{
	char mt[HTML_MAX_MEDIATYPE + 1];
	size_t i = off + 5, k = 0, start;
	int b64;

	while (i < len && d[i] != ',' && d[i] != '"' && d[i] != '\'' && d[i] != '>' &&
	    k < HTML_MAX_MEDIATYPE)
		mt[k++] = (char)d[i++];
	mt[k] = '\0';
	if (i >= len || d[i] != ',')
		return i;
	b64 = strstr(mt, ";base64") != NULL || strstr(mt, ";BASE64") != NULL;
	start = ++i;
	while (i < len && d[i] != '"' && d[i] != '\'' && d[i] != '>' && d[i] != ')' &&
	    d[i] != '<')
		i++;
	if (!html_risky_mediatype(mt))
		return i;
	if (!h->uri_reported)
		report_add(h->ctx->r, h->in->part, "type.html_smuggling",
		    "data: URI of type %.*s, %zu bytes", (int)strcspn(mt, ";"), mt,
		    i - start);
	h->uri_reported = 1;
	if (b64 && i > start) {
		char name[32];

		snprintf(name, sizeof(name), "data%u.bin", h->children);
		if (!em_status_local(html_child(h, d + start, i - start, name)))
			h->st = EM_TEMPFAIL;
	}
	return i;
}

/* The longest base64 (or hex) string outside data:image URIs. */
static void
html_longest_blob(const unsigned char *d, size_t len, size_t *b64_off,
    size_t *b64_len, size_t *hex_off, size_t *hex_len)
{
	size_t i = 0, j;
	int hex;

	*b64_off = *b64_len = *hex_off = *hex_len = 0;
	while (i < len) {
		if (html_b64val(d[i]) < 0 || d[i] == '-' || d[i] == '_') {
			i++;
			continue;
		}
		hex = 1;
		for (j = i; j < len && (html_b64val(d[j]) >= 0 && d[j] != '-' &&
		    d[j] != '_'); j++)
			if (!isxdigit(d[j]))
				hex = 0;
		if (j - i >= HTML_MIN_BLOB && !(i >= 6 &&
		    html_find(d, i, i > 64 ? i - 64 : 0, "data:image/") != NULL)) {
			if (hex && j - i > *hex_len) {
				*hex_off = i;
				*hex_len = j - i;
			}
			if (!hex && j - i > *b64_len) {
				*b64_off = i;
				*b64_len = j - i;
			}
		}
		i = j;
	}
}

static const char *const html_calls[] = {
	"msSaveOrOpenBlob", "createObjectURL", "new Blob", "Blob(", "atob(",
	"download=", ".download", NULL
};

/* Decode a hex string and scan it as a child. */
static em_status
html_hex_child(struct html_state *h, const unsigned char *s, size_t n)
{
	unsigned char *buf;
	size_t i, k = 0;
	int hi, lo;
	em_status st;

	if (h->children >= HTML_MAX_CHILDREN)
		return EM_LIMIT;
	h->children++;
	if ((buf = malloc(n / 2 + 1)) == NULL)
		return EM_TEMPFAIL;
	/* html_longest_blob hands over hex digits only; any other byte reads as 0 */
	for (i = 0; i + 1 < n; i += 2) {
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		buf[k++] = (unsigned char)((hi < 0 ? 0 : hi) << 4 | (lo < 0 ? 0 : lo));
	}
	st = scan_budget_bytes(h->ctx, h->in->part, k);
	if (st == EM_OK)
		st = scan_child_mem(h->ctx, h->in, "blob.bin", buf, k, NULL);
	free(buf);
	return st;
}

static void
html_script_blob(struct html_state *h, const unsigned char *d, size_t len)
{
	size_t off, blen, hoff, hlen;
	const char *call = NULL;
	em_status st;
	int i;

	for (i = 0; html_calls[i] != NULL && call == NULL; i++)
		if (html_find(d, len, 0, html_calls[i]) != NULL)
			call = html_calls[i];
	if (call == NULL)
		return;
	html_longest_blob(d, len, &off, &blen, &hoff, &hlen);
	if (blen == 0 && hlen == 0)
		return;
	report_add(h->ctx->r, h->in->part, "type.html_smuggling",
	    "%s with a %zu-character %s string", call, blen ? blen : hlen,
	    blen ? "base64" : "hex");
	if (blen > 0)
		st = html_child(h, d + off, blen, "blob.bin");
	else
		st = html_hex_child(h, d + hoff, hlen);
	if (!em_status_local(st))
		h->st = EM_TEMPFAIL;
}

em_status
html_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct html_state h;
	const unsigned char *p;
	size_t off = 0;

	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.in = in;
	h.st = EM_OK;
	while (h.st == EM_OK && (p = html_find(in->data, in->len, off, "data:")) != NULL)
		off = html_data_uri(&h, in->data, in->len, (size_t)(p - in->data));
	if (h.st == EM_OK)
		html_script_blob(&h, in->data, in->len);
	return h.st;
}
