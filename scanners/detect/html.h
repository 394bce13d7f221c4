/*
 * html.h: internals of html.c, exposed for its unit tests. The entry point
 * html_scan() is in analysers.h.
 */
#ifndef EMBARGO_HTML_H
#define EMBARGO_HTML_H

#include <stddef.h>

#include "core/scan.h"

struct html_state {
	struct scan_ctx *ctx;
	struct scan_input *in;
	unsigned children; /* payloads scanned */
	int uri_reported;  /* type.html_smuggling recorded for a data: URI */
	int limit_reported;
	em_status st; /* first status that stops the scan */
};

/* The value of a base64 (or base64url) digit, -1 for anything else. */
int html_b64val(int c);
/* Decode base64 (both alphabets, on past '=', whitespace skipped) from S/N into
 * OUT, which has room for HTML_B64_ROOM(N) bytes; returns the bytes written. */
#define HTML_B64_ROOM(n) ((n) / 4 * 3 + 6)
size_t html_b64decode(const unsigned char *s, size_t n, unsigned char *out);
/* True for data: media types a browser downloads (application/... but fonts, ...). */
int html_risky_mediatype(const char *mt);

#endif
