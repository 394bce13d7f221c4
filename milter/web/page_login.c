/*
 * page_login.c: sign-in and sign-out.
 *
 * Promises: the login form carries a pre-session CSRF token (web_csrf_pre_*); a
 * sign-in is refused without checking the password while the address or the user
 * name is rate-limited (ratelimit.c); every success, failure and sign-out goes to
 * syslog with the client address, and sign-out to nothing else (the audit trail is
 * per quarantine entry). A success starts a new session (a fresh token: no fixation).
 * Limits: the same answer for an unknown user and a wrong password.
 */
#include <string.h>
#include <syslog.h>

#include "web/web.h"

static int
login_page(struct web_req *rq, struct web_resp *rs, const char *msg)
{
	char tok[65];
	struct strbuf *b = &rs->body;

	web_csrf_pre_issue(rq, rs, tok, sizeof(tok));
	html_begin(rq, rs, "Sign in");
	if (msg != NULL) {
		sb_adds(b, "<p class=\"error\">");
		html_esc(b, msg);
		sb_adds(b, "</p>\n");
	}
	sb_adds(b,
	    "<form method=\"post\" action=\"/login\" class=\"login\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_esc(b, tok);
	sb_adds(b,
	    "\"><label>User <input name=\"user\" id=\"user\" autocomplete=\"username\" "
	    "required maxlength=\"64\"></label>\n<label>Password <input "
	    "type=\"password\" name=\"password\" id=\"password\" "
	    "autocomplete=\"current-password\" required></label>\n<button "
	    "type=\"submit\" id=\"signin\">Sign in</button></form>\n");
	html_end(rs);
	return 0;
}

int
page_login_form(struct web_req *rq, struct web_resp *rs)
{
	if (rq->user != NULL)
		return web_redirect(rs, "/");
	return login_page(rq, rs, NULL);
}

int
page_login_post(struct web_req *rq, struct web_resp *rs)
{
	const char *user = web_form_get(&rq->form, "user");
	const char *pw = web_form_get(&rq->form, "password");

	if (!web_csrf_pre_check(rq, rq->cookie_header)) {
		rs->status = 403;
		return login_page(rq, rs, "The form expired; please sign in again.");
	}
	if (user == NULL || pw == NULL || !web_user_name_valid(user)) {
		rs->status = 400;
		return login_page(rq, rs, "User and password, please.");
	}
	if (web_rl_blocked(rq->srv, rq->ip, user)) {
		syslog(LOG_WARNING,
		    "embargo-web: sign-in of %s from %s refused: too many "
		    "failures",
		    user, rq->ip);
		rs->status = 429;
		return login_page(
		    rq, rs, "Too many failed sign-ins; wait a few minutes.");
	}
	if (!web_user_check(rq->srv, user, pw)) {
		web_rl_fail(rq->srv, rq->ip, user);
		syslog(LOG_WARNING, "embargo-web: sign-in of %s from %s failed", user,
		    rq->ip);
		rs->status = 403;
		return login_page(rq, rs, "Wrong user or password.");
	}
	web_rl_ok(rq->srv, user);
	if (web_session_start(rq, rs, user) != 0)
		return -1;
	syslog(LOG_INFO, "embargo-web: %s signed in from %s", user, rq->ip);
	return web_redirect(rs, "/");
}

int
page_logout(struct web_req *rq, struct web_resp *rs)
{
	syslog(LOG_INFO, "embargo-web: %s signed out", rq->user->name);
	web_session_end(rq, rs);
	return web_redirect(rs, "/login");
}
