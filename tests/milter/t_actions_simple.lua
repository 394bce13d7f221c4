-- accept, discard, tempfail, and two recipients under different rules.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s = start_embargo("act-simple", [[
rules = (
  { name = "t-discard"; action = "discard"; recipient = "discard@example.net"; },
  { name = "t-tempfail"; action = "tempfail"; recipient = "later@example.net"; },
  { name = "t-accept"; action = "accept"; recipient = "ok@example.net"; }
);
]])
local conn = connect_to(s)
expect(send_test_message(conn, "MT-ACT-DISC", {"<discard@example.net>"}) == SMFIR_DISCARD, "discard")
mt.disconnect(conn)
conn = connect_to(s)
expect(send_test_message(conn, "MT-ACT-TEMP", {"<later@example.net>"}) == SMFIR_REPLYCODE, "tempfail with a reply")
expect(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1", "Message deferred by policy"), "451 4.7.1")
mt.disconnect(conn)
conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-ACC", {"<ok@example.net>"})
expect(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "accept")
expect(mt.getheader(conn, "X-Embargo-Action", 0) == nil, "accept adds no X-Embargo-Action")
mt.disconnect(conn)
-- Two recipients under different rules: the strongest action wins.
conn = connect_to(s)
expect(send_test_message(conn, "MT-ACT-MULTI", {"<ok@example.net>", "<later@example.net>"}) == SMFIR_REPLYCODE,
	"accept + tempfail recipients: tempfail for the message")
mt.disconnect(conn)
stop_embargo()
