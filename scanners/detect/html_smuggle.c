/*
 * html_smuggle.c: rebuild the file a smuggling page's script assembles at run
 * time, from the literals the page carries, so it can be scanned as a child.
 *
 * What is read (inside <script> elements, or the whole input when it has none):
 *   - JavaScript string literals ('...', "...", `...`; \xHH, \uHHHH, \/ decoded,
 *     \n \r \t dropped), joined into runs: literals separated only by blanks and
 *     + or , ("TVq" + "QAA", ["TVq","QAA"].join("")). A literal that is not all
 *     base64 ends the run. The longest run is the payload text;
 *   - failing a long enough run, every base64 literal of 32 characters or more, in
 *     the order they appear (pieces kept in variables and joined later);
 *   - failing both, the longest array or argument list of numbers 0..255 (decimal
 *     or 0x hex): new Uint8Array([77,90,...]), String.fromCharCode(77,90,...).
 * Text that is all hex (even length) is hex-decoded, otherwise base64-decoded.
 * When the script calls reverse() the reversed text is tried too; when it XORs
 * with a literal single-byte key (x ^ 0x41, b[i] ^= k with k = 65) the XORed
 * bytes are tried too; the first variant that starts with a known file magic is
 * kept, else the plain (XORed when a key was seen) forward one.
 *
 * Limits: linear in the input (the scan window); every buffer is at most the input
 * length, and at most about five are alive at once (the pieces, the runs, the two
 * decoded variants), so a page of pure base64 costs a few times the window in
 * memory for the length of its scan. The caller charges the result to the
 * unpacked-bytes budget.
 *
 * BUGS: pieces joined through variables out of source order, keys longer than
 * one byte, arithmetic other than XOR, and text built by DOM reads (innerText)
 * are not rebuilt; html.c still reports what it saw.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/strbuf.h"
#include "detect/html.h"
#include "detect/html_smuggle.h"

#define SM_MIN_PIECE  32 /* characters of a base64 literal joined "in order" */
#define SM_MAX_XORREF 8  /* '^' operators looked at for a key */

struct sm {
	struct strbuf best, cur, all, piece;
	unsigned best_pieces, cur_pieces, all_pieces;
	int bad; /* an allocation failed */
};

static size_t
sm_skip_ws(const unsigned char *d, size_t end, size_t i)
{
	while (i < end && isspace(d[i]))
		i++;
	return i;
}

/* One escape at d[i] (after the backslash): appended to OUT; returns the next index. */
static size_t
sm_escape(const unsigned char *d, size_t end, size_t i, struct strbuf *out)
{
	int v = 0, k, n = 0;

	if (i >= end)
		return i;
	if (d[i] == 'x' || d[i] == 'u') {
		n = d[i] == 'x' ? 2 : 4;
		for (k = 1; k <= n && i + k < end && hexval(d[i + k]) >= 0; k++)
			v = v << 4 | hexval(d[i + k]);
		if (k == n + 1 && v < 256) {
			sb_addc(out, (char)v);
			return i + n + 1;
		}
		return i + 1;
	}
	if (d[i] != 'n' && d[i] != 'r' && d[i] != 't' && d[i] != '\n')
		sb_addc(out, (char)d[i]);
	return i + 1;
}

/* The literal opening at d[i]: its text into OUT. Returns the index after the closing
 * quote, or 0 when it does not close (end, or a newline in '...'/"..."). */
static size_t
sm_literal(const unsigned char *d, size_t end, size_t i, struct strbuf *out)
{
	unsigned char q = d[i++];

	while (i < end && d[i] != q) {
		if (d[i] == '\n' && q != '`')
			return 0;
		if (d[i] == '\\')
			i = sm_escape(d, end, i + 1, out);
		else
			sb_addc(out, (char)d[i++]);
	}
	return i < end ? i + 1 : 0;
}

static int
sm_b64clean(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (html_b64val((unsigned char)s[i]) < 0 && s[i] != '=')
			return 0;
	return 1;
}

static void
sm_swap_best(struct sm *s)
{
	struct strbuf t;

	if (s->cur.len > s->best.len) {
		t = s->best;
		s->best = s->cur;
		s->cur = t;
		s->best_pieces = s->cur_pieces;
	}
	sb_reset(&s->cur);
	s->cur_pieces = 0;
}

/* The literal at d[i] and the run it continues. Returns where to go on. */
static size_t
sm_string_at(struct sm *s, const unsigned char *d, size_t end, size_t i)
{
	size_t j, k;

	sb_reset(&s->piece);
	if ((j = sm_literal(d, end, i, &s->piece)) == 0) {
		sm_swap_best(s);
		return i + 1;
	}
	if (!sm_b64clean(s->piece.s, s->piece.len)) {
		sm_swap_best(s);
		return j;
	}
	sb_add(&s->cur, s->piece.s, s->piece.len);
	s->cur_pieces++;
	if (s->piece.len >= SM_MIN_PIECE) {
		sb_add(&s->all, s->piece.s, s->piece.len);
		s->all_pieces++;
	}
	s->bad |= s->cur.oom | s->all.oom | s->piece.oom;
	k = sm_skip_ws(d, end, j);
	if (k < end && (d[k] == '+' || d[k] == ',')) {
		k = sm_skip_ws(d, end, k + 1);
		if (k < end && (d[k] == '\'' || d[k] == '"' || d[k] == '`'))
			return k;
	}
	sm_swap_best(s);
	return k;
}

/* A number 0..255 at d[*i] (decimal or 0x hex); -1 when none. */
static int
sm_number(const unsigned char *d, size_t end, size_t *i)
{
	size_t k = *i;
	long v = 0;
	int base = 10, digits = 0, h;

	if (k + 1 < end && d[k] == '0' && (d[k + 1] == 'x' || d[k + 1] == 'X')) {
		base = 16;
		k += 2;
	}
	while (k < end && (h = hexval(d[k])) >= 0 && h < base && v <= 255) {
		v = v * base + h;
		k++;
		digits++;
	}
	if (digits == 0 || v > 255 || (k < end && (isalnum(d[k]) || d[k] == '.')))
		return -1;
	*i = k;
	return (int)v;
}

/* The numbers list opening after d[i] ('[' or '('), into s->cur. Returns where to go
 * on; the longest list is kept in s->best. */
static size_t
sm_array_at(struct sm *s, const unsigned char *d, size_t end, size_t i)
{
	int v;

	sb_reset(&s->cur);
	i = sm_skip_ws(d, end, i + 1);
	while (i < end && (v = sm_number(d, end, &i)) >= 0) {
		sb_addc(&s->cur, (char)v);
		i = sm_skip_ws(d, end, i);
		if (i >= end || d[i] != ',')
			break;
		i = sm_skip_ws(d, end, i + 1);
	}
	s->bad |= s->cur.oom;
	if (s->cur.len >= SMUGGLE_MIN_BYTES && s->cur.len > s->best.len)
		sm_swap_best(s);
	return i;
}

/* String literal runs (ARRAYS 0) or number lists (1) in d[start, end). */
static void
sm_walk(struct sm *s, const unsigned char *d, size_t start, size_t end, int arrays)
{
	size_t i = start;

	while (i < end && !s->bad) {
		if (arrays && (d[i] == '[' || d[i] == '('))
			i = sm_array_at(s, d, end, i);
		else if (!arrays && (d[i] == '\'' || d[i] == '"' || d[i] == '`'))
			i = sm_string_at(s, d, end, i);
		else
			i++;
	}
	if (arrays)
		sb_reset(&s->cur);
	else
		sm_swap_best(s);
}

static const unsigned char *
sm_find(const unsigned char *d, size_t len, size_t off, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = off; i < len && len - i >= k; i++)
		if (strncasecmp((const char *)d + i, needle, k) == 0)
			return d + i;
	return NULL;
}

/* sm_walk() over every <script> body of D/LEN, or the whole input when none. */
static void
sm_regions(struct sm *s, const unsigned char *d, size_t len, int arrays)
{
	const unsigned char *p, *gt, *close;
	size_t off = 0, body;

	if (sm_find(d, len, 0, "<script") == NULL) {
		sm_walk(s, d, 0, len, arrays);
		return;
	}
	while ((p = sm_find(d, len, off, "<script")) != NULL) {
		body = (size_t)(p - d) + 7;
		if ((gt = memchr(d + body, '>', len - body)) == NULL)
			return;
		body = (size_t)(gt - d) + 1;
		close = sm_find(d, len, body, "</script");
		off = close != NULL ? (size_t)(close - d) : len;
		sm_walk(s, d, body, off, arrays);
	}
}

static int
sm_at(const unsigned char *b, size_t n, size_t off, const char *m, size_t k, int key)
{
	size_t i;

	if (off > n || n - off < k)
		return 0;
	for (i = 0; i < k; i++)
		if ((unsigned char)(b[off + i] ^ key) != (unsigned char)m[i])
			return 0;
	return 1;
}

static int
sm_magic_key(const unsigned char *b, size_t n, int key)
{
	static const struct {
		const char *m;
		size_t k;
	} mg[] = {
		{ "MZ", 2 },
		{ "PK\3\4", 4 },
		{ "7z\xbc\xaf", 4 },
		{ "Rar!", 4 },
		{ "%PDF", 4 },
		{ "{\\rt", 4 },
		{ "\xd0\xcf\x11\xe0", 4 },
		{ "\x1f\x8b", 2 },
		{ "ITSF", 4 },
		{ "MSCF", 4 },
		{ "L\0\0\0\1\x14\2", 7 },
		{ "<", 1 },
		{ "\x7f"
		  "ELF",
		    4 },
	};
	size_t i;

	for (i = 0; i < sizeof(mg) / sizeof(mg[0]); i++)
		if (sm_at(b, n, 0, mg[i].m, mg[i].k, key))
			return 1;
	return sm_at(b, n, 0x8001, "CD001", 5, key);
}

int
smuggle_magic(const unsigned char *b, size_t n)
{
	return sm_magic_key(b, n, 0);
}

/* The value IDENT/K is assigned (ident = 65), or -1. */
static int
sm_ident_value(const unsigned char *d, size_t len, const unsigned char *id, size_t k)
{
	size_t i, j;
	int v;

	for (i = 0; i + k < len; i++) {
		if (memcmp(d + i, id, k) != 0 ||
		    (i > 0 && (isalnum(d[i - 1]) || d[i - 1] == '_' || d[i - 1] == '$')))
			continue;
		j = sm_skip_ws(d, len, i + k);
		if (j + 1 >= len || d[j] != '=' || d[j + 1] == '=')
			continue;
		j = sm_skip_ws(d, len, j + 1);
		if ((v = sm_number(d, len, &j)) > 0)
			return v;
	}
	return -1;
}

int
smuggle_xor_key(const unsigned char *d, size_t len)
{
	const unsigned char *p;
	size_t i = 0, k;
	int n, v;

	for (n = 0; n < SM_MAX_XORREF && (p = memchr(d + i, '^', len - i)) != NULL; n++) {
		i = (size_t)(p - d) + 1;
		k = i < len && d[i] == '=' ? i + 1 : i;
		k = sm_skip_ws(d, len, k);
		if (k < len && isdigit(d[k])) {
			if ((v = sm_number(d, len, &k)) > 0)
				return v;
			continue;
		}
		for (p = d + k; k < len && (isalnum(d[k]) || d[k] == '_' || d[k] == '$');
		     k++)
			;
		if (d + k > p && (v = sm_ident_value(d, len, p, (size_t)(d + k - p))) > 0)
			return v;
	}
	return -1;
}

static int
sm_allhex(const char *s, size_t n)
{
	size_t i;

	if (n % 2 != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

/* TEXT/N decoded (reversed first when REV) into a new buffer; NULL when out of memory. */
static unsigned char *
sm_decode(const char *t, size_t n, int rev, size_t *outn)
{
	unsigned char *out, *r = NULL;
	const unsigned char *src = (const unsigned char *)t;
	size_t i, k = 0;

	if ((out = malloc(n + HTML_B64_ROOM(n))) == NULL) /* hex or base64 */
		return NULL;
	if (rev) {
		if ((r = malloc(n + 1)) == NULL) {
			free(out);
			return NULL;
		}
		for (i = 0; i < n; i++)
			r[i] = src[n - 1 - i];
		src = r;
	}
	if (sm_allhex((const char *)src, n))
		for (i = 0; i + 1 < n; i += 2)
			out[k++] =
			    (unsigned char)(hexval(src[i]) << 4 | hexval(src[i + 1]));
	else
		k = html_b64decode(src, n, out);
	free(r);
	*outn = k;
	return out;
}

/* Of the forward and reversed bytes, plain or XORed with KEY, the variant to keep:
 * the first with a file magic, else forward (XORed when there is a key). */
static void
sm_pick(struct smuggle_payload *v, int nv, int key, int *which, int *xored)
{
	int i;

	for (i = 0; i < nv; i++) {
		if (sm_magic_key(v[i].buf, v[i].len, 0)) {
			*which = i;
			*xored = 0;
			return;
		}
		if (key > 0 && sm_magic_key(v[i].buf, v[i].len, key)) {
			*which = i;
			*xored = 1;
			return;
		}
	}
	*which = 0;
	*xored = key > 0;
}

/* Fill V[0] (forward) and V[1] (reversed, when REV) from S: text or byte array. */
static int
sm_variants(const char *text, size_t n, int is_text, int rev, struct smuggle_payload *v)
{
	size_t i;

	if (is_text) {
		if ((v[0].buf = sm_decode(text, n, 0, &v[0].len)) == NULL)
			return -1;
		if (rev && (v[1].buf = sm_decode(text, n, 1, &v[1].len)) == NULL)
			return -1;
		return 0;
	}
	if ((v[0].buf = malloc(n + 1)) == NULL)
		return -1;
	memcpy(v[0].buf, text, n);
	v[0].len = n;
	if (rev) {
		if ((v[1].buf = malloc(n + 1)) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			v[1].buf[i] = (unsigned char)text[n - 1 - i];
		v[1].len = n;
	}
	return 0;
}

static void
sm_free_all(struct sm *s)
{
	sb_free(&s->best);
	sb_free(&s->cur);
	sb_free(&s->all);
	sb_free(&s->piece);
}

/* Which text the strings gave, or the byte array: sets *text, *n, *is_text, HOW. */
static int
sm_choose(struct sm *s, const unsigned char *d, size_t len, const char **text, size_t *n,
    int *is_text, char *how, size_t howsz)
{
	sm_regions(s, d, len, 0);
	*is_text = 1;
	if (s->best.len >= SMUGGLE_MIN_CHARS) {
		snprintf(how, howsz, "%s literal in %u piece%s",
		    sm_allhex(s->best.s, s->best.len) ? "hex" : "base64", s->best_pieces,
		    s->best_pieces == 1 ? "" : "s");
		*text = s->best.s;
		*n = s->best.len;
		return 1;
	}
	if (s->all.len >= SMUGGLE_MIN_CHARS) {
		snprintf(
		    how, howsz, "base64 in %u pieces joined in order", s->all_pieces);
		*text = s->all.s;
		*n = s->all.len;
		return 1;
	}
	sb_reset(&s->best);
	sm_regions(s, d, len, 1);
	if (s->best.len < SMUGGLE_MIN_BYTES)
		return 0;
	snprintf(how, howsz, "array of %zu numbers", s->best.len);
	*is_text = 0;
	*text = s->best.s;
	*n = s->best.len;
	return 1;
}

int
smuggle_rebuild(const unsigned char *d, size_t len, struct smuggle_payload *p)
{
	struct sm s;
	struct smuggle_payload v[2];
	const char *text = NULL;
	size_t n = 0, i, used;
	int is_text, rev, key, which, xored, rc = 0;
	char how[96];

	memset(&s, 0, sizeof(s));
	memset(v, 0, sizeof(v));
	sb_init(&s.best, len + 1);
	sb_init(&s.cur, len + 1);
	sb_init(&s.all, len + 1);
	sb_init(&s.piece, len + 1);
	if (!sm_choose(&s, d, len, &text, &n, &is_text, how, sizeof(how)))
		goto out;
	rev = sm_find(d, len, 0, "reverse()") != NULL;
	key = smuggle_xor_key(d, len);
	if (s.bad || sm_variants(text, n, is_text, rev, v) < 0) {
		rc = -1;
		goto out;
	}
	sm_pick(v, rev ? 2 : 1, key, &which, &xored);
	if (xored)
		for (i = 0; i < v[which].len; i++)
			v[which].buf[i] ^= (unsigned char)key;
	used = (size_t)snprintf(p->how, sizeof(p->how), "%s", how);
	if (which == 1 && used < sizeof(p->how))
		used +=
		    (size_t)snprintf(p->how + used, sizeof(p->how) - used, ", reversed");
	if (xored && used < sizeof(p->how))
		snprintf(p->how + used, sizeof(p->how) - used, ", XOR 0x%02x", key);
	p->buf = v[which].buf;
	p->len = v[which].len;
	v[which].buf = NULL;
	rc = 1;
out:
	free(v[0].buf);
	free(v[1].buf);
	sm_free_all(&s);
	return rc;
}

void
smuggle_free(struct smuggle_payload *p)
{
	free(p->buf);
	p->buf = NULL;
	p->len = 0;
}
