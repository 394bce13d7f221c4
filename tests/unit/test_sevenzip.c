/*
 * test_sevenzip.c: 7z archives with 7zAES (sevenzip.c, sevenzip_hdr.c,
 * sevenzip_coders.c) through archive_scan(), on fixtures made by
 * tests/data/sevenzip/mk7z.sh with 7z from p7zip-full (run here into a private
 * folder): the password from the message text opens encrypted data and encrypted
 * headers, every coder chain 7z makes by default or with -mf decodes to the bytes
 * that went in (sha256 against the script's sums), a wrong or missing password
 * leaves the members locked and named, a late password opens them at end of
 * message, BCJ2 decodes and PPMd is named as unsupported, the budgets (members, bytes, ratio) give
 * their findings, truncated and damaged archives end in a finding, and a 7z
 * without encryption is still read by libarchive.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "core/analyser.h"

static char fxdir[512];

struct sz_test {
	struct scan_config cfg;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;
};

/* Scan fixture NAME (with bytes DATA/LEN instead when DATA is set) as an
 * archive; BEFORE / AFTER: message text before it / after it; LIM adjusts. */
static void
scan7z(struct sz_test *t, const char *name, const char *before, const char *after,
    void (*lim)(struct scan_limits *), const unsigned char *data, size_t len)
{
	struct scan_input in;
	char path[1024], hex[65];
	unsigned char buf[65536];
	size_t n;
	FILE *fp;
	em_status st;

	memset(t, 0, sizeof(*t));
	scan_limits_default(&t->cfg.lim);
	if (lim != NULL)
		lim(&t->cfg.lim);
	t->r = report_new();
	assert_int_equal(report_part_add(t->r, -1, "", 1), 0);
	report_part_filename(t->r, 0, name);
	t->ctx = scan_new(&t->cfg, t->r);
	t->sp = spool_new(t->cfg.lim.spool_memory, NULL);
	if (data != NULL) {
		assert_int_equal(spool_write(t->sp, data, len), EM_OK);
	} else {
		snprintf(path, sizeof(path), "%s/%s", fxdir, name);
		assert_non_null(fp = fopen(path, "rb"));
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			assert_int_equal(spool_write(t->sp, buf, n), EM_OK);
		fclose(fp);
	}
	if (before != NULL)
		scan_text(t->ctx, before, strlen(before));
	memset(&in, 0, sizeof(in));
	in.sp = t->sp;
	in.size = spool_size(t->sp);
	in.tc = TC_ARCHIVE;
	in.name = name;
	spool_sha256(t->sp, hex);
	report_part_sha256(t->r, 0, hex);
	st = archive_scan(t->ctx, &in);
	assert_true(st == EM_OK || st == EM_LIMIT);     /* a bound is a finding */
	if (after != NULL)
		scan_text(t->ctx, after, strlen(after));
	assert_int_equal(scan_finish(t->ctx), EM_OK);
}

static void
done7z(struct sz_test *t)
{
	scan_free(t->ctx);
	spool_free(t->sp);
	report_free(t->r);
}

/* The part labelled NAME (last path element), or NULL. */
static const struct report_part *
part(const struct sz_test *t, const char *name)
{
	const struct report_part *p;
	size_t l = strlen(name), pl;
	int i;

	for (i = 1; i < report_nparts(t->r); i++) {
		p = report_part(t->r, i);
		pl = strlen(p->path);
		if (pl >= l && strcmp(p->path + pl - l, name) == 0 &&
		    (pl == l || p->path[pl - l - 1] == '/'))
			return p;
	}
	return NULL;
}

static const char *
detail(const struct sz_test *t, const char *finding)
{
	int i;

	for (i = 0; i < report_nfindings(t->r); i++)
		if (strcmp(report_finding(t->r, i)->name, finding) == 0)
			return report_finding(t->r, i)->detail;
	return NULL;
}

/* The sha256 mk7z.sh recorded for the content file NAME. */
static const char *
sum_of(const char *name)
{
	static char hex[65];
	char path[1024], line[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sums.txt", fxdir);
	assert_non_null(fp = fopen(path, "r"));
	hex[0] = '\0';
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strlen(line) > 66 && strncmp(line + 66, name, strlen(name)) == 0 &&
		    line[66 + strlen(name)] == '\n')
			snprintf(hex, sizeof(hex), "%.64s", line);
	fclose(fp);
	return hex;
}

/* Member NAME is a part whose bytes are exactly the file that went in. */
static void
assert_member(const struct sz_test *t, const char *name)
{
	const struct report_part *p = part(t, name);

	assert_non_null(p);
	assert_string_equal(p->sha256, sum_of(name));
}

static const char *const PW = "Hello, the archive is attached. Password: infected";

static int
setup(void **state)
{
	const char *b = getenv("EMBARGO_BUILD");
	const char *root = getenv("EMBARGO_ROOT");
	const char *corpus = getenv("EMBARGO_CORPUS");
	char cmd[2048];

	(void)state;
	if (b != NULL && strstr(b, "//") != NULL)
		b = strstr(b, "//") + 1;
	snprintf(fxdir, sizeof(fxdir), "%s/data/sevenzip", b ? b : "/tmp/embargo-test");
	snprintf(cmd, sizeof(cmd), "sh %s/tests/data/sevenzip/mk7z.sh '%s' '%s'",
	    root ? root : ".", fxdir, corpus ? corpus : "");
	return system(cmd) == 0 ? 0 : -1;
}

static void
encrypted_data_opens_with_the_password_from_the_text(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "lzma2.7z", PW, NULL, NULL, NULL, 0);
	assert_member(&t, "notes.txt");
	assert_member(&t, "data.bin");
	assert_non_null(strstr(detail(&t, "archive.unlocked"), "2 members"));
	assert_false(report_has(t.r, 0, "archive.encrypted"));
	assert_false(report_has(t.r, 0, "archive.corrupt"));
	done7z(&t);
}

static void
encrypted_headers_open_with_the_password_from_the_text(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "hdr.7z", PW, NULL, NULL, NULL, 0);
	assert_member(&t, "notes.txt");
	assert_member(&t, "data.bin");
	assert_true(report_has(t.r, 0, "archive.unlocked"));
	assert_false(report_has(t.r, 0, "archive.encrypted"));
	done7z(&t);
}

static void
every_coder_chain_decodes_to_its_input(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "lzma.7z", PW, NULL, NULL, NULL, 0);        /* LZMA */
	assert_member(&t, "notes.txt");
	assert_member(&t, "data.bin");
	done7z(&t);
	scan7z(&t, "copy.7z", PW, NULL, NULL, NULL, 0);        /* Copy, members not on blocks */
	assert_member(&t, "notes.txt");
	assert_member(&t, "data.bin");
	done7z(&t);
	scan7z(&t, "bcj.7z", PW, NULL, NULL, NULL, 0);         /* BCJ x86 + LZMA2 */
	assert_member(&t, "tool.exe");
	assert_true(report_has(t.r, part(&t, "tool.exe")->id, "type.executable"));
	done7z(&t);
	scan7z(&t, "delta.7z", PW, NULL, NULL, NULL, 0);       /* Delta:4 + LZMA2 */
	assert_member(&t, "wave.raw");
	assert_false(report_has(t.r, 0, "archive.corrupt"));
	done7z(&t);
}

static void
wrong_password_leaves_members_locked_and_named(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "lzma2.7z", "Password: infectet", NULL, NULL, NULL, 0);
	assert_non_null(strstr(detail(&t, "archive.encrypted"), "2 encrypted members"));
	assert_non_null(strstr(detail(&t, "archive.encrypted"), "notes.txt"));
	assert_int_equal(part(&t, "notes.txt")->size, 0);   /* the name only */
	assert_false(report_has(t.r, 0, "archive.unlocked"));
	done7z(&t);
	scan7z(&t, "hdr.7z", "Password: infectet", NULL, NULL, NULL, 0);
	assert_non_null(strstr(detail(&t, "archive.encrypted"), "headers are encrypted"));
	assert_int_equal(report_nparts(t.r), 1);            /* names are hidden too */
	done7z(&t);
	scan7z(&t, "copy.7z", NULL, NULL, NULL, NULL, 0);     /* no candidate at all */
	assert_non_null(strstr(detail(&t, "archive.encrypted"), "0 candidate"));
	done7z(&t);
}

static void
password_in_a_later_text_opens_at_end_of_message(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "hdr.7z", NULL, PW, NULL, NULL, 0);
	assert_true(report_has(t.r, 0, "archive.encrypted"));   /* said at the time */
	assert_true(report_has(t.r, 0, "archive.unlocked"));
	assert_member(&t, "data.bin");
	done7z(&t);
	scan7z(&t, "many.7z", "Password: wrong1", PW, NULL, NULL, 0);
	assert_non_null(part(&t, "m4.txt"));
	assert_int_equal(part(&t, "m4.txt")->size, 0);       /* the locked name ... */
	assert_non_null(strstr(detail(&t, "archive.unlocked"), "5 members"));
	done7z(&t);
}

static void
bcj2_decodes_and_ppmd_is_an_unsupported_coder(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "bcj2.7z", PW, NULL, NULL, NULL, 0);
	assert_member(&t, "tool.exe");
	assert_false(report_has(t.r, 0, "archive.unsupported_coder"));
	done7z(&t);
	scan7z(&t, "bcj2.7z", "Password: infectet", NULL, NULL, NULL, 0);
	assert_true(report_has(t.r, 0, "archive.encrypted"));
	done7z(&t);
	scan7z(&t, "ppmd.7z", PW, NULL, NULL, NULL, 0);
	assert_non_null(strstr(detail(&t, "archive.unsupported_coder"), "PPMd"));
	assert_non_null(strstr(detail(&t, "archive.unsupported_coder"), "tool.exe"));
	assert_true(report_has(t.r, part(&t, "tool.exe")->id, "name.dangerous_extension"));
	done7z(&t);
}

static void
empty_member_directory_and_several_folders(void **state)
{
	struct sz_test t;
	int i;
	char name[16];

	(void)state;
	scan7z(&t, "empty.7z", PW, NULL, NULL, NULL, 0);
	assert_int_equal(part(&t, "empty.txt")->size, 0);
	assert_int_equal(part(&t, "x.txt")->size, 12);
	assert_null(part(&t, "folder"));                      /* counted, not a part */
	assert_false(report_has(t.r, 0, "archive.encrypted"));
	done7z(&t);
	scan7z(&t, "many.7z", PW, NULL, NULL, NULL, 0);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "m%d.txt", i);
		assert_int_equal(part(&t, name)->size, 9u * (unsigned)(i + 1));
	}
	done7z(&t);
}

static void
nested_zip_and_macro_document_get_their_findings(void **state)
{
	struct sz_test t;
	char path[1024];
	FILE *fp;

	(void)state;
	scan7z(&t, "nested.7z", PW, NULL, NULL, NULL, 0);
	assert_int_equal(part(&t, "inner.zip/hello.txt")->size, 26);
	done7z(&t);
	snprintf(path, sizeof(path), "%s/macro.7z", fxdir);
	if ((fp = fopen(path, "rb")) == NULL) {
		print_message("macro.7z not made ($EMBARGO_CORPUS absent): skipped\n");
		return;
	}
	fclose(fp);
	scan7z(&t, "macro.7z", PW, NULL, NULL, NULL, 0);
	assert_true(report_has(t.r, part(&t, "word/vbaProject.bin")->id, "macro.vba"));
	done7z(&t);
}

static void members_4(struct scan_limits *l) { l->archive_members = 4; }
static void members_5(struct scan_limits *l) { l->archive_members = 5; }
static void bytes_134(struct scan_limits *l) { l->archive_bytes = 134; }
static void bytes_135(struct scan_limits *l) { l->archive_bytes = 135; }

static void
budgets_give_their_findings_just_over_not_under(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "many.7z", PW, NULL, members_4, NULL, 0);
	assert_true(report_has(t.r, 0, "archive.limit"));
	done7z(&t);
	scan7z(&t, "many.7z", PW, NULL, members_5, NULL, 0);
	assert_false(report_has(t.r, 0, "archive.limit"));
	done7z(&t);
	/* the five members hold 9+18+27+36+45 = 135 bytes */
	scan7z(&t, "many.7z", PW, NULL, bytes_134, NULL, 0);
	assert_true(report_has(t.r, 0, "archive.limit"));
	done7z(&t);
	scan7z(&t, "many.7z", PW, NULL, bytes_135, NULL, 0);
	assert_false(report_has(t.r, 0, "archive.limit"));
	done7z(&t);
	/* 2 MiB of zeros from 538 bytes: cut at the 1 MiB floor of the ratio cap */
	scan7z(&t, "zeros.7z", PW, NULL, NULL, NULL, 0);
	assert_true(report_has(t.r, 0, "archive.bomb"));
	assert_int_equal(part(&t, "zeros.bin")->size, 1u << 20);
	done7z(&t);
}

/* The bytes of fixture NAME (at most MAX). */
static size_t
load(const char *name, unsigned char *buf, size_t max)
{
	char path[1024];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", fxdir, name);
	assert_non_null(fp = fopen(path, "rb"));
	n = fread(buf, 1, max, fp);
	fclose(fp);
	return n;
}

static void
truncated_and_damaged_archives_end_in_a_finding(void **state)
{
	static unsigned char b[8192];
	struct sz_test t;
	size_t n, i;

	(void)state;
	scan7z(&t, "trunc.7z", PW, NULL, NULL, NULL, 0);
	assert_non_null(strstr(detail(&t, "archive.corrupt"), "truncated"));
	assert_null(part(&t, "notes.txt"));
	done7z(&t);
	/* a byte of the encrypted data changed: the right password no longer
	 * matches the CRC, so nothing passes as opened */
	n = load("lzma2.7z", b, sizeof(b));
	b[100] ^= 0x40;
	scan7z(&t, "lzma2.7z", PW, NULL, NULL, b, n);
	assert_true(report_has(t.r, 0, "archive.encrypted") ||
	    report_has(t.r, 0, "archive.corrupt"));
	done7z(&t);
	/* every byte of the encrypted header flipped in turn: some finding, never
	 * a clean pass, never a crash */
	n = load("hdr.7z", b, sizeof(b));
	for (i = n > 120 ? n - 120 : 32; i < n; i++) {
		b[i] ^= 0x5A;
		scan7z(&t, "hdr.7z", PW, NULL, NULL, b, n);
		assert_true(report_nfindings(t.r) > 0);
		done7z(&t);
		b[i] ^= 0x5A;
	}
}

/* A 7z made by hand around HDR (a plain header) with 16 bytes of packed data,
 * both CRCs right. Returns its length in OUT. */
static size_t
handmade(const unsigned char *hdr, size_t hlen, unsigned char *out)
{
	static const unsigned char sig[6] = { '7', 'z', 0xBC, 0xAF, 0x27, 0x1C };
	uint32_t crc;
	unsigned i;

	memset(out, 0, 48);
	memcpy(out, sig, 6);
	out[7] = 4;
	out[12] = 16;                          /* next header offset */
	out[20] = (unsigned char)hlen;         /* next header size */
	crc = (uint32_t)crc32(0, hdr, (uInt)hlen);
	for (i = 0; i < 4; i++)
		out[28 + i] = (unsigned char)(crc >> (8 * i));
	crc = (uint32_t)crc32(0, out + 12, 20);
	for (i = 0; i < 4; i++)
		out[8 + i] = (unsigned char)(crc >> (8 * i));
	memcpy(out + 48, hdr, hlen);
	return 48 + hlen;
}

static void
hostile_coder_graphs_end_in_a_finding(void **state)
{
	unsigned char h[256], b[512];
	size_t n = 0, len;
	unsigned i;
	struct sz_test t;

	(void)state;
	/* one folder of 16 coders, the last one 7zAES, whose bind pairs loop: out
	 * 14 is the output, in 14 <- out 0, in 0 <- out 1, in 1 <- out 0 */
	memcpy(h + n, "\x01\x04\x06\x00\x01\x09\x10\x00\x07\x0B\x01\x00\x10", 13);
	n += 13;
	for (i = 0; i < 15; i++) {
		h[n++] = 0x01;                 /* Copy */
		h[n++] = 0x00;
	}
	memcpy(h + n, "\x24\x06\xF1\x07\x01\x01\x13", 7);  /* 7zAES, power 19 */
	n += 7;
	h[n++] = 14; h[n++] = 0;               /* in 14 <- out 0 */
	h[n++] = 0; h[n++] = 1;                /* in 0 <- out 1 */
	h[n++] = 1; h[n++] = 0;                /* in 1 <- out 0 */
	for (i = 2; i < 14; i++) {             /* the rest bound to themselves */
		h[n++] = (unsigned char)i;
		h[n++] = (unsigned char)i;
	}
	h[n++] = 0x0C;
	for (i = 0; i < 16; i++)
		h[n++] = 0x10;
	memcpy(h + n, "\x00\x00\x05\x01\x00\x00", 6);      /* ends; one file */
	n += 6;
	len = handmade(h, n, b);
	scan7z(&t, "loop.7z", PW, NULL, NULL, b, len);
	assert_non_null(detail(&t, "archive.unsupported_coder"));
	done7z(&t);
	/* the same with a folder count far beyond the header: archive.corrupt */
	h[10] = 0x7F;
	len = handmade(h, n, b);
	scan7z(&t, "count.7z", PW, NULL, NULL, b, len);
	assert_non_null(strstr(detail(&t, "archive.corrupt"), "7z header"));
	done7z(&t);
}

static void
unencrypted_7z_is_still_read_by_libarchive(void **state)
{
	struct sz_test t;

	(void)state;
	scan7z(&t, "plain.7z", NULL, NULL, NULL, NULL, 0);
	assert_member(&t, "notes.txt");
	assert_member(&t, "data.bin");
	assert_int_equal(report_nfindings(t.r), 0);
	done7z(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encrypted_data_opens_with_the_password_from_the_text),
		cmocka_unit_test(encrypted_headers_open_with_the_password_from_the_text),
		cmocka_unit_test(every_coder_chain_decodes_to_its_input),
		cmocka_unit_test(wrong_password_leaves_members_locked_and_named),
		cmocka_unit_test(password_in_a_later_text_opens_at_end_of_message),
		cmocka_unit_test(bcj2_decodes_and_ppmd_is_an_unsupported_coder),
		cmocka_unit_test(empty_member_directory_and_several_folders),
		cmocka_unit_test(nested_zip_and_macro_document_get_their_findings),
		cmocka_unit_test(budgets_give_their_findings_just_over_not_under),
		cmocka_unit_test(truncated_and_damaged_archives_end_in_a_finding),
		cmocka_unit_test(hostile_coder_graphs_end_in_a_finding),
		cmocka_unit_test(unencrypted_7z_is_still_read_by_libarchive),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
