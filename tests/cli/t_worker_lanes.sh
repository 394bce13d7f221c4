# t_worker_lanes.sh: a worker's lanes (milter/worker/wproto.h) through the daemon,
# with one worker (scan_workers = 1) and the test-only worker: the worker gets a
# socket per lane (descriptors 3, 6, 7, 8), messages in flight at once all go to it,
# and one that waits in a lane behind a message that kills its worker (a crash, a
# hang past worker_deadline) is not blamed: it is asked again of the new worker and
# gets its own verdict, and its deadline counts from when the worker began it (two
# hangs ahead of it take longer than one deadline).
T=$(mktemp -d /tmp/embargo-wlanes.XXXXXX)
L=$EMBARGO_BUILD/bench/miltload
trap 'em_stop "$T" >/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
em_config "$T" "scan_workers = 1" "worker_deadline = 2" \
    "worker_program = \"$EMBARGO_BUILD/tests/embargo-worker-test\"" "log_level = \"info\""
export EMBARGO_WORKER_QUIET=1
printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: c\r\n\r\nhello\r\n' > "$T/clean.eml"
for k in HANG CRASH; do
	printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: %s\r\n\r\nEMBARGO-TEST-%s\r\n' \
	    "$k" "$k" > "$T/$k.eml"
done
if [ ! -x "$L" ]; then notok "bench/miltload is built (make tests-build)"; exit 1; fi
em_start "$T" "unix:$T/embargo.sock" || { notok "embargo starts"; cat "$T/embargo.log"; exit 1; }
dpid=$(cat "$T/embargo.pid")
f() { tr ' ' '\n' < "$1" | sed -n "s/^$2=//p"; }
load() { "$L" -s "unix:$T/embargo.sock" -m 1000 -l "$@" 2>&1; }
worker() { ps -o pid= -o comm= --ppid "$dpid" | awk '$2 ~ /embargo-worker/ {print $1}'; }

load warm -c 1 -n 1 "$T/clean.eml" > /dev/null
w=$(worker)
check "one worker, a socket on each lane's descriptor (3, 6, 7, 8)" \
    sh -c "test -n '$w' && for d in 3 6 7 8; do readlink /proc/$w/fd/\$d | grep -q '^socket:' || exit 1; done"
load four -c 4 -n 200 "$T/clean.eml" > "$T/four.out"
check "4 connections at once, one worker: 200 answered (continue), none failed" \
    sh -c "test '$(f "$T/four.out" continue)' = 200 && test '$(f "$T/four.out" errors)' = 0"
check "... by that same worker" test "$(worker)" = "$w"

# two hangs, and clean mail sent behind them to the same worker's other lanes: the
# clean messages wait through two deadlines (about 4 s), longer than their own
load hang1 -c 1 -n 1 "$T/HANG.eml" > "$T/hang1.out" &
H1=$!
sleep 0.3
load hang2 -c 1 -n 1 "$T/HANG.eml" > "$T/hang2.out" &
H2=$!
sleep 0.3
load behind -c 2 -n 2 "$T/clean.eml" > "$T/behind.out"
wait $H1 $H2
check "two hangs pass worker_deadline (2 s): scan.crashed, not accepted" \
    sh -c "test '$(f "$T/hang1.out" continue)$(f "$T/hang2.out" continue)' = 00 && test \"\$(grep -c 'cause: deadline' '$T/embargo.log')\" = 2"
check "... the 2 clean messages waiting behind both pass on (continue), none failed" \
    sh -c "test '$(f "$T/behind.out" continue)' = 2 && test '$(f "$T/behind.out" errors)' = 0"
check "... having waited past their own deadline for the hangs (over 3 s)" \
    awk -v m="$(f "$T/behind.out" max_ms)" 'BEGIN { exit !(m > 3000) }'
check "... none of them is blamed: two worker deaths in the log" \
    test "$(grep -c 'scan worker died on this message' "$T/embargo.log")" = 2

# a crash while clean mail flows on 8 connections, more than the lanes: the copy of
# the crashing part needs a worker of its own (wpool_extract: a slot with no lane
# busy, which stops taking new lanes for it), and gets it while the mail flows
load beside -c 8 -n 3000 "$T/clean.eml" > "$T/beside.out" &
BP=$!
sleep 0.3
load crash -c 1 -n 1 "$T/CRASH.eml" > "$T/crash.out"
kill -0 $BP 2>/dev/null && flowing=yes || flowing=no
wait $BP
check "a crash: scan.crashed (SIGSEGV), not accepted" \
    sh -c "test '$(f "$T/crash.out" continue)' = 0 && grep -q 'worker killed by SIGSEGV; cause: crash' '$T/embargo.log'"
check "... answered, its part kept under crashes/, while the clean mail still flowed" \
    sh -c "test $flowing = yes && grep -q EMBARGO-TEST-CRASH '$T'/quarantine/crashes/*.bin"
check "... the 3000 clean messages beside it pass on (continue), none failed" \
    sh -c "test '$(f "$T/beside.out" continue)' = 3000 && test '$(f "$T/beside.out" errors)' = 0"
check "... three worker deaths in all (the hangs' and the crash's)" \
    test "$(grep -c 'scan worker died on this message' "$T/embargo.log")" = 3
