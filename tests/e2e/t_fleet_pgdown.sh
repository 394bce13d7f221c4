# t_fleet_pgdown.sh: nothing lost with the database down. 500 messages (every 5th a
# macro document to quarantine, the rest clean) through mx1 and mx2 from a fast
# sender (fleet_load.py, 4 threads) that keeps what gets a 4xx, as an upstream MTA
# does. PostgreSQL is stopped after 100 answers and started again after 400 (the
# stop itself takes a moment: the comment lines say where it really happened). Then:
# every message is delivered (a sink), quarantined (the store) or kept after a 4xx,
# exactly one of these, and none is rejected; the clean ones all went through. After
# the restart, `postqueue -f` on both hosts and the sender's retry: all 500 are
# delivered or quarantined, each exactly once, the 100 macro mails in the store.
# Prints the figures (counts and seconds) as a comment line.
. "$EMBARGO_ROOT/tests/e2e/fleet.sh"
fleet_or_skip fleet-pgdown
macro=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
LOAD="python3 $EMBARGO_ROOT/tests/e2e/fleet_load.py"
OUT=$FLEET/load.out; : > "$OUT"
P1=$(. "$FLEET/mx1/pf.ports"; echo "$PF_PORT"); P2=$(. "$FLEET/mx2/pf.ports"; echo "$PF_PORT")
answers() { wc -l < "$OUT"; }
wait_answers() { i=0; while [ "$(answers)" -lt "$1" ] && [ $i -lt 1800 ]; do sleep 0.1; i=$((i + 1)); done; }
t0=$(date +%s)
$LOAD send "$OUT" 500 "$macro" "$P1" "$P2" &
lp=$!
wait_answers 100; pg_stop "$FLEET"; echo "# fleet-pgdown: PostgreSQL stopped at $(answers) answers"
wait_answers 400; pg_start "$FLEET"; echo "# fleet-pgdown: PostgreSQL started at $(answers) answers"
wait $lp
t1=$(date +%s)

# ids_delivered / ids_quarantined: the load numbers found, one a line (duplicates kept).
ids_delivered() { cat "$FLEET"/mx1/sink/* "$FLEET"/mx2/sink/* 2>/dev/null |
	sed -n 's/^Message-I[Dd]: <load-\([0-9]*\)@fleet\.test>.*/\1/p' | sort -n; }
ids_quarantined() { fpsql "SELECT message_id FROM quarantine" | sed -n 's/.*load-\([0-9]*\)@.*/\1/p' | sort -n; }
# settle: both Postfix queues empty (at most 60 s).
settle() {
	i=0
	while [ $i -lt 600 ]; do
		n=0
		for h in mx1 mx2; do
			on_host $h
			postqueue -c "$PF/etc" -p 2>/dev/null | grep -q '^[0-9A-F]' && n=1
		done
		[ $n = 0 ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
check "fleet-pgdown: the sender got an answer for all 500" test "$(answers)" = 500
check "fleet-pgdown: no message rejected (5xx)" sh -c "! grep -q rejected '$OUT'"
check "fleet-pgdown: the Postfix queues drained (nothing stuck after a 250)" settle
sleep 2
ids_delivered > "$FLEET/d1"; ids_quarantined > "$FLEET/q1"
awk '$2 == "deferred" { print $1 }' "$OUT" | sort -n > "$FLEET/k1"
nd=$(wc -l < "$FLEET/d1"); nq=$(wc -l < "$FLEET/q1"); nk=$(wc -l < "$FLEET/k1")
echo "# fleet-pgdown: during the outage: delivered=$nd quarantined=$nq kept-after-4xx=$nk in $((t1 - t0)) s"
check "fleet-pgdown: some messages were tempfailed while the database was down ($nk)" test "$nk" -gt 0
sort -n "$FLEET/d1" "$FLEET/q1" "$FLEET/k1" > "$FLEET/all1"
check "fleet-pgdown: each of the 500 in exactly one place (delivered, quarantined, kept)" \
    sh -c "test \"\$(uniq '$FLEET/all1' | wc -l)\" = 500 && test \"\$(wc -l < '$FLEET/all1')\" = 500"
check "fleet-pgdown: no clean message was held back" \
    test -z "$(awk '$1 % 5 != 0' "$FLEET/k1" "$FLEET/q1")"

# The database is back: flush the queues, the sender retries what it kept.
for h in mx1 mx2; do on_host $h; postqueue -c "$PF/etc" -f >/dev/null 2>&1; done
t2=$(date +%s)
$LOAD retry "$OUT" "$macro" "$P1" "$P2"
settle >/dev/null; sleep 2
t3=$(date +%s)
ids_delivered > "$FLEET/d2"; ids_quarantined > "$FLEET/q2"
nd=$(wc -l < "$FLEET/d2"); nq=$(wc -l < "$FLEET/q2")
left=$(awk '{ last[$1] = $2 } END { for (i in last) if (last[i] != "accepted") n++; print n + 0 }' "$OUT")
echo "# fleet-pgdown: after the restart: delivered=$nd quarantined=$nq still-kept=$left (retry $((t3 - t2)) s)"
check "fleet-pgdown: after the restart nothing is still kept" test "$left" = 0
check "fleet-pgdown: delivered + quarantined = 500, each exactly once" \
    sh -c "test \"\$(sort -n '$FLEET/d2' '$FLEET/q2' | uniq | wc -l)\" = 500 && test $((nd + nq)) = 500"
check "fleet-pgdown: the 100 macro mails are in the store" test "$nq" = 100
check "fleet-pgdown: mx1's daemon still runs" em_alive "$FLEET/mx1"
check "fleet-pgdown: mx2's daemon still runs" em_alive "$FLEET/mx2"
