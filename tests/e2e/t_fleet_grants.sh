# t_fleet_grants.sh: the least-privilege set-up of contrib/postgresql (roles.sql, db
# init as embargo_owner, grants.sql) is enough for each part, and no more:
#   - the daemons, as embargo_daemon, quarantine (insert) and verify a release pass;
#     they cannot delete;
#   - embargo_review lists and shows, but a release or delete through it fails and
#     changes nothing, and its own UPDATE, INSERT and DELETE are refused;
#   - embargo_release releases from mx2 a message mx1 quarantined: delivered once;
#   - embargo_owner purges.
. "$EMBARGO_ROOT/tests/e2e/fleet.sh"
FLEET_ROLES=1
fleet_or_skip fleet-grants
as_role() { _pg_as "$PG_BIN/psql" -h "$FLEET/pg" -U "$1" -d embargo -qAtX -c "$2" 2>&1; }
denied() { as_role "$1" "$2" | grep -q "permission denied"; }
for r in embargo_review embargo_release; do fleet_conf $r; done
RV="$EQ -c $FLEET/embargo_review.conf"; RL="$EQ -c $FLEET/embargo_release.conf"

Q1=$(fleet_macro mx1 grants)
check "fleet-grants: mx1 as embargo_daemon quarantines" test -n "$Q1"
ID=$(fleet_id_of mx1 "$Q1")
check "fleet-grants: the entry is stored (${ID:-none})" test -n "$ID"
check "fleet-grants: review lists it" test "$($RV list --count 2>&1)" = 1
check "fleet-grants: review shows it" sh -c "$RV show '${ID:-none}' | grep -q 'host: *mx1'"
$RV release "${ID:-none}" > "$FLEET/rv.rel" 2>&1; rc=$?
check "fleet-grants: a release as review fails: permission denied (rc $rc)" \
    sh -c "test $rc != 0 && grep -q 'permission denied' '$FLEET/rv.rel'"
$RV delete "${ID:-none}" > "$FLEET/rv.del" 2>&1; rc=$?
check "fleet-grants: a delete as review fails: permission denied (rc $rc)" \
    sh -c "test $rc != 0 && grep -q 'permission denied' '$FLEET/rv.del'"
check "fleet-grants: and the entry is still quarantined" \
    test "$(fpsql "SELECT state FROM quarantine WHERE id = '${ID:-none}'")" = quarantined
check "fleet-grants: review cannot UPDATE" denied embargo_review "UPDATE quarantine SET state = 'released'"
check "fleet-grants: review cannot INSERT an audit event" \
    denied embargo_review "INSERT INTO audit (id, time, event) VALUES ('x', 0, 'released')"
check "fleet-grants: review cannot DELETE a body" denied embargo_review "DELETE FROM msg_body"
check "fleet-grants: review cannot CREATE a table" \
    denied embargo_review "CREATE TABLE t (a int)"
check "fleet-grants: the daemon cannot DELETE" denied embargo_daemon "DELETE FROM quarantine"
check "fleet-grants: the release role cannot DELETE" denied embargo_release "DELETE FROM quarantine"

$RL release "${ID:-none}" > "$FLEET/rl.rel" 2>&1
check "fleet-grants: release as embargo_release from mx2 succeeds" grep -q "released to 1 recipient" "$FLEET/rl.rel"
on_host mx2
check "fleet-grants: delivered through mx2" wait_sink 1
check "fleet-grants: mx2's daemon (embargo_daemon) verified the pass" \
    sh -c "sleep 1; grep -q 'release pass: quarantine=$ID verified' '$FLEET/mx2/embargo.log'"
sleep 1
check "fleet-grants: delivered once" test "$(fleet_delivered)" = 1
check "fleet-grants: the entry is released" \
    test "$(fpsql "SELECT state FROM quarantine WHERE id = '${ID:-none}'")" = released
"$EQ" -c "$FLEET/embargo_owner.conf" purge --older-than 0s > "$FLEET/own.purge" 2>&1
check "fleet-grants: the owner purges" test "$(fpsql "SELECT count(*) FROM quarantine")" = 0
