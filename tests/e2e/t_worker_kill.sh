# t_worker_kill.sh: random kill -9 of scan workers under load, through a real
# Postfix. A private Postfix and embargo (scan_workers = 2) of its own; WKILL_N
# messages (default 1000: a third macro documents, a third small texts, a third
# clean zips) from a 4-thread sender (fleet_load.py's) that keeps what gets a 4xx,
# while a loop kill -9's an embargo-worker every 0.05 to 0.3 s: one time in four at
# random, the others caught in the middle of a message. Then the killer stops, the
# back-off window passes, the sender retries what it kept and the Postfix queue is
# flushed. Asserted: every message ends delivered or quarantined, exactly once
# (delivered + quarantined = N, none lost, none twice), none rejected, no macro
# document delivered, every clean message delivered or quarantined as scan.crashed
# (a kill is a verdict, not an outage), and workers were really killed mid-scan.
# Prints the figures (counts, kills, seconds) as a comment line.
N=${WKILL_N:-1000}
W=$(mktemp -d /tmp/embargo-wkill.XXXXXX); chmod 755 "$W"
LOAD="python3 $EMBARGO_ROOT/tests/e2e/wkill_load.py"
CLEAN=$W/clean.eml; MACRO=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
ZIP=$EMBARGO_CORPUS/eml/clean/test.zip.eml
printf 'From: sender@example.org\r\nTo: rcpt@example.net\r\n\r\nclean message\r\n' > "$CLEAN"
wk_cleanup() {
	kill "$KP" 2>/dev/null
	pf_stop; em_stop "$W" >/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
KP=
trap wk_cleanup EXIT
em_config "$W" "scan_workers = 2" "worker_deadline = 20" "log_level = \"info\""
if ! em_start "$W" "unix:$W/embargo.sock"; then notok "wkill: embargo starts with workers"; exit 1; fi
pf_setup "$W" "unix:$W/embargo.sock"
if ! pf_start; then notok "wkill: its postfix starts"; exit 1; fi
P=$(cat "$W/embargo.pid")
(   # the killer (python: polling /proc every millisecond from a shell is too slow)
	exec python3 - "$P" "$W/kills" <<'KILLER'
import os, random, signal, sys, time
daemon, log = int(sys.argv[1]), sys.argv[2]
def workers():  # the daemon's embargo-worker children (forked by any of its threads)
    if not os.path.exists("/proc/%d" % daemon):
        return None
    out = []
    for k in os.listdir("/proc"):
        if not k.isdigit():
            continue
        try:
            st = open("/proc/%s/stat" % k).read()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        if int(f[1]) == daemon and st[st.index("(") + 1:st.rindex(")")] == "embargo-worker":
            out.append(int(k))
    return out
# In the middle of a message: not waiting for a request in poll(7), ppoll(271) or
# recvmsg(47) (a message in memory sits in the worker's arena, mapped all its life,
# so its mappings no longer tell).
def busy(pid):
    try:
        s = open("/proc/%d/syscall" % pid).read().split()
    except OSError:
        return False
    return bool(s) and s[0] not in ("7", "271", "47")
while True:
    time.sleep(random.uniform(0.05, 0.3))
    ws = workers()
    if ws is None:
        break
    w = None
    if random.randrange(4) == 0:
        w = random.choice(ws) if ws else None
    else:
        end = time.monotonic() + 1
        while w is None and time.monotonic() < end:
            b = [x for x in (workers() or []) if busy(x)]
            w = random.choice(b) if b else None
            if w is None:
                time.sleep(0.001)
    if w is not None:
        try:
            os.kill(w, signal.SIGKILL)
            open(log, "a").write("kill %d\n" % w)
        except OSError:
            pass
KILLER
) & KP=$!
OUT=$W/load.out; : > "$OUT"; : > "$W/kills"
t0=$(date +%s)
$LOAD send "$OUT" "$N" "$PF_PORT" "$CLEAN" "$MACRO" "$ZIP"
t1=$(date +%s)
kill "$KP" 2>/dev/null; wait "$KP" 2>/dev/null; KP=
kills=$(wc -l < "$W/kills")
deferred1=$(grep -c deferred "$OUT")
# the killer has stopped: let the back-off window pass, retry what was kept
sleep 11
rounds=0
while grep -q deferred "$OUT" && [ $rounds -lt 5 ]; do
	left=$(awk '{ last[$1] = $2 } END { for (i in last) if (last[i] == "deferred") n++; print n + 0 }' "$OUT")
	[ "$left" = 0 ] && break
	$LOAD retry "$OUT" "$PF_PORT" "$CLEAN" "$MACRO" "$ZIP"; rounds=$((rounds + 1))
done
postqueue -c "$PF/etc" -f >/dev/null 2>&1
i=0; while postqueue -c "$PF/etc" -p 2>/dev/null | grep -q '^[0-9A-F]' && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
t2=$(date +%s)
cat "$SINK"/* 2>/dev/null | sed -n 's/^Message-I[Dd]: <wkill-\([0-9]*\)@e2e\.test>.*/\1/p' | sort -n > "$W/d"
sqlite3 "$W/quarantine/index.db" "SELECT message_id, findings FROM quarantine" |
    sed -n 's/^<wkill-\([0-9]*\)@e2e\.test>|\(.*\)$/\1 \2/p' | sort -n > "$W/qf"
cut -d' ' -f1 "$W/qf" > "$W/q"
nd=$(wc -l < "$W/d"); nq=$(wc -l < "$W/q")
left=$(awk '{ last[$1] = $2 } END { for (i in last) if (last[i] != "accepted") n++; print n + 0 }' "$OUT")
died=$(grep -c 'scan worker died on this message' "$W/embargo.log")
echo "# wkill: N=$N kills=$kills died-mid-scan=$died deferred-first-pass=$deferred1 delivered=$nd quarantined=$nq still-kept=$left send $((t1 - t0)) s, total $((t2 - t0)) s"
check "wkill: the sender got a final answer for all $N" test "$(cut -d' ' -f1 "$OUT" | sort -u | wc -l)" = "$N"
check "wkill: no message rejected (5xx)" sh -c "! grep -q rejected '$OUT'"
check "wkill: nothing still kept after the retries" test "$left" = 0
check "wkill: delivered + quarantined = $N, each exactly once (none lost)" \
    sh -c "test \"\$(sort -n '$W/d' '$W/q' | uniq | wc -l)\" = $N && test $((nd + nq)) = $N"
check "wkill: no macro document delivered" test -z "$(awk '$1 % 3 == 0' "$W/d")"
check "wkill: every macro document quarantined" test "$(awk '$1 % 3 == 0' "$W/q" | wc -l)" = "$(( N / 3 ))"
check "wkill: a clean message quarantined only as scan.crashed (its worker was killed)" \
    test -z "$(awk '$1 % 3 != 0 && $2 !~ /scan\.crashed/' "$W/qf")"
check "wkill: workers were killed during the run ($kills)" test "$kills" -gt 0
check "wkill: some scans were ended by a kill ($died)" test "$died" -gt 0
check "wkill: kills kept no crash copy (not the input's fault)" test ! -d "$W/quarantine/crashes" -o -z "$(ls "$W/quarantine/crashes" 2>/dev/null)"
check "wkill: the daemon survived" em_alive "$W"
