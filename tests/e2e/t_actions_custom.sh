# t_actions_custom.sh: Postfix switched to a second embargo whose policy acts on any
# finding (the test message's attachment has ambiguous name parameters, a
# mime.malformed finding), with its quarantine on a 1 MiB tmpfs:
#   - strip: the attachment is replaced by the notice, the rest of the body arrives
#     byte-identical, the original is in the quarantine;
#   - a full quarantine disk makes Postfix answer 4xx: nothing delivered, nothing
#     stored, the sender keeps the message; with space again it is quarantined;
#   - release (pickup told to skip milters, as doc/policy.md says) delivers it;
#   - hold: the message waits in Postfix's hold queue, the index records it,
#     embargo-quarantine points to postsuper -H, which then delivers it, and
#     sync-holds then shows it as left-hold.
# Postfix is switched back to the shared embargo at the end.
CD=$DIR/custom
CSOCK=unix:$CD/embargo.sock
em_config "$CD"
mount -t tmpfs -o size=1m,mode=0700 tmpfs "$CD/quarantine" || notok "tmpfs for the quarantine"
cat > "$CD/policy.conf" <<'EOP'
rules = (
  { name = "t-strip"; action = "strip"; recipient = "strip@example.net"; },
  { name = "t-hold"; action = "hold"; recipient = "hold@example.net"; },
  { name = "t-quarantine"; action = "quarantine"; }
);
EOP
sed -i "/^policy_file = /d" "$CD/embargo.conf"
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$PF/etc" > "$CD/release.sh"
chmod 755 "$CD/release.sh"
sed -i "/^release_command = /d" "$CD/embargo.conf"
printf 'policy_file = "%s/policy.conf";\nrelease_command = "%s/release.sh";\n' "$CD" "$CD" >> "$CD/embargo.conf"
check "second embargo starts with the test policy" em_start "$CD" "$CSOCK"
postconf -c "$PF/etc" -e "smtpd_milters = $CSOCK" "non_smtpd_milters = $CSOCK"
postconf -c "$PF/etc" -P "pickup/unix/receive_override_options=no_milters"
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 1

B64=TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA==
M=$CD/strip.eml
printf 'From: sender@example.org\r\nTo: strip@example.net\r\nSubject: e2e strip\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="BOUNDARY"\r\n\r\npreamble\r\n--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nfirst part stays\r\n\r\n--BOUNDARY\r\nContent-Type: application/octet-stream; name="a.exe"\r\nContent-Disposition: attachment; filename="invoice.pdf.exe"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n\r\n--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nlast part stays\r\n\r\n--BOUNDARY--\r\nepilogue\r\n' "$B64" > "$M"

before=$(ls "$SINK" | wc -l)
send "$M" --to strip@example.net > "$CD/strip.swaks"
check "strip: 250 queued" grep -q "250 2.0.0 Ok: queued as" "$CD/strip.swaks"
check "strip: delivered" wait_sink $((before + 1))
got=$(ls -t "$SINK"/* 2>/dev/null | head -1)
check "strip: rest of the body byte-identical, attachment replaced by the notice" \
    python3 - "$M" "$got" <<'EOPY'
import sys
orig = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
got = open(sys.argv[2], "rb").read().replace(b"\r\n", b"\n")
# smtp-sink ends its files with blank lines of its own
ob, gb = orig.split(b"\n\n", 1)[1].rstrip(b"\n"), got.split(b"\n\n", 1)[1].rstrip(b"\n")
p2 = ob.index(b"Content-Type: application/octet-stream")
end2 = ob.index(b"\n--BOUNDARY", p2)
pre, post = ob[:p2], ob[end2:]
ok = (gb.startswith(pre) and gb.endswith(post) and b"TVqQ" not in gb and
      b'The attachment "invoice.pdf.exe" was removed' in gb[len(pre):len(gb) - len(post)])
if not ok:
    sys.stdout.write(gb.decode("latin-1"))
sys.exit(0 if ok else 1)
EOPY
check "strip: X-Embargo-Action names the quarantine id" \
    grep -qE "^X-Embargo-Action: strip; rule=t-strip; quarantine-id=[0-9a-f]{24}" "$got"
check "strip: original in the quarantine" \
    sh -c "'$EMBARGO_BUILD/embargo-quarantine' -c '$CD/embargo.conf' list | grep -q ' strip '"

# Full quarantine disk: 4xx, nothing lost.
dd if=/dev/zero of="$CD/quarantine/fill" bs=4096 2>/dev/null
nmsg=$(ls "$CD/quarantine/msg" | wc -l)
before=$(ls "$SINK" | wc -l)
send "$M" --to other@example.net > "$CD/full.swaks"
check "full quarantine: Postfix answers 4xx" grep -qE "^<\*\* +4[0-9][0-9] " "$CD/full.swaks"
check "full quarantine: nothing queued" sh -c "! grep -q 'queued as' '$CD/full.swaks'"
sleep 1
check "full quarantine: nothing delivered" test "$(ls "$SINK" | wc -l)" -eq "$before"
check "full quarantine: no partial copy left" test "$(ls "$CD/quarantine/msg" | wc -l)" -eq "$nmsg"
check "full quarantine: the failure is logged" grep -q "quarantine store failed" "$CD/embargo.log"
rm -f "$CD/quarantine/fill"
send "$M" --to other@example.net > "$CD/q.swaks"
check "space again: the same message is accepted" grep -q "250 2.0.0 Ok: queued as" "$CD/q.swaks"
QQID=$(qid_of "$CD/q.swaks")
wait_log "$QQID: milter-discard" >/dev/null
check "space again: quarantined, not delivered" test "$(ls "$SINK" | wc -l)" -eq "$before"

# Release delivers it.
"$EMBARGO_BUILD/embargo-quarantine" -c "$CD/embargo.conf" list --json > "$CD/list.json" 2>&1
QID=$(sed -n "s/.*\"id\":\"\([0-9a-f]*\)\",\"time\":\"[^\"]*\",\"queue_id\":\"$QQID\".*/\1/p" "$CD/list.json")
check "release of ${QID:-?} succeeds" "$EMBARGO_BUILD/embargo-quarantine" -c "$CD/embargo.conf" release "${QID:-none}"
check "released message delivered" wait_sink $((before + 1))
got=$(ls -t "$SINK"/* 2>/dev/null | head -1)
check "released message is the original (attachment intact)" grep -q "TVqQ" "$got"
"$EMBARGO_BUILD/embargo-quarantine" -c "$CD/embargo.conf" list --json > "$CD/list2.json" 2>&1
check "release recorded in the index" grep -q "\"id\":\"$QID\".*\"state\":\"released\"" "$CD/list2.json"

# Hold: in Postfix's hold queue until postsuper -H.
before=$(ls "$SINK" | wc -l)
send "$M" --to hold@example.net > "$CD/hold.swaks"
check "hold: 250 queued" grep -q "250 2.0.0 Ok: queued as" "$CD/hold.swaks"
HQID=$(qid_of "$CD/hold.swaks")
wait_log "$HQID: milter-hold" >/dev/null
check "hold: message in Postfix's hold queue" \
    sh -c "postqueue -c '$PF/etc' -j | grep -q '\"queue_name\": *\"hold\".*\"queue_id\": *\"$HQID\"\|\"queue_id\": *\"$HQID\".*\"queue_name\": *\"hold\"'"
check "hold: not delivered" test "$(ls "$SINK" | wc -l)" -eq "$before"
"$EMBARGO_BUILD/embargo-quarantine" -c "$CD/embargo.conf" list --json > "$CD/list3.json" 2>&1
HID=$(sed -n "s/.*\"id\":\"\([0-9a-f]*\)\",\"time\":\"[^\"]*\",\"queue_id\":\"$HQID\".*/\1/p" "$CD/list3.json")
check "hold: recorded in the index" grep -q "\"queue_id\":\"$HQID\".*\"action\":\"hold\"" "$CD/list3.json"
"$EMBARGO_BUILD/embargo-quarantine" -c "$CD/embargo.conf" release "${HID:-none}" > "$CD/hold-release.out" 2>&1
check "hold: release points to postsuper -H $HQID" grep -q "postsuper -H $HQID" "$CD/hold-release.out"
postsuper -c "$PF/etc" -H "$HQID" >/dev/null 2>&1
postqueue -c "$PF/etc" -f >/dev/null 2>&1
check "hold: delivered after postsuper -H" wait_sink $((before + 1))
check "hold: listed as held before sync-holds" sh -c "'$EMBARGO_BUILD/embargo-quarantine' -c '$CD/embargo.conf' list --json --state held | grep -q '\"id\":\"$HID\"'"
MAIL_CONFIG=$PF/etc "$EMBARGO_BUILD/embargo-quarantine" -c "$CD/embargo.conf" sync-holds > "$CD/sync.out" 2>&1
check "hold: sync-holds sees it left Postfix's hold queue" grep -q "^1 hold no longer" "$CD/sync.out"
check "hold: now listed as left-hold" sh -c "'$EMBARGO_BUILD/embargo-quarantine' -c '$CD/embargo.conf' list --json --state left-hold | grep -q '\"id\":\"$HID\"'"

# Back to the shared embargo.
postconf -c "$PF/etc" -e "smtpd_milters = $SOCK" "non_smtpd_milters = $SOCK"
postconf -c "$PF/etc" -PX "pickup/unix/receive_override_options"
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 1
em_stop "$CD" >/dev/null
umount "$CD/quarantine" 2>/dev/null
