/*
 * rtf.h: RTF internals shared by rtf.c (the tokenizer) and rtf_object.c (the OLE1
 * object decoder). The entry point rtf_scan() is in analysers.h.
 */
#ifndef EMBARGO_RTF_H
#define EMBARGO_RTF_H

#include <stddef.h>

#include "core/scan.h"

/*
 * Object N of IN has ended: CLS is the \objclass text ("" when none), KIND the last
 * \objemb/\objlink/... word ("" when none), D/LEN the decoded \objdata bytes.
 * Records doc.rtf_object (and doc.ole_object for embedded objects) and scans the
 * native data as a child. Returns a scan status.
 */
em_status rtf_object(struct scan_ctx *ctx, struct scan_input *in, unsigned n,
    const char *cls, const char *kind, const unsigned char *d, size_t len);

/* The OLE1 ObjectHeader of an \objdata blob, as parsed by rtf_ole1_parse(). */
struct rtf_ole1 {
	uint32_t version;
	uint32_t format;   /* 1 linked, 2 embedded, 3 static (presentation) */
	char cls[128];     /* class name, NUL-terminated, cut */
	char topic[256];   /* TopicName: the link source of a linked object */
	size_t native_off; /* native data (embedded objects) */
	size_t native_len; /* bounded by the bytes present */
	uint32_t native_declared;
};

/* Parse D/LEN; 0 on success, -1 when it is not an OLE1 object. */
int rtf_ole1_parse(const unsigned char *d, size_t len, struct rtf_ole1 *o);

#endif
