/*
 * sevenzip.h: our own 7z reader, used for the one case libarchive cannot open: 7z
 * with 7zAES encryption (of the data, of the headers with -mhe=on, or both).
 * Five files share this header:
 *   sevenzip.c        the scan: signature header, encoded header, candidate
 *                     passwords, members handed to the pipeline as child parts;
 *   sevenzip_hdr.c    the header parser (7zFormat.txt) into struct sz_streams and
 *                     struct sz_file, every count capped and every read checked;
 *   sevenzip_coders.c one folder's coders as a pull decoder: the packed
 *                     streams, 7zAES (AES-256-CBC through OpenSSL), then Copy or
 *                     liblzma (LZMA, LZMA2, with BCJ x86, ARM, ARMT, PPC, SPARC,
 *                     IA64 or Delta in front), and BCJ2 over four such chains;
 *   sevenzip_aes.c    the 7zAES key: SHA-256 over 2^NumCyclesPower rounds;
 *   sevenzip_bcj2.c   the BCJ2 x86 filter.
 *
 * Limits: SZ_HEADER_MAX bytes of header (after decoding), SZ_CODERS_MAX coders in a
 * folder, SZ_FOLDERS_MAX folders, SZ_FILES_MAX files and substreams, names cut at
 * SZ_NAME_MAX bytes, NumCyclesPower at most SZ_KDF_POWER_MAX (7-Zip's own bound),
 * LZMA dictionaries clamped to the folder's unpacked size and SZ_DICT_MAX.
 *
 * BUGS: Deflate, Deflate64, BZip2, PPMd, ARM64, external coders and coder graphs
 * other than a chain or BCJ2 over four chains give archive.unsupported_coder. Archive properties and the kStartPos/kDummy file
 * properties are skipped, not checked.
 */
#ifndef EMBARGO_SEVENZIP_H
#define EMBARGO_SEVENZIP_H

#include <stddef.h>
#include <stdint.h>

#include "core/scan.h"
#include "core/spool.h"
#include "core/status.h"

#define SZ_SIG_LEN       32u                   /* the signature header */
#define SZ_HEADER_MAX    (16u * 1024 * 1024)   /* header bytes, decoded */
#define SZ_CODERS_MAX    16u                   /* coders in one folder */
#define SZ_STREAMS_MAX   32u                   /* in or out streams of a folder */
#define SZ_FOLDERS_MAX   65536u                /* folders in one archive */
#define SZ_FILES_MAX     1000000u              /* files and substreams */
#define SZ_NAME_MAX      1024u                 /* UTF-8 bytes of one name kept */
#define SZ_KDF_POWER_MAX 24u                   /* 2^24 SHA-256 rounds at most */
#define SZ_DICT_MAX      (1024u * 1024 * 1024) /* LZMA dictionary, after clamping */
#define SZ_BCJ2_SIDE_MAX (64u * 1024 * 1024)   /* one BCJ2 side stream, in memory */

/* Coder ids (7zFormat.txt "Codec IDs"), big-endian bytes as a number. */
#define SZ_ID_COPY       0x00u
#define SZ_ID_DELTA      0x03u
#define SZ_ID_LZMA2      0x21u
#define SZ_ID_LZMA       0x030101u
#define SZ_ID_X86        0x03030103u
#define SZ_ID_BCJ2       0x0303011Bu
#define SZ_ID_PPC        0x03030205u
#define SZ_ID_IA64       0x03030401u
#define SZ_ID_ARM        0x03030501u
#define SZ_ID_ARMT       0x03030701u
#define SZ_ID_SPARC      0x03030805u
#define SZ_ID_AES        0x06F10701u

struct sz_coder {
	uint64_t id;
	unsigned nin, nout;
	const unsigned char *props; /* inside the header buffer */
	size_t nprops;
};

struct sz_folder {
	unsigned ncoders, nbind, npacked, nin, nout;
	struct sz_coder c[SZ_CODERS_MAX];
	uint64_t bind_in[SZ_STREAMS_MAX], bind_out[SZ_STREAMS_MAX];
	uint64_t packed[SZ_STREAMS_MAX]; /* in-stream index of each packed stream */
	uint64_t unpack[SZ_STREAMS_MAX]; /* size of each out stream */
	uint32_t crc;
	int has_crc;
	unsigned first_pack; /* index of its first packed stream */
	uint64_t pack_off;   /* file offset of its first packed stream */
	uint64_t nsub;       /* substreams (members with data) */
	unsigned first_sub;
};

/* A StreamsInfo block: packed streams, folders, substreams. */
struct sz_streams {
	uint64_t pack_pos; /* offset of the first packed stream after
	                                      the signature header */
	unsigned npack, nfolders, nsub;
	uint64_t *pack_size;
	struct sz_folder *f;
	uint64_t *sub_size;
	uint32_t *sub_crc;
	unsigned char *sub_has_crc;
};

struct sz_file {
	char *name; /* UTF-8, never NULL once parsed */
	int has_stream, is_dir;
};

/* A parsed archive header. HDR is the header buffer the coders point into. */
struct sz_arc {
	unsigned char *hdr;
	size_t hdrlen;
	struct sz_streams st;
	unsigned nfiles;
	struct sz_file *files;
};

/* sevenzip.c: part IN when it is a 7z archive using 7zAES: its members are
 * decrypted with the message's candidate passwords and scanned as children;
 * RETRY: a deferred archive tried again with late passwords (encrypted folders
 * only). EM_END when IN is not a 7z using 7zAES (libarchive reads it), else the
 * status of the walk (bad data is a finding and EM_OK). */
em_status sevenzip_scan(struct scan_ctx *ctx, const struct scan_input *in, int retry);

/* sevenzip_hdr.c */

/* Parse LEN bytes of a StreamsInfo block (after its kEncodedHeader or
 * kMainStreamsInfo byte) into ST; FILESIZE bounds the packed stream offsets.
 * 0, or -1 with a reason in WHY (static text) and ST freed. */
int sz_parse_streams(const unsigned char *b, size_t len, size_t *pos, uint64_t filesize,
    struct sz_streams *st, const char **why);
/* Parse a plain header (starting with kHeader) kept in A->hdr. 0 or -1 (WHY). */
int sz_parse_header(struct sz_arc *a, uint64_t filesize, const char **why);
void sz_streams_free(struct sz_streams *st);
void sz_arc_free(struct sz_arc *a);
/* Does folder F use 7zAES? */
int sz_folder_encrypted(const struct sz_folder *f);
/* The folder's final unpacked size (its unbound out stream), or 0. */
uint64_t sz_folder_size(const struct sz_folder *f);

/* sevenzip_aes.c: sz_aes_key, sz_aes_props (below). sevenzip_coders.c: */

struct sz_dec;

/* NULL when folder F's chain is decodable, else what is not (static text). */
const char *sz_chain_unsupported(const struct sz_folder *f);
/* A derived key and what it was derived from (one per candidate password: the
 * folders of one archive usually share salt and NumCyclesPower). */
struct sz_key {
	int valid;
	unsigned power, saltlen;
	unsigned char salt[16], key[32];
};
/* The 32-byte AES key of password PW (UTF-8) for the 7zAES properties of F's AES
 * coder, into K (reused when K already holds it). 0, or -1 for properties that
 * are bad or beyond SZ_KDF_POWER_MAX (WHY) or a resource failure. */
int
sz_aes_key(const struct sz_folder *f, const char *pw, struct sz_key *k, const char **why);
/* The 7zAES properties of coder C: NumCyclesPower, salt, IV (zero-padded). 0 or
 * -1 when they are malformed. */
int sz_aes_props(const struct sz_coder *c, unsigned *power, unsigned char salt[16],
    unsigned *saltlen, unsigned char iv[16]);
/* A decoder of folder F whose packed streams start at OFF in SRC, their sizes
 * in PACK_SIZE[0..f->npacked-1]; KEY for an encrypted folder (else NULL). WANT:
 * the most output the caller will read (bounds the LZMA dictionary with the
 * folder size). NULL on failure (WHY). */
struct sz_dec *sz_dec_new(const struct sz_folder *f, struct spool *src, uint64_t off,
    const uint64_t *pack_size, const unsigned char *key, uint64_t want, const char **why);
/* Up to N bytes of output into BUF. EM_OK with *GOT > 0; EM_END at the end of the
 * folder's unpacked size; EM_BADDATA when the data does not decode (a wrong key or
 * corruption, WHY says which step); EM_TEMPFAIL. */
em_status sz_dec_read(
    struct sz_dec *d, unsigned char *buf, size_t n, size_t *got, const char **why);
void sz_dec_free(struct sz_dec *d);

/* sevenzip_bcj2.c: the BCJ2 filter. */
struct sz_bcj2;
/* A filter producing TOTAL bytes from the three side streams SIDE (call
 * targets, jump targets, range coder; taken over, SIDE[] set to NULL). NULL on
 * out of memory. */
struct sz_bcj2 *
sz_bcj2_new(unsigned char *side[3], const size_t nside[3], uint64_t total);
/* Main stream bytes IN[0..N-1] in, up to M bytes out: *USED and *MADE say how
 * many. 0, or -1 when a side stream runs out (wrong key or corrupt). */
int sz_bcj2_code(struct sz_bcj2 *b, const unsigned char *in, size_t n, size_t *used,
    unsigned char *out, size_t m, size_t *made);
void sz_bcj2_free(struct sz_bcj2 *b);

#endif
