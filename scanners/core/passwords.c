/*
 * passwords.c: harvest candidate archive passwords from the message's own text.
 *
 * Malware mail ships an encrypted zip and writes the password in the body
 * ("Password: 1234", "le mot de passe est \"abc\"", "パスワード：x9"). Three passes
 * over each text, in priority order, since the list is bounded (lim.passwords):
 *   1. the token after a keyword (password, pass, pw, pwd, PIN, kennwort, passwort,
 *      mot de passe, contraseña, senha, parola, wachtwoord, hasło, пароль, パスワード,
 *      密码, 密碼, 암호, 비밀번호), skipping separators (: = - is ist est es é 是 は)
 *      and a few filler words; a quoted token is taken whole;
 *   2. quoted tokens anywhere ("x", 'x', “x”, «x», 「x」) without blanks;
 *   3. lines holding a single short token.
 * HTML tags are replaced by blanks and a few entities decoded first.
 *
 * Limits: PW_TEXT_MAX bytes of each text; PW_MAXLEN bytes per candidate; the list's
 * own count bound. Every loop advances through a bounded buffer.
 * BUGS: bytes are taken as UTF-8 or ASCII: a body in ISO-8859-x or UTF-16 is not
 * converted, so non-ASCII keywords in it are missed. No Unicode case folding
 * beyond ASCII (upper-case non-ASCII keywords are listed explicitly). Passwords
 * split across two texts are not joined; script and style element contents are
 * not skipped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyser.h"
#include "core/passwords.h"

struct pwlist {
	unsigned n, max;
	char (*pw)[PW_MAXLEN + 1];
};

struct pwlist *
pwlist_new(unsigned max)
{
	struct pwlist *pw = calloc(1, sizeof(*pw));

	if (pw == NULL)
		return NULL;
	pw->max = max;
	if (max > 0 && (pw->pw = calloc(max, sizeof(*pw->pw))) == NULL) {
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
	free(pw);
}

int
pwlist_add(struct pwlist *pw, const char *p, size_t n)
{
	unsigned i;

	if (pw == NULL || n == 0 || n > PW_MAXLEN || pw->n >= pw->max)
		return 0;
	if (memchr(p, '\0', n) != NULL)
		return 0;
	for (i = 0; i < pw->n; i++)
		if (strlen(pw->pw[i]) == n && memcmp(pw->pw[i], p, n) == 0)
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

/* Decode a few HTML entities at T (starting with '&'): returns bytes consumed and
 * sets *c, or 0 when not one we know. */
static size_t
pw_entity(const char *t, size_t n, char *c)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&nbsp;", ' ' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&lt;", '<' },
		{ "&gt;", '>' }, { "&#39;", '\'' }, { "&apos;", '\'' }, { "&#34;", '"' },
		{ "&#160;", ' ' },
	};
	size_t i;
	int m;

	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		if ((m = pw_match(t, n, ents[i].e)) > 0) {
			*c = ents[i].c;
			return (size_t)m;
		}
	}
	return 0;
}

/* Copy TEXT into OUT with tags replaced by a blank and entities decoded; returns the
 * length. OUT has room for n bytes (the output never grows). */
static size_t
pw_detag(const char *t, size_t n, char *out)
{
	size_t i = 0, o = 0, m;
	char c;

	while (i < n) {
		if (t[i] == '<' && i + 1 < n && (pw_isalnum((unsigned char)t[i + 1]) ||
		    t[i + 1] == '/' || t[i + 1] == '!')) {
			const char *e = memchr(t + i, '>', n - i);

			if (e == NULL)
				break;
			i = (size_t)(e - t) + 1;
			out[o++] = ' ';
			continue;
		}
		if (t[i] == '&' && (m = pw_entity(t + i, n - i, &c)) > 0) {
			out[o++] = c;
			i += m;
			continue;
		}
		out[o++] = t[i++];
	}
	return o;
}

/* Quote pairs (UTF-8): opening, closing. */
static const char *const pw_quotes[][2] = {
	{ "\"", "\"" }, { "'", "'" }, { "\xe2\x80\x9c", "\xe2\x80\x9d" },
	{ "\xe2\x80\x98", "\xe2\x80\x99" }, { "\xc2\xab", "\xc2\xbb" },
	{ "\xe3\x80\x8c", "\xe3\x80\x8d" }, { "\xe3\x80\x8e", "\xe3\x80\x8f" },
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
	while (*len > 1 && strchr(".,;!?)]}", t[s + *len - 1]) != NULL)
		(*len)--;
	return i;
}

static const char *const pw_keywords[] = {
	/* longest first where one is a prefix of another */
	"passwords", "password", "passwort", "passcode", "passwd", "kennwort",
	"mot de passe", "contrase\xc3\xb1" "a", "contrase\xc3\x91" "a", "contrasena",
	"senha", "parola", "wachtwoord", "has\xc5\x82o", "has\xc5\x81o",
	"\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",           /* пароль */
	"\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",           /* Пароль */
	"\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89", /* パスワード */
	"\xe5\xaf\x86\xe7\xa0\x81", "\xe5\xaf\x86\xe7\xa2\xbc",         /* 密码 密碼 */
	"\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88\xed\x98\xb8",             /* 비밀번호 */
	"\xec\x95\x94\xed\x98\xb8",                                     /* 암호 */
	"pass", "pwd", "pw", "pin",
};

/* Separators and filler words skipped between a keyword and its token. */
static const char *const pw_fillers[] = {
	":", "=", "-", "\xe2\x80\x93", "\xe2\x80\x94", "\xef\xbc\x9a", "\xe2\x86\x92", "->",
	"\xe6\x98\xaf", "\xe3\x81\xaf", "\xe4\xb8\xba", "\xe7\x82\xba", "\xeb\x8a\x94",
	"is", "ist", "est", "es", "\xc3\xa9", "e", "lautet", "for", "the", "of", "to",
	"file", "archive", "attachment", "zip", "document", "open", "de", "du", "la", "le",
	"fichier", "das", "der", "die", "dazu", "f\xc3\xbcr", "do", "arquivo", "del",
	"archivo", "(", "*", "is:",
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
			if (pw_isalnum((unsigned char)pw_fillers[f][0]) && i + (size_t)m < n &&
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

/* Pass 1: the token after each keyword. */
static void
pw_pass_keywords(struct pwlist *pw, const char *t, size_t n)
{
	const size_t nk = sizeof(pw_keywords) / sizeof(pw_keywords[0]);
	size_t i, k, s, qs, l, q;
	int m;

	unsigned char first[256];

	memset(first, 0, sizeof(first));
	for (k = 0; k < nk; k++) {
		first[(unsigned char)pw_keywords[k][0]] = 1;
		first[pw_lower((unsigned char)pw_keywords[k][0])] = 1;
		first[(unsigned char)toupper((unsigned char)pw_keywords[k][0])] = 1;
	}
	for (i = 0; i < n; i++) {
		if (!first[(unsigned char)t[i]] || (i > 0 && pw_isalnum((unsigned char)t[i - 1])))
			continue;
		m = 0;
		for (k = 0; k < nk && m == 0; k++)
			m = pw_match(t + i, n - i, pw_keywords[k]);
		if (m == 0 ||
		    (i + (size_t)m < n && pw_isalnum((unsigned char)t[i + (size_t)m])))
			continue;
		s = i + (size_t)m;
		s += pw_skip_fillers(t + s, n - s);
		if ((q = pw_quoted(t + s, n - s, 0, &qs, &l)) > 0) {
			/* « x » : French typography puts blanks inside the quotes */
			while (l > 0 && pw_isblank((unsigned char)t[s + qs])) {
				qs++;
				l--;
			}
			while (l > 0 && pw_isblank((unsigned char)t[s + qs + l - 1]))
				l--;
			pwlist_add(pw, t + s + qs, l);
			i = s + q - 1;
			continue;
		}
		pw_token(t + s, n - s, &qs, &l);
		if (l > 0)
			pwlist_add(pw, t + s + qs, l);
		i = s - 1;
	}
}

/* Pass 2: quoted tokens without blanks. */
static void
pw_pass_quoted(struct pwlist *pw, const char *t, size_t n)
{
	size_t i, s, l, q;
	unsigned char first[256];

	memset(first, 0, sizeof(first));
	for (q = 0; q < PW_NQUOTES; q++)
		first[(unsigned char)pw_quotes[q][0][0]] = 1;
	for (i = 0; i < n; i++) {
		if (!first[(unsigned char)t[i]] ||
		    (q = pw_quoted(t + i, n - i, 1, &s, &l)) == 0)
			continue;
		if (l >= 3)
			pwlist_add(pw, t + i + s, l);
		i += q - 1;
	}
}

/* Pass 3: lines that hold one short token (3..32 bytes) with a digit, a symbol or
 * an inner capital: a lone ordinary word is more often a greeting than a password. */
static void
pw_pass_lines(struct pwlist *pw, const char *t, size_t n)
{
	size_t i = 0, e, s, l, j;
	int odd;

	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);

		e = nl ? (size_t)(nl - t) : n;
		pw_token(t + i, e - i, &s, &l);
		j = i + s + l;
		while (j < e && (pw_isblank((unsigned char)t[j]) || strchr(".,;!?", t[j])))
			j++;
		if (j == e && l >= 3 && l <= 32) {
			odd = 0;
			for (j = i + s; j < i + s + l; j++) {
				unsigned char c = (unsigned char)t[j];

				if (c < 0x80 && !(c >= 'a' && c <= 'z') &&
				    !(j == i + s && c >= 'A' && c <= 'Z'))
					odd = 1;
			}
			if (odd)
				pwlist_add(pw, t + i + s, l);
		}
		i = e + 1;
	}
}

void
pwlist_harvest(struct pwlist *pw, const char *text, size_t len)
{
	char *buf;
	size_t n;

	if (pw == NULL || text == NULL || len == 0 || pw->n >= pw->max)
		return;
	if (len > PW_TEXT_MAX)
		len = PW_TEXT_MAX;
	if ((buf = malloc(len)) == NULL)
		return;
	n = pw_detag(text, len, buf);
	pw_pass_keywords(pw, buf, n);
	pw_pass_quoted(pw, buf, n);
	pw_pass_lines(pw, buf, n);
	free(buf);
}

void
passwords_harvest(struct scan_ctx *ctx, const char *text, size_t len)
{
	if (ctx->pw == NULL && (ctx->pw = pwlist_new(ctx->cfg->lim.passwords)) == NULL)
		return;
	pwlist_harvest(ctx->pw, text, len);
}
