-- A message that arrives with its own X-Embargo headers has them removed, so a
-- sender cannot forge a verdict; Embargo's own header is added.
dofile(root .. "/tests/milter/lib.lua")
local conn = connect()
envelope(conn, "MT-FORGED-1", "<a@example.org>", {"<b@example.net>"},
	{{"Subject", "forged"}, {"X-Embargo", "Embargo 9.9.9; size=1; findings=none"},
	 {"x-embargo-action", "accept"}, {"X-Embargo", "second copy"}})
body(conn, {"hello\r\n"})
expect(mt.eom(conn) == nil, "eom sent")
expect(mt.eom_check(conn, MT_HDRCHANGE, "X-Embargo", ""), "forged X-Embargo removed")
expect(mt.eom_check(conn, MT_HDRCHANGE, "X-Embargo-Action", ""), "forged X-Embargo-Action removed")
expect(mt.eom_check(conn, MT_HDRADD, "X-Embargo"), "own X-Embargo added")
mt.disconnect(conn)
