# t_ppap.sh: the password that arrives in a later mail, through Postfix (the shipped
# wiring: non_smtpd_milters, so the automatic release passes the milter once as a
# verified release). A second embargo with a PPAP policy (locked: quarantine with
# await_password; unlocked and clean: tag; macros: quarantine):
#   - a password ZIP with no password in its mail is held (awaiting-password);
#   - the later mail from the same sender to the same recipient ("パスワード: ...",
#     UTF-8) is delivered, and the held message is delivered once with
#     X-Embargo-Unlocked and X-Embargo-Released, not quarantined again;
#   - the same with the password in an ISO-2022-JP mail ("パスワード：" full width);
#   - a ZIP whose later password opens a macro document stays quarantined;
#   - with no second mail, the entry falls back to quarantined when the window
#     (3 s after a reload) passes.
# Postfix is switched back to the shared embargo at the end.
PD=$DIR/ppap
PSOCK=unix:$PD/embargo.sock
EQ="$EMBARGO_BUILD/embargo-quarantine"
em_config "$PD"
mkdir -p "$PD/data"
python3 "$EMBARGO_ROOT/tests/data/ppap/mktwomail.py" "$PD/data" "$EMBARGO_CORPUS" ||
    notok "ppap fixtures made"
cp "$EMBARGO_ROOT/tests/data/ppap/policy.conf" "$PD/policy.conf"
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$PF/etc" > "$PD/release.sh"
chmod 755 "$PD/release.sh"
sed -i -e "/^policy_file = /d" -e "/^release_command = /d" -e "/^ppap_window = /d" "$PD/embargo.conf"
printf 'policy_file = "%s/policy.conf";\nrelease_command = "%s/release.sh";\nppap_window = 20;\n' \
    "$PD" "$PD" >> "$PD/embargo.conf"
check "ppap: embargo starts with the PPAP policy" em_start "$PD" "$PSOCK"
postconf -c "$PF/etc" -e "smtpd_milters = $PSOCK" "non_smtpd_milters = $PSOCK"
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 1

ppap_send() { # file from to tag
	send "$PD/data/$1" --from "$2" --to "$3" > "$PD/$4.swaks"
	qid_of "$PD/$4.swaks"
}
state_of() { # postfix queue id
	"$EQ" -c "$PD/embargo.conf" list --json 2>/dev/null | grep "\"queue_id\":\"$1\"" |
	    sed -n 's/.*"state":"\([^"]*\)".*/\1/p'
}
wait_plog() { # text in embargo's log
	i=0
	while ! grep -q -- "$1" "$PD/embargo.log" && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q -- "$1" "$PD/embargo.log"
}

before=$(ls "$SINK" | wc -l)
Q1=$(ppap_send first.eml tanaka@sender.example sato@rcpt.example first)
check "ppap: first mail (locked ZIP) discarded into the quarantine" wait_log "$Q1: milter-discard"
check "ppap: held as awaiting-password" test "$(state_of "$Q1")" = awaiting-password
"$EQ" -c "$PD/embargo.conf" list > "$PD/list.out" 2>&1
check "ppap: list shows the window's end" grep -q "awaiting-password .*\[awaiting a password until " "$PD/list.out"
check "ppap: first mail's log line says it awaits a password" \
    grep -q "$Q1: ppap: quarantine=[0-9a-f]* awaiting a password in a later mail until" "$PD/embargo.log"

Q2=$(ppap_send second.eml tanaka@sender.example sato@rcpt.example second)
check "ppap: second mail's log line names the entry it unlocked" \
    wait_plog "$Q2: ppap: passwords brought to quarantine=[0-9a-f]* (queue id $Q1): unlocked, released to 1 recipient"
check "ppap: second mail and released first mail delivered" wait_sink $((before + 2))
sleep 2
check "ppap: exactly two deliveries" test "$(ls "$SINK" | wc -l)" -eq $((before + 2))
rel=$(grep -l "^X-Embargo-Unlocked:" $(ls -t "$SINK"/* | head -2) 2>/dev/null | head -1)
check "ppap: released copy has X-Embargo-Unlocked by the second mail" \
    grep -q "^X-Embargo-Unlocked: by $Q2; message-id=<ppap-2@sender.example>" "${rel:-/nonexistent}"
check "ppap: and the release marker" grep -q "^X-Embargo-Released: [0-9a-f]*; by=embargo-ppap; at=" "${rel:-/nonexistent}"
check "ppap: released whole (the ZIP still attached)" grep -q 'filename="docs.zip"' "${rel:-/nonexistent}"
check "ppap: the daemon verified the marker" wait_plog "release pass: quarantine=[0-9a-f]* verified"
check "ppap: entry released, not quarantined again" \
    sh -c "test \"\$('$EQ' -c '$PD/embargo.conf' list --count)\" = 1"
check "ppap: state released" test "$(state_of "$Q1")" = released
other=$(grep -L "^X-Embargo-Unlocked:" $(ls -t "$SINK"/* | head -2) 2>/dev/null | head -1)
check "ppap: the second mail itself delivered normally" grep -q "^Subject: Password" "${other:-/nonexistent}"

# The password in an ISO-2022-JP (7bit) mail with a full-width colon.
before=$(ls "$SINK" | wc -l)
J1=$(ppap_send first.eml yamada@sender.example sato@rcpt.example jis1)
check "ppap jis: first mail held" wait_log "$J1: milter-discard"
J2=$(ppap_send second_jis.eml yamada@sender.example sato@rcpt.example jis2)
check "ppap jis: an ISO-2022-JP password mail unlocks the held entry" \
    wait_plog "$J2: ppap: passwords brought to quarantine=[0-9a-f]* (queue id $J1): unlocked, released to 1 recipient"
check "ppap jis: both delivered" wait_sink $((before + 2))
check "ppap jis: state released" test "$(state_of "$J1")" = released

# The password opens a macro document: it stays quarantined.
before=$(ls "$SINK" | wc -l)
M1=$(ppap_send macro1.eml suzuki@sender.example sato@rcpt.example macro1)
check "ppap macro: held" wait_log "$M1: milter-discard"
M2=$(ppap_send macro2.eml suzuki@sender.example sato@rcpt.example macro2)
check "ppap macro: the password mail is delivered" wait_sink $((before + 1))
check "ppap macro: log says kept quarantined by the macro rule" \
    wait_plog "$M2: ppap: passwords brought to quarantine=[0-9a-f]* (queue id $M1): opened, kept quarantined: quarantine by rule t-macro"
sleep 2
check "ppap macro: the macro document is not delivered" test "$(ls "$SINK" | wc -l)" -eq $((before + 1))
check "ppap macro: entry quarantined with macro findings" \
    sh -c "'$EQ' -c '$PD/embargo.conf' list --json --state quarantined | grep \"\\\"queue_id\\\":\\\"$M1\\\"\" | grep -q '\"name\":\"macro.vba\"'"

# No second mail: the window (3 s after a reload) passes.
sed -i "s/^ppap_window = .*/ppap_window = 3;/" "$PD/embargo.conf"
kill -HUP "$(cat "$PD/embargo.pid")"
wait_plog "configuration reloaded" >/dev/null
X1=$(ppap_send first.eml tanaka@sender.example sato@rcpt.example expire)
check "ppap expiry: held" wait_log "$X1: milter-discard"
check "ppap expiry: the daemon's tick settles it (log keyed by its queue id)" \
    wait_plog "$X1: ppap: quarantine=[0-9a-f]*: no password came within the window: quarantined by rule t-locked"
check "ppap expiry: state quarantined" test "$(state_of "$X1")" = quarantined

# Back to the shared embargo.
postconf -c "$PF/etc" -e "smtpd_milters = $SOCK" "non_smtpd_milters = $SOCK"
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 1
em_stop "$PD" >/dev/null
