# t_timeouts.sh: milter_timeout drops silent sessions, the descriptor limit is raised
# at start, and when descriptors run short new connections are refused, not hung
# (issue 13; reliability 4b, 4d).
T=$(mktemp -d /tmp/embargo-to.XXXXXX)
IDLE="python3 $EMBARGO_ROOT/tests/cli/idle.py"
LOAD=$EMBARGO_BUILD/bench/miltload
M=$T/m.eml
printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: canary\r\n\r\nbody\r\n' > "$M"

# start_limited NOFILE: embargo under `ulimit -Sn NOFILE` (soft only) or -n (both).
start_limited() {
	em_config "$T" "milter_timeout = $2"
	sh -c "ulimit $1; exec '$EMBARGO_BUILD/embargo' -f -c '$T/embargo.conf' -p 'unix:$T/e.sock'" \
	    > "$T/embargo.log" 2>&1 &
	echo $! > "$T/embargo.pid"
	i=0; while ! grep -q "listening on" "$T/embargo.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# 1. Silence before the first packet, after negotiation and mid-message: dropped
#    after milter_timeout (whole seconds, checked each second).
start_limited "-Sn 1024" 3
$IDLE silent "$T/e.sock" > "$T/silent.out"
cat "$T/silent.out"
for c in before-first-packet after-negotiation mid-message; do
	check "milter_timeout=3 drops a session silent $c within 3-5 s" \
	    awk -v c="$c" '$1 == c { split($2, a, "="); exit !(a[2] >= 2.9 && a[2] <= 5.5) } END { if (!NR) exit 1 }' "$T/silent.out"
done
check "the drops are logged" grep -q "session silent for 3 s (milter_timeout): dropped" "$T/embargo.log"

# 2. A soft limit of 1,024 (systemd's default) is raised at start: 1,000 idle
#    connections (1,100 here) held, a new session is still served at once.
check "soft RLIMIT_NOFILE raised above 1024" sh -c \
    "test \$(awk '/Max open files/ {print \$4}' /proc/$(cat "$T/embargo.pid")/limits) -gt 1024"
em_stop "$T"
start_limited "-Sn 1024" 300
(ulimit -n 4096; $IDLE hold "$T/e.sock" 1100 15 > "$T/hold.out") &
hp=$!
i=0; while [ ! -s "$T/hold.out" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
cat "$T/hold.out"
check "1,100 idle connections (more than 1,024) are all held" grep -q "held=1100 refused=0" "$T/hold.out"
timeout 20 "$LOAD" -s "unix:$T/e.sock" -c 1 -n 5 "$M" > "$T/canary.out" 2>&1
check "with 1,100 idle connections a new session is served" grep -q "msgs=5 .*errors=0 " "$T/canary.out"
kill $hp 2>/dev/null; wait $hp 2>/dev/null
em_stop "$T"

# 3. Hard limit 64: connections beyond the reserve are refused at once (the MTA
#    applies its default action) instead of hanging; once milter_timeout drops the
#    idle ones, new sessions are served again.
start_limited "-n 64" 3
($IDLE hold "$T/e.sock" 100 10 > "$T/hold2.out") &
hp=$!
i=0; while [ ! -s "$T/hold2.out" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
cat "$T/hold2.out"
check "descriptors short: extra connections are refused at once, not hung" \
    awk '{ split($2, a, "="); exit !(a[2] > 0) }' "$T/hold2.out"
check "the refusals are logged" grep -q "file descriptors short" "$T/embargo.log"
sleep 5
timeout 20 "$LOAD" -s "unix:$T/e.sock" -c 1 -n 5 "$M" > "$T/canary2.out" 2>&1
check "after the idle sessions time out, new sessions are served" grep -q "msgs=5 .*errors=0 " "$T/canary2.out"
kill $hp 2>/dev/null; wait $hp 2>/dev/null
check "the daemon is still running" em_alive "$T"
em_stop "$T"
rm -rf "$T"
