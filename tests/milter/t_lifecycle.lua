-- Sessions that end early never crash the daemon: a connection with no message, a
-- message aborted mid-body followed by another on the same connection, a message
-- with no body, and an abrupt disconnect mid-body.
dofile(root .. "/tests/milter/lib.lua")

-- connect and quit without a message
local c1 = connect()
mt.disconnect(c1)

-- abort mid-message, then a full message on the same connection
local c2 = connect()
envelope(c2, "MT-LIFE-1", "<a@example.org>", {"<b@example.net>"}, {{"Subject", "x"}})
body(c2, {"partial body\r\n"})
expect(mt.abort(c2) == nil, "abort sent")
envelope(c2, "MT-LIFE-2", "<a@example.org>", {"<b@example.net>"}, {{"Subject", "y"}})
body(c2, {"complete body\r\n"})
expect(mt.eom(c2) == nil, "eom after abort")
expect(mt.eom_check(c2, MT_HDRADD, "X-Embargo"), "second message tagged after abort")
mt.disconnect(c2)

-- a message with no body at all
local c3 = connect()
envelope(c3, "MT-LIFE-3", "<a@example.org>", {"<b@example.net>"}, {{"Subject", "empty"}})
expect(mt.eom(c3) == nil, "eom without body")
expect(mt.eom_check(c3, MT_HDRADD, "X-Embargo"), "bodiless message tagged")
mt.disconnect(c3)

-- abrupt disconnect in the middle of the body
local c4 = connect()
envelope(c4, "MT-LIFE-4", "<a@example.org>", {"<b@example.net>"}, {{"Subject", "cut"}})
body(c4, {"some body\r\n"})
mt.disconnect(c4, false)

-- two messages on one connection, no abort between them
local c5 = connect()
for i = 1, 2 do
	envelope(c5, "MT-LIFE-5" .. i, "<a@example.org>", {"<b@example.net>", "<c@example.net>"},
		{{"Subject", "n" .. i}})
	body(c5, {"body " .. i .. "\r\n"})
	expect(mt.eom(c5) == nil, "eom " .. i)
	expect(mt.eom_check(c5, MT_HDRADD, "X-Embargo"), "message " .. i .. " tagged")
end
mt.disconnect(c5)

-- the daemon still answers
local c6 = connect()
mt.disconnect(c6)
