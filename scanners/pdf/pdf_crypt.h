/*
 * pdfcrypt.h: opening a PDF encrypted by the Standard security handler with a user
 * password, most often the empty one (pdfcrypt.c).
 */
#ifndef EMBARGO_PDFCRYPT_H
#define EMBARGO_PDFCRYPT_H

#include <stddef.h>

struct pdfcrypt;

/* The file key of the PDF B/LEN for the first of the NPW passwords PWS that is its
 * user password (*WHICH says which), from the /Encrypt dictionary whose value
 * starts at ENC (a reference or a dictionary) and the trailer's /ID. NULL when the
 * handler is not Standard, the method is unknown, no password is the user
 * password, or memory ran out. *WHAT names the method ("RC4 128-bit") when the
 * dictionary was read. */
struct pdfcrypt *pdfcrypt_open(const unsigned char *b, size_t len, size_t enc,
    const char *const *pws, unsigned npw, unsigned *which, const char **what);
void pdfcrypt_free(struct pdfcrypt *pc);

/* Stream data D/N of object OBJ generation GEN, decrypted: a new buffer (*outlen
 * bytes, the caller frees it), or NULL when it cannot be (AES data not a whole
 * number of blocks, out of memory). */
unsigned char *pdfcrypt_stream(const struct pdfcrypt *pc, unsigned long obj,
    unsigned long gen, const unsigned char *d, size_t n, size_t *outlen);

#endif
