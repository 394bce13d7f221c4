/*
 * analysers.h: the entry points scan.c dispatches to, one per file.
 *
 * Each takes the part being analysed (type already detected) and records findings in
 * ctx->r, adding children with scan_child()/scan_child_mem(). Return EM_OK when done
 * (malformed input is a finding, not an error status), EM_LIMIT when a budget
 * stopped it (finding recorded), EM_TEMPFAIL on resource failure.
 */
#ifndef EMBARGO_ANALYSERS_H
#define EMBARGO_ANALYSERS_H

#include "core/scan.h"

/* filetype.c: sets in->tc and in->mime, records type.* and type.mismatch. */
em_status filetype_scan(struct scan_ctx *ctx, struct scan_input *in);
/* names.c: name.* findings on in->name. */
em_status names_scan(struct scan_ctx *ctx, struct scan_input *in);
/* fatimg.c: FAT12/16/32 disk images (libarchive does not read them); EM_END when
 * the part is not a FAT image. */
em_status fatimg_scan(struct scan_ctx *ctx, struct scan_input *in);
/* archive.c: every container libarchive reads (also OOXML, ODF, disk images). */
em_status archive_scan(struct scan_ctx *ctx, struct scan_input *in);
/* ole.c: OLE2 files: VBA (vba.c), XLM (xlm.c), encrypted packages, Ole10Native. */
em_status ole_scan(struct scan_ctx *ctx, struct scan_input *in);
/* ole.c: an encrypted OOXML package deferred by ole_scan, tried again with the
 * candidates found after the first TRIED. */
em_status ole_retry(struct scan_ctx *ctx, struct scan_input *in, unsigned tried);
/* ooxml.c: a member of an OOXML/ODF container (in->container says which). */
em_status ooxml_member_scan(struct scan_ctx *ctx, struct scan_input *in);
/* ooxml.c: Office 2003 XML and Flat OPC documents outside a zip; CSV with DDE. */
em_status ooxml_flat_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status ooxml_csv_scan(struct scan_ctx *ctx, struct scan_input *in);
/* rtf.c, pdf.c, onenote.c, lnk.c, html.c */
em_status rtf_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status pdf_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status onenote_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status lnk_scan(struct scan_ctx *ctx, struct scan_input *in);
em_status html_scan(struct scan_ctx *ctx, struct scan_input *in);
/* mime.c: an attached message (message/rfc822 inside an archive, .eml). */
em_status mime_scan_nested(struct scan_ctx *ctx, struct scan_input *in);
/* yara.c: the configured rules on this part. */
em_status yara_scan(struct scan_ctx *ctx, struct scan_input *in);

/* End-of-message hooks. */
/* defer.c: keep a copy of part IN, locked by a password, to be tried again at end
 * of message when more candidates than TRIED were found (bounded in count and
 * bytes); defer_finish retries archives (archive_retry) and encrypted OOXML
 * packages (ole_retry). */
void defer_part(struct scan_ctx *ctx, const struct scan_input *in, unsigned tried);
em_status defer_finish(struct scan_ctx *ctx);
/* archive.c: an archive deferred for late passwords, walked again for what is
 * still locked. */
em_status archive_retry(struct scan_ctx *ctx, const struct scan_input *in);
/* passwords.c: harvest candidate passwords from sender text. */
void passwords_harvest(struct scan_ctx *ctx, const char *text, size_t len);
/* Free per-message state (NULL-safe). */
void passwords_free(struct pwlist *pw);
void yara_msg_free(struct yara_msg *y);
void defer_free(struct deferred *d);

#endif
