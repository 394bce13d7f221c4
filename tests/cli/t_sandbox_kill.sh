# t_sandbox_kill.sh: 1,000 messages through the daemon with scan_workers = 2 while
# workers are killed with SIGKILL at random moments. Every message carries an
# executable (the shipped policy rejects it; a killed scan is quarantined; a pool
# backing off tempfails): none may be accepted, none lost, no protocol error.
T=$(mktemp -d /tmp/embargo-sbkill.XXXXXX)
L=$EMBARGO_BUILD/bench/miltload
trap 'kill $KP 2>/dev/null; em_stop "$T" >/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
em_config "$T" "scan_workers = 2" "log_level = \"notice\""
export EMBARGO_WORKER=$EMBARGO_BUILD/embargo-worker EMBARGO_WORKER_QUIET=1
python3 - "$T" <<'PY'
import base64, sys
exe = b"MZ" + b"\x90" * 62 + b"PE\0\0" + bytes(range(256)) * 8
for i, name in enumerate(["setup.exe", "invoice.pdf.exe", "a.scr"]):
    b64 = base64.encodebytes(exe).decode().replace("\n", "\r\n")
    open(f"{sys.argv[1]}/m{i}.eml", "w", newline="").write(
        "From: a@example.org\r\nTo: b@example.net\r\nSubject: kill test\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        f"--B\r\nContent-Type: application/octet-stream; name={name}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--B--\r\n")
PY
if [ ! -x "$L" ]; then notok "bench/miltload is built (make tests-build)"; exit 1; fi
em_start "$T" "unix:$T/embargo.sock" || { notok "embargo starts with scan_workers = 2"; cat "$T/embargo.log"; exit 1; }
P=$(cat "$T/embargo.pid")
(   # the killer: a random worker every 0.01 to 0.05 s (at this rate the back-off
	# starts mid-run; a lost wakeup in the pool once left messages unanswered)
	while kill -0 "$P" 2>/dev/null; do
		sleep "0.0$(shuf -i 1-5 -n 1)"
		w=$(pgrep -P "$P" | shuf -n 1)
		[ -n "$w" ] && kill -9 "$w" 2>/dev/null && echo kill >> "$T/kills"
	done
) & KP=$!
"$L" -s "unix:$T/embargo.sock" -c 8 -n 1000 -l kill "$T"/m*.eml > "$T/out" 2>&1
kill $KP 2>/dev/null
cat "$T/out"
f() { tr ' ' '\n' < "$T/out" | sed -n "s/^$1=//p"; }
check "1,000 messages ended" test "$(f msgs)" = 1000
check "no protocol errors" test "$(f errors)" = 0
check "never accepted (accept=0)" test "$(f accept)" = 0
check "never passed on (continue=0, other=0)" sh -c "test '$(f continue)' = 0 && test '$(f other)' = 0"
check "every message: reject, quarantine or tempfail" \
    test $(( $(f reject) + $(f discard) + $(f tempfail) )) = 1000
touch "$T/kills"
check "workers were killed during the run" test "$(wc -l < "$T/kills")" -gt 0
# a kill mid-scan quarantines (discard) and logs it; a kill of an idle worker is
# retried with a new one (no verdict): as many quarantines as logged deaths
check "each scan ended by a kill was logged and quarantined" \
    test "$(f discard)" = "$(grep -c 'died on this message' "$T/embargo.log")"
check "the daemon survived" em_alive "$T"
echo "# kills: $(wc -l < "$T/kills"); $(grep -c 'died on this message' "$T/embargo.log") scans ended by a kill"
