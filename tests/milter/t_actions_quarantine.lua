-- quarantine: the message is in the store (file and index row) before the MTA is
-- told to discard it; with quarantine = "reject" it is rejected with the reply.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s, conf, q = start_embargo("act-quarantine", [[
rules = (
  { name = "t-qreject"; action = "quarantine"; quarantine = "reject";
    reply = "550 5.7.1 Held for review (test)"; recipient = "review@example.net"; },
  { name = "t-quarantine"; action = "quarantine"; }
);
]])
local conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-QUAR")
expect(r == SMFIR_DISCARD, "quarantine discards, got " .. tostring(r))
expect(qfiles(q) == 1, "one message file stored")
local l = qlist(conf)
expect(l:find('"queue_id":"MT%-ACT%-QUAR"') and l:find('"action":"quarantine"') and
	l:find('"state":"quarantined"') and l:find('"rule":"t%-quarantine"'), "index row: " .. l)
mt.disconnect(conn)

conn = connect_to(s)
r = send_test_message(conn, "MT-ACT-QREJ", {"<review@example.net>"})
expect(r == SMFIR_REPLYCODE, "quarantine+reject answers with a reply, got " .. tostring(r))
expect(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "Held for review (test)"), "reply text")
expect(qfiles(q) == 2, "second message stored too")
mt.disconnect(conn)
stop_embargo()
