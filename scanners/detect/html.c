/*
 * html.c: HTML smuggling: HTML that builds a file from data it carries.
 *
 * Two shapes are recognised, by a bounded linear search of the scan window:
 *   1. data: URIs whose media type is application/... (fonts excepted) or
 *      octet-stream, with a base64 payload: the classic <a href="data:..."
 *      download> and <embed>/<iframe src="data:...">. Each payload is decoded and
 *      scanned as a child ("data<N>.bin") so its real type is found.
 *   2. a script with a file-building call (Blob, msSaveOrOpenBlob, msSaveBlob,
 *      createObjectURL, new File, atob or a download attribute) and a payload
 *      literal: html_smuggle.c rebuilds it from base64/hex literals (split, joined,
 *      reversed), numeric byte arrays and single-byte XOR loops; failing that,
 *      the longest base64 (or hex) text of HTML_MIN_BLOB characters outside
 *      literals and data:image URIs (a hidden element the script reads). The
 *      payload is scanned as "blob.bin".
 *   3. a script that saves a blob it builds (msSaveOrOpenBlob/msSaveBlob, or
 *      createObjectURL with a download or click) from atob, Uint8Array,
 *      fromCharCode, charCodeAt or reverse(), with no literal to rebuild: the
 *      finding says what was seen.
 * SVG images (class html) go through the same checks; their findings say "SVG".
 * Each shape records type.html_smuggling once.
 *
 * Limits: HTML_MAX_CHILDREN payloads per part; decoded bytes count against the
 * message's unpacked-bytes budget and a rebuild is followed by a time-budget
 * check; everything stays within the scan window.
 *
 * BUGS: see html_smuggle.c for what is not rebuilt; HTML entities inside data:
 * URIs are not decoded.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/analyser.h"
#include "core/bytes.h"
#include "detect/html.h"
#include "detect/html_smuggle.h"
#include "mime/b64.h"

#define HTML_MIN_BLOB      1024 /* characters of a base64/hex string that is a blob */
#define HTML_MAX_CHILDREN  16   /* payloads scanned per part */
#define HTML_MAX_MEDIATYPE 128  /* bytes of a data: media type read */

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

size_t
html_b64decode(const unsigned char *s, size_t n, unsigned char *out)
{
	struct b64 b64;
	size_t k;

	/* MIME's decoder, both alphabets, on past '=': the exposing reading (STYLE
	 * rule 10); whitespace and escaped newlines inside the string are skipped */
	b64_init_flags(&b64, B64_URLSAFE);
	k = b64_decode(&b64, s, n, out);
	return k + b64_decode(&b64, "=", 1, out + k);
}

/* Scan decoded bytes BUF/K as a child NAME, within the payload cap and budget. */
static em_status
html_bytes_child(
    struct html_state *h, const unsigned char *buf, size_t k, const char *name)
{
	em_status st;

	if (h->children >= HTML_MAX_CHILDREN) {
		if (!h->limit_reported)
			report_add(h->ctx->r, h->in->part, "scan.limit",
			    "HTML: more than %d embedded payloads; the rest were not "
			    "scanned",
			    HTML_MAX_CHILDREN);
		h->limit_reported = 1;
		return EM_LIMIT;
	}
	h->children++;
	st = scan_budget_bytes(h->ctx, h->in->part, k);
	if (st == EM_OK && k > 0)
		st = scan_child_mem(h->ctx, h->in, name, buf, k, NULL);
	return st;
}

/* Decode and scan one base64 payload as a child. */
static em_status
html_child(struct html_state *h, const unsigned char *s, size_t n, const char *name)
{
	unsigned char *buf;
	em_status st;

	if ((buf = malloc(HTML_B64_ROOM(n))) == NULL)
		return EM_TEMPFAIL;
	st = html_bytes_child(h, buf, html_b64decode(s, n, buf), name);
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
html_longest_blob(const unsigned char *d, size_t len, size_t *b64_off, size_t *b64_len,
    size_t *hex_off, size_t *hex_len)
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
		for (j = i;
		     j < len && (html_b64val(d[j]) >= 0 && d[j] != '-' && d[j] != '_');
		     j++)
			if (!isxdigit(d[j]))
				hex = 0;
		if (j - i >= HTML_MIN_BLOB &&
		    !(i >= 6 &&
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

static const char *const html_calls[] = { "msSaveOrOpenBlob", "msSaveBlob",
	"createObjectURL", "new File(", "new Blob", "Blob(", "atob(",
	"download=", ".download", NULL };

/* Decode a hex string and scan it as a child. */
static em_status
html_hex_child(struct html_state *h, const unsigned char *s, size_t n)
{
	unsigned char *buf;
	size_t i, k = 0;
	int hi, lo;
	em_status st;

	if ((buf = malloc(n / 2 + 1)) == NULL)
		return EM_TEMPFAIL;
	/* html_longest_blob hands over hex digits only; any other byte reads as 0 */
	for (i = 0; i + 1 < n; i += 2) {
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		buf[k++] = (unsigned char)((hi < 0 ? 0 : hi) << 4 | (lo < 0 ? 0 : lo));
	}
	st = html_bytes_child(h, buf, k, "blob.bin");
	free(buf);
	return st;
}

/* "SVG: " for an SVG image, "" for HTML: the finding says which carried it. */
static const char *
html_kind(const struct scan_input *in)
{
	return in->mime != NULL && strstr(in->mime, "svg") != NULL ? "SVG: " : "";
}

/* A payload the script assembles from its literals (html_smuggle.c). Returns 1 when
 * one was found (and scanned), 0 when none, -1 when memory ran out. */
static int
html_rebuilt(struct html_state *h, const unsigned char *d, size_t len, const char *call)
{
	struct smuggle_payload p;
	em_status st;
	int rc;

	memset(&p, 0, sizeof(p));
	if ((rc = smuggle_rebuild(d, len, &p)) <= 0)
		return rc;
	report_add(h->ctx->r, h->in->part, "type.html_smuggling",
	    "%s%s with a payload rebuilt from a %s: %zu bytes", html_kind(h->in), call,
	    p.how, p.len);
	st = scan_budget_time(h->ctx, h->in->part);
	if (st == EM_OK)
		st = html_bytes_child(h, p.buf, p.len, "blob.bin");
	if (!em_status_local(st))
		h->st = EM_TEMPFAIL;
	smuggle_free(&p);
	return 1;
}

/* The longest base64/hex text outside literals (a hidden element the script reads). */
static int
html_text_blob(struct html_state *h, const unsigned char *d, size_t len, const char *call)
{
	size_t off, blen, hoff, hlen;
	em_status st;

	html_longest_blob(d, len, &off, &blen, &hoff, &hlen);
	if (blen == 0 && hlen == 0)
		return 0;
	report_add(h->ctx->r, h->in->part, "type.html_smuggling",
	    "%s%s with a %zu-character %s string", html_kind(h->in), call,
	    blen ? blen : hlen, blen ? "base64" : "hex");
	if (blen > 0)
		st = html_child(h, d + off, blen, "blob.bin");
	else
		st = html_hex_child(h, d + hoff, hlen);
	if (!em_status_local(st))
		h->st = EM_TEMPFAIL;
	return 1;
}

static const char *
html_first(const unsigned char *d, size_t len, const char *const *names)
{
	for (; *names != NULL; names++)
		if (html_find(d, len, 0, *names) != NULL)
			return *names;
	return NULL;
}

/* A script that saves a blob it builds, with no payload to rebuild: still smuggling,
 * reported with what was seen. */
static void
html_seen(struct html_state *h, const unsigned char *d, size_t len)
{
	static const char *const saves[] = { "msSaveOrOpenBlob", "msSaveBlob", NULL };
	static const char *const builds[] = { "atob(", "Uint8Array", "fromCharCode",
		"charCodeAt", "reverse()", NULL };
	static const char *const downloads[] = { ".download", "download=", ".click()",
		NULL };
	const char *save, *build;

	if ((build = html_first(d, len, builds)) == NULL)
		return;
	if ((save = html_first(d, len, saves)) == NULL &&
	    (html_find(d, len, 0, "createObjectURL") == NULL ||
		(save = html_first(d, len, downloads)) == NULL))
		return;
	report_add(h->ctx->r, h->in->part, "type.html_smuggling",
	    "%s%s and %s seen: the file is built at run time, its payload was not "
	    "rebuilt",
	    html_kind(h->in), save, build);
}

static void
html_script_blob(struct html_state *h, const unsigned char *d, size_t len)
{
	const char *call;
	int rc;

	if ((call = html_first(d, len, html_calls)) == NULL)
		return;
	if ((rc = html_rebuilt(h, d, len, call)) < 0)
		h->st = EM_TEMPFAIL;
	if (rc == 0 && !html_text_blob(h, d, len, call))
		html_seen(h, d, len);
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
