/*
 * users.c: the web_users file of embargo-web, one user a line:
 *     NAME:HASH:ROLE[:DOMAIN,DOMAIN...]
 * NAME is [A-Za-z0-9._-] (at most 64), HASH a crypt(3) hash (yescrypt "$y$..." made
 * by `embargo-quarantine passwd`), ROLE admin, helpdesk or auditor, DOMAINS the
 * recipient domains of a helpdesk user. '#' lines and blank lines are skipped.
 *
 * Promises: the file is read again when its mtime or size changes (each request
 * checks), so a removed user or a changed role takes effect at once, sessions
 * included. A malformed line is skipped and logged, never half-used; a helpdesk
 * user without domains sees nothing. Password checks cost one crypt() whether the
 * user exists or not.
 * Limits: at most 10,000 users and 1 MB; a file that cannot be read keeps the users
 * read last time (logged).
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include "web/web.h"

#define USERS_MAX 10000

static const char *const role_names[] = { "public", "auditor", "helpdesk", "admin" };

const char *
web_role_name(enum web_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "?";
}

int
web_role_parse(const char *s, enum web_role *out)
{
	unsigned i;

	for (i = 1; i < 4; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum web_role)i;
			return 0;
		}
	return -1;
}

int
web_user_name_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= WEB_NAME_MAX &&
	    strspn(s,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

void
web_user_clear(struct web_user *u)
{
	size_t i;

	free(u->hash);
	for (i = 0; i < u->ndomains; i++)
		free(u->domains[i]);
	memset(u, 0, sizeof(*u));
}

static int
parse_domains(struct web_user *u, char *list)
{
	char *p = list, *next;

	for (; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		if (u->ndomains >= WEB_DOMAINS_MAX || strlen(p) > 253 ||
		    strspn(p,
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
			strlen(p))
			return -1;
		if ((u->domains[u->ndomains] = strdup(p)) == NULL)
			return -1;
		for (char *c = u->domains[u->ndomains]; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		u->ndomains++;
	}
	return 0;
}

/* One line (modified in place) into U. 0 or -1. */
int
web_user_parse(struct web_user *u, char *line)
{
	char *f[4] = { NULL, NULL, NULL, NULL }, *p = line;
	int i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < 4 && p != NULL; i++) {
		f[i] = p;
		if ((p = strchr(p, ':')) != NULL && i < 3)
			*p++ = '\0';
	}
	if (f[2] == NULL || p != NULL || !web_user_name_valid(f[0]) || f[1][0] == '\0' ||
	    web_role_parse(f[2], &u->role) != 0)
		return -1;
	snprintf(u->name, sizeof(u->name), "%s", f[0]);
	if ((u->hash = strdup(f[1])) == NULL || parse_domains(u, f[3]) != 0) {
		web_user_clear(u);
		return -1;
	}
	return 0;
}

static void
users_free(struct web_user *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		web_user_clear(&v[i]);
	free(v);
}

static int
users_read(FILE *fp, const char *file, struct web_user **out, size_t *nout)
{
	struct web_user *v = calloc(USERS_MAX, sizeof(*v));
	char line[8192];
	size_t n = 0;
	int lineno = 0;

	if (v == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL && n < USERS_MAX) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (web_user_parse(&v[n], line) != 0 ||
		    web_user_find_in(v, n, v[n].name)) {
			syslog(LOG_WARNING,
			    "%s:%d: malformed or duplicate user line skipped", file,
			    lineno);
			web_user_clear(&v[n]);
			continue;
		}
		n++;
	}
	*out = v;
	*nout = n;
	return 0;
}

int
web_users_load(struct web_srv *srv, const char *file)
{
	struct stat st;
	struct web_user *v;
	size_t n;
	FILE *fp;

	if (stat(file, &st) != 0) {
		syslog(LOG_ERR, "web_users %s: %s", file, strerror(errno));
		return -1;
	}
	if (st.st_mtime == srv->users_mtime && (long long)st.st_size == srv->users_size)
		return 0;
	if (st.st_size > (1 << 20) || (fp = fopen(file, "re")) == NULL) {
		syslog(LOG_ERR, "web_users %s: unreadable or over 1 MB", file);
		return -1;
	}
	if (users_read(fp, file, &v, &n) != 0) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	users_free(srv->users, srv->nusers);
	srv->users = v;
	srv->nusers = n;
	srv->users_mtime = st.st_mtime;
	srv->users_size = (long long)st.st_size;
	return 0;
}

const struct web_user *
web_user_find_in(const struct web_user *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

const struct web_user *
web_user_find(struct web_srv *srv, const char *name)
{
	return web_user_find_in(srv->users, srv->nusers, name);
}

int
web_user_check(struct web_srv *srv, const char *name, const char *password)
{
	/* A yescrypt hash of a random password: unknown users cost the same work. */
	static char dummy[CRYPT_OUTPUT_SIZE];
	char pw[33];
	const struct web_user *u = web_user_find(srv, name);
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *h;
	int ok = 0;

	if (cd == NULL)
		return 0;
	if (dummy[0] == '\0' &&
	    (web_random_hex(pw, 16) != 0 ||
		web_hash_password(pw, dummy, sizeof(dummy)) != 0))
		snprintf(dummy, sizeof(dummy), "*");
	h = crypt_rn(password, u ? u->hash : dummy, cd, sizeof(*cd));
	if (u != NULL && h != NULL && h[0] != '*')
		ok = web_ct_equal(h, u->hash);
	free(cd);
	return ok;
}

int
web_hash_password(const char *password, char *out, size_t n)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *h;
	int rc = -1;

	if (cd == NULL)
		return -1;
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) != NULL &&
	    (h = crypt_rn(password, setting, cd, sizeof(*cd))) != NULL && h[0] != '*' &&
	    strlen(h) < n) {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	free(cd);
	return rc;
}

/* The domain of ADDR ("user@Dom.example" -> "Dom.example"), or "". */
static const char *
addr_domain(const char *a, size_t n, size_t *dn)
{
	const char *at = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at == NULL)
		return *dn = 0, "";
	*dn = n - (size_t)(at + 1 - a);
	return at + 1;
}

int
web_user_may_rcpt(const struct web_user *u, const char *rcpt, size_t n)
{
	size_t dn, i;
	const char *d = addr_domain(rcpt, n, &dn);

	for (i = 0; i < u->ndomains; i++)
		if (strlen(u->domains[i]) == dn && strncasecmp(u->domains[i], d, dn) == 0)
			return 1;
	return 0;
}

int
web_user_may_see(const struct web_user *u, const struct store_entry *e)
{
	const char *p = e->rcpts, *nl;

	if (u->role == WEB_ADMIN || u->role == WEB_AUDITOR)
		return 1;
	if (u->role != WEB_HELPDESK || p == NULL)
		return 0;
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (web_user_may_rcpt(u, p, nl ? (size_t)(nl - p) : strlen(p)))
			return 1;
		if (nl == NULL)
			break;
	}
	return 0;
}
