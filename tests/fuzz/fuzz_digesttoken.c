/*
 * fuzz_digesttoken.c: the digest link token check (milter/digest/digest_token.c) on
 * arbitrary bytes, with a fixed key. Checks, besides memory safety: only
 * DIGEST_TOK_OK, FORGED or EXPIRED comes back; a refused token leaves the link
 * empty; an accepted one has a store id, a plain address and the action "release",
 * and making a token from its fields gives the input back (the encoding is canonical,
 * so a second spelling of one token cannot exist). Seeds: valid tokens and near misses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest/digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[DIGEST_KEY_LEN] = "fuzz-key-fuzz-key-fuzz-key-fuzz!";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest_link l;
	struct strbuf again = STRBUF_INIT;
	int rc = digest_token_check(key, (const char *)data, size, 1000, &l);

	if (rc != DIGEST_TOK_OK && rc != DIGEST_TOK_FORGED && rc != DIGEST_TOK_EXPIRED)
		abort();
	if (rc == DIGEST_TOK_FORGED) {
		if (l.id[0] || l.rcpt[0] || l.expires)
			abort();
		return 0;
	}
	if (!store_id_valid(l.id) || !digest_addr_ok(l.rcpt) ||
	    strcmp(l.action, "release") != 0)
		abort();
	if (digest_token_make(key, l.id, l.rcpt, l.expires, l.action, &again) != 0 ||
	    again.len != size || memcmp(again.s, data, size) != 0)
		abort();
	sb_free(&again);
	return 0;
}
