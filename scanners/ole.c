/*
 * ole.c: ole_scan(), the analyser of OLE2 compound files (.doc .xls .ppt .msg,
 * vbaProject.bin, encrypted OOXML, Packager objects).
 *
 * Opens the file with cfb.c, then looks at every directory entry:
 *   VBA storage with a dir stream  -> vba.c (macro.vba*, macro.stomped, sources)
 *   Workbook / Book                -> xlm.c (macro.xlm, doc.encrypted)
 *   WordDocument                   -> FIB fEncrypted (doc.encrypted), DDE fields
 *   EncryptedPackage/EncryptionInfo, EncryptedSummary -> doc.encrypted; an agile-
 *                                     encrypted package is tried with Excel's default
 *                                     password and, when it opens, scanned as a child
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
 * BUGS: RC4/XOR-encrypted .xls and .doc and Standard (non-agile) encrypted OOXML
 * are not decrypted, and no password but Excel's default is tried; Word text is searched for DDE without the piece table, so
 * a field split over pieces is missed; ObjectPool members are not extracted as
 * compound files of their own.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <openssl/evp.h>

#include "analysers.h"
#include "b64.h"
#include "cfb.h"
#include "vba.h"
#include "xlm.h"

#define OLE_MAX_STREAMS 20000u
#define OLE_MAX_PPT_OBJ (64u << 20)   /* inflated bytes of one PowerPoint object */

struct ole_state {
	int encrypted_reported;
	int dde_reported;
	unsigned objectpool;
	int bytes_spent;        /* the message's unpacked-bytes budget ran out */
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
ole_encrypted(struct scan_ctx *ctx, struct scan_input *in, struct ole_state *s,
    const char *why)
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
		if (j >= n || (d[j] & 0xDF) != kw[k] || (step == 2 && (j + 1 >= n || d[j + 1])))
			return 0;
	if (j < n && ((d[j] | 0x20) >= 'a' && (d[j] | 0x20) <= 'z') &&
	    !(n - j >= 4 * step && (d[j] & 0xDF) == 'A'))
		return 0;       /* DDEX...: some other word (DDEAUTO is fine) */
	for (k = i; k < n && o + 1 < csz && d[k] != 0x14 && d[k] != 0x15; k += step)
		if (d[k] >= 0x20 && d[k] < 0x7F)
			cmd[o++] = (char)d[k];
	cmd[o] = '\0';
	return 1;
}

static void
ole_word(struct scan_ctx *ctx, struct scan_input *in, struct ole_state *s,
    const unsigned char *d, size_t n)
{
	unsigned flags;
	char cmd[120];
	size_t i;

	if (n >= 12 && d[0] == 0xEC && d[1] == 0xA5) {
		flags = (unsigned)d[10] | (unsigned)d[11] << 8;
		if (flags & 0x0100)
			ole_encrypted(ctx, in, s, "Word document with fEncrypted set");
		if (flags & 0x0100)
			return;         /* the text is ciphertext */
	}
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

/* Does command line CMD start a program or script (by its first word's extension)? */
static int
ole_runs(const char *cmd)
{
	static const char *const ext[] = {
		".exe", ".com", ".scr", ".pif", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js",
		".jse", ".wsf", ".wsh", ".hta", ".lnk", ".msi", ".cpl", ".dll", ".jar",
	};
	const char *w = cmd[0] == '"' ? cmd + 1 : cmd;
	size_t n = strcspn(w, cmd[0] == '"' ? "\"" : " \t"), k, el;

	for (k = 0; k < sizeof(ext) / sizeof(ext[0]); k++) {
		el = strlen(ext[k]);
		if ((n >= el && strncasecmp(w + n - el, ext[k], el) == 0) ||
		    (strlen(cmd) >= el && strcasecmp(cmd + strlen(cmd) - el, ext[k]) == 0))
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
			label[o++] = d[q] < 0x20 || d[q] == '/' || d[q] == '\\' ? '_' : (char)d[q];
	label[o] = '\0';
	for (p = q + 1; p < n && d[p] != 0; p++)
		;
	p += 1 + 4;     /* the path's NUL, then two 16-bit words: 0, 3 = embedded file */
	if (p > n || n - p < 4)
		goto bad;
	if (d[p - 2] != 3 || d[p - 1] != 0)
		return ole_native_link(ctx, in, label, d + p, n - p);
	tl = (uint32_t)d[p] | (uint32_t)d[p + 1] << 8 | (uint32_t)d[p + 2] << 16 |
	    (uint32_t)d[p + 3] << 24;
	if (tl > n - p - 4 || n - p - 4 - tl < 4)
		goto bad;
	p += 4 + tl;
	dl = (uint32_t)d[p] | (uint32_t)d[p + 1] << 8 | (uint32_t)d[p + 2] << 16 |
	    (uint32_t)d[p + 3] << 24;
	p += 4;
	if (dl > n - p)
		report_add(ctx->r, in->part, "scan.limit",
		    "Packager object %.100s: %u bytes declared, %zu present", label, dl, n - p);
	if (dl > n - p)
		dl = (uint32_t)(n - p);
	report_add(ctx->r, in->part, "doc.ole_object", "Packager object %.200s (%u bytes)",
	    label[0] ? label : "(no name)", dl);
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
	declared = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
	    (uint32_t)d[3] << 24;
	if (zr != Z_STREAM_END && zr != Z_OK && !(zr == Z_BUF_ERROR && got >= declared))
		scan_error(ctx, in->part, "ole", zr == Z_BUF_ERROR ?
		    "PowerPoint object: zlib data truncated" :
		    "PowerPoint object: zlib data corrupt");
	if (got >= OLE_MAX_PPT_OBJ)
		report_add(ctx->r, in->part, "scan.limit", "PowerPoint object cut at %u bytes",
		    OLE_MAX_PPT_OBJ);
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
	unsigned vi, type, nobj = 0;
	uint32_t len;
	em_status st = EM_OK;

	while (n - p >= 8 && st == EM_OK) {
		vi = (unsigned)d[p] | (unsigned)d[p + 1] << 8;
		type = (unsigned)d[p + 2] | (unsigned)d[p + 3] << 8;
		len = (uint32_t)d[p + 4] | (uint32_t)d[p + 5] << 8 | (uint32_t)d[p + 6] << 16 |
		    (uint32_t)d[p + 7] << 24;
		p += 8;
		if ((vi & 0xF) == 0xF)
			continue;       /* a container: its children follow */
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
	    strcasecmp(e->name, "WordDocument") != 0 && strcmp(e->name, "\001Ole10Native") != 0 &&
	    strcasecmp(e->name, "PowerPoint Document") != 0 &&
	    !(par > 0 && (strcmp(e->name, "Package") == 0 || strcmp(e->name, "CONTENTS") == 0)))
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
		st = xlm_scan(ctx, in->part, d, n);
		if (st == EM_OK && report_has(ctx->r, in->part, "doc.encrypted"))
			s->encrypted_reported = 1;
	} else if (strcasecmp(e->name, "WordDocument") == 0) {
		ole_word(ctx, in, s, d, n);
	} else if (e->name[0] == '\001') {
		st = ole_native(ctx, in, d, n);
	} else if (strcasecmp(e->name, "PowerPoint Document") == 0) {
		st = ole_ppt(ctx, in, s, d, n);
	} else {
		snprintf(label, sizeof(label), "%s/%s", cfb_entry(c, (unsigned)par)->name, e->name);
		/* an embedded file (OOXML, PDF): its own analyser judges it */
		st = scan_child_mem(ctx, in, label, d, n, NULL);
	}
	free(d);
	return st;
}

/* ---- ECMA-376 agile encryption with Excel's default password (MS-OFFCRYPTO 2.3.4.11) ---- */

#define OLE_MAX_SPIN 200000u    /* spinCount above this is not tried (Office uses
                                   100000; each round is one hash: CPU bound) */

/* The value of ATTR="..." inside the first element ELEM of XML, or "". */
static void
ole_xml_attr(const char *xml, const char *elem, const char *attr, char *out, size_t osz)
{
	const char *e = strstr(xml, elem), *end, *a;
	char pat[40];
	size_t n;

	out[0] = '\0';
	if (e == NULL || (end = strchr(e, '>')) == NULL)
		return;
	snprintf(pat, sizeof(pat), " %s=\"", attr);
	if ((a = strstr(e, pat)) == NULL || a > end)
		return;
	a += strlen(pat);
	n = strcspn(a, "\"");
	if (n >= osz)
		n = osz - 1;
	memcpy(out, a, n);
	out[n] = '\0';
}

static size_t
ole_unb64(const char *s, unsigned char *out, size_t osz)
{
	unsigned char tmp[200];
	struct b64 st;
	size_t n = strlen(s);

	if (n > 250)
		return 0;
	b64_init(&st);
	n = b64_decode(&st, s, n, tmp);
	if (n > osz)
		n = osz;
	memcpy(out, tmp, n);
	return n;
}

/* out = H(a || b); returns the digest length, 0 on failure */
static unsigned
ole_hash(const EVP_MD *md, const unsigned char *a, size_t an, const unsigned char *b,
    size_t bn, unsigned char *out)
{
	unsigned n = 0;
	EVP_MD_CTX *h = EVP_MD_CTX_new();

	if (h != NULL && EVP_DigestInit_ex(h, md, NULL) == 1 &&
	    EVP_DigestUpdate(h, a, an) == 1 && EVP_DigestUpdate(h, b, bn) == 1)
		(void)EVP_DigestFinal_ex(h, out, &n);
	EVP_MD_CTX_free(h);
	return n;
}

static int
ole_aes(unsigned keybytes, const unsigned char *key, const unsigned char *iv,
    const unsigned char *in, size_t n, unsigned char *out)
{
	const EVP_CIPHER *ci = keybytes == 16 ? EVP_aes_128_cbc() :
	    keybytes == 24 ? EVP_aes_192_cbc() : keybytes == 32 ? EVP_aes_256_cbc() : NULL;
	EVP_CIPHER_CTX *x;
	int ok = 0, l1 = 0;

	if (ci == NULL || n % 16 != 0 || n > INT32_MAX || (x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_DecryptInit_ex(x, ci, NULL, key, iv) == 1 && EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_DecryptUpdate(x, out, &l1, in, (int)n) == 1)
		ok = 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

struct ole_agile {
	const EVP_MD *md;
	unsigned keybytes;
	unsigned char kdsalt[64], key[64];
	size_t kdsaltlen;
};

/* The package key from the EncryptionInfo XML and the password. */
static int
ole_agile_key(const char *xml, const char *pw, struct ole_agile *ag)
{
	static const unsigned char blk[8] = { 0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6 };
	unsigned char salt[64], ekv[64], h[EVP_MAX_MD_SIZE], t[EVP_MAX_MD_SIZE + 4], u16[64];
	char v[260];
	size_t saltlen, ekvlen, pl = strlen(pw), i;
	unsigned long spin;
	unsigned hl;

	ole_xml_attr(xml, "<keyData", "hashAlgorithm", v, sizeof(v));
	if ((ag->md = EVP_get_digestbyname(v)) == NULL)
		return -1;
	ole_xml_attr(xml, "<keyData", "keyBits", v, sizeof(v));
	ag->keybytes = (unsigned)strtoul(v, NULL, 10) / 8;
	ole_xml_attr(xml, "<keyData", "saltValue", v, sizeof(v));
	ag->kdsaltlen = ole_unb64(v, ag->kdsalt, sizeof(ag->kdsalt));
	ole_xml_attr(xml, "encryptedKey", "spinCount", v, sizeof(v));
	spin = strtoul(v, NULL, 10);
	ole_xml_attr(xml, "encryptedKey", "saltValue", v, sizeof(v));
	saltlen = ole_unb64(v, salt, sizeof(salt));
	ole_xml_attr(xml, "encryptedKey", "encryptedKeyValue", v, sizeof(v));
	ekvlen = ole_unb64(v, ekv, sizeof(ekv));
	if (spin > OLE_MAX_SPIN || saltlen < 16 || ag->kdsaltlen < 16 || ekvlen < ag->keybytes ||
	    ag->keybytes == 0 || ag->keybytes > 32 || 2 * pl > sizeof(u16))
		return -1;
	for (i = 0; i < pl; i++) {
		u16[2 * i] = (unsigned char)pw[i];
		u16[2 * i + 1] = 0;
	}
	hl = ole_hash(ag->md, salt, saltlen, u16, 2 * pl, h);
	for (i = 0; hl > 0 && i < spin; i++) {
		t[0] = (unsigned char)i;
		t[1] = (unsigned char)(i >> 8);
		t[2] = (unsigned char)(i >> 16);
		t[3] = (unsigned char)(i >> 24);
		memcpy(t + 4, h, hl);
		hl = ole_hash(ag->md, t, 4 + hl, NULL, 0, h);
	}
	if (hl == 0 || (hl = ole_hash(ag->md, h, hl, blk, sizeof(blk), t)) == 0)
		return -1;
	if (hl < ag->keybytes)
		memset(t + hl, 0x36, ag->keybytes - hl);
	ekvlen -= ekvlen % 16;
	if (ole_aes(ag->keybytes, t, salt, ekv, ekvlen, ag->key) != 0)
		return -1;
	return 0;
}

/* Decrypt EncryptedPackage (u64 size, then 4096-byte segments) into a new buffer. */
static unsigned char *
ole_agile_package(const struct ole_agile *ag, const unsigned char *p, size_t n, size_t *outlen)
{
	unsigned char iv[EVP_MAX_MD_SIZE], idx[4], *out;
	uint64_t size = 0;
	size_t off, seg, k;

	if (n < 8)
		return NULL;
	for (k = 0; k < 8; k++)
		size |= (uint64_t)p[k] << (8 * k);
	p += 8;
	n -= 8;
	if (size > n)
		size = n;
	n -= n % 16;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (off = 0, seg = 0; off < n; off += 4096, seg++) {
		idx[0] = (unsigned char)seg;
		idx[1] = (unsigned char)(seg >> 8);
		idx[2] = (unsigned char)(seg >> 16);
		idx[3] = (unsigned char)(seg >> 24);
		if (ole_hash(ag->md, ag->kdsalt, ag->kdsaltlen, idx, 4, iv) < 16 ||
		    ole_aes(ag->keybytes, ag->key, iv, p + off, n - off < 4096 ? n - off : 4096,
		    out + off) != 0) {
			free(out);
			return NULL;
		}
	}
	*outlen = size < n ? (size_t)size : n;
	return out;
}

/* Try Excel's default password on an agile-encrypted package; a zip comes out as a
 * child part. Returns 1 when it opened, 0 when not, -2 on OOM. */
static int
ole_try_default(struct scan_ctx *ctx, struct scan_input *in, const struct cfb *c,
    em_status *st)
{
	struct ole_agile ag;
	unsigned char *info = NULL, *pkg = NULL, *plain = NULL;
	size_t ilen = 0, plen = 0, n = 0;
	int ii = cfb_child(c, 0, "EncryptionInfo"), pi = cfb_child(c, 0, "EncryptedPackage");
	int rc = 0, cut;

	if (ii < 0 || pi < 0 || cfb_read(c, (unsigned)ii, 1u << 16, &info, &ilen, &cut) != 0)
		return 0;
	if (ilen > 8 && info[0] == 4 && info[2] == 4 &&
	    ole_agile_key((const char *)info + 8, "VelvetSweatshop", &ag) == 0 &&
	    cfb_read(c, (unsigned)pi, in->len, &pkg, &plen, &cut) == 0 &&
	    (plain = ole_agile_package(&ag, pkg, plen, &n)) != NULL &&
	    n >= 4 && memcmp(plain, "PK\003\004", 4) == 0) {
		rc = 1;
		report_add(ctx->r, in->part, "doc.encrypted",
		    "encrypted OOXML package opened with Excel's default password");
		if ((*st = scan_budget_bytes(ctx, in->part, n)) == EM_OK)
			*st = scan_child_mem(ctx, in, "EncryptedPackage", plain, n, NULL);
	}
	free(info);
	free(pkg);
	free(plain);
	return rc;
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
	if (ole_try_default(ctx, in, c, &st) == 1)
		s.encrypted_reported = 1;
	n = cfb_count(c);
	if (n > OLE_MAX_STREAMS) {
		report_add(ctx->r, in->part, "scan.limit", "OLE2: entries past %u not inspected",
		    OLE_MAX_STREAMS);
		n = OLE_MAX_STREAMS;
	}
	for (i = 1; i < n && em_status_local(st) && !s.bytes_spent; i++) {
		const struct cfb_entry *e = cfb_entry(c, i);

		if ((st = scan_budget_time(ctx, in->part)) != EM_OK)
			break;
		if (e->type == CFB_STORAGE && strcasecmp(e->name, "VBA") == 0 &&
		    cfb_child(c, (int)i, "dir") >= 0)
			st = vba_scan_project(ctx, in, c, (int)i);
		else if (e->type == CFB_STORAGE && strcasecmp(e->name, "ObjectPool") == 0 &&
		    ole_children(c, i) > 0)
			report_add(ctx->r, in->part, "doc.ole_object",
			    "Word ObjectPool with %u embedded object%s", ole_children(c, i),
			    ole_children(c, i) == 1 ? "" : "s");
		else if (e->type == CFB_STREAM)
			st = ole_stream(ctx, in, c, i, &s);
	}
	cfb_free(c);
	return em_status_local(st) ? EM_OK : st;
}
