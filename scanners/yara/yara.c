/*
 * yara.c: the administrator's YARA rules on every part.
 *
 * yara_rules_load() compiles every named rule file and folder (*.yar / *.yara, in
 * name order, not recursive) once per config load. All source files go into one
 * compiler, each in a namespace named after its file (basename without extension);
 * a precompiled file (yarac output, magic "YARA") becomes a rule set of its own.
 * Compile errors come back as "file:line: message" lines. The result is immutable
 * and shared by every thread.
 *
 * yara_scan() runs each configured rule set over the mapped bytes of one part with a
 * per-message scanner (struct yara_msg, created lazily, one YR_SCANNER per rule set)
 * whose external variables are set for the part: filename, extension (lower case,
 * no dot), mime_type (detected), depth and part_path. A matching rule is recorded as
 * yara.<identifier> with the severity of its meta "severity" (info, low, medium,
 * high, critical, or 0..4), medium when it has none.
 *
 * Limits: each scan gets at most lim.yara_timeout seconds, and never more than is
 * left before the message's deadline (ctx->deadline); the YARA scans of one message
 * also share lim.yara_seconds between them. A timeout, a string with too many matches or a
 * spent budget is yara.limit, never a pass. At most YARA_MAX_FILES files per folder
 * and YARA_MAX_SETS rule sets (precompiled files) per load.
 *
 * Every source file has its own namespace, so a rule cannot refer to a rule of
 * another file (use `include` for shared private rules).
 *
 * BUGS: precompiled rule sets cannot see the external variables unless they were
 * compiled with them (their values are then simply not set). Only the first
 * lim.scan_window bytes of a part are scanned (scan.c records scan.limit). Rules
 * that `include` files read them relative to the including file, unbounded by us.
 * libyara 4.2's yr_scanner_create does not check all its allocations: one that
 * fails crashes the scan that follows (tests/unit/test_failalloc.c leaves them be).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* <yara.h> would find scanners/yara.h first (-Iscanners): name the parts. */
#include <yara/libyara.h>
#include <yara/error.h>
#include <yara/compiler.h>
#include <yara/rules.h>
#include <yara/scanner.h>
#include <yara/scan.h>

#include "core/clock.h"
#include "core/analyser.h"
#include "core/report.h"
#include "yara/yara.h"

#define YARA_MAX_SETS   16   /* rule sets (1 compiled + precompiled files) */
#define YARA_MAX_FILES  4096 /* rule files read from one folder */
#define YARA_MAX_EXT    32   /* bytes of extension handed to rules */
#define YARA_DETAIL_MAX 900  /* bytes of namespace/tags/meta in a finding */

struct yara_rules {
	YR_RULES *set[YARA_MAX_SETS];
	size_t nset;
	unsigned count;
};

/* Per-message state: one scanner per rule set in use, and the time spent. */
#define YARA_MAX_SCANNERS (4 * YARA_MAX_SETS)
struct yara_msg {
	const YR_RULES *key[YARA_MAX_SCANNERS];
	YR_SCANNER *sc[YARA_MAX_SCANNERS];
	size_t n;
	double spent; /* seconds of YARA in this message */
	int budget_reported;
};

/* What the match callback needs. */
struct yara_cbarg {
	struct scan_ctx *ctx;
	int part;
	em_status st;
};

static const char *const yara_externals[] = {
	"filename",
	"extension",
	"mime_type",
	"part_path",
};

int
yara_global_init(void)
{
	return yr_initialize() == ERROR_SUCCESS ? 0 : -1;
}

void
yara_global_fini(void)
{
	yr_finalize();
}

/* ---------------------------------------------------------------- compiling */

static void
yara_compile_cb(int level, const char *file, int line, const YR_RULE *rule,
    const char *msg, void *arg)
{
	struct strbuf *err = arg;

	(void)rule;
	if (level != YARA_ERROR_LEVEL_ERROR)
		return;
	sb_printf(err, "%s:%d: %s\n", file != NULL ? file : "?", line, msg);
}

static int
yara_define_externals(YR_COMPILER *c)
{
	size_t i;

	for (i = 0; i < sizeof(yara_externals) / sizeof(yara_externals[0]); i++)
		if (yr_compiler_define_string_variable(c, yara_externals[i], "") !=
		    ERROR_SUCCESS)
			return -1;
	return yr_compiler_define_integer_variable(c, "depth", 0) == ERROR_SUCCESS ? 0 :
										     -1;
}

/* 1 when PATH starts with the magic of compiled rules, 0 otherwise, -1 unreadable. */
static int
yara_is_compiled(const char *path)
{
	unsigned char m[4];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	n = fread(m, 1, sizeof(m), fp);
	fclose(fp);
	return n == 4 && memcmp(m, "YARA", 4) == 0;
}

/* Namespace for a rule file: its basename without the extension. */
static void
yara_namespace(const char *path, char *ns, size_t nsz)
{
	const char *b = strrchr(path, '/'), *dot;
	size_t n;

	b = b != NULL ? b + 1 : path;
	dot = strrchr(b, '.');
	n = dot != NULL && dot != b ? (size_t)(dot - b) : strlen(b);
	if (n >= nsz)
		n = nsz - 1;
	memcpy(ns, b, n);
	ns[n] = '\0';
}

/* One load in progress. libyara aborts (assert) when a compiler that reported an
 * error is given more source, so files after a broken one are only checked, each in
 * a scratch compiler (every file has its own namespace, so a file never needs an
 * earlier one's rules), and the load fails with every file's errors. */
struct yara_load {
	struct yara_rules *r;
	YR_COMPILER *c;
	int failed;
	struct strbuf *err;
};

/* Compile the source file FP into the load's compiler, or a scratch one after a
 * failure. 0 or -1. */
static int
yara_compile_file(struct yara_load *L, FILE *fp, const char *path)
{
	YR_COMPILER *use = L->c, *scratch = NULL;
	char ns[128];
	int k;

	if (L->failed) {
		if (yr_compiler_create(&scratch) != ERROR_SUCCESS ||
		    yara_define_externals(scratch) != 0) {
			yr_compiler_destroy(scratch);
			sb_printf(L->err, "%s:0: out of memory\n", path);
			return -1;
		}
		yr_compiler_set_callback(scratch, yara_compile_cb, L->err);
		use = scratch;
	}
	yara_namespace(path, ns, sizeof(ns));
	k = yr_compiler_add_file(use, fp, ns, path);
	if (scratch != NULL)
		yr_compiler_destroy(scratch);
	if (k != 0)
		L->failed = 1;
	return k == 0 ? 0 : -1;
}

/* One file: into the compiler, or loaded as a precompiled set. 0 or -1. */
static int
yara_add_file(struct yara_load *L, const char *path)
{
	struct yara_rules *r = L->r;
	FILE *fp;
	int k;

	if ((k = yara_is_compiled(path)) < 0) {
		sb_printf(L->err, "%s:0: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	if (k == 1) {
		if (r->nset >= YARA_MAX_SETS) {
			sb_printf(L->err, "%s:0: more than %d precompiled rule files\n",
			    path, YARA_MAX_SETS - 1);
			return -1;
		}
		if (yr_rules_load(path, &r->set[r->nset]) != ERROR_SUCCESS) {
			sb_printf(L->err,
			    "%s:0: not a compiled rule file this libyara reads\n", path);
			return -1;
		}
		r->nset++;
		return 0;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		sb_printf(L->err, "%s:0: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	k = yara_compile_file(L, fp, path);
	fclose(fp);
	return k;
}

static int
yara_rule_file_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	if (d->d_name[0] == '.')
		return 0;
	return (n > 4 && strcmp(d->d_name + n - 4, ".yar") == 0) ||
	    (n > 5 && strcmp(d->d_name + n - 5, ".yara") == 0);
}

/* A folder: its *.yar / *.yara files in name order. 0 or -1. */
static int
yara_add_dir(struct yara_load *L, const char *dir)
{
	struct dirent **list = NULL;
	struct strbuf path = STRBUF_INIT;
	int i, n, rc = 0;

	if ((n = scandir(dir, &list, yara_rule_file_name, alphasort)) < 0) {
		sb_printf(L->err, "%s:0: cannot read folder: %s\n", dir, strerror(errno));
		return -1;
	}
	if (n > YARA_MAX_FILES) {
		sb_printf(L->err, "%s:0: more than %d rule files\n", dir, YARA_MAX_FILES);
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		if (i < YARA_MAX_FILES) {
			sb_reset(&path);
			sb_printf(&path, "%s/%s", dir, list[i]->d_name);
			if (path.oom || yara_add_file(L, sb_str(&path)) != 0)
				rc = -1;
		}
		free(list[i]);
	}
	free(list);
	sb_free(&path);
	return rc;
}

static int
yara_count_cb(const YR_RULES *set)
{
	YR_RULES *s = (YR_RULES *)(uintptr_t)set;
	YR_RULE *rule;
	int n = 0;

	yr_rules_foreach(s, rule) n++;
	return n;
}

static int
yara_add_path(struct yara_load *L, const char *p)
{
	struct stat st;

	if (stat(p, &st) != 0) {
		sb_printf(L->err, "%s:0: %s\n", p, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return yara_add_dir(L, p);
	return yara_add_file(L, p);
}

struct yara_rules *
yara_rules_load(const char *const *paths, size_t npaths, struct strbuf *err)
{
	struct yara_load L = { NULL, NULL, 0, err };
	size_t i;
	int bad = 0;

	if ((L.r = calloc(1, sizeof(*L.r))) == NULL ||
	    yr_compiler_create(&L.c) != ERROR_SUCCESS) {
		sb_adds(err, "yara: out of memory\n");
		goto fail;
	}
	L.r->nset = 1; /* set[0]: the compiled sources */
	yr_compiler_set_callback(L.c, yara_compile_cb, err);
	if (yara_define_externals(L.c) != 0) {
		sb_adds(err, "yara: cannot define external variables\n");
		goto fail;
	}
	for (i = 0; i < npaths; i++)
		if (yara_add_path(&L, paths[i]) != 0)
			bad = 1;
	if (bad || L.failed)
		goto fail;
	if (yr_compiler_get_rules(L.c, &L.r->set[0]) != ERROR_SUCCESS) {
		sb_adds(err, "yara: out of memory\n");
		goto fail;
	}
	yr_compiler_destroy(L.c);
	for (i = 0; i < L.r->nset; i++)
		L.r->count += (unsigned)yara_count_cb(L.r->set[i]);
	return L.r;
fail:
	if (L.c != NULL)
		yr_compiler_destroy(L.c);
	yara_rules_free(L.r);
	return NULL;
}

void
yara_rules_free(struct yara_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nset; i++)
		if (r->set[i] != NULL)
			yr_rules_destroy(r->set[i]);
	free(r);
}

unsigned
yara_rules_count(const struct yara_rules *r)
{
	return r != NULL ? r->count : 0;
}

/* ---------------------------------------------------------------- scanning */

void
yara_msg_free(struct yara_msg *y)
{
	size_t i;

	if (y == NULL)
		return;
	for (i = 0; i < y->n; i++)
		yr_scanner_destroy(y->sc[i]);
	free(y);
}

/* The meta "severity" of RULE, SEV_MEDIUM when absent or not understood. */
static enum severity
yara_rule_sev(const YR_RULE *rule)
{
	static const char *const names[] = { "info", "low", "medium", "high",
		"critical" };
	const YR_META *m;
	size_t i;

	yr_rule_metas_foreach(rule, m)
	{
		if (strcmp(m->identifier, "severity") != 0)
			continue;
		if (m->type == META_TYPE_INTEGER && m->integer >= SEV_INFO &&
		    m->integer <= SEV_CRITICAL)
			return (enum severity)m->integer;
		if (m->type == META_TYPE_STRING && m->string != NULL)
			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (strcasecmp(m->string, names[i]) == 0)
					return (enum severity)i;
		break;
	}
	return SEV_MEDIUM;
}

/* "namespace=N, tags=a b, k=v, k=v" (bounded). */
static void
yara_rule_detail(const YR_RULE *rule, struct strbuf *d)
{
	const YR_META *m;
	const char *tag;
	int first = 1;

	sb_printf(d, "namespace=%s", rule->ns != NULL ? rule->ns->name : "default");
	yr_rule_tags_foreach(rule, tag)
	{
		sb_adds(d, first ? ", tags=" : " ");
		sb_adds(d, tag);
		first = 0;
	}
	yr_rule_metas_foreach(rule, m)
	{
		if (m->type == META_TYPE_STRING)
			sb_printf(d, ", %s=%s", m->identifier,
			    m->string != NULL ? m->string : "");
		else if (m->type == META_TYPE_INTEGER)
			sb_printf(d, ", %s=%lld", m->identifier, (long long)m->integer);
		else
			sb_printf(
			    d, ", %s=%s", m->identifier, m->integer ? "true" : "false");
	}
}

static int
yara_match_cb(YR_SCAN_CONTEXT *sctx, int msg, void *data, void *arg)
{
	struct yara_cbarg *a = arg;
	struct strbuf d = STRBUF_INIT, name = STRBUF_INIT;
	const YR_RULE *rule = data;
	em_status st = EM_OK;

	if (msg == CALLBACK_MSG_TOO_MANY_MATCHES) {
		const YR_STRING *s = data;

		report_add(a->ctx->r, a->part, "yara.limit",
		    "string %s of rule %s has more than %d matches: later ones not seen",
		    s->identifier, sctx->rules->rules_table[s->rule_idx].identifier,
		    YR_MAX_STRING_MATCHES);
		return CALLBACK_CONTINUE;
	}
	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	sb_init(&d, YARA_DETAIL_MAX);
	yara_rule_detail(rule, &d);
	sb_printf(&name, "yara.%s", rule->identifier);
	if (d.oom || name.oom)
		st = EM_TEMPFAIL;
	else
		report_add_sev(a->ctx->r, a->part, sb_str(&name), yara_rule_sev(rule),
		    "%s", sb_str(&d));
	sb_free(&d);
	sb_free(&name);
	if (st != EM_OK && a->st == EM_OK)
		a->st = st;
	return CALLBACK_CONTINUE;
}

/* The message's scanner for SET, created on first use; NULL when out of memory. */
static YR_SCANNER *
yara_scanner(struct yara_msg *y, const YR_RULES *set)
{
	size_t i;

	for (i = 0; i < y->n; i++)
		if (y->key[i] == set)
			return y->sc[i];
	if (y->n >= YARA_MAX_SCANNERS ||
	    yr_scanner_create((YR_RULES *)set, &y->sc[y->n]) != ERROR_SUCCESS)
		return NULL;
	y->key[y->n] = set;
	yr_scanner_set_flags(y->sc[y->n], SCAN_FLAGS_FAST_MODE);
	return y->sc[y->n++];
}

/* Lower-case extension of NAME without the dot, "" when none. */
static void
yara_extension(const char *name, char *ext, size_t esz)
{
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t i;

	ext[0] = '\0';
	if (dot == NULL || strchr(dot, '/') != NULL || strlen(dot + 1) >= esz)
		return;
	for (i = 0; dot[1 + i] != '\0'; i++)
		ext[i] = (char)tolower((unsigned char)dot[1 + i]);
	ext[i] = '\0';
}

/* Set the externals for this part (precompiled sets may lack them: ignored). */
static void
yara_set_externals(
    YR_SCANNER *sc, const struct scan_ctx *ctx, const struct scan_input *in)
{
	const struct report_part *p = report_part(ctx->r, in->part);
	char ext[YARA_MAX_EXT + 1];

	yara_extension(in->name, ext, sizeof(ext));
	yr_scanner_define_string_variable(
	    sc, "filename", in->name != NULL ? in->name : "");
	yr_scanner_define_string_variable(sc, "extension", ext);
	yr_scanner_define_string_variable(
	    sc, "mime_type", in->mime != NULL ? in->mime : "");
	yr_scanner_define_string_variable(
	    sc, "part_path", p != NULL && p->path != NULL ? p->path : "");
	yr_scanner_define_integer_variable(
	    sc, "depth", p != NULL ? (int64_t)p->depth : 0);
}

/* Seconds this scan may take: the per-part timeout within the message's YARA
 * budget and within the time left before the message's deadline. */
static int
yara_timeout(const struct scan_ctx *ctx, const struct yara_msg *y)
{
	double left = (double)ctx->cfg->lim.yara_seconds - y->spent;
	double dl = ctx->deadline - mono_now();
	unsigned t = ctx->cfg->lim.yara_timeout;

	if (dl < left)
		left = dl;

	if (t == 0 || t > scan_limits_ceiling.yara_timeout)
		t = scan_limits_ceiling.yara_timeout;
	if (left < (double)t)
		t = left < 1.0 ? 1u : (unsigned)left;
	return (int)t;
}

/* One rule set over the part. */
static em_status
yara_scan_set(struct scan_ctx *ctx, struct scan_input *in, const YR_RULES *set)
{
	struct yara_cbarg a = { ctx, in->part, EM_OK };
	struct yara_msg *y = ctx->yara;
	YR_SCANNER *sc;
	double t0;
	int rc, tmo;

	if ((sc = yara_scanner(y, set)) == NULL)
		return EM_TEMPFAIL;
	tmo = yara_timeout(ctx, y);
	yara_set_externals(sc, ctx, in);
	yr_scanner_set_callback(sc, yara_match_cb, &a);
	yr_scanner_set_timeout(sc, tmo);
	t0 = mono_now();
	rc = yr_scanner_scan_mem(sc, in->data != NULL ? in->data : (const uint8_t *)"",
	    in->data != NULL ? in->len : 0);
	y->spent += mono_now() - t0;
	yr_scanner_set_callback(sc, NULL, NULL);
	switch (rc) {
	case ERROR_SUCCESS: return a.st;
	case ERROR_SCAN_TIMEOUT:
		report_add(ctx->r, in->part, "yara.limit",
		    "YARA scan timed out after %d s on %zu bytes", tmo, in->len);
		return a.st != EM_OK ? a.st : EM_LIMIT;
	case ERROR_TOO_MANY_MATCHES:
		report_add(ctx->r, in->part, "yara.limit", "YARA: too many matches");
		return a.st != EM_OK ? a.st : EM_LIMIT;
	case ERROR_INSUFFICIENT_MEMORY: return EM_TEMPFAIL;
	default: scan_error(ctx, in->part, "yara", "libyara scan error"); return a.st;
	}
}

em_status
yara_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	const struct yara_rules *r;
	em_status st, ret = EM_OK;
	size_t i, j;

	if (ctx->cfg->rules[0] == NULL)
		return EM_OK;
	if (ctx->yara == NULL && (ctx->yara = calloc(1, sizeof(*ctx->yara))) == NULL)
		return EM_TEMPFAIL;
	for (i = 0; i < 4 && (r = ctx->cfg->rules[i]) != NULL; i++)
		for (j = 0; j < r->nset; j++) {
			if (ctx->yara->spent >= (double)ctx->cfg->lim.yara_seconds ||
			    mono_now() >= ctx->deadline) {
				if (!ctx->yara->budget_reported)
					report_add(ctx->r, in->part, "yara.limit",
					    "the message's time budget (%u s) is spent: "
					    "YARA skipped from here on",
					    ctx->cfg->lim.yara_seconds);
				ctx->yara->budget_reported = 1;
				return EM_LIMIT;
			}
			st = yara_scan_set(ctx, in, r->set[j]);
			if (!em_status_local(st))
				return st;
			if (st != EM_OK)
				ret = st;
		}
	return ret;
}
