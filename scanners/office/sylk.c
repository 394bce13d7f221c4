/*
 * sylk.c: SYLK spreadsheets (.slk, "ID;P" header), which Excel opens and whose
 * cell formulas may be Excel 4.0 (XLM) macro calls: the classic SYLK lure is a
 * cell "=EXEC(...)" or "=CALL(...)" with an Auto_Open name pointing at it.
 *
 * Records are lines (CR, LF or CRLF); fields are separated by ';' (";;" is a
 * literal ';'). In C (cell) records the field starting with 'E' is the formula;
 * in NN (name) records the 'N' field is the name and 'E' its definition.
 * Findings:
 *   macro.xlm  a formula calling a macro-only function (EXEC, CALL, REGISTER,
 *              RUN, FORMULA, FOPEN, FWRITE, HALT, GOTO, ...); the detail lists
 *              them and says "auto-open" when a name is Auto_Open (or Auto_Close,
 *              Auto_Activate), which runs the sheet when the file opens.
 *   doc.dde    a DDE formula (app|'topic'!item), e.g. =cmd|'/c calc'!A0.
 * One of each at most per file.
 *
 * Limits: the scan window; formulas are looked at up to SYLK_MAX_FORMULA bytes.
 * BUGS: names and functions are matched as text (no formula tokenizer), so a
 * string literal "EXEC(" in a cell counts; that errs towards reporting.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/analyser.h"
#include "core/strbuf.h"

#define SYLK_MAX_FORMULA 4096

struct sylk {
	struct strbuf seen; /* macro functions met, space separated */
	char autoname[32];  /* the Auto_* name met, or "" */
	char dde[256];      /* the first DDE formula, or "" */
	unsigned formulas;
};

static const char *const sylk_calls[] = { "EXEC(", "CALL(", "REGISTER(", "RUN(",
	"FORMULA(", "FORMULA.FILL(", "FOPEN(", "FWRITE(", "FWRITELN(", "HALT(", "GOTO(",
	"SET.VALUE(", "ALERT(", "URLDownloadToFile", "SHELL(", NULL };

static const char *
sylk_casemem(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; n >= k && i <= n - k; i++)
		if (strncasecmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* The field of record R/N that starts with letter C (";;" kept as is), or NULL. */
static const char *
sylk_field(const char *r, size_t n, char c, size_t *flen)
{
	size_t i = 0, start;

	while (i < n) {
		start = i;
		while (i < n && !(r[i] == ';' && !(i + 1 < n && r[i + 1] == ';')))
			i += (r[i] == ';') ? 2 : 1;
		if (start > 0 && i > start && r[start] == c) {
			*flen = i - start - 1;
			return r + start + 1;
		}
		i++;
	}
	return NULL;
}

static void
sylk_formula(struct sylk *s, const char *f, size_t n)
{
	const char *bar;
	int i;

	if (n > SYLK_MAX_FORMULA)
		n = SYLK_MAX_FORMULA;
	s->formulas++;
	for (i = 0; sylk_calls[i] != NULL; i++)
		if (sylk_casemem(f, n, sylk_calls[i]) != NULL &&
		    strstr(sb_str(&s->seen), sylk_calls[i]) == NULL)
			sb_printf(
			    &s->seen, "%s%s", s->seen.len ? " " : "", sylk_calls[i]);
	if (s->dde[0] == '\0' && (bar = memchr(f, '|', n)) != NULL &&
	    memchr(bar, '!', n - (size_t)(bar - f)) != NULL)
		snprintf(s->dde, sizeof(s->dde), "%.*s", (int)(n > 200 ? 200 : n), f);
}

/* Is the name V/K one Excel runs by itself (Auto_Open, Auto_Close, Auto_Activate)? */
static int
sylk_auto(const char *v, size_t k)
{
	static const char *const names[] = { "Auto_Open", "Auto_Close", "Auto_Activate" };
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (k >= n && strncasecmp(v, names[i], n) == 0)
			return 1;
	}
	return 0;
}

static void
sylk_record(struct sylk *s, const char *r, size_t n)
{
	const char *v;
	size_t k;

	if (n >= 2 && r[0] == 'C' && r[1] == ';' &&
	    (v = sylk_field(r, n, 'E', &k)) != NULL)
		sylk_formula(s, v, k);
	if (n >= 3 && r[0] == 'N' && r[1] == 'N' && r[2] == ';' &&
	    (v = sylk_field(r, n, 'N', &k)) != NULL && sylk_auto(v, k))
		snprintf(
		    s->autoname, sizeof(s->autoname), "%.*s", (int)(k > 31 ? 31 : k), v);
}

em_status
sylk_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	const char *d = (const char *)in->data, *nl;
	size_t off = 0, n;
	struct sylk s;
	int oom;

	if (in->len < 4 || memcmp(d, "ID;", 3) != 0)
		return EM_OK; /* some other script: nothing for this analyser */
	memset(&s, 0, sizeof(s));
	sb_init(&s.seen, 256);
	while (off < in->len) {
		nl = memchr(d + off, '\n', in->len - off);
		n = nl != NULL ? (size_t)(nl - d) - off : in->len - off;
		sylk_record(&s, d + off, n > 0 && d[off + n - 1] == '\r' ? n - 1 : n);
		off += n + 1;
	}
	if (s.seen.len > 0)
		report_add(ctx->r, in->part, "macro.xlm",
		    "SYLK with Excel 4.0 macro calls: "
		    "%s%s%s",
		    sb_str(&s.seen), s.autoname[0] ? "; auto-open name " : "",
		    s.autoname);
	if (s.dde[0] != '\0')
		report_add(ctx->r, in->part, "doc.dde", "SYLK DDE formula: %s", s.dde);
	oom = s.seen.oom;
	sb_free(&s.seen);
	return oom ? EM_TEMPFAIL : EM_OK;
}
