/*
 * polyglot.h: a Windows executable hidden inside a file of another type
 * (polyglot.c).
 */
#ifndef EMBARGO_POLYGLOT_H
#define EMBARGO_POLYGLOT_H

#include <stddef.h>

/* The offset (> 0) of the first "MZ" in D/LEN whose e_lfanew leads to a "PE\0\0"
 * header with a known machine type, or 0 when there is none. */
size_t polyglot_pe(const unsigned char *d, size_t len);

#endif
