-- strip: the executable attachment (a top-level entity) is replaced by a notice
-- naming it, its finding and the quarantine id; the other parts and the preamble
-- and epilogue are byte-identical; the original is in the store.
-- Needs the MIME parser (part ranges) and a finding on the attachment itself.
dofile(root .. "/tests/milter/lib.lua")
dofile(root .. "/tests/milter/actions_lib.lua")
local s, conf, q = start_embargo("act-strip", [[
rules = ( { name = "t-strip"; action = "strip"; } );
]])
local conn = connect_to(s)
local r = send_test_message(conn, "MT-ACT-STRIP")
expect(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "stripped message delivered, got " .. tostring(r))
expect(mt.eom_check(conn, MT_BODYCHANGE), "body replaced")
expect(qfiles(q) == 1, "original stored")
local l = qlist(conf)
local id = l:match('"id":"(%x+)"')
expect(id ~= nil and l:find('"action":"strip"'), "strip recorded: " .. l)
local a = mt.getheader(conn, "X-Embargo-Action", 0)
expect(a ~= nil and a:find("^strip; rule=t%-strip; quarantine%-id=" .. id) ~= nil, "header: " .. tostring(a))
local notice = "Content-Type: text/plain; charset=us-ascii\r\n" ..
	"Content-Disposition: inline; filename=\"removed.txt\"\r\n\r\n" ..
	"The attachment \"invoice.pdf.exe\" was removed by the mail gateway.\r\n"
local pre = "preamble\r\n--BOUNDARY\r\n" .. PART1 .. "\r\n--BOUNDARY\r\n"
local post = "\r\n--BOUNDARY\r\n" .. PART3 .. "\r\n--BOUNDARY--\r\nepilogue\r\n"
local reason = l:match('"findings":%[{"name":"([^"]+)"')
-- The new body goes to the MTA in pieces (miltertest keeps each replacebody
-- message apart): the original up to part 2, the notice, the original after it.
expect(mt.eom_check(conn, MT_BODYCHANGE, pre), "body before part 2 byte-identical")
expect(mt.eom_check(conn, MT_BODYCHANGE, notice .. "Reason: " .. tostring(reason) ..
	" (rule t-strip).\r\nQuarantine id: " .. id .. "\r\n"), "notice in place of part 2")
expect(mt.eom_check(conn, MT_BODYCHANGE, post), "body after part 2 byte-identical")
mt.disconnect(conn)
stop_embargo()
