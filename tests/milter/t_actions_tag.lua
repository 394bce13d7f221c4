-- tag: X-Embargo-Action and X-Embargo-Findings added, Subject prefixed, delivered.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s, conf, q = start_embargo("act-tag", [[
rules = ( { name = "t-tag"; action = "tag"; subject_prefix = "[SUSPICIOUS] "; } );
]])
local conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-TAG")
expect(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "tagged message delivered, got " .. tostring(r))
local a = mt.getheader(conn, "X-Embargo-Action", 0)
expect(a ~= nil and a:find("^tag; rule=t%-tag") ~= nil, "X-Embargo-Action: " .. tostring(a))
local f = mt.getheader(conn, "X-Embargo-Findings", 0)
expect(f ~= nil and f ~= "none" and f:find("@") ~= nil, "X-Embargo-Findings: " .. tostring(f))
expect(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[SUSPICIOUS] invoice"), "subject prefixed")
expect(not mt.eom_check(conn, MT_BODYCHANGE), "body untouched")
expect(qfiles(q) == 0, "nothing stored for a tag")
mt.disconnect(conn)
stop_embargo()
