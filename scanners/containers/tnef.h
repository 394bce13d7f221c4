/*
 * tnef.h: internals of tnef.c exposed for its unit tests (the entry point
 * tnef_scan() is in core/analyser.h through the analyser table).
 */
#ifndef EMBARGO_TNEF_H
#define EMBARGO_TNEF_H

#include <stddef.h>

/* tnef_check.c: NULL when libytnef may parse D/LEN (a well-formed attribute chain
 * with nothing the library prints about or leaks on), else why; *OFF is the offset
 * of the attribute at fault. D is the copy libytnef will get: subject properties
 * are renamed in it (and their attribute's checksum made again). */
const char *tnef_check(unsigned char *d, size_t len, size_t *off);

#endif
