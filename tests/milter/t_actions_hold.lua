-- hold: smfi_quarantine with the rule in the reason, recorded in the index (no copy).
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s, conf, q = start_embargo("act-hold", [[
rules = ( { name = "t-hold"; action = "hold"; } );
]])
local conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-HOLD")
expect(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "held message accepted by the filter, got " .. tostring(r))
expect(mt.eom_check(conn, MT_QUARANTINE), "MTA asked to hold")
local l = qlist(conf)
expect(l:find('"queue_id":"MT%-ACT%-HOLD"') and l:find('"action":"hold"'), "hold recorded: " .. l)
expect(qfiles(q) == 0, "no copy for a hold (the MTA has it)")
mt.disconnect(conn)
stop_embargo()
