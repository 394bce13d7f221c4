/*
 * szrate.c: the 7z AES figures of sevenzip.c. Usage: szrate FILE.7z PASSWORD
 * Prints the 7zAES key derivation time at NumCyclesPower 19 (7-Zip's default)
 * and 24 (the most accepted), then archive_scan() of FILE (the password given
 * as message text, no YARA rules) in MB/s of members decoded: decryption,
 * decompression and the child scans (type detection, digests).
 * Built by bench/Makefile against build/libscanners.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "containers/sevenzip.h"
#include "core/analysers.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
kdf(unsigned power)
{
	struct sz_folder f;
	struct sz_key k;
	unsigned char props[1] = { (unsigned char)power };
	const char *why = NULL;
	double t0;

	memset(&f, 0, sizeof(f));
	memset(&k, 0, sizeof(k));
	f.ncoders = 1;
	f.c[0].id = SZ_ID_AES;
	f.c[0].props = props;
	f.c[0].nprops = 1;
	t0 = now();
	if (sz_aes_key(&f, "infected", &k, &why) != 0)
		printf("kdf failed: %s\n", why);
	printf("key derivation, NumCyclesPower %u: %.1f ms\n", power, (now() - t0) * 1e3);
}

int
main(int argc, char **argv)
{
	struct scan_config cfg;
	struct scan_input in;
	struct report *r;
	struct scan_ctx *ctx;
	struct spool *sp;
	char text[256], buf[65536];
	uint64_t out = 0;
	size_t n;
	double t0, dt;
	FILE *fp;
	int i;

	if (argc != 3 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: szrate FILE.7z PASSWORD\n");
		return 2;
	}
	kdf(19);
	kdf(24);
	memset(&cfg, 0, sizeof(cfg));
	scan_limits_default(&cfg.lim);
	cfg.lim.archive_ratio = 100000;
	r = report_new();
	report_part_add(r, -1, "", 1);
	ctx = scan_new(&cfg, r);
	sp = spool_new(cfg.lim.spool_memory, NULL);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		spool_write(sp, buf, n);
	fclose(fp);
	snprintf(text, sizeof(text), "Password: %s", argv[2]);
	scan_text(ctx, text, strlen(text));
	memset(&in, 0, sizeof(in));
	in.sp = sp;
	in.size = spool_size(sp);
	in.tc = TC_ARCHIVE;
	t0 = now();
	archive_scan(ctx, &in);
	dt = now() - t0;
	for (i = 1; i < report_nparts(r); i++)
		out += report_part(r, i)->size;
	printf("%s: %llu bytes in, %llu bytes of members out, %.3f s, %.1f MB/s out\n",
	    argv[1], (unsigned long long)in.size, (unsigned long long)out, dt, out / dt / 1e6);
	scan_free(ctx);
	spool_free(sp);
	report_free(r);
	return 0;
}
