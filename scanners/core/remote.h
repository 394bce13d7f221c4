/*
 * remote.h: where a link target leads (remote.c): this machine, a web server, a
 * network share, a WebDAV share, or a Windows Search query. Used by the checks on
 * remote templates (office/ooxml.c, office/rtf.c) and shortcuts (detect/lnk.c): a
 * service of no format, so it lives in core/.
 */
#ifndef EMBARGO_REMOTE_H
#define EMBARGO_REMOTE_H

enum remote_kind {
	REMOTE_NONE = 0, /* a local path, a relative name, or nothing known */
	REMOTE_URL,      /* http://, https://, ftp:// */
	REMOTE_UNC,      /* \\host\share, //host/share, file://host/... */
	REMOTE_WEBDAV,   /* \\host@SSL\..., \\host@80\..., ...\DavWWWRoot\... */
	REMOTE_SEARCH,   /* search-ms: or search: (Windows Search, any location) */
};

/* What target S leads to (leading blanks and quotes skipped). */
enum remote_kind remote_kind(const char *s);
/* "web URL", "network share", "WebDAV share", "search-ms: URI", or "local". */
const char *remote_kind_name(enum remote_kind k);

#endif
