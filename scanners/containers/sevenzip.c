/*
 * sevenzip.c: 7z archives that use 7zAES, which libarchive cannot decrypt (see
 * sevenzip.h). archive.c calls sevenzip_scan first for every archive; it answers
 * EM_END for anything that is not a readable 7z using 7zAES, and libarchive reads
 * those as before.
 *
 * The signature header (CRC checked) gives the next header; a kEncodedHeader is
 * decoded first (with the candidate passwords when it is encrypted: -mhe=on),
 * nested at most SZ_ENCODED_MAX times. Each folder is then decoded with the
 * candidate that opened the previous one first, then the others in order; a
 * candidate is right when the folder's first member decodes and matches its CRC
 * (7zAES has no password check value). Every member is copied into a spool under
 * the message budget (bytes, time), a per-member cap of lim.archive_ratio times
 * the archive size (archive.bomb) and lim.archive_members per archive
 * (archive.limit), then given to scan_child(); files without data become empty
 * parts, directories are counted. Bytes decoded with a candidate are counted in
 * the budget once the candidate is known to be right.
 *
 * Findings: archive.encrypted (names of the members not opened, or "headers are
 * encrypted"), archive.unlocked (names of the members opened, never a password),
 * archive.unsupported_coder (the coder chain is not one we decode: its members
 * are named, not inspected), archive.corrupt (a bad header, a CRC mismatch, data
 * that does not decode after the right password was found), archive.bomb,
 * archive.limit. What stays locked is deferred (defer.c) for late passwords.
 *
 * BUGS: a late-password retry walks every encrypted folder again, so a folder
 * opened by an earlier candidate while another stayed locked is scanned twice.
 * A folder whose first member has no CRC accepts the first candidate that decodes
 * it without an error (LZMA rejects almost every wrong key; Copy rejects none).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <zlib.h>

#include "containers/archive.h"
#include "containers/sevenzip.h"
#include "core/analyser.h"
#include "core/passwords.h"

#define SZ_BUF_OUT     (64u * 1024) /* output read at once */
#define SZ_ENCODED_MAX 4u           /* kEncodedHeader inside kEncodedHeader */

static const unsigned char sz_magic[6] = { '7', 'z', 0xBC, 0xAF, 0x27, 0x1C };

/* One walk over one 7z archive. */
struct sz_run {
	struct scan_ctx *ctx;
	const struct scan_input *in;
	struct spool *src;
	uint64_t size;
	int retry, hdr_enc;
	struct sz_arc a;
	unsigned npw, members, locked, unlocked;
	int good;            /* the candidate that opened the last folder */
	struct sz_key *keys; /* one per candidate */
	unsigned *sub_file;  /* file index of each substream */
	unsigned unsup;      /* members in folders we cannot decode */
	const char *unsup_why;
	struct strbuf unsup_names;
	struct strbuf locked_names, unlocked_names;
	unsigned char buf[SZ_BUF_OUT];
};

/* What decoding one folder with one candidate gave. */
enum sz_try {
	SZ_OPENED, /* decoded (possibly cut by a bound or corrupt later) */
	SZ_WRONG,  /* the first member did not decode or match: not this key */
	SZ_STOP    /* a message-wide status: stop (in *st) */
};

static uint64_t
sz_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
sz_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Decode folder F of ST whole into memory (at most SZ_HEADER_MAX bytes) with
 * KEY; the folder CRC must match. 0 with *OUT and *LEN, or -1 (WHY). */
static int
sz_folder_mem(struct sz_run *run, const struct sz_streams *st, unsigned fi,
    const unsigned char *key, unsigned char **out, size_t *len, const char **why)
{
	const struct sz_folder *f = &st->f[fi];
	uint64_t total = sz_folder_size(f);
	struct sz_dec *d;
	unsigned char *b;
	size_t got, have = 0;
	em_status s = EM_OK;

	if (total == 0 || total > SZ_HEADER_MAX) {
		*why = "encoded header size out of bounds";
		return -1;
	}
	if ((b = malloc((size_t)total + 16)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	d = sz_dec_new(
	    f, run->src, f->pack_off, st->pack_size + f->first_pack, key, total, why);
	while (d != NULL && have < total &&
	    (s = sz_dec_read(d, b + have, (size_t)total - have + 16, &got, why)) == EM_OK)
		have += got;
	sz_dec_free(d);
	if (d == NULL || have != total || (s != EM_OK && s != EM_END) ||
	    (f->has_crc && crc32(0, b, (uInt)have) != f->crc)) {
		if (d != NULL && have == total)
			*why = "encoded header CRC mismatch (wrong password or corrupt)";
		free(b);
		return -1;
	}
	*out = b;
	*len = have;
	return 0;
}

/* Candidate I's key for folder F (derived once per salt and power); -1 when the
 * properties are refused (WHY) or the time budget is spent. */
static int
sz_key_for(struct sz_run *run, const struct sz_folder *f, unsigned i, const char **why)
{
	if (scan_budget_time(run->ctx, run->in->part) != EM_OK) {
		*why = "time budget spent";
		return -1;
	}
	return sz_aes_key(f, pwlist_get(run->ctx->pw, i), &run->keys[i], why);
}

/* An encoded header: its single folder decoded (with each candidate when it is
 * encrypted) into a new header buffer. 1 done, 0 locked, -1 bad (WHY). */
static int
sz_decode_header(struct sz_run *run, unsigned char **hdr, size_t *len, const char **why)
{
	struct sz_streams st;
	size_t pos = 1;
	unsigned i;
	int rc = -1;

	if (sz_parse_streams(*hdr, *len, &pos, run->size, &st, why) != 0)
		return -1;
	if (st.nfolders != 1) {
		*why = "an encoded header that is not one folder";
	} else if (sz_chain_unsupported(&st.f[0]) != NULL) {
		*why = sz_chain_unsupported(&st.f[0]);
	} else if (!sz_folder_encrypted(&st.f[0])) {
		/* the coder properties point into *HDR: freed only after decoding */
		unsigned char *out = NULL;

		if ((rc = sz_folder_mem(run, &st, 0, NULL, &out, len, why) == 0 ?
			    1 :
			    -1) == 1) {
			free(*hdr);
			*hdr = out;
		}
	} else {
		run->hdr_enc = 1;
		for (i = 0, rc = 0; i < run->npw && rc == 0; i++) {
			unsigned char *out = NULL;

			if (sz_key_for(run, &st.f[0], i, why) != 0)
				break;
			if (sz_folder_mem(
				run, &st, 0, run->keys[i].key, &out, len, why) == 0) {
				free(*hdr);
				*hdr = out;
				run->good = (int)i;
				rc = 1;
			}
		}
	}
	sz_streams_free(&st);
	return rc;
}

/* Read the signature header and the next header into run->a.hdr. 1 read, 0 not
 * a 7z we take (EM_END), -1 header locked, -2 header out of bounds (WHY). */
static int
sz_read_header(struct sz_run *run, const char **why)
{
	unsigned char sig[SZ_SIG_LEN];
	uint64_t off, len;
	size_t got = 0;
	unsigned n;
	int rc;

	if (spool_pread(run->src, 0, sig, sizeof(sig), &got) != EM_OK ||
	    got != sizeof(sig) || memcmp(sig, sz_magic, 6) != 0 ||
	    crc32(0, sig + 12, 20) != sz_le32(sig + 8))
		return 0;
	off = sz_le64(sig + 12);
	len = sz_le64(sig + 20);
	if (len == 0)
		return 0; /* an empty archive */
	/* not given to libarchive, which allocates from these numbers */
	if (len > SZ_HEADER_MAX) {
		*why = "the 7z header is larger than the cap (SZ_HEADER_MAX)";
		return -2;
	}
	if (off > run->size || len > run->size - SZ_SIG_LEN ||
	    off > run->size - SZ_SIG_LEN - len) {
		*why = "the 7z header is past the end of the file (truncated)";
		return -2;
	}
	if ((run->a.hdr = malloc((size_t)len)) == NULL)
		return 0;
	run->a.hdrlen = (size_t)len;
	if (spool_pread(run->src, SZ_SIG_LEN + off, run->a.hdr, (size_t)len, &got) !=
		EM_OK ||
	    got != len || crc32(0, run->a.hdr, (uInt)len) != sz_le32(sig + 28))
		return 0;
	for (n = 0; n < SZ_ENCODED_MAX && run->a.hdr[0] == 0x17; n++) {
		rc = sz_decode_header(run, &run->a.hdr, &run->a.hdrlen, why);
		if (rc <= 0)
			return run->hdr_enc ? -1 : 0;
	}
	return 1;
}

/* A member's name alone as an empty part, so name checks still run. */
static em_status
sz_name_part(struct sz_run *run, const char *name)
{
	return run->retry ? EM_OK : archive_name_part(run->ctx, run->in, name);
}

/* The file of each substream (the K-th file with data has substream K). */
static int
sz_map_files(struct sz_run *run)
{
	unsigned i, k = 0;

	if ((run->sub_file = calloc(run->a.st.nsub + 1u, sizeof(unsigned))) == NULL)
		return -1;
	for (i = 0; i < run->a.nfiles && k < run->a.st.nsub; i++)
		if (run->a.files[i].has_stream)
			run->sub_file[k++] = i;
	return 0;
}

/* Folder FI stays closed (locked or unsupported): its members named. */
static em_status
sz_folder_closed(struct sz_run *run, unsigned fi, int locked)
{
	const struct sz_folder *f = &run->a.st.f[fi];
	const struct sz_file *file;
	uint64_t k;
	em_status st;

	for (k = 0; k < f->nsub; k++) {
		file = &run->a.files[run->sub_file[f->first_sub + k]];
		if (locked) {
			run->locked++;
			archive_name_add(&run->locked_names, file->name);
		}
		if ((st = sz_name_part(run, file->name)) != EM_OK)
			return st;
	}
	return EM_OK;
}

/* Count N decoded bytes: in the budget once the key is CONFIRMED, else in
 * *PENDING (EM_LIMIT, no finding, when they would not fit). */
static em_status
sz_charge(struct sz_run *run, uint64_t *pending, int confirmed, size_t n)
{
	if (confirmed)
		return scan_budget_bytes(run->ctx, run->in->part, n);
	*pending += n;
	return *pending > run->ctx->bytes_left ? EM_LIMIT : EM_OK;
}

/* Copy SIZE bytes of D into SP, CRC into *CRC. EM_OK whole; EM_LIMIT cut by a
 * bound; EM_BADDATA (WHY); EM_TEMPFAIL. */
static em_status
sz_copy(struct sz_run *run, struct sz_dec *d, const char *name, uint64_t size,
    struct spool *sp, uint32_t *crc, uint64_t *pending, int confirmed, const char **why)
{
	struct scan_ctx *ctx = run->ctx;
	uint64_t cap = archive_member_cap(run->ctx, run->size), done = 0;
	size_t want, got;
	em_status st;

	*crc = 0;
	while (done < size) {
		if ((st = scan_budget_time(ctx, run->in->part)) != EM_OK)
			return st;
		want = size - done < SZ_BUF_OUT ? (size_t)(size - done) : SZ_BUF_OUT;
		if ((st = sz_dec_read(d, run->buf, want, &got, why)) == EM_END) {
			*why = "the folder ends before its members do";
			return EM_BADDATA;
		}
		if (st != EM_OK)
			return st;
		if (done + got > cap)
			got = (size_t)(cap - done);
		if ((st = sz_charge(run, pending, confirmed, got)) != EM_OK)
			return st;
		if ((st = spool_write(sp, run->buf, got)) != EM_OK)
			return st;
		*crc = (uint32_t)crc32(*crc, run->buf, (uInt)got);
		done += got;
		if (done == cap && done < size) {
			report_add(ctx->r, run->in->part, "archive.bomb",
			    "member %s expands past %u times the archive size (%llu bytes kept)",
			    name, ctx->cfg->lim.archive_ratio, (unsigned long long)done);
			return EM_LIMIT;
		}
	}
	return EM_OK;
}

/* One member decoded into SP (status ST, CRC): findings, then its child scan.
 * Returns EM_OK to go on with the folder, anything else to stop it. */
static em_status
sz_member_done(struct sz_run *run, const struct sz_file *file, struct spool *sp,
    em_status st, int bad_crc, int encrypted, const char *why)
{
	struct scan_ctx *ctx = run->ctx;
	em_status cst;

	if (st == EM_BADDATA)
		report_add(ctx->r, run->in->part, "archive.corrupt", "member %s: %s",
		    file->name, why);
	else if (bad_crc)
		report_add(ctx->r, run->in->part, "archive.corrupt",
		    "member %s: CRC mismatch", file->name);
	if (encrypted) {
		run->unlocked++;
		archive_name_add(&run->unlocked_names, file->name);
	}
	cst = scan_child(ctx, run->in, file->name, sp, NULL);
	if (!em_status_local(cst))
		return cst;
	if (cst == EM_LIMIT && ctx->members_left == 0)
		return EM_LIMIT;
	if (st == EM_LIMIT && (ctx->bytes_left == 0 || ctx->time_reported))
		return EM_LIMIT;
	return st == EM_OK ? EM_OK : EM_BADDATA;
}

/* A folder that stopped (corrupt data, a member cut) before its member FROM:
 * the members after it are named, so name checks still see them. */
static em_status
sz_folder_rest(struct sz_run *run, unsigned fi, uint64_t from)
{
	const struct sz_folder *f = &run->a.st.f[fi];
	em_status st = EM_OK;

	for (; from < f->nsub && st == EM_OK; from++)
		st = sz_name_part(
		    run, run->a.files[run->sub_file[f->first_sub + from]].name);
	return st == EM_LIMIT ? EM_OK : st;
}

/* Every member of folder FI, decoded with KEY (NULL: not encrypted). A key is
 * confirmed by the first member (it decodes and its CRC matches). */
static enum sz_try
sz_folder_try(struct sz_run *run, unsigned fi, const unsigned char *key, em_status *st)
{
	const struct sz_streams *s = &run->a.st;
	const struct sz_folder *f = &s->f[fi];
	const struct sz_file *file;
	const char *why = NULL;
	struct sz_dec *d;
	struct spool *sp;
	uint64_t k, pending = 0;
	uint32_t crc;
	unsigned sub;
	int confirmed = key == NULL, bad;
	em_status cs;

	*st = EM_OK;
	d = sz_dec_new(f, run->src, f->pack_off, s->pack_size + f->first_pack, key,
	    run->ctx->bytes_left < archive_member_cap(run->ctx, run->size) ?
		run->ctx->bytes_left :
		archive_member_cap(run->ctx, run->size),
	    &why);
	if (d == NULL) {
		report_add(run->ctx->r, run->in->part, "archive.corrupt", "folder %u: %s",
		    fi, why);
		*st = sz_folder_closed(run, fi, 0);
		return *st == EM_OK ? SZ_OPENED : SZ_STOP;
	}
	for (k = 0; k < f->nsub && *st == EM_OK; k++) {
		sub = f->first_sub + (unsigned)k;
		file = &run->a.files[run->sub_file[sub]];
		if (++run->members > run->ctx->cfg->lim.archive_members) {
			report_add(run->ctx->r, run->in->part, "archive.limit",
			    "more than %u entries in one archive",
			    run->ctx->cfg->lim.archive_members);
			*st = EM_LIMIT;
			break;
		}
		if ((sp = spool_new(run->ctx->cfg->lim.spool_memory,
			 run->ctx->cfg->tmpdir)) == NULL) {
			*st = EM_TEMPFAIL;
			break;
		}
		cs = sz_copy(run, d, file->name, s->sub_size[sub], sp, &crc, &pending,
		    confirmed, &why);
		bad = cs == EM_OK && s->sub_has_crc[sub] && crc != s->sub_crc[sub];
		if (!confirmed && (cs == EM_BADDATA || bad)) {
			spool_free(sp);
			sz_dec_free(d);
			run->members--;
			return SZ_WRONG;
		}
		if (!confirmed) {
			/* the right key: what it decoded now counts (finding when over) */
			confirmed = 1;
			if (scan_budget_bytes(run->ctx, run->in->part, pending) != EM_OK)
				cs = EM_LIMIT;
		}
		*st = cs == EM_TEMPFAIL ?
		    cs :
		    sz_member_done(run, file, sp, cs, bad, key != NULL, why);
		spool_free(sp);
	}
	sz_dec_free(d);
	if (*st == EM_BADDATA)
		*st = sz_folder_rest(run, fi, k); /* the other folders go on */
	return em_status_local(*st) && *st != EM_LIMIT ? SZ_OPENED : SZ_STOP;
}

/* An encrypted folder: the candidate that opened the last folder first, then
 * the others in order, until one opens it; else its members are locked. */
static em_status
sz_folder_locked(struct sz_run *run, unsigned fi)
{
	const struct sz_folder *f = &run->a.st.f[fi];
	const char *why = NULL;
	em_status st;
	int j, i;

	for (j = -1; j < (int)run->npw; j++) {
		i = j < 0 ? run->good : j;
		if (i < 0 || (j >= 0 && i == run->good))
			continue;
		if (sz_key_for(run, f, (unsigned)i, &why) != 0) {
			if (run->ctx->time_reported)
				return EM_LIMIT;
			report_add(run->ctx->r, run->in->part, "archive.corrupt",
			    "folder %u: %s", fi, why);
			break;
		}
		switch (sz_folder_try(run, fi, run->keys[i].key, &st)) {
		case SZ_OPENED: run->good = i; return st;
		case SZ_STOP: return st;
		case SZ_WRONG: break;
		default: return EM_BUG;
		}
	}
	return sz_folder_closed(run, fi, 1);
}

/* One folder: not decodable (named, counted), encrypted, or plain. */
static em_status
sz_folder(struct sz_run *run, unsigned fi)
{
	const struct sz_folder *f = &run->a.st.f[fi];
	const char *why = sz_chain_unsupported(f);
	uint64_t k;
	em_status st;
	int enc = sz_folder_encrypted(f);

	if (run->retry && !enc && !run->hdr_enc)
		return EM_OK; /* the first walk scanned it */
	if (why != NULL) {
		if (run->retry)
			return EM_OK;
		run->unsup_why = run->unsup_why != NULL ? run->unsup_why : why;
		for (k = 0; k < f->nsub; k++) {
			run->unsup++;
			archive_name_add(&run->unsup_names,
			    run->a.files[run->sub_file[f->first_sub + k]].name);
		}
		return sz_folder_closed(run, fi, 0);
	}
	if (!enc)
		return sz_folder_try(run, fi, NULL, &st) == SZ_STOP ? st : EM_OK;
	return sz_folder_locked(run, fi);
}

/* Files without data: empty parts (a 0-byte member is still a member with a
 * name); directories are counted only. */
static em_status
sz_empty_files(struct sz_run *run)
{
	unsigned i;
	em_status st;

	for (i = 0; i < run->a.nfiles; i++) {
		if (run->a.files[i].has_stream || run->a.files[i].is_dir)
			continue;
		if (++run->members > run->ctx->cfg->lim.archive_members) {
			report_add(run->ctx->r, run->in->part, "archive.limit",
			    "more than %u entries in one archive",
			    run->ctx->cfg->lim.archive_members);
			return EM_LIMIT;
		}
		if ((st = sz_name_part(run, run->a.files[i].name)) != EM_OK)
			return st;
	}
	return EM_OK;
}

static em_status
sz_walk(struct sz_run *run)
{
	unsigned fi;
	em_status st = EM_OK;

	if (sz_map_files(run) != 0)
		return EM_TEMPFAIL;
	if ((!run->retry || run->hdr_enc) && (st = sz_empty_files(run)) != EM_OK)
		return st;
	for (fi = 0; fi < run->a.st.nfolders && st == EM_OK; fi++)
		st = sz_folder(run, fi);
	return st;
}

/* Findings of one walk, and the deferral of what is still locked. */
static void
sz_conclude(struct sz_run *run, int hdr_locked, const char *why)
{
	struct report *r = run->ctx->r;
	int part = run->in->part;

	if (hdr_locked && !run->retry)
		report_add(r, part, "archive.encrypted",
		    "7z archive headers are encrypted (7zAES, names hidden): not opened with %u "
		    "candidate passwords from the message (%s)",
		    run->npw, why);
	if (run->locked > 0 && !run->retry)
		report_add(r, part, "archive.encrypted",
		    "%u encrypted members of a 7z archive (7zAES) not opened (%u candidate "
		    "passwords from the message tried): %s",
		    run->locked, run->npw, sb_str(&run->locked_names));
	if (run->unsup > 0)
		report_add(r, part, "archive.unsupported_coder",
		    "%u members of a 7z archive use %s, which is not decoded: not inspected: %s",
		    run->unsup, run->unsup_why, sb_str(&run->unsup_names));
	if (run->unlocked > 0)
		report_add(r, part, "archive.unlocked",
		    "%u members opened with one of %u passwords found in the message: %s",
		    run->unlocked, run->npw, sb_str(&run->unlocked_names));
	if ((hdr_locked || run->locked > 0) && !run->retry)
		defer_part(run->ctx, run->in, run->npw);
}

static em_status
sz_run_one(struct sz_run *run)
{
	const char *why = "no candidate matched";
	int rc = sz_read_header(run, &why);
	int enc = 0;
	unsigned i;

	if (rc == 0)
		return EM_END;
	if (rc == -2) {
		report_add(run->ctx->r, run->in->part, "archive.corrupt", "%s", why);
		return EM_OK;
	}
	if (rc < 0) {
		sz_conclude(run, 1, why);
		return EM_OK;
	}
	if (sz_parse_header(&run->a, run->size, &why) != 0) {
		/* a header whose CRC matches but whose structure does not hold is not
		 * given to libarchive either: its 7z reader allocates from header
		 * counts (fuzzing found 7 GB and 8 EB requests) */
		report_add(
		    run->ctx->r, run->in->part, "archive.corrupt", "7z header: %s", why);
		return EM_OK;
	}
	for (i = 0; i < run->a.st.nfolders; i++)
		enc |= sz_folder_encrypted(&run->a.st.f[i]);
	if (!enc && !run->hdr_enc)
		return EM_END;
	rc = sz_walk(run);
	sz_conclude(run, 0, why);
	return rc;
}

em_status
sevenzip_scan(struct scan_ctx *ctx, const struct scan_input *in, int retry)
{
	struct sz_run *run;
	em_status st;

	if (in->sp == NULL)
		return EM_END;
	if ((run = calloc(1, sizeof(*run))) == NULL)
		return EM_TEMPFAIL;
	run->ctx = ctx;
	run->in = in;
	run->src = in->sp;
	run->size = spool_size(in->sp);
	run->retry = retry;
	run->good = -1;
	run->npw = pwlist_count(ctx->pw);
	sb_init(&run->locked_names, 4096);
	sb_init(&run->unlocked_names, 4096);
	sb_init(&run->unsup_names, 4096);
	if ((run->keys = calloc(run->npw + 1u, sizeof(*run->keys))) == NULL)
		st = EM_TEMPFAIL;
	else
		st = sz_run_one(run);
	sz_arc_free(&run->a);
	if (run->keys != NULL)
		OPENSSL_cleanse(run->keys, (run->npw + 1u) * sizeof(*run->keys));
	free(run->keys);
	free(run->sub_file);
	sb_free(&run->locked_names);
	sb_free(&run->unlocked_names);
	sb_free(&run->unsup_names);
	free(run);
	return st == EM_BADDATA ? EM_OK : st;
}
