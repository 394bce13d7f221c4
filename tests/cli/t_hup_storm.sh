# t_hup_storm.sh: SIGHUPs at any spacing never stop the daemon (issue 13; reliability
# 5f). 400 pairs of back-to-back SIGHUPs, 0-20 ms between pairs, while miltload sends
# messages over 4 connections: the daemon is still up, every message was answered
# without error, and it still stops cleanly (exit 0) on SIGTERM afterwards.
T=$(mktemp -d /tmp/embargo-hup.XXXXXX)
em_config "$T"
S=unix:$T/e.sock
if ! em_start "$T" "$S"; then
	notok "embargo starts for the SIGHUP storm"; cat "$T/embargo.log"; rm -rf "$T"; return 0
fi
pid=$(cat "$T/embargo.pid")
M=$T/m.eml
printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: hup\r\n\r\nbody\r\n' > "$M"
"$EMBARGO_BUILD/bench/miltload" -s "$S" -c 4 -t 12 -m 20 -l hup "$M" > "$T/load.out" 2>&1 &
lp=$!
sleep 0.5
python3 - "$pid" > "$T/storm.out" <<'PY'
import os, random, sys, time
pid = int(sys.argv[1])
for i in range(400):
    try:
        os.kill(pid, 1); os.kill(pid, 1)
        time.sleep(random.uniform(0, 0.020))
        os.kill(pid, 0)
    except ProcessLookupError:
        print("died at pair", i + 1); sys.exit(1)
print("400 pairs sent")
PY
check "400 SIGHUP pairs 0-20 ms apart: all sent to a live daemon" grep -q "400 pairs sent" "$T/storm.out"
wait $lp
cat "$T/load.out"
check "SIGHUP storm: the daemon is still running" kill -0 "$pid"
check "SIGHUP storm: libmilter never stopped" sh -c "! grep -q 'stopping' '$T/embargo.log'"
check "SIGHUP storm: messages answered with 0 errors" grep -qE "msgs=[1-9][0-9]* .* errors=0 " "$T/load.out"
check "SIGHUP storm: no tempfail" grep -q " tempfail=0 " "$T/load.out"
check "SIGHUP storm: reloads happened" grep -q "configuration reloaded" "$T/embargo.log"
kill -TERM "$pid"; wait "$pid"; rc=$?
check "SIGTERM after the storm: exit status 0" test "$rc" = 0
rm -rf "$T"
