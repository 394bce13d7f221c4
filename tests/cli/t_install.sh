# t_install.sh: make install and make uninstall into a DESTDIR (no root needed).
T=$(mktemp -d /tmp/embargo-install.XXXXXX)
D=$T/root
mk() { make -s --no-print-directory -C "$EMBARGO_ROOT" B="$EMBARGO_BUILD" "$@" >>"$T/make.log" 2>&1; }

check "make install DESTDIR= succeeds" mk install DESTDIR="$D"
L=$D/usr/local
check "PREFIX defaults to /usr/local: programs in sbin and bin" \
    test -x "$L/sbin/embargo" -a -x "$L/sbin/embargo-quarantine" -a -x "$L/bin/embargo-scan"
check "man pages in sections 1, 5 and 8" test -f "$L/share/man/man1/embargo-scan.1" \
    -a -f "$L/share/man/man5/embargo.conf.5" -a -f "$L/share/man/man8/embargo.8" \
    -a -f "$L/share/man/man8/embargo-quarantine.8" \
    -a -f "$L/share/man/man8/embargo-worker.8"
em_config "$T" "log_level = \"notice\""
(unset EMBARGO_WORKER; "$L/sbin/embargo" -t -c "$T/embargo.conf" > "$T/t.out" 2>&1)
check "the installed daemon finds its worker under PREFIX/libexec/embargo (-t runs it)" \
    grep -q "embargo-worker: [0-9]* YARA rules" "$T/t.out"
U=$L/lib/systemd/system/embargo.service
check "the unit is installed" test -f "$U"
check "the unit's ExecStart names the installed program" \
    grep -qx 'ExecStart=/usr/local/sbin/embargo .*-c /etc/embargo/embargo.conf.*' "$U"
# Every absolute program the unit runs exists in the DESTDIR or on this system.
bad=""
for p in $(sed -n 's/^Exec[A-Za-z]*=[-@+!:]*\([^ ]*\).*/\1/p' "$U"); do
	[ -x "$D$p" ] || [ -x "$p" ] || bad="$bad $p"
done
check "every program the unit runs is installed (missing:$bad)" test -z "$bad"
check "no /usr/sbin path left in the unit" sh -c "! grep -q '/usr/sbin/embargo' '$U'"
check "logrotate file in /etc/logrotate.d" test -f "$D/etc/logrotate.d/embargo"
check "config, policy and rules under /etc/embargo" test -f "$D/etc/embargo/embargo.conf" \
    -a -f "$D/etc/embargo/policy.conf" -a -f "$D/etc/embargo/rules/vba_download_exec.yar"
# The man pages and policy.conf point at policy.md where it was installed.
refs=$(cat "$L"/share/man/man*/* "$D/etc/embargo/policy.conf" |
    grep -o '/[^ ]*policy\.md' | sort -u)
check "man pages name policy.md by its installed path ($refs)" \
    test "$refs" = /usr/local/share/doc/embargo/policy.md
check "policy.md is installed there" test -f "$L/share/doc/embargo/policy.md"
check "the Postfix and Sendmail snippets are installed" \
    test -f "$L/share/doc/embargo/examples/postfix-main.cf" \
    -a -f "$L/share/doc/embargo/examples/sendmail.mc"

# An admin's edits survive a second install; uninstall keeps them.
echo '# admin was here' >> "$D/etc/embargo/policy.conf"
echo '# admin' >> "$D/etc/logrotate.d/embargo"
mk install DESTDIR="$D"
check "a second install keeps the admin's policy.conf" \
    grep -q '^# admin was here' "$D/etc/embargo/policy.conf"
check "a second install keeps the admin's logrotate file" grep -q '^# admin' "$D/etc/logrotate.d/embargo"
check "make uninstall succeeds" mk uninstall DESTDIR="$D"
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
check "uninstall leaves only the admin's edited files ($left)" \
    test "$left" = "./etc/embargo/policy.conf ./etc/logrotate.d/embargo "

# PREFIX=/usr: the unit follows.
check "make install PREFIX=/usr succeeds" mk install DESTDIR="$T/usr" PREFIX=/usr
check "with PREFIX=/usr the unit runs /usr/sbin/embargo" \
    grep -q '^ExecStart=/usr/sbin/embargo ' "$T/usr/usr/lib/systemd/system/embargo.service"
mk uninstall DESTDIR="$T/usr" PREFIX=/usr
left=$(cd "$T/usr" && find . -type f | wc -l)
check "uninstall of an untouched PREFIX=/usr install leaves no file ($left)" test "$left" = 0
rm -rf "$T"
