/*
 * strbuf.h: a growable, always NUL-terminated byte buffer with a hard cap, and the
 * escapers every output path uses (JSON strings, log-safe text).
 *
 * A strbuf that hit its cap or failed to grow stays usable: further appends are
 * dropped and sb->truncated / sb->oom say why. Nothing here aborts.
 */
#ifndef EMBARGO_STRBUF_H
#define EMBARGO_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;    /* allocated */
	size_t max;    /* hard cap on len; 0 means 64 MiB */
	int truncated; /* an append was cut at max */
	int oom;       /* an allocation failed */
};

#define STRBUF_INIT \
	{ \
		NULL, 0, 0, 0, 0, 0 \
	}

void sb_init(struct strbuf *sb, size_t max);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const void *p, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void
sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The contents ("" when empty). Valid until the next append. */
const char *sb_str(const struct strbuf *sb);
/* Hand the string to the caller (malloc'd, never NULL unless OOM); sb is reset. */
char *sb_take(struct strbuf *sb);

/* Length of the valid UTF-8 sequence at P (at most N bytes, N > 0), or 0 when the
 * bytes there are not valid UTF-8 (overlong, surrogate, past U+10FFFF). */
size_t sb_utf8_len(const unsigned char *p, size_t n);

/* Append N bytes of P as a JSON string literal, quotes included. Bytes that are not
 * valid UTF-8 are written as \u00XX of the byte value, so output is always valid. */
void sb_json_str(struct strbuf *sb, const char *p, size_t n);

/* Append P for a log line or header: printable ASCII kept, everything else as \xHH,
 * cut after MAX input bytes with "..." appended. */
void sb_safe(struct strbuf *sb, const char *p, size_t n, size_t max);

#endif
