/*
 * store_mark.h: the release marker. A released message carries
 *   X-Embargo-Released: <id>; by=<user>; at=<ISO 8601 time>
 *   X-Embargo-Release-Auth: v1 <HMAC-SHA256 hex>
 * where the HMAC, keyed by DIR/release.key (32 random bytes, 0600, made at the
 * daemon's first start), covers the quarantine id and the SHA-256 of the body with
 * CR and LF left out (so the MTA's line-ending and long-line changes do not matter).
 * The daemon recomputes it on arrival and lets a valid release through unscanned,
 * once the index says the entry is releasing or released.
 *
 * Also: the value of a header in a raw header block (for Message-ID and markers).
 * Limits: header values are copied up to the caller's buffer; folded values are
 * read up to the first line end. BUGS: a replayed copy of a released message passes
 * again (its content was approved once).
 */
#ifndef EMBARGO_STORE_MARK_H
#define EMBARGO_STORE_MARK_H

#include <stddef.h>

#include "core/strbuf.h"

#define STORE_KEY_LEN  32
#define STORE_MARK_HDR "X-Embargo-Released"
#define STORE_AUTH_HDR "X-Embargo-Release-Auth"

/* DIR/release.key into KEY; with CREATE made when missing. 0 or -1 (reason in ERR). */
int store_key(
    const char *dir, int create, unsigned char key[STORE_KEY_LEN], struct strbuf *err);
/* The same for the key file DIR/NAME (the digest links' digest.key). */
int store_key_file(const char *dir, const char *name, int create,
    unsigned char key[STORE_KEY_LEN], struct strbuf *err);

/* Body hash, fed in any chunks. HEADERS: the input starts with the header block,
 * which is skipped up to the first empty line. */
struct store_bh;
struct store_bh *store_bh_new(int headers);
int store_bh_feed(struct store_bh *h, const void *p, size_t n);
/* 64 hex digits into HEX and frees H (NULL-safe); 0 or -1. */
int store_bh_final(struct store_bh *h, char hex[65]);

/* "v1 " + HMAC hex of (id, body hash) into OUT (68 bytes). */
int store_mark_auth(const unsigned char key[STORE_KEY_LEN], const char *id,
    const char *bodyhex, char out[68]);
/* The quarantine id in a marker value "<id>; ..." into ID; 0 or -1. */
int store_mark_id(const char *value, char *id);

/* The value of the Nth (0-based) header NAME in the header block HDRS into OUT;
 * returns how many such headers there are. */
int store_header_value(
    const char *hdrs, size_t len, const char *name, int nth, char *out, size_t outlen);

#endif
