#!/bin/sh
# install-deps.sh: install the Debian packages Embargo builds, runs and tests with.
# Idempotent: when every package is present it returns at once without touching apt.
# Usage: contrib/install-deps.sh [run|test|package]   (test adds the test harness
# packages; package adds what make deb and make test-package use)
set -eu

RUN_PKGS="build-essential pkg-config libmilter-dev libarchive-dev libmagic-dev libmagic-mgc
libyara-dev libconfig-dev libsqlite3-dev libssl-dev zlib1g-dev libsystemd-dev libytnef0-dev
libseccomp-dev liblzma-dev libpq-dev libmicrohttpd-dev libcrypt-dev"
TEST_PKGS="libcmocka-dev miltertest postfix swaks clang libclang-rt-14-dev zip p7zip-full
python3 sqlite3 procps qpdf strace postgresql-15 curl chromium chromium-driver python3-selenium
nginx openssl"
PACKAGE_PKGS="debhelper dpkg-dev fakeroot lintian debootstrap"

want=$RUN_PKGS
[ "${1:-run}" = test ] && want="$RUN_PKGS $TEST_PKGS"
[ "${1:-run}" = package ] && want="$RUN_PKGS $PACKAGE_PKGS"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing; run as root or install them" >&2
	exit 1
fi
echo "install-deps: installing$missing"
# Postfix asks a question at install time; "No configuration" leaves /etc/postfix
# alone, and the tests run their own private instance.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
