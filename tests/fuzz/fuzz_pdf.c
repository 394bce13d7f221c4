/*
 * fuzz_pdf.c: pdf_scan() on arbitrary bytes (the PDF name lexer, stream walk, inflate and embedded-file extraction), with small budgets so every input
 * ends quickly. Children run through the whole pipeline. Checks only that nothing
 * crashes, leaks or hangs.
 */
#include "fuzz_analyser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(data, size, TC_PDF, pdf_scan);
	return 0;
}
