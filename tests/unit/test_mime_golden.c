/*
 * test_mime_golden.c: the MIME parser alone, against golden files, in the manner of
 * Postfix's mime_state tests. Every tests/unit/mime/NAME.eml is fed to mime_* with a
 * recording sink (no msgscan, no type detection, no analysers): one line per sink
 * call (leaf: part, path, type, charset, size, digest; child: parent, name, size;
 * text: part, length, text), then the parser's own findings, compared with
 * tests/unit/mime/NAME.ref. The same log must come out when the message is fed one
 * byte at a time.
 *
 * MIME_GOLDEN_UPDATE=1 rewrites the .ref files (review the diff before committing).
 * Run from the top of the tree (tests/run.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/report.h"
#include "core/strbuf.h"
#include "mime/mime.h"

#define GOLDEN_DIR "tests/unit/mime"

struct rec {
	struct report *r;
	struct strbuf log;
};

static const char *
rec_path(struct rec *rc, int part)
{
	const struct report_part *rp = report_part(rc->r, part);

	return rp != NULL ? rp->path : "?";
}

static em_status
rec_leaf(void *arg, const struct mime_leafinfo *li, struct spool *sp, int *as_message)
{
	struct rec *rc = arg;
	const struct report_part *rp = report_part(rc->r, li->part);
	char hex[65];

	spool_sha256(sp, hex);
	sb_printf(&rc->log, "leaf part=%d path=%s type=%s charset=%s name=%s size=%llu "
	    "cut=%d sha256=%.12s\n", li->part, rec_path(rc, li->part), li->type,
	    *li->charset ? li->charset : "-", rp && rp->filename ? rp->filename : "-",
	    (unsigned long long)spool_size(sp), li->cut, hex);
	*as_message = 0;
	return EM_OK;
}

static em_status
rec_child(void *arg, int parent, const char *name, struct spool *sp)
{
	struct rec *rc = arg;

	sb_printf(&rc->log, "child parent=%d path=%s name=%s size=%llu\n", parent,
	    rec_path(rc, parent), name, (unsigned long long)spool_size(sp));
	return EM_OK;
}

static void
rec_text(void *arg, int part, const char *s, size_t n)
{
	struct rec *rc = arg;
	size_t i;

	sb_printf(&rc->log, "text part=%d path=%s len=%zu ", part, rec_path(rc, part), n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			sb_addc(&rc->log, (char)c);
		else
			sb_printf(&rc->log, "\\x%02x", c);
	}
	sb_addc(&rc->log, '\n');
}

static const struct mime_sink rec_sink = { rec_leaf, rec_child, rec_text };

/* The event log of MSG fed in CHUNK-byte pieces (0: whole), findings appended. */
static char *
golden_run(const char *msg, size_t len, size_t chunk)
{
	struct scan_limits lim;
	struct mime_conf mc;
	struct rec rc;
	struct mime *p;
	size_t off, k;
	char *out;
	int i;

	scan_limits_default(&lim);
	rc.r = report_new();
	sb_init(&rc.log, 1 << 20);
	assert_non_null(rc.r);
	assert_true(report_part_add(rc.r, -1, "", 1) == 0);
	memset(&mc, 0, sizeof(mc));
	mc.sink = &rec_sink;
	mc.arg = &rc;
	mc.r = rc.r;
	mc.lim = &lim;
	assert_non_null(p = mime_new(&mc, 0, lim.mime_depth, 1));
	for (off = 0; off < len; off += k) {
		k = chunk == 0 || len - off < chunk ? len - off : chunk;
		assert_int_equal(mime_feed(p, msg + off, k), EM_OK);
	}
	assert_int_equal(mime_end(p), EM_OK);
	for (i = 0; i < report_nfindings(rc.r); i++) {
		const struct finding *f = report_finding(rc.r, i);

		sb_printf(&rc.log, "finding path=%s %s: %s\n", rec_path(&rc, f->part),
		    f->name, f->detail ? f->detail : "");
	}
	mime_free(p);
	report_free(rc.r);
	assert_false(rc.log.oom || rc.log.truncated);
	out = strdup(sb_str(&rc.log));
	sb_free(&rc.log);
	return out;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

static int
golden_one(const char *name)
{
	char path[512], ref[512];
	char *msg, *log, *log1, *want;
	size_t len, rlen = 0;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	snprintf(ref, sizeof(ref), "%.*s.ref", (int)(strlen(path) - 4), path);
	assert_non_null(msg = slurp(path, &len));
	log = golden_run(msg, len, 0);
	log1 = golden_run(msg, len, 1);
	if (strcmp(log, log1) != 0)
		print_error("%s: fed byte by byte, the log differs:\n%s\n---\n%s\n", name, log, log1);
	ok = strcmp(log, log1) == 0;
	if (getenv("MIME_GOLDEN_UPDATE") != NULL) {
		FILE *fp = fopen(ref, "wb");

		assert_non_null(fp);
		fputs(log, fp);
		fclose(fp);
	}
	want = slurp(ref, &rlen);
	if (want == NULL || strcmp(want, log) != 0) {
		print_error("%s: event log differs from %s; got:\n%s", name, ref, log);
		ok = 0;
	}
	free(want);
	free(log);
	free(log1);
	free(msg);
	return ok;
}

static void
golden_files_match(void **state)
{
	DIR *d = opendir(GOLDEN_DIR);
	struct dirent *e;
	int n = 0, bad = 0;
	size_t l;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".eml") != 0)
			continue;
		n++;
		if (!golden_one(e->d_name))
			bad++;
	}
	closedir(d);
	assert_true(n >= 6);
	assert_int_equal(bad, 0);
}

/* A sink that refuses a leaf stops the parser with that status. */
static em_status
refuse_leaf(void *arg, const struct mime_leafinfo *li, struct spool *sp, int *as_message)
{
	(void)arg;
	(void)li;
	(void)sp;
	*as_message = 0;
	return EM_TEMPFAIL;
}

static void
sink_failure_is_sticky(void **state)
{
	static const char msg[] = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n"
	    "one\r\n--b\r\n\r\ntwo\r\n--b--\r\n";
	static const struct mime_sink sink = { refuse_leaf, NULL, NULL };
	struct scan_limits lim;
	struct mime_conf mc;
	struct report *r = report_new();
	struct mime *p;

	(void)state;
	scan_limits_default(&lim);
	report_part_add(r, -1, "", 1);
	memset(&mc, 0, sizeof(mc));
	mc.sink = &sink;
	mc.r = r;
	mc.lim = &lim;
	p = mime_new(&mc, 0, lim.mime_depth, 1);
	assert_int_equal(mime_feed(p, msg, sizeof(msg) - 1), EM_TEMPFAIL);
	assert_int_equal(mime_end(p), EM_TEMPFAIL);
	mime_free(p);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_files_match),
		cmocka_unit_test(sink_failure_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
