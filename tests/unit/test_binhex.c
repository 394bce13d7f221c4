/*
 * test_binhex.c: the BinHex 4.0 decoder on blocks encoded here (header, data fork,
 * run-length escapes), every line length, and what is not BinHex.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime/binhex.h"

static const char alpha[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

/* 6-bit encode RAW into OUT between colons; returns the length. */
static size_t
encode(const unsigned char *raw, size_t n, char *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, o = 0;

	out[o++] = ':';
	for (i = 0; i < n; i++) {
		acc = acc << 8 | raw[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = alpha[acc >> bits & 63];
		}
	}
	if (bits > 0)
		out[o++] = alpha[acc << (6 - bits) & 63];
	out[o++] = ':';
	return o;
}

/* Header for NAME with a data fork of DLEN bytes (CRCs zero). */
static size_t
header(const char *name, uint32_t dlen, unsigned char *h)
{
	size_t n = strlen(name), o = 0;

	h[o++] = (unsigned char)n;
	memcpy(h + o, name, n);
	o += n;
	memset(h + o, 0, 1 + 4 + 4 + 2);
	o += 11;
	h[o++] = (unsigned char)(dlen >> 24);
	h[o++] = (unsigned char)(dlen >> 16);
	h[o++] = (unsigned char)(dlen >> 8);
	h[o++] = (unsigned char)dlen;
	memset(h + o, 0, 6);   /* resource length, header CRC */
	return o + 6;
}

struct sink { unsigned char buf[256]; size_t n; };

static void
emit(void *arg, const unsigned char *d, size_t n)
{
	struct sink *s = arg;

	if (s->n + n <= sizeof(s->buf)) {
		memcpy(s->buf + s->n, d, n);
		s->n += n;
	}
}

/* Feed TEXT in lines of W characters. Returns the last binhex_line result. */
static int
feed(struct binhex *b, const char *text, size_t n, size_t w, struct sink *s)
{
	size_t i;
	int r = 0;

	binhex_init(b);
	memset(s, 0, sizeof(*s));
	for (i = 0; i < n && r == 0; i += w)
		r = binhex_line(b, text + i, n - i < w ? n - i : w, emit, s);
	return r;
}

static void
data_fork_any_line_length(void **state)
{
	unsigned char raw[128];
	char text[256];
	struct binhex b;
	struct sink s;
	size_t n, tl, w;

	(void)state;
	n = header("a.exe", 7, raw);
	memcpy(raw + n, "MZhello", 7);
	n += 7;
	memset(raw + n, 0, 8);   /* data CRC, resource CRC */
	tl = encode(raw, n + 8, text);
	for (w = 1; w <= tl; w++) {
		assert_int_equal(feed(&b, text, tl, w, &s), 1);
		assert_string_equal(b.name, "a.exe");
		assert_int_equal(s.n, 7);
		assert_memory_equal(s.buf, "MZhello", 7);
	}
}

static void
run_length_escapes(void **state)
{
	unsigned char raw[128];
	char text[256];
	struct binhex b;
	struct sink s;
	size_t n, tl;

	(void)state;
	n = header("r", 6, raw);
	/* 'A' then 0x90 0x04: three more 'A'; 0x90 0x00: a literal 0x90; then 'B' */
	memcpy(raw + n, "A\x90\x04\x90\x00" "B", 6);
	n += 6;
	tl = encode(raw, n, text);
	assert_int_equal(feed(&b, text, tl, 64, &s), 1);
	assert_int_equal(s.n, 6);
	assert_memory_equal(s.buf, "AAAA\x90" "B", 6);
}

static void
not_binhex(void **state)
{
	struct binhex b;
	struct sink s;

	(void)state;
	assert_int_equal(feed(&b, "hello", 5, 5, &s), -1);   /* no opening colon */
	assert_int_equal(feed(&b, ":abc~def", 8, 8, &s), -1);   /* '~' not in alphabet */
	binhex_init(&b);
	assert_int_equal(binhex_line(&b, "   ", 3, emit, &s), 0);   /* blank lines wait */
	/* a name length of zero is no encoder's output */
	assert_int_equal(feed(&b, ":!!!!:", 6, 6, &s), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_fork_any_line_length),
		cmocka_unit_test(run_length_escapes),
		cmocka_unit_test(not_binhex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
