/*
 * progress.c: the progress hook (see progress.h).
 */
#include <stddef.h>

#include "core/progress.h"

scan_progress_fn scan_progress_hook;
