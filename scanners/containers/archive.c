/*
 * archive.c: every container libarchive reads (zip, 7z, rar, tar, cpio, cab, arj,
 * iso9660, udf, ..., and single-file gzip/bzip2/xz/zstd/lz4/compress streams via the
 * raw format), also OOXML/ODF documents and disk images.
 *
 * The archive is streamed from its spool through read/seek callbacks over
 * spool_pread, never mapped whole. Each regular member is decompressed into a new
 * spool under the shared budget (scan_budget_bytes per chunk, scan_budget_time per
 * chunk and entry), a per-member cap of lim.archive_ratio times the archive size
 * (archive.bomb; the first part up to the cap is kept and scanned), a padding
 * detector (archive.padding: the member is mostly one repeated byte or block, the
 * inflated-document trick), and a cycle check (a member identical to one of its
 * containers is a quine: archive.bomb). Then scan_child() runs the whole pipeline
 * on it. Member names are data: they label report parts, nothing is ever written
 * under them. Directories and special entries are counted, not extracted.
 *
 * Encrypted members (archive.encrypted, naming them; each also becomes an empty
 * part under its name so name checks run) are retried with every
 * candidate password harvested from the message (passwords.c, added all at once:
 * libarchive tries each; members still locked are then retried with each
 * candidate alone, since a wrong ZipCrypto password passes libarchive's one-byte
 * check 1 time in 256 and hides the right one). Members opened that way are
 * scanned and recorded as
 * archive.unlocked (names and the number of candidates, never a password). An
 * archive that still has locked members is kept (defer.c) and retried with the
 * passwords that arrive later in the message (archive_retry).
 *
 * A 7z using 7zAES is read by sevenzip.c instead (archive_scan and archive_retry
 * ask it first), with the same candidates, findings and deferral.
 *
 * BUGS: libarchive decrypts zip only (ZipCrypto, WinZip AES). RAR encryption (v4
 * and v5, data or headers) is detected, not opened, and the finding says so:
 * libarchive 3.6 (Debian 12) cannot decrypt RAR, Debian's unrar-free reads no
 * encrypted RAR5, and RARLAB's libunrar is non-free (not in Debian main); a RAR5
 * reader of our own (AES-256, PBKDF2-HMAC-SHA256, the RAR5 filters and
 * decompressor) is future work. The ratio is taken against the whole archive
 * size, not the member's compressed size (libarchive does not expose it). An
 * archive.encrypted finding stays even when a later retry unlocks the member.
 * Which candidate opened a member is not known (libarchive does not say).
 * libarchive dedups zip central-directory entries that share a local header, so
 * overlapping entries are caught by the ratio cap, not named as such. libarchive
 * 3.6's 7z reader can calloc() from a header count (fuzzing found a 7 GB
 * request): a 7z whose header sevenzip.c finds malformed is no longer given to
 * it, but a 7z with a damaged encoded header still is; lazily backed with
 * overcommit, but only a bound inside libarchive or a process memory limit
 * really stops it. libarchive 3.6 turns an allocation that fails in a format
 * bidder into "Unrecognized archive format" and may then crash in
 * archive_read_has_encrypted_entries: memory errors it does report (ENOMEM) are
 * tempfails here (arc_error), the others we cannot see (test_failalloc.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "containers/archive.h"
#include "containers/sevenzip.h"
#include "core/analyser.h"
#include "core/passwords.h"

#define ARC_BUF        (64u * 1024)          /* read and copy chunk */
#define ARC_PAD_BLOCK  4096u                 /* padding detector block */
#define ARC_PAD_PERIOD 256u                  /* longest repeating unit looked for */
#define ARC_PAD_MIN    (8ull * 1024 * 1024)  /* bytes seen before padding counts */
#define ARC_PROBE      (16ull * 1024 * 1024) /* read past a cut to measure padding */
#define ARC_NAMES_MAX  400u                  /* bytes of member names in a detail */
#define ARC_LOCK_MAX   256u                  /* locked members retried one by one */
#define EFTYPE_ARC     EINVAL

/* The padding detector: counts 4 KiB blocks equal to the previous block or
 * periodic with a short period. */
struct arc_pad {
	unsigned char prev[ARC_PAD_BLOCK], cur[ARC_PAD_BLOCK];
	size_t fill;
	int have_prev;
	uint64_t seen, repeated;
};

/* A member that stayed locked: its entry number, for the one-password retries. */
struct arc_lock {
	unsigned idx;
	int open;
	char *name;
};

/* One walk over one archive. */
struct arc_run {
	struct scan_ctx *ctx;
	const struct scan_input *in;
	struct archive *a;
	struct spool *src;
	uint64_t off, size;
	int retry; /* deferred pass: only encrypted members */
	int seekable;
	int pw_one;             /* -1: every candidate; else only this one */
	struct arc_run *parent; /* a one-password retry of PARENT's locked members */
	struct arc_lock *lk;
	unsigned nlk;
	int format; /* libarchive's format code, once known */
	unsigned entries, files, locked, unlocked, npw;
	struct strbuf locked_names, unlocked_names;
	struct arc_pad pad;
	int split_noted; /* archive.split recorded for this segment */
	int raw_only;    /* read as one compressed stream, no archive format */
	unsigned char rbuf[ARC_BUF], cbuf[ARC_BUF];
};

static int arc_spanned(struct arc_run *run);

static la_ssize_t
arc_read_cb(struct archive *a, void *ud, const void **out)
{
	struct arc_run *run = ud;
	size_t got = 0;

	if (spool_pread(run->src, run->off, run->rbuf, sizeof(run->rbuf), &got) !=
	    EM_OK) {
		archive_set_error(a, EIO, "spool read failed");
		return -1;
	}
	run->off += got;
	*out = run->rbuf;
	return (la_ssize_t)got;
}

static la_int64_t
arc_seek_cb(struct archive *a, void *ud, la_int64_t off, int whence)
{
	struct arc_run *run = ud;
	la_int64_t base;

	(void)a;
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (la_int64_t)run->off;
	else if (whence == SEEK_END)
		base = (la_int64_t)run->size;
	else
		return ARCHIVE_FATAL;
	if ((off < 0 && -off > base) || (off > 0 && off > INT64_MAX - base))
		return ARCHIVE_FATAL;
	run->off = (uint64_t)(base + off);
	if (run->off > run->size)
		run->off = run->size;
	return (la_int64_t)run->off;
}

static la_int64_t
arc_skip_cb(struct archive *a, void *ud, la_int64_t n)
{
	struct arc_run *run = ud;
	uint64_t left = run->size > run->off ? run->size - run->off : 0;

	(void)a;
	if (n <= 0)
		return 0;
	if ((uint64_t)n > left)
		n = (la_int64_t)left;
	run->off += (uint64_t)n;
	return n;
}

static void
arc_pad_block(struct arc_pad *p)
{
	size_t per;
	int rep = p->have_prev && memcmp(p->prev, p->cur, ARC_PAD_BLOCK) == 0;

	for (per = 1; !rep && per <= ARC_PAD_PERIOD; per++)
		rep = memcmp(p->cur, p->cur + per, ARC_PAD_BLOCK - per) == 0;
	if (rep)
		p->repeated += ARC_PAD_BLOCK;
	memcpy(p->prev, p->cur, ARC_PAD_BLOCK);
	p->have_prev = 1;
	p->fill = 0;
}

static void
arc_pad_feed(struct arc_pad *p, const unsigned char *b, size_t n)
{
	size_t take;

	p->seen += n;
	while (n > 0) {
		take = ARC_PAD_BLOCK - p->fill;
		if (take > n)
			take = n;
		memcpy(p->cur + p->fill, b, take);
		p->fill += take;
		b += take;
		n -= take;
		if (p->fill == ARC_PAD_BLOCK)
			arc_pad_block(p);
	}
}

void
archive_name_add(struct strbuf *sb, const char *name)
{
	if (sb->len >= ARC_NAMES_MAX) {
		if (!sb->truncated)
			sb_adds(sb, ", ...");
		sb->truncated = 1;
		return;
	}
	if (sb->len > 0)
		sb_adds(sb, ", ");
	sb_safe(sb, name, strlen(name), 120);
}

#define ARC_BOMB_FLOOR (1024u * 1024u)
uint64_t
archive_member_cap(const struct scan_ctx *ctx, uint64_t size)
{
	uint64_t ratio = ctx->cfg->lim.archive_ratio;

	if (size == 0)
		size = 1;
	if (ratio != 0 && size > UINT64_MAX / ratio)
		return UINT64_MAX;
	/* tiny archives expand past any ratio without being bombs (an empty .tar.gz
	 * is 45 bytes for 10 KiB): below ARC_BOMB_FLOOR only the byte budget counts */
	return ratio * size > ARC_BOMB_FLOOR ? ratio * size : ARC_BOMB_FLOOR;
}

/* Keep reading past a cut, discarding, so the padding detector sees more of the
 * member. Bounded by ARC_PROBE and the time budget. */
static void
arc_probe(struct arc_run *run, int part)
{
	uint64_t probed = 0;
	la_ssize_t n;

	while (probed < ARC_PROBE && scan_budget_time(run->ctx, part) == EM_OK) {
		n = archive_read_data(run->a, run->cbuf, sizeof(run->cbuf));
		if (n <= 0)
			break;
		arc_pad_feed(&run->pad, run->cbuf, (size_t)n);
		probed += (uint64_t)n;
	}
}

/* Decompress the current member into SP. EM_OK: whole; EM_LIMIT: cut by a bound
 * (finding recorded); EM_BADDATA: libarchive failed (error on the handle). */
static em_status
arc_copy(struct arc_run *run, const char *name, struct spool *sp)
{
	struct scan_ctx *ctx = run->ctx;
	int part = run->in->part;
	uint64_t cap = archive_member_cap(run->ctx, run->size), done = 0;
	la_ssize_t n;
	size_t take;
	em_status st;

	memset(&run->pad, 0, sizeof(run->pad));
	for (;;) {
		if ((n = archive_read_data(run->a, run->cbuf, sizeof(run->cbuf))) == 0)
			return EM_OK;
		if (n < 0)
			return EM_BADDATA;
		if ((st = scan_budget_time(ctx, part)) != EM_OK)
			return st;
		take = (size_t)n;
		if (done + take > cap)
			take = (size_t)(cap - done);
		if ((st = scan_budget_bytes(ctx, part, take)) != EM_OK)
			return st;
		if ((st = spool_write(sp, run->cbuf, take)) != EM_OK)
			return st;
		arc_pad_feed(&run->pad, run->cbuf, (size_t)n);
		done += take;
		if (take < (size_t)n) {
			report_add(ctx->r, part, "archive.bomb",
			    "member %s expands past %u times the archive size (%llu bytes kept)",
			    name, ctx->cfg->lim.archive_ratio, (unsigned long long)done);
			arc_probe(run, part);
			return EM_LIMIT;
		}
	}
}

/* True when SP has the same content as the part being walked or any part above
 * it: a member that contains itself. */
static int
arc_is_cycle(struct arc_run *run, struct spool *sp)
{
	const struct report_part *p;
	char hex[65];
	int id = run->in->part, steps = 0;

	spool_sha256(sp, hex);
	while (id >= 0 && steps++ < 10000 && (p = report_part(run->ctx->r, id)) != NULL) {
		if (strcmp(p->sha256, hex) == 0)
			return 1;
		id = p->parent;
	}
	return 0;
}

/* Every libarchive error is read through here: one that is about memory (or no
 * handle at all) is noted, so the message is tempfailed rather than decided on a
 * walk that stopped for a reason that is not in the archive (status.c). */
static const char *
arc_error(struct archive *a)
{
	if (a == NULL || archive_errno(a) == ENOMEM) {
		em_oom_note();
		return a == NULL ? "out of memory" : archive_error_string(a);
	}
	return archive_error_string(a);
}

/* Is libarchive's current error about encryption? */
static int
arc_err_encrypted(struct archive *a)
{
	const char *e = arc_error(a);

	if (e == NULL)
		return 0;
	return strstr(e, "ncrypt") != NULL || strstr(e, "assphrase") != NULL ||
	    strstr(e, "assword") != NULL || strstr(e, "ecrypt") != NULL;
}

static const char *
arc_errstr(struct archive *a)
{
	const char *e = arc_error(a);

	return e != NULL ? e : "unknown error";
}

/* What the encrypted finding adds for a format whose encryption is never opened. */
static const char *
arc_enc_note(int format)
{
	if ((format & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAR ||
	    format == ARCHIVE_FORMAT_RAR_V5)
		return " (RAR encryption is not decrypted: no maintained Debian library does)";
	return "";
}

/* The locked-member record of the current entry in PARENT, or NULL. */
static struct arc_lock *
arc_lock_of(struct arc_run *run)
{
	unsigned i;

	for (i = 0; run->parent != NULL && i < run->parent->nlk; i++)
		if (run->parent->lk[i].idx == run->entries && !run->parent->lk[i].open)
			return &run->parent->lk[i];
	return NULL;
}

/* An encrypted member was opened with a candidate. */
static void
arc_opened(struct arc_run *run, const char *name)
{
	struct arc_lock *lk = arc_lock_of(run);
	struct arc_run *top = run->parent != NULL ? run->parent : run;

	if (lk != NULL)
		lk->open = 1;
	top->unlocked++;
	archive_name_add(&top->unlocked_names, name);
}

/* A member that could not be opened (encrypted, undecodable): record it as
 * locked and give its name alone (an empty part) to the pipeline, so name checks
 * still see "invoice.pdf.exe" inside an encrypted zip. */
static em_status
arc_locked(struct arc_run *run, const char *name)
{
	struct arc_lock *lk;

	if (run->parent != NULL)
		return EM_OK; /* still locked for this candidate */
	run->locked++;
	archive_name_add(&run->locked_names, name);
	if (run->nlk < ARC_LOCK_MAX &&
	    (lk = realloc(run->lk, (run->nlk + 1) * sizeof(*lk))) != NULL) {
		run->lk = lk;
		lk[run->nlk].idx = run->entries;
		lk[run->nlk].open = 0;
		if ((lk[run->nlk].name = strdup(name)) != NULL)
			run->nlk++;
	}
	return run->retry ? EM_OK : archive_name_part(run->ctx, run->in, name);
}

em_status
archive_name_part(struct scan_ctx *ctx, const struct scan_input *in, const char *name)
{
	struct spool *sp;
	em_status st;

	if ((sp = spool_new(64, ctx->cfg->tmpdir)) == NULL)
		return EM_TEMPFAIL;
	st = scan_child(ctx, in, name, sp, NULL);
	spool_free(sp);
	return em_status_local(st) ? EM_OK : st;
}

/* After a member was read (ST from arc_copy): findings for what went wrong, then
 * the child scan of whatever was kept. */
static em_status
arc_member_done(
    struct arc_run *run, const char *name, int enc, struct spool *sp, em_status st)
{
	struct scan_ctx *ctx = run->ctx;
	int part = run->in->part;
	em_status cst;

	/* libarchive 3.6 does not flag encrypted rar5 members; their data then fails
	 * to decode: take the more suspicious reading */
	if (st == EM_BADDATA && archive_format(run->a) == ARCHIVE_FORMAT_RAR_V5)
		enc = 1;
	if (st == EM_BADDATA && (enc || arc_err_encrypted(run->a)))
		return arc_locked(run, name);
	if (st == EM_BADDATA && arc_spanned(run)) {
		if (!run->split_noted++)
			report_add(ctx->r, part, "archive.split",
			    "one segment of a split zip: "
			    "member %s is cut off where the segment ends",
			    name);
	} else if (st == EM_BADDATA) {
		report_add(ctx->r, part, "archive.corrupt", "member %s: %s", name,
		    arc_errstr(run->a));
	}
	if (run->pad.seen >= ARC_PAD_MIN && run->pad.repeated >= run->pad.seen / 4 * 3)
		report_add(ctx->r, part, "archive.padding",
		    "member %s: %llu of %llu bytes seen are one repeated byte or block",
		    name, (unsigned long long)run->pad.repeated,
		    (unsigned long long)run->pad.seen);
	if (enc && st != EM_BADDATA)
		arc_opened(run, name);
	if (arc_is_cycle(run, sp)) {
		report_add(ctx->r, part, "archive.bomb",
		    "member %s is a copy of its own container (self-reproducing archive)",
		    name);
		return EM_LIMIT;
	}
	if (ctx->bytes_left == 0 && st == EM_LIMIT && spool_size(sp) == 0)
		return EM_LIMIT;
	cst = scan_child(ctx, run->in, name, sp, NULL);
	if (!em_status_local(cst))
		return cst;
	if (cst == EM_LIMIT && ctx->members_left == 0)
		return EM_LIMIT;
	/* a bad member stops the walk (libarchive's state is unreliable after it);
	 * a cut member stops it when a message-wide budget is spent */
	if (st == EM_BADDATA)
		return EM_BADDATA;
	if (st == EM_LIMIT && (ctx->bytes_left == 0 || ctx->time_reported))
		return EM_LIMIT;
	return EM_OK;
}

/* The name of the single stream of a raw (compressed, no archive) file: the
 * container's name without its compression suffix. */
static void
arc_raw_name(const struct scan_input *in, char *out, size_t outsz)
{
	static const char *const sfx[] = { ".gz", ".bz2", ".xz", ".zst", ".lz4", ".Z",
		".lzma", ".lz", ".tgz", ".tbz2", ".txz" };
	size_t n, i, l;

	snprintf(out, outsz, "%s", in->name != NULL ? in->name : "data");
	n = strlen(out);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		l = strlen(sfx[i]);
		if (n > l && strcmp(out + n - l, sfx[i]) == 0) {
			out[n - l] = '\0';
			return;
		}
	}
	if (n + 6 < outsz)
		memcpy(out + n, ".data", 6);
}

/* One entry. Returns EM_OK to go on, anything else to stop the walk. */
static em_status
arc_entry(struct arc_run *run, struct archive_entry *ae)
{
	struct scan_ctx *ctx = run->ctx;
	const char *name;
	char rawname[256];
	struct spool *sp;
	int enc;
	em_status st;

	if (++run->entries > ctx->cfg->lim.archive_members) {
		report_add(ctx->r, run->in->part, "archive.limit",
		    "more than %u entries in one archive", ctx->cfg->lim.archive_members);
		return EM_LIMIT;
	}
	if ((st = scan_budget_time(ctx, run->in->part)) != EM_OK)
		return st;
	if (archive_entry_filetype(ae) != AE_IFREG)
		return EM_OK; /* directories, links, devices: counted, not extracted */
	run->files++;
	name = archive_entry_pathname_utf8(ae);
	if (name == NULL)
		name = archive_entry_pathname(ae);
	if (archive_format(run->a) == ARCHIVE_FORMAT_RAW) {
		arc_raw_name(run->in, rawname, sizeof(rawname));
		name = rawname;
	}
	if (name == NULL || *name == '\0')
		name = "?";
	enc = archive_entry_is_encrypted(ae);
	if (run->retry && !enc)
		return EM_OK;
	if (run->parent != NULL && arc_lock_of(run) == NULL)
		return EM_OK; /* a one-password retry only tries what is still locked */
	if (enc && run->npw == 0)
		return arc_locked(run, name);
	if ((sp = spool_new(ctx->cfg->lim.spool_memory, ctx->cfg->tmpdir)) == NULL)
		return EM_TEMPFAIL;
	st = arc_copy(run, name, sp);
	if (st == EM_TEMPFAIL) {
		spool_free(sp);
		return st;
	}
	st = arc_member_done(run, name, enc, sp, st);
	spool_free(sp);
	return st;
}

/* Open the archive with every format, every filter, and the raw format for a lone
 * compressed stream. */
static int
arc_open(struct arc_run *run, int seekable)
{
	struct pwlist *pw = run->ctx->pw;
	unsigned i;

	if ((run->a = archive_read_new()) == NULL)
		return ARCHIVE_FATAL;
	/* a reader that failed to register (memory) would call the archive no archive */
	if (archive_read_support_filter_all(run->a) < ARCHIVE_WARN ||
	    (!run->raw_only && archive_read_support_format_all(run->a) < ARCHIVE_WARN) ||
	    archive_read_support_format_raw(run->a) < ARCHIVE_WARN) {
		em_oom_note();
		return ARCHIVE_FATAL;
	}
	run->npw = pwlist_count(pw);
	for (i = 0; i < run->npw; i++)
		if (run->pw_one < 0 || (unsigned)run->pw_one == i)
			if (archive_read_add_passphrase(run->a, pwlist_get(pw, i)) !=
			    ARCHIVE_OK)
				em_oom_note(); /* libarchive fails it only for memory */
	archive_read_set_read_callback(run->a, arc_read_cb);
	if (seekable)
		archive_read_set_seek_callback(run->a, arc_seek_cb);
	archive_read_set_skip_callback(run->a, arc_skip_cb);
	if (archive_read_set_callback_data(run->a, run) != ARCHIVE_OK) {
		em_oom_note(); /* it fails only for memory; open would crash */
		return ARCHIVE_FATAL;
	}
	return archive_read_open1(run->a);
}

/* The zip end-of-central-directory record in the last 64 KiB: -1 when there is
 * none (truncated), 1 when it is on a disk other than the first (one segment of a
 * spanned zip), 0 otherwise. */
static int
arc_eocd(struct arc_run *run)
{
	unsigned char *b = run->cbuf;
	uint64_t off = run->size > ARC_BUF ? run->size - ARC_BUF : 0;
	size_t got = 0, i;

	if (spool_pread(run->src, off, b, ARC_BUF, &got) != EM_OK || got < 22)
		return -1;
	for (i = got - 22 + 1; i-- > 0;)
		if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 5 && b[i + 3] == 6)
			return (b[i + 4] | b[i + 5] << 8) != 0;
	return -1;
}

/* One segment of a split or spanned zip: the first starts with the spanning
 * signature PK 07 08 (APPNOTE 8.5.3), later ones carry an end record naming a disk
 * other than the first. */
static int
arc_spanned(struct arc_run *run)
{
	unsigned char sig[4];
	size_t got = 0;

	if (spool_pread(run->src, 0, sig, 4, &got) == EM_OK && got == 4 &&
	    memcmp(sig, "PK\x07\x08", 4) == 0)
		return 1;
	return arc_eocd(run) == 1;
}

/* A header could not be read: encrypted headers or a corrupt archive. */
static void
arc_header_failed(struct arc_run *run, const char *when)
{
	struct report *r = run->ctx->r;
	int part = run->in->part;
	const char *e;

	if (run->a == NULL || archive_errno(run->a) == ENOMEM) {
		em_oom_note(); /* and no more calls into a reader half set up */
		return;
	}
	e = arc_error(run->a);
	if (run->parent != NULL)
		return; /* the first walk already said it */
	if (e != NULL && strstr(e, "too many filters") != NULL) {
		report_add(
		    r, part, "archive.bomb", "compression nested on itself (%s)", e);
	} else if (arc_err_encrypted(run->a) ||
	    archive_read_has_encrypted_entries(run->a) > 0) {
		if (!run->retry && run->locked == 0)
			report_add(r, part, "archive.encrypted",
			    "archive headers are encrypted (%s); %u candidate passwords tried%s",
			    arc_errstr(run->a), run->npw,
			    arc_enc_note(archive_format(run->a)));
		if (run->locked == 0)
			run->locked++;
	} else if (run->in->tc == TC_DISK_IMAGE && run->entries == 0) {
		report_add(r, part, "archive.corrupt",
		    "disk image format not readable by libarchive (%s): not inspected",
		    arc_errstr(run->a));
	} else if (arc_spanned(run)) {
		/* The recipient cannot open a lone segment either; the policy decides. */
		report_add(r, part, "archive.split",
		    "one segment of a multi-volume zip: the other segments are not here, "
		    "its members were not inspected");
	} else {
		report_add(
		    r, part, "archive.corrupt", "%s: %s", when, arc_errstr(run->a));
	}
}

/* A disk image that gave no file: say so (UDF-only images are the usual case:
 * libarchive reads ISO 9660 and Joliet, not UDF). */
static void
arc_image_empty(struct arc_run *run)
{
	unsigned char sec[8];
	size_t got;
	unsigned i;
	int udf = 0;

	for (i = 16; i < 32 && !udf; i++)
		if (spool_pread(run->src, (uint64_t)i * 2048, sec, sizeof(sec), &got) ==
			EM_OK &&
		    got == sizeof(sec) && memcmp(sec + 1, "NSR0", 4) == 0)
			udf = 1;
	report_add(run->ctx->r, run->in->part, "archive.corrupt",
	    "no file could be read from this %llu-byte disk image%s: not inspected",
	    (unsigned long long)run->size,
	    udf ? " (UDF file system, not read by libarchive)" : "");
}

/* Walk every entry. Returns the status that stopped it (EM_OK when it ended). */
static em_status
arc_walk(struct arc_run *run, int seekable)
{
	struct archive_entry *ae;
	em_status st;
	int rc;

	run->off = 0;
	run->seekable = seekable;
	if (arc_open(run, seekable) != ARCHIVE_OK) {
		arc_header_failed(run, "cannot open");
		return EM_BADDATA;
	}
	for (;;) {
		rc = archive_read_next_header(run->a, &ae);
		if (rc == ARCHIVE_EOF) {
			/* A compressed stream that starts with zero blocks reads as an
			 * empty tar: a gzip of 1 KiB of NULs then a PE would hide the PE.
			 * Read it again as one stream. */
			if (run->entries == 0 && !run->raw_only &&
			    archive_filter_count(run->a) > 1 &&
			    (archive_format(run->a) & ARCHIVE_FORMAT_BASE_MASK) ==
				ARCHIVE_FORMAT_TAR)
				return EM_END;
			if ((archive_format(run->a) & ARCHIVE_FORMAT_BASE_MASK) ==
				ARCHIVE_FORMAT_ZIP &&
			    !run->retry && arc_eocd(run) < 0)
				report_add(run->ctx->r, run->in->part, "archive.corrupt",
				    "zip without a central directory (truncated?)");
			if (run->in->tc == TC_DISK_IMAGE && run->files == 0 &&
			    !run->retry)
				arc_image_empty(run);
			return EM_OK;
		}
		if (rc < ARCHIVE_WARN && seekable && run->entries == 0 &&
		    archive_format(run->a) == ARCHIVE_FORMAT_ZIP &&
		    !arc_err_encrypted(run->a))
			return EM_END; /* the central directory disagrees: try streaming */
		if (rc < ARCHIVE_WARN) {
			arc_header_failed(
			    run, run->entries ? "after entry" : "first entry");
			if (rc == ARCHIVE_FATAL)
				return EM_BADDATA;
			continue;
		}
		if (archive_format(run->a) == ARCHIVE_FORMAT_RAW &&
		    archive_filter_count(run->a) <= 1) {
			archive_set_error(
			    run->a, EFTYPE_ARC, "unrecognized archive format");
			arc_header_failed(run, "first entry");
			return EM_BADDATA;
		}
		run->format = archive_format(run->a);
		if ((st = arc_entry(run, ae)) != EM_OK)
			return st;
	}
}

/* libarchive tries added passphrases in order and stays with the first whose
 * one-byte check matches (ZipCrypto: 1 in 256 wrong ones do), so with several
 * candidates a wrong one can hide the right one. Members still locked are
 * retried with each candidate alone. Bounded by ARC_LOCK_MAX, lim.passwords and
 * the time budget. */
static void
arc_try_each(struct arc_run *run)
{
	struct arc_run *sub;
	unsigned i, k, left;

	for (i = 0; i < run->npw; i++) {
		for (k = 0, left = 0; k < run->nlk; k++)
			left += !run->lk[k].open;
		if (left == 0 || scan_budget_time(run->ctx, run->in->part) != EM_OK)
			break;
		if ((sub = calloc(1, sizeof(*sub))) == NULL)
			return;
		sub->ctx = run->ctx;
		sub->in = run->in;
		sub->src = run->src;
		sub->size = run->size;
		sub->retry = 1;
		sub->parent = run;
		sub->pw_one = (int)i;
		arc_walk(sub, run->seekable);
		if (sub->a != NULL)
			archive_read_free(sub->a);
		free(sub);
	}
	/* what is still locked, by name */
	sb_reset(&run->locked_names);
	run->locked_names.truncated = 0;
	for (k = 0, left = 0; k < run->nlk; k++) {
		if (run->lk[k].open)
			continue;
		left++;
		archive_name_add(&run->locked_names, run->lk[k].name);
	}
	run->locked = run->locked - run->nlk + left;
}

/* Findings of one walk, and the deferral of what is still locked. */
static void
arc_conclude(struct arc_run *run)
{
	struct scan_ctx *ctx = run->ctx;
	int part = run->in->part;

	if (run->locked > 0 && run->locked_names.len > 0 && !run->retry)
		report_add(ctx->r, part, "archive.encrypted",
		    "%u encrypted members not opened (%u candidate passwords from the "
		    "message tried)%s: %s",
		    run->locked, run->npw, arc_enc_note(run->format),
		    sb_str(&run->locked_names));
	if (run->unlocked > 0)
		report_add(ctx->r, part, "archive.unlocked",
		    "%u members opened with one of %u passwords found in the message: %s",
		    run->unlocked, run->npw, sb_str(&run->unlocked_names));
	if (run->locked > 0 && !run->retry)
		defer_part(ctx, run->in, run->npw);
}

static em_status
arc_run_one(struct scan_ctx *ctx, const struct scan_input *in, int retry)
{
	struct arc_run *run = calloc(1, sizeof(*run));
	em_status st;
	unsigned i;

	if (run == NULL)
		return EM_TEMPFAIL;
	run->ctx = ctx;
	run->in = in;
	run->src = in->sp;
	run->size = spool_size(in->sp);
	run->retry = retry;
	run->pw_one = -1;
	sb_init(&run->locked_names, 4096);
	sb_init(&run->unlocked_names, 4096);
	if ((st = arc_walk(run, 1)) == EM_END) {
		/* a zip whose central directory cannot be used is read front to back,
		 * as Windows and most unzip tools do; an "empty tar" inside a
		 * compression filter is read as one raw stream */
		run->raw_only = archive_format(run->a) != ARCHIVE_FORMAT_ZIP;
		archive_read_free(run->a);
		run->a = NULL;
		st = arc_walk(run, !run->raw_only ? 0 : 1);
	}
	if (run->a != NULL)
		archive_read_free(run->a);
	run->a = NULL;
	/* libarchive decrypts zip only: other formats are not worth a retry */
	if (run->nlk > 0 && run->npw > 1 && em_status_local(st) &&
	    (run->format & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP)
		arc_try_each(run);
	arc_conclude(run);
	for (i = 0; i < run->nlk; i++)
		free(run->lk[i].name);
	free(run->lk);
	sb_free(&run->locked_names);
	sb_free(&run->unlocked_names);
	free(run);
	return st == EM_BADDATA ? EM_OK : st;
}

/* A 7z using 7zAES is read by sevenzip.c (libarchive cannot decrypt it); every
 * other archive, and any 7z that reader does not take, by libarchive. */
em_status
archive_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	em_status st = sevenzip_scan(ctx, in, 0);

	return st != EM_END ? st : arc_run_one(ctx, in, 0);
}

em_status
archive_retry(struct scan_ctx *ctx, struct scan_input *in, unsigned tried)
{
	em_status st;

	(void)tried; /* every candidate is offered again */
	st = sevenzip_scan(ctx, in, 1);
	return st != EM_END ? st : arc_run_one(ctx, in, 1);
}
