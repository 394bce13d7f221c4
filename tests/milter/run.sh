#!/bin/sh
# run.sh: protocol tests. Starts build/embargo on a private unix socket with a test
# config, runs every tests/milter/*.lua through miltertest (a real milter client),
# then the signal scenarios (SIGHUP reload, failed reload, SIGTERM). Prints ok/not ok.
set -u
. "$EMBARGO_ROOT/tests/lib.sh"
DIR=$(mktemp -d /tmp/embargo-milter.XXXXXX)
chmod 755 "$DIR"
SOCK=unix:$DIR/embargo.sock
trap 'em_stop "$DIR" >/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$DIR"' EXIT

em_config "$DIR" "${EMBARGO_TEST_SETTINGS:-}"
if ! em_start "$DIR" "$SOCK"; then
	notok "embargo starts with the test config"; cat "$DIR/embargo.log"; exit 1
fi

run_lua() { # file
	n=$(basename "$1" .lua)
	if out=$(cd "$DIR" && timeout 60 miltertest -D sock="$SOCK" -D root="$EMBARGO_ROOT" \
	    -D corpus="$EMBARGO_CORPUS" -D dir="$DIR" -s "$1" 2>&1); then
		ok "miltertest $n"
	else
		notok "miltertest $n"; echo "$out" | sed 's/^/    /'
	fi
}
for t in "$EMBARGO_ROOT"/tests/milter/t_*.lua; do
	run_lua "$t"
done
check "daemon survived every scenario" em_alive "$DIR"

# Every message gets exactly one summary line keyed by its queue id.
check "summary log line keyed by queue id" grep -q "^.* embargo\[info\]: MT-BASIC-1: from=<sender@example.org> to=<rcpt@example.net> size=" "$DIR/embargo.log"

# SIGHUP with a valid config reloads; the daemon keeps serving.
kill -HUP "$(cat "$DIR/embargo.pid")"
sleep 0.5
check "SIGHUP reloads the configuration" grep -q "configuration reloaded" "$DIR/embargo.log"
run_lua "$EMBARGO_ROOT/tests/milter/t_basic.lua"

# SIGHUP with a broken config keeps the old one and logs why (file:line).
cp "$DIR/embargo.conf" "$DIR/embargo.conf.good"
echo "no_such_setting = 1;" >> "$DIR/embargo.conf"
kill -HUP "$(cat "$DIR/embargo.pid")"
sleep 0.5
check "failed reload names file and line" grep -q "reload failed, keeping the old configuration: $DIR/embargo.conf:[0-9]*: unknown setting 'no_such_setting'" "$DIR/embargo.log"
check "daemon alive after failed reload" em_alive "$DIR"
run_lua "$EMBARGO_ROOT/tests/milter/t_basic.lua"
cp "$DIR/embargo.conf.good" "$DIR/embargo.conf"

# Reload under load: SIGHUPs while 8 connections send messages; none is lost.
M=$DIR/load.eml
printf 'From: a@example.org\r\nTo: b@example.net\r\nSubject: load\r\n\r\nbody\r\n' > "$M"
"$EMBARGO_BUILD/bench/miltload" -s "$SOCK" -c 8 -n 2000 -m 5 -l reload "$M" > "$DIR/load.out" 2>&1 &
lp=$!
for i in 1 2 3 4 5; do sleep 0.05; kill -HUP "$(cat "$DIR/embargo.pid")"; done
wait $lp
check "reload under load: all 2000 messages answered" grep -q "msgs=2000 .* errors=0 " "$DIR/load.out"
check "reload under load: daemon alive" em_alive "$DIR"
[ "$(grep -c 'configuration reloaded' "$DIR/embargo.log")" -ge 3 ] && ok "reloads happened under load" || notok "reloads happened under load"

check "SIGTERM stops the daemon cleanly" em_stop "$DIR"
check "stop is logged" grep -q "stopped" "$DIR/embargo.log"
