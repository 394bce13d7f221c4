# pg.sh: a private PostgreSQL 15 cluster for tests (sourced; POSIX sh).
#   pg_start DIR   initdb in DIR/pg, start it listening on a unix socket in DIR/pg only
#                  (listen_addresses=''), create database "embargo"; exports PGHOST,
#                  PGPORT, PGUSER, PGDATABASE and PG_CONNINFO (a libpq conninfo string)
#   pg_stop DIR    stop it (fast, then immediate); safe to call twice or when never started
#   pg_restart DIR stop and start again on the same data (for reconnect tests)
#   pg_have        true when the PostgreSQL 15 binaries are installed
# Callers trap pg_stop so the cluster stops even on failure:
#   pg_start "$T" || skip; trap 'pg_stop "$T"' EXIT
# No system service is touched: the cluster lives and dies in DIR. As root the server
# runs as user postgres (initdb refuses root), so DIR is made traversable (o+x).
# Limits: trust authentication on the private socket; port 5432 is only the socket's
# file name (DIR/pg/.s.PGSQL.5432), so parallel clusters in different DIRs do not clash.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_have() { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; }

# _pg_as CMD...: run as the postgres user when we are root, else as ourselves.
_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	pg_have || { echo "pg.sh: no $PG_BIN/initdb (install postgresql-15)" >&2; return 1; }
	pgd=$1/pg
	mkdir -p "$pgd"
	if [ "$(id -u)" = 0 ]; then
		chmod o+x "$1"
		chown postgres "$pgd"
	fi
	chmod 700 "$pgd"
	if [ ! -f "$pgd/data/PG_VERSION" ]; then
		_pg_as "$PG_BIN/initdb" -D "$pgd/data" -U postgres -A trust -E UTF8 \
			--no-locale >"$pgd/initdb.log" 2>&1 ||
			{ cat "$pgd/initdb.log" >&2; return 1; }
	fi
	_pg_ctl_start "$pgd" || return 1
	export PGHOST="$pgd" PGPORT=5432 PGUSER=postgres PGDATABASE=embargo
	export PG_CONNINFO="host=$pgd port=5432 user=postgres dbname=embargo"
	_pg_as "$PG_BIN/psql" -h "$pgd" -U postgres -d postgres -qAtc \
		"SELECT 1 FROM pg_database WHERE datname='embargo'" | grep -q 1 ||
		_pg_as "$PG_BIN/createdb" -h "$pgd" -U postgres embargo
}

_pg_ctl_start() {
	_pg_as "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 \
		-o "-c listen_addresses='' -c unix_socket_directories='$1' -c port=5432 -c fsync=on -c synchronous_commit=on" \
		start >/dev/null 2>&1 || { tail -20 "$1/server.log" >&2; return 1; }
}

pg_stop() {
	pgd=$1/pg
	[ -f "$pgd/data/postmaster.pid" ] || return 0
	_pg_as "$PG_BIN/pg_ctl" -D "$pgd/data" -m fast -w -t 10 stop >/dev/null 2>&1 ||
		_pg_as "$PG_BIN/pg_ctl" -D "$pgd/data" -m immediate -w -t 10 stop >/dev/null 2>&1
}

pg_restart() {
	pg_stop "$1" && _pg_ctl_start "$1/pg"
}
