# t_metrics.sh: `curl /metrics` shows the counters moving as test mails pass. With
# embargo-web (as nobody, loopback, no sign-in) reading the e2e daemon's control
# socket (its group given to nobody's group), /metrics is scraped, a clean mail and
# a macro mail go through the private Postfix, and /metrics is scraped again: every
# action, rule and finding counter moved by exactly what these two mails make
# (accept and quarantine one each; the default "-" and the rule embargo-scan names
# for the macro mail one each; each finding embargo-scan reports for the two files,
# with the same config, as often as it reports it; nothing else), two latency
# samples, at least the two files' bytes, and one more quarantined entry.
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null; then
	ok "metrics through Postfix: SKIP (needs root and user nobody)"
	return 0 2>/dev/null || exit 0
fi
X=$DIR/metrics
mkdir -p "$X"
XP=$(free_port)
clean=$X/clean.eml
macro=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
printf 'From: sender@example.org\r\nTo: rcpt@example.net\r\nSubject: e2e metrics clean\r\n\r\nNothing here.\r\n' > "$clean"
sed -e "/^user = /d" -e "/^web_/d" "$DIR/embargo.conf" > "$X/embargo.conf"
printf 'user = "nobody";\nweb_listen = "127.0.0.1:%s";\nweb_users = "%s/web_users";\n' \
    "$XP" "$X" >> "$X/embargo.conf"
: > "$X/web_users"
CTL=$(sed -n 's/^control_socket = "\(.*\)";/\1/p' "$DIR/embargo.conf")
ctl_group=$(stat -c %g "$CTL")
chgrp "$(id -gn nobody)" "$CTL"
qowner=$(stat -c %u:%g "$DIR/quarantine")
chown -R nobody "$DIR/quarantine"
"$EMBARGO_BUILD/embargo-web" -c "$X/embargo.conf" > "$X/web.log" 2>&1 &
XPID=$!
i=0; while ! grep -q "listening on" "$X/web.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

curl -s "http://127.0.0.1:$XP/metrics" > "$X/before.txt"
check "curl /metrics (no sign-in, loopback): the daemon answers" \
    grep -q '^embargo_daemon_up 1$' "$X/before.txt"
send "$clean" > "$X/clean.swaks"
CQID=$(qid_of "$X/clean.swaks")
send "$macro" > "$X/macro.swaks"
MQID=$(qid_of "$X/macro.swaks")
check "the macro mail is quarantined ($MQID)" wait_log "$MQID: milter-discard"
check "the clean mail is delivered ($CQID)" wait_log "$CQID: to=<rcpt@example.net>.*status=sent"
curl -s "http://127.0.0.1:$XP/metrics" > "$X/after.txt"
"$EMBARGO_BUILD/embargo-scan" -c "$DIR/embargo.conf" --json "$clean" "$macro" > "$X/scan.json"

check "the counters moved by exactly what the two mails make" python3 - "$X" <<'EOF'
import json, re, sys
x = sys.argv[1]
def parse(path):
    out = {}
    for line in open(path):
        m = re.match(r'^(embargo_[a-z0-9_]+(?:\{[^}]*\})?) (\S+)$', line.strip())
        if m:
            out[m.group(1)] = float(m.group(2))
    return out
before, after = parse(x + "/before.txt"), parse(x + "/after.txt")
scans = [json.loads(l) for l in open(x + "/scan.json") if l.strip()]
assert len(scans) == 2 and scans[0]["action"] == "accept" and scans[1]["action"] == "quarantine", scans
want = {'embargo_messages_total{action="accept"}': 1,
        'embargo_messages_total{action="quarantine"}': 1,
        'embargo_rule_messages_total{rule="-"}': 1,
        'embargo_rule_messages_total{rule="%s"}' % scans[1]["rule"]: 1}
for s in scans:
    for f in s["findings"]:
        name = "yara.*" if f["name"].startswith("yara.") else f["name"]
        key = 'embargo_findings_total{finding="%s"}' % name
        want[key] = want.get(key, 0) + 1
        if name.endswith(".limit"):
            key = 'embargo_limits_hit_total{limit="%s"}' % name
            want[key] = want.get(key, 0) + 1
bad = []
for k in after:
    if not re.match(r'embargo_(messages|rule_messages|findings|limits_hit)_total\{', k):
        continue
    d = after[k] - before.get(k, 0)
    if d != want.get(k, 0):
        bad.append("%s moved by %g, want %g" % (k, d, want.get(k, 0)))
for k in want:
    if k not in after:
        bad.append("%s missing" % k)
d = lambda k: after.get(k, 0) - before.get(k, 0)
if d("embargo_message_duration_seconds_count") != 2:
    bad.append("latency samples moved by %g" % d("embargo_message_duration_seconds_count"))
size = sum(len(open(f, "rb").read()) for f in (x + "/clean.eml", scans[1]["file"]))
if d("embargo_bytes_scanned_total") < size:
    bad.append("bytes moved by %g < %d" % (d("embargo_bytes_scanned_total"), size))
if d("embargo_parts_scanned_total") < sum(len(s["parts"]) for s in scans):
    bad.append("parts moved by %g" % d("embargo_parts_scanned_total"))
if d('embargo_quarantine_entries{state="quarantined"}') != 1:
    bad.append("quarantined entries moved by %g" % d('embargo_quarantine_entries{state="quarantined"}'))
if bad:
    sys.exit("\n".join(bad))
EOF
kill "$XPID"; wait "$XPID" 2>/dev/null
chown -R "$qowner" "$DIR/quarantine"
chgrp "$ctl_group" "$CTL"
