/*
 * store_file.c: the file side of the store: msg/ID.eml and msg/ID.meta written
 * through tmp/ with write, fsync, rename, fsync of msg/; removal; directories.
 *
 * Order: the .meta is renamed in first, then the .eml, then msg/ is fsynced; so a
 * .eml in msg/ always has its .meta (fsck removes a .meta left without its .eml).
 * Modes: directories 0750, files 0640 (the review group reads them; see
 * embargo-quarantine(8)). Limits: messages copied in 64 KiB chunks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store/store_int.h"

#define SFILE_CHUNK 65536

static int
subdir(const char *dir, const char *sub, int create)
{
	char p[4096];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, sub) >= sizeof(p))
		return -1;
	if (create && mkdir(p, 0750) != 0 && errno != EEXIST)
		return -1;
	return access(p, F_OK);
}

int
sfile_mkdirs(const char *dir, int create, struct strbuf *err)
{
	if (dir == NULL || strlen(dir) > 3000) {
		sb_adds(err, "quarantine_dir not set or too long");
		return -1;
	}
	if (create && mkdir(dir, 0750) != 0 && errno != EEXIST) {
		sb_printf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (subdir(dir, "msg", create) != 0 || subdir(dir, "tmp", create) != 0) {
		sb_printf(err, "%s: cannot use msg/ and tmp/: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
sfile_any_msg(const char *dir)
{
	char p[4096];
	struct dirent *de;
	DIR *d;
	size_t n;
	int any = 0;

	snprintf(p, sizeof(p), "%s/msg", dir);
	if ((d = opendir(p)) == NULL)
		return 0;
	while (!any && (de = readdir(d)) != NULL)
		any = (n = strlen(de->d_name)) > 4 &&
		    strcmp(de->d_name + n - 4, ".eml") == 0;
	closedir(d);
	return any;
}

static int
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
store_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
hex(const unsigned char *d, unsigned n, char *out)
{
	unsigned i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Copy RAW to FD, its SHA-256 into SHA (64 hex digits). */
static int
copy_spool(int fd, struct spool *raw, char sha[65])
{
	unsigned char *buf = malloc(SFILE_CHUNK), md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned mdlen = 0;
	uint64_t off = 0;
	size_t got;
	int rc = -1;

	if (buf == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		if (spool_pread(raw, off, buf, SFILE_CHUNK, &got) != EM_OK)
			goto out;
		if (got == 0)
			break;
		if (store_write_all(fd, buf, got) != 0 ||
		    EVP_DigestUpdate(ctx, buf, got) != 1)
			goto out;
		off += got;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		goto out;
	hex(md, mdlen, sha);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	return rc;
}

/* tmp/NAME written by FILL, fsynced. */
static int
write_tmp(struct store *s, const char *path, const struct strbuf *text, struct spool *raw,
    char sha[65])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);

	if (fd < 0)
		return store_err(s, path, strerror(errno));
	errno = 0;
	if ((text ? store_write_all(fd, sb_str(text), text->len) :
		    copy_spool(fd, raw, sha)) != 0 ||
	    fsync(fd) != 0) {
		store_err(s, path, errno ? strerror(errno) : "write failed");
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0) {
		store_err(s, path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int
sfile_write(struct store *s, const char *id, const struct store_entry *meta,
    struct spool *raw, char sha256[65])
{
	char tm[4096], te[4096], dm[4096], de[4096], d[4096];
	struct strbuf text = STRBUF_INIT;
	struct store_entry m = *meta;
	int rc = -1;

	snprintf(tm, sizeof(tm), "%s/tmp/%s.meta.tmp", s->dir, id);
	snprintf(te, sizeof(te), "%s/tmp/%s.tmp", s->dir, id);
	snprintf(d, sizeof(d), "%s/msg", s->dir);
	if (store_msg_path(s, id, "meta", dm, sizeof(dm)) != 0 ||
	    store_msg_path(s, id, "eml", de, sizeof(de)) != 0)
		return store_err(s, "path", "too long");
	if (write_tmp(s, te, NULL, raw, sha256) != 0)
		return -1;
	m.sha256 = sha256;
	if (smeta_format(&m, &text) != 0) {
		store_err(s, "meta", "out of memory");
		goto out;
	}
	if (write_tmp(s, tm, &text, NULL, NULL) != 0)
		goto out;
	if (rename(tm, dm) != 0 || rename(te, de) != 0) {
		store_err(s, de, strerror(errno));
		unlink(dm);
		goto out;
	}
	if (fsync_dir(d) != 0) {
		store_err(s, d, strerror(errno));
		unlink(de);
		unlink(dm);
		goto out;
	}
	rc = 0;
out:
	unlink(tm);
	unlink(te);
	sb_free(&text);
	return rc;
}

int
sfile_meta_update(struct store *s, const struct store_entry *e)
{
	char tmp[4096], dst[4096], d[4096];
	struct strbuf text = STRBUF_INIT;
	int rc = -1;

	if (s->pg) /* no files: the row is the record */
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s.meta.tmp", s->dir, e->id);
	snprintf(d, sizeof(d), "%s/msg", s->dir);
	if (store_msg_path(s, e->id, "meta", dst, sizeof(dst)) != 0)
		return store_err(s, "path", "too long");
	if (smeta_format(e, &text) != 0)
		store_err(s, "meta", "out of memory");
	else if (write_tmp(s, tmp, &text, NULL, NULL) == 0) {
		if (rename(tmp, dst) != 0 || fsync_dir(d) != 0)
			store_err(s, dst, strerror(errno));
		else
			rc = 0;
	}
	unlink(tmp);
	sb_free(&text);
	return rc;
}

void
sfile_remove(struct store *s, const char *id)
{
	char p[4096];
	const struct sidx_val v[1] = { SV_T(id) };

	if (s->pg) { /* the body row; a failure leaves it for the next purge */
		(void)sidx_query(
		    s, "DELETE FROM msg_body WHERE id = ?1", v, 1, NULL, NULL);
		return;
	}
	if (store_msg_path(s, id, "eml", p, sizeof(p)) == 0)
		unlink(p);
	if (store_msg_path(s, id, "meta", p, sizeof(p)) == 0)
		unlink(p);
}

static int
chgrp_one(const char *path, gid_t gid, mode_t mode)
{
	if (chown(path, (uid_t)-1, gid) != 0 && errno != ENOENT)
		return -1;
	if (chmod(path, mode) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

int
store_set_group(const char *dir, gid_t gid, struct strbuf *err)
{
	static const char *const dirs[] = { "", "/msg", "/tmp" };
	static const char *const idx[] = { "/index.db", "/index.db-wal",
		"/index.db-shm" };
	char p[4200];
	struct dirent *de;
	DIR *d;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", dir, dirs[i]);
		if (chgrp_one(p, gid, 02750) != 0)
			goto fail;
	}
	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", dir, idx[i]);
		if (chgrp_one(p, gid, 0640) != 0)
			goto fail;
	}
	snprintf(p, sizeof(p), "%s/msg", dir);
	if ((d = opendir(p)) == NULL)
		goto fail;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/msg/%s", dir, de->d_name);
		if (chgrp_one(p, gid, 0640) != 0) {
			closedir(d);
			goto fail;
		}
	}
	closedir(d);
	return 0;
fail:
	sb_printf(err, "%s: %s", p, strerror(errno));
	return -1;
}
