# t_fleet_once.sh: purge and PPAP expiry run once per fleet. Entries through both
# hosts; `purge --older-than 0s` started at once on mx1 and mx2 removes each entry
# once (one "purged" audit event per entry, none left); awaiting-password entries
# whose window passed, expired by `ppap-expire` started at once on both hosts, get
# one "expired" event each and end quarantined. Digests: one macro mail through each
# host to one recipient, `digest` started at once on both hosts: one digest is
# delivered in all (the claim "digest:RCPT:DAY" in the once table), listing both.
. "$EMBARGO_ROOT/tests/e2e/fleet.sh"
fleet_or_skip fleet-once "policy_file = \"$EMBARGO_ROOT/tests/data/ppap/policy.conf\"" "ppap_window = 2" \
    "digest_templates = \"$EMBARGO_ROOT/conf/digest\"" "digest_from = \"postmaster@fleet.example\""
mkdir -p "$FLEET/data"
python3 "$EMBARGO_ROOT/tests/data/ppap/mktwomail.py" "$FLEET/data" "$EMBARGO_CORPUS" >/dev/null

# at_once CMD-ON-MX1 CMD-ON-MX2...: both started together (a barrier file).
at_once() {
	: > "$FLEET/go"
	( while [ -f "$FLEET/go" ]; do :; done; eq mx1 "$@" > "$FLEET/once.mx1" 2>&1 ) &
	a=$!
	( while [ -f "$FLEET/go" ]; do :; done; eq mx2 "$@" > "$FLEET/once.mx2" 2>&1 ) &
	b=$!
	sleep 0.5; rm -f "$FLEET/go"; wait $a $b
}

# PPAP expiry: two locked ZIPs (one per host), no password mail.
for h in mx1 mx2; do
	on_host $h
	send "$FLEET/data/first.eml" --from "a-$h@sender.example" --to sato@rcpt.example > "$FLEET/e.$h"
	wait_log "$(qid_of "$FLEET/e.$h"): milter-discard" >/dev/null
done
check "fleet-once: two entries await a password" \
    test "$(fpsql "SELECT count(*) FROM quarantine WHERE state = 'awaiting-password'")" = 2
sleep 3
at_once ppap-expire
check "fleet-once: ppap-expire from both hosts: one 'expired' event per entry" \
    test "$(fpsql "SELECT count(*) FROM audit WHERE event = 'expired'")" = 2
check "fleet-once: no entry expired twice" \
    test -z "$(fpsql "SELECT id FROM audit WHERE event = 'expired' GROUP BY id HAVING count(*) > 1")"
check "fleet-once: both fell back to quarantined" \
    test "$(fpsql "SELECT count(*) FROM quarantine WHERE state = 'awaiting-password'")" = 0

# Purge: four macro mails, two per host, then purge everything from both hosts at once.
for n in 1 2; do for h in mx1 mx2; do
	fleet_macro $h "purge $n $h" >/dev/null
done; done
total=$(fpsql "SELECT count(*) FROM quarantine")
check "fleet-once: six entries to purge ($total)" test "$total" = 6
sleep 1
at_once purge --older-than 0s
check "fleet-once: purge from both hosts: one 'purged' event per entry" \
    test "$(fpsql "SELECT count(*) FROM audit WHERE event = 'purged'")" = 6
check "fleet-once: no entry purged twice" \
    test -z "$(fpsql "SELECT id FROM audit WHERE event = 'purged' GROUP BY id HAVING count(*) > 1")"
check "fleet-once: none left, bodies gone too" \
    test "$(fpsql "SELECT (SELECT count(*) FROM quarantine) + (SELECT count(*) FROM msg_body)")" = 0
# Digests: one per recipient and day for the whole fleet.
for h in mx1 mx2; do fleet_macro $h "digest $h" >/dev/null; done
check "fleet-once: two entries for the digest" \
    test "$(fpsql "SELECT count(*) FROM quarantine WHERE state = 'quarantined'")" = 2
d0=$(fleet_delivered)
at_once digest --to rcpt@example.net
sleep 3
check "fleet-once: digest from both hosts: one sent, one skipped" \
    sh -c "cat '$FLEET/once.mx1' '$FLEET/once.mx2' | grep -c 'digest sent, 2 entries' | grep -qx 1 && cat '$FLEET/once.mx1' '$FLEET/once.mx2' | grep -c 'already sent today' | grep -qx 1"
check "fleet-once: one digest delivered in all ($(fleet_delivered) - $d0)" test "$(fleet_delivered)" = $((d0 + 1))
check "fleet-once: one claim row for the recipient today" \
    test "$(fpsql "SELECT count(*) FROM once WHERE key LIKE 'digest:rcpt@example.net:%'")" = 1
