#!/bin/sh
# run.sh: every Embargo test, in suites; ends with "N passed, N failed".
#
# Suites (EMBARGO_SUITES picks some; default all):
#   unit     cmocka programs build/tests/test_*            (counted per test case)
#   fuzz     fuzz targets replaying seeds and saved crashes (one test per target)
#   cli      tests/cli/t_*.sh: the programs' command lines (ok/not ok lines)
#   corpus   tests/corpus/*.py: embargo-scan on tests/samples (ok/not ok lines)
#   milter   tests/milter/*.lua through miltertest against a live embargo
#   e2e      tests/e2e/*.sh through a private Postfix on loopback (ok/not ok lines)
# Each suite's output goes to $B/test-logs/; failures are printed in full.
set -u
B=${B:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
SUITES=${EMBARGO_SUITES:-"unit fuzz cli corpus milter e2e"}
LOGS=$B/test-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"
case $B in /*) EMBARGO_BUILD=$B ;; *) EMBARGO_BUILD=$ROOT/$B ;; esac
export EMBARGO_BUILD EMBARGO_ROOT="$ROOT"
export EMBARGO_CORPUS="${EMBARGO_CORPUS:-$ROOT/tests/samples}"
passed=0 failed=0

note() { printf '%s\n' "$*"; }
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); note "FAIL: $*"; }

# Count "ok"/"not ok" lines of a TAP-like log; a non-zero exit with no "not ok"
# line is one failure of its own.
count_tap() { # log rc name
	o=$(grep -c '^ok' "$1"); n=$(grep -c '^not ok' "$1")
	passed=$((passed + o)); failed=$((failed + n))
	grep '^not ok' "$1" | sed "s|^|FAIL: $3: |"
	if [ "$2" != 0 ] && [ "$n" = 0 ]; then fail "$3 exited $2"; tail -20 "$1"; fi
	[ "$o" = 0 ] && [ "$n" = 0 ] && [ "$2" = 0 ] && fail "$3 ran no test"
	return 0
}

suite_unit() {
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		n=$(basename "$t"); log=$LOGS/$n.log
		CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1; rc=$?
		o=$(grep -c '^\[       OK \]' "$log"); f=$(grep -c '^\[  FAILED  \] [a-z_]' "$log")
		passed=$((passed + o)); failed=$((failed + f))
		if [ $rc != 0 ] || [ "$f" != 0 ]; then
			[ "$f" = 0 ] && failed=$((failed + 1))
			note "FAIL: unit $n (exit $rc)"; tail -30 "$log"
		fi
	done
}

suite_fuzz() {
	for t in "$B"/tests/regress_*; do
		[ -x "$t" ] || continue
		n=${t##*/regress_}; log=$LOGS/fuzz_$n.log
		if "$t" tests/fuzz/seeds/"$n" tests/fuzz/regress/"$n" >"$log" 2>&1; then
			pass
		else
			fail "fuzz regression $n"; tail -20 "$log"
		fi
	done
}

suite_corpus() {
	for t in tests/corpus/*.py; do
		[ -f "$t" ] || continue
		n=$(basename "$t" .py); log=$LOGS/corpus_$n.log
		python3 "$t" >"$log" 2>&1; count_tap "$log" $? "corpus $n"
	done
}

suite_cli() {
	for t in tests/cli/t_*.sh; do
		[ -f "$t" ] || continue
		n=$(basename "$t" .sh); log=$LOGS/cli_$n.log
		sh -c ". tests/lib.sh; . $t" >"$log" 2>&1; count_tap "$log" $? "cli $n"
	done
}

suite_milter() {
	[ -n "$(ls tests/milter/*.lua 2>/dev/null)" ] || return 0
	sh tests/milter/run.sh >"$LOGS/milter.log" 2>&1; count_tap "$LOGS/milter.log" $? milter
}

suite_e2e() {
	[ -n "$(ls tests/e2e/t_*.sh 2>/dev/null)" ] || return 0
	sh tests/e2e/run.sh >"$LOGS/e2e.log" 2>&1; count_tap "$LOGS/e2e.log" $? e2e
}

for s in $SUITES; do
	before_p=$passed; before_f=$failed
	"suite_$s"
	note "suite $s: $((passed - before_p)) passed, $((failed - before_f)) failed"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
