# t_daemon_workers.sh: the daemon scans only through embargo-worker (issue 18).
# -t runs the worker's own check (a YARA rule that does not compile is refused, by
# the worker, as the daemon links no libyara); a missing worker program fails -t and
# the start; the running daemon starts one worker per core when scan_workers = 0,
# and a message's verdict comes from a worker process (its pid is not the daemon's).
T=$(mktemp -d /tmp/embargo-dw.XXXXXX)
E=$EMBARGO_BUILD/embargo
em_config "$T" "scan_workers = 0" "log_level = \"info\""

"$E" -t -c "$T/embargo.conf" > "$T/out" 2>&1
check "-t names the worker's YARA rule count" grep -q "embargo-worker: [0-9][0-9]* YARA rules" "$T/out"

mkdir -p "$T/rules"; printf 'rule broken { condition: nonsense_here }\n' > "$T/rules/b.yar"
sed "s|^yara_rules = .*|yara_rules = [ \"$T/rules\" ];|" "$T/embargo.conf" > "$T/badyara.conf"
"$E" -t -c "$T/badyara.conf" > "$T/out" 2>&1; rc=$?
check "-t refuses a YARA rule that does not compile" test "$rc" = 1
check "the refusal comes from the worker and names the rule file" \
    grep -q "scan worker .* refused the configuration.*b.yar" "$T/out"

EMBARGO_WORKER=$T/no-such-worker "$E" -t -c "$T/embargo.conf" > "$T/out" 2>&1; rc=$?
check "-t fails when the worker program cannot be run" test "$rc" = 1
check "and says so" grep -q "no-such-worker cannot be run" "$T/out"

if em_start "$T" "unix:$T/embargo.sock"; then
	check "scan_workers = 0 starts one worker per online core" \
	    grep -q "scanning in $(nproc) sandboxed workers" "$T/embargo.log"
	printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: t\r\n\r\nhello\r\n' > "$T/m.eml"
	"$EMBARGO_BUILD/bench/miltload" -s "unix:$T/embargo.sock" -c 1 -n 3 -l t "$T/m.eml" > "$T/load" 2>&1
	check "messages are answered" grep -q "errors=0" "$T/load"
	dpid=$(cat "$T/embargo.pid")
	kids=$(ps -o pid= -o comm= --ppid "$dpid" | awk '$2 ~ /embargo-worker/ {print $1}')
	check "the daemon's children include a worker" test -n "$kids"
	em_stop "$T"
else
	notok "the daemon starts with scan_workers = 0"; cat "$T/embargo.log"
fi
rm -rf "$T"
