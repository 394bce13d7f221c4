# t_reload_notify.sh: systemd notification (READY, RELOADING/READY around a reload,
# STOPPING) through a stand-in NOTIFY_SOCKET; a reload names each start-only setting
# it cannot apply; stopping exits 0 and removes the socket (issue 13).
T=$(mktemp -d /tmp/embargo-rn.XXXXXX)
em_config "$T"
python3 "$EMBARGO_ROOT/tests/cli/notify_listen.py" "$T/notify" 12 > "$T/notify.out" &
np=$!
i=0; while [ ! -S "$T/notify" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
NOTIFY_SOCKET=$T/notify "$EMBARGO_BUILD/embargo" -f -c "$T/embargo.conf" > "$T/embargo.log" 2>&1 &
ep=$!
i=0; while ! grep -q "READY=1" "$T/notify.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "READY=1 once the socket listens" sh -c "grep -q 'READY=1' '$T/notify.out' && test -S '$T/embargo.sock'"

sed -i -e '/^socket = /d' -e '/^log_facility = /d' -e '/^user = /d' -e '/^milter_timeout = /d' "$T/embargo.conf"
printf 'socket = "unix:%s/other.sock";\nlog_facility = "local3";\nuser = "nobody";\nmilter_timeout = 60;\n' "$T" >> "$T/embargo.conf"
kill -HUP $ep
i=0; while ! grep -q "configuration reloaded" "$T/embargo.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
for k in socket log_facility user; do
	check "a reload warns that $k applies only at start" grep -q "reload: $k changed; it applies only at start" "$T/embargo.log"
done
check "a reload does not warn about milter_timeout (applied at once)" sh -c "! grep -q 'reload: milter_timeout' '$T/embargo.log'"
check "RELOADING=1 then READY=1 around the reload" sh -c \
    "grep -n . '$T/notify.out' | grep -A1 RELOADING=1 | tail -1 | grep -q READY=1"
check "the old socket still serves" test -S "$T/embargo.sock"

kill -TERM $ep; wait $ep; rc=$?
check "SIGTERM: exit status 0 ($rc)" test "$rc" = 0
check "STOPPING=1 at stop" grep -q "STOPPING=1" "$T/notify.out"
check "stopping removes the unix socket" test ! -e "$T/embargo.sock"
kill $np 2>/dev/null; wait $np 2>/dev/null
rm -rf "$T"
