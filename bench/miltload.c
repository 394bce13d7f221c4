/*
 * miltload.c: a milter load driver. Speaks the milter protocol (version 6, as
 * Postfix does) directly to a milter over unix: or inet: sockets, with N concurrent
 * connections, sending a set of messages round robin for a bounded count or time.
 *
 *   miltload -s SOCKET [-c CONNS] [-n MESSAGES] [-t SECONDS] [-m PER_CONN]
 *            [-p PID] [-l LABEL] FILE...
 *
 * Each FILE is a message (headers, blank line, body). Latency is measured from MAIL
 * FROM to the final reply at end of message. Prints one result line:
 *   LABEL msgs=N secs=S msg_s=R mb_s=R p50_ms p95_ms p99_ms max_ms sum_s errors=E
 *   accept=A continue=C reject=R tempfail=T discard=D other=O hwm_kb=K whwm_kb=W
 *   cpu_us=M driver_cpu_us=D ctxt=X
 * sum_s is the sum of the latencies: sum_s / secs is the concurrency achieved.
 * With -p, hwm_kb is the peak RSS (VmHWM) of that process after the run, whwm_kb the
 * sum of its child processes' peaks (Embargo's scan workers), and cpu_us the CPU time
 * (user + system) it and its children spent during the run, per message; driver_cpu_us
 * is this driver's own CPU time per message. Both milter and driver share the
 * machine's cores, so the two together bound what the messages/s can be. ctxt is the
 * context switches of the whole machine per message (/proc/stat: milter, workers,
 * driver, idle; per-thread counts die with libmilter's thread per connection): the
 * worker hop's price where a switch is dear (bench/pingpong measures one).
 * Bounded: message count or time, per-read timeouts of 120 s.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

struct message {
	char **hname, **hval;
	size_t nh;
	unsigned char *body;
	size_t blen, total;
};

static struct message *msgs;
static size_t nmsgs;
static const char *sockspec;
static long max_msgs = 1000, per_conn = 10;
static double max_secs = 0, t0;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long next_msg, done_msgs, errors;
static long results[256];
static double *lat;
static size_t nlat, caplat;
static uint64_t bytes_sent;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
load_message(const char *path, struct message *m)
{
	FILE *fp = fopen(path, "rb");
	char *data, *p, *end, *sep;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		perror(path);
		exit(2);
	}
	rewind(fp);
	data = malloc((size_t)n + 1);
	if (data == NULL || fread(data, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(fp);
	data[n] = '\0';
	memset(m, 0, sizeof(*m));
	m->total = (size_t)n;
	sep = strstr(data, "\r\n\r\n");
	end = sep ? sep + 2 : data;
	if (sep == NULL && (sep = strstr(data, "\n\n")) != NULL)
		end = sep + 1;
	for (p = data; p < end;) {
		char *eol = memchr(p, '\n', (size_t)(end - p)), *colon;
		char *next = eol ? eol + 1 : end;

		/* unfold continuation lines into the current value */
		while (next < end && (*next == ' ' || *next == '\t')) {
			char *e2 = memchr(next, '\n', (size_t)(end - next));
			next = e2 ? e2 + 1 : end;
		}
		colon = memchr(p, ':', (size_t)(next - p));
		if (colon != NULL) {
			char *v = colon + 1, *ve = next;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\n' || ve[-1] == '\r'))
				ve--;
			m->hname = realloc(m->hname, (m->nh + 1) * sizeof(char *));
			m->hval = realloc(m->hval, (m->nh + 1) * sizeof(char *));
			m->hname[m->nh] = strndup(p, (size_t)(colon - p));
			m->hval[m->nh] = strndup(v, (size_t)(ve - v));
			m->nh++;
		}
		p = next;
	}
	p = sep ? (data[sep - data] == '\r' ? sep + 4 : sep + 2) : data + n;
	m->blen = (size_t)(data + n - p);
	m->body = malloc(m->blen + 1);
	memcpy(m->body, p, m->blen);
	free(data);
}

static int
connect_milter(void)
{
	int fd, on = 1;

	if (strncmp(sockspec, "unix:", 5) == 0) {
		struct sockaddr_un sun;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockspec + 5);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
			goto fail;
	} else if (strncmp(sockspec, "inet:", 5) == 0) {
		struct sockaddr_in sin;
		const char *at = strchr(sockspec, '@');

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)strtoul(sockspec + 5, NULL, 10));
		inet_pton(AF_INET, at ? at + 1 : "127.0.0.1", &sin.sin_addr);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		/* An MTA such as Postfix writes whole packets; Nagle on the client side
		 * is not what is measured here. */
		if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0 ||
		    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			goto fail;
	} else {
		fprintf(stderr, "miltload: bad socket %s\n", sockspec);
		exit(2);
	}
	{
		struct timeval tv = { 120, 0 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
writen(int fd, const void *p, size_t n)
{
	const char *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
readn(int fd, void *p, size_t n)
{
	char *b = p;

	while (n > 0) {
		ssize_t r = read(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
send_cmd(int fd, char cmd, const void *data, size_t len)
{
	unsigned char hdr[5];
	uint32_t l = htonl((uint32_t)len + 1);

	memcpy(hdr, &l, 4);
	hdr[4] = (unsigned char)cmd;
	if (writen(fd, hdr, 5) != 0)
		return -1;
	return len ? writen(fd, data, len) : 0;
}

/* Read one reply; returns its command byte, or -1. Data (up to cap) into buf. */
static int
read_reply(int fd, unsigned char *buf, size_t cap, size_t *len)
{
	uint32_t l;
	unsigned char cmd;
	size_t n, i;

	if (readn(fd, &l, 4) != 0)
		return -1;
	n = ntohl(l);
	if (n < 1 || n > 64 * 1024 * 1024 || readn(fd, &cmd, 1) != 0)
		return -1;
	n--;
	for (i = 0; i < n; i++) {
		unsigned char c;

		if (readn(fd, &c, 1) != 0)
			return -1;
		if (i < cap)
			buf[i] = c;
	}
	if (len)
		*len = n < cap ? n : cap;
	return cmd;
}

struct session {
	int fd;
	uint32_t prot;   /* protocol flags the milter chose */
};

/* Read replies until a final one for this step (skipping progress). */
static int
step_reply(struct session *s)
{
	unsigned char buf[256];
	int r;

	do
		r = read_reply(s->fd, buf, sizeof(buf), NULL);
	while (r == SMFIR_PROGRESS);
	return r;
}

static int
negotiate(struct session *s)
{
	unsigned char opt[12], buf[64];
	uint32_t v = htonl(6), act = htonl(0x1ff), prot = htonl(0x001fffff);
	size_t len;
	char conn[64];
	int n;

	memcpy(opt, &v, 4);
	memcpy(opt + 4, &act, 4);
	memcpy(opt + 8, &prot, 4);
	if (send_cmd(s->fd, SMFIC_OPTNEG, opt, 12) != 0)
		return -1;
	if (read_reply(s->fd, buf, sizeof(buf), &len) != SMFIC_OPTNEG || len < 12)
		return -1;
	memcpy(&prot, buf + 8, 4);
	s->prot = ntohl(prot);
	if (!(s->prot & SMFIP_NOCONNECT)) {
		n = snprintf(conn, sizeof(conn), "client.example%c4%c%c127.0.0.1", 0, 0x30, 0x39);
		if (send_cmd(s->fd, SMFIC_CONNECT, conn, (size_t)n + 1) != 0)
			return -1;
		if (!(s->prot & SMFIP_NR_CONN) && step_reply(s) != SMFIR_CONTINUE)
			return -1;
	}
	if (!(s->prot & SMFIP_NOHELO)) {
		if (send_cmd(s->fd, SMFIC_HELO, "client.example", 15) != 0)
			return -1;
		if (!(s->prot & SMFIP_NR_HELO) && step_reply(s) != SMFIR_CONTINUE)
			return -1;
	}
	return 0;
}

/* A step: send, and unless the milter said it will not reply, read the reply.
 * Returns 0 to go on, 1 when the milter ended the message early, -1 on error. */
static int
step(struct session *s, char cmd, const void *d, size_t n, uint32_t no, uint32_t nr, int *res)
{
	int r;

	if (s->prot & no)
		return 0;
	if (send_cmd(s->fd, cmd, d, n) != 0)
		return -1;
	if (s->prot & nr)
		return 0;
	r = step_reply(s);
	if (r == SMFIR_CONTINUE)
		return 0;
	if (r < 0)
		return -1;
	*res = r;
	return 1;
}

static int
send_message(struct session *s, const struct message *m, long id, int *res)
{
	char buf[512];
	int n, rc;
	size_t i, off;

	n = snprintf(buf, sizeof(buf), "%ci%cBENCH%lX", SMFIC_MAIL, 0, id);
	if (send_cmd(s->fd, SMFIC_MACRO, buf, (size_t)n + 1) != 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "<bench@example.org>");
	if ((rc = step(s, SMFIC_MAIL, buf, (size_t)n + 1, SMFIP_NOMAIL, SMFIP_NR_MAIL, res)))
		return rc;
	n = snprintf(buf, sizeof(buf), "<rcpt@example.net>");
	if ((rc = step(s, SMFIC_RCPT, buf, (size_t)n + 1, SMFIP_NORCPT, SMFIP_NR_RCPT, res)))
		return rc;
	if ((rc = step(s, SMFIC_DATA, NULL, 0, SMFIP_NODATA, SMFIP_NR_DATA, res)))
		return rc;
	for (i = 0; i < m->nh; i++) {
		size_t a = strlen(m->hname[i]), b = strlen(m->hval[i]);
		char *h = malloc(a + b + 2);

		memcpy(h, m->hname[i], a + 1);
		memcpy(h + a + 1, m->hval[i], b + 1);
		rc = step(s, SMFIC_HEADER, h, a + b + 2, SMFIP_NOHDRS, SMFIP_NR_HDR, res);
		free(h);
		if (rc)
			return rc;
	}
	if ((rc = step(s, SMFIC_EOH, NULL, 0, SMFIP_NOEOH, SMFIP_NR_EOH, res)))
		return rc;
	for (off = 0; off < m->blen; off += 65535) {
		size_t c = m->blen - off > 65535 ? 65535 : m->blen - off;

		if ((rc = step(s, SMFIC_BODY, m->body + off, c, SMFIP_NOBODY, SMFIP_NR_BODY, res)))
			return rc == 1 && *res == SMFIR_SKIP ? 0 : rc;
	}
	if (send_cmd(s->fd, SMFIC_BODYEOB, NULL, 0) != 0)
		return -1;
	for (;;) {   /* modifications, then the final reply */
		unsigned char b[256];
		int r = read_reply(s->fd, b, sizeof(b), NULL);

		if (r < 0)
			return -1;
		if (r == SMFIR_ADDHEADER || r == SMFIR_CHGHEADER || r == SMFIR_INSHEADER ||
		    r == SMFIR_REPLBODY || r == SMFIR_QUARANTINE || r == SMFIR_PROGRESS ||
		    r == SMFIR_ADDRCPT || r == SMFIR_DELRCPT || r == SMFIR_CHGFROM)
			continue;
		*res = r;
		return 1;
	}
}

static void *
worker(void *arg)
{
	struct session s = { -1, 0 };
	long sent_here = 0;

	(void)arg;
	for (;;) {
		long id;
		int res = 0, rc;
		double a;
		const struct message *m;

		pthread_mutex_lock(&lock);
		id = next_msg++;
		pthread_mutex_unlock(&lock);
		if ((max_msgs > 0 && id >= max_msgs) || (max_secs > 0 && now() - t0 > max_secs))
			break;
		m = &msgs[(size_t)id % nmsgs];
		if (s.fd < 0 || sent_here >= per_conn) {
			if (s.fd >= 0) {
				send_cmd(s.fd, SMFIC_QUIT, NULL, 0);
				close(s.fd);
			}
			sent_here = 0;
			if ((s.fd = connect_milter()) < 0 || negotiate(&s) != 0) {
				pthread_mutex_lock(&lock);
				errors++;
				pthread_mutex_unlock(&lock);
				if (s.fd >= 0)
					close(s.fd);
				s.fd = -1;
				usleep(100000);
				continue;
			}
		}
		a = now();
		rc = send_message(&s, m, id, &res);
		a = now() - a;
		sent_here++;
		pthread_mutex_lock(&lock);
		if (rc < 0) {
			errors++;
		} else {
			results[(unsigned char)res]++;
			done_msgs++;
			bytes_sent += m->total;
			if (nlat == caplat) {
				caplat = caplat ? caplat * 2 : 1024;
				lat = realloc(lat, caplat * sizeof(double));
			}
			lat[nlat++] = a;
		}
		pthread_mutex_unlock(&lock);
		if (rc < 0) {
			close(s.fd);
			s.fd = -1;
		} else if (s.fd >= 0) {
			send_cmd(s.fd, SMFIC_ABORT, NULL, 0);   /* reset for the next message */
		}
	}
	if (s.fd >= 0) {
		send_cmd(s.fd, SMFIC_QUIT, NULL, 0);
		close(s.fd);
	}
	return NULL;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
sumlat(void)
{
	double t = 0;
	size_t i;

	for (i = 0; i < nlat; i++)
		t += lat[i];
	return t;
}

static double
pct(double p)
{
	size_t i;

	if (nlat == 0)
		return 0;
	i = (size_t)(p * (double)(nlat - 1) + 0.5);
	return lat[i] * 1000;
}

static long
hwm_kb(long pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

/* The processes whose parent is PID (the daemon's embargo-worker processes), at most
 * MAX into OUT; returns the count. */
static int
children(long pid, long *out, int max)
{
	char path[300], buf[512], *p;
	struct dirent *e;
	long ppid;
	int n = 0;
	DIR *d = opendir("/proc");
	FILE *fp;
	size_t k;

	while (d != NULL && n < max && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		k = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[k] = '\0';
		if ((p = strrchr(buf, ')')) != NULL && sscanf(p + 1, " %*c %ld", &ppid) == 1 &&
		    ppid == pid)
			out[n++] = atol(e->d_name);
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* The sum of the peak RSS of PID's children (its scan workers), in kB. */
static long
children_hwm_kb(long pid)
{
	long kids[256], sum = 0, kb;
	int i, n = children(pid, kids, 256);

	for (i = 0; i < n; i++)
		if ((kb = hwm_kb(kids[i])) > 0)
			sum += kb;
	return sum;
}

static double cpu_secs(long pid);

/* CPU seconds of PID, its live children and those it has reaped (fields 16, 17):
 * the daemon with its scan workers. */
static double
tree_cpu_secs(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long cut, cst;
	long kids[256];
	double t = cpu_secs(pid);
	int i, n = children(pid, kids, 256);
	FILE *fp;
	size_t k;

	if (t < 0)
		return -1;
	for (i = 0; i < n; i++)
		t += cpu_secs(kids[i]) > 0 ? cpu_secs(kids[i]) : 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return t;
	k = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[k] = '\0';
	if ((p = strrchr(buf, ')')) != NULL &&
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %lu %lu",
		&cut, &cst) == 2)
		t += (double)(cut + cst) / (double)sysconf(_SC_CLK_TCK);
	return t;
}

/* CPU seconds (user + system) PID has used, from /proc/PID/stat; -1 when unknown. */
static double
cpu_secs(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* fields 14 and 15, counted after the ")" that ends the command name */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Context switches of the whole machine so far (/proc/stat ctxt); -1 when unknown. */
static long long
machine_ctxt(void)
{
	char line[256];
	long long n = -1;
	FILE *fp = fopen("/proc/stat", "r");

	while (fp != NULL && fgets(line, sizeof(line), fp))
		if (sscanf(line, "ctxt %lld", &n) == 1)
			break;
	if (fp != NULL)
		fclose(fp);
	return n;
}

static double
self_cpu_secs(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	int ch, conns = 8, i;
	long pid = 0;
	const char *label = "run";
	pthread_t *th;
	double secs, cpu0, cpu1, self0;
	long long ctxt0, ctxt1;

	while ((ch = getopt(argc, argv, "s:c:n:t:m:p:l:")) != -1) {
		switch (ch) {
		case 's': sockspec = optarg; break;
		case 'c': conns = atoi(optarg); break;
		case 'n': max_msgs = atol(optarg); break;
		case 't': max_secs = atof(optarg); max_msgs = 0; break;
		case 'm': per_conn = atol(optarg); break;
		case 'p': pid = atol(optarg); break;
		case 'l': label = optarg; break;
		default:
			fprintf(stderr, "usage: miltload -s socket [-c conns] [-n msgs | -t secs] "
			    "[-m per_conn] [-p pid] [-l label] file...\n");
			return 2;
		}
	}
	if (sockspec == NULL || optind >= argc || conns < 1 || conns > 1024)
		return 2;
	nmsgs = (size_t)(argc - optind);
	msgs = calloc(nmsgs, sizeof(*msgs));
	for (i = optind; i < argc; i++)
		load_message(argv[i], &msgs[i - optind]);
	th = calloc((size_t)conns, sizeof(*th));
	cpu0 = pid ? tree_cpu_secs(pid) : -1;
	self0 = self_cpu_secs();
	ctxt0 = machine_ctxt();
	t0 = now();
	for (i = 0; i < conns; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < conns; i++)
		pthread_join(th[i], NULL);
	secs = now() - t0;
	cpu1 = pid ? tree_cpu_secs(pid) : -1;
	ctxt1 = machine_ctxt();
	qsort(lat, nlat, sizeof(double), cmpd);
	printf("%s msgs=%ld secs=%.2f msg_s=%.1f mb_s=%.2f p50_ms=%.2f p95_ms=%.2f "
	    "p99_ms=%.2f max_ms=%.2f sum_s=%.2f errors=%ld accept=%ld continue=%ld reject=%ld tempfail=%ld "
	    "discard=%ld other=%ld hwm_kb=%ld whwm_kb=%ld cpu_us=%.0f driver_cpu_us=%.0f ctxt=%.1f\n", label, done_msgs, secs,
	    (double)done_msgs / secs, (double)bytes_sent / secs / 1e6, pct(0.50), pct(0.95),
	    pct(0.99), nlat ? lat[nlat - 1] * 1000 : 0, sumlat(), errors, results[SMFIR_ACCEPT], results[SMFIR_CONTINUE],
	    results[SMFIR_REJECT] + results[SMFIR_REPLYCODE], results[SMFIR_TEMPFAIL],
	    results[SMFIR_DISCARD],
	    done_msgs - results[SMFIR_ACCEPT] - results[SMFIR_CONTINUE] -
	    results[SMFIR_REJECT] - results[SMFIR_REPLYCODE] - results[SMFIR_TEMPFAIL] -
	    results[SMFIR_DISCARD], pid ? hwm_kb(pid) : -1, pid ? children_hwm_kb(pid) : -1,
	    cpu0 >= 0 && cpu1 >= 0 && done_msgs ? (cpu1 - cpu0) * 1e6 / (double)done_msgs : -1,
	    done_msgs ? (self_cpu_secs() - self0) * 1e6 / (double)done_msgs : -1,
	    ctxt0 >= 0 && ctxt1 >= 0 && done_msgs ? (double)(ctxt1 - ctxt0) / (double)done_msgs
						      : -1);
	return errors ? 1 : 0;
}
