/*
 * q_passwd.c: `embargo-quarantine passwd USER [--role R] [--domains D,...]`, which
 * creates or changes a line of the embargo-web users file (web_users in
 * embargo.conf): USER:HASH:ROLE[:DOMAINS], HASH yescrypt (libcrypt).
 *
 * Promises: the password is read from the terminal without echo (asked twice) or,
 * from a pipe, as the first line of stdin; an empty password is refused. A new user
 * needs --role; a changed user keeps its role and domains unless given (--domains ""
 * clears them). The file is rewritten whole: a temporary file beside it, fsynced,
 * renamed over it, with the old file's owner, group and mode (new: 0640, group of
 * the configured user, who runs embargo-web). Other
 * lines are kept byte for byte. Not available through the set-user-id path.
 * Limits: lines over 8 KB are refused rather than cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <crypt.h>
#include <termios.h>
#include <unistd.h>

#include "tools/q.h"
#include "web/web.h"

struct pw_args {
	const char *user, *role, *domains;
};

static int
pw_usage(void)
{
	fprintf(stderr,
	    "usage: embargo-quarantine [-c config] passwd USER [--role "
	    "admin|helpdesk|auditor] [--domains D1,D2]\n");
	return Q_ERROR;
}

static int
read_line(FILE *fp, char *buf, size_t n)
{
	if (fgets(buf, (int)n, fp) == NULL)
		return -1;
	if (strchr(buf, '\n') == NULL && !feof(fp))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* Ask on the terminal without echo. */
static int
ask(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	int rc;

	fputs(prompt, stderr);
	if (tcgetattr(0, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (tcsetattr(0, TCSAFLUSH, &quiet) != 0)
		return -1;
	rc = read_line(stdin, buf, n);
	tcsetattr(0, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

static int
get_password(char *pw, size_t n)
{
	char again[1024];

	if (!isatty(0))
		return read_line(stdin, pw, n) == 0 && pw[0] != '\0' ? 0 : -1;
	if (ask("Password: ", pw, n) != 0 || ask("Again: ", again, sizeof(again)) != 0)
		return -1;
	if (strcmp(pw, again) != 0 || pw[0] == '\0') {
		fprintf(stderr, "embargo-quarantine: passwords differ or empty\n");
		return -1;
	}
	return 0;
}

/* The new line for A with HASH, keeping OLD's role and domains (OLD may be NULL). */
static int
new_line(const struct pw_args *a, const struct web_user *old, const char *hash,
    struct strbuf *out)
{
	enum web_role role;
	size_t i;

	if (a->role ? web_role_parse(a->role, &role) != 0 : old == NULL) {
		fprintf(stderr,
		    "embargo-quarantine: --role admin, helpdesk or auditor%s\n",
		    old ? "" : " (a new user needs one)");
		return -1;
	}
	if (a->role == NULL)
		role = old->role;
	sb_printf(out, "%s:%s:%s", a->user, hash, web_role_name(role));
	if (a->domains != NULL) {
		if (a->domains[0] != '\0')
			sb_printf(out, ":%s", a->domains);
	} else if (old != NULL && old->ndomains > 0) {
		for (i = 0; i < old->ndomains; i++)
			sb_printf(out, "%c%s", i ? ',' : ':', old->domains[i]);
	}
	sb_addc(out, '\n');
	return 0;
}

/* Copy FILE's lines to OUT, replacing A->user's line with the new one. */
static int
rewrite(FILE *in, const struct pw_args *a, const char *hash, struct strbuf *out)
{
	char line[8192], copy[8192];
	struct web_user u;
	int found = 0, rc;

	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		if (strchr(line, '\n') == NULL && !feof(in))
			return fprintf(stderr, "embargo-quarantine: a line over 8 KB\n"),
			       -1;
		snprintf(copy, sizeof(copy), "%s", line);
		copy[strcspn(copy, "\r\n")] = '\0';
		if (found || copy[0] == '#' || web_user_parse(&u, copy) != 0)
			goto keep;
		if (strcmp(u.name, a->user) == 0) {
			found = 1;
			rc = new_line(a, &u, hash, out);
			web_user_clear(&u);
			if (rc != 0)
				return -1;
			continue;
		}
		web_user_clear(&u);
	keep:
		sb_adds(out, line);
		if (strchr(line, '\n') == NULL)
			sb_addc(out, '\n');
	}
	return found ? 0 : new_line(a, NULL, hash, out);
}

/* Write OUT to FILE through a temporary file; owner, group and mode of the old one. */
static int
replace_file(const struct em_config *cfg, const char *file, const struct strbuf *out)
{
	struct passwd *pw = cfg->user && cfg->user[0] ? getpwnam(cfg->user) : NULL;
	char tmp[4096];
	struct stat st;
	int fd, have = stat(file, &st) == 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", file, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0)
		return -1;
	if ((have &&
		(fchown(fd, st.st_uid, st.st_gid) != 0 ||
		    fchmod(fd, st.st_mode & 07777) != 0)) ||
	    (!have && pw != NULL && fchown(fd, (uid_t)-1, pw->pw_gid) != 0) ||
	    store_write_all(fd, out->s ? out->s : "", out->len) != 0 || fsync(fd) != 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, file) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct pw_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			a->role = argv[++i];
		else if (strcmp(argv[i], "--domains") == 0 && i + 1 < argc)
			a->domains = argv[++i];
		else if (argv[i][0] != '-' && a->user == NULL)
			a->user = argv[i];
		else
			return -1;
	}
	return a->user ? 0 : -1;
}

int
q_passwd(const struct em_config *cfg, int argc, char **argv)
{
	struct pw_args a;
	struct strbuf out = STRBUF_INIT;
	char pw[1024], hash[CRYPT_OUTPUT_SIZE];
	struct web_user check;
	char probe[256];
	FILE *in;
	int rc = Q_ERROR;

	if (parse_args(argc, argv, &a) != 0)
		return pw_usage();
	if (!web_user_name_valid(a.user) ||
	    (a.domains &&
		snprintf(probe, sizeof(probe), "x:h:helpdesk:%s", a.domains) > 0 &&
		(web_user_parse(&check, probe) != 0 || (web_user_clear(&check), 0)))) {
		fprintf(stderr, "embargo-quarantine: bad user name or domain list\n");
		return Q_REFUSED;
	}
	if (get_password(pw, sizeof(pw)) != 0 ||
	    web_hash_password(pw, hash, sizeof(hash)) != 0) {
		fprintf(
		    stderr, "embargo-quarantine: no password read, or hashing failed\n");
		return Q_REFUSED;
	}
	in = fopen(cfg->web_users, "re");
	if (in == NULL && errno != ENOENT)
		fprintf(stderr, "embargo-quarantine: %s: %s\n", cfg->web_users,
		    strerror(errno));
	else if (rewrite(in, &a, hash, &out) != 0)
		rc = Q_REFUSED;
	else if (replace_file(cfg, cfg->web_users, &out) != 0)
		fprintf(stderr, "embargo-quarantine: cannot write %s: %s\n",
		    cfg->web_users, strerror(errno));
	else
		rc = Q_OK;
	if (in != NULL)
		fclose(in);
	explicit_bzero(pw, sizeof(pw));
	sb_free(&out);
	return rc;
}
