#!/bin/sh
# inside.sh: run as root inside a clean Debian 12 root (tests/package/run.sh makes
# it: own mount, pid, net (loopback only) and uts namespaces). The admin's path:
# install the MTA, then the .deb with apt, wire the shipped snippet into the MTA,
# start embargo as its systemd unit would, mail a clean and a macro message,
# then remove and purge. Prints ok/not ok lines.
# Usage: inside.sh postfix|sendmail   (files in /tmp/t: embargo.deb, *.eml)
# Limits: no systemd here: the unit's RuntimeDirectory/StateDirectory, User/Group
#   and Exec* lines are read from the installed unit and done by hand (unit_start).
set -u
MTA=$1 T=/tmp/t
U=/lib/systemd/system/embargo.service
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
ok() { echo "ok - $MTA: $*"; }
notok() { echo "not ok - $MTA: $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }
apt_in() { apt-get install -y -q --no-install-recommends "$@" >>$T/apt.log 2>&1 ||
	{ tail -15 $T/apt.log; return 1; }; }
# wait_for SECONDS command...: poll until the command succeeds.
wait_for() { n=$(($1 * 5)); shift; while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done; return 1; }

# unit_start: what systemd would do for the installed unit, without systemd.
uval() { sed -n "s/^$1=//p" $U | tail -1; }
unit_dirs() { # base mode list
	for ud in $3; do
		install -d "$1/$ud"
		chown "${user:-root}:${group:-root}" "$1/$ud"; chmod "${2:-0755}" "$1/$ud"
	done
}
unit_run() { # an Exec line: prefixes -@:+! honoured as far as they matter here
	line=$1; prefix=$(echo "$line" | sed 's/^\([-@:+!]*\).*/\1/'); cmd=${line#"$prefix"}
	case $prefix in *+* | *!*) run="sh -c" ;; *) run=$as ;; esac
	$run "$cmd" >>$T/unit.log 2>&1 || case $prefix in *-*) ;; *) return 1 ;; esac
}
unit_start() {
	user=$(uval User); group=$(uval Group); [ -n "$group" ] || group=$user
	as="sh -c"
	[ -z "$user" ] || as="setpriv --reuid=$user --regid=$group --init-groups sh -c"
	unit_dirs /run "$(uval RuntimeDirectoryMode || true)" "$(uval RuntimeDirectory)"
	unit_dirs /var/lib "$(uval StateDirectoryMode)" "$(uval StateDirectory)"
	sed -n 's/^ExecStartPre=//p' $U > $T/pre
	while IFS= read -r l; do unit_run "$l" || { echo "ExecStartPre failed: $l"; return 1; }; done < $T/pre
	start=$(uval ExecStart)
	case $(uval Type) in
	forking | oneshot) unit_run "$start" ;;
	*) unit_run "$start" & ;;
	esac
}

echo "127.0.0.1 localhost mail.test.example mail" > /etc/hosts
echo mail.test.example > /etc/mailname
if [ "$MTA" = postfix ]; then
	echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
	echo "postfix postfix/mailname string mail.test.example" | debconf-set-selections
	check "Postfix and swaks install in the clean root" apt_in postfix swaks
else
	check "Sendmail (sendmail-bin, sendmail-cf, sensible-mda, procmail) and swaks install in the clean root" \
	    apt_in sendmail-bin sendmail-cf m4 make sensible-mda procmail swaks
fi
check "the .deb installs with apt" apt_in $T/embargo.deb
adduser --quiet --disabled-password --gecos "" alice >/dev/null
check "system user and group embargo" sh -c 'getent passwd embargo && getent group embargo' >/dev/null
[ "$MTA" = postfix ] &&
	check "postfix is in group embargo" sh -c 'id -nG postfix | tr " " "\n" | grep -qx embargo'
for d in quarantine tmp; do
	check "/var/lib/embargo/$d is embargo:embargo 0700" \
	    test "$(stat -c '%U:%G %a' /var/lib/embargo/$d 2>&1)" = "embargo:embargo 700"
done
SOCK=$(sed -n 's/^socket *= *"unix:\(.*\)".*/\1/p' /etc/embargo/embargo.conf)
check "socket folder ${SOCK%/*} is embargo:embargo 0750" \
    test "$(stat -c '%U:%G %a' "${SOCK%/*}" 2>&1)" = "embargo:embargo 750"
check "/etc/embargo files are conffiles" sh -c \
    'dpkg-query -W -f="\${Conffiles}\n" embargo | grep -q "/etc/embargo/embargo.conf "'

EX=/usr/share/doc/embargo/examples
if [ "$MTA" = postfix ]; then
	cat $EX/postfix-main.cf >> /etc/postfix/main.cf
	postconf -e maillog_file=/var/log/postfix.log
	check "smtpd is chrooted in Postfix's default master.cf" \
	    sh -c "postconf -F smtp/inet/chroot | grep -q '= y$'"
	# A relative milter path is taken from the queue directory (chrooted or not).
	m=$(postconf -h smtpd_milters); m=${m#unix:}
	case $m in /*) ;; *) m=$(postconf -h queue_directory)/$m ;; esac
	check "the shipped snippet's milter is embargo.conf's socket ($SOCK)" test "$m" = "$SOCK"
else
	awk -v ex=$EX/sendmail.mc '/^MAILER/ && !done { while ((getline l < ex) > 0) print l; done = 1 } { print }' \
	    /etc/mail/sendmail.mc > $T/sendmail.mc && cp $T/sendmail.mc /etc/mail/sendmail.mc
	check "sendmail.cf rebuilt with the shipped INPUT_MAIL_FILTER" sh -c \
	    'make -C /etc/mail >$T/make.log 2>&1; grep -q "^Xembargo, S=" /etc/mail/sendmail.cf'
	check "the shipped filter's socket is embargo.conf's socket ($SOCK)" \
	    grep -q "^Xembargo, S=unix:$SOCK," /etc/mail/sendmail.cf
fi

check "embargo starts as its unit would (ExecStartPre, ExecStart)" unit_start
check "embargo listens on $SOCK" wait_for 20 test -S "$SOCK"
if [ "$MTA" = postfix ]; then
	check "Postfix starts" sh -c '/etc/init.d/postfix start >$T/mta.log 2>&1'
else
	check "Sendmail starts" sh -c '/etc/init.d/sendmail start >$T/mta.log 2>&1'
fi
check "the MTA answers on 127.0.0.1:25" \
    wait_for 30 sh -c 'swaks -q HELO -s 127.0.0.1:25 >/dev/null 2>&1'

# The sender is local: Sendmail tempfails senders whose domain does not resolve.
send() { swaks -s 127.0.0.1:25 -f bob@mail.test.example -t alice@localhost -d @$T/$1.eml >$T/$1.swaks 2>&1; }
delivered() { grep -q "^Subject: $1" /var/mail/alice 2>/dev/null; }
check "clean mail accepted (swaks: every reply 2xx/3xx)" send clean
check "clean mail delivered to alice's mailbox" wait_for 30 delivered clean
# The mailbox holds only this mail so far (the macro mail is sent next).
check "the delivered clean mail carries X-Embargo" grep -q '^X-Embargo: Embargo ' /var/mail/alice
check "macro mail accepted for the quarantine (swaks: every reply 2xx/3xx)" send macro
inq() { embargo-quarantine list 2>/dev/null | grep -q .; }
check "macro mail is in the quarantine (embargo-quarantine list)" wait_for 30 inq
sleep 2
check "macro mail not delivered" sh -c '! grep -q "^Subject: invoice" /var/mail/alice'

# Stop: the MTA, then embargo (SIGTERM to the pid in its pid file or the process).
if [ "$MTA" = postfix ]; then postfix stop >/dev/null 2>&1; else /etc/init.d/sendmail stop >/dev/null 2>&1; fi
for p in $(pidof embargo); do kill "$p"; done
wait_for 15 sh -c '! pidof embargo >/dev/null'
check "apt-get remove embargo" sh -c 'apt-get remove -y -q embargo >>$T/apt.log 2>&1'
check "remove keeps the quarantine" sh -c 'ls -A /var/lib/embargo/quarantine | grep -q .'
check "remove keeps the config" test -f /etc/embargo/embargo.conf
check "dpkg --purge embargo" sh -c 'dpkg --purge embargo >>$T/apt.log 2>&1'
check "purge removes /var/lib/embargo" test ! -e /var/lib/embargo
check "purge removes /etc/embargo" test ! -e /etc/embargo
check "purge removes the socket folder ${SOCK%/*}" test ! -e "${SOCK%/*}"
for f in apt.log unit.log mta.log clean.swaks macro.swaks; do echo "--- $f"; tail -8 $T/$f 2>/dev/null; done | sed 's/^/# /'
[ "$MTA" = sendmail ] && { mailq; ls -la /var/mail; } 2>&1 | tail -20 | sed 's/^/# /'
[ "$MTA" = postfix ] && tail -20 /var/log/postfix.log 2>/dev/null | sed 's/^/# /'
exit 0
