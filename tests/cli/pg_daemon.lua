-- pg_daemon.lua (run by t_pgstore.sh, not by the milter suite: it needs the private
-- PostgreSQL cluster): the daemon on quarantine_db discards a quarantined message
-- only after its row and body are committed; with PostgreSQL stopped the message is
-- tempfailed (451 4.3.0, the MTA keeps it); after PostgreSQL is back the daemon
-- stores again without a restart of its own.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s = start_embargo("mx1", [[
rules = ( { name = "t-quarantine"; action = "quarantine"; } );
]], { quarantine_db = '"' .. pg .. '"', host_name = '"mx1"', db_timeout = "2" })
local conn = connect_to(s)
local r = send_test_message(conn, "MT-PG-1")
expect(r == SMFIR_DISCARD, "stored in PostgreSQL and discarded, got " .. tostring(r))
mt.disconnect(conn)

os.execute("sh -c '. " .. root .. "/tests/pg.sh; pg_stop " .. pgdir .. "'")
conn = connect_to(s)
r = send_test_message(conn, "MT-PG-2")
expect(r == SMFIR_REPLYCODE, "PostgreSQL down: tempfail, got " .. tostring(r))
expect(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0", "Temporary quarantine failure, try again later"),
	"451 4.3.0 while PostgreSQL is down")
mt.disconnect(conn)

os.execute("sh -c '. " .. root .. "/tests/pg.sh; pg_restart " .. pgdir .. "'")
conn = connect_to(s)
r = send_test_message(conn, "MT-PG-3")
expect(r == SMFIR_DISCARD, "PostgreSQL back: stored again, got " .. tostring(r))
mt.disconnect(conn)
stop_embargo()
