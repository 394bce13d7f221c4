# t_startcheck.sh: every start-up mistake is refused by -t and by a background start
# alike: a one-line reason naming the setting, a non-zero exit before anything
# detaches, and no socket, pid file or process left behind (issue 13).
T=$(mktemp -d /tmp/embargo-sc.XXXXXX)
chmod 755 "$T"
E=$EMBARGO_BUILD/embargo

# refused NAME PATTERN SETTING...: -t and a start both refuse, saying PATTERN.
refused() {
	name=$1; pat=$2; shift 2
	em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\"" "$@"
	"$E" -t -c "$T/embargo.conf" > "$T/t.out" 2>&1; rc=$?
	check "-t refuses $name (exit $rc)" test "$rc" != 0
	check "-t says why for $name" grep -q -- "$pat" "$T/t.out"
	"$E" -c "$T/embargo.conf" > "$T/s.out" 2>&1; rc=$?
	check "a start refuses $name before detaching (exit $rc)" test "$rc" != 0
	n=$(grep -c -- "$pat" "$T/s.out")
	check "the start says why for $name, in one line ($n)" test "$n" = 1
	check "nothing left after refusing $name" sh -c \
	    "test ! -e '$T/e.pid' && ! pgrep -f '^$E -c $T/embargo.conf' >/dev/null"
}

# The good case first, so the failures below are the settings' fault.
em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\""
check "-t accepts the test config" "$E" -t -c "$T/embargo.conf"

refused "a tcp:PORT socket" "socket 'tcp:8890': not unix:/PATH" 'socket = "tcp:8890"'
refused "a relative unix socket" "a unix socket needs an absolute path" 'socket = "unix:e.sock"'
refused "a port out of range" "socket 'inet:70000@127.0.0.1'" 'socket = "inet:70000@127.0.0.1"'
refused "a socket in a missing folder" "socket folder $T/nodir: No such file" \
    "socket = \"unix:$T/nodir/e.sock\""
refused "a missing release_command" "release_command /nonexistent/sendmail: No such file" \
    'release_command = "/nonexistent/sendmail"'
refused "a quarantine_dir that cannot be created" "quarantine_dir $T/no/such/q: No such file" \
    "quarantine_dir = \"$T/no/such/q\""
touch "$T/plain"
refused "a tmp_dir that is a file" "tmp_dir $T/plain: not a folder" "tmp_dir = \"$T/plain\""
refused "a pid file in a missing folder" "pid_file folder $T/nopid: No such file" \
    "pid_file = \"$T/nopid/e.pid\""
refused "an unknown socket_group" "socket_group 'nosuchgroup' does not exist" \
    'socket_group = "nosuchgroup"'

# worker back-off out of range: refused naming the file and the line (the setting is
# appended last); its edges are accepted
for kv in "worker_backoff_deaths = 0" "worker_backoff_deaths = 1001" \
    "worker_backoff_seconds = 0" "worker_backoff_seconds = 3601"; do
	em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\"" "$kv"
	n=$(wc -l < "$T/embargo.conf")
	check "the setting '$kv' is on line $n" sh -c "sed -n ${n}p '$T/embargo.conf' | grep -qx '$kv;'"
	refused "$kv" "$T/embargo.conf:$n: ${kv%% *}: out of range" "$kv"
done
em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\"" \
    "worker_backoff_deaths = 1000" "worker_backoff_seconds = 3600"
check "-t accepts worker_backoff_deaths = 1000, worker_backoff_seconds = 3600" \
    "$E" -t -c "$T/embargo.conf"
em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\"" \
    "worker_backoff_deaths = 1" "worker_backoff_seconds = 1"
check "-t accepts worker_backoff_deaths = 1, worker_backoff_seconds = 1" "$E" -t -c "$T/embargo.conf"

# A socket another process accepts on is not stolen.
python3 -c "import socket,time,os; s=socket.socket(socket.AF_UNIX); s.bind('$T/e.sock'); s.listen(); open('$T/ready','w'); time.sleep(20)" &
holder=$!
i=0; while [ ! -e "$T/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\""
"$E" -c "$T/embargo.conf" > "$T/s.out" 2>&1; rc=$?
check "a unix socket in use: start exits non-zero ($rc)" test "$rc" != 0
check "a unix socket in use: says so" grep -q "socket unix:$T/e.sock is in use by another process" "$T/s.out"
check "a unix socket in use: the other process keeps it" python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('$T/e.sock')"
kill $holder 2>/dev/null; wait $holder 2>/dev/null; rm -f "$T/e.sock"

# A missing quarantine_dir whose parent exists is created at start.
em_config "$T" "socket = \"unix:$T/e.sock\"" "pid_file = \"$T/e.pid\"" "quarantine_dir = \"$T/newq\""
check "-t accepts a quarantine_dir it can create" "$E" -t -c "$T/embargo.conf"
check "-t does not create it" test ! -e "$T/newq"

if [ "$(id -u)" = 0 ]; then
	refused "a missing user" "user 'nosuchuser' does not exist" 'user = "nosuchuser"'
	chown nobody "$T/quarantine"
	refused "a tmp_dir the user cannot write" "tmp_dir $T/tmp: not writable by the daemon's user" \
	    'user = "nobody"'
	chown nobody "$T/tmp"
	cp "$EMBARGO_ROOT/conf/policy.conf" "$T/policy.conf"; chmod 600 "$T/policy.conf"
	refused "a policy only root can read (reload runs as the user)" \
	    "as user nobody (who reloads it): $T/policy.conf" \
	    'user = "nobody"' "policy_file = \"$T/policy.conf\""
	chmod 644 "$T/policy.conf"
	refused "a pid file folder the user cannot write" "pid_file folder $T: not writable" \
	    'user = "nobody"' "policy_file = \"$T/policy.conf\""
	mkdir -p "$T/run"; chown nobody "$T/run"
	em_config "$T" "socket = \"unix:$T/run/e.sock\"" "pid_file = \"$T/run/e.pid\"" \
	    'user = "nobody"' "policy_file = \"$T/policy.conf\""
	check "-t accepts it once the user can read and write everything" "$E" -t -c "$T/embargo.conf"
fi
rm -rf "$T"
