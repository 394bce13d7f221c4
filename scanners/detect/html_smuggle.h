/*
 * html_smuggle.h: rebuild the payload a page's script assembles at run time from
 * literals it carries (html_smuggle.c). Used by html.c; exposed for unit tests.
 */
#ifndef EMBARGO_HTML_SMUGGLE_H
#define EMBARGO_HTML_SMUGGLE_H

#include <stddef.h>

#define SMUGGLE_MIN_CHARS 512 /* characters of a (joined) base64/hex literal */
#define SMUGGLE_MIN_BYTES 256 /* numbers of a byte array literal */

struct smuggle_payload {
	unsigned char *buf; /* malloc'd, owned by the caller (smuggle_free) */
	size_t len;
	char how[128]; /* what was rebuilt: "base64 in 12 pieces, reversed" */
};

/*
 * Look in D/LEN (the page; only inside <script> elements when it has any) for the
 * payload: the longest run of string literals joined by + or , (one literal is a
 * run), else the long base64 literals of the script joined in order, else the
 * longest numeric byte array. Base64 or hex is decoded; when the script reverses
 * strings or XORs with a literal single-byte key, the variant whose bytes start
 * with a known file magic is kept. Returns 1 with *P filled, 0 when there is no
 * payload, -1 when memory ran out. The payload is never longer than LEN.
 */
int smuggle_rebuild(const unsigned char *d, size_t len, struct smuggle_payload *p);
void smuggle_free(struct smuggle_payload *p);

/* The single-byte XOR key the script applies (x ^ 65, x ^ key with key = 0x41),
 * or -1. */
int smuggle_xor_key(const unsigned char *d, size_t len);
/* Does B/N start with the magic of a file worth scanning (MZ, PK, 7z, ...)? */
int smuggle_magic(const unsigned char *b, size_t n);

#endif
