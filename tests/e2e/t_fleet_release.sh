# t_fleet_release.sh: a release from mx2 of a message mx1 quarantined goes through
# mx2's release path (mx2's sendmail, mx2's milter verifies the marker) and is
# delivered exactly once, at mx2's sink, and not quarantined again; a second release
# is refused. Two releases of one id started at once from mx1 and mx2: one wins, the
# other is refused, one delivery in all.
. "$EMBARGO_ROOT/tests/e2e/fleet.sh"
fleet_or_skip fleet-release
Q1=$(fleet_macro mx1 "fleet release")
check "fleet-release: mx1 quarantined the macro mail" test -n "$Q1"
ID=$(fleet_id_of mx1 "$Q1")
check "fleet-release: the entry is in the shared store, host mx1 (${ID:-none})" test -n "$ID"
eq mx2 release "${ID:-none}" > "$FLEET/rel.out" 2>&1
check "fleet-release: release from mx2 succeeds" grep -q "released to 1 recipient" "$FLEET/rel.out"
on_host mx2
check "fleet-release: delivered through mx2 (mx2's sink)" wait_sink 1
check "fleet-release: mx2's daemon verified the marker" \
    sh -c "sleep 1; grep -q 'release pass: quarantine=$ID verified' '$FLEET/mx2/embargo.log'"
sleep 2
check "fleet-release: delivered exactly once in the fleet" test "$(fleet_delivered)" = 1
check "fleet-release: with the marker naming the id" \
    grep -q "^X-Embargo-Released: $ID; by=" "$(ls -d "$FLEET"/mx2/sink/* | head -1)"
check "fleet-release: not quarantined again" test "$(eq mx1 list --count 2>&1)" = 1
check "fleet-release: the entry says released" \
    test "$(fpsql "SELECT state FROM quarantine WHERE id = '$ID'")" = released
eq mx1 release "$ID" > "$FLEET/again.out" 2>&1; rc=$?
check "fleet-release: a second release (from mx1) is refused" test "$rc" = 1

# Two admins press release at once, on mx1 and on mx2.
Q2=$(fleet_macro mx1 "fleet race")
ID2=$(fleet_id_of mx1 "$Q2")
check "fleet-release: a second entry to race for (${ID2:-none})" test -n "$ID2"
before=$(fleet_delivered)
: > "$FLEET/go"
( while [ -f "$FLEET/go" ]; do :; done; eq mx1 release "$ID2" > "$FLEET/race.mx1" 2>&1; echo $? > "$FLEET/race.mx1.rc" ) &
p1=$!
( while [ -f "$FLEET/go" ]; do :; done; eq mx2 release "$ID2" > "$FLEET/race.mx2" 2>&1; echo $? > "$FLEET/race.mx2.rc" ) &
p2=$!
sleep 0.5; rm -f "$FLEET/go"; wait $p1 $p2
wins=$(cat "$FLEET/race.mx1.rc" "$FLEET/race.mx2.rc" | grep -c '^0$')
check "fleet-release: of two concurrent releases exactly one wins ($wins)" test "$wins" = 1
i=0; while [ "$(fleet_delivered)" -le "$before" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 3
check "fleet-release: and the message is delivered once" test "$(fleet_delivered)" = $((before + 1))
check "fleet-release: one 'released' audit event for it" \
    test "$(fpsql "SELECT count(*) FROM audit WHERE id = '$ID2' AND event = 'released'")" = 1
