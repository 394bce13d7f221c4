/*
 * uu.c: uuencode line decoding (see uu.h). No allocation, no state.
 */
#include <string.h>

#include "mime/uu.h"

#define UU_DEC(c) (((unsigned char)(c) - ' ') & 0x3f)

static int
uu_isdata(unsigned char c)
{
	return c >= ' ' && c <= '`';
}

int
uu_begin(const char *line, size_t n, char *name, size_t namesz)
{
	size_t i = 6, j = 0, digits = 0;

	if (n < 8 || memcmp(line, "begin ", 6) != 0 || namesz == 0)
		return 0;
	/* "begin-base64" is the base64 variant; not ours */
	while (i < n && line[i] >= '0' && line[i] <= '7') {
		i++;
		digits++;
	}
	if (digits == 0 || digits > 6 || i >= n || line[i] != ' ')
		return 0;
	while (i < n && line[i] == ' ')
		i++;
	while (
	    n > i && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	if (i >= n)
		return 0;
	for (; i < n && j + 1 < namesz; i++)
		name[j++] = line[i];
	name[j] = '\0';
	return 1;
}

int
uu_end(const char *line, size_t n)
{
	while (
	    n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	return n == 3 && memcmp(line, "end", 3) == 0;
}

int
uu_line(const char *line, size_t n, unsigned char *out)
{
	size_t len, i, o = 0, need;
	unsigned char c[4];

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	if (n == 0 || !uu_isdata((unsigned char)line[0]))
		return -1;
	len = UU_DEC(line[0]);
	if (len == 0)
		return 0;
	need = (len + 2) / 3 * 4;
	/* Some encoders strip trailing blanks: missing characters read as zero. */
	for (i = 0; o < len && i < need; i += 4) {
		size_t k;

		for (k = 0; k < 4; k++) {
			size_t at = 1 + i + k;
			unsigned char ch = at < n ? (unsigned char)line[at] : ' ';

			if (!uu_isdata(ch))
				return -1;
			c[k] = (unsigned char)UU_DEC(ch);
		}
		out[o++] = (unsigned char)(c[0] << 2 | c[1] >> 4);
		if (o < len)
			out[o++] = (unsigned char)(c[1] << 4 | c[2] >> 2);
		if (o < len)
			out[o++] = (unsigned char)(c[2] << 6 | c[3]);
	}
	return (int)o;
}
