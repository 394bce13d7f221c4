/*
 * qp.c: streaming quoted-printable decoder (see qp.h). No allocation.
 */
#include <string.h>

#include "core/bytes.h"
#include "mime/qp.h"

enum {
	QP_TEXT = 0, /* plain bytes */
	QP_EQ,       /* '=' seen */
	QP_HEX,      /* '=' and one hex digit seen */
	QP_EQWS      /* '=' followed by blanks: a soft break if the line ends now */
};

void
qp_init(struct qp *st)
{
	memset(st, 0, sizeof(*st));
}

/* Give back what an unfinished escape held, literally. */
static size_t
qp_unwind(struct qp *st, unsigned char *out)
{
	size_t o = 0;

	if (st->state == QP_EQ || st->state == QP_EQWS || st->state == QP_HEX) {
		out[o++] = '=';
		if (st->state == QP_HEX)
			out[o++] = st->hex1;
		st->bad++;
	}
	st->state = QP_TEXT;
	return o;
}

size_t
qp_decode(struct qp *st, const void *in, size_t n, unsigned char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;
	int v;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (st->state) {
		case QP_TEXT:
			if (c == '=')
				st->state = QP_EQ;
			else
				out[o++] = c;
			break;
		case QP_EQ:
			if (hexval(c) >= 0) {
				st->hex1 = c;
				st->state = QP_HEX;
			} else if (c == ' ' || c == '\t' || c == '\r') {
				st->state = QP_EQWS;
				st->nws = 1;
			} else {
				o += qp_unwind(st, out + o);
				i--; /* this byte again, as text */
			}
			break;
		case QP_HEX:
			if ((v = hexval(c)) >= 0) {
				out[o++] = (unsigned char)(hexval(st->hex1) << 4 | v);
				st->state = QP_TEXT;
			} else {
				o += qp_unwind(st, out + o);
				i--;
			}
			break;
		case QP_EQWS:
			if (c == ' ' || c == '\t' || c == '\r') {
				st->nws++;
				break;
			}
			/* "= x": not a soft break; the blanks are lost, counted as bad */
			o += qp_unwind(st, out + o);
			i--;
			break;
		default: st->state = QP_TEXT; break;
		}
	}
	return o;
}

size_t
qp_eol(struct qp *st, const char *eol, size_t eollen, unsigned char *out)
{
	size_t o = 0;

	if (st->state == QP_EQ || st->state == QP_EQWS) {
		st->state = QP_TEXT; /* soft line break */
		return 0;
	}
	o = qp_unwind(st, out);
	memcpy(out + o, eol, eollen);
	return o + eollen;
}
