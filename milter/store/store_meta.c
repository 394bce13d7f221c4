/*
 * store_meta.c: the .meta file beside each stored message, so the index can be
 * rebuilt from the files alone (store_fsck, store_reindex).
 *
 * Format: text, one "key value" per line; the first line is "embargo-store 1".
 * Values escape backslash, CR, LF and other control bytes as \\ \r \n \xHH; the
 * keys are the index columns (store_text) plus id, time, size and has_file.
 * Limits: a .meta file is read up to SMETA_MAX bytes (the report JSON is the big
 * part; the daemon caps it at 4 MiB). BUGS: unknown keys are ignored (a newer
 * writer's fields are lost when an older reader rebuilds the index).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

#define SMETA_MAX (8u << 20)

#define SF(c, f) \
	{ \
		c, offsetof(struct store_entry, f) \
	}
const struct store_field store_text[] = {
	SF("queue_id", queue_id),
	SF("sender", sender),
	SF("recipients", rcpts),
	SF("subject", subject),
	SF("findings", findings),
	SF("rule", rule),
	SF("action", action),
	SF("state", state),
	SF("changed_by", changed_by),
	SF("explain", explain),
	SF("report", report),
	SF("client_addr", client_addr),
	SF("helo", helo),
	SF("message_id", message_id),
	SF("auth_user", auth_user),
	SF("release_to", release_to),
	SF("sha256", sha256),
	SF("host_name", host_name),
};
const size_t store_ntext = sizeof(store_text) / sizeof(store_text[0]);

static void
esc(struct strbuf *sb, const char *v)
{
	const unsigned char *p = (const unsigned char *)(v ? v : "");

	for (; *p; p++) {
		if (*p == '\\')
			sb_adds(sb, "\\\\");
		else if (*p == '\n')
			sb_adds(sb, "\\n");
		else if (*p == '\r')
			sb_adds(sb, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			sb_printf(sb, "\\x%02x", *p);
		else
			sb_addc(sb, (char)*p);
	}
}

int
smeta_format(const struct store_entry *e, struct strbuf *out)
{
	size_t i;

	sb_printf(out,
	    "embargo-store 1\nid %s\ntime %" PRId64 "\nsize %" PRIu64 "\nhas_file %d\n",
	    e->id, e->time, e->size, e->has_file);
	for (i = 0; i < store_ntext; i++) {
		sb_printf(out, "%s ", store_text[i].col);
		esc(out, STORE_TEXT(e, i));
		sb_addc(out, '\n');
	}
	return out->oom || out->truncated ? -1 : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Unescape [p, end) into a new string. */
static char *
unesc(const char *p, const char *end)
{
	char *out = malloc((size_t)(end - p) + 1), *o = out;
	int h, l;

	if (out == NULL)
		return NULL;
	while (p < end) {
		if (*p != '\\' || p + 1 >= end) {
			*o++ = *p++;
			continue;
		}
		p++;
		if (*p == 'n')
			*o++ = '\n';
		else if (*p == 'r')
			*o++ = '\r';
		else if (*p == 'x' && end - p >= 3 && (h = hexval(p[1])) >= 0 &&
		    (l = hexval(p[2])) >= 0 && (h || l)) {
			*o++ = (char)(h * 16 + l);
			p += 2;
		} else
			*o++ = *p;
		p++;
	}
	*o = '\0';
	return out;
}

static int
meta_line(
    struct store_entry *e, const char *key, size_t klen, const char *v, const char *end)
{
	char num[32];
	size_t i, n = (size_t)(end - v);

	for (i = 0; i < store_ntext; i++)
		if (strlen(store_text[i].col) == klen &&
		    memcmp(key, store_text[i].col, klen) == 0) {
			free(STORE_TEXT(e, i));
			return (STORE_TEXT(e, i) = unesc(v, end)) ? 0 : -1;
		}
	if (n >= sizeof(num))
		return 0;
	memcpy(num, v, n);
	num[n] = '\0';
	if (klen == 2 && memcmp(key, "id", 2) == 0 && store_id_valid(num))
		memcpy(e->id, num, STORE_ID_LEN + 1);
	else if (klen == 4 && memcmp(key, "time", 4) == 0)
		e->time = strtoll(num, NULL, 10);
	else if (klen == 4 && memcmp(key, "size", 4) == 0)
		e->size = strtoull(num, NULL, 10);
	else if (klen == 8 && memcmp(key, "has_file", 8) == 0)
		e->has_file = num[0] == '1';
	return 0;
}

int
smeta_parse(const char *text, size_t len, struct store_entry *e)
{
	const char *p = text, *end = text + len, *nl, *sp;
	size_t i;

	memset(e, 0, sizeof(*e));
	if (len < 16 || memcmp(text, "embargo-store 1\n", 16) != 0)
		return -1;
	for (p += 16; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((sp = memchr(p, ' ', (size_t)(nl - p))) == NULL)
			continue;
		if (meta_line(e, p, (size_t)(sp - p), sp + 1, nl) != 0)
			goto fail;
	}
	for (i = 0; i < store_ntext; i++)
		if (STORE_TEXT(e, i) == NULL && (STORE_TEXT(e, i) = strdup("")) == NULL)
			goto fail;
	if (!store_id_valid(e->id) || e->time <= 0)
		goto fail;
	return 0;
fail:
	store_entry_clear(e);
	return -1;
}

int
smeta_read(struct store *s, const char *id, struct store_entry *e)
{
	char path[4096];
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	ssize_t n;
	int fd, rc;

	if (store_msg_path(s, id, "meta", path, sizeof(path)) != 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	sb_init(&sb, SMETA_MAX);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sb_add(&sb, buf, (size_t)n);
	}
	close(fd);
	rc =
	    n == 0 && !sb.oom && !sb.truncated ? smeta_parse(sb_str(&sb), sb.len, e) : -1;
	if (rc == 0 && strcmp(e->id, id) != 0) {
		store_entry_clear(e);
		rc = -1;
	}
	sb_free(&sb);
	return rc;
}
