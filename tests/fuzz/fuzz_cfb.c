/*
 * fuzz_cfb.c: ole_scan() (the compound file reader, VBA, XLM, Word, PowerPoint and
 * Packager paths) on arbitrary bytes, with small budgets so every input ends
 * quickly. Children run through the whole pipeline. Checks only that nothing
 * crashes, leaks or hangs.
 */
#include "fuzz_analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(data, size, TC_OLE2, ole_scan);
	return 0;
}
