-- observe mode: a reject rule fires, the message is delivered with a header saying
-- what would have been done, the subject left alone, nothing stored.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s2, conf, q = start_embargo("act-observe", [[
observe = true;
rules = ( { name = "t-reject"; action = "reject"; } );
]])
local conn = connect_to(s2)
local r = send_test_message(conn, "MT-ACT-OBS")
expect(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "observe mode delivers, got " .. tostring(r))
local a = mt.getheader(conn, "X-Embargo-Action", 0)
expect(a ~= nil and a:find("^observe; would reject; rule=t%-reject") ~= nil, "observe header: " .. tostring(a))
expect(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "observe leaves the subject")
expect(qfiles(q) == 0, "observe stores nothing")
mt.disconnect(conn)
stop_embargo()
