/*
 * fuzz_webform.c: embargo-web's query-string and form parser (milter/web/form.c)
 * and its HTML escaping (html.c) on arbitrary bytes. Checks, besides memory
 * safety: a parse either fails or gives at most WEB_FORM_MAX fields with keys of
 * 1..64 bytes and values of at most WEB_VALUE_MAX bytes, none holding a NUL; the
 * escaped form of every key and value holds no < > " ' and no control byte but
 * tab and newline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"

static void
check_escaped(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	html_esc(&b, s);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.s[i];

		if (c == '<' || c == '>' || c == '"' || c == '\'' ||
		    (c < 0x20 && c != '\t' && c != '\n'))
			abort();
	}
	sb_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_form f;
	size_t i;

	if (web_form_parse(&f, (const char *)data, size) != 0)
		return 0;
	if (f.n > WEB_FORM_MAX)
		abort();
	for (i = 0; i < f.n; i++) {
		size_t kn = strlen(f.key[i]);

		if (kn == 0 || kn > 64 || strlen(f.val[i]) > WEB_VALUE_MAX)
			abort();
		check_escaped(f.key[i]);
		check_escaped(f.val[i]);
		if (web_form_get(&f, f.key[i]) == NULL)
			abort();
	}
	web_form_free(&f);
	return 0;
}
