# t_sandbox.sh: embargo-scan --sandbox through embargo-worker: the same verdicts as
# in-process, and a worker that misbehaves (the test-only worker, built with
# -DEMBARGO_TEST_ANALYSERS: crash, escape attempts, hang, memory, garbage) ends its
# message with scan.crashed, or a tempfail, never an accept, without touching the
# next message; workers that keep dying make the pool back off (tempfail).
T=$(mktemp -d /tmp/embargo-sandbox.XXXXXX)
S=$EMBARGO_BUILD/embargo-scan
W=$EMBARGO_BUILD/tests/embargo-worker-test
em_config "$T" "worker_deadline = 3" "worker_memory = \"512M\""
C=$T/embargo.conf
export EMBARGO_WORKER_QUIET=1

mk() {   # mk NAME BODY-LINE: a small message with one text part
	printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: t\r\n\r\n%s\r\n' "$2" > "$T/$1.eml"
}
mk clean "hello world"
for k in CRASH OPEN STAT SIGNAL SOCKET EXEC HANG OOM GARBAGE; do mk "$k" "EMBARGO-TEST-$k"; done

for f in $(ls "$EMBARGO_ROOT"/tests/samples/eml/vba_macro/*.eml | head -3) "$T/clean.eml"; do
	"$S" -c "$C" --json --in-process "$f" > "$T/in.json" 2>&1
	"$S" -c "$C" --json --worker "$EMBARGO_BUILD/embargo-worker" "$f" > "$T/sb.json" 2>&1
	check "same JSON in the sandbox: $(basename "$f")" cmp -s "$T/in.json" "$T/sb.json"
done

"$S" -c "$C" --worker "$W" "$T/CRASH.eml" "$T/clean.eml" > "$T/out" 2>&1
check "a crashing parser gives scan.crashed (part 1, SIGSEGV, cause crash)" grep -q "scan.crashed (high): part 1: worker killed by SIGSEGV; cause: crash (worker died" "$T/out"
check "... which the shipped policy quarantines" grep -q "CRASH.eml: quarantine by rule quarantine-crashed" "$T/out"
check "... and the next message is unaffected" grep -q "clean.eml: accept" "$T/out"

"$S" -c "$C" --worker "$W" "$T/SOCKET.eml" > "$T/out" 2>&1
check "socket() kills the worker (SIGSYS, cause seccomp)" grep -q "killed by SIGSYS; cause: seccomp" "$T/out"
"$S" -c "$C" --worker "$W" "$T/EXEC.eml" > "$T/out" 2>&1
check "execve() kills the worker (SIGSYS, cause seccomp)" grep -q "killed by SIGSYS; cause: seccomp" "$T/out"
"$S" -c "$C" --worker "$W" "$T/OPEN.eml" > "$T/out" 2>&1; rc=$?
check "open() of a path is refused (the scan goes on: accept)" sh -c "test $rc = 0 && grep -q 'OPEN.eml: accept' '$T/out'"

"$S" -c "$C" --worker "$W" "$T/STAT.eml" > "$T/out" 2>&1; rc=$?
check "fstatat() of a path finds nothing (an empty root; the scan goes on: accept)" sh -c "test $rc = 0 && grep -q 'STAT.eml: accept' '$T/out'"
"$S" -c "$C" --worker "$W" "$T/SIGNAL.eml" "$T/clean.eml" > "$T/out" 2>&1; rc=$?
check "setrlimit or a signal on its parent kills the worker (SIGSYS, cause seccomp)" grep -q "killed by SIGSYS; cause: seccomp" "$T/out"
check "... and the parent lives on to the next message" grep -q "clean.eml: accept" "$T/out"

"$S" -c "$C" --worker "$W" "$T/HANG.eml" "$T/clean.eml" > "$T/out" 2>&1
check "a worker that never answers: deadline, scan.crashed" grep -q "scan.crashed (high): part 1: worker killed by SIGKILL; cause: deadline (deadline passed" "$T/out"
check "... and the next message is unaffected" grep -q "clean.eml: accept" "$T/out"

"$S" -c "$C" --worker "$W" "$T/OOM.eml" > "$T/out" 2>&1
check "memory exhaustion in a worker: scan.crashed" grep -q "OOM.eml: quarantine by rule quarantine-crashed" "$T/out"
check "... cause memory" grep -q "scan.crashed (high): part 1: worker killed by SIG[A-Z]*; cause: memory" "$T/out"

"$S" -c "$C" --worker "$W" "$T/GARBAGE.eml" "$T/clean.eml" > "$T/out" 2>&1
check "garbage on the protocol: scan.crashed" grep -q "scan.crashed (high): part [0-9]*: worker killed by SIGKILL; cause: protocol (malformed report" "$T/out"
check "... and the next message is unaffected" grep -q "clean.eml: accept" "$T/out"

"$S" -c "$C" --worker "$W" "$T/CRASH.eml" "$T/CRASH.eml" "$T/CRASH.eml" "$T/CRASH.eml" \
    "$T/CRASH.eml" "$T/CRASH.eml" "$T/clean.eml" > "$T/out" 2>&1
check "five deaths in 10 s: the pool backs off (tempfail)" \
    sh -c "test \$(grep -c 'by rule quarantine-crashed' '$T/out') = 5 && grep -q 'CRASH.eml: temporary failure' '$T/out' && grep -q 'clean.eml: temporary failure' '$T/out'"
check "no misbehaving message was ever accepted" sh -c "! grep -E '(CRASH|SIGNAL|SOCKET|EXEC|HANG|OOM|GARBAGE).eml: accept' '$T/out'"

rm -rf "$T"
