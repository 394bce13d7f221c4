/*
 * ooxml.h: a tolerant XML tag reader for OOXML/ODF members (ooxml_xml.c) and the
 * helpers ooxml.c builds on. The entry point ooxml_member_scan() is in analysers.h.
 *
 * It is not an XML parser: it walks tags left to right, never builds a tree, never
 * expands entities beyond the five predefined ones and character references, and
 * accepts what Office accepts (either quote, any attribute order, prefixes).
 */
#ifndef EMBARGO_OOXML_H
#define EMBARGO_OOXML_H

#include <stddef.h>

#include "core/scan.h"

struct xml_el {
	const char *name; /* qualified name ("w:instrText"), not NUL-terminated */
	size_t name_len;
	const char *local; /* after the prefix ("instrText") */
	size_t local_len;
	const char *attrs; /* the raw attribute text */
	size_t attrs_len;
	int close;       /* </name> */
	int selfclose;   /* <name/> */
	size_t text_off; /* text before this tag: d[text_off, start) */
	size_t start;    /* offset of '<' */
	size_t end;      /* offset after '>' */
};

/*
 * The next element tag at or after *off in D/LEN (comments, processing
 * instructions, CDATA and declarations are stepped over). Returns 1 with *el
 * filled and *off moved past it, 0 at the end (an unterminated tag ends the data).
 */
int xml_next(const char *d, size_t len, size_t *off, struct xml_el *el);

/* True when the element's local name is LOCAL (ASCII case-insensitive). */
int xml_is(const struct xml_el *el, const char *local);

/*
 * Attribute LOCAL (local name, any prefix, case-insensitive) of EL, entities
 * decoded, into OUT (cut at OUTSZ - 1 bytes, NUL-terminated). Returns its decoded
 * length (possibly more than was kept) or -1 when absent.
 */
long xml_attr(const struct xml_el *el, const char *local, char *out, size_t outsz);

/* Decode entities of S/N into OUT (NUL-terminated, cut); returns bytes kept. */
size_t xml_unescape(const char *s, size_t n, char *out, size_t outsz);

/*
 * ooxml_xlsb.c: BIFF12 (.xlsb) records. xlsb_auto_open(): 1 when workbook.bin
 * D/LEN defines an Auto_Open name (copied to NAME). xlsb_dde_link(): 1 when an
 * externalLink .bin is a DDE link ("service|topic" copied to OUT).
 */
int xlsb_auto_open(const unsigned char *d, size_t len, char *name, size_t namesz);
int xlsb_dde_link(const unsigned char *d, size_t len, char *out, size_t outsz);

#endif
