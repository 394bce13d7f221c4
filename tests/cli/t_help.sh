# t_help.sh: -h, --help and --version on all three programs: usage on standard
# output and exit 0; -V and --version print "NAME X.Y.Z"; an unknown option exits 2.
for p in embargo embargo-scan embargo-quarantine; do
	P=$EMBARGO_BUILD/$p
	for o in -h --help; do
		"$P" $o > "$EMBARGO_BUILD/help.out" 2>/dev/null; rc=$?
		check "$p $o exits 0 ($rc)" test "$rc" = 0
		check "$p $o prints the usage on stdout" grep -q "^usage: $p " "$EMBARGO_BUILD/help.out"
	done
	for o in -V --version; do
		check "$p $o prints its version" sh -c "'$P' $o | grep -qE '^$p [0-9]+\.[0-9]+\.[0-9]+\$'"
	done
	"$P" --no-such-option >/dev/null 2>&1; rc=$?
	check "$p with an unknown option exits 2 ($rc)" test "$rc" = 2
done
rm -f "$EMBARGO_BUILD/help.out"
