/*
 * fuzz_tnef.c: tnef_scan() (libytnef behind tnef_check) on arbitrary bytes, with
 * small budgets so every input ends quickly. Children run through the whole
 * pipeline. Checks that nothing crashes, leaks or hangs, and that libytnef never
 * prints: stdout goes to a temporary file and any byte written there aborts
 * (tnef_check.c must refuse what the library would complain about).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_analyser.h"

static void
fuzz_stdout_to_file(void)
{
	static int done;
	FILE *f;

	if (done++)
		return;
	fflush(stdout);
	if ((f = tmpfile()) == NULL || dup2(fileno(f), STDOUT_FILENO) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stdout_to_file();
	fuzz_analyser(data, size, TC_TNEF, tnef_scan);
	fflush(stdout);
	if (lseek(STDOUT_FILENO, 0, SEEK_CUR) > 0) {
		fprintf(stderr, "libytnef wrote to stdout: tnef_check let it through\n");
		abort();
	}
	return 0;
}
