-- A plain message in several body chunks is accepted with an X-Embargo header that
-- records the version and the size.
dofile(root .. "/tests/milter/lib.lua")
local conn = connect()
envelope(conn, "MT-BASIC-1", "<sender@example.org>", {"<rcpt@example.net>"},
	{{"From", "sender@example.org"}, {"To", "rcpt@example.net"},
	 {"Subject", "hello"}, {"Message-ID", "<basic@example.org>"}})
body(conn, {"first line\r\n", "second line\r\n", "third line\r\n"})
expect(mt.eom(conn) == nil, "eom sent")
expect(mt.getreply(conn) == SMFIR_ACCEPT or mt.getreply(conn) == SMFIR_CONTINUE,
	"message accepted")
expect(mt.eom_check(conn, MT_HDRADD, "X-Embargo"), "X-Embargo header added")
local v = mt.getheader(conn, "X-Embargo", 0)
expect(v ~= nil and v:find("^Embargo %d+%.%d+%.%d+; size=%d+") ~= nil,
	"X-Embargo has version and size, got " .. tostring(v))
mt.disconnect(conn)
