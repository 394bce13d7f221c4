# t_quarantine_crash.sh: reliability probe 1b. The daemon is killed with SIGKILL
# while four miltertest clients quarantine messages; a crash artefact of the kind
# such a kill leaves (a stored message without an index row, a partial .tmp) is
# added; the restarted daemon's start check repairs all of it: every stored message
# has its row, no .tmp is left, and `embargo-quarantine fsck` then finds nothing.
# Also: with the index made unreadable the daemon tempfails and stores nothing.
T=$(mktemp -d /tmp/embargo-qcrash.XXXXXX)
chmod 755 "$T"
printf 'rules = ( { name = "q-all"; action = "quarantine"; } );\n' > "$T/policy.conf"
em_config "$T" "policy_file = \"$T/policy.conf\"" "review_group = \"nogroup\""
S=unix:$T/embargo.sock
EQ="$EMBARGO_BUILD/embargo-quarantine"
cat > "$T/send.lua" <<'EOF'
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
for i = 1, 60 do
	local conn = connect_to(sock)
	local r = send_test_message(conn, "CRASH-" .. tag .. "-" .. i)
	mt.disconnect(conn)
end
EOF
senders=
send() {
	senders=
	for k in 1 2 3 4; do
		(cd "$T" && timeout 60 miltertest -D sock="$S" -D root="$EMBARGO_ROOT" \
		    -D dir="$T" -D tag="$1$k" -s "$T/send.lua" >/dev/null 2>&1) &
		senders="$senders $!"
	done
}
# the daemon is a child of this shell too: wait for the senders only
wait_senders() { for p in $senders; do wait "$p" 2>/dev/null; done; }
check "daemon starts" em_start "$T" "$S"
send a
i=0; while [ "$(ls "$T/quarantine/msg" 2>/dev/null | grep -c eml)" -lt 20 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -KILL "$(cat "$T/embargo.pid")"
wait_senders
nfiles=$(ls "$T/quarantine/msg" | grep -c '\.eml$')
check "messages were being quarantined when the daemon was killed ($nfiles)" test "$nfiles" -ge 20

# What a kill between the rename and the row insert leaves, made certain:
O=00000001deadbeefdeadbeef
f=$(ls "$T/quarantine/msg" | grep '\.eml$' | head -1); f=${f%.eml}
cp "$T/quarantine/msg/$f.eml" "$T/quarantine/msg/$O.eml"
sed "s/^id .*/id $O/" "$T/quarantine/msg/$f.meta" > "$T/quarantine/msg/$O.meta"
echo partial > "$T/quarantine/tmp/$O.tmp"

mv "$T/embargo.log" "$T/embargo.log.1"   # em_start waits for a new "listening on"
check "daemon restarts" em_start "$T" "$S"
check "the store is given to review_group (2750 folders, 0640 files)" sh -c \
    "test \"\$(stat -c %a:%G '$T/quarantine' '$T/quarantine/msg' | sort -u)\" = 2750:nogroup && \
    test \"\$(stat -c %a:%G '$T/quarantine/index.db' '$T/quarantine/msg/$O.eml' | sort -u)\" = 640:nogroup && \
    test \"\$(stat -c %a '$T/quarantine/release.key')\" = 600"
check "start check logged the repair" grep -q "quarantine check: reindexed=[1-9]" "$T/embargo.log"
check "no .tmp left after the restart" test "$(ls "$T/quarantine/tmp" | wc -l)" = 0
rows=$(sqlite3 "$T/quarantine/index.db" "select count(*) from quarantine where has_file = 1")
files=$(ls "$T/quarantine/msg" | grep -c '\.eml$')
check "every stored message has its row ($files files, $rows rows)" test "$rows" = "$files"
check "the orphan was re-indexed from its .meta" \
    sh -c "'$EQ' -c '$T/embargo.conf' list --json | grep -q '\"id\":\"$O\".*\"sender\":\"sender@example.org\"'"
"$EQ" -c "$T/embargo.conf" fsck > "$T/fsck.out" 2>&1
check "fsck afterwards finds nothing to repair" \
    grep -q "reindexed 0, marked missing 0, stale tmp removed 0, interrupted deletes/purges finished 0" "$T/fsck.out"

# Purge under load (reliability probe 3b): no "locked", nothing listed without a file.
send b
sleep 1
"$EQ" -c "$T/embargo.conf" purge --older-than 0 > "$T/purge.out" 2>&1; rc=$?
wait_senders
check "purge while the daemon quarantines succeeds" test "$rc" = 0
missing=0
for id in $(sqlite3 "$T/quarantine/index.db" "select id from quarantine where has_file = 1"); do
	[ -f "$T/quarantine/msg/$id.eml" ] || missing=$((missing + 1))
done
check "after purge under load no row lacks its file" test "$missing" = 0

# An unreadable index: the daemon tempfails, stores nothing.
em_stop "$T" >/dev/null
mv "$T/embargo.log" "$T/embargo.log.2"
em_start "$T" "$S"
n0=$(ls "$T/quarantine/msg" | grep -c '\.eml$')
cp "$T/quarantine/index.db" "$T/index.good"
head -c 4096 /dev/urandom | dd of="$T/quarantine/index.db" conv=notrunc 2>/dev/null
rm -f "$T/quarantine/index.db-wal" "$T/quarantine/index.db-shm"
cat > "$T/one.lua" <<'EOF'
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local conn = connect_to(sock)
local r = send_test_message(conn, "CRASH-DAMAGED")
expect(r == SMFIR_REPLYCODE and mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
	"Temporary quarantine failure, try again later"), "damaged index: 451, got " .. tostring(r))
EOF
check "a damaged index: the message is tempfailed" sh -c "cd '$T' && miltertest -D sock='$S' \
    -D root='$EMBARGO_ROOT' -D dir='$T' -s '$T/one.lua' >/dev/null 2>&1"
check "a damaged index: nothing stored" test "$(ls "$T/quarantine/msg" | grep -c '\.eml$')" = "$n0"
check "a damaged index: logged" grep -q "quarantine store failed" "$T/embargo.log"
em_stop "$T" >/dev/null
[ -n "${KEEP:-}" ] || rm -rf "$T"
