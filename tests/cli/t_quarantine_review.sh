# t_quarantine_review.sh: review without root. The store belongs to user daemon and
# group nogroup (review_group), as the daemon leaves it (dirs 2750, files 0640, the
# release key 0600). User nobody (group nogroup) lists, shows and exports with the
# plain tool; cannot release with it (read-only); releases and deletes through a
# copy installed set-user-id daemon, mode 4750 (the narrow path), which runs
# release_command as daemon with a clean environment, records nobody as the actor,
# refuses -c, admin commands and callers outside the group. The compiled-in config
# path is provided by an overlay on /etc inside a private mount namespace.
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	ok "review without root: SKIP (needs root and mount namespaces)"
	return 0 2>/dev/null || exit 0
fi
T=$(mktemp -d /tmp/embargo-qreview.XXXXXX)
chmod 755 "$T"
Q=$T/quarantine
em_config "$T" "review_group = \"nogroup\"" "release_command = \"$T/release.sh\""
cat > "$T/release.sh" <<EOF
#!/bin/sh
echo "\$(id -un) MAIL_CONFIG=\${MAIL_CONFIG:-unset} \$*" >> "$T/release.log"
cat > /dev/null
EOF
chmod 755 "$T/release.sh"
: > "$T/release.log"; chown daemon "$T/release.log"
mkdir -p "$Q/msg" "$Q/tmp"
head -c 32 /dev/urandom > "$Q/release.key"
for id in 6b100000000000000000000a 6b100000000000000000000b; do
	printf 'From: a@example.org\r\nSubject: review %s\r\n\r\nbody %s\r\n' $id $id > "$Q/msg/$id.eml"
	printf 'embargo-store 1\nid %s\ntime %s\nsize 60\nhas_file 1\nsender a@example.org\nrecipients b@example.net\nsubject review %s\nrule r\nfindings macro.vba@2:x.doc\naction quarantine\nstate quarantined\n' \
	    $id "$(date +%s)" $id > "$Q/msg/$id.meta"
done
"$EMBARGO_BUILD/embargo-quarantine" -c "$T/embargo.conf" reindex > /dev/null
chown -R daemon:nogroup "$Q"
chmod 2750 "$Q" "$Q/msg" "$Q/tmp"
chmod 0640 "$Q"/msg/* "$Q"/index.db*
chmod 0600 "$Q/release.key"
cp "$EMBARGO_BUILD/embargo-quarantine" "$T/eq-suid"
chown daemon:nogroup "$T/eq-suid"
chmod 4750 "$T/eq-suid"

cat > "$T/inner.sh" <<EOF
set -u
. "$EMBARGO_ROOT/tests/lib.sh"
T=$T; Q=$Q
mkdir -p "\$T/up" "\$T/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=\$T/up,workdir=\$T/work" /etc || { notok "overlay on /etc"; exit 0; }
mkdir -p /etc/embargo && cp "\$T/embargo.conf" /etc/embargo/embargo.conf
asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "\$@"; }
EQ="$EMBARGO_BUILD/embargo-quarantine"
asnobody "\$EQ" list > "\$T/out" 2>&1; rc=\$?
check "review group: list without root" sh -c "test \$rc = 0 && grep -q 6b100000000000000000000a '\$T/out'"
asnobody "\$EQ" show 6b100000000000000000000a > "\$T/out" 2>&1
check "review group: show without root" grep -q "parts and findings" "\$T/out"
check "review group: export without root" sh -c "setpriv --reuid=nobody --regid=nogroup --clear-groups '\$EQ' export 6b100000000000000000000a | grep -q 'body 6b100000000000000000000a'"
asnobody "\$EQ" release 6b100000000000000000000a > "\$T/out" 2>&1; rc=\$?
check "review group: the plain tool cannot release (read-only index, exit 2)" test \$rc = 2
check "and delivered nothing" test ! -s "\$T/release.log"
MAIL_CONFIG=/nonexistent asnobody "\$T/eq-suid" release 6b100000000000000000000a > "\$T/out" 2>&1; rc=\$?
check "narrow path: release succeeds" sh -c "test \$rc = 0 && grep -q 'released to 1 recipient' '\$T/out'"
check "narrow path: release_command ran as the store's user, clean environment" \
    grep -q "^daemon MAIL_CONFIG=unset -i -f a@example.org -- b@example.net" "\$T/release.log"
check "narrow path: the release is recorded as done by nobody" \
    sh -c "setpriv --reuid=nobody --regid=nogroup --clear-groups '\$T/eq-suid' show 6b100000000000000000000a 2>&1 | grep -q 'released *by nobody'"
asnobody "\$T/eq-suid" delete 6b100000000000000000000b > "\$T/out" 2>&1; rc=\$?
check "narrow path: delete succeeds" sh -c "test \$rc = 0 && test ! -e '\$Q/msg/6b100000000000000000000b.eml'"
asnobody "\$T/eq-suid" -c "\$T/embargo.conf" list > "\$T/out" 2>&1; rc=\$?
check "narrow path: -c refused" sh -c "test \$rc = 1 && grep -q 'not allowed' '\$T/out'"
asnobody "\$T/eq-suid" purge --older-than 0 > "\$T/out" 2>&1; rc=\$?
check "narrow path: admin commands refused" sh -c "test \$rc = 1 && grep -q 'needs root' '\$T/out'"
chmod 4755 "\$T/eq-suid"
setpriv --reuid=nobody --regid=daemon --clear-groups "\$T/eq-suid" list > "\$T/out" 2>&1; rc=\$?
check "narrow path: a caller outside review_group is refused" sh -c "test \$rc = 1 && grep -q 'not a member of review_group' '\$T/out'"
EOF
unshare -m sh "$T/inner.sh"
[ -n "${KEEP:-}" ] || rm -rf "$T"
