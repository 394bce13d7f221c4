/*
 * filetype.c: what a part really is. Sets in->tc (enum tclass) and in->mime and
 * records type.* findings.
 *
 * Order: our own signature checks first (filetype_sniff: PE/ELF/Mach-O, OLE2 with
 * MSI told apart by the root entry CLSID, OneNote GUID, CHM, LNK header+CLSID, PDF
 * within 1 KB, RTF, zip told apart as OOXML ([Content_Types].xml in a local or
 * central header name; its MIME type from the main part's folder) / ODF (first
 * member "mimetype"), JPEG/PNG/GIF (after every container), 7z/rar/tar/gzip/... ,
 * ISO 9660 / UDF / VHD / VHDX / DMG / FAT / NTFS images, text shortcuts); then,
 * for text, our own markup checks (texttype.c: libmagic's text rules cost up to
 * milliseconds a part), for anything else libmagic's MIME type (FT_MAGIC_POOL
 * handles shared by all threads, each behind a mutex); then, on text, mail
 * messages (texttype.c: a leading run of RFC 5322 header lines with a strong
 * field, or an mbox "From " line) and scripts (extension plus content markers,
 * filetype_script()).
 *
 * Findings: type.executable, type.script, type.shortcut, type.disk_image,
 * type.onenote, type.chm (detail: what was seen), type.message (info).
 * type.mismatch (typeclaims.c says when a name or declared type is contradicted),
 * never on members of OOXML/ODF containers (their own XML and bin parts); an
 * image carrying an appended zip, rar, 7z or PE (polyglot) here.
 *
 * Limits: libmagic sees at most FT_MAGIC_MAX bytes of the window; text checks read at
 * most FT_TEXT_SCAN bytes; zip header walks stop after FT_ZIP_HEADERS signatures.
 * Threads: libmagic is not thread-safe; each thread has its own handle.
 * BUGS: raw disk images other than FAT/NTFS (ext, HFS) are unknown;
 * the VHD and DMG trailers are read from the spool, so a part without a spool (unit
 * tests) only sees a window that holds the whole file. libmagic 5.44 can crash
 * when an allocation fails inside magic_load (test_failalloc.c leaves them be).
 */
#include <errno.h>
#include <ctype.h>
#include <magic.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/analyser.h"
#include "detect/polyglot.h"
#include "detect/filetype.h"

#define FT_MAGIC_MAX   (1024u * 1024u)
#define FT_TEXT_SCAN   (64u * 1024u)
#define FT_ZIP_HEADERS 4096u
#define FT_TAIL        512u

/* libmagic: a small pool of handles shared by all threads, each behind its own
 * mutex (a handle is not thread-safe). A handle per thread would load the whole
 * magic database for every milter connection (libmilter runs a thread per
 * connection): milliseconds and megabytes each time. */
#define FT_MAGIC_POOL  4

static struct ft_slot {
	pthread_mutex_t mu;
	magic_t m;
} ft_pool[FT_MAGIC_POOL] = {
	{ PTHREAD_MUTEX_INITIALIZER, NULL },
	{ PTHREAD_MUTEX_INITIALIZER, NULL },
	{ PTHREAD_MUTEX_INITIALIZER, NULL },
	{ PTHREAD_MUTEX_INITIALIZER, NULL },
};
static unsigned ft_next; /* round-robin start; races only spread the load */

/* libmagic's MIME type of DATA, copied to OUT; NULL when libmagic cannot load
 * (noted as a resource failure: em_oom_note) or has no answer. */
static const char *
ft_magic_type(const unsigned char *data, size_t len, char *out, size_t outsz)
{
	unsigned i, start = __atomic_fetch_add(&ft_next, 1, __ATOMIC_RELAXED);
	struct ft_slot *s = NULL;
	const char *r = NULL;

	for (i = 0; i < FT_MAGIC_POOL && s == NULL; i++)
		if (pthread_mutex_trylock(&ft_pool[(start + i) % FT_MAGIC_POOL].mu) == 0)
			s = &ft_pool[(start + i) % FT_MAGIC_POOL];
	if (s == NULL) {
		s = &ft_pool[start % FT_MAGIC_POOL];
		pthread_mutex_lock(&s->mu);
	}
	if (s->m == NULL) {
		s->m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (s->m != NULL && magic_load(s->m, NULL) != 0) {
			magic_close(s->m);
			s->m = NULL;
		}
		/* libmagic does not say whether memory or the database failed: either way
		 * no type is no verdict; this message is tempfailed, the next one retries */
		if (s->m == NULL)
			em_oom_note();
	}
	if (s->m != NULL && (r = magic_buffer(s->m, data, len)) != NULL) {
		snprintf(out, outsz, "%s", r);
		r = out;
	} else if (s->m != NULL && magic_errno(s->m) == ENOMEM) {
		em_oom_note(); /* an unknown type for want of memory is no verdict */
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

/* Load libmagic's database into every slot now (embargo-worker, before its sandbox
 * forbids opening files). Returns 0, or -1 when a slot could not load. */
int
filetype_warm(void)
{
	char out[128];
	unsigned i;
	int rc = 0;

	for (i = 0; i < FT_MAGIC_POOL; i++) {
		(void)ft_magic_type((const unsigned char *)"x", 1, out, sizeof(out));
		if (ft_pool[i].m == NULL)
			rc = -1;
	}
	return rc;
}

/* Bounds-checked readers: 0 when the field does not fit. */
static int
at(const unsigned char *d, size_t len, size_t off, const void *sig, size_t n)
{
	return off <= len && len - off >= n && memcmp(d + off, sig, n) == 0;
}

static void
append(struct ft_sniff *o, const char *what)
{
	size_t have = strlen(o->what), n = strlen(what);

	if (n > sizeof(o->what) - 1 - have)
		n = sizeof(o->what) - 1 - have;
	memcpy(o->what + have, what, n);
	o->what[have + n] = '\0';
}

/* Sets the class, MIME type (static or the report's) and what was seen. */
static void
set(struct ft_sniff *o, enum tclass tc, const char *mime, const char *what)
{
	o->tc = tc;
	o->mime = mime;
	if (what != o->what) {
		o->what[0] = '\0';
		append(o, what);
	}
}

static int
sniff_pe(const unsigned char *d, size_t len, struct ft_sniff *o)
{
	uint32_t lfanew, clr = 0;
	uint16_t chars, magic;
	size_t dirs;

	if (!at(d, len, 0, "MZ", 2) || !rd_le32(d, len, 0x3c, &lfanew) ||
	    !at(d, len, lfanew, "PE\0\0", 4) ||
	    !rd_le16(d, len, (size_t)lfanew + 22, &chars))
		return 0;
	set(o, TC_EXECUTABLE, "application/vnd.microsoft.portable-executable", "PE");
	if (rd_le16(d, len, (size_t)lfanew + 24, &magic)) {
		dirs = (size_t)lfanew + 24 + (magic == 0x20b ? 112 : 96);
		if (rd_le32(d, len, dirs + 14 * 8, &clr) && clr != 0)
			append(o, " .NET");
		append(o, magic == 0x20b ? " PE32+" : " PE32");
	}
	if (chars & 0x2000)
		append(o, " DLL");
	return 1;
}

static int
sniff_native(const unsigned char *d, size_t len, struct ft_sniff *o)
{
	static const unsigned char macho[][4] = {
		{ 0xfe, 0xed, 0xfa, 0xce },
		{ 0xfe, 0xed, 0xfa, 0xcf },
		{ 0xce, 0xfa, 0xed, 0xfe },
		{ 0xcf, 0xfa, 0xed, 0xfe },
	};
	uint32_t nfat;
	size_t i;

	if (sniff_pe(d, len, o))
		return 1;
	if (at(d, len, 0, "\177ELF", 4) && len >= 20 && (d[4] == 1 || d[4] == 2)) {
		set(o, TC_EXECUTABLE, "application/x-executable", "ELF");
		return 1;
	}
	for (i = 0; i < sizeof(macho) / sizeof(macho[0]); i++)
		if (at(d, len, 0, macho[i], 4)) {
			set(o, TC_EXECUTABLE, "application/x-mach-binary", "Mach-O");
			return 1;
		}
	/* CAFEBABE is also a Java class; a fat Mach-O has a small architecture count
	 * where a class file has its version (>= 45). */
	if (at(d, len, 0, "\xca\xfe\xba\xbe", 4) && len >= 8) {
		nfat = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 |
		    d[7];
		if (nfat > 0 && nfat < 32) {
			set(o, TC_EXECUTABLE, "application/x-mach-binary",
			    "Mach-O universal");
			return 1;
		}
	}
	return 0;
}

/* OLE2: an MSI/MSP is told by its root storage CLSID (000C1084/000C1086). */
static int
sniff_ole2(const unsigned char *d, size_t len, struct ft_sniff *o)
{
	static const unsigned char tail[] = { 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	uint16_t shift;
	uint32_t dirsect;
	uint64_t off;

	if (!at(d, len, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return 0;
	set(o, TC_OLE2, NULL, "OLE2 compound file");
	if (!rd_le16(d, len, 0x1e, &shift) || (shift != 9 && shift != 12) ||
	    !rd_le32(d, len, 0x30, &dirsect) || dirsect >= 0xfffffffau)
		return 1;
	off = ((uint64_t)dirsect + 1) << shift;
	off += 0x50; /* the root entry's CLSID */
	if (off > len || len - off < 16)
		return 1;
	if ((d[off] == 0x84 || d[off] == 0x86) && d[off + 1] == 0x10 &&
	    memcmp(d + off + 2, tail, sizeof(tail)) == 0) {
		set(o, TC_EXECUTABLE, "application/x-msi",
		    d[off] == 0x84 ? "MSI installer (OLE2)" : "MSP patch (OLE2)");
	}
	return 1;
}

/* A zip local (PK\3\4) or central (PK\1\2) header whose name ends in NEEDLE (or,
 * with PREFIX set, starts with it). */
static int
zip_has_name(const unsigned char *d, size_t len, const char *needle, int prefix)
{
	size_t nl = strlen(needle), off = 0, hdr, noff;
	unsigned seen = 0;
	uint16_t namelen;
	const unsigned char *p;

	while (off < len && seen++ < FT_ZIP_HEADERS) {
		if ((p = memmem(d + off, len - off, "PK", 2)) == NULL)
			return 0;
		hdr = (size_t)(p - d);
		off = hdr + 2;
		if (at(d, len, hdr, "PK\3\4", 4))
			noff = 30;
		else if (at(d, len, hdr, "PK\1\2", 4))
			noff = 46;
		else
			continue;
		if (!rd_le16(d, len, hdr + (noff == 30 ? 26 : 28), &namelen) ||
		    namelen < nl || hdr + noff + namelen > len)
			continue;
		if (memcmp(d + hdr + noff + (prefix ? 0 : namelen - nl), needle, nl) == 0)
			return 1;
	}
	return 0;
}

static int
sniff_zip(const unsigned char *d, size_t len, struct ft_sniff *o)
{
	static const char *const ooxml[][2] = {
		{ "word/",
		    "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "xl/",
		    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "ppt/",
		    "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	};
	uint16_t nlen, xlen;
	size_t data, i;

	if (!at(d, len, 0, "PK\3\4", 4) && !at(d, len, 0, "PK\5\6", 4) &&
	    !at(d, len, 0, "PK\7\10PK\3\4", 8))
		return 0;
	if (rd_le16(d, len, 26, &nlen) && rd_le16(d, len, 28, &xlen) && nlen == 8 &&
	    at(d, len, 30, "mimetype", 8)) {
		data = 38 + (size_t)xlen;
		if (at(d, len, data, "application/vnd.oasis.opendocument", 34)) {
			set(o, TC_ODF, NULL, "OpenDocument package");
			return 1;
		}
	}
	if (zip_has_name(d, len, "[Content_Types].xml", 0)) {
		set(o, TC_OOXML, NULL, "OOXML package");
		o->vba = zip_has_name(d, len, "vbaProject.bin", 0);
		/* the MIME type libmagic would give, from the main part's folder */
		for (i = 0; i < sizeof(ooxml) / sizeof(ooxml[0]) && o->mime == NULL; i++)
			if (zip_has_name(d, len, ooxml[i][0], 1))
				o->mime = ooxml[i][1];
		return 1;
	}
	set(o, TC_ARCHIVE, "application/zip", "zip");
	return 1;
}

static const struct ft_sig {
	size_t off;
	const char *sig;
	size_t n;
	enum tclass tc;
	const char *mime; /* NULL: ask libmagic */
	const char *what;
} ft_sigs[] = {
	{ 0, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16,
	    TC_ONENOTE, "application/onenote", "OneNote section (GUID E4525C7B-...)" },
	{ 0, "ITSF", 4, TC_CHM, "application/vnd.ms-htmlhelp", "CHM (ITSF header)" },
	{ 0, "L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46", 20, TC_SHORTCUT,
	    "application/x-ms-shortcut", "Windows shell link (.lnk header and CLSID)" },
	{ 0, "{\\rt", 4, TC_RTF, "text/rtf", "RTF" },
	{ 0, "\x78\x9f\x3e\x22", 4, TC_TNEF, "application/vnd.ms-tnef",
	    "TNEF (signature 0x223E9F78)" },
	{ 0, "7z\xbc\xaf\x27\x1c", 6, TC_ARCHIVE, "application/x-7z-compressed", "7z" },
	{ 0, "Rar!\x1a\x07\x01\x00", 8, TC_ARCHIVE, "application/vnd.rar", "rar5" },
	{ 0, "Rar!\x1a\x07\x00", 7, TC_ARCHIVE, "application/vnd.rar", "rar" },
	{ 257, "ustar", 5, TC_ARCHIVE, "application/x-tar", "tar" },
	{ 0, "\x1f\x8b\x08", 3, TC_ARCHIVE, "application/gzip", "gzip" },
	{ 0,
	    "\xfd"
	    "7zXZ\0",
	    6, TC_ARCHIVE, "application/x-xz", "xz" },
	{ 0, "\x28\xb5\x2f\xfd", 4, TC_ARCHIVE, "application/zstd", "zstd" },
	{ 0, "\x04\x22\x4d\x18", 4, TC_ARCHIVE, "application/x-lz4", "lz4" },
	{ 0, "\x1f\x9d", 2, TC_ARCHIVE, "application/x-compress", "compress" },
	{ 0, "MSCF\0\0\0\0", 8, TC_ARCHIVE, "application/vnd.ms-cab-compressed", "cab" },
	{ 0, "\x60\xea", 2, TC_ARCHIVE, "application/x-arj", "arj" },
	{ 0, "070707", 6, TC_ARCHIVE, "application/x-cpio", "cpio" },
	{ 0, "070701", 6, TC_ARCHIVE, "application/x-cpio", "cpio" },
	{ 0, "070702", 6, TC_ARCHIVE, "application/x-cpio", "cpio" },
	{ 0, "\xc7\x71", 2, TC_ARCHIVE, "application/x-cpio", "cpio (binary)" },
	{ 0, "!<arch>\n", 8, TC_ARCHIVE, "application/x-archive", "ar" },
	{ 0, "xar!", 4, TC_ARCHIVE, "application/x-xar", "xar" },
	{ 0, "vhdxfile", 8, TC_DISK_IMAGE, "application/x-vhdx", "VHDX" },
	{ 0, "conectix", 8, TC_DISK_IMAGE, "application/x-vhd",
	    "VHD (footer copy at start)" },
	{ 0x8001, "CD001", 5, TC_DISK_IMAGE, "application/x-iso9660-image",
	    "ISO 9660 at 0x8001" },
	{ 0x8801, "CD001", 5, TC_DISK_IMAGE, "application/x-iso9660-image",
	    "ISO 9660 at 0x8801" },
	{ 0x9001, "CD001", 5, TC_DISK_IMAGE, "application/x-iso9660-image",
	    "ISO 9660 at 0x9001" },
	{ 0x8001, "BEA01", 5, TC_DISK_IMAGE, "application/x-udf-image",
	    "UDF (BEA01 at 0x8001)" },
	{ 0x8001, "NSR02", 5, TC_DISK_IMAGE, "application/x-udf-image", "UDF (NSR02)" },
	{ 0x8001, "NSR03", 5, TC_DISK_IMAGE, "application/x-udf-image", "UDF (NSR03)" },
	{ 3, "NTFS    ", 8, TC_DISK_IMAGE, "application/x-raw-disk-image",
	    "NTFS volume image" },
};

/* A FAT boot sector: jump, sane bytes per sector, 55AA, and a FAT type string. */
static int
sniff_fat(const unsigned char *d, size_t len)
{
	uint16_t bps;

	if (len < 512 || !(d[0] == 0xeb || d[0] == 0xe9) || d[510] != 0x55 ||
	    d[511] != 0xaa)
		return 0;
	if (!rd_le16(d, len, 11, &bps) ||
	    (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096))
		return 0;
	return at(d, len, 0x36, "FAT1", 4) || at(d, len, 0x52, "FAT32", 5);
}

/* A partitioned image (MBR) whose first FAT-type partition holds a FAT boot
 * sector, within the bytes we have. */
static int
sniff_mbr_fat(const unsigned char *d, size_t len)
{
	static const unsigned char fat_types[] = { 0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e };
	uint32_t lba;
	unsigned i;

	if (len < 512 || d[510] != 0x55 || d[511] != 0xaa)
		return 0;
	for (i = 0; i < 4; i++) {
		const unsigned char *e = d + 446 + 16 * i;

		if ((e[0] != 0x00 && e[0] != 0x80) ||
		    memchr(fat_types, e[4], sizeof(fat_types)) == NULL ||
		    !rd_le32(d, len, 446 + 16 * i + 8, &lba) || lba == 0)
			continue;
		if ((uint64_t)lba * 512 + 512 <= len)
			return sniff_fat(d + (size_t)lba * 512, len - (size_t)lba * 512);
	}
	return 0;
}

/* The common mail images, last of all signatures (a disk image or archive that
 * starts like a JPEG is that, not a picture): libmagic costs more than the rest of
 * a picture's analysis. ft_findings still looks for payloads appended to them. */
static int
sniff_image(const unsigned char *d, size_t len, struct ft_sniff *o)
{
	if (at(d, len, 0, "\xff\xd8\xff", 3))
		set(o, TC_IMAGE, "image/jpeg", "JPEG");
	else if (at(d, len, 0, "\x89PNG\r\n\x1a\n", 8))
		set(o, TC_IMAGE, "image/png", "PNG");
	else if (at(d, len, 0, "GIF87a", 6) || at(d, len, 0, "GIF89a", 6))
		set(o, TC_IMAGE, "image/gif", "GIF");
	return o->tc == TC_IMAGE;
}

static int
sniff_sigs(const unsigned char *d, size_t len, const unsigned char *tail, size_t taillen,
    struct ft_sniff *o)
{
	size_t i;

	for (i = 0; i < sizeof(ft_sigs) / sizeof(ft_sigs[0]); i++)
		if (at(d, len, ft_sigs[i].off, ft_sigs[i].sig, ft_sigs[i].n)) {
			set(o, ft_sigs[i].tc, ft_sigs[i].mime, ft_sigs[i].what);
			return 1;
		}
	if (len >= 7 && d[2] == '-' && d[3] == 'l' && (d[4] == 'h' || d[4] == 'z') &&
	    d[6] == '-') {
		set(o, TC_ARCHIVE, "application/x-lzh-compressed", "lha");
		return 1;
	}
	if (len >= 4 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h' && d[3] >= '1' &&
	    d[3] <= '9') {
		set(o, TC_ARCHIVE, "application/x-bzip2", "bzip2");
		return 1;
	}
	if (sniff_fat(d, len)) {
		set(o, TC_DISK_IMAGE, "application/x-raw-disk-image", "FAT volume image");
		return 1;
	}
	if (sniff_mbr_fat(d, len)) {
		set(o, TC_DISK_IMAGE, "application/x-raw-disk-image",
		    "partitioned disk image with a FAT partition");
		return 1;
	}
	if (tail != NULL && taillen >= 512 &&
	    at(tail, taillen, taillen - 512, "conectix", 8)) {
		set(o, TC_DISK_IMAGE, "application/x-vhd", "VHD (conectix footer)");
		return 1;
	}
	if (tail != NULL && taillen >= 512 &&
	    at(tail, taillen, taillen - 512, "koly", 4)) {
		set(o, TC_DISK_IMAGE, "application/x-apple-diskimage",
		    "DMG (koly trailer)");
		return 1;
	}
	return sniff_image(d, len, o);
}

/* The first NEEDLE (ASCII, any case) in the first FT_TEXT_SCAN bytes of D. Jumps
 * between candidates with memchr on both cases of the first character: text parts
 * are searched for several markers, and a byte-by-byte loop was 6% of the mixed
 * bench corpus. */
const unsigned char *
filetype_casemem(const unsigned char *d, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const unsigned char *p, *end, *lo = NULL, *up = NULL;
	int cl, cu;

	if (len > FT_TEXT_SCAN)
		len = FT_TEXT_SCAN;
	if (n == 0 || n > len)
		return NULL;
	cl = tolower((unsigned char)needle[0]);
	cu = toupper((unsigned char)needle[0]);
	end = d + (len - n) + 1; /* candidates start before END */
	for (p = d; p < end; p++) {
		if (lo == NULL || lo < p)
			lo = (lo = memchr(p, cl, (size_t)(end - p))) != NULL ? lo : end;
		if (up == NULL || up < p)
			up = cl == cu                                       ? lo :
			    (up = memchr(p, cu, (size_t)(end - p))) != NULL ? up :
									      end;
		p = lo < up ? lo : up;
		if (p < end &&
		    (n == 1 ||
			(tolower(p[1]) == tolower((unsigned char)needle[1]) &&
			    strncasecmp((const char *)p + 1, needle + 1, n - 1) == 0)))
			return p;
	}
	return NULL;
}

/* The first bytes after a BOM and white space start with WORD (any case). */
int
filetype_starts(const unsigned char *d, size_t len, const char *word)
{
	size_t i = 0, n = strlen(word);

	if (at(d, len, 0, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && i < 4096 &&
	    (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	return len - i >= n && filetype_casemem(d + i, n, word) == d + i;
}

/* Text shortcuts: .url/.scf sections, library-ms, search connectors, settings. */
static int
sniff_text_shortcut(const unsigned char *d, size_t len, struct ft_sniff *o)
{
	if (filetype_starts(d, len, "[InternetShortcut]"))
		set(o, TC_SHORTCUT, "application/x-mswinurl",
		    "Internet shortcut ([InternetShortcut])");
	else if (filetype_starts(d, len, "[Shell]"))
		set(o, TC_SHORTCUT, "application/x-ms-scf",
		    "Shell command file ([Shell])");
	else if (!filetype_is_text(d, len))
		return 0;
	else if (filetype_casemem(d, len, "<libraryDescription") != NULL)
		set(o, TC_SHORTCUT, "application/x-library-ms", "library-ms description");
	else if (filetype_casemem(d, len, "<searchConnectorDescription") != NULL)
		set(o, TC_SHORTCUT, "application/x-searchconnector-ms",
		    "search connector");
	else if (filetype_casemem(d, len, "<PCSettings>") != NULL)
		set(o, TC_SHORTCUT, "application/x-settingcontent-ms",
		    "settings-content-ms");
	return o->tc == TC_SHORTCUT;
}

int
filetype_sniff(const unsigned char *d, size_t len, uint64_t size,
    const unsigned char *tail, size_t taillen, struct ft_sniff *out)
{
	size_t pdf_max = len < 1024 ? len : 1024;

	memset(out, 0, sizeof(*out));
	if (size == 0) {
		set(out, TC_EMPTY, "inode/x-empty", "empty");
		return 1;
	}
	if (d == NULL)
		return 0;
	if (sniff_native(d, len, out) || sniff_ole2(d, len, out) ||
	    sniff_zip(d, len, out))
		return 1;
	if (memmem(d, pdf_max, "%PDF-", 5) != NULL) {
		set(out, TC_PDF, "application/pdf", "PDF");
		return 1;
	}
	return sniff_sigs(d, len, tail, taillen, out) || sniff_text_shortcut(d, len, out);
}

/* An image that carries an archive or a PE after its first bytes (polyglot). */
static const char *
ft_image_payload(const unsigned char *d, size_t len, size_t *where)
{
	static const struct {
		const char *sig;
		size_t n;
		const char *what;
	} pay[] = {
		{ "PK\3\4", 4, "zip" },
		{ "Rar!\x1a\x07", 6, "rar" },
		{ "7z\xbc\xaf\x27\x1c", 6, "7z" },
		{ "MZ", 2, "PE" },
	};
	const unsigned char *p;
	size_t i, off;
	uint16_t v;
	uint32_t lfanew;

	for (i = 0; i < sizeof(pay) / sizeof(pay[0]); i++) {
		for (off = 16; off < len; off = (size_t)(p - d) + 1) {
			if ((p = memmem(d + off, len - off, pay[i].sig, pay[i].n)) ==
			    NULL)
				break;
			*where = (size_t)(p - d);
			if (i == 0 &&
			    !(rd_le16(d, len, *where + 4, &v) && v <= 63 &&
				rd_le16(d, len, *where + 26, &v) && v > 0 && v <= 1024))
				continue;
			if (i == 3 &&
			    !(rd_le32(d, len, *where + 0x3c, &lfanew) &&
				lfanew < len - *where &&
				at(d, len, *where + lfanew, "PE\0\0", 4)))
				continue;
			return pay[i].what;
		}
	}
	return NULL;
}

/* The last bytes of the part, for trailers (VHD footer, DMG koly). */
static size_t
ft_tail(const struct scan_input *in, unsigned char *buf, size_t bufsz)
{
	size_t got = 0, n = bufsz;

	if (in->size < n)
		n = (size_t)in->size;
	if (in->size <= in->len && in->data != NULL) {
		memcpy(buf, in->data + (in->len - n), n);
		return n;
	}
	if (in->sp == NULL || spool_pread(in->sp, in->size - n, buf, n, &got) != EM_OK)
		return 0;
	return got;
}

/* Text-like parts: mail messages, scripts, text shortcuts by extension. */
static void
ft_refine_text(const struct scan_input *in, struct ft_sniff *o)
{
	const char *what;

	if (o->tc != TC_TEXT && o->tc != TC_HTML && o->tc != TC_XML &&
	    o->tc != TC_UNKNOWN && o->tc != TC_MESSAGE && o->tc != TC_SCRIPT)
		return;
	if (o->tc != TC_MESSAGE && o->tc != TC_SCRIPT &&
	    filetype_is_message(in->data, in->len)) {
		set(o, TC_MESSAGE, "message/rfc822", "RFC 5322 header block");
		return;
	}
	if (o->tc == TC_MESSAGE) {
		set(o, TC_MESSAGE, o->mime, "message");
		return;
	}
	if ((what = filetype_script(in->data, in->len, in->name)) != NULL) {
		set(o, TC_SCRIPT, o->tc == TC_SCRIPT ? o->mime : "text/x-script", what);
		return;
	}
	if (o->tc == TC_SCRIPT) {
		set(o, TC_SCRIPT, o->mime, "script by its MIME type");
		return;
	}
	if (filetype_ext_class(in->name) == TC_SHORTCUT &&
	    filetype_is_text(in->data, in->len))
		set(o, TC_SHORTCUT, "application/x-mswinurl",
		    "text shortcut by extension");
}

/* A PE at an offset inside a part whose content is an image or a document
 * (polyglot.c): its own finding, whatever the name says. Zip-based documents are
 * left out: their members are opened and judged on their own. */
static void
ft_embedded_pe(
    struct scan_ctx *ctx, const struct scan_input *in, const struct ft_sniff *o)
{
	size_t at;

	if (o->tc != TC_IMAGE && o->tc != TC_MEDIA && o->tc != TC_PDF &&
	    o->tc != TC_RTF && o->tc != TC_OLE2 && o->tc != TC_TEXT)
		return;
	if (in->data != NULL && (at = polyglot_pe(in->data, in->len)) != 0)
		report_add(ctx->r, in->part, "type.embedded_pe",
		    "a PE at offset %zu inside %s (%s)", at, tclass_name(o->tc), o->what);
}

static em_status
ft_findings(struct scan_ctx *ctx, const struct scan_input *in, const struct ft_sniff *o)
{
	static const struct {
		enum tclass tc;
		const char *name;
	} byclass[] = {
		{ TC_EXECUTABLE, "type.executable" },
		{ TC_SCRIPT, "type.script" },
		{ TC_SHORTCUT, "type.shortcut" },
		{ TC_DISK_IMAGE, "type.disk_image" },
		{ TC_ONENOTE, "type.onenote" },
		{ TC_CHM, "type.chm" },
		{ TC_MESSAGE, "type.message" },
	};
	const char *why, *pay;
	size_t i, where = 0;
	int low = 0;

	for (i = 0; i < sizeof(byclass) / sizeof(byclass[0]); i++)
		if (byclass[i].tc == o->tc)
			report_add(ctx->r, in->part, byclass[i].name, "%s", o->what);
	ft_embedded_pe(ctx, in, o);
	if (in->container == TC_OOXML || in->container == TC_ODF)
		return EM_OK;
	/* an encrypted OOXML package is an OLE2 file by definition (MS-OFFCRYPTO) */
	if (o->tc == TC_OLE2 && o->mime != NULL &&
	    strcmp(o->mime, "application/encrypted") == 0 &&
	    filetype_ext_class(in->name) == TC_OOXML)
		return EM_OK;
	if ((why = filetype_mismatch(o->tc, o->vba, in->name, in->declared, &low)) !=
	    NULL) {
		report_add_sev(ctx->r, in->part, "type.mismatch",
		    low ? SEV_LOW : SEV_MEDIUM, "%s: %s (%s), declared %s", why,
		    tclass_name(o->tc), o->what, in->declared ? in->declared : "nothing");
		return EM_OK;
	}
	if (o->tc == TC_IMAGE &&
	    (pay = ft_image_payload(in->data, in->len, &where)) != NULL)
		report_add(ctx->r, in->part, "type.mismatch",
		    "image carries a %s at offset %zu", pay, where);
	return EM_OK;
}

/* The text of the message itself: a MIME leaf with no file name, declared
 * text/plain or text/html, whose bytes are text and matched none of our signature
 * checks. Its declared type stands, and libmagic (most of the per-message cost of
 * a plain mail, measured with callgrind) is not asked. Named parts, attachments
 * and anything else always go through libmagic. */
static int
ft_body_text(const struct scan_input *in)
{
	if (!in->from_mime || in->name != NULL || in->declared == NULL ||
	    in->data == NULL)
		return 0;
	if (strcmp(in->declared, "text/plain") != 0 &&
	    strcmp(in->declared, "text/html") != 0)
		return 0;
	return filetype_is_text(
	    in->data, in->len < FT_TEXT_SCAN ? in->len : FT_TEXT_SCAN);
}

em_status
filetype_scan(struct scan_ctx *ctx, struct scan_input *in)
{
	unsigned char tail[FT_TAIL];
	struct ft_sniff o;
	const char *mime = NULL;
	const struct report_part *p;
	char mbuf[128];
	size_t taillen = ft_tail(in, tail, sizeof(tail));

	if (!filetype_sniff(in->data, in->len, in->size, tail, taillen, &o) ||
	    o.mime == NULL) {
		int text = in->data != NULL && filetype_is_text(in->data, in->len);

		if (ft_body_text(in))
			mime = in->declared;
		else if (text)
			mime = filetype_text_mime(in->data, in->len);
		else if ((mime = ft_magic_type(in->data,
			      in->len < FT_MAGIC_MAX ? in->len : FT_MAGIC_MAX, mbuf,
			      sizeof(mbuf))) == NULL)
			scan_error(ctx, in->part, "filetype", "libmagic gave no type");
		if (o.tc == TC_UNKNOWN) {
			o.tc = filetype_mime_class(mime);
			if (o.tc == TC_UNKNOWN && text)
				o.tc = TC_TEXT;
		}
		o.mime = mime != NULL ? mime : "application/octet-stream";
		if (o.what[0] == '\0')
			set(&o, o.tc, o.mime, o.mime);
		if (o.tc != TC_EMPTY && in->data != NULL)
			ft_refine_text(in, &o);
	}
	in->tc = o.tc;
	report_part_detected(ctx->r, in->part, o.mime, tclass_name(o.tc));
	/* libmagic's string lives until the next call on this thread: point at the
	 * report's copy instead. */
	p = report_part(ctx->r, in->part);
	in->mime = p != NULL && p->detected_type != NULL ? p->detected_type :
							   "application/octet-stream";
	return ft_findings(ctx, in, &o);
}
