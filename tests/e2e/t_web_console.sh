# t_web_console.sh: the review console in a real headless Chromium, on mail the
# real daemon quarantined through the private Postfix: embargo-web (as nobody)
# shows the macro mail with its finding at its part, an admin releases it with
# rescan through release_command (here an SMTP submission to the private Postfix,
# as nobody cannot use sendmail -C), it is delivered once at the sink with the
# release marker naming web:alice, and the audit trail has the release; a helpdesk
# user cannot open another domain's entry. Screenshots go to $DIR/shots, and to
# $EMBARGO_SCREENSHOTS when set (doc/screenshots/ was made so).
PY=/usr/bin/python3
if [ "$(id -u)" != 0 ] || [ ! -x /usr/bin/chromedriver ] || ! $PY -c 'import selenium' 2>/dev/null; then
	ok "web console in Chromium: SKIP (needs root, chromium-driver and python3-selenium)"
	return 0 2>/dev/null || exit 0
fi
macro=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
W=$DIR/web
mkdir -p "$W/shots"
EQ="$EMBARGO_BUILD/embargo-quarantine"
WP=$(free_port)
cat > "$W/release.sh" <<TWEBREL
#!/bin/sh
# sendmail-compatible: -i -f SENDER -- RCPT..., the message on stdin, over SMTP
from=""; while [ \$# -gt 0 ]; do
	case "\$1" in -f) from=\$2; shift 2;; -i) shift;; --) shift; break;; *) shift;; esac
done
to=""; for r in "\$@"; do to="\$to --to \$r"; done
exec swaks --server 127.0.0.1:$PF_PORT --from "\$from" \$to --data - --timeout 60 > "$W/release-smtp.log" 2>&1
TWEBREL
chmod 755 "$W/release.sh"
touch "$W/release-smtp.log"; chown nobody "$W/release-smtp.log" "$W/shots"
sed -e "/^user = /d" -e "/^release_command = /d" -e "/^web_/d" "$DIR/embargo.conf" > "$W/embargo.conf"
cat >> "$W/embargo.conf" <<TWEBCONF
user = "nobody";
release_command = "$W/release.sh";
web_listen = "127.0.0.1:$WP";
web_users = "$W/web_users";
TWEBCONF

before=$(ls "$SINK" | wc -l)
send "$macro" --to someone@b.example --header "Subject: e2e web console" > "$W/q.swaks"
MQID=$(qid_of "$W/q.swaks")
send "$macro" --to someone@other.example --header "Subject: e2e web other-domain" > "$W/o.swaks"
OQID=$(qid_of "$W/o.swaks")
wait_log "$MQID: milter-discard" > /dev/null
wait_log "$OQID: milter-discard" > /dev/null
"$EQ" -c "$W/embargo.conf" list --json > "$W/list.json" 2>&1
QID=$(sed -n "s/.*\"id\":\"\([0-9a-f]*\)\",\"time\":\"[^\"]*\",\"queue_id\":\"$MQID\".*/\1/p" "$W/list.json")
OID=$(sed -n "s/.*\"id\":\"\([0-9a-f]*\)\",\"time\":\"[^\"]*\",\"queue_id\":\"$OQID\".*/\1/p" "$W/list.json")
check "two macro mails quarantined by the daemon (${QID:-none}, ${OID:-none})" \
    sh -c "test -n '$QID' && test -n '$OID'"
echo admin-pw | "$EQ" -c "$W/embargo.conf" passwd alice --role admin
echo help-pw | "$EQ" -c "$W/embargo.conf" passwd bob --role helpdesk --domains b.example
chmod 644 "$W/web_users"
qowner=$(stat -c %u:%g "$DIR/quarantine")
chown -R nobody "$DIR/quarantine"
: > "$W/web.log"
"$EMBARGO_BUILD/embargo-web" -c "$W/embargo.conf" > "$W/web.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$W/web.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "embargo-web listens (as nobody)" grep -q "listening on" "$W/web.log"

$PY "$EMBARGO_ROOT/tests/e2e/web_browser.py" "http://127.0.0.1:$WP" "${QID:-none}" "${OID:-none}" \
    "$W/shots" 2>"$W/browser.err" || { echo "# browser stderr:"; tail -5 "$W/browser.err"; }
check "the released mail was delivered through Postfix" wait_sink $((before + 1))
got=$(grep -l "^Subject: e2e web console" "$SINK"/* 2>/dev/null | head -1)
check "delivered with the release marker naming web:alice" \
    sh -c "test -n '$got' && grep -qE '^X-Embargo-Released: $QID; by=web:alice; at=' '$got'"
i=0; while ! grep -q "release pass: quarantine=$QID verified" "$DIR/embargo.log" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
check "the daemon verified the release marker" grep -q "release pass: quarantine=$QID verified" "$DIR/embargo.log"
"$EQ" -c "$W/embargo.conf" show "${QID:-none}" > "$W/show.out" 2>&1
check "the audit trail has the release by web:alice" grep -q "released *by web:alice" "$W/show.out"
check "the other domain's entry is untouched (still quarantined)" \
    sh -c "'$EQ' -c '$W/embargo.conf' list --state quarantined --json | grep -q '\"id\":\"$OID\"'"
check "screenshots taken" test "$(ls "$W/shots"/*.png 2>/dev/null | wc -l)" -ge 6
if [ -n "${EMBARGO_SCREENSHOTS:-}" ]; then
	mkdir -p "$EMBARGO_SCREENSHOTS" && cp "$W/shots"/*.png "$EMBARGO_SCREENSHOTS/"
fi
kill $WPID; wait $WPID 2>/dev/null
# The shared e2e quarantine goes back to its owner for the tests after this one.
chown -R "$qowner" "$DIR/quarantine"
