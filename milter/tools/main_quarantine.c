/*
 * main_quarantine.c: embargo-quarantine, the admin tool for the quarantine store.
 *
 *   embargo-quarantine [-c CONFIG] list [--since 2h] [--finding GLOB] [--rcpt ADDR] [--json]
 *   embargo-quarantine [-c CONFIG] show ID | export ID | delete ID
 *   embargo-quarantine [-c CONFIG] release ID [--to ADDR]... [--rescan]
 *   embargo-quarantine [-c CONFIG] purge --older-than 30d
 *
 * release runs release_command (sendmail-compatible) as `CMD -i -f SENDER -- RCPT...`
 * with the stored message on standard input, exec'd directly (no shell). Messages
 * held in the MTA (action hold) are released there: postsuper -H QUEUEID.
 * Exit: 0 done, 1 refused or not found, 2 error. See doc/embargo-quarantine.8.
 * BUGS: --finding matches the names in the stored findings summary; a file name
 * containing ",x@" can make a false match. release does not stop the re-injected
 * message from passing the milter again: configure the MTA (doc/policy.md).
 */
#include <errno.h>
#include <locale.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "core/message.h"
#include "policy/policy.h"
#include "store/qstore.h"
#include "daemon/version.h"
#include "yara/yara.h"

#define DEFAULT_CONFIG "/etc/embargo/embargo.conf"
#define MAX_TO 256

struct qopts {
	int64_t since;
	const char *finding, *rcpt;
	int json, rescan;
	const char *to[MAX_TO];
	size_t nto;
	int64_t older;
};

static void
usage_to(FILE *fp, int status)
{
	fprintf(fp, "usage: embargo-quarantine [-c config] list [--since 2h] "
	    "[--finding glob] [--rcpt addr] [--json]\n"
	    "       embargo-quarantine [-c config] show|export|delete ID\n"
	    "       embargo-quarantine [-c config] release ID [--to addr]... [--rescan]\n"
	    "       embargo-quarantine [-c config] purge --older-than 30d\n"
	    "       embargo-quarantine -h|--help, -V|--version\n"
	    "Reviews, releases and purges the messages the milter quarantined. "
	    "See embargo-quarantine(8).\n");
	exit(status);
}

static void
usage(void)
{
	usage_to(stderr, 2);
}

/* "90", "90s", "15m", "2h", "30d", "1w" -> seconds; -1 when malformed. */
static int64_t
parse_age(const char *s)
{
	char *end;
	unsigned long long v;
	int64_t mul = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > 100ull * 365 * 86400)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	case 'w': mul = 7 * 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	return (int64_t)v * mul;
}

static int
finding_match(const char *summary, const char *glob)
{
	char name[128];
	const char *p = summary, *at, *comma;
	size_t n;

	while (*p) {
		comma = strchr(p, ',');
		at = strchr(p, '@');
		n = (at && (!comma || at < comma) ? at : comma ? comma : p + strlen(p)) - p;
		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (policy_glob(glob, name))
				return 1;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
}

/* RCPTS is newline-separated. */
static int
rcpt_match(const char *rcpts, const char *glob)
{
	char one[1024];
	const char *p = rcpts, *nl;
	size_t n;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (policy_glob(glob, one))
				return 1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

static void
json_field(struct strbuf *sb, const char *key, const char *v, int comma)
{
	sb_printf(sb, "%s\"%s\":", comma ? "," : "", key);
	sb_json_str(sb, v, strlen(v));
}

static void
print_json(const struct qentry *e)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addc(&sb, '{');
	json_field(&sb, "id", e->id, 0);
	sb_printf(&sb, ",\"time\":%lld", (long long)e->time);
	json_field(&sb, "queue_id", e->queue_id, 1);
	json_field(&sb, "sender", e->sender, 1);
	json_field(&sb, "recipients", e->rcpts, 1);
	json_field(&sb, "subject", e->subject, 1);
	sb_printf(&sb, ",\"size\":%llu", (unsigned long long)e->size);
	json_field(&sb, "findings", e->findings, 1);
	json_field(&sb, "rule", e->rule, 1);
	json_field(&sb, "action", e->action, 1);
	json_field(&sb, "state", e->state, 1);
	json_field(&sb, "released_by", e->released_by, 1);
	sb_printf(&sb, ",\"released_at\":%lld}\n", (long long)e->released_at);
	fputs(sb_str(&sb), stdout);
	sb_free(&sb);
}

static void
print_line(const struct qentry *e)
{
	struct strbuf s = STRBUF_INIT, subj = STRBUF_INIT, rc = STRBUF_INIT;
	char when[32];
	time_t t = (time_t)e->time;
	struct tm tm;
	size_t i;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	sb_safe(&s, e->sender, strlen(e->sender), 100);
	sb_safe(&subj, e->subject, strlen(e->subject), 60);
	for (i = 0; e->rcpts[i] && rc.len < 300; i++) {
		if (e->rcpts[i] == '\n')
			sb_addc(&rc, ',');
		else
			sb_safe(&rc, e->rcpts + i, 1, 1);
	}
	printf("%s %s %-8s %-10s %s from=<%s> to=<%s> subject=\"%s\" findings=%s\n",
	    e->id, when, e->state, e->action, e->rule[0] ? e->rule : "-", sb_str(&s),
	    sb_str(&rc), sb_str(&subj), e->findings);
	sb_free(&s);
	sb_free(&subj);
	sb_free(&rc);
}

static int
list_cb(void *arg, const struct qentry *e)
{
	const struct qopts *o = arg;

	if (o->finding && !finding_match(e->findings, o->finding))
		return 0;
	if (o->rcpt && !rcpt_match(e->rcpts, o->rcpt))
		return 0;
	if (o->json)
		print_json(e);
	else
		print_line(e);
	return 0;
}

/* Rescan the stored message with the current scanners; *out owns the result. */
static int
rescan(const struct em_config *cfg, struct qstore *q, const char *id, struct msgscan **out)
{
	unsigned char buf[65536];
	struct msgscan *m;
	ssize_t n;
	em_status st = EM_OK;
	int fd;

	if ((fd = qstore_open_msg(q, id)) < 0)
		return -1;
	if ((m = msgscan_new(&cfg->scan, 1)) == NULL) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || ((st = msgscan_body(m, buf, (size_t)n)) != EM_OK &&
		    !em_status_local(st)))
			break;
	}
	close(fd);
	if (n != 0 || ((st = msgscan_end(m)) != EM_OK && !em_status_local(st))) {
		msgscan_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

static int
cmd_show(const struct em_config *cfg, struct qstore *q, const struct qentry *e)
{
	struct msgscan *m = NULL;

	print_line(e);
	printf("queue id: %s\nexplain: %s\n", e->queue_id, e->explain);
	if (e->released_at)
		printf("released by %s at %lld\n", e->released_by, (long long)e->released_at);
	if (!e->has_file) {
		printf("%s\n", strcmp(e->action, "hold") == 0 ?
		    "held in the MTA queue (no copy here): release with postsuper -H QUEUEID" :
		    "no stored copy (deleted)");
		return 0;
	}
	if (rescan(cfg, q, e->id, &m) != 0) {
		fprintf(stderr, "embargo-quarantine: %s: cannot rescan the stored copy\n", e->id);
		return 2;
	}
	printf("parts and findings (rescanned with the current scanners):\n");
	report_print(msgscan_report(m), stdout);
	msgscan_free(m);
	return 0;
}

static int
cmd_export(struct qstore *q, const struct qentry *e)
{
	char buf[65536];
	ssize_t n;
	int fd = e->has_file ? qstore_open_msg(q, e->id) : -1;

	if (fd < 0) {
		fprintf(stderr, "embargo-quarantine: %s: no stored copy\n", e->id);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	return n == 0 && fflush(stdout) == 0 ? 0 : 2;
}

/* The stored recipients, split (pointers into the copy *BUF). */
static size_t
split_rcpts(const char *rcpts, char **buf, const char **v, size_t max)
{
	char *p;
	size_t n = 0;

	if ((*buf = strdup(rcpts)) == NULL)
		return 0;
	for (p = *buf; *p && n < max;) {
		v[n++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static int
run_release(const struct em_config *cfg, struct qstore *q, const struct qentry *e,
    const char *const *to, size_t nto)
{
	const char *argv[MAX_TO + 8];
	size_t i, k = 0;
	pid_t pid;
	int fd, status;

	argv[k++] = cfg->release_command;
	argv[k++] = "-i";
	argv[k++] = "-f";
	argv[k++] = e->sender;
	argv[k++] = "--";
	for (i = 0; i < nto; i++)
		argv[k++] = to[i];
	argv[k] = NULL;
	if ((fd = qstore_open_msg(q, e->id)) < 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fd);
		return -1;
	}
	if (pid == 0) {
		if (dup2(fd, 0) < 0)
			_exit(127);
		execv(cfg->release_command, (char *const *)argv);
		fprintf(stderr, "embargo-quarantine: %s: %s\n", cfg->release_command,
		    strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static const char *
who(void)
{
	const char *s = getenv("SUDO_USER");
	struct passwd *pw;

	if (s && *s)
		return s;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "?";
}

/* With --rescan: 0 when the current policy would deliver (accept or tag). */
static int
release_rescan(const struct em_config *cfg, struct qstore *q, const struct qentry *e,
    const char *const *rc, size_t nrc)
{
	struct msgscan *m = NULL;
	struct envelope env;
	struct decision d;
	int ok;

	if (rescan(cfg, q, e->id, &m) != 0)
		return -1;
	memset(&env, 0, sizeof(env));
	env.sender = e->sender;
	env.rcpts = rc;
	env.nrcpts = nrc;
	if (policy_decide(cfg->policy, msgscan_report(m), &env, &d) != 0) {
		msgscan_free(m);
		return -1;
	}
	ok = d.action <= ACT_TAG;
	printf("rescan: %s%s%s: %s\n", action_name(d.action), d.rule ? " by rule " : "",
	    d.rule ? d.rule : "", d.explain ? d.explain : "");
	decision_clear(&d);
	msgscan_free(m);
	return ok ? 0 : 1;
}

static int
cmd_release(const struct em_config *cfg, struct qstore *q, const struct qentry *e,
    const struct qopts *o)
{
	const char **rc = NULL;
	char *buf = NULL;
	size_t n;
	int r = 2;

	if (!e->has_file && strcmp(e->action, "hold") == 0) {
		printf("%s is held in the MTA queue; release it there: postsuper -H %s\n",
		    e->id, e->queue_id);
		return 1;
	}
	if (strcmp(e->state, "held") != 0 || !e->has_file) {
		printf("%s is %s: nothing to release\n", e->id, e->state);
		return 1;
	}
	if ((rc = calloc(MAX_TO, sizeof(*rc))) == NULL)
		return 2;
	n = o->nto ? o->nto : split_rcpts(e->rcpts, &buf, rc, MAX_TO);
	if (o->nto)
		memcpy(rc, o->to, o->nto * sizeof(*rc));
	if (n == 0) {
		fprintf(stderr, "embargo-quarantine: %s: no recipients\n", e->id);
		goto out;
	}
	if (o->rescan && (r = release_rescan(cfg, q, e, rc, n)) != 0) {
		if (r == 1)
			printf("%s: not released (the current policy would not deliver it)\n", e->id);
		goto out;
	}
	r = 2;
	if (run_release(cfg, q, e, rc, n) != 0) {
		fprintf(stderr, "embargo-quarantine: %s: %s failed; not marked released\n",
		    e->id, cfg->release_command);
		goto out;
	}
	if (qstore_mark_released(q, e->id, who()) != 0)
		fprintf(stderr, "embargo-quarantine: %s: delivered but not marked: %s\n", e->id,
		    qstore_error(q));
	else
		printf("%s released to %zu recipient%s\n", e->id, n, n == 1 ? "" : "s");
	r = 0;
out:
	free(buf);
	free(rc);
	return r;
}

static void
parse_cmd_opts(int argc, char **argv, struct qopts *o)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "finding", required_argument, NULL, 'f' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "to", required_argument, NULL, 't' },
		{ "rescan", no_argument, NULL, 'R' },
		{ "older-than", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t age;
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((age = parse_age(optarg)) < 0)
				usage();
			o->since = (int64_t)time(NULL) - age;
			break;
		case 'f': o->finding = optarg; break;
		case 'r': o->rcpt = optarg; break;
		case 'j': o->json = 1; break;
		case 't':
			if (o->nto == MAX_TO)
				usage();
			o->to[o->nto++] = optarg;
			break;
		case 'R': o->rescan = 1; break;
		case 'o':
			if ((age = parse_age(optarg)) < 0)
				usage();
			o->older = age;
			break;
		default: usage();
		}
	}
}

static int
run(const struct em_config *cfg, struct qstore *q, const char *cmd, const char *id,
    const struct qopts *o)
{
	struct qentry e;
	size_t n = 0;
	int rc;

	if (strcmp(cmd, "list") == 0)
		return qstore_list(q, o->since, list_cb, (void *)o) == 0 ? 0 : 2;
	if (strcmp(cmd, "purge") == 0) {
		if (o->older < 0)
			usage();
		if (qstore_purge(q, (int64_t)time(NULL) - o->older, &n) != 0)
			return 2;
		printf("purged %zu message%s\n", n, n == 1 ? "" : "s");
		return 0;
	}
	if (id == NULL)
		usage();
	if ((rc = qstore_get(q, id, &e)) != 0) {
		if (rc > 0)
			fprintf(stderr, "embargo-quarantine: %s: no such quarantine id\n", id);
		return rc > 0 ? 1 : 2;
	}
	if (strcmp(cmd, "show") == 0)
		rc = cmd_show(cfg, q, &e);
	else if (strcmp(cmd, "export") == 0)
		rc = cmd_export(q, &e);
	else if (strcmp(cmd, "release") == 0)
		rc = cmd_release(cfg, q, &e, o);
	else if (strcmp(cmd, "delete") == 0)
		rc = qstore_delete(q, e.id) == 0 ? (printf("%s deleted\n", e.id), 0) : 2;
	else
		usage();
	qentry_clear(&e);
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
	const char *cfgfile = NULL, *cmd, *id = NULL;
	struct em_config *cfg;
	struct qstore *q;
	struct qopts o;
	int ch, rc;

	/* Archive member names are UTF-8 on the wire: libarchive converts them
	 * through the C library, which needs a UTF-8 character type. */
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
	optind = 0;   /* GNU getopt: full reset for the second scan */
	parse_cmd_opts(argc, argv, &o);
	if (optind < argc)
		id = argv[optind++];
	if (optind < argc)
		usage();
	if (cfgfile == NULL)
		cfgfile = DEFAULT_CONFIG;
	if (yara_global_init() != 0 || (cfg = config_load(cfgfile, &err)) == NULL) {
		fprintf(stderr, "%s", sb_str(&err));
		return 2;
	}
	if ((q = qstore_open(cfg->quarantine_dir, 0, &err)) == NULL) {
		fprintf(stderr, "embargo-quarantine: %s\n", sb_str(&err));
		config_free(cfg);
		return 2;
	}
	rc = run(cfg, q, cmd, id, &o);
	if (rc == 2 && qstore_error(q)[0])
		fprintf(stderr, "embargo-quarantine: %s\n", qstore_error(q));
	qstore_close(q);
	config_free(cfg);
	sb_free(&err);
	yara_global_fini();
	return rc;
}
