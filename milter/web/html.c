/*
 * html.c: HTML escaping, the page frame (header, navigation, footer), error pages
 * and redirects of embargo-web.
 *
 * Promises: html_esc makes any byte string safe as element text and as a quoted
 * attribute value (& < > " ' escaped; control bytes other than tab and newline, and
 * invalid UTF-8, shown as U+FFFD by sb_safe-like replacement). Pages load only
 * /static/embargo.css and /static/embargo.js (the CSP the server sends allows
 * nothing else: no inline script or style, no remote fetch).
 * Limits: the navigation shows every page; the routes still check the role.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"

void
html_esc_n(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		switch (p[i]) {
		case '&':
			sb_adds(sb, "&amp;");
			i++;
			continue;
		case '<':
			sb_adds(sb, "&lt;");
			i++;
			continue;
		case '>':
			sb_adds(sb, "&gt;");
			i++;
			continue;
		case '"':
			sb_adds(sb, "&quot;");
			i++;
			continue;
		case '\'':
			sb_adds(sb, "&#39;");
			i++;
			continue;
		case '\t':
		case '\n':
			sb_addc(sb, (char)p[i]);
			i++;
			continue;
		case '\r':
			if (i + 1 < n &&
			    p[i + 1] == '\n') { /* CRLF shown as a line end */
				i++;
				continue;
			}
			break;
		default: break;
		}
		if (p[i] < 0x20 || p[i] == 0x7f || (l = sb_utf8_len(p + i, n - i)) == 0) {
			sb_adds(sb, "\xef\xbf\xbd");
			i++;
			continue;
		}
		sb_add(sb, p + i, l);
		i += l;
	}
}

void
html_esc(struct strbuf *sb, const char *s)
{
	if (s != NULL)
		html_esc_n(sb, s, strlen(s));
}

void
url_esc(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			sb_addc(sb, (char)*p);
		else {
			sb_addc(sb, '%');
			sb_addc(sb, hex[*p >> 4]);
			sb_addc(sb, hex[*p & 15]);
		}
	}
}

void
web_time(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

void
html_kv(struct strbuf *b, const char *k, const char *v)
{
	sb_printf(b, "<tr><th>%s</th><td>", k);
	html_esc(b, v);
	sb_adds(b, "</td></tr>\n");
}

void
html_csrf_field(struct web_req *rq, struct web_resp *rs)
{
	sb_adds(&rs->body, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_esc(&rs->body, rq->csrf);
	sb_adds(&rs->body, "\">");
}

static void
nav(struct web_req *rq, struct web_resp *rs)
{
	struct strbuf *b = &rs->body;

	sb_adds(b,
	    "<nav><span class=\"brand\">Embargo</span> <a href=\"/\">Queue</a> "
	    "<a href=\"/dashboard\">Dashboard</a> <span class=\"user\">");
	html_esc(b, rq->user->name);
	sb_printf(b,
	    " (%s)</span> <form method=\"post\" action=\"/logout\" "
	    "class=\"inline\">",
	    web_role_name(rq->user->role));
	html_csrf_field(rq, rs);
	sb_adds(b, "<button type=\"submit\">Sign out</button></form></nav>\n");
}

void
html_begin(struct web_req *rq, struct web_resp *rs, const char *title)
{
	struct strbuf *b = &rs->body;

	sb_adds(b,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"referrer\" content=\"no-referrer\">"
	    "<link rel=\"stylesheet\" href=\"/static/embargo.css\">"
	    "<script src=\"/static/embargo.js\" defer></script><title>");
	html_esc(b, title);
	sb_adds(b, " - Embargo</title></head>\n<body>\n");
	if (rq->user != NULL)
		nav(rq, rs);
	sb_adds(b, "<main>\n<h1>");
	html_esc(b, title);
	sb_adds(b, "</h1>\n");
}

void
html_end(struct web_resp *rs)
{
	sb_adds(&rs->body, "</main>\n</body></html>\n");
}

int
web_error(struct web_req *rq, struct web_resp *rs, int status, const char *msg)
{
	char title[32];

	sb_reset(&rs->body);
	rs->status = status;
	rs->ctype = NULL;
	snprintf(title, sizeof(title), "Error %d", status);
	html_begin(rq, rs, title);
	sb_adds(&rs->body, "<p class=\"error\">");
	html_esc(&rs->body, msg);
	sb_adds(&rs->body, "</p>\n");
	html_end(rs);
	return 0;
}

int
web_redirect(struct web_resp *rs, const char *target)
{
	rs->status = 303;
	snprintf(rs->location, sizeof(rs->location), "%s", target);
	return 0;
}
