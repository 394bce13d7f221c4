/*
 * digest.h: digests to recipients of held mail and their signed links
 * (embargo-quarantine digest, tools/q_digest.c; embargo-web /d/TOKEN,
 * web/page_digest.c).
 *
 *  digest_token.c   the key DIR/digest.key and the signed single-use links
 *  digest_reason.c  a finding or rule as a plain sentence (en, ja)
 *  digest_tmpl.c    templates with {{placeholders}} and one {{#entry}} block
 *  digest_mail.c    the message: RFC 2047 Subject, multipart/alternative, base64
 *
 * A link token is base64url (no padding) of PAYLOAD || HMAC-SHA256(key, PAYLOAD),
 * PAYLOAD = "1|ID|RCPT|EXPIRES|ACTION" (ACTION: "release"). Single use is the store's
 * once table (store_once_claim) with the key "link:" + the MAC in hex.
 */
#ifndef EMBARGO_DIGEST_H
#define EMBARGO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "store/store.h"

#define DIGEST_KEY_FILE  "digest.key"
#define DIGEST_KEY_LEN   32
#define DIGEST_MAC_LEN   32
#define DIGEST_RCPT_MAX  254  /* bytes of a recipient address in a link */
#define DIGEST_TOKEN_MAX 1024 /* characters of a token (longer: forged) */
#define DIGEST_ONCE_KEY  (5 + 2 * DIGEST_MAC_LEN + 1)

/* DIR/digest.key (32 random bytes, 0600), made on first use when CREATE; a key made
 * by root is given to DIR's owner (embargo-web reads it as that user). 0 or -1. */
int digest_key(
    const char *dir, int create, unsigned char key[DIGEST_KEY_LEN], struct strbuf *err);

struct digest_link {
	char id[STORE_ID_LEN + 1];
	char rcpt[DIGEST_RCPT_MAX + 1];
	int64_t expires;
	char action[16];
	unsigned char mac[DIGEST_MAC_LEN];
};

/* A token for (ID, RCPT, EXPIRES, ACTION) appended to OUT. 0, or -1 (bad field). */
int digest_token_make(const unsigned char key[DIGEST_KEY_LEN], const char *id,
    const char *rcpt, int64_t expires, const char *action, struct strbuf *out);

enum { DIGEST_TOK_OK = 0, DIGEST_TOK_FORGED = 1, DIGEST_TOK_EXPIRED = 2 };
/* Verify TOK (LEN bytes) at time NOW: DIGEST_TOK_OK and L filled, or why not. The MAC
 * is checked (constant time) before any field is believed; EXPIRED only for a
 * genuine token. */
int digest_token_check(const unsigned char key[DIGEST_KEY_LEN], const char *tok,
    size_t len, int64_t now, struct digest_link *l);
/* "link:" + hex MAC: the once key of L's token. */
void digest_once_key(const struct digest_link *l, char out[DIGEST_ONCE_KEY]);
/* A plain address as links and digests accept it: local@domain, printable ASCII
 * without space, '|', '<', '>', '"', quotes or control bytes; 3..254 bytes. */
int digest_addr_ok(const char *a);

/* digest_reason.c: LANG "en" or "ja"; RULE and FINDINGS as stored. */
const char *digest_reason(const char *lang, const char *rule, const char *findings);
int digest_lang_ok(const char *lang);

/* digest_tmpl.c. A template: text with {{name}} placeholders and at most one block
 * {{#entry}}...{{/entry}} repeated per entry. Values are escaped for HTML when the
 * template is (HTML) and cleaned of control bytes always. */
struct digest_var {
	const char *name, *value;
};
struct digest_tmpl {
	char *text;
	size_t len;
	int html;
};
/* DIR/digest.LANG.txt or .html into T. 0, or -1 with ERR. */
int digest_tmpl_load(struct digest_tmpl *t, const char *dir, const char *lang, int html,
    struct strbuf *err);
void digest_tmpl_free(struct digest_tmpl *t);
/* Fill T's head (before the block), each entry (VARS[i], NV each), then its tail, with
 * the top-level TOP variables; appended to OUT. 0 or -1. */
int digest_tmpl_fill(const struct digest_tmpl *t, const struct digest_var *top,
    size_t ntop, const struct digest_var *const *entries, size_t nentries, size_t nv,
    struct strbuf *out);

/* digest_mail.c: a complete message (CRLF lines) into OUT: From FROM, To TO, Subject
 * SUBJECT (UTF-8, RFC 2047 B-encoded when not plain ASCII), Date, Message-ID, Auto-
 * Submitted: auto-generated, and a multipart/alternative of TEXT and HTML (UTF-8,
 * base64); HTML NULL: TEXT alone. 0 or -1. */
int digest_mail(const char *from, const char *to, const char *subject, const char *text,
    const char *html, struct strbuf *out);
/* SUBJECT as one or more RFC 2047 UTF-8 B-words (folded), appended to OUT. */
void digest_2047(const char *subject, struct strbuf *out);

#endif
