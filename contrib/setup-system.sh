#!/bin/sh
# setup-system.sh: the system side of an Embargo install, as root, idempotent.
#   - the system user and group embargo (adduser --system --group, else useradd);
#   - postfix added to group embargo when Postfix is installed, so its chrooted
#     smtpd can reach the socket;
#   - /var/lib/embargo/{quarantine,tmp} (embargo, 0700) and the folder of the unix
#     socket named in /etc/embargo/embargo.conf, e.g. /var/spool/postfix/embargo
#     (embargo:embargo, 0750: group embargo may connect, only embargo may create
#     or remove the socket). A folder under /run is left to the unit
#     (RuntimeDirectory), since /run is emptied at boot.
# Run by `make install` (when DESTDIR is empty) and by the Debian postinst.
# Limits: Postfix installed later is not added to the group: run this again, or
#   `adduser postfix embargo`. Sendmail connects as root and needs no group.
# BUGS: an existing user embargo is taken as it is (its home and shell too).
set -eu
STATE=${EMBARGO_STATE:-/var/lib/embargo}
CONF=${EMBARGO_CONF:-/etc/embargo/embargo.conf}
SOCKDIR=/var/spool/postfix/embargo
if [ -r "$CONF" ]; then
	s=$(sed -n 's/^[[:space:]]*socket[[:space:]]*=[[:space:]]*"unix:\(.*\)".*/\1/p' "$CONF")
	case $s in /*) SOCKDIR=${s%/*} ;; ?*) SOCKDIR="" ;; esac
fi

if ! getent passwd embargo >/dev/null; then
	if command -v adduser >/dev/null; then
		adduser --system --group --quiet --home "$STATE" --no-create-home \
		    --gecos "Embargo mail filter" embargo
	else
		useradd --system --user-group --home-dir "$STATE" \
		    --shell /usr/sbin/nologin embargo
	fi
fi
if getent passwd postfix >/dev/null &&
    ! id -nG postfix | tr ' ' '\n' | grep -qx embargo; then
	if command -v adduser >/dev/null; then
		adduser --quiet postfix embargo
	else
		usermod -a -G embargo postfix
	fi
fi
install -d -o embargo -g embargo -m 0750 "$STATE"
install -d -o embargo -g embargo -m 0700 "$STATE/quarantine" "$STATE/tmp"
case $SOCKDIR in
"" | /run/* | /var/run/*) ;;
*) install -d -o embargo -g embargo -m 0750 "$SOCKDIR" ;;
esac
