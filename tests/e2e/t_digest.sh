# t_digest.sh: the digest end to end. A macro mail through the private Postfix is
# quarantined by the daemon; `embargo-quarantine digest` sends the recipient's digest
# through Postfix's sendmail (it passes the milter: no attachment) to the sink (the
# recipient's mailbox); the test takes the link out of the delivered digest, GETs it
# from embargo-web (as nobody) and POSTs its form with curl, and sees
# release-requested by digest:RCPT in `embargo-quarantine show`; the link then
# answers 410, and a second digest run the same day sends nothing.
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null; then
	ok "e2e digest: SKIP (needs root and user nobody)"
	return 0 2>/dev/null || exit 0
fi
macro=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
DG=$DIR/digest
mkdir -p "$DG"
EQ="$EMBARGO_BUILD/embargo-quarantine"
WP=$(free_port)
RCPT=digest-e2e@b.example
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$PF/etc" > "$DG/send.sh"
chmod 755 "$DG/send.sh"
sed -e "/^user = /d" -e "/^release_command = /d" -e "/^web_/d" -e "/^digest_/d" \
    "$DIR/embargo.conf" > "$DG/embargo.conf"
cat >> "$DG/embargo.conf" <<TDGCONF
release_command = "$DG/send.sh";
web_listen = "127.0.0.1:$WP";
web_users = "$DG/web_users";
web_url = "http://127.0.0.1:$WP";
digest_templates = "$EMBARGO_ROOT/conf/digest";
digest_from = "postmaster@gw.example";
TDGCONF

before=$(ls "$SINK" | wc -l)
send "$macro" --to "$RCPT" --header "Subject: e2e digest macro" > "$DG/q.swaks"
MQID=$(qid_of "$DG/q.swaks")
wait_log "$MQID: milter-discard" > /dev/null
"$EQ" -c "$DG/embargo.conf" list --json > "$DG/list.json" 2>&1
QID=$(sed -n "s/.*\"id\":\"\([0-9a-f]*\)\",\"time\":\"[^\"]*\",\"queue_id\":\"$MQID\".*/\1/p" "$DG/list.json")
check "macro mail quarantined (${QID:-none})" test -n "$QID"

"$EQ" -c "$DG/embargo.conf" digest --to "$RCPT" > "$DG/digest.out" 2>&1
check "digest sent to the recipient" grep -q "^$RCPT: digest sent, 1 entry" "$DG/digest.out"
check "the digest is delivered through Postfix" wait_sink $((before + 1))
M=$(grep -l "^To: $RCPT" $(ls -t "$SINK"/* | head -3) 2>/dev/null | head -1)
check "the delivered message is the digest for $RCPT" test -n "$M"
python3 - "${M:-/dev/null}" > "$DG/text.txt" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
print(m['Subject'])
print(m.get_body(preferencelist=('plain',)).get_content())
PY
check "its text names the subject and the reason" \
    sh -c "grep -q 'Subject: e2e digest macro' '$DG/text.txt' && grep -q 'has macros' '$DG/text.txt'"
LINK=$(grep -o "http://127.0.0.1:$WP/d/[A-Za-z0-9_-]*" "$DG/text.txt" | head -1)
check "a link to embargo-web in the digest" test -n "$LINK"

echo admin-pw | "$EQ" -c "$DG/embargo.conf" passwd alice --role admin
chmod 644 "$DG/web_users"
qowner=$(stat -c %u:%g "$DIR/quarantine")
chown -R nobody "$DIR/quarantine"
echo 'user = "nobody";' >> "$DG/embargo.conf"
"$EMBARGO_BUILD/embargo-web" -c "$DG/embargo.conf" > "$DG/web.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$DG/web.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "embargo-web listens" grep -q "listening on" "$DG/web.log"
curl -s -o "$DG/get.html" -w "%{http_code}" "${LINK:-x}" > "$DG/get.code"
check "GET the link: 200, the entry and a form" \
    sh -c "test \"\$(cat '$DG/get.code')\" = 200 && grep -q 'e2e digest macro' '$DG/get.html' && grep -q '<form method=\"post\"' '$DG/get.html'"
action=$(sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p' "$DG/get.html" | head -1)
check "POST the form: 200, request recorded" \
    sh -c "test \"\$(curl -s -o '$DG/post.html' -w '%{http_code}' -d confirm=1 'http://127.0.0.1:$WP$action')\" = 200 && grep -q 'request was recorded' '$DG/post.html'"
"$EQ" -c "$DG/embargo.conf" show "${QID:-none}" > "$DG/show.out" 2>&1
check "show: release-requested by digest:$RCPT" grep -q "release-requested *by digest:$RCPT" "$DG/show.out"
check "the link is used up: 410" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -d confirm=1 "${LINK:-x}")" = 410
kill $WPID; wait $WPID 2>/dev/null
chown -R "$qowner" "$DIR/quarantine"
n=$(ls "$SINK" | wc -l)
"$EQ" -c "$DG/embargo.conf" digest --to "$RCPT" > "$DG/digest2.out" 2>&1
sleep 2
check "a second digest the same day sends nothing" \
    sh -c "grep -q 'already sent today' '$DG/digest2.out' && test \$(ls '$SINK' | wc -l) = $n"
