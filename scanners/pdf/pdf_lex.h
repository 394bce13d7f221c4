/*
 * pdflex.h: PDF lexing on a byte buffer (pdflex.c). Indexes are offsets into B; a
 * function that finds nothing returns 0 (a valid result is never 0 there).
 */
#ifndef EMBARGO_PDFLEX_H
#define EMBARGO_PDFLEX_H

#include <stddef.h>

#include "core/strbuf.h"

#define PDF_NAME_MAX 64 /* bytes of a name token kept */

int pdf_lex_is_ws(unsigned char c);
int pdf_lex_is_delim(unsigned char c);
size_t pdf_lex_skip_ws(const unsigned char *b, size_t len, size_t i);
/* Past the literal string that opens at I (balanced parentheses, escapes). */
size_t pdf_lex_skip_string(const unsigned char *b, size_t len, size_t i);
/* The next name token at or after *pos, decoded into NM (CAP bytes); *at is where
 * its '/' is; comments and literal strings are skipped. 0 at the end. */
int pdf_lex_next_name(
    const unsigned char *b, size_t len, size_t *pos, char *nm, size_t cap, size_t *at);
/* An unsigned integer at I (after white space): *out, and the index past it. */
size_t pdf_lex_uint(const unsigned char *b, size_t len, size_t i, unsigned long *out);
/* "N G R" at I: *obj, and the index past R. */
size_t pdf_lex_ref(const unsigned char *b, size_t len, size_t i, unsigned long *obj);
/* Start of the last NEEDLE in [LO, HI), or HI when none. */
size_t pdf_lex_rfind(const unsigned char *b, size_t lo, size_t hi, const char *needle);
/* Where the value of KEY starts in the dictionary text [LO, HI). */
size_t pdf_lex_dict_key(const unsigned char *b, size_t lo, size_t hi, const char *key);
/* True when /KEY /VALUE is in the dictionary text. */
int pdf_lex_dict_is(
    const unsigned char *b, size_t lo, size_t hi, const char *key, const char *value);
/* The bytes of the string at I (after white space) appended to OUT; 0 when none. */
int pdf_lex_string_raw(const unsigned char *b, size_t len, size_t i, struct strbuf *out);

#endif
