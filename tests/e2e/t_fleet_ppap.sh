# t_fleet_ppap.sh: PPAP across hosts. A password-protected ZIP through mx1 is held as
# awaiting-password in the shared store; the later mail with the password, from the
# same sender to the same recipient, arrives through mx2: mx2's daemon finds mx1's
# entry, unlocks it, and releases it through mx2's release path. The held message is
# delivered exactly once (with X-Embargo-Unlocked), and the entry is released.
. "$EMBARGO_ROOT/tests/e2e/fleet.sh"
fleet_or_skip fleet-ppap "policy_file = \"$EMBARGO_ROOT/tests/data/ppap/policy.conf\"" "ppap_window = 60"
mkdir -p "$FLEET/data"
python3 "$EMBARGO_ROOT/tests/data/ppap/mktwomail.py" "$FLEET/data" "$EMBARGO_CORPUS" ||
    notok "fleet-ppap: fixtures made"
on_host mx1
send "$FLEET/data/first.eml" --from tanaka@sender.example --to sato@rcpt.example > "$FLEET/p1.swaks"
Q1=$(qid_of "$FLEET/p1.swaks")
check "fleet-ppap: mx1 took the locked ZIP into the quarantine" wait_log "$Q1: milter-discard"
ID=$(fleet_id_of mx1 "$Q1")
check "fleet-ppap: awaiting-password in the shared store, host mx1" \
    test "$(fpsql "SELECT state FROM quarantine WHERE id = '${ID:-none}'")" = awaiting-password
on_host mx2
send "$FLEET/data/second.eml" --from tanaka@sender.example --to sato@rcpt.example > "$FLEET/p2.swaks"
Q2=$(qid_of "$FLEET/p2.swaks")
i=0; while ! grep -q "$Q2: ppap: passwords brought" "$FLEET/mx2/embargo.log" && [ $i -lt 150 ]; do
	sleep 0.1; i=$((i + 1)); done
check "fleet-ppap: mx2's password mail unlocked mx1's entry" \
    grep -q "$Q2: ppap: passwords brought to quarantine=$ID (queue id $Q1): unlocked, released to 1 recipient" \
    "$FLEET/mx2/embargo.log"
check "fleet-ppap: the password mail and the unlocked mail delivered at mx2" wait_sink 2
sleep 2
check "fleet-ppap: exactly two deliveries in the fleet" test "$(fleet_delivered)" = 2
rel=$(grep -l "^X-Embargo-Unlocked:" "$FLEET"/mx2/sink/* 2>/dev/null | head -1)
check "fleet-ppap: the unlocked copy names the password mail" \
    grep -q "^X-Embargo-Unlocked: by $Q2" "${rel:-/nonexistent}"
check "fleet-ppap: and is whole (the ZIP attached)" grep -q 'filename="docs.zip"' "${rel:-/nonexistent}"
check "fleet-ppap: the entry is released" \
    test "$(fpsql "SELECT state FROM quarantine WHERE id = '${ID:-none}'")" = released
check "fleet-ppap: nothing else quarantined" test "$(eq mx1 list --count 2>&1)" = 1
