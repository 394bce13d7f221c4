# t_fleet_list.sh: two hosts, one quarantine. A macro document through mx1 and another
# through mx2 are both in one `embargo-quarantine list`, asked on either host, each
# with the host that received it; `--host mx1` and `--host mx2` narrow the list to
# one host's entry; `embargo -t` on a host checks the database and its schema.
. "$EMBARGO_ROOT/tests/e2e/fleet.sh"
fleet_or_skip fleet-list
Q1=$(fleet_macro mx1 "fleet list one")
check "fleet-list: mx1 quarantined its macro mail" test -n "$Q1"
Q2=$(fleet_macro mx2 "fleet list two")
check "fleet-list: mx2 quarantined its macro mail" test -n "$Q2"
for h in mx1 mx2; do
	eq $h list --json > "$FLEET/list.$h" 2>&1
	check "fleet-list: list on $h shows mx1's entry, host mx1" \
	    grep -q "\"queue_id\":\"$Q1\".*\"host\":\"mx1\"" "$FLEET/list.$h"
	check "fleet-list: list on $h shows mx2's entry, host mx2" \
	    grep -q "\"queue_id\":\"$Q2\".*\"host\":\"mx2\"" "$FLEET/list.$h"
	check "fleet-list: list on $h counts both" test "$(eq $h list --count 2>&1)" = 2
done
eq mx2 list --json --host mx1 > "$FLEET/list.host1" 2>&1
check "fleet-list: --host mx1 (asked on mx2) lists only mx1's entry" \
    sh -c "grep -q '\"queue_id\":\"$Q1\"' '$FLEET/list.host1' && ! grep -q '\"queue_id\":\"$Q2\"' '$FLEET/list.host1'"
check "fleet-list: --host mx2 counts one" test "$(eq mx1 list --count --host mx2 2>&1)" = 1
check "fleet-list: --host of no host counts none" test "$(eq mx1 list --count --host mx3 2>&1)" = 0
"$EMBARGO_BUILD/embargo" -t -c "$FLEET/mx2/embargo.conf" > "$FLEET/t.up" 2>&1; rc=$?
check "fleet-list: embargo -t on mx2 passes with the database up (rc $rc)" test "$rc" = 0
pg_stop "$FLEET"
"$EMBARGO_BUILD/embargo" -t -c "$FLEET/mx2/embargo.conf" > "$FLEET/t.down" 2>&1; rc=$?
check "fleet-list: embargo -t fails when the database is down (rc $rc)" test "$rc" != 0
