/*
 * remote.c: classify a link target (a shortcut's target, a template's address) by
 * where it leads. A document or shortcut that fetches from off the machine runs or
 * shows what a remote server chooses, and a UNC or WebDAV path also hands the
 * user's NTLM credentials to that server.
 *
 * Rules, in order, on the text after leading blanks and quotes:
 *   search-ms: / search:                      REMOTE_SEARCH
 *   ...DavWWWRoot... or \\host@SSL / @port    REMOTE_WEBDAV
 *   http:// https:// ftp://                   REMOTE_URL
 *   \\?\UNC\host, \\host, //host              REMOTE_UNC (\\?\C: and \\.\ are local)
 *   file: with a host (file://host/, file:\\host, file:////host)
 *                                              REMOTE_UNC, or REMOTE_WEBDAV for
 *                                              host@SSL or host@port (file:///C:/
 *                                              and file://localhost/ are local)
 *
 * Limits: text only; percent-escapes and environment variables are not expanded.
 * BUGS: a host name that is this machine ("\\127.0.0.1\c$") counts as remote.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/remote.h"

static int
remote_has(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

/* HOST\... is host@SSL or host@port: the WebDAV redirector's UNC form. */
static int
remote_dav_host(const char *host)
{
	const char *at;

	for (at = host; *at != '\0' && *at != '\\' && *at != '/' && *at != '@'; at++)
		;
	if (*at != '@')
		return 0;
	return strncasecmp(at + 1, "SSL", 3) == 0 || isdigit((unsigned char)at[1]);
}

static int
remote_dav_unc(const char *s)
{
	return (s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/') &&
	    remote_dav_host(s + 2);
}

/* After "file:": a host means a share. */
static enum remote_kind
remote_file(const char *s)
{
	int n = 0;

	while (s[n] == '/' || s[n] == '\\')
		n++;
	s += n;
	if (n < 2 || *s == '\0')
		return REMOTE_NONE;
	if (isalpha((unsigned char)s[0]) && (s[1] == ':' || s[1] == '|'))
		return REMOTE_NONE;
	if (n == 2 && strncasecmp(s, "localhost", 9) == 0 &&
	    (s[9] == '/' || s[9] == '\\'))
		return REMOTE_NONE;
	return remote_dav_host(s) ? REMOTE_WEBDAV : REMOTE_UNC;
}

enum remote_kind
remote_kind(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'')
		s++;
	if (strncasecmp(s, "search-ms:", 10) == 0 || strncasecmp(s, "search:", 7) == 0)
		return REMOTE_SEARCH;
	if (remote_has(s, "DavWWWRoot") || remote_dav_unc(s))
		return REMOTE_WEBDAV;
	if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
	    strncasecmp(s, "ftp://", 6) == 0)
		return REMOTE_URL;
	if (strncasecmp(s, "file:", 5) == 0)
		return remote_file(s + 5);
	if ((s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/')) {
		if ((s[2] == '?' || s[2] == '.') && (s[3] == '\\' || s[3] == '/'))
			return strncasecmp(s + 4, "UNC", 3) == 0 ? REMOTE_UNC :
								   REMOTE_NONE;
		return s[2] != '\0' ? REMOTE_UNC : REMOTE_NONE;
	}
	return REMOTE_NONE;
}

const char *
remote_kind_name(enum remote_kind k)
{
	switch (k) {
	case REMOTE_URL: return "web URL";
	case REMOTE_UNC: return "network share";
	case REMOTE_WEBDAV: return "WebDAV share";
	case REMOTE_SEARCH: return "search-ms: URI";
	case REMOTE_NONE: break;
	}
	return "local";
}
