/*
 * q_live.c: `embargo-quarantine stats --live [--socket PATH]`: the running daemon's
 * counters, as Prometheus text, from its control socket (control_socket, or PATH).
 *
 * The daemon decides who may read (root, its user, the socket's group); under sudo
 * or set-id --socket is refused, as -c is, so the privileged path talks only to the
 * configured socket. Exit: 0, 2 when the daemon cannot be asked (not running, no
 * permission, timeout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/ctl_client.h"
#include "tools/q.h"

int
q_live(const struct em_config *cfg, const struct qopts *o)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *path = o->socket ? o->socket : cfg->control_socket;
	int privileged = getuid() != geteuid() || getgid() != getegid() ||
	    (geteuid() == 0 && getenv("SUDO_USER") != NULL);
	int rc = Q_OK;

	if (o->socket != NULL && privileged) {
		fprintf(stderr,
		    "embargo-quarantine: --socket is not allowed under sudo or set-id\n");
		return Q_REFUSED;
	}
	if (path == NULL || *path == '\0') {
		fprintf(stderr,
		    "embargo-quarantine: control_socket is \"\": no live "
		    "statistics\n");
		return Q_ERROR;
	}
	sb_init(&out, CTL_CLIENT_MAX + 1);
	if (ctl_fetch(path, "stats", &out, &err) != 0) {
		fprintf(
		    stderr, "embargo-quarantine: live statistics: %s\n", sb_str(&err));
		rc = Q_ERROR;
	} else {
		fwrite(sb_str(&out), 1, out.len, stdout);
	}
	sb_free(&out);
	sb_free(&err);
	return rc;
}
