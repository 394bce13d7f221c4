# t_embargo_cli.sh: the daemon's command line, Postfix/Sendmail style.
T=$(mktemp -d /tmp/embargo-cli.XXXXXX)
E=$EMBARGO_BUILD/embargo
em_config "$T" "${EMBARGO_TEST_SETTINGS:-}"

check "-V prints the version" sh -c "'$E' -V | grep -qE '^embargo [0-9]+\.[0-9]+\.[0-9]+$'"
check "-t accepts the shipped config" "$E" -t -c "$T/embargo.conf"

printf 'socket = "unix:/tmp/x.sock";\nlimits = {\n  mime_depth = 5;\n  bogus = 1;\n};\n' > "$T/bad1.conf"
"$E" -t -c "$T/bad1.conf" > "$T/out" 2>&1; rc=$?
check "-t exits 1 on an unknown key" test "$rc" = 1
check "-t names file and line of the unknown key" \
    grep -q "^$T/bad1.conf:4: unknown setting 'limits.bogus'" "$T/out"

printf 'on_error = "maybe";\n' > "$T/bad2.conf"
"$E" -t -c "$T/bad2.conf" > "$T/out" 2>&1
check "-t rejects a bad value with file:line" grep -q "^$T/bad2.conf:1: on_error: must be" "$T/out"

printf 'limits = { mime_depth = 100000; };\n' > "$T/bad3.conf"
"$E" -t -c "$T/bad3.conf" > "$T/out" 2>&1
check "-t rejects a limit above its compiled ceiling" grep -q "bad3.conf:1: limits.mime_depth: out of range" "$T/out"

printf 'socket = "unix:/tmp/x.sock"\nuser = ;\n' > "$T/bad4.conf"
"$E" -t -c "$T/bad4.conf" > "$T/out" 2>&1
check "-t reports a syntax error with file:line" grep -q "bad4.conf:[0-9]*: syntax error" "$T/out"

"$E" -t -c "$T/missing.conf" > "$T/out" 2>&1; rc=$?
check "-t on a missing file exits 1" test "$rc" = 1
check "-t on a missing file names it" grep -q "missing.conf: cannot read" "$T/out"

# A config error at start: exit 1, nothing listening.
"$E" -f -c "$T/bad1.conf" -p "unix:$T/never.sock" > "$T/start.log" 2>&1; rc=$?
check "start with a bad config exits 1" test "$rc" = 1
check "and leaves no socket behind" test ! -e "$T/never.sock"

# A socket already in use: a clear message and exit 1.
P=$(free_port)
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$P)); s.listen(); open('$T/ready','w'); time.sleep(5)" &
blocker=$!
i=0; while [ ! -e "$T/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
timeout 20 "$E" -f -c "$T/embargo.conf" -p "inet:$P@127.0.0.1" > "$T/inuse.log" 2>&1; rc=$?
kill $blocker 2>/dev/null
check "a socket in use exits 1" test "$rc" = 1
check "a socket in use says so" grep -q "socket inet:$P@127.0.0.1 is in use by another process" "$T/inuse.log"

# Over TCP the listening socket has TCP_NODELAY (no 40 ms Nagle stall at end of message).
P=$(free_port)
em_start "$T" "inet:$P@127.0.0.1"
check "inet listener has TCP_NODELAY set" python3 "$EMBARGO_ROOT/tests/cli/nodelay.py" "$(cat "$T/embargo.pid")" "$P"
em_stop "$T"

# Without -f: detaches, writes the pid file, and (started as root) runs as the
# configured user.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/run"; chown nobody "$T/run"; chmod 755 "$T"
	em_config "$T" "${EMBARGO_TEST_SETTINGS:-}" "pid_file = \"$T/run/daemon.pid\"" "user = \"nobody\"" \
	    'socket_group = "mail"'
	chown nobody "$T/tmp" "$T/quarantine"
	"$E" -c "$T/embargo.conf" -p "unix:$T/run/daemon.sock"; rc=$?
	check "daemon mode returns 0 once the detached daemon serves" test "$rc" = 0
	check "the socket listens when embargo returns" test -S "$T/run/daemon.sock"
	dpid=$(cat "$T/run/daemon.pid" 2>/dev/null)
	check "daemon wrote its pid file" test -n "$dpid"
	check "daemon is running" kill -0 "$dpid"
	# the pid file is written just before the switch: give it a moment
	nuid=$(id -u nobody); i=0
	until grep -q "^Uid:[[:space:]]*$nuid[[:space:]]" /proc/"$dpid"/status 2>/dev/null || [ $i -ge 30 ]; do
		sleep 0.1; i=$((i + 1))
	done
	check "daemon dropped to user nobody" grep -q "^Uid:[[:space:]]*$nuid[[:space:]]" /proc/"$dpid"/status
	check "unix socket belongs to nobody" sh -c "test \"\$(stat -c %U '$T/run/daemon.sock')\" = nobody"
	check "unix socket has socket_group (mail)" sh -c "test \"\$(stat -c %G '$T/run/daemon.sock')\" = mail"
	check "unix socket has socket_mode (0666 in the test config)" sh -c "test \"\$(stat -c %a '$T/run/daemon.sock')\" = 666"
	kill -TERM "$dpid"; i=0
	while kill -0 "$dpid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	check "daemon stops on SIGTERM" sh -c "! kill -0 $dpid 2>/dev/null"
	check "stopping removes the pid file" test ! -e "$T/run/daemon.pid"
	check "stopping removes the unix socket" test ! -e "$T/run/daemon.sock"

	# Reliability 6c: root never chowns or chmods the socket through a path the
	# daemon user could swap for a symlink: no chown/chmod call is made at all, and
	# a symlink planted at the socket path is refused, its target untouched.
	echo secret > "$T/victim"; chmod 600 "$T/victim"
	ln -s "$T/victim" "$T/run/s.sock"; chown -h nobody "$T/run/s.sock"
	"$E" -f -c "$T/embargo.conf" -p "unix:$T/run/s.sock" > "$T/s6c.log" 2>&1; rc=$?
	check "6c: a symlink at the socket path is refused ($rc)" test "$rc" = 1
	check "6c: ... saying so" grep -q "socket path $T/run/s.sock exists and is not a socket" "$T/s6c.log"
	check "6c: the symlink's target keeps root 0600" sh -c "test \"\$(stat -c %U:%a '$T/victim')\" = root:600"
	rm -f "$T/run/s.sock"
	strace -f -qq -e trace=chown,fchown,lchown,fchownat,chmod,fchmod,fchmodat -o "$T/strace.out" \
	    timeout -s TERM 4 "$E" -f -c "$T/embargo.conf" -p "unix:$T/run/s.sock" > "$T/s6c.log" 2>&1
	check "6c: the daemon served as user nobody" grep -q "listening on unix:$T/run/s.sock" "$T/s6c.log"
	check "6c: no chown or chmod system call from start to stop" sh -c "! grep -E 'chown|chmod' '$T/strace.out'"
fi
[ -n "${KEEP:-}" ] || rm -rf "$T"
