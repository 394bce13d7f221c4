/*
 * progress.h: where the pipeline is, for a process that may die in the middle of a
 * part (embargo-worker tells its daemon which part it was on; tests make a part
 * misbehave).
 *
 * Promises: when scan_progress_hook is set, it is called with each part's input as
 * its analysis starts (after its bytes are mapped), and again with the parent's
 * input when a child's analysis returns, so the last call names the part being
 * analysed. NULL (the default) costs one test per part.
 * Limits: one hook per process (not per scan); the MIME parser's own work between
 * parts is charged to the last part announced.
 */
#ifndef EMBARGO_PROGRESS_H
#define EMBARGO_PROGRESS_H

struct scan_input;

typedef void (*scan_progress_fn)(const struct scan_input *in);
extern scan_progress_fn scan_progress_hook;

static inline void
scan_progress(const struct scan_input *in)
{
	if (scan_progress_hook != NULL)
		scan_progress_hook(in);
}

#endif
