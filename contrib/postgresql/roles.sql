-- roles.sql: the roles of a shared Embargo quarantine on PostgreSQL (issue 17).
-- Run once as a superuser in the quarantine database, BEFORE
-- `embargo-quarantine db init` (which runs as embargo_owner), then grants.sql.
--   createdb embargo
--   psql -v ON_ERROR_STOP=1 -d embargo -f roles.sql
-- Then give each login role a password (or use certificates / peer auth):
--   ALTER ROLE embargo_owner PASSWORD '...';  (and the others)
-- Roles:
--   embargo_owner    owns the tables; schema changes (db init|migrate); purge, delete
--   embargo_daemon   the milter on each MX: inserts entries, its own state updates
--                    (PPAP settle, release pass audit); reads for the PPAP match
--   embargo_review   read only (embargo-quarantine list/show/export, embargo-web read)
--   embargo_release  read, and the release state transition (quarantined ->
--                    releasing -> released) with its audit event
DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['embargo_owner', 'embargo_daemon', 'embargo_review',
	    'embargo_release'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		END IF;
	END LOOP;
END $$;
REVOKE ALL ON DATABASE embargo FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE embargo TO embargo_owner, embargo_daemon, embargo_review,
    embargo_release;
GRANT USAGE, CREATE ON SCHEMA public TO embargo_owner;
GRANT USAGE ON SCHEMA public TO embargo_daemon, embargo_review, embargo_release;
