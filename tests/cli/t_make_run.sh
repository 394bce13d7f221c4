# t_make_run.sh: `make run` (the README's first command) starts the milter on
# inet:8890@127.0.0.1 with the shipped config, state under ./var, and it answers.
cd "$EMBARGO_ROOT" || exit 1
B=${EMBARGO_BUILD#"$EMBARGO_ROOT"/}
L=$(mktemp /tmp/embargo-makerun.XXXXXX)
timeout 120 make -s run B="$B" > "$L" 2>&1 &
mr=$!
i=0
until grep -q "listening on inet:8890@127.0.0.1" "$L" || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
check "make run listens on inet:8890@127.0.0.1" grep -q "listening on inet:8890@127.0.0.1" "$L"
check "make run uses a config with state under ./var" grep -q "^quarantine_dir = \"$EMBARGO_ROOT/var/quarantine\";" var/embargo.conf
printf 'sock = "inet:8890@127.0.0.1"\ndofile("%s/tests/milter/lib.lua")\nlocal c = connect()\nenvelope(c, "MAKE-RUN-1", "<a@example.org>", {"<b@example.net>"}, {{"Subject", "x"}})\nbody(c, {"hello\\r\\n"})\nexpect(mt.eom(c) == nil, "eom")\nexpect(mt.eom_check(c, MT_HDRADD, "X-Embargo"), "X-Embargo added")\nmt.disconnect(c)\n' "$EMBARGO_ROOT" > "$L.lua"
check "the milter started by make run answers a message" timeout 60 miltertest -D root="$EMBARGO_ROOT" -s "$L.lua"
pkill -TERM -f "embargo -f -c var/embargo.conf -p inet:8890@127.0.0.1"
wait $mr 2>/dev/null
rm -f "$L" "$L.lua"
