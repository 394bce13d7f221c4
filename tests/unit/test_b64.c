/*
 * test_b64.c: the streaming base64 decoder: the alphabet on all 256 byte values,
 * every split of the input, whitespace and junk, padding and data after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime/b64.h"

static void
alphabet_on_all_bytes(void **state)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++) {
		const char *at = c ? strchr(a, c) : NULL;

		if (at != NULL) {
			assert_int_equal(b64_value((unsigned char)c), at - a);
			n++;
		} else {
			assert_int_equal(b64_value((unsigned char)c), -1);
		}
	}
	assert_int_equal(n, 64);
}

static size_t
dec_split(const char *in, size_t split, unsigned char *out, struct b64 *st)
{
	size_t n = strlen(in), o;

	b64_init(st);
	if (split > n)
		split = n;
	o = b64_decode(st, in, split, out);
	o += b64_decode(st, in + split, n - split, out + o);
	return o;
}

static void
every_split_gives_the_same(void **state)
{
	const char *in = "SGVsbG8s\r\n IHdvcmxkIQ==";
	unsigned char out[64];
	struct b64 st;
	size_t s, n;

	(void)state;
	for (s = 0; s <= strlen(in); s++) {
		n = dec_split(in, s, out, &st);
		assert_int_equal(n, 13);
		assert_memory_equal(out, "Hello, world!", 13);
		assert_int_equal(st.invalid, 0);
	}
}

static void
junk_is_skipped_and_counted(void **state)
{
	unsigned char out[64];
	struct b64 st;
	size_t n;

	(void)state;
	n = dec_split("TW!!F*u", 3, out, &st);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "Man", 3);
	assert_int_equal(st.invalid, 3);
}

static void
data_after_padding_is_decoded(void **state)
{
	unsigned char out[64];
	struct b64 st;
	size_t n;

	(void)state;
	n = dec_split("TQ==TWFu", 2, out, &st);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "MMan", 4);
	assert_int_equal(st.after_pad, 4);
	n = dec_split("TWE=", 1, out, &st);
	assert_int_equal(n, 2);
	assert_int_equal(st.after_pad, 0);
}

/* B64_URLSAFE takes both alphabets ('-' '_' as well as '+' '/'); plain MIME skips
 * '-' and '_' as junk. The HTML scanner's reading: whitespace skipped, on past '='. */
static void
urlsafe_takes_both_alphabets(void **state)
{
	unsigned char out[32];
	struct b64 st;
	size_t n;
	int c, digits = 0;

	(void)state;
	b64_init_flags(&st, B64_URLSAFE);
	n = b64_decode(&st, "TV\nqQ AA==", 10, out);
	n += b64_decode(&st, "=", 1, out + n);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "MZ\x90\x00", 4);
	b64_init_flags(&st, B64_URLSAFE);
	n = b64_decode(&st, "-_+/", 4, out);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	assert_int_equal(st.invalid, 0);
	b64_init(&st);
	assert_int_equal(b64_decode(&st, "-_+/", 4, out), 0);
	assert_int_equal(st.invalid, 2);
	for (c = 0; c < 256; c++) {
		unsigned char ch = (unsigned char)c;

		b64_init_flags(&st, B64_URLSAFE);
		b64_decode(&st, &ch, 1, out);
		digits += st.nacc == 1;
	}
	assert_int_equal(digits, 66);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alphabet_on_all_bytes),
		cmocka_unit_test(every_split_gives_the_same),
		cmocka_unit_test(junk_is_skipped_and_counted),
		cmocka_unit_test(data_after_padding_is_decoded),
		cmocka_unit_test(urlsafe_takes_both_alphabets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
