#!/bin/sh
# run.sh: make test-package. The .deb installed into a clean Debian 12 root, once
# with Postfix (default master.cf: chrooted smtpd) and once with Sendmail, mail
# moved through each, then purged (tests/package/inside.sh does the work).
# Usage: tests/package/run.sh DEB
# Each root is a fresh copy of the cached tarball (tests/package/mkroot.sh) run in
# its own mount, pid, net and uts namespaces: loopback only, /proc mounted inside
# and gone with the namespace, every process killed when it ends, even on failure.
# Output: ok/not ok lines, then "N passed, N failed"; exit 1 on any failure.
# EMBARGO_PACKAGE_MTAS picks some of "postfix sendmail" (default both).
# Limits: root, unshare(1) and debootstrap; about 1.6 GB free in /var/tmp.
set -u
DEB=${1:?usage: run.sh DEB}
HERE=$(cd "$(dirname "$0")" && pwd)
LOGS=${EMBARGO_PACKAGE_LOGS:-build/test-logs}
mkdir -p "$LOGS"
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit; }

if [ -f "$DEB" ]; then ok "package built: $DEB"; else notok "package built: $DEB missing"; finish; fi
# the .deb's Depends, as names (versions and alternatives dropped)
DEPS=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed -e 's/[(|].*//' -e 's/ //g' | sort -u)
# shellcheck disable=SC2086
if TAR=$(sh "$HERE/mkroot.sh" $DEPS 2>"$LOGS/package_mkroot.log"); then
	ok "clean Debian 12 root: $TAR"
else
	notok "clean Debian 12 root could not be made"; cat "$LOGS/package_mkroot.log"; finish
fi

R=""
cleanup() {
	[ -n "$R" ] || return 0
	# The mounts lived in the namespace; refuse to delete through one left over.
	if grep -q " $R/" /proc/mounts; then echo "# mounts left under $R: kept"; return 0; fi
	rm -rf "$R"
}
trap 'cleanup; exit 1' INT TERM
for mta in ${EMBARGO_PACKAGE_MTAS:-postfix sendmail}; do
	R=$(mktemp -d /var/tmp/embargo-pkg.XXXXXX)
	log=$LOGS/package_$mta.log
	tar -C "$R" -xf "$TAR" && mkdir -p "$R/tmp/t" && cp "$DEB" "$R/tmp/t/embargo.deb" &&
	    cp "$HERE/inside.sh" "$R/tmp/t/" && python3 "$HERE/mkmail.py" "$R/tmp/t"
	timeout 900 unshare --mount --uts --ipc --net --pid --fork --propagation private \
	    sh -c 'mount -t proc proc "$1/proc" && ip link set lo up && hostname mail.test.example &&
	        exec chroot "$1" /bin/sh /tmp/t/inside.sh "$2"' sh "$R" "$mta" >"$log" 2>&1
	rc=$?
	grep -E '^(ok|not ok) ' "$log"
	o=$(grep -c '^ok ' "$log"); n=$(grep -c '^not ok ' "$log")
	passed=$((passed + o)); failed=$((failed + n))
	[ "$rc" = 0 ] || notok "$mta: the root's run ended with status $rc"
	[ "$o" -gt 0 ] || notok "$mta: no test ran in the root"
	if [ "$n" != 0 ] || [ "$rc" != 0 ]; then grep -v -E '^(ok|not ok) ' "$log" | tail -40; fi
	cleanup; R=""
done
finish
