-- A quarantine that cannot be written (quarantine_dir under a plain file) makes the
-- message tempfail (451 4.3.0): the MTA keeps it, nothing is lost.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local blocker = dir .. "/not-a-dir"
local f = io.open(blocker, "wb"); f:write("x"); f:close()
local s = start_embargo("act-storefail", [[
rules = ( { name = "t-quarantine"; action = "quarantine"; } );
]], { quarantine_dir = '"' .. blocker .. '/q"' })
local conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-QFAIL")
expect(r == SMFIR_REPLYCODE, "tempfail reply, got " .. tostring(r))
expect(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0", "Temporary quarantine failure, try again later"),
	"451 4.3.0 when the store fails")
mt.disconnect(conn)
stop_embargo()
