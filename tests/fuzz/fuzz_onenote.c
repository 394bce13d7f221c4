/*
 * fuzz_onenote.c: onenote_scan() on arbitrary bytes (the OneNote file data store search and PE carving), with small budgets so every input
 * ends quickly. Children run through the whole pipeline. Checks only that nothing
 * crashes, leaks or hangs.
 */
#include "fuzz_analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(data, size, TC_ONENOTE, onenote_scan);
	return 0;
}
