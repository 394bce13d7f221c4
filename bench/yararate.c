/*
 * yararate.c: how fast libyara alone scans, with the given rule files and with an
 * empty rule set (its per-byte floor), over 8 MB of random bytes and 8 MB of text.
 * The mixed-set ratio is bounded by it: every analysed byte goes through YARA.
 *
 *   yararate [rules.yar ...]        prints one line per rule set and input
 *
 * Each figure is the best of five scans, so a busy neighbour shows as little as
 * possible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yara.h>

#define BUF (8u << 20)

static int
ignore(YR_SCAN_CONTEXT *c, int msg, void *data, void *arg)
{
	(void)c, (void)msg, (void)data, (void)arg;
	return CALLBACK_CONTINUE;
}

static YR_RULES *
compile(int n, char **files)
{
	YR_COMPILER *c;
	YR_RULES *r = NULL;
	int i;

	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return NULL;
	/* the external variables Embargo defines for every part */
	yr_compiler_define_string_variable(c, "filename", "");
	yr_compiler_define_string_variable(c, "extension", "");
	yr_compiler_define_string_variable(c, "mime_type", "");
	yr_compiler_define_string_variable(c, "part_path", "");
	yr_compiler_define_integer_variable(c, "depth", 0);
	if (n == 0)
		yr_compiler_add_string(c, "rule nothing { condition: false }", NULL);
	for (i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "r");

		if (f == NULL || yr_compiler_add_file(c, f, NULL, files[i]) != 0) {
			fprintf(stderr, "yararate: cannot compile %s\n", files[i]);
			exit(1);
		}
		fclose(f);
	}
	if (yr_compiler_get_rules(c, &r) != ERROR_SUCCESS)
		r = NULL;
	yr_compiler_destroy(c);
	return r;
}

static double
best_ms(YR_RULES *r, const unsigned char *b)
{
	double best = 1e9;
	int i;

	for (i = 0; i < 5; i++) {
		struct timespec a, z;
		double ms;

		clock_gettime(CLOCK_MONOTONIC, &a);
		yr_rules_scan_mem(r, b, BUF, SCAN_FLAGS_FAST_MODE, ignore, NULL, 0);
		clock_gettime(CLOCK_MONOTONIC, &z);
		ms = (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6;
		if (ms < best)
			best = ms;
	}
	return best;
}

int
main(int argc, char **argv)
{
	static const char words[] = "invoice payment meeting report quarter project review ";
	unsigned char *rnd = malloc(BUF), *txt = malloc(BUF);
	YR_RULES *sets[2];
	const char *names[2] = { "starter rules", "no rules (floor)" };
	unsigned x = 12345;
	size_t i;
	int k;

	if (rnd == NULL || txt == NULL || yr_initialize() != ERROR_SUCCESS)
		return 1;
	for (i = 0; i < BUF; i++) {
		x = x * 1103515245u + 12345u;
		rnd[i] = (unsigned char)(x >> 16);
		txt[i] = (unsigned char)words[i % (sizeof(words) - 1)];
	}
	sets[0] = compile(argc - 1, argv + 1);
	sets[1] = compile(0, NULL);
	if (sets[0] == NULL || sets[1] == NULL)
		return 1;
	for (k = 0; k < 2; k++)
		printf("yara %s: %.0f MB/s on random bytes, %.0f MB/s on text\n", names[k],
		    BUF / 1e3 / best_ms(sets[k], rnd), BUF / 1e3 / best_ms(sets[k], txt));
	yr_rules_destroy(sets[0]);
	yr_rules_destroy(sets[1]);
	yr_finalize();
	free(rnd);
	free(txt);
	return 0;
}
