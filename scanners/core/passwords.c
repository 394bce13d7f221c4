/*
 * passwords.c: harvest candidate archive passwords from the message's own text.
 *
 * Malware mail ships an encrypted zip and writes the password in the body
 * ("Password: 1234", "le mot de passe est \"abc\"", "パスワード：x9"). Each text is
 * first made readable: converted to UTF-8 from its declared charset (charset.c:
 * ISO-2022-JP, Shift_JIS as CP932, EUC-JP, ...), markup taken out, full-width forms
 * folded to ASCII, and a reply chain split into the newest text and what it quotes
 * (pwtext.c). Three passes then run over the newest text, in priority order, since
 * the list is bounded (lim.passwords):
 *   1. the token after a keyword (password, pass, pw, pwd, PIN, kennwort, passwort,
 *      mot de passe, contraseña, senha, parola, wachtwoord, hasło, пароль, パスワード,
 *      パスコード, 密码, 密碼, 암호, 비밀번호), skipping separators (: = - 】 is ist est
 *      es é 是 は) and a few filler words; a quoted token is taken whole; when what
 *      follows is a phrase, not a password ("解凍パスワードは下記の通りです"), the
 *      first token of the next non-empty line;
 *   2. quoted tokens anywhere ("x", 'x', “x”, «x», 「x」) without blanks;
 *   3. lines holding a single short token.
 * A token that starts in ASCII ends at the first non-ASCII byte ("abc123です").
 * Each candidate found in folded text is also tried as written when that differs.
 * The same passes over the quoted text fill a held list, which joins the list only
 * at end of message (passwords_release_quoted): a decoy in an old quoted mail never
 * takes the place of a candidate from the newest text.
 *
 * Limits: PW_TEXT_MAX bytes of each text (after conversion); PW_MAXLEN bytes per
 * candidate; the list's own count bound, the held list's the same. Every loop
 * advances through a bounded buffer.
 * BUGS: no Unicode case folding beyond ASCII (upper-case non-ASCII keywords are
 * listed explicitly). Passwords split across two texts are not joined; a password
 * with no ASCII letter or digit is not taken after a keyword; quoted candidates
 * reach a part locked before the end of message only through its retry (defer.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyser.h"
#include "core/charset.h"
#include "core/passwords.h"
#include "core/pwtext.h"

struct pwlist {
	unsigned n, max;
	char (*pw)[PW_MAXLEN + 1];
	unsigned nheld; /* from quoted text, not yet in the list */
	char (*held)[PW_MAXLEN + 1];
};

/* One text being harvested. */
struct pw_h {
	struct pwlist *pw;
	const char *t; /* the text the passes read (folded, one side of the split) */
	size_t n;
	const char *raw;     /* the text before folding */
	const uint32_t *map; /* offset in t -> offset in raw, n + 1 entries */
	int quoted;          /* candidates go to the held list */
};

struct pwlist *
pwlist_new(unsigned max)
{
	struct pwlist *pw = calloc(1, sizeof(*pw));

	if (pw == NULL)
		return NULL;
	pw->max = max;
	if (max > 0 &&
	    ((pw->pw = calloc(max, sizeof(*pw->pw))) == NULL ||
		(pw->held = calloc(max, sizeof(*pw->held))) == NULL)) {
		free(pw->pw);
		free(pw);
		return NULL;
	}
	return pw;
}

void
passwords_free(struct pwlist *pw)
{
	if (pw == NULL)
		return;
	free(pw->pw);
	free(pw->held);
	free(pw);
}

static int
pw_listed(char (*l)[PW_MAXLEN + 1], unsigned n, const char *p, size_t len)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strlen(l[i]) == len && memcmp(l[i], p, len) == 0)
			return 1;
	return 0;
}

/* A candidate from quoted text: held until passwords_release_quoted. */
static int
pwlist_hold(struct pwlist *pw, const char *p, size_t n)
{
	if (pw == NULL || n == 0 || n > PW_MAXLEN || pw->nheld >= pw->max ||
	    memchr(p, '\0', n) != NULL || pw_listed(pw->pw, pw->n, p, n) ||
	    pw_listed(pw->held, pw->nheld, p, n))
		return 0;
	memcpy(pw->held[pw->nheld], p, n);
	pw->held[pw->nheld][n] = '\0';
	pw->nheld++;
	return 1;
}

void
passwords_release_quoted(struct pwlist *pw)
{
	unsigned i;

	if (pw == NULL)
		return;
	for (i = 0; i < pw->nheld; i++)
		pwlist_add(pw, pw->held[i], strlen(pw->held[i]));
	pw->nheld = 0;
}

unsigned
pwlist_held(const struct pwlist *pw)
{
	return pw == NULL ? 0 : pw->nheld;
}

int
pwlist_add(struct pwlist *pw, const char *p, size_t n)
{
	if (pw == NULL || n == 0 || n > PW_MAXLEN || pw->n >= pw->max)
		return 0;
	if (memchr(p, '\0', n) != NULL || pw_listed(pw->pw, pw->n, p, n))
		return 0;
	memcpy(pw->pw[pw->n], p, n);
	pw->pw[pw->n][n] = '\0';
	pw->n++;
	return 1;
}

unsigned
pwlist_count(const struct pwlist *pw)
{
	return pw == NULL ? 0 : pw->n;
}

const char *
pwlist_get(const struct pwlist *pw, unsigned i)
{
	if (pw == NULL || i >= pw->n)
		return NULL;
	return pw->pw[i];
}

static int
pw_isblank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int
pw_isalnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char
pw_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive (ASCII) prefix match of K at T[0..n). */
static int
pw_match(const char *t, size_t n, const char *k)
{
	size_t kl, i;

	/* most positions fail on the first byte: test it before measuring K */
	if (n == 0 || pw_lower((unsigned char)t[0]) != pw_lower((unsigned char)k[0]))
		return 0;
	if ((kl = strlen(k)) > n)
		return 0;
	for (i = 0; i < kl; i++)
		if (pw_lower((unsigned char)t[i]) != pw_lower((unsigned char)k[i]))
			return 0;
	return (int)kl;
}

/* Take T[off..off+len) as a candidate, and the same stretch as written before
 * folding when that differs ("ａｂｃ１２３" after "abc123"). */
static void
pw_take(struct pw_h *h, size_t off, size_t len)
{
	size_t rs = h->map[off], re = h->map[off + len];
	int (*add)(struct pwlist *, const char *, size_t) =
	    h->quoted ? pwlist_hold : pwlist_add;

	add(h->pw, h->t + off, len);
	if (re - rs != len || memcmp(h->raw + rs, h->t + off, len) != 0)
		add(h->pw, h->raw + rs, re - rs);
}

/* Quote pairs (UTF-8): opening, closing. */
static const char *const pw_quotes[][2] = {
	{ "\"", "\"" },
	{ "'", "'" },
	{ "\xe2\x80\x9c", "\xe2\x80\x9d" },
	{ "\xe2\x80\x98", "\xe2\x80\x99" },
	{ "\xc2\xab", "\xc2\xbb" },
	{ "\xe3\x80\x8c", "\xe3\x80\x8d" },
	{ "\xe3\x80\x8e", "\xe3\x80\x8f" },
	{ "`", "`" },
};
#define PW_NQUOTES (sizeof(pw_quotes) / sizeof(pw_quotes[0]))

/* A quoted token at T: sets *start and *len to its contents and returns the bytes taken
 * (quotes included), or 0. With NOBLANK, contents holding a blank do not count. */
static size_t
pw_quoted(const char *t, size_t n, int noblank, size_t *start, size_t *len)
{
	size_t q, ol, cl, i, lim;
	int m;

	for (q = 0; q < PW_NQUOTES; q++) {
		if ((m = pw_match(t, n, pw_quotes[q][0])) == 0)
			continue;
		ol = (size_t)m;
		cl = strlen(pw_quotes[q][1]);
		lim = n < ol + PW_MAXLEN + cl ? n : ol + PW_MAXLEN + cl;
		for (i = ol; i + cl <= lim; i++) {
			if (t[i] == '\n' || (noblank && pw_isblank((unsigned char)t[i])))
				break;
			if (memcmp(t + i, pw_quotes[q][1], cl) == 0) {
				if (i == ol)
					break;
				*start = ol;
				*len = i - ol;
				return i + cl;
			}
		}
	}
	return 0;
}

/* The next blank-delimited token at T (after leading blanks), trailing sentence
 * punctuation cut. Returns bytes to its end; *start and *len describe it. */
static size_t
pw_token(const char *t, size_t n, size_t *start, size_t *len)
{
	size_t i = 0, s;

	while (i < n && pw_isblank((unsigned char)t[i]))
		i++;
	s = i;
	while (i < n && !pw_isblank((unsigned char)t[i]) && t[i] != '<')
		i++;
	*start = s;
	*len = i - s;
	if (*len > 0 && (unsigned char)t[s] < 0x80) {
		/* Japanese runs on without a blank: "abc123です。" */
		for (i = s; i < s + *len && (unsigned char)t[i] < 0x80; i++)
			;
		*len = i - s;
	}
	while (*len > 1 && strchr(".,;!?)]}", t[s + *len - 1]) != NULL)
		(*len)--;
	return s + *len;
}

static const char *const pw_keywords[] = {
	/* longest first where one is a prefix of another */
	"passwords",
	"password",
	"passwort",
	"passcode",
	"passwd",
	"kennwort",
	"mot de passe",
	"contrase\xc3\xb1"
	"a",
	"contrase\xc3\x91"
	"a",
	"contrasena",
	"senha",
	"parola",
	"wachtwoord",
	"has\xc5\x82o",
	"has\xc5\x81o",
	"\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",             /* пароль */
	"\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",             /* Пароль */
	"\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89", /* パスワード */
	"\xe3\x83\x91\xe3\x82\xb9\xe3\x82\xb3\xe3\x83\xbc\xe3\x83\x89", /* パスコード */
	"\xe5\xaf\x86\xe7\xa0\x81",
	"\xe5\xaf\x86\xe7\xa2\xbc",                         /* 密码 密碼 */
	"\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88\xed\x98\xb8", /* 비밀번호 */
	"\xec\x95\x94\xed\x98\xb8",                         /* 암호 */
	"pass",
	"pwd",
	"pw",
	"pin",
};

/* Separators and filler words skipped between a keyword and its token. */
static const char *const pw_fillers[] = {
	":", "=", "-", "\xe2\x80\x93", "\xe2\x80\x94", "\xef\xbc\x9a", "\xe2\x86\x92",
	"->", "\xe6\x98\xaf", "\xe3\x81\xaf", "\xe4\xb8\xba", "\xe7\x82\xba",
	"\xeb\x8a\x94", "is", "ist", "est", "es", "\xc3\xa9", "e", "lautet", "for", "the",
	"of", "to", "file", "archive", "attachment", "zip", "document", "open", "de",
	"du", "la", "le", "fichier", "das", "der", "die", "dazu", "f\xc3\xbcr", "do",
	"arquivo", "del", "archivo", "(", "*", "is:", "\xe3\x80\x91", "]",
	"\xe2\x96\xa0", /* 】 ] ■ */
};

/* Skip blanks and filler words after a keyword (at most 80 bytes). */
static size_t
pw_skip_fillers(const char *t, size_t n)
{
	size_t i = 0, f, best;
	int m;

	while (i < n && i < 80) {
		if (pw_isblank((unsigned char)t[i])) {
			i++;
			continue;
		}
		best = 0;
		for (f = 0; f < sizeof(pw_fillers) / sizeof(pw_fillers[0]); f++) {
			m = pw_match(t + i, n - i, pw_fillers[f]);
			if (m == 0 || (size_t)m <= best)
				continue;
			/* a word filler must end at a word boundary */
			if (pw_isalnum((unsigned char)pw_fillers[f][0]) &&
			    i + (size_t)m < n &&
			    pw_isalnum((unsigned char)t[i + (size_t)m]))
				continue;
			best = (size_t)m;
		}
		if (best == 0)
			break;
		i += best;
	}
	return i;
}

/* Does T[0..n) hold an ASCII letter or digit? A token without one, after a
 * keyword, is a phrase ("下記の通りです"), not a password. */
static int
pw_has_alnum(const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pw_isalnum((unsigned char)t[i]))
			return 1;
	return 0;
}

/* The candidate at S (after a keyword and its fillers): a quoted token whole, else
 * the next token. Returns where the scan goes on; *phrase when the token was a
 * phrase and nothing was taken. */
static size_t
pw_after_keyword(struct pw_h *h, size_t s, int *phrase)
{
	const char *t = h->t;
	size_t n = h->n, qs, l, q;

	*phrase = 0;
	if ((q = pw_quoted(t + s, n - s, 0, &qs, &l)) > 0) {
		/* « x » : French typography puts blanks inside the quotes */
		while (l > 0 && pw_isblank((unsigned char)t[s + qs])) {
			qs++;
			l--;
		}
		while (l > 0 && pw_isblank((unsigned char)t[s + qs + l - 1]))
			l--;
		if (l > 0)
			pw_take(h, s + qs, l);
		return s + q;
	}
	pw_token(t + s, n - s, &qs, &l);
	if (l > 0 && !pw_has_alnum(t + s + qs, l)) {
		*phrase = 1;
		return s + qs + l;
	}
	if (l > 0)
		pw_take(h, s + qs, l);
	return s;
}

/* After a label line ("解凍パスワードは下記の通りです", "■パスワード"): the first
 * token of the next non-empty line, from S (inside the label line). */
static void
pw_next_line(struct pw_h *h, size_t s)
{
	const char *nl = memchr(h->t + s, '\n', h->n - s);
	size_t i;
	int phrase;

	if (nl == NULL)
		return;
	for (i = (size_t)(nl - h->t) + 1; i < h->n && pw_isblank((unsigned char)h->t[i]);
	     i++)
		;
	if (i < h->n)
		pw_after_keyword(h, i, &phrase);
}

/* Pass 1: the token after each keyword. */
static void
pw_pass_keywords(struct pw_h *h)
{
	const size_t nk = sizeof(pw_keywords) / sizeof(pw_keywords[0]);
	const char *t = h->t;
	size_t n = h->n, i, k, s;
	unsigned char first[256];
	int m, phrase;

	memset(first, 0, sizeof(first));
	for (k = 0; k < nk; k++) {
		first[(unsigned char)pw_keywords[k][0]] = 1;
		first[pw_lower((unsigned char)pw_keywords[k][0])] = 1;
		first[(unsigned char)toupper((unsigned char)pw_keywords[k][0])] = 1;
	}
	for (i = 0; i < n; i++) {
		if (!first[(unsigned char)t[i]] ||
		    (i > 0 && pw_isalnum((unsigned char)t[i - 1])))
			continue;
		m = 0;
		for (k = 0; k < nk && m == 0; k++)
			m = pw_match(t + i, n - i, pw_keywords[k]);
		if (m == 0 ||
		    (i + (size_t)m < n && pw_isalnum((unsigned char)t[i + (size_t)m])))
			continue;
		s = i + (size_t)m;
		s += pw_skip_fillers(t + s, n - s);
		i = pw_after_keyword(h, s, &phrase);
		if (phrase)
			pw_next_line(h, i);
		i = i > 0 ? i - 1 : 0;
	}
}

/* Pass 2: quoted tokens without blanks. */
static void
pw_pass_quoted(struct pw_h *h)
{
	const char *t = h->t;
	size_t n = h->n, i, s, l, q;
	unsigned char first[256];

	memset(first, 0, sizeof(first));
	for (q = 0; q < PW_NQUOTES; q++)
		first[(unsigned char)pw_quotes[q][0][0]] = 1;
	for (i = 0; i < n; i++) {
		if (!first[(unsigned char)t[i]] ||
		    (q = pw_quoted(t + i, n - i, 1, &s, &l)) == 0)
			continue;
		if (l >= 3)
			pw_take(h, i + s, l);
		i += q - 1;
	}
}

/* Does T[0..n) start with a keyword ("password:abc" is pass 1's)? */
static int
pw_starts_keyword(const char *t, size_t n)
{
	size_t k;

	for (k = 0; k < sizeof(pw_keywords) / sizeof(pw_keywords[0]); k++)
		if (pw_match(t, n, pw_keywords[k]) > 0)
			return 1;
	return 0;
}

/* Pass 3: lines that hold one short ASCII token (3..32 bytes) with a digit, a symbol
 * or an inner capital: a lone ordinary word is more often a greeting than a
 * password, and a Japanese line without blanks is a sentence. */
static void
pw_pass_lines(struct pw_h *h)
{
	const char *t = h->t;
	size_t n = h->n, i = 0, e, s, l, j;
	int odd;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);

		e = nl ? (size_t)(nl - t) : n;
		pw_token(t + i, e - i, &s, &l);
		j = i + s + l;
		while (
		    j < e && (pw_isblank((unsigned char)t[j]) || strchr(".,;!?", t[j])))
			j++;
		if (j == e && l >= 3 && l <= 32) {
			odd = 0;
			for (j = i + s; j < i + s + l; j++) {
				unsigned char c = (unsigned char)t[j];

				if (c >= 0x80)
					odd = -1;
				else if (odd == 0 && !(c >= 'a' && c <= 'z') &&
				    !(j == i + s && c >= 'A' && c <= 'Z'))
					odd = 1;
			}
			if (odd == 1 && !pw_starts_keyword(t + i + s, l))
				pw_take(h, i + s, l);
		}
		i = e + 1;
	}
}

static void
pw_passes(struct pw_h *h)
{
	pw_pass_keywords(h);
	pw_pass_quoted(h);
	pw_pass_lines(h);
}

void
pwlist_harvest(struct pwlist *pw, const char *text, size_t len)
{
	char *raw = NULL, *fold = NULL, *fresh = NULL, *quoted = NULL;
	uint32_t *map = NULL;
	struct pw_h h;
	size_t rn, n;

	if (pw == NULL || text == NULL || len == 0 || pw->n >= pw->max)
		return;
	if (len > PW_TEXT_MAX)
		len = PW_TEXT_MAX;
	if ((raw = malloc(len)) == NULL || (fold = malloc(len)) == NULL ||
	    (fresh = malloc(len)) == NULL || (quoted = malloc(len)) == NULL ||
	    (map = malloc((len + 1) * sizeof(*map))) == NULL)
		goto out;
	rn = pwtext_detag(text, len, raw);
	n = pwtext_fold(raw, rn, fold, map);
	memset(&h, 0, sizeof(h));
	h.pw = pw;
	h.raw = raw;
	h.map = map;
	h.n = n;
	if (!pwtext_split(fold, n, fresh, quoted)) {
		h.t = fold;
		pw_passes(&h);
		goto out;
	}
	h.t = fresh;
	pw_passes(&h);
	h.t = quoted;
	h.quoted = 1;
	pw_passes(&h);
out:
	free(raw);
	free(fold);
	free(fresh);
	free(quoted);
	free(map);
}

void
passwords_harvest(struct scan_ctx *ctx, const char *text, size_t len, const char *charset)
{
	char sniffed[CHARSET_NAME_MAX + 1], *utf8;
	size_t cap;
	long k;

	if (ctx->pw == NULL && (ctx->pw = pwlist_new(ctx->cfg->lim.passwords)) == NULL)
		return;
	if (text == NULL || len == 0)
		return;
	if (charset == NULL)
		charset = charset_sniff(text, len, sniffed, sizeof(sniffed));
	/* three UTF-8 bytes at most per input byte (half-width katakana in CP932) */
	cap = len < PW_TEXT_MAX / 3 ? len * 3 + 16 : PW_TEXT_MAX;
	if (charset == NULL || (utf8 = malloc(cap)) == NULL) {
		pwlist_harvest(ctx->pw, text, len);
		return;
	}
	k = charset_to_utf8(charset, text, len, utf8, cap, NULL);
	if (k < 0)
		pwlist_harvest(ctx->pw, text, len); /* no converter: as it is */
	else
		pwlist_harvest(ctx->pw, utf8, (size_t)k);
	free(utf8);
}
