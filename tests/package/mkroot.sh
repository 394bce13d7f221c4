#!/bin/sh
# mkroot.sh: a clean Debian 12 (bookworm) root for the package tests, cached as a
# tarball outside git and reused while its key is unchanged.
#
# Usage: tests/package/mkroot.sh [PACKAGE...]
# PACKAGEs: the .deb's own Depends (run.sh passes them), downloaded into the root
# too, so a new run-time library never needs the network inside the test.
# Prints the tarball's path. The tarball is a debootstrap minbase root with apt's
# lists and, downloaded but not installed, the packages the tests install later:
# the package's run-time libraries, Postfix, Sendmail and swaks. So installing
# them in a test needs no network, and is still done the way an admin would.
#
# Key: this script's text, the mirror and the PACKAGEs. A new key builds a new tarball
# and removes the old ones. Cache folder: $EMBARGO_ROOT_CACHE, default
# /var/cache/embargo-test. First build: a few minutes (the mirror's speed).
#
# Limits: needs root, debootstrap and the network to the Debian mirror the host
# uses (the first URIs line for bookworm in /etc/apt/sources.list*).
# BUGS: a mirror that changes under the same key is not noticed until the key
# changes; delete the cache folder to force a rebuild.
set -eu
CACHE=${EMBARGO_ROOT_CACHE:-/var/cache/embargo-test}
# Run-time libraries of build/embargo (dpkg-shlibdeps names them in the .deb);
# one missing here is fetched from the mirror at install time.
EXTRA="adduser libarchive13 libmagic1 libmagic-mgc libyara9 libconfig9 libsqlite3-0"
EXTRA="$EXTRA libssl3 zlib1g libmilter1.0.1 postfix swaks $*"
# sensible-mda and procmail: Debian's sendmail-bin recommends them; its local
# mailer is sensible-mda, which hands mail to procmail for /var/mail.
EXTRA_SM="sendmail-bin sendmail-cf m4 make sensible-mda procmail"

mirror() {
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	    /etc/apt/sources.list.d/*.sources 2>/dev/null |
	    awk '/^deb .*bookworm /{print $2; exit}
	         /^URIs:/{u=$2} /^Suites:.*bookworm( |$)/{if (u) {print u; exit}}')
	echo "${m:-http://deb.debian.org/debian}"
}

MIRROR=$(mirror)
KEY=$( (cat "$0"; echo "$MIRROR"; echo "$*") | sha256sum | cut -c1-16)
TAR=$CACHE/bookworm-$KEY.tar
if [ -s "$TAR" ]; then echo "$TAR"; exit 0; fi

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
echo "mkroot: debootstrap bookworm from $MIRROR (key $KEY)" >&2
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
	{ tail -20 "$work/debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
cat > "$root/etc/apt/sources.list" <<SRC
deb $MIRROR bookworm main
SRC
# Keep what apt downloads; start no service from a maintainer script.
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > "$root/etc/apt/apt.conf.d/99keep"
rm -f "$root/etc/apt/apt.conf.d/docker-clean"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
chroot "$root" sh -c "apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive apt-get install -d -y -qq --no-install-recommends $EXTRA &&
	DEBIAN_FRONTEND=noninteractive apt-get install -d -y -qq --no-install-recommends $EXTRA_SM" \
	>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
rm -f "$CACHE"/bookworm-*.tar
tar -C "$root" -cf "$TAR.tmp" .
mv "$TAR.tmp" "$TAR"
echo "$TAR"
