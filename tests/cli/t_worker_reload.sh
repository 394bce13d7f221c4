# t_worker_reload.sh: the worker pool follows the configuration. worker_max_use
# replaces a worker after that many messages (a parser compromised by one message
# answers for a bounded number of later ones); a reload (SIGHUP) applies the new
# worker_deadline (and the other worker_* settings) to the workers started after it,
# and a changed scan_workers is logged as needing a restart.
T=$(mktemp -d /tmp/embargo-wreload.XXXXXX)
L=$EMBARGO_BUILD/bench/miltload
trap 'em_stop "$T" >/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
em_config "$T" "scan_workers = 1" "worker_max_use = 3" "worker_deadline = 60" \
    "worker_program = \"$EMBARGO_BUILD/tests/embargo-worker-test\"" "log_level = \"info\""
export EMBARGO_WORKER_QUIET=1
printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: c\r\n\r\nhello\r\n' > "$T/clean.eml"
printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: h\r\n\r\nEMBARGO-TEST-HANG\r\n' > "$T/HANG.eml"
if [ ! -x "$L" ]; then notok "bench/miltload is built (make tests-build)"; exit 1; fi
em_start "$T" "unix:$T/embargo.sock" || { notok "embargo starts"; cat "$T/embargo.log"; exit 1; }
dpid=$(cat "$T/embargo.pid")
send() { "$L" -s "unix:$T/embargo.sock" -c 1 -n 1 -l "$@" 2>&1; }
worker() { ps -o pid= -o comm= --ppid "$dpid" | awk '$2 ~ /embargo-worker/ {print $1}'; }

: > "$T/pids"
for i in 1 2 3 4 5 6 7; do
	send "m$i" "$T/clean.eml" >> "$T/out"
	w=$(worker); echo "${w:-none}" >> "$T/pids"
done
check "worker_max_use = 3: 7 messages answered" test "$(grep -c 'errors=0' "$T/out")" = 7
check "... by 3 workers in turn (each replaced after its third message)" \
    test "$(grep -v none "$T/pids" | sort -u | grep -c .)" = 3
check "... a worker is gone right after its third message, before the next one" \
    test "$(sed -n '3p;6p' "$T/pids" | tr '\n' ' ')" = "none none "

sed -i -e 's/^worker_deadline = .*/worker_deadline = 1;/' -e 's/^scan_workers = .*/scan_workers = 2;/' \
    "$T/embargo.conf"
n0=$(grep -c 'configuration reloaded' "$T/embargo.log")
kill -HUP "$dpid"
i=0; while [ "$(grep -c 'configuration reloaded' "$T/embargo.log")" = "$n0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGHUP: configuration reloaded" test "$(grep -c 'configuration reloaded' "$T/embargo.log")" -gt "$n0"
check "... a changed scan_workers is kept until a restart, and the log says so" \
    grep -q 'scan_workers.*restart' "$T/embargo.log"
a=$(date +%s)
send hang "$T/HANG.eml" > "$T/hang.out"
b=$(date +%s)
check "... the new worker_deadline (1 s, was 60 s) ends a hanging worker" \
    sh -c "test $((b - a)) -lt 15 && grep -q 'cause: deadline' '$T/embargo.log'"
check "... as scan.crashed: the message is not accepted" \
    sh -c "test \"\$(tr ' ' '\n' < '$T/hang.out' | sed -n 's/^continue=//p')\" = 0"
