-- roles.sql: least-privilege roles for a shared Embargo quarantine on PostgreSQL.
-- Run as a superuser in the embargo database AFTER the schema exists
-- (`embargo-quarantine db init`, connected as the owner role embargo_owner):
--   psql -d embargo -v ON_ERROR_STOP=1 -f roles.sql
-- Then set passwords (ALTER ROLE ... PASSWORD) or client certificates for the LOGIN roles.
--   embargo_owner    owns the tables; only `embargo-quarantine db init|migrate` uses it
--   embargo_daemon   the milter on every MX: stores new entries (row, body, audit),
--                    reads them (PPAP matching, release markers), changes their state
--                    (PPAP unlock and expiry, left-hold, release pass); never deletes
--   embargo_release  the admins' embargo-quarantine: release, delete, purge
--   embargo_review   read only: list, show, export, embargo-web's review pages
-- Limits: PostgreSQL grants are per table and column, not per row: the daemon role can
-- update any entry's state columns, not only its own host's. Advisory locks (purge and
-- migrations once per fleet) need no grant. Re-running this file is harmless.
DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['embargo_owner', 'embargo_daemon', 'embargo_release',
	    'embargo_review'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		END IF;
	END LOOP;
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO embargo_daemon, embargo_release, embargo_review;

-- Everyone reads the schema version (the start check) and the entries.
GRANT SELECT ON schema_version, quarantine, audit, msg_body
	TO embargo_daemon, embargo_release, embargo_review;

-- The daemon: insert plus its own state changes.
GRANT INSERT ON quarantine, msg_body, audit TO embargo_daemon;
GRANT UPDATE (state, changed_by, changed_at, released_by, released_at, release_to,
	release_done, has_file) ON quarantine TO embargo_daemon;
GRANT USAGE ON SEQUENCE audit_rowid_seq TO embargo_daemon, embargo_release;

-- The admins' tool: state changes, deletion and purge, each with its audit event.
GRANT UPDATE ON quarantine TO embargo_release;
GRANT DELETE ON quarantine, msg_body TO embargo_release;
GRANT INSERT ON audit TO embargo_release;
