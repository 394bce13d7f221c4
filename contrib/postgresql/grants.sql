-- grants.sql: least privilege for each part of Embargo, AFTER
-- `embargo-quarantine db init` created the tables as embargo_owner (roles.sql).
--   psql -v ON_ERROR_STOP=1 -d embargo -f grants.sql
-- Run it again after `db migrate` when the release notes say the grants changed.
-- Column lists: an UPDATE may set only the columns named; its WHERE needs SELECT.
-- The fleet-wide jobs use advisory locks, which need no grant.

-- The milter: a new entry (row, body, audit), the PPAP settle and expiry, the
-- release-pass audit event. No DELETE: purge and delete are the owner's.
GRANT SELECT, INSERT ON quarantine, msg_body, audit TO embargo_daemon;
GRANT UPDATE (state, findings, rule, explain, changed_at, changed_by) ON quarantine
    TO embargo_daemon;
GRANT SELECT ON schema_version TO embargo_daemon;
GRANT USAGE ON SEQUENCE audit_rowid_seq TO embargo_daemon;

-- Review: read everything, change nothing.
GRANT SELECT ON quarantine, msg_body, audit, schema_version TO embargo_review;

-- Release: read, the state transition and its audit event (findings, rule and
-- explain: the PPAP expiry that every embargo-quarantine run performs).
GRANT SELECT ON quarantine, msg_body, audit, schema_version TO embargo_release;
GRANT UPDATE (state, release_to, release_done, changed_at, changed_by, findings, rule,
    explain) ON quarantine TO embargo_release;
GRANT INSERT ON audit TO embargo_release;
GRANT USAGE ON SEQUENCE audit_rowid_seq TO embargo_release;

-- Single-use keys (schema 2, store_once.c): the digest and the admin notice
-- (embargo-quarantine digest, run as the release role or the owner) and the digest
-- links consumed by embargo-web (the release role).
GRANT SELECT, INSERT, DELETE ON once TO embargo_release;
