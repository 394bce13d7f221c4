/*
 * tnef.c: Outlook's TNEF container (winmail.dat, application/ms-tnef, MS-OXTNEF).
 * Every attachment inside is scanned as a child part under its long file name
 * (PR_ATTACH_LONG_FILENAME), else its short title, else "attachment<N>.bin";
 * an embedded message (PR_ATTACH_DATA_OBJ) is scanned as a child too, and being
 * TNEF itself, comes back here through the pipeline (bounded by the depth budget).
 *
 * Parsing is libytnef's (TNEFParseMemory on a private copy of the scan window),
 * behind tnef_check.c: a stream that check refuses is archive.corrupt and never
 * reaches the library (whose error paths print to stdout and whose handlers leak
 * on repeated attributes). A stream libytnef still rejects is archive.corrupt too,
 * and the attachments it read before the error are scanned.
 *
 * Findings: archive.corrupt (bad structure, why and where), scan.limit when the
 * stream is larger than the scan window (only the window is read). Children count
 * against the member, byte, depth and time budgets (EM_LIMIT stops the walk).
 *
 * Limits: TNEF_MAX_NAME bytes of a name; the walk is linear in the window.
 * BUGS: a PT_UNICODE long file name is not used (the short title is); the message
 * body (PR_RTF_COMPRESSED, PR_BODY_HTML) is not scanned; checksums are not checked
 * (Outlook does not either).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ytnef.h>

#include "containers/tnef.h"
#include "core/analyser.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define TNEF_MAX_NAME  255

/* Little-endian 32 bits at B[OFF], the caller having checked OFF + 4 <= length. */
static uint32_t
tnef_le32(const unsigned char *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	    (uint32_t)b[off + 3] << 24;
}

/* The attachment's name into NAME: long file name, short title, or a made-up one. */
static void
tnef_name(Attachment *a, unsigned idx, char *name, size_t sz)
{
	variableLength *v =
	    MAPIFindProperty(&a->MAPI, PROP_TAG(PT_STRING8, PR_ATTACH_LONG_FILENAME));
	size_t k = 0;

	if (v == MAPI_UNDEFINED || v == NULL || v->data == NULL || v->size <= 0)
		v = &a->Title;
	if (v->data != NULL && v->size > 0)
		for (k = 0; k < (size_t)v->size && k + 1 < sz && v->data[k] != '\0'; k++)
			name[k] = (char)v->data[k];
	name[k] = '\0';
	if (k == 0)
		snprintf(name, sz, "attachment%u.bin", idx);
}

/* The bytes of attachment A: its data, else an embedded object (the 16-byte IID
 * before an embedded message is skipped). */
static const unsigned char *
tnef_data(Attachment *a, size_t *n)
{
	variableLength *v;

	if (a->FileData.data != NULL && a->FileData.size > 0) {
		*n = (size_t)a->FileData.size;
		return a->FileData.data;
	}
	v = MAPIFindProperty(&a->MAPI, PROP_TAG(PT_OBJECT, PR_ATTACH_DATA_OBJ));
	if (v == MAPI_UNDEFINED || v == NULL)
		v = MAPIFindProperty(&a->MAPI, PROP_TAG(PT_BINARY, PR_ATTACH_DATA_OBJ));
	if (v == MAPI_UNDEFINED || v == NULL || v->data == NULL || v->size <= 0)
		return NULL;
	*n = (size_t)v->size;
	if (*n > 20 && tnef_le32(v->data, 16) == TNEF_SIGNATURE) {
		*n -= 16;
		return v->data + 16;
	}
	return v->data;
}

/* Scan every attachment libytnef read. */
static em_status
tnef_children(struct scan_ctx *ctx, struct scan_input *in, TNEFStruct *t)
{
	char name[TNEF_MAX_NAME + 1];
	const unsigned char *data;
	Attachment *a;
	unsigned idx = 0;
	size_t n = 0;
	em_status st = EM_OK;

	for (a = t->starting_attach.next; a != NULL && st == EM_OK; a = a->next, idx++) {
		if ((data = tnef_data(a, &n)) == NULL)
			continue;
		tnef_name(a, idx, name, sizeof(name));
		st = scan_budget_time(ctx, in->part);
		if (st == EM_OK)
			st = scan_budget_bytes(ctx, in->part, n);
		if (st == EM_OK)
			st = scan_child_mem(ctx, in, name, data, n, NULL);
	}
	return st;
}

em_status
tnef_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	TNEFStruct t;
	unsigned char *copy;
	const char *why;
	size_t off;
	em_status st;
	int rc;

	if (in->size > in->len)
		report_add(ctx->r, in->part, "scan.limit",
		    "TNEF of %llu bytes: only the first %zu (the scan window) were read",
		    (unsigned long long)in->size, in->len);
	if ((copy = malloc(in->len > 0 ? in->len : 1)) == NULL)
		return EM_TEMPFAIL;
	memcpy(copy, in->data, in->len);
	if ((why = tnef_check(copy, in->len, &off)) != NULL) {
		report_add(ctx->r, in->part, "archive.corrupt", "TNEF: %s at byte %zu",
		    why, off);
		free(copy);
		return EM_OK;
	}
	TNEFInitialize(&t);
	t.Debug = 0;
	rc = TNEFParseMemory(copy, (long)in->len, &t);
	if (rc < 0)
		report_add(ctx->r, in->part, "archive.corrupt",
		    "TNEF: libytnef stopped with error %d; attachments read before it "
		    "were scanned",
		    rc);
	st = tnef_children(ctx, in, &t);
	TNEFFree(&t);
	free(copy);
	return st;
}
