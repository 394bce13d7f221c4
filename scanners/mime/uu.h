/*
 * uu.h: uuencode line decoding, for uuencoded blocks inside text parts.
 * A block is "begin <octal mode> <name>", data lines whose first character gives
 * the byte count, a line "`" (or " "), then "end". Lines are given without their
 * end-of-line bytes.
 *
 * BUGS: only the classic alphabet (' '..'`'); xxencode is not recognised.
 */
#ifndef EMBARGO_UU_H
#define EMBARGO_UU_H

#include <stddef.h>

/* Is LINE a begin line? Then 1 and the name (NUL-terminated, cut to NAMESZ - 1)
 * in NAME; else 0. */
int uu_begin(const char *line, size_t n, char *name, size_t namesz);
/* Is LINE the "end" line? */
int uu_end(const char *line, size_t n);
/* Decode one data line into OUT (room for 64 bytes). Returns the bytes written
 * (0 for the terminating "`" line) or -1 when the line is not uuencoded data. */
int uu_line(const char *line, size_t n, unsigned char *out);

#endif
