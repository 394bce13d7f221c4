/*
 * qp.h: streaming quoted-printable decoder (RFC 2045 6.7). The caller gives the
 * bytes of a line and then, separately, its end (qp_eol) so a soft line break ("="
 * at the end, trailing blanks allowed) joins lines. Any split of a line between
 * qp_decode calls gives the same output.
 * Malformed escapes ("=G1", "=" then junk) are kept literally and counted: that is
 * what most readers show and it hides nothing.
 *
 * BUGS: trailing blanks of hard-broken lines are kept (RFC says delete); harmless for
 * attachment analysis.
 */
#ifndef EMBARGO_QP_H
#define EMBARGO_QP_H

#include <stddef.h>
#include <stdint.h>

struct qp {
	int state;          /* QP_TEXT, QP_EQ (after '='), QP_HEX (one digit), QP_EQWS */
	unsigned char hex1; /* the first digit in QP_HEX */
	unsigned nws;       /* blanks held in QP_EQWS */
	uint64_t bad;       /* malformed escapes */
};

void qp_init(struct qp *st);
/* Decode N bytes of one line into OUT (room for N + 3 bytes). Returns bytes written. */
size_t qp_decode(struct qp *st, const void *in, size_t n, unsigned char *out);
/* The line ended with EOL (EOLLEN bytes, 0 at the end of data): writes the hard line
 * break, or nothing after a soft break, into OUT (room for EOLLEN + 3). */
size_t qp_eol(struct qp *st, const char *eol, size_t eollen, unsigned char *out);

#endif
