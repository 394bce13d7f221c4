/*
 * fuzz_sylk.c: sylk_scan() (SYLK cell formulas) on arbitrary bytes,
 * with small budgets so every input ends quickly. Children (decoded objects and
 * payloads) run through the whole pipeline. Checks only that nothing crashes,
 * leaks or hangs.
 */
#include "fuzz_analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(data, size, TC_SCRIPT, sylk_scan);
	return 0;
}
