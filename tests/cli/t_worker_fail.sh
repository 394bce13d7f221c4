# t_worker_fail.sh: failure is a verdict, not an outage, through the daemon
# (scan_workers = 2, worker_program = the test-only worker): a worker that crashes,
# is killed by seccomp, runs out of memory, hangs or answers garbage ends its message
# with scan.crashed naming the part, the signal and the cause (one log line with the
# queue id), the shipped policy quarantines it, a copy of the crashing part is kept
# under crashes/ (0600, named by its SHA-256), clean mail sent at the same time is
# accepted, and workers that keep dying make the daemon tempfail for the back-off
# window, then recover; worker_backoff_deaths and worker_backoff_seconds set that
# window.
T=$(mktemp -d /tmp/embargo-wfail.XXXXXX)
L=$EMBARGO_BUILD/bench/miltload
trap 'em_stop "$T" >/dev/null; em_stop "$T/b2" >/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
em_config "$T" "scan_workers = 2" "worker_deadline = 3" "worker_memory = \"256M\"" \
    "worker_program = \"$EMBARGO_BUILD/tests/embargo-worker-test\"" "log_level = \"info\""
export EMBARGO_WORKER_QUIET=1
python3 - "$T" <<'PY'
import base64, sys
def mk(name, payload, fname="a.bin"):
    b64 = base64.encodebytes(payload).decode().replace("\n", "\r\n")
    open(f"{sys.argv[1]}/{name}.eml", "w", newline="").write(
        f"From: a@example.org\r\nTo: b@example.net\r\nSubject: {name}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        f"--B\r\nContent-Type: application/octet-stream; name={fname}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--B--\r\n")
# the magic string only appears decoded: the worker dies on part 2, not before
for k in ["CRASH", "SOCKET", "EXEC", "HANG", "OOM"]:
    mk(k, b"some data\n" + f"EMBARGO-TEST-{k}".encode() + b"\n" * 40)
open(f"{sys.argv[1]}/clean.eml", "w", newline="").write(
    "From: a@example.org\r\nTo: b@example.net\r\nSubject: clean\r\n\r\nhello\r\n")
open(f"{sys.argv[1]}/GARBAGE.eml", "w", newline="").write(
    "From: a@example.org\r\nTo: b@example.net\r\nSubject: g\r\n\r\nEMBARGO-TEST-GARBAGE\r\n")
PY
if [ ! -x "$L" ]; then notok "bench/miltload is built (make tests-build)"; exit 1; fi
em_start "$T" "unix:$T/embargo.sock" || { notok "embargo starts with the test worker"; cat "$T/embargo.log"; exit 1; }
send() { "$L" -s "unix:$T/embargo.sock" -c 1 -n "${N:-1}" -l "$@" 2>&1; }
f() { tr ' ' '\n' < "$1" | sed -n "s/^$2=//p"; }
Q="$EMBARGO_BUILD/embargo-quarantine -c $T/embargo.conf"

# a crash while clean mail flows on 2 other connections
"$L" -s "unix:$T/embargo.sock" -c 2 -n 40 -l clean "$T/clean.eml" > "$T/clean.out" 2>&1 &
CP=$!
send crash "$T/CRASH.eml" > "$T/crash.out"
wait $CP
check "a crashing analyser: the message is quarantined (discard)" test "$(f "$T/crash.out" discard)" = 1
check "... scan.crashed names part 2, SIGSEGV and cause crash: one log line with the queue id" \
    test "$(grep -c ': BENCH[0-9]*: scan worker died on this message: part 2: worker killed by SIGSEGV; cause: crash' "$T/embargo.log")" = 1
C=$(ls "$T/quarantine/crashes/" 2>/dev/null | head -1)
check "... the crashing part is kept under crashes/<sha256>.bin" \
    sh -c "test -n '$C' && test \"\$(sha256sum < '$T/quarantine/crashes/$C' | cut -c1-64).bin\" = '$C'"
check "... those are the decoded bytes of part 2" grep -q "^EMBARGO-TEST-CRASH$" "$T/quarantine/crashes/$C"
check "... mode 0600" test "$(stat -c %a "$T/quarantine/crashes/$C" 2>/dev/null)" = 600
check "... the log names the copy" grep -q "copy: crashes/$C" "$T/embargo.log"
check "clean mail at the same time: 40 passed on (continue), none failed" \
    sh -c "test '$(f "$T/clean.out" continue)' = 40 && test '$(f "$T/clean.out" errors)' = 0"

send socket "$T/SOCKET.eml" > "$T/o"; send exec "$T/EXEC.eml" >> "$T/o"
check "socket() and execve(): killed by the filter (SIGSYS), cause seccomp" \
    test "$(grep -c 'part 2: worker killed by SIGSYS; cause: seccomp' "$T/embargo.log")" = 2
sleep 10   # let the back-off window (5 deaths in 10 s) pass between groups
send hang "$T/HANG.eml" > "$T/o"
check "a worker that never answers: SIGKILL at the deadline, cause deadline" \
    grep -q 'part 2: worker killed by SIGKILL; cause: deadline' "$T/embargo.log"
send oom "$T/OOM.eml" > "$T/o"
check "memory exhaustion (RLIMIT_AS): cause memory" grep -q 'part 2: worker killed by SIG[A-Z]*; cause: memory' "$T/embargo.log"
send garbage "$T/GARBAGE.eml" > "$T/o"
check "garbage on the protocol: cause protocol" grep -q 'worker killed by SIGKILL; cause: protocol (malformed report;' "$T/embargo.log"
check "each of them was quarantined (discard), never accepted" \
    test "$(grep -c 'action=quarantine' "$T/embargo.log")" -ge 6
check "crashes/ keeps one copy per distinct input (crash, socket, exec, hang, oom)" \
    test "$(ls "$T/quarantine/crashes" | grep -c '\.bin$')" = 5
check "crashes/ is 0700" test "$(stat -c %a "$T/quarantine/crashes")" = 700
sleep 10

# back-off: 8 crashing messages in a row, then clean mail (miltload counts the
# daemon's "451 4.3.0" reply code under reject; the log says it was a tempfail)
N=8 send crash8 "$T/CRASH.eml" > "$T/b.out"
tf() { grep -c "scan\( worker\)\?: temporary failure; on_error=tempfail" "$T/embargo.log"; }
check "8 crashes in a row: 5 quarantined, then the daemon tempfails (4xx) the other 3" \
    sh -c "test '$(f "$T/b.out" discard)' = 5 && test '$(f "$T/b.out" reject)' = 3 && test $(tf) = 3"
send during "$T/clean.eml" > "$T/d.out"
check "... clean mail too, while the window lasts (tempfail, retried by the MTA)" \
    sh -c "test '$(f "$T/d.out" reject)' = 1 && test $(tf) = 4"
check "... the back-off is logged" grep -q "scan worker unavailable (workers died: .*back-offs: [1-9]" "$T/embargo.log"
sleep 10
send after "$T/clean.eml" > "$T/a.out"
check "after the window: clean mail passes again" sh -c "test '$(f "$T/a.out" continue)' = 1 && test $(tf) = 4"
check "the daemon survived" em_alive "$T"

# the back-off from embargo.conf: 2 deaths in 4 s (a fresh daemon, its own counts)
em_stop "$T" >/dev/null
B2=$T/b2
em_config "$B2" "scan_workers = 2" "worker_deadline = 3" "worker_memory = \"256M\"" \
    "worker_program = \"$EMBARGO_BUILD/tests/embargo-worker-test\"" "log_level = \"info\"" \
    "worker_backoff_deaths = 2" "worker_backoff_seconds = 4"
em_start "$B2" "unix:$B2/embargo.sock" || { notok "embargo starts with worker_backoff_deaths = 2"; cat "$B2/embargo.log"; exit 1; }
send2() { "$L" -s "unix:$B2/embargo.sock" -c 1 -n 1 -l "$@" 2>&1; }
tf2() { grep -c "scan\( worker\)\?: temporary failure; on_error=tempfail" "$B2/embargo.log"; }
send2 one "$T/CRASH.eml" > "$T/b2a.out"
send2 clean1 "$T/clean.eml" > "$T/b2b.out"
check "worker_backoff_deaths = 2: after 1 death clean mail still gets a verdict (continue)" \
    sh -c "test '$(f "$T/b2a.out" discard)' = 1 && test '$(f "$T/b2b.out" continue)' = 1 && test $(tf2) = 0"
send2 two "$T/CRASH.eml" > "$T/b2c.out"
check "... and so does a second crashing message (quarantined, discard)" \
    sh -c "test '$(f "$T/b2c.out" discard)' = 1 && test $(tf2) = 0"
send2 clean2 "$T/clean.eml" > "$T/b2d.out"
check "... after exactly 2 deaths the daemon tempfails (4xx) the next message" \
    sh -c "test '$(f "$T/b2d.out" reject)' = 1 && test $(tf2) = 1"
check "... logged with 2 deaths" grep -q "scan worker unavailable (workers died: 2, back-offs: 1)" "$B2/embargo.log"
sleep 4.5   # past the 4 s window (the default, 10 s, would still back off)
send2 after2 "$T/clean.eml" > "$T/b2e.out"
check "... after worker_backoff_seconds (4) clean mail passes again" \
    sh -c "test '$(f "$T/b2e.out" continue)' = 1 && test $(tf2) = 1"
check "the daemon survived" em_alive "$B2"
