/*
 * names.h: filename checks (names_scan() is in analysers.h). The predicates below
 * are exported for the unit tests.
 */
#ifndef EMBARGO_NAMES_H
#define EMBARGO_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define NAMES_MAX_BYTES 1024 /* bytes of a name examined; more is name.overlong */
#define NAMES_OVERLONG  128  /* characters; a longer name is name.overlong */
#define NAMES_PAD_RUN   3 /* spaces or dots before the extension that count as padding */

/* Decode one UTF-8 sequence at S (N bytes left, N > 0): the code point in *CP and
 * the bytes used (1..4). Invalid, overlong, surrogate and truncated sequences give
 * U+FFFD and use one byte. */
size_t names_utf8(const unsigned char *s, size_t n, uint32_t *cp);

/* Bidi controls: U+061C, U+200E/200F, U+202A-202E, U+2066-2069. */
int names_is_bidi(uint32_t cp);
/* Invisible: C0/C1 controls, DEL, zero-width and format characters, fillers,
 * variation selectors, tags. (Bidi controls are counted separately.) */
int names_is_invisible(uint32_t cp);
/* White space a name can be padded with (ASCII space, NBSP, U+2000-200A, ...). */
int names_is_space(uint32_t cp);
/* ASCII hex digit (256-entry table). */
int names_is_hex(unsigned char c);

/* How Windows treats an extension (lower case, no dot). */
enum names_ext_kind {
	NX_NONE = 0, /* nothing special */
	NX_RUNS,     /* runs, installs or mounts on a click: name.dangerous_extension */
	NX_CONTENT,  /* on Microsoft's block list but a container the analysers open
	                   (archives, macro documents): left to the content findings */
	NX_MOUNT,    /* disk images and notebooks (iso img vhd vhdx dmg one onepkg):
	                   flagged only when the content is not what the name says, since
	                   a real one already has type.disk_image / type.onenote and its
	                   contents are scanned */
};
enum names_ext_kind names_ext_kind(const char *ext);

#endif
