/*
 * test_cfb.c: the compound file reader (cfb.c) on files built here: mini and
 * regular streams with 512- and 4096-byte sectors, storages and parent links,
 * FAT and DIFAT loops, directory tree loops, every truncation; and ole_scan() on
 * built files (Packager objects, encrypted packages, Word DDE and fEncrypted,
 * garbage).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/analyser.h"
#include "office/cfb.h"

/* ---- a small compound file writer (consecutive chains, list-shaped trees) ---- */

struct bent {
	const char *name;
	int type;           /* CFB_STORAGE or CFB_STREAM */
	int parent;         /* index in the list; the root is implicit (-1 here = root) */
	const void *data;
	size_t len;
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

#define NSEC(n, s) (((n) + (s) - 1) / (s))

/* Build a file of NE entries (plus the root) with sectors of SS bytes. */
static unsigned char *
build(const struct bent *e, unsigned ne, size_t ss, size_t *outlen)
{
	uint32_t mini_units = 0, big_secs = 0, fat_secs, dir_secs, mf_secs, ms_secs, total;
	uint32_t msu[32], bsu[32], sec, i, k, first_child[33], right[33];
	unsigned char *f, *d;
	size_t len;

	assert_true(ne < 32);
	for (i = 0; i < ne; i++) {
		if (e[i].type != CFB_STREAM)
			continue;
		if (e[i].len < 4096) {
			msu[i] = mini_units;
			mini_units += (uint32_t)NSEC(e[i].len, 64);
		} else {
			bsu[i] = big_secs;
			big_secs += (uint32_t)NSEC(e[i].len, ss);
		}
	}
	dir_secs = (uint32_t)NSEC((ne + 1) * 128, ss);
	mf_secs = (uint32_t)NSEC(mini_units * 4, ss);
	ms_secs = (uint32_t)NSEC(mini_units * 64, ss);
	for (fat_secs = 1;; fat_secs++) {
		total = fat_secs + dir_secs + mf_secs + ms_secs + big_secs;
		if (fat_secs * (ss / 4) >= total)
			break;
	}
	len = ss * (1 + total);
	f = calloc(1, len);
	assert_non_null(f);
	memcpy(f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	put16(f + 0x18, 0x3E);
	put16(f + 0x1A, ss == 512 ? 3 : 4);
	put16(f + 0x1C, 0xFFFE);
	put16(f + 0x1E, ss == 512 ? 9 : 12);
	put16(f + 0x20, 6);
	put32(f + 0x2C, fat_secs);
	put32(f + 0x30, fat_secs);
	put32(f + 0x38, 4096);
	put32(f + 0x3C, mf_secs ? fat_secs + dir_secs : 0xFFFFFFFEu);
	put32(f + 0x40, mf_secs);
	put32(f + 0x44, 0xFFFFFFFEu);
	for (i = 0; i < 109; i++)
		put32(f + 0x4C + 4 * i, i < fat_secs ? i : 0xFFFFFFFFu);
	/* FAT: FAT sectors, then each region as one consecutive chain */
#define FAT(s) (f + ss + 4 * (size_t)(s))
	for (sec = 0; sec < fat_secs * (ss / 4); sec++)
		put32(FAT(sec), 0xFFFFFFFFu);
	for (sec = 0; sec < fat_secs; sec++)
		put32(FAT(sec), 0xFFFFFFFDu);
	sec = fat_secs;
	for (k = 0; k < dir_secs; k++, sec++)
		put32(FAT(sec), k + 1 < dir_secs ? sec + 1 : 0xFFFFFFFEu);
	for (k = 0; k < mf_secs; k++, sec++)
		put32(FAT(sec), k + 1 < mf_secs ? sec + 1 : 0xFFFFFFFEu);
	for (k = 0; k < ms_secs; k++, sec++)
		put32(FAT(sec), k + 1 < ms_secs ? sec + 1 : 0xFFFFFFFEu);
	for (i = 0; i < ne; i++) {
		uint32_t n = (uint32_t)NSEC(e[i].len, ss);

		if (e[i].type != CFB_STREAM || e[i].len < 4096)
			continue;
		for (k = 0; k < n; k++)
			put32(FAT(sec + bsu[i] + k), k + 1 < n ? sec + bsu[i] + k + 1 : 0xFFFFFFFEu);
		memcpy(f + ss * (1 + (size_t)sec + bsu[i]), e[i].data, e[i].len);
	}
	/* mini FAT and mini stream */
	d = f + ss * (1 + (size_t)fat_secs + dir_secs);
	for (k = 0; k < mf_secs * (ss / 4); k++)
		put32(d + 4 * k, 0xFFFFFFFFu);
	for (i = 0; i < ne; i++) {
		uint32_t n = (uint32_t)NSEC(e[i].len, 64);

		if (e[i].type != CFB_STREAM || e[i].len >= 4096)
			continue;
		for (k = 0; k < n; k++)
			put32(d + 4 * (msu[i] + k), k + 1 < n ? msu[i] + k + 1 : 0xFFFFFFFEu);
		memcpy(f + ss * (1 + (size_t)fat_secs + dir_secs + mf_secs) + 64 * (size_t)msu[i],
		    e[i].data, e[i].len);
	}
	/* directory: entry 0 is the root; children of each storage as a right-list */
	for (i = 0; i <= ne; i++)
		first_child[i] = right[i] = 0xFFFFFFFFu;
	for (i = ne; i-- > 0; ) {
		uint32_t p = (uint32_t)(e[i].parent + 1);

		right[i + 1] = first_child[p];
		first_child[p] = i + 1;
	}
	d = f + ss * (1 + (size_t)fat_secs);
	for (i = 0; i <= ne; i++) {
		unsigned char *x = d + 128 * (size_t)i;
		const char *nm = i == 0 ? "Root Entry" : e[i - 1].name;
		size_t c;

		for (c = 0; nm[c] != '\0' && c < 31; c++)
			put16(x + 2 * c, (unsigned char)nm[c]);
		put16(x + 0x40, (unsigned)(2 * (c + 1)));
		x[0x42] = (unsigned char)(i == 0 ? CFB_ROOT : e[i - 1].type);
		put32(x + 0x44, 0xFFFFFFFFu);
		put32(x + 0x48, right[i]);
		put32(x + 0x4C, first_child[i]);
		if (i == 0) {
			put32(x + 0x74, ms_secs ? fat_secs + dir_secs + mf_secs : 0xFFFFFFFEu);
			put32(x + 0x78, mini_units * 64);
		} else if (e[i - 1].type == CFB_STREAM) {
			put32(x + 0x74, e[i - 1].len < 4096 ? msu[i - 1] :
			    fat_secs + dir_secs + mf_secs + ms_secs + bsu[i - 1]);
			put32(x + 0x78, (uint32_t)e[i - 1].len);
		}
	}
	*outlen = len;
	return f;
}

static unsigned char big[10000];

static const struct bent sample[] = {
	{ "VBA", CFB_STORAGE, -1, NULL, 0 },
	{ "dir", CFB_STREAM, 0, "hello dir", 9 },
	{ "Big", CFB_STREAM, -1, big, sizeof(big) },
	{ "small", CFB_STREAM, -1, "0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789", 74 },
	{ "empty", CFB_STREAM, -1, "", 0 },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static void
check_sample(const unsigned char *f, size_t len)
{
	struct cfb *c = NULL;
	unsigned char *p;
	size_t n;
	char err[100];
	int vba, cut, i;

	assert_int_equal(cfb_open(f, len, &c, err, sizeof(err)), 0);
	assert_string_equal(cfb_anomaly(c), "");
	assert_true(cfb_count(c) >= NSAMPLE + 1);     /* the last sector's free slots too */
	vba = cfb_child(c, 0, "vba");
	assert_true(vba > 0);
	assert_int_equal(cfb_child(c, 0, "dir"), -1);      /* dir is inside VBA */
	i = cfb_child(c, vba, "DIR");
	assert_true(i > 0);
	assert_int_equal(cfb_read(c, (unsigned)i, 1000, &p, &n, &cut), 0);
	assert_int_equal(n, 9);
	assert_memory_equal(p, "hello dir", 9);
	assert_int_equal(cut, 0);
	free(p);
	i = cfb_child(c, 0, "Big");
	assert_int_equal(cfb_read(c, (unsigned)i, 1 << 20, &p, &n, &cut), 0);
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(p, big, sizeof(big));
	free(p);
	/* MAX cuts and says so */
	assert_int_equal(cfb_read(c, (unsigned)i, 100, &p, &n, &cut), 0);
	assert_int_equal(n, 100);
	assert_int_equal(cut, 1);
	free(p);
	i = cfb_child(c, 0, "small");
	assert_int_equal(cfb_read(c, (unsigned)i, 1000, &p, &n, &cut), 0);
	assert_int_equal(n, 74);
	assert_memory_equal(p, sample[3].data, 74);
	free(p);
	i = cfb_child(c, 0, "empty");
	assert_int_equal(cfb_read(c, (unsigned)i, 1000, &p, &n, &cut), 0);
	assert_int_equal(n, 0);
	free(p);
	assert_int_equal(cfb_read(c, (unsigned)vba, 1000, &p, &n, &cut), -1);
	cfb_free(c);
}

static void
reads_mini_and_regular_streams_512(void **state)
{
	unsigned char *f;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 3);
	f = build(sample, NSAMPLE, 512, &len);
	check_sample(f, len);
	free(f);
}

static void
reads_mini_and_regular_streams_4096(void **state)
{
	unsigned char *f;
	size_t len;

	(void)state;
	f = build(sample, NSAMPLE, 4096, &len);
	check_sample(f, len);
	free(f);
}

static void
rejects_what_is_not_a_compound_file(void **state)
{
	unsigned char junk[1024];
	struct cfb *c = NULL;
	char err[100];

	(void)state;
	memset(junk, 'A', sizeof(junk));
	assert_int_equal(cfb_open(junk, sizeof(junk), &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_non_null(strstr(err, "signature"));
	memcpy(junk, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	junk[0x1E] = 10;        /* 1024-byte sectors do not exist */
	assert_int_equal(cfb_open(junk, sizeof(junk), &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sector size"));
}

/* A FAT chain that points back to itself ends, cut, instead of looping. */
static void
fat_loop_is_cut(void **state)
{
	unsigned char *f;
	struct cfb *c = NULL;
	unsigned char *p;
	size_t len, n;
	char err[100];
	int i, cut;
	uint32_t start;

	(void)state;
	f = build(sample, NSAMPLE, 512, &len);
	assert_int_equal(cfb_open(f, len, &c, err, sizeof(err)), 0);
	i = cfb_child(c, 0, "Big");
	start = cfb_entry(c, (unsigned)i)->start;
	cfb_free(c);
	put32(f + 512 + 4 * (start + 3), start);     /* the 4th sector links to the 1st */
	assert_int_equal(cfb_open(f, len, &c, err, sizeof(err)), 0);
	assert_int_equal(cfb_read(c, (unsigned)i, 1 << 20, &p, &n, &cut), 0);
	assert_int_equal(n, 4 * 512);
	assert_int_equal(cut, 1);
	free(p);
	cfb_free(c);
	free(f);
}

/* A directory whose tree points back at an ancestor: every entry once, noted. */
static void
directory_loop_is_noted(void **state)
{
	unsigned char *f;
	struct cfb *c = NULL;
	size_t len;
	char err[100];

	(void)state;
	f = build(sample, NSAMPLE, 512, &len);
	/* entry 2 ("dir", inside VBA): its left sibling is VBA itself (entry 1) */
	put32(f + 512 * 2 + 128 * 2 + 0x44, 1);
	assert_int_equal(cfb_open(f, len, &c, err, sizeof(err)), 0);
	assert_non_null(strstr(cfb_anomaly(c), "loops"));
	assert_true(cfb_child(c, 0, "VBA") > 0);
	cfb_free(c);
	free(f);
}

/* The header asks for more FAT sectors than exist, through a DIFAT chain that loops. */
static void
difat_loop_is_bounded(void **state)
{
	unsigned char *f;
	struct cfb *c = NULL;
	size_t len;
	char err[100];

	(void)state;
	f = build(sample, NSAMPLE, 512, &len);
	put32(f + 0x2C, 5000);
	put32(f + 0x44, 0);     /* DIFAT chain starts at sector 0 (the FAT) */
	(void)cfb_open(f, len, &c, err, sizeof(err));
	if (c != NULL)
		assert_true(cfb_anomaly(c)[0] != '\0');
	cfb_free(c);
	free(f);
}

/* Every prefix of a valid file opens or fails cleanly (run under ASan in make asan). */
static void
every_truncation_is_safe(void **state)
{
	unsigned char *f, *cp;
	struct cfb *c;
	size_t len, cut, n;
	char err[100];
	unsigned i;
	int k;

	(void)state;
	f = build(sample, NSAMPLE, 512, &len);
	for (cut = 0; cut <= len; cut += (cut < 1600 ? 1 : 61)) {
		cp = malloc(cut + 1);
		memcpy(cp, f, cut);
		c = NULL;
		if (cfb_open(cp, cut, &c, err, sizeof(err)) == 0) {
			for (i = 0; i < cfb_count(c); i++) {
				unsigned char *p = NULL;

				if (cfb_read(c, i, 1 << 20, &p, &n, &k) == 0)
					free(p);
			}
			cfb_free(c);
		}
		free(cp);
	}
	free(f);
}

/* ---- ole_scan on built files ---- */

struct fixture {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
};

static void
run_ole(struct fixture *fx, const unsigned char *f, size_t len)
{
	struct scan_input in;

	memset(fx, 0, sizeof(*fx));
	scan_limits_default(&fx->cfg.lim);
	fx->r = report_new();
	report_part_add(fx->r, -1, "", 1);
	fx->ctx = scan_new(&fx->cfg, fx->r);
	memset(&in, 0, sizeof(in));
	in.data = f;
	in.len = len;
	in.size = len;
	in.tc = TC_OLE2;
	assert_int_equal(ole_scan(fx->ctx, &in), EM_OK);
}

static void
fixture_free(struct fixture *fx)
{
	scan_free(fx->ctx);
	report_free(fx->r);
}

static const char *
detail_of(struct report *r, const char *name)
{
	int i;

	for (i = 0; i < report_nfindings(r); i++)
		if (strcmp(report_finding(r, i)->name, name) == 0)
			return report_finding(r, i)->detail;
	return NULL;
}

static void
packager_object_becomes_a_child(void **state)
{
	static const unsigned char native[] =
	    "\x40\x00\x00\x00\x02\x00" "evil.js\0" "C:\\t\\evil.js\0" "\x00\x00\x03\x00"
	    "\x0d\x00\x00\x00" "C:\\t\\evil.js\0" "\x0b\x00\x00\x00" "WScript.Run";
	const struct bent e[] = {
		{ "ObjectPool", CFB_STORAGE, -1, NULL, 0 },
		{ "_1234", CFB_STORAGE, 0, NULL, 0 },
		{ "\001Ole10Native", CFB_STREAM, 1, native, sizeof(native) - 1 },
	};
	struct fixture fx;
	unsigned char *f;
	size_t len;
	int i, found = 0;

	(void)state;
	f = build(e, 3, 512, &len);
	run_ole(&fx, f, len);
	assert_non_null(strstr(detail_of(fx.r, "doc.ole_object"), "ObjectPool"));
	assert_true(report_nfindings(fx.r) >= 2);
	for (i = 1; i < report_nparts(fx.r); i++)
		if (strcmp(report_part(fx.r, i)->filename, "evil.js") == 0) {
			found = 1;
			assert_int_equal(report_part(fx.r, i)->size, 11);
		}
	assert_true(found);
	fixture_free(&fx);
	free(f);
}

/* A Packager link (type word 1, not 3): no bytes, but a double-click runs the target */
static void
packager_link_to_a_program_is_a_shortcut(void **state)
{
	static const unsigned char native[] =
	    "\x40\x00\x00\x00\x02\x00" "calc.exe\0" "C:\\W\\calc.exe\0" "\x00\x00\x01\x00"
	    "\x01\x00" "C:\\Program Files\\x\\calc.exe\0\0\0";
	static const unsigned char txt[] =
	    "\x40\x00\x00\x00\x02\x00" "a.txt\0" "C:\\a.txt\0" "\x00\x00\x01\x00"
	    "\x01\x00" "C:\\a.txt\0";
	struct bent e[] = { { "\001Ole10Native", CFB_STREAM, -1, native, sizeof(native) - 1 } };
	struct fixture fx;
	unsigned char *f;
	size_t len;

	(void)state;
	f = build(e, 1, 512, &len);
	run_ole(&fx, f, len);
	assert_non_null(strstr(detail_of(fx.r, "doc.ole_object"), "Packager link calc.exe"));
	assert_non_null(strstr(detail_of(fx.r, "type.shortcut"), "Program Files\\x\\calc.exe"));
	assert_int_equal(report_nparts(fx.r), 1);
	fixture_free(&fx);
	free(f);
	e[0].data = txt;
	e[0].len = sizeof(txt) - 1;
	f = build(e, 1, 512, &len);
	run_ole(&fx, f, len);
	assert_non_null(detail_of(fx.r, "doc.ole_object"));
	assert_null(detail_of(fx.r, "type.shortcut"));
	fixture_free(&fx);
	free(f);
}

static void
encrypted_package_is_reported(void **state)
{
	const struct bent e[] = {
		{ "EncryptionInfo", CFB_STREAM, -1, "xxxx", 4 },
		{ "EncryptedPackage", CFB_STREAM, -1, "yyyy", 4 },
	};
	struct fixture fx;
	unsigned char *f;
	size_t len;

	(void)state;
	f = build(e, 2, 512, &len);
	run_ole(&fx, f, len);
	assert_non_null(strstr(detail_of(fx.r, "doc.encrypted"), "EncryptedPackage"));
	assert_int_equal(report_nfindings(fx.r), 1);
	fixture_free(&fx);
	free(f);
}

static void
word_dde_utf16_and_fencrypted(void **state)
{
	static unsigned char wd[600];
	const char *t = " DDEAUTO c:\\x\\cmd.exe \"/k calc\" ";
	const struct bent e[] = { { "WordDocument", CFB_STREAM, -1, wd, sizeof(wd) } };
	struct fixture fx;
	unsigned char *f;
	size_t len, i;

	(void)state;
	wd[0] = 0xEC;
	wd[1] = 0xA5;
	wd[300] = 0x13;
	for (i = 0; t[i]; i++)
		wd[302 + 2 * i] = (unsigned char)t[i];
	f = build(e, 1, 512, &len);
	run_ole(&fx, f, len);
	assert_non_null(strstr(detail_of(fx.r, "doc.dde"), "DDEAUTO c:\\x\\cmd.exe"));
	fixture_free(&fx);
	free(f);
	wd[11] = 0x01;          /* fEncrypted: the text is not searched */
	f = build(e, 1, 512, &len);
	run_ole(&fx, f, len);
	assert_non_null(detail_of(fx.r, "doc.encrypted"));
	assert_null(detail_of(fx.r, "doc.dde"));
	fixture_free(&fx);
	free(f);
}

static void
garbage_is_a_scan_error(void **state)
{
	unsigned char junk[2048];
	struct fixture fx;

	(void)state;
	memset(junk, 0x41, sizeof(junk));
	run_ole(&fx, junk, sizeof(junk));
	assert_non_null(strstr(detail_of(fx.r, "scan.error"), "ole:"));
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_mini_and_regular_streams_512),
		cmocka_unit_test(reads_mini_and_regular_streams_4096),
		cmocka_unit_test(rejects_what_is_not_a_compound_file),
		cmocka_unit_test(fat_loop_is_cut),
		cmocka_unit_test(directory_loop_is_noted),
		cmocka_unit_test(difat_loop_is_bounded),
		cmocka_unit_test(every_truncation_is_safe),
		cmocka_unit_test(packager_object_becomes_a_child),
		cmocka_unit_test(packager_link_to_a_program_is_a_shortcut),
		cmocka_unit_test(encrypted_package_is_reported),
		cmocka_unit_test(word_dde_utf16_and_fencrypted),
		cmocka_unit_test(garbage_is_a_scan_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
