/*
 * report.c: the part tree and findings list of one message (see report.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"

struct part_priv {
	struct report_part pub;
	char *base; /* path without ":filename": what children join onto */
	int is_section;
};

struct report {
	struct part_priv *parts;
	int nparts, capparts;
	struct finding *findings;
	int nfindings, capfindings;
	int overflowed; /* REPORT_MAX_FINDINGS crossed, scan.limit recorded */
	em_status err; /* sticky: the first failure to record something (report_status) */
};

/* Keep the first failure on the handle, as libarchive keeps its error: a finding or
 * a part attribute that could not be recorded must not let the message pass. */
static void
fail(struct report *r, em_status st)
{
	if (r->err == EM_OK)
		r->err = st;
}

em_status
report_status(const struct report *r)
{
	return r->err;
}

static char *
dup_bounded(const char *s)
{
	size_t n;
	char *d;

	if (s == NULL)
		return NULL;
	n = strnlen(s, REPORT_MAX_TEXT);
	d = malloc(n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

struct report *
report_new(void)
{
	return calloc(1, sizeof(struct report));
}

static void
part_clear(struct part_priv *p)
{
	free(p->pub.path);
	free(p->pub.filename);
	free(p->pub.declared_type);
	free(p->pub.detected_type);
	free(p->pub.type_class);
	free(p->base);
}

void
report_free(struct report *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nparts; i++)
		part_clear(&r->parts[i]);
	for (i = 0; i < r->nfindings; i++) {
		free(r->findings[i].name);
		free(r->findings[i].detail);
	}
	free(r->parts);
	free(r->findings);
	free(r);
}

static struct part_priv *
get(const struct report *r, int id)
{
	if (r == NULL || id < 0 || id >= r->nparts)
		return NULL;
	return &r->parts[id];
}

int
report_part_add(struct report *r, int parent, const char *label, int is_section)
{
	struct part_priv *pp, *np;
	struct strbuf sb = STRBUF_INIT;
	int id;

	if (r->nparts >= REPORT_MAX_PARTS)
		return -1;
	if (r->nparts > 0 && get(r, parent) == NULL)
		return -1;
	if (r->nparts == r->capparts) {
		int ncap = r->capparts ? r->capparts * 2 : 16;
		struct part_priv *n = realloc(r->parts, (size_t)ncap * sizeof(*n));

		if (n == NULL) {
			fail(r, EM_TEMPFAIL);
			return -1;
		}
		r->parts = n;
		r->capparts = ncap;
	}
	sb_init(&sb, 4 * REPORT_MAX_TEXT);
	pp = r->nparts > 0 ? get(r, parent) : NULL;
	if (pp != NULL && pp->pub.id != 0) {
		sb_adds(&sb, is_section && pp->is_section ? pp->base : pp->pub.path);
		sb_addc(&sb, is_section && pp->is_section ? '.' : '/');
	}
	sb_add(&sb, label, strnlen(label, REPORT_MAX_TEXT));
	if (sb.oom) {
		sb_free(&sb);
		fail(r, EM_TEMPFAIL);
		return -1;
	}
	id = r->nparts;
	np = &r->parts[id];
	memset(np, 0, sizeof(*np));
	np->pub.id = id;
	np->pub.parent = pp != NULL ? parent : -1;
	np->pub.depth = pp != NULL ? pp->pub.depth + 1 : 0;
	np->is_section = is_section;
	np->base = sb_take(&sb);
	np->pub.path = strdup(np->base);
	if (np->base == NULL || np->pub.path == NULL) {
		part_clear(np);
		fail(r, EM_TEMPFAIL);
		return -1;
	}
	r->nparts++;
	return id;
}

/* A part rebuilt from a worker's report (wproto.c): PATH and FILENAME are taken as
 * they are, not joined again. The caller has checked them. */
int
report_part_restore(struct report *r, int parent, const char *path, const char *filename)
{
	int id = report_part_add(r, parent, "", 0);
	struct part_priv *p = get(r, id);
	char *np, *nb, *nf = NULL;

	if (p == NULL)
		return -1;
	np = strdup(path);
	nb = strdup(path);
	if (filename != NULL)
		nf = dup_bounded(filename);
	if (np == NULL || nb == NULL || (filename != NULL && nf == NULL)) {
		free(np);
		free(nb);
		free(nf);
		fail(r, EM_TEMPFAIL);
		return -1;
	}
	free(p->pub.path);
	free(p->base);
	p->pub.path = np;
	p->base = nb;
	p->pub.filename = nf;
	return id;
}

static void
set_str(struct report *r, char **dst, const char *s)
{
	free(*dst);
	*dst = dup_bounded(s);
	if (s != NULL && *dst == NULL)
		fail(r, EM_TEMPFAIL);
}

void
report_part_filename(struct report *r, int id, const char *name)
{
	struct part_priv *p = get(r, id);
	struct strbuf sb = STRBUF_INIT;

	if (p == NULL)
		return;
	set_str(r, &p->pub.filename, name);
	if (!p->is_section || id == 0)
		return;
	sb_adds(&sb, p->base);
	if (p->pub.filename != NULL) {
		sb_addc(&sb, ':');
		sb_adds(&sb, p->pub.filename);
	}
	if (sb.oom) {
		sb_free(&sb);
		fail(r, EM_TEMPFAIL);
		return;
	}
	free(p->pub.path);
	p->pub.path = sb_take(&sb);
}

void
report_part_declared(struct report *r, int id, const char *type)
{
	struct part_priv *p = get(r, id);

	if (p != NULL)
		set_str(r, &p->pub.declared_type, type);
}

void
report_part_detected(struct report *r, int id, const char *mime, const char *tclass)
{
	struct part_priv *p = get(r, id);

	if (p == NULL)
		return;
	set_str(r, &p->pub.detected_type, mime);
	set_str(r, &p->pub.type_class, tclass);
}

void
report_part_size(struct report *r, int id, uint64_t size)
{
	struct part_priv *p = get(r, id);

	if (p != NULL)
		p->pub.size = size;
}

void
report_part_sha256(struct report *r, int id, const char *hex)
{
	struct part_priv *p = get(r, id);

	if (p == NULL)
		return;
	snprintf(p->pub.sha256, sizeof(p->pub.sha256), "%s", hex ? hex : "");
}

const struct report_part *
report_part(const struct report *r, int id)
{
	struct part_priv *p = get(r, id);

	return p != NULL ? &p->pub : NULL;
}

int
report_nparts(const struct report *r)
{
	return r->nparts;
}

static void
add_finding(struct report *r, int part, const char *name, enum severity sev,
    const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	struct finding *f;

	if (vocab_find(name) == NULL) {
		fail(r, EM_BUG);
		return;
	}
	if (get(r, part) == NULL)
		part = 0;
	if (r->nfindings >= REPORT_MAX_FINDINGS) {
		if (r->overflowed)
			return;
		r->overflowed = 1;
		name = "scan.limit";
		sev = vocab_find(name)->sev;
		fmt = NULL;
	}
	if (r->nfindings == r->capfindings) {
		int ncap = r->capfindings ? r->capfindings * 2 : 16;
		struct finding *n = realloc(r->findings, (size_t)ncap * sizeof(*n));

		if (n == NULL) {
			fail(r, EM_TEMPFAIL);
			return;
		}
		r->findings = n;
		r->capfindings = ncap;
	}
	f = &r->findings[r->nfindings];
	f->name = strdup(name);
	f->sev = sev;
	f->part = part;
	if (fmt != NULL) {
		sb_init(&sb, REPORT_MAX_TEXT);
		sb_vprintf(&sb, fmt, ap);
		f->detail = sb_take(&sb);
	} else if (r->overflowed && r->nfindings >= REPORT_MAX_FINDINGS) {
		f->detail = strdup("too many findings; the rest were not recorded");
	} else {
		f->detail = NULL;
	}
	if (f->name == NULL || (fmt != NULL && f->detail == NULL)) {
		free(f->name);
		free(f->detail);
		fail(r, EM_TEMPFAIL);
		return;
	}
	r->nfindings++;
}

void
report_add(struct report *r, int part, const char *name, const char *fmt, ...)
{
	const struct vocab_entry *v = vocab_find(name);
	va_list ap;

	if (v == NULL) {
		fail(r, EM_BUG);
		return;
	}
	va_start(ap, fmt);
	add_finding(r, part, name, v->sev, fmt, ap);
	va_end(ap);
}

void
report_add_sev(
    struct report *r, int part, const char *name, enum severity sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_finding(r, part, name, sev, fmt, ap);
	va_end(ap);
}

int
report_nfindings(const struct report *r)
{
	return r->nfindings;
}

const struct finding *
report_finding(const struct report *r, int i)
{
	if (i < 0 || i >= r->nfindings)
		return NULL;
	return &r->findings[i];
}

static int
is_below(const struct report *r, int part, int top)
{
	while (part >= 0) {
		if (part == top)
			return 1;
		part = r->parts[part].pub.parent;
	}
	return 0;
}

int
report_has(const struct report *r, int part, const char *name)
{
	int i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].name, name) == 0 &&
		    is_below(r, r->findings[i].part, part))
			return 1;
	return 0;
}

int
report_max_sev(const struct report *r)
{
	int i, m = -1;

	for (i = 0; i < r->nfindings; i++)
		if ((int)r->findings[i].sev > m)
			m = (int)r->findings[i].sev;
	return m;
}

static void
json_member(struct strbuf *out, const char *key, const char *val, int comma)
{
	if (comma)
		sb_addc(out, ',');
	sb_json_str(out, key, strlen(key));
	sb_addc(out, ':');
	if (val == NULL)
		sb_adds(out, "null");
	else
		sb_json_str(out, val, strlen(val));
}

void
report_json(const struct report *r, struct strbuf *out)
{
	int i;

	sb_adds(out, "\"parts\":[");
	for (i = 0; i < r->nparts; i++) {
		const struct report_part *p = &r->parts[i].pub;

		sb_adds(out, i ? ",{" : "{");
		sb_printf(out, "\"id\":%d,\"parent\":%d,\"depth\":%u", p->id, p->parent,
		    p->depth);
		json_member(out, "path", p->path, 1);
		json_member(out, "filename", p->filename, 1);
		json_member(out, "declared_type", p->declared_type, 1);
		json_member(out, "detected_type", p->detected_type, 1);
		json_member(out, "class", p->type_class, 1);
		sb_printf(out, ",\"size\":%llu", (unsigned long long)p->size);
		json_member(out, "sha256", p->sha256[0] ? p->sha256 : NULL, 1);
		sb_addc(out, '}');
	}
	sb_adds(out, "],\"findings\":[");
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		sb_adds(out, i ? ",{" : "{");
		json_member(out, "name", f->name, 0);
		json_member(out, "severity", severity_name(f->sev), 1);
		json_member(out, "part", r->parts[f->part].pub.path, 1);
		json_member(out, "detail", f->detail, 1);
		sb_addc(out, '}');
	}
	sb_addc(out, ']');
}

static void
print_safe(FILE *fp, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	sb_safe(&sb, s, strlen(s), 300);
	fputs(sb_str(&sb), fp);
	sb_free(&sb);
}

static void
print_part(const struct report *r, FILE *fp, int id, int indent)
{
	const struct report_part *p = &r->parts[id].pub;
	int i;

	fprintf(fp, "%*s", indent * 2, "");
	print_safe(fp,
	    id != 0                 ? p->path :
		p->filename != NULL ? p->filename :
				      "(message)");
	fprintf(fp, "  [%s", p->type_class ? p->type_class : "?");
	if (p->detected_type) {
		fputs(" ", fp);
		print_safe(fp, p->detected_type);
	}
	if (p->declared_type) {
		fputs(", declared ", fp);
		print_safe(fp, p->declared_type);
	}
	fprintf(fp, ", %llu bytes]\n", (unsigned long long)p->size);
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->part != id)
			continue;
		fprintf(
		    fp, "%*s  ! %s (%s)", indent * 2, "", f->name, severity_name(f->sev));
		if (f->detail) {
			fputs(": ", fp);
			print_safe(fp, f->detail);
		}
		fputs("\n", fp);
	}
	for (i = id + 1; i < r->nparts; i++)
		if (r->parts[i].pub.parent == id)
			print_part(r, fp, i, indent + 1);
}

void
report_print(const struct report *r, FILE *fp)
{
	if (r->nparts > 0)
		print_part(r, fp, 0, 0);
}

void
report_summary(const struct report *r, struct strbuf *out, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	if (r->nfindings == 0) {
		sb_adds(out, "none");
		return;
	}
	sb_init(&sb, max);
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const char *path = r->parts[f->part].pub.path;

		if (i)
			sb_addc(&sb, ',');
		sb_adds(&sb, f->name);
		sb_addc(&sb, '@');
		sb_safe(&sb, path, strlen(path), 200);
	}
	if (sb.truncated) {
		sb.max += 4;
		sb_adds(&sb, "...");
	}
	sb_add(out, sb_str(&sb), sb.len);
	sb_free(&sb);
}
