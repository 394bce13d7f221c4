# t_pgstore.sh: the quarantine store on PostgreSQL (issue 17), against a private
# PostgreSQL 15 cluster (tests/pg.sh, stopped by the trap even on failure):
# the store unit tests on PostgreSQL, `embargo-quarantine db init|migrate|status`,
# `embargo -t` checking the connection and the schema version (a wrong version
# refused), the daemon storing, tempfailing with PostgreSQL stopped and storing again
# after its restart (pg_daemon.lua), and two concurrent releases of one id: one
# delivery.
. "$EMBARGO_ROOT/tests/pg.sh"
T=$(mktemp -d /tmp/embargo-pg.XXXXXX)
chmod 755 "$T"
trap 'pg_stop "$T"; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
if ! pg_have; then
	ok "# SKIP no PostgreSQL 15 (contrib/install-deps.sh test)"
	return 0 2>/dev/null || exit 0
fi
check "private cluster starts (unix socket only)" pg_start "$T"
check "it listens on no TCP port" sh -c "! psql -h 127.0.0.1 -c 'select 1' >/dev/null 2>&1"
Q="$EMBARGO_BUILD/embargo-quarantine"

# Store unit tests on PostgreSQL (each test empties the tables).
EMBARGO_TEST_DB="$PG_CONNINFO" "$EMBARGO_BUILD/tests/test_store" > "$T/ut.log" 2>&1
check "test_store passes on PostgreSQL" test $? = 0
grep -q "PASSED  \] 12 test" "$T/ut.log" || { notok "12 store tests ran on PostgreSQL"; cat "$T/ut.log"; }
EMBARGO_TEST_DB="$PG_CONNINFO" "$EMBARGO_BUILD/tests/test_await" > "$T/ua.log" 2>&1
check "test_await passes on PostgreSQL" test $? = 0
EMBARGO_TEST_DB="$PG_CONNINFO" "$EMBARGO_BUILD/tests/test_digest" > "$T/ud.log" 2>&1
check "test_digest (the once table) passes on PostgreSQL" test $? = 0
psql -qc "DROP TABLE quarantine, audit, msg_body, once, schema_version CASCADE"

# Schema: status on an empty database says so; init; migrate is idempotent.
em_config "$T" "quarantine_db = \"$PG_CONNINFO\"" "host_name = \"mx1\""
"$Q" -c "$T/embargo.conf" db status > "$T/st.out" 2>&1
check "db status on an empty database: not ready (exit $?)" grep -q "schema: 0 (this Embargo: 2): run" "$T/st.out"
check "db init" sh -c "'$Q' -c '$T/embargo.conf' db init | grep -q 'schema 0 -> 2 (postgresql)'"
check "db migrate again changes nothing" sh -c "'$Q' -c '$T/embargo.conf' db migrate | grep -q 'schema 2 -> 2'"
check "db status: ready" "$Q" -c "$T/embargo.conf" db status

# embargo -t: connection and schema version.
check "-t accepts the database" "$EMBARGO_BUILD/embargo" -t -c "$T/embargo.conf"
psql -qc "UPDATE schema_version SET version = 7"
"$EMBARGO_BUILD/embargo" -t -c "$T/embargo.conf" > "$T/t.out" 2>&1
check "-t refuses a schema of another version" grep -q "schema version 7 written by a newer Embargo" "$T/t.out"
"$EMBARGO_BUILD/embargo" -c "$T/embargo.conf" > "$T/s.out" 2>&1
check "a start refuses it too" grep -q "schema version 7" "$T/s.out"
psql -qc "UPDATE schema_version SET version = 2"
em_config "$T/bad" "quarantine_db = \"host=$T/nowhere dbname=embargo connect_timeout=1\""
"$EMBARGO_BUILD/embargo" -t -c "$T/bad/embargo.conf" > "$T/t2.out" 2>&1
check "-t refuses an unreachable database" grep -q "PostgreSQL: connection to server" "$T/t2.out"

# The daemon: store, tempfail with PostgreSQL stopped, store again after restart.
if out=$(cd "$T" && timeout 120 miltertest -D sock=unused -D root="$EMBARGO_ROOT" \
    -D dir="$T" -D pg="$PG_CONNINFO" -D pgdir="$T" -s "$EMBARGO_ROOT/tests/cli/pg_daemon.lua" 2>&1); then
	ok "daemon on PostgreSQL: store, tempfail while down, store after restart"
else
	notok "daemon on PostgreSQL: store, tempfail while down, store after restart"
	echo "$out" | sed 's/^/    /'; cat "$T"/mx1/embargo.log
fi
n=$(psql -qAtc "SELECT count(*) FROM quarantine q JOIN msg_body b USING (id) WHERE host_name = 'mx1'")
check "two messages stored with their bodies and host mx1 ($n)" test "$n" = 2

# Two concurrent releases of one id: one delivery.
cat > "$T/deliver.sh" <<EOS
#!/bin/sh
cat > /dev/null; sleep 0.3; echo x >> "$T/delivered"
EOS
chmod 755 "$T/deliver.sh"
em_config "$T" "quarantine_db = \"$PG_CONNINFO\"" "release_command = \"$T/deliver.sh\"" "quarantine_dir = \"$T/mx1/q\""
id=$(psql -qAtc "SELECT id FROM quarantine ORDER BY time LIMIT 1")
"$Q" -c "$T/embargo.conf" release "$id" > "$T/r1.out" 2>&1 & p1=$!
"$Q" -c "$T/embargo.conf" release "$id" > "$T/r2.out" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[ "$r1$r2" = 00 ] || [ "$r1$r2" = 01 ] || [ "$r1$r2" = 10 ] || cat "$T/r1.out" "$T/r2.out"
d=$(wc -l < "$T/delivered" 2>/dev/null || echo 0)
check "two concurrent releases: delivered once ($d; exits $r1 $r2)" test "$d" = 1
st=$(psql -qAtc "SELECT state FROM quarantine WHERE id = '$id'")
check "the entry is released ($st)" test "$st" = released

# Least privilege (contrib/postgresql): the owner creates the schema, the daemon
# writes entries, review reads and cannot write, release releases.
psql -qc "DROP TABLE quarantine, audit, msg_body, once, schema_version CASCADE"
check "roles.sql applies" psql -q -v ON_ERROR_STOP=1 -f "$EMBARGO_ROOT/contrib/postgresql/roles.sql"
em_config "$T/own" "quarantine_db = \"$PG_CONNINFO user=embargo_owner\""
check "db init as embargo_owner" sh -c "'$Q' -c '$T/own/embargo.conf' db init >/dev/null"
check "grants.sql applies" psql -q -v ON_ERROR_STOP=1 -f "$EMBARGO_ROOT/contrib/postgresql/grants.sql"
check "embargo_daemon stores a message" "$EMBARGO_BUILD/bench/qwrite" "$T/own/q" \
    "$PG_CONNINFO user=embargo_daemon" 1 1 100
"$EMBARGO_BUILD/bench/qwrite" "$T/own/q" "$PG_CONNINFO user=embargo_review" 1 1 100 >/dev/null 2>&1
check "embargo_review cannot store one" test $? = 1
check "embargo_daemon cannot delete" sh -c "! psql -qc 'DELETE FROM msg_body' 'user=embargo_daemon' 2>/dev/null"
em_config "$T/rev" "quarantine_db = \"$PG_CONNINFO user=embargo_review\""
check "embargo_review lists it" sh -c "'$Q' -c '$T/rev/embargo.conf' list | grep -q sender@example.org"
id=$(psql -qAtc "SELECT id FROM quarantine LIMIT 1")
: > "$T/delivered"
em_config "$T/rel" "quarantine_db = \"$PG_CONNINFO user=embargo_release\"" \
    "release_command = \"$T/deliver.sh\"" "quarantine_dir = \"$T/mx1/q\""
"$Q" -c "$T/rel/embargo.conf" release "$id" > "$T/r3.out" 2>&1
check "embargo_release releases it (exit $?)" test "$(wc -l < "$T/delivered")" = 1
