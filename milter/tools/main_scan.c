/*
 * main_scan.c: embargo-scan, the daemon's pipeline and policy on files from disk.
 *
 *   embargo-scan [-c CONFIG] [--json] [--raw] [--rules FILE_OR_DIR]
 *                [--from ADDR] [--rcpt ADDR]... FILE...
 *   embargo-scan --list-findings
 *
 * Each FILE is a message (headers and body, as the MTA would pass it) or, with
 * --raw, one attachment. "-" reads standard input. Without -c, the config
 * /etc/embargo/embargo.conf is used when it exists, else built-in defaults.
 * Exit status as clamscan: 0 nothing found, 1 findings that lead to an action other
 * than accept, 2 an error.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <locale.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/workers.h"
#include "core/message.h"
#include "policy/policy.h"
#include "daemon/version.h"
#include "yara/yara.h"

#define DEFAULT_CONFIG "/etc/embargo/embargo.conf"
#define MAX_RCPTS      64

struct opts {
	int json, raw;
	struct wpool *pool; /* embargo-worker; NULL only with --in-process */
	const char *from;
	const char *rcpts[MAX_RCPTS];
	size_t nrcpts;
};

static void
usage_to(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: embargo-scan [-c config] [--json] [--raw] [--rules path]\n"
	    "                    [--from addr] [--rcpt addr]... [--worker path]\n"
	    "                    [--in-process] file...\n"
	    "       embargo-scan --list-findings\n"
	    "       embargo-scan -h|--help, -V|--version\n"
	    "Scans each file (a message, or with --raw an attachment) as the milter does and\n"
	    "prints the findings and the policy's action, parsing it in a sandboxed\n"
	    "embargo-worker (--in-process: in this process, for debugging only).\n"
	    "See embargo-scan(1).\n");
	exit(status);
}

static void
usage(void)
{
	usage_to(stderr, 2);
}

static void
list_findings(void)
{
	const struct vocab_entry *v;
	size_t i, n;

	v = vocab_all(&n);
	for (i = 0; i < n; i++)
		printf(
		    "%-26s %-8s %s\n", v[i].name, severity_name(v[i].sev), v[i].meaning);
}

static em_status
scan_message_fd(const struct scan_config *sc, int fd, struct msgscan *m)
{
	unsigned char buf[65536];
	ssize_t n;
	em_status st;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return EM_TEMPFAIL;
		if (n == 0)
			break;
		st = msgscan_body(m, buf, (size_t)n);
		if (st != EM_OK && !em_status_local(st))
			return st;
	}
	(void)sc;
	return msgscan_end(m);
}

static void
print_result(const char *file, const struct opts *o, const struct report *r,
    const struct decision *d)
{
	struct strbuf sb = STRBUF_INIT;

	if (o->json) {
		sb_adds(&sb, "{\"file\":");
		sb_json_str(&sb, file, strlen(file));
		sb_printf(&sb,
		    ",\"action\":\"%s\",\"observe\":%s,\"rule\":", action_name(d->action),
		    d->observe ? "true" : "false");
		if (d->rule)
			sb_json_str(&sb, d->rule, strlen(d->rule));
		else
			sb_adds(&sb, "null");
		sb_adds(&sb, ",\"explain\":");
		if (d->explain)
			sb_json_str(&sb, d->explain, strlen(d->explain));
		else
			sb_adds(&sb, "null");
		sb_addc(&sb, ',');
		report_json(r, &sb);
		sb_adds(&sb, "}\n");
		fputs(sb_str(&sb), stdout);
	} else {
		sb_safe(&sb, file, strlen(file), 512);
		printf("%s: %s%s", sb_str(&sb), action_name(d->action),
		    d->observe ? " (observe mode)" : "");
		if (d->rule)
			printf(" by rule %s", d->rule);
		printf("\n");
		if (d->explain)
			printf("  why: %s\n", d->explain);
		report_print(r, stdout);
	}
	sb_free(&sb);
	fflush(stdout);
}

/* A memfd copy of FD when it cannot be mapped (a pipe), else FD itself. */
static int
mappable(int fd, uint64_t *size)
{
	char buf[65536];
	struct stat st;
	ssize_t n;
	int mfd;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return fd;
	}
	if ((mfd = memfd_create("embargo-scan", MFD_CLOEXEC)) < 0)
		return -1;
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(mfd, buf, (size_t)n) != n) {
			close(mfd);
			return -1;
		}
		*size += (uint64_t)n;
	}
	return mfd;
}

/* The message (or with RAW the attachment so named) in FD through a sandboxed
 * worker. */
static em_status
scan_sandboxed(struct wpool *pool, int fd, const char *raw, struct wp_result *res)
{
	struct wp_request rq = { 0, raw, NULL, 0 };
	int mfd = mappable(fd, &rq.size), died;
	em_status st;

	if (mfd < 0)
		return EM_TEMPFAIL;
	st = wpool_scan_req(pool, mfd, &rq, res, &died);
	if (mfd != fd)
		close(mfd);
	if (st == EM_OK && res->status != EM_OK)
		st = (em_status)res->status;
	return st;
}

/* One sandboxed worker for embargo-scan: the program from --worker, $EMBARGO_WORKER
 * or worker_program, with the same config file and the --rules file. */
static struct wpool *
start_pool(const struct em_config *cfg, const char *cfgfile, const char *worker,
    const char *rules)
{
	static char path[4096];
	struct wpool_opts wo;

	wpool_opts_of(cfg, cfgfile, 1, path, sizeof(path), &wo);
	wo.rules = rules;
	if (worker != NULL)
		wo.path = worker;
	return wpool_new(&wo);
}

/* Scan one file; returns 0, 1 or 2 as the exit status asks. */
static int
scan_one(const struct em_config *cfg, const struct opts *o, const char *file)
{
	struct msgscan *m = NULL;
	struct report *own = NULL, *r;
	struct wp_result res;
	struct envelope env;
	struct decision d;
	int fd, rc = 2;
	em_status st;

	memset(&d, 0, sizeof(d));
	memset(&res, 0, sizeof(res));
	fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "embargo-scan: %s: %s\n", file, strerror(errno));
		return 2;
	}
	if (o->pool != NULL) {
		const char *base = strrchr(file, '/');

		st = scan_sandboxed(
		    o->pool, fd, o->raw ? base ? base + 1 : file : NULL, &res);
		r = res.r;
	} else if (o->raw) {
		const char *base = strrchr(file, '/');

		if ((r = own = report_new()) == NULL)
			goto out;
		st = scan_raw_file(&cfg->scan, base ? base + 1 : file, fd, r);
	} else {
		if ((m = msgscan_new(&cfg->scan, 1)) == NULL)
			goto out;
		st = scan_message_fd(&cfg->scan, fd, m);
		r = msgscan_report(m);
	}
	if (st != EM_OK && !em_status_local(st)) {
		fprintf(stderr, "embargo-scan: %s: %s\n", file, em_status_name(st));
		goto out;
	}
	memset(&env, 0, sizeof(env));
	env.sender = o->from ? o->from : "";
	env.rcpts = o->rcpts;
	env.nrcpts = o->nrcpts;
	if (policy_decide(cfg->policy, r, &env, &d) != 0) {
		fprintf(stderr, "embargo-scan: %s: policy failed\n", file);
		goto out;
	}
	print_result(file, o, r, &d);
	rc = d.action == ACT_ACCEPT || d.observe ? 0 : 1;
out:
	decision_clear(&d);
	msgscan_free(m);
	report_free(own);
	wp_result_free(&res);
	if (fd > 0)
		close(fd);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "rules", required_argument, NULL, 'R' },
		{ "from", required_argument, NULL, 'F' },
		{ "rcpt", required_argument, NULL, 'T' },
		{ "list-findings", no_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "sandbox", no_argument, NULL, 'S' }, /* the default; kept for scripts */
		{ "in-process", no_argument, NULL, 'I' },
		{ "worker", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfgfile = NULL, *rules[2] = { NULL, NULL }, *worker = NULL;
	struct strbuf err = STRBUF_INIT;
	struct yara_rules *extra = NULL;
	struct em_config *cfg;
	struct opts o;
	int ch, i, worst = 0, rc, inproc = 0;

	/* Archive member names are UTF-8 on the wire: libarchive converts them
	 * through the C library, which needs a UTF-8 character type. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "c:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cfgfile = optarg; break;
		case 'j': o.json = 1; break;
		case 'r': o.raw = 1; break;
		case 'R': rules[0] = optarg; break;
		case 'F': o.from = optarg; break;
		case 'T':
			if (o.nrcpts == MAX_RCPTS)
				usage();
			o.rcpts[o.nrcpts++] = optarg;
			break;
		case 'L': list_findings(); return 0;
		case 'V': printf("embargo-scan %s\n", EMBARGO_VERSION); return 0;
		case 'h': usage_to(stdout, 0); break;
		case 'S': break;
		case 'I': inproc = 1; break;
		case 'W': worker = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	if (cfgfile == NULL && access(DEFAULT_CONFIG, R_OK) == 0)
		cfgfile = DEFAULT_CONFIG;
	config_use_yara();
	if (yara_global_init() != 0) {
		fprintf(stderr, "embargo-scan: libyara initialisation failed\n");
		return 2;
	}
	if ((cfg = config_load(cfgfile, &err)) == NULL) {
		fprintf(stderr, "%s", sb_str(&err));
		sb_free(&err);
		return 2;
	}
	/* Spool files go to $TMPDIR (or /tmp), not the daemon's tmp_dir: an admin
	 * trying a file need not be able to write there. */
	cfg->scan.tmpdir = NULL;
	if (rules[0] != NULL && inproc) {
		if ((extra = yara_rules_load(rules, 1, &err)) == NULL) {
			fprintf(stderr, "%s", sb_str(&err));
			sb_free(&err);
			config_free(cfg);
			return 2;
		}
		cfg->scan.rules[cfg->scan.rules[0] ? 1 : 0] = extra;
	}
	if (!inproc && (o.pool = start_pool(cfg, cfgfile, worker, rules[0])) == NULL) {
		fprintf(stderr, "embargo-scan: out of memory for the worker pool\n");
		config_free(cfg);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		rc = scan_one(cfg, &o, argv[i]);
		if (rc > worst)
			worst = rc;
	}
	wpool_free(o.pool);
	yara_rules_free(extra);
	config_free(cfg);
	sb_free(&err);
	yara_global_fini();
	return worst;
}
