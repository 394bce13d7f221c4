# t_lint_daemon.sh: the daemon links no format parser (issue 18): contrib/lint-daemon.sh
# passes on build/embargo, and fails (naming parser symbols and libraries) on a
# program that does link them (embargo-scan), so the check can fail.
T=$(mktemp -d /tmp/embargo-lintd.XXXXXX)
L=$EMBARGO_ROOT/contrib/lint-daemon.sh
check "lint-daemon passes on the daemon" sh "$L" "$EMBARGO_BUILD/embargo"
sh "$L" "$EMBARGO_BUILD/embargo-scan" > "$T/scan.out" 2>&1; rc=$?
check "lint-daemon fails on a program that links the parsers" [ "$rc" = 1 ]
check "it names a parser library" grep -qE 'needs lib(archive|magic|yara)' "$T/scan.out"
check "it names a parser symbol" grep -q 'contains parser symbol' "$T/scan.out"
check "the daemon needs no parser library" \
    sh -c "! readelf -d '$EMBARGO_BUILD/embargo' | grep -qE 'lib(archive|magic|yara|ytnef)'"
rm -rf "$T"
