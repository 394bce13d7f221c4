/*
 * fuzz_lnk.c: lnk_scan() on arbitrary bytes (the shell link and text shortcut parsers), with small budgets so every input
 * ends quickly. Children run through the whole pipeline. Checks only that nothing
 * crashes, leaks or hangs.
 */
#include "fuzz_analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(data, size, TC_SHORTCUT, lnk_scan);
	return 0;
}
