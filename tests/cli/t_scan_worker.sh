# t_scan_worker.sh: embargo-scan parses in a sandboxed embargo-worker by default
# (issue 18): messages, --raw attachments and --rules all reach the worker. Proved
# with the test-only worker (EMBARGO_WORKER, built with -DEMBARGO_TEST_ANALYSERS):
# a message asking it to call socket() is killed by seccomp (SIGSYS) only when the
# scan ran in that worker; --in-process (debugging) runs no worker at all.
T=$(mktemp -d /tmp/embargo-scanw.XXXXXX)
S=$EMBARGO_BUILD/embargo-scan
em_config "$T"
C=$T/embargo.conf
export EMBARGO_WORKER_QUIET=1
printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: t\r\n\r\nEMBARGO-TEST-SOCKET\r\n' > "$T/sock.eml"
printf 'EMBARGO-TEST-SOCKET and more text\n' > "$T/sock.txt"

EMBARGO_WORKER=$EMBARGO_BUILD/tests/embargo-worker-test "$S" -c "$C" "$T/sock.eml" > "$T/out" 2>&1
check "by default a message is parsed in the seccomp-filtered worker (SIGSYS)" \
    grep -q "scan.crashed (high): .*killed by SIGSYS" "$T/out"
EMBARGO_WORKER=$EMBARGO_BUILD/tests/embargo-worker-test "$S" -c "$C" --raw "$T/sock.txt" > "$T/out" 2>&1
check "--raw attachments are parsed in the worker too" \
    grep -q "scan.crashed (high): .*killed by SIGSYS" "$T/out"
EMBARGO_WORKER=$EMBARGO_BUILD/tests/embargo-worker-test "$S" -c "$C" --in-process "$T/sock.eml" > "$T/out" 2>&1
check "--in-process runs no worker (accept, no scan.crashed)" \
    sh -c "grep -q 'sock.eml: accept' '$T/out' && ! grep -q scan.crashed '$T/out'"

mkdir -p "$T/rules"
printf 'rule t_scan_worker_marker { strings: $a = "ZQX-MARKER-7731" condition: $a }\n' > "$T/rules/m.yar"
printf 'ZQX-MARKER-7731\n' > "$T/marker.txt"
"$S" -c "$C" --json --raw --rules "$T/rules/m.yar" "$T/marker.txt" > "$T/sb.json" 2>&1
"$S" -c "$C" --json --raw --rules "$T/rules/m.yar" --in-process "$T/marker.txt" > "$T/in.json" 2>&1
check "--rules reach the worker (the extra rule matches)" grep -q "t_scan_worker_marker" "$T/sb.json"
check "... with the same JSON as in-process" cmp -s "$T/sb.json" "$T/in.json"
printf 'rule broken { condition: nonsense_here }\n' > "$T/rules/b.yar"
"$S" -c "$C" --raw --rules "$T/rules/b.yar" "$T/marker.txt" > "$T/out" 2>&1; rc=$?
check "a --rules file that does not compile is an error, never an accept" \
    sh -c "test $rc != 0 && ! grep -q ': accept' '$T/out'"
rm -rf "$T"
