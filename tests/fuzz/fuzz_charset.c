/*
 * fuzz_charset.c: the charset decoder and the password harvest's text preparation
 * on arbitrary bytes. The first byte picks a charset label (the Japanese ones, a
 * single-byte one, UTF-16, refused and unknown labels), the rest is the text:
 * converted into a buffer of a size taken from the second byte (the cap must hold)
 * and into a roomy one, sniffed, then harvested raw and converted. Aborts when the
 * output passes its cap or a candidate is longer than PW_MAXLEN.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/charset.h"
#include "core/passwords.h"
#include "core/scan.h"      /* passwords_free, passwords_release_quoted */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const labels[] = {
	"iso-2022-jp", "shift_jis", "cp932", "euc-jp", "utf-8", "iso-8859-1",
	"windows-1252", "utf-16le", "iso-2022-jp-3", "UTF-8//TRANSLIT", "no-such", "",
	"gb2312", "ks_c_5601-1987", "koi8-r", "big5",
};

static void
harvest(const char *t, size_t n)
{
	struct pwlist *pw = pwlist_new(8);
	unsigned i;

	if (pw == NULL)
		return;
	pwlist_harvest(pw, t, n);
	for (i = 0; i < pwlist_count(pw); i++)
		if (strlen(pwlist_get(pw, i)) > PW_MAXLEN)
			abort();
	passwords_release_quoted(pw);
	passwords_free(pw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *label, *in;
	char small[64], sniffed[CHARSET_NAME_MAX + 1], *big;
	size_t n, cap, bigcap;
	long k;

	if (size < 2)
		return 0;
	label = labels[data[0] % (sizeof(labels) / sizeof(labels[0]))];
	cap = data[1] % sizeof(small);
	in = (const char *)data + 2;
	n = size - 2;
	k = charset_to_utf8(label, in, n, small, cap, NULL);
	if (k > (long)cap)
		abort();
	bigcap = n * 3 + 16;
	if ((big = malloc(bigcap)) == NULL)
		return 0;
	k = charset_to_utf8(label, in, n, big, bigcap, NULL);
	if (k > (long)bigcap)
		abort();
	charset_sniff(in, n, sniffed, sizeof(sniffed));
	harvest(in, n);
	if (k > 0)
		harvest(big, (size_t)k);
	free(big);
	return 0;
}
