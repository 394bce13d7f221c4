/*
 * archive.h: what archive.c shares with the other archive readers of this folder
 * (sevenzip.c): the bounded list of member names a finding quotes, the
 * per-member expansion cap, and a locked member's name as an empty part.
 */
#ifndef EMBARGO_ARCHIVE_H
#define EMBARGO_ARCHIVE_H

#include <stdint.h>

#include "core/scan.h"
#include "core/strbuf.h"

/* Append NAME to SB, a list of member names kept under ARC_NAMES_MAX bytes
 * (", ..." once past it). */
void archive_name_add(struct strbuf *sb, const char *name);

/* The most bytes one member of an archive of SIZE bytes may expand to:
 * lim.archive_ratio times SIZE (saturating), at least 1 MiB (archive.bomb past it). */
uint64_t archive_member_cap(const struct scan_ctx *ctx, uint64_t size);

/* Member NAME of IN as an empty child part (its name alone, for the name checks),
 * when its content cannot be had. EM_OK, or a message-wide status. */
em_status
archive_name_part(struct scan_ctx *ctx, const struct scan_input *in, const char *name);

#endif
