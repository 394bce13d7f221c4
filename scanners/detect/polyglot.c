/*
 * polyglot.c: find a PE (Windows executable) inside a file that claims to be
 * something else, an image or a document: the file opens as a picture or a
 * document, and a loader (a script, a shortcut running rundll32 on it, an
 * exploit) runs the executable part from its offset.
 *
 * A candidate is "MZ" at an offset above 0 whose e_lfanew (little-endian 32 bits
 * at +0x3c) is at least 0x40, below 64 KiB and inside the input, pointing at
 * "PE\0\0" followed by a machine type Windows runs (i386, AMD64, ARM, ARMNT,
 * ARM64, IA-64). That three-part check keeps random "MZ" pairs in compressed
 * image data from counting.
 *
 * Limits: the scan window only; linear (each "MZ" is checked in constant time).
 * BUGS: an executable stored compressed or encoded inside the file is not seen
 * here (the container analysers extract what they understand).
 */
#include <stdint.h>
#include <string.h>

#include "detect/polyglot.h"

/* Little-endian 16/32 bits at B[OFF]; the caller checked the bounds. */
static uint32_t
pg_le(const unsigned char *b, size_t off, int n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | b[off + (size_t)n];
	return v;
}

static int
pg_machine(uint32_t m)
{
	return m == 0x014c || m == 0x8664 || m == 0x01c0 || m == 0x01c4 || m == 0xaa64 ||
	    m == 0x0200;
}

size_t
polyglot_pe(const unsigned char *d, size_t len)
{
	const unsigned char *p;
	size_t off = 1, at;
	uint32_t lfanew;

	while (off < len && (p = memmem(d + off, len - off, "MZ", 2)) != NULL) {
		at = (size_t)(p - d);
		off = at + 1;
		if (len - at < 0x40)
			break;
		lfanew = pg_le(d, at + 0x3c, 4);
		if (lfanew < 0x40 || lfanew >= 0x10000 || lfanew > len - at - 6)
			continue;
		if (memcmp(d + at + lfanew, "PE\0\0", 4) == 0 &&
		    pg_machine(pg_le(d, at + lfanew + 4, 2)))
			return at;
	}
	return 0;
}
