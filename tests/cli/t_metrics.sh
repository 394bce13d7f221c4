# t_metrics.sh: the daemon's counters and the structured log, from outside.
# The control socket (mode 0660, owned by the daemon's user) answers "stats" with
# Prometheus text; a peer of another uid is refused by SO_PEERCRED even when the
# file mode would let it in; an oversize request, a garbage line, silent clients and
# more clients than allowed get an error line and do not hurt the daemon;
# `embargo-quarantine stats --live` prints the counters; a message moves the action
# and rule counters by one; reloads (good and failed) are counted; embargo-web serves
# /metrics without sign-in on a loopback web_listen (daemon and store parts, and
# embargo_daemon_up 0 when the daemon is gone), 404 on a non-loopback web_listen,
# and on metrics_listen only /metrics; log_format = "json" lines parse with
# python3 (hostile Message-ID bytes escaped, invalid UTF-8 as U+FFFD); key=value
# observe lines say would=reject; a bad log_format is refused with its line.
# Needs root (the daemon and embargo-web run as nobody).
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null || ! command -v setpriv > /dev/null; then
	ok "metrics: SKIP (needs root, user nobody and setpriv)"
	return 0 2>/dev/null || exit 0
fi
T=$(mktemp -d /tmp/embargo-metrics.XXXXXX) || exit 1
chmod 755 "$T"
mkdir -p "$T/run"
P=$(free_port)
U="http://127.0.0.1:$P"
C=$T/run/control
S=unix:$T/embargo.sock
EQ="$EMBARGO_BUILD/embargo-quarantine"
printf 'rules = ( { name = "m-tag"; action = "tag"; } );\n' > "$T/policy.conf"
em_config "$T" "user = \"nobody\"" "control_socket = \"$C\"" "log_format = \"json\"" \
    "web_listen = \"127.0.0.1:$P\"" "web_users = \"$T/web_users\"" \
    "policy_file = \"$T/policy.conf\"" "review_group = \"nogroup\""
: > "$T/web_users"
chown -R nobody "$T/quarantine" "$T/tmp" "$T/run"

# ask PATH [REQUEST]: one request on the control socket as this process, answer on stdout
cat > "$T/ask.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
try:
    if len(sys.argv) > 2:
        s.sendall(sys.argv[2].encode("latin-1"))
except (BrokenPipeError, ConnectionResetError):
    pass  # refused before the request was read: the answer is still there
data = b""
while True:
    try:
        x = s.recv(65536)
    except (ConnectionResetError, socket.timeout):
        break
    if not x:
        break
    data += x
sys.stdout.write(data.decode("utf-8", "replace"))
EOF
ask() { python3 "$T/ask.py" "$@"; }
live() { "$EQ" -c "$T/embargo.conf" stats --live; }
# counter NAME{LABELS}: its value on the control socket (empty when absent)
counter() { ask "$C" 'stats
' | awk -v k="$1" '$1 == k { print $2 }'; }

check "daemon starts as nobody" em_start "$T" "$S"
check "control socket: mode 0660, owned by the daemon's user" \
    test "$(stat -c '%a %U' "$C")" = "660 nobody"
ask "$C" 'stats
' > "$T/stats.txt"
check "stats: Prometheus text with every action at zero" \
    sh -c "grep -q '^# TYPE embargo_messages_total counter\$' '$T/stats.txt' && test \$(grep -c '^embargo_messages_total{action=' '$T/stats.txt') = 8 && ! grep -q '^embargo_messages_total.* [1-9]' '$T/stats.txt'"
check "stats: the policy's rule is listed before any message" \
    grep -q '^embargo_rule_messages_total{rule="m-tag"} 0$' "$T/stats.txt"
t_live() { live | grep -q '^embargo_findings_total{finding="macro.vba"} 0$'; }
check "stats --live prints the same counters" t_live
t_live_none() {
	"$EQ" -c "$T/embargo.conf" stats --live --socket "$T/none" > "$T/none.out" 2>&1
	[ $? = 2 ] && grep -q 'live statistics' "$T/none.out"
}
check "stats --live --socket with no daemon there: exit 2" t_live_none

# SO_PEERCRED: open the file mode to all, then ask as an unrelated uid and group.
chmod 666 "$C"
setpriv --reuid=54321 --regid=54321 --clear-groups /usr/bin/python3 "$T/ask.py" "$C" 'stats
' > "$T/peer.txt" 2>&1
check "another uid is refused by SO_PEERCRED, whatever the file mode" \
    sh -c "grep -q '^error: not allowed' '$T/peer.txt' && ! grep -q embargo_ '$T/peer.txt'"
chmod 660 "$C"
setpriv --reuid=54321 --regid=54321 --clear-groups /usr/bin/python3 "$T/ask.py" "$C" 'stats
' > "$T/peer2.txt" 2>&1
check "with mode 0660 another uid cannot even connect" grep -q 'Permission denied' "$T/peer2.txt"

python3 -c 'import sys; sys.stdout.write("x" * 100000)' > "$T/big"
t_big() { ask "$C" "$(cat "$T/big")" | grep -q '^error: request too long'; }
check "an oversize request: 'request too long'" t_big
t_garbage() { ask "$C" "$(printf 'GET / HTTP/1.0\r\n\r\n')" | grep -q '^error: unknown command'; }
check "a garbage line: 'unknown command'" t_garbage
start=$(date +%s)
ask "$C" > "$T/silent.txt"
t_silent() { grep -q '^error: timeout' "$T/silent.txt" && [ $(( $(date +%s) - start )) -le 4 ]; }
check "a silent client is answered 'timeout' within about 2 s" t_silent
cat > "$T/crowd.py" <<'EOF'
import socket, sys, time
held = []
for i in range(4):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); held.append(s)
time.sleep(0.3)
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
try:
    s.sendall(b"stats\n")
except (BrokenPipeError, ConnectionResetError):
    pass
print(s.recv(100).decode())
EOF
t_crowd() { python3 "$T/crowd.py" "$C" > "$T/crowd.txt"; grep -q '^error: busy' "$T/crowd.txt"; }
check "more clients than allowed: the next one gets 'busy'" t_crowd
sleep 2.5
t_after() { em_alive "$T" && ask "$C" 'stats
' | grep -q '^embargo_reloads_total 0$'; }
check "after all that the daemon answers stats" t_after

# One message through the milter, with a hostile Message-ID.
cat > "$T/send.lua" <<'EOF'
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local conn = connect_to(sock)
local h = {}
for _, x in ipairs(MSG_HEADERS) do table.insert(h, x) end
table.insert(h, {"Message-ID", "<q\"b\\s\255\1x@evil>"})
envelope(conn, tag, "<sender@example.org>", {"<r1@example.net>", "<r\"2@example.net>"}, h)
body(conn, chunks(MSG_BODY, 100))
if mt.eom(conn) ~= nil then error("eom failed") end
local r = mt.getreply(conn)
expect(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "tagged and delivered, got " .. tostring(r))
mt.disconnect(conn)
EOF
send() { (cd "$T" && miltertest -D sock="$S" -D root="$EMBARGO_ROOT" -D dir="$T" -D tag="$1" -s "$T/send.lua" > /dev/null 2>&1); }
check "a message is tagged" send MX-JSON-1
cat > "$T/logcheck.py" <<'EOF'
import json, sys
found = 0
for line in open(sys.argv[1], encoding="utf-8", errors="strict"):
    if "]: {" not in line:
        continue
    o = json.loads(line.split("]: ", 1)[1])
    if o.get("queue_id") != sys.argv[2]:
        continue
    found += 1
    assert o["action"] == "tag" and o["rule"] == "m-tag", o
    assert o["to"] == ["r1@example.net", 'r"2@example.net'], o["to"]
    assert o["from"] == "sender@example.org", o
    assert o["message_id"] == '<q"b\\s\ufffd\x01x@evil>', repr(o["message_id"])
    assert o["client_addr"] == "192.0.2.10" and o["client_name"] == "client.example.org", o
    assert isinstance(o["findings"], list) and len(o["findings"]) > 0, o
    assert o["size"] > 0 and o["elapsed_ms"] >= 0 and o["time"].endswith("Z"), o
    assert "would" not in o, o
sys.exit(0 if found == 1 else 1)
EOF
check "log_format json: one line per message, parsed by python3, every field right" \
    python3 "$T/logcheck.py" "$T/embargo.log" MX-JSON-1
t_moved() {
	[ "$(counter 'embargo_messages_total{action="tag"}')" = 1 ] &&
	    [ "$(counter 'embargo_rule_messages_total{rule="m-tag"}')" = 1 ] &&
	    [ "$(counter embargo_message_duration_seconds_count)" = 1 ] &&
	    [ "$(counter 'embargo_messages_total{action="accept"}')" = 0 ]
}
check "the counters moved: tag 1, rule m-tag 1, one latency sample" t_moved

# Reloads: to key=value and observe (counted), then a broken policy (counted as failed).
sed -i 's/^log_format = .*/log_format = "kv";/' "$T/embargo.conf"
printf 'observe = true;\nrules = ( { name = "m-rej"; action = "reject"; } );\n' > "$T/policy.conf"
kill -HUP "$(cat "$T/embargo.pid")"
i=0; while ! grep -q "configuration reloaded" "$T/embargo.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t_reload1() { [ "$(counter embargo_reloads_total)" = 1 ] && [ "$(counter embargo_last_reload_success)" = 1 ]; }
check "a reload is counted" t_reload1
t_rules_kept() {
	[ "$(counter 'embargo_rule_messages_total{rule="m-rej"}')" = 0 ] &&
	    [ "$(counter 'embargo_rule_messages_total{rule="m-tag"}')" = 1 ]
}
check "the new rule is listed, the old one kept with its count" t_rules_kept
check "observe mode: a message is delivered" send MX-KV-2
check "key=value line in observe mode says action=tag would=reject" \
    grep -q 'MX-KV-2: from=<sender@example.org> .* rule=m-rej action=tag would=reject quarantine=- time=' "$T/embargo.log"
echo 'rules = ( { name = "x" ; action = "nonsense"; } );' > "$T/policy.conf"
kill -HUP "$(cat "$T/embargo.pid")"
i=0; while ! grep -q "reload failed" "$T/embargo.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t_reload2() {
	[ "$(counter embargo_reload_failures_total)" = 1 ] &&
	    [ "$(counter embargo_last_reload_success)" = 0 ] &&
	    [ "$(counter embargo_reloads_total)" = 2 ]
}
check "a failed reload is counted and shown" t_reload2
printf 'rules = ( { name = "m-tag"; action = "tag"; } );\n' > "$T/policy.conf"

# embargo-web's /metrics.
"$EQ" -c "$T/embargo.conf" reindex > /dev/null
chown -R nobody "$T/quarantine"
: > "$T/web.log"
"$EMBARGO_BUILD/embargo-web" -c "$T/embargo.conf" > "$T/web.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$T/web.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
curl -s -D "$T/m.h" "$U/metrics" > "$T/m.txt"
check "/metrics on loopback without sign-in: 200, Prometheus content type" \
    sh -c "grep -q '^HTTP/1.1 200' '$T/m.h' && grep -qi '^Content-Type: text/plain; version=0.0.4' '$T/m.h'"
check "/metrics: the daemon is up and its counters are there" \
    sh -c "grep -q '^embargo_daemon_up 1\$' '$T/m.txt' && grep -q '^embargo_messages_total{action=\"tag\"} 2\$' '$T/m.txt'"
check "/metrics: quarantine entries and bytes by state from the store" \
    sh -c "grep -q '^embargo_quarantine_store_up 1\$' '$T/m.txt' && grep -q '^# TYPE embargo_quarantine_entries gauge\$' '$T/m.txt' && grep -q '^# TYPE embargo_quarantine_bytes gauge\$' '$T/m.txt'"
check "/metrics: every sample line is well formed" python3 - "$T/m.txt" <<'EOF'
import re, sys
pat = re.compile(r'^embargo_[a-z0-9_]+(\{[a-z_]+="([^"\\\n]|\\[\\"n])*"\})? ([0-9.e+-]+|\+Inf|NaN)$')
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# HELP embargo_") or line.startswith("# TYPE embargo_"):
        continue
    if not pat.match(line):
        sys.exit("bad line: " + line)
EOF
em_stop "$T" > /dev/null
curl -s "$U/metrics" > "$T/m2.txt"
check "/metrics with the daemon stopped: daemon_up 0, the store part still served" \
    sh -c "grep -q '^embargo_daemon_up 0\$' '$T/m2.txt' && grep -q '^embargo_quarantine_store_up 1\$' '$T/m2.txt' && ! grep -q embargo_messages_total '$T/m2.txt'"
kill "$WPID"; wait "$WPID" 2>/dev/null

# A main listener that is not loopback: /metrics 404 there, served on metrics_listen.
P2=$(free_port); P3=$(free_port)
sed -e "s/^web_listen = .*/web_listen = \"0.0.0.0:$P2\";/" "$T/embargo.conf" > "$T/pub.conf"
: > "$T/web2.log"
"$EMBARGO_BUILD/embargo-web" -c "$T/pub.conf" > "$T/web2.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$T/web2.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "/metrics on a non-loopback web_listen: 404" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/metrics")" = 404
kill "$WPID"; wait "$WPID" 2>/dev/null
sed -i "s/^metrics_listen = .*/metrics_listen = \"127.0.0.1:$P3\";/" "$T/pub.conf"
: > "$T/web3.log"
"$EMBARGO_BUILD/embargo-web" -c "$T/pub.conf" > "$T/web3.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$T/web3.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "metrics_listen serves /metrics without sign-in" \
    sh -c "curl -s 'http://127.0.0.1:$P3/metrics' | grep -q '^embargo_daemon_up 0\$'"
check "metrics_listen serves nothing else" \
    sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:$P3/login')\" = 404 && test \"\$(curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:$P3/metrics?x=1')\" = 404"
check "the main listener still 404s /metrics with metrics_listen set" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/metrics")" = 404
kill "$WPID"; wait "$WPID" 2>/dev/null

sed -e 's/^log_format = .*/log_format = "xml";/' "$T/embargo.conf" > "$T/bad.conf"
check "log_format other than kv or json is refused with its line" \
    sh -c "'$EMBARGO_BUILD/embargo' -t -c '$T/bad.conf' 2>&1 | grep -q 'log_format.*\"kv\" or \"json\"'"
[ -n "${KEEP:-}" ] || rm -rf "$T"
