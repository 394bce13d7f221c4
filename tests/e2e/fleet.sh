# fleet.sh: two MX hosts sharing one quarantine on PostgreSQL, for tests/e2e/t_fleet_*.sh
# (sourced by a test, itself sourced by run.sh in a subshell; uses lib.sh, postfix.sh).
#   fleet_start [SETTING...]  a private PostgreSQL 15 cluster (tests/pg.sh) in
#                  $FLEET/pg, the schema (embargo-quarantine db init), and two hosts
#                  mx1 and mx2 in $FLEET/mx1, $FLEET/mx2: each an embargo daemon (its
#                  own config with host_name and quarantine_db, its own milter socket,
#                  a release_command through its own Postfix) and a private Postfix
#                  (own queue, smtpd port, smtp-sink). SETTINGs go into both configs.
#                  Returns 2 when PostgreSQL 15 is not installed (the caller skips),
#                  1 when something failed to start. A trap stops everything on exit,
#                  also on failure.
#   fleet_stop     stop both hosts and the cluster (safe to call twice)
#   on_host H      make H's Postfix current (send, wait_log, wait_sink, $SINK, $PF)
#   eq H ARGS...   embargo-quarantine -c H's config ARGS...
#   fleet_macro H SUBJECT  the macro document through H; prints Postfix's queue id once
#                  H's milter discarded it into the quarantine (nothing when it did not)
#   fpsql SQL      one query on the shared database, unaligned output
#   fleet_delivered  messages in both sinks together
#   FLEET_ROLES=1    (before fleet_start) the least-privilege set-up of contrib/postgresql:
#                  roles.sql, db init as embargo_owner, grants.sql, the daemons connect
#                  as embargo_daemon; fleet_conf ROLE makes $FLEET/ROLE.conf (mx2's
#                  config connecting as ROLE) for embargo-quarantine -c
# Limits: both hosts are 127.0.0.1 with separate ports (no network namespaces);
# PostgreSQL is reached over its unix socket with trust authentication.
. "$EMBARGO_ROOT/tests/pg.sh"
FLEET=$(mktemp -d "$DIR/fleet.XXXXXX")
EQ="$EMBARGO_BUILD/embargo-quarantine"

fleet_start() {
	pg_have || return 2
	mkdir -p "$FLEET"; chmod 755 "$FLEET"
	trap fleet_stop EXIT
	pg_start "$FLEET" || return 1
	for h in mx1 mx2; do
		hd=$FLEET/$h
		em_config "$hd" "quarantine_db = \"$PG_CONNINFO\"" "host_name = \"$h\"" \
		    "release_command = \"$hd/release.sh\"" "$@"
		PF_HOSTNAME=$h.embargo.test pf_setup "$hd" "unix:$hd/embargo.sock"
		printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$PF/etc" > "$hd/release.sh"
		chmod 755 "$hd/release.sh"
	done
	if [ -n "${FLEET_ROLES:-}" ]; then
		fleet_roles || return 1
	else
		"$EQ" -c "$FLEET/mx1/embargo.conf" db init > "$FLEET/dbinit.out" 2>&1 ||
		    echo "# fleet: db init: $(head -1 "$FLEET/dbinit.out")"
	fi
	for h in mx1 mx2; do
		hd=$FLEET/$h
		em_start "$hd" "unix:$hd/embargo.sock" ||
		    { echo "# fleet: $h embargo:"; tail -5 "$hd/embargo.log" | sed 's/^/# /'; return 1; }
		pf_use "$hd"; pf_start || return 1
	done
}

fleet_conf() {
	sed "s|^quarantine_db = .*|quarantine_db = \"$(echo "$PG_CONNINFO" | sed "s/user=postgres/user=$1/")\";|" \
	    "$FLEET/mx2/embargo.conf" > "$FLEET/$1.conf"
}

fleet_roles() {
	_pg_as "$PG_BIN/psql" -h "$FLEET/pg" -U postgres -d embargo -qX -v ON_ERROR_STOP=1 \
	    -f "$EMBARGO_ROOT/contrib/postgresql/roles.sql" > "$FLEET/roles.out" 2>&1 || return 1
	fleet_conf embargo_owner
	"$EQ" -c "$FLEET/embargo_owner.conf" db init > "$FLEET/dbinit.out" 2>&1 || return 1
	_pg_as "$PG_BIN/psql" -h "$FLEET/pg" -U postgres -d embargo -qX -v ON_ERROR_STOP=1 \
	    -f "$EMBARGO_ROOT/contrib/postgresql/grants.sql" > "$FLEET/grants.out" 2>&1 || return 1
	for h in mx1 mx2; do
		sed -i "s/user=postgres/user=embargo_daemon/" "$FLEET/$h/embargo.conf"
	done
}

fleet_stop() {
	for h in mx1 mx2; do
		[ -f "$FLEET/$h/pf.ports" ] || continue
		pf_use "$FLEET/$h"; pf_stop
		em_stop "$FLEET/$h" >/dev/null
	done
	pg_stop "$FLEET"
}

FLEET_MACRO=$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml
fleet_macro() {
	on_host "$1"; send "$FLEET_MACRO" --header "Subject: $2" > "$FLEET/macro.swaks"
	q=$(qid_of "$FLEET/macro.swaks"); wait_log "$q: milter-discard" && echo "$q"
}

on_host() { pf_use "$FLEET/$1"; }
eq() { h=$1; shift; "$EQ" -c "$FLEET/$h/embargo.conf" "$@"; }
fpsql() { _pg_as "$PG_BIN/psql" -h "$FLEET/pg" -U postgres -d embargo -qAtX -c "$1"; }
fleet_delivered() { ls "$FLEET/mx1/sink" "$FLEET/mx2/sink" | grep -c '^[0-9]'; }

# fleet_or_skip NAME [SETTING...]: start the fleet; on a missing PostgreSQL say skip and
# leave the test.
fleet_or_skip() {
	fn=$1; shift
	fleet_start "$@"; rc=$?
	if [ $rc = 2 ]; then ok "# SKIP $fn: no PostgreSQL 15 binaries"; exit 0; fi
	if [ $rc != 0 ]; then notok "$fn: the fleet (PostgreSQL, mx1, mx2) starts"; exit 0; fi
	ok "$fn: PostgreSQL, mx1 and mx2 started"
}

# fleet_id_of H QUEUEID: the store id of the entry Postfix queue id QUEUEID has on
# host H, once the entry exists (at most 10 s).
fleet_id_of() {
	i=0
	while [ $i -lt 100 ]; do
		id=$(fpsql "SELECT id FROM quarantine WHERE queue_id = '$2' AND host_name = '$1'" 2>/dev/null)
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
