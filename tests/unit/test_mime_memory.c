/*
 * test_mime_memory.c: memory per message is bounded whatever the attachment size.
 * A message with a 100 MB base64 attachment is generated on the fly and fed in
 * 64 KiB chunks (as the milter does); peak RSS (VmHWM) may grow by less than 40 MB.
 * Also prints the parser's throughput over the encoded bytes.
 * Set EMBARGO_MIME_MB to change the size (e.g. for a quick run), EMBARGO_MIME_TMPDIR
 * for the spool folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mime/b64.h"
#include "mime_testlib.h"

static long
vm_hwm_kb(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(fp);
	return kb;
}

/* One 76-character base64 line of 57 pseudo-random bytes, CRLF-ended. */
static size_t
b64_line(unsigned *seed, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[57];
	size_t i, o = 0;

	for (i = 0; i < sizeof(raw); i++) {
		*seed = *seed * 1103515245u + 12345u;
		raw[i] = (unsigned char)(*seed >> 16);
	}
	for (i = 0; i < sizeof(raw); i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];

		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = a[v & 63];
	}
	out[o++] = '\r';
	out[o++] = '\n';
	return o;
}

static void
big_base64_attachment_bounded_memory(void **state)
{
	static const char head[] = "Subject: big\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
	    "--zz\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
	    "--zz\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n";
	static const char tail[] = "--zz--\r\n";
	const char *env = getenv("EMBARGO_MIME_MB");
	uint64_t want = (env ? strtoull(env, NULL, 10) : 100) << 20, decoded = 0, fed = 0;
	char *chunk = malloc(65536);
	struct msgscan *m;
	struct timespec t0, t1;
	unsigned seed = 1;
	long before, after;
	double secs;
	size_t n;

	(void)state;
	assert_non_null(chunk);
	mt_config();
	mt_cfg.tmpdir = getenv("EMBARGO_MIME_TMPDIR");   /* e.g. /dev/shm to time the parser */
	m = msgscan_new(&mt_cfg, 1);
	before = vm_hwm_kb();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(msgscan_body(m, head, sizeof(head) - 1), EM_OK);
	while (decoded < want) {
		for (n = 0; n + 78 <= 65536 && decoded < want; decoded += 57)
			n += b64_line(&seed, chunk + n);
		assert_int_equal(msgscan_body(m, chunk, n), EM_OK);
		fed += n;
	}
	assert_int_equal(msgscan_body(m, tail, sizeof(tail) - 1), EM_OK);
	assert_int_equal(msgscan_end(m), EM_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	after = vm_hwm_kb();
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("fed %.1f MB of base64 in %.2f s (%.0f MB/s, whole pipeline); "
	    "VmHWM %ld -> %ld kB\n", fed / 1048576.0, secs, fed / 1048576.0 / secs,
	    before, after);
	assert_non_null(mt_part(m, "2:big.bin"));
	assert_int_equal(mt_part(m, "2:big.bin")->size, decoded);
	assert_true(before > 0 && after > 0);
	assert_true(after - before < 40 * 1024);
	msgscan_free(m);
	free(chunk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_base64_attachment_bounded_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
