/*
 * mta.c: thin wrappers around libmilter's smfi_* calls (see mta.h).
 */
#include <string.h>

#include "daemon/log.h"
#include "daemon/mta.h"

static int
check(int rc, const char *qid, const char *what)
{
	if (rc == MI_SUCCESS)
		return 0;
	log_msg(LOG_WARNING, qid, "milter: %s failed", what);
	return -1;
}

const char *
mta_macro(SMFICTX *ctx, const char *name)
{
	return smfi_getsymval(ctx, (char *)name);
}

int
mta_add_header(SMFICTX *ctx, const char *qid, const char *name, const char *value)
{
	return check(
	    smfi_addheader(ctx, (char *)name, (char *)value), qid, "smfi_addheader");
}

int
mta_change_header(
    SMFICTX *ctx, const char *qid, const char *name, int index, const char *value)
{
	return check(smfi_chgheader(ctx, (char *)name, index, (char *)value), qid,
	    "smfi_chgheader");
}

int
mta_replace_body(SMFICTX *ctx, const char *qid, const unsigned char *p, size_t n)
{
	/* smfi_replacebody takes an int length: feed large bodies in pieces. */
	while (n > 0) {
		int chunk = n > 65536 ? 65536 : (int)n;

		if (check(smfi_replacebody(ctx, (unsigned char *)p, chunk), qid,
			"smfi_replacebody") != 0)
			return -1;
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

int
mta_set_reply(
    SMFICTX *ctx, const char *qid, const char *rcode, const char *xcode, const char *text)
{
	return check(smfi_setreply(ctx, (char *)rcode, (char *)xcode, (char *)text), qid,
	    "smfi_setreply");
}

int
mta_hold(SMFICTX *ctx, const char *qid, const char *reason)
{
	return check(smfi_quarantine(ctx, (char *)reason), qid, "smfi_quarantine");
}
