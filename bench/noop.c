/*
 * noop.c: the protocol's ceiling. A libmilter milter that reads every body chunk,
 * adds one header at end of message (as Embargo does) and accepts everything.
 *
 *   noop-milter -p SOCKET [-N]     (-N: set TCP_NODELAY on an inet listener)
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static sfsistat
nb_body(SMFICTX *ctx, unsigned char *b, size_t n)
{
	volatile unsigned char sink = 0;
	size_t i;

	(void)ctx;
	for (i = 0; i < n; i += 4096)
		sink ^= b[i];
	return SMFIS_CONTINUE;
}

static sfsistat
nb_eom(SMFICTX *ctx)
{
	smfi_addheader(ctx, "X-Noop", "seen");
	return SMFIS_ACCEPT;
}

static struct smfiDesc desc = {
	.xxfi_name = "noop",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS,
	.xxfi_body = nb_body,
	.xxfi_eom = nb_eom,
};

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	int ch, nodelay = 0, fd;

	while ((ch = getopt(argc, argv, "p:N")) != -1) {
		if (ch == 'p')
			sock = optarg;
		else if (ch == 'N')
			nodelay = 1;
		else
			return 2;
	}
	if (sock == NULL || smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS)
		return 1;
	for (fd = 3; nodelay && fd < 256; fd++) {
		int on = 1, acc = 0;
		socklen_t al = sizeof(acc);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) == 0 && acc)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
