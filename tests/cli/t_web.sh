# t_web.sh: embargo-web's security from outside, with curl, on a store built from
# fixture files: it refuses to run as root without a user; unauthenticated requests
# get a redirect or 401 and never data; a helpdesk user cannot reach another
# domain's entries by id, filter, download or API, and cannot release what a rule
# marks release = "admin"; an auditor changes nothing; a POST without the CSRF token
# (or with another session's) is refused; HTML/JS in the subject, headers and
# findings is shown escaped; every response carries the strict CSP; failed sign-ins
# are limited per address and per user; sign-out ends the session; a release by the
# console goes through release_command and the audit trail names web:alice; bad
# query strings, long targets, 10 MB bodies (with and without a length), 1,000
# connections and slow clients do not stop it. Needs root (it switches to nobody).
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null; then
	ok "embargo-web security: SKIP (needs root and user nobody)"
	return 0 2>/dev/null || exit 0
fi
T=$(mktemp -d /tmp/embargo-web.XXXXXX) || exit 1
chmod 755 "$T"
Q=$T/quarantine
P=$(free_port)
U="http://127.0.0.1:$P"
EQ="$EMBARGO_BUILD/embargo-quarantine"
printf '#!/bin/sh\necho "$(id -un) $*" >> %s/release.log\ncat > %s/released.eml\n' "$T" "$T" > "$T/release.sh"
chmod 755 "$T/release.sh"
: > "$T/release.log"
: > "$T/released.eml"
chown nobody "$T/release.log" "$T/released.eml"
em_config "$T" "user = \"nobody\"" "web_listen = \"127.0.0.1:$P\"" \
    "web_users = \"$T/web_users\"" "release_command = \"$T/release.sh\""
mkdir -p "$Q/msg" "$Q/tmp"
head -c 32 /dev/urandom > "$Q/release.key"
REPORT='{"parts":[{"id":0,"parent":-1,"depth":0,"path":"","declared_type":"multipart/mixed","size":10},{"id":1,"parent":0,"depth":1,"path":"2:x.doc","filename":"x.doc","detected_type":"application/msword","size":5}],"findings":[{"name":"macro.vba","severity":"medium","part":"2:x.doc","detail":"module <img src=x onerror=alert(3)>"}]}'
# fixture ID RCPT SUBJECT RULE
fixture() {
	printf 'From: a@example.org\r\nTo: %s\r\nX-Evil: <script>alert(2)</script>\r\nSubject: %s\r\n\r\nbody <b>%s</b>\r\n' \
	    "$2" "$3" "$1" > "$Q/msg/$1.eml"
	printf 'embargo-store 1\nid %s\ntime %s\nsize 60\nhas_file 1\nsender a@example.org\nrecipients %s\nsubject %s\nrule %s\nfindings macro.vba@2:x.doc\naction quarantine\nstate quarantined\nreport %s\n' \
	    "$1" "$(date +%s)" "$2" "$3" "$4" "$REPORT" > "$Q/msg/$1.meta"
}
A=6b200000000000000000000a B=6b200000000000000000000b C=6b200000000000000000000c
fixture $A alice@b.example 'hello <script>alert(1)</script>' quarantine-active-content
fixture $B carol@other.example 'other domain secret' quarantine-active-content
fixture $C dave@b.example 'crashed one' quarantine-crashed
"$EQ" -c "$T/embargo.conf" reindex > /dev/null
chown -R nobody:nogroup "$Q"
echo admin-pw | "$EQ" -c "$T/embargo.conf" passwd alice --role admin
echo help-pw | "$EQ" -c "$T/embargo.conf" passwd bob --role helpdesk --domains B.example
echo audit-pw | "$EQ" -c "$T/embargo.conf" passwd eve --role auditor
echo carol-pw | "$EQ" -c "$T/embargo.conf" passwd carol --role admin
check "passwd wrote yescrypt hashes with roles and domains" \
    sh -c "grep -q '^alice:[\$]y[\$][^:]*:admin\$' '$T/web_users' && grep -q '^bob:[\$]y[\$][^:]*:helpdesk:B.example\$' '$T/web_users'"
echo new-pw | "$EQ" -c "$T/embargo.conf" passwd bob
check "passwd changes the password and keeps role and domains" \
    sh -c "grep -qi '^bob:[\$]y[\$][^:]*:helpdesk:b.example\$' '$T/web_users' && test \$(wc -l < '$T/web_users') = 4"
echo help-pw | "$EQ" -c "$T/embargo.conf" passwd bob
echo x | "$EQ" -c "$T/embargo.conf" passwd newbie > /dev/null 2>&1; rc=$?
check "passwd refuses a new user without --role" test $rc != 0
chmod 644 "$T/web_users"

sed "s/^user = .*/user = \"\";/" "$T/embargo.conf" > "$T/root.conf"
"$EMBARGO_BUILD/embargo-web" -c "$T/root.conf" > "$T/root.out" 2>&1; rc=$?
check "refuses to run as root without a user to switch to" \
    sh -c "test $rc != 0 && grep -q 'refusing to run as root' '$T/root.out'"
"$EMBARGO_BUILD/embargo-web" -c "$T/embargo.conf" > "$T/web.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$T/web.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "embargo-web starts and runs as nobody" \
    sh -c "grep -q 'listening on' '$T/web.log' && test \"\$(ps -o user= -p $WPID)\" = nobody"

code() { curl -s -o /dev/null -w "%{http_code}" "$@"; }
# login JAR USER PASSWORD [curl options]: prints the HTTP status of the sign-in
login() {
	j=$1; u=$2; p=$3; shift 3
	rm -f "$j"
	curl -s "$@" -c "$j" "$U/login" > /dev/null
	tok=$(awk '/embargo_pre/ {print $7}' "$j")
	curl -s "$@" -b "$j" -c "$j" -o /dev/null -w "%{http_code}" \
	    --data-urlencode "csrf=$tok" --data-urlencode "user=$u" --data-urlencode "password=$p" "$U/login"
}
csrf_of() { curl -s -b "$1" "$U/api/session" | sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p'; }

# Unauthenticated: a redirect or 401, never data.
check "GET / unauthenticated: 303 to /login" \
    sh -c "curl -si '$U/' | grep -q '^Location: /login'"
for p in "/m/$A" /api/entries "/api/entry/$A" "/m/$A/eml" /dashboard "/?subject=hello"; do
	curl -s "$U$p"
done > "$T/anon.out"
check "unauthenticated pages and API show no entry data" \
    sh -c "! grep -qE 'hello|other domain|crashed|$A|a@example.org' '$T/anon.out'"
check "API unauthenticated: 401" test "$(code "$U/api/entries")" = 401
check "POST unauthenticated: 401 and nothing released" \
    sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' -d 'id=$A&op=release' '$U/bulk')\" = 401 && test ! -s '$T/release.log'"
check "a forged session cookie is not a session" \
    test "$(code -b "embargo_session=$(printf '%064d' 0)" "$U/api/entries")" = 401
check "sign-in without the form token refused" \
    test "$(code -d 'user=alice&password=admin-pw' "$U/login")" = 403

# Headers and escaping.
check "admin signs in" test "$(login "$T/a.jar" alice admin-pw)" = 303
curl -s -D "$T/h.txt" -b "$T/a.jar" "$U/" > "$T/queue.html"
check "strict CSP on the queue" \
    grep -q "^Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'" "$T/h.txt"
check "CSP also on a 404 and on the script" \
    sh -c "curl -sI '$U/nosuch' | grep -q \"^Content-Security-Policy: default-src 'none'\" && curl -sD - -o /dev/null '$U/static/embargo.js' | grep -q '^Content-Security-Policy'"
tok=$(curl -s -c - "$U/login" | awk '/embargo_pre/ {print $7}')
curl -s -D "$T/login.h" -o /dev/null -b "embargo_pre=$tok" --data-urlencode "csrf=$tok" \
    -d 'user=alice&password=admin-pw' "$U/login"
check "session cookie: 256 random bits, HttpOnly, SameSite=Strict" \
    grep -q '^Set-Cookie: embargo_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict' "$T/login.h"
check "admin sees all three entries" \
    sh -c "grep -c 'name=\"id\" value=' '$T/queue.html' | grep -qx 3"
check "subject with a script shown escaped" \
    sh -c "grep -q 'hello &lt;script&gt;alert(1)&lt;/script&gt;' '$T/queue.html' && ! grep -q '<script>alert' '$T/queue.html'"
curl -s -b "$T/a.jar" "$U/m/$A" > "$T/view.html"
check "headers and finding details shown escaped, never as markup" \
    sh -c "grep -q 'X-Evil: &lt;script&gt;alert(2)&lt;/script&gt;' '$T/view.html' && grep -q 'module &lt;img src=x onerror=alert(3)&gt;' '$T/view.html' && ! grep -qE '<script>alert|<img src=x|<b>6b2' '$T/view.html'"
check "the finding is drawn at its part" \
    sh -c "tr -d '\n' < '$T/view.html' | grep -q '<code>2:x.doc</code>[^<]*<ul><li class=\"finding\">&#9888; <strong>macro.vba</strong>'"
check "JSON API keeps the text exact (escaping is the reader's)" \
    sh -c "curl -s -b '$T/a.jar' '$U/api/entry/$A' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"entry\"][\"subject\"]==\"hello <script>alert(1)</script>\"'"

# Helpdesk bob (b.example) and another domain.
check "helpdesk signs in" test "$(login "$T/b.jar" bob help-pw)" = 303
for p in / "/?rcpt=other.example" "/?state=quarantined&rcpt=carol" /api/entries \
    "/api/entries?rcpt=other" /dashboard "/api/counts?by=rule" "/?sort=subject&after=z&after_id=$B"; do
	curl -s -b "$T/b.jar" "$U$p"
done > "$T/bob.out"
check "helpdesk: queue, filters, API, counts and dashboard show nothing of another domain" \
    sh -c "! grep -qE 'other domain|carol@other.example|$B' '$T/bob.out'"
check "helpdesk: its own domain listed" grep -q "$A" "$T/bob.out"
check "helpdesk: another domain's entry by id is 404 (page, .eml, API)" \
    test "$(code -b "$T/b.jar" "$U/m/$B")$(code -b "$T/b.jar" "$U/m/$B/eml")$(code -b "$T/b.jar" "$U/api/entry/$B")" = 404404404
BT=$(csrf_of "$T/b.jar")
check "helpdesk: releasing another domain's entry is 404, nothing sent" \
    sh -c "test \"$(code -b "$T/b.jar" -d "csrf=$BT&force=1" "$U/m/$B/release")$(code -b "$T/b.jar" -d "csrf=$BT" "$U/api/release/$B")\" = 404404 && test ! -s '$T/release.log'"
curl -s -b "$T/b.jar" -d "csrf=$BT&op=release&id=$B" "$U/bulk" > "$T/bulk.html"
check "helpdesk: bulk release of another domain's id says no such entry" \
    sh -c "grep -q 'no such entry' '$T/bulk.html' && ! grep -q 'other domain' '$T/bulk.html' && test ! -s '$T/release.log'"
check "helpdesk: release of a rule marked release = admin refused (403)" \
    test "$(code -b "$T/b.jar" -d "csrf=$BT&force=1" "$U/m/$C/release")" = 403
check "helpdesk: no .eml download" test "$(code -b "$T/b.jar" "$U/m/$A/eml")" = 403
check "helpdesk: no delete" test "$(code -b "$T/b.jar" -d "csrf=$BT" "$U/m/$A/delete")" = 403

# Auditor reads, changes nothing.
check "auditor signs in" test "$(login "$T/e.jar" eve audit-pw)" = 303
ET=$(csrf_of "$T/e.jar")
check "auditor sees another domain" sh -c "curl -s -b '$T/e.jar' '$U/m/$B' | grep -q 'other domain secret'"
check "auditor: release and bulk refused (403)" \
    test "$(code -b "$T/e.jar" -d "csrf=$ET" "$U/m/$A/release")$(code -b "$T/e.jar" -d "csrf=$ET&op=delete&id=$A" "$U/bulk")" = 403403

# CSRF.
AT=$(csrf_of "$T/a.jar")
check "POST without the CSRF token refused (403), nothing released" \
    sh -c "test \"$(code -b "$T/a.jar" -d "force=1" "$U/m/$A/release")\" = 403 && test ! -s '$T/release.log'"
check "POST with another session's token refused (403)" \
    test "$(code -b "$T/a.jar" -d "csrf=$BT&op=delete&id=$A" "$U/bulk")" = 403
check "API POST without the token refused" test "$(code -b "$T/a.jar" -d "x=1" "$U/api/release/$A")" = 403

# A release by the console (the rescan of this fixture finds nothing: released).
curl -s -b "$T/a.jar" -d "csrf=$AT&force=1" "$U/m/$A/release" > "$T/rel.html"
check "admin release: delivered through release_command as nobody" \
    sh -c "grep -q '^nobody -i -f a@example.org -- alice@b.example' '$T/release.log' && grep -q '^X-Embargo-Released: $A; by=web:alice' '$T/released.eml'"
check "the audit trail names web:alice" \
    sh -c "'$EQ' -c '$T/embargo.conf' show $A | grep -q 'released *by web:alice'"
check "admin .eml download, audited" \
    sh -c "curl -s -b '$T/a.jar' '$U/m/$B/eml' | grep -q '^Subject: other domain secret' && '$EQ' -c '$T/embargo.conf' show $B | grep -q 'exported *by web:alice'"

# Sign-in limits: per address (127.0.0.3) and per user (carol, from anywhere).
for i in 1 2 3 4 5; do login "$T/x.jar" carol wrong --interface 127.0.0.3 > /dev/null; done
check "after 5 failures the user is refused even with the right password, elsewhere" \
    test "$(login "$T/x.jar" carol carol-pw --interface 127.0.0.4)" = 429
check "and the address is refused for another user" \
    test "$(login "$T/x.jar" alice admin-pw --interface 127.0.0.3)" = 429
check "others still sign in" test "$(login "$T/y.jar" alice admin-pw --interface 127.0.0.5)" = 303
YT=$(csrf_of "$T/y.jar")
curl -s -b "$T/y.jar" -d "csrf=$YT" "$U/logout" > /dev/null
check "sign-out ends the session" test "$(code -b "$T/y.jar" "$U/api/entries")" = 401

# Bad input.
check "malformed query string: 400" test "$(code -b "$T/a.jar" "$U/?subject=%zz")" = 400
check "bad time filter: 400" test "$(code -b "$T/a.jar" "$U/api/entries?since=yesterday")" = 400
check "request target over 4 KB: 414" test "$(code "$U/login?a=$(head -c 5000 /dev/zero | tr '\0' a)")" = 414
check "path outside the allowed characters: 404" test "$(code "$U/%2e%2e/etc/passwd")" = 404
head -c 10485760 /dev/zero | tr '\0' a > "$T/big"
check "a 10 MB body: 413" test "$(code -b "$T/a.jar" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$T/big" "$U/bulk")" = 413
check "a 10 MB chunked body: 411" test "$(code -H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$U/login")" = 411
python3 "$EMBARGO_ROOT/tests/cli/web_flood.py" "$P"
check "after all that, a signed-in page still loads" \
    sh -c "curl -s -b '$T/a.jar' '$U/' | grep -q 'id=\"queue\"'"
check "embargo-web still running" kill -0 $WPID
kill $WPID; wait $WPID 2>/dev/null
[ -n "${KEEP:-}" ] || rm -rf "$T"
