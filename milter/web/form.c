/*
 * form.c: strict parsing of a query string or an application/x-www-form-urlencoded
 * body into decoded key/value pairs.
 *
 * Promises: '+' is a space and %XX a byte; a '%' not followed by two hex digits, a
 * NUL byte (raw or %00), a key longer than 64 bytes or a value longer than
 * WEB_VALUE_MAX, more than WEB_FORM_MAX fields, or input longer than WEB_BODY_MAX
 * make the whole input invalid (-1: the server answers 400). Empty fields ("a=1&&b")
 * are skipped; a field without '=' has the value "". Nothing is allocated from a
 * declared length: every buffer is bounded by the bytes present.
 * Limits: duplicate keys are kept in order; web_form_get returns the first.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "web/web.h"

#define FORM_KEY_MAX 64

/* Decode S[0..N) into a new string of at most MAX bytes; NULL on bad input or OOM. */
static char *
decode(const char *s, size_t n, size_t max)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;
	int h, l;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (n - i < 3 || (h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0)
				goto bad;
			c = h * 16 + l;
			i += 2;
		}
		if (c == 0 || o >= max)
			goto bad;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int
add_field(struct web_form *f, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	size_t kn = eq ? (size_t)(eq - p) : n;
	char *k, *v;

	if (f->n >= WEB_FORM_MAX || kn == 0 || kn > FORM_KEY_MAX * 3)
		return -1;
	if ((k = decode(p, kn, FORM_KEY_MAX)) == NULL)
		return -1;
	v = eq ? decode(eq + 1, n - kn - 1, WEB_VALUE_MAX) : strdup("");
	if (v == NULL) {
		free(k);
		return -1;
	}
	f->key[f->n] = k;
	f->val[f->n] = v;
	f->n++;
	return 0;
}

int
web_form_parse(struct web_form *f, const char *s, size_t len)
{
	size_t i = 0, start;

	memset(f, 0, sizeof(*f));
	if (len > WEB_BODY_MAX)
		return -1;
	if (len == 0)
		return 0;
	f->key = calloc(WEB_FORM_MAX, sizeof(char *));
	f->val = calloc(WEB_FORM_MAX, sizeof(char *));
	if (f->key == NULL || f->val == NULL)
		goto bad;
	while (i < len) {
		start = i;
		while (i < len && s[i] != '&')
			i++;
		if (i > start && add_field(f, s + start, i - start) != 0)
			goto bad;
		i++;
	}
	return 0;
bad:
	web_form_free(f);
	return -1;
}

void
web_form_free(struct web_form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->key[i]);
		free(f->val[i]);
	}
	free(f->key);
	free(f->val);
	memset(f, 0, sizeof(*f));
}

const char *
web_form_get(const struct web_form *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->val[i];
	return NULL;
}
