/*
 * test_mime_chunks.c: chunking invariance on real messages. Every .eml under
 * $EMBARGO_CORPUS/eml/tricky and eml/native, and every 4th file of the other
 * classes, is fed in 1-byte, 7-byte, 4 KiB and whole chunks; the report JSON must
 * be identical. Without EMBARGO_CORPUS the test is skipped (not passed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mime_testlib.h"

#define MAX_FILE (8u << 20)

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;

	if (fp == NULL)
		return NULL;
	buf = malloc(MAX_FILE);
	if (buf != NULL)
		*len = fread(buf, 1, MAX_FILE, fp);
	fclose(fp);
	return buf;
}

/* 1 when the four chunkings agree on PATH. */
static int
invariant(const char *path)
{
	static const size_t chunks[] = { 0, 1, 7, 4096 };
	char *msg, *ref = NULL, *js;
	size_t len = 0, i;
	int ok = 1;

	if ((msg = slurp(path, &len)) == NULL)
		return 0;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]) && ok; i++) {
		struct msgscan *m = mt_run(msg, len, chunks[i]);

		js = mt_json(m);
		msgscan_free(m);
		if (ref == NULL) {
			ref = js;
			continue;
		}
		if (strcmp(ref, js) != 0) {
			print_error("%s: chunk %zu differs\n", path, chunks[i]);
			ok = 0;
		}
		free(js);
	}
	free(ref);
	free(msg);
	return ok;
}

/* Check the .eml files of DIR (every STEP-th). Returns how many were checked. */
static int
check_dir(const char *dir, int step, int *bad)
{
	struct dirent **ents;
	char path[4096 + 512];
	int n, i, done = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 4 && strcmp(ents[i]->d_name + l - 4, ".eml") == 0 && i % step == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			if (!invariant(path))
				(*bad)++;
			done++;
		}
		free(ents[i]);
	}
	free(ents);
	return done;
}

static void
corpus_chunking_is_invisible(void **state)
{
	const char *corpus = getenv("EMBARGO_CORPUS");
	struct dirent **ents;
	char dir[4096];
	int n, i, done = 0, bad = 0;

	(void)state;
	if (corpus == NULL) {
		skip();
		return;
	}
	mt_config();
	snprintf(dir, sizeof(dir), "%s/eml", corpus);
	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		fail_msg("no %s", dir);
	for (i = 0; i < n; i++) {
		const char *c = ents[i]->d_name;

		if (c[0] != '.') {
			int all = strcmp(c, "tricky") == 0 || strcmp(c, "native") == 0;

			snprintf(dir, sizeof(dir), "%s/eml/%s", corpus, c);
			done += check_dir(dir, all ? 1 : 4, &bad);
		}
		free(ents[i]);
	}
	free(ents);
	print_message("%d messages checked, %d differ\n", done, bad);
	assert_true(done >= 25);
	assert_int_equal(bad, 0);
}

static void
hand_built_edge_cases(void **state)
{
	static const char *const msgs[] = {
		"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\nx\r\n--a--",
		"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Transfer-Encoding:"
		" quoted-printable\n\nab=\n=4\n=41=\r\n--a\n",
		"Content-Type: text/plain\r\n\r\nbegin 644 x\r\n#04)#\r\nend",
		"From x\r\nSubject: =?utf-8?q?a_b?=\r\n\r\n\r",
	};
	size_t i, k;

	(void)state;
	mt_config();
	mt_cfg.lim.line_length = 5;   /* cuts fall everywhere */
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct msgscan *m = mt_run(msgs[i], strlen(msgs[i]), 0);
		char *ref = mt_json(m), *js;

		msgscan_free(m);
		for (k = 1; k < 9; k++) {
			m = mt_run(msgs[i], strlen(msgs[i]), k);
			js = mt_json(m);
			msgscan_free(m);
			assert_string_equal(ref, js);
			free(js);
		}
		free(ref);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_chunking_is_invisible),
		cmocka_unit_test(hand_built_edge_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
