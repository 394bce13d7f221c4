/*
 * pdflex.c: the PDF lexer pieces pdf.c and pdfcrypt.c share (see pdflex.h):
 * character classes, white space, literal strings, names with #XX escapes,
 * integers, references, strings as bytes, and dictionary keys. Every reader is
 * bounded by the LEN (or HI) it is given.
 */
#include <string.h>

#include "core/bytes.h"
#include "pdf/pdf_lex.h"

/* Character classes (PDF 32000 7.2.2). */
int
pdf_lex_is_ws(unsigned char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

int
pdf_lex_is_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
	    c == '{' || c == '}' || c == '/' || c == '%';
}

size_t
pdf_lex_skip_ws(const unsigned char *b, size_t len, size_t i)
{
	while (i < len && pdf_lex_is_ws(b[i]))
		i++;
	return i;
}

/* Past the literal string that opens at I (balanced parentheses, escapes). */
size_t
pdf_lex_skip_string(const unsigned char *b, size_t len, size_t i)
{
	unsigned depth = 0;

	for (; i < len; i++) {
		if (b[i] == '\\')
			i++;
		else if (b[i] == '(')
			depth++;
		else if (b[i] == ')' && --depth == 0)
			return i + 1;
	}
	return len;
}

/*
 * The next name token at or after *pos: decoded (#XX escapes) into NM (cut at CAP-1
 * bytes), *at receives where its '/' is, *pos moves past it. Comments and literal
 * strings are skipped. Returns 0 at the end.
 */
int
pdf_lex_next_name(
    const unsigned char *b, size_t len, size_t *pos, char *nm, size_t cap, size_t *at)
{
	size_t i = *pos, k = 0;
	int h1, h2;

	while (i < len) {
		if (b[i] == '%') {
			while (i < len && b[i] != '\r' && b[i] != '\n')
				i++;
		} else if (b[i] == '(') {
			i = pdf_lex_skip_string(b, len, i);
		} else if (b[i] == '/') {
			*at = i++;
			while (
			    i < len && !pdf_lex_is_ws(b[i]) && !pdf_lex_is_delim(b[i])) {
				unsigned char c = b[i++];

				if (c == '#' && i + 1 < len && (h1 = hexval(b[i])) >= 0 &&
				    (h2 = hexval(b[i + 1])) >= 0) {
					c = (unsigned char)(h1 << 4 | h2);
					i += 2;
				}
				if (k + 1 < cap)
					nm[k++] = (char)c;
			}
			nm[k] = '\0';
			*pos = i;
			return 1;
		} else {
			i++;
		}
	}
	*pos = len;
	return 0;
}

/* An unsigned integer at I (after white space); *out, and returns the index past it,
 * or 0 when there is none. */
size_t
pdf_lex_uint(const unsigned char *b, size_t len, size_t i, unsigned long *out)
{
	unsigned long v = 0;
	size_t start;

	i = pdf_lex_skip_ws(b, len, i);
	start = i;
	while (i < len && b[i] >= '0' && b[i] <= '9' && i - start < 10)
		v = v * 10 + (unsigned long)(b[i++] - '0');
	if (i == start)
		return 0;
	*out = v;
	return i;
}

/* "N G R" at I: *obj, and returns the index past R, or 0. */
size_t
pdf_lex_ref(const unsigned char *b, size_t len, size_t i, unsigned long *obj)
{
	unsigned long gen;

	if ((i = pdf_lex_uint(b, len, i, obj)) == 0 ||
	    (i = pdf_lex_uint(b, len, i, &gen)) == 0)
		return 0;
	i = pdf_lex_skip_ws(b, len, i);
	if (i >= len || b[i] != 'R' ||
	    (i + 1 < len && !pdf_lex_is_ws(b[i + 1]) && !pdf_lex_is_delim(b[i + 1])))
		return 0;
	return i + 1;
}

/* Start of the last NEEDLE in [LO, HI), or HI when none. */
size_t
pdf_lex_rfind(const unsigned char *b, size_t lo, size_t hi, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = hi; i >= lo + n; i--)
		if (memcmp(b + i - n, needle, n) == 0)
			return i - n;
	return hi;
}

/* Where the value of KEY starts in the dictionary text [LO, HI), or 0 when absent. */
size_t
pdf_lex_dict_key(const unsigned char *b, size_t lo, size_t hi, const char *key)
{
	char nm[PDF_NAME_MAX];
	size_t p = lo, at;

	while (pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at))
		if (strcmp(nm, key) == 0)
			return p;
	return 0;
}

/* True when /KEY /VALUE is in the dictionary text. */
int
pdf_lex_dict_is(
    const unsigned char *b, size_t lo, size_t hi, const char *key, const char *value)
{
	char nm[PDF_NAME_MAX];
	size_t p = pdf_lex_dict_key(b, lo, hi, key), at;

	if (p == 0)
		return 0;
	p = pdf_lex_skip_ws(b, hi, p);
	return p < hi && b[p] == '/' &&
	    pdf_lex_next_name(b, hi, &p, nm, sizeof(nm), &at) && strcmp(nm, value) == 0;
}

/* The bytes of the string (literal, escapes undone, or hex) at I after white space,
 * appended to OUT (bounded by OUT's cap). Returns 0 when there is no string. */
int
pdf_lex_string_raw(const unsigned char *b, size_t len, size_t i, struct strbuf *out)
{
	int h, hi = -1;

	i = pdf_lex_skip_ws(b, len, i);
	if (i < len && b[i] == '(') {
		size_t end = pdf_lex_skip_string(b, len, i);

		for (i++; i + 1 < end; i++) {
			if (b[i] == '\\' && i + 2 < end) {
				i++;
				if (b[i] >= '0' && b[i] <= '7') {
					unsigned v = 0, n;

					for (n = 0; n < 3 && i < end - 1 && b[i] >= '0' &&
					     b[i] <= '7';
					     n++)
						v = v * 8 + (unsigned)(b[i++] - '0');
					i--;
					sb_addc(out, (char)(v & 0xff));
					continue;
				}
				sb_addc(out,
				    b[i] == 'n'     ? '\n' :
					b[i] == 'r' ? '\r' :
					b[i] == 't' ? '\t' :
					b[i] == 'b' ? '\b' :
					b[i] == 'f' ? '\f' :
						      (char)b[i]);
				continue;
			}
			sb_addc(out, (char)b[i]);
		}
		return 1;
	}
	if (i + 1 < len && b[i] == '<' && b[i + 1] != '<') {
		for (i++; i < len && b[i] != '>'; i++) {
			if ((h = hexval(b[i])) < 0)
				continue;
			if (hi < 0) {
				hi = h;
			} else {
				sb_addc(out, (char)(hi << 4 | h));
				hi = -1;
			}
		}
		if (hi >= 0)
			sb_addc(out, (char)(hi << 4)); /* an odd digit count: 0 follows */
		return 1;
	}
	return 0;
}
