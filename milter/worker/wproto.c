/*
 * wproto.c: frames and the report serialisation between embargo and embargo-worker
 * (see wproto.h). All integers little-endian.
 *
 * WP_REPORT payload:
 *   u32 status, u32 nparts, nparts x part, u32 nfindings, nfindings x finding,
 *   u32 nranges, nranges x (u32 part, u64 start, u64 end),
 *   u16 npasswords, npasswords x str (at most WP_MAX_PW of WP_MAX_PWLEN bytes)
 * WP_SCAN payload: u64 size, ostr raw file name, u16 npasswords, npasswords x str.
 *   part:    i32 parent (-1 only for part 0, else < own id), str path, ostr filename,
 *            ostr declared, ostr detected, ostr class, u64 size, ostr sha256
 *   finding: str name, u8 severity, u32 part, ostr detail
 *   str:  u16 length + bytes (no NUL); ostr: the same, length 0xffff meaning none.
 * BUGS: a report larger than the frame is sent without parts (status only): the
 * daemon sees an empty report and turns it into scan.crashed.
 */
#include <stdlib.h>
#include <string.h>

#include "worker/wproto.h"

#define WP_NONE 0xffffu

void
wp_header(unsigned char hdr[WP_HDR], enum wp_type type, uint32_t len)
{
	memcpy(hdr, "EMBW", 4);
	hdr[4] = WP_VERSION;
	hdr[5] = (unsigned char)type;
	hdr[6] = hdr[7] = 0;
	hdr[8] = (unsigned char)len;
	hdr[9] = (unsigned char)(len >> 8);
	hdr[10] = (unsigned char)(len >> 16);
	hdr[11] = (unsigned char)(len >> 24);
}

long
wp_check_header(const unsigned char *h, size_t n, enum wp_type type)
{
	uint32_t len;

	if (n < WP_HDR || memcmp(h, "EMBW", 4) != 0 || h[4] != WP_VERSION ||
	    h[5] != (unsigned char)type || h[6] != 0 || h[7] != 0)
		return -1;
	len = (uint32_t)h[8] | (uint32_t)h[9] << 8 | (uint32_t)h[10] << 16 |
	    (uint32_t)h[11] << 24;
	if (len > WP_MAX_FRAME - WP_HDR || len != n - WP_HDR)
		return -1;
	return (long)len;
}

/* ---- writing ---- */

static void
put_u(struct strbuf *o, uint64_t v, int bytes)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	sb_add(o, b, (size_t)bytes);
}

static void
put_str(struct strbuf *o, const char *s, size_t max)
{
	size_t n;

	if (s == NULL) {
		put_u(o, WP_NONE, 2);
		return;
	}
	n = strnlen(s, max);
	put_u(o, n, 2);
	sb_add(o, s, n);
}

void
wp_put_report(
    struct strbuf *o, int status, const struct report *r, wp_range_fn range, void *arg)
{
	int i, np = r ? report_nparts(r) : 0, nf = r ? report_nfindings(r) : 0;
	uint64_t s, e;
	size_t mark;
	uint32_t nr = 0;

	put_u(o, (uint32_t)status, 4);
	put_u(o, (uint32_t)np, 4);
	for (i = 0; i < np; i++) {
		const struct report_part *p = report_part(r, i);

		put_u(o, (uint32_t)p->parent, 4);
		put_str(o, p->path, WP_MAX_PATH);
		put_str(o, p->filename, REPORT_MAX_TEXT);
		put_str(o, p->declared_type, REPORT_MAX_TEXT);
		put_str(o, p->detected_type, REPORT_MAX_TEXT);
		put_str(o, p->type_class, REPORT_MAX_TEXT);
		put_u(o, p->size, 8);
		put_str(o, p->sha256[0] ? p->sha256 : NULL, 64);
	}
	put_u(o, (uint32_t)nf, 4);
	for (i = 0; i < nf; i++) {
		const struct finding *f = report_finding(r, i);

		put_str(o, f->name, REPORT_MAX_TEXT);
		put_u(o, (uint32_t)f->sev, 1);
		put_u(o, (uint32_t)f->part, 4);
		put_str(o, f->detail, REPORT_MAX_TEXT);
	}
	mark = o->len;
	put_u(o, 0, 4);
	for (i = 1; range != NULL && i < np && nr < WP_MAX_RANGES; i++)
		if (range(arg, i, &s, &e) == 0) {
			put_u(o, (uint32_t)i, 4);
			put_u(o, s, 8);
			put_u(o, e, 8);
			nr++;
		}
	if (!o->oom && o->s != NULL)
		for (i = 0; i < 4; i++)
			o->s[mark + (size_t)i] = (char)(nr >> (8 * i));
}

void
wp_put_passwords(struct strbuf *o, const char *const *pw, size_t npw)
{
	size_t i;

	if (npw > WP_MAX_PW)
		npw = WP_MAX_PW;
	put_u(o, npw, 2);
	for (i = 0; i < npw; i++)
		put_str(o, pw[i], WP_MAX_PWLEN);
}

void
wp_put_scan(struct strbuf *o, const struct wp_request *rq)
{
	put_u(o, rq->size, 8);
	put_str(o, rq->raw, REPORT_MAX_TEXT);
	wp_put_passwords(o, rq->pw, rq->npw);
}

/* ---- parsing: a cursor that fails once and stays failed ---- */

struct cur {
	const unsigned char *p;
	size_t n;
	int bad;
};

static uint64_t
get_u(struct cur *c, int bytes)
{
	uint64_t v = 0;
	int i;

	if (c->bad || c->n < (size_t)bytes) {
		c->bad = 1;
		return 0;
	}
	for (i = 0; i < bytes; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += bytes;
	c->n -= (size_t)bytes;
	return v;
}

/* A string of at most MAX bytes, without NUL, copied out; NULL for none (allowed only
 * when OPT) and on failure (c->bad set). */
static char *
get_str(struct cur *c, size_t max, int opt)
{
	size_t len = (size_t)get_u(c, 2);
	char *s;

	if (c->bad)
		return NULL;
	if (len == WP_NONE) {
		if (!opt)
			c->bad = 1;
		return NULL;
	}
	if (len > max || len > c->n || memchr(c->p, '\0', len) != NULL ||
	    (s = malloc(len + 1)) == NULL) {
		c->bad = 1;
		return NULL;
	}
	memcpy(s, c->p, len);
	s[len] = '\0';
	c->p += len;
	c->n -= len;
	return s;
}

static int
is_hex64(const char *s)
{
	size_t i;

	if (strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
parse_part(struct cur *c, struct report *r, int id)
{
	int32_t parent = (int32_t)(uint32_t)get_u(c, 4);
	char *path = get_str(c, WP_MAX_PATH, 0), *fname = get_str(c, REPORT_MAX_TEXT, 1);
	char *decl = get_str(c, REPORT_MAX_TEXT, 1),
	     *det = get_str(c, REPORT_MAX_TEXT, 1);
	char *cls = get_str(c, REPORT_MAX_TEXT, 1);
	uint64_t size = get_u(c, 8);
	char *sha = get_str(c, 64, 1);
	int ok = !c->bad && (id == 0 ? parent == -1 : parent >= 0 && parent < id) &&
	    (sha == NULL || is_hex64(sha)) && (det == NULL) == (cls == NULL);

	if (ok && report_part_restore(r, parent, path, fname) != id)
		ok = 0;
	if (ok) {
		report_part_declared(r, id, decl);
		if (det != NULL)
			report_part_detected(r, id, det, cls);
		report_part_size(r, id, size);
		if (sha != NULL)
			report_part_sha256(r, id, sha);
	}
	free(path);
	free(fname);
	free(decl);
	free(det);
	free(cls);
	free(sha);
	return ok && report_status(r) == EM_OK ? 0 : -1;
}

static int
parse_finding(struct cur *c, struct report *r, int np)
{
	char *name = get_str(c, REPORT_MAX_TEXT, 0);
	unsigned sev = (unsigned)get_u(c, 1);
	uint32_t part = (uint32_t)get_u(c, 4);
	char *detail = get_str(c, REPORT_MAX_TEXT, 1);
	int ok = !c->bad && vocab_find(name) != NULL && sev <= SEV_CRITICAL &&
	    part < (uint32_t)np;

	if (ok) {
		if (detail != NULL)
			report_add_sev(
			    r, (int)part, name, (enum severity)sev, "%s", detail);
		else
			report_add_sev(r, (int)part, name, (enum severity)sev, NULL);
	}
	free(name);
	free(detail);
	return ok && report_status(r) == EM_OK ? 0 : -1;
}

static int
parse_ranges(struct cur *c, struct wp_result *res, int np)
{
	uint32_t n = (uint32_t)get_u(c, 4), i;

	if (c->bad || n > WP_MAX_RANGES || n > c->n / 20)
		return -1;
	if (n > 0 && (res->ranges = calloc(n, sizeof(*res->ranges))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct wp_range *w = &res->ranges[i];

		w->part = (int)(uint32_t)get_u(c, 4);
		w->start = get_u(c, 8);
		w->end = get_u(c, 8);
		if (c->bad || w->part < 1 || w->part >= np || w->start > w->end ||
		    (i > 0 && w->part <= res->ranges[i - 1].part))
			return -1;
		res->nranges = i + 1;
	}
	return 0;
}

/* u16 count and the strings: 0, or -1 (what was copied is freed). */
static int
parse_pw(struct cur *c, char *pw[WP_MAX_PW], size_t *npw)
{
	size_t n = (size_t)get_u(c, 2), i;

	*npw = 0;
	if (c->bad || n > WP_MAX_PW)
		return -1;
	for (i = 0; i < n; i++) {
		if ((pw[i] = get_str(c, WP_MAX_PWLEN, 0)) == NULL) {
			wp_pw_free(pw, i);
			return -1;
		}
	}
	*npw = n;
	return 0;
}

void
wp_pw_free(char **pw, size_t npw)
{
	size_t i;

	for (i = 0; i < npw; i++) {
		free(pw[i]);
		pw[i] = NULL;
	}
}

int
wp_parse_scan(const unsigned char *p, size_t n, uint64_t *size, char **raw,
    char *pw[WP_MAX_PW], size_t *npw)
{
	struct cur c = { p, n, 0 };

	*npw = 0;
	*size = get_u(&c, 8);
	*raw = get_str(&c, REPORT_MAX_TEXT, 1);
	if (c.bad || parse_pw(&c, pw, npw) != 0 || c.n != 0) {
		wp_pw_free(pw, *npw);
		*npw = 0;
		free(*raw);
		*raw = NULL;
		return -1;
	}
	return 0;
}

int
wp_parse_report(const unsigned char *p, size_t n, struct wp_result *res)
{
	struct cur c = { p, n, 0 };
	uint32_t st, np, nf, i;

	memset(res, 0, sizeof(*res));
	st = (uint32_t)get_u(&c, 4);
	np = (uint32_t)get_u(&c, 4);
	/* a part takes at least 4 + 2 + 5 * 2 + 8 bytes */
	if (c.bad || st > EM_BUG || np > REPORT_MAX_PARTS || np > c.n / 24 ||
	    (res->r = report_new()) == NULL)
		goto bad;
	res->status = (int)st;
	for (i = 0; i < np; i++)
		if (parse_part(&c, res->r, (int)i) != 0)
			goto bad;
	nf = (uint32_t)get_u(&c, 4);
	if (c.bad || nf > REPORT_MAX_FINDINGS + 1 || nf > c.n / 9)
		goto bad;
	for (i = 0; i < nf; i++)
		if (parse_finding(&c, res->r, (int)np) != 0)
			goto bad;
	if (parse_ranges(&c, res, (int)np) != 0 ||
	    parse_pw(&c, res->pw, &res->npw) != 0 || c.n != 0)
		goto bad;
	return 0;
bad:
	wp_result_free(res);
	return -1;
}

int
wp_part_range(const struct wp_result *res, int part, uint64_t *start, uint64_t *end)
{
	size_t i;

	for (i = 0; i < res->nranges; i++)
		if (res->ranges[i].part == part) {
			*start = res->ranges[i].start;
			*end = res->ranges[i].end;
			return 0;
		}
	return -1;
}

void
wp_result_free(struct wp_result *res)
{
	report_free(res->r);
	free(res->ranges);
	wp_pw_free(res->pw, res->npw);
	memset(res, 0, sizeof(*res));
}
