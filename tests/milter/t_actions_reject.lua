-- reject: the rule's reply goes to the MTA (550 5.7.1 and the text), nothing is stored.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s, conf, q = start_embargo("act-reject", [[
rules = ( { name = "t-reject"; action = "reject"; reply = "550 5.7.1 Executables refused (test)"; } );
]])
local conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-REJECT")
expect(r == SMFIR_REPLYCODE, "reject reply code, got " .. tostring(r))
expect(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "Executables refused (test)"),
	"550 5.7.1 with the configured text")
expect(qfiles(q) == 0, "nothing stored for a reject")
mt.disconnect(conn)
stop_embargo()
