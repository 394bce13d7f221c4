/*
 * cfb.h: a read-only, hardened reader of Compound File Binary files (MS-CFB, "OLE2"):
 * .doc .xls .ppt .msg, vbaProject.bin, encrypted OOXML, Packager objects.
 *
 * Works on bytes already in memory (the part's scan window). Every sector chain is
 * bounded by the number of sectors the bytes hold and checked for cycles; every
 * multi-byte field goes through a bounds-checked reader. Nothing is allocated from a
 * declared size or count: tables grow only as far as the bytes behind them exist.
 *
 * The directory is read as a flat array; the red-black tree is walked iteratively
 * with an explicit stack and a visited bitmap to give each entry its parent, so
 * callers can ask for "the child NAME of storage S". Entries the tree never reaches
 * keep parent -1 (orphans; still listed).
 *
 * BUGS: names are converted from UTF-16LE to UTF-8 (unpaired surrogates become '?').
 * Streams of a truncated file are read as far as their sectors exist (flagged).
 * Not thread-safe per handle; separate handles are independent.
 */
#ifndef EMBARGO_CFB_H
#define EMBARGO_CFB_H

#include <stddef.h>
#include <stdint.h>

#define CFB_MAX_ENTRIES 65536u /* directory entries read; more is an anomaly */
#define CFB_NAME_MAX    100    /* UTF-8 bytes of a name, NUL included */

enum cfb_type {
	CFB_EMPTY = 0,
	CFB_STORAGE = 1,
	CFB_STREAM = 2,
	CFB_ROOT = 5,
};

struct cfb_entry {
	char name[CFB_NAME_MAX]; /* UTF-8, NUL-terminated */
	uint8_t type;            /* enum cfb_type; anything else is treated as empty */
	uint32_t left, right, child;
	uint32_t start; /* first sector (regular or mini) */
	uint64_t size;  /* declared size (v3: low 32 bits only) */
	int parent;     /* index of the parent storage, -1 for root/orphans */
};

struct cfb;

/*
 * Open the compound file in DATA/LEN (not copied: must outlive the handle).
 * Returns 0 and *out on success; -1 when it is not a readable compound file, with a
 * short reason in ERR (ERRLEN bytes) and *out untouched. -2 when out of memory.
 */
int cfb_open(
    const unsigned char *data, size_t len, struct cfb **out, char *err, size_t errlen);
void cfb_free(struct cfb *c);

unsigned cfb_count(const struct cfb *c);
const struct cfb_entry *cfb_entry(const struct cfb *c, unsigned i);
/* Index of the child named NAME (ASCII case-insensitive) of storage PARENT (0 for
 * the root), or -1. */
int cfb_child(const struct cfb *c, int parent, const char *name);
/* Anomalies seen while opening (cycles, truncation, entries past the cap), as a
 * short text, "" when none. */
const char *cfb_anomaly(const struct cfb *c);

/*
 * Read stream I into a new buffer (malloc'd, owned by the caller; never NULL on
 * success, "" for an empty stream). At most MAX bytes are returned; *cut is set
 * when the declared size was larger than MAX, or when the chain ended, looped or
 * ran past the file before the declared size. Returns 0, -1 when I is not a
 * stream, -2 when out of memory.
 */
int cfb_read(const struct cfb *c, unsigned i, size_t max, unsigned char **out,
    size_t *outlen, int *cut);

#endif
