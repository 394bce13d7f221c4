# lib.sh: shared shell helpers for the milter and e2e harnesses (sourced).
#   em_config DIR [extra settings...]  writes DIR/embargo.conf for a test instance
#   em_start DIR SOCKET                starts build/embargo -f, waits until it listens
#   em_stop DIR                        SIGTERM, waits, reports whether it stopped
#   ok/notok/check                     TAP-like lines counted by tests/run.sh

: "${EMBARGO_ROOT:?}" "${EMBARGO_BUILD:?}"

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
# check "description" command...: ok when the command succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A test config: the shipped one with state in DIR, no user switch, a world-writable
# socket (Postfix's smtpd runs as user postfix) and the given extra settings.
em_config() {
	local dir=$1 s key; shift
	mkdir -p "$dir/quarantine" "$dir/tmp"
	sed -e "s|^user = .*|user = \"\";|" \
	    -e "s|^socket_mode = .*|socket_mode = \"0666\";|" \
	    -e "s|^socket = .*|socket = \"unix:$dir/embargo.sock\";|" \
	    -e "s|^pid_file = .*|pid_file = \"$dir/embargo.pid\";|" \
	    -e "s|^control_socket = .*|control_socket = \"$dir/control\";|" \
	    -e "s|^quarantine_dir = .*|quarantine_dir = \"$dir/quarantine\";|" \
	    -e "s|^tmp_dir = .*|tmp_dir = \"$dir/tmp\";|" \
	    -e "s|^policy_file = .*|policy_file = \"$EMBARGO_ROOT/conf/policy.conf\";|" \
	    -e "s|^yara_rules = .*|yara_rules = [ \"$EMBARGO_ROOT/conf/rules\" ];|" \
	    "$EMBARGO_ROOT/conf/embargo.conf" > "$dir/embargo.conf"
	for s in "$@"; do
		[ -n "$s" ] || continue
		key=$(echo "${s%%=*}" | tr -d " ")
		sed -i "/^$key = /d" "$dir/embargo.conf"
		echo "$s;" >> "$dir/embargo.conf"
	done
}

# The helpers keep their variables local: a caller's $c or $i is not touched.

# em_start DIR SOCKET: run the daemon in the foreground, log in DIR/embargo.log.
# A restart waits for its own "listening on" line, not the previous start's.
em_start() {
	local n0 i c
	n0=$(grep -c "listening on" "$1/embargo.log" 2>/dev/null); n0=${n0:-0}
	"$EMBARGO_BUILD/embargo" -f -c "$1/embargo.conf" -p "$2" >>"$1/embargo.log" 2>&1 &
	echo $! > "$1/embargo.pid"
	i=0
	while [ $i -lt 100 ]; do
		c=$(grep -c "listening on" "$1/embargo.log" 2>/dev/null)
		[ "${c:-0}" -gt "$n0" ] && return 0
		kill -0 "$(cat "$1/embargo.pid")" 2>/dev/null || return 1
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# em_stop DIR: SIGTERM and wait up to 10 s (libmilter notices a stop at its next
# 5 s poll timeout). Returns 0 when it exited by itself.
em_stop() {
	local pid i
	pid=$(cat "$1/embargo.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; return 1; fi
	wait "$pid" 2>/dev/null
	return 0
}

em_alive() { kill -0 "$(cat "$1/embargo.pid")" 2>/dev/null; }
