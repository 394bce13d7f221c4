/*
 * ole.c: ole_scan(), the analyser of OLE2 compound files (.doc .xls .ppt .msg,
 * vbaProject.bin, encrypted OOXML, Packager objects).
 *
 * Opens the file with cfb.c, then looks at every directory entry:
 *   VBA storage with a dir stream  -> vba.c (macro.vba*, macro.stomped, sources)
 *   Workbook / Book                -> xlm.c (macro.xlm, doc.encrypted; an RC4-
 *                                     encrypted stream it opens is scanned as the
 *                                     child "Workbook")
 *   WordDocument                   -> DDE fields; FIB fEncrypted: RC4 tried with the
 *                                     message's candidates (doc.unlocked, the
 *                                     decrypted stream as the child "WordDocument"),
 *                                     else doc.encrypted
 *   EncryptedPackage/EncryptionInfo, EncryptedSummary -> doc.encrypted; an agile- or
 *                                     Standard-encrypted package is tried with Excel's default
 *                                     password, then with the candidates harvested
 *                                     from the message (passwords.c), and when one
 *                                     opens it, scanned as a child (doc.unlocked when
 *                                     a harvested one did)
 *   \1Ole10Native                  -> the Packager file as a child, doc.ole_object
 *   Package, CONTENTS              -> embedded OOXML / PDF as a child (no finding:
 *                                     the child's own analysers judge it)
 *   ObjectPool storage             -> doc.ole_object (Word embedded objects)
 *   PowerPoint Document            -> ExOleObjStg atoms (zlib) as children (VBA
 *                                     projects and objects), CryptSession10 encryption
 * A file that is not a readable compound file gets scan.error (the part is not
 * clean). Entries anywhere in the tree are looked at, so an object embedded in a
 * storage reports on this part.
 *
 * Limits: streams are read up to the part's scan window; OLE_MAX_STREAMS entries
 * are looked at; every stream read counts against the message's unpacked-bytes
 * budget (archive.limit; the walk stops there), so entries cross-linked to one
 * big chain cannot multiply the work; children count against the message budget
 * (scan_child).
 * Each candidate costs the file's spinCount hashes (agile: 100,000 SHA-512 as Office
 * writes them, about 30 ms; Standard: 50,000 SHA-1): at most limits.passwords and
 * OLE_MAX_PW_TRIES are tried per package, within the message's time budget.
 * A file something in it stayed locked in (a package, a workbook, a Word stream)
 * is kept (defer.c) and tried again with the candidates found after it (ole_retry).
 * BUGS: RC4-encrypted .ppt and XOR-obfuscated .xls and .doc are not decrypted; Word text is searched for DDE without the piece table, so a field split
 * over pieces is missed; ObjectPool members are not extracted as compound files of
 * their own.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/analyser.h"
#include "core/bytes.h"
#include "office/cfb.h"
#include "office/officecrypt.h"
#include "office/rc4crypt.h"
#include "core/passwords.h"
#include "office/vba.h"
#include "office/xlm.h"

#define OLE_MAX_STREAMS 20000u
#define OLE_MAX_PPT_OBJ (64u << 20) /* inflated bytes of one PowerPoint object */
#define OLE_MAX_PW_TRIES \
	8 /* candidates tried per encrypted package: each
                                         costs up to 60 ms of hashing */

struct ole_state {
	unsigned first; /* candidate to start from: 0 = Excel's default password
	                           and all candidates; a retry starts after the tried */
	int locked;     /* a package, workbook or Word stream no password opened */
	int encrypted_reported;
	int dde_reported;
	unsigned objectpool;
	int bytes_spent; /* the message's unpacked-bytes budget ran out */
};

static em_status
ole_read(struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c, unsigned i,
    unsigned char **p, size_t *n)
{
	int cut = 0, rc = cfb_read(c, i, in->len, p, n, &cut);

	(void)ctx;
	if (rc == -2)
		return EM_TEMPFAIL;
	return rc == 0 ? EM_OK : EM_BADDATA;
}

static void
ole_encrypted(
    struct scan_ctx *ctx, struct scan_input *in, struct ole_state *s, const char *why)
{
	if (s->encrypted_reported++)
		return;
	report_add(ctx->r, in->part, "doc.encrypted", "%s", why);
}

/* A DDE field: 0x13, spaces, DDE or DDEAUTO, in 8-bit or UTF-16LE text. */
static int
ole_dde_at(const unsigned char *d, size_t n, size_t i, size_t step, char *cmd, size_t csz)
{
	static const char kw[] = "DDE";
	size_t j = i, k, o = 0;

	while (j < n && d[j] == ' ' && (step == 1 || (j + 1 < n && d[j + 1] == 0)))
		j += step;
	for (k = 0; k < 3; k++, j += step)
		if (j >= n || (d[j] & 0xDF) != kw[k] ||
		    (step == 2 && (j + 1 >= n || d[j + 1])))
			return 0;
	if (j < n && ((d[j] | 0x20) >= 'a' && (d[j] | 0x20) <= 'z') &&
	    !(n - j >= 4 * step && (d[j] & 0xDF) == 'A'))
		return 0; /* DDEX...: some other word (DDEAUTO is fine) */
	for (k = i; k < n && o + 1 < csz && d[k] != 0x14 && d[k] != 0x15; k += step)
		if (d[k] >= 0x20 && d[k] < 0x7F)
			cmd[o++] = (char)d[k];
	cmd[o] = '\0';
	return 1;
}

/* DDE fields in Word text (8-bit or UTF-16LE). */
static void
ole_word_dde(struct scan_ctx *ctx, struct scan_input *in, struct ole_state *s,
    const unsigned char *d, size_t n)
{
	char cmd[120];
	size_t i;

	for (i = 0; i + 1 < n && !s->dde_reported; i++) {
		if (d[i] != 0x13)
			continue;
		if ((d[i + 1] != 0 && ole_dde_at(d, n, i + 1, 1, cmd, sizeof(cmd))) ||
		    (d[i + 1] == 0 && ole_dde_at(d, n, i + 2, 2, cmd, sizeof(cmd)))) {
			s->dde_reported = 1;
			report_add(ctx->r, in->part, "doc.dde", "Word field:%.100s", cmd);
		}
	}
}

/* An RC4-encrypted WordDocument (MS-DOC 2.2.6.2): the encryption header is the
 * first lKey bytes of the table stream beside it; the stream is encrypted after its
 * 68-byte FibBase, in 512-byte key blocks. Word has no default password: only the
 * message's candidates are tried. Returns the decrypted copy, or NULL. */
static unsigned char *
ole_word_open(struct scan_ctx *ctx, struct ole_state *s, const struct cfb *c, int par,
    const unsigned char *d, size_t n, unsigned *ncand)
{
	unsigned k;
	uint16_t flags;
	uint32_t lkey;
	unsigned char *tab = NULL, *out = NULL;
	size_t tlen = 0;
	int ti, cut;
	struct rc4c_key key;
	struct rc4c_stream st;

	*ncand = ctx->pw != NULL ? pwlist_count(ctx->pw) : 0;
	if (*ncand > ctx->cfg->lim.passwords)
		*ncand = ctx->cfg->lim.passwords;
	if (n < 68)
		return NULL; /* no whole FibBase: nothing to read the key from */
	(void)rd_le16(d, n, 10, &flags);
	(void)rd_le32(d, n, 14, &lkey);
	if ((flags & 0x8000) || par < 0 || /* XOR obfuscation */
	    (ti = cfb_child(c, par, (flags & 0x0200) ? "1Table" : "0Table")) < 0 ||
	    cfb_read(c, (unsigned)ti, lkey < 4096 ? lkey : 4096, &tab, &tlen, &cut) != 0)
		return NULL;
	if (rc4c_parse(tab, tlen, &key) == 0) {
		s->locked = 1;
		for (k = s->first > 0 ? s->first - 1 : 0; k < *ncand && out == NULL;
		     k++) {
			if (!rc4c_password(&key, pwlist_get(ctx->pw, k)) ||
			    (out = malloc(n + 1)) == NULL)
				continue;
			memcpy(out, d, n);
			rc4c_stream_init(&st, &key, 512);
			if (rc4c_stream_xor(&st, out, 68, n) != 0) {
				free(out);
				out = NULL;
			}
		}
	}
	free(tab);
	if (out != NULL)
		s->locked = 0;
	return out;
}

static em_status
ole_word(struct scan_ctx *ctx, struct scan_input *in, struct ole_state *s,
    const struct cfb *c, int par, const unsigned char *d, size_t n)
{
	unsigned char *plain;
	unsigned ncand;
	em_status st = EM_OK;

	if (n < 12 || d[0] != 0xEC || d[1] != 0xA5 || !(d[11] & 0x01)) { /* fEncrypted */
		if (s->first == 0)
			ole_word_dde(ctx, in, s, d, n);
		return EM_OK;
	}
	if ((plain = ole_word_open(ctx, s, c, par, d, n, &ncand)) == NULL) {
		if (s->first == 0)
			ole_encrypted(ctx, in, s, "Word document with fEncrypted set");
		return EM_OK; /* the text is ciphertext */
	}
	s->encrypted_reported = 1;
	report_add(ctx->r, in->part, "doc.unlocked",
	    "Word document (RC4) opened with one of %u password%s found in the message",
	    ncand, ncand == 1 ? "" : "s");
	ole_word_dde(ctx, in, s, plain, n);
	/* the decrypted text: YARA and the type checks see the clear bytes */
	st = scan_child_mem(ctx, in, "WordDocument", plain, n, NULL);
	free(plain);
	return st;
}

/* Does command line CMD start a program or script (by its first word's extension)? */
static int
ole_runs(const char *cmd)
{
	static const char *const ext[] = {
		".exe",
		".com",
		".scr",
		".pif",
		".bat",
		".cmd",
		".ps1",
		".vbs",
		".vbe",
		".js",
		".jse",
		".wsf",
		".wsh",
		".hta",
		".lnk",
		".msi",
		".cpl",
		".dll",
		".jar",
	};
	const char *w = cmd[0] == '"' ? cmd + 1 : cmd;
	size_t n = strcspn(w, cmd[0] == '"' ? "\"" : " \t"), k, el;

	for (k = 0; k < sizeof(ext) / sizeof(ext[0]); k++) {
		el = strlen(ext[k]);
		if ((n >= el && strncasecmp(w + n - el, ext[k], el) == 0) ||
		    (strlen(cmd) >= el &&
			strcasecmp(cmd + strlen(cmd) - el, ext[k]) == 0))
			return 1;
	}
	return 0;
}

/* A Packager object that only links to a command or file (no bytes embedded). */
static em_status
ole_native_link(struct scan_ctx *ctx, struct scan_input *in, const char *label,
    const unsigned char *d, size_t n)
{
	char cmd[200];
	size_t i = 0, o = 0;

	while (i < n && (d[i] < 0x20 || d[i] >= 0x7F))
		i++;
	for (; i < n && d[i] != 0 && o + 1 < sizeof(cmd); i++)
		cmd[o++] = d[i] >= 0x20 && d[i] < 0x7F ? (char)d[i] : '?';
	cmd[o] = '\0';
	report_add(ctx->r, in->part, "doc.ole_object", "Packager link %.100s to %s",
	    label[0] ? label : "(no name)", o ? cmd : "(nothing)");
	/* a double-click on the object starts the program it links to: a shortcut */
	if (ole_runs(cmd))
		report_add(ctx->r, in->part, "type.shortcut",
		    "Packager link object that starts %s", cmd);
	return EM_OK;
}

/* Ole10Native: u32 size, u16, label\0, path\0, u32, u32 len + temp path, u32 len + data */
static em_status
ole_native(struct scan_ctx *ctx, struct scan_input *in, const unsigned char *d, size_t n)
{
	char label[256];
	size_t p = 6, q, o = 0;
	uint32_t tl, dl;
	em_status st;

	if (n < 6)
		goto bad;
	for (q = p; q < n && d[q] != 0; q++)
		if (o + 1 < sizeof(label))
			label[o++] =
			    d[q] < 0x20 || d[q] == '/' || d[q] == '\\' ? '_' : (char)d[q];
	label[o] = '\0';
	for (p = q + 1; p < n && d[p] != 0; p++)
		;
	p += 1 + 4; /* the path's NUL, then two 16-bit words: 0, 3 = embedded file */
	if (p > n || n - p < 4)
		goto bad;
	if (d[p - 2] != 3 || d[p - 1] != 0)
		return ole_native_link(ctx, in, label, d + p, n - p);
	(void)rd_le32(d, n, p, &tl);
	if (tl > n - p - 4 || n - p - 4 - tl < 4)
		goto bad;
	p += 4 + tl;
	(void)rd_le32(d, n, p, &dl);
	p += 4;
	if (dl > n - p)
		report_add(ctx->r, in->part, "scan.limit",
		    "Packager object %.100s: %u bytes declared, %zu present", label, dl,
		    n - p);
	if (dl > n - p)
		dl = (uint32_t)(n - p);
	report_add(ctx->r, in->part, "doc.ole_object",
	    "Packager object %.200s (%u bytes)", label[0] ? label : "(no name)", dl);
	if ((st = scan_budget_bytes(ctx, in->part, dl)) != EM_OK)
		return st;
	return scan_child_mem(ctx, in, label[0] ? label : "Ole10Native", d + p, dl, NULL);
bad:
	report_add(ctx->r, in->part, "doc.ole_object", "Ole10Native stream not parsed");
	if ((st = scan_budget_bytes(ctx, in->part, n)) != EM_OK)
		return st;
	return scan_child_mem(ctx, in, "Ole10Native", d, n, NULL);
}

/* zlib-inflate one ExOleObjStg body into a child part. */
static em_status
ole_ppt_object(struct scan_ctx *ctx, struct scan_input *in, const unsigned char *d,
    size_t n, unsigned idx)
{
	z_stream z;
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, got = 0;
	char name[48];
	uint32_t declared;
	int zr = Z_OK;
	em_status st = EM_OK;

	memset(&z, 0, sizeof(z));
	if (n < 4 || inflateInit(&z) != Z_OK)
		return EM_OK;
	z.next_in = (unsigned char *)(uintptr_t)(d + 4);
	z.avail_in = (uInt)(n - 4 > 0x7FFFFFFF ? 0x7FFFFFFF : n - 4);
	while (zr == Z_OK && got < OLE_MAX_PPT_OBJ) {
		if (got == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				st = EM_TEMPFAIL;
				goto out;
			}
			buf = nb;
		}
		z.next_out = buf + got;
		z.avail_out = (uInt)(cap - got);
		zr = inflate(&z, Z_NO_FLUSH);
		got = cap - z.avail_out;
	}
	/* PowerPoint often ends the zlib data without its final block: what counts is
	 * that the declared size arrived */
	(void)rd_le32(d, n, 0, &declared);
	if (zr != Z_STREAM_END && zr != Z_OK && !(zr == Z_BUF_ERROR && got >= declared))
		scan_error(ctx, in->part, "ole",
		    zr == Z_BUF_ERROR ? "PowerPoint object: zlib data truncated" :
					"PowerPoint object: zlib data corrupt");
	if (got >= OLE_MAX_PPT_OBJ)
		report_add(ctx->r, in->part, "scan.limit",
		    "PowerPoint object cut at %u bytes", OLE_MAX_PPT_OBJ);
	snprintf(name, sizeof(name), "ExOleObjStg%u", idx);
	if (got > 0 && (st = scan_budget_bytes(ctx, in->part, got)) == EM_OK)
		st = scan_child_mem(ctx, in, name, buf, got, NULL);
out:
	inflateEnd(&z);
	free(buf);
	return st;
}

/* PowerPoint records: containers (recVer 0xF) are entered, atoms skipped. */
static em_status
ole_ppt(struct scan_ctx *ctx, struct scan_input *in, struct ole_state *s,
    const unsigned char *d, size_t n)
{
	size_t p = 0;
	uint16_t vi, type;
	unsigned nobj = 0;
	uint32_t len;
	em_status st = EM_OK;

	while (n - p >= 8 && st == EM_OK) {
		(void)rd_le16(d, n, p, &vi);
		(void)rd_le16(d, n, p + 2, &type);
		(void)rd_le32(d, n, p + 4, &len);
		p += 8;
		if ((vi & 0xF) == 0xF)
			continue; /* a container: its children follow */
		if (len > n - p)
			break;
		if (type == 0x2F14)
			ole_encrypted(ctx, in, s, "PowerPoint CryptSession10Container");
		if (type == 0x1011 && (vi >> 4) == 1 && nobj < 200)
			st = ole_ppt_object(ctx, in, d + p, len, nobj++);
		else if (type == 0x1011 && (vi >> 4) == 0 && nobj < 200)
			st = scan_child_mem(ctx, in, "ExOleObjStg", d + p, len, NULL);
		p += len;
	}
	return st;
}

/* One stream, by name. */
static em_status
ole_stream(struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c, unsigned i,
    struct ole_state *s)
{
	const struct cfb_entry *e = cfb_entry(c, i);
	unsigned char *d = NULL;
	size_t n = 0;
	em_status st;
	char label[2 * CFB_NAME_MAX + 2];
	int par = e->parent;

	if (strcasecmp(e->name, "EncryptedPackage") == 0 ||
	    strcasecmp(e->name, "EncryptionInfo") == 0) {
		ole_encrypted(ctx, in, s, "encrypted OOXML package (EncryptedPackage)");
		return EM_OK;
	}
	if (strcasecmp(e->name, "EncryptedSummary") == 0) {
		ole_encrypted(ctx, in, s, "encrypted PowerPoint (EncryptedSummary)");
		return EM_OK;
	}
	if (strcasecmp(e->name, "Workbook") != 0 && strcasecmp(e->name, "Book") != 0 &&
	    strcasecmp(e->name, "WordDocument") != 0 &&
	    strcmp(e->name, "\001Ole10Native") != 0 &&
	    strcasecmp(e->name, "PowerPoint Document") != 0 &&
	    !(par > 0 &&
		(strcmp(e->name, "Package") == 0 || strcmp(e->name, "CONTENTS") == 0)))
		return EM_OK;
	if ((st = ole_read(ctx, in, c, i, &d, &n)) != EM_OK)
		return st == EM_TEMPFAIL ? st : EM_OK;
	/* every stream read counts: many entries cross-linked to one big chain */
	if ((st = scan_budget_bytes(ctx, in->part, n)) != EM_OK) {
		s->bytes_spent = 1;
		free(d);
		return st;
	}
	if (strcasecmp(e->name, "Workbook") == 0 || strcasecmp(e->name, "Book") == 0) {
		unsigned char *plain = NULL;
		int locked = 0;

		st = xlm_scan(ctx, in->part, d, n, s->first, &plain, &locked);
		s->locked |= locked;
		if (st == EM_OK &&
		    (report_has(ctx->r, in->part, "doc.encrypted") ||
			report_has(ctx->r, in->part, "doc.unlocked")))
			s->encrypted_reported = 1;
		/* the decrypted workbook: YARA and the type checks see the clear bytes */
		if (plain != NULL && em_status_local(st))
			st = scan_child_mem(ctx, in, "Workbook", plain, n, NULL);
		free(plain);
	} else if (strcasecmp(e->name, "WordDocument") == 0) {
		st = ole_word(ctx, in, s, c, par, d, n);
	} else if (e->name[0] == '\001') {
		st = ole_native(ctx, in, d, n);
	} else if (strcasecmp(e->name, "PowerPoint Document") == 0) {
		st = ole_ppt(ctx, in, s, d, n);
	} else {
		snprintf(label, sizeof(label), "%s/%s", cfb_entry(c, (unsigned)par)->name,
		    e->name);
		/* an embedded file (OOXML, PDF): its own analyser judges it */
		st = scan_child_mem(ctx, in, label, d, n, NULL);
	}
	free(d);
	return st;
}

/* Open an encrypted OOXML package (officecrypt.c) with Excel's default password
 * (when s->first is 0) and the message's candidates from s->first on (at most
 * limits.passwords and OLE_MAX_PW_TRIES, within the time budget); the zip inside
 * comes out as a child part. A package no candidate opened sets s->locked.
 * Returns 1 when it opened. */
static int
ole_try_passwords(struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c,
    struct ole_state *s, em_status *st)
{
	unsigned char *info = NULL, *pkg = NULL, *plain = NULL;
	size_t ilen = 0, plen = 0, n = 0;
	int ii = cfb_child(c, 0, "EncryptionInfo"),
	    pi = cfb_child(c, 0, "EncryptedPackage");
	int cut, opened, known;
	unsigned k = s->first, first = s->first,
		 ncand = ctx->pw != NULL ? pwlist_count(ctx->pw) : 0;

	if (ii < 0 || pi < 0 ||
	    cfb_read(c, (unsigned)ii, 1u << 16, &info, &ilen, &cut) != 0)
		return 0;
	if (ncand > ctx->cfg->lim.passwords)
		ncand = ctx->cfg->lim.passwords;
	if (ncand > OLE_MAX_PW_TRIES)
		ncand = OLE_MAX_PW_TRIES;
	known = officecrypt_known(info, ilen);
	if (known && cfb_read(c, (unsigned)pi, in->len, &pkg, &plen, &cut) == 0) {
		for (k = first; k <= ncand && plain == NULL; k++) {
			if (k > 0 && scan_budget_time(ctx, in->part) != EM_OK)
				break;
			plain = officecrypt_open(info, ilen, pkg, plen,
			    k == 0 ? "VelvetSweatshop" : pwlist_get(ctx->pw, k - 1), &n);
		}
	}
	if (plain != NULL) {
		if (k == 1)
			report_add(ctx->r, in->part, "doc.encrypted",
			    "encrypted OOXML package opened with Excel's default password");
		else
			report_add(ctx->r, in->part, "doc.unlocked",
			    "encrypted OOXML package opened with one of %u password%s found in "
			    "the message",
			    ncand, ncand == 1 ? "" : "s");
		if ((*st = scan_budget_bytes(ctx, in->part, n)) == EM_OK)
			*st = scan_child_mem(ctx, in, "EncryptedPackage", plain, n, NULL);
	} else if (known && ncand < OLE_MAX_PW_TRIES) {
		s->locked = 1;
	}
	opened = plain != NULL;
	free(info);
	free(pkg);
	free(plain);
	return opened;
}

/* A part left locked by ole_scan, tried again with the candidates found after the
 * first TRIED: the encrypted package, and the workbook and Word streams. Only what
 * opens now is reported. */
em_status
ole_retry(struct scan_ctx *ctx, struct scan_input *in, unsigned tried)
{
	struct ole_state s;
	struct cfb *c = NULL;
	char err[120];
	em_status st = EM_OK;
	unsigned i;

	if (spool_map(in->sp, ctx->cfg->lim.scan_window, &in->data, &in->len) != EM_OK)
		return EM_TEMPFAIL;
	if (cfb_open(in->data, in->len, &c, err, sizeof(err)) != 0)
		return EM_OK; /* it opened the first time: only memory can fail */
	memset(&s, 0, sizeof(s));
	s.first = tried + 1;
	s.encrypted_reported = 1; /* said by the first pass */
	(void)ole_try_passwords(ctx, in, c, &s, &st);
	for (i = 1; i < cfb_count(c) && i < OLE_MAX_STREAMS && em_status_local(st); i++) {
		const struct cfb_entry *e = cfb_entry(c, i);

		if (e->type == CFB_STREAM &&
		    (strcasecmp(e->name, "Workbook") == 0 ||
			strcasecmp(e->name, "Book") == 0 ||
			strcasecmp(e->name, "WordDocument") == 0))
			st = ole_stream(ctx, in, c, i, &s);
	}
	cfb_free(c);
	return em_status_local(st) ? EM_OK : st;
}

static unsigned
ole_children(const struct cfb *c, unsigned storage)
{
	unsigned i, n = 0;

	for (i = 1; i < cfb_count(c); i++)
		if (cfb_entry(c, i)->parent == (int)storage &&
		    cfb_entry(c, i)->type == CFB_STORAGE)
			n++;
	return n;
}

em_status
ole_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	struct ole_state s;
	struct cfb *c = NULL;
	char err[120];
	unsigned i, n;
	em_status st = EM_OK;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = cfb_open(in->data, in->len, &c, err, sizeof(err))) != 0) {
		if (rc == -2)
			return EM_TEMPFAIL;
		scan_error(ctx, in->part, "ole", err);
		return EM_OK;
	}
	if (cfb_anomaly(c)[0] != '\0')
		scan_error(ctx, in->part, "ole", cfb_anomaly(c));
	if (ole_try_passwords(ctx, in, c, &s, &st) == 1)
		s.encrypted_reported = 1;
	n = cfb_count(c);
	if (n > OLE_MAX_STREAMS) {
		report_add(ctx->r, in->part, "scan.limit",
		    "OLE2: entries past %u not inspected", OLE_MAX_STREAMS);
		n = OLE_MAX_STREAMS;
	}
	for (i = 1; i < n && em_status_local(st) && !s.bytes_spent; i++) {
		const struct cfb_entry *e = cfb_entry(c, i);

		if ((st = scan_budget_time(ctx, in->part)) != EM_OK)
			break;
		if (e->type == CFB_STORAGE && strcasecmp(e->name, "VBA") == 0 &&
		    cfb_child(c, (int)i, "dir") >= 0)
			st = vba_scan_project(ctx, in, c, (int)i);
		else if (e->type == CFB_STORAGE &&
		    strcasecmp(e->name, "ObjectPool") == 0 && ole_children(c, i) > 0)
			report_add(ctx->r, in->part, "doc.ole_object",
			    "Word ObjectPool with %u embedded object%s",
			    ole_children(c, i), ole_children(c, i) == 1 ? "" : "s");
		else if (e->type == CFB_STREAM)
			st = ole_stream(ctx, in, c, i, &s);
	}
	/* locked by a password: kept for the candidates a later text may bring */
	if (s.locked)
		defer_part(ctx, in, ctx->pw != NULL ? pwlist_count(ctx->pw) : 0);
	cfb_free(c);
	return em_status_local(st) ? EM_OK : st;
}
