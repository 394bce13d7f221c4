# t_release.sh: release through the shipped Postfix wiring (non_smtpd_milters =
# $smtpd_milters, pickup not exempt): a quarantined macro document is released by
# embargo-quarantine through Postfix's sendmail, passes the milter once as a
# verified release (X-Embargo-Released + HMAC), is delivered exactly once with the
# marker, and is not quarantined again. A copied marker on another body is refused:
# the headers are removed and that message is quarantined like any other.
# sync-holds is tested in t_actions_custom.sh's hold scenario.
macro=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
RD=$DIR/release
mkdir -p "$RD"
EQ="$EMBARGO_BUILD/embargo-quarantine"
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$PF/etc" > "$RD/release.sh"
chmod 755 "$RD/release.sh"
sed -e "/^release_command = /d" "$DIR/embargo.conf" > "$RD/embargo.conf"
echo "release_command = \"$RD/release.sh\";" >> "$RD/embargo.conf"
check "e2e Postfix runs the milter for local submissions (shipped snippet)" \
    sh -c "postconf -c '$PF/etc' -h non_smtpd_milters | grep -q embargo.sock && \
    ! postconf -c '$PF/etc' -P 2>/dev/null | grep -q 'pickup/unix/receive_override_options'"

before=$(ls "$SINK" | wc -l)
send "$macro" --to released@example.net --header "Subject: e2e release" > "$RD/q.swaks"
MQID=$(qid_of "$RD/q.swaks")
wait_log "$MQID: milter-discard" >/dev/null
"$EQ" -c "$RD/embargo.conf" list --json > "$RD/list.json" 2>&1
QID=$(sed -n "s/.*\"id\":\"\([0-9a-f]*\)\",\"time\":\"[^\"]*\",\"queue_id\":\"$MQID\".*/\1/p" "$RD/list.json")
check "macro document quarantined (${QID:-none})" test -n "$QID"
nq=$("$EQ" -c "$RD/embargo.conf" list --count)

"$EQ" -c "$RD/embargo.conf" release "${QID:-none}" > "$RD/release.out" 2>&1
check "release succeeds" grep -q "released to 1 recipient" "$RD/release.out"
check "released message delivered" wait_sink $((before + 1))
got=$(ls -t "$SINK"/* 2>/dev/null | head -1)
check "delivered with X-Embargo-Released naming the id and the user" \
    grep -qE "^X-Embargo-Released: $QID; by=root; at=[0-9]{4}-" "$got"
check "delivered whole (the macro document is still attached)" grep -q "^Content-Disposition: attachment" "$got"
i=0; while ! grep -q "release pass: quarantine=$QID verified" "$DIR/embargo.log" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
check "the daemon verified the release marker" grep -q "release pass: quarantine=$QID verified" "$DIR/embargo.log"
sleep 2
check "delivered exactly once" test "$(ls "$SINK" | wc -l)" -eq $((before + 1))
check "not quarantined again" test "$("$EQ" -c "$RD/embargo.conf" list --count)" = "$nq"
check "the entry says released, by root" \
    sh -c "'$EQ' -c '$RD/embargo.conf' list --json --state released | grep -q '\"id\":\"$QID\".*\"changed_by\":\"root\"'"
"$EQ" -c "$RD/embargo.conf" release "$QID" > "$RD/again.out" 2>&1; rc=$?
check "a second release is refused" test "$rc" = 1
"$EQ" -c "$RD/embargo.conf" show "$QID" > "$RD/show.out" 2>&1
check "show's history has the release and the pass through the gateway" \
    sh -c "grep -q 'released *by root' '$RD/show.out' && grep -q 'release-pass *by embargo' '$RD/show.out'"

# The marker copied onto another message: refused, quarantined as usual.
mark=$(grep -E "^X-Embargo-Released:" "$got" | head -1 | cut -d' ' -f2-)
auth=$(grep -E "^X-Embargo-Release-Auth:" "$got" | head -1 | cut -d' ' -f2-)
send "$EMBARGO_CORPUS/eml/vba_macro/$(ls "$EMBARGO_CORPUS/eml/vba_macro" | grep -v document_SimpleMacro | head -1)" \
    --add-header "X-Embargo-Released: $mark" --add-header "X-Embargo-Release-Auth: $auth" > "$RD/forged.swaks"
FQID=$(qid_of "$RD/forged.swaks")
wait_log "$FQID: milter-discard" >/dev/null
check "a copied marker on another body is refused and logged" \
    grep -q "$FQID: release marker refused (signature does not match the body)" "$DIR/embargo.log"
check "and that message is quarantined, not delivered" test "$(ls "$SINK" | wc -l)" -eq $((before + 1))
