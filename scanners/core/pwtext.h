/*
 * pwtext.h: a text made ready for the password harvest (passwords.c): the markup
 * taken out of HTML, full-width forms folded to ASCII, and the lines of a reply
 * chain's quoted part told apart from the newest text.
 *
 * All three keep lengths: no output is longer than its input, so one buffer of the
 * input's size always has room; pwtext_fold keeps a map back to its input so a
 * candidate found in folded text can also be tried as it was written.
 * Limits: none of their own; the caller bounds the input (PW_TEXT_MAX).
 * BUGS: the folding covers U+FF01..U+FF5E and U+3000 only (not half-width katakana,
 * compatibility ideographs or ligatures); the reply split knows the separators of
 * Outlook (English and Japanese), Gmail, Thunderbird and Apple Mail, and "> "
 * quoting, not every client's.
 */
#ifndef EMBARGO_PWTEXT_H
#define EMBARGO_PWTEXT_H

#include <stddef.h>
#include <stdint.h>

/* T as the reader sees it, into OUT (room for N bytes): tags become a blank (block
 * and table tags an end of line, so a cell or paragraph is a line of its own),
 * script and style contents are dropped, named and numeric entities decoded.
 * Plain text passes unchanged unless it holds markup. Returns the length. */
size_t pwtext_detag(const char *t, size_t n, char *out);

/* NFKC-style folding of full-width forms: U+FF01..U+FF5E to ASCII, U+3000 to a
 * blank, into OUT (room for N bytes). MAP (room for N + 1 entries) receives, for
 * each output byte, the offset of the input byte it came from, and map[len] = N.
 * Returns the length. */
size_t pwtext_fold(const char *t, size_t n, char *out, uint32_t *map);

/* Split T (N bytes) into the newest text (FRESH) and what it quotes (QUOTED), each
 * N bytes, line ends kept: a line that is not in one is blanks in it. Lines starting
 * with ">" and everything after a reply separator ("-----Original Message-----",
 * "--- 元のメッセージ ---", "On ... wrote:", "...さんは書きました:", a long rule of
 * "_", a forwarded-message banner) are quoted; the ">" marks are blanked out. Returns
 * whether any line is quoted. */
int pwtext_split(const char *t, size_t n, char *fresh, char *quoted);

#endif
