/*
 * test_fatimg.c: fatimg_scan() on FAT images built by tests/data/fat/mkfat.py (run
 * here into a private folder): files in subdirectories with long names become parts
 * on FAT12, FAT16, FAT32 and an MBR-partitioned image; a bad long-name checksum falls
 * back to the 8.3 name; separators, controls and lone surrogates in long names are
 * neutralised; a cluster loop, a chain past the image, a truncated image and
 * a directory loop are archive.corrupt and end; the depth, member and byte bounds give
 * archive.limit just over and not just under; a non-FAT buffer is EM_END with nothing
 * recorded.
 *
 * fatimg_scan is called directly with the class set, so these tests do not depend on
 * type detection (mbr.img is not classed as a disk image by filetype.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"

static char fxdir[512];

struct run {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;
	em_status st;
};

/* Scan bytes DATA as a disk image; LIM may adjust limits. */
static void
run_mem(struct run *x, const void *data, size_t len, void (*lim)(struct scan_limits *))
{
	struct scan_input in;

	memset(x, 0, sizeof(*x));
	scan_limits_default(&x->cfg.lim);
	if (lim != NULL)
		lim(&x->cfg.lim);
	x->r = report_new();
	assert_int_equal(report_part_add(x->r, -1, "", 1), 0);
	x->ctx = scan_new(&x->cfg, x->r);
	x->sp = spool_new(x->cfg.lim.spool_memory, NULL);
	assert_non_null(x->ctx);
	assert_non_null(x->sp);
	if (len > 0)
		assert_int_equal(spool_write(x->sp, data, len), EM_OK);
	memset(&in, 0, sizeof(in));
	in.sp = x->sp;
	in.size = spool_size(x->sp);
	in.tc = TC_DISK_IMAGE;
	x->st = fatimg_scan(x->ctx, &in);
}

static void
run_fx(struct run *x, const char *name, void (*lim)(struct scan_limits *))
{
	char path[1024];
	unsigned char *buf;
	long n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", fxdir, name);
	assert_non_null(fp = fopen(path, "rb"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	assert_true(n > 0);
	assert_non_null(buf = malloc((size_t)n));
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	run_mem(x, buf, (size_t)n, lim);
	free(buf);
}

static void
run_free(struct run *x)
{
	spool_free(x->sp);
	scan_free(x->ctx);
	report_free(x->r);
}

static int
part_named(const struct run *x, const char *path)
{
	int i;

	for (i = 0; i < report_nparts(x->r); i++)
		if (strcmp(report_part(x->r, i)->path, path) == 0)
			return i;
	return -1;
}

/* Findings named NAME whose detail contains SUB (NULL: any). */
static int
count_findings(const struct run *x, const char *name, const char *sub)
{
	const struct finding *f;
	int i, n = 0;

	for (i = 0; i < report_nfindings(x->r); i++) {
		f = report_finding(x->r, i);
		if (strcmp(f->name, name) == 0 && (sub == NULL ||
		    (f->detail != NULL && strstr(f->detail, sub) != NULL)))
			n++;
	}
	return n;
}

static int
setup(void **state)
{
	const char *b = getenv("EMBARGO_BUILD");
	const char *root = getenv("EMBARGO_ROOT");
	char cmd[2048];

	(void)state;
	/* run.sh joins ROOT and B even when B is absolute (ROOT//tmp/b-x) */
	if (b != NULL && strstr(b, "//") != NULL)
		b = strstr(b, "//") + 1;
	snprintf(fxdir, sizeof(fxdir), "%s/data/fat", b ? b : "/tmp/embargo-test");
	snprintf(cmd, sizeof(cmd), "python3 %s/tests/data/fat/mkfat.py '%s'",
	    root ? root : ".", fxdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The tree every good fixture holds: README.TXT and Documents/<long name>, the
 * deleted entry and the volume label not listed, the bytes as written. */
static void
assert_tree(const char *fx, int extra_parts)
{
	unsigned char inv[3000];
	struct spool *sp;
	char hex[65];
	struct run x;
	int p;
	size_t i;

	for (i = 0; i < sizeof(inv); i++)
		inv[i] = (unsigned char)((i * 7 + 3) & 0xff);
	sp = spool_new(1u << 20, NULL);
	assert_int_equal(spool_write(sp, inv, sizeof(inv)), EM_OK);
	spool_sha256(sp, hex);
	spool_free(sp);
	run_fx(&x, fx, NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 3 + extra_parts);
	assert_int_not_equal(p = part_named(&x, "README.TXT"), -1);
	assert_int_equal(report_part(x.r, p)->size, 23);
	assert_int_not_equal(p = part_named(&x, "Documents/Invoice 2024 final.pdf.exe"), -1);
	assert_int_equal(report_part(x.r, p)->size, 3000);
	assert_string_equal(report_part(x.r, p)->sha256, hex);
	assert_int_equal(count_findings(&x, "archive.corrupt", NULL), 0);
	assert_int_equal(count_findings(&x, "archive.limit", NULL), 0);
	run_free(&x);
}

static void
fat12_long_name_in_subdirectory(void **state)
{
	(void)state;
	assert_tree("fat12.img", 0);
}

static void
fat16_long_name_in_subdirectory(void **state)
{
	(void)state;
	assert_tree("fat16.img", 0);
}

static void
fat32_long_name_in_subdirectory(void **state)
{
	struct run x;

	(void)state;
	assert_tree("fat32.img", 1);
	run_fx(&x, "fat32.img", NULL);
	/* U+00FC and the surrogate pair of U+1F4B0, as UTF-8 */
	assert_int_not_equal(part_named(&x, "Fact\xc3\xbcre \xf0\x9f\x92\xb0.js"), -1);
	run_free(&x);
}

static void
mbr_first_fat_partition(void **state)
{
	(void)state;
	assert_tree("mbr.img", 0);
}

static void
bad_lfn_checksum_uses_short_name(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "badlfn.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 2);
	assert_int_not_equal(part_named(&x, "LONGNA~1.TXT"), -1);
	run_free(&x);
}

static void
hostile_long_names_are_sanitised(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "names.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 3);
	/* '/', '\\' and U+0001 become '_', the lone surrogate U+FFFD: no fake path step */
	assert_int_not_equal(part_named(&x, "a_b_c_\xef\xbf\xbd.exe"), -1);
	/* a long name "." is no name: the 8.3 name is used */
	assert_int_not_equal(part_named(&x, "DOT~1.TXT"), -1);
	run_free(&x);
}

static void
cluster_loop_is_corrupt(void **state)
{
	struct run x;
	int p;

	(void)state;
	run_fx(&x, "loop.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(count_findings(&x, "archive.corrupt", "used twice"), 1);
	/* the two clusters before the loop are still scanned */
	assert_int_not_equal(p = part_named(&x, "README.TXT"), -1);
	assert_int_equal(report_part(x.r, p)->size, 1024);
	run_free(&x);
}

static void
chain_past_image_is_corrupt(void **state)
{
	struct run x;
	int p;

	(void)state;
	run_fx(&x, "pastend.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(count_findings(&x, "archive.corrupt", "BIG.BIN"), 1);
	assert_int_equal(count_findings(&x, "archive.corrupt", "past the end of the image"), 1);
	assert_int_not_equal(p = part_named(&x, "BIG.BIN"), -1);
	assert_true(report_part(x.r, p)->size < 3000);
	assert_int_not_equal(p = part_named(&x, "PAD.BIN"), -1);
	assert_int_equal(report_part(x.r, p)->size, 32 * 512);
	run_free(&x);
}

static void
truncated_image_is_corrupt(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "truncated.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 1);
	assert_int_equal(count_findings(&x, "archive.corrupt", "past the end of the image"), 1);
	run_free(&x);
}

static void
directory_loop_is_corrupt(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "dirloop.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 2);
	assert_int_not_equal(part_named(&x, "A/README.TXT"), -1);
	assert_int_equal(count_findings(&x, "archive.corrupt", "A/B: cluster"), 1);
	run_free(&x);
}

static void
depth_just_under_and_over(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "deep32.img", NULL);
	assert_int_equal(report_nparts(x.r), 2);
	assert_int_equal(count_findings(&x, "archive.limit", NULL), 0);
	run_free(&x);
	run_fx(&x, "deep33.img", NULL);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 1);
	assert_int_equal(count_findings(&x, "archive.limit", "deeper than 32"), 1);
	run_free(&x);
}

static void
two_members(struct scan_limits *l)
{
	l->archive_members = 2;
}

static void
one_member(struct scan_limits *l)
{
	l->archive_members = 1;
}

static void
bytes_exact(struct scan_limits *l)
{
	l->archive_bytes = 3023;
}

static void
bytes_short(struct scan_limits *l)
{
	l->archive_bytes = 3022;
}

static void
member_budget_just_under_and_over(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "fat12.img", two_members);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(report_nparts(x.r), 3);
	assert_int_equal(count_findings(&x, "archive.limit", NULL), 0);
	run_free(&x);
	run_fx(&x, "fat12.img", one_member);
	assert_int_equal(x.st, EM_LIMIT);
	assert_int_equal(report_nparts(x.r), 2);
	assert_int_equal(count_findings(&x, "archive.limit", "member limit"), 1);
	run_free(&x);
}

static void
byte_budget_just_under_and_over(void **state)
{
	struct run x;

	(void)state;
	run_fx(&x, "fat12.img", bytes_exact);
	assert_int_equal(x.st, EM_OK);
	assert_int_equal(count_findings(&x, "archive.limit", NULL), 0);
	run_free(&x);
	run_fx(&x, "fat12.img", bytes_short);
	assert_int_equal(x.st, EM_LIMIT);
	assert_int_equal(count_findings(&x, "archive.limit", "unpacked bytes"), 1);
	run_free(&x);
}

static void
not_fat_is_end(void **state)
{
	unsigned char junk[4096];
	struct run x;

	(void)state;
	run_fx(&x, "notfat.bin", NULL);
	assert_int_equal(x.st, EM_END);
	assert_int_equal(report_nfindings(x.r), 0);
	assert_int_equal(report_nparts(x.r), 1);
	run_free(&x);
	memset(junk, 'A', sizeof(junk));
	run_mem(&x, junk, sizeof(junk), NULL);
	assert_int_equal(x.st, EM_END);
	assert_int_equal(report_nfindings(x.r), 0);
	run_free(&x);
	run_mem(&x, junk, 0, NULL);
	assert_int_equal(x.st, EM_END);
	assert_int_equal(report_nfindings(x.r), 0);
	run_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fat12_long_name_in_subdirectory),
		cmocka_unit_test(fat16_long_name_in_subdirectory),
		cmocka_unit_test(fat32_long_name_in_subdirectory),
		cmocka_unit_test(mbr_first_fat_partition),
		cmocka_unit_test(bad_lfn_checksum_uses_short_name),
		cmocka_unit_test(hostile_long_names_are_sanitised),
		cmocka_unit_test(cluster_loop_is_corrupt),
		cmocka_unit_test(chain_past_image_is_corrupt),
		cmocka_unit_test(truncated_image_is_corrupt),
		cmocka_unit_test(directory_loop_is_corrupt),
		cmocka_unit_test(depth_just_under_and_over),
		cmocka_unit_test(member_budget_just_under_and_over),
		cmocka_unit_test(byte_budget_just_under_and_over),
		cmocka_unit_test(not_fat_is_end),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
