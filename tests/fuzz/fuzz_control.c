/*
 * fuzz_control.c: the daemon's control socket request classifier (control_parse,
 * daemon/control.c) on arbitrary bytes, fed whole and then byte by byte as they
 * could arrive. Checks that nothing crashes or reads past the bytes given, that the
 * answer for the whole input agrees with the one reached byte by byte (the server
 * stops at the first answer that is not "need more"), and aborts on a "stats"
 * answer for a line that is not exactly "stats".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	enum control_req q = CTL_NEED_MORE, whole;
	size_t n, len;
	char *copy;

	if (size > 4 * CONTROL_LINE_MAX)
		size = 4 * CONTROL_LINE_MAX;
	/* an exact-size copy, so a read past the end is caught by ASan */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, p, size);
	for (n = 1; n <= size && q == CTL_NEED_MORE; n++)
		q = control_parse(copy, n, 0);
	whole = control_parse(copy, size, 1);
	if (q != CTL_NEED_MORE && q != whole)
		abort();
	if (whole == CTL_STATS) {
		const char *nl = memchr(copy, '\n', size);

		len = nl != NULL ? (size_t)(nl - copy) : size;
		if (len > 0 && copy[len - 1] == '\r')
			len--;
		if (len != 5 || memcmp(copy, "stats", 5) != 0)
			abort();
	}
	free(copy);
	return 0;
}
