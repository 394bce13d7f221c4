-- A quarantine that cannot be written makes the message tempfail (451 4.3.0): the
-- MTA keeps it, nothing is lost. The folder is fine at start (a missing or unwritable
-- one stops the start), and is replaced by a plain file once the daemon serves.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local qdir = dir .. "/goes-away"
os.execute("rm -rf '" .. qdir .. "'; mkdir -p '" .. qdir .. "'")
local s = start_embargo("act-storefail", [[
rules = ( { name = "t-quarantine"; action = "quarantine"; } );
]], { quarantine_dir = '"' .. qdir .. '"' })
local conn = connect_to(s)
os.execute("rm -rf '" .. qdir .. "'; echo x > '" .. qdir .. "'")
local r = send_test_message(conn, "MT-ACT-QFAIL")
expect(r == SMFIR_REPLYCODE, "tempfail reply, got " .. tostring(r))
expect(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0", "Temporary quarantine failure, try again later"),
	"451 4.3.0 when the store fails")
mt.disconnect(conn)
stop_embargo()
