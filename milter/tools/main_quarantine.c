/*
 * main_quarantine.c: embargo-quarantine, the admin tool for the quarantine store:
 * argument parsing, the privilege rules, id resolution, and the dispatch to q_*.c.
 *
 *   embargo-quarantine [-c CONFIG] list|stats [filters] [--json] [--count]
 *   embargo-quarantine [-c CONFIG] stats --live [--socket PATH]
 *   embargo-quarantine [-c CONFIG] show|export|delete ID...      (ID "-": stdin)
 *   embargo-quarantine [-c CONFIG] release ID... [--to ADDR]... [--rescan [--force]] [--retry]
 *   embargo-quarantine [-c CONFIG] purge --older-than 30d | fsck | reindex | sync-holds |
 *       ppap-expire
 *   embargo-quarantine [-c CONFIG] digest [--since 24h] [--dry-run] [--to ADDR]... [--notice]
 *
 * Privileges: run as root (directly or by sudo) or set-id, only a root-owned
 * configuration that group and others cannot write is read, and under sudo or
 * set-id only the compiled-in one (so -c cannot choose release_command or the
 * store). Installed set-user-id to the store's owner and executable by review_group
 * (mode 4750), it is the review group's narrow path to release and delete: members
 * only, review commands only, release_command run wholly as the store's user with
 * a clean environment. Message content is parsed in a child without root or the
 * set-id user (q_unprivileged).
 * The acting user recorded is $SUDO_USER behind sudo, else the real uid's name.
 * Exit: 0 done, 1 refused or not found, 2 error. See doc/embargo-quarantine.8.
 */
#include <ctype.h>
#include <getopt.h>
#include <grp.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/version.h"
#include "daemon/store_start.h"
#include "tools/q.h"
#include "yara/yara.h"

#define DEFAULT_CONFIG "/etc/embargo/embargo.conf"

static void
usage_to(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: embargo-quarantine [-c config] list|stats [--since T] [--until T]"
	    " [--sender A] [--rcpt A]\n"
	    "         [--subject S] [--state S] [--rule G] [--finding G] [--message-id M]"
	    " [--client IP] [--host H] [--json] [--count]\n"
	    "       embargo-quarantine [-c config] stats --live [--socket PATH]\n"
	    "       embargo-quarantine [-c config] show|export|delete ID...   (- reads ids from stdin)\n"
	    "       embargo-quarantine [-c config] release ID... [--to addr]... [--rescan [--force]]"
	    " [--retry]\n"
	    "       embargo-quarantine [-c config] purge --older-than 30d\n"
	    "       embargo-quarantine [-c config] fsck | reindex | sync-holds | ppap-expire\n"
	    "       embargo-quarantine [-c config] digest [--since T] [--dry-run] [--to addr]..."
	    " [--notice]\n"
	    "       embargo-quarantine [-c config] db init | migrate | status\n"
	    "       embargo-quarantine [-c config] passwd USER [--role R] [--domains D,...]\n"
	    "       embargo-quarantine -h|--help, -V|--version\n"
	    "Reviews, releases and purges the messages the milter quarantined. "
	    "See embargo-quarantine(8).\n");
	exit(status);
}

static void
usage(void)
{
	usage_to(stderr, Q_ERROR);
}

static void
bad(const char *what, const char *v)
{
	struct strbuf sb = STRBUF_INIT;

	sb_safe(&sb, v, strlen(v), 200);
	fprintf(stderr, "embargo-quarantine: %s: \"%s\"\n", what, sb_str(&sb));
	sb_free(&sb);
	exit(Q_REFUSED);
}

static void
add_to(struct qopts *o, const char *a)
{
	if (!q_addr_valid(a))
		bad("--to: not a plain address (one local@domain, no CR/LF, comma or space)",
		    a);
	if (o->nto == Q_MAX_TO)
		bad("--to: too many addresses", a);
	if (o->to == NULL && (o->to = calloc(Q_MAX_TO, sizeof(*o->to))) == NULL)
		exit(Q_ERROR);
	o->to[o->nto++] = a;
}

static int64_t
when(const char *opt, const char *v)
{
	int64_t t = q_parse_when(v);

	if (t < 0)
		bad(opt, v);
	return t;
}

static void
parse_cmd_opts(int argc, char **argv, struct qopts *o)
{
	static const struct option lo[] = {
		{ "since", 1, NULL, 's' },
		{ "until", 1, NULL, 'u' },
		{ "sender", 1, NULL, 'S' },
		{ "rcpt", 1, NULL, 'r' },
		{ "subject", 1, NULL, 'j' },
		{ "state", 1, NULL, 't' },
		{ "rule", 1, NULL, 'R' },
		{ "finding", 1, NULL, 'f' },
		{ "message-id", 1, NULL, 'm' },
		{ "client", 1, NULL, 'C' },
		{ "host", 1, NULL, 'H' },
		{ "json", 0, NULL, 'J' },
		{ "count", 0, NULL, 'n' },
		{ "to", 1, NULL, 'T' },
		{ "rescan", 0, NULL, 'X' },
		{ "force", 0, NULL, 'F' },
		{ "retry", 0, NULL, 'Y' },
		{ "older-than", 1, NULL, 'o' },
		{ "dry-run", 0, NULL, 'd' },
		{ "notice", 0, NULL, 'N' },
		{ "live", 0, NULL, 'L' },
		{ "socket", 1, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's': o->f.since = when("--since", optarg); break;
		case 'u': o->f.until = when("--until", optarg); break;
		case 'S': o->f.sender = optarg; break;
		case 'r': o->f.rcpt = optarg; break;
		case 'j': o->f.subject = optarg; break;
		case 't': o->f.state = optarg; break;
		case 'R': o->f.rule = optarg; break;
		case 'f': o->f.finding = optarg; break;
		case 'm': o->f.message_id = optarg; break;
		case 'C': o->f.client = optarg; break;
		case 'H': o->f.host = optarg; break;
		case 'J': o->json = 1; break;
		case 'n': o->count = 1; break;
		case 'T': add_to(o, optarg); break;
		case 'X': o->rescan = 1; break;
		case 'F': o->force = 1; break;
		case 'Y': o->retry = 1; break;
		case 'd': o->dry_run = 1; break;
		case 'N': o->notice = 1; break;
		case 'L': o->live = 1; break;
		case 'K': o->socket = optarg; break;
		case 'o':
			if ((o->older = q_parse_age(optarg)) < 0)
				bad("--older-than", optarg);
			break;
		default: usage();
		}
	}
}

static const char *
acting_user(void)
{
	static char name[64];
	const char *s = getenv("SUDO_USER");
	struct passwd *pw;
	size_t i;

	if (getuid() == 0 && s && *s)
		snprintf(name, sizeof(name), "%s", s);
	else if ((pw = getpwuid(getuid())) != NULL)
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	else
		snprintf(name, sizeof(name), "uid%ld", (long)getuid());
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-@", name[i]))
			name[i] = '_';
	return name;
}

/* Which configuration file may be read: see the header comment. */
static const char *
config_path(const char *given)
{
	int sudo = geteuid() == 0 && getenv("SUDO_USER") != NULL;
	int setid = getuid() != geteuid() || getgid() != getegid();
	const char *path = given ? given : DEFAULT_CONFIG;
	struct stat st;

	if ((sudo || setid) && given && strcmp(given, DEFAULT_CONFIG) != 0) {
		fprintf(stderr,
		    "embargo-quarantine: -c is not allowed under sudo or setgid\n");
		exit(Q_REFUSED);
	}
	if ((geteuid() == 0 || setid) &&
	    (stat(path, &st) != 0 || st.st_uid != 0 || (st.st_mode & 022) != 0)) {
		fprintf(stderr,
		    "embargo-quarantine: %s: with privileges, the configuration "
		    "must be owned by root and writable by root only\n",
		    path);
		exit(Q_REFUSED);
	}
	return path;
}

/* Resolve ARG (a unique id prefix) and run CMD on its entry. */
static int
one_id(struct qctx *c, const char *cmd, const char *arg)
{
	char id[STORE_ID_LEN + 1];
	struct store_entry e;
	int rc;

	if (!q_id_arg_valid(arg)) {
		struct strbuf sb = STRBUF_INIT;

		sb_safe(&sb, arg, strlen(arg), 80);
		fprintf(stderr,
		    "embargo-quarantine: \"%s\": not a quarantine id (4 to 24 "
		    "lower-case hex digits)\n",
		    sb_str(&sb));
		sb_free(&sb);
		return Q_REFUSED;
	}
	if ((rc = store_resolve(c->s, arg, id)) != 0 ||
	    (rc = store_get(c->s, id, &e)) != 0) {
		if (rc > 0)
			fprintf(stderr, "embargo-quarantine: %s: %s\n", arg,
			    rc == 2 ? "ambiguous id prefix: give more digits" :
				      "no such quarantine id");
		return rc > 0 ? Q_REFUSED : Q_ERROR;
	}
	if (strcmp(cmd, "show") == 0)
		rc = q_show(c, &e);
	else if (strcmp(cmd, "export") == 0)
		rc = q_export(c, &e);
	else if (strcmp(cmd, "release") == 0)
		rc = q_release(c, &e);
	else
		rc = q_delete(c, &e);
	store_entry_clear(&e);
	return rc;
}

/* Each id argument (or, for "-", each line of stdin); the worst result wins. */
static int
each_id(struct qctx *c, const char *cmd, int argc, char **argv)
{
	char line[256];
	int i, rc = Q_OK, r;
	size_t n;

	if (argc == 0)
		usage();
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			r = one_id(c, cmd, argv[i]);
			rc = r > rc ? r : rc;
			continue;
		}
		while (fgets(line, sizeof(line), stdin) != NULL) {
			n = strcspn(line, "\r\n");
			line[n] = '\0';
			if (n == 0)
				continue;
			r = one_id(c, cmd, line);
			rc = r > rc ? r : rc;
		}
	}
	return rc;
}

static int
dispatch(struct qctx *c, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "list") == 0 || strcmp(cmd, "stats") == 0) {
		if (argc)
			usage();
		return cmd[0] == 'l' ? q_list(c) : q_stats(c);
	}
	if (strcmp(cmd, "purge") == 0) {
		if (argc || c->o->older < 0)
			usage();
		return q_purge(c);
	}
	if (strcmp(cmd, "fsck") == 0 && argc == 0)
		return q_fsck(c);
	if (strcmp(cmd, "ppap-expire") == 0 && argc == 0)
		return q_ppap_expire(c, 1);
	if (strcmp(cmd, "sync-holds") == 0 && argc == 0)
		return q_sync_holds(c);
	if (strcmp(cmd, "digest") == 0 && argc == 0)
		return c->o->notice ? q_notice(c) : q_digest(c);
	if (strcmp(cmd, "show") == 0 || strcmp(cmd, "export") == 0 ||
	    strcmp(cmd, "release") == 0 || strcmp(cmd, "delete") == 0)
		return each_id(c, cmd, argc, argv);
	usage();
	return Q_ERROR;
}

static int
reindex(const struct em_config *cfg, const char *who)
{
	struct strbuf err = STRBUF_INIT;
	size_t n = 0;
	int rc = store_reindex(cfg->quarantine_dir, who, &n, &err);

	fputs(sb_str(&err), rc == 0 ? stdout : stderr);
	if (rc == 0)
		printf("index rebuilt: %zu entr%s from the stored files\n", n,
		    n == 1 ? "y" : "ies");
	sb_free(&err);
	return rc == 0 ? Q_OK : Q_ERROR;
}

static int
in_group(const char *name)
{
	struct group *g = name && name[0] ? getgrnam(name) : NULL;
	gid_t v[256];
	int n, i;

	if (g == NULL)
		return 0;
	if (getgid() == g->gr_gid)
		return 1;
	if ((n = getgroups(256, v)) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (v[i] == g->gr_gid)
			return 1;
	return 0;
}

/* Installed set-user-id to the store's owner (the narrow path of the review group):
 * members of review_group only, and only the review commands. */
static int
setid_allowed(const struct em_config *cfg, const char *cmd)
{
	static const char *const ok[] = { "list", "stats", "show", "export", "release",
		"delete" };
	size_t i;

	if (getuid() == geteuid() && getgid() == getegid())
		return 1;
	if (!in_group(cfg->review_group)) {
		fprintf(stderr, "embargo-quarantine: not a member of review_group %s\n",
		    cfg->review_group ? cfg->review_group : "");
		return 0;
	}
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(cmd, ok[i]) == 0)
			return 1;
	fprintf(stderr, "embargo-quarantine: %s needs root\n", cmd);
	return 0;
}

static int
run(const struct em_config *cfg, const char *cmd, const struct qopts *o, int argc,
    char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct qctx c = { cfg, NULL, o, acting_user(), NULL, NULL };
	int rc;

	if (!setid_allowed(cfg, cmd))
		return Q_REFUSED;
	if (o->live || o->socket != NULL)
		return strcmp(cmd, "stats") == 0 && argc == 0 ? q_live(cfg, o) :
								(usage(), Q_ERROR);

	store_set_syslog(cfg->log_facility);
	store_configure(cfg);
	if (strcmp(cmd, "db") == 0)
		return q_db(cfg, argc, argv);
	if (strcmp(cmd, "reindex") == 0)
		return argc ? (usage(), Q_ERROR) : reindex(cfg, c.who);
	if ((c.s = store_open(cfg->quarantine_dir, 0, &err)) == NULL) {
		fprintf(stderr, "embargo-quarantine: %s\n", sb_str(&err));
		sb_free(&err);
		return Q_ERROR;
	}
	q_ppap_window(cfg->ppap_window);
	/* The window passes at every run by the store's owner (a reader cannot write). */
	if (getuid() == geteuid() && strcmp(cmd, "ppap-expire") != 0)
		(void)q_ppap_expire(&c, 0);
	rc = dispatch(&c, cmd, argc, argv);
	if (rc == Q_ERROR && store_error(c.s)[0])
		fprintf(stderr, "embargo-quarantine: %s\n", store_error(c.s));
	store_close(c.s);
	return rc;
}

/* passwd: root or the store's owner only, never through the set-user-id path. */
static int
passwd(const char *cfgfile, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct em_config *cfg;
	int rc;

	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "embargo-quarantine: passwd needs root\n");
		return Q_REFUSED;
	}
	config_use_yara();
	if (yara_global_init() != 0 ||
	    (cfg = config_load(config_path(cfgfile), &err)) == NULL) {
		fprintf(stderr, "%s", sb_str(&err));
		sb_free(&err);
		return Q_ERROR;
	}
	rc = q_passwd(cfg, argc, argv);
	config_free(cfg);
	yara_global_fini();
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option top_opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf err = STRBUF_INIT;
	const char *cfgfile = NULL, *cmd;
	struct em_config *cfg;
	struct qopts o;
	int ch, rc;

	/* Archive member names are UTF-8: libarchive converts them through the C library. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	memset(&o, 0, sizeof(o));
	o.older = -1;
	while ((ch = getopt_long(argc, argv, "+c:Vh", top_opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cfgfile = optarg; break;
		case 'V': printf("embargo-quarantine %s\n", EMBARGO_VERSION); return 0;
		case 'h': usage_to(stdout, 0); break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0; /* GNU getopt: full reset for the second scan */
	if (strcmp(cmd, "passwd") == 0)
		return passwd(cfgfile, argc, argv);
	parse_cmd_opts(argc, argv, &o);
	config_use_yara();
	if (yara_global_init() != 0 ||
	    (cfg = config_load(config_path(cfgfile), &err)) == NULL) {
		fprintf(stderr, "%s", sb_str(&err));
		return Q_ERROR;
	}
	rc = run(cfg, cmd, &o, argc - optind, argv + optind);
	free(o.to);
	config_free(cfg);
	sb_free(&err);
	yara_global_fini();
	return rc;
}
