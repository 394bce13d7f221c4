/*
 * passwords.h: candidate passwords harvested from the text the sender wrote (subject,
 * text and HTML bodies), tried on encrypted archives (archive.c) and encrypted OOXML
 * documents (ole.c) of the same message.
 *
 * A pwlist holds at most MAX distinct candidates of at most PW_MAXLEN bytes each,
 * in the order they were found (keyword hits of one text before its quoted tokens,
 * before its standalone short lines), then those held from quoted replies. The
 * count only grows, so "the candidates after the first N" stays meaningful. Not
 * thread-safe: one list per message.
 *
 * Names: the module is the pwlist object, so its functions are pwlist_* (the one
 * documented exception to the file-name prefix rule; the file is named for what it
 * holds).
 */
#ifndef EMBARGO_PASSWORDS_H
#define EMBARGO_PASSWORDS_H

#include <stddef.h>

#define PW_MAXLEN   64             /* bytes kept of one candidate */
#define PW_TEXT_MAX (1024u * 1024) /* bytes of one text looked at */

struct pwlist;

/* A list holding at most MAX candidates (0 means none can be added). NULL on OOM. */
struct pwlist *pwlist_new(unsigned max);

/* Add N bytes of P as a candidate. Returns 1 when added, 0 when empty, too long,
 * a duplicate or the list is full. */
int pwlist_add(struct pwlist *pw, const char *p, size_t n);

unsigned pwlist_count(const struct pwlist *pw);
/* The I-th candidate (NUL-terminated), or NULL past the end. */
const char *pwlist_get(const struct pwlist *pw, unsigned i);

/* Find candidates in LEN bytes of TEXT (UTF-8 plain text or HTML; tags are
 * stripped). Candidates from the quoted part of a reply chain are held apart
 * (pwlist_held) until passwords_release_quoted (scan.h) appends them. */
void pwlist_harvest(struct pwlist *pw, const char *text, size_t len);

/* How many quoted-text candidates are held. */
unsigned pwlist_held(const struct pwlist *pw);

#endif
