/*
 * charset.c: a declared charset to UTF-8 through glibc iconv (see charset.h).
 *
 * Aliases: the labels Japanese mail carries are mapped to the converters that read
 * what the senders' software really writes (JAPANESE-MAIL.md): Shift_JIS and its
 * spellings to CP932, EUC-JP to EUC-JP-MS, ISO-2022-JP to ISO-2022-JP-2 (a superset
 * that also accepts the escapes of JIS X 0212). Other labels go to iconv as given.
 *
 * Limits: OUTMAX output bytes; labels of at most CHARSET_NAME_MAX bytes.
 * Threads: one iconv_t per call, nothing shared.
 */
#include <errno.h>
#include <stdio.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/charset.h"

static const struct {
	const char *label, *conv;
} cs_alias[] = {
	{ "shift_jis", "CP932" },
	{ "shift-jis", "CP932" },
	{ "sjis", "CP932" },
	{ "x-sjis", "CP932" },
	{ "ms_kanji", "CP932" },
	{ "csshiftjis", "CP932" },
	{ "windows-31j", "CP932" },
	{ "cp932", "CP932" },
	{ "ms932", "CP932" },
	{ "x-ms-cp932", "CP932" },
	{ "iso-2022-jp", "ISO-2022-JP-2" },
	{ "csiso2022jp", "ISO-2022-JP-2" },
	{ "iso-2022-jp-2", "ISO-2022-JP-2" },
	{ "iso-2022-jp-3", "ISO-2022-JP-3" },
	{ "euc-jp", "EUC-JP-MS" },
	{ "x-euc-jp", "EUC-JP-MS" },
	{ "eucjp", "EUC-JP-MS" },
	{ "ks_c_5601-1987", "CP949" },
	{ "gb2312", "GBK" },
	{ "x-gbk", "GBK" },
};

/* Labels whose bytes are taken as they are. */
static const char *const cs_asis[] = { "utf-8", "utf8", "us-ascii", "ascii", "" };

static int
cs_label_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= CHARSET_NAME_MAX ||
		    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
			c == ':'))
			return 0;
	}
	return 1;
}

const char *
charset_iconv_name(const char *label, char *buf, size_t bufsz)
{
	size_t i;

	if (label == NULL || !cs_label_ok(label))
		return NULL;
	for (i = 0; i < sizeof(cs_asis) / sizeof(cs_asis[0]); i++)
		if (strcasecmp(label, cs_asis[i]) == 0)
			return NULL;
	for (i = 0; i < sizeof(cs_alias) / sizeof(cs_alias[0]); i++)
		if (strcasecmp(label, cs_alias[i].label) == 0)
			return cs_alias[i].conv;
	if (strlen(label) >= bufsz)
		return NULL;
	memcpy(buf, label, strlen(label) + 1);
	return buf;
}

/* How many bytes to drop at IP after iconv refused them: in an ISO-2022 double-byte
 * run (a refused printable byte can only be one) the pair, else one byte. */
static size_t
cs_skip(const char *conv, const char *ip, size_t il)
{
	unsigned char a = (unsigned char)ip[0], b = il > 1 ? (unsigned char)ip[1] : 0;

	if (strncmp(conv, "ISO-2022", 8) == 0 && a >= 0x21 && a <= 0x7e && b >= 0x21 &&
	    b <= 0x7e)
		return 2;
	return 1;
}

/* Charsets of mail beyond the aliases, loaded by charset_warm. */
static const char *const cs_common[] = { "ISO-8859-2", "ISO-8859-5", "ISO-8859-7",
	"ISO-8859-9", "ISO-8859-15", "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252",
	"WINDOWS-1253", "WINDOWS-1254", "WINDOWS-1256", "KOI8-R", "KOI8-U", "EUC-JP",
	"SHIFT_JIS", "EUC-KR", "BIG5", "GB18030", "UTF-7", "UTF-16" };

/* Never closed: an open descriptor keeps its module loaded. */
static iconv_t cs_kept[sizeof(cs_alias) / sizeof(cs_alias[0]) +
    sizeof(cs_common) / sizeof(cs_common[0])];

size_t
charset_warm(void)
{
	size_t i, n = 0, ok = 0;

	for (i = 0; i < sizeof(cs_alias) / sizeof(cs_alias[0]); i++)
		cs_kept[n++] = iconv_open("UTF-8", cs_alias[i].conv);
	for (i = 0; i < sizeof(cs_common) / sizeof(cs_common[0]); i++)
		cs_kept[n++] = iconv_open("UTF-8", cs_common[i]);
	for (i = 0; i < n; i++)
		ok += cs_kept[i] != (iconv_t)-1;
	return ok;
}

long
charset_to_utf8(const char *label, const char *in, size_t len, char *out, size_t outmax,
    size_t *skipped)
{
	char name[CHARSET_NAME_MAX + 1];
	const char *conv = charset_iconv_name(label, name, sizeof(name));
	char *ip = (char *)(uintptr_t)in, *op = out;
	size_t il = len, ol = outmax, k;
	iconv_t cd;

	if (skipped != NULL)
		*skipped = 0;
	if (conv == NULL || (cd = iconv_open("UTF-8", conv)) == (iconv_t)-1)
		return -1;
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno != EILSEQ)
			break; /* E2BIG: output full; EINVAL: cut at the end */
		k = cs_skip(conv, ip, il);
		ip += k;
		il -= k;
		if (skipped != NULL)
			*skipped += k;
	}
	/* return to the initial state: a stateful encoder may owe bytes (not for
	 * UTF-8 output, but the call is cheap and keeps the handle clean) */
	iconv(cd, NULL, NULL, &op, &ol);
	iconv_close(cd);
	return (long)(op - out);
}

/* A charset="..." value at T[0..n) into BUF: the token after "charset=". */
static const char *
cs_meta(const char *t, size_t n, char *buf, size_t bufsz)
{
	const char *c = memmem(t, n, "charset=", 8);
	size_t i = 0, j;

	if (c == NULL)
		return NULL;
	j = (size_t)(c - t) + 8;
	if (j < n && (t[j] == '"' || t[j] == '\''))
		j++;
	while (j < n && i + 1 < bufsz && t[j] != '"' && t[j] != '\'' && t[j] != ';' &&
	    t[j] != '>' && t[j] != ' ' && t[j] != '/')
		buf[i++] = t[j++];
	buf[i] = '\0';
	return i > 0 && cs_label_ok(buf) ? buf : NULL;
}

const char *
charset_sniff(const char *t, size_t n, char *buf, size_t bufsz)
{
	size_t head = n < 4096 ? n : 4096;

	if (bufsz == 0)
		return NULL;
	if (memmem(t, head, "<meta", 5) != NULL || memmem(t, head, "<META", 5) != NULL) {
		if (cs_meta(t, head, buf, bufsz) != NULL)
			return buf;
	}
	if (memmem(t, n, "\x1b$B", 3) != NULL || memmem(t, n, "\x1b$@", 3) != NULL) {
		snprintf(buf, bufsz, "iso-2022-jp");
		return buf;
	}
	return NULL;
}
