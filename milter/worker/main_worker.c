/*
 * main_worker.c: embargo-worker, the sandboxed scanner process. Started by embargo
 * (or embargo-scan) with its end of a SOCK_SEQPACKET socketpair on descriptor 3, and
 * of one per further lane (wproto.h) on 6, 7, 8.
 *
 * It loads the configuration (scan limits, YARA rules), warms libmagic and OpenSSL,
 * then locks itself down (sandbox.h) and serves: each WP_SCAN frame brings a memfd
 * (or a read-only file) with a whole message, or one attachment (embargo-scan --raw),
 * or no descriptor: a message in the daemon's arena (warena.h, mapped once);
 * the worker maps it, runs the pipeline (msgscan, headers in the body; or
 * scan_raw_file) and answers one WP_REPORT with the password candidates of the text.
 * Spools are memfds (SPOOL_MEMFD). Ready lanes are served in turn, one message at a
 * time, each lane's arena message in its own part of the arena. It exits when a
 * socket closes.
 * -C loads the configuration (YARA rules compiled) and exits: the daemon's check.
 * -R adds a YARA rules file (embargo-scan --rules), compiled before the lockdown.
 *
 * Built with -DEMBARGO_TEST_ANALYSERS only for tests (build/tests/embargo-worker-test),
 * never in release builds: magic strings in a message make it crash, try to escape,
 * hang, exhaust memory, or answer garbage (tests/sandbox/testhooks.c).
 * Limits: one message at a time (a request waits in its lane while another lane's is
 * scanned); a report larger than a frame is sent empty.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/charset.h"
#include "core/message.h"
#include "daemon/config.h"
#include "detect/filetype.h"
#include "worker/sandbox.h"
#include "worker/warena.h"
#include "worker/wchan.h"
#include "worker/wprogress.h"
#include "yara/yara.h"

#ifdef EMBARGO_TEST_ANALYSERS
void worker_test_hooks(int sock, const unsigned char *data, size_t len);
void worker_test_part(const struct scan_input *in);
#else
#define worker_test_hooks(sock, data, len) ((void)0)
#endif

#define FEED_CHUNK 65536

static const unsigned char *arena; /* the daemon's message arena (warena.h), or NULL */
static size_t arena_len;           /* of one lane's part of it */

static int
range_of(void *arg, int part, uint64_t *s, uint64_t *e)
{
	return msgscan_part_range(arg, part, s, e);
}

/* The password candidates of the message's text, for the daemon's PPAP. */
static void
put_found_passwords(struct strbuf *out, const struct msgscan *m)
{
	const char *pw[WP_MAX_PW];
	size_t n = 0;

	while (m != NULL && n < WP_MAX_PW && (pw[n] = msgscan_password(m, (unsigned)n)))
		n++;
	wp_put_passwords(out, pw, n);
}

/* The pipeline on DATA, trying PW (NPW) on encrypted parts; the serialised report
 * appended to OUT. */
static void
scan_buffer(const struct scan_config *sc, const unsigned char *data, size_t len,
    char **pw, size_t npw, struct strbuf *out)
{
	struct msgscan *m = msgscan_new(sc, 1);
	em_status st = m ? EM_OK : EM_TEMPFAIL;
	size_t off, n;

	if (m != NULL && npw > 0)
		msgscan_add_passwords(m, (const char *const *)pw, npw);
	for (off = 0; st == EM_OK && off < len; off += n) {
		n = len - off < FEED_CHUNK ? len - off : FEED_CHUNK;
		st = msgscan_body(m, data + off, n);
	}
	if (m != NULL && (st == EM_OK || em_status_local(st)))
		st = msgscan_end(m);
	wp_put_report(out, (int)st, m ? msgscan_report(m) : NULL, range_of, m);
	put_found_passwords(out, m);
	if (out->oom || out->len > WP_MAX_FRAME - WP_HDR) {
		sb_reset(out);
		wp_put_report(out, EM_TEMPFAIL, NULL, NULL, NULL);
		wp_put_passwords(out, NULL, 0);
	}
	msgscan_free(m);
}

/* One attachment (embargo-scan --raw) named NAME from FD. */
static void
scan_raw(const struct scan_config *sc, const char *name, int fd, struct strbuf *out)
{
	struct report *r = report_new();
	em_status st = EM_TEMPFAIL;

	if (r != NULL && lseek(fd, 0, SEEK_SET) == 0)
		st = scan_raw_file(sc, name, fd, r);
	wp_put_report(out, (int)st, r, NULL, NULL);
	wp_put_passwords(out, NULL, 0);
	if (out->oom || out->len > WP_MAX_FRAME - WP_HDR) {
		sb_reset(out);
		wp_put_report(out, EM_TEMPFAIL, NULL, NULL, NULL);
		wp_put_passwords(out, NULL, 0);
	}
	report_free(r);
}

/* One request: 0 to go on, -1 to exit. */
static int
serve_one(int sock, int lane, const struct scan_config *sc)
{
	struct strbuf out = STRBUF_INIT;
	const unsigned char *data = NULL;
	unsigned char *pl, *map = NULL;
	char *pw[WP_MAX_PW], *raw = NULL;
	struct stat st;
	uint64_t size = 0;
	size_t n, npw = 0;
	int fd, rc;

	if ((rc = wc_recv(sock, WP_SCAN, -1, &pl, &n, &fd)) != 0)
		return -1;
	rc = wp_parse_scan(pl, n, &size, &raw, pw, &npw);
	free(pl);
	if (rc == 0 && fd < 0) { /* no descriptor: the bytes are in the lane's arena */
		data = arena != NULL ? arena + (size_t)lane * arena_len : NULL;
		rc = raw == NULL && data != NULL && size <= arena_len ? 0 : -1;
	} else if (rc == 0 &&
	    (fstat(fd, &st) != 0 || (uint64_t)st.st_size < size ||
		(size > 0 &&
		    (map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
			 0)) == MAP_FAILED))) {
		map = NULL;
		rc = -1;
	} else {
		data = map;
	}
	if (rc != 0) {
		if (fd >= 0)
			close(fd);
		wp_pw_free(pw, npw);
		free(raw);
		return -1;
	}
	wprog_begin(sock, lane);
	worker_test_hooks(sock, data, size);
	if (raw != NULL)
		scan_raw(sc, raw, fd, &out);
	else
		scan_buffer(
		    sc, size > 0 ? data : (const unsigned char *)"", size, pw, npw, &out);
	if (fd >= 0)
		close(fd);
	wp_pw_free(pw, npw);
	free(raw);
	if (map != NULL)
		munmap(map, size);
	wprog_end();
	rc = out.oom ? -1 : wc_send(sock, WP_REPORT, out.s, out.len, -1);
	sb_free(&out);
	return rc;
}

/* The lanes the daemon gave (descriptor 3, then WP_LANE_FD(1)...), into PFD; their
 * count. Called before the lockdown. */
static int
lanes_open(struct pollfd *pfd)
{
	int n = 0;

	while (n < WP_LANES && fcntl(WP_LANE_FD(n), F_GETFD) >= 0) {
		pfd[n].fd = WP_LANE_FD(n);
		pfd[n].events = POLLIN;
		n++;
	}
	return n;
}

/* Serve the NL lanes of PFD, ready ones in turn, until one closes or fails. */
static void
serve(struct pollfd *pfd, int nl, const struct scan_config *sc)
{
	int last = nl - 1, i, k = 0;

	for (;;) {
		if (poll(pfd, (nfds_t)nl, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (i = 1; i <= nl; i++) /* the next ready lane after the last served */
			if (pfd[k = (last + i) % nl].revents != 0)
				break;
		if (i > nl)
			continue;
		last = k;
		if (serve_one(pfd[k].fd, k, sc) != 0)
			return;
	}
}

/* The extra rules file PATH beside the configured ones (never freed: the process's
 * lifetime). */
static int
add_rules(struct em_config *cfg, const char *path, struct strbuf *e)
{
	struct yara_rules *x = yara_rules_load(&path, 1, e);

	if (x == NULL)
		return -1;
	cfg->scan.rules[cfg->scan.rules[0] ? 1 : 0] = x;
	return 0;
}

static void
warm_up(const struct scan_config *sc)
{
	static const char msg[] =
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
	    "--b\r\nContent-Type: application/octet-stream\r\n\r\nMZ\x90\r\n"
	    "--b\r\nContent-Type: text/html\r\n\r\n<html></html>\r\n"
	    "--b\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n";
	struct strbuf out = STRBUF_INIT;
	int i;

	for (i = 0; i < 4; i++) { /* every libmagic slot of filetype.c */
		scan_buffer(
		    sc, (const unsigned char *)msg, sizeof(msg) - 1, NULL, 0, &out);
		sb_reset(&out);
	}
	sb_free(&out);
}

int
main(int argc, char **argv)
{
	struct sandbox_opts so = { NULL, 0, 0, 0, -1, 0 };
	struct pollfd pfd[WP_LANES];
	const char *cfgfile = NULL, *extra = NULL, *err, *note;
	struct strbuf e = STRBUF_INIT;
	struct em_config *cfg;
	sigset_t none;
	int ch, check = 0, nl;

	sigemptyset(&none); /* the daemon blocks HUP, TERM and INT in its threads */
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	while ((ch = getopt(argc, argv, "Cc:u:m:t:R:")) != -1) {
		switch (ch) {
		case 'C': check = 1; break;
		case 'R': extra = optarg; break;
		case 'c': cfgfile = optarg; break;
		case 'u': so.user = optarg; break;
		case 'm': so.mem_bytes = strtoull(optarg, NULL, 10) << 20; break;
		case 't': so.cpu_seconds = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr,
			    "usage: embargo-worker [-C] [-c config] [-R rules] [-u user] "
			    "[-m MiB] [-t cpu-seconds] (socket on fd 3)\n");
			return 2;
		}
	}
	config_use_yara();
	if (yara_global_init() != 0 || (cfg = config_load(cfgfile, &e)) == NULL) {
		fprintf(
		    stderr, "embargo-worker: %s\n", e.s ? sb_str(&e) : "libyara init");
		return 2;
	}
	if (extra != NULL && add_rules(cfg, extra, &e) != 0) {
		fprintf(stderr, "embargo-worker: %s", sb_str(&e));
		return 2;
	}
	cfg->scan.tmpdir = SPOOL_MEMFD;
	cfg->scan.gate = NULL;
	so.fsize_bytes = cfg->scan.lim.archive_bytes + cfg->scan.lim.decoded_bytes;
	if (getenv("TZ") ==
	    NULL) /* or localtime() looks at the file again on each call */
		setenv("TZ", ":/etc/localtime", 1);
	tzset();        /* archive timestamps: /etc/localtime read now, not after */
	charset_warm(); /* iconv modules: none can be opened after the lockdown */
	if (filetype_warm() != 0) {
		fprintf(stderr, "embargo-worker: libmagic cannot load its database\n");
		return 2;
	}
	if (check) { /* embargo -t, start and reload: the configuration loads */
		printf("embargo-worker: %u YARA rules\n", yara_rules_count(cfg->rules));
		return 0;
	}
	warm_up(&cfg->scan);
	(void)wprog_attach(); /* the daemon's progress page, when it gave one */
	(void)warena_attach(&arena, &arena_len); /* and its message arena */
	if ((nl = lanes_open(pfd)) == 0) {
		fprintf(stderr, "embargo-worker: no socket on descriptor 3\n");
		return 2;
	}
	arena_len /= (size_t)nl; /* each lane's part */
#ifdef EMBARGO_TEST_ANALYSERS
	wprog_test_hook = worker_test_part;
#endif
	/* what the worker never needs: the store's connection string (it may hold a
	 * password) is wiped before any hostile byte is read */
	if (cfg->quarantine_db != NULL)
		explicit_bzero(cfg->quarantine_db, strlen(cfg->quarantine_db));
	if ((so.stdio_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "embargo-worker: /dev/null: %s\n", strerror(errno));
		return 2;
	}
	so.quiet = getenv("EMBARGO_WORKER_QUIET") != NULL;
	if (sandbox_enter(&so, &err, &note) != 0) {
		fprintf(stderr, "embargo-worker: %s\n", err); /* unless stderr is gone */
		return 2;
	}
	close(so.stdio_fd);
	serve(pfd, nl, &cfg->scan);
	return 0;
}
