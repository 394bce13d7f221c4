/*
 * mime_int.h: state shared by the parser's own files: mime.c (lines, the entity
 * stack), mime_head.c (header fields) and mime_leaf.c (decoding one leaf into its
 * spool, uuencode and BinHex in text). Private to those three files; the rest of
 * Embargo sees mime.h only.
 */
#ifndef EMBARGO_MIME_INT_H
#define EMBARGO_MIME_INT_H

#include "mime/b64.h"
#include "mime/binhex.h"
#include "mime/mime.h"
#include "mime/qp.h"

#define MIME_BND_MAX   256 /* longer boundaries: the multipart is read as a leaf */
#define MIME_BND_ALT   4   /* boundaries kept per multipart (repeated parameters) */
#define MIME_TYPE_MAX  128
#define MIME_TLINE_MAX 1024 /* text lines looked at for uuencode/BinHex */

enum mime_enc {
	ENC_RAW = 0, /* 7bit, 8bit, binary, unknown */
	ENC_B64,
	ENC_QP,
	ENC_UU /* x-uuencode: read as text with uuencoded blocks */
};

enum mime_fkind {
	F_MSG = 0, /* a message: its top entity's headers come next */
	F_MULTI,   /* a multipart: preamble, children between boundaries, epilogue */
	F_LEAF,    /* a leaf being decoded (only ever on top of the stack) */
	F_SKIP     /* an entity past the part limit: its bytes are dropped */
};

struct mime_frame {
	enum mime_fkind kind;
	int part;
	char bnd[MIME_BND_ALT][MIME_BND_MAX]; /* every boundary readers might use */
	size_t bndlen[MIME_BND_ALT];
	unsigned nbnd;
	unsigned nchild;
	int digest; /* multipart/digest: children default to message/rfc822 */
	int closed; /* close boundary seen: in the epilogue */
};

/* The one leaf being decoded. */
/* Which leaves are watched for uuencoded and BinHex blocks in their decoded text. */
enum leaf_watch {
	WATCH_NONE,         /* no usable Content-Type: read as binary */
	WATCH_UNTIL_BINARY, /* an attachment: until a NUL shows its bytes are binary */
	WATCH_ALWAYS, /* text types, and uuencode declared as the transfer encoding */
};

struct mime_leaf {
	int part;
	char type[MIME_TYPE_MAX]; /* the type acted on */
	char charset[64];         /* its charset parameter, lower case, "" when none */
	struct spool *sp;
	enum mime_enc enc;
	struct b64 b64;
	struct qp qp;
	char eol[2];
	size_t eollen; /* the end of the previous line, not yet written */
	enum leaf_watch watch;
	int is_msg;  /* parse as a message after */
	int cut;     /* decoded-bytes limit cut it short */
	size_t olen; /* bytes in obuf */
	size_t tlen; /* bytes in tline */
	int tover;
	/* an open uuencoded or BinHex block */
	int bh_active; /* the block is BinHex */
	struct binhex bh;
	struct spool *uusp;
	char uuname[256];
	int uubad;
	/* buffers last: opening a leaf clears only what is above them */
	unsigned char obuf[32768];  /* decoded bytes on their way to the spool */
	char tline[MIME_TLINE_MAX]; /* a decoded text line for uuencode/BinHex */
};

struct mime {
	struct mime_conf mc; /* the sink and what the parser needs (mime.h) */
	struct report *r;
	const struct scan_limits *lim;
	int root;
	unsigned depth; /* frames allowed above the root */
	int toplevel;   /* keeps ranges (the mail itself, not a nested one) */
	em_status err;
	/* line assembly */
	char *lb;
	size_t ll, lcap;
	int lcont; /* the current line was cut: not its start */
	int long_reported;
	uint64_t off, lstart; /* bytes fed; where the current line began */
	size_t prev_eollen;
	/* the stack */
	struct mime_frame *fr;
	unsigned nf, nfmax;
	int in_hdr;          /* reading headers of a new entity */
	int hdr_first;       /* no header line seen yet for this entity */
	int hdr_apart;       /* top headers came through mime_header() */
	uint64_t ent_start;  /* where the entity's headers began */
	uint64_t body_start; /* where the body began */
	/* headers of the entity being read */
	struct strbuf cur, ctype, cte, cdisp;
	struct strbuf ctalt; /* other multipart Content-Types, NUL-separated */
	unsigned nct, ncte, ncd;
	size_t hbytes;
	int hlimit;
	/* counters */
	unsigned nparts;
	int parts_reported, depth_reported, dec_reported;
	uint64_t decoded; /* this parser's own count */
	uint64_t *dec;    /* the count in force: shared with the parser of
	                              the message an encoded rfc822 part sits in */
	struct mime_leaf leaf;
	int leaf_open;
	/* top-level-body entity ranges */
	struct mime_range {
		int part;
		uint64_t start, end;
	} * rg;
	size_t nrg, rgcap;
};

void mime_malformed(struct mime *p, int part, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mime_limit(struct mime *p, int part, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* mime_head.c: the header line in p->cur is complete; could LINE start a field? */
void mime_hdr_flush(struct mime *p);
int mime_hdr_looks(const char *s, size_t n);

/* mime_leaf.c */
em_status mime_leaf_open(
    struct mime *p, int part, enum mime_enc enc, enum leaf_watch watch, int is_msg);
enum mime_enc mime_encoding(struct mime *p, int part, int report);
void
mime_leaf_line(struct mime *p, const char *s, size_t n, const char *eol, size_t eollen);
em_status mime_leaf_close(struct mime *p);

#endif
